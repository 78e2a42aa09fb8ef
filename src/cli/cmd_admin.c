/* The administration over a store from the command line (docs/admin-api.md):
 * the first administrator, and the operations a bureau runs in batch.
 *
 *   yibao staff add --db PATH --id ID --role ROLE [--password-file F]
 *   yibao staff list --db PATH
 *   yibao pay import --db PATH [--now TIME] FILE.csv
 *   yibao enrol register --db PATH [--now TIME] INPUT.json
 *   yibao retire check --db PATH [--apply-month YYYY-MM] [--now TIME] PSN_NO
 *
 * The password comes from the file or stdin (first line), never from the
 * command line; a terminal is asked without echo. Changes are audited as
 * staff "cli". --now sets the business clock (a past campaign). Output:
 * the API's JSON answer; exit 0, 1 (failure), 2 (bad input or usage), 3
 * (refused by a rule: the answer says why). */
#include "cli.h"
#include "yibao/admin.h"
#include "yibao/enroll.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MAX_INPUT (64u << 20)
#define MAX_FILE (1u << 30)

typedef struct admin_cli {
	const char *db, *now, *id, *role, *password_file, *apply_month;
	const char *arg;        /* the one positional argument */
} admin_cli;

static int read_args(admin_cli *o, int argc, char **argv, const char *usage)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 2; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--db") == 0)
			slot = &o->db;
		else if (strcmp(argv[i], "--now") == 0)
			slot = &o->now;
		else if (strcmp(argv[i], "--id") == 0)
			slot = &o->id;
		else if (strcmp(argv[i], "--role") == 0)
			slot = &o->role;
		else if (strcmp(argv[i], "--password-file") == 0)
			slot = &o->password_file;
		else if (strcmp(argv[i], "--apply-month") == 0)
			slot = &o->apply_month;
		else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s'\nusage: %s", argv[i], usage);
			return 2;
		} else if (!o->arg) {
			o->arg = argv[i];
			continue;
		} else {
			cli_error("one file or id only\nusage: %s", usage);
			return 2;
		}
		if (i + 1 >= argc) {
			cli_error("%s needs a value\nusage: %s", argv[i], usage);
			return 2;
		}
		*slot = argv[++i];
	}
	if (!o->db) {
		cli_error("--db is required\nusage: %s", usage);
		return 2;
	}
	return 0;
}

typedef struct opened {
	yb_ledger *l;
	yb_admin *a;
	yb_actor who;
} opened;

static int open_admin(opened *x, const admin_cli *o)
{
	yb_admin_opts ao;

	memset(x, 0, sizeof(*x));
	memset(&ao, 0, sizeof(ao));
	if (o->now && yb_datetime_parse(&ao.business_start, o->now, strlen(o->now)) < 0) {
		cli_error("--now: %s", yb_error_msg());
		return 2;
	}
	if (yb_ledger_open(&x->l, o->db) < 0 || yb_admin_open(&x->a, x->l, &ao) < 0) {
		cli_error("%s", yb_error_msg());
		yb_ledger_close(x->l);
		return strstr(yb_error_msg(), "newer") ? 2 : 1;
	}
	snprintf(x->who.staff_id, sizeof(x->who.staff_id), "cli");
	x->who.role = YB_ROLE_ADMIN;
	snprintf(x->who.request_id, sizeof(x->who.request_id), "cli-%ld", (long)getpid());
	return 0;
}

static void close_admin(opened *x)
{
	yb_admin_close(x->a);
	yb_ledger_close(x->l);
}

/* Prints the answer (and the error); the exit code of rc. */
static int finish(int rc, const char *what, const yb_buf *out)
{
	if (out->len) {
		fwrite(out->ptr, 1, out->len, stdout);
		fputc('\n', stdout);
	}
	if (rc < 0)
		cli_error("%s: %s", what, yb_error_msg());
	return rc == 0 ? 0 : rc == YB_EREFUSED ? 3
	     : rc == YB_EINVALID || rc == YB_ENOTFOUND || rc == YB_EEXISTS || rc == YB_ECONFLICT ? 2 : 1;
}

/* --------------------------------------------------------------- staff */

/* The first line of f (or stdin; a terminal without echo). */
static int read_password(char *out, size_t cap, const char *file)
{
	FILE *f = stdin;
	struct termios t, quiet;
	int tty = !file && isatty(0), ok;
	size_t n;

	if (file && !(f = fopen(file, "r"))) {
		cli_error("--password-file: cannot open %s", file);
		return 2;
	}
	if (tty && tcgetattr(0, &t) == 0) {
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fputs("password: ", stderr);
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(out, (int)cap, f) != NULL;
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	if (f != stdin)
		fclose(f);
	if (!ok) {
		cli_error("no password given (stdin or --password-file)");
		return 2;
	}
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

int cmd_staff(int argc, char **argv)
{
	static const char *const usage = "yibao staff add --db PATH --id ID --role clerk|auditor|administrator"
		" [--password-file FILE]\n       yibao staff list --db PATH";
	yb_buf out = YB_BUF_INIT;
	yb_admin_in in;
	admin_cli o;
	opened x;
	char pw[512];
	int rc, code;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0)) {
		cli_error("usage: %s", usage);
		return 2;
	}
	if ((code = read_args(&o, argc, argv, usage)))
		return code;
	if (strcmp(argv[1], "add") == 0) {
		if (!o.id || !o.role || o.arg) {
			cli_error("usage: %s", usage);
			return 2;
		}
		if ((code = read_password(pw, sizeof(pw), o.password_file)))
			return code;
		if ((code = open_admin(&x, &o))) {
			memset(pw, 0, sizeof(pw));
			return code;
		}
		rc = yb_admin_staff_add(x.a, NULL, o.id, o.role, pw, &out);
		memset(pw, 0, sizeof(pw));
	} else {
		if ((code = open_admin(&x, &o)))
			return code;
		memset(&in, 0, sizeof(in));
		rc = yb_admin_staff_list(x.a, &x.who, &in, &out);
	}
	code = finish(rc, argv[1], &out);
	close_admin(&x);
	yb_buf_free(&out);
	return code;
}

/* ---------------------------------------------- payments, enrolments */

int cli_admin_pay_import(int argc, char **argv)
{
	static const char *const usage = "yibao pay import --db PATH [--now \"YYYY-MM-DD HH:MM:SS\"] FILE.csv";
	yb_buf csv = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_admin_in in;
	admin_cli o;
	opened x;
	const char *base;
	int code, rc;

	if ((code = read_args(&o, argc, argv, usage)))
		return code;
	if (!o.arg) {
		cli_error("usage: %s", usage);
		return 2;
	}
	if (yb_buf_read_file(&csv, o.arg, MAX_FILE) < 0) {
		cli_error("%s: %s", o.arg, yb_error_msg());
		return 2;
	}
	if ((code = open_admin(&x, &o))) {
		yb_buf_free(&csv);
		return code;
	}
	base = strrchr(o.arg, '/') ? strrchr(o.arg, '/') + 1 : o.arg;
	memset(&in, 0, sizeof(in));
	in.raw = csv.ptr ? csv.ptr : "";
	in.raw_len = csv.len;
	in.file = base;
	rc = yb_admin_pay_import(x.a, &x.who, &in, &out);
	code = finish(rc, "pay import", &out);
	close_admin(&x);
	yb_buf_free(&csv);
	yb_buf_free(&out);
	return code;
}

int cli_admin_enrol(int argc, char **argv)
{
	static const char *const usage = "yibao enrol register --db PATH [--now \"YYYY-MM-DD HH:MM:SS\"] INPUT.json";
	yb_buf text = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_admin_in in;
	admin_cli o;
	opened x;
	int code, rc;

	if ((code = read_args(&o, argc, argv, usage)))
		return code;
	if (yb_buf_read_file(&text, o.arg ? o.arg : "-", MAX_INPUT) < 0 ||
	    yb_json_parse(&doc, text.ptr ? text.ptr : "", text.len, NULL) < 0) {
		cli_error("%s: %s", o.arg ? o.arg : "-", yb_error_msg());
		yb_buf_free(&text);
		return 2;
	}
	if ((code = open_admin(&x, &o)) == 0) {
		memset(&in, 0, sizeof(in));
		in.body = yb_json_root(doc);
		rc = yb_admin_enrol(x.a, &x.who, &in, &out);
		code = finish(rc, "enrol register", &out);
		close_admin(&x);
	}
	yb_json_free(doc);
	yb_buf_free(&text);
	yb_buf_free(&out);
	return code;
}

int cli_admin_retire(int argc, char **argv)
{
	static const char *const usage = "yibao retire check --db PATH [--apply-month YYYY-MM]"
		" [--now \"YYYY-MM-DD HH:MM:SS\"] PSN_NO";
	yb_buf body = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	yb_admin_in in;
	admin_cli o;
	opened x;
	char month[8];
	int code, rc;
	yb_jw w;

	if ((code = read_args(&o, argc, argv, usage)))
		return code;
	if (!o.arg) {
		cli_error("usage: %s", usage);
		return 2;
	}
	if ((code = open_admin(&x, &o)))
		return code;
	yb_month_format(month, yb_month_of(yb_datetime_date(yb_admin_now(x.a))));
	yb_jw_init(&w, &body);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", o.arg);
	yb_jw_str(&w, "apply_month", o.apply_month ? o.apply_month : month);
	yb_jw_bool(&w, "retirement_approved", 1);
	yb_jw_end(&w, '}');
	if (yb_json_parse(&doc, body.ptr, body.len, NULL) < 0) {
		code = finish(YB_ENOMEM, "retire check", &out);
	} else {
		memset(&in, 0, sizeof(in));
		in.body = yb_json_root(doc);
		rc = yb_admin_retire_check(x.a, &x.who, &in, &out);
		code = finish(rc, "retire check", &out);
	}
	close_admin(&x);
	yb_json_free(doc);
	yb_buf_free(&body);
	yb_buf_free(&out);
	return code;
}
