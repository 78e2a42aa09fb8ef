/* crash_driver: concurrent durable settlements and cancels through the
 * ledger, recording only what was acknowledged, for the crash and
 * write-failure tests (tests/crash/crashtest.sh, faulttest.sh).
 *
 *   crash_driver --db PATH --run ID --acks DIR [--threads 8] [--persons 8]
 *                [--ops N] [--seconds S] [--replay FILE] [--fault | --tolerate]
 *                [--max-errors N]
 *
 * Thread t settles visits of its own persons T<t>P<k> (k < persons) with
 * msgids "<run>-<t>-<n>" (fresh in every run), and now and then cancels one
 * of its own acknowledged settlements. After a call RETURNS success it
 * appends one line to DIR/ack.<run>.<t> and fsyncs it:
 *   S msgid setl_id fixmedins_code psn_no .
 *   C msgid setl_id fixmedins_code cancelled_setl_id .
 * so the files hold acknowledged work only. Now and then it retries a call
 * with the same msgid and requires the answer byte for byte, and sends a
 * visit that must be refused (msgid ending in R: never in the store).
 *
 * --replay FILE: before the threads start, re-sends up to 64 acknowledged
 * messages of earlier runs (lines as above) and requires their first
 * answers (same setl_id): what was acknowledged before a crash is still
 * there, and retries after it stay idempotent.
 *
 * --fault: registers the failing VFS (faultvfs.h, configured from the
 * environment) before the ledger opens and arms it once the ledger is open.
 * Failures are then expected: a failed call is retried up to 3 times with
 * the same msgid, and the run stops after --max-errors failed calls.
 * --tolerate: the same without the shim (a real full disk).
 * Otherwise any failure is a test failure (exit 3).
 *
 * Exit: 0 done; 2 usage; 3 an unexpected failure; 4 an acknowledged
 * message lost or answered differently. */
#include "faultvfs.h"
#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/error.h"
#include "yibao/ledger.h"
#include "yibao/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64
#define MAX_LINES 5
#define MAX_OPEN 4096 /* acknowledged settlements a thread may cancel */
#define MAX_REPLAY 64

typedef struct inst {
	const char *code;
	int med_type;
} inst;

/* tests/crash/crashtest.sh loads these institutions */
static const inst insts[] = {
	{"CH1", 11}, {"CH3", 11}, {"CVC", 11}, {"CPH", 41},
};

static const char *const codes[] = {
	"XC09AAK063A001010104328", /* class A */
	"XJ01CRA229A001010100512", /* class B, 5 % first self-pay */
	"250101001",               /* class A, price cap 20.00 */
	"XC10AAA126A001010101445", /* class A, procured */
	"C01010000001",            /* class B, 20 %, cap 5.00 */
	"NOT-IN-CATALOGUE-1",      /* unknown: wholly self-paid */
	"001101000010000",         /* consultation fee */
};

static const char *const sns[MAX_LINES] = {"1", "2", "3", "4", "5"};

static struct {
	const char *db, *run, *acks, *replay;
	int threads, persons, fault, tolerate;
	long ops, seconds, max_errors;
} opt = {NULL, NULL, NULL, NULL, 8, 8, 0, 0, 0, 0, 50};

static yb_ledger *ledger;
static atomic_int stop;
static atomic_long n_settle, n_cancel, n_retry, n_errors, n_replayed;

typedef struct open_setl {
	char setl_id[YB_ID_MAX];
	const char *fix;
} open_setl;

typedef struct worker {
	int t;
	uint32_t rng;
	int fd, fail_fd;
	long seq;
	open_setl open[MAX_OPEN];
	int n_open;
	pthread_t thread;
} worker;

static uint32_t rnd(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x ? x : 0x9e3779b9u;
}

static void die(int code, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "crash_driver: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(code);
}

/* The setl_id an answer starts with: {"setl_id":"S...",... */
static int answer_setl_id(const yb_buf *out, char id[YB_ID_MAX])
{
	static const char key[] = "{\"setl_id\":\"";
	const char *p, *q;

	if (!out->ptr || strncmp(out->ptr, key, sizeof(key) - 1) != 0)
		return -1;
	p = out->ptr + sizeof(key) - 1;
	if (!(q = strchr(p, '"')) || q - p >= YB_ID_MAX || q == p)
		return -1;
	memcpy(id, p, (size_t)(q - p));
	id[q - p] = '\0';
	return 0;
}

/* Appends one line to fd and makes it durable. */
static void record(int fd, char kind, const char *msgid, const char *setl_id,
		   const char *fix, const char *extra)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%c %s %s %s %s .\n", kind, msgid, setl_id, fix, extra);
	ssize_t k;

	if (n <= 0 || (size_t)n >= sizeof(line))
		die(3, "ack line too long for %s%s", msgid, "");
	/* one write(2): a kill leaves a whole line or none */
	k = write(fd, line, (size_t)n);
	if (k != n || fsync(fd) != 0)
		die(3, "cannot write the ack file: %s%s", strerror(errno), "");
}

/* An acknowledged call: DIR/ack.<run>.<t>. */
static void ack(worker *w, char kind, const char *msgid, const char *setl_id,
		const char *fix, const char *extra)
{
	record(w->fd, kind, msgid, setl_id, fix, extra);
}

/* A call given up after its attempts failed (--tolerate): DIR/fail.<run>.<t>.
 * Its outcome is unknown to the client; the tests count how many of these
 * turn out present. */
static void gave_up(worker *w, char kind, const char *msgid, const char *fix, const char *extra)
{
	record(w->fail_fd, kind, msgid, "-", fix, extra);
}

/* A random visit for a person of this worker. */
typedef struct visit_buf {
	char msgid[YB_ID_MAX], mdtrt_id[YB_ID_MAX], psn[YB_ID_MAX];
	yb_feeline_in lines[MAX_LINES];
	yb_ledger_msg m;
	yb_settle_req req;
	yb_settle_inline inl;
} visit_buf;

static void make_visit(worker *w, visit_buf *v, const char *msgid, const char *psn,
		       const char *fix, int med_type)
{
	int i, n = 1 + (int)(rnd(&w->rng) % MAX_LINES);
	int year = 2024 + (rnd(&w->rng) % 4 == 0);
	int month = 1 + (int)(rnd(&w->rng) % 12), day = 1 + (int)(rnd(&w->rng) % 28);

	memset(v, 0, sizeof(*v));
	snprintf(v->msgid, sizeof(v->msgid), "%s", msgid);
	snprintf(v->mdtrt_id, sizeof(v->mdtrt_id), "M%s", msgid);
	snprintf(v->psn, sizeof(v->psn), "%s", psn);
	for (i = 0; i < n; i++) {
		yb_feeline *l = &v->lines[i].line;
		l->feedetl_sn = sns[i];
		l->med_list_codg = codes[rnd(&w->rng) % (sizeof(codes) / sizeof(codes[0]))];
		l->sumamt = 100 + (yb_money)(rnd(&w->rng) % 30000); /* 1.00 .. 300.99 */
		l->cnt = 10000;                                     /* 1 */
		l->pric = l->sumamt * 10000;                        /* scale 6 */
	}
	v->m.msgid = v->msgid;
	v->m.fixmedins_code = fix;
	v->req.psn_no = v->psn;
	v->req.inl = &v->inl;
	v->inl.visit.mdtrt_id = v->mdtrt_id;
	v->inl.visit.med_type = med_type;
	v->inl.visit.begntime = (yb_datetime)yb_date_from_ymd(year, month, day) * 86400 +
				(8 + (yb_datetime)(rnd(&w->rng) % 10)) * 3600;
	v->inl.visit.acct_used = rnd(&w->rng) % 3 != 0;
	v->inl.visit.dise_codg = "";
	v->inl.lines = v->lines;
	v->inl.n_lines = (size_t)n;
}

/* A call failed: fatal without --fault, counted with it. */
static void failed(const char *what, const char *msgid)
{
	if (!opt.tolerate)
		die(3, "unexpected failure of %s: %s", what, yb_error_msg());
	long n = atomic_fetch_add(&n_errors, 1) + 1;
	if (n <= 3) /* a sample of what failures look like */
		fprintf(stderr, "crash_driver: expected failure %ld: %s %s: %s\n", n, what, msgid, yb_error_msg());
	if (n >= opt.max_errors)
		atomic_store(&stop, 1);
}

/* Settles (retrying the same msgid under --fault); returns 0 if acknowledged. */
static int settle_once(visit_buf *v, yb_buf *out)
{
	int attempt, rc = -1;

	for (attempt = 0; attempt < (opt.tolerate ? 4 : 1); attempt++) {
		yb_buf_clear(out);
		if ((rc = yb_ledger_settle(ledger, &v->m, &v->req, out)) >= 0)
			return 0;
		failed("settle", v->msgid);
	}
	return rc;
}

static void do_settle(worker *w)
{
	const inst *in = &insts[rnd(&w->rng) % (sizeof(insts) / sizeof(insts[0]))];
	char msgid[YB_ID_MAX], psn[YB_ID_MAX], setl_id[YB_ID_MAX];
	yb_buf out = YB_BUF_INIT, again = YB_BUF_INIT;
	visit_buf v;

	snprintf(msgid, sizeof(msgid), "%s-%02d-%06ld", opt.run, w->t, ++w->seq);
	snprintf(psn, sizeof(psn), "T%02dP%02d", w->t, (int)(rnd(&w->rng) % (uint32_t)opt.persons));
	make_visit(w, &v, msgid, psn, in->code, in->med_type);
	if (settle_once(&v, &out) < 0) {
		gave_up(w, 'S', msgid, in->code, psn);
		goto done;
	}
	if (answer_setl_id(&out, setl_id) < 0)
		die(3, "settle %s: no setl_id in the answer: %.160s", msgid, out.ptr ? out.ptr : "");
	ack(w, 'S', msgid, setl_id, in->code, psn);
	atomic_fetch_add(&n_settle, 1);
	if (w->n_open < MAX_OPEN) {
		snprintf(w->open[w->n_open].setl_id, YB_ID_MAX, "%s", setl_id);
		w->open[w->n_open++].fix = in->code;
	}
	if (rnd(&w->rng) % 8 == 0) { /* a retry: the first answer, byte for byte */
		visit_buf v2;
		make_visit(w, &v2, msgid, psn, in->code, in->med_type); /* another body */
		if (yb_ledger_settle(ledger, &v2.m, &v2.req, &again) < 0) {
			failed("settle retry", msgid);
		} else {
			atomic_fetch_add(&n_retry, 1);
			if (again.len != out.len || memcmp(again.ptr, out.ptr, out.len) != 0)
				die(4, "settle %s retried: another answer (%.160s)", msgid, again.ptr);
		}
	}
done:
	yb_buf_free(&out);
	yb_buf_free(&again);
}

static void do_cancel(worker *w)
{
	int i = (int)(rnd(&w->rng) % (uint32_t)w->n_open), attempt;
	open_setl o = w->open[i];
	char msgid[YB_ID_MAX], setl_id[YB_ID_MAX];
	yb_buf out = YB_BUF_INIT, again = YB_BUF_INIT;
	int rc = -1;

	w->open[i] = w->open[--w->n_open];
	snprintf(msgid, sizeof(msgid), "%s-%02d-%06ldC", opt.run, w->t, ++w->seq);
	for (attempt = 0; attempt < (opt.tolerate ? 4 : 1); attempt++) {
		yb_buf_clear(&out);
		if ((rc = yb_ledger_cancel(ledger, o.fix, msgid, o.setl_id, &out)) >= 0)
			break;
		failed("cancel", msgid);
	}
	if (rc < 0) {
		gave_up(w, 'C', msgid, o.fix, o.setl_id);
		goto done;
	}
	if (answer_setl_id(&out, setl_id) < 0)
		die(3, "cancel %s: no setl_id in the answer: %.160s", msgid, out.ptr ? out.ptr : "");
	ack(w, 'C', msgid, setl_id, o.fix, o.setl_id);
	atomic_fetch_add(&n_cancel, 1);
	if (rnd(&w->rng) % 4 == 0) {
		if (yb_ledger_cancel(ledger, o.fix, msgid, o.setl_id, &again) < 0) {
			failed("cancel retry", msgid);
		} else {
			atomic_fetch_add(&n_retry, 1);
			if (again.len != out.len || memcmp(again.ptr, out.ptr, out.len) != 0)
				die(4, "cancel %s retried: another answer (%.160s)", msgid, again.ptr);
		}
	}
done:
	yb_buf_free(&out);
	yb_buf_free(&again);
}

