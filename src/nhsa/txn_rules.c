/* Supervision through the national interface (issue 7, docs/rules.md):
 * 3101/3102 judge the care described in patient_dtos[] by the ledger's
 * rules against the store's history and answer result[], writing nothing;
 * 3501-3503 record stock and purchases with traceability codes (code ->
 * product and pack size) for the S2 rules.
 *
 * Design notes
 *  1. 3101 (before care) and 3102 (during care) are one function: the
 *     scene only changes trig_scen. Each fsi_encounter_dtos[] element is
 *     one settlement; each fsi_order_dtos[] element one fee line (rx_id
 *     its feedetl_sn, hilist_code its med_list_codg). Encounters are
 *     judged one by one against what is stored, not against each other.
 *  2. gend and brdy come from the message, else from the person on record.
 *  3. 3501-3503 are upserts by code: sent twice, the last wins, so a retry
 *     is harmless and they need no idempotency record. pack_qty (the
 *     smallest units in the pack, for S2's split-sale exception) is our
 *     extension; absent, the pack size is unknown. */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/rules.h"
#include "yibao/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ORDERS 5000
#define MAX_RESULTS 256
#define TRAC_MAX 1024

typedef struct encounter {
	yb_rl_setl s;
	yb_rl_line *lines;
	yb_trac_codes *codes;    /* per line, owned */
	size_t n;
} encounter;

static void encounter_free(encounter *e)
{
	size_t i;
	for (i = 0; e->codes && i < e->n; i++)
		yb_trac_codes_free(&e->codes[i]);
	free(e->codes);
	free(e->lines);
	memset(e, 0, sizeof(*e));
}

static int read_orders(encounter *e, const yb_json *arr, const yb_jpath *ap)
{
	const yb_json *o;
	size_t i = 0, n = arr ? arr->len : 0;
	int rc;

	if (n > MAX_ORDERS)
		return yb_jpath_error(ap, NULL, "more than %d orders", MAX_ORDERS);
	e->lines = calloc(n ? n : 1, sizeof(*e->lines));
	e->codes = calloc(n ? n : 1, sizeof(*e->codes));
	if (!e->lines || !e->codes)
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (o = arr ? arr->child : NULL; o; o = o->next, i++) {
		yb_jpath op = YB_JPATH_INDEX(ap, i);
		yb_rl_line *ln = &e->lines[i];
		int trdn = 0;
		e->n = i + 1;
		if ((rc = txn_get_id(o, &op, "rx_id", 1, 30, &ln->feedetl_sn)) < 0 ||
		    (rc = txn_get_id(o, &op, "hilist_code", 1, YB_CODE_MAX - 1, &ln->med_list_codg)) < 0 ||
		    (rc = yb_jget_decimal(o, &op, "cnt", 1, 4, &ln->cnt, NULL)) < 0 ||
		    (rc = yb_jget_decimal(o, &op, "sumamt", 1, YB_SCALE_MONEY, &ln->sumamt, NULL)) < 0 ||
		    (rc = yb_jget_datetime(o, &op, "drord_begn_date", 0, &ln->fee_ocur_time)) < 0 ||
		    (rc = txn_get_flag(o, &op, "trdn_flag", &trdn)) < 0 ||
		    (rc = yb_read_trac_codes(&e->codes[i], o, &op)) < 0)
			return rc;
		ln->trdn_flag = trdn;
	}
	e->s.lines = e->lines;
	e->s.n_lines = e->n;
	return 0;
}

static int wanted(const yb_json *ids, const char *id)
{
	const yb_json *e;
	if (!ids)
		return 1;
	if (ids->type == YB_JSON_STRING) { /* "id1,id2" */
		size_t k = strlen(id);
		const char *p = ids->str;
		while ((p = strstr(p, id))) {
			if ((p == ids->str || p[-1] == ',') && (p[k] == ',' || !p[k]))
				return 1;
			p += k;
		}
		return 0;
	}
	for (e = ids->child; e; e = e->next)
		if (e->type == YB_JSON_STRING && strcmp(e->str, id) == 0)
			return 1;
	return 0;
}

static void write_result(yb_jw *out, const yb_finding *f, const char *mdtrt_id, int seq)
{
	char jr[80];

	snprintf(jr, sizeof(jr), "%s-%d", mdtrt_id, seq);
	yb_jw_obj(out, NULL);
	yb_jw_str(out, "jr_id", jr);
	yb_jw_str(out, "rule_id", f->rule->id);
	yb_jw_str(out, "rule_name", f->rule->name);
	yb_jw_str(out, "vola_cont", f->vola_cont);
	yb_jw_money(out, "vola_amt", f->vola_amt);
	yb_jw_int(out, "sev_deg", f->rule->sev_deg);
	yb_jw_str(out, "vola_evid", f->vola_evid);
	yb_jw_str(out, "vola_bhvr_type", yb_rule_type_name(f->rule->type));
	yb_jw_str(out, "mdtrt_id", mdtrt_id);
	yb_jw_str(out, "rx_id", f->feedetl_sn);
	yb_jw_str(out, "action", f->rule->action == YB_ACT_REFUSE ? "refuse" : "warn");
	yb_jw_end(out, '}');
}

/* Reads one encounter; with out NULL only checks it, else judges it and
 * writes its findings. */
static int judge_encounter(txn_ctx *c, const yb_json *en, const yb_jpath *ep, const char *psn_no,
			   char gend, yb_date brdy, const yb_json *ids, yb_jw *out, int *seq)
{
	yb_jpath op = YB_JPATH_KEY(ep, "fsi_order_dtos");
	const yb_json *orders = NULL;
	yb_fixmedins_rec fix;
	yb_psn_rec p;
	encounter e;
	yb_finding *f = NULL;
	size_t n = 0, i;
	int rc, lv = -1;

	memset(&e, 0, sizeof(e));
	e.s.psn_no = psn_no;
	e.s.setl_id = "";
	e.s.fixmedins_code = c->fixmedins_code;
	e.s.med_type = 11;
	e.s.gend = gend;
	e.s.brdy = brdy;
	if ((rc = txn_get_id(en, ep, "mdtrt_id", 1, 30, &e.s.mdtrt_id)) < 0 ||
	    (rc = txn_get_id(en, ep, "medins_id", 0, 30, &e.s.fixmedins_code)) < 0 ||
	    (rc = txn_get_int_code(en, ep, "medins_lv", 0, 0, 9, &lv)) < 0 ||
	    (rc = txn_get_int_code(en, ep, "med_type", 0, 1, 99, &e.s.med_type)) < 0 ||
	    (rc = yb_jget_datetime(en, ep, "adm_date", 1, &e.s.begntime)) < 0 ||
	    (rc = yb_jget_datetime(en, ep, "dscg_date", 0, &e.s.endtime)) < 0 ||
	    (rc = txn_get_id(en, ep, "dscg_main_dise_codg", 0, YB_CODE_MAX - 1, &e.s.dise_codg)) < 0 ||
	    (rc = yb_jget_array(en, ep, "fsi_order_dtos", 0, &orders)) < 0 ||
	    (rc = read_orders(&e, orders, &op)) < 0)
		goto done;
	if (e.s.endtime && e.s.endtime < e.s.begntime) {
		rc = yb_jpath_error(ep, "dscg_date", "before adm_date");
		goto done;
	}
	if (!out)
		goto done;
	if (yb_ledger_get_fixmedins(c->ledger, e.s.fixmedins_code, &fix) == 0)
		e.s.hosp_lv = fix.hosp_lv;
	if (lv >= 0)
		e.s.hosp_lv = lv;
	if ((!e.s.gend || e.s.brdy == YB_DATE_NONE) &&
	    yb_ledger_get_psn(c->ledger, psn_no, yb_datetime_date(e.s.begntime), &p) == 0) {
		if (!e.s.gend)
			e.s.gend = p.gend;
		if (e.s.brdy == YB_DATE_NONE)
			e.s.brdy = p.brdy;
	}
	for (i = 0; i < e.n; i++)
		e.s.medfee_sumamt += e.lines[i].sumamt;
	if (!(f = malloc(MAX_RESULTS * sizeof(*f)))) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yb_ledger_judge(c->ledger, &e.s, e.codes, f, MAX_RESULTS, &n)) < 0) {
		rc = txn_from_ledger(rc, "data");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (wanted(ids, f[i].rule->id))
			write_result(out, &f[i], e.s.mdtrt_id, ++*seq);
done:
	free(f);
	encounter_free(&e);
	return rc;
}

static int each_patient(txn_ctx *c, const yb_json *pts, const yb_jpath *pp, const yb_json *ids,
			yb_jw *out, int *seq)
{
	const yb_json *pt;
	size_t i = 0;
	int rc;

	for (pt = pts->child; pt; pt = pt->next, i++) {
		yb_jpath tp = YB_JPATH_INDEX(pp, i);
		yb_jpath ep = YB_JPATH_KEY(&tp, "fsi_encounter_dtos");
		const yb_json *ens, *en;
		const char *psn_no = NULL;
		char gend[4] = "";
		yb_date brdy = YB_DATE_NONE;
		size_t k = 0;
		if ((rc = txn_get_id(pt, &tp, "patn_id", 1, 30, &psn_no)) < 0 ||
		    (rc = yb_jget_code(pt, &tp, "gend", 0, gend, sizeof(gend))) < 0 ||
		    (rc = yb_jget_date(pt, &tp, "brdy", 0, &brdy)) < 0 ||
		    (rc = yb_jget_array(pt, &tp, "fsi_encounter_dtos", 1, &ens)) < 0)
			return rc;
		if (gend[0] && strcmp(gend, "1") && strcmp(gend, "2"))
			return yb_jpath_error(&tp, "gend", "not 1 or 2");
		for (en = ens->child; en; en = en->next, k++) {
			yb_jpath np = YB_JPATH_INDEX(&ep, k);
			if ((rc = judge_encounter(c, en, &np, psn_no, gend[0], brdy, ids, out, seq)) < 0)
				return rc;
		}
	}
	return 0;
}

/* input: data{rule_ids?, trig_scen?, patient_dtos[]{patn_id, gend?, brdy?,
 * fsi_encounter_dtos[]{mdtrt_id, adm_date, ..., fsi_order_dtos[]}}} ->
 * result[] */
static int judge(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	yb_jpath pp = YB_JPATH_KEY(&dp, "patient_dtos");
	const yb_json *d, *pts, *ids;
	int rc, seq = 0;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = yb_jget_array(d, &dp, "patient_dtos", 1, &pts)) < 0)
		return rc;
	ids = yb_json_get(d, "rule_ids");
	if (ids && ids->type != YB_JSON_STRING && ids->type != YB_JSON_ARRAY && ids->type != YB_JSON_NULL)
		return yb_jpath_error(&dp, "rule_ids", "not an array of rule ids");
	if (ids && ids->type == YB_JSON_NULL)
		ids = NULL;
	/* the whole message is checked before the ledger is asked anything */
	if ((rc = each_patient(c, pts, &pp, ids, NULL, &seq)) < 0 || (rc = txn_need_ledger(c)) < 0)
		return rc;
	yb_jw_arr(out, "result");
	if ((rc = each_patient(c, pts, &pp, ids, out, &seq)) < 0)
		return rc;
	yb_jw_end(out, ']');
	return 0;
}

int txn_3101(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, judge);
}

int txn_3102(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, judge);
}

/* ======================================================== 3501-3503 */

