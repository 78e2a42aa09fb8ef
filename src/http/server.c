/* The libmicrohttpd server of `yibao serve`: one POST endpoint, bodies up
 * to 1 MiB, a thread pool, one access-log line per request, and a shutdown
 * that answers every request already started. Requests under /api/v1/ go
 * to the administration API (admin_api.c), bodies by route (4 KiB to
 * 64 MiB). Who may connect, and for how long, is guard.c's.
 *
 * A connection's life (callbacks of one connection run on one pool thread):
 *   accept          (accept policy) admitted within its address's quota
 *                   and the total, else closed at once (guard.c)
 *   started         (MHD_OPTION_NOTIFY_CONNECTION) its guard record
 * A request's life:
 *   first call      headers only: count it in flight; 404, 405 and a
 *                   Content-Length over the limit are answered at once;
 *                   an /api/v1/ request's session and role are decided
 *                   here (yb_admin_begin): refused, no byte of its body
 *                   is read
 *   upload calls    body appended; past the limit it is dropped and
 *                   counted, past the limit + 8 MiB the connection is
 *                   closed
 *   last call       yb_handle() or yb_admin_finish(), queue the answer,
 *                   log the line
 *   completed       (MHD_OPTION_NOTIFY_COMPLETED) free, leave flight
 * From the start (or the previous answer) to the last call the request's
 * deadline runs (guard.c); a trickle of bytes does not reset it.
 * Shutdown: quiesce (no new connections), wait until nothing is in flight,
 * then stop the threads. */
#include "guard.h"
#include "yibao/http.h"
#include "yibao/error.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DISCARD_MAX (8u << 20) /* a chunked body this far past its limit: close the connection */
#define SPARE_FDS 128          /* the store, the log, the pool's own descriptors */

struct yb_server {
	struct MHD_Daemon *d;
	yb_handler *h;
	yb_admin_api *admin;  /* /api/v1/..., or NULL */
	yb_guard *guard;
	atomic_int inflight;
	atomic_int stopping;
	int threads;
	yb_server_opts lim;   /* the limits in force */
	char addr[80];
};

typedef struct conn_state {
	yb_buf body;
	size_t seen;
	size_t max;           /* the body's limit */
	int too_big;
	int admin;            /* a request of the administration API */
	int64_t t0;
	yb_guard_conn *gc;
	yb_admin_call call;   /* admin: what its headers decided */
} conn_state;

/* ---------------------------------------------------------- access log */

static void log_request(const yb_response *r, int64_t t0)
{
	yb_buf line = YB_BUF_INIT;
	yb_now now;
	char when[32];
	yb_jw w;
	size_t n;

	yb_now_get(&now);
	yb_datetime_format(when, now.local);
	n = strlen(when);
	snprintf(when + n, sizeof(when) - n, ".%03d", now.ms);
	yb_jw_init(&w, &line);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "time", when);
	if (r->api[0]) { /* the administration API: who asked what */
		yb_jw_str(&w, "api", r->api);
		yb_jw_str(&w, "staff_id", r->staff_id);
		yb_jw_str(&w, "request_id", r->msgid);
	} else {
		yb_jw_str(&w, "fixmedins_code", r->fixmedins_code);
		yb_jw_str(&w, "infno", r->infno);
		yb_jw_str(&w, "msgid", r->msgid);
	}
	yb_jw_int(&w, "status", r->status);
	yb_jw_int(&w, "infcode", r->infcode);
	yb_jw_int(&w, "us", yb_monotonic_us() - t0);
	if (r->subject[0])
		yb_jw_str(&w, "subject", r->subject);
	if (r->err[0])
		yb_jw_str(&w, "err", r->err);
	yb_jw_end(&w, '}');
	yb_buf_putc(&line, '\n');
	if (!line.oom)
		yb_log_line(&line);
	yb_buf_free(&line);
}

/* ------------------------------------------------------------ answers */

static yb_guard_conn *guard_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

static enum MHD_Result send_resp(yb_server *s, struct MHD_Connection *conn, conn_state *st,
				 yb_response *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	char *body = r->body.ptr;
	size_t len = r->body.len;

	log_request(r, st->t0);
	/* the buffer passes to libmicrohttpd, which frees it when sent */
	r->body.ptr = NULL;
	r->body.len = r->body.cap = 0;
	resp = MHD_create_response_from_buffer_with_free_callback(len, body ? body : (char *)"", body ? free : NULL);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type ? r->content_type : "application/json;charset=UTF-8");
	if (atomic_load(&s->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(conn, (unsigned int)r->status, resp);
	MHD_destroy_response(resp);
	yb_guard_sending(s->guard, st->gc);
	return ok;
}

static enum MHD_Result refuse(yb_server *s, struct MHD_Connection *conn, conn_state *st,
			      int status, const char *msg)
{
	yb_response r;

	memset(&r, 0, sizeof(r));
	if (st->admin)
		yb_admin_refuse(&st->call, status, msg, &r);
	else
		yb_handle_error(&r, status, msg);
	return send_resp(s, conn, st, &r);
}

/* "request: body larger than 1 MiB" */
static const char *too_big_msg(char *buf, size_t cap, size_t max)
{
	int mib = max >= (1u << 20);

	snprintf(buf, cap, "request: body larger than %zu %s", max >> (mib ? 20 : 10), mib ? "MiB" : "KiB");
	return buf;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Content-Length over max (or unreadable): answer 413 before the body. */
static int declared_too_big(struct MHD_Connection *conn, size_t max)
{
	const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long v = 0;

	if (!cl)
		return 0;
	for (; *cl >= '0' && *cl <= '9'; cl++) {
		v = v * 10 + (unsigned)(*cl - '0');
		if (v > max)
			return 1;
	}
	return 0;
}

static const char *query_arg(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* The client's address as the login lock-out counts it: IPv4 dotted (an
 * IPv4-mapped IPv6 address too), IPv6 by its /64 (one host commonly holds
 * a whole /64). "" if unknown. */
static void client_addr(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	struct in6_addr a6;
	size_t n;

	out[0] = '\0';
	if (sa && sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
	} else if (sa && sa->sa_family == AF_INET6) {
		a6 = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			inet_ntop(AF_INET, &a6.s6_addr[12], out, (socklen_t)cap);
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, out, (socklen_t)cap) && (n = strlen(out)) + 4 < cap)
				memcpy(out + n, "/64", 4);
		}
	}
}

/* client: where the client's address is kept while req is used. */
static void admin_req(yb_admin_request *req, struct MHD_Connection *conn, const conn_state *st,
		      const char *url, const char *method, char *client, size_t cap)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = url;
	req->authorization = header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
	client_addr(conn, client, cap);
	req->client = client[0] ? client : NULL;
	req->query = query_arg;
	req->qctx = conn;
	req->body = st->body.ptr ? st->body.ptr : "";
	req->len = st->body.len;
}

/* The first call of an administration API request: route, session and
 * role from the headers, then the route's body limit. */
static enum MHD_Result admin_begin(yb_server *s, struct MHD_Connection *conn, conn_state *st,
				   const char *url, const char *method)
{
	yb_admin_request req;
	yb_response r;
	char msg[64], client[64];

	admin_req(&req, conn, st, url, method, client, sizeof(client));
	memset(&r, 0, sizeof(r));
	if (yb_admin_begin(s->admin, &req, &st->call, &r) < 0)
		return send_resp(s, conn, st, &r);
	st->max = st->call.max_body;
	if (declared_too_big(conn, st->max))
		return refuse(s, conn, st, 413, too_big_msg(msg, sizeof(msg), st->max));
	if (st->max > YB_HTTP_MAX_BODY) /* a clerk's payment file */
		yb_guard_extend(s->guard, st->gc, YB_HTTP_IMPORT_TIMEOUT);
	return MHD_YES;
}

/* The last call of an administration API request. */
static enum MHD_Result admin_request(yb_server *s, struct MHD_Connection *conn, conn_state *st,
				     const char *url, const char *method)
{
	yb_admin_request req;
	yb_response r;
	char client[64];

	admin_req(&req, conn, st, url, method, client, sizeof(client));
	memset(&r, 0, sizeof(r));
	yb_admin_finish(s->admin, &st->call, &req, &r);
	return send_resp(s, conn, st, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	yb_server *s = cls;
	conn_state *st = *con_cls;
	yb_request req;
	yb_response r;
	char msg[64];

	(void)version;
	if (!st) {
		if (!(st = calloc(1, sizeof(*st))))
			return MHD_NO;
		st->t0 = yb_monotonic_us();
		st->gc = guard_of(conn);
		st->max = YB_HTTP_MAX_BODY;
		*con_cls = st;
		atomic_fetch_add(&s->inflight, 1);
		yb_guard_reading(s->guard, st->gc);
		if (s->admin && strncmp(url, YB_ADMIN_PREFIX, strlen(YB_ADMIN_PREFIX)) == 0) {
			st->admin = 1;
			return admin_begin(s, conn, st, url, method);
		}
		if (strcmp(url, YB_HTTP_PATH) != 0)
			return refuse(s, conn, st, 404, "path: not " YB_HTTP_PATH);
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return refuse(s, conn, st, 405, "method: only POST");
		if (declared_too_big(conn, st->max))
			return refuse(s, conn, st, 413, too_big_msg(msg, sizeof(msg), st->max));
		return MHD_YES;
	}
	if (*upload_data_size) {
		st->seen += *upload_data_size;
		if (st->seen > st->max + DISCARD_MAX)
			return MHD_NO;
		if (st->seen > st->max) {
			st->too_big = 1;
			yb_buf_free(&st->body);
		} else {
			yb_buf_put(&st->body, upload_data, *upload_data_size);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	yb_guard_busy(s->guard, st->gc);
	if (st->too_big)
		return refuse(s, conn, st, 413, too_big_msg(msg, sizeof(msg), st->max));
	if (st->body.oom)
		return refuse(s, conn, st, 500, "out of memory");
	if (st->admin)
		return admin_request(s, conn, st, url, method);

	memset(&req, 0, sizeof(req));
	req.auth.paasid = header(conn, "x-tif-paasid");
	req.auth.timestamp = header(conn, "x-tif-timestamp");
	req.auth.nonce = header(conn, "x-tif-nonce");
	req.auth.signature = header(conn, "x-tif-signature");
	req.body = st->body.ptr ? st->body.ptr : "";
	req.len = st->body.len;
	memset(&r, 0, sizeof(r));
	yb_handle(s->h, &req, &r);
	return send_resp(s, conn, st, &r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	yb_server *s = cls;
	conn_state *st = *con_cls;

	(void)toe;
	yb_guard_waiting(s->guard, guard_of(conn));
	if (!st)
		return;
	yb_buf_free(&st->body);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

/* ------------------------------------------------------- connections */

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	yb_server *s = cls;

	return yb_guard_admit(s->guard, addr, len) ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	yb_server *s = cls;
	const union MHD_ConnectionInfo *fd, *peer;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		yb_guard_close(s->guard, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	peer = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!fd)
		return;
	*socket_context = yb_guard_open(s->guard, fd->connect_fd, peer ? peer->client_addr : NULL);
	if (!*socket_context) /* no record left: not served */
		shutdown(fd->connect_fd, SHUT_RDWR);
}

/* Raises the soft limit of open files to what the connections need, or
 * lowers the connection limit to what the hard limit allows. */
static int fit_descriptors(unsigned *max, int threads)
{
	struct rlimit rl;
	rlim_t other = 2 * (rlim_t)threads + SPARE_FDS; /* each pool thread: epoll and a pipe */
	rlim_t need = YB_GUARD_CAP((rlim_t)*max) + other;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rlim_t room = rl.rlim_cur > other + 16 ? (rl.rlim_cur - other - 16) * 4 / 5 : 0;
		if (room < 16)
			return yb_error_set(YB_ERROR, "--threads %d: %lu open files allowed (ulimit -n), too few", threads,
					    (unsigned long)rl.rlim_cur);
		*max = (unsigned)room;
	}
	return 0;
}

/* ------------------------------------------------------------ listen */

/* "127.0.0.1:8080", "[::1]:8080" or ":8080" (all IPv4 addresses). */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *v6)
{
	char host[64];
	const char *colon, *h = spec, *port;
	size_t hl;
	unsigned long p = 0;

	memset(ss, 0, sizeof(*ss));
	*v6 = spec[0] == '[';
	if (*v6) {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			return yb_error_set(YB_EINVALID, "--listen: expected [ADDRESS]:PORT");
		h = spec + 1;
		hl = (size_t)(close - h);
		port = close + 2;
	} else {
		if (!(colon = strrchr(spec, ':')))
			return yb_error_set(YB_EINVALID, "--listen: expected ADDRESS:PORT");
		hl = (size_t)(colon - spec);
		port = colon + 1;
	}
	if (hl >= sizeof(host) || !*port || strlen(port) > 5 ||
	    strspn(port, "0123456789") != strlen(port))
		return yb_error_set(YB_EINVALID, "--listen: bad address or port in '%s'", spec);
	for (; *port; port++)
		p = p * 10 + (unsigned long)(*port - '0');
	if (p > 65535)
		return yb_error_set(YB_EINVALID, "--listen: port above 65535");
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return yb_error_set(YB_EINVALID, "--listen: '%s' is not an IPv6 address", host);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		if (!host[0])
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return yb_error_set(YB_EINVALID, "--listen: '%s' is not an IPv4 address", host);
	}
	return 0;
}

int yb_server_start(yb_server **out, yb_handler *h, const yb_server_opts *o)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	yb_guard_opts go;
	char host[64];
	yb_server *s;
	long cores;
	int v6, rc;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO;

	if ((rc = parse_listen(o->listen, &ss, &v6)) < 0)
		return rc;
	if (!(s = calloc(1, sizeof(*s))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	s->h = h;
	s->admin = o->admin;
	/* a durable request holds its thread through the group commit, so the
	 * pool bounds how many settlements one commit can carry (docs/performance.md) */
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	s->threads = o->threads > 0 ? o->threads
				    : cores * 16 > YB_HTTP_THREADS ? (int)cores * 16 : YB_HTTP_THREADS;
	s->lim.threads = s->threads;
	s->lim.max_connections = o->max_connections ? o->max_connections : YB_HTTP_MAX_CONNECTIONS;
	s->lim.per_address = o->per_address ? o->per_address : YB_HTTP_PER_ADDRESS;
	s->lim.trusted_per_address = o->trusted_per_address ? o->trusted_per_address : YB_HTTP_TRUSTED_PER_ADDRESS;
	s->lim.request_timeout = o->request_timeout > 0 ? o->request_timeout : YB_HTTP_REQUEST_TIMEOUT;
	if ((rc = fit_descriptors(&s->lim.max_connections, s->threads)) < 0)
		goto fail;
	go.max = s->lim.max_connections;
	go.per_address = s->lim.per_address;
	go.trusted_per_address = s->lim.trusted_per_address;
	go.trusted = o->trusted;
	go.request_s = s->lim.request_timeout;
	if ((rc = yb_guard_new(&s->guard, &go)) < 0)
		goto fail;
	if (v6)
		flags |= MHD_USE_IPv6;
	/* the guard admits at most its capacity; libmicrohttpd's own limit,
	 * split evenly across the pool's threads, only backs it up */
	s->d = MHD_start_daemon(flags, 0, on_accept, s, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->threads,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)YB_HTTP_IDLE_TIMEOUT,
				MHD_OPTION_CONNECTION_LIMIT,
				2 * yb_guard_capacity(s->guard) + 4 * (unsigned int)s->threads,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
				MHD_OPTION_END);
	if (!s->d) {
		rc = yb_error_set(YB_ERROR, "--listen: cannot listen on %s", o->listen);
		goto fail;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	snprintf(s->addr, sizeof(s->addr), v6 ? "[%s]:%u" : "%s:%u", host,
		 info ? (unsigned)info->port : 0u);
	*out = s;
	return 0;
fail:
	yb_guard_free(s->guard);
	free(s);
	return rc;
}

const char *yb_server_addr(const yb_server *s)
{
	return s->addr;
}

int yb_server_threads(const yb_server *s)
{
	return s->threads;
}

void yb_server_limits(const yb_server *s, yb_server_opts *out)
{
	*out = s->lim;
}

void yb_server_stop(yb_server *s, int drain_ms)
{
	MHD_socket fd;
	int waited = 0;
	struct timespec ten_ms = {0, 10 * 1000 * 1000};

	if (!s)
		return;
	atomic_store(&s->stopping, 1);
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&s->inflight) > 0 && waited < drain_ms) {
		nanosleep(&ten_ms, NULL);
		waited += 10;
	}
	MHD_stop_daemon(s->d);
	yb_guard_free(s->guard);
	free(s);
}
