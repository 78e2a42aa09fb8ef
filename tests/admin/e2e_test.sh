#!/bin/sh
# Issue 8's end to end: a person enrolled, paid and registered through the
# administration API settles correctly through the national interface.
#
#   a clerk enrols a new resident for 2024 (POST /enrolments)
#   2201 for a visit on 2024-03-15 is refused: not insured (no payment)
#   the clerk records the payment (POST /payments): covered for 2024
#   the clerk records a hypertension application and the experts' yes
#   2201 -> 2204 -> 2207 with `yibao call`: the amounts of `yibao calc`
#   a chronic-disease visit (med_type 14) for diabetes, never confirmed:
#     settled with the pooled fund paying 0, citing CD6
#   one for hypertension, confirmed: the amounts of `yibao calc`
#   the history shows the settlements; the audit chain holds; yibao check
#
# usage: YIBAO=build/yibao sh tests/admin/e2e_test.sh
set -u
NAME=e2e
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

CERT=34060219800101101X

"$YIBAO" staff add --db "$T/db" --id admin --role administrator --password-file "$T/pw" >/dev/null ||
	{ echo "e2e: staff add failed" >&2; exit 1; }
start_server "$T/log" --business-time "2023-10-08 10:00:00"

# api2 METHOD PATH [BODY]: api with the current $TOKEN
api2() { api "$1" "$2" "$TOKEN" ${3+"$3"}; }
# same_as_calc NAME LEDGER CALC: the setlinfo amounts agree to the fen
same_as_calc() {
	for k in medfee_sumamt inscp_scp_amt act_pay_dedc hifp_pay fund_pay_sumamt psn_part_amt psn_cash_pay; do
		[ "$(num $k "$2")" = "$(num $k "$3")" ] || { bad "$1: $k" "ledger $(num $k "$2"), calc $(num $k "$3")"; return 1; }
	done
}
num() { grep -o "\"$1\":-\\{0,1\\}[0-9.]*" "$2" | head -n 1 | cut -d: -f2; }

login admin admin-secret-pw-1
api2 POST /staff '{"staff_id":"clerk1","role":"clerk","password":"clerk-secret-pw-1"}'
login clerk1 clerk-secret-pw-1
[ -n "$TOKEN" ] && ok "a clerk logs in" || bad "login" "$(cat "$T/out")"

api2 POST /enrolments "{\"admdvs\":\"340600\",\"year\":2024,\"psn\":{\"certno\":\"$CERT\",\"psn_name\":\"张三\",\"gend\":\"1\",\"brdy\":\"1980-01-01\",\"hukou_admdvs\":\"340602\"}}"
PSN=$(field psn_no)
[ "$STATUS" = 200 ] && grep -q '"status":"registered"' "$T/out" && ok "enrolled through the API: $PSN" || bad "enrol" "$(cat "$T/out")"

his_1101

reg a2201.json "2024-03-15 09:00:00" 11
call "$T/1101.json" "$T/a2201.json"
[ $? -ne 0 ] && grep -q '在 2024-03-15 无有效参保信息' "$T/call" "$T/callerr" && ok "before the payment: 2201 refused, not insured" ||
	bad "2201 before payment" "$(cat "$T/call" "$T/callerr" | head -c 600)"

api2 POST /payments "{\"pay_id\":\"E2E-0001\",\"certno\":\"$CERT\",\"psn_name\":\"张三\",\"year\":2024,\"amount\":\"380.00\",\"paid_time\":\"2023-10-08 09:30:00\",\"channel\":\"wechat\"}"
[ "$STATUS" = 200 ] && grep -q '"matched":1' "$T/out" && ok "paid through the API: covered 2024" || bad "pay" "$(cat "$T/out")"
api2 POST /chronic-applications "{\"psn_no\":\"$PSN\",\"dise_codg\":\"I10\",\"channel\":\"counter\",\"applied\":\"2023-10-01\"}"
APPL=$(field appl_id)
api2 POST "/chronic-applications/$APPL/decision" '{"result":"confirmed","decided":"2023-10-08"}'
[ "$STATUS" = 200 ] && ok "hypertension confirmed through the API (CD6)" || bad "chronic" "$(cat "$T/out")"

# visit A: general outpatient
msg a2204.json 2204 "{\"feedetail\":[$(line 1 001101000010000 10.00 1 10.00),$(line 2 XC09AAK063A001010104328 180.00 6 30.00)]}"
setl a2207.json 11 190.00
call "$T/1101.json" "$T/a2201.json" "$T/a2204.json" "$T/a2207.json" &&
	ok "2201 -> 2204 -> 2207 settled" || bad "visit A" "$(cat "$T/call" "$T/callerr" | head -c 800)"
cat >"$T/calc.json" <<EOF
{"admdvs":"340600","psn":{"psn_no":"X","insutype":"390","psn_type":"1501","brdy":"1980-01-01","gend":"1","insu_admdvs":"340600"},
 "visits":[{"fixmedins":{"fixmedins_code":"$CLINIC","fixmedins_type":"1","hosp_lv":"1","prim_flag":"1","admdvs":"340603"},
  "mdtrt":{"mdtrt_id":"V1","med_type":"11","begntime":"2024-03-15 09:00:00"},
  "feedetail":[{"feedetl_sn":"1","med_list_codg":"001101000010000","det_item_fee_sumamt":10.00,"cnt":1,"pric":10.00},
               {"feedetl_sn":"2","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":180.00,"cnt":6,"pric":30.00}]},
  {"fixmedins":{"fixmedins_code":"$CLINIC","fixmedins_type":"1","hosp_lv":"1","prim_flag":"1","admdvs":"340603"},
  "mdtrt":{"mdtrt_id":"V3","med_type":"14","begntime":"2024-03-20 09:00:00","dise_codg":"I10.x00"},
  "feedetail":[{"feedetl_sn":"1","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":180.00,"cnt":6,"pric":30.00}]}]}
EOF
"$YIBAO" calc "$T/calc.json" >"$T/calc" 2>&1 || bad "yibao calc" "$(cat "$T/calc")"
# each visit's setlinfo of calc's answer, one a file
sed 's/"setlinfo":/\n/g' "$T/calc" | sed -n 2p >"$T/calc1"
sed 's/"setlinfo":/\n/g' "$T/calc" | sed -n 3p >"$T/calc2"
tail -n 1 "$T/call" >"$T/a"
same_as_calc "visit A" "$T/a" "$T/calc1" && [ "$(num hifp_pay "$T/a")" != "0.00" ] &&
	ok "visit A: the amounts of yibao calc to the fen (pooled fund $(num hifp_pay "$T/a"))"

# visit B: diabetes, no confirmed application -> CD6
reg b2201.json "2024-03-18 09:00:00" 14
diag b2203.json E11.900
msg b2204.json 2204 "{\"feedetail\":[$(line 1 XC09AAK063A001010104328 180.00 6 30.00)]}"
setl b2207.json 14 180.00
call "$T/1101.json" "$T/b2201.json" "$T/b2203.json" "$T/b2204.json" "$T/b2207.json" || bad "visit B" "$(cat "$T/call" "$T/callerr" | head -c 800)"
tail -n 1 "$T/call" >"$T/b"
[ "$(num fund_pay_sumamt "$T/b")" = "0.00" ] && [ "$(num psn_cash_pay "$T/b")" = "180.00" ] && grep -q 'CD6: med_type 14 needs a confirmed chronic-disease application covering E11.900' "$T/b" &&
	ok "an unconfirmed chronic disease: the pooled fund pays 0, citing CD6" || bad "visit B" "$(head -c 900 "$T/b")"

# visit C: hypertension, confirmed
reg c2201.json "2024-03-20 09:00:00" 14
diag c2203.json I10.x00
msg c2204.json 2204 "{\"feedetail\":[$(line 1 XC09AAK063A001010104328 180.00 6 30.00)]}"
setl c2207.json 14 180.00
call "$T/1101.json" "$T/c2201.json" "$T/c2203.json" "$T/c2204.json" "$T/c2207.json" || bad "visit C" "$(cat "$T/call" "$T/callerr" | head -c 800)"
tail -n 1 "$T/call" >"$T/c"
same_as_calc "visit C" "$T/c" "$T/calc2" && [ "$(num fund_pay_sumamt "$T/c")" != "0.00" ] &&
	ok "a confirmed chronic disease: the amounts of yibao calc (fund $(num fund_pay_sumamt "$T/c"))"

api2 GET "/persons/$PSN/history"
n=$(grep -o '"setl_id":"S' "$T/out" | wc -l)
[ "$n" -eq 3 ] && grep -q '"pay_id":"E2E-0001"' "$T/out" && ok "the history shows the coverage's payment and 3 settlements" ||
	bad "history" "$(head -c 600 "$T/out")"
login admin admin-secret-pw-1
api2 GET /audit/verify
grep -q '"ok":true' "$T/out" && ok "the audit chain holds ($(num records "$T/out") records)" || bad "audit" "$(cat "$T/out")"
kill -TERM "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
SPID=""
"$YIBAO" check --db "$T/db" >"$T/out" 2>&1 && ok "yibao check: $(head -n 1 "$T/out")" || bad "yibao check" "$(cat "$T/out")"

echo "e2e tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
