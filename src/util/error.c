/* The per-thread error message behind yb_error_set(). */
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define YB_ERROR_MAX 512

static _Thread_local char errbuf[YB_ERROR_MAX];

int yb_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return code;
}

int yb_error_prefix(int code, const char *fmt, ...)
{
	char prefix[YB_ERROR_MAX], old[YB_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, errbuf, sizeof(old));
	snprintf(errbuf, sizeof(errbuf), "%s: %s", prefix, old);
	return code;
}

const char *yb_error_msg(void)
{
	return errbuf;
}

void yb_error_clear(void)
{
	errbuf[0] = '\0';
}
