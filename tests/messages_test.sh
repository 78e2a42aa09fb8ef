#!/bin/sh
# The message catalogue is complete: every format of yb_error_set,
# yb_error_prefix and yb_jpath_error in src/ (scripts/messages.awk lists
# them) has its Chinese line in src/util/messages_zh.h, under the format as
# written or without its leading "field: " (src/util/messages.c says why).
# Prints each missing format as file:line: format.
#
#   sh tests/messages_test.sh
set -u
cd "${MESSAGES_ROOT:-.}" || exit 2
CAT=src/util/messages_zh.h
T=$(mktemp) || exit 2
trap 'rm -f "$T"' EXIT
# the catalogue's English formats, one per line, as written in C
sed -n 's/^{"\(\([^"\\]\|\\.\)*\)", ".*/\1/p' "$CAT" | sort -u > "$T"
missing=0 total=0
awk -f scripts/messages.awk $(find src -name '*.c' | sort) > "$T.all"
while IFS="$(printf '\t')" read -r where fmt; do
	rest=$(printf '%s\n' "$fmt" | sed -e 's/^[A-Za-z_][A-Za-z0-9_.]*\(\[[^]]*\][A-Za-z0-9_.]*\)*: //' -e 's/^%s: //')
	# a format that only passes a message on ("%s", "sqlite: %s") has no
	# words of its own: the message it passes on is found instead
	case $(printf '%s' "$rest" | sed 's/%[-+ #0-9.*]*[a-z]*//g; s/[: ]//g') in '') continue ;; esac
	total=$((total + 1))
	if ! grep -qxF -- "$fmt" "$T" && ! grep -qxF -- "$rest" "$T"; then
		echo "$where: no Chinese for \"$fmt\""
		missing=$((missing + 1))
	fi
done < "$T.all"
rm -f "$T.all"
n=$(wc -l < "$T")
if [ "$missing" -gt 0 ]; then
	echo "messages_test: $missing of $total messages have no Chinese in $CAT ($n lines)"
	exit 1
fi
echo "messages_test: all $total messages have their Chinese in $CAT ($n lines)"
