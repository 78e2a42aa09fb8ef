/* The connection guard of `yibao serve`. libmicrohttpd offers a total
 * limit (split evenly across the pool's threads), one per-address limit
 * for every address, and an idle time-out that any byte resets: one
 * client sending a header line now and then held every slot (issue 12,
 * F1). A city needs more: a larger quota for its front-end processors and
 * gateways (many institutions behind one address), a deadline a trickle
 * cannot reset, and room made by closing idle connections rather than
 * refusing new ones. So the server keeps its own record of every
 * connection, fed by libmicrohttpd's accept policy and its start and
 * close notifications.
 *
 * Invariants (everything below is under g->mu):
 *  1. count(address) = the address's reservations and open records; an
 *     admission never takes it above its quota (per_address, or
 *     trusted_per_address for a configured address). IPv6 addresses count
 *     by /64, the block one host is given; IPv4-mapped ones as IPv4.
 *  2. live = reservations + open records <= cap (YB_GUARD_CAP); a
 *     connection is admitted only while live - shed < max, after shedding
 *     one if need be, so at most max connections are ever left alive.
 *  3. A record's fd is its connection's socket until yb_guard_close():
 *     libmicrohttpd reports the close before it closes the socket, and
 *     sockets are shut down only under the mutex: never another's socket.
 *  4. A reservation (admitted, not yet opened) belongs to the thread that
 *     accepted: libmicrohttpd calls the policy and then reports the start
 *     on that thread, or never (out of memory, its own limit); the
 *     thread's next admission releases a reservation left over.
 *
 * A connection's phases and deadlines (now: when it entered the phase;
 * R: the request deadline):
 *
 *   accept --> WAITING --headers in--> READING --body in--> BUSY
 *              since = now             same deadline,       no deadline
 *              deadline = now + R      or extended            |
 *                 ^                                           |
 *                 +----- answer sent <---- SENDING <----------+
 *                                          deadline = now + R
 *
 * Past its deadline a connection is shut down (shutdown(2): libmicrohttpd
 * reads the end of the stream and closes it); a thread checks four times a
 * second. Under pressure (max connections alive and a new one admitted)
 * the connection idle longest is shut down first: WAITING for a second or
 * more (a keep-alive connection between requests, or headers that never
 * finished). With none idle, the oldest not yet complete, WAITING or
 * READING (a body trickling in): a new client's connection, younger than
 * the others, is shed last. Never a clerk's import (its deadline was
 * extended once its session was checked), nor a BUSY or SENDING
 * connection; with none to shed, the new connection is refused. */
#include "guard.h"
#include "yibao/error.h"
#include "yibao/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRUSTED 256
#define TICK_MS 250
#define LOG_EVERY_MS 5000
#define GRACE_MS 1000     /* waiting this long: idle */

enum { FREE, WAITING, READING, BUSY, SENDING };

struct yb_guard_conn {
	uint8_t key[16];
	int fd;
	int phase;
	int shed;          /* shut down by us, not yet closed */
	int extended;      /* its deadline was extended: not shed under pressure */
	int64_t since;     /* ms: the request's deadline counts from here */
	int64_t deadline;  /* ms, 0: none */
};

typedef struct addr_count {
	uint8_t key[16];
	unsigned n;        /* 0: an empty slot */
} addr_count;

typedef struct stats {
	uint64_t refused_address, refused_total, closed_idle, closed_oldest, closed_deadline;
} stats;

struct yb_guard {
	pthread_mutex_t mu;
	unsigned max, cap, per_address, trusted_per_address;
	int64_t request_ms;
	uint8_t (*trusted)[16];
	unsigned ntrusted;
	yb_guard_conn *conns;   /* cap records */
	unsigned *free_ix, nfree;
	unsigned live, shed;
	addr_count *tab;        /* open addressing, mask + 1 slots, >= 2 cap */
	size_t mask;
	uint64_t seed;
	stats st, logged;
	char last_refused[INET6_ADDRSTRLEN + 4];
	int64_t last_log;
	pthread_t thread;
	pthread_cond_t cv;
	int stop;
};

/* Invariant 4: the reservation this thread made last, not yet opened. */
static _Thread_local struct {
	yb_guard *g;
	uint8_t key[16];
} pending;

static int64_t now_ms(void)
{
	return yb_monotonic_us() / 1000;
}

/* ----------------------------------------------------------- addresses */

/* IPv4 as ::ffff:a.b.c.d; IPv6 by its /64 (mapped IPv4 as IPv4). */
static int addr_key(uint8_t key[16], const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(key, 0, 16);
	if (sa->sa_family == AF_INET) {
		memcpy(key, mapped, 12);
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		memcpy(key, a, memcmp(a, mapped, 12) == 0 ? 16 : 8);
		return 0;
	}
	return -1;
}

static void key_text(char *out, size_t cap, const uint8_t key[16])
{
	char t[INET6_ADDRSTRLEN];

	if (key[10] == 0xff && key[11] == 0xff && !memcmp(key, "\0\0\0\0\0\0\0\0\0\0", 10)) {
		inet_ntop(AF_INET, key + 12, t, sizeof(t));
		snprintf(out, cap, "%s", t);
	} else {
		inet_ntop(AF_INET6, key, t, sizeof(t));
		snprintf(out, cap, "%s/64", t);
	}
}

static int parse_trusted(yb_guard *g, const char *list)
{
	char tok[INET6_ADDRSTRLEN + 1];
	const char *p = list, *end;
	struct sockaddr_storage ss;
	size_t n;

	if (!(g->trusted = calloc(MAX_TRUSTED, 16)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		if (!*p)
			break;
		for (end = p; *end && *end != ',' && *end != ' '; end++)
			;
		n = (size_t)(end - p);
		if (n >= sizeof(tok))
			return yb_error_set(YB_EINVALID, "--trusted-address: '%.*s' is not an IP address", 64, p);
		memcpy(tok, p, n);
		tok[n] = '\0';
		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, tok, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
			ss.ss_family = AF_INET;
		else if (inet_pton(AF_INET6, tok, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
			ss.ss_family = AF_INET6;
		else
			return yb_error_set(YB_EINVALID, "--trusted-address: '%s' is not an IPv4 or IPv6 address", tok);
		if (g->ntrusted == MAX_TRUSTED)
			return yb_error_set(YB_EINVALID, "--trusted-address: more than %d addresses", MAX_TRUSTED);
		addr_key(g->trusted[g->ntrusted++], (struct sockaddr *)&ss);
		p = end;
	}
	return 0;
}

static unsigned quota(const yb_guard *g, const uint8_t key[16])
{
	unsigned i;

	for (i = 0; i < g->ntrusted; i++)
		if (!memcmp(g->trusted[i], key, 16))
			return g->trusted_per_address;
	return g->per_address;
}

/* ------------------------------------------- connections per address */

/* Seeded, so that no client can choose addresses that collide. */
static size_t slot_of(const yb_guard *g, const uint8_t key[16])
{
	uint64_t a, b, h;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	h = (a ^ g->seed) * 0x9E3779B97F4A7C15ull;
	h = (h ^ (h >> 29) ^ b) * 0xBF58476D1CE4E5B9ull;
	h ^= h >> 31;
	return (size_t)h & g->mask;
}

/* The slot of key, or the empty slot where it would go. */
static size_t tab_find(const yb_guard *g, const uint8_t key[16])
{
	size_t i = slot_of(g, key);

	while (g->tab[i].n && memcmp(g->tab[i].key, key, 16) != 0)
		i = (i + 1) & g->mask;
	return i;
}

static void tab_add(yb_guard *g, const uint8_t key[16])
{
	size_t i = tab_find(g, key);

	if (!g->tab[i].n)
		memcpy(g->tab[i].key, key, 16);
	g->tab[i].n++;
	g->live++;
}

/* One connection of key less; an address at 0 leaves the table (linear
 * probing: the entries after it move back so that none is lost). */
static void tab_sub(yb_guard *g, const uint8_t key[16])
{
	size_t i = tab_find(g, key), j, k;

	if (!g->tab[i].n)
		return;
	g->live--;
	if (--g->tab[i].n)
		return;
	for (j = i;;) {
		j = (j + 1) & g->mask;
		if (!g->tab[j].n)
			break;
		k = slot_of(g, g->tab[j].key);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		g->tab[i] = g->tab[j];
		i = j;
	}
	g->tab[i].n = 0;
}

/* ------------------------------------------------------------ closing */

static void shed(yb_guard *g, yb_guard_conn *c)
{
	shutdown(c->fd, SHUT_RDWR);
	c->shed = 1;
	g->shed++;
}

/* Under pressure: the connection idle longest (WAITING for a second at
 * least); if none, the oldest that has not sent its whole request yet
 * (WAITING or READING, a clerk's import aside), however young. */
static int shed_oldest(yb_guard *g)
{
	yb_guard_conn *idle = NULL, *old = NULL, *c;
	int64_t grace = now_ms() - GRACE_MS;
	unsigned i;

	for (i = 0; i < g->cap; i++) {
		c = &g->conns[i];
		if (c->shed || (c->phase != WAITING && (c->phase != READING || c->extended)))
			continue;
		if (c->phase == WAITING && c->since <= grace && (!idle || c->since < idle->since))
			idle = c;
		if (!old || c->since < old->since)
			old = c;
	}
	if (!(c = idle ? idle : old))
		return 0;
	shed(g, c);
	if (c == idle)
		g->st.closed_idle++;
	else
		g->st.closed_oldest++;
	return 1;
}

static void log_stats(yb_guard *g)
{
	yb_buf line = YB_BUF_INIT;
	yb_jw w;

	if (!memcmp(&g->st, &g->logged, sizeof(g->st)))
		return;
	g->logged = g->st;
	yb_log_begin(&w, &line, "connections");
	yb_jw_int(&w, "open", (int64_t)(g->live - g->shed));
	yb_jw_int(&w, "refused_per_address", (int64_t)g->st.refused_address);
	yb_jw_int(&w, "refused_total", (int64_t)g->st.refused_total);
	yb_jw_int(&w, "closed_idle", (int64_t)g->st.closed_idle);
	yb_jw_int(&w, "closed_oldest", (int64_t)g->st.closed_oldest);
	yb_jw_int(&w, "closed_deadline", (int64_t)g->st.closed_deadline);
	if (g->last_refused[0])
		yb_jw_str(&w, "last_refused", g->last_refused);
	yb_log_end(&w, &line);
}

/* Shuts down every connection past its deadline, four times a second;
 * logs what the guard did (when it did something) every 5 seconds. */
static void *reaper(void *arg)
{
	yb_guard *g = arg;
	struct timespec ts;
	unsigned i;
	int64_t t;

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &ts);
		t = now_ms();
		for (i = 0; i < g->cap; i++) {
			yb_guard_conn *c = &g->conns[i];
			if (c->phase != FREE && !c->shed && c->deadline && t >= c->deadline) {
				shed(g, c);
				g->st.closed_deadline++;
			}
		}
		if (t - g->last_log >= LOG_EVERY_MS) {
			log_stats(g);
			g->last_log = t;
		}
	}
	log_stats(g);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* ---------------------------------------------------------------- API */

int yb_guard_new(yb_guard **out, const yb_guard_opts *o)
{
	pthread_condattr_t ca;
	yb_guard *g;
	size_t slots = 16;
	unsigned i;
	int rc;

	if (!(g = calloc(1, sizeof(*g))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	g->max = o->max;
	g->cap = YB_GUARD_CAP(o->max);
	g->per_address = o->per_address;
	g->trusted_per_address = o->trusted_per_address;
	g->request_ms = (int64_t)o->request_s * 1000;
	g->seed = (uint64_t)yb_monotonic_us() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
	while (slots < 2 * (size_t)g->cap)
		slots *= 2;
	g->mask = slots - 1;
	g->conns = calloc(g->cap, sizeof(*g->conns));
	g->free_ix = calloc(g->cap, sizeof(*g->free_ix));
	g->tab = calloc(slots, sizeof(*g->tab));
	if (!g->conns || !g->free_ix || !g->tab) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < g->cap; i++)
		g->free_ix[i] = g->cap - 1 - i;
	g->nfree = g->cap;
	if (o->trusted && (rc = parse_trusted(g, o->trusted)) < 0)
		goto fail;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	g->last_log = now_ms();
	if (pthread_create(&g->thread, NULL, reaper, g) != 0) {
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		rc = yb_error_set(YB_ERROR, "cannot start the connection guard's thread");
		goto fail;
	}
	*out = g;
	return 0;
fail:
	free(g->trusted);
	free(g->conns);
	free(g->free_ix);
	free(g->tab);
	free(g);
	return rc;
}

void yb_guard_free(yb_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	if (pending.g == g)
		pending.g = NULL;
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g->trusted);
	free(g->conns);
	free(g->free_ix);
	free(g->tab);
	free(g);
}

unsigned yb_guard_capacity(const yb_guard *g)
{
	return g->cap;
}

int yb_guard_admit(yb_guard *g, const struct sockaddr *addr, socklen_t len)
{
	uint8_t key[16];
	unsigned q;

	if (len < (socklen_t)sizeof(struct sockaddr_in) || addr_key(key, addr) < 0)
		return 0;
	q = quota(g, key);
	pthread_mutex_lock(&g->mu);
	if (pending.g == g) { /* invariant 4: opened never */
		tab_sub(g, pending.key);
		pending.g = NULL;
	}
	if (g->tab[tab_find(g, key)].n >= q) {
		g->st.refused_address++;
		key_text(g->last_refused, sizeof(g->last_refused), key);
		goto refuse;
	}
	if ((g->live - g->shed >= g->max && !shed_oldest(g)) || g->live >= g->cap) {
		g->st.refused_total++;
		key_text(g->last_refused, sizeof(g->last_refused), key);
		goto refuse;
	}
	tab_add(g, key);
	pending.g = g;
	memcpy(pending.key, key, 16);
	pthread_mutex_unlock(&g->mu);
	return 1;
refuse:
	pthread_mutex_unlock(&g->mu);
	return 0;
}

yb_guard_conn *yb_guard_open(yb_guard *g, int fd, const struct sockaddr *addr)
{
	yb_guard_conn *c = NULL;
	uint8_t key[16];

	pthread_mutex_lock(&g->mu);
	if (pending.g == g) {
		memcpy(key, pending.key, 16);
		pending.g = NULL;
	} else if (addr && addr_key(key, addr) == 0) {
		tab_add(g, key); /* not through the policy: counted, not limited */
	} else {
		goto done;
	}
	if (!g->nfree) {
		tab_sub(g, key);
		goto done;
	}
	c = &g->conns[g->free_ix[--g->nfree]];
	memcpy(c->key, key, 16);
	c->fd = fd;
	c->phase = WAITING;
	c->shed = 0;
	c->extended = 0;
	c->since = now_ms();
	c->deadline = c->since + g->request_ms;
done:
	pthread_mutex_unlock(&g->mu);
	return c;
}

void yb_guard_close(yb_guard *g, yb_guard_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	tab_sub(g, c->key);
	if (c->shed)
		g->shed--;
	c->phase = FREE;
	c->shed = 0;
	c->fd = -1;
	g->free_ix[g->nfree++] = (unsigned)(c - g->conns);
	pthread_mutex_unlock(&g->mu);
}

static void set_phase(yb_guard *g, yb_guard_conn *c, int phase, int restart)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	c->phase = phase;
	if (phase != READING)
		c->extended = 0;
	if (restart) {
		c->since = now_ms();
		c->deadline = phase == BUSY ? 0 : c->since + g->request_ms;
	}
	pthread_mutex_unlock(&g->mu);
}

void yb_guard_reading(yb_guard *g, yb_guard_conn *c)
{
	set_phase(g, c, READING, 0);
}

void yb_guard_extend(yb_guard *g, yb_guard_conn *c, int s)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->deadline) {
		if (c->since + (int64_t)s * 1000 > c->deadline)
			c->deadline = c->since + (int64_t)s * 1000;
		c->extended = 1;
	}
	pthread_mutex_unlock(&g->mu);
}

void yb_guard_busy(yb_guard *g, yb_guard_conn *c)
{
	set_phase(g, c, BUSY, 1);
}

void yb_guard_sending(yb_guard *g, yb_guard_conn *c)
{
	set_phase(g, c, SENDING, 1);
}

void yb_guard_waiting(yb_guard *g, yb_guard_conn *c)
{
	set_phase(g, c, WAITING, 1);
}
