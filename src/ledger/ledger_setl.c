/* The settlement of a registered visit from its uploaded lines (2206/2207
 * outpatient, 2303/2304 inpatient, mid-stay parts included).
 *
 * Design notes (the visit settlement transaction)
 *  1. One unit of work keyed by the person, like yb_ledger_settle: the
 *     idempotency record, the visit (this institution's, not cancelled, not
 *     finally settled: IP3), the person and the insurance of the visit's
 *     day (OE5: paused persons), OE5 again (no outpatient settlement while
 *     the person is in a stay anywhere), accumulators of the visit's year,
 *     mutual-aid accounts, the unsettled lines; the engine; then the writes:
 *     settlement row and children, each line's setl_id, the visit's
 *     deductible and final settlement, the idempotency record.
 *  2. Lines: every unsettled line, or those of one chrg_bchno ("0000":
 *     all). A refund line is netted into the line it refunds; both must be
 *     in the selection. The engine sees the netted lines with the catalogue
 *     facts stored at upload (what 2204 answered is what is settled).
 *  3. A stay settles in parts as calc does: a mid-stay part (mid_setl) passes
 *     the deductible it bore to the later parts (prior_dedc = the visit's
 *     mid_setl_dedc, the deductible of its standing settlements) and leaves
 *     the stay open; the final part closes it (final_setl_id) and counts the
 *     stay. A cancel reverses this (ledger.c), latest part first.
 *  4. A pre-settlement (dry_run) runs the same in a read snapshot and
 *     writes nothing; its setl_id is null.
 *
 *   idem? ─▶ visit, person, OE5 ─▶ lines (net refunds) ─▶ engine ─▶
 *   setl + lines' setl_id + visit (dedc, final) + idem ─▶ group commit */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sel_lines {
	yb_fee_row *v;
	size_t n, cap;
	const char *batch;       /* NULL: every unsettled line */
	size_t unsel_refunds;    /* unsettled lines outside the batch, kept to check refunds */
	yb_fee_row *out;         /* unsettled lines outside the selection */
	size_t n_out, cap_out;
	char **codes;            /* v[i]'s drug_trac_codg (NULL: none), owned */
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
	(*v)[*n].medins_list_codg = (*v)[*n].rxno = (*v)[*n].drug_trac_codg = NULL;
	(*n)++;
	return 0;
}

static int select_line(const yb_fee_row *r, void *arg)
{
	sel_lines *sl = arg;

	if (r->setl_id[0])
		return 0;
	if (!sl->batch || strcmp(r->chrg_bchno, sl->batch) == 0) {
		if (sl->n == sl->cap_codes) {
			size_t c = sl->cap_codes ? sl->cap_codes * 2 : 64;
			char **p = realloc(sl->codes, c * sizeof(*p));
			if (!p)
				return yb_error_set(YB_ENOMEM, "out of memory");
			sl->codes = p;
			sl->cap_codes = c;
		}
		sl->codes[sl->n] = NULL;
		if (r->drug_trac_codg && *r->drug_trac_codg && !(sl->codes[sl->n] = strdup(r->drug_trac_codg)))
			return yb_error_set(YB_ENOMEM, "out of memory");
		return push_row(&sl->v, &sl->n, &sl->cap, r);
	}
	return push_row(&sl->out, &sl->n_out, &sl->cap_out, r);
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

typedef struct standing {
	int n;
} standing;

static int count_standing(const yb_setl_row *r, int cancelled, void *arg)
{
	if (!cancelled && !r->refd_setl_id[0])
		((standing *)arg)->n++;
	return 0;
}

/* A line's split flag, time and codes from its stored row, for the rules. */
static void line_more(yb_rl_line *ln, const char **codes, void *arg)
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

static int settle_visit_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const yb_visit_setl *r = o->arg;
	const yb_ledger_msg *m = o->m;
	yb_ledger *l = o->l;
	yb_fixmedins_rec fix;
	yb_mdtrt_rec *mv = malloc(sizeof(*mv));
	yb_psn_rec p;
	ledger_psn lp;
	const yb_policy *pol = NULL;
	yb_accum_row rows[YB_MAX_BUCKETS], deltas[YB_MAX_BUCKETS];
	yb_mulaid_row mrows[YB_MAX_MULAID];
	yb_mulaid_acct mulaid[YB_MAX_MULAID];
	yb_acct_mov movs[1 + YB_MAX_MULAID];
	yb_money acc[YB_MAX_BUCKETS] = {0}, total;
	yb_settlement *s = malloc(sizeof(*s));
	yb_setl_row row;
	yb_visit v;
	sel_lines sl;
	yb_feeline *lines = NULL;
	yb_line_result *res = NULL;
	size_t i, n_lines = 0, n_mulaid = 0;
	yb_datetime now = ledger_now(m);
	yb_date day;
	char setl_id[YB_ID_MAX] = "", when[24];
	int rc, n_rows = 0, b, inpatient;
	yb_jw w;
	ledger_rules lr;

	memset(&sl, 0, sizeof(sl));
	memset(&lr, 0, sizeof(lr));
	if (!mv || !s) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yb_tx_get_fixmedins(tx, m->fixmedins_code, &fix)) < 0 ||
	    (rc = ledger_own_visit(tx, fix.fixmedins_code, r->psn_no, r->mdtrt_id, mv)) < 0)
		goto done;
	day = yb_datetime_date(mv->begntime);
	/* reading the person locks them (PostgreSQL): the visit is read again
	 * under that lock, as a unit on another writer may have changed it */
	if ((rc = yb_tx_get_psn(tx, r->psn_no, day, &p)) < 0 ||
	    (rc = ledger_own_visit(tx, fix.fixmedins_code, r->psn_no, r->mdtrt_id, mv)) < 0)
		goto done;
	inpatient = yb_med_type_inpatient(mv->med_type);
	if (mv->status == YB_MDTRT_CANCELLED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", mv->mdtrt_id);
		goto done;
	}
	if (mv->final_setl_id[0]) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already settled (setl_id %s): a %s is settled once (IP3);"
				  " cancel that settlement to settle it again", mv->mdtrt_id, mv->final_setl_id,
				  inpatient ? "stay" : "visit");
		goto done;
	}
	if (r->med_type && yb_med_type_inpatient(r->med_type) != inpatient) {
		rc = yb_error_set(YB_EREFUSED, "med_type: %d does not fit visit %s (med_type %d)", r->med_type,
				  mv->mdtrt_id, mv->med_type);
		goto done;
	}
	if (r->mid_setl && !inpatient) {
		rc = yb_error_set(YB_EINVALID, "mid_setl_flag: only an inpatient stay (med_type 21-28) settles mid-stay");
		goto done;
	}
	if (r->mid_setl && mv->status == YB_MDTRT_DISCHARGED) {
		rc = yb_error_set(YB_EREFUSED, "mid_setl_flag: stay %s is discharged; settle it finally", mv->mdtrt_id);
		goto done;
	}
	if (r->insutype && r->insutype != mv->insutype) {
		rc = yb_error_set(YB_EREFUSED, "insutype: visit %s is under %d, not %d", mv->mdtrt_id, mv->insutype,
				  r->insutype);
		goto done;
	}
	if ((rc = ledger_refuse_person(&p, mv->insutype, day)) < 0 ||
	    (!inpatient &&
	     (rc = ledger_refuse_in_stay(tx, fix.fixmedins_code, p.psn_no, mv->mdtrt_id, mv->begntime)) < 0) ||
	    (rc = yb_ledger_policy(l, p.insu_admdvs, &pol)) < 0 ||
	    (rc = ledger_person(tx, pol, &p, &lp)) < 0 ||
	    (rc = yb_tx_get_accums(tx, p.psn_no, yb_date_year(day), rows, &n_rows)) < 0 ||
	    (rc = yb_tx_get_mulaid(tx, p.psn_no, mrows, &n_mulaid)) < 0)
		goto done;
	for (b = 0; b < n_rows; b++) {
		int k = yb_policy_bucket(pol, rows[b].bucket);
		if (k >= 0)
			acc[k] = rows[b].amount;
	}
	for (i = 0; i < n_mulaid; i++) {
		mulaid[i].psn_no = mrows[i].psn_no;
		mulaid[i].balc = mrows[i].balc;
		mulaid[i].bind_time = mrows[i].bind_time;
	}

	/* the lines (design note 2) */
	sl.batch = r->chrg_bchno && *r->chrg_bchno && strcmp(r->chrg_bchno, "0000") != 0 ? r->chrg_bchno : NULL;
	if ((rc = yb_tx_each_fee(tx, r->psn_no, r->mdtrt_id, select_line, &sl)) < 0)
		goto done;
	lines = malloc((sl.n ? sl.n : 1) * sizeof(*lines));
	res = malloc((sl.n ? sl.n : 1) * sizeof(*res));
	if (!lines || !res) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = net_lines(&sl, lines, &n_lines, &total)) < 0)
		goto done;
	if (sl.n == 0) {
		/* a stay's final part may have nothing new after its mid parts */
		standing st = {0};
		if (inpatient && !r->mid_setl &&
		    (rc = yb_tx_each_setl(tx, r->psn_no, r->mdtrt_id, count_standing, &st)) < 0)
			goto done;
		if (!st.n) {
			rc = sl.batch ? yb_error_set(YB_ENOTFOUND, "chrg_bchno: no unsettled fee lines of batch %s in visit %s",
						     sl.batch, r->mdtrt_id)
				      : yb_error_set(YB_ENOTFOUND, "feedetail: visit %s has no unsettled fee lines (upload them first)",
						     r->mdtrt_id);
			goto done;
		}
	}
	if (r->has_medfee && r->medfee_sumamt != total) {
		char a[32], t[32];
		yb_decimal_format(a, r->medfee_sumamt, YB_SCALE_MONEY);
		yb_decimal_format(t, total, YB_SCALE_MONEY);
		rc = yb_error_set(YB_EINVALID, "medfee_sumamt: %s is not the total of the unsettled fee lines (%s)", a, t);
		goto done;
	}

	memset(&v, 0, sizeof(v));
	v.fixmedins_code = fix.fixmedins_code;
	v.fixmedins_type = fix.fixmedins_type;
	v.hosp_lv = fix.hosp_lv;
	v.prim_flag = fix.prim_flag;
	memcpy(v.admdvs, fix.admdvs, sizeof(v.admdvs));
	v.mdtrt_id = mv->mdtrt_id;
	v.med_type = r->med_type ? r->med_type : mv->med_type;
	v.begntime = mv->begntime;
	v.endtime = mv->endtime ? mv->endtime : inpatient && !r->mid_setl ? now : 0;
	v.acct_used = r->acct_used;
	v.dise_codg = mv->dise_codg;
	v.mid_setl = r->mid_setl;
	v.prior_dedc = mv->mid_setl_dedc;
	v.oth_scheme_pay = r->oth_scheme_pay;
	v.lines = lines;
	v.n_lines = n_lines;
	if ((rc = ledger_chronic(tx, p.psn_no, &v)) < 0 ||
	    (rc = yb_engine_settle(s, res, pol, &lp.psn, acc, mulaid, n_mulaid, &v)) < 0 ||
	    (rc = yb_settlement_check(s)) < 0)
		goto done;
	if (!o->dry_run && (rc = yb_tx_next_setl_id(tx, setl_id)) < 0)
		goto done;
	if (!o->dry_run && l->rules &&
	    ((rc = ledger_rules_input(&lr, setl_id, &fix, &p, &v, s, line_more, &sl)) < 0 ||
	     (rc = ledger_rules_judge(l, tx, &lr, 1)) < 0))
		goto done;

	yb_datetime_format(when, now);
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "setl_id", o->dry_run ? NULL : setl_id);
	yb_write_settlement(&w, s, res, &v, &lp.psn, p.psn_name, o->dry_run ? NULL : setl_id, when);
	yb_jw_end(&w, '}');
	if (output->oom) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if (o->dry_run)
		goto done;

	ledger_setl_row(&row, fix.fixmedins_code, m->msgid, s, &v, pol, &lp.psn, setl_id, deltas,
			movs, mulaid, n_mulaid);
	row.results = res;
	row.mid_setl = r->mid_setl;
	row.setl_time = now;
	if ((rc = yb_tx_put_settlement(tx, &row)) < 0 ||
	    (rc = ledger_rules_record(l, tx, &lr, setl_id)) < 0)
		goto done;
	for (i = 0; i < sl.n; i++)
		if ((rc = yb_tx_set_fee_setl(tx, r->psn_no, r->mdtrt_id, sl.v[i].feedetl_sn, setl_id)) < 0)
			goto done;
	if ((rc = yb_money_add(&mv->mid_setl_dedc, s->act_pay_dedc)) < 0)
		goto done;
	if (!r->mid_setl) {
		snprintf(mv->final_setl_id, sizeof(mv->final_setl_id), "%s", setl_id);
		if (inpatient && !mv->endtime)
			mv->endtime = now;
	}
	if ((rc = yb_tx_upd_mdtrt(tx, mv)) < 0)
		goto done;
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", inpatient ? "2304" : "2207");
	snprintf(o->ref, sizeof(o->ref), "%s", setl_id);
