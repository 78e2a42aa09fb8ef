/* Direct calls of the settlement engine under a small policy stated here,
 * so each expected fen follows from rules in this file. Every settlement
 * ends with yb_settlement_check(). */
#include "unit.h"

#include "yibao/engine.h"
#include "yibao/policy.h"

static const char *const policy_text =
	"{\"format\": \"yibao-policy/1\", \"admdvs\": \"340600\", \"version\": \"e1\",\n"
	" \"buckets\": {\"dedc\": \"deductible borne\", \"hifp\": \"fund paid\"},\n"
	" \"psn_categories\": {\"employee\": [\"1*\"]},\n"
	" \"benefits\": [\n"
	"  {\"id\": \"plain\", \"rules\": [\"T1\"],\n"
	"   \"when\": {\"insutype\": [\"310\"], \"med_type\": [\"11\"]},\n"
	"   \"ratio\": 0.60, \"annual_limit\": 1000.00, \"limit_bucket\": \"hifp\",\n"
	"   \"fund_pay_type\": \"310100\", \"fund_pay_type_name\": \"pooled\"},\n"
	"  {\"id\": \"dedc\", \"rules\": [\"T2\"],\n"
	"   \"when\": {\"insutype\": [\"310\"], \"med_type\": [\"14\"]},\n"
	"   \"deductible\": 100.00, \"deductible_bucket\": \"dedc\",\n"
	"   \"ratio\": 0.50, \"annual_limit\": 50.00, \"limit_bucket\": \"hifp\",\n"
	"   \"fund_pay_type\": \"310100\"}\n"
	" ],\n"
	" \"item_rules\": [{\"rule\": \"OE5\", \"when\": {\"flags\": [\"checkup\"]}, \"exclude\": true}]\n"
	"}\n";

enum { DEDC = 0, HIFP = 1 };

typedef struct fx {
	yb_policy *pol;
	yb_person psn;
	yb_visit v;
	yb_money acc[YB_MAX_BUCKETS];
	yb_settlement s;
	yb_line_result r[8];
} fx;

static int setup(void **state)
{
	static fx f;
	yb_diag diag = {0};

	memset(&f, 0, sizeof(f));
	if (yb_policy_parse(&f.pol, policy_text, strlen(policy_text), "engine.json", &diag) < 0) {
		print_error("%s", diag.text);
		yb_diag_free(&diag);
		return -1;
	}
	f.psn.psn_no = "P1";
	f.psn.insutype = 310;
	memcpy(f.psn.psn_type, "1101", 5);
	f.psn.gend = '1';
	f.psn.brdy = yb_date_from_ymd(1980, 5, 5);
	memcpy(f.psn.insu_admdvs, "340600", 7);
	f.v.fixmedins_code = "H1";
	f.v.fixmedins_type = 1;
	f.v.hosp_lv = 1;
	memcpy(f.v.admdvs, "340602", 7);
	f.v.mdtrt_id = "M1";
	f.v.med_type = 11;
	f.v.begntime = (yb_datetime)yb_date_from_ymd(2024, 3, 1) * 86400 + 9 * 3600;
	f.v.acct_used = 1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	yb_policy_free(f->pol);
	return 0;
}

/* A catalogue line: class lv, first self-pay bp, no price cap, one unit. */
static yb_feeline line(const char *sn, yb_money sumamt, int lv, int32_t bp)
{
	yb_feeline l;
	memset(&l, 0, sizeof(l));
	l.feedetl_sn = sn;
	l.med_list_codg = "X";
	l.sumamt = sumamt;
	l.cnt = 10000;
	l.pric = sumamt * 10000;
	l.known = 1;
	l.chrgitm_lv = lv;
	l.selfpay_bp = bp;
	l.pric_uplmt = -1;
	return l;
}

/* Settles lines with the fixture's person, visit and accumulators, and
 * checks the four identities. */
static void settle(fx *f, const yb_feeline *lines, size_t n,
		   const yb_mulaid_acct *mulaid, size_t n_mulaid)
{
	int rc;

	f->v.lines = lines;
	f->v.n_lines = n;
	rc = yb_engine_settle(&f->s, f->r, f->pol, &f->psn, f->acc, mulaid, n_mulaid, &f->v);
	if (rc)
		print_error("settle: %s\n", yb_error_msg());
	assert_int_equal(rc, 0);
	if (yb_settlement_check(&f->s))
		print_error("check: %s\n", yb_error_msg());
	assert_int_equal(yb_settlement_check(&f->s), 0);
}

