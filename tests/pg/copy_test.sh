#!/bin/sh
# yibao copy: a SQLite store moved into PostgreSQL gives the same
# `yibao check` summary and the same money, row for row; a second copy into
# the now non-empty store is refused and changes nothing. Sourced server
# from tests/pg/pg_env.sh (or $YIBAO_PG_URL).
set -u
ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
export YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$ROOT/policies}
. "$ROOT/tests/pg/pg_env.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-copy.XXXXXX") || exit 1
trap 'rm -rf "$T"; pg_env_cleanup' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1" >&2; }

DB=$T/city.db
"$YIBAO" load --db "$DB" examples/demo/data.jsonl >/dev/null || { echo "copy_test: load failed" >&2; exit 1; }
"$YIBAO" settle --db "$DB" examples/demo/visit-employee-clinic.json > "$T/s1.json" &&
"$YIBAO" settle --db "$DB" examples/demo/visit-child-village.json > "$T/s2.json" || { echo "copy_test: settle failed" >&2; exit 1; }
SETL=$(sed 's/.*"setl_id":"\([^"]*\)".*/\1/' "$T/s2.json")
"$YIBAO" cancel --db "$DB" --setl-id "$SETL" --msgid COPYTEST-CANCEL-1 --fixmedins-code H34062100201 >/dev/null ||
	{ echo "copy_test: cancel failed" >&2; exit 1; }

pg_sql postgres "CREATE DATABASE copytest" >/dev/null
URL=$(pg_url copytest)
if "$YIBAO" copy --from "$DB" --to "$URL" > "$T/copy.out" 2>&1; then ok "yibao copy"; else no "yibao copy: $(cat "$T/copy.out")"; fi

a=$("$YIBAO" check --db "$DB" 2>&1 | tail -1)
b=$("$YIBAO" check --db "$URL" 2>&1 | tail -1)
[ "$a" = "$b" ] && [ -n "$a" ] && ok "same check summary: $a" || no "check summaries differ: '$a' / '$b'"

q="SELECT count(*), sum(medfee_sumamt), sum(hifp_pay), sum(acct_pay), sum(psn_cash_pay) FROM setl"
sa=$(sqlite3 "$DB" "$q")
sb=$(pg_sql copytest "$q")
[ "$sa" = "$sb" ] && ok "settlement totals equal ($sa)" || no "settlement totals: $sa / $sb"
q="SELECT psn_no || ':' || balc FROM acct ORDER BY psn_no"
[ "$(sqlite3 "$DB" "$q")" = "$(pg_sql copytest "$q")" ] && ok "every account balance equal" || no "account balances differ"
q="SELECT psn_no || ':' || year || ':' || bucket || ':' || amount FROM accum ORDER BY 1"
[ "$(sqlite3 "$DB" "$q")" = "$(pg_sql copytest "$q")" ] && ok "every accumulator equal" || no "accumulators differ"

# the copied store goes on: a retried msgid answers as in SQLite, a new settlement gets a fresh id
"$YIBAO" settle --db "$URL" examples/demo/visit-employee-clinic.json > "$T/s1b.json" 2>&1
cmp -s "$T/s1.json" "$T/s1b.json" && ok "a retried msgid answers byte for byte after the copy" || no "retry after copy differs"
sed 's/0001"/0077"/; s/MD2024030100001/MD2024030100077/; s/34060000000000000001/34060000000000000002/' examples/demo/visit-employee-clinic.json > "$T/v3.json"
new=$("$YIBAO" settle --db "$URL" "$T/v3.json" 2>&1 | sed 's/.*"setl_id":"\([^"]*\)".*/\1/')
[ -n "$new" ] && [ "$(pg_sql copytest "SELECT count(*) FROM setl WHERE setl_id = '$new'")" = 1 ] &&
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM setl WHERE setl_id = '$new'")" = 0 ] &&
	ok "a new settlement after the copy gets a new setl_id ($new)" || no "new settlement after copy: '$new'"

before=$(pg_sql copytest "SELECT count(*) FROM setl")
if "$YIBAO" copy --from "$DB" --to "$URL" > "$T/copy2.out" 2>&1; then no "a second copy was accepted"
else grep -q "not empty" "$T/copy2.out" && ok "a copy into a non-empty store is refused" || no "refusal text: $(cat "$T/copy2.out")"; fi
[ "$(pg_sql copytest "SELECT count(*) FROM setl")" = "$before" ] && ok "the refused copy changed nothing" || no "refused copy changed rows"

echo "copy_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
