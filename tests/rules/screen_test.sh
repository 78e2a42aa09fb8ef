#!/bin/sh
# Batch screening end to end (run by `make rules-test` with YIBAO=build/yibao,
# from the repository root): yibao gen's injected fraud is all found and
# nothing else; clean data gives no finding; gen is deterministic; the S4
# sample is reproducible and stratified; the report is self-contained;
# --from/--to; a file out of order is refused; and the same findings come
# out of SQLite's SQL (and DuckDB's, when bench/screen-duckdb/node_modules is
# installed) as out of yibao screen for the bench's rules.
set -u
YIBAO=${YIBAO:-build/yibao}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
exec </dev/null
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# keys of findings: rule_id,setl_id,feedetl_sn (sorted)
keys() {
	sed -n 's/.*"rule_id":"\([^"]*\)".*"setl_id":"\([^"]*\)",\("feedetl_sn":"\([^"]*\)",\)\{0,1\}"date".*/\1,\2,\4/p' "$1" | sort
}
truth_keys() {
	sed -n 's/.*"rule_id":"\([^"]*\)".*"setl_id":"\([^"]*\)"\(,"feedetl_sn":"\([^"]*\)"\)\{0,1\},"psn_no".*/\1,\2,\4/p' "$1" | sort
}

# 1. injected fraud: all found, and every finding is on an injected settlement
if $YIBAO gen --persons 4000 --seed 11 --out "$tmp/f" --fraud-rate 0.08 2>"$tmp/gen.err" &&
   $YIBAO screen --in "$tmp/f" --out "$tmp/f.jsonl" --report "$tmp/f.html" --sample 5% --no-progress 2>"$tmp/screen.err"; then
	truth_keys "$tmp/f/truth.jsonl" > "$tmp/truth.keys"
	keys "$tmp/f.jsonl" > "$tmp/found.keys"
	missed=$(comm -23 "$tmp/truth.keys" "$tmp/found.keys" | wc -l)
	cut -d, -f2 "$tmp/truth.keys" | sort -u > "$tmp/truth.setl"
	cut -d, -f2 "$tmp/found.keys" | sort -u > "$tmp/found.setl"
	extra=$(comm -13 "$tmp/truth.setl" "$tmp/found.setl" | wc -l)
	n=$(wc -l < "$tmp/truth.keys")
	types=$(sed -n 's/.*"type":"\([^"]*\)".*/\1/p' "$tmp/f/truth.jsonl" | sort -u | wc -l)
	if [ "$missed" -eq 0 ] && [ "$extra" -eq 0 ] && [ "$n" -gt 100 ] && [ "$types" -eq 13 ]; then
		ok
	else
		bad "injected fraud: $n cases of $types rule types, $missed missed, $extra settlements flagged that were not injected"
		comm -23 "$tmp/truth.keys" "$tmp/found.keys" | head -5 >&2
	fi
	# real time and batch agree: every settlement judged by yb_rules_judge
	# over one history in file order (codes included) finds the same
	$YIBAO screen --in "$tmp/f" --realtime --out "$tmp/rt.jsonl" --no-progress 2>/dev/null
	keys "$tmp/rt.jsonl" > "$tmp/rt.keys"
	if [ -s "$tmp/rt.keys" ] && cmp -s "$tmp/rt.keys" "$tmp/found.keys"; then
		ok
	else
		bad "real time ($(wc -l < "$tmp/rt.keys") findings) and batch ($(wc -l < "$tmp/found.keys")) disagree"
	fi
	# the report: self-contained, with the sections an auditor reads
	if grep -q '<svg' "$tmp/f.html" && grep -q 'S1 duplicate settlements' "$tmp/f.html" &&
	   grep -q 'Institutions with the most suspect money' "$tmp/f.html" &&
	   ! grep -qi '<script\|https\?://\|<link\|<img' "$tmp/f.html"; then
		ok
	else
		bad "report: sections missing, or it reaches the network"
	fi
	# the masked person: first 3 and last 2 characters
	if grep -q '"psn_no":"340\*\*\*\*\*\*\*\*\*[0-9][0-9]"' "$tmp/f.jsonl" && ! grep -q '"psn_no":"3406' "$tmp/f.jsonl"; then
		ok
	else
		bad "findings: psn_no not masked"
	fi
	# the sample: per institution ceil(5% x settlements); again the same
	if awk -F'"' '{ n[$4]++; want[$4] = $NF } END { for (k in n) { sub(/^:/, "", want[k]); sub(/}$/, "", want[k]); if (n[k] != want[k] + 0) exit 1 } }' "$tmp/f.sample.jsonl" &&
	   [ -s "$tmp/f.sample.jsonl" ] &&
	   $YIBAO screen --in "$tmp/f" --out "$tmp/f2.jsonl" --sample 5% --no-progress 2>/dev/null &&
	   cmp -s "$tmp/f.sample.jsonl" "$tmp/f2.sample.jsonl" && cmp -s "$tmp/f.jsonl" "$tmp/f2.jsonl"; then
		ok
	else
		bad "sample: not stratified or not reproducible"
	fi
	# another seed draws another sample
	$YIBAO screen --in "$tmp/f" --out "$tmp/f3.jsonl" --sample 5% --seed 2 --no-progress 2>/dev/null
	if cmp -s "$tmp/f.sample.jsonl" "$tmp/f3.sample.jsonl"; then bad "sample: --seed changes nothing"; else ok; fi
	# --from/--to: only care that began inside is judged
	$YIBAO screen --in "$tmp/f" --from 2024-07-01 --to 2024-09-30 --out "$tmp/q3.jsonl" --no-progress 2>/dev/null
	if [ -s "$tmp/q3.jsonl" ] && ! grep -v '"date":"2024-0[789]-' "$tmp/q3.jsonl" | grep -q .; then ok; else bad "--from/--to"; fi
	# 2. the bench's rules: SQLite's SQL (and DuckDB's) find the same
	$YIBAO screen --in "$tmp/f" --rules bench/screen-rules --out "$tmp/b.jsonl" --no-progress 2>/dev/null
	keys "$tmp/b.jsonl" > "$tmp/b.keys"
	if command -v sqlite3 >/dev/null 2>&1; then
		sed "s|{DIR}|$tmp/f|g; s|{OUT}|$tmp/sq.csv|g" bench/screen-sqlite.sql > "$tmp/s.sql"
		sqlite3 "$tmp/s.db" < "$tmp/s.sql" >/dev/null
		sort "$tmp/sq.csv" > "$tmp/sq.keys"
		if [ -s "$tmp/b.keys" ] && cmp -s "$tmp/b.keys" "$tmp/sq.keys"; then ok; else bad "SQLite's findings differ from yibao screen's ($(wc -l < "$tmp/sq.keys") vs $(wc -l < "$tmp/b.keys"))"; fi
	else
		echo "skip: sqlite3 not installed" >&2
	fi
	if [ -d bench/screen-duckdb/node_modules/@duckdb ] && command -v node >/dev/null 2>&1; then
		node bench/screen-duckdb/screen.mjs "$tmp/f" "$tmp/duck.csv" >/dev/null
		sort "$tmp/duck.csv" > "$tmp/duck.keys"
		if cmp -s "$tmp/b.keys" "$tmp/duck.keys"; then ok; else bad "DuckDB's findings differ from yibao screen's"; fi
	else
		echo "skip: DuckDB (cd bench/screen-duckdb && npm install)" >&2
	fi
