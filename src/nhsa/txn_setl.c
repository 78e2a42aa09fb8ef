/* Settlement of a visit: 2206/2303 pre-settle, 2207/2304 settle, 2208/2305
 * cancel. The ledger settles the visit's uploaded fee lines (2204/2301) in
 * one durable transaction and keeps the whole answer for retries.
 *
 * An extension kept from phase 1: a 2206 or 2207 that carries its fee
 * lines inline in input.feedetail[] settles those lines as sent, without
 * registration or upload (yb_ledger_settle); data may then carry the
 * visit's begntime and dise_codg. Nothing is uploaded by it. Both go
 * through the ledger's one settlement unit (yb_ledger_settle).
 *
 * Every input field is read and checked before the ledger is called, so a
 * bad message changes nothing. */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ============================================================ reading */

/* The four scope sums a 2207/2304 may repeat from its pre-settlement. */
static const char *const scope_keys[4] = {
	"fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"
};

enum { K_OUT_PRE, K_OUT_SETL, K_IN_PRE, K_IN_SETL };

typedef struct setl_in {
	yb_settle_req vs;          /* the request, with vs.inl = &inl for inline lines */
	yb_settle_inline inl;      /* inline lines (extension) */
	int inline_lines;
	yb_feeline_in *lines;      /* malloc'd, inl.n_lines used */
	char cert_type[4];
	const char *cert_no;
	yb_money scope[4];
	int has_scope[4];
} setl_in;

static int cmp_sn(const void *a, const void *b)
{
	const yb_feeline_in *x = *(const yb_feeline_in *const *)a;
	const yb_feeline_in *y = *(const yb_feeline_in *const *)b;
	return strcmp(x->line.feedetl_sn, y->line.feedetl_sn);
}

