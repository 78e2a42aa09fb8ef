/* Enrolment policy files: JSON -> validated, immutable yb_enrol_policy.
 * The format is documented in docs/enrolment.md. Diagnostics follow the
 * settlement policy's (src/policy): every error, "file:line: path: message",
 * the first one also in yb_error_msg(). */
#include "yibao/enroll.h"
#include "yibao/error.h"
#include "yibao/policy_diag.h"
#include "enroll_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENROL_POLICY_BYTES (4u << 20)
#define MAX_CAL_DAYS 4096

/* ------------------------------------------------------------- lookups */

static int find(const char (*names)[YB_ENROL_NAME], int n, const char *name)
{
	int i;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int yb_enrol_identity(const yb_enrol_policy *p, const char *name)
{
	return find(p->identity, p->n_identities, name);
}

int yb_enrol_group(const yb_enrol_policy *p, const char *name)
{
	return find(p->group, p->n_groups, name);
}

int yb_enrol_relation(const yb_enrol_policy *p, const char *name)
{
	return find(p->relation, p->n_relations, name);
}

int yb_enrol_channel(const yb_enrol_policy *p, const char *name)
{
	return find(p->channel, p->n_channels, name);
}

int yb_enrol_remote_type(const yb_enrol_policy *p, const char *name)
{
	int i;
	for (i = 0; i < p->n_remote; i++)
		if (strcmp(p->remote[i].name, name) == 0)
			return i;
	return -1;
}

const yb_campaign *yb_enrol_campaign(const yb_enrol_policy *p, int year)
{
	int i;
	for (i = 0; i < p->n_campaigns; i++)
		if (p->campaigns[i].year == year)
			return &p->campaigns[i];
	return NULL;
}

static const char *const ground_names[YB_GROUNDS] = {
	"local_hukou", "residence_permit", "migrant_worker", "student", "newborn_guardian"
};

const char *yb_ground_name(int ground)
{
	return ground >= 0 && ground < YB_GROUNDS ? ground_names[ground] : "none";
}

void yb_enrol_policy_free(yb_enrol_policy *p)
{
	if (!p)
		return;
	free((void *)p->cal.holidays);
	free((void *)p->cal.workdays);
	free(p);
}

/* ------------------------------------------------------------- readers */

/* Reads an integer in [lo, hi]; absent leaves *out. */
static void get_int(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
		    int required, int lo, int hi, int *out)
{
	int64_t v;
	int present = 0;

	if (DIAG_GET(pd, o, key, yb_jget_decimal(o, p, key, required, 0, &v, &present)) || !present)
		return;
	if (v < lo || v > hi) {
		diag_at(pd, diag_line(o, key), p, key, "outside %d..%d", lo, hi);
		return;
	}
	*out = (int)v;
}

static void get_bool(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
		     int required, int *out)
{
	const yb_json *v = yb_json_get(o, key);

	if (!v || v->type == YB_JSON_NULL) {
		if (required)
			diag_at(pd, o->line, p, key, "missing");
		return;
	}
	if (v->type != YB_JSON_TRUE && v->type != YB_JSON_FALSE) {
		diag_at(pd, v->line, p, key, "not true or false");
		return;
	}
	*out = v->type == YB_JSON_TRUE;
}

static void get_money(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
		      int required, yb_money *out)
{
	int64_t v;
	int present = 0;

	if (DIAG_GET(pd, o, key, yb_jget_decimal(o, p, key, required, YB_SCALE_MONEY, &v, &present)) || !present)
		return;
	if (v < 0) {
		diag_at(pd, diag_line(o, key), p, key, "negative amount");
		return;
	}
	*out = v;
}

static void get_text(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
		     int required, char *out, size_t cap)
{
	DIAG_GET(pd, o, key, yb_jget_code(o, p, key, required, out, cap));
}

static void get_month(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
		      int required, yb_month *out)
{
	const char *s = NULL;

	if (DIAG_GET(pd, o, key, yb_jget_str(o, p, key, required, 16, &s)) || !s)
		return;
	if (yb_month_parse(out, s, strlen(s)) < 0)
		diag_at(pd, diag_line(o, key), p, key, "not a month (YYYY-MM)");
}

/* An object section, or NULL (absent, or reported when not an object). */
static const yb_json *section(pdiag *pd, const yb_json *o, const yb_jpath *p,
			      const char *key, int required)
{
	const yb_json *s = NULL;
	DIAG_GET(pd, o, key, yb_jget_object(o, p, key, required, &s));
	return s;
}

/* Each element of array o[key] that is a string, with its path; calls
 * fn(ctx, string, line, path). */
static void each_string(pdiag *pd, const yb_json *o, const yb_jpath *p, const char *key,
			void (*fn)(pdiag *, void *, const char *, uint32_t, const yb_jpath *),
			void *ctx)
{
	const yb_json *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(p, key);
	long i = 0;

	if (DIAG_GET(pd, o, key, yb_jget_array(o, p, key, 0, &arr)) || !arr)
		return;
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		if (c->type != YB_JSON_STRING && c->type != YB_JSON_NUMBER) {
			diag_at(pd, c->line, &ip, NULL, "not a string");
			continue;
		}
		fn(pd, ctx, c->str, c->line, &ip);
	}
}

static void check_rule(pdiag *pd, void *ctx, const char *s, uint32_t line, const yb_jpath *ip)
{
	(void)ctx;
	if (strlen(s) == 0 || strlen(s) > 7)
		diag_at(pd, line, ip, NULL, "rule ids are short strings (N3)");
}

/* "rules": ["N3", ...] into out (space-separated), or just checked. */
static void get_rules(pdiag *pd, const yb_json *o, const yb_jpath *p, char *out, size_t cap)
{
	const yb_json *arr = yb_json_get(o, "rules"), *c;

	each_string(pd, o, p, "rules", check_rule, NULL);
	if (!out || !arr || arr->type != YB_JSON_ARRAY)
		return;
	out[0] = '\0';
	for (c = arr->child; c; c = c->next) {
		size_t used = strlen(out);
		if (c->type == YB_JSON_STRING && used + c->len + 2 <= cap)
			snprintf(out + used, cap - used, "%s%s", used ? " " : "", c->str);
	}
}

/* A list of names into names[max][YB_ENROL_NAME]. */
typedef struct namelist {
	char (*names)[YB_ENROL_NAME];
	int *n, max;
	const char *what;
	uint32_t *lines; /* may be NULL */
} namelist;

static void add_name(pdiag *pd, void *ctx, const char *s, uint32_t line, const yb_jpath *ip)
{
	namelist *nl = ctx;

	if (*nl->n == nl->max || strlen(s) == 0 || strlen(s) >= YB_ENROL_NAME) {
		diag_at(pd, line, ip, NULL, "at most %d %s of 1 to %d bytes", nl->max, nl->what, YB_ENROL_NAME - 1);
		return;
	}
	if (find(nl->names, *nl->n, s) >= 0) {
		diag_at(pd, line, ip, NULL, "repeated %s '%s'", nl->what, s);
		return;
	}
	if (nl->lines)
		nl->lines[*nl->n] = line;
	memcpy(nl->names[(*nl->n)++], s, strlen(s) + 1);
}

/* An object of names -> descriptions ("identities", "groups"). */
static void read_name_object(pdiag *pd, const yb_json *root, const char *key, namelist *nl)
{
	const yb_json *obj = section(pd, root, NULL, key, 0), *c;
	yb_jpath sp = YB_JPATH_KEY(NULL, key);

	if (!obj)
		return;
	for (c = obj->child; c; c = c->next) {
		if (c->type != YB_JSON_STRING) {
			diag_at(pd, c->line, &sp, c->key, "a description (string)");
			continue;
		}
		add_name(pd, nl, c->key, c->line, &sp);
	}
}

/* A list of insurance type codes ("310") into ints. */
typedef struct codelist {
	int *codes, *n, max;
} codelist;

static void add_code(pdiag *pd, void *ctx, const char *s, uint32_t line, const yb_jpath *ip)
{
	codelist *cl = ctx;
	int64_t v;

	if (yb_decimal_parse(&v, s, strlen(s), 0) < 0 || v < 100 || v > 999 || *cl->n == cl->max) {
		diag_at(pd, line, ip, NULL, "not an insutype code (at most %d)", cl->max);
		return;
	}
	cl->codes[(*cl->n)++] = (int)v;
}

/* ------------------------------------------------------------ sections */

static void read_subsidies(pdiag *pd, const yb_json *c, const yb_jpath *cp,
			   yb_enrol_policy *pol, yb_campaign *cam)
{
	const yb_json *obj = section(pd, c, cp, "subsidies", 0), *s;
	yb_jpath sp = YB_JPATH_KEY(cp, "subsidies");

	if (!obj)
		return;
	for (s = obj->child; s; s = s->next) {
		int k = yb_enrol_identity(pol, s->key);
		yb_money v = -1;
		if (k < 0) {
			diag_at(pd, s->line, &sp, s->key, "unknown identity (declare it in identities)");
			continue;
		}
		get_money(pd, obj, &sp, s->key, 1, &v);
		if (cam->contribution >= 0 && v > cam->contribution)
			diag_at(pd, s->line, &sp, s->key, "subsidy above the contribution");
		else if (v >= 0)
			cam->subsidy[k] = v;
	}
}

static void read_extensions(pdiag *pd, const yb_json *c, const yb_jpath *cp,
			    yb_enrol_policy *pol, yb_campaign *cam)
{
	static const char *const keys[] = {"group", "until", "cover_from", NULL};
	const yb_json *arr, *e;
	yb_jpath ap = YB_JPATH_KEY(cp, "extensions");

	if (DIAG_GET(pd, c, "extensions", yb_jget_array(c, cp, "extensions", 0, &arr)) || !arr)
		return;
	if (!cam->has_window && arr->len)
		diag_at(pd, arr->line, cp, "extensions", "an extension needs a window (open, deadline)");
	for (e = arr->child; e; e = e->next) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, cam->n_ext);
		yb_enrol_ext *x;
		char group[YB_ENROL_NAME] = "", cover[32] = "benefit_from";

		if (e->type != YB_JSON_OBJECT || cam->n_ext == YB_ENROL_MAX_NAMES) {
			diag_at(pd, e->line, &ip, NULL, "an object (at most %d extensions)", YB_ENROL_MAX_NAMES);
			continue;
		}
		x = &cam->ext[cam->n_ext++];
		diag_keys(pd, e, &ip, keys);
		get_text(pd, e, &ip, "group", 1, group, sizeof(group));
		if (group[0] && (x->group = yb_enrol_group(pol, group)) < 0)
			diag_at(pd, diag_line(e, "group"), &ip, "group", "unknown group '%s' (declare it in groups)", group);
		x->until = YB_DATE_NONE;
		DIAG_GET(pd, e, "until", yb_jget_date(e, &ip, "until", 1, &x->until));
		if (x->until != YB_DATE_NONE && cam->has_window && x->until <= cam->deadline)
			diag_at(pd, diag_line(e, "until"), &ip, "until", "not after the deadline");
		get_text(pd, e, &ip, "cover_from", 0, cover, sizeof(cover));
		if (strcmp(cover, "day_after_payment") == 0)
			x->cover_from_payment = 1;
		else if (strcmp(cover, "benefit_from") != 0)
			diag_at(pd, diag_line(e, "cover_from"), &ip, "cover_from", "not benefit_from or day_after_payment");
	}
}

static void read_campaign(pdiag *pd, const yb_json *c, const yb_jpath *cp,
			  yb_enrol_policy *pol, yb_campaign *cam)
{
	static const char *const keys[] = {"year", "rules", "open", "deadline",
		"extensions", "benefit_from", "benefit_to", "contribution", "subsidies", NULL};
	int i;

	diag_keys(pd, c, cp, keys);
	get_int(pd, c, cp, "year", 1, 1900, 9999, &cam->year);
	get_rules(pd, c, cp, cam->rules, sizeof(cam->rules));
	for (i = 0; i < pol->n_campaigns - 1; i++)
		if (cam->year && pol->campaigns[i].year == cam->year)
			diag_at(pd, diag_line(c, "year"), cp, "year", "repeats the campaign of %d", cam->year);
	cam->benefit_from = cam->benefit_to = YB_DATE_NONE;
	DIAG_GET(pd, c, "benefit_from", yb_jget_date(c, cp, "benefit_from", 1, &cam->benefit_from));
	DIAG_GET(pd, c, "benefit_to", yb_jget_date(c, cp, "benefit_to", 1, &cam->benefit_to));
	if (cam->benefit_from != YB_DATE_NONE && cam->benefit_to != YB_DATE_NONE &&
	    cam->benefit_to < cam->benefit_from)
		diag_at(pd, diag_line(c, "benefit_to"), cp, "benefit_to", "before benefit_from");
	cam->open = 0;
	cam->deadline = YB_DATE_NONE;
	if (yb_json_get(c, "open") || yb_json_get(c, "deadline")) {
		cam->has_window = 1;
		DIAG_GET(pd, c, "open", yb_jget_datetime(c, cp, "open", 1, &cam->open));
		DIAG_GET(pd, c, "deadline", yb_jget_date(c, cp, "deadline", 1, &cam->deadline));
		if (cam->deadline != YB_DATE_NONE && yb_datetime_date(cam->open) > cam->deadline)
			diag_at(pd, diag_line(c, "deadline"), cp, "deadline", "before the window opens");
	}
	cam->contribution = -1; /* stays so when unreadable: no subsidy check */
	get_money(pd, c, cp, "contribution", 1, &cam->contribution);
	read_subsidies(pd, c, cp, pol, cam);
	read_extensions(pd, c, cp, pol, cam);
}

static void read_residents(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"rules", "insutype", "employee_insutypes",
		"grounds", "newborn", "campaigns", NULL};
	static const char *const nkeys[] = {"rules", "within_days", "late_until_months", NULL};
	yb_jpath rp = YB_JPATH_KEY(NULL, "residents");
	yb_jpath np = YB_JPATH_KEY(&rp, "newborn");
	yb_jpath gp = YB_JPATH_KEY(&rp, "grounds");
	yb_jpath cp = YB_JPATH_KEY(&rp, "campaigns");
	const yb_json *r = section(pd, root, NULL, "residents", 1), *nb, *arr, *g, *c;
	codelist emp = {pol->employee_insutype, &pol->n_employee_insutype, 8};
	char code[8] = "";
	long i = 0;

	if (!r)
		return;
	diag_keys(pd, r, &rp, keys);
	get_rules(pd, r, &rp, NULL, 0);
	get_text(pd, r, &rp, "insutype", 1, code, sizeof(code));
	pol->resident_insutype = (int)strtol(code, NULL, 10);
	if (code[0] && (strspn(code, "0123456789") != 3))
		diag_at(pd, diag_line(r, "insutype"), &rp, "insutype", "not an insutype code");
	each_string(pd, r, &rp, "employee_insutypes", add_code, &emp);
	if (!pol->n_employee_insutype)
		diag_at(pd, r->line, &rp, "employee_insutypes", "missing (N2 refuses those in employees' insurance)");
	if (!DIAG_GET(pd, r, "grounds", yb_jget_array(r, &rp, "grounds", 1, &arr)) && arr)
		for (g = arr->child; g; g = g->next, i++) {
			yb_jpath ip = YB_JPATH_INDEX(&gp, i);
			int k;
			for (k = 0; k < YB_GROUNDS; k++)
				if (g->type == YB_JSON_STRING && strcmp(g->str, ground_names[k]) == 0)
					break;
			if (k == YB_GROUNDS)
				diag_at(pd, g->line, &ip, NULL, "not local_hukou, residence_permit, migrant_worker, student or newborn_guardian");
			else
				pol->grounds |= 1u << k;
		}
	if ((nb = section(pd, r, &rp, "newborn", 1))) {
		diag_keys(pd, nb, &np, nkeys);
		get_rules(pd, nb, &np, NULL, 0);
		get_int(pd, nb, &np, "within_days", 1, 1, 366, &pol->newborn_days);
		get_int(pd, nb, &np, "late_until_months", 1, 0, 72, &pol->newborn_late_months);
	}
	if (DIAG_GET(pd, r, "campaigns", yb_jget_array(r, &rp, "campaigns", 1, &arr)) || !arr)
		return;
	for (c = arr->child; c; c = c->next) {
		yb_jpath ip = YB_JPATH_INDEX(&cp, pol->n_campaigns);
		if (pol->n_campaigns == YB_ENROL_MAX_CAMPAIGNS) {
			diag_at(pd, c->line, &ip, NULL, "more than %d campaigns", YB_ENROL_MAX_CAMPAIGNS);
			return;
		}
		if (c->type != YB_JSON_OBJECT) {
			diag_at(pd, c->line, &ip, NULL, "not an object");
			pol->n_campaigns++;
			continue;
		}
		pol->n_campaigns++;
		read_campaign(pd, c, &ip, pol, &pol->campaigns[pol->n_campaigns - 1]);
	}
	if (!pol->n_campaigns)
		diag_at(pd, arr->line, &rp, "campaigns", "empty");
}

