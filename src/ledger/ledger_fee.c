/* The ledger's fee lines: upload (2204/2301), cancel of unsettled lines
 * (2205/2302) and the line list (5204).
 *
 * Design notes
 *  1. A line is split at upload with the catalogue of the place of care
 *     (就医地目录), on the visit's day, through the engine (the same split
 *     a settlement makes), and the split is stored with the catalogue
 *     facts used: the settlement uses those facts, so what 2204 answered
 *     is what 2207 settles.
 *  2. A refund line (negative cnt and amount) names an unsettled line of
 *     the same visit in init_feedetl_sn; at settlement it is netted into
 *     that line. A settled line is refunded by cancelling its settlement.
 *     The refunds of a line never exceed it, in count or amount.
 *  3. Lines are settled by setting their setl_id; a cancel of the
 *     settlement sets it back to "". Only unsettled lines can be cancelled
 *     (deleted): a settled line belongs to its settlement. */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- reading */

void yb_fee_up_free(yb_fee_up *lines, size_t n)
{
	size_t i;

	for (i = 0; lines && i < n; i++)
		yb_trac_codes_free(&lines[i].codes);
}

int yb_read_fee_up(yb_fee_up *out, const yb_json *o, const yb_jpath *p)
{
	yb_feeline *l = &out->in.line;
	char trdn[4] = "";
	int present = 0, rc;

	memset(out, 0, sizeof(*out));
	if (o->type != YB_JSON_OBJECT)
		return yb_jpath_error(p, NULL, "not an object");
	if ((rc = yb_jget_str(o, p, "feedetl_sn", 1, 30, &l->feedetl_sn)) < 0 ||
	    (rc = yb_jget_str(o, p, "chrg_bchno", 0, 30, &out->chrg_bchno)) < 0 ||
	    (rc = yb_jget_str(o, p, "med_list_codg", 1, YB_CODE_MAX - 1, &l->med_list_codg)) < 0 ||
	    (rc = yb_jget_str(o, p, "medins_list_codg", 0, 60, &out->medins_list_codg)) < 0 ||
	    (rc = yb_jget_str(o, p, "init_feedetl_sn", 0, 30, &out->init_feedetl_sn)) < 0 ||
	    (rc = yb_jget_str(o, p, "rxno", 0, 30, &out->rxno)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "fee_ocur_time", 0, &out->fee_ocur_time)) < 0 ||
	    (rc = yb_jget_decimal(o, p, "det_item_fee_sumamt", 1, YB_SCALE_MONEY, &l->sumamt, NULL)) < 0 ||
	    (rc = yb_jget_code(o, p, "trdn_flag", 0, trdn, sizeof(trdn))) < 0)
		return rc;
	if (out->init_feedetl_sn && !*out->init_feedetl_sn)
		out->init_feedetl_sn = NULL;
	if (!*l->feedetl_sn)
		return yb_jpath_error(p, "feedetl_sn", "empty");
	l->cnt = 10000;
	if ((rc = yb_jget_decimal(o, p, "cnt", 0, YB_SCALE_COUNT, &l->cnt, NULL)) < 0)
		return rc;
	if (l->cnt == 0 || l->cnt > 100000000000LL || l->cnt < -100000000000LL)
		return yb_jpath_error(p, "cnt", "not a count (0 < |cnt| <= 10,000,000)");
	if (l->sumamt > 1000000000000LL || l->sumamt < -1000000000000LL)
		return yb_jpath_error(p, "det_item_fee_sumamt", "amount out of range");
	if (l->cnt > 0) {
		if (l->sumamt < 0)
			return yb_jpath_error(p, "det_item_fee_sumamt", "negative on a line that is not a refund (cnt > 0)");
		if (out->init_feedetl_sn)
			return yb_jpath_error(p, "init_feedetl_sn", "only a refund line (negative cnt) names the line it refunds");
	} else {
		if (l->sumamt > 0)
			return yb_jpath_error(p, "det_item_fee_sumamt", "positive on a refund line (negative cnt)");
		if (!out->init_feedetl_sn)
			return yb_jpath_error(p, "init_feedetl_sn", "missing on a refund line (negative cnt)");
	}
	if ((rc = yb_jget_decimal(o, p, "pric", 0, YB_SCALE_PRICE, &l->pric, &present)) < 0)
		return rc;
	if (!present) {
		int ovf = 0;
		l->pric = yb_muldiv_round(l->sumamt < 0 ? -l->sumamt : l->sumamt, 100000000,
					  l->cnt < 0 ? -l->cnt : l->cnt, &ovf);
		if (ovf)
			return yb_jpath_error(p, "pric", "absent, and det_item_fee_sumamt / cnt is out of range");
	} else if (l->pric < 0) {
		return yb_jpath_error(p, "pric", "negative price");
	}
	if (trdn[0] && strcmp(trdn, "0") && strcmp(trdn, "1"))
		return yb_jpath_error(p, "trdn_flag", "not 0 or 1");
	out->trdn_flag = trdn[0] == '1';
	return yb_read_trac_codes(&out->codes, o, p);
}

/* ------------------------------------------------------- the visit's lines */

/* What a visit's stored lines say about each other. */
typedef struct line_ix {
	char sn[32];
	char init_sn[32];
	char med_list_codg[YB_CODE_MAX];
	char setl_id[YB_ID_MAX];
	char chrg_bchno[32];
	char msgid[YB_ID_MAX];
	yb_money sumamt;
	int64_t cnt;
	yb_money refunded_amt;   /* by the refund lines naming it (negative) */
	int64_t refunded_cnt;
	int del;                 /* chosen for deletion */
} line_ix;

typedef struct line_set {
	line_ix *v;
	size_t n, cap;
} line_set;

static int collect_line(const yb_fee_row *f, void *arg)
{
	line_set *ls = arg;
	line_ix *x;

	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;
		line_ix *p = realloc(ls->v, cap * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		ls->v = p;
		ls->cap = cap;
	}
	x = &ls->v[ls->n++];
	memset(x, 0, sizeof(*x));
	memcpy(x->sn, f->feedetl_sn, sizeof(x->sn));
	memcpy(x->init_sn, f->init_feedetl_sn, sizeof(x->init_sn));
	memcpy(x->med_list_codg, f->med_list_codg, sizeof(x->med_list_codg));
	memcpy(x->setl_id, f->setl_id, sizeof(x->setl_id));
	memcpy(x->chrg_bchno, f->chrg_bchno, sizeof(x->chrg_bchno));
	memcpy(x->msgid, f->msgid, sizeof(x->msgid));
	x->sumamt = f->sumamt;
	x->cnt = f->cnt;
	return 0;
}

static int cmp_ix(const void *a, const void *b)
{
	return strcmp(((const line_ix *)a)->sn, ((const line_ix *)b)->sn);
}

static line_ix *find_ix(line_set *ls, const char *sn)
{
	line_ix key;
	snprintf(key.sn, sizeof(key.sn), "%s", sn);
	return ls->n ? bsearch(&key, ls->v, ls->n, sizeof(*ls->v), cmp_ix) : NULL;
}

/* Reads the visit's lines, sorted by feedetl_sn, with refund totals. */
static int load_lines(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id, line_set *ls)
{
	size_t i;
	int rc;

	if ((rc = yb_tx_each_fee(tx, psn_no, mdtrt_id, collect_line, ls)) < 0)
		return rc;
	if (ls->n > 1)
		qsort(ls->v, ls->n, sizeof(*ls->v), cmp_ix);
	for (i = 0; i < ls->n; i++) {
		line_ix *orig;
		if (!ls->v[i].init_sn[0] || !(orig = find_ix(ls, ls->v[i].init_sn)))
			continue;
		orig->refunded_amt += ls->v[i].sumamt;
		orig->refunded_cnt += ls->v[i].cnt;
	}
	return 0;
}

/* -------------------------------------------------------------- upload */

typedef struct upload_args {
	const char *psn_no, *mdtrt_id;
	const yb_fee_up *lines;
	size_t n;
} upload_args;

static int cmp_up(const void *a, const void *b)
{
	const yb_fee_up *x = *(const yb_fee_up *const *)a, *y = *(const yb_fee_up *const *)b;
	return strcmp(x->in.line.feedetl_sn, y->in.line.feedetl_sn);
}

/* feedetl_sn unique in the upload and new to the visit. */
static int check_new_sns(const upload_args *a, line_set *ls)
{
	const yb_fee_up **v = malloc((a->n ? a->n : 1) * sizeof(*v));
	size_t i;
	int rc = 0;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (i = 0; i < a->n; i++)
		v[i] = &a->lines[i];
	if (a->n > 1)
		qsort(v, a->n, sizeof(*v), cmp_up);
	for (i = 0; i < a->n && !rc; i++) {
		const char *sn = v[i]->in.line.feedetl_sn;
		line_ix *x;
		if (strlen(sn) >= 32)
			rc = yb_error_set(YB_EINVALID, "feedetail[%ld].feedetl_sn: longer than 31", (long)(v[i] - a->lines));
		else if (i > 0 && strcmp(v[i - 1]->in.line.feedetl_sn, sn) == 0)
			rc = yb_error_set(YB_EINVALID, "feedetail[%ld].feedetl_sn: repeats line %ld",
					  (long)(v[i] - a->lines), (long)(v[i - 1] - a->lines));
		else if ((x = find_ix(ls, sn)))
			rc = yb_error_set(YB_EREFUSED, "feedetail[%ld].feedetl_sn: %s is already uploaded to visit %s%s",
					  (long)(v[i] - a->lines), sn, a->mdtrt_id, x->setl_id[0] ? " (settled)" : "");
	}
	free(v);
	return rc;
}

/* A refund names an unsettled, non-refund line of the visit (stored, or
 * earlier in this upload) with the same code, and the refunds of a line
 * never exceed it. */
static int check_refunds(const upload_args *a, line_set *ls)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		const yb_fee_up *u = &a->lines[i];
		const char *init = u->init_feedetl_sn;
		line_ix *x;
		if (!init)
			continue;
		x = find_ix(ls, init);
		if (x) {
			if (x->init_sn[0])
				return yb_error_set(YB_EREFUSED, "feedetail[%zu].init_feedetl_sn: %s is itself a refund line", i, init);
			if (x->setl_id[0])
				return yb_error_set(YB_EREFUSED, "feedetail[%zu].init_feedetl_sn: %s is settled (setl_id %s);"
						    " cancel that settlement to refund it", i, init, x->setl_id);
			if (strcmp(x->med_list_codg, u->in.line.med_list_codg) != 0)
				return yb_error_set(YB_EREFUSED, "feedetail[%zu].med_list_codg: not the code of line %s (%s)",
						    i, init, x->med_list_codg);
			x->refunded_amt += u->in.line.sumamt;
			x->refunded_cnt += u->in.line.cnt;
			if (x->sumamt + x->refunded_amt < 0 || x->cnt + x->refunded_cnt < 0)
				return yb_error_set(YB_EREFUSED, "feedetail[%zu]: refunds more of line %s than it holds", i, init);
			continue;
		}
		for (k = 0; k < i; k++)
			if (strcmp(a->lines[k].in.line.feedetl_sn, init) == 0)
				break;
		if (k == i)
			return yb_error_set(YB_EREFUSED, "feedetail[%zu].init_feedetl_sn: no line %s in visit %s",
					    i, init, a->mdtrt_id);
		if (a->lines[k].init_feedetl_sn)
			return yb_error_set(YB_EREFUSED, "feedetail[%zu].init_feedetl_sn: %s is itself a refund line", i, init);
		if (strcmp(a->lines[k].in.line.med_list_codg, u->in.line.med_list_codg) != 0)
			return yb_error_set(YB_EREFUSED, "feedetail[%zu].med_list_codg: not the code of line %s", i, init);
	}
	/* refunds of lines of this upload: totals per original */
	for (k = 0; k < a->n; k++) {
		yb_money amt = a->lines[k].in.line.sumamt;
		int64_t cnt = a->lines[k].in.line.cnt;
		if (a->lines[k].init_feedetl_sn)
			continue;
		for (i = k + 1; i < a->n; i++)
			if (a->lines[i].init_feedetl_sn &&
			    strcmp(a->lines[i].init_feedetl_sn, a->lines[k].in.line.feedetl_sn) == 0) {
				amt += a->lines[i].in.line.sumamt;
				cnt += a->lines[i].in.line.cnt;
			}
		if (amt < 0 || cnt < 0)
			return yb_error_set(YB_EREFUSED, "feedetail[%zu]: refunded by more than it holds", k);
	}
	return 0;
}

/* drug_trac_codg as the national interface writes it: codes joined by ','. */
static void write_codes(yb_jw *w, const yb_trac_codes *codes)
{
	yb_buf b = YB_BUF_INIT;

	yb_trac_codes_join(&b, codes);
	yb_jw_strn(w, "drug_trac_codg", b.ptr ? b.ptr : "", b.len);
	if (b.oom)
		w->b->oom = 1;
	yb_buf_free(&b);
}

/* One line of result[] (2204) or feedetail[] (5204). */
static void write_line(yb_jw *w, const yb_fee_row *r, int full)
{
	yb_jw_obj(w, NULL);
	yb_jw_str(w, "feedetl_sn", r->feedetl_sn);
	yb_jw_str(w, "med_list_codg", r->med_list_codg);
	if (full) {
		char buf[24];
		yb_jw_str(w, "chrg_bchno", r->chrg_bchno);
		yb_jw_str(w, "medins_list_codg", r->medins_list_codg ? r->medins_list_codg : "");
		yb_jw_str(w, "init_feedetl_sn", r->init_feedetl_sn);
		yb_jw_str(w, "rxno", r->rxno ? r->rxno : "");
		yb_datetime_format(buf, r->fee_ocur_time);
		yb_jw_str(w, "fee_ocur_time", buf);
		write_codes(w, &r->codes);
		yb_jw_str(w, "trdn_flag", r->trdn_flag ? "1" : "0");
		yb_jw_str(w, "setl_id", r->setl_id);
	}
	yb_jw_money(w, "det_item_fee_sumamt", r->sumamt);
	yb_jw_dec(w, "cnt", r->cnt, YB_SCALE_COUNT);
	yb_jw_dec(w, "pric", r->pric, YB_SCALE_PRICE);
	yb_write_line_cap(w, r->known ? r->pric_uplmt : -1);
	yb_jw_ratio(w, "selfpay_prop", r->selfpay_bp);
	yb_jw_money(w, "fulamt_ownpay_amt", r->fulamt_ownpay_amt);
	yb_jw_money(w, "overlmt_amt", r->overlmt_amt);
	yb_jw_money(w, "preselfpay_amt", r->preselfpay_amt);
	yb_jw_money(w, "inscp_scp_amt", r->inscp_scp_amt);
	yb_write_line_class(w, r->med_list_codg, r->known, r->chrgitm_lv, r->flags,
			    r->memo[0] ? r->memo : NULL);
	yb_jw_end(w, '}');
}

static int upload_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const upload_args *a = o->arg;
	yb_ledger *l = o->l;
	yb_fixmedins_rec fix;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	yb_psn_rec p;
	ledger_psn lp;
	const yb_policy *pol;
	const yb_catalogue *cat;
	line_set ls = {NULL, 0, 0};
	yb_feeline *lines = malloc((a->n ? a->n : 1) * sizeof(*lines));
	yb_line_result *res = malloc((a->n ? a->n : 1) * sizeof(*res));
	yb_money acc[YB_MAX_BUCKETS] = {0};
	yb_settlement *s = malloc(sizeof(*s));
	yb_visit visit;
	yb_fee_row row;
	yb_date day;
	yb_datetime now = ledger_now(o->m);
	size_t i;
	int rc;
	yb_jw w;

	if (!v || !lines || !res || !s) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	/* the person is read (and locked, on PostgreSQL) before the visit's
	 * state is trusted: see ledger_setl.c */
	if ((rc = yb_tx_get_fixmedins(tx, o->m->fixmedins_code, &fix)) < 0 ||
	    (rc = ledger_own_visit(tx, fix.fixmedins_code, a->psn_no, a->mdtrt_id, v)) < 0 ||
	    (rc = yb_tx_get_psn(tx, a->psn_no, yb_datetime_date(v->begntime), &p)) < 0 ||
	    (rc = ledger_own_visit(tx, fix.fixmedins_code, a->psn_no, a->mdtrt_id, v)) < 0)
		goto done;
	if (v->status == YB_MDTRT_CANCELLED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", v->mdtrt_id);
		goto done;
	}
	if (v->final_setl_id[0]) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is settled (setl_id %s); a visit is settled once (IP3):"
				  " cancel the settlement to add lines", v->mdtrt_id, v->final_setl_id);
		goto done;
	}
	day = yb_datetime_date(v->begntime);
	if ((rc = yb_ledger_policy(l, p.insu_admdvs, &pol)) < 0 ||
	    (rc = ledger_person(tx, pol, &p, &lp)) < 0 ||
	    (rc = load_lines(tx, a->psn_no, a->mdtrt_id, &ls)) < 0 ||
	    (rc = check_new_sns(a, &ls)) < 0 ||
	    (rc = check_refunds(a, &ls)) < 0)
		goto done;
	if (ls.n + a->n > YB_MAX_FEELINES) {
		rc = yb_error_set(YB_EREFUSED, "feedetail: visit %s would hold %zu lines, more than %d",
				  a->mdtrt_id, ls.n + a->n, YB_MAX_FEELINES);
		goto done;
	}

	/* the split, as a settlement will make it: a refund line is split on
	 * its absolute value, then negated */
	cat = ledger_catalogue(l, fix.admdvs, p.insu_admdvs);
	for (i = 0; i < a->n; i++) {
		yb_feeline_in in = a->lines[i].in;
		ledger_resolve(l, cat, &in, day);
		lines[i] = in.line;
		if (lines[i].cnt < 0) {
			lines[i].cnt = -lines[i].cnt;
			lines[i].sumamt = -lines[i].sumamt;
		}
	}
	ledger_catalogue_done(l);
	memset(&visit, 0, sizeof(visit));
	visit.fixmedins_code = fix.fixmedins_code;
	visit.fixmedins_type = fix.fixmedins_type;
	visit.hosp_lv = fix.hosp_lv;
	visit.prim_flag = fix.prim_flag;
	memcpy(visit.admdvs, fix.admdvs, sizeof(visit.admdvs));
	visit.mdtrt_id = v->mdtrt_id;
	visit.med_type = v->med_type;
	visit.begntime = v->begntime;
	visit.endtime = v->endtime;
	visit.dise_codg = v->dise_codg;
	visit.lines = lines;
	visit.n_lines = a->n;
	if ((rc = yb_engine_settle(s, res, pol, &lp.psn, acc, NULL, 0, &visit)) < 0)
		goto done;

	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "result");
	for (i = 0; i < a->n; i++) {
		const yb_fee_up *u = &a->lines[i];
		const yb_feeline *f = &lines[i];
		int neg = u->in.line.cnt < 0 ? -1 : 1;
		memset(&row, 0, sizeof(row));
		snprintf(row.feedetl_sn, sizeof(row.feedetl_sn), "%s", f->feedetl_sn);
		snprintf(row.msgid, sizeof(row.msgid), "%s", o->m->msgid);
		snprintf(row.chrg_bchno, sizeof(row.chrg_bchno), "%s", u->chrg_bchno ? u->chrg_bchno : "");
		snprintf(row.med_list_codg, sizeof(row.med_list_codg), "%s", f->med_list_codg);
		snprintf(row.init_feedetl_sn, sizeof(row.init_feedetl_sn), "%s",
			 u->init_feedetl_sn ? u->init_feedetl_sn : "");
		row.sumamt = u->in.line.sumamt;
		row.cnt = u->in.line.cnt;
		row.pric = f->pric;
		row.fee_ocur_time = u->fee_ocur_time ? u->fee_ocur_time : now;
		row.trdn_flag = u->trdn_flag;
		row.known = f->known;
		row.chrgitm_lv = f->chrgitm_lv;
		row.selfpay_bp = res[i].selfpay_bp;
		row.pric_uplmt = f->pric_uplmt;
		row.flags = f->flags;
		row.fulamt_ownpay_amt = neg * res[i].fulamt_ownpay_amt;
		row.overlmt_amt = neg * res[i].overlmt_amt;
		row.preselfpay_amt = neg * res[i].preselfpay_amt;
		row.inscp_scp_amt = neg * res[i].inscp_scp_amt;
		snprintf(row.memo, sizeof(row.memo), "%s", res[i].rule ? res[i].rule : "");
		row.medins_list_codg = u->medins_list_codg;
		row.rxno = u->rxno;
		row.codes = u->codes;
		if ((rc = yb_tx_put_fee(tx, a->psn_no, a->mdtrt_id, &row)) < 0)
			goto done;
		write_line(&w, &row, 0);
	}
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", yb_med_type_inpatient(v->med_type) ? "2301" : "2204");
	snprintf(o->ref, sizeof(o->ref), "%s", a->mdtrt_id);
done:
	free(ls.v);
	free(v);
	free(lines);
	free(res);
	free(s);
	return rc;
}

static int ids_ok(const char *psn_no, const char *mdtrt_id)
{
	if (!psn_no || !*psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	if (!mdtrt_id || !*mdtrt_id)
		return yb_error_set(YB_EINVALID, "mdtrt_id: missing");
	if (strlen(psn_no) >= YB_ID_MAX || strlen(mdtrt_id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "%s: longer than %d", strlen(psn_no) >= YB_ID_MAX ? "psn_no" : "mdtrt_id",
				    YB_ID_MAX - 1);
	return 0;
}

int yb_ledger_upload(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
		     const char *mdtrt_id, const yb_fee_up *lines, size_t n, yb_buf *out)
{
	upload_args a = {psn_no, mdtrt_id, lines, n};
	ledger_op o;
	unsigned long h = 5381;
	size_t i;
	int rc;

	if ((rc = ids_ok(psn_no, mdtrt_id)) < 0)
		return rc;
	if (n == 0)
		return yb_error_set(YB_EINVALID, "feedetail: no fee lines");
	if (n > YB_MAX_FEELINES)
		return yb_error_set(YB_EINVALID, "feedetail: more than %d fee lines", YB_MAX_FEELINES);
	/* a retry carries the same lines: their numbers and amounts */
	for (i = 0; i < n; i++) {
		const char *c = lines[i].in.line.feedetl_sn;
		while (*c)
			h = h * 33 + (unsigned char)*c++;
		h = h * 33 + (unsigned long)lines[i].in.line.sumamt;
	}
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = psn_no;
	o.fn = upload_fn;
	o.arg = &a;
	ledger_req(&o, "upload|%s|%s|%zu|%lx", psn_no, mdtrt_id, n, h);
	return ledger_run(&o, out);
}

/* ---------------------------------------------------------- cancel lines */

/* Deletes the chosen lines (del set) unless a refund of one stays. */
static int delete_chosen(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id, line_set *ls,
			 long *n)
{
	size_t i;
	int rc;

	for (i = 0; i < ls->n; i++) {
		line_ix *x = &ls->v[i], *orig;
		if (x->del || !x->init_sn[0] || !(orig = find_ix(ls, x->init_sn)) || !orig->del)
			continue;
		return yb_error_set(YB_EREFUSED, "feedetl_sn: line %s is refunded by line %s, which would stay;"
				    " cancel both", orig->sn, x->sn);
	}
	*n = 0;
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].del) {
			if ((rc = yb_tx_del_fee(tx, psn_no, mdtrt_id, ls->v[i].sn)) < 0)
				return rc;
			(*n)++;
		}
	return 0;
}

