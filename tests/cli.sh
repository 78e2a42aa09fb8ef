#!/bin/sh
# Tests of the real binary (run by `make cli-test`, from the repository
# root, with YIBAO=build/yibao): exit codes, output on stdout, and error
# messages on stderr that name the field or file:line. POSIX sh and grep;
# temporary files live in one mktemp -d folder, removed at exit.
set -u
YIBAO=${YIBAO:-build/yibao}
unset YIBAO_POLICY_DIR
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
exec </dev/null
passed=0
failed=0

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
	echo "  stdout:" >&2
	grep '' "$tmp/out" >&2
	echo "  stderr:" >&2
	grep '' "$tmp/err" >&2
}

# expect NAME RC CMD...: runs CMD, stdout to $tmp/out and stderr to
# $tmp/err, and checks its exit status. Its stdin is the function's: give
# one with `expect ... <FILE`, else it reads /dev/null (set below).
expect() {
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		passed=$((passed + 1))
	else
		fail "$name: exit $rc, wanted $want"
	fi
}

# has NAME out|err TEXT: the stream holds TEXT (a fixed string).
has() {
	if grep -qF -- "$3" "$tmp/$2"; then
		passed=$((passed + 1))
	else
		fail "$1: $2 lacks '$3'"
	fi
}

# empty NAME out|err: nothing was written to the stream.
empty() {
	if grep -q '' "$tmp/$2"; then
		fail "$1: $2 is not empty"
	else
		passed=$((passed + 1))
	fi
}

# count NAME out|err PATTERN N: N lines match the basic regex PATTERN.
count() {
	n=$(grep -c -- "$3" "$tmp/$2")
	if [ "$n" -eq "$4" ]; then
		passed=$((passed + 1))
	else
		fail "$1: $n lines of $2 match '$3', wanted $4"
	fi
}

# -------------------------------------------------------------- inputs

# A retiree at a level-1 institution: a class-B drug (4.52, 5 % first
# self-pay, the NHSA 2204 sample) and a blood count above its price cap.
cat >"$tmp/visit.json" <<'EOF'
{
  "admdvs": "340600",
  "psn": {"psn_no": "P001", "insutype": "310", "psn_type": "1201", "gend": "1",
          "brdy": "1955-03-02", "acct_balc": 50.00},
  "accumulators": {"oe_dedc": 150.00},
  "visits": [
    {"fixmedins": {"fixmedins_code": "H34060000001", "fixmedins_type": "1", "hosp_lv": "1",
                   "prim_flag": "1", "admdvs": "340602"},
     "mdtrt": {"mdtrt_id": "M1", "med_type": "11", "begntime": "2024-03-01 09:30:00",
               "acct_used_flag": "1"},
     "feedetail": [
       {"feedetl_sn": "1", "med_list_codg": "XJ01CRA229A001010100512",
        "det_item_fee_sumamt": 4.52, "cnt": 1, "pric": 4.52},
       {"feedetl_sn": "2", "med_list_codg": "250101001", "det_item_fee_sumamt": "300.00", "cnt": 1}
     ]}
  ]
}
EOF

# The same visit with three decimals on the second line.
cat >"$tmp/bad_amount.json" <<'EOF'
{"admdvs": "340600",
 "psn": {"psn_no": "P001", "insutype": "310", "psn_type": "1201"},
 "visits": [{"fixmedins": {"fixmedins_code": "H1", "fixmedins_type": "1", "admdvs": "340602"},
             "mdtrt": {"mdtrt_id": "M1", "med_type": "11", "begntime": "2024-03-01 09:30:00"},
             "feedetail": [{"feedetl_sn": "1", "med_list_codg": "250101001", "det_item_fee_sumamt": 4.52},
                           {"feedetl_sn": "2", "med_list_codg": "250101001", "det_item_fee_sumamt": "4.525"}]}]}
EOF

cat >"$tmp/missing_code.json" <<'EOF'
{"admdvs": "340600",
 "psn": {"psn_no": "P001", "insutype": "310", "psn_type": "1201"},
 "visits": [{"fixmedins": {"fixmedins_code": "H1", "fixmedins_type": "1", "admdvs": "340602"},
             "mdtrt": {"mdtrt_id": "M1", "med_type": "11", "begntime": "2024-03-01 09:30:00"},
             "feedetail": [{"feedetl_sn": "1", "det_item_fee_sumamt": 4.52}]}]}
EOF

cat >"$tmp/unknown_admdvs.json" <<'EOF'
{"admdvs": "999999", "psn": {"psn_no": "P001", "insutype": "310", "psn_type": "1201"}, "visits": []}
EOF

printf '{"admdvs": "340600",\n "psn": {\n' >"$tmp/truncated.json"

# No pric, and det_item_fee_sumamt / cnt does not fit a unit price: refused,
# not read as a price of 0 that passes under the cap of 250101001 (CL2).
cat >"$tmp/huge_price.json" <<'EOF'
{"admdvs": "340600",
 "psn": {"psn_no": "P001", "insutype": "310", "psn_type": "1201"},
 "visits": [{"fixmedins": {"fixmedins_code": "H1", "fixmedins_type": "1", "admdvs": "340602"},
             "mdtrt": {"mdtrt_id": "M1", "med_type": "11", "begntime": "2024-03-01 09:30:00"},
             "feedetail": [{"feedetl_sn": "1", "med_list_codg": "250101001",
                            "det_item_fee_sumamt": "999999999.99", "cnt": "0.0001"}]}]}
EOF

# A policy with two errors, on lines 9 and 10.
cat >"$tmp/bad.json" <<'EOF'
{
  "format": "yibao-policy/1",
  "admdvs": "340600",
  "version": "cli",
  "psn_categories": {"all": ["*"]},
  "benefits": [
    {"id": "b1", "rules": ["T1"],
     "when": {"insutype": ["310"], "med_type": ["11"]},
     "ratio": 1.5,
     "annual_limit": 100, "limit_bucket": "nope",
     "fund_pay_type": "310100"}
  ]
}
EOF

# ---------------------------------------------------------------- calc

expect "calc FILE" 0 "$YIBAO" calc "$tmp/visit.json"
has "calc FILE" out '{"results":[{"setlinfo":{"mdtrt_id":"M1"'
has "calc FILE" out '"medfee_sumamt":304.52'
has "calc FILE" out '"preselfpay_amt":0.23'
has "calc FILE" out '"overlmt_selfpay":280.00'
has "calc FILE" out '"accumulators":{"oe_dedc":174.29}}'
count "calc FILE" out '^{.*}$' 1
empty "calc FILE" err
first_out=$(grep '' "$tmp/out")

expect "calc - (stdin)" 0 "$YIBAO" calc - <"$tmp/visit.json"
has "calc - (stdin)" out '"medfee_sumamt":304.52'
if [ "$(grep '' "$tmp/out")" = "$first_out" ]; then
	passed=$((passed + 1))
else
	fail "calc -: output differs from calc FILE"
fi

expect "calc (stdin by default)" 0 "$YIBAO" calc <"$tmp/visit.json"
has "calc (stdin by default)" out '"accumulators":{"oe_dedc":174.29}}'

expect "calc --policy" 0 "$YIBAO" calc --policy policies/340600.json "$tmp/visit.json"
has "calc --policy" out '"medfee_sumamt":304.52'

expect "calc bad amount" 2 "$YIBAO" calc "$tmp/bad_amount.json"
has "calc bad amount" err 'visits[0].feedetail[1].det_item_fee_sumamt'
has "calc bad amount" err 'not a decimal amount (at most 2 decimals)'
empty "calc bad amount" out

expect "calc bad amount (stdin)" 2 "$YIBAO" calc <"$tmp/bad_amount.json"
has "calc bad amount (stdin)" err 'visits[0].feedetail[1].det_item_fee_sumamt'

expect "calc missing field" 2 "$YIBAO" calc "$tmp/missing_code.json"
has "calc missing field" err 'visits[0].feedetail[0].med_list_codg: missing'

expect "calc unit price out of range" 2 "$YIBAO" calc "$tmp/huge_price.json"
has "calc unit price out of range" err 'visits[0].feedetail[0].pric: absent, and det_item_fee_sumamt / cnt is out of range'
empty "calc unit price out of range" out

expect "calc unknown admdvs" 2 "$YIBAO" calc "$tmp/unknown_admdvs.json"
has "calc unknown admdvs" err 'admdvs'
has "calc unknown admdvs" err '999999'
empty "calc unknown admdvs" out

expect "calc truncated JSON" 2 "$YIBAO" calc "$tmp/truncated.json"
has "calc truncated JSON" err 'line 3'

expect "calc missing file" 2 "$YIBAO" calc "$tmp/no-such-file.json"
has "calc missing file" err 'no-such-file.json'

expect "calc unknown option" 2 "$YIBAO" calc --frobnicate "$tmp/visit.json"
has "calc unknown option" err '--frobnicate'

# -------------------------------------------------------------- policy

expect "policy check policies/*.json" 0 "$YIBAO" policy check policies/*.json
has "policy check policies/*.json" out 'policies/340600.json: policy 340600'
has "policy check policies/*.json" out 'catalogue ok'
empty "policy check policies/*.json" err

expect "policy check broken" 2 "$YIBAO" policy check "$tmp/bad.json"
has "policy check broken" err "$tmp/bad.json:9: benefits[0].ratio: ratio outside 0..1"
has "policy check broken" err "$tmp/bad.json:10: benefits[0].limit_bucket: unknown bucket 'nope'"
count "policy check broken" err "^$tmp/bad.json:[0-9][0-9]*: " 2

expect "policy check good and broken" 2 "$YIBAO" policy check policies/340600.json "$tmp/bad.json"
has "policy check good and broken" out 'policies/340600.json: policy 340600'
has "policy check good and broken" err "$tmp/bad.json:9:"

expect "calc under a broken policy" 2 "$YIBAO" calc --policy "$tmp/bad.json" "$tmp/visit.json"
has "calc under a broken policy" err "$tmp/bad.json:9: benefits[0].ratio"

# issue 14 a2: any number of stays in one input (only stays settled in
# parts and not yet finally are held at once): 300 stays of one person
{
	printf '{"admdvs":"340600","psn":{"psn_no":"R1","insutype":"390","psn_type":"1501"},"visits":['
	i=1
	while [ $i -le 300 ]; do
		[ $i -gt 1 ] && printf ','
		printf '{"fixmedins":{"fixmedins_code":"H3","fixmedins_type":"1","hosp_lv":"3","admdvs":"340602"},'
		printf '"mdtrt":{"mdtrt_id":"S%d","med_type":"21","begntime":"2024-01-01 09:00:00","endtime":"2024-01-01 10:00:00"},' $i
		printf '"feedetail":[{"feedetl_sn":"1","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":100.00}]}'
		i=$((i + 1))
	done
	printf ']}\n'
} >"$tmp/stays.json"
expect "calc: 300 stays of one person in one input" 0 "$YIBAO" calc "$tmp/stays.json"
has "calc: 300 stays" out '"mdtrt_id":"S300"'

expect "policy without files" 2 "$YIBAO" policy check
expect "policy unknown verb" 2 "$YIBAO" policy frob policies/340600.json

# ---------------------------------------------------------------- main

expect "no arguments" 2 "$YIBAO"
has "no arguments" err 'usage: yibao'
expect "unknown command" 2 "$YIBAO" frobnicate
has "unknown command" err "unknown command 'frobnicate'"
expect "help" 0 "$YIBAO" --help
has "help" out 'usage: yibao'

echo "cli: $passed checks passed, $failed failed ($YIBAO)"
[ "$failed" -eq 0 ]
