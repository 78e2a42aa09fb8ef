/* The writers of the settlement answers (src/ledger/visit_json.c): what a
 * typed HIS client reads in setlinfo, setldetail and a fee line, including
 * what no flow reaches (the engine gives no policy a hospital part, so
 * 999996 is only seen here). */
#include "unit.h"

#include "yibao/ledger.h"

/* out: the text written by fn into one object, parsed. */
typedef struct doc {
	yb_buf b;
	yb_json_doc *d;
	const yb_json *root;
} doc;

static void parse(doc *x)
{
	assert_int_equal(yb_json_parse(&x->d, x->b.ptr, x->b.len, NULL), 0);
	x->root = yb_json_root(x->d);
}

static void done(doc *x)
{
	yb_json_free(x->d);
	yb_buf_free(&x->b);
}

/* x gets {"setldetail": [...]} parsed. */
static void setldetail_of(doc *x, const yb_fund_pay *f, int n, const yb_money amt[YB_A_COUNT])
{
	yb_jw w;

	memset(x, 0, sizeof(*x));
	yb_jw_init(&w, &x->b);
	yb_jw_obj(&w, NULL);
	yb_write_setldetail(&w, "setldetail", f, n, amt);
	yb_jw_end(&w, '}');
	parse(x);
}

/* x->root is setlinfo as written from si. */
static void setlinfo_of(doc *x, const yb_setlinfo *si)
{
	yb_jw w;

	memset(x, 0, sizeof(*x));
	yb_jw_init(&w, &x->b);
	yb_jw_obj(&w, NULL);
	yb_write_setlinfo(&w, "setlinfo", si);
	yb_jw_end(&w, '}');
	parse(x);
	x->root = yb_json_get(x->root, "setlinfo");
}

static const char *text(const yb_json *o, const char *key)
{
	const yb_json *v = yb_json_get(o, key);
	assert_non_null(v);
	return v->type == YB_JSON_NULL ? "null" : v->str;
}

static void amounts(yb_money amt[YB_A_COUNT])
{
	memset(amt, 0, sizeof(yb_money) * YB_A_COUNT);
	amt[YB_A_MEDFEE_SUMAMT] = 20000;
	amt[YB_A_INSCP_SCP_AMT] = 20000;
	amt[YB_A_HIFP_PAY] = 9000;
	amt[YB_A_MAF_PAY] = 1500;
	amt[YB_A_FUND_PAY_SUMAMT] = 10500;
	amt[YB_A_PSN_PART_AMT] = 8000;
	amt[YB_A_ACCT_PAY] = 7000;          /* 40.00 own + 30.00 mutual aid */
	amt[YB_A_ACCT_MULAID_PAY] = 3000;
	amt[YB_A_PSN_CASH_PAY] = 1000;
	amt[YB_A_HOSP_PART_AMT] = 1500;
}

/* The pooled rows as given, then own account, mutual aid and hospital,
 * each summing to its setlinfo field. */
static void setldetail_rows(void **state)
{
	yb_fund_pay f[2];
	yb_money amt[YB_A_COUNT];
	doc x;
	const yb_json *r;
	static const char *const types[] = {"310100", "610100", "310200", "310201", "999996"};
	static const char *const pays[] = {"90.00", "15.00", "40.00", "30.00", "15.00"};
	int k = 0;

	(void)state;
	memset(f, 0, sizeof(f));
	snprintf(f[0].fund_pay_type, sizeof(f[0].fund_pay_type), "310100");
	f[0].fund_pay_type_name = "pooled (the policy's name)";
	f[0].fund_payamt = 9000;
	snprintf(f[1].fund_pay_type, sizeof(f[1].fund_pay_type), "610100");
	f[1].fund_payamt = 1500; /* no name: the code table's */
	amounts(amt);
	setldetail_of(&x, f, 2, amt);
	r = yb_json_get(x.root, "setldetail");
	assert_int_equal(r->len, 5);
	for (r = r->child; r; r = r->next, k++) {
		assert_string_equal(text(r, "fund_pay_type"), types[k]);
		assert_string_equal(text(r, "fund_payamt"), pays[k]);
		assert_string_equal(text(r, "inscp_scp_amt"), k < 2 ? "0.00" : "200.00");
		assert_string_equal(text(r, "crt_payb_lmt_amt"), "0.00");
	}
	r = yb_json_get(x.root, "setldetail")->child;
	assert_string_equal(text(r, "fund_pay_type_name"), "pooled (the policy's name)");
	assert_string_equal(text(r->next, "fund_pay_type_name"), "医疗救助基金");
	assert_string_equal(text(r->next->next->next->next, "fund_pay_type_name"), "医院负担");
	done(&x);
}

