/* Exact decimal parsing and formatting for money, counts, prices, ratios. */
#include "yibao/money.h"
#include "yibao/error.h"

#include <string.h>

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Appends one digit to *v, failing on overflow. */
static int push_digit(uint64_t *v, int d)
{
	if (*v > (UINT64_MAX - (uint64_t)d) / 10)
		return -1;
	*v = *v * 10 + (uint64_t)d;
	return 0;
}

int yb_decimal_parse(int64_t *out, const char *s, size_t len, int scale)
{
	size_t i = 0, int_start, frac_start = 0, frac_len = 0, int_len;
	int neg = 0, exp_neg = 0;
	long exp = 0;
	uint64_t v = 0;
	long shift, k;

	if (len == 0)
		return yb_error_set(YB_EINVALID, "not a decimal amount");
	if (s[i] == '-' || s[i] == '+')
		neg = s[i++] == '-';
	int_start = i;
	while (i < len && isdig(s[i]))
		i++;
	int_len = i - int_start;
	if (i < len && s[i] == '.') {
		frac_start = ++i;
		while (i < len && isdig(s[i]))
			i++;
		frac_len = i - frac_start;
	}
	if (int_len + frac_len == 0)
		return yb_error_set(YB_EINVALID, "not a decimal amount");
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			exp_neg = s[i++] == '-';
		if (i >= len || !isdig(s[i]))
			return yb_error_set(YB_EINVALID, "not a decimal amount");
		while (i < len && isdig(s[i])) {
			if (exp < 100000)
				exp = exp * 10 + (s[i] - '0');
			i++;
		}
		if (exp_neg)
			exp = -exp;
	}
	if (i != len)
		return yb_error_set(YB_EINVALID, "not a decimal amount");

	/* value = digits(int . frac) * 10^(exp + scale - frac_len) */
	shift = exp + scale;
	for (k = 0; k < (long)int_len; k++)
		if (push_digit(&v, s[int_start + k] - '0') < 0)
			goto overflow;
	for (k = 0; k < (long)frac_len; k++) {
		int d = s[frac_start + k] - '0';
		if (k < shift) {
			if (push_digit(&v, d) < 0)
				goto overflow;
		} else if (d != 0) {
			return yb_error_set(YB_EINVALID,
				"more than %d decimal places", scale);
		}
	}
	if (shift > (long)frac_len) {
		for (k = (long)frac_len; k < shift; k++)
			if (v && push_digit(&v, 0) < 0)
				goto overflow;
	} else if (shift < 0) {
		/* negative exponent beyond the fraction: integer digits drop */
		for (k = 0; k < -shift; k++) {
			if (v % 10)
				return yb_error_set(YB_EINVALID,
					"more than %d decimal places", scale);
			v /= 10;
		}
	}
	if (v > (uint64_t)INT64_MAX)
		goto overflow;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
overflow:
	return yb_error_set(YB_EOVERFLOW, "amount out of range");
}

size_t yb_decimal_format(char *buf, int64_t v, int scale)
{
	char tmp[32];
	size_t n = 0, o = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int i;

	for (i = 0; i < scale; i++) {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	}
	if (scale > 0)
		tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return o;
}

size_t yb_decimal_format_trim(char *buf, int64_t v, int scale, int keep)
{
	size_t n = yb_decimal_format(buf, v, scale);
	int dropped = 0;

	while (dropped < scale - keep && buf[n - 1] == '0') {
		buf[--n] = '\0';
		dropped++;
	}
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	return n;
}

int64_t yb_muldiv_round(int64_t v, int64_t num, int64_t den, int *overflow)
{
	__int128 p = (__int128)v * num;
	__int128 q, r;
	int neg = p < 0;

	if (neg)
		p = -p;
	q = p / den;
	r = p % den;
	if (2 * r >= den)
		q++;
	if (neg)
		q = -q;
	if (q > INT64_MAX || q < INT64_MIN) {
		*overflow = 1;
		return 0;
	}
	return (int64_t)q;
}

int yb_money_add(yb_money *acc, yb_money v)
{
	yb_money sum;

	if (__builtin_add_overflow(*acc, v, &sum))
		return yb_error_set(YB_EOVERFLOW, "amount out of range");
	*acc = sum;
	return 0;
}
