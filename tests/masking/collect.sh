# Sourced by the test scripts that start `yibao serve`: keeps what people
# read - the server's log lines and every answer the test received - for
# tests/masking/scan.sh, which `make test` runs last to find personal data
# in clear (docs/admin-api.md, "Personal data"). Does nothing unless
# YIBAO_SCAN_DIR names a folder (the Makefile sets it for the tests).
#
#   scan_init NAME        this script's files: $YIBAO_SCAN_DIR/NAME.log and
#                         NAME.answers (NAME.pg.* when run against
#                         PostgreSQL by tests/pg/pg_test.sh), emptied
#   curl ...              curl as usual; the answer (its -o file, or what it
#                         printed) is kept, tagged by what was asked
#   scan_call OUT FILE... the answers of `yibao call FILE...`, one a line in
#                         OUT, each tagged with its FILE's infno
#   scan_logs FILE...     appends server logs (stderr), kept as they are
#   $SCAN_FLOW            where build/tests/flow appends its answers
#                         (FLOW_SCAN="$SCAN_FLOW"), "" when not kept
#
# An answer is one line: a tag, a tab, the answer with its line breaks and
# tabs as spaces. Tags: "api METHOD /api/v1/PATH?QUERY" for the
# administration API, "nhsa INFNO" for any other path (the national
# interface; "nhsa ?" when the request named no infno).
SCAN_BASE=""
SCAN_FLOW=""

scan_init() {
	[ -n "${YIBAO_SCAN_DIR:-}" ] || return 0
	mkdir -p "$YIBAO_SCAN_DIR" || return 0
	SCAN_BASE=$YIBAO_SCAN_DIR/$1${YIBAO_PG_PREFIX:+.pg}
	: >"$SCAN_BASE.log"
	: >"$SCAN_BASE.answers"
	SCAN_FLOW=$SCAN_BASE.answers
}

# scan_keep TAG FILE: FILE's content as one answer line
scan_keep() {
	[ -n "$SCAN_BASE" ] && [ -f "$2" ] || return 0
	printf '%s\t%s\n' "$1" "$(tr '\n\t' '  ' <"$2")" >>"$SCAN_BASE.answers"
}

# the infno a request body names (a file @PATH, or the text itself)
scan_infno() {
	case $1 in
	@*) _si=$(grep -o '"infno": *"\{0,1\}[0-9A-Za-z]*' "${1#@}" 2>/dev/null | head -n 1) ;;
	*) _si=$(printf '%s' "$1" | grep -o '"infno": *"\{0,1\}[0-9A-Za-z]*' | head -n 1) ;;
	esac
	_si=$(printf '%s' "$_si" | sed 's/.*[": ]//')
	printf '%s' "${_si:-?}"
}

curl() {
	[ -n "$SCAN_BASE" ] || { command curl "$@"; return; }
	_so="" _sm="" _sd="" _su="" _sp=""
	for _sa do
		case $_sp in
		-o | --output) _so=$_sa ;;
		-X | --request) _sm=$_sa ;;
		-d | --data | --data-binary | --data-raw) _sd=$_sa ;;
		esac
		case $_sa in http://* | https://*) _su=$_sa ;; esac
		_sp=$_sa
	done
	if [ -z "$_so" ]; then
		_sf=$(mktemp "${TMPDIR:-/tmp}/yibao-scan.XXXXXX") || { command curl "$@"; return; }
		command curl "$@" >"$_sf"
		_sr=$?
		cat "$_sf"
	else
		command curl "$@"
		_sr=$?
		_sf=$_so
	fi
	[ -n "$_sm" ] || { [ -n "$_sd" ] && _sm=POST || _sm=GET; }
	case $_su in
	*/api/v1/*) _st="api $_sm /api/v1/${_su#*/api/v1/}" ;;
	*) _st="nhsa $(scan_infno "$_sd")" ;;
	esac
	[ "$_sf" = /dev/null ] || scan_keep "$_st" "$_sf"
	[ -z "$_so" ] && rm -f "$_sf"
	return $_sr
}

scan_call() {
	[ -n "$SCAN_BASE" ] || return 0
	_sc=$1
	shift
	_sn=1
	for _sa do
		_sl=$(sed -n "${_sn}p" "$_sc" 2>/dev/null)
		[ -n "$_sl" ] && printf 'nhsa %s\t%s\n' "$(scan_infno "@$_sa")" "$_sl" >>"$SCAN_BASE.answers"
		_sn=$((_sn + 1))
	done
}

scan_logs() {
	[ -n "$SCAN_BASE" ] || return 0
	for _sa do
		[ -f "$_sa" ] && cat "$_sa" >>"$SCAN_BASE.log"
	done
	return 0
}
