/* The ledger's visit API (ledger.h: 2201-2208, 2301-2305, 2401-2405,
 * 2601, 3201, 5201-5206 as the server calls them), driven directly:
 *
 *   visit_test --db PATH|URL [--cases DIR]     (YIBAO_POLICY_DIR set)
 *
 * Each section states its expectation next to its calls and ends with the
 * store's own check (yb_ledger_check: 0 violations). A refusal is checked
 * to write nothing by comparing a dump of the person's rows (visits, fee
 * lines, settlements, accumulators, balance, the refused msgid's record)
 * before and after; the dump reads through store.h, so the same test runs
 * on SQLite and on PostgreSQL (tests/pg/pg_test.sh).
 *
 * With --cases, every calc case of tests/cases/ that a ledger can replay
 * (no preset accumulators, no mutual aid, no client catalogue overrides)
 * is replayed visit by visit through 2201/2401, 2204/2301, 2207/2304 (with
 * its mid-stay parts) and each settlement must equal calc's to the fen. */
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/ledger.h"
#include "yibao/store.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static yb_ledger *L;
static const char *DB;
static char TMP[256];
static int passes, fails;
static const char *section = "";

static void fail(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL [%s] visit_test.c:%d: ", section, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fails++;
}

#define CHECK(cond, ...) do { if (cond) passes++; else fail(__LINE__, __VA_ARGS__); } while (0)

static void begin(const char *name)
{
	section = name;
	printf("== %s\n", name);
}

/* ------------------------------------------------------------ helpers */

static yb_datetime dt(const char *s)
{
	yb_datetime t = 0;
	if (yb_datetime_parse(&t, s, strlen(s)) < 0) {
		fprintf(stderr, "bad time %s\n", s);
		exit(2);
	}
	return t;
}

static yb_date day(const char *s)
{
	yb_date d = 0;
	yb_date_parse(&d, s, strlen(s));
	return d;
}

/* A message of institution fix at time `when`. */
static yb_ledger_msg msg(const char *fix, const char *msgid, const char *when)
{
	yb_ledger_msg m;
	memset(&m, 0, sizeof(m));
	m.fixmedins_code = fix;
	m.msgid = msgid;
	m.now = when ? dt(when) : 0;
	return m;
}

/* The value at path ("setlinfo.hifp_pay", "result[1].memo") of a JSON
 * text, as text ("null" for null, "" if absent). */
static const char *jv(const char *json, const char *path)
{
	static char val[4][512];
	static int k;
	char *out = val[k++ & 3];
	yb_json_doc *doc = NULL;
	const yb_json *v;
	const char *p = path;

	out[0] = '\0';
	if (!json || yb_json_parse(&doc, json, strlen(json), NULL) < 0)
		return out;
	v = yb_json_root(doc);
	while (v && *p) {
		char key[64];
		size_t n = strcspn(p, ".[");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		p += n;
		if (n)
			v = yb_json_get(v, key);
		while (v && *p == '[') {
			long i = strtol(p + 1, (char **)&p, 10);
			const yb_json *c = v->type == YB_JSON_ARRAY ? v->child : NULL;
			while (c && i-- > 0)
				c = c->next;
			v = c;
			p++; /* ] */
		}
		if (*p == '.')
			p++;
	}
	if (v) {
		if (v->type == YB_JSON_NULL)
			snprintf(out, 512, "null");
		else if (v->type == YB_JSON_STRING || v->type == YB_JSON_NUMBER)
			snprintf(out, 512, "%.*s", (int)v->len, v->str);
		else if (v->type == YB_JSON_ARRAY || v->type == YB_JSON_OBJECT)
			snprintf(out, 512, "#%zu", v->len); /* number of children */
		else
			snprintf(out, 512, "%s", v->type == YB_JSON_TRUE ? "true" : "false");
	}
	yb_json_free(doc);
	return out;
}

static int has(const char *msg, const char *part)
{
	return msg && strstr(msg, part) != NULL;
}

/* Loads JSON lines (one transaction); returns the load's result. */
static int load(const char *lines)
{
	char path[300];
	char *files[1];
	yb_buf report = YB_BUF_INIT;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/load.jsonl", TMP);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs(lines, f);
	fclose(f);
	files[0] = path;
	rc = yb_ledger_load_files(L, files, 1, &report);
	yb_buf_free(&report);
	return rc;
}

/* ---------------------------------------------------- the person's rows */

typedef struct dump_job {
	const char *psn_no, *fix, *msgid;
	int year;
	yb_buf *out;
} dump_job;

static int dump_fee(const yb_fee_row *r, void *arg)
{
	yb_buf *b = arg;
	yb_buf_printf(b, "fee %s %s %s %lld %lld %s %s %lld\n", r->feedetl_sn, r->msgid, r->chrg_bchno,
		      (long long)r->sumamt, (long long)r->cnt, r->init_feedetl_sn, r->setl_id,
		      (long long)r->inscp_scp_amt);
	return 0;
}

static int dump_setl(const yb_setl_row *r, int cancelled, void *arg)
{
	yb_buf *b = arg;
	int k;
	yb_buf_printf(b, "setl %s %s %s %d %d", r->setl_id, r->refd_setl_id, r->msgid, cancelled, r->mid_setl);
	for (k = 0; k < YB_A_COUNT; k++)
		yb_buf_printf(b, " %lld", (long long)r->amt[k]);
	yb_buf_putc(b, '\n');
	return 0;
}

typedef struct dump_visits {
	yb_store_tx *tx;
	yb_buf *out;
} dump_visits;

static int dump_visit(const yb_mdtrt_rec *r, void *arg)
{
	dump_visits *dv = arg;
	int rc;
	yb_buf_printf(dv->out, "mdtrt %s %s %d %d %lld %lld %d %d %lld %s %s %s\n", r->mdtrt_id,
		      r->fixmedins_code, r->insutype, r->med_type, (long long)r->begntime,
		      (long long)r->endtime, r->dscg_way, r->status, (long long)r->mid_setl_dedc,
		      r->final_setl_id, r->dise_codg, r->diagnoses);
	if ((rc = yb_tx_each_fee(dv->tx, r->psn_no, r->mdtrt_id, dump_fee, dv->out)) < 0)
		return rc;
	return yb_tx_each_setl(dv->tx, r->psn_no, r->mdtrt_id, dump_setl, dv->out);
}

static int dump_work(yb_store_tx *tx, void *arg)
{
	dump_job *j = arg;
	dump_visits dv = {tx, j->out};
	yb_accum_row rows[YB_MAX_BUCKETS];
	yb_psn_rec p;
	yb_idem_rec rec;
	int i, n, rc;

	if ((rc = yb_tx_each_mdtrt(tx, j->psn_no, dump_visit, &dv)) < 0 ||
	    (rc = yb_tx_get_accums(tx, j->psn_no, j->year, rows, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		yb_buf_printf(j->out, "accum %s %lld\n", rows[i].bucket, (long long)rows[i].amount);
	if (yb_tx_get_psn(tx, j->psn_no, day("2024-06-01"), &p) == 0)
		yb_buf_printf(j->out, "balc %lld\n", (long long)p.acct_balc);
	if (j->msgid) {
		rc = yb_tx_get_idem_rec(tx, j->psn_no, j->fix, j->msgid, &rec, NULL);
		yb_buf_printf(j->out, "idem %s %d\n", j->msgid, rc == 0 ? rec.state : -1);
	}
	return 0;
}

/* The rows of a person (and the record of msgid, if given): a refusal
 * must leave them as they were. */
static char *dump(const char *psn_no, const char *fix, const char *msgid)
{
	yb_buf b = YB_BUF_INIT;
	dump_job j = {psn_no, fix, msgid, 2024, &b};
	if (yb_store_read(yb_ledger_store(L), dump_work, &j) < 0)
		yb_buf_printf(&b, "dump failed: %s", yb_error_msg());
	return b.ptr ? b.ptr : calloc(1, 1);
}

/* Runs a refusal: rc must be want (a negative code), the message must hold
 * part, and the person's rows must not change. */
#define REFUSED(what, want, part, psn, fix, msgid, call) do {                      \
	char *before_ = dump(psn, fix, msgid), *after_;                           \
	int rc_ = (call);                                                          \
	const char *m_ = yb_error_msg();                                           \
	CHECK(rc_ == (want) && has(m_, part), "%s: rc %d (want %d), message '%s' lacks '%s'", \
	      what, rc_, want, m_, part);                                          \
	after_ = dump(psn, fix, msgid);                                            \
	CHECK(strcmp(before_, after_) == 0, "%s: the refusal wrote:\n--- before\n%s--- after\n%s", \
	      what, before_, after_);                                              \
	free(before_);                                                             \
	free(after_);                                                              \
} while (0)

static void check_store(void)
{
	yb_buf report = YB_BUF_INIT;
	long v = -1;
	int rc = yb_ledger_check(L, &report, &v);
	CHECK(rc == 0 && v == 0, "yibao check: rc %d, %ld violations:\n%s", rc, v, report.ptr ? report.ptr : "");
	yb_buf_free(&report);
}

/* --------------------------------------------------------- the calls */

static int reg(yb_buf *out, const char *fix, const char *msgid, const char *psn, int med_type,
	       const char *begntime)
{
	yb_ledger_msg m = msg(fix, msgid, begntime);
	yb_mdtrt_reg r;
	memset(&r, 0, sizeof(r));
	r.psn_no = psn;
	r.med_type = med_type;
	r.begntime = dt(begntime);
	r.ipt_otp_no = "OTP-1";
	r.dise_codg = "I10";
	r.dise_name = "hypertension";
	yb_buf_clear(out);
	return yb_ledger_register(L, &m, &r, out);
}

typedef struct line_spec {
	const char *sn, *code, *amt, *cnt, *init, *bch;
} line_spec;

/* Uploads lines given as specs; the JSON reader makes the yb_fee_up. */
static int upload(yb_buf *out, const char *fix, const char *msgid, const char *psn, const char *mdtrt,
		  const line_spec *ls, size_t n, const char *when)
{
	yb_buf j = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_fee_up *up = calloc(n ? n : 1, sizeof(*up));
	const yb_json *e;
	yb_ledger_msg m = msg(fix, msgid, when);
	size_t i;
	int rc;

	yb_buf_putc(&j, '[');
	for (i = 0; i < n; i++)
		yb_buf_printf(&j, "%s{\"feedetl_sn\":\"%s\",\"chrg_bchno\":\"%s\",\"med_list_codg\":\"%s\","
			      "\"det_item_fee_sumamt\":%s,\"cnt\":%s%s%s%s,\"drugtracinfo\":[{\"drug_trac_codg\":\"8%011zu\"}]}",
			      i ? "," : "", ls[i].sn, ls[i].bch ? ls[i].bch : "B1", ls[i].code, ls[i].amt,
			      ls[i].cnt ? ls[i].cnt : "1", ls[i].init ? ",\"init_feedetl_sn\":\"" : "",
			      ls[i].init ? ls[i].init : "", ls[i].init ? "\"" : "", i);
	yb_buf_putc(&j, ']');
	if ((rc = yb_json_parse(&doc, j.ptr, j.len, NULL)) == 0) {
		for (i = 0, e = yb_json_root(doc)->child; e && rc == 0; e = e->next, i++) {
			yb_jpath p = YB_JPATH_INDEX(NULL, i);
			rc = yb_read_fee_up(&up[i], e, &p);
		}
		if (rc == 0) {
			yb_buf_clear(out);
			rc = yb_ledger_upload(L, &m, psn, mdtrt, up, n, out);
		}
	}
	yb_json_free(doc);
	yb_buf_free(&j);
	yb_fee_up_free(up, n);
	free(up);
	return rc;
}

static int settle(yb_buf *out, const char *fix, const char *msgid, const char *psn, const char *mdtrt,
		  int mid, int dry, const char *when)
{
	yb_ledger_msg m = msg(fix, msgid, when);
	yb_settle_req r;
	memset(&r, 0, sizeof(r));
	r.psn_no = psn;
	r.mdtrt_id = mdtrt;
	r.acct_used = 1;
	r.mid_setl = mid;
	r.dry_run = dry;
	yb_buf_clear(out);
	return yb_ledger_settle(L, &m, &r, out);
}

static int settle_batch(yb_buf *out, const char *fix, const char *msgid, const char *psn,
			const char *mdtrt, const char *batch)
{
	yb_ledger_msg m = msg(fix, msgid, "2024-09-01 09:04:00");
	yb_settle_req r;
	memset(&r, 0, sizeof(r));
	r.psn_no = psn;
	r.mdtrt_id = mdtrt;
	r.chrg_bchno = batch;
	yb_buf_clear(out);
	return yb_ledger_settle(L, &m, &r, out);
}

static int cancel(yb_buf *out, const char *fix, const char *msgid, const char *setl_id,
		  const char *mdtrt, const char *psn)
{
	yb_ledger_msg m = msg(fix, msgid, "2024-12-01 10:00:00");
	yb_buf_clear(out);
	return yb_ledger_cancel_setl(L, &m, setl_id, mdtrt, psn, out);
}

static char *copy(const char *s)
{
	return strdup(s ? s : "");
}

/* ---------------------------------------------------------- fixtures */

#define H1 "H34060200001" /* level-1 clinic, Huaibei */
#define H2 "H34060300101" /* level-3 hospital, Huaibei */
#define HX "H34060300102" /* another level-2 hospital */
#define SZ "H44030400001" /* level-3 hospital in Shenzhen */
#define PH "P34060300001" /* pharmacy */

static const char *const base =
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" H1 "\",\"fixmedins_name\":\"clinic\",\"fixmedins_type\":\"1\",\"hosp_lv\":\"1\",\"prim_flag\":\"0\",\"admdvs\":\"340602\",\"secret\":\"s1\"}\n"
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" H2 "\",\"fixmedins_name\":\"hospital\",\"fixmedins_type\":\"1\",\"hosp_lv\":\"3\",\"admdvs\":\"340603\"}\n"
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" HX "\",\"fixmedins_name\":\"hospital 2\",\"fixmedins_type\":\"1\",\"hosp_lv\":\"2\",\"admdvs\":\"340603\"}\n"
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" SZ "\",\"fixmedins_name\":\"shenzhen\",\"fixmedins_type\":\"1\",\"hosp_lv\":\"3\",\"admdvs\":\"440304\"}\n"
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" PH "\",\"fixmedins_name\":\"pharmacy\",\"fixmedins_type\":\"2\",\"admdvs\":\"340603\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-E1\",\"certno\":\"340602197001010011\",\"psn_name\":\"e1\",\"gend\":\"1\",\"brdy\":\"1970-01-01\",\"insutype\":\"310\",\"psn_type\":\"1101\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\",\"acct_balc\":500.00}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-R1\",\"certno\":\"340602198001010022\",\"psn_name\":\"r1\",\"gend\":\"2\",\"brdy\":\"1980-01-01\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-A1\",\"certno\":\"340602195001010033\",\"psn_name\":\"a1\",\"gend\":\"1\",\"brdy\":\"1950-01-01\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-RR\",\"certno\":\"340602196001010044\",\"psn_name\":\"rr\",\"gend\":\"1\",\"brdy\":\"1960-01-01\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-RN\",\"certno\":\"340602196001010055\",\"psn_name\":\"rn\",\"gend\":\"1\",\"brdy\":\"1960-01-01\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"V-P1\",\"certno\":\"340602196001010066\",\"psn_name\":\"p1\",\"gend\":\"1\",\"brdy\":\"1960-01-01\",\"insutype\":\"310\",\"psn_type\":\"1101\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\",\"acct_balc\":100.00}\n"
	"{\"kind\":\"idet\",\"psn_no\":\"V-A1\",\"idet_type\":\"extreme_poverty\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"remote_reg\",\"psn_no\":\"V-RR\",\"type\":\"long_term_residence\",\"admdvs\":\"440300\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\"}\n"
	"{\"kind\":\"catalogue\",\"med_list_codg\":\"VT-A-DRUG\",\"med_list_name\":\"a\",\"chrgitm_lv\":\"01\",\"selfpay_prop\":0,\"pric_uplmt_amt\":999999}\n"
	"{\"kind\":\"catalogue\",\"med_list_codg\":\"VT-B-DRUG\",\"med_list_name\":\"b\",\"chrgitm_lv\":\"02\",\"selfpay_prop\":0.10,\"pric_uplmt_amt\":999999}\n"
	"{\"kind\":\"catalogue\",\"med_list_codg\":\"VT-C-ITEM\",\"med_list_name\":\"c\",\"chrgitm_lv\":\"03\",\"selfpay_prop\":1,\"pric_uplmt_amt\":999999}\n";

#define STAYCODE "XC09AAK063A001010104328" /* class A in the shipped lists */

/* ------------------------------------------------------------ sections */

static void t_load(void)
{
	begin("load: idet and remote_reg records");
	CHECK(load(base) == 0, "base data: %s", yb_error_msg());
	CHECK(load("{\"kind\":\"idet\",\"psn_no\":\"V-R1\",\"idet_type\":\"very_poor\",\"begndate\":\"2024-01-01\"}\n") < 0 &&
	      has(yb_error_msg(), "idet_type") && has(yb_error_msg(), "340600"),
	      "an identity the policy lacks: '%s'", yb_error_msg());
	CHECK(load("{\"kind\":\"remote_reg\",\"psn_no\":\"V-R1\",\"type\":\"holiday\",\"admdvs\":\"440300\",\"begndate\":\"2024-01-01\"}\n") < 0 &&
	      has(yb_error_msg(), "type"), "a remote-care type the policy lacks: '%s'", yb_error_msg());
	CHECK(load("{\"kind\":\"remote_reg\",\"psn_no\":\"V-R1\",\"type\":\"temporary\",\"admdvs\":\"4403\",\"begndate\":\"2024-01-01\"}\n") < 0 &&
	      has(yb_error_msg(), "admdvs"), "a bad region: '%s'", yb_error_msg());
	CHECK(load("{\"kind\":\"idet\",\"psn_no\":\"V-NOBODY\",\"idet_type\":\"min_living\",\"begndate\":\"2024-01-01\"}\n") < 0 &&
	      has(yb_error_msg(), "psn_no"), "an unknown person: '%s'", yb_error_msg());
	CHECK(load("{\"kind\":\"idet\",\"psn_no\":\"V-R1\",\"idet_type\":\"min_living\",\"begndate\":\"2024-06-01\",\"enddate\":\"2024-01-01\"}\n") < 0 &&
	      has(yb_error_msg(), "enddate"), "a period that ends before it begins: '%s'", yb_error_msg());
}

static void t_lookups(void)
{
	yb_fixmedins_rec f;
	yb_psn_rec p;

	begin("lookups: certificate number, institution cache");
	CHECK(yb_ledger_get_psn_by_certno(L, "340602197001010011", day("2024-03-01"), &p) == 0 &&
	      strcmp(p.psn_no, "V-E1") == 0 && p.insutype == 310, "certno lookup: %s", yb_error_msg());
	CHECK(yb_ledger_get_psn_by_certno(L, "000000000000000000", day("2024-03-01"), &p) == YB_ENOTFOUND,
	      "an unknown certno is not found");
	CHECK(yb_ledger_get_fixmedins(L, H1, &f) == 0 && strcmp(f.secret, "s1") == 0, "institution: %s", yb_error_msg());
	CHECK(yb_ledger_get_fixmedins(L, H1, &f) == 0 && f.hosp_lv == 1, "institution from the cache");
	CHECK(load("{\"kind\":\"fixmedins\",\"fixmedins_code\":\"" H1 "\",\"fixmedins_name\":\"clinic\",\"fixmedins_type\":\"1\",\"hosp_lv\":\"1\",\"admdvs\":\"340602\",\"secret\":\"s2\"}\n") == 0,
	      "reload: %s", yb_error_msg());
	CHECK(yb_ledger_get_fixmedins(L, H1, &f) == 0 && strcmp(f.secret, "s2") == 0,
	      "a load drops the cache: secret '%s'", f.secret);
	CHECK(yb_ledger_get_fixmedins(L, "H00000000000", &f) == YB_ENOTFOUND, "an unknown institution");
}

/* The outpatient flow: register, upload (a refund line among them),
 * pre-settle = settle, IP3, cancel restoring lines, re-settle. */
static void t_outpatient(void)
{
	yb_buf out = YB_BUF_INIT, pre = YB_BUF_INIT, first = YB_BUF_INIT;
	char *mdtrt, *sid, *sid2;
	int replayed = 0, rc;
	yb_ledger_answer answer;
	yb_ledger_msg m;
	yb_mdtrt_reg r;
	static const line_spec lines[] = {
		{"1", "VT-A-DRUG", "100.00", "2", NULL, "B1"},
		{"2", "VT-B-DRUG", "50.00", "1", NULL, "B1"},
		{"3", "VT-C-ITEM", "20.00", "1", NULL, "B2"},
		{"4", "VT-A-DRUG", "-50.00", "-1", "1", "B2"},
	};

	begin("outpatient: 2201, 2204, 2206 = 2207, IP3, 2208, re-settle");
	CHECK(reg(&out, H1, "H34060200001202403010900000001", "V-E1", 11, "2024-03-01 09:00:00") == 0,
	      "2201: %s", yb_error_msg());
	mdtrt = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(mdtrt[0] == 'M' && strcmp(jv(out.ptr, "psn_no"), "V-E1") == 0 && strcmp(jv(out.ptr, "ipt_otp_no"), "OTP-1") == 0,
	      "2201 output: %s", out.ptr);

	/* a retried registration: the first answer, byte for byte */
	yb_buf_puts(&first, out.ptr);
	m = msg(H1, "H34060200001202403010900000001", "2024-03-01 09:00:05");
	m.answer = &answer;
	memset(&r, 0, sizeof(r));
	r.psn_no = "V-E1";
	r.med_type = 11;
	r.begntime = dt("2024-03-01 09:00:00");
	r.ipt_otp_no = "OTP-1";
	r.dise_codg = "I10";
	r.dise_name = "hypertension";
	yb_buf_clear(&out);
	rc = yb_ledger_register(L, &m, &r, &out);
	replayed = answer.replayed;
	CHECK(rc == 0 && replayed && strcmp(out.ptr, first.ptr) == 0, "2201 retried: rc %d replayed %d\n%s\n%s",
	      rc, replayed, out.ptr, first.ptr);
	r.psn_no = "V-R1";
	REFUSED("2201 msgid reused for another person", YB_ECONFLICT, "already used", "V-R1", H1,
		"H34060200001202403010900000001", yb_ledger_register(L, &m, &r, &out));

	CHECK(upload(&out, H1, "H34060200001202403010905000001", "V-E1", mdtrt, lines, 4, "2024-03-01 09:05:00") == 0,
	      "2204: %s", yb_error_msg());
	CHECK(strcmp(jv(out.ptr, "result[0].inscp_scp_amt"), "100.00") == 0 &&
	      strcmp(jv(out.ptr, "result[1].preselfpay_amt"), "5.00") == 0 &&
	      strcmp(jv(out.ptr, "result[1].chrgitm_lv"), "02") == 0 &&
	      strcmp(jv(out.ptr, "result[2].fulamt_ownpay_amt"), "20.00") == 0 &&
	      strcmp(jv(out.ptr, "result[3].inscp_scp_amt"), "-50.00") == 0,
	      "2204 result[] splits each line: %s", out.ptr);

	/* refusals of uploads write nothing */
	{
		static const line_spec dup[] = {{"1", "VT-A-DRUG", "1.00", NULL, NULL, NULL}};
		static const line_spec twice[] = {{"9", "VT-A-DRUG", "1.00", NULL, NULL, NULL}, {"9", "VT-A-DRUG", "1.00", NULL, NULL, NULL}};
		static const line_spec over[] = {{"9", "VT-A-DRUG", "-60.00", "-1", "1", NULL}};
		static const line_spec orphan[] = {{"9", "VT-A-DRUG", "-1.00", "-1", "77", NULL}};
		static const line_spec other[] = {{"9", "VT-B-DRUG", "-1.00", "-1", "1", NULL}};
		REFUSED("2204 a feedetl_sn already uploaded", YB_EREFUSED, "already uploaded", "V-E1", H1, "H34060200001202403010906000001",
			upload(&out, H1, "H34060200001202403010906000001", "V-E1", mdtrt, dup, 1, NULL));
		REFUSED("2204 a feedetl_sn twice in one upload", YB_EINVALID, "repeats", "V-E1", H1, "H34060200001202403010906000002",
			upload(&out, H1, "H34060200001202403010906000002", "V-E1", mdtrt, twice, 2, NULL));
		REFUSED("2204 a refund beyond its line", YB_EREFUSED, "refunds more", "V-E1", H1, "H34060200001202403010906000003",
			upload(&out, H1, "H34060200001202403010906000003", "V-E1", mdtrt, over, 1, NULL));
		REFUSED("2204 a refund of no line", YB_EREFUSED, "no line 77", "V-E1", H1, "H34060200001202403010906000004",
			upload(&out, H1, "H34060200001202403010906000004", "V-E1", mdtrt, orphan, 1, NULL));
		REFUSED("2204 a refund with another code", YB_EREFUSED, "not the code", "V-E1", H1, "H34060200001202403010906000005",
			upload(&out, H1, "H34060200001202403010906000005", "V-E1", mdtrt, other, 1, NULL));
		REFUSED("2204 to another institution's visit", YB_ENOTFOUND, "no visit", "V-E1", HX, "H34060300102202403010906000006",
			upload(&out, HX, "H34060300102202403010906000006", "V-E1", mdtrt, dup, 1, NULL));
	}
	{
		line_spec *many = calloc(YB_MAX_FEELINES + 1, sizeof(*many));
		char (*sn)[12] = calloc(YB_MAX_FEELINES + 1, sizeof(*sn));
		size_t i;
		for (i = 0; i <= YB_MAX_FEELINES; i++) {
			snprintf(sn[i], sizeof(sn[i]), "m%zu", i);
			many[i].sn = sn[i];
			many[i].code = "VT-A-DRUG";
			many[i].amt = "1.00";
		}
		REFUSED("2204 with 5,001 lines", YB_EINVALID, "more than 5000", "V-E1", H1, "H34060200001202403010906000007",
			upload(&out, H1, "H34060200001202403010906000007", "V-E1", mdtrt, many, YB_MAX_FEELINES + 1, NULL));
		free(many);
		free(sn);
	}

	/* pre-settlement computes what the settlement writes */
	CHECK(settle(&pre, H1, NULL, "V-E1", mdtrt, 0, 1, "2024-03-01 09:10:00") == 0, "2206: %s", yb_error_msg());
	CHECK(strcmp(jv(pre.ptr, "setl_id"), "null") == 0 && strcmp(jv(pre.ptr, "setlinfo.medfee_sumamt"), "120.00") == 0,
	      "2206: the refund is netted (170.00 - 50.00): %s", pre.ptr);
	CHECK(settle(&out, H1, "H34060200001202403010910000001", "V-E1", mdtrt, 0, 0, "2024-03-01 09:10:00") == 0,
	      "2207: %s", yb_error_msg());
	sid = copy(jv(out.ptr, "setl_id"));
	{
		static const char *const f[] = {"medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt",
			"act_pay_dedc", "hifp_pay", "fund_pay_sumamt", "acct_pay", "psn_cash_pay", NULL};
		int k;
		char a[64], b[64];
		for (k = 0; f[k]; k++) {
			snprintf(a, sizeof(a), "setlinfo.%s", f[k]);
			snprintf(b, sizeof(b), "%s", jv(pre.ptr, a));
			CHECK(strcmp(b, jv(out.ptr, a)) == 0, "2206 = 2207 in %s: %s vs %s", f[k], b, jv(out.ptr, a));
		}
	}
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_fees(L, H1, "V-E1", mdtrt, &out) == 0 && strcmp(jv(out.ptr, "feedetail[0].setl_id"), sid) == 0 &&
	      strcmp(jv(out.ptr, "feedetail[3].setl_id"), sid) == 0, "5204: every line settled by %s: %s", sid, out.ptr);

	/* IP3: a visit is settled once */
	REFUSED("2207 of a settled visit (IP3)", YB_EREFUSED, "IP3", "V-E1", H1, "H34060200001202403010911000001",
		settle(&out, H1, "H34060200001202403010911000001", "V-E1", mdtrt, 0, 0, "2024-03-01 09:11:00"));
	{
		static const line_spec late[] = {{"5", "VT-A-DRUG", "1.00", NULL, NULL, NULL}};
		REFUSED("2204 to a settled visit", YB_EREFUSED, "IP3", "V-E1", H1, "H34060200001202403010911000002",
			upload(&out, H1, "H34060200001202403010911000002", "V-E1", mdtrt, late, 1, NULL));
	}
	{
		yb_ledger_msg cm = msg(H1, "H34060200001202403010911000003", NULL);
		REFUSED("2205 of settled lines", YB_ENOTFOUND, "no unsettled", "V-E1", H1, "H34060200001202403010911000003",
			yb_ledger_cancel_fees(L, &cm, "V-E1", mdtrt, "0000", NULL, &out));
		cm.msgid = "H34060200001202403010911000004";
		REFUSED("2205 of one settled line", YB_EREFUSED, "is settled", "V-E1", H1, "H34060200001202403010911000004",
			yb_ledger_cancel_fees(L, &cm, "V-E1", mdtrt, NULL, "2", &out));
		cm.msgid = "H34060200001202403010911000005";
		REFUSED("2202 with a settlement standing", YB_EREFUSED, "standing", "V-E1", H1, "H34060200001202403010911000005",
			yb_ledger_cancel_visit(L, &cm, "V-E1", mdtrt, &out));
	}

	/* 2208: the visit and person are checked; another institution's
	 * settlement answers as a missing one */
	REFUSED("2208 naming another visit", YB_EREFUSED, "not the visit", "V-E1", H1, "H34060200001202403011000000001",
		cancel(&out, H1, "H34060200001202403011000000001", sid, "M999", "V-E1"));
	REFUSED("2208 naming another person", YB_EREFUSED, "not the person", "V-E1", H1, "H34060200001202403011000000002",
		cancel(&out, H1, "H34060200001202403011000000002", sid, mdtrt, "V-R1"));
	{
		char want[80];
		snprintf(want, sizeof(want), "no settlement %s of this institution", sid);
		REFUSED("2208 by another institution", YB_ENOTFOUND, want, "V-E1", HX, "H34060300102202403011000000003",
			cancel(&out, HX, "H34060300102202403011000000003", sid, mdtrt, "V-E1"));
		REFUSED("2208 of a missing settlement", YB_ENOTFOUND, "no settlement S999999999999999 of this institution", "V-E1", H1,
			"H34060200001202403011000000004", cancel(&out, H1, "H34060200001202403011000000004", "S999999999999999", mdtrt, "V-E1"));
	}
	CHECK(cancel(&out, H1, "H34060200001202403011000000005", sid, mdtrt, "V-E1") == 0, "2208: %s", yb_error_msg());
	CHECK(strcmp(jv(out.ptr, "setlinfo.medfee_sumamt"), "-120.00") == 0 &&
	      strcmp(jv(out.ptr, "setlinfo.refd_setl_id"), sid) == 0, "2208 negates: %s", out.ptr);
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_fees(L, H1, "V-E1", mdtrt, &out) == 0 && strcmp(jv(out.ptr, "feedetail[0].setl_id"), "") == 0 &&
	      strcmp(jv(out.ptr, "feedetail[3].setl_id"), "") == 0, "after 2208 the lines are unsettled: %s", out.ptr);
	CHECK(settle(&out, H1, "H34060200001202403011001000001", "V-E1", mdtrt, 0, 0, "2024-03-01 10:01:00") == 0,
	      "re-settle after the cancel: %s", yb_error_msg());
	sid2 = copy(jv(out.ptr, "setl_id"));
	CHECK(strcmp(sid2, sid) != 0 && strcmp(jv(out.ptr, "setlinfo.hifp_pay"), jv(pre.ptr, "setlinfo.hifp_pay")) == 0,
	      "the re-settlement pays as the first: %s", out.ptr);

	/* 5203 lists the settlement, its cancel and the re-settlement */
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_setl(L, H1, "V-E1", mdtrt, NULL, &out) == 0 && strcmp(jv(out.ptr, "setlinfo"), "#3") == 0 &&
	      strcmp(jv(out.ptr, "setlinfo[0].cancelled"), "1") == 0, "5203: %s", out.ptr);
	yb_buf_clear(&out);
	REFUSED("5203 of another institution's visit", YB_ENOTFOUND, "no visit", "V-E1", HX, NULL,
		yb_ledger_query_setl(L, HX, "V-E1", mdtrt, NULL, &out));
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_visits(L, H1, "V-E1", 0, 0, &out) == 0 && strcmp(jv(out.ptr, "mdtrtinfo[0].mdtrt_id"), mdtrt) == 0 &&
	      strcmp(jv(out.ptr, "mdtrtinfo[0].final_setl_id"), sid2) == 0, "5201: %s", out.ptr);
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_visits(L, HX, "V-E1", 0, 0, &out) == 0 && strcmp(jv(out.ptr, "mdtrtinfo"), "#0") == 0,
	      "5201 of another institution lists none of this one's: %s", out.ptr);
	free(mdtrt);
	free(sid);
	free(sid2);
	yb_buf_free(&out);
	yb_buf_free(&pre);
	yb_buf_free(&first);
	check_store();
}

/* The output kept with the caller's stamp: a retry after a restart gets
 * both, whatever stamp it brings (the answer built from them is the first). */
static void t_whole_body(void)
{
	yb_buf out = YB_BUF_INIT, first = YB_BUF_INIT;
	yb_ledger_msg m = msg(H1, "H34060200001202403020900000001", "2024-03-02 09:00:00");
	yb_ledger_answer answer;
	yb_mdtrt_reg r;
	char long_stamp[YB_STAMP_MAX + 8];
	int rc;

	begin("idempotency: the output and its stamp are kept and survive a restart");
	memset(&r, 0, sizeof(r));
	r.psn_no = "V-R1";
	r.med_type = 11;
	r.begntime = dt("2024-03-02 09:00:00");
	memset(long_stamp, 'x', sizeof(long_stamp) - 1);
	long_stamp[sizeof(long_stamp) - 1] = '\0';
	m.stamp = long_stamp;
	REFUSED("a stamp too long for the record is refused, nothing written", YB_EINVALID, "stamp", "V-R1", H1,
		m.msgid, yb_ledger_register(L, &m, &r, &out));
	m.stamp = "REF-1|20240302090000000|20240302090000001";
	m.answer = &answer;
	CHECK(yb_ledger_register(L, &m, &r, &first) == 0 && !answer.replayed &&
	      strncmp(first.ptr, "{\"mdtrt_id\":", 12) == 0 && strcmp(answer.stamp, m.stamp) == 0,
	      "the first answer: the output, our stamp: %s (%s)", first.ptr, answer.stamp);
	yb_ledger_close(L);
	if (yb_ledger_open(&L, DB) < 0) {
		fprintf(stderr, "reopen: %s\n", yb_error_msg());
		exit(1);
	}
	m.stamp = "REF-2|20240302090500000|20240302090500001"; /* a retry's own stamp */
	rc = yb_ledger_register(L, &m, &r, &out);
	CHECK(rc == 0 && answer.replayed && strcmp(out.ptr, first.ptr) == 0 &&
	      strcmp(answer.stamp, "REF-1|20240302090000000|20240302090000001") == 0,
	      "after a restart, byte for byte, with the first stamp: %d %d %s\n%s\n%s",
	      rc, answer.replayed, answer.stamp, out.ptr, first.ptr);
	yb_buf_free(&out);
	yb_buf_free(&first);
}

/* OE5: no outpatient settlement during a stay, at any institution. */
static void t_oe5(void)
{
	yb_buf out = YB_BUF_INIT;
	char *stay, *otp, *otp2;
	static const line_spec one[] = {{"1", "VT-A-DRUG", "30.00", NULL, NULL, NULL}};
	static const line_spec big[] = {{"1", STAYCODE, "3000.00", NULL, NULL, NULL}};
	yb_ledger_msg m;
	yb_dscg d;

	begin("OE5: an outpatient settlement during a stay is refused");
	CHECK(reg(&out, H2, "H34060300101202404010900000001", "V-R1", 21, "2024-04-01 09:00:00") == 0, "2401: %s", yb_error_msg());
	stay = copy(jv(out.ptr, "mdtrt_id"));
	REFUSED("a second admission during the stay", YB_EREFUSED, "already in a stay at another institution", "V-R1", HX,
		"H34060300102202404020900000001", reg(&out, HX, "H34060300102202404020900000001", "V-R1", 21, "2024-04-02 09:00:00"));
	CHECK(reg(&out, H1, "H34060200001202404030900000001", "V-R1", 11, "2024-04-03 09:00:00") == 0,
	      "an outpatient registration during the stay is taken: %s", yb_error_msg());
	otp = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, H1, "H34060200001202404030905000001", "V-R1", otp, one, 1, NULL) == 0, "2204: %s", yb_error_msg());
	REFUSED("2206 during the stay", YB_EREFUSED, "OE5", "V-R1", H1, NULL,
		settle(&out, H1, NULL, "V-R1", otp, 0, 1, "2024-04-03 09:10:00"));
	REFUSED("2207 during the stay (another institution's)", YB_EREFUSED, "inpatient stay at another institution", "V-R1", H1,
		"H34060200001202404030910000001", settle(&out, H1, "H34060200001202404030910000001", "V-R1", otp, 0, 0, "2024-04-03 09:10:00"));

	/* discharged on the 10th: the visit of the 3rd is still inside */
	CHECK(upload(&out, H2, "H34060300101202404100800000001", "V-R1", stay, big, 1, NULL) == 0, "2301: %s", yb_error_msg());
	m = msg(H2, "H34060300101202404100900000001", "2024-04-10 09:00:00");
	memset(&d, 0, sizeof(d));
	d.psn_no = "V-R1";
	d.mdtrt_id = stay;
	d.endtime = dt("2024-04-10 09:00:00");
	d.dscg_way = 1;
	d.dise_codg = "I63";
	yb_buf_clear(&out);
	CHECK(yb_ledger_discharge(L, &m, &d, &out) == 0 && strcmp(jv(out.ptr, "status"), "discharged") == 0, "2402: %s", yb_error_msg());
	REFUSED("2207 of a visit inside a stay discharged later", YB_EREFUSED, "OE5", "V-R1", H1, "H34060200001202404100910000001",
		settle(&out, H1, "H34060200001202404100910000001", "V-R1", otp, 0, 0, "2024-04-10 09:10:00"));
	CHECK(settle(&out, H2, "H34060300101202404100930000001", "V-R1", stay, 0, 0, "2024-04-10 09:30:00") == 0, "2304: %s", yb_error_msg());
	m.msgid = "H34060300101202404100931000001";
	REFUSED("2405 of a settled stay", YB_EREFUSED, "cancel the settlement", "V-R1", H2, m.msgid,
		yb_ledger_cancel_discharge(L, &m, "V-R1", stay, &out));

	/* after the discharge an outpatient visit settles */
	CHECK(reg(&out, H1, "H34060200001202404110900000001", "V-R1", 11, "2024-04-11 09:00:00") == 0, "2201: %s", yb_error_msg());
	otp2 = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, H1, "H34060200001202404110905000001", "V-R1", otp2, one, 1, NULL) == 0, "2204: %s", yb_error_msg());
	CHECK(settle(&out, H1, "H34060200001202404110910000001", "V-R1", otp2, 0, 0, "2024-04-11 09:10:00") == 0,
	      "2207 after the stay: %s", yb_error_msg());
	/* the outpatient visit inside the stay can be cancelled (its lines go with it) */
	m = msg(H1, "H34060200001202404110911000001", NULL);
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_visit(L, &m, "V-R1", otp, &out) == 0 && strcmp(jv(out.ptr, "feedetail_cancelled"), "1") == 0,
	      "2202 takes the unsettled lines: %s %s", yb_error_msg(), out.ptr);
	free(stay);
	free(otp);
	free(otp2);
	yb_buf_free(&out);
	check_store();
}

/* Accumulators of a person as "bucket=amount;..." */
static char *accums(const char *psn)
{
	yb_buf out = YB_BUF_INIT, s = YB_BUF_INIT;
	int i;
	char p1[64], p2[64];

	if (yb_ledger_query_accums(L, psn, "202406", &out) < 0)
		return strdup(yb_error_msg());
	for (i = 0;; i++) {
		snprintf(p1, sizeof(p1), "cuminfo[%d].cum_type_code", i);
		snprintf(p2, sizeof(p2), "cuminfo[%d].cum", i);
		if (!*jv(out.ptr, p1))
			break;
		yb_buf_printf(&s, "%s=%s;", jv(out.ptr, p1), jv(out.ptr, p2));
	}
	yb_buf_free(&out);
	return s.ptr ? s.ptr : calloc(1, 1);
}

/* Whether accumulators `after` hold what `before` held: every bucket of
 * after is either as before or zero where before had none. */
static int same_accums(const char *before, const char *after)
{
	const char *p = after, *e;

	while ((e = strchr(p, ';'))) {
		char item[96], key[64];
		size_t n = strcspn(p, "=");
		snprintf(item, sizeof(item), "%.*s;", (int)(e - p), p);
		snprintf(key, sizeof(key), "%.*s=", (int)n, p);
		if (strstr(before, key) ? !strstr(before, item) : strcmp(p + n, "=0.00;") != 0 &&
		    strncmp(p + n, "=0.00;", 6) != 0)
			return 0;
		p = e + 1;
	}
	/* and nothing of before is missing */
	p = before;
	while ((e = strchr(p, ';'))) {
		char item[96];
		snprintf(item, sizeof(item), "%.*s;", (int)(e - p), p);
		if (!strstr(after, item))
			return 0;
		p = e + 1;
	}
	return 1;
}

/* A stay settled in a mid part and a final part, as calc settles it
 * (tests/cases/ip-mid-stay-then-final.json), then cancelled part by part;
 * every layer's accumulators come back. */
static void t_mid_stay(void)
{
	yb_buf out = YB_BUF_INIT;
	char *stay, *s1, *s2, *before, *after;
	static const line_spec part1[] = {{"1", STAYCODE, "30000.00", NULL, NULL, NULL}};
	static const line_spec part2[] = {{"2", STAYCODE, "50000.00", NULL, NULL, NULL}};

	begin("a stay in two parts (mid-stay, final), cancelled part by part");
	before = accums("V-RN");
	CHECK(reg(&out, H2, "H34060300101202405010900000001", "V-RN", 21, "2024-05-01 09:00:00") == 0, "2401: %s", yb_error_msg());
	stay = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, H2, "H34060300101202405010901000001", "V-RN", stay, part1, 1, NULL) == 0, "2301: %s", yb_error_msg());
	CHECK(settle(&out, H2, "H34060300101202405300900000001", "V-RN", stay, 1, 0, "2024-05-30 09:00:00") == 0,
	      "2304 mid-stay: %s", yb_error_msg());
	s1 = copy(jv(out.ptr, "setl_id"));
	CHECK(strcmp(jv(out.ptr, "setlinfo.act_pay_dedc"), "800.00") == 0 && strcmp(jv(out.ptr, "setlinfo.hifp_pay"), "18980.00") == 0 &&
	      strcmp(jv(out.ptr, "setlinfo.hifmi_pay"), "0.00") == 0, "the first part as calc: %s", out.ptr);
	CHECK(upload(&out, H2, "H34060300101202405310901000001", "V-RN", stay, part2, 1, NULL) == 0, "2301: %s", yb_error_msg());
	CHECK(settle(&out, H2, "H34060300101202406200900000001", "V-RN", stay, 0, 0, "2024-06-20 09:00:00") == 0,
	      "2304 final: %s", yb_error_msg());
	s2 = copy(jv(out.ptr, "setl_id"));
	CHECK(strcmp(jv(out.ptr, "setlinfo.act_pay_dedc"), "0.00") == 0 && strcmp(jv(out.ptr, "setlinfo.hifp_pay"), "32500.00") == 0 &&
	      strcmp(jv(out.ptr, "setlinfo.hifmi_pay"), "8112.00") == 0, "the final part as calc: %s", out.ptr);
	after = accums("V-RN");
	CHECK(has(after, "ip_stays=1.00") && has(after, "ip_hifp=51480.00") && has(after, "ci_base=28520.00") &&
	      has(after, "ci_paid=8112.00"), "the stay counts once: %s", after);
	free(after);
	REFUSED("2304 of a finally settled stay (IP3)", YB_EREFUSED, "IP3", "V-RN", H2, "H34060300101202406200901000001",
		settle(&out, H2, "H34060300101202406200901000001", "V-RN", stay, 0, 0, NULL));
	REFUSED("2305 of the first part while the final stands", YB_EREFUSED, "came later", "V-RN", H2, "H34060300101202406210900000001",
		cancel(&out, H2, "H34060300101202406210900000001", s1, stay, "V-RN"));
	CHECK(cancel(&out, H2, "H34060300101202406210900000002", s2, stay, "V-RN") == 0, "2305 final: %s", yb_error_msg());
	CHECK(cancel(&out, H2, "H34060300101202406210900000003", s1, stay, "V-RN") == 0, "2305 mid: %s", yb_error_msg());
	after = accums("V-RN");
	CHECK(same_accums(before, after), "every accumulator back: before '%s' after '%s'", before, after);
	free(after);
	/* settled again in one final part: the same total as the two parts */
	CHECK(settle(&out, H2, "H34060300101202406220900000001", "V-RN", stay, 0, 0, "2024-06-22 09:00:00") == 0,
	      "re-settle the stay whole: %s", yb_error_msg());
	CHECK(strcmp(jv(out.ptr, "setlinfo.medfee_sumamt"), "80000.00") == 0 && strcmp(jv(out.ptr, "setlinfo.act_pay_dedc"), "800.00") == 0,
	      "one part: %s", out.ptr);
	free(stay);
	free(s1);
	free(s2);
	free(before);
	yb_buf_free(&out);
	check_store();
}

/* An assisted person's big stay: basic fund, critical illness and
 * assistance all pay; a cancel restores each layer's accumulators and
 * the account. */
static void t_layers(void)
{
	yb_buf out = YB_BUF_INIT;
	char *stay, *sid, *before, *mid, *after;
	static const line_spec big[] = {{"1", STAYCODE, "200000.00", NULL, NULL, NULL}, {"2", "VT-C-ITEM", "300.00", NULL, NULL, NULL}};

	begin("every layer's accumulators restored by a cancel (idet, 340600)");
	before = accums("V-A1");
	CHECK(reg(&out, H2, "H34060300101202407010900000001", "V-A1", 21, "2024-07-01 09:00:00") == 0, "2401: %s", yb_error_msg());
	stay = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, H2, "H34060300101202407010901000001", "V-A1", stay, big, 2, NULL) == 0, "2301: %s", yb_error_msg());
	CHECK(settle(&out, H2, "H34060300101202407200900000001", "V-A1", stay, 0, 0, "2024-07-20 09:00:00") == 0, "2304: %s", yb_error_msg());
	sid = copy(jv(out.ptr, "setl_id"));
	CHECK(strcmp(jv(out.ptr, "setlinfo.hifp_pay"), "0.00") != 0 && strcmp(jv(out.ptr, "setlinfo.hifmi_pay"), "0.00") != 0 &&
	      strcmp(jv(out.ptr, "setlinfo.maf_pay"), "0.00") != 0, "basic, critical illness and assistance pay: %s", out.ptr);
	mid = accums("V-A1");
	CHECK(has(mid, "ci_paid=") && has(mid, "maf_paid="), "layers accumulate: %s", mid);
	CHECK(cancel(&out, H2, "H34060300101202407210900000001", sid, stay, "V-A1") == 0, "2305: %s", yb_error_msg());
	CHECK(strcmp(jv(out.ptr, "setlinfo.maf_pay"), "") != 0 && jv(out.ptr, "setlinfo.maf_pay")[0] == '-',
	      "the cancel negates assistance: %s", out.ptr);
	after = accums("V-A1");
	CHECK(same_accums(before, after), "every layer's accumulators back: before '%s' after '%s'", before, after);
	free(stay);
	free(sid);
	free(before);
	free(mid);
	free(after);
	yb_buf_free(&out);
	check_store();
}

/* OE8: a registered long-term resident is paid at home rates in the
 * registered place; an unregistered one is not. */
static void t_remote(void)
{
	yb_buf out = YB_BUF_INIT;
	char *a, *b, *pa, *pb;
	static const line_spec l[] = {{"1", STAYCODE, "10000.00", NULL, NULL, NULL}};

	begin("remote-care registration (OE8) at a Shenzhen hospital");
	CHECK(reg(&out, SZ, "H44030400001202403010900000001", "V-RR", 21, "2024-03-01 09:00:00") == 0, "2401 RR: %s", yb_error_msg());
	a = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(reg(&out, SZ, "H44030400001202403010900000002", "V-RN", 21, "2024-03-01 09:00:00") == 0, "2401 RN: %s", yb_error_msg());
	b = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, SZ, "H44030400001202403010901000001", "V-RR", a, l, 1, NULL) == 0, "2301: %s", yb_error_msg());
	CHECK(upload(&out, SZ, "H44030400001202403010901000002", "V-RN", b, l, 1, NULL) == 0, "2301: %s", yb_error_msg());
	CHECK(settle(&out, SZ, NULL, "V-RR", a, 0, 1, "2024-03-10 09:00:00") == 0, "2303 RR: %s", yb_error_msg());
	pa = copy(jv(out.ptr, "setlinfo.pool_prop_selfpay"));
	CHECK(strcmp(jv(out.ptr, "setlinfo.hifp_pay"), "5980.00") == 0, "registered: home level-3 rates (65 %%, 800): %s", out.ptr);
	CHECK(settle(&out, SZ, NULL, "V-RN", b, 0, 1, "2024-03-10 09:00:00") == 0, "2303 RN: %s", yb_error_msg());
	pb = copy(jv(out.ptr, "setlinfo.pool_prop_selfpay"));
	CHECK(strcmp(pa, pb) != 0, "the registration changes the rate: %s vs %s", pa, pb);
	/* leave them unsettled: cancel the registrations (their lines go too) */
	{
		yb_ledger_msg m = msg(SZ, "H44030400001202403110900000001", NULL);
		CHECK(yb_ledger_cancel_visit(L, &m, "V-RR", a, &out) == 0, "2404: %s", yb_error_msg());
		m.msgid = "H44030400001202403110900000002";
		CHECK(yb_ledger_cancel_visit(L, &m, "V-RN", b, &out) == 0, "2404: %s", yb_error_msg());
		m.msgid = "H44030400001202403110900000003";
		REFUSED("2404 twice", YB_EREFUSED, "already cancelled", "V-RN", SZ, m.msgid,
			yb_ledger_cancel_visit(L, &m, "V-RN", b, &out));
	}
	free(a);
	free(b);
	free(pa);
	free(pb);
	yb_buf_free(&out);
	check_store();
}

static void t_reversal(void)
{
	yb_buf out = YB_BUF_INIT;
	char *v, *sid;
	static const line_spec one[] = {{"1", "VT-A-DRUG", "40.00", NULL, NULL, NULL}};
	static const line_spec two[] = {{"2", "VT-B-DRUG", "10.00", NULL, NULL, NULL}};
	yb_ledger_msg m;
	yb_recon_req rq;
	yb_recon rc0, rc1;
	int rc;

	begin("2601 reversal, 3201 reconciliation");
	memset(&rq, 0, sizeof(rq));
	rq.fixmedins_code = HX;
	rq.begndate = day("2024-08-01");
	rq.enddate = day("2024-08-31");
	CHECK(yb_ledger_reconcile(L, &rq, &rc0) == 0 && rc0.setl_cnt == 0, "3201 before: %s", yb_error_msg());

	CHECK(reg(&out, HX, "H34060300102202408010900000001", "V-P1", 11, "2024-08-01 09:00:00") == 0, "2201: %s", yb_error_msg());
	v = copy(jv(out.ptr, "mdtrt_id"));
	CHECK(upload(&out, HX, "H34060300102202408010901000001", "V-P1", v, one, 1, NULL) == 0, "2204: %s", yb_error_msg());
	CHECK(upload(&out, HX, "H34060300102202408010902000001", "V-P1", v, two, 1, NULL) == 0, "2204: %s", yb_error_msg());
	/* an upload reversed: its line goes, the other stays */
	m = msg(HX, "H34060300102202408010903000001", "2024-08-01 09:03:00");
	yb_buf_clear(&out);
	CHECK(yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010902000001", "2204", &out) == 0 &&
	      strcmp(jv(out.ptr, "rslt"), "reversed") == 0, "2601 of an upload: %s %s", yb_error_msg(), out.ptr);
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_fees(L, HX, "V-P1", v, &out) == 0 && strcmp(jv(out.ptr, "feedetail"), "#1") == 0,
	      "one line left: %s", out.ptr);
	REFUSED("the reversed upload retried", YB_ECONFLICT, "reversed", "V-P1", HX, "H34060300102202408010902000001",
		upload(&out, HX, "H34060300102202408010902000001", "V-P1", v, two, 1, NULL));
	CHECK(settle(&out, HX, "H34060300102202408010910000001", "V-P1", v, 0, 0, "2024-08-01 09:10:00") == 0, "2207: %s", yb_error_msg());
	sid = copy(jv(out.ptr, "setl_id"));
	CHECK(yb_ledger_reconcile(L, &rq, &rc1) == 0 && rc1.setl_cnt == 1 && rc1.medfee_sumamt == 4000,
	      "3201 after one settlement: %ld, %lld", rc1.setl_cnt, (long long)rc1.medfee_sumamt);
	/* the settlement reversed: cancelled, and the original msgid is dead */
	m.msgid = "H34060300102202408010911000001";
	m.now = dt("2024-08-01 09:11:00");
	yb_buf_clear(&out);
	CHECK(yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010910000001", "2207", &out) == 0 &&
	      strcmp(jv(out.ptr, "rslt"), "reversed") == 0 && jv(out.ptr, "setl_id")[0] == 'S', "2601 of a settlement: %s %s",
	      yb_error_msg(), out.ptr);
	yb_buf_clear(&out);
	rc = yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010910000001", "2207", &out);
	CHECK(rc == 0, "2601 retried: %s", yb_error_msg());
	m.msgid = "H34060300102202408010912000001";
	yb_buf_clear(&out);
	CHECK(yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010910000001", "2207", &out) == 0 &&
	      strcmp(jv(out.ptr, "rslt"), "reversed") == 0, "a second 2601 of it answers as done: %s", out.ptr);
	REFUSED("the reversed settlement retried", YB_ECONFLICT, "reversed", "V-P1", HX, "H34060300102202408010910000001",
		settle(&out, HX, "H34060300102202408010910000001", "V-P1", v, 0, 0, NULL));
	CHECK(yb_ledger_reconcile(L, &rq, &rc1) == 0 && rc1.setl_cnt == 1 && rc1.cancel_cnt == 1 && rc1.medfee_sumamt == 0 &&
	      rc1.fund_pay_sumamt == 0 && rc1.acct_pay == 0, "3201 nets the cancel: %ld %ld %lld", rc1.setl_cnt, rc1.cancel_cnt,
	      (long long)rc1.medfee_sumamt);
	rq.clr_type = 21;
	CHECK(yb_ledger_reconcile(L, &rq, &rc1) == 0 && rc1.setl_cnt == 0, "3201 inpatient only: none");
	rq.clr_type = 0;
	rq.fixmedins_code = H2;
	CHECK(yb_ledger_reconcile(L, &rq, &rc1) == 0 && rc1.setl_cnt == 0, "3201 of another institution: none of these");
	/* never arrived: voided, and its late arrival refused */
	m.msgid = "H34060300102202408010913000001";
	yb_buf_clear(&out);
	CHECK(yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010913999999", "2201", &out) == 0 &&
	      strcmp(jv(out.ptr, "rslt"), "voided") == 0, "2601 of a message never seen: %s %s", yb_error_msg(), out.ptr);
	REFUSED("the voided message arrives late", YB_ECONFLICT, "before it arrived", "V-P1", HX, "H34060300102202408010913999999",
		reg(&out, HX, "H34060300102202408010913999999", "V-P1", 11, "2024-08-01 09:00:00"));
	m.msgid = "H34060300102202408010914000001";
	REFUSED("2601 with the wrong oinfno", YB_EINVALID, "oinfno", "V-P1", HX, m.msgid,
		yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010901000001", "2207", &out));
	REFUSED("2601 of another institution's message", YB_EREFUSED, "not a message of this institution", "V-P1", HX, m.msgid,
		yb_ledger_reverse(L, &m, "V-P1", "H34060300101202408010901000001", "2204", &out));
	/* a registration reversed after its settlement was undone */
	m.msgid = "H34060300102202408010915000001";
	yb_buf_clear(&out);
	CHECK(yb_ledger_reverse(L, &m, "V-P1", "H34060300102202408010900000001", "2201", &out) == 0,
	      "2601 of the registration: %s", yb_error_msg());
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_visits(L, HX, "V-P1", 0, 0, &out) == 0 && strcmp(jv(out.ptr, "mdtrtinfo[0].status"), "cancelled") == 0,
	      "the visit is cancelled: %s", out.ptr);
	free(v);
	free(sid);
	yb_buf_free(&out);
	check_store();
}

