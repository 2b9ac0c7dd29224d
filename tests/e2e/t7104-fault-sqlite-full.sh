#!/bin/sh
# t7104: fault injection, no room for the SQLite scratch database: a file
# size limit (ulimit -f: EFBIG, and SIGXFSZ that must not kill us) and a
# full file system (a 256 KiB tmpfs, root only). Exit 3 with one line that
# says where and what to do, not a finding against the migration; the
# temp dir is removed. A migration that sets its own max_page_count and
# overflows it is the migration's fault: an up-failed finding.
. "$(dirname "$0")/lib.sh"

big_repo () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = sqlite\n' >.migcheck &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 1_a.down.sql 'DROP TABLE a;' &&
	write_migration 2_big.up.sql "CREATE TABLE big (b blob);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO big SELECT randomblob(1000) FROM n;" &&
	write_migration 2_big.down.sql 'DROP TABLE big;' &&
	commit_all big &&
	mkdir tmp
}

# the message, with the temp dir's random part as XXXXXX
shown () {
	sed 's/migcheck-sqlite-[A-Za-z0-9]\{6\}/migcheck-sqlite-XXXXXX/g' "$1"
}

file_size_limit () {
	big_repo &&
	# 1 MiB in 512-byte blocks: the scratch database needs 4
	{ expect_code 3 sh -c 'ulimit -f 2048 && TMPDIR=$PWD/tmp exec "$MIGCHECK" roundtrip' >out 2>err; } &&
	[ ! -s out ] &&
	shown err >err.shown &&
	expect_equal err.shown "migcheck: the scratch database ran out of disk space while running 'db/migrations/2_big.up.sql:2': no space left for the SQLite database '$PWD/tmp/migcheck-sqlite-XXXXXX/scratch.db' (File too large); free space there or set TMPDIR to a larger file system" &&
	ls -A tmp >listing &&
	{ [ ! -s listing ] || { sed 's/^/# left behind: /' listing; false; }; }
}
run_test 'a file size limit: exit 3 with one clear line, no temp dir left' file_size_limit

drift_file_size_limit () {
	big_repo &&
	for f in db/migrations/1_a.up.sql db/migrations/2_big.up.sql; do
		sqlite3 staging.db <"$f" || return 1
	done &&
	sqlite3 staging.db 'CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, dirty INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (2, 0);' &&
	cksum staging.db >before &&
	{ expect_code 3 sh -c 'ulimit -f 6000 && TMPDIR=$PWD/tmp exec "$MIGCHECK" drift --db staging.db' >out 2>err; } &&
	[ ! -s out ] &&
	shown err >err.shown &&
	expect_equal err.shown "migcheck: the scratch database ran out of disk space while replaying 'db/migrations/2_big.up.sql': no space left for the SQLite database '$PWD/tmp/migcheck-sqlite-XXXXXX/scratch.db' (File too large); free space there or set TMPDIR to a larger file system" &&
	cksum staging.db >after &&
	expect_equal after "$(cat before)" &&
	ls -A tmp >listing &&
	[ ! -s listing ]
}
run_test 'drift: the scratch replay hits the file size limit: exit 3, target untouched' drift_file_size_limit

full_tmpfs () {
	big_repo &&
	mkdir mnt &&
	# a private mount namespace: the tmpfs goes away with it
	{ expect_code 3 unshare -m sh -c 'mount -t tmpfs -o size=256k migcheck-test "$PWD/mnt" || exit 99
		TMPDIR=$PWD/mnt "$MIGCHECK" roundtrip; rc=$?
		ls -A "$PWD/mnt" >listing
		exit $rc' >out 2>err; } &&
	[ ! -s out ] &&
	sed 's/migcheck-sqlite-[A-Za-z0-9]\{6\}/migcheck-sqlite-XXXXXX/g' err >err.shown &&
	expect_equal err.shown "migcheck: the scratch database ran out of disk space while running 'db/migrations/2_big.up.sql:2': no space left for the SQLite database '$PWD/mnt/migcheck-sqlite-XXXXXX/scratch.db' (database or disk is full); free space there or set TMPDIR to a larger file system" &&
	{ [ ! -s listing ] || { sed 's/^/# left behind: /' listing; false; }; }
}
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	run_test 'a full tmpfs: exit 3 with one clear line, no temp dir left' full_tmpfs
else
	test_count=$((test_count + 1))
	echo "ok $test_count - a full tmpfs # SKIP needs root and unshare -m"
fi

own_page_limit () {
	big_repo &&
	write_migration 2_big.up.sql "PRAGMA max_page_count = 20;
CREATE TABLE big (b blob);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO big SELECT randomblob(1000) FROM n;" &&
	commit_all 'own limit' &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	expect_code 1 "$MIGCHECK" roundtrip >out 2>err &&
	[ ! -s err ] &&
	expect_equal out "db/migrations/2_big.up.sql:3: error: up failed: database or disk is full [up-failed]
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO big SELECT randomblob(1000) FROM n;
note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings" &&
	ls -A tmp >listing &&
	[ ! -s listing ]
}
run_test 'a migration that overflows its own max_page_count: an up-failed finding' own_page_limit

finish
