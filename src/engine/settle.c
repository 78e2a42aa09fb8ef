/* Settlement of one visit: the pure function of engine.h.
 *
 * Design notes
 *  1. Money is int64_t fen. Each rounding is half away from zero at one
 *     defined step: a line's price-cap allowance, a line's first self-pay,
 *     a fund's ratio product. Nothing else rounds (docs/settlement.md).
 *  2. Every fen of medfee_sumamt lands in exactly one of fulamt_ownpay_amt,
 *     overlmt_selfpay, preselfpay_amt, inscp_scp_amt (per line, then summed),
 *     and in exactly one of fund_pay_sumamt, acct_pay, psn_cash_pay,
 *     hosp_part_amt. yb_settlement_check() proves it after every call.
 *  3. Funds run as stages in the order of IP1, each taking what the person
 *     still bears in the policy range; outpatient uses the basic stage only,
 *     inpatient adds critical illness and assistance after it.
 *  4. Accumulators are read, never written: deltas go back in the result. */
#include "yibao/engine.h"
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------- explanation text */

/* Appends to a fixed buffer; a full buffer truncates silently (the text
 * explains, it is not a record of money). */
static void explain(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void explain(char *buf, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= YB_PROC_INFO_MAX - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, YB_PROC_INFO_MAX - used, fmt, ap);
	va_end(ap);
}

/* Money as text for explanations: a small ring of buffers so that several
 * can appear in one explain() call. */
typedef struct moneytxt {
	char s[4][32];
	int i;
} moneytxt;

static const char *mt(moneytxt *m, yb_money v)
{
	char *s = m->s[m->i++ & 3];
	yb_decimal_format(s, v, YB_SCALE_MONEY);
	return s;
}

static const char *pct(char *buf, int32_t bp)
{
	size_t n = yb_decimal_format_trim(buf, bp, 2, 0);
	buf[n] = '%';
	buf[n + 1] = '\0';
	return buf;
}

/* ----------------------------------------------------------- fee lines */

static int item_rule_applies(const yb_item_rule *ir, const yb_feeline *l,
			     const yb_person *psn, const yb_visit *v, yb_date day)
{
	return (ir->flags & l->flags) &&
	       (ir->from == YB_DATE_NONE || day >= ir->from) && day <= ir->to &&
	       yb_codeset_has(&ir->insutype, psn->insutype) &&
	       yb_codeset_has(&ir->med_type, v->med_type);
}

/* Splits one line into wholly self-paid, above the price cap, first
 * self-pay and policy range (CL1-CL3, OE5 exclusions). */
static void split_line(yb_line_result *r, const yb_feeline *l,
		       const yb_policy *pol, const yb_person *psn,
		       const yb_visit *v, yb_date day)
{
	int32_t bp = l->selfpay_bp;
	size_t i;
	int ovf = 0;

	memset(r, 0, sizeof(*r));
	if (!l->known || l->chrgitm_lv == YB_CLASS_C) {
		r->fulamt_ownpay_amt = l->sumamt;
		r->selfpay_bp = YB_BP_ONE;
		r->rule = "CL1";
		return;
	}
	for (i = 0; i < pol->n_item_rules; i++) {
		const yb_item_rule *ir = &pol->item_rules[i];
		if (!item_rule_applies(ir, l, psn, v, day))
			continue;
		r->rule = ir->rule;
		if (ir->exclude) {
			r->fulamt_ownpay_amt = l->sumamt;
			r->selfpay_bp = YB_BP_ONE;
			return;
		}
		bp = ir->selfpay_bp;
		break;
	}
	if (l->pric_uplmt >= 0 && l->pric > l->pric_uplmt) {
		/* cap (scale 6) x count (scale 4) is scale 10; fen is scale 2 */
		yb_money allowed = yb_muldiv_round(l->pric_uplmt, l->cnt, 100000000, &ovf);
		if (ovf || allowed > l->sumamt)
			allowed = l->sumamt;
		r->overlmt_amt = yb_money_max(0, l->sumamt - allowed);
		if (!r->rule)
			r->rule = "CL2";
	}
	r->selfpay_bp = bp;
	r->preselfpay_amt = yb_money_mul_bp(l->sumamt - r->overlmt_amt, bp);
	r->inscp_scp_amt = l->sumamt - r->overlmt_amt - r->preselfpay_amt;
}

