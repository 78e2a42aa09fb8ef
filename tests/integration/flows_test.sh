#!/bin/sh
# The HIS flows of tests/integration/flows/ (README.md there) against the
# real `yibao serve`: a fresh SQLite store loaded from flows/data.jsonl, a
# loopback port the kernel picks, every flow in order through
# tests/integration/flow.c (build/tests/flow), a restart in the middle
# (the idempotency flow retries across it), the resend check of every
# durable message after 2 s and after another restart (flows/README.md), then
# every answer checked for a null where a number belongs and for setldetail
# totals that disagree with setlinfo (tests/integration/answer_check.c,
# beside FLOW), the access log for personal data in clear and `yibao check`
# over the books.
#
# usage: YIBAO=build/yibao FLOW=build/tests/flow sh tests/integration/flows_test.sh [FLOW...]
set -u

YIBAO=${YIBAO:-build/yibao}
FLOW=${FLOW:-build/tests/flow}
ANSWER_CHECK=${ANSWER_CHECK:-$(dirname "$FLOW")/answer_check}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FLOWS="$HERE/flows"
export YIBAO_POLICY_DIR="$ROOT/policies"
T=$(mktemp -d "${TMPDIR:-/tmp}/yibao-flows.XXXXXX")

. "$ROOT/tests/masking/collect.sh"
scan_init flows
cleanup() {
	[ -f "$T/pid" ] && kill "$(cat "$T/pid")" 2>/dev/null
	scan_logs "$T/log"
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

[ -x "$YIBAO" ] || { echo "flows_test: $YIBAO not built" >&2; exit 1; }
[ -x "$FLOW" ] || { echo "flows_test: $FLOW not built" >&2; exit 1; }
[ -x "$ANSWER_CHECK" ] || { echo "flows_test: $ANSWER_CHECK not built" >&2; exit 1; }
"$YIBAO" load --db "$T/db" "$FLOWS/data.jsonl" >/dev/null || { echo "flows_test: load failed" >&2; exit 1; }

# start.sh ADDRESS: starts the server, waits for its "listening" line and
# writes its pid; also what the flows' restart step runs (stop.sh first)
cat > "$T/start.sh" <<EOF
#!/bin/sh
n=\$(grep -c '"event":"listening"' "$T/log" 2>/dev/null)
"$YIBAO" serve --db "$T/db" --listen "\$1" --threads 8 2>>"$T/log" &
echo \$! > "$T/pid"
i=0
while [ \$i -lt 200 ]; do
	[ "\$(grep -c '"event":"listening"' "$T/log")" -gt "\${n:-0}" ] && exit 0
	kill -0 \$(cat "$T/pid") 2>/dev/null || break
	sleep 0.05
	i=\$((i + 1))
done
echo "flows_test: the server did not start" >&2
exit 1
EOF
cat > "$T/stop.sh" <<EOF
#!/bin/sh
pid=\$(cat "$T/pid")
kill -TERM "\$pid" 2>/dev/null
while kill -0 "\$pid" 2>/dev/null; do sleep 0.05; done
rm -f "$T/pid"
EOF
: > "$T/log"
sh "$T/start.sh" 127.0.0.1:0 || { cat "$T/log" >&2; exit 1; }
PORT=$(sed -n 's/.*"event":"listening","listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$T/log" | head -n 1)
printf '#!/bin/sh\nsh "%s/stop.sh" && sh "%s/start.sh" 127.0.0.1:%s\n' "$T" "$T" "$PORT" > "$T/restart.sh"

if [ $# -gt 0 ]; then
	dirs=""
	for f in "$@"; do dirs="$dirs $FLOWS/$f"; done
else
	dirs=$(find "$FLOWS" -mindepth 1 -maxdepth 1 -type d | sort)
fi
# shellcheck disable=SC2086
FLOW_ANSWERS="$T/answers.jsonl" FLOW_SCAN=$SCAN_FLOW "$FLOW" --url "http://127.0.0.1:$PORT/fsi/api/rsfComIfsService/callService" \
	--data "$FLOWS/data.jsonl" --restart "sh $T/restart.sh" $dirs
rc=$?
"$ANSWER_CHECK" "$T/answers.jsonl" || rc=1

sh "$T/stop.sh"
# personal data never in clear: no certificate number, no name of the data
leaks=0
for v in $(sed -n 's/.*"certno":"\([^"]*\)".*/\1/p' "$FLOWS/data.jsonl"); do
	grep -qF "$v" "$T/log" && leaks=$((leaks + 1))
done
if [ $leaks -ne 0 ]; then
	echo "FAIL access log: $leaks certificate numbers in clear"
	rc=1
else
	echo "ok   access log: no certificate number in clear ($(grep -c '"infno"' "$T/log") lines)"
fi
if "$YIBAO" check --db "$T/db" > "$T/check" 2>&1; then
	echo "ok   yibao check: $(head -n 1 "$T/check")"
else
	echo "FAIL yibao check"
	sed 's/^/     /' "$T/check" | head -n 20
	rc=1
fi
[ $rc -eq 0 ] && echo "flows_test: passed" || echo "flows_test: FAILED"
exit $rc
