#!/bin/sh
# Crash test (issue 3): concurrent settlements and cancels, killed with
# SIGKILL at random moments, again and again on the same store.
#
#   YIBAO=build/yibao DRIVER=build/tests/crash_driver sh tests/crash/crashtest.sh [N]
#
# Makes a store with `yibao load` (4 institutions, THREADS x PERSONS persons,
# mutual-aid bindings across threads), then N times: starts crash_driver
# (THREADS threads settling and cancelling through yb_ledger_settle and
# yb_ledger_cancel, each acknowledged call appended to an fsynced ack file),
# sleeps a random 50-700 ms, kills it with SIGKILL, and verifies:
#   - yibao check exits 0 (identities, accumulators = sum of deltas,
#     balances = opening + movements, cancels mirrored, no orphans,
#     every settlement has its idempotency record, integrity_check);
#   - every acknowledged msgid has exactly one idempotency record, whose
#     answer names the acknowledged setl_id; every acknowledged settlement
#     is present exactly once; every acknowledged cancel is present once and
#     its original is flagged; no idempotency record lacks its settlement.
# Each run uses fresh msgids and first re-sends up to 64 messages
# acknowledged in earlier runs, requiring their first answers.
# A last run is not killed: it must finish its operations and exit 0.
set -u

N=${1:-5}
YIBAO=${YIBAO:-build/yibao}
DRIVER=${DRIVER:-build/tests/crash_driver}
THREADS=${THREADS:-8}
PERSONS=${PERSONS:-8}

T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-crash.XXXXXX") || exit 1
pid=""
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. tests/crash/lib.sh
crash_need

db=$T/crash.db
mkdir -p "$T/acks"
crash_data "$T/data.jsonl"
if ! "$YIBAO" load --db "$db" "$T/data.jsonl" >/dev/null 2>"$T/load.err"; then
	echo "crashtest: load failed: $(cat "$T/load.err")" >&2
	exit 1
fi

# a random number in [lo, hi]
rand() {
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $(($1 + r % ($2 - $1 + 1)))
}

start=$(date +%s)
fails=0
i=1
while [ $i -le "$N" ]; do
	cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
	"$DRIVER" --db "$db" --run "r$i" --acks "$T/acks" --threads "$THREADS" \
		--persons "$PERSONS" --replay "$T/replay.txt" >"$T/driver.out" 2>"$T/driver.err" &
	pid=$!
	ms=$(rand 50 700)
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		echo "crashtest: run $i: the driver ended before the kill (exit $?):" >&2
		cat "$T/driver.err" >&2
		pid=""
		exit 1
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	pid=""
	acked=$(cat "$T"/acks/ack.r$i.* 2>/dev/null | grep -c ' \.$')
	if out=$(crash_verify "$db" "$T/acks"); then
		echo "run $i: killed after $ms ms, $acked acknowledged in this run; $out"
	else
		echo "crashtest: run $i (killed after $ms ms): VERIFY FAILED" >&2
		fails=$((fails + 1))
		mkdir -p build/crash-failures 2>/dev/null &&
			cp -r "$T" "build/crash-failures/run-$i-$$" 2>/dev/null &&
			echo "  store and acks kept in build/crash-failures/run-$i-$$" >&2
		break
	fi
	i=$((i + 1))
done

if [ "$fails" -eq 0 ]; then
	# a clean run to the end: the driver's own checks (retries answered
	# byte for byte, replays of earlier acks) must all pass
	cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
	if ! "$DRIVER" --db "$db" --run final --acks "$T/acks" --threads "$THREADS" \
		--persons "$PERSONS" --ops 40 --replay "$T/replay.txt" >"$T/driver.out" 2>"$T/driver.err"; then
		echo "crashtest: the final run failed:" >&2
		cat "$T/driver.err" >&2
		fails=1
	elif out=$(crash_verify "$db" "$T/acks"); then
		echo "final run: $(cat "$T/driver.out"); $out"
	else
		echo "crashtest: the final run: VERIFY FAILED" >&2
		fails=1
	fi
fi

total=$(cat "$T"/acks/ack.* 2>/dev/null | grep -c ' \.$')
end=$(date +%s)
if [ "$fails" -ne 0 ]; then
	echo "crashtest: FAILED" >&2
	exit 1
fi
if [ "$total" -eq 0 ]; then
	echo "crashtest: FAILED: nothing was acknowledged in $N runs" >&2
	exit 1
fi
echo "crashtest: $N kills, $total acknowledged operations, all present exactly once; yibao check clean ($((end - start)) s)"
