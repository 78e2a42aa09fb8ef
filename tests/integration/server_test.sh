#!/bin/sh
# Integration test of `yibao serve`: starts the real server on a loopback
# port the kernel picks, with a fresh SQLite store loaded from data.jsonl,
# and speaks the national interface to it with curl: envelope errors,
# limits, every gateway refusal, 9001, 1101, 2206 = 2207, idempotent
# retries (also concurrent ones), 2208, the masked access log, and a
# SIGTERM while a request is still uploading. Ends with `yibao check`.
# Its log and answers are kept for the personal-data scan (tests/masking/).
#
# usage: YIBAO=build/yibao sh tests/integration/server_test.sh
set -u

YIBAO=${YIBAO:-build/yibao}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export YIBAO_POLICY_DIR="$ROOT/policies"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-it.XXXXXX")
SPID=""
pass=0
fail=0

. "$ROOT/tests/masking/collect.sh"
scan_init server
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	scan_logs "$T/log"
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
bad() {
	fail=$((fail + 1))
	printf 'FAIL %s\n' "$1"
	[ $# -gt 1 ] && printf '     %s\n' "$2"
	return 0
}

command -v curl >/dev/null 2>&1 || { echo "server_test: curl is required" >&2; exit 1; }
[ -x "$YIBAO" ] || { echo "server_test: $YIBAO not built" >&2; exit 1; }

CLINIC=H34060300101 CLINIC_SECRET=it-secret-clinic
L3=H34060200001 L3_SECRET=it-secret-l3
NOSECRET=H34060200009
CERT1=340602197003150011 NAME1=张建国

# ------------------------------------------------------------ server

"$YIBAO" load --db "$T/db" "$HERE/data.jsonl" >/dev/null || { echo "server_test: load failed" >&2; exit 1; }

start_server() {
	: >> "$T/log"
	"$YIBAO" serve --db "$T/db" --listen 127.0.0.1:0 --threads 4 2>>"$T/log" &
	SPID=$!
	i=0
	while [ $i -lt 100 ]; do
		PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$T/log" | tail -n 1)
		[ -n "$PORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$PORT" ] || { cat "$T/log" >&2; echo "server_test: server did not start" >&2; exit 1; }
	URL="http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService"
}
start_server

# ------------------------------------------------------------ client

nonce() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
sig() { printf '%s' "$1$2$3$1" | sha256sum | cut -d' ' -f1; } # ts secret nonce

# call CODE SECRET FILE [TS [NONCE]]: the answer in $T/out, status in $STATUS
call() {
	ts=${4:-$(date +%s)}
	n=${5:-$(nonce)}
	STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' -H "x-tif-paasid: $1" \
		-H "x-tif-timestamp: $ts" -H "x-tif-nonce: $n" \
		-H "x-tif-signature: $(sig "$ts" "$2" "$n")" \
		--data-binary @"$3" "$URL")
}

# expect NAME STATUS INFCODE [FIXED-STRING-IN-BODY]
expect() {
	body=$(cat "$T/out")
	if [ "$STATUS" != "$2" ]; then
		bad "$1" "HTTP $STATUS, want $2: $body"
	elif ! printf '%s' "$body" | grep -q "^{\"infcode\":$3,"; then
		bad "$1" "want infcode $3: $body"
	elif [ $# -gt 3 ] && ! printf '%s' "$body" | grep -qF -- "$4"; then
		bad "$1" "want '$4' in: $body"
	else
		ok "$1"
	fi
}

# field NAME FILE: the first scalar value of "NAME" in a JSON file
field() { grep -o "\"$1\":\(\"[^\"]*\"\|[^,}]*\)" "$2" | head -n 1 | sed "s/^\"$1\"://"; }

msg() { # msg FILE INFNO MSGID FIXMEDINS INPUT
	printf '{"infno":"%s","msgid":"%s","fixmedins_code":"%s","insuplc_admdvs":"340600","mdtrtarea_admvs":"340603","inf_time":"2024-03-01 09:00:00","opter":"01","sign_no":"","input":%s}\n' \
		"$2" "$3" "$4" "$5" > "$T/$1"
}

FEES='[{"feedetl_sn":"1","med_list_codg":"001101000010000","det_item_fee_sumamt":10.00,"cnt":1,"pric":10.00},
 {"feedetl_sn":"2","med_list_codg":"250101001","det_item_fee_sumamt":"20.00","cnt":"1","pric":"20.00"},
 {"feedetl_sn":"3","med_list_codg":"XJ01CRA229A001010100512","det_item_fee_sumamt":45.20,"cnt":2,"pric":22.60},
 {"feedetl_sn":"4","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":180.00,"cnt":6,"pric":30.00},
 {"feedetl_sn":"5","med_list_codg":"XN06BXX001B001010100000","det_item_fee_sumamt":58.00,"cnt":1,"pric":58.00}]'
DATA1='"psn_no":"34060000000000000001","mdtrt_cert_type":"02","mdtrt_cert_no":"'$CERT1'","med_type":"11","medfee_sumamt":"313.20","psn_setlway":"01","mdtrt_id":"MD2024030100001","chrg_bchno":"B1","acct_used_flag":"1","insutype":"310","begntime":"2024-03-01 09:00:00"'

# -------------------------------------------------- envelope and limits

printf '{"infno":"1101",' > "$T/trunc.json"
call $CLINIC $CLINIC_SECRET "$T/trunc.json"
expect "malformed JSON: infcode -1 with the parser's message" 200 -1 '"err_msg":"第 1 行第 17 列：此处应为成员名"'

msg unknown.json 9999 H34060300101202403010900009999 $CLINIC '{}'
call $CLINIC $CLINIC_SECRET "$T/unknown.json"
expect "unknown infno" 200 -1 '"err_msg":"不支持的交易 9999"'

printf '{"infno":1101,"fixmedins_code":"%s","input":{}}' $CLINIC > "$T/nomsgid.json"
call $CLINIC $CLINIC_SECRET "$T/nomsgid.json"
expect "missing msgid" 200 -1 '"err_msg":"缺少必填参数 msgid"'

msg noinput.json 1101 H34060300101202403010900000100 $CLINIC '[]'
call $CLINIC $CLINIC_SECRET "$T/noinput.json"
expect "input not an object" 200 -1 '"err_msg":"input 应为对象"'

printf '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' > "$T/deep.json"
call $CLINIC $CLINIC_SECRET "$T/deep.json"
expect "JSON nested deeper than 32" 200 -1 '嵌套层数过多'

head -c 2097152 /dev/zero | tr '\0' ' ' > "$T/big.json"
call $CLINIC $CLINIC_SECRET "$T/big.json"
expect "2 MiB body: 413" 413 -1 '请求报文超过 1 MiB'
STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T/big.json" "$URL")
expect "2 MiB chunked body: 413" 413 -1 '请求报文超过 1 MiB'

STATUS=$(curl -s -o "$T/out" -w '%{http_code}' "$URL")
expect "GET: 405" 405 -1 '只接受 POST 请求'
STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -d '{}' "http://127.0.0.1:$PORT/other")
expect "other path: 404" 404 -1

# ----------------------------------------------------- authentication

msg s9001.json 9001 H34060300101202403010900000001 $CLINIC '{"signIn":{"opter_no":"01","mac":"00:11:22:33:44:55","ip":"10.0.0.1"}}'
STATUS=$(curl -s -o "$T/out" -w '%{http_code}' --data-binary @"$T/s9001.json" "$URL")
expect "no gateway headers: 401" 401 -1 '缺少请求头 x-tif-paasid'

call $CLINIC wrong-secret "$T/s9001.json"
expect "bad signature: 401" 401 -1 '签名不符（x-tif-signature）'

call $CLINIC $CLINIC_SECRET "$T/s9001.json" $(($(date +%s) - 400))
expect "timestamp 400 s old: 401" 401 -1 'x-tif-timestamp 与服务器时间相差超过 300 秒'
call $CLINIC $CLINIC_SECRET "$T/s9001.json" $(($(date +%s) + 400))
expect "timestamp 400 s ahead: 401" 401 -1 'x-tif-timestamp 与服务器时间相差超过 300 秒'

TS=$(date +%s) N=$(nonce)
call $CLINIC $CLINIC_SECRET "$T/s9001.json" "$TS" "$N"
expect "9001 sign in" 200 0 '"signinoutb":{"sign_no":"340603'
SIGN_NO=$(field sign_no "$T/out" | tr -d '"')
[ ${#SIGN_NO} -eq 30 ] && ok "sign_no has 30 characters" || bad "sign_no has 30 characters" "$SIGN_NO"
REFID=$(field inf_refmsgid "$T/out" | tr -d '"')
[ ${#REFID} -eq 30 ] && ok "inf_refmsgid has 30 characters" || bad "inf_refmsgid has 30 characters" "$REFID"
RT=$(field respond_time "$T/out" | tr -d '"')
[ ${#RT} -eq 17 ] && ok "respond_time is yyyyMMddHHmmssSSS" || bad "respond_time is yyyyMMddHHmmssSSS" "$RT"
call $CLINIC $CLINIC_SECRET "$T/s9001.json" "$TS" "$N"
expect "replayed nonce: 401" 401 -1 'x-tif-nonce 已被使用'

call $L3 $L3_SECRET "$T/s9001.json"
expect "body fixmedins_code differs from x-tif-paasid: 401" 401 -1 'fixmedins_code 与请求头 x-tif-paasid 不一致'
call H99999999999 whatever "$T/s9001.json"
expect "unknown institution: 401" 401 -1 '未知的机构（x-tif-paasid）'
msg nosecret.json 9001 H34060200009202403010900000001 $NOSECRET '{"signIn":{"opter_no":"01"}}'
call $NOSECRET "" "$T/nosecret.json"
expect "institution without a secret: 401" 401 -1 '该机构未配置网关密钥'

msg s9002.json 9002 H34060300101202403010900000002 $CLINIC '{"signOut":{"sign_no":"'"$SIGN_NO"'","opter_no":"01"}}'
call $CLINIC $CLINIC_SECRET "$T/s9002.json"
expect "9002 sign out" 200 0 "\"sign_no\":\"$SIGN_NO\""

# ------------------------------------------ 1301 and its file (9102)

msg cat.json 1301 H34060300101202403010900000040 $CLINIC '{"data":{"ver":"0","page_size":"3"}}'
call $CLINIC $CLINIC_SECRET "$T/cat.json"
expect "1301 from version 0: a file reference" 200 0 '"file_qury_no":"plc/1301/3/0"'
msg file.json 9102 H34060300101202403010900000041 $CLINIC '{"fsDownloadIn":{"file_qury_no":"plc/1301/3/0","filename":"x.zip","fixmedins_code":"plc"}}'
ts=$(date +%s) n=$(nonce)
STATUS=$(curl -s -D "$T/file.hdr" -o "$T/file.zip" -w '%{http_code}' -X POST -H "x-tif-paasid: $CLINIC" \
	-H "x-tif-timestamp: $ts" -H "x-tif-nonce: $n" -H "x-tif-signature: $(sig "$ts" $CLINIC_SECRET "$n")" \
	--data-binary @"$T/file.json" "$URL")
[ "$STATUS" = 200 ] && grep -qi '^content-type: application/octet-stream' "$T/file.hdr" &&
	[ "$(head -c 4 "$T/file.zip" | od -An -tx1 | tr -d ' \n')" = 504b0304 ] &&
	[ "$(grep -c "$(printf '\t')1970" "$T/file.zip")" -ge 1 ] &&
	ok "9102: the file as application/octet-stream, a ZIP" ||
	bad "9102: the file as application/octet-stream, a ZIP" "HTTP $STATUS: $(cat "$T/file.hdr")"

# --------------------------------------------------------------- 1101

msg p1.json 1101 H34060300101202403010900000003 $CLINIC '{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"'$CERT1'","psn_name":"'$NAME1'","begntime":"2024-03-01"}}'
call $CLINIC $CLINIC_SECRET "$T/p1.json"
expect "1101 by ID card" 200 0 '"baseinfo":{"psn_no":"34060000000000000001"'
grep -qF '"insuinfo":[{"balc":1200.00,"insutype":"310"' "$T/out" && ok "1101 insuinfo" || bad "1101 insuinfo" "$(cat "$T/out")"

msg p2.json 1101 H34060300101202403010900000004 $CLINIC '{"data":{"psn_cert_type":"01","certno":"'$CERT1'","begntime":"2024-03-01"}}'
call $CLINIC $CLINIC_SECRET "$T/p2.json"
expect "1101 by psn_cert_type + certno" 200 0 '"psn_no":"34060000000000000001"'

msg px.json 1101 H34060300101202403010900000009 $CLINIC '{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"34060219900101007x","begntime":"2024-03-01"}}'
call $CLINIC $CLINIC_SECRET "$T/px.json"
expect "1101 with the check character typed as x" 200 0 '"psn_no":"34060000000000000007"'
msg p3.json 1101 H34060300101202403010900000005 $CLINIC '{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"340602197003150012"}}'
call $CLINIC $CLINIC_SECRET "$T/p3.json"
expect "1101 with a wrong certificate number" 200 -1 'input.data.mdtrt_cert_no 查无此证件'
msg p4.json 1101 H34060300101202403010900000006 $CLINIC '{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"'$CERT1'","psn_name":"李四"}}'
call $CLINIC $CLINIC_SECRET "$T/p4.json"
expect "1101 with the wrong name" 200 -1 'input.data.mdtrt_cert_no 查无此证件号码和姓名的参保人员'
msg p5.json 1101 H34060300101202403010900000007 $CLINIC '{"data":{"psn_no":"34060000000000000001"}}'
call $CLINIC $CLINIC_SECRET "$T/p5.json"
expect "1101 by psn_no alone is refused" 200 -1 '缺少必填参数 input.data.mdtrt_cert_no'
msg p6.json 1101 H34060300101202403010900000008 $CLINIC '{"data":{"mdtrt_cert_type":"01","mdtrt_cert_no":"abc"}}'
call $CLINIC $CLINIC_SECRET "$T/p6.json"
expect "1101 e-voucher: not yet" 200 -1 'input.data.mdtrt_cert_type 暂不支持 01'

# ------------------------------------------------ 2206, 2207 and 2208

msg pre.json 2206 H34060300101202403010900000010 $CLINIC "{\"data\":{$DATA1},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/pre.json"
expect "2206 pre-settlement" 200 0 '"setl_id":null'
cp "$T/out" "$T/pre.out"
# the server hands the ledger the visit it was sent: same answer as `yibao settle`
# (with the same msgid and certificate type, which the answer repeats)
printf '{"msgid":"H34060300101202403010900000010","mdtrt_cert_type":"02","fixmedins_code":"%s","psn_no":"34060000000000000001","insutype":"310","mdtrt":{"mdtrt_id":"MD2024030100001","med_type":"11","begntime":"2024-03-01 09:00:00","acct_used_flag":"1"},"feedetail":%s}' \
	$CLINIC "$FEES" > "$T/cli.json"
"$YIBAO" settle --db "$T/db" --dry-run "$T/cli.json" > "$T/cli.out" 2>&1
[ "$(sed 's/.*"setlinfo"://; s/,"setldetail".*//' "$T/cli.out")" = "$(sed 's/.*"setlinfo"://; s/,"setldetail".*//' "$T/pre.out")" ] &&
	ok "2206 answers as yibao settle --dry-run" || bad "2206 answers as yibao settle --dry-run" "$(cat "$T/cli.out")"

msg setl.json 2207 H34060300101202403010900000011 $CLINIC "{\"data\":{$DATA1},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/setl.json"
expect "2207 settlement" 200 0 '"medfee_sumamt":313.20'
cp "$T/out" "$T/setl.out"
SETL_ID=$(sed -n 's/.*"setlinfo":{[^}]*"setl_id":"\([^"]*\)".*/\1/p' "$T/setl.out")
[ -n "$SETL_ID" ] && ok "2207 gives a setl_id ($SETL_ID)" || bad "2207 gives a setl_id" "$(cat "$T/setl.out")"
# the amounts of 2206 and 2207 agree, setl_id, medins_setl_id (each message's
# own msgid) and envelope aside
strip() { sed 's/.*"output"://; s/"setl_id":[^,]*,//g; s/"medins_setl_id":[^,]*,//g' "$1"; }
[ "$(strip "$T/pre.out")" = "$(strip "$T/setl.out")" ] && ok "2206 equals 2207" ||
	bad "2206 equals 2207" "$(strip "$T/pre.out") vs $(strip "$T/setl.out")"
# the four identities of NHSA.md, to the fen (amounts print with 2 decimals)
fen() { field "$1" "$2" | tr -d '".'; }
identities() {
	m=$(fen medfee_sumamt "$1") f=$(fen fund_pay_sumamt "$1") p=$(fen psn_part_amt "$1")
	[ $m -eq $(($(fen fulamt_ownpay_amt "$1") + $(fen overlmt_selfpay "$1") + $(fen preselfpay_amt "$1") + $(fen inscp_scp_amt "$1"))) ] &&
	[ $m -eq $((f + p + $(fen hosp_part_amt "$1"))) ] &&
	[ $p -eq $(($(fen acct_pay "$1") + $(fen psn_cash_pay "$1"))) ] &&
	[ $f -eq $(($(fen hifp_pay "$1") + $(fen cvlserv_pay "$1") + $(fen hifes_pay "$1") + $(fen hifmi_pay "$1") + $(fen hifob_pay "$1") + $(fen maf_pay "$1") + $(fen oth_pay "$1"))) ]
}
identities "$T/setl.out" && ok "2207 setlinfo: the four identities of NHSA.md" ||
	bad "2207 setlinfo: the four identities of NHSA.md" "$(cat "$T/setl.out")"
call $CLINIC $CLINIC_SECRET "$T/setl.json"
cmp -s "$T/out" "$T/setl.out" && ok "2207 retried msgid: first response byte for byte" ||
	bad "2207 retried msgid: first response byte for byte" "$(cat "$T/out")"

msg sameid.json 2208 H34060300101202403010900000011 $CLINIC '{"data":{"setl_id":"'"$SETL_ID"'","mdtrt_id":"MD2024030100001","psn_no":"34060000000000000001"}}'
call $CLINIC $CLINIC_SECRET "$T/sameid.json"
expect "a 2208 reusing a 2207 msgid" 200 -1 '报文 ID 已被一笔 2207 交易使用'

# concurrent first tries of one msgid: one settlement, one answer
DATA2=$(printf '%s' "$DATA1" | sed 's/MD2024030100001/MD2024030100002/')
msg race.json 2207 H34060300101202403010900000012 $CLINIC "{\"data\":{$DATA2},\"feedetail\":$FEES}"
pids=""
for i in 1 2 3 4 5 6; do
	ts=$(date +%s) n=$(nonce)
	curl -s -o "$T/race.$i" -H "x-tif-paasid: $CLINIC" -H "x-tif-timestamp: $ts" -H "x-tif-nonce: $n" \
		-H "x-tif-signature: $(sig "$ts" $CLINIC_SECRET "$n")" --data-binary @"$T/race.json" "$URL" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
same=1
for i in 2 3 4 5 6; do cmp -s "$T/race.1" "$T/race.$i" || same=0; done
grep -q '^{"infcode":0,' "$T/race.1" || same=0
[ $same = 1 ] && ok "six concurrent tries of one 2207: six identical answers" || bad "six concurrent tries of one 2207" "$(cat "$T"/race.*)"

msg missing.json 2207 H34060300101202403010900000013 $CLINIC "{\"data\":{\"mdtrt_id\":\"M\",\"med_type\":\"11\",\"medfee_sumamt\":1},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/missing.json"
expect "2207 without psn_no" 200 -1 '"err_msg":"缺少必填参数 input.data.psn_no"'
msg sum.json 2207 H34060300101202403010900000014 $CLINIC "{\"data\":{$(printf '%s' "$DATA1" | sed 's/313.20/313.21/')},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/sum.json"
expect "2207 whose total is not its lines'" 200 -1 '医疗费总额 313.21 不等于费用明细合计（313.20）'
msg amt.json 2207 H34060300101202403010900000015 $CLINIC "{\"data\":{$DATA1},\"feedetail\":$(printf '%s' "$FEES" | sed 's/"det_item_fee_sumamt":45.20/"det_item_fee_sumamt":45.201/')}"
call $CLINIC $CLINIC_SECRET "$T/amt.json"
expect "fee line amount with 3 decimals" 200 -1 'input.feedetail[2].det_item_fee_sumamt 不是有效金额（至多 2 位小数）'
msg dup.json 2207 H34060300101202403010900000016 $CLINIC "{\"data\":{$DATA1},\"feedetail\":$(printf '%s' "$FEES" | sed 's/"feedetl_sn":"5"/"feedetl_sn":"1"/')}"
call $CLINIC $CLINIC_SECRET "$T/dup.json"
expect "repeated feedetl_sn" 200 -1 'feedetl_sn 与第'
msg cert.json 2207 H34060300101202403010900000017 $CLINIC "{\"data\":{$(printf '%s' "$DATA1" | sed "s/$CERT1/340602195805200022/")},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/cert.json"
expect "2207 with another person's ID card" 200 -1 'input.data.mdtrt_cert_no 不是该人员编号的证件号码'
msg oe5.json 2207 H34060300101202403010900000018 $CLINIC "{\"data\":{$(printf '%s' "$DATA1" | sed 's/0000000000000001/0000000000000005/; s/"mdtrt_cert_type":"02",//')},\"feedetail\":$FEES}"
call $CLINIC $CLINIC_SECRET "$T/oe5.json"
expect "2207 for a person paused for arrears (OE5)" 200 -1 '参保人员 34060000000000000005 因欠费于'

msg c1.json 2208 H34060300101202403010900000020 $L3 '{"data":{"setl_id":"'"$SETL_ID"'","mdtrt_id":"MD2024030100001","psn_no":"34060000000000000001"}}'
call $L3 $L3_SECRET "$T/c1.json"
expect "2208 of another institution's settlement" 200 -1 "本机构没有结算 $SETL_ID"
msg c2.json 2208 H34060300101202403010900000021 $CLINIC '{"data":{"setl_id":"'"$SETL_ID"'","mdtrt_id":"MD2024030100999","psn_no":"34060000000000000001"}}'
call $CLINIC $CLINIC_SECRET "$T/c2.json"
expect "2208 naming the wrong visit" 200 -1 'input.data.mdtrt_id 不是结算'
msg c3.json 2208 H34060300101202403010900000022 $CLINIC '{"data":{"setl_id":"'"$SETL_ID"'","mdtrt_id":"MD2024030100001","psn_no":"34060000000000000001"}}'
call $CLINIC $CLINIC_SECRET "$T/c3.json"
expect "2208 cancel" 200 0 '"medfee_sumamt":-313.20'
cp "$T/out" "$T/c3.out"
call $CLINIC $CLINIC_SECRET "$T/c3.json"
cmp -s "$T/out" "$T/c3.out" && ok "2208 retried msgid: first response byte for byte" ||
	bad "2208 retried msgid: first response byte for byte" "$(cat "$T/out")"
msg c4.json 2208 H34060300101202403010900000023 $CLINIC '{"data":{"setl_id":"'"$SETL_ID"'","mdtrt_id":"MD2024030100001","psn_no":"34060000000000000001"}}'
call $CLINIC $CLINIC_SECRET "$T/c4.json"
expect "2208 twice" 200 -1 '已撤销'

# ------------------------------------------------------ yibao call

printf '{"infno":"1101","input":{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"%s","begntime":"2024-03-01"}}}' $CERT1 > "$T/c1101.json"
printf '{"infno":"5206","insuplc_admdvs":"340600","input":{"data":{"psn_no":"{{psn_no}}","cum_ym":"2024"}}}' > "$T/c5206.json"
"$YIBAO" call --url "http://127.0.0.1:$PORT" --fixmedins-code $CLINIC --secret $CLINIC_SECRET \
	"$T/c1101.json" "$T/c5206.json" > "$T/call.out" 2> "$T/call.err"
rc=$?
scan_call "$T/call.out" "$T/c1101.json" "$T/c5206.json"
[ $rc -eq 0 ] && [ "$(grep -c '^{"infcode":0,' "$T/call.out")" -eq 2 ] && grep -qF '"cuminfo":[' "$T/call.out" &&
	ok "yibao call: signs, fills msgid, carries {{psn_no}} from 1101 into 5206 (exit 0)" ||
	bad "yibao call: a chain of two messages" "exit $rc: $(cat "$T/call.out" "$T/call.err")"
"$YIBAO" call --url "http://127.0.0.1:$PORT" --fixmedins-code $CLINIC --secret wrong "$T/c1101.json" > "$T/call.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -qF '签名不符（x-tif-signature）' "$T/call.out" &&
	ok "yibao call: a refused message exits 1 and shows the answer" || bad "yibao call: refused" "exit $rc: $(cat "$T/call.out")"
printf 'not json' > "$T/cbad.json"
"$YIBAO" call --url "http://127.0.0.1:$PORT" --fixmedins-code $CLINIC --secret $CLINIC_SECRET "$T/cbad.json" > "$T/call.out" 2>&1
rc=$?
[ $rc -eq 2 ] && ok "yibao call: a file that is not a message exits 2" || bad "yibao call: bad file" "exit $rc: $(cat "$T/call.out")"
"$YIBAO" call --url "https://127.0.0.1:$PORT" --fixmedins-code $CLINIC --secret s "$T/c1101.json" > "$T/call.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'only http://' "$T/call.out" && ok "yibao call: https:// is refused (no TLS in the client)" ||
	bad "yibao call: https" "exit $rc: $(cat "$T/call.out")"

# ------------------------------------------- SIGHUP: institutions read again

printf '{"kind":"fixmedins","fixmedins_code":"%s","fixmedins_name":"无密钥诊所","fixmedins_type":"1","hosp_lv":"1","prim_flag":"1","admdvs":"340602","secret":"it-secret-late"}\n' $NOSECRET > "$T/late.jsonl"
"$YIBAO" load --db "$T/db" "$T/late.jsonl" > /dev/null 2>&1 || bad "yibao load beside a running server"
msg late.json 9001 H34060200009202403010900000002 $NOSECRET '{"signIn":{"opter_no":"01"}}'
call $NOSECRET it-secret-late "$T/late.json"
expect "a secret loaded by another process: not seen before SIGHUP" 401 -1 '该机构未配置网关密钥'
kill -HUP "$SPID"
i=0
while ! grep -q '"event":"reload"' "$T/log" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
msg late2.json 9001 H34060200009202403010900000003 $NOSECRET '{"signIn":{"opter_no":"01"}}'
call $NOSECRET it-secret-late "$T/late2.json"
expect "SIGHUP: institutions read again, the new secret is let in" 200 0 '"signinoutb"'

# ------------------------------------------------------ the access log

if grep -qF -e "$CERT1" -e "$NAME1" "$T/log"; then
	bad "access log has no certificate number or name in clear" "$(grep -F -e "$CERT1" -e "$NAME1" "$T/log" | head -n 3)"
else
	ok "access log has no certificate number or name in clear"
fi
grep -qF '"subject":"340*************11"' "$T/log" && ok "access log masks the certificate looked up" ||
	bad "access log masks the certificate looked up" "$(grep 1101 "$T/log" | head -n 2)"
grep -q '"infno":"2207","msgid":"H34060300101202403010900000011","status":200,"infcode":0,"us":[0-9]*}' "$T/log" &&
	ok "access log line: fixmedins_code, infno, msgid, status, infcode, duration" ||
	bad "access log line" "$(grep 2207 "$T/log" | head -n 2)"

# ------------------------------------------- graceful stop with a request in flight

# a valid 9001 padded to 300 kB, uploaded at 100 kB/s: SIGTERM lands mid-upload
msg slow.json 9001 H34060300101202403010900000030 $CLINIC '{"signIn":{"opter_no":"01"}}'
head -c 300000 /dev/zero | tr '\0' ' ' >> "$T/slow.json"
ts=$(date +%s) n=$(nonce)
curl -s -o "$T/slow.out" -w '%{http_code}' --limit-rate 100k -H "x-tif-paasid: $CLINIC" \
	-H "x-tif-timestamp: $ts" -H "x-tif-nonce: $n" -H "x-tif-signature: $(sig "$ts" $CLINIC_SECRET "$n")" \
	--data-binary @"$T/slow.json" "$URL" > "$T/slow.status" &
CPID=$!
sleep 1
kill -TERM "$SPID"
wait "$CPID"
wait "$SPID"
rc=$?
SPID=""
STATUS=$(cat "$T/slow.status")
cp "$T/slow.out" "$T/out"
expect "SIGTERM: the request in flight is answered" 200 0 '"signinoutb"'
[ $rc -eq 0 ] && ok "SIGTERM: exit 0" || bad "SIGTERM: exit 0" "exit $rc"
grep -q '"event":"stopped"' "$T/log" && ok "SIGTERM: stopped after closing the ledger" || bad "SIGTERM: stopped" "$(tail -n 3 "$T/log")"
if curl -s -o /dev/null --max-time 2 "$URL"; then bad "SIGTERM: no longer listening"; else ok "SIGTERM: no longer listening"; fi

# ------------------------------------------------------ the books

if "$YIBAO" check --db "$T/db" > "$T/check" 2>&1 && grep -q '^3 settlements checked, 0 violations' "$T/check"; then
	ok "yibao check: 3 settlements (one cancelled), 0 violations"
else
	bad "yibao check" "$(cat "$T/check")"
fi

echo "server_test: $pass passed, $fail failed"
[ $fail -eq 0 ]
