#!/bin/sh
# check in unusual repositories: shallow clones with and without the deploy
# ref, bare (with --range), detached HEAD, linked worktree, $GIT_INDEX_FILE.
. "$(dirname "$0")/lib.sh"

origin_repo () { # a repo in ./origin with 3 commits on main and a release branch
	init_repo origin && (
		cd origin &&
		git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck deploy.ref refs/remotes/origin/main &&
		write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
		write_migration 001_a.down.sql 'DROP TABLE a;' && commit_all one &&
		git branch release &&
		write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
		write_migration 002_b.down.sql 'DROP TABLE b;' && commit_all two &&
		write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
		write_migration 003_c.down.sql 'DROP TABLE c;' && commit_all three
	)
}

shallow_with_ref () {
	origin_repo &&
	git clone -q --depth 1 "file://$PWD/origin" clone && cd clone &&
	[ "$(git rev-parse --is-shallow-repository)" = true ] &&
	"$MIGCHECK" check --staged >out &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id bigint);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out2 &&
	expect_grep '002_b.up.sql:1: error: .*\[modified-deployed\]' out2
}
run_test 'shallow clone with the deploy ref: check works on the tree alone' shallow_with_ref

shallow_without_ref () {
	origin_repo &&
	git clone -q --depth 1 "file://$PWD/origin" clone && cd clone &&
	git config -f .migcheck deploy.ref refs/remotes/origin/release &&
	expect_code 3 "$MIGCHECK" check --staged 2>err &&
	expect_equal err "migcheck: deploy ref 'refs/remotes/origin/release' does not exist in this clone; fetch it with 'git fetch --depth=1 origin release:refs/remotes/origin/release'" &&
	git fetch -q --depth=1 origin release:refs/remotes/origin/release &&
	"$MIGCHECK" check --staged >out &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id bigint);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out2 &&
	expect_grep 'deployed in refs/remotes/origin/release' out2
}
run_test 'shallow clone without the deploy ref: exit 3 naming the exact fetch' shallow_without_ref

covered_ref_hint () {
	origin_repo &&
	git clone -q --no-single-branch --depth 1 "file://$PWD/origin" clone && cd clone &&
	git update-ref -d refs/remotes/origin/release &&
	git config -f .migcheck deploy.ref refs/remotes/origin/release &&
	expect_code 3 "$MIGCHECK" check --staged 2>err &&
	expect_equal err "migcheck: deploy ref 'refs/remotes/origin/release' does not exist in this clone; fetch it with 'git fetch --depth=1 origin release'"
}
run_test 'a deploy ref the remote refspec covers gets the short fetch' covered_ref_hint

shallow_range () {
	origin_repo &&
	git clone -q --depth 1 "file://$PWD/origin" clone && cd clone &&
	expect_code 3 "$MIGCHECK" check --range HEAD~2..HEAD 2>err &&
	expect_equal err "migcheck: unknown revision 'HEAD~2': history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')"
}
run_test 'shallow clone: --range into missing history is exit 3, never a pass' shallow_range

shallow_merge_base () {
	origin_repo &&
	(cd origin && git checkout -q release && write_migration 004_d.up.sql 'CREATE TABLE d (id int);' &&
	 write_migration 004_d.down.sql 'DROP TABLE d;' && commit_all four && git checkout -q main) &&
	git clone -q --no-single-branch --depth 1 "file://$PWD/origin" clone && cd clone &&
	expect_code 3 "$MIGCHECK" check --range origin/main...origin/release 2>err &&
	expect_grep "^migcheck: cannot find the merge base of 'origin/main' and 'origin/release': history is missing in this shallow clone; fetch it with 'git fetch --unshallow'" err
}
run_test 'shallow clone: a missing merge base is exit 3' shallow_merge_base

bare_range () {
	origin_repo &&
	git clone -q --bare origin bare.git &&
	(cd origin && write_migration 002_b.up.sql 'CREATE TABLE b (id bigint);' && commit_all edit) &&
	git -C bare.git fetch -q ../origin main:main &&
	git -C bare.git tag released main~1 &&
	expect_code 1 "$MIGCHECK" -C bare.git check --range main~1..main --dir db/migrations --deploy-ref refs/tags/released >out &&
	expect_grep '002_b.up.sql:1: error: .*\[modified-deployed\]' out &&
	expect_code 2 "$MIGCHECK" -C bare.git check --staged --dir db/migrations 2>err2 &&
	expect_equal err2 "migcheck: this repository is bare: there is no work tree or index to check; use --range <a>..<b> or --commit <rev>"
}
run_test 'bare repository: --range works, --staged says why not' bare_range

detached () {
	origin_repo && cd origin &&
	git update-ref refs/remotes/origin/main HEAD &&
	git checkout -q --detach HEAD~1 &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id bigint);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep 'modified-deployed' out
}
run_test 'detached HEAD works' detached

worktree () {
	origin_repo && cd origin &&
	git update-ref refs/remotes/origin/main HEAD &&
	git worktree add -q ../wt -b topic && cd ../wt &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id bigint);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '003_c.up.sql:1: error: .*modified-deployed' out &&
	cd ../origin && "$MIGCHECK" check --staged >out2
}
run_test 'a linked worktree reads its own index' worktree

index_file_env () {
	origin_repo && cd origin &&
	git update-ref refs/remotes/origin/main HEAD &&
	cp .git/index alt-index &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id bigint);' &&
	GIT_INDEX_FILE=$PWD/alt-index git add db/migrations/003_c.up.sql &&
	"$MIGCHECK" check --staged >out &&
	GIT_INDEX_FILE=$PWD/alt-index expect_code 1 "$MIGCHECK" check --staged >out2 &&
	expect_grep 'modified-deployed' out2
}
run_test '$GIT_INDEX_FILE (as git sets it for hooks) is the index checked' index_file_env

not_a_commit () {
	origin_repo && cd origin &&
	expect_code 2 "$MIGCHECK" check --commit 'HEAD^{tree}' 2>err &&
	expect_equal err "migcheck: 'HEAD^{tree}' does not name a commit"
}
run_test '--commit of a tree is a usage error' not_a_commit

finish