/* ------------------------------------------------------------- benefit */

static uint32_t visit_place(const yb_policy *pol, const yb_person *psn,
			    const yb_visit *v, uint32_t *reg_types)
{
	yb_date day = yb_datetime_date(v->begntime);
	size_t i;

	*reg_types = 0;
	if (yb_region_covers(pol->admdvs, v->admdvs))
		return YB_PLACE_HOME;
	for (i = 0; i < psn->n_remote; i++) {
		const yb_remote_reg *r = &psn->remote[i];
		if (day >= r->begndate && day <= r->enddate && r->type >= 0 &&
		    yb_region_covers(r->admdvs, v->admdvs))
			*reg_types |= 1u << r->type;
	}
	return *reg_types ? YB_PLACE_REGISTERED : YB_PLACE_ELSEWHERE;
}

static uint32_t identities_on(const yb_person *psn, yb_date day)
{
	uint32_t mask = 0;
	size_t i;

	for (i = 0; i < psn->n_idet; i++)
		if (psn->idet[i].type >= 0 && day >= psn->idet[i].begndate &&
		    day <= psn->idet[i].enddate)
			mask |= 1u << psn->idet[i].type;
	return mask;
}

/* What a row's conditions are matched against, computed once a visit. */
typedef struct facts {
	yb_date day;
	uint32_t cats, place, reg_types, idet;
} facts;

static int benefit_applies(const yb_benefit *b, const yb_policy *pol,
			   const yb_visit *v, const yb_person *psn, const facts *f)
{
	if ((b->from != YB_DATE_NONE && f->day < b->from) || f->day > b->to)
		return 0;
	if (!yb_codeset_has(&b->insutype, psn->insutype) ||
	    !yb_codeset_has(&b->med_type, v->med_type) ||
	    !yb_codeset_has(&b->fixmedins_type, v->fixmedins_type) ||
	    !yb_codeset_has(&b->hosp_lv, v->hosp_lv))
		return 0;
	if (b->prim_flag >= 0 && b->prim_flag != v->prim_flag)
		return 0;
	if (b->psn_categories && !(b->psn_categories & f->cats))
		return 0;
	if (!(b->places & f->place))
		return 0;
	if (f->place == YB_PLACE_REGISTERED && b->remote_types && !(b->remote_types & f->reg_types))
		return 0;
	if (b->identities && !(b->identities & f->idet))
		return 0;
	if (b->dise_list >= 0 && !yb_policy_dise_in(pol, b->dise_list, v->dise_codg))
		return 0;
	return 1;
}

static void visit_facts(facts *f, const yb_policy *pol, const yb_person *psn, const yb_visit *v)
{
	f->day = yb_datetime_date(v->begntime);
	f->cats = yb_policy_categories(pol, psn->psn_type);
	f->place = visit_place(pol, psn, v, &f->reg_types);
	f->idet = identities_on(psn, f->day);
}

static const yb_benefit *find_row(const yb_policy *pol, const yb_person *psn,
				  const yb_visit *v, int layer, const facts *f)
{
	size_t i;

	for (i = 0; i < pol->n_benefits; i++)
		if (pol->benefits[i].layer == layer &&
		    benefit_applies(&pol->benefits[i], pol, v, psn, f))
			return &pol->benefits[i];
	return NULL;
}

const yb_benefit *yb_engine_benefit(const yb_policy *pol, const yb_person *psn,
				    const yb_visit *v, int layer, uint32_t *place_out)
{
	facts f;

	visit_facts(&f, pol, psn, v);
	if (place_out)
		*place_out = f.place;
	return find_row(pol, psn, v, layer, &f);
}

/* ---------------------------------------------------------------- funds */

/* A stay bucket counts finished stays in units of 1.00, so that it reads
 * as a count wherever accumulators are shown. */
#define STAY_UNIT 100

/* What one settlement works on as it moves through the stages. */
typedef struct ctx {
	yb_settlement *s;
	const yb_policy *pol;
	const yb_person *psn;
	const yb_money *acc;
	const yb_visit *v;
	yb_money burden;  /* policy-range amount the person still bears */
	moneytxt m;
} ctx;

