#!/bin/sh
# Source checks that the compiler does not make (run by `make lint`, from the
# repository root; LINT_ROOT=DIR checks another tree):
#  1. no banned function under src/ include/ bench/: sprintf, vsprintf,
#     strcpy, strcat, gets, atoi, strtok (curl's list; use snprintf, memcpy
#     with a checked length, strtol);
#  2. money never passes through floating point: no double or float type,
#     no floating literal, no strto[dfl]/atof and no %f-style conversion in
#     the engine (src/engine/) or in src/util/money.c;
#  3. the layers (DESIGN.md, docs/architecture.md): a file under src/F/
#     includes only its own folder's private headers (by a bare name) and
#     the public headers (include/yibao/) of the folders F may call, as the
#     arrows below list them; a public header includes only those of its
#     own folder's arrows; nothing under src/ tests/ bench/ includes "../".
# Comments and string literals are not code, except that check 2 reads
# format strings. Each finding is printed as file:line: reason.
set -u
cd "${LINT_ROOT:-.}" || exit 2

# Prints the C files below the given folders (those that exist).
c_files() {
	for d in "$@"; do
		[ -e "$d" ] && find "$d" -type f \( -name '*.c' -o -name '*.h' \)
	done | sort
}

# awk program shared by both checks: strips comments and string literals
# from each line into `code` (keeping the text of strings in `strs`), then
# calls check(). Block comments may span lines.
STRIP='
function strip(line,    out, i, c, n, q) {
	out = ""; strs = ""; n = length(line); i = 1
	while (i <= n) {
		c = substr(line, i, 1)
		if (incomment) {
			if (substr(line, i, 2) == "*/") { incomment = 0; i += 2 } else i++
			continue
		}
		if (substr(line, i, 2) == "/*") { incomment = 1; i += 2; out = out " "; continue }
		if (substr(line, i, 2) == "//") break
		if (c == "\"" || c == "\047") {
			q = c; i++
			while (i <= n && substr(line, i, 1) != q) {
				if (substr(line, i, 1) == "\\") { if (q == "\"") strs = strs substr(line, i, 2); i += 2; continue }
				if (q == "\"") strs = strs substr(line, i, 1)
				i++
			}
			i++; out = out q q; strs = strs " "
			continue
		}
		out = out c; i++
	}
	return out
}
FNR == 1 { incomment = 0 }
{ code = strip($0); check() }
'

BANNED='
function check(    w) {
	w = code
	if (match(w, /(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|gets|atoi|strtok)([^A-Za-z0-9_]|$)/)) {
		w = substr(w, RSTART, RLENGTH)
		gsub(/^[^A-Za-z_]+|[^A-Za-z0-9_]+$/, "", w)
		printf "%s:%d: banned function %s\n", FILENAME, FNR, w
		bad = 1
	}
}
END { exit bad }
'

FLOAT='
function check() {
	if (match(code, /(^|[^A-Za-z0-9_])(double|float|_Float[0-9]+|long[ \t]+double)([^A-Za-z0-9_]|$)/)) {
		printf "%s:%d: floating-point type in money code\n", FILENAME, FNR; bad = 1
	} else if (match(code, /(^|[^A-Za-z0-9_.])([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[fFlL]?([^A-Za-z0-9_]|$)/) ||
		   match(code, /(^|[^A-Za-z0-9_.])[0-9]+[eE][-+]?[0-9]+[fFlL]?([^A-Za-z0-9_]|$)/)) {
		printf "%s:%d: floating-point literal in money code\n", FILENAME, FNR; bad = 1
	} else if (match(code, /(^|[^A-Za-z0-9_])(strtod|strtof|strtold|atof|fabs|floor|ceil|round|lround|llround|pow)[ \t]*\(/)) {
		printf "%s:%d: floating-point function in money code\n", FILENAME, FNR; bad = 1
	} else if (match(strs, /%[-+ #0]*[0-9*]*(\.[0-9*]*)?(L)?[fFeEgGaA]/)) {
		printf "%s:%d: floating-point conversion in a format string in money code\n", FILENAME, FNR; bad = 1
	}
}
END { exit bad }
'

# ------------------------------------------------------------ layering
# Which folder owns each public header, and which folders each folder may
# call (arrows point down, never up or sideways: ledger and fund are side
# by side and do not call each other; admin and nhsa are side by side).
OWNERS='
buf:util date:util error:util json:util mask:util money:util messages:util zip:util
policy:policy policy_diag:policy
engine:engine rules:rules enroll:enroll drg:drg
store:store copy:store
ledger:ledger fund:fund
admin:admin nhsa:nhsa http:http
'
ARROWS='
util:
policy:util
engine:policy,util
rules:engine,policy,util
enroll:policy,util
drg:engine,policy,util
store:engine,rules,enroll,drg,policy,util
ledger:store,engine,rules,enroll,drg,policy,util
fund:store,engine,rules,enroll,drg,policy,util
admin:ledger,fund,store,engine,rules,enroll,drg,policy,util
nhsa:ledger,fund,store,engine,rules,enroll,drg,policy,util
http:nhsa,admin,ledger,fund,store,engine,rules,enroll,drg,policy,util
cli:*
'
LAYERS='
BEGIN {
	n = split(owners, a, /[ \n]+/)
	for (i = 1; i <= n; i++) if (split(a[i], kv, ":") == 2) owner[kv[1]] = kv[2]
	n = split(arrows, a, /[ \n]+/)
	for (i = 1; i <= n; i++) if (a[i] != "") { split(a[i], kv, ":"); may[kv[1]] = "," kv[2] "," }
}
function folder_of(path,    parts) {
	if (path ~ /^src\//) { split(path, parts, "/"); return parts[2] }
	if (path ~ /^include\/yibao\//) { sub(/^include\/yibao\//, "", path); sub(/\.h$/, "", path); return owner[path] }
	return ""
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
	if (inc ~ /(^|\/)\.\.\//) { printf "%s:%d: includes \"%s\": use the public header (include/yibao/)\n", FILENAME, FNR, inc; bad = 1; next }
	from = folder_of(FILENAME)
	if (from == "") next                       # tests and benches: any public header
	if (inc !~ /^yibao\//) {
		if (FILENAME ~ /^include\//) { printf "%s:%d: a public header includes a private one (%s)\n", FILENAME, FNR, inc; bad = 1 }
		next                                   # a private header of the same folder
	}
	h = inc; sub(/^yibao\//, "", h); sub(/\.h$/, "", h)
	if (!(h in owner)) { printf "%s:%d: yibao/%s.h has no folder in tests/lint.sh OWNERS\n", FILENAME, FNR, h; bad = 1; next }
	to = owner[h]
	if (to == from || may[from] == ",*,") next
	if (!(from in may)) { printf "%s:%d: folder %s has no arrows in tests/lint.sh ARROWS\n", FILENAME, FNR, from; bad = 1; next }
	if (index(may[from], "," to ",") == 0) {
		printf "%s:%d: %s may not include yibao/%s.h (%s): arrows of %s are %s\n", FILENAME, FNR, from, h, to, from, substr(may[from], 2, length(may[from]) - 2)
		bad = 1
	}
}
END { exit bad }
'

failed=0
files=$(c_files src include bench)
if [ -n "$files" ]; then
	# shellcheck disable=SC2086
	awk "$STRIP$BANNED" $files || failed=1
fi
money=$(c_files src/engine; [ -f src/util/money.c ] && echo src/util/money.c)
if [ -n "$money" ]; then
	# shellcheck disable=SC2086
	awk "$STRIP$FLOAT" $money || failed=1
fi

layered=$(c_files src include tests bench)
if [ -n "$layered" ]; then
	# shellcheck disable=SC2086
	awk -v owners="$OWNERS" -v arrows="$ARROWS" "$LAYERS" $layered || failed=2
fi

n=$(printf '%s\n' $files | grep -c .)
if [ "$failed" -ne 0 ]; then
	echo "lint: FAILED (banned functions, floating point in money code, or an include against the layers, above)"
	exit 1
fi
echo "lint: ok ($n files; no banned functions; no floating point in money code; includes follow the layers)"
