/* The bureau's administration (issue 8, docs/admin-api.md): staff
 * accounts and their sessions, and the operations of enroll/ over the
 * store - persons, residents' enrolment and payments, employees'
 * contribution months and retirement, remote-care registrations,
 * chronic-disease applications, family bindings - with person search and
 * history, and the audit log. src/http/admin_api.c serves them as
 * /api/v1/...; the CLI calls a few.
 *
 * Every change runs as one unit of work in the store with exactly one
 * audit record (who, when, what, before, after, request id) in the same
 * transaction; a refusal changes nothing and writes no record. Every
 * decision is enroll/'s, on the facts the store holds at that moment (the
 * unit holds the audit lock: see store.h).
 *
 * Ownership: a yb_admin is opened over a ledger and shared by all
 * threads; it loads enrolment policies on first use and never changes
 * them. The ledger must outlive it. */
#ifndef YB_ADMIN_H
#define YB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/ledger.h"
#include "yibao/store.h"

typedef struct yb_admin yb_admin;

typedef struct yb_admin_opts {
	int64_t session_ttl;     /* seconds a session lives; 0: 8 hours */
	int64_t session_idle;    /* seconds unused that end it; 0: 30 minutes */
	/* The bureau's business clock (decisions' "now"): 0 is the machine's
	 * clock; else it starts at this local time and runs on (demos and
	 * tests of a past campaign). Sessions and the audit log keep the
	 * machine's clock. */
	yb_datetime business_start;
	/* The lock-out (kept in the store): login_failures attempts for one
	 * staff id, or addr_failures from one client address, within lockout
	 * seconds of the first lock it for lockout seconds. */
	int login_failures;      /* 0: 5 */
	int addr_failures;       /* 0: 20 */
	int64_t lockout;         /* 0: 300 */
} yb_admin_opts;

int yb_admin_open(yb_admin **out, yb_ledger *l, const yb_admin_opts *o);
void yb_admin_close(yb_admin *a);

/* Roles, as a bit set (a route lists those it admits). */
enum { YB_ROLE_CLERK = 1, YB_ROLE_AUDITOR = 2, YB_ROLE_ADMIN = 4 };
/* "clerk", "auditor", "administrator" -> bit, or 0. */
int yb_role_parse(const char *name);
const char *yb_role_name(int role);

/* Who acts: a staff member with a valid session (or the CLI). */
typedef struct yb_actor {
	char staff_id[YB_STAFF_MAX];
	int role;
	char request_id[YB_ID_MAX];
	char token_hash[65];     /* the session's, "" for the CLI */
} yb_actor;

/* The business clock now (see yb_admin_opts). */
yb_datetime yb_admin_now(yb_admin *a);

/* ------------------------------------------------ staff and sessions */

/* Creates a staff account (the password hashed with argon2id). who NULL:
 * the CLI's first administrator. out: {"staff_id","role"}. */
int yb_admin_staff_add(yb_admin *a, const yb_actor *who, const char *staff_id,
		       const char *role, const char *password, yb_buf *out);
/* Checks a password: out gets {"token","staff_id","role","expires",
 * "idle_timeout"}. A wrong staff id or password is YB_EREFUSED with one
 * message for both; the staff id or the client's address locked (too many
 * failures), YB_EBUSY with "locked" in the message. client: the address
 * the attempt came from, as the lock-out counts it (NULL: not counted by
 * address: the CLI, the fuzz target). */
int yb_admin_login(yb_admin *a, const char *staff_id, const char *password,
		   const char *client, const char *request_id, yb_buf *out);
/* The session of a bearer token: fills who (role, staff_id) or returns
 * YB_EREFUSED (unknown, ended, expired, idle, or the account disabled). */
int yb_admin_session(yb_admin *a, const char *token, yb_actor *who);
int yb_admin_logout(yb_admin *a, const yb_actor *who, yb_buf *out);

/* ------------------------------------------------------- operations
 *
 * One signature for every operation, so that the server routes them from
 * a table. in->id (and id2) come from the path, in->body is the JSON body,
 * in->raw the body as sent (a payment file), in->query the query string.
 * Return 0 (out has the answer), YB_EINVALID (400, the message names the
 * field), YB_ENOTFOUND (404), YB_EEXISTS or YB_ECONFLICT (409),
 * YB_EREFUSED (422: refused by a rule; out has the decision with its
 * reasons), YB_EBUSY (503) or another code (500). */
typedef struct yb_admin_in {
	const char *id, *id2;
	const yb_json *body;
	const char *raw;
	size_t raw_len;
	const char *file;        /* the payment file's name, for its report */
	const char *(*query)(void *ctx, const char *name);
	void *qctx;
} yb_admin_in;

typedef int (*yb_admin_fn)(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_me(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
/* Counters since the server started: {"logins": {"attempts",
 * "password_checks" (argon2 verifications, a dummy hash's too), "accepted",
 * "refused_locked"}}. */
int yb_admin_stats(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_staff_create(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_staff_list(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_staff_disable(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_person_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_person_find(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_person_history(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_enrol(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_newborn(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_pay_one(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_pay_import(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_pay_batch(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_contrib(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_retire_check(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_retire(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_remote_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_remote_end(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_chronic_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_chronic_decide(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_bind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_unbind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

int yb_admin_audit_list(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);
int yb_admin_audit_verify(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out);

/* Masks for answers: an ID keeps its first 3 and last 2 characters, a
 * name its first character (UTF-8 aware); out always NUL-terminated. */
void yb_admin_mask_id(char *out, size_t cap, const char *id);
void yb_admin_mask_name(char *out, size_t cap, const char *name);

#endif
