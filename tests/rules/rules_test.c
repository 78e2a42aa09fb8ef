/* Golden cases of the supervision rules (tests/rules/cases, one JSON file each): each
 * case has the stock records, the person's earlier settlements, the
 * settlement judged and the findings expected (rule_id, feedetl_sn), nothing
 * else. The history is an in-memory index (yb_rl_index with code history),
 * the rules are the shipped ones (rules/). Exact match, order aside.
 *
 * usage: rules_test RULES_DIR CASE.json... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/rules.h"

#define MAX_LINES 64
#define MAX_FIND 64

typedef struct setl_in {
	yb_rl_setl s;
	yb_rl_line lines[MAX_LINES];
	char gend[4], lv[4], mt[8], trdn[MAX_LINES][4];
} setl_in;

static int read_setl(setl_in *in, const yb_json *o, const yb_jpath *p)
{
	const yb_json *arr, *e;
	yb_money sum = 0;
	int rc, present = 0;
	size_t i = 0;

	memset(in, 0, sizeof(*in));
	in->s.brdy = YB_DATE_NONE;
	if ((rc = yb_jget_str(o, p, "setl_id", 1, 40, &in->s.setl_id)) < 0 ||
	    (rc = yb_jget_str(o, p, "mdtrt_id", 0, 40, &in->s.mdtrt_id)) < 0 ||
	    (rc = yb_jget_str(o, p, "psn_no", 1, 40, &in->s.psn_no)) < 0 ||
	    (rc = yb_jget_str(o, p, "fixmedins_code", 1, 40, &in->s.fixmedins_code)) < 0 ||
	    (rc = yb_jget_code(o, p, "hosp_lv", 0, in->lv, sizeof(in->lv))) < 0 ||
	    (rc = yb_jget_code(o, p, "med_type", 1, in->mt, sizeof(in->mt))) < 0 ||
	    (rc = yb_jget_code(o, p, "gend", 0, in->gend, sizeof(in->gend))) < 0 ||
	    (rc = yb_jget_date(o, p, "brdy", 0, &in->s.brdy)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "begntime", 1, &in->s.begntime)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "endtime", 0, &in->s.endtime)) < 0 ||
	    (rc = yb_jget_str(o, p, "dise_codg", 0, 40, &in->s.dise_codg)) < 0 ||
	    (rc = yb_jget_decimal(o, p, "fund_pay_sumamt", 0, 2, &in->s.fund_pay_sumamt, NULL)) < 0 ||
	    (rc = yb_jget_array(o, p, "lines", 1, &arr)) < 0)
		return rc;
	in->s.hosp_lv = in->lv[0] ? in->lv[0] - '0' : 0;
	in->s.med_type = (int)strtol(in->mt, NULL, 10);
	in->s.gend = in->gend[0];
	for (e = arr->child; e; e = e->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(p, i);
		yb_rl_line *l = &in->lines[i];
		if (i == MAX_LINES)
			return yb_jpath_error(p, "lines", "more than %d", MAX_LINES);
		l->cnt = 10000;
		if ((rc = yb_jget_str(e, &lp, "feedetl_sn", 1, 40, &l->feedetl_sn)) < 0 ||
		    (rc = yb_jget_str(e, &lp, "med_list_codg", 1, 48, &l->med_list_codg)) < 0 ||
		    (rc = yb_jget_str(e, &lp, "drug_trac_codg", 0, 64, &l->drug_trac_codg)) < 0 ||
		    (rc = yb_jget_code(e, &lp, "trdn_flag", 0, in->trdn[i], 4)) < 0 ||
		    (rc = yb_jget_datetime(e, &lp, "fee_ocur_time", 0, &l->fee_ocur_time)) < 0 ||
		    (rc = yb_jget_decimal(e, &lp, "cnt", 0, 4, &l->cnt, NULL)) < 0 ||
		    (rc = yb_jget_decimal(e, &lp, "det_item_fee_sumamt", 1, 2, &l->sumamt, NULL)) < 0)
			return rc;
		l->trdn_flag = in->trdn[i][0] == '1';
		sum += l->sumamt;
	}
	in->s.lines = in->lines;
	in->s.n_lines = i;
	if ((rc = yb_jget_decimal(o, p, "medfee_sumamt", 0, 2, &in->s.medfee_sumamt, &present)) < 0)
		return rc;
	if (!present)
		in->s.medfee_sumamt = sum;
	return 0;
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int run_case(const yb_ruleset *rs, const char *path, char *why, size_t n_why)
{
	yb_buf b = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_rl_index *ix = NULL;
	yb_rules_history h;
	yb_finding f[MAX_FIND];
	size_t nf = 0, i, ne = 0;
	const yb_json *root, *arr, *e;
	static setl_in in;
	int matched[MAX_FIND], rc;

	memset(matched, 0, sizeof(matched));
	why[0] = '\0';
	if ((rc = yb_buf_read_file(&b, path, 1 << 20)) < 0 ||
	    (rc = yb_json_parse(&doc, b.ptr, b.len, NULL)) < 0 ||
	    (rc = yb_rl_index_new(&ix, rs, 1)) < 0)
		goto done;
	root = yb_json_root(doc);
	if ((rc = yb_jget_array(root, NULL, "stock", 0, &arr)) < 0)
		goto done;
	for (e = arr ? arr->child : NULL; e; e = e->next) {
		const char *code = NULL, *codg = NULL;
		int64_t pack = 0;
		if ((rc = yb_jget_str(e, NULL, "drug_trac_codg", 1, 64, &code)) < 0 ||
		    (rc = yb_jget_str(e, NULL, "med_list_codg", 1, 48, &codg)) < 0 ||
		    (rc = yb_jget_decimal(e, NULL, "pack_qty", 0, 4, &pack, NULL)) < 0 ||
		    (rc = yb_rl_index_stock(ix, code, codg, pack)) < 0)
			goto done;
	}
	if ((rc = yb_jget_array(root, NULL, "history", 0, &arr)) < 0)
		goto done;
	i = 0;
	for (e = arr ? arr->child : NULL; e; e = e->next, i++) {
		yb_jpath hp = YB_JPATH_KEY(NULL, "history"), ip = YB_JPATH_INDEX(&hp, i);
		if ((rc = read_setl(&in, e, &ip)) < 0 || (rc = yb_rl_index_add(ix, &in.s)) < 0)
			goto done;
	}
	{
		const yb_json *so;
		yb_jpath sp = YB_JPATH_KEY(NULL, "settlement");
		if ((rc = yb_jget_object(root, NULL, "settlement", 1, &so)) < 0 ||
		    (rc = read_setl(&in, so, &sp)) < 0)
			goto done;
	}
	yb_rl_index_view(ix, &h);
	if ((rc = yb_rules_judge(f, MAX_FIND, &nf, rs, &in.s, &h, YB_RJ_ALL)) < 0)
		goto done;
	if (nf > MAX_FIND)
		nf = MAX_FIND;
	/* every expected finding once; nothing else */
	if ((rc = yb_jget_array(root, NULL, "expect", 1, &arr)) < 0)
		goto done;
	for (e = arr->child; e; e = e->next, ne++) {
		const char *id = NULL, *sn = NULL;
		int found = 0;
		if ((rc = yb_jget_str(e, NULL, "rule_id", 1, 40, &id)) < 0 ||
		    (rc = yb_jget_str(e, NULL, "feedetl_sn", 0, 40, &sn)) < 0)
			goto done;
		for (i = 0; i < nf && !found; i++)
			if (!matched[i] && !strcmp(f[i].rule->id, id) && same(f[i].feedetl_sn, sn))
				found = matched[i] = 1;
		if (!found) {
			snprintf(why, n_why, "expected %s%s%s not found", id, sn ? " line " : "", sn ? sn : "");
			rc = 1;
			goto done;
		}
	}
	for (i = 0; i < nf; i++)
		if (!matched[i]) {
			snprintf(why, n_why, "unexpected %s%s%s: %s", f[i].rule->id,
				 f[i].feedetl_sn ? " line " : "", f[i].feedetl_sn ? f[i].feedetl_sn : "",
				 f[i].vola_cont);
			rc = 1;
			goto done;
		}
	/* the evidence is JSON */
	for (i = 0; i < nf; i++) {
		yb_json_doc *ev = NULL;
		if (yb_json_parse(&ev, f[i].vola_evid, strlen(f[i].vola_evid), NULL) < 0) {
			snprintf(why, n_why, "%s: vola_evid is not JSON: %s", f[i].rule->id, f[i].vola_evid);
			rc = 1;
			goto done;
		}
		yb_json_free(ev);
	}
done:
	if (rc < 0)
		snprintf(why, n_why, "%s", yb_error_msg());
	yb_rl_index_free(ix);
	yb_json_free(doc);
	yb_buf_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	yb_ruleset *rs = NULL;
	int i, passed = 0, failed = 0;
	char why[512], m[32];

	if (argc < 3) {
		fprintf(stderr, "usage: %s RULES_DIR CASE.json...\n", argv[0]);
		return 2;
	}
	if (yb_rules_load_dir(&rs, argv[1]) < 0) {
		fprintf(stderr, "%s\n", yb_error_msg());
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (run_case(rs, argv[i], why, sizeof(why)) == 0) {
			passed++;
		} else {
			failed++;
			printf("FAIL %s: %s\n", argv[i], why);
		}
	}
	/* the mask keeps 3 + 2 characters */
	yb_mask_psn(m, sizeof(m), "34060000000123");
	if (strcmp(m, "340*********23")) {
		failed++;
		printf("FAIL yb_mask_psn: %s\n", m);
	} else {
		passed++;
	}
	yb_ruleset_free(rs);
	printf("rules: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
