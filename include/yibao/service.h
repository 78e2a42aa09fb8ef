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

/* Writes {"setlinfo":{...},"setldetail":[...],"result":[...]} of one
 * settlement. setl_id and psn_name may be NULL. */
void yb_write_settlement(yb_jw *w, const yb_settlement *s,
			 const yb_line_result *lines, const yb_visit *v,
			 const yb_person *psn, const char *psn_name,
			 const char *setl_id, const char *setl_time);
void yb_write_setlinfo(yb_jw *w, const char *key, const yb_settlement *s,
		       const yb_visit *v, const yb_person *psn,
		       const char *psn_name, const char *setl_id,
		       const char *setl_time);

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

#endif
