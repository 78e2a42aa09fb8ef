/* Visits: 2201/2202 outpatient registration and its cancel, 2203 the
 * visit's diagnoses, 2401 admission, 2402 discharge, 2403 admission
 * change, 2404 cancel an admission, 2405 cancel a discharge. The ledger
 * keeps the visit, generates mdtrt_id, refuses what the rules refuse (not
 * insured, paused for arrears, a second stay at once) and keeps each
 * answer for retries. */
#include "txn.h"
#include "yibao/error.h"

#include <string.h>

/* What both registrations read. */
typedef struct reg_in {
	yb_mdtrt_reg r;
	char cert_type[4];
	const char *cert_no;
	yb_buf diag;
} reg_in;

static int call_register(txn_ctx *c, reg_in *in, const char *node, const char *out_node, yb_buf *out)
{
	yb_ledger_msg m;
	int rc;

	if ((rc = txn_need_insuplc(c)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0 ||
	    (rc = txn_check_cert(c, in->r.psn_no, in->cert_type, in->cert_no,
				 yb_datetime_date(in->r.begntime), node)) < 0)
		return rc;
	c->node = out_node;
	txn_msg(c, &m);
	if ((rc = yb_ledger_register(c->ledger, &m, &in->r, out)) < 0)
		return txn_from_ledger(rc, node);
	return 0;
}

/* input: data{psn_no, insutype, begntime, mdtrt_cert_type, mdtrt_cert_no,
 * ipt_otp_no, atddr_no, dr_name, dept_code, dept_name, caty, [med_type]}
 * -> data{mdtrt_id, psn_no, ipt_otp_no, ...} */
int txn_2201(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	static const char *const skip[] = {"atddr_no", "dr_name", "dept_code", "dept_name", "caty", NULL};
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *s = NULL;
	reg_in in;
	int i, rc;

	memset(&in, 0, sizeof(in));
	in.r.med_type = 11;
	in.r.begntime = c->now;
	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &in.r.psn_no)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "insutype", 0, 100, 999, &in.r.insutype)) < 0 ||
	    (rc = yb_jget_datetime(d, &dp, "begntime", 0, &in.r.begntime)) < 0 ||
	    (rc = txn_read_cert(d, &dp, in.cert_type, &in.cert_no)) < 0 ||
	    (rc = txn_get_id(d, &dp, "ipt_otp_no", 0, 30, &in.r.ipt_otp_no)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "med_type", 0, 1, 99, &in.r.med_type)) < 0)
		return rc;
	for (i = 0; skip[i]; i++)
		if ((rc = txn_get_id(d, &dp, skip[i], 0, 50, &s)) < 0)
			return rc;
	if (yb_med_type_inpatient(in.r.med_type))
		return yb_jpath_error(&dp, "med_type", "%d is inpatient: admit with 2401", in.r.med_type);
	return call_register(c, &in, "data", "data", out);
}

static int read_visit_ref(const yb_json *d, const yb_jpath *dp, const char **psn_no,
			  const char **mdtrt_id)
{
	int rc;

	if ((rc = txn_get_id(d, dp, "mdtrt_id", 1, 30, mdtrt_id)) < 0 ||
	    (rc = txn_get_id(d, dp, "psn_no", 1, 30, psn_no)) < 0)
		return rc;
	return 0;
}

/* 2202, 2404, 2405: data{mdtrt_id, psn_no} and a ledger call on them. */
static int visit_op(txn_ctx *c, const yb_json *input,
		    int (*fn)(yb_ledger *, const yb_ledger_msg *, const char *,
			      const char *, yb_buf *), yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *psn_no = NULL, *mdtrt_id = NULL, *s = NULL;
	yb_ledger_msg m;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = read_visit_ref(d, &dp, &psn_no, &mdtrt_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "ipt_otp_no", 0, 30, &s)) < 0 ||
	    (rc = txn_need_insuplc(c)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0)
		return rc;
	txn_msg(c, &m);
	if ((rc = fn(c->ledger, &m, psn_no, mdtrt_id, out)) < 0)
		return txn_from_ledger(rc, "data");
	return 0;
}

