/* Employees: contribution months, whether benefits are active on a day
 * (OE5), and medical retirement (N6).
 *
 * Design notes:
 *  1. A person's history is a sorted list of month spans, each with one
 *     status: paid, due (declared, still within its payment term), arrears,
 *     late-paid (arrears paid on a later day) or stopped (nothing owed).
 *     A month no span holds is stopped.
 *  2. Actual years (N6) count paid and late-paid months from the system
 *     start (2000-01) through the application month; deemed years are given
 *     as months. Both thresholds are in months: 30 years = 360.
 *  3. N6 (c) needs every month up to and including the application month
 *     paid: arrears and months still "due" both fail it (the seed: 缴费至
 *     办理医疗保险退休手续的当月不欠费).
 *  4. The missing months a top-up buys are counted as if the arrears were
 *     paid first (they must be in any case): max(required - cumulative,
 *     minimum actual - actual), arrears included in both.
 *  5. Top-up amount: round(monthly base x rate) to the fen, then x months;
 *     the row of the policy in force in the application month. */
#include "enroll_int.h"
#include "yibao/error.h"

#include <stdio.h>
#include <string.h>

const char *yb_month_status_name(int s)
{
	static const char *const n[] = {"stopped", "paid", "due", "arrears", "late_paid"};
	return s >= 0 && s <= YB_MONTH_LATE_PAID ? n[s] : "?";
}

int yb_contrib_check(const yb_enrol_policy *pol, const yb_contrib_history *h)
{
	char a[8];
	size_t i;

	if (h->deemed_months < 0 || h->deemed_months > 12 * 80)
		return yb_error_set(YB_EINVALID, "deemed: outside 0..80 years");
	if (h->n_spans > YB_ENROL_MAX_SPANS)
		return yb_error_set(YB_EINVALID, "contributions: more than %d spans", YB_ENROL_MAX_SPANS);
	for (i = 0; i < h->n_spans; i++) {
		const yb_contrib_span *s = &h->spans[i];
		if (s->to < s->from)
			return yb_error_set(YB_EINVALID, "contributions[%zu].to: before 'from'", i);
		if (s->from < pol->system_start) {
			yb_month_format(a, pol->system_start);
			return yb_error_set(YB_EINVALID, "contributions[%zu].from: before %s; earlier working years are deemed (deemed_years)", i, a);
		}
		if (i && s->from <= h->spans[i - 1].to)
			return yb_error_set(YB_EINVALID, "contributions[%zu].from: overlaps or precedes the span before (spans go in time order)", i);
		if (s->status < YB_MONTH_STOPPED || s->status > YB_MONTH_LATE_PAID)
			return yb_error_set(YB_EINVALID, "contributions[%zu].status: unknown", i);
		if (s->status == YB_MONTH_LATE_PAID && (s->paid_date == YB_DATE_NONE || s->paid_date < yb_month_first(s->from)))
			return yb_error_set(YB_EINVALID, "contributions[%zu].paid_date: a late payment needs the day it was paid, not before its months", i);
	}
	return 0;
}

int yb_contrib_month(const yb_contrib_history *h, yb_month m, const yb_contrib_span **span)
{
	size_t lo = 0, hi = h->n_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const yb_contrib_span *s = &h->spans[mid];
		if (m < s->from)
			hi = mid;
		else if (m > s->to)
			lo = mid + 1;
		else {
			if (span)
				*span = s;
			return s->status;
		}
	}
	if (span)
		*span = NULL;
	return YB_MONTH_STOPPED;
}

/* ------------------------------------------------------------------ OE5 */

int yb_employee_active(yb_benefit_state *out, const yb_enrol_policy *pol,
		       const yb_contrib_history *h, yb_date day)
{
	yb_benefit_state st;
	const yb_contrib_span *span;
	char m[8], r[8], p[11];
	int rc;

	if ((rc = yb_contrib_check(pol, h)) < 0)
		return rc;
	memset(&st, 0, sizeof(st));
	st.month = yb_month_of(day);
	yb_month_format(m, st.month);
	if (h->retired_from != YB_MONTH_NONE && st.month >= h->retired_from) {
		yb_month_format(r, h->retired_from);
		st.active = 1;
		st.status = -1;
		why_add(&st.why, "N6", "retiree benefits from %s: no contributions needed", r);
		*out = st;
		return 0;
	}
	st.status = yb_contrib_month(h, st.month, &span);
	switch (st.status) {
	case YB_MONTH_PAID:
		st.active = 1;
		why_add(&st.why, "OE5", "%s paid: benefits active", m);
		break;
	case YB_MONTH_DUE:
		st.active = pol->due_month_covered;
		why_add(&st.why, "OE5", st.active ? "%s within its payment term: benefits active"
						  : "%s not yet paid: benefits wait for the payment", m);
		break;
	case YB_MONTH_ARREARS:
		why_add(&st.why, "OE5", "%s in arrears: benefits stop until paid", m);
		break;
	case YB_MONTH_LATE_PAID:
		yb_date_format(p, span->paid_date);
		st.active = pol->late_payment_restores || day >= span->paid_date;
		if (pol->late_payment_restores)
			why_add(&st.why, "OE5", "%s paid late on %s: the policy restores the whole month", m, p);
		else
			why_add(&st.why, "OE5", "%s paid late on %s: benefits from that day only%s", m, p,
				st.active ? "" : " (this day is before it)");
		break;
	default:
		why_add(&st.why, "OE5", "no contributions for %s (stopped): no benefits", m);
	}
	*out = st;
	return 0;
}

/* ------------------------------------------------------------------- N6 */

static const yb_topup *topup_in(const yb_enrol_policy *pol, yb_month m)
{
	const yb_topup *t = NULL;
	int i;
	for (i = 0; i < pol->n_topups; i++)
		if (pol->topups[i].from <= m)
			t = &pol->topups[i];
	return t;
}

static void ym(char *buf, size_t n, int months)
{
	snprintf(buf, n, "%d years %d months", months / 12, months % 12);
}

int yb_retire_check_run(yb_retire_check *out, const yb_enrol_policy *pol,
			const yb_contrib_history *h, int approved, yb_month apply)
{
	yb_retire_check r;
	char a[8], c1[40], c2[40], c3[40];
	yb_month m;
	int rc, men = h->gend == '1', cleared_actual, cleared_cum, by_cum, by_actual;

	if (h->gend != '1' && h->gend != '2')
		return yb_error_set(YB_EINVALID, "psn.gend: not 1 (man) or 2 (woman)");
	if ((rc = yb_contrib_check(pol, h)) < 0)
		return rc;
	if (apply < pol->system_start || apply > 9999 * 12)
		return yb_error_set(YB_EINVALID, "apply_month: before the system start");
	memset(&r, 0, sizeof(r));
	r.apply_month = apply;
	r.first_retiree_month = r.flexible_last = YB_MONTH_NONE;
	r.approved = approved;
	r.deemed_months = h->deemed_months;
	for (m = pol->system_start; m <= apply; m++) {
		int s = yb_contrib_month(h, m, NULL);
		if (s == YB_MONTH_PAID || s == YB_MONTH_LATE_PAID)
			r.actual_months++;
		else if (s == YB_MONTH_ARREARS || s == YB_MONTH_DUE) {
			if (r.n_arrears < (int)(sizeof(r.arrears) / sizeof(r.arrears[0])))
				r.arrears[r.n_arrears] = m;
			r.n_arrears++;
		}
	}
	r.cumulative_months = r.deemed_months + r.actual_months;
	r.required_months = 12 * (men ? pol->years_men : pol->years_women);
	r.required_actual_months = 12 * pol->min_actual_years;
	r.years_ok = r.cumulative_months >= r.required_months && r.actual_months >= r.required_actual_months;
	r.no_arrears = r.n_arrears == 0;
	r.eligible = r.approved && r.years_ok && r.no_arrears;

	/* (a) */
	why_add(&r.why, "N6", approved ? "(a) retirement approved"
				       : "(a) retirement not approved: legal age and pension retirement come first");
	/* (b) */
	ym(c1, sizeof(c1), r.cumulative_months);
	ym(c2, sizeof(c2), r.deemed_months);
	ym(c3, sizeof(c3), r.actual_months);
	why_add(&r.why, "N6", "(b) cumulative %s = deemed %s + actual %s %s %d years (%s)",
		c1, c2, c3, r.cumulative_months >= r.required_months ? ">=" : "<",
		men ? pol->years_men : pol->years_women, men ? "men" : "women");
	why_add(&r.why, "N6", "(b) actual %s %s %d years, the minimum whatever the cumulative years",
		c3, r.actual_months >= r.required_actual_months ? ">=" : "<", pol->min_actual_years);
	/* (c) */
	yb_month_format(a, apply);
	if (r.n_arrears) {
		char first[8];
		yb_month_format(first, r.arrears[0]);
		why_add(&r.why, "N6", "(c) %d month%s unpaid up to %s (first %s): pay them before applying",
			r.n_arrears, r.n_arrears == 1 ? "" : "s", a, first);
	} else {
		why_add(&r.why, "N6", "(c) no arrears up to and including %s", a);
	}

	cleared_actual = r.actual_months + r.n_arrears;
	cleared_cum = r.deemed_months + cleared_actual;
	by_cum = r.required_months - cleared_cum;
	by_actual = r.required_actual_months - cleared_actual;
	r.missing_months = by_cum > by_actual ? by_cum : by_actual;
	if (r.missing_months < 0)
		r.missing_months = 0;
	if (r.eligible) {
		r.first_retiree_month = apply + 1;
		yb_month_format(a, apply + 1);
		why_add(&r.why, "N6", "eligible: retiree benefits from %s", a);
	}
	if (r.missing_months > 0) {
		int ovf = 0;
		const yb_topup *t = topup_in(pol, apply);
		if (!t) {
			yb_month_format(a, apply);
			return yb_error_set(YB_ENOTFOUND, "apply_month: no top-up rate in force in %s (employees.topup)", a);
		}
		r.topup = t;
		r.topup_monthly = yb_money_mul_bp(t->monthly_base, t->rate_bp);
		r.topup_amount = yb_muldiv_round(r.topup_monthly, r.missing_months, 1, &ovf);
		if (ovf)
			return yb_error_set(YB_EOVERFLOW, "top-up amount overflows");
		r.flexible_last = apply + r.missing_months;
		ym(c1, sizeof(c1), r.missing_months);
		yb_decimal_format(c2, r.topup_amount, YB_SCALE_MONEY);
		why_add(&r.why, "N6", "short by %s%s: top up %s at once (benefits from the month after), "
			"or keep paying as a flexible worker, or move to residents' insurance",
			c1, r.n_arrears ? " once the arrears are paid" : "", c2);
	}
	*out = r;
	return 0;
}
