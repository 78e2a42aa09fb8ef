/* The dispatch table of the national interface, and what its transactions
 * share: generated ids, field readers, and the bridge to the ledger
 * (txn_msg, txn_from_ledger). */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_DIAGNOSES 100

/* Sorted by infno; txn_find() is a linear scan over a few dozen rows. */
static const txn_def table[] = {
	{"1101", txn_1101, TXN_F_READ, "person and insurance lookup"},
	{"1301", txn_1301, TXN_F_READ, "Western and patent drugs list download"},
	{"1302", txn_1302, TXN_F_READ, "herbal pieces list download"},
	{"1303", txn_1303, TXN_F_READ, "hospital preparations list download"},
	{"1305", txn_1305, TXN_F_READ, "medical services list download"},
	{"1306", txn_1306, TXN_F_READ, "medical consumables list download"},
	{"1312", txn_1312, TXN_F_READ, "insurance list query"},
	{"1316", txn_1316, TXN_F_READ, "medical list to insurance list matching query"},
	{"1317", txn_1317, TXN_F_READ, "institution list matching query"},
	{"1318", txn_1318, TXN_F_READ, "insurance list price caps query"},
	{"1319", txn_1319, TXN_F_READ, "insurance list first self-pay ratios query"},
	{"2201", txn_2201, TXN_F_LEDGER, "outpatient registration"},
	{"2202", txn_2202, TXN_F_LEDGER, "cancel an outpatient registration"},
	{"2203", txn_2203, TXN_F_LEDGER, "visit and diagnoses"},
	{"2204", txn_2204, TXN_F_LEDGER, "outpatient fee lines upload"},
	{"2205", txn_2205, TXN_F_LEDGER, "cancel outpatient fee lines"},
	{"2206", txn_2206, TXN_F_READ, "outpatient pre-settlement"},
	{"2207", txn_2207, TXN_F_LEDGER, "outpatient settlement"},
	{"2208", txn_2208, TXN_F_LEDGER, "cancel an outpatient settlement"},
	{"2301", txn_2301, TXN_F_LEDGER, "inpatient fee lines upload"},
	{"2302", txn_2302, TXN_F_LEDGER, "cancel inpatient fee lines"},
	{"2303", txn_2303, TXN_F_READ, "inpatient pre-settlement"},
	{"2304", txn_2304, TXN_F_LEDGER, "inpatient settlement"},
	{"2305", txn_2305, TXN_F_LEDGER, "cancel an inpatient settlement"},
	{"2401", txn_2401, TXN_F_LEDGER, "admission"},
	{"2402", txn_2402, TXN_F_LEDGER, "discharge"},
	{"2403", txn_2403, TXN_F_LEDGER, "admission change"},
	{"2404", txn_2404, TXN_F_LEDGER, "cancel an admission"},
	{"2405", txn_2405, TXN_F_LEDGER, "cancel a discharge"},
	{"2601", txn_2601, TXN_F_LEDGER, "reversal"},
	{"3101", txn_3101, TXN_F_READ, "rule audit before care"},
	{"3102", txn_3102, TXN_F_READ, "rule audit during care"},
	{"3201", txn_3201, TXN_F_READ, "reconciliation of totals"},
	{"3501", txn_3501, TXN_F_LEDGER, "inventory with traceability codes"},
	{"3502", txn_3502, TXN_F_LEDGER, "stock change with traceability codes"},
	{"3503", txn_3503, TXN_F_LEDGER, "purchase with traceability codes"},
	{"5203", txn_5203, TXN_F_READ, "settlements of a visit"},
	{"5204", txn_5204, TXN_F_READ, "fee lines of a visit"},
	{"5206", txn_5206, TXN_F_READ, "a person's accumulators"},
	{"9001", txn_9001, 0, "sign in"},
	{"9002", txn_9002, 0, "sign out"},
	{"9102", txn_9102, TXN_F_READ, "file download"},
};

