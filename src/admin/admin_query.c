/* What the bureau reads: person search (masked), a person's history of
 * insurance, registrations, accounts and settlements, payment imports,
 * and the audit log with its chain checked. Nothing here writes. */
#include "admin_impl.h"
#include "yibao/error.h"
#include "yibao/mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIND_MAX 50
/* A search is for one person, not a list of many: a name prefix of fewer
 * characters (a surname alone) and a certno shorter than any whole ID
 * number (15 digits, the first generation; a certno is matched whole, never
 * as a prefix) are refused. */
#define FIND_NAME_MIN 2
#define FIND_CERTNO_MIN 15
#define HISTORY_MAX 1000   /* rows of each list of a history */
#define AUDIT_PAGE 1000

static const char *q(const yb_admin_in *in, const char *name)
{
	const char *v = in->query ? in->query(in->qctx, name) : NULL;
	return v && v[0] ? v : NULL;
}

/* -------------------------------------------------------------- search */

/* UTF-8 characters in s (continuation bytes not counted). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int find_tx(yb_store_tx *tx, admin_unit *u)
{
	const char *certno = q(u->in, "certno"), *name = q(u->in, "name"), *psn_no = q(u->in, "psn_no");
	yb_psn_facts *f = malloc(FIND_MAX * sizeof(*f));
	size_t i, n = 0;
	int rc;
	yb_jw w;

	if (!f)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (psn_no) {
		rc = admin_psn_no(psn_no, "psn_no");
		if (rc == 0 && (rc = yb_tx_get_facts(tx, psn_no, NULL, &f[0])) == 0)
			n = 1;
		if (rc == YB_ENOTFOUND)
			rc = 0;
	} else if (certno) {
		rc = strlen(certno) > 18 ? yb_error_set(YB_EINVALID, "certno: too long")
		   : strlen(certno) < FIND_CERTNO_MIN
		   ? yb_error_set(YB_EINVALID, "certno: the whole ID number (%d to 18 characters), not a prefix",
				  FIND_CERTNO_MIN)
		   : yb_tx_find_psns(tx, certno, NULL, f, FIND_MAX, &n);
	} else if (name) {
		rc = strlen(name) > 60 ? yb_error_set(YB_EINVALID, "name: too long")
		   : utf8_chars(name) < FIND_NAME_MIN
		   ? yb_error_set(YB_EINVALID, "name: at least %d characters (a surname alone is too many persons)",
				  FIND_NAME_MIN)
		   : yb_tx_find_psns(tx, NULL, name, f, FIND_MAX, &n);
	} else {
		rc = yb_error_set(YB_EINVALID, "certno: missing (or name, or psn_no)");
	}
	if (rc == 0) {
		yb_jw_init(&w, u->out);
		yb_jw_obj(&w, NULL);
		yb_jw_arr(&w, "persons");
		for (i = 0; i < n; i++) {
			char g[2] = {f[i].gend, 0};
			yb_jw_obj(&w, NULL);
			yb_jw_str(&w, "psn_no", f[i].psn_no);
			{
				char m[96];
				yb_mask(m, sizeof(m), f[i].certno, YB_MASK_ID);
				yb_jw_str(&w, "certno", m);
				yb_mask(m, sizeof(m), f[i].psn_name, YB_MASK_NAME);
				yb_jw_str(&w, "psn_name", m);
			}
			yb_jw_str(&w, "gend", g[0] ? g : NULL);
			yb_jw_str(&w, "insu_admdvs", f[i].insu_admdvs);
			yb_jw_end(&w, '}');
		}
		yb_jw_end(&w, ']');
		yb_jw_int(&w, "count", (int64_t)n);
		yb_jw_end(&w, '}');
	}
	free(f);
	return rc;
}

int yb_admin_person_find(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = find_tx, .out = out};
	return admin_read(&u);
}

/* ------------------------------------------------------------- history */

typedef struct hist {
	yb_insu_row insu[HISTORY_MAX];
	yb_pay_rec pays[256];
	yb_remote_rec remote[64];
	yb_chronic_rec chronic[64];
	yb_bind_rec binds[64];
	yb_psn_reg_rec regs[2 * YB_MAX_PSN_REGS];
	yb_enrol_rec enrols[64];
	yb_retire_rec retires[32];
	long n_setl;
	yb_jw *w;
} hist;

static int w_setl(const yb_setl_row *s, int cancelled, void *arg)
{
	hist *h = arg;
	yb_jw *w = h->w;

	if (h->n_setl++ >= HISTORY_MAX)
		return 0;
	yb_jw_obj(w, NULL);
	yb_jw_str(w, "setl_id", s->setl_id);
	yb_jw_str(w, "mdtrt_id", s->mdtrt_id);
	yb_jw_str(w, "fixmedins_code", s->fixmedins_code);
	yb_jw_int(w, "insutype", s->insutype);
	yb_jw_int(w, "med_type", s->med_type);
	admin_w_time(w, "setl_time", s->setl_time);
	yb_jw_money(w, "medfee_sumamt", s->amt[YB_A_MEDFEE_SUMAMT]);
	yb_jw_money(w, "fund_pay_sumamt", s->amt[YB_A_FUND_PAY_SUMAMT]);
	yb_jw_money(w, "acct_pay", s->amt[YB_A_ACCT_PAY]);
	yb_jw_money(w, "acct_mulaid_pay", s->amt[YB_A_ACCT_MULAID_PAY]);
	yb_jw_money(w, "psn_cash_pay", s->amt[YB_A_PSN_CASH_PAY]);
	yb_jw_str(w, "refd_setl_id", s->refd_setl_id[0] ? s->refd_setl_id : NULL);
	yb_jw_bool(w, "cancelled", cancelled);
	yb_jw_end(w, '}');
	return 0;
}

static void w_binds(yb_jw *w, const char *key, const yb_bind_rec *b, size_t n)
{
	size_t i;

	yb_jw_arr(w, key);
	for (i = 0; i < n; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "initiator_psn_no", b[i].initiator_psn_no);
		yb_jw_str(w, "psn_no", b[i].bound_psn_no);
		yb_jw_str(w, "relation", b[i].relation[0] ? b[i].relation : NULL);
		admin_w_time(w, "bind_time", b[i].bind_time);
		admin_w_time(w, "unbind_time", b[i].unbind_time);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

static int history_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const results[] = {"pending", "confirmed", "refused"};
	hist *h = u->arg;
	yb_psn_facts f;
	yb_acct_info acct;
	size_t i, n;
	int rc;
	char g[2] = {0, 0};
	yb_jw w;

	if ((rc = yb_tx_get_facts(tx, u->in->id, NULL, &f)) < 0)
		return rc;
	h->w = &w;
	h->n_setl = 0;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", f.psn_no);
	admin_w_person(&w, "person", &f);
	g[0] = f.gend;
	yb_jw_obj(&w, "facts");
	yb_jw_str(&w, "gend", g[0] ? g : NULL);
	yb_jw_str(&w, "insu_admdvs", f.insu_admdvs);
	yb_jw_str(&w, "hukou_admdvs", f.hukou_admdvs[0] ? f.hukou_admdvs : NULL);
	yb_jw_str(&w, "groups", f.groups);
	yb_jw_int(&w, "deemed_months", f.deemed_months);
	yb_jw_end(&w, '}');

	if ((rc = yb_tx_get_insu(tx, f.psn_no, h->insu, HISTORY_MAX, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "insurance");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		yb_jw_int(&w, "insutype", h->insu[i].insutype);
		yb_jw_str(&w, "psn_type", h->insu[i].psn_type);
		admin_w_date(&w, "begndate", h->insu[i].begndate);
		admin_w_date(&w, "enddate", h->insu[i].enddate);
		yb_jw_int(&w, "psn_insu_stas", h->insu[i].psn_insu_stas);
		yb_jw_str(&w, "pay_id", h->insu[i].pay_id[0] ? h->insu[i].pay_id : NULL);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');

	if ((rc = yb_tx_get_enrols(tx, f.psn_no, h->enrols, 64, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "enrolments");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		yb_jw_int(&w, "year", h->enrols[i].year);
		yb_jw_bool(&w, "renewal", h->enrols[i].renewal);
		yb_jw_str(&w, "ground", h->enrols[i].ground);
		yb_jw_str(&w, "status", h->enrols[i].status);
		admin_w_time(&w, "reg_time", h->enrols[i].reg_time);
		yb_jw_str(&w, "staff_id", h->enrols[i].staff_id);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');

	rc = yb_tx_get_pays(tx, f.psn_no, h->pays, 256, &n);
	if (rc < 0 && rc != YB_EOVERFLOW)
		return rc;
	yb_jw_arr(&w, "payments");
	for (i = 0; i < n; i++) {
		const yb_pay_rec *p = &h->pays[i];
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "pay_id", p->pay_id);
		yb_jw_int(&w, "year", p->year);
		yb_jw_money(&w, "amount", p->amount);
		admin_w_time(&w, "paid_time", p->paid_time);
		yb_jw_str(&w, "channel", p->channel);
		yb_jw_str(&w, "verdict", p->verdict);
		admin_w_date(&w, "begndate", p->begndate);
		admin_w_date(&w, "enddate", p->enddate);
		yb_jw_str(&w, "batch_id", p->batch_id);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');

	{
		yb_contrib_span *spans = NULL;
		if ((rc = admin_load_spans(tx, f.psn_no, &spans, &n)) < 0)
			return rc;
		admin_w_spans(&w, "contributions", spans, n);
		free(spans);
	}

	if ((rc = yb_tx_get_retires(tx, f.psn_no, h->retires, 32, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "retirement");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		admin_w_month(&w, "apply_month", h->retires[i].apply_month);
		yb_jw_bool(&w, "eligible", h->retires[i].eligible);
		admin_w_month(&w, "retired_from", h->retires[i].retired_from);
		yb_jw_str(&w, "staff_id", h->retires[i].staff_id);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');

	if ((rc = yb_tx_get_remotes(tx, f.psn_no, h->remote, 64, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "remote_registrations");
	for (i = 0; i < n; i++) {
		const yb_remote_rec *r = &h->remote[i];
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "reg_id", r->reg_id[0] ? r->reg_id : NULL);
		yb_jw_str(&w, "type", r->reg.type);
		yb_jw_str(&w, "place_admdvs", r->reg.admdvs);
		admin_w_date(&w, "begndate", r->reg.begndate);
		admin_w_date(&w, "enddate", r->reg.enddate);
		admin_w_time(&w, "cancelled", r->cancelled);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	if ((rc = yb_tx_get_psn_regs(tx, f.psn_no, h->regs, 2 * YB_MAX_PSN_REGS, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "identities");
	for (i = 0; i < n; i++)
		if (strcmp(h->regs[i].kind, "idet") == 0) {
			yb_jw_obj(&w, NULL);
			yb_jw_str(&w, "idet_type", h->regs[i].type);
			admin_w_date(&w, "begndate", h->regs[i].begndate);
			admin_w_date(&w, "enddate", h->regs[i].enddate);
			yb_jw_end(&w, '}');
		}
	yb_jw_end(&w, ']');

	if ((rc = yb_tx_get_chronics(tx, f.psn_no, h->chronic, 64, &n)) < 0)
		return rc;
	yb_jw_arr(&w, "chronic_applications");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "appl_id", h->chronic[i].appl_id);
		yb_jw_str(&w, "dise_codg", h->chronic[i].dise_codg);
		admin_w_date(&w, "applied", h->chronic[i].applied);
		yb_jw_str(&w, "result", results[h->chronic[i].result]);
		admin_w_date(&w, "decided", h->chronic[i].decided);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');

	yb_jw_obj(&w, "bindings");
	rc = yb_tx_get_binds(tx, f.psn_no, 1, h->binds, 64, &n);
	if (rc < 0 && rc != YB_EOVERFLOW)
		return rc;
	w_binds(&w, "as_initiator", h->binds, n);
	rc = yb_tx_get_binds(tx, f.psn_no, 0, h->binds, 64, &n);
	if (rc < 0 && rc != YB_EOVERFLOW)
		return rc;
	w_binds(&w, "as_bound", h->binds, n);
	yb_jw_end(&w, '}');

	if ((rc = yb_tx_get_acct(tx, f.psn_no, &acct)) < 0)
		return rc;
	yb_jw_obj(&w, "account");
	if (acct.exists) {
		yb_jw_money(&w, "opening_balc", acct.opening_balc);
		yb_jw_money(&w, "balc", acct.balc);
		yb_jw_int(&w, "movements", acct.movements);
	}
	yb_jw_end(&w, '}');

	yb_jw_arr(&w, "settlements");
	if ((rc = yb_tx_each_psn_setl(tx, f.psn_no, w_setl, h)) < 0)
		return rc;
	yb_jw_end(&w, ']');
	yb_jw_int(&w, "settlement_count", h->n_setl);
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_person_history(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = history_tx, .out = out};
	hist *h;
	int rc;

	if ((rc = admin_psn_no(in->id, "psn_no")) < 0)
		return rc;
	if (!(h = malloc(sizeof(*h))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	u.arg = h;
	rc = admin_read(&u);
	free(h);
	return rc;
}

/* ----------------------------------------------------- payment imports */

static int batch_tx(yb_store_tx *tx, admin_unit *u)
{
	yb_batch_rec b;
	yb_buf report = YB_BUF_INIT;
	yb_jw w;
	int rc;

	if ((rc = yb_tx_get_batch(tx, u->in->id, NULL, &b, &report)) < 0) {
		yb_buf_free(&report);
		return rc;
	}
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "batch_id", b.batch_id);
	yb_jw_str(&w, "file", b.file);
	yb_jw_str(&w, "sha256", b.sha256);
	admin_w_time(&w, "import_time", b.import_time);
	yb_jw_str(&w, "staff_id", b.staff_id);
	yb_jw_int(&w, "lines", b.lines);
	yb_jw_int(&w, "recorded", b.recorded);
	yb_jw_raw(&w, "report", report.ptr ? report.ptr : "null", report.ptr ? report.len : 4);
	yb_jw_end(&w, '}');
	yb_buf_free(&report);
	return 0;
}

int yb_admin_pay_batch(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = batch_tx, .out = out};

	if (!in->id || !in->id[0] || strlen(in->id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "batch_id: missing");
	return admin_read(&u);
}

/* ------------------------------------------------------- the audit log
 *
 * The records keep personal data whole (the chain hashes them so); a page
 * of them is answered with every member "certno" and "psn_name" of before
 * and after masked. ?clear=1 answers them whole, to the roles of the route
 * (auditor, administrator), and that reading is itself a change: an
 * audit.read_clear record of who read which records. */

typedef struct audit_walk {
	yb_jw *w;
	int64_t first, last;
	long n;
	int clear;
	/* verify */
	yb_audit_walk walk;
	long problems;
} audit_walk;

/* v as JSON with the members named certno or psn_name masked. */
static void w_masked(yb_jw *w, const char *key, const yb_json *v)
{
	const yb_json *c;
	char m[256];

	if (v->type == YB_JSON_STRING && key && (strcmp(key, "certno") == 0 || strcmp(key, "psn_name") == 0)) {
		yb_mask(m, sizeof(m), v->str, key[0] == 'c' ? YB_MASK_ID : YB_MASK_NAME);
		yb_jw_str(w, key, m);
	} else if (v->type == YB_JSON_OBJECT || v->type == YB_JSON_ARRAY) {
		if (v->type == YB_JSON_OBJECT)
			yb_jw_obj(w, key);
		else
			yb_jw_arr(w, key);
		for (c = v->child; c; c = c->next)
			w_masked(w, v->type == YB_JSON_OBJECT ? c->key : NULL, c);
		yb_jw_end(w, v->type == YB_JSON_OBJECT ? '}' : ']');
	} else {
		yb_jw_value(w, key, v);
	}
}

/* A record's before or after: whole, or masked. What the store holds is
 * JSON the units wrote; should it not parse, nothing of it is shown. */
static void w_record_json(yb_jw *w, const char *key, const char *json, int clear)
{
	yb_json_doc *doc = NULL;

	if (clear)
		yb_jw_raw(w, key, json, strlen(json));
	else if (yb_json_parse(&doc, json, strlen(json), NULL) == 0)
		w_masked(w, key, yb_json_root(doc));
	else
		yb_jw_str(w, key, "(not JSON: not shown)");
	yb_json_free(doc);
}

static int w_audit(const yb_audit_rec *r, void *arg)
{
	audit_walk *x = arg;
	yb_jw *w = x->w;

	yb_jw_obj(w, NULL);
	yb_jw_int(w, "seq", r->seq);
	admin_w_time(w, "time", r->rec_time);
	yb_jw_str(w, "staff_id", r->staff_id);
	yb_jw_str(w, "action", r->action);
	yb_jw_str(w, "object", r->object);
	w_record_json(w, "before", r->before, x->clear);
	w_record_json(w, "after", r->after, x->clear);
	yb_jw_str(w, "request_id", r->request_id);
	yb_jw_str(w, "hash", r->hash);
	yb_jw_end(w, '}');
	if (!x->n)
		x->first = r->seq;
	x->last = r->seq;
	x->n++;
	return 0;
}

static int audit_tx(yb_store_tx *tx, admin_unit *u)
{
	const char *from_s = q(u->in, "from"), *limit_s = q(u->in, "limit");
	long long from = 1, limit = 100;
	audit_walk x;
	char *end;
	yb_jw w;
	int rc;

	if (from_s && ((from = strtoll(from_s, &end, 10)) < 1 || *end))
		return yb_error_set(YB_EINVALID, "from: not a sequence number (1 or more)");
	if (limit_s && ((limit = strtoll(limit_s, &end, 10)) < 1 || limit > AUDIT_PAGE || *end))
		return yb_error_set(YB_EINVALID, "limit: not from 1 to %d", AUDIT_PAGE);
	memset(&x, 0, sizeof(x));
	x.w = &w;
	x.clear = u->arg && *(const int *)u->arg;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "records");
	if ((rc = yb_tx_each_audit(tx, from, (long)limit, w_audit, &x)) < 0)
		return rc;
	yb_jw_end(&w, ']');
	if (x.n == limit)
		yb_jw_int(&w, "next", x.last + 1);
	else
		yb_jw_null(&w, "next");
	yb_jw_bool(&w, "masked", !x.clear);
	yb_jw_end(&w, '}');
	if (x.clear) {
		admin_record(u, "audit.read_clear", "audit:%lld", from);
		yb_jw_init(&w, &u->after);
		yb_jw_obj(&w, NULL);
		yb_jw_int(&w, "from", from);
		yb_jw_int(&w, "limit", limit);
		yb_jw_int(&w, "records", x.n);
		if (x.n) {
			yb_jw_int(&w, "first_seq", x.first);
			yb_jw_int(&w, "last_seq", x.last);
		}
		yb_jw_end(&w, '}');
	}
	return 0;
}

int yb_admin_audit_list(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = audit_tx, .out = out};
	const char *clear_s = q(in, "clear");
	int clear = 1;

	if (!clear_s || strcmp(clear_s, "0") == 0)
		return admin_read(&u);
	if (strcmp(clear_s, "1") != 0)
		return yb_error_set(YB_EINVALID, "clear: not 0 or 1");
	u.arg = &clear; /* whole, and the reading recorded */
	return admin_change(&u, 0);
}

static int verify_row(const yb_audit_rec *r, void *arg)
{
	audit_walk *x = arg;
	const char *problem = yb_audit_check_row(&x->walk, r);

	if (problem && x->problems++ < 20) {
		yb_jw_obj(x->w, NULL);
		yb_jw_int(x->w, "seq", r->seq);
		yb_jw_str(x->w, "problem", problem);
		yb_jw_end(x->w, '}');
	}
	x->last = r->seq;
	x->n++;
	return 0;
}

static int verify_tx(yb_store_tx *tx, admin_unit *u)
{
	audit_walk x;
	long before;
	yb_jw w;
	int rc;

	memset(&x, 0, sizeof(x));
	x.w = &w;
	x.walk.expect = 1;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "problems");
	do {
		before = x.n;
		if ((rc = yb_tx_each_audit(tx, x.last + 1, AUDIT_PAGE, verify_row, &x)) < 0)
			return rc;
	} while (x.n - before == AUDIT_PAGE);
	yb_jw_end(&w, ']');
	yb_jw_bool(&w, "ok", x.problems == 0);
	yb_jw_int(&w, "records", x.n);
	yb_jw_int(&w, "last_seq", x.last);
	yb_jw_str(&w, "last_hash", x.walk.prev);
	yb_jw_bool(&w, "keyed", yb_audit_keyed());
	yb_jw_int(&w, "unverified", x.walk.unverified);
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_audit_verify(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = verify_tx, .out = out};
	return admin_read(&u);
}
