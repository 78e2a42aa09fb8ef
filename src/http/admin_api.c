/* The administration API (docs/admin-api.md): /api/v1/... JSON over HTTP
 * on `yibao serve`, for the bureau's staff. One request in, one response
 * out, no sockets (server.c calls it; the fuzz target too).
 *
 * Order of checks (each refusal changes nothing); the first four read the
 * headers alone (yb_admin_begin), so the server reads no byte of a body
 * before the session and role are known:
 *   path known                                  else 404
 *   method allowed on the path                  else 405
 *   a valid session (Authorization: Bearer)     else 401  (not for login)
 *   the session's role admitted by the route    else 403, naming the roles
 *   the body within the route's limit           else 413  (4 KiB, 1 MiB, 64 MiB)
 *   the body: JSON (or the payment file)        else 400, naming the field
 *   the operation (src/admin/admin*.c)          200, or 400/404/409/422
 * Every answer is a JSON object with the request's id ("request_id"), the
 * id its audit record carries; a refusal has "error" (and, refused by a
 * rule, the decision with its reasons). */
#include "yibao/http.h"
#include "yibao/error.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANY (YB_ROLE_CLERK | YB_ROLE_AUDITOR | YB_ROLE_ADMIN)
#define CLERK (YB_ROLE_CLERK | YB_ROLE_ADMIN)
#define AUDIT (YB_ROLE_AUDITOR | YB_ROLE_ADMIN)
#define ADMIN YB_ROLE_ADMIN
#define MAX_SEGS 8

struct yb_admin_api {
	yb_admin *adm;
	atomic_ullong seq;
	uint64_t salt;
};

enum { B_NONE, B_JSON, B_RAW, B_LOGIN, B_LOGOUT };

static const struct route {
	const char *method;
	const char *path;        /* under /api/v1; "{}" is one segment */
	int roles;               /* 0: no session (login) */
	int body;
	yb_admin_fn fn;
} routes[] = {
	{"POST", "/login", 0, B_LOGIN, NULL},
	{"POST", "/logout", ANY, B_LOGOUT, NULL},
	{"GET", "/me", ANY, B_NONE, yb_admin_me},
	{"GET", "/staff", ADMIN, B_NONE, yb_admin_staff_list},
	{"POST", "/staff", ADMIN, B_JSON, yb_admin_staff_create},
	{"POST", "/staff/{}/disable", ADMIN, B_NONE, yb_admin_staff_disable},
	{"GET", "/persons", ANY, B_NONE, yb_admin_person_find},
	{"POST", "/persons", CLERK, B_JSON, yb_admin_person_add},
	{"GET", "/persons/{}/history", ANY, B_NONE, yb_admin_person_history},
	{"POST", "/persons/{}/contributions", CLERK, B_JSON, yb_admin_contrib},
	{"POST", "/enrolments", CLERK, B_JSON, yb_admin_enrol},
	{"POST", "/newborns", CLERK, B_JSON, yb_admin_newborn},
	{"POST", "/payments", CLERK, B_JSON, yb_admin_pay_one},
	{"POST", "/payments/import", CLERK, B_RAW, yb_admin_pay_import},
	{"GET", "/payments/batches/{}", ANY, B_NONE, yb_admin_pay_batch},
	{"POST", "/retirement/check", ANY, B_JSON, yb_admin_retire_check},
	{"POST", "/retirement", CLERK, B_JSON, yb_admin_retire},
	{"POST", "/remote-registrations", CLERK, B_JSON, yb_admin_remote_add},
	{"DELETE", "/remote-registrations/{}", CLERK, B_NONE, yb_admin_remote_end},
	{"POST", "/chronic-applications", CLERK, B_JSON, yb_admin_chronic_add},
	{"POST", "/chronic-applications/{}/decision", CLERK, B_JSON, yb_admin_chronic_decide},
	{"POST", "/bindings", CLERK, B_JSON, yb_admin_bind},
	{"DELETE", "/bindings/{}/{}", CLERK, B_NONE, yb_admin_unbind},
	{"GET", "/audit", AUDIT, B_NONE, yb_admin_audit_list},
	{"GET", "/audit/verify", AUDIT, B_NONE, yb_admin_audit_verify},
	{"GET", "/stats", AUDIT, B_NONE, yb_admin_stats},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

int yb_admin_api_new(yb_admin_api **out, yb_admin *adm)
{
	yb_admin_api *h = calloc(1, sizeof(*h));
	yb_now now;

	if (!h)
		return yb_error_set(YB_ENOMEM, "out of memory");
	h->adm = adm;
	yb_now_get(&now);
	h->salt = (uint64_t)now.unix_us * 2654435761u;
	atomic_init(&h->seq, 0);
	*out = h;
	return 0;
}

void yb_admin_api_free(yb_admin_api *h)
{
	free(h);
}

/* Splits a path under the prefix into segments (in place, in buf). */
static int split(char *buf, char *seg[MAX_SEGS])
{
	int n = 0;
	char *p = buf;

	while (*p == '/')
		p++;
	while (*p) {
		if (n == MAX_SEGS)
			return -1;
		seg[n++] = p;
		while (*p && *p != '/')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Whether route r's path matches the segments; ids get its {}s. */
static int matches(const struct route *r, char *const *seg, int n, const char *ids[2])
{
	char pat[64], *ps[MAX_SEGS];
	int k, m, i = 0;

	snprintf(pat, sizeof(pat), "%s", r->path);
	if ((m = split(pat, ps)) != n)
		return 0;
	for (k = 0; k < n; k++) {
		if (strcmp(ps[k], "{}") == 0) {
			if (!seg[k][0])
				return 0;
			if (i < 2)
				ids[i++] = seg[k];
		} else if (strcmp(ps[k], seg[k]) != 0) {
			return 0;
		}
	}
	return 1;
}

static int status_of(int rc)
{
	switch (rc) {
	case 0: return 200;
	case YB_EINVALID: case YB_EOVERFLOW: return 400;
	case YB_ENOTFOUND: return 404;
	case YB_EEXISTS: case YB_ECONFLICT: return 409;
	case YB_EREFUSED: return 422;
	case YB_EBUSY: return 503;
	default: return 500;
	}
}

/* Copies s into out with each byte that begins no valid UTF-8 character
 * as '?': a message cut to its buffer's size (a field name quoted from
 * the request) may end inside a character. */
static void clean_utf8(char *out, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0, n, i;

	while (*p && k + 5 < cap) {
		n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 && *p >= 0xC2 ? 2 : (*p & 0xF0) == 0xE0 ? 3
		  : (*p & 0xF8) == 0xF0 && *p <= 0xF4 ? 4 : 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				n = 0;
		if (!n) {
			out[k++] = '?';
			p++;
			continue;
		}
		memcpy(out + k, p, n);
		k += n;
		p += n;
	}
	out[k] = '\0';
}

/* The answer: out's object with request_id (and error) first. */
static void answer(yb_response *resp, int status, const char *err_in, const yb_buf *out, const char *rid)
{
	yb_buf *b = &resp->body;
	char err[1024];

	resp->status = status;
	resp->infcode = status == 200 ? 0 : -1;
	yb_buf_clear(b);
	yb_buf_puts(b, "{\"request_id\":");
	yb_json_escape(b, rid, strlen(rid));
	if (err_in) {
		clean_utf8(err, sizeof(err), err_in);
		yb_buf_puts(b, ",\"error\":");
		yb_json_escape(b, err, strlen(err));
		snprintf(resp->err, sizeof(resp->err), "%s", err);
		resp->err[yb_utf8_cut(resp->err, YB_ERR_MSG_MAX)] = '\0';
	}
	if (out && out->len > 2 && out->ptr[0] == '{') {
		yb_buf_putc(b, ',');
		yb_buf_put(b, out->ptr + 1, out->len - 1);
	} else {
		yb_buf_putc(b, '}');
	}
	if (b->oom) {
		yb_buf_free(b);
		resp->status = 500;
		yb_buf_puts(b, "{\"error\":\"out of memory\"}");
	}
}

static const char *bearer(const char *h)
{
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* The route's body limit: a payment file, a JSON body, or a login (a few
 * hundred bytes) and the routes that read none. */
static size_t max_body(const struct route *r)
{
	return r->body == B_RAW ? YB_ADMIN_MAX_BODY : r->body == B_JSON ? YB_ADMIN_JSON_BODY
									: YB_ADMIN_SMALL_BODY;
}

int yb_admin_begin(yb_admin_api *h, const yb_admin_request *req, yb_admin_call *call,
		   yb_response *resp)
{
	char *seg[MAX_SEGS], roles[64] = "";
	const struct route *r = NULL;
	int n, rc, path_known = 0;
	size_t k, pre = strlen(YB_ADMIN_PREFIX) - 1;

	yb_error_clear();
	memset(call, 0, sizeof(*call));
	call->route = -1;
	snprintf(call->rid, sizeof(call->rid), "Q%016llx",
		 (unsigned long long)((atomic_fetch_add(&h->seq, 1) + 1) ^ h->salt) & 0xffffffffffffffffull);
	snprintf(call->api, sizeof(call->api), "%.8s %.64s", req->method, req->path);
	snprintf(resp->msgid, sizeof(resp->msgid), "%s", call->rid);
	snprintf(resp->api, sizeof(resp->api), "%s", call->api);
	if (strncmp(req->path, YB_ADMIN_PREFIX, pre) != 0 || strlen(req->path) >= sizeof(call->path) + pre) {
		answer(resp, 404, "path: not an API of /api/v1", NULL, call->rid);
		return -1;
	}
	snprintf(call->path, sizeof(call->path), "%s", req->path + pre);
	if ((n = split(call->path, seg)) < 0) {
		answer(resp, 404, "path: no such API", NULL, call->rid);
		return -1;
	}
	for (k = 0; k < N_ROUTES; k++) {
		const char *x[2] = {NULL, NULL};
		if (!matches(&routes[k], seg, n, x))
			continue;
		path_known = 1;
		if (strcmp(routes[k].method, req->method) == 0) {
			r = &routes[k];
			call->route = (int)k;
			call->ids[0] = x[0];
			call->ids[1] = x[1];
			break;
		}
	}
	if (!r) {
		answer(resp, path_known ? 405 : 404, path_known ? "method: not allowed on this path"
							       : "path: no such API", NULL, call->rid);
		return -1;
	}
	call->max_body = max_body(r);
	if (r->roles) {
		if ((rc = yb_admin_session(h->adm, bearer(req->authorization), &call->who)) < 0) {
			answer(resp, rc == YB_EREFUSED ? 401 : status_of(rc), yb_error_msg(), NULL, call->rid);
			return -1;
		}
		snprintf(resp->staff_id, sizeof(resp->staff_id), "%s", call->who.staff_id);
		snprintf(call->who.request_id, sizeof(call->who.request_id), "%s", call->rid);
		if (!(call->who.role & r->roles)) {
			for (k = 1; k <= YB_ROLE_ADMIN; k <<= 1)
				if (r->roles & (int)k)
					snprintf(roles + strlen(roles), sizeof(roles) - strlen(roles), "%s%s",
						 roles[0] ? " or " : "", yb_role_name((int)k));
			yb_error_set(YB_EREFUSED, "forbidden: %s %s needs the role %s (%s is %s)", r->method,
				     r->path, roles, call->who.staff_id, yb_role_name(call->who.role));
			answer(resp, 403, yb_error_msg(), NULL, call->rid);
			return -1;
		}
	}
	return 0;
}

void yb_admin_refuse(const yb_admin_call *call, int status, const char *msg, yb_response *resp)
{
	snprintf(resp->msgid, sizeof(resp->msgid), "%s", call->rid);
	snprintf(resp->api, sizeof(resp->api), "%s", call->api);
	snprintf(resp->staff_id, sizeof(resp->staff_id), "%s", call->who.staff_id);
	answer(resp, status, msg, NULL, call->rid);
}

void yb_admin_finish(yb_admin_api *h, yb_admin_call *call, const yb_admin_request *req,
		     yb_response *resp)
{
	static const yb_json_limits lim = {16, 65536};
	const struct route *r = &routes[call->route];
	const char *rid = call->rid;
	yb_json_doc *doc = NULL;
	yb_admin_in in;
	yb_buf out = YB_BUF_INIT;
	char msg[64];
	int n, rc;

	yb_error_clear();
	if (req->len > call->max_body) {
		snprintf(msg, sizeof(msg), "request: body larger than %zu %s",
			 call->max_body >> (call->max_body >= (1u << 20) ? 20 : 10),
			 call->max_body >= (1u << 20) ? "MiB" : "KiB");
		yb_admin_refuse(call, 413, msg, resp);
		return;
	}
	snprintf(resp->msgid, sizeof(resp->msgid), "%s", rid);
	snprintf(resp->api, sizeof(resp->api), "%s", call->api);
	snprintf(resp->staff_id, sizeof(resp->staff_id), "%s", call->who.staff_id);
	memset(&in, 0, sizeof(in));
	in.id = call->ids[0];
	in.id2 = call->ids[1];
	in.query = req->query;
	in.qctx = req->qctx;
	if (r->body == B_RAW) {
		in.raw = req->body;
		in.raw_len = req->len;
		in.file = req->query ? req->query(req->qctx, "file") : NULL;
	} else if ((r->body == B_JSON || r->body == B_LOGIN) && req->len) {
		if ((rc = yb_json_parse(&doc, req->body, req->len, &lim)) < 0) {
			yb_error_prefix(rc, "body");
			answer(resp, 400, yb_error_msg(), NULL, rid);
			return;
		}
		in.body = yb_json_root(doc);
	}
	if (r->body == B_LOGIN) {
		const char *id = NULL, *pw = NULL;
		static const char *const keys[] = {"staff_id", "password", NULL};
		const char *const *kk;
		const yb_json *c;
		rc = in.body && in.body->type == YB_JSON_OBJECT ? 0 : yb_error_set(YB_EINVALID, "body: {\"staff_id\", \"password\"}");
		for (c = rc == 0 ? in.body->child : NULL; c && rc == 0; c = c->next) {
			for (kk = keys; *kk && strcmp(*kk, c->key) != 0; kk++)
				;
			if (!*kk)
				rc = yb_error_set(YB_EINVALID, "%s: unknown field", c->key);
		}
		if (rc == 0 && (rc = yb_jget_str(in.body, NULL, "staff_id", 1, 64, &id)) == 0)
			rc = yb_jget_str(in.body, NULL, "password", 1, 1024, &pw);
		if (rc == YB_ENOTFOUND)
			rc = YB_EINVALID;
		if (rc == 0) {
			snprintf(resp->staff_id, sizeof(resp->staff_id), "%.32s", id);
			rc = yb_admin_login(h->adm, id, pw, req->client, rid, &out);
		}
		n = rc == YB_EREFUSED ? 401 : rc == YB_EBUSY && strstr(yb_error_msg(), "locked") ? 429 : status_of(rc);
	} else if (r->body == B_LOGOUT) {
		rc = yb_admin_logout(h->adm, &call->who, &out);
		n = status_of(rc);
	} else {
		rc = r->fn(h->adm, &call->who, &in, &out);
		n = status_of(rc);
	}
	answer(resp, n, rc < 0 ? yb_error_msg() : NULL, rc == 0 || rc == YB_EREFUSED ? &out : NULL, rid);
	yb_buf_free(&out);
	yb_json_free(doc);
}

void yb_admin_handle(yb_admin_api *h, const yb_admin_request *req, yb_response *resp)
{
	yb_admin_call call;

	if (yb_admin_begin(h, req, &call, resp) == 0)
		yb_admin_finish(h, &call, req, resp);
}
