/* The SQLite backend of store.h: the embedded default.
 *
 * Design notes
 *  1. One writer connection (store.c runs group commit on it) and a pool
 *     of reader connections; WAL lets readers run beside the writer.
 *  2. synchronous=FULL: a commit returns only after the WAL is on disk.
 *     Money needs that; group commit is what makes it fast.
 *  3. Writes begin with BEGIN IMMEDIATE so that a writer never upgrades a
 *     read lock half-way (no SQLITE_BUSY deadlock inside a group).
 *  4. Every statement is prepared once per connection and reused.
 *  5. Dates are ISO text ("2024-03-01", "" for none), times Unix-like
 *     seconds in local time, money integer fen, ratios basis points.
 *  6. Sizes (bench/ledger, docs/performance.md): an 8 MB page cache per
 *     connection, because SQLite walks the whole page-cache hash table at
 *     the end of every write transaction (pcache1 truncate), so a 64 MB
 *     cache cost ~20 % of the writer's CPU; the B-tree interior pages stay
 *     cached and the rest comes from the OS page cache. A checkpoint every
 *     10,000 WAL pages (40 MB) instead of 1,000: hot pages are copied once
 *     per checkpoint instead of ten times, and the WAL file is reused
 *     (overwritten in place, which this disk does twice as fast as appends).
 *  7. Checkpoints run beside the writer, not inside its commits: the
 *     writer's WAL hook wakes a checkpointer thread (its own connection,
 *     PASSIVE checkpoints, which never block the writer) once the WAL has
 *     CKPT_START pages, and copies only the last few pages itself once the
 *     checkpointer has caught up to within CKPT_TAIL, so that the WAL is
 *     wholly checkpointed and starts again from its beginning. Should the
 *     checkpointer fall behind (a slow disk), the writer checkpoints itself
 *     at CKPT_INLINE pages, as SQLite's autocheckpoint would. Durability is
 *     SQLite's own: a checkpoint syncs the database before it lets the WAL
 *     be reused. */
#include "store_impl.h"
#include "checks.h"
#include "schema_sqlite.h"
#include "yibao/error.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CKPT_START 10000  /* WAL pages: wake the checkpointer (note 7) */
#define CKPT_TAIL 1000    /* WAL pages left: the writer finishes the checkpoint */
#define CKPT_INLINE 50000 /* WAL pages: the writer checkpoints, whatever */

struct yb_backend {
	char path[4096];
	atomic_llong next_seq; /* settlement sequence: only the writer takes */
	atomic_llong next_mdtrt; /* visit sequence, likewise */
	/* the checkpointer (note 7): started on first need */
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	pthread_t ckpt_thread;
	int ckpt_started, ckpt_wanted;
	atomic_int ckpt_stop;  /* also read by the checkpointer between passes */
	atomic_int ckpt_busy;
	atomic_int ckpt_done;  /* WAL pages checkpointed by its last pass */
};

enum {
	/* connections and transactions */
	S_BEGIN_READ, S_BEGIN_WRITE, S_COMMIT, S_ROLLBACK, S_SAVEPOINT, S_RELEASE,
	S_ROLLBACK_TO,
	/* institutions */
	S_PUT_FIX, S_GET_FIX,
	/* persons, insurance periods, registrations */
	S_PUT_PSN, S_PUT_INSU, S_PUT_ACCT, S_GET_PSN, S_GET_PSN_CERT, S_GET_INSU,
	S_PUT_REG, S_GET_REGS,
	/* accounts and mutual aid */
	S_COUNT_MULAID, S_PUT_MULAID, S_GET_MULAID, S_HAS_MULAID,
	/* accumulators */
	S_GET_ACCUMS,
	/* catalogue */
	S_PUT_CAT, S_EACH_CAT,
	/* visits */
	S_PUT_MDTRT, S_UPD_MDTRT, S_GET_MDTRT, S_EACH_MDTRT, S_FIND_STAY,
	/* fee lines */
	S_PUT_FEE2, S_EACH_FEE, S_SET_FEE_SETL, S_UNSETTLE, S_DEL_FEE,
	/* settlements */
	S_PUT_SETL, S_PUT_FEE, S_PUT_DETAIL, S_PUT_SACC, S_UPD_ACCUM, S_PUT_MOV,
	S_UPD_ACCT, S_GET_SETL, S_GET_SACC, S_GET_MOVS, S_MARK, S_EACH_SETL,
	S_GET_FUNDS, S_FIND_SETL_MSGID, S_RECON,
	/* idempotency records */
	S_PUT_IDEM, S_GET_IDEM_REC, S_SET_IDEM_STATE,
	S_COUNT
};

#define AMOUNT_COLS "medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt," \
	" inscp_scp_amt, act_pay_dedc, hifp_pay, cvlserv_pay, hifes_pay, hifmi_pay," \
	" hifob_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, acct_pay," \
	" psn_cash_pay, hosp_part_amt, acct_mulaid_pay"
#define SETL_COLS "psn_no, setl_id, mdtrt_id, fixmedins_code, msgid, refd_setl_id," \
	" insutype, med_type, setl_time, year, pol_ver, pool_prop, balc, " AMOUNT_COLS
#define MDTRT_COLS "psn_no, mdtrt_id, fixmedins_code, msgid, insutype, med_type," \
	" begntime, endtime, dise_codg, dise_name, diagnoses, ipt_otp_no, dscg_way, status," \
	" mid_setl_dedc, final_setl_id"
#define FEE_COLS "feedetl_sn, msgid, chrg_bchno, med_list_codg, medins_list_codg," \
	" det_item_fee_sumamt, cnt, pric, fee_ocur_time, init_feedetl_sn, rxno," \
	" drug_trac_codg, trdn_flag, known, chrgitm_lv, selfpay_prop, pric_uplmt_amt," \
	" flags, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, memo, setl_id"

static const char *const sql[S_COUNT] = {
	/* ---- connections and transactions */
	[S_BEGIN_READ] = "BEGIN",
	[S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT unit",
	[S_RELEASE] = "RELEASE unit",
	[S_ROLLBACK_TO] = "ROLLBACK TO unit",
	/* ---- institutions */
	[S_PUT_FIX] = "INSERT INTO fixmedins VALUES(?1,?2,?3,?4,?5,?6,?7)"
		" ON CONFLICT(fixmedins_code) DO UPDATE SET fixmedins_name=?2,"
		" fixmedins_type=?3, hosp_lv=?4, prim_flag=?5, admdvs=?6, secret=?7",
	[S_GET_FIX] = "SELECT fixmedins_code, fixmedins_name, fixmedins_type, hosp_lv,"
		" prim_flag, admdvs, secret FROM fixmedins WHERE fixmedins_code=?1",
	/* ---- persons, insurance periods, registrations */
	[S_PUT_PSN] = "INSERT INTO psn(psn_no, certno, psn_name, gend, brdy, insu_admdvs)"
		" VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(psn_no)"
		" DO UPDATE SET certno=?2, psn_name=?3, gend=?4, brdy=?5, insu_admdvs=?6",
	[S_PUT_INSU] = "INSERT INTO psn_insu(psn_no, insutype, psn_type, begndate, enddate, psn_insu_stas)"
		" VALUES(?1,?2,?3,?4,?5,?6)"
		" ON CONFLICT(psn_no, insutype, begndate) DO UPDATE SET psn_type=?3,"
		" enddate=?5, psn_insu_stas=?6",
	/* an account opens once; a later load of the person leaves it alone
	 * (balances move only by settlements and cancels) */
	[S_PUT_ACCT] = "INSERT INTO acct VALUES(?1,?2,?2) ON CONFLICT(psn_no) DO NOTHING",
	[S_GET_PSN] = "SELECT p.psn_no, certno, psn_name, gend, brdy, insu_admdvs,"
		" coalesce(a.balc, 0) FROM psn p LEFT JOIN acct a ON a.psn_no=p.psn_no"
		" WHERE p.psn_no=?1",
	[S_GET_PSN_CERT] = "SELECT p.psn_no, certno, psn_name, gend, brdy, insu_admdvs,"
		" coalesce(a.balc, 0) FROM psn p LEFT JOIN acct a ON a.psn_no=p.psn_no"
		" WHERE p.certno=?1 LIMIT 1",
	[S_GET_INSU] = "SELECT insutype, psn_type, begndate, enddate, psn_insu_stas"
		" FROM psn_insu WHERE psn_no=?1 AND begndate<=?2 AND enddate>=?2",
	[S_PUT_REG] = "INSERT INTO psn_reg(psn_no, kind, type, admdvs, begndate, enddate)"
		" VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(psn_no, kind,"
		" type, admdvs, begndate) DO UPDATE SET enddate=?6",
	[S_GET_REGS] = "SELECT kind, type, admdvs, begndate, enddate FROM psn_reg WHERE psn_no=?1",
	/* ---- accounts and mutual aid */
	/* bindings ended by unbinding (unbind_time, migration 4) are history */
	[S_COUNT_MULAID] = "SELECT count(*) FROM mulaid WHERE initiator_psn_no=?1"
		" AND bound_psn_no<>?2 AND unbind_time=0",
	[S_PUT_MULAID] = "INSERT INTO mulaid(bound_psn_no, initiator_psn_no, bind_time) VALUES(?1,?2,?3)"
		" ON CONFLICT(bound_psn_no, initiator_psn_no) WHERE unbind_time=0 DO UPDATE SET bind_time=?3",
	[S_GET_MULAID] = "SELECT m.initiator_psn_no, coalesce(a.balc, 0), m.bind_time"
		" FROM mulaid m LEFT JOIN acct a ON a.psn_no=m.initiator_psn_no"
		" WHERE m.bound_psn_no=?1 AND m.unbind_time=0",
	[S_HAS_MULAID] = "SELECT 1 FROM mulaid WHERE bound_psn_no=?1 AND initiator_psn_no=?2"
		" AND unbind_time=0",
	/* ---- accumulators */
	[S_GET_ACCUMS] = "SELECT bucket, amount FROM accum WHERE psn_no=?1 AND year=?2",
	/* ---- catalogue */
	[S_PUT_CAT] = "INSERT INTO catalogue VALUES(?9,?1,?2,?3,?4,?5,?6,?7,?8)"
		" ON CONFLICT(admdvs, med_list_codg, begndate) DO UPDATE SET enddate=?3,"
		" med_list_name=?4, chrgitm_lv=?5, selfpay_prop=?6, pric_uplmt_amt=?7, flags=?8",
	/* newest version first: yb_catalogue_find() takes the first version
	 * that covers the day, so a version loaded with a later begndate
	 * supersedes an older (or undated, '') one from that day on */
	[S_EACH_CAT] = "SELECT med_list_codg, begndate, enddate, med_list_name, chrgitm_lv,"
		" selfpay_prop, pric_uplmt_amt, flags, admdvs FROM catalogue"
		" ORDER BY admdvs, med_list_codg, begndate DESC",
	/* ---- visits */
	[S_PUT_MDTRT] = "INSERT INTO mdtrt(seq, " MDTRT_COLS ") VALUES(?17,?1,?2,?3,?4,?5,?6,"
		"?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
	[S_UPD_MDTRT] = "UPDATE mdtrt SET insutype=?5, med_type=?6, begntime=?7, endtime=?8,"
		" dise_codg=?9, dise_name=?10, diagnoses=?11, ipt_otp_no=?12, dscg_way=?13,"
		" status=?14, mid_setl_dedc=?15, final_setl_id=?16 WHERE psn_no=?1 AND mdtrt_id=?2",
	[S_GET_MDTRT] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no=?1 AND mdtrt_id=?2",
	[S_EACH_MDTRT] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no=?1 ORDER BY seq",
	[S_FIND_STAY] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no=?1 AND med_type BETWEEN 21 AND 29"
		" AND status IN ('admitted', 'discharged') AND begntime<=?2"
		" AND (endtime=0 OR endtime>=?2) AND mdtrt_id<>?3 LIMIT 1",
	/* ---- fee lines */
	[S_PUT_FEE2] = "INSERT INTO feedetail(psn_no, mdtrt_id, " FEE_COLS ") VALUES(?1,?2,?3,?4,"
		"?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)",
	[S_EACH_FEE] = "SELECT " FEE_COLS " FROM feedetail WHERE psn_no=?1 AND mdtrt_id=?2",
	[S_SET_FEE_SETL] = "UPDATE feedetail SET setl_id=?4 WHERE psn_no=?1 AND mdtrt_id=?2"
		" AND feedetl_sn=?3",
	[S_UNSETTLE] = "UPDATE feedetail SET setl_id='' WHERE psn_no=?1 AND setl_id=?2",
	[S_DEL_FEE] = "DELETE FROM feedetail WHERE psn_no=?1 AND mdtrt_id=?2 AND feedetl_sn=?3",
	/* ---- settlements */
	[S_PUT_SETL] = "INSERT INTO setl(seq, " SETL_COLS ", mid_setl) VALUES(?1,?2,?3,?4,?5,?6,?7,"
		"?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,"
		"?26,?27,?28,?29,?30,?31,?32,?33,?34)",
	[S_PUT_FEE] = "INSERT INTO setl_fee VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
	[S_PUT_DETAIL] = "INSERT INTO setl_detail VALUES(?1,?2,?3,?4,?5,?6,?7)",
	[S_PUT_SACC] = "INSERT INTO setl_accum VALUES(?1,?2,?3,?4,?5)",
	[S_UPD_ACCUM] = "INSERT INTO accum VALUES(?1,?2,?3,?4) ON CONFLICT(psn_no, year, bucket)"
		" DO UPDATE SET amount=amount+?4",
	[S_PUT_MOV] = "INSERT INTO acct_mov VALUES(?1,?2,?3,?4)",
	[S_UPD_ACCT] = "UPDATE acct SET balc=balc+?2 WHERE psn_no=?1",
	[S_GET_SETL] = "SELECT " SETL_COLS ", cancelled, mid_setl FROM setl WHERE setl_id=?1",
	[S_GET_SACC] = "SELECT bucket, delta FROM setl_accum WHERE psn_no=?1 AND setl_id=?2",
	[S_GET_MOVS] = "SELECT psn_no, amount FROM acct_mov WHERE setl_id=?1 ORDER BY amount",
	[S_MARK] = "UPDATE setl SET cancelled=1 WHERE psn_no=?1 AND setl_id=?2 AND cancelled=0",
	[S_EACH_SETL] = "SELECT " SETL_COLS ", cancelled, mid_setl FROM setl WHERE psn_no=?1"
		" AND mdtrt_id=?2 ORDER BY setl_id",
	[S_GET_FUNDS] = "SELECT fund_pay_type, inscp_scp_amt, crt_payb_lmt_amt, fund_payamt,"
		" setl_proc_info FROM setl_detail WHERE psn_no=?1 AND setl_id=?2",
	[S_FIND_SETL_MSGID] = "SELECT setl_id FROM setl WHERE psn_no=?1 AND fixmedins_code=?2"
		" AND msgid=?3 AND refd_setl_id='' LIMIT 1",
	[S_RECON] = "SELECT coalesce(sum(refd_setl_id=''), 0), coalesce(sum(refd_setl_id<>''), 0),"
		" coalesce(sum(medfee_sumamt), 0), coalesce(sum(fund_pay_sumamt), 0),"
		" coalesce(sum(acct_pay), 0), coalesce(sum(psn_cash_pay), 0) FROM setl"
		" WHERE fixmedins_code=?1 AND setl_time>=?2 AND setl_time<?3"
		" AND (?4=0 OR insutype=?4)"
		" AND (?5=0 OR (CASE WHEN med_type BETWEEN 21 AND 29 THEN 21 ELSE 11 END)=?5)",
	/* ---- idempotency records */
	[S_PUT_IDEM] = "INSERT INTO idem(fixmedins_code, msgid, psn_no, infno, response,"
		" state, req, ref, fmt, stamp) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	[S_GET_IDEM_REC] = "SELECT psn_no, infno, state, req, ref, response, fmt, stamp FROM idem"
		" WHERE fixmedins_code=?1 AND msgid=?2",
	[S_SET_IDEM_STATE] = "UPDATE idem SET state=?3 WHERE fixmedins_code=?1 AND msgid=?2",
};

#define GEN_CACHE 64 /* statements of the generic runner kept prepared */

struct yb_conn {
	yb_backend *be;
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	struct gen_stmt {
		const char *sql;  /* the caller's (static) text: the key */
		sqlite3_stmt *st;
		int busy;         /* stepping: a nested use prepares its own */
	} gen[GEN_CACHE];
	int n_gen;
};

/* ------------------------------------------------------------ helpers */

static int dberr(yb_conn *c, const char *what)
{
	int code = sqlite3_errcode(c->db);
	int rc = code == SQLITE_BUSY || code == SQLITE_LOCKED ? YB_EBUSY :
		 code == SQLITE_CONSTRAINT ? YB_ECONFLICT : YB_ERROR;
	return yb_error_set(rc, "%s: %s", what, sqlite3_errmsg(c->db));
}

/* The prepared statement k, reset and ready for binding. */
static sqlite3_stmt *stmt(yb_conn *c, int k)
{
	if (!c->st[k] &&
	    sqlite3_prepare_v3(c->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &c->st[k], NULL) != SQLITE_OK) {
		dberr(c, "prepare");
		return NULL;
	}
	sqlite3_reset(c->st[k]);
	sqlite3_clear_bindings(c->st[k]);
	return c->st[k];
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

static void bind_date(sqlite3_stmt *s, int i, yb_date d)
{
	char buf[12];
	sqlite3_bind_text(s, i, yb_store_date_text(buf, d), -1, SQLITE_TRANSIENT);
}

static yb_date col_date(sqlite3_stmt *s, int i)
{
	return yb_store_text_date((const char *)sqlite3_column_text(s, i));
}

static void col_text(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const char *t = (const char *)sqlite3_column_text(s, i);
	snprintf(out, cap, "%s", t ? t : "");
}

/* Steps a statement that returns no rows. */
static int exec_done(yb_conn *c, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : dberr(c, what);
}

static int run(yb_conn *c, int k)
{
	sqlite3_stmt *s = stmt(c, k);
	return s ? exec_done(c, s, sql[k]) : YB_ERROR;
}

/* ------------------------------------------------------ open and close */

static int exec_sql(sqlite3 *db, const char *text)
{
	char *msg = NULL;
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = yb_error_set(YB_ERROR, "sqlite: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int migrate(sqlite3 *db)
{
	sqlite3_stmt *s;
	int version = 0, i, rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return yb_error_set(YB_ERROR, "sqlite: %s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > YB_SQLITE_VERSION)
		return yb_error_set(YB_EINVALID, "database schema version %d is newer than this binary (%d)",
				    version, YB_SQLITE_VERSION);
	for (i = version; i < YB_SQLITE_VERSION; i++) {
		char pragma[64];
		if ((rc = exec_sql(db, "BEGIN IMMEDIATE")) < 0)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", i + 1);
		if ((rc = exec_sql(db, yb_sqlite_migrations[i])) < 0 ||
		    (rc = exec_sql(db, pragma)) < 0) {
			exec_sql(db, "ROLLBACK");
			return yb_error_prefix(rc, "migration %d", i + 1);
		}
		if ((rc = exec_sql(db, "COMMIT")) < 0)
			return rc;
	}
	return 0;
}

static int open_db(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = yb_error_set(YB_ERROR, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 10000);
	if ((rc = exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			   " PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192;"
			   " PRAGMA wal_autocheckpoint=10000; PRAGMA temp_store=MEMORY")) < 0) {
		sqlite3_close(db);
		return yb_error_prefix(rc, "%s", path);
	}
	*out = db;
	return 0;
}

static int be_open(yb_backend **out, const char *url, int *n_writers)
{
	yb_backend *be;
	sqlite3 *db;
	sqlite3_stmt *s;
	int rc;

	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (strlen(url) >= sizeof(be->path))
		return yb_error_set(YB_EINVALID, "--db: path too long");
	if ((rc = open_db(url, &db)) < 0)
		return rc;
	if ((rc = migrate(db)) < 0) {
		sqlite3_close(db);
		return yb_error_prefix(rc, "%s", url);
	}
	if (!(be = calloc(1, sizeof(*be)))) {
		sqlite3_close(db);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	snprintf(be->path, sizeof(be->path), "%s", url);
	atomic_init(&be->next_seq, 1);
	pthread_mutex_init(&be->ckpt_mu, NULL);
	pthread_cond_init(&be->ckpt_cv, NULL);
	atomic_init(&be->next_mdtrt, 1);
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) + 1 FROM setl", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			atomic_store(&be->next_seq, sqlite3_column_int64(s, 0));
		sqlite3_finalize(s);
	}
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) + 1 FROM mdtrt", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			atomic_store(&be->next_mdtrt, sqlite3_column_int64(s, 0));
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	*n_writers = 1; /* SQLite has one writer */
	*out = be;
	return 0;
}

static void be_close(yb_backend *be)
{
	pthread_mutex_lock(&be->ckpt_mu);
	atomic_store(&be->ckpt_stop, 1);
	pthread_cond_signal(&be->ckpt_cv);
	pthread_mutex_unlock(&be->ckpt_mu);
	if (be->ckpt_started)
		pthread_join(be->ckpt_thread, NULL);
	pthread_mutex_destroy(&be->ckpt_mu);
	pthread_cond_destroy(&be->ckpt_cv);
	free(be);
}

/* ------------------------------------------------ checkpoints (note 7) */

static void *checkpointer_main(void *arg)
{
	yb_backend *be = arg;
	sqlite3 *db = NULL;

	pthread_mutex_lock(&be->ckpt_mu);
	for (;;) {
		int log = 0, done = 0, rc;
		while (!be->ckpt_wanted && !atomic_load(&be->ckpt_stop))
			pthread_cond_wait(&be->ckpt_cv, &be->ckpt_mu);
		if (atomic_load(&be->ckpt_stop))
			break;
		be->ckpt_wanted = 0;
		atomic_store(&be->ckpt_busy, 1);
		pthread_mutex_unlock(&be->ckpt_mu);
		if (!db && open_db(be->path, &db) < 0)
			db = NULL; /* the writer's CKPT_INLINE still bounds the WAL */
		/* pass after pass while the writer adds more than CKPT_TAIL */
		do {
			rc = db ? sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done)
				: SQLITE_ERROR;
			if (rc == SQLITE_OK)
				atomic_store(&be->ckpt_done, done);
		} while (rc == SQLITE_OK && log - done > CKPT_TAIL && !atomic_load(&be->ckpt_stop));
		pthread_mutex_lock(&be->ckpt_mu);
		atomic_store(&be->ckpt_busy, 0);
	}
	pthread_mutex_unlock(&be->ckpt_mu);
	sqlite3_close(db); /* the last connection to close checkpoints all */
	return NULL;
}

/* The writer's WAL hook, after each commit: n pages in the WAL. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int n)
{
	yb_backend *be = arg;

	if (n < CKPT_START)
		return SQLITE_OK;
	if (n >= CKPT_INLINE ||
	    (!atomic_load(&be->ckpt_busy) && n - atomic_load(&be->ckpt_done) <= CKPT_TAIL)) {
		/* copy the rest: the next write starts the WAL again */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		atomic_store(&be->ckpt_done, 0);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&be->ckpt_mu);
	if (!be->ckpt_started && !atomic_load(&be->ckpt_stop))
		be->ckpt_started = pthread_create(&be->ckpt_thread, NULL, checkpointer_main, be) == 0;
	if (!be->ckpt_started) { /* no thread: as SQLite's autocheckpoint */
		pthread_mutex_unlock(&be->ckpt_mu);
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	be->ckpt_wanted = 1;
	pthread_cond_signal(&be->ckpt_cv);
	pthread_mutex_unlock(&be->ckpt_mu);
	return SQLITE_OK;
}