static void class_c_wholly_self_paid(void **state)
{
	fx *f = *state;
	yb_feeline l[2];

	l[0] = line("1", 1234, YB_CLASS_C, 0);
	l[1] = line("2", 500, YB_CLASS_A, 0);
	l[1].known = 0; /* not in the catalogue: CL1 too */
	settle(f, l, 2, NULL, 0);
	assert_int_equal(f->r[0].fulamt_ownpay_amt, 1234);
	assert_int_equal(f->r[0].inscp_scp_amt, 0);
	assert_int_equal(f->r[0].preselfpay_amt, 0);
	assert_int_equal(f->r[0].overlmt_amt, 0);
	assert_int_equal(f->r[0].selfpay_bp, YB_BP_ONE);
	assert_string_equal(f->r[0].rule, "CL1");
	assert_int_equal(f->r[1].fulamt_ownpay_amt, 500);
	assert_string_equal(f->r[1].rule, "CL1");
	assert_int_equal(f->s.medfee_sumamt, 1734);
	assert_int_equal(f->s.fulamt_ownpay_amt, 1734);
	assert_int_equal(f->s.inscp_scp_amt, 0);
	assert_int_equal(f->s.hifp_pay, 0);
	assert_int_equal(f->s.psn_part_amt, 1734);
	assert_int_equal(f->s.psn_cash_pay, 1734); /* no account balance */
	assert_int_equal(f->s.age, 43);
	assert_string_equal(f->s.benefit->id, "plain");
}

static void price_cap(void **state)
{
	fx *f = *state;
	yb_feeline l[3];

	/* 12.00 x 3 with a cap of 10.00: 6.00 above the cap (CL2) */
	l[0] = line("1", 3600, YB_CLASS_A, 0);
	l[0].pric = 12000000;
	l[0].cnt = 30000;
	l[0].pric_uplmt = 10000000;
	/* class B under a cap: the first self-pay applies to what is allowed */
	l[1] = l[0];
	l[1].feedetl_sn = "2";
	l[1].chrgitm_lv = YB_CLASS_B;
	l[1].selfpay_bp = 1000;
	/* at the cap exactly: nothing above it */
	l[2] = line("3", 1000, YB_CLASS_A, 0);
	l[2].pric_uplmt = l[2].pric;
	settle(f, l, 3, NULL, 0);
	assert_int_equal(f->r[0].overlmt_amt, 600);
	assert_int_equal(f->r[0].inscp_scp_amt, 3000);
	assert_string_equal(f->r[0].rule, "CL2");
	assert_int_equal(f->r[1].overlmt_amt, 600);
	assert_int_equal(f->r[1].preselfpay_amt, 300);
	assert_int_equal(f->r[1].inscp_scp_amt, 2700);
	assert_int_equal(f->r[2].overlmt_amt, 0);
	assert_int_equal(f->r[2].inscp_scp_amt, 1000);
	assert_null(f->r[2].rule);
	assert_int_equal(f->s.overlmt_selfpay, 1200);
	assert_int_equal(f->s.preselfpay_amt, 300);
	assert_int_equal(f->s.inscp_scp_amt, 6700);
	assert_int_equal(f->s.hifp_pay, 4020); /* 67.00 x 60 % */
}

/* The NHSA 2204 sample: a class-B drug of 4.52 with a 5 % first self-pay. */
static void class_b_first_self_pay(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 452, YB_CLASS_B, 500);

	settle(f, &l, 1, NULL, 0);
	assert_int_equal(f->r[0].preselfpay_amt, 23);
	assert_int_equal(f->r[0].inscp_scp_amt, 429);
	assert_int_equal(f->r[0].selfpay_bp, 500);
	assert_int_equal(f->s.preselfpay_amt, 23);
	assert_int_equal(f->s.inscp_scp_amt, 429);
	assert_int_equal(f->s.hifp_pay, 257);      /* 4.29 x 60 % = 2.574 */
	assert_int_equal(f->s.fund_pay_sumamt, 257);
	assert_int_equal(f->s.pool_prop_selfpay, 6000);
	assert_int_equal(f->s.psn_part_amt, 195);
	assert_int_equal(f->s.n_funds, 1);
	assert_string_equal(f->s.funds[0].fund_pay_type, "310100");
	assert_int_equal(f->s.funds[0].fund_payamt, 257);
	assert_int_equal(f->s.funds[0].inscp_scp_amt, 429);
	assert_int_equal(f->s.funds[0].crt_payb_lmt_amt, 100000);
	assert_int_equal(f->s.acc_delta[HIFP], 257);
	assert_int_equal(f->s.acc_delta[DEDC], 0);
}

static void item_rule_excludes(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 8000, YB_CLASS_A, 0);

	l.flags = YB_ITEM_CHECKUP;
	settle(f, &l, 1, NULL, 0);
	assert_int_equal(f->r[0].fulamt_ownpay_amt, 8000);
	assert_string_equal(f->r[0].rule, "OE5");
	assert_int_equal(f->s.hifp_pay, 0);
}

static void deductible_and_limit(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 10000, YB_CLASS_A, 0);

	f->v.med_type = 14;
	f->acc[DEDC] = 6000; /* 60.00 of the 100.00 deductible borne */
	f->acc[HIFP] = 3000; /* 30.00 of the 50.00 limit paid */
	settle(f, &l, 1, NULL, 0);
	assert_string_equal(f->s.benefit->id, "dedc");
	assert_int_equal(f->s.act_pay_dedc, 4000);
	/* (100.00 - 40.00) x 50 % = 30.00, but only 20.00 left of the limit */
	assert_int_equal(f->s.hifp_pay, 2000);
	assert_int_equal(f->s.funds[0].crt_payb_lmt_amt, 2000);
	assert_int_equal(f->s.acc_delta[DEDC], 4000);
	assert_int_equal(f->s.acc_delta[HIFP], 2000);
	yb_engine_apply(f->acc, &f->s, f->pol->n_buckets);
	assert_int_equal(f->acc[DEDC], 10000);
	assert_int_equal(f->acc[HIFP], 5000);
	/* the next visit: deductible met, limit used up */
	settle(f, &l, 1, NULL, 0);
	assert_int_equal(f->s.act_pay_dedc, 0);
	assert_int_equal(f->s.hifp_pay, 0);
}

static void no_benefit_row(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 1000, YB_CLASS_A, 0);

	f->psn.insutype = 390;
	settle(f, &l, 1, NULL, 0);
	assert_null(f->s.benefit);
	assert_int_equal(f->s.n_funds, 0);
	assert_int_equal(f->s.hifp_pay, 0);
	assert_int_equal(f->s.psn_part_amt, 1000);
	assert_non_null(strstr(f->s.setl_proc_info, "no benefit row matches"));
}

static yb_datetime at(int y, int m, int d)
{
	return (yb_datetime)yb_date_from_ymd(y, m, d) * 86400 + 12 * 3600;
}

/* A2: own account first, then initiators by binding time, earliest first,
 * whatever order the caller lists them in. */
static void mutual_aid_order(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 10000, YB_CLASS_C, 0);
	yb_mulaid_acct m[3] = {
		{"late", 5000, 0}, {"early", 3000, 0}, {"mid", 4000, 0},
	};
	yb_mulaid_acct rev[3];

	m[0].bind_time = at(2023, 6, 1);
	m[1].bind_time = at(2023, 1, 1);
	m[2].bind_time = at(2023, 3, 1);
	f->psn.acct_balc = 100;
	settle(f, &l, 1, m, 3);
	assert_int_equal(f->s.balc, 0);
	assert_int_equal(f->s.mulaid_pay[1], 3000); /* early: all of it */
	assert_int_equal(f->s.mulaid_pay[2], 4000); /* mid: all of it */
	assert_int_equal(f->s.mulaid_pay[0], 2900); /* late: the rest */
	assert_int_equal(f->s.acct_mulaid_pay, 9900);
	assert_int_equal(f->s.acct_pay, 10000);
	assert_int_equal(f->s.psn_cash_pay, 0);

	/* the same accounts listed the other way round */
	rev[0] = m[2];
	rev[1] = m[1];
	rev[2] = m[0];
	settle(f, &l, 1, rev, 3);
	assert_int_equal(f->s.mulaid_pay[1], 3000); /* early */
	assert_int_equal(f->s.mulaid_pay[0], 4000); /* mid */
	assert_int_equal(f->s.mulaid_pay[2], 2900); /* late */

	/* equal binding times keep the caller's order */
	m[0].bind_time = m[1].bind_time = m[2].bind_time = at(2023, 1, 1);
	settle(f, &l, 1, m, 3);
	assert_int_equal(f->s.mulaid_pay[0], 5000);
	assert_int_equal(f->s.mulaid_pay[1], 3000);
	assert_int_equal(f->s.mulaid_pay[2], 1900);

	/* accounts that cannot cover it all leave cash */
	m[0].balc = 0;
	m[2].balc = 1000;
	settle(f, &l, 1, m, 3);
	assert_int_equal(f->s.mulaid_pay[0], 0);
	assert_int_equal(f->s.acct_pay, 100 + 3000 + 1000);
	assert_int_equal(f->s.psn_cash_pay, 10000 - 4100);
}

