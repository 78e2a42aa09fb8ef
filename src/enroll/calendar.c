/* Months and the working-day calendar of enrolment rules (N5, N6, N7).
 * Periods are counted as the Civil Code counts them (art. 201-202): the
 * first day is not counted, and a period in months ends on the
 * corresponding day (or on the month's last day when it has none). */
#include "yibao/enroll.h"
#include "yibao/error.h"
#include "enroll_int.h"

#include <string.h>

yb_month yb_month_of(yb_date day)
{
	int y, m, d;
	yb_date_to_ymd(day, &y, &m, &d);
	return (yb_month)(y * 12 + m - 1);
}

static void month_ym(yb_month mo, int *y, int *m)
{
	*y = mo / 12;
	*m = mo % 12 + 1;
}

yb_date yb_month_first(yb_month mo)
{
	int y, m;
	month_ym(mo, &y, &m);
	return yb_date_from_ymd(y, m, 1);
}

yb_date yb_month_last(yb_month mo)
{
	return yb_month_first(mo + 1) - 1;
}

int yb_month_parse(yb_month *out, const char *s, size_t len)
{
	int y = 0, m = 0;
	size_t i, mpos;

	if (len == 7 && s[4] == '-')
		mpos = 5;
	else if (len == 6)
		mpos = 4;
	else
		return yb_error_set(YB_EINVALID, "not a month (YYYY-MM)");
	for (i = 0; i < len; i++) {
		if (i == 4 && mpos == 5)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return yb_error_set(YB_EINVALID, "not a month (YYYY-MM)");
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (y < 1800 || m < 1 || m > 12)
		return yb_error_set(YB_EINVALID, "not a month (YYYY-MM)");
	*out = (yb_month)(y * 12 + m - 1);
	return 0;
}

void yb_month_format(char *buf, yb_month mo)
{
	char day[11];
	yb_date_format(day, yb_month_first(mo));
	memcpy(buf, day, 7);
	buf[7] = '\0';
}

yb_date yb_date_add_months(yb_date day, int months)
{
	int y, m, d;
	yb_month target;
	yb_date last;

	yb_date_to_ymd(day, &y, &m, &d);
	target = (yb_month)(y * 12 + m - 1 + months);
	last = yb_month_last(target);
	return yb_month_first(target) + d - 1 > last ? last : yb_month_first(target) + d - 1;
}

/* ------------------------------------------------------------ calendar */

static int listed(const yb_date *days, size_t n, yb_date d)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] == d)
			return 1;
		if (days[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int yb_workcal_is_workday(const yb_workcal *cal, yb_date day)
{
	int y = yb_date_year(day);
	int w = enrol_weekday(day);

	if (!cal->first_year || y < cal->first_year || y > cal->last_year)
		return yb_error_set(YB_ENOTFOUND, "the working-day calendar has no holidays for %d (calendar.first_year..last_year)", y);
	if (cal->weekend >> w & 1)
		return listed(cal->workdays, cal->n_workdays, day);
	return !listed(cal->holidays, cal->n_holidays, day);
}

int yb_workcal_add(yb_date *out, const yb_workcal *cal, yb_date from, int n)
{
	yb_date d = from;
	int rc;

	if (n < 1)
		return yb_error_set(YB_EINVALID, "a term of %d working days", n);
	while (n > 0) {
		d++;
		if ((rc = yb_workcal_is_workday(cal, d)) < 0)
			return rc;
		n -= rc;
	}
	*out = d;
	return 0;
}