/* input: data{psn_no, mdtrt_id, ipt_otp_no} -> {mdtrt_id, psn_no, status} */
int txn_2202(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return visit_op(c, input, yb_ledger_cancel_visit, out);
}

/* input: data{mdtrt_id, psn_no} -> {mdtrt_id, psn_no, status} */
int txn_2404(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return visit_op(c, input, yb_ledger_cancel_visit, out);
}

/* input: data{mdtrt_id, psn_no} -> the stay as 5201 */
int txn_2405(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return visit_op(c, input, yb_ledger_cancel_discharge, out);
}

/* 2203 mdtrtinfo{...}, 2403 adminfo{...}: what changes in a visit. */
static int update(txn_ctx *c, const yb_json *input, const char *node, int inpatient, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath np;
	const yb_json *d;
	yb_mdtrt_upd u;
	yb_buf diag = YB_BUF_INIT;
	yb_ledger_msg m;
	const char *s = NULL;
	int rc;

	memset(&u, 0, sizeof(u));
	/* 2403: some clients send the admission under mdtrtinfo, as 2401 */
	if (inpatient && !yb_json_get(input, node) && yb_json_get(input, "mdtrtinfo"))
		node = "mdtrtinfo";
	np = (yb_jpath)YB_JPATH_KEY(&ip, node);
	if ((rc = yb_jget_object(input, &ip, node, 1, &d)) < 0 ||
	    (rc = read_visit_ref(d, &np, &u.psn_no, &u.mdtrt_id)) < 0 ||
	    (rc = txn_get_int_code(d, &np, "med_type", 0, 1, 99, &u.med_type)) < 0 ||
	    (rc = yb_jget_datetime(d, &np, "begntime", 0, &u.begntime)) < 0 ||
	    (rc = txn_get_id(d, &np, inpatient ? "ipt_no" : "ipt_otp_no", 0, 30, &u.ipt_otp_no)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_codg", 0, 30, &u.dise_codg)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_name", 0, 100, &u.dise_name)) < 0 ||
	    (rc = txn_get_id(d, &np, "main_cond_dscr", 0, 500, &s)) < 0 ||
	    (rc = txn_read_diseinfo(input, &ip, &diag, &u.diagnoses)) < 0)
		goto done;
	if (u.med_type && yb_med_type_inpatient(u.med_type) != inpatient) {
		rc = inpatient ? yb_jpath_error(&np, "med_type", "%d is not inpatient", u.med_type)
			       : yb_jpath_error(&np, "med_type", "%d is inpatient: use 2403", u.med_type);
		goto done;
	}
	if ((rc = txn_need_insuplc(c)) < 0 || (rc = txn_need_ledger(c)) < 0)
		goto done;
	txn_msg(c, &m);
	if ((rc = yb_ledger_update_visit(c->ledger, &m, &u, out)) < 0) {
		rc = txn_from_ledger(rc, node);
		goto done;
	}
	rc = 0;
done:
	yb_buf_free(&diag);
	return rc;
}

/* input: mdtrtinfo{mdtrt_id, psn_no, med_type, begntime, dise_codg,
 * dise_name, ...}, diseinfo[] -> the visit as 5201 */
int txn_2203(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return update(c, input, "mdtrtinfo", 0, out);
}

/* input: adminfo{mdtrt_id, psn_no, begntime, ipt_no, med_type, dise_codg,
 * ...}, diseinfo[] -> the stay as 5201 */
int txn_2403(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return update(c, input, "adminfo", 1, out);
}

/* input: mdtrtinfo{psn_no, insutype, begntime, med_type, ipt_no,
 * mdtrt_cert_type, mdtrt_cert_no, adm_diag_dscr, dise_codg, dise_name,
 * ...}, diseinfo[] -> result{mdtrt_id, ...} */
int txn_2401(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	static const char *const skip[] = {"medrcdno", "atddr_no", "chfpdr_name", "adm_dept_codg",
					   "adm_dept_name", "adm_bed", "coner_name", "tel", NULL};
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath np = YB_JPATH_KEY(&ip, "mdtrtinfo");
	const yb_json *d;
	const char *s = NULL;
	reg_in in;
	int i, rc;

	memset(&in, 0, sizeof(in));
	if ((rc = yb_jget_object(input, &ip, "mdtrtinfo", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &np, "psn_no", 1, 30, &in.r.psn_no)) < 0 ||
	    (rc = txn_get_int_code(d, &np, "insutype", 0, 100, 999, &in.r.insutype)) < 0 ||
	    (rc = yb_jget_datetime(d, &np, "begntime", 1, &in.r.begntime)) < 0 ||
	    (rc = txn_get_int_code(d, &np, "med_type", 1, 1, 99, &in.r.med_type)) < 0 ||
	    (rc = txn_read_cert(d, &np, in.cert_type, &in.cert_no)) < 0 ||
	    (rc = txn_get_id(d, &np, "ipt_no", 0, 30, &in.r.ipt_otp_no)) < 0 ||
	    (rc = txn_get_id(d, &np, "adm_diag_dscr", 0, 200, &s)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_codg", 0, 30, &in.r.dise_codg)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_name", 0, 100, &in.r.dise_name)) < 0)
		goto done;
	for (i = 0; skip[i]; i++)
		if ((rc = txn_get_id(d, &np, skip[i], 0, 50, &s)) < 0)
			goto done;
	if (!yb_med_type_inpatient(in.r.med_type)) {
		rc = yb_jpath_error(&np, "med_type", "%d is not inpatient (21-28)", in.r.med_type);
		goto done;
	}
	if ((rc = txn_read_diseinfo(input, &ip, &in.diag, &in.r.diagnoses)) < 0)
		goto done;
	rc = call_register(c, &in, "mdtrtinfo", "result", out);
done:
	yb_buf_free(&in.diag);
	return rc;
}

/* input: dscginfo{mdtrt_id, psn_no, insutype, endtime, dise_codg,
 * dise_name, dscg_way, ...}, diseinfo[] -> the stay as 5201 */
int txn_2402(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	static const char *const skip[] = {"dscg_dept_codg", "dscg_dept_name", "dscg_bed", NULL};
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath np = YB_JPATH_KEY(&ip, "dscginfo");
	const yb_json *d;
	const char *s = NULL;
	yb_buf diag = YB_BUF_INIT;
	yb_dscg g;
	yb_ledger_msg m;
	int i, insutype = 0, rc;

	memset(&g, 0, sizeof(g));
	if ((rc = yb_jget_object(input, &ip, "dscginfo", 1, &d)) < 0 ||
	    (rc = read_visit_ref(d, &np, &g.psn_no, &g.mdtrt_id)) < 0 ||
	    (rc = txn_get_int_code(d, &np, "insutype", 0, 100, 999, &insutype)) < 0 ||
	    (rc = yb_jget_datetime(d, &np, "endtime", 1, &g.endtime)) < 0 ||
	    (rc = txn_get_int_code(d, &np, "dscg_way", 1, 1, 9, &g.dscg_way)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_codg", 0, 30, &g.dise_codg)) < 0 ||
	    (rc = txn_get_id(d, &np, "dise_name", 0, 100, &g.dise_name)) < 0)
		goto done;
	for (i = 0; skip[i]; i++)
		if ((rc = txn_get_id(d, &np, skip[i], 0, 50, &s)) < 0)
			goto done;
	if ((rc = txn_read_diseinfo(input, &ip, &diag, &g.diagnoses)) < 0 ||
	    (rc = txn_need_insuplc(c)) < 0 ||
	    (rc = txn_need_ledger(c)) < 0)
		goto done;
	txn_msg(c, &m);
	if ((rc = yb_ledger_discharge(c->ledger, &m, &g, out)) < 0) {
		rc = txn_from_ledger(rc, "dscginfo");
		goto done;
	}
	rc = 0;
done:
	yb_buf_free(&diag);
	return rc;
}