static yb_fund_pay *add_fund(ctx *c, const char *type, const char *name)
{
	yb_fund_pay *f = &c->s->funds[c->s->n_funds++];
	memset(f, 0, sizeof(*f));
	snprintf(f->fund_pay_type, sizeof(f->fund_pay_type), "%s", type);
	f->fund_pay_type_name = name;
	return f;
}

static yb_money acc_of(const ctx *c, int bucket)
{
	return bucket >= 0 ? c->acc[bucket] + c->s->acc_delta[bucket] : 0;
}

static yb_money *pays_field(yb_settlement *s, int pays)
{
	switch (pays) {
	case YB_PAYS_CVLSERV: return &s->cvlserv_pay;
	case YB_PAYS_HIFES: return &s->hifes_pay;
	case YB_PAYS_HIFMI: return &s->hifmi_pay;
	case YB_PAYS_HIFOB: return &s->hifob_pay;
	case YB_PAYS_MAF: return &s->maf_pay;
	case YB_PAYS_OTH: return &s->oth_pay;
	default: return &s->hifp_pay;
	}
}

/* The tiers' ratios over [before, before + amount) of the year's
 * cumulative base, summed exactly and rounded once. */
static yb_money tiered(const yb_benefit *b, yb_money before, yb_money amount)
{
	__int128 sum = 0;
	yb_money end = before + amount;
	int i;

	for (i = 0; i < b->n_tiers; i++) {
		const yb_tier *t = &b->tiers[i];
		yb_money lo = yb_money_max(before, t->from);
		yb_money hi = t->to < 0 ? end : yb_money_min(end, t->to);
		if (hi > lo)
			sum += (__int128)(hi - lo) * t->ratio_bp;
	}
	return (yb_money)((sum + YB_BP_ONE / 2) / YB_BP_ONE);
}

/* The deductible still to bear: per year when it has a bucket (OE2), else
 * per stay for inpatient parts (what earlier parts bore counts), else per
 * visit; a later stay in the year may have another amount. */
static yb_money deductible_left(const ctx *c, const yb_benefit *b)
{
	yb_money dedc = b->deductible;

	if (b->stay_bucket >= 0 && acc_of(c, b->stay_bucket) > 0)
		dedc = b->deductible_next;
	if (b->dedc_bucket >= 0)
		return yb_money_max(0, dedc - acc_of(c, b->dedc_bucket));
	if (yb_med_type_inpatient(c->v->med_type))
		return yb_money_max(0, dedc - c->v->prior_dedc);
	return dedc;
}

/* One fund layer: deductible (threshold), ratio or tiers, annual limit, on
 * what the person still bears in the policy range. */
static void stage_fund(ctx *c, const yb_benefit *b)
{
	yb_settlement *s = c->s;
	yb_money base = c->burden, dedc_left, borne, above, pay, limit_left;
	yb_fund_pay *f;
	char p[16];

	f = add_fund(c, b->fund_pay_type, b->fund_pay_type_name);
	f->inscp_scp_amt = base;
	dedc_left = deductible_left(c, b);
	borne = yb_money_min(base, dedc_left);
	above = base - borne;
	explain(f->setl_proc_info, "%s (%s): base %s", b->id, b->rules, mt(&c->m, base));
	if (dedc_left > 0 || b->deductible > 0)
		explain(f->setl_proc_info, ", deductible left %s, borne %s",
			mt(&c->m, dedc_left), mt(&c->m, borne));
	if (b->n_tiers) {
		yb_money before = acc_of(c, b->tier_bucket);
		pay = tiered(b, before, above);
		explain(f->setl_proc_info, "; tiers on the year's %s..%s = %s",
			mt(&c->m, before), mt(&c->m, before + above), mt(&c->m, pay));
		s->acc_delta[b->tier_bucket] += above;
	} else {
		pay = yb_money_mul_bp(above, b->ratio_bp);
		explain(f->setl_proc_info, "; %s x %s = %s", mt(&c->m, above),
			pct(p, b->ratio_bp), mt(&c->m, pay));
	}
	if (b->annual_limit >= 0) {
		limit_left = yb_money_max(0, b->annual_limit - acc_of(c, b->limit_bucket));
		f->crt_payb_lmt_amt = limit_left;
		explain(f->setl_proc_info, "; annual limit %s, left %s",
			mt(&c->m, b->annual_limit), mt(&c->m, limit_left));
		pay = yb_money_min(pay, limit_left);
	}
	explain(f->setl_proc_info, "; pays %s", mt(&c->m, pay));
	f->fund_payamt = pay;
	/* a layer above the basic one shows in setldetail only when it pays;
	 * it still accumulates its base (CD4) */
	if (b->layer != YB_LAYER_BASIC && pay == 0)
		s->n_funds--;
	*pays_field(s, b->pays) += pay;
	if (b->layer == YB_LAYER_BASIC) {
		s->act_pay_dedc = borne;
		s->pool_prop_selfpay = b->ratio_bp;
	}
	if (b->dedc_bucket >= 0)
		s->acc_delta[b->dedc_bucket] += borne;
	if (b->limit_bucket >= 0)
		s->acc_delta[b->limit_bucket] += pay;
	if (b->stay_bucket >= 0 && yb_med_type_inpatient(c->v->med_type) && !c->v->mid_setl)
		s->acc_delta[b->stay_bucket] += STAY_UNIT;
	c->burden -= pay;
	explain(s->setl_proc_info, "benefit %s (%s): fund %s; ", b->id, b->rules, mt(&c->m, pay));
}