/* Variants of a transaction that some provinces' HIS send under a letter
 * suffix with the same input as the base (docs/interface.md, "Tolerance").
 * Other suffixes are refused as unknown transactions. */
static const struct {
	const char *variant, *base;
} variants[] = {
	{"2203A", "2203"},
	{"2206A", "2206"},
	{"2207A", "2207"},
};

const txn_def *txn_find(const char *infno)
{
	size_t i;

	if (!infno)
		return NULL;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (strcmp(variants[i].variant, infno) == 0)
			infno = variants[i].base;
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

/* ============================================================ readers */

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

int txn_get_flag(const yb_json *o, const yb_jpath *p, const char *key, int *out)
{
	int v = -1, rc = txn_get_int_code(o, p, key, 0, 0, 9, &v);

	if (rc < 0)
		return rc;
	if (v == -1)
		return 0;
	if (v > 1)
		return yb_jpath_error(p, key, "not 0 or 1");
	*out = v;
	return 0;
}

int txn_need_ledger(const txn_ctx *c)
{
	if (!c->ledger)
		return yb_error_set(YB_EBUSY, "service unavailable: the ledger is not open");
	return 0;
}

int txn_need_insuplc(const txn_ctx *c)
{
	if (!c->insuplc_admdvs[0])
		return yb_error_set(YB_EINVALID, "insuplc_admdvs: missing (required with psn_no)");
	return 0;
}


int txn_read_cert(const yb_json *d, const yb_jpath *dp, char type[4], const char **no)
{
	int rc;

	type[0] = '\0';
	if ((rc = yb_jget_code(d, dp, "mdtrt_cert_type", 0, type, 4)) < 0 ||
	    (rc = txn_get_id(d, dp, "mdtrt_cert_no", 0, 64, no)) < 0)
		return rc;
	if (type[0] && strcmp(type, "01") != 0 && strcmp(type, "02") != 0 &&
	    strcmp(type, "03") != 0)
		return yb_jpath_error(dp, "mdtrt_cert_type", "not 01, 02 or 03");
	return 0;
}

int txn_check_cert(txn_ctx *c, const char *psn_no, const char *cert_type,
		   const char *cert_no, yb_date on, const char *node)
{
	yb_psn_rec psn;
	int rc;

	if (strcmp(cert_type, "02") != 0 || !cert_no)
		return 0;
	rc = yb_ledger_get_psn(c->ledger, psn_no, on, &psn);
	if (rc == YB_ENOTFOUND)
		return 0; /* the ledger says so in its own words */
	if (rc < 0)
		return rc;
	if (strcasecmp(psn.certno, cert_no) != 0) /* the check character x or X */
		return yb_error_set(YB_EREFUSED, "input.%s.mdtrt_cert_no: not the certificate of this psn_no",
				    node);
	return 0;
}

/* diseinfo[]: what each diagnosis may carry, and how long each may be. */
static const struct {
	const char *key;
	size_t max;
	int required;
} diag_keys[] = {
	{"diag_type", 6, 1},   {"diag_srt_no", 6, 0},   {"diag_code", 30, 1},
	{"diag_name", 100, 0}, {"diag_dept", 50, 0},    {"dise_dor_no", 30, 0},
	{"dise_dor_name", 50, 0}, {"diag_time", 19, 0}, {"vali_flag", 1, 0},
	{"maindiag_flag", 1, 0}, {"inout_diag_type", 6, 0},
};

int txn_read_diseinfo(const yb_json *input, const yb_jpath *ip, yb_buf *json,
		      const char **out)
{
	yb_jpath ap = YB_JPATH_KEY(ip, "diseinfo");
	const yb_json *arr = NULL, *e;
	yb_jw w;
	size_t i = 0, k;
	int rc;

	if ((rc = yb_jget_array(input, ip, "diseinfo", 0, &arr)) < 0)
		return rc;
	if (!arr)
		return 0;
	if (arr->len > MAX_DIAGNOSES)
		return yb_jpath_error(ip, "diseinfo", "more than %d diagnoses", MAX_DIAGNOSES);
	yb_jw_init(&w, json);
	yb_jw_arr(&w, NULL);
	for (e = arr->child; e; e = e->next, i++) {
		yb_jpath ep = YB_JPATH_INDEX(&ap, i);
		if (e->type != YB_JSON_OBJECT)
			return yb_jpath_error(&ap, NULL, "[%zu] not an object", i);
		yb_jw_obj(&w, NULL);
		for (k = 0; k < sizeof(diag_keys) / sizeof(diag_keys[0]); k++) {
			const char *s = NULL;
			if ((rc = txn_get_id(e, &ep, diag_keys[k].key, diag_keys[k].required,
					     diag_keys[k].max, &s)) < 0)
				return rc;
			if (s)
				yb_jw_str(&w, diag_keys[k].key, s);
		}
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	if (json->oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	*out = json->ptr;
	return 0;
}

/* ===================================================== the ledger bridge */

/* The ledger names fields of its own request ("psn_no: ..."); the client
 * knows them as nodes of its message. Only refusals are renamed: an
 * internal error keeps its words, and msgid is an envelope field. */
int txn_from_ledger(int rc, const char *node)
{
	char msg[512];
	const char *m = yb_error_msg();
	size_t n = strspn(m, "abcdefghijklmnopqrstuvwxyz_");

	if (rc != YB_EREFUSED && rc != YB_ENOTFOUND && rc != YB_EINVALID)
		return rc;
	if (n == 9 && strncmp(m, "feedetail", 9) == 0 && (m[9] == '[' || m[9] == ':'))
		return yb_error_set(rc, "input.%s", m);
	if (n == 0 || m[n] != ':' || strncmp(m, "input", n) == 0 ||
	    (n == 5 && strncmp(m, "msgid", 5) == 0) ||
	    (n == 14 && strncmp(m, "fixmedins_code", 14) == 0) ||
	    (n == 5 && strncmp(m, "infno", 5) == 0))
		return rc;
	snprintf(msg, sizeof(msg), "%s", m);
	return yb_error_set(rc, "input.%s.%s", node, msg);
}

/* The key of what a message asked: its infno and the SHA-256 of its input
 * as sent (re-serialised compactly), before any default is filled in;
 * what changes on a resend (inf_time, the gateway headers) is not in it. */
static void sent_key(txn_ctx *c)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	int k;

	c->req[0] = '\0';
	if (!c->input)
		return;
	yb_jw_init(&w, &b);
	yb_jw_value(&w, NULL, c->input);
	if (b.oom || EVP_Digest(b.ptr, b.len, md, &n, EVP_sha256(), NULL) != 1) {
		yb_buf_free(&b);
		return; /* the operation's own key then */
	}
	yb_buf_free(&b);
	k = snprintf(c->req, sizeof(c->req), "%s%s|", YB_REQ_SENT, c->infno ? c->infno : "");
	for (i = 0; i < n && k + 2 < (int)sizeof(c->req); i++) {
		c->req[k++] = hex[md[i] >> 4];
		c->req[k++] = hex[md[i] & 15];
	}
	c->req[k] = '\0';
}

void txn_msg(txn_ctx *c, yb_ledger_msg *m)
{
	memset(m, 0, sizeof(*m));
	sent_key(c);
	m->req = c->req[0] ? c->req : NULL;
	m->fixmedins_code = c->fixmedins_code;
	m->msgid = c->msgid;
	m->infno = c->infno;
	m->now = c->now;
	m->stamp = c->stamp;
	m->answer = &c->answer;
}

int txn_members(txn_ctx *c, const yb_json *input, yb_buf *out,
		int (*fn)(txn_ctx *c, const yb_json *input, yb_jw *w))
{
	yb_jw w;
	int rc;

	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	rc = fn(c, input, &w);
	yb_jw_end(&w, '}');
	if (rc == 0 && out->oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	return rc;
}
