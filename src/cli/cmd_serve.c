/* yibao serve --db PATH --listen ADDR:PORT [--policy-dir DIR] [--threads N]
 * [connection limits]: the national interface over HTTP
 * (docs/interface.md) and the bureau's administration API
 * (docs/admin-api.md) until SIGTERM or SIGINT, then a graceful stop: no
 * new connections, requests in flight answered, the ledger closed, exit 0.
 * SIGHUP reads institutions and the catalogue again. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/ledger.h"
#include "yibao/store.h"
#include "yibao/http.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAIN_MS 30000

static const char usage[] =
	"usage: yibao serve --db PATH --listen ADDRESS:PORT [--policy-dir DIR] [--rules DIR] [--threads N]\n"
	"                   [--session-ttl SECONDS] [--session-idle SECONDS]\n"
	"                   [--business-time \"YYYY-MM-DD HH:MM:SS\"]\n"
	"                   [--max-connections N] [--per-address N] [--request-timeout SECONDS]\n"
	"                   [--trusted-address ADDR[,ADDR...]] [--trusted-per-address N]";

/* --help: the usage, then the connection limits (docs/interface.md, "Limits") */
static const char limits_help[] =
	"\n"
	"connection limits (a client over its limit is closed at once; see docs/interface.md):\n"
	"  --max-connections N       connections open at once, in all (default 4000); when full,\n"
	"                            the connection idle longest is closed to admit a new one\n"
	"  --per-address N           connections from one client address (an IPv6 /64)\n"
	"                            (default 128: a hospital's windows behind one NAT address)\n"
	"  --trusted-address LIST    addresses, comma-separated, of front-end processors and\n"
	"                            gateways carrying many institutions; they get the larger quota\n"
	"  --trusted-per-address N   connections from each trusted address (default 2000)\n"
	"  --request-timeout SECONDS time from a connection's start, or its previous answer, to a\n"
	"                            complete request, headers and body (default 30); a slow trickle\n"
	"                            of bytes does not extend it; a clerk's payment-file import has\n"
	"                            600 s; a connection silent for 60 s is closed too";

/* A count from 1 to max, or -1. */
static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > max ? -1 : v;
}

static void log_event(const char *event, const char *key, const char *val)
{
	yb_buf line = YB_BUF_INIT;
	yb_jw w;

	yb_log_begin(&w, &line, event);
	if (key)
		yb_jw_str(&w, key, val);
	yb_log_end(&w, &line);
}

/* The first line: where, and the limits in force. */
static void log_listening(const char *addr, const yb_server_opts *o)
{
	yb_buf line = YB_BUF_INIT;
	yb_jw w;

	yb_log_begin(&w, &line, "listening");
	yb_jw_str(&w, "listen", addr);
	yb_jw_int(&w, "threads", o->threads);
	yb_jw_int(&w, "max_connections", o->max_connections);
	yb_jw_int(&w, "per_address", o->per_address);
	yb_jw_int(&w, "trusted_per_address", o->trusted_per_address);
	yb_jw_int(&w, "request_timeout", o->request_timeout);
	yb_log_end(&w, &line);
}

/* What the group commit did while we served: units of work per commit
 * is how many requests one fsync carried (docs/performance.md). */
static void log_store(yb_ledger *l)
{
	yb_store_stats st;
	yb_buf line = YB_BUF_INIT;
	yb_jw w;

	yb_store_get_stats(yb_ledger_store(l), &st);
	yb_log_begin(&w, &line, "store");
	yb_jw_int(&w, "commits", (int64_t)st.commits);
	yb_jw_int(&w, "units", (int64_t)st.units);
	yb_jw_int(&w, "failed", (int64_t)st.failed);
	yb_log_end(&w, &line);
}

static int parse_threads(const char *s, int *out)
{
	long v = 0;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 4)
		return -1;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	if (v < 1 || v > 1024)
		return -1;
	*out = (int)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *policy_dir = NULL, *rules = NULL;
	yb_server_opts so;
	yb_admin_opts ao;
	yb_ledger *ledger = NULL;
	yb_admin *adm = NULL;
	yb_admin_api *api = NULL;
	yb_handler *h = NULL;
	yb_server *srv = NULL;
	sigset_t set;
	int i, sig = 0, code = 1, rc = 0;

	memset(&ao, 0, sizeof(ao));
	memset(&so, 0, sizeof(so));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
			rules = argv[++i];
		else if ((strcmp(argv[i], "--session-ttl") == 0 || strcmp(argv[i], "--session-idle") == 0) &&
			 i + 1 < argc) {
			char *end;
			long v = strtol(argv[i + 1], &end, 10);
			if (*end || end == argv[i + 1] || v < 1 || v > 7 * 86400) {
				cli_error("serve: %s: not a number of seconds (1 to 604800)\n%s", argv[i], usage);
				return 2;
			}
			*(strcmp(argv[i], "--session-ttl") == 0 ? &ao.session_ttl : &ao.session_idle) = v;
			i++;
		} else if (strcmp(argv[i], "--business-time") == 0 && i + 1 < argc) {
			if (yb_datetime_parse(&ao.business_start, argv[i + 1], strlen(argv[i + 1])) < 0) {
				cli_error("serve: --business-time: %s\n%s", yb_error_msg(), usage);
				return 2;
			}
			i++;
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			so.listen = argv[++i];
		else if (strcmp(argv[i], "--policy-dir") == 0 && i + 1 < argc)
			policy_dir = argv[++i];
		else if (strcmp(argv[i], "--audit-key") == 0 && i + 1 < argc) {
			if (yb_audit_key_load(argv[++i]) < 0) {
				cli_error("serve: %s", yb_error_msg());
				return 2;
			}
		}
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			if (parse_threads(argv[++i], &so.threads) < 0) {
				cli_error("serve: --threads: not a number from 1 to 1024\n%s", usage);
				return 2;
			}
		} else if ((strcmp(argv[i], "--max-connections") == 0 || strcmp(argv[i], "--per-address") == 0 ||
			    strcmp(argv[i], "--trusted-per-address") == 0 || strcmp(argv[i], "--request-timeout") == 0) &&
			   i + 1 < argc) {
			int timeout = strcmp(argv[i], "--request-timeout") == 0;
			long v = parse_count(argv[i + 1], timeout ? 3600 : 1000000);
			if (v < 0) {
				cli_error("serve: %s: not a number from 1 to %s\n%s", argv[i], timeout ? "3600" : "1000000", usage);
				return 2;
			}
			if (timeout)
				so.request_timeout = (int)v;
			else
				*(strcmp(argv[i], "--max-connections") == 0 ? &so.max_connections
				  : strcmp(argv[i], "--per-address") == 0 ? &so.per_address
									  : &so.trusted_per_address) = (unsigned)v;
			i++;
		} else if (strcmp(argv[i], "--trusted-address") == 0 && i + 1 < argc) {
			so.trusted = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			puts(usage);
			puts(limits_help);
			return 0;
		} else {
			cli_error("serve: unknown argument '%s'\n%s", argv[i], usage);
			return 2;
		}
	}
	if (!db || !so.listen) {
		cli_error("serve: %s is required\n%s", !db ? "--db" : "--listen", usage);
		return 2;
	}
	if (policy_dir && setenv("YIBAO_POLICY_DIR", policy_dir, 1) != 0) {
		cli_error("serve: cannot set YIBAO_POLICY_DIR");
		return 1;
	}

	/* Every thread started from here on inherits the blocked signals, so
	 * only sigwait() below ever sees them. A shell starting us in the
	 * background ignores SIGINT for us; we wait for it all the same. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (yb_ledger_open(&ledger, db) < 0 || (rules && yb_ledger_set_rules(ledger, rules) < 0)) {
		cli_error("serve: %s", yb_error_msg());
		goto done;
	}
	if (yb_admin_open(&adm, ledger, &ao) < 0 || yb_admin_api_new(&api, adm) < 0) {
		cli_error("serve: %s", yb_error_msg());
		goto done;
	}
	so.admin = api;
	if (yb_handler_new(&h, ledger, NULL) < 0 || (rc = yb_server_start(&srv, h, &so)) < 0) {
		cli_error("serve: %s", yb_error_msg());
		code = rc == YB_EINVALID ? 2 : 1;
		goto done;
	}
	yb_server_limits(srv, &so);
	log_listening(yb_server_addr(srv), &so);
	/* SIGHUP: a `yibao load` by another process changed institutions
	 * (secrets) or the catalogue; read them again, keep serving */
	while (sigwait(&set, &sig) != 0 || sig == SIGHUP) {
		if (sig != SIGHUP)
			continue;
		yb_ledger_forget_fixmedins(ledger);
		if (yb_ledger_refresh_catalogue(ledger) < 0)
			log_event("reload", "error", yb_error_msg());
		else
			log_event("reload", "signal", "SIGHUP");
		sig = 0;
	}
	log_event("stopping", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	yb_server_stop(srv, DRAIN_MS);
	srv = NULL;
	log_store(ledger);
	code = 0;
done:
	yb_server_stop(srv, 0);
	yb_handler_free(h);
	yb_admin_api_free(api);
	yb_admin_close(adm);
	yb_ledger_close(ledger);
	if (code == 0)
		log_event("stopped", NULL, NULL);
	return code;
}
