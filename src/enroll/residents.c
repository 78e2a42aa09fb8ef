/* Residents' enrolment (N1-N5): who may enrol, what each year costs, and
 * what a payment buys.
 *
 * Design notes:
 *  1. Coverage exists only through a payment of exactly the amount due on
 *     the payment day (the identity held that day sets the subsidy, N4),
 *     made by one of the routes: the campaign's window, a group's extension
 *     (N3), or the newborn rules (N5). When several routes take a payment,
 *     the one covering from the earliest day wins.
 *  2. Days are counted as the Civil Code counts periods (art. 201-202): the
 *     birth day is not counted, so "within 90 days of birth" ends on
 *     birth + 90 days, and "not over one year of age" ends on the first
 *     birthday.
 *  3. A child born between the opening of year Y's window and the end of
 *     year Y-1 owes both years (N5); any other person owes the year asked.
 *  4. The identity that pays is the one with the largest subsidy among those
 *     held on the day (the seeds do not say; a person is rarely in two). */
#include "enroll_int.h"
#include "yibao/error.h"

#include <string.h>

const char *yb_route_name(int r)
{
	static const char *const n[] = {"none", "window", "extension", "newborn", "newborn_late"};
	return r >= 0 && r <= YB_ROUTE_NEWBORN_LATE ? n[r] : "none";
}

const char *yb_due_status_name(int s)
{
	static const char *const n[] = {"payable", "covered", "lapsed"};
	return s >= 0 && s <= YB_DUE_LAPSED ? n[s] : "?";
}

const char *yb_pay_verdict_name(int v)
{
	static const char *const n[] = {"matched", "mismatch", "late", "duplicate",
		"not_due", "early", "refused"};
	return v >= 0 && v <= YB_PAY_REFUSED ? n[v] : "?";
}

static yb_date dmax(yb_date a, yb_date b)
{
	return a > b ? a : b;
}

static yb_date dmin(yb_date a, yb_date b)
{
	return a < b ? a : b;
}

/* --------------------------------------------------------------- prices */

/* The identity whose subsidy applies on day (the largest), or -1. */
static int identity_on(const yb_campaign *c, const yb_resident *psn, yb_date day)
{
	int best = -1;
	size_t i;

	for (i = 0; i < psn->n_idet; i++) {
		const yb_enrol_idet *d = &psn->idet[i];
		if (d->type < 0 || d->type >= YB_ENROL_MAX_NAMES || d->begndate > day || d->enddate < day)
			continue;
		if (c->subsidy[d->type] > 0 && (best < 0 || c->subsidy[d->type] > c->subsidy[best]))
			best = d->type;
	}
	return best;
}

static void price(yb_enrol_due *due, const yb_campaign *c, const yb_resident *psn, yb_date day)
{
	due->identity = identity_on(c, psn, day);
	due->contribution = c->contribution;
	due->subsidy = due->identity >= 0 ? c->subsidy[due->identity] : 0;
	due->amount = due->contribution - due->subsidy;
}

/* ---------------------------------------------------------------- routes */

typedef struct route_pick {
	int route;
	yb_date from;
	const yb_enrol_ext *ext;
} route_pick;

static void consider(route_pick *p, const yb_campaign *c, int route, yb_date from,
		     const yb_enrol_ext *ext)
{
	if (from <= c->benefit_to && from < p->from) {
		p->route = route;
		p->from = from;
		p->ext = ext;
	}
}

/* The route by which a payment at t covers campaign c's year, and from
 * which day; YB_ROUTE_NONE when no route covers a day of it. */
