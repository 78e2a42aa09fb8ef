#!/bin/sh
# The connection limits of `yibao serve` under attack (issue 12, F1): the
# real server on a loopback port, small limits so that the attacks stay
# small, and tests/integration/flood.c attacking from other loopback
# addresses (127.0.0.2 and up) while it probes from 127.0.0.1 with a signed
# 1101 five times a second. Each probe must be answered (HTTP 200, infcode
# 0) within 2 s; the latencies themselves are bench/flood.sh's business.
#  1. one address with more sockets than the whole server takes, each
#     sending a header line every second: it holds exactly its quota, a
#     trusted address exactly its larger one, and the probes are served;
#  2. eight addresses within their quotas but above the total: the idle
#     connections are closed to admit new ones (or, when none is idle, the
#     oldest still sending its request), and the probes are served;
#  3. trickles that never complete a request (header lines, body bytes,
#     or nothing) are closed at the request deadline, not later.
# Every attack stops by itself after a few seconds. About 18 s.
#
# usage: YIBAO=build/yibao FLOOD=build/tests/flood sh tests/integration/limits_test.sh
set -u

YIBAO=${YIBAO:-build/yibao}
FLOOD=${FLOOD:-build/tests/flood}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export YIBAO_POLICY_DIR="$ROOT/policies"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-limits.XXXXXX")
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

[ -x "$YIBAO" ] || { echo "limits_test: $YIBAO not built" >&2; exit 1; }
[ -x "$FLOOD" ] || { echo "limits_test: $FLOOD not built" >&2; exit 1; }
"$YIBAO" load --db "$T/db" "$HERE/data.jsonl" >/dev/null || { echo "limits_test: load failed" >&2; exit 1; }
printf '{"infno":"1101","msgid":"H34060300101202403010900000003","fixmedins_code":"H34060300101","input":{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"340602197003150011","begntime":"2024-03-01"}}}' >"$T/1101.json"
PROBE="--probe $T/1101.json --paasid H34060300101 --secret it-secret-clinic --every 200 --bound 2000"

# start LOG [serve options]: $PORT
start() {
	log=$1
	shift
	: >"$log"
	"$YIBAO" serve --db "$T/db" --listen 127.0.0.1:0 --threads 4 "$@" 2>>"$log" &
	SPID=$!
	i=0
	PORT=""
	while [ $i -lt 100 ]; do
		PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$log")
		[ -n "$PORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$PORT" ] || { cat "$log" >&2; echo "limits_test: server did not start" >&2; exit 1; }
}
stop() {
	kill -TERM "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
}

# num OUT KEY [ATTACK]: the number after KEY on the line of OUT for the
# attack (or the probes)
num() { grep "^${3:-probes }" "$1" | head -n 1 | sed "s/^/ /" | sed -n "s/.* $2 \\([0-9]*\\).*/\\1/p"; }
# probes_served NAME OUT: every probe answered, none late
probes_served() {
	n=$(num "$2" probes) okn=$(num "$2" ok)
	if [ "${n:-0}" -ge 10 ] && [ "$okn" = "$n" ]; then
		ok "$1: all $n probes from 127.0.0.1 answered within 2 s"
	else
		bad "$1: probes from 127.0.0.1" "$(cat "$2" "$2.err")"
	fi
}

# attack N "SERVE OPTIONS" FLOOD-ARGS...: a server with those options under
# the flood; its log in $T/logN, the flood's report in $T/outN (printed)
attack() {
	n=$1 opts=$2
	shift 2
	# shellcheck disable=SC2086
	start "$T/log$n" $opts
	"$FLOOD" --server "127.0.0.1:$PORT" "$@" >"$T/out$n" 2>"$T/out$n.err"
	stop
	cat "$T/out$n"
}
# logged N COUNTER NAME: the log of run N counts COUNTER above 0
logged() {
	grep -q "\"event\":\"connections\",.*\"$2\":[1-9]" "$T/log$1" && ok "$3" ||
		bad "$3" "$(grep -v infno "$T/log$1")"
}

# ------------------------------------------- 1. one address floods
echo "== one address with 150 sockets, a header line every second (limit 20 an address, 100 in all)"
# shellcheck disable=SC2086
attack 1 "--max-connections 100 --per-address 20 --trusted-address 127.0.0.3 --trusted-per-address 60" \
	--seconds 4 --attack 127.0.0.2:150:headers:1000 --attack 127.0.0.3:70:headers:1000 $PROBE
probes_served "one address floods" "$T/out1"
held=$(num "$T/out1" held_max "attack 127.0.0.2:")
[ "$held" = 20 ] && ok "the flooding address holds its quota, 20 connections, no more" ||
	bad "the flooding address holds 20" "held $held: $(cat "$T/out1")"
[ "$(num "$T/out1" refused "attack 127.0.0.2:")" -gt 100 ] && ok "its other sockets are refused at once (and again at each retry)" ||
	bad "the flooding address's other sockets refused" "$(cat "$T/out1")"
held=$(num "$T/out1" held_max "attack 127.0.0.3:")
[ "$held" = 60 ] && ok "a trusted address (--trusted-address) holds its larger quota, 60" ||
	bad "the trusted address holds 60" "held $held: $(cat "$T/out1")"
logged 1 refused_per_address "the log counts the refusals"

# ------------------------------------------- 2. many addresses, above the total
echo "== eight addresses, 20 sockets each, a header line every second (100 in all)"
# shellcheck disable=SC2086
attack 2 "--max-connections 100 --per-address 20" --seconds 4 --attack 127.0.0.10-127.0.0.17:20:headers:1000 $PROBE
probes_served "above the total" "$T/out2"
held=$(num "$T/out2" held_max "attack 127.0.0.10-127.0.0.17:")
[ "${held:-999}" -le 100 ] && ok "the attack never holds more than the total ($held of 100)" ||
	bad "the attack holds at most 100" "$(cat "$T/out2")"
logged 2 closed_idle "under pressure the connections idle longest are closed first (closed_idle in the log)"

echo "== eight addresses, 20 sockets each, whole headers, then a body byte a second (100 in all)"
# shellcheck disable=SC2086
attack 2b "--max-connections 100 --per-address 20" --seconds 4 --attack 127.0.0.10-127.0.0.17:20:body:1000 $PROBE
probes_served "bodies trickling in, above the total" "$T/out2b"
logged 2b closed_oldest "with no idle connection, the oldest one still sending its request is closed (closed_oldest)"

# ------------------------------------------- 3. the request deadline
echo "== trickles that never finish a request, --request-timeout 2"
attack 3 "--request-timeout 2" --seconds 4 --reconnect 60000 --attack 127.0.0.4:5:headers:500 \
	--attack 127.0.0.5:5:body:500 --attack 127.0.0.6:5:silent:500
for a in "127.0.0.4:5:headers" "127.0.0.5:5:body" "127.0.0.6:5:silent"; do
	line=$(grep "^attack $a" "$T/out3")
	c=$(num "$T/out3" closed "attack $a") life=$(printf '%s' "$line" | sed -n 's/.* life_ms \([0-9]*\)-\([0-9]*\)$/\1 \2/p')
	lo=${life% *} hi=${life#* }
	if [ "$c" = 5 ] && [ "${lo:-0}" -ge 1900 ] && [ "${hi:-0}" -le 3500 ]; then
		ok "${a##*:}: every connection closed at the deadline ($lo-$hi ms after it opened)"
	else
		bad "${a##*:} trickle closed at the 2 s deadline" "$line"
	fi
done
grep -q '"event":"connections",.*"closed_deadline":15' "$T/log3" &&
	ok "the log counts the 15 closed at the deadline" || bad "closed_deadline in the log" "$(grep -v infno "$T/log3")"

echo "limits_test: $pass passed, $fail failed"
[ $fail -eq 0 ]
