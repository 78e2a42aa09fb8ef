# Shared by crashtest.sh and faulttest.sh (sourced, POSIX sh).
# Needs YIBAO, DRIVER, THREADS, PERSONS and T (a temporary directory).

CRASH_ROOT=$PWD
case $YIBAO in /*) ;; *) YIBAO=$CRASH_ROOT/$YIBAO ;; esac
case $DRIVER in /*) ;; *) DRIVER=$CRASH_ROOT/$DRIVER ;; esac
YIBAO_POLICY_DIR=${YIBAO_POLICY_DIR:-$CRASH_ROOT/policies}
export YIBAO_POLICY_DIR

crash_need() {
	command -v sqlite3 >/dev/null 2>&1 ||
		{ echo "$0: the sqlite3 command-line tool is needed" >&2; exit 1; }
	[ -x "$YIBAO" ] || { echo "$0: $YIBAO not built" >&2; exit 1; }
	[ -x "$DRIVER" ] || { echo "$0: $DRIVER not built" >&2; exit 1; }
}

# crash_data FILE: the institutions crash_driver uses and its persons
# T<t>P<k>: employees in service, retirees and residents in turn; P00 of
# each thread is bound to P01 of the next thread (earlier) and to its own
# P03 (later), so that settlements debit other threads' accounts (A2).
crash_data() {
	{
		echo '{"kind":"fixmedins","fixmedins_code":"CH1","fixmedins_name":"level-1 clinic","fixmedins_type":"1","hosp_lv":"1","prim_flag":"0","admdvs":"340603"}'
		echo '{"kind":"fixmedins","fixmedins_code":"CH3","fixmedins_name":"level-3 hospital","fixmedins_type":"1","hosp_lv":"3","prim_flag":"0","admdvs":"340602"}'
		echo '{"kind":"fixmedins","fixmedins_code":"CVC","fixmedins_name":"village clinic","fixmedins_type":"1","hosp_lv":"0","prim_flag":"1","admdvs":"340621"}'
		echo '{"kind":"fixmedins","fixmedins_code":"CPH","fixmedins_name":"pharmacy","fixmedins_type":"2","hosp_lv":"0","prim_flag":"0","admdvs":"340603"}'
		t=0
		while [ $t -lt "$THREADS" ]; do
			k=0
			while [ $k -lt "$PERSONS" ]; do
				p=$(printf 'T%02dP%02d' $t $k)
				case $((k % 3)) in
				0) ins=310 typ=1101 bal=800.00 ;;
				1) ins=310 typ=1201 bal=1500.00 ;;
				2) ins=390 typ=1501 bal=0 ;;
				esac
				printf '{"kind":"psn","psn_no":"%s","certno":"c%s","psn_name":"%s","gend":"%s","brdy":"1958-03-0%s","insutype":"%s","psn_type":"%s","insu_admdvs":"340600","begndate":"2024-01-01","enddate":"2025-12-31","acct_balc":%s}\n' \
					"$p" "$p" "$p" $((k % 2 + 1)) $((k % 9 + 1)) $ins $typ $bal
				k=$((k + 1))
			done
			t=$((t + 1))
		done
		if [ "$PERSONS" -ge 4 ]; then
			t=0
			while [ $t -lt "$THREADS" ]; do
				n=$(((t + 1) % THREADS))
				printf '{"kind":"mulaid","initiator_psn_no":"T%02dP01","bound_psn_no":"T%02dP00","bind_time":"2024-01-02 10:00:00"}\n' $n $t
				printf '{"kind":"mulaid","initiator_psn_no":"T%02dP03","bound_psn_no":"T%02dP00","bind_time":"2024-01-03 10:00:00"}\n' $t $t
				t=$((t + 1))
			done
		fi
	} >"$1"
}

# crash_verify DB ACKDIR: `yibao check`, then every acknowledged message
# against the store. Prints a summary; returns 1 on any violation.
crash_verify() {
	db=$1
	cat "$2"/ack.* 2>/dev/null | grep ' \.$' >"$T/acks.txt"
	cat "$2"/fail.* 2>/dev/null | grep ' \.$' >"$T/gave_up.txt"
	if ! "$YIBAO" check --db "$db" >"$T/check.out" 2>&1; then
		echo "yibao check failed:" >&2
		head -n 20 "$T/check.out" >&2
		return 1
	fi
	sqlite3 :memory: >"$T/verify.out" 2>&1 <<EOF
CREATE TABLE ack(kind TEXT, msgid TEXT, setl_id TEXT, fix TEXT, extra TEXT, dot TEXT);
CREATE TABLE gave_up(kind TEXT, msgid TEXT, setl_id TEXT, fix TEXT, extra TEXT, dot TEXT);
.mode list
.separator " "
.import $T/acks.txt ack
.import $T/gave_up.txt gave_up
ATTACH '$db' AS l;
.separator "|"
-- the store's settlements and idempotency records, indexed as looked up
-- here (setl has no index on msgid: correlated lookups would be quadratic)
CREATE TABLE s AS SELECT fixmedins_code AS fix, msgid, setl_id, psn_no, refd_setl_id, cancelled FROM l.setl;
CREATE INDEX s_msg ON s(fix, msgid);
CREATE INDEX s_id ON s(setl_id);
CREATE TABLE i AS SELECT fixmedins_code AS fix, msgid, infno, substr(response, 1, 64) AS head FROM l.idem;
CREATE INDEX i_msg ON i(fix, msgid);
-- each acknowledged message has exactly one idempotency record ...
SELECT 'VIOLATION acked msgid not in idem exactly once: ' || a.msgid FROM ack a
 WHERE (SELECT count(*) FROM i WHERE i.fix = a.fix AND i.msgid = a.msgid) <> 1;
-- ... whose answer is the acknowledged one
SELECT 'VIOLATION idem answer names another settlement: ' || a.msgid FROM ack a
 JOIN i ON i.fix = a.fix AND i.msgid = a.msgid
 WHERE substr(i.head, 1, 13 + length(a.setl_id)) <> '{"setl_id":"' || a.setl_id || '"';
-- an acknowledged settlement is present exactly once, as acknowledged
SELECT 'VIOLATION acked settlement not present exactly once: ' || a.msgid || ' ' || a.setl_id FROM ack a
 WHERE a.kind = 'S' AND (SELECT count(*) FROM s WHERE s.setl_id = a.setl_id AND s.msgid = a.msgid
   AND s.fix = a.fix AND s.psn_no = a.extra AND s.refd_setl_id = '') <> 1;
SELECT 'VIOLATION settlement with an acked msgid more than once: ' || a.msgid FROM ack a
 WHERE (SELECT count(*) FROM s WHERE s.fix = a.fix AND s.msgid = a.msgid) <> 1;
-- an acknowledged cancel is present once and its original is flagged
SELECT 'VIOLATION acked cancel not present exactly once: ' || a.msgid FROM ack a
 WHERE a.kind = 'C' AND (SELECT count(*) FROM s WHERE s.setl_id = a.setl_id AND s.msgid = a.msgid
   AND s.refd_setl_id = a.extra) <> 1;
SELECT 'VIOLATION cancelled settlement not flagged: ' || a.extra FROM ack a
 WHERE a.kind = 'C' AND (SELECT cancelled FROM s WHERE s.setl_id = a.extra) IS NOT 1;
-- nothing half-present: an idempotency record of a settlement or cancel
-- without its settlement row (the store's check covers the other way)
SELECT 'VIOLATION idempotency record without its settlement: ' || i.fix || ' ' || i.msgid
 FROM i WHERE i.infno IN ('2207', '2208') AND NOT EXISTS
 (SELECT 1 FROM s WHERE s.fix = i.fix AND s.msgid = i.msgid);
-- a refused visit (msgid ending in R) leaves nothing
SELECT 'VIOLATION a refused settlement is in the store: ' || msgid FROM s WHERE msgid LIKE '%R';
SELECT 'VIOLATION a refused settlement has an idempotency record: ' || msgid FROM i WHERE msgid LIKE '%R';
-- calls the driver gave up on (every attempt failed): their outcome was
-- unknown to the client; count those present after all
SELECT 'VIOLATION a call given up on was acknowledged too: ' || g.msgid FROM gave_up g
 JOIN ack a ON a.fix = g.fix AND a.msgid = g.msgid;
SELECT 'acks ' || (SELECT count(*) FROM ack WHERE kind = 'S') || ' settlements, '
 || (SELECT count(*) FROM ack WHERE kind = 'C') || ' cancels; store '
 || (SELECT count(*) FROM s WHERE refd_setl_id = '') || ' settlements, '
 || (SELECT count(*) FROM s WHERE refd_setl_id <> '') || ' cancels'
 || CASE WHEN (SELECT count(*) FROM gave_up) = 0 THEN '' ELSE '; failed for good '
   || (SELECT count(*) FROM gave_up) || ' calls, present after all '
   || (SELECT count(*) FROM gave_up g WHERE EXISTS (SELECT 1 FROM i
        WHERE i.fix = g.fix AND i.msgid = g.msgid)) END;
EOF
	if grep -q 'VIOLATION\|Error\|error' "$T/verify.out"; then
		grep 'VIOLATION\|Error\|error' "$T/verify.out" | head -n 20 >&2
		return 1
	fi
	cat "$T/verify.out"
	return 0
}
