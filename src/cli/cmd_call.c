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
#include "../http/http.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (8u << 20)
#define MAX_ANSWER (64u << 20)
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

/* ----------------------------------------------------------- the URL */

typedef struct url {
	char host[256];
	char port[8];
	char path[1024];
} url;

static int parse_url(url *u, const char *s)
{
	const char *h, *end, *slash;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(s, "http://", 7) != 0)
		return yb_error_set(YB_EINVALID, "--url: only http:// (this client has no TLS)");
	h = s + 7;
	slash = strchr(h, '/');
	end = slash ? slash : h + strlen(h);
	if (*h == '[') { /* [IPv6]:port */
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close)
			return yb_error_set(YB_EINVALID, "--url: unclosed [ in the host");
		n = (size_t)(close - h - 1);
		if (n == 0 || n >= sizeof(u->host))
			return yb_error_set(YB_EINVALID, "--url: bad host");
		memcpy(u->host, h + 1, n);
		h = close + 1;
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));
		const char *hend = colon ? colon : end;
		n = (size_t)(hend - h);
		if (n == 0 || n >= sizeof(u->host))
			return yb_error_set(YB_EINVALID, "--url: bad host");
		memcpy(u->host, h, n);
		h = hend;
	}
	if (h < end && *h == ':') {
		n = (size_t)(end - h - 1);
		if (n == 0 || n >= sizeof(u->port) || strspn(h + 1, "0123456789") < n)
			return yb_error_set(YB_EINVALID, "--url: bad port");
		memcpy(u->port, h + 1, n);
	} else if (h != end) {
		return yb_error_set(YB_EINVALID, "--url: bad host");
	} else {
		memcpy(u->port, "80", 3);
	}
	/* the interface has one path; a bare host:port means it */
	if (!slash || strcmp(slash, "/") == 0)
		slash = YB_HTTP_PATH;
	if (strlen(slash) >= sizeof(u->path))
		return yb_error_set(YB_EINVALID, "--url: path too long");
	memcpy(u->path, slash, strlen(slash) + 1);
	return 0;
}

/* ------------------------------------------------------- HTTP/1.1 */