/* 2203/2403 changes, 2205/2302 cancels of lines, 2404/2405 rules. */
static void t_changes(void)
{
	yb_buf out = YB_BUF_INIT;
	char *v, *stay;
	yb_ledger_msg m;
	yb_mdtrt_upd u;
	yb_dscg d;
	static const line_spec lines[] = {
		{"1", "VT-A-DRUG", "10.00", NULL, NULL, "B1"},
		{"2", "VT-A-DRUG", "20.00", NULL, NULL, "B1"},
		{"3", "VT-B-DRUG", "30.00", NULL, NULL, "B2"},
		{"4", "VT-A-DRUG", "-5.00", "-1", "1", "B3"},
		{"5", "VT-C-ITEM", "7.00", NULL, NULL, "B4"},
	};

	begin("2203/2403 changes, 2205 cancels of lines, 2404/2405");
	CHECK(reg(&out, HX, "H34060300102202409010900000001", "V-E1", 11, "2024-09-01 09:00:00") == 0, "2201: %s", yb_error_msg());
	v = copy(jv(out.ptr, "mdtrt_id"));
	m = msg(HX, "H34060300102202409010901000001", NULL);
	memset(&u, 0, sizeof(u));
	u.psn_no = "V-E1";
	u.mdtrt_id = v;
	u.med_type = 14;
	u.dise_codg = "E11.9";
	u.dise_name = "diabetes";
	u.diagnoses = "[{\"diag_type\":\"1\",\"diag_srt_no\":1,\"diag_code\":\"E11.9\",\"diag_name\":\"diabetes\"}]";
	yb_buf_clear(&out);
	CHECK(yb_ledger_update_visit(L, &m, &u, &out) == 0 && strcmp(jv(out.ptr, "med_type"), "14") == 0 &&
	      strcmp(jv(out.ptr, "diseinfo[0].diag_code"), "E11.9") == 0 && strcmp(jv(out.ptr, "dise_codg"), "E11.9") == 0,
	      "2203: %s %s", yb_error_msg(), out.ptr);
	m.msgid = "H34060300102202409010901000002";
	u.med_type = 21;
	REFUSED("2203 turning a visit into a stay", YB_EREFUSED, "into a stay", "V-E1", HX, m.msgid,
		yb_ledger_update_visit(L, &m, &u, &out));
	u.med_type = 0;
	u.diagnoses = "{\"diag_code\":1}";
	REFUSED("2203 with diseinfo not an array", YB_EINVALID, "diseinfo", "V-E1", HX, m.msgid,
		yb_ledger_update_visit(L, &m, &u, &out));

	CHECK(upload(&out, HX, "H34060300102202409010902000001", "V-E1", v, lines, 5, NULL) == 0, "2204: %s", yb_error_msg());
	m.msgid = "H34060300102202409010903000001";
	REFUSED("2205 of a line whose refund would stay", YB_EREFUSED, "refunded by line 4", "V-E1", HX, m.msgid,
		yb_ledger_cancel_fees(L, &m, "V-E1", v, "B1", NULL, &out));
	REFUSED("2205 of a batch that has none", YB_ENOTFOUND, "batch B9", "V-E1", HX, m.msgid,
		yb_ledger_cancel_fees(L, &m, "V-E1", v, "B9", NULL, &out));
	REFUSED("2205 of an unknown line", YB_ENOTFOUND, "no line 99", "V-E1", HX, m.msgid,
		yb_ledger_cancel_fees(L, &m, "V-E1", v, NULL, "99", &out));
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_fees(L, &m, "V-E1", v, "B2", NULL, &out) == 0 && strcmp(jv(out.ptr, "cancelled"), "1") == 0,
	      "2205 of batch B2: %s %s", yb_error_msg(), out.ptr);
	m.msgid = "H34060300102202409010903000002";
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_fees(L, &m, "V-E1", v, NULL, "5", &out) == 0 && strcmp(jv(out.ptr, "feedetl_sn[0]"), "5") == 0,
	      "2205 of one line: %s %s", yb_error_msg(), out.ptr);
	/* a batch settles alone only with the lines its refunds name */
	REFUSED("2207 of batch B3 (its refund names a line of B1)", YB_EREFUSED, "another batch", "V-E1", HX,
		"H34060300102202409010904000001", settle_batch(&out, HX, "H34060300102202409010904000001", "V-E1", v, "B3"));
	m.msgid = "H34060300102202409010905000001";
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_fees(L, &m, "V-E1", v, "0000", NULL, &out) == 0 && strcmp(jv(out.ptr, "cancelled"), "3") == 0,
	      "2205 \"0000\": every unsettled line: %s %s", yb_error_msg(), out.ptr);
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_fees(L, HX, "V-E1", v, &out) == 0 && strcmp(jv(out.ptr, "feedetail"), "#0") == 0, "no line left: %s", out.ptr);
	/* the same feedetl_sn may come again once cancelled */
	CHECK(upload(&out, HX, "H34060300102202409010906000001", "V-E1", v, lines, 1, NULL) == 0, "re-upload of line 1: %s", yb_error_msg());

	/* a stay: 2403, 2402, 2404 refused while discharged, 2405, 2404 */
	CHECK(reg(&out, HX, "H34060300102202409020900000001", "V-R1", 21, "2024-09-02 09:00:00") == 0, "2401: %s", yb_error_msg());
	stay = copy(jv(out.ptr, "mdtrt_id"));
	m.msgid = "H34060300102202409020901000001";
	memset(&u, 0, sizeof(u));
	u.psn_no = "V-R1";
	u.mdtrt_id = stay;
	u.med_type = 22;
	u.begntime = dt("2024-09-02 08:00:00");
	yb_buf_clear(&out);
	CHECK(yb_ledger_update_visit(L, &m, &u, &out) == 0 && strcmp(jv(out.ptr, "med_type"), "22") == 0 &&
	      strcmp(jv(out.ptr, "begntime"), "2024-09-02 08:00:00") == 0, "2403: %s %s", yb_error_msg(), out.ptr);
	m.msgid = "H34060300102202409050900000001";
	memset(&d, 0, sizeof(d));
	d.psn_no = "V-R1";
	d.mdtrt_id = stay;
	d.endtime = dt("2024-09-01 09:00:00");
	d.dscg_way = 1;
	REFUSED("2402 before the admission", YB_EINVALID, "endtime", "V-R1", HX, m.msgid, yb_ledger_discharge(L, &m, &d, &out));
	d.endtime = dt("2024-09-05 09:00:00");
	yb_buf_clear(&out);
	CHECK(yb_ledger_discharge(L, &m, &d, &out) == 0, "2402: %s", yb_error_msg());
	m.msgid = "H34060300102202409050900000002";
	REFUSED("2402 twice", YB_EREFUSED, "already discharged", "V-R1", HX, m.msgid, yb_ledger_discharge(L, &m, &d, &out));
	REFUSED("2404 of a discharged stay", YB_EREFUSED, "cancel the discharge", "V-R1", HX, m.msgid,
		yb_ledger_cancel_visit(L, &m, "V-R1", stay, &out));
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_discharge(L, &m, "V-R1", stay, &out) == 0 && strcmp(jv(out.ptr, "status"), "admitted") == 0 &&
	      strcmp(jv(out.ptr, "endtime"), "null") == 0, "2405: %s %s", yb_error_msg(), out.ptr);
	m.msgid = "H34060300102202409050900000003";
	yb_buf_clear(&out);
	CHECK(yb_ledger_cancel_visit(L, &m, "V-R1", stay, &out) == 0, "2404: %s", yb_error_msg());
	m.msgid = "H34060300102202409050900000004";
	REFUSED("2403 of a cancelled stay", YB_EREFUSED, "cancelled", "V-R1", HX, m.msgid, yb_ledger_update_visit(L, &m, &u, &out));
	free(v);
	free(stay);
	yb_buf_free(&out);
	check_store();
}

static void t_queries(void)
{
	yb_buf out = YB_BUF_INIT;

	begin("5206 accumulators, bad arguments");
	CHECK(yb_ledger_query_accums(L, "V-RN", "202406", &out) == 0 && strcmp(jv(out.ptr, "cuminfo[0].year"), "2024") == 0,
	      "5206: %s", out.ptr);
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_accums(L, "V-RN", "2024-06", &out) == YB_EINVALID && has(yb_error_msg(), "cum_ym"), "5206 bad cum_ym");
	/* an unknown person is answered as one with nothing accumulated
	 * (issue 12: the answer does not tell which psn_no exist) */
	CHECK(yb_ledger_query_accums(L, "V-NOBODY", "2024", &out) == 0 && strcmp(out.ptr, "{\"cuminfo\":[]}") == 0,
	      "5206 of nobody: %s", out.ptr ? out.ptr : "");
	yb_buf_clear(&out);
	CHECK(yb_ledger_query_accums(L, "V-NOBODY", "20241", &out) == YB_EINVALID && out.len == 0,
	      "a failed query leaves out as it was");
	yb_buf_free(&out);
}

/* ------------------------------------------------ calc cases, replayed */

typedef struct replay {
	const char *name;
	int idx;
	yb_buf load;
	char admdvs[7];
	int skipped;
} replay;

static int json_has_key(const yb_json *v, const char *key)
{
	const yb_json *c;
	if (!v)
		return 0;
	if (v->key && strcmp(v->key, key) == 0)
		return 1;
	for (c = v->child; c; c = c->next)
		if (json_has_key(c, key))
			return 1;
	return 0;
}

static void put_str(yb_buf *b, const yb_json *o, const char *key, const char *dflt)
{
	const yb_json *v = yb_json_get(o, key);
	if (v && (v->type == YB_JSON_STRING || v->type == YB_JSON_NUMBER))
		yb_buf_printf(b, ",\"%s\":\"%.*s\"", key, (int)v->len, v->str);
	else if (dflt)
		yb_buf_printf(b, ",\"%s\":\"%s\"", key, dflt);
}

static const char *str_of(const yb_json *o, const char *key, char *buf, size_t n, const char *dflt)
{
	const yb_json *v = yb_json_get(o, key);
	if (v && (v->type == YB_JSON_STRING || v->type == YB_JSON_NUMBER))
		snprintf(buf, n, "%.*s", (int)v->len, v->str);
	else
		snprintf(buf, n, "%s", dflt);
	return buf;
}

static const char *const amounts[] = {
	"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
	"act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay",
	"fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "balc", NULL
};

/* One case: load its person and institutions (names prefixed with the
 * case number), then each visit through the ledger; compare with calc. */
static void replay_case(const char *path, int idx)
{
	yb_buf text = YB_BUF_INIT, calc = YB_BUF_INIT, ld = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	const yb_json *root, *in, *psn, *visits, *v, *a;
	char pfx[16], psn_no[64], admdvs[8], buf[64], msgid[40], mdtrt[YB_ID_MAX] = "", last_id[64] = "";
	int i, k, last_final = 1, n_msg = 0;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(pfx, sizeof(pfx), "G%03d", idx);
	if (yb_buf_read_file(&text, path, 1 << 20) < 0 || yb_json_parse(&doc, text.ptr, text.len, NULL) < 0)
		goto done;
	root = yb_json_root(doc);
	in = yb_json_get(root, "input");
	psn = yb_json_get(in, "psn");
	visits = yb_json_get(in, "visits");
	/* what a ledger cannot replay */
	if (!in || !psn || !visits || yb_json_get(in, "accumulators") || yb_json_get(in, "mulaid") ||
	    yb_json_get(root, "expected_error") || json_has_key(visits, "chrgitm_lv") ||
	    json_has_key(visits, "selfpay_prop") || json_has_key(visits, "pric_uplmt_amt") ||
	    json_has_key(visits, "oth_scheme_pay")) {
		goto done;
	}
	{
		/* calc's answer for the whole case */
		yb_buf inj = YB_BUF_INIT;
		yb_jw w;
		yb_jw_init(&w, &inj);
		yb_jw_value(&w, NULL, in);
		if (yb_calc(&calc, inj.ptr, inj.len, NULL) < 0) {
			yb_buf_free(&inj);
			goto done; /* a case of calc's refusals */
		}
		yb_buf_free(&inj);
	}
	str_of(in, "admdvs", admdvs, sizeof(admdvs), "340600");
	snprintf(psn_no, sizeof(psn_no), "%s-%s", pfx, str_of(psn, "psn_no", buf, sizeof(buf), "P"));
	yb_buf_printf(&ld, "{\"kind\":\"psn\",\"psn_no\":\"%s\",\"certno\":\"%s\",\"psn_name\":\"g\"", psn_no, psn_no);
	put_str(&ld, psn, "insutype", NULL);
	put_str(&ld, psn, "psn_type", NULL);
	put_str(&ld, psn, "gend", NULL);
	put_str(&ld, psn, "brdy", NULL);
	put_str(&ld, psn, "insu_admdvs", admdvs);
	yb_buf_printf(&ld, ",\"begndate\":\"2000-01-01\"");
	if ((a = yb_json_get(psn, "acct_balc")))
		yb_buf_printf(&ld, ",\"acct_balc\":%.*s", (int)a->len, a->str);
	yb_buf_puts(&ld, "}\n");
	for (a = (yb_json_get(psn, "idet") ? yb_json_get(psn, "idet")->child : NULL); a; a = a->next) {
		yb_buf_printf(&ld, "{\"kind\":\"idet\",\"psn_no\":\"%s\"", psn_no);
		put_str(&ld, a, "idet_type", NULL);
		put_str(&ld, a, "begndate", NULL);
		put_str(&ld, a, "enddate", NULL);
		yb_buf_puts(&ld, "}\n");
	}
	for (a = (yb_json_get(psn, "remote_reg") ? yb_json_get(psn, "remote_reg")->child : NULL); a; a = a->next) {
		yb_buf_printf(&ld, "{\"kind\":\"remote_reg\",\"psn_no\":\"%s\"", psn_no);
		put_str(&ld, a, "type", NULL);
		put_str(&ld, a, "admdvs", NULL);
		put_str(&ld, a, "begndate", NULL);
		put_str(&ld, a, "enddate", NULL);
		yb_buf_puts(&ld, "}\n");
	}
	for (v = visits->child; v; v = v->next) {
		const yb_json *f = yb_json_get(v, "fixmedins"), *md = yb_json_get(v, "mdtrt");
		char mt[8], dise[64];
		/* calc takes a chronic diagnosis as confirmed; the ledger needs
		 * the confirmation (CD6) */
		if (strcmp(str_of(md, "med_type", mt, sizeof(mt), "11"), "14") == 0)
			yb_buf_printf(&ld, "{\"kind\":\"chronic\",\"psn_no\":\"%s\",\"dise_codg\":\"%s\","
				      "\"decided\":\"2000-01-01\"}\n", psn_no, str_of(md, "dise_codg", dise, sizeof(dise), ""));
		yb_buf_printf(&ld, "{\"kind\":\"fixmedins\",\"fixmedins_code\":\"%s-%s\",\"fixmedins_name\":\"g\"", pfx,
			      str_of(f, "fixmedins_code", buf, sizeof(buf), "F"));
		put_str(&ld, f, "fixmedins_type", NULL);
		put_str(&ld, f, "hosp_lv", "0");
		put_str(&ld, f, "prim_flag", "0");
		put_str(&ld, f, "admdvs", NULL);
		yb_buf_puts(&ld, "}\n");
	}
	if (load(ld.ptr) < 0) {
		fail(__LINE__, "%s: load: %s", name, yb_error_msg());
		goto done;
	}
	for (v = visits->child, i = 0; v; v = v->next, i++) {
		const yb_json *f = yb_json_get(v, "fixmedins"), *md = yb_json_get(v, "mdtrt"), *l;
		char fix[64], id[64], when[24], end[24], mt[8], calc_path[64], led_path[64], cv[64];
		yb_ledger_msg m;
		yb_mdtrt_reg r;
		yb_settle_req s;
		yb_fee_up *up;
		size_t n = 0;
		int mid = 0, rc;

		snprintf(fix, sizeof(fix), "%s-%s", pfx, str_of(f, "fixmedins_code", buf, sizeof(buf), "F"));
		str_of(md, "mdtrt_id", id, sizeof(id), "");
		str_of(md, "begntime", when, sizeof(when), "");
		str_of(md, "endtime", end, sizeof(end), when);
		mid = strcmp(str_of(md, "mid_setl_flag", buf, sizeof(buf), "0"), "1") == 0;
		/* one registration per stay: the parts of a stay share it */
		if (last_final || strcmp(id, last_id) != 0) {
			memset(&r, 0, sizeof(r));
			r.psn_no = psn_no;
			r.med_type = (int)strtol(str_of(md, "med_type", mt, sizeof(mt), "11"), NULL, 10);
			r.begntime = dt(when);
			r.dise_codg = str_of(md, "dise_codg", cv, sizeof(cv), "");
			snprintf(msgid, sizeof(msgid), "%s%04d", pfx, n_msg++);
			m = msg(fix, msgid, when);
			yb_buf_clear(&out);
			if ((rc = yb_ledger_register(L, &m, &r, &out)) < 0) {
				fail(__LINE__, "%s visit %d: register: %s", name, i, yb_error_msg());
				goto done;
			}
			snprintf(mdtrt, sizeof(mdtrt), "%s", jv(out.ptr, "mdtrt_id"));
		}
		snprintf(last_id, sizeof(last_id), "%s", id);
		last_final = !mid;
		l = yb_json_get(v, "feedetail");
		up = calloc(l && l->len ? l->len : 1, sizeof(*up));
		for (a = l ? l->child : NULL; a; a = a->next, n++) {
			yb_jpath p = YB_JPATH_INDEX(NULL, n);
			if (yb_read_fee_up(&up[n], a, &p) < 0)
				fail(__LINE__, "%s visit %d: line %zu: %s", name, i, n, yb_error_msg());
		}
		snprintf(msgid, sizeof(msgid), "%s%04d", pfx, n_msg++);
		m = msg(fix, msgid, when);
		yb_buf_clear(&out);
		rc = n ? yb_ledger_upload(L, &m, psn_no, mdtrt, up, n, &out) : 0;
		yb_fee_up_free(up, n);
		free(up);
		if (rc < 0) {
			fail(__LINE__, "%s visit %d: upload: %s", name, i, yb_error_msg());
			goto done;
		}
		memset(&s, 0, sizeof(s));
		s.psn_no = psn_no;
		s.mdtrt_id = mdtrt;
		s.acct_used = strcmp(str_of(md, "acct_used_flag", buf, sizeof(buf), "0"), "1") == 0;
		s.mid_setl = mid;
		s.med_type = (int)strtol(str_of(md, "med_type", mt, sizeof(mt), "11"), NULL, 10);
		snprintf(msgid, sizeof(msgid), "%s%04d", pfx, n_msg++);
		m = msg(fix, msgid, end);
		yb_buf_clear(&out);
		if (yb_ledger_settle(L, &m, &s, &out) < 0) {
			fail(__LINE__, "%s visit %d: settle: %s", name, i, yb_error_msg());
			goto done;
		}
		for (k = 0; amounts[k]; k++) {
			snprintf(calc_path, sizeof(calc_path), "results[%d].setlinfo.%s", i, amounts[k]);
			snprintf(led_path, sizeof(led_path), "setlinfo.%s", amounts[k]);
			snprintf(cv, sizeof(cv), "%s", jv(calc.ptr, calc_path));
			CHECK(strcmp(cv, jv(out.ptr, led_path)) == 0, "%s visit %d: %s: calc %s, ledger %s", name, i,
			      amounts[k], cv, jv(out.ptr, led_path));
		}
	}
	printf("   replayed %s (%zu visits)\n", name, visits->len);
done:
	yb_json_free(doc);
	yb_buf_free(&text);
	yb_buf_free(&calc);
	yb_buf_free(&ld);
	yb_buf_free(&out);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void t_cases(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[512];
	int n = 0, i;

	begin("calc cases replayed through the ledger: the same settlements to the fen");
	if (!d) {
		fail(__LINE__, "%s: cannot open", dir);
		return;
	}
	while ((e = readdir(d)) && n < 512)
		if (strlen(e->d_name) > 5 && strcmp(e->d_name + strlen(e->d_name) - 5, ".json") == 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		replay_case(path, i);
		free(names[i]);
	}
	check_store();
}

int main(int argc, char **argv)
{
	const char *cases = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			DB = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			cases = argv[++i];
		else {
			fprintf(stderr, "usage: visit_test --db PATH|URL [--cases DIR]\n");
			return 2;
		}
	}
	if (!DB) {
		fprintf(stderr, "visit_test: --db missing\n");
		return 2;
	}
	snprintf(TMP, sizeof(TMP), "%s/yb-visit-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(TMP)) {
		perror("mkdtemp");
		return 1;
	}
	if (yb_ledger_open(&L, DB) < 0) {
		fprintf(stderr, "visit_test: %s: %s\n", DB, yb_error_msg());
		return 1;
	}
	t_load();
	t_lookups();
	t_outpatient();
	t_whole_body();
	t_oe5();
	t_mid_stay();
	t_layers();
	t_remote();
	t_reversal();
	t_changes();
	t_queries();
	if (cases)
		t_cases(cases);
	check_store();
	yb_ledger_close(L);
	{
		char path[300];
		snprintf(path, sizeof(path), "%s/load.jsonl", TMP);
		unlink(path);
		rmdir(TMP);
	}
	printf("visit tests: %d passed, %d failed\n", passes, fails);
	return fails ? 1 : 0;
}
