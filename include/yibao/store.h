/* The store: durable state behind the ledger. One interface, two backends:
 * store_sqlite.c (embedded default) and store_pg.c (PostgreSQL).
 * Callers never see SQL; they see records and person-scoped operations.
 *
 * Ownership: a yb_store is opened once and shared by all threads. A
 * yb_store_tx belongs to one thread for the length of one unit of work.
 *
 * Durability: writes happen only inside yb_store_submit(); the store runs
 * concurrent units of work in one database transaction (group commit), each
 * inside its own savepoint so that one failing unit rolls back alone, and
 * returns to each caller only after the commit is on disk.
 *
 * Where the SQL is written (all of it in src/store/), by one rule:
 *  - Per backend, as a function of the operations table (yb_store_ops in
 *    store_impl.h; its SQL once in store_sqlite.c, once in store_pg.c):
 *    the hot path, what the national interface reads and writes in real
 *    time and yibao load writes in bulk (persons, registrations,
 *    accounts, accumulators, institutions, catalogue, visits, fee lines,
 *    settlements, cancels, idempotency records, and the queries of them);
 *    anything whose SQL differs between SQLite and PostgreSQL (row locks,
 *    sequences, collation, array parameters); and anything that batches
 *    or reads ahead (store_pg.c's pipeline, one statement for all of a
 *    settlement's rows, numbers taken in batches).
 *  - Shared, one text for both backends through the generic runner
 *    (yb_store_sql in store_impl.h): work off the hot path whose SQL reads
 *    the same in both - the bureau's records, enrolment, staff and audit
 *    log (store_enrol.c), supervision's history and findings
 *    (store_rules.c), the catalogue downloads (store_catalog.c). A shared
 *    text never asks which backend runs it; one that would have to
 *    becomes a backend function. The one property a shared text may take
 *    from the backend is the clause that orders text by bytes
 *    (yb_store_byte_order: paging by a text key).
 * The checks of yibao check are shared texts too (checks.h, run by each
 * backend's check); the schema is a numbered list of migrations per
 * backend (schema_sqlite.h, schema_pg.h). Exceptions today, through the
 * runner on the settlement path: a chronic-disease visit's applications
 * (yb_tx_get_chronics) and, with supervision rules on, store_rules.c's
 * history and findings (not yet tuned, docs/performance.md); they move
 * into the table when they must be faster. */
#ifndef YB_STORE_H
#define YB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "yibao/date.h"
#include "yibao/engine.h"
#include "yibao/money.h"
#include "yibao/policy.h"

#define YB_ID_MAX 40 /* psn_no, setl_id, mdtrt_id, msgid, fixmedins_code */

typedef struct yb_store yb_store;
typedef struct yb_store_tx yb_store_tx;

/* ------------------------------------------------------------- records */

typedef struct yb_fixmedins_rec {
	char fixmedins_code[YB_ID_MAX];
	char fixmedins_name[128];
	int fixmedins_type;      /* 1 institution, 2 pharmacy */
	int hosp_lv;
	int prim_flag;
	char admdvs[7];
	char secret[128];        /* gateway signature secret; "" none */
} yb_fixmedins_rec;

/* A person with the insurance period that applies on a given day. */
typedef struct yb_psn_rec {
	char psn_no[YB_ID_MAX];
	char certno[32];
	char psn_name[64];
	char gend;
	yb_date brdy;
	char insu_admdvs[7];
	int insutype;
	char psn_type[8];
	yb_date begndate, enddate;
	int psn_insu_stas;       /* 1 insured, 2 paused for arrears (OE5), 4 ended */
	yb_money acct_balc;      /* own personal account */
} yb_psn_rec;

typedef struct yb_mulaid_rec {
	char initiator_psn_no[YB_ID_MAX];
	char bound_psn_no[YB_ID_MAX];
	yb_datetime bind_time;
} yb_mulaid_rec;

/* An initiator's account as seen by a bound person (A2). */
typedef struct yb_mulaid_row {
	char psn_no[YB_ID_MAX];
	yb_money balc;
	yb_datetime bind_time;
} yb_mulaid_row;

typedef struct yb_accum_row {
	char bucket[32];
	yb_money amount;
} yb_accum_row;

/* The amounts of a stored settlement, in one table so that negation,
 * columns, JSON and checks are written once (see yb_setl_amounts[]). */
enum {
	YB_A_MEDFEE_SUMAMT, YB_A_FULAMT_OWNPAY_AMT, YB_A_OVERLMT_SELFPAY,
	YB_A_PRESELFPAY_AMT, YB_A_INSCP_SCP_AMT, YB_A_ACT_PAY_DEDC, YB_A_HIFP_PAY,
	YB_A_CVLSERV_PAY, YB_A_HIFES_PAY, YB_A_HIFMI_PAY, YB_A_HIFOB_PAY,
	YB_A_MAF_PAY, YB_A_OTH_PAY, YB_A_FUND_PAY_SUMAMT, YB_A_PSN_PART_AMT,
	YB_A_ACCT_PAY, YB_A_PSN_CASH_PAY, YB_A_HOSP_PART_AMT, YB_A_ACCT_MULAID_PAY,
	YB_A_COUNT
};
extern const char *const yb_setl_amount_names[YB_A_COUNT];
void yb_setl_amounts_from(yb_money out[YB_A_COUNT], const yb_settlement *s);

/* One account movement: negative debits, positive credits. */
typedef struct yb_acct_mov {
	char psn_no[YB_ID_MAX];
	yb_money amount;
} yb_acct_mov;

/* A settlement (or its negation, a cancel) as stored. */
typedef struct yb_setl_row {
	char setl_id[YB_ID_MAX];
	char psn_no[YB_ID_MAX];
	char mdtrt_id[YB_ID_MAX];
	char fixmedins_code[YB_ID_MAX];
	char msgid[YB_ID_MAX];
	char refd_setl_id[YB_ID_MAX]; /* a cancel names what it cancels */
	int insutype;
	int med_type;
	yb_datetime setl_time;
	int year;                     /* accumulator year */
	int mid_setl;                 /* a mid-stay part (2304 mid_setl_flag) */
	char pol_ver[48];
	int32_t pool_prop;
	yb_money amt[YB_A_COUNT];
	yb_money balc;                /* own account after */
	/* children */
	const yb_feeline *lines;      /* NULL on a cancel: lines stay with the original */
	const yb_line_result *results;
	size_t n_lines;
	const yb_fund_pay *funds;
	int n_funds;
	const yb_accum_row *deltas;   /* accumulator deltas (negated on a cancel) */
	int n_deltas;
	const yb_acct_mov *movs;      /* account movements */
	int n_movs;
	const char *response;         /* JSON answer kept for retries */
} yb_setl_row;

/* A person's registration (migration 3): an assisted identity (N4) or a
 * remote-care registration (OE8), by the names of the person's policy. */
typedef struct yb_psn_reg_rec {
	char psn_no[YB_ID_MAX];
	char kind[8];            /* "idet" or "remote" */
	char type[32];           /* identity or remote-care type name */
	char admdvs[7];          /* remote: place of care registered; idet: "" */
	yb_date begndate, enddate;
} yb_psn_reg_rec;
#define YB_MAX_PSN_REGS 16   /* per kind, as calc */

/* A visit (2201) or an inpatient stay (2401). */
enum {
	YB_MDTRT_REGISTERED = 1, /* an outpatient visit, open */
	YB_MDTRT_ADMITTED = 2,   /* a stay, not discharged */
	YB_MDTRT_DISCHARGED = 3,
	YB_MDTRT_CANCELLED = 9
};
#define YB_DIAG_MAX 8192     /* diagnoses JSON text, NUL included */
typedef struct yb_mdtrt_rec {
	char psn_no[YB_ID_MAX];
	char mdtrt_id[YB_ID_MAX];
	char fixmedins_code[YB_ID_MAX];
	char msgid[YB_ID_MAX];        /* the registering message */
	int insutype;
	int med_type;
	yb_datetime begntime;
	yb_datetime endtime;          /* 0: none yet */
	char dise_codg[YB_CODE_MAX];
	char dise_name[128];
	char diagnoses[YB_DIAG_MAX];  /* JSON array (2203 diseinfo) */
	char ipt_otp_no[48];
	int dscg_way;                 /* 0: not discharged */
	int status;                   /* YB_MDTRT_* */
	yb_money mid_setl_dedc;       /* deductible borne by standing settlements */
	char final_setl_id[YB_ID_MAX];/* the standing final settlement; "" none */
} yb_mdtrt_rec;

/* A fee line's drug traceability codes (drug_trac_codg, then each of
 * drugtracinfo[]), in the order they came. The store keeps them in one
 * column; this is the only shape above it. */
typedef struct yb_trac_codes {
	const char *const *v;
	size_t n;
} yb_trac_codes;
struct yb_buf;
/* n strings (s[i], len[i] bytes each) as codes that own their strings
 * (free with yb_trac_codes_free). */
int yb_trac_codes_pack(yb_trac_codes *out, const char *const *s, const size_t *len, size_t n);
/* A copy that owns its strings. */
int yb_trac_codes_dup(yb_trac_codes *out, const yb_trac_codes *in);
/* The codes of text (n bytes) joined by ',' as the feedetail column and
 * the national interface's drug_trac_codg hold them; empty pieces are
 * skipped. out owns its strings. */
int yb_trac_codes_split(yb_trac_codes *out, const char *text, size_t n);
/* Appends the codes joined by ','. */
void yb_trac_codes_join(struct yb_buf *b, const yb_trac_codes *c);
void yb_trac_codes_free(yb_trac_codes *c);

/* An uploaded fee line (2204/2301) with its split at upload. Strings of
 * the long, rarely read fields are borrowed pointers (NULL = ""): into the
 * caller's data on a write, into the row being read during a callback. */
typedef struct yb_fee_row {
	char feedetl_sn[32];
	char msgid[YB_ID_MAX];        /* the uploading message */
	char chrg_bchno[32];
	char med_list_codg[YB_CODE_MAX];
	char init_feedetl_sn[32];     /* a refund line: the line it refunds */
	yb_money sumamt;              /* det_item_fee_sumamt; < 0 on a refund */
	int64_t cnt;                  /* scale 4; < 0 on a refund */
	int64_t pric;                 /* scale 6 */
	yb_datetime fee_ocur_time;
	int trdn_flag;
	/* catalogue facts and split, as computed at upload */
	int known;
	int chrgitm_lv;
	int32_t selfpay_bp;
	int64_t pric_uplmt;           /* -1: no cap */
	uint32_t flags;
	yb_money fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt;
	char memo[16];                /* rule id that decided a self-pay */
	char setl_id[YB_ID_MAX];      /* "" while unsettled */
	const char *medins_list_codg;
	const char *rxno;
	yb_trac_codes codes;          /* traceability codes */
} yb_fee_row;

/* An idempotency record (migration 3 adds state, request and ref;
 * migration 6 the answer's format and stamp). */
enum { YB_IDEM_DONE = 0, YB_IDEM_REVERSED = 1, YB_IDEM_VOID = 2 };
/* What the stored answer text is: the answer as it was sent (records
 * from before migration 6), or the unit's output, from which the answer
 * is rebuilt with the stamp. */
enum { YB_IDEM_AS_SENT = 0, YB_IDEM_OUTPUT = 1 };
#define YB_STAMP_MAX 96
typedef struct yb_idem_rec {
	char fixmedins_code[YB_ID_MAX];
	char msgid[YB_ID_MAX];
	char psn_no[YB_ID_MAX];
	char infno[8];
	int state;                    /* YB_IDEM_* */
	char req[160];                /* what the message asked: a retry must ask the same */
	char ref[YB_ID_MAX];          /* what it made: mdtrt_id, setl_id; "" */
	int fmt;                      /* YB_IDEM_AS_SENT or YB_IDEM_OUTPUT */
	char stamp[YB_STAMP_MAX];     /* the caller's fields of the answer ("" none) */
} yb_idem_rec;

/* Reconciliation totals (3201). */
typedef struct yb_recon_rows {
	long setl_cnt, cancel_cnt;
	yb_money medfee_sumamt, fund_pay_sumamt, acct_pay, psn_cash_pay;
} yb_recon_rows;

/* The parts of a stored settlement a cancel needs. */
typedef struct yb_setl_stored {
	yb_setl_row row;
	int cancelled;                /* already cancelled */
	yb_accum_row deltas[YB_MAX_BUCKETS];
	yb_acct_mov movs[1 + YB_MAX_MULAID];
} yb_setl_stored;

/* -------------------------------------------------------------- store */

/* url: "postgresql://..." or "postgres://..." selects PostgreSQL;
 * anything else is a SQLite file path, created if absent. */
int yb_store_open(yb_store **out, const char *url);
void yb_store_close(yb_store *st);

/* A unit of work: runs inside a savepoint of the group transaction.
 * Returning < 0 rolls back this unit only; its error message is kept for
 * the caller. */
typedef int (*yb_store_work)(yb_store_tx *tx, void *arg);

/* Runs work durably (waits for the commit). Returns work's result, or a
 * negative code if the commit failed (then nothing of work was kept).
 * Units with the same key (the psn_no) run one after another, in order;
 * a backend with several writers runs different keys in parallel. */
int yb_store_submit(yb_store *st, const char *key, yb_store_work work, void *arg);
/* Runs work in a read-only snapshot, without the writer. */
int yb_store_read(yb_store *st, yb_store_work work, void *arg);
/* Runs work as one exclusive transaction of its own (bulk load): all or
 * nothing, not grouped with others. */
int yb_store_exclusive(yb_store *st, yb_store_work work, void *arg);

/* Counters since open (for benchmarks and monitoring). */
typedef struct yb_store_stats {
	uint64_t commits;   /* group transactions committed (one fsync each) */
	uint64_t units;     /* units of work run in committed groups */
	uint64_t failed;    /* units that rolled back alone (refusals, errors) */
} yb_store_stats;
void yb_store_get_stats(yb_store *st, yb_store_stats *out);
/* Caps the units per group transaction (default 1024; 1 = one transaction
 * per unit, the naive way, for comparison). Takes effect from the next group. */
void yb_store_set_max_group(yb_store *st, int n);

/* ------------------------------------------------- operations in a tx */

int yb_tx_put_fixmedins(yb_store_tx *tx, const yb_fixmedins_rec *r);
/* A person with one insurance period and an opening account balance. */
int yb_tx_put_psn(yb_store_tx *tx, const yb_psn_rec *r);
/* Refuses an 8th binding of one initiator (A1) with YB_EREFUSED. */
int yb_tx_put_mulaid(yb_store_tx *tx, const yb_mulaid_rec *r);
int yb_tx_put_catalogue(yb_store_tx *tx, const yb_cat_item *it);

int yb_tx_get_fixmedins(yb_store_tx *tx, const char *code, yb_fixmedins_rec *out);
/* The person and the insurance period covering `on` (YB_ENOTFOUND if the
 * person is unknown; psn_insu_stas 0 if no period covers the day). */
int yb_tx_get_psn(yb_store_tx *tx, const char *psn_no, yb_date on, yb_psn_rec *out);
int yb_tx_get_psn_by_certno(yb_store_tx *tx, const char *certno, yb_date on, yb_psn_rec *out);
/* Accounts of initiators who bound psn_no, with balances; *n <= 7. */
int yb_tx_get_mulaid(yb_store_tx *tx, const char *psn_no, yb_mulaid_row *out, size_t *n);
/* Year-to-date accumulators of a person: *n rows. */
int yb_tx_get_accums(yb_store_tx *tx, const char *psn_no, int year,
		     yb_accum_row *out, int *n);
struct yb_buf;
/* A new settlement id, unique in the store. */
int yb_tx_next_setl_id(yb_store_tx *tx, char out[YB_ID_MAX]);
/* Writes a settlement (or cancel) with its children, applies its
 * accumulator deltas and account movements. */
int yb_tx_put_settlement(yb_store_tx *tx, const yb_setl_row *r);
int yb_tx_get_settlement(yb_store_tx *tx, const char *setl_id, yb_setl_stored *out);
int yb_tx_mark_cancelled(yb_store_tx *tx, const char *psn_no, const char *setl_id);
/* ---- registrations, visits, fee lines, idempotency records, settlements' queries */
int yb_tx_put_psn_reg(yb_store_tx *tx, const yb_psn_reg_rec *r);
/* A person's registrations of both kinds; *n <= cap. */
int yb_tx_get_psn_regs(yb_store_tx *tx, const char *psn_no, yb_psn_reg_rec *out,
		       size_t cap, size_t *n);
/* A new mdtrt_id, unique in the store. */
int yb_tx_next_mdtrt_id(yb_store_tx *tx, char out[YB_ID_MAX]);
int yb_tx_put_mdtrt(yb_store_tx *tx, const yb_mdtrt_rec *r);
/* Rewrites the mutable fields of (psn_no, mdtrt_id). */
int yb_tx_upd_mdtrt(yb_store_tx *tx, const yb_mdtrt_rec *r);
/* YB_ENOTFOUND (no message set) if the person has no such visit. */
int yb_tx_get_mdtrt(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		    yb_mdtrt_rec *out);
/* Every visit of a person, oldest first; fn returning < 0 stops. */
int yb_tx_each_mdtrt(yb_store_tx *tx, const char *psn_no,
		     int (*fn)(const yb_mdtrt_rec *, void *), void *arg);
/* An inpatient stay of the person, not cancelled, covering time t (begun
 * by t, not ended before t), other than except_mdtrt_id: 0 and *out, or
 * YB_ENOTFOUND (no message set). */
int yb_tx_find_stay(yb_store_tx *tx, const char *psn_no, yb_datetime t,
		    const char *except_mdtrt_id, yb_mdtrt_rec *out);
int yb_tx_put_fee(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		  const yb_fee_row *r);
/* The fee lines of a visit, by feedetl_sn; fn returning < 0 stops. */
int yb_tx_each_fee(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		   int (*fn)(const yb_fee_row *, void *), void *arg);
/* Sets a line's setl_id ("" to unsettle). */
int yb_tx_set_fee_setl(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		       const char *feedetl_sn, const char *setl_id);
/* Unsettles every line a settlement took (after its cancel). */
int yb_tx_unsettle_fees(yb_store_tx *tx, const char *psn_no, const char *setl_id);
int yb_tx_del_fee(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		  const char *feedetl_sn);
/* The idempotency record of (fixmedins_code, msgid) and its stored answer
 * (resp may be NULL), YB_ENOTFOUND if none. psn_no: the person the
 * request names, or NULL: a store sharded by person looks in that
 * person's shard only. */
int yb_tx_get_idem_rec(yb_store_tx *tx, const char *psn_no, const char *fixmedins_code,
		       const char *msgid, yb_idem_rec *rec, struct yb_buf *resp);
int yb_tx_put_idem_rec(yb_store_tx *tx, const yb_idem_rec *rec, const char *resp);
int yb_tx_set_idem_state(yb_store_tx *tx, const char *psn_no, const char *fixmedins_code,
			 const char *msgid, int state);
/* Settlements and cancels of a visit, oldest first (children not read:
 * lines, funds, deltas, movements are NULL); fn returning < 0 stops. */
int yb_tx_each_setl(yb_store_tx *tx, const char *psn_no, const char *mdtrt_id,
		    int (*fn)(const yb_setl_row *, int cancelled, void *), void *arg);
/* The fund rows (setldetail) of a settlement; *n <= YB_MAX_FUNDS. */
int yb_tx_get_setl_funds(yb_store_tx *tx, const char *psn_no, const char *setl_id,
			 yb_fund_pay *out, int *n);
/* The settlement (not a cancel) made by message msgid: its setl_id, or
 * YB_ENOTFOUND (no message set). */
int yb_tx_find_setl_by_msgid(yb_store_tx *tx, const char *psn_no, const char *fixmedins_code,
			     const char *msgid, char setl_id[YB_ID_MAX]);
/* Totals of an institution's settlements and cancels with setl_time in
 * [from, to) (insutype, clr_type 0: any). */
int yb_tx_reconcile(yb_store_tx *tx, const char *fixmedins_code, int insutype,
		    int clr_type, yb_datetime from, yb_datetime to, yb_recon_rows *out);

/* ---- the bureau's own records (issue 8, docs/enrolment.md,
 * docs/admin-api.md). Written once for both backends (store_enrol.c). A
 * unit of work that reads facts, decides and writes takes the audit lock
 * first (yb_tx_audit_lock): every such unit then runs alone, across
 * writers and processes, and a decision never rests on facts another
 * clerk is changing (two 8th bindings, one payment matched twice). */

#define YB_STAFF_MAX 33      /* staff_id with NUL: 1-32 of [A-Za-z0-9._-] */

/* A person's N1 facts (residents' enrolment) with psn's own fields. */
typedef struct yb_psn_facts {
	char psn_no[YB_ID_MAX];
	char certno[32];
	char psn_name[64];
	char gend;               /* '1', '2', or 0 unknown */
	yb_date brdy;            /* YB_DATE_NONE unknown */
	char insu_admdvs[7];
	char hukou_admdvs[7];    /* "" none */
	int residence_permit, insured_at_origin, migrant_worker, student, guardian_local;
	char groups[128];        /* policy group names, comma-separated */
	int deemed_months;       /* N6: recognised working months before the system */
} yb_psn_facts;

/* By psn_no, or by certno (either case of a final x) when psn_no is NULL. */
int yb_tx_get_facts(yb_store_tx *tx, const char *psn_no, const char *certno, yb_psn_facts *out);
/* create: a new person (with an empty account), YB_EEXISTS if psn_no or
 * certno is taken; else the person's facts are rewritten. */
int yb_tx_put_facts(yb_store_tx *tx, const yb_psn_facts *f, int create);
/* prefix + 12 digits from the named counter, unique in the store. */
int yb_tx_next_id(yb_store_tx *tx, const char *counter, char prefix, char out[YB_ID_MAX]);
/* Persons by certno (exact, either case of a final x) or name (a prefix:
 * its % _ taken literally); *n <= cap. */
int yb_tx_find_psns(yb_store_tx *tx, const char *certno, const char *name,
		    yb_psn_facts *out, size_t cap, size_t *n);

/* An insurance period (psn_insu); pay_id: the payment that made a
 * residents' coverage row ("" for periods loaded or derived). */
typedef struct yb_insu_row {
	int insutype;
	char psn_type[8];
	yb_date begndate, enddate;
	int psn_insu_stas;
	char pay_id[48];
} yb_insu_row;
int yb_tx_get_insu(yb_store_tx *tx, const char *psn_no, yb_insu_row *out, size_t cap, size_t *n);
/* Upsert by (psn_no, insutype, begndate). */
int yb_tx_put_insu(yb_store_tx *tx, const char *psn_no, const yb_insu_row *r);
/* Removes a person's periods of one insutype (OE5 rebuilds them). */
int yb_tx_del_insu(yb_store_tx *tx, const char *psn_no, int insutype);

/* A residents' enrolment of one benefit year (N1-N5). */
typedef struct yb_enrol_rec {
	char psn_no[YB_ID_MAX];
	int year;
	int renewal;
	char ground[24];
	char status[12];         /* registered, covered, lapsed */
	yb_datetime reg_time;
	char staff_id[YB_STAFF_MAX];
} yb_enrol_rec;
int yb_tx_get_enrols(yb_store_tx *tx, const char *psn_no, yb_enrol_rec *out, size_t cap, size_t *n);
int yb_tx_put_enrol(yb_store_tx *tx, const yb_enrol_rec *r); /* upsert by (psn_no, year) */

/* One line of the tax system's payment file, once recorded (pay_id
 * unique in the store: the import's idempotency key). */
typedef struct yb_pay_rec {
	char psn_no[YB_ID_MAX];
	char pay_id[48];
	char certno[32];
	char psn_name[64];
	int year;
	yb_money amount;
	yb_datetime paid_time;
	char channel[40];
	char verdict[12];        /* yb_pay_verdict_name() */
	yb_money due;            /* what was due for it */
	int enrol_year;          /* the enrolment it was judged against */
	yb_date begndate, enddate; /* matched: the coverage it bought */
	char batch_id[YB_ID_MAX];
	long line;
} yb_pay_rec;
int yb_tx_get_pay(yb_store_tx *tx, const char *pay_id, yb_pay_rec *out);
int yb_tx_get_pays(yb_store_tx *tx, const char *psn_no, yb_pay_rec *out, size_t cap, size_t *n);
int yb_tx_put_pay(yb_store_tx *tx, const yb_pay_rec *r);

/* An import of a payment file (or one payment entered at the counter). */
typedef struct yb_batch_rec {
	char batch_id[YB_ID_MAX];
	char file[128];
	char sha256[65];
	yb_datetime import_time;
	char staff_id[YB_STAFF_MAX];
	long lines, recorded;
} yb_batch_rec;
/* Upsert by batch_id: written before its payments, again with the report. */
int yb_tx_put_batch(yb_store_tx *tx, const yb_batch_rec *r, const char *report);
/* By batch_id, or by the file's sha256 when batch_id is NULL (the first
 * import of that content); report (may be NULL) gets the stored report. */
int yb_tx_get_batch(yb_store_tx *tx, const char *batch_id, const char *sha256,
		    yb_batch_rec *out, struct yb_buf *report);

/* An employee's contribution month (OE5, N6). */
typedef struct yb_month_rec {
	int32_t month;           /* yb_month: year * 12 + month - 1 */
	int status;              /* YB_MONTH_* of enroll.h */
	yb_date paid_date;       /* late_paid: when; else YB_DATE_NONE */
} yb_month_rec;
int yb_tx_get_months(yb_store_tx *tx, const char *psn_no, yb_month_rec *out, size_t cap, size_t *n);
int yb_tx_put_month(yb_store_tx *tx, const char *psn_no, const yb_month_rec *r, yb_datetime now);

/* A medical retirement application (N6) and its check. */
typedef struct yb_retire_rec {
	char psn_no[YB_ID_MAX];
	int32_t apply_month;
	int eligible, missing_months;
	yb_money topup_amount;
	int32_t retired_from;    /* first retiree month, or YB_MONTH_NONE */
	yb_datetime appl_time;
	char staff_id[YB_STAFF_MAX];
} yb_retire_rec;
int yb_tx_get_retires(yb_store_tx *tx, const char *psn_no, yb_retire_rec *out, size_t cap, size_t *n);
int yb_tx_put_retire(yb_store_tx *tx, const yb_retire_rec *r); /* upsert by (psn_no, apply_month) */

