/* JSON in, JSON out, for the enrolment rules: what `yibao enrol`, `yibao
 * retire` and `yibao pay reconcile` read and print (docs/enrolment.md), and
 * what the golden tests feed. No I/O: the caller reads the input and loads
 * the policies. Unknown fields are errors, so a misspelt fact cannot
 * silently count as false. The writers of the decisions (yb_enrol_write_*)
 * are public: the administration API, which decides with the structs,
 * answers with the same JSON. */
#include "enroll_int.h"
#include "yibao/error.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- reading */

/* Members of o not in keys (nor "admdvs", "note") are errors. */
static int known(const yb_json *o, const yb_jpath *p, const char *const *keys)
{
	const yb_json *c;
	const char *const *k;

	for (c = o->child; c; c = c->next) {
		if (strcmp(c->key, "note") == 0 || strcmp(c->key, "admdvs") == 0)
			continue;
		for (k = keys; *k && strcmp(*k, c->key) != 0; k++)
			;
		if (!*k)
			return yb_jpath_error(p, c->key, "unknown field");
	}
	return 0;
}

static int jbool(const yb_json *o, const yb_jpath *p, const char *key, int required, int *out)
{
	const yb_json *v = yb_json_get(o, key);

	if (!v || v->type == YB_JSON_NULL) {
		if (required) {
			yb_jpath_error(p, key, "missing");
			return YB_ENOTFOUND;
		}
		return 0;
	}
	if (v->type != YB_JSON_TRUE && v->type != YB_JSON_FALSE)
		return yb_jpath_error(p, key, "not true or false");
	*out = v->type == YB_JSON_TRUE;
	return 0;
}

static int jint(const yb_json *o, const yb_jpath *p, const char *key, int required,
		int lo, int hi, int *out)
{
	int64_t v;
	int present = 0, rc;

	if ((rc = yb_jget_decimal(o, p, key, required, 0, &v, &present)) < 0 || !present)
		return rc;
	if (v < lo || v > hi)
		return yb_jpath_error(p, key, "outside %d..%d", lo, hi);
	*out = (int)v;
	return 0;
}

static int jmonth(const yb_json *o, const yb_jpath *p, const char *key, int required, yb_month *out)
{
	const char *s = NULL;
	int rc;

	if ((rc = yb_jget_str(o, p, key, required, 16, &s)) < 0 || !s)
		return rc;
	if (yb_month_parse(out, s, strlen(s)) < 0)
		return yb_jpath_error(p, key, "not a month (YYYY-MM)");
	return 0;
}

static int jregion(const yb_json *o, const yb_jpath *p, const char *key, int required, char *out)
{
	int rc = yb_jget_code(o, p, key, required, out, 7);

	if (rc < 0)
		return rc;
	if (out[0] && (strlen(out) != 6 || strspn(out, "0123456789") != 6))
		return yb_jpath_error(p, key, "not a 6-digit region code");
	return 0;
}

static int jinsutype(const yb_json *o, const yb_jpath *p, const char *key, int required, int *out)
{
	char code[8] = "";
	int rc = yb_jget_code(o, p, key, required, code, sizeof(code));

	if (rc < 0 || !code[0])
		return rc;
	if (strlen(code) != 3 || strspn(code, "0123456789") != 3)
		return yb_jpath_error(p, key, "not an insutype code (310, 390, ...)");
	*out = (int)strtol(code, NULL, 10);
	return 0;
}

/* A name declared by the policy, as its index. */
static int jname(const yb_json *o, const yb_jpath *p, const char *key, int required,
		 const yb_enrol_policy *pol, int (*lookup)(const yb_enrol_policy *, const char *),
		 const char *what, int *out)
{
	const char *s = NULL;
	int rc, k;

	if ((rc = yb_jget_str(o, p, key, required, 64, &s)) < 0 || !s)
		return rc;
	if ((k = lookup(pol, s)) < 0)
		return yb_jpath_error(p, key, "unknown %s '%s'", what, s);
	*out = k;
	return 0;
}

/* An element reader's context: the policy, and the caller's array. */
typedef struct pol_ctx {
	const yb_enrol_policy *pol;
	void *out;
} pol_ctx;

/* Each element of the optional array o[key]: an object with members among
 * keys, at most max of them, read by fn(ctx, element, path, index); *n is
 * the count read. */
typedef int (*elem_fn)(void *ctx, const yb_json *e, const yb_jpath *p, size_t i);

static int each_object(const yb_json *o, const yb_jpath *p, const char *key, size_t max,
		       const char *const *keys, elem_fn fn, void *ctx, size_t *n)
{
	yb_jpath ap = YB_JPATH_KEY(p, key);
	const yb_json *arr, *c;
	size_t i = 0;
	int rc;

	*n = 0;
	if ((rc = yb_jget_array(o, p, key, 0, &arr)) < 0 || !arr)
		return rc;
	if (arr->len > max)
		return yb_jpath_error(p, key, "more than %zu entries", max);
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		if (c->type != YB_JSON_OBJECT)
			return yb_jpath_error(&ip, NULL, "not an object");
		if ((rc = known(c, &ip, keys)) < 0 || (rc = fn(ctx, c, &ip, i)) < 0)
			return rc;
		*n = i + 1;
	}
	return 0;
}

static int read_period(const yb_json *o, const yb_jpath *p, int required, yb_date *from, yb_date *to)
{
	int rc;

	*from = YB_DATE_NONE;
	*to = YB_DATE_MAX;
	if ((rc = yb_jget_date(o, p, "begndate", required, from)) < 0 ||
	    (rc = yb_jget_date(o, p, "enddate", 0, to)) < 0)
		return rc;
	if (*from != YB_DATE_NONE && *to < *from)
		return yb_jpath_error(p, "enddate", "before begndate");
	return 0;
}

