#!/bin/sh
# tests/lint.sh must refuse what it promises to refuse: an upward include,
# a sideways include, a "../" reach-in and a public header including a
# private one, each in a throwaway tree of its own (LINT_ROOT), and must
# pass the same tree without them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

tree() { # a minimal layered tree: ledger calls store, store calls util
	rm -rf "$tmp/t"; mkdir -p "$tmp/t/src/ledger" "$tmp/t/src/store" "$tmp/t/src/fund" "$tmp/t/include/yibao"
	printf '#include "yibao/store.h"\n#include "yibao/buf.h"\n#include "ledger_impl.h"\n' >"$tmp/t/src/ledger/ledger.c"
	printf '#include "yibao/buf.h"\n' >"$tmp/t/src/store/store.c"
	printf '#include "yibao/store.h"\n' >"$tmp/t/src/fund/fund.c"
	printf '#include "yibao/buf.h"\n' >"$tmp/t/include/yibao/store.h"
	: >"$tmp/t/include/yibao/buf.h"
}

expect() { # expect pass|fail WHAT: runs lint on the tree
	out=$(LINT_ROOT="$tmp/t" sh "$here/lint.sh" 2>&1); rc=$?
	case "$1:$rc" in
	pass:0 | fail:[1-9]*) echo "ok   $2" ;;
	*) echo "FAIL $2 (exit $rc)"; echo "$out"; fails=$((fails + 1)) ;;
	esac
}

tree; expect pass "a tree that follows the arrows"
tree; printf '#include "yibao/ledger.h"\n' >>"$tmp/t/src/store/store.c"
expect fail "store includes ledger (upward)"
tree; printf '#include "yibao/ledger.h"\n' >>"$tmp/t/src/fund/fund.c"
expect fail "fund includes ledger (sideways)"
tree; printf '#include "../store/store_impl.h"\n' >>"$tmp/t/src/ledger/ledger.c"
expect fail "a ../ reach-in"
tree; mkdir -p "$tmp/t/tests"; printf '#include "../src/store/x.h"\n' >"$tmp/t/tests/t.c"
expect fail "a test reaching into src/"
tree; printf '#include "store_impl.h"\n' >>"$tmp/t/include/yibao/store.h"
expect fail "a public header including a private one"
tree; printf '#include "yibao/nowhere.h"\n' >>"$tmp/t/src/ledger/ledger.c"
expect fail "a public header with no folder"

[ "$fails" -eq 0 ] && echo "lint_test: ok" || { echo "lint_test: $fails failed"; exit 1; }
