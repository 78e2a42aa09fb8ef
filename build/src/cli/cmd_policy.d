build/src/cli/cmd_policy.o: src/cli/cmd_policy.c src/cli/cli.h \
 include/yibao/error.h include/yibao/policy.h include/yibao/date.h \
 include/yibao/money.h
src/cli/cli.h:
include/yibao/error.h:
include/yibao/policy.h:
include/yibao/date.h:
include/yibao/money.h:
