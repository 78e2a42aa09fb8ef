/* The bureau's own records (migration 4, issue 8): persons' N1 facts,
 * enrolments, payments, contribution months, retirement applications,
 * remote-care registrations, chronic-disease applications, bindings,
 * staff, sessions and the audit log. Written once for both backends over
 * store_impl.h's generic runner: every statement here is valid SQLite and
 * PostgreSQL, with $N placeholders.
 *
 * Design notes
 *  1. The audit log is a chain: row N's hash is SHA-256 over row N-1's hash
 *     and row N's fields, each length-prefixed (yb_audit_hash). The head
 *     (audit_head: the last seq and hash) is one row; a unit appending to
 *     the log updates it, so two appenders never take one seq: the log has
 *     no gap, and a unit rolled back takes its row and the head's move with
 *     it. Triggers refuse UPDATE, DELETE (and TRUNCATE) of audit_log.
 *  2. yb_tx_audit_lock() updates the head to itself at the start of a unit
 *     that reads, decides and writes: under SQLite's single writer it is
 *     nothing more; under PostgreSQL's READ COMMITTED it is the row lock
 *     that serialises such units across writers and processes, and every
 *     statement after it sees what the previous holder committed.
 *  3. Dates are ISO text ('' none, '9999-12-31' open), times seconds of
 *     local time, money fen, months 'YYYY-MM': as the rest of the store.
 *  4. yb_store_enrol_check() lists every row that breaks an invariant of
 *     these tables (yibao check): the chain, a coverage row without its
 *     payment and the reverse, more than 7 active bindings of an
 *     initiator, a decided application without its day, ... */
#include "store_impl.h"
#include "yibao/enroll.h"
#include "yibao/error.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ helpers */

#define T(x) {YB_SQLV_TEXT, (x), 0}
#define I(x) {YB_SQLV_INT, NULL, (int64_t)(x)}
#define NV(v) (int)(sizeof(v) / sizeof((v)[0]))

/* A whole result, copied: rows x cols cells (NULL for SQL NULL). */
typedef struct res {
	char **cell;
	size_t rows, cap;
	int cols;
} res;

static void res_free(res *r)
{
	size_t i;
	for (i = 0; i < r->rows * (size_t)r->cols; i++)
		free(r->cell[i]);
	free(r->cell);
	memset(r, 0, sizeof(*r));
}

static int collect(void *arg, int n, const char *const *cols)
{
	res *r = arg;
	int i;

	if (r->rows == 0)
		r->cols = n;
	if ((r->rows + 1) * (size_t)n > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		char **p;
		while (cap < (r->rows + 1) * (size_t)n)
			cap *= 2;
		if (!(p = realloc(r->cell, cap * sizeof(*p))))
			return yb_error_set(YB_ENOMEM, "out of memory");
		r->cell = p;
		r->cap = cap;
	}
	for (i = 0; i < n; i++) {
		char **c = &r->cell[r->rows * (size_t)n + (size_t)i];
		*c = NULL;
		if (cols[i] && !(*c = strdup(cols[i]))) {
			while (i-- > 0)
				free(r->cell[r->rows * (size_t)n + (size_t)i]);
			return yb_error_set(YB_ENOMEM, "out of memory");
		}
	}
	r->rows++;
	return 0;
}

/* Runs sql; out (may be NULL) gets every row. */
static int run(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int n, res *out, long *changes)
{
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = yb_store_sql(tx, sql, v, n, out ? collect : NULL, out, changes);
	if (rc < 0 && out)
		res_free(out);
	return rc;
}

static const char *cell(const res *r, size_t row, int col)
{
	const char *c = row < r->rows && col < r->cols ? r->cell[row * (size_t)r->cols + (size_t)col] : NULL;
	return c ? c : "";
}

static int64_t cell_int(const res *r, size_t row, int col)
{
	return strtoll(cell(r, row, col), NULL, 10);
}

static void cell_text(const res *r, size_t row, int col, char *out, size_t cap)
{
	snprintf(out, cap, "%s", cell(r, row, col));
}

static yb_date cell_date(const res *r, size_t row, int col)
{
	return yb_store_text_date(cell(r, row, col));
}

static const char *mtext(char *buf, int32_t m)
{
	if (m == YB_MONTH_NONE)
		buf[0] = '\0';
	else
		yb_month_format(buf, m);
	return buf;
}

static int32_t cell_month(const res *r, size_t row, int col)
{
	const char *t = cell(r, row, col);
	yb_month m;
	return t[0] && yb_month_parse(&m, t, strlen(t)) == 0 ? m : YB_MONTH_NONE;
}

/* Runs a statement that must change exactly one row. */
static int run_one(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int n, int code, const char *what)
{
	long changes = 0;
	int rc = run(tx, sql, v, n, NULL, &changes);
	if (rc < 0)
		return rc;
	return changes == 1 ? 0 : yb_error_set(code, "%s", what);
}

typedef void (*row_fn)(const res *r, size_t i, void *out);

/* Runs sql and converts each row into out[] (cap elements of `size`
 * bytes); *n (if given) gets how many. More rows than cap: YB_EOVERFLOW
 * naming `what` (NULL: the rest are ignored). */
static int fetch(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int nv, row_fn fn,
		 void *out, size_t size, size_t cap, size_t *n, const char *what)
{
	res r;
	size_t i;
	int rc;

	if (n)
		*n = 0;
	if ((rc = run(tx, sql, v, nv, &r, NULL)) < 0)
		return rc;
	for (i = 0; i < r.rows && i < cap; i++)
		fn(&r, i, (char *)out + i * size);
	if (n)
		*n = i;
	rc = r.rows > cap && what ? yb_error_set(YB_EOVERFLOW, "%s: more than %zu", what, cap) : 0;
	res_free(&r);
	return rc;
}

/* The first row into out: 0, or YB_ENOTFOUND with `missing` as the
 * message (NULL: none set). */
static int fetch_one(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int nv, row_fn fn,
		     void *out, const char *missing)
{
	size_t n = 0;
	int rc = fetch(tx, sql, v, nv, fn, out, 0, 1, &n, NULL);

	if (rc < 0 || n)
		return rc;
	return missing ? yb_error_set(YB_ENOTFOUND, "%s", missing) : YB_ENOTFOUND;
}

/* ------------------------------------------------------------- persons */

#define FACTS_TAIL " hukou_admdvs, residence_permit, insured_at_origin, migrant_worker, student," \
	" guardian_local, groups, deemed_months"
#define FACTS_COLS "psn_no, certno, psn_name, gend, coalesce(brdy, ''), insu_admdvs," FACTS_TAIL

static void facts_row(const res *r, size_t i, void *out)
{
	yb_psn_facts *f = out;
	char g[4];

	memset(f, 0, sizeof(*f));
	cell_text(r, i, 0, f->psn_no, sizeof(f->psn_no));
	cell_text(r, i, 1, f->certno, sizeof(f->certno));
	cell_text(r, i, 2, f->psn_name, sizeof(f->psn_name));
	cell_text(r, i, 3, g, sizeof(g));
	f->gend = g[0];
	f->brdy = cell_date(r, i, 4);
	cell_text(r, i, 5, f->insu_admdvs, sizeof(f->insu_admdvs));
	cell_text(r, i, 6, f->hukou_admdvs, sizeof(f->hukou_admdvs));
	f->residence_permit = (int)cell_int(r, i, 7);
	f->insured_at_origin = (int)cell_int(r, i, 8);
	f->migrant_worker = (int)cell_int(r, i, 9);
	f->student = (int)cell_int(r, i, 10);
	f->guardian_local = (int)cell_int(r, i, 11);
	cell_text(r, i, 12, f->groups, sizeof(f->groups));
	f->deemed_months = (int)cell_int(r, i, 13);
}

