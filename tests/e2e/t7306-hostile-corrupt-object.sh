#!/bin/sh
# Hostile repository: the deployed blob of a migration is corrupt (its
# loose object overwritten, truncated or of the wrong length) or missing. Every check mode that needs it
# stops with one line naming the file and libgit2's reason, exit 3
# (environment); list and log, which do not read that blob, still work.
# Peak RSS bound 32 MB (measured ~14 MB).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=32768

corrupt_repo () {
	init_repo && t73_config db &&
	write_migration db/001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration db/001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	write_migration db/001_t.up.sql 'CREATE TABLE t (id bigint);' &&
	git add -A && commit_all edit &&
	blob=$(git rev-parse HEAD~1:db/001_t.up.sql) &&
	obj=.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-) &&
	[ -f "$obj" ] && chmod u+w "$obj"
}

every_mode () { # every_mode EXPECTED-ERR
	measure 3 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD && expect_equal err "$1" &&
	measure 3 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD && expect_equal err "$1" &&
	git reset -q --soft HEAD~1 &&
	measure 3 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged && expect_equal err "$1" &&
	measure 3 $RSS_MAX check "$MIGCHECK" check && expect_equal err "$1" &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_grep '^  001      t     yes  yes       1  deployed$' out &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	expect_grep '^db/001_t.up.sql$' out
}

overwritten () {
	corrupt_repo && printf 'garbage' >"$obj" &&
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: loose object $blob is corrupt: invalid object header"
}
run_test 'a corrupt loose object' overwritten

# libgit2 1.5 spins for ever on a loose object whose zlib stream ends
# early (head -c 10); src/git/compat/loose.c checks each loose file before
# libgit2 reads it, so this is an error naming the object, not a hang.
truncate_obj () {
	head -c 10 "$obj" >"$TEST_ROOT/.obj" && cat "$TEST_ROOT/.obj" >"$obj"
}
truncated () {
	corrupt_repo && truncate_obj &&
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: loose object $blob is corrupt: truncated (its zlib stream ends early)"
}
run_test 'a truncated loose blob' truncated

wrong_length () {
	corrupt_repo &&
	printf 'blob 99\000CREATE TABLE t (id int);\n' | python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))' >"$obj" &&
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: loose object $blob is corrupt: shorter than its header says"
}
run_test 'a loose blob shorter than its header' wrong_length

# The deployed commit's tree (the migrations folder's) truncated: no
# command hangs; check and log name the object and why (check said
# "unknown git error": git_repository_is_shallow cleared libgit2's
# reason), list only notes the deployed state as unknown.
truncated_tree () {
	corrupt_repo &&
	obj=.git/objects/$(git rev-parse HEAD~1:db | cut -c1-2)/$(git rev-parse HEAD~1:db | cut -c3-) &&
	tree=$(git rev-parse HEAD~1:db) && chmod u+w "$obj" && truncate_obj &&
	measure 3 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD &&
	expect_equal err "migcheck: cannot compute the change: loose object $tree is corrupt: truncated (its zlib stream ends early)" &&
	measure 3 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD &&
	expect_equal err "migcheck: cannot compute the change: loose object $tree is corrupt: truncated (its zlib stream ends early)" &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_grep "^note: cannot read a tree: loose object $tree is corrupt: truncated (its zlib stream ends early); deployed state unknown\$" err &&
	measure 3 $RSS_MAX log "$MIGCHECK" log &&
	expect_equal err "migcheck: cannot read a tree: loose object $tree is corrupt: truncated (its zlib stream ends early)"
}
run_test 'a truncated loose tree' truncated_tree

# The deployed commit itself truncated: every command that reads it names
# it and why, exit 3; none hangs.
truncated_commit () {
	corrupt_repo &&
	commit=$(git rev-parse HEAD~1) &&
	obj=.git/objects/$(echo "$commit" | cut -c1-2)/$(echo "$commit" | cut -c3-) &&
	chmod u+w "$obj" && truncate_obj &&
	why="loose object $commit is corrupt: truncated (its zlib stream ends early)" &&
	measure 3 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD &&
	expect_equal err "migcheck: cannot read the parent of the commit: $why" &&
	measure 3 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD &&
	expect_equal err "migcheck: cannot resolve 'HEAD~1': $why" &&
	# no migration touched: the deploy points are not read
	measure 0 $RSS_MAX 'check, nothing touched' "$MIGCHECK" check &&
	write_migration db/002_u.up.sql 'CREATE TABLE u (id int);' &&
	measure 3 $RSS_MAX check "$MIGCHECK" check &&
	expect_equal err "migcheck: cannot read the tree of deploy ref 'refs/remotes/origin/main': $why" &&
	rm db/002_u.up.sql &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_grep "^note: cannot read the tree of deploy ref 'refs/remotes/origin/main': $why; deployed state unknown\$" err &&
	measure 3 $RSS_MAX log "$MIGCHECK" log &&
	expect_equal err "migcheck: cannot read the release 'refs/remotes/origin/main': $why"
}
run_test 'a truncated loose commit' truncated_commit

missing () {
	corrupt_repo && rm "$obj" &&
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: object not found - no match for id ($blob)"
}
run_test 'a missing blob' missing

finish
