/* Registrations: remote care (N7, OE8), chronic-disease approval (CD6) and
 * family account bindings (A1). Each is a decision over the facts given;
 * the store (phase B) records what was decided. */
#include "enroll_int.h"
#include "yibao/error.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------- remote care */

static int may_hold(const yb_remote_rule *rr, int insutype, const char *psn_type)
{
	char code[8];
	int i, ok = rr->n_insutype == 0;

	snprintf(code, sizeof(code), "%d", insutype);
	for (i = 0; i < rr->n_insutype; i++)
		ok |= strcmp(rr->insutype[i], code) == 0;
	if (!ok)
		return 0;
	if (rr->n_psn_type == 0)
		return 1;
	for (i = 0; i < rr->n_psn_type; i++)
		if (psn_type && enrol_pattern(rr->psn_type[i], psn_type))
			return 1;
	return 0;
}

int yb_remote_register(yb_remote_decision *out, const yb_enrol_policy *pol,
		       const yb_remote_req *req)
{
	yb_remote_decision d;
	const yb_remote_rule *rr;
	yb_date applied = yb_datetime_date(req->applied);
	char b[11], e[11], x[11];
	size_t i;
	int rc, refused = 0;

	if (req->type < 0 || req->type >= pol->n_remote)
		return yb_error_set(YB_EINVALID, "type: unknown remote-care type");
	if (strlen(req->place) != 6 || strspn(req->place, "0123456789") != 6)
		return yb_error_set(YB_EINVALID, "place_admdvs: not a 6-digit region code");
	if (req->has_done && req->done < req->applied)
		return yb_error_set(YB_EINVALID, "done: before 'applied'");
	if (req->n_existing > YB_ENROL_MAX_HISTORY)
		return yb_error_set(YB_EINVALID, "registrations: more than %d", YB_ENROL_MAX_HISTORY);
	rr = &pol->remote[req->type];
	memset(&d, 0, sizeof(d));
	d.on_time = -1;
	d.outpatient_pooling = rr->outpatient_pooling;
	/* the term runs whatever the answer: a refusal is due as soon */
	if ((rc = yb_workcal_add(&d.done_by, &pol->cal, applied, pol->remote_working_days)) < 0)
		return yb_error_prefix(rc, "applied");
	if (req->has_done)
		d.on_time = yb_datetime_date(req->done) <= d.done_by;
	d.begndate = req->begndate == YB_DATE_NONE ? applied : req->begndate;
	d.enddate = rr->months ? yb_date_add_months(d.begndate, rr->months) - 1 : YB_DATE_MAX;

	if (!may_hold(rr, req->insutype, req->psn_type)) {
		why_add(&d.why, "N7", "%s is not open to insutype %d, psn_type %s", rr->name,
			req->insutype, req->psn_type ? req->psn_type : "-");
		refused = 1;
	}
	if (yb_region_covers(pol->admdvs, req->place)) {
		why_add(&d.why, "N7", "%s is inside the city: no registration needed", req->place);
		refused = 1;
	}
	if (d.begndate < applied) {
		why_add(&d.why, "N7", "starts %s, before the application: registrations do not reach back (local choice)",
			enrol_day(b, d.begndate));
		refused = 1;
	}
	for (i = 0; i < req->n_existing; i++) {
		const yb_remote_reg_fact *f = &req->existing[i];
		if (f->begndate <= d.enddate && f->enddate >= d.begndate) {
			why_add(&d.why, "N7", "overlaps the %s registration at %s (%s to %s): end it first",
				f->type >= 0 && f->type < pol->n_remote ? pol->remote[f->type].name : "?",
				f->place, enrol_day(b, f->begndate), enrol_day(e, f->enddate));
			refused = 1;
		}
	}
	d.accepted = !refused;
	if (d.accepted)
		why_add(&d.why, "N7", "%s at %s from %s to %s", rr->name, req->place,
			enrol_day(b, d.begndate), enrol_day(e, d.enddate));
	if (d.accepted)
		why_add(&d.why, "OE8", rr->outpatient_pooling
			? "outpatient and inpatient care at the registered place and at home, under the home policy"
			: "no outpatient pooling outside the city (temporary trip)");
	why_add(&d.why, "N7", "to be done within %d working days: by %s%s", pol->remote_working_days,
		enrol_day(x, d.done_by),
		d.on_time < 0 ? "" : d.on_time ? " (done on time)" : " (done late)");
	*out = d;
	return 0;
}

/* ------------------------------------------------------ chronic disease */

int yb_chronic_check(yb_chronic_state *out, const yb_enrol_policy *pol,
		     const yb_policy *sp, const yb_chronic_app *apps, size_t n,
		     const char *dise_codg, yb_date day)
{
	yb_chronic_state st;
	int list = yb_policy_dise_list(sp, pol->chronic_list);
	char a[11], dd[11];
	size_t i;

	if (list < 0)
		return yb_error_set(YB_ENOTFOUND, "the settlement policy has no disease list '%s'", pol->chronic_list);
	if (n > YB_ENROL_MAX_APPS)
		return yb_error_set(YB_EINVALID, "applications: more than %d", YB_ENROL_MAX_APPS);
	for (i = 0; i < n; i++) {
		if (apps[i].result != YB_CHRONIC_PENDING && apps[i].decided < apps[i].applied)
			return yb_error_set(YB_EINVALID, "applications[%zu].decided: before 'applied'", i);
		if (apps[i].result == YB_CHRONIC_PENDING && apps[i].decided != YB_DATE_NONE)
			return yb_error_set(YB_EINVALID, "applications[%zu].decided: a pending application has no decision", i);
	}
	memset(&st, 0, sizeof(st));
	st.app = -1;
	st.from = YB_DATE_NONE;
	for (i = 0; i < n; i++) {
		const yb_chronic_app *p = &apps[i];
		int listed = yb_policy_dise_in(sp, list, p->dise_codg);
		int covers = dise_codg && strncmp(dise_codg, p->dise_codg, strlen(p->dise_codg)) == 0;

		enrol_day(a, p->applied);
		enrol_day(dd, p->decided);
		if (!listed) {
			why_add(&st.why, "CD6", "%s (applied %s) is not on the %s list: it cannot open med_type 14",
				p->dise_codg, a, pol->chronic_list);
			continue;
		}
		if (p->result == YB_CHRONIC_PENDING)
			why_add(&st.why, "CD6", "%s applied %s: awaiting the experts", p->dise_codg, a);
		else if (p->result == YB_CHRONIC_REFUSED)
			why_add(&st.why, "CD6", "%s refused by the experts on %s", p->dise_codg, dd);
		else if (p->decided > day)
			why_add(&st.why, "CD6", "%s confirmed on %s, after this day", p->dise_codg, dd);
		else if (!covers)
			why_add(&st.why, "CD6", "%s confirmed on %s, but the diagnosis %s is another disease",
				p->dise_codg, dd, dise_codg ? dise_codg : "-");
		else if (!st.open || p->decided < st.from) {
			st.open = 1;
			st.app = (int)i;
			st.from = p->decided;
		}
	}
	if (st.open) {
		enrol_day(dd, st.from);
		why_add(&st.why, "CD6", "med_type 14 open for %s: %s confirmed on %s", dise_codg,
			apps[st.app].dise_codg, dd);
	} else {
		why_add(&st.why, "CD6", "med_type 14 closed for %s: no confirmed application covers it",
			dise_codg ? dise_codg : "-");
	}
	*out = st;
	return 0;
}

/* ---------------------------------------------------- family accounts */

static int active_at(const yb_binding *b, yb_datetime t)
{
	return b->bound <= t && (b->unbound == 0 || b->unbound > t);
}

static int initiator_type(const yb_enrol_policy *pol, int insutype)
{
	int i;
	for (i = 0; i < pol->n_initiator_insutype; i++)
		if (pol->initiator_insutype[i] == insutype)
			return 1;
	return 0;
}

int yb_family_bind(yb_bind_decision *out, const yb_enrol_policy *pol,
		   const yb_bind_req *req)
{
	yb_bind_decision d;
	const yb_binding *mine = NULL;
	size_t i;
	int active = 0, refused = 0;

	if (req->n_bindings > YB_ENROL_MAX_BINDINGS)
		return yb_error_set(YB_EINVALID, "bindings: more than %d", YB_ENROL_MAX_BINDINGS);
	if (!req->initiator.psn_no || !req->psn.psn_no)
		return yb_error_set(YB_EINVALID, "psn_no: missing");
	for (i = 0; i < req->n_bindings; i++) {
		const yb_binding *b = &req->bindings[i];
		if (b->bound > req->time)
			return yb_error_set(YB_EINVALID, "bindings[%zu].bind_time: after the request", i);
		if (b->unbound && b->unbound < b->bound)
			return yb_error_set(YB_EINVALID, "bindings[%zu].unbind_time: before bind_time", i);
		if (active_at(b, req->time)) {
			active++;
			if (b->psn_no && strcmp(b->psn_no, req->psn.psn_no) == 0)
				mine = b;
		}
	}
	memset(&d, 0, sizeof(d));
	d.active_after = active;
	if (req->op == YB_UNBIND) {
		if (!mine) {
			why_add(&d.why, "A1", "%s is not bound to %s: nothing to unbind", req->psn.psn_no,
				req->initiator.psn_no);
		} else {
			d.accepted = 1;
			d.active_after = active - 1;
			why_add(&d.why, "A1", "%s unbound from %s; %d bound persons remain", req->psn.psn_no,
				req->initiator.psn_no, d.active_after);
		}
		*out = d;
		return 0;
	}
	if (!initiator_type(pol, req->initiator.insutype) || !req->initiator.insured) {
		why_add(&d.why, "A1", "the initiator must be an insured employee (insutype %d%s)",
			req->initiator.insutype, req->initiator.insured ? "" : ", not insured now");
		refused = 1;
	}
	if (!yb_region_covers(pol->admdvs, req->initiator.insu_admdvs) ||
	    !yb_region_covers(pol->admdvs, req->psn.insu_admdvs) || !req->psn.insured) {
		why_add(&d.why, "A1", "both must be insured in this city (%s): initiator %s, bound person %s%s",
			pol->admdvs, req->initiator.insu_admdvs, req->psn.insu_admdvs,
			req->psn.insured ? "" : " (not insured now)");
		refused = 1;
	}
	if (strcmp(req->initiator.psn_no, req->psn.psn_no) == 0) {
		why_add(&d.why, "A1", "a person cannot bind themself");
		refused = 1;
	}
	if (req->psn.relation < 0 || req->psn.relation >= pol->n_relations) {
		why_add(&d.why, "A1", "only a spouse, parent or child may be bound");
		refused = 1;
	}
	if (mine) {
		why_add(&d.why, "A1", "%s is already bound to %s", req->psn.psn_no, req->initiator.psn_no);
		refused = 1;
	} else if (active >= pol->max_bound) {
		why_add(&d.why, "A1", "%s already binds %d persons: at most %d", req->initiator.psn_no,
			active, pol->max_bound);
		refused = 1;
	}
	if (!refused) {
		d.accepted = 1;
		d.active_after = active + 1;
		why_add(&d.why, "A1", "%s (%s) bound to %s: %d of at most %d", req->psn.psn_no,
			pol->relation[req->psn.relation], req->initiator.psn_no, d.active_after, pol->max_bound);
	}
	*out = d;
	return 0;
}
