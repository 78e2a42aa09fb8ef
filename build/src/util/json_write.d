build/src/util/json_write.o: src/util/json_write.c include/yibao/json.h \
 include/yibao/buf.h include/yibao/date.h include/yibao/money.h
include/yibao/json.h:
include/yibao/buf.h:
include/yibao/date.h:
include/yibao/money.h:
