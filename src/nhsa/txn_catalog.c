/* Catalogue downloads (issue 13): a HIS keeps its item catalogues in step
 * with the platform's. Two shapes, as public HIS code calls them:
 *
 *   1301 1302 1303 1305 1306   data{ver} -> {file_qury_no, filename,
 *                              dld_end_time, data_cnt}; the file itself
 *                              comes with 9102: a .zip holding one .txt,
 *                              a record a line, columns tab-separated in
 *                              the platform's order, each record with its
 *                              version (版本号) and the next version to ask
 *                              from (版本名称)
 *   1312 1316 1317 1318 1319   data{filters, page_num, page_size} ->
 *                              {firstPage, ..., recordCounts, pages, data[]}
 *
 * Design notes
 *  1. Every answer is read from the store when asked (yb_ledger_catalog);
 *     nothing is kept between 13xx and 9102: the file query number names
 *     the question ("plc/1301/1000/<ver>"), and 9102 asks it again. A load
 *     in between shows in the file.
 *  2. What the store does not hold is "" (a text) and never null: dosage
 *     forms, makers, restricted-use flags, pinyin, the operators. Dates are
 *     "yyyy-MM-dd HH:mm:ss" always (typed clients parse them): a row's
 *     update and creation time are its version day, an open end is
 *     9999-12-31 (docs/interface.md lists each field). */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/money.h"
#include "yibao/zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_PREFIX "plc/"
#define PAGE_DEFAULT 100

/* ============================================================ fields */

/* "yyyy-MM-dd 00:00:00" (open-ended: 9999-12-31). */
static void day_text(char out[20], yb_date d)
{
	if (d == YB_DATE_MAX)
		memcpy(out, "9999-12-31", 11);
	else
		yb_date_format(out, d);
	memcpy(out + 10, " 00:00:00", 10);
}

/* 唯一记录号: the row's list (000000 for the list valid everywhere) and
 * its version: unique, as (admdvs, code, begndate) is in the store. */
static void rid_text(char *out, size_t cap, const yb_cat_rec *r)
{
	snprintf(out, cap, "%s%s", r->it.admdvs[0] ? r->it.admdvs : "000000", r->ver);
}

/* 医疗收费项目类别 as far as the code and flags tell it: 09 西药费, 11
 * 中成药费, 10 中药饮片费, 08 卫生材料费, 12 一般诊疗费; "" for the other
 * services (检查, 化验, 治疗, ... are not kept). */
static const char *chrgitm_type(const yb_cat_rec *r)
{
	switch (r->it.med_list_codg[0]) {
	case 'X': return "09";
	case 'Z': return "11";
	case 'T': return "10";
	case 'C': return "08";
	default: return r->it.flags & YB_ITEM_CONSULT ? "12" : "";
	}
}

static const char *class_text(int lv)
{
	static const char *const lvs[] = {"", "01", "02", "03"};
	return lv >= 1 && lv <= 3 ? lvs[lv] : "";
}

/* ============================================================ readers */

