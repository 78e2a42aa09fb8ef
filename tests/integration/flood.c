/* A connection flood against a real `yibao serve` on loopback, with signed
 * probes from another address that measure what a normal client meets
 * meanwhile (issue 12, F1). For tests/integration/limits_test.sh and
 * bench/flood.sh:
 *
 *   build/tests/flood --server 127.0.0.1:PORT --seconds S
 *       [--attack FIRST[-LAST]:N:MODE:MS]...   N sockets from each loopback
 *                                              address FIRST..LAST
 *       [--reconnect MS]                       a closed socket comes back after MS (1000),
 *                                              give or take half of it
 *       [--probe FILE --paasid CODE --secret S [--every MS] [--bound MS]]
 *
 * MODE: "headers" sends a request line, then one header line every MS;
 * "silent" sends nothing; "body" sends whole headers with Content-Length
 * 1000000, then one body byte every MS. Each probe POSTs FILE (a 1101)
 * signed as CODE over a new connection from 127.0.0.1, every MS (200),
 * from half a second after the attack opened all its sockets at once (a
 * burst the server may refuse for a moment, whoever comes), and counts as
 * late past --bound MS (2000) or as failed without an answer of HTTP 200
 * and infcode 0. The attack stops after S seconds,
 * whatever happens: only loopback addresses are accepted, on both ends.
 *
 * Prints one line per attack and one for the probes:
 *   attack 127.0.0.2 sockets 150 connects 912 refused 760 closed 2 held_max 20 life_ms 3001-3250
 *   probes 25 ok 25 late 0 failed 0 p50_ms 2 p99_ms 9 max_ms 9
 * refused: closed by the server within 300 ms of connecting; closed: later
 * (life_ms: the shortest and longest of those lives); held_max: the most
 * sockets of the attack open for 300 ms or more at one time. */
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTACKS 16
#define MAX_PROBES 100000
#define REFUSED_MS 300
#define PROBE_DELAY_MS 500 /* the attack opens all its sockets at once first */

enum { HEADERS, SILENT, BODY };

typedef struct attack {
	char spec[64];
	uint32_t first, last;      /* host order */
	int per_addr, mode, every_ms;
	long connects, refused, closed, held_max;
	long life_min, life_max;
} attack;

typedef struct sock {
	int fd;                    /* -1: closed, reconnect at `at` */
	int atk;
	uint32_t src;
	int connected;
	int64_t t_conn, at;        /* at: next line to send, or reconnect time */
	int lines;
} sock;

static attack atk[MAX_ATTACKS];
static int natk;
static struct sockaddr_in server;
static int reconnect_ms = 1000;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *msg)
{
	fprintf(stderr, "flood: %s\n", msg);
	exit(2);
}

static int loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

/* ------------------------------------------------------------- attack */

static void sock_open(sock *k, int64_t t)
{
	struct sockaddr_in src;
	int fd;

	k->connected = 0;
	k->lines = 0;
	k->at = t + reconnect_ms; /* if anything fails: try again later */
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		return;
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(k->src);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0 && errno != EINPROGRESS)) {
		close(fd);
		return;
	}
	k->fd = fd;
	atk[k->atk].connects++;
}

static void sock_closed(sock *k, int64_t t)
{
	attack *a = &atk[k->atk];

	close(k->fd);
	k->fd = -1;
	if (k->connected) {
		int64_t life = t - k->t_conn;
		if (life < REFUSED_MS) {
			a->refused++;
		} else {
			a->closed++;
			if (a->life_min < 0 || life < a->life_min)
				a->life_min = life;
			if (life > a->life_max)
				a->life_max = life;
		}
	}
	k->at = t + reconnect_ms / 2 + rand() % (reconnect_ms + 1); /* not all at once */
}

static void sock_send(sock *k, int64_t t)
{
	char line[200];
	int n;
	attack *a = &atk[k->atk];

	if (a->mode == SILENT)
		return;
	if (k->lines == 0 && a->mode == HEADERS)
		n = snprintf(line, sizeof(line), "POST %s HTTP/1.1\r\nHost: yibao\r\n", YB_HTTP_PATH);
	else if (k->lines == 0)
		n = snprintf(line, sizeof(line),
			     "POST %s HTTP/1.1\r\nHost: yibao\r\nContent-Type: application/json\r\n"
			     "Content-Length: 1000000\r\n\r\n{", YB_HTTP_PATH);
	else if (a->mode == HEADERS)
		n = snprintf(line, sizeof(line), "X-Trickle-%d: %d\r\n", k->lines, k->lines);
	else
		n = snprintf(line, sizeof(line), " ");
	if (send(k->fd, line, (size_t)n, MSG_NOSIGNAL) < 0 && errno != EAGAIN) {
		sock_closed(k, t);
		return;
	}
	k->lines++;
	k->at = t + a->every_ms;
}

static void parse_attack(const char *spec)
{
	char buf[64], *p, *q, *mode;
	struct in_addr ia;
	attack *a;

	if (natk == MAX_ATTACKS || strlen(spec) >= sizeof(buf))
		die("too many --attack, or one too long");
	a = &atk[natk++];
	snprintf(a->spec, sizeof(a->spec), "%s", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	if (!(p = strchr(buf, ':')))
		die("--attack FIRST[-LAST]:N:MODE:MS");
	*p++ = '\0';
	if ((q = strchr(buf, '-'))) {
		*q++ = '\0';
		if (inet_pton(AF_INET, q, &ia) != 1)
			die("--attack: LAST is not an IPv4 address");
		a->last = ntohl(ia.s_addr);
	}
	if (inet_pton(AF_INET, buf, &ia) != 1)
		die("--attack: FIRST is not an IPv4 address");
	a->first = ntohl(ia.s_addr);
	if (!q)
		a->last = a->first;
	if (!loopback(a->first) || !loopback(a->last) || a->last < a->first || a->last - a->first > 255)
		die("--attack: loopback addresses only (127.0.0.0/8), at most 256");
	a->per_addr = (int)strtol(p, &q, 10);
	if (*q != ':' || a->per_addr < 1 || a->per_addr > 20000)
		die("--attack: N from 1 to 20000");
	mode = q + 1;
	if (!(q = strchr(mode, ':')))
		die("--attack FIRST[-LAST]:N:MODE:MS");
	*q++ = '\0';
	a->mode = !strcmp(mode, "headers") ? HEADERS : !strcmp(mode, "silent") ? SILENT
		: !strcmp(mode, "body") ? BODY : -1;
	a->every_ms = (int)strtol(q, &p, 10);
	if (a->mode < 0 || *p || a->every_ms < 10)
		die("--attack: MODE headers, silent or body; MS at least 10");
	a->life_min = -1;
}

/* Runs every attack until `end`; returns the number of sockets. */
static int run_attacks(int64_t end)
{
	sock *ks;
	struct pollfd *pf;
	int *idx;
	int n = 0, i, j;
	int64_t t;

	for (i = 0; i < natk; i++)
		n += atk[i].per_addr * (int)(atk[i].last - atk[i].first + 1);
	if (!n)
		return 0;
	ks = calloc((size_t)n, sizeof(*ks));
	pf = calloc((size_t)n, sizeof(*pf));
	idx = calloc((size_t)n, sizeof(*idx));
	if (!ks || !pf || !idx)
		die("out of memory");
	for (i = 0, j = 0; i < natk; i++) {
		uint32_t a;
		int c;
		for (a = atk[i].first; a <= atk[i].last; a++)
			for (c = 0; c < atk[i].per_addr; c++, j++) {
				ks[j].fd = -1;
				ks[j].atk = i;
				ks[j].src = a;
				ks[j].at = 0;
			}
	}
	while ((t = now_ms()) < end) {
		int m = 0, wait = 50;
		long held[MAX_ATTACKS] = {0};

		for (i = 0; i < n; i++) {
			sock *k = &ks[i];
			if (k->fd < 0 && t >= k->at)
				sock_open(k, t);
			if (k->fd < 0)
				continue;
			if (k->connected && t >= k->at)
				sock_send(k, t);
			if (k->fd < 0)
				continue;
			if (k->connected && t - k->t_conn >= REFUSED_MS)
				held[k->atk]++;
			pf[m].fd = k->fd;
			pf[m].events = (short)(POLLIN | (k->connected ? 0 : POLLOUT));
			pf[m].revents = 0;
			idx[m++] = i;
		}
		for (i = 0; i < natk; i++)
			if (held[i] > atk[i].held_max)
				atk[i].held_max = held[i];
		if (poll(pf, (nfds_t)m, wait) < 0 && errno != EINTR)
			die("poll failed");
		t = now_ms();
		for (i = 0; i < m; i++) {
			sock *k = &ks[idx[i]];
			char buf[4096];
			ssize_t r;
			if (!pf[i].revents)
				continue;
			if (!k->connected) {
				int err = 0;
				socklen_t el = sizeof(err);
				getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err || (pf[i].revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP)) {
					sock_closed(k, t); /* never connected */
					continue;
				}
				k->connected = 1;
				k->t_conn = t;
				k->at = t;
				continue;
			}
			r = recv(k->fd, buf, sizeof(buf), 0);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				sock_closed(k, t);
		}
	}
	for (i = 0; i < n; i++)
		if (ks[i].fd >= 0)
			close(ks[i].fd);
	free(ks);
	free(pf);
	free(idx);
	return n;
}

/* ------------------------------------------------------------- probes */

typedef struct probes {
	yb_http_url url;
	yb_buf body;
	const char *paasid, *secret;
	int every_ms, bound_ms;
	int64_t end;
	long n, ok, late, failed;
	int *ms;
} probes;

static void *run_probes(void *arg)
{
	probes *p = arg;
	int64_t t0, next = now_ms() + PROBE_DELAY_MS;

	while ((t0 = now_ms()) < p->end && p->n < MAX_PROBES) {
		char ts[24], nonce[25], sig[65];
		unsigned char rnd[12];
		yb_http_hdr h[4];
		yb_buf out = YB_BUF_INIT;
		int status = 0, i, ms;

		if (t0 < next) {
			struct timespec d = {0, (long)(next - t0) * 1000000L};
			nanosleep(&d, NULL);
			continue;
		}
		next = t0 + p->every_ms;
		snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
		RAND_bytes(rnd, sizeof(rnd));
		for (i = 0; i < 12; i++)
			snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
		yb_auth_sign(sig, ts, p->secret, nonce);
		h[0].name = "x-tif-paasid", h[0].value = p->paasid;
		h[1].name = "x-tif-timestamp", h[1].value = ts;
		h[2].name = "x-tif-nonce", h[2].value = nonce;
		h[3].name = "x-tif-signature", h[3].value = sig;
		t0 = now_ms();
		if (yb_http_post(&p->url, h, 4, p->body.ptr, p->body.len, 10, &status, &out) < 0)
			status = 0;
		ms = (int)(now_ms() - t0);
		p->ms[p->n++] = ms;
		if (status != 200 || !out.ptr || strncmp(out.ptr, "{\"infcode\":0,", 13) != 0) {
			p->failed++;
			fprintf(stderr, "flood: probe failed after %d ms: HTTP %d %.200s (%s)\n", ms, status,
				out.ptr ? out.ptr : "", status ? "" : yb_error_msg());
		} else if (ms > p->bound_ms) {
			p->late++;
		} else {
			p->ok++;
		}
		yb_buf_free(&out);
	}
	return NULL;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	const char *srv = NULL, *file = NULL;
	char host[64], url[128];
	probes p;
	pthread_t th;
	struct rlimit rl;
	struct in_addr ia;
	int i, seconds = 5, port;
	const char *colon;
	int64_t end;

	memset(&p, 0, sizeof(p));
	p.every_ms = 200;
	p.bound_ms = 2000;
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			die("every option takes a value");
		if (!strcmp(argv[i], "--server"))
			srv = v;
		else if (!strcmp(argv[i], "--seconds"))
			seconds = (int)strtol(v, NULL, 10);
		else if (!strcmp(argv[i], "--attack"))
			parse_attack(v);
		else if (!strcmp(argv[i], "--reconnect"))
			reconnect_ms = (int)strtol(v, NULL, 10);
		else if (!strcmp(argv[i], "--probe"))
			file = v;
		else if (!strcmp(argv[i], "--paasid"))
			p.paasid = v;
		else if (!strcmp(argv[i], "--secret"))
			p.secret = v;
		else if (!strcmp(argv[i], "--every"))
			p.every_ms = (int)strtol(v, NULL, 10);
		else if (!strcmp(argv[i], "--bound"))
			p.bound_ms = (int)strtol(v, NULL, 10);
		else
			die("usage: flood --server 127.0.0.1:PORT --seconds S [--attack FIRST[-LAST]:N:MODE:MS]... "
			    "[--reconnect MS] [--probe FILE --paasid CODE --secret S [--every MS] [--bound MS]]");
		i++;
	}
	if (!srv || !(colon = strrchr(srv, ':')) || (size_t)(colon - srv) >= sizeof(host))
		die("--server 127.0.0.1:PORT is required");
	memcpy(host, srv, (size_t)(colon - srv));
	host[colon - srv] = '\0';
	port = (int)strtol(colon + 1, NULL, 10);
	if (inet_pton(AF_INET, host, &ia) != 1 || !loopback(ntohl(ia.s_addr)) || port < 1 || port > 65535)
		die("--server: a loopback address and a port");
	if (seconds < 1 || seconds > 600 || reconnect_ms < 10 || p.every_ms < 10)
		die("--seconds from 1 to 600, --reconnect and --every at least 10 ms");
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)port);
	server.sin_addr = ia;
	/* as many sockets as the attack wants */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	end = now_ms() + (int64_t)seconds * 1000;
	p.end = end;
	if (file) {
		if (!p.paasid || !p.secret)
			die("--probe needs --paasid and --secret");
		snprintf(url, sizeof(url), "http://%s", srv);
		if (yb_http_url_parse(&p.url, url) < 0 || yb_buf_read_file(&p.body, file, 1u << 20) < 0)
			die(yb_error_msg());
		if (!(p.ms = calloc(MAX_PROBES, sizeof(int))))
			die("out of memory");
		if (pthread_create(&th, NULL, run_probes, &p) != 0)
			die("cannot start the probe thread");
	}
	if (!run_attacks(end)) {
		struct timespec d = {seconds, 0};
		nanosleep(&d, NULL);
	}
	for (i = 0; i < natk; i++)
		printf("attack %s sockets %d connects %ld refused %ld closed %ld held_max %ld life_ms %ld-%ld\n",
		       atk[i].spec, atk[i].per_addr * (int)(atk[i].last - atk[i].first + 1), atk[i].connects,
		       atk[i].refused, atk[i].closed, atk[i].held_max, atk[i].life_min < 0 ? 0 : atk[i].life_min,
		       atk[i].life_max);
	if (file) {
		pthread_join(th, NULL);
		qsort(p.ms, (size_t)p.n, sizeof(int), cmp_int);
		printf("probes %ld ok %ld late %ld failed %ld p50_ms %d p99_ms %d max_ms %d\n", p.n, p.ok, p.late,
		       p.failed, p.n ? p.ms[p.n / 2] : 0, p.n ? p.ms[(p.n * 99) / 100] : 0,
		       p.n ? p.ms[p.n - 1] : 0);
		free(p.ms);
		yb_buf_free(&p.body);
	}
	return 0;
}
