/* The message catalogue: the Chinese a person reads (err_msg, warn_msg,
 * the console) for the English messages the code sets. src/util/messages.c
 * says how a message is found; src/util/messages_zh.h is the catalogue. */
#ifndef YB_MESSAGES_H
#define YB_MESSAGES_H

#include <stddef.h>

/* Writes the Chinese of msg (a yb_error_msg() of an error with code) into
 * out (n bytes, NUL-terminated, cut at n - 1 bytes); returns its length.
 * A message the catalogue lacks: the Chinese words of its code, then the
 * English. */
size_t yb_msg_zh(char *out, size_t n, int code, const char *msg);
/* 1 if the catalogue has the English format fmt (for the tests). */
int yb_msg_zh_has(const char *fmt);

#endif
