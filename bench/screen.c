/* bench/screen: yibao screen against DuckDB and SQLite over the same file
 * set (make bench-screen; docs/performance.md, "Screening").
 *
 * Generates a city with `yibao gen` sized for --lines fee lines (kept in
 * --dir and reused while the arguments are the same), then runs, each as a
 * child process timed from start to exit (wall clock, and user + system CPU
 * and peak resident memory from wait4):
 *   yibao   yibao screen --rules bench/screen-rules (6 rules)
 *   duckdb  node bench/screen-duckdb/screen.mjs (the same rules as SQL)
 *   sqlite  sqlite3 with bench/screen-sqlite.sql (import, then the same SQL)
 * and checks that all three found the same (rule_id, setl_id, feedetl_sn).
 *
 * usage: screen [--yibao PATH] [--lines N] [--dir DIR] [--seed S]
 *               [--engines yibao,duckdb,sqlite] [--sqlite-lines N] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct run {
	const char *name;
	int ran, ok, same;
	double wall, cpu;
	long maxrss_kb;
	long findings;
	long lines;
} run;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdin from in (or /dev/null) and stdout to out (or the
 * bench's stderr); fills wall, cpu and peak memory. Returns the exit code. */
static int spawn(run *r, char *const argv[], const char *in, const char *out)
{
	struct rusage ru;
	double t0 = now();
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *f;
		if (!freopen(in ? in : "/dev/null", "r", stdin))
			_exit(126);
		if (out && !(f = freopen(out, "w", stdout)))
			_exit(126);
		if (!out)
			dup2(2, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "bench/screen: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return -1;
	r->wall = now() - t0;
	r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	r->maxrss_kb = ru.ru_maxrss;
	r->ran = 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------ finding keys, sorted */

typedef struct keys {
	char **v;
	long n, cap;
} keys;

static void key_add(keys *k, const char *rule, const char *setl, const char *sn)
{
	char buf[256];
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 1024;
		k->v = realloc(k->v, (size_t)k->cap * sizeof(*k->v));
		if (!k->v)
			exit(1);
	}
	snprintf(buf, sizeof(buf), "%s,%s,%s", rule, setl, sn);
	if (!(k->v[k->n++] = strdup(buf)))
		exit(1);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void keys_free(keys *k)
{
	long i;
	for (i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* Copies the string value of "key":"..." found in line into out. */
static int field(const char *line, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (!(p = strstr(line, pat)))
		return 0;
	p += strlen(pat);
	if (!(e = strchr(p, '"')) || (size_t)(e - p) >= cap)
		return 0;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 1;
}

static int read_jsonl(keys *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, rule[64], setl[64], sn[32];
	size_t cap = 0;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		/* the top-level feedetl_sn follows setl_id; the evidence's comes later */
		char *ev = strstr(line, "\"vola_evid\"");
		if (ev)
			*ev = '\0';
		sn[0] = '\0';
		if (!field(line, "rule_id", rule, sizeof(rule)) || !field(line, "setl_id", setl, sizeof(setl)))
			continue;
		field(line, "feedetl_sn", sn, sizeof(sn));
		key_add(k, rule, setl, sn);
	}
	free(line);
	fclose(f);
	qsort(k->v, (size_t)k->n, sizeof(*k->v), cmpstr);
	return 0;
}

static int read_csv(keys *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *a = line, *b, *c;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!(b = strchr(a, ',')) || !(c = strchr(b + 1, ',')))
			continue;
		*b++ = '\0';
		*c++ = '\0';
		key_add(k, a, b, c);
	}
	free(line);
	fclose(f);
	qsort(k->v, (size_t)k->n, sizeof(*k->v), cmpstr);
	return 0;
}

static int same_keys(const keys *a, const keys *b)
{
	long i;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

/* ------------------------------------------------------------ helpers */

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1 << 16];
	size_t n, i;
	long c = 0;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++)
			c += buf[i] == '\n';
	fclose(f);
	return c;
}

static void machine(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512], model[256] = "?";
	long mem = 0;
	struct utsname u;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');
			snprintf(model, sizeof(model), "%s", p ? p + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	if ((f = fopen("/proc/meminfo", "r"))) {
		if (fgets(line, sizeof(line), f))
			sscanf(line, "MemTotal: %ld", &mem);
		fclose(f);
	}
	uname(&u);
	printf("machine: %s, %ld cores online, %.1f GiB memory, %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       (double)mem / 1048576.0, u.sysname, u.release);
}

/* Fills a template: {DIR} and {OUT}. */
static int fill(const char *tpl, const char *dst, const char *dir, const char *out)
{
	FILE *in = fopen(tpl, "r"), *o;
	char *line = NULL;
	size_t cap = 0;

	if (!in || !(o = fopen(dst, "w"))) {
		if (in)
			fclose(in);
		return -1;
	}
	while (getline(&line, &cap, in) > 0) {
		char *p = line, *m;
		while ((m = strchr(p, '{'))) {
			fwrite(p, 1, (size_t)(m - p), o);
			if (!strncmp(m, "{DIR}", 5)) {
				fputs(dir, o);
				p = m + 5;
			} else if (!strncmp(m, "{OUT}", 5)) {
				fputs(out, o);
				p = m + 5;
			} else {
				fputc('{', o);
				p = m + 1;
			}
		}
		fputs(p, o);
	}
	free(line);
	fclose(in);
	return fclose(o);
}

/* Copies into sub the first persons of dir whose fee lines reach max
 * (whole persons, in order), and the institutions and stock as they are. */
static int cut_subset(const char *dir, const char *sub, long max)
{
	char p1[4096], p2[4096], *sl = NULL, *fl = NULL, psn[64] = "", cmd[8300];
	size_t sc = 0, fc = 0;
	ssize_t fn = 0;
	FILE *si, *fi, *so, *fo;
	long n = 0;

	mkdir(sub, 0777);
	snprintf(cmd, sizeof(cmd), "cp '%s/city.jsonl' '%s/fixmedins.csv' '%s/trac.csv' '%s/'", dir, dir, dir, sub);
	if (system(cmd) != 0)
		return -1;
	snprintf(p1, sizeof(p1), "%s/setl.csv", dir);
	snprintf(p2, sizeof(p2), "%s/fee.csv", dir);
	si = fopen(p1, "r");
	fi = fopen(p2, "r");
	snprintf(p1, sizeof(p1), "%s/setl.csv", sub);
	snprintf(p2, sizeof(p2), "%s/fee.csv", sub);
	so = fopen(p1, "w");
	fo = fopen(p2, "w");
	if (!si || !fi || !so || !fo)
		return -1;
	if (getline(&sl, &sc, si) > 0)
		fputs(sl, so);
	if (getline(&fl, &fc, fi) > 0)
		fputs(fl, fo);
	fn = getline(&fl, &fc, fi);
	while (getline(&sl, &sc, si) > 0) {
		const char *a = strchr(sl, ','), *b = a ? strchr(a + 1, ',') : NULL, *c = b ? strchr(b + 1, ',') : NULL;
		size_t idl = a ? (size_t)(a - sl) : 0;
		if (!c)
			break;
		if (n >= max && ((size_t)(c - b - 1) != strlen(psn) || strncmp(b + 1, psn, strlen(psn))))
			break;
		snprintf(psn, sizeof(psn), "%.*s", (int)(c - b - 1), b + 1);
		fputs(sl, so);
		while (fn > 0 && !strncmp(fl, sl, idl) && fl[idl] == ',') {
			fputs(fl, fo);
			n++;
			fn = getline(&fl, &fc, fi);
		}
	}
	free(sl);
	free(fl);
	fclose(si);
	fclose(fi);
	return fclose(so) | fclose(fo);
}

static int has(const char *list, const char *name)
{
	const char *p = strstr(list, name);
	size_t n = strlen(name);
	return p && (p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ',');
}

int main(int argc, char **argv)
{
	const char *yibao = "build/yibao", *dir = "build/bench-screen", *engines = "yibao,duckdb,sqlite";
	long lines = 100000000, persons, sqlite_lines = 0, seed = 1;
	char path[4096], path2[4096], sdir[4096], subdir[4096], args[256], old[256] = "";
	run r[3] = {{"yibao screen", 0, 0, 0, 0, 0, 0, 0, 0}, {"DuckDB (node)", 0, 0, 0, 0, 0, 0, 0, 0},
		    {"SQLite (sqlite3)", 0, 0, 0, 0, 0, 0, 0, 0}};
	keys k[3];
	FILE *f;
	int i, rc;

	memset(k, 0, sizeof(k));
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench/screen: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--yibao"))
			yibao = v;
		else if (!strcmp(argv[i], "--lines"))
			lines = strtol(v, NULL, 10);
		else if (!strcmp(argv[i], "--dir"))
			dir = v;
		else if (!strcmp(argv[i], "--seed"))
			seed = strtol(v, NULL, 10);
		else if (!strcmp(argv[i], "--engines"))
			engines = v;
		else if (!strcmp(argv[i], "--sqlite-lines"))
			sqlite_lines = strtol(v, NULL, 10);
		else {
			fprintf(stderr, "usage: %s [--yibao PATH] [--lines N] [--dir DIR] [--seed S] "
					"[--engines yibao,duckdb,sqlite] [--sqlite-lines N]\n", argv[0]);
			return 2;
		}
		i++;
	}
	if (lines < 1000) {
		fprintf(stderr, "bench/screen: --lines below 1000\n");
		return 2;
	}
	machine();
	/* about 6 settlements of 12.5 lines per person */
	persons = lines / 75;
	mkdir(dir, 0777);
	snprintf(args, sizeof(args), "--persons %ld --seed %ld --fraud-rate 0.002", persons, seed);
	snprintf(path, sizeof(path), "%s/gen-args", dir);
	if ((f = fopen(path, "r"))) {
		if (!fgets(old, sizeof(old), f))
			old[0] = '\0';
		fclose(f);
	}
	if (strcmp(old, args)) {
		char p_arg[32], s_arg[32];
		char *gv[] = {(char *)yibao, "gen", "--persons", p_arg, "--seed", s_arg, "--out", (char *)dir,
			      "--fraud-rate", "0.002", NULL};
		run g = {"gen", 0, 0, 0, 0, 0, 0, 0, 0};
		unlink(path);
		snprintf(p_arg, sizeof(p_arg), "%ld", persons);
		snprintf(s_arg, sizeof(s_arg), "%ld", seed);
		printf("generating: yibao gen %s --out %s\n", args, dir);
		fflush(stdout);
		if ((rc = spawn(&g, gv, NULL, NULL)) != 0) {
			fprintf(stderr, "bench/screen: yibao gen failed (%d)\n", rc);
			return 1;
		}
		printf("generated in %.1f s\n", g.wall);
		if ((f = fopen(path, "w"))) {
			fputs(args, f);
			fclose(f);
		}
	}
	snprintf(path, sizeof(path), "%s/fee.csv", dir);
	lines = count_lines(path) - 1;
	snprintf(path, sizeof(path), "%s/setl.csv", dir);
	printf("data: %ld fee lines, %ld settlements, %ld persons (%s)\n", lines, count_lines(path) - 1,
	       persons, dir);
	fflush(stdout);

	/* yibao screen */
	if (has(engines, "yibao")) {
		char *v[] = {(char *)yibao, "screen", "--in", (char *)dir, "--rules", "bench/screen-rules",
			     "--out", path, "--no-progress", NULL};
		snprintf(path, sizeof(path), "%s/yibao.jsonl", dir);
		r[0].ok = spawn(&r[0], v, NULL, NULL) == 0 && read_jsonl(&k[0], path) == 0;
		r[0].lines = lines;
	}
	/* DuckDB */
	if (has(engines, "duckdb")) {
		char *v[] = {"node", "bench/screen-duckdb/screen.mjs", (char *)dir, path, NULL};
		snprintf(path, sizeof(path), "%s/duckdb.csv", dir);
		r[1].ok = spawn(&r[1], v, NULL, NULL) == 0 && read_csv(&k[1], path) == 0;
		r[1].lines = lines;
	}
	/* SQLite, on the whole set or on its first --sqlite-lines lines */
	if (has(engines, "sqlite")) {
		char *v[] = {"sqlite3", path2, NULL};
		const char *in_dir = dir;
		r[2].lines = lines;
		if (sqlite_lines > 0 && sqlite_lines < lines) {
			/* a prefix of whole persons: setl.csv is grouped by person */
			snprintf(subdir, sizeof(subdir), "%s/sqlite-subset", dir);
			if (cut_subset(dir, subdir, sqlite_lines) < 0) {
				fprintf(stderr, "bench/screen: cutting the SQLite subset failed\n");
				return 1;
			}
			in_dir = subdir;
			snprintf(path, sizeof(path), "%s/fee.csv", subdir);
			r[2].lines = count_lines(path) - 1;
		}
		snprintf(path, sizeof(path), "%s/sqlite.sql", dir);
		snprintf(path2, sizeof(path2), "%s/sqlite.db", dir);
		snprintf(sdir, sizeof(sdir), "%s/sqlite.csv", dir);
		unlink(path2);
		if (fill("bench/screen-sqlite.sql", path, in_dir, sdir) == 0) {
			char sql[4096];
			snprintf(sql, sizeof(sql), "%s", path);
			snprintf(path, sizeof(path), "%s/sqlite.out", dir);
			r[2].ok = spawn(&r[2], v, sql, path) == 0 && read_csv(&k[2], sdir) == 0;
		}
		unlink(path2);
		if (in_dir != dir && r[2].ok) {
			/* compare with yibao on the same subset */
			char *yv[] = {(char *)yibao, "screen", "--in", (char *)in_dir, "--rules", "bench/screen-rules",
				      "--out", path, "--no-progress", NULL};
			run sub = {"yibao (subset)", 0, 0, 0, 0, 0, 0, 0, 0};
			keys ks;
			memset(&ks, 0, sizeof(ks));
			snprintf(path, sizeof(path), "%s/yibao-subset.jsonl", dir);
			if (spawn(&sub, yv, NULL, NULL) == 0 && read_jsonl(&ks, path) == 0) {
				r[2].same = same_keys(&ks, &k[2]);
				printf("yibao screen on the SQLite subset (%ld lines): %.2f s wall, %.0f lines/s, "
				       "%ld findings\n", r[2].lines, sub.wall, (double)r[2].lines / sub.wall, ks.n);
				printf("  SQLite / yibao on the subset: %.1fx the time\n", r[2].wall / sub.wall);
			}
			keys_free(&ks);
		}
	}
	for (i = 0; i < 3; i++)
		r[i].findings = k[i].n;
	if (r[0].ok) {
		r[0].same = 1;
		if (r[1].ok)
			r[1].same = same_keys(&k[0], &k[1]);
		if (r[2].ok && r[2].lines == lines)
			r[2].same = same_keys(&k[0], &k[2]);
	}
	printf("\n%-18s %12s %10s %10s %14s %10s %10s %s\n", "engine", "fee lines", "wall s", "cpu s",
	       "lines/s", "peak MiB", "findings", "same findings as yibao");
	for (i = 0; i < 3; i++) {
		if (!r[i].ran)
			continue;
		if (!r[i].ok) {
			printf("%-18s failed (see above)\n", r[i].name);
			continue;
		}
		printf("%-18s %12ld %10.2f %10.2f %14.0f %10.0f %10ld %s\n", r[i].name, r[i].lines, r[i].wall,
		       r[i].cpu, (double)r[i].lines / r[i].wall, (double)r[i].maxrss_kb / 1024.0, r[i].findings,
		       r[i].same ? "yes" : "NO");
	}
	if (r[0].ok && r[1].ok)
		printf("DuckDB / yibao: %.1fx the time, %.1fx the memory\n", r[1].wall / r[0].wall,
		       (double)r[1].maxrss_kb / (double)r[0].maxrss_kb);
	if (r[0].ok && r[2].ok && r[2].lines == lines)
		printf("SQLite / yibao: %.1fx the time, %.1fx the memory\n", r[2].wall / r[0].wall,
		       (double)r[2].maxrss_kb / (double)r[0].maxrss_kb);
	for (i = 0; i < 3; i++)
		keys_free(&k[i]);
	for (i = 0; i < 3; i++)
		if (r[i].ran && (!r[i].ok || !r[i].same))
			return 1;
	return 0;
}
