#!/bin/sh
# Hostile repository: a working-tree migration that cannot be read: no
# permission (chmod 000), a directory or a FIFO named like a migration, a
# dangling symbolic link, a link loop. Every command reports it as the same
# malformed finding, "cannot read migration: <why>" (exit 1), and goes on
# with the rest: list, check (work tree), roundtrip and gate. Before, check
# stopped (exit 3, "cannot open ...", or libgit2's "failed open ... is
# locked" when it hashed a tracked file it could not open) or skipped a
# directory or FIFO that list reported. A FIFO never hangs a command: the
# timeout guard (t73lib.sh) fails it. check --staged reads the index, not
# the file: git cannot stage a FIFO or a file it cannot read, so staged
# content that was made unreadable afterwards is checked as staged.
#
# chmod 000 does not keep root out: when the test runs as root it runs that
# case as 'nobody' (setpriv), after checking that nobody cannot read the
# file; with neither, that case is reported as a TAP skip, never passed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=32768
M=db/migrations/002_u.up.sql

# unreadable_repo: 001 deployed; 002's down script added in the work tree
# (its up script is the case's)
unreadable_repo () {
	init_repo && t73_config db/migrations &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	write_migration 002_u.down.sql 'DROP TABLE IF EXISTS u;'
}

# expect_empty FILE
expect_empty () {
	if [ -s "$1" ]; then
		sed 's/^/# unexpected| /' "$1" >&2
		return 1
	fi
}

# every_command WHY [RUN...]: list, check, roundtrip and gate (through RUN,
# e.g. setpriv) each report $M as malformed with WHY, exit 1
every_command () {
	_why=$1
	shift
	_f="$M: error: cannot read migration: $_why [malformed]"
	measure 1 $RSS_MAX list "$@" "$MIGCHECK" list &&
	expect_equal err "$_f
list: 1 error, 0 warnings" &&
	expect_grep '^  002      u     yes  yes       0  pending$' out &&
	measure 1 $RSS_MAX check "$@" "$MIGCHECK" check &&
	expect_equal out "$_f
check: 1 error, 0 warnings" && expect_empty err &&
	measure 1 $RSS_MAX 'check --format json' "$@" "$MIGCHECK" --format json check &&
	expect_grep '"code": "malformed"' out &&
	expect_grep "\"message\": \"cannot read migration: $_why\"" out &&
	expect_grep '"errors": 1' out &&
	measure 1 $RSS_MAX roundtrip "$@" "$MIGCHECK" roundtrip &&
	expect_equal out "$_f
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings" &&
	measure 1 $RSS_MAX gate "$@" "$MIGCHECK" gate &&
	grep -qxF "$_f" out &&
	expect_grep '^steps: check passed, roundtrip failed, drift not run (no --db)$' out &&
	expect_grep '^gate: 1 error, 0 warnings$' out
}

# staged_is_index: the index holds the down script only, so check --staged
# judges what would be committed (the up script is missing), never the file
staged_is_index () {
	git add db/migrations/002_u.down.sql &&
	measure 1 $RSS_MAX 'check --staged' "$@" "$MIGCHECK" check --staged &&
	expect_equal out 'db/migrations/002_u.down.sql: error: down script without an up script [malformed]
check: 1 error, 0 warnings'
}

fifo () {
	unreadable_repo && mkfifo $M &&
	every_command 'not a regular file' && staged_is_index
}
run_test 'a FIFO named like a migration: malformed, exit 1, no hang' fifo

directory () {
	unreadable_repo && mkdir $M && echo x >$M/x &&
	every_command 'is a directory, not a file' && staged_is_index
}
run_test 'a directory named like a migration: malformed, exit 1' directory

dangling () {
	unreadable_repo && ln -s 002_missing.sql $M &&
	every_command 'dangling symbolic link'
}
run_test 'a dangling symbolic link named like a migration: malformed, exit 1' dangling

loop () {
	unreadable_repo && ln -s 002_u.up.sql $M &&
	every_command 'symbolic link loop'
}
run_test 'a symbolic link loop named like a migration: malformed, exit 1' loop

# A deployed migration replaced by a FIFO: malformed; whether it was
# edited is not known (no modified-deployed), nor is it deleted
fifo_deployed () {
	unreadable_repo && rm db/migrations/002_u.down.sql &&
	rm db/migrations/001_t.up.sql && mkfifo db/migrations/001_t.up.sql &&
	measure 1 $RSS_MAX check "$MIGCHECK" check &&
	expect_equal out 'db/migrations/001_t.up.sql: error: cannot read migration: not a regular file [malformed]
check: 1 error, 0 warnings' &&
	measure 1 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal err 'db/migrations/001_t.up.sql: error: cannot read migration: not a regular file [malformed]
list: 1 error, 0 warnings'
}
run_test 'a deployed migration replaced by a FIFO: malformed, not deleted' fifo_deployed

# chmod 000: as root, through setpriv as nobody, who must own the
# repository (libgit2 refuses one owned by another user) and be kept out
skip_test () {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1"
}

NOBODY=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		NOBODY="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"
	fi
fi

# as_reader: the command prefix for a user chmod 000 keeps out, or fail
as_reader () {
	if [ "$(id -u)" != 0 ]; then
		READER=
	else
		READER=$NOBODY
		chmod 755 "$TEST_ROOT" "$TEST_ROOT/home" . &&
		chown -R "$(id -u nobody):$(id -g nobody)" .
	fi
	# shellcheck disable=SC2086
	if $READER cat "$1" >/dev/null 2>&1; then
		echo "# $1 is still readable after chmod 000" >&2
		return 1
	fi
}

no_permission () {
	unreadable_repo &&
	write_migration 002_u.up.sql 'CREATE TABLE u (id int);' &&
	# staged first, then made unreadable: --staged checks the staged file
	git add -A && chmod 000 $M &&
	as_reader $M &&
	# shellcheck disable=SC2086
	every_command 'Permission denied' $READER &&
	measure 0 $RSS_MAX 'check --staged' $READER "$MIGCHECK" check --staged &&
	expect_equal out 'check: 0 errors, 0 warnings'
}

# a deployed file made unreadable, unchanged: libgit2 had to hash it
no_permission_deployed () {
	unreadable_repo && rm db/migrations/002_u.down.sql &&
	chmod 000 db/migrations/001_t.up.sql &&
	as_reader db/migrations/001_t.up.sql &&
	# shellcheck disable=SC2086
	measure 1 $RSS_MAX check $READER "$MIGCHECK" check &&
	expect_equal out 'db/migrations/001_t.up.sql: error: cannot read migration: Permission denied [malformed]
check: 1 error, 0 warnings'
}

# an unreadable new file next to a deleted one: libgit2 read it to pair
# a rename
no_permission_rename () {
	unreadable_repo && git rm -q db/migrations/001_t.down.sql &&
	write_migration 002_u.up.sql 'CREATE TABLE u (id int);' &&
	chmod 000 $M &&
	as_reader $M &&
	# shellcheck disable=SC2086
	measure 1 $RSS_MAX check $READER "$MIGCHECK" check &&
	expect_equal out "db/migrations/001_t.down.sql: error: deployed migration 'db/migrations/001_t.down.sql' was deleted (deployed in refs/remotes/origin/main) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/001_t.down.sql); to undo what it did, write a new migration
$M: error: cannot read migration: Permission denied [malformed]
check: 2 errors, 0 warnings"
}

if [ "$(id -u)" = 0 ] && [ -z "$NOBODY" ]; then
	skip_test 'chmod 000 does not keep root out, and setpriv or the nobody user is missing'
	skip_test 'chmod 000 on a deployed migration (as above)'
	skip_test 'chmod 000 next to a deletion (as above)'
else
	run_test 'a migration without read permission: malformed, exit 1; --staged checks the index' no_permission
	run_test 'a deployed migration without read permission: malformed, not a libgit2 error' no_permission_deployed
	run_test 'an unreadable file next to a deletion: rename detection never reads it' no_permission_rename
fi

finish
