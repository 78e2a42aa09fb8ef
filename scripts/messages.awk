# Prints the format string of every yb_error_set, yb_error_prefix,
# yb_jpath_error and perr (the JSON parser's) call in the C files given (adjacent literals joined, as C
# joins them), one per line as "file:line<TAB>format". Used by
# tests/messages_test.sh to check that the message catalogue
# (src/util/messages_zh.h) has every message a person may read.
# The string literal at s[i] (adjacent literals joined); moves i past it.
function read_literal(s,    lit, c, n) {
	n = length(s)
	lit = ""
	while (substr(s, i, 1) == "\"") {
		i++
		while (i <= n && (c = substr(s, i, 1)) != "\"") {
			if (c == "\\") { lit = lit substr(s, i, 2); i += 2; continue }
			lit = lit c
			i++
		}
		i++
		while (i <= n && substr(s, i, 1) ~ /[ \t\n]/)
			i++
	}
	return lit
}

function flush_file(   s, n, start, m, lit, c, line, j) {
	s = text
	n = length(s)
	i = 1
	while (i <= n) {
		if (!match(substr(s, i), /(yb_(error_set|error_prefix|jpath_error)|[^a-z_]perr)[ \t\n]*\(/))
			break
		start = i + RSTART - 1
		i = start + RLENGTH
		# the first string literal after the opening parenthesis
		while (i <= n && substr(s, i, 1) != "\"" && substr(s, i, 1) != ";")
			i++
		if (substr(s, i, 1) != "\"")
			continue
		lit = read_literal(s)
		# yb_jpath_error(p, "key", "format", ...): the key comes first
		if (substr(s, start, 14) == "yb_jpath_error" && substr(s, i, 1) == ",") {
			i++
			while (i <= n && substr(s, i, 1) ~ /[ \t\n]/)
				i++
			if (substr(s, i, 1) == "\"")
				lit = read_literal(s)
		}
		line = 1
		for (j = 1; j < start; j++)
			if (substr(s, j, 1) == "\n")
				line++
		printf "%s:%d\t%s\n", fname, line, lit
	}
}
FNR == 1 {
	if (fname != "")
		flush_file()
	fname = FILENAME
	text = ""
}
{ text = text $0 "\n" }
END { if (fname != "") flush_file() }