done:
	ledger_rules_free(&lr);
	for (i = 0; i < sl.n; i++)
		free(sl.codes[i]);
	free(sl.codes);
	free(sl.v);
	free(sl.out);
	free(lines);
	free(res);
	free(mv);
	free(s);
	return rc;
}

int yb_ledger_settle_visit(yb_ledger *l, const yb_ledger_msg *m, const yb_visit_setl *r,
			   yb_buf *out)
{
	ledger_op o;

	if (!r->psn_no || !*r->psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	if (!r->mdtrt_id || !*r->mdtrt_id)
		return yb_error_set(YB_EINVALID, "mdtrt_id: missing");
	if (strlen(r->psn_no) >= YB_ID_MAX || strlen(r->mdtrt_id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "%s: too long", strlen(r->psn_no) >= YB_ID_MAX ? "psn_no" : "mdtrt_id");
	if (r->chrg_bchno && strlen(r->chrg_bchno) >= 32)
		return yb_error_set(YB_EINVALID, "chrg_bchno: longer than 31");
	if (r->oth_scheme_pay < 0)
		return yb_error_set(YB_EINVALID, "oth_scheme_pay: negative amount");
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = r->psn_no;
	o.fn = settle_visit_fn;
	o.arg = (void *)r;
	o.dry_run = r->dry_run;
	ledger_req(&o, "settle|%s|%s|%d|%s", r->psn_no, r->mdtrt_id, r->mid_setl,
		   r->chrg_bchno ? r->chrg_bchno : "");
	return ledger_run(&o, out);
}
