/* Rule files (the rules folder, docs/rules.md) -> an immutable ruleset with an
 * index from catalogue code to the rules that name it. Strict: an unknown
 * member, type or parameter is an error naming file, line and field. */
#include "yibao/rules.h"
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"

static const char *const type_names[YB_RT_COUNT] = {
	"dup_settlement", "overlap_stay", "outpatient_in_stay", "readmission",
	"item_gender", "item_age", "item_level", "item_indication",
	"item_quantity", "item_exclusive", "trac_reuse", "trac_swap",
	"trac_missing"};

const char *yb_rule_type_name(int type)
{
	return type >= 0 && type < YB_RT_COUNT ? type_names[type] : "?";
}

/* ------------------------------------------------------------ parsing */

typedef struct rctx {
	const char *file;
	uint32_t line; /* of the member being read, for the message */
} rctx;

static int fail(const rctx *c, const yb_json *at, int rc)
{
	return yb_error_prefix(rc, "%s:%u", c->file, at ? at->line : c->line);
}

/* Every member of o must be in allowed. */
static int only_keys(const rctx *c, const yb_json *o, const yb_jpath *p,
		     const char *const *allowed)
{
	const yb_json *m;
	size_t i;

	for (m = o->child; m; m = m->next) {
		for (i = 0; allowed[i] && strcmp(allowed[i], m->key); i++)
			;
		if (!allowed[i])
			return fail(c, m, yb_jpath_error(p, m->key, "unknown member"));
	}
	return 0;
}

static int get_int(const rctx *c, const yb_json *o, const yb_jpath *p, const char *key,
		   int required, long lo, long hi, int *out)
{
	int64_t v;
	int present = 0, rc;

	if ((rc = yb_jget_decimal(o, p, key, required, 0, &v, &present)) < 0)
		return fail(c, yb_json_get(o, key) ? yb_json_get(o, key) : o, rc);
	if (!present)
		return 0;
	if (v < lo || v > hi)
		return fail(c, yb_json_get(o, key),
			    yb_jpath_error(p, key, "outside %ld..%ld", lo, hi));
	*out = (int)v;
	return 0;
}

static int get_bool(const rctx *c, const yb_json *o, const yb_jpath *p, const char *key,
		    int *out)
{
	const yb_json *v = yb_json_get(o, key);

	if (!v || v->type == YB_JSON_NULL)
		return 0;
	if (v->type != YB_JSON_TRUE && v->type != YB_JSON_FALSE)
		return fail(c, v, yb_jpath_error(p, key, "not true or false"));
	*out = v->type == YB_JSON_TRUE;
	return 0;
}

/* An array of codes into dst[max][width]. */
static int get_codes(const rctx *c, const yb_json *o, const yb_jpath *p, const char *key,
		     int required, char *dst, size_t width, int max, int *n)
{
	const yb_json *arr, *e;
	int rc, i = 0;

	if ((rc = yb_jget_array(o, p, key, required, &arr)) < 0)
		return fail(c, yb_json_get(o, key) ? yb_json_get(o, key) : o, rc);
	if (!arr)
		return 0;
	for (e = arr->child; e; e = e->next, i++) {
		yb_jpath ip = YB_JPATH_KEY(p, key);
		yb_jpath ep = YB_JPATH_INDEX(&ip, i);
		if (i >= max)
			return fail(c, e, yb_jpath_error(&ip, NULL, "more than %d entries", max));
		if (e->type != YB_JSON_STRING || e->len == 0 || e->len >= width)
			return fail(c, e, yb_jpath_error(&ep, NULL, "not a code of 1 to %zu characters",
							 width - 1));
		memcpy(dst + (size_t)i * width, e->str, e->len + 1);
	}
	*n = i;
	return 0;
}

static int parse_params(const rctx *c, yb_rule *r, const yb_json *o, const yb_jpath *p)
{
	static const char *const keys[YB_RT_COUNT][6] = {
		[YB_RT_DUP_SETTLEMENT] = {"fine_multiplier"},
		[YB_RT_OVERLAP_STAY] = {"same_day_ok", "fine_multiplier"},
		[YB_RT_OUTPATIENT_IN_STAY] = {"same_day_ok"},
		[YB_RT_READMISSION] = {"days"},
		[YB_RT_ITEM_GENDER] = {"items", "gend"},
		[YB_RT_ITEM_AGE] = {"items", "min_age", "max_age"},
		[YB_RT_ITEM_LEVEL] = {"items", "min_level"},
		[YB_RT_ITEM_INDICATION] = {"items", "dise_prefixes"},
		[YB_RT_ITEM_QUANTITY] = {"items", "max_cnt", "period", "days"},
		[YB_RT_ITEM_EXCLUSIVE] = {"items", "scope"},
		[YB_RT_TRAC_REUSE] = {NULL},
		[YB_RT_TRAC_SWAP] = {NULL},
		[YB_RT_TRAC_MISSING] = {"drug_prefixes"},
	};
	char word[16] = "";
	int rc, t = r->type, item_rule = t >= YB_RT_ITEM_GENDER && t <= YB_RT_ITEM_EXCLUSIVE;

	r->min_age = r->max_age = -1;
	r->same_day_ok = 1;
	r->fine_multiplier = 5;
	if (!o) {
		if (item_rule || t == YB_RT_READMISSION)
			return fail(c, NULL, yb_jpath_error(NULL, "params", "missing"));
		return 0;
	}
	if (o->type != YB_JSON_OBJECT)
		return fail(c, o, yb_jpath_error(p, NULL, "not an object"));
	if ((rc = only_keys(c, o, p, keys[t])) < 0)
		return rc;
	if (item_rule &&
	    (rc = get_codes(c, o, p, "items", 1, &r->items[0][0], YB_CODE_MAX,
			    YB_RULE_MAX_ITEMS, &r->n_items)) < 0)
		return rc;
	if (item_rule && r->n_items == 0)
		return fail(c, yb_json_get(o, "items"), yb_jpath_error(p, "items", "empty"));
	switch (t) {
	case YB_RT_DUP_SETTLEMENT:
	case YB_RT_OVERLAP_STAY:
		if ((rc = get_bool(c, o, p, "same_day_ok", &r->same_day_ok)) < 0 ||
		    (rc = get_int(c, o, p, "fine_multiplier", 0, 1, 100, &r->fine_multiplier)) < 0)
			return rc;
		break;
	case YB_RT_OUTPATIENT_IN_STAY:
		return get_bool(c, o, p, "same_day_ok", &r->same_day_ok);
	case YB_RT_READMISSION:
		return get_int(c, o, p, "days", 1, 1, 366, &r->days);
	case YB_RT_ITEM_GENDER:
		if ((rc = yb_jget_code(o, p, "gend", 1, word, sizeof(word))) < 0)
			return fail(c, yb_json_get(o, "gend") ? yb_json_get(o, "gend") : o, rc);
		if (strcmp(word, "1") && strcmp(word, "2"))
			return fail(c, yb_json_get(o, "gend"),
				    yb_jpath_error(p, "gend", "not 1 (male) or 2 (female)"));
		r->gend = word[0];
		break;
	case YB_RT_ITEM_AGE:
		if ((rc = get_int(c, o, p, "min_age", 0, 0, 150, &r->min_age)) < 0 ||
		    (rc = get_int(c, o, p, "max_age", 0, 0, 150, &r->max_age)) < 0)
			return rc;
		if (r->min_age < 0 && r->max_age < 0)
			return fail(c, o, yb_jpath_error(p, NULL, "needs min_age or max_age"));
		if (r->min_age >= 0 && r->max_age >= 0 && r->min_age > r->max_age)
			return fail(c, yb_json_get(o, "max_age"),
				    yb_jpath_error(p, "max_age", "below min_age"));
		break;
	case YB_RT_ITEM_LEVEL:
		return get_int(c, o, p, "min_level", 1, 1, 3, &r->min_level);
	case YB_RT_ITEM_INDICATION:
		if ((rc = get_codes(c, o, p, "dise_prefixes", 1, &r->prefixes[0][0],
				    YB_RULE_PREFIX_MAX, YB_RULE_MAX_PREFIXES, &r->n_prefixes)) < 0)
			return rc;
		if (!r->n_prefixes)
			return fail(c, o, yb_jpath_error(p, "dise_prefixes", "empty"));
		break;
	case YB_RT_ITEM_QUANTITY: {
		int64_t v;
		int present = 0;
		if ((rc = yb_jget_decimal(o, p, "max_cnt", 1, YB_SCALE_COUNT, &v, &present)) < 0)
			return fail(c, yb_json_get(o, "max_cnt") ? yb_json_get(o, "max_cnt") : o, rc);
		if (v < 0)
			return fail(c, yb_json_get(o, "max_cnt"), yb_jpath_error(p, "max_cnt", "negative"));
		r->max_cnt = v;
		if ((rc = yb_jget_code(o, p, "period", 1, word, sizeof(word))) < 0)
			return fail(c, yb_json_get(o, "period") ? yb_json_get(o, "period") : o, rc);
		r->period = !strcmp(word, "visit") ? YB_PERIOD_VISIT : !strcmp(word, "day") ? YB_PERIOD_DAY
			  : !strcmp(word, "days") ? YB_PERIOD_DAYS : !strcmp(word, "year") ? YB_PERIOD_YEAR : 0;
		if (!r->period)
			return fail(c, yb_json_get(o, "period"),
				    yb_jpath_error(p, "period", "not visit, day, days or year"));
		if ((rc = get_int(c, o, p, "days", r->period == YB_PERIOD_DAYS, 1, 3660, &r->period_days)) < 0)
			return rc;
		break;
	}
	case YB_RT_ITEM_EXCLUSIVE:
		if (r->n_items < 2)
			return fail(c, yb_json_get(o, "items"),
				    yb_jpath_error(p, "items", "fewer than 2 items"));
		if ((rc = yb_jget_code(o, p, "scope", 1, word, sizeof(word))) < 0)
			return fail(c, yb_json_get(o, "scope") ? yb_json_get(o, "scope") : o, rc);
		r->scope = !strcmp(word, "visit") ? YB_SCOPE_VISIT : !strcmp(word, "day") ? YB_SCOPE_DAY : 0;
		if (!r->scope)
			return fail(c, yb_json_get(o, "scope"), yb_jpath_error(p, "scope", "not visit or day"));
		break;
	case YB_RT_TRAC_MISSING:
		if ((rc = get_codes(c, o, p, "drug_prefixes", 1, &r->prefixes[0][0],
				    YB_RULE_PREFIX_MAX, YB_RULE_MAX_PREFIXES, &r->n_prefixes)) < 0)
			return rc;
		break;
	default:
		break;
	}
	return 0;
}

static int parse_rule(const rctx *c, yb_rule *r, const yb_json *o, const yb_jpath *p)
{
	static const char *const keys[] = {"id", "name", "type", "cites", "sev_deg",
		"action", "from", "to", "params", "note", NULL};
	char type[32] = "", action[16] = "";
	const yb_json *params;
	int rc, t;
	yb_jpath pp = YB_JPATH_KEY(p, "params");

	memset(r, 0, sizeof(*r));
	r->from = YB_DATE_NONE;
	r->to = YB_DATE_MAX;
	if (o->type != YB_JSON_OBJECT)
		return fail(c, o, yb_jpath_error(p, NULL, "not an object"));
	if ((rc = only_keys(c, o, p, keys)) < 0)
		return rc;
#define GET(key, call) \
	if ((rc = (call)) < 0) \
		return fail(c, yb_json_get(o, key) ? yb_json_get(o, key) : o, rc)
	GET("id", yb_jget_code(o, p, "id", 1, r->id, sizeof(r->id)));
	GET("name", yb_jget_code(o, p, "name", 1, r->name, sizeof(r->name)));
	GET("type", yb_jget_code(o, p, "type", 1, type, sizeof(type)));
	GET("cites", yb_jget_code(o, p, "cites", 0, r->cites, sizeof(r->cites)));
	GET("action", yb_jget_code(o, p, "action", 1, action, sizeof(action)));
	GET("from", yb_jget_date(o, p, "from", 0, &r->from));
	GET("to", yb_jget_date(o, p, "to", 0, &r->to));
	GET("params", yb_jget_object(o, p, "params", 0, &params));
#undef GET
	if ((rc = get_int(c, o, p, "sev_deg", 1, 1, 3, &r->sev_deg)) < 0)
		return rc;
	if (!r->id[0] || strspn(r->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(r->id))
		return fail(c, yb_json_get(o, "id"),
			    yb_jpath_error(p, "id", "not letters, digits, '-', '_' or '.'"));
	for (t = 0; t < YB_RT_COUNT && strcmp(type, type_names[t]); t++)
		;
	if (t == YB_RT_COUNT)
		return fail(c, yb_json_get(o, "type"), yb_jpath_error(p, "type", "unknown rule type"));
	r->type = t;
	r->action = !strcmp(action, "warn") ? YB_ACT_WARN : !strcmp(action, "refuse") ? YB_ACT_REFUSE : 0;
	if (!r->action)
		return fail(c, yb_json_get(o, "action"), yb_jpath_error(p, "action", "not warn or refuse"));
	if (r->to < r->from)
		return fail(c, yb_json_get(o, "to"), yb_jpath_error(p, "to", "before from"));
	return parse_params(c, r, params, &pp);
}

/* ------------------------------------------------------- the item index */

uint64_t yb_rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h ^ (h >> 29);
}

/* Rebuilds the code -> rules table over every rule's items. */
static int build_index(yb_ruleset *rs)
{
	size_t i, n = 0, slots = 16;
	int k;

	for (i = 0; i < rs->n; i++)
		n += (size_t)rs->rules[i].n_items;
	while (slots < n * 2 + 1)
		slots *= 2;
	free(rs->slot);
	free(rs->refs);
	rs->slot = calloc(slots, sizeof(*rs->slot));
	rs->refs = calloc(n ? n : 1, sizeof(*rs->refs));
	if (!rs->slot || !rs->refs)
		return yb_error_set(YB_ENOMEM, "out of memory");
	rs->n_slots = slots;
	rs->n_refs = 0;
	/* one slot per distinct code; its rules are a chain through refs */
	for (i = 0; i < rs->n; i++)
		for (k = 0; k < rs->rules[i].n_items; k++) {
			const char *codg = rs->rules[i].items[k];
			uint64_t h = yb_rl_hash(codg);
			size_t j = h & (slots - 1);
			rl_ref *ref = &rs->refs[rs->n_refs];
			while (rs->slot[j].codg && strcmp(rs->slot[j].codg, codg))
				j = (j + 1) & (slots - 1);
			ref->rule = (uint32_t)i;
			ref->next = -1;
			if (!rs->slot[j].codg) {
				rs->slot[j].codg = codg;
				rs->slot[j].first = (int32_t)rs->n_refs;
			} else {
				/* append, keeping rule order */
				int32_t *pp = &rs->slot[j].first;
				while (*pp >= 0)
					pp = &rs->refs[*pp].next;
				*pp = (int32_t)rs->n_refs;
			}
			rs->n_refs++;
		}
	return 0;
}

int32_t yb_rl_item_rules(const yb_ruleset *rs, const char *codg)
{
	size_t j;

	if (!rs->n_slots || !codg || !*codg)
		return -1;
	j = yb_rl_hash(codg) & (rs->n_slots - 1);
	while (rs->slot[j].codg) {
		if (!strcmp(rs->slot[j].codg, codg))
			return rs->slot[j].first;
		j = (j + 1) & (rs->n_slots - 1);
	}
	return -1;
}

int yb_ruleset_tracks_item(const yb_ruleset *rs, const char *codg)
{
	int32_t r;

	for (r = yb_rl_item_rules(rs, codg); r >= 0; r = rs->refs[r].next) {
		int t = rs->rules[rs->refs[r].rule].type;
		if (t == YB_RT_ITEM_QUANTITY || t == YB_RT_ITEM_EXCLUSIVE)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------- public */

static int ruleset_new(yb_ruleset **out)
{
	yb_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return yb_error_set(YB_ENOMEM, "out of memory");
	*out = rs;
	return 0;
}

int yb_rules_add(yb_ruleset *rs, const char *text, size_t len, const char *file)
{
	static const yb_json_limits lim = {16, 4096};
	yb_json_doc *doc = NULL;
	const yb_json *root, *arr, *e;
	rctx c = {file ? file : "rules", 1};
	yb_jpath rp = YB_JPATH_KEY(NULL, "rules");
	size_t n0 = rs->n, i;
	long idx = 0;
	int rc;

	if ((rc = yb_json_parse(&doc, text, len, &lim)) < 0)
		return yb_error_prefix(rc, "%s", c.file);
	root = yb_json_root(doc);
	if (root->type != YB_JSON_OBJECT) {
		rc = fail(&c, root, yb_error_set(YB_EINVALID, "not a JSON object"));
		goto done;
	}
	{
		static const char *const keys[] = {"rules", "name", "note", NULL};
		if ((rc = only_keys(&c, root, NULL, keys)) < 0)
			goto done;
	}
	if ((rc = yb_jget_array(root, NULL, "rules", 1, &arr)) < 0) {
		rc = fail(&c, root, rc);
		goto done;
	}
	for (e = arr->child; e; e = e->next, idx++) {
		yb_jpath ep = YB_JPATH_INDEX(&rp, idx);
		yb_rule *r;
		if (rs->n >= YB_RULES_MAX) {
			rc = fail(&c, e, yb_error_set(YB_EINVALID, "more than %d rules", YB_RULES_MAX));
			goto done;
		}
		if (rs->n == rs->cap) {
			size_t cap = rs->cap ? rs->cap * 2 : 16;
			yb_rule *v = realloc(rs->rules, cap * sizeof(*v));
			if (!v) {
				rc = yb_error_set(YB_ENOMEM, "out of memory");
				goto done;
			}
			rs->rules = v;
			rs->cap = cap;
		}
		r = &rs->rules[rs->n];
		c.line = e->line;
		if ((rc = parse_rule(&c, r, e, &ep)) < 0)
			goto done;
		for (i = 0; i < rs->n; i++)
			if (!strcmp(rs->rules[i].id, r->id)) {
				rc = fail(&c, yb_json_get(e, "id"),
					  yb_jpath_error(&ep, "id", "%s defined twice", r->id));
				goto done;
			}
		rs->n++;
	}
	rc = build_index(rs);
done:
	if (rc < 0) {
		rs->n = n0;
		build_index(rs);
	}
	yb_json_free(doc);
	return rc;
}

int yb_rules_parse(yb_ruleset **out, const char *text, size_t len, const char *file)
{
	yb_ruleset *rs = NULL;
	int rc;

	if ((rc = ruleset_new(&rs)) < 0)
		return rc;
	if ((rc = yb_rules_add(rs, text, len, file)) < 0) {
		yb_ruleset_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int yb_rules_load_dir(yb_ruleset **out, const char *dir)
{
	yb_ruleset *rs = NULL;
	DIR *d;
	struct dirent *e;
	char *names[256];
	size_t n = 0, i;
	int rc;

	if (!(d = opendir(dir)))
		return yb_error_set(YB_ENOTFOUND, "%s: cannot open the rules folder", dir);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		if (n == sizeof(names) / sizeof(names[0]) || !(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	if ((rc = ruleset_new(&rs)) < 0)
		n = 0;
	for (i = 0; i < n && rc == 0; i++) {
		char path[1024];
		yb_buf b = YB_BUF_INIT;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((rc = yb_buf_read_file(&b, path, 1u << 22)) == 0)
			rc = yb_rules_add(rs, b.ptr, b.len, path);
		yb_buf_free(&b);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	if (rc == 0 && rs && rs->n == 0)
		rc = yb_error_set(YB_ENOTFOUND, "%s: no rule files (*.json)", dir);
	if (rc < 0) {
		yb_ruleset_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

void yb_ruleset_free(yb_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->rules);
	free(rs->slot);
	free(rs->refs);
	free(rs);
}

size_t yb_ruleset_count(const yb_ruleset *rs)
{
	return rs->n;
}

const yb_rule *yb_ruleset_at(const yb_ruleset *rs, size_t i)
{
	return i < rs->n ? &rs->rules[i] : NULL;
}

const yb_rule *yb_ruleset_find(const yb_ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].id, id))
			return &rs->rules[i];
	return NULL;
}

/* 1 if dir is a folder; out gets its canonical path. */
static int is_dir(char *out, size_t n, const char *dir)
{
	struct stat st;
	char *real;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	real = realpath(dir, NULL);
	snprintf(out, n, "%s", real ? real : dir);
	free(real);
	return 1;
}

int yb_rules_dir(char *out, size_t n, const char *policy_dir)
{
	const char *env = getenv("YIBAO_RULES_DIR");
	char dir[4200];

	if (env && is_dir(out, n, env))
		return 0;
	if (is_dir(out, n, "rules"))
		return 0;
	if (policy_dir) {
		snprintf(dir, sizeof(dir), "%s/../rules", policy_dir);
		if (is_dir(out, n, dir))
			return 0;
	}
	return yb_error_set(YB_ENOTFOUND, "no rules folder (set YIBAO_RULES_DIR or use --rules)");
}
