/* The PostgreSQL backend of store.h, through libpq: a province's store.
 *
 * Design notes
 *  1. Several writer connections (8 by default, `writers=N` in the URL);
 *     store.c sends every unit of one key (the psn_no) to one writer and
 *     runs a group of units in one transaction, each in a savepoint. So one
 *     person's settlements are serialised by the queue, different persons
 *     run in parallel, and one commit (one WAL flush) covers a group.
 *  2. READ COMMITTED with row locks. A write unit that reads a person
 *     (get_psn) locks that person's account row (SELECT ... FOR UPDATE):
 *     that row is the person's mutex. Every unit that changes a person's
 *     accumulators or account reads the person first (settle, cancel), so
 *     a cancel - which store.c routes by setl_id, hence maybe to another
 *     writer - waits for a settlement of the same person and the reverse;
 *     each statement after the lock sees the other's commit. Accounts of
 *     mutual-aid initiators (A2) are locked too (get_mulaid), in psn_no
 *     order, before their balances are used.
 *  3. Deadlocks (40P01; two groups locking two accounts in opposite order,
 *     which family mutual aid makes possible) and serialisation failures
 *     (40001) return YB_ERETRY: store.c rolls the group back and runs every
 *     unit again in a new transaction. A unit's answer depends only on what
 *     it reads, and the idempotency record is written in the same
 *     transaction, so a re-run is invisible to the caller.
 *  4. Statements are parameterised (never SQL built from input), prepared
 *     once per connection, and sent in pipeline mode: the writes of a
 *     settlement, SAVEPOINT and BEGIN are queued and go to the server with
 *     the next statement whose answer is needed (RELEASE at the latest), so
 *     a settlement costs three round trips (four with mutual aid), not
 *     thirty: answers a settlement asks for next are read ahead with the
 *     idempotency lookup and with the person. An error of a queued
 *     write is reported by the operation that flushes it; a unit's writes
 *     are always flushed by its RELEASE, inside its savepoint.
 *  5. COMMIT must answer "COMMIT": PostgreSQL answers "ROLLBACK" to a COMMIT
 *     of a failed transaction, which must never be taken for success.
 *  6. synchronous_commit is forced on if the server has it off: a commit
 *     returns only once its WAL is on disk.
 *  7. Connections open on first use and reopen after a loss, between
 *     transactions; the URL is checked (and the schema migrated) at open.
 *  8. Types as in SQLite: dates ISO text, times seconds, money bigint fen.
 *     Amounts travel as decimal text; nothing goes through a double.
 *
 *   unit:  [BEGIN] [SAVEPOINT] get_idem+(fixmedins) │ get_psn+lock+(accums,
 *          mulaid) │ [initiators' locks │] (engine) put_* ... RELEASE │
 *                                                     ... COMMIT (group)
 *   (│ = one round trip; [x] = queued, sent with the next one; (x) = read
 *   ahead; no SAVEPOINT for a group's first unit: see tx_savepoint)
 */
#include "store_impl.h"
#include "checks.h"
#include "schema_pg.h"
#include "yibao/error.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEND 256        /* queued statements before a forced flush */
#define MAX_KEEP 16         /* results kept from one flush */
#define MAX_ARGS 64
#define ID_BATCH 64         /* setl_seq numbers taken at a time */
#define DEFAULT_WRITERS 8
#define MAX_PG_WRITERS 64
#define EXCLUSIVE_LOCK "7262001" /* advisory lock of bulk loads */
#define MIGRATE_LOCK "7262000"   /* advisory lock of migrations */

struct yb_backend {
	char url[4096];      /* what libpq sees (yibao's own parameters removed) */
	int n_writers;
	int inject_every;    /* test hook: YIBAO_PG_TEST_DEADLOCK_EVERY (see flush) */
	int sharded;         /* sharded=1: idempotency records by person only */
};

enum {
	/* connections and transactions */
	S_BEGIN_READ, S_BEGIN_WRITE, S_EXCL_LOCK, S_COMMIT, S_ROLLBACK, S_SAVEPOINT,
	S_RELEASE, S_ROLLBACK_TO,
	/* institutions */
	S_PUT_FIX, S_GET_FIX,
	/* persons, insurance periods, registrations */
	S_PUT_PSN, S_PUT_INSU, S_PUT_ACCT, S_GET_PSN, S_GET_PSN_LOCK, S_GET_PSN_ALL,
	S_GET_PSN_CERT, S_GET_PSN_CERT_LOCK, S_GET_INSU, S_PUT_REG, S_GET_REGS,
	/* accounts and mutual aid */
	S_COUNT_MULAID, S_PUT_MULAID, S_GET_MULAID, S_GET_BALC, S_GET_BALC_LOCK,
	/* accumulators */
	S_GET_ACCUMS,
	/* catalogue */
	S_PUT_CAT, S_EACH_CAT,
	/* visits */
	S_NEXT_MDTRT, S_PUT_MDTRT, S_UPD_MDTRT, S_GET_MDTRT, S_EACH_MDTRT, S_FIND_STAY,
	/* fee lines */
	S_PUT_FEED, S_EACH_FEE, S_SET_FEE_SETL, S_UNSETTLE, S_DEL_FEE,
	/* settlements */
	S_NEXT_IDS, S_PUT_SETL, S_PUT_SETL_ALL, S_PUT_MOV, S_GET_SETL, S_GET_SACC,
	S_GET_MOVS, S_MARK, S_EACH_SETL, S_GET_FUNDS, S_FIND_SETL_MSGID, S_RECON,
	/* idempotency records */
	S_PUT_IDEM, S_GET_IDEM_REC, S_GET_IDEM_REC_PSN, S_GET_IDEM_FIX,
	S_GET_IDEM_PSN_FIX, S_SET_IDEM_STATE, S_SET_IDEM_STATE_PSN,
	S_COUNT
};

#define AMOUNT_COLS "medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt," \
	" inscp_scp_amt, act_pay_dedc, hifp_pay, cvlserv_pay, hifes_pay, hifmi_pay," \
	" hifob_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, acct_pay," \
	" psn_cash_pay, hosp_part_amt, acct_mulaid_pay"
#define SETL_COLS "psn_no, setl_id, mdtrt_id, fixmedins_code, msgid, refd_setl_id," \
	" insutype, med_type, setl_time, year, pol_ver, pool_prop, balc, " AMOUNT_COLS
/* an idempotency record (get_idem_rec reads them by position) */
#define IDEM_COLS "r.psn_no, r.infno, r.state, r.req, r.ref, r.response, r.fmt, r.stamp"
#define IDEM_NCOLS 8
#define FIX_COLS "f.fixmedins_code, f.fixmedins_name, f.fixmedins_type, f.hosp_lv," \
	" f.prim_flag, f.admdvs, f.secret"
#define MDTRT_COLS "psn_no, mdtrt_id, fixmedins_code, msgid, insutype, med_type," \
	" begntime, endtime, dise_codg, dise_name, diagnoses, ipt_otp_no, dscg_way, status," \
	" mid_setl_dedc, final_setl_id"
#define FEE_COLS "feedetl_sn, msgid, chrg_bchno, med_list_codg, medins_list_codg," \
	" det_item_fee_sumamt, cnt, pric, fee_ocur_time, init_feedetl_sn, rxno," \
	" drug_trac_codg, trdn_flag, known, chrgitm_lv, selfpay_prop, pric_uplmt_amt," \
	" flags, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, memo, setl_id"
#define PSN_COLS "p.psn_no, p.certno, p.psn_name, p.gend, coalesce(p.brdy, ''), p.insu_admdvs"
#define REG_ORDER "kind COLLATE \"C\", type COLLATE \"C\", admdvs COLLATE \"C\", begndate COLLATE \"C\""
#define INSU_COLS "insutype, psn_type, begndate, enddate, psn_insu_stas"
/* the insurance period covering day $2, the 'valid' one first */
#define INSU_OF(psn) "SELECT " INSU_COLS " FROM psn_insu WHERE psn_no = " psn \
	" AND begndate <= $2 AND enddate >= $2 ORDER BY psn_insu_stas, begndate DESC LIMIT 1"

/* Every statement names psn_no (or bound_psn_no) when it touches a
 * person-scoped table, so that a sharded cluster routes it to one shard
 * (tests/pg/shard_test.sh reads the server's statement log to prove it).
 * Where store_sqlite.c gets rows in the order of SQLite's primary key,
 * the statement here writes that order out. */
static const char *const sql[S_COUNT] = {
	/* ---- connections and transactions */
	[S_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
	[S_BEGIN_WRITE] = "BEGIN ISOLATION LEVEL READ COMMITTED",
	[S_EXCL_LOCK] = "SELECT pg_advisory_xact_lock(" EXCLUSIVE_LOCK ")",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT unit",
	[S_RELEASE] = "RELEASE SAVEPOINT unit",
	[S_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT unit",
	/* ---- institutions */
	[S_PUT_FIX] = "INSERT INTO fixmedins VALUES($1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT(fixmedins_code) DO UPDATE SET fixmedins_name = EXCLUDED.fixmedins_name,"
		" fixmedins_type = EXCLUDED.fixmedins_type, hosp_lv = EXCLUDED.hosp_lv,"
		" prim_flag = EXCLUDED.prim_flag, admdvs = EXCLUDED.admdvs, secret = EXCLUDED.secret",
	[S_GET_FIX] = "SELECT " FIX_COLS " FROM fixmedins f WHERE fixmedins_code = $1",
	/* ---- persons, insurance periods, registrations */
	[S_PUT_PSN] = "INSERT INTO psn VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(psn_no)"
		" DO UPDATE SET certno = EXCLUDED.certno, psn_name = EXCLUDED.psn_name,"
		" gend = EXCLUDED.gend, brdy = EXCLUDED.brdy, insu_admdvs = EXCLUDED.insu_admdvs",
	[S_PUT_INSU] = "INSERT INTO psn_insu VALUES($1, $2, $3, $4, $5, $6)"
		" ON CONFLICT(psn_no, insutype, begndate) DO UPDATE SET psn_type = EXCLUDED.psn_type,"
		" enddate = EXCLUDED.enddate, psn_insu_stas = EXCLUDED.psn_insu_stas",
	/* an account opens once; a later load of the person leaves it alone */
	[S_PUT_ACCT] = "INSERT INTO acct VALUES($1, $2, $2) ON CONFLICT(psn_no) DO NOTHING",
	/* the person, the account and the period covering day $2, at once */
	[S_GET_PSN] = "SELECT " PSN_COLS ", coalesce(a.balc, 0), i.* FROM psn p"
		" LEFT JOIN acct a ON a.psn_no = p.psn_no"
		" LEFT JOIN LATERAL (" INSU_OF("$1") ") i ON true WHERE p.psn_no = $1",
	/* the person's account row is the person's lock (design note 2) */
	[S_GET_PSN_LOCK] = "SELECT " PSN_COLS ", a.balc, i.* FROM psn p JOIN acct a ON a.psn_no = p.psn_no"
		" LEFT JOIN LATERAL (" INSU_OF("$1") ") i ON true"
		" WHERE p.psn_no = $1 AND a.psn_no = $1 FOR UPDATE OF a",
	/* A settlement's reads of its person in one statement: the person, the
	 * account (locked), the period covering day $2, and as arrays the
	 * accumulators of year $3, the bindings (A2 order) and the
	 * registrations: all the person's rows, one shard. */
	[S_GET_PSN_ALL] = "SELECT " PSN_COLS ", a.balc, i.*, ac.b, ac.v, mu.p, mu.t,"
		" rg.k, rg.t, rg.a, rg.bd, rg.ed FROM psn p JOIN acct a ON a.psn_no = p.psn_no"
		" LEFT JOIN LATERAL (" INSU_OF("$1") ") i ON true"
		" LEFT JOIN LATERAL (SELECT array_agg(bucket ORDER BY bucket) b,"
		" array_agg(amount ORDER BY bucket) v FROM accum WHERE psn_no = $1 AND year = $3) ac ON true"
		" LEFT JOIN LATERAL (SELECT array_agg(initiator_psn_no ORDER BY bind_time, initiator_psn_no) p,"
		" array_agg(bind_time ORDER BY bind_time, initiator_psn_no) t FROM (SELECT initiator_psn_no,"
		" bind_time FROM mulaid WHERE bound_psn_no = $1 AND unbind_time = 0"
		" ORDER BY bind_time, initiator_psn_no"
		" LIMIT 7) m) mu ON true"
		" LEFT JOIN LATERAL (SELECT array_agg(kind ORDER BY " REG_ORDER ") k,"
		" array_agg(type ORDER BY " REG_ORDER ") t, array_agg(admdvs ORDER BY " REG_ORDER ") a,"
		" array_agg(begndate ORDER BY " REG_ORDER ") bd, array_agg(enddate ORDER BY " REG_ORDER ") ed"
		" FROM psn_reg WHERE psn_no = $1) rg ON true"
		" WHERE p.psn_no = $1 AND a.psn_no = $1 FOR UPDATE OF a",
	[S_GET_PSN_CERT] = "SELECT " PSN_COLS ", coalesce(a.balc, 0) FROM psn p"
		" LEFT JOIN acct a ON a.psn_no = p.psn_no WHERE p.certno = $1 ORDER BY p.psn_no LIMIT 1",
	[S_GET_PSN_CERT_LOCK] = "SELECT " PSN_COLS ", a.balc FROM psn p JOIN acct a ON a.psn_no = p.psn_no"
		" WHERE p.certno = $1 ORDER BY p.psn_no LIMIT 1 FOR UPDATE OF a",
	[S_GET_INSU] = INSU_OF("$1"),
	[S_PUT_REG] = "INSERT INTO psn_reg VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(psn_no, kind,"
		" type, admdvs, begndate) DO UPDATE SET enddate = EXCLUDED.enddate",
	[S_GET_REGS] = "SELECT kind, type, admdvs, begndate, enddate FROM psn_reg WHERE psn_no = $1"
		" ORDER BY " REG_ORDER,
	/* ---- accounts and mutual aid */
	/* bindings ended by unbinding (unbind_time, migration 4) are history */
	[S_COUNT_MULAID] = "SELECT count(*) FROM mulaid WHERE initiator_psn_no = $1"
		" AND bound_psn_no <> $2 AND unbind_time = 0",
	[S_PUT_MULAID] = "INSERT INTO mulaid VALUES($1, $2, $3)"
		" ON CONFLICT(bound_psn_no, initiator_psn_no) WHERE unbind_time = 0"
		" DO UPDATE SET bind_time = EXCLUDED.bind_time",
	[S_GET_MULAID] = "SELECT initiator_psn_no, bind_time FROM mulaid WHERE bound_psn_no = $1"
		" AND unbind_time = 0 ORDER BY bind_time, initiator_psn_no LIMIT 7",
	[S_GET_BALC] = "SELECT balc FROM acct WHERE psn_no = $1",
	[S_GET_BALC_LOCK] = "SELECT balc FROM acct WHERE psn_no = $1 FOR UPDATE",
	/* ---- accumulators */
	[S_GET_ACCUMS] = "SELECT bucket, amount FROM accum WHERE psn_no = $1 AND year = $2",
	/* ---- catalogue */
	[S_PUT_CAT] = "INSERT INTO catalogue VALUES($9, $1, $2, $3, $4, $5, $6, $7, $8)"
		" ON CONFLICT(admdvs, med_list_codg, begndate) DO UPDATE SET enddate = EXCLUDED.enddate,"
		" med_list_name = EXCLUDED.med_list_name, chrgitm_lv = EXCLUDED.chrgitm_lv,"
		" selfpay_prop = EXCLUDED.selfpay_prop, pric_uplmt_amt = EXCLUDED.pric_uplmt_amt,"
		" flags = EXCLUDED.flags",
	/* by region, newest version first: yb_catalogue_find() takes the
	 * first version that covers the day (as in store_sqlite.c); COLLATE "C"
	 * sorts as SQLite does, whatever the database's locale */
	[S_EACH_CAT] = "SELECT med_list_codg, begndate, enddate, med_list_name, chrgitm_lv,"
		" selfpay_prop, pric_uplmt_amt, flags, admdvs FROM catalogue"
		" ORDER BY admdvs COLLATE \"C\", med_list_codg COLLATE \"C\", begndate COLLATE \"C\" DESC",
	/* ---- visits */
	[S_NEXT_MDTRT] = "SELECT nextval('mdtrt_seq') FROM generate_series(1, $1::integer)",
	[S_PUT_MDTRT] = "INSERT INTO mdtrt(seq, " MDTRT_COLS ") VALUES($17, $1, $2, $3, $4, $5, $6,"
		" $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
	[S_UPD_MDTRT] = "UPDATE mdtrt SET insutype = $3, med_type = $4, begntime = $5, endtime = $6,"
		" dise_codg = $7, dise_name = $8, diagnoses = $9, ipt_otp_no = $10, dscg_way = $11,"
		" status = $12, mid_setl_dedc = $13, final_setl_id = $14"
		" WHERE psn_no = $1 AND mdtrt_id = $2",
	[S_GET_MDTRT] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no = $1 AND mdtrt_id = $2",
	[S_EACH_MDTRT] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no = $1 ORDER BY seq",
	[S_FIND_STAY] = "SELECT " MDTRT_COLS " FROM mdtrt WHERE psn_no = $1"
		" AND med_type BETWEEN 21 AND 29 AND status IN ('admitted', 'discharged')"
		" AND begntime <= $2 AND (endtime = 0 OR endtime >= $2) AND mdtrt_id <> $3 LIMIT 1",
	/* ---- fee lines */
	[S_PUT_FEED] = "INSERT INTO feedetail(psn_no, mdtrt_id, " FEE_COLS ") VALUES($1, $2, $3,"
		" $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
		" $22, $23, $24, $25, $26)",
	[S_EACH_FEE] = "SELECT " FEE_COLS " FROM feedetail WHERE psn_no = $1 AND mdtrt_id = $2"
		" ORDER BY feedetl_sn COLLATE \"C\"",
	[S_SET_FEE_SETL] = "UPDATE feedetail SET setl_id = $4 WHERE psn_no = $1 AND mdtrt_id = $2"
		" AND feedetl_sn = $3",
	[S_UNSETTLE] = "UPDATE feedetail SET setl_id = '' WHERE psn_no = $1 AND setl_id = $2",
	[S_DEL_FEE] = "DELETE FROM feedetail WHERE psn_no = $1 AND mdtrt_id = $2 AND feedetl_sn = $3",
	/* ---- settlements */
	[S_NEXT_IDS] = "SELECT nextval('setl_seq') FROM generate_series(1, $1::integer)",
	[S_PUT_SETL] = "INSERT INTO setl(seq, " SETL_COLS ", mid_setl) VALUES($1, $2, $3, $4, $5,"
		" $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,"
		" $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)",
	/* A settlement and all its rows of the settling person - fee lines, fund
	 * rows, accumulator deltas with the accumulators they move, the movement
	 * of the person's own account with its balance - in one statement
	 * (a statement costs the server far more than a row), the rows as
	 * arrays ($35...). Foreign keys are checked at the end of the statement.
	 * "No account" for a movement is a division by zero (see flush()). */
	[S_PUT_SETL_ALL] = "WITH s AS (INSERT INTO setl(seq, " SETL_COLS ", mid_setl) VALUES($1, $2,"
		" $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
		" $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)),"
		" f AS (INSERT INTO setl_fee SELECT $2, $3, * FROM unnest($35::text[], $36::text[],"
		" $37::bigint[], $38::bigint[], $39::bigint[], $40::integer[], $41::integer[], $42::bigint[],"
		" $43::bigint[], $44::bigint[], $45::bigint[], $46::bigint[])),"
		" d AS (INSERT INTO setl_detail SELECT $2, $3, * FROM unnest($47::text[], $48::bigint[],"
		" $49::bigint[], $50::bigint[], $51::text[])),"
		" sa AS (INSERT INTO setl_accum SELECT $2, $3, $11, * FROM unnest($52::text[], $53::bigint[])"
		" RETURNING psn_no, year, bucket, delta),"
		" ac AS (INSERT INTO accum SELECT * FROM sa ON CONFLICT(psn_no, year, bucket)"
		" DO UPDATE SET amount = accum.amount + EXCLUDED.amount),"
		" m AS (INSERT INTO acct_mov SELECT $2, $3, $2, x FROM unnest($54::bigint[]) x RETURNING amount),"
		" u AS (UPDATE acct SET balc = acct.balc + m.amount FROM m WHERE acct.psn_no = $2 RETURNING 1)"
		" SELECT 1 / (CASE WHEN (SELECT count(*) FROM m) = (SELECT count(*) FROM u) THEN 1 ELSE 0 END)",
	/* A movement of another person's account (mutual aid, or the credit
	 * back of a cancel) and the balance it moves: that person's rows.
	 * Queued writes must fail on the server, not in a later check, so that
	 * the unit's RELEASE (sent with them) never releases a failed unit:
	 * "no account" is a division by zero (see flush()). */
	[S_PUT_MOV] = "WITH m AS (INSERT INTO acct_mov VALUES($1, $2, $3, $4) RETURNING amount),"
		" u AS (UPDATE acct SET balc = acct.balc + m.amount FROM m WHERE acct.psn_no = $1"
		" RETURNING 1) SELECT 1 / count(*)::integer FROM u",
	[S_GET_SETL] = "SELECT " SETL_COLS ", cancelled, mid_setl FROM setl WHERE setl_id = $1",
	[S_GET_SACC] = "SELECT bucket, delta FROM setl_accum WHERE psn_no = $1 AND setl_id = $2"
		" ORDER BY bucket",
	[S_GET_MOVS] = "SELECT psn_no, amount FROM acct_mov WHERE setl_id = $1 ORDER BY amount, psn_no",
	[S_MARK] = "WITH u AS (UPDATE setl SET cancelled = 1 WHERE psn_no = $1 AND setl_id = $2"
		" AND cancelled = 0 RETURNING 1) SELECT 1 / count(*)::integer FROM u",
	[S_EACH_SETL] = "SELECT " SETL_COLS ", cancelled, mid_setl FROM setl WHERE psn_no = $1"
		" AND mdtrt_id = $2 ORDER BY setl_id COLLATE \"C\"",
	[S_GET_FUNDS] = "SELECT fund_pay_type, inscp_scp_amt, crt_payb_lmt_amt, fund_payamt,"
		" setl_proc_info FROM setl_detail WHERE psn_no = $1 AND setl_id = $2"
		" ORDER BY fund_pay_type COLLATE \"C\"",
	[S_FIND_SETL_MSGID] = "SELECT setl_id FROM setl WHERE psn_no = $1 AND fixmedins_code = $2"
		" AND msgid = $3 AND refd_setl_id = '' LIMIT 1",
	/* an institution's totals: a report across persons (across shards) */
	[S_RECON] = "SELECT count(*) FILTER (WHERE refd_setl_id = ''),"
		" count(*) FILTER (WHERE refd_setl_id <> ''), coalesce(sum(medfee_sumamt), 0),"
		" coalesce(sum(fund_pay_sumamt), 0), coalesce(sum(acct_pay), 0),"
		" coalesce(sum(psn_cash_pay), 0) FROM setl"
		" WHERE fixmedins_code = $1 AND setl_time >= $2 AND setl_time < $3"
		" AND ($4::integer = 0 OR insutype = $4)"
		" AND ($5::integer = 0 OR (CASE WHEN med_type BETWEEN 21 AND 29 THEN 21 ELSE 11 END) = $5)",
	/* ---- idempotency records */
	[S_PUT_IDEM] = "INSERT INTO idem(fixmedins_code, msgid, psn_no, infno, response, state,"
		" req, ref, fmt, stamp) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	[S_GET_IDEM_REC] = "SELECT " IDEM_COLS " FROM idem r"
		" WHERE fixmedins_code = $1 AND msgid = $2",
	[S_GET_IDEM_REC_PSN] = "SELECT " IDEM_COLS " FROM idem r"
		" WHERE psn_no = $1 AND fixmedins_code = $2 AND msgid = $3",
	/* S_GET_IDEM_REC with the institution a unit reads next: one row
	 * always, NULLs for what is missing */
	[S_GET_IDEM_FIX] = "SELECT " IDEM_COLS ", " FIX_COLS " FROM (SELECT 1) one"
		" LEFT JOIN idem r ON r.fixmedins_code = $1 AND r.msgid = $2"
		" LEFT JOIN fixmedins f ON f.fixmedins_code = $1",
	[S_GET_IDEM_PSN_FIX] = "SELECT " IDEM_COLS ", " FIX_COLS " FROM (SELECT 1) one"
		" LEFT JOIN idem r ON r.psn_no = $1 AND r.fixmedins_code = $2 AND r.msgid = $3"
		" LEFT JOIN fixmedins f ON f.fixmedins_code = $2",
	[S_SET_IDEM_STATE] = "UPDATE idem SET state = $3 WHERE fixmedins_code = $1 AND msgid = $2",
	[S_SET_IDEM_STATE_PSN] = "UPDATE idem SET state = $4 WHERE psn_no = $1 AND fixmedins_code = $2"
		" AND msgid = $3",
};

/* A statement sent and not yet answered. */
typedef struct pend {
	int k;
	int keep;             /* the caller wants the result */
	int fail_code;        /* for a division by zero of a "must change a row" */
	char fail_msg[128];
} pend;

struct yb_conn {
	yb_backend *be;
	PGconn *pg;
	int mode;             /* of the open transaction */
	int in_tx;
	int retry;            /* a deadlock or serialisation failure since BEGIN */
	int units;            /* units begun in this transaction */
	int sp;               /* the current unit has a savepoint */
	pend q[MAX_PEND];
	int nq;
	PGresult *kept[MAX_KEEP];
	int nkept;
	/* numbers of setl_seq and mdtrt_seq taken ahead (next_setl_id) */
	struct idcache {
		long long ids[ID_BATCH];
		int n, next, batch;
	} setl_ids, mdtrt_ids;
	unsigned txs, flushes, inject_at; /* for the test hook */
	/* Answers read ahead, in the round trip of an earlier statement of the
	 * same unit (design note 4): the institution with the idempotency
	 * lookup, the accumulators and bindings with the person. */
	struct ahead {
		PGresult *fix;
		char fix_code[YB_ID_MAX];
		int fix_col;      /* the institution's first column in fix */
		char psn[YB_ID_MAX]; /* the person of the rest, "" none */
		int year;
		int acc_ok, mul_ok, reg_ok; /* each is taken once */
		yb_accum_row acc[YB_MAX_BUCKETS];
		int n_acc;
		yb_mulaid_row mul[YB_MAX_MULAID];
		size_t n_mul;
		yb_psn_reg_rec regs[2 * YB_MAX_PSN_REGS];
		size_t n_regs;
	} ahead;
};

/* Parameters of one statement, as text. */
typedef struct args {
	const char *v[MAX_ARGS];
	char num[MAX_ARGS][24];
	int n;
} args;

static void a_text(args *a, const char *s) { a->v[a->n++] = s ? s : ""; }
static void a_null(args *a) { a->v[a->n++] = NULL; }

static void a_int(args *a, long long x)
{
	snprintf(a->num[a->n], sizeof(a->num[0]), "%lld", x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

static void a_date(args *a, yb_date d)
{
	a->v[a->n] = yb_store_date_text(a->num[a->n], d);
	a->n++;
}

/* Idempotency records are looked up by (fixmedins_code, msgid), unique in
 * the database, as in SQLite; on a cluster sharded by person (sharded=1 in
 * the URL), within the person the message names (docs/scale-out.md). */
static int by_person(yb_conn *c, const char *psn_no)
{
	return c->be->sharded && psn_no && psn_no[0];
}

/* ------------------------------------------------------------ results */

static const char *col(const PGresult *r, int row, int i)
{
	return PQgetisnull(r, row, i) ? "" : PQgetvalue(r, row, i);
}

static long long col_int(const PGresult *r, int row, int i)
{
	return strtoll(col(r, row, i), NULL, 10);
}

static void col_text(const PGresult *r, int row, int i, char *out, size_t cap)
{
	snprintf(out, cap, "%s", col(r, row, i));
}

static yb_date col_date(const PGresult *r, int row, int i)
{
	return yb_store_text_date(col(r, row, i));
}

/* ------------------------------------------------------------- errors */

#define K_CHECK (-1) /* a check query, sent as text */
#define K_SQL (-2)   /* a statement of the generic runner */

static const char *stmt_sql(int k)
{
	return k == K_CHECK ? "check" : k == K_SQL ? "store" : sql[k];
}

/* The connection broke (the server restarted, the network failed): the
 * store is unavailable, not wrong, and the caller may try again (YB_EBUSY:
 * 503 on the interfaces). A statement that failed on a live connection is
 * an error of its own (stmt_error). */
static int conn_lost(yb_conn *c, const char *what)
{
	char msg[256];
	int lost = !c->pg || PQstatus(c->pg) == CONNECTION_BAD;

	snprintf(msg, sizeof(msg), "%s", c->pg ? PQerrorMessage(c->pg) : "not connected");
	msg[strcspn(msg, "\n")] = '\0';
	if (c->pg && PQstatus(c->pg) == CONNECTION_BAD) {
		PQfinish(c->pg);
		c->pg = NULL; /* reopened by the next BEGIN */
	}
	if (lost)
		return yb_error_set(YB_EBUSY, "store unavailable, try again: %s: postgresql: %s", what, msg);
	return yb_error_set(YB_ERROR, "%s: postgresql: %s", what, msg);
}

/* The error of a failed statement, as a yibao code and message. */
static int stmt_error(yb_conn *c, const PGresult *r, const pend *p)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *what = stmt_sql(p->k);
	char name[48];
	int code = YB_ERROR;

	/* name the table, not the whole statement */
	if (strncmp(what, "INSERT INTO ", 12) == 0 || strncmp(what, "UPDATE ", 7) == 0)
		what += what[0] == 'I' ? 12 : 7;
	else if (strstr(what, " FROM "))
		what = strstr(what, " FROM ") + 6;
	snprintf(name, sizeof(name), "%s", what);
	name[strcspn(name, " (,")] = '\0';
	if (!state)
		state = "";
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		c->retry = 1;
		code = YB_ERETRY;
	} else if (strcmp(state, "22012") == 0 && p->fail_code) {
		return yb_error_set(p->fail_code, "%s", p->fail_msg);
	} else if (strncmp(state, "23", 2) == 0) {
		code = YB_ECONFLICT;
	} else if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0 ||
		   strcmp(state, "53300") == 0 || strncmp(state, "08", 2) == 0 ||
		   strcmp(state, "57P01") == 0 || strcmp(state, "57P03") == 0) {
		code = YB_EBUSY; /* lock, cancel, too many clients, connection, shutdown */
	}
	return yb_error_set(code, "%s: postgresql %s: %s", name, state, msg ? msg : "error");
}

/* --------------------------------------------------- sending, flushing */

static void drop_kept(yb_conn *c)
{
	while (c->nkept)
		PQclear(c->kept[--c->nkept]);
}

/* Takes kept result i out of c->kept (the caller clears it). */
static PGresult *steal(yb_conn *c, int i)
{
	PGresult *r = c->kept[i];
	c->kept[i] = NULL;
	return r;
}

static void drop_ahead(yb_conn *c)
{
	PQclear(c->ahead.fix);
	c->ahead.fix = NULL;
	c->ahead.psn[0] = '\0';
	c->ahead.acc_ok = c->ahead.mul_ok = c->ahead.reg_ok = 0;
}

/* The institution read ahead for code, or NULL; the caller owns it. */
static PGresult *take_fix(yb_conn *c, const char *code)
{
	PGresult *r = c->ahead.fix;

	c->ahead.fix = NULL;
	if (r && strcmp(c->ahead.fix_code, code) != 0) {
		PQclear(r);
		r = NULL;
	}
	return r;
}

/* Whether the rows of kind *ok were read ahead for psn_no; once only. */
static int take_ahead(yb_conn *c, int *ok, const char *psn_no)
{
	int r = *ok && strcmp(c->ahead.psn, psn_no) == 0;
	*ok = 0;
	return r;
}

/* Next element of a one-dimensional array as the server writes it
 * ({a,"b c"}); 0, or -1 after the last. */
static int arr_next(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '{')
		s++;
	if (!*s || *s == '}')
		return -1;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 < cap)
				out[n++] = *s;
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s && *s != ',' && *s != '}'; s++)
			if (n + 1 < cap)
				out[n++] = *s;
	}
	out[n] = '\0';
	if (*s == ',')
		s++;
	*p = s;
	return 0;
}

/* Sends every queued statement's Sync and reads all the answers. Returns
 * the first error among them (0 if none); results asked to be kept are in
 * c->kept[], in order. */
static int flush(yb_conn *c)
{
	PGresult *r, *x;
	int i, rc = 0;

	drop_kept(c);
	if (!c->nq)
		return 0;
	if (!c->pg || PQpipelineSync(c->pg) != 1) {
		c->nq = 0;
		return conn_lost(c, "send");
	}
	for (i = 0; i < c->nq; i++) {
		pend *p = &c->q[i];
		ExecStatusType s;
		if (!(r = PQgetResult(c->pg))) {
			if (!rc)
				rc = conn_lost(c, stmt_sql(p->k));
			break;
		}
		while ((x = PQgetResult(c->pg)))
			PQclear(x); /* the NULL that ends this statement's results */
		s = PQresultStatus(r);
		if (s == PGRES_FATAL_ERROR) {
			int e = stmt_error(c, r, p);
			if (!rc)
				rc = e;
		} else if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_ABORTED) {
			if (!rc)
				rc = yb_error_set(YB_ERROR, "%s: postgresql: unexpected %s", stmt_sql(p->k),
						  PQresStatus(s));
		}
		if (p->keep && s != PGRES_FATAL_ERROR && s != PGRES_PIPELINE_ABORTED && c->nkept < MAX_KEEP) {
			c->kept[c->nkept++] = r;
		} else {
			PQclear(r);
		}
	}
	/* Test hook: with YIBAO_PG_TEST_DEADLOCK_EVERY=N in the environment,
	 * one round trip (1st to 8th, never the COMMIT) of every N-th settling
	 * transaction reports a deadlock after the fact, so that
	 * tests/pg/pg_test.sh drives store.c's group retry hard: groups rolled
	 * back and re-run with units that had completed. */
	if (!rc && c->inject_at && c->q[c->nq - 1].k != S_COMMIT && ++c->flushes == c->inject_at) {
		c->retry = 1;
		rc = yb_error_set(YB_ERETRY, "deadlock injected (YIBAO_PG_TEST_DEADLOCK_EVERY)");
	}
	c->nq = 0;
	if (c->pg) {
		r = PQgetResult(c->pg);
		if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
			if (!rc)
				rc = conn_lost(c, "sync");
		}
		PQclear(r);
	}
	if (rc < 0)
		drop_kept(c);
	return rc;
}

/* Queues statement k; fail_code/fail_msg name the error of a "must change
 * one row" statement that changed none. */
static int send_k(yb_conn *c, int k, const args *a, int keep, int fail_code, const char *fail_msg)
{
	char name[8];
	pend *p;
	int rc;

	if (c->nq == MAX_PEND && (rc = flush(c)) < 0)
		return rc;
	if (!c->pg)
		return conn_lost(c, sql[k]);
	snprintf(name, sizeof(name), "y%d", k);
	if (PQsendQueryPrepared(c->pg, name, a ? a->n : 0, a ? a->v : NULL, NULL, NULL, 0) != 1)
		return conn_lost(c, sql[k]);
	p = &c->q[c->nq++];
	p->k = k;
	p->keep = keep;
	p->fail_code = fail_code;
	if (fail_msg)
		snprintf(p->fail_msg, sizeof(p->fail_msg), "%s", fail_msg);
	else
		p->fail_msg[0] = '\0';
	return 0;
}

static int queue(yb_conn *c, int k, const args *a)
{
	return send_k(c, k, a, 0, 0, NULL);
}

/* Runs statement k (with everything queued before it); its result is
 * c->kept[0] until the next flush. */
static PGresult *query(yb_conn *c, int k, const args *a, int *rc)
{
	if ((*rc = send_k(c, k, a, 1, 0, NULL)) < 0 || (*rc = flush(c)) < 0)
		return NULL;
	if (c->nkept < 1) {
		*rc = yb_error_set(YB_ERROR, "%s: postgresql: no result", sql[k]);
		return NULL;
	}
	return c->kept[c->nkept - 1];
}

/* ------------------------------------------------------ connecting */

static void no_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* "relation already exists, skipping" and the like */
}

static int connect_pg(yb_backend *be, PGconn **out)
{
	const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
	const char *const vals[] = {be->url, "yibao", "10", NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	int rc;

	if (!pg)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg));
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(pg);
		return yb_error_set(YB_ERROR, "--db: cannot connect to PostgreSQL: %s", msg);
	}
	PQsetNoticeProcessor(pg, no_notice, NULL);
	rc = PQserverVersion(pg);
	if (rc < 100000) {
		PQfinish(pg);
		return yb_error_set(YB_EINVALID, "--db: PostgreSQL %d.%d is too old (10 or later)",
				    rc / 10000, rc % 100);
	}
	*out = pg;
	return 0;
}

static int exec_simple(PGconn *pg, const char *text)
{
	PGresult *r = PQexec(pg, text);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
		msg[strcspn(msg, "\n")] = '\0';
		rc = yb_error_set(YB_ERROR, "postgresql: %s", msg);
	}
	PQclear(r);
	return rc;
}

/* Opens the connection of c, enters pipeline mode and prepares every
 * statement (one round trip). */
static int conn_connect(yb_conn *c)
{
	char name[8];
	int k, rc;

	if ((rc = connect_pg(c->be, &c->pg)) < 0)
		return rc;
	/* durability: a commit waits for its WAL flush, whatever the server's
	 * default (design note 6) */
	if ((rc = exec_simple(c->pg, "SELECT set_config('synchronous_commit', 'on', false)"
			      " WHERE current_setting('synchronous_commit') = 'off'")) < 0 ||
	    PQenterPipelineMode(c->pg) != 1) {
		PQfinish(c->pg);
		c->pg = NULL;
		return rc < 0 ? rc : yb_error_set(YB_ERROR, "postgresql: cannot enter pipeline mode");
	}
	c->nq = 0;
	memset(&c->setl_ids, 0, sizeof(c->setl_ids));
	memset(&c->mdtrt_ids, 0, sizeof(c->mdtrt_ids));
	for (k = 0; k < S_COUNT; k++) {
		snprintf(name, sizeof(name), "y%d", k);
		if (PQsendPrepare(c->pg, name, sql[k], 0, NULL) != 1)
			return conn_lost(c, "prepare");
		c->q[c->nq].k = k;
		c->q[c->nq].keep = 0;
		c->q[c->nq].fail_code = 0;
		c->nq++;
	}
	if ((rc = flush(c)) < 0) {
		if (c->pg) {
			PQfinish(c->pg);
			c->pg = NULL;
		}
		return yb_error_prefix(rc, "prepare");
	}
	return 0;
}

/* ------------------------------------------------------ open and close */

/* Copies url into be->url without yibao's own parameters (writers=N). */
static int parse_url(yb_backend *be, const char *url)
{
	const char *q = strchr(url, '?'), *p;
	size_t n;

	be->n_writers = DEFAULT_WRITERS;
	if (strlen(url) >= sizeof(be->url))
		return yb_error_set(YB_EINVALID, "--db: URL too long");
	if (!q) {
		snprintf(be->url, sizeof(be->url), "%s", url);
		return 0;
	}
	n = (size_t)(q - url);
	memcpy(be->url, url, n);
	be->url[n] = '\0';
	for (p = q + 1; *p;) {
		size_t len = strcspn(p, "&");
		if (strncmp(p, "sharded=", 8) == 0) {
			be->sharded = p[8] == '1';
		} else if (strncmp(p, "writers=", 8) == 0) {
			char *end;
			long w = strtol(p + 8, &end, 10);
			if (end != p + len || w < 1 || w > MAX_PG_WRITERS)
				return yb_error_set(YB_EINVALID, "--db: writers must be 1 to %d", MAX_PG_WRITERS);
			be->n_writers = (int)w;
		} else if (len) {
			size_t have = strlen(be->url);
			snprintf(be->url + have, sizeof(be->url) - have, "%c%.*s",
				 strchr(be->url, '?') ? '&' : '?', (int)len, p);
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
}

static int migrate(PGconn *pg)
{
	PGresult *r;
	int version = 0, i, rc;

	if ((rc = exec_simple(pg, "BEGIN")) < 0)
		return rc;
	if ((rc = exec_simple(pg, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")")) < 0 ||
	    (rc = exec_simple(pg, "CREATE TABLE IF NOT EXISTS yb_meta(key text PRIMARY KEY, value text NOT NULL)")) < 0)
		goto fail;
	r = PQexec(pg, "SELECT value FROM yb_meta WHERE key = 'schema_version'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		rc = yb_error_set(YB_ERROR, "postgresql: cannot read yb_meta");
		goto fail;
	}
	if (PQntuples(r) == 1)
		version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (version > YB_PG_VERSION) {
		rc = yb_error_set(YB_EINVALID, "database schema version %d is newer than this binary (%d)",
				  version, YB_PG_VERSION);
		goto fail;
	}
	for (i = version; i < YB_PG_VERSION; i++) {
		char set[160];
		snprintf(set, sizeof(set), "INSERT INTO yb_meta VALUES('schema_version', '%d')"
			 " ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value", i + 1);
		if ((rc = exec_simple(pg, yb_pg_migrations[i])) < 0 || (rc = exec_simple(pg, set)) < 0) {
			rc = yb_error_prefix(rc, "migration %d", i + 1);
			goto fail;
		}
	}
	return exec_simple(pg, "COMMIT");
fail:
	exec_simple(pg, "ROLLBACK");
	return rc;
}

static int be_open(yb_backend **out, const char *url, int *n_writers)
{
	yb_backend *be = calloc(1, sizeof(*be));
	PGconn *pg = NULL;
	int rc;

	if (!be)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = parse_url(be, url)) < 0 || (rc = connect_pg(be, &pg)) < 0)
		goto fail;
	if (getenv("YIBAO_PG_TEST_DEADLOCK_EVERY"))
		be->inject_every = (int)strtol(getenv("YIBAO_PG_TEST_DEADLOCK_EVERY"), NULL, 10);
	if ((rc = migrate(pg)) < 0)
		goto fail;
	PQfinish(pg);
	*n_writers = be->n_writers;
	*out = be;
	return 0;
fail:
	if (pg)
		PQfinish(pg);
	free(be);
	return rc;
}

static void be_close(yb_backend *be)
{
	free(be);
}

/* Connections open on first use (design note 7): a command that settles
 * once opens one connection, not one per writer. */
static int conn_open(yb_backend *be, yb_conn **out, int writer)
{
	yb_conn *c = calloc(1, sizeof(*c));

	(void)writer;
	if (!c)
		return yb_error_set(YB_ENOMEM, "out of memory");
	c->be = be;
	*out = c;
	return 0;
}

static void conn_close(yb_conn *c)
{
	if (!c)
		return;
	drop_kept(c);
	drop_ahead(c);
	if (c->pg)
		PQfinish(c->pg);
	free(c);
}

/* ------------------------------------------------------- transactions */

static int tx_begin(yb_conn *c, int mode)
{
	int rc;

	if (c->pg && PQstatus(c->pg) != CONNECTION_OK) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	if (!c->pg && (rc = conn_connect(c)) < 0) {
		/* the server went away after we opened: unavailable, not wrong */
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", yb_error_msg());
		return rc == YB_ERROR ? yb_error_set(YB_EBUSY, "store unavailable, try again: %s", msg) : rc;
	}
	c->nq = 0;
	drop_kept(c);
	drop_ahead(c);
	c->retry = 0;
	c->mode = mode;
	c->units = c->sp = 0;
	c->flushes = c->inject_at = 0;
	if (c->be->inject_every > 0 && mode == YB_TX_WRITE && ++c->txs % (unsigned)c->be->inject_every == 0)
		c->inject_at = 1 + (c->txs / (unsigned)c->be->inject_every) % 8;
	if ((rc = queue(c, mode == YB_TX_READ ? S_BEGIN_READ : S_BEGIN_WRITE, NULL)) < 0)
		return rc;
	c->in_tx = 1;
	/* bulk loads run one at a time across processes, as under SQLite's
	 * single writer (A1's count of bindings must not race) */
	if (mode == YB_TX_EXCLUSIVE && (rc = queue(c, S_EXCL_LOCK, NULL)) < 0)
		return rc;
	return 0;
}

static int tx_commit(yb_conn *c)
{
	PGresult *r;
	int rc;

	c->in_tx = 0;
	if (!(r = query(c, S_COMMIT, NULL, &rc)))
		return rc;
	if (strcmp(PQcmdStatus(r), "COMMIT") != 0) /* design note 5 */
		return c->retry ? YB_ERETRY
				: yb_error_set(YB_ERROR, "commit: postgresql rolled the transaction back");
	return 0;
}

static int tx_rollback(yb_conn *c)
{
	int rc;

	if (!c->in_tx || !c->pg)
		return 0;
	c->in_tx = 0;
	rc = queue(c, S_ROLLBACK, NULL);
	if (rc == 0)
		rc = flush(c);
	/* a rollback that fails leaves nothing behind either; keep the
	 * connection only if it still answers */
	if (rc < 0 && c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	return rc == YB_ERETRY ? 0 : rc;
}

/* The first unit of a transaction needs no savepoint: rolling it back is
 * rolling the transaction back and beginning again (tx_restart). Most
 * groups are one unit, and a savepoint costs the server a subtransaction
 * for every unit. */
static int tx_savepoint(yb_conn *c)
{
	drop_ahead(c);
	if (c->units++ == 0) {
		c->sp = 0;
		return 0;
	}
	c->sp = 1;
	return queue(c, S_SAVEPOINT, NULL);
}

/* Undoes the first unit: ROLLBACK, and BEGIN again in the same mode. */
static int tx_restart(yb_conn *c)
{
	int rc;

	if ((rc = queue(c, S_ROLLBACK, NULL)) < 0 ||
	    (rc = queue(c, c->mode == YB_TX_READ ? S_BEGIN_READ : S_BEGIN_WRITE, NULL)) < 0)
		return rc;
	flush(c); /* the unit's own errors do not matter any more */
	c->units = 0;
	if (c->retry)
		return YB_ERETRY;
	if (!c->pg || PQtransactionStatus(c->pg) != PQTRANS_INTRANS)
		return yb_error_set(YB_ERROR, "rollback: postgresql: %s",
				    c->pg ? "no new transaction" : "connection lost");
	return 0;
}

/* Rolls back to the unit's savepoint and releases it. Reports YB_ERETRY if
 * the transaction met a deadlock, even in a unit that failed otherwise. */
static int tx_rollback_to(yb_conn *c)
{
	int rc;

	if (!c->sp)
		return tx_restart(c);
	if ((rc = queue(c, S_ROLLBACK_TO, NULL)) < 0 || (rc = queue(c, S_RELEASE, NULL)) < 0)
		return rc;
	flush(c); /* the unit's own errors do not matter any more */
	if (c->retry)
		return YB_ERETRY;
	if (c->pg && PQtransactionStatus(c->pg) == PQTRANS_INERROR)
		return yb_error_set(YB_ERROR, "rollback to savepoint: postgresql: transaction failed");
	return c->pg ? 0 : yb_error_set(YB_ERROR, "rollback to savepoint: postgresql: connection lost");
}

/* Sends the unit's queued writes with its RELEASE; if one failed, the
 * RELEASE did not run (pipeline aborted) and the unit is rolled back to
 * its savepoint here, so the group goes on. */
static int tx_release(yb_conn *c)
{
	int rc;
	char msg[512];

	if ((c->sp && (rc = queue(c, S_RELEASE, NULL)) < 0) || (rc = flush(c)) == 0)
		return rc;
	if (rc == YB_ERETRY)
		return rc; /* the whole group rolls back */
	snprintf(msg, sizeof(msg), "%s", yb_error_msg());
	if (tx_rollback_to(c) == YB_ERETRY)
		rc = YB_ERETRY;
	return yb_error_set(rc, "%s", msg);
}

/* ------------------------------------------- helpers of the operations */

/* Runs statement k now; with must_change, a statement that changed no row
 * is code/msg (the store's "no such visit" and the like). */
static int run_now(yb_conn *c, int k, const args *a, int code, const char *msg)
{
	PGresult *r;
	int rc;

	if (!(r = query(c, k, a, &rc)))
		return rc;
	if (code && strcmp(PQcmdTuples(r), "1") != 0)
		return yb_error_set(code, "%s", msg);
	return 0;
}

/* Iterations take their result out of the connection first: a callback
 * may run other operations, even the same one, meanwhile. */
static PGresult *query_own(yb_conn *c, int k, const args *a, int *rc)
{
	return query(c, k, a, rc) ? steal(c, c->nkept - 1) : NULL;
}

/* setl_seq numbers come in batches per connection, 1, 2, 4, ... then 64
 * at a time: one round trip in 64 settlements on a busy writer, no numbers
 * wasted by a command that settles once. Numbers taken and not used leave
 * gaps, never repeats. */
static int next_id(yb_conn *c, struct idcache *ic, int k, char prefix, char out[YB_ID_MAX])
{
	if (ic->next == ic->n) {
		args a = {.n = 0};
		PGresult *r;
		int rc, i;
		ic->batch = ic->batch ? (ic->batch * 2 > ID_BATCH ? ID_BATCH : ic->batch * 2) : 1;
		a_int(&a, ic->batch);
		if (!(r = query(c, k, &a, &rc)))
			return rc;
		for (i = 0; i < PQntuples(r) && i < ID_BATCH; i++)
			ic->ids[i] = col_int(r, i, 0);
		ic->n = i;
		ic->next = 0;
		if (!i)
			return yb_error_set(YB_ERROR, "%s: postgresql: no number", stmt_sql(k));
	}
	snprintf(out, YB_ID_MAX, "%c%015lld", prefix, ic->ids[ic->next++]);
	return 0;
}

/* -------------------------------------------------------------- arrays */

/* A PostgreSQL array literal built for a parameter: {"a","b"} or {1,2}.
 * Text elements are quoted, with " and \ escaped: the server parses the
 * literal as data, never as SQL. */
typedef struct arr {
	yb_buf b;
	int n;
} arr;

static void arr_sep(arr *x)
{
	yb_buf_putc(&x->b, x->n++ ? ',' : '{');
}

static void arr_text(arr *x, const char *s)
{
	arr_sep(x);
	yb_buf_putc(&x->b, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			yb_buf_putc(&x->b, '\\');
		yb_buf_putc(&x->b, *s);
	}
	yb_buf_putc(&x->b, '"');
}

static void arr_int(arr *x, long long v)
{
	arr_sep(x);
	yb_buf_printf(&x->b, "%lld", v);
}

/* Closes the literal; NULL if memory ran out. */
static const char *arr_end(arr *x)
{
	if (!x->n)
		yb_buf_putc(&x->b, '{');
	yb_buf_putc(&x->b, '}');
	return x->b.oom ? NULL : x->b.ptr;
}

static void arr_free(arr *x, int n)
{
	int i;
	for (i = 0; i < n; i++)
		yb_buf_free(&x[i].b);
}

/* -------------------------------------------------------- institutions */

static int put_fixmedins(yb_conn *c, const yb_fixmedins_rec *r)
{
	args a = {.n = 0};
	int rc;

	a_text(&a, r->fixmedins_code);
	a_text(&a, r->fixmedins_name);
	a_int(&a, r->fixmedins_type);
	a_int(&a, r->hosp_lv);
	a_int(&a, r->prim_flag);
	a_text(&a, r->admdvs);
	a_text(&a, r->secret);
	return query(c, S_PUT_FIX, &a, &rc) ? 0 : rc;
}

/* FIX_COLS from column i: unknown if no row or NULLs (a LEFT JOIN). */
static int fix_row(const PGresult *r, int i, const char *code, yb_fixmedins_rec *out)
{
	if (PQntuples(r) < 1 || PQgetisnull(r, 0, i))
		return yb_error_set(YB_ENOTFOUND, "fixmedins_code: unknown institution %s", code);
	memset(out, 0, sizeof(*out));
	col_text(r, 0, i, out->fixmedins_code, sizeof(out->fixmedins_code));
	col_text(r, 0, i + 1, out->fixmedins_name, sizeof(out->fixmedins_name));
	out->fixmedins_type = (int)col_int(r, 0, i + 2);
	out->hosp_lv = (int)col_int(r, 0, i + 3);
	out->prim_flag = (int)col_int(r, 0, i + 4);
	col_text(r, 0, i + 5, out->admdvs, sizeof(out->admdvs));
	col_text(r, 0, i + 6, out->secret, sizeof(out->secret));
	return 0;
}

static int get_fixmedins(yb_conn *c, const char *code, yb_fixmedins_rec *out)
{
	int col0 = c->ahead.fix_col;
	args a = {.n = 0};
	PGresult *r;
	int rc;

	if ((r = take_fix(c, code))) {
		rc = fix_row(r, col0, code, out);
		PQclear(r);
		return rc;
	}
	a_text(&a, code);
	if (!(r = query(c, S_GET_FIX, &a, &rc)))
		return rc;
	return fix_row(r, 0, code, out);
}

/* --------------------------- persons, insurance periods, registrations */

static int put_psn(yb_conn *c, const yb_psn_rec *r)
{
	char gend[2] = {r->gend, 0};
	args a = {.n = 0};
	int rc;

	a_text(&a, r->psn_no);
	a_text(&a, r->certno);
	a_text(&a, r->psn_name);
	a_text(&a, gend);
	if (r->brdy == YB_DATE_NONE)
		a_null(&a);
	else
		a_date(&a, r->brdy);
	a_text(&a, r->insu_admdvs);
	if ((rc = queue(c, S_PUT_PSN, &a)) < 0)
		return rc;
	a.n = 0;
	a_text(&a, r->psn_no);
	a_int(&a, r->insutype);
	a_text(&a, r->psn_type);
	a_date(&a, r->begndate);
	a_date(&a, r->enddate);
	a_int(&a, r->psn_insu_stas);
	if ((rc = queue(c, S_PUT_INSU, &a)) < 0)
		return rc;
	a.n = 0;
	a_text(&a, r->psn_no);
	a_int(&a, r->acct_balc);
	if ((rc = queue(c, S_PUT_ACCT, &a)) < 0)
		return rc;
	return flush(c);
}

static void read_psn_row(const PGresult *r, yb_psn_rec *out)
{
	char gend[4];

	memset(out, 0, sizeof(*out));
	col_text(r, 0, 0, out->psn_no, sizeof(out->psn_no));
	col_text(r, 0, 1, out->certno, sizeof(out->certno));
	col_text(r, 0, 2, out->psn_name, sizeof(out->psn_name));
	col_text(r, 0, 3, gend, sizeof(gend));
	out->gend = gend[0];
	out->brdy = col_date(r, 0, 4);
	col_text(r, 0, 5, out->insu_admdvs, sizeof(out->insu_admdvs));
	out->acct_balc = col_int(r, 0, 6);
}

/* The period's columns from column i on; NULL (a LEFT JOIN without a
 * row) or no row: no period covers the day, psn_insu_stas stays 0. */
static void read_insu_row(const PGresult *r, int i, yb_psn_rec *out)
{
	if (PQntuples(r) < 1 || PQgetisnull(r, 0, i))
		return;
	out->insutype = (int)col_int(r, 0, i);
	col_text(r, 0, i + 1, out->psn_type, sizeof(out->psn_type));
	out->begndate = col_date(r, 0, i + 2);
	out->enddate = col_date(r, 0, i + 3);
	out->psn_insu_stas = (int)col_int(r, 0, i + 4);
}

static void read_ahead(yb_conn *c, const PGresult *r, const char *psn_no, int year);

/* A write unit locks the person's account row (design note 2). By psn_no
 * one statement reads the person, the account and the period. */
static int get_psn(yb_conn *c, const char *psn_no, const char *certno, yb_date on, yb_psn_rec *out)
{
	int lock = c->mode != YB_TX_READ;
	args a = {.n = 0};
	PGresult *r;
	int rc;

	if (psn_no && c->mode == YB_TX_WRITE) {
		/* a settlement reads the accumulators of the visit's year, the
		 * bindings and the registrations next: they come with the person */
		a_text(&a, psn_no);
		a_date(&a, on);
		a_int(&a, yb_date_year(on));
		if (!(r = query(c, S_GET_PSN_ALL, &a, &rc)))
			return rc;
		if (PQntuples(r) > 0)
			read_ahead(c, r, psn_no, yb_date_year(on));
	} else if (psn_no) {
		a_text(&a, psn_no);
		a_date(&a, on);
		if (!(r = query(c, lock ? S_GET_PSN_LOCK : S_GET_PSN, &a, &rc)))
			return rc;
	}
	if (psn_no) {
		if (PQntuples(r) < 1)
			return yb_error_set(YB_ENOTFOUND, "psn_no: unknown person");
		read_psn_row(r, out);
		read_insu_row(r, 7, out);
		return 0;
	}
	a_text(&a, certno);
	if (!(r = query(c, lock ? S_GET_PSN_CERT_LOCK : S_GET_PSN_CERT, &a, &rc)))
		return rc;
	if (PQntuples(r) < 1)
		return yb_error_set(YB_ENOTFOUND, "certno: unknown person");
	read_psn_row(r, out);
	a.n = 0;
	a_text(&a, out->psn_no);
	a_date(&a, on);
	if (!(r = query(c, S_GET_INSU, &a, &rc)))
		return rc;
	read_insu_row(r, 0, out);
	return 0;
}

/* The arrays of S_GET_PSN_ALL (columns 12..20) into c->ahead. */
static void read_ahead(yb_conn *c, const PGresult *r, const char *psn_no, int year)
{
	struct ahead *ah = &c->ahead;
	const char *p[9];
	char v[9][128];
	int k;

	drop_ahead(c);
	snprintf(ah->psn, sizeof(ah->psn), "%s", psn_no);
	ah->year = year;
	for (k = 0; k < 9; k++)
		p[k] = col(r, 0, 12 + k);
	for (ah->n_acc = 0; ah->n_acc < YB_MAX_BUCKETS && arr_next(&p[0], v[0], sizeof(v[0])) == 0 &&
	     arr_next(&p[1], v[1], sizeof(v[1])) == 0; ah->n_acc++) {
		snprintf(ah->acc[ah->n_acc].bucket, sizeof(ah->acc[0].bucket), "%s", v[0]);
		ah->acc[ah->n_acc].amount = strtoll(v[1], NULL, 10);
	}
	for (ah->n_mul = 0; ah->n_mul < YB_MAX_MULAID && arr_next(&p[2], v[2], sizeof(v[2])) == 0 &&
	     arr_next(&p[3], v[3], sizeof(v[3])) == 0; ah->n_mul++) {
		yb_mulaid_row *m = &ah->mul[ah->n_mul];
		snprintf(m->psn_no, sizeof(m->psn_no), "%s", v[2]);
		m->bind_time = strtoll(v[3], NULL, 10);
		m->balc = 0;
	}
	for (ah->n_regs = 0; ah->n_regs < 2 * YB_MAX_PSN_REGS; ah->n_regs++) {
		yb_psn_reg_rec *g = &ah->regs[ah->n_regs];
		for (k = 4; k < 9; k++)
			if (arr_next(&p[k], v[k], sizeof(v[k])) < 0)
				break;
		if (k < 9)
			break;
		memset(g, 0, sizeof(*g));
		snprintf(g->psn_no, sizeof(g->psn_no), "%s", psn_no);
		snprintf(g->kind, sizeof(g->kind), "%s", v[4]);
		snprintf(g->type, sizeof(g->type), "%s", v[5]);
		snprintf(g->admdvs, sizeof(g->admdvs), "%s", v[6]);
		g->begndate = yb_store_text_date(v[7]);
		g->enddate = yb_store_text_date(v[8]);
	}
	ah->acc_ok = ah->mul_ok = ah->reg_ok = 1;
}

static int put_psn_reg(yb_conn *c, const yb_psn_reg_rec *r)
{
	args a = {.n = 0};

	a_text(&a, r->psn_no);
	a_text(&a, r->kind);
	a_text(&a, r->type);
	a_text(&a, r->admdvs);
	a_date(&a, r->begndate);
	a_date(&a, r->enddate);
	return run_now(c, S_PUT_REG, &a, 0, NULL);
}

static int get_psn_regs(yb_conn *c, const char *psn_no, yb_psn_reg_rec *out, size_t cap, size_t *n)
{
	args a = {.n = 0};
	PGresult *r;
	int rc, i;

	*n = 0;
	if (take_ahead(c, &c->ahead.reg_ok, psn_no)) {
		for (; *n < cap && *n < c->ahead.n_regs; (*n)++)
			out[*n] = c->ahead.regs[*n];
		return 0;
	}
	a_text(&a, psn_no);
	if (!(r = query(c, S_GET_REGS, &a, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r) && *n < cap; i++) {
		yb_psn_reg_rec *g = &out[(*n)++];
		memset(g, 0, sizeof(*g));
		snprintf(g->psn_no, sizeof(g->psn_no), "%s", psn_no);
		col_text(r, i, 0, g->kind, sizeof(g->kind));
		col_text(r, i, 1, g->type, sizeof(g->type));
		col_text(r, i, 2, g->admdvs, sizeof(g->admdvs));
		g->begndate = col_date(r, i, 3);
		g->enddate = col_date(r, i, 4);
	}
	return 0;
}

/* --------------------------------------------- accounts and mutual aid */

static int put_mulaid(yb_conn *c, const yb_mulaid_rec *r)
{
	args a = {.n = 0};
	PGresult *res;
	int rc;
	long long n;

	a_text(&a, r->initiator_psn_no);
	a_text(&a, r->bound_psn_no);
	if (!(res = query(c, S_COUNT_MULAID, &a, &rc)))
		return rc;
	n = col_int(res, 0, 0);
	if (n >= YB_MAX_MULAID)
		return yb_error_set(YB_EREFUSED, "initiator %s already has %lld bound persons (A1: at most %d)",
				    r->initiator_psn_no, n, YB_MAX_MULAID);
	a.n = 0;
	a_text(&a, r->bound_psn_no);
	a_text(&a, r->initiator_psn_no);
	a_int(&a, r->bind_time);
	return query(c, S_PUT_MULAID, &a, &rc) ? 0 : rc;
}

static int cmp_psn(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The initiators bound to psn_no (A2), by bind_time, with their balances.
 * A write unit locks their account rows, in psn_no order. Each balance is
 * read by the initiator's own psn_no: one shard each, in a cluster. */
static int get_mulaid(yb_conn *c, const char *psn_no, yb_mulaid_row *out, size_t *n)
{
	int lock = c->mode != YB_TX_READ;
	const char *order[YB_MAX_MULAID];
	args a = {.n = 0};
	PGresult *r;
	size_t i, k;
	int rc;

	*n = 0;
	if (take_ahead(c, &c->ahead.mul_ok, psn_no)) {
		for (i = 0; i < c->ahead.n_mul; i++) {
			out[i] = c->ahead.mul[i];
			order[i] = out[i].psn_no;
		}
	} else {
		a_text(&a, psn_no);
		if (!(r = query(c, S_GET_MULAID, &a, &rc)))
			return rc;
		for (i = 0; i < (size_t)PQntuples(r) && i < YB_MAX_MULAID; i++) {
			col_text(r, (int)i, 0, out[i].psn_no, sizeof(out[i].psn_no));
			out[i].bind_time = col_int(r, (int)i, 1);
			out[i].balc = 0;
			order[i] = out[i].psn_no;
		}
	}
	if (!i)
		return 0;
	qsort(order, i, sizeof(order[0]), cmp_psn);
	for (k = 0; k < i; k++) {
		a.n = 0;
		a_text(&a, order[k]);
		if ((rc = send_k(c, lock ? S_GET_BALC_LOCK : S_GET_BALC, &a, 1, 0, NULL)) < 0)
			return rc;
	}
	if ((rc = flush(c)) < 0)
		return rc;
	if ((size_t)c->nkept != i)
		return yb_error_set(YB_ERROR, "acct: postgresql: no result");
	for (k = 0; k < i; k++) {
		yb_mulaid_row *m = out;
		while (m->psn_no != order[k])
			m++;
		if (PQntuples(c->kept[k]) > 0)
			m->balc = col_int(c->kept[k], 0, 0);
	}
	*n = i;
	return 0;
}

/* -------------------------------------------------------- accumulators */

static int get_accums(yb_conn *c, const char *psn_no, int year, yb_accum_row *out, int *n)
{
	args a = {.n = 0};
	PGresult *r;
	int rc, i;

	*n = 0;
	if (take_ahead(c, &c->ahead.acc_ok, psn_no) && c->ahead.year == year) {
		memcpy(out, c->ahead.acc, (size_t)c->ahead.n_acc * sizeof(*out));
		*n = c->ahead.n_acc;
		return 0;
	}
	a_text(&a, psn_no);
	a_int(&a, year);
	if (!(r = query(c, S_GET_ACCUMS, &a, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r) && i < YB_MAX_BUCKETS; i++) {
		col_text(r, i, 0, out[i].bucket, sizeof(out[i].bucket));
		out[i].amount = col_int(r, i, 1);
	}
	*n = i;
	return 0;
}

/* ----------------------------------------------------------- catalogue */

static int put_catalogue(yb_conn *c, const yb_cat_item *it)
{
	args a = {.n = 0};
	int rc;

	a_text(&a, it->med_list_codg);
	a_date(&a, it->begndate);
	a_date(&a, it->enddate);
	a_text(&a, it->med_list_name);
	a_int(&a, it->chrgitm_lv);
	a_int(&a, it->selfpay_bp);
	a_int(&a, it->pric_uplmt);
	a_int(&a, (long long)it->flags);
	a_text(&a, it->admdvs);
	return query(c, S_PUT_CAT, &a, &rc) ? 0 : rc;
}

static int each_catalogue(yb_conn *c, int (*fn)(const yb_cat_item *, void *), void *arg)
{
	yb_cat_item it;
	PGresult *r;
	int rc, i;

	if (!(r = query(c, S_EACH_CAT, NULL, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r); i++) {
		memset(&it, 0, sizeof(it));
		col_text(r, i, 0, it.med_list_codg, sizeof(it.med_list_codg));
		it.begndate = col_date(r, i, 1);
		it.enddate = col_date(r, i, 2);
		col_text(r, i, 3, it.med_list_name, sizeof(it.med_list_name));
		it.chrgitm_lv = (int)col_int(r, i, 4);
		it.selfpay_bp = (int32_t)col_int(r, i, 5);
		it.pric_uplmt = col_int(r, i, 6);
		it.flags = (uint32_t)col_int(r, i, 7);
		col_text(r, i, 8, it.admdvs, sizeof(it.admdvs));
		if ((rc = fn(&it, arg)) < 0)
			return rc;
	}
	return 0;
}

/* -------------------------------------------------------------- visits */

static int next_mdtrt_id(yb_conn *c, char out[YB_ID_MAX])
{
	return next_id(c, &c->mdtrt_ids, S_NEXT_MDTRT, 'M', out);
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

/* MDTRT_COLS as $1..$16; without the two that never change (fixmedins_code,
 * msgid, $3 and $4) when `upd`, for S_UPD_MDTRT's $1..$14. */
static void args_mdtrt(args *a, const yb_mdtrt_rec *r, int upd)
{
	a_text(a, r->psn_no);
	a_text(a, r->mdtrt_id);
	if (!upd) {
		a_text(a, r->fixmedins_code);
		a_text(a, r->msgid);
	}
	a_int(a, r->insutype);
	a_int(a, r->med_type);
	a_int(a, r->begntime);
	a_int(a, r->endtime);
	a_text(a, r->dise_codg);
	a_text(a, r->dise_name);
	a_text(a, r->diagnoses[0] ? r->diagnoses : "[]");
	a_text(a, r->ipt_otp_no);
	a_int(a, r->dscg_way);
	a_text(a, status_text(r->status));
	a_int(a, r->mid_setl_dedc);
	a_text(a, r->final_setl_id);
}

static void mdtrt_cols(const PGresult *res, int i, yb_mdtrt_rec *r)
{
	memset(r, 0, sizeof(*r));
	col_text(res, i, 0, r->psn_no, sizeof(r->psn_no));
	col_text(res, i, 1, r->mdtrt_id, sizeof(r->mdtrt_id));
	col_text(res, i, 2, r->fixmedins_code, sizeof(r->fixmedins_code));
	col_text(res, i, 3, r->msgid, sizeof(r->msgid));
	r->insutype = (int)col_int(res, i, 4);
	r->med_type = (int)col_int(res, i, 5);
	r->begntime = col_int(res, i, 6);
	r->endtime = col_int(res, i, 7);
	col_text(res, i, 8, r->dise_codg, sizeof(r->dise_codg));
	col_text(res, i, 9, r->dise_name, sizeof(r->dise_name));
	col_text(res, i, 10, r->diagnoses, sizeof(r->diagnoses));
	col_text(res, i, 11, r->ipt_otp_no, sizeof(r->ipt_otp_no));
	r->dscg_way = (int)col_int(res, i, 12);
	r->status = status_code(col(res, i, 13));
	r->mid_setl_dedc = col_int(res, i, 14);
	col_text(res, i, 15, r->final_setl_id, sizeof(r->final_setl_id));
}

static int put_mdtrt(yb_conn *c, const yb_mdtrt_rec *r)
{
	args a = {.n = 0};

	args_mdtrt(&a, r, 0);
	a_int(&a, strtoll(r->mdtrt_id + 1, NULL, 10));
	return run_now(c, S_PUT_MDTRT, &a, 0, NULL);
}

static int upd_mdtrt(yb_conn *c, const yb_mdtrt_rec *r)
{
	args a = {.n = 0};
	char msg[96];

	args_mdtrt(&a, r, 1);
	snprintf(msg, sizeof(msg), "mdtrt_id: no visit %s", r->mdtrt_id);
	return run_now(c, S_UPD_MDTRT, &a, YB_ENOTFOUND, msg);
}

/* At most one visit row: 0 and *out, or YB_ENOTFOUND (no message set). */
static int one_mdtrt(yb_conn *c, int k, const args *a, yb_mdtrt_rec *out)
{
	PGresult *r;
	int rc;

	if (!(r = query(c, k, a, &rc)))
		return rc;
	if (PQntuples(r) < 1)
		return YB_ENOTFOUND;
	mdtrt_cols(r, 0, out);
	return 0;
}

static int get_mdtrt(yb_conn *c, const char *psn_no, const char *mdtrt_id, yb_mdtrt_rec *out)
{
	args a = {.n = 0};

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	return one_mdtrt(c, S_GET_MDTRT, &a, out);
}

static int find_stay(yb_conn *c, const char *psn_no, yb_datetime t, const char *except,
		     yb_mdtrt_rec *out)
{
	args a = {.n = 0};

	a_text(&a, psn_no);
	a_int(&a, t);
	a_text(&a, except);
	return one_mdtrt(c, S_FIND_STAY, &a, out);
}

static int each_mdtrt(yb_conn *c, const char *psn_no, int (*fn)(const yb_mdtrt_rec *, void *),
		      void *arg)
{
	args a = {.n = 0};
	yb_mdtrt_rec *m;
	PGresult *r;
	int rc = 0, i;

	a_text(&a, psn_no);
	if (!(r = query_own(c, S_EACH_MDTRT, &a, &rc)))
		return rc;
	if (!(m = malloc(sizeof(*m)))) {
		PQclear(r);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	for (i = 0; i < PQntuples(r) && rc >= 0; i++) {
		mdtrt_cols(r, i, m);
		rc = fn(m, arg);
	}
	free(m);
	PQclear(r);
	return rc < 0 ? rc : 0;
}

/* ----------------------------------------------------------- fee lines */

static int put_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id, const yb_fee_row *r)
{
	args a = {.n = 0};
	yb_buf codes = YB_BUF_INIT;
	int rc;

	yb_trac_codes_join(&codes, &r->codes);
	if (codes.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	a_text(&a, r->feedetl_sn);
	a_text(&a, r->msgid);
	a_text(&a, r->chrg_bchno);
	a_text(&a, r->med_list_codg);
	a_text(&a, r->medins_list_codg);
	a_int(&a, r->sumamt);
	a_int(&a, r->cnt);
	a_int(&a, r->pric);
	a_int(&a, r->fee_ocur_time);
	a_text(&a, r->init_feedetl_sn);
	a_text(&a, r->rxno);
	a_text(&a, codes.ptr);
	a_int(&a, r->trdn_flag);
	a_int(&a, r->known);
	a_int(&a, r->chrgitm_lv);
	a_int(&a, r->selfpay_bp);
	a_int(&a, r->pric_uplmt);
	a_int(&a, (long long)r->flags);
	a_int(&a, r->fulamt_ownpay_amt);
	a_int(&a, r->overlmt_amt);
	a_int(&a, r->preselfpay_amt);
	a_int(&a, r->inscp_scp_amt);
	a_text(&a, r->memo);
	a_text(&a, r->setl_id);
	rc = run_now(c, S_PUT_FEED, &a, 0, NULL);
	yb_buf_free(&codes);
	return rc;
}

static int each_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id,
		    int (*fn)(const yb_fee_row *, void *), void *arg)
{
	args a = {.n = 0};
	yb_fee_row f;
	PGresult *r;
	int rc = 0, i;

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	if (!(r = query_own(c, S_EACH_FEE, &a, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r) && rc >= 0; i++) {
		memset(&f, 0, sizeof(f));
		col_text(r, i, 0, f.feedetl_sn, sizeof(f.feedetl_sn));
		col_text(r, i, 1, f.msgid, sizeof(f.msgid));
		col_text(r, i, 2, f.chrg_bchno, sizeof(f.chrg_bchno));
		col_text(r, i, 3, f.med_list_codg, sizeof(f.med_list_codg));
		f.medins_list_codg = col(r, i, 4);
		f.sumamt = col_int(r, i, 5);
		f.cnt = col_int(r, i, 6);
		f.pric = col_int(r, i, 7);
		f.fee_ocur_time = col_int(r, i, 8);
		col_text(r, i, 9, f.init_feedetl_sn, sizeof(f.init_feedetl_sn));
		f.rxno = col(r, i, 10);
		if ((rc = yb_trac_codes_split(&f.codes, PQgetvalue(r, i, 11), (size_t)PQgetlength(r, i, 11))) < 0)
			break;
		f.trdn_flag = (int)col_int(r, i, 12);
		f.known = (int)col_int(r, i, 13);
		f.chrgitm_lv = (int)col_int(r, i, 14);
		f.selfpay_bp = (int32_t)col_int(r, i, 15);
		f.pric_uplmt = col_int(r, i, 16);
		f.flags = (uint32_t)col_int(r, i, 17);
		f.fulamt_ownpay_amt = col_int(r, i, 18);
		f.overlmt_amt = col_int(r, i, 19);
		f.preselfpay_amt = col_int(r, i, 20);
		f.inscp_scp_amt = col_int(r, i, 21);
		col_text(r, i, 22, f.memo, sizeof(f.memo));
		col_text(r, i, 23, f.setl_id, sizeof(f.setl_id));
		rc = fn(&f, arg);
		yb_trac_codes_free(&f.codes);
	}
	PQclear(r);
	return rc < 0 ? rc : 0;
}

static int set_fee_setl(yb_conn *c, const char *psn_no, const char *mdtrt_id,
			const char *feedetl_sn, const char *setl_id)
{
	args a = {.n = 0};
	char msg[160];

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	a_text(&a, feedetl_sn);
	a_text(&a, setl_id);
	snprintf(msg, sizeof(msg), "feedetl_sn: no line %s in visit %s", feedetl_sn, mdtrt_id);
	return run_now(c, S_SET_FEE_SETL, &a, YB_ENOTFOUND, msg);
}

static int unsettle_fees(yb_conn *c, const char *psn_no, const char *setl_id)
{
	args a = {.n = 0};

	a_text(&a, psn_no);
	a_text(&a, setl_id);
	return run_now(c, S_UNSETTLE, &a, 0, NULL);
}

static int del_fee(yb_conn *c, const char *psn_no, const char *mdtrt_id, const char *feedetl_sn)
{
	args a = {.n = 0};

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	a_text(&a, feedetl_sn);
	return run_now(c, S_DEL_FEE, &a, 0, NULL);
}

/* --------------------------------------------------------- settlements */

static int next_setl_id(yb_conn *c, char out[YB_ID_MAX])
{
	return next_id(c, &c->setl_ids, S_NEXT_IDS, 'S', out);
}

/* Every write of a settlement is queued; the unit's RELEASE sends them:
 * one statement for the settling person's rows (S_PUT_SETL_ALL), one per
 * other account moved (mutual aid, on the initiator's shard). */
static int put_settlement(yb_conn *c, const yb_setl_row *r)
{
	args a = {.n = 0};
	arr x[20];
	char msg[128];
	size_t i;
	int k, rc;

	a_int(&a, strtoll(r->setl_id + 1, NULL, 10));
	a_text(&a, r->psn_no);
	a_text(&a, r->setl_id);
	a_text(&a, r->mdtrt_id);
	a_text(&a, r->fixmedins_code);
	a_text(&a, r->msgid);
	a_text(&a, r->refd_setl_id);
	a_int(&a, r->insutype);
	a_int(&a, r->med_type);
	a_int(&a, r->setl_time);
	a_int(&a, r->year);
	a_text(&a, r->pol_ver);
	a_int(&a, r->pool_prop);
	a_int(&a, r->balc);
	for (k = 0; k < YB_A_COUNT; k++)
		a_int(&a, r->amt[k]);
	a_int(&a, r->mid_setl);

	memset(x, 0, sizeof(x));
	for (i = 0; i < r->n_lines; i++) { /* $35..$46 */
		const yb_feeline *l = &r->lines[i];
		const yb_line_result *lr = &r->results[i];
		arr_text(&x[0], l->feedetl_sn);
		arr_text(&x[1], l->med_list_codg);
		arr_int(&x[2], l->sumamt);
		arr_int(&x[3], l->cnt);
		arr_int(&x[4], l->pric);
		arr_int(&x[5], l->known ? l->chrgitm_lv : YB_CLASS_C);
		arr_int(&x[6], lr->selfpay_bp);
		arr_int(&x[7], l->pric_uplmt);
		arr_int(&x[8], lr->fulamt_ownpay_amt);
		arr_int(&x[9], lr->overlmt_amt);
		arr_int(&x[10], lr->preselfpay_amt);
		arr_int(&x[11], lr->inscp_scp_amt);
	}
	for (k = 0; k < r->n_funds; k++) { /* $47..$51 */
		const yb_fund_pay *f = &r->funds[k];
		arr_text(&x[12], f->fund_pay_type);
		arr_int(&x[13], f->inscp_scp_amt);
		arr_int(&x[14], f->crt_payb_lmt_amt);
		arr_int(&x[15], f->fund_payamt);
		arr_text(&x[16], f->setl_proc_info);
	}
	for (k = 0; k < r->n_deltas; k++) { /* $52, $53 */
		arr_text(&x[17], r->deltas[k].bucket);
		arr_int(&x[18], r->deltas[k].amount);
	}
	for (k = 0; k < r->n_movs; k++) /* $54: the person's own account */
		if (strcmp(r->movs[k].psn_no, r->psn_no) == 0)
			arr_int(&x[19], r->movs[k].amount);
	for (k = 0; k < 20; k++) {
		const char *v = arr_end(&x[k]);
		if (!v) {
			arr_free(x, 20);
			return yb_error_set(YB_ENOMEM, "out of memory");
		}
		a.v[a.n++] = v;
	}
	snprintf(msg, sizeof(msg), "acct: no account for %s", r->psn_no);
	rc = send_k(c, S_PUT_SETL_ALL, &a, 0, YB_ECONFLICT, msg); /* libpq copies the parameters */
	arr_free(x, 20);
	if (rc < 0)
		return rc;

	for (k = 0; k < r->n_movs; k++) {
		const yb_acct_mov *m = &r->movs[k];
		if (strcmp(m->psn_no, r->psn_no) == 0)
			continue;
		a.n = 0;
		a_text(&a, m->psn_no);
		a_text(&a, r->setl_id);
		a_text(&a, r->psn_no);
		a_int(&a, m->amount);
		snprintf(msg, sizeof(msg), "acct: no account for %s", m->psn_no);
		if ((rc = send_k(c, S_PUT_MOV, &a, 0, YB_ECONFLICT, msg)) < 0)
			return rc;
	}
	return 0;
}

/* Reads SETL_COLS, cancelled, mid_setl of row i; returns cancelled. */
static int setl_cols(const PGresult *res, int i, yb_setl_row *r)
{
	int k;

	col_text(res, i, 0, r->psn_no, sizeof(r->psn_no));
	col_text(res, i, 1, r->setl_id, sizeof(r->setl_id));
	col_text(res, i, 2, r->mdtrt_id, sizeof(r->mdtrt_id));
	col_text(res, i, 3, r->fixmedins_code, sizeof(r->fixmedins_code));
	col_text(res, i, 4, r->msgid, sizeof(r->msgid));
	col_text(res, i, 5, r->refd_setl_id, sizeof(r->refd_setl_id));
	r->insutype = (int)col_int(res, i, 6);
	r->med_type = (int)col_int(res, i, 7);
	r->setl_time = col_int(res, i, 8);
	r->year = (int)col_int(res, i, 9);
	col_text(res, i, 10, r->pol_ver, sizeof(r->pol_ver));
	r->pool_prop = (int32_t)col_int(res, i, 11);
	r->balc = col_int(res, i, 12);
	for (k = 0; k < YB_A_COUNT; k++)
		r->amt[k] = col_int(res, i, 13 + k);
	r->mid_setl = (int)col_int(res, i, 14 + YB_A_COUNT);
	return (int)col_int(res, i, 13 + YB_A_COUNT);
}

static int get_settlement(yb_conn *c, const char *setl_id, yb_setl_stored *out)
{
	yb_setl_row *r = &out->row;
	args a = {.n = 0};
	PGresult *res;
	int rc, n;

	memset(out, 0, sizeof(*out));
	a_text(&a, setl_id);
	if (!(res = query(c, S_GET_SETL, &a, &rc)))
		return rc;
	if (PQntuples(res) < 1)
		return yb_error_set(YB_ENOTFOUND, "setl_id: no settlement %s", setl_id);
	out->cancelled = setl_cols(res, 0, r);

	a.n = 0;
	a_text(&a, r->psn_no);
	a_text(&a, r->setl_id);
	if ((rc = send_k(c, S_GET_SACC, &a, 1, 0, NULL)) < 0)
		return rc;
	a.n = 0;
	a_text(&a, r->setl_id);
	if ((rc = send_k(c, S_GET_MOVS, &a, 1, 0, NULL)) < 0 || (rc = flush(c)) < 0)
		return rc;
	if (c->nkept != 2)
		return yb_error_set(YB_ERROR, "setl: postgresql: no result");
	res = c->kept[0];
	for (n = 0; n < PQntuples(res) && n < YB_MAX_BUCKETS; n++) {
		col_text(res, n, 0, out->deltas[n].bucket, sizeof(out->deltas[n].bucket));
		out->deltas[n].amount = col_int(res, n, 1);
	}
	r->deltas = out->deltas;
	r->n_deltas = n;
	res = c->kept[1];
	for (n = 0; n < PQntuples(res) && n < 1 + YB_MAX_MULAID; n++) {
		col_text(res, n, 0, out->movs[n].psn_no, sizeof(out->movs[n].psn_no));
		out->movs[n].amount = col_int(res, n, 1);
	}
	r->movs = out->movs;
	r->n_movs = n;
	return 0;
}

static int mark_cancelled(yb_conn *c, const char *psn_no, const char *setl_id)
{
	args a = {.n = 0};
	char msg[128];

	a_text(&a, psn_no);
	a_text(&a, setl_id);
	snprintf(msg, sizeof(msg), "setl_id: %s is already cancelled", setl_id);
	return send_k(c, S_MARK, &a, 0, YB_EREFUSED, msg);
}

static int each_setl(yb_conn *c, const char *psn_no, const char *mdtrt_id,
		     int (*fn)(const yb_setl_row *, int, void *), void *arg)
{
	args a = {.n = 0};
	yb_setl_row s;
	PGresult *r;
	int rc = 0, i, cancelled;

	a_text(&a, psn_no);
	a_text(&a, mdtrt_id);
	if (!(r = query_own(c, S_EACH_SETL, &a, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r) && rc >= 0; i++) {
		memset(&s, 0, sizeof(s));
		cancelled = setl_cols(r, i, &s);
		rc = fn(&s, cancelled, arg);
	}
	PQclear(r);
	return rc < 0 ? rc : 0;
}

static int get_setl_funds(yb_conn *c, const char *psn_no, const char *setl_id,
			  yb_fund_pay *out, int *n)
{
	args a = {.n = 0};
	PGresult *r;
	int rc, i;

	*n = 0;
	a_text(&a, psn_no);
	a_text(&a, setl_id);
	if (!(r = query(c, S_GET_FUNDS, &a, &rc)))
		return rc;
	for (i = 0; i < PQntuples(r) && *n < YB_MAX_FUNDS; i++) {
		yb_fund_pay *f = &out[(*n)++];
		memset(f, 0, sizeof(*f));
		col_text(r, i, 0, f->fund_pay_type, sizeof(f->fund_pay_type));
		f->inscp_scp_amt = col_int(r, i, 1);
		f->crt_payb_lmt_amt = col_int(r, i, 2);
		f->fund_payamt = col_int(r, i, 3);
		col_text(r, i, 4, f->setl_proc_info, sizeof(f->setl_proc_info));
	}
	return 0;
}

static int find_setl_by_msgid(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			      const char *msgid, char setl_id[YB_ID_MAX])
{
	args a = {.n = 0};
	PGresult *r;
	int rc;

	a_text(&a, psn_no);
	a_text(&a, fixmedins_code);
	a_text(&a, msgid);
	if (!(r = query(c, S_FIND_SETL_MSGID, &a, &rc)))
		return rc;
	if (PQntuples(r) < 1)
		return YB_ENOTFOUND;
	col_text(r, 0, 0, setl_id, YB_ID_MAX);
	return 0;
}

static int reconcile(yb_conn *c, const char *fixmedins_code, int insutype, int clr_type,
		     yb_datetime from, yb_datetime to, yb_recon_rows *out)
{
	args a = {.n = 0};
	PGresult *r;
	int rc;

	memset(out, 0, sizeof(*out));
	a_text(&a, fixmedins_code);
	a_int(&a, from);
	a_int(&a, to);
	a_int(&a, insutype);
	a_int(&a, clr_type);
	if (!(r = query(c, S_RECON, &a, &rc)))
		return rc;
	if (PQntuples(r) < 1)
		return yb_error_set(YB_ERROR, "setl: postgresql: no totals");
	out->setl_cnt = (long)col_int(r, 0, 0);
	out->cancel_cnt = (long)col_int(r, 0, 1);
	out->medfee_sumamt = col_int(r, 0, 2);
	out->fund_pay_sumamt = col_int(r, 0, 3);
	out->acct_pay = col_int(r, 0, 4);
	out->psn_cash_pay = col_int(r, 0, 5);
	return 0;
}

/* ------------------------------------------------- idempotency records */

/* By (fixmedins_code, msgid), unique in the database as in SQLite; on a
 * cluster sharded by person (sharded=1 in the URL), within the person the
 * request names: one shard. A unit of a person reads its institution
 * next: in the same statement (design note 4). */
static int get_idem_rec(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			const char *msgid, yb_idem_rec *rec, yb_buf *resp)
{
	int k = by_person(c, psn_no) ? S_GET_IDEM_REC_PSN : S_GET_IDEM_REC;
	int ahead = psn_no && c->mode == YB_TX_WRITE;
	args a = {.n = 0};
	PGresult *r;
	int rc;

	if (k == S_GET_IDEM_REC_PSN)
		a_text(&a, psn_no);
	a_text(&a, fixmedins_code);
	a_text(&a, msgid);
	if (ahead)
		k = k == S_GET_IDEM_REC_PSN ? S_GET_IDEM_PSN_FIX : S_GET_IDEM_FIX;
	if (!(r = query(c, k, &a, &rc)))
		return rc;
	if (ahead) {
		drop_ahead(c);
		snprintf(c->ahead.fix_code, sizeof(c->ahead.fix_code), "%s", fixmedins_code);
		c->ahead.fix_col = IDEM_NCOLS;
		c->ahead.fix = steal(c, c->nkept - 1);
		r = c->ahead.fix;
	}
	if (PQntuples(r) < 1 || PQgetisnull(r, 0, 0))
		return YB_ENOTFOUND;
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->fixmedins_code, sizeof(rec->fixmedins_code), "%s", fixmedins_code);
	snprintf(rec->msgid, sizeof(rec->msgid), "%s", msgid);
	col_text(r, 0, 0, rec->psn_no, sizeof(rec->psn_no));
	col_text(r, 0, 1, rec->infno, sizeof(rec->infno));
	rec->state = (int)col_int(r, 0, 2);
	col_text(r, 0, 3, rec->req, sizeof(rec->req));
	col_text(r, 0, 4, rec->ref, sizeof(rec->ref));
	rec->fmt = (int)col_int(r, 0, 6);
	col_text(r, 0, 7, rec->stamp, sizeof(rec->stamp));
	if (resp)
		yb_buf_put(resp, PQgetvalue(r, 0, 5), (size_t)PQgetlength(r, 0, 5));
	return 0;
}

static int put_idem_rec(yb_conn *c, const yb_idem_rec *r, const char *resp)
{
	args a = {.n = 0};

	a_text(&a, r->fixmedins_code);
	a_text(&a, r->msgid);
	a_text(&a, r->psn_no);
	a_text(&a, r->infno);
	a_text(&a, resp);
	a_int(&a, r->state);
	a_text(&a, r->req);
	a_text(&a, r->ref);
	a_int(&a, r->fmt);
	a_text(&a, r->stamp);
	return queue(c, S_PUT_IDEM, &a); /* sent with the unit's RELEASE */
}

static int set_idem_state(yb_conn *c, const char *psn_no, const char *fixmedins_code,
			  const char *msgid, int state)
{
	int k = by_person(c, psn_no) ? S_SET_IDEM_STATE_PSN : S_SET_IDEM_STATE;
	args a = {.n = 0};
	char msg[96];

	if (k == S_SET_IDEM_STATE_PSN)
		a_text(&a, psn_no);
	a_text(&a, fixmedins_code);
	a_text(&a, msgid);
	a_int(&a, state);
	snprintf(msg, sizeof(msg), "msgid: no message %s", msgid);
	return run_now(c, k, &a, YB_ENOTFOUND, msg);
}

/* -------------------------------------------------- the generic runner */

/* One statement of store_enrol.c, sent as text with its values (not
 * prepared: these are the bureau's occasional writes, not settlements),
 * after whatever is queued. */
static int gen_exec(yb_conn *c, const char *text, const yb_sqlv *v, int n,
		    yb_sql_row row, void *arg, long *changes)
{
	const char *vals[32], *cols[32];
	char nums[32][24];
	PGresult *r;
	int i, k, rc, nc;

	if (n > 32)
		return yb_error_set(YB_ERROR, "store: more than 32 values");
	for (i = 0; i < n; i++) {
		if (v[i].type == YB_SQLV_INT) {
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)v[i].i);
			vals[i] = nums[i];
		} else {
			vals[i] = v[i].type == YB_SQLV_NULL ? NULL : v[i].s;
		}
	}
	if ((rc = flush(c)) < 0)
		return rc;
	if (!c->pg)
		return conn_lost(c, "store");
	if (PQsendQueryParams(c->pg, text, n, NULL, vals, NULL, NULL, 0) != 1)
		return conn_lost(c, "store");
	c->q[c->nq].k = K_SQL;
	c->q[c->nq].keep = 1;
	c->q[c->nq].fail_code = 0;
	c->nq++;
	if ((rc = flush(c)) < 0)
		return rc;
	if (!c->nkept || !(r = c->kept[0]))
		return yb_error_set(YB_ERROR, "store: postgresql: no result");
	if (changes)
		*changes = strtol(PQcmdTuples(r), NULL, 10);
	nc = PQnfields(r) > 32 ? 32 : PQnfields(r);
	for (k = 0, rc = 0; row && k < PQntuples(r) && rc >= 0; k++) {
		for (i = 0; i < nc; i++)
			cols[i] = PQgetisnull(r, k, i) ? NULL : PQgetvalue(r, k, i);
		rc = row(arg, nc, cols);
	}
	drop_kept(c);
	return rc < 0 ? rc : 0;
}

/* -------------------------------------------------------------- checks */

/* The checks shared with SQLite (checks.h), then these, which stand in
 * for SQLite's PRAGMA foreign_key_check where a sharded cluster cannot
 * keep the constraint. They run in one REPEATABLE READ snapshot. */
static const yb_store_check pg_checks[] = {
	{"foreign key broken in acct_mov (account)", "SELECT m.setl_id, 0 FROM acct_mov m"
	 " WHERE NOT EXISTS (SELECT 1 FROM acct a WHERE a.psn_no = m.psn_no)"},
	{"foreign key broken in setl (person)", "SELECT s.setl_id, 0 FROM setl s"
	 " WHERE NOT EXISTS (SELECT 1 FROM psn p WHERE p.psn_no = s.psn_no)"},
	{"foreign key broken in setl (institution)", "SELECT s.setl_id, 0 FROM setl s"
	 " WHERE NOT EXISTS (SELECT 1 FROM fixmedins f WHERE f.fixmedins_code = s.fixmedins_code)"}
};

/* Check queries are run once, not prepared: PQsendQueryParams. */
static PGresult *query_text(yb_conn *c, const char *text, int *rc)
{
	if ((*rc = flush(c)) < 0)
		return NULL;
	if (PQsendQueryParams(c->pg, text, 0, NULL, NULL, NULL, NULL, 0) != 1) {
		*rc = conn_lost(c, "check");
		return NULL;
	}
	c->q[c->nq].k = K_CHECK;
	c->q[c->nq].keep = 1;
	c->q[c->nq].fail_code = 0;
	c->nq++;
	if ((*rc = flush(c)) < 0)
		return NULL;
	return c->nkept ? c->kept[0] : NULL;
}

static int check(yb_conn *c, void (*fn)(const char *, void *), void *arg, long *checked)
{
	PGresult *r;
	size_t i;
	int rc, row;

	*checked = 0;
	if (!(r = query_text(c, "SELECT count(*) FROM setl", &rc)))
		return rc < 0 ? rc : yb_error_set(YB_ERROR, "check: postgresql: no result");
	*checked = (long)col_int(r, 0, 0);
	for (i = 0; i < YB_STORE_N_CHECKS + sizeof(pg_checks) / sizeof(pg_checks[0]); i++) {
		const yb_store_check *k = i < YB_STORE_N_CHECKS ? &yb_store_checks[i]
							: &pg_checks[i - YB_STORE_N_CHECKS];
		if (!(r = query_text(c, k->sql, &rc)))
			return yb_error_prefix(rc < 0 ? rc : YB_ERROR, "%s", k->name);
		for (row = 0; row < PQntuples(r); row++) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s: %s (%lld)", k->name, col(r, row, 0),
				 col_int(r, row, 1));
			fn(msg, arg);
		}
	}
	drop_kept(c);
	return 0;
}

/* This backend's operations (store_impl.h), by subject. */
const yb_store_ops yb_store_pg_ops = {
	.name = "postgresql",
	.byte_order = " COLLATE \"C\"",
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
