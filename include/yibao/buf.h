/* A growable byte buffer, always NUL-terminated. The buffer owns its memory;
 * yb_buf_free() releases it and leaves an empty buffer. */
#ifndef YB_BUF_H
#define YB_BUF_H

#include <stddef.h>

typedef struct yb_buf {
	char *ptr;
	size_t len;
	size_t cap;
	int oom; /* set once an allocation failed; later appends are ignored */
} yb_buf;

#define YB_BUF_INIT { NULL, 0, 0, 0 }

void yb_buf_put(yb_buf *b, const char *s, size_t n);
void yb_buf_puts(yb_buf *b, const char *s);
void yb_buf_putc(yb_buf *b, char c);
void yb_buf_printf(yb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void yb_buf_clear(yb_buf *b);
void yb_buf_free(yb_buf *b);

/* Reads a whole file (or stdin for "-") into b, at most max bytes. */
int yb_buf_read_file(yb_buf *b, const char *path, size_t max);

#endif
