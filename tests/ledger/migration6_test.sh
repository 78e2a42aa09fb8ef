#!/bin/sh
# A store written before migration 6 replays unchanged under this binary.
# tests/ledger/fixtures/store-before-migration6.sql was written by the old
# main (tests/ledger/fixtures/migration6/README.md says how): its
# idempotency records hold whole answers as they were sent. This test
# restores it into a fresh SQLite file with the sqlite3 CLI, starts this
# `yibao serve` on it (loopback, a port the kernel picks) and:
#  - resends every recorded message (migration6/http/NN-*.req.json) with
#    its msgid and body, signed afresh (new timestamp and nonce): the answer
#    is the recorded one (NN-*.ans.json) byte for byte; a message the old
#    server refused after a reversal (NN-*.refused.json) is refused again
#    with the same answer but for its stamp (inf_refmsgid, refmsg_time,
#    respond_time are the clock's; one refusal's text changed on purpose,
#    named below); a message reversed later (NN-*.reversed.json) is kept
#    for the record, its retry being one of the refused;
#  - settles a new visit under new msgids (2201, 2204, 2207): its retries
#    answer byte for byte as the first time;
#  - runs the recorded `yibao settle` inputs and `yibao cancel` again: stdout
#    is the old binary's byte for byte; a new `yibao settle` and its retry
#    print the same bytes;
#  - checks the migrated idem rows (fmt 0, response unchanged, req filled
#    in: "settle|<psn_no>|*" where it was empty) and `yibao check` clean.
#
#   YIBAO=build/yibao sh tests/ledger/migration6_test.sh      (make migration6-test)
set -u
MSGZH=${MSGZH:-build/tests/msgzh}

YIBAO=${YIBAO:-build/yibao}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
FIX=$HERE/fixtures
M6=$FIX/migration6
export YIBAO_POLICY_DIR="$ROOT/policies"
YIBAO_RULES_DIR=${YIBAO_RULES_DIR:-none}
export YIBAO_RULES_DIR
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-m6.XXXXXX") || exit 1
SPID=""
pass=0
fail=0

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
exec </dev/null

ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
bad() {
	fail=$((fail + 1))
	printf 'FAIL %s\n' "$1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /'
	return 0
}

for tool in sqlite3 curl sha256sum; do
	command -v $tool >/dev/null 2>&1 || { echo "migration6_test: $tool is required" >&2; exit 1; }
done
[ -x "$YIBAO" ] || { echo "migration6_test: $YIBAO not built" >&2; exit 1; }

q() { sqlite3 -readonly "$T/db" "$1"; }

# same WHAT WANT GOT: files equal byte for byte, else both shown
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		bad "$1" "recorded: $(cat "$2")
now:      $(cat "$3")"
	fi
}

# ------------------------------------------------------------ the old store

sqlite3 "$T/db" <"$FIX/store-before-migration6.sql" || { echo "migration6_test: restore failed" >&2; exit 1; }
[ "$(q 'PRAGMA user_version')" = 5 ] && ok "the restored store is version 5" ||
	bad "the restored store is version 5" "$(q 'PRAGMA user_version')"
# what the old binary recorded, to compare after the migration
q "SELECT fixmedins_code, msgid, psn_no, infno, state, ref, hex(response) FROM idem ORDER BY 1, 2" >"$T/idem.before"
q "SELECT fixmedins_code || ' ' || msgid || ' ' || req FROM idem ORDER BY fixmedins_code, msgid" >"$T/req.before"
OLD_ROWS=$(wc -l <"$T/idem.before")

# ------------------------------------------------------------ the server

: >"$T/log"
start_server() {
	n=$(grep -c '"event":"listening"' "$T/log")
	"$YIBAO" serve --db "$T/db" --listen 127.0.0.1:0 --threads 4 2>>"$T/log" &
	SPID=$!
	i=0
	PORT=""
	while [ $i -lt 200 ]; do
		if [ "$(grep -c '"event":"listening"' "$T/log")" -gt "$n" ]; then
			PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$T/log" | tail -n 1)
			break
		fi
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$PORT" ] || { cat "$T/log" >&2; echo "migration6_test: the server did not start" >&2; exit 1; }
	URL="http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService"
}
stop_server() {
	kill -TERM "$SPID"
	wait "$SPID"
	SPID=""
}

nonce() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
sig() { printf '%s' "$1$2$3$1" | sha256sum | cut -d' ' -f1; } # ts secret nonce

# send FILE: posts FILE's bytes as they are, signed for the fixmedins_code
# it names with that institution's secret in the store, a fresh timestamp
# and nonce; the answer body in $T/out
send() {
	code=$(sed -n 's/.*"fixmedins_code":"\([^"]*\)".*/\1/p' "$1")
	secret=$(q "SELECT secret FROM fixmedins WHERE fixmedins_code='$code'")
	ts=$(date +%s)
	n=$(nonce)
	STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' -H "x-tif-paasid: $code" \
		-H "x-tif-timestamp: $ts" -H "x-tif-nonce: $n" \
		-H "x-tif-signature: $(sig "$ts" "$secret" "$n")" \
		--data-binary @"$1" "$URL")
}

# an answer without its stamp (the three members the clock gives)
# A refusal is a new answer, in today's envelope: the stamp aside, and the
# envelope's enctype and signtype (issue 13), which answers now carry.
unstamp() {
	sed -e 's/"inf_refmsgid":"[^"]*","refmsg_time":"[^"]*","respond_time":"[^"]*"/"inf_refmsgid":"","refmsg_time":"","respond_time":""/' \
	    -e 's/,"enctype":"","signtype":""//' "$1"
}

start_server

# --------------------------------------------- every recorded message again

for req in "$M6"/http/*.req.json; do
	name=$(basename "$req" .req.json)
	send "$req"
	if [ -f "$M6/http/$name.ans.json" ]; then
		same "$name: the old answer byte for byte (HTTP $STATUS)" "$M6/http/$name.ans.json" "$T/out"
	elif [ -f "$M6/http/$name.refused.json" ]; then
		# The old binary's inline 2207 did not see that its msgid had been
		# voided by a 2601 and answered "already used for another message";
		# every path now answers as docs/ledger.md says ("reversed (2601)
		# before it arrived"), as the old 2201 path did. A refusal, not a
		# record replayed: the one difference allowed, and named here.
		# Refusals now read in Chinese (issue 13): the recorded English
		# err_msg goes through the message catalogue (tests/tools/msgzh).
		case $name in
		15-2207-voided-late) unstamp "$M6/http/$name.refused.json" |
			sed 's/was already used for another message"/was reversed (2601) before it arrived; send a new message"/' ;;
		*) unstamp "$M6/http/$name.refused.json" ;;
		esac >"$T/want.en"
		en=$(sed -n 's/.*"err_msg":"\([^"]*\)".*/\1/p' "$T/want.en")
		zh=$(printf '%s\n' "$en" | "$MSGZH")
		awk -v en="\"err_msg\":\"$en\"" -v zh="\"err_msg\":\"$zh\"" \
			'{ i = index($0, en); if (i) $0 = substr($0, 1, i - 1) zh substr($0, i + length(en)); print }' \
			"$T/want.en" >"$T/want"
		unstamp "$T/out" | awk "{ print }" >"$T/got"
		same "$name: refused as the old binary refused it (stamp aside)" "$T/want" "$T/got"
	elif [ -f "$M6/http/$name.reversed.json" ]; then
		: # reversed by a later 2601: its retry is a refused message of its own
	else
		bad "$name: no recorded answer"
	fi
done
# a second round: the first did not change what a retry gets
for req in "$M6"/http/*.req.json; do
	name=$(basename "$req" .req.json)
	[ -f "$M6/http/$name.ans.json" ] || continue
	send "$req"
	cmp -s "$M6/http/$name.ans.json" "$T/out" || bad "$name: a second retry differs" "$(cat "$T/out")"
done
ok "a second round of retries: the same answers"

# ------------------------------------------------- a new message afterwards

CLINIC=H34060300101 P1=34060000000000000001 CERT1=340602197003150011
envelope() { # envelope FILE INFNO MSGID INPUT
	printf '{"infno":"%s","msgid":"%s","fixmedins_code":"%s","insuplc_admdvs":"340600","mdtrtarea_admvs":"340603","inf_time":"2024-03-08 09:00:00","opter":"01","input":%s}' \
		"$2" "$3" $CLINIC "$4" >"$T/$1"
}
envelope new2201.json 2201 ${CLINIC}202403080900000001 '{"data":{"psn_no":"'$P1'","insutype":"310","begntime":"2024-03-08 09:00:00","mdtrt_cert_type":"02","mdtrt_cert_no":"'$CERT1'","ipt_otp_no":"MZ0308"}}'
send "$T/new2201.json"
cp "$T/out" "$T/new2201.out"
MDTRT=$(sed -n 's/.*"mdtrt_id":"\([^"]*\)".*/\1/p' "$T/out")
grep -q '^{"infcode":0,' "$T/out" && [ -n "$MDTRT" ] && ok "new 2201 registers ($MDTRT)" || bad "new 2201" "$(cat "$T/out")"
envelope new2204.json 2204 ${CLINIC}202403080910000001 '{"feedetail":[{"feedetl_sn":"1","mdtrt_id":"'"$MDTRT"'","psn_no":"'$P1'","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":"60.00","cnt":"2","pric":"30.00","drug_trac_codg":"81000000000000000005"}]}'
send "$T/new2204.json"
cp "$T/out" "$T/new2204.out"
grep -q '^{"infcode":0,' "$T/out" && ok "new 2204 uploads" || bad "new 2204" "$(cat "$T/out")"
envelope new2207.json 2207 ${CLINIC}202403080920000001 '{"data":{"psn_no":"'$P1'","mdtrt_cert_type":"02","mdtrt_cert_no":"'$CERT1'","med_type":"11","medfee_sumamt":"60.00","mdtrt_id":"'"$MDTRT"'","chrg_bchno":"0000","acct_used_flag":"1","insutype":"310"}}'
send "$T/new2207.json"
cp "$T/out" "$T/new2207.out"
grep -q '^{"infcode":0,.*"setl_id":"S[0-9]*".*"medfee_sumamt":60.00' "$T/out" && ok "new 2207 settles" || bad "new 2207" "$(cat "$T/out")"
for m in 2201 2204 2207; do
	send "$T/new$m.json"
	same "new $m retried: its first answer byte for byte" "$T/new$m.out" "$T/out"
done
stop_server
start_server
for m in 2201 2207; do
	send "$T/new$m.json"
	same "new $m retried after a restart: its first answer byte for byte" "$T/new$m.out" "$T/out"
done
send "$M6/http/03-2207-settle.req.json"
same "03-2207-settle after a restart: the old answer byte for byte" "$M6/http/03-2207-settle.ans.json" "$T/out"
stop_server

# --------------------------------------------------- yibao settle and cancel

for n in 1 2; do
	"$YIBAO" settle --db "$T/db" "$M6/cli/$n-settle.json" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] || bad "yibao settle cli/$n-settle.json: exit $rc" "$(cat "$T/err")"
	same "yibao settle cli/$n-settle.json again: the old output byte for byte" "$M6/cli/$n-settle.out" "$T/out"
done
# shellcheck disable=SC2046
"$YIBAO" cancel --db "$T/db" $(cat "$M6/cli/3-cancel.args") >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || bad "yibao cancel again: exit $rc" "$(cat "$T/err")"
same "yibao cancel again: the old output byte for byte" "$M6/cli/3-cancel.out" "$T/out"

printf '{"msgid":"CLI-SETTLE-NEW","fixmedins_code":"%s","psn_no":"%s","mdtrt":{"mdtrt_id":"CLI-0309","med_type":"11","begntime":"2024-03-09 09:00:00","acct_used_flag":"1"},"feedetail":[{"feedetl_sn":"1","med_list_codg":"001101000010000","det_item_fee_sumamt":"10.00","cnt":"1","pric":"10.00"}]}\n' \
	$CLINIC $P1 >"$T/cli-new.json"
"$YIBAO" settle --db "$T/db" "$T/cli-new.json" >"$T/cli-new.out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && grep -q '^{"setl_id":"S[0-9]*"' "$T/cli-new.out" && ok "a new yibao settle settles" ||
	bad "a new yibao settle: exit $rc" "$(cat "$T/cli-new.out" "$T/err")"
"$YIBAO" settle --db "$T/db" "$T/cli-new.json" >"$T/out" 2>"$T/err"
same "the new yibao settle again: its first output byte for byte" "$T/cli-new.out" "$T/out"

# ------------------------------------------------------ the migrated records

[ "$(q 'PRAGMA user_version')" -ge 6 ] && ok "the store is migrated (version $(q 'PRAGMA user_version'))" ||
	bad "the store is migrated" "$(q 'PRAGMA user_version')"
q "SELECT fixmedins_code, msgid, psn_no, infno, state, ref, hex(response) FROM idem
   WHERE fixmedins_code || ' ' || msgid IN (SELECT fixmedins_code || ' ' || msgid FROM idem WHERE fmt = 0)
   ORDER BY 1, 2" >"$T/idem.after"
same "the $OLD_ROWS old idem rows are the fmt 0 rows, responses unchanged" "$T/idem.before" "$T/idem.after"
n=$(q "SELECT count(*) FROM idem WHERE fmt = 0 AND req = ''")
[ "$n" = 0 ] && ok "every old idem row has a req" || bad "every old idem row has a req" "$(q "SELECT msgid FROM idem WHERE fmt = 0 AND req = ''")"
n=0
for req in "$M6"/http/*.req.json; do
	[ -f "${req%.req.json}.refused.json" ] && continue
	msgid=$(sed -n 's/.*"msgid":"\([^"]*\)".*/\1/p' "$req")
	[ "$(q "SELECT fmt || ' ' || (req <> '') || ' ' || (substr(response, 1, 12) = '{\"infcode\":0') FROM idem WHERE msgid = '$msgid'")" = "0 1 1" ] ||
		{ bad "$(basename "$req"): its idem row is fmt 0, a whole answer, with a req" "$(q "SELECT * FROM idem WHERE msgid = '$msgid'")"; n=$((n + 1)); }
done
[ $n = 0 ] && ok "the old HTTP answers: fmt 0, a whole answer, req non-empty"
# the keys migration 6 fills in, and the others kept
q "SELECT fixmedins_code || ' ' || msgid || ' ' || req FROM idem WHERE fmt = 0 ORDER BY fixmedins_code, msgid" >"$T/req.after"
sed "s/^\(H34060200001 H34060200001202403050900000001\) \$/\1 settle|34060000000000000002|*/;
     s/^\(H34060300101 CLI-SETTLE-1\) \$/\1 settle|34060000000000000001|*/;
     s/^\(H34060200001 CLI-SETTLE-2\) \$/\1 settle|34060000000000000002|*/" "$T/req.before" >"$T/req.want"
same "req: settle|<psn_no>|* for the inline 2207 and yibao settle, the others unchanged" "$T/req.want" "$T/req.after"
n=$(q "SELECT count(*) FROM idem WHERE fmt = 1 AND msgid LIKE '${CLINIC}20240308%' AND stamp LIKE '%|%|%'")
[ "$n" = 3 ] && ok "the new messages' records: fmt 1 with their stamp" ||
	bad "the new messages' records: fmt 1 with their stamp" "$(q "SELECT msgid, fmt, stamp FROM idem WHERE fmt <> 0")"

# ----------------------------------------------------------------- the books

if "$YIBAO" check --db "$T/db" >"$T/check" 2>&1 && grep -q ' 0 violations' "$T/check"; then
	ok "yibao check: $(head -n 1 "$T/check")"
else
	bad "yibao check after the migration" "$(cat "$T/check")"
fi

echo "migration6_test: $pass passed, $fail failed"
[ $fail -eq 0 ]
