#!/bin/sh
# Released, the order and the names (SPEC §6, issue 15): a new migration is
# out of order only below the highest version at the base X itself (a
# release renamed to a higher version inside the change does not raise
# it), and a message names the newest deploy point holding the file by the
# commit graph, never by date or name.
. "$(dirname "$0")/lib.sh"

dbmate () {
	printf -- '-- migrate:up\nCREATE TABLE %s (id int);\n\n-- migrate:down\nDROP TABLE %s;\n' "$1" "$1"
}

# dbmate files tagged as releases, as bionic-gpt: v1.3.4..v1.4.0 renames the
# released 20231114123231_demo to 20231128085935_demo and adds two
# migrations between the two versions. At X the highest is 20231114123231:
# the two are in order; the rename is renamed-deployed.
rename_to_higher_version () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format dbmate &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	write_migration 20231114111142_pipelines.sql "$(dbmate pipelines)" &&
	write_migration 20231114123231_demo.sql "$(dbmate demo)" &&
	commit_all v1.3.4 && git tag v1.3.4 &&
	git mv db/migrations/20231114123231_demo.sql db/migrations/20231128085935_demo.sql &&
	write_migration 20231128085638_audit.sql "$(dbmate audit)" &&
	write_migration 20231128085647_audit_triggers.sql "$(dbmate audit_triggers)" &&
	commit_all v1.4.0 && git tag v1.4.0 &&
	expect_code 1 "$MIGCHECK" check --range v1.3.4..v1.4.0 >out &&
	expect_equal out "db/migrations/20231128085935_demo.sql: error: deployed migration 'db/migrations/20231114123231_demo.sql' was renamed to 'db/migrations/20231128085935_demo.sql' (deployed in refs/tags/v1.3.4) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/20231128085935_demo.sql db/migrations/20231114123231_demo.sql) and write any change as a new migration
check: 1 error, 0 warnings" &&
	# the same through the gate, since v1.3.4
	expect_code 1 "$MIGCHECK" gate --since v1.3.4 --skip roundtrip >out 2>/dev/null &&
	expect_no_grep 'out-of-order' out &&
	expect_grep '^gate: 1 error, 0 warnings$' out &&
	# a migration added below the old version is still out of order
	git checkout -q v1.3.4 &&
	git mv db/migrations/20231114123231_demo.sql db/migrations/20231128085935_demo.sql &&
	write_migration 20231114120000_late.sql "$(dbmate late)" && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/20231114120000_late.sql:1: error: new migration 20231114120000 sorts before the highest deployed version 20231114123231 \\[out-of-order\\]$" out
}
run_test 'a release renamed to a higher version does not put what the change adds below it out of order' rename_to_higher_version

# commit_dated DATE MSG: commit everything with this author and committer date
commit_dated () {
	git add -A && GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git commit -q -m "$2"
}

# golang-migrate, tags v*: v1.1.0 descends from v1.0.0 but its commit is
# dated a week earlier (a rebase keeping dates, a skewed clock); v1.0.0
# also comes first by name. Both hold 010 as it shipped.
date_against_graph () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	write_migration 010_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 010_a.down.sql 'DROP TABLE a;' &&
	write_migration 020_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 020_b.down.sql 'DROP TABLE b;' &&
	commit_dated '2024-01-01T00:00:00Z' base && git branch old &&
	write_migration README 'one' &&
	commit_dated '2024-03-08T00:00:00Z' 'release 1.0.0' && git tag v1.0.0 &&
	write_migration README 'two' &&
	commit_dated '2024-03-01T00:00:00Z' 'release 1.1.0' && git tag v1.1.0
}

graph_names_the_edit () {
	date_against_graph &&
	write_migration 010_a.up.sql 'CREATE TABLE a (id bigint);' && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/010_a.up.sql:1: error: deployed migration 'db/migrations/010_a.up.sql' was edited (deployed in refs/tags/v1.1.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.1.0 --staged --worktree -- db/migrations/010_a.up.sql) and write the change as a new migration
check: 1 error, 0 warnings"
}
run_test 'the edit names the newest release by the graph (v1.1.0), not by date or name (v1.0.0)' graph_names_the_edit

graph_names_out_of_order () {
	date_against_graph &&
	git checkout -q old && git rm -q db/migrations/020_b.* &&
	commit_dated '2024-01-02T00:00:00Z' 'drop b' &&
	write_migration 015_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 015_c.down.sql 'DROP TABLE c;' && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/015_c.up.sql:1: error: new migration 015 sorts before the highest deployed version 020 (deployed in refs/tags/v1.1.0) [out-of-order]
    to fix: renumber it above 020 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'out-of-order by the releases names the newest by the graph (v1.1.0)' graph_names_out_of_order

# The walk that tells which deploy points already contain Y, in a shallow
# clone: v1.0.1 adds 002, v1.2.0 (which dropped it since and holds 005)
# contains v1.0.1, but the clone has v1.2.0 without its parents. Whether
# 002 is out of order is not known: exit 3 with the fetch; after it, clean.
shallow_contains () {
	init_repo origin && (
		cd origin &&
		git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck deploy.ref 'refs/tags/v*' &&
		for i in 1 2 3 4 5; do
			write_migration 00${i}_t.up.sql "CREATE TABLE t$i (id int);" &&
			write_migration 00${i}_t.down.sql "DROP TABLE t$i;" &&
			if [ $i = 3 ]; then git rm -q --cached db/migrations/002_t.* && rm db/migrations/002_t.*; fi &&
			commit_all c$i || exit 1
		done &&
		git tag v1.0.0 HEAD~4 && git tag v1.0.1 HEAD~3 && git tag v1.2.0 HEAD
	) &&
	git clone -q --depth 1 "file://$PWD/origin" clone && cd clone &&
	git fetch -q --depth 2 origin tag v1.0.1 && git fetch -q --depth 1 origin tag v1.0.0 &&
	[ "$(git rev-parse --is-shallow-repository)" = true ] &&
	expect_code 3 "$MIGCHECK" check --commit v1.0.1 >out 2>err &&
	expect_equal err "migcheck: cannot tell whether deploy ref 'refs/tags/v1.2.0' contains commit $(git rev-parse --short=7 v1.0.1): history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')" &&
	git fetch -q --unshallow &&
	"$MIGCHECK" check --commit v1.0.1 >out &&
	expect_equal out 'check: 0 errors, 0 warnings'
}
run_test 'shallow clone: whether a release contains the change is not known: exit 3 with the fetch; after it, clean' shallow_contains

finish
