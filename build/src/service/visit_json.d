build/src/service/visit_json.o: src/service/visit_json.c \
 include/yibao/service.h include/yibao/buf.h include/yibao/engine.h \
 include/yibao/date.h include/yibao/money.h include/yibao/policy.h \
 include/yibao/json.h include/yibao/error.h
include/yibao/service.h:
include/yibao/buf.h:
include/yibao/engine.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/policy.h:
include/yibao/json.h:
include/yibao/error.h:
