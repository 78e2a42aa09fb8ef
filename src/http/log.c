/* What the server needs to log safely: clocks, masking of personal data,
 * and whole-line writes to stderr. */
#include "yibao/http.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- time */

/* China has one time zone, UTC+8, and no daylight saving: local time is
 * fixed arithmetic, whatever TZ the machine has (as in the ledger). */
#define CST_OFFSET (8 * 3600)

void yb_now_get(yb_now *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->unix_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	t->ms = (int)(ts.tv_nsec / 1000000);
	t->local = (yb_datetime)ts.tv_sec + CST_OFFSET;
}

void yb_now_compact(char out[18], const yb_now *t)
{
	char day[24];
	size_t i, k = 0;

	yb_datetime_format(day, t->local);
	for (i = 0; day[i] && k < 14; i++)
		if (day[i] >= '0' && day[i] <= '9')
			out[k++] = day[i];
	out[k++] = (char)('0' + t->ms / 100);
	out[k++] = (char)('0' + t->ms / 10 % 10);
	out[k++] = (char)('0' + t->ms % 10);
	out[k] = '\0';
}

int64_t yb_monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ----------------------------------------------------------------- log */

void yb_log_line(const yb_buf *line)
{
	const char *p = line->ptr;
	size_t left = line->len;

	while (left) {
		ssize_t w = write(STDERR_FILENO, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		left -= (size_t)w;
	}
}

void yb_log_begin(yb_jw *w, yb_buf *line, const char *event)
{
	yb_now now;
	char when[24];

	yb_now_get(&now);
	yb_datetime_format(when, now.local);
	yb_jw_init(w, line);
	yb_jw_obj(w, NULL);
	yb_jw_str(w, "time", when);
	yb_jw_str(w, "event", event);
}

void yb_log_end(yb_jw *w, yb_buf *line)
{
	yb_jw_end(w, '}');
	yb_buf_putc(line, '\n');
	if (!line->oom)
		yb_log_line(line);
	yb_buf_free(line);
}