static int idet_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	pol_ctx *x = ctx;
	yb_enrol_idet *d = &((yb_enrol_idet *)x->out)[i];
	int rc;

	if ((rc = jname(e, p, "idet_type", 1, x->pol, yb_enrol_identity, "identity", &d->type)) < 0 ||
	    (rc = read_period(e, p, 0, &d->begndate, &d->enddate)) < 0)
		return rc;
	if (d->begndate == YB_DATE_NONE)
		d->begndate = yb_date_from_ymd(1900, 1, 1);
	return 0;
}

static int read_idet(const yb_enrol_policy *pol, const yb_json *o, const yb_jpath *p,
		     yb_enrol_idet *out, size_t cap, size_t *n)
{
	static const char *const keys[] = {"idet_type", "begndate", "enddate", NULL};
	pol_ctx x = {pol, out};
	return each_object(o, p, "idet", cap, keys, idet_elem, &x, n);
}

static int read_groups(const yb_enrol_policy *pol, const yb_json *o, const yb_jpath *p, uint32_t *groups)
{
	yb_jpath ap = YB_JPATH_KEY(p, "groups");
	const yb_json *arr, *c;
	long i = 0;
	int rc, k;

	if ((rc = yb_jget_array(o, p, "groups", 0, &arr)) < 0 || !arr)
		return rc;
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		if (c->type != YB_JSON_STRING || (k = yb_enrol_group(pol, c->str)) < 0)
			return yb_jpath_error(&ip, NULL, "not a group of the policy");
		*groups |= 1u << k;
	}
	return 0;
}

/* The facts of a resident; `full` for a calc request (every N1 fact),
 * else an enrolment of the reconciliation file (identity only). */
static int read_resident(const yb_enrol_policy *pol, const yb_json *o, const yb_jpath *p,
			 int full, yb_resident *r, yb_enrol_idet *idet, size_t cap)
{
	static const char *const keys_full[] = {"psn_no", "certno", "psn_name", "gend", "brdy",
		"hukou_admdvs", "residence_permit", "insured_at_origin", "migrant_worker",
		"student", "guardian_local", "groups", "idet", NULL};
	static const char *const keys_enr[] = {"psn_no", "certno", "psn_name", "brdy", "groups", "idet", NULL};
	const char *certno = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	r->brdy = YB_DATE_NONE;
	if ((rc = known(o, p, full ? keys_full : keys_enr)) < 0 ||
	    (rc = yb_jget_str(o, p, "certno", !full, 18, &certno)) < 0 ||
	    (rc = yb_jget_str(o, p, "psn_name", 0, YB_PSN_NAME_MAX - 1, &r->psn_name)) < 0 ||
	    (rc = yb_jget_date(o, p, "brdy", 0, &r->brdy)) < 0 ||
	    (rc = read_groups(pol, o, p, &r->groups)) < 0 ||
	    (rc = read_idet(pol, o, p, idet, cap, &r->n_idet)) < 0)
		return rc;
	if (certno && !yb_certno_valid(certno, strlen(certno)))
		return yb_jpath_error(p, "certno", "not an 18-character ID number with a valid check character");
	r->certno = certno;
	r->idet = idet;
	if (!full)
		return 0;
	if ((rc = jregion(o, p, "hukou_admdvs", 0, r->hukou_admdvs)) < 0 ||
	    (rc = jbool(o, p, "residence_permit", 0, &r->residence_permit)) < 0 ||
	    (rc = jbool(o, p, "insured_at_origin", 0, &r->insured_at_origin)) < 0 ||
	    (rc = jbool(o, p, "migrant_worker", 0, &r->migrant_worker)) < 0 ||
	    (rc = jbool(o, p, "student", 0, &r->student)) < 0 ||
	    (rc = jbool(o, p, "guardian_local", 0, &r->guardian_local)) < 0)
		return rc;
	return 0;
}

static int pay_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	yb_contrib_pay *x = &((yb_contrib_pay *)ctx)[i];
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = yb_jget_str(e, p, "pay_id", 0, YB_PAYID_MAX - 1, &x->pay_id)) < 0 ||
	    (rc = jint(e, p, "year", 1, 1900, 9999, &x->year)) < 0 ||
	    (rc = yb_jget_decimal(e, p, "amount", 1, YB_SCALE_MONEY, &x->amount, NULL)) < 0 ||
	    (rc = yb_jget_datetime(e, p, "paid_time", 1, &x->paid_time)) < 0)
		return rc;
	return yb_jget_str(e, p, "channel", 0, YB_CHANNEL_MAX - 1, &x->channel);
}

static int hist_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	yb_insu_record *h = &((yb_insu_record *)ctx)[i];
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = jinsutype(e, p, "insutype", 1, &h->insutype)) < 0 ||
	    (rc = jregion(e, p, "admdvs", 1, h->admdvs)) < 0)
		return rc;
	return read_period(e, p, 1, &h->begndate, &h->enddate);
}


/* An input's "admdvs", when given, is the policy's region. */
static int same_region(const yb_json *in, const yb_enrol_policy *pol)
{
	char admdvs[8] = "";
	int rc = yb_jget_code(in, NULL, "admdvs", 0, admdvs, 7);

	if (rc < 0)
		return rc;
	if (admdvs[0] && strcmp(admdvs, pol->admdvs) != 0)
		return yb_jpath_error(NULL, "admdvs", "%s, but the enrolment policy is %s's", admdvs, pol->admdvs);
	return 0;
}

/* ------------------------------------------------------------- writing */

