/* The ledger commands: load, settle, cancel, check (docs/ledger.md).
 *   yibao load   --db PATH FILE.jsonl...
 *   yibao settle --db PATH [--rules DIR] [FILE]
 *   yibao cancel --db PATH --setl-id ID --msgid MSGID --fixmedins-code CODE
 *   yibao check  --db PATH */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/ledger.h"

#include <stdio.h>
#include <string.h>

#define MAX_SETTLE_INPUT (16u << 20)

/* Exit code for a failed ledger call: 2 for input or refusal, 1 else. */
static int fail(const char *cmd, int rc)
{
	cli_error("%s: %s", cmd, yb_error_msg());
	return rc == YB_EINVALID || rc == YB_EREFUSED || rc == YB_ENOTFOUND ||
	       rc == YB_EOVERFLOW || rc == YB_ECONFLICT ? 2 : 1;
}

static const char *rules_dir; /* --rules DIR ("none": no rules) */

/* Takes "--db PATH" (and "--rules DIR") out of argv; the rest stays in order. */
static const char *take_db(int *argc, char **argv)
{
	const char *db = NULL;
	int i, o = 0;

	for (i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < *argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--rules") == 0 && i + 1 < *argc)
			rules_dir = argv[++i];
		else
			argv[o++] = argv[i];
	}
	*argc = o;
	return db;
}

static int open_ledger(const char *cmd, const char *db, yb_ledger **l)
{
	int rc;

	if (!db) {
		cli_error("%s: --db PATH is required", cmd);
		return 2;
	}
	if ((rc = yb_ledger_open(l, db)) < 0)
		return fail(cmd, rc);
	if (rules_dir && (rc = yb_ledger_set_rules(*l, rules_dir)) < 0) {
		yb_ledger_close(*l);
		*l = NULL;
		return fail(cmd, rc);
	}
	return 0;
}

int cmd_load(int argc, char **argv)
{
	const char *db = take_db(&argc, argv);
	yb_buf report = YB_BUF_INIT;
	yb_ledger *l;
	int rc, code;

	if (argc < 2) {
		cli_error("usage: yibao load --db PATH FILE.jsonl...");
		return 2;
	}
	if ((code = open_ledger("load", db, &l)))
		return code;
	rc = yb_ledger_load_files(l, argv + 1, argc - 1, &report);
	if (report.ptr)
		fputs(report.ptr, stdout);
	code = rc < 0 ? fail("load", rc) : 0;
	yb_buf_free(&report);
	yb_ledger_close(l);
	return code;
}

int cmd_settle(int argc, char **argv)
{
	const char *db = take_db(&argc, argv), *file = "-";
	yb_buf in = YB_BUF_INIT, out = YB_BUF_INIT;
	yb_ledger *l = NULL;
	int rc, code, dry = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else
			file = argv[i];
	}
	if ((code = open_ledger("settle", db, &l)))
		return code;
	if ((rc = yb_buf_read_file(&in, file, MAX_SETTLE_INPUT)) < 0 ||
	    (rc = yb_ledger_settle_json(l, in.ptr, in.len, dry, &out)) < 0) {
		code = fail("settle", rc);
	} else {
		fwrite(out.ptr, 1, out.len, stdout);
		fputc('\n', stdout);
	}
	yb_buf_free(&in);
	yb_buf_free(&out);
	yb_ledger_close(l);
	return code;
}

int cmd_cancel(int argc, char **argv)
{
	const char *db = take_db(&argc, argv), *setl_id = NULL, *msgid = NULL, *code_ = NULL;
	yb_buf out = YB_BUF_INIT;
	yb_ledger *l = NULL;
	int rc, code, i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--setl-id") == 0)
			setl_id = argv[i + 1];
		else if (strcmp(argv[i], "--msgid") == 0)
			msgid = argv[i + 1];
		else if (strcmp(argv[i], "--fixmedins-code") == 0)
			code_ = argv[i + 1];
		else
			break;
	}
	if (i != argc || !setl_id || !msgid || !code_) {
		cli_error("usage: yibao cancel --db PATH --setl-id ID --msgid MSGID --fixmedins-code CODE");
		return 2;
	}
	if ((code = open_ledger("cancel", db, &l)))
		return code;
	if ((rc = yb_ledger_cancel(l, code_, msgid, setl_id, &out)) < 0) {
		code = fail("cancel", rc);
	} else {
		fwrite(out.ptr, 1, out.len, stdout);
		fputc('\n', stdout);
	}
	yb_buf_free(&out);
	yb_ledger_close(l);
	return code;
}

static void anchor_problem(const char *msg, void *arg)
{
	yb_buf_printf(arg, "violation: %s\n", msg);
}

/* The audit chain's head against the anchor file kept outside the store,
 * then the head appended to it (yb_store_audit_anchor). */
static int check_anchor(yb_ledger *l, const char *path, yb_buf *report, long *violations)
{
	long bad = 0;
	int rc = yb_store_audit_anchor(yb_ledger_store(l), path, anchor_problem, report, &bad);

	if (rc < 0)
		return rc;
	*violations += bad;
	yb_buf_printf(report, "audit anchor %s: %s\n", path, bad ? "the log does not keep what it anchored"
							       : "the log keeps every anchored head; head appended");
	return 0;
}

int cmd_check(int argc, char **argv)
{
	const char *db = take_db(&argc, argv), *anchor = NULL, *key = NULL;
	yb_buf report = YB_BUF_INIT;
	yb_ledger *l = NULL;
	long violations = 0;
	int rc, code, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--audit-anchor") == 0 && i + 1 < argc)
			anchor = argv[++i];
		else if (strcmp(argv[i], "--audit-key") == 0 && i + 1 < argc)
			key = argv[++i];
		else {
			cli_error("usage: yibao check --db PATH [--audit-key FILE] [--audit-anchor FILE]");
			return 2;
		}
	}
	if (yb_audit_key_load(key) < 0) {
		cli_error("check: %s", yb_error_msg());
		return 2;
	}
	if ((code = open_ledger("check", db, &l)))
		return code;
	if ((rc = yb_ledger_check(l, &report, &violations)) < 0 ||
	    (anchor && (rc = check_anchor(l, anchor, &report, &violations)) < 0))
		code = fail("check", rc);
	else
		code = violations ? 1 : 0;
	if (!yb_audit_keyed())
		yb_buf_puts(&report, "note: the audit chain is checked without its key (--audit-key):"
				     " keyed rows are counted, not verified\n");
	if (report.ptr)
		fputs(report.ptr, code ? stderr : stdout);
	yb_buf_free(&report);
	yb_ledger_close(l);
	return code;
}