/* A visit in 2027, when nobody is insured: refused inside its group of
 * units (its savepoint rolls back alone) while the others commit. Its
 * msgid ends in R; crash_verify checks that none such is in the store. */
static void do_refused(worker *w)
{
	char msgid[YB_ID_MAX], psn[YB_ID_MAX];
	yb_buf out = YB_BUF_INIT;
	visit_buf v;
	int rc;

	snprintf(msgid, sizeof(msgid), "%s-%02d-%06ldR", opt.run, w->t, ++w->seq);
	snprintf(psn, sizeof(psn), "T%02dP%02d", w->t, (int)(rnd(&w->rng) % (uint32_t)opt.persons));
	make_visit(w, &v, msgid, psn, "CH1", 11);
	v.inl.visit.begntime += (yb_datetime)(yb_date_from_ymd(2027, 1, 1) - yb_date_from_ymd(2024, 1, 1)) * 86400;
	rc = yb_ledger_settle(ledger, &v.m, &v.req, &out);
	if (rc >= 0)
		die(3, "settle %s of a person not insured was not refused: %.160s", msgid, out.ptr ? out.ptr : "");
	if (rc != YB_EREFUSED)
		failed("refused settle", msgid);
	else if (out.len)
		die(3, "refused settle %s left an answer: %.160s", msgid, out.ptr);
	yb_buf_free(&out);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	long n;

	for (n = 0; !atomic_load(&stop) && (!opt.ops || n < opt.ops); n++) {
		uint32_t r = rnd(&w->rng) % 20;
		if (w->n_open && r < 4)
			do_cancel(w);
		else if (r == 4)
			do_refused(w);
		else
			do_settle(w);
	}
	return NULL;
}

/* ------------------------------------------------------------ replay */

typedef struct acked {
	char kind;
	char msgid[YB_ID_MAX], setl_id[YB_ID_MAX], fix[YB_ID_MAX], extra[YB_ID_MAX];
} acked;

static void replay(void)
{
	static acked sample[MAX_REPLAY];
	char line[512], dot[4];
	uint32_t rng = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	long seen = 0;
	int n = 0, i;
	FILE *f;

	if (!opt.replay || !(f = fopen(opt.replay, "r")))
		return;
	while (fgets(line, sizeof(line), f)) { /* a reservoir sample */
		acked a;
		if (sscanf(line, "%c %39s %39s %39s %39s %3s", &a.kind, a.msgid, a.setl_id, a.fix,
			   a.extra, dot) != 6 || strcmp(dot, ".") != 0)
			continue;
		seen++;
		if (n < MAX_REPLAY)
			sample[n++] = a;
		else if ((i = (int)(rnd(&rng) % (uint32_t)seen)) < MAX_REPLAY)
			sample[i] = a;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		acked *a = &sample[i];
		yb_buf out = YB_BUF_INIT;
		char id[YB_ID_MAX];
		int rc;

		if (a->kind == 'S') {
			worker w;
			visit_buf v;
			memset(&w, 0, sizeof(w));
			w.rng = rnd(&rng);
			make_visit(&w, &v, a->msgid, a->extra, a->fix, 11);
			rc = yb_ledger_settle(ledger, &v.m, &v.req, &out);
		} else {
			rc = yb_ledger_cancel(ledger, a->fix, a->msgid, a->extra, &out);
		}
		if (rc < 0)
			die(4, "acknowledged %s failed on replay: %s", a->msgid, yb_error_msg());
		if (answer_setl_id(&out, id) < 0 || strcmp(id, a->setl_id) != 0)
			die(4, "acknowledged %s answered with another settlement on replay: %.160s",
			    a->msgid, out.ptr ? out.ptr : "");
		yb_buf_free(&out);
		atomic_fetch_add(&n_replayed, 1);
	}
}

/* -------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: crash_driver --db PATH --run ID --acks DIR [--threads T] [--persons K]\n"
			"       [--ops N] [--seconds S] [--replay FILE] [--fault | --tolerate] [--max-errors N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static worker workers[MAX_THREADS];
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--fault") == 0 || strcmp(a, "--tolerate") == 0) {
			opt.fault |= a[2] == 'f';
			opt.tolerate = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--db") == 0) opt.db = v;
		else if (strcmp(a, "--run") == 0) opt.run = v;
		else if (strcmp(a, "--acks") == 0) opt.acks = v;
		else if (strcmp(a, "--replay") == 0) opt.replay = v;
		else if (strcmp(a, "--threads") == 0) opt.threads = atoi(v);
		else if (strcmp(a, "--persons") == 0) opt.persons = atoi(v);
		else if (strcmp(a, "--ops") == 0) opt.ops = atol(v);
		else if (strcmp(a, "--seconds") == 0) opt.seconds = atol(v);
		else if (strcmp(a, "--max-errors") == 0) opt.max_errors = atol(v);
		else usage();
	}
	if (!opt.db || !opt.run || !opt.acks || opt.threads < 1 || opt.threads > MAX_THREADS ||
	    opt.persons < 1 || opt.persons > 99 || strlen(opt.run) > 16)
		usage();
	if (opt.fault && faultvfs_register() < 0)
		return 2;
	if (yb_ledger_open(&ledger, opt.db) < 0) {
		fprintf(stderr, "crash_driver: %s\n", yb_error_msg());
		return 3;
	}
	replay();
	if (opt.fault)
		faultvfs_arm();
	for (i = 0; i < opt.threads; i++) {
		char path[4200];
		worker *w = &workers[i];
		w->t = i;
		w->rng = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid() * 40503u ^ (uint32_t)(i + 1) * 97u;
		snprintf(path, sizeof(path), "%s/ack.%s.%02d", opt.acks, opt.run, i);
		if ((w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
			perror(path);
			return 3;
		}
		snprintf(path, sizeof(path), "%s/fail.%s.%02d", opt.acks, opt.run, i);
		if (opt.tolerate && (w->fail_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
			perror(path);
			return 3;
		}
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			fprintf(stderr, "crash_driver: cannot start thread %d\n", i);
			return 3;
		}
	}
	if (opt.seconds > 0) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += opt.seconds;
		while (!atomic_load(&stop)) {
			struct timespec now, nap = {0, 20 * 1000 * 1000};
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > until.tv_sec ||
			    (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec))
				break;
			nanosleep(&nap, NULL);
		}
		atomic_store(&stop, 1);
	}
	for (i = 0; i < opt.threads; i++) {
		pthread_join(workers[i].thread, NULL);
		close(workers[i].fd);
		if (opt.tolerate)
			close(workers[i].fail_fd);
	}
	printf("settles=%ld cancels=%ld retries=%ld replayed=%ld errors=%ld",
	       atomic_load(&n_settle), atomic_load(&n_cancel), atomic_load(&n_retry),
	       atomic_load(&n_replayed), atomic_load(&n_errors));
	if (opt.fault)
		printf(" vfs_ops=%ld vfs_failures=%ld", faultvfs_ops(), faultvfs_failures());
	printf("\n");
	fflush(stdout);
	yb_ledger_close(ledger);
	return 0;
}