/* OE9: another government scheme already paid part of this bill. Its
 * payment covers the policy range first; yibao's funds then work on what
 * the person still bears, so all schemes together never pay more than the
 * bill. Recorded as oth_pay. */
static void stage_other_scheme(ctx *c)
{
	yb_settlement *s = c->s;
	yb_money paid = yb_money_min(c->v->oth_scheme_pay, s->medfee_sumamt);
	yb_fund_pay *f;

	if (paid <= 0)
		return;
	f = add_fund(c, "999997", "其他政府补充保障 (OE9)");
	f->inscp_scp_amt = c->burden;
	f->fund_payamt = paid;
	s->oth_pay += paid;
	c->burden -= yb_money_min(paid, c->burden);
	explain(f->setl_proc_info, "OE9: another scheme paid %s; policy-range burden left %s",
		mt(&c->m, paid), mt(&c->m, c->burden));
	explain(s->setl_proc_info, "OE9 other scheme %s; ", mt(&c->m, paid));
}

/* ------------------------------------------------------------- accounts */

/* A2-A3: the person's own account first, then the accounts of the
 * initiators who bound them, earliest binding first; accounts pay only
 * what the person owes after the funds. */
static void stage_accounts(ctx *c, const yb_mulaid_acct *mulaid, size_t n)
{
	yb_settlement *s = c->s;
	size_t order[YB_MAX_MULAID], i, j;
	yb_money owed = s->psn_part_amt, own;

	s->balc = c->psn->acct_balc;
	if (!c->v->acct_used || owed <= 0)
		return;
	own = yb_money_min(yb_money_max(0, c->psn->acct_balc), owed);
	s->balc -= own;
	owed -= own;
	s->acct_pay = own;
	if (own)
		explain(s->setl_proc_info, "A2 own account %s; ", mt(&c->m, own));
	for (i = 0; i < n; i++) { /* insertion sort by binding time, stable */
		for (j = i; j > 0 && mulaid[order[j - 1]].bind_time > mulaid[i].bind_time; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < n && owed > 0; i++) {
		const yb_mulaid_acct *m = &mulaid[order[i]];
		yb_money pay = yb_money_min(yb_money_max(0, m->balc), owed);
		if (!pay)
			continue;
		s->mulaid_pay[order[i]] = pay;
		s->acct_mulaid_pay += pay;
		owed -= pay;
		explain(s->setl_proc_info, "A2 mutual aid from %s %s; ", m->psn_no, mt(&c->m, pay));
	}
	s->acct_pay += s->acct_mulaid_pay;
}

/* --------------------------------------------------------------- settle */

int yb_engine_settle(yb_settlement *out, yb_line_result *lines_out,
		     const yb_policy *pol, const yb_person *psn,
		     const yb_money *acc, const yb_mulaid_acct *mulaid,
		     size_t n_mulaid, const yb_visit *v)
{
	yb_date day = yb_datetime_date(v->begntime);
	ctx c;
	facts f;
	size_t i;
	int ovf = 0, layer;

	if (n_mulaid > YB_MAX_MULAID)
		return yb_error_set(YB_EINVALID, "mulaid: more than %d accounts (A1)", YB_MAX_MULAID);
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.s = out;
	c.pol = pol;
	c.psn = psn;
	c.acc = acc;
	c.v = v;

	for (i = 0; i < v->n_lines; i++) {
		yb_line_result *r = &lines_out[i];
		split_line(r, &v->lines[i], pol, psn, v, day);
		ovf |= __builtin_add_overflow(out->medfee_sumamt, v->lines[i].sumamt, &out->medfee_sumamt);
		ovf |= __builtin_add_overflow(out->fulamt_ownpay_amt, r->fulamt_ownpay_amt, &out->fulamt_ownpay_amt);
		ovf |= __builtin_add_overflow(out->overlmt_selfpay, r->overlmt_amt, &out->overlmt_selfpay);
		ovf |= __builtin_add_overflow(out->preselfpay_amt, r->preselfpay_amt, &out->preselfpay_amt);
		ovf |= __builtin_add_overflow(out->inscp_scp_amt, r->inscp_scp_amt, &out->inscp_scp_amt);
	}
	if (ovf)
		return yb_error_set(YB_EOVERFLOW, "feedetail: total amount out of range");
	if (psn->brdy != YB_DATE_NONE)
		out->age = yb_age(psn->brdy, day);

	explain(out->setl_proc_info, "policy %s@%s; ", pol->admdvs, pol->version);
	visit_facts(&f, pol, psn, v);
	c.burden = out->inscp_scp_amt;
	stage_other_scheme(&c);
	for (layer = 0; layer < YB_LAYERS; layer++) {
		const yb_benefit *b = v->chronic_closed ? NULL : find_row(pol, psn, v, layer, &f);
		out->layer[layer] = b;
		if (b)
			stage_fund(&c, b);
		else if (layer == YB_LAYER_BASIC && v->chronic_closed)
			explain(out->setl_proc_info, "CD6: med_type 14 needs a confirmed chronic-disease"
				" application covering %s: pooled fund pays 0; ", v->dise_codg ? v->dise_codg : "-");
		else if (layer == YB_LAYER_BASIC)
			explain(out->setl_proc_info, "no benefit row matches: pooled fund pays 0; ");
	}
	out->benefit = out->layer[YB_LAYER_BASIC];

	out->fund_pay_sumamt = out->hifp_pay + out->cvlserv_pay + out->hifes_pay +
		out->hifmi_pay + out->hifob_pay + out->maf_pay + out->oth_pay;
	out->psn_part_amt = out->medfee_sumamt - out->fund_pay_sumamt - out->hosp_part_amt;
	stage_accounts(&c, mulaid, n_mulaid);
	out->psn_cash_pay = out->psn_part_amt - out->acct_pay;
	explain(out->setl_proc_info, "cash %s", mt(&c.m, out->psn_cash_pay));
	return 0;
}

void yb_engine_apply(yb_money *acc, const yb_settlement *s, int n_buckets)
{
	int i;
	for (i = 0; i < n_buckets; i++)
		acc[i] += s->acc_delta[i];
}

int yb_settlement_check(const yb_settlement *s)
{
	if (s->medfee_sumamt != s->fulamt_ownpay_amt + s->overlmt_selfpay +
				s->preselfpay_amt + s->inscp_scp_amt)
		return yb_error_set(YB_ECONFLICT, "medfee_sumamt != fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt");
	if (s->medfee_sumamt != s->fund_pay_sumamt + s->psn_part_amt + s->hosp_part_amt)
		return yb_error_set(YB_ECONFLICT, "medfee_sumamt != fund_pay_sumamt + psn_part_amt + hosp_part_amt");
	if (s->psn_part_amt != s->acct_pay + s->psn_cash_pay)
		return yb_error_set(YB_ECONFLICT, "psn_part_amt != acct_pay + psn_cash_pay");
	if (s->fund_pay_sumamt != s->hifp_pay + s->cvlserv_pay + s->hifes_pay +
				  s->hifmi_pay + s->hifob_pay + s->maf_pay + s->oth_pay)
		return yb_error_set(YB_ECONFLICT, "fund_pay_sumamt != sum of fund payments");
	return 0;
}
