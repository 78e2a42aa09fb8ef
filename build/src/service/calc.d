build/src/service/calc.o: src/service/calc.c include/yibao/service.h \
 include/yibao/buf.h include/yibao/engine.h include/yibao/date.h \
 include/yibao/money.h include/yibao/policy.h include/yibao/json.h \
 include/yibao/error.h
include/yibao/service.h:
include/yibao/buf.h:
include/yibao/engine.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/policy.h:
include/yibao/json.h:
include/yibao/error.h:
