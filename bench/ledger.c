/* bench/ledger: durable settlements per second through the store.
 *
 *   build/bench/ledger [--persons N] [--seconds S] [--clients 1,2,8]
 *                      [--naive-clients C] [--dir DIR] [--seed S] [--keep]
 *                      [--rules DIR]
 *
 * Creates a fresh SQLite database in a new directory under DIR (default
 * $TMPDIR or /var/tmp: it must be on the real disk, not tmpfs, or the
 * figures mean nothing), writes a JSON-lines file of 32 institutions and N
 * employees (insutype 310, in service or retired, with personal accounts; a
 * fifth bound to one or two other employees' accounts by family mutual aid)
 * and loads it through yb_ledger_load_files, timed.
 *
 * Then, for each client count, that many threads call yb_ledger_settle for
 * S seconds each, one settlement after the other: a random person, a random
 * institution, an outpatient visit (med_type 11) in 2024 using the account,
 * 5 fee lines with codes from policies/340600.catalogue.json, a unique
 * msgid. The store runs as it ships (synchronous=FULL, group commit; every
 * call returns only after its commit is on disk). Its counters give the
 * commits, hence settlements per commit (per fsync of the WAL).
 *
 * In the same run: the disk's own fsync rate (write + fdatasync of 4 KiB at
 * one offset of a file in the same directory, for 2 s), and the naive way:
 * the same store with groups capped at one settlement
 * (yb_store_set_max_group(st, 1): one transaction, one fsync each), with
 * --naive-clients threads.
 *
 * --rules DIR: every settlement is also judged by the supervision rules of
 * DIR (docs/rules.md) inside its unit, and their history rows written;
 * without it the ledger runs with no rules (as $YIBAO_RULES_DIR=none).
 *
 * At the end yb_ledger_check verifies every invariant over the whole store;
 * the bench fails (exit 1) on any violation or failed settlement. The target
 * (>= 20,000 durable settlements/s with 8 clients) is reported, not enforced.
 */
#define _GNU_SOURCE
#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/engine.h"
#include "yibao/error.h"
#include "yibao/policy.h"
#include "yibao/ledger.h"
#include "yibao/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define TARGET_PER_S 20000.0
#define TARGET_CLIENTS 8
#define LINES 5
#define N_INST 32
#define MAX_CLIENTS 64
#define MAX_CODES 256
#define LAT_CAP 4000000 /* latencies kept per run (all threads) */

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

static const char *work_dir; /* removed on a failure too, unless --keep */
static void rm_dir(const char *dir);

static void die(const char *what)
{
	fprintf(stderr, "bench/ledger: %s: %s\n", what, yb_error_msg());
	if (work_dir)
		rm_dir(work_dir);
	exit(2);
}

/* 1234567 -> "1,234,567" */
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

/* ------------------------------------------------------------- machine */

static void cpu_model(char *out, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, n, "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Processor", 9) ||
			      !strncmp(line, "cpu model", 9))) {
			char *s = colon + 1;
			while (*s == ' ' || *s == '\t')
				s++;
			snprintf(out, n, "%.*s", (int)strcspn(s, "\n"), s);
			break;
		}
	}
	fclose(f);
}

static const char *fs_name(const char *dir, int *is_tmpfs)
{
	struct statfs sf;

	*is_tmpfs = 0;
	if (statfs(dir, &sf) != 0)
		return "unknown filesystem";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53: return "ext2/3/4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x01021994: *is_tmpfs = 1; return "tmpfs (NOT a disk: figures are meaningless)";
	case 0x794c7630: return "overlayfs";
	case 0x2fc12fc1: return "zfs";
	default: return "other filesystem";
	}
}

/* The disk's own rate of small durable writes: write 4 KiB at offset 0
 * and fdatasync, in a loop, for `secs` seconds. */
static double fsync_rate(const char *dir, double secs)
{
	char path[4200], block[4096];
	double t0, t = 0;
	long n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/fsync-probe", dir);
	memset(block, 'y', sizeof(block));
	if ((fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600)) < 0)
		return 0;
	/* allocate the block first so the loop measures data flushes only */
	if (pwrite(fd, block, sizeof(block), 0) != (ssize_t)sizeof(block) || fsync(fd) != 0) {
		close(fd);
		return 0;
	}
	t0 = now();
	do {
		block[n % sizeof(block)]++;
		if (pwrite(fd, block, sizeof(block), 0) != (ssize_t)sizeof(block) || fdatasync(fd) != 0)
			break;
		n++;
	} while ((t = now() - t0) < secs);
	close(fd);
	unlink(path);
	return t > 0 ? (double)n / t : 0;
}

/* ------------------------------------------------------------- the data */

typedef struct code {
	const char *codg;
	int64_t cap; /* scale 6, or a default when there is none */
} code;

static char *inst_codes[N_INST];
static code codes[MAX_CODES];
static size_t n_codes;
static size_t n_persons;

static void psn_no_of(char *buf, size_t n, size_t i)
{
	snprintf(buf, n, "P34060%010zu", i);
}

/* Writes the JSON lines to load: institutions, persons, then bindings. */
static long write_people(const char *path, size_t n, uint64_t seed, long *n_bound)
{
	FILE *f = fopen(path, "w");
	uint64_t s = seed;
	char no[32], no2[32];
	size_t i;
	long bound = 0;

	if (!f)
		return -1;
	for (i = 0; i < N_INST; i++) {
		fprintf(f, "{\"kind\":\"fixmedins\",\"fixmedins_code\":\"%s\",\"fixmedins_name\":\"Bench hospital %zu\","
			"\"fixmedins_type\":\"1\",\"hosp_lv\":\"%zu\",\"prim_flag\":\"%d\",\"admdvs\":\"%s\"}\n",
			inst_codes[i], i, 1 + i % 3, i % 3 == 0, i % 2 ? "340602" : "340603");
	}
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
	/* a fifth of the persons are bound to the next one's account, half of
	 * those also to the one after (each initiator binds at most two) */
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
		/* items valid all through 2024 */
		if (it->begndate > yb_date_from_ymd(2024, 1, 1) || it->enddate < yb_date_from_ymd(2024, 12, 31))
			continue;
		codes[n_codes].codg = it->med_list_codg;
		codes[n_codes].cap = it->pric_uplmt > 0 && it->pric_uplmt < 500000000 ? it->pric_uplmt : 200000000;
		n_codes++;
	}
	if (n_codes == 0) {
		fprintf(stderr, "bench/ledger: no catalogue item valid in 2024\n");
		exit(2);
	}
}

/* ------------------------------------------------------------- clients */

typedef struct run_state {
	yb_ledger *l;
	double deadline;
	atomic_int go;
	atomic_long lat_n;
	float *lat;          /* seconds, LAT_CAP */
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
			/* a price near the item's cap, in fen; sometimes above it */
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
	double p50, p99;
	double cpu;          /* user + system seconds of the whole process */
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
	run_state rs;
	double cpu0;
	yb_store_stats s0, s1;
	double t0;
	long n;
	int i;

	memset(&rs, 0, sizeof(rs));
	memset(r, 0, sizeof(*r));
	rs.l = l;
	rs.run_no = run_no;
	if (!(rs.lat = malloc(LAT_CAP * sizeof(float)))) {
		fprintf(stderr, "bench/ledger: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n_clients; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].rs = &rs;
		cl[i].id = i;
		cl[i].rng = seed * 1000003u + (uint64_t)run_no * 7919u + (uint64_t)i;
		if (pthread_create(&cl[i].th, NULL, client_main, &cl[i]) != 0) {
			fprintf(stderr, "bench/ledger: cannot start a client thread\n");
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

static void print_run(const char *label, const run_result *r)
{
	char b1[48], b2[48];
	double rate = (double)r->ok / r->secs;

	printf("%-10s: %2d client%s %s settlements/s (%ld in %.1f s), %s commits/s, "
	       "%.2f settlements per fsync, latency p50 %.2f ms p99 %.2f ms, CPU %.0f us/settlement",
	       label, r->clients, r->clients == 1 ? " " : "s", grouped(b1, rate), r->ok, r->secs,
	       grouped(b2, (double)r->commits / r->secs),
	       r->commits ? (double)r->ok / (double)r->commits : 0.0, r->p50 * 1e3, r->p99 * 1e3,
	       r->ok ? r->cpu / (double)r->ok * 1e6 : 0.0);
	if (r->refused || r->errors)
		printf("; %ld refused, %ld failed (first: %s)", r->refused, r->errors, r->first_error);
	printf("\n");
	fflush(stdout);
}

/* ----------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: ledger [--persons N] [--seconds S] [--clients 1,2,8] [--naive-clients C]\n"
			"              [--dir DIR] [--seed S] [--keep] [--rules DIR]\n");
	exit(2);
}

static void rm_dir(const char *dir)
{
	static const char *const files[] = {"ledger.db", "ledger.db-wal", "ledger.db-shm", "people.jsonl"};
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static long file_size(const char *dir, const char *name)
{
	char path[4200];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	unsigned long long persons = 100000, seed = 1;
	const char *rules = NULL;
	double secs = 5;
	int clients[16] = {1, 2, 8}, n_runs = 3, naive_clients = 8, keep = 0, tmpfs, bad = 0, i;
	char dir[4096], db[4200], jsonl[4200], cpu[256], b1[48], b2[48];
	yb_catalogue *cat = NULL;
	yb_ledger *l = NULL;
	yb_buf report = YB_BUF_INIT;
	run_result res[16], naive, *at_target = NULL;
	struct utsname un;
	double t, disk, load_s;
	long n_lines, n_bound, violations = 0;

	if (!base || !*base)
		base = "/var/tmp";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--persons") && i + 1 < argc)
			persons = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			secs = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--naive-clients") && i + 1 < argc)
			naive_clients = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			base = argv[++i];
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			rules = argv[++i];
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc) {
			char *p = argv[++i], *end;
			for (n_runs = 0; *p && n_runs < 16; p = *end ? end + 1 : end) {
				clients[n_runs++] = (int)strtol(p, &end, 10);
				if (end == p || clients[n_runs - 1] < 1 || clients[n_runs - 1] > MAX_CLIENTS)
					usage();
			}
		} else
			usage();
	}
	if (persons < 10 || persons > 100000000 || secs <= 0 || naive_clients < 0 || naive_clients > MAX_CLIENTS)
		usage();
	n_persons = (size_t)persons;

	snprintf(dir, sizeof(dir), "%s/yibao-bench-ledger-XXXXXX", base);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench/ledger: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	if (!keep)
		work_dir = dir;
	snprintf(db, sizeof(db), "%s/ledger.db", dir);
	snprintf(jsonl, sizeof(jsonl), "%s/people.jsonl", dir);
	for (i = 0; i < N_INST; i++) {
		inst_codes[i] = malloc(16);
		snprintf(inst_codes[i], 16, "H34060%06d", i + 1);
	}
	load_codes(&cat);

	cpu_model(cpu, sizeof(cpu));
	uname(&un);
	printf("yibao bench/ledger\n");
	printf("machine   : %s, %ld cores online; %s %s\n", cpu, sysconf(_SC_NPROCESSORS_ONLN),
	       un.sysname, un.release);
	printf("database  : %s (%s), SQLite WAL, synchronous=FULL, group commit\n", db, fs_name(dir, &tmpfs));
	fflush(stdout);

	/* 1. the disk alone */
	disk = fsync_rate(dir, 2.0);
	printf("disk      : %s fsyncs/s (write 4 KiB + fdatasync, one file, 2 s)\n", grouped(b1, disk));
	fflush(stdout);

	/* 2. load */
	if ((n_lines = write_people(jsonl, n_persons, seed, &n_bound)) < 0) {
		fprintf(stderr, "bench/ledger: %s: cannot write\n", jsonl);
		if (work_dir)
			rm_dir(work_dir);
		return 2;
	}
	t = now();
	if (yb_ledger_open(&l, db) < 0 || yb_ledger_set_rules(l, rules) < 0)
		die(db);
	printf("rules     : %s\n", rules ? rules : "none");
	{
		char *files[1] = {jsonl};
		if (yb_ledger_load_files(l, files, 1, &report) < 0)
			die("load");
	}
	load_s = now() - t;
	printf("load      : %s persons, %d institutions, %ld bindings in %.2f s "
	       "(yb_ledger_open + yb_ledger_load_files, one transaction; %s lines/s)\n",
	       grouped(b1, (double)n_persons), N_INST, n_bound, load_s, grouped(b2, (double)n_lines / load_s));
	printf("workload  : outpatient visits (med_type 11) in 2024, account used, %d fee lines each "
	       "from %zu catalogue items, a random person and institution each; %.0f s a run\n",
	       LINES, n_codes, secs);
	fflush(stdout);

	/* 3. grouped, as shipped */
	for (i = 0; i < n_runs; i++) {
		run(l, clients[i], secs, seed, i, &res[i]);
		print_run("grouped", &res[i]);
		bad |= res[i].errors > 0 || res[i].refused > 0;
		if (clients[i] == TARGET_CLIENTS)
			at_target = &res[i];
	}

	/* 4. the naive way: one transaction (one fsync) per settlement */
	if (naive_clients > 0) {
		yb_store_set_max_group(yb_ledger_store(l), 1);
		run(l, naive_clients, secs, seed, n_runs, &naive);
		yb_store_set_max_group(yb_ledger_store(l), 1 << 30);
		print_run("naive", &naive);
		bad |= naive.errors > 0 || naive.refused > 0;
	}

	/* 5. the books */
	yb_buf_clear(&report);
	t = now();
	if (yb_ledger_check(l, &report, &violations) < 0)
		die("check");
	printf("check     : %.*s in %.1f s; database %s MB, WAL %s MB\n",
	       (int)strcspn(report.ptr, "\n"), report.ptr, now() - t,
	       grouped(b1, (double)file_size(dir, "ledger.db") / 1e6),
	       grouped(b2, (double)file_size(dir, "ledger.db-wal") / 1e6));
	if (violations) {
		printf("%s", report.ptr);
		bad = 1;
	}

	printf("summary   :");
	for (i = 0; i < n_runs; i++)
		printf(" %d client%s %s/s;", res[i].clients, res[i].clients == 1 ? "" : "s",
		       grouped(b1, (double)res[i].ok / res[i].secs));
	if (naive_clients > 0)
		printf(" naive (%d clients) %s/s;", naive_clients, grouped(b1, (double)naive.ok / naive.secs));
	printf(" disk %s fsyncs/s\n", grouped(b1, disk));
	if (at_target) {
		double rate = (double)at_target->ok / at_target->secs;
		printf("target    : >= %s durable settlements/s with %d clients: %s (%s/s, %.0f%% of target)\n",
		       grouped(b1, TARGET_PER_S), TARGET_CLIENTS, rate >= TARGET_PER_S ? "met" : "NOT met",
		       grouped(b2, rate), 100.0 * rate / TARGET_PER_S);
	}
	if (tmpfs)
		printf("warning   : the database is on tmpfs: nothing was durable, figures are meaningless\n");
	if (bad)
		printf("result    : FAILED (see above)\n");

	yb_ledger_close(l);
	yb_catalogue_free(cat);
	yb_buf_free(&report);
	for (i = 0; i < N_INST; i++)
		free(inst_codes[i]);
	if (keep)
		printf("kept      : %s\n", dir);
	else
		rm_dir(dir);
	return bad;
}
