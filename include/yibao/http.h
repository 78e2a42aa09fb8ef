/* The HTTP side of the national interface (docs/interface.md): envelope,
 * gateway authentication, limits, the libmicrohttpd server and a small
 * client. Internal to src/http and the yibao commands.
 *
 * Layers: server.c (libmicrohttpd, access log, shutdown) calls handler.c
 * (one request in, one response out, no sockets), which uses auth.c and
 * envelope.c, and dispatches to the transactions of src/nhsa/ (nhsa.h),
 * whose one answer builder writes every answer. Retried messages are
 * answered from the ledger's record of the output and its stamp.
 * client.c is the HTTP/1.1 client of `yibao call` and the integration
 * tests. */
#ifndef YB_HTTP_H
#define YB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/ledger.h"
#include "yibao/nhsa.h"

#define YB_HTTP_PATH "/fsi/api/rsfComIfsService/callService"
#define YB_HTTP_MAX_BODY (1u << 20)  /* 1 MiB: beyond, 413 */
#define YB_HTTP_JSON_DEPTH 32
#define YB_HTTP_JSON_STRING 65536
#define YB_AUTH_WINDOW 300           /* seconds either side of our clock */

/* ---------------------------------------------------------------- mask */

#include "yibao/mask.h" /* yb_mask(): personal data in the access log */

/* ---------------------------------------------------------------- time */

/* Now as Unix seconds and microseconds, and as local yb_datetime. */
typedef struct yb_now {
	int64_t unix_us;    /* CLOCK_REALTIME */
	yb_datetime local;  /* China Standard Time (UTC+8), seconds */
	int ms;             /* milliseconds within the second */
} yb_now;
void yb_now_get(yb_now *t);
/* yyyyMMddHHmmssSSS (18 bytes with NUL). */
void yb_now_compact(char out[18], const yb_now *t);
int64_t yb_monotonic_us(void);

/* ------------------------------------------------------------ envelope */

typedef struct yb_envelope {
	yb_json_doc *doc;
	yb_json_doc *input_doc;  /* input sent as a string holding the object */
	char infno[8];
	char msgid[32];
	char fixmedins_code[32];
	char insuplc_admdvs[7];
	char mdtrtarea_admvs[7];
	const char *sign_no;     /* "" when absent */
	const char *opter;       /* "" when absent */
	yb_datetime inf_time;    /* 0 when absent */
	const yb_json *input;
} yb_envelope;
/* Tolerated as the national platform tolerates them (docs/interface.md,
 * "Tolerance"): infno with a letter suffix ("2203A", then the transaction
 * of the same input, else refused by name), "" for inf_time, input as a
 * string that holds the object. */

/* Parses a request envelope. On failure returns YB_EINVALID (or
 * YB_ENOTFOUND, YB_ENOMEM) with a message naming the field; the fields read
 * before the failure stay filled in for the access log. Call
 * yb_envelope_free() in both cases. */
int yb_envelope_parse(yb_envelope *e, const char *body, size_t len);
void yb_envelope_free(yb_envelope *e);

typedef struct yb_reply {
	int infcode;              /* 0 or -1 */
	const char *admdvs;       /* of inf_refmsgid; NULL -> "000000" */
	const yb_now *received;   /* refmsg_time */
	const char *err_msg;      /* NULL on success; cut to 200 bytes */
	const char *warn_msg;     /* NULL or "" for none */
	const char *output;       /* serialised output object, or NULL */
	size_t output_len;
	const char *node;         /* non-NULL: output is {"node": output} */
} yb_reply;

/* The stamp of an answer made now, of a request received at `received`
 * (NULL: now), with an inf_refmsgid of region admdvs (NULL: "000000"). */
void yb_stamp_now(yb_stamp *s, const char *admdvs, const yb_now *received);
/* Writes a response envelope stamped now into out (cleared first). */
void yb_envelope_reply(yb_buf *out, const yb_reply *r);

/* ---------------------------------------------------------------- auth */

typedef struct yb_nonce_cache yb_nonce_cache;

/* max: most nonces remembered at once; beyond, new requests are refused
 * (never a forgotten nonce). */
int yb_nonce_cache_new(yb_nonce_cache **out, size_t max);
void yb_nonce_cache_free(yb_nonce_cache *nc);

typedef struct yb_auth_hdr {
	const char *paasid, *timestamp, *nonce, *signature; /* NULL if absent */
} yb_auth_hdr;

/* Lowercase hex SHA-256 of timestamp + secret + nonce + timestamp. */
void yb_auth_sign(char out[65], const char *timestamp, const char *secret,
		  const char *nonce);
/* Checks the headers of one request against the institution's secret, at
 * Unix time now: signature, clock window, then the nonce (remembered only
 * when all else holds). Returns 0, or YB_EREFUSED with a message naming
 * the header (HTTP 401), or YB_EBUSY when the nonce cache is full (503). */
int yb_auth_check(yb_nonce_cache *nc, const yb_auth_hdr *h, const char *secret,
		  int64_t now);

/* ------------------------------------------------------------- handler */

typedef struct yb_handler yb_handler;

typedef struct yb_handler_opts {
	int no_auth;        /* the fuzz target: no headers, no institution */
	size_t max_nonces;  /* 0: default */
} yb_handler_opts;

/* ledger may be NULL: every transaction then validates its input and
 * answers "service unavailable". */
int yb_handler_new(yb_handler **out, yb_ledger *ledger, const yb_handler_opts *o);
void yb_handler_free(yb_handler *h);

typedef struct yb_request {
	yb_auth_hdr auth;
	const char *body;
	size_t len;
} yb_request;

typedef struct yb_response {
	int status;              /* HTTP status */
	int infcode;
	yb_buf body;
	const char *content_type; /* NULL: JSON; else the body's type (a file, 9102) */
	/* for the access log */
	char infno[8];
	char msgid[32];
	char fixmedins_code[32];
	char subject[64];        /* masked */
	char err[YB_ERR_MSG_MAX + 1];
	/* the administration API's (msgid: its request id) */
	char api[80];            /* "POST /api/v1/enrolments"; "" otherwise */
	char staff_id[33];
} yb_response;

/* Answers one request. resp->body must start empty (YB_BUF_INIT); the
 * caller frees it. Never fails: every failure is an envelope with
 * infcode -1. */
void yb_handle(yb_handler *h, const yb_request *req, yb_response *resp);
/* A bare error envelope for the server's own refusals (413, 404, 405). */
void yb_handle_error(yb_response *resp, int status, const char *msg);

/* ------------------------------------------------------ administration */

/* The bureau's administration API (admin_api.c, docs/admin-api.md) on
 * the same server: JSON over HTTP under /api/v1/, for staff with a
 * session token. */
#include "yibao/admin.h"

#define YB_ADMIN_PREFIX "/api/v1/"
/* Bodies by route (beyond, 413): a payment file of ~1 million lines; a
 * JSON body; a login, or a route that reads no body. */
#define YB_ADMIN_MAX_BODY (64u << 20)
#define YB_ADMIN_JSON_BODY (1u << 20)
#define YB_ADMIN_SMALL_BODY (4u << 10)

typedef struct yb_admin_api yb_admin_api;

int yb_admin_api_new(yb_admin_api **out, yb_admin *adm);
void yb_admin_api_free(yb_admin_api *h);

typedef struct yb_admin_request {
	const char *method;          /* "GET", "POST", "DELETE" */
	const char *path;            /* without the query string */
	const char *authorization;   /* the header, or NULL */
	const char *client;          /* the client's address (the login lock-out counts it), or NULL */
	const char *(*query)(void *ctx, const char *name); /* query parameters */
	void *qctx;
	const char *body;
	size_t len;
} yb_admin_request;

/* What the headers of a request decided (yb_admin_begin), kept until its
 * body is in (yb_admin_finish). */
typedef struct yb_admin_call {
	int route;                 /* index in admin_api.c's table */
	char path[512];            /* the path's segments; ids point into it */
	const char *ids[2];
	char rid[YB_ID_MAX];       /* the request's id */
	char api[80];              /* "POST /api/v1/login", for the access log */
	yb_actor who;              /* the session's staff and role */
	size_t max_body;           /* the route's limit: YB_ADMIN_*_BODY */
} yb_admin_call;

/* A request's headers (req's body unused): path, method, session and role,
 * before any byte of the body is read. Returns 0 when the body may be read
 * (at most call->max_body bytes); otherwise -1 and resp holds the refusal
 * (404, 405, 401, 403; 503 or 500 when the store fails). Either way
 * resp's log fields are filled. */
int yb_admin_begin(yb_admin_api *h, const yb_admin_request *req, yb_admin_call *call,
		   yb_response *resp);
/* The rest, once req->body holds the whole body: 413 above call->max_body,
 * else the body is read and the operation run. */
void yb_admin_finish(yb_admin_api *h, yb_admin_call *call, const yb_admin_request *req,
		     yb_response *resp);
/* A refusal of the call's request by the server (413): the API's answer. */
void yb_admin_refuse(const yb_admin_call *call, int status, const char *msg, yb_response *resp);
/* begin and finish in one: answers one request of the API; never fails (a
 * refusal is an answer). resp->body must start empty; the caller frees it. */
void yb_admin_handle(yb_admin_api *h, const yb_admin_request *req, yb_response *resp);

/* -------------------------------------------------------------- server */

typedef struct yb_server yb_server;

/* Default pool: at least this many threads (16 a core beyond 8 cores).
 * Requests are I/O-bound: each durable one holds its thread through its
 * group commit, so the pool bounds the group (docs/performance.md). */
#define YB_HTTP_THREADS 128

/* Connection limits (docs/interface.md, "Limits"): in all; from one
 * address (an IPv6 /64): a hospital's windows behind one NAT address; from
 * a trusted address (a front-end processor or a gateway carrying many
 * institutions); seconds from a connection's start, or the previous
 * answer, to a complete request (headers and body), which no trickle of
 * bytes resets; a clerk's payment-file import may take longer. An idle
 * connection (nothing received) is closed after YB_HTTP_IDLE_TIMEOUT. */
#define YB_HTTP_MAX_CONNECTIONS 4000
#define YB_HTTP_PER_ADDRESS 128
#define YB_HTTP_TRUSTED_PER_ADDRESS 2000
#define YB_HTTP_REQUEST_TIMEOUT 30
#define YB_HTTP_IMPORT_TIMEOUT 600
#define YB_HTTP_IDLE_TIMEOUT 60

typedef struct yb_server_opts {
	const char *listen;  /* "127.0.0.1:8080", "[::1]:8080"; port 0 = any */
	int threads;         /* 0: YB_HTTP_THREADS */
	yb_admin_api *admin; /* /api/v1/...; NULL: not served */
	/* 0: the defaults above */
	unsigned max_connections, per_address, trusted_per_address;
	const char *trusted; /* "ADDR[,ADDR...]": IPv4 or IPv6; NULL: none */
	int request_timeout; /* seconds */
} yb_server_opts;

/* Returns YB_EINVALID for a bad --listen or --trusted-address, YB_ERROR
 * when it cannot listen. */
int yb_server_start(yb_server **out, yb_handler *h, const yb_server_opts *o);
/* The bound address, "127.0.0.1:43211". */
const char *yb_server_addr(const yb_server *s);
int yb_server_threads(const yb_server *s);
/* The limits in force (max_connections lowered to fit the process's file
 * descriptors if need be); listen, admin and trusted are not filled in. */
void yb_server_limits(const yb_server *s, yb_server_opts *out);
/* Stops accepting, waits up to drain_ms for requests in flight to finish
 * and be answered, then stops the threads and frees s. */
void yb_server_stop(yb_server *s, int drain_ms);

/* -------------------------------------------------------------- client */

typedef struct yb_http_url {
	char host[256];
	char port[8];
	char path[1024];  /* "/" or none: YB_HTTP_PATH */
} yb_http_url;

/* "http://HOST[:PORT][/PATH]", HOST a name, IPv4 or [IPv6]. */
int yb_http_url_parse(yb_http_url *u, const char *s);

typedef struct yb_http_hdr {
	const char *name, *value;  /* value NULL: not sent */
} yb_http_hdr;

/* POSTs body with the headers h[0..nh) over a new connection and waits
 * at most timeout seconds for each read; *status and out (cleared) get
 * the answer. Content-Length and Connection are added. */
int yb_http_post(const yb_http_url *u, const yb_http_hdr *h, size_t nh, const char *body,
		 size_t len, int timeout, int *status, yb_buf *out);

/* One line of JSON on stderr (a single write, so lines never interleave). */
void yb_log_line(const yb_buf *line);
/* An event's line: yb_log_begin() starts {"time":"2024-03-01 09:00:00",
 * "event":EVENT in line (empty) for the caller's members, written with w;
 * yb_log_end() closes it, writes it (yb_log_line) and frees line. */
void yb_log_begin(yb_jw *w, yb_buf *line, const char *event);
void yb_log_end(yb_jw *w, yb_buf *line);

#endif
