/* Employees: contribution months (OE5) and medical retirement (N6).
 *
 * Design notes
 *  1. The months are the facts; the employees' insurance periods the
 *     ledger reads (psn_insu, insutype 310) are derived from them so that
 *     a settlement needs no more reads than before: from the first month
 *     recorded to the last (to the end of time once retired), each day is
 *     judged by yb_employee_active() (OE5) and the runs become periods -
 *     active: insured (psn_insu_stas 1); arrears, or a late payment before
 *     its day: paused (2), which the ledger refuses with OE5's message; no
 *     contribution owed: no period. Periods outside those months (loaded
 *     ones) are kept, cut where the months begin and end.
 *  2. Retirement approved (N6 eligible) records the application with its
 *     first retiree month; from that month the periods are the retiree's
 *     psn_type (12xx for 11xx) and need no more months. */
#include "admin_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MONTHS 1200   /* 100 years of months per person */
#define MAX_ROWS 2600     /* insurance periods of one person: two a month at most */

int admin_load_spans(yb_store_tx *tx, const char *psn_no, yb_contrib_span **spans, size_t *n)
{
	yb_month_rec *m = malloc(MAX_MONTHS * sizeof(*m));
	yb_contrib_span *s = malloc(MAX_MONTHS * sizeof(*s));
	size_t i, k = 0, n_m = 0;
	int rc;

	*spans = NULL;
	*n = 0;
	if (!m || !s) {
		free(m);
		free(s);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	if ((rc = yb_tx_get_months(tx, psn_no, m, MAX_MONTHS, &n_m)) < 0) {
		free(m);
		free(s);
		return rc;
	}
	for (i = 0; i < n_m; i++) {
		if (k && s[k - 1].to + 1 == m[i].month && s[k - 1].status == m[i].status &&
		    s[k - 1].paid_date == m[i].paid_date) {
			s[k - 1].to = m[i].month;
			continue;
		}
		s[k].from = s[k].to = m[i].month;
		s[k].status = m[i].status;
		s[k++].paid_date = m[i].paid_date;
	}
	free(m);
	*spans = s;
	*n = k;
	return 0;
}

static int32_t retired_from(yb_store_tx *tx, const char *psn_no, int *rc)
{
	yb_retire_rec r[32];
	size_t i, n = 0;
	int32_t from = YB_MONTH_NONE;

	if ((*rc = yb_tx_get_retires(tx, psn_no, r, 32, &n)) < 0)
		return YB_MONTH_NONE;
	for (i = 0; i < n; i++)
		if (r[i].eligible && r[i].retired_from != YB_MONTH_NONE &&
		    (from == YB_MONTH_NONE || r[i].retired_from < from))
			from = r[i].retired_from;
	return from;
}

/* The contribution history enroll/ judges (OE5, N6): the person's facts
 * and months; spans are borrowed. */
static yb_contrib_history history_of(const yb_psn_facts *f, const yb_contrib_span *spans, size_t n,
				     yb_month retired)
{
	yb_contrib_history h;

	memset(&h, 0, sizeof(h));
	h.gend = f->gend;
	h.deemed_months = f->deemed_months;
	h.spans = spans;
	h.n_spans = n;
	h.retired_from = retired;
	return h;
}

void admin_w_spans(yb_jw *w, const char *key, const yb_contrib_span *s, size_t n)
{
	size_t i;

	yb_jw_arr(w, key);
	for (i = 0; i < n; i++) {
		yb_jw_obj(w, NULL);
		admin_w_month(w, "from", s[i].from);
		admin_w_month(w, "to", s[i].to);
		yb_jw_str(w, "status", yb_month_status_name(s[i].status));
		if (s[i].status == YB_MONTH_LATE_PAID)
			admin_w_date(w, "paid_date", s[i].paid_date);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

static void w_rows(yb_jw *w, const char *key, const yb_insu_row *r, size_t n, int insutype)
{
	size_t i;

	yb_jw_arr(w, key);
	for (i = 0; i < n; i++) {
		if (insutype && r[i].insutype != insutype)
			continue;
		yb_jw_obj(w, NULL);
		yb_jw_int(w, "insutype", r[i].insutype);
		yb_jw_str(w, "psn_type", r[i].psn_type);
		admin_w_date(w, "begndate", r[i].begndate);
		admin_w_date(w, "enddate", r[i].enddate); /* null: open-ended */
		yb_jw_int(w, "psn_insu_stas", r[i].psn_insu_stas);
		if (r[i].pay_id[0])
			yb_jw_str(w, "pay_id", r[i].pay_id);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

/* Adds a period to out (if there is room). */
static int add_row(yb_insu_row *out, size_t *n, int insutype, const char *type, yb_date b, yb_date e, int stas)
{
	if (*n == MAX_ROWS)
		return yb_error_set(YB_EOVERFLOW, "psn_no: more than %d insurance periods", MAX_ROWS);
	memset(&out[*n], 0, sizeof(out[0]));
	out[*n].insutype = insutype;
	snprintf(out[*n].psn_type, sizeof(out[0].psn_type), "%s", type);
	out[*n].begndate = b;
	out[*n].enddate = e;
	out[(*n)++].psn_insu_stas = stas;
	return 0;
}

int admin_emp_rebuild(yb_store_tx *tx, const yb_enrol_policy *ep, const yb_psn_facts *f,
		      const char *psn_type, yb_jw *before, yb_jw *after)
{
	int insutype = ep->n_employee_insutype ? ep->employee_insutype[0] : 310;
	yb_insu_row *rows = malloc(MAX_ROWS * sizeof(*rows)), *out = malloc(MAX_ROWS * sizeof(*out));
	yb_contrib_span *spans = NULL;
	yb_contrib_history h;
	yb_benefit_state st;
	char base[8] = "1101", retiree[8];
	size_t i, n = 0, n_out = 0, n_spans = 0;
	yb_date A, B, d, run_from = YB_DATE_NONE, retire_day = YB_DATE_MAX;
	int rc, key, run_key = -1;
	int32_t rf;

	if (!rows || !out) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = admin_load_spans(tx, f->psn_no, &spans, &n_spans)) < 0 ||
	    (rc = yb_tx_get_insu(tx, f->psn_no, rows, MAX_ROWS, &n)) < 0)
		goto done;
	rf = retired_from(tx, f->psn_no, &rc);
	if (rc < 0)
		goto done;
	if (!n_spans && rf == YB_MONTH_NONE)
		goto done; /* nothing recorded: the periods are as loaded */
	h = history_of(f, spans, n_spans, rf);
	if ((rc = yb_contrib_check(ep, &h)) < 0)
		goto done;
	for (i = 0; i < n; i++) /* the latest in-service and retiree types */
		if (rows[i].insutype == insutype && strncmp(rows[i].psn_type, "11", 2) == 0)
			snprintf(base, sizeof(base), "%s", rows[i].psn_type);
	if (psn_type && psn_type[0])
		snprintf(base, sizeof(base), "%s", psn_type);
	snprintf(retiree, sizeof(retiree), "12%s", base + (strlen(base) >= 2 ? 2 : strlen(base)));
	for (i = 0; i < n; i++)
		if (rows[i].insutype == insutype && (rows[i].psn_type[0] == '1' &&
		    (rows[i].psn_type[1] == '2' || rows[i].psn_type[1] == '3')))
			snprintf(retiree, sizeof(retiree), "%s", rows[i].psn_type);
	if (rf != YB_MONTH_NONE)
		retire_day = yb_month_first(rf);
	A = n_spans ? yb_month_first(spans[0].from) : retire_day;
	if (A > retire_day)
		A = retire_day;
	B = rf != YB_MONTH_NONE ? YB_DATE_MAX : yb_month_last(spans[n_spans - 1].to);

	/* periods outside [A, B] are kept, cut at its ends (note 1) */
	for (i = 0; i < n; i++) {
		const yb_insu_row *r = &rows[i];
		if (r->insutype != insutype) {
			out[n_out++] = *r;
			continue;
		}
		if (r->begndate < A && (rc = add_row(out, &n_out, insutype, r->psn_type, r->begndate,
						    r->enddate < A ? r->enddate : A - 1, r->psn_insu_stas)) < 0)
			goto done;
		if (B != YB_DATE_MAX && r->enddate > B &&
		    (rc = add_row(out, &n_out, insutype, r->psn_type, r->begndate > B ? r->begndate : B + 1,
				  r->enddate, r->psn_insu_stas)) < 0)
			goto done;
	}
	/* each day of the months judged by OE5; runs become periods */
	for (d = A; d < retire_day && d <= B; d++) {
		if ((rc = yb_employee_active(&st, ep, &h, d)) < 0)
			goto done;
		key = st.active ? 1 : st.status == YB_MONTH_STOPPED ? 0 : 2;
		if (key != run_key) {
			if (run_key > 0 && (rc = add_row(out, &n_out, insutype, base, run_from, d - 1, run_key)) < 0)
				goto done;
			run_key = key;
			run_from = d;
		}
	}
	if (run_key > 0 && (rc = add_row(out, &n_out, insutype, base, run_from, d - 1, run_key)) < 0)
		goto done;
	if (rf != YB_MONTH_NONE && (rc = add_row(out, &n_out, insutype, retiree, retire_day, YB_DATE_MAX, 1)) < 0)
		goto done;

	if (before)
		w_rows(before, "insurance", rows, n, insutype);
	if ((rc = yb_tx_del_insu(tx, f->psn_no, insutype)) < 0)
		goto done;
	for (i = 0; i < n_out; i++)
		if (out[i].insutype == insutype && (rc = yb_tx_put_insu(tx, f->psn_no, &out[i])) < 0)
			goto done;
	if (after)
		w_rows(after, "insurance", out, n_out, insutype);
done:
	free(rows);
	free(out);
	free(spans);
	return rc;
}

/* ---------------------------------------------------- contributions */

static const char *const month_names[] = {"stopped", "paid", "due", "arrears", "late_paid"};

static int contrib_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"gend", "deemed_months", "deemed_years", "psn_type", "months", NULL};
	static const char *const mkeys[] = {"from", "to", "status", "paid_date", NULL};
	const yb_json *b = u->in->body, *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(NULL, "months");
	const yb_enrol_policy *ep;
	yb_psn_facts f;
	yb_contrib_span *spans = NULL;
	yb_contrib_history h;
	yb_benefit_state st;
	char gend[4] = "", psn_type[8] = "", from_s[12], to_s[12];
	int64_t dm = -1, dy = -1;
	size_t n_spans = 0;
	long i = 0, total = 0;
	int rc, k;
	yb_jw w, bw, aw;

	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = yb_jget_code(b, NULL, "gend", 0, gend, sizeof(gend))) < 0 ||
	    (rc = yb_jget_decimal(b, NULL, "deemed_months", 0, 0, &dm, NULL)) < 0 ||
	    (rc = yb_jget_decimal(b, NULL, "deemed_years", 0, 0, &dy, NULL)) < 0 ||
	    (rc = yb_jget_code(b, NULL, "psn_type", 0, psn_type, sizeof(psn_type))) < 0 ||
	    (rc = admin_field(yb_jget_array(b, NULL, "months", 1, &arr))) < 0)
		return rc;
	if (gend[0] && strcmp(gend, "1") && strcmp(gend, "2"))
		return yb_error_set(YB_EINVALID, "gend: not 1 (man) or 2 (woman)");
	if (dm >= 0 && dy >= 0)
		return yb_error_set(YB_EINVALID, "deemed_months: give deemed_years or deemed_months, not both");
	if (dm > 960 || dy > 80)
		return yb_error_set(YB_EINVALID, "%s: more than 80 years", dm > 960 ? "deemed_months" : "deemed_years");
	if (psn_type[0] && (strlen(psn_type) != 4 || strncmp(psn_type, "11", 2) != 0))
		return yb_error_set(YB_EINVALID, "psn_type: not an employee's in-service type (11xx)");
	if ((rc = yb_tx_get_facts(tx, u->in->id, NULL, &f)) < 0 ||
	    (rc = admin_enrol_policy(u->a, f.insu_admdvs, &ep)) < 0)
		return rc;
	yb_jw_init(&bw, &u->before);
	yb_jw_obj(&bw, NULL);
	if ((rc = admin_load_spans(tx, f.psn_no, &spans, &n_spans)) < 0)
		return rc;
	admin_w_spans(&bw, "contributions", spans, n_spans);
	free(spans);
	spans = NULL;
	yb_jw_int(&bw, "deemed_months", f.deemed_months);
	if (gend[0])
		f.gend = gend[0];
	if (dm >= 0)
		f.deemed_months = (int)dm;
	if (dy >= 0)
		f.deemed_months = (int)dy * 12;
	if ((rc = yb_tx_put_facts(tx, &f, 0)) < 0)
		return rc;

	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		yb_month_rec m;
		yb_month from, to;
		const char *status = NULL;
		if (c->type != YB_JSON_OBJECT)
			return yb_jpath_error(&ip, NULL, "not an object");
		m.paid_date = YB_DATE_NONE;
		if ((rc = admin_known(c, &ip, mkeys)) < 0 ||
		    (rc = admin_field(yb_jget_code(c, &ip, "from", 1, from_s, sizeof(from_s)))) < 0 ||
		    (rc = admin_field(yb_jget_code(c, &ip, "to", 1, to_s, sizeof(to_s)))) < 0 ||
		    (rc = admin_field(yb_jget_str(c, &ip, "status", 1, 16, &status))) < 0 ||
		    (rc = yb_jget_date(c, &ip, "paid_date", 0, &m.paid_date)) < 0)
			return rc;
		if (yb_month_parse(&from, from_s, strlen(from_s)) < 0)
			return yb_jpath_error(&ip, "from", "not a month (YYYY-MM)");
		if (yb_month_parse(&to, to_s, strlen(to_s)) < 0)
			return yb_jpath_error(&ip, "to", "not a month (YYYY-MM)");
		if (to < from)
			return yb_jpath_error(&ip, "to", "before 'from'");
		if (from < ep->system_start)
			return yb_jpath_error(&ip, "from", "before the system began (N6: earlier years are deemed)");
		for (k = 0; k < 5 && strcmp(month_names[k], status) != 0; k++)
			;
		if (k == 5)
			return yb_jpath_error(&ip, "status", "not paid, due, arrears, late_paid or stopped");
		if ((k == YB_MONTH_LATE_PAID) != (m.paid_date != YB_DATE_NONE))
			return yb_jpath_error(&ip, "paid_date", k == YB_MONTH_LATE_PAID ? "missing (when the arrears were paid)"
										    : "only for late_paid");
		if ((total += to - from + 1) > MAX_MONTHS)
			return yb_jpath_error(&ap, NULL, "more than %d months", MAX_MONTHS);
		m.status = k;
		for (m.month = from; m.month <= to; m.month++)
			if ((rc = yb_tx_put_month(tx, f.psn_no, &m, u->now)) < 0)
				return rc;
	}
	yb_jw_init(&aw, &u->after);
	yb_jw_obj(&aw, NULL);
	if ((rc = admin_emp_rebuild(tx, ep, &f, psn_type, &bw, &aw)) < 0)
		return rc == YB_EINVALID ? yb_error_prefix(rc, "months") : rc;
	yb_jw_end(&bw, '}');
	if ((rc = admin_load_spans(tx, f.psn_no, &spans, &n_spans)) < 0)
		return rc;
	h = history_of(&f, spans, n_spans, retired_from(tx, f.psn_no, &rc));
	if (rc < 0 || (rc = yb_employee_active(&st, ep, &h, yb_datetime_date(u->now))) < 0) {
		free(spans);
		return rc;
	}
	admin_w_spans(&aw, "contributions", spans, n_spans);
	yb_jw_int(&aw, "deemed_months", f.deemed_months);
	yb_jw_end(&aw, '}');
	admin_record(u, "contributions", "psn:%s/contributions", f.psn_no);

	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", f.psn_no);
	admin_w_person(&w, "person", &f);
	admin_w_spans(&w, "contributions", spans, n_spans);
	yb_jw_obj(&w, "benefit_today");
	yb_jw_bool(&w, "active", st.active);
	admin_w_month(&w, "month", st.month);
	yb_jw_str(&w, "status", st.status >= 0 ? yb_month_status_name(st.status) : "retired");
	yb_jw_str(&w, "rule", "OE5");
	yb_jw_end(&w, '}');
	yb_jw_end(&w, '}');
	free(spans);
	return 0;
}

