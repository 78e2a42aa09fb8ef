#!/bin/sh
# make run: a newcomer's first minute. Builds a demo store with the shipped
# Huaibei policy and demo data, settles two visits through the durable
# ledger, cancels one, and checks the books. Then, if the server is built,
# serves the national interface on 127.0.0.1:8080 until Ctrl-C.
set -eu
YIBAO=${1:-build/yibao}
export YIBAO_POLICY_DIR="$(pwd)/policies"
DEMO=build/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
DB="$DEMO/demo.db"

say() { printf '\n== %s\n' "$*"; }
amounts() { sed 's/,"setldetail".*//; s/"setlinfo":{//' | tr ',' '\n' |
	grep -E '"(setl_id|refd_setl_id|medfee_sumamt|fulamt_ownpay_amt|preselfpay_amt|inscp_scp_amt|act_pay_dedc|hifp_pay|acct_pay|acct_mulaid_pay|psn_cash_pay|balc|setl_proc_info)"' |
	sed 's/^{//; s/}*$//; s/^/   /' | awk '!seen[$0]++'; }

say "load institutions, persons and a family binding (examples/demo/data.jsonl)"
"$YIBAO" load --db "$DB" examples/demo/data.jsonl

say "an employee at a community clinic: deductible, class-B first self-pay, class-C item, own account"
"$YIBAO" settle --db "$DB" examples/demo/visit-employee-clinic.json > "$DEMO/s1.json"
amounts < "$DEMO/s1.json"

say "the same message again: the first answer, nothing settled twice"
"$YIBAO" settle --db "$DB" examples/demo/visit-employee-clinic.json | cmp -s - "$DEMO/s1.json" &&
	echo "   identical answer"

say "a child (resident) at a village clinic: 60 %, the rest from her father's account (family mutual aid, A2)"
"$YIBAO" settle --db "$DB" examples/demo/visit-child-village.json > "$DEMO/s2.json"
amounts < "$DEMO/s2.json"

say "a person whose contributions are unpaid is refused (OE5), nothing written"
sed 's/34060000000000000001/34060000000000000005/; s/0001"/0099"/' examples/demo/visit-employee-clinic.json |
	"$YIBAO" settle --db "$DB" 2>&1 | sed 's/^/   /' || true

say "cancel the child's settlement: accounts and accumulators restored"
SETL=$(sed 's/.*"setl_id":"\([^"]*\)".*/\1/' "$DEMO/s2.json")
"$YIBAO" cancel --db "$DB" --setl-id "$SETL" --msgid H34062100201202403021200000001 \
	--fixmedins-code H34062100201 | amounts

say "check every invariant of the store"
"$YIBAO" check --db "$DB"

if "$YIBAO" help 2>/dev/null | grep -q '^  serve'; then
	say "serving the national interface on http://127.0.0.1:8080/fsi/api/rsfComIfsService/callService (Ctrl-C stops)"
	exec "$YIBAO" serve --db "$DB" --listen 127.0.0.1:8080
fi