/* feedetl_sn is unique within a visit: sort pointers, compare neighbours. */
static int check_unique(const yb_feeline_in *lines, size_t n, const yb_jpath *fp)
{
	const yb_feeline_in **v;
	size_t i;
	int rc = 0;

	if (n < 2)
		return 0;
	if (!(v = malloc(n * sizeof(*v))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		v[i] = &lines[i];
	qsort(v, n, sizeof(*v), cmp_sn);
	for (i = 1; i < n; i++)
		if (strcmp(v[i - 1]->line.feedetl_sn, v[i]->line.feedetl_sn) == 0) {
			yb_jpath lp = YB_JPATH_INDEX(fp, v[i] - lines);
			rc = yb_jpath_error(&lp, "feedetl_sn", "repeats line %ld",
					    (long)(v[i - 1] - lines));
			break;
		}
	free(v);
	return rc;
}

/* A line may repeat its visit's mdtrt_id and psn_no; if it does, they must
 * be the visit's. */
static int check_same(const yb_json *l, const yb_jpath *lp, const char *key,
		      const char *want)
{
	const char *s = NULL;
	int rc = txn_get_id(l, lp, key, 0, 30, &s);

	if (rc < 0)
		return rc;
	if (s && strcmp(s, want) != 0)
		return yb_jpath_error(lp, key, "differs from input.data.%s", key);
	return 0;
}

/* input.feedetail[] of the inline extension. */
static int read_lines(setl_in *s, const yb_json *arr, const yb_jpath *ip)
{
	yb_jpath fp = YB_JPATH_KEY(ip, "feedetail");
	const yb_json *l;
	yb_money total = 0;
	size_t i = 0;
	int rc;

	if (arr->len == 0)
		return yb_jpath_error(ip, "feedetail", "no fee lines");
	if (arr->len > YB_MAX_FEELINES)
		return yb_jpath_error(ip, "feedetail", "more than %d fee lines", YB_MAX_FEELINES);
	if (!(s->lines = calloc(arr->len, sizeof(*s->lines))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (l = arr->child; l; l = l->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(&fp, i);
		if ((rc = yb_read_feeline(&s->lines[i], l, &lp)) < 0 ||
		    (rc = check_same(l, &lp, "mdtrt_id", s->inl.visit.mdtrt_id)) < 0 ||
		    (rc = check_same(l, &lp, "psn_no", s->vs.psn_no)) < 0)
			return rc;
		if (yb_money_add(&total, s->lines[i].line.sumamt) < 0)
			return yb_jpath_error(&lp, "det_item_fee_sumamt", "total out of range");
	}
	s->inl.lines = s->lines;
	s->inl.n_lines = i;
	if ((rc = check_unique(s->lines, i, &fp)) < 0)
		return rc;
	if (total != s->vs.medfee_sumamt) {
		char a[32], b[32];
		yb_jpath dp = YB_JPATH_KEY(ip, "data");
		yb_decimal_format(a, s->vs.medfee_sumamt, YB_SCALE_MONEY);
		yb_decimal_format(b, total, YB_SCALE_MONEY);
		return yb_jpath_error(&dp, "medfee_sumamt", "%s is not the total of the fee lines (%s)", a, b);
	}
	return 0;
}

static int read_setl(txn_ctx *c, const yb_json *input, int kind, int inpatient, setl_in *s)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	yb_settle_req *vs = &s->vs;
	const yb_json *d, *arr = NULL;
	const char *skip = NULL;
	char code[4] = "";
	int k, rc, settle = kind == K_OUT_SETL;

	memset(s, 0, sizeof(*s));
	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &vs->psn_no)) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &vs->mdtrt_id)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "med_type", 0, 1, 99, &vs->med_type)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "medfee_sumamt", 1, YB_SCALE_MONEY, &vs->medfee_sumamt, NULL)) < 0 ||
	    (rc = txn_read_cert(d, &dp, s->cert_type, &s->cert_no)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "psn_setlway", 0, code, sizeof(code))) < 0 ||
	    (rc = txn_get_id(d, &dp, "chrg_bchno", 0, 30, &vs->chrg_bchno)) < 0 ||
	    (rc = txn_get_flag(d, &dp, "acct_used_flag", &vs->acct_used)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "insutype", 0, 100, 999, &vs->insutype)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "oth_scheme_pay", 0, YB_SCALE_MONEY, &vs->oth_scheme_pay, NULL)) < 0)
		return rc;
	vs->has_medfee = 1;
	vs->mdtrt_cert_type = s->cert_type;
	if (vs->medfee_sumamt < 0)
		return yb_jpath_error(&dp, "medfee_sumamt", "negative amount");
	if (vs->oth_scheme_pay < 0)
		return yb_jpath_error(&dp, "oth_scheme_pay", "negative amount");
	if (code[0] && strcmp(code, "01") != 0 && strcmp(code, "02") != 0)
		return yb_jpath_error(&dp, "psn_setlway", "not 01 or 02");
	if (inpatient && (rc = txn_get_flag(d, &dp, "mid_setl_flag", &vs->mid_setl)) < 0)
		return rc;
	if (settle) {
		if ((rc = txn_get_id(d, &dp, "invono", 0, 64, &skip)) < 0)
			return rc;
		for (k = 0; k < 4; k++)
			if ((rc = yb_jget_decimal(d, &dp, scope_keys[k], 0, YB_SCALE_MONEY,
						  &s->scope[k], &s->has_scope[k])) < 0)
				return rc;
	}
	if (!inpatient && (rc = yb_jget_array(input, &ip, "feedetail", 0, &arr)) < 0)
		return rc;
	if (arr) {
		/* the inline extension: a visit of its own, settled as sent */
		yb_visit *v = &s->inl.visit;
		s->inline_lines = 1;
		vs->inl = &s->inl;
		v->fixmedins_code = c->fixmedins_code;
		v->mdtrt_id = vs->mdtrt_id;
		v->med_type = vs->med_type;
		v->acct_used = vs->acct_used;
		v->begntime = c->now;
		v->dise_codg = "";
		v->oth_scheme_pay = vs->oth_scheme_pay;
		if (!v->med_type)
			return yb_jpath_error(&dp, "med_type", "missing (required with input.feedetail)");
		if ((rc = yb_jget_datetime(d, &dp, "begntime", 0, &v->begntime)) < 0 ||
		    (rc = txn_get_id(d, &dp, "dise_codg", 0, YB_CODE_MAX - 1, &v->dise_codg)) < 0)
			return rc;
	}
	if ((rc = txn_need_insuplc(c)) < 0)
		return rc;
	return arr ? read_lines(s, arr, &ip) : 0;
}

/* ============================================================ writing */

/* The value text of "key" inside the flat object "setlinfo" of a ledger
 * answer (our own JSON, so found by its exact text); NULL if absent. */
static const char *setlinfo_value(const char *out, size_t len, const char *key, size_t *vlen)
{
	char pat[48];
	const char *info = NULL, *end, *p = out, *v;
	size_t n;

	while ((p = memchr(p, '"', (size_t)(out + len - p)))) {
		if ((size_t)(out + len - p) > 12 && memcmp(p, "\"setlinfo\":{", 12) == 0) {
			info = p + 12;
			break;
		}
		p++;
	}
	if (!info || !(end = memchr(info, '}', (size_t)(out + len - info))))
		return NULL;
	n = (size_t)snprintf(pat, sizeof(pat), "\"%s\":", key);
	for (p = info; p + n <= end; p++)
		if (memcmp(p, pat, n) == 0) {
			v = p + n;
			*vlen = strcspn(v, ",}");
			return v;
		}
	return NULL;
}

