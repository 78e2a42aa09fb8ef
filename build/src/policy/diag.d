build/src/policy/diag.o: src/policy/diag.c src/policy/diag.h \
 include/yibao/json.h include/yibao/buf.h include/yibao/date.h \
 include/yibao/money.h include/yibao/policy.h include/yibao/error.h
src/policy/diag.h:
include/yibao/json.h:
include/yibao/buf.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/policy.h:
include/yibao/error.h:
