-- bench/screen on DuckDB: S1-DUP, S2-REUSE, S2-SWAP, LIM-GEND-M/F, LIM-LV2 and
-- LIM-QTY-CONSULT with the semantics of src/rules/eval.c (docs/rules.md).
-- {DIR} and {OUT} are filled in by screen.mjs.
SET preserve_insertion_order = false;
CREATE TABLE setl AS SELECT * FROM read_csv('{DIR}/setl.csv', header = true, columns = {
  'setl_id': 'VARCHAR', 'mdtrt_id': 'VARCHAR', 'psn_no': 'VARCHAR', 'gend': 'VARCHAR', 'brdy': 'DATE',
  'insutype': 'INTEGER', 'fixmedins_code': 'VARCHAR', 'med_type': 'INTEGER', 'begntime': 'TIMESTAMP',
  'endtime': 'TIMESTAMP', 'dise_codg': 'VARCHAR', 'medfee_sumamt': 'DECIMAL(16,2)',
  'fund_pay_sumamt': 'DECIMAL(16,2)', 'invono': 'VARCHAR'});
CREATE TABLE fee AS SELECT * FROM read_csv('{DIR}/fee.csv', header = true, columns = {
  'setl_id': 'VARCHAR', 'feedetl_sn': 'INTEGER', 'med_list_codg': 'VARCHAR', 'fee_ocur_time': 'TIMESTAMP',
  'cnt': 'DECIMAL(16,4)', 'pric': 'DECIMAL(18,6)', 'det_item_fee_sumamt': 'DECIMAL(16,2)',
  'drug_trac_codg': 'VARCHAR', 'trdn_flag': 'INTEGER'});
CREATE TABLE stock AS SELECT drug_trac_codg AS code, first(med_list_codg) AS med_list_codg,
  first(pack_qty) AS pack_qty FROM read_csv('{DIR}/trac.csv', header = true, columns = {
  'drug_trac_codg': 'VARCHAR', 'med_list_codg': 'VARCHAR', 'pack_qty': 'DECIMAL(16,4)',
  'fixmedins_code': 'VARCHAR', 'purc_date': 'DATE'}) GROUP BY drug_trac_codg;
CREATE TABLE inst AS SELECT * FROM read_csv('{DIR}/fixmedins.csv', header = true, columns = {
  'fixmedins_code': 'VARCHAR', 'fixmedins_type': 'INTEGER', 'hosp_lv': 'INTEGER'});
CREATE TABLE item_rule (rule_id VARCHAR, codg VARCHAR, gend VARCHAR, min_level INTEGER);
INSERT INTO item_rule VALUES ('LIM-GEND-M', '250310025', '1', NULL), ('LIM-GEND-M', '311000016', '1', NULL),
  ('LIM-GEND-F', '270800004', '2', NULL), ('LIM-GEND-F', '311201014', '2', NULL),
  ('LIM-LV2', '310905016', NULL, 2), ('LIM-LV2', '210103021', NULL, 2);
CREATE TABLE findings (rule_id VARCHAR, setl_id VARCHAR, feedetl_sn VARCHAR);
-- one statement a rule, so that each query's memory is free before the next
-- S1-DUP: an earlier settlement of the person at the same institution, days
-- overlapping, with the same multiset of (item, amount): an order-free
-- digest (sum of 64-bit hashes and the count), as the C screen's
INSERT INTO findings
WITH sig AS (
  SELECT setl_id, sum(hash(med_list_codg, det_item_fee_sumamt)) AS sig, count(*) AS n FROM fee GROUP BY setl_id),
s AS (
  SELECT s.setl_id, psn_no, fixmedins_code, begntime, CAST(begntime AS DATE) AS b,
         CAST(coalesce(endtime, begntime) AS DATE) AS e, sig.sig, sig.n
    FROM setl s JOIN sig USING (setl_id)),
pairs AS (
  SELECT s2.setl_id AS a, s1.setl_id AS o, s1.b AS b1, s1.e AS e1, s2.b AS b2, s2.e AS e2,
         s1.begntime AS t1, s2.begntime AS t2
    FROM s s1 JOIN s s2 USING (psn_no, fixmedins_code, sig, n)
   WHERE s1.setl_id <> s2.setl_id)
SELECT DISTINCT 'S1-DUP', a, NULL FROM pairs
 WHERE b1 <= e2 AND b2 <= e1 AND (t1 < t2 OR (t1 = t2 AND o < a));
-- S2-REUSE: not the code's first line, unless every line so far is a split
-- sale (trdn_flag 1) at this one institution within the pack
INSERT INTO findings
SELECT 'S2-REUSE', x.setl_id, CAST(x.sn AS VARCHAR) FROM (
  SELECT l.*, count(*) OVER w AS rn, sum(CASE WHEN trdn = 1 THEN 0 ELSE 1 END) OVER w AS whole,
         min(fix) OVER w AS minfix, max(fix) OVER w AS maxfix, sum(cnt) OVER w AS cum
    FROM (SELECT f.drug_trac_codg AS code, f.setl_id, f.feedetl_sn AS sn,
                 coalesce(f.fee_ocur_time, s.begntime) AS t, f.cnt, f.trdn_flag AS trdn, s.fixmedins_code AS fix
            FROM fee f JOIN setl s USING (setl_id) WHERE coalesce(f.drug_trac_codg, '') <> '') l
  WINDOW w AS (PARTITION BY code ORDER BY t, setl_id, sn ROWS UNBOUNDED PRECEDING)) x
  LEFT JOIN stock k ON k.code = x.code
 WHERE rn > 1 AND NOT (whole = 0 AND minfix = maxfix AND coalesce(k.pack_qty, 0) > 0 AND cum <= k.pack_qty);
-- S2-SWAP: the code's recorded product is not the billed item
INSERT INTO findings
SELECT 'S2-SWAP', f.setl_id, CAST(f.feedetl_sn AS VARCHAR) FROM fee f JOIN stock k ON k.code = f.drug_trac_codg
 WHERE k.med_list_codg <> f.med_list_codg;
-- LIM-GEND-*, LIM-LV2: the item's gender or institution level
INSERT INTO findings
SELECT r.rule_id, f.setl_id, CAST(f.feedetl_sn AS VARCHAR) FROM fee f JOIN item_rule r ON r.codg = f.med_list_codg
  JOIN setl s USING (setl_id) LEFT JOIN inst i ON i.fixmedins_code = s.fixmedins_code
 WHERE (r.gend IS NOT NULL AND coalesce(s.gend, '') <> '' AND s.gend <> r.gend)
    OR (r.min_level IS NOT NULL AND coalesce(i.hosp_lv, 0) < r.min_level);
-- LIM-QTY-CONSULT: more than 1 consultation fee in a day (running count in
-- settlement order)
INSERT INTO findings
SELECT 'LIM-QTY-CONSULT', setl_id, CAST(sn AS VARCHAR) FROM (
  SELECT f.setl_id, f.feedetl_sn AS sn, f.cnt, sum(f.cnt) OVER (
           PARTITION BY s.psn_no, CAST(coalesce(f.fee_ocur_time, s.begntime) AS DATE)
           ORDER BY s.begntime, s.setl_id, f.feedetl_sn ROWS UNBOUNDED PRECEDING) AS cum
    FROM fee f JOIN setl s USING (setl_id) WHERE f.med_list_codg = '110200001') q
 WHERE cnt > 0 AND cum > 1;
COPY findings TO '{OUT}' (FORMAT csv, HEADER false);
