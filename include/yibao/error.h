/* Error codes and the per-thread error message.
 *
 * Functions return 0 on success or a negative YB_E* code. The message is set
 * once, where the failure is understood, and read by whoever reports it. */
#ifndef YB_ERROR_H
#define YB_ERROR_H

enum {
	YB_OK = 0,
	YB_ERROR = -1,     /* anything without a code of its own */
	YB_ENOTFOUND = -2,
	YB_EEXISTS = -3,
	YB_EINVALID = -4,  /* bad input: the message names the field */
	YB_ECONFLICT = -5,
	YB_EBUSY = -6,
	YB_ENOMEM = -7,
	YB_EREFUSED = -8,  /* valid input that the rules refuse */
	YB_EOVERFLOW = -9
};

/* Sets the message of this thread (printf-style) and returns code. */
int yb_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the current message with "prefix: ", keeping the code. */
int yb_error_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The message of the last error set on this thread; "" if none. Borrowed. */
const char *yb_error_msg(void);

void yb_error_clear(void);

#endif
