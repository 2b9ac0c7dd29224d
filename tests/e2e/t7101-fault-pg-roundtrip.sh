#!/bin/sh
# t7101: fault injection, roundtrip on a PostgreSQL scratch server that
# stops mid-statement (fast shutdown: the server says goodbye; immediate:
# the socket just closes). Exit 3 with one line that says what was being
# run and that the scratch database is left behind; no temp dir; once the
# server is back the database is there and 'roundtrip --cleanup' drops it.
. "$(dirname "$0")/lib.sh"
require_pg

bindir=${MIGCHECK_TEST_PG_BINDIR:-$(dirname "$(command -v initdb)")}
as_pg () {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# a server of the test's own, to stop and start again
PGD=$(mktemp -d /tmp/migcheck-pg7101.XXXXXX)
stop_own () {
	"$MIGCHECK_SRC/tests/pgserver.sh" stop "$PGD"
	cd /
	rm -rf "$TEST_ROOT"
}
at_exit stop_own
eval "$("$MIGCHECK_SRC/tests/pgserver.sh" start "$PGD" | sed 's/MIGCHECK_TEST_PG=/OWN=/; s/MIGCHECK_TEST_PG_BINDIR=/OWN_BINDIR=/')"

server_stop () {
	(cd / && as_pg "$bindir/pg_ctl" -D "$PGD/data" -m "$1" -w stop >/dev/null)
}
# as tests/pgserver.sh starts it
server_start () {
	(cd / && as_pg "$bindir/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -t 60 \
		-o "-k $PGD -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null)
}

scratch_dbs () {
	psql "$OWN" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_$1\\_%'"
}

# up to 120 s (valgrind is slow) until PID's scratch database runs pg_sleep
wait_for_sleep () {
	_n=0
	while [ $_n -lt 1200 ]; do
		_c=$(psql "$OWN" -XAtc "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'migcheck\\_scratch\\_$1\\_%' AND query LIKE '%pg_sleep%'" 2>/dev/null || echo 0)
		[ "$_c" -gt 0 ] && return 0
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "# timed out waiting for pg_sleep in $1's scratch database" >&2
	return 1
}

setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$OWN" &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_slow.up.sql 'CREATE TABLE b (id int);
SELECT pg_sleep(600);' &&
	write_migration 002_slow.down.sql 'DROP TABLE b;' &&
	mkdir tmp
}

# stopped MODE REASON: the server stops (pg_ctl -m MODE) while the slow
# migration runs; REASON is what the message says about it
stopped () {
	setup &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	spawn "$MIGCHECK" roundtrip >out 2>err &&
	pid=$spawned &&
	wait_for_sleep "$pid" &&
	server_stop "$1" &&
	{ expect_code 3 wait "$pid"; rc=$?; server_start; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	sed "s/migcheck_scratch_${pid}_[0-9a-f]\{6\}_[0-9a-f]\{8\}/SCRATCH/" err >err.shown &&
	expect_equal err.shown "migcheck: lost the connection to the scratch database while running 'db/migrations/002_slow.up.sql': $2; scratch database 'SCRATCH' is left on the server: 'migcheck roundtrip --cleanup' drops it once the server is back" &&
	ls -A tmp >listing &&
	{ [ ! -s listing ] || { sed 's/^/# left behind: /' listing; false; }; } &&
	# the database the message names is there, and nothing else of ours
	scratch_dbs "$pid" >left &&
	[ "$(wc -l <left)" = 1 ] &&
	grep -q "$(cat left)" err &&
	"$MIGCHECK" roundtrip --cleanup 001 >out 2>err &&
	expect_equal err 'migcheck: dropped 1 stale scratch database' &&
	expect_grep '^roundtrip: 0 errors, 0 warnings$' out &&
	scratch_dbs "$pid" >left &&
	[ ! -s left ]
}

fast () {
	stopped fast 'terminating connection due to administrator command'
}
run_test 'fast shutdown mid-roundtrip: exit 3, one line, --cleanup drops the leftover' fast

immediate () {
	stopped immediate 'server closed the connection unexpectedly'
}
run_test 'immediate shutdown mid-roundtrip: exit 3, one line, --cleanup drops the leftover' immediate

# the server is down before the run starts: nothing is created
down_before () {
	setup &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	server_stop fast &&
	{ expect_code 3 "$MIGCHECK" roundtrip >out 2>err; rc=$?; server_start; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	expect_grep "^migcheck: cannot connect to 'host=$PGD port=5432 user=postgres dbname=postgres': connection to server on socket \"$PGD/.s.PGSQL.5432\" failed: No such file or directory" err &&
	[ "$(wc -l <err)" = 1 ] &&
	expect_no_grep 'left on the server' err &&
	ls -A tmp >listing &&
	[ ! -s listing ]
}
run_test 'a server that is down from the start: exit 3, nothing left' down_before

finish
