/* The national interface (NHSA.md), as the HTTP layer sees it: one function
 * per infno (src/nhsa/), found by txn_find().
 *
 * Transactions of the national interface (NHSA.md): one function per infno,
 * found by txn_find(). The HTTP layer parses the envelope and hands each
 * function the `input` node; the function validates all of it before it
 * touches the ledger, and then either writes the members of `output`
 * (9001, 9002, 1101, 3201) or leaves the whole response body in c->body
 * (every transaction the ledger answers).
 *
 * Whole-body idempotency: a transaction that writes through the ledger
 * passes it a yb_ledger_msg made by txn_msg(), whose wrap callback turns
 * the ledger's output into the whole response body (envelope included)
 * inside the store transaction; the ledger keeps that body with
 * (fixmedins_code, msgid), so a retry, even after a restart, gets it back
 * byte for byte. The callback may run on the store's writer thread and
 * more than once: it only reads the ctx and writes the body, c->warn and
 * c->wrapped.
 *
 * Ownership: a txn_ctx lives on the caller's stack for one request; its
 * strings are borrowed from the request and outlive the call. */
#ifndef YB_NHSA_H
#define YB_NHSA_H

#include <stddef.h>

#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/ledger.h"

#define TXN_WARN_MAX 200

/* What a transaction may leave for the access log besides the envelope
 * fields. Personal data: the caller masks it before it writes a line. */
enum { TXN_SUBJ_NONE, TXN_SUBJ_ID, TXN_SUBJ_NAME };

typedef struct txn_ctx txn_ctx;

/* Appends a success envelope to body whose output is the object text
 * output (node NULL) or {"node": output}. Set by the handler; c->warn is
 * its warn_msg. */
typedef void (*txn_envelope_fn)(const txn_ctx *c, yb_buf *body, const char *node,
				const char *output, size_t len);

/* Adds to c->warn after the ledger answered (the ledger's output text):
 * 2207 compares the scope sums the client sent. Runs inside wrap. */
typedef void (*txn_warn_fn)(txn_ctx *c, const char *output, size_t len);

struct txn_ctx {
	yb_ledger *ledger;           /* NULL: validate, then answer "unavailable" */
	const char *fixmedins_code;  /* the authenticated institution */
	const char *msgid;
	const char *infno;
	const char *insuplc_admdvs;  /* "" when absent */
	const char *mdtrtarea_admvs; /* "" when absent */
	const char *sign_no;         /* "" when absent */
	const char *admdvs;          /* region of generated ids (6 digits) */
	yb_datetime now;             /* local time of the request */
	txn_envelope_fn envelope;    /* the handler's envelope writer */
	const void *envelope_arg;    /* for it */
	/* how the ledger's output becomes the interface's output */
	const char *node;            /* NULL: as it is; else {"node": output} */
	txn_warn_fn warn_fn;         /* NULL: none */
	void *warn_arg;
	/* out */
	char warn[TXN_WARN_MAX + 1]; /* warn_msg; "" none */
	const char *subject;         /* certificate number looked up, or NULL */
	int subject_kind;
	yb_buf *body;                /* the whole answer, when body_done */
	int body_done;
	int wrapped, replayed;       /* set by the ledger call (wrap ran; a retry) */
};

/* Writes the members of the output object into out (already open), or the
 * whole answer into c->body with c->body_done set. Returns 0, or a
 * negative YB_E* code with a message that names the field. */
typedef int (*txn_fn)(txn_ctx *c, const yb_json *input, yb_jw *out);

enum {
	TXN_F_LEDGER = 1, /* durable through the ledger: a retried msgid gets the first body */
	TXN_F_READ = 2    /* reads the ledger, writes nothing */
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

/* A required id: a non-empty string (or number text) of at most maxlen
 * (the envelope reads its ids with it too). */
int txn_get_id(const yb_json *o, const yb_jpath *p, const char *key,
	       int required, size_t maxlen, const char **out);

#endif
