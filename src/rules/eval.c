/* The rule evaluator: one settlement, the rules, a history view -> findings.
 *
 * Pure: no I/O, no allocation, no globals; every finding is written into the
 * caller's array. The same function runs inside the settlement transaction
 * (history from the store) and in batch (history from an in-memory index),
 * so that real time and batch agree on the same data.
 *
 * Invariants:
 *  1. "Earlier" is whatever the history view holds; within the settlement,
 *     lines count in their order (an earlier line of the same settlement is
 *     history for a later one).
 *  2. A line-level finding's amount never exceeds the line's amount; a
 *     settlement-level finding's amount is the settlement's medfee_sumamt.
 *  3. A rule outside its effective period on the day care began never fires. */
#include "yibao/rules.h"
#include "yibao/engine.h"
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rules_impl.h"

/* ------------------------------------------------- evidence, fixed size */

typedef struct ev {
	char *b;
	size_t cap, len;
	int first, ovf;
} ev;

static void ev_raw(ev *e, const char *s, size_t n)
{
	if (e->ovf || e->len + n + 2 > e->cap) {
		e->ovf = 1;
		return;
	}
	memcpy(e->b + e->len, s, n);
	e->len += n;
	e->b[e->len] = '\0';
}

static void ev_quoted(ev *e, const char *s)
{
	char tmp[8];

	ev_raw(e, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			ev_raw(e, tmp, 2);
		} else if (c < 0x20) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			ev_raw(e, tmp, 6);
		} else {
			ev_raw(e, (const char *)s, 1);
		}
	}
	ev_raw(e, "\"", 1);
}

static void ev_key(ev *e, const char *key)
{
	if (!e->first)
		ev_raw(e, ",", 1);
	e->first = 0;
	ev_quoted(e, key);
	ev_raw(e, ":", 1);
}

static void ev_open(ev *e, char *buf, size_t cap)
{
	e->b = buf;
	e->cap = cap;
	e->len = 0;
	e->first = 1;
	e->ovf = 0;
	buf[0] = '\0';
	ev_raw(e, "{", 1);
}

static void ev_close(ev *e)
{
	if (e->ovf) {
		/* never half a JSON object */
		e->ovf = 0;
		e->len = 0;
		ev_raw(e, "{\"truncated\":true}", 18);
		return;
	}
	e->b[e->len++] = '}';
	e->b[e->len] = '\0';
}

static void ev_str(ev *e, const char *key, const char *v)
{
	ev_key(e, key);
	if (v)
		ev_quoted(e, v);
	else
		ev_raw(e, "null", 4);
}

static void ev_dec(ev *e, const char *key, int64_t v, int scale)
{
	char num[40];
	size_t n = scale == YB_SCALE_MONEY ? yb_decimal_format(num, v, scale)
					   : yb_decimal_format_trim(num, v, scale, 0);
	ev_key(e, key);
	ev_raw(e, num, n);
}

static void ev_int(ev *e, const char *key, long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%ld", v);
	ev_key(e, key);
	ev_raw(e, num, (size_t)n);
}

static void ev_date(ev *e, const char *key, yb_date d)
{
	char buf[12];
	if (d == YB_DATE_NONE) {
		ev_str(e, key, NULL);
		return;
	}
	yb_date_format(buf, d);
	buf[10] = '\0';
	ev_str(e, key, buf);
}

/* --------------------------------------------------------- findings */

typedef struct judge {
	yb_finding *out;
	size_t cap, *n;
	const yb_rl_setl *s;
	yb_date day, endday;
} judge;

/* A new finding, or NULL once the caller's array is full (still counted). */
static yb_finding *add(judge *j, const yb_rule *r, const yb_rl_line *ln, yb_money amt)
{
	yb_finding *f;

	if ((*j->n)++ >= j->cap)
		return NULL;
	f = &j->out[*j->n - 1];
	f->rule = r;
	f->setl_id = j->s->setl_id;
	f->feedetl_sn = ln ? ln->feedetl_sn : NULL;
	f->other_setl_id[0] = '\0';
	f->vola_amt = amt;
	f->fund_amt = ln ? 0 : j->s->fund_pay_sumamt;
	f->vola_cont[0] = '\0';
	f->vola_evid[0] = '\0';
	return f;
}

static void cont(yb_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cont(yb_finding *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->vola_cont, sizeof(f->vola_cont), fmt, ap);
	va_end(ap);
}

static void other(yb_finding *f, const char *setl_id)
{
	snprintf(f->other_setl_id, sizeof(f->other_setl_id), "%s", setl_id ? setl_id : "");
}

static int in_effect(const yb_rule *r, yb_date day)
{
	return day >= r->from && day <= r->to;
}

static yb_date line_day(const judge *j, const yb_rl_line *ln)
{
	return ln->fee_ocur_time ? yb_datetime_date(ln->fee_ocur_time) : j->day;
}

static int has_code(const char *s)
{
	return s && *s;
}

static int starts_with_any(const char *s, const char (*pre)[YB_RULE_PREFIX_MAX], int n)
{
	int i;

	for (i = 0; s && i < n; i++)
		if (!strncmp(s, pre[i], strlen(pre[i])))
			return 1;
	return 0;
}

/* ---------------------------------------------------- settlement rules */

static void past_evid(ev *e, const yb_rl_past *p)
{
	ev_str(e, "other_setl_id", p->setl_id);
	ev_str(e, "other_mdtrt_id", p->mdtrt_id);
	ev_str(e, "other_fixmedins_code", p->fixmedins_code);
	ev_int(e, "other_med_type", p->med_type);
	ev_date(e, "other_begndate", p->begn);
	ev_date(e, "other_enddate", p->end);
	ev_dec(e, "other_medfee_sumamt", p->medfee_sumamt, YB_SCALE_MONEY);
}

static void self_evid(ev *e, const judge *j)
{
	ev_str(e, "mdtrt_id", j->s->mdtrt_id);
	ev_str(e, "fixmedins_code", j->s->fixmedins_code);
	ev_int(e, "med_type", j->s->med_type);
	ev_date(e, "begndate", j->day);
	ev_date(e, "enddate", j->endday);
	ev_dec(e, "medfee_sumamt", j->s->medfee_sumamt, YB_SCALE_MONEY);
}

static void finish(yb_finding *f, ev *e)
{
	ev_close(e);
	(void)f;
}