/* 2207/2304: a client that repeats the scope sums of its pre-settlement
 * learns, as a warning, where the settlement (the output) differs. */
static void scope_warning(txn_ctx *c, const setl_in *s, const yb_buf *out)
{
	size_t used = 0;
	int k;

	c->warn[0] = '\0';
	if (c->answer.as_sent)
		return; /* an answer from before migration 6 carries its own */
	for (k = 0; k < 4; k++) {
		const char *v;
		size_t vlen = 0;
		int64_t got;
		char a[32];
		int n;

		if (!s->has_scope[k] || !(v = setlinfo_value(out->ptr, out->len, scope_keys[k], &vlen)) ||
		    yb_decimal_parse(&got, v, vlen, YB_SCALE_MONEY) < 0 || got == s->scope[k])
			continue;
		yb_decimal_format(a, s->scope[k], YB_SCALE_MONEY);
		n = snprintf(c->warn + used, sizeof(c->warn) - used,
			     "%ssetlinfo.%s %.*s differs from input.data.%s %s",
			     used ? "; " : "", scope_keys[k], (int)vlen, v, scope_keys[k], a);
		if (n < 0 || (size_t)n >= sizeof(c->warn) - used)
			break;
		used += (size_t)n;
	}
}

/* 2207/2304: the findings of warn rules the settlement met (the ledger
 * reads them from the store, first time and on a retry alike), after the
 * scope sums' differences. */
static void rule_warning(txn_ctx *c)
{
	size_t used = strlen(c->warn);

	if (c->answer.as_sent || !c->answer.warn[0])
		return;
	snprintf(c->warn + used, sizeof(c->warn) - used, "%s%s", used ? "; " : "", c->answer.warn);
}

static int settle(txn_ctx *c, const yb_json *input, int kind, int inpatient, yb_buf *out)
{
	setl_in s;
	yb_ledger_msg m;
	int rc;

	if ((rc = read_setl(c, input, kind, inpatient, &s)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0 ||
	    (rc = txn_check_cert(c, s.vs.psn_no, s.cert_type, s.cert_no,
				 yb_datetime_date(s.inline_lines ? s.inl.visit.begntime : c->now),
				 "data")) < 0)
		goto done;
	txn_msg(c, &m);
	s.vs.dry_run = kind != K_OUT_SETL;
	if ((rc = yb_ledger_settle(c->ledger, &m, &s.vs, out)) < 0) {
		rc = txn_from_ledger(rc, "data");
		goto done;
	}
	scope_warning(c, &s, out);
	rule_warning(c);
done:
	free(s.lines);
	return rc;
}

/* input: data{psn_no, mdtrt_id, medfee_sumamt, med_type, mdtrt_cert_type,
 * mdtrt_cert_no, insutype, acct_used_flag, psn_setlway, chrg_bchno}
 * [feedetail[] inline] -> setlinfo (setl_id null), setldetail[], result[] */
int txn_2206(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return settle(c, input, K_OUT_PRE, 0, out);
}

/* as 2206, plus invono and the four scope sums; settles durably */
int txn_2207(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return settle(c, input, K_OUT_SETL, 0, out);
}

/* as 2206 with mid_setl_flag, for an inpatient stay */
int txn_2303(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return settle(c, input, K_OUT_PRE, 1, out);
}

/* as 2207 with mid_setl_flag: 1 settles the lines so far, the stay goes on */
int txn_2304(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return settle(c, input, K_OUT_SETL, 1, out);
}

/* ============================================================= cancel */

/* input: data{setl_id, mdtrt_id, psn_no} -> setlinfo, every amount negated */
static int cancel(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *setl_id = NULL, *mdtrt_id = NULL, *psn_no = NULL;
	yb_ledger_msg m;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "setl_id", 1, 30, &setl_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &mdtrt_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &psn_no)) < 0 ||
	    (rc = txn_need_insuplc(c)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0)
		return rc;
	txn_msg(c, &m);
	if ((rc = yb_ledger_cancel_setl(c->ledger, &m, setl_id, mdtrt_id, psn_no, out)) < 0)
		return txn_from_ledger(rc, "data");
	return 0;
}

int txn_2208(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return cancel(c, input, out);
}

int txn_2305(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return cancel(c, input, out);
}
