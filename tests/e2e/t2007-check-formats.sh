#!/bin/sh
# check with single-file formats (dbmate sections, Flyway repeatables).
. "$(dirname "$0")/lib.sh"

dbmate_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 20240101000000_users.sql '-- migrate:up
CREATE TABLE users (
  id int
);

-- migrate:down
DROP TABLE users;' &&
	write_migration 20240102000000_posts.sql '-- migrate:up
CREATE TABLE posts (id int);

-- migrate:down
DROP TABLE posts;' &&
	commit_all init && git update-ref refs/remotes/origin/main HEAD
}

dbmate_up_edit () {
	dbmate_repo &&
	write_migration 20240101000000_users.sql '-- migrate:up
CREATE TABLE users (
  id bigint
);

-- migrate:down
DROP TABLE users;' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '^db/migrations/20240101000000_users.sql:3: error: .*\[modified-deployed\]' out
}
run_test 'dbmate: an edit in the up section is modified-deployed at its line' dbmate_up_edit

dbmate_down_edit () {
	dbmate_repo &&
	write_migration 20240101000000_users.sql '-- migrate:up
CREATE TABLE users (
  id int
);

-- migrate:down
DROP TABLE IF EXISTS users;' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '^db/migrations/20240101000000_users.sql:7: error: .*\[modified-deployed-down\]' out &&
	expect_no_grep '\[modified-deployed\]' out
}
run_test 'dbmate: an edit in the down section only is modified-deployed-down' dbmate_down_edit

dbmate_new_order () {
	dbmate_repo &&
	write_migration 20231231000000_early.sql '-- migrate:up
CREATE TABLE early (id int);

-- migrate:down
DROP TABLE early;' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '20231231000000_early.sql:1: error: new migration 20231231000000 sorts before the highest deployed version 20240102000000 \[out-of-order\]' out
}
run_test 'dbmate: format detected, a new early version is out-of-order' dbmate_new_order

flyway_repeatable () {
	init_repo &&
	git config -f .migcheck migrations.dir sql &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git config -f .migcheck migrations.requireDown false &&
	write_migration sql/V1__init.sql 'CREATE TABLE t (id int);' &&
	write_migration sql/R__views.sql 'CREATE OR REPLACE VIEW v AS SELECT id FROM t;' &&
	commit_all init && git update-ref refs/remotes/origin/main HEAD &&
	write_migration sql/R__views.sql 'CREATE OR REPLACE VIEW v AS SELECT id, 1 AS one FROM t;' &&
	git add . && "$MIGCHECK" check --staged >out &&
	write_migration sql/V1__init.sql 'CREATE TABLE t (id bigint);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out2 &&
	expect_grep '^sql/V1__init.sql:1: error: .*\[modified-deployed\]' out2 &&
	expect_no_grep 'R__views' out2
}
run_test 'flyway: editing a repeatable R__ migration is fine, a V one is not' flyway_repeatable

# A new Sequelize migration in a folder with a runner (runner.tool =
# sequelize, as init writes it, or runner.up) is replayable: check --staged,
# the pre-commit hook, says nothing of it; without a runner it warns.
sequelize_new_with_runner () {
	init_repo &&
	git config -f .migcheck migrations.dir server/migrations &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	git config -f .migcheck runner.tool sequelize &&
	write_migration server/migrations/20240101000000-create-t.js "module.exports = {
  up: async (q, S) => { await q.createTable('t', { id: S.INTEGER }); },
  down: async (q) => { await q.dropTable('t'); },
};" &&
	commit_all init && git tag v1.0.0 &&
	write_migration server/migrations/20240102000000-create-u.js "module.exports = {
  up: async (q, S) => { await q.createTable('u', { id: S.INTEGER }); },
  down: async (q) => { await q.dropTable('u'); },
};" && git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	git config -f .migcheck --unset runner.tool &&
	git config -f .migcheck runner.up 'node up.js {file}' &&
	"$MIGCHECK" check --staged >out &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	git config -f .migcheck --unset runner.up &&
	"$MIGCHECK" check --staged >out &&
	expect_equal out 'server/migrations/20240102000000-create-u.js: warning: sequelize migration (js) cannot be replayed without [runner] commands [not-replayable]
check: 0 errors, 1 warning'
}
run_test 'sequelize: a new migration is not-replayable only without a runner (runner.tool, runner.up)' sequelize_new_with_runner

finish