static void w_date(yb_jw *w, const char *key, yb_date d)
{
	char b[11];
	if (d == YB_DATE_NONE || d == YB_DATE_MAX) {
		yb_jw_null(w, key);
		return;
	}
	yb_date_format(b, d);
	yb_jw_str(w, key, b);
}

static void w_month(yb_jw *w, const char *key, yb_month m)
{
	char b[8];
	if (m == YB_MONTH_NONE) {
		yb_jw_null(w, key);
		return;
	}
	yb_month_format(b, m);
	yb_jw_str(w, key, b);
}

static void w_time(yb_jw *w, const char *key, yb_datetime t)
{
	char b[20];
	yb_datetime_format(b, t);
	yb_jw_str(w, key, b);
}

static void w_reasons(yb_jw *w, const yb_reasons *r)
{
	int i;
	yb_jw_arr(w, "reasons");
	for (i = 0; i < r->n; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "rule", r->r[i].rule);
		yb_jw_str(w, "text", r->r[i].text);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

static void w_due(yb_jw *w, const yb_enrol_policy *pol, const yb_enrol_due *d,
		  const yb_contrib_pay *pays)
{
	yb_jw_int(w, "year", d->year);
	yb_jw_money(w, "contribution", d->contribution);
	yb_jw_money(w, "subsidy", d->subsidy);
	yb_jw_str(w, "idet_type", d->identity >= 0 ? pol->identity[d->identity] : NULL);
	yb_jw_money(w, "amount", d->amount);
	yb_jw_str(w, "status", yb_due_status_name(d->status));
	w_date(w, "pay_by", d->pay_by);
	yb_jw_str(w, "route", d->pay >= 0 ? yb_route_name(d->route) : NULL);
	yb_jw_str(w, "pay_id", d->pay >= 0 && pays ? pays[d->pay].pay_id : NULL);
	w_date(w, "begndate", d->begndate);
	w_date(w, "enddate", d->enddate);
}

/* ------------------------------------------------------ enrol (N1-N5) */

static int op_enrol(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol)
{
	static const char *const keys[] = {"year", "now", "psn", "insu_history", "payments", NULL};
	static const char *const hkeys[] = {"insutype", "admdvs", "begndate", "enddate", NULL};
	static const char *const pkeys[] = {"pay_id", "year", "amount", "paid_time", "channel", NULL};
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	yb_enrol_idet idet[YB_ENROL_MAX_NAMES];
	yb_insu_record hist[YB_ENROL_MAX_HISTORY];
	yb_contrib_pay pays[YB_ENROL_MAX_PAYMENTS];
	yb_enrol_decision d;
	yb_resident psn;
	yb_datetime now;
	const yb_json *po;
	size_t n_hist, n_pays;
	int year = 0, rc;

	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = jint(in, NULL, "year", 1, 1900, 9999, &year)) < 0 ||
	    (rc = yb_jget_datetime(in, NULL, "now", 1, &now)) < 0 ||
	    (rc = yb_jget_object(in, NULL, "psn", 1, &po)) < 0 ||
	    (rc = read_resident(pol, po, &pp, 1, &psn, idet, YB_ENROL_MAX_NAMES)) < 0 ||
	    (rc = each_object(in, NULL, "insu_history", YB_ENROL_MAX_HISTORY, hkeys, hist_elem, hist, &n_hist)) < 0 ||
	    (rc = each_object(in, NULL, "payments", YB_ENROL_MAX_PAYMENTS, pkeys, pay_elem, pays, &n_pays)) < 0 ||
	    (rc = yb_enrol_decide(&d, pol, year, &psn, hist, n_hist, pays, n_pays, now)) < 0)
		return rc;
	yb_enrol_write_decision(w, NULL, pol, year, &d, pays, n_pays);
	return 0;
}

void yb_enrol_write_dues(yb_jw *w, const char *key, const yb_enrol_policy *pol,
			 const yb_enrol_decision *d, const yb_contrib_pay *pays)
{
	int k;

	yb_jw_arr(w, key);
	for (k = 0; k < d->n_dues; k++) {
		yb_jw_obj(w, NULL);
		w_due(w, pol, &d->dues[k], pays);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

void yb_enrol_write_decision(yb_jw *w, const char *key, const yb_enrol_policy *pol, int year,
			     const yb_enrol_decision *d, const yb_contrib_pay *pays, size_t n_pays)
{
	size_t i;

	yb_jw_obj(w, key);
	yb_jw_str(w, "decision", d->eligible ? "eligible" : "refused");
	yb_jw_int(w, "year", year);
	yb_jw_str(w, "ground", d->ground >= 0 ? yb_ground_name(d->ground) : NULL);
	yb_jw_bool(w, "renewal", d->renewal);
	yb_enrol_write_dues(w, "dues", pol, d, pays);
	yb_jw_arr(w, "payments");
	for (i = 0; i < n_pays; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "pay_id", pays[i].pay_id);
		yb_jw_int(w, "year", pays[i].year);
		yb_jw_money(w, "amount", pays[i].amount);
		w_time(w, "paid_time", pays[i].paid_time);
		yb_jw_str(w, "verdict", yb_pay_verdict_name(d->verdict[i]));
		if (d->verdict[i] == YB_PAY_MISMATCH)
			yb_jw_money(w, "due", d->expected[i]);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
	w_reasons(w, &d->why);
	yb_jw_end(w, '}');
}

/* ------------------------------------------- contributions (OE5, N6) */

static int span_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	static const char *const st[] = {"stopped", "paid", "due", "arrears", "late_paid"};
	yb_contrib_span *s = &((yb_contrib_span *)ctx)[i];
	const char *status = NULL;
	int rc, k;

	s->paid_date = YB_DATE_NONE;
	if ((rc = jmonth(e, p, "from", 1, &s->from)) < 0 ||
	    (rc = jmonth(e, p, "to", 1, &s->to)) < 0 ||
	    (rc = yb_jget_str(e, p, "status", 1, 16, &status)) < 0 ||
	    (rc = yb_jget_date(e, p, "paid_date", 0, &s->paid_date)) < 0)
		return rc;
	for (k = 0; k < 5 && strcmp(st[k], status) != 0; k++)
		;
	if (k == 5)
		return yb_jpath_error(p, "status", "not paid, due, arrears, late_paid or stopped");
	s->status = k;
	return 0;
}

static int read_contribs(const yb_json *in, yb_contrib_span *spans, yb_contrib_history *h)
{
	static const char *const keys[] = {"from", "to", "status", "paid_date", NULL};
	h->spans = spans;
	return each_object(in, NULL, "contributions", YB_ENROL_MAX_SPANS, keys, span_elem, spans, &h->n_spans);
}

/* deemed_years or deemed_months (N6: recognised working time to 1999-12). */
static int read_deemed(const yb_json *in, int *months)
{
	int y = -1, m = -1, rc;

	if ((rc = jint(in, NULL, "deemed_years", 0, 0, 80, &y)) < 0 ||
	    (rc = jint(in, NULL, "deemed_months", 0, 0, 960, &m)) < 0)
		return rc;
	if (y >= 0 && m >= 0)
		return yb_jpath_error(NULL, "deemed_months", "give deemed_years or deemed_months, not both");
	*months = y >= 0 ? 12 * y : m >= 0 ? m : 0;
	return 0;
}

typedef struct cover_ctx {
	yb_date day;
	yb_benefit_state *st;
} cover_ctx;

static int cover_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	cover_ctx *x = ctx;
	yb_date f, t;
	char b[11], d[11];
	int rc = read_period(e, p, 1, &f, &t);

	(void)i;
	if (rc == 0 && f <= x->day && x->day <= t && !x->st->active) {
		x->st->active = 1;
		why_add(&x->st->why, "N3", "covered %s to %s (paid)", enrol_day(b, f), enrol_day(d, t));
	}
	return rc;
}

static int op_benefit(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol)
{
	static const char *const keys[] = {"day", "insutype", "contributions", "retired_from",
		"coverage", NULL};
	static const char *const ckeys[] = {"begndate", "enddate", NULL};
	yb_contrib_span spans[YB_ENROL_MAX_SPANS];
	yb_contrib_history h;
	yb_benefit_state st;
	yb_date day;
	int insutype = 0, rc;

	memset(&h, 0, sizeof(h));
	h.retired_from = YB_MONTH_NONE;
	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = yb_jget_date(in, NULL, "day", 1, &day)) < 0 ||
	    (rc = jinsutype(in, NULL, "insutype", 1, &insutype)) < 0)
		return rc;
	memset(&st, 0, sizeof(st));
	st.month = yb_month_of(day);
	if (insutype == pol->resident_insutype) {
		/* residents: covered inside a paid coverage period (N3, N5) */
		cover_ctx x = {day, &st};
		size_t n;
		if ((rc = each_object(in, NULL, "coverage", YB_ENROL_MAX_HISTORY, ckeys, cover_elem, &x, &n)) < 0)
			return rc;
		if (!st.active)
			why_add(&st.why, "N3", "no paid coverage holds this day: no benefits");
		st.status = -1;
	} else {
		if ((rc = read_contribs(in, spans, &h)) < 0 ||
		    (rc = jmonth(in, NULL, "retired_from", 0, &h.retired_from)) < 0 ||
		    (rc = yb_employee_active(&st, pol, &h, day)) < 0)
			return rc;
	}
	yb_jw_obj(w, NULL);
	yb_jw_bool(w, "active", st.active);
	w_date(w, "day", day);
	w_month(w, "month", st.month);
	yb_jw_str(w, "status", st.status >= 0 ? yb_month_status_name(st.status) : NULL);
	w_reasons(w, &st.why);
	yb_jw_end(w, '}');
	return 0;
}

static void w_years(yb_jw *w, const char *key, int months)
{
	yb_jw_obj(w, key);
	yb_jw_int(w, "years", months / 12);
	yb_jw_int(w, "months", months % 12);
	yb_jw_end(w, '}');
}

static int op_retire(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol)
{
	static const char *const keys[] = {"psn", "retirement_approved", "apply_month",
		"deemed_years", "deemed_months", "contributions", NULL};
	static const char *const pkeys[] = {"psn_no", "gend", "brdy", NULL};
	yb_contrib_span spans[YB_ENROL_MAX_SPANS];
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	yb_contrib_history h;
	yb_retire_check r;
	const yb_json *po;
	char gend[4] = "";
	yb_month apply;
	yb_date brdy;
	int approved = 0, rc;

	memset(&h, 0, sizeof(h));
	h.retired_from = YB_MONTH_NONE;
	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = yb_jget_object(in, NULL, "psn", 1, &po)) < 0 ||
	    (rc = known(po, &pp, pkeys)) < 0 ||
	    (rc = yb_jget_code(po, &pp, "gend", 1, gend, sizeof(gend))) < 0 ||
	    (rc = yb_jget_date(po, &pp, "brdy", 0, &brdy)) < 0 ||
	    (rc = jbool(in, NULL, "retirement_approved", 1, &approved)) < 0 ||
	    (rc = jmonth(in, NULL, "apply_month", 1, &apply)) < 0 ||
	    (rc = read_deemed(in, &h.deemed_months)) < 0 ||
	    (rc = read_contribs(in, spans, &h)) < 0)
		return rc;
	h.gend = strlen(gend) == 1 ? gend[0] : '?';
	if ((rc = yb_retire_check_run(&r, pol, &h, approved, apply)) < 0)
		return rc;
	yb_enrol_write_retire(w, NULL, &r);
	return 0;
}

