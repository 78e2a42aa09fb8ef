/* Policy files: JSON -> validated, immutable yb_policy. The format is
 * documented in docs/policy-format.md; every number of a region's rules
 * lives here, none in C. */
#include "yibao/policy.h"
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/policy_diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POLICY_BYTES (16u << 20)

/* ------------------------------------------------------------- lookups */

static int find_name(const char (*names)[32], int n, const char *name)
{
	int i;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int yb_policy_bucket(const yb_policy *p, const char *name)
{
	return find_name(p->bucket, p->n_buckets, name);
}

int yb_policy_remote_type(const yb_policy *p, const char *name)
{
	return find_name(p->remote_type, p->n_remote_types, name);
}

int yb_policy_identity(const yb_policy *p, const char *name)
{
	return find_name(p->identity, p->n_identities, name);
}

int yb_policy_dise_list(const yb_policy *p, const char *name)
{
	size_t i;
	for (i = 0; i < p->n_dise_lists; i++)
		if (strcmp(p->dise_lists[i].name, name) == 0)
			return (int)i;
	return -1;
}

int yb_policy_dise_in(const yb_policy *p, int list, const char *dise_codg)
{
	const yb_disease_list *l;
	size_t i;

	if (list < 0 || (size_t)list >= p->n_dise_lists || !dise_codg)
		return 0;
	l = &p->dise_lists[list];
	for (i = 0; i < l->n; i++)
		if (strncmp(dise_codg, l->items[i].code, strlen(l->items[i].code)) == 0)
			return 1;
	return 0;
}

int yb_region_covers(const char *region, const char *place)
{
	size_t n = strlen(region);
	while (n >= 2 && region[n - 1] == '0' && region[n - 2] == '0')
		n -= 2;
	return n > 0 && strncmp(region, place, n) == 0 ? (int)n : 0;
}

static int pattern_match(const char *pat, const char *s)
{
	size_t n = strlen(pat);
	if (n && pat[n - 1] == '*')
		return strncmp(pat, s, n - 1) == 0;
	return strcmp(pat, s) == 0;
}

uint32_t yb_policy_categories(const yb_policy *p, const char *psn_type)
{
	uint32_t mask = 0;
	int i, j;

	for (i = 0; i < p->n_categories; i++)
		for (j = 0; j < p->categories[i].n; j++)
			if (pattern_match(p->categories[i].patterns[j], psn_type)) {
				mask |= 1u << i;
				break;
			}
	return mask;
}

void yb_policy_free(yb_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_dise_lists; i++)
		free(p->dise_lists[i].items);
	free(p->dise_lists);
	free(p->benefits);
	free(p->item_rules);
	free(p);
}

/* ------------------------------------------------------------- reading */

/* Copies a string member into out[cap]; absent leaves out as it is. */
static void get_text(pdiag *pd, const yb_json *obj, const yb_jpath *p,
		     const char *key, int required, char *out, size_t cap)
{
	DIAG_GET(pd, obj, key, yb_jget_code(obj, p, key, required, out, cap));
}

/* Reads an array of small numeric codes ("310", "11") into a codeset. */
static void get_codeset(pdiag *pd, const yb_json *obj, const yb_jpath *p,
			const char *key, yb_codeset *set)
{
	const yb_json *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(p, key);
	long i = 0;

	memset(set, 0, sizeof(*set));
	set->any = 1;
	if (DIAG_GET(pd, obj, key, yb_jget_array(obj, p, key, 0, &arr)) || !arr)
		return;
	set->any = 0;
	for (c = arr->child; c; c = c->next, i++) {
		int64_t code;
		if ((c->type != YB_JSON_STRING && c->type != YB_JSON_NUMBER) ||
		    yb_decimal_parse(&code, c->str, c->len, 0) < 0 || code < 0 ||
		    code > 999) {
			yb_jpath ip = YB_JPATH_INDEX(&ap, i);
			diag_at(pd, c->line, &ip, NULL, "not a code");
			continue;
		}
		set->bits[code >> 6] |= 1ull << (code & 63);
	}
}

/* Reads an array of names, each resolved by lookup() to a bit index. */
static uint32_t get_names(pdiag *pd, const yb_json *obj, const yb_jpath *p,
			  const char *key, const yb_policy *pol,
			  int (*lookup)(const yb_policy *, const char *),
			  const char *what)
{
	const yb_json *arr, *c;
	yb_jpath ap = YB_JPATH_KEY(p, key);
	uint32_t mask = 0;
	long i = 0;

	if (DIAG_GET(pd, obj, key, yb_jget_array(obj, p, key, 0, &arr)) || !arr)
		return 0;
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		int k = c->type == YB_JSON_STRING ? lookup(pol, c->str) : -1;
		if (k < 0)
			diag_at(pd, c->line, &ip, NULL, "unknown %s", what);
		else
			mask |= 1u << k;
	}
	return mask;
}

static int lookup_category(const yb_policy *p, const char *name)
{
	int i;
	for (i = 0; i < p->n_categories; i++)
		if (strcmp(p->categories[i].name, name) == 0)
			return i;
	return -1;
}

static int lookup_place(const yb_policy *p, const char *name)
{
	(void)p;
	if (strcmp(name, "home") == 0)
		return 0;
	if (strcmp(name, "registered") == 0)
		return 1;
	if (strcmp(name, "elsewhere") == 0)
		return 2;
	return -1;
}

static int lookup_flag(const yb_policy *p, const char *name)
{
	uint32_t f = yb_item_flag(name);
	(void)p;
	return f ? __builtin_ctz(f) : -1;
}

static void get_period(pdiag *pd, const yb_json *obj, const yb_jpath *p,
		       yb_date *from, yb_date *to)
{
	*from = YB_DATE_NONE;
	*to = YB_DATE_MAX;
	DIAG_GET(pd, obj, "from", yb_jget_date(obj, p, "from", 0, from));
	DIAG_GET(pd, obj, "to", yb_jget_date(obj, p, "to", 0, to));
	if (*from != YB_DATE_NONE && *to < *from)
		diag_at(pd, diag_line(obj, "to"), p, "to", "before 'from'");
}

static int get_bucket(pdiag *pd, const yb_json *obj, const yb_jpath *p,
		      const char *key, const yb_policy *pol)
{
	const char *name = NULL;
	int b;

	if (DIAG_GET(pd, obj, key, yb_jget_str(obj, p, key, 0, 31, &name)) || !name)
		return -1;
	if ((b = yb_policy_bucket(pol, name)) < 0)
		diag_at(pd, diag_line(obj, key), p, key, "unknown bucket '%s' (declare it in buckets)", name);
	return b;
}

static void get_ratio(pdiag *pd, const yb_json *obj, const yb_jpath *p,
		      const char *key, int required, int32_t *out)
{
	int64_t v = 0;
	int present = 0;

	if (DIAG_GET(pd, obj, key, yb_jget_decimal(obj, p, key, required, YB_SCALE_RATIO, &v, &present)) || !present)
		return;
	if (v < 0 || v > YB_BP_ONE) {
		diag_at(pd, diag_line(obj, key), p, key, "ratio outside 0..1");
		return;
	}
	*out = (int32_t)v;
}

static void get_amount(pdiag *pd, const yb_json *obj, const yb_jpath *p,
		       const char *key, yb_money *out)
{
	int64_t v;
	int present = 0;

	if (DIAG_GET(pd, obj, key, yb_jget_decimal(obj, p, key, 0, YB_SCALE_MONEY, &v, &present)) || !present)
		return;
	if (v < 0) {
		diag_at(pd, diag_line(obj, key), p, key, "negative amount");
		return;
	}
	*out = v;
}

/* ----------------------------------------------------------- sections */

static void read_buckets(pdiag *pd, const yb_json *root, const yb_jpath *p, yb_policy *pol)
{
	const yb_json *obj, *c;
	yb_jpath bp = YB_JPATH_KEY(p, "buckets");

	if (DIAG_GET(pd, root, "buckets", yb_jget_object(root, p, "buckets", 0, &obj)) || !obj)
		return;
	for (c = obj->child; c; c = c->next) {
		if (pol->n_buckets == YB_MAX_BUCKETS) {
			diag_at(pd, c->line, &bp, c->key, "more than %d buckets", YB_MAX_BUCKETS);
			return;
		}
		if (strlen(c->key) > 31 || yb_policy_bucket(pol, c->key) >= 0) {
			diag_at(pd, c->line, &bp, c->key, "bucket name too long or repeated");
			continue;
		}
		memcpy(pol->bucket[pol->n_buckets++], c->key, strlen(c->key) + 1);
	}
}

