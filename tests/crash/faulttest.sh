#!/bin/sh
# Write-failure test (issue 3): settlements while the disk fails.
#
#   YIBAO=build/yibao DRIVER=build/tests/crash_driver sh tests/crash/faulttest.sh
#
# 1. Through a failing SQLite VFS (tests/crash/faultvfs.c, registered as the
#    default VFS inside crash_driver --fault): xWrite/xSync fail with
#    SQLITE_IOERR or SQLITE_FULL after K operations, now and then or for
#    good, whole or torn (half the buffer written). One store goes through
#    every scenario in turn; after each, WITHOUT the shim, `yibao check` must
#    pass and every acknowledged message must be present exactly once (the
#    properties of crashtest.sh, lib.sh crash_verify). The driver retries a
#    failed call with the same msgid, and its idempotency checks must hold.
# 2. A truly full disk: a 3 MB tmpfs (needs root; CI runs as root), filled
#    by settlements until they fail, verified in place, then grown and used
#    again. Without mount rights, RLIMIT_FSIZE (ulimit -f) stands in for it.
set -u

YIBAO=${YIBAO:-build/yibao}
DRIVER=${DRIVER:-build/tests/crash_driver}
THREADS=${THREADS:-8}
PERSONS=${PERSONS:-8}

T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-fault.XXXXXX") || exit 1
mounted=""
cleanup() {
	[ -n "$mounted" ] && umount "$mounted" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. tests/crash/lib.sh
crash_need

start=$(date +%s)
fails=0
fail() { echo "faulttest: FAIL: $*" >&2; fails=$((fails + 1)); }

crash_data "$T/data.jsonl"
db=$T/fault.db
mkdir -p "$T/acks"
"$YIBAO" load --db "$db" "$T/data.jsonl" >/dev/null 2>"$T/load.err" ||
	{ echo "faulttest: load failed: $(cat "$T/load.err")" >&2; exit 1; }

# field NAME: a count from the driver's summary line
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$T/driver.out"; }

# scenario NAME DRIVER-ARGS -- ENV...: one run of the driver with the shim,
# then verification without it.
scenario() {
	name=$1
	args=$2
	shift 2
	cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
	# shellcheck disable=SC2086
	env "$@" "$DRIVER" --db "$db" --run "$name" --acks "$T/acks" --threads "$THREADS" \
		--persons "$PERSONS" --replay "$T/replay.txt" --fault $args \
		>"$T/driver.out" 2>"$T/driver.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: the driver exited $rc: $(grep -v 'expected failure' "$T/driver.err")"
		return
	fi
	errors=$(field errors)
	injected=$(field vfs_failures)
	acked=$(cat "$T"/acks/ack."$name".* 2>/dev/null | grep -c ' \.$')
	[ "${injected:-0}" -gt 0 ] || fail "$name: no failure was injected"
	[ "${errors:-0}" -gt 0 ] || fail "$name: no call failed"
	[ "$acked" -gt 0 ] || fail "$name: nothing was acknowledged"
	if out=$(crash_verify "$db" "$T/acks"); then
		echo "$name: $injected write/sync failures injected, $errors calls failed, $acked acknowledged; $out"
	else
		fail "$name: verification after the failures"
	fi
}

echo "== failing VFS"
scenario transient-ioerr "--ops 60 --max-errors 100000" \
	YB_FAULT_AFTER=100 YB_FAULT_EVERY=97 YB_FAULT_ERR=ioerr YB_FAULT_OPS=both
scenario torn-writes "--ops 60 --max-errors 100000" \
	YB_FAULT_AFTER=50 YB_FAULT_EVERY=101 YB_FAULT_TORN=1 YB_FAULT_OPS=write
scenario fsync-fails "--ops 60 --max-errors 100000" \
	YB_FAULT_AFTER=20 YB_FAULT_EVERY=3 YB_FAULT_OPS=sync
scenario transient-full "--ops 60 --max-errors 100000" \
	YB_FAULT_AFTER=200 YB_FAULT_EVERY=53 YB_FAULT_ERR=full YB_FAULT_OPS=write
scenario full-for-good "--max-errors 40 --seconds 20" \
	YB_FAULT_AFTER=300 YB_FAULT_ERR=full YB_FAULT_OPS=write
scenario fsync-for-good "--max-errors 20 --seconds 20" \
	YB_FAULT_AFTER=30 YB_FAULT_OPS=sync
scenario all-fail-torn "--max-errors 40 --seconds 20" \
	YB_FAULT_AFTER=600 YB_FAULT_TORN=1 YB_FAULT_OPS=both

# failures and then a kill in the middle of them
cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
YB_FAULT_AFTER=80 YB_FAULT_EVERY=61 YB_FAULT_TORN=1 "$DRIVER" --db "$db" --run fault-kill \
	--acks "$T/acks" --threads "$THREADS" --persons "$PERSONS" --replay "$T/replay.txt" \
	--fault --max-errors 100000 >"$T/driver.out" 2>"$T/driver.err" &
pid=$!
sleep 0.4
if kill -0 "$pid" 2>/dev/null; then
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	if out=$(crash_verify "$db" "$T/acks"); then
		echo "fault-kill: killed while failing; $out"
	else
		fail "fault-kill: verification after the kill"
	fi
else
	wait "$pid"
	fail "fault-kill: the driver ended before the kill: $(grep -v 'expected failure' "$T/driver.err")"
fi

# the store carries on without failures, and earlier acks replay
cat "$T"/acks/ack.* 2>/dev/null | grep ' \.$' >"$T/replay.txt"
if "$DRIVER" --db "$db" --run after --acks "$T/acks" --threads "$THREADS" --persons "$PERSONS" \
	--replay "$T/replay.txt" --ops 20 >"$T/driver.out" 2>"$T/driver.err" &&
	out=$(crash_verify "$db" "$T/acks"); then
	echo "after: $(cat "$T/driver.out"); $out"
else
	fail "after the failures: $(cat "$T/driver.err")"
fi

echo "== a full disk"
full=$T/full
mkdir -p "$full" "$T/full-acks"
if mount -t tmpfs -o size=3m yibao-faulttest "$full" 2>"$T/mount.err"; then
	mounted=$full
	fdb=$full/full.db
	if ! "$YIBAO" load --db "$fdb" "$T/data.jsonl" >/dev/null 2>"$T/load.err"; then
		fail "load on the 3 MB tmpfs: $(cat "$T/load.err")"
	else
		"$DRIVER" --db "$fdb" --run full --acks "$T/full-acks" --threads "$THREADS" \
			--persons "$PERSONS" --tolerate --max-errors 40 --seconds 60 \
			>"$T/driver.out" 2>"$T/driver.err"
		rc=$?
		errors=$(field errors)
		acked=$(cat "$T"/full-acks/ack.full.* 2>/dev/null | grep -c ' \.$')
		sample=$(grep -m 1 'expected failure' "$T/driver.err" | sed 's/^.*: settle [^:]*: //; s/^.*: cancel [^:]*: //')
		if [ $rc -ne 0 ]; then
			fail "full disk: the driver exited $rc: $(grep -v 'expected failure' "$T/driver.err")"
		elif [ "${errors:-0}" -eq 0 ]; then
			fail "full disk: the disk never filled ($(cat "$T/driver.out"))"
		elif out=$(crash_verify "$fdb" "$T/full-acks"); then
			echo "full disk: $acked acknowledged, then $errors calls failed ($sample); verified in place: $out"
		else
			fail "full disk: verification on the full disk"
		fi
		# space comes back: the same store carries on
		if mount -o remount,size=64m "$full" 2>/dev/null; then
			cat "$T"/full-acks/ack.* | grep ' \.$' >"$T/replay.txt"
			if "$DRIVER" --db "$fdb" --run grown --acks "$T/full-acks" --threads "$THREADS" \
				--persons "$PERSONS" --replay "$T/replay.txt" --ops 20 \
				>"$T/driver.out" 2>"$T/driver.err" &&
				out=$(crash_verify "$fdb" "$T/full-acks"); then
				echo "disk grown to 64 MB: $(cat "$T/driver.out"); $out"
			else
				fail "after growing the disk: $(cat "$T/driver.err")"
			fi
		fi
	fi
	umount "$full" && mounted=""
else
	echo "note: cannot mount a tmpfs ($(cat "$T/mount.err")); RLIMIT_FSIZE stands in for a full disk"
	fdb=$T/full/full.db
	"$YIBAO" load --db "$fdb" "$T/data.jsonl" >/dev/null 2>&1
	size=$(wc -c <"$fdb")
	# ulimit -f counts 512-byte blocks in POSIX sh (1024 in bash): 3 MB over either
	(
		trap '' XFSZ
		ulimit -f $(((size + 3 * 1024 * 1024) / 512)) 2>/dev/null ||
			{ echo "ulimit -f not available" >&2; exit 9; }
		exec "$DRIVER" --db "$fdb" --run full --acks "$T/full-acks" --threads "$THREADS" \
			--persons "$PERSONS" --tolerate --max-errors 40 --seconds 60
	) >"$T/driver.out" 2>"$T/driver.err"
	rc=$?
	errors=$(field errors)
	if [ $rc -eq 9 ]; then
		echo "note: full-disk test skipped: $(cat "$T/driver.err")"
	elif [ $rc -ne 0 ]; then
		fail "file size limit: the driver exited $rc: $(grep -v 'expected failure' "$T/driver.err")"
	elif [ "${errors:-0}" -eq 0 ]; then
		fail "file size limit: never reached ($(cat "$T/driver.out"))"
	elif out=$(crash_verify "$fdb" "$T/full-acks"); then
		echo "file size limit: $errors calls failed; $out"
	else
		fail "file size limit: verification"
	fi
fi

end=$(date +%s)
if [ "$fails" -ne 0 ]; then
	echo "faulttest: $fails FAILED" >&2
	exit 1
fi
echo "faulttest: every scenario verified ($((end - start)) s)"
