/* Growable buffer used by the JSON writer and file readers. */
#include "yibao/buf.h"
#include "yibao/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(yb_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (__builtin_add_overflow(b->len, extra + 1, &need)) {
		b->oom = 1;
		return -1;
	}
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

void yb_buf_put(yb_buf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void yb_buf_puts(yb_buf *b, const char *s)
{
	yb_buf_put(b, s, strlen(s));
}

void yb_buf_putc(yb_buf *b, char c)
{
	if (grow(b, 1) < 0)
		return;
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void yb_buf_printf(yb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void yb_buf_clear(yb_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void yb_buf_free(yb_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int yb_buf_read_file(yb_buf *b, const char *path, size_t max)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return yb_error_set(YB_ENOTFOUND, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max) {
			rc = yb_error_set(YB_EINVALID, "%s: larger than %zu bytes", path, max);
			break;
		}
		yb_buf_put(b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = yb_error_set(YB_ERROR, "%s: read error", path);
	if (!rc && b->oom)
		rc = yb_error_set(YB_ENOMEM, "%s: out of memory", path);
	if (!rc && !b->ptr)
		yb_buf_put(b, "", 0);
	if (f != stdin)
		fclose(f);
	return rc;
}