else
	bad "gen or screen failed: $(cat "$tmp/gen.err" "$tmp/screen.err" 2>/dev/null | tail -2)"
fi

# 3. clean data: no finding
if $YIBAO gen --persons 6000 --seed 12 --out "$tmp/c" --fraud-rate 0 2>/dev/null &&
   $YIBAO screen --in "$tmp/c" --out "$tmp/c.jsonl" --no-progress 2>/dev/null &&
   [ ! -s "$tmp/c.jsonl" ] && [ ! -s "$tmp/c/truth.jsonl" ]; then
	ok
else
	bad "clean data: $(wc -l < "$tmp/c.jsonl") findings, e.g. $(head -c 300 "$tmp/c.jsonl")"
fi

# 4. gen is deterministic
$YIBAO gen --persons 500 --seed 5 --out "$tmp/d1" --fraud-rate 0.1 2>/dev/null
$YIBAO gen --persons 500 --seed 5 --out "$tmp/d2" --fraud-rate 0.1 2>/dev/null
same=1
for f in city.jsonl persons.jsonl fixmedins.csv setl.csv fee.csv trac.csv truth.jsonl; do
	cmp -s "$tmp/d1/$f" "$tmp/d2/$f" || same=0
done
if [ $same -eq 1 ]; then ok; else bad "gen: the same seed wrote different files"; fi

# 5. gen's persons and institutions load into the ledger as they are
if $YIBAO load --db "$tmp/city.db" "$tmp/d1/city.jsonl" "$tmp/d1/persons.jsonl" >/dev/null 2>"$tmp/load.err"; then
	ok
else
	bad "yibao load refused gen's files: $(head -2 "$tmp/load.err")"
fi

# 6. out of order: a person's settlements split in two is refused
{ head -1 "$tmp/d1/setl.csv"; tail -n +2 "$tmp/d1/setl.csv" | awk 'NR % 2 == 0' ; tail -n +2 "$tmp/d1/setl.csv" | awk 'NR % 2 == 1'; } > "$tmp/d1/setl.shuf"
mv "$tmp/d1/setl.shuf" "$tmp/d1/setl.csv"
$YIBAO screen --in "$tmp/d1" --out "$tmp/x.jsonl" --no-progress 2>"$tmp/x.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'setl.csv:[0-9]*: ' "$tmp/x.err"; then ok; else bad "a shuffled setl.csv was not refused (exit $rc): $(cat "$tmp/x.err")"; fi

# 7. usage errors
$YIBAO screen --in "$tmp/nowhere" --out "$tmp/y.jsonl" --no-progress 2>/dev/null
[ $? -eq 2 ] && ok || bad "screen of a missing folder: not exit 2"
$YIBAO screen --in "$tmp/c" --out "$tmp/y.jsonl" --sample 0% 2>/dev/null
[ $? -eq 2 ] && ok || bad "--sample 0%: not exit 2"
$YIBAO gen --persons 0 --out "$tmp/z" 2>/dev/null
[ $? -eq 2 ] && ok || bad "gen --persons 0: not exit 2"

echo "screen: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
