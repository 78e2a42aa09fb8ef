/* The ledger's reversal (2601), reconciliation (3201) and the queries of
 * settlements (5203) and accumulators (5206).
 *
 * Design notes (reversal)
 *  1. A client that does not know whether message M (omsgid) completed
 *     sends 2601. In one unit of the person's: if M's idempotency record
 *     exists, what M did is undone (a registration cancelled, an upload's
 *     lines deleted, a settlement cancelled, a discharge cancelled) and the
 *     record is marked reversed; if not, a void record is written under
 *     M's msgid. Either way a late or retried M is refused (ECONFLICT), and
 *     the client sends its message again with a new msgid.
 *  2. A second reversal of M answers as the first did. Messages whose undo
 *     would need what they destroyed (2202, 2205, 2208, ...) are refused. */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ reversal */

typedef struct rev_args {
	const char *psn_no, *omsgid, *oinfno;
} rev_args;

static int is(const char *infno, const char *a, const char *b)
{
	return strcmp(infno, a) == 0 || (b && strcmp(infno, b) == 0);
}

static void rev_output(yb_buf *output, const rev_args *a, const char *rslt, const char *setl_id)
{
	yb_jw w;

	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "omsgid", a->omsgid);
	yb_jw_str(&w, "oinfno", a->oinfno);
	yb_jw_str(&w, "rslt", rslt);
	yb_jw_str(&w, "setl_id", setl_id && *setl_id ? setl_id : NULL);
	yb_jw_end(&w, '}');
}

/* Undoes what message rec did; setl_id gets the cancel, if one. */
static int undo(yb_store_tx *tx, ledger_op *o, const yb_idem_rec *rec, char setl_id[YB_ID_MAX])
{
	const char *fix = o->m->fixmedins_code;
	yb_buf scratch = YB_BUF_INIT;
	yb_setl_stored *st = NULL;
	char found[YB_ID_MAX];
	long n;
	int rc;

	setl_id[0] = '\0';
	if (is(rec->infno, "2201", "2401")) {
		rc = ledger_cancel_visit_tx(tx, fix, rec->psn_no, rec->ref, &scratch);
	} else if (is(rec->infno, "2204", "2301")) {
		rc = ledger_cancel_upload_tx(tx, fix, rec->psn_no, rec->msgid, &n);
	} else if (is(rec->infno, "2207", "2304")) {
		rc = yb_tx_find_setl_by_msgid(tx, rec->psn_no, fix, rec->msgid, found);
		if (rc == YB_ENOTFOUND) {
			rc = yb_error_set(YB_ECONFLICT, "omsgid: no settlement of message %s", rec->msgid);
		} else if (rc == 0 && !(st = malloc(sizeof(*st)))) {
			rc = yb_error_set(YB_ENOMEM, "out of memory");
		} else if (rc == 0 && (rc = yb_tx_get_settlement(tx, found, st)) == 0 && !st->cancelled) {
			/* cancelled already (2208): nothing left to undo */
			rc = ledger_cancel_setl_tx(o->l, tx, fix, o->m->msgid, found, NULL, NULL, ledger_now(o->m),
						   &scratch, NULL, NULL);
			if (rc == 0) {
				const char *p = strstr(scratch.ptr ? scratch.ptr : "", "\"setl_id\":\"");
				if (p)
					snprintf(setl_id, YB_ID_MAX, "%.*s", (int)strcspn(p + 11, "\""), p + 11);
			}
		}
	} else if (is(rec->infno, "2402", NULL)) {
		rc = ledger_cancel_dscg_tx(tx, fix, rec->psn_no, rec->ref, &scratch);
	} else {
		rc = yb_error_set(YB_EREFUSED, "oinfno: a %s cannot be reversed (2601 reverses 2201, 2401, 2204,"
				  " 2301, 2207, 2304, 2402)", rec->infno);
	}
	free(st);
	yb_buf_free(&scratch);
	return rc < 0 ? yb_error_prefix(rc, "omsgid %s", rec->msgid) : rc;
}

static int reverse_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const rev_args *a = o->arg;
	const char *fix = o->m->fixmedins_code;
	yb_idem_rec rec;
	char setl_id[YB_ID_MAX] = "";
	int rc;

	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "2601");
	rc = yb_tx_get_idem_rec(tx, a->psn_no, fix, a->omsgid, &rec, NULL);
	if (rc == YB_ENOTFOUND) {
		/* never arrived (or refused): it never will */
		memset(&rec, 0, sizeof(rec));
		snprintf(rec.fixmedins_code, sizeof(rec.fixmedins_code), "%s", fix);
		snprintf(rec.msgid, sizeof(rec.msgid), "%s", a->omsgid);
		snprintf(rec.psn_no, sizeof(rec.psn_no), "%s", a->psn_no);
		snprintf(rec.infno, sizeof(rec.infno), "%s", a->oinfno);
		snprintf(rec.req, sizeof(rec.req), "void");
		rec.state = YB_IDEM_VOID;
		if ((rec.fmt = YB_IDEM_OUTPUT, rc = yb_tx_put_idem_rec(tx, &rec, "")) < 0)
			return rc;
		rev_output(output, a, "voided", NULL);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (strcmp(rec.infno, a->oinfno) != 0)
		return yb_error_set(YB_EINVALID, "oinfno: message %s was a %s, not a %s", a->omsgid, rec.infno, a->oinfno);
	if (rec.psn_no[0] && strcmp(rec.psn_no, a->psn_no) != 0)
		return yb_error_set(YB_EREFUSED, "psn_no: not the person of message %s", a->omsgid);
	if (rec.state == YB_IDEM_VOID) {
		rev_output(output, a, "voided", NULL);
		return 0;
	}
	if (rec.state == YB_IDEM_REVERSED) {
		rev_output(output, a, "reversed", NULL);
		return 0;
	}
	if ((rc = undo(tx, o, &rec, setl_id)) < 0 ||
	    (rc = yb_tx_set_idem_state(tx, a->psn_no, fix, a->omsgid, YB_IDEM_REVERSED)) < 0)
		return rc;
	snprintf(o->ref, sizeof(o->ref), "%s", setl_id);
	rev_output(output, a, "reversed", setl_id);
	return 0;
}