/* The other spelling of a final x (the check character), into alt. */
static void other_x(char *alt, size_t cap, const char *certno)
{
	size_t n;

	snprintf(alt, cap, "%s", certno);
	n = strlen(alt);
	if (n && (alt[n - 1] == 'x' || alt[n - 1] == 'X'))
		alt[n - 1] = alt[n - 1] == 'x' ? 'X' : 'x';
}

int yb_tx_get_facts(yb_store_tx *tx, const char *psn_no, const char *certno, yb_psn_facts *out)
{
	char alt[40];

	if (psn_no) {
		yb_sqlv v[] = {T(psn_no)};
		return fetch_one(tx, "SELECT " FACTS_COLS " FROM psn WHERE psn_no = $1", v, NV(v), facts_row,
				 out, "psn_no: unknown person");
	}
	other_x(alt, sizeof(alt), certno);
	{
		yb_sqlv v[] = {T(certno), T(alt)};
		return fetch_one(tx, "SELECT " FACTS_COLS " FROM psn WHERE certno = $1 OR certno = $2"
				 " ORDER BY psn_no LIMIT 1", v, NV(v), facts_row, out, "certno: unknown person");
	}
}

int yb_tx_put_facts(yb_store_tx *tx, const yb_psn_facts *f, int create)
{
	char brdy[12], gend[2] = {f->gend, 0};
	yb_sqlv v[] = {T(f->psn_no), T(f->certno), T(f->psn_name), T(gend),
		       f->brdy == YB_DATE_NONE ? (yb_sqlv){YB_SQLV_NULL, NULL, 0} : (yb_sqlv)T(yb_store_date_text(brdy, f->brdy)),
		       T(f->insu_admdvs), T(f->hukou_admdvs), I(f->residence_permit),
		       I(f->insured_at_origin), I(f->migrant_worker), I(f->student),
		       I(f->guardian_local), T(f->groups), I(f->deemed_months)};
	yb_psn_facts other;
	int rc;

	if (!create)
		return run_one(tx, "UPDATE psn SET certno = $2, psn_name = $3, gend = $4, brdy = $5,"
			       " insu_admdvs = $6, hukou_admdvs = $7, residence_permit = $8,"
			       " insured_at_origin = $9, migrant_worker = $10, student = $11,"
			       " guardian_local = $12, groups = $13, deemed_months = $14 WHERE psn_no = $1",
			       v, NV(v), YB_ENOTFOUND, "psn_no: unknown person");
	if ((rc = yb_tx_get_facts(tx, NULL, f->certno, &other)) == 0)
		return yb_error_set(YB_EEXISTS, "certno: already the person %s", other.psn_no);
	if (rc != YB_ENOTFOUND)
		return rc;
	if ((rc = yb_tx_get_facts(tx, f->psn_no, NULL, &other)) == 0)
		return yb_error_set(YB_EEXISTS, "psn_no: %s exists", f->psn_no);
	if (rc != YB_ENOTFOUND)
		return rc;
	if ((rc = run(tx, "INSERT INTO psn(psn_no, certno, psn_name, gend, brdy, insu_admdvs," FACTS_TAIL ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		      " $10, $11, $12, $13, $14)", v, NV(v), NULL, NULL)) < 0)
		return rc;
	{
		yb_sqlv a[] = {T(f->psn_no)};
		return run(tx, "INSERT INTO acct(psn_no, opening_balc, balc) VALUES($1, 0, 0)",
			   a, NV(a), NULL, NULL);
	}
}

int yb_tx_next_id(yb_store_tx *tx, const char *counter, char prefix, char out[YB_ID_MAX])
{
	yb_sqlv v[] = {T(counter)};
	res r;
	int rc;

	if ((rc = run(tx, "INSERT INTO yb_counter(name, value) VALUES($1, 0) ON CONFLICT(name) DO NOTHING",
		      v, NV(v), NULL, NULL)) < 0 ||
	    (rc = run(tx, "UPDATE yb_counter SET value = value + 1 WHERE name = $1 RETURNING value",
		      v, NV(v), &r, NULL)) < 0)
		return rc;
	snprintf(out, YB_ID_MAX, "%c%012lld", prefix, (long long)cell_int(&r, 0, 0));
	res_free(&r);
	return 0;
}

int yb_tx_find_psns(yb_store_tx *tx, const char *certno, const char *name,
		    yb_psn_facts *out, size_t cap, size_t *n)
{
	char alt[40], like[160];
	size_t k, j = 0;

	if (certno) {
		other_x(alt, sizeof(alt), certno);
		yb_sqlv v[] = {T(certno), T(alt), I(cap)};
		return fetch(tx, "SELECT " FACTS_COLS " FROM psn WHERE certno = $1 OR certno = $2"
			     " ORDER BY psn_no LIMIT $3", v, NV(v), facts_row, out, sizeof(*out), cap, n, NULL);
	}
	/* a prefix: LIKE's own characters (and the escape) taken literally,
	 * with an ESCAPE both SQLite and PostgreSQL read the same way */
	for (k = 0; name[k]; k++) {
		if (j + 4 > sizeof(like))
			return yb_error_set(YB_EINVALID, "name: too long");
		if (name[k] == '%' || name[k] == '_' || name[k] == '!')
			like[j++] = '!';
		like[j++] = name[k];
	}
	like[j++] = '%';
	like[j] = '\0';
	{
		yb_sqlv v[] = {T(like), I(cap)};
		return fetch(tx, "SELECT " FACTS_COLS " FROM psn WHERE psn_name LIKE $1 ESCAPE '!'"
			     " ORDER BY psn_no LIMIT $2", v, NV(v), facts_row, out, sizeof(*out), cap, n, NULL);
	}
}

/* ----------------------------------------------------- insurance periods */

static void insu_row(const res *r, size_t i, void *out)
{
	yb_insu_row *x = out;

	memset(x, 0, sizeof(*x));
	x->insutype = (int)cell_int(r, i, 0);
	cell_text(r, i, 1, x->psn_type, sizeof(x->psn_type));
	x->begndate = cell_date(r, i, 2);
	x->enddate = cell_date(r, i, 3);
	x->psn_insu_stas = (int)cell_int(r, i, 4);
	cell_text(r, i, 5, x->pay_id, sizeof(x->pay_id));
}

int yb_tx_get_insu(yb_store_tx *tx, const char *psn_no, yb_insu_row *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};

	return fetch(tx, "SELECT insutype, psn_type, begndate, enddate, psn_insu_stas, pay_id"
		     " FROM psn_insu WHERE psn_no = $1 ORDER BY begndate, insutype", v, NV(v), insu_row,
		     out, sizeof(*out), cap, n, "psn_no: insurance periods");
}

int yb_tx_put_insu(yb_store_tx *tx, const char *psn_no, const yb_insu_row *x)
{
	char b[12], e[12];
	yb_sqlv v[] = {T(psn_no), I(x->insutype), T(x->psn_type), T(yb_store_date_text(b, x->begndate)),
		       T(yb_store_date_text(e, x->enddate)), I(x->psn_insu_stas), T(x->pay_id)};

	return run(tx, "INSERT INTO psn_insu(psn_no, insutype, psn_type, begndate, enddate,"
		   " psn_insu_stas, pay_id) VALUES($1, $2, $3, $4, $5, $6, $7)"
		   " ON CONFLICT(psn_no, insutype, begndate) DO UPDATE SET psn_type = $3,"
		   " enddate = $5, psn_insu_stas = $6, pay_id = $7", v, NV(v), NULL, NULL);
}

int yb_tx_del_insu(yb_store_tx *tx, const char *psn_no, int insutype)
{
	yb_sqlv v[] = {T(psn_no), I(insutype)};
	return run(tx, "DELETE FROM psn_insu WHERE psn_no = $1 AND insutype = $2", v, NV(v), NULL, NULL);
}

/* ---------------------------------------------------------- enrolments */

static void enrol_row(const res *r, size_t i, void *out)
{
	yb_enrol_rec *e = out;

	memset(e, 0, sizeof(*e));
	cell_text(r, i, 0, e->psn_no, sizeof(e->psn_no));
	e->year = (int)cell_int(r, i, 1);
	e->renewal = (int)cell_int(r, i, 2);
	cell_text(r, i, 3, e->ground, sizeof(e->ground));
	cell_text(r, i, 4, e->status, sizeof(e->status));
	e->reg_time = cell_int(r, i, 5);
	cell_text(r, i, 6, e->staff_id, sizeof(e->staff_id));
}

int yb_tx_get_enrols(yb_store_tx *tx, const char *psn_no, yb_enrol_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};

	return fetch(tx, "SELECT psn_no, year, renewal, ground, status, reg_time, staff_id FROM resident_enrol"
		     " WHERE psn_no = $1 ORDER BY year", v, NV(v), enrol_row, out, sizeof(*out), cap, n, NULL);
}

int yb_tx_put_enrol(yb_store_tx *tx, const yb_enrol_rec *e)
{
	yb_sqlv v[] = {T(e->psn_no), I(e->year), I(e->renewal), T(e->ground), T(e->status),
		       I(e->reg_time), T(e->staff_id)};
	return run(tx, "INSERT INTO resident_enrol(psn_no, year, renewal, ground, status, reg_time,"
		   " staff_id) VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(psn_no, year)"
		   " DO UPDATE SET status = $5", v, NV(v), NULL, NULL);
}

/* ------------------------------------------------------------ payments */

#define PAY_COLS "psn_no, pay_id, certno, psn_name, year, amount, paid_time, channel, verdict," \
	" due, enrol_year, begndate, enddate, batch_id, line"

static void pay_row(const res *r, size_t i, void *out)
{
	yb_pay_rec *p = out;
	memset(p, 0, sizeof(*p));
	cell_text(r, i, 0, p->psn_no, sizeof(p->psn_no));
	cell_text(r, i, 1, p->pay_id, sizeof(p->pay_id));
	cell_text(r, i, 2, p->certno, sizeof(p->certno));
	cell_text(r, i, 3, p->psn_name, sizeof(p->psn_name));
	p->year = (int)cell_int(r, i, 4);
	p->amount = cell_int(r, i, 5);
	p->paid_time = cell_int(r, i, 6);
	cell_text(r, i, 7, p->channel, sizeof(p->channel));
	cell_text(r, i, 8, p->verdict, sizeof(p->verdict));
	p->due = cell_int(r, i, 9);
	p->enrol_year = (int)cell_int(r, i, 10);
	p->begndate = cell_date(r, i, 11);
	p->enddate = cell_date(r, i, 12);
	cell_text(r, i, 13, p->batch_id, sizeof(p->batch_id));
	p->line = (long)cell_int(r, i, 14);
}

int yb_tx_get_pay(yb_store_tx *tx, const char *pay_id, yb_pay_rec *out)
{
	yb_sqlv v[] = {T(pay_id)};
	return fetch_one(tx, "SELECT " PAY_COLS " FROM contrib_pay WHERE pay_id = $1", v, NV(v), pay_row, out, NULL);
}

int yb_tx_get_pays(yb_store_tx *tx, const char *psn_no, yb_pay_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, "SELECT " PAY_COLS " FROM contrib_pay WHERE psn_no = $1 ORDER BY paid_time, pay_id",
		     v, NV(v), pay_row, out, sizeof(*out), cap, n, "psn_no: payments");
}

int yb_tx_put_pay(yb_store_tx *tx, const yb_pay_rec *p)
{
	char b[12], e[12];
	yb_sqlv v[] = {T(p->psn_no), T(p->pay_id), T(p->certno), T(p->psn_name), I(p->year),
		       I(p->amount), I(p->paid_time), T(p->channel), T(p->verdict), I(p->due),
		       I(p->enrol_year), T(yb_store_date_text(b, p->begndate)), T(yb_store_date_text(e, p->enddate)),
		       T(p->batch_id), I(p->line)};
	return run(tx, "INSERT INTO contrib_pay(" PAY_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8,"
		   " $9, $10, $11, $12, $13, $14, $15)", v, NV(v), NULL, NULL);
}

int yb_tx_put_batch(yb_store_tx *tx, const yb_batch_rec *b, const char *report)
{
	yb_sqlv v[] = {T(b->batch_id), T(b->file), T(b->sha256), I(b->import_time), T(b->staff_id),
		       I(b->lines), I(b->recorded), T(report)};
	return run(tx, "INSERT INTO pay_batch(batch_id, file, sha256, import_time, staff_id, lines,"
		   " recorded, report) VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT(batch_id)"
		   " DO UPDATE SET lines = $6, recorded = $7, report = $8", v, NV(v), NULL, NULL);
}

int yb_tx_get_batch(yb_store_tx *tx, const char *batch_id, const char *sha256,
		    yb_batch_rec *out, yb_buf *report)
{
	yb_sqlv v[] = {T(batch_id ? batch_id : sha256)};
	res r;
	int rc;

	rc = run(tx, batch_id ? "SELECT batch_id, file, sha256, import_time, staff_id, lines, recorded,"
		 " report FROM pay_batch WHERE batch_id = $1"
		 : "SELECT batch_id, file, sha256, import_time, staff_id, lines, recorded, report"
		 " FROM pay_batch WHERE sha256 = $1 ORDER BY import_time, batch_id LIMIT 1",
		 v, NV(v), &r, NULL);
	if (rc < 0)
		return rc;
	if (!r.rows) {
		res_free(&r);
		return yb_error_set(YB_ENOTFOUND, "batch_id: no such import");
	}
	memset(out, 0, sizeof(*out));
	cell_text(&r, 0, 0, out->batch_id, sizeof(out->batch_id));
	cell_text(&r, 0, 1, out->file, sizeof(out->file));
	cell_text(&r, 0, 2, out->sha256, sizeof(out->sha256));
	out->import_time = cell_int(&r, 0, 3);
	cell_text(&r, 0, 4, out->staff_id, sizeof(out->staff_id));
	out->lines = (long)cell_int(&r, 0, 5);
	out->recorded = (long)cell_int(&r, 0, 6);
	if (report)
		yb_buf_puts(report, cell(&r, 0, 7));
	res_free(&r);
	return 0;
}

/* -------------------------------------------------- contribution months */

static const char *const month_status[] = {
	[YB_MONTH_STOPPED] = "stopped", [YB_MONTH_PAID] = "paid", [YB_MONTH_DUE] = "due",
	[YB_MONTH_ARREARS] = "arrears", [YB_MONTH_LATE_PAID] = "late_paid",
};

static void month_row(const res *r, size_t i, void *out)
{
	yb_month_rec *m = out;
	int k;

	m->month = cell_month(r, i, 0);
	m->status = YB_MONTH_STOPPED;
	for (k = 0; k <= YB_MONTH_LATE_PAID; k++)
		if (strcmp(cell(r, i, 1), month_status[k]) == 0)
			m->status = k;
	m->paid_date = cell_date(r, i, 2);
}

