/* Persons, residents' enrolment (N1-N5), newborns and the tax system's
 * payments, over the store.
 *
 * Design notes
 *  1. An enrolment is enroll/'s decision (yb_enrol_decide, what `enrol
 *     calc` prints) on the facts the store holds, with the request's facts
 *     written first: eligible and the year still payable -> resident_enrol
 *     (registered, or covered if a payment already bought it). Coverage
 *     itself is written only by a matched payment (N3): a psn_insu row
 *     carrying the pay_id.
 *  2. A payment file is recorded in one transaction (an exclusive unit):
 *     each line is judged against the person's enrolment of its year (or
 *     of the next year: a newborn's first year, N5) by yb_enrol_dues(),
 *     with the payments already recorded for those years, so a year paid
 *     twice - in two files or one - is a duplicate. A pay_id recorded
 *     before is skipped; a file whose bytes were imported before is
 *     answered with its first report and changes nothing. A line whose
 *     person is not enrolled for its year is renewed (N2: insured here
 *     last year) or left unmatched - not recorded, so that a later import
 *     can match it once the person enrols.
 *  3. A payment entered at the counter is a one-line file of its own. */
#include "admin_impl.h"
#include "yibao/error.h"
#include "yibao/mask.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAYFILE_LINES 10000000
#define REPORT_MAX_ROWS 1000  /* rows of each section a report lists */

/* ------------------------------------------------------------- persons */

static const char *const fact_keys[] = {"certno", "psn_name", "gend", "brdy", "hukou_admdvs",
	"residence_permit", "insured_at_origin", "migrant_worker", "student", "guardian_local",
	"groups", "idet", NULL};

typedef struct facts_in {
	yb_psn_facts f;
	int has_idet;
	yb_psn_reg_rec idet[YB_MAX_PSN_REGS];
	size_t n_idet;
} facts_in;

static int region6(const char *s)
{
	return strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

static int read_groups(const yb_json *o, const yb_jpath *p, const yb_enrol_policy *ep, char *out, size_t cap)
{
	yb_jpath gp = YB_JPATH_KEY(p, "groups");
	const yb_json *arr, *c;
	size_t k = 0;
	long i = 0;
	int rc;

	if ((rc = yb_jget_array(o, p, "groups", 0, &arr)) < 0 || !arr)
		return rc;
	out[0] = '\0';
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&gp, i);
		if (c->type != YB_JSON_STRING || yb_enrol_group(ep, c->str) < 0)
			return yb_jpath_error(&ip, NULL, "not a group of the %s policy", ep->admdvs);
		if (k + strlen(c->str) + 2 > cap)
			return yb_jpath_error(&ip, NULL, "too many groups");
		k += (size_t)snprintf(out + k, cap - k, "%s%s", k ? "," : "", c->str);
	}
	return 0;
}

static int read_idet(const yb_json *o, const yb_jpath *p, const yb_enrol_policy *ep, facts_in *x)
{
	yb_jpath ap = YB_JPATH_KEY(p, "idet");
	static const char *const keys[] = {"idet_type", "begndate", "enddate", NULL};
	const yb_json *arr, *c;
	long i = 0;
	int rc;

	if ((rc = yb_jget_array(o, p, "idet", 0, &arr)) < 0 || !arr)
		return rc;
	x->has_idet = 1;
	for (c = arr->child; c; c = c->next, i++) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, i);
		yb_psn_reg_rec *r = &x->idet[x->n_idet];
		if (x->n_idet == YB_MAX_PSN_REGS)
			return yb_jpath_error(&ap, NULL, "more than %d identities", YB_MAX_PSN_REGS);
		if (c->type != YB_JSON_OBJECT)
			return yb_jpath_error(&ip, NULL, "not an object");
		memset(r, 0, sizeof(*r));
		r->enddate = YB_DATE_MAX;
		snprintf(r->kind, sizeof(r->kind), "idet");
		if ((rc = admin_known(c, &ip, keys)) < 0 ||
		    (rc = admin_field(yb_jget_code(c, &ip, "idet_type", 1, r->type, sizeof(r->type)))) < 0 ||
		    (rc = admin_field(yb_jget_date(c, &ip, "begndate", 1, &r->begndate))) < 0 ||
		    (rc = yb_jget_date(c, &ip, "enddate", 0, &r->enddate)) < 0)
			return rc;
		if (yb_enrol_identity(ep, r->type) < 0)
			return yb_jpath_error(&ip, "idet_type", "not an identity of the %s policy", ep->admdvs);
		if (r->enddate < r->begndate)
			return yb_jpath_error(&ip, "enddate", "before begndate");
		x->n_idet++;
	}
	return 0;
}

/* The check character of a certno (ISO 7064 MOD 11-2), refused in the
 * same words for a request's certno and a stored one. */
static int certno_ok(const yb_jpath *p, const char *certno)
{
	if (yb_certno_valid(certno, strlen(certno)))
		return 0;
	return yb_jpath_error(p, "certno", "not an 18-character ID number with a valid check character");
}

/* Reads the facts of o (the request's "psn") over x->f: given fields
 * replace the stored ones. certno and psn_name are required when creating. */
static int read_facts(const yb_json *o, const yb_jpath *p, const yb_enrol_policy *ep, facts_in *x,
		      int creating)
{
	yb_psn_facts *f = &x->f;
	char certno[32] = "", gend[4] = "", hukou[8] = "";
	int rc;

	if (o->type != YB_JSON_OBJECT)
		return yb_jpath_error(p, NULL, "not an object");
	if ((rc = admin_known(o, p, fact_keys)) < 0 ||
	    (rc = admin_field(yb_jget_code(o, p, "certno", creating, certno, sizeof(certno)))) < 0 ||
	    (rc = admin_field(yb_jget_code(o, p, "psn_name", creating, f->psn_name, sizeof(f->psn_name)))) < 0 ||
	    (rc = yb_jget_code(o, p, "gend", 0, gend, sizeof(gend))) < 0 ||
	    (rc = yb_jget_date(o, p, "brdy", 0, &f->brdy)) < 0 ||
	    (rc = yb_jget_code(o, p, "hukou_admdvs", 0, hukou, sizeof(hukou))) < 0 ||
	    (rc = admin_bool(o, p, "residence_permit", &f->residence_permit)) < 0 ||
	    (rc = admin_bool(o, p, "insured_at_origin", &f->insured_at_origin)) < 0 ||
	    (rc = admin_bool(o, p, "migrant_worker", &f->migrant_worker)) < 0 ||
	    (rc = admin_bool(o, p, "student", &f->student)) < 0 ||
	    (rc = admin_bool(o, p, "guardian_local", &f->guardian_local)) < 0 ||
	    (rc = read_groups(o, p, ep, f->groups, sizeof(f->groups))) < 0 ||
	    (rc = read_idet(o, p, ep, x)) < 0)
		return rc;
	if (certno[0]) {
		size_t n = strlen(certno);
		if ((rc = certno_ok(p, certno)) < 0)
			return rc;
		if (certno[n - 1] == 'x')
			certno[n - 1] = 'X';
		snprintf(f->certno, sizeof(f->certno), "%s", certno);
	}
	if (gend[0]) {
		if (strcmp(gend, "1") && strcmp(gend, "2"))
			return yb_jpath_error(p, "gend", "not 1 (man) or 2 (woman)");
		f->gend = gend[0];
	}
	if (hukou[0]) {
		if (!region6(hukou))
			return yb_jpath_error(p, "hukou_admdvs", "not a 6-digit region code");
		snprintf(f->hukou_admdvs, sizeof(f->hukou_admdvs), "%s", hukou);
	}
	if (creating && !f->psn_name[0])
		return yb_jpath_error(p, "psn_name", "missing");
	return 0;
}

/* Writes a person's facts (for the audit log: in clear). */
static void w_facts(yb_jw *w, const char *key, const yb_psn_facts *f)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "psn_no", f->psn_no);
	yb_jw_str(w, "certno", f->certno);
	yb_jw_str(w, "psn_name", f->psn_name);
	if (f->gend)
		yb_jw_strn(w, "gend", &f->gend, 1);
	admin_w_date(w, "brdy", f->brdy);
	yb_jw_str(w, "insu_admdvs", f->insu_admdvs);
	yb_jw_str(w, "hukou_admdvs", f->hukou_admdvs);
	admin_w_n1(w, f);
	yb_jw_str(w, "groups", f->groups);
	yb_jw_end(w, '}');
}

static void w_enrol(yb_jw *w, const char *key, const yb_enrol_rec *e)
{
	yb_jw_obj(w, key);
	yb_jw_int(w, "year", e->year);
	yb_jw_bool(w, "renewal", e->renewal);
	yb_jw_str(w, "ground", e->ground);
	yb_jw_str(w, "status", e->status);
	yb_jw_end(w, '}');
}

/* Makes x's person exist in the store with its facts: by psn_no, or by
 * certno, or new (then admdvs is the place of insurance). *created: 1 if
 * new. The facts before go to before (when the person existed). */
static int settle_person(yb_store_tx *tx, admin_unit *u, const yb_json *psn_obj, const char *psn_no,
			 const char *admdvs, facts_in *x, const yb_enrol_policy **ep, int *created,
			 yb_jw *before)
{
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	char certno[32] = "";
	size_t i;
	int rc;

	*created = 0;
	memset(x, 0, sizeof(*x));
	x->f.brdy = YB_DATE_NONE;
	if (psn_obj && psn_obj->type == YB_JSON_OBJECT &&
	    (rc = yb_jget_code(psn_obj, &pp, "certno", 0, certno, sizeof(certno))) < 0)
		return rc;
	if (psn_no) {
		if ((rc = yb_tx_get_facts(tx, psn_no, NULL, &x->f)) < 0)
			return rc;
	} else if (certno[0] && yb_certno_valid(certno, strlen(certno))) {
		rc = yb_tx_get_facts(tx, NULL, certno, &x->f);
		if (rc == YB_ENOTFOUND)
			*created = 1;
		else if (rc < 0)
			return rc;
	} else if (!psn_obj) {
		return yb_error_set(YB_EINVALID, "psn_no: missing (or give psn)");
	} else {
		*created = 1;
	}
	if (*created) {
		if (!admdvs || !admdvs[0])
			return yb_error_set(YB_EINVALID, "admdvs: missing (the region of a new person's insurance)");
		snprintf(x->f.insu_admdvs, sizeof(x->f.insu_admdvs), "%s", admdvs);
	} else if (before) {
		w_facts(before, "person", &x->f);
	}
	if ((rc = admin_enrol_policy(u->a, x->f.insu_admdvs, ep)) < 0)
		return rc;
	if (psn_obj && (rc = read_facts(psn_obj, &pp, *ep, x, *created)) < 0)
		return rc;
	if (*created && (rc = yb_tx_next_id(tx, "psn", 'N', x->f.psn_no)) < 0)
		return rc;
	if ((rc = yb_tx_put_facts(tx, &x->f, *created)) < 0)
		return rc == YB_EEXISTS ? yb_error_prefix(YB_ECONFLICT, "psn") : rc;
	for (i = 0; i < x->n_idet; i++) {
		snprintf(x->idet[i].psn_no, sizeof(x->idet[i].psn_no), "%s", x->f.psn_no);
		if ((rc = yb_tx_put_psn_reg(tx, &x->idet[i])) < 0)
			return rc;
	}
	return 0;
}

static int person_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"admdvs", "psn", NULL};
	const yb_json *b = u->in->body, *po = yb_json_get(b, "psn");
	const yb_enrol_policy *ep;
	char admdvs[8] = "";
	facts_in *x = u->arg;
	int rc, created;
	yb_jw w;

	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_code(b, NULL, "admdvs", 1, admdvs, sizeof(admdvs)))) < 0 ||
	    (rc = admin_field(yb_jget_object(b, NULL, "psn", 1, &po))) < 0)
		return rc;
	if (!region6(admdvs))
		return yb_error_set(YB_EINVALID, "admdvs: not a 6-digit region code");
	if ((rc = settle_person(tx, u, po, NULL, admdvs, x, &ep, &created, NULL)) < 0)
		return rc;
	if (!created)
		return yb_error_set(YB_ECONFLICT, "psn.certno: already the person %s", x->f.psn_no);
	admin_record(u, "person.register", "psn:%s", x->f.psn_no);
	yb_jw_init(&w, &u->after);
	yb_jw_obj(&w, NULL);
	w_facts(&w, "person", &x->f);
	yb_jw_int(&w, "identities", (int64_t)x->n_idet);
	yb_jw_end(&w, '}');
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", x->f.psn_no);
	admin_w_person(&w, "person", &x->f);
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_person_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = person_tx, .out = out};
	facts_in *x = malloc(sizeof(*x));
	const yb_json *b;
	int rc;

	if (!x)
		return yb_error_set(YB_ENOMEM, "out of memory");
	u.arg = x;
	rc = admin_body(in, &b);
	if (rc == 0)
		rc = admin_change(&u, 0);
	free(x);
	return rc;
}

/* ---------------------------------------------------------- enrolment */

/* A residents' enrolment put to enroll/: the facts it decides on (the
 * person's, with identities and insurance periods from the store, and
 * the payments recorded), and its decision. */
typedef struct enrol_case {
	yb_psn_reg_rec regs[2 * YB_MAX_PSN_REGS];
	size_t n_regs;
	yb_enrol_idet idet[YB_ENROL_MAX_NAMES];
	yb_resident r;
	yb_insu_record hist[YB_ENROL_MAX_HISTORY];
	size_t n_hist;
	yb_pay_rec stored[YB_ENROL_MAX_PAYMENTS];
	yb_contrib_pay pays[YB_ENROL_MAX_PAYMENTS]; /* point into stored */
	size_t n_pays;
	yb_enrol_decision d;
} enrol_case;

/* Reads the person's identities and, with `history`, their insurance
 * periods. */
static int case_read(yb_store_tx *tx, const yb_psn_facts *f, int history, enrol_case *k)
{
	yb_insu_row rows[YB_ENROL_MAX_HISTORY];
	size_t i, n = 0;
	int rc;

	k->n_hist = 0;
	if ((rc = yb_tx_get_psn_regs(tx, f->psn_no, k->regs, 2 * YB_MAX_PSN_REGS, &k->n_regs)) < 0 || !history ||
	    (rc = yb_tx_get_insu(tx, f->psn_no, rows, YB_ENROL_MAX_HISTORY, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		yb_insu_record *h = &k->hist[k->n_hist];
		if (rows[i].psn_insu_stas == 4)
			continue; /* ended periods stand in no one's way */
		h->insutype = rows[i].insutype;
		snprintf(h->admdvs, sizeof(h->admdvs), "%s", f->insu_admdvs);
		h->begndate = rows[i].begndate;
		h->enddate = rows[i].enddate;
		k->n_hist++;
	}
	return 0;
}

/* The payments recorded as matched for years year-1 and year. */
static int case_pays(yb_store_tx *tx, const char *psn_no, int year, enrol_case *k)
{
	size_t i, n = 0;
	int rc;

	k->n_pays = 0;
	if ((rc = yb_tx_get_pays(tx, psn_no, k->stored, YB_ENROL_MAX_PAYMENTS, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const yb_pay_rec *p = &k->stored[i];
		if (strcmp(p->verdict, yb_pay_verdict_name(YB_PAY_MATCHED)) == 0 && p->year >= year - 1 && p->year <= year)
			k->pays[k->n_pays++] = (yb_contrib_pay){p->pay_id, p->year, p->amount, p->paid_time, p->channel};
	}
	return 0;
}

/* The groups of f as bits of the policy's groups. */
static int case_groups(enrol_case *k, const yb_enrol_policy *ep, const yb_psn_facts *f,
		       const yb_jpath *p, int strict)
{
	yb_jpath gp = YB_JPATH_KEY(p, "groups");
	const char *g = f->groups;
	char name[YB_ENROL_NAME];
	long i;
	int b;

	for (i = 0; admin_next_name(&g, name, sizeof(name)); i++) {
		yb_jpath ip = YB_JPATH_INDEX(&gp, i);
		if ((b = yb_enrol_group(ep, name)) >= 0)
			k->r.groups |= 1u << b;
		else if (strict)
			return yb_jpath_error(&ip, NULL, "not a group of the policy");
	}
	return 0;
}

/* The identities of the psn_reg rows as the policy's indexes. */
static int case_idet(enrol_case *k, const yb_enrol_policy *ep, const yb_jpath *p, int strict)
{
	yb_jpath ap = YB_JPATH_KEY(p, "idet");
	size_t i, n = 0;
	int t;

	for (i = 0; i < k->n_regs; i++)
		n += strcmp(k->regs[i].kind, "idet") == 0;
	if (strict && n > YB_ENROL_MAX_NAMES)
		return yb_jpath_error(p, "idet", "more than %d entries", YB_ENROL_MAX_NAMES);
	for (i = 0, n = 0; i < k->n_regs && k->r.n_idet < YB_ENROL_MAX_NAMES; i++) {
		const yb_psn_reg_rec *g = &k->regs[i];
		yb_jpath ip = YB_JPATH_INDEX(&ap, n);
		if (strcmp(g->kind, "idet") != 0)
			continue;
		n++;
		if ((t = yb_enrol_identity(ep, g->type)) >= 0)
			k->idet[k->r.n_idet++] = (yb_enrol_idet){t, g->begndate, g->enddate};
		else if (strict)
			return yb_jpath_error(&ip, "idet_type", "unknown identity '%s'", g->type);
	}
	return 0;
}

/* k->r from the person's facts. strict (an enrolment or a renewal
 * decided here): what enroll/'s reader refused when these facts went to
 * it as JSON is refused in its words - a certno or a name loaded
 * unchecked, more identities than it takes, a name the policy lacks.
 * Else (a payment judged) an identity or group the policy lacks is
 * passed over, as it was. */
static int case_resident(enrol_case *k, const yb_enrol_policy *ep, const yb_psn_facts *f, int strict)
{
	yb_jpath pp = YB_JPATH_KEY(NULL, "psn");
	yb_resident *r = &k->r;
	int rc;

	memset(r, 0, sizeof(*r));
	r->certno = f->certno;
	r->psn_name = f->psn_name;
	r->brdy = f->brdy;
	snprintf(r->hukou_admdvs, sizeof(r->hukou_admdvs), "%s", f->hukou_admdvs);
	r->residence_permit = f->residence_permit;
	r->insured_at_origin = f->insured_at_origin;
	r->migrant_worker = f->migrant_worker;
	r->student = f->student;
	r->guardian_local = f->guardian_local;
	r->idet = k->idet;
	if (strict && strlen(f->certno) > YB_CERTNO_MAX - 1)
		return yb_jpath_error(&pp, "certno", "longer than %d bytes", YB_CERTNO_MAX - 1);
	if (strict && strlen(f->psn_name) > YB_PSN_NAME_MAX - 1)
		return yb_jpath_error(&pp, "psn_name", "longer than %d bytes", YB_PSN_NAME_MAX - 1);
	if ((rc = case_groups(k, ep, f, &pp, strict)) < 0 || (rc = case_idet(k, ep, &pp, strict)) < 0)
		return rc;
	return strict ? certno_ok(&pp, f->certno) : 0;
}

/* The enrolment of year that enroll/'s decision d makes. */
static void enrol_of(yb_enrol_rec *e, const admin_unit *u, const char *psn_no, int year,
		     const yb_enrol_decision *d, const char *status)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->psn_no, sizeof(e->psn_no), "%s", psn_no);
	e->year = year;
	e->renewal = d->renewal;
	snprintf(e->ground, sizeof(e->ground), "%s", d->ground >= 0 ? yb_ground_name(d->ground) : "");
	snprintf(e->status, sizeof(e->status), "%s", status);
	e->reg_time = u->now;
	snprintf(e->staff_id, sizeof(e->staff_id), "%s", u->who->staff_id);
}

typedef struct enrol_job {
	facts_in x;
	int newborn;
	enrol_case k;
} enrol_job;

/* The newborn's guardian: insured here now. */
static int guardian_ok(yb_store_tx *tx, admin_unit *u, const char *guardian, char insu_admdvs[7])
{
	yb_psn_rec g;
	int rc;

	if ((rc = admin_psn_no(guardian, "guardian_psn_no")) < 0)
		return rc;
	if ((rc = yb_tx_get_psn(tx, guardian, yb_datetime_date(u->now), &g)) < 0)
		return rc == YB_ENOTFOUND ? yb_error_set(YB_ENOTFOUND, "guardian_psn_no: unknown person %s", guardian) : rc;
	if (g.psn_insu_stas != 1)
		return yb_error_set(YB_EREFUSED, "guardian_psn_no: %s is not insured now (N1: the guardian must qualify here)", guardian);
	memcpy(insu_admdvs, g.insu_admdvs, 7);
	return 0;
}

/* The status of year's due in d: covered when a recorded payment bought
 * it already, lapsed when it can no longer be paid (N3). */
static int year_status(const yb_enrol_decision *d, int year)
{
	int k, status = YB_DUE_PAYABLE;

	for (k = 0; k < d->n_dues; k++)
		if (d->dues[k].year == year)
			status = d->dues[k].status;
	return status;
}

/* Asks enroll/ on the stored facts (design note 1) and records what it
 * decides: the enrolment, the answer with the decision, the audit
 * record. Refused (N1, N2) or lapsed (N3): the answer and no record. */
static int enrol_decide(yb_store_tx *tx, admin_unit *u, enrol_job *j, const yb_enrol_policy *ep, int year)
{
	enrol_case *k = &j->k;
	yb_enrol_rec e;
	int rc, status;
	yb_jw w;

	if ((rc = case_read(tx, &j->x.f, 1, k)) < 0 ||
	    (rc = case_pays(tx, j->x.f.psn_no, year, k)) < 0 ||
	    (rc = case_resident(k, ep, &j->x.f, 1)) < 0 ||
	    (rc = yb_enrol_decide(&k->d, ep, year, &k->r, k->hist, k->n_hist, k->pays, k->n_pays, u->now)) < 0)
		return rc;
	status = year_status(&k->d, year);
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "psn_no", j->x.f.psn_no);
	admin_w_person(&w, "person", &j->x.f);
	if (!k->d.eligible || status == YB_DUE_LAPSED) {
		yb_enrol_write_decision(&w, "decision", ep, year, &k->d, k->pays, k->n_pays);
		yb_jw_end(&w, '}');
		if (!k->d.eligible)
			return yb_error_set(YB_EREFUSED, "enrolment refused (N1, N2): see the decision's reasons");
		return yb_error_set(YB_EREFUSED, "year: %d can no longer be paid (N3: the window and every extension are over)",
				    year);
	}
	enrol_of(&e, u, j->x.f.psn_no, year, &k->d, status == YB_DUE_COVERED ? "covered" : "registered");
	if ((rc = yb_tx_put_enrol(tx, &e)) < 0)
		return rc;
	w_enrol(&w, "enrolment", &e);
	yb_enrol_write_decision(&w, "decision", ep, year, &k->d, k->pays, k->n_pays);
	yb_jw_end(&w, '}');

	admin_record(u, j->newborn ? "enrol.newborn" : "enrol", "psn:%s/enrol:%d", e.psn_no, e.year);
	yb_jw_init(&w, &u->after);
	yb_jw_obj(&w, NULL);
	w_facts(&w, "person", &j->x.f);
	w_enrol(&w, "enrolment", &e);
	yb_enrol_write_dues(&w, "dues", ep, &k->d, k->pays);
	yb_jw_end(&w, '}');
	return 0;
}

static int enrol_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"admdvs", "year", "psn_no", "psn", NULL};
	static const char *const nb_keys[] = {"year", "guardian_psn_no", "psn", NULL};
	enrol_job *j = u->arg;
	const yb_json *b = u->in->body, *po = yb_json_get(b, "psn");
	const yb_enrol_policy *ep;
	const char *psn_no = NULL, *guardian = NULL;
	char admdvs[8] = "";
	yb_enrol_rec old[16];
	size_t i, n_old = 0;
	int64_t year = 0;
	int rc, created, present = 0;
	yb_jw bw;

	if ((rc = admin_known(b, NULL, j->newborn ? nb_keys : keys)) < 0 ||
	    (rc = admin_field(yb_jget_decimal(b, NULL, "year", 1, 0, &year, &present))) < 0 ||
	    (rc = yb_jget_code(b, NULL, "admdvs", 0, admdvs, sizeof(admdvs))) < 0 ||
	    (rc = yb_jget_str(b, NULL, "psn_no", 0, YB_ID_MAX - 1, &psn_no)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "guardian_psn_no", j->newborn, YB_ID_MAX - 1, &guardian))) < 0)
		return rc;
	if (year < 1990 || year > 2100)
		return yb_error_set(YB_EINVALID, "year: not a benefit year");
	if (psn_no && (rc = admin_psn_no(psn_no, "psn_no")) < 0)
		return rc;
	if (j->newborn) {
		if (!po)
			return yb_error_set(YB_EINVALID, "psn: missing (the newborn)");
		if ((rc = guardian_ok(tx, u, guardian, admdvs)) < 0)
			return rc;
	}
	if (admdvs[0] && !region6(admdvs))
		return yb_error_set(YB_EINVALID, "admdvs: not a 6-digit region code");
	yb_jw_init(&bw, &u->before);
	yb_jw_obj(&bw, NULL);
	if ((rc = settle_person(tx, u, po, psn_no, admdvs, &j->x, &ep, &created, &bw)) < 0)
		return rc;
	yb_jw_end(&bw, '}');
	if (j->newborn && !created)
		return yb_error_set(YB_ECONFLICT, "psn.certno: already the person %s (enrol them at /api/v1/enrolments)",
				    j->x.f.psn_no);
	if (j->newborn && !j->x.f.guardian_local) {
		j->x.f.guardian_local = 1; /* N1: through the guardian (local choice) */
		if ((rc = yb_tx_put_facts(tx, &j->x.f, 0)) < 0)
			return rc;
	}
	if (created)
		yb_buf_clear(&u->before);
	if ((rc = yb_tx_get_enrols(tx, j->x.f.psn_no, old, 16, &n_old)) < 0)
		return rc;
	for (i = 0; i < n_old; i++)
		if (old[i].year == year)
			return yb_error_set(YB_ECONFLICT, "year: %s is already enrolled for %lld (%s; N2)",
					    j->x.f.psn_no, (long long)year, old[i].status);
	return enrol_decide(tx, u, j, ep, (int)year);
}

static int run_enrol(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out, int newborn)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = enrol_tx, .out = out};
	enrol_job *j = calloc(1, sizeof(*j));
	const yb_json *b;
	int rc;

	if (!j)
		return yb_error_set(YB_ENOMEM, "out of memory");
	j->newborn = newborn;
	u.arg = j;
	if ((rc = admin_body(in, &b)) == 0)
		rc = admin_change(&u, 0);
	free(j);
	return rc;
}

int yb_admin_enrol(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_enrol(a, who, in, out, 0);
}

int yb_admin_newborn(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_enrol(a, who, in, out, 1);
}

/* ------------------------------------------------------------ payments */

enum { L_NEW, L_BEFORE, L_UNMATCHED, L_FUTURE }; /* a line's fate beside its verdict */

typedef struct line_state {
	int fate;
	int verdict;            /* YB_PAY_* when judged */
	yb_money due;
	yb_date begndate, enddate;
	int route;
	int enrol_year;
	char psn_no[YB_ID_MAX];
	char note[96];          /* unmatched: why; before: the batch */
} line_state;

typedef struct pay_ctx {
	admin_unit *u;
	const yb_enrol_policy *ep;
	yb_payfile pf;
	line_state *ls;
	size_t *order;          /* lines by certno */
	char batch_id[YB_ID_MAX];
	char sha[65];
	long recorded;
} pay_ctx;

static void sha256_hex(char out[65], const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	out[0] = '\0';
	if (EVP_Digest(s, n, md, &len, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < len && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
}

static int up_x(int c)
{
	return c == 'x' ? 'X' : c;
}

static int certno_cmp(const char *a, const char *b)
{
	for (; *a || *b; a++, b++)
		if (up_x(*a) != up_x(*b))
			return up_x((unsigned char)*a) - up_x((unsigned char)*b);
	return 0;
}

typedef struct line_key {
	const char *certno;
	size_t i;
} line_key;

static int cmp_line(const void *x, const void *y)
{
	const line_key *a = x, *b = y;
	int c = certno_cmp(a->certno, b->certno);
	return c ? c : a->i < b->i ? -1 : a->i > b->i;
}

/* Renews a person not enrolled for `year` when enroll/ finds them
 * eligible and insured here the year before (N2: a renewal pays without
 * registering). 1 renewed, 0 not. */
static int try_renewal(yb_store_tx *tx, pay_ctx *c, const yb_psn_facts *f, int year)
{
	enrol_case *k = malloc(sizeof(*k));
	yb_enrol_rec e;
	int rc;

	if (!k)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = case_read(tx, f, 1, k)) < 0)
		goto done;
	/* facts enroll/ cannot judge: no renewal */
	if (case_resident(k, c->ep, f, 1) < 0 ||
	    yb_enrol_decide(&k->d, c->ep, year, &k->r, k->hist, k->n_hist, k->pays, 0, c->u->now) < 0 ||
	    !k->d.eligible || !k->d.renewal)
		goto done;
	enrol_of(&e, c->u, f->psn_no, year, &k->d, "registered");
	rc = yb_tx_put_enrol(tx, &e);
	if (rc == 0)
		rc = 1;
done:
	free(k);
	return rc;
}

/* Judges the new lines `mine` of one person against enrolment year E. */
static int judge(yb_store_tx *tx, pay_ctx *c, const yb_psn_facts *f, int E, const size_t *mine, size_t n)
{
	enrol_case *k = malloc(sizeof(*k));
	yb_enrol_decision *d;
	size_t i, j, n_pays;
	int rc, covered[2] = {0, 0};
	char m[32]; /* the certno masked: messages are logged */

	if (!k)
		return yb_error_set(YB_ENOMEM, "out of memory");
	d = &k->d;
	if ((rc = case_read(tx, f, 0, k)) < 0 || (rc = case_resident(k, c->ep, f, 0)) < 0 ||
	    (rc = case_pays(tx, f->psn_no, E, k)) < 0)
		goto done;
	for (n_pays = k->n_pays, i = 0; i < n_pays; i++)
		covered[k->pays[i].year - (E - 1)] = 1;
	yb_mask(m, sizeof(m), f->certno, YB_MASK_ID);
	if (n_pays + n > YB_ENROL_MAX_PAYMENTS) {
		rc = yb_error_set(YB_EINVALID, "certno %s (%s): more than %d payments for %d", m, f->psn_no,
				  YB_ENROL_MAX_PAYMENTS, E);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const yb_payline *l = &c->pf.lines[mine[i]];
		k->pays[n_pays + i] = (yb_contrib_pay){l->pay_id, l->year, l->amount, l->paid_time, l->channel};
	}
	if ((rc = yb_enrol_dues(d, c->ep, E, &k->r, k->pays, n_pays + n, c->u->now)) < 0) {
		rc = yb_error_prefix(rc, "certno %s (%s)", m, f->psn_no);
		goto done;
	}
	for (i = 0; i < n; i++) {
		line_state *s = &c->ls[mine[i]];
		size_t idx = n_pays + i;
		s->enrol_year = E;
		s->verdict = d->verdict[idx];
		s->due = d->expected[idx];
		s->begndate = s->enddate = YB_DATE_NONE;
		snprintf(s->psn_no, sizeof(s->psn_no), "%s", f->psn_no);
		for (j = 0; j < (size_t)d->n_dues; j++)
			if (d->dues[j].pay == (int)idx) {
				s->begndate = d->dues[j].begndate;
				s->enddate = d->dues[j].enddate;
				s->route = d->dues[j].route;
			}
		/* a year already covered by a recorded payment stays so */
		if (s->verdict == YB_PAY_MATCHED && covered[c->pf.lines[mine[i]].year - (E - 1)])
			s->verdict = YB_PAY_DUPLICATE;
		if (s->verdict == YB_PAY_MATCHED)
			covered[c->pf.lines[mine[i]].year - (E - 1)] = 1;
	}
done:
	free(k);
	return rc;
}

/* The lines of one certno (order[from..to)): find the person and their
 * enrolments, judge each year's lines. */
static int judge_certno(yb_store_tx *tx, pay_ctx *c, size_t from, size_t to)
{
	yb_psn_facts f;
	yb_enrol_rec enr[16];
	size_t n_enr = 0, i, k, *mine = NULL, n;
	int rc, year, e;

	rc = yb_tx_get_facts(tx, NULL, c->pf.lines[c->order[from]].certno, &f);
	if (rc == 0 && (rc = admin_enrol_policy(c->u->a, f.insu_admdvs, &c->ep)) < 0)
		return rc;
	if (rc == YB_ENOTFOUND) {
		for (i = from; i < to; i++) {
			c->ls[c->order[i]].fate = L_UNMATCHED;
			snprintf(c->ls[c->order[i]].note, sizeof(c->ls[0].note), "no person with this certno");
		}
		return 0;
	}
	if (rc < 0 || (rc = yb_tx_get_enrols(tx, f.psn_no, enr, 16, &n_enr)) < 0)
		return rc;
	if (!(mine = malloc((to - from) * sizeof(*mine))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	/* each line's enrolment: of its year, else of the next (a newborn's
	 * first year, N5), else a renewal of its year */
	for (i = from; i < to; i++) {
		line_state *s = &c->ls[c->order[i]];
		if (s->fate != L_NEW)
			continue;
		year = c->pf.lines[c->order[i]].year;
		s->enrol_year = 0;
		for (k = 0; k < n_enr; k++)
			if (enr[k].year == year)
				s->enrol_year = year;
		for (k = 0; !s->enrol_year && k < n_enr; k++)
			if (enr[k].year == year + 1)
				s->enrol_year = year + 1;
		if (!s->enrol_year && n_enr < 16) {
			if ((rc = try_renewal(tx, c, &f, year)) < 0)
				goto done;
			if (rc == 1) {
				enr[n_enr].year = year;
				snprintf(enr[n_enr++].status, sizeof(enr[0].status), "registered");
				s->enrol_year = year;
			}
		}
		if (!s->enrol_year) {
			s->fate = L_UNMATCHED;
			snprintf(s->note, sizeof(s->note), "%s is not enrolled for %d", f.psn_no, year);
		}
	}
	for (k = 0; k < n_enr; k++) {
		e = enr[k].year;
		for (i = from, n = 0; i < to; i++)
			if (c->ls[c->order[i]].fate == L_NEW && c->ls[c->order[i]].enrol_year == e)
				mine[n++] = c->order[i];
		if (n && (rc = judge(tx, c, &f, e, mine, n)) < 0)
			goto done;
	}
	rc = 0;
done:
	free(mine);
	return rc;
}

/* Writes what the judged lines say: payments, coverage, enrolments. */
static int record(yb_store_tx *tx, pay_ctx *c)
{
	yb_pay_rec p;
	yb_psn_facts f;
	size_t i;
	int rc;

	for (i = 0; i < c->pf.n; i++) {
		const yb_payline *l = &c->pf.lines[i];
		line_state *s = &c->ls[i];
		if (s->fate != L_NEW)
			continue;
		memset(&p, 0, sizeof(p));
		snprintf(p.psn_no, sizeof(p.psn_no), "%s", s->psn_no);
		snprintf(p.pay_id, sizeof(p.pay_id), "%s", l->pay_id);
		snprintf(p.certno, sizeof(p.certno), "%s", l->certno);
		snprintf(p.psn_name, sizeof(p.psn_name), "%s", l->psn_name);
		p.year = l->year;
		p.amount = l->amount;
		p.paid_time = l->paid_time;
		snprintf(p.channel, sizeof(p.channel), "%s", l->channel);
		snprintf(p.verdict, sizeof(p.verdict), "%s", yb_pay_verdict_name(s->verdict));
		p.due = s->due;
		p.enrol_year = s->enrol_year;
		p.begndate = s->verdict == YB_PAY_MATCHED ? s->begndate : YB_DATE_NONE;
		p.enddate = s->verdict == YB_PAY_MATCHED ? s->enddate : YB_DATE_NONE;
		snprintf(p.batch_id, sizeof(p.batch_id), "%s", c->batch_id);
		p.line = (long)l->line;
		if ((rc = yb_tx_put_pay(tx, &p)) < 0)
			return rc;
		c->recorded++;
		if (s->verdict != YB_PAY_MATCHED)
			continue;
		{
			yb_insu_row r;
			yb_enrol_rec e;
			const yb_enrol_policy *ep;
			memset(&r, 0, sizeof(r));
			if ((rc = yb_tx_get_facts(tx, s->psn_no, NULL, &f)) < 0 ||
			    (rc = admin_enrol_policy(c->u->a, f.insu_admdvs, &ep)) < 0)
				return rc;
			r.insutype = ep->resident_insutype;
			snprintf(r.psn_type, sizeof(r.psn_type), "%s", admin_resident_type(&f, s->begndate));
			r.begndate = s->begndate;
			r.enddate = s->enddate;
			r.psn_insu_stas = 1;
			snprintf(r.pay_id, sizeof(r.pay_id), "%s", l->pay_id);
			if ((rc = yb_tx_put_insu(tx, s->psn_no, &r)) < 0)
				return rc;
			if (l->year != s->enrol_year)
				continue;
			memset(&e, 0, sizeof(e));
			snprintf(e.psn_no, sizeof(e.psn_no), "%s", s->psn_no);
			e.year = s->enrol_year;
			snprintf(e.status, sizeof(e.status), "covered");
			if ((rc = yb_tx_put_enrol(tx, &e)) < 0) /* upsert: only the status moves */
				return rc;
		}
	}
	return 0;
}

static void w_line_head(yb_jw *w, const yb_payline *l)
{
	yb_jw_obj(w, NULL);
	yb_jw_int(w, "line", l->line);
	yb_jw_str(w, "pay_id", l->pay_id);
}

/* The report: summary, then each section (at most REPORT_MAX_ROWS rows). */
static void w_report(yb_jw *w, pay_ctx *c, const char *file)
{
	static const char *const sec[] = {"matched", "mismatched", "other", "unmatched", "recorded_before", "rejected"};
	long count[6] = {0};
	yb_money amount = 0;
	char when[24], m[64];
	size_t i;
	int k;

	for (i = 0; i < c->pf.n; i++) {
		line_state *s = &c->ls[i];
		k = s->fate == L_BEFORE ? 4 : s->fate == L_UNMATCHED ? 3 : s->fate == L_FUTURE ? 5
		  : s->verdict == YB_PAY_MATCHED ? 0 : s->verdict == YB_PAY_MISMATCH ? 1 : 2;
		count[k]++;
		if (k == 0)
			amount += c->pf.lines[i].amount;
	}
	count[5] += (long)c->pf.n_rejected;
	yb_datetime_format(when, c->u->now);
	yb_jw_obj(w, NULL);
	yb_jw_str(w, "batch_id", c->batch_id);
	yb_jw_str(w, "file", file);
	yb_jw_str(w, "sha256", c->sha);
	yb_jw_str(w, "now", when);
	yb_jw_obj(w, "summary");
	yb_jw_int(w, "lines", (int64_t)(c->pf.n + c->pf.n_rejected));
	yb_jw_int(w, "recorded", c->recorded);
	for (k = 0; k < 6; k++)
		yb_jw_int(w, sec[k], count[k]);
	yb_jw_money(w, "amount_matched", amount);
	yb_jw_end(w, '}');
	for (k = 0; k < 5; k++) {
		long shown = 0;
		yb_jw_arr(w, sec[k]);
		for (i = 0; i < c->pf.n && shown < REPORT_MAX_ROWS; i++) {
			line_state *s = &c->ls[i];
			const yb_payline *l = &c->pf.lines[i];
			int kk = s->fate == L_BEFORE ? 4 : s->fate == L_UNMATCHED ? 3 : s->fate == L_FUTURE ? 5
			       : s->verdict == YB_PAY_MATCHED ? 0 : s->verdict == YB_PAY_MISMATCH ? 1 : 2;
			if (kk != k)
				continue;
			shown++;
			w_line_head(w, l);
			if (k == 3) {
				yb_mask(m, sizeof(m), l->certno, YB_MASK_ID);
				yb_jw_str(w, "certno", m);
				yb_jw_str(w, "note", s->note);
			} else if (k == 4) {
				yb_jw_str(w, "note", s->note);
			} else {
				yb_jw_str(w, "psn_no", s->psn_no);
			}
			yb_jw_int(w, "year", l->year);
			yb_jw_money(w, "amount", l->amount);
			if (k == 1)
				yb_jw_money(w, "due", s->due);
			if (k == 2)
				yb_jw_str(w, "verdict", yb_pay_verdict_name(s->verdict));
			if (k == 0) {
				yb_jw_str(w, "route", yb_route_name(s->route));
				admin_w_date(w, "begndate", s->begndate);
				admin_w_date(w, "enddate", s->enddate);
			}
			yb_jw_end(w, '}');
		}
		yb_jw_end(w, ']');
	}
	yb_jw_arr(w, "rejected");
	for (i = 0; i < c->pf.n_rejected && i < REPORT_MAX_ROWS; i++) {
		yb_jw_obj(w, NULL);
		yb_jw_int(w, "line", c->pf.rejected[i].line);
		yb_jw_str(w, "error", c->pf.rejected[i].msg);
		yb_jw_end(w, '}');
	}
	for (i = 0; i < c->pf.n; i++)
		if (c->ls[i].fate == L_FUTURE) {
			yb_jw_obj(w, NULL);
			yb_jw_int(w, "line", c->pf.lines[i].line);
			yb_jw_str(w, "error", "paid_time: after the time of the import");
			yb_jw_end(w, '}');
		}
	yb_jw_end(w, ']');
	yb_jw_end(w, '}');
}

int admin_pay_tx(yb_store_tx *tx, admin_unit *u)
{
	admin_payfile *in = u->arg;
	pay_ctx c;
	yb_batch_rec b;
	yb_pay_rec old;
	yb_buf report = YB_BUF_INIT;
	yb_jw w;
	size_t i, from, to;
	int rc;

	memset(&c, 0, sizeof(c));
	c.u = u;
	sha256_hex(c.sha, in->text, in->len);
	if (!in->single) { /* the same bytes again: the first answer (design note 2) */
		rc = yb_tx_get_batch(tx, NULL, c.sha, &b, &report);
		if (rc == 0) {
			yb_buf_puts(u->out, "{\"replayed\":true,\"report\":");
			yb_buf_put(u->out, report.ptr, report.len);
			yb_buf_putc(u->out, '}');
			yb_buf_free(&report);
			return 0; /* no change: no audit record */
		}
		if (rc != YB_ENOTFOUND)
			return rc;
	}
	if ((rc = yb_payfile_parse(&c.pf, in->text, in->len, in->file, MAX_PAYFILE_LINES)) < 0)
		return rc;
	if (in->single && c.pf.n_rejected) {
		rc = yb_error_set(YB_EINVALID, "%s", c.pf.rejected[0].msg);
		goto done;
	}
	c.ls = calloc(c.pf.n ? c.pf.n : 1, sizeof(*c.ls));
	c.order = calloc(c.pf.n ? c.pf.n : 1, sizeof(*c.order));
	if (!c.ls || !c.order) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < c.pf.n; i++) {
		const yb_payline *l = &c.pf.lines[i];
		c.order[i] = i;
		if (l->paid_time > u->now) {
			c.ls[i].fate = L_FUTURE;
		} else if ((rc = yb_tx_get_pay(tx, l->pay_id, &old)) == 0) {
			c.ls[i].fate = L_BEFORE;
			snprintf(c.ls[i].note, sizeof(c.ls[i].note), "recorded before, batch %s line %ld",
				 old.batch_id, old.line);
		} else if (rc != YB_ENOTFOUND) {
			goto done;
		}
	}
	if (in->single && c.pf.n == 1 && c.ls[0].fate != L_NEW) {
		rc = c.ls[0].fate == L_BEFORE ? yb_error_set(YB_ECONFLICT, "pay_id: %s was %s", c.pf.lines[0].pay_id, c.ls[0].note)
					      : yb_error_set(YB_EINVALID, "paid_time: after now");
		goto done;
	}
	if ((rc = yb_tx_next_id(tx, "batch", 'B', c.batch_id)) < 0)
		goto done;
	{
		line_key *keys = malloc((c.pf.n ? c.pf.n : 1) * sizeof(*keys));
		if (!keys) {
			rc = yb_error_set(YB_ENOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < c.pf.n; i++)
			keys[i] = (line_key){c.pf.lines[i].certno, i};
		qsort(keys, c.pf.n, sizeof(*keys), cmp_line);
		for (i = 0; i < c.pf.n; i++)
			c.order[i] = keys[i].i;
		free(keys);
	}
	for (from = 0; from < c.pf.n; from = to) {
		to = from + 1;
		while (to < c.pf.n && certno_cmp(c.pf.lines[c.order[to]].certno, c.pf.lines[c.order[from]].certno) == 0)
			to++;
		if ((rc = judge_certno(tx, &c, from, to)) < 0)
			goto done;
	}
	if (in->single && c.ls[0].fate == L_UNMATCHED) {
		rc = yb_error_set(YB_EREFUSED, "certno: %s; nothing recorded (enrol the person first)", c.ls[0].note);
		goto done;
	}
	memset(&b, 0, sizeof(b));
	snprintf(b.batch_id, sizeof(b.batch_id), "%s", c.batch_id);
	snprintf(b.file, sizeof(b.file), "%s", in->file);
	snprintf(b.sha256, sizeof(b.sha256), "%s", c.sha);
	b.import_time = u->now;
	snprintf(b.staff_id, sizeof(b.staff_id), "%s", u->who->staff_id);
	b.lines = (long)(c.pf.n + c.pf.n_rejected);
	if ((rc = yb_tx_put_batch(tx, &b, "null")) < 0 || /* the payments refer to it */
	    (rc = record(tx, &c)) < 0)
		goto done;
	yb_jw_init(&w, &report);
	w_report(&w, &c, in->file);
	if (report.oom) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	b.recorded = c.recorded;
	if ((rc = yb_tx_put_batch(tx, &b, report.ptr)) < 0)
		goto done;
	admin_record(u, in->single ? "payment.record" : "payments.import", "batch:%s", c.batch_id);
	yb_jw_init(&w, &u->after);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "batch_id", c.batch_id);
	yb_jw_str(&w, "file", in->file);
	yb_jw_str(&w, "sha256", c.sha);
	yb_jw_int(&w, "lines", b.lines);
	yb_jw_int(&w, "recorded", b.recorded);
	yb_jw_end(&w, '}');
	yb_buf_puts(u->out, "{\"replayed\":false,\"report\":");
	yb_buf_put(u->out, report.ptr, report.len);
	yb_buf_putc(u->out, '}');
done:
	yb_buf_free(&report);
	free(c.ls);
	free(c.order);
	yb_payfile_free(&c.pf);
	return rc;
}

int yb_admin_pay_import(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_payfile pf = {in->file && in->file[0] ? in->file : "payments.csv", in->raw ? in->raw : "",
			    in->raw_len, 0};
	admin_unit u = {.a = a, .who = who, .in = in, .fn = admin_pay_tx, .arg = &pf, .out = out};

	if (!in->raw_len)
		return yb_error_set(YB_EINVALID, "body: the payment file (CSV) is empty");
	return admin_change(&u, 1);
}

/* A CSV field, quoted when it must be. */
static void csv_field(yb_buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		yb_buf_putc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				yb_buf_putc(b, '"');
			yb_buf_putc(b, *s);
		}
		yb_buf_putc(b, '"');
	} else {
		yb_buf_puts(b, s);
	}
	yb_buf_putc(b, last ? '\n' : ',');
}

