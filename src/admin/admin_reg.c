/* Registrations: remote care (N7, OE8), chronic-disease applications
 * (CD6) and family bindings (A1), over the store.
 *
 * A remote-care registration is a psn_reg row the ledger reads for OE8 as
 * it reads a loaded one; ending it moves its enddate back. A confirmed
 * chronic-disease application is what opens med_type 14 in the ledger
 * (ledger_chronic). A binding is a mulaid row the ledger reads for A2
 * while its unbind_time is 0; unbinding sets that time, nothing is
 * deleted. Each decision is enroll/'s on the facts in the store. */
#include "admin_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int region6(const char *s)
{
	return strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

/* The person and the insurance on `day`. */
static int person_on(yb_store_tx *tx, admin_unit *u, const char *psn_no, const char *field, yb_date day,
		     yb_psn_facts *f, yb_psn_rec *p, const yb_enrol_policy **ep)
{
	int rc;

	if ((rc = admin_psn_no(psn_no, field)) < 0)
		return rc;
	if ((rc = yb_tx_get_facts(tx, psn_no, NULL, f)) < 0)
		return rc == YB_ENOTFOUND ? yb_error_set(YB_ENOTFOUND, "%s: unknown person %s", field, psn_no) : rc;
	if ((rc = yb_tx_get_psn(tx, psn_no, day, p)) < 0)
		return rc;
	return ep ? admin_enrol_policy(u->a, f->insu_admdvs, ep) : 0;
}

/* A date or time from the query (name) or else the default. */
static int query_date(const yb_admin_in *in, const char *name, yb_date dflt, yb_date *out)
{
	const char *v = in->query ? in->query(in->qctx, name) : NULL;

	*out = dflt;
	if (v && yb_date_parse(out, v, strlen(v)) < 0)
		return yb_error_set(YB_EINVALID, "%s: not a date (YYYY-MM-DD)", name);
	return 0;
}

/* ------------------------------------------------------- remote care */

static void w_remote(yb_jw *w, const char *key, const yb_remote_rec *r)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "reg_id", r->reg_id);
	yb_jw_str(w, "psn_no", r->reg.psn_no);
	yb_jw_str(w, "type", r->reg.type);
	yb_jw_str(w, "place_admdvs", r->reg.admdvs);
	admin_w_date(w, "begndate", r->reg.begndate);
	admin_w_date(w, "enddate", r->reg.enddate);
	yb_jw_str(w, "channel", r->channel);
	admin_w_time(w, "applied", r->applied);
	admin_w_time(w, "done", r->done);
	admin_w_time(w, "cancelled", r->cancelled);
	yb_jw_end(w, '}');
}

/* The names of a request as the policy's indexes; a name the policy
 * lacks is refused in the words enroll/'s reader used when the request
 * went to it as JSON. */
static int remote_names(yb_remote_req *req, const yb_enrol_policy *ep, const char *type, const char *channel)
{
	if ((req->type = yb_enrol_remote_type(ep, type)) < 0)
		return yb_error_set(YB_EINVALID, "type: unknown remote-care type '%s'", type);
	if ((req->channel = yb_enrol_channel(ep, channel)) < 0)
		return yb_error_set(YB_EINVALID, "channel: unknown channel '%s'", channel);
	return 0;
}

/* The person's other registrations, which a new one must not overlap
 * (N7); one ended before it began is none. */
static int remote_existing(yb_remote_reg_fact *out, size_t *n_out, const yb_enrol_policy *ep,
			   const yb_remote_rec *ex, size_t n)
{
	size_t i;

	*n_out = 0;
	for (i = 0; i < n; i++) {
		yb_remote_reg_fact *x = &out[*n_out];
		if (ex[i].reg.enddate < ex[i].reg.begndate)
			continue;
		if ((x->type = yb_enrol_remote_type(ep, ex[i].reg.type)) < 0)
			return yb_error_set(YB_EINVALID, "registrations[%zu].type: unknown remote-care type '%s'",
					    *n_out, ex[i].reg.type);
		snprintf(x->place, sizeof(x->place), "%s", ex[i].reg.admdvs);
		x->begndate = ex[i].reg.begndate;
		x->enddate = ex[i].reg.enddate;
		(*n_out)++;
	}
	return 0;
}

/* Writes an accepted registration: a psn_reg row with its reg_id. */
static int remote_put(yb_store_tx *tx, admin_unit *u, yb_remote_rec *r, const yb_enrol_policy *ep,
		      const yb_remote_req *req, const yb_remote_decision *d, const char *psn_no,
		      const char *channel)
{
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->reg.psn_no, sizeof(r->reg.psn_no), "%s", psn_no);
	snprintf(r->reg.kind, sizeof(r->reg.kind), "remote");
	snprintf(r->reg.type, sizeof(r->reg.type), "%s", ep->remote[req->type].name);
	snprintf(r->reg.admdvs, sizeof(r->reg.admdvs), "%s", req->place);
	r->reg.begndate = d->begndate;
	r->reg.enddate = d->enddate; /* YB_DATE_MAX: until cancelled */
	snprintf(r->channel, sizeof(r->channel), "%s", channel);
	r->applied = req->applied;
	r->done = req->done;
	snprintf(r->staff_id, sizeof(r->staff_id), "%s", u->who->staff_id);
	if ((rc = yb_tx_next_id(tx, "remote", 'R', r->reg_id)) < 0)
		return rc;
	return yb_tx_put_remote(tx, r);
}

static int remote_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"psn_no", "type", "place_admdvs", "applied", "begndate",
		"channel", "done", NULL};
	const yb_json *b = u->in->body;
	const yb_enrol_policy *ep;
	const char *psn_no = NULL, *type = NULL, *channel = NULL;
	char place[8] = "";
	yb_remote_reg_fact existing[YB_ENROL_MAX_HISTORY];
	yb_remote_req req;
	yb_remote_decision d;
	yb_remote_rec *ex = NULL, r;
	yb_psn_facts f;
	yb_psn_rec p;
	size_t n = 0;
	int rc;
	yb_jw w;

	memset(&req, 0, sizeof(req));
	req.applied = req.done = u->now;
	req.has_done = 1; /* done defaults to now */
	req.begndate = YB_DATE_NONE;
	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "psn_no", 1, YB_ID_MAX - 1, &psn_no))) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "type", 1, YB_ENROL_NAME - 1, &type))) < 0 ||
	    (rc = admin_field(yb_jget_code(b, NULL, "place_admdvs", 1, place, sizeof(place)))) < 0 ||
	    (rc = yb_jget_datetime(b, NULL, "applied", 0, &req.applied)) < 0 ||
	    (rc = yb_jget_date(b, NULL, "begndate", 0, &req.begndate)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "channel", 1, YB_ENROL_NAME - 1, &channel))) < 0 ||
	    (rc = yb_jget_datetime(b, NULL, "done", 0, &req.done)) < 0)
		return rc;
	if (!region6(place))
		return yb_error_set(YB_EINVALID, "place_admdvs: not a 6-digit region code");
	if (req.applied > u->now || req.done > u->now)
		return yb_error_set(YB_EINVALID, "%s: after now", req.applied > u->now ? "applied" : "done");
	if ((rc = person_on(tx, u, psn_no, "psn_no", yb_datetime_date(req.applied), &f, &p, &ep)) < 0)
		return rc;
	if (p.psn_insu_stas != 1) {
		yb_jw_init(&w, u->out);
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "psn_no", f.psn_no);
		yb_jw_end(&w, '}');
		return yb_error_set(YB_EREFUSED, "psn_no: %s is not insured on the day of the application (N7)", f.psn_no);
	}
	if (!(ex = malloc(YB_ENROL_MAX_HISTORY * sizeof(*ex))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	/* enroll/ decides with the insurance held on the day of the application */
	snprintf(req.place, sizeof(req.place), "%s", place);
	req.insutype = p.insutype;
	req.psn_type = p.psn_type;
	req.existing = existing;
	if ((rc = yb_tx_get_remotes(tx, f.psn_no, ex, YB_ENROL_MAX_HISTORY, &n)) < 0 ||
	    (rc = remote_names(&req, ep, type, channel)) < 0 ||
	    (rc = remote_existing(existing, &req.n_existing, ep, ex, n)) < 0 ||
	    (rc = yb_remote_register(&d, ep, &req)) < 0)
		goto done;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	if (!d.accepted) {
		yb_jw_str(&w, "psn_no", f.psn_no);
		yb_enrol_write_remote(&w, "decision", ep, &req, &d);
		yb_jw_end(&w, '}');
		rc = yb_error_set(YB_EREFUSED, "registration refused (N7, OE8): see the decision's reasons");
		goto done;
	}
	if ((rc = remote_put(tx, u, &r, ep, &req, &d, f.psn_no, channel)) < 0)
		goto done;
	yb_jw_str(&w, "reg_id", r.reg_id);
	yb_jw_str(&w, "psn_no", f.psn_no);
	admin_w_person(&w, "person", &f);
	yb_enrol_write_remote(&w, "decision", ep, &req, &d);
	yb_jw_end(&w, '}');
	admin_record(u, "remote.register", "psn:%s/remote:%s", f.psn_no, r.reg_id);
	yb_jw_init(&w, &u->after);
	w_remote(&w, NULL, &r);
done:
	free(ex);
	return rc;
}

int yb_admin_remote_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = remote_tx, .out = out};
	const yb_json *b;
	int rc;

	if ((rc = admin_body(in, &b)) < 0)
		return rc;
	return admin_change(&u, 0);
}

static int remote_end_tx(yb_store_tx *tx, admin_unit *u)
{
	yb_remote_rec r;
	yb_date end;
	yb_jw w;
	int rc;

	if ((rc = yb_tx_get_remote(tx, u->in->id, &r)) < 0 ||
	    (rc = query_date(u->in, "enddate", yb_datetime_date(u->now), &end)) < 0)
		return rc;
	if (r.cancelled)
		return yb_error_set(YB_ECONFLICT, "reg_id: %s was ended already", r.reg_id);
	if (end < r.reg.begndate)
		end = r.reg.begndate; /* not begun yet: it ends on its first day */
	if (end > r.reg.enddate)
		return yb_error_set(YB_EINVALID, "enddate: after the registration's own end");
	yb_jw_init(&w, &u->before);
	w_remote(&w, NULL, &r);
	r.reg.enddate = end;
	r.cancelled = u->now;
	if ((rc = yb_tx_end_remote(tx, r.reg.psn_no, r.reg_id, end, r.cancelled)) < 0)
		return rc;
	yb_jw_init(&w, &u->after);
	w_remote(&w, NULL, &r);
	yb_jw_init(&w, u->out);
	w_remote(&w, NULL, &r);
	admin_record(u, "remote.end", "psn:%s/remote:%s", r.reg.psn_no, r.reg_id);
	return 0;
}

int yb_admin_remote_end(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = remote_end_tx, .out = out};

	if (!in->id || !in->id[0] || strlen(in->id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "reg_id: missing");
	return admin_change(&u, 0);
}

/* --------------------------------------------------- chronic disease */

static const char *const results[] = {"pending", "confirmed", "refused"};

static void w_chronic(yb_jw *w, const char *key, const yb_chronic_rec *c)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "appl_id", c->appl_id);
	yb_jw_str(w, "psn_no", c->psn_no);
	yb_jw_str(w, "dise_codg", c->dise_codg);
	admin_w_date(w, "applied", c->applied);
	yb_jw_str(w, "channel", c->channel);
	yb_jw_str(w, "result", results[c->result]);
	admin_w_date(w, "decided", c->decided);
	if (c->experts[0])
		yb_jw_str(w, "experts", c->experts);
	yb_jw_end(w, '}');
}

static int chronic_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"psn_no", "dise_codg", "applied", "channel", NULL};
	const yb_json *b = u->in->body;
	const yb_enrol_policy *ep;
	const yb_policy *sp;
	const char *psn_no = NULL, *channel = NULL;
	yb_chronic_rec c;
	yb_psn_facts f;
	yb_psn_rec p;
	int rc, list;
	yb_jw w;

	memset(&c, 0, sizeof(c));
	c.applied = yb_datetime_date(u->now);
	c.decided = YB_DATE_NONE;
	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "psn_no", 1, YB_ID_MAX - 1, &psn_no))) < 0 ||
	    (rc = admin_field(yb_jget_code(b, NULL, "dise_codg", 1, c.dise_codg, sizeof(c.dise_codg)))) < 0 ||
	    (rc = yb_jget_date(b, NULL, "applied", 0, &c.applied)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "channel", 1, YB_ID_MAX - 1, &channel))) < 0)
		return rc;
	if (c.applied > yb_datetime_date(u->now))
		return yb_error_set(YB_EINVALID, "applied: after today");
	if ((rc = person_on(tx, u, psn_no, "psn_no", c.applied, &f, &p, &ep)) < 0 ||
	    (rc = yb_ledger_policy(u->a->l, f.insu_admdvs, &sp)) < 0)
		return rc;
	list = yb_policy_dise_list(sp, ep->chronic_list);
	if (list < 0 || !yb_policy_dise_in(sp, list, c.dise_codg)) {
		yb_jw_init(&w, u->out);
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "psn_no", f.psn_no);
		yb_jw_str(&w, "dise_codg", c.dise_codg);
		yb_jw_str(&w, "rule", "CD6");
		yb_jw_end(&w, '}');
		return yb_error_set(YB_EREFUSED, "dise_codg: %s is not on the %s list: it cannot open med_type 14 (CD6)",
				    c.dise_codg, ep->chronic_list);
	}
	snprintf(c.psn_no, sizeof(c.psn_no), "%s", f.psn_no);
	snprintf(c.channel, sizeof(c.channel), "%s", channel);
	c.result = YB_CHRONIC_PENDING;
	c.appl_time = u->now;
	snprintf(c.staff_id, sizeof(c.staff_id), "%s", u->who->staff_id);
	if ((rc = yb_tx_next_id(tx, "chronic", 'C', c.appl_id)) < 0 || (rc = yb_tx_put_chronic(tx, &c)) < 0)
		return rc;
	admin_record(u, "chronic.apply", "psn:%s/chronic:%s", c.psn_no, c.appl_id);
	yb_jw_init(&w, &u->after);
	w_chronic(&w, NULL, &c);
	yb_jw_init(&w, u->out);
	w_chronic(&w, NULL, &c);
	return 0;
}

int yb_admin_chronic_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = chronic_tx, .out = out};
	const yb_json *b;
	int rc;

	if ((rc = admin_body(in, &b)) < 0)
		return rc;
	return admin_change(&u, 0);
}

static int decide_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"result", "decided", "experts", NULL};
	const yb_json *b = u->in->body;
	const char *result = NULL;
	yb_chronic_rec c;
	yb_jw w;
	int rc, k;

	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "result", 1, 16, &result))) < 0)
		return rc;
	for (k = 1; k < 3 && strcmp(results[k], result) != 0; k++)
		;
	if (k == 3)
		return yb_error_set(YB_EINVALID, "result: not confirmed or refused");
	if ((rc = yb_tx_get_chronic(tx, u->in->id, &c)) < 0)
		return rc;
	if (c.result != YB_CHRONIC_PENDING)
		return yb_error_set(YB_ECONFLICT, "appl_id: %s was %s on an earlier day", c.appl_id, results[c.result]);
	yb_jw_init(&w, &u->before);
	w_chronic(&w, NULL, &c);
	c.decided = yb_datetime_date(u->now);
	if ((rc = yb_jget_date(b, NULL, "decided", 0, &c.decided)) < 0 ||
	    (rc = yb_jget_code(b, NULL, "experts", 0, c.experts, sizeof(c.experts))) < 0)
		return rc;
	if (c.decided < c.applied)
		return yb_error_set(YB_EINVALID, "decided: before the application (%s)", c.appl_id);
	if (c.decided > yb_datetime_date(u->now))
		return yb_error_set(YB_EINVALID, "decided: after today");
	c.result = k;
	snprintf(c.decided_by, sizeof(c.decided_by), "%s", u->who->staff_id);
	if ((rc = yb_tx_put_chronic(tx, &c)) < 0)
		return rc;
	admin_record(u, "chronic.decide", "psn:%s/chronic:%s", c.psn_no, c.appl_id);
	yb_jw_init(&w, &u->after);
	w_chronic(&w, NULL, &c);
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	w_chronic(&w, "application", &c);
	yb_jw_bool(&w, "med_type_14", k == YB_CHRONIC_CONFIRMED);
	admin_w_date(&w, "from", k == YB_CHRONIC_CONFIRMED ? c.decided : YB_DATE_NONE);
	yb_jw_str(&w, "rule", "CD6");
	yb_jw_end(&w, '}');
	return 0;
}

int yb_admin_chronic_decide(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = decide_tx, .out = out};
	const yb_json *b;
	int rc;

	if (!in->id || !in->id[0] || strlen(in->id) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "appl_id: missing");
	if ((rc = admin_body(in, &b)) < 0)
		return rc;
	return admin_change(&u, 0);
}

/* ------------------------------------------------------------ bindings */

typedef struct bind_job {
	int unbind;
	yb_bind_rec binds[YB_ENROL_MAX_BINDINGS]; /* the initiator's, ended ones too */
	size_t n;
	yb_binding bindings[YB_ENROL_MAX_BINDINGS]; /* the same as enroll/ takes them */
	yb_bind_req req;
	yb_bind_decision d;
} bind_job;

static void w_bind(yb_jw *w, const char *key, const yb_bind_rec *b)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "initiator_psn_no", b->initiator_psn_no);
	yb_jw_str(w, "psn_no", b->bound_psn_no);
	yb_jw_str(w, "relation", b->relation);
	admin_w_time(w, "bind_time", b->bind_time);
	admin_w_time(w, "unbind_time", b->unbind_time);
	yb_jw_end(w, '}');
}

/* A party as enroll/ takes it: the insurance held at the time. */
static void party_of(yb_family_party *x, const yb_psn_rec *p, int relation)
{
	memset(x, 0, sizeof(*x));
	x->psn_no = p->psn_no;
	x->insutype = p->insutype;
	snprintf(x->insu_admdvs, sizeof(x->insu_admdvs), "%s", p->insu_admdvs);
	x->insured = p->psn_insu_stas == 1;
	x->relation = relation;
}

/* The relation of psn_no's standing binding, which an unbinding ends; a
 * loaded binding has none: the policy's first. */
static const char *standing_relation(const bind_job *j, const yb_enrol_policy *ep, const char *psn_no)
{
	const char *relation = ep->relation[0];
	size_t i;

	for (i = 0; i < j->n; i++)
		if (strcmp(j->binds[i].bound_psn_no, psn_no) == 0 && !j->binds[i].unbind_time &&
		    j->binds[i].relation[0])
			relation = j->binds[i].relation;
	return relation;
}

/* j->req from the parties and the initiator's bindings, relations as the
 * policy's indexes. What enroll/'s reader refused when these facts went
 * to it as JSON is refused in its words: an initiator with no insurance
 * at the time (404, as then), a relation the policy lacks. */
static int bind_request(bind_job *j, const yb_enrol_policy *ep, yb_datetime t, const yb_psn_rec *pi,
			const yb_psn_rec *pb, const char *relation)
{
	yb_bind_req *req = &j->req;
	size_t i;
	int k;

	memset(req, 0, sizeof(*req));
	req->op = j->unbind ? YB_UNBIND : YB_BIND;
	req->time = t;
	if (!pi->insutype)
		return yb_error_set(YB_ENOTFOUND, "initiator.insutype: missing");
	party_of(&req->initiator, pi, -1);
	if ((k = yb_enrol_relation(ep, relation)) < 0)
		return yb_error_set(YB_EINVALID, "psn.relation: unknown relation '%s'", relation);
	party_of(&req->psn, pb, k);
	for (i = 0; i < j->n; i++) {
		const yb_bind_rec *b = &j->binds[i];
		/* a loaded binding has no relation: it counts all the same */
		const char *rel = b->relation[0] ? b->relation : ep->relation[0];
		if ((k = yb_enrol_relation(ep, rel)) < 0)
			return yb_error_set(YB_EINVALID, "bindings[%zu].relation: unknown relation '%s'", i, rel);
		j->bindings[i] = (yb_binding){b->bound_psn_no, k, b->bind_time, b->unbind_time};
	}
	req->bindings = j->bindings;
	req->n_bindings = j->n;
	return 0;
}

/* Writes the accepted binding, or ends the standing one (the audit
 * record's before); nb gets the binding as it now stands. */
static int bind_store(yb_store_tx *tx, admin_unit *u, const bind_job *j, const yb_psn_rec *pi,
		      const yb_psn_rec *pb, const char *relation, yb_bind_rec *nb)
{
	size_t i;
	yb_jw w;

	memset(nb, 0, sizeof(*nb));
	snprintf(nb->bound_psn_no, sizeof(nb->bound_psn_no), "%s", pb->psn_no);
	snprintf(nb->initiator_psn_no, sizeof(nb->initiator_psn_no), "%s", pi->psn_no);
	snprintf(nb->relation, sizeof(nb->relation), "%s", relation);
	snprintf(nb->staff_id, sizeof(nb->staff_id), "%s", u->who->staff_id);
	if (!j->unbind) {
		nb->bind_time = j->req.time;
		return yb_tx_put_bind(tx, nb);
	}
	for (i = 0; i < j->n; i++)
		if (strcmp(j->binds[i].bound_psn_no, pb->psn_no) == 0 && !j->binds[i].unbind_time)
			*nb = j->binds[i];
	yb_jw_init(&w, &u->before);
	w_bind(&w, NULL, nb);
	nb->unbind_time = j->req.time;
	return yb_tx_unbind(tx, pb->psn_no, pi->psn_no, j->req.time);
}

static int bind_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"initiator_psn_no", "psn_no", "relation", "time", NULL};
	bind_job *j = u->arg;
	const yb_json *b = u->in->body;
	const yb_enrol_policy *ep;
	const char *init_no = NULL, *psn_no = NULL, *relation = NULL;
	yb_datetime t = u->now;
	yb_bind_rec nb;
	yb_psn_facts fi, fb;
	yb_psn_rec pi, pb;
	int rc;
	yb_jw w;

	if (j->unbind) {
		init_no = u->in->id;
		psn_no = u->in->id2;
	} else if ((rc = admin_known(b, NULL, keys)) < 0 ||
		   (rc = admin_field(yb_jget_str(b, NULL, "initiator_psn_no", 1, YB_ID_MAX - 1, &init_no))) < 0 ||
		   (rc = admin_field(yb_jget_str(b, NULL, "psn_no", 1, YB_ID_MAX - 1, &psn_no))) < 0 ||
		   (rc = admin_field(yb_jget_str(b, NULL, "relation", 1, 16, &relation))) < 0 ||
		   (rc = yb_jget_datetime(b, NULL, "time", 0, &t)) < 0) {
		return rc;
	}
	if (t > u->now)
		return yb_error_set(YB_EINVALID, "time: after now");
	if ((rc = person_on(tx, u, init_no, "initiator_psn_no", yb_datetime_date(t), &fi, &pi, &ep)) < 0 ||
	    (rc = person_on(tx, u, psn_no, "psn_no", yb_datetime_date(t), &fb, &pb, NULL)) < 0 ||
	    (rc = yb_tx_get_binds(tx, fi.psn_no, 1, j->binds, YB_ENROL_MAX_BINDINGS, &j->n)) < 0)
		return rc;
	if (j->unbind)
		relation = standing_relation(j, ep, pb.psn_no);
	if ((rc = bind_request(j, ep, t, &pi, &pb, relation)) < 0 ||
	    (rc = yb_family_bind(&j->d, ep, &j->req)) < 0)
		return rc;
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	if (!j->d.accepted) {
		yb_enrol_write_bind(&w, "decision", &j->req, &j->d);
		yb_jw_end(&w, '}');
		return yb_error_set(YB_EREFUSED, "%s refused (A1): see the decision's reasons", j->unbind ? "unbinding" : "binding");
	}
	if ((rc = bind_store(tx, u, j, &pi, &pb, relation, &nb)) < 0)
		return rc;
	w_bind(&w, "binding", &nb);
	yb_enrol_write_bind(&w, "decision", &j->req, &j->d);
	yb_jw_end(&w, '}');
	admin_record(u, j->unbind ? "unbind" : "bind", "psn:%s/binding:%s", nb.bound_psn_no, nb.initiator_psn_no);
	yb_jw_init(&w, &u->after);
	w_bind(&w, NULL, &nb);
	return 0;
}

static int run_bind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out, int unbind)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = bind_tx, .out = out};
	bind_job *j = calloc(1, sizeof(*j));
	const yb_json *b;
	int rc = 0;

	if (!j)
		return yb_error_set(YB_ENOMEM, "out of memory");
	j->unbind = unbind;
	u.arg = j;
	if (!unbind)
		rc = admin_body(in, &b);
	if (rc == 0)
		rc = admin_change(&u, 0);
	free(j);
	return rc;
}

int yb_admin_bind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_bind(a, who, in, out, 0);
}

int yb_admin_unbind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	return run_bind(a, who, in, out, 1);
}
