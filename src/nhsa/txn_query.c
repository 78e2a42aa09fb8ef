/* 2601 reversal, 3201 reconciliation of totals, and the queries 5203
 * (settlements of a visit), 5204 (its fee lines), 5206 (a person's
 * accumulators). An institution sees only its own visits: the ledger
 * answers another's exactly as a missing one. */
#include "txn.h"
#include "yibao/error.h"

#include <stdio.h>
#include <string.h>

/* ============================================================ 2601 */

/* input: data{psn_no, omsgid, oinfno} -> {omsgid, oinfno, rslt, setl_id?}
 * rslt "reversed": what the message did is undone (a settlement
 * cancelled, an upload's lines cancelled, a registration cancelled, a
 * discharge cancelled); "voided": it never completed, and its late
 * arrival will be refused. */
int txn_2601(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *psn_no = NULL, *omsgid = NULL;
	char oinfno[8] = "";
	yb_ledger_msg m;
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &psn_no)) < 0 ||
	    (rc = txn_get_id(d, &dp, "omsgid", 1, 30, &omsgid)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "oinfno", 1, oinfno, sizeof(oinfno))) < 0)
		return rc;
	if (strlen(oinfno) < 4 || strspn(oinfno, "0123456789") != strlen(oinfno))
		return yb_jpath_error(&dp, "oinfno", "not a transaction number");
	if (strcmp(omsgid, c->msgid) == 0)
		return yb_jpath_error(&dp, "omsgid", "is this message's own msgid");
	if ((rc = txn_need_insuplc(c)) < 0 || (rc = txn_need_ledger(c)) < 0)
		return rc;
	txn_msg(c, &m);
	if ((rc = yb_ledger_reverse(c->ledger, &m, psn_no, omsgid, oinfno, out)) < 0)
		return txn_from_ledger(rc, "data");
	return 0;
}

/* ============================================================ 3201 */

typedef struct diff_text {
	char *buf;
	size_t cap, used;
} diff_text;

static void add_text(diff_text *t, const char *fmt, const char *name,
		     const char *sent, const char *kept, const char *diff)
{
	int n = snprintf(t->buf + t->used, t->cap - t->used, fmt,
			 t->used ? "; " : "", name, sent, kept, diff);
	if (n > 0 && (size_t)n < t->cap - t->used)
		t->used += (size_t)n;
}

static void add_money(diff_text *t, const char *name, yb_money sent, yb_money kept)
{
	char a[32], b[32], d[32];

	if (sent == kept)
		return;
	yb_decimal_format(a, sent, YB_SCALE_MONEY);
	yb_decimal_format(b, kept, YB_SCALE_MONEY);
	yb_decimal_format(d, sent - kept, YB_SCALE_MONEY);
	add_text(t, "%s%s: sent %s, on record %s, difference %s", name, a, b, d);
}

/* input: data{insutype, clr_type, setl_optins, stmt_begndate,
 * stmt_enddate, medfee_sumamt, fund_pay_sumamt, acct_pay,
 * fixmedins_setl_cnt, [cash_payamt]}
 * -> stmtinfo{setl_optins, stmt_rslt "0" balanced / "1" not, stmt_rslt_dscr} */
static int members_3201(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	char optins[8] = "", cnt_txt[24] = "", dscr[600];
	yb_money medfee = 0, fund = 0, acct = 0, cash = 0;
	int64_t cnt = 0;
	int has_cash = 0, rc;
	yb_recon_req q;
	yb_recon r;
	diff_text t = {dscr, sizeof(dscr), 0};
	long net;

	memset(&q, 0, sizeof(q));
	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "insutype", 1, 100, 999, &q.insutype)) < 0 ||
	    (rc = txn_get_int_code(d, &dp, "clr_type", 1, 1, 99, &q.clr_type)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "setl_optins", 1, optins, sizeof(optins))) < 0 ||
	    (rc = yb_jget_date(d, &dp, "stmt_begndate", 1, &q.begndate)) < 0 ||
	    (rc = yb_jget_date(d, &dp, "stmt_enddate", 1, &q.enddate)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "medfee_sumamt", 1, YB_SCALE_MONEY, &medfee, NULL)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "fund_pay_sumamt", 1, YB_SCALE_MONEY, &fund, NULL)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "acct_pay", 1, YB_SCALE_MONEY, &acct, NULL)) < 0 ||
	    (rc = yb_jget_decimal(d, &dp, "cash_payamt", 0, YB_SCALE_MONEY, &cash, &has_cash)) < 0 ||
	    (rc = yb_jget_code(d, &dp, "fixmedins_setl_cnt", 1, cnt_txt, sizeof(cnt_txt))) < 0)
		return rc;
	if (q.clr_type != 11 && q.clr_type != 21)
		return yb_jpath_error(&dp, "clr_type", "not 11 (outpatient) or 21 (inpatient)");
	if (strlen(optins) != 6 || strspn(optins, "0123456789") != 6)
		return yb_jpath_error(&dp, "setl_optins", "not a 6-digit region code");
	if (q.enddate < q.begndate)
		return yb_jpath_error(&dp, "stmt_enddate", "before stmt_begndate");
	if (yb_decimal_parse(&cnt, cnt_txt, strlen(cnt_txt), 0) < 0 || cnt < 0 ||
	    cnt > 1000000000000LL)
		return yb_jpath_error(&dp, "fixmedins_setl_cnt", "not a count");
	if ((rc = txn_need_ledger(c)) < 0)
		return rc;
	q.fixmedins_code = c->fixmedins_code;
	memset(&r, 0, sizeof(r));
	if ((rc = yb_ledger_reconcile(c->ledger, &q, &r)) < 0)
		return txn_from_ledger(rc, "data");

	/* net, like the amounts: a cancel takes its settlement out again */
	net = r.setl_cnt - r.cancel_cnt;
	dscr[0] = '\0';
	if (cnt != net) {
		char a[24], b[24], df[24];
		snprintf(a, sizeof(a), "%lld", (long long)cnt);
		snprintf(b, sizeof(b), "%ld", net);
		snprintf(df, sizeof(df), "%lld", (long long)(cnt - net));
		add_text(&t, "%s%s: sent %s, on record %s, difference %s", "fixmedins_setl_cnt", a, b, df);
	}
	add_money(&t, "medfee_sumamt", medfee, r.medfee_sumamt);
	add_money(&t, "fund_pay_sumamt", fund, r.fund_pay_sumamt);
	add_money(&t, "acct_pay", acct, r.acct_pay);
	if (has_cash)
		add_money(&t, "cash_payamt", cash, r.psn_cash_pay);
	yb_jw_obj(out, "stmtinfo");
	yb_jw_str(out, "setl_optins", optins);
	yb_jw_str(out, "stmt_rslt", t.used ? "1" : "0");
	if (!t.used) {
		char a[32];
		yb_decimal_format(a, r.medfee_sumamt, YB_SCALE_MONEY);
		snprintf(dscr, sizeof(dscr), "balanced: %ld settlement%s (%ld settled, %ld cancelled), medfee_sumamt %s",
			 net, net == 1 ? "" : "s", r.setl_cnt, r.cancel_cnt, a);
	}
	yb_jw_str(out, "stmt_rslt_dscr", dscr);
	yb_jw_end(out, '}');
	return 0;
}

/* ======================================================= 5203-5206 */

static int query(txn_ctx *c, const yb_json *input, int which, yb_buf *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *psn_no = NULL, *mdtrt_id = NULL, *setl_id = NULL;
	char ym[8] = "";
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_no", 1, 30, &psn_no)) < 0)
		return rc;
	if (which == 5206) {
		if ((rc = yb_jget_code(d, &dp, "cum_ym", 0, ym, sizeof(ym))) < 0)
			return rc;
		if (!ym[0]) {
			char day[24];
			yb_datetime_format(day, c->now);
			memcpy(ym, day, 4);
			memcpy(ym + 4, day + 5, 2);
			ym[6] = '\0';
		}
		if ((strlen(ym) != 6 && strlen(ym) != 4) || strspn(ym, "0123456789") != strlen(ym) ||
		    (strlen(ym) == 6 && (strncmp(ym + 4, "01", 2) < 0 || strncmp(ym + 4, "12", 2) > 0)))
			return yb_jpath_error(&dp, "cum_ym", "not yyyyMM or yyyy");
	} else {
		if ((rc = txn_get_id(d, &dp, "mdtrt_id", 1, 30, &mdtrt_id)) < 0 ||
		    (rc = txn_get_id(d, &dp, "setl_id", 0, 30, &setl_id)) < 0)
			return rc;
	}
	if ((rc = txn_need_insuplc(c)) < 0 || (rc = txn_need_ledger(c)) < 0)
		return rc;
	switch (which) {
	case 5203:
		rc = yb_ledger_query_setl(c->ledger, c->fixmedins_code, psn_no, mdtrt_id, setl_id, out);
		break;
	case 5204:
		rc = yb_ledger_query_fees(c->ledger, c->fixmedins_code, psn_no, mdtrt_id, out);
		break;
	default:
		rc = yb_ledger_query_accums(c->ledger, psn_no, ym, out);
	}
	if (rc < 0)
		return txn_from_ledger(rc, "data");
	return 0;
}

/* input: data{psn_no, mdtrt_id, setl_id?} -> setlinfo[], setldetail[] */
int txn_5203(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return query(c, input, 5203, out);
}

/* input: data{psn_no, mdtrt_id} -> feedetail[] */
int txn_5204(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return query(c, input, 5204, out);
}

/* input: data{psn_no, cum_ym} -> cuminfo[] */
int txn_5206(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return query(c, input, 5206, out);
}

int txn_3201(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_3201);
}