static route_pick route_of(const yb_enrol_policy *pol, const yb_campaign *c,
			   const yb_resident *psn, yb_datetime t)
{
	route_pick p = {YB_ROUTE_NONE, YB_DATE_MAX, NULL};
	yb_date day = yb_datetime_date(t);
	int i;

	if (c->has_window && t >= c->open) {
		if (day <= c->deadline)
			consider(&p, c, YB_ROUTE_WINDOW, c->benefit_from, NULL);
		for (i = 0; i < c->n_ext; i++) {
			const yb_enrol_ext *x = &c->ext[i];
			if ((psn->groups >> x->group & 1) && day > c->deadline && day <= x->until)
				consider(&p, c, YB_ROUTE_EXTENSION,
					 x->cover_from_payment ? dmax(day + 1, c->benefit_from) : c->benefit_from, x);
		}
	}
	if (psn->brdy != YB_DATE_NONE && day >= psn->brdy && psn->brdy <= c->benefit_to) {
		if (day <= psn->brdy + pol->newborn_days)
			consider(&p, c, YB_ROUTE_NEWBORN, dmax(psn->brdy, c->benefit_from), NULL);
		else if (day <= yb_date_add_months(psn->brdy, pol->newborn_late_months))
			consider(&p, c, YB_ROUTE_NEWBORN_LATE, dmax(day + 1, c->benefit_from), NULL);
	}
	return p;
}

/* The last day a payment still covers a day of c's year, or YB_DATE_NONE. */
static yb_date pay_by(const yb_enrol_policy *pol, const yb_campaign *c, const yb_resident *psn)
{
	yb_date by = YB_DATE_NONE;
	int i;

	if (c->has_window) {
		by = c->deadline;
		for (i = 0; i < c->n_ext; i++)
			if (psn->groups >> c->ext[i].group & 1)
				by = dmax(by, c->ext[i].cover_from_payment ? dmin(c->ext[i].until, c->benefit_to - 1)
									   : c->ext[i].until);
	}
	if (psn->brdy != YB_DATE_NONE && psn->brdy <= c->benefit_to) {
		by = dmax(by, psn->brdy + pol->newborn_days);
		by = dmax(by, dmin(yb_date_add_months(psn->brdy, pol->newborn_late_months), c->benefit_to - 1));
	}
	return by;
}

/* The campaigns a person owes for year `year` (N5: two for a child born
 * after the next window opened). */
static int due_years(const yb_enrol_policy *pol, int year, yb_date brdy,
		     const yb_campaign **cams, int *n)
{
	const yb_campaign *c = yb_enrol_campaign(pol, year), *o;

	*n = 0;
	if (!c)
		return yb_error_set(YB_ENOTFOUND, "year: no campaign for %d in the enrolment policy", year);
	if (brdy != YB_DATE_NONE && brdy >= c->benefit_from && brdy <= c->benefit_to) {
		cams[(*n)++] = c;
		o = yb_enrol_campaign(pol, year + 1);
		if (o && o->has_window && brdy >= yb_datetime_date(o->open))
			cams[(*n)++] = o;
		return 0;
	}
	if (brdy != YB_DATE_NONE && brdy < c->benefit_from && c->has_window &&
	    brdy >= yb_datetime_date(c->open)) {
		o = yb_enrol_campaign(pol, year - 1);
		if (!o || brdy < o->benefit_from || brdy > o->benefit_to)
			return yb_error_set(YB_ENOTFOUND, "year: no campaign for %d in the enrolment policy, "
					    "and a child born after the %d window opened pays %d too (N5)",
					    year - 1, year, year - 1);
		cams[(*n)++] = o;
	}
	cams[(*n)++] = c;
	return 0;
}

/* ------------------------------------------------------------- reasons */

static void why_due(yb_reasons *why, const yb_enrol_policy *pol, const yb_enrol_due *d,
		    const yb_resident *psn, const yb_contrib_pay *pays, const route_pick *rp)
{
	char a[32], b[32], f[11], t[11], x[11];

	yb_decimal_format(a, d->contribution, YB_SCALE_MONEY);
	yb_decimal_format(b, d->amount, YB_SCALE_MONEY);
	if (d->identity >= 0) {
		char s[32];
		yb_decimal_format(s, d->subsidy, YB_SCALE_MONEY);
		why_add(why, "N4", "%d: contribution %s, subsidy %s (%s), pays %s", d->year, a, s,
			pol->identity[d->identity], b);
	} else {
		why_add(why, "N4", "%d: contribution %s, no subsidy, pays %s", d->year, a, b);
	}
	yb_date_format(f, d->begndate);
	yb_date_format(t, d->enddate);
	switch (d->status) {
	case YB_DUE_COVERED: {
		yb_date day = yb_datetime_date(pays[d->pay].paid_time);
		yb_date_format(x, day);
		if (d->route == YB_ROUTE_WINDOW)
			why_add(why, "N3", "%d: paid %s in the window: covered %s to %s", d->year, x, f, t);
		else if (d->route == YB_ROUTE_EXTENSION)
			why_add(why, "N3", "%d: paid %s in the %s extension: covered %s to %s", d->year, x,
				rp && rp->ext ? pol->group[rp->ext->group] : "group's", f, t);
		else if (d->route == YB_ROUTE_NEWBORN)
			why_add(why, "N5", "%d: paid %s, day %d after birth (within %d): covered from %s to %s",
				d->year, x, (int)(day - psn->brdy), pol->newborn_days, f, t);
		else
			why_add(why, "N5", "%d: paid %s, day %d after birth (after %d, by the age of %d months): "
				"covered from the day after payment, %s to %s", d->year, x,
				(int)(day - psn->brdy), pol->newborn_days, pol->newborn_late_months, f, t);
		break;
	}
	case YB_DUE_PAYABLE:
		why_add(why, "N3", "%d: unpaid; payable until %s; no benefits until paid", d->year,
			enrol_day(x, d->pay_by));
		break;
	default:
		if (d->pay_by == YB_DATE_NONE)
			why_add(why, "N3", "%d: the campaign is over: no benefits for %d", d->year, d->year);
		else
			why_add(why, "N3", "%d: unpaid by %s: no benefits for %d", d->year,
				enrol_day(x, d->pay_by), d->year);
	}
}

static void why_pay(yb_reasons *why, const yb_contrib_pay *p, int verdict, yb_money expected,
		    const yb_campaign *c)
{
	char a[32], e[32], day[11], dl[11];
	const char *id = p->pay_id ? p->pay_id : "";

	yb_decimal_format(a, p->amount, YB_SCALE_MONEY);
	yb_decimal_format(e, expected, YB_SCALE_MONEY);
	yb_date_format(day, yb_datetime_date(p->paid_time));
	switch (verdict) {
	case YB_PAY_MISMATCH:
		why_add(why, "N4", "payment %s of %s for %d differs from the %s due on %s: not accepted",
			id, a, p->year, e, day);
		break;
	case YB_PAY_LATE:
		if (c && c->has_window)
			why_add(why, "N3", "payment %s on %s for %d: after the deadline %s and no other route: not accepted",
				id, day, p->year, enrol_day(dl, c->deadline));
		else
			why_add(why, "N3", "payment %s on %s for %d: no route accepts it: not accepted", id, day, p->year);
		break;
	case YB_PAY_DUPLICATE:
		why_add(why, "N2", "payment %s for %d: the year is already paid: refund", id, p->year);
		break;
	case YB_PAY_NOT_DUE:
		why_add(why, "N3", "payment %s for %d: a year this person does not owe: refund", id, p->year);
		break;
	case YB_PAY_EARLY:
		why_add(why, "N3", "payment %s on %s for %d: before the window opened (or before birth): not accepted",
			id, day, p->year);
		break;
	default:
		break;
	}
}

/* ----------------------------------------------------------------- dues */