void yb_enrol_write_retire(yb_jw *w, const char *key, const yb_retire_check *r)
{
	int i;

	yb_jw_obj(w, key);
	yb_jw_bool(w, "eligible", r->eligible);
	yb_jw_obj(w, "conditions");
	yb_jw_bool(w, "approved", r->approved);
	yb_jw_bool(w, "years", r->years_ok);
	yb_jw_bool(w, "no_arrears", r->no_arrears);
	yb_jw_end(w, '}');
	w_years(w, "deemed", r->deemed_months);
	w_years(w, "actual", r->actual_months);
	w_years(w, "cumulative", r->cumulative_months);
	yb_jw_obj(w, "required");
	yb_jw_int(w, "cumulative_years", r->required_months / 12);
	yb_jw_int(w, "actual_years", r->required_actual_months / 12);
	yb_jw_end(w, '}');
	yb_jw_obj(w, "arrears");
	yb_jw_int(w, "count", r->n_arrears);
	yb_jw_arr(w, "months");
	for (i = 0; i < r->n_arrears && i < (int)(sizeof(r->arrears) / sizeof(r->arrears[0])); i++)
		w_month(w, NULL, r->arrears[i]);
	yb_jw_end(w, ']');
	yb_jw_end(w, '}');
	yb_jw_int(w, "missing_months", r->missing_months);
	w_month(w, "first_retiree_month", r->first_retiree_month);
	yb_jw_arr(w, "options");
	if (r->missing_months > 0) {
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "option", "topup");
		yb_jw_int(w, "months", r->missing_months);
		yb_jw_money(w, "monthly_base", r->topup->monthly_base);
		yb_jw_ratio(w, "rate", r->topup->rate_bp);
		yb_jw_money(w, "monthly", r->topup_monthly);
		yb_jw_money(w, "amount", r->topup_amount);
		w_month(w, "first_retiree_month", r->approved ? r->apply_month + 1 : YB_MONTH_NONE);
		yb_jw_end(w, '}');
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "option", "flexible_worker");
		yb_jw_int(w, "months", r->missing_months);
		w_month(w, "pay_from", r->apply_month + 1);
		w_month(w, "pay_through", r->flexible_last);
		w_month(w, "first_retiree_month", r->approved ? r->flexible_last + 1 : YB_MONTH_NONE);
		yb_jw_end(w, '}');
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "option", "residents_insurance");
		yb_jw_str(w, "note", "leave employees' medical insurance and enrol as a resident (N1-N5)");
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
	w_reasons(w, &r->why);
	yb_jw_end(w, '}');
}

/* ------------------------------------------------ registrations (N7...) */

static int reg_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	pol_ctx *x = ctx;
	yb_remote_reg_fact *f = &((yb_remote_reg_fact *)x->out)[i];
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = jname(e, p, "type", 1, x->pol, yb_enrol_remote_type, "remote-care type", &f->type)) < 0 ||
	    (rc = jregion(e, p, "place_admdvs", 1, f->place)) < 0)
		return rc;
	return read_period(e, p, 1, &f->begndate, &f->enddate);
}

static int op_remote(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol)
{
	static const char *const keys[] = {"psn", "type", "place_admdvs", "applied", "begndate",
		"channel", "done", "registrations", NULL};
	static const char *const pkeys[] = {"psn_no", "insutype", "psn_type", NULL};
	static const char *const rkeys[] = {"type", "place_admdvs", "begndate", "enddate", NULL};
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	yb_remote_reg_fact ex[YB_ENROL_MAX_HISTORY];
	pol_ctx x = {pol, ex};
	yb_remote_req req;
	yb_remote_decision d;
	const yb_json *po;
	const yb_json *done;
	int rc;

	memset(&req, 0, sizeof(req));
	req.begndate = YB_DATE_NONE;
	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = yb_jget_object(in, NULL, "psn", 1, &po)) < 0 ||
	    (rc = known(po, &pp, pkeys)) < 0 ||
	    (rc = jinsutype(po, &pp, "insutype", 1, &req.insutype)) < 0 ||
	    (rc = yb_jget_str(po, &pp, "psn_type", 0, 7, &req.psn_type)) < 0 ||
	    (rc = jname(in, NULL, "type", 1, pol, yb_enrol_remote_type, "remote-care type", &req.type)) < 0 ||
	    (rc = jregion(in, NULL, "place_admdvs", 1, req.place)) < 0 ||
	    (rc = yb_jget_datetime(in, NULL, "applied", 1, &req.applied)) < 0 ||
	    (rc = yb_jget_date(in, NULL, "begndate", 0, &req.begndate)) < 0 ||
	    (rc = jname(in, NULL, "channel", 1, pol, yb_enrol_channel, "channel", &req.channel)) < 0 ||
	    (rc = yb_jget_datetime(in, NULL, "done", 0, &req.done)) < 0 ||
	    (rc = each_object(in, NULL, "registrations", YB_ENROL_MAX_HISTORY, rkeys, reg_elem, &x,
				&req.n_existing)) < 0)
		return rc;
	done = yb_json_get(in, "done");
	req.has_done = done && done->type != YB_JSON_NULL;
	req.existing = ex;
	if ((rc = yb_remote_register(&d, pol, &req)) < 0)
		return rc;
	yb_enrol_write_remote(w, NULL, pol, &req, &d);
	return 0;
}