typedef struct cancel_fee_args {
	const char *psn_no, *mdtrt_id, *chrg_bchno, *feedetl_sn;
} cancel_fee_args;

static int cancel_fees_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const cancel_fee_args *a = o->arg;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	line_set ls = {NULL, 0, 0};
	long n = 0;
	size_t i;
	int rc;
	yb_jw w;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = ledger_own_visit(tx, o->m->fixmedins_code, a->psn_no, a->mdtrt_id, v)) < 0 ||
	    (rc = load_lines(tx, a->psn_no, a->mdtrt_id, &ls)) < 0)
		goto done;
	if (v->status == YB_MDTRT_CANCELLED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", v->mdtrt_id);
		goto done;
	}
	if (a->feedetl_sn) {
		line_ix *x = find_ix(&ls, a->feedetl_sn);
		if (!x) {
			rc = yb_error_set(YB_ENOTFOUND, "feedetl_sn: no line %s in visit %s", a->feedetl_sn, a->mdtrt_id);
			goto done;
		}
		if (x->setl_id[0]) {
			rc = yb_error_set(YB_EREFUSED, "feedetl_sn: %s is settled (setl_id %s); cancel the settlement first",
					  a->feedetl_sn, x->setl_id);
			goto done;
		}
		x->del = 1;
	} else {
		int all = strcmp(a->chrg_bchno, "0000") == 0;
		for (i = 0; i < ls.n; i++)
			if (!ls.v[i].setl_id[0] && (all || strcmp(ls.v[i].chrg_bchno, a->chrg_bchno) == 0))
				ls.v[i].del = 1, n++;
		if (!n) {
			rc = all ? yb_error_set(YB_ENOTFOUND, "chrg_bchno: visit %s has no unsettled fee lines", a->mdtrt_id)
				 : yb_error_set(YB_ENOTFOUND, "chrg_bchno: no unsettled fee lines of batch %s in visit %s",
						a->chrg_bchno, a->mdtrt_id);
			goto done;
		}
	}
	if ((rc = delete_chosen(tx, a->psn_no, a->mdtrt_id, &ls, &n)) < 0)
		goto done;
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "mdtrt_id", a->mdtrt_id);
	yb_jw_str(&w, "psn_no", a->psn_no);
	yb_jw_int(&w, "cancelled", n);
	yb_jw_arr(&w, "feedetl_sn");
	for (i = 0; i < ls.n; i++)
		if (ls.v[i].del)
			yb_jw_str(&w, NULL, ls.v[i].sn);
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", yb_med_type_inpatient(v->med_type) ? "2302" : "2205");
done:
	free(ls.v);
	free(v);
	return rc;
}

int yb_ledger_cancel_fees(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			  const char *mdtrt_id, const char *chrg_bchno,
			  const char *feedetl_sn, yb_buf *out)
{
	cancel_fee_args a = {psn_no, mdtrt_id, chrg_bchno, feedetl_sn};
	ledger_op o;
	int rc;

	if ((rc = ids_ok(psn_no, mdtrt_id)) < 0)
		return rc;
	if (feedetl_sn && !*feedetl_sn)
		a.feedetl_sn = feedetl_sn = NULL;
	if (!feedetl_sn && (!chrg_bchno || !*chrg_bchno))
		return yb_error_set(YB_EINVALID, "chrg_bchno: missing (\"0000\": every unsettled line)");
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = psn_no;
	o.fn = cancel_fees_fn;
	o.arg = &a;
	ledger_req(&o, "cancel_fees|%s|%s|%s|%s", psn_no, mdtrt_id, feedetl_sn ? "" : chrg_bchno,
		   feedetl_sn ? feedetl_sn : "");
	return ledger_run(&o, out);
}

