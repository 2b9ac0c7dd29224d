#!/bin/sh
# t7103: fault injection, timeouts. drift's --lock-timeout and
# --statement-timeout hit while someone holds the tracking table: exit 3,
# one line naming the database and the flag. A migration that sleeps in
# roundtrip is stopped by roundtrip's --statement-timeout (default 30 s):
# an up-failed or down-failed finding naming the limit and the flag, and
# the scratch database is still dropped. With --statement-timeout 0 the
# session keeps the server's own statement_timeout (PGOPTIONS, or
# options= in the scratch URL), whose cancel keeps the server's words.
# SQLite and [runner] commands: t7105.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

locker_pid=
stop_locker () {
	[ -n "$locker_pid" ] && kill "$locker_pid" 2>/dev/null
	psql "$MIGCHECK_TEST_PG" -XAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker7103_$$'" >/dev/null 2>&1 || true
	pg_cleanup
}
at_exit stop_locker

wait_until () {
	_n=0
	while [ $_n -lt 1200 ]; do
		_c=$(psql "$MIGCHECK_TEST_PG" -XAtc "$1" 2>/dev/null || echo 0)
		[ "${_c:-0}" -gt 0 ] && return 0
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "# timed out waiting for: $1" >&2
	return 1
}

# a target whose tracking table someone else holds locked
locked_target () {
	pg_golang_repo &&
	target=$(pg_new_db "$1") &&
	pg_sql "$target" 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		'INSERT INTO schema_migrations VALUES (1, false)' &&
	{ PGAPPNAME=locker7103_$$ psql -X -q "$target" -c 'BEGIN' \
		-c 'LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE' -c 'SELECT pg_sleep(600)' >/dev/null 2>&1 & } &&
	locker_pid=$! &&
	wait_until "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'locker7103_$$' AND query LIKE '%pg_sleep%'"
}

unlock () {
	kill "$locker_pid" 2>/dev/null
	psql "$MIGCHECK_TEST_PG" -XAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker7103_$$'" >/dev/null
	wait "$locker_pid" 2>/dev/null || true
	locker_pid=
}

lock_timeout () {
	locked_target lockto &&
	mkdir tmp && TMPDIR=$PWD/tmp && export TMPDIR &&
	{ expect_code 3 "$MIGCHECK" drift --db "$target" --scratch "$MIGCHECK_TEST_PG" --lock-timeout 1s >out 2>err; rc=$?; unlock; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	expect_equal err "migcheck: reading '$target' waited longer than the lock timeout (1000 ms; --lock-timeout) for a lock: canceling statement due to lock timeout" &&
	ls -A tmp >listing &&
	[ ! -s listing ]
}
run_test 'drift --lock-timeout hit: exit 3, names the database and the flag' lock_timeout

statement_timeout () {
	locked_target stmtto &&
	{ expect_code 3 "$MIGCHECK" drift --db "$target" --scratch "$MIGCHECK_TEST_PG" --statement-timeout 1s --lock-timeout 10min >out 2>err; rc=$?; unlock; [ $rc = 0 ]; } &&
	[ ! -s out ] &&
	expect_equal err "migcheck: reading '$target' took longer than the statement timeout (1000 ms; --statement-timeout): canceling statement due to statement timeout"
}
run_test 'drift --statement-timeout hit: exit 3, names the database and the flag' statement_timeout

sleepy_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_slow.up.sql 'CREATE TABLE b (id int);
SELECT pg_sleep(600);' &&
	write_migration 002_slow.down.sql 'DROP TABLE b;' &&
	commit_all sleepy
}

scratch_dbs_left () {
	psql "$MIGCHECK_TEST_PG" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_$1\\_%'"
}

roundtrip_timeout () {
	sleepy_repo &&
	{ "$MIGCHECK" roundtrip --scratch "$MIGCHECK_TEST_PG" --statement-timeout 2000 >out 2>err & } &&
	pid=$! &&
	expect_code 1 wait "$pid" &&
	[ ! -s err ] &&
	expect_equal out "db/migrations/002_slow.up.sql:2: error: up failed: canceled after 2000 ms (--statement-timeout) [up-failed]
    SELECT pg_sleep(600);
note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 1 error, 0 warnings" &&
	scratch_dbs_left "$pid" >left &&
	[ ! -s left ]
}
run_test 'roundtrip --statement-timeout: a sleeping up is up-failed, naming the limit' roundtrip_timeout

roundtrip_timeout_down () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'SELECT pg_sleep(600);
DROP TABLE a;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;' &&
	commit_all sleepy-down &&
	{ "$MIGCHECK" roundtrip --format json --scratch "$MIGCHECK_TEST_PG" --statement-timeout 1s >out.json 2>err & } &&
	pid=$! &&
	expect_code 1 wait "$pid" &&
	[ ! -s err ] &&
	jq -r '.findings[] | "\(.code) \(.file):\(.line) \(.message)"' out.json >codes &&
	expect_equal codes 'down-failed db/migrations/001_a.down.sql:1 down failed: canceled after 1000 ms (--statement-timeout)' &&
	jq -r '.notes[]?' out.json >notes &&
	expect_grep '^2 migrations round-tripped' notes &&
	scratch_dbs_left "$pid" >left &&
	[ ! -s left ]
}
run_test 'a sleeping down is down-failed, and the run goes on' roundtrip_timeout_down

# the migration's own, lower limit: not ours, the server's words stay
roundtrip_own_limit () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_a.up.sql "SET LOCAL statement_timeout = '300ms';
SELECT pg_sleep(600);" &&
	write_migration 001_a.down.sql 'SELECT 1;' &&
	commit_all own-limit &&
	expect_code 1 "$MIGCHECK" roundtrip --format json --scratch "$MIGCHECK_TEST_PG" >out.json 2>err &&
	[ ! -s err ] &&
	jq -r '.findings[] | "\(.code) \(.file):\(.line) \(.message)"' out.json >codes &&
	expect_equal codes 'up-failed db/migrations/001_a.up.sql:2 up failed: canceling statement due to statement timeout'
}
run_test "a migration's own lower statement_timeout keeps the server's message" roundtrip_own_limit

# which statement_timeout the scratch session has: fails unless it is $1
setting_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_a.up.sql "DO \$\$ BEGIN
  IF current_setting('statement_timeout') <> '$1' THEN
    RAISE EXCEPTION 'statement_timeout is %', current_setting('statement_timeout');
  END IF;
END \$\$;" &&
	write_migration 001_a.down.sql 'SELECT 1;' &&
	commit_all setting
}

roundtrip_default () {
	setting_repo 30s &&
	PGOPTIONS='-c statement_timeout=10000' "$MIGCHECK" roundtrip --scratch "$MIGCHECK_TEST_PG" >out 2>err &&
	[ ! -s err ] &&
	setting_repo 10s &&
	PGOPTIONS='-c statement_timeout=10000' "$MIGCHECK" roundtrip --scratch "$MIGCHECK_TEST_PG" --statement-timeout 0 >out 2>err &&
	[ ! -s err ] &&
	mkdir gate && cd gate && init_repo && test_tick &&
	git commit -q --allow-empty -m base && git tag base &&
	setting_repo 1min &&
	"$MIGCHECK" gate --since base --skip check --scratch "$MIGCHECK_TEST_PG" --statement-timeout 1min >out 2>err &&
	expect_grep '^note: 1 migration round-tripped' out &&
	setting_repo 2min &&
	expect_code 1 "$MIGCHECK" gate --since base --skip check --scratch "$MIGCHECK_TEST_PG" --statement-timeout 1min >out 2>err &&
	expect_grep 'statement_timeout is 1min \[up-failed\]' out
}
run_test 'the default limit is 30 s over PGOPTIONS; 0 keeps the server'"'"'s; gate passes it on' roundtrip_default

roundtrip_pgoptions () {
	sleepy_repo &&
	{ PGOPTIONS='-c statement_timeout=10000' "$MIGCHECK" roundtrip --scratch "$MIGCHECK_TEST_PG" --statement-timeout 0 >out 2>err & } &&
	pid=$! &&
	expect_code 1 wait "$pid" &&
	[ ! -s err ] &&
	expect_equal out "db/migrations/002_slow.up.sql:2: error: up failed: canceling statement due to statement timeout [up-failed]
    SELECT pg_sleep(600);
note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 1 error, 0 warnings" &&
	scratch_dbs_left "$pid" >left &&
	[ ! -s left ]
}
run_test 'with --statement-timeout 0, PGOPTIONS statement_timeout still applies' roundtrip_pgoptions

roundtrip_url_options () {
	sleepy_repo &&
	uri=$(pg_uri) &&
	case $uri in *\?*) sep='&' ;; *) sep='?' ;; esac &&
	{ "$MIGCHECK" roundtrip --format json --statement-timeout 0 --scratch "${uri}${sep}options=-c%20statement_timeout%3D10000" >out.json 2>err & } &&
	pid=$! &&
	expect_code 1 wait "$pid" &&
	[ ! -s err ] &&
	jq -r '.findings[] | "\(.code) \(.file):\(.line) \(.message)"' out.json >codes &&
	expect_equal codes 'up-failed db/migrations/002_slow.up.sql:2 up failed: canceling statement due to statement timeout' &&
	scratch_dbs_left "$pid" >left &&
	[ ! -s left ]
}
run_test 'statement_timeout in the scratch URL options: the same finding' roundtrip_url_options

finish
