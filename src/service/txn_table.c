/* The dispatch table of the national interface, and what its transactions
 * share: generated ids and field readers. */
#include "txn.h"
#include "yibao/error.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Sorted by infno; txn_find() is a linear scan over a handful of rows. */
static const txn_def table[] = {
	{"1101", txn_1101, 0, "person and insurance lookup"},
	{"2206", txn_2206, 0, "outpatient pre-settlement"},
	{"2207", txn_2207, TXN_F_IDEM, "outpatient settlement"},
	{"2208", txn_2208, TXN_F_IDEM, "cancel an outpatient settlement"},
	{"9001", txn_9001, 0, "sign in"},
	{"9002", txn_9002, 0, "sign out"},
};

const txn_def *txn_find(const char *infno)
{
	size_t i;

	if (!infno)
		return NULL;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].infno, infno) == 0)
			return &table[i];
	return NULL;
}

const txn_def *txn_all(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

void txn_serial_id(char out[31], const char *admdvs, yb_datetime now)
{
	static atomic_ullong serial;
	unsigned long long n = atomic_fetch_add(&serial, 1) % 10000000000ULL;
	char day[24];
	size_t i, k = 0;

	/* "YYYY-MM-DD HH:MM:SS" -> "YYYYMMDDHHMMSS" */
	yb_datetime_format(day, now);
	if (!admdvs || strlen(admdvs) != 6 || strspn(admdvs, "0123456789") != 6)
		admdvs = "000000";
	memcpy(out, admdvs, 6);
	k = 6;
	for (i = 0; day[i] && k < 20; i++)
		if (day[i] >= '0' && day[i] <= '9')
			out[k++] = day[i];
	snprintf(out + k, 31 - k, "%010llu", n);
}

int txn_get_id(const yb_json *o, const yb_jpath *p, const char *key,
	       int required, size_t maxlen, const char **out)
{
	const char *s = NULL;
	int rc = yb_jget_str(o, p, key, required, maxlen, &s);

	if (rc < 0)
		return rc;
	if (s && !s[0]) {
		if (required) {
			yb_jpath_error(p, key, "missing");
			return YB_ENOTFOUND;
		}
		s = NULL;
	}
	if (s) {
		const unsigned char *u;
		for (u = (const unsigned char *)s; *u; u++)
			if (*u < 0x20 || *u == 0x7f)
				return yb_jpath_error(p, key, "control character");
		*out = s;
	}
	return 0;
}

int txn_get_int_code(const yb_json *o, const yb_jpath *p, const char *key,
		     int required, int min, int max, int *out)
{
	char buf[12] = "";
	int64_t v;
	int rc = yb_jget_code(o, p, key, required, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (!buf[0]) {
		if (!required)
			return 0;
		yb_jpath_error(p, key, "missing");
		return YB_ENOTFOUND;
	}
	if (strspn(buf, "0123456789") != strlen(buf) ||
	    yb_decimal_parse(&v, buf, strlen(buf), 0) < 0 || v < min || v > max)
		return yb_jpath_error(p, key, "not a valid code");
	*out = (int)v;
	return 0;
}

int txn_need_ledger(const txn_ctx *c)
{
	if (!c->ledger)
		return yb_error_set(YB_EBUSY, "service unavailable: the ledger is not open");
	return 0;
}

int txn_parse_answer(yb_json_doc **doc, const yb_buf *answer)
{
	static const yb_json_limits lim = {64, 1u << 20};
	int rc;

	if (answer->oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = yb_json_parse(doc, answer->ptr ? answer->ptr : "", answer->len, &lim)) < 0)
		return yb_error_prefix(YB_ERROR, "internal error: ledger answer");
	if (yb_json_root(*doc)->type != YB_JSON_OBJECT) {
		yb_json_free(*doc);
		*doc = NULL;
		return yb_error_set(YB_ERROR, "internal error: ledger answer is not an object");
	}
	return 0;
}
