/* The catalogue as the national downloads read it (1301-1319, issue 13):
 * one region's list in version order, narrowed and paged, over
 * store_impl.h's generic runner. Reads only; the table is migration 2's.
 *
 * Design notes
 *  1. Version order is (version day, code): the day a row takes effect
 *     (its begndate; 1970-01-01 for a row loaded without one) and its code,
 *     compared bytewise, so that a version names a place in the order that
 *     no later load moves (docs/interface.md, "Catalogue downloads").
 *  2. One statement text per shape: the SQLite runner caches statements by
 *     the text's address, so a filter left out is a parameter that narrows
 *     nothing ('' or 0), never a text built per request. The texts differ
 *     between the backends only in COLLATE "C" (PostgreSQL compares text by
 *     the database's locale otherwise; SQLite's default is bytewise).
 *  3. Dates are ISO text ('' none, '9999-12-31' open), as the rest of the
 *     store keeps them, so day comparisons are text comparisons. */
#include "store_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VDAY "COALESCE(NULLIF(c.begndate, ''), '1970-01-01')"

/* $1 region; $2 $3 after (day, code); $4 code; $5 name pattern; $6 class;
 * $7 capped; $8 class B (first self-pay); $9 in force on; $10 since; $11-$14 first
 * characters, $15 1: none of them. */
#define CAT_WHERE(C) \
	" FROM catalogue c WHERE (c.admdvs = $1 OR (c.admdvs = '' AND NOT EXISTS" \
	" (SELECT 1 FROM catalogue r WHERE r.admdvs = $1 AND r.med_list_codg = c.med_list_codg)))" \
	" AND ($2 = '' OR " VDAY C " > $2 OR (" VDAY " = $2 AND c.med_list_codg" C " > $3))" \
	" AND ($4 = '' OR c.med_list_codg = $4)" \
	" AND ($5 = '' OR c.med_list_name LIKE $5 ESCAPE '\\')" \
	" AND ($6 = 0 OR c.chrgitm_lv = $6)" \
	" AND ($7 = 0 OR c.pric_uplmt_amt >= 0)" \
	" AND ($8 = 0 OR c.chrgitm_lv = 2)" \
	" AND ($9 = '' OR ((c.begndate = '' OR c.begndate" C " <= $9) AND c.enddate" C " >= $9))" \
	" AND ($10 = '' OR " VDAY C " >= $10)" \
	" AND ($11 = '' OR (substr(c.med_list_codg, 1, 1) IN ($11, $12, $13, $14)) = ($15 = 0))"
#define CAT_ROWS(C) \
	"SELECT c.admdvs, c.med_list_codg, c.begndate, c.enddate, c.med_list_name, c.chrgitm_lv," \
	" c.selfpay_prop, c.pric_uplmt_amt, c.flags" CAT_WHERE(C) \
	" ORDER BY " VDAY C ", c.med_list_codg" C " LIMIT $16 OFFSET $17"

/* Two fixed texts, so that the runner's statement cache (keyed by the
 * text's address) keeps each: text compared as it is, or under the
 * backend's byte-order clause where that is not its default. */
static const char rows_plain[] = CAT_ROWS("");
static const char rows_bytes[] = CAT_ROWS(" COLLATE \"C\"");
static const char count_plain[] = "SELECT count(*)" CAT_WHERE("");
static const char count_bytes[] = "SELECT count(*)" CAT_WHERE(" COLLATE \"C\"");

/* The values of f's parameters $1-$15; bufs holds their text. */
typedef struct cat_args {
	yb_sqlv v[17];
	char after[11], on[11], since[11];
	char first[4][2];
	char *like;
} cat_args;

/* "%text%" with LIKE's own characters escaped by '\'. */
static char *like_pattern(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *p = malloc(2 * n + 3);

	if (!p)
		return NULL;
	p[k++] = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			p[k++] = '\\';
		p[k++] = *s;
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

static int cat_args_init(cat_args *a, const yb_cat_filter *f)
{
	static const yb_sqlv none = {YB_SQLV_TEXT, "", 0};
	size_t i, nf = f->first ? strlen(f->first) : 0;

	memset(a, 0, sizeof(*a));
	if (nf > 4)
		return yb_error_set(YB_EINVALID, "catalogue: more than 4 first characters");
	if (f->name_has && f->name_has[0] && !(a->like = like_pattern(f->name_has)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (i = 0; i < 17; i++)
		a->v[i] = none;
	a->v[0].s = f->admdvs ? f->admdvs : "";
	a->v[1].s = yb_store_date_text(a->after, f->after_day);
	a->v[2].s = f->after_codg ? f->after_codg : "";
	a->v[3].s = f->codg ? f->codg : "";
	a->v[4].s = a->like ? a->like : "";
	a->v[5] = (yb_sqlv){YB_SQLV_INT, NULL, f->chrgitm_lv};
	a->v[6] = (yb_sqlv){YB_SQLV_INT, NULL, f->capped != 0};
	a->v[7] = (yb_sqlv){YB_SQLV_INT, NULL, f->selfpay != 0};
	a->v[8].s = yb_store_date_text(a->on, f->on);
	a->v[9].s = yb_store_date_text(a->since, f->since);
	/* unused slots repeat the first character: IN ($11, $11, ...) */
	for (i = 0; i < 4; i++) {
		a->first[i][0] = nf ? f->first[i < nf ? i : 0] : '\0';
		a->v[10 + i].s = a->first[i];
	}
	a->v[14] = (yb_sqlv){YB_SQLV_INT, NULL, f->first_not != 0};
	return 0;
}

typedef struct cat_fn {
	int (*fn)(const yb_cat_item *, void *);
	void *arg;
} cat_fn;

static void copy_text(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s ? s : "");
}

static int cat_row(void *arg, int n, const char *const *c)
{
	const cat_fn *a = arg;
	yb_cat_item it;

	if (n < 9)
		return yb_error_set(YB_ERROR, "catalogue: short row");
	memset(&it, 0, sizeof(it));
	copy_text(it.admdvs, sizeof(it.admdvs), c[0]);
	copy_text(it.med_list_codg, sizeof(it.med_list_codg), c[1]);
	it.begndate = yb_store_text_date(c[2]);
	it.enddate = c[3] && c[3][0] ? yb_store_text_date(c[3]) : YB_DATE_MAX;
	copy_text(it.med_list_name, sizeof(it.med_list_name), c[4]);
	it.chrgitm_lv = c[5] ? (int)strtol(c[5], NULL, 10) : 0;
	it.selfpay_bp = c[6] ? (int32_t)strtol(c[6], NULL, 10) : 0;
	it.pric_uplmt = c[7] ? strtoll(c[7], NULL, 10) : -1;
	it.flags = c[8] ? (uint32_t)strtoul(c[8], NULL, 10) : 0;
	return a->fn(&it, a->arg);
}

int yb_tx_each_cat(yb_store_tx *tx, const yb_cat_filter *f, long skip, long limit,
		   int (*fn)(const yb_cat_item *, void *), void *arg)
{
	cat_fn a = {fn, arg};
	cat_args q;
	int rc;

	if (skip < 0 || limit < 0)
		return yb_error_set(YB_EINVALID, "catalogue: negative skip or limit");
	if ((rc = cat_args_init(&q, f)) < 0)
		return rc;
	q.v[15] = (yb_sqlv){YB_SQLV_INT, NULL, limit};
	q.v[16] = (yb_sqlv){YB_SQLV_INT, NULL, skip};
	rc = yb_store_sql(tx, *yb_store_byte_order(tx) ? rows_bytes : rows_plain, q.v, 17, cat_row, &a, NULL);
	free(q.like);
	return rc;
}

static int count_row(void *arg, int n, const char *const *c)
{
	*(long *)arg = n > 0 && c[0] ? strtol(c[0], NULL, 10) : 0;
	return 0;
}

int yb_tx_count_cat(yb_store_tx *tx, const yb_cat_filter *f, long *n)
{
	cat_args q;
	int rc;

	*n = 0;
	if ((rc = cat_args_init(&q, f)) < 0)
		return rc;
	rc = yb_store_sql(tx, *yb_store_byte_order(tx) ? count_bytes : count_plain, q.v, 15, count_row, n, NULL);
	free(q.like);
	return rc;
}

typedef struct region_arg {
	char (*out)[7];
	size_t cap, n;
} region_arg;

static int region_row(void *arg, int n, const char *const *c)
{
	region_arg *a = arg;

	if (n < 1 || a->n == a->cap)
		return 0;
	copy_text(a->out[a->n++], 7, c[0]);
	return 0;
}

int yb_tx_cat_regions(yb_store_tx *tx, char (*out)[7], size_t cap, size_t *n)
{
	region_arg a = {out, cap, 0};
	int rc = yb_store_sql(tx, "SELECT DISTINCT admdvs FROM catalogue ORDER BY 1", NULL, 0,
			      region_row, &a, NULL);

	*n = a.n;
	return rc;
}
