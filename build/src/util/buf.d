build/src/util/buf.o: src/util/buf.c include/yibao/buf.h \
 include/yibao/error.h
include/yibao/buf.h:
include/yibao/error.h:
