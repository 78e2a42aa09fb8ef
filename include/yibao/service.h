/* Services: JSON in, engine (and later the store), JSON out. One function
 * per transaction or command; the CLI and the HTTP server call these. */
#ifndef YB_SERVICE_H
#define YB_SERVICE_H

#include <stddef.h>

#include "yibao/buf.h"
#include "yibao/engine.h"
#include "yibao/json.h"
#include "yibao/policy.h"

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

/* Writes the members "setlinfo", "setldetail" and "result" of one
 * settlement into the object the caller has open. setl_id and psn_name may
 * be NULL. */
void yb_write_settlement(yb_jw *w, const yb_settlement *s,
			 const yb_line_result *lines, const yb_visit *v,
			 const yb_person *psn, const char *psn_name,
			 const char *setl_id, const char *setl_time);
void yb_write_setlinfo(yb_jw *w, const char *key, const yb_settlement *s,
		       const yb_visit *v, const yb_person *psn,
		       const char *psn_name, const char *setl_id,
		       const char *setl_time);

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

typedef struct yb_settle_req {
	const char *msgid;
	const char *fixmedins_code;
	const char *psn_no;
	int insutype;           /* 0: the insurance that covers the visit day */
	yb_visit visit;         /* mdtrt fields; institution fields come from the store */
	yb_feeline_in *lines;   /* catalogue facts come from the store, overrides ignored */
	size_t n_lines;
	int dry_run;            /* 2206: compute, write nothing */
} yb_settle_req;

/* Settles durably and writes {"setl_id":...,"setlinfo":{...},"setldetail":[...],
 * "result":[...]} to out. A retried (fixmedins_code, msgid) gets the first
 * answer byte for byte and writes nothing. A refusal (not insured, paused
 * for arrears, unknown person or institution) is YB_EREFUSED or
 * YB_ENOTFOUND with a message, and writes nothing. */
int yb_ledger_settle(yb_ledger *l, const yb_settle_req *req, yb_buf *out);
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
int yb_ledger_get_fixmedins(yb_ledger *l, const char *code, struct yb_fixmedins_rec *out);
int yb_ledger_get_psn(yb_ledger *l, const char *psn_no, yb_date on, struct yb_psn_rec *out);

#endif