int yb_tx_get_months(yb_store_tx *tx, const char *psn_no, yb_month_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, "SELECT month, status, paid_date FROM contrib_month WHERE psn_no = $1 ORDER BY month",
		     v, NV(v), month_row, out, sizeof(*out), cap, n, "psn_no: contribution months");
}

int yb_tx_put_month(yb_store_tx *tx, const char *psn_no, const yb_month_rec *m, yb_datetime now)
{
	char mm[8], pd[12];
	yb_sqlv v[] = {T(psn_no), T(mtext(mm, m->month)),
		       T(m->status >= 0 && m->status <= YB_MONTH_LATE_PAID ? month_status[m->status] : "?"),
		       T(yb_store_date_text(pd, m->paid_date)), I(now)};
	return run(tx, "INSERT INTO contrib_month(psn_no, month, status, paid_date, upd_time)"
		   " VALUES($1, $2, $3, $4, $5) ON CONFLICT(psn_no, month) DO UPDATE SET status = $3,"
		   " paid_date = $4, upd_time = $5", v, NV(v), NULL, NULL);
}

/* ---------------------------------------------------------- retirement */

static void retire_row(const res *r, size_t i, void *out)
{
	yb_retire_rec *x = out;

	memset(x, 0, sizeof(*x));
	cell_text(r, i, 0, x->psn_no, sizeof(x->psn_no));
	x->apply_month = cell_month(r, i, 1);
	x->eligible = (int)cell_int(r, i, 2);
	x->missing_months = (int)cell_int(r, i, 3);
	x->topup_amount = cell_int(r, i, 4);
	x->retired_from = cell_month(r, i, 5);
	x->appl_time = cell_int(r, i, 6);
	cell_text(r, i, 7, x->staff_id, sizeof(x->staff_id));
}

int yb_tx_get_retires(yb_store_tx *tx, const char *psn_no, yb_retire_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, "SELECT psn_no, apply_month, eligible, missing_months, topup_amount, retired_from,"
		     " appl_time, staff_id FROM retire_appl WHERE psn_no = $1 ORDER BY apply_month",
		     v, NV(v), retire_row, out, sizeof(*out), cap, n, NULL);
}

int yb_tx_put_retire(yb_store_tx *tx, const yb_retire_rec *x)
{
	char am[8], rf[8];
	yb_sqlv v[] = {T(x->psn_no), T(mtext(am, x->apply_month)), I(x->eligible), I(x->missing_months),
		       I(x->topup_amount), T(mtext(rf, x->retired_from)), I(x->appl_time), T(x->staff_id)};
	return run(tx, "INSERT INTO retire_appl(psn_no, apply_month, eligible, missing_months,"
		   " topup_amount, retired_from, appl_time, staff_id) VALUES($1, $2, $3, $4, $5, $6, $7, $8)"
		   " ON CONFLICT(psn_no, apply_month) DO UPDATE SET eligible = $3, missing_months = $4,"
		   " topup_amount = $5, retired_from = $6, appl_time = $7, staff_id = $8",
		   v, NV(v), NULL, NULL);
}

/* ------------------------------------------------------- remote care */

#define REMOTE_COLS "psn_no, type, admdvs, begndate, enddate, reg_id, channel, applied, done," \
	" cancelled, staff_id"

static void remote_row(const res *r, size_t i, void *out)
{
	yb_remote_rec *x = out;
	memset(x, 0, sizeof(*x));
	cell_text(r, i, 0, x->reg.psn_no, sizeof(x->reg.psn_no));
	snprintf(x->reg.kind, sizeof(x->reg.kind), "remote");
	cell_text(r, i, 1, x->reg.type, sizeof(x->reg.type));
	cell_text(r, i, 2, x->reg.admdvs, sizeof(x->reg.admdvs));
	x->reg.begndate = cell_date(r, i, 3);
	x->reg.enddate = cell_date(r, i, 4);
	cell_text(r, i, 5, x->reg_id, sizeof(x->reg_id));
	cell_text(r, i, 6, x->channel, sizeof(x->channel));
	x->applied = cell_int(r, i, 7);
	x->done = cell_int(r, i, 8);
	x->cancelled = cell_int(r, i, 9);
	cell_text(r, i, 10, x->staff_id, sizeof(x->staff_id));
}

int yb_tx_put_remote(yb_store_tx *tx, const yb_remote_rec *x)
{
	char b[12], e[12];
	yb_sqlv v[] = {T(x->reg.psn_no), T(x->reg.type), T(x->reg.admdvs), T(yb_store_date_text(b, x->reg.begndate)),
		       T(yb_store_date_text(e, x->reg.enddate)), T(x->reg_id), T(x->channel), I(x->applied), I(x->done),
		       I(x->cancelled), T(x->staff_id)};
	return run(tx, "INSERT INTO psn_reg(psn_no, kind, type, admdvs, begndate, enddate, reg_id,"
		   " channel, applied, done, cancelled, staff_id) VALUES($1, 'remote', $2, $3, $4, $5, $6,"
		   " $7, $8, $9, $10, $11)", v, NV(v), NULL, NULL);
}

int yb_tx_get_remotes(yb_store_tx *tx, const char *psn_no, yb_remote_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, "SELECT " REMOTE_COLS " FROM psn_reg WHERE psn_no = $1 AND kind = 'remote'"
		     " ORDER BY begndate, type, admdvs", v, NV(v), remote_row, out, sizeof(*out), cap, n, NULL);
}

int yb_tx_get_remote(yb_store_tx *tx, const char *reg_id, yb_remote_rec *out)
{
	yb_sqlv v[] = {T(reg_id)};

	if (!reg_id[0])
		return yb_error_set(YB_ENOTFOUND, "reg_id: no such registration");
	return fetch_one(tx, "SELECT " REMOTE_COLS " FROM psn_reg WHERE reg_id = $1 AND kind = 'remote'",
			 v, NV(v), remote_row, out, "reg_id: no such registration");
}

int yb_tx_end_remote(yb_store_tx *tx, const char *psn_no, const char *reg_id, yb_date enddate,
		     yb_datetime cancelled)
{
	char e[12];
	yb_sqlv v[] = {T(psn_no), T(reg_id), T(yb_store_date_text(e, enddate)), I(cancelled)};
	return run_one(tx, "UPDATE psn_reg SET enddate = $3, cancelled = $4 WHERE psn_no = $1"
		       " AND kind = 'remote' AND reg_id = $2", v, NV(v), YB_ENOTFOUND,
		       "reg_id: no such registration");
}

/* ---------------------------------------------------- chronic disease */

#define CHRONIC_COLS "psn_no, appl_id, dise_codg, applied, channel, result, decided, experts," \
	" appl_time, staff_id, decided_by"
static const char *const chronic_result[] = {"pending", "confirmed", "refused"};

static void chronic_row(const res *r, size_t i, void *out)
{
	yb_chronic_rec *x = out;
	int k;

	memset(x, 0, sizeof(*x));
	cell_text(r, i, 0, x->psn_no, sizeof(x->psn_no));
	cell_text(r, i, 1, x->appl_id, sizeof(x->appl_id));
	cell_text(r, i, 2, x->dise_codg, sizeof(x->dise_codg));
	x->applied = cell_date(r, i, 3);
	cell_text(r, i, 4, x->channel, sizeof(x->channel));
	for (k = 0; k < 3; k++)
		if (strcmp(cell(r, i, 5), chronic_result[k]) == 0)
			x->result = k;
	x->decided = cell_date(r, i, 6);
	cell_text(r, i, 7, x->experts, sizeof(x->experts));
	x->appl_time = cell_int(r, i, 8);
	cell_text(r, i, 9, x->staff_id, sizeof(x->staff_id));
	cell_text(r, i, 10, x->decided_by, sizeof(x->decided_by));
}

int yb_tx_put_chronic(yb_store_tx *tx, const yb_chronic_rec *x)
{
	char a[12], d[12];
	yb_sqlv v[] = {T(x->psn_no), T(x->appl_id), T(x->dise_codg), T(yb_store_date_text(a, x->applied)),
		       T(x->channel), T(chronic_result[x->result >= 0 && x->result < 3 ? x->result : 0]),
		       T(yb_store_date_text(d, x->decided)), T(x->experts), I(x->appl_time), T(x->staff_id),
		       T(x->decided_by)};
	return run(tx, "INSERT INTO chronic_appl(" CHRONIC_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7,"
		   " $8, $9, $10, $11) ON CONFLICT(psn_no, appl_id) DO UPDATE SET result = $6,"
		   " decided = $7, experts = $8, decided_by = $11", v, NV(v), NULL, NULL);
}

int yb_tx_get_chronic(yb_store_tx *tx, const char *appl_id, yb_chronic_rec *out)
{
	yb_sqlv v[] = {T(appl_id)};
	return fetch_one(tx, "SELECT " CHRONIC_COLS " FROM chronic_appl WHERE appl_id = $1", v, NV(v),
			 chronic_row, out, "appl_id: no such application");
}

int yb_tx_get_chronics(yb_store_tx *tx, const char *psn_no, yb_chronic_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, "SELECT " CHRONIC_COLS " FROM chronic_appl WHERE psn_no = $1 ORDER BY applied, appl_id",
		     v, NV(v), chronic_row, out, sizeof(*out), cap, n, NULL);
}

/* ------------------------------------------------------------ bindings */

static void bind_row(const res *r, size_t i, void *out)
{
	yb_bind_rec *b = out;

	memset(b, 0, sizeof(*b));
	cell_text(r, i, 0, b->bound_psn_no, sizeof(b->bound_psn_no));
	cell_text(r, i, 1, b->initiator_psn_no, sizeof(b->initiator_psn_no));
	b->bind_time = cell_int(r, i, 2);
	b->unbind_time = cell_int(r, i, 3);
	cell_text(r, i, 4, b->relation, sizeof(b->relation));
	cell_text(r, i, 5, b->staff_id, sizeof(b->staff_id));
}

#define BIND_COLS "bound_psn_no, initiator_psn_no, bind_time, unbind_time, relation, staff_id"

int yb_tx_get_binds(yb_store_tx *tx, const char *psn_no, int by_initiator,
		    yb_bind_rec *out, size_t cap, size_t *n)
{
	yb_sqlv v[] = {T(psn_no)};
	return fetch(tx, by_initiator
		     ? "SELECT " BIND_COLS " FROM mulaid WHERE initiator_psn_no = $1 ORDER BY bind_time, bound_psn_no"
		     : "SELECT " BIND_COLS " FROM mulaid WHERE bound_psn_no = $1 ORDER BY bind_time, initiator_psn_no",
		     v, NV(v), bind_row, out, sizeof(*out), cap, n, "psn_no: bindings");
}

int yb_tx_put_bind(yb_store_tx *tx, const yb_bind_rec *b)
{
	yb_sqlv v[] = {T(b->bound_psn_no), T(b->initiator_psn_no), I(b->bind_time), I(b->unbind_time),
		       T(b->relation), T(b->staff_id)};
	return run(tx, "INSERT INTO mulaid(bound_psn_no, initiator_psn_no, bind_time, unbind_time,"
		   " relation, staff_id) VALUES($1, $2, $3, $4, $5, $6)", v, NV(v), NULL, NULL);
}

int yb_tx_unbind(yb_store_tx *tx, const char *bound_psn_no, const char *initiator_psn_no,
		 yb_datetime when)
{
	yb_sqlv v[] = {T(bound_psn_no), T(initiator_psn_no), I(when)};
	return run_one(tx, "UPDATE mulaid SET unbind_time = $3 WHERE bound_psn_no = $1"
		       " AND initiator_psn_no = $2 AND unbind_time = 0", v, NV(v), YB_ENOTFOUND,
		       "psn_no: not bound to this initiator");
}

/* --------------------------------------------------------------- staff */

static void staff_row(const res *r, size_t i, void *out)
{
	yb_staff_rec *s = out;
	memset(s, 0, sizeof(*s));
	cell_text(r, i, 0, s->staff_id, sizeof(s->staff_id));
	cell_text(r, i, 1, s->role, sizeof(s->role));
	cell_text(r, i, 2, s->pw_hash, sizeof(s->pw_hash));
	s->disabled = (int)cell_int(r, i, 3);
	s->created = cell_int(r, i, 4);
	cell_text(r, i, 5, s->created_by, sizeof(s->created_by));
}

#define STAFF_COLS "staff_id, role, pw_hash, disabled, created, created_by"

int yb_tx_get_staff(yb_store_tx *tx, const char *staff_id, yb_staff_rec *out)
{
	yb_sqlv v[] = {T(staff_id)};
	return fetch_one(tx, "SELECT " STAFF_COLS " FROM staff WHERE staff_id = $1", v, NV(v), staff_row, out,
			 "staff_id: no such staff account");
}

int yb_tx_put_staff(yb_store_tx *tx, const yb_staff_rec *s, int create)
{
	yb_sqlv v[] = {T(s->staff_id), T(s->role), T(s->pw_hash), I(s->disabled), I(s->created),
		       T(s->created_by)};
	long changes = 0;
	int rc;

	if (!create) /* created and created_by never change */
		return run_one(tx, "UPDATE staff SET role = $2, pw_hash = $3, disabled = $4"
			       " WHERE staff_id = $1", v, 4, YB_ENOTFOUND, "staff_id: no such staff account");
	if ((rc = run(tx, "INSERT INTO staff(staff_id, role, pw_hash, disabled, created, created_by)"
		      " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(staff_id) DO NOTHING",
		      v, NV(v), NULL, &changes)) < 0)
		return rc;
	return changes == 1 ? 0 : yb_error_set(YB_EEXISTS, "staff_id: %s exists", s->staff_id);
}

int yb_tx_each_staff(yb_store_tx *tx, int (*fn)(const yb_staff_rec *, void *), void *arg)
{
	yb_staff_rec s;
	res r;
	size_t i;
	int rc;

	if ((rc = run(tx, "SELECT " STAFF_COLS " FROM staff ORDER BY staff_id", NULL, 0, &r, NULL)) < 0)
		return rc;
	for (i = 0; i < r.rows && rc >= 0; i++) {
		staff_row(&r, i, &s);
		rc = fn(&s, arg);
	}
	res_free(&r);
	return rc < 0 ? rc : 0;
}

int yb_tx_put_session(yb_store_tx *tx, const yb_session_rec *s)
{
	yb_sqlv v[] = {T(s->token_hash), T(s->staff_id), I(s->created), I(s->expires),
		       I(s->last_used), I(s->ended)};
	return run(tx, "INSERT INTO staff_session(token_hash, staff_id, created, expires, last_used,"
		   " ended) VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(token_hash) DO UPDATE SET"
		   " last_used = $5, ended = $6", v, NV(v), NULL, NULL);
}

static void session_row(const res *r, size_t i, void *out)
{
	yb_session_rec *x = out;

	memset(x, 0, sizeof(*x));
	cell_text(r, i, 0, x->token_hash, sizeof(x->token_hash));
	cell_text(r, i, 1, x->staff_id, sizeof(x->staff_id));
	x->created = cell_int(r, i, 2);
	x->expires = cell_int(r, i, 3);
	x->last_used = cell_int(r, i, 4);
	x->ended = cell_int(r, i, 5);
}

int yb_tx_get_session(yb_store_tx *tx, const char *token_hash, yb_session_rec *out)
{
	yb_sqlv v[] = {T(token_hash)};
	return fetch_one(tx, "SELECT token_hash, staff_id, created, expires, last_used, ended"
			 " FROM staff_session WHERE token_hash = $1", v, NV(v), session_row, out, NULL);
}

int yb_tx_end_sessions(yb_store_tx *tx, const char *staff_id, yb_datetime when)
{
	yb_sqlv v[] = {T(staff_id), I(when)};
	return run(tx, "UPDATE staff_session SET ended = $2 WHERE staff_id = $1 AND ended = 0",
		   v, NV(v), NULL, NULL);
}

/* ------------------------------------------------------ the audit log */

/* ------------------------------------------------------ the chain's key */

#define AUDIT_KEY_MAX 256

static unsigned char audit_key[AUDIT_KEY_MAX];
static size_t audit_key_len;

int yb_audit_key_load(const char *path)
{
	FILE *f;
	size_t n;

	if (!path || !*path)
		path = getenv("YIBAO_AUDIT_KEY_FILE");
	if (!path || !*path)
		return 0;
	if (!(f = fopen(path, "rb")))
		return yb_error_set(YB_EINVALID, "--audit-key: cannot open %s", path);
	n = fread(audit_key, 1, sizeof(audit_key), f);
	fclose(f);
	if (n < 16) {
		audit_key_len = 0;
		return yb_error_set(YB_EINVALID, "--audit-key: %s holds fewer than 16 bytes", path);
	}
	audit_key_len = n;
	return 0;
}

int yb_audit_keyed(void)
{
	return audit_key_len > 0;
}

/* The fields of a row, each length-prefixed, as the hash reads them. */
static void row_text(yb_buf *b, const yb_audit_rec *r)
{
	const char *f[9];
	char num[2][24];
	size_t i;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)r->seq);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)r->rec_time);
	f[0] = r->prev_hash, f[1] = num[0], f[2] = num[1], f[3] = r->staff_id, f[4] = r->action;
	f[5] = r->object, f[6] = r->before, f[7] = r->after, f[8] = r->request_id;
	for (i = 0; i < 9; i++) {
		size_t n = f[i] ? strlen(f[i]) : 0;
		yb_buf_printf(b, "%zu:", n);
		if (n)
			yb_buf_put(b, f[i], n);
	}
}

/* keyed: "k:" and 62 hex digits of HMAC-SHA256; else 64 of SHA-256. */
static void hash_row(char out[65], const yb_audit_rec *r, int keyed)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i, k = 0;
	yb_buf b = YB_BUF_INIT;

	out[0] = '\0';
	row_text(&b, r);
	if (b.oom ||
	    (keyed ? !HMAC(EVP_sha256(), audit_key, (int)audit_key_len, (const unsigned char *)b.ptr, b.len, md, &n)
		   : EVP_Digest(b.ptr, b.len, md, &n, EVP_sha256(), NULL) != 1)) {
		yb_buf_free(&b);
		return;
	}
	yb_buf_free(&b);
	if (keyed) {
		out[k++] = 'k';
		out[k++] = ':';
	}
	for (i = 0; i < n && k + 2 < 65; i++) {
		out[k++] = hex[md[i] >> 4];
		out[k++] = hex[md[i] & 15];
	}
	out[k] = '\0';
}

void yb_audit_hash(char out[65], const yb_audit_rec *r)
{
	hash_row(out, r, yb_audit_keyed());
}

const char *yb_audit_check_row(yb_audit_walk *w, const yb_audit_rec *r)
{
	yb_audit_rec x = *r;
	int keyed = strncmp(r->hash, "k:", 2) == 0;
	const char *problem = NULL;
	char h[65];

	if (r->seq != w->expect)
		problem = "follows a gap in the sequence";
	else if (strcmp(r->prev_hash, w->prev) != 0)
		problem = "has a prev_hash that is not the previous row's hash";
	else if (!keyed && w->keyed_seen)
		problem = "is unkeyed after keyed rows: the chain was rewritten from here";
	else if (keyed && !yb_audit_keyed())
		w->unverified++;
	else {
		snprintf(x.prev_hash, sizeof(x.prev_hash), "%s", w->prev);
		hash_row(h, &x, keyed);
		if (strcmp(h, r->hash) != 0)
			problem = "does not hash to its stored hash: changed after it was written";
	}
	w->keyed_seen |= keyed;
	snprintf(w->prev, sizeof(w->prev), "%s", r->hash);
	w->expect = r->seq + 1;
	return problem;
}

int yb_tx_audit_lock(yb_store_tx *tx)
{
	return run_one(tx, "UPDATE audit_head SET seq = seq WHERE id = 1", NULL, 0, YB_ERROR,
		       "audit_head: missing (the audit log's head row)");
}

int yb_tx_audit(yb_store_tx *tx, yb_audit_rec *a)
{
	res r;
	int rc;

	/* the head, locked by the UPDATE of yb_tx_audit_lock (note 2) */
	if ((rc = yb_tx_audit_lock(tx)) < 0 ||
	    (rc = run(tx, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r, NULL)) < 0)
		return rc;
	a->seq = cell_int(&r, 0, 0) + 1;
	cell_text(&r, 0, 1, a->prev_hash, sizeof(a->prev_hash));
	res_free(&r);
	/* a keyed log takes keyed rows only: an unkeyed one would read as the
	 * chain rewritten (yb_audit_check_row) */
	if (strncmp(a->prev_hash, "k:", 2) == 0 && !yb_audit_keyed())
		return yb_error_set(YB_EREFUSED, "audit: the log is keyed; give its key (--audit-key FILE or"
				    " $YIBAO_AUDIT_KEY_FILE)");
	if (!a->before)
		a->before = "null";
	if (!a->after)
		a->after = "null";
	yb_audit_hash(a->hash, a);
	if (!a->hash[0])
		return yb_error_set(YB_ERROR, "audit: SHA-256 unavailable");
	{
		yb_sqlv v[] = {I(a->seq), I(a->rec_time), T(a->staff_id), T(a->action), T(a->object),
			       T(a->before), T(a->after), T(a->request_id), T(a->prev_hash), T(a->hash)};
		if ((rc = run(tx, "INSERT INTO audit_log(seq, rec_time, staff_id, action, object,"
			      " before_json, after_json, request_id, prev_hash, hash) VALUES($1, $2, $3,"
			      " $4, $5, $6, $7, $8, $9, $10)", v, NV(v), NULL, NULL)) < 0)
			return rc;
	}
	{
		yb_sqlv v[] = {I(a->seq), T(a->hash)};
		return run_one(tx, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", v, NV(v),
			       YB_ERROR, "audit_head: missing");
	}
}

static void audit_row(const res *r, size_t i, void *out)
{
	yb_audit_rec *a = out;
	memset(a, 0, sizeof(*a));
	a->seq = cell_int(r, i, 0);
	a->rec_time = cell_int(r, i, 1);
	cell_text(r, i, 2, a->staff_id, sizeof(a->staff_id));
	cell_text(r, i, 3, a->action, sizeof(a->action));
	cell_text(r, i, 4, a->object, sizeof(a->object));
	a->before = cell(r, i, 5);
	a->after = cell(r, i, 6);
	cell_text(r, i, 7, a->request_id, sizeof(a->request_id));
	cell_text(r, i, 8, a->prev_hash, sizeof(a->prev_hash));
	cell_text(r, i, 9, a->hash, sizeof(a->hash));
}

#define AUDIT_COLS "seq, rec_time, staff_id, action, object, before_json, after_json," \
	" request_id, prev_hash, hash"

int yb_tx_each_audit(yb_store_tx *tx, int64_t from, long limit,
		     int (*fn)(const yb_audit_rec *, void *), void *arg)
{
	yb_sqlv v[] = {I(from), I(limit)};
	yb_audit_rec a;
	res r;
	size_t i;
	int rc;

	if ((rc = run(tx, "SELECT " AUDIT_COLS " FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
		      v, NV(v), &r, NULL)) < 0)
		return rc;
	for (i = 0; i < r.rows && rc >= 0; i++) {
		audit_row(&r, i, &a);
		rc = fn(&a, arg);
	}
	res_free(&r);
	return rc < 0 ? rc : 0;
}

/* --------------------------------------------- accounts, settlements */

int yb_tx_get_acct(yb_store_tx *tx, const char *psn_no, yb_acct_info *out)
{
	yb_sqlv v[] = {T(psn_no)};
	res r;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = run(tx, "SELECT a.opening_balc, a.balc, (SELECT count(*) FROM acct_mov m"
		      " WHERE m.psn_no = a.psn_no) FROM acct a WHERE a.psn_no = $1", v, NV(v), &r, NULL)) < 0)
		return rc;
	if (r.rows) {
		out->exists = 1;
		out->opening_balc = cell_int(&r, 0, 0);
		out->balc = cell_int(&r, 0, 1);
		out->movements = (long)cell_int(&r, 0, 2);
	}
	res_free(&r);
	return 0;
}

int yb_tx_each_psn_setl(yb_store_tx *tx, const char *psn_no,
			int (*fn)(const yb_setl_row *, int cancelled, void *), void *arg)
{
	static const int amt[] = {YB_A_MEDFEE_SUMAMT, YB_A_FUND_PAY_SUMAMT, YB_A_HIFP_PAY,
				  YB_A_ACCT_PAY, YB_A_ACCT_MULAID_PAY, YB_A_PSN_CASH_PAY};
	yb_sqlv v[] = {T(psn_no)};
	yb_setl_row s;
	res r;
	size_t i, k;
	int rc;

	if ((rc = run(tx, "SELECT setl_id, mdtrt_id, fixmedins_code, msgid, refd_setl_id, insutype,"
		      " med_type, setl_time, year, pol_ver, mid_setl, cancelled, medfee_sumamt,"
		      " fund_pay_sumamt, hifp_pay, acct_pay, acct_mulaid_pay, psn_cash_pay, balc"
		      " FROM setl WHERE psn_no = $1 ORDER BY seq", v, NV(v), &r, NULL)) < 0)
		return rc;
	for (i = 0; i < r.rows && rc >= 0; i++) {
		memset(&s, 0, sizeof(s));
		snprintf(s.psn_no, sizeof(s.psn_no), "%s", psn_no);
		cell_text(&r, i, 0, s.setl_id, sizeof(s.setl_id));
		cell_text(&r, i, 1, s.mdtrt_id, sizeof(s.mdtrt_id));
		cell_text(&r, i, 2, s.fixmedins_code, sizeof(s.fixmedins_code));
		cell_text(&r, i, 3, s.msgid, sizeof(s.msgid));
		cell_text(&r, i, 4, s.refd_setl_id, sizeof(s.refd_setl_id));
		s.insutype = (int)cell_int(&r, i, 5);
		s.med_type = (int)cell_int(&r, i, 6);
		s.setl_time = cell_int(&r, i, 7);
		s.year = (int)cell_int(&r, i, 8);
		cell_text(&r, i, 9, s.pol_ver, sizeof(s.pol_ver));
		s.mid_setl = (int)cell_int(&r, i, 10);
		for (k = 0; k < sizeof(amt) / sizeof(amt[0]); k++)
			s.amt[amt[k]] = cell_int(&r, i, 12 + (int)k);
		s.balc = cell_int(&r, i, 18);
		rc = fn(&s, (int)cell_int(&r, i, 11), arg);
	}
	res_free(&r);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------- the checks */

/* Each query returns rows that break an invariant: (what, detail). The
 * same text runs on both backends. */
static const struct {
	const char *name;
	const char *sql;
} checks[] = {
	{"audit log: seq does not follow the previous row (a gap or a repeat)",
	 "SELECT CAST(a.seq AS text), a.seq FROM audit_log a WHERE a.seq > 1 AND NOT EXISTS"
	 " (SELECT 1 FROM audit_log b WHERE b.seq = a.seq - 1)"},
	{"audit log: does not start at 1",
	 "SELECT 'first seq', m FROM (SELECT min(seq) AS m FROM audit_log) f WHERE m <> 1"},
	{"audit log: the head is not the last row",
	 "SELECT 'head seq ' || CAST(h.seq AS text), h.seq FROM audit_head h WHERE h.seq <>"
	 " (SELECT coalesce(max(seq), 0) FROM audit_log) OR h.hash <> coalesce((SELECT hash"
	 " FROM audit_log WHERE seq = h.seq), '')"},
	{"audit log: prev_hash is not the previous row's hash",
	 "SELECT CAST(a.seq AS text), a.seq FROM audit_log a JOIN audit_log b ON b.seq = a.seq - 1"
	 " WHERE a.prev_hash <> b.hash"},
	{"audit log: the first row has a prev_hash",
	 "SELECT '1', seq FROM audit_log WHERE seq = 1 AND prev_hash <> ''"},
	{"coverage without its matched payment (N3)",
	 "SELECT i.psn_no || ' ' || i.begndate || ' ' || i.pay_id, 0 FROM psn_insu i WHERE i.pay_id <> ''"
	 " AND NOT EXISTS (SELECT 1 FROM contrib_pay p WHERE p.psn_no = i.psn_no AND p.pay_id = i.pay_id"
	 " AND p.verdict = 'matched' AND p.begndate = i.begndate AND p.enddate = i.enddate)"},
	{"matched payment without its coverage (N3)",
	 "SELECT p.psn_no || ' ' || p.pay_id, p.amount FROM contrib_pay p WHERE p.verdict = 'matched'"
	 " AND NOT EXISTS (SELECT 1 FROM psn_insu i WHERE i.psn_no = p.psn_no AND i.pay_id = p.pay_id"
	 " AND i.begndate = p.begndate AND i.enddate = p.enddate AND i.psn_insu_stas = 1)"},
	{"enrolment covered without a matched payment for its year (N3)",
	 "SELECT e.psn_no || ' ' || CAST(e.year AS text), e.year FROM resident_enrol e WHERE e.status = 'covered'"
	 " AND NOT EXISTS (SELECT 1 FROM contrib_pay p WHERE p.psn_no = e.psn_no AND p.year = e.year"
	 " AND p.verdict = 'matched')"},
	{"payment of a negative amount",
	 "SELECT psn_no || ' ' || pay_id, amount FROM contrib_pay WHERE amount < 0"},
	{"payment without its import batch",
	 "SELECT p.psn_no || ' ' || p.pay_id, 0 FROM contrib_pay p WHERE NOT EXISTS"
	 " (SELECT 1 FROM pay_batch b WHERE b.batch_id = p.batch_id)"},
	{"initiator with more than 7 active bindings (A1)",
	 "SELECT initiator_psn_no, count(*) FROM mulaid WHERE unbind_time = 0"
	 " GROUP BY initiator_psn_no HAVING count(*) > 7"},
	{"binding ended before it began",
	 "SELECT bound_psn_no || ' ' || initiator_psn_no, unbind_time FROM mulaid"
	 " WHERE unbind_time <> 0 AND unbind_time < bind_time"},
	{"chronic-disease decision without its day, or a pending one with a day (CD6)",
	 "SELECT psn_no || ' ' || appl_id, 0 FROM chronic_appl WHERE (result = 'pending') <> (decided = '')"},
	{"late-paid month without its payment day (OE5)",
	 "SELECT psn_no || ' ' || month, 0 FROM contrib_month WHERE (status = 'late_paid') <> (paid_date <> '')"},
	{"remote-care registration ending before it begins (N7)",
	 "SELECT psn_no || ' ' || reg_id, 0 FROM psn_reg WHERE kind = 'remote' AND enddate < begndate"},
	{"session of an unknown staff account",
	 "SELECT s.staff_id, 0 FROM staff_session s WHERE NOT EXISTS (SELECT 1 FROM staff t"
	 " WHERE t.staff_id = s.staff_id)"},
};

typedef struct chain_ck {
	void (*fn)(const char *, void *);
	void *arg;
	yb_audit_walk w;
	long bad;
} chain_ck;

static void staff_vs_chain(yb_store_tx *tx, chain_ck *c);

static int check_row(const yb_audit_rec *a, void *arg)
{
	chain_ck *c = arg;
	const char *problem = yb_audit_check_row(&c->w, a);
	char msg[256];

	if (problem && c->bad++ < 100) {
		snprintf(msg, sizeof(msg), "audit log: row %lld %s (%.12s...)", (long long)a->seq, problem,
			 a->hash);
		c->fn(msg, c->arg);
	}
	return 0;
}

int yb_store_enrol_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg)
{
	chain_ck c;
	int64_t from = 1, seen;
	size_t i, k;
	res r;
	int rc;

	memset(&c, 0, sizeof(c));
	c.fn = fn;
	c.arg = arg;
	c.w.expect = 1;
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if ((rc = run(tx, checks[i].sql, NULL, 0, &r, NULL)) < 0)
			return yb_error_prefix(rc, "%s", checks[i].name);
		for (k = 0; k < r.rows; k++) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s: %s (%lld)", checks[i].name, cell(&r, k, 0),
				 (long long)cell_int(&r, k, 1));
			fn(msg, arg);
		}
		res_free(&r);
	}
	/* the chain, recomputed row by row (note 1), 10,000 rows at a time */
	do {
		yb_sqlv v[] = {I(from)};
		if ((rc = run(tx, "SELECT " AUDIT_COLS " FROM audit_log WHERE seq >= $1 ORDER BY seq"
			      " LIMIT 10000", v, NV(v), &r, NULL)) < 0)
			return yb_error_prefix(rc, "audit log");
		seen = (int64_t)r.rows;
		for (k = 0; k < r.rows; k++) {
			yb_audit_rec a;
			audit_row(&r, k, &a);
			check_row(&a, &c);
			from = a.seq + 1;
		}
		res_free(&r);
	} while (seen == 10000);
	staff_vs_chain(tx, &c);
	return 0;
}

