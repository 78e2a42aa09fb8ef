/* Checks every answer of the HIS flows (the flows' FLOW_ANSWERS file: one
 * JSON document a line) for what a typed HIS client relies on (issue 13):
 *  1. No null (or non-number) where the platform has a number: a C#
 *     decimal or a Java BigDecimal throws on it, after the transaction
 *     has committed. Every member, at every depth, whose name is a
 *     numeric field of the national interface must be a JSON number, or a
 *     string holding a decimal (as some clients send and read them).
 *  2. setldetail, as HIS total it by fund_pay_type: the pooled funds sum
 *     to setlinfo.fund_pay_sumamt, the account rows (310200 own, 310201
 *     mutual aid) to acct_pay, the hospital's row (999996) to
 *     hosp_part_amt, wherever an output has setlinfo and setldetail.
 *
 *   build/tests/answer_check ANSWERS.jsonl [MIN]
 *
 * Exit 1 when an answer breaks either, or fewer than MIN (default 1)
 * answers were read, so that an empty file never passes. */
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The numeric (数值型) fields of the answers: settlement amounts and
 * ratios, setldetail, fee lines, 1101, 5206, 3101, the envelope, and the
 * counts yibao adds. */
static const char *const numeric[] = {
	/* setlinfo */
	"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
	"inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "cvlserv_pay",
	"hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt",
	"psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "balc",
	"acct_mulaid_pay", "age", "hifdm_pay",
	/* setldetail */
	"crt_payb_lmt_amt", "fund_payamt",
	/* fee lines (2204/2301 result[], 2207 result[], 5204 feedetail[]) */
	"det_item_fee_sumamt", "cnt", "pric", "pric_uplmt_amt", "selfpay_prop",
	"overlmt_amt",
	/* 5206, 3101, visits, counts */
	"cum", "year", "vola_amt", "sev_deg", "mid_setl_dedc", "recorded",
	"feedetail_cancelled", "cancelled", "mid_setl_flag",
	/* the envelope */
	"infcode",
	NULL
};

static int is_numeric(const char *key)
{
	size_t i;

	for (i = 0; numeric[i]; i++)
		if (strcmp(numeric[i], key) == 0)
			return 1;
	return 0;
}

static const char *type_name(yb_json_type t)
{
	return t == YB_JSON_NULL ? "null" : t == YB_JSON_STRING ? "a string"
	       : t == YB_JSON_ARRAY ? "an array" : t == YB_JSON_OBJECT ? "an object"
	       : t == YB_JSON_NUMBER ? "a number" : "a boolean";
}

typedef struct scan {
	long line;       /* the answer being read */
	long checked;    /* numeric fields seen */
	long setls;      /* setldetail arrays checked */
	int faults;
	char path[1024];
} scan;

static int amount(const yb_json *o, const char *key, yb_money *out)
{
	const yb_json *v = yb_json_get(o, key);
	return v && v->str && yb_decimal_parse(out, v->str, v->len, YB_SCALE_MONEY) == 0 ? 0 : -1;
}

static void identity(scan *sc, const char *what, yb_money got, yb_money want)
{
	char a[32], b[32];

	if (got == want)
		return;
	yb_decimal_format(a, got, YB_SCALE_MONEY);
	yb_decimal_format(b, want, YB_SCALE_MONEY);
	printf("FAIL answer %ld: output.setldetail: %s is %s, setlinfo says %s\n", sc->line, what, a, b);
	sc->faults++;
}

/* Point 2 on an output holding setlinfo and setldetail. */
static void check_setldetail(scan *sc, const yb_json *out)
{
	const yb_json *info = yb_json_get(out, "setlinfo"), *det = yb_json_get(out, "setldetail"), *r;
	yb_money fund, acct, hosp, pooled = 0, accts = 0, hosps = 0, pay;

	if (!info || info->type != YB_JSON_OBJECT || !det || det->type != YB_JSON_ARRAY)
		return;
	if (amount(info, "fund_pay_sumamt", &fund) < 0 || amount(info, "acct_pay", &acct) < 0 ||
	    amount(info, "hosp_part_amt", &hosp) < 0) {
		printf("FAIL answer %ld: output.setlinfo: an amount is missing\n", sc->line);
		sc->faults++;
		return;
	}
	for (r = det->child; r; r = r->next) {
		const yb_json *type = yb_json_get(r, "fund_pay_type");
		if (!type || !type->str || amount(r, "fund_payamt", &pay) < 0) {
			printf("FAIL answer %ld: output.setldetail: a row without fund_pay_type or fund_payamt\n",
			       sc->line);
			sc->faults++;
			return;
		}
		if (!strcmp(type->str, "310200") || !strcmp(type->str, "310201"))
			accts += pay;
		else if (!strcmp(type->str, "999996"))
			hosps += pay;
		else
			pooled += pay;
	}
	sc->setls++;
	identity(sc, "the pooled funds", pooled, fund);
	identity(sc, "310200 + 310201 (acct_pay)", accts, acct);
	identity(sc, "999996 (hosp_part_amt)", hosps, hosp);
}

/* Checks the members of v and below; sc->path[0..plen) is where v is. */
static void walk(scan *sc, const yb_json *v, size_t plen)
{
	const size_t cap = sizeof(sc->path);
	const yb_json *c;
	long i = 0;

	for (c = v->child; c; c = c->next, i++) {
		size_t l = plen;
		int n = c->key ? snprintf(sc->path + plen, cap - plen, ".%s", c->key)
			       : snprintf(sc->path + plen, cap - plen, "[%ld]", i);
		if (n > 0 && (size_t)n < cap - plen)
			l += (size_t)n;
		if (c->key && is_numeric(c->key)) {
			int64_t x;
			sc->checked++;
			if (c->type != YB_JSON_NUMBER &&
			    (c->type != YB_JSON_STRING || yb_decimal_parse(&x, c->str, c->len, 6) < 0)) {
				printf("FAIL answer %ld: %s is %s, want a number\n", sc->line, sc->path + 1,
				       type_name(c->type));
				sc->faults++;
			}
		}
		if (c->type == YB_JSON_OBJECT || c->type == YB_JSON_ARRAY)
			walk(sc, c, l);
		sc->path[plen] = '\0';
	}
}

int main(int argc, char **argv)
{
	static const yb_json_limits lim = {64, 1 << 20};
	static scan sc;
	yb_buf b = YB_BUF_INIT;
	char *line, *next;
	long min = argc > 2 ? strtol(argv[2], NULL, 10) : 1;

	if (argc < 2) {
		fprintf(stderr, "usage: answer_check ANSWERS.jsonl [MIN]\n");
		return 2;
	}
	if (yb_buf_read_file(&b, argv[1], 256u << 20) < 0) {
		fprintf(stderr, "answer_check: %s\n", yb_error_msg());
		return 2;
	}
	for (line = b.ptr; line && *line; line = next) {
		yb_json_doc *doc = NULL;
		char *nl = strchr(line, '\n');
		const yb_json *root;
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!*line)
			continue;
		sc.line++;
		if (yb_json_parse(&doc, line, strlen(line), &lim) < 0) {
			printf("FAIL answer %ld: not JSON: %s\n", sc.line, yb_error_msg());
			sc.faults++;
			continue;
		}
		root = yb_json_root(doc);
		sc.path[0] = '\0';
		if (root->type == YB_JSON_OBJECT || root->type == YB_JSON_ARRAY)
			walk(&sc, root, 0);
		if (root->type == YB_JSON_OBJECT && yb_json_get(root, "output"))
			check_setldetail(&sc, yb_json_get(root, "output"));
		yb_json_free(doc);
	}
	yb_buf_free(&b);
	if (sc.line < min) {
		printf("FAIL answers: %ld read, want at least %ld\n", sc.line, min);
		return 1;
	}
	if (sc.faults) {
		printf("FAIL answers: %d faults in %ld answers\n", sc.faults, sc.line);
		return 1;
	}
	printf("ok   answers: %ld numeric fields in %ld answers, none null; %ld setldetail totals"
	       " by fund_pay_type agree with setlinfo\n", sc.checked, sc.line, sc.setls);
	return 0;
}
