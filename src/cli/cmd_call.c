/* yibao call: a small signing client of the national interface for HIS
 * developers, tests and the demo (docs/interface.md, "yibao call").
 *
 *   yibao call --url URL --fixmedins-code CODE --secret S [--pretty]
 *              [--insuplc-admdvs AD] [--timeout SEC] FILE.json...
 *
 * Each FILE holds a whole request envelope or just {"infno":..,"input":..};
 * msgid, inf_time and fixmedins_code are filled in when absent or "". The
 * message is signed as the server checks it (x-tif-* headers, SHA-256 of
 * timestamp + secret + nonce + timestamp) and sent over plain HTTP/1.1
 * (a minimal client on a socket: meant for loopback and test networks, no
 * TLS). Several files go one after the other; "{{name}}" in a later file
 * is replaced by the value of the member `name` in an earlier answer's
 * output ("{{mdtrt_id}}" after a 2201). Exit 0 when every answer has
 * infcode 0, 1 when one does not (the rest are not sent), 2 for bad usage. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/http.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (8u << 20)
#define MAX_VARS 64

static const char usage[] =
	"usage: yibao call --url URL --fixmedins-code CODE --secret S [--pretty]\n"
	"                  [--insuplc-admdvs ADMDVS] [--timeout SEC] FILE.json...\n"
	"  FILE: a request envelope, or {\"infno\":...,\"input\":{...}}; msgid, inf_time\n"
	"  and fixmedins_code are filled in when absent. {{name}} in a later FILE takes\n"
	"  the value of `name` in an earlier answer's output. S may also come from\n"
	"  $YIBAO_SECRET.";

typedef struct opts {
	const char *url, *code, *secret, *insuplc;
	int pretty, timeout;
} opts;

/* Signs and POSTs one message; status and the answer's body. */
static int post(const yb_http_url *u, const opts *o, const char *body, size_t len,
		int *status, yb_buf *out)
{
	unsigned char rnd[16];
	char ts[24], nonce[33], sig[65];
	yb_http_hdr h[5];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return yb_error_set(YB_ERROR, "no random bytes for the nonce");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	yb_auth_sign(sig, ts, o->secret, nonce);
	h[0] = (yb_http_hdr){"x-tif-paasid", o->code};
	h[1] = (yb_http_hdr){"x-tif-timestamp", ts};
	h[2] = (yb_http_hdr){"x-tif-nonce", nonce};
	h[3] = (yb_http_hdr){"x-tif-signature", sig};
	h[4] = (yb_http_hdr){"Content-Type", "application/json;charset=UTF-8"};
	return yb_http_post(u, h, 5, body, len, o->timeout, status, out);
}

/* ------------------------------------------------- the message */

typedef struct var {
	char name[64];
	char *value;
} var;

typedef struct vars {
	var v[MAX_VARS];
	int n;
} vars;

static void vars_set(vars *vs, const char *name, const char *val, size_t len)
{
	int i;
	char *copy;

	if (strlen(name) >= sizeof(vs->v[0].name) || !(copy = malloc(len + 1)))
		return;
	memcpy(copy, val, len);
	copy[len] = '\0';
	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0) {
			free(vs->v[i].value);
			vs->v[i].value = copy;
			return;
		}
	if (vs->n == MAX_VARS) {
		free(copy);
		return;
	}
	memcpy(vs->v[vs->n].name, name, strlen(name) + 1);
	vs->v[vs->n++].value = copy;
}

/* Every scalar member of an answer's output, depth first; the first
 * occurrence of a name wins (setlinfo's setl_id before setldetail's). */
static void collect(vars *vs, const yb_json *o, vars *seen)
{
	const yb_json *c;

	for (c = o->child; c; c = c->next) {
		if (c->type == YB_JSON_OBJECT || c->type == YB_JSON_ARRAY) {
			collect(vs, c, seen);
		} else if (c->key && (c->type == YB_JSON_STRING || c->type == YB_JSON_NUMBER)) {
			int i, dup = 0;
			for (i = 0; i < seen->n; i++)
				dup |= strcmp(seen->v[i].name, c->key) == 0;
			if (!dup) {
				vars_set(seen, c->key, "", 0);
				vars_set(vs, c->key, c->str, c->len);
			}
		}
	}
}

static void vars_free(vars *vs)
{
	int i;
	for (i = 0; i < vs->n; i++)
		free(vs->v[i].value);
	vs->n = 0;
}

/* Replaces {{name}} from vs; an unknown name is an error. */
static int substitute(yb_buf *out, const char *text, size_t len, const vars *vs,
		      const char *file)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *open = NULL, *q;
		for (q = p; q + 1 < end; q++)
			if (q[0] == '{' && q[1] == '{') {
				open = q;
				break;
			}
		if (!open) {
			yb_buf_put(out, p, (size_t)(end - p));
			break;
		}
		yb_buf_put(out, p, (size_t)(open - p));
		q = open + 2;
		while (q < end && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				   (*q >= '0' && *q <= '9')))
			q++;
		if (q + 1 < end && q > open + 2 && q[0] == '}' && q[1] == '}') {
			int i, found = 0;
			size_t n = (size_t)(q - open - 2);
			for (i = 0; i < vs->n && !found; i++)
				if (strlen(vs->v[i].name) == n && memcmp(vs->v[i].name, open + 2, n) == 0) {
					/* escaped for a JSON string, without its quotes */
					yb_buf esc = YB_BUF_INIT;
					yb_json_escape(&esc, vs->v[i].value, strlen(vs->v[i].value));
					if (esc.len >= 2)
						yb_buf_put(out, esc.ptr + 1, esc.len - 2);
					yb_buf_free(&esc);
					found = 1;
				}
			if (!found)
				return yb_error_set(YB_EINVALID, "%s: {{%.*s}} has no value from an earlier answer",
						    file, (int)n, open + 2);
			p = q + 2;
		} else {
			yb_buf_put(out, open, 2);
			p = open + 2;
		}
	}
	return out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

static int is_blank(const yb_json *v)
{
	return !v || v->type == YB_JSON_NULL || (v->type == YB_JSON_STRING && v->len == 0);
}

/* The 4-digit serial of a msgid: NHSA's msgid leaves 10,000 numbers a
 * second to a sender, so several `yibao call` processes in one second must
 * not draw the same one. They share a counter file per user, under a lock,
 * that restarts each second; without it (no writable /tmp), a number from
 * the clock and the process id, as before. */
static unsigned msgid_serial(const char *stamp)
{
	static unsigned fallback;
	char path[64], buf[64], last[16] = "";
	unsigned n = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/tmp/yibao-call.%u.serial", (unsigned)getuid());
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) == 0) {
		got = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[got > 0 ? got : 0] = '\0';
		if (sscanf(buf, "%15s %u", last, &n) == 2 && strcmp(last, stamp) == 0)
			n++;
		else
			n = 0;
		got = snprintf(buf, sizeof(buf), "%s %u\n", stamp, n);
		if (pwrite(fd, buf, (size_t)got, 0) == got && ftruncate(fd, got) == 0) {
			close(fd); /* releases the lock */
			return n % 10000;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!fallback) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		fallback = (unsigned)(ts.tv_nsec / 1000 + getpid());
	}
	return fallback++ % 10000;
}

/* The envelope to send: the file's members, with msgid, inf_time,
 * fixmedins_code (and insuplc_admdvs with --insuplc-admdvs) filled in
 * when absent or "". */
static int build_envelope(yb_buf *out, const char *text, size_t len, const opts *o,
			  const char *file)
{
	yb_json_doc *doc = NULL;
	const yb_json *root, *c;
	char msgid[64], when[24], stamp[16];
	yb_now now;
	yb_jw w;
	size_t i, k = 0;
	int rc;

	if ((rc = yb_json_parse(&doc, text, len, NULL)) < 0)
		return yb_error_prefix(rc, "%s", file);
	root = yb_json_root(doc);
	if (root->type != YB_JSON_OBJECT || !yb_json_get(root, "infno")) {
		yb_json_free(doc);
		return yb_error_set(YB_EINVALID, "%s: not a message (an object with infno)", file);
	}
	yb_now_get(&now);
	yb_datetime_format(when, now.local);
	for (i = 0; when[i] && k < 14; i++)
		if (when[i] >= '0' && when[i] <= '9')
			stamp[k++] = when[i];
	stamp[k] = '\0';
	/* fixmedins_code (12) + yyyyMMddHHmmss + 4-digit serial (NHSA.md) */
	snprintf(msgid, sizeof(msgid), "%.12s%s%04u", o->code, stamp, msgid_serial(stamp));

	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	for (c = root->child; c; c = c->next) {
		if (strcmp(c->key, "msgid") == 0 && is_blank(c))
			yb_jw_str(&w, "msgid", msgid);
		else if (strcmp(c->key, "inf_time") == 0 && is_blank(c))
			yb_jw_str(&w, "inf_time", when);
		else if (strcmp(c->key, "fixmedins_code") == 0 && is_blank(c))
			yb_jw_str(&w, "fixmedins_code", o->code);
		else if (strcmp(c->key, "insuplc_admdvs") == 0 && is_blank(c) && o->insuplc)
			yb_jw_str(&w, "insuplc_admdvs", o->insuplc);
		else
			yb_jw_value(&w, c->key, c);
	}
	if (!yb_json_get(root, "msgid"))
		yb_jw_str(&w, "msgid", msgid);
	if (!yb_json_get(root, "inf_time"))
		yb_jw_str(&w, "inf_time", when);
	if (!yb_json_get(root, "fixmedins_code"))
		yb_jw_str(&w, "fixmedins_code", o->code);
	if (!yb_json_get(root, "insuplc_admdvs") && o->insuplc)
		yb_jw_str(&w, "insuplc_admdvs", o->insuplc);
	yb_jw_end(&w, '}');
	yb_json_free(doc);
	return out->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------- printing */

static void indent(yb_buf *b, int depth)
{
	yb_buf_putc(b, '\n');
	while (depth-- > 0)
		yb_buf_puts(b, "  ");
}

/* Re-indents compact JSON text (strings copied as they are). */
static void pretty(yb_buf *b, const char *s, size_t n)
{
	int depth = 0, in_str = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			yb_buf_putc(b, ch);
			if (ch == '\\' && i + 1 < n)
				yb_buf_putc(b, s[++i]);
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		switch (ch) {
		case '"':
			in_str = 1;
			yb_buf_putc(b, ch);
			break;
		case '{':
		case '[':
			yb_buf_putc(b, ch);
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']'))
				yb_buf_putc(b, s[++i]);
			else
				indent(b, ++depth);
			break;
		case '}':
		case ']':
			indent(b, --depth);
			yb_buf_putc(b, ch);
			break;
		case ',':
			yb_buf_putc(b, ch);
			indent(b, depth);
			break;
		case ':':
			yb_buf_puts(b, ": ");
			break;
		case ' ': case '\n': case '\r': case '\t':
			break;
		default:
			yb_buf_putc(b, ch);
		}
	}
}

/* infcode 0 (number or string), and the output's members into vs. */
static int answer_ok(const yb_buf *body, vars *vs)
{
	yb_json_doc *doc = NULL;
	const yb_json *root, *code, *out;
	int ok = 0;

	if (yb_json_parse(&doc, body->ptr ? body->ptr : "", body->len, NULL) < 0)
		return 0;
	root = yb_json_root(doc);
	code = yb_json_get(root, "infcode");
	if (code && (code->type == YB_JSON_NUMBER || code->type == YB_JSON_STRING) &&
	    code->len == 1 && code->str[0] == '0')
		ok = 1;
	if (ok && (out = yb_json_get(root, "output")) && out->type == YB_JSON_OBJECT) {
		vars seen;
		seen.n = 0;
		collect(vs, out, &seen);
		vars_free(&seen);
	}
	yb_json_free(doc);
	return ok;
}

/* ------------------------------------------------------------ main */

int cmd_call(int argc, char **argv)
{
	opts o;
	yb_http_url u;
	vars vs;
	yb_buf file = YB_BUF_INIT, text = YB_BUF_INIT, msg = YB_BUF_INIT, body = YB_BUF_INIT,
	       shown = YB_BUF_INIT;
	char **files;
	int i, n = 0, code = 0, status = 0;

	memset(&o, 0, sizeof(o));
	o.timeout = 30;
	vs.n = 0;
	if (!(files = calloc((size_t)argc, sizeof(*files))))
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has = i + 1 < argc;
		if (strcmp(a, "--url") == 0 && has)
			o.url = argv[++i];
		else if (strcmp(a, "--fixmedins-code") == 0 && has)
			o.code = argv[++i];
		else if (strcmp(a, "--secret") == 0 && has)
			o.secret = argv[++i];
		else if (strcmp(a, "--insuplc-admdvs") == 0 && has)
			o.insuplc = argv[++i];
		else if (strcmp(a, "--timeout") == 0 && has) {
			char *end;
			long t = strtol(argv[++i], &end, 10);
			if (*end || t < 1 || t > 3600) {
				cli_error("call: --timeout: seconds from 1 to 3600");
				code = 2;
				goto done;
			}
			o.timeout = (int)t;
		} else if (strcmp(a, "--pretty") == 0)
			o.pretty = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			puts(usage);
			goto done;
		} else if (a[0] == '-' && a[1]) {
			cli_error("call: unknown option '%s'\n%s", a, usage);
			code = 2;
			goto done;
		} else
			files[n++] = argv[i];
	}
	if (!o.secret)
		o.secret = getenv("YIBAO_SECRET");
	if (!o.url || !o.code || !o.secret || !n) {
		cli_error("call: %s is required\n%s", !o.url ? "--url" : !o.code ? "--fixmedins-code" :
			  !o.secret ? "--secret" : "FILE", usage);
		code = 2;
		goto done;
	}
	if (yb_http_url_parse(&u, o.url) < 0) {
		cli_error("call: %s", yb_error_msg());
		code = 2;
		goto done;
	}
	for (i = 0; i < n; i++) {
		yb_buf_clear(&file);
		yb_buf_clear(&text);
		yb_buf_clear(&msg);
		if (yb_buf_read_file(&file, files[i], MAX_FILE) < 0 ||
		    substitute(&text, file.ptr ? file.ptr : "", file.len, &vs, files[i]) < 0 ||
		    build_envelope(&msg, text.ptr ? text.ptr : "", text.len, &o, files[i]) < 0) {
			cli_error("call: %s", yb_error_msg());
			code = 2;
			goto done;
		}
		if (n > 1) { /* which answer is which, for a person reading along */
			yb_json_doc *d = NULL;
			const char *infno = "", *msgid = "";
			if (yb_json_parse(&d, msg.ptr, msg.len, NULL) == 0) {
				const yb_json *v = yb_json_get(yb_json_root(d), "infno");
				const yb_json *m = yb_json_get(yb_json_root(d), "msgid");
				infno = v && v->str ? v->str : "";
				msgid = m && m->str ? m->str : "";
			}
			fprintf(stderr, "-> %s: %s, msgid %s\n", files[i], infno, msgid);
			yb_json_free(d);
		}
		if (post(&u, &o, msg.ptr, msg.len, &status, &body) < 0) {
			cli_error("call: %s: %s", o.url, yb_error_msg());
			code = 1;
			goto done;
		}
		yb_buf_clear(&shown);
		if (o.pretty)
			pretty(&shown, body.ptr ? body.ptr : "", body.len);
		else
			yb_buf_put(&shown, body.ptr ? body.ptr : "", body.len);
		yb_buf_putc(&shown, '\n');
		fwrite(shown.ptr, 1, shown.len, stdout);
		fflush(stdout);
		if (!answer_ok(&body, &vs)) {
			if (status != 200)
				cli_error("call: %s: HTTP %d", files[i], status);
			code = 1;
			goto done;
		}
	}
done:
	vars_free(&vs);
	yb_buf_free(&file);
	yb_buf_free(&text);
	yb_buf_free(&msg);
	yb_buf_free(&body);
	yb_buf_free(&shown);
	free(files);
	return code;
}
