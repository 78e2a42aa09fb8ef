build/src/util/date.o: src/util/date.c include/yibao/date.h \
 include/yibao/error.h
include/yibao/date.h:
include/yibao/error.h:
