#!/bin/sh
# Ledger tests (issue 3) through the real binary only: yibao load, settle,
# cancel and check, with the sqlite3 CLI for read-only inspection (and, in
# the `check` section, for corrupting copies on purpose).
#
#   YIBAO=build/yibao sh tests/ledger/ledger_test.sh      (from the repo root)
#
# Sections: the four worked examples of POLICY.md settled visit by visit;
# idempotency; cancel; A1/A2 (bindings); refusals write nothing; the store's
# catalogue wins; load errors; schema versions; yibao check; the visit API
# of issues 4 and 6 (tests/ledger/visit_test.c, VISIT_TEST=path).
set -u

ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$ROOT/policies}
export YIBAO_POLICY_DIR
FIXTURES=$ROOT/tests/ledger/fixtures
# the calc cases, found beside this script (tests/pg runs it from elsewhere)
CASES=$(cd "$(dirname "$0")/../cases" 2>/dev/null && pwd) || CASES=$ROOT/tests/cases

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ledger_test: the sqlite3 command-line tool is needed (apt-get install sqlite3)" >&2
	exit 1
fi
[ -x "$YIBAO" ] || { echo "ledger_test: $YIBAO not built" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-ledger.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1

passes=0
fails=0
known=0
section=""
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL [$section]: $*" >&2; fails=$((fails + 1)); }
# known_bug WHAT: a reported bug not fixed yet; counted apart so that the
# suite stays green, and a failure with LEDGER_STRICT=1.
known_bug() {
	if [ "${LEDGER_STRICT:-0}" = 1 ]; then
		bad "$*"
	else
		echo "KNOWN BUG [$section]: $*" >&2
		known=$((known + 1))
	fi
}
begin() { section=$1; echo "== $1"; }

# ------------------------------------------------------------- helpers

# q DB SQL: one read-only query, list mode, '|' between columns.
q() { sqlite3 -readonly "$1" "$2"; }

# The mutable state of a store, for before/after comparisons.
state() {
	sqlite3 -readonly "$1" \
		"SELECT 'setl', * FROM setl ORDER BY setl_id;
		 SELECT 'fee', * FROM setl_fee ORDER BY setl_id, feedetl_sn;
		 SELECT 'detail', * FROM setl_detail ORDER BY setl_id, fund_pay_type;
		 SELECT 'sacc', * FROM setl_accum ORDER BY setl_id, bucket;
		 SELECT 'mov', * FROM acct_mov ORDER BY setl_id, psn_no;
		 SELECT 'accum', * FROM accum ORDER BY psn_no, year, bucket;
		 SELECT 'acct', * FROM acct ORDER BY psn_no;
		 SELECT 'idem', * FROM idem ORDER BY fixmedins_code, msgid;
		 SELECT 'mulaid', * FROM mulaid ORDER BY bound_psn_no, initiator_psn_no;
		 SELECT 'psn', * FROM psn ORDER BY psn_no;
		 SELECT 'insu', * FROM psn_insu ORDER BY psn_no, begndate;
		 SELECT 'cat', * FROM catalogue ORDER BY med_list_codg, begndate;"
}

# Row counts of the tables a settlement writes.
counts() {
	q "$1" "SELECT (SELECT count(*) FROM setl) || ' ' || (SELECT count(*) FROM acct_mov)
	        || ' ' || (SELECT count(*) FROM accum) || ' ' || (SELECT count(*) FROM idem)"
}

# A member of the first object in $T/out that has it ("setlinfo" comes
# before "setldetail" and "result"): prints the bare value.
field() {
	grep -o "\"$1\":[^,}]*" "$T/out" | head -n 1 | sed 's/^[^:]*://; s/"//g'
}

# settle DB MSGID FIXMEDINS PSN MDTRT_ID MED_TYPE BEGNTIME ACCT_USED LINES
# LINES is the inside of the feedetail array. Output in $T/out, stderr in
# $T/err, exit code in $rc.
settle() {
	printf '{"msgid":"%s","fixmedins_code":"%s","psn_no":"%s","mdtrt":{"mdtrt_id":"%s","med_type":"%s","begntime":"%s","acct_used_flag":"%s"},"feedetail":[%s]}\n' \
		"$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" >"$T/in.json"
	"$YIBAO" settle --db "$1" "$T/in.json" >"$T/out" 2>"$T/err"
	rc=$?
}

# line SN CODE AMOUNT [EXTRA]: one fee line.
line() {
	printf '{"feedetl_sn":"%s","med_list_codg":"%s","det_item_fee_sumamt":%s%s}' "$1" "$2" "$3" "${4:-}"
}

# cancel DB SETL_ID MSGID FIXMEDINS
cancel() {
	"$YIBAO" cancel --db "$1" --setl-id "$2" --msgid "$3" --fixmedins-code "$4" >"$T/out" 2>"$T/err"
	rc=$?
}

# load DB FILE
load() {
	"$YIBAO" load --db "$1" "$2" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_rc WHAT CODE [MESSAGE-FRAGMENT...]
expect_rc() {
	what=$1
	want=$2
	shift 2
	if [ "$rc" -ne "$want" ]; then
		bad "$what: exit $rc, wanted $want; stderr: $(cat "$T/err")"
		return 1
	fi
	for frag in "$@"; do
		if ! grep -q -- "$frag" "$T/err"; then
			bad "$what: message lacks '$frag': $(cat "$T/err")"
			return 1
		fi
	done
	ok
	return 0
}

# expect WHAT KEY VALUE...: members of the last settle/cancel output.
expect() {
	what=$1
	shift
	while [ $# -ge 2 ]; do
		got=$(field "$1")
		if [ "$got" != "$2" ]; then
			bad "$what: $1 = '$got', wanted '$2'"
		else
			ok
		fi
		shift 2
	done
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" != "$3" ]; then
		bad "$1: got '$2', wanted '$3'"
	else
		ok
	fi
}

# settle_ok WHAT ARGS...: settle and require exit 0.
settle_ok() {
	what=$1
	shift
	settle "$@"
	if [ "$rc" -ne 0 ]; then
		bad "$what: settle exit $rc: $(cat "$T/err")"
		return 1
	fi
	ok
}

fix() { # CODE TYPE HOSP_LV PRIM_FLAG ADMDVS
	printf '{"kind":"fixmedins","fixmedins_code":"%s","fixmedins_name":"%s","fixmedins_type":"%s","hosp_lv":"%s","prim_flag":"%s","admdvs":"%s"}\n' \
		"$1" "$1" "$2" "$3" "$4" "$5"
}

psn() { # PSN_NO INSUTYPE PSN_TYPE ADMDVS BEGNDATE ENDDATE ACCT_BALC [EXTRA]
	printf '{"kind":"psn","psn_no":"%s","certno":"cert-%s","psn_name":"%s","gend":"1","brdy":"1960-05-01","insutype":"%s","psn_type":"%s","insu_admdvs":"%s","begndate":"%s","enddate":"%s","acct_balc":%s%s}\n' \
		"$1" "$1" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-}"
}

bind() { # INITIATOR BOUND BIND_TIME
	printf '{"kind":"mulaid","initiator_psn_no":"%s","bound_psn_no":"%s","bind_time":"%s"}\n' "$1" "$2" "$3"
}

# Catalogue items of the test's own, loaded with the base data, so that the
# shipped catalogue may change without changing these tests.
DRUG_A=TEST-A-DRUG      # class A, no price cap
DRUG_B=TEST-B-DRUG      # class B, 5 % first self-pay
BLOOD=TEST-CAPPED-SVC   # class A, price cap 20.00
STATIN=TEST-A-STATIN    # class A; a class-B version is loaded later
cat_item() { # CODE CLASS SELFPAY_PROP CAP
	printf '{"kind":"catalogue","med_list_codg":"%s","med_list_name":"%s","chrgitm_lv":"%s","selfpay_prop":%s,"pric_uplmt_amt":%s}\n' \
		"$1" "$1" "$2" "$3" "$4"
}

# The institutions and persons every section starts from.
{
	fix H1 1 1 0 340603   # level-1 clinic
	fix H1B 1 1 0 340603  # another level-1 clinic
	fix H2 1 2 0 340603   # level-2 hospital
	fix H3 1 3 0 340602   # level-3 hospital
	fix PH 2 0 0 340603   # retail pharmacy
	fix VC 1 0 1 340621   # village clinic (primary)
	psn E1 310 1101 340600 2024-01-01 2024-12-31 300.00   # employee in service
	psn R2 310 1201 340600 2024-01-01 2024-12-31 0         # retiree
	psn C3 390 1501 340600 2024-01-01 2024-12-31 0         # resident
	psn C4 390 1501 340600 2024-01-01 2024-12-31 0         # resident
	psn F1 310 1101 340600 2024-01-01 2024-12-31 20.00     # bound person
	psn F2 310 1101 340600 2024-01-01 2024-12-31 30.00     # initiator, bound first
	psn F3 310 1101 340600 2024-01-01 2024-12-31 1000.00   # initiator, bound later
	psn AR 310 1101 340600 2024-01-01 2024-12-31 100.00 ',"psn_insu_stas":"2"' # arrears
	# listed before F2's binding on purpose: A2 orders by bind_time
	bind F3 F1 "2024-02-01 09:00:00"
	bind F2 F1 "2024-01-10 09:00:00"
	cat_item $DRUG_A 01 0 999999
	cat_item $DRUG_B 02 0.05 999999
	cat_item $BLOOD 01 0 20.00
	cat_item $STATIN 01 0 999999
} >base.jsonl

# newdb NAME: a store with the base data.
newdb() {
	"$YIBAO" load --db "$1" base.jsonl >/dev/null 2>"$T/err" ||
		{ echo "ledger_test: cannot load base data: $(cat "$T/err")" >&2; exit 1; }
}

start=$(date +%s)

# ================================================== worked examples
begin "POLICY.md worked examples, visit by visit"
newdb ex.db

# 1. Employee in service: level-1 150.00, level-1 100.00, level-3 300.00.
#    Account 300.00 pays the personal part until it runs out (A3).
settle_ok "example 1 visit 1" ex.db EX1-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 150.00)" &&
	expect "example 1 visit 1" hifp_pay 0.00 act_pay_dedc 150.00 acct_pay 150.00 balc 150.00 psn_cash_pay 0.00
settle_ok "example 1 visit 2" ex.db EX1-2 H1 E1 V2 11 "2024-03-05 09:00:00" 1 "$(line 1 $DRUG_A 100.00)" &&
	expect "example 1 visit 2" hifp_pay 30.00 act_pay_dedc 50.00 acct_pay 70.00 balc 80.00 psn_cash_pay 0.00
settle_ok "example 1 visit 3" ex.db EX1-3 H3 E1 V3 11 "2024-03-10 09:00:00" 1 "$(line 1 $DRUG_A 300.00)" &&
	expect "example 1 visit 3" hifp_pay 50.00 act_pay_dedc 200.00 acct_pay 80.00 balc 0.00 psn_cash_pay 170.00
expect_eq "example 1 accumulators" "$(q ex.db "SELECT bucket || '=' || amount FROM accum WHERE psn_no='E1' ORDER BY bucket" | tr '\n' ' ')" "oe_dedc=40000 oe_hifp=8000 "
expect_eq "example 1 account" "$(q ex.db "SELECT balc FROM acct WHERE psn_no='E1'")" 0

# 2. Retiree: the deductible accumulator reaches 400 through level-3
#    visits (60 % above it, nothing here), then a pharmacy prescription.
settle_ok "example 2 level-3 visit a" ex.db EX2-1 H3 R2 W1 11 "2024-06-01 09:00:00" 1 "$(line 1 $DRUG_A 250.00)" &&
	expect "example 2 level-3 visit a" hifp_pay 0.00 act_pay_dedc 250.00 acct_pay 0.00 balc 0.00 psn_cash_pay 250.00
settle_ok "example 2 level-3 visit b" ex.db EX2-2 H3 R2 W2 11 "2024-06-05 09:00:00" 1 "$(line 1 $DRUG_A 150.00)" &&
	expect "example 2 level-3 visit b" hifp_pay 0.00 act_pay_dedc 150.00 acct_pay 0.00 balc 0.00 psn_cash_pay 150.00
expect_eq "example 2 accumulator before the pharmacy" "$(q ex.db "SELECT amount FROM accum WHERE psn_no='R2' AND bucket='oe_dedc'")" 40000
settle_ok "example 2 pharmacy" ex.db EX2-3 PH R2 W3 41 "2024-06-10 10:00:00" 1 "$(line 1 $STATIN 500.00)" &&
	expect "example 2 pharmacy" hifp_pay 350.00 act_pay_dedc 0.00 acct_pay 0.00 balc 0.00 psn_cash_pay 150.00 pool_prop_selfpay 0.7

# 3. Resident at a village clinic: 100.00, 200.00, then 30.00 (limit 150).
settle_ok "example 3 visit 1" ex.db EX3-1 VC C3 X1 11 "2024-02-01 08:30:00" 0 "$(line 1 $DRUG_A 100.00)" &&
	expect "example 3 visit 1" hifp_pay 60.00 act_pay_dedc 0.00 acct_pay 0.00 balc 0.00 psn_cash_pay 40.00
settle_ok "example 3 visit 2" ex.db EX3-2 VC C3 X2 11 "2024-03-01 08:30:00" 0 "$(line 1 $DRUG_A 200.00)" &&
	expect "example 3 visit 2" hifp_pay 90.00 act_pay_dedc 0.00 acct_pay 0.00 balc 0.00 psn_cash_pay 110.00
settle_ok "example 3 visit 3" ex.db EX3-3 VC C3 X3 11 "2024-11-01 08:30:00" 0 "$(line 1 $DRUG_A 30.00)" &&
	expect "example 3 visit 3" hifp_pay 0.00 act_pay_dedc 0.00 acct_pay 0.00 balc 0.00 psn_cash_pay 30.00
expect_eq "example 3 accumulator" "$(q ex.db "SELECT amount FROM accum WHERE psn_no='C3' AND bucket='or_hifp'")" 15000

# 4. Resident at a level-2 hospital: not covered (OR1).
settle_ok "example 4" ex.db EX4-1 H2 C4 Y1 11 "2024-04-01 10:00:00" 0 "$(line 1 $DRUG_A 80.00)" &&
	expect "example 4" hifp_pay 0.00 act_pay_dedc 0.00 acct_pay 0.00 balc 0.00 psn_cash_pay 80.00 psn_part_amt 80.00

"$YIBAO" check --db ex.db >"$T/out" 2>"$T/err"
rc=$?
expect_rc "check after the examples" 0

# ====================================================== idempotency
begin "idempotency"
newdb idem.db
settle_ok "first" idem.db ID-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 120.00)"
cp "$T/out" first.out
before=$(state idem.db)
settle "idem.db" ID-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 120.00)"
expect_rc "retry" 0
cmp -s first.out "$T/out" && ok || bad "a retried msgid answers differently: $(diff first.out "$T/out")"
expect_eq "one row in setl" "$(q idem.db "SELECT count(*) FROM setl WHERE msgid='ID-1'")" 1
expect_eq "retry writes nothing" "$(state idem.db)" "$before"
# a retry that differs in body still gets the first answer (the key is
# fixmedins_code + msgid) and writes nothing
settle "idem.db" ID-1 H1 E1 V9 11 "2024-05-01 09:00:00" 1 "$(line 1 $DRUG_A 999.00)"
expect_rc "retry with another body" 0
cmp -s first.out "$T/out" && ok || bad "a retried msgid with another body answers differently"
expect_eq "retry with another body writes nothing" "$(state idem.db)" "$before"
# the same msgid from another institution is another message
settle_ok "same msgid, other institution" idem.db ID-1 H1B E1 V2 11 "2024-03-02 09:00:00" 1 "$(line 1 $DRUG_A 10.00)"
expect_eq "two settlements with msgid ID-1" "$(q idem.db "SELECT count(*) FROM setl WHERE msgid='ID-1'")" 2
# cancel retried with the same msgid
sid1=$(q idem.db "SELECT setl_id FROM setl WHERE msgid='ID-1' AND fixmedins_code='H1'")
cancel idem.db "$sid1" ID-C1 H1
expect_rc "cancel" 0
cp "$T/out" cancel.out
before=$(state idem.db)
sleep 1 # a replayed cancel must not carry a new time
cancel idem.db "$sid1" ID-C1 H1
expect_rc "cancel retried" 0
cmp -s cancel.out "$T/out" && ok || bad "a retried cancel answers differently: $(diff cancel.out "$T/out")"
expect_eq "cancel retry writes nothing" "$(state idem.db)" "$before"
expect_eq "one cancel row" "$(q idem.db "SELECT count(*) FROM setl WHERE refd_setl_id='$sid1'")" 1
# a msgid spent on one kind of message must not pass for another: a cancel
# sent with the msgid of a settlement is no retry of anything
settle_ok "another settlement" idem.db ID-2 H1 E1 V3 11 "2024-03-03 09:00:00" 1 "$(line 1 $DRUG_A 20.00)"
sid2=$(field setl_id)
st=$(state idem.db)
cancel idem.db "$sid2" ID-2 H1
if [ "$rc" -eq 2 ]; then
	ok
else
	known_bug "cancel of $sid2 sent with msgid ID-2 (the msgid of its settlement) exits $rc and answers: $(cut -c1-60 "$T/out")... ; wanted exit 2 (msgid already used)"
fi
expect_eq "that cancel writes nothing" "$(state idem.db)" "$st"
expect_eq "$sid2 is not cancelled" "$(q idem.db "SELECT cancelled FROM setl WHERE setl_id='$sid2'")" 0
settle idem.db ID-C1 H1 E1 V4 11 "2024-03-04 09:00:00" 1 "$(line 1 $DRUG_A 20.00)"
if [ "$rc" -eq 2 ]; then
	ok
else
	known_bug "a settle sent with the msgid of a cancel (ID-C1) exits $rc and answers the cancel: $(cut -c1-60 "$T/out")... ; wanted exit 2"
fi
expect_eq "that settle writes nothing" "$(state idem.db)" "$st"

# ============================================================ cancel
begin "cancel, and A2 order"
newdb cancel.db
# F1 settles once without the account, so that the accumulator exists.
settle_ok "F1 first visit" cancel.db CN-1 H1 F1 V1 11 "2024-03-01 09:00:00" 0 "$(line 1 $DRUG_A 10.00)"
snap() {
	q cancel.db "SELECT 'accum', psn_no, year, bucket, amount FROM accum ORDER BY 2, 3, 4;
	             SELECT 'acct', psn_no, opening_balc, balc FROM acct ORDER BY 2"
}
before=$(snap)
# 100.00 at level-1: deductible (accumulator 10 -> 110), personal 100.00:
# F1's own 20.00, then F2 (bound 2024-01-10) 30.00, then F3 (2024-02-01) 50.00.
settle_ok "F1 with mutual aid" cancel.db CN-2 H1 F1 V2 11 "2024-03-02 09:00:00" 1 "$(line 1 $DRUG_A 100.00)" &&
	expect "F1 with mutual aid" act_pay_dedc 100.00 hifp_pay 0.00 acct_pay 100.00 acct_mulaid_pay 80.00 balc 0.00 psn_cash_pay 0.00
sid=$(field setl_id)
expect_eq "A2 order: movements" "$(q cancel.db "SELECT psn_no || '=' || amount FROM acct_mov WHERE setl_id='$sid' ORDER BY psn_no" | tr '\n' ' ')" "F1=-2000 F2=-3000 F3=-5000 "
expect_eq "A2 order: balances" "$(q cancel.db "SELECT psn_no || '=' || balc FROM acct WHERE psn_no LIKE 'F%' ORDER BY psn_no" | tr '\n' ' ')" "F1=0 F2=0 F3=95000 "
# a second one: F3 alone pays (F2 is empty)
settle_ok "F1 again" cancel.db CN-3 H1 F1 V3 11 "2024-03-03 09:00:00" 1 "$(line 1 $DRUG_A 40.00)" &&
	expect "F1 again" acct_pay 40.00 acct_mulaid_pay 40.00 balc 0.00 psn_cash_pay 0.00
sid3=$(field setl_id)
cancel cancel.db "$sid3" CN-C3 H1
expect_rc "cancel the second" 0
cancel cancel.db "$sid" CN-C2 H1
expect_rc "cancel the first" 0 &&
	expect "the cancel is negated" refd_setl_id "$sid" medfee_sumamt -100.00 act_pay_dedc -100.00 acct_pay -100.00 acct_mulaid_pay -80.00 psn_cash_pay 0.00
csid=$(field setl_id)
expect_eq "balances and accumulators restored exactly" "$(snap)" "$before"
expect_eq "original flagged" "$(q cancel.db "SELECT cancelled FROM setl WHERE setl_id='$sid'")" 1
st=$(state cancel.db)
cancel cancel.db "$sid" CN-C2-again H1
expect_rc "cancel twice" 2 "already cancelled"
settle_ok "F1 third visit" cancel.db CN-4 H1 F1 V4 11 "2024-03-04 09:00:00" 0 "$(line 1 $DRUG_A 5.00)"
sid4=$(field setl_id)
st=$(state cancel.db)
cancel cancel.db "$sid4" CN-C4 H3
expect_rc "cancel by another institution: answered as a missing one" 2 "no settlement $sid4 of this institution"
cancel cancel.db "$csid" CN-CC H1
expect_rc "cancel a cancel" 2 "itself a cancel"
cancel cancel.db S999999999999999 CN-CX H1
expect_rc "cancel an unknown settlement" 2 "S999999999999999"
expect_eq "refused cancels write nothing" "$(state cancel.db)" "$st"
"$YIBAO" check --db cancel.db >"$T/out" 2>"$T/err"
rc=$?
expect_rc "check after cancels" 0

# ========================================================= A1 bindings
begin "A1 bindings"
newdb a1.db
{
	psn I0 310 1101 340600 2024-01-01 2024-12-31 100.00
	for i in 1 2 3 4 5 6 7 8; do psn "K$i" 310 1101 340600 2024-01-01 2024-12-31 0; done
	for i in 1 2 3 4 5 6 7 8; do bind I0 "K$i" "2024-01-0$i 10:00:00"; done
} >eight.jsonl
st=$(state a1.db)
load a1.db eight.jsonl
expect_rc "an 8th binding" 2 "eight.jsonl:17" "I0" "at most 7"
expect_eq "the whole file is not loaded" "$(state a1.db)" "$st"
expect_eq "no person of the refused file" "$(q a1.db "SELECT count(*) FROM psn WHERE psn_no='I0' OR psn_no LIKE 'K%'")" 0
head -n 16 eight.jsonl >seven.jsonl
load a1.db seven.jsonl
expect_rc "seven bindings" 0
expect_eq "seven bound" "$(q a1.db "SELECT count(*) FROM mulaid WHERE initiator_psn_no='I0'")" 7
sed -n 17p eight.jsonl >eighth.jsonl
st=$(state a1.db)
load a1.db eighth.jsonl
expect_rc "an 8th binding later" 2 "at most 7"
expect_eq "the 8th is not stored" "$(state a1.db)" "$st"
bind I0 K1 "2024-03-01 10:00:00" >rebind.jsonl
load a1.db rebind.jsonl
expect_rc "binding a bound person again (new time) is no 8th" 0
expect_eq "still seven" "$(q a1.db "SELECT count(*) FROM mulaid WHERE initiator_psn_no='I0'")" 7
{
	psn XA 310 1101 610900 2024-01-01 2024-12-31 0   # insured in Ankang
	bind I0 XA "2024-01-09 10:00:00"
} >city.jsonl
st=$(state a1.db)
load a1.db city.jsonl
expect_rc "binding across cities" 2 "city.jsonl:2" "XA"
expect_eq "nothing of the cross-city file" "$(state a1.db)" "$st"
{
	psn J1 390 1501 340600 2024-01-01 2024-12-31 0
	psn J2 310 1101 340600 2024-01-01 2024-12-31 0
	bind J1 J2 "2024-01-09 10:00:00"
} >resinit.jsonl
load a1.db resinit.jsonl
expect_rc "a resident cannot initiate" 2 "resinit.jsonl:3" "initiator_psn_no"

# ========================================================= refusals
begin "refusals write nothing"
newdb ref.db
settle_ok "a good one first" ref.db RF-0 H1 E1 V0 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"
c0=$(counts ref.db)
st=$(state ref.db)
refusal() { # WHAT FRAGMENT... ; after a settle call
	what=$1
	shift
	expect_rc "$what" 2 "$@"
	expect_eq "$what: row counts of setl, acct_mov, accum, idem" "$(counts ref.db)" "$c0"
	expect_eq "$what: nothing written" "$(state ref.db)" "$st"
}
settle ref.db RF-1 H1 E1 V1 11 "2025-02-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"
refusal "not insured on the visit date" "not insured" "2025-02-01"
settle ref.db RF-1b H1 E1 V1 11 "2023-12-31 23:59:59" 1 "$(line 1 $DRUG_A 50.00)"
refusal "the day before the period" "not insured"
settle ref.db RF-2 H1 AR V2 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"
refusal "arrears (psn_insu_stas 2)" "OE5"
settle ref.db RF-3 H1 NOBODY V3 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"
refusal "unknown psn_no" "psn_no"
settle ref.db RF-4 H9 E1 V4 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"
refusal "unknown fixmedins_code" "fixmedins_code" "H9"
settle ref.db RF-5 H1 E1 V5 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A '"12.3x"')"
refusal "a bad amount" "det_item_fee_sumamt"
settle ref.db RF-6 H1 E1 V6 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 1.234)"
refusal "three decimals" "det_item_fee_sumamt"
settle ref.db RF-7 H1 E1 V7 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A -5.00)"
refusal "a negative amount" "det_item_fee_sumamt"
settle ref.db RF-8 H1 E1 V8 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 5.00),$(line 1 $DRUG_A 6.00)"
refusal "a repeated feedetl_sn" "feedetl_sn"
settle ref.db RF-9 H1 E1 V9 11 "2024-03-32 09:00:00" 1 "$(line 1 $DRUG_A 5.00)"
refusal "a bad date" "begntime"
printf '{"fixmedins_code":"H1","psn_no":"E1","mdtrt":{"mdtrt_id":"V","med_type":"11","begntime":"2024-03-01 09:00:00"},"feedetail":[]}' >nomsg.json
"$YIBAO" settle --db ref.db nomsg.json >"$T/out" 2>"$T/err"
rc=$?
refusal "no msgid" "msgid"
# the refused msgids were not consumed: RF-1 settles now on a good day
settle_ok "a refused msgid is free" ref.db RF-1 H1 E1 V1 11 "2024-04-01 09:00:00" 1 "$(line 1 $DRUG_A 50.00)"

# ===================================================== the catalogue
begin "the store's catalogue wins"
newdb cat.db
settle_ok "client overrides ignored" cat.db CT-1 H1 E1 V1 11 "2024-03-01 09:00:00" 0 \
	"$(line 1 $DRUG_B 100.00 ',"chrgitm_lv":"01","selfpay_prop":0'),$(line 2 $BLOOD 30.00 ',"cnt":1,"pric":30,"pric_uplmt_amt":999')" &&
	expect "client overrides ignored" preselfpay_amt 5.00 overlmt_selfpay 10.00 inscp_scp_amt 115.00 fulamt_ownpay_amt 0.00
grep -q "\"med_list_codg\":\"$DRUG_B\"[^}]*\"selfpay_prop\":0.05[^}]*\"chrgitm_lv\":\"02\"" "$T/out" && ok ||
	bad "the fee line result does not carry the catalogue's class and ratio: $(cat "$T/out")"
expect_eq "stored fee line class and ratio" "$(q cat.db "SELECT chrgitm_lv || ' ' || selfpay_prop FROM setl_fee WHERE setl_id=(SELECT setl_id FROM setl WHERE msgid='CT-1') AND feedetl_sn='1'")" "2 500"
settle_ok "unknown code" cat.db CT-2 H1 E1 V2 11 "2024-03-02 09:00:00" 0 \
	"$(line 1 NOT-IN-THE-CATALOGUE 42.00 ',"chrgitm_lv":"01","selfpay_prop":0')" &&
	expect "unknown code" fulamt_ownpay_amt 42.00 inscp_scp_amt 0.00 act_pay_dedc 0.00 hifp_pay 0.00 psn_cash_pay 42.00
settle_ok "class A before the load" cat.db CT-3 H1 E1 V3 11 "2024-03-03 09:00:00" 0 "$(line 1 $STATIN 100.00)" &&
	expect "class A before the load" preselfpay_amt 0.00 inscp_scp_amt 100.00
# a new version of the item from 2024-07-01: class B, 10 % first self-pay
printf '{"kind":"catalogue","med_list_codg":"%s","med_list_name":"statin","chrgitm_lv":"02","selfpay_prop":0.10,"pric_uplmt_amt":999999,"begndate":"2024-07-01"}\n' "$STATIN" >cat.jsonl
load cat.db cat.jsonl
expect_rc "catalogue load" 0
settle_ok "before the new version" cat.db CT-4 H1 E1 V4 11 "2024-06-30 09:00:00" 0 "$(line 1 $STATIN 100.00)" &&
	expect "before the new version" preselfpay_amt 0.00 inscp_scp_amt 100.00
settle_ok "from the new version" cat.db CT-5 H1 E1 V5 11 "2024-07-01 09:00:00" 0 "$(line 1 $STATIN 100.00)" &&
	expect "from the new version" preselfpay_amt 10.00 inscp_scp_amt 90.00
# an update of the undated version in place (no begndate) changes it too
printf '{"kind":"catalogue","med_list_codg":"%s","med_list_name":"drug","chrgitm_lv":"03","selfpay_prop":1,"pric_uplmt_amt":999999}\n' "$DRUG_A" >cat2.jsonl
load cat.db cat2.jsonl
expect_rc "catalogue update" 0
settle_ok "after the update" cat.db CT-6 H1 E1 V6 11 "2024-03-06 09:00:00" 0 "$(line 1 $DRUG_A 25.00)" &&
	expect "after the update" fulamt_ownpay_amt 25.00 inscp_scp_amt 0.00
printf '{"kind":"catalogue","med_list_codg":"X1","chrgitm_lv":"07"}\n' >cat3.jsonl
st=$(state cat.db)
load cat.db cat3.jsonl
expect_rc "a bad catalogue line" 2 "cat3.jsonl:1" "chrgitm_lv"
expect_eq "bad catalogue line writes nothing" "$(state cat.db)" "$st"

# ======================================================= load errors
begin "load errors name file, line and field"
newdb load.db
st=$(state load.db)
{
	psn G1 310 1101 340600 2024-01-01 2024-12-31 10.00
	echo
	psn G2 310 1101 340600 2024-01-01 2024-12-31 '"ten"'
} >badamt.jsonl
load load.db badamt.jsonl
expect_rc "bad acct_balc" 2 "badamt.jsonl:3" "acct_balc"
expect_eq "nothing of a failed file" "$(state load.db)" "$st"
{ fix Z1 1 1 0 340603; echo '{"kind":"fixmedins","fixmedins_code":"Z2","fixmedins_name":"z","fixmedins_type":"7","admdvs":"340603"}'; } >badtype.jsonl
load load.db badtype.jsonl
expect_rc "bad fixmedins_type" 2 "badtype.jsonl:2" "fixmedins_type"
{ fix Z1 1 1 0 340603; echo '{"kind":"person"}'; } >badkind.jsonl
load load.db badkind.jsonl
expect_rc "bad kind" 2 "badkind.jsonl:2" "kind"
{ fix Z1 1 1 0 340603; fix Z3 1 1 0 340603; echo '{"kind":"psn",'; } >badjson.jsonl
load load.db badjson.jsonl
expect_rc "broken JSON" 2 "badjson.jsonl:3"
echo '{"kind":"psn","psn_no":"G3","certno":"c","psn_name":"n","insutype":"310","psn_type":"1101","insu_admdvs":"340600"}' >nobegn.jsonl
load load.db nobegn.jsonl
expect_rc "missing begndate" 2 "nobegn.jsonl:1" "begndate"
psn G4 310 1101 340600 2024-06-01 2024-01-01 0 >enddate.jsonl
load load.db enddate.jsonl
expect_rc "enddate before begndate" 2 "enddate.jsonl:1" "enddate"
bind E1 NOBODY "2024-01-09 10:00:00" >badbind.jsonl
load load.db badbind.jsonl
expect_rc "binding an unknown person" 2 "badbind.jsonl:1" "bound_psn_no"
expect_eq "no failed file left a trace" "$(state load.db)" "$st"
# a reload of a person leaves the account alone (balances move only by settlements)
settle_ok "spend from E1" load.db LD-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 10.00)"
psn E1 310 1101 340600 2024-01-01 2024-12-31 999.00 >reload.jsonl
load load.db reload.jsonl
expect_rc "reload a person" 0
expect_eq "reloaded person's account unchanged" "$(q load.db "SELECT opening_balc || ' ' || balc FROM acct WHERE psn_no='E1'")" "30000 29000"

# ==================================================== schema versions
begin "schema versions"
newdb schema.db
settle_ok "a settlement" schema.db SC-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 10.00)"
sqlite3 schema.db ".backup newer.db" && sqlite3 newer.db "PRAGMA user_version=99"
cp newer.db newer.orig
"$YIBAO" check --db newer.db >"$T/out" 2>"$T/err"
rc=$?
expect_rc "a newer file is refused" 2 "version 99" "newer"
settle newer.db SC-2 H1 E1 V2 11 "2024-03-02 09:00:00" 1 "$(line 1 $DRUG_A 10.00)"
expect_rc "no settlement in a newer file" 2 "newer"
expect_eq "the newer file is untouched" "$(q newer.db 'PRAGMA user_version'):$(q newer.db 'SELECT count(*) FROM setl')" "99:1"
if [ -f "$FIXTURES/ledger-v1.sql" ]; then
	# written by the first ledger binary (commit d5b1ed5, schema version 1)
	sqlite3 old.db <"$FIXTURES/ledger-v1.sql"
	expect_eq "fixture is version 1" "$(q old.db 'PRAGMA user_version')" 1
	"$YIBAO" check --db old.db >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc "an older file opens and checks" 0
	n_old=$(q old.db "SELECT count(*) FROM setl")
	settle_ok "an older file takes settlements" old.db OLD-NEW-1 H1 E1 V9 11 "2024-09-01 09:00:00" 1 "$(line 1 $DRUG_A 10.00)"
	expect_eq "its settlements kept" "$(q old.db "SELECT count(*) FROM setl")" "$((n_old + 1))"
	settle old.db OLD-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 150.00)"
	expect_rc "an old msgid replays" 0
	expect_eq "an old msgid replays the old answer" "$(field setl_id)" "$(q old.db "SELECT setl_id FROM setl WHERE msgid='OLD-1'")"
	"$YIBAO" check --db old.db >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc "check after migration and use" 0
else
	echo "note: $FIXTURES/ledger-v1.sql missing, older-file test skipped"
fi

# ============================================================= check
begin "yibao check finds corruption"
newdb chk.db
settle_ok "E1" chk.db CK-1 H1 E1 V1 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 250.00)"
settle_ok "F1 mutual aid" chk.db CK-2 H1 F1 V2 11 "2024-03-01 09:00:00" 1 "$(line 1 $DRUG_A 60.00)"
sid=$(field setl_id)
cancel chk.db "$sid" CK-C2 H1
expect_rc "cancel" 0
"$YIBAO" check --db chk.db >"$T/out" 2>"$T/err"
rc=$?
expect_rc "good store" 0
grep -q "3 settlements checked, 0 violations" "$T/out" && ok || bad "check summary: $(cat "$T/out")"
corrupt() { # WHAT SQL FRAGMENT
	sqlite3 chk.db ".backup bad.db"
	sqlite3 bad.db "$2"
	"$YIBAO" check --db bad.db >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc "$1" 1 "$3"
}
corrupt "an accumulator amount" "UPDATE accum SET amount=amount+1 WHERE psn_no='E1' AND bucket='oe_dedc'" "accumulator differs"
corrupt "an account balance" "UPDATE acct SET balc=balc-1 WHERE psn_no='E1'" "balance differs"
corrupt "a settlement amount" "UPDATE setl SET hifp_pay=hifp_pay+1 WHERE msgid='CK-1'" "identity"
corrupt "a fee line amount" "UPDATE setl_fee SET det_item_fee_sumamt=det_item_fee_sumamt+1" "fee lines"
corrupt "a lost account movement" "DELETE FROM acct_mov WHERE psn_no='F2'" "account movements differ"
corrupt "a lost idempotency record" "DELETE FROM idem WHERE msgid='CK-1'" "idempotency"
corrupt "a cancel un-flagged" "UPDATE setl SET cancelled=0 WHERE msgid='CK-2'" "cancel does not mirror"
corrupt "flagged cancelled without a cancel" "UPDATE setl SET cancelled=1 WHERE msgid='CK-1'" "without exactly one cancel"
corrupt "a settlement without its accumulator delta" "DELETE FROM setl_accum WHERE setl_id=(SELECT setl_id FROM setl WHERE msgid='CK-1')" "accumulator differs"
corrupt "an orphan fee line" "PRAGMA foreign_keys=OFF; INSERT INTO setl_fee SELECT psn_no, 'S777', feedetl_sn, med_list_codg, det_item_fee_sumamt, cnt, pric, chrgitm_lv, selfpay_prop, pric_uplmt_amt, fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt FROM setl_fee LIMIT 1" "orphan fee line"

# ============================================== visits (issues 4 and 6)
# The visit API of ledger.h (2201-2208, 2301-2305, 2401-2405, 2601, 3201,
# 5201-5206) through tests/ledger/visit_test.c, which states each
# expectation next to its call, then the calc cases replayed through the
# ledger; then yibao check on what it left, and on corrupted copies.
begin "visits, fee lines, stays, reversal (tests/ledger/visit_test.c)"
VISIT_TEST=${VISIT_TEST:-$(dirname "${YIBAO_REAL:-$YIBAO}")/tests/visit_test}
case $VISIT_TEST in /*) ;; *) VISIT_TEST=$ROOT/$VISIT_TEST ;; esac
if [ -x "$VISIT_TEST" ]; then
	if [ -n "${YIBAO_REAL:-}" ]; then # tests/pg/shim/yibao: --db FILE becomes a PostgreSQL URL
		YIBAO_REAL=$VISIT_TEST "$YIBAO" --db visit.db --cases "$CASES" >"$T/out" 2>"$T/err"
	else
		"$VISIT_TEST" --db visit.db --cases "$CASES" >"$T/out" 2>"$T/err"
	fi
	rc=$?
	grep "^FAIL" "$T/err" >&2
	summary=$(grep "^visit tests:" "$T/out")
	echo "   $summary; $(grep -c '^   replayed' "$T/out") calc cases replayed"
	expect_rc "visit_test" 0
	[ "$(grep -c '^   replayed' "$T/out")" -ge 20 ] && ok || bad "fewer than 20 calc cases replayed"
	"$YIBAO" check --db visit.db >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc "yibao check after the visit tests" 0
	corrupt_v() { # WHAT SQL FRAGMENT
		sqlite3 visit.db ".backup badv.db"
		sqlite3 badv.db "$2"
		"$YIBAO" check --db badv.db >"$T/out" 2>"$T/err"
		rc=$?
		expect_rc "$1" 1 "$3"
	}
	# rows picked by key (row values), as both SQLite and PostgreSQL read them
	a_settled_line="(psn_no, mdtrt_id, feedetl_sn) = (SELECT psn_no, mdtrt_id, feedetl_sn FROM feedetail WHERE setl_id <> '' ORDER BY 1, 2, 3 LIMIT 1)"
	a_settled_visit="(psn_no, mdtrt_id) = (SELECT psn_no, mdtrt_id FROM mdtrt WHERE final_setl_id <> '' ORDER BY 1, 2 LIMIT 1)"
	corrupt_v "a settled line whose settlement is gone" \
		"UPDATE feedetail SET setl_id='S999999999999999' WHERE $a_settled_line" "without a standing settlement"
	corrupt_v "an unsettled line in a settled visit" \
		"UPDATE feedetail SET setl_id='' WHERE (psn_no, mdtrt_id, feedetl_sn) = (SELECT f.psn_no, f.mdtrt_id, f.feedetl_sn FROM feedetail f JOIN mdtrt m ON m.psn_no = f.psn_no AND m.mdtrt_id = f.mdtrt_id WHERE m.final_setl_id <> '' ORDER BY 1, 2, 3 LIMIT 1)" \
		"finally settled visit with unsettled fee lines"
	corrupt_v "a stay's deductible" \
		"UPDATE mdtrt SET mid_setl_dedc = mid_setl_dedc + 1 WHERE $a_settled_visit" "deductible differs"
	corrupt_v "a visit that forgot its final settlement" \
		"UPDATE mdtrt SET final_setl_id = '' WHERE $a_settled_visit" "not recorded on its visit (IP3)"
	corrupt_v "an uploaded line without its visit" \
		"PRAGMA foreign_keys=OFF; UPDATE feedetail SET mdtrt_id = 'M404' WHERE $a_settled_line" \
		"orphan fee line (no visit)"
	corrupt_v "two stays at once" \
		"INSERT INTO mdtrt SELECT psn_no, 'M999999999999999', 999999, fixmedins_code, 'X', insutype, med_type, begntime, endtime, dise_codg, dise_name, diagnoses, ipt_otp_no, dscg_way, status, 0, '' FROM mdtrt WHERE med_type BETWEEN 21 AND 29 AND status <> 'cancelled' ORDER BY psn_no, mdtrt_id LIMIT 1" \
		"overlapping inpatient stays"
	corrupt_v "a cancelled visit that kept its lines" \
		"UPDATE mdtrt SET status = 'cancelled' WHERE (psn_no, mdtrt_id) = (SELECT m.psn_no, m.mdtrt_id FROM mdtrt m JOIN feedetail f ON f.psn_no = m.psn_no AND f.mdtrt_id = m.mdtrt_id ORDER BY 1, 2 LIMIT 1)" \
		"cancelled visit with a standing settlement or fee lines"
else
	bad "$VISIT_TEST not built (make ledger-test builds it)"
fi

end=$(date +%s)
echo "ledger tests: $passes passed, $fails failed, $known known bugs ($((end - start)) s)"
[ "$fails" -eq 0 ]
