/* Reasons of enrolment decisions, and small helpers the rule files share. */
#include "enroll_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void why_add(yb_reasons *w, const char *rule, const char *fmt, ...)
{
	yb_reason *r;
	va_list ap;

	if (w->n == YB_ENROL_MAX_REASONS) {
		/* never silently lost: the last reason says more were cut */
		r = &w->r[w->n - 1];
		if (!strstr(r->text, " (+more)") && strlen(r->text) + 9 < sizeof(r->text))
			memcpy(r->text + strlen(r->text), " (+more)", 9);
		return;
	}
	r = &w->r[w->n++];
	snprintf(r->rule, sizeof(r->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

int enrol_pattern(const char *pat, const char *s)
{
	size_t n = strlen(pat);
	if (n && pat[n - 1] == '*')
		return strncmp(pat, s, n - 1) == 0;
	return strcmp(pat, s) == 0;
}

const char *enrol_day(char *buf, yb_date d)
{
	if (d == YB_DATE_MAX)
		snprintf(buf, 11, "open");
	else if (d == YB_DATE_NONE)
		snprintf(buf, 11, "none");
	else
		yb_date_format(buf, d);
	return buf;
}
