/* Property test of the settlement engine: random persons settle random
 * visits in sequence under policies/340600.json, straight through
 * yb_engine_settle(), and every invariant of DESIGN.md is checked after
 * every visit, against book-keeping kept here independently of the engine.
 *
 * usage: property [VISITS [SEED]]   (defaults 100000 and a fixed seed)
 * Exit 1 on the first violation, naming the seed, person and visit. */
#include "yibao/date.h"
#include "yibao/engine.h"
#include "yibao/error.h"
#include "yibao/money.h"
#include "yibao/policy.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 20
#define DEFAULT_SEED 0x5eed2024c0ffee01ULL

/* ------------------------------------------------------------------ PRNG */

static uint64_t rng_state;

static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [lo, hi]. */
static int64_t range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static int chance(int percent)
{
	return range(0, 99) < percent;
}

#define PICK(arr) (arr)[range(0, (int64_t)(sizeof(arr) / sizeof((arr)[0])) - 1)]

/* ------------------------------------------------------------- the world */

static const char *const home_admdvs[] = {"340600", "340602", "340603", "340621"};
static const char *const away_admdvs[] = {"440304", "320102", "460106", "110105",
					  "310104", "340102"};
static const char *const reg_admdvs[] = {"440300", "320100", "460100", "110000",
					 "310104", "340100"};
static const char *const dise_codes[] = {"I10", "E11.9", "C34.1", "N18.5", "J45",
					 "J44", "Z94.0", "K74", "", "E14"};
static const int med_types[] = {11, 13, 14, 41};
static const int32_t class_b_props[] = {500, 1000, 2000, 3000};
static const uint32_t item_flags[] = {YB_ITEM_TCM_GRANULE, YB_ITEM_CHECKUP,
				      YB_ITEM_VACCINE, YB_ITEM_PROCURED, YB_ITEM_CONSULT};

typedef struct person {
	yb_person psn;
	char psn_no[24];
	yb_remote_reg remote[3];
	yb_mulaid_acct mulaid[YB_MAX_MULAID];
	char mulaid_no[YB_MAX_MULAID][24];
	size_t n_mulaid;
	size_t order[YB_MAX_MULAID];   /* mulaid by binding time */
	yb_money own_open, own_paid;
	yb_money mul_open[YB_MAX_MULAID], mul_paid[YB_MAX_MULAID];
	/* accumulators three ways: as the engine applies them, as the sum of
	 * its deltas, and from act_pay_dedc / hifp_pay by the benefit's buckets */
	yb_money acc[YB_MAX_BUCKETS], acc_open[YB_MAX_BUCKETS];
	yb_money delta_sum[YB_MAX_BUCKETS], paid_sum[YB_MAX_BUCKETS];
	int year;
} person;

/* What a failure message needs to say where it happened. */
typedef struct where {
	uint64_t seed;
	long person, visit;
	yb_date day;
} where;

static where at;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	char day[16];
	va_list ap;

	yb_date_format(day, at.day);
	fprintf(stderr, "property: FAIL seed %llu person %ld visit %ld (%s): ",
		(unsigned long long)at.seed, at.person, at.visit, day);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrerun: property %ld %llu\n", at.visit + 1, (unsigned long long)at.seed);
	exit(1);
}

static const char *fen(char *buf, yb_money v)
{
	yb_decimal_format(buf, v, YB_SCALE_MONEY);
	return buf;
}

#define CHECK(cond, ...) do { if (!(cond)) die(__VA_ARGS__); } while (0)

/* The largest deductible and annual limit any benefit hangs on a bucket:
 * no accumulator may ever pass it. A bucket that tiers read (a cumulative
 * base) or that counts stays has no cap. Only the basic layer's buckets are
 * fed by act_pay_dedc and hifp_pay (the paid_sum identity below). */
static yb_money bucket_cap[YB_MAX_BUCKETS];
static int basic_bucket[YB_MAX_BUCKETS];

static void bucket_caps(const yb_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->n_benefits; i++) {
		const yb_benefit *b = &pol->benefits[i];
		if (b->layer == YB_LAYER_BASIC) {
			if (b->dedc_bucket >= 0)
				basic_bucket[b->dedc_bucket] = 1;
			if (b->limit_bucket >= 0)
				basic_bucket[b->limit_bucket] = 1;
		}
		if (b->tier_bucket >= 0)
			bucket_cap[b->tier_bucket] = INT64_MAX;
		if (b->stay_bucket >= 0)
			bucket_cap[b->stay_bucket] = INT64_MAX;
		if (b->dedc_bucket >= 0)
			bucket_cap[b->dedc_bucket] = yb_money_max(bucket_cap[b->dedc_bucket], b->deductible);
		if (b->limit_bucket >= 0 && b->annual_limit >= 0)
			bucket_cap[b->limit_bucket] = yb_money_max(bucket_cap[b->limit_bucket], b->annual_limit);
	}
}

static yb_money random_amount(void)
{
	switch (range(0, 9)) {
	case 0: return 0;
	case 1: return range(0, 100);               /* fen: half-fen ratio products */
	case 2: case 3: case 4: return range(0, 10000);
	case 5: case 6: case 7: case 8: return range(0, 100000);
	default: return range(0, 500000);
	}
}

static void new_person(person *p, const yb_policy *pol, long idx)
{
	size_t i, j;
	int b;

	memset(p, 0, sizeof(*p));
	snprintf(p->psn_no, sizeof(p->psn_no), "P%ld", idx);
	p->psn.psn_no = p->psn_no;
	p->psn.brdy = YB_DATE_NONE;
	memcpy(p->psn.insu_admdvs, pol->admdvs, 7);
	if (chance(60)) {
		static const char *const types[] = {"1101", "1102", "1201", "1300", "1101", "1201"};
		p->psn.insutype = 310;
		snprintf(p->psn.psn_type, sizeof(p->psn.psn_type), "%s", PICK(types));
	} else {
		static const char *const types[] = {"1501", "1401", "1501"};
		p->psn.insutype = 390;
		snprintf(p->psn.psn_type, sizeof(p->psn.psn_type), "%s", PICK(types));
	}
	p->psn.acct_balc = chance(25) ? 0 : range(0, 500000);
	p->own_open = p->psn.acct_balc;

	p->n_mulaid = (size_t)range(0, YB_MAX_MULAID);
	for (i = 0; i < p->n_mulaid; i++) {
		yb_mulaid_acct *m = &p->mulaid[i];
		snprintf(p->mulaid_no[i], sizeof(p->mulaid_no[i]), "P%ld-M%zu", idx, i);
		m->psn_no = p->mulaid_no[i];
		m->balc = chance(25) ? 0 : range(0, 200000);
		/* a coarse clock so that some binding times tie */
		m->bind_time = (yb_datetime)yb_date_from_ymd(2020, 1, 1) * 86400 + range(0, 40) * 86400 * 30;
		p->mul_open[i] = m->balc;
	}
	for (i = 0; i < p->n_mulaid; i++) { /* stable: ties keep input order */
		for (j = i; j > 0 && p->mulaid[p->order[j - 1]].bind_time > p->mulaid[i].bind_time; j--)
			p->order[j] = p->order[j - 1];
		p->order[j] = i;
	}

	p->psn.n_remote = (size_t)(chance(50) ? 0 : range(1, 3));
	for (i = 0; i < p->psn.n_remote; i++) {
		yb_remote_reg *r = &p->remote[i];
		r->type = (int)range(0, pol->n_remote_types - 1);
		snprintf(r->admdvs, sizeof(r->admdvs), "%s", PICK(reg_admdvs));
		r->begndate = yb_date_from_ymd(2023, 1, 1) + (yb_date)range(0, 900);
		r->enddate = chance(50) ? YB_DATE_MAX : r->begndate + (yb_date)range(0, 400);
	}
	p->psn.remote = p->remote;

	if (chance(30))
		for (b = 0; b < pol->n_buckets; b++)
			p->acc[b] = p->acc_open[b] = range(0, bucket_cap[b] == INT64_MAX ? 20000000 : bucket_cap[b]);
}

static void new_line(yb_feeline *l, const char *sn)
{
	l->feedetl_sn = sn;
	l->med_list_codg = "X";
	l->sumamt = random_amount();
	l->cnt = chance(70) ? range(1, 10) * 10000 : range(1, 100000);
	if (chance(70)) {
		int ovf = 0;
		l->pric = yb_muldiv_round(l->sumamt, 100000000, l->cnt, &ovf);
	} else {
		l->pric = range(0, 1000) * 10000 + range(0, 9999);
	}
	l->known = chance(90);
	l->chrgitm_lv = (int)range(YB_CLASS_A, YB_CLASS_C);
	l->selfpay_bp = l->chrgitm_lv == YB_CLASS_A ? 0 :
			l->chrgitm_lv == YB_CLASS_C ? YB_BP_ONE :
			chance(70) ? PICK(class_b_props) : (int32_t)range(0, YB_BP_ONE);
	l->pric_uplmt = chance(50) ? -1 : l->pric / 2 + range(0, l->pric + 1);
	l->flags = chance(15) ? PICK(item_flags) : 0;
}

static void new_visit(yb_visit *v, yb_feeline *lines, const person *p, yb_date day,
		      char *mdtrt_id, size_t idlen, long n)
{
	static const char *const sn[MAX_LINES] = {"1", "2", "3", "4", "5", "6", "7",
		"8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"};
	size_t i;

	memset(v, 0, sizeof(*v));
	snprintf(mdtrt_id, idlen, "V%ld", n);
	v->mdtrt_id = mdtrt_id;
	v->fixmedins_code = "H";
	v->med_type = PICK(med_types);
	v->fixmedins_type = v->med_type == 41 ? (chance(90) ? 2 : 1) : (chance(90) ? 1 : 2);
	v->hosp_lv = v->fixmedins_type == 2 ? 0 : (int)range(0, 3);
	v->prim_flag = v->hosp_lv <= 1 ? chance(60) : chance(5);
	if (chance(55))
		snprintf(v->admdvs, sizeof(v->admdvs), "%s", PICK(home_admdvs));
	else if (p->psn.n_remote && chance(50)) /* somewhere inside a registration */
		snprintf(v->admdvs, sizeof(v->admdvs), "%.4s%02d",
			 p->remote[range(0, p->psn.n_remote - 1)].admdvs, (int)range(0, 9));
	else
		snprintf(v->admdvs, sizeof(v->admdvs), "%s", PICK(away_admdvs));
	v->begntime = (yb_datetime)day * 86400 + range(0, 86399);
	v->acct_used = chance(70);
	v->dise_codg = PICK(dise_codes);
	v->n_lines = (size_t)range(1, MAX_LINES);
	for (i = 0; i < v->n_lines; i++)
		new_line(&lines[i], sn[i]);
	v->lines = lines;
}

/* ---------------------------------------------------------------- checks */

static void check_lines(const yb_settlement *s, const yb_line_result *r, const yb_visit *v)
{
	yb_money ful = 0, over = 0, pre = 0, inscp = 0;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < v->n_lines; i++) {
		const yb_line_result *x = &r[i];
		CHECK(x->fulamt_ownpay_amt >= 0 && x->overlmt_amt >= 0 &&
		      x->preselfpay_amt >= 0 && x->inscp_scp_amt >= 0,
		      "line %zu: a negative part", i);
		CHECK(x->fulamt_ownpay_amt + x->overlmt_amt + x->preselfpay_amt +
		      x->inscp_scp_amt == v->lines[i].sumamt,
		      "line %zu: parts sum to %s, det_item_fee_sumamt %s", i,
		      fen(a, x->fulamt_ownpay_amt + x->overlmt_amt + x->preselfpay_amt + x->inscp_scp_amt),
		      fen(b, v->lines[i].sumamt));
		ful += x->fulamt_ownpay_amt;
		over += x->overlmt_amt;
		pre += x->preselfpay_amt;
		inscp += x->inscp_scp_amt;
	}
	CHECK(ful == s->fulamt_ownpay_amt && over == s->overlmt_selfpay &&
	      pre == s->preselfpay_amt && inscp == s->inscp_scp_amt,
	      "the lines' parts do not sum to the settlement's");
}

static void check_amounts(const yb_settlement *s)
{
	const yb_money v[] = {
		s->medfee_sumamt, s->fulamt_ownpay_amt, s->overlmt_selfpay, s->preselfpay_amt,
		s->inscp_scp_amt, s->act_pay_dedc, s->hifp_pay, s->cvlserv_pay, s->hifes_pay,
		s->hifmi_pay, s->hifob_pay, s->maf_pay, s->oth_pay, s->fund_pay_sumamt,
		s->psn_part_amt, s->acct_pay, s->psn_cash_pay, s->hosp_part_amt, s->balc,
		s->acct_mulaid_pay};
	static const char *const name[] = {
		"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
		"inscp_scp_amt", "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay",
		"hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt",
		"psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "balc",
		"acct_mulaid_pay"};
	yb_money funds = 0;
	char a[32], b[32];
	size_t i;
	int k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(v[i] >= 0, "%s is negative: %s", name[i], fen(a, v[i]));
	CHECK(yb_settlement_check(s) == 0, "identity: %s", yb_error_msg());
	CHECK(s->n_funds >= 0 && s->n_funds <= YB_MAX_FUNDS, "n_funds %d", s->n_funds);
	for (k = 0; k < s->n_funds; k++) {
		CHECK(s->funds[k].fund_payamt >= 0, "setldetail[%d].fund_payamt negative", k);
		funds += s->funds[k].fund_payamt;
	}
	CHECK(funds == s->fund_pay_sumamt, "sum(setldetail.fund_payamt) %s != fund_pay_sumamt %s",
	      fen(a, funds), fen(b, s->fund_pay_sumamt));
	CHECK(s->act_pay_dedc <= s->inscp_scp_amt, "act_pay_dedc %s > inscp_scp_amt %s",
	      fen(a, s->act_pay_dedc), fen(b, s->inscp_scp_amt));
	CHECK(s->hifp_pay <= s->inscp_scp_amt - s->act_pay_dedc,
	      "hifp_pay %s > inscp_scp_amt - act_pay_dedc %s",
	      fen(a, s->hifp_pay), fen(b, s->inscp_scp_amt - s->act_pay_dedc));
	CHECK(s->acct_pay <= s->psn_part_amt, "acct_pay %s > psn_part_amt %s (A3)",
	      fen(a, s->acct_pay), fen(b, s->psn_part_amt));
	CHECK(s->acct_mulaid_pay <= s->acct_pay, "acct_mulaid_pay > acct_pay");
}

/* The benefit's share, deductible and limit, and the accumulators. */
static void check_benefit(person *p, const yb_settlement *s, const yb_policy *pol)
{
	const yb_benefit *bn = s->benefit;
	char a[32], b[32];
	int k;

	if (!bn) {
		CHECK(s->hifp_pay == 0 && s->act_pay_dedc == 0, "no benefit row, yet the fund pays");
	} else {
		yb_money share = yb_money_mul_bp(s->inscp_scp_amt - s->act_pay_dedc, bn->ratio_bp);
		CHECK(s->hifp_pay <= share, "hifp_pay %s above %s's ratio share %s",
		      fen(a, s->hifp_pay), bn->id, fen(b, share));
		CHECK(s->act_pay_dedc <= bn->deductible, "act_pay_dedc above %s's deductible", bn->id);
		if (bn->dedc_bucket >= 0)
			p->paid_sum[bn->dedc_bucket] += s->act_pay_dedc;
		else
			CHECK(s->act_pay_dedc == 0, "a deductible without a bucket");
		if (bn->limit_bucket >= 0)
			p->paid_sum[bn->limit_bucket] += s->hifp_pay;
		if (bn->annual_limit >= 0)
			CHECK(s->hifp_pay <= bn->annual_limit, "hifp_pay above the annual limit");
	}
	for (k = 0; k < pol->n_buckets; k++) {
		CHECK(s->acc_delta[k] >= 0, "acc_delta[%s] negative", pol->bucket[k]);
		p->delta_sum[k] += s->acc_delta[k];
	}
	for (k = YB_MAX_BUCKETS - 1; k >= pol->n_buckets; k--)
		CHECK(s->acc_delta[k] == 0, "acc_delta beyond the policy's buckets");
	/* what this visit added never lifts a bucket past the benefit's own
	 * deductible or limit (a bucket already above it may stay there: OE2's
	 * one accumulator serves the 200 and the 400) */
	if (bn && bn->dedc_bucket >= 0 && s->acc_delta[bn->dedc_bucket] > 0)
		CHECK(p->acc[bn->dedc_bucket] + s->acc_delta[bn->dedc_bucket] <= bn->deductible,
		      "%s: %s would pass the deductible %s", bn->id, pol->bucket[bn->dedc_bucket],
		      fen(a, bn->deductible));
	if (bn && bn->limit_bucket >= 0 && s->acc_delta[bn->limit_bucket] > 0 && bn->annual_limit >= 0)
		CHECK(p->acc[bn->limit_bucket] + s->acc_delta[bn->limit_bucket] <= bn->annual_limit,
		      "%s: %s would pass the annual limit %s", bn->id, pol->bucket[bn->limit_bucket],
		      fen(a, bn->annual_limit));
	yb_engine_apply(p->acc, s, pol->n_buckets);
	for (k = 0; k < pol->n_buckets; k++) {
		CHECK(p->acc[k] <= bucket_cap[k], "%s %s above every deductible and limit on it (%s)",
		      pol->bucket[k], fen(a, p->acc[k]), fen(b, bucket_cap[k]));
		CHECK(p->acc[k] == p->acc_open[k] + p->delta_sum[k],
		      "%s %s != opening + sum of deltas %s", pol->bucket[k], fen(a, p->acc[k]),
		      fen(b, p->acc_open[k] + p->delta_sum[k]));
		CHECK(!basic_bucket[k] || p->acc[k] == p->acc_open[k] + p->paid_sum[k],
		      "%s %s != opening + sum of act_pay_dedc / hifp_pay of its benefits %s",
		      pol->bucket[k], fen(a, p->acc[k]), fen(b, p->acc_open[k] + p->paid_sum[k]));
	}
}

/* A2-A3: own account first, then initiators by binding time; balances
 * equal opening minus payments and never go negative. */
static void check_accounts(person *p, const yb_settlement *s, const yb_visit *v)
{
	yb_money own = s->acct_pay - s->acct_mulaid_pay, mul = 0;
	char a[32], b[32];
	size_t i, j;

	if (!v->acct_used)
		CHECK(s->acct_pay == 0, "acct_used_flag 0, yet acct_pay %s", fen(a, s->acct_pay));
	CHECK(own >= 0 && own <= p->psn.acct_balc, "own account pays %s of %s", fen(a, own),
	      fen(b, p->psn.acct_balc));
	CHECK(s->balc == p->psn.acct_balc - own, "balc %s != %s - %s", fen(a, s->balc),
	      fen(b, p->psn.acct_balc), fen(b, own));
	p->own_paid += own;
	p->psn.acct_balc = s->balc;
	CHECK(s->balc == p->own_open - p->own_paid && s->balc >= 0,
	      "own balance %s != opening %s - payments", fen(a, s->balc), fen(b, p->own_open));
	for (i = p->n_mulaid; i < YB_MAX_MULAID; i++)
		CHECK(s->mulaid_pay[i] == 0, "payment from mutual-aid account %zu that does not exist", i);
	for (i = 0; i < p->n_mulaid; i++) {
		yb_mulaid_acct *m = &p->mulaid[i];
		CHECK(s->mulaid_pay[i] >= 0 && s->mulaid_pay[i] <= m->balc,
		      "mutual-aid account %s pays %s of %s", m->psn_no, fen(a, s->mulaid_pay[i]), fen(b, m->balc));
		m->balc -= s->mulaid_pay[i];
		p->mul_paid[i] += s->mulaid_pay[i];
		mul += s->mulaid_pay[i];
		CHECK(m->balc >= 0 && m->balc == p->mul_open[i] - p->mul_paid[i],
		      "mutual-aid balance of %s %s != opening - payments", m->psn_no, fen(a, m->balc));
	}
	CHECK(mul == s->acct_mulaid_pay, "mutual-aid payments %s != acct_mulaid_pay %s",
	      fen(a, mul), fen(b, s->acct_mulaid_pay));
	if (s->acct_mulaid_pay > 0)
		CHECK(s->balc == 0, "mutual aid paid while the own account still holds %s (A2)", fen(a, s->balc));
	for (i = 0; i < p->n_mulaid; i++)
		for (j = i + 1; j < p->n_mulaid; j++) {
			const yb_mulaid_acct *early = &p->mulaid[p->order[i]], *late = &p->mulaid[p->order[j]];
			if (early->bind_time < late->bind_time && s->mulaid_pay[p->order[j]] > 0)
				CHECK(early->balc == 0, "%s (bound later) paid while %s (bound earlier) still holds %s (A2)",
				      late->psn_no, early->psn_no, fen(a, early->balc));
		}
	if (v->acct_used && s->psn_cash_pay > 0) {
		CHECK(s->balc == 0, "cash %s while the own account holds %s", fen(a, s->psn_cash_pay), fen(b, s->balc));
		for (i = 0; i < p->n_mulaid; i++)
			CHECK(p->mulaid[i].balc == 0, "cash %s while %s holds %s", fen(a, s->psn_cash_pay),
			      p->mulaid[i].psn_no, fen(b, p->mulaid[i].balc));
	}
}

/* A new calendar year starts every accumulator at zero. */
static void new_year(person *p, int year, const yb_policy *pol)
{
	int k;

	if (p->year && year != p->year) {
		for (k = 0; k < pol->n_buckets; k++)
			CHECK(p->acc[k] == p->acc_open[k] + p->delta_sum[k], "year end: %s", pol->bucket[k]);
		memset(p->acc, 0, sizeof(p->acc));
		memset(p->acc_open, 0, sizeof(p->acc_open));
		memset(p->delta_sum, 0, sizeof(p->delta_sum));
		memset(p->paid_sum, 0, sizeof(p->paid_sum));
	}
	p->year = year;
}

/* ------------------------------------------------------------------ main */

static int load_policy(yb_policy **pol, const char *argv0)
{
	char path[4200];
	const char *env = getenv("YIBAO_POLICY_DIR");
	const char *slash = strrchr(argv0, '/');

	if (env)
		snprintf(path, sizeof(path), "%s/340600.json", env);
	else if (access("policies/340600.json", R_OK) == 0 || !slash)
		snprintf(path, sizeof(path), "policies/340600.json");
	else
		snprintf(path, sizeof(path), "%.*s/../../policies/340600.json", (int)(slash - argv0), argv0);
	if (yb_policy_load(pol, path, NULL) < 0) {
		fprintf(stderr, "property: %s: %s\n", path, yb_error_msg());
		return -1;
	}
	return 0;
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "property: %s: not a number: %s\n", what, s);
		exit(2);
	}
	return (uint64_t)v;
}

int main(int argc, char **argv)
{
	long want = argc > 1 ? (long)parse_u64(argv[1], "VISITS") : 100000;
	yb_policy *pol = NULL;
	person p;
	yb_feeline lines[MAX_LINES];
	yb_line_result results[MAX_LINES];
	yb_settlement s;
	yb_visit v;
	char mdtrt_id[32];
	struct timespec t0, t1;
	long visits = 0, persons = 0, paid_visits = 0;

	at.seed = argc > 2 ? parse_u64(argv[2], "SEED") : DEFAULT_SEED;
	rng_state = at.seed ? at.seed : DEFAULT_SEED; /* xorshift must not start at 0 */
	if (load_policy(&pol, argv[0]) < 0)
		return 2;
	bucket_caps(pol);
	printf("property: seed %llu, %ld visits wanted\n", (unsigned long long)at.seed, want);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (visits < want) {
		long n = range(20, 50), i;
		yb_date day = yb_date_from_ymd(2023, 9, 1) + (yb_date)range(0, 670);

		at.person = persons;
		new_person(&p, pol, persons++);
		for (i = 0; i < n; i++, visits++) {
			day += (yb_date)range(0, 15);
			at.visit = visits;
			at.day = day;
			new_year(&p, yb_date_year(day), pol);
			new_visit(&v, lines, &p, day, mdtrt_id, sizeof(mdtrt_id), visits);
			CHECK(yb_engine_settle(&s, results, pol, &p.psn, p.acc, p.mulaid,
					       p.n_mulaid, &v) == 0,
			      "yb_engine_settle failed: %s", yb_error_msg());
			check_lines(&s, results, &v);
			check_amounts(&s);
			check_benefit(&p, &s, pol);
			check_accounts(&p, &s, &v);
			paid_visits += s.hifp_pay > 0;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("property: %ld visits of %ld persons checked (%ld paid by a fund) in %.2f s, seed %llu\n",
	       visits, persons, paid_visits,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)at.seed);
	yb_policy_free(pol);
	return 0;
}
