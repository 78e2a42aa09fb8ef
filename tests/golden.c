/* Golden cases: each file in tests/cases holds a calc input and the part of
 * its output that POLICY.md fixes, computed by hand. This runner settles the
 * input in-process with yb_calc() and checks that the expected part is a
 * deep subset of the actual output, then checks the identities of NHSA.md
 * on every settlement it got back.
 *
 * A case file:
 *   {"rules": ["OE2", ...], "about": "one sentence",
 *    "input": <calc input>,
 *    "expected": <subset of the output>}      or   "error": "substring"
 *
 * Matching: every key of an expected object is in the actual object with an
 * equal value; arrays have the same length and match element by element;
 * numbers are equal as exact decimals (150 == 150.00); strings, booleans
 * and types exactly. An expected null means the key is absent or null
 * (so a case can say that an accumulator was never touched).
 *
 * usage: golden CASE.json...   (exit 1 when any case fails) */
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/money.h"
#include "yibao/ledger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CASE (4u << 20)
#define NUM_SCALE 6 /* numbers compare at this many decimals */

/* The first failure of a case, as "path: message". */
typedef struct verdict {
	char path[512];
	char msg[1024];
	int failed;
} verdict;

static void fail(verdict *vd, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(verdict *vd, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (vd->failed++)
		return;
	snprintf(vd->path, sizeof(vd->path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(vd->msg, sizeof(vd->msg), fmt, ap);
	va_end(ap);
}

/* A value as short text for a message. */
static const char *show(char *buf, size_t n, const yb_json *v)
{
	yb_buf b = YB_BUF_INIT;
	yb_jw w;

	if (!v) {
		snprintf(buf, n, "(missing)");
		return buf;
	}
	yb_jw_init(&w, &b);
	yb_jw_value(&w, NULL, v);
	if (b.ptr && b.len > 120)
		snprintf(buf, n, "%.117s...", b.ptr);
	else
		snprintf(buf, n, "%s", b.ptr ? b.ptr : "?");
	yb_buf_free(&b);
	return buf;
}

/* ------------------------------------------------------------ matching */

static int same_number(const yb_json *a, const yb_json *b)
{
	int64_t x, y;

	if (yb_decimal_parse(&x, a->str, a->len, NUM_SCALE) == 0 &&
	    yb_decimal_parse(&y, b->str, b->len, NUM_SCALE) == 0)
		return x == y;
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* Appends ".key" or "[i]" to path (of length len); returns the new length. */
static size_t push_key(char *path, size_t cap, size_t len, const char *key)
{
	int w = snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
	return w < 0 || (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
}

static size_t push_index(char *path, size_t cap, size_t len, size_t i)
{
	int w = snprintf(path + len, cap - len, "[%zu]", i);
	return w < 0 || (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
}

static void match(verdict *vd, const yb_json *exp, const yb_json *act,
		  char *path, size_t cap, size_t len)
{
	char e[160], a[160];
	const yb_json *c, *d;
	size_t i, sub;

	if (exp->type == YB_JSON_NULL) {
		if (act && act->type != YB_JSON_NULL)
			fail(vd, path, "expected absent or null got %s", show(a, sizeof(a), act));
		return;
	}
	if (!act || act->type != exp->type) {
		fail(vd, path, "expected %s got %s", show(e, sizeof(e), exp), show(a, sizeof(a), act));
		return;
	}
	switch (exp->type) {
	case YB_JSON_NUMBER:
		if (!same_number(exp, act))
			fail(vd, path, "expected %s got %s", show(e, sizeof(e), exp), show(a, sizeof(a), act));
		break;
	case YB_JSON_STRING:
		if (exp->len != act->len || memcmp(exp->str, act->str, exp->len) != 0)
			fail(vd, path, "expected %s got %s", show(e, sizeof(e), exp), show(a, sizeof(a), act));
		break;
	case YB_JSON_ARRAY:
		if (exp->len != act->len) {
			fail(vd, path, "expected %zu elements got %zu", exp->len, act->len);
			break;
		}
		for (c = exp->child, d = act->child, i = 0; c && d; c = c->next, d = d->next, i++) {
			sub = push_index(path, cap, len, i);
			match(vd, c, d, path, cap, sub);
			path[len] = '\0';
		}
		break;
	case YB_JSON_OBJECT:
		for (c = exp->child; c; c = c->next) {
			sub = push_key(path, cap, len, c->key);
			match(vd, c, yb_json_get(act, c->key), path, cap, sub);
			path[len] = '\0';
		}
		break;
	default: /* true, false: the types already agree */
		break;
	}
}

/* ----------------------------------------------------------- identities */

static const char *const setl_amounts[] = {
	"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
	"inscp_scp_amt", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay",
	"hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt",
	"acct_pay", "psn_cash_pay", "hosp_part_amt", NULL
};
enum { MEDFEE, FULAMT, OVERLMT, PRESELF, INSCP, HIFP, CVLSERV, HIFES, HIFMI,
       HIFOB, MAF, OTH, FUNDSUM, PSNPART, ACCT, CASH, HOSP, N_AMOUNTS };

static const char *const line_amounts[] = {
	"det_item_fee_sumamt", "fulamt_ownpay_amt", "overlmt_amt",
	"preselfpay_amt", "inscp_scp_amt", NULL
};

/* Reads the named amounts of obj at scale 2 into v; 0 or -1 (failed). */
static int read_amounts(verdict *vd, const yb_json *obj, const char *where,
			const char *const *keys, yb_money *v)
{
	char path[512];
	int i;

	for (i = 0; keys[i]; i++) {
		snprintf(path, sizeof(path), "%s.%s", where, keys[i]);
		if (yb_jget_decimal(obj, NULL, keys[i], 1, YB_SCALE_MONEY, &v[i], NULL) < 0) {
			fail(vd, path, "not an amount: %s", yb_error_msg());
			return -1;
		}
	}
	return 0;
}

static void identity(verdict *vd, const char *where, const char *what,
		     yb_money lhs, yb_money rhs)
{
	char path[512], l[32], r[32];

	if (lhs == rhs)
		return;
	snprintf(path, sizeof(path), "%s", where);
	yb_decimal_format(l, lhs, YB_SCALE_MONEY);
	yb_decimal_format(r, rhs, YB_SCALE_MONEY);
	fail(vd, path, "identity %s broken: %s != %s", what, l, r);
}

/* The four identities of NHSA.md on one result's setlinfo; setldetail's
 * pooled fund rows summing to fund_pay_sumamt, its account rows (310200
 * own, 310201 mutual aid) to acct_pay and its hospital row (999996) to
 * hosp_part_amt; and each fee line's split summing to it. */
static void check_result(verdict *vd, const yb_json *res, size_t idx)
{
	char where[128], sub[160];
	const yb_json *setl = yb_json_get(res, "setlinfo");
	const yb_json *det = yb_json_get(res, "setldetail");
	const yb_json *lines = yb_json_get(res, "result");
	const yb_json *c;
	yb_money v[N_AMOUNTS], lv[5], sum = 0, acct = 0, hosp = 0;
	size_t i;

	snprintf(where, sizeof(where), "results[%zu].setlinfo", idx);
	if (!setl || setl->type != YB_JSON_OBJECT || !det || det->type != YB_JSON_ARRAY) {
		fail(vd, where, "result without setlinfo and setldetail");
		return;
	}
	if (read_amounts(vd, setl, where, setl_amounts, v) < 0)
		return;
	identity(vd, where, "medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt",
		 v[MEDFEE], v[FULAMT] + v[OVERLMT] + v[PRESELF] + v[INSCP]);
	identity(vd, where, "medfee_sumamt = fund_pay_sumamt + psn_part_amt + hosp_part_amt",
		 v[MEDFEE], v[FUNDSUM] + v[PSNPART] + v[HOSP]);
	identity(vd, where, "psn_part_amt = acct_pay + psn_cash_pay",
		 v[PSNPART], v[ACCT] + v[CASH]);
	identity(vd, where, "fund_pay_sumamt = sum of the funds",
		 v[FUNDSUM], v[HIFP] + v[CVLSERV] + v[HIFES] + v[HIFMI] + v[HIFOB] + v[MAF] + v[OTH]);
	for (c = det->child, i = 0; c; c = c->next, i++) {
		const yb_json *type = yb_json_get(c, "fund_pay_type");
		yb_money pay;
		snprintf(sub, sizeof(sub), "results[%zu].setldetail[%zu].fund_payamt", idx, i);
		if (yb_jget_decimal(c, NULL, "fund_payamt", 1, YB_SCALE_MONEY, &pay, NULL) < 0) {
			fail(vd, sub, "not an amount: %s", yb_error_msg());
			return;
		}
		if (!type || !type->str) {
			fail(vd, sub, "a row without fund_pay_type");
			return;
		}
		if (strcmp(type->str, "310200") == 0 || strcmp(type->str, "310201") == 0)
			acct += pay;
		else if (strcmp(type->str, "999996") == 0)
			hosp += pay;
		else
			sum += pay;
	}
	snprintf(sub, sizeof(sub), "results[%zu].setldetail", idx);
	identity(vd, sub, "sum(fund_payamt) of the pooled funds = fund_pay_sumamt", sum, v[FUNDSUM]);
	identity(vd, sub, "sum(fund_payamt) of 310200 and 310201 = acct_pay", acct, v[ACCT]);
	identity(vd, sub, "fund_payamt of 999996 = hosp_part_amt", hosp, v[HOSP]);
	if (!lines || lines->type != YB_JSON_ARRAY)
		return;
	for (c = lines->child, i = 0; c; c = c->next, i++) {
		snprintf(sub, sizeof(sub), "results[%zu].result[%zu]", idx, i);
		if (read_amounts(vd, c, sub, line_amounts, lv) < 0)
			return;
		identity(vd, sub, "det_item_fee_sumamt = fulamt_ownpay_amt + overlmt_amt + preselfpay_amt + inscp_scp_amt",
			 lv[0], lv[1] + lv[2] + lv[3] + lv[4]);
	}
}

/* ---------------------------------------------------------------- cases */

/* Checks the case's own shape; 0 or -1 with the verdict set. */
static int case_shape(verdict *vd, const yb_json *root)
{
	const yb_json *rules = yb_json_get(root, "rules");
	const yb_json *about = yb_json_get(root, "about");
	const yb_json *input = yb_json_get(root, "input");
	const yb_json *exp = yb_json_get(root, "expected");
	const yb_json *err = yb_json_get(root, "error");
	const yb_json *r;

	if (root->type != YB_JSON_OBJECT) {
		fail(vd, "", "case is not a JSON object");
		return -1;
	}
	if (!rules || rules->type != YB_JSON_ARRAY || rules->len == 0) {
		fail(vd, "rules", "a non-empty array of rule ids is required");
		return -1;
	}
	for (r = rules->child; r; r = r->next)
		if (r->type != YB_JSON_STRING) {
			fail(vd, "rules", "rule ids are strings");
			return -1;
		}
	if (!about || about->type != YB_JSON_STRING) {
		fail(vd, "about", "one sentence is required");
		return -1;
	}
	if (!input || input->type != YB_JSON_OBJECT) {
		fail(vd, "input", "an object is required");
		return -1;
	}
	if (!exp == !err || (exp && exp->type != YB_JSON_OBJECT) ||
	    (err && err->type != YB_JSON_STRING)) {
		fail(vd, "expected", "exactly one of \"expected\" (object) and \"error\" (string)");
		return -1;
	}
	return 0;
}

static void run_case(verdict *vd, const yb_json *root)
{
	const yb_json *exp = yb_json_get(root, "expected");
	const yb_json *err = yb_json_get(root, "error");
	const yb_json *results, *r;
	yb_buf in = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_jw w;
	char path[1024] = "";
	size_t i;
	int rc;

	yb_jw_init(&w, &in);
	yb_jw_value(&w, NULL, yb_json_get(root, "input"));
	yb_error_clear();
	rc = yb_calc(&out, in.ptr, in.len, NULL);
	if (err) {
		if (rc == 0)
			fail(vd, "error", "expected an error containing \"%s\" got success", err->str);
		else if (!strstr(yb_error_msg(), err->str))
			fail(vd, "error", "expected an error containing \"%s\" got \"%s\"", err->str, yb_error_msg());
		goto done;
	}
	if (rc < 0) {
		fail(vd, "", "calc failed: %s", yb_error_msg());
		goto done;
	}
	if (yb_json_parse(&doc, out.ptr, out.len, NULL) < 0) {
		fail(vd, "", "output is not JSON: %s", yb_error_msg());
		goto done;
	}
	match(vd, exp, yb_json_root(doc), path, sizeof(path), 0);
	results = yb_json_get(yb_json_root(doc), "results");
	if (!results || results->type != YB_JSON_ARRAY) {
		fail(vd, "results", "output has no results array");
		goto done;
	}
	for (r = results->child, i = 0; r; r = r->next, i++)
		check_result(vd, r, i);
done:
	yb_json_free(doc);
	yb_buf_free(&in);
	yb_buf_free(&out);
}

/* Policies are found as calc finds them; when neither $YIBAO_POLICY_DIR
 * nor ./policies is there, use the tree's policies/ beside build/tests/. */
static void find_policies(const char *argv0)
{
	char dir[4096];
	const char *slash = strrchr(argv0, '/');

	if (getenv("YIBAO_POLICY_DIR") || access("policies", R_OK) == 0 || !slash)
		return;
	snprintf(dir, sizeof(dir), "%.*s/../../policies", (int)(slash - argv0), argv0);
	if (access(dir, R_OK) == 0)
		setenv("YIBAO_POLICY_DIR", dir, 0);
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CASE.json...\n", argv[0]);
		return 2;
	}
	find_policies(argv[0]);
	for (i = 1; i < argc; i++) {
		yb_buf text = YB_BUF_INIT;
		yb_json_doc *doc = NULL;
		verdict vd;

		memset(&vd, 0, sizeof(vd));
		if (yb_buf_read_file(&text, argv[i], MAX_CASE) < 0)
			fail(&vd, "", "cannot read: %s", yb_error_msg());
		else if (yb_json_parse(&doc, text.ptr, text.len, NULL) < 0)
			fail(&vd, "", "not JSON: %s", yb_error_msg());
		else if (case_shape(&vd, yb_json_root(doc)) == 0)
			run_case(&vd, yb_json_root(doc));
		if (vd.failed) {
			failed++;
			printf("FAIL %s: %s%s%s", argv[i], vd.path, vd.path[0] ? " " : "", vd.msg);
			if (vd.failed > 1)
				printf(" (+%d more)", vd.failed - 1);
			printf("\n");
		} else {
			printf("ok   %s\n", argv[i]);
		}
		yb_json_free(doc);
		yb_buf_free(&text);
	}
	printf("golden: %d cases, %d passed, %d failed\n", argc - 1, argc - 1 - failed, failed);
	return failed ? 1 : 0;
}