int yb_admin_pay_one(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	static const char *const keys[] = {"pay_id", "certno", "psn_name", "year", "amount", "paid_time",
		"channel", NULL};
	const char *const *k;
	const yb_json *b, *v;
	yb_buf csv = YB_BUF_INIT;
	admin_payfile pf = {"counter", NULL, 0, 1};
	admin_unit u = {.a = a, .who = who, .in = in, .fn = admin_pay_tx, .arg = &pf, .out = out};
	char text[256];
	int rc;

	if ((rc = admin_body(in, &b)) < 0 || (rc = admin_known(b, NULL, keys)) < 0)
		return rc;
	yb_buf_puts(&csv, "pay_id,certno,psn_name,year,amount,paid_time,channel\n");
	for (k = keys; *k; k++) { /* the file's own checks judge each field */
		v = yb_json_get(b, *k);
		if (!v || (v->type != YB_JSON_STRING && v->type != YB_JSON_NUMBER)) {
			yb_buf_free(&csv);
			return yb_error_set(YB_EINVALID, "%s: %s", *k, v ? "not a string or number" : "missing");
		}
		snprintf(text, sizeof(text), "%.*s", (int)v->len, v->str);
		csv_field(&csv, text, k[1] == NULL);
	}
	if (csv.oom) {
		yb_buf_free(&csv);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	pf.text = csv.ptr;
	pf.len = csv.len;
	rc = admin_change(&u, 0);
	yb_buf_free(&csv);
	return rc;
}