void yb_enrol_write_remote(yb_jw *w, const char *key, const yb_enrol_policy *pol,
			   const yb_remote_req *req, const yb_remote_decision *d)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "decision", d->accepted ? "accepted" : "refused");
	yb_jw_str(w, "type", pol->remote[req->type].name);
	yb_jw_str(w, "place_admdvs", req->place);
	w_date(w, "begndate", d->accepted ? d->begndate : YB_DATE_NONE);
	w_date(w, "enddate", d->accepted ? d->enddate : YB_DATE_NONE);
	yb_jw_bool(w, "until_cancelled", d->accepted && d->enddate == YB_DATE_MAX);
	w_date(w, "done_by", d->done_by);
	if (d->on_time < 0)
		yb_jw_null(w, "on_time");
	else
		yb_jw_bool(w, "on_time", d->on_time);
	yb_jw_bool(w, "outpatient_pooling", d->outpatient_pooling);
	w_reasons(w, &d->why);
	yb_jw_end(w, '}');
}

static const char *const chronic_results[] = {"pending", "confirmed", "refused"};

static int app_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	yb_chronic_app *a = &((yb_chronic_app *)ctx)[i];
	const char *r = NULL, *ch = NULL;
	int rc, k;

	a->decided = YB_DATE_NONE;
	if ((rc = yb_jget_str(e, p, "dise_codg", 1, YB_CODE_MAX - 1, &a->dise_codg)) < 0 ||
	    (rc = yb_jget_date(e, p, "applied", 1, &a->applied)) < 0 ||
	    (rc = yb_jget_str(e, p, "result", 1, 16, &r)) < 0 ||
	    (rc = yb_jget_date(e, p, "decided", 0, &a->decided)) < 0 ||
	    (rc = yb_jget_str(e, p, "channel", 0, 32, &ch)) < 0)
		return rc;
	for (k = 0; k < 3 && strcmp(chronic_results[k], r) != 0; k++)
		;
	if (k == 3)
		return yb_jpath_error(p, "result", "not pending, confirmed or refused");
	a->result = k;
	if (k != YB_CHRONIC_PENDING && a->decided == YB_DATE_NONE)
		return yb_jpath_error(p, "decided", "missing (the experts' decision day)");
	return 0;
}

static int op_chronic(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol, const yb_policy *sp)
{
	static const char *const keys[] = {"day", "dise_codg", "applications", NULL};
	static const char *const akeys[] = {"dise_codg", "applied", "result", "decided", "channel", NULL};
	yb_chronic_app apps[YB_ENROL_MAX_APPS];
	yb_chronic_state st;
	const char *dise = NULL;
	yb_date day;
	size_t n = 0, i;
	int rc;

	if (!sp)
		return yb_error_set(YB_ENOTFOUND, "chronic: the settlement policy (its disease list) is needed");
	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = yb_jget_date(in, NULL, "day", 1, &day)) < 0 ||
	    (rc = yb_jget_str(in, NULL, "dise_codg", 0, YB_CODE_MAX - 1, &dise)) < 0 ||
	    (rc = each_object(in, NULL, "applications", YB_ENROL_MAX_APPS, akeys, app_elem, apps, &n)) < 0)
		return rc;
	if ((rc = yb_chronic_check(&st, pol, sp, apps, n, dise, day)) < 0)
		return rc;
	yb_jw_obj(w, NULL);
	yb_jw_bool(w, "med_type_14", st.open);
	yb_jw_str(w, "dise_codg", dise);
	w_date(w, "from", st.from);
	if (st.app >= 0)
		yb_jw_int(w, "application", st.app);
	else
		yb_jw_null(w, "application");
	yb_jw_arr(w, "applications");
	for (i = 0; i < n; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "dise_codg", apps[i].dise_codg);
		yb_jw_str(w, "status", chronic_results[apps[i].result]);
		w_date(w, "decided", apps[i].decided);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
	w_reasons(w, &st.why);
	yb_jw_end(w, '}');
	return 0;
}

static int read_party(const yb_enrol_policy *pol, const yb_json *in, const char *key,
		      int bound, yb_family_party *x)
{
	static const char *const ikeys[] = {"psn_no", "insutype", "insu_admdvs", "insured", NULL};
	static const char *const bkeys[] = {"psn_no", "relation", "insutype", "insu_admdvs", "insured", NULL};
	yb_jpath p = YB_JPATH_KEY(NULL, key);
	const yb_json *o;
	int rc;

	memset(x, 0, sizeof(*x));
	x->insured = 1;
	x->relation = -1;
	if ((rc = yb_jget_object(in, NULL, key, 1, &o)) < 0 ||
	    (rc = known(o, &p, bound ? bkeys : ikeys)) < 0 ||
	    (rc = yb_jget_str(o, &p, "psn_no", 1, 64, &x->psn_no)) < 0 ||
	    (rc = jinsutype(o, &p, "insutype", !bound, &x->insutype)) < 0 ||
	    (rc = jregion(o, &p, "insu_admdvs", 0, x->insu_admdvs)) < 0 ||
	    (rc = jbool(o, &p, "insured", 0, &x->insured)) < 0)
		return rc;
	if (bound && (rc = jname(o, &p, "relation", 1, pol, yb_enrol_relation, "relation", &x->relation)) < 0)
		return rc;
	return 0;
}

static int bind_elem(void *ctx, const yb_json *e, const yb_jpath *p, size_t i)
{
	pol_ctx *x = ctx;
	yb_binding *b = &((yb_binding *)x->out)[i];
	int rc;

	memset(b, 0, sizeof(*b));
	if ((rc = yb_jget_str(e, p, "psn_no", 1, 64, &b->psn_no)) < 0 ||
	    (rc = jname(e, p, "relation", 1, x->pol, yb_enrol_relation, "relation", &b->relation)) < 0 ||
	    (rc = yb_jget_datetime(e, p, "bind_time", 1, &b->bound)) < 0)
		return rc;
	return yb_jget_datetime(e, p, "unbind_time", 0, &b->unbound);
}