static void read_topups(pdiag *pd, const yb_json *e, const yb_jpath *ep, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"from", "monthly_base", "rate", NULL};
	const yb_json *arr, *t;
	yb_jpath tp = YB_JPATH_KEY(ep, "topup");

	if (DIAG_GET(pd, e, "topup", yb_jget_array(e, ep, "topup", 1, &arr)) || !arr)
		return;
	for (t = arr->child; t; t = t->next) {
		yb_jpath ip = YB_JPATH_INDEX(&tp, pol->n_topups);
		yb_topup *x;
		int64_t rate = -1;
		int present = 0;

		if (t->type != YB_JSON_OBJECT || pol->n_topups == YB_ENROL_MAX_TOPUPS) {
			diag_at(pd, t->line, &ip, NULL, "an object (at most %d rows)", YB_ENROL_MAX_TOPUPS);
			continue;
		}
		x = &pol->topups[pol->n_topups++];
		diag_keys(pd, t, &ip, keys);
		x->from = YB_MONTH_NONE;
		get_month(pd, t, &ip, "from", 1, &x->from);
		get_money(pd, t, &ip, "monthly_base", 1, &x->monthly_base);
		if (!DIAG_GET(pd, t, "rate", yb_jget_decimal(t, &ip, "rate", 1, YB_SCALE_RATIO, &rate, &present)) && present) {
			if (rate < 0 || rate > YB_BP_ONE)
				diag_at(pd, diag_line(t, "rate"), &ip, "rate", "ratio outside 0..1");
			else
				x->rate_bp = (int32_t)rate;
		}
		if (pol->n_topups > 1 && x->from != YB_MONTH_NONE && x->from <= x[-1].from)
			diag_at(pd, diag_line(t, "from"), &ip, "from", "not after the row before (rows go in time order)");
	}
	if (!pol->n_topups)
		diag_at(pd, arr->line, ep, "topup", "empty");
}

static void read_employees(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"rules", "system_start", "due_month_covered",
		"late_payment_restores", "retirement", "topup", NULL};
	static const char *const rkeys[] = {"rules", "years_men", "years_women", "min_actual_years", NULL};
	yb_jpath ep = YB_JPATH_KEY(NULL, "employees");
	yb_jpath rp = YB_JPATH_KEY(&ep, "retirement");
	const yb_json *e = section(pd, root, NULL, "employees", 1), *r;

	if (!e)
		return;
	diag_keys(pd, e, &ep, keys);
	get_rules(pd, e, &ep, NULL, 0);
	get_month(pd, e, &ep, "system_start", 1, &pol->system_start);
	get_bool(pd, e, &ep, "due_month_covered", 1, &pol->due_month_covered);
	get_bool(pd, e, &ep, "late_payment_restores", 1, &pol->late_payment_restores);
	if ((r = section(pd, e, &ep, "retirement", 1))) {
		diag_keys(pd, r, &rp, rkeys);
		get_rules(pd, r, &rp, NULL, 0);
		get_int(pd, r, &rp, "years_men", 1, 1, 60, &pol->years_men);
		get_int(pd, r, &rp, "years_women", 1, 1, 60, &pol->years_women);
		get_int(pd, r, &rp, "min_actual_years", 1, 0, 60, &pol->min_actual_years);
	}
	read_topups(pd, e, &ep, pol);
}

/* "insutype" and "psn_type" lists of a remote-care type. */
static void read_who(pdiag *pd, const yb_json *t, const yb_jpath *tp, yb_remote_rule *rr)
{
	const yb_json *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(tp, "insutype");
	yb_jpath pp = YB_JPATH_KEY(tp, "psn_type");
	long i = 0;

	if (!DIAG_GET(pd, t, "insutype", yb_jget_array(t, tp, "insutype", 0, &arr)) && arr)
		for (c = arr->child; c; c = c->next, i++) {
			yb_jpath ip = YB_JPATH_INDEX(&ap, i);
			if (c->type != YB_JSON_STRING || c->len != 3 || strspn(c->str, "0123456789") != 3 || rr->n_insutype == 8) {
				diag_at(pd, c->line, &ip, NULL, "an insutype code such as \"310\" (at most 8)");
				continue;
			}
			memcpy(rr->insutype[rr->n_insutype++], c->str, 4);
		}
	i = 0;
	if (!DIAG_GET(pd, t, "psn_type", yb_jget_array(t, tp, "psn_type", 0, &arr)) && arr)
		for (c = arr->child; c; c = c->next, i++) {
			yb_jpath ip = YB_JPATH_INDEX(&pp, i);
			if (c->type != YB_JSON_STRING || c->len == 0 || c->len > 7 || rr->n_psn_type == 8) {
				diag_at(pd, c->line, &ip, NULL, "a psn_type pattern of at most 7 characters (at most 8)");
				continue;
			}
			memcpy(rr->psn_type[rr->n_psn_type++], c->str, c->len + 1);
		}
}

static void read_remote(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"rules", "working_days", "channels", "types", NULL};
	static const char *const tkeys[] = {"valid_months", "outpatient_pooling", "insutype", "psn_type", NULL};
	yb_jpath rp = YB_JPATH_KEY(NULL, "remote_care");
	yb_jpath tp = YB_JPATH_KEY(&rp, "types");
	namelist ch = {pol->channel, &pol->n_channels, YB_ENROL_MAX_NAMES, "channels", NULL};
	const yb_json *r = section(pd, root, NULL, "remote_care", 1), *types, *t;

	if (!r)
		return;
	diag_keys(pd, r, &rp, keys);
	get_rules(pd, r, &rp, NULL, 0);
	get_int(pd, r, &rp, "working_days", 1, 0, 60, &pol->remote_working_days);
	each_string(pd, r, &rp, "channels", add_name, &ch);
	if (!pol->n_channels)
		diag_at(pd, r->line, &rp, "channels", "missing (the channels a registration may come through)");
	if (!(types = section(pd, r, &rp, "types", 1)))
		return;
	for (t = types->child; t; t = t->next) {
		yb_jpath ip = YB_JPATH_KEY(&tp, t->key);
		yb_remote_rule *rr;
		if (t->type != YB_JSON_OBJECT || pol->n_remote == YB_ENROL_MAX_NAMES ||
		    strlen(t->key) == 0 || strlen(t->key) >= YB_ENROL_NAME ||
		    yb_enrol_remote_type(pol, t->key) >= 0) {
			diag_at(pd, t->line, &tp, t->key, "an object under a new name of at most %d bytes (at most %d types)", YB_ENROL_NAME - 1, YB_ENROL_MAX_NAMES);
			continue;
		}
		rr = &pol->remote[pol->n_remote++];
		memcpy(rr->name, t->key, strlen(t->key) + 1);
		rr->line = t->line;
		diag_keys(pd, t, &ip, tkeys);
		get_int(pd, t, &ip, "valid_months", 0, 1, 120, &rr->months);
		get_bool(pd, t, &ip, "outpatient_pooling", 1, &rr->outpatient_pooling);
		read_who(pd, t, &ip, rr);
	}
}

static void read_chronic(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"rules", "disease_list", NULL};
	yb_jpath cp = YB_JPATH_KEY(NULL, "chronic");
	const yb_json *c = section(pd, root, NULL, "chronic", 1);

	if (!c)
		return;
	diag_keys(pd, c, &cp, keys);
	get_rules(pd, c, &cp, NULL, 0);
	get_text(pd, c, &cp, "disease_list", 1, pol->chronic_list, sizeof(pol->chronic_list));
	pol->line_chronic = diag_line(c, "disease_list");
}

static void read_family(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"rules", "max_bound", "relations", "initiator_insutypes", NULL};
	yb_jpath fp = YB_JPATH_KEY(NULL, "family");
	namelist rel = {pol->relation, &pol->n_relations, YB_ENROL_MAX_NAMES, "relations", NULL};
	codelist ini = {pol->initiator_insutype, &pol->n_initiator_insutype, 8};
	const yb_json *f = section(pd, root, NULL, "family", 1);

	if (!f)
		return;
	diag_keys(pd, f, &fp, keys);
	get_rules(pd, f, &fp, NULL, 0);
	get_int(pd, f, &fp, "max_bound", 1, 1, YB_ENROL_MAX_BINDINGS - 1, &pol->max_bound);
	each_string(pd, f, &fp, "relations", add_name, &rel);
	each_string(pd, f, &fp, "initiator_insutypes", add_code, &ini);
	if (!pol->n_relations)
		diag_at(pd, f->line, &fp, "relations", "missing");
	if (!pol->n_initiator_insutype)
		diag_at(pd, f->line, &fp, "initiator_insutypes", "missing");
}

/* ------------------------------------------------------------ calendar */

static int cmp_date(const void *a, const void *b)
{
	yb_date x = *(const yb_date *)a, y = *(const yb_date *)b;
	return (x > y) - (x < y);
}

/* Reads a list of dates inside the calendar's years; sorted, no repeats. */
static yb_date *read_days(pdiag *pd, const yb_json *cal, const yb_jpath *cp,
			  const char *key, const yb_workcal *wc, int want_weekend,
			  size_t *n_out)
{
	const yb_json *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(cp, key);
	yb_date *days;
	size_t n = 0, i;

	*n_out = 0;
	if (DIAG_GET(pd, cal, key, yb_jget_array(cal, cp, key, 0, &arr)) || !arr)
		return NULL;
	if (arr->len > MAX_CAL_DAYS) {
		diag_at(pd, arr->line, cp, key, "more than %d days", MAX_CAL_DAYS);
		return NULL;
	}
	if (!(days = calloc(arr->len ? arr->len : 1, sizeof(*days)))) {
		diag_error(pd, arr->line, "out of memory");
		return NULL;
	}
	for (c = arr->child, i = 0; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		yb_date d;
		int y, m, dd, rest;
		if (c->type != YB_JSON_STRING || yb_date_parse(&d, c->str, c->len) < 0) {
			diag_at(pd, c->line, &ip, NULL, "not a date (YYYY-MM-DD)");
			continue;
		}
		yb_date_to_ymd(d, &y, &m, &dd);
		rest = wc->weekend >> enrol_weekday(d) & 1;
		if (y < wc->first_year || y > wc->last_year)
			diag_at(pd, c->line, &ip, NULL, "outside first_year..last_year");
		else if (want_weekend && !rest)
			diag_at(pd, c->line, &ip, NULL, "not a weekend day (a make-up working day is a weekend day worked)");
		else if (!want_weekend && rest)
			diag_at(pd, c->line, &ip, NULL, "a weekend day is already a rest day");
		else
			days[n++] = d;
	}
	qsort(days, n, sizeof(*days), cmp_date);
	for (i = 1; i < n; i++)
		if (days[i] == days[i - 1])
			diag_at(pd, arr->line, &ap, NULL, "a day is listed twice");
	*n_out = n;
	return days;
}

static void read_calendar(pdiag *pd, const yb_json *root, yb_enrol_policy *pol)
{
	static const char *const keys[] = {"weekend", "first_year", "last_year", "holidays", "workdays", NULL};
	static const char *const wd[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	yb_jpath cp = YB_JPATH_KEY(NULL, "calendar");
	yb_jpath wp = YB_JPATH_KEY(&cp, "weekend");
	const yb_json *cal = section(pd, root, NULL, "calendar", 0), *arr, *c;
	yb_workcal *wc = &pol->cal;
	yb_date *hol, *work;
	long i = 0;

	if (!cal)
		return;
	diag_keys(pd, cal, &cp, keys);
	if (!DIAG_GET(pd, cal, "weekend", yb_jget_array(cal, &cp, "weekend", 1, &arr)) && arr)
		for (c = arr->child; c; c = c->next, i++) {
			yb_jpath ip = YB_JPATH_INDEX(&wp, i);
			int k;
			for (k = 0; k < 7; k++)
				if (c->type == YB_JSON_STRING && strcmp(c->str, wd[k]) == 0)
					break;
			if (k == 7)
				diag_at(pd, c->line, &ip, NULL, "not mon, tue, wed, thu, fri, sat or sun");
			else
				wc->weekend |= (uint8_t)(1u << k);
		}
	get_int(pd, cal, &cp, "first_year", 1, 1900, 9999, &wc->first_year);
	get_int(pd, cal, &cp, "last_year", 1, 1900, 9999, &wc->last_year);
	if (wc->first_year && wc->last_year && wc->last_year < wc->first_year)
		diag_at(pd, diag_line(cal, "last_year"), &cp, "last_year", "before first_year");
	hol = read_days(pd, cal, &cp, "holidays", wc, 0, &wc->n_holidays);
	work = read_days(pd, cal, &cp, "workdays", wc, 1, &wc->n_workdays);
	wc->holidays = hol;
	wc->workdays = work;
}

/* -------------------------------------------------------------- the file */

/* Remote-care registrations and N7's term count working days. */
static void need_calendar(pdiag *pd, const yb_json *root, const yb_enrol_policy *pol)
{
	if (pol->n_remote && !pol->cal.first_year && !yb_json_get(root, "calendar"))
		diag_at(pd, root->line, NULL, "calendar", "missing (remote-care terms count working days)");
}

int yb_enrol_policy_parse(yb_enrol_policy **out, const char *text, size_t len,
			  const char *file, yb_diag *diag)
{
	static const char *const keys[] = {"format", "admdvs", "name", "version",
		"identities", "groups", "residents", "employees", "remote_care",
		"chronic", "family", "calendar", NULL};
	pdiag pd = {.file = file, .out = diag};
	yb_json_doc *doc = NULL;
	const yb_json *root;
	yb_enrol_policy *pol;
	char format[32] = "";

	if (yb_json_parse(&doc, text, len, NULL) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		return diag_error(&pd, 0, msg);
	}
	root = yb_json_root(doc);
	if (!(pol = calloc(1, sizeof(*pol)))) {
		yb_json_free(doc);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	if (root->type != YB_JSON_OBJECT) {
		diag_error(&pd, root->line, "an enrolment policy is a JSON object");
		goto done;
	}
	diag_keys(&pd, root, NULL, keys);
	get_text(&pd, root, NULL, "format", 1, format, sizeof(format));
	if (format[0] && strcmp(format, "yibao-enrol/1") != 0)
		diag_at(&pd, diag_line(root, "format"), NULL, "format", "unknown format '%s' (this binary reads yibao-enrol/1)", format);
	get_text(&pd, root, NULL, "admdvs", 1, pol->admdvs, sizeof(pol->admdvs));
	pol->line_admdvs = diag_line(root, "admdvs");
	if (pol->admdvs[0] && (strlen(pol->admdvs) != 6 || strspn(pol->admdvs, "0123456789") != 6))
		diag_at(&pd, diag_line(root, "admdvs"), NULL, "admdvs", "not a 6-digit region code");
	get_text(&pd, root, NULL, "name", 0, pol->name, sizeof(pol->name));
	get_text(&pd, root, NULL, "version", 1, pol->version, sizeof(pol->version));
	{
		namelist ids = {pol->identity, &pol->n_identities, YB_ENROL_MAX_NAMES, "identities", pol->line_identity};
		namelist grp = {pol->group, &pol->n_groups, YB_ENROL_MAX_NAMES, "groups", NULL};
		read_name_object(&pd, root, "identities", &ids);
		read_name_object(&pd, root, "groups", &grp);
	}
	read_residents(&pd, root, pol);
	read_employees(&pd, root, pol);
	read_remote(&pd, root, pol);
	read_chronic(&pd, root, pol);
	read_family(&pd, root, pol);
	read_calendar(&pd, root, pol);
	need_calendar(&pd, root, pol);
done:
	yb_json_free(doc);
	if (pd.errors) {
		yb_enrol_policy_free(pol);
		return YB_EINVALID;
	}
	*out = pol;
	return 0;
}

int yb_enrol_policy_load(yb_enrol_policy **out, const char *path, yb_diag *diag)
{
	yb_buf b = YB_BUF_INIT;
	int rc;

	if ((rc = yb_buf_read_file(&b, path, MAX_ENROL_POLICY_BYTES)) < 0) {
		pdiag pd = {.file = path, .out = diag};
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		diag_error(&pd, 0, msg);
		yb_buf_free(&b);
		return rc;
	}
	rc = yb_enrol_policy_parse(out, b.ptr ? b.ptr : "", b.len, path, diag);
	yb_buf_free(&b);
	return rc;
}

int yb_enrol_policy_crosscheck(const yb_enrol_policy *ep, const yb_policy *sp,
			       const char *file, yb_diag *diag)
{
	pdiag pd = {.file = file, .out = diag};
	yb_jpath ids = YB_JPATH_KEY(NULL, "identities");
	yb_jpath rc = YB_JPATH_KEY(NULL, "remote_care");
	yb_jpath types = YB_JPATH_KEY(&rc, "types");
	yb_jpath chr = YB_JPATH_KEY(NULL, "chronic");
	int i;

	if (strcmp(ep->admdvs, sp->admdvs) != 0)
		diag_at(&pd, ep->line_admdvs, NULL, "admdvs", "%s, but the settlement policy's is %s", ep->admdvs, sp->admdvs);
	for (i = 0; i < ep->n_identities; i++)
		if (yb_policy_identity(sp, ep->identity[i]) < 0)
			diag_at(&pd, ep->line_identity[i], &ids, ep->identity[i], "not an identity of the settlement policy");
	for (i = 0; i < ep->n_remote; i++)
		if (yb_policy_remote_type(sp, ep->remote[i].name) < 0)
			diag_at(&pd, ep->remote[i].line, &types, ep->remote[i].name, "not a remote type of the settlement policy");
	if (ep->chronic_list[0] && yb_policy_dise_list(sp, ep->chronic_list) < 0)
		diag_at(&pd, ep->line_chronic, &chr, "disease_list", "no list '%s' in the settlement policy", ep->chronic_list);
	return pd.errors ? YB_EINVALID : 0;
}