static int connect_to(const url *u, int timeout)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = {timeout, 0};
	int fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0)
		return yb_error_set(YB_ERROR, "%s: %s", u->host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
			continue;
		/* on Linux the send timeout bounds connect() too */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return yb_error_set(YB_ERROR, "cannot connect to %s:%s: %s", u->host, u->port, strerror(errno));
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return yb_error_set(YB_ERROR, "send: %s", w < 0 ? strerror(errno) : "closed");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Case-insensitive search for header `name` in the head; its value or NULL. */
static const char *find_header(const char *head, const char *name, size_t *vlen)
{
	size_t n = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p && p[2] != '\r') {
		const char *line = p + 2, *eol = strstr(line, "\r\n");
		if (!eol)
			return NULL;
		if ((size_t)(eol - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			*vlen = (size_t)(eol - v);
			return v;
		}
		p = eol;
	}
	return NULL;
}

/* Decodes a chunked body in place; 0 or -1 if malformed. */
static int unchunk(yb_buf *b, size_t from)
{
	char *src = b->ptr + from, *end = b->ptr + b->len, *dst = b->ptr;

	for (;;) {
		char *eol;
		unsigned long n = strtoul(src, &eol, 16);
		if (eol == src || !(eol = strstr(eol, "\r\n")))
			return -1;
		src = eol + 2;
		if (n == 0)
			break;
		if (n > (size_t)(end - src))
			return -1;
		memmove(dst, src, n);
		dst += n;
		src += n + 2;
		if (src > end)
			return -1;
	}
	b->len = (size_t)(dst - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

/* POSTs body with the gateway headers; out gets the response body. */
static int http_post(const url *u, const opts *o, const char *body, size_t len,
		     int *status, yb_buf *out)
{
	unsigned char rnd[16];
	char ts[24], nonce[33], sig[65], chunk[16384];
	yb_buf req = YB_BUF_INIT, resp = YB_BUF_INIT;
	const char *hend, *v;
	size_t vlen, i, head_len;
	int fd, rc = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return yb_error_set(YB_ERROR, "no random bytes for the nonce");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	yb_auth_sign(sig, ts, o->secret, nonce);
	yb_buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
		      "Content-Type: application/json;charset=UTF-8\r\nContent-Length: %zu\r\n"
		      "x-tif-paasid: %s\r\nx-tif-timestamp: %s\r\nx-tif-nonce: %s\r\n"
		      "x-tif-signature: %s\r\nConnection: close\r\n\r\n",
		      u->path, strchr(u->host, ':') ? "[" : "", u->host,
		      strchr(u->host, ':') ? "]" : "", u->port, len, o->code, ts, nonce, sig);
	yb_buf_put(&req, body, len);
	if (req.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((fd = connect_to(u, o->timeout)) < 0) {
		yb_buf_free(&req);
		return fd;
	}
	if ((rc = send_all(fd, req.ptr, req.len)) < 0)
		goto done;
	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof(chunk), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = yb_error_set(YB_ERROR, "no answer within %d s: %s", o->timeout,
					  strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		yb_buf_put(&resp, chunk, (size_t)r);
		if (resp.oom || resp.len > MAX_ANSWER) {
			rc = yb_error_set(YB_ERROR, "answer larger than %u MiB", MAX_ANSWER >> 20);
			goto done;
		}
		/* stop at Content-Length without waiting for the close */
		if ((hend = strstr(resp.ptr, "\r\n\r\n")) &&
		    (v = find_header(resp.ptr, "Content-Length", &vlen)) && v < hend) {
			size_t want = (size_t)strtoull(v, NULL, 10);
			if (resp.len >= (size_t)(hend + 4 - resp.ptr) + want)
				break;
		}
	}
	if (!resp.ptr || strncmp(resp.ptr, "HTTP/1.", 7) != 0 || resp.len < 12 ||
	    !(hend = strstr(resp.ptr, "\r\n\r\n"))) {
		rc = yb_error_set(YB_ERROR, "not an HTTP answer");
		goto done;
	}
	*status = (int)strtol(resp.ptr + 9, NULL, 10);
	head_len = (size_t)(hend + 4 - resp.ptr);
	v = find_header(resp.ptr, "Transfer-Encoding", &vlen);
	if (v && v < hend && vlen >= 7 && strncasecmp(v, "chunked", 7) == 0) {
		if (unchunk(&resp, head_len) < 0) {
			rc = yb_error_set(YB_ERROR, "malformed chunked answer");
			goto done;
		}
		head_len = 0;
	} else if ((v = find_header(resp.ptr, "Content-Length", &vlen)) && v < hend) {
		size_t want = (size_t)strtoull(v, NULL, 10);
		if (resp.len - head_len < want) {
			rc = yb_error_set(YB_ERROR, "answer cut short");
			goto done;
		}
		resp.len = head_len + want;
	}
	yb_buf_clear(out);
	yb_buf_put(out, resp.ptr + head_len, resp.len - head_len);
done:
	close(fd);
	yb_buf_free(&req);
	yb_buf_free(&resp);
	return rc;
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
					yb_json_escape(out, vs->v[i].value, strlen(vs->v[i].value));
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

/* The envelope to send: the file's members, with msgid, inf_time,
 * fixmedins_code (and insuplc_admdvs with --insuplc-admdvs) filled in
 * when absent or "". */
static int build_envelope(yb_buf *out, const char *text, size_t len, const opts *o,
			  const char *file)
{
	static unsigned serial;
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
	if (!serial) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		serial = (unsigned)(ts.tv_nsec / 1000 + getpid());
	}
	/* fixmedins_code (12) + yyyyMMddHHmmss + 4-digit serial (NHSA.md) */
	snprintf(msgid, sizeof(msgid), "%.12s%s%04u", o->code, stamp, serial++ % 10000);

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
	url u;
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
	if (parse_url(&u, o.url) < 0) {
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
		if (http_post(&u, &o, msg.ptr, msg.len, &status, &body) < 0) {
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
