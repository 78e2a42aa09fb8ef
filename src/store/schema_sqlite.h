/* Internal: the SQLite schema, one migration per version. A file at
 * PRAGMA user_version N gets migrations N+1.. applied in order at open, so
 * a newer binary opens an older file. Never edit a released migration: add
 * the next one. Person-scoped tables lead with psn_no (ready to shard). */
#ifndef YB_SCHEMA_SQLITE_H
#define YB_SCHEMA_SQLITE_H

static const char *const yb_sqlite_migrations[] = {
	/* 1: the ledger of issue 3 */
	"CREATE TABLE fixmedins("
	"  fixmedins_code TEXT PRIMARY KEY, fixmedins_name TEXT NOT NULL,"
	"  fixmedins_type INTEGER NOT NULL, hosp_lv INTEGER NOT NULL,"
	"  prim_flag INTEGER NOT NULL, admdvs TEXT NOT NULL,"
	"  secret TEXT NOT NULL DEFAULT '') STRICT;"
	"CREATE TABLE psn("
	"  psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL, psn_name TEXT NOT NULL,"
	"  gend TEXT NOT NULL, brdy TEXT, insu_admdvs TEXT NOT NULL) STRICT;"
	"CREATE INDEX psn_certno ON psn(certno);"
	"CREATE TABLE psn_insu("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), insutype INTEGER NOT NULL,"
	"  psn_type TEXT NOT NULL, begndate TEXT NOT NULL, enddate TEXT NOT NULL,"
	"  psn_insu_stas INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY(psn_no, insutype, begndate)) STRICT;"
	"CREATE TABLE acct("
	"  psn_no TEXT PRIMARY KEY REFERENCES psn(psn_no),"
	"  opening_balc INTEGER NOT NULL, balc INTEGER NOT NULL CHECK(balc >= 0)) STRICT;"
	"CREATE TABLE mulaid("
	"  bound_psn_no TEXT NOT NULL REFERENCES psn(psn_no),"
	"  initiator_psn_no TEXT NOT NULL REFERENCES psn(psn_no),"
	"  bind_time INTEGER NOT NULL,"
	"  PRIMARY KEY(bound_psn_no, initiator_psn_no)) STRICT;"
	"CREATE INDEX mulaid_initiator ON mulaid(initiator_psn_no);"
	"CREATE TABLE accum("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), year INTEGER NOT NULL,"
	"  bucket TEXT NOT NULL, amount INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, year, bucket)) STRICT;"
	"CREATE TABLE setl("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), setl_id TEXT NOT NULL,"
	"  seq INTEGER NOT NULL, mdtrt_id TEXT NOT NULL,"
	"  fixmedins_code TEXT NOT NULL REFERENCES fixmedins(fixmedins_code),"
	"  msgid TEXT NOT NULL, refd_setl_id TEXT NOT NULL DEFAULT '',"
	"  cancelled INTEGER NOT NULL DEFAULT 0, insutype INTEGER NOT NULL,"
	"  med_type INTEGER NOT NULL, setl_time INTEGER NOT NULL, year INTEGER NOT NULL,"
	"  pol_ver TEXT NOT NULL, pool_prop INTEGER NOT NULL,"
	"  medfee_sumamt INTEGER NOT NULL, fulamt_ownpay_amt INTEGER NOT NULL,"
	"  overlmt_selfpay INTEGER NOT NULL, preselfpay_amt INTEGER NOT NULL,"
	"  inscp_scp_amt INTEGER NOT NULL, act_pay_dedc INTEGER NOT NULL,"
	"  hifp_pay INTEGER NOT NULL, cvlserv_pay INTEGER NOT NULL,"
	"  hifes_pay INTEGER NOT NULL, hifmi_pay INTEGER NOT NULL,"
	"  hifob_pay INTEGER NOT NULL, maf_pay INTEGER NOT NULL, oth_pay INTEGER NOT NULL,"
	"  fund_pay_sumamt INTEGER NOT NULL, psn_part_amt INTEGER NOT NULL,"
	"  acct_pay INTEGER NOT NULL, psn_cash_pay INTEGER NOT NULL,"
	"  hosp_part_amt INTEGER NOT NULL, acct_mulaid_pay INTEGER NOT NULL,"
	"  balc INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id)) STRICT;"
	"CREATE UNIQUE INDEX setl_by_id ON setl(setl_id);"
	"CREATE INDEX setl_by_fixmedins ON setl(fixmedins_code, setl_time);"
	"CREATE TABLE setl_fee("
	"  psn_no TEXT NOT NULL, setl_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL,"
	"  med_list_codg TEXT NOT NULL, det_item_fee_sumamt INTEGER NOT NULL,"
	"  cnt INTEGER NOT NULL, pric INTEGER NOT NULL, chrgitm_lv INTEGER NOT NULL,"
	"  selfpay_prop INTEGER NOT NULL, pric_uplmt_amt INTEGER NOT NULL,"
	"  fulamt_ownpay_amt INTEGER NOT NULL, overlmt_amt INTEGER NOT NULL,"
	"  preselfpay_amt INTEGER NOT NULL, inscp_scp_amt INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, feedetl_sn),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id)) STRICT;"
	"CREATE TABLE setl_detail("
	"  psn_no TEXT NOT NULL, setl_id TEXT NOT NULL, fund_pay_type TEXT NOT NULL,"
	"  inscp_scp_amt INTEGER NOT NULL, crt_payb_lmt_amt INTEGER NOT NULL,"
	"  fund_payamt INTEGER NOT NULL, setl_proc_info TEXT NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, fund_pay_type),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id)) STRICT;"
	"CREATE TABLE setl_accum("
	"  psn_no TEXT NOT NULL, setl_id TEXT NOT NULL, year INTEGER NOT NULL,"
	"  bucket TEXT NOT NULL, delta INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, bucket),"
	"  FOREIGN KEY(psn_no, setl_id) REFERENCES setl(psn_no, setl_id)) STRICT;"
	/* an account movement belongs to the account's owner (psn_no); the
	 * settlement may be another person's (family mutual aid, A2) */
	"CREATE TABLE acct_mov("
	"  psn_no TEXT NOT NULL REFERENCES acct(psn_no), setl_id TEXT NOT NULL,"
	"  setl_psn_no TEXT NOT NULL, amount INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id),"
	"  FOREIGN KEY(setl_psn_no, setl_id) REFERENCES setl(psn_no, setl_id)) STRICT;"
	"CREATE INDEX acct_mov_by_setl ON acct_mov(setl_id);"
	"CREATE TABLE idem("
	"  fixmedins_code TEXT NOT NULL, msgid TEXT NOT NULL, psn_no TEXT NOT NULL,"
	"  infno TEXT NOT NULL, response TEXT NOT NULL,"
	"  PRIMARY KEY(fixmedins_code, msgid)) STRICT;"
	"CREATE TABLE catalogue("
	"  med_list_codg TEXT NOT NULL, begndate TEXT NOT NULL, enddate TEXT NOT NULL,"
	"  med_list_name TEXT NOT NULL, chrgitm_lv INTEGER NOT NULL,"
	"  selfpay_prop INTEGER NOT NULL, pric_uplmt_amt INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL, PRIMARY KEY(med_list_codg, begndate)) STRICT;",

	/* 2: a catalogue per region (就医地目录: a visit elsewhere uses the
	 * list of the place of care); "" is a list valid everywhere */
	"CREATE TABLE catalogue2("
	"  admdvs TEXT NOT NULL, med_list_codg TEXT NOT NULL, begndate TEXT NOT NULL,"
	"  enddate TEXT NOT NULL, med_list_name TEXT NOT NULL, chrgitm_lv INTEGER NOT NULL,"
	"  selfpay_prop INTEGER NOT NULL, pric_uplmt_amt INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL, PRIMARY KEY(admdvs, med_list_codg, begndate)) STRICT;"
	"INSERT INTO catalogue2 SELECT '', med_list_codg, begndate, enddate, med_list_name,"
	"  chrgitm_lv, selfpay_prop, pric_uplmt_amt, flags FROM catalogue;"
	"DROP TABLE catalogue;"
	"ALTER TABLE catalogue2 RENAME TO catalogue;",

	/* 3: visits, uploaded fee lines and registrations (issues 4 and 6);
	 * settlements know whether they are a mid-stay part; the idempotency
	 * record keeps the whole response body, what the message asked (req),
	 * what it made (ref) and whether a reversal (2601) undid or voided it */
	"CREATE TABLE psn_reg("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no),"
	"  kind TEXT NOT NULL CHECK(kind IN ('idet', 'remote')), type TEXT NOT NULL,"
	"  admdvs TEXT NOT NULL DEFAULT '', begndate TEXT NOT NULL, enddate TEXT NOT NULL,"
	"  PRIMARY KEY(psn_no, kind, type, admdvs, begndate)) STRICT;"
	"CREATE TABLE mdtrt("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), mdtrt_id TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  fixmedins_code TEXT NOT NULL REFERENCES fixmedins(fixmedins_code),"
	"  msgid TEXT NOT NULL, insutype INTEGER NOT NULL, med_type INTEGER NOT NULL,"
	"  begntime INTEGER NOT NULL, endtime INTEGER NOT NULL DEFAULT 0,"
	"  dise_codg TEXT NOT NULL DEFAULT '', dise_name TEXT NOT NULL DEFAULT '',"
	"  diagnoses TEXT NOT NULL DEFAULT '[]', ipt_otp_no TEXT NOT NULL DEFAULT '',"
	"  dscg_way INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL CHECK(status IN ('registered', 'admitted', 'discharged', 'cancelled')),"
	"  mid_setl_dedc INTEGER NOT NULL DEFAULT 0, final_setl_id TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, mdtrt_id)) STRICT;"
	"CREATE UNIQUE INDEX mdtrt_by_id ON mdtrt(mdtrt_id);"
	"CREATE INDEX mdtrt_by_fixmedins ON mdtrt(fixmedins_code, begntime);"
	"CREATE TABLE feedetail("
	"  psn_no TEXT NOT NULL, mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL,"
	"  msgid TEXT NOT NULL, chrg_bchno TEXT NOT NULL, med_list_codg TEXT NOT NULL,"
	"  medins_list_codg TEXT NOT NULL, det_item_fee_sumamt INTEGER NOT NULL,"
	"  cnt INTEGER NOT NULL, pric INTEGER NOT NULL, fee_ocur_time INTEGER NOT NULL,"
	"  init_feedetl_sn TEXT NOT NULL DEFAULT '', rxno TEXT NOT NULL DEFAULT '',"
	"  drug_trac_codg TEXT NOT NULL DEFAULT '', trdn_flag INTEGER NOT NULL DEFAULT 0,"
	"  known INTEGER NOT NULL, chrgitm_lv INTEGER NOT NULL, selfpay_prop INTEGER NOT NULL,"
	"  pric_uplmt_amt INTEGER NOT NULL, flags INTEGER NOT NULL,"
	"  fulamt_ownpay_amt INTEGER NOT NULL, overlmt_amt INTEGER NOT NULL,"
	"  preselfpay_amt INTEGER NOT NULL, inscp_scp_amt INTEGER NOT NULL,"
	"  memo TEXT NOT NULL DEFAULT '', setl_id TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, mdtrt_id, feedetl_sn),"
	"  FOREIGN KEY(psn_no, mdtrt_id) REFERENCES mdtrt(psn_no, mdtrt_id)) STRICT;"
	"CREATE INDEX feedetail_by_setl ON feedetail(psn_no, setl_id);"
	"ALTER TABLE setl ADD COLUMN mid_setl INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX setl_by_mdtrt ON setl(psn_no, mdtrt_id);"
	"ALTER TABLE idem ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE idem ADD COLUMN req TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE idem ADD COLUMN ref TEXT NOT NULL DEFAULT '';",

	/* 4: the bureau's own records (issue 8, docs/enrolment.md): the N1
	 * facts of a person and certno unique; the payment that made a
	 * residents' coverage row (psn_insu.pay_id); enrolments, payments and
	 * their import batches; employees' contribution months and retirement
	 * applications; remote-care registrations in psn_reg with what N7
	 * records; chronic-disease applications (CD6); bindings kept after
	 * unbinding (mulaid rebuilt with bind_time in its key, one active
	 * binding of a pair); staff, sessions and the hash-chained audit log */
	"ALTER TABLE psn ADD COLUMN hukou_admdvs TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE psn ADD COLUMN residence_permit INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn ADD COLUMN insured_at_origin INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn ADD COLUMN migrant_worker INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn ADD COLUMN student INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn ADD COLUMN guardian_local INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn ADD COLUMN groups TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE psn ADD COLUMN deemed_months INTEGER NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX psn_certno_key ON psn(certno);"
	"ALTER TABLE psn_insu ADD COLUMN pay_id TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE resident_enrol("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), year INTEGER NOT NULL,"
	"  renewal INTEGER NOT NULL, ground TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK(status IN ('registered', 'covered', 'lapsed')),"
	"  reg_time INTEGER NOT NULL, staff_id TEXT NOT NULL,"
	"  PRIMARY KEY(psn_no, year)) STRICT;"
	"CREATE TABLE pay_batch("
	"  batch_id TEXT PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL,"
	"  import_time INTEGER NOT NULL, staff_id TEXT NOT NULL, lines INTEGER NOT NULL,"
	"  recorded INTEGER NOT NULL, report TEXT NOT NULL) STRICT;"
	"CREATE INDEX pay_batch_sha ON pay_batch(sha256);"
	"CREATE TABLE contrib_pay("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), pay_id TEXT NOT NULL,"
	"  certno TEXT NOT NULL, psn_name TEXT NOT NULL, year INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL, paid_time INTEGER NOT NULL, channel TEXT NOT NULL,"
	"  verdict TEXT NOT NULL, due INTEGER NOT NULL, enrol_year INTEGER NOT NULL,"
	"  begndate TEXT NOT NULL DEFAULT '', enddate TEXT NOT NULL DEFAULT '',"
	"  batch_id TEXT NOT NULL REFERENCES pay_batch(batch_id), line INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, pay_id)) STRICT;"
	"CREATE UNIQUE INDEX contrib_pay_id ON contrib_pay(pay_id);"
	"CREATE TABLE contrib_month("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), month TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK(status IN ('paid', 'due', 'arrears', 'late_paid', 'stopped')),"
	"  paid_date TEXT NOT NULL DEFAULT '', upd_time INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, month)) STRICT;"
	"CREATE TABLE retire_appl("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), apply_month TEXT NOT NULL,"
	"  eligible INTEGER NOT NULL, missing_months INTEGER NOT NULL,"
	"  topup_amount INTEGER NOT NULL, retired_from TEXT NOT NULL DEFAULT '',"
	"  appl_time INTEGER NOT NULL, staff_id TEXT NOT NULL,"
	"  PRIMARY KEY(psn_no, apply_month)) STRICT;"
	"ALTER TABLE psn_reg ADD COLUMN reg_id TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE psn_reg ADD COLUMN channel TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE psn_reg ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn_reg ADD COLUMN done INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn_reg ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE psn_reg ADD COLUMN staff_id TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE chronic_appl("
	"  psn_no TEXT NOT NULL REFERENCES psn(psn_no), appl_id TEXT NOT NULL,"
	"  dise_codg TEXT NOT NULL, applied TEXT NOT NULL, channel TEXT NOT NULL,"
	"  result TEXT NOT NULL CHECK(result IN ('pending', 'confirmed', 'refused')),"
	"  decided TEXT NOT NULL DEFAULT '', experts TEXT NOT NULL DEFAULT '',"
	"  appl_time INTEGER NOT NULL, staff_id TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY(psn_no, appl_id)) STRICT;"
	"CREATE UNIQUE INDEX chronic_appl_id ON chronic_appl(appl_id);"
	"CREATE INDEX psn_reg_id ON psn_reg(reg_id) WHERE reg_id <> '';"
	"CREATE INDEX resident_enrol_year ON resident_enrol(year, status);"
	"CREATE TABLE mulaid2("
	"  bound_psn_no TEXT NOT NULL REFERENCES psn(psn_no),"
	"  initiator_psn_no TEXT NOT NULL REFERENCES psn(psn_no),"
	"  bind_time INTEGER NOT NULL, unbind_time INTEGER NOT NULL DEFAULT 0,"
	"  relation TEXT NOT NULL DEFAULT '', staff_id TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY(bound_psn_no, initiator_psn_no, bind_time)) STRICT;"
	"INSERT INTO mulaid2(bound_psn_no, initiator_psn_no, bind_time)"
	"  SELECT bound_psn_no, initiator_psn_no, bind_time FROM mulaid;"
	"DROP TABLE mulaid;"
	"ALTER TABLE mulaid2 RENAME TO mulaid;"
	"CREATE INDEX mulaid_initiator ON mulaid(initiator_psn_no);"
	"CREATE UNIQUE INDEX mulaid_active ON mulaid(bound_psn_no, initiator_psn_no)"
	"  WHERE unbind_time = 0;"
	"CREATE TABLE staff("
	"  staff_id TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL CHECK(role IN ('clerk', 'auditor', 'administrator')),"
	"  pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL, created_by TEXT NOT NULL) STRICT;"
	"CREATE TABLE staff_session("
	"  token_hash TEXT PRIMARY KEY, staff_id TEXT NOT NULL REFERENCES staff(staff_id),"
	"  created INTEGER NOT NULL, expires INTEGER NOT NULL, last_used INTEGER NOT NULL,"
	"  ended INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX staff_session_staff ON staff_session(staff_id);"
	"CREATE TABLE audit_log("
	"  seq INTEGER PRIMARY KEY, rec_time INTEGER NOT NULL, staff_id TEXT NOT NULL,"
	"  action TEXT NOT NULL, object TEXT NOT NULL, before_json TEXT NOT NULL,"
	"  after_json TEXT NOT NULL, request_id TEXT NOT NULL, prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL) STRICT;"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	"CREATE TABLE audit_head("
	"  id INTEGER PRIMARY KEY CHECK(id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL) STRICT;"
	"INSERT INTO audit_head VALUES(1, 0, '');"
	"CREATE TABLE yb_counter(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;",

	/* 5: supervision (issue 7, docs/rules.md "What phase B wires"): a
	 * settlement's days of care, time and diagnosis (for the batch screen of
	 * the store) and the fingerprint of its lines (S1); the
	 * settled lines of the items quantity and exclusive rules count
	 * (setl_item); each settled coded drug line (setl_trac: S2 reuse and
	 * split packs, kept by code); code -> product and pack size from stock
	 * and purchases (trac_code, 3501-3503); the findings recorded with a
	 * settlement (setl_finding). A cancel deletes its setl_item and
	 * setl_trac rows; its findings stay. */
	"ALTER TABLE setl ADD COLUMN begn_date INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE setl ADD COLUMN end_date INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE setl ADD COLUMN fingerprint INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE setl ADD COLUMN begntime INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE setl ADD COLUMN dise_codg TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX setl_by_care ON setl(psn_no, begn_date);"
	"CREATE TABLE setl_item("
	"  psn_no TEXT NOT NULL, setl_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL,"
	"  med_list_codg TEXT NOT NULL, fee_date INTEGER NOT NULL, cnt INTEGER NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, feedetl_sn)) STRICT;"
	"CREATE INDEX setl_item_by_item ON setl_item(psn_no, med_list_codg, fee_date);"
	"CREATE TABLE setl_trac("
	"  drug_trac_codg TEXT NOT NULL, setl_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL,"
	"  psn_no TEXT NOT NULL, fixmedins_code TEXT NOT NULL, med_list_codg TEXT NOT NULL,"
	"  fee_date INTEGER NOT NULL, cnt INTEGER NOT NULL, trdn_flag INTEGER NOT NULL,"
	"  PRIMARY KEY(drug_trac_codg, setl_id, feedetl_sn)) STRICT;"
	"CREATE INDEX setl_trac_by_setl ON setl_trac(setl_id);"
	"CREATE TABLE trac_code("
	"  drug_trac_codg TEXT PRIMARY KEY, med_list_codg TEXT NOT NULL,"
	"  pack_qty INTEGER NOT NULL, fixmedins_code TEXT NOT NULL,"
	"  purc_date INTEGER NOT NULL, infno TEXT NOT NULL, rec_time INTEGER NOT NULL) STRICT;"
	"CREATE TABLE setl_finding("
	"  psn_no TEXT NOT NULL, setl_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  rule_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, other_setl_id TEXT NOT NULL,"
	"  vola_amt INTEGER NOT NULL, fund_amt INTEGER NOT NULL, sev_deg INTEGER NOT NULL,"
	"  action INTEGER NOT NULL, vola_cont TEXT NOT NULL, vola_evid TEXT NOT NULL,"
	"  fixmedins_code TEXT NOT NULL,"
	"  PRIMARY KEY(psn_no, setl_id, seq)) STRICT;"
	"CREATE INDEX setl_finding_by_setl ON setl_finding(setl_id);",

	/* 6: one idempotency mechanism (issue 11). A record keeps the unit's
	 * output and, for the national interface, the envelope's own fields
	 * (stamp): the answer is rebuilt from them by one pure function.
	 * fmt 0 marks the records written before: their response is the
	 * answer as it was sent (a whole body), replayed as it is. Records
	 * of `yibao settle` and inline 2207 had no request key: they know
	 * their person only ("settle|<psn_no>|*" matches any settlement of
	 * that person); cancels from before migration 3 get the key they
	 * would have today, from the settlement their answer names. */
	"ALTER TABLE idem ADD COLUMN fmt INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE idem ADD COLUMN stamp TEXT NOT NULL DEFAULT '';"
	"UPDATE idem SET req = 'settle|' || psn_no || '|*' WHERE req = '' AND infno = '2207';"
	"UPDATE idem SET req = 'cancel|' || coalesce("
	"  json_extract(response, '$.output.setlinfo.refd_setl_id'),"
	"  json_extract(response, '$.setlinfo.refd_setl_id'), '')"
	"  WHERE req = '' AND json_valid(response);",

	/* 7: the login lock-out in the store (issue 12 F3, F4; src/admin/admin_staff.c
	 * note 2): one row per staff id (kind 'staff') and per client address
	 * (kind 'addr') with the attempts counted in the window that began at
	 * `since`, the end of a lock, and when the row stops meaning anything
	 * (`expires`: the end of both; purged after). An attempt is counted
	 * here, in one transaction with the row locked, before its password is
	 * checked: a restart forgets nothing and no number of other ids evicts
	 * a lock. */
	"CREATE TABLE login_guard("
	"  kind TEXT NOT NULL CHECK(kind IN ('staff', 'addr')), subject TEXT NOT NULL,"
	"  failures INTEGER NOT NULL CHECK(failures >= 0), since INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL, expires INTEGER NOT NULL,"
	"  PRIMARY KEY(kind, subject)) STRICT;"
	"CREATE INDEX login_guard_expires ON login_guard(expires);",
};

#define YB_SQLITE_VERSION (int)(sizeof(yb_sqlite_migrations) / sizeof(yb_sqlite_migrations[0]))

#endif
