#!/bin/sh
# The last check of `make test` (issue 12 F6; docs/admin-api.md, "Personal
# data"): no log line, no error message and no answer of the whole test run
# shows an ID number or a test person's name in clear, but for the written
# exceptions.
#
# What it reads: the folder the tests filled (tests/masking/collect.sh,
# $YIBAO_SCAN_DIR, build/scan for `make test`):
#   NAME.log       the stderr of every `yibao serve` the script started: the
#                  access log (with each refusal's message, "err") and the
#                  events. Logs have no exception.
#   NAME.answers   every answer the script received, one a line, tagged
#                  "api METHOD /api/v1/PATH?QUERY" (the administration API:
#                  answers and error messages) or "nhsa INFNO" (the national
#                  interface: curl, yibao call and build/tests/flow).
# The exceptions, recognised by the tag and taken out before searching (the
# rest of the same answer is searched):
#   nhsa 1101      the members "certno" and "psn_name": the person's base
#                  information the platform returns to the institution that
#                  looks up the person it serves
#   nhsa 2206 2207 2208 2303 2304 2305
#                  the "setlinfo" object: a settlement's (or pre-settlement's)
#                  information for the institution that settles, the
#                  person's name and certificate with it, as the platform's
#                  answers (and their cancels, 2208 and 2305) carry them
#                  (5203 carries no name: searched whole)
#   api GET /api/v1/audit?...clear=1... answering "masked":false
#                  the whole answer: the audit log in clear, read by an
#                  auditor or administrator; each such reading is itself an
#                  audit record (audit.read_clear)
# What it looks for:
#   - any 18-character ID number: 17 digits and a digit, X or x, not inside
#     a longer run of letters and digits;
#   - the test persons' names: every "psn_name" of the test data and test
#     scripts (tests/, examples/: the load files, the requests, the payment
#     files written by the scripts), of 2 to 5 Chinese characters.
# The tags themselves (the requests: a search's query string) are not
# searched: an API tag loses its query once the exceptions are known. A hit
# is printed masked (file:line, the tag, the answer), at most 20.
#
# usage: sh tests/masking/scan.sh [--require NAME,...] DIR
#   --require: these scripts must have left a log and answers (a full run)
set -u
require=""
if [ "${1:-}" = --require ]; then
	require=$2
	shift 2
fi
DIR=${1:?usage: scan.sh [--require NAME,...] DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/yibao-scan.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT INT TERM

missing=""
for n in $(printf '%s' "$require" | tr ',' ' '); do
	[ -s "$DIR/$n.log" ] && [ -s "$DIR/$n.answers" ] || missing="$missing $n"
done
if [ -n "$missing" ]; then
	echo "FAIL personal data scan: nothing kept by$missing in $DIR (run make test)"
	exit 1
fi
set -- "$DIR"/*.log "$DIR"/*.answers
[ -f "$1" ] || { echo "FAIL personal data scan: nothing in $DIR (run make test)"; exit 1; }

# the test persons' names
{
	grep -rhoE '"psn_name": *"[^"]*"' "$ROOT/tests" "$ROOT/examples" 2>/dev/null |
		sed 's/.*: *"//; s/"$//'
	# payment files written by the scripts: pay_id,certno,psn_name,...
	grep -rhoE '^[A-Za-z0-9_-]+,[0-9]{17}[0-9Xx],[^,]+,' "$ROOT/tests" "$ROOT/examples" 2>/dev/null |
		cut -d, -f3
} | LC_ALL=C awk 'length($0) >= 6 && length($0) <= 15 && $0 !~ /[\001-\177]/' | sort -u >"$W/names"

# the answers without their exceptions
for f in "$DIR"/*.answers; do
	sed -E \
	    -e '/^nhsa 1101\t/ { s/"(certno|psn_name)":"[^"]*"/"\1":"(1101)"/g }' \
	    -e '/^nhsa (2206|2207|2208|2303|2304|2305)\t/ s/"setlinfo":\{[^{}]*\}/"setlinfo":"(settlement)"/g' \
	    -e '/^api GET \/api\/v1\/audit\?([^\t]*&)?clear=1(&[^\t]*)?\t.*"masked":false[,}]/ s/\t.*/\t(the audit log in clear)/' \
	    -e 's/^(api [A-Z]+ [^?\t]*)\?[^\t]*\t/\1\t/' \
	    "$f" >"$W/$(basename "$f")"
done
ex1101=$(cat "$W"/*.answers | grep -c '^nhsa 1101	.*"(1101)"')
exsetl=$(cat "$W"/*.answers | grep -c '"setlinfo":"(settlement)"')
exaudit=$(cat "$W"/*.answers | grep -c '(the audit log in clear)$')

ID='(^|[^0-9A-Za-z])[0-9]{17}[0-9Xx]($|[^0-9A-Za-z])'
NAMES="($(paste -sd '|' "$W/names"))"
[ "$NAMES" = "()" ] && NAMES='(^$)'
# hits: FILE:LINE:EXCERPT, one a match
: >"$W/hits"
for f in "$DIR"/*.log "$W"/*.answers; do
	b=$(basename "$f")
	LC_ALL=C grep -noE ".{0,60}$ID" "$f" | sed "s|^|$b:|" >>"$W/hits"
	LC_ALL=C grep -noE ".{0,60}$NAMES.{0,6}" "$f" | sed "s|^|$b:|" >>"$W/hits"
done
logs=$(cat "$DIR"/*.log | wc -l)
answers=$(cat "$W"/*.answers | wc -l)
files=$(ls "$DIR"/*.log "$DIR"/*.answers | wc -l)
names=$(wc -l <"$W/names")
hits=$(cut -d: -f1,2 "$W/hits" | sort -u | wc -l)
if [ "$hits" -ne 0 ]; then
	echo "FAIL personal data scan: $hits lines show an ID number or a name in clear"
	# printed masked: an ID keeps 3 and 2 characters, a name its first
	LC_ALL=C awk '{ print "s/" $0 "/" substr($0, 1, 3) "*/g" }' "$W/names" >"$W/mask.sed"
	sort -t: -k1,1 -k2,2n -u "$W/hits" | head -n 20 | while IFS=: read -r file line excerpt; do
		tag=""
		case $file in *.answers) tag=" ($(sed -n "${line}p" "$W/$file" | cut -f 1))" ;; esac
		printf '     %s:%s%s: ...%s\n' "$file" "$line" "$tag" "$excerpt"
	done | LC_ALL=C sed -E 's/(^|[^0-9A-Za-z])([0-9]{3})[0-9]{13}([0-9][0-9Xx])($|[^0-9A-Za-z])/\1\2*************\3\4/g' |
		LC_ALL=C sed -f "$W/mask.sed"
	exit 1
fi
echo "ok   personal data scan: $logs log lines and $answers answers ($files files of $DIR), no ID number and none of $names names in clear; exceptions: $ex1101 answers of 1101, $exsetl setlinfo, $exaudit readings of the audit log in clear"