static int setl_rule(judge *j, const yb_rule *r, const yb_rules_history *h, uint64_t fp)
{
	const yb_rl_setl *s = j->s;
	const yb_rl_past *p;
	size_t np = 0, i;
	int inpatient = yb_med_type_inpatient(s->med_type), rc;
	yb_date from = j->day, to = j->endday;
	yb_finding *f;
	ev e;

	if (!h || !h->settlements)
		return 0;
	if (r->type == YB_RT_READMISSION) {
		if (!inpatient)
			return 0;
		from = j->day - r->days;
		to = j->day;
	} else if (r->type == YB_RT_OVERLAP_STAY && !inpatient) {
		return 0;
	}
	if ((rc = h->settlements(h->ctx, s->psn_no, from, to, &p, &np)) < 0)
		return rc;
	for (i = 0; i < np; i++) {
		const yb_rl_past *q = &p[i];
		int q_in = yb_med_type_inpatient(q->med_type);
		if (q->setl_id && s->setl_id && !strcmp(q->setl_id, s->setl_id))
			continue;
		switch (r->type) {
		case YB_RT_DUP_SETTLEMENT:
			if (q->fingerprint != fp || strcmp(q->fixmedins_code, s->fixmedins_code) ||
			    q->begn > j->endday || q->end < j->day)
				continue;
			if (!(f = add(j, r, NULL, s->medfee_sumamt)))
				return 0;
			other(f, q->setl_id);
			cont(f, "settlement %s repeats %s: same person, institution and days, "
				"the same %zu items and amounts (%s)",
			     s->setl_id, q->setl_id, s->n_lines,
			     strcmp(q->mdtrt_id ? q->mdtrt_id : "", s->mdtrt_id ? s->mdtrt_id : "")
				     ? "another mdtrt_id" : "the same mdtrt_id");
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			self_evid(&e, j);
			ev_int(&e, "lines", (long)s->n_lines);
			past_evid(&e, q);
			finish(f, &e);
			return 0; /* one finding per settlement and rule */
		case YB_RT_OVERLAP_STAY:
			if (!q_in || !strcmp(q->fixmedins_code, s->fixmedins_code))
				continue;
			if (r->same_day_ok ? !(q->begn < j->endday && j->day < q->end)
					   : !(q->begn <= j->endday && j->day <= q->end))
				continue;
			if (!(f = add(j, r, NULL, s->medfee_sumamt)))
				return 0;
			other(f, q->setl_id);
			cont(f, "stay %s at %s overlaps stay %s at %s",
			     s->setl_id, s->fixmedins_code, q->setl_id, q->fixmedins_code);
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			self_evid(&e, j);
			past_evid(&e, q);
			finish(f, &e);
			return 0;
		case YB_RT_OUTPATIENT_IN_STAY: {
			/* the outpatient day strictly inside the stay (edges are
			 * admission and discharge days) */
			const yb_rl_past *stay = q;
			yb_date d;
			if (inpatient == q_in)
				continue;
			if (inpatient) {
				/* real time: a stay settled after outpatient care in it */
				d = q->begn;
				if (r->same_day_ok ? !(j->day < d && d < j->endday) : !(j->day <= d && d <= j->endday))
					continue;
				if (!(f = add(j, r, NULL, q->medfee_sumamt)))
					return 0;
				f->fund_amt = 0;
				other(f, q->setl_id);
				cont(f, "outpatient settlement %s on a day inside stay %s (OE5)",
				     q->setl_id, s->setl_id);
				ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
				ev_str(&e, "stay_setl_id", s->setl_id);
				self_evid(&e, j);
				past_evid(&e, q);
				finish(f, &e);
				continue; /* each outpatient settlement inside */
			}
			d = j->day;
			if (r->same_day_ok ? !(stay->begn < d && d < stay->end)
					   : !(stay->begn <= d && d <= stay->end))
				continue;
			if (!(f = add(j, r, NULL, s->medfee_sumamt)))
				return 0;
			other(f, stay->setl_id);
			cont(f, "outpatient settlement %s at %s during stay %s at %s (OE5)",
			     s->setl_id, s->fixmedins_code, stay->setl_id, stay->fixmedins_code);
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			self_evid(&e, j);
			past_evid(&e, stay);
			finish(f, &e);
			return 0;
		}
		case YB_RT_READMISSION:
			if (!q_in || strcmp(q->fixmedins_code, s->fixmedins_code) ||
			    (q->mdtrt_id && s->mdtrt_id && !strcmp(q->mdtrt_id, s->mdtrt_id)) ||
			    q->begn >= j->day || q->end > j->day || j->day - q->end > r->days)
				continue;
			if (!(f = add(j, r, NULL, s->medfee_sumamt)))
				return 0;
			other(f, q->setl_id);
			cont(f, "readmitted to %s %d days after discharge (stay %s), within %d days",
			     s->fixmedins_code, (int)(j->day - q->end), q->setl_id, r->days);
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			self_evid(&e, j);
			ev_int(&e, "days_after_discharge", (long)(j->day - q->end));
			past_evid(&e, q);
			finish(f, &e);
			return 0;
		default:
			return 0;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- item rules */

static void line_evid(ev *e, const yb_rl_line *ln, yb_date d)
{
	ev_str(e, "feedetl_sn", ln->feedetl_sn);
	ev_str(e, "med_list_codg", ln->med_list_codg);
	ev_dec(e, "cnt", ln->cnt, YB_SCALE_COUNT);
	ev_dec(e, "det_item_fee_sumamt", ln->sumamt, YB_SCALE_MONEY);
	ev_date(e, "fee_date", d);
}

/* Sum of cnt of codg over lines [0, upto) of s dated in [from, to]. */
static int64_t setl_cnt(const judge *j, size_t upto, const char *codg, yb_date from, yb_date to,
			const char **sn)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < upto; i++) {
		const yb_rl_line *l = &j->s->lines[i];
		yb_date d = line_day(j, l);
		if (l->med_list_codg && !strcmp(l->med_list_codg, codg) && d >= from && d <= to) {
			sum += l->cnt;
			if (sn)
				*sn = l->feedetl_sn;
		}
	}
	return sum;
}

static int item_rule(judge *j, const yb_rule *r, size_t li, const yb_rules_history *h)
{
	const yb_rl_setl *s = j->s;
	const yb_rl_line *ln = &s->lines[li];
	yb_date d = line_day(j, ln);
	yb_finding *f;
	ev e;
	int rc;

	switch (r->type) {
	case YB_RT_ITEM_GENDER:
		if (!s->gend || s->gend == r->gend)
			return 0;
		if (!(f = add(j, r, ln, ln->sumamt)))
			return 0;
		cont(f, "%s is for %s patients only; this patient is %s", ln->med_list_codg,
		     r->gend == '1' ? "male" : "female", s->gend == '1' ? "male" : s->gend == '2' ? "female" : "other");
		ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
		line_evid(&e, ln, d);
		ev_key(&e, "gend");
		ev_quoted(&e, (char[]){s->gend, 0});
		ev_key(&e, "allowed_gend");
		ev_quoted(&e, (char[]){r->gend, 0});
		finish(f, &e);
		return 0;
	case YB_RT_ITEM_AGE: {
		int age;
		if (s->brdy == YB_DATE_NONE)
			return 0;
		age = yb_age(s->brdy, d);
		if (!((r->min_age >= 0 && age < r->min_age) || (r->max_age >= 0 && age > r->max_age)))
			return 0;
		if (!(f = add(j, r, ln, ln->sumamt)))
			return 0;
		cont(f, "%s is limited to ages %d-%d; the patient is %d", ln->med_list_codg,
		     r->min_age < 0 ? 0 : r->min_age, r->max_age < 0 ? 150 : r->max_age, age);
		ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
		line_evid(&e, ln, d);
		ev_int(&e, "age", age);
		ev_int(&e, "min_age", r->min_age);
		ev_int(&e, "max_age", r->max_age);
		finish(f, &e);
		return 0;
	}
	case YB_RT_ITEM_LEVEL:
		if (s->hosp_lv >= r->min_level)
			return 0;
		if (!(f = add(j, r, ln, ln->sumamt)))
			return 0;
		cont(f, "%s needs an institution of level %d or above; %s is level %d",
		     ln->med_list_codg, r->min_level, s->fixmedins_code, s->hosp_lv);
		ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
		line_evid(&e, ln, d);
		ev_int(&e, "hosp_lv", s->hosp_lv);
		ev_int(&e, "min_level", r->min_level);
		finish(f, &e);
		return 0;
	case YB_RT_ITEM_INDICATION:
		if (starts_with_any(s->dise_codg, r->prefixes, r->n_prefixes))
			return 0;
		if (!(f = add(j, r, ln, ln->sumamt)))
			return 0;
		cont(f, "%s is paid only for its indications; diagnosis %s is not one",
		     ln->med_list_codg, has_code(s->dise_codg) ? s->dise_codg : "(none)");
		ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
		line_evid(&e, ln, d);
		ev_str(&e, "dise_codg", s->dise_codg);
		ev_str(&e, "indication", r->prefixes[0]);
		finish(f, &e);
		return 0;
	case YB_RT_ITEM_QUANTITY: {
		yb_date from = d, to = d;
		int64_t before = 0, total, excess;
		int y, m, dd;
		if (ln->cnt <= 0)
			return 0;
		switch (r->period) {
		case YB_PERIOD_VISIT:
			from = YB_DATE_NONE + 1;
			to = YB_DATE_MAX;
			break;
		case YB_PERIOD_DAYS:
			from = d - r->period_days + 1;
			break;
		case YB_PERIOD_YEAR:
			yb_date_to_ymd(d, &y, &m, &dd);
			from = yb_date_from_ymd(y, 1, 1);
			to = yb_date_from_ymd(y, 12, 31);
			break;
		default:
			break;
		}
		if (r->period != YB_PERIOD_VISIT && h && h->item_cnt &&
		    (rc = h->item_cnt(h->ctx, s->psn_no, ln->med_list_codg, from, to, &before)) < 0)
			return rc;
		before += setl_cnt(j, li, ln->med_list_codg, from, to, NULL);
		total = before + ln->cnt;
		if (total <= r->max_cnt)
			return 0;
		excess = total - r->max_cnt < ln->cnt ? total - r->max_cnt : ln->cnt;
		{
			int ovf = 0;
			yb_money amt = yb_muldiv_round(ln->sumamt, excess, ln->cnt, &ovf);
			if (!(f = add(j, r, ln, ovf ? ln->sumamt : amt)))
				return 0;
		}
		{
			char a[40], b[40], c[40];
			yb_decimal_format_trim(a, total, YB_SCALE_COUNT, 0);
			yb_decimal_format_trim(b, r->max_cnt, YB_SCALE_COUNT, 0);
			yb_decimal_format_trim(c, excess, YB_SCALE_COUNT, 0);
			cont(f, "%s: %s in the %s, above the limit of %s (%s over)", ln->med_list_codg, a,
			     r->period == YB_PERIOD_VISIT ? "visit" : r->period == YB_PERIOD_DAY ? "day"
			     : r->period == YB_PERIOD_YEAR ? "year" : "period", b, c);
		}
		ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
		line_evid(&e, ln, d);
		ev_dec(&e, "cnt_before", before, YB_SCALE_COUNT);
		ev_dec(&e, "max_cnt", r->max_cnt, YB_SCALE_COUNT);
		ev_dec(&e, "excess_cnt", excess, YB_SCALE_COUNT);
		if (r->period != YB_PERIOD_VISIT) {
			ev_date(&e, "period_from", from);
			ev_date(&e, "period_to", to);
		}
		finish(f, &e);
		return 0;
	}
	case YB_RT_ITEM_EXCLUSIVE: {
		int k;
		for (k = 0; k < r->n_items; k++) {
			const char *g = r->items[k], *sn = NULL;
			int64_t c = 0;
			if (!strcmp(g, ln->med_list_codg))
				continue;
			if (r->scope == YB_SCOPE_VISIT) {
				c = setl_cnt(j, li, g, YB_DATE_NONE + 1, YB_DATE_MAX, &sn);
			} else {
				c = setl_cnt(j, li, g, d, d, &sn);
				if (c <= 0 && h && h->item_cnt &&
				    (rc = h->item_cnt(h->ctx, s->psn_no, g, d, d, &c)) < 0)
					return rc;
			}
			if (c <= 0)
				continue;
			if (!(f = add(j, r, ln, ln->sumamt)))
				return 0;
			cont(f, "%s and %s are not charged together in one %s", ln->med_list_codg, g,
			     r->scope == YB_SCOPE_VISIT ? "visit" : "day");
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			line_evid(&e, ln, d);
			ev_str(&e, "exclusive_with", g);
			ev_str(&e, "exclusive_feedetl_sn", sn);
			finish(f, &e);
			return 0;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* ------------------------------------------------ traceability codes */

void yb_rl_trac_update(yb_rl_trac *t, const yb_rl_line *ln, const char *setl_id,
		       const char *fixmedins_code, yb_date day)
{
	if (t->n_settled == 0) {
		t->first_setl_id = setl_id;
		t->first_fixmedins_code = fixmedins_code;
		t->first_date = day;
		t->split_fixmedins = ln->trdn_flag == 1 ? fixmedins_code : NULL;
		t->split_cnt = ln->trdn_flag == 1 ? ln->cnt : 0;
	} else if (t->split_fixmedins) {
		if (ln->trdn_flag != 1 || strcmp(t->split_fixmedins, fixmedins_code))
			t->split_fixmedins = NULL;
		else
			t->split_cnt += ln->cnt;
	}
	t->n_settled++;
}

int yb_rules_judge_trac(yb_finding *out, size_t cap, size_t *n, const yb_ruleset *rs,
			const yb_rl_setl *s, const yb_rl_line *ln, const yb_rl_trac *known)
{
	judge j = {out, cap, n, s, 0, 0};
	size_t i;

	j.day = yb_datetime_date(s->begntime);
	j.endday = s->endtime ? yb_datetime_date(s->endtime) : j.day;
	if (!has_code(ln->drug_trac_codg))
		return 0;
	for (i = 0; i < rs->n; i++) {
		const yb_rule *r = &rs->rules[i];
		yb_date d = line_day(&j, ln);
		yb_finding *f;
		ev e;
		if (!in_effect(r, j.day))
			continue;
		if (r->type == YB_RT_TRAC_SWAP) {
			if (!known->med_list_codg || !strcmp(known->med_list_codg, ln->med_list_codg))
				continue;
			if (!(f = add(&j, r, ln, ln->sumamt)))
				continue;
			cont(f, "code %s was recorded as %s but billed as %s (串换药)",
			     ln->drug_trac_codg, known->med_list_codg, ln->med_list_codg);
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			line_evid(&e, ln, d);
			ev_str(&e, "drug_trac_codg", ln->drug_trac_codg);
			ev_str(&e, "recorded_med_list_codg", known->med_list_codg);
			finish(f, &e);
		} else if (r->type == YB_RT_TRAC_REUSE) {
			int split_ok = ln->trdn_flag == 1 && known->split_fixmedins &&
				       !strcmp(known->split_fixmedins, s->fixmedins_code) &&
				       known->pack_qty > 0 && known->split_cnt + ln->cnt <= known->pack_qty;
			if (known->n_settled == 0 || split_ok)
				continue;
			if (!(f = add(&j, r, ln, ln->sumamt)))
				continue;
			other(f, known->first_setl_id);
			if (ln->trdn_flag == 1 && known->split_fixmedins &&
			    !strcmp(known->split_fixmedins, s->fixmedins_code))
				cont(f, "code %s: split sales reach %s units, more than the pack (回流药)",
				     ln->drug_trac_codg, "the pack's");
			else
				cont(f, "code %s was already settled %ld time%s, first in %s at %s (回流药)",
				     ln->drug_trac_codg, known->n_settled, known->n_settled == 1 ? "" : "s",
				     known->first_setl_id ? known->first_setl_id : "?",
				     known->first_fixmedins_code ? known->first_fixmedins_code : "?");
			ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
			line_evid(&e, ln, d);
			ev_str(&e, "drug_trac_codg", ln->drug_trac_codg);
			ev_int(&e, "trdn_flag", ln->trdn_flag);
			ev_int(&e, "times_settled_before", known->n_settled);
			ev_str(&e, "first_setl_id", known->first_setl_id);
			ev_str(&e, "first_fixmedins_code", known->first_fixmedins_code);
			ev_date(&e, "first_date", known->first_date);
			if (known->split_fixmedins) {
				ev_dec(&e, "split_cnt_before", known->split_cnt, YB_SCALE_COUNT);
				ev_dec(&e, "pack_qty", known->pack_qty, YB_SCALE_COUNT);
			}
			finish(f, &e);
		}
	}
	return 0;
}

/* ------------------------------------------------------------- judge */

uint64_t yb_rules_fingerprint(const yb_rl_line *lines, size_t n)
{
	uint64_t sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++) {
		x = yb_rl_hash(lines[i].med_list_codg ? lines[i].med_list_codg : "") ^
		    ((uint64_t)lines[i].sumamt * 0x9e3779b97f4a7c15ull);
		/* splitmix64 finaliser: sum of mixed values is order-free */
		x ^= x >> 30;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 27;
		x *= 0x94d049bb133111ebull;
		x ^= x >> 31;
		sum += x;
	}
	x = sum ^ ((uint64_t)n * 0xd6e8feb86659fd93ull);
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

int yb_rules_judge(yb_finding *out, size_t cap, size_t *n, const yb_ruleset *rs,
		   const yb_rl_setl *s, const yb_rules_history *h, unsigned what)
{
	judge j = {out, cap, n, s, 0, 0};
	uint64_t fp = 0;
	size_t i, li;
	int rc, fp_done = 0;

	*n = 0;
	if (!s->setl_id || !s->psn_no || !s->fixmedins_code || (s->n_lines && !s->lines))
		return yb_error_set(YB_EINVALID, "settlement without setl_id, psn_no, fixmedins_code or lines");
	j.day = yb_datetime_date(s->begntime);
	j.endday = s->endtime ? yb_datetime_date(s->endtime) : j.day;
	if (j.endday < j.day)
		return yb_error_set(YB_EINVALID, "settlement %s ends before it begins", s->setl_id);
	for (li = 0; li < s->n_lines; li++)
		if (!s->lines[li].med_list_codg)
			return yb_error_set(YB_EINVALID, "settlement %s: a line without med_list_codg", s->setl_id);

	if (what & YB_RJ_SETTLEMENT) {
		/* settlement-level rules, in rule order */
		for (i = 0; i < rs->n; i++) {
			const yb_rule *r = &rs->rules[i];
			if (r->type > YB_RT_READMISSION || !in_effect(r, j.day))
				continue;
			if (r->type == YB_RT_DUP_SETTLEMENT && !fp_done) {
				fp = yb_rules_fingerprint(s->lines, s->n_lines);
				fp_done = 1;
			}
			if ((rc = setl_rule(&j, r, h, fp)) < 0)
				return rc;
		}
		/* line rules: the item index, then missing codes */
		for (li = 0; li < s->n_lines; li++) {
			const yb_rl_line *ln = &s->lines[li];
			int32_t ref;
			for (ref = yb_rl_item_rules(rs, ln->med_list_codg); ref >= 0; ref = rs->refs[ref].next) {
				const yb_rule *r = &rs->rules[rs->refs[ref].rule];
				if (in_effect(r, j.day) && (rc = item_rule(&j, r, li, h)) < 0)
					return rc;
			}
			if (has_code(ln->drug_trac_codg))
				continue;
			for (i = 0; i < rs->n; i++) {
				const yb_rule *r = &rs->rules[i];
				yb_finding *f;
				ev e;
				if (r->type != YB_RT_TRAC_MISSING || !in_effect(r, j.day) ||
				    !starts_with_any(ln->med_list_codg, r->prefixes, r->n_prefixes))
					continue;
				if (!(f = add(&j, r, ln, ln->sumamt)))
					continue;
				cont(f, "drug line %s (%s) has no traceability code", ln->feedetl_sn
				     ? ln->feedetl_sn : "?", ln->med_list_codg);
				ev_open(&e, f->vola_evid, sizeof(f->vola_evid));
				line_evid(&e, ln, line_day(&j, ln));
				ev_date(&e, "codes_required_from", r->from);
				finish(f, &e);
			}
		}
	}
	if ((what & YB_RJ_TRAC) && h && h->trac) {
		for (li = 0; li < s->n_lines; li++) {
			const yb_rl_line *ln = &s->lines[li];
			yb_rl_trac t;
			size_t k;
			if (!has_code(ln->drug_trac_codg))
				continue;
			memset(&t, 0, sizeof(t));
			if ((rc = h->trac(h->ctx, ln->drug_trac_codg, s->fixmedins_code, &t)) < 0)
				return rc;
			/* earlier lines of this settlement with the same code */
			for (k = 0; k < li; k++)
				if (has_code(s->lines[k].drug_trac_codg) &&
				    !strcmp(s->lines[k].drug_trac_codg, ln->drug_trac_codg))
					yb_rl_trac_update(&t, &s->lines[k], s->setl_id, s->fixmedins_code,
							  line_day(&j, &s->lines[k]));
			if ((rc = yb_rules_judge_trac(out, cap, n, rs, s, ln, &t)) < 0)
				return rc;
		}
	}
	return 0;
}

int yb_findings_refuse(const yb_finding *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].rule && f[i].rule->action == YB_ACT_REFUSE)
			return 1;
	return 0;
}

void yb_mask_psn(char *out, size_t cap, const char *psn_no)
{
	size_t n = strlen(psn_no), i, keep_head = 3, keep_tail = 2;

	if (!cap)
		return;
	if (n <= 5) {
		keep_head = n ? 1 : 0;
		keep_tail = 0;
	}
	for (i = 0; i < n && i + 1 < cap; i++)
		out[i] = (i < keep_head || i >= n - keep_tail) ? psn_no[i] : '*';
	out[i] = '\0';
}
