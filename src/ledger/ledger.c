/* The ledger: settlement and cancel as single durable transactions, over
 * the store, with the policies and the store's catalogue in memory.
 *
 * Design notes (the settlement transaction)
 *  1. One settlement = one unit of work in the store (store.c groups many
 *     into one commit). Inside it, in order: idempotency lookup; institution;
 *     person and the insurance covering the visit day (refuse if none, or
 *     paused for arrears: OE5); accumulators of the visit's year; mutual-aid
 *     accounts; the engine; then the writes: settlement, fee lines, fund
 *     rows, accumulator deltas, account movements, idempotency record.
 *  2. Any failure before the end rolls the unit back to its savepoint:
 *     nothing of a refused or failed settlement is written.
 *  3. A retried (fixmedins_code, msgid) returns the stored output byte for
 *     byte, with the stamp the caller kept with it (the national
 *     interface's envelope fields), and writes nothing; a msgid reused for
 *     another request, or reversed (2601), is refused. The answer a client
 *     reads is built from output and stamp by one pure function above the
 *     ledger (src/nhsa/answer.c), first time and on a retry alike.
 *  4. A cancel writes a new settlement row with every amount negated, the
 *     negated accumulator deltas (in the original's year) and the negated
 *     account movements (credits back to each account), and flags the
 *     original; the lines it settled become unsettled and a registered
 *     visit gets back the deductible and its openness (IP3). Cancelling
 *     twice, a cancel, or a part of a stay while a later part stands is
 *     refused; another institution's settlement is answered as a missing
 *     one.
 *  5. Every durable operation (the settlement unit of ledger_setl.c, and
 *     each of ledger_*.c) is a ledger_op: the same unit of work,
 *     idempotency lookup and record around its body.
 *
 *   settle:  idem? ─yes─▶ replay
 *              │no
 *              ▼
 *           read state ─▶ engine ─▶ write rows ─▶ idem ─▶ (group commit) ─▶ ack
 */
#include "ledger_impl.h"
#include "yibao/enroll.h"
#include "yibao/error.h"

#include <dirent.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_POLICIES LEDGER_MAX_POLICIES

yb_store *yb_ledger_store(yb_ledger *l)
{
	return l->st;
}

/* Policies load on first use and stay: they are immutable. */
int yb_ledger_policy(yb_ledger *l, const char *admdvs, const yb_policy **out)
{
	char path[4300];
	int i, rc = 0;

	pthread_mutex_lock(&l->pol_mu);
	for (i = 0; i < l->n_pol; i++)
		if (strcmp(l->pol[i]->admdvs, admdvs) == 0) {
			*out = l->pol[i];
			goto done;
		}
	if (l->n_pol == MAX_POLICIES) {
		rc = yb_error_set(YB_ERROR, "too many policies");
		goto done;
	}
	if ((rc = yb_policy_path(path, sizeof(path), admdvs)) < 0 ||
	    (rc = yb_policy_load(&l->pol[l->n_pol], path, NULL)) < 0)
		goto done;
	*out = l->pol[l->n_pol++];
done:
	pthread_mutex_unlock(&l->pol_mu);
	return rc;
}

/* ------------------------------------------------------------ catalogue */

typedef struct item_vec {
	yb_cat_item *v;
	size_t n, cap;
} item_vec;

static int collect_item(const yb_cat_item *it, void *arg)
{
	item_vec *iv = arg;
	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 1024;
		yb_cat_item *p = realloc(iv->v, cap * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		iv->v = p;
		iv->cap = cap;
	}
	iv->v[iv->n++] = *it;
	return 0;
}

static int read_catalogue(yb_store_tx *tx, void *arg)
{
	return yb_tx_each_catalogue(tx, collect_item, arg);
}

static void free_cats(struct region_cat *cats, int n)
{
	int i;
	for (i = 0; i < n; i++)
		yb_catalogue_free(cats[i].cat);
}

/* Rebuilds the in-memory catalogues (one per region) from the store. */
int yb_ledger_refresh_catalogue(yb_ledger *l)
{
	item_vec iv = {NULL, 0, 0};
	struct region_cat cats[MAX_POLICIES], old[MAX_POLICIES];
	size_t i, from = 0;
	int rc, n = 0, n_old;

	if ((rc = yb_store_read(l->st, read_catalogue, &iv)) < 0)
		goto done;
	/* the store lists items ordered by region */
	for (i = 0; i <= iv.n && rc == 0; i++) {
		if (i < iv.n && strcmp(iv.v[i].admdvs, iv.v[from].admdvs) == 0)
			continue;
		if (i == from)
			break;
		if (n == MAX_POLICIES) {
			rc = yb_error_set(YB_ERROR, "catalogue: more than %d regions", MAX_POLICIES);
			break;
		}
		memcpy(cats[n].admdvs, iv.v[from].admdvs, sizeof(cats[n].admdvs));
		if ((rc = yb_catalogue_from_items(&cats[n].cat, iv.v + from, i - from)) == 0)
			n++;
		from = i;
	}
	if (rc < 0) {
		free_cats(cats, n);
		goto done;
	}
	pthread_rwlock_wrlock(&l->cat_lock);
	memcpy(old, l->cats, sizeof(old));
	n_old = l->n_cats;
	memcpy(l->cats, cats, sizeof(cats));
	l->n_cats = n;
	pthread_rwlock_unlock(&l->cat_lock);
	free_cats(old, n_old);
done:
	free(iv.v);
	return rc;
}

/* The list of the place of care (就医地目录): the region covering the
 * institution most narrowly; else the person's home region's; else the
 * list valid everywhere. Called with cat_lock held. */
static const yb_catalogue *pick_catalogue(const yb_ledger *l, const char *place, const char *home)
{
	const yb_catalogue *best = NULL, *home_cat = NULL, *any = NULL;
	int i, len, best_len = 0;

	for (i = 0; i < l->n_cats; i++) {
		const struct region_cat *rc = &l->cats[i];
		if (!rc->admdvs[0]) {
			any = rc->cat;
			continue;
		}
		if ((len = yb_region_covers(rc->admdvs, place)) > best_len) {
			best = rc->cat;
			best_len = len;
		}
		if (yb_region_covers(rc->admdvs, home))
			home_cat = rc->cat;
	}
	return best ? best : home_cat ? home_cat : any;
}

const yb_catalogue *ledger_catalogue(yb_ledger *l, const char *place, const char *home)
{
	pthread_rwlock_rdlock(&l->cat_lock);
	return pick_catalogue(l, place, home);
}

void ledger_resolve(yb_ledger *l, const yb_catalogue *cat, yb_feeline_in *in, yb_date on)
{
	int i;

	if (cat && yb_catalogue_find(cat, in->line.med_list_codg, on)) {
		yb_resolve_feeline(in, cat, on, 0);
		return;
	}
	for (i = 0; i < l->n_cats; i++)
		if (!l->cats[i].admdvs[0] && l->cats[i].cat != cat) {
			yb_resolve_feeline(in, l->cats[i].cat, on, 0);
			return;
		}
	yb_resolve_feeline(in, cat, on, 0);
}

void ledger_catalogue_done(yb_ledger *l)
{
	pthread_rwlock_unlock(&l->cat_lock);
}

static size_t catalogue_items(const yb_ledger *l)
{
	size_t n = 0;
	int i;
	for (i = 0; i < l->n_cats; i++)
		n += yb_catalogue_count(l->cats[i].cat);
	return n;
}

typedef struct seed_job {
	const yb_catalogue *cat;
	char admdvs[7];       /* the file's region, for items that name none */
} seed_job;

static int put_items(yb_store_tx *tx, void *arg)
{
	const seed_job *j = arg;
	yb_cat_item it;
	size_t i;
	int rc;

	for (i = 0; i < yb_catalogue_count(j->cat); i++) {
		it = *yb_catalogue_at(j->cat, i);
		if (!it.admdvs[0])
			memcpy(it.admdvs, j->admdvs, sizeof(it.admdvs));
		if ((rc = yb_tx_put_catalogue(tx, &it)) < 0)
			return rc;
	}
	return 0;
}

/* A new store starts with the shipped catalogues: policies/NNNNNN.catalogue.json. */
static int seed_catalogue(yb_ledger *l)
{
	char dir[4096], path[4400];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (yb_policy_dir(dir, sizeof(dir)) < 0 || !(d = opendir(dir)))
		return 0;
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		yb_catalogue *cat = NULL;
		if (n < 15 || strcmp(e->d_name + n - 15, ".catalogue.json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((rc = yb_catalogue_load(&cat, path, NULL)) == 0) {
			/* policies/NNNNNN.catalogue.json is the list of region
			 * NNNNNN: each region keeps its own (就医地目录) */
			seed_job j = {cat, ""};
			if (n == 21 && strspn(e->d_name, "0123456789") == 6)
				memcpy(j.admdvs, e->d_name, 6);
			rc = yb_store_exclusive(l->st, put_items, &j);
		}
		yb_catalogue_free(cat);
	}
	closedir(d);
	return rc;
}

/* ------------------------------------------------------- open, close */

int yb_ledger_open(yb_ledger **out, const char *db_url)
{
	yb_ledger *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return yb_error_set(YB_ENOMEM, "out of memory");
	pthread_mutex_init(&l->pol_mu, NULL);
	pthread_rwlock_init(&l->cat_lock, NULL);
	pthread_rwlock_init(&l->fix_lock, NULL);
	if ((rc = yb_store_open(&l->st, db_url)) < 0 ||
	    (rc = yb_ledger_refresh_catalogue(l)) < 0)
		goto fail;
	if (catalogue_items(l) == 0 &&
	    ((rc = seed_catalogue(l)) < 0 || (rc = yb_ledger_refresh_catalogue(l)) < 0))
		goto fail;
	if ((rc = ledger_rules_open(l)) < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	yb_ledger_close(l);
	return rc;
}

void yb_ledger_close(yb_ledger *l)
{
	int i;

	if (!l)
		return;
	yb_store_close(l->st);
	yb_ruleset_free(l->rules);
	for (i = 0; i < l->n_pol; i++)
		yb_policy_free(l->pol[i]);
	free_cats(l->cats, l->n_cats);
	yb_ledger_forget_fixmedins(l);
	pthread_mutex_destroy(&l->pol_mu);
	pthread_rwlock_destroy(&l->cat_lock);
	pthread_rwlock_destroy(&l->fix_lock);
	free(l);
}

/* ------------------------------------------------- who may be served */

static void fmt_date(char buf[12], yb_date d)
{
	yb_date_format(buf, d);
}

/* OE5 and the insurance period: who may not settle on this day. */
int ledger_refuse_person(const yb_psn_rec *p, int insutype, yb_date day)
{
	char d[12];

	fmt_date(d, day);
	if (p->psn_insu_stas == 0)
		return yb_error_set(YB_EREFUSED, "psn_no: %s is not insured on %s", p->psn_no, d);
	if (p->psn_insu_stas == 2)
		return yb_error_set(YB_EREFUSED, "psn_no: %s has benefits stopped for unpaid contributions on %s (OE5)", p->psn_no, d);
	if (p->psn_insu_stas != 1)
		return yb_error_set(YB_EREFUSED, "psn_no: %s has ended insurance on %s", p->psn_no, d);
	if (insutype && insutype != p->insutype)
		return yb_error_set(YB_EREFUSED, "insutype: %s is insured under %d, not %d on %s",
				    p->psn_no, p->insutype, insutype, d);
	return 0;
}

int ledger_person(yb_store_tx *tx, const yb_policy *pol, const yb_psn_rec *p, ledger_psn *lp)
{
	yb_psn_reg_rec regs[2 * YB_MAX_PSN_REGS];
	yb_person *psn = &lp->psn;
	size_t i, n = 0;
	int rc, t;

	memset(psn, 0, sizeof(*psn));
	psn->psn_no = p->psn_no;
	psn->insutype = p->insutype;
	memcpy(psn->psn_type, p->psn_type, sizeof(psn->psn_type));
	psn->gend = p->gend;
	psn->brdy = p->brdy;
	memcpy(psn->insu_admdvs, p->insu_admdvs, sizeof(psn->insu_admdvs));
	psn->acct_balc = p->acct_balc;
	if ((rc = yb_tx_get_psn_regs(tx, p->psn_no, regs, 2 * YB_MAX_PSN_REGS, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const yb_psn_reg_rec *r = &regs[i];
		if (strcmp(r->kind, "idet") == 0) {
			if ((t = yb_policy_identity(pol, r->type)) < 0)
				return yb_error_set(YB_ERROR, "psn_no: %s holds identity '%s', unknown to policy %s",
						    p->psn_no, r->type, pol->admdvs);
			if (psn->n_idet == YB_MAX_PSN_REGS)
				continue;
			lp->idet[psn->n_idet].type = t;
			lp->idet[psn->n_idet].begndate = r->begndate;
			lp->idet[psn->n_idet++].enddate = r->enddate;
		} else {
			if ((t = yb_policy_remote_type(pol, r->type)) < 0)
				return yb_error_set(YB_ERROR, "psn_no: %s has remote-care type '%s', unknown to policy %s",
						    p->psn_no, r->type, pol->admdvs);
			if (psn->n_remote == YB_MAX_PSN_REGS)
				continue;
			lp->remote[psn->n_remote].type = t;
			memcpy(lp->remote[psn->n_remote].admdvs, r->admdvs, 7);
			lp->remote[psn->n_remote].begndate = r->begndate;
			lp->remote[psn->n_remote++].enddate = r->enddate;
		}
	}
	psn->idet = lp->idet;
	psn->remote = lp->remote;
	return 0;
}

yb_datetime ledger_now(const yb_ledger_msg *m)
{
	if (m && m->now)
		return m->now;
	return (yb_datetime)time(NULL) + 8 * 3600; /* China Standard Time */
}

/* OE5: no outpatient settlement while the person is in a stay. */
int ledger_refuse_in_stay(yb_store_tx *tx, const char *fix, const char *psn_no,
			  const char *mdtrt_id, yb_datetime t)
{
	yb_mdtrt_rec *stay = malloc(sizeof(*stay));
	char since[24];
	int rc;

	if (!stay)
		return yb_error_set(YB_ENOMEM, "out of memory");
	rc = yb_tx_find_stay(tx, psn_no, t, mdtrt_id, stay);
	if (rc == YB_ENOTFOUND) {
		rc = 0;
	} else if (rc == 0) {
		yb_datetime_format(since, stay->begntime);
		/* another institution's stay is not named: its id is theirs */
		if (strcmp(stay->fixmedins_code, fix) == 0)
			rc = yb_error_set(YB_EREFUSED, "psn_no: %s is in an inpatient stay here (mdtrt_id %s) since %s:"
					  " outpatient expenses during a stay are not covered (OE5)",
					  psn_no, stay->mdtrt_id, since);
		else
			rc = yb_error_set(YB_EREFUSED, "psn_no: %s is in an inpatient stay at another institution since %s:"
					  " outpatient expenses during a stay are not covered (OE5)", psn_no, since);
	}
	free(stay);
	return rc;
}

int ledger_chronic(yb_store_tx *tx, const char *psn_no, yb_visit *v)
{
	yb_chronic_rec *apps;
	yb_date day = yb_datetime_date(v->begntime);
	size_t i, n = 0;
	int rc;

	v->chronic_closed = 0;
	if (v->med_type != 14)
		return 0;
	if (!(apps = malloc(YB_ENROL_MAX_APPS * sizeof(*apps))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = yb_tx_get_chronics(tx, psn_no, apps, YB_ENROL_MAX_APPS, &n)) == 0) {
		/* the disease was checked against the policy's list when the
		 * application was recorded; here: confirmed by the day, and its
		 * code a prefix of the diagnosis (I10 covers I10.x00) */
		v->chronic_closed = 1;
		for (i = 0; i < n; i++)
			if (apps[i].result == YB_CHRONIC_CONFIRMED && apps[i].decided != YB_DATE_NONE &&
			    apps[i].decided <= day && v->dise_codg &&
			    strncmp(v->dise_codg, apps[i].dise_codg, strlen(apps[i].dise_codg)) == 0)
				v->chronic_closed = 0;
	}
	free(apps);
	return rc;
}

/* Builds the stored row of a fresh settlement. */
void ledger_setl_row(yb_setl_row *r, const char *fixmedins_code, const char *msgid,
		     const yb_settlement *s, const yb_visit *v, const yb_policy *pol,
		     const yb_person *psn, const char *setl_id, yb_accum_row *deltas,
		     yb_acct_mov *movs, const yb_mulaid_acct *mulaid, size_t n_mulaid)
{
	int b;
	size_t k;

	memset(r, 0, sizeof(*r));
	snprintf(r->setl_id, sizeof(r->setl_id), "%s", setl_id);
	snprintf(r->psn_no, sizeof(r->psn_no), "%s", psn->psn_no);
	snprintf(r->mdtrt_id, sizeof(r->mdtrt_id), "%s", v->mdtrt_id);
	snprintf(r->fixmedins_code, sizeof(r->fixmedins_code), "%s", fixmedins_code);
	snprintf(r->msgid, sizeof(r->msgid), "%s", msgid);
	snprintf(r->pol_ver, sizeof(r->pol_ver), "%s@%s", pol->admdvs, pol->version);
	r->insutype = psn->insutype;
	r->med_type = v->med_type;
	r->setl_time = v->begntime;
	r->year = yb_date_year(yb_datetime_date(v->begntime));
	r->pool_prop = s->pool_prop_selfpay;
	yb_setl_amounts_from(r->amt, s);
	r->balc = s->balc;
	r->lines = v->lines;
	r->results = NULL;
	r->n_lines = v->n_lines;
	r->funds = s->funds;
	r->n_funds = s->n_funds;
	for (b = 0; b < pol->n_buckets; b++)
		if (s->acc_delta[b]) {
			snprintf(deltas[r->n_deltas].bucket, sizeof(deltas[0].bucket), "%s", pol->bucket[b]);
			deltas[r->n_deltas++].amount = s->acc_delta[b];
		}
	r->deltas = deltas;
	if (s->acct_pay - s->acct_mulaid_pay) {
		snprintf(movs[0].psn_no, sizeof(movs[0].psn_no), "%s", psn->psn_no);
		movs[r->n_movs++].amount = -(s->acct_pay - s->acct_mulaid_pay);
	}
	for (k = 0; k < n_mulaid; k++)
		if (s->mulaid_pay[k]) {
			snprintf(movs[r->n_movs].psn_no, sizeof(movs[0].psn_no), "%s", mulaid[k].psn_no);
			movs[r->n_movs++].amount = -s->mulaid_pay[k];
		}
	r->movs = movs;
}

/* One feedetail[] line of `yibao settle`: the line, and what the rules read. */
static int read_inline_line(yb_feeline_in *line, yb_settle_line_ext *ext, yb_trac_codes *codes,
			    const yb_json *e, const yb_jpath *lp)
{
	char trdn[4] = "";
	int rc;

	if ((rc = yb_read_feeline(line, e, lp)) < 0 ||
	    (rc = yb_read_trac_codes(codes, e, lp)) < 0 ||
	    (rc = yb_jget_code(e, lp, "trdn_flag", 0, trdn, sizeof(trdn))) < 0 ||
	    (rc = yb_jget_datetime(e, lp, "fee_ocur_time", 0, &ext->fee_ocur_time)) < 0)
		return rc;
	ext->codes = codes->v;
	ext->n_codes = codes->n;
	ext->trdn_flag = trdn[0] == '1';
	return 0;
}

int yb_ledger_settle_json(yb_ledger *l, const char *json, size_t len, int dry_run, yb_buf *out)
{
	static const yb_json_limits lim = {32, 65536};
	yb_json_doc *doc = NULL;
	const yb_json *root, *md, *arr, *e;
	yb_jpath mp = YB_JPATH_KEY(NULL, "mdtrt"), fp = YB_JPATH_KEY(NULL, "feedetail");
	yb_ledger_msg m;
	yb_settle_req req;
	yb_settle_inline inl;
	yb_feeline_in *lines = NULL;
	yb_settle_line_ext *ext = NULL;
	yb_trac_codes *codes = NULL;
	char insutype[8] = "", cert_type[4] = "";
	size_t i = 0, k;
	int rc;

	memset(&m, 0, sizeof(m));
	memset(&req, 0, sizeof(req));
	memset(&inl, 0, sizeof(inl));
	if ((rc = yb_json_parse(&doc, json, len, &lim)) < 0)
		return rc;
	root = yb_json_root(doc);
	if (root->type != YB_JSON_OBJECT) {
		rc = yb_error_set(YB_EINVALID, "input: not a JSON object");
		goto done;
	}
	req.dry_run = dry_run;
	if ((rc = yb_jget_str(root, NULL, "msgid", !dry_run, YB_ID_MAX - 1, &m.msgid)) < 0 ||
	    (rc = yb_jget_str(root, NULL, "fixmedins_code", 1, YB_ID_MAX - 1, &m.fixmedins_code)) < 0 ||
	    (rc = yb_jget_str(root, NULL, "psn_no", 1, YB_ID_MAX - 1, &req.psn_no)) < 0 ||
	    (rc = yb_jget_code(root, NULL, "insutype", 0, insutype, sizeof(insutype))) < 0 ||
	    (rc = yb_jget_code(root, NULL, "mdtrt_cert_type", 0, cert_type, sizeof(cert_type))) < 0 ||
	    (rc = yb_jget_object(root, NULL, "mdtrt", 1, &md)) < 0 ||
	    (rc = yb_read_mdtrt(&inl.visit, md, &mp)) < 0 ||
	    (rc = yb_jget_array(root, NULL, "feedetail", 1, &arr)) < 0)
		goto done;
	req.insutype = insutype[0] ? (int)strtol(insutype, NULL, 10) : 0;
	req.mdtrt_cert_type = cert_type;
	if (arr->len > YB_MAX_FEELINES) {
		rc = yb_error_set(YB_EINVALID, "feedetail: more than %d fee lines", YB_MAX_FEELINES);
		goto done;
	}
	if (!(lines = calloc(arr->len ? arr->len : 1, sizeof(*lines))) ||
	    !(ext = calloc(arr->len ? arr->len : 1, sizeof(*ext))) ||
	    !(codes = calloc(arr->len ? arr->len : 1, sizeof(*codes)))) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	for (e = arr->child; e; e = e->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(&fp, i);
		if ((rc = read_inline_line(&lines[i], &ext[i], &codes[i], e, &lp)) < 0)
			goto done;
		for (k = 0; k < i; k++)
			if (strcmp(lines[k].line.feedetl_sn, lines[i].line.feedetl_sn) == 0) {
				rc = yb_jpath_error(&lp, "feedetl_sn", "repeats line %zu", k);
				goto done;
			}
	}
	inl.lines = lines;
	inl.n_lines = i;
	inl.ext = ext;
	req.inl = &inl;
	rc = yb_ledger_settle(l, &m, &req, out);
done:
	for (k = 0; codes && k < (arr ? arr->len : 0); k++)
		yb_trac_codes_free(&codes[k]);
	free(codes);
	free(lines);
	free(ext);
	yb_json_free(doc);
	return rc;
}

/* ------------------------------------------------------- the op runner */

void ledger_req(ledger_op *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->req, sizeof(o->req), fmt, ap);
	va_end(ap);
}

static void cut(yb_buf *b, size_t mark)
{
	b->len = mark;
	if (b->ptr)
		b->ptr[mark] = '\0';
}

/* The length of key before a closing "|*", or 0 if it has none. */
static size_t wildcard(const char *key)
{
	size_t n = strlen(key);
	return n >= 2 && strcmp(key + n - 2, "|*") == 0 ? n - 1 : 0;
}

/* A record asks what o asks. A settlement with inline lines is keyed by
 * its person only, "settle|<psn_no>|*" (a retry of `yibao settle` may
 * name another visit, as it always could; the records of migration 6 have
 * the same key): it matches any settlement of that person. */
static int same_request(const char *stored, const char *asked)
{
	size_t n = wildcard(stored), k = wildcard(asked);

	if (n || k)
		return strncmp(stored, asked, n && k ? (n < k ? n : k) : n ? n : k) == 0;
	return strcmp(stored, asked) == 0;
}

/* The key a record of o keeps: the caller's (what was sent), else o's. */
static const char *key_of(const ledger_op *o)
{
	return o->m->req ? o->m->req : o->req;
}

/* A stored answer is for a retry of the same message only. A record keyed
 * by what was sent (the national interface) is compared with what is sent
 * again; one keyed by the operation (yibao settle, records from before)
 * with what the operation asks. */
static int replay(ledger_op *o, const yb_idem_rec *rec)
{
	const char *msgid = o->m->msgid;
	yb_ledger_answer *a = o->m->answer;
	int sent = strncmp(rec->req, YB_REQ_SENT, strlen(YB_REQ_SENT)) == 0;

	if (rec->state == YB_IDEM_VOID)
		return yb_error_set(YB_ECONFLICT, "msgid: %s was reversed (2601) before it arrived; send a new message", msgid);
	if (rec->state == YB_IDEM_REVERSED)
		return yb_error_set(YB_ECONFLICT, "msgid: %s was reversed (2601); send a new message", msgid);
	if (sent ? strcmp(rec->req, key_of(o)) != 0 : !same_request(rec->req, o->req)) {
		if (rec->infno[0])
			return yb_error_set(YB_ECONFLICT, "msgid: already used by a %s message", rec->infno);
		return yb_error_set(YB_ECONFLICT, "msgid: already used by another message");
	}
	if (a) {
		a->replayed = 1;
		a->as_sent = rec->fmt == YB_IDEM_AS_SENT;
		snprintf(a->stamp, sizeof(a->stamp), "%s", rec->stamp);
	}
	return 0;
}

/* The record of what o did: its output with the caller's stamp. */
static int keep_answer(yb_store_tx *tx, ledger_op *o)
{
	const yb_ledger_msg *m = o->m;
	yb_idem_rec rec;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.fixmedins_code, sizeof(rec.fixmedins_code), "%s", m->fixmedins_code);
	snprintf(rec.msgid, sizeof(rec.msgid), "%s", m->msgid);
	snprintf(rec.psn_no, sizeof(rec.psn_no), "%s", o->rec_psn);
	snprintf(rec.infno, sizeof(rec.infno), "%s", o->infno);
	snprintf(rec.req, sizeof(rec.req), "%s", key_of(o));
	snprintf(rec.ref, sizeof(rec.ref), "%s", o->ref);
	snprintf(rec.stamp, sizeof(rec.stamp), "%s", m->stamp ? m->stamp : "");
	rec.state = YB_IDEM_DONE;
	rec.fmt = YB_IDEM_OUTPUT;
	return yb_tx_put_idem_rec(tx, &rec, o->out->ptr ? o->out->ptr + o->mark : "");
}

static int op_work(yb_store_tx *tx, void *arg)
{
	ledger_op *o = arg;
	const yb_ledger_msg *m = o->m;
	yb_idem_rec rec;
	int rc;

	cut(o->out, o->mark);
	snprintf(o->infno, sizeof(o->infno), "%s", m->infno ? m->infno : "");
	snprintf(o->rec_psn, sizeof(o->rec_psn), "%s", o->psn_no ? o->psn_no : "");
	o->ref[0] = '\0';
	if (m->answer) {
		memset(m->answer, 0, sizeof(*m->answer));
		snprintf(m->answer->stamp, sizeof(m->answer->stamp), "%s", m->stamp ? m->stamp : "");
	}
	if (o->dry_run)
		return o->fn(tx, o, o->out);

	rc = yb_tx_get_idem_rec(tx, o->psn_no, m->fixmedins_code, m->msgid, &rec, o->out);
	if (rc == 0) {
		if ((rc = replay(o, &rec)) == 0 && o->on_replay && m->answer)
			rc = o->on_replay(tx, o, &rec);
		if (rc < 0)
			cut(o->out, o->mark);
		return rc;
	}
	if (rc != YB_ENOTFOUND)
		return rc;
	cut(o->out, o->mark);
	if ((rc = o->fn(tx, o, o->out)) < 0)
		return rc;
	if (o->out->oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	return keep_answer(tx, o);
}

int ledger_run(ledger_op *o, yb_buf *out)
{
	const yb_ledger_msg *m = o->m;
	int rc;

	if (!m || !m->fixmedins_code || !*m->fixmedins_code)
		return yb_error_set(YB_EINVALID, "fixmedins_code: missing");
	if (strlen(m->fixmedins_code) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "fixmedins_code: longer than %d", YB_ID_MAX - 1);
	if (!o->dry_run && (!m->msgid || !*m->msgid))
		return yb_error_set(YB_EINVALID, "msgid: missing");
	if (m->msgid && strlen(m->msgid) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "msgid: longer than %d", YB_ID_MAX - 1);
	if (o->psn_no && strlen(o->psn_no) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "psn_no: longer than %d", YB_ID_MAX - 1);
	if (m->stamp && strlen(m->stamp) >= YB_STAMP_MAX)
		return yb_error_set(YB_EINVALID, "stamp: longer than %d", YB_STAMP_MAX - 1);
	if (m->req && strlen(m->req) >= sizeof(o->req))
		return yb_error_set(YB_EINVALID, "req: longer than %zu", sizeof(o->req) - 1);
	o->out = out;
	o->mark = out->len;
	rc = o->dry_run ? yb_store_read(o->l->st, op_work, o)
			: yb_store_submit(o->l->st, o->key ? o->key : o->psn_no, op_work, o);
	if (rc < 0)
		cut(out, o->mark);
	return rc;
}

/* ---------------------------------------------------------- cancelling */

void ledger_write_setl_fields(yb_jw *w, const yb_setl_row *r)
{
	char buf[24];
	int k;

	yb_jw_str(w, "setl_id", r->setl_id);
	yb_jw_str(w, "refd_setl_id", r->refd_setl_id);
	yb_jw_str(w, "mdtrt_id", r->mdtrt_id);
	yb_jw_str(w, "psn_no", r->psn_no);
	snprintf(buf, sizeof(buf), "%d", r->insutype);
	yb_jw_str(w, "insutype", buf);
	snprintf(buf, sizeof(buf), "%d", r->med_type);
	yb_jw_str(w, "med_type", buf);
	yb_datetime_format(buf, r->setl_time);
	yb_jw_str(w, "setl_time", buf);
	for (k = 0; k < YB_A_COUNT; k++)
		yb_jw_money(w, yb_setl_amount_names[k], r->amt[k]);
	yb_jw_ratio(w, "pool_prop_selfpay", r->pool_prop);
	yb_jw_money(w, "balc", r->balc);
	yb_jw_str(w, "clr_type", yb_med_type_inpatient(r->med_type) ? "21" : "11");
}

/* The standing settlement of the visit made after `after`, if any. */
typedef struct later_scan {
	const char *after;
	char later[YB_ID_MAX];
} later_scan;

static int find_later(const yb_setl_row *r, int cancelled, void *arg)
{
	later_scan *ls = arg;
	if (!cancelled && !r->refd_setl_id[0] && strcmp(r->setl_id, ls->after) > 0)
		snprintf(ls->later, sizeof(ls->later), "%s", r->setl_id);
	return 0;
}

static int cmp_fund_type(const void *a, const void *b)
{
	return strcmp(((const yb_fund_pay *)a)->fund_pay_type, ((const yb_fund_pay *)b)->fund_pay_type);
}

/* A stored fund row's name: the benefit's of the policy the settlement
 * was made under (as its answer named it), else the code table's. */
static const char *fund_name_of(yb_ledger *l, const char *pol_ver, const char *type)
{
	const yb_policy *pol;
	char admdvs[7];
	size_t i;

	snprintf(admdvs, sizeof(admdvs), "%.6s", pol_ver);
	if (yb_ledger_policy(l, admdvs, &pol) == 0)
		for (i = 0; i < pol->n_benefits; i++)
			if (strcmp(pol->benefits[i].fund_pay_type, type) == 0 &&
			    pol->benefits[i].fund_pay_type_name[0])
				return pol->benefits[i].fund_pay_type_name;
	yb_error_clear();
	return yb_fund_pay_type_name(type);
}

/* The cancel's answer, as complete as the settlement's (2207/2304): the
 * original's fund rows from the store with their amounts negated (a
 * limit, crt_payb_lmt_amt, stays as it was), the person as on the visit's
 * day (as the settlement saw them), medins_setl_id the cancel's msgid. */
static int write_cancel(yb_ledger *l, yb_store_tx *tx, const yb_setl_row *orig,
			const yb_setl_row *neg, yb_date day, yb_buf *output)
{
	yb_fixmedins_rec fix;
	yb_fund_pay funds[YB_MAX_FUNDS];
	yb_psn_rec p;
	yb_setlinfo si;
	char when[24], info[64];
	yb_jw w;
	int k, n = 0, rc;

	if ((rc = yb_tx_get_fixmedins(tx, orig->fixmedins_code, &fix)) < 0 ||
	    (rc = yb_tx_get_psn(tx, orig->psn_no, day, &p)) < 0 ||
	    (rc = yb_tx_get_setl_funds(tx, orig->psn_no, orig->setl_id, funds, &n)) < 0)
		return rc;
	/* the store keeps no order: by code, the same on every backend */
	qsort(funds, (size_t)n, sizeof(funds[0]), cmp_fund_type);
	for (k = 0; k < n; k++) {
		funds[k].fund_pay_type_name = fund_name_of(l, orig->pol_ver, funds[k].fund_pay_type);
		funds[k].inscp_scp_amt = -funds[k].inscp_scp_amt;
		funds[k].fund_payamt = -funds[k].fund_payamt;
	}
	memset(&si, 0, sizeof(si));
	yb_datetime_format(when, neg->setl_time);
	snprintf(info, sizeof(info), "cancel of %s: every amount negated", orig->setl_id);
	si.mdtrt_id = neg->mdtrt_id;
	si.setl_id = neg->setl_id;
	si.refd_setl_id = neg->refd_setl_id;
	si.psn_no = neg->psn_no;
	si.psn_name = p.psn_name;
	si.certno = p.certno;
	si.psn_type = p.psn_type;
	si.gend = p.gend;
	si.brdy = p.brdy;
	si.age = p.brdy != YB_DATE_NONE ? yb_age(p.brdy, day) : 0;
	si.insutype = neg->insutype;
	si.med_type = neg->med_type;
	si.setl_time = when;
	si.mdtrt_cert_type = ""; /* not kept with a settlement */
	si.medins_setl_id = neg->msgid;
	si.clr_optins = fix.admdvs;
	memcpy(si.amt, neg->amt, sizeof(si.amt));
	si.pool_prop = neg->pool_prop;
	si.balc = neg->balc;
	si.setl_proc_info = info;
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "setl_id", neg->setl_id);
	yb_write_setlinfo(&w, "setlinfo", &si);
	yb_write_setldetail(&w, "setldetail", funds, n, si.amt);
	yb_jw_null(&w, "expContent");
	yb_jw_end(&w, '}');
	return output->oom ? yb_error_set(YB_ENOMEM, "out of memory") : 0;
}

int ledger_cancel_setl_tx(yb_ledger *l, yb_store_tx *tx, const char *fix, const char *msgid,
			  const char *setl_id, const char *mdtrt_id, const char *psn_no,
			  yb_datetime now, yb_buf *output, char psn_out[YB_ID_MAX],
			  char infno_out[8])
{
	yb_setl_stored *orig = malloc(sizeof(*orig));
	yb_mdtrt_rec *visit = malloc(sizeof(*visit));
	yb_setl_row neg;
	yb_accum_row deltas[YB_MAX_BUCKETS];
	yb_acct_mov movs[1 + YB_MAX_MULAID];
	yb_psn_rec p;
	later_scan ls;
	int k, rc, has_visit = 0;

	if (!orig || !visit) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	rc = yb_tx_get_settlement(tx, setl_id, orig);
	/* another institution's settlement is answered as a missing one */
	if (rc == YB_ENOTFOUND || (rc == 0 && strcmp(orig->row.fixmedins_code, fix) != 0)) {
		rc = yb_error_set(YB_ENOTFOUND, "setl_id: no settlement %s of this institution", setl_id);
		goto done;
	}
	if (rc < 0)
		goto done;
	if (orig->row.refd_setl_id[0]) {
		rc = yb_error_set(YB_EREFUSED, "setl_id: %s is itself a cancel", setl_id);
		goto done;
	}
	if (mdtrt_id && strcmp(orig->row.mdtrt_id, mdtrt_id) != 0) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: not the visit of settlement %s", setl_id);
		goto done;
	}
	if (psn_no && strcmp(orig->row.psn_no, psn_no) != 0) {
		rc = yb_error_set(YB_EREFUSED, "psn_no: not the person of settlement %s", setl_id);
		goto done;
	}
	if (orig->cancelled) {
		rc = yb_error_set(YB_EREFUSED, "setl_id: %s is already cancelled", setl_id);
		goto done;
	}
	if ((rc = yb_tx_get_psn(tx, orig->row.psn_no, yb_datetime_date(orig->row.setl_time), &p)) < 0)
		goto done;
	/* a registered visit: parts of a stay are cancelled last first (each
	 * later part was computed on the deductible the earlier ones bore) */
	rc = yb_tx_get_mdtrt(tx, orig->row.psn_no, orig->row.mdtrt_id, visit);
	if (rc == 0) {
		has_visit = 1;
		ls.after = setl_id;
		ls.later[0] = '\0';
		if ((rc = yb_tx_each_setl(tx, orig->row.psn_no, orig->row.mdtrt_id, find_later, &ls)) < 0)
			goto done;
		if (ls.later[0]) {
			rc = yb_error_set(YB_EREFUSED, "setl_id: settlement %s of the same visit came later and stands;"
					  " cancel it first", ls.later);
			goto done;
		}
	} else if (rc != YB_ENOTFOUND) {
		goto done;
	}

	neg = orig->row;
	if ((rc = yb_tx_next_setl_id(tx, neg.setl_id)) < 0)
		goto done;
	snprintf(neg.refd_setl_id, sizeof(neg.refd_setl_id), "%s", orig->row.setl_id);
	snprintf(neg.msgid, sizeof(neg.msgid), "%s", msgid);
	neg.setl_time = now;
	for (k = 0; k < YB_A_COUNT; k++)
		neg.amt[k] = -orig->row.amt[k];
	for (k = 0; k < orig->row.n_deltas; k++) {
		deltas[k] = orig->row.deltas[k];
		deltas[k].amount = -deltas[k].amount;
	}
	neg.balc = p.acct_balc;
	for (k = 0; k < orig->row.n_movs; k++) {
		movs[k] = orig->row.movs[k];
		movs[k].amount = -movs[k].amount;
		if (strcmp(movs[k].psn_no, p.psn_no) == 0)
			neg.balc += movs[k].amount;
	}
	neg.deltas = deltas;
	neg.movs = movs;
	neg.lines = NULL;
	neg.n_lines = 0;
	neg.funds = NULL;
	neg.n_funds = 0;

	/* the visit's day, as the settlement saw the person (an unregistered
	 * visit was settled at its begntime) */
	if ((rc = write_cancel(l, tx, &orig->row, &neg,
			       yb_datetime_date(has_visit ? visit->begntime : orig->row.setl_time), output)) < 0 ||
	    (rc = yb_tx_put_settlement(tx, &neg)) < 0 ||
	    (rc = yb_tx_mark_cancelled(tx, orig->row.psn_no, orig->row.setl_id)) < 0 ||
	    (rc = yb_tx_unsettle_fees(tx, orig->row.psn_no, orig->row.setl_id)) < 0 ||
	    (rc = yb_tx_unsettle_rules(tx, orig->row.psn_no, orig->row.setl_id)) < 0)
		goto done;
	if (has_visit) {
		visit->mid_setl_dedc -= orig->row.amt[YB_A_ACT_PAY_DEDC];
		if (strcmp(visit->final_setl_id, setl_id) == 0) {
			visit->final_setl_id[0] = '\0';
			if (visit->status == YB_MDTRT_ADMITTED)
				visit->endtime = 0; /* set by the settlement, not a discharge */
		}
		if ((rc = yb_tx_upd_mdtrt(tx, visit)) < 0)
			goto done;
	}
	if (psn_out)
		snprintf(psn_out, YB_ID_MAX, "%s", orig->row.psn_no);
	if (infno_out)
		snprintf(infno_out, 8, "%s", yb_med_type_inpatient(orig->row.med_type) ? "2305" : "2208");
done:
	free(orig);
	free(visit);
	return rc;
}

typedef struct cancel_args {
	const char *setl_id, *mdtrt_id, *psn_no;
} cancel_args;

static int cancel_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const cancel_args *a = o->arg;
	char infno[8];
	int rc;

	rc = ledger_cancel_setl_tx(o->l, tx, o->m->fixmedins_code, o->m->msgid, a->setl_id, a->mdtrt_id,
				   a->psn_no, ledger_now(o->m), output, o->rec_psn, infno);
	if (rc == 0) {
		if (!o->infno[0])
			memcpy(o->infno, infno, sizeof(infno));
		snprintf(o->ref, sizeof(o->ref), "%s", a->setl_id);
	}
	return rc;
}

int yb_ledger_cancel_setl(yb_ledger *l, const yb_ledger_msg *m, const char *setl_id,
			  const char *mdtrt_id, const char *psn_no, yb_buf *out)
{
	cancel_args a = {setl_id, mdtrt_id, psn_no};
	ledger_op o;

	if (!setl_id || !*setl_id)
		return yb_error_set(YB_EINVALID, "setl_id: missing");
	if (strlen(setl_id) >= YB_ID_MAX || (mdtrt_id && strlen(mdtrt_id) >= YB_ID_MAX))
		return yb_error_set(YB_EINVALID, "setl_id: too long");
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = psn_no;
	/* without the person the key serialises cancels of one settlement;
	 * the store locks the person's rows (PostgreSQL) or has one writer */
	o.key = psn_no ? psn_no : setl_id;
	o.fn = cancel_fn;
	o.arg = &a;
	ledger_req(&o, "cancel|%s", setl_id);
	return ledger_run(&o, out);
}

int yb_ledger_cancel(yb_ledger *l, const char *fixmedins_code, const char *msgid,
		     const char *setl_id, yb_buf *out)
{
	yb_ledger_msg m;

	memset(&m, 0, sizeof(m));
	m.fixmedins_code = fixmedins_code;
	m.msgid = msgid;
	m.infno = NULL;
	return yb_ledger_cancel_setl(l, &m, setl_id, NULL, NULL, out);
}

/* --------------------------------------------------------- lookups */

typedef struct lookup_job {
	const char *key;
	yb_date on;
	void *out;
} lookup_job;

static int fix_work(yb_store_tx *tx, void *arg)
{
	lookup_job *j = arg;
	return yb_tx_get_fixmedins(tx, j->key, j->out);
}

static int psn_work(yb_store_tx *tx, void *arg)
{
	lookup_job *j = arg;
	return yb_tx_get_psn(tx, j->key, j->on, j->out);
}

static int certno_work(yb_store_tx *tx, void *arg)
{
	lookup_job *j = arg;
	return yb_tx_get_psn_by_certno(tx, j->key, j->on, j->out);
}

static unsigned fix_hash(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % LEDGER_FIX_BUCKETS;
}

/* Institutions change only by a load: the cache is filled on first use
 * and dropped after every load (yb_ledger_forget_fixmedins). */
int yb_ledger_get_fixmedins(yb_ledger *l, const char *code, yb_fixmedins_rec *out)
{
	lookup_job j = {code, 0, out};
	unsigned h;
	fix_entry *e;
	int rc;

	if (!code)
		return yb_error_set(YB_EINVALID, "fixmedins_code: missing");
	h = fix_hash(code);
	pthread_rwlock_rdlock(&l->fix_lock);
	for (e = l->fix[h]; e; e = e->next)
		if (strcmp(e->rec.fixmedins_code, code) == 0) {
			*out = e->rec;
			break;
		}
	pthread_rwlock_unlock(&l->fix_lock);
	if (e)
		return 0;
	if ((rc = yb_store_read(l->st, fix_work, &j)) < 0)
		return rc;
	if (!(e = malloc(sizeof(*e))))
		return 0; /* answered all the same, just not kept */
	e->rec = *out;
	pthread_rwlock_wrlock(&l->fix_lock);
	e->next = l->fix[h];
	l->fix[h] = e;
	pthread_rwlock_unlock(&l->fix_lock);
	return 0;
}

void yb_ledger_forget_fixmedins(yb_ledger *l)
{
	fix_entry *e, *next;
	int i;

	pthread_rwlock_wrlock(&l->fix_lock);
	for (i = 0; i < LEDGER_FIX_BUCKETS; i++) {
		for (e = l->fix[i]; e; e = next) {
			next = e->next;
			free(e);
		}
		l->fix[i] = NULL;
	}
	pthread_rwlock_unlock(&l->fix_lock);
}