/* One inventory or purchase record: med_list_codg, its codes, pack_qty. */
static int read_stock(txn_ctx *c, const yb_json *o, const yb_jpath *p, const char *infno,
		      yb_trac_code_rec **recs, size_t *n, size_t *cap)
{
	const char *codg = NULL;
	yb_trac_codes codes = {NULL, 0};
	int64_t pack = 0;
	yb_datetime when = 0;
	yb_date day = yb_datetime_date(c->now);
	size_t k;
	int rc;

	if ((rc = txn_get_id(o, p, "med_list_codg", 1, YB_CODE_MAX - 1, &codg)) < 0 ||
	    (rc = yb_jget_decimal(o, p, "pack_qty", 0, 4, &pack, NULL)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "purc_retn_stoin_time", 0, &when)) < 0 ||
	    (rc = yb_jget_date(o, p, "invdate", 0, &day)) < 0 ||
	    (rc = yb_read_trac_codes(&codes, o, p)) < 0)
		goto done;
	if (pack < 0) {
		rc = yb_jpath_error(p, "pack_qty", "negative");
		goto done;
	}
	if (!codes.n) {
		rc = yb_jpath_error(p, "drug_trac_codg", "missing (or drugtracinfo[])");
		goto done;
	}
	if (when)
		day = yb_datetime_date(when);
	for (k = 0; k < codes.n; k++) {
		yb_trac_code_rec *r;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			yb_trac_code_rec *np = realloc(*recs, nc * sizeof(*np));
			if (!np) {
				rc = yb_error_set(YB_ENOMEM, "out of memory");
				goto done;
			}
			*recs = np;
			*cap = nc;
		}
		r = &(*recs)[(*n)++];
		memset(r, 0, sizeof(*r));
		snprintf(r->drug_trac_codg, sizeof(r->drug_trac_codg), "%s", codes.v[k]);
		snprintf(r->med_list_codg, sizeof(r->med_list_codg), "%s", codg);
		snprintf(r->fixmedins_code, sizeof(r->fixmedins_code), "%s", c->fixmedins_code);
		snprintf(r->infno, sizeof(r->infno), "%s", infno);
		r->pack_qty = pack;
		r->purc_date = day;
		r->rec_time = c->now;
	}
done:
	yb_trac_codes_free(&codes);
	return rc;
}

/* input: {node: object or array} -> {"recorded": n} */
static int stock(txn_ctx *c, const yb_json *input, yb_jw *out, const char *infno, const char *node)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath np = YB_JPATH_KEY(&ip, node);
	const yb_json *v = yb_json_get(input, node), *e;
	yb_trac_code_rec *recs = NULL;
	size_t n = 0, cap = 0, i = 0;
	int rc = 0;

	if (!v || (v->type != YB_JSON_OBJECT && v->type != YB_JSON_ARRAY))
		return yb_jpath_error(&ip, node, v ? "not an object or array" : "missing");
	if (v->type == YB_JSON_OBJECT) {
		rc = read_stock(c, v, &np, infno, &recs, &n, &cap);
	} else {
		if (v->len > MAX_ORDERS)
			return yb_jpath_error(&ip, node, "more than %d records", MAX_ORDERS);
		for (e = v->child; e && rc == 0; e = e->next, i++) {
			yb_jpath ep = YB_JPATH_INDEX(&np, i);
			rc = read_stock(c, e, &ep, infno, &recs, &n, &cap);
		}
	}
	if (rc == 0 && (rc = txn_need_ledger(c)) == 0 && (rc = yb_ledger_put_stock(c->ledger, recs, n)) < 0)
		rc = txn_from_ledger(rc, node);
	if (rc == 0)
		yb_jw_int(out, "recorded", (int64_t)n);
	free(recs);
	return rc;
}

static int members_3501(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	return stock(c, input, out, "3501", "invinfo");
}

static int members_3502(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	return stock(c, input, out, "3502", "invinfo");
}

static int members_3503(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	return stock(c, input, out, "3503", "purcinfo");
}

int txn_3501(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_3501);
}

int txn_3502(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_3502);
}

int txn_3503(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_3503);
}
