/* Money: exact decimal parsing, formatting, rounding half away from zero and
 * checked addition. Every expected value is stated beside its input. */
#include "unit.h"

#include "yibao/money.h"

/* Parses s at scale, asserting success, and returns the value. */
static int64_t dec(const char *s, int scale)
{
	int64_t v = -12345;
	int rc = yb_decimal_parse(&v, s, strlen(s), scale);
	if (rc != 0)
		print_error("'%s' at scale %d: %s\n", s, scale, yb_error_msg());
	assert_int_equal(rc, 0);
	return v;
}

/* Asserts that s does not parse at scale and leaves *out untouched. */
static void dec_bad(const char *s, int scale, int code, const char *needle)
{
	int64_t v = -12345;
	int rc;

	yb_error_clear();
	rc = yb_decimal_parse(&v, s, strlen(s), scale);
	if (rc != code || !strstr(yb_error_msg(), needle))
		print_error("'%s' at scale %d: got %d '%s'\n", s, scale, rc, yb_error_msg());
	assert_int_equal(rc, code);
	assert_non_null(strstr(yb_error_msg(), needle));
	assert_int_equal(v, -12345);
}

static void parse_amounts(void **state)
{
	(void)state;
	assert_int_equal(dec("4.52", 2), 452);
	assert_int_equal(dec("69.6", 2), 6960);
	assert_int_equal(dec("150", 2), 15000);
	assert_int_equal(dec("4.520", 2), 452);      /* trailing zeros are exact */
	assert_int_equal(dec("4.5200000000000000000000", 2), 452);
	assert_int_equal(dec("-0.01", 2), -1);
	assert_int_equal(dec("+7", 2), 700);
	assert_int_equal(dec("0", 2), 0);
	assert_int_equal(dec("-0", 2), 0);
	assert_int_equal(dec("000123.40", 2), 12340); /* strings may pad */
	assert_int_equal(dec("0.05", YB_SCALE_RATIO), 500);
	assert_int_equal(dec("1", YB_SCALE_RATIO), 10000);
	assert_int_equal(dec("12.5", YB_SCALE_PRICE), 12500000);
	assert_int_equal(dec("3", YB_SCALE_COUNT), 30000);
	assert_int_equal(dec("310", 0), 310);
}

static void parse_exponents(void **state)
{
	(void)state;
	assert_int_equal(dec("1e2", 2), 10000);
	assert_int_equal(dec("1E2", 2), 10000);
	assert_int_equal(dec("1e+2", 2), 10000);
	assert_int_equal(dec("452e-2", 2), 452);
	assert_int_equal(dec("4.52e1", 2), 4520);
	assert_int_equal(dec("45200e-4", 2), 452);   /* zeros drop exactly */
	assert_int_equal(dec("0.0452e2", 2), 452);
	assert_int_equal(dec("5e-2", YB_SCALE_RATIO), 500);
	assert_int_equal(dec("0e-400", 2), 0);
	assert_int_equal(dec("0e400", 2), 0);
	assert_int_equal(dec("0e999999999999999999999", 2), 0);
	dec_bad("45201e-4", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("1e-3", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("1e-400", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("1e-999999999999999999999", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("1e400", 2, YB_EOVERFLOW, "out of range");
	dec_bad("1e17", 2, YB_EOVERFLOW, "out of range");
	dec_bad("1e999999999999999999999", 2, YB_EOVERFLOW, "out of range");
	assert_int_equal(dec("1e16", 2), 1000000000000000000LL);
}

static void parse_rejects(void **state)
{
	(void)state;
	dec_bad("4.525", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("0.001", 2, YB_EINVALID, "more than 2 decimal places");
	dec_bad("0.00001", YB_SCALE_RATIO, YB_EINVALID, "more than 4 decimal places");
	dec_bad("", 2, YB_EINVALID, "not a decimal");
	dec_bad("-", 2, YB_EINVALID, "not a decimal");
	dec_bad("+", 2, YB_EINVALID, "not a decimal");
	dec_bad(".", 2, YB_EINVALID, "not a decimal");
	dec_bad("abc", 2, YB_EINVALID, "not a decimal");
	dec_bad("12a", 2, YB_EINVALID, "not a decimal");
	dec_bad("1.2.3", 2, YB_EINVALID, "not a decimal");
	dec_bad("--1", 2, YB_EINVALID, "not a decimal");
	dec_bad(" 1", 2, YB_EINVALID, "not a decimal");
	dec_bad("1 ", 2, YB_EINVALID, "not a decimal");
	dec_bad("1e", 2, YB_EINVALID, "not a decimal");
	dec_bad("1e+", 2, YB_EINVALID, "not a decimal");
	dec_bad("e2", 2, YB_EINVALID, "not a decimal");
	dec_bad("1,5", 2, YB_EINVALID, "not a decimal");
	dec_bad("0x10", 2, YB_EINVALID, "not a decimal");
	dec_bad("NaN", 2, YB_EINVALID, "not a decimal");
	dec_bad("inf", 2, YB_EINVALID, "not a decimal");
}

/* "1." and ".5" are not JSON numbers, but amounts also arrive as strings
 * and the parser reads either side of the point as optional (not both). */
static void parse_bare_point(void **state)
{
	(void)state;
	assert_int_equal(dec("1.", 2), 100);
	assert_int_equal(dec(".5", 2), 50);
	assert_int_equal(dec("-.5", 2), -50);
}

static void parse_length_not_nul(void **state)
{
	int64_t v = 0;
	(void)state;
	/* the length bounds the text: "4.529" read as its first 4 bytes */
	assert_int_equal(yb_decimal_parse(&v, "4.529", 4, 2), 0);
	assert_int_equal(v, 452);
}

static void parse_overflow(void **state)
{
	(void)state;
	dec_bad("99999999999999999999", 2, YB_EOVERFLOW, "out of range");
	dec_bad("99999999999999999999", 0, YB_EOVERFLOW, "out of range");
	dec_bad("184467440737095516.16", 2, YB_EOVERFLOW, "out of range");
	assert_int_equal(dec("92233720368547758.07", 2), INT64_MAX);
	assert_int_equal(dec("-92233720368547758.07", 2), -INT64_MAX);
	dec_bad("92233720368547758.08", 2, YB_EOVERFLOW, "out of range");
	dec_bad("9223372036854775808", 0, YB_EOVERFLOW, "out of range");
	/* many digits whose value still fits */
	assert_int_equal(dec("0000000000000000000000000001", 2), 100);
}

static void format(void **state)
{
	char buf[32];
	(void)state;
	assert_int_equal(yb_decimal_format(buf, 452, 2), 4);
	assert_string_equal(buf, "4.52");
	yb_decimal_format(buf, -1, 2);
	assert_string_equal(buf, "-0.01");
	yb_decimal_format(buf, 0, 2);
	assert_string_equal(buf, "0.00");
	yb_decimal_format(buf, 6960, 2);
	assert_string_equal(buf, "69.60");
	yb_decimal_format(buf, 5, 0);
	assert_string_equal(buf, "5");
	yb_decimal_format(buf, 500, YB_SCALE_RATIO);
	assert_string_equal(buf, "0.0500");
	yb_decimal_format(buf, 12500000, YB_SCALE_PRICE);
	assert_string_equal(buf, "12.500000");
	assert_int_equal(yb_decimal_format(buf, INT64_MIN, 2), 21);
	assert_string_equal(buf, "-92233720368547758.08");
	yb_decimal_format(buf, INT64_MAX, 0);
	assert_string_equal(buf, "9223372036854775807");
}

static void format_trim(void **state)
{
	char buf[32];
	(void)state;
	assert_int_equal(yb_decimal_format_trim(buf, 500, YB_SCALE_RATIO, 0), 4);
	assert_string_equal(buf, "0.05");
	yb_decimal_format_trim(buf, 6000, YB_SCALE_RATIO, 0);
	assert_string_equal(buf, "0.6");
	yb_decimal_format_trim(buf, 10000, YB_SCALE_RATIO, 0);
	assert_string_equal(buf, "1");
	yb_decimal_format_trim(buf, 0, YB_SCALE_RATIO, 0);
	assert_string_equal(buf, "0");
	yb_decimal_format_trim(buf, -500, YB_SCALE_RATIO, 0);
	assert_string_equal(buf, "-0.05");
	yb_decimal_format_trim(buf, 12300, YB_SCALE_RATIO, 2);
	assert_string_equal(buf, "1.23");
	yb_decimal_format_trim(buf, 10000, YB_SCALE_RATIO, 2);
	assert_string_equal(buf, "1.00");
	yb_decimal_format_trim(buf, 1000, 0, 0);
	assert_string_equal(buf, "1000");   /* no point: nothing to trim */
}

/* format then parse gives the value back, for values across the range */
static void format_parse_round_trip(void **state)
{
	static const int64_t vals[] = {0, 1, -1, 9, 10, 99, 100, 101, 452, -452,
		123456789, -987654321012LL, INT64_MAX, -INT64_MAX};
	char buf[32];
	size_t i;
	int scale;
	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (scale = 0; scale <= 6; scale++) {
			size_t n = yb_decimal_format(buf, vals[i], scale);
			int64_t back;
			assert_int_equal(yb_decimal_parse(&back, buf, n, scale), 0);
			assert_int_equal(back, vals[i]);
			n = yb_decimal_format_trim(buf, vals[i], scale, 0);
			assert_int_equal(yb_decimal_parse(&back, buf, n, scale), 0);
			assert_int_equal(back, vals[i]);
		}
}

static int64_t muldiv(int64_t v, int64_t num, int64_t den)
{
	int ovf = 0;
	int64_t r = yb_muldiv_round(v, num, den, &ovf);
	assert_int_equal(ovf, 0);
	return r;
}

static void muldiv_half_away_from_zero(void **state)
{
	(void)state;
	/* 0.226 yuan (scale 3) to fen: 22.6 -> 23 */
	assert_int_equal(muldiv(226, 1, 10), 23);
	assert_int_equal(muldiv(224, 1, 10), 22);
	/* 4.52 x 5 % = 0.226 -> 0.23 (the NHSA 2204 sample) */
	assert_int_equal(muldiv(452, 500, YB_BP_ONE), 23);
	assert_int_equal(muldiv(-452, 500, YB_BP_ONE), -23);
	assert_int_equal(yb_money_mul_bp(452, 500), 23);
	assert_int_equal(yb_money_mul_bp(-452, 500), -23);
	/* exactly half */
	assert_int_equal(muldiv(1, 5000, YB_BP_ONE), 1);
	assert_int_equal(muldiv(-1, 5000, YB_BP_ONE), -1);
	assert_int_equal(muldiv(3, 5000, YB_BP_ONE), 2);
	assert_int_equal(muldiv(-3, 5000, YB_BP_ONE), -2);
	assert_int_equal(muldiv(5, 1, 10), 1);
	assert_int_equal(muldiv(-5, 1, 10), -1);
	/* just under half */
	assert_int_equal(muldiv(1, 4999, YB_BP_ONE), 0);
	assert_int_equal(muldiv(-1, 4999, YB_BP_ONE), 0);
	/* exact */
	assert_int_equal(muldiv(10000, 6000, YB_BP_ONE), 6000);
	assert_int_equal(muldiv(0, 7000, YB_BP_ONE), 0);
	assert_int_equal(muldiv(-7, 0, 3), 0);
	/* a negative multiplier is symmetric too */
	assert_int_equal(muldiv(452, -500, YB_BP_ONE), -23);
	assert_int_equal(muldiv(-452, -500, YB_BP_ONE), 23);
}

static void muldiv_symmetry(void **state)
{
	int64_t v;
	int32_t bp;
	(void)state;
	/* a cancel negates the input and must get the negated fen */
	for (v = 0; v < 2000; v += 7)
		for (bp = 0; bp <= YB_BP_ONE; bp += 125)
			assert_int_equal(yb_money_mul_bp(-v, bp), -yb_money_mul_bp(v, bp));
}

static void muldiv_wide(void **state)
{
	int ovf = 0;
	(void)state;
	/* the product overflows 64 bits, the quotient does not */
	assert_int_equal(muldiv(INT64_MAX, YB_BP_ONE, YB_BP_ONE), INT64_MAX);
	assert_int_equal(muldiv(INT64_MIN, 1, 1), INT64_MIN);
	assert_int_equal(muldiv(4000000000000000000LL, 3, 4), 3000000000000000000LL);
	/* the result itself overflows */
	assert_int_equal(yb_muldiv_round(INT64_MAX, 2, 1, &ovf), 0);
	assert_int_equal(ovf, 1);
	ovf = 0;
	assert_int_equal(yb_muldiv_round(INT64_MIN, 2, 1, &ovf), 0);
	assert_int_equal(ovf, 1);
}

static void money_add(void **state)
{
	yb_money acc = 100;
	(void)state;
	assert_int_equal(yb_money_add(&acc, 452), 0);
	assert_int_equal(acc, 552);
	assert_int_equal(yb_money_add(&acc, -1000), 0);
	assert_int_equal(acc, -448);
	acc = INT64_MAX - 1;
	assert_int_equal(yb_money_add(&acc, 1), 0);
	assert_int_equal(acc, INT64_MAX);
	assert_fails_with(yb_money_add(&acc, 1), YB_EOVERFLOW, "out of range");
	acc = INT64_MIN;
	assert_fails_with(yb_money_add(&acc, -1), YB_EOVERFLOW, "out of range");
}

/* A failed add leaves the accumulator as it was (STYLE.md: never silent
 * wrap-around; an out parameter is written only on success). */
static void money_add_failure_keeps_acc(void **state)
{
	yb_money acc = INT64_MAX;
	(void)state;
	assert_int_equal(yb_money_add(&acc, 5), YB_EOVERFLOW);
	assert_int_equal(acc, INT64_MAX);
	acc = INT64_MIN + 3;
	assert_int_equal(yb_money_add(&acc, -4), YB_EOVERFLOW);
	assert_int_equal(acc, INT64_MIN + 3);
}

static void min_max(void **state)
{
	(void)state;
	assert_int_equal(yb_money_min(3, -4), -4);
	assert_int_equal(yb_money_max(3, -4), 3);
	assert_int_equal(yb_money_min(INT64_MIN, 0), INT64_MIN);
	assert_int_equal(yb_money_max(INT64_MAX, 0), INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_amounts),
		cmocka_unit_test(parse_exponents),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(parse_bare_point),
		cmocka_unit_test(parse_length_not_nul),
		cmocka_unit_test(parse_overflow),
		cmocka_unit_test(format),
		cmocka_unit_test(format_trim),
		cmocka_unit_test(format_parse_round_trip),
		cmocka_unit_test(muldiv_half_away_from_zero),
		cmocka_unit_test(muldiv_symmetry),
		cmocka_unit_test(muldiv_wide),
		cmocka_unit_test(money_add),
		cmocka_unit_test(money_add_failure_keeps_acc),
		cmocka_unit_test(min_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
