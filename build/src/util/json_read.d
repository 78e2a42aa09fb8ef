build/src/util/json_read.o: src/util/json_read.c include/yibao/json.h \
 include/yibao/buf.h include/yibao/date.h include/yibao/money.h \
 include/yibao/error.h
include/yibao/json.h:
include/yibao/buf.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/error.h:
