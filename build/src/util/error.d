build/src/util/error.o: src/util/error.c include/yibao/error.h
include/yibao/error.h:
