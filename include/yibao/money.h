/* Money as int64_t fen, ratios as basis points, and exact decimal parsing.
 *
 * Amounts never pass through double: the parser turns the decimal text of a
 * JSON number or string ("4.52", 4.52, "69.6", 1e2) into a scaled integer,
 * and refuses text that does not fit the scale exactly. */
#ifndef YB_MONEY_H
#define YB_MONEY_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t yb_money; /* fen: 1 yuan = 100 */

#define YB_SCALE_MONEY 2 /* amounts 16,2 */
#define YB_SCALE_RATIO 4 /* ratios 5,4: basis points, 0.05 = 500 */
#define YB_SCALE_COUNT 4 /* counts 16,4 */
#define YB_SCALE_PRICE 6 /* unit prices 16,6 */

#define YB_BP_ONE 10000 /* 100 % in basis points */

/* Parses decimal text (optional sign, digits, optional fraction and
 * exponent) into an integer scaled by 10^scale. Fails with YB_EINVALID when
 * the text is not a decimal, has non-zero digits beyond the scale, or does
 * not fit in int64_t. */
int yb_decimal_parse(int64_t *out, const char *s, size_t len, int scale);

/* Formats v / 10^scale with exactly `scale` decimals ("-12.30"). buf must
 * hold at least 32 bytes; returns the length. */
size_t yb_decimal_format(char *buf, int64_t v, int scale);

/* Like yb_decimal_format but drops trailing zeros of the fraction, keeping
 * at least `keep` decimals: ratios print as 0.05, not 0.0500. */
size_t yb_decimal_format_trim(char *buf, int64_t v, int scale, int keep);

/* v * num / den, rounded half away from zero (so a negated input gives the
 * negated result: a cancel reverses a settlement to the fen). Overflow of the
 * result sets *overflow and returns 0. den must be positive. */
int64_t yb_muldiv_round(int64_t v, int64_t num, int64_t den, int *overflow);

/* amount * bp / 10000, half away from zero. Amounts and ratios of this
 * system cannot overflow 128-bit intermediates. */
static inline yb_money yb_money_mul_bp(yb_money amount, int32_t bp)
{
	int ovf = 0;
	return yb_muldiv_round(amount, bp, YB_BP_ONE, &ovf);
}

static inline yb_money yb_money_min(yb_money a, yb_money b)
{
	return a < b ? a : b;
}

static inline yb_money yb_money_max(yb_money a, yb_money b)
{
	return a > b ? a : b;
}

/* Checked addition: returns 0, or YB_EOVERFLOW with a message. */
int yb_money_add(yb_money *acc, yb_money v);

#endif
