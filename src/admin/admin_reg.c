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

typedef struct reg_job {
	yb_buf facts, answer;
} reg_job;

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

static int remote_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"psn_no", "type", "place_admdvs", "applied", "begndate",
		"channel", "done", NULL};
	reg_job *j = u->arg;
	const yb_json *b = u->in->body, *root;
	const yb_enrol_policy *ep;
	const char *psn_no = NULL, *type = NULL, *channel = NULL;
	char place[8] = "", when[24], at[24];
	yb_datetime applied = u->now, done = u->now;
	yb_date begn = YB_DATE_NONE, d;
	yb_remote_rec *ex = NULL, r;
	yb_json_doc *doc = NULL;
	yb_psn_facts f;
	yb_psn_rec p;
	size_t i, n = 0;
	int rc;
	yb_jw w;

	yb_buf_clear(&j->facts);
	yb_buf_clear(&j->answer);
	if ((rc = admin_known(b, NULL, keys)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "psn_no", 1, YB_ID_MAX - 1, &psn_no))) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "type", 1, YB_ENROL_NAME - 1, &type))) < 0 ||
	    (rc = admin_field(yb_jget_code(b, NULL, "place_admdvs", 1, place, sizeof(place)))) < 0 ||
	    (rc = yb_jget_datetime(b, NULL, "applied", 0, &applied)) < 0 ||
	    (rc = yb_jget_date(b, NULL, "begndate", 0, &begn)) < 0 ||
	    (rc = admin_field(yb_jget_str(b, NULL, "channel", 1, YB_ENROL_NAME - 1, &channel))) < 0 ||
	    (rc = yb_jget_datetime(b, NULL, "done", 0, &done)) < 0)
		return rc;
	if (!region6(place))
		return yb_error_set(YB_EINVALID, "place_admdvs: not a 6-digit region code");
	if (applied > u->now || done > u->now)
		return yb_error_set(YB_EINVALID, "%s: after now", applied > u->now ? "applied" : "done");
	if ((rc = person_on(tx, u, psn_no, "psn_no", yb_datetime_date(applied), &f, &p, &ep)) < 0)
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
	if ((rc = yb_tx_get_remotes(tx, f.psn_no, ex, YB_ENROL_MAX_HISTORY, &n)) < 0)
		goto done;
	yb_datetime_format(when, applied);
	yb_jw_init(&w, &j->facts);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "admdvs", ep->admdvs);
	yb_jw_obj(&w, "psn");
	yb_jw_str(&w, "psn_no", f.psn_no);
	yb_jw_int(&w, "insutype", p.insutype);
	yb_jw_str(&w, "psn_type", p.psn_type);
	yb_jw_end(&w, '}');
	yb_jw_str(&w, "type", type);
	yb_jw_str(&w, "place_admdvs", place);
	yb_jw_str(&w, "applied", when);
	if (begn != YB_DATE_NONE)
		admin_w_date(&w, "begndate", begn);
	yb_jw_str(&w, "channel", channel);
	yb_datetime_format(at, done);
	yb_jw_str(&w, "done", at);
	yb_jw_arr(&w, "registrations");
	for (i = 0; i < n; i++) {
		if (ex[i].reg.enddate < ex[i].reg.begndate)
			continue;
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "type", ex[i].reg.type);
		yb_jw_str(&w, "place_admdvs", ex[i].reg.admdvs);
		admin_w_date(&w, "begndate", ex[i].reg.begndate);
		admin_w_date(&w, "enddate", ex[i].reg.enddate);
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	if ((rc = admin_decide("remote", &j->facts, ep, NULL, &j->answer, &doc)) < 0)
		goto done;
	root = yb_json_root(doc);
	yb_jw_init(&w, u->out);
	yb_jw_obj(&w, NULL);
	if (strcmp(admin_str(root, "decision"), "accepted") != 0) {
		yb_jw_str(&w, "psn_no", f.psn_no);
		yb_jw_value(&w, "decision", root);
		yb_jw_end(&w, '}');
		rc = yb_error_set(YB_EREFUSED, "registration refused (N7, OE8): see the decision's reasons");
		goto done;
	}
	memset(&r, 0, sizeof(r));
	snprintf(r.reg.psn_no, sizeof(r.reg.psn_no), "%s", f.psn_no);
	snprintf(r.reg.kind, sizeof(r.reg.kind), "remote");
	snprintf(r.reg.type, sizeof(r.reg.type), "%s", admin_str(root, "type"));
	snprintf(r.reg.admdvs, sizeof(r.reg.admdvs), "%s", place);
	d = YB_DATE_NONE;
	yb_date_parse(&d, admin_str(root, "begndate"), strlen(admin_str(root, "begndate")));
	r.reg.begndate = d;
	r.reg.enddate = YB_DATE_MAX;
	if (admin_str(root, "enddate")[0])
		yb_date_parse(&r.reg.enddate, admin_str(root, "enddate"), strlen(admin_str(root, "enddate")));
	snprintf(r.channel, sizeof(r.channel), "%s", channel);
	r.applied = applied;
	r.done = done;
	snprintf(r.staff_id, sizeof(r.staff_id), "%s", u->who->staff_id);
	if ((rc = yb_tx_next_id(tx, "remote", 'R', r.reg_id)) < 0 || (rc = yb_tx_put_remote(tx, &r)) < 0)
		goto done;
	yb_jw_str(&w, "reg_id", r.reg_id);
	yb_jw_str(&w, "psn_no", f.psn_no);
	admin_w_person(&w, "person", &f);
	yb_jw_value(&w, "decision", root);
	yb_jw_end(&w, '}');
	admin_record(u, "remote.register", "psn:%s/remote:%s", f.psn_no, r.reg_id);
	yb_jw_init(&w, &u->after);
	w_remote(&w, NULL, &r);
done:
	yb_json_free(doc);
	free(ex);
	return rc;
}

int yb_admin_remote_add(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = remote_tx, .out = out};
	reg_job j;
	const yb_json *b;
	int rc;

	memset(&j, 0, sizeof(j));
	u.arg = &j;
	if ((rc = admin_body(in, &b)) == 0)
		rc = admin_change(&u, 0);
	yb_buf_free(&j.facts);
	yb_buf_free(&j.answer);
	return rc;
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
	yb_buf facts, answer;
} bind_job;

static void w_party(yb_jw *w, const char *key, const yb_psn_rec *p, const char *relation)
{
	yb_jw_obj(w, key);
	yb_jw_str(w, "psn_no", p->psn_no);
	if (relation)
		yb_jw_str(w, "relation", relation);
	if (p->insutype)
		yb_jw_int(w, "insutype", p->insutype);
	yb_jw_str(w, "insu_admdvs", p->insu_admdvs);
	yb_jw_bool(w, "insured", p->psn_insu_stas == 1);
	yb_jw_end(w, '}');
}

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

static int bind_tx(yb_store_tx *tx, admin_unit *u)
{
	static const char *const keys[] = {"initiator_psn_no", "psn_no", "relation", "time", NULL};
	bind_job *j = u->arg;
	const yb_json *b = u->in->body, *root;
	const yb_enrol_policy *ep;
	const char *init_no = NULL, *psn_no = NULL, *relation = NULL;
	yb_datetime t = u->now;
	yb_bind_rec *binds = NULL, nb;
	yb_json_doc *doc = NULL;
	yb_psn_facts fi, fb;
	yb_psn_rec pi, pb;
	size_t i, n = 0;
	char when[24], bt[24];
	int rc;
	yb_jw w, ow;

	yb_buf_clear(&j->facts);
	yb_buf_clear(&j->answer);
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
	    (rc = person_on(tx, u, psn_no, "psn_no", yb_datetime_date(t), &fb, &pb, NULL)) < 0)
		return rc;
	if (!(binds = malloc(YB_ENROL_MAX_BINDINGS * sizeof(*binds))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = yb_tx_get_binds(tx, fi.psn_no, 1, binds, YB_ENROL_MAX_BINDINGS, &n)) < 0)
		goto done;
	yb_datetime_format(when, t);
	yb_jw_init(&w, &j->facts);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "admdvs", ep->admdvs);
	yb_jw_str(&w, "op", j->unbind ? "unbind" : "bind");
	yb_jw_str(&w, "time", when);
	w_party(&w, "initiator", &pi, NULL);
	if (j->unbind) { /* the relation of the standing binding */
		relation = ep->relation[0];
		for (i = 0; i < n; i++)
			if (strcmp(binds[i].bound_psn_no, pb.psn_no) == 0 && !binds[i].unbind_time && binds[i].relation[0])
				relation = binds[i].relation;
	}
	w_party(&w, "psn", &pb, relation);
	yb_jw_arr(&w, "bindings");
	for (i = 0; i < n; i++) {
		yb_jw_obj(&w, NULL);
		yb_jw_str(&w, "psn_no", binds[i].bound_psn_no);
		/* a loaded binding has no relation: it counts all the same */
		yb_jw_str(&w, "relation", binds[i].relation[0] ? binds[i].relation : ep->relation[0]);
		yb_datetime_format(bt, binds[i].bind_time);
		yb_jw_str(&w, "bind_time", bt);
		if (binds[i].unbind_time) {
			yb_datetime_format(bt, binds[i].unbind_time);
			yb_jw_str(&w, "unbind_time", bt);
		}
		yb_jw_end(&w, '}');
	}
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	if ((rc = admin_decide("bind", &j->facts, ep, NULL, &j->answer, &doc)) < 0)
		goto done;
	root = yb_json_root(doc);
	yb_jw_init(&ow, u->out);
	yb_jw_obj(&ow, NULL);
	if (strcmp(admin_str(root, "decision"), "accepted") != 0) {
		yb_jw_value(&ow, "decision", root);
		yb_jw_end(&ow, '}');
		rc = yb_error_set(YB_EREFUSED, "%s refused (A1): see the decision's reasons", j->unbind ? "unbinding" : "binding");
		goto done;
	}
	memset(&nb, 0, sizeof(nb));
	snprintf(nb.bound_psn_no, sizeof(nb.bound_psn_no), "%s", pb.psn_no);
	snprintf(nb.initiator_psn_no, sizeof(nb.initiator_psn_no), "%s", pi.psn_no);
	snprintf(nb.relation, sizeof(nb.relation), "%s", relation);
	snprintf(nb.staff_id, sizeof(nb.staff_id), "%s", u->who->staff_id);
	if (j->unbind) {
		for (i = 0; i < n; i++)
			if (strcmp(binds[i].bound_psn_no, pb.psn_no) == 0 && !binds[i].unbind_time)
				nb = binds[i];
		yb_jw_init(&w, &u->before);
		w_bind(&w, NULL, &nb);
		nb.unbind_time = t;
		rc = yb_tx_unbind(tx, pb.psn_no, pi.psn_no, t);
	} else {
		nb.bind_time = t;
		rc = yb_tx_put_bind(tx, &nb);
	}
	if (rc < 0)
		goto done;
	w_bind(&ow, "binding", &nb);
	yb_jw_value(&ow, "decision", root);
	yb_jw_end(&ow, '}');
	admin_record(u, j->unbind ? "unbind" : "bind", "psn:%s/binding:%s", nb.bound_psn_no, nb.initiator_psn_no);
	yb_jw_init(&w, &u->after);
	w_bind(&w, NULL, &nb);
done:
	yb_json_free(doc);
	free(binds);
	return rc;
}

static int run_bind(yb_admin *a, const yb_actor *who, const yb_admin_in *in, yb_buf *out, int unbind)
{
	admin_unit u = {.a = a, .who = who, .in = in, .fn = bind_tx, .out = out};
	bind_job j;
	const yb_json *b;
	int rc = 0;

	memset(&j, 0, sizeof(j));
	j.unbind = unbind;
	u.arg = &j;
	if (!unbind)
		rc = admin_body(in, &b);
	if (rc == 0)
		rc = admin_change(&u, 0);
	yb_buf_free(&j.facts);
	yb_buf_free(&j.answer);
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
