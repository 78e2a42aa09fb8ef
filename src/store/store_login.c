/* The login lock-out's rows (migration 7, issue 12 F3 and F4), written
 * once for both backends over store_impl.h's generic runner, as
 * store_enrol.c. What the rows mean is src/admin/admin_staff.c's (note 2);
 * here they are only read under a lock and written back.
 *
 * The lock: an INSERT ... ON CONFLICT DO UPDATE of the row to itself.
 * Under SQLite's one writer the transaction alone is enough; under
 * PostgreSQL's READ COMMITTED the upsert takes the row lock (waiting for a
 * writer that holds it, or for one inserting the same key), and its
 * RETURNING reads the row as the last holder committed it. */
#include "store_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(x) {YB_SQLV_TEXT, (x), 0}
#define I(x) {YB_SQLV_INT, NULL, (int64_t)(x)}
#define NV(v) (int)(sizeof(v) / sizeof((v)[0]))

static int one_row(void *arg, int n, const char *const *cols)
{
	yb_login_guard_rec *r = arg;

	if (n < 4)
		return yb_error_set(YB_ERROR, "store: login_guard: %d columns", n);
	r->failures = (int)strtol(cols[0] ? cols[0] : "0", NULL, 10);
	r->since = strtoll(cols[1] ? cols[1] : "0", NULL, 10);
	r->locked_until = strtoll(cols[2] ? cols[2] : "0", NULL, 10);
	r->expires = strtoll(cols[3] ? cols[3] : "0", NULL, 10);
	return 0;
}

int yb_tx_lock_login_guard(yb_store_tx *tx, const char *kind, const char *subject,
			   yb_login_guard_rec *out)
{
	yb_login_guard_rec r;
	yb_sqlv v[] = {T(kind), T(subject)};
	int rc;

	memset(&r, 0, sizeof(r));
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.subject, sizeof(r.subject), "%s", subject);
	if ((rc = yb_store_sql(tx, "INSERT INTO login_guard(kind, subject, failures, since, locked_until, expires)"
			       " VALUES($1, $2, 0, 0, 0, 0) ON CONFLICT(kind, subject)"
			       " DO UPDATE SET failures = login_guard.failures"
			       " RETURNING failures, since, locked_until, expires",
			       v, NV(v), one_row, &r, NULL)) < 0)
		return rc;
	*out = r;
	return 0;
}

int yb_tx_put_login_guard(yb_store_tx *tx, const yb_login_guard_rec *r)
{
	if (r->failures <= 0 && r->locked_until == 0) {
		yb_sqlv v[] = {T(r->kind), T(r->subject)};
		return yb_store_sql(tx, "DELETE FROM login_guard WHERE kind = $1 AND subject = $2",
				    v, NV(v), NULL, NULL, NULL);
	}
	yb_sqlv v[] = {T(r->kind), T(r->subject), I(r->failures), I(r->since), I(r->locked_until),
		       I(r->expires)};
	return yb_store_sql(tx, "INSERT INTO login_guard(kind, subject, failures, since, locked_until, expires)"
			    " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(kind, subject) DO UPDATE SET"
			    " failures = $3, since = $4, locked_until = $5, expires = $6",
			    v, NV(v), NULL, NULL, NULL);
}

int yb_tx_purge_login_guards(yb_store_tx *tx, yb_datetime now)
{
	yb_sqlv v[] = {I(now)};
	return yb_store_sql(tx, "DELETE FROM login_guard WHERE expires < $1", v, NV(v), NULL, NULL, NULL);
}