int yb_admin_contrib(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = contrib_tx, .out = out};
	const yb_json *b;
	int rc;

	if ((rc = admin_psn_no(in->id, "psn_no")) < 0 || (rc = admin_body(in, &b)) < 0)
		return rc;
	return admin_change(&u, 0);
}

/* --------------------------------------------------------- retirement */

typedef struct retire_job {
	int approve;             /* POST /retirement: record it when eligible */
} retire_job;

/* Records an eligible retirement (N6): the application, and the
 * insurance periods rebuilt with the retiree's from the first retiree
 * month; the audit record keeps the check. */
static int retire_record(yb_store_tx *tx, admin_unit *u, const yb_enrol_policy *ep,
			 const yb_psn_facts *f, const yb_retire_check *chk)
{
	yb_retire_rec r;
	yb_jw bw, aw;
	int rc;

	memset(&r, 0, sizeof(r));
	snprintf(r.psn_no, sizeof(r.psn_no), "%s", f->psn_no);
	r.apply_month = chk->apply_month;
	r.eligible = 1;
	r.retired_from = chk->first_retiree_month;
	r.appl_time = u->now;
	snprintf(r.staff_id, sizeof(r.staff_id), "%s", u->who->staff_id);
	yb_jw_init(&bw, &u->before);
	yb_jw_obj(&bw, NULL);
	yb_jw_init(&aw, &u->after);
	yb_jw_obj(&aw, NULL);
	if ((rc = yb_tx_put_retire(tx, &r)) < 0 ||
	    (rc = admin_emp_rebuild(tx, ep, f, NULL, &bw, &aw)) < 0)
		return rc;
	yb_jw_end(&bw, '}');
	admin_w_month(&aw, "retired_from", r.retired_from);
	yb_enrol_write_retire(&aw, "check", chk);
	yb_jw_end(&aw, '}');
	return 0;
}

