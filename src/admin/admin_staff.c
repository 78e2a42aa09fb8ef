/* Staff accounts and their sessions.
 *
 * Design notes
 *  1. Passwords are kept as argon2id encoded hashes (libargon2): the
 *     parameters and the random salt are in the encoded text, so they may
 *     change later without touching old accounts. 19 MiB and 2 passes
 *     (OWASP's minimum for argon2id): tens of milliseconds, and at most
 *     HASH_SLOTS computations run at once so that a burst of logins cannot
 *     take the server's memory.
 *  2. A wrong staff id costs the same as a wrong password (a dummy hash is
 *     verified) and gets the same answer, so ids cannot be probed. The
 *     lock-out is kept in the store (login_guard, migration 7): a restart
 *     forgets nothing and no number of other ids evicts a lock. Each
 *     attempt is counted against its staff id and its client address
 *     before its password is checked, in one unit that holds both rows
 *     locked (reserve_tx); a success takes its attempt back:
 *
 *       either row locked ───────────────────────────▶ 429, no check
 *         │ no: count the attempt in both (a window opens at the first;
 *         │ the limit reached: locked for `lockout` s); commit
 *       argon2 ──wrong──▶ 401 (429 if this attempt reached a limit)
 *         │ right
 *       the session, and in the same unit the id's count cleared and
 *       the address's attempt taken back
 *
 *     So one id gets at most login_failures (5) password checks in
 *     `lockout` (5 minutes) from its first failure, one address at most
 *     addr_failures (20), however many attempts arrive at once: no burst
 *     races past the count, and the right password is accepted only as
 *     one of the counted attempts. The address limit is what stops a
 *     spray of made-up ids (each of which counts once).
 *  3. A session token is 32 random bytes in hex, shown once; the store
 *     keeps only its SHA-256. A session ends at its expiry, after
 *     session_idle seconds unused, at logout, or when its account is
 *     disabled. last_used is written at most once a minute (session
 *     bookkeeping, not a change of the bureau's records: no audit record).
 *     Logins, logouts and every change to an account are audited.
 *  4. A password being set (an account made by the API or `yibao staff
 *     add`) has 10 to 256 bytes, mixes two kinds of character at least
 *     (lower case, upper case, digits, others: a byte of UTF-8 text beyond
 *     ASCII is an other), and is not in common_passwords.h (without regard
 *     to case). A login checks none of this: an account made before the
 *     policy still logs in. */
#include "admin_impl.h"
#include "common_passwords.h"
#include "yibao/error.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_COST 2
#define M_COST 19456   /* KiB */
#define LANES 1
#define SALT_LEN 16
#define HASH_LEN 32
#define HASH_SLOTS 4
#define PW_MIN 10
#define PW_MAX 256
#define TOUCH_EVERY 60 /* seconds between writes of last_used */

/* ------------------------------------------------------------ hashing */

static void slot_take(yb_admin *a)
{
	pthread_mutex_lock(&a->mu);
	while (a->hashing >= HASH_SLOTS)
		pthread_cond_wait(&a->cv, &a->mu);
	a->hashing++;
	pthread_mutex_unlock(&a->mu);
}

static void slot_give(yb_admin *a)
{
	pthread_mutex_lock(&a->mu);
	a->hashing--;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static int hash_password(yb_admin *a, const char *pw, char out[192])
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return yb_error_set(YB_ERROR, "password: no random salt");
	if (argon2_encodedlen(T_COST, M_COST, LANES, SALT_LEN, HASH_LEN, Argon2_id) >= 192)
		return yb_error_set(YB_ERROR, "password: hash too long");
	if (a)
		slot_take(a);
	rc = argon2id_hash_encoded(T_COST, M_COST, LANES, pw, strlen(pw), salt, SALT_LEN, HASH_LEN,
				   out, 192);
	if (a)
		slot_give(a);
	return rc == ARGON2_OK ? 0 : yb_error_set(YB_ERROR, "password: %s", argon2_error_message(rc));
}

static int verify_password(yb_admin *a, const char *encoded, const char *pw)
{
	int rc;

	slot_take(a);
	atomic_fetch_add(&a->pw_checks, 1);
	rc = argon2id_verify(encoded, pw, strlen(pw));
	slot_give(a);
	return rc == ARGON2_OK;
}

int admin_staff_init(yb_admin *a)
{
	return hash_password(NULL, "no such staff member", a->dummy_hash);
}

/* Hex SHA-256 of a token. */
static void token_hash(char out[65], const char *token)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < n && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
}

static int valid_staff_id(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n >= YB_STAFF_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* The policy for a password being set (note 4): PW_MIN to PW_MAX bytes,
 * two kinds of character at least, not a common password. */
static int check_password(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0, i;
	unsigned kinds = 0;

	if (n < PW_MIN)
		return yb_error_set(YB_EINVALID, "password: at least %d characters", PW_MIN);
	if (n > PW_MAX)
		return yb_error_set(YB_EINVALID, "password: at most %d bytes", PW_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pw[i];
		kinds |= c >= 'a' && c <= 'z' ? 1u : c >= 'A' && c <= 'Z' ? 2u : c >= '0' && c <= '9' ? 4u : 8u;
	}
	if (!(kinds & (kinds - 1)))
		return yb_error_set(YB_EINVALID, "password: all of one kind; mix at least two of lower case,"
				    " upper case, digits and other characters");
	for (i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
		if (strcasecmp(pw, common_passwords[i]) == 0)
			return yb_error_set(YB_EINVALID, "password: one of the most common passwords; choose another");
	return 0;
}

/* ---------------------------------------------------- staff accounts */

typedef struct staff_job {
	yb_staff_rec rec;
} staff_job;

static void w_staff(yb_jw *w, const char *key, const yb_staff_rec *s)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "staff_id", s->staff_id);
	yb_jw_str(w, "role", s->role);
	yb_jw_bool(w, "disabled", s->disabled);
	admin_w_time(w, "created", s->created);
	yb_jw_str(w, "created_by", s->created_by);
	yb_jw_end(w, '}');
}

static int add_tx(yb_store_tx *tx, admin_unit *u)
{
	staff_job *j = u->arg;
	yb_jw w;
	int rc;

	j->rec.created = admin_wall();
	if ((rc = yb_tx_put_staff(tx, &j->rec, 1)) < 0)
		return rc;
	admin_record(u, "staff.create", "staff:%s", j->rec.staff_id);
	yb_jw_init(&w, &u->after);
	w_staff(&w, NULL, &j->rec); /* never the hash */
	yb_jw_init(&w, u->out);
	w_staff(&w, NULL, &j->rec);
	return 0;
}

int yb_admin_staff_add(yb_admin *a, const yb_actor *who, const char *staff_id,
		       const char *role, const char *password, yb_buf *out)
{
	static const yb_actor cli = {"cli", YB_ROLE_ADMIN, "cli", ""};
	staff_job j;
	admin_unit u;
	int rc;

	if (!valid_staff_id(staff_id))
		return yb_error_set(YB_EINVALID, "staff_id: 1-32 letters, digits, '.', '_' or '-'");
	if (!yb_role_parse(role))
		return yb_error_set(YB_EINVALID, "role: not clerk, auditor or administrator");
	if ((rc = check_password(password)) < 0)
		return rc;
	memset(&j, 0, sizeof(j));
	snprintf(j.rec.staff_id, sizeof(j.rec.staff_id), "%s", staff_id);
	snprintf(j.rec.role, sizeof(j.rec.role), "%s", role);
	snprintf(j.rec.created_by, sizeof(j.rec.created_by), "%s", who ? who->staff_id : cli.staff_id);
	if ((rc = hash_password(a, password, j.rec.pw_hash)) < 0) /* outside the store's transaction */
		return rc;
	memset(&u, 0, sizeof(u));
	u.a = a;
	u.who = who ? who : &cli;
	u.fn = add_tx;
	u.arg = &j;
	u.out = out;
	rc = admin_change(&u, 0);
	OPENSSL_cleanse(j.rec.pw_hash, sizeof(j.rec.pw_hash));
	return rc;
}

int yb_admin_staff_create(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	static const char *const keys[] = {"staff_id", "role", "password", NULL};
	const yb_json *b;
	const char *id = NULL, *role = NULL, *pw = NULL;
	int rc;

	if ((rc = admin_body(in, &b)) < 0 || (rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "staff_id", 1, 64, &id))) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "role", 1, 32, &role))) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "password", 1, PW_MAX + 1, &pw))) < 0)
		return rc;
	return yb_admin_staff_add(a, who, id, role, pw, out);
}

static int list_one(const yb_staff_rec *s, void *arg)
{
	w_staff(arg, NULL, s);
	return 0;
}

static int list_tx(yb_store_tx *tx, admin_unit *u)
{
	yb_jw w;
	int rc;

	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "staff");
	rc = yb_tx_each_staff(tx, list_one, &w);
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	return rc;
}

int yb_admin_staff_list(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = list_tx, .out = out};
	return admin_read(&u);
}

static int disable_tx(yb_store_tx *tx, admin_unit *u)
{
	yb_staff_rec s;
	yb_jw w;
	int rc;

	if ((rc = yb_tx_get_staff(tx, u->in->id, &s)) < 0)
		return rc;
	if (strcmp(s.staff_id, u->who->staff_id) == 0)
		return yb_error_set(YB_ECONFLICT, "staff_id: an administrator cannot disable their own account");
	yb_jw_init(&w, &u->before);
	w_staff(&w, NULL, &s);
	s.disabled = 1;
	if ((rc = yb_tx_put_staff(tx, &s, 0)) < 0 ||
	    (rc = yb_tx_end_sessions(tx, s.staff_id, admin_wall())) < 0)
		return rc;
	admin_record(u, "staff.disable", "staff:%s", s.staff_id);
	yb_jw_init(&w, &u->after);
	w_staff(&w, NULL, &s);
	yb_jw_init(&w, u->out);
	w_staff(&w, NULL, &s);
	return 0;
}

int yb_admin_staff_disable(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = disable_tx, .out = out};

	if (!valid_staff_id(in->id))
		return yb_error_set(YB_EINVALID, "staff_id: not a staff id");
	return admin_change(&u, 0);
}

/* ------------------------------------------------------------ sessions */

static int read_staff(yb_store_tx *tx, void *arg)
{
	return yb_tx_get_staff(tx, ((yb_staff_rec *)arg)->staff_id, arg);
}

/* ------------------------------------------------------------ lock-out */

enum { LOCK_ID = 1, LOCK_ADDR = 2 };

typedef struct guard_job {
	yb_admin *a;
	const char *staff_id, *client; /* client NULL: not counted by address */
	yb_datetime now;
	int purge;               /* delete the expired rows first */
	int locks;               /* out: this attempt reached the id's or the address's limit */
} guard_job;

static int locked_error(const yb_admin *a, const char *staff_id, int which)
{
	if (which == LOCK_ID)
		return yb_error_set(YB_EBUSY, "login: %s is locked for a while after %d failures",
				    staff_id, a->o.login_failures);
	return yb_error_set(YB_EBUSY, "login: this address is locked for a while after %d failures",
			    a->o.addr_failures);
}

/* A row in force now: locked, or counting in its window (else as new). */
static int guard_live(const yb_login_guard_rec *g, yb_datetime now)
{
	return g->expires > now;
}

/* Counts one attempt in g (note 2); 1 if this attempt reaches the limit. */
static int guard_count(yb_login_guard_rec *g, int limit, int64_t span, yb_datetime now)
{
	if (!guard_live(g, now)) {
		g->failures = 0;
		g->since = now;
		g->locked_until = 0;
	}
	g->failures++;
	g->expires = g->since + span;
	if (g->failures < limit)
		return 0;
	g->locked_until = now + span;
	if (g->expires < g->locked_until)
		g->expires = g->locked_until;
	return 1;
}

/* Reserves one attempt (note 2): refuses if the id or the address is
 * locked, else counts it against both. */
static int reserve_tx(yb_store_tx *tx, void *arg)
{
	guard_job *j = arg;
	yb_admin *a = j->a;
	yb_login_guard_rec id, ad;
	int rc;

	j->locks = 0; /* the unit may run again (yb_store_submit) */
	if (j->purge && (rc = yb_tx_purge_login_guards(tx, j->now)) < 0)
		return rc;
	if ((rc = yb_tx_lock_login_guard(tx, "staff", j->staff_id, &id)) < 0)
		return rc;
	if (guard_live(&id, j->now) && id.locked_until > j->now)
		return locked_error(a, j->staff_id, LOCK_ID);
	if (j->client) {
		if ((rc = yb_tx_lock_login_guard(tx, "addr", j->client, &ad)) < 0)
			return rc;
		if (guard_live(&ad, j->now) && ad.locked_until > j->now)
			return locked_error(a, j->staff_id, LOCK_ADDR);
		if (guard_count(&ad, a->o.addr_failures, a->o.lockout, j->now))
			j->locks |= LOCK_ADDR;
		if ((rc = yb_tx_put_login_guard(tx, &ad)) < 0)
			return rc;
	}
	if (guard_count(&id, a->o.login_failures, a->o.lockout, j->now))
		j->locks |= LOCK_ID;
	return yb_tx_put_login_guard(tx, &id);
}

/* After the right password: the id's count cleared, the address's
 * attempt taken back (its other failures stay counted). */
static int release_tx(yb_store_tx *tx, const guard_job *j)
{
	yb_login_guard_rec g;
	int rc;

	if ((rc = yb_tx_lock_login_guard(tx, "staff", j->staff_id, &g)) < 0)
		return rc;
	g.failures = 0;
	g.locked_until = 0;
	if ((rc = yb_tx_put_login_guard(tx, &g)) < 0 || !j->client)
		return rc;
	if ((rc = yb_tx_lock_login_guard(tx, "addr", j->client, &g)) < 0)
		return rc;
	if (!guard_live(&g, j->now))
		g.failures = 0;
	else if (g.failures > 0)
		g.failures--;
	if (g.failures < j->a->o.addr_failures)
		g.locked_until = 0;
	return yb_tx_put_login_guard(tx, &g);
}

typedef struct login_job {
	yb_session_rec s;
	const char *role;
	const char *token;
	const guard_job *guard;
} login_job;

static int login_tx(yb_store_tx *tx, admin_unit *u)
{
	login_job *j = u->arg;
	yb_jw w;
	int rc;

	if ((rc = yb_tx_put_session(tx, &j->s)) < 0 || (rc = release_tx(tx, j->guard)) < 0)
		return rc;
	admin_record(u, "login", "staff:%s", j->s.staff_id);
	yb_jw_init(&w, &u->after);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "session", j->s.token_hash + 48); /* a tail of the hash names it */
	admin_w_time(&w, "expires", j->s.expires);
	yb_jw_end(&w, '}');
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "token", j->token);
	yb_jw_str(&w, "staff_id", j->s.staff_id);
	yb_jw_str(&w, "role", j->role);
	admin_w_time(&w, "expires", j->s.expires);
	yb_jw_int(&w, "idle_timeout", u->a->o.session_idle);
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_login(yb_admin *a, const char *staff_id, const char *password,
		   const char *client, const char *request_id, yb_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	char token[65];
	yb_staff_rec s;
	yb_actor who;
	login_job j;
	guard_job g;
	admin_unit u;
	int64_t last;
	int i, rc, ok;

	atomic_fetch_add(&a->logins, 1);
	if (!valid_staff_id(staff_id) || !password || strlen(password) > PW_MAX)
		return yb_error_set(YB_EREFUSED, "login: wrong staff id or password");
	memset(&g, 0, sizeof(g));
	g.a = a;
	g.staff_id = staff_id;
	g.client = client && client[0] && strlen(client) < YB_LOGIN_SUBJECT_MAX ? client : NULL;
	g.now = admin_wall();
	last = atomic_load(&a->purged);
	g.purge = g.now - last >= 60 && atomic_compare_exchange_strong(&a->purged, &last, g.now);
	if ((rc = yb_store_submit(a->st, "admin", reserve_tx, &g)) < 0) { /* note 2 */
		if (rc == YB_EBUSY && strstr(yb_error_msg(), "locked"))
			atomic_fetch_add(&a->logins_locked, 1);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	snprintf(s.staff_id, sizeof(s.staff_id), "%s", staff_id);
	rc = yb_store_read(a->st, read_staff, &s);
	if (rc < 0 && rc != YB_ENOTFOUND)
		return rc;
	ok = verify_password(a, rc == 0 ? s.pw_hash : a->dummy_hash, password) && rc == 0 && !s.disabled;
	OPENSSL_cleanse(s.pw_hash, sizeof(s.pw_hash));
	if (!ok) { /* counted already; the attempt that reached a limit says so */
		if (g.locks)
			return locked_error(a, staff_id, g.locks & LOCK_ID ? LOCK_ID : LOCK_ADDR);
		return yb_error_set(YB_EREFUSED, "login: wrong staff id or password");
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return yb_error_set(YB_ERROR, "login: no random token");
	for (i = 0; i < 32; i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 15];
	}
	token[64] = '\0';
	memset(&j, 0, sizeof(j));
	token_hash(j.s.token_hash, token);
	snprintf(j.s.staff_id, sizeof(j.s.staff_id), "%s", s.staff_id);
	j.s.created = j.s.last_used = admin_wall();
	j.s.expires = j.s.created + a->o.session_ttl;
	j.role = s.role;
	j.token = token;
	j.guard = &g;
	g.now = admin_wall();
	memset(&who, 0, sizeof(who));
	snprintf(who.staff_id, sizeof(who.staff_id), "%s", s.staff_id);
	who.role = yb_role_parse(s.role);
	snprintf(who.request_id, sizeof(who.request_id), "%s", request_id ? request_id : "");
	memset(&u, 0, sizeof(u));
	u.a = a;
	u.who = &who;
	u.fn = login_tx;
	u.arg = &j;
	u.out = out;
	rc = admin_change(&u, 0);
	OPENSSL_cleanse(token, sizeof(token));
	if (rc == 0)
		atomic_fetch_add(&a->logins_ok, 1);
	return rc;
}

typedef struct sess_job {
	yb_session_rec s;
	yb_staff_rec st;
} sess_job;

static int read_session(yb_store_tx *tx, void *arg)
{
	sess_job *j = arg;
	int rc = yb_tx_get_session(tx, j->s.token_hash, &j->s);

	return rc < 0 ? rc : yb_tx_get_staff(tx, j->s.staff_id, &j->st);
}

static int touch_session(yb_store_tx *tx, void *arg)
{
	return yb_tx_put_session(tx, arg);
}

int yb_admin_session(yb_admin *a, const char *token, yb_actor *who)
{
	yb_datetime now = admin_wall();
	sess_job j;
	int rc;

	if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return yb_error_set(YB_EREFUSED, "Authorization: no valid bearer token (log in at /api/v1/login)");
	memset(&j, 0, sizeof(j));
	token_hash(j.s.token_hash, token);
	rc = yb_store_read(a->st, read_session, &j);
	OPENSSL_cleanse(j.st.pw_hash, sizeof(j.st.pw_hash));
	if (rc == YB_ENOTFOUND)
		return yb_error_set(YB_EREFUSED, "Authorization: unknown session (log in at /api/v1/login)");
	if (rc < 0)
		return rc;
	if (j.s.ended)
		return yb_error_set(YB_EREFUSED, "Authorization: the session has ended (log in again)");
	if (now >= j.s.expires)
		return yb_error_set(YB_EREFUSED, "Authorization: the session has expired (log in again)");
	if (now - j.s.last_used >= a->o.session_idle)
		return yb_error_set(YB_EREFUSED, "Authorization: the session was idle too long (log in again)");
	if (j.st.disabled)
		return yb_error_set(YB_EREFUSED, "Authorization: the account is disabled");
	memset(who, 0, sizeof(*who));
	snprintf(who->staff_id, sizeof(who->staff_id), "%s", j.s.staff_id);
	who->role = yb_role_parse(j.st.role);
	snprintf(who->token_hash, sizeof(who->token_hash), "%s", j.s.token_hash);
	if (now - j.s.last_used >= (a->o.session_idle / 2 < TOUCH_EVERY ? a->o.session_idle / 2 : TOUCH_EVERY)) {
		/* note 3: often enough that a session in use never looks idle */
		j.s.last_used = now;
		if ((rc = yb_store_submit(a->st, "admin", touch_session, &j.s)) < 0)
			return rc;
	}
	return 0;
}

static int logout_tx(yb_store_tx *tx, admin_unit *u)
{
	yb_session_rec s;
	yb_jw w;
	int rc;

	if ((rc = yb_tx_get_session(tx, u->who->token_hash, &s)) < 0)
		return rc == YB_ENOTFOUND ? yb_error_set(YB_EREFUSED, "Authorization: unknown session") : rc;
	s.ended = admin_wall();
	if ((rc = yb_tx_put_session(tx, &s)) < 0)
		return rc;
	admin_record(u, "logout", "staff:%s", s.staff_id);
	yb_jw_init(&w, &u->after);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "session", s.token_hash + 48);
	admin_w_time(&w, "ended", s.ended);
	yb_jw_end(&w, '}');
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "staff_id", s.staff_id);
	yb_jw_bool(&w, "logged_out", 1);
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_logout(yb_admin *a, const yb_actor *who, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .fn = logout_tx, .out = out};
	return admin_change(&u, 0);
}

int yb_admin_stats(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	yb_jw w;

	(void)who;
	(void)in;
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_obj(&w, "logins");
	yb_jw_int(&w, "attempts", (int64_t)atomic_load(&a->logins));
	yb_jw_int(&w, "password_checks", (int64_t)atomic_load(&a->pw_checks));
	yb_jw_int(&w, "accepted", (int64_t)atomic_load(&a->logins_ok));
	yb_jw_int(&w, "refused_locked", (int64_t)atomic_load(&a->logins_locked));
	yb_jw_end(&w, '}');
	yb_jw_end(&w, '}');
	return out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

int yb_admin_me(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	yb_jw w;
	char now[24];

	(void)in;
	yb_datetime_format(now, yb_admin_now(a));
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "staff_id", who->staff_id);
	yb_jw_str(&w, "role", yb_role_name(who->role));
	yb_jw_str(&w, "business_time", now);
	yb_jw_end(&w, '}');
	return out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}
