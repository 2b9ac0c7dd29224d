#!/bin/sh
# PostgreSQL: Ctrl-C mid-run drops the scratch database; the server dying
# mid-run is exit 3 with a clear message; --cleanup drops what a killed
# run left behind.
. "$(dirname "$0")/lib.sh"
require_pg

# scratch_dbs PID [CONNINFO]: the scratch databases of process PID.
scratch_dbs () {
	psql "${2:-$MIGCHECK_TEST_PG}" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_$1\\_%'"
}

# wait_for_query PID [CONNINFO]: up to 30 s until PID's scratch database
# runs pg_sleep.
wait_for_sleep () {
	_n=0
	while [ $_n -lt 300 ]; do
		_c=$(psql "${2:-$MIGCHECK_TEST_PG}" -XAtc "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'migcheck\\_scratch\\_$1\\_%' AND query LIKE '%pg_sleep%'" 2>/dev/null || echo 0)
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
	git config -f .migcheck scratch.postgres "${1:-$MIGCHECK_TEST_PG}" &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_slow.up.sql 'CREATE TABLE b (id int);
SELECT pg_sleep(60);' &&
	write_migration 002_slow.down.sql 'DROP TABLE b;' &&
	mkdir tmp
}

sigint () {
	setup &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	spawn "$MIGCHECK" roundtrip >out 2>err &&
	wait_for_sleep "$spawned" &&
	kill -INT "$spawned" &&
	expect_code 130 wait "$spawned" &&
	expect_equal err 'migcheck: interrupted; the scratch database was removed' &&
	[ ! -s out ] &&
	scratch_dbs "$spawned" >left &&
	{ [ ! -s left ] || { sed 's/^/# left behind: /' left; false; }; } &&
	ls -A tmp >listing &&
	{ [ ! -s listing ] || { sed 's/^/# left behind: /' listing; false; }; }
}
run_test 'SIGINT mid-statement drops the scratch database and exits 130' sigint

as_pg () {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

server_dies () {
	pgdir=$(mktemp -d /tmp/migcheck-pgdie.XXXXXX) &&
	eval "$("$MIGCHECK_SRC/tests/pgserver.sh" start "$pgdir" | sed 's/MIGCHECK_TEST_PG=/DYING_PG=/; s/MIGCHECK_TEST_PG_BINDIR=/DYING_BINDIR=/')" &&
	setup "$DYING_PG" &&
	spawn "$MIGCHECK" roundtrip >out 2>err &&
	wait_for_sleep "$spawned" "$DYING_PG" &&
	(cd / && as_pg "$DYING_BINDIR/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null)
	expect_code 3 wait "$spawned"
	rc=$?
	"$MIGCHECK_SRC/tests/pgserver.sh" stop "$pgdir"
	[ $rc = 0 ] &&
	expect_grep "^migcheck: lost the connection to the scratch database while running 'db/migrations/002_slow.up.sql': " err &&
	[ "$(wc -l <err)" = 1 ] &&
	[ ! -s out ]
}
run_test 'the server dying mid-run is exit 3 with a clear message' server_dies

cleanup_stale () {
	# a server of its own: --cleanup must not race other tests' scratch
	# databases on the shared one
	pgdir=$(mktemp -d /tmp/migcheck-pgclean.XXXXXX) &&
	eval "$("$MIGCHECK_SRC/tests/pgserver.sh" start "$pgdir" | sed 's/MIGCHECK_TEST_PG=/OWN_PG=/; s/MIGCHECK_TEST_PG_BINDIR=/OWN_BINDIR=/')" &&
	cleanup_stale_on "$OWN_PG"
	rc=$?
	"$MIGCHECK_SRC/tests/pgserver.sh" stop "$pgdir"
	return $rc
}

cleanup_stale_on () {
	setup "$1" || return 1
	"$MIGCHECK" roundtrip >/dev/null 2>&1 &
	pid=$!
	wait_for_sleep "$pid" "$1" &&
	kill -KILL "$pid" &&
	{ wait "$pid" || true; } &&
	psql "$1" -XAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%'" >/dev/null &&
	sleep 0.5 &&
	scratch_dbs "$pid" "$1" >left &&
	[ "$(wc -l <left)" = 1 ] &&
	"$MIGCHECK" roundtrip --cleanup 001 >out 2>err &&
	expect_equal err 'migcheck: dropped 1 stale scratch database' &&
	scratch_dbs "$pid" "$1" >left &&
	[ ! -s left ] &&
	"$MIGCHECK" roundtrip --cleanup 001 >out 2>err &&
	expect_equal err 'migcheck: dropped 0 stale scratch databases'
}
run_test '--cleanup drops the scratch database a killed run left' cleanup_stale

finish
