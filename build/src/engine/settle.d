build/src/engine/settle.o: src/engine/settle.c include/yibao/engine.h \
 include/yibao/date.h include/yibao/money.h include/yibao/policy.h \
 include/yibao/error.h
include/yibao/engine.h:
include/yibao/date.h:
include/yibao/money.h:
include/yibao/policy.h:
include/yibao/error.h:
