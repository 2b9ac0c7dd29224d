#!/bin/sh
# check --range / --commit: the merge result is judged, not the branch
# alone; merges that bring two migrations with one version; trailers.
. "$(dirname "$0")/lib.sh"

base_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD
}

add_mig () { # version name
	write_migration "$1_$2.up.sql" "CREATE TABLE $2 (id int);" &&
	write_migration "$1_$2.down.sql" "DROP TABLE $2;" &&
	commit_all "add $1_$2"
}

branch_clean () {
	base_repo &&
	git checkout -q -b feature && add_mig 002 feat &&
	"$MIGCHECK" check --range main...feature >out &&
	"$MIGCHECK" check --range main..feature >out2 &&
	"$MIGCHECK" check --range main... >out3
}
run_test 'a branch adding a later migration passes (A...B, A..B, empty side = HEAD)' branch_clean

sorts_before_target () {
	base_repo &&
	git checkout -q -b feature && add_mig 002 feat &&
	git checkout -q main && add_mig 003 mainline &&
	expect_code 1 "$MIGCHECK" check --range main...feature >out &&
	expect_equal out "db/migrations/002_feat.up.sql:1: error: new migration 002 sorts before 003, already on main: after the merge it would run out of order [out-of-order]
    to fix: renumber it above 003 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'a branch migration that sorts before one on the target is out-of-order' sorts_before_target

same_version_both_sides () {
	base_repo &&
	git checkout -q -b feature && add_mig 002 feat &&
	git checkout -q main && add_mig 002 other &&
	expect_code 1 "$MIGCHECK" check --range main...feature >out &&
	expect_grep "^db/migrations/002_feat.up.sql:1: error: version 002 of 'db/migrations/002_feat.up.sql' is also used by 'db/migrations/002_other.up.sql' on main \[duplicate-version\]" out
}
run_test 'both sides adding one version is duplicate-version' same_version_both_sides

merge_brings_duplicate () {
	base_repo &&
	git checkout -q -b feature && add_mig 002 feat &&
	git checkout -q main && add_mig 002 other &&
	test_tick && git merge -q --no-edit feature &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_grep "002_feat.up.sql:1: error: .*\[duplicate-version\]" out &&
	expect_code 1 "$MIGCHECK" check --range origin/main..HEAD >out2 &&
	expect_grep 'duplicate-version' out2
}
run_test 'a merge bringing two migrations with one version is duplicate-version' merge_brings_duplicate

range_edits_deployed () {
	base_repo &&
	git checkout -q -b feature &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id bigint);' && commit_all edit &&
	expect_code 1 "$MIGCHECK" check --range main...feature >out &&
	expect_grep "001_init.up.sql:1: error: .*\[modified-deployed\]" out
}
run_test 'a range editing a deployed migration is modified-deployed' range_edits_deployed

unknown_revision () {
	base_repo &&
	expect_code 3 "$MIGCHECK" check --range nope...HEAD 2>err &&
	expect_equal err "migcheck: unknown revision 'nope'" &&
	expect_code 2 "$MIGCHECK" check --range HEAD 2>err2 &&
	expect_grep "^migcheck: --range needs '<a>..<b>' or '<a>...<b>', not 'HEAD'" err2
}
run_test 'an unknown revision (exit 3) and a bad range (exit 2)' unknown_revision

unrelated () {
	base_repo &&
	git checkout -q --orphan other && git rm -rqf . && add_mig 002 x &&
	expect_code 3 "$MIGCHECK" check --range main...other --dir db/migrations 2>err &&
	expect_equal err "migcheck: cannot find the merge base of 'main' and 'other': they share no history"
}
run_test 'a range without a merge base (exit 3)' unrelated

finish
