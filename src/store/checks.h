/* Internal: the invariant checks of `yibao check` that both backends run
 * as they are (the SQL is the same on SQLite and PostgreSQL). Each query
 * returns the rows that break an invariant, as (what, detail); a backend
 * reports "name: what (detail)" for each. */
#ifndef YB_STORE_CHECKS_H
#define YB_STORE_CHECKS_H

typedef struct yb_store_check {
	const char *name;
	const char *sql;
} yb_store_check;

static const yb_store_check yb_store_checks[] = {
	{"identity medfee = fulamt + overlmt + preselfpay + inscp",
	 "SELECT setl_id, medfee_sumamt FROM setl WHERE medfee_sumamt <>"
	 " fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt"},
	{"identity medfee = fund + psn_part + hosp_part",
	 "SELECT setl_id, medfee_sumamt FROM setl WHERE medfee_sumamt <>"
	 " fund_pay_sumamt + psn_part_amt + hosp_part_amt"},
	{"identity psn_part = acct_pay + cash",
	 "SELECT setl_id, psn_part_amt FROM setl WHERE psn_part_amt <> acct_pay + psn_cash_pay"},
	{"identity fund = sum of funds",
	 "SELECT setl_id, fund_pay_sumamt FROM setl WHERE fund_pay_sumamt <> hifp_pay +"
	 " cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay"},
	{"setldetail sums to fund_pay_sumamt",
	 "SELECT s.setl_id, s.fund_pay_sumamt FROM setl s WHERE s.refd_setl_id = '' AND"
	 " s.fund_pay_sumamt <> (SELECT coalesce(sum(fund_payamt), 0) FROM setl_detail d"
	 " WHERE d.psn_no = s.psn_no AND d.setl_id = s.setl_id)"},
	{"fee lines sum to medfee_sumamt",
	 "SELECT s.setl_id, s.medfee_sumamt FROM setl s WHERE s.refd_setl_id = '' AND"
	 " s.medfee_sumamt <> (SELECT coalesce(sum(det_item_fee_sumamt), 0) FROM setl_fee f"
	 " WHERE f.psn_no = s.psn_no AND f.setl_id = s.setl_id)"},
	{"accumulator differs from the sum of its settlements",
	 "SELECT a.psn_no || ' ' || a.year || ' ' || a.bucket, a.amount FROM accum a"
	 " WHERE a.amount <> (SELECT coalesce(sum(delta), 0) FROM setl_accum d WHERE"
	 " d.psn_no = a.psn_no AND d.year = a.year AND d.bucket = a.bucket)"},
	{"settlement deltas without an accumulator",
	 "SELECT d.psn_no || ' ' || d.year || ' ' || d.bucket, sum(d.delta) FROM setl_accum d"
	 " WHERE NOT EXISTS (SELECT 1 FROM accum a WHERE a.psn_no = d.psn_no AND"
	 " a.year = d.year AND a.bucket = d.bucket) GROUP BY 1 HAVING sum(d.delta) <> 0"},
	{"balance differs from opening + movements",
	 "SELECT a.psn_no, a.balc FROM acct a WHERE a.balc <> a.opening_balc +"
	 " (SELECT coalesce(sum(amount), 0) FROM acct_mov m WHERE m.psn_no = a.psn_no)"},
	{"account movements differ from acct_pay",
	 "SELECT s.setl_id, s.acct_pay FROM setl s WHERE -s.acct_pay <> (SELECT"
	 " coalesce(sum(amount), 0) FROM acct_mov m WHERE m.setl_id = s.setl_id)"},
	{"cancel does not mirror its settlement",
	 "SELECT c.setl_id, c.medfee_sumamt FROM setl c JOIN setl o ON o.setl_id = c.refd_setl_id"
	 " WHERE c.medfee_sumamt <> -o.medfee_sumamt OR c.fund_pay_sumamt <> -o.fund_pay_sumamt"
	 " OR c.acct_pay <> -o.acct_pay OR c.psn_cash_pay <> -o.psn_cash_pay OR o.cancelled <> 1"},
	/* grouped once, not a correlated count per settlement: refd_setl_id
	 * has no index, and a scan per cancelled settlement is quadratic */
	{"cancelled settlement without exactly one cancel",
	 "SELECT o.setl_id, coalesce(n.k, 0) FROM setl o LEFT JOIN (SELECT refd_setl_id AS id,"
	 " count(*) AS k FROM setl WHERE refd_setl_id <> '' GROUP BY refd_setl_id) n"
	 " ON n.id = o.setl_id WHERE o.cancelled = 1 AND coalesce(n.k, 0) <> 1"},
	{"settlement without its idempotency record",
	 "SELECT s.setl_id, 0 FROM setl s WHERE NOT EXISTS (SELECT 1 FROM idem i WHERE"
	 " i.fixmedins_code = s.fixmedins_code AND i.msgid = s.msgid)"},
	{"orphan fee line", "SELECT setl_id, 0 FROM setl_fee f WHERE NOT EXISTS"
	 " (SELECT 1 FROM setl s WHERE s.psn_no = f.psn_no AND s.setl_id = f.setl_id)"},
	{"orphan setldetail", "SELECT setl_id, 0 FROM setl_detail f WHERE NOT EXISTS"
	 " (SELECT 1 FROM setl s WHERE s.psn_no = f.psn_no AND s.setl_id = f.setl_id)"},
	{"orphan accumulator delta", "SELECT setl_id, 0 FROM setl_accum f WHERE NOT EXISTS"
	 " (SELECT 1 FROM setl s WHERE s.psn_no = f.psn_no AND s.setl_id = f.setl_id)"},
	{"orphan account movement", "SELECT setl_id, 0 FROM acct_mov f WHERE NOT EXISTS"
	 " (SELECT 1 FROM setl s WHERE s.psn_no = f.setl_psn_no AND s.setl_id = f.setl_id)"},
	{"negative account balance", "SELECT psn_no, balc FROM acct WHERE balc < 0"},
	/* migration 3: visits and uploaded fee lines */
	{"orphan fee line (no visit)", "SELECT f.mdtrt_id || ' ' || f.feedetl_sn, 0 FROM feedetail f"
	 " WHERE NOT EXISTS (SELECT 1 FROM mdtrt m WHERE m.psn_no = f.psn_no AND m.mdtrt_id = f.mdtrt_id)"},
	{"settled fee line without a standing settlement of its visit",
	 "SELECT f.mdtrt_id || ' ' || f.feedetl_sn || ' ' || f.setl_id, 0 FROM feedetail f"
	 " WHERE f.setl_id <> '' AND NOT EXISTS (SELECT 1 FROM setl s WHERE s.psn_no = f.psn_no"
	 " AND s.setl_id = f.setl_id AND s.mdtrt_id = f.mdtrt_id AND s.refd_setl_id = ''"
	 " AND s.cancelled = 0)"},
	{"settlement's uploaded lines differ from medfee_sumamt",
	 "SELECT s.setl_id, s.medfee_sumamt FROM setl s JOIN (SELECT psn_no, setl_id,"
	 " sum(det_item_fee_sumamt) AS t FROM feedetail WHERE setl_id <> '' GROUP BY psn_no, setl_id) f"
	 " ON f.psn_no = s.psn_no AND f.setl_id = s.setl_id WHERE f.t <> s.medfee_sumamt"},
	{"refund line without its line in the visit",
	 "SELECT f.mdtrt_id || ' ' || f.feedetl_sn, f.det_item_fee_sumamt FROM feedetail f"
	 " WHERE f.init_feedetl_sn <> '' AND NOT EXISTS (SELECT 1 FROM feedetail o"
	 " WHERE o.psn_no = f.psn_no AND o.mdtrt_id = f.mdtrt_id AND o.feedetl_sn = f.init_feedetl_sn"
	 " AND o.init_feedetl_sn = '' AND o.setl_id = f.setl_id)"},
	{"line refunded beyond what it holds",
	 "SELECT o.mdtrt_id || ' ' || o.feedetl_sn, o.det_item_fee_sumamt + sum(f.det_item_fee_sumamt)"
	 " FROM feedetail o JOIN feedetail f ON f.psn_no = o.psn_no AND f.mdtrt_id = o.mdtrt_id"
	 " AND f.init_feedetl_sn = o.feedetl_sn GROUP BY o.psn_no, o.mdtrt_id, o.feedetl_sn"
	 " HAVING o.det_item_fee_sumamt + sum(f.det_item_fee_sumamt) < 0 OR o.cnt + sum(f.cnt) < 0"},
	{"finally settled visit with unsettled fee lines",
	 "SELECT m.mdtrt_id, count(*) FROM mdtrt m JOIN feedetail f ON f.psn_no = m.psn_no"
	 " AND f.mdtrt_id = m.mdtrt_id WHERE m.final_setl_id <> '' AND f.setl_id = '' GROUP BY m.mdtrt_id"},
	{"visit's final settlement is not a standing final settlement of it",
	 "SELECT m.mdtrt_id || ' ' || m.final_setl_id, 0 FROM mdtrt m WHERE m.final_setl_id <> ''"
	 " AND NOT EXISTS (SELECT 1 FROM setl s WHERE s.psn_no = m.psn_no AND s.setl_id = m.final_setl_id"
	 " AND s.mdtrt_id = m.mdtrt_id AND s.refd_setl_id = '' AND s.cancelled = 0 AND s.mid_setl = 0)"},
	{"standing final settlement not recorded on its visit (IP3)",
	 "SELECT s.setl_id, 0 FROM setl s JOIN mdtrt m ON m.psn_no = s.psn_no AND m.mdtrt_id = s.mdtrt_id"
	 " WHERE s.refd_setl_id = '' AND s.cancelled = 0 AND s.mid_setl = 0 AND m.final_setl_id <> s.setl_id"},
	{"visit's deductible differs from its standing settlements'",
	 "SELECT m.mdtrt_id, m.mid_setl_dedc FROM mdtrt m WHERE m.mid_setl_dedc <> (SELECT"
	 " coalesce(sum(act_pay_dedc), 0) FROM setl s WHERE s.psn_no = m.psn_no AND s.mdtrt_id = m.mdtrt_id"
	 " AND s.refd_setl_id = '' AND s.cancelled = 0)"},
	{"cancelled visit with a standing settlement or fee lines",
	 "SELECT m.mdtrt_id, 0 FROM mdtrt m WHERE m.status = 'cancelled' AND (EXISTS (SELECT 1 FROM setl s"
	 " WHERE s.psn_no = m.psn_no AND s.mdtrt_id = m.mdtrt_id AND s.refd_setl_id = '' AND s.cancelled = 0)"
	 " OR EXISTS (SELECT 1 FROM feedetail f WHERE f.psn_no = m.psn_no AND f.mdtrt_id = m.mdtrt_id))"},
	{"settlement of a visit at another institution",
	 "SELECT s.setl_id, 0 FROM setl s JOIN mdtrt m ON m.psn_no = s.psn_no AND m.mdtrt_id = s.mdtrt_id"
	 " WHERE m.fixmedins_code <> s.fixmedins_code"},
	{"overlapping inpatient stays of one person",
	 "SELECT a.psn_no || ' ' || a.mdtrt_id || ' ' || b.mdtrt_id, 0 FROM mdtrt a JOIN mdtrt b"
	 " ON b.psn_no = a.psn_no AND b.mdtrt_id > a.mdtrt_id WHERE a.med_type BETWEEN 21 AND 29"
	 " AND b.med_type BETWEEN 21 AND 29 AND a.status <> 'cancelled' AND b.status <> 'cancelled'"
	 " AND a.begntime <= (CASE b.endtime WHEN 0 THEN 9000000000000 ELSE b.endtime END)"
	 " AND b.begntime <= (CASE a.endtime WHEN 0 THEN 9000000000000 ELSE a.endtime END)"},
	{"reversed or void message without its record's kind",
	 "SELECT fixmedins_code || ' ' || msgid, state FROM idem WHERE state NOT IN (0, 1, 2)"},
};

#define YB_STORE_N_CHECKS (sizeof(yb_store_checks) / sizeof(yb_store_checks[0]))

#endif
