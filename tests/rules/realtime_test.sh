#!/bin/sh
# Supervision in real time (issue 7 phase B, docs/rules.md "What phase B
# wires"): the rules of rules/ judge every settlement inside its unit.
#  1. yibao settle (inline lines): a warn rule settles and its finding is
#     recorded with the settlement; a refuse rule (S1-DUP, LIM-GEND-M) fails
#     naming the rule and writes nothing; a cancelled settlement is no
#     longer history.
#  2. yibao serve: 2201 -> 2204 with drug_trac_codg and drugtracinfo[] ->
#     2207 (tests/rules/flows/realtime), a code settled again elsewhere
#     refused (S2-REUSE, infcode -1), a second consultation the same day
#     settled with its finding, said in warn_msg (a retry: the same bytes); 3503/3501 record stock codes; 3101/3102
#     answer result[] (swap, reuse, quantity; rule_ids; a clean case; a
#     malformed one) writing nothing; then the store's rows checked.
#
# usage: YIBAO=build/yibao FLOW=build/tests/flow sh tests/rules/realtime_test.sh
# (tests/pg/pg_test.sh runs it on PostgreSQL through its shims)
set -u

ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
FLOW=${FLOW:-build/tests/flow}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
case $FLOW in /*) ;; *) FLOW=$ROOT/$FLOW ;; esac
export YIBAO_POLICY_DIR="$ROOT/policies"
export YIBAO_RULES_DIR="$ROOT/rules"
DATA=$ROOT/tests/integration/data.jsonl
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-realtime.XXXXXX") || exit 1
. "$ROOT/tests/masking/collect.sh"
scan_init realtime
cleanup() {
	[ -f "$T/pid" ] && kill "$(cat "$T/pid")" 2>/dev/null
	scan_logs "$T/log"
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; }
# expect WHAT GOT WANT
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
DB=$T/rt.db
q() { sqlite3 -readonly "$DB" "$1"; }

"$YIBAO" load --db "$T/rt.db" "$DATA" >/dev/null || { echo "realtime_test: load failed" >&2; exit 1; }

# settle MSGID PSN MDTRT BEGNTIME LINES: yibao settle at the clinic
settle() {
	printf '{"msgid":"%s","fixmedins_code":"H34060300101","psn_no":"%s","mdtrt":{"mdtrt_id":"%s","med_type":"11","begntime":"%s","acct_used_flag":"0"},"feedetail":[%s]}\n' \
		"$1" "$2" "$3" "$4" "$5" >"$T/in.json"
	"$YIBAO" settle --db "$T/rt.db" "$T/in.json" >"$T/out" 2>"$T/err"
	rc=$?
}
line() { printf '{"feedetl_sn":"%s","med_list_codg":"%s","det_item_fee_sumamt":%s,"cnt":%s,"pric":%s}' "$@"; }
M=34060000000000000001
F=34060000000000000002
CONSULT=$(line 1 110200001 10.00 1 10.00)
DRUG=$(line 2 XC09AAK063A001010104328 30.00 1 30.00)

settle I1 $M IV1 "2024-03-01 09:00:00" "$CONSULT,$DRUG"
expect "a clean settlement" "$rc:$(q 'SELECT count(*) FROM setl_finding')" "0:0"
S1=$(q "SELECT setl_id FROM setl WHERE mdtrt_id = 'IV1'")
expect "its days of care and fingerprint are kept" \
	"$(q "SELECT count(*) FROM setl WHERE setl_id = '$S1' AND begn_date > 0 AND end_date = begn_date AND fingerprint <> 0")" 1
expect "the counted item's line is history" "$(q "SELECT med_list_codg, cnt FROM setl_item")" "110200001|10000"

settle I2 $M IV2 "2024-03-01 14:00:00" "$(line 1 110200001 10.00 1 10.00),$(line 2 XC09AAK063A001010104328 60.00 2 30.00)"
S2=$(q "SELECT setl_id FROM setl WHERE mdtrt_id = 'IV2'")
expect "a second consultation the same day settles (warn)" "$rc:$([ -n "$S2" ] && echo y)" "0:y"
expect "its finding is recorded with it" \
	"$(q "SELECT rule_id, feedetl_sn, sev_deg, action, vola_amt FROM setl_finding WHERE setl_id = '$S2'")" \
	"LIM-QTY-CONSULT|1|2|1|1000"

n=$(q 'SELECT count(*) FROM setl')
settle I3 $M IV3 "2024-03-01 16:00:00" "$CONSULT,$DRUG"
expect "the first visit again under a new bill: refused (S1-DUP)" "$rc:$(grep -c 'rule S1-DUP' "$T/err")" "2:1"
expect "a refused settlement writes nothing" \
	"$(q 'SELECT count(*) FROM setl'):$(q 'SELECT count(*) FROM setl_finding'):$(q 'SELECT count(*) FROM setl_item')" "$n:1:2"

settle I4 $F IV4 "2024-03-02 09:00:00" "$(line 1 250310025 80.00 1 80.00)"
expect "a male-only test for a woman: refused (LIM-GEND-M)" "$rc:$(grep -c 'rule LIM-GEND-M' "$T/err")" "2:1"

"$YIBAO" cancel --db "$T/rt.db" --setl-id "$S1" --msgid I1C --fixmedins-code H34060300101 >/dev/null 2>"$T/err"
expect "a cancel takes its lines out of the history" "$?:$(q "SELECT count(*) FROM setl_item WHERE setl_id = '$S1'")" "0:0"
settle I5 $M IV5 "2024-03-01 16:00:00" "$CONSULT,$DRUG"
expect "after the cancel the visit settles again" "$rc:$(q "SELECT count(*) FROM setl_finding WHERE rule_id = 'S1-DUP'")" "0:0"

"$YIBAO" check --db "$DB" >"$T/check" 2>&1
expect "yibao check after settlements, a refusal and a cancel" "$?" 0
sqlite3 "$DB" ".backup $T/bad.db"
sqlite3 "$T/bad.db" "INSERT INTO setl_trac VALUES('X1', 'S-NONE', '1', '$M', 'H34060300101', 'X01', 19783, 10000, 0);
	DELETE FROM setl WHERE setl_id = 'none'" 2>"$T/err"
"$YIBAO" check --db "$T/bad.db" >"$T/check" 2>&1
expect "yibao check finds a code kept for a settlement not on record" \
	"$?:$(grep -c 'setl_trac: a code kept for a settlement that does not stand: S-NONE' "$T/check")" "1:1"

settle I6 $M IV6 "2024-03-05 09:00:00" "$CONSULT"
settle I7 $M IV7 "2024-03-05 09:00:00" "$CONSULT"
expect "the same again: refused" "$rc" 2
"$YIBAO" settle --db "$T/rt.db" --rules none "$T/in.json" >/dev/null 2>"$T/err"
expect "--rules none: nothing judged, it settles" "$?" 0
"$YIBAO" settle --db "$T/rt.db" --rules "$T/nowhere" "$T/in.json" >/dev/null 2>"$T/err"
expect "--rules of a missing folder is an error" "$?:$(grep -c nowhere "$T/err")" "2:1"

# ---------------------------------------------- through yibao serve
[ -x "$FLOW" ] || { echo "realtime_test: $FLOW not built" >&2; exit 1; }
DB=$T/rt2.db
"$YIBAO" load --db "$DB" "$DATA" >/dev/null || exit 1
: >"$T/log"
"$YIBAO" serve --db "$DB" --listen 127.0.0.1:0 --threads 4 2>>"$T/log" &
echo $! >"$T/pid"
i=0
while [ $i -lt 200 ] && ! grep -q '"event":"listening"' "$T/log"; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$T/log" | head -n 1)
FLOW_SCAN=$SCAN_FLOW "$FLOW" --url "http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService" --data "$DATA" \
	"$ROOT/tests/rules/flows/realtime" >"$T/flow" 2>&1
expect "the flow: 2201 -> 2204 (codes) -> 2207, a reused code refused, a warning settled; 3503/3501 stock; 3101/3102 result[]" "$?" 0
[ $? -eq 0 ] || sed 's/^/     /' "$T/flow" | tail -n 20
kill -TERM "$(cat "$T/pid")"
wait "$(cat "$T/pid")" 2>/dev/null
rm -f "$T/pid"
expect "each settled code is kept with its line (drugtracinfo[]: one a code, cnt split)" \
	"$(q "SELECT drug_trac_codg || ':' || feedetl_sn || ':' || cnt FROM setl_trac ORDER BY 1" | tr '\n' ' ')" \
	"81000000000000000001:2:10000 81000000000000000002:3:10000 81000000000000000003:3:10000 "
expect "the refused settlement left nothing, 3101 wrote nothing" "$(q 'SELECT count(*) FROM setl'):$(q 'SELECT count(*) FROM setl_finding')" 2:1
expect "3501/3503 recorded code -> product and pack size" \
	"$(q "SELECT drug_trac_codg || ':' || med_list_codg || ':' || pack_qty || ':' || infno FROM trac_code ORDER BY 1" | tr '\n' ' ')" \
	"81000000000000000009:XC09AAK063A001010104328:70000:3503 81000000000000000010:XC09AAK063A001010104328:70000:3503 81000000000000000011:XJ01CRA229A001010100512:0:3501 "
expect "the warning is recorded" "$(q 'SELECT rule_id FROM setl_finding')" LIM-QTY-CONSULT
"$YIBAO" check --db "$DB" >"$T/check" 2>&1
expect "yibao check" "$?" 0

echo "realtime tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
