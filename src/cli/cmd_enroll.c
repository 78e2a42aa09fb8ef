/* yibao enrol | retire | pay: the enrolment rules over JSON files, with no
 * store (docs/enrolment.md); with --db, over a store (cmd_admin.c).
 *
 *   yibao enrol calc|benefit|remote|chronic|bind [--policy F] [--settlement-policy F] [INPUT.json]
 *   yibao enrol check FILE.enrol.json...
 *   yibao retire check [--policy F] [INPUT.json]
 *   yibao pay reconcile [--policy F] --enrolments F.json --payments F.csv [--now TIME]
 *   yibao enrol register --db PATH ... | retire check --db PATH ... | pay import --db PATH ...
 */
#include "cli.h"
#include "yibao/enroll.h"
#include "yibao/error.h"
#include "yibao/ledger.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_INPUT (64u << 20)
#define MAX_PAYFILE (1u << 30)

typedef struct opts {
	const char *policy;     /* --policy: the enrolment policy file */
	const char *settlement; /* --settlement-policy: the settlement policy file */
	const char *enrolments, *payments, *now;
	const char *input;
} opts;

/* Reads the options every verb shares; 0 or 2 (usage). */
static int read_opts(opts *o, int argc, char **argv, int first, const char *usage)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->input = "-";
	for (i = first; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--policy") == 0)
			slot = &o->policy;
		else if (strcmp(argv[i], "--settlement-policy") == 0)
			slot = &o->settlement;
		else if (strcmp(argv[i], "--enrolments") == 0)
			slot = &o->enrolments;
		else if (strcmp(argv[i], "--payments") == 0)
			slot = &o->payments;
		else if (strcmp(argv[i], "--now") == 0)
			slot = &o->now;
		else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s'\nusage: %s", argv[i], usage);
			return 2;
		} else {
			o->input = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			cli_error("%s needs a value\nusage: %s", argv[i], usage);
			return 2;
		}
		*slot = argv[++i];
	}
	return 0;
}

static void print_diag(const yb_diag *d)
{
	if (d->count)
		fputs(d->text, stderr);
	else
		fprintf(stderr, "%s\n", yb_error_msg());
}

/* Loads the enrolment policy (and the settlement policy when sp is given):
 * the files named by options, else <policies>/<admdvs>.enrol.json and
 * <admdvs>.json. Returns 0, or 2 with the errors printed. */
static int load_policies(const opts *o, const yb_json *in, yb_enrol_policy **ep, yb_policy **sp)
{
	char dir[4096] = ".", path[4200], admdvs[8] = "";
	yb_diag diag = {0};
	int rc = 0;

	if ((!o->policy || (sp && !o->settlement)) &&
	    yb_jget_code(in, NULL, "admdvs", 1, admdvs, 7) < 0) {
		cli_error("%s (or give --policy)", yb_error_msg());
		return 2;
	}
	if ((!o->policy || (sp && !o->settlement)) && yb_policy_dir(dir, sizeof(dir)) < 0) {
		cli_error("%s", yb_error_msg());
		return 2;
	}
	snprintf(path, sizeof(path), "%s/%s.enrol.json", dir, admdvs);
	if (yb_enrol_policy_load(ep, o->policy ? o->policy : path, &diag) < 0) {
		print_diag(&diag);
		rc = 2;
		goto done;
	}
	if (sp) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, admdvs);
		if (yb_policy_load(sp, o->settlement ? o->settlement : path, &diag) < 0) {
			print_diag(&diag);
			yb_enrol_policy_free(*ep);
			*ep = NULL;
			rc = 2;
		}
	}
done:
	yb_diag_free(&diag);
	return rc;
}

static int read_json(yb_buf *text, yb_json_doc **doc, const char *file)
{
	if (yb_buf_read_file(text, file, MAX_INPUT) < 0 ||
	    yb_json_parse(doc, text->ptr ? text->ptr : "", text->len, NULL) < 0) {
		cli_error("%s: %s", file, yb_error_msg());
		return 2;
	}
	return 0;
}

/* Prints the answer, or the error with what failed; the exit code. */
static int answer(int rc, const char *what, const yb_buf *out)
{
	if (rc < 0) {
		cli_error("%s: %s", what, yb_error_msg());
		return rc == YB_EINVALID || rc == YB_ENOTFOUND || rc == YB_EOVERFLOW ? 2 : 1;
	}
	fwrite(out->ptr, 1, out->len, stdout);
	return fflush(stdout) != 0;
}

/* Runs one JSON operation on the input file and prints its answer. */
static int run_op(const char *op, const opts *o)
{
	yb_buf text = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_enrol_policy *ep = NULL;
	yb_policy *sp = NULL;
	int code;

	if ((code = read_json(&text, &doc, o->input)) ||
	    (code = load_policies(o, yb_json_root(doc), &ep, strcmp(op, "chronic") == 0 ? &sp : NULL)))
		goto done;
	code = answer(yb_enrol_json(&out, op, yb_json_root(doc), ep, sp), op, &out);
done:
	yb_json_free(doc);
	yb_buf_free(&text);
	yb_buf_free(&out);
	yb_enrol_policy_free(ep);
	yb_policy_free(sp);
	return code;
}

/* Validates one enrolment policy file, and the names it shares with the
 * settlement policy beside it (<admdvs>.json) when there is one; prints
 * every error. 0 or -1. `yibao policy check` calls it for *.enrol.json. */
int cli_enrol_check(const char *file)
{
	yb_diag diag = {0};
	yb_enrol_policy *ep = NULL;
	yb_policy *sp = NULL;
	char path[4200];
	const char *slash = strrchr(file, '/');
	int rc = 0;

	if (yb_enrol_policy_load(&ep, file, &diag) < 0) {
		print_diag(&diag);
		yb_diag_free(&diag);
		return -1;
	}
	snprintf(path, sizeof(path), "%.*s%s%s.json", slash ? (int)(slash - file) : 0,
		 file, slash ? "/" : "", ep->admdvs);
	if (yb_policy_load(&sp, path, NULL) == 0 &&
	    yb_enrol_policy_crosscheck(ep, sp, file, &diag) < 0) {
		fputs(diag.text, stderr);
		rc = -1;
	} else {
		printf("%s: enrolment policy %s %s ok, %d campaigns, %d remote-care types, calendar %d-%d; %s%s\n",
		       file, ep->admdvs, ep->version, ep->n_campaigns, ep->n_remote,
		       ep->cal.first_year, ep->cal.last_year,
		       sp ? "names agree with " : "no settlement policy beside it", sp ? path : "");
	}
	yb_diag_free(&diag);
	yb_enrol_policy_free(ep);
	yb_policy_free(sp);
	return rc;
}

int cmd_enrol(int argc, char **argv)
{
	static const char *const usage = "yibao enrol calc|benefit|remote|chronic|bind "
		"[--policy FILE] [--settlement-policy FILE] [INPUT.json]\n"
		"       yibao enrol check FILE.enrol.json...";
	static const struct { const char *verb, *op; } verbs[] = {
		{"calc", "enrol"}, {"benefit", "benefit"}, {"remote", "remote"},
		{"chronic", "chronic"}, {"bind", "bind"},
	};
	opts o;
	size_t i;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "register") == 0)
		return cli_admin_enrol(argc, argv);
	if (argc >= 3 && strcmp(argv[1], "check") == 0) {
		for (i = 2, rc = 0; i < (size_t)argc; i++)
			rc |= cli_enrol_check(argv[i]) < 0;
		return rc ? 2 : 0;
	}
	for (i = 0; argc >= 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].verb) == 0) {
			if ((rc = read_opts(&o, argc, argv, 2, usage)))
				return rc;
			return run_op(verbs[i].op, &o);
		}
	cli_error("usage: %s", usage);
	return 2;
}

/* `yibao CMD VERB [options]` with one verb: 0 with the options read, or 2. */
static int one_verb(opts *o, int argc, char **argv, const char *verb, const char *usage)
{
	if (argc < 2 || strcmp(argv[1], verb) != 0) {
		cli_error("usage: %s", usage);
		return 2;
	}
	return read_opts(o, argc, argv, 2, usage);
}

int cmd_retire(int argc, char **argv)
{
	opts o;
	int rc, i;

	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--db") == 0 && argc >= 2 && strcmp(argv[1], "check") == 0)
			return cli_admin_retire(argc, argv);
	rc = one_verb(&o, argc, argv, "check", "yibao retire check [--policy FILE] [INPUT.json]"
		      "\n       yibao retire check --db PATH [--apply-month YYYY-MM] PSN_NO");

	return rc ? rc : run_op("retire", &o);
}

/* The bureau's local time now (the machine's zone should be Asia/Shanghai). */
static yb_datetime local_now(void)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return (yb_datetime)yb_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

int cmd_pay(int argc, char **argv)
{
	static const char *const usage = "yibao pay reconcile [--policy FILE] --enrolments FILE.json "
		"--payments FILE.csv [--now \"YYYY-MM-DD HH:MM:SS\"]";
	yb_buf text = YB_BUF_INIT, csv = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_enrol_policy *ep = NULL;
	yb_datetime now = 0;
	opts o;
	int code;

	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return cli_admin_pay_import(argc, argv);
	if ((code = one_verb(&o, argc, argv, "reconcile", usage)))
		return code;
	if (!o.enrolments || !o.payments || strcmp(o.input, "-") != 0) {
		cli_error("usage: %s", usage);
		return 2;
	}
	if (o.now && yb_datetime_parse(&now, o.now, strlen(o.now)) < 0) {
		cli_error("--now: %s", yb_error_msg());
		return 2;
	}
	if ((code = read_json(&text, &doc, o.enrolments)))
		goto done;
	if (!now && !yb_json_get(yb_json_root(doc), "now"))
		now = local_now();
	if ((code = load_policies(&o, yb_json_root(doc), &ep, NULL)))
		goto done;
	if (yb_buf_read_file(&csv, o.payments, MAX_PAYFILE) < 0) {
		cli_error("%s: %s", o.payments, yb_error_msg());
		code = 2;
		goto done;
	}
	code = answer(yb_payfile_reconcile_json(&out, yb_json_root(doc), csv.ptr ? csv.ptr : "", csv.len,
						o.payments, ep, now), "pay reconcile", &out);
done:
	yb_json_free(doc);
	yb_buf_free(&text);
	yb_buf_free(&csv);
	yb_buf_free(&out);
	yb_enrol_policy_free(ep);
	return code;
}
