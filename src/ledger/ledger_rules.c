/* Supervision in real time (issue 7, docs/rules.md "What phase B wires"):
 * the rules judge a settlement inside its unit of work, against a history
 * view read from the store (store_rules.c), and what they find is written
 * with the settlement.
 *
 * Design notes
 *  1. The judgement runs after the engine and before any write: a refuse
 *     rule fails the unit (YB_EREFUSED naming the rule: infcode -1) and the
 *     savepoint takes back nothing since nothing was written.
 *  2. After the settlement row: its days of care and fingerprint, the lines
 *     of items a rule counts, each coded line, and the findings (warn
 *     rules), all in the same unit, so a settlement and its history stand
 *     or fall together. A cancel deletes the lines from the history
 *     (yb_tx_unsettle_rules); its findings stay as a record.
 *  3. A line's codes (drug_trac_codg then drugtracinfo[]) come as an
 *     array from the upload or the request: a line with several is judged
 *     as one line per code, its cnt and amount split evenly (the rest on
 *     the first), as the file set exports it.
 *  4. Without a ruleset (none found, or `--rules none`) nothing is judged
 *     or recorded: the settlement path is as before. */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------ the store's history */

typedef struct store_hist {
	yb_store_tx *tx;
	yb_setl_past_rec *rec;
	yb_rl_past *past;
	size_t n, cap;
	yb_trac_code_rec code;
	char first_setl[YB_ID_MAX], first_fix[YB_ID_MAX], split_fix[YB_ID_MAX];
	yb_rl_trac *t;
	int err;
} store_hist;

static int add_past(const yb_setl_past_rec *r, void *arg)
{
	store_hist *h = arg;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		yb_setl_past_rec *p = realloc(h->rec, cap * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		h->rec = p;
		if (!(h->past = realloc(h->past, cap * sizeof(*h->past))))
			return yb_error_set(YB_ENOMEM, "out of memory");
		h->cap = cap;
	}
	h->rec[h->n++] = *r;
	return 0;
}

static int hist_settlements(void *ctx, const char *psn_no, yb_date from, yb_date to,
			    const yb_rl_past **out, size_t *n)
{
	store_hist *h = ctx;
	size_t i;
	int rc;

	h->n = 0;
	if ((rc = yb_tx_each_setl_past(h->tx, psn_no, from, to, add_past, h)) < 0)
		return rc;
	for (i = 0; i < h->n; i++) {
		yb_rl_past *p = &h->past[i];
		const yb_setl_past_rec *r = &h->rec[i];
		p->setl_id = r->setl_id;
		p->mdtrt_id = r->mdtrt_id;
		p->fixmedins_code = r->fixmedins_code;
		p->med_type = r->med_type;
		p->begn = r->begn;
		p->end = r->end;
		p->fingerprint = r->fingerprint;
		p->medfee_sumamt = r->medfee_sumamt;
	}
	*out = h->past;
	*n = h->n;
	return 0;
}

static int hist_item_cnt(void *ctx, const char *psn_no, const char *codg, yb_date from, yb_date to,
			 int64_t *cnt)
{
	store_hist *h = ctx;
	return yb_tx_item_cnt(h->tx, psn_no, codg, from, to, cnt);
}

/* yb_rl_trac_update's fold, with the strings copied into h */
static int fold_trac(const yb_trac_line_rec *r, void *arg)
{
	store_hist *h = arg;
	yb_rl_trac *t = h->t;

	if (t->n_settled == 0) {
		snprintf(h->first_setl, sizeof(h->first_setl), "%s", r->setl_id);
		snprintf(h->first_fix, sizeof(h->first_fix), "%s", r->fixmedins_code);
		t->first_setl_id = h->first_setl;
		t->first_fixmedins_code = h->first_fix;
		t->first_date = r->day;
		if (r->trdn_flag == 1) {
			snprintf(h->split_fix, sizeof(h->split_fix), "%s", r->fixmedins_code);
			t->split_fixmedins = h->split_fix;
			t->split_cnt = r->cnt;
		}
	} else if (t->split_fixmedins) {
		if (r->trdn_flag != 1 || strcmp(t->split_fixmedins, r->fixmedins_code))
			t->split_fixmedins = NULL;
		else
			t->split_cnt += r->cnt;
	}
	t->n_settled++;
	return 0;
}

static int hist_trac(void *ctx, const char *code, const char *fixmedins_code, yb_rl_trac *out)
{
	store_hist *h = ctx;
	int rc;

	(void)fixmedins_code;
	memset(out, 0, sizeof(*out));
	rc = yb_tx_get_trac_code(h->tx, code, &h->code);
	if (rc == 0) {
		out->med_list_codg = h->code.med_list_codg;
		out->pack_qty = h->code.pack_qty;
	} else if (rc != YB_ENOTFOUND) {
		return rc;
	}
	h->t = out;
	return yb_tx_each_setl_trac(h->tx, code, fold_trac, h);
}

/* ------------------------------------------------------- the lines */

int ledger_rules_lines(ledger_rules *lr, const yb_rl_line *src, const yb_trac_codes *codes, size_t n)
{
	size_t i, total = 0, k;

	for (i = 0; i < n; i++)
		total += codes && codes[i].n > 1 ? codes[i].n : 1;
	lr->lines = malloc((total ? total : 1) * sizeof(*lr->lines));
	lr->n_lines = 0;
	if (!lr->lines)
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		size_t m = codes ? codes[i].n : 0;
		if (m <= 1) {
			lr->lines[lr->n_lines] = src[i];
			lr->lines[lr->n_lines++].drug_trac_codg = m ? codes[i].v[0] : NULL;
			continue;
		}
		for (k = 0; k < m; k++) {
			yb_rl_line *ln = &lr->lines[lr->n_lines++];
			*ln = src[i];
			ln->drug_trac_codg = codes[i].v[k];
			ln->cnt = src[i].cnt / (int64_t)m + (k == 0 ? src[i].cnt % (int64_t)m : 0);
			ln->sumamt = src[i].sumamt / (int64_t)m + (k == 0 ? src[i].sumamt % (int64_t)m : 0);
		}
	}
	return 0;
}

int ledger_rules_input(ledger_rules *lr, const char *setl_id, const yb_fixmedins_rec *fix,
		       const yb_psn_rec *p, const yb_visit *v, const yb_settlement *s,
		       ledger_line_more more, void *arg)
{
	yb_rl_line *src = calloc(v->n_lines ? v->n_lines : 1, sizeof(*src));
	yb_trac_codes *codes = calloc(v->n_lines ? v->n_lines : 1, sizeof(*codes));
	size_t i;
	int rc;

	if (!src || !codes) {
		free(src);
		free(codes);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	for (i = 0; i < v->n_lines; i++) {
		src[i].feedetl_sn = v->lines[i].feedetl_sn;
		src[i].med_list_codg = v->lines[i].med_list_codg;
		src[i].cnt = v->lines[i].cnt;
		src[i].sumamt = v->lines[i].sumamt;
		if (more)
			more(&src[i], &codes[i], arg);
	}
	rc = ledger_rules_lines(lr, src, codes, v->n_lines);
	free(src);
	free(codes);
	if (rc < 0)
		return rc;
	lr->s.setl_id = setl_id;
	lr->s.mdtrt_id = v->mdtrt_id;
	lr->s.psn_no = p->psn_no;
	lr->s.fixmedins_code = fix->fixmedins_code;
	lr->s.hosp_lv = fix->hosp_lv;
	lr->s.med_type = v->med_type;
	lr->s.gend = p->gend;
	lr->s.brdy = p->brdy;
	lr->s.begntime = v->begntime;
	lr->s.endtime = v->endtime;
	lr->s.dise_codg = v->dise_codg;
	lr->s.medfee_sumamt = s->medfee_sumamt;
	lr->s.fund_pay_sumamt = s->fund_pay_sumamt;
	return 0;
}

void ledger_rules_free(ledger_rules *lr)
{
	free(lr->lines);
	free(lr->found);
	memset(lr, 0, sizeof(*lr));
}

/* ---------------------------------------------------- judge, record */

#define MAX_FINDINGS 64

int ledger_rules_judge(yb_ledger *l, yb_store_tx *tx, ledger_rules *lr, int refuse)
{
	store_hist h;
	yb_rules_history view = {NULL, hist_settlements, hist_item_cnt, hist_trac};
	size_t i;
	int rc;

	lr->n_found = 0;
	if (!l->rules)
		return 0;
	if (!lr->found && !(lr->found = malloc(MAX_FINDINGS * sizeof(*lr->found))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	memset(&h, 0, sizeof(h));
	h.tx = tx;
	view.ctx = &h;
	lr->s.lines = lr->lines;
	lr->s.n_lines = lr->n_lines;
	rc = yb_rules_judge(lr->found, MAX_FINDINGS, &lr->n_found, l->rules, &lr->s, &view, YB_RJ_ALL);
	free(h.rec);
	free(h.past);
	if (rc < 0)
		return rc;
	if (lr->n_found > MAX_FINDINGS)
		lr->n_found = MAX_FINDINGS;
	for (i = 0; refuse && i < lr->n_found; i++)
		if (lr->found[i].rule->action == YB_ACT_REFUSE)
			return yb_error_set(YB_EREFUSED, "rule %s (%s): %s", lr->found[i].rule->id,
					    lr->found[i].rule->name, lr->found[i].vola_cont);
	return 0;
}

int ledger_rules_record(yb_ledger *l, yb_store_tx *tx, ledger_rules *lr, const char *setl_id)
{
	const yb_rl_setl *s = &lr->s;
	yb_date begn = yb_datetime_date(s->begntime);
	yb_date end = s->endtime ? yb_datetime_date(s->endtime) : begn;
	yb_setl_care care;
	size_t i;
	int rc;

	if (!l->rules)
		return 0;
	care.begntime = s->begntime;
	care.begn = begn;
	care.end = end;
	care.dise_codg = s->dise_codg;
	care.fingerprint = yb_rules_fingerprint(lr->lines, lr->n_lines);
	if ((rc = yb_tx_setl_care(tx, s->psn_no, setl_id, &care)) < 0)
		return rc;
	for (i = 0; i < lr->n_lines; i++) {
		const yb_rl_line *ln = &lr->lines[i];
		yb_date day = ln->fee_ocur_time ? yb_datetime_date(ln->fee_ocur_time) : begn;
		if (yb_ruleset_tracks_item(l->rules, ln->med_list_codg) &&
		    (rc = yb_tx_put_setl_item(tx, s->psn_no, setl_id, ln->feedetl_sn, ln->med_list_codg, day,
					      ln->cnt)) < 0)
			return rc;
		if (ln->drug_trac_codg && *ln->drug_trac_codg) {
			yb_trac_line_rec t;
			snprintf(t.drug_trac_codg, sizeof(t.drug_trac_codg), "%s", ln->drug_trac_codg);
			snprintf(t.setl_id, sizeof(t.setl_id), "%s", setl_id);
			snprintf(t.feedetl_sn, sizeof(t.feedetl_sn), "%s", ln->feedetl_sn);
			snprintf(t.psn_no, sizeof(t.psn_no), "%s", s->psn_no);
			snprintf(t.fixmedins_code, sizeof(t.fixmedins_code), "%s", s->fixmedins_code);
			snprintf(t.med_list_codg, sizeof(t.med_list_codg), "%s", ln->med_list_codg);
			t.day = day;
			t.cnt = ln->cnt;
			t.trdn_flag = ln->trdn_flag;
			if ((rc = yb_tx_put_setl_trac(tx, &t)) < 0)
				return rc;
		}
	}
	for (i = 0; i < lr->n_found; i++) {
		const yb_finding *f = &lr->found[i];
		yb_finding_rec r;
		r.psn_no = s->psn_no;
		r.setl_id = setl_id;
		r.fixmedins_code = s->fixmedins_code;
		r.rule_id = f->rule->id;
		r.feedetl_sn = f->feedetl_sn;
		r.other_setl_id = f->other_setl_id;
		r.seq = (int)i + 1;
		r.sev_deg = f->rule->sev_deg;
		r.action = f->rule->action;
		r.vola_amt = f->vola_amt;
		r.fund_amt = f->fund_amt;
		r.vola_cont = f->vola_cont;
		r.vola_evid = f->vola_evid;
		if ((rc = yb_tx_put_finding(tx, &r)) < 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------- 3101/3102, 3501-3503 */

typedef struct judge_job {
	yb_ledger *l;
	ledger_rules lr;
} judge_job;

static int judge_read(yb_store_tx *tx, void *arg)
{
	judge_job *j = arg;
	return ledger_rules_judge(j->l, tx, &j->lr, 0);
}

int yb_ledger_judge(yb_ledger *l, const yb_rl_setl *s, const yb_trac_codes *codes,
		    yb_finding *out, size_t cap, size_t *n)
{
	judge_job j;
	size_t i;
	int rc;

	*n = 0;
	if (!l->rules)
		return 0;
	memset(&j, 0, sizeof(j));
	j.l = l;
	if ((rc = ledger_rules_lines(&j.lr, s->lines, codes, s->n_lines)) < 0)
		goto done;
	j.lr.s = *s;
	if ((rc = yb_store_read(l->st, judge_read, &j)) < 0)
		goto done;
	for (i = 0; i < j.lr.n_found && *n < cap; i++) {
		out[*n] = j.lr.found[i];
		/* the line's id is the caller's (lines are copied by value) */
		(*n)++;
	}
done:
	ledger_rules_free(&j.lr);
	return rc;
}

typedef struct stock_job {
	const yb_trac_code_rec *r;
	size_t n;
} stock_job;

static int stock_work(yb_store_tx *tx, void *arg)
{
	stock_job *j = arg;
	size_t i;
	int rc;

	for (i = 0; i < j->n; i++)
		if ((rc = yb_tx_put_trac_code(tx, &j->r[i])) < 0)
			return rc;
	return 0;
}

int yb_ledger_put_stock(yb_ledger *l, const yb_trac_code_rec *r, size_t n)
{
	stock_job j = {r, n};
	return yb_store_submit(l->st, n ? r[0].drug_trac_codg : "", stock_work, &j);
}

typedef struct export_job {
	FILE *f[5];
} export_job;

static int export_read(yb_store_tx *tx, void *arg)
{
	export_job *j = arg;
	return yb_tx_export_screen(tx, j->f[0], j->f[1], j->f[2], j->f[3], j->f[4]);
}

int yb_ledger_export_screen(yb_ledger *l, const char *dir)
{
	static const char *const names[5] = {"setl.csv", "fee.csv", "trac.csv", "fixmedins.csv", "city.jsonl"};
	export_job j;
	char path[4200];
	int i, rc = 0;

	memset(&j, 0, sizeof(j));
	for (i = 0; i < 5 && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!(j.f[i] = fopen(path, "w")))
			rc = yb_error_set(YB_ERROR, "%s: cannot write", path);
	}
	if (rc == 0)
		rc = yb_store_read(l->st, export_read, &j);
	for (i = 0; i < 5; i++)
		if (j.f[i] && fclose(j.f[i]) != 0 && rc == 0)
			rc = yb_error_set(YB_ERROR, "%s/%s: write failed", dir, names[i]);
	return rc;
}

/* ----------------------------------------------------- the ruleset */

int yb_ledger_set_rules(yb_ledger *l, const char *dir)
{
	yb_ruleset *rs = NULL;
	int rc;

	if (dir && *dir && strcmp(dir, "none") && (rc = yb_rules_load_dir(&rs, dir)) < 0)
		return rc;
	yb_ruleset_free(l->rules);
	l->rules = rs;
	return 0;
}

/* At open: $YIBAO_RULES_DIR ("none": no rules), else the rules folder
 * beside the policies; none found is no rules. */
int ledger_rules_open(yb_ledger *l)
{
	char dir[4300], pol[4200];
	const char *env = getenv("YIBAO_RULES_DIR");

	if (env && *env)
		return yb_ledger_set_rules(l, env);
	if (yb_policy_dir(pol, sizeof(pol)) < 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/../rules", pol);
	{
		DIR *d = opendir(dir);
		if (!d)
			return 0;
		closedir(d);
	}
	return yb_ledger_set_rules(l, dir);
}

const yb_ruleset *yb_ledger_rules(yb_ledger *l)
{
	return l->rules;
}
