#!/bin/sh
# The PostgreSQL backend's tests, against one throwaway server (or
# $YIBAO_PG_URL): `make pg-test`.
#
#   YIBAO=build/yibao DRIVER=build/tests/crash_driver FLOW=build/tests/flow \
#       sh tests/pg/pg_test.sh
#
#  1. tests/ledger/ledger_test.sh, written for SQLite files, unchanged: run
#     with the shims of tests/pg/shim first on PATH (`--db FILE` becomes a
#     PostgreSQL database named after FILE; `sqlite3` becomes psql for its
#     inspections, backups and corruptions). It runs from a scratch root, so
#     its SQLite-only part (a version-1 SQLite file) is skipped by its own
#     rule; the schema-version part runs against yb_meta. Its visit section
#     runs tests/ledger/visit_test.c (the visit API, and the calc cases
#     replayed through the ledger) on a PostgreSQL database the same way.
#  2. tests/integration/server_test.sh and flows_test.sh (yibao serve and
#     the HIS flows over loopback), unchanged, through the same yibao shim;
#     so are tests/admin/admin_test.sh and e2e_test.sh (the administration
#     API, its audit log, and a person enrolled through it settling) and
#     lockout_test.sh (the login lock-out in the store, under bursts).
#     tests/rules/realtime_test.sh and store_screen_test.sh (the rules in
#     the settlement, 3101/3501, screen --db agreeing with real time) too,
#     with the sqlite3 shim.
#  3. The crash test (tests/pg/crash_pg.sh, short): the yibao process killed
#     at random moments, the server running on; every acknowledged
#     settlement and cancel present exactly once, `yibao check` clean.
#     Then again with a deadlock injected into every third settling
#     transaction (store.c's group retry: groups rolled back and re-run).
#  4. A real deadlock (tests/pg/deadlock_test.sh), retried transparently.
#  5. Ready to shard (tests/pg/shard_test.sh): a settlement's statements,
#     from the server log, all carry one psn_no.
#  6. An outage (tests/pg/outage_test.sh): PostgreSQL stopped under a
#     running server: 503 "try again", then served again once it is back.
#  7. yibao copy (tests/pg/copy_test.sh): a SQLite store moved into
#     PostgreSQL gives the same check summary, balances and accumulators.
set -u
ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
DRIVER=${DRIVER:-build/tests/crash_driver}
FLOW=${FLOW:-build/tests/flow}
LOGIN_CLIENT=${LOGIN_CLIENT:-build/tests/login_client}
case $LOGIN_CLIENT in /*) ;; *) LOGIN_CLIENT=$ROOT/$LOGIN_CLIENT ;; esac
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
case $DRIVER in /*) ;; *) DRIVER=$ROOT/$DRIVER ;; esac
case $FLOW in /*) ;; *) FLOW=$ROOT/$FLOW ;; esac
export YIBAO DRIVER
YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$ROOT/policies}
export YIBAO_POLICY_DIR
[ -x "$YIBAO" ] || { echo "pg_test: $YIBAO not built" >&2; exit 1; }

start=$(date +%s)
. "$ROOT/tests/pg/pg_env.sh"
S=$(mktemp -d "${TMPDIR:-/tmp}/yibao-pgtest.XXXXXX") || exit 1
trap 'rm -rf "$S"; pg_env_cleanup' EXIT
trap 'rm -rf "$S"; pg_env_cleanup; exit 1' INT TERM
fails=""
step() { echo "== $1"; }
failed() { fails="$fails $1"; echo "pg_test: $1 FAILED" >&2; }

if [ -f "$ROOT/tests/ledger/ledger_test.sh" ]; then
	step "tests/ledger/ledger_test.sh against PostgreSQL"
	mkdir -p "$S/root" "$S/state"
	(
		cd "$S/root" &&
		PATH="$ROOT/tests/pg/shim:$PATH" YIBAO_REAL=$YIBAO YIBAO=$ROOT/tests/pg/shim/yibao \
		YIBAO_PG_STATE=$S/state YIBAO_PG_PREFIX=l$$_ sh "$ROOT/tests/ledger/ledger_test.sh"
	) || failed ledger
else
	echo "note: tests/ledger/ledger_test.sh not found, skipped"
fi

# the integration tests through the shim (yibao only: no sqlite3 there)
shim() { # PREFIX SCRIPT [VAR=VALUE...]
	p=$1 script=$2
	shift 2
	mkdir -p "$S/state"
	env YIBAO_REAL="$YIBAO" YIBAO="$ROOT/tests/pg/shim/yibao" YIBAO_PG_STATE="$S/state" \
		YIBAO_PG_PREFIX="$p$$_" "$@" sh "$script"
}
if [ -f "$ROOT/tests/integration/server_test.sh" ]; then
	step "tests/integration/server_test.sh against PostgreSQL"
	shim s "$ROOT/tests/integration/server_test.sh" || failed server
fi
if [ -f "$ROOT/tests/integration/flows_test.sh" ] && [ -x "$FLOW" ]; then
	step "tests/integration/flows_test.sh against PostgreSQL"
	shim f "$ROOT/tests/integration/flows_test.sh" FLOW="$FLOW" || failed flows
fi

if [ -f "$ROOT/tests/admin/admin_test.sh" ]; then
	step "tests/admin/admin_test.sh and e2e_test.sh against PostgreSQL"
	shim a "$ROOT/tests/admin/admin_test.sh" || failed admin
	shim e "$ROOT/tests/admin/e2e_test.sh" || failed admin-e2e
	if [ -x "${LOGIN_CLIENT:-}" ]; then
		shim k "$ROOT/tests/admin/lockout_test.sh" LOGIN_CLIENT="$LOGIN_CLIENT" || failed admin-lockout
	else
		echo "note: no LOGIN_CLIENT (make build/tests/login_client), lockout_test skipped"
	fi
fi

if [ -f "$ROOT/tests/rules/realtime_test.sh" ]; then
	step "tests/rules/realtime_test.sh and store_screen_test.sh against PostgreSQL"
	shim r "$ROOT/tests/rules/realtime_test.sh" PATH="$ROOT/tests/pg/shim:$PATH" FLOW="$FLOW" ||
		failed rules-realtime
	shim q "$ROOT/tests/rules/store_screen_test.sh" PATH="$ROOT/tests/pg/shim:$PATH" || failed rules-screen
fi

if [ -x "$DRIVER" ]; then
	step "crash test against PostgreSQL (kill -9 yibao, the server keeps running)"
	sh "$ROOT/tests/pg/crash_pg.sh" "${PG_CRASH_KILLS:-4}" || failed crash
	step "crash test with deadlocks injected (group retry)"
	YIBAO_PG_TEST_DEADLOCK_EVERY=3 sh "$ROOT/tests/pg/crash_pg.sh" 2 || failed crash-retry
else
	echo "note: $DRIVER not built (make $DRIVER), crash tests skipped"
fi

step "a real deadlock"
sh "$ROOT/tests/pg/deadlock_test.sh" || failed deadlock

step "ready to shard: one settlement, one psn_no"
sh "$ROOT/tests/pg/shard_test.sh" || failed shard

step "an unavailable store: 503, try again, then served again"
ROOT=$ROOT sh "$ROOT/tests/pg/outage_test.sh" || failed outage

step "yibao copy: a SQLite store into PostgreSQL, the same check summary"
sh "$ROOT/tests/pg/copy_test.sh" || failed copy

end=$(date +%s)
if [ -n "$fails" ]; then
	echo "pg_test: FAILED:$fails ($((end - start)) s)" >&2
	exit 1
fi
echo "pg_test: all PostgreSQL tests passed ($((end - start)) s)"
