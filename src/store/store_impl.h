/* Internal: what a backend provides to store.c. store.c owns threads and
 * group commit; a backend owns connections, SQL and the schema. */
#ifndef YB_STORE_IMPL_H
#define YB_STORE_IMPL_H

#include "yibao/buf.h"
#include "yibao/store.h"

typedef struct yb_backend yb_backend; /* a backend's store-wide state */
typedef struct yb_conn yb_conn;       /* one connection of a backend */

typedef struct yb_store_ops {
	const char *name;
	int (*open)(yb_backend **out, const char *url, int *n_writers);
	void (*close)(yb_backend *b);
	int (*conn_open)(yb_backend *b, yb_conn **out, int writer);
	void (*conn_close)(yb_conn *c);
	/* transaction control on a connection */
	int (*begin)(yb_conn *c, int mode); /* YB_TX_READ, YB_TX_WRITE */
	int (*commit)(yb_conn *c);
	int (*rollback)(yb_conn *c);
	int (*savepoint)(yb_conn *c);
	int (*release)(yb_conn *c);
	int (*rollback_to)(yb_conn *c);
	/* operations: the yb_tx_* functions of store.h */
	int (*put_fixmedins)(yb_conn *c, const yb_fixmedins_rec *r);
	int (*put_psn)(yb_conn *c, const yb_psn_rec *r);
	int (*put_mulaid)(yb_conn *c, const yb_mulaid_rec *r);
	int (*put_catalogue)(yb_conn *c, const yb_cat_item *it);
	int (*get_fixmedins)(yb_conn *c, const char *code, yb_fixmedins_rec *out);
	int (*get_psn)(yb_conn *c, const char *psn_no, const char *certno, yb_date on, yb_psn_rec *out);
	int (*get_mulaid)(yb_conn *c, const char *psn_no, yb_mulaid_row *out, size_t *n);
	int (*get_accums)(yb_conn *c, const char *psn_no, int year, yb_accum_row *out, int *n);
	int (*next_setl_id)(yb_conn *c, char out[YB_ID_MAX]);
	int (*put_settlement)(yb_conn *c, const yb_setl_row *r);
	int (*get_settlement)(yb_conn *c, const char *setl_id, yb_setl_stored *out);
	int (*mark_cancelled)(yb_conn *c, const char *psn_no, const char *setl_id);
	int (*each_catalogue)(yb_conn *c, int (*fn)(const yb_cat_item *, void *), void *arg);
	int (*check)(yb_conn *c, void (*fn)(const char *, void *), void *arg, long *checked);
} yb_store_ops;

/* The operations of migration 3 (visits, fee lines, registrations, the
 * richer idempotency record), in a table of their own so that a backend
 * adds them without touching its first table. */
typedef struct yb_store_visit_ops {
	int (*put_psn_reg)(yb_conn *c, const yb_psn_reg_rec *r);
	int (*get_psn_regs)(yb_conn *c, const char *psn_no, yb_psn_reg_rec *out, size_t cap, size_t *n);
	int (*next_mdtrt_id)(yb_conn *c, char out[YB_ID_MAX]);
	int (*put_mdtrt)(yb_conn *c, const yb_mdtrt_rec *r);
	int (*upd_mdtrt)(yb_conn *c, const yb_mdtrt_rec *r);
	int (*get_mdtrt)(yb_conn *c, const char *psn_no, const char *mdtrt_id, yb_mdtrt_rec *out);
	int (*each_mdtrt)(yb_conn *c, const char *psn_no, int (*fn)(const yb_mdtrt_rec *, void *), void *arg);
	int (*find_stay)(yb_conn *c, const char *psn_no, yb_datetime t, const char *except, yb_mdtrt_rec *out);
	int (*put_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id, const yb_fee_row *r);
	int (*each_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			int (*fn)(const yb_fee_row *, void *), void *arg);
	int (*set_fee_setl)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			    const char *feedetl_sn, const char *setl_id);
	int (*unsettle_fees)(yb_conn *c, const char *psn_no, const char *setl_id);
	int (*del_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id, const char *feedetl_sn);
	int (*get_idem_rec)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			    const char *msgid, yb_idem_rec *rec, yb_buf *resp);
	int (*put_idem_rec)(yb_conn *c, const yb_idem_rec *rec, const char *resp);
	int (*set_idem_state)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			      const char *msgid, int state);
	int (*each_setl)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			 int (*fn)(const yb_setl_row *, int, void *), void *arg);
	int (*get_setl_funds)(yb_conn *c, const char *psn_no, const char *setl_id,
			      yb_fund_pay *out, int *n);
	int (*find_setl_by_msgid)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
				  const char *msgid, char setl_id[YB_ID_MAX]);
	int (*reconcile)(yb_conn *c, const char *fixmedins_code, int insutype, int clr_type,
			 yb_datetime from, yb_datetime to, yb_recon_rows *out);
} yb_store_visit_ops;

/* Migration 4 (issue 8): the enrolment, registration, staff and audit
 * operations (store_enrol.c) are written once, over one generic statement
 * runner each backend provides, so that both backends behave alike. A
 * statement's placeholders are $1..$n (SQLite reads them as ?1..?n); a
 * value is text, an integer or NULL. */
typedef struct yb_sqlv {
	int type;        /* YB_SQLV_TEXT, YB_SQLV_INT, YB_SQLV_NULL */
	const char *s;
	int64_t i;
} yb_sqlv;
enum { YB_SQLV_TEXT, YB_SQLV_INT, YB_SQLV_NULL };
/* One result row: n columns as text, NULL for SQL NULL; < 0 stops. */
typedef int (*yb_sql_row)(void *arg, int n, const char *const *cols);
typedef struct yb_store_sql_ops {
	int pg;          /* 1: PostgreSQL's dialect (FOR UPDATE, ...) */
	/* Runs one statement: row() for each row, *changes (if given) the
	 * rows it changed. A broken constraint is YB_ECONFLICT. */
	int (*exec)(yb_conn *c, const char *sql, const yb_sqlv *v, int n,
		    yb_sql_row row, void *arg, long *changes);
} yb_store_sql_ops;
extern const yb_store_sql_ops yb_store_sqlite_sql_ops;
extern const yb_store_sql_ops yb_store_pg_sql_ops;
/* store.c: the runner of tx's backend, and whether it is PostgreSQL. */
int yb_store_sql(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int n,
		 yb_sql_row row, void *arg, long *changes);
int yb_store_sql_pg(yb_store_tx *tx);
/* store_enrol.c: the invariants of migration 4, for yb_tx_check. */
int yb_store_enrol_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg);
/* store_rules.c: the invariants of migration 5, for yb_tx_check. */
int yb_store_rules_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg);

enum { YB_TX_READ = 0, YB_TX_WRITE = 1, YB_TX_EXCLUSIVE = 2 };

/* A backend returns YB_ERETRY from any operation (or from release,
 * rollback_to or commit) when its transaction met a serialisation failure
 * or a deadlock: store.c then rolls the whole group back and runs every unit
 * again in a new transaction. Units of work must therefore start from their
 * arguments each time they run (see yb_store_submit). */
#define YB_ERETRY (-64)

/* Dates as every backend stores them: ISO text, "" for none, "9999-12-31"
 * for open-ended. buf holds 11 bytes; returns buf. */
const char *yb_store_date_text(char *buf, yb_date d);
/* The date of stored text (NULL or "" is none; unreadable text too). */
yb_date yb_store_text_date(const char *t);

extern const yb_store_ops yb_store_sqlite_ops;
extern const yb_store_ops yb_store_pg_ops;
extern const yb_store_visit_ops yb_store_sqlite_visit_ops;
extern const yb_store_visit_ops yb_store_pg_visit_ops;

#endif