/* A remote-care registration (N7, OE8): the psn_reg row the ledger reads,
 * with what the bureau records. Ending one moves its enddate back. */
typedef struct yb_remote_rec {
	yb_psn_reg_rec reg;      /* kind "remote" */
	char reg_id[YB_ID_MAX];
	char channel[YB_ID_MAX];
	yb_datetime applied, done;
	yb_datetime cancelled;   /* 0: standing */
	char staff_id[YB_STAFF_MAX];
} yb_remote_rec;
int yb_tx_put_remote(yb_store_tx *tx, const yb_remote_rec *r);
int yb_tx_get_remotes(yb_store_tx *tx, const char *psn_no, yb_remote_rec *out, size_t cap, size_t *n);
/* By reg_id; YB_ENOTFOUND if none. */
int yb_tx_get_remote(yb_store_tx *tx, const char *reg_id, yb_remote_rec *out);
int yb_tx_end_remote(yb_store_tx *tx, const char *psn_no, const char *reg_id, yb_date enddate,
		     yb_datetime cancelled);

/* A chronic-disease application (CD6). */
typedef struct yb_chronic_rec {
	char psn_no[YB_ID_MAX];
	char appl_id[YB_ID_MAX];
	char dise_codg[YB_CODE_MAX];
	yb_date applied;
	char channel[YB_ID_MAX];
	int result;              /* YB_CHRONIC_* of enroll.h */
	yb_date decided;         /* YB_DATE_NONE while pending */
	char experts[128];       /* the experts' panel or reference */
	yb_datetime appl_time;
	char staff_id[YB_STAFF_MAX], decided_by[YB_STAFF_MAX];
} yb_chronic_rec;
int yb_tx_put_chronic(yb_store_tx *tx, const yb_chronic_rec *r); /* upsert by appl_id */
int yb_tx_get_chronic(yb_store_tx *tx, const char *appl_id, yb_chronic_rec *out);
int yb_tx_get_chronics(yb_store_tx *tx, const char *psn_no, yb_chronic_rec *out, size_t cap, size_t *n);

/* A family binding (A1): never deleted, an unbinding sets unbind_time. */
typedef struct yb_bind_rec {
	char bound_psn_no[YB_ID_MAX];
	char initiator_psn_no[YB_ID_MAX];
	yb_datetime bind_time, unbind_time; /* unbind_time 0: active */
	char relation[16];
	char staff_id[YB_STAFF_MAX];
} yb_bind_rec;
/* Every binding (ended ones too) of an initiator (by_initiator) or of a
 * bound person, by bind_time. */
int yb_tx_get_binds(yb_store_tx *tx, const char *psn_no, int by_initiator,
		    yb_bind_rec *out, size_t cap, size_t *n);
int yb_tx_put_bind(yb_store_tx *tx, const yb_bind_rec *r);
/* Ends the active binding of the pair; YB_ENOTFOUND if none. */
int yb_tx_unbind(yb_store_tx *tx, const char *bound_psn_no, const char *initiator_psn_no,
		 yb_datetime when);

/* A staff account: the password as an argon2id encoded hash (with its
 * parameters and salt). */
typedef struct yb_staff_rec {
	char staff_id[YB_STAFF_MAX];
	char role[16];           /* clerk, auditor, administrator */
	char pw_hash[192];
	int disabled;
	yb_datetime created;
	char created_by[YB_STAFF_MAX];
} yb_staff_rec;
int yb_tx_get_staff(yb_store_tx *tx, const char *staff_id, yb_staff_rec *out);
int yb_tx_put_staff(yb_store_tx *tx, const yb_staff_rec *r, int create); /* create: YB_EEXISTS if taken */
int yb_tx_each_staff(yb_store_tx *tx, int (*fn)(const yb_staff_rec *, void *), void *arg);

/* A session: the SHA-256 of its token (the token itself is never kept). */
typedef struct yb_session_rec {
	char token_hash[65];
	char staff_id[YB_STAFF_MAX];
	yb_datetime created, expires, last_used, ended; /* ended 0: open */
} yb_session_rec;
int yb_tx_put_session(yb_store_tx *tx, const yb_session_rec *r); /* upsert */
int yb_tx_get_session(yb_store_tx *tx, const char *token_hash, yb_session_rec *out);
/* Ends every open session of a staff member (disabled, new password). */
int yb_tx_end_sessions(yb_store_tx *tx, const char *staff_id, yb_datetime when);

/* The login lock-out (migration 7, src/store/store_login.c): the attempts
 * counted against one staff id (kind "staff") or one client address
 * ("addr") in the window that began at `since`, and the end of a lock.
 * Times are local seconds (sessions' clock). A row past `expires` counts
 * for nothing; the caller keeps expires >= since's window and the lock. */
#define YB_LOGIN_SUBJECT_MAX 64
typedef struct yb_login_guard_rec {
	char kind[8];                 /* "staff", "addr" */
	char subject[YB_LOGIN_SUBJECT_MAX];
	int failures;                 /* attempts counted (a success takes its own back) */
	yb_datetime since;            /* the window's start */
	yb_datetime locked_until;     /* 0: not locked */
	yb_datetime expires;
} yb_login_guard_rec;
/* The row of (kind, subject), locked until the transaction ends (one
 * writer on SQLite; a row lock on PostgreSQL, across writers and
 * processes): read, decide, yb_tx_put_login_guard is one atomic step. A
 * missing row reads as all zero (it is made, to be locked). */
int yb_tx_lock_login_guard(yb_store_tx *tx, const char *kind, const char *subject,
			   yb_login_guard_rec *out);
/* Writes the row back; one with no failures and no lock is deleted. */
int yb_tx_put_login_guard(yb_store_tx *tx, const yb_login_guard_rec *r);
/* Deletes the rows that expired before now. */
int yb_tx_purge_login_guards(yb_store_tx *tx, yb_datetime now);

/* The audit log: append-only, seq 1, 2, 3 ... with no gap, each row's
 * hash = SHA-256 of the previous hash and the row's fields (tamper
 * evidence; yb_tx_check verifies the chain). */
typedef struct yb_audit_rec {
	int64_t seq;
	yb_datetime rec_time;
	char staff_id[YB_STAFF_MAX];
	char action[32];
	char object[96];
	const char *before, *after;   /* JSON text ("null" when none) */
	char request_id[YB_ID_MAX];
	char prev_hash[65], hash[65];
} yb_audit_rec;
/* Locks the log's head for the rest of the transaction (see above). */
int yb_tx_audit_lock(yb_store_tx *tx);
/* Appends r (seq, prev_hash and hash are filled in and written back). */
int yb_tx_audit(yb_store_tx *tx, yb_audit_rec *r);
/* Rows with seq >= from, at most limit, oldest first; strings of the row
 * are valid during the call only. */
int yb_tx_each_audit(yb_store_tx *tx, int64_t from, long limit,
		     int (*fn)(const yb_audit_rec *, void *), void *arg);
/* The hash of one row, as yb_tx_audit computes it: keyed when this
 * process has the audit key (below), plain SHA-256 otherwise. */
void yb_audit_hash(char out[65], const yb_audit_rec *r);

/* The audit chain's key (docs/admin-api.md, "The audit log"): a secret
 * that is not in the store, read once from a file (its bytes, at least 16).
 * With it every new row's hash is an HMAC-SHA256 ("k:" and 62 hex digits),
 * which nobody without the key can recompute after changing a row. path
 * NULL or "": $YIBAO_AUDIT_KEY_FILE, else no key. */
int yb_audit_key_load(const char *path);
int yb_audit_keyed(void);

/* Walks the chain row by row, oldest first, for yibao check and
 * /audit/verify: yb_audit_check_row returns NULL for a good row, else the
 * problem. A keyed row cannot be checked without the key (counted in
 * unverified); a plain row after a keyed one is a problem (the chain was
 * rewritten from there by someone without the key). */
typedef struct yb_audit_walk {
	int64_t expect;          /* start at 1 */
	char prev[65];
	int keyed_seen;
	long unverified;
} yb_audit_walk;
const char *yb_audit_check_row(yb_audit_walk *w, const yb_audit_rec *r);

/* The head (last seq and hash) kept outside the store: verifies every line
 * of the anchor file at path ("seq hash time", one a line: the row must
 * still be there with that hash, the log no shorter), then appends the
 * current head. Each problem goes to fn; *bad counts them. The file is
 * created if absent; it is the operator's to keep elsewhere too. */
int yb_store_audit_anchor(yb_store *st, const char *path,
			  void (*fn)(const char *msg, void *arg), void *arg, long *bad);

/* A person's account and settlements, for the history of a person. */
typedef struct yb_acct_info {
	int exists;
	yb_money opening_balc, balc;
	long movements;
} yb_acct_info;
int yb_tx_get_acct(yb_store_tx *tx, const char *psn_no, yb_acct_info *out);
/* Every settlement and cancel of a person, oldest first (no children). */
int yb_tx_each_psn_setl(yb_store_tx *tx, const char *psn_no,
			int (*fn)(const yb_setl_row *, int cancelled, void *), void *arg);

/* ---- supervision's history and findings (issue 7; src/store/store_rules.c,
 * one text for both backends). Days are yb_date numbers, amounts fen, counts scale 4. */
/* A standing settlement's care (begntime, days, main diagnosis) and the
 * fingerprint of its lines. */
typedef struct yb_setl_care {
	yb_datetime begntime;
	yb_date begn, end;
	const char *dise_codg;
	uint64_t fingerprint;
} yb_setl_care;
int yb_tx_setl_care(yb_store_tx *tx, const char *psn_no, const char *setl_id, const yb_setl_care *c);
typedef struct yb_setl_past_rec {
	char setl_id[YB_ID_MAX];
	char mdtrt_id[YB_ID_MAX];
	char fixmedins_code[YB_ID_MAX];
	int med_type;
	yb_date begn, end;
	uint64_t fingerprint;
	yb_money medfee_sumamt;
} yb_setl_past_rec;
/* psn_no's standing settlements (not cancelled, not cancels) whose days of
 * care meet [from, to], by begn then setl_id. */
int yb_tx_each_setl_past(yb_store_tx *tx, const char *psn_no, yb_date from, yb_date to,
			 int (*fn)(const yb_setl_past_rec *, void *), void *arg);
/* A settled line of an item some quantity or exclusive rule counts. */
int yb_tx_put_setl_item(yb_store_tx *tx, const char *psn_no, const char *setl_id,
			const char *feedetl_sn, const char *med_list_codg, yb_date day, int64_t cnt);
