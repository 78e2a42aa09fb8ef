# Sourced by tests/admin/*.sh: results, a fresh store loaded from
# tests/admin/data.jsonl with the first administrator (password
# admin-secret-pw-1), `yibao serve` on a port the kernel picks, and curl.
#
#   NAME=xyz . tests/admin/lib.sh    then T (scratch dir), ok, bad, api,
#                                    login, field, expect, start_server,
#                                    stop_server
# The servers' logs and every answer are kept for the personal-data scan
# (tests/masking/collect.sh).
YIBAO=${YIBAO:-build/yibao}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export YIBAO_POLICY_DIR="$ROOT/policies"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-$NAME.XXXXXX")
SPID=""
SLOGS=""
pass=0
fail=0
. "$ROOT/tests/masking/collect.sh"
scan_init "$NAME"

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	# shellcheck disable=SC2086
	scan_logs $SLOGS
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

command -v curl >/dev/null 2>&1 || { echo "$NAME: curl is required" >&2; exit 1; }
"$YIBAO" load --db "$T/db" "$HERE/data.jsonl" >/dev/null || { echo "$NAME: load failed" >&2; exit 1; }
printf 'admin-secret-pw-1\n' >"$T/pw"

# start_server LOG [serve options]: $PORT, $BASE (the API), $URL (NHSA)
start_server() {
	log=$1
	shift
	: >"$log"
	SLOGS="$SLOGS $log"
	"$YIBAO" serve --db "$T/db" --listen 127.0.0.1:0 --threads 8 "$@" 2>>"$log" &
	SPID=$!
	i=0
	PORT=""
	while [ $i -lt 100 ]; do
		PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$log" | tail -n 1)
		[ -n "$PORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$PORT" ] || { cat "$log" >&2; echo "$NAME: server did not start" >&2; exit 1; }
	BASE="http://127.0.0.1:$PORT/api/v1"
	URL="http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService"
}
stop_server() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
}

# api METHOD PATH TOKEN [BODY]: status in $STATUS, answer in $T/out
api() {
	if [ $# -ge 4 ]; then
		STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
			-H 'Content-Type: application/json' --data-binary "$4" "$BASE$2")
	else
		STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" "$BASE$2")
	fi
}
# login ID PASSWORD: $TOKEN (and $STATUS, $T/out)
login() {
	STATUS=$(curl -s -o "$T/out" -w '%{http_code}' -X POST --data-binary "{\"staff_id\":\"$1\",\"password\":\"$2\"}" "$BASE/login")
	TOKEN=$(field token)
}
# field KEY: the first string member KEY of the answer
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -n 1; }
# expect NAME STATUS [FIXED-STRING...]: the status and strings in the answer
expect() {
	name=$1 want=$2
	shift 2
	[ "$STATUS" = "$want" ] || { bad "$name" "status $STATUS, wanted $want: $(head -c 600 "$T/out")"; return 1; }
	for s do
		grep -qF -- "$s" "$T/out" || { bad "$name" "no '$s' in: $(head -c 600 "$T/out")"; return 1; }
	done
	ok "$name"
}

# ------------------------------------------------- the hospital's side
# The HIS messages of a visit at the clinic of data.jsonl for the person
# with certificate $CERT (insutype $INSUTYPE, acct_used_flag $ACCT), sent
# with `yibao call`; {{psn_no}} and {{mdtrt_id}} come from the answers.
CLINIC=H34060300101 SECRET=adm-secret-clinic INSUTYPE=390 ACCT=0
msg() { # FILE INFNO INPUT
	printf '{"infno":"%s","insuplc_admdvs":"340600","mdtrtarea_admvs":"340603","input":%s}\n' "$2" "$3" >"$T/$1"
}
cert() { printf '"mdtrt_cert_type":"02","mdtrt_cert_no":"%s"' "$CERT"; }
his_1101() {
	msg 1101.json 1101 "{\"data\":{$(cert),\"psn_cert_type\":\"01\",\"certno\":\"$CERT\"}}"
}
reg() { # FILE BEGNTIME MED_TYPE
	msg "$1" 2201 "{\"data\":{\"psn_no\":\"{{psn_no}}\",\"insutype\":\"$INSUTYPE\",\"begntime\":\"$2\",\"med_type\":\"$3\",$(cert),\"ipt_otp_no\":\"MZ-$3-$1\"}}"
}
line() { # SN CODE AMOUNT CNT PRICE
	printf '{"feedetl_sn":"%s","mdtrt_id":"{{mdtrt_id}}","psn_no":"{{psn_no}}","chrg_bchno":"1","med_list_codg":"%s","medins_list_codg":"L%s","det_item_fee_sumamt":%s,"cnt":%s,"pric":%s}' "$1" "$2" "$1" "$3" "$4" "$5"
}
setl() { # FILE MED_TYPE TOTAL
	msg "$1" 2207 "{\"data\":{\"psn_no\":\"{{psn_no}}\",\"mdtrt_id\":\"{{mdtrt_id}}\",$(cert),\"med_type\":\"$2\",\"medfee_sumamt\":\"$3\",\"psn_setlway\":\"01\",\"chrg_bchno\":\"0000\",\"acct_used_flag\":\"$ACCT\",\"insutype\":\"$INSUTYPE\"}}"
}
diag() { # FILE DISE_CODG
	msg "$1" 2203 "{\"mdtrtinfo\":{\"mdtrt_id\":\"{{mdtrt_id}}\",\"psn_no\":\"{{psn_no}}\",\"med_type\":\"14\",\"dise_codg\":\"$2\",\"dise_name\":\"d\"},\"diseinfo\":[{\"diag_type\":\"1\",\"diag_srt_no\":\"1\",\"diag_code\":\"$2\",\"diag_name\":\"d\",\"diag_dept\":\"A03\",\"dise_dor_no\":\"D1\",\"dise_dor_name\":\"d\",\"diag_time\":\"2024-03-20 09:00:00\",\"vali_flag\":\"1\"}]}"
}
# call FILE...: the answers in $T/call (the last one last), errors in $T/callerr
call() {
	"$YIBAO" call --url "$URL" --fixmedins-code "$CLINIC" --secret "$SECRET" "$@" >"$T/call" 2>"$T/callerr"
	_rc=$?
	scan_call "$T/call" "$@"
	return $_rc
}