/* A count in [min, max] (text or number); dflt when absent or "". */
static int read_count(const yb_json *d, const yb_jpath *dp, const char *key, long min,
		      long max, long dflt, long *out)
{
	char buf[24] = "";
	int64_t v;
	int rc = yb_jget_code(d, dp, key, 0, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	*out = dflt;
	if (!buf[0])
		return 0;
	if (strspn(buf, "0123456789") != strlen(buf) || yb_decimal_parse(&v, buf, strlen(buf), 0) < 0 ||
	    v < min || v > max)
		return yb_jpath_error(dp, key, "not %ld to %ld", min, max);
	*out = (long)v;
	return 0;
}

/* A day from "yyyy-MM-dd" or a time ("yyyy-MM-dd HH:mm:ss"); absent or
 * "": YB_DATE_NONE. */
static int read_day(const yb_json *d, const yb_jpath *dp, const char *key, yb_date *out)
{
	const char *s = NULL;
	yb_datetime t;
	int rc = yb_jget_str(d, dp, key, 0, 40, &s);

	*out = YB_DATE_NONE;
	if (rc < 0 || !s || !s[0])
		return rc;
	if (yb_datetime_parse(&t, s, strlen(s)) == 0) {
		*out = yb_datetime_date(t);
		return 0;
	}
	if (yb_date_parse(out, s, strlen(s)) == 0)
		return 0;
	*out = YB_DATE_NONE;
	return yb_jpath_error(dp, key, "not a date (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss)");
}

/* ======================================================= the files */

/* What a column of a file holds. */
enum { F_CODE = 1, F_NAME, F_BEGN, F_END, F_VALI, F_RID, F_CRTE, F_UPDT, F_VER, F_VER_NAME,
       F_CLASS, F_TCM };

#define MAX_FILLED 16
typedef struct layout {
	const char *infno;
	int list_type;
	int ncols;                   /* the platform's columns, in its order */
	struct {
		int col, what;
	} fill[MAX_FILLED];          /* the columns the store fills; the rest are "" */
} layout;

/* Column positions as public HIS code reads the platform's files (the
 * version at 82, 17, 14, 69 ...); docs/interface.md names each column. */
static const layout layouts[] = {
	{"1301", YB_LIST_DRUG, 92,
	 {{0, F_CODE}, {1, F_NAME}, {3, F_NAME}, {23, F_TCM}, {36, F_BEGN}, {37, F_END},
	  {78, F_VALI}, {79, F_RID}, {80, F_CRTE}, {81, F_UPDT}, {82, F_VER}, {83, F_VER_NAME},
	  {91, F_CLASS}}},
	{"1302", YB_LIST_HERB, 28,
	 {{0, F_CODE}, {1, F_NAME}, {11, F_BEGN}, {12, F_END}, {13, F_VALI}, {14, F_RID},
	  {15, F_CRTE}, {16, F_UPDT}, {17, F_VER}, {18, F_VER_NAME}}},
	{"1303", YB_LIST_PREP, 78,
	 {{0, F_CODE}, {1, F_NAME}, {64, F_VALI}, {65, F_BEGN}, {66, F_END}, {67, F_RID},
	  {68, F_CRTE}, {69, F_UPDT}, {70, F_VER}, {71, F_VER_NAME}}},
	{"1305", YB_LIST_SERVICE, 16,
	 {{0, F_CODE}, {6, F_VALI}, {9, F_NAME}, {11, F_BEGN}, {12, F_END}, {13, F_RID},
	  {14, F_VER}, {15, F_VER_NAME}}},
	{"1306", YB_LIST_MATERIAL, 71,
	 {{0, F_CODE}, {1, F_NAME}, {46, F_BEGN}, {47, F_END}, {67, F_VALI}, {68, F_RID},
	  {69, F_VER}, {70, F_VER_NAME}}},
};

static const layout *layout_of(const char *infno)
{
	size_t i;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (strcmp(layouts[i].infno, infno) == 0)
			return &layouts[i];
	return NULL;
}

/* Text as one field: a tab or line break inside would break the line. */
static void put_field(yb_buf *b, const char *s)
{
	for (; *s; s++)
		yb_buf_putc(b, *s == '\t' || *s == '\r' || *s == '\n' ? ' ' : *s);
}

static void put_cell(yb_buf *b, int what, const yb_cat_rec *r, const char *ver_name)
{
	char t[YB_CAT_VER_MAX + 8];

	switch (what) {
	case F_CODE: put_field(b, r->it.med_list_codg); break;
	case F_NAME: put_field(b, r->it.med_list_name); break;
	case F_BEGN: case F_CRTE: case F_UPDT: day_text(t, r->vday); yb_buf_puts(b, t); break;
	case F_END: day_text(t, r->it.enddate); yb_buf_puts(b, t); break;
	case F_VALI: yb_buf_putc(b, '1'); break;
	case F_RID: rid_text(t, sizeof(t), r); put_field(b, t); break;
	case F_VER: put_field(b, r->ver); break;
	case F_VER_NAME: put_field(b, ver_name); break;
	case F_CLASS: yb_buf_puts(b, class_text(r->it.chrgitm_lv)); break;
	case F_TCM: yb_buf_putc(b, r->it.med_list_codg[0] == 'Z' ? '1' : '0'); break;
	}
}

/* The .txt of a page: a line a record, "\n" after each. */
static void file_text(yb_buf *b, const layout *lo, const yb_cat_page *pg)
{
	const char *ver_name = pg->n ? pg->rows[pg->n - 1].ver : "";
	size_t i;
	int col, k;

	for (i = 0; i < pg->n; i++) {
		for (col = 0, k = 0; col < lo->ncols; col++) {
			if (col)
				yb_buf_putc(b, '\t');
			if (k < MAX_FILLED && lo->fill[k].what && lo->fill[k].col == col)
				put_cell(b, lo->fill[k++].what, &pg->rows[i], ver_name);
		}
		yb_buf_putc(b, '\n');
	}
}

/* The page of a file download: the first n rows after ver. */
static int file_page(txn_ctx *c, const layout *lo, const char *ver, long n, yb_cat_page *pg)
{
	yb_cat_req q;

	memset(&q, 0, sizeof(q));
	q.fixmedins_code = c->fixmedins_code;
	q.list_type = lo->list_type;
	q.ver = ver;
	q.on = q.since = YB_DATE_NONE;
	q.page_size = n;
	return yb_ledger_catalog(c->ledger, &q, pg);
}

/* "<infno>_<the version to ask from next>": the file's name (an empty
 * file is named after the version asked). */
static void file_name(char *out, size_t cap, const char *infno, const char *ver,
		      const yb_cat_page *pg)
{
	snprintf(out, cap, "%s_%s", infno, pg->n ? pg->rows[pg->n - 1].ver : ver);
}

/* input: data{ver, page_size (an extension: records in the file, default
 * and at most 1000)} -> {file_qury_no, filename, dld_end_time (also as
 * dld_endtime), data_cnt, ver (an extension: the version to ask from next)} */
static int download(txn_ctx *c, const yb_json *input, yb_buf *out, const char *infno)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const layout *lo = layout_of(infno);
	const yb_json *d = NULL;
	char ver[YB_CAT_VER_MAX] = "", name[YB_CAT_VER_MAX + 16], fq[YB_CAT_VER_MAX + 32], end[24];
	long n = YB_CAT_PAGE_MAX;
	yb_cat_page pg;
	yb_jw w;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 0, &d)) < 0 ||
	    (d && (rc = yb_jget_code(d, &dp, "ver", 0, ver, sizeof(ver))) < 0) ||
	    (d && (rc = read_count(d, &dp, "page_size", 1, YB_CAT_PAGE_MAX, YB_CAT_PAGE_MAX, &n)) < 0))
		return rc;
	if (!ver[0])
		memcpy(ver, "0", 2);
	if ((rc = txn_need_ledger(c)) < 0)
		return rc;
	if ((rc = file_page(c, lo, ver, n, &pg)) < 0)
		return txn_from_ledger(rc, "data");
	file_name(name, sizeof(name), infno, ver, &pg);
	memcpy(name + strlen(name), ".zip", 5);
	snprintf(fq, sizeof(fq), FILE_PREFIX "%s/%ld/%s", infno, n, ver);
	yb_datetime_format(end, c->now + 86400);
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "file_qury_no", fq);
	yb_jw_str(&w, "filename", name);
	yb_jw_str(&w, "dld_end_time", end);
	yb_jw_str(&w, "dld_endtime", end);
	yb_jw_int(&w, "data_cnt", (int64_t)pg.n);
	yb_jw_str(&w, "ver", pg.n ? pg.rows[pg.n - 1].ver : ver);
	yb_jw_end(&w, '}');
	yb_cat_page_free(&pg);
	return 0;
}

int txn_1301(txn_ctx *c, const yb_json *input, yb_buf *out) { return download(c, input, out, "1301"); }
int txn_1302(txn_ctx *c, const yb_json *input, yb_buf *out) { return download(c, input, out, "1302"); }
int txn_1303(txn_ctx *c, const yb_json *input, yb_buf *out) { return download(c, input, out, "1303"); }
int txn_1305(txn_ctx *c, const yb_json *input, yb_buf *out) { return download(c, input, out, "1305"); }
int txn_1306(txn_ctx *c, const yb_json *input, yb_buf *out) { return download(c, input, out, "1306"); }

/* input: fsDownloadIn{file_qury_no, filename, fixmedins_code} (or data{...})
 * -> the file: a .zip of "<filename>.txt", application/octet-stream. */
int txn_9102(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	const char *node = yb_json_get(input, "fsDownloadIn") ? "fsDownloadIn" : "data";
	yb_jpath dp = YB_JPATH_KEY(&ip, node);
	const yb_json *d;
	const char *fq = NULL, *p, *ver;
	char infno[8], name[YB_CAT_VER_MAX + 24];
	const layout *lo = NULL;
	yb_buf text = YB_BUF_INIT;
	yb_cat_page pg;
	long n = 0;
	int rc;

	if ((rc = yb_jget_object(input, &ip, node, 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "file_qury_no", 1, 200, &fq)) < 0)
		return rc;
	/* plc/<infno>/<records>/<ver> */
	p = NULL;
	if (strncmp(fq, FILE_PREFIX, strlen(FILE_PREFIX)) == 0 &&
	    strcspn(fq + strlen(FILE_PREFIX), "/") < sizeof(infno)) {
		p = fq + strlen(FILE_PREFIX);
		snprintf(infno, sizeof(infno), "%.*s", (int)strcspn(p, "/"), p);
		lo = layout_of(infno);
		p += strcspn(p, "/");
		if (*p == '/')
			n = strtol(p + 1, NULL, 10);
		p = strchr(p + (*p == '/'), '/');
	}
	if (!lo || !p || n < 1 || n > YB_CAT_PAGE_MAX)
		return yb_jpath_error(&dp, "file_qury_no", "no such file (this service makes the files of"
				      " 1301, 1302, 1303, 1305 and 1306 answers)");
	ver = p + 1;
	if ((rc = txn_need_ledger(c)) < 0)
		return rc;
	if ((rc = file_page(c, lo, ver, n, &pg)) < 0)
		return rc == YB_EINVALID ? yb_jpath_error(&dp, "file_qury_no", "no such file") : rc;
	file_text(&text, lo, &pg);
	file_name(name, sizeof(name), infno, ver, &pg);
	yb_cat_page_free(&pg);
	if (text.oom) {
		yb_buf_free(&text);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	memcpy(name + strlen(name), ".txt", 5);
	yb_zip_stored(out, name, text.ptr ? text.ptr : "", text.len);
	yb_buf_free(&text);
	c->content_type = "application/octet-stream";
	return 0;
}

/* ===================================================== the queries */

typedef struct query {
	long page_num, page_size;
	yb_cat_req q;
	int none;                    /* vali_flag 0: every row is valid, so none */
	char codg[YB_CODE_MAX];
	char lv[8], list[8], vali[4];
	const char *name;
} query;

/* The filters 1312 and 1316-1319 share; others they send are read and
 * not narrowed by (docs/interface.md). */
static int read_query(txn_ctx *c, const yb_json *input, query *k, const char *code_key)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	int rc;

	memset(k, 0, sizeof(*k));
	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = read_count(d, &dp, "page_num", 1, 1000000, 1, &k->page_num)) < 0 ||
	    (rc = read_count(d, &dp, "page_size", 1, YB_CAT_PAGE_MAX, PAGE_DEFAULT, &k->page_size)) < 0 ||
	    (rc = yb_jget_code(d, &dp, code_key, 0, k->codg, sizeof(k->codg))) < 0 ||
	    (!k->codg[0] && strcmp(code_key, "hilist_code") == 0 &&
	     (rc = yb_jget_code(d, &dp, "med_list_codg", 0, k->codg, sizeof(k->codg))) < 0) ||
	    (rc = yb_jget_str(d, &dp, "hilist_name", 0, 200, &k->name)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "chrgitm_lv", 0, k->lv, sizeof(k->lv))) < 0 ||
	    (rc = yb_jget_code(d, &dp, "list_type", 0, k->list, sizeof(k->list))) < 0 ||
	    (rc = yb_jget_code(d, &dp, "vali_flag", 0, k->vali, sizeof(k->vali))) < 0 ||
	    (rc = read_day(d, &dp, "query_date", &k->q.on)) < 0 ||
	    (rc = read_day(d, &dp, "updt_time", &k->q.since)) < 0)
		return rc;
	if (k->lv[0] && !(k->q.chrgitm_lv = yb_class_parse(k->lv)))
		return yb_jpath_error(&dp, "chrgitm_lv", "not 01, 02 or 03");
	if (k->list[0]) {
		static const char *const types[] = {"101", "102", "103", "104", "201", "301"};
		size_t i;
		for (i = 0; i < sizeof(types) / sizeof(types[0]) && strcmp(types[i], k->list) != 0; i++)
			;
		if (i == sizeof(types) / sizeof(types[0]))
			return yb_jpath_error(&dp, "list_type", "not 101, 102, 103, 104, 201 or 301");
		k->q.list_type = (int)strtol(k->list, NULL, 10);
	}
	if (k->vali[0] && strcmp(k->vali, "0") != 0 && strcmp(k->vali, "1") != 0)
		return yb_jpath_error(&dp, "vali_flag", "not 0 or 1");
	k->none = strcmp(k->vali, "0") == 0;
	k->q.fixmedins_code = c->fixmedins_code;
	k->q.codg = k->codg[0] ? k->codg : NULL;
	k->q.name_has = k->name && k->name[0] ? k->name : NULL;
	k->q.page_num = k->page_num;
	k->q.page_size = k->page_size;
	return txn_need_ledger(c);
}

/* The page's members ahead of data[], as the platform's paged answers
 * (PageHelper's) have them. */
static void page_head(yb_jw *w, const query *k, const yb_cat_page *pg)
{
	long pages = (pg->total + k->page_size - 1) / k->page_size;
	long first = (k->page_num - 1) * k->page_size;

	yb_jw_bool(w, "firstPage", k->page_num == 1);
	yb_jw_bool(w, "lastPage", k->page_num >= pages);
	yb_jw_int(w, "size", (int64_t)pg->n);
	yb_jw_int(w, "startRow", pg->n ? first + 1 : 0);
	yb_jw_int(w, "endRow", pg->n ? first + (long)pg->n : 0);
	yb_jw_int(w, "pageSize", k->page_size);
	yb_jw_int(w, "pageNum", k->page_num);
	yb_jw_int(w, "recordCounts", pg->total);
	yb_jw_int(w, "pages", pages);
}

/* The members every record of 1312, 1316, 1318 and 1319 ends with. */
static void rec_tail(yb_jw *w, const yb_cat_rec *r, int with_tabname)
{
	char day[20], rid[YB_CAT_VER_MAX + 8];

	day_text(day, r->vday);
	rid_text(rid, sizeof(rid), r);
	yb_jw_str(w, "vali_flag", "1");
	yb_jw_str(w, "rid", rid);
	yb_jw_str(w, "updt_time", day);
	yb_jw_str(w, "crter_id", "");
	yb_jw_str(w, "crter_name", "");
	yb_jw_str(w, "crte_time", day);
	yb_jw_str(w, "crte_optins_no", "");
	yb_jw_str(w, "opter_id", "");
	yb_jw_str(w, "opter_name", "");
	yb_jw_str(w, "opt_time", day);
	yb_jw_str(w, "optins_no", "");
	if (with_tabname)
		yb_jw_str(w, "tabname", "");
	yb_jw_str(w, "poolarea_no", r->it.admdvs);
}

static void dates(yb_jw *w, const yb_cat_rec *r)
{
	char day[20];

	yb_jw_str(w, "insu_admdvs", r->it.admdvs);
	day_text(day, r->vday);
	yb_jw_str(w, "begndate", day);
	day_text(day, r->it.enddate);
	yb_jw_str(w, "enddate", day);
}

static void rec_1312(yb_jw *w, const yb_cat_rec *r)
{
	char lt[8];

	snprintf(lt, sizeof(lt), "%d", r->list_type);
	yb_jw_str(w, "hilist_code", r->it.med_list_codg);
	yb_jw_str(w, "hilist_name", r->it.med_list_name);
	dates(w, r);
	yb_jw_str(w, "med_chrgitm_type", chrgitm_type(r));
	yb_jw_str(w, "chrgitm_lv", class_text(r->it.chrgitm_lv));
	yb_jw_str(w, "lmt_used_flag", "");
	yb_jw_str(w, "list_type", lt);
	yb_jw_str(w, "med_use_flag", "");
	yb_jw_str(w, "matn_used_flag", "");
	yb_jw_str(w, "hilist_use_type", "");
	yb_jw_str(w, "lmt_cpnd_type", "");
	yb_jw_str(w, "wubi", "");
	yb_jw_str(w, "pinyin", "");
	yb_jw_str(w, "memo", "");
	rec_tail(w, r, 0);
}

