#!/bin/sh
# hooks: install/uninstall (chaining, core.hooksPath, --force), and the
# installed hooks really blocking 'git commit' and 'git push'.
. "$(dirname "$0")/lib.sh"

repo_with_deployed () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git config -f .migcheck models.path 'models/*' &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration models/t.js "module.exports = (s, DataTypes) => s.define('T', { id: DataTypes.INTEGER });" &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD
}

embedded_matches_files () {
	for h in pre-commit commit-msg pre-push; do
		"$MIGCHECK" -C "$MIGCHECK_SRC" hooks show $h >out &&
		cmp out "$MIGCHECK_SRC/hooks/$h" || { echo "# hooks/$h differs from the compiled-in text"; return 1; }
	done
}
run_test 'the compiled-in hooks are hooks/* byte for byte' embedded_matches_files

install_fresh () {
	repo_with_deployed &&
	"$MIGCHECK" hooks install >out &&
	expect_grep "^installed $PWD/.git/hooks/pre-commit$" out &&
	expect_grep "^installed $PWD/.git/hooks/commit-msg$" out &&
	expect_grep "^installed $PWD/.git/hooks/pre-push$" out &&
	expect_grep 'lefthook' out && expect_grep 'husky' out && expect_grep 'id: migcheck' out &&
	[ -x .git/hooks/pre-commit ] && [ -x .git/hooks/commit-msg ] && [ -x .git/hooks/pre-push ] &&
	"$MIGCHECK" hooks install >out2 &&
	expect_grep "^updated $PWD/.git/hooks/pre-commit$" out2 &&
	"$MIGCHECK" hooks uninstall >out3 &&
	expect_grep "^removed $PWD/.git/hooks/pre-commit$" out3 &&
	[ ! -e .git/hooks/pre-commit ]
}
run_test 'install writes the three hooks, again updates, uninstall removes' install_fresh

chaining () {
	repo_with_deployed &&
	printf '#!/bin/sh\necho chained-ran >>"$(git rev-parse --git-dir)/chained.log"\n' >.git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit && cp .git/hooks/pre-commit original &&
	"$MIGCHECK" hooks install >out &&
	expect_grep "kept as $PWD/.git/hooks/pre-commit.migcheck-chained and runs first" out &&
	write_migration 002_x.up.sql 'CREATE TABLE x (id int);' &&
	write_migration 002_x.down.sql 'DROP TABLE x;' &&
	git add . && test_tick && git commit -q -m 'add x' &&
	expect_grep chained-ran .git/chained.log &&
	"$MIGCHECK" hooks uninstall >out2 &&
	expect_grep 'restored the hook that was there before' out2 &&
	cmp original .git/hooks/pre-commit && [ ! -e .git/hooks/pre-commit.migcheck-chained ]
}
run_test 'an existing hook is chained (runs first) and restored by uninstall' chaining

chained_taken () {
	repo_with_deployed &&
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit &&
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit.migcheck-chained &&
	expect_code 2 "$MIGCHECK" hooks install >out 2>err &&
	expect_equal err "migcheck: cannot chain the existing hook '$PWD/.git/hooks/pre-commit': '$PWD/.git/hooks/pre-commit.migcheck-chained' exists too; remove one of them or pass --force to replace '$PWD/.git/hooks/pre-commit.migcheck-chained'" &&
	[ ! -e .git/hooks/commit-msg ] &&
	"$MIGCHECK" hooks install --force >out2 &&
	expect_grep 'migcheck-hook: pre-commit' .git/hooks/pre-commit
}
run_test 'a taken .migcheck-chained name stops install unless --force (exit 2)' chained_taken

hooks_path () {
	repo_with_deployed &&
	git config core.hooksPath .githooks &&
	"$MIGCHECK" hooks install >out &&
	expect_grep "^installed $PWD/.githooks/pre-commit$" out &&
	[ -x .githooks/pre-commit ] && [ ! -e .git/hooks/pre-commit ]
}
run_test 'core.hooksPath is honoured' hooks_path

blocks_commit () {
	repo_with_deployed &&
	"$MIGCHECK" hooks install >/dev/null &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	git add . && before=$(git rev-parse HEAD) &&
	expect_code 1 git commit -q -m 'edit deployed' 2>err &&
	expect_grep '001_init.up.sql:1: error: .*\[modified-deployed\]' err &&
	[ "$(git rev-parse HEAD)" = "$before" ] &&
	git diff --cached --name-only >staged && expect_grep 001_init.up.sql staged &&
	git commit -q --no-verify -m 'forced' && [ "$(git rev-parse HEAD)" != "$before" ]
}
run_test 'the pre-commit hook blocks a commit editing a deployed migration' blocks_commit

commit_msg_hook () {
	repo_with_deployed &&
	"$MIGCHECK" hooks install >/dev/null &&
	write_migration models/t.js "module.exports = (s, DataTypes) => s.define('T', { id: DataTypes.BIGINT });" && git add . &&
	expect_code 1 git commit -q -m 'widen id' 2>err &&
	expect_grep 'model-without-migration' err &&
	test_tick && git commit -q -m 'widen id

Migcheck-Skip: model-without-migration done by 001 already' 2>err2 &&
	git log -1 --format=%s >subject && expect_equal subject 'widen id'
}
run_test 'the commit-msg hook applies the model rule and honours the trailer' commit_msg_hook

blocks_push () {
	repo_with_deployed &&
	git init -q --bare ../remote.git && git remote add origin ../remote.git &&
	"$MIGCHECK" hooks install >/dev/null &&
	git push -q origin main 2>err0 &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	git add . && test_tick && git commit -q --no-verify -m 'edit deployed' &&
	expect_code 1 git push -q origin main 2>err &&
	expect_grep '001_init.up.sql:1: error: .*\[modified-deployed\]' err &&
	[ "$(git -C ../remote.git rev-parse main)" = "$(git rev-parse HEAD~1)" ] &&
	git checkout -q -b topic HEAD~1 &&
	write_migration 002_y.up.sql 'CREATE TABLE y (id int);' &&
	write_migration 002_y.down.sql 'DROP TABLE y;' && commit_all 'add y' &&
	git push -q origin topic 2>err2
}
run_test 'the pre-push hook blocks pushing a deployed edit to a bare remote' blocks_push

missing_binary () {
	repo_with_deployed &&
	"$MIGCHECK" hooks install >/dev/null &&
	expect_code 1 env -u MIGCHECK PATH=/usr/bin:/bin sh .git/hooks/pre-commit 2>err &&
	expect_grep "^migcheck: not found on PATH or next to .git/hooks/pre-commit; install it with './install.sh'" err
}
run_test 'a hook without the binary says how to install it' missing_binary

binary_next_to_hook () {
	repo_with_deployed &&
	"$MIGCHECK" hooks install >/dev/null &&
	cp "$MIGCHECK" .git/hooks/migcheck &&
	env -u MIGCHECK PATH=/usr/bin:/bin sh .git/hooks/pre-commit
}
run_test 'a hook finds migcheck next to itself' binary_next_to_hook

finish
