/* The settlement unit: the one transaction that settles, whoever calls
 * (2206/2207 outpatient, 2303/2304 inpatient with mid-stay parts, 2207
 * with inline lines, `yibao settle`, the benches, the crash driver).
 *
 * Design notes
 *  1. One unit of work keyed by the person, run by the op runner
 *     (ledger_run: the idempotency record first, the record written in the
 *     same transaction). In order: the institution; the visit (a
 *     registered one: this institution's, not cancelled, not finally
 *     settled: IP3) and the person with the insurance of the visit's day;
 *     the person may be served (insured, not paused: OE5; no outpatient
 *     settlement while in a stay anywhere: OE5); accumulators of the
 *     visit's year and mutual-aid accounts; the lines; the engine; the
 *     supervision rules; then the writes: settlement row and children,
 *     each uploaded line's setl_id, the visit's deductible and final
 *     settlement, the rules' history and findings.
 *  2. Lines come from one of two sources. Uploaded (2204/2301): every
 *     unsettled line, or one chrg_bchno ("0000": all); a refund line is
 *     netted into the line it refunds, both in the selection; the engine
 *     sees the catalogue facts stored at upload (what 2204 answered is
 *     what is settled). Inline (the extension): the lines as sent, with
 *     the catalogue facts of the store's list of the place of care (never
 *     the client's); a registered visit settled so must have no uploaded
 *     line waiting; an unregistered mdtrt_id is a visit by its standing
 *     settlements.
 *  3. A stay settles in parts as calc does: a mid-stay part (mid_setl)
 *     passes the deductible it bore to the later parts (prior_dedc) and
 *     leaves the stay open; the final part closes it (final_setl_id). A
 *     cancel reverses this (ledger.c), latest part first.
 *  4. A pre-settlement (dry_run) runs the same in a read snapshot and
 *     writes nothing; its setl_id is null.
 *
 *   idem? ─▶ institution, visit, person ─▶ OE5 ─▶ lines ─▶ engine ─▶ rules ─▶
 *   setl + lines' setl_id + visit (dedc, final) + history + idem ─▶ group commit */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------- uploaded lines */

typedef struct sel_lines {
	yb_fee_row *v;           /* the selection */
	size_t n, cap;
	const char *batch;       /* NULL: every unsettled line */
	yb_fee_row *out;         /* unsettled lines outside the selection */
	size_t n_out, cap_out;
	yb_trac_codes *codes;    /* v[i]'s codes, owned (the row's are the store's) */
	size_t cap_codes;
} sel_lines;

static int push_row(yb_fee_row **v, size_t *n, size_t *cap, const yb_fee_row *r)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		yb_fee_row *p = realloc(*v, c * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		*v = p;
		*cap = c;
	}
	(*v)[*n] = *r;
	(*v)[*n].medins_list_codg = (*v)[*n].rxno = NULL;
	memset(&(*v)[*n].codes, 0, sizeof((*v)[*n].codes));
	(*n)++;
	return 0;
}

static int select_line(const yb_fee_row *r, void *arg)
{
	sel_lines *sl = arg;

	if (r->setl_id[0])
		return 0;
	if (sl->batch && strcmp(r->chrg_bchno, sl->batch) != 0)
		return push_row(&sl->out, &sl->n_out, &sl->cap_out, r);
	if (sl->n == sl->cap_codes) {
		size_t c = sl->cap_codes ? sl->cap_codes * 2 : 64;
		yb_trac_codes *p = realloc(sl->codes, c * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		sl->codes = p;
		sl->cap_codes = c;
	}
	if (yb_trac_codes_dup(&sl->codes[sl->n], &r->codes) < 0)
		return yb_error_set(YB_ENOMEM, "out of memory");
	return push_row(&sl->v, &sl->n, &sl->cap, r);
}

static void sel_free(sel_lines *sl)
{
	size_t i;

	for (i = 0; i < sl->n; i++)
		yb_trac_codes_free(&sl->codes[i]);
	free(sl->codes);
	free(sl->v);
	free(sl->out);
}

static const yb_fee_row *find_row(const yb_fee_row *v, size_t n, const char *sn)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(v[i].feedetl_sn, sn) == 0)
			return &v[i];
	return NULL;
}

/* Nets refunds into their lines: lines[] gets the engine's input (one per
 * line that still holds something); each refund's original must be in the
 * selection, and no unselected refund may name a selected line. */
static int net_lines(const sel_lines *sl, yb_feeline *lines, size_t *n_lines,
		     yb_money *total)
{
	size_t i, k, n = 0;

	*total = 0;
	for (i = 0; i < sl->n_out; i++) {
		const yb_fee_row *r = &sl->out[i];
		if (r->init_feedetl_sn[0] && find_row(sl->v, sl->n, r->init_feedetl_sn))
			return yb_error_set(YB_EREFUSED, "chrg_bchno: line %s is refunded by line %s of batch %s;"
					    " settle both batches together (\"0000\")", r->init_feedetl_sn,
					    r->feedetl_sn, r->chrg_bchno);
	}
	for (i = 0; i < sl->n; i++) {
		const yb_fee_row *r = &sl->v[i];
		yb_feeline *l;
		*total += r->sumamt;
		if (r->init_feedetl_sn[0]) {
			if (!find_row(sl->v, sl->n, r->init_feedetl_sn))
				return yb_error_set(YB_EREFUSED, "chrg_bchno: refund line %s names line %s of another batch;"
						    " settle both batches together (\"0000\")", r->feedetl_sn,
						    r->init_feedetl_sn);
			continue;
		}
		l = &lines[n];
		memset(l, 0, sizeof(*l));
		l->feedetl_sn = r->feedetl_sn;
		l->med_list_codg = r->med_list_codg;
		l->sumamt = r->sumamt;
		l->cnt = r->cnt;
		l->pric = r->pric;
		l->known = r->known;
		l->chrgitm_lv = r->chrgitm_lv;
		l->selfpay_bp = r->selfpay_bp;
		l->pric_uplmt = r->pric_uplmt;
		l->flags = r->flags;
		for (k = 0; k < sl->n; k++)
			if (strcmp(sl->v[k].init_feedetl_sn, r->feedetl_sn) == 0) {
				l->sumamt += sl->v[k].sumamt;
				l->cnt += sl->v[k].cnt;
			}
		if (l->sumamt < 0 || l->cnt < 0)
			return yb_error_set(YB_ECONFLICT, "feedetl_sn: line %s is refunded beyond what it holds", r->feedetl_sn);
		if (l->sumamt == 0 && l->cnt == 0)
			continue; /* wholly refunded */
		n++;
	}
	*n_lines = n;
	return 0;
}

/* ----------------------------------------------------------- the job */

typedef struct setl_job {
	yb_ledger *l;
	const yb_settle_req *r;
	const yb_settle_inline *inl;   /* NULL: uploaded lines */
	yb_fixmedins_rec fix;
	yb_psn_rec p;
	ledger_psn lp;
	const yb_policy *pol;
	yb_mdtrt_rec mv;               /* the registered visit, if one */
	int registered;
	int insutype;                  /* what the person must be insured under */
	yb_date day;                   /* the visit's day */
	yb_datetime when;              /* setl_time of the row and the answer */
	yb_visit v;
	sel_lines sl;
	yb_feeline *lines;
	yb_line_result *res;
	yb_money acc[YB_MAX_BUCKETS];
	yb_mulaid_row mrows[YB_MAX_MULAID];
	yb_mulaid_acct mulaid[YB_MAX_MULAID];
	size_t n_mulaid;
	yb_settlement s;
	ledger_rules lr;
	char setl_id[YB_ID_MAX];
} setl_job;

static void job_reset(setl_job *j)
{
	ledger_rules_free(&j->lr);
	sel_free(&j->sl);
	free(j->lines);
	free(j->res);
	memset(&j->sl, 0, sizeof(j->sl));
	j->lines = NULL;
	j->res = NULL;
}

static int alloc_lines(setl_job *j, size_t n)
{
	j->lines = malloc((n ? n : 1) * sizeof(*j->lines));
	j->res = malloc((n ? n : 1) * sizeof(*j->res));
	return j->lines && j->res ? 0 : yb_error_set(YB_ENOMEM, "out of memory");
}

/* ------------------------------------------------ the visit, the person */

/* A registered visit settled from its uploaded lines (design note 1). */
static int open_registered(yb_store_tx *tx, setl_job *j)
{
	const yb_settle_req *r = j->r;
	yb_mdtrt_rec *mv = &j->mv;
	int rc, inpatient;

	memset(&j->v, 0, sizeof(j->v));
	if ((rc = ledger_own_visit(tx, j->fix.fixmedins_code, r->psn_no, r->mdtrt_id, mv)) < 0)
		return rc;
	j->day = yb_datetime_date(mv->begntime);
	/* reading the person locks them (PostgreSQL): the visit is read again
	 * under that lock, as a unit on another writer may have changed it */
	if ((rc = yb_tx_get_psn(tx, r->psn_no, j->day, &j->p)) < 0 ||
	    (rc = ledger_own_visit(tx, j->fix.fixmedins_code, r->psn_no, r->mdtrt_id, mv)) < 0)
		return rc;
	j->registered = 1;
	j->insutype = mv->insutype;
	inpatient = yb_med_type_inpatient(mv->med_type);
	if (mv->status == YB_MDTRT_CANCELLED)
		return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", mv->mdtrt_id);
	if (mv->final_setl_id[0])
		return inpatient ? yb_error_set(YB_EREFUSED, "mdtrt_id: stay %s is already settled (setl_id %s): a stay is"
						" settled once (IP3); cancel that settlement to settle it again",
						mv->mdtrt_id, mv->final_setl_id)
				 : yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already settled (setl_id %s): a visit is"
						" settled once (IP3); cancel that settlement to settle it again",
						mv->mdtrt_id, mv->final_setl_id);
	if (r->med_type && yb_med_type_inpatient(r->med_type) != inpatient)
		return yb_error_set(YB_EREFUSED, "med_type: %d does not fit visit %s (med_type %d)", r->med_type,
				    mv->mdtrt_id, mv->med_type);
	if (r->mid_setl && !inpatient)
		return yb_error_set(YB_EINVALID, "mid_setl_flag: only an inpatient stay (med_type 21-28) settles mid-stay");
	if (r->mid_setl && mv->status == YB_MDTRT_DISCHARGED)
		return yb_error_set(YB_EREFUSED, "mid_setl_flag: stay %s is discharged; settle it finally", mv->mdtrt_id);
	if (r->insutype && r->insutype != mv->insutype)
		return yb_error_set(YB_EREFUSED, "insutype: visit %s is under %d, not %d", mv->mdtrt_id, mv->insutype,
				    r->insutype);
	return 0;
}

/* Inline lines: the visit as the request describes it. */
static int open_inline(yb_store_tx *tx, setl_job *j)
{
	j->v = j->inl->visit;
	j->day = yb_datetime_date(j->v.begntime);
	j->insutype = j->r->insutype;
	return yb_tx_get_psn(tx, j->r->psn_no, j->day, &j->p);
}

/* OE5 and the insurance of the day, the policy, accumulators, accounts. */
static int admit_person(yb_store_tx *tx, setl_job *j, int med_type, const char *mdtrt_id,
			yb_datetime begntime)
{
	yb_accum_row rows[YB_MAX_BUCKETS];
	int rc, n_rows = 0, i, b;
	size_t k;

	if ((rc = ledger_refuse_person(&j->p, j->insutype, j->day)) < 0 ||
	    (!yb_med_type_inpatient(med_type) &&
	     (rc = ledger_refuse_in_stay(tx, j->fix.fixmedins_code, j->p.psn_no, mdtrt_id, begntime)) < 0) ||
	    (rc = yb_ledger_policy(j->l, j->p.insu_admdvs, &j->pol)) < 0 ||
	    (rc = ledger_person(tx, j->pol, &j->p, &j->lp)) < 0 ||
	    (rc = yb_tx_get_accums(tx, j->p.psn_no, yb_date_year(j->day), rows, &n_rows)) < 0 ||
	    (rc = yb_tx_get_mulaid(tx, j->p.psn_no, j->mrows, &j->n_mulaid)) < 0)
		return rc;
	memset(j->acc, 0, sizeof(j->acc));
	for (i = 0; i < n_rows; i++)
		if ((b = yb_policy_bucket(j->pol, rows[i].bucket)) >= 0)
			j->acc[b] = rows[i].amount;
	for (k = 0; k < j->n_mulaid; k++) {
		j->mulaid[k].psn_no = j->mrows[k].psn_no;
		j->mulaid[k].balc = j->mrows[k].balc;
		j->mulaid[k].bind_time = j->mrows[k].bind_time;
	}
	return 0;
}

static void visit_institution(yb_visit *v, const yb_fixmedins_rec *fix)
{
	v->fixmedins_code = fix->fixmedins_code;
	v->fixmedins_type = fix->fixmedins_type;
	v->hosp_lv = fix->hosp_lv;
	v->prim_flag = fix->prim_flag;
	memcpy(v->admdvs, fix->admdvs, sizeof(v->admdvs));
}

/* ------------------------------------------------------------ the lines */

static int count_standing(const yb_setl_row *r, int cancelled, void *arg)
{
	if (!cancelled && !r->refd_setl_id[0])
		(*(int *)arg)++;
	return 0;
}

/* The uploaded lines (design note 2) and the visit the engine sees. */
static int lines_uploaded(yb_store_tx *tx, setl_job *j, yb_datetime now)
{
	const yb_settle_req *r = j->r;
	const yb_mdtrt_rec *mv = &j->mv;
	int inpatient = yb_med_type_inpatient(mv->med_type);
	size_t n_lines = 0;
	yb_money total;
	int rc, standing = 0;

	j->sl.batch = r->chrg_bchno && *r->chrg_bchno && strcmp(r->chrg_bchno, "0000") != 0 ? r->chrg_bchno : NULL;
	if ((rc = yb_tx_each_fee(tx, r->psn_no, r->mdtrt_id, select_line, &j->sl)) < 0 ||
	    (rc = alloc_lines(j, j->sl.n)) < 0 ||
	    (rc = net_lines(&j->sl, j->lines, &n_lines, &total)) < 0)
		return rc;
	if (j->sl.n == 0) {
		/* a stay's final part may have nothing new after its mid parts */
		if (inpatient && !r->mid_setl &&
		    (rc = yb_tx_each_setl(tx, r->psn_no, r->mdtrt_id, count_standing, &standing)) < 0)
			return rc;
		if (!standing)
			return j->sl.batch ? yb_error_set(YB_ENOTFOUND, "chrg_bchno: no unsettled fee lines of batch %s in visit %s",
							  j->sl.batch, r->mdtrt_id)
					   : yb_error_set(YB_ENOTFOUND, "feedetail: visit %s has no unsettled fee lines (upload them first)",
							  r->mdtrt_id);
	}
	if (r->has_medfee && r->medfee_sumamt != total) {
		char a[32], t[32];
		yb_decimal_format(a, r->medfee_sumamt, YB_SCALE_MONEY);
		yb_decimal_format(t, total, YB_SCALE_MONEY);
		return yb_error_set(YB_EINVALID, "medfee_sumamt: %s is not the total of the unsettled fee lines (%s)", a, t);
	}
	j->v.mdtrt_id = mv->mdtrt_id;
	j->v.med_type = r->med_type ? r->med_type : mv->med_type;
	j->v.begntime = mv->begntime;
	j->v.endtime = mv->endtime ? mv->endtime : inpatient && !r->mid_setl ? now : 0;
	j->v.acct_used = r->acct_used;
	j->v.dise_codg = mv->dise_codg;
	j->v.mid_setl = r->mid_setl;
	j->v.prior_dedc = mv->mid_setl_dedc;
	j->v.oth_scheme_pay = r->oth_scheme_pay;
	j->v.lines = j->lines;
	j->v.n_lines = n_lines;
	j->when = now;
	return 0;
}

/* What the standing settlements of one mdtrt_id say (inline lines). */
typedef struct stay_scan {
	char final[YB_ID_MAX];   /* a standing final settlement */
	yb_money dedc;           /* deductible borne by the standing ones */
} stay_scan;

static int scan_stay(const yb_setl_row *r, int cancelled, void *arg)
{
	stay_scan *ss = arg;

	if (cancelled || r->refd_setl_id[0])
		return 0;
	if (!r->mid_setl)
		snprintf(ss->final, sizeof(ss->final), "%s", r->setl_id);
	ss->dedc += r->amt[YB_A_ACT_PAY_DEDC];
	return 0;
}

static int any_unsettled(const yb_fee_row *f, void *arg)
{
	if (!f->setl_id[0])
		(*(int *)arg)++;
	return 0;
}

/* IP3 and mid-stay parts for inline lines (design note 2). */
static int inline_visit(yb_store_tx *tx, setl_job *j)
{
	yb_visit *v = &j->v;
	yb_mdtrt_rec *mv = &j->mv;
	stay_scan ss;
	int rc, waiting = 0;

	rc = yb_tx_get_mdtrt(tx, j->r->psn_no, v->mdtrt_id, mv);
	if (rc == 0) {
		if (strcmp(mv->fixmedins_code, v->fixmedins_code) != 0)
			return yb_error_set(YB_ENOTFOUND, "mdtrt_id: no visit %s of psn_no %s at this institution",
					    v->mdtrt_id, mv->psn_no);
		if (mv->status == YB_MDTRT_CANCELLED)
			return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", v->mdtrt_id);
		if (mv->final_setl_id[0])
			return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already settled (setl_id %s): a visit is settled"
					    " once (IP3); cancel that settlement to settle it again", v->mdtrt_id,
					    mv->final_setl_id);
		if ((rc = yb_tx_each_fee(tx, mv->psn_no, mv->mdtrt_id, any_unsettled, &waiting)) < 0)
			return rc;
		if (waiting)
			return yb_error_set(YB_EREFUSED, "feedetail: visit %s has uploaded lines waiting; settle them"
					    " without inline lines, or cancel them (2205)", v->mdtrt_id);
		v->prior_dedc = mv->mid_setl_dedc;
		j->registered = 1;
		return 0;
	}
	if (rc != YB_ENOTFOUND)
		return rc;
	memset(&ss, 0, sizeof(ss));
	if ((rc = yb_tx_each_setl(tx, j->r->psn_no, v->mdtrt_id, scan_stay, &ss)) < 0)
		return rc;
	if (ss.final[0])
		return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already settled (setl_id %s): a visit is settled once"
				    " (IP3); cancel that settlement to settle it again", v->mdtrt_id, ss.final);
	v->prior_dedc = ss.dedc;
	return 0;
}

/* The inline lines with the store's catalogue facts (never the client's). */
static int lines_inline(yb_store_tx *tx, setl_job *j)
{
	const yb_settle_inline *inl = j->inl;
	const yb_catalogue *cat;
	size_t i;
	int rc;

	if ((rc = alloc_lines(j, inl->n_lines)) < 0)
		return rc;
	cat = ledger_catalogue(j->l, j->v.admdvs, j->p.insu_admdvs);
	for (i = 0; i < inl->n_lines; i++) {
		yb_feeline_in in = inl->lines[i];
		ledger_resolve(j->l, cat, &in, j->day);
		j->lines[i] = in.line;
	}
	ledger_catalogue_done(j->l);
	j->v.lines = j->lines;
	j->v.n_lines = inl->n_lines;
	j->when = j->v.begntime;
	return inline_visit(tx, j);
}

/* ------------------------------------------------------------ the rules */

/* A line's split flag, time and codes for the rules, by feedetl_sn (the
 * engine's lines are netted or resolved copies of the source's). */
static void line_uploaded(yb_rl_line *ln, yb_trac_codes *codes, void *arg)
{
	const sel_lines *sl = arg;
	size_t k;

	for (k = 0; k < sl->n; k++)
		if (strcmp(sl->v[k].feedetl_sn, ln->feedetl_sn) == 0) {
			ln->trdn_flag = sl->v[k].trdn_flag;
			ln->fee_ocur_time = sl->v[k].fee_ocur_time;
			*codes = sl->codes[k];
			return;
		}
}

static void line_inline(yb_rl_line *ln, yb_trac_codes *codes, void *arg)
{
	const yb_settle_inline *inl = arg;
	size_t k;

	for (k = 0; k < inl->n_lines; k++)
		if (strcmp(inl->lines[k].line.feedetl_sn, ln->feedetl_sn) == 0) {
			ln->trdn_flag = inl->ext[k].trdn_flag;
			ln->fee_ocur_time = inl->ext[k].fee_ocur_time;
			codes->v = inl->ext[k].codes;
			codes->n = inl->ext[k].n_codes;
			return;
		}
}

static int judge(yb_store_tx *tx, setl_job *j)
{
	ledger_line_more more = j->inl ? (j->inl->ext ? line_inline : NULL) : line_uploaded;
	void *arg = j->inl ? (void *)j->inl : (void *)&j->sl;
	int rc;

	if (!j->l->rules)
		return 0;
	if ((rc = ledger_rules_input(&j->lr, j->setl_id, &j->fix, &j->p, &j->v, &j->s, more, arg)) < 0)
		return rc;
	return ledger_rules_judge(j->l, tx, &j->lr, 1);
}

/* ----------------------------------------------------------- the writes */

/* The answer: setl_id, setlinfo, setldetail, result[], and expContent
 * (null) where the platform's 2207 has it. medins_setl_id is the
 * message's msgid (docs/interface.md). */
static int write_output(const setl_job *j, const char *msgid, int dry_run, yb_buf *output)
{
	yb_setlinfo si;
	char when[24];
	yb_jw w;

	yb_datetime_format(when, j->when);
	yb_setlinfo_of(&si, &j->s, &j->v, &j->lp.psn);
	si.setl_id = dry_run ? NULL : j->setl_id;
	si.psn_name = j->p.psn_name;
	si.certno = j->p.certno;
	si.setl_time = when;
	si.mdtrt_cert_type = j->r->mdtrt_cert_type;
	si.medins_setl_id = msgid;
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "setl_id", si.setl_id);
	yb_write_settlement(&w, &si, &j->s, j->res, &j->v);
	yb_jw_null(&w, "expContent");
	yb_jw_end(&w, '}');
	return output->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

/* The registered visit's deductible borne so far and, for a final
 * settlement, its end (design note 3). */
static int update_visit(yb_store_tx *tx, setl_job *j, yb_datetime now)
{
	yb_mdtrt_rec *mv = &j->mv;
	int rc;

	if ((rc = yb_money_add(&mv->mid_setl_dedc, j->s.act_pay_dedc)) < 0)
		return rc;
	if (!j->v.mid_setl) {
		snprintf(mv->final_setl_id, sizeof(mv->final_setl_id), "%s", j->setl_id);
		if (!j->inl && yb_med_type_inpatient(mv->med_type) && !mv->endtime)
			mv->endtime = now;
	}
	return yb_tx_upd_mdtrt(tx, mv);
}

static int record(yb_store_tx *tx, setl_job *j, const char *msgid, yb_datetime now)
{
	yb_accum_row deltas[YB_MAX_BUCKETS];
	yb_acct_mov movs[1 + YB_MAX_MULAID];
	yb_setl_row row;
	size_t i;
	int rc;

	ledger_setl_row(&row, j->fix.fixmedins_code, msgid, &j->s, &j->v, j->pol, &j->lp.psn, j->setl_id,
			deltas, movs, j->mulaid, j->n_mulaid);
	row.results = j->res;
	row.mid_setl = j->v.mid_setl;
	row.setl_time = j->when;
	if ((rc = yb_tx_put_settlement(tx, &row)) < 0 ||
	    (rc = ledger_rules_record(j->l, tx, &j->lr, j->setl_id)) < 0)
		return rc;
	for (i = 0; !j->inl && i < j->sl.n; i++)
		if ((rc = yb_tx_set_fee_setl(tx, j->r->psn_no, j->r->mdtrt_id, j->sl.v[i].feedetl_sn, j->setl_id)) < 0)
			return rc;
	return j->registered ? update_visit(tx, j, now) : 0;
}

/* The warnings of a settlement's recorded findings (warn rules: a refuse
 * rule fails the unit), as warn_msg says them; from the store, so that a
 * retry gets the same words. */
typedef struct warn_text {
	char *buf;
	size_t cap, used;
} warn_text;

static int add_warning(const yb_finding_rec *f, void *arg)
{
	warn_text *t = arg;
	int n;

	if (t->used >= t->cap - 1)
		return 0;
	n = snprintf(t->buf + t->used, t->cap - t->used, "%srule %s: %s", t->used ? "; " : "",
		     f->rule_id, f->vola_cont ? f->vola_cont : "");
	t->used = n > 0 && (size_t)n < t->cap - t->used ? t->used + (size_t)n : t->cap - 1;
	return 0;
}

static int setl_warnings(yb_store_tx *tx, const char *setl_id, yb_ledger_answer *a)
{
	warn_text t;

	if (!a || !setl_id || !*setl_id)
		return 0;
	t.buf = a->warn;
	t.cap = sizeof(a->warn);
	t.used = 0;
	a->warn[0] = '\0';
	return yb_tx_each_finding(tx, setl_id, add_warning, &t);
}

static int settle_replayed(yb_store_tx *tx, ledger_op *o, const yb_idem_rec *rec)
{
	return setl_warnings(tx, rec->ref, o->m->answer);
}

/* --------------------------------------------------------------- the unit */

static int settle_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	setl_job *j = o->arg;
	yb_datetime now = ledger_now(o->m);
	int rc;

	job_reset(j); /* the store may run a unit again (a re-run group) */
	j->registered = 0;
	j->setl_id[0] = '\0';
	if ((rc = yb_tx_get_fixmedins(tx, o->m->fixmedins_code, &j->fix)) < 0 ||
	    (rc = j->inl ? open_inline(tx, j) : open_registered(tx, j)) < 0)
		return rc;
	if (j->inl)
		rc = admit_person(tx, j, j->v.med_type, j->v.mdtrt_id, j->v.begntime);
	else
		rc = admit_person(tx, j, j->mv.med_type, j->mv.mdtrt_id, j->mv.begntime);
	if (rc < 0)
		return rc;
	visit_institution(&j->v, &j->fix);
	if ((rc = j->inl ? lines_inline(tx, j) : lines_uploaded(tx, j, now)) < 0)
		return rc;
	if ((rc = ledger_chronic(tx, j->p.psn_no, &j->v)) < 0 ||
	    (rc = yb_engine_settle(&j->s, j->res, j->pol, &j->lp.psn, j->acc, j->mulaid, j->n_mulaid, &j->v)) < 0 ||
	    (rc = yb_settlement_check(&j->s)) < 0)
		return rc;
	if (o->dry_run)
		return write_output(j, o->m->msgid, 1, output);
	if ((rc = yb_tx_next_setl_id(tx, j->setl_id)) < 0 ||
	    (rc = judge(tx, j)) < 0 ||
	    (rc = write_output(j, o->m->msgid, 0, output)) < 0 ||
	    (rc = record(tx, j, o->m->msgid, now)) < 0 ||
	    (rc = setl_warnings(tx, j->setl_id, o->m->answer)) < 0)
		return rc;
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", yb_med_type_inpatient(j->v.med_type) ? "2304" : "2207");
	snprintf(o->ref, sizeof(o->ref), "%s", j->setl_id);
	return 0;
}

static int check_request(const yb_settle_req *r, const char *mdtrt_id)
{
	if (!r->psn_no || !*r->psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	if (!mdtrt_id || !*mdtrt_id)
		return yb_error_set(YB_EINVALID, "mdtrt_id: missing");
	if (strlen(r->psn_no) >= YB_ID_MAX || strlen(mdtrt_id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "%s: too long", strlen(r->psn_no) >= YB_ID_MAX ? "psn_no" : "mdtrt_id");
	if (r->chrg_bchno && strlen(r->chrg_bchno) >= 32)
		return yb_error_set(YB_EINVALID, "chrg_bchno: longer than 31");
	if (r->oth_scheme_pay < 0)
		return yb_error_set(YB_EINVALID, "oth_scheme_pay: negative amount");
	if (r->inl && r->inl->n_lines > YB_MAX_FEELINES)
		return yb_error_set(YB_EINVALID, "feedetail: more than %d fee lines", YB_MAX_FEELINES);
	return 0;
}

int yb_ledger_settle(yb_ledger *l, const yb_ledger_msg *m, const yb_settle_req *r, yb_buf *out)
{
	const char *mdtrt_id = r->inl ? r->inl->visit.mdtrt_id : r->mdtrt_id;
	setl_job *j;
	ledger_op o;
	int rc;

	if ((rc = check_request(r, mdtrt_id)) < 0)
		return rc;
	if (!(j = calloc(1, sizeof(*j))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	j->l = l;
	j->r = r;
	j->inl = r->inl;
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = r->psn_no;
	o.fn = settle_fn;
	o.arg = j;
	o.dry_run = r->dry_run;
	o.on_replay = settle_replayed;
	/* a retry must name the same visit, part and batch; with inline lines,
	 * the same person (ledger.c, same_request) */
	if (r->inl)
		ledger_req(&o, "settle|%s|*", r->psn_no);
	else
		ledger_req(&o, "settle|%s|%s|%d|%s", r->psn_no, mdtrt_id, r->mid_setl,
			   r->chrg_bchno ? r->chrg_bchno : "");
	rc = ledger_run(&o, out);
	job_reset(j);
	free(j);
	return rc;
}
