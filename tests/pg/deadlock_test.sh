#!/bin/sh
# A real deadlock (40P01) in a settlement is retried transparently.
#
#   YIBAO=build/yibao sh tests/pg/deadlock_test.sh
#
# DL-X and DL-Y are each other's mutual-aid initiators, so a settlement of
# DL-X locks DL-X's account and then DL-Y's. A psql session locks DL-Y's
# account, waits until yibao holds DL-X and waits for DL-Y, then asks for
# DL-X: a deadlock. The server checks for a deadlock once, deadlock_timeout
# after a wait begins, and the checker is the victim: yibao (1 s, its check
# comes after psql closed the cycle) is, psql (5 s) is not. store.c must
# roll the group back
# and run the settlement again. Expected: the settlement succeeds with one
# answer, psql's transaction commits, the server log shows the deadlock,
# and yibao check passes.
set -u
ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$ROOT/policies}
export YIBAO_POLICY_DIR

. "$ROOT/tests/pg/pg_env.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-deadlock.XXXXXX") || exit 1
trap 'rm -rf "$T"; pg_env_cleanup' EXIT
pg_sql postgres "CREATE DATABASE yb_deadlock" || exit 1
DB=$(pg_url yb_deadlock)
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

psn() {
	printf '{"kind":"psn","psn_no":"%s","certno":"c-%s","psn_name":"%s","gend":"1","brdy":"1970-01-01","insutype":"310","psn_type":"1101","insu_admdvs":"340600","begndate":"2024-01-01","enddate":"2024-12-31","acct_balc":%s}\n' "$1" "$1" "$1" "$2"
}
{
	echo '{"kind":"fixmedins","fixmedins_code":"DL-H1","fixmedins_name":"clinic","fixmedins_type":"1","hosp_lv":"1","prim_flag":"0","admdvs":"340603"}'
	psn DL-X 0
	psn DL-Y 900.00
	echo '{"kind":"mulaid","initiator_psn_no":"DL-Y","bound_psn_no":"DL-X","bind_time":"2024-01-02 10:00:00"}'
	echo '{"kind":"mulaid","initiator_psn_no":"DL-X","bound_psn_no":"DL-Y","bind_time":"2024-01-02 10:00:00"}'
} >"$T/data.jsonl"
"$YIBAO" load --db "$DB" "$T/data.jsonl" >/dev/null || exit 1
printf '{"msgid":"DL-1","fixmedins_code":"DL-H1","psn_no":"DL-X","mdtrt":{"mdtrt_id":"DL-1","med_type":"11","begntime":"2024-03-01 09:00:00","acct_used_flag":"1"},"feedetail":[{"feedetl_sn":"1","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":40.00}]}\n' >"$T/in.json"

log_from=0
[ -n "${YIBAO_PG_LOG:-}" ] && log_from=$(wc -l <"$YIBAO_PG_LOG")
# the other transaction: DL-Y now, DL-X once yibao waits for DL-Y
pg_sql yb_deadlock "SET deadlock_timeout = '5s';
BEGIN;
SELECT 'locked' FROM acct WHERE psn_no = 'DL-Y' FOR UPDATE;
SELECT pg_sleep(0.8);
SELECT 'got' FROM acct WHERE psn_no = 'DL-X' FOR UPDATE;
SELECT pg_sleep(0.2);
COMMIT;" >"$T/psql.out" 2>&1 &
ppid=$!
sleep 0.3
PGOPTIONS="-c deadlock_timeout=1s" "$YIBAO" settle --db "$DB" "$T/in.json" >"$T/out" 2>"$T/err"
rc=$?
wait $ppid
prc=$?
[ "$rc" -eq 0 ] || bad "the settlement failed (exit $rc): $(cat "$T/err")"
[ "$prc" -eq 0 ] && grep -q '^got$' "$T/psql.out" || bad "the other transaction failed: $(cat "$T/psql.out")"
n=$(grep -o '{"setl_id":' "$T/out" | wc -l)
[ "$n" -eq 1 ] || bad "the answer holds $n settlements: $(head -c 300 "$T/out")"
grep -q '"acct_mulaid_pay":40.00' "$T/out" || bad "no mutual aid in the answer: $(head -c 300 "$T/out")"
if [ -n "${YIBAO_PG_LOG:-}" ]; then
	tail -n +"$((log_from + 1))" "$YIBAO_PG_LOG" | grep -q 'deadlock detected' ||
		bad "no deadlock in the server log: the test did not provoke one"
fi
[ "$(pg_sql yb_deadlock "SELECT count(*) FROM setl WHERE msgid = 'DL-1'")" = 1 ] || bad "not one settlement DL-1"
"$YIBAO" check --db "$DB" >"$T/check" 2>&1 || bad "yibao check: $(cat "$T/check")"
[ "$fails" -eq 0 ] && echo "deadlock_test: a real deadlock was retried transparently" ||
	{ echo "deadlock_test: $fails failed" >&2; exit 1; }