/* ---------------------------------------- connections and transactions */

static int conn_open(yb_backend *be, yb_conn **out, int writer)
{
	yb_conn *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return yb_error_set(YB_ENOMEM, "out of memory");
	c->be = be;
	if ((rc = open_db(be->path, &c->db)) < 0) {
		free(c);
		return rc;
	}
	if (writer) /* replaces SQLite's autocheckpoint (note 7) */
		sqlite3_wal_hook(c->db, wal_hook, be);
	*out = c;
	return 0;
}

static void conn_close(yb_conn *c)
{
	int i;
	if (!c)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	for (i = 0; i < c->n_gen; i++)
		sqlite3_finalize(c->gen[i].st);
	sqlite3_close(c->db);
	free(c);
}

static int tx_begin(yb_conn *c, int mode)
{
	return run(c, mode == YB_TX_READ ? S_BEGIN_READ : S_BEGIN_WRITE);
}

static int tx_commit(yb_conn *c) { return run(c, S_COMMIT); }

static int tx_rollback(yb_conn *c)
{
	if (sqlite3_get_autocommit(c->db))
		return 0;
	return run(c, S_ROLLBACK);
}

static int tx_savepoint(yb_conn *c) { return run(c, S_SAVEPOINT); }
static int tx_release(yb_conn *c) { return run(c, S_RELEASE); }

static int tx_rollback_to(yb_conn *c)
{
	int rc = run(c, S_ROLLBACK_TO);
	return rc < 0 ? rc : run(c, S_RELEASE);
}

/* -------------------------------------------------------- institutions */

static int put_fixmedins(yb_conn *c, const yb_fixmedins_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_FIX);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, r->fixmedins_code);
	bind_text(s, 2, r->fixmedins_name);
	sqlite3_bind_int(s, 3, r->fixmedins_type);
	sqlite3_bind_int(s, 4, r->hosp_lv);
	sqlite3_bind_int(s, 5, r->prim_flag);
	bind_text(s, 6, r->admdvs);
	bind_text(s, 7, r->secret);
	return exec_done(c, s, "fixmedins");
}

static int get_fixmedins(yb_conn *c, const char *code, yb_fixmedins_rec *out)
{
	sqlite3_stmt *s = stmt(c, S_GET_FIX);
	int rc;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, code);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		col_text(s, 0, out->fixmedins_code, sizeof(out->fixmedins_code));
		col_text(s, 1, out->fixmedins_name, sizeof(out->fixmedins_name));
		out->fixmedins_type = sqlite3_column_int(s, 2);
		out->hosp_lv = sqlite3_column_int(s, 3);
		out->prim_flag = sqlite3_column_int(s, 4);
		col_text(s, 5, out->admdvs, sizeof(out->admdvs));
		col_text(s, 6, out->secret, sizeof(out->secret));
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return dberr(c, "fixmedins");
	return yb_error_set(YB_ENOTFOUND, "fixmedins_code: unknown institution %s", code);
}

/* --------------------------- persons, insurance periods, registrations */

static int put_psn(yb_conn *c, const yb_psn_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_PSN);
	char gend[2] = {r->gend, 0};
	int rc;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, r->psn_no);
	bind_text(s, 2, r->certno);
	bind_text(s, 3, r->psn_name);
	bind_text(s, 4, gend);
	if (r->brdy == YB_DATE_NONE)
		sqlite3_bind_null(s, 5);
	else
		bind_date(s, 5, r->brdy);
	bind_text(s, 6, r->insu_admdvs);
	if ((rc = exec_done(c, s, "psn")) < 0)
		return rc;
	if (!(s = stmt(c, S_PUT_INSU)))
		return YB_ERROR;
	bind_text(s, 1, r->psn_no);
	sqlite3_bind_int(s, 2, r->insutype);
	bind_text(s, 3, r->psn_type);
	bind_date(s, 4, r->begndate);
	bind_date(s, 5, r->enddate);
	sqlite3_bind_int(s, 6, r->psn_insu_stas);
	if ((rc = exec_done(c, s, "psn_insu")) < 0)
		return rc;
	if (!(s = stmt(c, S_PUT_ACCT)))
		return YB_ERROR;
	bind_text(s, 1, r->psn_no);
	sqlite3_bind_int64(s, 2, r->acct_balc);
	return exec_done(c, s, "acct");
}

static int get_psn(yb_conn *c, const char *psn_no, const char *certno, yb_date on, yb_psn_rec *out)
{
	sqlite3_stmt *s = stmt(c, psn_no ? S_GET_PSN : S_GET_PSN_CERT);
	char gend[4];
	int rc, found = 0;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no ? psn_no : certno);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return dberr(c, "psn");
		return yb_error_set(YB_ENOTFOUND, "%s: unknown person", psn_no ? "psn_no" : "certno");
	}
	memset(out, 0, sizeof(*out));
	col_text(s, 0, out->psn_no, sizeof(out->psn_no));
	col_text(s, 1, out->certno, sizeof(out->certno));
	col_text(s, 2, out->psn_name, sizeof(out->psn_name));
	col_text(s, 3, gend, sizeof(gend));
	out->gend = gend[0];
	out->brdy = col_date(s, 4);
	col_text(s, 5, out->insu_admdvs, sizeof(out->insu_admdvs));
	out->acct_balc = sqlite3_column_int64(s, 6);
	sqlite3_reset(s);

	/* The period covering the day, the best status first (1 insured, 2
	 * paused, 4 ended), then the latest begndate. Chosen here rather than
	 * by ORDER BY ... LIMIT 1, which costs a temporary B-tree per call
	 * (a person has one or a few periods). */
	if (!(s = stmt(c, S_GET_INSU)))
		return YB_ERROR;
	bind_text(s, 1, out->psn_no);
	bind_date(s, 2, on);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stas = sqlite3_column_int(s, 4);
		yb_date begn = col_date(s, 2);
		if (found++ && (stas > out->psn_insu_stas ||
		    (stas == out->psn_insu_stas && begn <= out->begndate)))
			continue;
		out->insutype = sqlite3_column_int(s, 0);
		col_text(s, 1, out->psn_type, sizeof(out->psn_type));
		out->begndate = begn;
		out->enddate = col_date(s, 3);
		out->psn_insu_stas = stas;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : dberr(c, "psn_insu");
}

static int put_psn_reg(yb_conn *c, const yb_psn_reg_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_REG);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, r->psn_no);
	bind_text(s, 2, r->kind);
	bind_text(s, 3, r->type);
	bind_text(s, 4, r->admdvs);
	bind_date(s, 5, r->begndate);
	bind_date(s, 6, r->enddate);
	return exec_done(c, s, "psn_reg");
}

static int get_psn_regs(yb_conn *c, const char *psn_no, yb_psn_reg_rec *out, size_t cap, size_t *n)
{
	sqlite3_stmt *s = stmt(c, S_GET_REGS);
	int rc;

	*n = 0;
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < cap) {
		yb_psn_reg_rec *r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		snprintf(r->psn_no, sizeof(r->psn_no), "%s", psn_no);
		col_text(s, 0, r->kind, sizeof(r->kind));
		col_text(s, 1, r->type, sizeof(r->type));
		col_text(s, 2, r->admdvs, sizeof(r->admdvs));
		r->begndate = col_date(s, 3);
		r->enddate = col_date(s, 4);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : dberr(c, "psn_reg");
}

/* --------------------------------------------- accounts and mutual aid */

static int put_mulaid(yb_conn *c, const yb_mulaid_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_COUNT_MULAID);
	int n = 0;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, r->initiator_psn_no);
	bind_text(s, 2, r->bound_psn_no);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (n >= YB_MAX_MULAID)
		return yb_error_set(YB_EREFUSED, "initiator %s already has %d bound persons (A1: at most %d)",
				    r->initiator_psn_no, n, YB_MAX_MULAID);
	if (!(s = stmt(c, S_PUT_MULAID)))
		return YB_ERROR;
	bind_text(s, 1, r->bound_psn_no);
	bind_text(s, 2, r->initiator_psn_no);
	sqlite3_bind_int64(s, 3, r->bind_time);
	return exec_done(c, s, "mulaid");
}

static int get_mulaid(yb_conn *c, const char *psn_no, yb_mulaid_row *out, size_t *n)
{
	sqlite3_stmt *s = stmt(c, S_GET_MULAID);
	int rc;

	*n = 0;
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	/* the first YB_MAX_MULAID by bind_time, ties in index order (by
	 * initiator): an insertion sort here instead of ORDER BY, which costs a
	 * temporary B-tree per call */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		yb_datetime t = sqlite3_column_int64(s, 2);
		size_t k = *n;
		while (k > 0 && out[k - 1].bind_time > t)
			k--;
		if (k == YB_MAX_MULAID)
			continue;
		if (*n < YB_MAX_MULAID)
			(*n)++;
		memmove(&out[k + 1], &out[k], (*n - 1 - k) * sizeof(*out));
		col_text(s, 0, out[k].psn_no, sizeof(out[k].psn_no));
		out[k].balc = sqlite3_column_int64(s, 1);
		out[k].bind_time = t;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : dberr(c, "mulaid");
}

/* -------------------------------------------------------- accumulators */

static int get_accums(yb_conn *c, const char *psn_no, int year, yb_accum_row *out, int *n)
{
	sqlite3_stmt *s = stmt(c, S_GET_ACCUMS);
	int rc;

	*n = 0;
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	sqlite3_bind_int(s, 2, year);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < YB_MAX_BUCKETS) {
		col_text(s, 0, out[*n].bucket, sizeof(out[*n].bucket));
		out[*n].amount = sqlite3_column_int64(s, 1);
		(*n)++;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : dberr(c, "accum");
}

/* ----------------------------------------------------------- catalogue */

static int put_catalogue(yb_conn *c, const yb_cat_item *it)
{
	sqlite3_stmt *s = stmt(c, S_PUT_CAT);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, it->med_list_codg);
	bind_date(s, 2, it->begndate);
	bind_date(s, 3, it->enddate);
	bind_text(s, 4, it->med_list_name);
	sqlite3_bind_int(s, 5, it->chrgitm_lv);
	sqlite3_bind_int(s, 6, it->selfpay_bp);
	sqlite3_bind_int64(s, 7, it->pric_uplmt);
	sqlite3_bind_int(s, 8, (int)it->flags);
	bind_text(s, 9, it->admdvs);
	return exec_done(c, s, "catalogue");
}

static int each_catalogue(yb_conn *c, int (*fn)(const yb_cat_item *, void *), void *arg)
{
	sqlite3_stmt *s = stmt(c, S_EACH_CAT);
	yb_cat_item it;
	int rc, frc = 0;

	if (!s)
		return YB_ERROR;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		col_text(s, 0, it.med_list_codg, sizeof(it.med_list_codg));
		it.begndate = col_date(s, 1);
		it.enddate = col_date(s, 2);
		col_text(s, 3, it.med_list_name, sizeof(it.med_list_name));
		it.chrgitm_lv = sqlite3_column_int(s, 4);
		it.selfpay_bp = sqlite3_column_int(s, 5);
		it.pric_uplmt = sqlite3_column_int64(s, 6);
		it.flags = (uint32_t)sqlite3_column_int(s, 7);
		col_text(s, 8, it.admdvs, sizeof(it.admdvs));
		if ((frc = fn(&it, arg)) < 0)
			break;
	}
	sqlite3_reset(s);
	if (frc < 0)
		return frc;
	return rc == SQLITE_DONE ? 0 : dberr(c, "catalogue");
}

/* -------------------------------------------------------------- visits */

static int next_mdtrt_id(yb_conn *c, char out[YB_ID_MAX])
{
	long long seq = atomic_fetch_add(&c->be->next_mdtrt, 1);
	snprintf(out, YB_ID_MAX, "M%015lld", seq);
	return 0;
}

static const char *const mdtrt_status[] = {
	[YB_MDTRT_REGISTERED] = "registered", [YB_MDTRT_ADMITTED] = "admitted",
	[YB_MDTRT_DISCHARGED] = "discharged", [YB_MDTRT_CANCELLED] = "cancelled",
};

static const char *status_text(int st)
{
	return st > 0 && st <= YB_MDTRT_CANCELLED && mdtrt_status[st] ? mdtrt_status[st] : "";
}

static int status_code(const char *t)
{
	int i;
	for (i = 1; i <= YB_MDTRT_CANCELLED; i++)
		if (mdtrt_status[i] && t && strcmp(mdtrt_status[i], t) == 0)
			return i;
	return 0;
}

/* Binds MDTRT_COLS as ?1..?16. */
static void bind_mdtrt(sqlite3_stmt *s, const yb_mdtrt_rec *r)
{
	bind_text(s, 1, r->psn_no);
	bind_text(s, 2, r->mdtrt_id);
	bind_text(s, 3, r->fixmedins_code);
	bind_text(s, 4, r->msgid);
	sqlite3_bind_int(s, 5, r->insutype);
	sqlite3_bind_int(s, 6, r->med_type);
	sqlite3_bind_int64(s, 7, r->begntime);
	sqlite3_bind_int64(s, 8, r->endtime);
	bind_text(s, 9, r->dise_codg);
	bind_text(s, 10, r->dise_name);
	bind_text(s, 11, r->diagnoses[0] ? r->diagnoses : "[]");
	bind_text(s, 12, r->ipt_otp_no);
	sqlite3_bind_int(s, 13, r->dscg_way);
	bind_text(s, 14, status_text(r->status));
	sqlite3_bind_int64(s, 15, r->mid_setl_dedc);
	bind_text(s, 16, r->final_setl_id);
}

static void mdtrt_cols(sqlite3_stmt *s, yb_mdtrt_rec *r)
{
	memset(r, 0, sizeof(*r));
	col_text(s, 0, r->psn_no, sizeof(r->psn_no));
	col_text(s, 1, r->mdtrt_id, sizeof(r->mdtrt_id));
	col_text(s, 2, r->fixmedins_code, sizeof(r->fixmedins_code));
	col_text(s, 3, r->msgid, sizeof(r->msgid));
	r->insutype = sqlite3_column_int(s, 4);
	r->med_type = sqlite3_column_int(s, 5);
	r->begntime = sqlite3_column_int64(s, 6);
	r->endtime = sqlite3_column_int64(s, 7);
	col_text(s, 8, r->dise_codg, sizeof(r->dise_codg));
	col_text(s, 9, r->dise_name, sizeof(r->dise_name));
	col_text(s, 10, r->diagnoses, sizeof(r->diagnoses));
	col_text(s, 11, r->ipt_otp_no, sizeof(r->ipt_otp_no));
	r->dscg_way = sqlite3_column_int(s, 12);
	r->status = status_code((const char *)sqlite3_column_text(s, 13));
	r->mid_setl_dedc = sqlite3_column_int64(s, 14);
	col_text(s, 15, r->final_setl_id, sizeof(r->final_setl_id));
}

static int put_mdtrt(yb_conn *c, const yb_mdtrt_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_MDTRT);
	if (!s)
		return YB_ERROR;
	bind_mdtrt(s, r);
	sqlite3_bind_int64(s, 17, strtoll(r->mdtrt_id + 1, NULL, 10));
	return exec_done(c, s, "mdtrt");
}

static int upd_mdtrt(yb_conn *c, const yb_mdtrt_rec *r)
{
	sqlite3_stmt *s = stmt(c, S_UPD_MDTRT);
	int rc;

	if (!s)
		return YB_ERROR;
	bind_mdtrt(s, r);
	if ((rc = exec_done(c, s, "mdtrt")) < 0)
		return rc;
	if (sqlite3_changes(c->db) != 1)
		return yb_error_set(YB_ENOTFOUND, "mdtrt_id: no visit %s", r->mdtrt_id);
	return 0;
}

/* Steps a statement expected to give at most one visit row. */
static int one_mdtrt(yb_conn *c, sqlite3_stmt *s, yb_mdtrt_rec *out)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		mdtrt_cols(s, out);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? YB_ENOTFOUND : dberr(c, "mdtrt");
}

static int get_mdtrt(yb_conn *c, const char *psn_no, const char *mdtrt_id, yb_mdtrt_rec *out)
{
	sqlite3_stmt *s = stmt(c, S_GET_MDTRT);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	return one_mdtrt(c, s, out);
}

static int find_stay(yb_conn *c, const char *psn_no, yb_datetime t, const char *except,
		     yb_mdtrt_rec *out)
{
	sqlite3_stmt *s = stmt(c, S_FIND_STAY);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	sqlite3_bind_int64(s, 2, t);
	bind_text(s, 3, except);
	return one_mdtrt(c, s, out);
}

/* Iterations step a statement of their own (not the shared prepared one):
 * a callback may run other operations, even the same one, meanwhile. */
static int each_mdtrt(yb_conn *c, const char *psn_no, int (*fn)(const yb_mdtrt_rec *, void *),
		      void *arg)
{
	sqlite3_stmt *s;
	yb_mdtrt_rec *r;
	int rc, frc = 0;

	if (sqlite3_prepare_v2(c->db, sql[S_EACH_MDTRT], -1, &s, NULL) != SQLITE_OK)
		return dberr(c, "mdtrt");
	if (!(r = malloc(sizeof(*r)))) {
		sqlite3_finalize(s);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	bind_text(s, 1, psn_no);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		mdtrt_cols(s, r);
		if ((frc = fn(r, arg)) < 0)
			break;
	}
	if (frc >= 0 && rc != SQLITE_DONE)
		frc = dberr(c, "mdtrt");
	sqlite3_finalize(s);
	free(r);
	return frc < 0 ? frc : 0;
}

/* ----------------------------------------------------------- fee lines */

static int put_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id, const yb_fee_row *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_FEE2);
	yb_buf codes = YB_BUF_INIT;
	int rc;

	if (!s)
		return YB_ERROR;
	yb_trac_codes_join(&codes, &r->codes);
	if (codes.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	bind_text(s, 3, r->feedetl_sn);
	bind_text(s, 4, r->msgid);
	bind_text(s, 5, r->chrg_bchno);
	bind_text(s, 6, r->med_list_codg);
	bind_text(s, 7, r->medins_list_codg);
	sqlite3_bind_int64(s, 8, r->sumamt);
	sqlite3_bind_int64(s, 9, r->cnt);
	sqlite3_bind_int64(s, 10, r->pric);
	sqlite3_bind_int64(s, 11, r->fee_ocur_time);
	bind_text(s, 12, r->init_feedetl_sn);
	bind_text(s, 13, r->rxno);
	sqlite3_bind_text(s, 14, codes.ptr ? codes.ptr : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 15, r->trdn_flag);
	sqlite3_bind_int(s, 16, r->known);
	sqlite3_bind_int(s, 17, r->chrgitm_lv);
	sqlite3_bind_int(s, 18, r->selfpay_bp);
	sqlite3_bind_int64(s, 19, r->pric_uplmt);
	sqlite3_bind_int64(s, 20, (sqlite3_int64)r->flags);
	sqlite3_bind_int64(s, 21, r->fulamt_ownpay_amt);
	sqlite3_bind_int64(s, 22, r->overlmt_amt);
	sqlite3_bind_int64(s, 23, r->preselfpay_amt);
	sqlite3_bind_int64(s, 24, r->inscp_scp_amt);
	bind_text(s, 25, r->memo);
	bind_text(s, 26, r->setl_id);
	rc = exec_done(c, s, "feedetail");
	yb_buf_free(&codes);
	return rc;
}

static int each_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id,
		    int (*fn)(const yb_fee_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	yb_fee_row r;
	int rc, frc = 0;

	if (sqlite3_prepare_v2(c->db, sql[S_EACH_FEE], -1, &s, NULL) != SQLITE_OK)
		return dberr(c, "feedetail");
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		col_text(s, 0, r.feedetl_sn, sizeof(r.feedetl_sn));
		col_text(s, 1, r.msgid, sizeof(r.msgid));
		col_text(s, 2, r.chrg_bchno, sizeof(r.chrg_bchno));
		col_text(s, 3, r.med_list_codg, sizeof(r.med_list_codg));
		r.medins_list_codg = (const char *)sqlite3_column_text(s, 4);
		r.sumamt = sqlite3_column_int64(s, 5);
		r.cnt = sqlite3_column_int64(s, 6);
		r.pric = sqlite3_column_int64(s, 7);
		r.fee_ocur_time = sqlite3_column_int64(s, 8);
		col_text(s, 9, r.init_feedetl_sn, sizeof(r.init_feedetl_sn));
		r.rxno = (const char *)sqlite3_column_text(s, 10);
		if ((frc = yb_trac_codes_split(&r.codes, (const char *)sqlite3_column_text(s, 11),
					       (size_t)sqlite3_column_bytes(s, 11))) < 0)
			break;
		r.trdn_flag = sqlite3_column_int(s, 12);
		r.known = sqlite3_column_int(s, 13);
		r.chrgitm_lv = sqlite3_column_int(s, 14);
		r.selfpay_bp = sqlite3_column_int(s, 15);
		r.pric_uplmt = sqlite3_column_int64(s, 16);
		r.flags = (uint32_t)sqlite3_column_int64(s, 17);
		r.fulamt_ownpay_amt = sqlite3_column_int64(s, 18);
		r.overlmt_amt = sqlite3_column_int64(s, 19);
		r.preselfpay_amt = sqlite3_column_int64(s, 20);
		r.inscp_scp_amt = sqlite3_column_int64(s, 21);
		col_text(s, 22, r.memo, sizeof(r.memo));
		col_text(s, 23, r.setl_id, sizeof(r.setl_id));
		frc = fn(&r, arg);
		yb_trac_codes_free(&r.codes);
		if (frc < 0)
			break;
	}
	if (frc >= 0 && rc != SQLITE_DONE)
		frc = dberr(c, "feedetail");
	sqlite3_finalize(s);
	return frc < 0 ? frc : 0;
}

static int set_fee_setl(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			const char *feedetl_sn, const char *setl_id)
{
	sqlite3_stmt *s = stmt(c, S_SET_FEE_SETL);
	int rc;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	bind_text(s, 3, feedetl_sn);
	bind_text(s, 4, setl_id);
	if ((rc = exec_done(c, s, "feedetail")) < 0)
		return rc;
	if (sqlite3_changes(c->db) != 1)
		return yb_error_set(YB_ENOTFOUND, "feedetl_sn: no line %s in visit %s", feedetl_sn, mdtrt_id);
	return 0;
}

static int unsettle_fees(yb_conn *c, const char *psn_no, const char *setl_id)
{
	sqlite3_stmt *s = stmt(c, S_UNSETTLE);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, setl_id);
	return exec_done(c, s, "feedetail");
}

static int del_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id, const char *feedetl_sn)
{
	sqlite3_stmt *s = stmt(c, S_DEL_FEE);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	bind_text(s, 3, feedetl_sn);
	return exec_done(c, s, "feedetail");
}

/* --------------------------------------------------------- settlements */

static int next_setl_id(yb_conn *c, char out[YB_ID_MAX])
{
	long long seq = atomic_fetch_add(&c->be->next_seq, 1);
	snprintf(out, YB_ID_MAX, "S%015lld", seq);
	return 0;
}

static int put_children(yb_conn *c, const yb_setl_row *r)
{
	sqlite3_stmt *s;
	size_t i;
	int k, rc;

	for (i = 0; i < r->n_lines; i++) {
		const yb_feeline *l = &r->lines[i];
		const yb_line_result *x = &r->results[i];
		if (!(s = stmt(c, S_PUT_FEE)))
			return YB_ERROR;
		bind_text(s, 1, r->psn_no);
		bind_text(s, 2, r->setl_id);
		bind_text(s, 3, l->feedetl_sn);
		bind_text(s, 4, l->med_list_codg);
		sqlite3_bind_int64(s, 5, l->sumamt);
		sqlite3_bind_int64(s, 6, l->cnt);
		sqlite3_bind_int64(s, 7, l->pric);
		sqlite3_bind_int(s, 8, l->known ? l->chrgitm_lv : YB_CLASS_C);
		sqlite3_bind_int(s, 9, x->selfpay_bp);
		sqlite3_bind_int64(s, 10, l->pric_uplmt);
		sqlite3_bind_int64(s, 11, x->fulamt_ownpay_amt);
		sqlite3_bind_int64(s, 12, x->overlmt_amt);
		sqlite3_bind_int64(s, 13, x->preselfpay_amt);
		sqlite3_bind_int64(s, 14, x->inscp_scp_amt);
		if ((rc = exec_done(c, s, "setl_fee")) < 0)
			return rc;
	}
	for (k = 0; k < r->n_funds; k++) {
		const yb_fund_pay *f = &r->funds[k];
		if (!(s = stmt(c, S_PUT_DETAIL)))
			return YB_ERROR;
		bind_text(s, 1, r->psn_no);
		bind_text(s, 2, r->setl_id);
		bind_text(s, 3, f->fund_pay_type);
		sqlite3_bind_int64(s, 4, f->inscp_scp_amt);
		sqlite3_bind_int64(s, 5, f->crt_payb_lmt_amt);
		sqlite3_bind_int64(s, 6, f->fund_payamt);
		bind_text(s, 7, f->setl_proc_info);
		if ((rc = exec_done(c, s, "setl_detail")) < 0)
			return rc;
	}
	return 0;
}

static int put_deltas(yb_conn *c, const yb_setl_row *r)
{
	sqlite3_stmt *s;
	int k, rc;

	for (k = 0; k < r->n_deltas; k++) {
		const yb_accum_row *d = &r->deltas[k];
		if (!(s = stmt(c, S_PUT_SACC)))
			return YB_ERROR;
		bind_text(s, 1, r->psn_no);
		bind_text(s, 2, r->setl_id);
		sqlite3_bind_int(s, 3, r->year);
		bind_text(s, 4, d->bucket);
		sqlite3_bind_int64(s, 5, d->amount);
		if ((rc = exec_done(c, s, "setl_accum")) < 0)
			return rc;
		if (!(s = stmt(c, S_UPD_ACCUM)))
			return YB_ERROR;
		bind_text(s, 1, r->psn_no);
		sqlite3_bind_int(s, 2, r->year);
		bind_text(s, 3, d->bucket);
		sqlite3_bind_int64(s, 4, d->amount);
		if ((rc = exec_done(c, s, "accum")) < 0)
			return rc;
	}
	for (k = 0; k < r->n_movs; k++) {
		const yb_acct_mov *m = &r->movs[k];
		if (!(s = stmt(c, S_PUT_MOV)))
			return YB_ERROR;
		bind_text(s, 1, m->psn_no);
		bind_text(s, 2, r->setl_id);
		bind_text(s, 3, r->psn_no);
		sqlite3_bind_int64(s, 4, m->amount);
		if ((rc = exec_done(c, s, "acct_mov")) < 0)
			return rc;
		if (!(s = stmt(c, S_UPD_ACCT)))
			return YB_ERROR;
		bind_text(s, 1, m->psn_no);
		sqlite3_bind_int64(s, 2, m->amount);
		if ((rc = exec_done(c, s, "acct")) < 0)
			return rc;
		if (sqlite3_changes(c->db) != 1)
			return yb_error_set(YB_ECONFLICT, "acct: no account for %s", m->psn_no);
	}
	return 0;
}

static int put_settlement(yb_conn *c, const yb_setl_row *r)
{
	sqlite3_stmt *s = stmt(c, S_PUT_SETL);
	int k, rc;

	if (!s)
		return YB_ERROR;
	sqlite3_bind_int64(s, 1, strtoll(r->setl_id + 1, NULL, 10));
	bind_text(s, 2, r->psn_no);
	bind_text(s, 3, r->setl_id);
	bind_text(s, 4, r->mdtrt_id);
	bind_text(s, 5, r->fixmedins_code);
	bind_text(s, 6, r->msgid);
	bind_text(s, 7, r->refd_setl_id);
	sqlite3_bind_int(s, 8, r->insutype);
	sqlite3_bind_int(s, 9, r->med_type);
	sqlite3_bind_int64(s, 10, r->setl_time);
	sqlite3_bind_int(s, 11, r->year);
	bind_text(s, 12, r->pol_ver);
	sqlite3_bind_int(s, 13, r->pool_prop);
	sqlite3_bind_int64(s, 14, r->balc);
	for (k = 0; k < YB_A_COUNT; k++)
		sqlite3_bind_int64(s, 15 + k, r->amt[k]);
	sqlite3_bind_int(s, 34, r->mid_setl);
	if ((rc = exec_done(c, s, "setl")) < 0)
		return rc;
	if ((rc = put_children(c, r)) < 0)
		return rc;
	return put_deltas(c, r);
}

/* Reads SETL_COLS, cancelled, mid_setl; returns cancelled. */
static int setl_cols(sqlite3_stmt *s, yb_setl_row *r)
{
	int k;

	col_text(s, 0, r->psn_no, sizeof(r->psn_no));
	col_text(s, 1, r->setl_id, sizeof(r->setl_id));
	col_text(s, 2, r->mdtrt_id, sizeof(r->mdtrt_id));
	col_text(s, 3, r->fixmedins_code, sizeof(r->fixmedins_code));
	col_text(s, 4, r->msgid, sizeof(r->msgid));
	col_text(s, 5, r->refd_setl_id, sizeof(r->refd_setl_id));
	r->insutype = sqlite3_column_int(s, 6);
	r->med_type = sqlite3_column_int(s, 7);
	r->setl_time = sqlite3_column_int64(s, 8);
	r->year = sqlite3_column_int(s, 9);
	col_text(s, 10, r->pol_ver, sizeof(r->pol_ver));
	r->pool_prop = sqlite3_column_int(s, 11);
	r->balc = sqlite3_column_int64(s, 12);
	for (k = 0; k < YB_A_COUNT; k++)
		r->amt[k] = sqlite3_column_int64(s, 13 + k);
	r->mid_setl = sqlite3_column_int(s, 14 + YB_A_COUNT);
	return sqlite3_column_int(s, 13 + YB_A_COUNT);
}

static int get_settlement(yb_conn *c, const char *setl_id, yb_setl_stored *out)
{
	sqlite3_stmt *s = stmt(c, S_GET_SETL);
	yb_setl_row *r = &out->row;
	int rc, n;

	if (!s)
		return YB_ERROR;
	memset(out, 0, sizeof(*out));
	bind_text(s, 1, setl_id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? yb_error_set(YB_ENOTFOUND, "setl_id: no settlement %s", setl_id)
					 : dberr(c, "setl");
	}
	out->cancelled = setl_cols(s, r);
	sqlite3_reset(s);

	if (!(s = stmt(c, S_GET_SACC)))
		return YB_ERROR;
	bind_text(s, 1, r->psn_no);
	bind_text(s, 2, r->setl_id);
	for (n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW && n < YB_MAX_BUCKETS; n++) {
		col_text(s, 0, out->deltas[n].bucket, sizeof(out->deltas[n].bucket));
		out->deltas[n].amount = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	r->deltas = out->deltas;
	r->n_deltas = n;

	if (!(s = stmt(c, S_GET_MOVS)))
		return YB_ERROR;
	bind_text(s, 1, r->setl_id);
	for (n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW && n < 1 + YB_MAX_MULAID; n++) {
		col_text(s, 0, out->movs[n].psn_no, sizeof(out->movs[n].psn_no));
		out->movs[n].amount = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	r->movs = out->movs;
	r->n_movs = n;
	return 0;
}

static int mark_cancelled(yb_conn *c, const char *psn_no, const char *setl_id)
{
	sqlite3_stmt *s = stmt(c, S_MARK);
	int rc;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, setl_id);
	if ((rc = exec_done(c, s, "setl")) < 0)
		return rc;
	if (sqlite3_changes(c->db) != 1)
		return yb_error_set(YB_EREFUSED, "setl_id: %s is already cancelled", setl_id);
	return 0;
}

static int each_setl(yb_conn *c, const char *psn_no, const char *mdtrt_id,
		     int (*fn)(const yb_setl_row *, int, void *), void *arg)
{
	sqlite3_stmt *s;
	yb_setl_row r;
	int rc, frc = 0, cancelled;

	if (sqlite3_prepare_v2(c->db, sql[S_EACH_SETL], -1, &s, NULL) != SQLITE_OK)
		return dberr(c, "setl");
	bind_text(s, 1, psn_no);
	bind_text(s, 2, mdtrt_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		cancelled = setl_cols(s, &r);
		if ((frc = fn(&r, cancelled, arg)) < 0)
			break;
	}
	if (frc >= 0 && rc != SQLITE_DONE)
		frc = dberr(c, "setl");
	sqlite3_finalize(s);
	return frc < 0 ? frc : 0;
}

static int get_setl_funds(yb_conn *c, const char *psn_no, const char *setl_id,
			  yb_fund_pay *out, int *n)
{
	sqlite3_stmt *s = stmt(c, S_GET_FUNDS);
	int rc;

	*n = 0;
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, setl_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < YB_MAX_FUNDS) {
		yb_fund_pay *f = &out[(*n)++];
		memset(f, 0, sizeof(*f));
		col_text(s, 0, f->fund_pay_type, sizeof(f->fund_pay_type));
		f->inscp_scp_amt = sqlite3_column_int64(s, 1);
		f->crt_payb_lmt_amt = sqlite3_column_int64(s, 2);
		f->fund_payamt = sqlite3_column_int64(s, 3);
		col_text(s, 4, f->setl_proc_info, sizeof(f->setl_proc_info));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : dberr(c, "setl_detail");
}

static int find_setl_by_msgid(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			      const char *msgid, char setl_id[YB_ID_MAX])
{
	sqlite3_stmt *s = stmt(c, S_FIND_SETL_MSGID);
	int rc;

	if (!s)
		return YB_ERROR;
	bind_text(s, 1, psn_no);
	bind_text(s, 2, fixmedins_code);
	bind_text(s, 3, msgid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		col_text(s, 0, setl_id, YB_ID_MAX);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? YB_ENOTFOUND : dberr(c, "setl");
}

static int reconcile(yb_conn *c, const char *fixmedins_code, int insutype, int clr_type,
		     yb_datetime from, yb_datetime to, yb_recon_rows *out)
{
	sqlite3_stmt *s = stmt(c, S_RECON);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, fixmedins_code);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	sqlite3_bind_int(s, 4, insutype);
	sqlite3_bind_int(s, 5, clr_type);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->setl_cnt = (long)sqlite3_column_int64(s, 0);
		out->cancel_cnt = (long)sqlite3_column_int64(s, 1);
		out->medfee_sumamt = sqlite3_column_int64(s, 2);
		out->fund_pay_sumamt = sqlite3_column_int64(s, 3);
		out->acct_pay = sqlite3_column_int64(s, 4);
		out->psn_cash_pay = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : dberr(c, "setl");
}

/* ------------------------------------------------- idempotency records */

static int get_idem_rec(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			const char *msgid, yb_idem_rec *rec, yb_buf *resp)
{
	sqlite3_stmt *s = stmt(c, S_GET_IDEM_REC);
	int rc;

	(void)psn_no; /* (fixmedins_code, msgid) is unique in the file */
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, fixmedins_code);
	bind_text(s, 2, msgid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(rec, 0, sizeof(*rec));
		snprintf(rec->fixmedins_code, sizeof(rec->fixmedins_code), "%s", fixmedins_code);
		snprintf(rec->msgid, sizeof(rec->msgid), "%s", msgid);
		col_text(s, 0, rec->psn_no, sizeof(rec->psn_no));
		col_text(s, 1, rec->infno, sizeof(rec->infno));
		rec->state = sqlite3_column_int(s, 2);
		col_text(s, 3, rec->req, sizeof(rec->req));
		col_text(s, 4, rec->ref, sizeof(rec->ref));
		rec->fmt = sqlite3_column_int(s, 6);
		col_text(s, 7, rec->stamp, sizeof(rec->stamp));
		if (resp)
			yb_buf_put(resp, (const char *)sqlite3_column_text(s, 5),
				   (size_t)sqlite3_column_bytes(s, 5));
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? YB_ENOTFOUND : dberr(c, "idem");
}

static int put_idem_rec(yb_conn *c, const yb_idem_rec *r, const char *resp)
{
	sqlite3_stmt *s = stmt(c, S_PUT_IDEM);
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, r->fixmedins_code);
	bind_text(s, 2, r->msgid);
	bind_text(s, 3, r->psn_no);
	bind_text(s, 4, r->infno);
	bind_text(s, 5, resp);
	sqlite3_bind_int(s, 6, r->state);
	bind_text(s, 7, r->req);
	bind_text(s, 8, r->ref);
	sqlite3_bind_int(s, 9, r->fmt);
	bind_text(s, 10, r->stamp);
	return exec_done(c, s, "idem");
}

static int set_idem_state(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			  const char *msgid, int state)
{
	sqlite3_stmt *s = stmt(c, S_SET_IDEM_STATE);
	int rc;

	(void)psn_no;
	if (!s)
		return YB_ERROR;
	bind_text(s, 1, fixmedins_code);
	bind_text(s, 2, msgid);
	sqlite3_bind_int(s, 3, state);
	if ((rc = exec_done(c, s, "idem")) < 0)
		return rc;
	return sqlite3_changes(c->db) == 1 ? 0 : yb_error_set(YB_ENOTFOUND, "msgid: no message %s", msgid);
}

/* -------------------------------------------------- the generic runner */

/* The statement for sql: from the cache, else prepared with $N read as ?N
 * (the texts hold no '$' but in placeholders). *slot: its cache entry, or
 * NULL when the cache is full or the entry busy (finalize it then). */
static sqlite3_stmt *gen_prepare(yb_conn *c, const char *text_in, struct gen_stmt **slot)
{
	sqlite3_stmt *st = NULL;
	char *text;
	size_t i, n = strlen(text_in);
	int k;

	*slot = NULL;
	for (k = 0; k < c->n_gen; k++)
		if (c->gen[k].sql == text_in && !c->gen[k].busy) {
			*slot = &c->gen[k];
			sqlite3_reset(c->gen[k].st);
			sqlite3_clear_bindings(c->gen[k].st);
			return c->gen[k].st;
		}
	if (!(text = malloc(n + 1))) {
		yb_error_set(YB_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i <= n; i++)
		text[i] = text_in[i] == '$' && text_in[i + 1] >= '0' && text_in[i + 1] <= '9' ? '?' : text_in[i];
	if (sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		dberr(c, "prepare");
		st = NULL;
	}
	free(text);
	if (st && c->n_gen < GEN_CACHE) {
		*slot = &c->gen[c->n_gen++];
		(*slot)->sql = text_in;
		(*slot)->st = st;
	}
	return st;
}

static int gen_exec(yb_conn *c, const char *text, const yb_sqlv *v, int n,
		    yb_sql_row row, void *arg, long *changes)
{
	struct gen_stmt *slot;
	sqlite3_stmt *s = gen_prepare(c, text, &slot);
	const char *cols[32];
	int i, rc, frc = 0, nc;

	if (!s)
		return sqlite3_errcode(c->db) == SQLITE_OK ? YB_ENOMEM : YB_ERROR;
	for (i = 0; i < n; i++) {
		if (v[i].type == YB_SQLV_INT)
			sqlite3_bind_int64(s, i + 1, v[i].i);
		else if (v[i].type == YB_SQLV_NULL || !v[i].s)
			sqlite3_bind_null(s, i + 1);
		else
			sqlite3_bind_text(s, i + 1, v[i].s, -1, SQLITE_STATIC);
	}
	if (slot)
		slot->busy = 1;
	nc = sqlite3_column_count(s);
	if (nc > 32)
		nc = 32;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < nc; i++)
			cols[i] = (const char *)sqlite3_column_text(s, i);
		if (row && (frc = row(arg, nc, cols)) < 0)
			break;
	}
	if (frc >= 0 && rc != SQLITE_DONE)
		frc = dberr(c, "store");
	else if (changes)
		*changes = sqlite3_changes(c->db);
	if (slot) {
		slot->busy = 0;
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	} else {
		sqlite3_finalize(s);
	}
	return frc < 0 ? frc : 0;
}

/* -------------------------------------------------------------- checks */

/* The checks shared with PostgreSQL are in checks.h; SQLite's own
 * foreign-key and integrity checks follow them in check(). */

static int check(yb_conn *c, void (*fn)(const char *, void *), void *arg, long *checked)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	*checked = 0;
	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM setl", -1, &s, NULL) != SQLITE_OK)
		return dberr(c, "check");
	if (sqlite3_step(s) == SQLITE_ROW)
		*checked = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (i = 0; i < YB_STORE_N_CHECKS; i++) {
		if (sqlite3_prepare_v2(c->db, yb_store_checks[i].sql, -1, &s, NULL) != SQLITE_OK)
			return dberr(c, yb_store_checks[i].name);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s: %s (%lld)", yb_store_checks[i].name,
				 (const char *)sqlite3_column_text(s, 0),
				 (long long)sqlite3_column_int64(s, 1));
			fn(msg, arg);
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return dberr(c, yb_store_checks[i].name);
	}
	if (sqlite3_prepare_v2(c->db, "PRAGMA foreign_key_check", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			char msg[256];
			snprintf(msg, sizeof(msg), "foreign key broken in %s row %lld",
				 (const char *)sqlite3_column_text(s, 0),
				 (long long)sqlite3_column_int64(s, 1));
			fn(msg, arg);
		}
		sqlite3_finalize(s);
	}
	if (sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(s, 0);
			if (t && strcmp(t, "ok") != 0)
				fn(t, arg);
		}
		sqlite3_finalize(s);
	}
	return 0;
}

/* This backend's operations (store_impl.h), by subject. */
const yb_store_ops yb_store_sqlite_ops = {
	.name = "sqlite",
	.byte_order = "", /* BINARY is SQLite's default */
	/* connections and transaction control */
	.open = be_open, .close = be_close, .conn_open = conn_open, .conn_close = conn_close,
	.begin = tx_begin, .commit = tx_commit, .rollback = tx_rollback, .savepoint = tx_savepoint,
	.release = tx_release, .rollback_to = tx_rollback_to,
	/* institutions */
	.put_fixmedins = put_fixmedins, .get_fixmedins = get_fixmedins,
	/* persons, insurance periods, registrations */
	.put_psn = put_psn, .get_psn = get_psn, .put_psn_reg = put_psn_reg,
	.get_psn_regs = get_psn_regs,
	/* accounts and mutual aid */
	.put_mulaid = put_mulaid, .get_mulaid = get_mulaid,
	/* accumulators */
	.get_accums = get_accums,
	/* catalogue */
	.put_catalogue = put_catalogue, .each_catalogue = each_catalogue,
	/* visits */
	.next_mdtrt_id = next_mdtrt_id, .put_mdtrt = put_mdtrt, .upd_mdtrt = upd_mdtrt,
	.get_mdtrt = get_mdtrt, .each_mdtrt = each_mdtrt, .find_stay = find_stay,
	/* fee lines */
	.put_fee = put_fee, .each_fee = each_fee, .set_fee_setl = set_fee_setl,
	.unsettle_fees = unsettle_fees, .del_fee = del_fee,
	/* settlements */
	.next_setl_id = next_setl_id, .put_settlement = put_settlement,
	.get_settlement = get_settlement, .mark_cancelled = mark_cancelled, .each_setl = each_setl,
	.get_setl_funds = get_setl_funds, .find_setl_by_msgid = find_setl_by_msgid,
	.reconcile = reconcile,
	/* idempotency records */
	.get_idem_rec = get_idem_rec, .put_idem_rec = put_idem_rec,
	.set_idem_state = set_idem_state,
	/* the generic runner */
	.sql = gen_exec,
	/* check */
	.check = check,
};
