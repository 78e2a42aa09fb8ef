#!/bin/sh
# Crash test against PostgreSQL: tests/crash/crashtest.sh's plan with the
# store on a PostgreSQL server that keeps running while the yibao process
# (crash_driver: THREADS threads settling and cancelling through the ledger,
# every acknowledged call appended to an fsynced ack file) is killed with
# SIGKILL at random moments, N times on the same database.
#
#   YIBAO=build/yibao DRIVER=build/tests/crash_driver sh tests/pg/crash_pg.sh [N]
#
# Needs a server: sources tests/pg/pg_env.sh (a throwaway one unless
# YIBAO_PG_URL answers). After each kill: `yibao check` exits 0, and every
# acknowledged message is in the store exactly once, as acknowledged (the
# queries of tests/crash/lib.sh, in PostgreSQL's dialect). A last run is not
# killed and must finish its operations (with replays of earlier acks).
set -u

N=${1:-5}
YIBAO=${YIBAO:-build/yibao}
DRIVER=${DRIVER:-build/tests/crash_driver}
THREADS=${THREADS:-8}
PERSONS=${PERSONS:-8}
ROOT=$PWD
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
case $DRIVER in /*) ;; *) DRIVER=$ROOT/$DRIVER ;; esac
[ -x "$YIBAO" ] || { echo "crash_pg: $YIBAO not built" >&2; exit 1; }
[ -x "$DRIVER" ] || { echo "crash_pg: $DRIVER not built" >&2; exit 1; }

. "$ROOT/tests/pg/pg_env.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-crash-pg.XXXXXX") || exit 1
chmod 755 "$T"
pid=""
DBNAME=yb_crash_$$
crash_pg_cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$T"
	pg_sql postgres "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1
	pg_env_cleanup 2>/dev/null
}
trap crash_pg_cleanup EXIT
trap 'exit 1' INT TERM

. "$ROOT/tests/crash/lib.sh" # crash_data, and YIBAO_POLICY_DIR
pg_sql postgres "CREATE DATABASE $DBNAME" || exit 1
db=$(pg_url "$DBNAME")
mkdir -p "$T/acks"
crash_data "$T/data.jsonl"
if ! "$YIBAO" load --db "$db" "$T/data.jsonl" >/dev/null 2>"$T/load.err"; then
	echo "crash_pg: load failed: $(cat "$T/load.err")" >&2
	exit 1
fi

rand() {
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $(($1 + r % ($2 - $1 + 1)))
}

# verify: yibao check, then the acknowledged messages against the store
verify() {
	cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/acks.txt"
	"$YIBAO" check --db "$db" >"$T/check.out" 2>&1
	crc=$?
	if [ "$crc" -ne 0 ]; then
		echo "yibao check failed (exit $crc):" >&2
		head -n 20 "$T/check.out" >&2
		return 1
	fi
	pg_sql "$DBNAME" "
CREATE TEMP TABLE ack(kind text, msgid text, setl_id text, fix text, extra text, dot text);
\\copy ack FROM '$T/acks.txt' WITH (FORMAT text, DELIMITER ' ')
SELECT 'VIOLATION acked msgid not in idem exactly once: ' || a.msgid FROM ack a
 WHERE (SELECT count(*) FROM idem i WHERE i.fixmedins_code = a.fix AND i.msgid = a.msgid) <> 1;
SELECT 'VIOLATION idem answer names another settlement: ' || a.msgid FROM ack a
 JOIN idem i ON i.fixmedins_code = a.fix AND i.msgid = a.msgid
 WHERE substr(i.response, 1, 13 + length(a.setl_id)) <> '{\"setl_id\":\"' || a.setl_id || '\"';
SELECT 'VIOLATION acked settlement not present exactly once: ' || a.msgid || ' ' || a.setl_id FROM ack a
 WHERE a.kind = 'S' AND (SELECT count(*) FROM setl s WHERE s.setl_id = a.setl_id AND s.msgid = a.msgid
   AND s.fixmedins_code = a.fix AND s.psn_no = a.extra AND s.refd_setl_id = '') <> 1;
SELECT 'VIOLATION settlement with an acked msgid more than once: ' || a.msgid FROM ack a
 WHERE (SELECT count(*) FROM setl s WHERE s.fixmedins_code = a.fix AND s.msgid = a.msgid) <> 1;
SELECT 'VIOLATION acked cancel not present exactly once: ' || a.msgid FROM ack a
 WHERE a.kind = 'C' AND (SELECT count(*) FROM setl s WHERE s.setl_id = a.setl_id AND s.msgid = a.msgid
   AND s.refd_setl_id = a.extra) <> 1;
SELECT 'VIOLATION cancelled settlement not flagged: ' || a.extra FROM ack a
 WHERE a.kind = 'C' AND (SELECT cancelled FROM setl s WHERE s.setl_id = a.extra) IS DISTINCT FROM 1;
SELECT 'VIOLATION idempotency record without its settlement: ' || i.fixmedins_code || ' ' || i.msgid
 FROM idem i WHERE i.infno IN ('2207', '2208') AND NOT EXISTS
 (SELECT 1 FROM setl s WHERE s.fixmedins_code = i.fixmedins_code AND s.msgid = i.msgid);
SELECT 'VIOLATION an answer holds two settlements: ' || i.msgid FROM idem i
 WHERE i.response LIKE '%}{"setl_id":%';
SELECT 'acks ' || (SELECT count(*) FROM ack WHERE kind = 'S') || ' settlements, '
 || (SELECT count(*) FROM ack WHERE kind = 'C') || ' cancels; store '
 || (SELECT count(*) FROM setl WHERE refd_setl_id = '') || ' settlements, '
 || (SELECT count(*) FROM setl WHERE refd_setl_id <> '') || ' cancels';
" >"$T/verify.out" 2>&1
	if grep -q 'VIOLATION\|ERROR\|error' "$T/verify.out"; then
		grep 'VIOLATION\|ERROR\|error' "$T/verify.out" | head -n 20 >&2
		return 1
	fi
	cat "$T/verify.out"
}

start=$(date +%s)
i=1
while [ $i -le "$N" ]; do
	cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
	"$DRIVER" --db "$db" --run "r$i" --acks "$T/acks" --threads "$THREADS" \
		--persons "$PERSONS" --replay "$T/replay.txt" >"$T/driver.out" 2>"$T/driver.err" &
	pid=$!
	ms=$(rand 150 900)
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		echo "crash_pg: run $i: the driver ended before the kill (exit $?):" >&2
		cat "$T/driver.err" >&2
		pid=""
		exit 1
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	pid=""
	acked=$(cat "$T"/acks/ack.r$i.* 2>/dev/null | grep -c ' \.$')
	if out=$(verify); then
		echo "run $i: killed after $ms ms, $acked acknowledged in this run; $out"
	else
		echo "crash_pg: run $i (killed after $ms ms): VERIFY FAILED" >&2
		exit 1
	fi
	i=$((i + 1))
done

cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
if ! "$DRIVER" --db "$db" --run final --acks "$T/acks" --threads "$THREADS" \
	--persons "$PERSONS" --ops 40 --replay "$T/replay.txt" >"$T/driver.out" 2>"$T/driver.err"; then
	echo "crash_pg: the final run failed:" >&2
	cat "$T/driver.err" >&2
	exit 1
fi
if ! out=$(verify); then
	echo "crash_pg: the final run: VERIFY FAILED" >&2
	exit 1
fi
echo "final run: $(cat "$T/driver.out"); $out"
total=$(cat "$T"/acks/ack.* 2>/dev/null | grep -c ' \.$')
[ "$total" -gt 0 ] || { echo "crash_pg: FAILED: nothing was acknowledged" >&2; exit 1; }
echo "crash_pg: $N kills, $total acknowledged operations, all present exactly once; yibao check clean ($(($(date +%s) - start)) s)"
