/* Services: JSON in, engine (and later the store), JSON out. One function
 * per transaction or command; the CLI and the HTTP server call these. */
#ifndef YB_LEDGER_H
#define YB_LEDGER_H

#include <stddef.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/engine.h"
#include "yibao/json.h"
#include "yibao/policy.h"
#include "yibao/store.h"

#define YB_MAX_FEELINES 5000 /* per visit or upload */
#define YB_MAX_VISITS 100000 /* per calc input */

/* A fee line as read from JSON, with the client's optional catalogue
 * overrides (only calc honours them). Strings point into the JSON doc. */
typedef struct yb_feeline_in {
	yb_feeline line;
	int has_lv, has_prop, has_cap;
	int lv;
	int32_t prop_bp;
	int64_t cap;
} yb_feeline_in;

/* Reads one fee line object (2204 / calc feedetail). */
int yb_read_feeline(yb_feeline_in *out, const yb_json *o, const yb_jpath *p);

/* Fills a line's catalogue facts from the catalogue valid on `on`; with
 * overrides != 0 the client's chrgitm_lv, selfpay_prop and pric_uplmt_amt
 * win (calc's "what if"). */
void yb_resolve_feeline(yb_feeline_in *in, const yb_catalogue *cat, yb_date on,
			int overrides);

/* Reads "fixmedins" and "mdtrt" objects of a visit into v (not the lines). */
int yb_read_fixmedins(yb_visit *v, const yb_json *o, const yb_jpath *p);
int yb_read_mdtrt(yb_visit *v, const yb_json *o, const yb_jpath *p);
/* Reads "oth_scheme_pay" of o (OE9) into v. */
int yb_read_oth_scheme(yb_visit *v, const yb_json *o, const yb_jpath *p);
/* Reads o["idet"]: [{"idet_type": "min_living", "begndate", "enddate"}]. */
int yb_read_idet(yb_identity *out, size_t cap, size_t *n, const yb_policy *pol,
		 const yb_json *o, const yb_jpath *p);

/* setlinfo of a settlement or a cancel as every answer writes it: which,
 * whose, the money (docs/interface.md, "Answers field by field"). NULL
 * strings are written as "", but setl_id as null (a pre-settlement) and
 * refd_setl_id not at all (not a cancel). */
typedef struct yb_setlinfo {
	const char *mdtrt_id, *setl_id, *refd_setl_id;
	const char *psn_no, *psn_name;
	const char *certno;           /* the ID number on file: psn_cert_type "01" */
	const char *psn_type;         /* also gives cvlserv_flag (yb_cvlserv_flag) */
	char gend;                    /* '1', '2'; 0: "" */
	yb_date brdy;                 /* YB_DATE_NONE: brdy "" */
	int age;                      /* 0 without brdy */
	int insutype, med_type;
	const char *setl_time;
	const char *mdtrt_cert_type;  /* as the request named it */
	const char *medins_setl_id;   /* the msgid of the message */
	const char *clr_optins;       /* the institution's region */
	yb_money amt[YB_A_COUNT];
	int32_t pool_prop;
	yb_money balc;
	const char *setl_proc_info;
} yb_setlinfo;

/* Fills si from an engine result (zeroing the rest): the caller adds
 * setl_id, psn_name, certno, setl_time, mdtrt_cert_type, medins_setl_id. */
void yb_setlinfo_of(yb_setlinfo *si, const yb_settlement *s, const yb_visit *v,
		    const yb_person *psn);
void yb_write_setlinfo(yb_jw *w, const char *key, const yb_setlinfo *si);
/* setldetail[]: funds (their names, or yb_fund_pay_type_name's), then a
 * row for each of the own account (310200), the family mutual-aid accounts
 * (310201) and the hospital's part (999996) that holds money, from amt. */
void yb_write_setldetail(yb_jw *w, const char *key, const yb_fund_pay *funds, int n_funds,
			 const yb_money amt[YB_A_COUNT]);
/* Writes the members "setlinfo", "setldetail" and "result" of one
 * settlement into the object the caller has open. */
void yb_write_settlement(yb_jw *w, const yb_setlinfo *si, const yb_settlement *s,
			 const yb_line_result *lines, const yb_visit *v);
/* The name of a national fund_pay_type code; "" when not known. */
const char *yb_fund_pay_type_name(const char *type);
/* cvlserv_flag of a person type: "1" for a civil servant (1102), else "0". */
const char *yb_cvlserv_flag(const char *psn_type);

/* A fee line's price cap as the platform answers it, pric_uplmt_amt:
 * 999999 for none (pric_uplmt < 0) or an item not in the catalogue. */
void yb_write_line_cap(yb_jw *w, int64_t pric_uplmt);
/* A fee line's class and the catalogue's facts about it, as the platform
 * answers them after inscp_scp_amt: chrgitm_lv ("03" when not known),
 * med_chrgitm_type, the six flags (bas_medn_flag ... drt_reim_flag), memo
 * (NULL: null) and exp_content (null). docs/interface.md says where each
 * comes from. */
void yb_write_line_class(yb_jw *w, const char *med_list_codg, int known, int chrgitm_lv,
			 uint32_t flags, const char *memo);

/* The folder of policy files: $YIBAO_POLICY_DIR, ./policies, then the
 * policies folder beside the binary's build directory. */
int yb_policy_dir(char *out, size_t n);
/* Finds policies/<admdvs>.json: $YIBAO_POLICY_DIR, ./policies, then the
 * policies folder beside the binary's build directory. */
int yb_policy_path(char *out, size_t n, const char *admdvs);

/* ------------------------------------------------------------------ calc */

typedef struct yb_calc_opts {
	const char *policy_path;    /* --policy FILE, or NULL */
	const char *catalogue_path; /* --catalogue FILE, or NULL (the policy's) */
} yb_calc_opts;

/* Settles the visits of one calc input (docs/calc.md) and writes the
 * result JSON to out. Bad input: YB_EINVALID naming the field. */
int yb_calc(yb_buf *out, const char *input, size_t len, const yb_calc_opts *opts);

/* ---------------------------------------------------------------- ledger
 *
 * The ledger is the store plus the policies and the store's catalogue: the
 * durable side of settlement (docs/ledger.md). Every function is safe to
 * call from many threads at once. */

typedef struct yb_ledger yb_ledger;
struct yb_store;
struct yb_fixmedins_rec;
struct yb_psn_rec;

int yb_ledger_open(yb_ledger **out, const char *db_url);
void yb_ledger_close(yb_ledger *l);
struct yb_store *yb_ledger_store(yb_ledger *l);
/* Supervision rules judged in every settlement (docs/rules.md): loaded at
 * open from $YIBAO_RULES_DIR, else the rules folder beside the policies;
 * this replaces them (dir NULL, "" or "none": no rules). Call before the
 * ledger is shared between threads. */
int yb_ledger_set_rules(yb_ledger *l, const char *dir);
/* The settlement policy of a region (policies/<admdvs>.json), loaded on
 * first use and kept while the ledger is open (immutable). */
int yb_ledger_policy(yb_ledger *l, const char *admdvs, const yb_policy **out);
const struct yb_ruleset *yb_ledger_rules(yb_ledger *l);
/* 3101/3102: judges s by the ledger's rules against the store's history,
 * writing nothing; codes[i] (codes NULL: none) are line i's codes (a line
 * with several is judged as one line per code). Findings go to
 * out[0..cap), *n how many (0 without rules). */
struct yb_rl_setl;
struct yb_finding;
struct yb_trac_code_rec;
int yb_ledger_judge(yb_ledger *l, const struct yb_rl_setl *s, const yb_trac_codes *codes,
		    struct yb_finding *out, size_t cap, size_t *n);
/* Writes the store's standing settlements (judged under migration 5),
 * their lines, stock codes and institutions into dir as the file set of
 * docs/rules.md: what `yibao screen --db` sweeps. */
int yb_ledger_export_screen(yb_ledger *l, const char *dir);
/* 3501-3503: records code -> product and pack size, one unit (upserts). */
int yb_ledger_put_stock(yb_ledger *l, const struct yb_trac_code_rec *r, size_t n);

/* What a durable request's answer was made of, for a caller that builds
 * its own answer around the output (the national interface wraps it in
 * its envelope with the stamp it kept: src/nhsa/answer.c). */
typedef struct yb_ledger_answer {
	int replayed;             /* 1: answered from the idempotency record */
	int as_sent;              /* 1: out holds a whole answer as it was sent (a
				   * record from before migration 6), not an output */
	char stamp[YB_STAMP_MAX]; /* the stamp kept with the output ("" none) */
	/* a settlement's findings of warn rules, "rule ID: what; ...", from
	 * the store (a retry gets the same words); "" none */
	char warn[256];
} yb_ledger_answer;

/* The prefix of a key made from what the client sent (yb_ledger_msg.req). */
#define YB_REQ_SENT "sent|"

/* What every durable ledger request carries. Strings are borrowed. */
typedef struct yb_ledger_msg {
	const char *fixmedins_code;  /* the (authenticated) institution */
	const char *msgid;           /* idempotency key with fixmedins_code */
	const char *infno;           /* kept with the answer; NULL: derived ("2201"...) */
	yb_datetime now;             /* local time of the request; 0: the clock */
	const char *stamp;           /* kept with the output for the caller's answer
				      * (< YB_STAMP_MAX bytes; NULL: none) */
	const char *req;             /* what the message asked, as the caller keys it
				      * (the national interface: its input as sent);
				      * a retry must bring the same; < 160 bytes; NULL:
				      * the operation's own key (person, visit, ...) */
	yb_ledger_answer *answer;    /* optional out: what the answer was made of */
} yb_ledger_msg;

/* What the supervision rules read of an inline line. */
typedef struct yb_settle_line_ext {
	const char *const *codes;    /* traceability codes (drug_trac_codg), n_codes */
	size_t n_codes;
	int trdn_flag;
	yb_datetime fee_ocur_time;   /* 0: the visit's begntime */
} yb_settle_line_ext;

/* Lines settled as sent, without registration or upload: `yibao settle`
 * and 2206/2207 with input.feedetail[] (an extension kept from phase 1). */
typedef struct yb_settle_inline {
	yb_visit visit;              /* mdtrt fields; institution fields come from the store */
	const yb_feeline_in *lines;  /* catalogue facts come from the store, overrides ignored */
	size_t n_lines;
	const yb_settle_line_ext *ext; /* per line, or NULL: nothing for the rules */
} yb_settle_inline;

/* A settlement (2206/2207 outpatient, 2303/2304 inpatient, `yibao
 * settle`): of a registered visit's uploaded lines, or of inline lines. */
typedef struct yb_settle_req {
	const char *psn_no;
	const char *mdtrt_id;    /* with inl: inl->visit.mdtrt_id */
	int insutype;            /* 0, or must be the visit's (inline: the person's) */
	int med_type;            /* 0: the visit's */
	int acct_used;           /* acct_used_flag */
	int mid_setl;            /* 2304 mid_setl_flag: a part, the stay goes on */
	const char *chrg_bchno;  /* NULL, "" or "0000": every unsettled line; else that batch */
	int has_medfee;          /* 1: medfee_sumamt must be the lines' total */
	yb_money medfee_sumamt;
	yb_money oth_scheme_pay; /* OE9 */
	int dry_run;             /* 2206 / 2303: compute, write nothing */
	const char *mdtrt_cert_type; /* as the request named it, for the answer; NULL "" */
	/* NULL: the visit's uploaded lines (2204/2301). Else these lines, and
	 * the visit's fields come from inl->visit: of the members above only
	 * psn_no, insutype and dry_run are read. */
	const yb_settle_inline *inl;
} yb_settle_req;

/* Settles in one durable unit, the one settlement unit of the ledger
 * (ledger_setl.c) whoever calls. out gets {"setl_id","setlinfo":{...},
 * "setldetail":[...],"result":[...]} (setl_id null on a dry run).
 *  - Uploaded lines: every unsettled line (or one batch), refund lines
 *    netted into their originals.
 *  - Inline lines of a registered visit: only if it has no uploaded line
 *    waiting; of an unregistered mdtrt_id: a visit by its standing
 *    settlements.
 *  - A mid-stay part leaves the stay open and passes the deductible it
 *    bore to the next part; the final settlement closes the visit (IP3: a
 *    visit finally settled is not settled again until that settlement is
 *    cancelled).
 *  - Refused (writing nothing): a person not insured or paused for
 *    arrears (OE5), an outpatient settlement while the person is in an
 *    inpatient stay (any institution) covering the visit time, an unknown
 *    person or institution.
 * Durable and idempotent as every operation below. */
int yb_ledger_settle(yb_ledger *l, const yb_ledger_msg *m, const yb_settle_req *r,
		     yb_buf *out);
/* `yibao settle` input: {"msgid","fixmedins_code","psn_no","mdtrt":{...},"feedetail":[...]}. */
int yb_ledger_settle_json(yb_ledger *l, const char *json, size_t len, int dry_run,
			  yb_buf *out);
/* Cancels a settlement of this institution: writes the negated settlement
 * and reverses its accumulator deltas and account movements; out gets the
 * negated setlinfo. Twice, or another institution's: YB_EREFUSED. */
int yb_ledger_cancel(yb_ledger *l, const char *fixmedins_code, const char *msgid,
		     const char *setl_id, yb_buf *out);
/* Rebuilds the in-memory catalogue from the store (after a load). */
int yb_ledger_refresh_catalogue(yb_ledger *l);
/* Loads JSON-lines files in one transaction each (all or nothing). */
int yb_ledger_load_files(yb_ledger *l, char *const *files, int n, yb_buf *report);
/* Verifies the invariants of DESIGN.md; report gets a summary and one line
 * per violation. */
int yb_ledger_check(yb_ledger *l, yb_buf *report, long *violations);
/* An institution, from an in-memory cache filled at open and after a
 * load (a miss reads the store once). Cheap: one per request is fine. */
int yb_ledger_get_fixmedins(yb_ledger *l, const char *code, struct yb_fixmedins_rec *out);
/* Drops the institution cache (after a load by another process). */
void yb_ledger_forget_fixmedins(yb_ledger *l);
int yb_ledger_get_psn(yb_ledger *l, const char *psn_no, yb_date on, struct yb_psn_rec *out);
/* The person holding certificate number certno (1101), insurance on `on`. */
int yb_ledger_get_psn_by_certno(yb_ledger *l, const char *certno, yb_date on,
				struct yb_psn_rec *out);

/* --------------------------------------------------------- visits (2201..)
 *
 * Conventions of every function below that takes a yb_ledger_msg:
 *  - durable (acknowledged after the commit) and idempotent on
 *    (fixmedins_code, msgid): a retry gets the stored output byte for byte
 *    (and msg->answer the stamp kept with it) and writes nothing; a msgid
 *    used before for another message, or voided by a reversal (2601), is
 *    YB_ECONFLICT;
 *  - out gets the output JSON object documented with each function; on
 *    failure out is left as it was;
 *  - a refusal (YB_EREFUSED, YB_ENOTFOUND, YB_EINVALID) names the field
 *    ("psn_no: ...", "mdtrt_id: ...", "feedetail[3].feedetl_sn: ...") and
 *    writes nothing;
 *  - an institution sees and changes only its own visits: another's visit
 *    or settlement gets the same answer as a missing one. */

/* 2201 outpatient registration / 2401 admission. */
typedef struct yb_mdtrt_reg {
	const char *psn_no;
	int insutype;            /* 0: the insurance covering begntime */
	int med_type;            /* 11.. outpatient, 21..28 inpatient (an admission) */
	yb_datetime begntime;
	const char *ipt_otp_no;  /* the hospital's own number; NULL "" */
	const char *dise_codg;   /* admission diagnosis; NULL "" */
	const char *dise_name;
	const char *diagnoses;   /* JSON array text (2203 diseinfo[]); NULL "[]" */
} yb_mdtrt_reg;

/* Registers a visit and generates its mdtrt_id. Refused: unknown person,
 * not insured on begntime (or paused, OE5), an admission while the person
 * is in another stay (any institution).
 * out: {"mdtrt_id","psn_no","ipt_otp_no","insutype","med_type","begntime"} */
int yb_ledger_register(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_reg *r,
		       yb_buf *out);

/* 2202 / 2404: cancels a registration with no settlement standing; its
 * unsettled fee lines go with it. out: {"mdtrt_id","psn_no","status":"cancelled"} */
int yb_ledger_cancel_visit(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			   const char *mdtrt_id, yb_buf *out);

/* 2203 (diagnoses) / 2403 (admission change): NULL or 0 keeps a field.
 * Refused on a cancelled or finally settled visit. out: the visit as 5201. */
typedef struct yb_mdtrt_upd {
	const char *psn_no;
	const char *mdtrt_id;
	int med_type;
	yb_datetime begntime;
	const char *ipt_otp_no;
	const char *dise_codg;
	const char *dise_name;
	const char *diagnoses;   /* JSON array text replacing the stored list */
} yb_mdtrt_upd;
int yb_ledger_update_visit(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_upd *u,
			   yb_buf *out);

/* 2402 discharge: an admitted stay gets endtime, dscg_way and the discharge
 * diagnosis (NULL keeps). out: the visit as 5201. */
typedef struct yb_dscg {
	const char *psn_no;
	const char *mdtrt_id;
	yb_datetime endtime;     /* >= begntime */
	int dscg_way;            /* 1..9 */
	const char *dise_codg;
	const char *dise_name;
	const char *diagnoses;
} yb_dscg;
int yb_ledger_discharge(yb_ledger *l, const yb_ledger_msg *m, const yb_dscg *d, yb_buf *out);
/* 2405: back to admitted; refused once the stay is finally settled. */
int yb_ledger_cancel_discharge(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			       const char *mdtrt_id, yb_buf *out);

/* --------------------------------------------------- fee lines (2204/2301) */

/* A fee line as uploaded. Strings are borrowed (NULL = ""). A refund line
 * has a negative cnt and det_item_fee_sumamt and names the line it
 * refunds in init_feedetl_sn (an unsettled line of the same visit). */
typedef struct yb_fee_up {
	yb_feeline_in in;            /* feedetl_sn, med_list_codg, amounts */
	const char *chrg_bchno;
	const char *medins_list_codg;
	const char *init_feedetl_sn;
	const char *rxno;
	yb_trac_codes codes;         /* drug_trac_codg, then drugtracinfo[]: owned */
	int trdn_flag;               /* 1: sold in split units */
	yb_datetime fee_ocur_time;   /* 0: the request time */
} yb_fee_up;

/* Reads one feedetail[] object of 2204/2301 (a refund line may be
 * negative). Strings point into the JSON doc; codes are owned: free the
 * lines with yb_fee_up_free (also after a failure). */
int yb_read_fee_up(yb_fee_up *out, const yb_json *o, const yb_jpath *p);
void yb_fee_up_free(yb_fee_up *lines, size_t n);

/* A line's traceability codes as HIS send them: drug_trac_codg (one code,
 * or several joined by ','), then drugtracinfo[].drug_trac_codg (one code
 * each), each at most YB_TRAC_CODE_MAX - 1 characters, 4000 in all. out
 * owns its strings (yb_trac_codes_free). */
int yb_read_trac_codes(yb_trac_codes *out, const yb_json *o, const yb_jpath *p);

/* Uploads at most YB_MAX_FEELINES lines to a visit of this institution
 * (not cancelled, not finally settled). A feedetl_sn already in the visit
 * or repeated is refused. Each line is split with the catalogue of the
 * place of care, as a settlement will.
 * out: {"result":[{feedetl_sn, med_list_codg, det_item_fee_sumamt, cnt,
 *   pric, pric_uplmt_amt, selfpay_prop, fulamt_ownpay_amt, overlmt_amt,
 *   preselfpay_amt, inscp_scp_amt, chrgitm_lv, memo (the rule id)}]}
 *   (a refund line's amounts are negative) */
