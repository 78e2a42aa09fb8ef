-- bench/screen on SQLite (the sqlite3 shell): the same six rules as
-- screen-duckdb/screen.sql, over the same file set. {DIR} and {OUT} are
-- filled in by the caller (bench/screen.c, tests/rules/sql_test.sh).
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -1048576;
CREATE TABLE setl (setl_id TEXT, mdtrt_id TEXT, psn_no TEXT, gend TEXT, brdy TEXT, insutype INTEGER,
  fixmedins_code TEXT, med_type INTEGER, begntime TEXT, endtime TEXT, dise_codg TEXT,
  medfee_sumamt NUMERIC, fund_pay_sumamt NUMERIC, invono TEXT);
CREATE TABLE fee (setl_id TEXT, feedetl_sn INTEGER, med_list_codg TEXT, fee_ocur_time TEXT, cnt NUMERIC,
  pric NUMERIC, det_item_fee_sumamt NUMERIC, drug_trac_codg TEXT, trdn_flag INTEGER);
CREATE TABLE trac (drug_trac_codg TEXT, med_list_codg TEXT, pack_qty NUMERIC, fixmedins_code TEXT, purc_date TEXT);
CREATE TABLE inst (fixmedins_code TEXT, fixmedins_type INTEGER, hosp_lv INTEGER);
.mode csv
.import --skip 1 {DIR}/setl.csv setl
.import --skip 1 {DIR}/fee.csv fee
.import --skip 1 {DIR}/trac.csv trac
.import --skip 1 {DIR}/fixmedins.csv inst
CREATE INDEX setl_id ON setl (setl_id);
CREATE INDEX setl_psn ON setl (psn_no, fixmedins_code, medfee_sumamt);
CREATE TABLE stock AS SELECT drug_trac_codg AS code, med_list_codg, pack_qty FROM trac
  WHERE rowid IN (SELECT min(rowid) FROM trac GROUP BY drug_trac_codg);
CREATE INDEX stock_code ON stock (code);
CREATE TABLE item_rule (rule_id TEXT, codg TEXT, gend TEXT, min_level INTEGER);
INSERT INTO item_rule VALUES ('LIM-GEND-M', '250310025', '1', NULL), ('LIM-GEND-M', '311000016', '1', NULL),
  ('LIM-GEND-F', '270800004', '2', NULL), ('LIM-GEND-F', '311201014', '2', NULL),
  ('LIM-LV2', '310905016', NULL, 2), ('LIM-LV2', '210103021', NULL, 2);
CREATE TABLE g AS SELECT setl_id, med_list_codg, det_item_fee_sumamt AS amt, count(*) AS n FROM fee GROUP BY 1, 2, 3;
CREATE INDEX g_setl ON g (setl_id, med_list_codg, amt);
CREATE TABLE gc AS SELECT setl_id, count(*) AS ng FROM g GROUP BY 1;
CREATE INDEX gc_setl ON gc (setl_id);
.headers off
.output {OUT}
-- S1-DUP: the same multiset of (item, amount), compared exactly (SQLite has
-- no hash function to digest it)
WITH s AS (
  SELECT setl_id, psn_no, fixmedins_code, begntime, medfee_sumamt, substr(begntime, 1, 10) AS b,
         substr(coalesce(nullif(endtime, ''), begntime), 1, 10) AS e FROM setl),
cand AS (
  SELECT s2.setl_id AS a, s1.setl_id AS o FROM s s1 JOIN s s2
    ON s1.psn_no = s2.psn_no AND s1.fixmedins_code = s2.fixmedins_code
   AND s1.medfee_sumamt = s2.medfee_sumamt AND s1.b <= s2.e AND s2.b <= s1.e
   AND (s1.begntime < s2.begntime OR (s1.begntime = s2.begntime AND s1.setl_id < s2.setl_id))),
m AS (
  SELECT c.a, c.o, count(*) AS k FROM cand c JOIN g ga ON ga.setl_id = c.a
    JOIN g gb ON gb.setl_id = c.o AND gb.med_list_codg = ga.med_list_codg AND gb.amt = ga.amt AND gb.n = ga.n
   GROUP BY 1, 2)
SELECT DISTINCT 'S1-DUP', m.a, NULL FROM m JOIN gc ca ON ca.setl_id = m.a JOIN gc cb ON cb.setl_id = m.o
 WHERE m.k = ca.ng AND ca.ng = cb.ng;
-- S2-REUSE: not the code's first line, unless every line so far is a split
-- sale at this one institution within the pack
SELECT 'S2-REUSE', x.setl_id, x.sn FROM (
  SELECT l.*, count(*) OVER w AS rn, sum(CASE WHEN trdn = 1 THEN 0 ELSE 1 END) OVER w AS whole,
         min(fix) OVER w AS minfix, max(fix) OVER w AS maxfix, sum(cnt) OVER w AS cum
    FROM (SELECT f.drug_trac_codg AS code, f.setl_id, f.feedetl_sn AS sn,
                 coalesce(nullif(f.fee_ocur_time, ''), s.begntime) AS t, f.cnt, f.trdn_flag AS trdn,
                 s.fixmedins_code AS fix
            FROM fee f JOIN setl s ON s.setl_id = f.setl_id WHERE f.drug_trac_codg <> '') l
  WINDOW w AS (PARTITION BY code ORDER BY t, setl_id, sn ROWS UNBOUNDED PRECEDING)) x
  LEFT JOIN stock k ON k.code = x.code
 WHERE rn > 1 AND NOT (whole = 0 AND minfix = maxfix AND coalesce(k.pack_qty, 0) > 0 AND cum <= k.pack_qty);
-- S2-SWAP
SELECT 'S2-SWAP', f.setl_id, f.feedetl_sn FROM fee f JOIN stock k ON k.code = f.drug_trac_codg
 WHERE f.drug_trac_codg <> '' AND k.med_list_codg <> f.med_list_codg;
-- LIM-GEND-*, LIM-LV2
SELECT r.rule_id, f.setl_id, f.feedetl_sn FROM fee f JOIN item_rule r ON r.codg = f.med_list_codg
  JOIN setl s ON s.setl_id = f.setl_id LEFT JOIN inst i ON i.fixmedins_code = s.fixmedins_code
 WHERE (r.gend IS NOT NULL AND s.gend <> '' AND s.gend <> r.gend)
    OR (r.min_level IS NOT NULL AND coalesce(i.hosp_lv, 0) < r.min_level);
-- LIM-QTY-CONSULT
SELECT 'LIM-QTY-CONSULT', setl_id, sn FROM (
  SELECT f.setl_id, f.feedetl_sn AS sn, f.cnt, sum(f.cnt) OVER (
           PARTITION BY s.psn_no, substr(coalesce(nullif(f.fee_ocur_time, ''), s.begntime), 1, 10)
           ORDER BY s.begntime, s.setl_id, f.feedetl_sn ROWS UNBOUNDED PRECEDING) AS cum
    FROM fee f JOIN setl s ON s.setl_id = f.setl_id WHERE f.med_list_codg = '110200001') q
 WHERE cnt > 0 AND cum > 1;
.output stdout
