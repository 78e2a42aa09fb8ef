#!/bin/sh
# An unavailable store is "try again", not a failure (issue 12): with the
# PostgreSQL server stopped under a running `yibao serve`, a 1101 is
# answered HTTP 503 with infcode -1 and an err_msg that says to try again;
# once PostgreSQL is back, the same request is answered (the connection is
# reopened by the next transaction). Needs the throwaway server of
# tests/pg/pg_env.sh (it stops and starts it): sourced there, skipped when
# $YIBAO_PG_URL names a server we do not own.
#
#   YIBAO=build/yibao sh tests/pg/outage_test.sh   (from tests/pg/pg_test.sh)
set -u
ROOT=${ROOT:-$PWD}
YIBAO=${YIBAO:-build/yibao}
[ -n "${YIBAO_PG_TMP:-}" ] || { echo "outage_test: skipped (not our PostgreSQL server)"; exit 0; }
. "$ROOT/tests/pg/pg_env.sh"
YIBAO_PG_AS=""
[ "$(id -u)" -eq 0 ] && YIBAO_PG_AS="runuser -u postgres --"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-outage.XXXXXX") || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [outage]: $1" >&2; }
pg_ctl_as() { $YIBAO_PG_AS "$YIBAO_PG_BIN/pg_ctl" -D "$YIBAO_PG_TMP/data" -l "$YIBAO_PG_TMP/server.log" -w -t 60 "$@" >/dev/null; }
cleanup() {
	[ -f "$T/pid" ] && kill "$(cat "$T/pid")" 2>/dev/null
	pg_ctl_as status >/dev/null 2>&1 || pg_ctl_as start
	rm -rf "$T"
}
trap cleanup EXIT

pg_sql postgres "DROP DATABASE IF EXISTS outage" 2>/dev/null && pg_sql postgres "CREATE DATABASE outage" ||
	{ echo "outage_test: createdb failed" >&2; exit 1; }
DB=$(pg_url outage)
"$YIBAO" load --db "$DB" "$ROOT/tests/integration/flows/data.jsonl" >/dev/null ||
	{ echo "outage_test: load failed" >&2; exit 1; }
"$YIBAO" serve --db "$DB" --listen 127.0.0.1:0 --threads 2 2>"$T/log" &
echo $! > "$T/pid"
i=0
while ! grep -q '"event":"listening"' "$T/log" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$T/log" | head -n 1)
[ -n "$PORT" ] || { cat "$T/log" >&2; echo "outage_test: the server did not start" >&2; exit 1; }

printf '{"infno":"1101","insuplc_admdvs":"340600","input":{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"340602197503120035","psn_cert_type":"01","certno":"340602197503120035"}}}' > "$T/1101.json"
call() {
	"$YIBAO" call --url "http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService" \
		--fixmedins-code H34060300101 --secret flow-secret-clinic --timeout 20 "$T/1101.json" >"$T/out" 2>"$T/err"
}

call && grep -q '"infcode":0' "$T/out" && ok || bad "1101 before the outage: $(cat "$T/out" "$T/err")"
pg_ctl_as -m fast stop || { echo "outage_test: could not stop PostgreSQL" >&2; exit 1; }
call
grep -q '"infcode":-1' "$T/out" && ok || bad "1101 during the outage is not infcode -1: $(cat "$T/out")"
grep -q 'HTTP 503' "$T/err" && ok || bad "1101 during the outage is not HTTP 503: $(cat "$T/err")"
grep -q '请稍后重试' "$T/out" && ok || bad "the answer does not say to try again (请稍后重试): $(cat "$T/out")"
pg_ctl_as start || { echo "outage_test: could not start PostgreSQL again" >&2; exit 1; }
call && grep -q '"infcode":0' "$T/out" && ok || bad "1101 after the outage: $(cat "$T/out" "$T/err")"
kill "$(cat "$T/pid")" 2>/dev/null; wait 2>/dev/null; rm -f "$T/pid"
echo "outage_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
