build/src/policy/catalogue.o: src/policy/catalogue.c \
 include/yibao/policy.h include/yibao/date.h include/yibao/money.h \
 include/yibao/buf.h include/yibao/error.h src/policy/diag.h \
 include/yibao/json.h
include/yibao/policy.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/buf.h:
include/yibao/error.h:
src/policy/diag.h:
include/yibao/json.h:
