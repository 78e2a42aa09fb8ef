/* Catalogue downloads (1301-1319, issue 13): which list an institution
 * reads, the national list a code belongs to, versions, and the page of
 * rows, from the store in one read snapshot.
 *
 * Design notes
 *  1. The list is the one fee lines are split by (ledger.c's
 *     pick_catalogue): the region covering the institution's admdvs most
 *     narrowly, and the list valid everywhere for the codes that region's
 *     lacks; no covering region: the list valid everywhere alone.
 *  2. A version is a place in the version order (version day, code), not
 *     a counter: the store keeps no load sequence, and a place survives
 *     every later load. A row loaded later with a version day at or before
 *     the one a client holds is behind it: that client sees the row only by
 *     downloading from "0" again (docs/interface.md says so).
 *  3. The list types are one table (lists[]): the store's filter and
 *     yb_list_type() read the same first characters. */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REGIONS 256

static const struct {
	int type;
	const char *first;   /* codes beginning with one of these ... */
	int first_not;       /* ... or (1) with none of them */
} lists[] = {
	{YB_LIST_DRUG, "XZ", 0},
	{YB_LIST_HERB, "T", 0},
	{YB_LIST_MATERIAL, "C", 0},
	{YB_LIST_SERVICE, "XZTC", 1},
};

int yb_list_type(const char *codg)
{
	size_t i;

	for (i = 0; codg && codg[0] && i < sizeof(lists) / sizeof(lists[0]); i++)
		if (!lists[i].first_not && strchr(lists[i].first, codg[0]))
			return lists[i].type;
	return YB_LIST_SERVICE;
}

void yb_cat_ver_format(char out[YB_CAT_VER_MAX], yb_date day, const char *codg)
{
	int y, m, d;

	yb_date_to_ymd(day, &y, &m, &d);
	snprintf(out, YB_CAT_VER_MAX, "%04d%02d%02d%s", y, m, d, codg ? codg : "");
}

int yb_cat_ver_parse(const char *ver, yb_date *day, char codg[YB_CODE_MAX])
{
	const unsigned char *u;
	size_t n = ver ? strlen(ver) : 0;

	*day = YB_DATE_NONE;
	codg[0] = '\0';
	if (n == 0 || strcmp(ver, "0") == 0)
		return 0;
	if (n < 8 || strspn(ver, "0123456789") < 8 || yb_date_parse(day, ver, 8) < 0 ||
	    n - 8 >= YB_CODE_MAX) {
		*day = YB_DATE_NONE;
		return yb_error_set(YB_EINVALID, "ver: not a version (\"0\", or yyyyMMdd and a code as answered)");
	}
	for (u = (const unsigned char *)ver + 8; *u; u++)
		if (*u < 0x20 || *u == 0x7f) {
			*day = YB_DATE_NONE;
			return yb_error_set(YB_EINVALID, "ver: control character");
		}
	memcpy(codg, ver + 8, n - 8 + 1);
	return 0;
}

/* ------------------------------------------------------------ the page */

typedef struct cat_job {
	const yb_cat_req *q;
	const char *place;       /* the institution's admdvs */
	yb_cat_filter f;
	long skip, limit;
	yb_cat_page *out;
	size_t cap;
} cat_job;

static int add_row(const yb_cat_item *it, void *arg)
{
	cat_job *j = arg;
	yb_cat_page *p = j->out;
	yb_cat_rec *r;

	if (p->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		yb_cat_rec *v = realloc(p->rows, cap * sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		p->rows = v;
		j->cap = cap;
	}
	r = &p->rows[p->n++];
	memset(r, 0, sizeof(*r));
	r->it = *it;
	r->list_type = yb_list_type(it->med_list_codg);
	r->vday = it->begndate == YB_DATE_NONE ? 0 : it->begndate;
	yb_cat_ver_format(r->ver, r->vday, it->med_list_codg);
	return 0;
}

static int cat_work(yb_store_tx *tx, void *arg)
{
	cat_job *j = arg;
	char (*regions)[7] = malloc(MAX_REGIONS * sizeof(*regions));
	size_t n = 0, i;
	int rc, best = 0, len;

	if (!regions)
		return yb_error_set(YB_ENOMEM, "out of memory");
	/* a unit may run again (a retried transaction): start from nothing */
	j->out->n = 0;
	j->out->total = 0;
	j->out->admdvs[0] = '\0';
	if ((rc = yb_tx_cat_regions(tx, regions, MAX_REGIONS, &n)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (regions[i][0] && (len = yb_region_covers(regions[i], j->place)) > best) {
			best = len;
			memcpy(j->out->admdvs, regions[i], 7);
		}
	j->f.admdvs = j->out->admdvs;
	if ((rc = yb_tx_each_cat(tx, &j->f, j->skip, j->limit, add_row, j)) < 0)
		goto done;
	if (j->q->page_num > 0)
		rc = yb_tx_count_cat(tx, &j->f, &j->out->total);
	else
		j->out->total = (long)j->out->n;
done:
	free(regions);
	return rc;
}

int yb_ledger_catalog(yb_ledger *l, const yb_cat_req *q, yb_cat_page *out)
{
	yb_fixmedins_rec fix;
	char after_codg[YB_CODE_MAX];
	cat_job j;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (q->page_size < 1 || q->page_size > YB_CAT_PAGE_MAX)
		return yb_error_set(YB_EINVALID, "page_size: not 1 to %d", YB_CAT_PAGE_MAX);
	if (q->page_num < 0 || q->page_num > 1000000000L / q->page_size)
		return yb_error_set(YB_EINVALID, "page_num: not a page number");
	memset(&j, 0, sizeof(j));
	j.q = q;
	j.out = out;
	if ((rc = yb_cat_ver_parse(q->ver, &j.f.after_day, after_codg)) < 0)
		return rc;
	j.f.after_codg = after_codg;
	j.f.codg = q->codg;
	j.f.name_has = q->name_has;
	j.f.chrgitm_lv = q->chrgitm_lv;
	j.f.capped = q->capped;
	j.f.selfpay = q->selfpay;
	j.f.on = q->on;
	j.f.since = q->since;
	j.skip = q->page_num > 0 ? (q->page_num - 1) * q->page_size : 0;
	j.limit = q->page_size;
	if (q->list_type) {
		for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			if (lists[i].type == q->list_type)
				break;
		if (i == sizeof(lists) / sizeof(lists[0]))
			return 0; /* 103, 104: no code is told to be of them */
		j.f.first = lists[i].first;
		j.f.first_not = lists[i].first_not;
	}
	if ((rc = yb_ledger_get_fixmedins(l, q->fixmedins_code, &fix)) < 0)
		return rc;
	j.place = fix.admdvs;
	if ((rc = yb_store_read(l->st, cat_work, &j)) < 0) {
		yb_cat_page_free(out);
		return rc;
	}
	return 0;
}

void yb_cat_page_free(yb_cat_page *p)
{
	if (!p)
		return;
	free(p->rows);
	memset(p, 0, sizeof(*p));
}