static void own_account_first(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 452, YB_CLASS_B, 500);
	yb_mulaid_acct m = {"init", 100000, 0};

	f->psn.acct_balc = 100000;
	settle(f, &l, 1, &m, 1);
	assert_int_equal(f->s.acct_pay, 195); /* A3: only what is owed after the fund */
	assert_int_equal(f->s.balc, 100000 - 195);
	assert_int_equal(f->s.mulaid_pay[0], 0);
	assert_int_equal(f->s.acct_mulaid_pay, 0);
	assert_int_equal(f->s.psn_cash_pay, 0);
}

static void no_account_when_not_used(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 10000, YB_CLASS_C, 0);
	yb_mulaid_acct m = {"init", 100000, 0};

	f->v.acct_used = 0;
	f->psn.acct_balc = 50000;
	settle(f, &l, 1, &m, 1);
	assert_int_equal(f->s.acct_pay, 0);
	assert_int_equal(f->s.acct_mulaid_pay, 0);
	assert_int_equal(f->s.mulaid_pay[0], 0);
	assert_int_equal(f->s.balc, 50000);
	assert_int_equal(f->s.psn_cash_pay, 10000);
}

static void too_many_mulaid(void **state)
{
	fx *f = *state;
	yb_feeline l = line("1", 100, YB_CLASS_A, 0);
	yb_mulaid_acct m[YB_MAX_MULAID + 1];

	memset(m, 0, sizeof(m));
	f->v.lines = &l;
	f->v.n_lines = 1;
	assert_fails_with(yb_engine_settle(&f->s, f->r, f->pol, &f->psn, f->acc, m,
					   YB_MAX_MULAID + 1, &f->v),
			  YB_EINVALID, "more than 7");
}

static void check_catches_broken(void **state)
{
	fx *f = *state;
	yb_feeline l[2];
	yb_settlement good, bad;

	l[0] = line("1", 452, YB_CLASS_B, 500);
	l[1] = line("2", 1000, YB_CLASS_C, 0);
	f->psn.acct_balc = 300;
	settle(f, l, 2, NULL, 0);
	good = f->s;
	assert_int_equal(yb_settlement_check(&good), 0);

	bad = good;
	bad.preselfpay_amt += 1;
	assert_fails_with(yb_settlement_check(&bad), YB_ECONFLICT,
		"medfee_sumamt != fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt");
	bad = good;
	bad.hosp_part_amt += 1;
	assert_fails_with(yb_settlement_check(&bad), YB_ECONFLICT,
		"medfee_sumamt != fund_pay_sumamt + psn_part_amt + hosp_part_amt");
	bad = good;
	bad.psn_cash_pay -= 1;
	assert_fails_with(yb_settlement_check(&bad), YB_ECONFLICT,
		"psn_part_amt != acct_pay + psn_cash_pay");
	bad = good;
	bad.hifp_pay -= 1;
	bad.maf_pay += 2;
	assert_fails_with(yb_settlement_check(&bad), YB_ECONFLICT,
		"fund_pay_sumamt != sum of fund payments");
	/* moving a fen between two funds keeps the identities */
	bad = good;
	bad.hifp_pay -= 1;
	bad.oth_pay += 1;
	assert_int_equal(yb_settlement_check(&bad), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(class_c_wholly_self_paid),
		T(price_cap),
		T(class_b_first_self_pay),
		T(item_rule_excludes),
		T(deductible_and_limit),
		T(no_benefit_row),
		T(mutual_aid_order),
		T(own_account_first),
		T(no_account_when_not_used),
		T(too_many_mulaid),
		T(check_catches_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
