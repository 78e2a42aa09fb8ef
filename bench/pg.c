/* bench/pg: durable settlements per second on PostgreSQL, and pgbench's
 * TPC-B-like transactions per second on the same server, in one run.
 *
 *   build/bench/pg --db URL [--persons N] [--seconds S] [--rounds R] [--clients C]
 *                  [--pgbench-scale K] [--seed S] [--keep]
 *   make bench-pg      (a throwaway server from tests/pg/pg_env.sh)
 *
 * URL names a server (postgresql://...; its database is only used to
 * connect). The bench makes two fresh databases on it, so that both
 * workloads meet the same server, settings and disk:
 *  1. yb_bench_<pid>: 32 institutions and N employees (insutype 310, in
 *     service or retired, with personal accounts; a fifth bound to one or
 *     two others by family mutual aid), loaded through yb_ledger_load_files;
 *     then C client threads (default 8) call yb_ledger_settle for S seconds
 *     each, one after the other: a random person and institution, an
 *     outpatient visit in 2024 using the account, 5 fee lines from
 *     policies/340600.catalogue.json, a unique msgid - bench/ledger's
 *     workload. The store runs as it ships (8 writer connections, group
 *     commit, synchronous_commit on): a call returns after its commit is
 *     on disk. yb_ledger_check verifies the books afterwards.
 *  2. yb_pgbench_<pid>: `pgbench -i -s K` (K = 1 by default: the standard
 *     initialisation) then `pgbench -c C -j 2 -T S` (TPC-B-like: three
 *     UPDATEs, a SELECT and an INSERT per transaction).
 * The two alternate, R rounds of S seconds each (default 2 x 20 s), so
 * that a busy machine weighs on both alike. It prints both rates and their
 * ratio (target: ours >= pgbench's), the CPU each costs the server per
 * operation (when the server runs on this machine: the postgres processes'
 * CPU time from /proc, a figure that other load does not skew), the
 * machine and the server's durability settings, and drops both databases
 * (--keep leaves them).
 *
 * Exit status: 0, 1 when a settlement failed or the books do not check, 2
 * on a setup error. The target is reported, not enforced. */
#define _GNU_SOURCE
#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/engine.h"
#include "yibao/error.h"
#include "yibao/policy.h"
#include "yibao/ledger.h"
#include "yibao/store.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINES 5
#define N_INST 32
#define MAX_CLIENTS 64
#define MAX_CODES 256
#define LAT_CAP 4000000

/* ---------------------------------------------------------------- random */

static uint64_t rnd(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int64_t rnd_in(uint64_t *s, int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(rnd(s) % (uint64_t)(hi - lo + 1));
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench/pg: %s: %s\n", what, yb_error_msg());
	exit(2);
}

static const char *grouped(char *buf, double v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%.0f", v), i, o = 0;

	for (i = 0; i < len; i++) {
		if (i && tmp[i - 1] != '-' && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

static void cpu_model(char *out, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, n, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon && !strncmp(line, "model name", 10)) {
			char *s = colon + 1;
			while (*s == ' ' || *s == '\t')
				s++;
			snprintf(out, n, "%.*s", (int)strcspn(s, "\n"), s);
			break;
		}
	}
	fclose(f);
}

/* CPU seconds used so far by every process named "postgres" on this
 * machine (the server, when it runs here): what a workload costs the
 * server, whatever else the machine is doing. 0 if none is visible. */
static double server_cpu(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	double ticks = (double)sysconf(_SC_CLK_TCK), sum = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], buf[1024], *p;
		unsigned long long ut, st, cut, cst;
		FILE *f;
		size_t n;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* pid (comm) state ppid ... 14 utime, 15 stime, 16 cutime,
		 * 17 cstime: a backend that exits leaves its time in the
		 * postmaster's cutime, so the sum only grows */
		if (!strstr(buf, "(postgres)") || !(p = strrchr(buf, ')')))
			continue;
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
			   &ut, &st, &cut, &cst) == 4)
			sum += (double)(ut + st + cut + cst) / ticks;
	}
	closedir(d);
	return sum;
}

/* ------------------------------------------------------------ the server */

/* url with its database replaced by db (and yibao's writers=N dropped for
 * other programs when strip is set). */
static void url_with_db(char *out, size_t n, const char *url, const char *db, int strip)
{
	const char *scheme = strstr(url, "://"), *path, *query;
	size_t o;

	if (!scheme) {
		snprintf(out, n, "%s", url);
		return;
	}
	path = scheme + 3 + strcspn(scheme + 3, "/?");
	query = strchr(path, '?');
	o = (size_t)snprintf(out, n, "%.*s/%s", (int)(path - url), url, db);
	if (query && o < n) {
		const char *p = query + 1;
		char sep = '?';
		while (*p && o < n) {
			size_t len = strcspn(p, "&");
			if (!(strip && strncmp(p, "writers=", 8) == 0)) {
				o += (size_t)snprintf(out + o, n - o, "%c%.*s", sep, (int)len, p);
				sep = '&';
			}
			p += len + (p[len] == '&');
		}
	}
}

static PGconn *pg_connect(const char *url)
{
	char u[4096];
	PGconn *c;

	url_with_db(u, sizeof(u), url, "postgres", 1);
	c = PQconnectdb(u);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench/pg: cannot connect to %s: %s", u, PQerrorMessage(c));
		exit(2);
	}
	return c;
}

static void pg_exec(PGconn *c, const char *sql, char *out, size_t n)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench/pg: %s: %s", sql, PQresultErrorMessage(r));
		exit(2);
	}
	if (out)
		snprintf(out, n, "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
}

/* pgbench of the server's version, else of another version, else PATH */
static void find_pgbench(char *out, size_t n, int server_major)
{
	const char *env = getenv("PGBENCH");
	int v;

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return;
	}
	snprintf(out, n, "/usr/lib/postgresql/%d/bin/pgbench", server_major);
	if (access(out, X_OK) == 0)
		return;
	for (v = 20; v >= 10; v--) {
		snprintf(out, n, "/usr/lib/postgresql/%d/bin/pgbench", v);
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, n, "pgbench");
}

/* Runs argv, collecting its stdout and stderr into out. Returns the exit
 * status (-1 if it could not run). No shell: URLs keep their & and ?. */
static int run_capture(char *const argv[], yb_buf *out)
{
	int fd[2], status = -1;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) > 0)
		yb_buf_put(out, buf, (size_t)n);
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ------------------------------------------------------------- the data */

typedef struct code {
	const char *codg;
	int64_t cap;
} code;

static char inst_codes[N_INST][16];
static code codes[MAX_CODES];
static size_t n_codes, n_persons;

static void psn_no_of(char *buf, size_t n, size_t i)
{
	snprintf(buf, n, "P34060%010zu", i);
}

static long write_people(const char *path, size_t n, uint64_t seed, long *n_bound)
{
	FILE *f = fopen(path, "w");
	uint64_t s = seed;
	char no[32], no2[32];
	size_t i;
	long bound = 0;

	if (!f)
		return -1;
	for (i = 0; i < N_INST; i++)
		fprintf(f, "{\"kind\":\"fixmedins\",\"fixmedins_code\":\"%s\",\"fixmedins_name\":\"Bench hospital %zu\","
			"\"fixmedins_type\":\"1\",\"hosp_lv\":\"%zu\",\"prim_flag\":\"%d\",\"admdvs\":\"%s\"}\n",
			inst_codes[i], i, 1 + i % 3, i % 3 == 0, i % 2 ? "340602" : "340603");
	for (i = 0; i < n; i++) {
		int retired = rnd_in(&s, 0, 99) < 30;
		int y = retired ? (int)rnd_in(&s, 1940, 1964) : (int)rnd_in(&s, 1965, 2002);
		psn_no_of(no, sizeof(no), i);
		fprintf(f, "{\"kind\":\"psn\",\"psn_no\":\"%s\",\"certno\":\"34060%04d%02d%02d%05zu\","
			"\"psn_name\":\"Bench %zu\",\"gend\":\"%d\",\"brdy\":\"%04d-%02d-%02d\",\"insutype\":\"310\","
			"\"psn_type\":\"%s\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\","
			"\"enddate\":\"2024-12-31\",\"acct_balc\":%d.%02d}\n",
			no, y, (int)rnd_in(&s, 1, 12), (int)rnd_in(&s, 1, 28), i % 100000, i,
			(int)rnd_in(&s, 1, 2), y, (int)rnd_in(&s, 1, 12), (int)rnd_in(&s, 1, 28),
			retired ? "1201" : "1101", (int)rnd_in(&s, 0, 3000), (int)rnd_in(&s, 0, 99));
	}
	for (i = 0; i + 2 < n; i += 5) {
		psn_no_of(no, sizeof(no), i);
		psn_no_of(no2, sizeof(no2), i + 1);
		fprintf(f, "{\"kind\":\"mulaid\",\"initiator_psn_no\":\"%s\",\"bound_psn_no\":\"%s\","
			"\"bind_time\":\"2024-01-05 10:00:00\"}\n", no2, no);
		bound++;
		if (i % 10 == 0) {
			psn_no_of(no2, sizeof(no2), i + 2);
			fprintf(f, "{\"kind\":\"mulaid\",\"initiator_psn_no\":\"%s\",\"bound_psn_no\":\"%s\","
				"\"bind_time\":\"2024-02-01 09:30:00\"}\n", no2, no);
			bound++;
		}
	}
	*n_bound = bound;
	if (fclose(f) != 0)
		return -1;
	return (long)(N_INST + n + (size_t)bound);
}

static void load_codes(yb_catalogue **cat)
{
	size_t i;

	if (yb_catalogue_load(cat, "policies/340600.catalogue.json", NULL) < 0)
		die("policies/340600.catalogue.json (run from the repository root)");
	for (i = 0; i < yb_catalogue_count(*cat) && n_codes < MAX_CODES; i++) {
		const yb_cat_item *it = yb_catalogue_at(*cat, i);
		if (it->begndate > yb_date_from_ymd(2024, 1, 1) || it->enddate < yb_date_from_ymd(2024, 12, 31))
			continue;
		codes[n_codes].codg = it->med_list_codg;
		codes[n_codes].cap = it->pric_uplmt > 0 && it->pric_uplmt < 500000000 ? it->pric_uplmt : 200000000;
		n_codes++;
	}
	if (!n_codes) {
		fprintf(stderr, "bench/pg: no catalogue item valid in 2024\n");
		exit(2);
	}
}

/* ------------------------------------------------------------- clients */

typedef struct run_state {
	yb_ledger *l;
	double deadline;
	atomic_int go;
	atomic_long lat_n;
	float *lat;
	int run_no;
} run_state;

typedef struct client {
	pthread_t th;
	run_state *rs;
	int id;
	uint64_t rng;
	long ok, refused, errors;
	char first_error[256];
} client;

static void *client_main(void *arg)
{
	client *c = arg;
	run_state *rs = c->rs;
	yb_feeline_in lines[LINES];
	yb_settle_req req;
	yb_settle_inline inl;
	yb_ledger_msg m;
	yb_buf out = YB_BUF_INIT;
	char msgid[YB_ID_MAX], mdtrt_id[YB_ID_MAX], psn_no[32];
	long seq = 0;
	int k;

	while (!atomic_load(&rs->go))
		;
	while (now() < rs->deadline) {
		size_t p = (size_t)(rnd(&c->rng) % n_persons);
		int day = (int)rnd_in(&c->rng, 0, 365);
		double t;
		int rc;

		psn_no_of(psn_no, sizeof(psn_no), p);
		snprintf(msgid, sizeof(msgid), "B%d-%d-%ld", rs->run_no, c->id, seq);
		snprintf(mdtrt_id, sizeof(mdtrt_id), "M%d-%d-%ld", rs->run_no, c->id, seq);
		seq++;
		memset(&req, 0, sizeof(req));
		memset(&inl, 0, sizeof(inl));
		memset(&m, 0, sizeof(m));
		m.msgid = msgid;
		m.fixmedins_code = inst_codes[rnd(&c->rng) % N_INST];
		req.psn_no = psn_no;
		req.inl = &inl;
		inl.visit.mdtrt_id = mdtrt_id;
		inl.visit.med_type = 11;
		inl.visit.begntime = (yb_datetime)(yb_date_from_ymd(2024, 1, 1) + day) * 86400 +
				     rnd_in(&c->rng, 8 * 3600, 17 * 3600);
		inl.visit.acct_used = 1;
		inl.visit.dise_codg = "J06.900";
		memset(lines, 0, sizeof(lines));
		for (k = 0; k < LINES; k++) {
			static const char *const sn[LINES] = {"1", "2", "3", "4", "5"};
			const code *cd = &codes[rnd(&c->rng) % n_codes];
			yb_feeline *l = &lines[k].line;
			int64_t units = rnd_in(&c->rng, 1, 3);
			int64_t pric_fen = (cd->cap / 10000) * rnd_in(&c->rng, 50, 110) / 100;
			if (pric_fen < 1)
				pric_fen = 1;
			l->feedetl_sn = sn[k];
			l->med_list_codg = cd->codg;
			l->cnt = units * 10000;
			l->pric = pric_fen * 10000;
			l->sumamt = pric_fen * units;
		}
		inl.lines = lines;
		inl.n_lines = LINES;
		yb_buf_clear(&out);
		t = now();
		rc = yb_ledger_settle(rs->l, &m, &req, &out);
		t = now() - t;
		if (rc == 0) {
			long i = atomic_fetch_add(&rs->lat_n, 1);
			c->ok++;
			if (i < LAT_CAP)
				rs->lat[i] = (float)t;
		} else {
			if (rc == YB_EREFUSED)
				c->refused++;
			else
				c->errors++;
			if (!c->first_error[0])
				snprintf(c->first_error, sizeof(c->first_error), "%s", yb_error_msg());
		}
	}
	yb_buf_free(&out);
	return NULL;
}

typedef struct run_result {
	int clients;
	double secs;
	long ok, refused, errors;
	uint64_t commits;
	double p50, p99, cpu;
	char first_error[256];
} run_result;

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void run(yb_ledger *l, int n_clients, double secs, uint64_t seed, int run_no, run_result *r)
{
	static client cl[MAX_CLIENTS];
	yb_store_stats s0, s1;
	run_state rs;
	double t0, cpu0;
	long n;
	int i;

	memset(&rs, 0, sizeof(rs));
	memset(r, 0, sizeof(*r));
	rs.l = l;
	rs.run_no = run_no;
	if (!(rs.lat = malloc(LAT_CAP * sizeof(float)))) {
		fprintf(stderr, "bench/pg: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n_clients; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].rs = &rs;
		cl[i].id = i;
		cl[i].rng = seed * 1000003u + (uint64_t)run_no * 7919u + (uint64_t)i;
		if (pthread_create(&cl[i].th, NULL, client_main, &cl[i]) != 0) {
			fprintf(stderr, "bench/pg: cannot start a client thread\n");
			exit(2);
		}
	}
	yb_store_get_stats(yb_ledger_store(l), &s0);
	cpu0 = cpu_seconds();
	t0 = now();
	rs.deadline = t0 + secs;
	atomic_store(&rs.go, 1);
	for (i = 0; i < n_clients; i++)
		pthread_join(cl[i].th, NULL);
	r->secs = now() - t0;
	r->cpu = cpu_seconds() - cpu0;
	yb_store_get_stats(yb_ledger_store(l), &s1);
	r->clients = n_clients;
	r->commits = s1.commits - s0.commits;
	for (i = 0; i < n_clients; i++) {
		r->ok += cl[i].ok;
		r->refused += cl[i].refused;
		r->errors += cl[i].errors;
		if (!r->first_error[0] && cl[i].first_error[0])
			snprintf(r->first_error, sizeof(r->first_error), "%s", cl[i].first_error);
	}
	n = atomic_load(&rs.lat_n);
	if (n > LAT_CAP)
		n = LAT_CAP;
	if (n > 0) {
		qsort(rs.lat, (size_t)n, sizeof(float), cmp_float);
		r->p50 = rs.lat[n / 2];
		r->p99 = rs.lat[(size_t)((double)n * 0.99)];
	}
	free(rs.lat);
}

/* ----------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: pg --db URL [--persons N] [--seconds S] [--rounds R] [--clients C]\n"
			"          [--pgbench-scale K] [--seed S] [--keep]\n");
	exit(2);
}

/* One pgbench run: its tps, and the CPU seconds pgbench itself used. */
static double run_pgbench(char *const argv[], yb_buf *out, double *client_cpu)
{
	struct rusage r0, r1;
	const char *tps;

	getrusage(RUSAGE_CHILDREN, &r0);
	yb_buf_clear(out);
	if (run_capture(argv, out) != 0 || !out->ptr || !(tps = strstr(out->ptr, "tps = ")))
		return -1;
	getrusage(RUSAGE_CHILDREN, &r1);
	*client_cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
		      (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) * 1e-6 +
		      (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		      (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) * 1e-6;
	return strtod(tps + 6, NULL);
}

int main(int argc, char **argv)
{
	const char *url = getenv("YIBAO_PG_URL");
	unsigned long long persons = 20000, seed = 1;
	double secs = 20, t, load_s, s0;
	double y_ok = 0, y_secs = 0, y_srv = 0, y_cpu = 0, p_tps = 0, p_srv = 0, p_cpu = 0, p_n = 0;
	double ours, theirs;
	int clients = 8, scale = 1, rounds = 2, keep = 0, bad = 0, i, major, round;
	char db_ours[64], db_pgb[64], u_ours[4096], u_pgb[4096], sql[160], jsonl[256];
	char cpu[256], b1[48], b2[48], ver[64], fsync_s[16], sync_s[16], walsync[32], shared[32];
	char pgbench[256], cmd_c[8], cmd_t[16], cmd_s[16];
	yb_catalogue *cat = NULL;
	yb_ledger *l = NULL;
	yb_buf report = YB_BUF_INIT, pgout = YB_BUF_INIT;
	run_result res;
	struct utsname un;
	long n_lines, n_bound, violations = 0;
	uint64_t commits = 0;
	PGconn *admin;
	int fd;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			url = argv[++i];
		else if (!strcmp(argv[i], "--persons") && i + 1 < argc)
			persons = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			secs = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--pgbench-scale") && i + 1 < argc)
			scale = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
			clients = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else
			usage();
	}
	if (!url || (strncmp(url, "postgresql://", 13) && strncmp(url, "postgres://", 11)) ||
	    persons < 10 || persons > 100000000 || secs < 1 || rounds < 1 || rounds > 20 || scale < 1 ||
	    clients < 1 || clients > MAX_CLIENTS)
		usage();
	n_persons = (size_t)persons;
	for (i = 0; i < N_INST; i++)
		snprintf(inst_codes[i], sizeof(inst_codes[i]), "H34060%06d", i + 1);
	load_codes(&cat);

	/* the server */
	admin = pg_connect(url);
	pg_exec(admin, "SHOW server_version", ver, sizeof(ver));
	pg_exec(admin, "SHOW fsync", fsync_s, sizeof(fsync_s));
	pg_exec(admin, "SHOW synchronous_commit", sync_s, sizeof(sync_s));
	pg_exec(admin, "SHOW wal_sync_method", walsync, sizeof(walsync));
	pg_exec(admin, "SHOW shared_buffers", shared, sizeof(shared));
	major = PQserverVersion(admin) / 10000;
	snprintf(db_ours, sizeof(db_ours), "yb_bench_%ld", (long)getpid());
	snprintf(db_pgb, sizeof(db_pgb), "yb_pgbench_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db_ours);
	pg_exec(admin, sql, NULL, 0);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db_pgb);
	pg_exec(admin, sql, NULL, 0);
	url_with_db(u_ours, sizeof(u_ours), url, db_ours, 0);
	url_with_db(u_pgb, sizeof(u_pgb), url, db_pgb, 1);

	cpu_model(cpu, sizeof(cpu));
	uname(&un);
	printf("yibao bench/pg\n");
	printf("machine   : %s, %ld cores online; %s %s (clients, yibao and the server on it)\n",
	       cpu, sysconf(_SC_NPROCESSORS_ONLN), un.sysname, un.release);
	printf("server    : PostgreSQL %s; fsync=%s, synchronous_commit=%s (yibao forces on), "
	       "wal_sync_method=%s, shared_buffers=%s%s\n", ver, fsync_s, sync_s, walsync, shared,
	       server_cpu() > 0 ? "; its CPU is measured (it runs here)" : "");
	fflush(stdout);

	/* load ours, initialise pgbench's */
	snprintf(jsonl, sizeof(jsonl), "%s/yibao-bench-pg-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(jsonl)) < 0) {
		fprintf(stderr, "bench/pg: cannot make a temporary file\n");
		return 2;
	}
	close(fd);
	if ((n_lines = write_people(jsonl, n_persons, seed, &n_bound)) < 0) {
		fprintf(stderr, "bench/pg: %s: cannot write\n", jsonl);
		return 2;
	}
	t = now();
	if (yb_ledger_open(&l, u_ours) < 0)
		die(u_ours);
	{
		char *files[1] = {jsonl};
		if (yb_ledger_load_files(l, files, 1, &report) < 0)
			die("load");
	}
	load_s = now() - t;
	unlink(jsonl);
	printf("load      : %s persons, %d institutions, %ld bindings in %.2f s (%s lines/s)\n",
	       grouped(b1, (double)n_persons), N_INST, n_bound, load_s, grouped(b2, (double)n_lines / load_s));
	find_pgbench(pgbench, sizeof(pgbench), major);
	snprintf(cmd_s, sizeof(cmd_s), "%d", scale);
	snprintf(cmd_c, sizeof(cmd_c), "%d", clients);
	snprintf(cmd_t, sizeof(cmd_t), "%.0f", secs);
	{
		char *init[] = {pgbench, "-i", "-q", "-s", cmd_s, u_pgb, NULL};
		if (run_capture(init, &pgout) != 0) {
			fprintf(stderr, "bench/pg: %s -i failed:\n%s\n", pgbench, pgout.ptr ? pgout.ptr : "");
			bad = 2;
			goto done;
		}
	}
	printf("workload  : yibao: outpatient visits in 2024, account used, %d fee lines from %zu catalogue"
	       " items, a random person and institution each, yb_ledger_settle from %d threads;\n"
	       "            pgbench: TPC-B-like (pgbench -i -s %d; pgbench -c %d -j 2 -T %.0f);\n"
	       "            %d round%s of %.0f s each, alternating, after 2 s of warm-up\n",
	       LINES, n_codes, clients, scale, clients, secs, rounds, rounds == 1 ? "" : "s", secs);
	fflush(stdout);
	run(l, clients, 2, seed, 0, &res); /* warm-up: connections, caches */

	for (round = 1; round <= rounds; round++) {
		char *bench[] = {pgbench, "-c", cmd_c, "-j", "2", "-T", cmd_t, u_pgb, NULL};
		double tps, pcpu = 0;

		s0 = server_cpu();
		run(l, clients, secs, seed, round, &res);
		y_srv += server_cpu() - s0;
		y_ok += (double)res.ok;
		y_secs += res.secs;
		y_cpu += res.cpu;
		commits += res.commits;
		printf("round %d   : yibao %s settlements/s (%ld, %.2f a commit; p50 %.2f ms p99 %.2f ms)",
		       round, grouped(b1, (double)res.ok / res.secs), res.ok,
		       res.commits ? (double)res.ok / (double)res.commits : 0.0, res.p50 * 1e3, res.p99 * 1e3);
		if (res.refused || res.errors) {
			printf("; %ld refused, %ld failed (first: %s)", res.refused, res.errors, res.first_error);
			bad = 1;
		}
		fflush(stdout);
		s0 = server_cpu();
		if ((tps = run_pgbench(bench, &pgout, &pcpu)) < 0) {
			fprintf(stderr, "\nbench/pg: %s failed:\n%s\n", pgbench, pgout.ptr ? pgout.ptr : "");
			bad = 2;
			goto done;
		}
		p_srv += server_cpu() - s0;
		p_tps += tps;
		p_cpu += pcpu;
		p_n += tps * secs;
		printf("; pgbench %s tps\n", grouped(b1, tps));
		fflush(stdout);
	}
	ours = y_ok / y_secs;
	theirs = p_tps / rounds;

	yb_buf_clear(&report);
	t = now();
	if (yb_ledger_check(l, &report, &violations) < 0)
		die("check");
	printf("check     : %.*s in %.1f s\n", (int)strcspn(report.ptr, "\n"), report.ptr, now() - t);
	if (violations) {
		printf("%s", report.ptr);
		bad = 1;
	}
	printf("yibao     : %s durable settlements/s (%d clients; %.2f settlements a commit); CPU per settlement:"
	       " server %.0f us, yibao %.0f us\n", grouped(b1, ours), clients,
	       commits ? y_ok / (double)commits : 0.0, y_ok ? y_srv / y_ok * 1e6 : 0.0, y_ok ? y_cpu / y_ok * 1e6 : 0.0);
	printf("pgbench   : %s TPC-B-like transactions/s (%d clients, scale %d); CPU per transaction:"
	       " server %.0f us, pgbench %.0f us\n", grouped(b2, theirs), clients, scale,
	       p_n ? p_srv / p_n * 1e6 : 0.0, p_n ? p_cpu / p_n * 1e6 : 0.0);
	printf("ratio     : %.2f settlements per pgbench transaction (target >= 1: %s)\n",
	       theirs > 0 ? ours / theirs : 0.0, theirs > 0 && ours >= theirs ? "met" : "NOT met");
	if (bad)
		printf("result    : FAILED (see above)\n");
done:
	yb_ledger_close(l);
	if (!keep) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db_ours);
		pg_exec(admin, sql, NULL, 0);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db_pgb);
		pg_exec(admin, sql, NULL, 0);
	} else {
		printf("kept      : databases %s and %s\n", db_ours, db_pgb);
	}
	PQfinish(admin);
	yb_catalogue_free(cat);
	yb_buf_free(&report);
	yb_buf_free(&pgout);
	return bad;
}
