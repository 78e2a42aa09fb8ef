/* Logins over real sockets, many at once, for tests/admin/lockout_test.sh
 * (issue 12 F3, F4): what curl in a loop cannot do - hundreds of requests
 * released together, from chosen loopback addresses (127.0.0.x: Linux
 * routes the whole of 127/8 to lo), and one request sent at a moment the
 * server's counters choose.
 *
 *   login_client PORT burst N ID PASSWORD SRC COUNT
 *       N threads connect, thread i from address SRC+(i % COUNT) (the
 *       last byte), wait for each other, then all send their login at once.
 *   login_client PORT spray N PREFIX PASSWORD SRC COUNT THREADS
 *       N logins of made-up ids PREFIX1..PREFIXN by THREADS threads, thread
 *       t from address SRC+(t % COUNT) (the last byte), each thread's one
 *       after another.
 *   login_client PORT race N ID WRONG RIGHT TOKEN CHECKS SRC COUNT
 *       N logins with WRONG released together, as burst; as soon as GET
 *       /stats (with TOKEN) shows CHECKS password checks, one login with
 *       RIGHT from SRC.
 *
 * Prints "200=A 401=B 429=C other=D" (and "right=STATUS" for race); exits
 * 1 if a request got no HTTP answer. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port;
static atomic_int n200, n401, n429, nother, nfail;
static pthread_barrier_t gate;

/* A socket from src (dotted IPv4) connected to 127.0.0.1:port, or -1. */
static int dial(const char *src)
{
	struct sockaddr_in a;
	struct timeval tv = {30, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	if (src && inet_pton(AF_INET, src, &a.sin_addr) == 1 && bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	a.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends req on fd and reads the whole answer into out (NUL-terminated);
 * returns the HTTP status, or -1. Closes fd. */
static int exchange(int fd, const char *req, char *out, size_t cap)
{
	size_t len = strlen(req), off = 0, got = 0;
	ssize_t k;
	int status = -1;

	while (off < len) {
		if ((k = write(fd, req + off, len - off)) <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)k;
	}
	while (got + 1 < cap && (k = read(fd, out + got, cap - 1 - got)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)k;
	}
	out[got] = '\0';
	close(fd);
	if (strncmp(out, "HTTP/1.", 7) == 0 && strlen(out) > 12)
		status = (int)strtol(out + 9, NULL, 10);
	return status;
}

static void login_request(char *buf, size_t cap, const char *id, const char *pw)
{
	char body[512];
	int n = snprintf(body, sizeof(body), "{\"staff_id\":\"%s\",\"password\":\"%s\"}", id, pw);

	snprintf(buf, cap, "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		 "Content-Length: %d\r\nConnection: close\r\n\r\n%s", n, body);
}

static void tally(int status)
{
	if (status == 200)
		atomic_fetch_add(&n200, 1);
	else if (status == 401)
		atomic_fetch_add(&n401, 1);
	else if (status == 429)
		atomic_fetch_add(&n429, 1);
	else if (status > 0)
		atomic_fetch_add(&nother, 1);
	else
		atomic_fetch_add(&nfail, 1);
}

/* ------------------------------------------------------ burst, race */

typedef struct one {
	pthread_t t;
	const char *id, *pw;
	char src[16];
} one;

static void *burst_one(void *arg)
{
	one *o = arg;
	char req[1024], ans[4096];
	int fd = dial(o->src);

	login_request(req, sizeof(req), o->id, o->pw);
	pthread_barrier_wait(&gate); /* connected (or not): all send together */
	tally(fd < 0 ? -1 : exchange(fd, req, ans, sizeof(ans)));
	return NULL;
}

static long stats_checks(const char *token)
{
	char req[512], ans[4096];
	const char *p;
	int fd = dial(NULL);

	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", token);
	if (exchange(fd, req, ans, sizeof(ans)) != 200 || !(p = strstr(ans, "\"password_checks\":")))
		return -1;
	return strtol(p + 18, NULL, 10);
}

/* The address k after src (dotted IPv4, the last byte counting) into out. */
static int nth_addr(char out[16], const char *src, int k)
{
	struct in_addr a;

	if (inet_pton(AF_INET, src, &a) != 1)
		return -1;
	a.s_addr = htonl(ntohl(a.s_addr) + (uint32_t)k);
	return inet_ntop(AF_INET, &a, out, 16) ? 0 : -1;
}

static int burst(int n, const char *id, const char *wrong, const char *src, int count,
		 const char *right, const char *token, long checks)
{
	one *o = calloc((size_t)n, sizeof(*o));
	char req[1024], ans[4096];
	int i, right_status = 0;

	if (!o || count < 1 || pthread_barrier_init(&gate, NULL, (unsigned)n + 1) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		o[i].id = id;
		o[i].pw = wrong;
		if (nth_addr(o[i].src, src, i % count) < 0)
			return 1;
		if (pthread_create(&o[i].t, NULL, burst_one, &o[i]) != 0) {
			fprintf(stderr, "login_client: thread %d: %s\n", i, strerror(errno));
			exit(1);
		}
	}
	pthread_barrier_wait(&gate);
	if (right) {
		struct timespec ms = {0, 1000000L};
		long c = -1;
		int tries;
		for (tries = 0; tries < 20000 && (c = stats_checks(token)) < checks; tries++)
			nanosleep(&ms, NULL);
		if (c < checks) {
			fprintf(stderr, "login_client: the server never reached %ld password checks (%ld)\n", checks, c);
			right_status = -1;
		} else {
			int fd = dial(src);
			login_request(req, sizeof(req), id, right);
			right_status = fd < 0 ? -1 : exchange(fd, req, ans, sizeof(ans));
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(o[i].t, NULL);
	pthread_barrier_destroy(&gate);
	free(o);
	printf("200=%d 401=%d 429=%d other=%d", atomic_load(&n200), atomic_load(&n401), atomic_load(&n429), atomic_load(&nother));
	if (right)
		printf(" right=%d", right_status);
	printf("\n");
	return nfail || right_status < 0;
}

/* ------------------------------------------------------------ spray */

typedef struct sprayer {
	pthread_t t;
	int first, step, n;
	const char *prefix, *pw;
	char src[16];
} sprayer;

static void *spray_one(void *arg)
{
	sprayer *s = arg;
	char id[64], req[1024], ans[4096];
	int i, fd;

	for (i = s->first; i < s->n; i += s->step) {
		snprintf(id, sizeof(id), "%s%d", s->prefix, i + 1);
		login_request(req, sizeof(req), id, s->pw);
		fd = dial(s->src);
		tally(fd < 0 ? -1 : exchange(fd, req, ans, sizeof(ans)));
	}
	return NULL;
}

static int spray(int n, const char *prefix, const char *pw, const char *src, int count, int threads)
{
	sprayer *s = calloc((size_t)threads, sizeof(*s));
	int t;

	if (!s || count < 1)
		return 1;
	for (t = 0; t < threads; t++) {
		if (nth_addr(s[t].src, src, t % count) < 0)
			return 1;
		s[t].first = t;
		s[t].step = threads;
		s[t].n = n;
		s[t].prefix = prefix;
		s[t].pw = pw;
		if (pthread_create(&s[t].t, NULL, spray_one, &s[t]) != 0)
			return 1;
	}
	for (t = 0; t < threads; t++)
		pthread_join(s[t].t, NULL);
	free(s);
	printf("200=%d 401=%d 429=%d other=%d\n", atomic_load(&n200), atomic_load(&n401), atomic_load(&n429), atomic_load(&nother));
	return nfail != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3)
		port = (int)strtol(argv[1], NULL, 10);
	if (argc == 8 && strcmp(argv[2], "burst") == 0)
		return burst((int)strtol(argv[3], NULL, 10), argv[4], argv[5], argv[6],
			     (int)strtol(argv[7], NULL, 10), NULL, NULL, 0);
	if (argc == 9 && strcmp(argv[2], "spray") == 0)
		return spray((int)strtol(argv[3], NULL, 10), argv[4], argv[5], argv[6],
			     (int)strtol(argv[7], NULL, 10), (int)strtol(argv[8], NULL, 10));
	if (argc == 11 && strcmp(argv[2], "race") == 0)
		return burst((int)strtol(argv[3], NULL, 10), argv[4], argv[5], argv[9],
			     (int)strtol(argv[10], NULL, 10), argv[6], argv[7], strtol(argv[8], NULL, 10));
	fprintf(stderr, "usage: login_client PORT burst N ID PASSWORD SRC COUNT\n"
		"       login_client PORT spray N PREFIX PASSWORD SRC COUNT THREADS\n"
		"       login_client PORT race N ID WRONG RIGHT TOKEN CHECKS SRC COUNT\n");
	return 2;
}