static int op_bind(yb_jw *w, const yb_json *in, const yb_enrol_policy *pol)
{
	static const char *const keys[] = {"op", "time", "initiator", "psn", "bindings", NULL};
	static const char *const bkeys[] = {"psn_no", "relation", "bind_time", "unbind_time", NULL};
	yb_binding b[YB_ENROL_MAX_BINDINGS];
	pol_ctx x = {pol, b};
	yb_bind_req req;
	yb_bind_decision d;
	const char *op = NULL;
	int rc;

	memset(&req, 0, sizeof(req));
	if ((rc = known(in, NULL, keys)) < 0 ||
	    (rc = yb_jget_str(in, NULL, "op", 1, 16, &op)) < 0 ||
	    (rc = yb_jget_datetime(in, NULL, "time", 1, &req.time)) < 0 ||
	    (rc = read_party(pol, in, "initiator", 0, &req.initiator)) < 0 ||
	    (rc = read_party(pol, in, "psn", 1, &req.psn)) < 0 ||
	    (rc = each_object(in, NULL, "bindings", YB_ENROL_MAX_BINDINGS, bkeys, bind_elem, &x,
				&req.n_bindings)) < 0)
		return rc;
	if (strcmp(op, "bind") == 0)
		req.op = YB_BIND;
	else if (strcmp(op, "unbind") == 0)
		req.op = YB_UNBIND;
	else
		return yb_jpath_error(NULL, "op", "not bind or unbind");
	req.bindings = b;
	if ((rc = yb_family_bind(&d, pol, &req)) < 0)
		return rc;
	yb_enrol_write_bind(w, NULL, &req, &d);
	return 0;
}

void yb_enrol_write_bind(yb_jw *w, const char *key, const yb_bind_req *req, const yb_bind_decision *d)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "decision", d->accepted ? "accepted" : "refused");
	yb_jw_str(w, "op", req->op == YB_UNBIND ? "unbind" : "bind");
	yb_jw_int(w, "active_bindings", d->active_after);
	w_reasons(w, &d->why);
	yb_jw_end(w, '}');
}

