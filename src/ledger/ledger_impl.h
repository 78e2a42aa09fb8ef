/* Internal: what the ledger's files share (ledger.c and ledger_*.c).
 *
 * Every durable operation of ledger.h runs as a ledger_op: one unit of
 * work in the store, keyed by the person, that looks up the idempotency
 * record first, then runs its body (fn) and records its output with the
 * caller's stamp, all in one transaction. The bodies are also callable
 * inside another unit (a reversal, 2601, runs the undo of a message in its
 * own unit). */
#ifndef YB_LEDGER_IMPL_H
#define YB_LEDGER_IMPL_H

#include "yibao/ledger.h"
#include "yibao/rules.h"
#include "yibao/store.h"

#include <pthread.h>

#define LEDGER_MAX_POLICIES 64
#define LEDGER_FIX_BUCKETS 256

typedef struct fix_entry {
	struct fix_entry *next;
	yb_fixmedins_rec rec;
} fix_entry;

struct yb_ledger {
	yb_store *st;
	pthread_mutex_t pol_mu;
	yb_policy *pol[LEDGER_MAX_POLICIES];
	int n_pol;
	pthread_rwlock_t cat_lock;
	struct region_cat {
		char admdvs[7];       /* "" for a list valid everywhere */
		yb_catalogue *cat;
	} cats[LEDGER_MAX_POLICIES];
	int n_cats;
	/* institutions read so far (the server reads one per request) */
	pthread_rwlock_t fix_lock;
	fix_entry *fix[LEDGER_FIX_BUCKETS];
	yb_ruleset *rules;        /* supervision rules (NULL: none); immutable */
};

/* Supervision in real time (ledger_rules.c): a settlement as the rules see
 * it, its lines (one per code) and what they found. */
typedef struct ledger_rules {
	yb_rl_setl s;
	yb_rl_line *lines;        /* one per code: the codes stay the caller's */
	size_t n_lines;
	yb_finding *found;
	size_t n_found;
} ledger_rules;
/* lr->lines from src[0..n) with codes[i] (codes NULL: none); a line with
 * several codes is judged as one line per code, its cnt and amount split
 * evenly (the rest on the first). */
int ledger_rules_lines(ledger_rules *lr, const yb_rl_line *src, const yb_trac_codes *codes, size_t n);
/* Adds a line's trdn_flag, time and codes (they outlive the judgement). */
typedef void (*ledger_line_more)(yb_rl_line *ln, yb_trac_codes *codes, void *arg);
/* lr from a settled visit: v's lines (more, if given, adds what the
 * engine's line lacks), the institution, person and amounts. */
int ledger_rules_input(ledger_rules *lr, const char *setl_id, const yb_fixmedins_rec *fix,
		       const yb_psn_rec *p, const yb_visit *v, const yb_settlement *s,
		       ledger_line_more more, void *arg);
/* Judges lr->s (lines from lr->lines) in tx; with refuse, a refuse rule's
 * finding is YB_EREFUSED naming the rule. */
int ledger_rules_judge(yb_ledger *l, yb_store_tx *tx, ledger_rules *lr, int refuse);
/* After the settlement row: history rows and findings of setl_id. */
int ledger_rules_record(yb_ledger *l, yb_store_tx *tx, ledger_rules *lr, const char *setl_id);
void ledger_rules_free(ledger_rules *lr);
int ledger_rules_open(yb_ledger *l);

/* The list of the place of care (就医地目录) with the catalogue lock held
 * for reading; release with ledger_catalogue_done(). */
const yb_catalogue *ledger_catalogue(yb_ledger *l, const char *place, const char *home);
void ledger_catalogue_done(yb_ledger *l);
/* Resolves a line's catalogue facts from cat (as returned above), or, for
 * an item cat lacks, from a list loaded for no region ("" admdvs). Call
 * with the catalogue lock held. */
void ledger_resolve(yb_ledger *l, const yb_catalogue *cat, yb_feeline_in *in, yb_date on);

/* A person as the engine sees them, with registrations (N4, OE8). */
typedef struct ledger_psn {
	yb_person psn;
	yb_remote_reg remote[YB_MAX_PSN_REGS];
	yb_identity idet[YB_MAX_PSN_REGS];
} ledger_psn;
/* Fills lp from p and the person's registrations, named by pol. */
int ledger_person(yb_store_tx *tx, const yb_policy *pol, const yb_psn_rec *p, ledger_psn *lp);
/* Who may not be served on day: not insured, paused (OE5), ended, another
 * insutype than asked (0: any). */
int ledger_refuse_person(const yb_psn_rec *p, int insutype, yb_date day);
/* OE5: refuses an outpatient settlement at time t while the person is in
 * an inpatient stay (any institution; mdtrt_id: the visit itself). */
int ledger_refuse_in_stay(yb_store_tx *tx, const char *fix, const char *psn_no,
			  const char *mdtrt_id, yb_datetime t);
/* CD6: a med_type 14 visit of psn_no is open only through a confirmed
 * chronic-disease application (migration 4) whose disease covers the
 * visit's diagnosis, decided by the visit day; else v->chronic_closed is
 * set and no fund pays. Other med_types: nothing read. */
int ledger_chronic(yb_store_tx *tx, const char *psn_no, yb_visit *v);
/* The request's time, or the clock (China Standard Time). */
yb_datetime ledger_now(const yb_ledger_msg *m);

/* -------------------------------------------------------- the op runner */

typedef struct ledger_op ledger_op;
struct ledger_op {
	yb_ledger *l;
	const yb_ledger_msg *m;
	const char *key;         /* store key (the person); NULL: psn_no */
	const char *psn_no;      /* the person the request names, or NULL */
	char req[160];           /* what is asked: a retry must ask the same */
	/* The body: reads, refuses or writes, and writes the output JSON
	 * into output. May set infno, rec_psn and ref. */
	int (*fn)(yb_store_tx *tx, ledger_op *o, yb_buf *output);
	void *arg;
	int dry_run;             /* run fn in a read snapshot, no record */
	/* NULL, or run after a retry is answered from its record (rec), for
	 * what the answer adds to the kept output (m->answer) */
	int (*on_replay)(yb_store_tx *tx, ledger_op *o, const yb_idem_rec *rec);
	/* set by fn (reset before each run) */
	char infno[8];           /* msg->infno, else what fn derives */
	char rec_psn[YB_ID_MAX]; /* the person to record; default psn_no */
	char ref[YB_ID_MAX];     /* what the message made */
	/* private */
	yb_buf *out;
	size_t mark;
};
/* Runs o durably (or as a read when o->dry_run) and leaves the answer in
 * out (appended; out unchanged on failure). */
int ledger_run(ledger_op *o, yb_buf *out);
/* Starts o->req as printf. */
void ledger_req(ledger_op *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------- bodies shared with 2601 */

/* The visit (psn_no, mdtrt_id) of institution fix: refusals name the
 * field as a missing visit would (an institution sees only its own). */
int ledger_own_visit(yb_store_tx *tx, const char *fix, const char *psn_no,
		     const char *mdtrt_id, yb_mdtrt_rec *out);
/* Cancels a registration (2202/2404) in tx; output gets the answer. */
int ledger_cancel_visit_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			   const char *mdtrt_id, yb_buf *output);
/* Cancels a discharge (2405) in tx. */
int ledger_cancel_dscg_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			  const char *mdtrt_id, yb_buf *output);
/* Cancels a settlement (2208/2305) in tx; mdtrt_id, psn_no NULL: not
 * checked. psn_out gets the person. l names the fund rows of the answer
 * (the policies). */
int ledger_cancel_setl_tx(yb_ledger *l, yb_store_tx *tx, const char *fix, const char *msgid,
			  const char *setl_id, const char *mdtrt_id, const char *psn_no,
			  yb_datetime now, yb_buf *output, char psn_out[YB_ID_MAX],
			  char infno_out[8]);
/* Deletes the unsettled lines uploaded by message msgid (a reversal of
 * 2204/2301); *n gets how many. */
int ledger_cancel_upload_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			    const char *msgid, long *n);

/* The stored row of a fresh settlement s of visit v (setl_time: the
 * visit's begntime; year: its year); deltas and movs are filled. */
void ledger_setl_row(yb_setl_row *r, const char *fixmedins_code, const char *msgid,
		     const yb_settlement *s, const yb_visit *v, const yb_policy *pol,
		     const yb_person *psn, const char *setl_id, yb_accum_row *deltas,
		     yb_acct_mov *movs, const yb_mulaid_acct *mulaid, size_t n_mulaid);

/* Writes a visit as 5201 lists it. */
void ledger_write_visit(yb_jw *w, const char *key, const yb_mdtrt_rec *r);
/* Writes a stored settlement row's members as 5203 lists them into an
 * object the caller has open. */
void ledger_write_setl_fields(yb_jw *w, const yb_setl_row *r);

#endif
