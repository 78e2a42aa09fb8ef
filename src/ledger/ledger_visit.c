/* The ledger's visits: registration and its cancel (2201/2202, 2401/2404),
 * diagnoses and admission changes (2203/2403), discharge and its cancel
 * (2402/2405), and the visit list (5201).
 *
 * Design notes
 *  1. A visit belongs to its person (psn_no leads every key) and to the
 *     institution that registered it: another institution's visit answers
 *     exactly as a missing one ("mdtrt_id: no visit ... of this
 *     institution"), so an institution cannot probe others' visits.
 *  2. States of a visit (status), and what moves them:
 *
 *       2201 ─▶ registered ─────────────── 2202 ──▶ cancelled
 *       2401 ─▶ admitted ──2402──▶ discharged
 *                  ▲   ◀──2405───    │        2404 (admitted only)
 *                  └─────────────────┘
 *     A final settlement (final_setl_id) freezes the visit: no update,
 *     no upload, no cancel of the registration or the discharge, until the
 *     settlement is cancelled (IP3).
 *  3. One stay at a time: an admission while the person is in a stay at
 *     any institution is refused. */
#include "ledger_impl.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(int st)
{
	switch (st) {
	case YB_MDTRT_REGISTERED: return "registered";
	case YB_MDTRT_ADMITTED: return "admitted";
	case YB_MDTRT_DISCHARGED: return "discharged";
	case YB_MDTRT_CANCELLED: return "cancelled";
	}
	return "";
}

void ledger_write_visit(yb_jw *w, const char *key, const yb_mdtrt_rec *r)
{
	char buf[24];

	yb_jw_obj(w, key);
	yb_jw_str(w, "mdtrt_id", r->mdtrt_id);
	yb_jw_str(w, "psn_no", r->psn_no);
	yb_jw_str(w, "fixmedins_code", r->fixmedins_code);
	snprintf(buf, sizeof(buf), "%d", r->insutype);
	yb_jw_str(w, "insutype", buf);
	snprintf(buf, sizeof(buf), "%d", r->med_type);
	yb_jw_str(w, "med_type", buf);
	yb_datetime_format(buf, r->begntime);
	yb_jw_str(w, "begntime", buf);
	if (r->endtime) {
		yb_datetime_format(buf, r->endtime);
		yb_jw_str(w, "endtime", buf);
	} else {
		yb_jw_null(w, "endtime");
	}
	yb_jw_str(w, "ipt_otp_no", r->ipt_otp_no);
	yb_jw_str(w, "dise_codg", r->dise_codg);
	yb_jw_str(w, "dise_name", r->dise_name);
	if (r->dscg_way) {
		snprintf(buf, sizeof(buf), "%d", r->dscg_way);
		yb_jw_str(w, "dscg_way", buf);
	} else {
		yb_jw_null(w, "dscg_way");
	}
	yb_jw_str(w, "status", status_name(r->status));
	yb_jw_money(w, "mid_setl_dedc", r->mid_setl_dedc);
	yb_jw_str(w, "final_setl_id", r->final_setl_id);
	yb_jw_raw(w, "diseinfo", r->diagnoses[0] ? r->diagnoses : "[]",
		  strlen(r->diagnoses[0] ? r->diagnoses : "[]"));
	yb_jw_end(w, '}');
}

int ledger_own_visit(yb_store_tx *tx, const char *fix, const char *psn_no,
		     const char *mdtrt_id, yb_mdtrt_rec *out)
{
	int rc = yb_tx_get_mdtrt(tx, psn_no, mdtrt_id, out);

	if (rc == YB_ENOTFOUND || (rc == 0 && strcmp(out->fixmedins_code, fix) != 0))
		return yb_error_set(YB_ENOTFOUND, "mdtrt_id: no visit %s of psn_no %s at this institution",
				    mdtrt_id, psn_no);
	return rc;
}

/* Reads the person, which on PostgreSQL locks them for the rest of the
 * transaction: a visit is then read and rewritten whole without losing a
 * change made meanwhile by a unit of another writer (a cancel keyed by
 * setl_id). An unknown person is left to the visit's lookup to report. */
static int lock_person(yb_store_tx *tx, const char *psn_no)
{
	yb_psn_rec p;
	int rc = yb_tx_get_psn(tx, psn_no, 0, &p);
	return rc == YB_ENOTFOUND ? 0 : rc;
}

/* The diagnoses must be a JSON array that fits its column. */
static int check_diagnoses(const char *json)
{
	static const yb_json_limits lim = {8, 4096};
	yb_json_doc *doc = NULL;
	size_t n;
	int rc;

	if (!json)
		return 0;
	if ((n = strlen(json)) >= YB_DIAG_MAX)
		return yb_error_set(YB_EINVALID, "diseinfo: longer than %d bytes", YB_DIAG_MAX - 1);
	if ((rc = yb_json_parse(&doc, json, n, &lim)) < 0)
		return yb_error_prefix(YB_EINVALID, "diseinfo");
	if (yb_json_root(doc)->type != YB_JSON_ARRAY)
		rc = yb_error_set(YB_EINVALID, "diseinfo: not an array");
	yb_json_free(doc);
	return rc;
}

static int copy_field(char *dst, size_t cap, const char *src, const char *name)
{
	if (!src)
		return 0;
	if (strlen(src) >= cap)
		return yb_error_set(YB_EINVALID, "%s: longer than %zu", name, cap - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int id_ok(const char *s, const char *name)
{
	if (!s || !*s)
		return yb_error_set(YB_EINVALID, "%s: missing", name);
	if (strlen(s) >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "%s: longer than %d", name, YB_ID_MAX - 1);
	return 0;
}

static void write_visit_output(yb_buf *output, const yb_mdtrt_rec *r)
{
	yb_jw w;
	yb_jw_init(&w, output);
	ledger_write_visit(&w, NULL, r);
}

/* ---------------------------------------------------------- register */

static int register_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const yb_mdtrt_reg *r = o->arg;
	yb_fixmedins_rec fix;
	yb_psn_rec p;
	yb_mdtrt_rec *v = NULL, *stay = NULL;
	yb_date day = yb_datetime_date(r->begntime);
	char since[24], buf[16];
	int rc, inpatient = yb_med_type_inpatient(r->med_type);
	yb_jw w;

	if ((rc = yb_tx_get_fixmedins(tx, o->m->fixmedins_code, &fix)) < 0 ||
	    (rc = yb_tx_get_psn(tx, r->psn_no, day, &p)) < 0 ||
	    (rc = ledger_refuse_person(&p, r->insutype, day)) < 0)
		return rc;
	if (inpatient && fix.fixmedins_type == 2)
		return yb_error_set(YB_EREFUSED, "med_type: %d is an admission; a pharmacy admits no one", r->med_type);
	if (!(v = calloc(1, sizeof(*v))) || !(stay = malloc(sizeof(*stay)))) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if (inpatient) {
		rc = yb_tx_find_stay(tx, p.psn_no, r->begntime, "", stay);
		if (rc == 0) {
			yb_datetime_format(since, stay->begntime);
			rc = strcmp(stay->fixmedins_code, fix.fixmedins_code) == 0
			   ? yb_error_set(YB_EREFUSED, "psn_no: %s is already in a stay here (mdtrt_id %s) since %s",
					  p.psn_no, stay->mdtrt_id, since)
			   : yb_error_set(YB_EREFUSED, "psn_no: %s is already in a stay at another institution since %s",
					  p.psn_no, since);
			goto done;
		}
		if (rc != YB_ENOTFOUND)
			goto done;
	}
	snprintf(v->psn_no, sizeof(v->psn_no), "%s", p.psn_no);
	snprintf(v->fixmedins_code, sizeof(v->fixmedins_code), "%s", fix.fixmedins_code);
	snprintf(v->msgid, sizeof(v->msgid), "%s", o->m->msgid);
	v->insutype = p.insutype;
	v->med_type = r->med_type;
	v->begntime = r->begntime;
	v->status = inpatient ? YB_MDTRT_ADMITTED : YB_MDTRT_REGISTERED;
	if ((rc = copy_field(v->ipt_otp_no, sizeof(v->ipt_otp_no), r->ipt_otp_no, "ipt_otp_no")) < 0 ||
	    (rc = copy_field(v->dise_codg, sizeof(v->dise_codg), r->dise_codg, "dise_codg")) < 0 ||
	    (rc = copy_field(v->dise_name, sizeof(v->dise_name), r->dise_name, "dise_name")) < 0 ||
	    (rc = copy_field(v->diagnoses, sizeof(v->diagnoses), r->diagnoses ? r->diagnoses : "[]", "diseinfo")) < 0 ||
	    (rc = yb_tx_next_mdtrt_id(tx, v->mdtrt_id)) < 0 ||
	    (rc = yb_tx_put_mdtrt(tx, v)) < 0)
		goto done;
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", inpatient ? "2401" : "2201");
	snprintf(o->ref, sizeof(o->ref), "%s", v->mdtrt_id);
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "mdtrt_id", v->mdtrt_id);
	yb_jw_str(&w, "psn_no", v->psn_no);
	yb_jw_str(&w, "ipt_otp_no", v->ipt_otp_no);
	snprintf(buf, sizeof(buf), "%d", v->insutype);
	yb_jw_str(&w, "insutype", buf);
	snprintf(buf, sizeof(buf), "%d", v->med_type);
	yb_jw_str(&w, "med_type", buf);
	yb_datetime_format(since, v->begntime);
	yb_jw_str(&w, "begntime", since);
	yb_jw_end(&w, '}');
done:
	free(v);
	free(stay);
	return rc;
}

int yb_ledger_register(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_reg *r, yb_buf *out)
{
	ledger_op o;
	int rc;

	if ((rc = id_ok(r->psn_no, "psn_no")) < 0)
		return rc;
	if (r->med_type < 11 || r->med_type > 99)
		return yb_error_set(YB_EINVALID, "med_type: not a med_type code (11, 21, ...)");
	if (!r->begntime)
		return yb_error_set(YB_EINVALID, "begntime: missing");
	if ((rc = check_diagnoses(r->diagnoses)) < 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = r->psn_no;
	o.fn = register_fn;
	o.arg = (void *)r;
	ledger_req(&o, "register|%s|%d|%lld", r->psn_no, r->med_type, (long long)r->begntime);
	return ledger_run(&o, out);
}

/* ------------------------------------------------ cancel a registration */

typedef struct standing_scan {
	char setl_id[YB_ID_MAX];
} standing_scan;

static int find_standing(const yb_setl_row *r, int cancelled, void *arg)
{
	standing_scan *ss = arg;
	if (!cancelled && !r->refd_setl_id[0])
		snprintf(ss->setl_id, sizeof(ss->setl_id), "%s", r->setl_id);
	return 0;
}

typedef struct sn_list {
	char (*sn)[32];
	size_t n, cap;
} sn_list;

static int collect_unsettled(const yb_fee_row *f, void *arg)
{
	sn_list *sl = arg;
	if (f->setl_id[0])
		return 0;
	if (sl->n == sl->cap) {
		size_t cap = sl->cap ? sl->cap * 2 : 64;
		char (*p)[32] = realloc(sl->sn, cap * sizeof(*p));
		if (!p)
			return yb_error_set(YB_ENOMEM, "out of memory");
		sl->sn = p;
		sl->cap = cap;
	}
	memcpy(sl->sn[sl->n++], f->feedetl_sn, 32);
	return 0;
}

int ledger_cancel_visit_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			   const char *mdtrt_id, yb_buf *output)
{
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	standing_scan ss = {""};
	sn_list sl = {NULL, 0, 0};
	size_t i;
	int rc;
	yb_jw w;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = lock_person(tx, psn_no)) < 0 || (rc = ledger_own_visit(tx, fix, psn_no, mdtrt_id, v)) < 0)
		goto done;
	if (v->status == YB_MDTRT_CANCELLED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already cancelled", mdtrt_id);
		goto done;
	}
	if (v->status == YB_MDTRT_DISCHARGED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is discharged; cancel the discharge (2405) first", mdtrt_id);
		goto done;
	}
	if ((rc = yb_tx_each_setl(tx, psn_no, mdtrt_id, find_standing, &ss)) < 0)
		goto done;
	if (ss.setl_id[0]) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s has settlement %s standing; cancel it (%s) first",
				  mdtrt_id, ss.setl_id, yb_med_type_inpatient(v->med_type) ? "2305" : "2208");
		goto done;
	}
	/* its unsettled lines go with it (no settlement stands: none is settled) */
	if ((rc = yb_tx_each_fee(tx, psn_no, mdtrt_id, collect_unsettled, &sl)) < 0)
		goto done;
	for (i = 0; i < sl.n; i++)
		if ((rc = yb_tx_del_fee(tx, psn_no, mdtrt_id, sl.sn[i])) < 0)
			goto done;
	v->status = YB_MDTRT_CANCELLED;
	if ((rc = yb_tx_upd_mdtrt(tx, v)) < 0)
		goto done;
	yb_jw_init(&w, output);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "mdtrt_id", v->mdtrt_id);
	yb_jw_str(&w, "psn_no", v->psn_no);
	yb_jw_str(&w, "status", "cancelled");
	yb_jw_int(&w, "feedetail_cancelled", (int64_t)sl.n);
	yb_jw_end(&w, '}');
done:
	free(sl.sn);
	free(v);
	return rc;
}

typedef struct visit_args {
	const char *psn_no, *mdtrt_id;
} visit_args;

static int cancel_visit_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const visit_args *a = o->arg;
	yb_mdtrt_rec v;
	int rc;

	if ((rc = ledger_cancel_visit_tx(tx, o->m->fixmedins_code, a->psn_no, a->mdtrt_id, output)) < 0)
		return rc;
	if (!o->infno[0] && yb_tx_get_mdtrt(tx, a->psn_no, a->mdtrt_id, &v) == 0)
		snprintf(o->infno, sizeof(o->infno), "%s", yb_med_type_inpatient(v.med_type) ? "2404" : "2202");
	snprintf(o->ref, sizeof(o->ref), "%s", a->mdtrt_id);
	return 0;
}

static int run_visit_op(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			const char *mdtrt_id, const char *what,
			int (*fn)(yb_store_tx *, ledger_op *, yb_buf *), void *arg, yb_buf *out)
{
	ledger_op o;
	int rc;

	if ((rc = id_ok(psn_no, "psn_no")) < 0 || (rc = id_ok(mdtrt_id, "mdtrt_id")) < 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.l = l;
	o.m = m;
	o.psn_no = psn_no;
	o.fn = fn;
	o.arg = arg;
	ledger_req(&o, "%s|%s|%s", what, psn_no, mdtrt_id);
	return ledger_run(&o, out);
}

int yb_ledger_cancel_visit(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			   const char *mdtrt_id, yb_buf *out)
{
	visit_args a = {psn_no, mdtrt_id};
	return run_visit_op(l, m, psn_no, mdtrt_id, "cancel_visit", cancel_visit_fn, &a, out);
}

/* ------------------------------------------------------------- update */

/* A visit that may still change: not cancelled, not finally settled. */
static int refuse_frozen(const yb_mdtrt_rec *v)
{
	if (v->status == YB_MDTRT_CANCELLED)
		return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", v->mdtrt_id);
	if (v->final_setl_id[0])
		return yb_error_set(YB_EREFUSED, "mdtrt_id: %s is settled (setl_id %s); cancel the settlement first (IP3)",
				    v->mdtrt_id, v->final_setl_id);
	return 0;
}

static int update_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const yb_mdtrt_upd *u = o->arg;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	int rc;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = lock_person(tx, u->psn_no)) < 0 ||
	    (rc = ledger_own_visit(tx, o->m->fixmedins_code, u->psn_no, u->mdtrt_id, v)) < 0 ||
	    (rc = refuse_frozen(v)) < 0)
		goto done;
	if (u->med_type && yb_med_type_inpatient(u->med_type) != yb_med_type_inpatient(v->med_type)) {
		rc = yb_med_type_inpatient(v->med_type)
			? yb_error_set(YB_EREFUSED, "med_type: %d would turn a stay into an outpatient visit %s",
				       u->med_type, v->mdtrt_id)
			: yb_error_set(YB_EREFUSED, "med_type: %d would turn an outpatient visit into a stay %s",
				       u->med_type, v->mdtrt_id);
		goto done;
	}
	if (u->med_type)
		v->med_type = u->med_type;
	if (u->begntime) {
		if (v->endtime && u->begntime > v->endtime) {
			rc = yb_error_set(YB_EINVALID, "begntime: after the visit's endtime");
			goto done;
		}
		v->begntime = u->begntime;
	}
	if ((rc = copy_field(v->ipt_otp_no, sizeof(v->ipt_otp_no), u->ipt_otp_no, "ipt_otp_no")) < 0 ||
	    (rc = copy_field(v->dise_codg, sizeof(v->dise_codg), u->dise_codg, "dise_codg")) < 0 ||
	    (rc = copy_field(v->dise_name, sizeof(v->dise_name), u->dise_name, "dise_name")) < 0 ||
	    (rc = copy_field(v->diagnoses, sizeof(v->diagnoses), u->diagnoses, "diseinfo")) < 0 ||
	    (rc = yb_tx_upd_mdtrt(tx, v)) < 0)
		goto done;
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "%s", yb_med_type_inpatient(v->med_type) ? "2403" : "2203");
	write_visit_output(output, v);
done:
	free(v);
	return rc;
}

int yb_ledger_update_visit(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_upd *u,
			   yb_buf *out)
{
	int rc;

	if (u->med_type && (u->med_type < 11 || u->med_type > 99))
		return yb_error_set(YB_EINVALID, "med_type: not a med_type code (11, 21, ...)");
	if ((rc = check_diagnoses(u->diagnoses)) < 0)
		return rc;
	return run_visit_op(l, m, u->psn_no, u->mdtrt_id, "update", update_fn, (void *)u, out);
}

/* ------------------------------------------------------------ discharge */

static int discharge_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const yb_dscg *d = o->arg;
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	int rc;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = lock_person(tx, d->psn_no)) < 0 ||
	    (rc = ledger_own_visit(tx, o->m->fixmedins_code, d->psn_no, d->mdtrt_id, v)) < 0)
		goto done;
	if (!yb_med_type_inpatient(v->med_type)) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is an outpatient visit, not a stay", v->mdtrt_id);
		goto done;
	}
	if (v->status == YB_MDTRT_CANCELLED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is cancelled", v->mdtrt_id);
		goto done;
	}
	if (v->status == YB_MDTRT_DISCHARGED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is already discharged", v->mdtrt_id);
		goto done;
	}
	if (d->endtime < v->begntime) {
		rc = yb_error_set(YB_EINVALID, "endtime: before the admission (begntime)");
		goto done;
	}
	v->endtime = d->endtime;
	v->dscg_way = d->dscg_way;
	v->status = YB_MDTRT_DISCHARGED;
	if ((rc = copy_field(v->dise_codg, sizeof(v->dise_codg), d->dise_codg, "dise_codg")) < 0 ||
	    (rc = copy_field(v->dise_name, sizeof(v->dise_name), d->dise_name, "dise_name")) < 0 ||
	    (rc = copy_field(v->diagnoses, sizeof(v->diagnoses), d->diagnoses, "diseinfo")) < 0 ||
	    (rc = yb_tx_upd_mdtrt(tx, v)) < 0)
		goto done;
	if (!o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "2402");
	snprintf(o->ref, sizeof(o->ref), "%s", v->mdtrt_id);
	write_visit_output(output, v);
done:
	free(v);
	return rc;
}

int yb_ledger_discharge(yb_ledger *l, const yb_ledger_msg *m, const yb_dscg *d, yb_buf *out)
{
	int rc;

	if (!d->endtime)
		return yb_error_set(YB_EINVALID, "endtime: missing");
	if (d->dscg_way < 1 || d->dscg_way > 9)
		return yb_error_set(YB_EINVALID, "dscg_way: not 1-9");
	if ((rc = check_diagnoses(d->diagnoses)) < 0)
		return rc;
	return run_visit_op(l, m, d->psn_no, d->mdtrt_id, "discharge", discharge_fn, (void *)d, out);
}

int ledger_cancel_dscg_tx(yb_store_tx *tx, const char *fix, const char *psn_no,
			  const char *mdtrt_id, yb_buf *output)
{
	yb_mdtrt_rec *v = malloc(sizeof(*v));
	int rc;

	if (!v)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if ((rc = lock_person(tx, psn_no)) < 0 || (rc = ledger_own_visit(tx, fix, psn_no, mdtrt_id, v)) < 0)
		goto done;
	if (v->status != YB_MDTRT_DISCHARGED) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is not discharged", mdtrt_id);
		goto done;
	}
	if (v->final_setl_id[0]) {
		rc = yb_error_set(YB_EREFUSED, "mdtrt_id: %s is settled (setl_id %s); cancel the settlement (2305) first",
				  mdtrt_id, v->final_setl_id);
		goto done;
	}
	v->status = YB_MDTRT_ADMITTED;
	v->endtime = 0;
	v->dscg_way = 0;
	if ((rc = yb_tx_upd_mdtrt(tx, v)) < 0)
		goto done;
	write_visit_output(output, v);
done:
	free(v);
	return rc;
}

static int cancel_dscg_fn(yb_store_tx *tx, ledger_op *o, yb_buf *output)
{
	const visit_args *a = o->arg;
	int rc = ledger_cancel_dscg_tx(tx, o->m->fixmedins_code, a->psn_no, a->mdtrt_id, output);

	if (rc == 0 && !o->infno[0])
		snprintf(o->infno, sizeof(o->infno), "2405");
	return rc;
}

int yb_ledger_cancel_discharge(yb_ledger *l, const yb_ledger_msg *m, const char *psn_no,
			       const char *mdtrt_id, yb_buf *out)
{
	visit_args a = {psn_no, mdtrt_id};
	return run_visit_op(l, m, psn_no, mdtrt_id, "cancel_dscg", cancel_dscg_fn, &a, out);
}

/* --------------------------------------------------------------- 5201 */

typedef struct visit_list {
	const char *fix;
	yb_datetime begn, end;
	yb_jw *w;
} visit_list;

static int list_visit(const yb_mdtrt_rec *r, void *arg)
{
	visit_list *vl = arg;
	if (strcmp(r->fixmedins_code, vl->fix) != 0 ||
	    (vl->begn && r->begntime < vl->begn) || (vl->end && r->begntime > vl->end))
		return 0;
	ledger_write_visit(vl->w, NULL, r);
	return 0;
}

typedef struct query_job {
	const char *fix, *psn_no;
	yb_datetime begn, end;
	yb_buf *out;
} query_job;

static int query_visits_work(yb_store_tx *tx, void *arg)
{
	query_job *q = arg;
	yb_jw w;
	visit_list vl = {q->fix, q->begn, q->end, &w};
	int rc;

	yb_jw_init(&w, q->out);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "mdtrtinfo");
	rc = yb_tx_each_mdtrt(tx, q->psn_no, list_visit, &vl);
	yb_jw_end(&w, ']');
	yb_jw_end(&w, '}');
	if (rc == 0 && q->out->oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
	return rc;
}

int yb_ledger_query_visits(yb_ledger *l, const char *fixmedins_code, const char *psn_no,
			   yb_datetime begn, yb_datetime end, yb_buf *out)
{
	query_job q = {fixmedins_code, psn_no, begn, end, out};
	size_t mark = out->len;
	int rc;

	if ((rc = id_ok(fixmedins_code, "fixmedins_code")) < 0 || (rc = id_ok(psn_no, "psn_no")) < 0)
		return rc;
	if ((rc = yb_store_read(yb_ledger_store(l), query_visits_work, &q)) < 0) {
		out->len = mark;
		if (out->ptr)
			out->ptr[mark] = '\0';
	}
	return rc;
}