static int retire_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"psn_no", "apply_month", "retirement_approved", NULL};
	retire_job *j = u->arg;
	const yb_json *b = u->in->body;
	const yb_enrol_policy *ep;
	yb_contrib_span *spans = NULL;
	yb_contrib_history h;
	yb_retire_check chk;
	yb_psn_facts f;
	const char *psn_no = NULL;
	char month[12] = "";
	yb_month apply;
	size_t n_spans = 0;
	int approved = 0, rc;
	yb_jw w;

	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "psn_no", 1, YB_ID_MAX - 1, &psn_no))) < 0 ||
	    (rc = admin_field(yb_jget_code(b, NULL, "apply_month", 1, month, sizeof(month)))) < 0 ||
	    (rc = admin_bool(b, NULL, "retirement_approved", &approved)) < 0)
		return rc;
	if ((rc = admin_psn_no(psn_no, "psn_no")) < 0)
		return rc;
	if (yb_month_parse(&apply, month, strlen(month)) < 0)
		return yb_error_set(YB_EINVALID, "apply_month: not a month (YYYY-MM)");
	if ((rc = yb_tx_get_facts(tx, psn_no, NULL, &f)) < 0 ||
	    (rc = admin_enrol_policy(u->a, f.insu_admdvs, &ep)) < 0)
		return rc;
	if (f.gend != '1' && f.gend != '2')
		return yb_error_set(YB_EINVALID, "gend: unknown for %s (record it with the contributions)", f.psn_no);
	if ((rc = admin_load_spans(tx, f.psn_no, &spans, &n_spans)) < 0)
		return rc;
	/* N6 is checked at the application month as if not retired yet */
	h = history_of(&f, spans, n_spans, YB_MONTH_NONE);
	rc = yb_retire_check_run(&chk, ep, &h, approved, apply);
	free(spans);
	if (rc < 0)
		return rc;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", f.psn_no);
	admin_w_person(&w, "person", &f);
	yb_enrol_write_retire(&w, "check", &chk);
	if (j->approve && chk.eligible) {
		if ((rc = retire_record(tx, u, ep, &f, &chk)) < 0)
			return rc;
		admin_w_month(&w, "retired_from", chk.first_retiree_month);
		admin_record(u, "retirement", "psn:%s/retirement:%s", f.psn_no, month);
	}
	yb_jw_end(&w, '}');
	if (j->approve && !chk.eligible)
		return yb_error_set(YB_EREFUSED, "retirement: %s does not meet N6 in %s (see the check and its options)",
				    f.psn_no, month);
	return 0;
}

static int run_retire(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out, int approve)
{
	retire_job j = {approve};
	admin_unit u = {.a = a, .who = who, .in = in, .fn = retire_tx, .arg = &j, .out = out};
	const yb_json *b;
	int rc;

	if ((rc = admin_body(in, &b)) == 0)
		rc = approve ? admin_change(&u, 0) : admin_read(&u);
	return rc;
}

int yb_admin_retire_check(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_retire(a, who, in, out, 0);
}

int yb_admin_retire(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_retire(a, who, in, out, 1);
}
