/* A minimal HTTP/1.1 client: one POST per connection, plain HTTP (no
 * TLS), Content-Length or chunked answers. For `yibao call` and the
 * integration tests, which talk to a server on loopback or a test network. */
#include "yibao/http.h"
#include "yibao/error.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_ANSWER (64u << 20)

int yb_http_url_parse(yb_http_url *u, const char *s)
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

static int connect_to(const yb_http_url *u, int timeout)
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
		if (w <= 0) {
			int e = w < 0 ? errno : EPIPE;
			yb_error_set(YB_ERROR, "send: %s", strerror(e));
			errno = e; /* the caller tells a closed peer from other failures */
			return YB_ERROR;
		}
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

int yb_http_post(const yb_http_url *u, const yb_http_hdr *h, size_t nh, const char *body,
		 size_t len, int timeout, int *status, yb_buf *out)
{
	char chunk[16384], send_err[256] = "";
	yb_buf req = YB_BUF_INIT, resp = YB_BUF_INIT;
	const char *hend, *v;
	size_t vlen, i, head_len;
	int fd, rc = 0, v6 = strchr(u->host, ':') != NULL;

	yb_buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nContent-Length: %zu\r\n",
		      u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, len);
	for (i = 0; i < nh; i++)
		if (h[i].value)
			yb_buf_printf(&req, "%s: %s\r\n", h[i].name, h[i].value);
	yb_buf_puts(&req, "Connection: close\r\n\r\n");
	yb_buf_put(&req, body, len);
	if (req.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((fd = connect_to(u, timeout)) < 0) {
		yb_buf_free(&req);
		return fd;
	}
	if ((rc = send_all(fd, req.ptr, req.len)) < 0) {
		/* a server may answer before it has read the whole body (413 for
		 * a body too large) and close: its answer can still be read */
		if (errno != EPIPE && errno != ECONNRESET)
			goto done;
		snprintf(send_err, sizeof(send_err), "%s", yb_error_msg());
		rc = 0;
	}
	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof(chunk), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && send_err[0] && resp.len == 0) {
			rc = yb_error_set(YB_ERROR, "%s", send_err);
			goto done;
		}
		if (r < 0 && send_err[0])
			break; /* the peer reset after its answer */
		if (r < 0) {
			rc = yb_error_set(YB_ERROR, "no answer within %d s: %s", timeout,
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
		rc = send_err[0] ? yb_error_set(YB_ERROR, "%s", send_err)
				 : yb_error_set(YB_ERROR, "not an HTTP answer");
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

