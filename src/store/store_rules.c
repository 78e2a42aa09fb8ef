/* Supervision records (migration 5, issue 7, docs/rules.md "What phase B
 * wires"): the history a settlement is judged against and the findings it
 * leaves. Written once for both backends over store_impl.h's generic
 * runner (as store_enrol.c): every statement is valid SQLite and
 * PostgreSQL.
 *
 * Design notes
 *  1. Days are yb_date numbers (days since 1970), so that the windows the
 *     rules ask for are integer ranges on an index: setl(psn_no,
 *     begn_date), setl_item(psn_no, med_list_codg, fee_date), setl_trac by
 *     its code.
 *  2. A code's state (yb_rl_trac) is not kept as counters: it is folded
 *     from the code's settled lines (few: one a box, a handful for split
 *     packs) each time it is asked for. A cancel then only deletes its
 *     lines (yb_tx_unsettle_rules): nothing to reverse.
 *  3. setl_item holds only lines of items a rule counts (the caller
 *     decides, yb_ruleset_tracks_item), so the cost on the settlement path
 *     stays with the lines that need it.
 *  4. Settlements written before migration 5 have begn_date 0 and are not
 *     history. */
#include "store_impl.h"
#include "yibao/error.h"
#include "yibao/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(x) {YB_SQLV_TEXT, (x), 0}
#define I(x) {YB_SQLV_INT, NULL, (int64_t)(x)}
#define NV(v) (int)(sizeof(v) / sizeof((v)[0]))

static int64_t num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static void text(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s ? s : "");
}

int yb_tx_setl_care(yb_store_tx *tx, const char *psn_no, const char *setl_id, const yb_setl_care *c)
{
	yb_sqlv v[] = {T(psn_no), T(setl_id), I(c->begn), I(c->end), I((int64_t)c->fingerprint),
		       I(c->begntime), T(c->dise_codg ? c->dise_codg : "")};
	return yb_store_sql(tx, "UPDATE setl SET begn_date = $3, end_date = $4, fingerprint = $5,"
			    " begntime = $6, dise_codg = $7 WHERE psn_no = $1 AND setl_id = $2",
			    v, NV(v), NULL, NULL, NULL);
}

typedef struct past_arg {
	int (*fn)(const yb_setl_past_rec *, void *);
	void *arg;
} past_arg;

static int past_row(void *arg, int n, const char *const *c)
{
	past_arg *a = arg;
	yb_setl_past_rec r;

	if (n < 8)
		return yb_error_set(YB_ERROR, "setl: short row");
	text(r.setl_id, sizeof(r.setl_id), c[0]);
	text(r.mdtrt_id, sizeof(r.mdtrt_id), c[1]);
	text(r.fixmedins_code, sizeof(r.fixmedins_code), c[2]);
	r.med_type = (int)num(c[3]);
	r.begn = (yb_date)num(c[4]);
	r.end = (yb_date)num(c[5]);
	r.fingerprint = (uint64_t)num(c[6]);
	r.medfee_sumamt = num(c[7]);
	return a->fn(&r, a->arg);
}

int yb_tx_each_setl_past(yb_store_tx *tx, const char *psn_no, yb_date from, yb_date to,
			 int (*fn)(const yb_setl_past_rec *, void *), void *arg)
{
	yb_sqlv v[] = {T(psn_no), I(from), I(to)};
	past_arg a = {fn, arg};
	/* begn_date > 0: written under migration 5; the lower bound on
	 * begn_date keeps the index range short (a stay is under a year) */
	return yb_store_sql(tx, "SELECT setl_id, mdtrt_id, fixmedins_code, med_type, begn_date, end_date,"
			    " fingerprint, medfee_sumamt FROM setl WHERE psn_no = $1 AND begn_date > 0"
			    " AND begn_date <= $3 AND begn_date >= $2 - 400 AND end_date >= $2"
			    " AND cancelled = 0 AND refd_setl_id = '' ORDER BY begn_date, setl_id",
			    v, NV(v), past_row, &a, NULL);
}

int yb_tx_put_setl_item(yb_store_tx *tx, const char *psn_no, const char *setl_id,
			const char *feedetl_sn, const char *med_list_codg, yb_date day, int64_t cnt)
{
	yb_sqlv v[] = {T(psn_no), T(setl_id), T(feedetl_sn), T(med_list_codg), I(day), I(cnt)};
	return yb_store_sql(tx, "INSERT INTO setl_item(psn_no, setl_id, feedetl_sn, med_list_codg, fee_date, cnt)"
			    " VALUES($1, $2, $3, $4, $5, $6)", v, NV(v), NULL, NULL, NULL);
}

static int sum_row(void *arg, int n, const char *const *c)
{
	*(int64_t *)arg = n > 0 ? num(c[0]) : 0;
	return 0;
}

int yb_tx_item_cnt(yb_store_tx *tx, const char *psn_no, const char *med_list_codg,
		   yb_date from, yb_date to, int64_t *cnt)
{
	yb_sqlv v[] = {T(psn_no), T(med_list_codg), I(from), I(to)};
	*cnt = 0;
	return yb_store_sql(tx, "SELECT COALESCE(SUM(cnt), 0) FROM setl_item WHERE psn_no = $1"
			    " AND med_list_codg = $2 AND fee_date >= $3 AND fee_date <= $4",
			    v, NV(v), sum_row, cnt, NULL);
}

int yb_tx_put_setl_trac(yb_store_tx *tx, const yb_trac_line_rec *r)
{
	yb_sqlv v[] = {T(r->drug_trac_codg), T(r->setl_id), T(r->feedetl_sn), T(r->psn_no),
		       T(r->fixmedins_code), T(r->med_list_codg), I(r->day), I(r->cnt), I(r->trdn_flag)};
	return yb_store_sql(tx, "INSERT INTO setl_trac(drug_trac_codg, setl_id, feedetl_sn, psn_no,"
			    " fixmedins_code, med_list_codg, fee_date, cnt, trdn_flag)"
			    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)", v, NV(v), NULL, NULL, NULL);
}

typedef struct trac_arg {
	int (*fn)(const yb_trac_line_rec *, void *);
	void *arg;
} trac_arg;

static int trac_row(void *arg, int n, const char *const *c)
{
	trac_arg *a = arg;
	yb_trac_line_rec r;

	if (n < 9)
		return yb_error_set(YB_ERROR, "setl_trac: short row");
	text(r.drug_trac_codg, sizeof(r.drug_trac_codg), c[0]);
	text(r.setl_id, sizeof(r.setl_id), c[1]);
	text(r.feedetl_sn, sizeof(r.feedetl_sn), c[2]);
	text(r.psn_no, sizeof(r.psn_no), c[3]);
	text(r.fixmedins_code, sizeof(r.fixmedins_code), c[4]);
	text(r.med_list_codg, sizeof(r.med_list_codg), c[5]);
	r.day = (yb_date)num(c[6]);
	r.cnt = num(c[7]);
	r.trdn_flag = (int)num(c[8]);
	return a->fn(&r, a->arg);
}

int yb_tx_each_setl_trac(yb_store_tx *tx, const char *code,
			 int (*fn)(const yb_trac_line_rec *, void *), void *arg)
{
	yb_sqlv v[] = {T(code)};
	trac_arg a = {fn, arg};
	return yb_store_sql(tx, "SELECT drug_trac_codg, setl_id, feedetl_sn, psn_no, fixmedins_code,"
			    " med_list_codg, fee_date, cnt, trdn_flag FROM setl_trac WHERE drug_trac_codg = $1"
			    " ORDER BY fee_date, setl_id, feedetl_sn", v, NV(v), trac_row, &a, NULL);
}

int yb_tx_unsettle_rules(yb_store_tx *tx, const char *psn_no, const char *setl_id)
{
	yb_sqlv v[] = {T(psn_no), T(setl_id)};
	int rc = yb_store_sql(tx, "DELETE FROM setl_item WHERE psn_no = $1 AND setl_id = $2",
			      v, NV(v), NULL, NULL, NULL);
	if (rc < 0)
		return rc;
	return yb_store_sql(tx, "DELETE FROM setl_trac WHERE setl_id = $2 AND psn_no = $1",
			    v, NV(v), NULL, NULL, NULL);
}

int yb_tx_put_trac_code(yb_store_tx *tx, const yb_trac_code_rec *r)
{
	yb_sqlv v[] = {T(r->drug_trac_codg), T(r->med_list_codg), I(r->pack_qty), T(r->fixmedins_code),
		       I(r->purc_date), T(r->infno), I(r->rec_time)};
	return yb_store_sql(tx, "INSERT INTO trac_code(drug_trac_codg, med_list_codg, pack_qty, fixmedins_code,"
			    " purc_date, infno, rec_time) VALUES($1, $2, $3, $4, $5, $6, $7)"
			    " ON CONFLICT(drug_trac_codg) DO UPDATE SET med_list_codg = excluded.med_list_codg,"
			    " pack_qty = excluded.pack_qty, fixmedins_code = excluded.fixmedins_code,"
			    " purc_date = excluded.purc_date, infno = excluded.infno, rec_time = excluded.rec_time",
			    v, NV(v), NULL, NULL, NULL);
}

static int code_row(void *arg, int n, const char *const *c)
{
	yb_trac_code_rec *r = arg;

	if (n < 7)
		return yb_error_set(YB_ERROR, "trac_code: short row");
	text(r->drug_trac_codg, sizeof(r->drug_trac_codg), c[0]);
	text(r->med_list_codg, sizeof(r->med_list_codg), c[1]);
	r->pack_qty = num(c[2]);
	text(r->fixmedins_code, sizeof(r->fixmedins_code), c[3]);
	r->purc_date = (yb_date)num(c[4]);
	text(r->infno, sizeof(r->infno), c[5]);
	r->rec_time = num(c[6]);
	return 0;
}

int yb_tx_get_trac_code(yb_store_tx *tx, const char *code, yb_trac_code_rec *out)
{
	yb_sqlv v[] = {T(code)};
	int rc;

	out->drug_trac_codg[0] = 0;
	rc = yb_store_sql(tx, "SELECT drug_trac_codg, med_list_codg, pack_qty, fixmedins_code, purc_date,"
			  " infno, rec_time FROM trac_code WHERE drug_trac_codg = $1", v, NV(v), code_row, out, NULL);
	if (rc < 0)
		return rc;
	if (!out->drug_trac_codg[0])
		return yb_error_set(YB_ENOTFOUND, "drug_trac_codg: %s is not in stock records", code);
	return 0;
}

int yb_tx_put_finding(yb_store_tx *tx, const yb_finding_rec *r)
{
	yb_sqlv v[] = {T(r->psn_no), T(r->setl_id), I(r->seq), T(r->rule_id),
		       T(r->feedetl_sn ? r->feedetl_sn : ""), T(r->other_setl_id ? r->other_setl_id : ""),
		       I(r->vola_amt), I(r->fund_amt), I(r->sev_deg), I(r->action),
		       T(r->vola_cont ? r->vola_cont : ""), T(r->vola_evid ? r->vola_evid : "{}"),
		       T(r->fixmedins_code ? r->fixmedins_code : "")};
	return yb_store_sql(tx, "INSERT INTO setl_finding(psn_no, setl_id, seq, rule_id, feedetl_sn, other_setl_id,"
			    " vola_amt, fund_amt, sev_deg, action, vola_cont, vola_evid, fixmedins_code)"
			    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
			    v, NV(v), NULL, NULL, NULL);
}

typedef struct find_arg {
	int (*fn)(const yb_finding_rec *, void *);
	void *arg;
} find_arg;

static int finding_row(void *arg, int n, const char *const *c)
{
	find_arg *a = arg;
	yb_finding_rec r;

	if (n < 13)
		return yb_error_set(YB_ERROR, "setl_finding: short row");
	r.psn_no = c[0];
	r.setl_id = c[1];
	r.seq = (int)num(c[2]);
	r.rule_id = c[3];
	r.feedetl_sn = c[4];
	r.other_setl_id = c[5];
	r.vola_amt = num(c[6]);
	r.fund_amt = num(c[7]);
	r.sev_deg = (int)num(c[8]);
	r.action = (int)num(c[9]);
	r.vola_cont = c[10];
	r.vola_evid = c[11];
	r.fixmedins_code = c[12];
	return a->fn(&r, a->arg);
}

int yb_tx_each_finding(yb_store_tx *tx, const char *setl_id,
		       int (*fn)(const yb_finding_rec *, void *), void *arg)
{
	/* two literals: the SQLite runner caches statements by their text's address */
#define FINDING_COLS "SELECT psn_no, setl_id, seq, rule_id, feedetl_sn, other_setl_id, vola_amt," \
		     " fund_amt, sev_deg, action, vola_cont, vola_evid, fixmedins_code FROM setl_finding"
	static const char one[] = FINDING_COLS " WHERE setl_id = $1 ORDER BY setl_id, seq";
	static const char all[] = FINDING_COLS " ORDER BY setl_id, seq";
#undef FINDING_COLS
	yb_sqlv v[] = {T(setl_id)};
	find_arg a = {fn, arg};

	return yb_store_sql(tx, setl_id ? one : all, v, setl_id ? 1 : 0, finding_row, &a, NULL);
}

/* ---------------------------------------------------- yibao check */

/* Each finds rows that break an invariant of migration 5: (what, count). */
static const struct {
	const char *name, *sql;
} checks[] = {
	{"setl_trac: a code kept for a settlement that does not stand",
	 "SELECT t.setl_id, count(*) FROM setl_trac t LEFT JOIN setl s ON s.psn_no = t.psn_no"
	 " AND s.setl_id = t.setl_id WHERE s.setl_id IS NULL OR s.cancelled <> 0 GROUP BY t.setl_id"},
	{"setl_item: a line kept for a settlement that does not stand",
	 "SELECT i.setl_id, count(*) FROM setl_item i LEFT JOIN setl s ON s.psn_no = i.psn_no"
	 " AND s.setl_id = i.setl_id WHERE s.setl_id IS NULL OR s.cancelled <> 0 GROUP BY i.setl_id"},
	{"setl_finding: a finding of a settlement not on record",
	 "SELECT f.setl_id, count(*) FROM setl_finding f LEFT JOIN setl s ON s.psn_no = f.psn_no"
	 " AND s.setl_id = f.setl_id WHERE s.setl_id IS NULL GROUP BY f.setl_id"},
	{"setl: days of care that end before they begin",
	 "SELECT setl_id, end_date FROM setl WHERE begn_date > 0 AND end_date < begn_date"},
};

typedef struct check_arg {
	const char *name;
	void (*fn)(const char *, void *);
	void *arg;
} check_arg;

static int check_row(void *arg, int n, const char *const *c)
{
	check_arg *a = arg;
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: %s (%s)", a->name, n > 0 && c[0] ? c[0] : "",
		 n > 1 && c[1] ? c[1] : "");
	a->fn(msg, a->arg);
	return 0;
}

int yb_store_rules_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		check_arg a = {checks[i].name, fn, arg};
		if ((rc = yb_store_sql(tx, checks[i].sql, NULL, 0, check_row, &a, NULL)) < 0)
			return yb_error_prefix(rc, "%s", checks[i].name);
	}
	return 0;
}

/* ------------------------------------------- the store as a file set */

typedef struct export_arg {
	FILE *f, *city;
	char line[2 * YB_ID_MAX + 40]; /* the fee line last written */
	int64_t k;                     /* its codes written so far */
} export_arg;

static void put_money(FILE *f, int64_t v, int scale)
{
	int64_t div = scale == 6 ? 1000000 : scale == 4 ? 10000 : 100, a = v < 0 ? -v : v;
	fprintf(f, "%s%lld.%0*lld", v < 0 ? "-" : "", (long long)(a / div), scale, (long long)(a % div));
}

static void put_day(FILE *f, yb_date d)
{
	char b[16];
	yb_date_format(b, d);
	fputs(b, f);
}

static void put_time(FILE *f, yb_datetime t)
{
	char b[24];
	yb_datetime_format(b, t);
	fputs(b, f);
}

/* setl_id, mdtrt_id, psn_no, gend, brdy, insutype, fixmedins_code, med_type,
 * begntime, end_date, dise_codg, medfee_sumamt, fund_pay_sumamt */
static int export_setl(void *arg, int n, const char *const *c)
{
	export_arg *a = arg;
	int med_type = (int)num(c[7]);

	if (n < 13)
		return yb_error_set(YB_ERROR, "setl: short row");
	fprintf(a->f, "%s,%s,%s,%s,%s,%s,%s,%d,", c[0], c[1], c[2], c[3] ? c[3] : "", c[4] ? c[4] : "",
		c[5], c[6], med_type);
	put_time(a->f, num(c[8]));
	fputc(',', a->f);
	if (med_type >= 21 && med_type <= 28) { /* a stay: its last day */
		put_day(a->f, (yb_date)num(c[9]));
		fputs(" 23:59:59", a->f);
	}
	fprintf(a->f, ",%s,", c[10] ? c[10] : "");
	put_money(a->f, num(c[11]), 2);
	fputc(',', a->f);
	put_money(a->f, num(c[12]), 2);
	fputs(",\n", a->f);
	return ferror(a->f) ? yb_error_set(YB_ERROR, "write: setl.csv") : 0;
}

static void fee_row(FILE *f, const char *const *c, yb_datetime when, const char *code,
		    int64_t cnt, int64_t amt, int trdn)
{
	fprintf(f, "%s,%s,%s,", c[0], c[1], c[2]);
	if (when)
		put_time(f, when);
	fputc(',', f);
	put_money(f, cnt, 4);
	fputc(',', f);
	put_money(f, num(c[4]), 6);
	fputc(',', f);
	put_money(f, amt, 2);
	fprintf(f, ",%s,%d\n", code ? code : "", trdn);
}

/* setl_id, feedetl_sn, med_list_codg, cnt, pric, amount, feedetail's time,
 * codes and trdn_flag, setl_trac's code, day and cnt, setl_item's day, the
 * line's number of setl_trac rows (NULL where there is none). A line with
 * several codes comes once per setl_trac row: it is written as the rules
 * judged it, one row per code with cnt and amount split, the rest on the
 * first (ledger_rules.c). */
static int export_fee(void *arg, int n, const char *const *c)
{
	export_arg *a = arg;
	int64_t cnt = num(c[3]), amt = num(c[5]), m = 1, k;
	yb_datetime when = c[6] ? num(c[6]) : 0;
	char codes[1100], key[sizeof(a->line)], *p, *comma;
	int again;

	if (n < 14)
		return yb_error_set(YB_ERROR, "setl_fee: short row");
	snprintf(key, sizeof(key), "%s|%s", c[0], c[1]);
	again = strcmp(key, a->line) == 0;
	if (!again) {
		snprintf(a->line, sizeof(a->line), "%s", key);
		a->k = 0;
	}
	if (!when && c[10])
		when = (yb_datetime)num(c[10]) * 86400;
	if (!when && c[12])
		when = (yb_datetime)num(c[12]) * 86400;
	if (c[7] && c[7][0]) { /* codes stored with an uploaded line */
		if (again)
			return 0;
		snprintf(codes, sizeof(codes), "%s", c[7]);
		for (p = codes; *p; p++)
			m += *p == ',';
		for (p = codes, k = 0; p; p = comma ? comma + 1 : NULL, k++) {
			if ((comma = strchr(p, ',')))
				*comma = 0;
			fee_row(a->f, c, when, p, cnt / m + (k == 0 ? cnt % m : 0),
				amt / m + (k == 0 ? amt % m : 0), (int)num(c[8]));
		}
	} else if (c[9]) { /* a code the rules judged (inline lines) */
		m = c[13] ? num(c[13]) : 1;
		k = a->k++;
		fee_row(a->f, c, when, c[9], num(c[11]), amt / m + (k == 0 ? amt % m : 0), (int)num(c[8]));
	} else {
		fee_row(a->f, c, when, NULL, cnt, amt, c[8] ? (int)num(c[8]) : 0);
	}
	return ferror(a->f) ? yb_error_set(YB_ERROR, "write: fee.csv") : 0;
}

static int export_trac(void *arg, int n, const char *const *c)
{
	export_arg *a = arg;

	if (n < 5)
		return yb_error_set(YB_ERROR, "trac_code: short row");
	fprintf(a->f, "%s,%s,", c[0], c[1]);
	put_money(a->f, num(c[2]), 4);
	fprintf(a->f, ",%s,", c[3]);
	if (num(c[4]))
		put_day(a->f, (yb_date)num(c[4]));
	fputc('\n', a->f);
	return ferror(a->f) ? yb_error_set(YB_ERROR, "write: trac.csv") : 0;
}

static int export_fix(void *arg, int n, const char *const *c)
{
	export_arg *a = arg;
	const char *p;

	if (n < 4)
		return yb_error_set(YB_ERROR, "fixmedins: short row");
	fprintf(a->f, "%s,%s,%s\n", c[0], c[1], c[2]);
	/* city.jsonl: what screen reads of an institution (name, level) */
	fprintf(a->city, "{\"kind\":\"fixmedins\",\"fixmedins_code\":\"%s\",\"fixmedins_name\":\"", c[0]);
	for (p = c[3] ? c[3] : ""; *p; p++)
		if (*p == '"' || *p == '\\')
			fprintf(a->city, "\\%c", *p);
		else if ((unsigned char)*p >= 0x20)
			fputc(*p, a->city);
	fprintf(a->city, "\",\"fixmedins_type\":\"%s\",\"hosp_lv\":\"%s\"}\n", c[1], c[2]);
	return ferror(a->f) || ferror(a->city) ? yb_error_set(YB_ERROR, "write: fixmedins.csv, city.jsonl") : 0;
}

/* The standing settlements judged under migration 5, grouped by person in
 * (begntime, setl_id) order, with their lines (numeric feedetl_sn first,
 * then by text: the order they were judged in). */
#define STANDING " s.cancelled = 0 AND s.refd_setl_id = '' AND s.begn_date > 0"

int yb_tx_export_screen(yb_store_tx *tx, FILE *setl, FILE *fee, FILE *trac, FILE *fix, FILE *city)
{
	export_arg a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.f = setl;
	fputs("setl_id,mdtrt_id,psn_no,gend,brdy,insutype,fixmedins_code,med_type,begntime,endtime,"
	      "dise_codg,medfee_sumamt,fund_pay_sumamt,invono\n", setl);
	if ((rc = yb_store_sql(tx, "SELECT s.setl_id, s.mdtrt_id, s.psn_no, p.gend, p.brdy, s.insutype,"
			       " s.fixmedins_code, s.med_type, s.begntime, s.end_date, s.dise_codg,"
			       " s.medfee_sumamt, s.fund_pay_sumamt FROM setl s JOIN psn p ON p.psn_no = s.psn_no"
			       " WHERE" STANDING " ORDER BY s.psn_no, s.begntime, s.setl_id",
			       NULL, 0, export_setl, &a, NULL)) < 0)
		return rc;
	a.f = fee;
	fputs("setl_id,feedetl_sn,med_list_codg,fee_ocur_time,cnt,pric,det_item_fee_sumamt,"
	      "drug_trac_codg,trdn_flag\n", fee);
	if ((rc = yb_store_sql(tx, "SELECT f.setl_id, f.feedetl_sn, f.med_list_codg, f.cnt, f.pric,"
			       " f.det_item_fee_sumamt, d.fee_ocur_time, d.drug_trac_codg,"
			       " COALESCE(t.trdn_flag, d.trdn_flag), t.drug_trac_codg, t.fee_date, t.cnt, i.fee_date,"
			       " (SELECT count(*) FROM setl_trac t2 WHERE t2.setl_id = s.setl_id"
			       "  AND t2.feedetl_sn = f.feedetl_sn)"
			       " FROM setl s JOIN setl_fee f ON f.psn_no = s.psn_no AND f.setl_id = s.setl_id"
			       " LEFT JOIN feedetail d ON d.psn_no = s.psn_no AND d.mdtrt_id = s.mdtrt_id"
			       "  AND d.feedetl_sn = f.feedetl_sn AND d.setl_id = s.setl_id"
			       " LEFT JOIN setl_trac t ON t.setl_id = s.setl_id AND t.feedetl_sn = f.feedetl_sn"
			       "  AND t.psn_no = s.psn_no"
			       " LEFT JOIN setl_item i ON i.psn_no = s.psn_no AND i.setl_id = s.setl_id"
			       "  AND i.feedetl_sn = f.feedetl_sn"
			       " WHERE" STANDING " ORDER BY s.psn_no, s.begntime, s.setl_id, length(f.feedetl_sn),"
			       " f.feedetl_sn, t.drug_trac_codg", NULL, 0, export_fee, &a, NULL)) < 0)
		return rc;
	a.f = trac;
	fputs("drug_trac_codg,med_list_codg,pack_qty,fixmedins_code,purc_date\n", trac);
	if ((rc = yb_store_sql(tx, "SELECT drug_trac_codg, med_list_codg, pack_qty, fixmedins_code, purc_date"
			       " FROM trac_code ORDER BY drug_trac_codg", NULL, 0, export_trac, &a, NULL)) < 0)
		return rc;
	a.f = fix;
	a.city = city;
	fputs("fixmedins_code,fixmedins_type,hosp_lv\n", fix);
	return yb_store_sql(tx, "SELECT fixmedins_code, fixmedins_type, hosp_lv, fixmedins_name FROM fixmedins"
			    " ORDER BY fixmedins_code",
			    NULL, 0, export_fix, &a, NULL);
}
