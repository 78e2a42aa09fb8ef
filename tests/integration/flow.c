/* Runs HIS flows kept as data against a real `yibao serve`
 * (tests/integration/flows/README.md has the format):
 *
 *   build/tests/flow --url URL --data DATA.jsonl [--restart CMD] FLOWDIR...
 *
 * Each FLOWDIR holds steps, run in the order of their file names:
 *   NN-what.json         a request (an envelope, or {"infno","input"} with
 *                        meta members, below); its answer must match
 *   NN-what.expect.json  the expected answer: a pattern (below)
 *   NN-restart           no request: runs CMD (restarts the server)
 *   NN-sleep-MS          no request: a pause of MS milliseconds
 * Request meta members (removed before sending): "_as" the institution
 * that signs (default: fixmedins_code), "_secret" another secret,
 * "_ts_offset" seconds added to the timestamp, "_nonce" a fixed nonce,
 * "_omit" a header not to send, "_paasid" another x-tif-paasid, "_raw" a
 * body sent as it is instead of the envelope, "_pad" spaces appended to
 * the body, "_long_string" N: a member "x" of N letters added to the
 * envelope, "_repeat_line" N: input.feedetail[0] sent N times (feedetl_sn
 * suffixed -1, -2, ...).
 * Patterns: an object matches when each of its members matches the
 * answer's (the answer may have more); an array when it has as many
 * elements and each matches; "*" anything present; "{{name}}" binds name
 * to the value the first time and must equal it afterwards; "~text" a
 * string containing text; other scalars the same text. {{name}} inside a
 * request or a longer expected string is replaced by its bound value.
 * Meta members of a pattern: "_status" the HTTP status (default 200),
 * "_same_as": "NN" the body byte for byte the same as step NN's,
 * "_same_setl_as": "NN" setlinfo and setldetail equal to step NN's but
 * for setl_id, setl_time and medins_setl_id, "_identities": true the four identities of
 * NHSA.md hold in output.setlinfo, "_file": the answer is a file (9102):
 * a ZIP of one entry named "name", holding "rows" lines of "cols"
 * tab-separated columns; "row"[i] gives line i's non-empty columns by
 * number ({"0": "XA10...", "82": "..."}), every other column must be
 * empty. Institutions and their secrets come
 * from the fixmedins records of DATA.jsonl. FLOW_VERBOSE=1 prints every
 * answer; FLOW_ANSWERS=FILE appends each JSON answer to FILE, one a line
 * (tests/integration/answer_check.c); FLOW_SCAN=FILE appends each as a
 * line "nhsa INFNO<TAB>answer" (the personal-data scan of `make test`).
 *
 * The resend check: after every flow has run, each step that was a durable
 * transaction (TXN_F_LEDGER in the table of src/nhsa/txn_table.c) and was
 * answered HTTP 200 with infcode 0 is sent again, the same body with the
 * same msgid, signed afresh (a new timestamp and nonce): once after one
 * pause of 2 s for the whole run, once more after CMD restarts the server
 * (without --restart, only the first). Each answer must be the first answer
 * byte for byte, but for two kinds that answer otherwise by design:
 * 3501-3503 keep no idempotency record (recomputed(), below) and must
 * answer infcode 0 with the same output; a message a 2601 of the run
 * reversed must be refused as reversed (was_reversed(), below). */
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/money.h"
#include "yibao/http.h"
#include "yibao/nhsa.h"
#include "yibao/zip.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STEPS 200
#define MAX_VARS 256
#define MAX_INST 64

typedef struct inst {
	char code[40];
	char secret[128];
} inst;

typedef struct var {
	char name[64];
	char *value;
} var;

/* A message as sent: its signer and body; with the first answer, what the
 * resend check sends again. */
typedef struct sent {
	char where[160]; /* flow/step */
	char infno[8];
	char fixmedins[40], msgid[64];
	char reversed[64]; /* a 2601 answered "reversed": the msgid it reversed */
	char paasid[64];
	char secret[128];
	char *msg;
	size_t len;
	char *answer;
} sent;

typedef struct run {
	yb_http_url url;
	const char *restart;
	inst inst[MAX_INST];
	int n_inst;
	var vars[MAX_VARS];
	int n_vars;
	/* this flow's answers, by step number */
	char *answers[MAX_STEPS];
	char step_no[MAX_STEPS][8];
	int n_answers;
	int pass, fail;
	unsigned serial;
	/* the durable messages answered with infcode 0, of every flow */
	sent *resends;
	int n_resends, cap_resends;
} run;

static const char *var_get(const run *r, const char *name, size_t n)
{
	int i;
	for (i = 0; i < r->n_vars; i++)
		if (strlen(r->vars[i].name) == n && memcmp(r->vars[i].name, name, n) == 0)
			return r->vars[i].value;
	return NULL;
}

static void var_set(run *r, const char *name, size_t n, const char *val, size_t len)
{
	char *v;

	if (n >= sizeof(r->vars[0].name) || r->n_vars == MAX_VARS || !(v = malloc(len + 1)))
		return;
	memcpy(v, val, len);
	v[len] = '\0';
	memcpy(r->vars[r->n_vars].name, name, n);
	r->vars[r->n_vars].name[n] = '\0';
	r->vars[r->n_vars++].value = v;
}

/* Replaces {{name}} of bound names; unbound ones stay (a pattern binds them). */
static void substitute(const run *r, yb_buf *out, const char *s, size_t n, int escape)
{
	const char *end = s + n;

	while (s < end) {
		const char *o = strstr(s, "{{"), *c, *v;
		if (!o || o >= end) {
			yb_buf_put(out, s, (size_t)(end - s));
			return;
		}
		yb_buf_put(out, s, (size_t)(o - s));
		c = strstr(o + 2, "}}");
		if (c && c < end && (v = var_get(r, o + 2, (size_t)(c - o - 2)))) {
			if (escape) {
				yb_buf e = YB_BUF_INIT;
				yb_json_escape(&e, v, strlen(v));
				yb_buf_put(out, e.ptr + 1, e.len - 2);
				yb_buf_free(&e);
			} else {
				yb_buf_puts(out, v);
			}
			s = c + 2;
		} else {
			yb_buf_put(out, o, 2);
			s = o + 2;
		}
	}
}

/* ------------------------------------------------------------ matching */

static void path_push(char *path, size_t cap, size_t *len, const char *key, long idx)
{
	int n = key ? snprintf(path + *len, cap - *len, "%s%s", *len ? "." : "", key)
		    : snprintf(path + *len, cap - *len, "[%ld]", idx);
	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

static const char *type_name(yb_json_type t)
{
	static const char *const names[] = {"null", "false", "true", "number", "string", "array", "object"};
	return names[t];
}

/* 0 on a match; else writes why into why. */
static int match(run *r, const yb_json *want, const yb_json *got, char *path, size_t cap,
		 size_t plen, char *why, size_t wcap)
{
	const yb_json *w, *g;
	long i;

	if (want->type == YB_JSON_STRING && strcmp(want->str, "*") == 0) {
		if (!got)
			return snprintf(why, wcap, "%s: missing", path), -1;
		return 0;
	}
	if (!got)
		return snprintf(why, wcap, "%s: missing", path), -1;
	if (want->type == YB_JSON_STRING && want->len > 4 && strncmp(want->str, "{{", 2) == 0 &&
	    strcmp(want->str + want->len - 2, "}}") == 0 && !strchr(want->str + 2, '{')) {
		const char *name = want->str + 2, *v;
		size_t n = want->len - 4;
		if (got->type != YB_JSON_STRING && got->type != YB_JSON_NUMBER)
			return snprintf(why, wcap, "%s: %s, want a value for {{%.*s}}", path,
					type_name(got->type), (int)n, name), -1;
		if (!(v = var_get(r, name, n))) {
			var_set(r, name, n, got->str, got->len);
			return 0;
		}
		if (strlen(v) != got->len || memcmp(v, got->str, got->len) != 0)
			return snprintf(why, wcap, "%s: \"%.*s\", want {{%.*s}} = \"%s\"", path,
					(int)got->len, got->str, (int)n, name, v), -1;
		return 0;
	}
	if (want->type == YB_JSON_STRING || want->type == YB_JSON_NUMBER) {
		yb_buf ws = YB_BUF_INIT;
		int ok, contains = want->type == YB_JSON_STRING && want->str[0] == '~';
		substitute(r, &ws, want->str + contains, want->len - (size_t)contains, 0);
		if (got->type != YB_JSON_STRING && got->type != YB_JSON_NUMBER)
			ok = 0;
		else if (contains)
			ok = got->str && strstr(got->str, ws.ptr ? ws.ptr : "") != NULL;
		else
			ok = ws.len == got->len && memcmp(ws.ptr ? ws.ptr : "", got->str, got->len) == 0;
		if (!ok)
			snprintf(why, wcap, "%s: %s%.*s%s, want %s\"%s\"", path,
				 got->type == YB_JSON_STRING ? "\"" : "",
				 got->str ? (int)got->len : 4, got->str ? got->str : type_name(got->type),
				 got->type == YB_JSON_STRING ? "\"" : "", contains ? "text containing " : "",
				 ws.ptr ? ws.ptr : "");
		yb_buf_free(&ws);
		return ok ? 0 : -1;
	}
	if (want->type != got->type)
		return snprintf(why, wcap, "%s: %s, want %s", path, type_name(got->type),
				type_name(want->type)), -1;
	if (want->type == YB_JSON_OBJECT) {
		for (w = want->child; w; w = w->next) {
			size_t l = plen;
			if (w->key[0] == '_')
				continue;
			path_push(path, cap, &l, w->key, 0);
			if (match(r, w, yb_json_get(got, w->key), path, cap, l, why, wcap) < 0)
				return -1;
			path[plen] = '\0';
		}
		return 0;
	}
	if (want->type == YB_JSON_ARRAY) {
		if (want->len != got->len)
			return snprintf(why, wcap, "%s: %zu elements, want %zu", path, got->len,
					want->len), -1;
		for (w = want->child, g = got->child, i = 0; w; w = w->next, g = g->next, i++) {
			size_t l = plen;
			path_push(path, cap, &l, NULL, i);
			if (match(r, w, g, path, cap, l, why, wcap) < 0)
				return -1;
			path[plen] = '\0';
		}
	}
	return 0;
}

/* The four identities of NHSA.md over output.setlinfo. */
static int identities(const yb_json *root, char *why, size_t wcap)
{
	static const char *const names[] = {
		"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
		"inscp_scp_amt", "fund_pay_sumamt", "psn_part_amt", "hosp_part_amt", "acct_pay",
		"psn_cash_pay", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay",
		"maf_pay", "oth_pay"};
	const yb_json *s = yb_json_get(yb_json_get(root, "output"), "setlinfo");
	int64_t a[17];
	size_t k;

	if (!s)
		return snprintf(why, wcap, "output.setlinfo: missing"), -1;
	for (k = 0; k < 17; k++) {
		const yb_json *v = yb_json_get(s, names[k]);
		if (!v || !v->str || yb_decimal_parse(&a[k], v->str, v->len, YB_SCALE_MONEY) < 0)
			return snprintf(why, wcap, "output.setlinfo.%s: not an amount", names[k]), -1;
	}
	if (a[0] != a[1] + a[2] + a[3] + a[4])
		return snprintf(why, wcap, "medfee_sumamt != the four scope sums"), -1;
	if (a[0] != a[5] + a[6] + a[7])
		return snprintf(why, wcap, "medfee_sumamt != fund + person + hospital"), -1;
	if (a[6] != a[8] + a[9])
		return snprintf(why, wcap, "psn_part_amt != acct_pay + psn_cash_pay"), -1;
	if (a[5] != a[10] + a[11] + a[12] + a[13] + a[14] + a[15] + a[16])
		return snprintf(why, wcap, "fund_pay_sumamt != the funds"), -1;
	return 0;
}

/* The ids each settlement message has of its own: setl_id, setl_time and
 * medins_setl_id (the message's msgid). */
static int own_id(const char *key)
{
	return !strcmp(key, "setl_id") || !strcmp(key, "setl_time") || !strcmp(key, "medins_setl_id");
}

/* setlinfo and setldetail of two answers equal but for their own ids. */
static int same_setl(const char *a, const char *b, char *why, size_t wcap)
{
	static const char *const parts[] = {"setlinfo", "setldetail"};
	yb_json_doc *da = NULL, *db = NULL;
	int k, rc = 0;

	if (yb_json_parse(&da, a, strlen(a), NULL) < 0 || yb_json_parse(&db, b, strlen(b), NULL) < 0) {
		rc = -1;
		snprintf(why, wcap, "not JSON");
		goto done;
	}
	for (k = 0; k < 2 && !rc; k++) {
		const yb_json *x = yb_json_get(yb_json_get(yb_json_root(da), "output"), parts[k]);
		const yb_json *y = yb_json_get(yb_json_get(yb_json_root(db), "output"), parts[k]);
		yb_buf bx = YB_BUF_INIT, by = YB_BUF_INIT;
		yb_jw wx, wy;
		const yb_json *m;
		if (!x || !y) {
			rc = -1;
			snprintf(why, wcap, "output.%s: missing", parts[k]);
			break;
		}
		/* re-serialise without the ids that must differ */
		yb_jw_init(&wx, &bx);
		yb_jw_init(&wy, &by);
		if (x->type == YB_JSON_OBJECT && y->type == YB_JSON_OBJECT) {
			yb_jw_obj(&wx, NULL);
			for (m = x->child; m; m = m->next)
				if (!own_id(m->key))
					yb_jw_value(&wx, m->key, m);
			yb_jw_end(&wx, '}');
			yb_jw_obj(&wy, NULL);
			for (m = y->child; m; m = m->next)
				if (!own_id(m->key))
					yb_jw_value(&wy, m->key, m);
			yb_jw_end(&wy, '}');
		} else {
			yb_jw_value(&wx, NULL, x);
			yb_jw_value(&wy, NULL, y);
		}
		if (bx.len != by.len || memcmp(bx.ptr, by.ptr, bx.len) != 0) {
			size_t i = 0;
			while (i < bx.len && i < by.len && bx.ptr[i] == by.ptr[i])
				i++;
			rc = -1;
			snprintf(why, wcap, "output.%s differs at byte %zu: ...%.60s vs ...%.60s",
				 parts[k], i, bx.ptr + (i > 20 ? i - 20 : 0), by.ptr + (i > 20 ? i - 20 : 0));
		}
		yb_buf_free(&bx);
		yb_buf_free(&by);
	}
done:
	yb_json_free(da);
	yb_json_free(db);
	return rc;
}

/* ------------------------------------------------------------ sending */

static const inst *find_inst(const run *r, const char *code)
{
	int i;
	for (i = 0; i < r->n_inst; i++)
		if (strcmp(r->inst[i].code, code) == 0)
			return &r->inst[i];
	return NULL;
}

static const char *meta_str(const yb_json *root, const char *key)
{
	const yb_json *v = yb_json_get(root, key);
	return v && (v->type == YB_JSON_STRING || v->type == YB_JSON_NUMBER) ? v->str : NULL;
}

/* Signs msg as an institution does (x-tif-timestamp now + offset seconds,
 * a random x-tif-nonce unless nonce_fixed) and posts it; omit: a header
 * not sent. The answer in body. */
static int post(const run *r, const char *paasid, const char *secret, long offset,
		const char *nonce_fixed, const char *omit, const char *msg, size_t len, int *status,
		yb_buf *body, char *why, size_t wcap)
{
	char ts[24], nonce[40], sig[65];
	unsigned char rnd[12];
	yb_http_hdr h[5];
	size_t i;

	snprintf(ts, sizeof(ts), "%lld", (long long)(time(NULL) + offset));
	if (nonce_fixed) {
		snprintf(nonce, sizeof(nonce), "%s", nonce_fixed);
	} else {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return snprintf(why, wcap, "no random bytes for a nonce"), -1;
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	}
	yb_auth_sign(sig, ts, secret, nonce);
	h[0] = (yb_http_hdr){"x-tif-paasid", paasid};
	h[1] = (yb_http_hdr){"x-tif-timestamp", ts};
	h[2] = (yb_http_hdr){"x-tif-nonce", nonce};
	h[3] = (yb_http_hdr){"x-tif-signature", sig};
	h[4] = (yb_http_hdr){"Content-Type", "application/json;charset=UTF-8"};
	for (i = 0; omit && i < 4; i++)
		if (strcmp(h[i].name, omit) == 0)
			h[i].value = NULL;
	if (yb_http_post(&r->url, h, 5, msg ? msg : "", len, 30, status, body) < 0)
		return snprintf(why, wcap, "%s", yb_error_msg()), -1;
	return 0;
}

/* Builds and sends the request of a step file; the answer in body, the
 * message as sent and its signer in s (s->msg malloc'd; the caller frees
 * it). */
static int send_step(run *r, const char *file, sent *s, int *status, yb_buf *body, char *why,
		     size_t wcap)
{
	yb_buf raw = YB_BUF_INIT, text = YB_BUF_INIT, msg = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	const yb_json *root, *c;
	const char *as, *secret, *nonce_fixed, *omit, *rawbody, *paasid;
	const inst *in;
	char ts[24], msgid[40], when[24];
	yb_now now;
	yb_jw w;
	long offset = 0, pad = 0, longstr = 0, repeat = 0, j;
	size_t i, k;
	int rc = -1;

	if (yb_buf_read_file(&raw, file, 8u << 20) < 0) {
		snprintf(why, wcap, "%s", yb_error_msg());
		goto done;
	}
	substitute(r, &text, raw.ptr ? raw.ptr : "", raw.len, 1);
	if (yb_json_parse(&doc, text.ptr ? text.ptr : "", text.len, NULL) < 0) {
		snprintf(why, wcap, "request: %s", yb_error_msg());
		goto done;
	}
	root = yb_json_root(doc);
	as = meta_str(root, "_as");
	if (!as)
		as = meta_str(root, "fixmedins_code");
	if (!as || !(in = find_inst(r, as))) {
		snprintf(why, wcap, "request: no institution (_as or fixmedins_code) with a secret in the data");
		goto done;
	}
	secret = meta_str(root, "_secret") ? meta_str(root, "_secret") : in->secret;
	nonce_fixed = meta_str(root, "_nonce");
	omit = meta_str(root, "_omit");
	rawbody = meta_str(root, "_raw");
	if (meta_str(root, "_ts_offset"))
		offset = strtol(meta_str(root, "_ts_offset"), NULL, 10);
	if (meta_str(root, "_pad"))
		pad = strtol(meta_str(root, "_pad"), NULL, 10);
	if (meta_str(root, "_long_string"))
		longstr = strtol(meta_str(root, "_long_string"), NULL, 10);
	if (meta_str(root, "_repeat_line"))
		repeat = strtol(meta_str(root, "_repeat_line"), NULL, 10);
	paasid = meta_str(root, "_paasid") ? meta_str(root, "_paasid") : in->code;

	yb_now_get(&now);
	yb_datetime_format(when, now.local);
	k = 0;
	for (i = 0; when[i] && k < 14; i++)
		if (when[i] >= '0' && when[i] <= '9')
			ts[k++] = when[i];
	ts[k] = '\0';
	snprintf(msgid, sizeof(msgid), "%.12s%s%04u", as, ts, r->serial++ % 10000);
	if (rawbody) {
		yb_buf_puts(&msg, rawbody);
	} else {
		yb_jw_init(&w, &msg);
		yb_jw_obj(&w, NULL);
		for (c = root->child; c; c = c->next) {
			const yb_json *fd = yb_json_get(c, "feedetail"), *m;
			if (c->key[0] == '_')
				continue;
			if (strcmp(c->key, "input") != 0 || !repeat || !fd || !fd->child) {
				yb_jw_value(&w, c->key, c);
				continue;
			}
			yb_jw_obj(&w, "input");
			yb_jw_arr(&w, "feedetail");
			for (j = 1; j <= repeat; j++) {
				char sn[64];
				yb_jw_obj(&w, NULL);
				for (m = fd->child->child; m; m = m->next)
					if (strcmp(m->key, "feedetl_sn") == 0) {
						snprintf(sn, sizeof(sn), "%s-%ld", m->str, j);
						yb_jw_str(&w, "feedetl_sn", sn);
					} else {
						yb_jw_value(&w, m->key, m);
					}
				yb_jw_end(&w, '}');
			}
			yb_jw_end(&w, ']');
			yb_jw_end(&w, '}');
		}
		if (longstr > 0) {
			char *x = malloc((size_t)longstr + 1);
			if (x) {
				memset(x, 'a', (size_t)longstr);
				x[longstr] = '\0';
				yb_jw_str(&w, "x", x);
				free(x);
			}
		}
		if (!yb_json_get(root, "msgid"))
			yb_jw_str(&w, "msgid", msgid);
		if (!yb_json_get(root, "inf_time"))
			yb_jw_str(&w, "inf_time", when);
		if (!yb_json_get(root, "fixmedins_code"))
			yb_jw_str(&w, "fixmedins_code", as);
		yb_jw_end(&w, '}');
	}
	for (; pad > 0; pad--)
		yb_buf_putc(&msg, ' ');
	if (msg.oom || !(s->msg = malloc(msg.len + 1))) {
		snprintf(why, wcap, "out of memory");
		goto done;
	}
	memcpy(s->msg, msg.ptr ? msg.ptr : "", msg.len);
	s->msg[msg.len] = '\0';
	s->len = msg.len;
	snprintf(s->infno, sizeof(s->infno), "%s", meta_str(root, "infno") ? meta_str(root, "infno") : "");
	snprintf(s->paasid, sizeof(s->paasid), "%s", paasid);
	snprintf(s->secret, sizeof(s->secret), "%s", secret);
	rc = post(r, paasid, secret, offset, nonce_fixed, omit, s->msg, s->len, status, body, why, wcap);
done:
	yb_json_free(doc);
	yb_buf_free(&raw);
	yb_buf_free(&text);
	yb_buf_free(&msg);
	return rc;
}

/* Column `col` of the line [s, e): *f and its length *n. */
static void column(const char *s, const char *e, long col, const char **f, size_t *n)
{
	const char *t;

	for (; col > 0 && s < e; s++)
		if (*s == '\t')
			col--;
	t = memchr(s, '\t', (size_t)(e - s));
	*f = s;
	*n = col > 0 ? 0 : (size_t)((t ? t : e) - s);
}

/* The "_file" pattern (above) against a file answer. */
static int file_check(const yb_json *spec, const yb_buf *body, char *why, size_t wcap)
{
	const char *name, *data, *s, *e, *f, *want_name = meta_str(spec, "name");
	const yb_json *rows = yb_json_get(spec, "row"), *row;
	long want_rows = meta_str(spec, "rows") ? strtol(meta_str(spec, "rows"), NULL, 10) : -1;
	long want_cols = meta_str(spec, "cols") ? strtol(meta_str(spec, "cols"), NULL, 10) : -1;
	long line, col, tabs;
	size_t nl, n, fn;
	char key[24];

	if (yb_zip_first(body->ptr ? body->ptr : "", body->len, &name, &nl, &data, &n) < 0)
		return snprintf(why, wcap, "answer not a file: %s: %.200s", yb_error_msg(),
				body->ptr ? body->ptr : ""), -1;
	if (want_name && (strlen(want_name) != nl || memcmp(want_name, name, nl) != 0))
		return snprintf(why, wcap, "file named %.*s, want %s", (int)nl, name, want_name), -1;
	row = rows ? rows->child : NULL;
	for (s = data, line = 0; s < data + n; s = e + 1, line++) {
		if (!(e = memchr(s, '\n', (size_t)(data + n - s))))
			return snprintf(why, wcap, "line %ld: no line break at the end", line + 1), -1;
		for (f = s, tabs = 0; f < e; f++)
			tabs += *f == '\t';
		if (want_cols >= 0 && tabs + 1 != want_cols)
			return snprintf(why, wcap, "line %ld: %ld columns, want %ld", line + 1, tabs + 1, want_cols), -1;
		for (col = 0; row && col <= tabs; col++) {
			const char *w;
			snprintf(key, sizeof(key), "%ld", col);
			w = meta_str(row, key) ? meta_str(row, key) : "";
			column(s, e, col, &f, &fn);
			if (strlen(w) != fn || memcmp(w, f, fn) != 0)
				return snprintf(why, wcap, "line %ld, column %ld: \"%.*s\", want \"%s\"", line + 1,
						col, (int)fn, f, w), -1;
		}
		if (row)
			row = row->next;
	}
	if (want_rows >= 0 && line != want_rows)
		return snprintf(why, wcap, "%ld lines, want %ld", line, want_rows), -1;
	if (row)
		return snprintf(why, wcap, "%ld lines, fewer than \"row\" gives", line), -1;
	return 0;
}

/* Checks an answer against the expected file. */
static int check_step(run *r, const char *file, int status, const yb_buf *body, char *why,
		      size_t wcap)
{
	yb_buf raw = YB_BUF_INIT;
	yb_json_doc *want = NULL, *got = NULL;
	const yb_json *wr;
	const char *same;
	char path[512] = "";
	long want_status = 200;
	int rc = -1, i;

	if (yb_buf_read_file(&raw, file, 8u << 20) < 0) {
		snprintf(why, wcap, "%s", yb_error_msg());
		goto done;
	}
	if (yb_json_parse(&want, raw.ptr ? raw.ptr : "", raw.len, NULL) < 0) {
		snprintf(why, wcap, "%s: %s", file, yb_error_msg());
		goto done;
	}
	wr = yb_json_root(want);
	if (meta_str(wr, "_status"))
		want_status = strtol(meta_str(wr, "_status"), NULL, 10);
	if (status != want_status) {
		snprintf(why, wcap, "HTTP %d, want %ld: %.300s", status, want_status, body->ptr ? body->ptr : "");
		goto done;
	}
	if ((same = meta_str(wr, "_same_as"))) {
		for (i = 0; i < r->n_answers; i++)
			if (strcmp(r->step_no[i], same) == 0)
				break;
		if (i == r->n_answers) {
			snprintf(why, wcap, "_same_as: no step %s before", same);
			goto done;
		}
		if (strlen(r->answers[i]) != body->len || memcmp(r->answers[i], body->ptr, body->len) != 0) {
			snprintf(why, wcap, "not byte for byte the answer of step %s:\n     %.400s\n     %.400s",
				 same, r->answers[i], body->ptr ? body->ptr : "");
			goto done;
		}
	}
	if (yb_json_get(wr, "_file")) {
		rc = file_check(yb_json_get(wr, "_file"), body, why, wcap);
		goto done;
	}
	if (yb_json_parse(&got, body->ptr ? body->ptr : "", body->len, NULL) < 0) {
		snprintf(why, wcap, "answer not JSON: %.200s", body->ptr ? body->ptr : "");
		goto done;
	}
	if (match(r, wr, yb_json_root(got), path, sizeof(path), 0, why, wcap) < 0) {
		size_t n = strlen(why);
		snprintf(why + n, wcap - n, "\n     answer: %.600s", body->ptr);
		goto done;
	}
	if ((same = meta_str(wr, "_same_setl_as"))) {
		for (i = 0; i < r->n_answers; i++)
			if (strcmp(r->step_no[i], same) == 0)
				break;
		if (i == r->n_answers) {
			snprintf(why, wcap, "_same_setl_as: no step %s before", same);
			goto done;
		}
		if (same_setl(r->answers[i], body->ptr, why, wcap) < 0)
			goto done;
	}
	if (yb_json_get(wr, "_identities") && identities(yb_json_root(got), why, wcap) < 0)
		goto done;
	rc = 0;
done:
	yb_json_free(want);
	yb_json_free(got);
	yb_buf_free(&raw);
	return rc;
}

/* --------------------------------------------------------------- flows */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* A pause of ms milliseconds (at least: a signal does not cut it short). */
static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* MS of a step named "NN-sleep-MS", or -1. */
static long sleep_step(const char *name)
{
	const char *m = strstr(name, "-sleep-");

	if (!m || !m[7] || strspn(m + 7, "0123456789") != strlen(m + 7) || strlen(m + 7) > 6)
		return -1;
	return strtol(m + 7, NULL, 10);
}

/* Keeps s for the resend check when it was a durable transaction answered
 * HTTP 200 with infcode 0 (a refusal, such as a msgid reused for another
 * message, is not kept); else frees it. */
/* Appends an answer to FLOW_SCAN, if set, for the personal-data scan of
 * `make test` (tests/masking/scan.sh): a line "nhsa INFNO<TAB>answer",
 * line breaks and tabs as spaces. */
static void scan_answer(const sent *s, const yb_buf *body)
{
	const char *path = getenv("FLOW_SCAN");
	FILE *f;
	size_t i;

	if (!path || !*path || !body->len || body->ptr[0] != '{' || !(f = fopen(path, "a")))
		return; /* a file (9102's ZIP) holds no personal data to read */
	fprintf(f, "nhsa %s\t", s->infno[0] ? s->infno : "?");
	for (i = 0; i < body->len; i++)
		fputc(body->ptr[i] == '\n' || body->ptr[i] == '\t' || body->ptr[i] == '\r' ? ' ' : body->ptr[i], f);
	fputc('\n', f);
	fclose(f);
}

static void keep_sent(run *r, sent *s, int status, const yb_buf *body)
{
	yb_json_doc *msg = NULL, *ans = NULL;
	const char *infno = NULL, *infcode = NULL;
	const txn_def *t;
	sent *np;

	if (status == 200 && s->msg && body->ptr &&
	    yb_json_parse(&msg, s->msg, s->len, NULL) == 0 &&
	    yb_json_parse(&ans, body->ptr, body->len, NULL) == 0) {
		infno = meta_str(yb_json_root(msg), "infno");
		infcode = meta_str(yb_json_root(ans), "infcode");
	}
	if (infno && infcode && strcmp(infcode, "0") == 0 && (t = txn_find(infno)) &&
	    (t->flags & TXN_F_LEDGER) && (s->answer = strdup(body->ptr))) {
		const yb_json *m = yb_json_root(msg);
		const char *om = meta_str(yb_json_get(yb_json_get(m, "input"), "data"), "omsgid"),
			   *rslt = meta_str(yb_json_get(yb_json_root(ans), "output"), "rslt");
		snprintf(s->fixmedins, sizeof(s->fixmedins), "%s",
			 meta_str(m, "fixmedins_code") ? meta_str(m, "fixmedins_code") : "");
		snprintf(s->msgid, sizeof(s->msgid), "%s", meta_str(m, "msgid") ? meta_str(m, "msgid") : "");
		if (strcmp(infno, "2601") == 0 && om && rslt && strcmp(rslt, "reversed") == 0)
			snprintf(s->reversed, sizeof(s->reversed), "%s", om);
		if (r->n_resends == r->cap_resends) {
			int nc = r->cap_resends ? 2 * r->cap_resends : 64;
			if ((np = realloc(r->resends, (size_t)nc * sizeof(*np)))) {
				r->resends = np;
				r->cap_resends = nc;
			}
		}
		if (r->n_resends < r->cap_resends) {
			snprintf(s->infno, sizeof(s->infno), "%s", infno);
			r->resends[r->n_resends++] = *s;
			s->msg = s->answer = NULL;
		}
	}
	free(s->msg);
	free(s->answer);
	s->msg = s->answer = NULL;
	yb_json_free(msg);
	yb_json_free(ans);
}

static void run_flow(run *r, const char *dir)
{
	char *names[MAX_STEPS], path[4096], exp[4096], why[2048];
	const char *flow = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0, i, broken = 0;

	if (!d) {
		printf("FAIL %s: cannot open\n", dir);
		r->fail++;
		return;
	}
	while ((e = readdir(d)) && n < MAX_STEPS)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && !ends_with(e->d_name, ".expect.json"))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	/* each flow starts with no answers and no bound names */
	for (i = 0; i < r->n_answers; i++)
		free(r->answers[i]);
	r->n_answers = 0;
	for (i = 0; i < r->n_vars; i++)
		free(r->vars[i].value);
	r->n_vars = 0;
	for (i = 0; i < n; i++) {
		yb_buf body = YB_BUF_INIT;
		sent s;
		int status = 0;
		size_t stem = strcspn(names[i], ".");
		char no[8];

		snprintf(no, sizeof(no), "%.*s", (int)strcspn(names[i], "-."), names[i]);
		if (broken) {
			printf("skip %s/%s\n", flow, names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!ends_with(names[i], ".json") && sleep_step(names[i]) >= 0) {
			pause_ms(sleep_step(names[i]));
			printf("ok   %s/%s\n", flow, names[i]);
			r->pass++;
			continue;
		}
		if (strstr(names[i], "restart") && !ends_with(names[i], ".json")) {
			if (!r->restart || system(r->restart) != 0) {
				printf("FAIL %s/%s: %s\n", flow, names[i], r->restart ? "restart failed" : "no --restart");
				r->fail++;
				broken = 1;
			} else {
				printf("ok   %s/%s\n", flow, names[i]);
				r->pass++;
			}
			continue;
		}
		if (!ends_with(names[i], ".json"))
			continue;
		snprintf(exp, sizeof(exp), "%s/%.*s.expect.json", dir, (int)stem, names[i]);
		why[0] = '\0';
		memset(&s, 0, sizeof(s));
		snprintf(s.where, sizeof(s.where), "%s/%.*s", flow, (int)stem, names[i]);
		if (send_step(r, path, &s, &status, &body, why, sizeof(why)) < 0 ||
		    check_step(r, exp, status, &body, why, sizeof(why)) < 0) {
			printf("FAIL %s/%.*s\n     %s\n", flow, (int)stem, names[i], why);
			r->fail++;
			broken = 1;
		} else {
			printf("ok   %s/%.*s\n", flow, (int)stem, names[i]);
			if (getenv("FLOW_VERBOSE"))
				printf("     %.*s\n", (int)(body.len < 2000 ? body.len : 2000), body.ptr ? body.ptr : "");
			r->pass++;
		}
		/* every JSON answer, a line each (a file, 9102's ZIP, is not one) */
		if (body.len && body.ptr[0] == '{' && getenv("FLOW_ANSWERS")) {
			FILE *f = fopen(getenv("FLOW_ANSWERS"), "a");
			if (f) {
				fprintf(f, "%.*s\n", (int)body.len, body.ptr);
				fclose(f);
			}
		}
		scan_answer(&s, &body);
		if (r->n_answers < MAX_STEPS) {
			r->answers[r->n_answers] = strdup(body.ptr ? body.ptr : "");
			memcpy(r->step_no[r->n_answers++], no, sizeof(no));
		}
		keep_sent(r, &s, status, &body);
		yb_buf_free(&body);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	fflush(stdout);
}

/* 3501-3503 are durable by the table but keep no idempotency record: they
 * are upserts by traceability code (src/nhsa/txn_rules.c, note 3), so a
 * resend is run again and answered anew, a new inf_refmsgid and
 * respond_time around the same {"recorded": n}. Their resend must answer
 * infcode 0 with the same output; the envelope is not compared. */
static int recomputed(const char *infno)
{
	return strcmp(infno, "3501") == 0 || strcmp(infno, "3502") == 0 ||
	       strcmp(infno, "3503") == 0;
}

/* A message that a 2601 of the run reversed (what it did undone) is, by
 * design, no longer replayed: a resend is refused "msgid: ... was reversed
 * (2601); send a new message" (docs/ledger.md, Reversal), so that a HIS
 * never takes a reversed settlement for one that stands. Its resend must be
 * that refusal; the reversal itself is resent like any other message. */
static int was_reversed(const run *r, const sent *s)
{
	int k;

	for (k = 0; k < r->n_resends; k++)
		if (r->resends[k].reversed[0] && strcmp(r->resends[k].reversed, s->msgid) == 0 &&
		    strcmp(r->resends[k].fixmedins, s->fixmedins) == 0)
			return 1;
	return 0;
}

/* 1 when answer is the refusal of a resend of a reversed message. */
static int refused_as_reversed(const char *answer, size_t len)
{
	yb_json_doc *d = NULL;
	const char *code, *msg;
	int ok;

	if (yb_json_parse(&d, answer, len, NULL) < 0)
		return 0;
	code = meta_str(yb_json_root(d), "infcode");
	msg = meta_str(yb_json_root(d), "err_msg");
	ok = code && strcmp(code, "-1") == 0 && msg && strstr(msg, "已被冲正（2601）") &&
	     yb_json_get(yb_json_root(d), "output") &&
	     yb_json_get(yb_json_root(d), "output")->type == YB_JSON_NULL;
	yb_json_free(d);
	return ok;
}

/* The infcode and output of an answer, re-serialised, into out. */
static int outcome(yb_buf *out, const char *answer)
{
	yb_json_doc *d = NULL;
	yb_jw w;

	if (yb_json_parse(&d, answer, strlen(answer), NULL) < 0 ||
	    !yb_json_get(yb_json_root(d), "infcode") || !yb_json_get(yb_json_root(d), "output")) {
		yb_json_free(d);
		return -1;
	}
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_value(&w, "infcode", yb_json_get(yb_json_root(d), "infcode"));
	yb_jw_value(&w, "output", yb_json_get(yb_json_root(d), "output"));
	yb_jw_end(&w, '}');
	yb_json_free(d);
	return 0;
}

/* Prints where two answers part: the first differing byte, with both in
 * full (up to 2,000 bytes each). */
static void print_diff(const char *first, const char *again)
{
	size_t i = 0;

	while (first[i] && first[i] == again[i])
		i++;
	printf("     they part at byte %zu: ...%.40s | ...%.40s\n", i, first + (i > 20 ? i - 20 : 0),
	       again + (i > 20 ? i - 20 : 0));
	printf("     first: %.2000s\n     again: %.2000s\n", first, again);
}

/* Sends every kept message again, as it was sent, signed afresh; when says
 * when. Returns the number of answers that were not the first. */
static int resend_all(run *r, const char *when)
{
	char why[2048];
	int k, bad = 0;

	for (k = 0; k < r->n_resends; k++) {
		const sent *s = &r->resends[k];
		yb_buf body = YB_BUF_INIT, a = YB_BUF_INIT, b = YB_BUF_INIT;
		int status = 0, ok;

		why[0] = '\0';
		if (post(r, s->paasid, s->secret, 0, NULL, NULL, s->msg, s->len, &status, &body, why,
			 sizeof(why)) < 0) {
			printf("FAIL resend %s (%s) %s: %s\n", s->where, s->infno, when, why);
			bad++;
			continue;
		}
		if (status != 200)
			ok = 0;
		else if (was_reversed(r, s))
			ok = refused_as_reversed(body.ptr ? body.ptr : "", body.len);
		else if (!recomputed(s->infno))
			ok = strlen(s->answer) == body.len && memcmp(s->answer, body.ptr, body.len) == 0;
		else
			ok = outcome(&a, s->answer) == 0 && outcome(&b, body.ptr ? body.ptr : "") == 0 &&
			     !a.oom && !b.oom && a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0 &&
			     strncmp(a.ptr, "{\"infcode\":0,", 13) == 0;
		if (!ok) {
			printf("FAIL resend %s (%s) %s: HTTP %d, %s\n", s->where, s->infno, when, status,
			       was_reversed(r, s)   ? "not refused as reversed (2601)"
			       : recomputed(s->infno) ? "not infcode 0 with the first output"
						      : "not the first answer byte for byte");
			print_diff(s->answer, body.ptr ? body.ptr : "");
			bad++;
		}
		yb_buf_free(&body);
		yb_buf_free(&a);
		yb_buf_free(&b);
	}
	fflush(stdout);
	return bad;
}

/* The resend check (the head of this file): after 2 s, then after a
 * restart. Returns the number of failures. */
static int resend_check(run *r)
{
	const char *after;
	int k, bad, upserts = 0, reversed = 0;

	if (!r->n_resends)
		return 0;
	for (k = 0; k < r->n_resends; k++) {
		if (was_reversed(r, &r->resends[k]))
			reversed++;
		else
			upserts += recomputed(r->resends[k].infno);
	}
	pause_ms(2000);
	bad = resend_all(r, "after 2 s");
	if (r->restart) {
		if (system(r->restart) != 0) {
			printf("FAIL resend: the restart failed\n");
			return bad + 1;
		}
		bad += resend_all(r, "after a restart");
	}
	if (bad)
		return bad;
	after = r->restart ? " and after a restart" : " (no --restart)";
	printf("ok   resent %d durable messages after 2 s%s: all byte for byte\n",
	       r->n_resends - upserts - reversed, after);
	if (upserts)
		printf("ok   resent %d of 3501-3503 after 2 s%s: infcode 0 and the same output (upserts "
		       "with no idempotency record: a new envelope, not compared)\n", upserts, after);
	for (k = 0; k < r->n_resends; k++)
		if (was_reversed(r, &r->resends[k]))
			printf("ok   resent %s (%s, reversed by a 2601 of the run) after 2 s%s: refused "
			       "\"was reversed (2601)\", not replayed\n",
			       r->resends[k].where, r->resends[k].infno, after);
	return 0;
}

/* fixmedins records of a load file: code and secret. */
static int read_data(run *r, const char *file)
{
	yb_buf b = YB_BUF_INIT;
	char *line, *save = NULL;

	if (yb_buf_read_file(&b, file, 64u << 20) < 0)
		return -1;
	for (line = b.ptr; line && *line; line = save) {
		yb_json_doc *doc = NULL;
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (yb_json_parse(&doc, line, strlen(line), NULL) == 0) {
			const yb_json *root = yb_json_root(doc);
			const char *kind = meta_str(root, "kind"), *code = meta_str(root, "fixmedins_code"),
				   *secret = meta_str(root, "secret");
			if (kind && strcmp(kind, "fixmedins") == 0 && code && secret && r->n_inst < MAX_INST) {
				snprintf(r->inst[r->n_inst].code, sizeof(r->inst[0].code), "%s", code);
				snprintf(r->inst[r->n_inst].secret, sizeof(r->inst[0].secret), "%s", secret);
				r->n_inst++;
			}
		}
		yb_json_free(doc);
	}
	yb_buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	static run r;
	const char *url = NULL, *data = NULL;
	int i, first = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--restart") == 0 && i + 1 < argc)
			r.restart = argv[++i];
		else {
			first = i;
			break;
		}
	}
	if (!url || !data || !first) {
		fprintf(stderr, "usage: flow --url URL --data DATA.jsonl [--restart CMD] FLOWDIR...\n");
		return 2;
	}
	if (yb_http_url_parse(&r.url, url) < 0 || read_data(&r, data) < 0) {
		fprintf(stderr, "flow: %s\n", yb_error_msg());
		return 2;
	}
	r.serial = (unsigned)time(NULL);
	for (i = first; i < argc; i++)
		run_flow(&r, argv[i]);
	r.fail += resend_check(&r);
	printf("flows: %d steps passed, %d failed\n", r.pass, r.fail);
	return r.fail ? 1 : 0;
}