static void read_categories(pdiag *pd, const yb_json *root, const yb_jpath *p, yb_policy *pol)
{
	const yb_json *obj, *c, *e;
	yb_jpath cp = YB_JPATH_KEY(p, "psn_categories");

	if (DIAG_GET(pd, root, "psn_categories", yb_jget_object(root, p, "psn_categories", 1, &obj)) || !obj)
		return;
	for (c = obj->child; c; c = c->next) {
		yb_category *cat;
		if (pol->n_categories == YB_MAX_CATEGORIES || strlen(c->key) > 31 ||
		    c->type != YB_JSON_ARRAY) {
			diag_at(pd, c->line, &cp, c->key, "expected a list of psn_type codes (at most %d categories)", YB_MAX_CATEGORIES);
			continue;
		}
		cat = &pol->categories[pol->n_categories++];
		memcpy(cat->name, c->key, strlen(c->key) + 1);
		for (e = c->child; e; e = e->next) {
			if (e->type != YB_JSON_STRING || e->len == 0 || e->len > 7 || cat->n == 16) {
				diag_at(pd, e->line, &cp, c->key, "psn_type pattern: a code of at most 7 characters, at most 16 per category");
				continue;
			}
			memcpy(cat->patterns[cat->n++], e->str, e->len + 1);
		}
	}
}

/* A section of names -> descriptions ("remote_types", "identities"). */
static void read_names(pdiag *pd, const yb_json *root, const yb_jpath *p, const char *key,
		       char (*names)[32], int *n, int max)
{
	const yb_json *obj, *c;
	yb_jpath rp = YB_JPATH_KEY(p, key);

	if (DIAG_GET(pd, root, key, yb_jget_object(root, p, key, 0, &obj)) || !obj)
		return;
	for (c = obj->child; c; c = c->next) {
		if (*n == max || strlen(c->key) > 31) {
			diag_at(pd, c->line, &rp, c->key, "at most %d names of up to 31 bytes", max);
			continue;
		}
		memcpy(names[(*n)++], c->key, strlen(c->key) + 1);
	}
}

static void read_disease_lists(pdiag *pd, const yb_json *root, const yb_jpath *p, yb_policy *pol)
{
	const yb_json *obj, *c, *e;
	yb_jpath lp = YB_JPATH_KEY(p, "disease_lists");

	if (DIAG_GET(pd, root, "disease_lists", yb_jget_object(root, p, "disease_lists", 0, &obj)) || !obj)
		return;
	if (!(pol->dise_lists = calloc(obj->len ? obj->len : 1, sizeof(yb_disease_list)))) {
		diag_error(pd, obj->line, "out of memory");
		return;
	}
	for (c = obj->child; c; c = c->next) {
		yb_disease_list *l = &pol->dise_lists[pol->n_dise_lists++];
		yb_jpath np = YB_JPATH_KEY(&lp, c->key);
		long i = 0;

		snprintf(l->name, sizeof(l->name), "%s", c->key);
		if (c->type != YB_JSON_ARRAY) {
			diag_at(pd, c->line, &lp, c->key, "not an array");
			continue;
		}
		if (!(l->items = calloc(c->len ? c->len : 1, sizeof(yb_disease))))
			return;
		for (e = c->child; e; e = e->next, i++) {
			yb_jpath ip = YB_JPATH_INDEX(&np, i);
			yb_disease *d = &l->items[l->n];
			static const char *const keys[] = {"code", "name", "cross_province", NULL};
			if (e->type != YB_JSON_OBJECT) {
				diag_at(pd, e->line, &ip, NULL, "not an object");
				continue;
			}
			diag_keys(pd, e, &ip, keys);
			get_text(pd, e, &ip, "code", 1, d->code, sizeof(d->code));
			get_text(pd, e, &ip, "name", 0, d->name, sizeof(d->name));
			if (d->code[0])
				l->n++;
		}
	}
}

static void read_when(pdiag *pd, const yb_json *b, const yb_jpath *bp,
		      yb_policy *pol, yb_benefit *ben)
{
	static const char *const keys[] = {"insutype", "med_type", "fixmedins_type",
		"hosp_lv", "prim_flag", "psn_category", "place", "remote_type",
		"dise_list", "idet", NULL};
	const yb_json *w;
	yb_jpath wp = YB_JPATH_KEY(bp, "when");
	char prim[4] = "", list[32] = "";

	ben->prim_flag = -1;
	ben->places = YB_PLACE_HOME;
	ben->dise_list = -1;
	if (DIAG_GET(pd, b, "when", yb_jget_object(b, bp, "when", 1, &w)) || !w)
		return;
	diag_keys(pd, w, &wp, keys);
	get_codeset(pd, w, &wp, "insutype", &ben->insutype);
	get_codeset(pd, w, &wp, "med_type", &ben->med_type);
	get_codeset(pd, w, &wp, "fixmedins_type", &ben->fixmedins_type);
	get_codeset(pd, w, &wp, "hosp_lv", &ben->hosp_lv);
	if (ben->insutype.any || ben->med_type.any)
		diag_at(pd, w->line, &wp, NULL, "insutype and med_type are required: a benefit names what it covers");
	get_text(pd, w, &wp, "prim_flag", 0, prim, sizeof(prim));
	if (prim[0])
		ben->prim_flag = prim[0] == '1';
	ben->psn_categories = get_names(pd, w, &wp, "psn_category", pol, lookup_category, "person category");
	if (yb_json_get(w, "place"))
		ben->places = get_names(pd, w, &wp, "place", pol, lookup_place, "place (home, registered, elsewhere)");
	ben->remote_types = get_names(pd, w, &wp, "remote_type", pol, yb_policy_remote_type, "remote type");
	ben->identities = get_names(pd, w, &wp, "idet", pol, yb_policy_identity, "assisted identity (declare it in identities)");
	get_text(pd, w, &wp, "dise_list", 0, list, sizeof(list));
	if (list[0] && (ben->dise_list = yb_policy_dise_list(pol, list)) < 0)
		diag_at(pd, diag_line(w, "dise_list"), &wp, "dise_list", "unknown disease list '%s'", list);
}

static void read_layer(pdiag *pd, const yb_json *b, const yb_jpath *bp, yb_benefit *ben)
{
	static const char *const layers[] = {"basic", "critical", "assistance"};
	static const char *const pays[] = {"hifp_pay", "cvlserv_pay", "hifes_pay",
		"hifmi_pay", "hifob_pay", "maf_pay", "oth_pay"};
	static const int default_pays[] = {YB_PAYS_HIFP, YB_PAYS_HIFMI, YB_PAYS_MAF};
	char layer[16] = "basic", field[16] = "";
	int i;

	get_text(pd, b, bp, "layer", 0, layer, sizeof(layer));
	for (i = 0; i < YB_LAYERS && strcmp(layers[i], layer) != 0; i++)
		;
	if (i == YB_LAYERS) {
		diag_at(pd, diag_line(b, "layer"), bp, "layer", "not basic, critical or assistance");
		i = 0;
	}
	ben->layer = i;
	ben->pays = default_pays[i];
	get_text(pd, b, bp, "pays", 0, field, sizeof(field));
	if (field[0]) {
		for (i = 0; i < 7 && strcmp(pays[i], field) != 0; i++)
			;
		if (i == 7)
			diag_at(pd, diag_line(b, "pays"), bp, "pays", "not a fund field of setlinfo (hifp_pay, hifmi_pay, hifob_pay, maf_pay, ...)");
		else
			ben->pays = i;
	}
}

/* "tiers": [{"from": 15000, "to": 50000, "ratio": 0.6}, ...], ascending,
 * not overlapping; the last may have no "to". */
static void read_tiers(pdiag *pd, const yb_json *b, const yb_jpath *bp,
		       const yb_policy *pol, yb_benefit *ben)
{
	const yb_json *arr, *t;
	yb_jpath tp = YB_JPATH_KEY(bp, "tiers");

	if (DIAG_GET(pd, b, "tiers", yb_jget_array(b, bp, "tiers", 0, &arr)) || !arr)
		return;
	ben->tier_bucket = get_bucket(pd, b, bp, "tier_bucket", pol);
	if (ben->tier_bucket < 0 && !yb_json_get(b, "tier_bucket"))
		diag_at(pd, b->line, bp, "tier_bucket", "missing (tiers read a cumulative bucket)");
	for (t = arr->child; t; t = t->next) {
		yb_jpath ip = YB_JPATH_INDEX(&tp, ben->n_tiers);
		yb_tier *x;
		if (ben->n_tiers == YB_MAX_TIERS) {
			diag_at(pd, t->line, &tp, NULL, "more than %d tiers", YB_MAX_TIERS);
			return;
		}
		static const char *const keys[] = {"from", "to", "ratio", NULL};
		x = &ben->tiers[ben->n_tiers++];
		x->to = -1;
		if (t->type != YB_JSON_OBJECT) {
			diag_at(pd, t->line, &ip, NULL, "not an object");
			continue;
		}
		diag_keys(pd, t, &ip, keys);
		get_amount(pd, t, &ip, "from", &x->from);
		get_amount(pd, t, &ip, "to", &x->to);
		get_ratio(pd, t, &ip, "ratio", 1, &x->ratio_bp);
		if (x->to >= 0 && x->to <= x->from)
			diag_at(pd, t->line, &ip, "to", "not above 'from'");
		if (ben->n_tiers > 1 && (x[-1].to < 0 || x->from < x[-1].to))
			diag_at(pd, t->line, &ip, "from", "overlaps the tier before");
	}
}

static void read_benefit(pdiag *pd, const yb_json *b, const yb_jpath *bp,
			 yb_policy *pol, yb_benefit *ben)
{
	static const char *const keys[] = {"id", "name", "rules", "from", "to",
		"when", "layer", "pays", "deductible", "deductible_bucket",
		"deductible_next", "stay_bucket", "ratio", "tiers", "tier_bucket",
		"annual_limit", "limit_bucket", "fund_pay_type", "fund_pay_type_name", NULL};
	const yb_json *rules, *r;
	size_t used = 0;

	diag_keys(pd, b, bp, keys);
	get_text(pd, b, bp, "id", 1, ben->id, sizeof(ben->id));
	get_text(pd, b, bp, "name", 0, ben->name, sizeof(ben->name));
	if (!DIAG_GET(pd, b, "rules", yb_jget_array(b, bp, "rules", 1, &rules)) && rules)
		for (r = rules->child; r; r = r->next) {
			if (r->type != YB_JSON_STRING || r->len > 8 ||
			    used + r->len + 2 > sizeof(ben->rules)) {
				diag_at(pd, r->line, bp, "rules", "rule ids are short strings (OE2)");
				continue;
			}
			used += (size_t)snprintf(ben->rules + used, sizeof(ben->rules) - used,
						 "%s%s", used ? " " : "", r->str);
		}
	get_period(pd, b, bp, &ben->from, &ben->to);
	read_when(pd, b, bp, pol, ben);
	read_layer(pd, b, bp, ben);
	get_amount(pd, b, bp, "deductible", &ben->deductible);
	ben->dedc_bucket = get_bucket(pd, b, bp, "deductible_bucket", pol);
	ben->deductible_next = ben->deductible;
	get_amount(pd, b, bp, "deductible_next", &ben->deductible_next);
	ben->stay_bucket = get_bucket(pd, b, bp, "stay_bucket", pol);
	if (yb_json_get(b, "deductible_next") && ben->stay_bucket < 0)
		diag_at(pd, b->line, bp, "stay_bucket", "missing (deductible_next counts stays in a bucket)");
	ben->tier_bucket = -1;
	read_tiers(pd, b, bp, pol, ben);
	get_ratio(pd, b, bp, "ratio", ben->n_tiers == 0, &ben->ratio_bp);
	ben->annual_limit = -1;
	get_amount(pd, b, bp, "annual_limit", &ben->annual_limit);
	ben->limit_bucket = get_bucket(pd, b, bp, "limit_bucket", pol);
	if (ben->annual_limit >= 0 && ben->limit_bucket < 0 && !yb_json_get(b, "limit_bucket"))
		diag_at(pd, b->line, bp, "limit_bucket", "missing (an annual limit accumulates in a bucket)");
	get_text(pd, b, bp, "fund_pay_type", 1, ben->fund_pay_type, sizeof(ben->fund_pay_type));
	get_text(pd, b, bp, "fund_pay_type_name", 0, ben->fund_pay_type_name, sizeof(ben->fund_pay_type_name));
}

static void read_benefits(pdiag *pd, const yb_json *root, const yb_jpath *p, yb_policy *pol)
{
	const yb_json *arr, *b;
	yb_jpath ap = YB_JPATH_KEY(p, "benefits");
	size_t i, j;

	if (DIAG_GET(pd, root, "benefits", yb_jget_array(root, p, "benefits", 1, &arr)) || !arr)
		return;
	if (!(pol->benefits = calloc(arr->len ? arr->len : 1, sizeof(yb_benefit)))) {
		diag_error(pd, arr->line, "out of memory");
		return;
	}
	for (b = arr->child; b; b = b->next) {
		yb_jpath bp = YB_JPATH_INDEX(&ap, pol->n_benefits);
		/* a bad entry takes its slot too, so paths keep the file's index */
		yb_benefit *ben = &pol->benefits[pol->n_benefits++];
		if (b->type != YB_JSON_OBJECT) {
			diag_at(pd, b->line, &bp, NULL, "not an object");
			continue;
		}
		read_benefit(pd, b, &bp, pol, ben);
	}
	for (i = 0; i < pol->n_benefits; i++)
		for (j = 0; j < i; j++)
			if (pol->benefits[i].id[0] && strcmp(pol->benefits[i].id, pol->benefits[j].id) == 0) {
				yb_jpath bp = YB_JPATH_INDEX(&ap, i);
				diag_at(pd, arr->line, &bp, "id", "repeats benefit '%s'", pol->benefits[i].id);
			}
}

static void read_item_rules(pdiag *pd, const yb_json *root, const yb_jpath *p, yb_policy *pol)
{
	static const char *const keys[] = {"rule", "name", "from", "to", "when",
		"exclude", "selfpay_prop", NULL};
	static const char *const wkeys[] = {"flags", "insutype", "med_type", NULL};
	const yb_json *arr, *r, *w, *ex;
	yb_jpath ap = YB_JPATH_KEY(p, "item_rules");

	if (DIAG_GET(pd, root, "item_rules", yb_jget_array(root, p, "item_rules", 0, &arr)) || !arr)
		return;
	if (!(pol->item_rules = calloc(arr->len ? arr->len : 1, sizeof(yb_item_rule))))
		return;
	for (r = arr->child; r; r = r->next) {
		yb_jpath rp = YB_JPATH_INDEX(&ap, pol->n_item_rules);
		yb_jpath wp = YB_JPATH_KEY(&rp, "when");
		yb_item_rule *ir = &pol->item_rules[pol->n_item_rules++];

		if (r->type != YB_JSON_OBJECT) {
			diag_at(pd, r->line, &rp, NULL, "not an object");
			continue;
		}
		diag_keys(pd, r, &rp, keys);
		get_text(pd, r, &rp, "rule", 1, ir->rule, sizeof(ir->rule));
		get_text(pd, r, &rp, "name", 0, ir->name, sizeof(ir->name));
		get_period(pd, r, &rp, &ir->from, &ir->to);
		if (DIAG_GET(pd, r, "when", yb_jget_object(r, &rp, "when", 1, &w)) || !w)
			continue;
		diag_keys(pd, w, &wp, wkeys);
		ir->flags = get_names(pd, w, &wp, "flags", pol, lookup_flag, "item flag");
		if (!ir->flags)
			diag_at(pd, w->line, &wp, "flags", "missing (an item rule names the item flags it applies to)");
		get_codeset(pd, w, &wp, "insutype", &ir->insutype);
		get_codeset(pd, w, &wp, "med_type", &ir->med_type);
		ex = yb_json_get(r, "exclude");
		ir->exclude = ex && ex->type == YB_JSON_TRUE;
		if (ex && ex->type != YB_JSON_TRUE && ex->type != YB_JSON_FALSE)
			diag_at(pd, ex->line, &rp, "exclude", "not true or false");
		ir->selfpay_bp = -1;
		get_ratio(pd, r, &rp, "selfpay_prop", 0, &ir->selfpay_bp);
		if (!ir->exclude && ir->selfpay_bp < 0)
			diag_at(pd, r->line, &rp, NULL, "needs \"exclude\": true or a \"selfpay_prop\"");
	}
}

static void derive_pool_prefix(yb_policy *pol)
{
	size_t n = strlen(pol->admdvs);
	memcpy(pol->pool_prefix, pol->admdvs, n + 1);
	while (n >= 2 && pol->pool_prefix[n - 1] == '0' && pol->pool_prefix[n - 2] == '0')
		pol->pool_prefix[n -= 2] = '\0';
}

int yb_policy_parse(yb_policy **out, const char *text, size_t len,
		    const char *file, yb_diag *diag)
{
	static const char *const keys[] = {"format", "admdvs", "name", "version",
		"catalogue", "buckets", "psn_categories", "remote_types",
		"disease_lists", "identities", "benefits", "item_rules", NULL};
	pdiag pd = {.file = file, .out = diag};
	yb_json_doc *doc = NULL;
	const yb_json *root;
	yb_policy *pol;
	char format[32] = "";

	if (yb_json_parse(&doc, text, len, NULL) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		pd.file = file;
		diag_error(&pd, 0, msg);
		return YB_EINVALID;
	}
	root = yb_json_root(doc);
	if (!(pol = calloc(1, sizeof(*pol)))) {
		yb_json_free(doc);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	if (root->type != YB_JSON_OBJECT) {
		diag_error(&pd, root->line, "a policy is a JSON object");
		goto done;
	}
	diag_keys(&pd, root, NULL, keys);
	get_text(&pd, root, NULL, "format", 1, format, sizeof(format));
	if (format[0] && strcmp(format, "yibao-policy/1") != 0)
		diag_at(&pd, diag_line(root, "format"), NULL, "format", "unknown format '%s' (this binary reads yibao-policy/1)", format);
	get_text(&pd, root, NULL, "admdvs", 1, pol->admdvs, sizeof(pol->admdvs));
	if (pol->admdvs[0] && strlen(pol->admdvs) != 6)
		diag_at(&pd, diag_line(root, "admdvs"), NULL, "admdvs", "not a 6-digit region code");
	get_text(&pd, root, NULL, "name", 0, pol->name, sizeof(pol->name));
	get_text(&pd, root, NULL, "version", 1, pol->version, sizeof(pol->version));
	get_text(&pd, root, NULL, "catalogue", 0, pol->catalogue_path, sizeof(pol->catalogue_path));
	derive_pool_prefix(pol);
	read_buckets(&pd, root, NULL, pol);
	read_categories(&pd, root, NULL, pol);
	read_names(&pd, root, NULL, "remote_types", pol->remote_type, &pol->n_remote_types, YB_MAX_REMOTE_TYPES);
	read_names(&pd, root, NULL, "identities", pol->identity, &pol->n_identities, YB_MAX_IDENTITIES);
	read_disease_lists(&pd, root, NULL, pol);
	read_benefits(&pd, root, NULL, pol);
	read_item_rules(&pd, root, NULL, pol);
done:
	yb_json_free(doc);
	if (pd.errors) {
		yb_policy_free(pol);
		return YB_EINVALID;
	}
	*out = pol;
	return 0;
}

int yb_policy_load(yb_policy **out, const char *path, yb_diag *diag)
{
	yb_buf b = YB_BUF_INIT;
	yb_policy *pol = NULL;
	int rc;

	if ((rc = yb_buf_read_file(&b, path, MAX_POLICY_BYTES)) < 0) {
		pdiag pd = {.file = path, .out = diag};
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		diag_error(&pd, 0, msg);
		yb_buf_free(&b);
		return rc;
	}
	rc = yb_policy_parse(&pol, b.ptr, b.len, path, diag);
	yb_buf_free(&b);
	if (rc < 0)
		return rc;
	/* the catalogue path is relative to the policy file */
	if (pol->catalogue_path[0] && pol->catalogue_path[0] != '/') {
		char full[512];
		const char *slash = strrchr(path, '/');
		int dirlen = slash ? (int)(slash - path) : 1;
		snprintf(full, sizeof(full), "%.*s/%s", dirlen, slash ? path : ".", pol->catalogue_path);
		memcpy(pol->catalogue_path, full, sizeof(full));
	}
	*out = pol;
	return 0;
}