int yb_enrol_json(yb_buf *out, const char *op, const yb_json *input,
		  const yb_enrol_policy *ep, const yb_policy *sp)
{
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	int rc;

	if (!input || input->type != YB_JSON_OBJECT)
		return yb_error_set(YB_EINVALID, "the input is a JSON object");
	if ((rc = same_region(input, ep)) < 0)
		return rc;
	yb_jw_init(&w, &b);
	if (strcmp(op, "enrol") == 0)
		rc = op_enrol(&w, input, ep);
	else if (strcmp(op, "benefit") == 0)
		rc = op_benefit(&w, input, ep);
	else if (strcmp(op, "retire") == 0)
		rc = op_retire(&w, input, ep);
	else if (strcmp(op, "remote") == 0)
		rc = op_remote(&w, input, ep);
	else if (strcmp(op, "chronic") == 0)
		rc = op_chronic(&w, input, ep, sp);
	else if (strcmp(op, "bind") == 0)
		rc = op_bind(&w, input, ep);
	else
		rc = yb_error_set(YB_EINVALID, "unknown operation '%s'", op);
	if (rc == 0 && b.oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
	if (rc < 0) {
		yb_buf_free(&b);
		return rc;
	}
	yb_buf_putc(&b, '\n');
	yb_buf_put(out, b.ptr, b.len);
	yb_buf_free(&b);
	return out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------- reconciliation */

/* The report's sections; every line of the file is in exactly one. */
enum { SEC_MATCHED, SEC_MISMATCHED, SEC_UNMATCHED, SEC_OTHER };

static int section_of(const yb_payrecon_line *x)
{
	if (x->enrolment < 0)
		return SEC_UNMATCHED;
	if (x->verdict == YB_PAY_MATCHED)
		return SEC_MATCHED;
	return x->verdict == YB_PAY_MISMATCH ? SEC_MISMATCHED : SEC_OTHER;
}

static void w_section(yb_jw *w, const char *key, int sec, const yb_payrecon *r,
		      const yb_enrolment *enr, const yb_payfile *pf)
{
	size_t i;

	yb_jw_arr(w, key);
	for (i = 0; i < r->n_lines; i++) {
		const yb_payrecon_line *x = &r->lines[i];
		const yb_payline *l = &pf->lines[x->pay];
		if (section_of(x) != sec)
			continue;
		yb_jw_obj(w, NULL);
		yb_jw_int(w, "line", l->line);
		yb_jw_str(w, "pay_id", l->pay_id);
		if (sec == SEC_UNMATCHED) {
			yb_jw_str(w, "certno", l->certno);
			yb_jw_str(w, "psn_name", l->psn_name);
		} else {
			yb_jw_str(w, "psn_no", enr[x->enrolment].psn_no);
		}
		yb_jw_int(w, "year", l->year);
		yb_jw_money(w, "amount", l->amount);
		if (sec == SEC_MATCHED) {
			yb_jw_str(w, "route", yb_route_name(x->route));
			yb_jw_str(w, "rule", x->route >= YB_ROUTE_NEWBORN ? "N5" : "N3");
			w_date(w, "begndate", x->begndate);
			w_date(w, "enddate", x->enddate);
			if (x->name_differs)
				yb_jw_str(w, "warning", "the file's name differs from the enrolment's");
		} else if (sec == SEC_MISMATCHED) {
			yb_jw_money(w, "due", x->expected);
			yb_jw_str(w, "rule", "N4");
		} else if (sec == SEC_OTHER) {
			w_time(w, "paid_time", l->paid_time);
			yb_jw_str(w, "verdict", yb_pay_verdict_name(x->verdict));
			yb_jw_str(w, "rule", x->verdict == YB_PAY_DUPLICATE ? "N2" : "N3");
		}
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

static void w_recon(yb_jw *w, const yb_payrecon *r, const yb_enrolment *enr, const yb_payfile *pf,
		    const yb_enrol_policy *pol, int year, yb_datetime now)
{
	size_t i;

	yb_jw_obj(w, NULL);
	yb_jw_int(w, "year", year);
	w_time(w, "now", now);
	yb_jw_obj(w, "summary");
	yb_jw_int(w, "lines", (int64_t)(pf->n + pf->n_rejected));
	yb_jw_int(w, "rejected", (int64_t)pf->n_rejected);
	yb_jw_int(w, "matched", (int64_t)r->matched);
	yb_jw_int(w, "mismatched", (int64_t)r->mismatched);
	yb_jw_int(w, "unmatched", (int64_t)r->unmatched);
	yb_jw_int(w, "late", (int64_t)r->late);
	yb_jw_int(w, "duplicates", (int64_t)r->duplicates);
	yb_jw_int(w, "other", (int64_t)r->other);
	yb_jw_int(w, "unpaid", (int64_t)r->n_unpaid);
	yb_jw_money(w, "amount_matched", r->amount_matched);
	yb_jw_end(w, '}');
	w_section(w, "matched", SEC_MATCHED, r, enr, pf);
	w_section(w, "mismatched", SEC_MISMATCHED, r, enr, pf);
	w_section(w, "unmatched", SEC_UNMATCHED, r, enr, pf);
	w_section(w, "other", SEC_OTHER, r, enr, pf);
	yb_jw_arr(w, "rejected");
	for (i = 0; i < pf->n_rejected; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_int(w, "line", pf->rejected[i].line);
		yb_jw_str(w, "error", pf->rejected[i].msg);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
	yb_jw_arr(w, "unpaid");
	for (i = 0; i < r->n_unpaid; i++) {
		const yb_enrolment *e = &enr[r->unpaid[i]];
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "psn_no", e->psn_no);
		yb_jw_str(w, "certno", e->psn.certno);
		w_due(w, pol, &r->unpaid_due[i], NULL);
		yb_jw_str(w, "rule", "N3");
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
	yb_jw_end(w, '}');
}

int yb_payfile_reconcile_json(yb_buf *out, const yb_json *in, const char *csv, size_t csv_len,
		      const char *csv_file, const yb_enrol_policy *ep, yb_datetime now)
{
	static const char *const keys[] = {"year", "now", "enrolments", NULL};
	yb_jpath ap = YB_JPATH_KEY(NULL, "enrolments");
	yb_enrolment *enr = NULL;
	yb_enrol_idet *idet = NULL;
	yb_payfile pf;
	yb_payrecon r;
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	const yb_json *arr, *c;
	size_t n = 0, i = 0, n_idet = 0, used = 0;
	int year = 0, rc;

	memset(&pf, 0, sizeof(pf));
	memset(&r, 0, sizeof(r));
	if (!in || in->type != YB_JSON_OBJECT)
		return yb_error_set(YB_EINVALID, "enrolments: the file is a JSON object");
	if ((rc = same_region(in, ep)) < 0 ||
	    (rc = known(in, NULL, keys)) < 0 ||
	    (rc = jint(in, NULL, "year", 1, 1900, 9999, &year)) < 0 ||
	    (!now && (rc = yb_jget_datetime(in, NULL, "now", 1, &now)) < 0) ||
	    (rc = yb_jget_array(in, NULL, "enrolments", 1, &arr)) < 0)
		goto done;
	n = arr->len;
	/* one array of identities for all enrolments, each its own slice */
	for (c = arr->child; c; c = c->next) {
		const yb_json *d = c->type == YB_JSON_OBJECT ? yb_json_get(c, "idet") : NULL;
		n_idet += d && d->type == YB_JSON_ARRAY ? d->len : 0;
	}
	enr = calloc(n ? n : 1, sizeof(*enr));
	idet = calloc(n_idet ? n_idet : 1, sizeof(*idet));
	if (!enr || !idet) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		const yb_json *d;
		size_t cap;
		if (c->type != YB_JSON_OBJECT) {
			rc = yb_jpath_error(&ip, NULL, "not an object");
			goto done;
		}
		d = yb_json_get(c, "idet");
		cap = d && d->type == YB_JSON_ARRAY ? d->len : 0;
		if (cap > YB_ENROL_MAX_NAMES)
			cap = YB_ENROL_MAX_NAMES; /* read_idet reports the excess */
		enr[i].year = year;
		if ((rc = read_resident(ep, c, &ip, 0, &enr[i].psn, idet + used, cap)) < 0 ||
		    (rc = yb_jget_str(c, &ip, "psn_no", 0, 64, &enr[i].psn_no)) < 0)
			goto done;
		used += cap;
	}
	if ((rc = yb_payfile_parse(&pf, csv, csv_len, csv_file, 10000000)) < 0 ||
	    (rc = yb_payfile_reconcile(&r, ep, enr, n, &pf, now)) < 0)
		goto done;
	yb_jw_init(&w, &b);
	w_recon(&w, &r, enr, &pf, ep, year, now);
	yb_buf_putc(&b, '\n');
	if (b.oom) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	yb_buf_put(out, b.ptr, b.len);
	rc = out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
done:
	yb_buf_free(&b);
	yb_payrecon_free(&r);
	yb_payfile_free(&pf);
	free(enr);
	free(idet);
	return rc;
}
