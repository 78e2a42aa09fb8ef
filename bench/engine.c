/* bench/engine: settlements per second of the engine alone, on one core.
 *
 *   build/bench/engine [--visits N] [--seed S] [--persons P] [--runs R]
 *                      [--policy FILE]
 *
 * Loads a policy and its catalogue, generates N outpatient visits in memory
 * (persons 310/390, in service/retired/residents, own accounts and 0-3
 * mutual-aid accounts, some remote-care registrations; 5-20 fee lines a
 * visit drawn from the catalogue plus some unknown codes; med_type 11, 13,
 * 14, 41 at institutions of every level and at pharmacies, and 10 % stays
 * (21, 28) that reach critical illness and assistance), then settles
 * them all in order, carrying each person's accumulators (yb_engine_apply)
 * and account balances from visit to visit, as one year.
 *
 * Before timing, one untimed pass settles every visit and checks every
 * settlement with yb_settlement_check, and digests the amounts and the
 * setl_proc_info texts. Each timed run (pinned to CPU 0, CLOCK_MONOTONIC,
 * best of R) must reproduce the pass's amount digest, so the figure is of
 * correct work. The text digest changes only if the engine's amounts or
 * explanations change: compare it before and after touching the engine.
 *
 * Exit status: 0, or 1 when a settlement fails or a run disagrees. The
 * target (>= 1,000,000 fee lines/s on one core) is reported, not enforced. */
#define _GNU_SOURCE
#include <sched.h>

#include "yibao/engine.h"
#include "yibao/error.h"
#include "yibao/policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TARGET_LINES_PER_S 1000000.0
#define MIN_LINES 5
#define MAX_LINES 20
#define MAX_BENCH_MULAID 3

/* ---------------------------------------------------------------- random */

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int64_t rnd_in(int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

static int chance(int percent)
{
	return (int)(rnd() % 100) < percent;
}

/* ---------------------------------------------------------- the workload */

typedef struct institution {
	char code[16];
	int type, lv, prim;
	char admdvs[7];
} institution;

typedef struct bench_person {
	yb_person psn;
	char psn_no[24];
	yb_remote_reg remote;
	yb_identity idet;
	size_t mulaid_off, n_mulaid;
} bench_person;

typedef struct workload {
	const yb_policy *pol;
	bench_person *persons;
	size_t n_persons;
	yb_mulaid_acct *mulaid;          /* all persons' bound accounts */
	char (*mulaid_no)[24];
	size_t n_mulaid;
	yb_money *acc0;                  /* initial accumulators, n_persons x nb */
	yb_money *bal0;                  /* initial own balances */
	yb_money *mbal0;                 /* initial mutual-aid balances */
	institution *inst;
	size_t n_inst;
	yb_visit *visits;
	uint32_t *visit_psn;
	size_t n_visits;
	yb_feeline *lines;
	size_t n_lines, n_unknown;
	/* state carried through a run */
	yb_money *acc;
	int nb;
} workload;

/* Admdvs inside Huaibei (340600) and elsewhere. */
static const char *const home_admdvs[] = {"340602", "340603", "340604", "340621", "340600"};
static const char *const away_admdvs[] = {"320102", "110105", "340102", "330106"};

/* Diagnoses: on the chronic lists, and not. */
static const char *const chronic_dise[] = {
	"I10.x00", "E11.900", "E10.900", "C34.900", "N18.500", "Z94.000",
	"I50.900", "J44.900", "F20.900", "G40.900", "K74.600", "D66.x00",
	"J84.100", "G12.200"};
static const char *const other_dise[] = {
	"J06.900", "K29.700", "M54.500", "R51.x00", "J20.900", "L30.900"};
static const char *const unknown_codes[] = {
	"XZ99ZZZ999Z999999999999", "999999999", "C99999999999", "T009999999"};
static const char *const sn[MAX_LINES] = {
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
	"11", "12", "13", "14", "15", "16", "17", "18", "19", "20"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "bench/engine: out of memory\n");
		exit(2);
	}
	return p;
}

static void gen_institutions(workload *w)
{
	size_t i;

	w->n_inst = 64;
	w->inst = xcalloc(w->n_inst, sizeof(*w->inst));
	for (i = 0; i < w->n_inst; i++) {
		institution *in = &w->inst[i];
		/* 16 pharmacies, then institutions of levels 0-3; a few of
		 * each are outside the city */
		in->type = i < 16 ? 2 : 1;
		in->lv = in->type == 2 ? 0 : (int)(i % 4);
		in->prim = in->type == 1 && in->lv <= 1 && (i % 8) < 6;
		snprintf(in->code, sizeof(in->code), "%c%02d%09zu", in->type == 2 ? 'P' : 'H',
			 in->lv, 340600000 + i);
		memcpy(in->admdvs, i % 11 == 3 ? away_admdvs[i % N_OF(away_admdvs)]
					       : home_admdvs[i % N_OF(home_admdvs)], 7);
	}
}

static void gen_persons(workload *w, size_t n)
{
	const yb_policy *pol = w->pol;
	int b_oe_dedc = yb_policy_bucket(pol, "oe_dedc");
	int b_oe_hifp = yb_policy_bucket(pol, "oe_hifp");
	int b_or_hifp = yb_policy_bucket(pol, "or_hifp");
	int b_cd_hifp = yb_policy_bucket(pol, "cd_hifp");
	size_t i, k;

	w->n_persons = n;
	w->persons = xcalloc(n, sizeof(*w->persons));
	w->mulaid = xcalloc(n * MAX_BENCH_MULAID, sizeof(*w->mulaid));
	w->mulaid_no = xcalloc(n * MAX_BENCH_MULAID, sizeof(*w->mulaid_no));
	w->acc0 = xcalloc(n * (size_t)w->nb, sizeof(yb_money));
	w->acc = xcalloc(n * (size_t)w->nb, sizeof(yb_money));
	w->bal0 = xcalloc(n, sizeof(yb_money));
	for (i = 0; i < n; i++) {
		bench_person *bp = &w->persons[i];
		yb_person *p = &bp->psn;
		yb_money *acc = &w->acc0[i * (size_t)w->nb];
		int employee = chance(60), m;

		snprintf(bp->psn_no, sizeof(bp->psn_no), "34060000000%010zu", i);
		p->psn_no = bp->psn_no;
		p->insutype = employee ? 310 : 390;
		if (employee) {
			int retired = chance(35);
			/* a few employees of a category the policy does not rate */
			snprintf(p->psn_type, sizeof(p->psn_type), "%s",
				 chance(2) ? "1901" : retired ? (chance(50) ? "1201" : "1301") : "1101");
			p->brdy = retired ? yb_date_from_ymd((int)rnd_in(1935, 1964), (int)rnd_in(1, 12), (int)rnd_in(1, 28))
					  : yb_date_from_ymd((int)rnd_in(1965, 2003), (int)rnd_in(1, 12), (int)rnd_in(1, 28));
			p->acct_balc = chance(10) ? 0 : rnd_in(0, 600000);
		} else {
			int child = chance(30);
			snprintf(p->psn_type, sizeof(p->psn_type), "%s", child ? "1401" : "1501");
			p->brdy = child ? yb_date_from_ymd((int)rnd_in(2006, 2023), (int)rnd_in(1, 12), (int)rnd_in(1, 28))
					: yb_date_from_ymd((int)rnd_in(1930, 2005), (int)rnd_in(1, 12), (int)rnd_in(1, 28));
			p->acct_balc = 0;
		}
		p->gend = chance(50) ? '1' : '2';
		memcpy(p->insu_admdvs, "340600", 7);
		if (chance(5) && w->pol->n_remote_types > 0) {
			bp->remote.type = (int)rnd_in(0, w->pol->n_remote_types - 1);
			memcpy(bp->remote.admdvs, away_admdvs[rnd() % N_OF(away_admdvs)], 7);
			bp->remote.begndate = yb_date_from_ymd(2023, 1, 1);
			bp->remote.enddate = YB_DATE_MAX;
			p->remote = &bp->remote;
			p->n_remote = 1;
		}
		/* some residents hold an assisted identity (medical assistance) */
		if (p->insutype == 390 && chance(8) && w->pol->n_identities > 0) {
			bp->idet.type = (int)rnd_in(0, w->pol->n_identities - 1);
			bp->idet.begndate = yb_date_from_ymd(2023, 1, 1);
			bp->idet.enddate = YB_DATE_MAX;
			p->idet = &bp->idet;
			p->n_idet = 1;
		}
		w->bal0[i] = p->acct_balc;
		/* 0-3 mutual-aid accounts: half none, then fewer the more */
		m = chance(50) ? 0 : chance(50) ? 1 : chance(60) ? 2 : 3;
		bp->mulaid_off = w->n_mulaid;
		bp->n_mulaid = (size_t)m;
		for (k = 0; k < (size_t)m; k++) {
			yb_mulaid_acct *a = &w->mulaid[w->n_mulaid];
			snprintf(w->mulaid_no[w->n_mulaid], 24, "34060000001%010zu", i * MAX_BENCH_MULAID + k);
			a->psn_no = w->mulaid_no[w->n_mulaid];
			a->balc = chance(15) ? 0 : rnd_in(100, 300000);
			a->bind_time = (yb_datetime)yb_date_from_ymd(2023, (int)rnd_in(1, 12), (int)rnd_in(1, 28)) * 86400 +
				       rnd_in(0, 86399);
			w->n_mulaid++;
		}
		/* a fifth start the year part-way through their deductible and
		 * limits (earlier visits of the year) */
		if (chance(20)) {
			if (b_oe_dedc >= 0)
				acc[b_oe_dedc] = rnd_in(0, 40000);
			if (b_oe_hifp >= 0)
				acc[b_oe_hifp] = rnd_in(0, 300000);
			if (b_or_hifp >= 0)
				acc[b_or_hifp] = rnd_in(0, 15000);
			if (b_cd_hifp >= 0)
				acc[b_cd_hifp] = rnd_in(0, 2000000);
		}
	}
	w->mbal0 = xcalloc(w->n_mulaid, sizeof(yb_money));
	for (k = 0; k < w->n_mulaid; k++)
		w->mbal0[k] = w->mulaid[k].balc;
}

/* One fee line: a catalogue item (or an unknown code) at a price near its
 * cap, sometimes above it, in whole or half units. */
static void gen_line(workload *w, yb_feeline *l, const yb_catalogue *cat, yb_date day, size_t idx)
{
	size_t n_cat = yb_catalogue_count(cat);
	const yb_cat_item *it;
	int ovf = 0;

	memset(l, 0, sizeof(*l));
	l->feedetl_sn = sn[idx];
	if (chance(3) || n_cat == 0) {
		l->med_list_codg = unknown_codes[rnd() % N_OF(unknown_codes)];
	} else {
		l->med_list_codg = yb_catalogue_at(cat, rnd() % n_cat)->med_list_codg;
	}
	/* resolve as calc and the ledger do: the item valid on the day */
	it = yb_catalogue_find(cat, l->med_list_codg, day);
	l->known = it != NULL;
	l->chrgitm_lv = it ? it->chrgitm_lv : YB_CLASS_C;
	l->selfpay_bp = it ? it->selfpay_bp : 0;
	l->pric_uplmt = it ? it->pric_uplmt : -1;
	l->flags = it ? it->flags : 0;
	if (!it)
		w->n_unknown++;

	/* price scale 6, count scale 4 */
	if (l->pric_uplmt > 0 && l->pric_uplmt < 10000 * 1000000ll) {
		l->pric = l->pric_uplmt / 100 * rnd_in(50, 115); /* a sixth above the cap */
		l->cnt = rnd_in(1, 3) * 10000;
	} else {
		l->pric = rnd_in(50, 8000) * 10000;              /* 0.50 - 80.00 */
		l->cnt = chance(20) ? 5000 : rnd_in(1, 4) * 10000;
	}
	l->sumamt = yb_muldiv_round(l->pric, l->cnt, 100000000, &ovf);
}

static void gen_visits(workload *w, size_t n, const yb_catalogue *cat)
{
	yb_datetime start = (yb_datetime)yb_date_from_ymd(2024, 1, 2) * 86400;
	yb_datetime span = (yb_datetime)360 * 86400;
	size_t i, k, cap = n * MAX_LINES;

	w->n_visits = n;
	w->visits = xcalloc(n, sizeof(*w->visits));
	w->visit_psn = xcalloc(n, sizeof(*w->visit_psn));
	w->lines = xcalloc(cap, sizeof(*w->lines));
	for (i = 0; i < n; i++) {
		yb_visit *v = &w->visits[i];
		uint32_t p = (uint32_t)(rnd() % w->n_persons);
		const bench_person *bp = &w->persons[p];
		const institution *in;
		int mt = (int)rnd_in(0, 99);
		size_t nl = (size_t)rnd_in(MIN_LINES, MAX_LINES);
		yb_date day;

		w->visit_psn[i] = p;
		/* an outpatient mix with inpatient stays (21) and day surgery (28) */
		v->med_type = mt < 50 ? 11 : mt < 58 ? 13 : mt < 76 ? 14 : mt < 90 ? 41 : mt < 98 ? 21 : 28;
		/* 41 (pharmacy purchase) at a pharmacy; others at institutions */
		in = v->med_type == 41 ? &w->inst[rnd() % 16] : &w->inst[16 + rnd() % (w->n_inst - 16)];
		/* people registered elsewhere are often treated there */
		if (bp->psn.n_remote && chance(60) && v->med_type != 41)
			in = &w->inst[16 + 3];
		v->fixmedins_code = in->code;
		v->fixmedins_type = in->type;
		v->hosp_lv = in->lv;
		v->prim_flag = in->prim;
		memcpy(v->admdvs, in->admdvs, 7);
		if (bp->psn.n_remote && in == &w->inst[16 + 3])
			memcpy(v->admdvs, bp->remote.admdvs, 7);
		v->mdtrt_id = "";
		/* in order through the year, so accumulators grow as in life */
		v->begntime = start + (yb_datetime)((double)span * (double)i / (double)n) + rnd_in(0, 3599);
		v->acct_used = chance(85);
		v->dise_codg = v->med_type == 14 && chance(85) ? chronic_dise[rnd() % N_OF(chronic_dise)]
							       : other_dise[rnd() % N_OF(other_dise)];
		day = yb_datetime_date(v->begntime);
		v->lines = &w->lines[w->n_lines];
		v->n_lines = nl;
		for (k = 0; k < nl; k++)
			gen_line(w, &w->lines[w->n_lines + k], cat, day, k);
		w->n_lines += nl;
	}
}

static void workload_free(workload *w)
{
	free(w->inst);
	free(w->persons);
	free(w->mulaid);
	free(w->mulaid_no);
	free(w->acc0);
	free(w->acc);
	free(w->bal0);
	free(w->mbal0);
	free(w->visits);
	free(w->visit_psn);
	free(w->lines);
}

/* Puts every person's accumulators and balances back to the start. */
static void reset(workload *w)
{
	size_t i;

	memcpy(w->acc, w->acc0, w->n_persons * (size_t)w->nb * sizeof(yb_money));
	for (i = 0; i < w->n_persons; i++)
		w->persons[i].psn.acct_balc = w->bal0[i];
	for (i = 0; i < w->n_mulaid; i++)
		w->mulaid[i].balc = w->mbal0[i];
}

/* ----------------------------------------------------------------- runs */

typedef struct run_result {
	uint64_t digest;     /* of the amounts, order-sensitive */
	size_t errors;       /* yb_engine_settle returned < 0 */
} run_result;

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* Settles every visit in order, carrying accumulators and balances. The
 * untimed pass (stats != NULL) also checks each settlement and digests the
 * texts. Kept apart from the timed loop so that loop does only what a
 * caller of the engine must do. */
typedef struct check_stats {
	size_t failures;
	uint64_t text_digest;
	size_t with_benefit /* ratio > 0 */, with_fund_pay, with_acct, with_mulaid;
	size_t rule_lines[5]; /* CL1, CL2, CL3, OE5, other */
	yb_money medfee, fund, acct, cash;
	char first_failure[256];
} check_stats;

static void settle_all(workload *w, run_result *rr, check_stats *st)
{
	static yb_settlement s;
	static yb_line_result res[MAX_LINES];
	uint64_t h = 0;
	size_t i, k, errors = 0;

	for (i = 0; i < w->n_visits; i++) {
		const yb_visit *v = &w->visits[i];
		bench_person *bp = &w->persons[w->visit_psn[i]];
		yb_money *acc = &w->acc[(size_t)w->visit_psn[i] * (size_t)w->nb];
		yb_mulaid_acct *m = &w->mulaid[bp->mulaid_off];

		if (yb_engine_settle(&s, res, w->pol, &bp->psn, acc, m, bp->n_mulaid, v) < 0) {
			errors++;
			continue;
		}
		yb_engine_apply(acc, &s, w->nb);
		bp->psn.acct_balc = s.balc;
		for (k = 0; k < bp->n_mulaid; k++)
			m[k].balc -= s.mulaid_pay[k];
		h = mix(h, (uint64_t)(s.fund_pay_sumamt ^ (s.acct_pay << 21) ^ (s.psn_cash_pay << 42)));
		if (!st)
			continue;

		if (yb_settlement_check(&s) < 0 && st->failures++ == 0)
			snprintf(st->first_failure, sizeof(st->first_failure), "visit %zu: %s", i, yb_error_msg());
		st->text_digest = fnv(st->text_digest, s.setl_proc_info);
		for (k = 0; k < (size_t)s.n_funds; k++)
			st->text_digest = fnv(st->text_digest, s.funds[k].setl_proc_info);
		for (k = 0; k < v->n_lines; k++) {
			const char *r = res[k].rule;
			int slot = !r ? -1 : !strcmp(r, "CL1") ? 0 : !strcmp(r, "CL2") ? 1 :
				   !strcmp(r, "CL3") ? 2 : !strcmp(r, "OE5") ? 3 : 4;
			if (slot >= 0)
				st->rule_lines[slot]++;
		}
		st->with_benefit += s.benefit && s.benefit->ratio_bp > 0;
		st->with_fund_pay += s.fund_pay_sumamt > 0;
		st->with_acct += s.acct_pay > 0;
		st->with_mulaid += s.acct_mulaid_pay > 0;
		st->medfee += s.medfee_sumamt;
		st->fund += s.fund_pay_sumamt;
		st->acct += s.acct_pay;
		st->cash += s.psn_cash_pay;
	}
	rr->digest = h;
	rr->errors = errors;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------- machine */

static void cpu_model(char *out, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, n, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Processor", 9) ||
			      !strncmp(line, "cpu model", 9))) {
			char *s = colon + 1;
			size_t len;
			while (*s == ' ' || *s == '\t')
				s++;
			len = strcspn(s, "\n");
			snprintf(out, n, "%.*s", (int)len, s);
			break;
		}
	}
	fclose(f);
}

static const char *opt_level(void)
{
#if defined(__OPTIMIZE_SIZE__)
	return "optimised for size";
#elif defined(__OPTIMIZE__)
	return "optimised";
#else
	return "NOT optimised (-O0): figures are not representative";
#endif
}

static const char *sanitizers(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return ", AddressSanitizer (figures are not representative)";
#else
	return "";
#endif
}

/* The binary cannot see its own command line; a build that wants the
 * flags printed passes them: make CFLAGS='-DYB_CFLAGS="\"-O3\""'. */
static const char *build_flags(void)
{
#ifdef YB_CFLAGS
	return YB_CFLAGS;
#else
	return "not recorded (Makefile default OPT = -O2 -g)";
#endif
}

/* 1234567 -> "1,234,567" */
static const char *grouped(char *buf, double v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%.0f", v), i, o = 0;

	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

static const char *yuan(char *buf, yb_money v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%s", grouped(buf, (double)(v / 100)));
	snprintf(buf, 40, "%s.%02d", tmp, (int)(v % 100));
	return buf;
}

/* ----------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: engine [--visits N] [--seed S] [--persons P] [--runs R] [--policy FILE]\n");
	exit(2);
}

static unsigned long long num_arg(int argc, char **argv, int *i)
{
	char *end;
	unsigned long long v;

	if (*i + 1 >= argc)
		usage();
	v = strtoull(argv[++*i], &end, 10);
	if (*end || end == argv[*i])
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *policy_path = "policies/340600.json";
	unsigned long long n_visits = 200000, seed = 1, n_persons = 0, runs = 3;
	yb_policy *pol = NULL;
	yb_catalogue *cat = NULL;
	yb_diag diag = {0};
	workload w;
	check_stats st;
	run_result rr0, rr;
	char cpu[256], b1[48], b2[48], b3[48], b4[48];
	double best = 0, t;
	unsigned long long r;
	int pinned = 0, bad = 0, i;
	cpu_set_t set;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--visits"))
			n_visits = num_arg(argc, argv, &i);
		else if (!strcmp(argv[i], "--seed"))
			seed = num_arg(argc, argv, &i);
		else if (!strcmp(argv[i], "--persons"))
			n_persons = num_arg(argc, argv, &i);
		else if (!strcmp(argv[i], "--runs"))
			runs = num_arg(argc, argv, &i);
		else if (!strcmp(argv[i], "--policy") && i + 1 < argc)
			policy_path = argv[++i];
		else
			usage();
	}
	if (n_visits == 0 || n_visits > 100000000 || runs == 0)
		usage();
	if (n_persons == 0)
		n_persons = n_visits / 6 ? n_visits / 6 : 1; /* about six visits a year each */

	if (yb_policy_load(&pol, policy_path, &diag) < 0) {
		fprintf(stderr, "bench/engine: %s\n", diag.text ? diag.text : yb_error_msg());
		return 2;
	}
	if (!pol->catalogue_path[0] || yb_catalogue_load(&cat, pol->catalogue_path, &diag) < 0) {
		fprintf(stderr, "bench/engine: catalogue: %s\n",
			diag.text ? diag.text : pol->catalogue_path[0] ? yb_error_msg() : "the policy names none");
		return 2;
	}
	yb_diag_free(&diag);

	/* pin first, so the data is first touched on the core that uses it */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pinned = sched_setaffinity(0, sizeof(set), &set) == 0;

	memset(&w, 0, sizeof(w));
	w.pol = pol;
	w.nb = pol->n_buckets;
	rng_state = seed;
	gen_institutions(&w);
	gen_persons(&w, (size_t)n_persons);
	gen_visits(&w, (size_t)n_visits, cat);

	/* the untimed, checked pass */
	memset(&st, 0, sizeof(st));
	st.text_digest = 0xcbf29ce484222325ull;
	reset(&w);
	settle_all(&w, &rr0, &st);

	cpu_model(cpu, sizeof(cpu));
	printf("yibao bench/engine\n");
	printf("machine   : %s, %ld cores online; %s\n", cpu, sysconf(_SC_NPROCESSORS_ONLN),
	       pinned ? "pinned to CPU 0" : "NOT pinned (sched_setaffinity failed)");
#ifdef __VERSION__
	printf("compiler  : %s %s, %s%s; flags %s\n",
#ifdef __clang__
	       "clang",
#else
	       "gcc",
#endif
	       __VERSION__, opt_level(), sanitizers(), build_flags());
#endif
	printf("policy    : %s (%s@%s), catalogue %zu items\n", policy_path, pol->admdvs,
	       pol->version, yb_catalogue_count(cat));
	printf("workload  : %zu visits, %zu fee lines (%.2f a visit, %.1f%% unknown codes), "
	       "%zu persons, %zu mutual-aid accounts, seed %llu\n",
	       w.n_visits, w.n_lines, (double)w.n_lines / (double)w.n_visits,
	       100.0 * (double)w.n_unknown / (double)w.n_lines, w.n_persons, w.n_mulaid, seed);
	printf("mix       : covered row %.1f%%, fund pays %.1f%%, account pays %.1f%%, mutual aid %.1f%% "
	       "of visits; lines CL1 %zu, CL2 %zu, CL3 %zu, OE5 %zu\n",
	       100.0 * (double)st.with_benefit / (double)w.n_visits,
	       100.0 * (double)st.with_fund_pay / (double)w.n_visits,
	       100.0 * (double)st.with_acct / (double)w.n_visits,
	       100.0 * (double)st.with_mulaid / (double)w.n_visits,
	       st.rule_lines[0], st.rule_lines[1], st.rule_lines[2], st.rule_lines[3]);
	printf("amounts   : medfee %s, fund %s, account %s, cash %s yuan\n",
	       yuan(b1, st.medfee), yuan(b2, st.fund), yuan(b3, st.acct), yuan(b4, st.cash));
	printf("checked   : %zu settlements, %zu engine errors, %zu failing yb_settlement_check; "
	       "text digest %016" PRIx64 "\n",
	       w.n_visits - rr0.errors, rr0.errors, st.failures, st.text_digest);
	if (rr0.errors || st.failures) {
		if (st.failures)
			printf("            first failure: %s\n", st.first_failure);
		bad = 1;
	}

	printf("runs      :");
	for (r = 0; r < runs; r++) {
		reset(&w);
		t = now();
		settle_all(&w, &rr, NULL);
		t = now() - t;
		printf(" %.3f s", t);
		fflush(stdout);
		if (rr.digest != rr0.digest || rr.errors != rr0.errors) {
			printf(" (differs from the checked pass!)");
			bad = 1;
		}
		if (r == 0 || t < best)
			best = t;
	}
	printf("  (best of %llu)\n", runs);
	printf("visits/s  : %s on one core\n", grouped(b1, (double)w.n_visits / best));
	printf("lines/s   : %s fee lines/s on one core\n", grouped(b1, (double)w.n_lines / best));
	printf("target    : >= %s fee lines/s on one core: %s\n", grouped(b2, TARGET_LINES_PER_S),
	       (double)w.n_lines / best >= TARGET_LINES_PER_S ? "met" : "NOT met");
	if (bad)
		printf("result    : FAILED (see above)\n");

	workload_free(&w);
	yb_catalogue_free(cat);
	yb_policy_free(pol);
	return bad;
}
