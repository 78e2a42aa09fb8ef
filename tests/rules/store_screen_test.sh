#!/bin/sh
# Real time and batch agree (issue 7 phase B): yibao gen's city is settled
# through the ledger (yibao settle, one settlement at a time, in setl.csv's
# order, with the lines' codes) under the rules of rules/ with every action
# set to warn (so that each settlement stands and its findings are recorded),
# then `yibao screen --db` sweeps the same store. Both must give the same
# findings (rule, settlement, line), and every case the generator injected
# must be among them.
#
# usage: YIBAO=build/yibao sh tests/rules/store_screen_test.sh [PERSONS]
# (tests/pg/pg_test.sh runs it on PostgreSQL through its shims)
set -u

ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
export YIBAO_POLICY_DIR="$ROOT/policies"
PERSONS=${1:-40}
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-store-screen.XXXXXX") || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM
fails=0
ok() { echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; }

"$YIBAO" gen --persons "$PERSONS" --seed 11 --out "$T/g" --fraud-rate 0.5 >/dev/null 2>"$T/err" ||
	{ cat "$T/err"; exit 1; }
mkdir "$T/rules"
for f in "$ROOT"/rules/*.json; do sed 's/"refuse"/"warn"/' "$f" >"$T/rules/$(basename "$f")"; done
export YIBAO_RULES_DIR="$T/rules"

# stock codes as load lines; settlements as yibao settle inputs
awk -F, 'NR > 1 { printf "{\"kind\":\"trac\",\"drug_trac_codg\":\"%s\",\"med_list_codg\":\"%s\",\"pack_qty\":\"%s\",\"fixmedins_code\":\"%s\",\"purc_date\":\"%s\"}\n", $1, $2, $3, $4, $5 }' \
	"$T/g/trac.csv" >"$T/trac.jsonl"
"$YIBAO" load --db "$T/ss.db" "$T/g/city.jsonl" "$T/g/persons.jsonl" "$T/trac.jsonl" >/dev/null 2>"$T/err" ||
	{ cat "$T/err"; exit 1; }
mkdir "$T/in"
awk -F, -v dir="$T/in" '
FNR == 1 { file++; next }
file == 1 { n++; id[n] = $1
	head[$1] = sprintf("{\"msgid\":\"%s\",\"fixmedins_code\":\"%s\",\"psn_no\":\"%s\",\"insutype\":\"%s\",\"mdtrt\":{\"mdtrt_id\":\"%s\",\"med_type\":\"%s\",\"begntime\":\"%s\"%s,\"dise_codg\":\"%s\",\"acct_used_flag\":\"0\"},\"feedetail\":[",
		$1, $7, $3, $6, $2, $8, $9, ($10 == "" ? "" : ",\"endtime\":\"" $10 "\""), $11); next }
{ line = sprintf("{\"feedetl_sn\":\"%s\",\"med_list_codg\":\"%s\",\"fee_ocur_time\":\"%s\",\"cnt\":%s,\"pric\":%s,\"det_item_fee_sumamt\":%s%s,\"trdn_flag\":\"%s\"}",
		$2, $3, $4, $5, $6, $7, ($8 == "" ? "" : ",\"drug_trac_codg\":\"" $8 "\""), $9)
  body[$1] = body[$1] (body[$1] == "" ? "" : ",") line }
END { for (i = 1; i <= n; i++) printf "%s%s]}\n", head[id[i]], body[id[i]] > sprintf("%s/%06d.json", dir, i) }
' "$T/g/setl.csv" "$T/g/fee.csv"
n=0
refused=0
start=$(date +%s)
for f in "$T"/in/*.json; do
	if ! "$YIBAO" settle --db "$T/ss.db" "$f" >/dev/null 2>>"$T/refused"; then refused=$((refused + 1)); fi
	n=$((n + 1))
done
secs=$(($(date +%s) - start))
stood=$(sqlite3 -readonly "$T/ss.db" "SELECT count(*) FROM setl WHERE begn_date > 0")
echo "     $n settlements sent in ${secs} s, $stood stand, $refused refused by the ledger itself"
[ "$stood" -gt 0 ] && ok "settled through the ledger with rules" || bad "nothing settled: $(head -n 3 "$T/refused")"

sqlite3 -readonly "$T/ss.db" "SELECT rule_id || '|' || setl_id || '|' || feedetl_sn FROM setl_finding" | sort >"$T/realtime"
"$YIBAO" screen --db "$T/ss.db" --rules "$T/rules" --out "$T/batch.jsonl" --no-progress 2>"$T/err" ||
	{ cat "$T/err"; exit 1; }
# rule_id, setl_id and feedetl_sn of each batch finding
awk '{
	r = $0; sub(/.*"rule_id":"/, "", r); sub(/".*/, "", r)
	s = $0; sub(/.*"setl_id":"/, "", s); sub(/".*/, "", s)
	l = ""; if ($0 ~ /"feedetl_sn":"/) { l = $0; sub(/.*"feedetl_sn":"/, "", l); sub(/".*/, "", l) }
	print r "|" s "|" l }' "$T/batch.jsonl" | sort >"$T/batch"
nr=$(wc -l <"$T/realtime")
nb=$(wc -l <"$T/batch")
if [ "$nr" -gt 0 ] && cmp -s "$T/realtime" "$T/batch"; then
	ok "real time and screen --db give the same $nr findings"
else
	bad "real time $nr findings, screen --db $nb; differences (< real time, > batch):"
	diff "$T/realtime" "$T/batch" | head -n 20 | sed 's/^/     /'
fi
# every case the generator injected was found in real time: truth.jsonl's
# (rule_id, setl_id, feedetl_sn) with setl_id mapped through the msgid
# (each settlement was sent with its generated setl_id as msgid)
sqlite3 -readonly "$T/ss.db" "SELECT f.rule_id || '|' || s.msgid || '|' || f.feedetl_sn FROM setl_finding f
	JOIN setl s ON s.setl_id = f.setl_id" | sort >"$T/found"
awk '{
	r = $0; sub(/.*"rule_id":"/, "", r); sub(/".*/, "", r)
	s = $0; sub(/.*"setl_id":"/, "", s); sub(/".*/, "", s)
	l = ""; if ($0 ~ /"feedetl_sn":"/) { l = $0; sub(/.*"feedetl_sn":"/, "", l); sub(/".*/, "", l) }
	print r "|" s "|" l }' "$T/g/truth.jsonl" | sort -u >"$T/truth"
missing=$(comm -23 "$T/truth" "$T/found" | wc -l)
if [ "$missing" -eq 0 ]; then
	ok "every one of the $(wc -l <"$T/truth") injected cases was found in real time"
else
	bad "$missing injected cases not found in real time:"
	comm -23 "$T/truth" "$T/found" | head -n 10 | sed 's/^/     /'
fi
rules=$(cut -d'|' -f1 "$T/realtime" | sort -u | wc -l)
echo "     $rules rules fired"
[ $fails -eq 0 ] && echo "store_screen_test: passed" || echo "store_screen_test: FAILED"
[ $fails -eq 0 ]
