#!/bin/sh
# t7102: fault injection, drift with PostgreSQL servers that stop mid-run:
# the target while drift waits to read its tracking table, and the scratch
# server while a migration replays on it. Exit 3 with one line naming the
# database; no temp dir; a scratch database left on a stopped server is
# named, and 'roundtrip --cleanup' drops it once the server is back.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

bindir=${MIGCHECK_TEST_PG_BINDIR:-$(dirname "$(command -v initdb)")}
as_pg () {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PGD=$(mktemp -d /tmp/migcheck-pg7102.XXXXXX)
stop_own () {
	"$MIGCHECK_SRC/tests/pgserver.sh" stop "$PGD"
	pg_cleanup
}
at_exit stop_own
eval "$("$MIGCHECK_SRC/tests/pgserver.sh" start "$PGD" | sed 's/MIGCHECK_TEST_PG=/OWN=/; s/MIGCHECK_TEST_PG_BINDIR=/OWN_BINDIR=/')"
OWN_SERVER="host=$PGD port=5432 user=postgres"

server_stop () {
	(cd / && as_pg "$bindir/pg_ctl" -D "$PGD/data" -m "$1" -w stop >/dev/null)
}
server_start () {
	(cd / && as_pg "$bindir/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -t 60 \
		-o "-k $PGD -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null)
}

# wait_until CONNINFO SQL: up to 120 s until SQL returns a count > 0
wait_until () {
	_n=0
	while [ $_n -lt 1200 ]; do
		_c=$(psql "$1" -XAtc "$2" 2>/dev/null || echo 0)
		[ "${_c:-0}" -gt 0 ] && return 0
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "# timed out waiting for: $2" >&2
	return 1
}

# the repo: users (1) and a slow migration (2) whose replay sleeps
slow_repo () {
	pg_golang_repo &&
	write_migration 4_slow.up.sql 'CREATE TABLE audit (id int);
SELECT pg_sleep(600);' &&
	write_migration 4_slow.down.sql 'DROP TABLE audit;' &&
	commit_all slow &&
	mkdir tmp
}

target_stops () {
	slow_repo &&
	pg_sql "$OWN_SERVER dbname=postgres" 'CREATE DATABASE staging' &&
	pg_sql "$OWN_SERVER dbname=staging" \
		'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		'INSERT INTO schema_migrations VALUES (3, false)' &&
	# someone holds the tracking table: drift waits for its lock
	PGAPPNAME=locker psql -X -q "$OWN_SERVER dbname=staging" -c 'BEGIN' \
		-c 'LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE' -c 'SELECT pg_sleep(600)' >/dev/null 2>&1 &
	wait_until "$OWN_SERVER dbname=postgres" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'locker' AND query LIKE '%pg_sleep%'" &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	{ "$MIGCHECK" drift --db "$OWN_SERVER dbname=staging" --scratch "$MIGCHECK_TEST_PG" --lock-timeout 10min >out 2>err & } &&
	pid=$! &&
	wait_until "$OWN_SERVER dbname=postgres" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migcheck' AND wait_event_type = 'Lock'" &&
	server_stop fast &&
	{ expect_code 3 wait "$pid"; rc=$?; server_start; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	expect_equal err "migcheck: lost the connection to '$OWN_SERVER dbname=staging' while reading it: terminating connection due to administrator command" &&
	ls -A tmp >listing &&
	{ [ ! -s listing ] || { sed 's/^/# left behind: /' listing; false; }; } &&
	# no scratch database was made yet: none on the scratch server
	psql "$MIGCHECK_TEST_PG" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%'" >left &&
	[ ! -s left ]
}
run_test 'the target stops while drift reads it: exit 3, names the target' target_stops

scratch_stops () {
	slow_repo &&
	target=$(pg_new_db scratchstops) &&
	pg_sql "$target" 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, name text, status text NOT NULL DEFAULT '"'"'active'"'"')' \
		'CREATE TABLE audit (id int)' \
		'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		'INSERT INTO schema_migrations VALUES (4, false)' &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	{ "$MIGCHECK" drift --db "$target" --scratch "$OWN_SERVER dbname=postgres" >out 2>err & } &&
	pid=$! &&
	wait_until "$OWN_SERVER dbname=postgres" "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%' AND query LIKE '%pg_sleep%'" &&
	server_stop fast &&
	{ expect_code 3 wait "$pid"; rc=$?; server_start; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	sed "s/migcheck_scratch_${pid}_[0-9a-f]\{6\}_[0-9a-f]\{8\}/SCRATCH/" err >err.shown &&
	expect_equal err.shown "migcheck: lost the connection to the scratch database while replaying 'db/migrations/4_slow.up.sql': terminating connection due to administrator command; scratch database 'SCRATCH' is left on the server: 'migcheck roundtrip --cleanup' drops it once the server is back" &&
	ls -A tmp >listing &&
	[ ! -s listing ] &&
	psql "$OWN_SERVER dbname=postgres" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%'" >left &&
	[ "$(wc -l <left)" = 1 ] &&
	grep -q "$(cat left)" err &&
	"$MIGCHECK" roundtrip --cleanup --scratch "$OWN_SERVER dbname=postgres" 1 >out 2>err &&
	expect_equal err 'migcheck: dropped 1 stale scratch database' &&
	psql "$OWN_SERVER dbname=postgres" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_%'" >left &&
	[ ! -s left ]
}
run_test 'the scratch server stops mid-replay: exit 3, the leftover is named and dropped' scratch_stops

finish