/* The lines of one upload message, across the person's visits here. */
typedef struct upload_scan {
	yb_store_tx *tx;
	const char *fix, *psn_no, *msgid;
	long n;
} upload_scan;

static int undo_upload_in(const yb_mdtrt_rec *r, void *arg)
{
	upload_scan *us = arg;
	line_set ls = {NULL, 0, 0};
	size_t i;
	long n = 0;
	int rc, any = 0;

	if (strcmp(r->fixmedins_code, us->fix) != 0)
		return 0;
	if ((rc = load_lines(us->tx, r->psn_no, r->mdtrt_id, &ls)) < 0)
		goto done;
	for (i = 0; i < ls.n; i++) {
		if (strcmp(ls.v[i].msgid, us->msgid) != 0)
			continue;
		if (ls.v[i].setl_id[0]) {
			rc = yb_error_set(YB_EREFUSED, "omsgid: its line %s is settled (setl_id %s); cancel that settlement first",
					  ls.v[i].sn, ls.v[i].setl_id);
			goto done;
		}
		ls.v[i].del = 1;
		any = 1;
	}
	if (any && (rc = delete_chosen(us->tx, r->psn_no, r->mdtrt_id, &ls, &n)) == 0)
		us->n += n;
done:
	free(ls.v);
	return rc;
}

int ledger_cancel_upload_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			    const char *msgid, long *n)
{
	upload_scan us = {tx, fix, psn_no, msgid, 0};
	int rc = yb_tx_each_mdtrt(tx, psn_no, undo_upload_in, &us);

	*n = us.n;
	return rc;
}

/* ---------------------------------------------------------------- 5204 */

typedef struct fee_query {
	const char *fix, *psn_no, *mdtrt_id;
	yb_buf *out;
	yb_jw w;
} fee_query;

static int list_line(const yb_fee_row *r, void *arg)
{
	write_line(&((fee_query *)arg)->w, r, 1);
	return 0;
}

static int query_fees_work(yb_store_tx *tx, void *arg)
{
	fee_query *q = arg;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	int rc;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = ledger_own_visit(tx, q->fix, q->psn_no, q->mdtrt_id, v)) == 0) {
		yb_jw_init(&q->w, q->out);
		yb_jw_obj(&q->w, NULL);
		yb_jw_arr(&q->w, "feedetail");
		rc = yb_tx_each_fee(tx, q->psn_no, q->mdtrt_id, list_line, q);
		yb_jw_end(&q->w, ']');
		yb_jw_end(&q->w, '}');
		if (rc == 0 && q->out->oom)
			rc = yb_error_set(YB_ENOMEM, "out of memory");
	}
	free(v);
	return rc;
}

int yb_ledger_query_fees(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			 const char *mdtrt_id, yb_buf *out)
{
	fee_query q;
	size_t mark = out->len;
	int rc;

	if ((rc = ids_ok(psn_no, mdtrt_id)) < 0)
		return rc;
	if (!fixmedins_code || !*fixmedins_code)
		return yb_error_set(YB_EINVALID, "fixmedins_code: missing");
	memset(&q, 0, sizeof(q));
	q.fix = fixmedins_code;
	q.psn_no = psn_no;
	q.mdtrt_id = mdtrt_id;
	q.out = out;
	if ((rc = yb_store_read(yb_ledger_store(l), query_fees_work, &q)) < 0) {
		out->len = mark;
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return rc;
}
