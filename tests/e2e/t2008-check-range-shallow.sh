#!/bin/sh
# check --range with our own merge base (src/git/compat/mergebase.c): shallow
# clones deep enough to hold the merge base work and find what the full
# clone finds; too shallow is exit 3 with the fetch; a criss-cross merge
# uses the merge base git diff a...b uses.
. "$(dirname "$0")/lib.sh"

# origin: main with 6 commits, a topic branch from main~3 (the merge base)
# that edits a released migration and adds one
origin_repo () {
	init_repo origin && (
		cd origin &&
		git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck deploy.ref refs/remotes/origin/main &&
		write_migration 001_a.up.sql 'CREATE TABLE a (id int);' && commit_all one &&
		write_migration 002_b.up.sql 'CREATE TABLE b (id int);' && commit_all two &&
		write_migration 003_c.up.sql 'CREATE TABLE c (id int);' && commit_all three &&
		git branch topic &&
		for i in 4 5 6; do
			write_migration 00${i}_m.up.sql "CREATE TABLE m$i (id int);" && commit_all "main $i" || exit 1
		done &&
		git checkout -q topic &&
		write_migration 002_b.up.sql 'CREATE TABLE b (id bigint);' && commit_all 'edit b' &&
		write_migration 007_t.up.sql 'CREATE TABLE t (id int);' && commit_all 'add t' &&
		git checkout -q main
	)
}

# clone DEPTH-ARGS: a shallow clone of topic with origin/main, in ./clone
shallow_clone () {
	git clone -q --no-single-branch "$@" "file://$PWD/origin" clone && cd clone &&
	git checkout -q topic &&
	[ "$(git rev-parse --is-shallow-repository)" = true ]
}

full_out () {
	git clone -q "file://$PWD/origin" full && (cd full && git checkout -q topic &&
	expect_code 1 "$MIGCHECK" check --range origin/main...HEAD >../full.out)
}

deep_enough () {
	origin_repo && full_out &&
	expect_grep '002_b.up.sql:1: error: .*\[modified-deployed\]' full.out &&
	expect_grep "007_t.up.sql.*\[missing-down\]" full.out &&
	shallow_clone --depth 4 &&
	expect_code 1 "$MIGCHECK" check --range origin/main...HEAD >out &&
	cmp ../full.out out &&
	# two dots judge the change from origin/main itself, as git diff
	# origin/main HEAD: the topic would delete what main added since
	expect_code 1 "$MIGCHECK" check --range origin/main..HEAD >out2 &&
	expect_grep "002_b.up.sql:1: error: .*\[modified-deployed\]" out2 &&
	expect_grep "^db/migrations/004_m.up.sql: error: deployed migration 'db/migrations/004_m.up.sql' was deleted (deployed in refs/remotes/origin/main) \[deleted-deployed\]" out2 &&
	expect_grep "^check: 5 errors" out2
}
run_test 'shallow clone holding the merge base: --range finds what the full clone finds' deep_enough

shallow_since () {
	origin_repo && full_out &&
	# test_tick dates: commit 3 (the merge base) is the third tick
	since=$(git -C origin log -1 --format=%ct main~3) &&
	shallow_clone --shallow-since="$since" &&
	expect_code 1 "$MIGCHECK" check --range origin/main...HEAD >out &&
	cmp ../full.out out
}
run_test 'shallow clone by --shallow-since holding the merge base works' shallow_since

too_shallow () {
	origin_repo && full_out &&
	shallow_clone --depth 2 &&
	expect_code 3 "$MIGCHECK" check --range origin/main...HEAD 2>err &&
	expect_equal err "migcheck: cannot find the merge base of 'origin/main' and 'HEAD': history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')" &&
	git fetch -q --deepen=2 &&
	expect_code 1 "$MIGCHECK" check --range origin/main...HEAD >out &&
	cmp ../full.out out
}
run_test 'too shallow: exit 3 with the fetch; after git fetch --deepen it passes' too_shallow

unshallow () {
	origin_repo && full_out &&
	shallow_clone --depth 1 &&
	expect_code 3 "$MIGCHECK" check --range origin/main...HEAD 2>err &&
	expect_grep "^migcheck: cannot find the merge base of 'origin/main' and 'HEAD': history is missing in this shallow clone; fetch it with 'git fetch --unshallow'" err &&
	git fetch -q --unshallow &&
	expect_code 1 "$MIGCHECK" check --range origin/main...HEAD >out &&
	cmp ../full.out out
}
run_test 'depth 1: exit 3; after git fetch --unshallow it passes' unshallow

# a range commit below the boundary: its Migcheck-Skip trailer is unknown
range_commit_missing () {
	init_repo origin && (
		cd origin &&
		git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck models.path 'models/*.js' &&
		write_migration 001_a.up.sql 'CREATE TABLE a (id int);' && commit_all one &&
		git branch topic && git checkout -q topic &&
		write_migration models/user.js "module.exports = (s, DataTypes) => s.define('User', { id: DataTypes.INTEGER });" &&
		test_tick && git add -A && git commit -q -m 'model

Migcheck-Skip: model-without-migration virtual field' &&
		write_migration README 'r' && commit_all readme &&
		write_migration README 'r2' && commit_all readme2 &&
		git checkout -q main
	) &&
	shallow_clone --depth 2 &&
	expect_code 3 "$MIGCHECK" check --range origin/main...HEAD 2>err &&
	expect_grep "^migcheck: cannot find the merge base of 'origin/main' and 'HEAD': history is missing" err &&
	git fetch -q --deepen=1 &&
	"$MIGCHECK" check --range origin/main...HEAD >out &&
	expect_no_grep 'model-without-migration' out
}
run_test 'a range commit beyond the boundary is exit 3, not a skipped trailer' range_commit_missing

criss_cross () {
	init_repo . &&
	git config -f .migcheck migrations.dir db/migrations &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' && commit_all root &&
	git branch x && git branch y &&
	git checkout -q x && write_migration 002_x.up.sql 'CREATE TABLE x (id int);' && commit_all x1 &&
	git checkout -q y && write_migration 003_y.up.sql 'CREATE TABLE y (id int);' && commit_all y1 &&
	git checkout -q x && test_tick && git merge -q --no-edit y~0 -m 'x merges y' &&
	git checkout -q y && test_tick && git merge -q --no-edit x~1 -m 'y merges x' &&
	git checkout -q x && write_migration 004_x.up.sql 'CREATE TABLE x2 (id int);' && commit_all x2 &&
	git checkout -q y && write_migration 005_y.up.sql 'CREATE TABLE y2 (id int);' && commit_all y2 &&
	[ "$(git merge-base --all x y | wc -l)" -eq 2 ] &&
	expect_code 1 "$MIGCHECK" check --range x...y >out &&
	expect_grep "^note: x...y: 2 merge bases ($(git merge-base --all x y | tr '\n' ' ' | sed 's/ $//')): judged against $(git merge-base x y), the newest, as git diff does$" out &&
	# the files judged are those git diff x...y shows (y1, the newer base; x1 would give 003_y)
	sed -n 's/^\(db[^:]*\):1: error: .*\[missing-down\]$/\1/p' out >got &&
	git diff --name-only x...y >want &&
	expect_equal got "$(cat want)" &&
	expect_equal want 'db/migrations/002_x.up.sql
db/migrations/005_y.up.sql'
}
run_test 'criss-cross merge: the merge bases git merge-base --all prints, the first used' criss_cross

finish
