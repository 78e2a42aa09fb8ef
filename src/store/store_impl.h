/* Internal: what a backend provides to store.c. store.c owns threads and
 * group commit; a backend owns connections, SQL and the schema. */
#ifndef YB_STORE_IMPL_H
#define YB_STORE_IMPL_H

#include "yibao/buf.h"
#include "yibao/store.h"

typedef struct yb_backend yb_backend; /* a backend's store-wide state */
typedef struct yb_conn yb_conn;       /* one connection of a backend */

/* The generic runner's values and rows (yb_store_ops.sql, yb_store_sql).
 * A statement's placeholders are $1..$n (SQLite reads them as ?1..?n); a
 * value is text, an integer or NULL. */
typedef struct yb_sqlv {
	int type;        /* YB_SQLV_TEXT, YB_SQLV_INT, YB_SQLV_NULL */
	const char *s;
	int64_t i;
} yb_sqlv;
enum { YB_SQLV_TEXT, YB_SQLV_INT, YB_SQLV_NULL };
/* One result row: n columns as text, NULL for SQL NULL; < 0 stops. */
typedef int (*yb_sql_row)(void *arg, int n, const char *const *cols);

/* A backend's operations: one table, by subject. Whether an operation is
 * a member here (its SQL written per backend) or is written once over the
 * generic runner follows the rule at the top of include/yibao/store.h. */
typedef struct yb_store_ops {
	const char *name;

	/* ---- connections and transaction control */
	int (*open)(yb_backend **out, const char *url, int *n_writers);
	void (*close)(yb_backend *b);
	int (*conn_open)(yb_backend *b, yb_conn **out, int writer);
	void (*conn_close)(yb_conn *c);
	int (*begin)(yb_conn *c, int mode); /* YB_TX_READ, YB_TX_WRITE, YB_TX_EXCLUSIVE */
	int (*commit)(yb_conn *c);
	int (*rollback)(yb_conn *c);
	int (*savepoint)(yb_conn *c);
	int (*release)(yb_conn *c);
	int (*rollback_to)(yb_conn *c);

	/* The operations below are the yb_tx_* functions of store.h. */

	/* ---- institutions */
	int (*put_fixmedins)(yb_conn *c, const yb_fixmedins_rec *r);
	int (*get_fixmedins)(yb_conn *c, const char *code, yb_fixmedins_rec *out);

	/* ---- persons, insurance periods, registrations */
	int (*put_psn)(yb_conn *c, const yb_psn_rec *r);
	int (*get_psn)(yb_conn *c, const char *psn_no, const char *certno, yb_date on, yb_psn_rec *out);
	int (*put_psn_reg)(yb_conn *c, const yb_psn_reg_rec *r);
	int (*get_psn_regs)(yb_conn *c, const char *psn_no, yb_psn_reg_rec *out, size_t cap, size_t *n);

	/* ---- accounts and mutual aid */
	int (*put_mulaid)(yb_conn *c, const yb_mulaid_rec *r);
	int (*get_mulaid)(yb_conn *c, const char *psn_no, yb_mulaid_row *out, size_t *n);

	/* ---- accumulators */
	int (*get_accums)(yb_conn *c, const char *psn_no, int year, yb_accum_row *out, int *n);

	/* ---- catalogue */
	int (*put_catalogue)(yb_conn *c, const yb_cat_item *it);
	int (*each_catalogue)(yb_conn *c, int (*fn)(const yb_cat_item *, void *), void *arg);

	/* ---- visits */
	int (*next_mdtrt_id)(yb_conn *c, char out[YB_ID_MAX]);
	int (*put_mdtrt)(yb_conn *c, const yb_mdtrt_rec *r);
	int (*upd_mdtrt)(yb_conn *c, const yb_mdtrt_rec *r);
	int (*get_mdtrt)(yb_conn *c, const char *psn_no, const char *mdtrt_id, yb_mdtrt_rec *out);
	int (*each_mdtrt)(yb_conn *c, const char *psn_no, int (*fn)(const yb_mdtrt_rec *, void *), void *arg);
	int (*find_stay)(yb_conn *c, const char *psn_no, yb_datetime t, const char *except, yb_mdtrt_rec *out);

	/* ---- fee lines */
	int (*put_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id, const yb_fee_row *r);
	int (*each_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			int (*fn)(const yb_fee_row *, void *), void *arg);
	int (*set_fee_setl)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			    const char *feedetl_sn, const char *setl_id);
	int (*unsettle_fees)(yb_conn *c, const char *psn_no, const char *setl_id);
	int (*del_fee)(yb_conn *c, const char *psn_no, const char *mdtrt_id, const char *feedetl_sn);

	/* ---- settlements (with their fee-line results, fund rows,
	 * accumulator deltas and account movements) */
	int (*next_setl_id)(yb_conn *c, char out[YB_ID_MAX]);
	int (*put_settlement)(yb_conn *c, const yb_setl_row *r);
	int (*get_settlement)(yb_conn *c, const char *setl_id, yb_setl_stored *out);
	int (*mark_cancelled)(yb_conn *c, const char *psn_no, const char *setl_id);
	int (*each_setl)(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			 int (*fn)(const yb_setl_row *, int, void *), void *arg);
	int (*get_setl_funds)(yb_conn *c, const char *psn_no, const char *setl_id,
			      yb_fund_pay *out, int *n);
	int (*find_setl_by_msgid)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
				  const char *msgid, char setl_id[YB_ID_MAX]);
	int (*reconcile)(yb_conn *c, const char *fixmedins_code, int insutype, int clr_type,
			 yb_datetime from, yb_datetime to, yb_recon_rows *out);

	/* ---- idempotency records */
	int (*get_idem_rec)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			    const char *msgid, yb_idem_rec *rec, yb_buf *resp);
	int (*put_idem_rec)(yb_conn *c, const yb_idem_rec *rec, const char *resp);
	int (*set_idem_state)(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			      const char *msgid, int state);

	/* ---- the generic runner: the statements written once for both
	 * backends (store_enrol.c, store_rules.c) go through it. Runs one
	 * statement: row() for each row, *changes (if given) the rows it
	 * changed. A broken constraint is YB_ECONFLICT. */
	int (*sql)(yb_conn *c, const char *text, const yb_sqlv *v, int n,
		   yb_sql_row row, void *arg, long *changes);
	/* the clause that makes a text comparison or ORDER BY go by bytes,
	 * for a shared text that pages by a text key ("" where bytes are
	 * the default): what a version of the catalogue downloads compares */
	const char *byte_order;

	/* ---- check: the backend's invariant checks (yb_tx_check) */
	int (*check)(yb_conn *c, void (*fn)(const char *, void *), void *arg, long *checked);
} yb_store_ops;

extern const yb_store_ops yb_store_sqlite_ops;
extern const yb_store_ops yb_store_pg_ops;

/* store.c: the backend's byte_order clause (yb_store_ops). */
const char *yb_store_byte_order(yb_store_tx *tx);
/* store.c: runs one statement through tx's backend (yb_store_ops.sql). */
int yb_store_sql(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int n,
		 yb_sql_row row, void *arg, long *changes);
/* store_enrol.c: the invariants of the bureau's records, for yb_tx_check. */
int yb_store_enrol_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg);
/* store_rules.c: the invariants of supervision's history, for yb_tx_check. */
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

#endif
