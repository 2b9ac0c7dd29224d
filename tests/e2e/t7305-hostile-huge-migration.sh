#!/bin/sh
# Hostile repository: a 50 MB migration (the cap is 32 MB,
# MC_MAX_MIGRATION_SIZE). list and roundtrip report it as a malformed file
# and go on with the rest (exit 1); every check mode stops with one line
# naming the file (exit 2, bad input). Peak RSS bound 48 MB, below the
# file's size: no command may read the file into memory to refuse it
# (before the fix, check --staged/--commit/--range inflated the blob first:
# 64 MB; now ~14 MB).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=49152
TOO_LARGE="migcheck: migration 'db/migrations/002_big.up.sql' is too large (52428800 bytes, limit 33554432)"

huge_repo () {
	init_repo && t73_config db/migrations &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	yes 'INSERT INTO t VALUES (1);' | head -c 52428800 >db/migrations/002_big.up.sql &&
	write_migration 002_big.down.sql 'DELETE FROM t;' &&
	git add -A
}

huge_work_tree () {
	huge_repo &&
	measure 1 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal err 'db/migrations/002_big.up.sql: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]
list: 1 error, 0 warnings' &&
	measure 2 $RSS_MAX check "$MIGCHECK" check && expect_equal err "$TOO_LARGE" &&
	measure 2 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged && expect_equal err "$TOO_LARGE" &&
	measure 1 $RSS_MAX roundtrip "$MIGCHECK" roundtrip &&
	expect_equal out 'db/migrations/002_big.up.sql: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'a 50 MB migration in the work tree and the index' huge_work_tree

huge_committed () {
	huge_repo && commit_all big &&
	measure 2 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD && expect_equal err "$TOO_LARGE" &&
	measure 2 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD && expect_equal err "$TOO_LARGE" &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	expect_grep '^db/migrations/002_big.up.sql  (not released)$' out
}
run_test 'a committed 50 MB migration: check --commit, --range, log' huge_committed

finish
