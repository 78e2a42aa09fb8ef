#!/bin/sh
# Ready to shard: one settlement's transaction touches one person (one
# shard of a cluster distributed by psn_no), read from the server's own
# statement log.
#
#   YIBAO=build/yibao sh tests/pg/shard_test.sh
#
# Sources tests/pg/pg_env.sh (needs the throwaway server: its log). The
# store runs as on a cluster (sharded=1 in the URL). Loads
# two institutions, a person SH-P1 without bindings and a family (SH-B1 bound
# to SH-I1, A2), settles once to warm up, then settles again with
# log_statement=all for that process only (PGOPTIONS). In the server log it
# takes the transaction (%v, the virtual transaction id) that inserted into
# setl and, for every statement of it that names a person-scoped table,
# finds the value bound to the table's distribution column (psn_no, or
# bound_psn_no for mulaid; the psn_no of the row for an INSERT): it must be
# SH-P1 for all of them. Reference tables (fixmedins, catalogue) and the
# setl_seq sequence do not count. The same for SH-B1's settlement with
# mutual aid: every statement carries SH-B1, except the account rows of the
# initiator (acct, acct_mov), which carry SH-I1 alone - the one place a
# settlement may touch a second shard (docs/scale-out.md).
set -u
ROOT=$PWD
YIBAO=${YIBAO:-build/yibao}
case $YIBAO in /*) ;; *) YIBAO=$ROOT/$YIBAO ;; esac
YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$ROOT/policies}
export YIBAO_POLICY_DIR

. "$ROOT/tests/pg/pg_env.sh"
if [ -z "${YIBAO_PG_LOG:-}" ] || [ ! -r "$YIBAO_PG_LOG" ]; then
	echo "shard_test: skipped: needs the throwaway server's log (unset YIBAO_PG_URL)"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-shard.XXXXXX") || exit 1
trap 'rm -rf "$T"; pg_env_cleanup' EXIT
pg_sql postgres "CREATE DATABASE yb_shard" || exit 1
# sharded=1: the backend as on a cluster distributed by psn_no (idempotency
# records looked up within the person, docs/scale-out.md)
DB="$(pg_url yb_shard)&sharded=1"
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

psn() { # PSN_NO ACCT_BALC
	printf '{"kind":"psn","psn_no":"%s","certno":"c-%s","psn_name":"%s","gend":"1","brdy":"1970-01-01","insutype":"310","psn_type":"1101","insu_admdvs":"340600","begndate":"2024-01-01","enddate":"2024-12-31","acct_balc":%s}\n' "$1" "$1" "$1" "$2"
}
{
	echo '{"kind":"fixmedins","fixmedins_code":"SH-H1","fixmedins_name":"clinic","fixmedins_type":"1","hosp_lv":"1","prim_flag":"0","admdvs":"340603"}'
	psn SH-P1 500.00
	psn SH-P2 500.00
	psn SH-B1 0
	psn SH-I1 900.00
	echo '{"kind":"mulaid","initiator_psn_no":"SH-I1","bound_psn_no":"SH-B1","bind_time":"2024-01-02 10:00:00"}'
} >"$T/data.jsonl"
"$YIBAO" load --db "$DB" "$T/data.jsonl" >/dev/null || exit 1

settle() { # MSGID PSN_NO
	printf '{"msgid":"%s","fixmedins_code":"SH-H1","psn_no":"%s","mdtrt":{"mdtrt_id":"%s","med_type":"11","begntime":"2024-03-01 09:00:00","acct_used_flag":"1"},"feedetail":[{"feedetl_sn":"1","med_list_codg":"XC09AAK063A001010104328","det_item_fee_sumamt":30.00},{"feedetl_sn":"2","med_list_codg":"250101001","det_item_fee_sumamt":12.00}]}\n' "$1" "$2" "$1" >"$T/in.json"
	"$YIBAO" settle --db "$DB" "$T/in.json" >"$T/out" 2>"$T/err" ||
		{ bad "settle $1: $(cat "$T/err")"; return 1; }
}

# check_log PSN [OTHER_ALLOWED_IN_ACCT]: the statements of the last
# settlement transaction in the log since line $from.
check_log() {
	tail -n +"$from" "$YIBAO_PG_LOG" >"$T/log"
	awk -v want="$1" -v other="${2:-}" '
	function table_kind(s,    t, n, i, w) {
		# the person-scoped tables it names (FROM/JOIN/INTO/UPDATE t)
		n = split(s, w, /[ (]+/)
		for (i = 1; i < n; i++)
			if (w[i] == "FROM" || w[i] == "JOIN" || w[i] == "INTO" || w[i] == "UPDATE") {
				t = w[i + 1]
				if (t ~ /^(psn|psn_insu|psn_reg|acct|mulaid|accum|mdtrt|feedetail|setl|setl_fee|setl_detail|setl_accum|acct_mov|idem)$/)
					tables = tables " " t
			}
	}
	function dist_param(s,    m) {
		# the parameter bound to the distribution column
		if (match(s, /(^|[ .(])(psn_no|bound_psn_no) = \$[0-9]+/)) {
			m = substr(s, RSTART, RLENGTH); sub(/.*\$/, "", m); return m + 0
		}
		if (s ~ /INSERT INTO setl\(seq, psn_no/) return 2
		if (s ~ /INSERT INTO [a-z_]+ SELECT \$1,/) return 1 # rows from arrays
		if (s ~ /INSERT INTO idem[ (]/) return 3 # fixmedins_code, msgid, psn_no
		if (s ~ /INSERT INTO [a-z_]+ VALUES/) return 1
		return 0
	}
	/ LOG:  execute [^ ]+: / {
		vx = $0; sub(/.* vx=/, "", vx); sub(/ .*/, "", vx)
		s = $0; sub(/.* LOG:  execute [^ ]+: /, "", s)
		n[vx]++; stmt[vx, n[vx]] = s; par[vx, n[vx]] = ""
		if (s ~ /INSERT INTO setl\(seq/) target = vx
		next
	}
	/ DETAIL:  parameters: / {
		vx = $0; sub(/.* vx=/, "", vx); sub(/ .*/, "", vx)
		p = $0; sub(/.* DETAIL:  parameters: /, "", p)
		par[vx, n[vx]] = p
	}
	END {
		if (target == "") { print "no settlement transaction in the log"; exit 1 }
		bad = 0; person = 0
		for (i = 1; i <= n[target]; i++) {
			s = stmt[target, i]; tables = ""
			table_kind(s)
			if (tables == "") continue
			person++
			k = dist_param(s)
			v = ""
			if (k > 0) {
				p = par[target, i] ", "
				if (match(p, "\\$" k " = '\''[^'\'']*'\''")) {
					v = substr(p, RSTART, RLENGTH); sub(/^[^=]*= '\''/, "", v); sub(/'\''$/, "", v)
				}
			}
			ok = v == want || (other != "" && v == other && s ~ /(UPDATE acct |FROM acct WHERE|INTO acct_mov )/)
			printf "%s %-10s %s\n", ok ? "ok " : "BAD", v, substr(s, 1, 90)
			if (!ok) bad++
		}
		printf "%d statements in the transaction, %d on person-scoped tables, %d not on %s\n", n[target], person, bad, want
		exit bad > 0 || person < 4
	}' "$T/log"
}

settle SH-W1 SH-P1 # warm up: accumulators exist afterwards
from=$(($(wc -l <"$YIBAO_PG_LOG") + 1))
PGOPTIONS="-c log_statement=all" settle SH-1 SH-P1
sleep 0.2
if check_log SH-P1 >"$T/report"; then
	echo "== a settlement touches one person:"
	sed 's/^/   /' "$T/report"
else
	sed 's/^/   /' "$T/report" >&2
	bad "a statement of SH-P1's settlement names another person, or none"
fi

from=$(($(wc -l <"$YIBAO_PG_LOG") + 1))
PGOPTIONS="-c log_statement=all" settle SH-2 SH-B1
sleep 0.2
grep -q '"acct_mulaid_pay":[1-9]' "$T/out" || bad "SH-B1's settlement did not use mutual aid: $(cat "$T/out")"
if check_log SH-B1 SH-I1 >"$T/report"; then
	echo "== with mutual aid, only the initiator's account rows are another person's:"
	grep 'SH-I1' "$T/report" | sed 's/^/   /'
	tail -n 1 "$T/report" | sed 's/^/   /'
else
	sed 's/^/   /' "$T/report" >&2
	bad "SH-B1's settlement touches more than the initiator's account rows"
fi
"$YIBAO" check --db "$DB" >/dev/null || bad "yibao check"
[ "$fails" -eq 0 ] && echo "shard_test: passed" || { echo "shard_test: $fails failed" >&2; exit 1; }
