/* The catalogue of billable items (医保目录): med_list_codg -> class, first
 * self-pay ratio, unit price cap and flags, with effective dates. Lookups
 * are an open-addressing hash on the code; versions of one code chain. */
#include "yibao/policy.h"
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/policy_diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CATALOGUE_BYTES (512u << 20)

struct yb_catalogue {
	yb_cat_item *items;
	int32_t *next;   /* next version of the same code, -1 ends */
	size_t n;
	int32_t *slots;  /* -1 empty, else index of the first version */
	size_t nslots;   /* power of two */
};

static const struct {
	const char *name;
	uint32_t flag;
} flag_names[] = {
	{"tcm_granule", YB_ITEM_TCM_GRANULE},
	{"checkup", YB_ITEM_CHECKUP},
	{"vaccine", YB_ITEM_VACCINE},
	{"procured", YB_ITEM_PROCURED},
	{"consult", YB_ITEM_CONSULT},
};

uint32_t yb_item_flag(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (strcmp(flag_names[i].name, name) == 0)
			return flag_names[i].flag;
	return 0;
}

int yb_class_parse(const char *s)
{
	if (s[0] == '0' && s[1] >= '1' && s[1] <= '3' && !s[2])
		return s[1] - '0';
	if (s[0] >= '1' && s[0] <= '3' && !s[1])
		return s[0] - '0';
	return 0;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int32_t *slot_for(const yb_catalogue *c, const char *codg)
{
	size_t i = hash(codg) & (c->nslots - 1);
	for (;; i = (i + 1) & (c->nslots - 1)) {
		int32_t k = c->slots[i];
		if (k < 0 || strcmp(c->items[k].med_list_codg, codg) == 0)
			return &c->slots[i];
	}
}

const yb_cat_item *yb_catalogue_find(const yb_catalogue *c, const char *codg, yb_date on)
{
	int32_t k;

	if (!c || !codg || !c->nslots)
		return NULL;
	for (k = *slot_for(c, codg); k >= 0; k = c->next[k]) {
		const yb_cat_item *it = &c->items[k];
		if ((it->begndate == YB_DATE_NONE || on >= it->begndate) && on <= it->enddate)
			return it;
	}
	return NULL;
}

size_t yb_catalogue_count(const yb_catalogue *c)
{
	return c ? c->n : 0;
}

const yb_cat_item *yb_catalogue_at(const yb_catalogue *c, size_t i)
{
	return &c->items[i];
}

void yb_catalogue_free(yb_catalogue *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->next);
	free(c->slots);
	free(c);
}

static void read_item(pdiag *pd, const yb_json *e, const yb_jpath *ip, yb_cat_item *it)
{
	static const char *const keys[] = {"med_list_codg", "med_list_name",
		"chrgitm_lv", "selfpay_prop", "pric_uplmt_amt", "flags", "begndate",
		"enddate", "kind", "admdvs", NULL};
	const yb_json *flags, *f;
	char lv[4] = "";
	int64_t v;
	int present;

	diag_keys(pd, e, ip, keys);
	DIAG_GET(pd, e, "med_list_codg", yb_jget_code(e, ip, "med_list_codg", 1, it->med_list_codg, sizeof(it->med_list_codg)));
	DIAG_GET(pd, e, "med_list_name", yb_jget_code(e, ip, "med_list_name", 0, it->med_list_name, sizeof(it->med_list_name)));
	DIAG_GET(pd, e, "admdvs", yb_jget_code(e, ip, "admdvs", 0, it->admdvs, sizeof(it->admdvs)));
	DIAG_GET(pd, e, "chrgitm_lv", yb_jget_code(e, ip, "chrgitm_lv", 1, lv, sizeof(lv)));
	if (lv[0] && !(it->chrgitm_lv = yb_class_parse(lv)))
		diag_at(pd, diag_line(e, "chrgitm_lv"), ip, "chrgitm_lv", "not 01, 02 or 03");
	if (!DIAG_GET(pd, e, "selfpay_prop", yb_jget_decimal(e, ip, "selfpay_prop", 0, YB_SCALE_RATIO, &v, &present)) && present) {
		if (v < 0 || v > YB_BP_ONE)
			diag_at(pd, diag_line(e, "selfpay_prop"), ip, "selfpay_prop", "ratio outside 0..1");
		it->selfpay_bp = (int32_t)v;
	}
	it->pric_uplmt = -1;
	if (!DIAG_GET(pd, e, "pric_uplmt_amt", yb_jget_decimal(e, ip, "pric_uplmt_amt", 0, YB_SCALE_PRICE, &v, &present)) && present) {
		if (v < 0)
			diag_at(pd, diag_line(e, "pric_uplmt_amt"), ip, "pric_uplmt_amt", "negative price");
		it->pric_uplmt = v;
	}
	it->begndate = YB_DATE_NONE;
	it->enddate = YB_DATE_MAX;
	DIAG_GET(pd, e, "begndate", yb_jget_date(e, ip, "begndate", 0, &it->begndate));
	DIAG_GET(pd, e, "enddate", yb_jget_date(e, ip, "enddate", 0, &it->enddate));
	if (!DIAG_GET(pd, e, "flags", yb_jget_array(e, ip, "flags", 0, &flags)) && flags)
		for (f = flags->child; f; f = f->next) {
			uint32_t bit = f->type == YB_JSON_STRING ? yb_item_flag(f->str) : 0;
			if (!bit)
				diag_at(pd, f->line, ip, "flags", "unknown flag (tcm_granule, checkup, vaccine, procured, consult)");
			it->flags |= bit;
		}
}

static int build_index(yb_catalogue *c)
{
	size_t i;

	c->nslots = 16;
	while (c->nslots < c->n * 2)
		c->nslots *= 2;
	if (!(c->slots = malloc(c->nslots * sizeof(int32_t))) ||
	    !(c->next = malloc((c->n ? c->n : 1) * sizeof(int32_t))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	memset(c->slots, 0xff, c->nslots * sizeof(int32_t));
	for (i = c->n; i-- > 0;) {
		int32_t *s = slot_for(c, c->items[i].med_list_codg);
		c->next[i] = *s;
		*s = (int32_t)i;
	}
	return 0;
}

int yb_catalogue_from_items(yb_catalogue **out, const yb_cat_item *items, size_t n)
{
	yb_catalogue *c = calloc(1, sizeof(*c));
	int rc;

	if (!c || !(c->items = malloc((n ? n : 1) * sizeof(yb_cat_item)))) {
		free(c);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	if (n)
		memcpy(c->items, items, n * sizeof(yb_cat_item));
	c->n = n;
	if ((rc = build_index(c)) < 0) {
		yb_catalogue_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int yb_catalogue_parse(yb_catalogue **out, const char *text, size_t len,
		       const char *file, yb_diag *diag)
{
	static const yb_json_limits lim = {16, 4096};
	pdiag pd = {.file = file, .out = diag};
	yb_json_doc *doc = NULL;
	const yb_json *root, *arr, *e;
	yb_jpath ap = YB_JPATH_KEY(NULL, "items");
	yb_catalogue *c;
	char admdvs[7] = "";
	int rc = 0;

	if (yb_json_parse(&doc, text, len, &lim) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		return diag_error(&pd, 0, msg);
	}
	root = yb_json_root(doc);
	if (!(c = calloc(1, sizeof(*c)))) {
		yb_json_free(doc);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	if (DIAG_GET(&pd, root, "items", yb_jget_array(root, NULL, "items", 1, &arr)) || !arr)
		goto done;
	if (DIAG_GET(&pd, root, "admdvs", yb_jget_code(root, NULL, "admdvs", 0, admdvs, sizeof(admdvs))))
		goto done;
	if (admdvs[0] && (strlen(admdvs) != 6 || strspn(admdvs, "0123456789") != 6))
		diag_at(&pd, diag_line(root, "admdvs"), NULL, "admdvs", "not a 6-digit region code");
	if (!(c->items = calloc(arr->len ? arr->len : 1, sizeof(yb_cat_item)))) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	for (e = arr->child; e; e = e->next) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, c->n);
		/* a bad entry takes its slot too, so paths keep the file's index */
		yb_cat_item *it = &c->items[c->n++];
		if (e->type != YB_JSON_OBJECT) {
			diag_at(&pd, e->line, &ip, NULL, "not an object");
			continue;
		}
		read_item(&pd, e, &ip, it);
	}
	if (!pd.errors)
		rc = build_index(c);
done:
	yb_json_free(doc);
	if (pd.errors || rc < 0) {
		yb_catalogue_free(c);
		return rc < 0 ? rc : YB_EINVALID;
	}
	*out = c;
	return 0;
}

int yb_catalogue_load(yb_catalogue **out, const char *path, yb_diag *diag)
{
	yb_buf b = YB_BUF_INIT;
	int rc;

	if ((rc = yb_buf_read_file(&b, path, MAX_CATALOGUE_BYTES)) < 0) {
		yb_buf_free(&b);
		return yb_error_prefix(rc, "catalogue");
	}
	rc = yb_catalogue_parse(out, b.ptr, b.len, path, diag);
	yb_buf_free(&b);
	return rc;
}
