/* Golden cases of the enrolment rules: each file in tests/enroll/cases holds
 * an operation, its input and the part of the output that POLICY.md fixes,
 * computed by hand. This runner runs the operation in-process and checks
 * the expected part against the actual output.
 *
 * A case file:
 *   {"rules": ["N5", ...], "about": "one sentence", "op": "enrol",
 *    "input": {...}, "expected": {...}}        or   "error": "substring"
 * op: enrol, benefit, retire, remote, chronic, bind (yb_enrol_json);
 * reconcile (input {"enrolments": {...}, "payments": ["csv line", ...]});
 * policy (input {"lines": ["json line", ...]}, expected {"diagnostics":
 * ["t.enrol.json:LINE: path: message", ...]}, the file as written).
 *
 * Matching: both documents are flattened into (path, value) pairs, such as
 * dues[0].begndate = "2024-03-01"; every expected pair must be in the
 * output: numbers equal as decimals (40 == 40.00), strings and booleans
 * exactly, arrays of the same length, and an expected null means absent or
 * null. Every rule id a case cites must be cited by the output ("rule").
 *
 * usage: enroll_golden [--require N1,N2,...] CASE.json...
 *   --require: fail unless every listed rule id has a passing case. */
#include "yibao/buf.h"
#include "yibao/enroll.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CASE (4u << 20)
#define MAX_PATH 256

/* ----------------------------------------------------------- flattening */

typedef struct pair {
	char path[MAX_PATH];
	const yb_json *v; /* a scalar, or an array (its length is compared) */
} pair;

typedef struct flat {
	pair *p;
	size_t n, cap;
} flat;

static void add(flat *f, const char *path, const yb_json *v)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		pair *p = realloc(f->p, cap * sizeof(*p));
		if (!p) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		f->p = p;
		f->cap = cap;
	}
	snprintf(f->p[f->n].path, MAX_PATH, "%s", path);
	f->p[f->n++].v = v;
}

static void flatten(flat *f, const yb_json *v, const char *path)
{
	char sub[MAX_PATH];
	const yb_json *c;
	size_t i = 0;

	if (v->type == YB_JSON_OBJECT) {
		for (c = v->child; c; c = c->next) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", c->key);
			flatten(f, c, sub);
		}
		return;
	}
	add(f, path, v);
	if (v->type == YB_JSON_ARRAY)
		for (c = v->child; c; c = c->next, i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			flatten(f, c, sub);
		}
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const pair *)a)->path, ((const pair *)b)->path);
}

static const yb_json *lookup(const flat *f, const char *path)
{
	pair key;
	const pair *hit;

	snprintf(key.path, sizeof(key.path), "%s", path);
	hit = bsearch(&key, f->p, f->n, sizeof(*f->p), by_path);
	return hit ? hit->v : NULL;
}

static const char *text(char *buf, size_t n, const yb_json *v)
{
	if (!v)
		snprintf(buf, n, "(absent)");
	else if (v->type == YB_JSON_STRING)
		snprintf(buf, n, "\"%s\"", v->str);
	else if (v->type == YB_JSON_NUMBER)
		snprintf(buf, n, "%.*s", (int)v->len, v->str);
	else if (v->type == YB_JSON_ARRAY)
		snprintf(buf, n, "an array of %zu", v->len);
	else if (v->type == YB_JSON_OBJECT)
		snprintf(buf, n, "an object");
	else
		snprintf(buf, n, "%s", v->type == YB_JSON_TRUE ? "true" : v->type == YB_JSON_FALSE ? "false" : "null");
	return buf;
}

static int same(const yb_json *e, const yb_json *a)
{
	int64_t x, y;

	if (e->type == YB_JSON_NULL)
		return !a || a->type == YB_JSON_NULL;
	if (!a || a->type != e->type)
		return 0;
	switch (e->type) {
	case YB_JSON_NUMBER:
		return yb_decimal_parse(&x, e->str, e->len, 6) == 0 &&
		       yb_decimal_parse(&y, a->str, a->len, 6) == 0 && x == y;
	case YB_JSON_STRING:
		return strcmp(e->str, a->str) == 0;
	case YB_JSON_ARRAY:
		return e->len == a->len;
	default:
		return 1;
	}
}

/* ---------------------------------------------------------------- cases */

typedef struct verdict {
	char msg[1024];
	int failed;
} verdict;

static void fail(verdict *vd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(verdict *vd, const char *fmt, ...)
{
	va_list ap;
	if (vd->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(vd->msg, sizeof(vd->msg), fmt, ap);
	va_end(ap);
}

static void compare(verdict *vd, const yb_json *expected, const yb_json *actual)
{
	flat e = {0}, a = {0};
	char x[160], y[160];
	size_t i;

	flatten(&e, expected, "");
	flatten(&a, actual, "");
	qsort(a.p, a.n, sizeof(*a.p), by_path);
	for (i = 0; i < e.n; i++) {
		const yb_json *got = lookup(&a, e.p[i].path);
		if (!same(e.p[i].v, got))
			fail(vd, "%s: expected %s got %s", e.p[i].path, text(x, sizeof(x), e.p[i].v),
			     text(y, sizeof(y), got));
	}
	free(e.p);
	free(a.p);
}

/* Every rule the case cites is cited by some "rule" of the output. */
static void cites(verdict *vd, const yb_json *rules, const yb_json *actual)
{
	flat a = {0};
	const yb_json *r;
	size_t i;

	flatten(&a, actual, "");
	for (r = rules->child; r; r = r->next) {
		int found = 0;
		for (i = 0; i < a.n && !found; i++) {
			const char *dot = strrchr(a.p[i].path, '.');
			found = dot && strcmp(dot, ".rule") == 0 && a.p[i].v->type == YB_JSON_STRING &&
				strcmp(a.p[i].v->str, r->str) == 0;
		}
		if (!found)
			fail(vd, "rules: the output cites no %s", r->str);
	}
	free(a.p);
}

/* Joins the strings of arr with newlines into b. */
static int join_lines(yb_buf *b, const yb_json *arr)
{
	const yb_json *c;

	if (!arr || arr->type != YB_JSON_ARRAY)
		return -1;
	for (c = arr->child; c; c = c->next) {
		if (c->type != YB_JSON_STRING)
			return -1;
		yb_buf_put(b, c->str, c->len);
		yb_buf_putc(b, '\n');
	}
	return 0;
}

/* --------------------------------------------------------------- policies */

static char policy_dir[4096] = "policies";
static struct {
	char admdvs[8];
	yb_enrol_policy *ep;
	yb_policy *sp;
} loaded;

static int policies_for(const char *admdvs, verdict *vd)
{
	char path[4200];
	yb_diag diag = {0};

	if (loaded.ep && strcmp(loaded.admdvs, admdvs) == 0)
		return 0;
	yb_enrol_policy_free(loaded.ep);
	yb_policy_free(loaded.sp);
	memset(&loaded, 0, sizeof(loaded));
	snprintf(path, sizeof(path), "%s/%s.enrol.json", policy_dir, admdvs);
	if (yb_enrol_policy_load(&loaded.ep, path, &diag) < 0) {
		fail(vd, "policy: %s", diag.text ? diag.text : yb_error_msg());
		yb_diag_free(&diag);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.json", policy_dir, admdvs);
	if (yb_policy_load(&loaded.sp, path, &diag) < 0) {
		fail(vd, "policy: %s", diag.text ? diag.text : yb_error_msg());
		yb_diag_free(&diag);
		return -1;
	}
	snprintf(loaded.admdvs, sizeof(loaded.admdvs), "%s", admdvs);
	return 0;
}

/* ------------------------------------------------------------------ run */

/* Runs op; the output JSON into out, or the error message into err. */
static int run_op(verdict *vd, const char *op, const yb_json *in, yb_buf *out, int *rc)
{
	const yb_json *a = yb_json_get(in, "admdvs");
	yb_buf csv = YB_BUF_INIT;

	if (strcmp(op, "policy") == 0) {
		yb_buf t = YB_BUF_INIT;
		yb_diag diag = {0};
		yb_enrol_policy *ep = NULL;
		yb_jw w;
		const char *s;
		if (join_lines(&t, yb_json_get(in, "lines")) < 0) {
			fail(vd, "input.lines: an array of strings");
			yb_buf_free(&t);
			return -1;
		}
		*rc = yb_enrol_policy_parse(&ep, t.ptr ? t.ptr : "", t.len, "t.enrol.json", &diag);
		yb_jw_init(&w, out);
		yb_jw_obj(&w, NULL);
		yb_jw_arr(&w, "diagnostics");
		for (s = diag.text; s && *s;) {
			const char *nl = strchr(s, '\n');
			yb_jw_strn(&w, NULL, s, (size_t)(nl - s));
			s = nl + 1;
		}
		yb_jw_end(&w, ']');
		yb_jw_end(&w, '}');
		yb_enrol_policy_free(ep);
		yb_diag_free(&diag);
		yb_buf_free(&t);
		*rc = 0; /* the diagnostics are the output */
		return 0;
	}
	if (strcmp(op, "reconcile") == 0) {
		const yb_json *enr = yb_json_get(in, "enrolments");
		if (!enr || join_lines(&csv, yb_json_get(in, "payments")) < 0) {
			fail(vd, "input: {\"enrolments\": {...}, \"payments\": [lines]}");
			yb_buf_free(&csv);
			return -1;
		}
		a = yb_json_get(enr, "admdvs");
		if (!a || a->type != YB_JSON_STRING || policies_for(a->str, vd) < 0) {
			if (!vd->failed)
				fail(vd, "input.enrolments.admdvs: missing");
			yb_buf_free(&csv);
			return -1;
		}
		*rc = yb_payfile_reconcile_json(out, enr, csv.ptr ? csv.ptr : "", csv.len, "payments.csv",
						loaded.ep, 0);
		yb_buf_free(&csv);
		return 0;
	}
	if (!a || a->type != YB_JSON_STRING || policies_for(a->str, vd) < 0) {
		if (!vd->failed)
			fail(vd, "input.admdvs: missing");
		return -1;
	}
	*rc = yb_enrol_json(out, op, in, loaded.ep, loaded.sp);
	return 0;
}

static int shape(verdict *vd, const yb_json *root)
{
	const yb_json *rules = yb_json_get(root, "rules"), *r;
	const yb_json *exp = yb_json_get(root, "expected"), *err = yb_json_get(root, "error");
	const yb_json *op = yb_json_get(root, "op"), *about = yb_json_get(root, "about");

	if (root->type != YB_JSON_OBJECT || !rules || rules->type != YB_JSON_ARRAY || !rules->len) {
		fail(vd, "rules: a non-empty array of rule ids is required");
		return -1;
	}
	for (r = rules->child; r; r = r->next)
		if (r->type != YB_JSON_STRING) {
			fail(vd, "rules: rule ids are strings");
			return -1;
		}
	if (!about || about->type != YB_JSON_STRING || !op || op->type != YB_JSON_STRING) {
		fail(vd, "about and op: strings are required");
		return -1;
	}
	if (!yb_json_get(root, "input") || yb_json_get(root, "input")->type != YB_JSON_OBJECT) {
		fail(vd, "input: an object is required");
		return -1;
	}
	if (!exp == !err || (exp && exp->type != YB_JSON_OBJECT) || (err && err->type != YB_JSON_STRING)) {
		fail(vd, "exactly one of \"expected\" (object) and \"error\" (string)");
		return -1;
	}
	return 0;
}

static void run_case(verdict *vd, const yb_json *root)
{
	const char *op = yb_json_get(root, "op")->str;
	const yb_json *exp = yb_json_get(root, "expected"), *err = yb_json_get(root, "error");
	yb_buf out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	int rc = 0;

	yb_error_clear();
	if (run_op(vd, op, yb_json_get(root, "input"), &out, &rc) < 0)
		goto done;
	if (err) {
		if (rc == 0)
			fail(vd, "expected an error containing \"%s\" got success", err->str);
		else if (!strstr(yb_error_msg(), err->str))
			fail(vd, "expected an error containing \"%s\" got \"%s\"", err->str, yb_error_msg());
		goto done;
	}
	if (rc < 0) {
		fail(vd, "%s failed: %s", op, yb_error_msg());
		goto done;
	}
	if (yb_json_parse(&doc, out.ptr, out.len, NULL) < 0) {
		fail(vd, "output is not JSON: %s", yb_error_msg());
		goto done;
	}
	compare(vd, exp, yb_json_root(doc));
	if (strcmp(op, "policy") != 0)
		cites(vd, yb_json_get(root, "rules"), yb_json_root(doc));
done:
	yb_json_free(doc);
	yb_buf_free(&out);
}

/* Policies: $YIBAO_POLICY_DIR, ./policies, or the tree's beside build/tests. */
static void find_policies(const char *argv0)
{
	const char *env = getenv("YIBAO_POLICY_DIR"), *slash = strrchr(argv0, '/');

	if (env)
		snprintf(policy_dir, sizeof(policy_dir), "%s", env);
	else if (access("policies", R_OK) != 0 && slash)
		snprintf(policy_dir, sizeof(policy_dir), "%.*s/../../policies", (int)(slash - argv0), argv0);
}

int main(int argc, char **argv)
{
	char required[512] = "", passed_rules[4096] = " ";
	int i = 1, failed = 0, n = 0;

	if (argc > 2 && strcmp(argv[1], "--require") == 0) {
		snprintf(required, sizeof(required), "%s", argv[2]);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--require N1,N2,...] CASE.json...\n", argv[0]);
		return 2;
	}
	find_policies(argv[0]);
	for (; i < argc; i++, n++) {
		yb_buf t = YB_BUF_INIT;
		yb_json_doc *doc = NULL;
		verdict vd;

		memset(&vd, 0, sizeof(vd));
		if (yb_buf_read_file(&t, argv[i], MAX_CASE) < 0)
			fail(&vd, "cannot read: %s", yb_error_msg());
		else if (yb_json_parse(&doc, t.ptr, t.len, NULL) < 0)
			fail(&vd, "not JSON: %s", yb_error_msg());
		else if (shape(&vd, yb_json_root(doc)) == 0)
			run_case(&vd, yb_json_root(doc));
		if (vd.failed) {
			failed++;
			printf("FAIL %s: %s%s\n", argv[i], vd.msg, vd.failed > 1 ? " (and more)" : "");
		} else {
			const yb_json *r;
			printf("ok   %s\n", argv[i]);
			for (r = yb_json_get(yb_json_root(doc), "rules")->child; r; r = r->next) {
				size_t used = strlen(passed_rules);
				snprintf(passed_rules + used, sizeof(passed_rules) - used, "%s ", r->str);
			}
		}
		yb_json_free(doc);
		yb_buf_free(&t);
	}
	printf("enroll golden: %d cases, %d passed, %d failed\n", n, n - failed, failed);
	if (required[0]) {
		char *s = required, *comma;
		for (;; s = comma + 1) {
			char want[32];
			comma = strchr(s, ',');
			snprintf(want, sizeof(want), " %.*s ", comma ? (int)(comma - s) : (int)strlen(s), s);
			if (!strstr(passed_rules, want)) {
				printf("FAIL: no passing case cites%s\n", want);
				failed++;
			}
			if (!comma)
				break;
		}
	}
	yb_enrol_policy_free(loaded.ep);
	yb_policy_free(loaded.sp);
	return failed ? 1 : 0;
}
