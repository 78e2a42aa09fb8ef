#!/bin/sh
# bench/flood: what a normal client meets while `yibao serve`, with its
# default connection limits, is flooded from loopback (issue 12, F1). The
# attacks come from tests/integration/flood.c (build/tests/flood), bound to
# other loopback addresses; the probes are signed 1101 look-ups from
# 127.0.0.1 over a new connection each, ten a second. Phases of S seconds:
#
#   baseline     probes only
#   one-trickle  4,100 sockets from 127.0.0.2, a header line every 20 s
#                (the attack of issue 12: it used to take every slot)
#   one-silent   4,100 silent sockets from 127.0.0.2
#   many         40 addresses x 128 sockets (5,120, above the 4,000 in all),
#                a header line every 20 s: the total is under pressure
#   slow-body    40 addresses x 100 sockets sending whole headers, then a
#                body byte a second (the request deadline closes them)
#
#   sh bench/flood.sh [--seconds S] [--threads T] [--dir DIR]
#
# Prints, per phase, the probes' p50/p99/max latency and the attack's
# counts (flood.c's lines), then the server's "connections" log lines.
# Needs about 10,000 open files (ulimit -n) in all.
set -eu

YIBAO=${YIBAO:-build/yibao}
FLOOD=${FLOOD:-build/tests/flood}
S=20 THREADS="" DIR=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) S=$2; shift 2 ;;
	--threads) THREADS=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	*) echo "usage: sh bench/flood.sh [--seconds S] [--threads T] [--dir DIR]" >&2; exit 2 ;;
	esac
done
[ -x "$YIBAO" ] && [ -x "$FLOOD" ] || { echo "bench/flood: build $YIBAO and $FLOOD first (make bench-flood)" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export YIBAO_POLICY_DIR="$ROOT/policies"
export YIBAO_RULES_DIR=none
W=$(mktemp -d "$DIR/yibao-bench-flood-XXXXXX")
SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

echo "yibao bench/flood"
echo "machine   : $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores online; $(uname -sr)"
echo "open files: ulimit -n $(ulimit -n) (hard $(ulimit -Hn))"
"$YIBAO" load --db "$W/db" "$ROOT/tests/integration/data.jsonl" >/dev/null
printf '{"infno":"1101","msgid":"H34060300101202403010900000003","fixmedins_code":"H34060300101","input":{"data":{"mdtrt_cert_type":"02","mdtrt_cert_no":"340602197003150011","begntime":"2024-03-01"}}}' >"$W/1101.json"

: >"$W/log"
"$YIBAO" serve --db "$W/db" --listen 127.0.0.1:0 ${THREADS:+--threads "$THREADS"} 2>>"$W/log" &
SPID=$!
i=0
while ! grep -q '"event":"listening"' "$W/log"; do
	i=$((i + 1))
	[ $i -lt 200 ] && kill -0 $SPID 2>/dev/null || { cat "$W/log" >&2; exit 1; }
	sleep 0.05
done
PORT=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$W/log" | head -n 1)
echo "server    : $(grep '"event":"listening"' "$W/log" | sed 's/.*"threads"/"threads"/; s/}$//')"
echo "probes    : a signed 1101 from 127.0.0.1 every 100 ms, a new connection each; ${S} s a phase"

phase() { # NAME ATTACK-OPTIONS...
	name=$1
	shift
	echo "-- $name"
	"$FLOOD" --server "127.0.0.1:$PORT" --seconds "$S" "$@" --probe "$W/1101.json" \
		--paasid H34060300101 --secret it-secret-clinic --every 100 --bound 2000 2>"$W/flood.err" |
		sed 's/^/   /'
	grep -c 'probe failed' "$W/flood.err" | sed 's/^/   probe failures reported: /'
	sleep 2 # the attack's sockets are gone before the next phase
}
phase baseline
phase one-trickle --attack 127.0.0.2:4100:headers:20000
phase one-silent --attack 127.0.0.2:4100:silent:20000
phase many --attack 127.0.1.1-127.0.1.40:128:headers:20000
phase slow-body --attack 127.0.2.1-127.0.2.40:100:body:1000

kill -TERM $SPID
wait $SPID || true
SPID=""
echo "-- the server's log"
grep '"event":"connections"' "$W/log" | sed 's/^/   /'
n=$(grep -c '"infno":"1101"' "$W/log" || true)
f=$(grep '"infno":"1101"' "$W/log" | grep -vc '"infcode":0' || true)
echo "   $n probes logged, $f not answered with infcode 0"