/* Rows without money are left out, as the platform does. */
static void setldetail_no_empty_rows(void **state)
{
	yb_money amt[YB_A_COUNT];
	doc x;

	(void)state;
	amounts(amt);
	amt[YB_A_ACCT_PAY] = amt[YB_A_ACCT_MULAID_PAY] = amt[YB_A_HOSP_PART_AMT] = 0;
	setldetail_of(&x, NULL, 0, amt);
	assert_int_equal(yb_json_get(x.root, "setldetail")->len, 0);
	done(&x);

	/* all of acct_pay from mutual aid: one row, 310201 */
	amounts(amt);
	amt[YB_A_ACCT_MULAID_PAY] = amt[YB_A_ACCT_PAY];
	amt[YB_A_HOSP_PART_AMT] = 0;
	setldetail_of(&x, NULL, 0, amt);
	assert_int_equal(yb_json_get(x.root, "setldetail")->len, 1);
	assert_string_equal(text(yb_json_get(x.root, "setldetail")->child, "fund_pay_type"), "310201");
	done(&x);
}

/* Unknown facts are "" or 0, never null; setl_id null only on a
 * pre-settlement; refd_setl_id only on a cancel. */
static void setlinfo_defaults(void **state)
{
	yb_setlinfo si;
	doc x;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.brdy = YB_DATE_NONE;
	si.psn_type = "1102";
	si.med_type = 21;
	si.insutype = 310;
	amounts(si.amt);
	setlinfo_of(&x, &si);
	assert_string_equal(text(x.root, "setl_id"), "null");
	assert_null(yb_json_get(x.root, "refd_setl_id"));
	assert_string_equal(text(x.root, "brdy"), "");
	assert_string_equal(text(x.root, "age"), "0");
	assert_string_equal(text(x.root, "gend"), "");
	assert_string_equal(text(x.root, "naty"), "");
	assert_string_equal(text(x.root, "psn_cert_type"), "");
	assert_string_equal(text(x.root, "certno"), "");
	assert_string_equal(text(x.root, "cvlserv_flag"), "1");
	assert_string_equal(text(x.root, "mdtrt_cert_type"), "");
	assert_string_equal(text(x.root, "medins_setl_id"), "");
	assert_string_equal(text(x.root, "clr_type"), "21");
	assert_string_equal(text(x.root, "hosp_part_amt"), "15.00");
	assert_string_equal(text(x.root, "acct_mulaid_pay"), "30.00");
	done(&x);

	si.setl_id = "S2";
	si.refd_setl_id = "S1";
	si.certno = "340602197205050256";
	si.psn_type = "1101";
	setlinfo_of(&x, &si);
	assert_string_equal(text(x.root, "setl_id"), "S2");
	assert_string_equal(text(x.root, "refd_setl_id"), "S1");
	assert_string_equal(text(x.root, "psn_cert_type"), "01");
	assert_string_equal(text(x.root, "cvlserv_flag"), "0");
	done(&x);
}

/* pric_uplmt_amt 999999 without a cap; med_chrgitm_type from the flags and
 * the code; the flags "0"; exp_content null. */
static void line_facts(void **state)
{
	doc x = {YB_BUF_INIT, NULL, NULL};
	yb_jw w;

	(void)state;
	yb_jw_init(&w, &x.b);
	yb_jw_arr(&w, NULL);
	yb_jw_obj(&w, NULL);
	yb_write_line_cap(&w, -1);
	yb_write_line_class(&w, "ZA01AAA0001", 0, YB_CLASS_A, 0, "CL1");
	yb_jw_end(&w, '}');
	yb_jw_obj(&w, NULL);
	yb_write_line_cap(&w, 12345678);
	yb_write_line_class(&w, "001101000010000", 1, YB_CLASS_B, YB_ITEM_CONSULT, NULL);
	yb_jw_end(&w, '}');
	yb_jw_end(&w, ']');
	parse(&x);
	x.root = x.root->child;
	assert_string_equal(text(x.root, "pric_uplmt_amt"), "999999.000000");
	assert_string_equal(text(x.root, "chrgitm_lv"), "03"); /* not known: class C */
	assert_string_equal(text(x.root, "med_chrgitm_type"), "11");
	assert_string_equal(text(x.root, "bas_medn_flag"), "0");
	assert_string_equal(text(x.root, "drt_reim_flag"), "0");
	assert_string_equal(text(x.root, "memo"), "CL1");
	assert_string_equal(text(x.root, "exp_content"), "null");
	x.root = x.root->next;
	assert_string_equal(text(x.root, "pric_uplmt_amt"), "12.345678");
	assert_string_equal(text(x.root, "chrgitm_lv"), "02");
	assert_string_equal(text(x.root, "med_chrgitm_type"), "12");
	assert_string_equal(text(x.root, "memo"), "null");
	done(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setldetail_rows),
		cmocka_unit_test(setldetail_no_empty_rows),
		cmocka_unit_test(setlinfo_defaults),
		cmocka_unit_test(line_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
