/* 2206 pre-settlement, 2207 settlement, 2208 cancel: the outpatient
 * settlement through the ledger.
 *
 * Phase 1: the fee lines come inline in input.feedetail[] next to
 * input.data (2204 uploads come in phase 2), and data may carry the
 * visit's begntime and dise_codg that 2201/2203 will supply later.
 *
 * Every input field is read and checked before the ledger is called, so a
 * bad message changes nothing. */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ============================================================ reading */

/* The four scope sums a 2207 may repeat from its 2206 answer. */
static const char *const scope_keys[4] = {
	"fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"
};

typedef struct setl_in {
	yb_settle_req req;
	yb_feeline_in *lines;   /* malloc'd, req.n_lines used */
	char cert_type[4];
	const char *cert_no;
	yb_money medfee_sumamt;
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

static int read_lines(setl_in *s, const yb_json *input, const yb_jpath *ip)
{
	yb_jpath fp = YB_JPATH_KEY(ip, "feedetail");
	const yb_json *arr, *l;
	yb_money total = 0;
	size_t i = 0;
	int rc;

	if ((rc = yb_jget_array(input, ip, "feedetail", 1, &arr)) < 0)
		return rc;
	if (arr->len == 0)
		return yb_jpath_error(ip, "feedetail", "no fee lines");
	if (arr->len > YB_MAX_FEELINES)
		return yb_jpath_error(ip, "feedetail", "more than %d fee lines", YB_MAX_FEELINES);
	if (!(s->lines = calloc(arr->len, sizeof(*s->lines))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (l = arr->child; l; l = l->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(&fp, i);
		if ((rc = yb_read_feeline(&s->lines[i], l, &lp)) < 0 ||
		    (rc = check_same(l, &lp, "mdtrt_id", s->req.visit.mdtrt_id)) < 0 ||
		    (rc = check_same(l, &lp, "psn_no", s->req.psn_no)) < 0)
			return rc;
		if (yb_money_add(&total, s->lines[i].line.sumamt) < 0)
			return yb_jpath_error(&lp, "det_item_fee_sumamt", "total out of range");
	}
	s->req.lines = s->lines;
	s->req.n_lines = i;
	if ((rc = check_unique(s->lines, i, &fp)) < 0)
		return rc;
	if (total != s->medfee_sumamt) {
		char a[32], b[32];
		yb_jpath dp = YB_JPATH_KEY(ip, "data");
		yb_decimal_format(a, s->medfee_sumamt, YB_SCALE_MONEY);
		yb_decimal_format(b, total, YB_SCALE_MONEY);
		return yb_jpath_error(&dp, "medfee_sumamt", "%s is not the total of the fee lines (%s)", a, b);
	}
	return 0;
}

static int read_setl(txn_ctx *c, const yb_json *input, int is_2207, setl_in *s)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	yb_visit *v = &s->req.visit;
	const yb_json *d;
	const char *skip = NULL;
	char code[4] = "";
	int acct = 0, k, rc;

	memset(s, 0, sizeof(*s));
	s->req.msgid = c->msgid;
	s->req.fixmedins_code = c->fixmedins_code;
	v->fixmedins_code = c->fixmedins_code;
	v->begntime = c->now;
	v->dise_codg = "";
	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &s->req.psn_no)) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &v->mdtrt_id)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "med_type", 1, 1, 99, &v->med_type)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "medfee_sumamt", 1, YB_SCALE_MONEY, &s->medfee_sumamt, NULL)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "mdtrt_cert_type", 0, s->cert_type, sizeof(s->cert_type))) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_cert_no", 0, 64, &s->cert_no)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "psn_setlway", 0, code, sizeof(code))) < 0 ||
	    (rc = txn_get_id(d, &dp, "chrg_bchno", 0, 30, &skip)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "acct_used_flag", 0, 0, 1, &acct)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "insutype", 0, 100, 999, &s->req.insutype)) < 0 ||
	    (rc = yb_jget_datetime(d, &dp, "begntime", 0, &v->begntime)) < 0 ||
	    (rc = txn_get_id(d, &dp, "dise_codg", 0, YB_CODE_MAX - 1, &v->dise_codg)) < 0)
		return rc;
	v->acct_used = acct;
	if (s->medfee_sumamt < 0)
		return yb_jpath_error(&dp, "medfee_sumamt", "negative amount");
	if (s->cert_type[0] && strcmp(s->cert_type, "01") != 0 &&
	    strcmp(s->cert_type, "02") != 0 && strcmp(s->cert_type, "03") != 0)
		return yb_jpath_error(&dp, "mdtrt_cert_type", "not 01, 02 or 03");
	if (code[0] && strcmp(code, "01") != 0 && strcmp(code, "02") != 0)
		return yb_jpath_error(&dp, "psn_setlway", "not 01 or 02");
	if (is_2207) {
		if ((rc = txn_get_id(d, &dp, "invono", 0, 64, &skip)) < 0)
			return rc;
		for (k = 0; k < 4; k++)
			if ((rc = yb_jget_decimal(d, &dp, scope_keys[k], 0, YB_SCALE_MONEY,
						  &s->scope[k], &s->has_scope[k])) < 0)
				return rc;
	}
	if (!c->insuplc_admdvs[0])
		return yb_error_set(YB_EINVALID, "insuplc_admdvs: missing (required with psn_no)");
	return read_lines(s, input, &ip);
}

