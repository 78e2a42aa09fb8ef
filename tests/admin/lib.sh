# Sourced by tests/admin/*.sh: results, a fresh store loaded from
# tests/admin/data.jsonl with the first administrator (password
# admin-secret-pw-1), `yibao serve` on a port the kernel picks, and curl.
#
#   NAME=xyz . tests/admin/lib.sh    then T (scratch dir), ok, bad, api,
#                                    field, start_server, stop_server
YIBAO=${YIBAO:-build/yibao}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export YIBAO_POLICY_DIR="$ROOT/policies"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-$NAME.XXXXXX")
SPID=""
pass=0
fail=0

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
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