static int check_pays(const yb_contrib_pay *pays, size_t n, yb_datetime now)
{
	size_t i;

	if (n > YB_ENROL_MAX_PAYMENTS)
		return yb_error_set(YB_EINVALID, "payments: more than %d for one person", YB_ENROL_MAX_PAYMENTS);
	for (i = 0; i < n; i++) {
		if (pays[i].paid_time > now)
			return yb_error_set(YB_EINVALID, "payments[%zu].paid_time: after 'now'", i);
		if (pays[i].amount < 0)
			return yb_error_set(YB_EINVALID, "payments[%zu].amount: negative", i);
	}
	return 0;
}

/* Fills d's dues and payment verdicts, appending to d->why. */
static int dues_into(yb_enrol_decision *d, const yb_enrol_policy *pol, int year,
		     const yb_resident *psn, const yb_contrib_pay *pays, size_t n_pays,
		     yb_datetime now)
{
	const yb_campaign *cams[2];
	route_pick picks[2] = {{0, 0, NULL}, {0, 0, NULL}};
	size_t order[YB_ENROL_MAX_PAYMENTS], i, j;
	yb_date today = yb_datetime_date(now);
	int n, k, rc;

	if ((rc = check_pays(pays, n_pays, now)) < 0 ||
	    (rc = due_years(pol, year, psn->brdy, cams, &n)) < 0)
		return rc;
	if (psn->brdy != YB_DATE_NONE && psn->brdy > cams[n - 1]->benefit_to) {
		char b[11];
		why_add(&d->why, "N5", "born %s, after the %d benefit year", enrol_day(b, psn->brdy), year);
		n = 0;
	}
	if (n == 2) {
		char b[11];
		why_add(&d->why, "N5", "born %s, after the %d window opened: pays both %d and %d",
			enrol_day(b, psn->brdy), cams[1]->year, cams[0]->year, cams[1]->year);
	}
	if (n && psn->brdy != YB_DATE_NONE &&
	    yb_date_add_months(psn->brdy, pol->newborn_late_months) >= cams[0]->benefit_from) {
		char b[11], d90[11], d1[11];
		why_add(&d->why, "N5", "newborn (born %s): covered from birth if paid by %s (day %d), "
			"else from the day after payment, up to the age of %d months (%s)",
			enrol_day(b, psn->brdy), enrol_day(d90, psn->brdy + pol->newborn_days),
			pol->newborn_days, pol->newborn_late_months,
			enrol_day(d1, yb_date_add_months(psn->brdy, pol->newborn_late_months)));
	}
	d->n_dues = n;
	for (k = 0; k < n; k++) {
		yb_enrol_due *due = &d->dues[k];
		due->year = cams[k]->year;
		due->pay = -1;
		due->route = YB_ROUTE_NONE;
		due->begndate = due->enddate = YB_DATE_NONE;
		due->pay_by = pay_by(pol, cams[k], psn);
		price(due, cams[k], psn, today);
		due->status = due->pay_by != YB_DATE_NONE && today <= due->pay_by ? YB_DUE_PAYABLE : YB_DUE_LAPSED;
	}
	/* payments in time order (stable: the file's order breaks ties) */
	for (i = 0; i < n_pays; i++) {
		for (j = i; j > 0 && pays[order[j - 1]].paid_time > pays[i].paid_time; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (j = 0; j < n_pays; j++) {
		const yb_contrib_pay *p = &pays[order[j]];
		yb_date day = yb_datetime_date(p->paid_time);
		yb_enrol_due priced, *due = NULL;
		route_pick rp;
		int v;

		i = order[j];
		for (k = 0; k < n; k++)
			if (d->dues[k].year == p->year)
				due = &d->dues[k];
		if (!due) {
			d->verdict[i] = YB_PAY_NOT_DUE;
			d->expected[i] = 0;
			why_pay(&d->why, p, YB_PAY_NOT_DUE, 0, NULL);
			continue;
		}
		k = (int)(due - d->dues);
		priced = *due;
		price(&priced, cams[k], psn, day);
		d->expected[i] = priced.amount;
		rp = route_of(pol, cams[k], psn, p->paid_time);
		if (psn->brdy != YB_DATE_NONE && day < psn->brdy)
			v = YB_PAY_EARLY;
		else if (due->status == YB_DUE_COVERED)
			v = YB_PAY_DUPLICATE;
		else if (rp.route == YB_ROUTE_NONE)
			v = cams[k]->has_window && p->paid_time < cams[k]->open ? YB_PAY_EARLY : YB_PAY_LATE;
		else if (p->amount != priced.amount)
			v = YB_PAY_MISMATCH;
		else
			v = YB_PAY_MATCHED;
		d->verdict[i] = v;
		if (v != YB_PAY_MATCHED) {
			why_pay(&d->why, p, v, priced.amount, cams[k]);
			continue;
		}
		priced.status = YB_DUE_COVERED;
		priced.route = rp.route;
		priced.pay = (int)i;
		priced.begndate = rp.from;
		priced.enddate = cams[k]->benefit_to;
		*due = priced;
		picks[k] = rp;
	}
	for (k = 0; k < n; k++)
		why_due(&d->why, pol, &d->dues[k], psn, pays, &picks[k]);
	return 0;
}

static void decision_init(yb_enrol_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->ground = -1;
}

int yb_enrol_dues(yb_enrol_decision *out, const yb_enrol_policy *pol, int year,
		  const yb_resident *psn, const yb_contrib_pay *pays, size_t n_pays,
		  yb_datetime now)
{
	yb_enrol_decision d;
	int rc;

	decision_init(&d);
	d.eligible = 1;
	if ((rc = dues_into(&d, pol, year, psn, pays, n_pays, now)) < 0)
		return rc;
	*out = d;
	return 0;
}

/* ----------------------------------------------------------- N1 and N2 */

static int ground_of(const yb_enrol_policy *pol, const yb_resident *psn, yb_date today,
		     yb_reasons *why)
{
	static const int order[] = {YB_GROUND_LOCAL_HUKOU, YB_GROUND_STUDENT,
		YB_GROUND_RESIDENCE_PERMIT, YB_GROUND_MIGRANT_WORKER, YB_GROUND_NEWBORN_GUARDIAN};
	int local = psn->hukou_admdvs[0] && yb_region_covers(pol->admdvs, psn->hukou_admdvs);
	int infant = psn->brdy != YB_DATE_NONE &&
		     today <= yb_date_add_months(psn->brdy, pol->newborn_late_months);
	int ok[YB_GROUNDS];
	const char *text[YB_GROUNDS];
	size_t i;

	ok[YB_GROUND_LOCAL_HUKOU] = local;
	text[YB_GROUND_LOCAL_HUKOU] = "household registration here";
	ok[YB_GROUND_RESIDENCE_PERMIT] = !local && psn->residence_permit && !psn->insured_at_origin;
	text[YB_GROUND_RESIDENCE_PERMIT] = "residence permit here, not insured at the place of origin";
	ok[YB_GROUND_MIGRANT_WORKER] = psn->migrant_worker;
	text[YB_GROUND_MIGRANT_WORKER] = "works in the city, employees' insurance hard";
	ok[YB_GROUND_STUDENT] = psn->student;
	text[YB_GROUND_STUDENT] = "student at a school in the city";
	ok[YB_GROUND_NEWBORN_GUARDIAN] = infant && psn->guardian_local;
	text[YB_GROUND_NEWBORN_GUARDIAN] = "newborn whose guardian qualifies here";
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (ok[order[i]] && (pol->grounds >> order[i] & 1)) {
			why_add(why, "N1", "eligible: %s", text[order[i]]);
			return order[i];
		}
	why_add(why, "N1", "not eligible: household registration %s is not here%s%s",
		psn->hukou_admdvs[0] ? psn->hukou_admdvs : "unknown",
		psn->residence_permit && psn->insured_at_origin ?
			"; the residence permit does not count while insured at the place of origin" : "",
		psn->residence_permit || psn->migrant_worker || psn->student || psn->guardian_local ?
			"; no other ground of the policy holds" : "; no residence permit, not a student or migrant worker");
	return -1;
}

static int employee_type(const yb_enrol_policy *pol, int insutype)
{
	int i;
	for (i = 0; i < pol->n_employee_insutype; i++)
		if (pol->employee_insutype[i] == insutype)
			return 1;
	return 0;
}

/* N2 over the insurance history; sets *renewal when insured here the year
 * before. Returns 1 when refused. */
static int double_enrolment(const yb_enrol_policy *pol, int year, yb_date from, yb_date to,
			    const yb_insu_record *hist, size_t n, yb_date today,
			    int *renewal, yb_reasons *why)
{
	const yb_campaign *prev = yb_enrol_campaign(pol, year - 1);
	yb_date pf = prev ? prev->benefit_from : yb_date_add_months(from, -12);
	yb_date pt = prev ? prev->benefit_to : from - 1;
	yb_date lo = dmax(today, from);
	char b[11], e[11];
	int refused = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const yb_insu_record *h = &hist[i];
		int here = h->admdvs[0] && yb_region_covers(pol->admdvs, h->admdvs);

		enrol_day(b, h->begndate);
		enrol_day(e, h->enddate);
		if (employee_type(pol, h->insutype)) {
			/* employees' insurance that is over by the decision day does not
			 * stand in the way */
			if (h->begndate <= to && h->enddate >= lo) {
				why_add(why, "N2", "in employees' insurance (%d, %s) %s to %s: refused",
					h->insutype, h->admdvs, b, e);
				refused = 1;
			}
		} else if (h->insutype == pol->resident_insutype) {
			if (h->begndate <= to && h->enddate >= from) {
				if (here)
					why_add(why, "N2", "already enrolled here for %d (%s to %s): refused", year, b, e);
				else
					why_add(why, "N2", "enrolled in residents' insurance in %s for %d: refused", h->admdvs, year);
				refused = 1;
			} else if (here && h->begndate <= pt && h->enddate >= pf) {
				*renewal = 1;
			}
		}
	}
	if (!refused)
		why_add(why, "N2", "not enrolled elsewhere for %d, not in employees' insurance from %s on (by the history given)",
			year, enrol_day(b, lo));
	return refused;
}

int yb_enrol_decide(yb_enrol_decision *out, const yb_enrol_policy *pol, int year,
		    const yb_resident *psn, const yb_insu_record *hist, size_t n_hist,
		    const yb_contrib_pay *pays, size_t n_pays, yb_datetime now)
{
	const yb_campaign *cams[2];
	yb_enrol_decision d;
	yb_date today = yb_datetime_date(now);
	size_t i;
	int n, rc, refused;

	if (n_hist > YB_ENROL_MAX_HISTORY)
		return yb_error_set(YB_EINVALID, "insu_history: more than %d records", YB_ENROL_MAX_HISTORY);
	if ((rc = check_pays(pays, n_pays, now)) < 0 ||
	    (rc = due_years(pol, year, psn->brdy, cams, &n)) < 0)
		return rc;
	decision_init(&d);
	d.ground = ground_of(pol, psn, today, &d.why);
	refused = double_enrolment(pol, year, cams[0]->benefit_from, cams[n - 1]->benefit_to,
				   hist, n_hist, today, &d.renewal, &d.why);
	if (d.ground < 0 || refused) {
		d.ground = refused ? d.ground : -1;
		for (i = 0; i < n_pays; i++)
			d.verdict[i] = YB_PAY_REFUSED;
		*out = d;
		return 0;
	}
	d.eligible = 1;
	why_add(&d.why, "N3", d.renewal ? "insured here the year before: renewal, pays without registering"
					 : "new enrollee: registers before paying");
	if ((rc = dues_into(&d, pol, year, psn, pays, n_pays, now)) < 0)
		return rc;
	*out = d;
	return 0;
}
