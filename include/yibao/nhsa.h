/* The national interface (NHSA.md), as the HTTP layer sees it: one function
 * per infno (src/nhsa/), found by txn_find(), and the one pure function
 * that builds every answer (yb_answer_write).
 *
 * A request: the HTTP layer parses the envelope, fixes the answer's stamp
 * (inf_refmsgid, refmsg_time, respond_time) and hands the transaction the
 * `input` node. The transaction validates all of it before it touches the
 * ledger, then writes its output object into `out`: by itself (9001,
 * 9002, 1101, 3201, 3101, ...) or as the ledger's output.
 *
 * Idempotency: a durable transaction passes the ledger a yb_ledger_msg
 * made by txn_msg(), with the stamp; the ledger keeps the output and the
 * stamp with (fixmedins_code, msgid). A retry, even after a restart, gets
 * them back (c->answer says so), and the answer built from them is the
 * first answer byte for byte. Nothing calls back into this layer from the
 * store's thread.
 *
 * Ownership: a txn_ctx lives on the caller's stack for one request; its
 * strings are borrowed from the request and outlive the call. */
#ifndef YB_NHSA_H
#define YB_NHSA_H

#include <stddef.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/ledger.h"

#define TXN_WARN_MAX 200
#define YB_ERR_MSG_MAX 200 /* err_msg and warn_msg are cut to this many bytes */

/* ------------------------------------------------------------ answers */

/* The envelope's own fields of one answer: fixed before the transaction
 * runs, and kept with a durable answer so that a retry gets them again. */
typedef struct yb_stamp {
	char inf_refmsgid[31];   /* admdvs + yyyyMMddHHmmss + a 10-digit serial */
	char refmsg_time[18];    /* yyyyMMddHHmmssSSS: the request received */
	char respond_time[18];   /* yyyyMMddHHmmssSSS: the answer fixed */
} yb_stamp;

/* The stamp as text ("inf_refmsgid|refmsg_time|respond_time", shorter
 * than YB_STAMP_MAX), and back: -1 if text is not one (a record without). */
void yb_stamp_format(char out[YB_STAMP_MAX], const yb_stamp *s);
int yb_stamp_parse(yb_stamp *s, const char *text);

typedef struct yb_answer {
	int infcode;              /* 0 or -1 */
	const yb_stamp *stamp;
	const char *err_msg;      /* NULL on success; cut to YB_ERR_MSG_MAX bytes */
	const char *warn_msg;     /* NULL or "" for none */
	const char *output;       /* serialised output object, or NULL */
	size_t output_len;
	const char *node;         /* non-NULL: output is {"node": output} */
} yb_answer;

/* Appends the answer's JSON to out: a pure function of a, the same bytes
 * for the same a. */
void yb_answer_write(yb_buf *out, const yb_answer *a);
/* Cuts msg to at most max bytes at a UTF-8 character boundary. */
size_t yb_utf8_cut(const char *msg, size_t max);

/* ------------------------------------------------------- transactions */

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
	const char *stamp;           /* this answer's stamp as text (yb_stamp_format) */
	const yb_json *input;        /* the message's input, as sent */
	char req[80];                /* what it asked: infno and a digest of input (txn_msg) */
	/* out */
	const char *node;            /* NULL: out is the output; else {"node": out} */
	const char *content_type;    /* NULL: the answer is the JSON envelope; else out
				      * is the whole body, of this type (9102's file) */
	char warn[TXN_WARN_MAX + 1]; /* warn_msg; "" none */
	const char *subject;         /* certificate number looked up, or NULL */
	int subject_kind;
	yb_ledger_answer answer;     /* a durable transaction: replayed, and its stamp */
} txn_ctx;

/* Writes the output object of the transaction into out. Returns 0, or a
 * negative YB_E* code with a message that names the field. */
typedef int (*txn_fn)(txn_ctx *c, const yb_json *input, yb_buf *out);

enum {
	TXN_F_LEDGER = 1, /* durable through the ledger: a retried msgid gets the first answer */
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

/* The success answer of a transaction that returned 0 with out: out
 * itself when c->content_type is set (a file), the record's answer as it
 * was sent (before migration 6), or the answer built from out, the stamp
 * (the record's, on a retry) and c's warn and node. own: the request's
 * stamp. Appended to body. */
void txn_answer(yb_buf *body, const txn_ctx *c, const yb_stamp *own, const yb_buf *out);

/* A 30-character id: admdvs (6) + yyyyMMddHHmmss (14) + a 10-digit serial
 * unique in this process (inf_refmsgid, sign_no). Thread-safe. */
void txn_serial_id(char out[31], const char *admdvs, yb_datetime now);

/* A required id: a non-empty string (or number text) of at most maxlen
 * (the envelope reads its ids with it too). */
int txn_get_id(const yb_json *o, const yb_jpath *p, const char *key,
	       int required, size_t maxlen, const char **out);

#endif
