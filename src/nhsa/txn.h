/* Internal to src/nhsa/: the helpers the transactions share and the
 * functions of each infno (the table in txn_table.c names them). The
 * public side is include/yibao/nhsa.h. */
#ifndef YB_NHSA_TXN_H
#define YB_NHSA_TXN_H

#include "yibao/nhsa.h"

/* ---- helpers shared by txn_*.c ---- */

/* A numeric code within [min, max] ("11" or 11); *out unchanged if absent. */
int txn_get_int_code(const yb_json *o, const yb_jpath *p, const char *key,
		     int required, int min, int max, int *out);
/* A 0/1 flag ("0", 0, "1", 1); *out unchanged if absent. */
int txn_get_flag(const yb_json *o, const yb_jpath *p, const char *key, int *out);
/* "ledger not open" when c->ledger is NULL (the fuzz target, a closed server). */
int txn_need_ledger(const txn_ctx *c);
/* insuplc_admdvs is required with a psn_no in the input (NHSA.md). */
int txn_need_insuplc(const txn_ctx *c);

/* Fills m for a durable ledger call of this request: the stamp to keep
 * with the output, and c->answer to learn whether it was a retry. */
void txn_msg(txn_ctx *c, yb_ledger_msg *m);
/* Runs fn, which writes the members of the output object, with the
 * object open on out. */
int txn_members(txn_ctx *c, const yb_json *input, yb_buf *out,
		int (*fn)(txn_ctx *c, const yb_json *input, yb_jw *w));
/* Turns a ledger message that names a field of its own request
 * ("psn_no: ...", "feedetail[2].cnt: ...") into the node of the client's
 * message ("input.data.psn_no: ...", "input.feedetail[2].cnt: ..."). */
int txn_from_ledger(int rc, const char *node);
/* Reads diseinfo[] (2203, 2401, 2402, 2403) into a bounded JSON array
 * text of the known fields; *json stays NULL when absent. */
int txn_read_diseinfo(const yb_json *input, const yb_jpath *ip, yb_buf *json,
		      const char **out);
/* With an ID card (mdtrt_cert_type 02) the number must be the person's. */
int txn_check_cert(txn_ctx *c, const char *psn_no, const char *cert_type,
		   const char *cert_no, yb_date on, const char *node);
/* mdtrt_cert_type: "", 01, 02 or 03. */
int txn_read_cert(const yb_json *d, const yb_jpath *dp, char type[4], const char **no);

/* ---- transactions ---- */
int txn_1301(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1302(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1303(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1305(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1306(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1312(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1316(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1317(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1318(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1319(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_9102(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3101(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3102(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3501(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3502(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3503(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_9001(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_9002(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_1101(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2201(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2202(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2203(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2204(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2205(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2206(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2207(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2208(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2301(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2302(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2303(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2304(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2305(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2401(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2402(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2403(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2404(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2405(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_2601(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_3201(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_5203(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_5204(txn_ctx *c, const yb_json *input, yb_buf *out);
int txn_5206(txn_ctx *c, const yb_json *input, yb_buf *out);

#endif
