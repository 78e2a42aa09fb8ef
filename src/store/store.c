/* The store front: backend selection, the writers and group commit.
 *
 * Design notes
 *  1. Each writer owns one connection and a queue. yb_store_submit() puts a
 *     unit of work on the queue of writer hash(key) % n_writers and sleeps
 *     until the writer has committed it (or failed).
 *  2. A writer takes everything queued (up to MAX_GROUP units), opens one
 *     transaction, runs each unit inside a savepoint (a failing unit rolls
 *     back to its savepoint, alone), then commits once: many settlements,
 *     one fsync. Only after the commit returns are the callers woken, so an
 *     acknowledged unit is durable and an unacknowledged one may be absent
 *     but never half-present.
 *  3. A failed commit fails every unit of the group; none was acknowledged.
 *  4. Units of one key go to one writer and run in queue order, so one
 *     person's settlements are serialised.
 *  6. Gathering: the callers just woken usually come straight back with
 *     their next unit. Before taking a group the writer waits, at most
 *     GATHER_US, until as many units are queued as there were callers in
 *     the last group plus those already queued (capped by the group size):
 *     with 8 busy clients a group then holds 8 units rather than two
 *     alternating halves of 4 (bench/ledger, docs/performance.md). A lone
 *     caller never waits: it is the whole of what is expected.
 *  5. A backend with row locks (PostgreSQL) may meet a deadlock or a
 *     serialisation failure; it answers YB_ERETRY and the writer rolls the
 *     whole group back and runs every unit again in a new transaction (up
 *     to MAX_RETRIES times), before anyone is woken: a retry is invisible to
 *     callers. An exclusive unit (a bulk load reading a file) is not re-run.
 *
 *   caller:  submit ──queue──▶ writer: BEGIN ─ (SAVEPOINT unit RELEASE)* ─ COMMIT
 *      ▲                                                                   │
 *      └──────────────────────────── wake with result ◀────────────────────┘
 */
#include "store_impl.h"
#include "yibao/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_GROUP 1024
#define GATHER_US 200 /* note 6 */
#define MAX_WRITERS 64
#define MAX_READERS 64
#define MAX_RETRIES 32

typedef struct job {
	yb_store_work work;
	void *arg;
	int exclusive;
	int rc;
	int done;
	char err[512];
	struct job *next;
} job;

typedef struct writer {
	yb_store *st;
	yb_conn *conn;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;   /* the writer waits for work */
	pthread_cond_t done;   /* callers wait for their job */
	job *head, *tail;
	int n_queued;          /* jobs on the queue */
	int expect;            /* jobs expected before the next group (note 6) */
	int stopping;
	yb_store_stats stats;  /* under mu */
} writer;

struct yb_store_tx {
	const yb_store_ops *ops;
	yb_conn *conn;
};

struct yb_store {
	const yb_store_ops *ops;
	yb_backend *be;
	writer *writers;
	int n_writers;
	_Atomic int max_group; /* units per group, 1..MAX_GROUP */
	/* a pool of reading connections */
	pthread_mutex_t rmu;
	yb_conn *readers[MAX_READERS];
	int n_idle;
};

/* ---------------------------------------------------------- the writer */

static void finish(writer *w, job *j, int rc)
{
	j->rc = rc;
	if (rc < 0 && !j->err[0])
		snprintf(j->err, sizeof(j->err), "%s", yb_error_msg());
	(void)w;
}

/* Runs one unit in its savepoint. Returns 1 if the backend asks for the
 * group to run again (note 5). */
static int run_unit(writer *w, yb_store_tx *tx, job *j)
{
	const yb_store_ops *ops = w->st->ops;
	int rc;

	yb_error_clear();
	j->err[0] = '\0';
	if ((rc = ops->savepoint(w->conn)) < 0) {
		finish(w, j, rc);
		return rc == YB_ERETRY;
	}
	rc = j->work(tx, j->arg);
	if (rc < 0) {
		snprintf(j->err, sizeof(j->err), "%s", yb_error_msg());
		if (ops->rollback_to(w->conn) == YB_ERETRY)
			rc = YB_ERETRY;
	} else if ((rc = ops->release(w->conn)) < 0) {
		snprintf(j->err, sizeof(j->err), "%s", yb_error_msg());
	}
	j->rc = rc;
	return rc == YB_ERETRY;
}

/* Runs one group: all jobs in one transaction, or one exclusive job.
 * Returns 1 if a transaction was committed, YB_ERETRY if the group must
 * run again (note 5). */
static int run_group_once(writer *w, job *first)
{
	const yb_store_ops *ops = w->st->ops;
	yb_store_tx tx = {ops, w->conn};
	job *j;
	int rc;

	if ((rc = ops->begin(w->conn, first->exclusive ? YB_TX_EXCLUSIVE : YB_TX_WRITE)) < 0) {
		for (j = first; j; j = j->next)
			finish(w, j, rc);
		return 0;
	}
	if (first->exclusive) {
		yb_error_clear();
		rc = first->work(&tx, first->arg);
		if (rc == YB_ERETRY) /* not re-run: it may have read a file */
			rc = yb_error_set(YB_EBUSY, "deadlock during an exclusive transaction: %s", yb_error_msg());
		if (rc < 0) {
			finish(w, first, rc);
			ops->rollback(w->conn);
			return 0;
		}
		first->rc = rc;
	} else {
		for (j = first; j; j = j->next)
			if (run_unit(w, &tx, j)) {
				ops->rollback(w->conn);
				return YB_ERETRY;
			}
	}
	if ((rc = ops->commit(w->conn)) == YB_ERETRY) {
		ops->rollback(w->conn);
		if (!first->exclusive)
			return YB_ERETRY;
		rc = YB_EBUSY;
	}
	if (rc < 0) {
		char err[512];
		/* a failed fsync may still have reached the disk: the client
		 * must retry with the same msgid, never a new one (S1) */
		snprintf(err, sizeof(err), "commit failed, outcome unknown until the store is"
			 " reopened; retry with the same msgid: %s", yb_error_msg());
		ops->rollback(w->conn);
		for (j = first; j; j = j->next) {
			j->rc = rc;
			memcpy(j->err, err, sizeof(err));
		}
		return 0;
	}
	return 1;
}

static int run_group(writer *w, job *first)
{
	int attempt, rc;
	job *j;

	for (attempt = 0; attempt <= MAX_RETRIES; attempt++) {
		if ((rc = run_group_once(w, first)) != YB_ERETRY)
			return rc;
		if (attempt >= 2) { /* a little random backoff if it persists */
			long us = (long)(((uintptr_t)w >> 6) % 997 + 1) * (attempt < 8 ? attempt : 8);
			struct timespec ts = {0, us * 1000L};
			nanosleep(&ts, NULL);
		}
	}
	for (j = first; j; j = j->next) {
		j->rc = YB_EBUSY;
		snprintf(j->err, sizeof(j->err), "deadlock or serialisation failure %d times,"
			 " nothing kept: try again", MAX_RETRIES + 1);
	}
	return 0;
}

/* Takes the jobs to run next: everything queued up to MAX_GROUP, but an
 * exclusive job always runs alone. Called with w->mu held. */
static job *take_group(writer *w)
{
	job *first = w->head, *j = first;
	int n = 1, max = atomic_load_explicit(&w->st->max_group, memory_order_relaxed);

	if (first->exclusive) {
		w->head = first->next;
		w->n_queued--;
	} else {
		while (j->next && !j->next->exclusive && n < max) {
			j = j->next;
			n++;
		}
		w->head = j->next;
		w->n_queued -= n;
	}
	if (!w->head)
		w->tail = NULL;
	(first->exclusive ? first : j)->next = NULL;
	return first;
}

static void *writer_main(void *arg)
{
	writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		job *group, *j, *next;
		int committed;
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->mu);
		if (!w->head && w->stopping)
			break;
		if (w->n_queued < w->expect && !w->head->exclusive) { /* note 6 */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += GATHER_US * 1000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (w->n_queued < w->expect && !w->stopping &&
			       pthread_cond_timedwait(&w->wake, &w->mu, &until) == 0)
				;
		}
		group = take_group(w);
		pthread_mutex_unlock(&w->mu);
		committed = run_group(w, group);
		pthread_mutex_lock(&w->mu);
		w->stats.commits += (uint64_t)committed;
		w->expect = w->n_queued;
		for (j = group; j; j = next) {
			next = j->next;
			w->expect += !j->exclusive;
			if (committed) {
				w->stats.units++;
				w->stats.failed += j->rc < 0;
			}
			j->done = 1;
		}
		if (w->expect > atomic_load_explicit(&w->st->max_group, memory_order_relaxed))
			w->expect = atomic_load_explicit(&w->st->max_group, memory_order_relaxed);
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (s && *s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int enqueue_and_wait(yb_store *st, const char *key, job *j)
{
	writer *w = &st->writers[key_hash(key) % (uint64_t)st->n_writers];

	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return yb_error_set(YB_EBUSY, "store is closing");
	}
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->n_queued++;
	pthread_cond_signal(&w->wake);
	while (!j->done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if (j->rc < 0)
		yb_error_set(j->rc, "%s", j->err);
	return j->rc;
}

int yb_store_submit(yb_store *st, const char *key, yb_store_work work, void *arg)
{
	job j;
	memset(&j, 0, sizeof(j));
	j.work = work;
	j.arg = arg;
	return enqueue_and_wait(st, key, &j);
}

int yb_store_exclusive(yb_store *st, yb_store_work work, void *arg)
{
	job j;
	memset(&j, 0, sizeof(j));
	j.work = work;
	j.arg = arg;
	j.exclusive = 1;
	return enqueue_and_wait(st, "", &j);
}

/* ----------------------------------------------------------- readers */

int yb_store_read(yb_store *st, yb_store_work work, void *arg)
{
	yb_conn *c = NULL;
	yb_store_tx tx;
	int rc;

	pthread_mutex_lock(&st->rmu);
	if (st->n_idle)
		c = st->readers[--st->n_idle];
	pthread_mutex_unlock(&st->rmu);
	if (!c && (rc = st->ops->conn_open(st->be, &c, 0)) < 0)
		return rc;
	tx.ops = st->ops;
	tx.conn = c;
	if ((rc = st->ops->begin(c, YB_TX_READ)) >= 0) {
		rc = work(&tx, arg);
		st->ops->rollback(c); /* a read never changes anything */
	}
	pthread_mutex_lock(&st->rmu);
	if (st->n_idle < MAX_READERS) {
		st->readers[st->n_idle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&st->rmu);
	if (c)
		st->ops->conn_close(c);
	return rc;
}

/* ------------------------------------------------------------ stats */

void yb_store_get_stats(yb_store *st, yb_store_stats *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < st->n_writers; i++) {
		writer *w = &st->writers[i];
		pthread_mutex_lock(&w->mu);
		out->commits += w->stats.commits;
		out->units += w->stats.units;
		out->failed += w->stats.failed;
		pthread_mutex_unlock(&w->mu);
	}
}

void yb_store_set_max_group(yb_store *st, int n)
{
	atomic_store(&st->max_group, n < 1 ? 1 : n > MAX_GROUP ? MAX_GROUP : n);
}

/* ------------------------------------------------------- open, close */

int yb_store_open(yb_store **out, const char *url)
{
	yb_store *st;
	int i, rc, n = 1;

	if (!(st = calloc(1, sizeof(*st))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		st->ops = &yb_store_pg_ops;
	else
		st->ops = &yb_store_sqlite_ops;
	atomic_init(&st->max_group, MAX_GROUP);
	pthread_mutex_init(&st->rmu, NULL);
	if ((rc = st->ops->open(&st->be, url, &n)) < 0) {
		free(st);
		return rc;
	}
	if (n < 1 || n > MAX_WRITERS)
		n = 1;
	st->writers = calloc((size_t)n, sizeof(writer));
	for (i = 0; st->writers && i < n; i++) {
		writer *w = &st->writers[i];
		w->st = st;
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->wake, NULL);
		pthread_cond_init(&w->done, NULL);
		if ((rc = st->ops->conn_open(st->be, &w->conn, 1)) < 0 ||
		    pthread_create(&w->thread, NULL, writer_main, w) != 0) {
			if (rc >= 0)
				rc = yb_error_set(YB_ERROR, "cannot start a writer thread");
			if (w->conn)
				st->ops->conn_close(w->conn);
			w->conn = NULL;
			break;
		}
		st->n_writers++;
	}
	if (!st->writers || st->n_writers < n) {
		rc = rc < 0 ? rc : yb_error_set(YB_ENOMEM, "out of memory");
		yb_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void yb_store_close(yb_store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < st->n_writers; i++) {
		writer *w = &st->writers[i];
		pthread_mutex_lock(&w->mu);
		w->stopping = 1;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		st->ops->conn_close(w->conn);
	}
	free(st->writers);
	while (st->n_idle)
		st->ops->conn_close(st->readers[--st->n_idle]);
	if (st->be)
		st->ops->close(st->be);
	pthread_mutex_destroy(&st->rmu);
	free(st);
}

/* ------------------------------------------- operations, by dispatch */

/* institutions */
int yb_tx_put_fixmedins(yb_store_tx *tx, const yb_fixmedins_rec *r) { return tx->ops->put_fixmedins(tx->conn, r); }
int yb_tx_get_fixmedins(yb_store_tx *tx, const char *code, yb_fixmedins_rec *out) { return tx->ops->get_fixmedins(tx->conn, code, out); }

/* persons, insurance periods, registrations */
int yb_tx_put_psn(yb_store_tx *tx, const yb_psn_rec *r) { return tx->ops->put_psn(tx->conn, r); }
int yb_tx_get_psn(yb_store_tx *tx, const char *psn_no, yb_date on, yb_psn_rec *out) { return tx->ops->get_psn(tx->conn, psn_no, NULL, on, out); }
int yb_tx_get_psn_by_certno(yb_store_tx *tx, const char *certno, yb_date on, yb_psn_rec *out) { return tx->ops->get_psn(tx->conn, NULL, certno, on, out); }
int yb_tx_put_psn_reg(yb_store_tx *tx, const yb_psn_reg_rec *r) { return tx->ops->put_psn_reg(tx->conn, r); }
int yb_tx_get_psn_regs(yb_store_tx *tx, const char *p, yb_psn_reg_rec *out, size_t cap, size_t *n) { return tx->ops->get_psn_regs(tx->conn, p, out, cap, n); }

/* accounts and mutual aid */
int yb_tx_put_mulaid(yb_store_tx *tx, const yb_mulaid_rec *r) { return tx->ops->put_mulaid(tx->conn, r); }
int yb_tx_get_mulaid(yb_store_tx *tx, const char *psn_no, yb_mulaid_row *out, size_t *n) { return tx->ops->get_mulaid(tx->conn, psn_no, out, n); }

/* accumulators */
int yb_tx_get_accums(yb_store_tx *tx, const char *psn_no, int year, yb_accum_row *out, int *n) { return tx->ops->get_accums(tx->conn, psn_no, year, out, n); }

/* catalogue */
int yb_tx_put_catalogue(yb_store_tx *tx, const yb_cat_item *it) { return tx->ops->put_catalogue(tx->conn, it); }
int yb_tx_each_catalogue(yb_store_tx *tx, int (*fn)(const yb_cat_item *, void *), void *arg) { return tx->ops->each_catalogue(tx->conn, fn, arg); }

/* visits */
int yb_tx_next_mdtrt_id(yb_store_tx *tx, char out[YB_ID_MAX]) { return tx->ops->next_mdtrt_id(tx->conn, out); }
int yb_tx_put_mdtrt(yb_store_tx *tx, const yb_mdtrt_rec *r) { return tx->ops->put_mdtrt(tx->conn, r); }
int yb_tx_upd_mdtrt(yb_store_tx *tx, const yb_mdtrt_rec *r) { return tx->ops->upd_mdtrt(tx->conn, r); }
int yb_tx_get_mdtrt(yb_store_tx *tx, const char *p, const char *d, yb_mdtrt_rec *out) { return tx->ops->get_mdtrt(tx->conn, p, d, out); }
int yb_tx_each_mdtrt(yb_store_tx *tx, const char *p, int (*fn)(const yb_mdtrt_rec *, void *), void *arg) { return tx->ops->each_mdtrt(tx->conn, p, fn, arg); }
int yb_tx_find_stay(yb_store_tx *tx, const char *p, yb_datetime t, const char *x, yb_mdtrt_rec *out) { return tx->ops->find_stay(tx->conn, p, t, x, out); }

/* fee lines */
int yb_tx_put_fee(yb_store_tx *tx, const char *p, const char *d, const yb_fee_row *r) { return tx->ops->put_fee(tx->conn, p, d, r); }
int yb_tx_each_fee(yb_store_tx *tx, const char *p, const char *d, int (*fn)(const yb_fee_row *, void *), void *arg) { return tx->ops->each_fee(tx->conn, p, d, fn, arg); }
int yb_tx_set_fee_setl(yb_store_tx *tx, const char *p, const char *d, const char *sn, const char *s) { return tx->ops->set_fee_setl(tx->conn, p, d, sn, s); }
int yb_tx_unsettle_fees(yb_store_tx *tx, const char *p, const char *s) { return tx->ops->unsettle_fees(tx->conn, p, s); }
int yb_tx_del_fee(yb_store_tx *tx, const char *p, const char *d, const char *sn) { return tx->ops->del_fee(tx->conn, p, d, sn); }

/* settlements */
int yb_tx_next_setl_id(yb_store_tx *tx, char out[YB_ID_MAX]) { return tx->ops->next_setl_id(tx->conn, out); }
int yb_tx_put_settlement(yb_store_tx *tx, const yb_setl_row *r) { return tx->ops->put_settlement(tx->conn, r); }
int yb_tx_get_settlement(yb_store_tx *tx, const char *setl_id, yb_setl_stored *out) { return tx->ops->get_settlement(tx->conn, setl_id, out); }
int yb_tx_mark_cancelled(yb_store_tx *tx, const char *psn_no, const char *setl_id) { return tx->ops->mark_cancelled(tx->conn, psn_no, setl_id); }
int yb_tx_each_setl(yb_store_tx *tx, const char *p, const char *d, int (*fn)(const yb_setl_row *, int, void *), void *arg) { return tx->ops->each_setl(tx->conn, p, d, fn, arg); }
int yb_tx_get_setl_funds(yb_store_tx *tx, const char *p, const char *s, yb_fund_pay *out, int *n) { return tx->ops->get_setl_funds(tx->conn, p, s, out, n); }
int yb_tx_find_setl_by_msgid(yb_store_tx *tx, const char *p, const char *f, const char *m, char s[YB_ID_MAX]) { return tx->ops->find_setl_by_msgid(tx->conn, p, f, m, s); }
int yb_tx_reconcile(yb_store_tx *tx, const char *f, int i, int c, yb_datetime from, yb_datetime to, yb_recon_rows *out) { return tx->ops->reconcile(tx->conn, f, i, c, from, to, out); }

/* idempotency records */
int yb_tx_get_idem_rec(yb_store_tx *tx, const char *p, const char *f, const char *m, yb_idem_rec *rec, yb_buf *resp) { return tx->ops->get_idem_rec(tx->conn, p, f, m, rec, resp); }
int yb_tx_put_idem_rec(yb_store_tx *tx, const yb_idem_rec *rec, const char *resp) { return tx->ops->put_idem_rec(tx->conn, rec, resp); }
int yb_tx_set_idem_state(yb_store_tx *tx, const char *p, const char *f, const char *m, int state) { return tx->ops->set_idem_state(tx->conn, p, f, m, state); }

const char *yb_store_byte_order(yb_store_tx *tx)
{
	return tx->ops->byte_order;
}

/* the generic runner */
int yb_store_sql(yb_store_tx *tx, const char *sql, const yb_sqlv *v, int n,
		 yb_sql_row row, void *arg, long *changes)
{
	return tx->ops->sql(tx->conn, sql, v, n, row, arg, changes);
}

/* check: the backend's own, then those of the records written once */
int yb_tx_check(yb_store_tx *tx, void (*fn)(const char *, void *), void *arg, long *checked)
{
	int rc = tx->ops->check(tx->conn, fn, arg, checked);
	if (rc == 0)
		rc = yb_store_enrol_check(tx, fn, arg);
	return rc < 0 ? rc : yb_store_rules_check(tx, fn, arg);
}

/* ------------------------------------------------ settlement amounts */

const char *const yb_setl_amount_names[YB_A_COUNT] = {
	"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
	"inscp_scp_amt", "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay",
	"hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt",
	"psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "acct_mulaid_pay",
};

void yb_setl_amounts_from(yb_money a[YB_A_COUNT], const yb_settlement *s)
{
	a[YB_A_MEDFEE_SUMAMT] = s->medfee_sumamt;
	a[YB_A_FULAMT_OWNPAY_AMT] = s->fulamt_ownpay_amt;
	a[YB_A_OVERLMT_SELFPAY] = s->overlmt_selfpay;
	a[YB_A_PRESELFPAY_AMT] = s->preselfpay_amt;
	a[YB_A_INSCP_SCP_AMT] = s->inscp_scp_amt;
	a[YB_A_ACT_PAY_DEDC] = s->act_pay_dedc;
	a[YB_A_HIFP_PAY] = s->hifp_pay;
	a[YB_A_CVLSERV_PAY] = s->cvlserv_pay;
	a[YB_A_HIFES_PAY] = s->hifes_pay;
	a[YB_A_HIFMI_PAY] = s->hifmi_pay;
	a[YB_A_HIFOB_PAY] = s->hifob_pay;
	a[YB_A_MAF_PAY] = s->maf_pay;
	a[YB_A_OTH_PAY] = s->oth_pay;
	a[YB_A_FUND_PAY_SUMAMT] = s->fund_pay_sumamt;
	a[YB_A_PSN_PART_AMT] = s->psn_part_amt;
	a[YB_A_ACCT_PAY] = s->acct_pay;
	a[YB_A_PSN_CASH_PAY] = s->psn_cash_pay;
	a[YB_A_HOSP_PART_AMT] = s->hosp_part_amt;
	a[YB_A_ACCT_MULAID_PAY] = s->acct_mulaid_pay;
}

/* ------------------------------------------------------ stored dates */

const char *yb_store_date_text(char *buf, yb_date d)
{
	if (d == YB_DATE_NONE)
		buf[0] = '\0';
	else if (d == YB_DATE_MAX)
		memcpy(buf, "9999-12-31", 11);
	else
		yb_date_format(buf, d);
	return buf;
}

yb_date yb_store_text_date(const char *t)
{
	yb_date d;

	if (!t || !t[0])
		return YB_DATE_NONE;
	if (strcmp(t, "9999-12-31") == 0)
		return YB_DATE_MAX;
	return yb_date_parse(&d, t, strlen(t)) < 0 ? YB_DATE_NONE : d;
}
