#!/bin/sh
# bench/http: complete outpatient settlements per second through `yibao
# serve` over loopback, driven by wrk with bench/http.lua (2201, then 2204
# with 5 fee lines, then 2207; each signed; every visit distinct).
#
#   sh bench/http.sh [--persons N] [--seconds S] [--connections C] [--inpatient PCT]
#                    [--server-threads T] [--wrk-threads W] [--dir DIR] [--keep]
#
# Creates a SQLite store in a new directory under DIR (default $TMPDIR or
# /var/tmp: a real disk, not tmpfs), loads 32 institutions (each with a
# gateway secret) and N persons (bench/gen_people), starts `yibao serve`
# (synchronous=FULL, group commit, as it ships) on a loopback port, runs wrk
# for S seconds after a short warm-up (outpatient flows only: the target),
# then, with --inpatient PCT > 0 (default 10), S seconds more of a mix where
# PCT % of the flows are inpatient stays (2401, 2301 with 5 lines, 2304,
# 2402); stops the server with SIGTERM and runs `yibao check` over the
# books. Prints settlements per second, the p50/p99 latency of 2207 (and
# 2304), the server's CPU per settlement and the group commit's units per
# fsync. Needs wrk (Debian package wrk).
set -eu

YIBAO=${YIBAO:-build/yibao}
GEN=${GEN:-build/bench/gen_people}
PERSONS=100000 SECONDS_=20 CONN=128 STHREADS="" WTHREADS=2 KEEP=0 INPATIENT=10
DIR=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
	case $1 in
	--persons) PERSONS=$2; shift 2 ;;
	--seconds) SECONDS_=$2; shift 2 ;;
	--connections) CONN=$2; shift 2 ;;
	--inpatient) INPATIENT=$2; shift 2 ;;
	--server-threads) STHREADS=$2; shift 2 ;;
	--wrk-threads) WTHREADS=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "usage: sh bench/http.sh [--persons N] [--seconds S] [--connections C] [--inpatient PCT] [--server-threads T] [--wrk-threads W] [--dir DIR] [--keep]" >&2; exit 2 ;;
	esac
done
command -v wrk >/dev/null 2>&1 || { echo "bench/http: wrk is required (sh scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$YIBAO" ] && [ -x "$GEN" ] || { echo "bench/http: build $YIBAO and $GEN first (make bench-http)" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
export YIBAO_POLICY_DIR="$HERE/../policies"
W=$(mktemp -d "$DIR/yibao-bench-http-XXXXXX")
SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	[ $KEEP = 1 ] || rm -rf "$W"
}
trap cleanup EXIT INT TERM

echo "yibao bench/http"
echo "machine   : $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores online; $(uname -sr)"
echo "store     : $W/db ($(stat -f -c %T "$W")), SQLite WAL, synchronous=FULL, group commit"

# the disk's own rate of durable 4 KiB writes, for reading the figures
dd if=/dev/zero of="$W/probe" bs=4k count=300 oflag=dsync 2> "$W/dd.out" || true
secs=$(sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' "$W/dd.out")
[ -n "$secs" ] && echo "disk      : $(echo "300 / $secs" | bc) synchronous 4 KiB writes/s (dd oflag=dsync)"
rm -f "$W/probe"

t0=$(date +%s.%N)
"$GEN" "$PERSONS" --institutions 32 2>/dev/null |
	sed '/"kind":"fixmedins"/s/}$/,"secret":"bench-secret"}/' > "$W/people.jsonl"
"$YIBAO" load --db "$W/db" "$W/people.jsonl" > /dev/null
echo "load      : 32 institutions, $PERSONS persons in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s"

: > "$W/log"
"$YIBAO" serve --db "$W/db" --listen 127.0.0.1:0 ${STHREADS:+--threads "$STHREADS"} 2>> "$W/log" &
SPID=$!
i=0
while ! grep -q '"event":"listening"' "$W/log"; do
	i=$((i + 1))
	[ $i -lt 200 ] && kill -0 $SPID 2>/dev/null || { cat "$W/log" >&2; exit 1; }
	sleep 0.05
done
PORT=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$W/log" | head -n 1)
THREADS=$(sed -n 's/.*"event":"listening".*"threads":\([0-9]*\).*/\1/p' "$W/log" | head -n 1)
URL="http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService"
echo "server    : yibao serve, $THREADS threads; wrk -t$WTHREADS -c$CONN, ${SECONDS_} s after a 3 s warm-up"

wrk -t"$WTHREADS" -c"$CONN" -d3s -s "$HERE/http.lua" "$URL" -- "$PERSONS" 32 bench-secret 7 > /dev/null
cpu() { awk '{print $14 + $15}' "/proc/$SPID/stat"; } # utime + stime, clock ticks
hz=$(getconf CLK_TCK)
# measure RUN INPATIENT%: one wrk run, its summary and the server's CPU
measure() {
	c0=$(cpu)
	wrk -t"$WTHREADS" -c"$CONN" -d"${SECONDS_}s" -s "$HERE/http.lua" "$URL" -- "$PERSONS" 32 bench-secret "$1" "$2" > "$W/wrk.out"
	c1=$(cpu)
	sed -n '/^requests  :/,$p' "$W/wrk.out"
	n=$(sed -n 's/^settled   : \([0-9]*\) .*/\1/p' "$W/wrk.out")
	st=$(sed -n 's/^stays     : \([0-9]*\) .*/\1/p' "$W/wrk.out")
	n=$((${n:-0} + ${st:-0}))
	[ $n -gt 0 ] && echo "server CPU: $(( (c1 - c0) * 1000000 / hz / n )) us per complete flow ($(( (c1 - c0) * 100 / hz / SECONDS_ )) % of one core)"
	return 0
}
echo "-- outpatient flows"
measure 1 0
if [ "$INPATIENT" -gt 0 ]; then
	echo "-- a mix: $INPATIENT % of the flows are inpatient stays"
	measure 2 "$INPATIENT"
fi

kill -TERM $SPID
wait $SPID || true
SPID=""
sed -n 's/.*"event":"store","commits":\([0-9]*\),"units":\([0-9]*\).*/\1 \2/p' "$W/log" |
	awk '$1 > 0 { printf "store     : %d group commits, %d units of work, %.1f units per commit (one fsync each), warm-up included\n", $1, $2, $2 / $1 }'
lines=$(grep -c '"infno"' "$W/log" || true)
fails=$(grep -c '"infcode":-1' "$W/log" || true)
echo "log       : $lines requests logged, $fails with infcode -1"
"$YIBAO" check --db "$W/db" | sed 's/^/check     : /'
