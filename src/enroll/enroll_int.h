/* Internal to src/enroll: helpers the rule files share. */
#ifndef YB_ENROLL_INT_H
#define YB_ENROLL_INT_H

#include "yibao/enroll.h"

/* Appends a reason (rule id and one sentence); the 16th and later are
 * folded into the last one's "(+N more)". */
void why_add(yb_reasons *w, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 0 Monday .. 6 Sunday. */
static inline int enrol_weekday(yb_date d)
{
	return (int)(((d % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}

/* A psn_type pattern: a trailing '*' matches a prefix. */
int enrol_pattern(const char *pat, const char *s);

/* "YYYY-MM-DD" of a date into buf[11]; "open" for YB_DATE_MAX. */
const char *enrol_day(char *buf, yb_date d);

#endif
