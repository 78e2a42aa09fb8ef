/* Internal: what the administration's files share (admin.c, admin_*.c).
 *
 * Every change is an admin_unit: one unit of work in the store that takes
 * the audit lock, runs its body (reads the facts, asks enroll/, writes),
 * and appends the one audit record its body described, all in one
 * transaction. A body that refuses returns < 0: the unit rolls back and
 * nothing - the audit record neither - is kept. */
#ifndef YB_ADMIN_IMPL_H
#define YB_ADMIN_IMPL_H

#include "yibao/ledger.h"
#include "yibao/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include "yibao/admin.h"
#include "yibao/enroll.h"

#define ADMIN_MAX_POLICIES 16

struct yb_admin {
	yb_ledger *l;
	yb_store *st;
	yb_admin_opts o;
	int64_t real_start;      /* the machine's clock when opened (local seconds) */
	pthread_mutex_t mu;      /* policies, hashing slots */
	pthread_cond_t cv;
	yb_enrol_policy *ep[ADMIN_MAX_POLICIES];
	int n_ep;
	int hashing;             /* argon2 computations running (bounded) */
	/* logins since open (GET /api/v1/stats) */
	atomic_ullong logins, pw_checks, logins_ok, logins_locked;
	_Atomic int64_t purged;  /* when expired lock-out rows were last deleted */
	char dummy_hash[192];    /* verified for unknown ids: the same time */
};

/* The machine's local time (China Standard Time), for sessions and the
 * audit log. */
yb_datetime admin_wall(void);
/* The enrolment policy of a region (policies/<admdvs>.enrol.json). */
int admin_enrol_policy(yb_admin *a, const char *admdvs, const yb_enrol_policy **out);

/* ---------------------------------------------------------- units */

typedef struct admin_unit admin_unit;
struct admin_unit {
	yb_admin *a;
	const yb_actor *who;
	const yb_admin_in *in;
	int (*fn)(yb_store_tx *tx, admin_unit *u);
	void *arg;
	yb_buf *out;             /* the answer: fn writes one JSON object */
	size_t mark;
	yb_datetime now;         /* the business clock when the unit began */
	/* set by fn: what the audit record says; action "" keeps nothing
	 * (a replay of an import already done) */
	char action[32];
	char object[96];
	yb_buf before, after;    /* JSON; empty: null */
	int64_t seq;             /* the record's seq, once appended */
};

/* Runs u as a change (exclusive: a transaction of its own, for a payment
 * file), appending its audit record; then adds "audit_seq" to the answer. */
int admin_change(admin_unit *u, int exclusive);
/* Runs u->fn in a read snapshot (nothing written, nothing recorded). */
int admin_read(admin_unit *u);
/* Sets u's audit record: action, object (printf). */
void admin_record(admin_unit *u, const char *action, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------ reading requests */

/* Members of o not in keys are errors ("psn.x: unknown field"). */
int admin_known(const yb_json *o, const yb_jpath *p, const char *const *keys);
/* The JSON body as an object (400 if absent). */
int admin_body(const yb_admin_in *in, const yb_json **out);
/* A missing field is bad input here (400), not a missing thing (404). */
int admin_field(int rc);
/* psn_no (path or body): 1-39 of [A-Za-z0-9_-]. */
int admin_psn_no(const char *s, const char *field);
/* A bool member: 0/1, or the default when absent. */
int admin_bool(const yb_json *o, const yb_jpath *p, const char *key, int *out);

/* --------------------------------------------------- facts and answers */

/* The next name of a comma-separated list (a person's groups) into
 * name: 1, or 0 at the end. */
int admin_next_name(const char **list, char *name, size_t cap);
/* Writes the N1 facts that are flags (residence_permit, ...). */
void admin_w_n1(yb_jw *w, const yb_psn_facts *f);
/* The person's contribution months as spans (consecutive months of one
 * status and payment day merged); *spans is malloc'd (admin_emp.c). */
int admin_load_spans(yb_store_tx *tx, const char *psn_no, yb_contrib_span **spans, size_t *n);
void admin_w_spans(yb_jw *w, const char *key, const yb_contrib_span *s, size_t n);
/* Writes a person masked (certno, name) with psn_no. */
void admin_w_person(yb_jw *w, const char *key, const yb_psn_facts *f);
void admin_w_date(yb_jw *w, const char *key, yb_date d);
void admin_w_time(yb_jw *w, const char *key, yb_datetime t);
void admin_w_month(yb_jw *w, const char *key, int32_t m);

/* The residents' psn_type of a covered person: 1401 (a student, or
 * under 18 on begndate) or 1501. */
const char *admin_resident_type(const yb_psn_facts *f, yb_date begndate);

/* Payments (admin_enrol.c): judges the lines of a payment file against
 * the enrolments in the store and records them; out gets the report. */
typedef struct admin_payfile {
	const char *file;
	const char *text;
	size_t len;
	int single;              /* one payment entered by a clerk */
} admin_payfile;
int admin_pay_tx(yb_store_tx *tx, admin_unit *u);

/* Employees (admin_emp.c): rebuilds the person's employees' insurance
 * periods from the contribution months and retirement (OE5); before and
 * after (may be NULL) get the periods as JSON. */
int admin_emp_rebuild(yb_store_tx *tx, const yb_enrol_policy *ep, const yb_psn_facts *f,
		      const char *psn_type, yb_jw *before, yb_jw *after);

#endif