static void rec_1316(yb_jw *w, const yb_cat_rec *r)
{
	char lt[8];

	snprintf(lt, sizeof(lt), "%d", r->list_type);
	yb_jw_str(w, "med_list_codg", r->it.med_list_codg);
	yb_jw_str(w, "hilist_code", r->it.med_list_codg);
	yb_jw_str(w, "list_type", lt);
	dates(w, r);
	yb_jw_str(w, "memo", "");
	rec_tail(w, r, 0);
}

/* 1318 and 1319: two codes the store does not keep (""), the dates, the
 * cap or the ratio. */
static void rec_limit(yb_jw *w, const yb_cat_rec *r, const char *k1, const char *k2, int ratio)
{
	yb_jw_str(w, "hilist_code", r->it.med_list_codg);
	yb_jw_str(w, k1, "");
	yb_jw_str(w, k2, "");
	dates(w, r);
	if (ratio)
		yb_jw_ratio(w, "selfpay_prop", r->it.selfpay_bp);
	else
		yb_jw_dec(w, "hilist_pric_uplmt_amt", r->it.pric_uplmt, YB_SCALE_PRICE);
	rec_tail(w, r, 1);
}

static void rec_1318(yb_jw *w, const yb_cat_rec *r)
{
	rec_limit(w, r, "hilist_lmtpric_type", "overlmt_dspo_way", 0);
}

static void rec_1319(yb_jw *w, const yb_cat_rec *r)
{
	rec_limit(w, r, "selfpay_prop_psn_type", "selfpay_prop_type", 1);
}

/* A paged query: the page of k, each record by rec (NULL: 1317, none). */
static int paged(txn_ctx *c, const yb_json *input, yb_buf *out, const char *code_key,
		 int capped, int selfpay, void (*rec)(yb_jw *, const yb_cat_rec *))
{
	yb_cat_page pg;
	query k;
	yb_jw w;
	size_t i;
	int rc;

	if ((rc = read_query(c, input, &k, code_key)) < 0)
		return rc;
	k.q.capped = capped;
	k.q.selfpay = selfpay;
	memset(&pg, 0, sizeof(pg));
	if (rec && !k.none && (rc = yb_ledger_catalog(c->ledger, &k.q, &pg)) < 0)
		return txn_from_ledger(rc, "data");
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	page_head(&w, &k, &pg);
	yb_jw_arr(&w, "data");
	for (i = 0; i < pg.n; i++) {
		yb_jw_obj(&w, NULL);
		rec(&w, &pg.rows[i]);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	yb_cat_page_free(&pg);
	return 0;
}

/* 1312 医保目录信息查询: data{query_date, hilist_code, hilist_name,
 * chrgitm_lv, list_type, vali_flag, updt_time, page_num, page_size} */
int txn_1312(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return paged(c, input, out, "hilist_code", 0, 0, rec_1312);
}

/* 1316 医疗目录与医保目录匹配信息查询: the store's codes are national
 * codes, each its own match (med_list_codg = hilist_code). */
int txn_1316(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return paged(c, input, out, "hilist_code", 0, 0, rec_1316);
}

/* 1317 医药机构目录匹配信息查询: institutions' matchings (3301) are not
 * kept: an empty page. */
int txn_1317(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return paged(c, input, out, "med_list_codg", 0, 0, NULL);
}

/* 1318 医保目录限价信息查询: rows with a unit price cap. */
int txn_1318(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return paged(c, input, out, "hilist_code", 1, 0, rec_1318);
}

/* 1319 医保目录先自付比例信息查询: class-B rows, with their first
 * self-pay ratio (0 included). */
int txn_1319(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return paged(c, input, out, "hilist_code", 0, 1, rec_1319);
}
