# Sourced by the shims of tests/pg/shim: a test's database file name
# ("ex.db") as a PostgreSQL database ("<prefix>ex_db") on the server of
# $YIBAO_PG_URL, created on first use. YIBAO_PG_PREFIX keeps the databases
# of one run apart; YIBAO_PG_STATE is a directory remembering those made.

pg_names_url() { # DB -> URL of that database
	printf '%s\n' "$YIBAO_PG_URL" | sed "s#^\(postgres[a-z]*://[^/?]*\)/*[^?]*#\1/$1#"
}

pg_names_name() { # FILE -> database name
	_b=$(basename "$1"); printf "%s%s" "${YIBAO_PG_PREFIX:-t_}" "$(printf "%s" "$_b" | tr "A-Z" "a-z" | tr -c "a-z0-9" "_")"
}

pg_names_psql() { # DB SQL
	printf "SET client_min_messages = warning;\n%s\n" "$2" | "${YIBAO_PG_BIN:+$YIBAO_PG_BIN/}psql" -X -q -At -v ON_ERROR_STOP=1 -d "$(pg_names_url "$1")" -f -
}

pg_names_ensure() { # NAME: creates the database once
	[ -e "$YIBAO_PG_STATE/$1" ] && return 0
	pg_names_psql postgres "CREATE DATABASE $1" >/dev/null 2>&1 ||
		pg_names_psql postgres "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1 ||
		{ echo "pg shim: cannot create database $1" >&2; return 1; }
	: >"$YIBAO_PG_STATE/$1"
}
