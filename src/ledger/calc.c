/* yibao calc: settle a person's visits under a policy, in memory, in order,
 * carrying accumulators and account balances from one visit to the next as
 * one year (docs/calc.md). Nothing is stored. */
#include "yibao/ledger.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct calc_state {
	yb_policy *pol;
	yb_catalogue *cat;
	int cat_fixed; /* --catalogue: one list for every visit */
	/* lists of other places of care, loaded on first use */
	struct place_cat { char admdvs[7]; yb_catalogue *cat; } places[8];
	int n_places;
	yb_person psn;
	yb_remote_reg remote[16];
	yb_identity idet[16];
	/* deductible borne by the earlier parts of each open stay (mid-stay):
	 * a stay leaves when its final part is settled */
	struct stay { const char *mdtrt_id; yb_money dedc; } stays[256];
	size_t n_stays;
	yb_mulaid_acct mulaid[YB_MAX_MULAID];
	size_t n_mulaid;
	yb_money acc[YB_MAX_BUCKETS];
	int acc_year; /* 0 until the first visit: preset values belong to its year */
	yb_feeline_in *in;
	yb_feeline *lines;
	yb_line_result *results;
} calc_state;

static int read_remote(calc_state *st, const yb_json *root, const yb_jpath *pp)
{
	const yb_json *arr, *r;
	yb_jpath ap = YB_JPATH_KEY(pp, "remote_reg");
	size_t i = 0;
	int rc;

	if ((rc = yb_jget_array(root, pp, "remote_reg", 0, &arr)) < 0 || !arr)
		return rc;
	if (arr->len > 16)
		return yb_jpath_error(pp, "remote_reg", "more than 16 registrations");
	for (r = arr->child; r; r = r->next, i++) {
		yb_jpath rp = YB_JPATH_INDEX(&ap, i);
		yb_remote_reg *reg = &st->remote[i];
		char type[32] = "";
		if ((rc = yb_jget_code(r, &rp, "type", 1, type, sizeof(type))) < 0 ||
		    (rc = yb_jget_code(r, &rp, "admdvs", 1, reg->admdvs, sizeof(reg->admdvs))) < 0 ||
		    (rc = yb_jget_date(r, &rp, "begndate", 1, &reg->begndate)) < 0)
			return rc;
		reg->enddate = YB_DATE_MAX;
		if ((rc = yb_jget_date(r, &rp, "enddate", 0, &reg->enddate)) < 0)
			return rc;
		if ((reg->type = yb_policy_remote_type(st->pol, type)) < 0)
			return yb_jpath_error(&rp, "type", "unknown remote-care type '%s'", type);
	}
	st->psn.remote = st->remote;
	st->psn.n_remote = i;
	return 0;
}

static int read_person(calc_state *st, const yb_json *root, const char *admdvs)
{
	const yb_json *o;
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	yb_person *psn = &st->psn;
	char insutype[8] = "", gend[4] = "";
	int64_t v;
	int rc;

	if ((rc = yb_jget_object(root, NULL, "psn", 1, &o)) < 0)
		return rc;
	psn->brdy = YB_DATE_NONE;
	if ((rc = yb_jget_str(o, &pp, "psn_no", 1, 30, &psn->psn_no)) < 0 ||
	    (rc = yb_jget_code(o, &pp, "insutype", 1, insutype, sizeof(insutype))) < 0 ||
	    (rc = yb_jget_code(o, &pp, "psn_type", 1, psn->psn_type, sizeof(psn->psn_type))) < 0 ||
	    (rc = yb_jget_code(o, &pp, "gend", 0, gend, sizeof(gend))) < 0 ||
	    (rc = yb_jget_date(o, &pp, "brdy", 0, &psn->brdy)) < 0 ||
	    (rc = yb_jget_decimal(o, &pp, "acct_balc", 0, YB_SCALE_MONEY, &psn->acct_balc, NULL)) < 0)
		return rc;
	if (yb_decimal_parse(&v, insutype, strlen(insutype), 0) < 0 || v < 100 || v > 999)
		return yb_jpath_error(&pp, "insutype", "not an insutype code (310, 390, ...)");
	psn->insutype = (int)v;
	psn->gend = gend[0];
	if (psn->acct_balc < 0)
		return yb_jpath_error(&pp, "acct_balc", "negative balance");
	memcpy(psn->insu_admdvs, admdvs, 7);
	if ((rc = yb_jget_code(o, &pp, "insu_admdvs", 0, psn->insu_admdvs, sizeof(psn->insu_admdvs))) < 0 ||
	    (rc = yb_read_idet(st->idet, 16, &psn->n_idet, st->pol, o, &pp)) < 0)
		return rc;
	psn->idet = st->idet;
	return read_remote(st, o, &pp);
}

static int read_mulaid(calc_state *st, const yb_json *root)
{
	const yb_json *arr, *m;
	yb_jpath ap = YB_JPATH_KEY(NULL, "mulaid");
	int rc;

	if ((rc = yb_jget_array(root, NULL, "mulaid", 0, &arr)) < 0 || !arr)
		return rc;
	if (arr->len > YB_MAX_MULAID)
		return yb_jpath_error(NULL, "mulaid", "more than %d bound accounts (A1)", YB_MAX_MULAID);
	for (m = arr->child; m; m = m->next) {
		yb_jpath mp = YB_JPATH_INDEX(&ap, st->n_mulaid);
		yb_mulaid_acct *a = &st->mulaid[st->n_mulaid++];
		if ((rc = yb_jget_str(m, &mp, "psn_no", 1, 30, &a->psn_no)) < 0 ||
		    (rc = yb_jget_decimal(m, &mp, "balc", 1, YB_SCALE_MONEY, &a->balc, NULL)) < 0 ||
		    (rc = yb_jget_datetime(m, &mp, "bind_time", 1, &a->bind_time)) < 0)
			return rc;
		if (a->balc < 0)
			return yb_jpath_error(&mp, "balc", "negative balance");
	}
	return 0;
}

/* "accumulators": {"oe_dedc": 400.00}: year-to-date values before the
 * first visit, for the year of that visit. */
static int read_accumulators(calc_state *st, const yb_json *root)
{
	const yb_json *obj, *c;
	yb_jpath ap = YB_JPATH_KEY(NULL, "accumulators");
	int rc, b;

	if ((rc = yb_jget_object(root, NULL, "accumulators", 0, &obj)) < 0 || !obj)
		return rc;
	for (c = obj->child; c; c = c->next) {
		if ((b = yb_policy_bucket(st->pol, c->key)) < 0)
			return yb_jpath_error(&ap, c->key, "no such bucket in policy %s", st->pol->admdvs);
		if ((rc = yb_jget_decimal(obj, &ap, c->key, 1, YB_SCALE_MONEY, &st->acc[b], NULL)) < 0)
			return rc;
		if (st->acc[b] < 0)
			return yb_jpath_error(&ap, c->key, "negative amount");
	}
	return 0;
}

static int load_policy(calc_state *st, const yb_json *root, const yb_calc_opts *opts,
		       char admdvs[7])
{
	char path[4300];
	const char *file = opts ? opts->policy_path : NULL;
	const char *catfile;
	int rc;

	if ((rc = yb_jget_code(root, NULL, "admdvs", !file, admdvs, 7)) < 0)
		return rc;
	if (!file) {
		if ((rc = yb_policy_path(path, sizeof(path), admdvs)) < 0)
			return rc;
		file = path;
	}
	if ((rc = yb_policy_load(&st->pol, file, NULL)) < 0)
		return rc;
	if (!admdvs[0])
		memcpy(admdvs, st->pol->admdvs, 7);
	st->cat_fixed = opts && opts->catalogue_path;
	catfile = st->cat_fixed ? opts->catalogue_path : st->pol->catalogue_path;
	if (catfile[0] && (rc = yb_catalogue_load(&st->cat, catfile, NULL)) < 0)
		return rc;
	return 0;
}

/* The list of the place of care (就医地目录, OE8): for a visit outside the
 * policy's region, the catalogue of the policy of the institution's city
 * or province when one is shipped; else the home list. */
static const yb_catalogue *place_catalogue(calc_state *st, const char *place)
{
	char cand[2][7], path[4300];
	int i, k;

	if (st->cat_fixed || yb_region_covers(st->pol->admdvs, place))
		return st->cat;
	for (i = 0; i < st->n_places; i++)
		if (yb_region_covers(st->places[i].admdvs, place))
			return st->places[i].cat;
	snprintf(cand[0], 7, "%.4s00", place);
	snprintf(cand[1], 7, "%.2s0000", place);
	for (k = 0; k < 2 && st->n_places < 8; k++) {
		yb_policy *pol = NULL;
		yb_catalogue *cat = NULL;
		if (yb_policy_path(path, sizeof(path), cand[k]) < 0)
			continue;
		if (yb_policy_load(&pol, path, NULL) == 0 && pol->catalogue_path[0] &&
		    yb_catalogue_load(&cat, pol->catalogue_path, NULL) == 0) {
			memcpy(st->places[st->n_places].admdvs, cand[k], 7);
			st->places[st->n_places++].cat = cat;
		}
		yb_policy_free(pol);
		if (cat)
			return cat;
	}
	return st->cat;
}

/* The open stay (settled in parts so far) of mdtrt_id; an empty id is
 * never part of another visit (issue 14, a1). */
static struct stay *find_stay(calc_state *st, const char *mdtrt_id)
{
	size_t i;
	if (!mdtrt_id || !*mdtrt_id)
		return NULL;
	for (i = 0; i < st->n_stays; i++)
		if (strcmp(st->stays[i].mdtrt_id, mdtrt_id) == 0)
			return &st->stays[i];
	return NULL;
}

/* A mid-stay part leaves its deductible for the next part of the stay; the
 * final part closes the stay. */
static int note_stay(calc_state *st, struct stay *stay, const yb_visit *v, const yb_settlement *s)
{
	if (!stay) {
		if (st->n_stays == sizeof(st->stays) / sizeof(st->stays[0]))
			return yb_error_set(YB_EINVALID, "visits: more than %zu inpatient stays open at once"
					    " (settled in parts, not finally)", sizeof(st->stays) / sizeof(st->stays[0]));
		stay = &st->stays[st->n_stays++];
		stay->mdtrt_id = v->mdtrt_id;
		stay->dedc = 0;
	}
	stay->dedc += s->act_pay_dedc;
	/* settled: a later visit with this id is a new stay, and the slot is
	 * free again (only open stays are held: a2, any number of stays) */
	if (!v->mid_setl)
		*stay = st->stays[--st->n_stays];
	return 0;
}

static int settle_visit(calc_state *st, yb_jw *w, const yb_json *vo, size_t idx)
{
	yb_jpath vp = YB_JPATH_INDEX(NULL, idx);
	yb_jpath fp = YB_JPATH_KEY(&vp, "feedetail");
	yb_jpath visits = YB_JPATH_KEY(NULL, "visits");
	const yb_json *fix, *md, *arr, *l;
	yb_visit v;
	yb_settlement s;
	yb_setlinfo si;
	yb_date day;
	char when[24];
	size_t i = 0, k;
	int rc, year;
	struct stay *stay;
	const yb_catalogue *cat;

	vp.parent = &visits;
	memset(&v, 0, sizeof(v));
	if (vo->type != YB_JSON_OBJECT)
		return yb_jpath_error(&vp, NULL, "not an object");
	{
		yb_jpath fxp = YB_JPATH_KEY(&vp, "fixmedins"), mdp = YB_JPATH_KEY(&vp, "mdtrt");
		if ((rc = yb_jget_object(vo, &vp, "fixmedins", 1, &fix)) < 0 ||
		    (rc = yb_read_fixmedins(&v, fix, &fxp)) < 0 ||
		    (rc = yb_jget_object(vo, &vp, "mdtrt", 1, &md)) < 0 ||
		    (rc = yb_read_mdtrt(&v, md, &mdp)) < 0 ||
		    (rc = yb_read_oth_scheme(&v, vo, &vp)) < 0 ||
		    (rc = yb_jget_array(vo, &vp, "feedetail", 1, &arr)) < 0)
			return rc;
	}
	if (arr->len > YB_MAX_FEELINES)
		return yb_jpath_error(&vp, "feedetail", "more than %d fee lines", YB_MAX_FEELINES);
	day = yb_datetime_date(v.begntime);
	cat = place_catalogue(st, v.admdvs);
	for (l = arr->child; l; l = l->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(&fp, i);
		if ((rc = yb_read_feeline(&st->in[i], l, &lp)) < 0)
			return rc;
		for (k = 0; k < i; k++)
			if (strcmp(st->in[k].line.feedetl_sn, st->in[i].line.feedetl_sn) == 0)
				return yb_jpath_error(&lp, "feedetl_sn", "repeats line %zu", k);
		yb_resolve_feeline(&st->in[i], cat, day, 1);
		st->lines[i] = st->in[i].line;
	}
	v.lines = st->lines;
	v.n_lines = i;

	/* accumulators are per calendar year: a visit in a new year starts
	 * from zero */
	year = yb_date_year(day);
	if (st->acc_year && year != st->acc_year) {
		memset(st->acc, 0, sizeof(st->acc));
	}
	st->acc_year = year;
	stay = find_stay(st, v.mdtrt_id);
	v.prior_dedc = stay ? stay->dedc : 0;
	if ((rc = yb_engine_settle(&s, st->results, st->pol, &st->psn, st->acc,
				   st->mulaid, st->n_mulaid, &v)) < 0)
		return yb_error_prefix(rc, "visits[%zu]", idx);
	if (yb_med_type_inpatient(v.med_type) && (rc = note_stay(st, stay, &v, &s)) < 0)
		return rc;
	if ((rc = yb_settlement_check(&s)) < 0)
		return yb_error_prefix(YB_ERROR, "visits[%zu]: internal error, identity broken", idx);
	yb_datetime_format(when, v.begntime);
	yb_setlinfo_of(&si, &s, &v, &st->psn);
	si.setl_time = when;
	yb_jw_obj(w, NULL);
	yb_write_settlement(w, &si, &s, st->results, &v);
	yb_jw_end(w, '}');

	yb_engine_apply(st->acc, &s, st->pol->n_buckets);
	st->psn.acct_balc = s.balc;
	for (k = 0; k < st->n_mulaid; k++)
		st->mulaid[k].balc -= s.mulaid_pay[k];
	return 0;
}

int yb_calc(yb_buf *out, const char *input, size_t len, const yb_calc_opts *opts)
{
	calc_state st;
	yb_json_doc *doc = NULL;
	const yb_json *root, *visits, *v;
	char admdvs[7] = "";
	yb_jw w;
	size_t i = 0;
	int rc, b;

	memset(&st, 0, sizeof(st));
	if ((rc = yb_json_parse(&doc, input, len, NULL)) < 0)
		return rc;
	root = yb_json_root(doc);
	if (root->type != YB_JSON_OBJECT) {
		rc = yb_error_set(YB_EINVALID, "input: not a JSON object");
		goto done;
	}
	if ((rc = load_policy(&st, root, opts, admdvs)) < 0 ||
	    (rc = read_person(&st, root, admdvs)) < 0 ||
	    (rc = read_mulaid(&st, root)) < 0 ||
	    (rc = read_accumulators(&st, root)) < 0 ||
	    (rc = yb_jget_array(root, NULL, "visits", 1, &visits)) < 0)
		goto done;
	if (visits->len > YB_MAX_VISITS) {
		rc = yb_error_set(YB_EINVALID, "visits: more than %d", YB_MAX_VISITS);
		goto done;
	}
	st.in = malloc(YB_MAX_FEELINES * sizeof(*st.in));
	st.lines = malloc(YB_MAX_FEELINES * sizeof(*st.lines));
	st.results = malloc(YB_MAX_FEELINES * sizeof(*st.results));
	if (!st.in || !st.lines || !st.results) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "results");
	for (v = visits->child; v; v = v->next, i++)
		if ((rc = settle_visit(&st, &w, v, i)) < 0)
			goto done;
	yb_jw_end(&w, ']');
	yb_jw_obj(&w, "accumulators");
	for (b = 0; b < st.pol->n_buckets; b++)
		if (st.acc[b])
			yb_jw_money(&w, st.pol->bucket[b], st.acc[b]);
	yb_jw_end(&w, '}');
	yb_jw_end(&w, '}');
	yb_buf_putc(out, '\n');
	if (out->oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
done:
	free(st.in);
	free(st.lines);
	free(st.results);
	for (b = 0; b < st.n_places; b++)
		yb_catalogue_free(st.places[b].cat);
	yb_catalogue_free(st.cat);
	yb_policy_free(st.pol);
	yb_json_free(doc);
	return rc;
}
