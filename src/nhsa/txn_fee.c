/* Fee lines: 2204/2301 upload (outpatient, inpatient) and 2205/2302 their
 * cancel. The ledger splits each line with the catalogue of the place of
 * care when it is uploaded (result[]), and settles the unsettled lines of
 * a visit at 2207/2304. */
#include "txn.h"
#include "yibao/error.h"

#include <stdlib.h>
#include <string.h>

/* input: feedetail[] of one visit (every line names it: mdtrt_id, psn_no)
 * -> result[] */
static int upload(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath fp = YB_JPATH_KEY(&ip, "feedetail");
	const yb_json *arr, *l;
	const char *psn_no = NULL, *mdtrt_id = NULL;
	yb_fee_up *lines = NULL;
	yb_ledger_msg m;
	size_t i = 0;
	int rc;

	if ((rc = yb_jget_array(input, &ip, "feedetail", 1, &arr)) < 0)
		return rc;
	if (arr->len == 0)
		return yb_jpath_error(&ip, "feedetail", "no fee lines");
	if (arr->len > YB_MAX_FEELINES)
		return yb_jpath_error(&ip, "feedetail", "more than %d fee lines", YB_MAX_FEELINES);
	if (!(lines = calloc(arr->len, sizeof(*lines))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (l = arr->child; l; l = l->next, i++) {
		yb_jpath lp = YB_JPATH_INDEX(&fp, i);
		const char *p = NULL, *d = NULL;
		if ((rc = yb_read_fee_up(&lines[i], l, &lp)) < 0 ||
		    (rc = txn_get_id(l, &lp, "mdtrt_id", i == 0, 30, &d)) < 0 ||
		    (rc = txn_get_id(l, &lp, "psn_no", i == 0, 30, &p)) < 0)
			goto done;
		/* one visit per message: the first line names it */
		if (i == 0) {
			mdtrt_id = d;
			psn_no = p;
		} else if (d && strcmp(d, mdtrt_id) != 0) {
			rc = yb_jpath_error(&lp, "mdtrt_id", "differs from input.feedetail[0].mdtrt_id");
			goto done;
		} else if (p && strcmp(p, psn_no) != 0) {
			rc = yb_jpath_error(&lp, "psn_no", "differs from input.feedetail[0].psn_no");
			goto done;
		}
	}
	if ((rc = txn_need_insuplc(c)) < 0 || (rc = txn_need_ledger(c)) < 0)
		goto done;
	txn_msg(c, &m);
	if ((rc = yb_ledger_upload(c->ledger, &m, psn_no, mdtrt_id, lines, i, out)) < 0) {
		rc = txn_from_ledger(rc, "feedetail[0]");
		goto done;
	}
	rc = 0;
done:
	free(lines);
	return rc;
}

int txn_2204(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return upload(c, input, out);
}

int txn_2301(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return upload(c, input, out);
}

/* 2205: data{mdtrt_id, chrg_bchno ("0000": every unsettled line), psn_no}
 * 2302: data{mdtrt_id, feedetl_sn ("0000": every unsettled line), psn_no},
 *       or chrg_bchno as 2205
 * -> {mdtrt_id, psn_no, cancelled} */
static int cancel_fees(txn_ctx *c, const yb_json *input, int inpatient, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *psn_no = NULL, *mdtrt_id = NULL, *bch = NULL, *sn = NULL;
	yb_ledger_msg m;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &mdtrt_id)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &psn_no)) < 0 ||
	    (rc = txn_get_id(d, &dp, "chrg_bchno", !inpatient, 30, &bch)) < 0 ||
	    (inpatient && (rc = txn_get_id(d, &dp, "feedetl_sn", 0, 30, &sn)) < 0))
		return rc;
	if (inpatient) {
		if (!bch && !sn)
			return yb_jpath_error(&dp, "feedetl_sn", "missing (\"0000\" for every unsettled line)");
		if (bch && sn)
			return yb_jpath_error(&dp, "feedetl_sn", "not with chrg_bchno: one or the other");
		if (sn && strcmp(sn, "0000") == 0) {
			bch = "0000";
			sn = NULL;
		}
	}
	if ((rc = txn_need_insuplc(c)) < 0 || (rc = txn_need_ledger(c)) < 0)
		return rc;
	txn_msg(c, &m);
	if ((rc = yb_ledger_cancel_fees(c->ledger, &m, psn_no, mdtrt_id, bch, sn, out)) < 0)
		return txn_from_ledger(rc, "data");
	return 0;
}

int txn_2205(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return cancel_fees(c, input, 0, out);
}

int txn_2302(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return cancel_fees(c, input, 1, out);
}