int yb_ledger_upload(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
		     const char *mdtrt_id, const yb_fee_up *lines, size_t n, yb_buf *out);

/* 2205 / 2302: cancels unsettled lines: those of chrg_bchno ("0000": every
 * unsettled line), or the one feedetl_sn (then chrg_bchno NULL). A settled
 * line, or an original whose refund would stay, is refused.
 * out: {"mdtrt_id","psn_no","cancelled":N} */
int yb_ledger_cancel_fees(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			  const char *mdtrt_id, const char *chrg_bchno,
			  const char *feedetl_sn, yb_buf *out);

/* ----------------------------------------- cancel of a settlement (2208/2305) */

/* 2208 / 2305: cancels a settlement of this institution, checking in its
 * own transaction that it is of mdtrt_id and psn_no (either NULL: not
 * checked, for the CLI). Another institution's settlement is "no
 * settlement" exactly as a missing one. The visit's lines become unsettled
 * again (re-settle possible) and a final settlement's visit reopens.
 * out: {"setl_id","setlinfo":{... every amount negated, "refd_setl_id"}} */
int yb_ledger_cancel_setl(yb_ledger *l, const yb_ledger_msg *m, const char *setl_id,
			  const char *mdtrt_id, const char *psn_no, yb_buf *out);

/* ---------------------------------------------------------- reversal (2601) */

/* Undoes what message (fixmedins_code, omsgid) did if it completed: a
 * settlement is cancelled, an upload's lines are cancelled, a
 * registration is cancelled, a discharge is cancelled; other kinds are
 * refused. If it never completed, records it as void so that its late
 * arrival is refused. oinfno must be the message's infno. Idempotent on
 * msg->msgid; a second reversal of one omsgid is answered as done.
 * out: {"omsgid","oinfno","rslt":"reversed"|"voided", "setl_id"?: the cancel} */
int yb_ledger_reverse(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
		      const char *omsgid, const char *oinfno, yb_buf *out);

/* ---------------------------------------------------- reconciliation (3201) */

typedef struct yb_recon_req {
	const char *fixmedins_code;
	int insutype;            /* 0: every insutype */
	int clr_type;            /* 11 outpatient, 21 inpatient, 0: both */
	yb_date begndate, enddate; /* by settlement time, both included */
} yb_recon_req;

typedef struct yb_recon {
	long setl_cnt;           /* settlements */
	long cancel_cnt;         /* cancels (each also counted in its own period) */
	yb_money medfee_sumamt;  /* net: settlements plus (negative) cancels */
	yb_money fund_pay_sumamt;
	yb_money acct_pay;
	yb_money psn_cash_pay;
} yb_recon;

/* Totals of an institution's settlements and cancels in the period. */
int yb_ledger_reconcile(yb_ledger *l, const yb_recon_req *r, yb_recon *out);

/* ------------------------------------------------------- queries (5201..) */

/* 5201: the person's visits at this institution that began in [begn, end]
 * (0: open). out: {"mdtrtinfo":[{mdtrt_id, psn_no, insutype, med_type,
 * begntime, endtime, ipt_otp_no, dise_codg, dise_name, dscg_way, status,
 * mid_setl_dedc, final_setl_id, diseinfo:[...]}]} */
int yb_ledger_query_visits(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			   yb_datetime begn, yb_datetime end, yb_buf *out);
/* 5203: settlements (and cancels) of a visit of this institution; setl_id
 * non-NULL: that one only. out: {"setlinfo":[{...,"refd_setl_id",
 * "cancelled"}],"setldetail":[{setl_id, fund_pay_type, ...}]} */
int yb_ledger_query_setl(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			 const char *mdtrt_id, const char *setl_id, yb_buf *out);
/* 5204: fee lines of a visit of this institution, with their split and
 * setl_id ("" unsettled). out: {"feedetail":[...]} */
int yb_ledger_query_fees(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			 const char *mdtrt_id, yb_buf *out);
/* 5206: the person's accumulators of the year of cum_ym ("202403" or
 * "2024"); any institution may ask (it needs them to tell the patient).
 * An unknown person has none (cuminfo empty), as a person with nothing
 * accumulated. out: {"cuminfo":[{"year","cum_type_code","cum"}]} */
int yb_ledger_query_accums(yb_ledger *l, const char *psn_no, const char *cum_ym,
			   yb_buf *out);

/* ------------------------------------------------ catalogue downloads */

/* The national lists (1301-1319) served from the store's catalogue
 * (ledger_catalog.c; docs/interface.md, "Catalogue downloads"). Structs in
 * and out: the national interface writes the answers and the files. */

/* 目录类别 (list_type), told by a code's first character as the national
 * coding writes it: X and Z 101 (西药中成药), T 102 (中药饮片), C 301
 * (医用耗材), any other 201 (医疗服务项目). 103 (医疗机构制剂) and 104
 * (民族药) cannot be told from a code: no row is of them. */
enum {
	YB_LIST_DRUG = 101, YB_LIST_HERB = 102, YB_LIST_PREP = 103,
	YB_LIST_ETHNIC = 104, YB_LIST_SERVICE = 201, YB_LIST_MATERIAL = 301
};
int yb_list_type(const char *codg);

/* A row's version: its version day (begndate; 1970-01-01 when it has none)
 * as yyyyMMdd, then its code: "20240101XA10BAE054A001010100683". Versions
 * compare as text in the order the rows are served. */
#define YB_CAT_VER_MAX (8 + YB_CODE_MAX)
void yb_cat_ver_format(char out[YB_CAT_VER_MAX], yb_date day, const char *codg);
/* NULL, "" and "0" are "from the first" (*day YB_DATE_NONE); else 8 digits
 * of a day and a code of fewer than YB_CODE_MAX bytes (none: every row of
 * that day and after). YB_EINVALID "ver: ..." otherwise. */
int yb_cat_ver_parse(const char *ver, yb_date *day, char codg[YB_CODE_MAX]);

#define YB_CAT_PAGE_MAX 1000 /* rows in one answer or file */

typedef struct yb_cat_req {
	const char *fixmedins_code;  /* the list of its place of care (就医地目录) */
	int list_type;               /* YB_LIST_*, 0 any */
	const char *ver;             /* rows after this version (yb_cat_ver_parse) */
	const char *codg;            /* NULL any; else this code */
	const char *name_has;        /* NULL any; else names containing it */
	int chrgitm_lv;              /* 0 any */
	int capped;                  /* 1: rows with a unit price cap (1318) */
	int selfpay;                 /* 1: class-B rows, whose first self-pay ratio it is (1319) */
	yb_date on;                  /* YB_DATE_NONE any; else rows in force that day */
	yb_date since;               /* YB_DATE_NONE any; else version day on or after */
	long page_num;               /* 0: by version, the first page_size rows after
				      * ver; else that page (from 1), and the total */
	long page_size;              /* 1 .. YB_CAT_PAGE_MAX */
} yb_cat_req;

typedef struct yb_cat_rec {
	yb_cat_item it;              /* it.admdvs: the row's list ("" everywhere) */
	int list_type;
	yb_date vday;                /* version day */
	char ver[YB_CAT_VER_MAX];
} yb_cat_rec;

typedef struct yb_cat_page {
	yb_cat_rec *rows;            /* owned: yb_cat_page_free() */
	size_t n;
	long total;                  /* by page_num: every matching row; else n */
	char admdvs[7];              /* the region whose list was read ("" everywhere) */
} yb_cat_page;

/* The rows of q from the list of the institution's place of care: the
 * region covering its admdvs most narrowly, with the list valid everywhere
 * for the codes that region's lacks (as fee lines are split). One read
 * snapshot. YB_EINVALID names the field of q ("ver: ..."). */
int yb_ledger_catalog(yb_ledger *l, const yb_cat_req *q, yb_cat_page *out);
void yb_cat_page_free(yb_cat_page *p);

#endif
