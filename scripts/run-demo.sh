#!/bin/sh
# make run: a newcomer's first minute. Creates a demo store (the Huaibei
# policy, institutions of every kind, a few hundred persons with accounts and
# family bindings: examples/demo/gen-people.sh), starts `yibao serve` on
# 127.0.0.1:8080 (or a free port if 8080 is taken), settles one visit the way
# a hospital system does, over HTTP with `yibao call` (1101 -> 2201 -> 2204 ->
# 2207), prints the command that settles another, and serves until Ctrl-C.
# The bureau's side too: a demo administrator and the 2024 campaign's
# enrolments and payment file (examples/demo/campaign-2024/), with the
# administration API's login printed.
#
# usage: sh scripts/run-demo.sh [build/yibao]   (PORT=8080 PERSONS=300)
set -eu
YIBAO=${1:-build/yibao}
PORT=${PORT:-8080}
PERSONS=${PERSONS:-300}
export YIBAO_POLICY_DIR="$(pwd)/policies"
DEMO=build/demo
DB="$DEMO/demo.db"
HIS=examples/demo/his
SPID=""

say() { printf '\n== %s\n' "$*"; }
stop() {
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	SPID=""
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

rm -rf "$DEMO" && mkdir -p "$DEMO"
say "a demo city: Huaibei (340600) policy, 6 institutions, $PERSONS persons with accounts and family bindings"
sh examples/demo/gen-people.sh "$PERSONS" > "$DEMO/city.jsonl"
"$YIBAO" load --db "$DB" "$DEMO/city.jsonl"

# the bureau's side (docs/admin-api.md): a demo administrator, and the 2024
# campaign - four residents enrolled in its window, the tax system's payment
# file imported (examples/demo/campaign-2024/)
CAMPAIGN=examples/demo/campaign-2024
ADMIN_PW=demo-admin-password
say "the bureau: administrator 'admin' (password $ADMIN_PW); the 2024 campaign: 4 residents, their payment file"
printf '%s\n' "$ADMIN_PW" | "$YIBAO" staff add --db "$DB" --id admin --role administrator >/dev/null
for f in "$CAMPAIGN"/enrol-*.json; do
	"$YIBAO" enrol register --db "$DB" --now "2023-10-08 10:00:00" "$f" >/dev/null
done
"$YIBAO" pay import --db "$DB" --now "2024-03-01 09:00:00" "$CAMPAIGN/payments-2024.csv" |
	sed -n 's/.*"summary":\({[^}]*}\).*/   payments-2024.csv: \1/p'

# The shipped supervision rules judge every settlement. A demo visit pasted
# twice is the same bill twice (S1); the demo warns of it rather than
# refusing, so that the printed command settles every time it is pasted and
# shows the finding. A bureau keeps rules/ as shipped.
mkdir -p "$DEMO/rules"
cp rules/*.json "$DEMO/rules/"
awk '/"id": "S1-DUP"/ { dup = 1 }
     dup && /"action": "refuse"/ { sub(/"refuse"/, "\"warn\""); dup = 0 }
     { print }' rules/s1-settlements.json > "$DEMO/rules/s1-settlements.json"

# start LISTEN: the server in the background; 0 when it is listening
start() {
	: > "$DEMO/server.log"
	"$YIBAO" serve --db "$DB" --listen "$1" --rules "$DEMO/rules" 2>> "$DEMO/server.log" &
	SPID=$!
	i=0
	while [ $i -lt 100 ]; do
		grep -q '"event":"listening"' "$DEMO/server.log" && return 0
		kill -0 "$SPID" 2>/dev/null || { SPID=""; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
if ! start "127.0.0.1:$PORT"; then
	echo "   127.0.0.1:$PORT is taken; letting the kernel choose a port"
	start 127.0.0.1:0 || { cat "$DEMO/server.log" >&2; exit 1; }
fi
ADDR=$(sed -n 's/.*"event":"listening","listen":"\([^"]*\)".*/\1/p' "$DEMO/server.log" | head -n 1)
URL="http://$ADDR"
say "yibao serve is listening on $URL/fsi/api/rsfComIfsService/callService (log: $DEMO/server.log)"

CALL="$YIBAO call --url $URL --fixmedins-code H34060300101 --secret demo-secret-clinic"
FILES="$HIS/1101.json $HIS/2201.json $HIS/2204.json $HIS/2207.json"
say "a community clinic settles a visit of 张建国 (an employee, level-1, own account):
   1101 finds him by his ID card, 2201 registers the visit, 2204 uploads 5 fee lines,
   2207 settles them; {{psn_no}} and {{mdtrt_id}} in the files come from the answers before"
# shellcheck disable=SC2086
$CALL --pretty $FILES

say "serving until Ctrl-C. Settle another visit (a new mdtrt_id each time) with:

   $CALL --pretty \\
       $FILES

   the files are plain NHSA messages (examples/demo/his/); the interface: docs/interface.md

   the bureau's administration API on the same server (docs/admin-api.md):
   TOKEN=\$(curl -s -X POST $URL/api/v1/login -d '{\"staff_id\":\"admin\",\"password\":\"$ADMIN_PW\"}' |
           sed 's/.*\"token\":\"\\([0-9a-f]*\\)\".*/\\1/')
   curl -s -H \"Authorization: Bearer \$TOKEN\" '$URL/api/v1/persons?certno=340604198306229426'
   curl -s -H \"Authorization: Bearer \$TOKEN\" $URL/api/v1/persons/N000000000002/history
   curl -s -H \"Authorization: Bearer \$TOKEN\" $URL/api/v1/audit"
wait "$SPID" || true
