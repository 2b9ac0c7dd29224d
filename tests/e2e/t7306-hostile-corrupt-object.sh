#!/bin/sh
# Hostile repository: the deployed blob of a migration is corrupt (its
# loose object overwritten) or missing. Every check mode that needs it
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
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: failed to inflate loose object"
}
run_test 'a corrupt loose object' overwritten

# NEEDSWORK: a loose object truncated inside its zlib stream (head -c 10)
# makes libgit2 1.5's git_odb_read spin in inflate() for ever (git_blob_lookup
# from mc_git__blob_read never returns; the timeout guard of measure catches
# it). Needs a completeness check of the loose file before libgit2 reads it.

missing () {
	corrupt_repo && rm "$obj" &&
	every_mode "migcheck: cannot read 'db/001_t.up.sql' from the git object database: object not found - no match for id ($blob)"
}
run_test 'a missing blob' missing

finish
