# Sourced by the PostgreSQL tests and benchmarks: gives them a server.
#
#   . tests/pg/pg_env.sh        then use $YIBAO_PG_URL (a database "yibao"),
#                               pg_sql [DB] SQL, pg_url DB, $YIBAO_PG_LOG
#
# If YIBAO_PG_URL is set and answers, it is used as is (nothing is created
# or removed). Otherwise a throwaway cluster is made in a new temporary
# directory: initdb as the postgres user (PostgreSQL refuses to run as root,
# and CI runs as root), a server listening only on a Unix socket in that
# directory, fsync on and synchronous_commit on (the durable settings the
# ledger needs), and a database "yibao". Everything is stopped and removed
# when the sourcing shell exits (trap on EXIT, INT, TERM).
#
# PostgreSQL 15 from Debian is installed with apt-get if no server is found.

pg_env_die() { echo "pg_env: $*" >&2; exit 1; }

pg_env_bindir() {
	for v in 15 16 17 14 13; do
		[ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { echo "/usr/lib/postgresql/$v/bin"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

# pg_sql [DB] SQL: runs SQL (from the argument) as the superuser, unaligned.
pg_sql() {
	if [ $# -ge 2 ]; then _db=$1; shift; else _db=$YIBAO_PG_DB; fi
	printf '%s\n' "$1" | "$YIBAO_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$(pg_url "$_db")" -f -
}

# pg_url DB: the URL of another database on the same server.
pg_url() {
	printf '%s\n' "$YIBAO_PG_URL" | sed "s#^\(postgres[a-z]*://[^/?]*\)/*[^?]*#\1/$1#"
}

pg_env_cleanup() {
	if [ -n "${pg_env_owned:-}" ] && [ -d "$YIBAO_PG_TMP" ]; then
		$YIBAO_PG_AS "$YIBAO_PG_BIN/pg_ctl" -D "$YIBAO_PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
		rm -rf "$YIBAO_PG_TMP"
	fi
}

if ! YIBAO_PG_BIN=$(pg_env_bindir); then
	echo "pg_env: no PostgreSQL server found; installing postgresql from Debian" >&2
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -q >/dev/null &&
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
			postgresql postgresql-contrib libpq-dev >/dev/null ||
		pg_env_die "cannot install postgresql"
	YIBAO_PG_BIN=$(pg_env_bindir) || pg_env_die "postgresql installed but initdb not found"
fi
export YIBAO_PG_BIN

if [ -n "${YIBAO_PG_URL:-}" ] && "$YIBAO_PG_BIN/psql" -X -q -At -d "$YIBAO_PG_URL" -c 'SELECT 1' >/dev/null 2>&1; then
	# an existing server (maybe the throwaway one of a calling script, whose
	# YIBAO_PG_LOG then stays readable): its user must be able to create
	# databases
	YIBAO_PG_DB=$("$YIBAO_PG_BIN/psql" -X -q -At -d "$YIBAO_PG_URL" -c 'SELECT current_database()')
	YIBAO_PG_LOG=${YIBAO_PG_LOG:-}
	export YIBAO_PG_DB YIBAO_PG_LOG
else
	YIBAO_PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/yibao-pg.XXXXXX") || pg_env_die "mktemp"
	pg_env_owned=1 # not exported: only this shell stops the server
	trap 'pg_env_cleanup' EXIT
	trap 'pg_env_cleanup; exit 130' INT TERM
	chmod 755 "$YIBAO_PG_TMP"
	YIBAO_PG_AS=""
	YIBAO_PG_USER=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || pg_env_die "running as root but there is no postgres user"
		chown postgres "$YIBAO_PG_TMP"
		if command -v runuser >/dev/null 2>&1; then
			YIBAO_PG_AS="runuser -u postgres --"
		else
			YIBAO_PG_AS="pg_env_su"
			pg_env_su() { su postgres -s /bin/sh -c "$(printf '%s ' "$@")"; }
		fi
		YIBAO_PG_USER=postgres
	fi
	YIBAO_PG_SOCKDIR=$YIBAO_PG_TMP
	YIBAO_PG_PORT=${YIBAO_PG_PORT:-5432}
	$YIBAO_PG_AS "$YIBAO_PG_BIN/initdb" -D "$YIBAO_PG_TMP/data" -U "$YIBAO_PG_USER" -A trust \
		-E UTF8 --locale=C.UTF-8 >"$YIBAO_PG_TMP/initdb.log" 2>&1 ||
		{ cat "$YIBAO_PG_TMP/initdb.log" >&2; pg_env_die "initdb failed"; }
	# Only a Unix socket in our directory: no port is taken on the machine.
	# %v in the log prefix is the (virtual) transaction id: tests/pg/shard_test.sh
	# reads the statements of one transaction from the log.
	cat >>"$YIBAO_PG_TMP/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$YIBAO_PG_TMP'
port = $YIBAO_PG_PORT
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
shared_buffers = 256MB
log_line_prefix = '%m [%p] vx=%v '
log_min_messages = warning
CONF
	$YIBAO_PG_AS "$YIBAO_PG_BIN/pg_ctl" -D "$YIBAO_PG_TMP/data" -l "$YIBAO_PG_TMP/server.log" -w -t 60 start >/dev/null ||
		{ cat "$YIBAO_PG_TMP/server.log" >&2; pg_env_die "the server did not start"; }
	YIBAO_PG_LOG=$YIBAO_PG_TMP/server.log
	export YIBAO_PG_TMP YIBAO_PG_SOCKDIR YIBAO_PG_PORT YIBAO_PG_USER YIBAO_PG_LOG
	YIBAO_PG_URL="postgresql:///postgres?host=$YIBAO_PG_SOCKDIR&port=$YIBAO_PG_PORT&user=$YIBAO_PG_USER"
	YIBAO_PG_DB=yibao
	export YIBAO_PG_URL YIBAO_PG_DB
	pg_sql postgres "CREATE DATABASE yibao" || pg_env_die "createdb failed"
	YIBAO_PG_URL=$(pg_url yibao)
fi
