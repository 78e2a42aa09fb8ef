#!/bin/sh
# Source checks that the compiler does not make (run by `make lint`, from the
# repository root; LINT_ROOT=DIR checks another tree):
#  1. no banned function under src/ include/ bench/: sprintf, vsprintf,
#     strcpy, strcat, gets, atoi, strtok (curl's list; use snprintf, memcpy
#     with a checked length, strtol);
#  2. money never passes through floating point: no double or float type,
#     no floating literal, no strto[dfl]/atof and no %f-style conversion in
#     the engine (src/engine/) or in src/util/money.c.
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

n=$(printf '%s\n' $files | grep -c .)
if [ "$failed" -ne 0 ]; then
	echo "lint: FAILED (banned functions or floating point in money code, above)"
	exit 1
fi
echo "lint: ok ($n files; no banned functions; no floating point in money code)"