int yb_ledger_reverse(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
		      const char *omsgid, const char *oinfno, yb_buf *out)
{
	rev_args a = {psn_no, omsgid, oinfno};
	ledger_op o;

	if (!psn_no || !*psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	if (!omsgid || !*omsgid)
		return yb_error_set(YB_EINVALID, "omsgid: missing");
	if (!oinfno || !*oinfno)
		return yb_error_set(YB_EINVALID, "oinfno: missing");
	if (strlen(omsgid) >= YB_ID_MAX || strlen(psn_no) >= YB_ID_MAX || strlen(oinfno) >= 8)
		return yb_error_set(YB_EINVALID, "%s: too long", strlen(omsgid) >= YB_ID_MAX ? "omsgid" :
				    strlen(psn_no) >= YB_ID_MAX ? "psn_no" : "oinfno");
	/* a msgid is its sender's fixmedins_code + time + serial (NHSA.md) */
	if (m->fixmedins_code && strlen(m->fixmedins_code) == 12 && strlen(omsgid) == 30 &&
	    strncmp(omsgid, m->fixmedins_code, 12) != 0)
		return yb_error_set(YB_EREFUSED, "omsgid: %s is not a message of this institution", omsgid);
	if (m->msgid && strcmp(m->msgid, omsgid) == 0)
		return yb_error_set(YB_EINVALID, "omsgid: a message cannot reverse itself");
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = psn_no;
	o.fn = reverse_fn;
	o.arg = &a;
	ledger_req(&o, "reverse|%s|%s|%s", psn_no, omsgid, oinfno);
	return ledger_run(&o, out);
}

/* ------------------------------------------------------- reconciliation */

typedef struct recon_job {
	const yb_recon_req *r;
	yb_recon_rows rows;
} recon_job;

static int recon_work(yb_store_tx *tx, void *arg)
{
	recon_job *j = arg;
	yb_datetime from = (yb_datetime)j->r->begndate * 86400;
	yb_datetime to = ((yb_datetime)j->r->enddate + 1) * 86400;
	return yb_tx_reconcile(tx, j->r->fixmedins_code, j->r->insutype, j->r->clr_type, from, to, &j->rows);
}

int yb_ledger_reconcile(yb_ledger *l, const yb_recon_req *r, yb_recon *out)
{
	recon_job j;
	int rc;

	if (!r->fixmedins_code || !*r->fixmedins_code)
		return yb_error_set(YB_EINVALID, "fixmedins_code: missing");
	if (r->begndate == YB_DATE_NONE || r->enddate == YB_DATE_NONE || r->enddate == YB_DATE_MAX)
		return yb_error_set(YB_EINVALID, "stmt_begndate: the period needs both dates");
	if (r->enddate < r->begndate)
		return yb_error_set(YB_EINVALID, "stmt_enddate: before stmt_begndate");
	if (r->clr_type && r->clr_type != 11 && r->clr_type != 21)
		return yb_error_set(YB_EINVALID, "clr_type: not 11 (outpatient) or 21 (inpatient)");
	memset(&j, 0, sizeof(j));
	j.r = r;
	if ((rc = yb_store_read(yb_ledger_store(l), recon_work, &j)) < 0)
		return rc;
	out->setl_cnt = j.rows.setl_cnt;
	out->cancel_cnt = j.rows.cancel_cnt;
	out->medfee_sumamt = j.rows.medfee_sumamt;
	out->fund_pay_sumamt = j.rows.fund_pay_sumamt;
	out->acct_pay = j.rows.acct_pay;
	out->psn_cash_pay = j.rows.psn_cash_pay;
	return 0;
}

/* ---------------------------------------------------------------- 5203 */

typedef struct setl_query {
	const char *fix, *psn_no, *mdtrt_id, *setl_id;
	yb_buf *out;
	yb_store_tx *tx;
	char (*ids)[YB_ID_MAX];
	size_t n, cap;
	yb_jw w;
	int rc;
} setl_query;

static int list_setl(const yb_setl_row *r, int cancelled, void *arg)
{
	setl_query *q = arg;

	if (strcmp(r->fixmedins_code, q->fix) != 0 || (q->setl_id && strcmp(r->setl_id, q->setl_id) != 0))
		return 0;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		char (*p)[YB_ID_MAX] = realloc(q->ids, cap * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		q->ids = p;
		q->cap = cap;
	}
	snprintf(q->ids[q->n++], YB_ID_MAX, "%s", r->setl_id);
	yb_jw_obj(&q->w, NULL);
	ledger_write_setl_fields(&q->w, r);
	yb_jw_int(&q->w, "cancelled", cancelled);
	yb_jw_int(&q->w, "mid_setl_flag", r->mid_setl);
	yb_jw_end(&q->w, '}');
	return 0;
}

static int query_setl_work(yb_store_tx *tx, void *arg)
{
	setl_query *q = arg;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	yb_fund_pay funds[YB_MAX_FUNDS];
	size_t i;
	int k, n, rc;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	/* a registered visit must be this institution's; a settlement of an
	 * unregistered visit (yibao settle) answers by its own institution */
	rc = yb_tx_get_mdtrt(tx, q->psn_no, q->mdtrt_id, v);
	if (rc == 0 && strcmp(v->fixmedins_code, q->fix) != 0)
		rc = yb_error_set(YB_ENOTFOUND, "mdtrt_id: no visit %s of psn_no %s at this institution", q->mdtrt_id, q->psn_no);
	else if (rc == YB_ENOTFOUND)
		rc = 0;
	free(v);
	if (rc < 0)
		return rc;
	yb_jw_init(&q->w, q->out);
	yb_jw_obj(&q->w, NULL);
	yb_jw_arr(&q->w, "setlinfo");
	if ((rc = yb_tx_each_setl(tx, q->psn_no, q->mdtrt_id, list_setl, q)) < 0)
		return rc;
	yb_jw_end(&q->w, ']');
	if (q->setl_id && !q->n)
		return yb_error_set(YB_ENOTFOUND, "setl_id: no settlement %s of this visit at this institution", q->setl_id);
	yb_jw_arr(&q->w, "setldetail");
	for (i = 0; i < q->n; i++) {
		if ((rc = yb_tx_get_setl_funds(tx, q->psn_no, q->ids[i], funds, &n)) < 0)
			return rc;
		for (k = 0; k < n; k++) {
			yb_jw_obj(&q->w, NULL);
			yb_jw_str(&q->w, "setl_id", q->ids[i]);
			yb_jw_str(&q->w, "fund_pay_type", funds[k].fund_pay_type);
			yb_jw_str(&q->w, "fund_pay_type_name", yb_fund_pay_type_name(funds[k].fund_pay_type));
			yb_jw_money(&q->w, "inscp_scp_amt", funds[k].inscp_scp_amt);
			yb_jw_money(&q->w, "crt_payb_lmt_amt", funds[k].crt_payb_lmt_amt);
			yb_jw_money(&q->w, "fund_payamt", funds[k].fund_payamt);
			yb_jw_str(&q->w, "setl_proc_info", funds[k].setl_proc_info);
			yb_jw_end(&q->w, '}');
		}
	}
	yb_jw_end(&q->w, ']');
	yb_jw_end(&q->w, '}');
	return q->out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

int yb_ledger_query_setl(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			 const char *mdtrt_id, const char *setl_id, yb_buf *out)
{
	setl_query q;
	size_t mark = out->len;
	int rc;

	if (!fixmedins_code || !*fixmedins_code)
		return yb_error_set(YB_EINVALID, "fixmedins_code: missing");
	if (!psn_no || !*psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	if (!mdtrt_id || !*mdtrt_id)
		return yb_error_set(YB_EINVALID, "mdtrt_id: missing");
	memset(&q, 0, sizeof(q));
	q.fix = fixmedins_code;
	q.psn_no = psn_no;
	q.mdtrt_id = mdtrt_id;
	q.setl_id = setl_id && *setl_id ? setl_id : NULL;
	q.out = out;
	rc = yb_store_read(yb_ledger_store(l), query_setl_work, &q);
	free(q.ids);
	if (rc < 0) {
		out->len = mark;
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return rc;
}

/* ---------------------------------------------------------------- 5206 */

typedef struct accum_query {
	const char *psn_no;
	int year;
	yb_buf *out;
} accum_query;

static int query_accums_work(yb_store_tx *tx, void *arg)
{
	accum_query *q = arg;
	yb_accum_row rows[YB_MAX_BUCKETS];
	int i, n, rc;
	yb_jw w;

	/* an unknown person is answered as one with nothing accumulated: the
	 * answer must not tell an institution which psn_no exist */
	if ((rc = yb_tx_get_accums(tx, q->psn_no, q->year, rows, &n)) < 0)
		return rc;
	yb_jw_init(&w, q->out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "cuminfo");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		yb_jw_int(&w, "year", q->year);
		yb_jw_str(&w, "cum_type_code", rows[i].bucket);
		yb_jw_money(&w, "cum", rows[i].amount);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	return q->out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

int yb_ledger_query_accums(yb_ledger *l, const char *psn_no, const char *cum_ym, yb_buf *out)
{
	accum_query q = {psn_no, 0, out};
	size_t mark = out->len, n;
	int rc, i;

	if (!psn_no || !*psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	n = cum_ym ? strlen(cum_ym) : 0;
	if ((n != 4 && n != 6) || strspn(cum_ym, "0123456789") != n)
		return yb_error_set(YB_EINVALID, "cum_ym: not yyyyMM or yyyy");
	for (i = 0; i < 4; i++)
		q.year = q.year * 10 + (cum_ym[i] - '0');
	if (n == 6 && (strncmp(cum_ym + 4, "01", 2) < 0 || strncmp(cum_ym + 4, "12", 2) > 0))
		return yb_error_set(YB_EINVALID, "cum_ym: month not 01-12");
	if ((rc = yb_store_read(yb_ledger_store(l), query_accums_work, &q)) < 0) {
		out->len = mark;
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return rc;
}