/* The sum of cnt of psn_no's settled lines of codg dated in [from, to]. */
int yb_tx_item_cnt(yb_store_tx *tx, const char *psn_no, const char *med_list_codg,
		   yb_date from, yb_date to, int64_t *cnt);
/* A settled line's traceability code. */
typedef struct yb_trac_line_rec {
	char drug_trac_codg[YB_CODE_MAX + 32];
	char setl_id[YB_ID_MAX];
	char feedetl_sn[YB_ID_MAX];
	char psn_no[YB_ID_MAX];
	char fixmedins_code[YB_ID_MAX];
	char med_list_codg[YB_CODE_MAX];
	yb_date day;
	int64_t cnt;
	int trdn_flag;
} yb_trac_line_rec;
int yb_tx_put_setl_trac(yb_store_tx *tx, const yb_trac_line_rec *r);
/* Every settled line of code (standing settlements), in (day, setl_id,
 * feedetl_sn) order. */
int yb_tx_each_setl_trac(yb_store_tx *tx, const char *code,
			 int (*fn)(const yb_trac_line_rec *, void *), void *arg);
/* A cancel: the lines of setl_id leave the item and code history. */
int yb_tx_unsettle_rules(yb_store_tx *tx, const char *psn_no, const char *setl_id);
/* Stock and purchase (3501-3503): code -> product and pack size. */
typedef struct yb_trac_code_rec {
	char drug_trac_codg[YB_CODE_MAX + 32];
	char med_list_codg[YB_CODE_MAX];
	int64_t pack_qty;             /* scale 4, 0 unknown */
	char fixmedins_code[YB_ID_MAX];
	yb_date purc_date;
	char infno[8];
	yb_datetime rec_time;
} yb_trac_code_rec;
int yb_tx_put_trac_code(yb_store_tx *tx, const yb_trac_code_rec *r); /* upsert by code */
int yb_tx_get_trac_code(yb_store_tx *tx, const char *code, yb_trac_code_rec *out); /* YB_ENOTFOUND */
/* A finding recorded with its settlement. */
typedef struct yb_finding_rec {
	const char *psn_no, *setl_id, *fixmedins_code, *rule_id, *feedetl_sn, *other_setl_id;
	int seq, sev_deg, action;
	yb_money vola_amt, fund_amt;
	const char *vola_cont, *vola_evid;
} yb_finding_rec;
int yb_tx_put_finding(yb_store_tx *tx, const yb_finding_rec *r);
/* Every finding, by setl_id then seq (setl_id NULL: all); strings are
 * valid during the call only. */
int yb_tx_each_finding(yb_store_tx *tx, const char *setl_id,
		       int (*fn)(const yb_finding_rec *, void *), void *arg);

/* The store as the file set of docs/rules.md (setl.csv, fee.csv, trac.csv,
 * fixmedins.csv, and city.jsonl's institutions): what `yibao screen --db`
 * sweeps. Streams on SQLite. */
int yb_tx_export_screen(yb_store_tx *tx, FILE *setl, FILE *fee, FILE *trac, FILE *fix, FILE *city);

/* Calls fn for every catalogue item (to build the in-memory catalogue). */
int yb_tx_each_catalogue(yb_store_tx *tx, int (*fn)(const yb_cat_item *, void *), void *arg);

/* The catalogue as the national downloads read it (1301-1319;
 * src/store/store_catalog.c, one text for both backends). Rows come in
 * version order: by version day (the row's begndate; 1970-01-01, day 0,
 * for a row loaded without one), then by code, bytewise. Every member
 * narrows the rows; 0, NULL and YB_DATE_NONE narrow nothing. */
typedef struct yb_cat_filter {
	const char *admdvs;      /* the list of this region, and of the list valid
				  * everywhere ("") the codes the region's lacks;
				  * "" or NULL: the list valid everywhere alone */
	yb_date after_day;       /* rows after (after_day, after_codg) in version */
	const char *after_codg;  /* order; after_day YB_DATE_NONE: from the first */
	const char *codg;        /* exactly this code */
	const char *name_has;    /* names containing this text */
	int chrgitm_lv;          /* this class (YB_CLASS_*) */
	int capped;              /* 1: rows with a unit price cap */
	int selfpay;             /* 1: class-B rows (a first self-pay ratio is theirs) */
	yb_date on;              /* rows in force on this day */
	yb_date since;           /* rows whose version day is this day or later */
	const char *first;       /* codes whose first character is one of these
				  * (at most 4 characters) ... */
	int first_not;           /* ... 1: is none of them */
} yb_cat_filter;
/* The matching rows in version order, skipping `skip`, at most `limit`
 * (>= 0); strings of the row are valid during the call only. */
int yb_tx_each_cat(yb_store_tx *tx, const yb_cat_filter *f, long skip, long limit,
		   int (*fn)(const yb_cat_item *, void *), void *arg);
/* How many rows match. */
int yb_tx_count_cat(yb_store_tx *tx, const yb_cat_filter *f, long *n);
/* The regions that have a list ("" the list valid everywhere), in order;
 * *n <= cap. */
int yb_tx_cat_regions(yb_store_tx *tx, char (*out)[7], size_t cap, size_t *n);
/* Runs every invariant check; calls fn once per violation with a message.
 * *checked gets the number of settlements examined. */
int yb_tx_check(yb_store_tx *tx, void (*fn)(const char *msg, void *), void *arg,
		long *checked);

#endif
