build/src/cli/cmd_calc.o: src/cli/cmd_calc.c src/cli/cli.h \
 include/yibao/error.h include/yibao/service.h include/yibao/buf.h \
 include/yibao/engine.h include/yibao/date.h include/yibao/money.h \
 include/yibao/policy.h include/yibao/json.h
src/cli/cli.h:
include/yibao/error.h:
include/yibao/service.h:
include/yibao/buf.h:
include/yibao/engine.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/policy.h:
include/yibao/json.h:
