/* Dates and times: the civil calendar, the accepted text forms, ages. */
#include "unit.h"

#include "yibao/date.h"

static yb_date date(const char *s)
{
	yb_date d = 12345;
	int rc = yb_date_parse(&d, s, strlen(s));
	if (rc != 0)
		print_error("'%s': %s\n", s, yb_error_msg());
	assert_int_equal(rc, 0);
	return d;
}

static void date_bad(const char *s)
{
	yb_date d = 12345;
	int rc = yb_date_parse(&d, s, strlen(s));
	if (rc != YB_EINVALID)
		print_error("'%s' parsed\n", s);
	assert_int_equal(rc, YB_EINVALID);
	assert_int_equal(d, 12345);
	assert_non_null(strstr(yb_error_msg(), "not a date"));
}

static yb_datetime datetime(const char *s)
{
	yb_datetime t = 12345;
	int rc = yb_datetime_parse(&t, s, strlen(s));
	if (rc != 0)
		print_error("'%s': %s\n", s, yb_error_msg());
	assert_int_equal(rc, 0);
	return t;
}

static void datetime_bad(const char *s)
{
	yb_datetime t = 12345;
	int rc = yb_datetime_parse(&t, s, strlen(s));
	if (rc != YB_EINVALID)
		print_error("'%s' parsed\n", s);
	assert_int_equal(rc, YB_EINVALID);
	assert_int_equal(t, 12345);
	assert_non_null(strstr(yb_error_msg(), "not a time"));
}

static void epoch(void **state)
{
	int y, m, d;
	(void)state;
	assert_int_equal(yb_date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(yb_date_from_ymd(1970, 1, 2), 1);
	assert_int_equal(yb_date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(yb_date_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(yb_date_from_ymd(2024, 3, 1), 19783);
	yb_date_to_ymd(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	assert_int_equal(yb_date_year(19783), 2024);
	assert_int_equal(yb_date_year(-1), 1969);
}

static void leap_years(void **state)
{
	(void)state;
	assert_int_equal(date("2024-02-29"), yb_date_from_ymd(2024, 2, 29));
	assert_int_equal(date("2024-03-01") - date("2024-02-28"), 2);
	assert_int_equal(date("2000-02-29"), yb_date_from_ymd(2000, 2, 29));
	assert_int_equal(date("2023-03-01") - date("2023-02-28"), 1);
	assert_int_equal(date("1900-03-01") - date("1900-02-28"), 1);
	date_bad("2023-02-29");
	date_bad("1900-02-29");
	date_bad("2100-02-29");
	date_bad("2024-02-30");
	assert_int_equal(date("2025-01-01") - date("2024-01-01"), 366);
	assert_int_equal(date("2024-01-01") - date("2023-01-01"), 365);
}

static void compact_forms(void **state)
{
	(void)state;
	assert_int_equal(date("20240301"), date("2024-03-01"));
	assert_int_equal(date("20240229"), date("2024-02-29"));
	date_bad("20230229");
	assert_int_equal(datetime("20240301093000"), datetime("2024-03-01 09:30:00"));
	assert_int_equal(datetime("20240301093000"),
			 (yb_datetime)date("2024-03-01") * 86400 + 9 * 3600 + 30 * 60);
	assert_int_equal(datetime("2024-03-01"), (yb_datetime)date("2024-03-01") * 86400);
	assert_int_equal(datetime("20240301"), (yb_datetime)date("2024-03-01") * 86400);
	assert_int_equal(datetime("2024-03-01T09:30:00"), datetime("2024-03-01 09:30:00"));
	assert_int_equal(datetime("2024-12-31 23:59:59") + 1, datetime("2025-01-01 00:00:00"));
}

static void bad_dates(void **state)
{
	(void)state;
	date_bad("");
	date_bad("2024");
	date_bad("2024-03");
	date_bad("2024-3-1");
	date_bad("2024-03-1");
	date_bad("2024/03/01");
	date_bad("2024-03-01 ");
	date_bad(" 2024-03-01");
	date_bad("2024-03-01x");
	date_bad("2024-03-01 09:30:00"); /* a time is not a date */
	date_bad("2024030");
	date_bad("202403011");
	date_bad("2024-13-01");
	date_bad("2024-00-10");
	date_bad("2024-04-31");
	date_bad("2024-04-00");
	date_bad("1799-12-31");          /* before the supported range */
	date_bad("abcd-ef-gh");
	date_bad("2024-0a-01");
	date_bad("+024-03-01");
	date_bad("-024-03-01");
}

static void bad_times(void **state)
{
	(void)state;
	datetime_bad("");
	datetime_bad("2024-03-01 24:00:00");
	datetime_bad("2024-03-01 09:60:00");
	datetime_bad("2024-03-01 09:30:60");
	datetime_bad("2024-03-01 09:30");
	datetime_bad("2024-03-01 9:30:00");
	datetime_bad("2024-03-01  09:30:0");
	datetime_bad("2024-03-01 09-30-00");
	datetime_bad("2024-03-01 09:30:00.123");
	datetime_bad("2024-03-01 09:30:00Z");
	datetime_bad("202403010930");
	datetime_bad("20240301 093000");
	datetime_bad("2024030109300");
	datetime_bad("2024-02-30 00:00:00");
	datetime_bad("20240301-93000");
	datetime_bad("2024-03-01 ab:cd:ef");
}

static void length_bounds_text(void **state)
{
	yb_date d;
	yb_datetime t;
	(void)state;
	/* the length, not a NUL, ends the text */
	assert_int_equal(yb_date_parse(&d, "2024-03-01 trailing", 10), 0);
	assert_int_equal(d, date("2024-03-01"));
	assert_int_equal(yb_datetime_parse(&t, "2024-03-01 09:30:00xyz", 19), 0);
	assert_int_equal(t, datetime("2024-03-01 09:30:00"));
	assert_int_equal(yb_date_parse(&d, "2024-03-01", 9), YB_EINVALID);
	assert_int_equal(yb_date_parse(&d, "2024-03-01", 0), YB_EINVALID);
}

static void format_round_trip(void **state)
{
	char buf[32];
	yb_date day;
	yb_datetime t;
	(void)state;
	yb_date_format(buf, date("2024-02-29"));
	assert_string_equal(buf, "2024-02-29");
	yb_date_format(buf, 0);
	assert_string_equal(buf, "1970-01-01");
	yb_datetime_format(buf, datetime("2024-03-01 09:30:05"));
	assert_string_equal(buf, "2024-03-01 09:30:05");
	/* every day from 1800-01-01 to 2400-12-31 survives format and parse,
	 * and its ymd survives from_ymd */
	for (day = date("1800-01-01"); day <= date("2400-12-31"); day++) {
		int y, m, d;
		yb_date back = YB_DATE_NONE;
		yb_date_to_ymd(day, &y, &m, &d);
		assert_int_equal(yb_date_from_ymd(y, m, d), day);
		yb_date_format(buf, day);
		assert_int_equal(yb_date_parse(&back, buf, 10), 0);
		assert_int_equal(back, day);
	}
	for (t = -3 * 86400 + 1; t < 400LL * 86400 * 366; t += 86400 * 7 + 3607) {
		yb_datetime back;
		yb_datetime_format(buf, t);
		assert_int_equal(yb_datetime_parse(&back, buf, 19), 0);
		assert_int_equal(back, t);
	}
}

static void datetime_date_negative(void **state)
{
	char buf[32];
	(void)state;
	assert_int_equal(yb_datetime_date(0), 0);
	assert_int_equal(yb_datetime_date(86399), 0);
	assert_int_equal(yb_datetime_date(86400), 1);
	assert_int_equal(yb_datetime_date(-1), -1);
	assert_int_equal(yb_datetime_date(-86399), -1);
	assert_int_equal(yb_datetime_date(-86400), -1);
	assert_int_equal(yb_datetime_date(-86401), -2);
	assert_int_equal(yb_datetime_date(datetime("1969-12-31 23:59:59")), -1);
	assert_int_equal(yb_datetime_date(datetime("1900-06-15 12:00:00")), date("1900-06-15"));
	yb_datetime_format(buf, -1);
	assert_string_equal(buf, "1969-12-31 23:59:59");
	yb_datetime_format(buf, -86400);
	assert_string_equal(buf, "1969-12-31 00:00:00");
	yb_datetime_format(buf, datetime("1850-07-04 06:07:08"));
	assert_string_equal(buf, "1850-07-04 06:07:08");
}

static void ages(void **state)
{
	yb_date brdy = date("2000-03-15");
	yb_date leap = date("2000-02-29");
	(void)state;
	assert_int_equal(yb_age(brdy, date("2024-03-14")), 23);
	assert_int_equal(yb_age(brdy, date("2024-03-15")), 24);
	assert_int_equal(yb_age(brdy, date("2024-03-16")), 24);
	assert_int_equal(yb_age(brdy, date("2025-03-14")), 24);
	assert_int_equal(yb_age(brdy, date("2000-03-15")), 0);
	assert_int_equal(yb_age(brdy, date("2001-03-14")), 0);
	assert_int_equal(yb_age(brdy, date("2001-03-15")), 1);
	/* born on 29 February: a year older on 1 March in common years */
	assert_int_equal(yb_age(leap, date("2023-02-28")), 22);
	assert_int_equal(yb_age(leap, date("2023-03-01")), 23);
	assert_int_equal(yb_age(leap, date("2024-02-28")), 23);
	assert_int_equal(yb_age(leap, date("2024-02-29")), 24);
	/* born on 31 December, seen on 1 January */
	assert_int_equal(yb_age(date("1955-12-31"), date("2024-01-01")), 68);
	assert_int_equal(yb_age(date("1955-12-31"), date("2023-12-31")), 68);
	assert_int_equal(yb_age(date("1955-12-31"), date("2023-12-30")), 67);
}

/* The forms clients of the national interface write (docs/interface.md,
 * "Tolerance"): each one read as the canonical time it names. */
static void loose_forms(void **state)
{
	yb_datetime t = 0, want = (yb_datetime)yb_date_from_ymd(2026, 12, 8) * 86400 + 8 * 3600 + 26 * 60 + 14;
	yb_date d = 0;
	const char *ok_times[] = {"2026-12-08 08:26:14", "2026/12/8 8:26:14", "2026-12-8 8:26:14",
				  "2026-12-08T08:26:14", "2026-12-08T08:26:14.123", "2026-12-08T08:26:14+08:00",
				  "2026-12-08T08:26:14.5+08:00", "20261208082614"};
	const char *bad[] = {"2026/12/8", "2026/12/8 8:26", "2026/12-8 8:26:14", "2026/13/8 8:26:14",
			     "2026/2/30 8:26:14", "2026/12/8 24:00:00", "2026-12-08T08:26:14Z",
			     "2026-12-08T08:26:14+09:00", "2026/12/8  8:26:14", "2026/12/008 8:26:14"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_times) / sizeof(ok_times[0]); i++) {
		if (yb_datetime_parse_loose(&t, ok_times[i], strlen(ok_times[i])) != 0 || t != want)
			print_error("'%s': %s\n", ok_times[i], yb_error_msg());
		assert_int_equal(t, want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (yb_datetime_parse_loose(&t, bad[i], strlen(bad[i])) != YB_EINVALID)
			print_error("'%s' was taken\n", bad[i]);
		assert_int_equal(yb_datetime_parse_loose(&t, bad[i], strlen(bad[i])), YB_EINVALID);
	}
	assert_int_equal(yb_date_parse_loose(&d, "2026/12/8", 9), 0);
	assert_int_equal(d, yb_date_from_ymd(2026, 12, 8));
	assert_int_equal(yb_date_parse_loose(&d, "2026-1-31", 9), 0);
	assert_int_equal(d, yb_date_from_ymd(2026, 1, 31));
	assert_int_equal(yb_date_parse_loose(&d, "2026/2/29", 9), YB_EINVALID);
	/* the strict parsers stay strict */
	assert_int_equal(yb_date_parse(&d, "2026/12/8", 9), YB_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(epoch),
		cmocka_unit_test(leap_years),
		cmocka_unit_test(compact_forms),
		cmocka_unit_test(bad_dates),
		cmocka_unit_test(bad_times),
		cmocka_unit_test(length_bounds_text),
		cmocka_unit_test(format_round_trip),
		cmocka_unit_test(datetime_date_negative),
		cmocka_unit_test(ages),
		cmocka_unit_test(loose_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