/* With an ID card, the card must be the person's. */
static int check_cert(txn_ctx *c, const setl_in *s)
{
	yb_psn_rec psn;
	int rc;

	if (strcmp(s->cert_type, "02") != 0 || !s->cert_no)
		return 0;
	rc = yb_ledger_get_psn(c->ledger, s->req.psn_no,
			       yb_datetime_date(s->req.visit.begntime), &psn);
	if (rc == YB_ENOTFOUND)
		return 0; /* the ledger says so in its own words */
	if (rc < 0)
		return rc;
	if (strcasecmp(psn.certno, s->cert_no) != 0) /* the check character x or X */
		return yb_error_set(YB_EREFUSED, "input.data.mdtrt_cert_no: not the certificate of this psn_no");
	return 0;
}

/* The ledger names fields of its own request ("psn_no: ..."); the client
 * knows them as nodes of its message. */
static int from_ledger(int rc)
{
	static const char *const data_keys[] = {"psn_no", "setl_id", "mdtrt_id", "insutype", NULL};
	char msg[512];
	size_t i, n;

	snprintf(msg, sizeof(msg), "%s", yb_error_msg());
	for (i = 0; data_keys[i]; i++) {
		n = strlen(data_keys[i]);
		if (strncmp(msg, data_keys[i], n) == 0 && msg[n] == ':')
			return yb_error_set(rc, "input.data.%s", msg);
	}
	if (strncmp(msg, "feedetail", 9) == 0 && (msg[9] == ':' || msg[9] == '['))
		return yb_error_set(rc, "input.%s", msg);
	return rc;
}

/* ============================================================ writing */

static void copy_members(yb_jw *out, const yb_json *root, const char *const *keys)
{
	const yb_json *v;

	for (; *keys; keys++)
		if ((v = yb_json_get(root, *keys)))
			yb_jw_value(out, *keys, v);
}

/* A 2207 that repeats the scope sums of its 2206 learns, as a warning,
 * where the settlement differs from what it expected. */
static void scope_warning(txn_ctx *c, const setl_in *s, const yb_json *setlinfo)
{
	size_t used = 0;
	int k;

	for (k = 0; k < 4; k++) {
		const yb_json *v = yb_json_get(setlinfo, scope_keys[k]);
		int64_t got;
		char a[32];
		int n;

		if (!s->has_scope[k] || !v || v->type != YB_JSON_NUMBER ||
		    yb_decimal_parse(&got, v->str, v->len, YB_SCALE_MONEY) < 0 ||
		    got == s->scope[k])
			continue;
		yb_decimal_format(a, s->scope[k], YB_SCALE_MONEY);
		n = snprintf(c->warn + used, sizeof(c->warn) - used,
			     "%ssetlinfo.%s %.*s differs from input.data.%s %s",
			     used ? "; " : "", scope_keys[k], (int)v->len, v->str,
			     scope_keys[k], a);
		if (n < 0 || (size_t)n >= sizeof(c->warn) - used)
			break;
		used += (size_t)n;
	}
}

static int settle(txn_ctx *c, const yb_json *input, yb_jw *out, int is_2207)
{
	static const char *const keys[] = {"setlinfo", "setldetail", "result", NULL};
	setl_in s;
	yb_buf answer = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	int rc;

	if ((rc = read_setl(c, input, is_2207, &s)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0 ||
	    (rc = check_cert(c, &s)) < 0)
		goto done;
	s.req.dry_run = !is_2207;
	if ((rc = yb_ledger_settle(c->ledger, &s.req, &answer)) < 0) {
		rc = from_ledger(rc);
		goto done;
	}
	if ((rc = txn_parse_answer(&doc, &answer)) < 0)
		goto done;
	copy_members(out, yb_json_root(doc), keys);
	if (is_2207)
		scope_warning(c, &s, yb_json_get(yb_json_root(doc), "setlinfo"));
done:
	yb_json_free(doc);
	yb_buf_free(&answer);
	free(s.lines);
	return rc;
}

/* input: data{psn_no, mdtrt_id, med_type, medfee_sumamt, ...}, feedetail[]
 * output: setlinfo (setl_id null), setldetail[], result[] */
int txn_2206(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	return settle(c, input, out, 0);
}

/* as 2206, plus invono and the four scope sums; writes the settlement */
int txn_2207(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	return settle(c, input, out, 1);
}

/* ============================================================= cancel */

typedef struct setl_lookup {
	const char *setl_id;
	yb_setl_stored *st;
} setl_lookup;

static int get_setl(yb_store_tx *tx, void *arg)
{
	setl_lookup *lk = arg;
	return yb_tx_get_settlement(tx, lk->setl_id, lk->st);
}

/* The settlement must be this institution's, of this visit and person.
 * Another institution's gets the same answer as none at all. */
static int check_target(txn_ctx *c, const yb_jpath *dp, const char *setl_id,
			const char *mdtrt_id, const char *psn_no)
{
	setl_lookup lk;
	int rc;

	lk.setl_id = setl_id;
	if (!(lk.st = malloc(sizeof(*lk.st))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	rc = yb_store_read(yb_ledger_store(c->ledger), get_setl, &lk);
	if (rc == YB_ENOTFOUND ||
	    (rc == 0 && strcmp(lk.st->row.fixmedins_code, c->fixmedins_code) != 0))
		rc = yb_jpath_error(dp, "setl_id", "no settlement %s of this institution", setl_id);
	else if (rc == 0 && lk.st->row.refd_setl_id[0])
		rc = yb_jpath_error(dp, "setl_id", "is itself a cancel");
	else if (rc == 0 && strcmp(lk.st->row.mdtrt_id, mdtrt_id) != 0)
		rc = yb_jpath_error(dp, "mdtrt_id", "not the visit of settlement %s", setl_id);
	else if (rc == 0 && strcmp(lk.st->row.psn_no, psn_no) != 0)
		rc = yb_jpath_error(dp, "psn_no", "not the person of settlement %s", setl_id);
	free(lk.st);
	return rc;
}

/* input: data{setl_id, mdtrt_id, psn_no} -> setlinfo, every amount negated */
int txn_2208(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d, *root, *info;
	const char *setl_id = NULL, *mdtrt_id = NULL, *psn_no = NULL;
	yb_buf answer = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "setl_id", 1, 30, &setl_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &mdtrt_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &psn_no)) < 0)
		return rc;
	if (!c->insuplc_admdvs[0])
		return yb_error_set(YB_EINVALID, "insuplc_admdvs: missing (required with psn_no)");
	if ((rc = txn_need_ledger(c)) < 0 ||
	    (rc = check_target(c, &dp, setl_id, mdtrt_id, psn_no)) < 0)
		goto done;
	if ((rc = yb_ledger_cancel(c->ledger, c->fixmedins_code, c->msgid, setl_id, &answer)) < 0) {
		rc = from_ledger(rc);
		goto done;
	}
	if ((rc = txn_parse_answer(&doc, &answer)) < 0)
		goto done;
	/* the ledger answers {"setlinfo":{...}} or the bare setlinfo */
	root = yb_json_root(doc);
	info = yb_json_get(root, "setlinfo");
	yb_jw_value(out, "setlinfo", info && info->type == YB_JSON_OBJECT ? info : root);
done:
	yb_json_free(doc);
	yb_buf_free(&answer);
	return rc;
}
