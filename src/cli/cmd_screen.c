/* yibao screen --in DIR | --db URL [--from DATE --to DATE] [--rules DIR] --out FILE.jsonl
 *              [--report FILE.html] [--sample 5%] [--sample-out FILE] [--seed S]
 *              [--tmp DIR] [--progress | --no-progress] [--realtime]
 * Batch screening of a file set (docs/rules.md); the work is yb_screen_run.
 * With --db the store (SQLite or PostgreSQL) is first written out as that
 * file set in a temporary folder (yb_ledger_export_screen), removed after. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/rules.h"
#include "yibao/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The rules folder, also found beside the policies folder. */
static int rules_dir_of(char *out, size_t n)
{
	char pol[4096];
	return yb_rules_dir(out, n, yb_policy_dir(pol, sizeof(pol)) == 0 ? pol : NULL);
}

static const char USAGE[] =
	"usage: yibao screen --in DIR | --db URL [--from DATE --to DATE] [--rules DIR] --out FILE.jsonl\n"
	"                    [--report FILE.html] [--sample 5%] [--sample-out FILE] [--seed S]\n"
	"                    [--tmp DIR] [--progress|--no-progress] [--realtime]";

/* "5%", "5", "0.5%" -> basis points. */
static int parse_share(const char *s, int32_t *bp)
{
	char num[32];
	size_t n = strlen(s);
	int64_t v;

	if (n && s[n - 1] == '%')
		n--;
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (yb_decimal_parse(&v, num, n, 2) < 0 || v <= 0 || v > 10000)
		return -1;
	*bp = (int32_t)v; /* percent with 2 decimals = basis points */
	return 0;
}

/* --db: the store as a file set in a new folder under tmp (dir gets it). */
static int export_db(const char *db, const char *tmp, char *dir, size_t n)
{
	yb_ledger *l = NULL;
	int rc;

	snprintf(dir, n, "%s/yibao-screen-db.XXXXXX", tmp);
	if (!mkdtemp(dir))
		return yb_error_set(YB_ERROR, "%s: cannot make a temporary folder", dir);
	if ((rc = yb_ledger_open(&l, db)) == 0 && (rc = yb_ledger_set_rules(l, NULL)) == 0)
		rc = yb_ledger_export_screen(l, dir);
	yb_ledger_close(l);
	return rc;
}

static void remove_export(const char *dir)
{
	static const char *const names[] = {"setl.csv", "fee.csv", "trac.csv", "fixmedins.csv", "city.jsonl"};
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int cmd_screen(int argc, char **argv)
{
	yb_screen_opts o;
	yb_screen_stats st;
	char rules[4096], sample[4096], tmp[4096], dbdir[4200] = "";
	const char *from = NULL, *to = NULL, *db = NULL;
	int i, rc, progress = isatty(2);

	memset(&o, 0, sizeof(o));
	o.from = YB_DATE_NONE + 1;
	o.to = YB_DATE_MAX;
	o.seed = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--progress")) {
			progress = 1;
			continue;
		}
		if (!strcmp(a, "--no-progress")) {
			progress = 0;
			continue;
		}
		if (!strcmp(a, "--realtime")) {
			o.realtime = 1;
			continue;
		}
		if (!v) {
			cli_error("screen: '%s' needs a value or is unknown\n%s", a, USAGE);
			return 2;
		}
		i++;
		if (!strcmp(a, "--in"))
			o.in_dir = v;
		else if (!strcmp(a, "--db"))
			db = v;
		else if (!strcmp(a, "--rules"))
			o.rules_dir = v;
		else if (!strcmp(a, "--out"))
			o.out_path = v;
		else if (!strcmp(a, "--report"))
			o.report_path = v;
		else if (!strcmp(a, "--sample-out"))
			o.sample_path = v;
		else if (!strcmp(a, "--tmp"))
			o.tmp_dir = v;
		else if (!strcmp(a, "--from"))
			from = v;
		else if (!strcmp(a, "--to"))
			to = v;
		else if (!strcmp(a, "--seed")) {
			char *end;
			o.seed = strtoull(v, &end, 10);
			if (*end || !*v) {
				cli_error("screen: --seed: not a number");
				return 2;
			}
		} else if (!strcmp(a, "--sample")) {
			if (parse_share(v, &o.sample_bp) < 0) {
				cli_error("screen: --sample: not a share such as 5%% (0.01%% to 100%%)");
				return 2;
			}
		} else if (!strcmp(a, "--part-mib")) {
			o.part_bytes = (size_t)strtoul(v, NULL, 10) << 20;
		} else {
			cli_error("screen: unknown option '%s'\n%s", a, USAGE);
			return 2;
		}
	}
	if (!o.in_dir == !db || !o.out_path) {
		cli_error("screen: --in or --db, and --out, are required\n%s", USAGE);
		return 2;
	}
	if ((from && yb_date_parse(&o.from, from, strlen(from)) < 0) ||
	    (to && yb_date_parse(&o.to, to, strlen(to)) < 0)) {
		cli_error("screen: --from/--to: not a date (YYYY-MM-DD)");
		return 2;
	}
	if (!o.rules_dir) {
		if (rules_dir_of(rules, sizeof(rules)) < 0) {
			cli_error("screen: %s", yb_error_msg());
			return 2;
		}
		o.rules_dir = rules;
	}
	if (o.sample_bp && !o.sample_path) {
		size_t n = strlen(o.out_path);
		if (n > 6 && !strcmp(o.out_path + n - 6, ".jsonl"))
			n -= 6;
		snprintf(sample, sizeof(sample), "%.*s.sample.jsonl", (int)n, o.out_path);
		o.sample_path = sample;
	}
	if (o.sample_path && !o.sample_bp)
		o.sample_bp = 500;
	if (!o.tmp_dir) {
		const char *slash = strrchr(o.out_path, '/');
		snprintf(tmp, sizeof(tmp), "%.*s", slash ? (int)(slash - o.out_path) : 1, slash ? o.out_path : ".");
		o.tmp_dir = tmp[0] ? tmp : "/";
	}
	o.progress = progress;
	if (db) {
		if ((rc = export_db(db, o.tmp_dir, dbdir, sizeof(dbdir))) < 0) {
			cli_error("screen: %s", yb_error_msg());
			if (dbdir[0])
				remove_export(dbdir);
			return rc == YB_EINVALID || rc == YB_ENOTFOUND ? 2 : 1;
		}
		o.in_dir = dbdir;
	}
	rc = yb_screen_run(&o, &st);
	if (dbdir[0] && !getenv("YIBAO_SCREEN_KEEP_EXPORT"))
		remove_export(dbdir);
	if (rc < 0) {
		if (progress)
			fputc('\n', stderr);
		cli_error("screen: %s", yb_error_msg());
		return rc == YB_EINVALID || rc == YB_ENOTFOUND ? 2 : 1;
	}
	{
		char amt[40];
		yb_decimal_format(amt, st.vola_amt, YB_SCALE_MONEY);
		fprintf(stderr, "screen: %llu settlements (%llu judged), %llu lines (%llu coded), %llu stock codes; "
			"%llu findings, %s yuan suspect; %.2f s persons + %.2f s codes (%d partitions)%s\n",
			(unsigned long long)st.settlements, (unsigned long long)st.judged,
			(unsigned long long)st.lines, (unsigned long long)st.coded_lines,
			(unsigned long long)st.stock, (unsigned long long)st.findings, amt,
			st.seconds_person, st.seconds_codes, st.partitions,
			o.sample_path ? "; sample written" : "");
	}
	return 0;
}
