#!/bin/sh
# The login lock-out under attack (issue 12 F3 and F4, docs/admin-api.md
# "Staff, passwords, sessions"): the real `yibao serve` with 64 threads,
# logins over real sockets from chosen loopback addresses (127.0.0.x) sent
# by tests/admin/login_client.c, what they cost read from GET /stats.
#  1. A locked id stays locked through 300 failed logins for made-up ids,
#     sent from one address (whose own limit stops them after 20 password
#     checks) and spread over 16 addresses (at most 19 each: all 300
#     checked, none refused - and the lock holds all the same).
#  2. Both locks (the id's, the address's) hold through a restart.
#  3. A burst of 200 simultaneous logins for one id (from 10 addresses)
#     costs at most 5 password checks. After 4 failures, a burst of 50
#     wrong passwords: the right one, sent once the server has begun the
#     5th check, is refused.
# Ends with yibao check.
#
# usage: YIBAO=build/yibao LOGIN_CLIENT=build/tests/login_client sh tests/admin/lockout_test.sh
set -u
NAME=lockout
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
CLIENT=${LOGIN_CLIENT:-build/tests/login_client}
[ -x "$CLIENT" ] || { echo "$NAME: $CLIENT not built" >&2; exit 1; }

"$YIBAO" staff add --db "$T/db" --id admin --role administrator --password-file "$T/pw" >"$T/out" 2>&1 ||
	{ cat "$T/out" >&2; echo "$NAME: staff add failed" >&2; exit 1; }
start_server "$T/log" --threads 64
login admin admin-secret-pw-1
ADM=$TOKEN
for v in v1 v2 v3 v4; do
	api POST /staff "$ADM" "{\"staff_id\":\"$v\",\"role\":\"clerk\",\"password\":\"victim-pw-$v-secret\"}"
	[ "$STATUS" = 200 ] || { echo "$NAME: POST /staff $v: $STATUS $(cat "$T/out")" >&2; exit 1; }
done

# from SRC ID PASSWORD: a login from the address SRC ($STATUS, $T/out)
from() {
	STATUS=$(curl -s -o "$T/out" -w '%{http_code}' --interface "$1" -X POST \
		--data-binary "{\"staff_id\":\"$2\",\"password\":\"$3\"}" "$BASE/login")
}
# checks: the server's password checks so far
checks() {
	api GET /stats "$ADM"
	sed -n 's/.*"password_checks":\([0-9]*\).*/\1/p' "$T/out"
}
# run NAME CLIENT-ARGS...: login_client's tally in $R, its counts in $N200 $N401 $N429 $RIGHT
run() {
	name=$1
	shift
	C0=$(checks)
	R=$("$CLIENT" "$PORT" "$@" 2>"$T/client.err") || bad "$name: login_client" "$R $(cat "$T/client.err")"
	C1=$(checks)
	DC=$((C1 - C0))
	N200=$(printf '%s' "$R" | sed -n 's/.*200=\([0-9]*\).*/\1/p')
	N401=$(printf '%s' "$R" | sed -n 's/.*401=\([0-9]*\).*/\1/p')
	N429=$(printf '%s' "$R" | sed -n 's/.*429=\([0-9]*\).*/\1/p')
	RIGHT=$(printf '%s' "$R" | sed -n 's/.*right=\([0-9-]*\).*/\1/p')
	echo "     $name: $R, $DC password checks"
}

echo "== a locked id stays locked through 300 failures for made-up ids"
for i in 1 2 3 4; do from 127.0.0.2 v1 wrong-password-x; done
expect "v1's 4th failure: 401" 401 'wrong staff id or password'
from 127.0.0.2 v1 wrong-password-x
expect "the 5th locks v1: 429" 429 'v1 is locked'
from 127.0.0.3 v1 victim-pw-v1-secret
expect "v1's right password, from another address: 429" 429 'v1 is locked'

run "300 made-up ids from 127.0.0.4" spray 300 nobody wrong-password-x 127.0.0.4 1 8
[ "$DC" -eq 20 ] && [ "$N401" = 19 ] && [ "$N429" = 281 ] &&
	ok "one address: 20 password checks, then the address is locked (19 x 401, 281 x 429)" ||
	bad "one address's limit" "$R, $DC checks"
from 127.0.0.5 v1 victim-pw-v1-secret
expect "v1 is still locked" 429 'v1 is locked'
from 127.0.0.4 v2 victim-pw-v2-secret
expect "127.0.0.4 is locked, for v2's right password too" 429 'this address is locked'
from 127.0.0.6 v2 victim-pw-v2-secret
expect "v2 from another address: 200" 200 '"token"'

run "300 made-up ids from 16 addresses" spray 300 ghost wrong-password-x 127.0.0.10 16 16
[ "$DC" -eq 300 ] && [ "$N401" = 300 ] &&
	ok "16 addresses, at most 19 each: all 300 checked and answered 401 (no address limit reached)" ||
	bad "spread over 16 addresses" "$R, $DC checks"
from 127.0.0.7 v1 victim-pw-v1-secret
expect "v1 is still locked after 600 failures for other ids" 429 'v1 is locked'

echo "== the locks survive a restart"
stop_server
start_server "$T/log2" --threads 64
login admin admin-secret-pw-1
ADM=$TOKEN
from 127.0.0.8 v1 victim-pw-v1-secret
expect "v1 is still locked after a restart" 429 'v1 is locked'
from 127.0.0.4 v2 victim-pw-v2-secret
expect "127.0.0.4 is still locked after a restart" 429 'this address is locked'

echo "== bursts of simultaneous logins"
run "200 at once for v3" burst 200 v3 wrong-password-x 127.0.0.30 10
[ "$DC" -le 5 ] && [ "$N401" = 4 ] && [ "$N429" = 196 ] &&
	ok "200 simultaneous logins for v3: $DC password checks (at most 5), 4 x 401, 196 x 429" ||
	bad "a burst of 200" "$R, $DC password checks (at most 5 allowed)"
from 127.0.0.50 v3 victim-pw-v3-secret
expect "v3's right password after the burst: 429" 429 'v3 is locked'

for i in 1 2 3 4; do from 127.0.0.41 v4 wrong-password-x; done
expect "v4's 4th failure: 401" 401
C=$(checks)
run "50 at once for v4, the right password once the 5th check began" \
	race 50 v4 wrong-password-x victim-pw-v4-secret "$ADM" $((C + 1)) 127.0.0.41 5
[ "$RIGHT" = 429 ] && ok "the right password inside the burst, after the 5th failure was counted: 429" ||
	bad "the right password inside a burst" "$R"
[ "$DC" -eq 1 ] && [ "$N429" = 50 ] && ok "the burst cost 1 password check (the 5th), every answer 429" ||
	bad "the burst after 4 failures" "$R, $DC password checks"

stop_server
"$YIBAO" check --db "$T/db" >"$T/out" 2>&1 && ok "yibao check: no violations" || bad "yibao check" "$(cat "$T/out")"
grep -q 'victim-pw' "$T/log" "$T/log2" && bad "a password in the access log"

echo "lockout tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
