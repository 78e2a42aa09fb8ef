/* Transactions of the national interface (NHSA.md): one function per infno,
 * found by txn_find(). The HTTP layer parses the envelope and hands each
 * function the `input` node; the function validates all of it before it
 * touches the ledger, and writes the members of `output`.
 *
 * Ownership: a txn_ctx lives on the caller's stack for one request; its
 * strings are borrowed from the request and outlive the call. */
#ifndef YB_TXN_H
#define YB_TXN_H

#include <stddef.h>

#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/service.h"

#define TXN_WARN_MAX 200

/* What a transaction may leave for the access log besides the envelope
 * fields. Personal data: the caller masks it before it writes a line. */
enum { TXN_SUBJ_NONE, TXN_SUBJ_ID, TXN_SUBJ_NAME };

typedef struct txn_ctx {
	yb_ledger *ledger;           /* NULL: validate, then answer "unavailable" */
	const char *fixmedins_code;  /* the authenticated institution */
	const char *msgid;
	const char *infno;
	const char *insuplc_admdvs;  /* "" when absent */
	const char *mdtrtarea_admvs; /* "" when absent */
	const char *sign_no;         /* "" when absent */
	const char *admdvs;          /* region of generated ids (6 digits) */
	yb_datetime now;             /* local time of the request */
	/* out */
	char warn[TXN_WARN_MAX + 1]; /* warn_msg; "" none */
	const char *subject;         /* certificate number looked up, or NULL */
	int subject_kind;
} txn_ctx;

/* Writes the members of the output object into out (already open). Returns
 * 0, or a negative YB_E* code with a message that names the field. */
typedef int (*txn_fn)(txn_ctx *c, const yb_json *input, yb_jw *out);

enum {
	TXN_F_IDEM = 1 /* a retried msgid must get the first answer */
};

typedef struct txn_def {
	const char *infno;
	txn_fn fn;
	unsigned flags;
	const char *name;
} txn_def;

/* The transaction of infno, or NULL. */
const txn_def *txn_find(const char *infno);
/* Every transaction, for documentation and tests; *n gets the count. */
const txn_def *txn_all(size_t *n);

/* A 30-character id: admdvs (6) + yyyyMMddHHmmss (14) + a 10-digit serial
 * unique in this process (inf_refmsgid, sign_no). Thread-safe. */
void txn_serial_id(char out[31], const char *admdvs, yb_datetime now);

/* ---- helpers shared by txn_*.c ---- */

/* A required id: a non-empty string (or number text) of at most maxlen. */
int txn_get_id(const yb_json *o, const yb_jpath *p, const char *key,
	       int required, size_t maxlen, const char **out);
/* A numeric code within [min, max] ("11" or 11); *out unchanged if absent. */
int txn_get_int_code(const yb_json *o, const yb_jpath *p, const char *key,
		     int required, int min, int max, int *out);
/* "ledger not open" when c->ledger is NULL (the fuzz target, a closed server). */
int txn_need_ledger(const txn_ctx *c);
/* Parses a ledger answer (a JSON object) into *doc (caller frees). A
 * malformed answer is an internal error. */
int txn_parse_answer(yb_json_doc **doc, const yb_buf *answer);

/* ---- transactions ---- */
int txn_9001(txn_ctx *c, const yb_json *input, yb_jw *out);
int txn_9002(txn_ctx *c, const yb_json *input, yb_jw *out);
int txn_1101(txn_ctx *c, const yb_json *input, yb_jw *out);
int txn_2206(txn_ctx *c, const yb_json *input, yb_jw *out);
int txn_2207(txn_ctx *c, const yb_json *input, yb_jw *out);
int txn_2208(txn_ctx *c, const yb_json *input, yb_jw *out);

#endif