int yb_ledger_get_psn(yb_ledger *l, const char *psn_no, yb_date on, yb_psn_rec *out)
{
	lookup_job j = {psn_no, on, out};
	return yb_store_read(l->st, psn_work, &j);
}

int yb_ledger_get_psn_by_certno(yb_ledger *l, const char *certno, yb_date on, yb_psn_rec *out)
{
	lookup_job j = {certno, on, out};
	if (!certno || !*certno)
		return yb_error_set(YB_EINVALID, "certno: missing");
	return yb_store_read(l->st, certno_work, &j);
}

/* ------------------------------------------------------------ check */

typedef struct check_job {
	yb_buf *report;
	long violations;
	long checked;
} check_job;

static void on_violation(const char *msg, void *arg)
{
	check_job *j = arg;
	if (j->violations < 1000)
		yb_buf_printf(j->report, "violation: %s\n", msg);
	j->violations++;
}

static int check_work(yb_store_tx *tx, void *arg)
{
	check_job *j = arg;
	return yb_tx_check(tx, on_violation, j, &j->checked);
}

int yb_ledger_check(yb_ledger *l, yb_buf *report, long *violations)
{
	check_job j = {report, 0, 0};
	int rc = yb_store_read(l->st, check_work, &j);

	if (rc < 0)
		return rc;
	yb_buf_printf(report, "%ld settlements checked, %ld violation%s\n", j.checked,
		      j.violations, j.violations == 1 ? "" : "s");
	*violations = j.violations;
	return 0;
}
