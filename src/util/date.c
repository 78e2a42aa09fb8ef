/* Civil calendar arithmetic (proleptic Gregorian), after the well-known
 * days-from-civil algorithm: exact for any year representable here. */
#include "yibao/date.h"
#include "yibao/error.h"

#include <string.h>


yb_date yb_date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (yb_date)(era * 146097 + doe - 719468);
}

void yb_date_to_ymd(yb_date day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

/* Reads n digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	int i;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int bad(const char *what)
{
	return yb_error_set(YB_EINVALID, "not a %s", what);
}

static int parse_ymd(const char *s, size_t len, int *y, int *m, int *d, size_t *used)
{
	if (len >= 10 && s[4] == '-' && s[7] == '-') {
		if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
			return -1;
		*used = 10;
	} else if (len >= 8) {
		if (digits(s, 4, y) || digits(s + 4, 2, m) || digits(s + 6, 2, d))
			return -1;
		*used = 8;
	} else {
		return -1;
	}
	if (*y < 1800 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int yb_date_parse(yb_date *out, const char *s, size_t len)
{
	int y, m, d;
	size_t used;

	if (parse_ymd(s, len, &y, &m, &d, &used) < 0 || used != len)
		return bad("date (YYYY-MM-DD)");
	*out = yb_date_from_ymd(y, m, d);
	return 0;
}

int yb_datetime_parse(yb_datetime *out, const char *s, size_t len)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;
	size_t used;

	if (parse_ymd(s, len, &y, &m, &d, &used) < 0)
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	if (used == 10 && len == 19 && (s[10] == ' ' || s[10] == 'T') &&
	    s[13] == ':' && s[16] == ':') {
		if (digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) ||
		    digits(s + 17, 2, &ss))
			return bad("time (YYYY-MM-DD HH:MM:SS)");
	} else if (used == 8 && len == 14) {
		if (digits(s + 8, 2, &hh) || digits(s + 10, 2, &mm) ||
		    digits(s + 12, 2, &ss))
			return bad("time (YYYY-MM-DD HH:MM:SS)");
	} else if (used != len) {
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	*out = (yb_datetime)yb_date_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/* Reads 1 to 2 digits at s[*i] (a month, day or hour as a Windows zh-CN
 * client writes it: 2026/12/8 8:26:14). */
static int digits12(const char *s, size_t len, size_t *i, int *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < len && *i - start < 2 && s[*i] >= '0' && s[*i] <= '9')
		*v = *v * 10 + (s[(*i)++] - '0');
	return *i > start ? 0 : -1;
}

/* yyyy-M-d or yyyy/M/d at s; *used gets the length read. */
static int loose_ymd(const char *s, size_t len, int *y, int *m, int *d, size_t *used)
{
	size_t i = 4;
	char sep;

	if (len < 8 || digits(s, 4, y) || (s[4] != '-' && s[4] != '/'))
		return -1;
	sep = s[i++];
	if (digits12(s, len, &i, m) || i >= len || s[i++] != sep || digits12(s, len, &i, d))
		return -1;
	if (*y < 1800 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	*used = i;
	return 0;
}

int yb_date_parse_loose(yb_date *out, const char *s, size_t len)
{
	int y, m, d;
	size_t used;

	if (yb_date_parse(out, s, len) == 0)
		return 0;
	if (loose_ymd(s, len, &y, &m, &d, &used) < 0 || used != len)
		return bad("date (YYYY-MM-DD)");
	*out = yb_date_from_ymd(y, m, d);
	return 0;
}

int yb_datetime_parse_loose(yb_datetime *out, const char *s, size_t len)
{
	int y, m, d, hh, mm, ss;
	size_t i;

	if (yb_datetime_parse(out, s, len) == 0)
		return 0;
	if (loose_ymd(s, len, &y, &m, &d, &i) < 0 || i >= len || (s[i] != ' ' && s[i] != 'T'))
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	i++;
	if (digits12(s, len, &i, &hh) || i + 6 > len || s[i] != ':' || digits(s + i + 1, 2, &mm) ||
	    s[i + 3] != ':' || digits(s + i + 4, 2, &ss))
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	i += 6;
	if (i < len && s[i] == '.') /* fractions of a second, as ISO clients send them */
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (i + 6 == len && memcmp(s + i, "+08:00", 6) == 0) /* China Standard Time only */
		i += 6;
	if (i != len || hh > 23 || mm > 59 || ss > 59)
		return bad("time (YYYY-MM-DD HH:MM:SS)");
	*out = (yb_datetime)yb_date_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/* Writes v as exactly n digits (v is in range by construction). */
static void put_digits(char *o, int v, int n)
{
	while (n-- > 0) {
		o[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void yb_date_format(char *buf, yb_date day)
{
	int y, m, d;
	yb_date_to_ymd(day, &y, &m, &d);
	put_digits(buf, y < 0 ? 0 : y % 10000, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = '\0';
}

void yb_datetime_format(char *buf, yb_datetime t)
{
	yb_date day = yb_datetime_date(t);
	int sec = (int)(t - (int64_t)day * 86400);
	yb_date_format(buf, day);
	buf[10] = ' ';
	put_digits(buf + 11, sec / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, sec / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, sec % 60, 2);
	buf[19] = '\0';
}

int yb_date_year(yb_date day)
{
	int y, m, d;
	yb_date_to_ymd(day, &y, &m, &d);
	return y;
}

int yb_age(yb_date brdy, yb_date on)
{
	int by, bm, bd, y, m, d, age;
	yb_date_to_ymd(brdy, &by, &bm, &bd);
	yb_date_to_ymd(on, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}
