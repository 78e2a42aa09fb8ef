#!/bin/sh
# Tests of `yibao enrol`, `yibao retire` and `yibao pay` (run by `make
# enroll-test` from the repository root, with YIBAO=build/yibao): exit codes,
# the answer on stdout, and errors on stderr that name the field or
# file:line. POSIX sh and grep; every temporary file in one folder.
set -u
unset YIBAO_POLICY_DIR
YIBAO=${YIBAO:-build/yibao}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT || exit 2
trap 'exit 2' INT TERM
exec </dev/null
passed=0
failed=0
last=""

# A check failed: say which, with what the last command printed.
bad() {
	failed=$((failed + 1))
	printf 'FAIL: %s: %s\n--- stdout\n' "$last" "$1" >&2
	cat "$tmp/out" >&2
	printf -- '--- stderr\n' >&2
	cat "$tmp/err" >&2
}

# run RC CMD...: runs CMD and wants exit status RC; `out`/`err` then look
# at what it printed.
run() {
	want=$1
	shift
	last="$*"
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then passed=$((passed + 1)); else bad "exit $got, wanted $want"; fi
}
out() { if grep -qF -- "$1" "$tmp/out"; then passed=$((passed + 1)); else bad "stdout lacks '$1'"; fi; }
err() { if grep -qF -- "$1" "$tmp/err"; then passed=$((passed + 1)); else bad "stderr lacks '$1'"; fi; }

# ------------------------------------------------------------ policy check
run 0 "$YIBAO" enrol check policies/340600.enrol.json
out "policies/340600.enrol.json: enrolment policy 340600 2024.1 ok, 2 campaigns"
out "names agree with"

sed 's/"min_living"/"orphan"/g' policies/340600.enrol.json >"$tmp/340600.enrol.json"
cp policies/340600.json "$tmp/340600.json"
run 2 "$YIBAO" enrol check "$tmp/340600.enrol.json"
err "340600.enrol.json:9: identities.orphan: not an identity of the settlement policy"

printf '{"format": "yibao-enrol/1",\n "admdvs": "34060"}\n' >"$tmp/bad.enrol.json"
run 2 "$YIBAO" enrol check "$tmp/bad.enrol.json"
err "bad.enrol.json:2: admdvs: not a 6-digit region code"
err "bad.enrol.json:1: version: missing"

# ------------------------------------------------------------- enrol calc
cat >"$tmp/calc.json" <<'EOF'
{"admdvs": "340600", "year": 2024, "now": "2024-05-31 12:00:00",
 "psn": {"certno": "340602202403010027", "brdy": "2024-03-01", "hukou_admdvs": "340602"},
 "payments": [{"pay_id": "T17", "year": 2024, "amount": 380.00, "paid_time": "2024-05-31 10:00:00"}]}
EOF
run 0 "$YIBAO" enrol calc "$tmp/calc.json"
out '"route":"newborn_late"'
out '"begndate":"2024-06-01"'
out '"rule":"N5"'

run 0 "$YIBAO" enrol calc - <"$tmp/calc.json"
out '"status":"covered"'

sed 's/"brdy"/"birthday"/' "$tmp/calc.json" >"$tmp/typo.json"
run 2 "$YIBAO" enrol calc "$tmp/typo.json"
err "yibao: enrol: psn.birthday: unknown field"

sed 's/"amount": 380.00/"amount": 380.001/' "$tmp/calc.json" >"$tmp/amt.json"
run 2 "$YIBAO" enrol calc "$tmp/amt.json"
err "payments[0].amount: not a decimal amount"

sed 's/"admdvs": "340600", //' "$tmp/calc.json" >"$tmp/noadm.json"
run 2 "$YIBAO" enrol calc "$tmp/noadm.json"
err "admdvs: missing (or give --policy)"
run 0 "$YIBAO" enrol calc --policy policies/340600.enrol.json "$tmp/noadm.json"

sed 's/"admdvs": "340600"/"admdvs": "610900"/' "$tmp/calc.json" >"$tmp/ankang.json"
run 2 "$YIBAO" enrol calc --policy policies/340600.enrol.json "$tmp/ankang.json"
err "admdvs: 610900, but the enrolment policy is 340600's"

sed 's/"year": 2024/"year": 2026/' "$tmp/calc.json" >"$tmp/y2026.json"
run 2 "$YIBAO" enrol calc "$tmp/y2026.json"
err "year: no campaign for 2026"

printf '{"admdvs": "340600", "year": 2024,' >"$tmp/broken.json"
run 2 "$YIBAO" enrol calc "$tmp/broken.json"
err "broken.json: line 1"

# ------------------------------------------------ benefit, remote, chronic, bind
cat >"$tmp/benefit.json" <<'EOF'
{"admdvs": "340600", "day": "2024-03-15", "insutype": "310",
 "contributions": [{"from": "2023-01", "to": "2024-02", "status": "paid"},
                   {"from": "2024-03", "to": "2024-03", "status": "arrears"}]}
EOF
run 0 "$YIBAO" enrol benefit "$tmp/benefit.json"
out '"active":false'
out '"rule":"OE5"'

cat >"$tmp/remote.json" <<'EOF'
{"admdvs": "340600", "psn": {"insutype": "310", "psn_type": "1201"}, "type": "resettled_retiree",
 "place_admdvs": "440300", "applied": "2024-03-08 16:00:00", "channel": "app"}
EOF
run 0 "$YIBAO" enrol remote "$tmp/remote.json"
out '"done_by":"2024-03-12"'

cat >"$tmp/chronic.json" <<'EOF'
{"admdvs": "340600", "day": "2024-03-01", "dise_codg": "I10.x00",
 "applications": [{"dise_codg": "I10", "applied": "2024-01-05", "result": "confirmed", "decided": "2024-01-20"}]}
EOF
run 0 "$YIBAO" enrol chronic "$tmp/chronic.json"
out '"med_type_14":true'
run 0 "$YIBAO" enrol chronic --policy policies/340600.enrol.json \
	--settlement-policy policies/340600.json "$tmp/chronic.json"

cat >"$tmp/bind.json" <<'EOF'
{"admdvs": "340600", "op": "bind", "time": "2024-03-01 10:00:00",
 "initiator": {"psn_no": "E1", "insutype": "310", "insu_admdvs": "340602"},
 "psn": {"psn_no": "C1", "relation": "child", "insu_admdvs": "340603"}}
EOF
run 0 "$YIBAO" enrol bind "$tmp/bind.json"
out '"decision":"accepted"'

run 2 "$YIBAO" enrol frob x.json
err "usage: yibao enrol calc|benefit|remote|chronic|bind"
run 2 "$YIBAO" enrol calc --frob x.json
err "unknown option '--frob'"

# ---------------------------------------------------------------- retire
cat >"$tmp/retire.json" <<'EOF'
{"admdvs": "340600", "psn": {"psn_no": "E1", "gend": "1"}, "retirement_approved": true,
 "apply_month": "2024-03", "deemed_years": 19,
 "contributions": [{"from": "2014-04", "to": "2024-03", "status": "paid"}]}
EOF
run 0 "$YIBAO" retire check "$tmp/retire.json"
out '"eligible":false'
out '"missing_months":12'
out '"amount":6883.20'
run 2 "$YIBAO" retire
err "usage: yibao retire check"

# -------------------------------------------------------- pay reconcile
cat >"$tmp/enrolments.json" <<'EOF'
{"admdvs": "340600", "year": 2024, "now": "2024-01-10 00:00:00",
 "enrolments": [{"psn_no": "P1", "certno": "340602198001011239", "psn_name": "张三",
                 "idet": [{"idet_type": "min_living", "begndate": "2023-01-01"}]},
                {"psn_no": "P2", "certno": "34060219800101101X", "psn_name": "李四"}]}
EOF
cat >"$tmp/payments.csv" <<'EOF'
pay_id,certno,psn_name,year,amount,paid_time,channel
T1,340602198001011239,张三,2024,40.00,2023-10-08 09:30:00,wechat
T2,34060219800101101X,李四,2024,40.00,2023-10-09 09:30:00,alipay
T3,340602198001011239,张三,2024,4O.00,2023-10-09 09:30:00,alipay
EOF
run 0 "$YIBAO" pay reconcile --enrolments "$tmp/enrolments.json" --payments "$tmp/payments.csv"
out '"matched":1,"mismatched":1'
out '"rejected":[{"line":4,"error":"amount:'
out '"due":380.00'
run 0 "$YIBAO" pay reconcile --enrolments "$tmp/enrolments.json" \
	--payments "$tmp/payments.csv" --now "2023-11-01 00:00:00"
out '"now":"2023-11-01 00:00:00"'
out '"status":"payable"'

printf 'id,certno\n' >"$tmp/bad.csv"
run 2 "$YIBAO" pay reconcile --enrolments "$tmp/enrolments.json" --payments "$tmp/bad.csv"
err "bad.csv:1: the first line is not the header"
run 2 "$YIBAO" pay reconcile --enrolments "$tmp/enrolments.json" --payments "$tmp/none.csv"
run 2 "$YIBAO" pay reconcile --payments "$tmp/payments.csv"
err "usage: yibao pay reconcile"

echo "enroll cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
