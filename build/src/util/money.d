build/src/util/money.o: src/util/money.c include/yibao/money.h \
 include/yibao/error.h
include/yibao/money.h:
include/yibao/error.h:
