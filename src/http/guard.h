/* Who may hold a connection to `yibao serve`, and for how long (guard.c):
 * the per-address and total connection limits, the deadline of a complete
 * request, and idle connections closed first under pressure. Private to
 * src/http; server.c wires it to libmicrohttpd's callbacks. */
#ifndef YB_HTTP_GUARD_H
#define YB_HTTP_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct yb_guard yb_guard;
typedef struct yb_guard_conn yb_guard_conn; /* one connection's record */

typedef struct yb_guard_opts {
	unsigned max;              /* connections in all */
	unsigned per_address;      /* from one address (an IPv6 /64) */
	unsigned trusted_per_address;
	const char *trusted;       /* "ADDR[,ADDR...]", or NULL */
	int request_s;             /* seconds to a complete request */
} yb_guard_opts;

/* Records kept for a limit of max connections: those alive, and up to a
 * quarter more closed under pressure that libmicrohttpd has not yet
 * reaped (and what the accepting threads have reserved). */
#define YB_GUARD_CAP(max) ((max) + (max) / 4 + 16)

/* Checks o (a bad trusted address: YB_EINVALID naming it) and starts the
 * thread that closes connections past their deadline. */
int yb_guard_new(yb_guard **out, const yb_guard_opts *o);
/* Stops the thread and frees g; every connection must be closed first. */
void yb_guard_free(yb_guard *g);
/* YB_GUARD_CAP(o->max): no more connections than this are ever admitted. */
unsigned yb_guard_capacity(const yb_guard *g);

/* The accept policy: 1 to admit a connection from addr (counted), 0 to
 * refuse it. May close the oldest idle connection to make room. */
int yb_guard_admit(yb_guard *g, const struct sockaddr *addr, socklen_t len);
/* The connection admitted last on this thread starts (fd its socket, addr
 * its peer); NULL if no record is left (close it). */
yb_guard_conn *yb_guard_open(yb_guard *g, int fd, const struct sockaddr *addr);
/* It is closed: its address and slot are free again. c may be NULL. */
void yb_guard_close(yb_guard *g, yb_guard_conn *c);

/* A request's phases (c may be NULL: no effect):
 *   yb_guard_reading   its headers are in; the body follows
 *   yb_guard_extend    the complete request may take s seconds from the start
 *   yb_guard_busy      complete: being answered, no deadline
 *   yb_guard_sending   the answer is queued: sent within the request deadline
 *   yb_guard_waiting   answered: the next request's deadline starts now */
void yb_guard_reading(yb_guard *g, yb_guard_conn *c);
void yb_guard_extend(yb_guard *g, yb_guard_conn *c, int s);
void yb_guard_busy(yb_guard *g, yb_guard_conn *c);
void yb_guard_sending(yb_guard *g, yb_guard_conn *c);
void yb_guard_waiting(yb_guard *g, yb_guard_conn *c);

#endif