/* ------------------------------------------------ staff against the chain */

/* The state a staff row must have: the last record of a change to it
 * (staff.create, staff.disable; not a login). */
static void staff_vs_chain(yb_store_tx *tx, chain_ck *c)
{
	res r;
	size_t k;

	if (run(tx, "SELECT s.staff_id, s.role, s.disabled, coalesce((SELECT a.after_json FROM audit_log a"
		" WHERE a.object = 'staff:' || s.staff_id AND a.action LIKE 'staff.%' ORDER BY a.seq DESC"
		" LIMIT 1), '')"
		" FROM staff s ORDER BY s.staff_id", NULL, 0, &r, NULL) < 0)
		return;
	for (k = 0; k < r.rows; k++) {
		const char *after = cell(&r, k, 3);
		char role[64], disabled[32], msg[256];
		snprintf(role, sizeof(role), "\"role\":\"%s\"", cell(&r, k, 1));
		snprintf(disabled, sizeof(disabled), "\"disabled\":%s", cell_int(&r, k, 2) ? "true" : "false");
		if (!*after)
			snprintf(msg, sizeof(msg), "staff %s: no audit record made this account", cell(&r, k, 0));
		else if (!strstr(after, role) || !strstr(after, disabled))
			snprintf(msg, sizeof(msg), "staff %s: role %s%s is not what the audit log last recorded:"
				 " changed outside the administration", cell(&r, k, 0), cell(&r, k, 1),
				 cell_int(&r, k, 2) ? " (disabled)" : "");
		else
			continue;
		c->fn(msg, c->arg);
	}
	res_free(&r);
}

/* ------------------------------------------------------- the anchor file */

typedef struct anchor_job {
	const char *path;
	void (*fn)(const char *, void *);
	void *arg;
	long bad;
	int64_t head_seq;
	char head_hash[65];
} anchor_job;

static void anchor_problem(anchor_job *j, const char *fmt, long long seq)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, seq, j->path);
	j->fn(msg, j->arg);
	j->bad++;
}

static int anchor_work(yb_store_tx *tx, void *arg)
{
	anchor_job *j = arg;
	char line[256], hash[80];
	long long seq;
	FILE *f;
	res r;
	int rc;

	if ((rc = run(tx, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r, NULL)) < 0)
		return rc;
	j->head_seq = r.rows ? cell_int(&r, 0, 0) : 0;
	snprintf(j->head_hash, sizeof(j->head_hash), "%s", r.rows ? cell(&r, 0, 1) : "");
	res_free(&r);
	if (!(f = fopen(j->path, "r")))
		return 0; /* a first anchor */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lld %79s", &seq, hash) != 2)
			continue;
		if (seq > j->head_seq) {
			anchor_problem(j, "audit anchor: row %lld of %s is gone: the log was cut back", seq);
			continue;
		}
		{
			yb_sqlv v[] = {I(seq)};
			if ((rc = run(tx, "SELECT hash FROM audit_log WHERE seq = $1", v, NV(v), &r, NULL)) < 0)
				break;
			if (!r.rows)
				anchor_problem(j, "audit anchor: row %lld of %s is gone", seq);
			else if (strcmp(cell(&r, 0, 0), hash) != 0)
				anchor_problem(j, "audit anchor: row %lld has another hash than %s keeps: rewritten", seq);
			res_free(&r);
		}
	}
	fclose(f);
	return rc < 0 ? rc : 0;
}

int yb_store_audit_anchor(yb_store *st, const char *path,
			  void (*fn)(const char *msg, void *arg), void *arg, long *bad)
{
	anchor_job j = {path, fn, arg, 0, 0, ""};
	char when[24];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	int rc;

	*bad = 0;
	if ((rc = yb_store_read(st, anchor_work, &j)) < 0)
		return rc;
	*bad = j.bad;
	if (j.bad || j.head_seq == 0)
		return 0; /* a broken log is not anchored again */
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (!(f = fopen(path, "a")))
		return yb_error_set(YB_ERROR, "--audit-anchor: cannot append to %s", path);
	fprintf(f, "%lld %s %s\n", (long long)j.head_seq, j.head_hash, when);
	if (fclose(f) != 0)
		return yb_error_set(YB_ERROR, "--audit-anchor: cannot write %s", path);
	return 0;
}
