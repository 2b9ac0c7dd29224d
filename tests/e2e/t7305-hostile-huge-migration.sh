#!/bin/sh
# Hostile repository: a 50 MB migration (the cap is 32 MB,
# MC_MAX_MIGRATION_SIZE). Every command reports it as the same malformed
# finding naming the file and goes on with the rest (exit 1): list,
# roundtrip and check in all four modes (work tree, --staged, --commit,
# --range; before, check stopped with exit 2). A deployed migration grown
# over the cap is modified-deployed as well. Peak RSS bound 48 MB, below
# the file's size: no command may read the file into memory to refuse it,
# nor to look for renames when the change also deletes a file (libgit2's
# rename detection inflated it: 64 MB; now ~14 MB).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=49152
BIG=db/migrations/002_big.up.sql
MALFORMED="$BIG: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]"

huge_repo () {
	init_repo && t73_config db/migrations &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	yes 'INSERT INTO t VALUES (1);' | head -c 52428800 >$BIG &&
	write_migration 002_big.down.sql 'DELETE FROM t;' &&
	git add -A
}

# expect_empty FILE
expect_empty () {
	if [ -s "$1" ]; then
		sed 's/^/# unexpected| /' "$1" >&2
		return 1
	fi
}

# check_modes EXIT WANT_OUT MODE...: check in each mode ('' is the work
# tree) exits EXIT with exactly WANT_OUT on stdout and nothing on stderr
check_modes () {
	_code=$1 _want=$2
	shift 2
	for _mode in "$@"; do
		# shellcheck disable=SC2086
		measure "$_code" $RSS_MAX "check $_mode" "$MIGCHECK" check $_mode &&
		expect_equal out "$_want" && expect_empty err || return 1
	done
}


huge_work_tree () {
	huge_repo &&
	measure 1 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal err "$MALFORMED
list: 1 error, 0 warnings" &&
	check_modes 1 "$MALFORMED
check: 1 error, 0 warnings" '' --staged &&
	measure 1 $RSS_MAX roundtrip "$MIGCHECK" roundtrip &&
	expect_equal out "$MALFORMED
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings"
}
run_test 'a 50 MB migration in the work tree and the index: malformed, exit 1' huge_work_tree

huge_committed () {
	huge_repo && commit_all big &&
	check_modes 1 "$MALFORMED
check: 1 error, 0 warnings" '--commit HEAD' '--range HEAD~1..HEAD' &&
	measure 1 $RSS_MAX 'check --commit --format json' \
		"$MIGCHECK" --format json check --commit HEAD &&
	expect_grep '"code": "malformed"' out &&
	expect_grep '"severity": "error"' out &&
	expect_grep "\"file\": \"$BIG\"" out &&
	expect_grep '"message": "cannot read migration: file is too large (52428800 bytes, limit 33554432)"' out &&
	expect_grep '"errors": 1' out &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	expect_grep "^$BIG  (not released)\$" out
}
run_test 'a committed 50 MB migration: check --commit, --range (text, JSON), log' huge_committed

# Grown over the cap after deploy: an edit of a deployed migration (its
# size changed, so its content did; where is not known: no line) and a
# file no command can read (malformed), both errors.
huge_deployed () {
	init_repo && t73_config db/migrations &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	yes 'INSERT INTO t VALUES (1);' | head -c 52428800 >db/migrations/001_t.up.sql &&
	_want="db/migrations/001_t.up.sql: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]
db/migrations/001_t.up.sql: error: deployed migration 'db/migrations/001_t.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/001_t.up.sql) and write the change as a new migration
check: 2 errors, 0 warnings" &&
	check_modes 1 "$_want" '' &&
	git add -A && check_modes 1 "$_want" --staged &&
	commit_all grow && check_modes 1 "$_want" '--commit HEAD' '--range HEAD~1..HEAD' &&
	measure 1 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal err 'db/migrations/001_t.up.sql: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]
list: 1 error, 0 warnings'
}
run_test 'a deployed migration grown over 50 MB: modified-deployed and malformed' huge_deployed

# The way out: deleting the file (replaced by a small one, so rename
# detection has a pair to score) checks like any deletion; a 50 MB file
# that was deployed and is shrunk back is an edit of a deployed migration.
huge_removed () {
	huge_repo && commit_all big &&
	git rm -q $BIG && write_migration 003_small.up.sql 'SELECT 1;' &&
	write_migration 003_small.down.sql 'SELECT 1;' &&
	check_modes 0 'check: 0 errors, 0 warnings' '' &&
	git add -A && check_modes 0 'check: 0 errors, 0 warnings' --staged &&
	commit_all replace && check_modes 0 'check: 0 errors, 0 warnings' '--commit HEAD' '--range HEAD~1..HEAD' &&
	git reset -q --hard HEAD~1 && deploy &&
	write_migration 002_big.up.sql 'SELECT 1;' &&
	_want="$BIG: error: deployed migration '$BIG' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- $BIG) and write the change as a new migration
check: 1 error, 0 warnings" &&
	check_modes 1 "$_want" '' && git add -A && check_modes 1 "$_want" --staged
}
run_test 'deleting a 50 MB migration, or shrinking a deployed one' huge_removed

finish
