/* Internal: the PostgreSQL schema, one migration per version, recorded in
 * yb_meta (key 'schema_version'). Migrations N+1.. run at open, in one
 * transaction under an advisory lock (two processes opening a new database
 * at once do not both migrate). Never edit a released migration: add the
 * next one.
 *
 * The same tables and columns as schema_sqlite.h, with PostgreSQL types:
 * money bigint fen, ratios integer basis points, times bigint seconds (local
 * time, as in SQLite), dates ISO text ('' none, '9999-12-31' open-ended), so
 * that a store copies row for row from one backend to the other.
 *
 * Ready to shard by person (docs/scale-out.md): every person-scoped table
 * carries psn_no first in its primary key (mulaid: the bound person,
 * bound_psn_no); fixmedins and catalogue are reference tables. The few
 * constraints a sharded cluster cannot keep (a unique setl_id across
 * persons, foreign keys to another person's rows) are named so that
 * docs/scale-out.md can drop them by name. */
#ifndef YB_SCHEMA_PG_H
#define YB_SCHEMA_PG_H

static const char *const yb_pg_migrations[] = {
	/* 1: the ledger of issue 3 */
	"CREATE TABLE fixmedins("
	"  fixmedins_code text PRIMARY KEY, fixmedins_name text NOT NULL,"
	"  fixmedins_type integer NOT NULL, hosp_lv integer NOT NULL,"
	"  prim_flag integer NOT NULL, admdvs text NOT NULL,"
	"  secret text NOT NULL DEFAULT '');"
	"CREATE TABLE psn("
	"  psn_no text PRIMARY KEY, certno text NOT NULL, psn_name text NOT NULL,"
	"  gend text NOT NULL, brdy text, insu_admdvs text NOT NULL);"
	"CREATE INDEX psn_certno ON psn(certno);"
	"CREATE TABLE psn_insu("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), insutype integer NOT NULL,"
	"  psn_type text NOT NULL, begndate text NOT NULL, enddate text NOT NULL,"
	"  psn_insu_stas integer NOT NULL DEFAULT 1,"
	"  PRIMARY KEY(psn_no, insutype, begndate));"
	"CREATE TABLE acct("
	"  psn_no text PRIMARY KEY REFERENCES psn(psn_no),"
	"  opening_balc bigint NOT NULL, balc bigint NOT NULL CHECK(balc >= 0));"
	"CREATE TABLE mulaid("
	"  bound_psn_no text NOT NULL REFERENCES psn(psn_no),"
	"  initiator_psn_no text NOT NULL CONSTRAINT mulaid_initiator_fkey REFERENCES psn(psn_no),"
	"  bind_time bigint NOT NULL,"
	"  PRIMARY KEY(bound_psn_no, initiator_psn_no));"
	"CREATE INDEX mulaid_initiator ON mulaid(initiator_psn_no);"
	"CREATE TABLE accum("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), year integer NOT NULL,"
	"  bucket text NOT NULL, amount bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, year, bucket));"
	/* setl_id = 'S' || 15 digits of this sequence; a connection takes 64
	 * numbers at a time (store_pg.c), so ids are unique, not dense */
	"CREATE SEQUENCE setl_seq;"
	"CREATE TABLE setl("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), setl_id text NOT NULL,"
	"  seq bigint NOT NULL, mdtrt_id text NOT NULL,"
	"  fixmedins_code text NOT NULL REFERENCES fixmedins(fixmedins_code),"
	"  msgid text NOT NULL, refd_setl_id text NOT NULL DEFAULT '',"
	"  cancelled integer NOT NULL DEFAULT 0, insutype integer NOT NULL,"
	"  med_type integer NOT NULL, setl_time bigint NOT NULL, year integer NOT NULL,"
	"  pol_ver text NOT NULL, pool_prop integer NOT NULL,"
	"  medfee_sumamt bigint NOT NULL, fulamt_ownpay_amt bigint NOT NULL,"
	"  overlmt_selfpay bigint NOT NULL, preselfpay_amt bigint NOT NULL,"
	"  inscp_scp_amt bigint NOT NULL, act_pay_dedc bigint NOT NULL,"
	"  hifp_pay bigint NOT NULL, cvlserv_pay bigint NOT NULL,"
	"  hifes_pay bigint NOT NULL, hifmi_pay bigint NOT NULL,"
	"  hifob_pay bigint NOT NULL, maf_pay bigint NOT NULL, oth_pay bigint NOT NULL,"
	"  fund_pay_sumamt bigint NOT NULL, psn_part_amt bigint NOT NULL,"
	"  acct_pay bigint NOT NULL, psn_cash_pay bigint NOT NULL,"
	"  hosp_part_amt bigint NOT NULL, acct_mulaid_pay bigint NOT NULL,"
	"  balc bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id));"
	"CREATE UNIQUE INDEX setl_by_id ON setl(setl_id);"
	"CREATE INDEX setl_by_fixmedins ON setl(fixmedins_code, setl_time);"
	"CREATE INDEX setl_by_refd ON setl(refd_setl_id) WHERE refd_setl_id <> '';"
	"CREATE TABLE setl_fee("
	"  psn_no text NOT NULL, setl_id text NOT NULL, feedetl_sn text NOT NULL,"
	"  med_list_codg text NOT NULL, det_item_fee_sumamt bigint NOT NULL,"
	"  cnt bigint NOT NULL, pric bigint NOT NULL, chrgitm_lv integer NOT NULL,"
	"  selfpay_prop integer NOT NULL, pric_uplmt_amt bigint NOT NULL,"
	"  fulamt_ownpay_amt bigint NOT NULL, overlmt_amt bigint NOT NULL,"
	"  preselfpay_amt bigint NOT NULL, inscp_scp_amt bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, feedetl_sn),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id));"
	"CREATE TABLE setl_detail("
	"  psn_no text NOT NULL, setl_id text NOT NULL, fund_pay_type text NOT NULL,"
	"  inscp_scp_amt bigint NOT NULL, crt_payb_lmt_amt bigint NOT NULL,"
	"  fund_payamt bigint NOT NULL, setl_proc_info text NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, fund_pay_type),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id));"
	"CREATE TABLE setl_accum("
	"  psn_no text NOT NULL, setl_id text NOT NULL, year integer NOT NULL,"
	"  bucket text NOT NULL, delta bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, bucket),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id));"
	/* an account movement belongs to the account's owner (psn_no); the
	 * settlement may be another person's (family mutual aid, A2) */
	"CREATE TABLE acct_mov("
	"  psn_no text NOT NULL REFERENCES acct(psn_no), setl_id text NOT NULL,"
	"  setl_psn_no text NOT NULL, amount bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id),"
	"  CONSTRAINT acct_mov_setl_fkey FOREIGN KEY(setl_psn_no, setl_id)"
	"    REFERENCES setl(psn_no, setl_id));"
	"CREATE INDEX acct_mov_by_setl ON acct_mov(setl_id);"
	/* the answer of (fixmedins_code, msgid), kept for retries; looked up
	 * with the person a request names, so it lives on that person's shard */
	"CREATE TABLE idem("
	"  fixmedins_code text NOT NULL, msgid text NOT NULL, psn_no text NOT NULL,"
	"  infno text NOT NULL, response text NOT NULL,"
	"  PRIMARY KEY(psn_no, fixmedins_code, msgid));"
	"CREATE UNIQUE INDEX idem_by_msgid ON idem(fixmedins_code, msgid);"
	"CREATE TABLE catalogue("
	"  med_list_codg text NOT NULL, begndate text NOT NULL, enddate text NOT NULL,"
	"  med_list_name text NOT NULL, chrgitm_lv integer NOT NULL,"
	"  selfpay_prop integer NOT NULL, pric_uplmt_amt bigint NOT NULL,"
	"  flags integer NOT NULL, PRIMARY KEY(med_list_codg, begndate));",

	/* 2: a catalogue per region, as SQLite's migration 2 (就医地目录: a
	 * visit elsewhere uses the list of the place of care); '' is a list
	 * valid everywhere */
	"CREATE TABLE catalogue2("
	"  admdvs text NOT NULL, med_list_codg text NOT NULL, begndate text NOT NULL,"
	"  enddate text NOT NULL, med_list_name text NOT NULL, chrgitm_lv integer NOT NULL,"
	"  selfpay_prop integer NOT NULL, pric_uplmt_amt bigint NOT NULL,"
	"  flags integer NOT NULL, CONSTRAINT catalogue_pk PRIMARY KEY(admdvs, med_list_codg, begndate));"
	"INSERT INTO catalogue2 SELECT '', med_list_codg, begndate, enddate, med_list_name,"
	"  chrgitm_lv, selfpay_prop, pric_uplmt_amt, flags FROM catalogue;"
	"DROP TABLE catalogue;"
	"ALTER TABLE catalogue2 RENAME TO catalogue;",

	/* 3: visits, uploaded fee lines and registrations (issues 4 and 6), as
	 * SQLite's migration 3; settlements know whether they are a mid-stay
	 * part; the idempotency record keeps what the message asked (req), what
	 * it made (ref) and whether a reversal (2601) undid or voided it. Its
	 * answer is compressed with lz4 where the server has it (cheaper than
	 * pglz for the server, which compresses every answer over 2 kB). */
	"CREATE TABLE psn_reg("
	"  psn_no text NOT NULL REFERENCES psn(psn_no),"
	"  kind text NOT NULL CHECK(kind IN ('idet', 'remote')), type text NOT NULL,"
	"  admdvs text NOT NULL DEFAULT '', begndate text NOT NULL, enddate text NOT NULL,"
	"  PRIMARY KEY(psn_no, kind, type, admdvs, begndate));"
	/* mdtrt_id = 'M' || 15 digits, taken like setl_seq */
	"CREATE SEQUENCE mdtrt_seq;"
	"CREATE TABLE mdtrt("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), mdtrt_id text NOT NULL,"
	"  seq bigint NOT NULL,"
	"  fixmedins_code text NOT NULL REFERENCES fixmedins(fixmedins_code),"
	"  msgid text NOT NULL, insutype integer NOT NULL, med_type integer NOT NULL,"
	"  begntime bigint NOT NULL, endtime bigint NOT NULL DEFAULT 0,"
	"  dise_codg text NOT NULL DEFAULT '', dise_name text NOT NULL DEFAULT '',"
	"  diagnoses text NOT NULL DEFAULT '[]', ipt_otp_no text NOT NULL DEFAULT '',"
	"  dscg_way integer NOT NULL DEFAULT 0,"
	"  status text NOT NULL CHECK(status IN ('registered', 'admitted', 'discharged', 'cancelled')),"
	"  mid_setl_dedc bigint NOT NULL DEFAULT 0, final_setl_id text NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, mdtrt_id));"
	"CREATE UNIQUE INDEX mdtrt_by_id ON mdtrt(mdtrt_id);"
	"CREATE INDEX mdtrt_by_fixmedins ON mdtrt(fixmedins_code, begntime);"
	"CREATE TABLE feedetail("
	"  psn_no text NOT NULL, mdtrt_id text NOT NULL, feedetl_sn text NOT NULL,"
	"  msgid text NOT NULL, chrg_bchno text NOT NULL, med_list_codg text NOT NULL,"
	"  medins_list_codg text NOT NULL, det_item_fee_sumamt bigint NOT NULL,"
	"  cnt bigint NOT NULL, pric bigint NOT NULL, fee_ocur_time bigint NOT NULL,"
	"  init_feedetl_sn text NOT NULL DEFAULT '', rxno text NOT NULL DEFAULT '',"
	"  drug_trac_codg text NOT NULL DEFAULT '', trdn_flag integer NOT NULL DEFAULT 0,"
	"  known integer NOT NULL, chrgitm_lv integer NOT NULL, selfpay_prop integer NOT NULL,"
	"  pric_uplmt_amt bigint NOT NULL, flags bigint NOT NULL,"
	"  fulamt_ownpay_amt bigint NOT NULL, overlmt_amt bigint NOT NULL,"
	"  preselfpay_amt bigint NOT NULL, inscp_scp_amt bigint NOT NULL,"
	"  memo text NOT NULL DEFAULT '', setl_id text NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, mdtrt_id, feedetl_sn),"
	"  FOREIGN KEY(psn_no, mdtrt_id) REFERENCES mdtrt(psn_no, mdtrt_id));"
	"CREATE INDEX feedetail_by_setl ON feedetail(psn_no, setl_id) WHERE setl_id <> '';"
	"ALTER TABLE setl ADD COLUMN mid_setl integer NOT NULL DEFAULT 0;"
	"CREATE INDEX setl_by_mdtrt ON setl(psn_no, mdtrt_id);"
	"ALTER TABLE idem ADD COLUMN state integer NOT NULL DEFAULT 0;"
	"ALTER TABLE idem ADD COLUMN req text NOT NULL DEFAULT '';"
	"ALTER TABLE idem ADD COLUMN ref text NOT NULL DEFAULT '';"
	"DO $$ BEGIN EXECUTE 'ALTER TABLE idem ALTER COLUMN response SET COMPRESSION lz4';"
	"  EXCEPTION WHEN OTHERS THEN NULL; END $$;",

	/* 4: the bureau's own records (issue 8), as SQLite's migration 4. Two
	 * constraints a cluster sharded by person cannot keep are named for
	 * docs/scale-out.md: psn_certno_key and contrib_pay_id (each then
	 * needs a lookup table of its own). The audit log, staff and their
	 * sessions are reference tables. */
	"ALTER TABLE psn ADD COLUMN hukou_admdvs text NOT NULL DEFAULT '',"
	"  ADD COLUMN residence_permit integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN insured_at_origin integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN migrant_worker integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN student integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN guardian_local integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN groups text NOT NULL DEFAULT '',"
	"  ADD COLUMN deemed_months integer NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX psn_certno_key ON psn(certno);"
	"ALTER TABLE psn_insu ADD COLUMN pay_id text NOT NULL DEFAULT '';"
	"CREATE TABLE resident_enrol("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), year integer NOT NULL,"
	"  renewal integer NOT NULL, ground text NOT NULL,"
	"  status text NOT NULL CHECK(status IN ('registered', 'covered', 'lapsed')),"
	"  reg_time bigint NOT NULL, staff_id text NOT NULL,"
	"  PRIMARY KEY(psn_no, year));"
	"CREATE TABLE pay_batch("
	"  batch_id text PRIMARY KEY, file text NOT NULL, sha256 text NOT NULL,"
	"  import_time bigint NOT NULL, staff_id text NOT NULL, lines integer NOT NULL,"
	"  recorded integer NOT NULL, report text NOT NULL);"
	"CREATE INDEX pay_batch_sha ON pay_batch(sha256);"
	"CREATE TABLE contrib_pay("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), pay_id text NOT NULL,"
	"  certno text NOT NULL, psn_name text NOT NULL, year integer NOT NULL,"
	"  amount bigint NOT NULL, paid_time bigint NOT NULL, channel text NOT NULL,"
	"  verdict text NOT NULL, due bigint NOT NULL, enrol_year integer NOT NULL,"
	"  begndate text NOT NULL DEFAULT '', enddate text NOT NULL DEFAULT '',"
	"  batch_id text NOT NULL REFERENCES pay_batch(batch_id), line integer NOT NULL,"
	"  PRIMARY KEY(psn_no, pay_id));"
	"CREATE UNIQUE INDEX contrib_pay_id ON contrib_pay(pay_id);"
	"CREATE TABLE contrib_month("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), month text NOT NULL,"
	"  status text NOT NULL CHECK(status IN ('paid', 'due', 'arrears', 'late_paid', 'stopped')),"
	"  paid_date text NOT NULL DEFAULT '', upd_time bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, month));"
	"CREATE TABLE retire_appl("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), apply_month text NOT NULL,"
	"  eligible integer NOT NULL, missing_months integer NOT NULL,"
	"  topup_amount bigint NOT NULL, retired_from text NOT NULL DEFAULT '',"
	"  appl_time bigint NOT NULL, staff_id text NOT NULL,"
	"  PRIMARY KEY(psn_no, apply_month));"
	"ALTER TABLE psn_reg ADD COLUMN reg_id text NOT NULL DEFAULT '',"
	"  ADD COLUMN channel text NOT NULL DEFAULT '',"
	"  ADD COLUMN applied bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN done bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN cancelled bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN staff_id text NOT NULL DEFAULT '';"
	"CREATE TABLE chronic_appl("
	"  psn_no text NOT NULL REFERENCES psn(psn_no), appl_id text NOT NULL,"
	"  dise_codg text NOT NULL, applied text NOT NULL, channel text NOT NULL,"
	"  result text NOT NULL CHECK(result IN ('pending', 'confirmed', 'refused')),"
	"  decided text NOT NULL DEFAULT '', experts text NOT NULL DEFAULT '',"
	"  appl_time bigint NOT NULL, staff_id text NOT NULL, decided_by text NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, appl_id));"
	"CREATE UNIQUE INDEX chronic_appl_id ON chronic_appl(appl_id);"
	"CREATE INDEX psn_reg_id ON psn_reg(reg_id) WHERE reg_id <> '';"
	"CREATE INDEX resident_enrol_year ON resident_enrol(year, status);"
	"ALTER TABLE mulaid ADD COLUMN unbind_time bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN relation text NOT NULL DEFAULT '',"
	"  ADD COLUMN staff_id text NOT NULL DEFAULT '';"
	"ALTER TABLE mulaid DROP CONSTRAINT mulaid_pkey;"
	"ALTER TABLE mulaid ADD CONSTRAINT mulaid_pkey PRIMARY KEY(bound_psn_no, initiator_psn_no, bind_time);"
	"CREATE UNIQUE INDEX mulaid_active ON mulaid(bound_psn_no, initiator_psn_no)"
	"  WHERE unbind_time = 0;"
	"CREATE TABLE staff("
	"  staff_id text PRIMARY KEY,"
	"  role text NOT NULL CHECK(role IN ('clerk', 'auditor', 'administrator')),"
	"  pw_hash text NOT NULL, disabled integer NOT NULL DEFAULT 0,"
	"  created bigint NOT NULL, created_by text NOT NULL);"
	"CREATE TABLE staff_session("
	"  token_hash text PRIMARY KEY, staff_id text NOT NULL REFERENCES staff(staff_id),"
	"  created bigint NOT NULL, expires bigint NOT NULL, last_used bigint NOT NULL,"
	"  ended bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX staff_session_staff ON staff_session(staff_id);"
	"CREATE TABLE audit_log("
	"  seq bigint PRIMARY KEY, rec_time bigint NOT NULL, staff_id text NOT NULL,"
	"  action text NOT NULL, object text NOT NULL, before_json text NOT NULL,"
	"  after_json text NOT NULL, request_id text NOT NULL, prev_hash text NOT NULL,"
	"  hash text NOT NULL);"
	"CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	"  $f$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $f$;"
	"CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
	"  FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only();"
	"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
	"  FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_append_only();"
	"CREATE TABLE audit_head("
	"  id integer PRIMARY KEY CHECK(id = 1), seq bigint NOT NULL, hash text NOT NULL);"
	"INSERT INTO audit_head VALUES(1, 0, '');"
	"CREATE TABLE yb_counter(name text PRIMARY KEY, value bigint NOT NULL);",

	/* 5: supervision, as SQLite's migration 5 (issue 7, docs/rules.md "What phase B wires"): a
	 * settlement's days of care, time and diagnosis (for the batch screen of
	 * the store) and the fingerprint of its lines (S1); the
	 * settled lines of the items quantity and exclusive rules count
	 * (setl_item); each settled coded drug line (setl_trac: S2 reuse and
	 * split packs, kept by code); code -> product and pack size from stock
	 * and purchases (trac_code, 3501-3503); the findings recorded with a
	 * settlement (setl_finding). A cancel deletes its setl_item and
	 * setl_trac rows; its findings stay. */
	"ALTER TABLE setl ADD COLUMN begn_date integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN end_date integer NOT NULL DEFAULT 0,"
	"  ADD COLUMN fingerprint bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN begntime bigint NOT NULL DEFAULT 0,"
	"  ADD COLUMN dise_codg text NOT NULL DEFAULT '';"
	"CREATE INDEX setl_by_care ON setl(psn_no, begn_date);"
	"CREATE TABLE setl_item("
	"  psn_no text NOT NULL, setl_id text NOT NULL, feedetl_sn text NOT NULL,"
	"  med_list_codg text NOT NULL, fee_date integer NOT NULL, cnt bigint NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, feedetl_sn));"
	"CREATE INDEX setl_item_by_item ON setl_item(psn_no, med_list_codg, fee_date);"
	"CREATE TABLE setl_trac("
	"  drug_trac_codg text NOT NULL, setl_id text NOT NULL, feedetl_sn text NOT NULL,"
	"  psn_no text NOT NULL, fixmedins_code text NOT NULL, med_list_codg text NOT NULL,"
	"  fee_date integer NOT NULL, cnt bigint NOT NULL, trdn_flag integer NOT NULL,"
	"  PRIMARY KEY(drug_trac_codg, setl_id, feedetl_sn));"
	"CREATE INDEX setl_trac_by_setl ON setl_trac(setl_id);"
	"CREATE TABLE trac_code("
	"  drug_trac_codg text PRIMARY KEY, med_list_codg text NOT NULL,"
	"  pack_qty bigint NOT NULL, fixmedins_code text NOT NULL,"
	"  purc_date integer NOT NULL, infno text NOT NULL, rec_time bigint NOT NULL);"
	"CREATE TABLE setl_finding("
	"  psn_no text NOT NULL, setl_id text NOT NULL, seq integer NOT NULL,"
	"  rule_id text NOT NULL, feedetl_sn text NOT NULL, other_setl_id text NOT NULL,"
	"  vola_amt bigint NOT NULL, fund_amt bigint NOT NULL, sev_deg integer NOT NULL,"
	"  action integer NOT NULL, vola_cont text NOT NULL, vola_evid text NOT NULL,"
	"  fixmedins_code text NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, seq));"
	"CREATE INDEX setl_finding_by_setl ON setl_finding(setl_id);",

	/* 6: one idempotency mechanism (schema_sqlite.h says why) */
	"ALTER TABLE idem ADD COLUMN fmt integer NOT NULL DEFAULT 0;"
	"ALTER TABLE idem ADD COLUMN stamp text NOT NULL DEFAULT '';"
	"UPDATE idem SET req = 'settle|' || psn_no || '|*' WHERE req = '' AND infno = '2207';"
	"UPDATE idem SET req = 'cancel|' || coalesce(substring(response from '\"refd_setl_id\":\"([^\"]*)\"'), '')"
	"  WHERE req = '';",

	/* 7: the login lock-out in the store, as SQLite's migration 7 (schema_sqlite.h
	 * says why). Not person-scoped, as staff and staff_session. */
	"CREATE TABLE login_guard("
	"  kind text NOT NULL CHECK(kind IN ('staff', 'addr')), subject text NOT NULL,"
	"  failures integer NOT NULL CHECK(failures >= 0), since bigint NOT NULL,"
	"  locked_until bigint NOT NULL, expires bigint NOT NULL,"
	"  PRIMARY KEY(kind, subject));"
	"CREATE INDEX login_guard_expires ON login_guard(expires);",
};

#define YB_PG_VERSION (int)(sizeof(yb_pg_migrations) / sizeof(yb_pg_migrations[0]))

#endif
