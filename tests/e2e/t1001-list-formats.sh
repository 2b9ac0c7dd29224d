#!/bin/sh
# Discovery: 'migcheck list' on a folder of each migration format.
. "$(dirname "$0")/lib.sh"

# json_get EXPR: print a Python expression over the JSON on stdin (as j).
json_get () {
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

golang_migrate () {
	init_repo &&
	write_migration 20240101000000_create_users.up.sql 'CREATE TABLE users (id int);' &&
	write_migration 20240101000000_create_users.down.sql 'DROP TABLE users;' &&
	write_migration 20240102000000_add_email.up.sql 'ALTER TABLE users ADD email text;
CREATE INDEX users_email ON users (email);' &&
	write_migration 20240102000000_add_email.down.sql 'ALTER TABLE users DROP email;' &&
	commit_all init &&
	"$MIGCHECK" list --dir db/migrations >out 2>err &&
	expect_equal out 'db/migrations (golang-migrate, 2 migrations)
  VERSION         NAME          UP   DOWN  STMTS  STATE     FLAGS
  20240101000000  create_users  yes  yes       1  -
  20240102000000  add_email     yes  yes       2  -' &&
	[ ! -s err ]
}
run_test 'golang-migrate: up and down files paired, in order' golang_migrate

golang_json () {
	init_repo &&
	write_migration 2_second.up.sql 'SELECT 1;' &&
	write_migration 2_second.down.sql 'SELECT 1;' &&
	write_migration 10_tenth.up.sql 'SELECT 1; SELECT 2;' &&
	write_migration 10_tenth.down.sql 'SELECT 1;' &&
	"$MIGCHECK" list --dir db/migrations --format json >out &&
	json_get 'j["ok"], [(m["version"], m["name"], m["format"], m["up"], m["down"], m["deployed"], m["statements"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "(True, [('2', 'second', 'golang-migrate', 'db/migrations/2_second.up.sql', 'db/migrations/2_second.down.sql', False, 1), ('10', 'tenth', 'golang-migrate', 'db/migrations/10_tenth.up.sql', 'db/migrations/10_tenth.down.sql', False, 2)])"
}
run_test 'list --format json: SPEC shape, versions compare numerically' golang_json

dbmate () {
	init_repo &&
	write_migration 20240101_users.sql '-- migrate:up
CREATE TABLE users (id int);

-- migrate:down
DROP TABLE users;' &&
	write_migration 20240102_idx.sql '-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY users_id ON users (id);
-- migrate:down transaction:false
DROP INDEX CONCURRENTLY users_id;' &&
	write_migration 20240103_pairs.sql '-- migrate:up
CREATE TABLE a (id int);
-- migrate:down
DROP TABLE a;
-- migrate:up
CREATE TABLE b (id int);
-- migrate:down
DROP TABLE b;' &&
	"$MIGCHECK" list --dir db/migrations >out 2>err &&
	expect_equal out 'db/migrations (dbmate, 3 migrations)
  VERSION   NAME   UP   DOWN  STMTS  STATE     FLAGS
  20240101  users  yes  yes       1  -
  20240102  idx    yes  yes       1  -         no-tx
  20240103  pairs  yes  yes       2  -' &&
	[ ! -s err ]
}
run_test 'dbmate: sections, transaction:false, several up/down pairs' dbmate

goose () {
	init_repo &&
	write_migration 00001_users.sql '/*
 * Copyright 2024 Example Corp. Licensed under the Apache License 2.0.
 */
-- +goose Up
CREATE TABLE users (id int);
-- +goose StatementBegin
CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION f();
DROP TABLE users;' &&
	write_migration 00002_idx.sql '-- +goose NO TRANSACTION
-- +goose UP
CREATE INDEX CONCURRENTLY users_id ON users (id);
-- +goose statementBegin
SELECT 1;
-- +goose statementEnd
-- +goose DOWN
DROP INDEX CONCURRENTLY users_id;' &&
	write_migration 00003_backfill.go 'package migrations' &&
	"$MIGCHECK" list --dir db/migrations >out 2>err &&
	expect_equal out 'db/migrations (goose, 3 migrations)
  VERSION  NAME      UP   DOWN  STMTS  STATE     FLAGS
  00001    users     yes  yes       2  -
  00002    idx       yes  yes       2  -         no-tx
  00003    backfill  yes  -        go  -         not-replayable' &&
	expect_equal err 'db/migrations/00003_backfill.go: warning: goose migration (go) cannot be replayed; it is listed but not run [not-replayable]
list: 0 errors, 1 warning'
}
run_test 'goose: licence comment, any case, blocks, NO TRANSACTION, .go listed' goose

plain () {
	init_repo &&
	write_migration 001_init.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration 002_more.sql 'ALTER TABLE t ADD x int;' &&
	write_migration 002_more.down.sql 'ALTER TABLE t DROP x;' &&
	write_migration .gitkeep '' &&
	write_migration README.md '# migrations' &&
	"$MIGCHECK" list --dir db/migrations >out 2>err &&
	expect_equal out 'db/migrations (plain, 2 migrations)
  VERSION  NAME  UP   DOWN  STMTS  STATE     FLAGS
  001      init  yes  yes       1  -
  002      more  yes  yes       1  -' &&
	[ ! -s err ]
}
run_test 'plain: NNN_name.sql with .down.sql; README and .gitkeep ignored' plain

sql_migrate () {
	init_repo &&
	write_migration 1_init.sql '-- +migrate Up
CREATE TABLE t (id int);
-- +migrate Down
DROP TABLE t;' &&
	write_migration 2_idx.sql '-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY t_id ON t (id);
-- +migrate Down
DROP INDEX t_id;' &&
	"$MIGCHECK" list --dir db/migrations --format json >out &&
	json_get '[(m["version"], m["name"], m["format"], m["transaction"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('1', 'init', 'sql-migrate', True), ('2', 'idx', 'sql-migrate', False)]"
}
run_test 'sql-migrate: sections and notransaction' sql_migrate

flyway () {
	init_repo &&
	d=src/main/resources/db/migration &&
	write_migration $d/V1__init.sql 'CREATE TABLE t (id int);' &&
	write_migration $d/U1__init.sql 'DROP TABLE t;' &&
	write_migration $d/V2.1__dotted.sql 'ALTER TABLE t ADD x int;' &&
	write_migration $d/V2_2__underscored.sql 'ALTER TABLE t ADD y int;' &&
	write_migration $d/V10__ten.sql 'ALTER TABLE t ADD z int;' &&
	write_migration $d/B2__baseline.sql 'CREATE TABLE t (id int, x int);' &&
	write_migration $d/R__views.sql 'CREATE OR REPLACE VIEW v AS SELECT 1;' &&
	write_migration $d/V3__Java.java 'class V3__Java {}' &&
	expect_code 1 "$MIGCHECK" list --dir $d --format json >out &&
	json_get '[(m["version"], m["name"], m["kind"], m["down"] is not None, m["language"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('1', 'init', 'versioned', True, None), ('2', 'baseline', 'baseline', False, None), ('2.1', 'dotted', 'versioned', False, None), ('2.2', 'underscored', 'versioned', False, None), ('3', 'Java', 'versioned', False, 'java'), ('10', 'ten', 'versioned', False, None), ('', 'views', 'repeatable', False, None)]" &&
	json_get '[f["code"] + " " + f["file"] for f in j["findings"]]' <out >got &&
	expect_grep "not-replayable $d/V3__Java.java" got &&
	expect_grep "missing-down $d/V2.1__dotted.sql" got &&
	rm $d/U1__init.sql &&
	"$MIGCHECK" list --dir $d >out
}
run_test 'flyway: V/U/B/R, dotted and underscored versions, Java listed, undo needed only once used' flyway

popx () {
	init_repo &&
	d=persistence/sql/migrations &&
	write_migration $d/20210101000000000000_init.up.sql 'CREATE TABLE generic (id int);' &&
	write_migration $d/20210101000000000000_init.postgres.up.sql 'CREATE TABLE pg (id int);' &&
	write_migration $d/20210101000000000000_init.mysql.up.sql 'CREATE TABLE my (id int);' &&
	write_migration $d/20210101000000000000_init.down.sql 'DROP TABLE generic;' &&
	write_migration $d/20210102000000000000_idx.postgres.autocommit.up.sql 'CREATE INDEX CONCURRENTLY i ON pg (id);' &&
	write_migration $d/20210102000000000000_idx.postgres.down.sql 'DROP INDEX i;' &&
	"$MIGCHECK" list --dir $d --format json >out &&
	json_get '[(m["version"], m["name"], m["format"], m["up"].split("/")[-1], m["down"].split("/")[-1], m["transaction"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('20210101000000000000', 'init', 'popx', '20210101000000000000_init.postgres.up.sql', '20210101000000000000_init.down.sql', True), ('20210102000000000000', 'idx', 'popx', '20210102000000000000_idx.postgres.autocommit.up.sql', '20210102000000000000_idx.postgres.down.sql', False)]" &&
	"$MIGCHECK" list --dir $d --dialect sqlite --format json >out &&
	json_get '[m["up"].split("/")[-1] for m in j["migrations"]]' <out >got &&
	expect_equal got "['20210101000000000000_init.up.sql']"
}
run_test 'popx: dialect file wins over generic, other dialects left out, autocommit' popx

sequelize () {
	init_repo &&
	d=src/lib/db/sequelize-migrations &&
	write_migration $d/20240101120000-create-users.js 'module.exports = { up: async () => {}, down: async () => {} };' &&
	write_migration $d/20240102120000-add-email.js 'module.exports = { up: async () => {} };' &&
	"$MIGCHECK" list --dir $d --format json >out &&
	json_get '[(m["version"], m["name"], m["language"], m["replayable"], m["down"] is not None) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('20240101120000', 'create-users', 'js', False, True), ('20240102120000', 'add-email', 'js', False, False)]" &&
	json_get '[(f["code"], f["file"], f["message"]) for f in j["findings"]]' <out >got &&
	expect_equal got "[('not-replayable', '$d/20240101120000-create-users.js', 'sequelize migration (js) cannot be replayed without [runner] commands'), ('empty-down', '$d/20240101120000-create-users.js', 'down is an empty function: the migration cannot be reverted'), ('not-replayable', '$d/20240102120000-add-email.js', 'sequelize migration (js) cannot be replayed without [runner] commands')]" &&
	"$MIGCHECK" list --dir $d >out 2>err &&
	expect_equal err "$d: warning: 2 sequelize migrations cannot be replayed without [runner] commands [not-replayable]
    - $d/20240101120000-create-users.js: sequelize migration (js) cannot be replayed without [runner] commands
    - $d/20240102120000-add-email.js: sequelize migration (js) cannot be replayed without [runner] commands
$d/20240101120000-create-users.js:1: warning: down is an empty function: the migration cannot be reverted [empty-down]
list: 0 errors, 3 warnings" &&
	expect_grep '^  20240101120000  create-users  yes  empty ' out
}
run_test 'sequelize: JS listed, not parsed, not replayable without [runner]; an empty down is empty-down' sequelize

autodetect () {
	init_repo &&
	write_migration migrations/001_a.up.sql 'SELECT 1;' &&
	write_migration migrations/001_a.down.sql 'SELECT 1;' &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep '^migrations (golang-migrate, 1 migration)$' out &&
	mkdir -p sub && cd sub &&
	"$MIGCHECK" list --dir ../migrations >out &&
	expect_grep '^migrations (golang-migrate, 1 migration)$' out
}
run_test 'list without config finds the folder; --dir is relative to the cwd' autodetect

no_folder () {
	init_repo &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err 'migcheck: no migrations folder found: pass --dir <dir> or set migrations.dir (migcheck init)' &&
	expect_code 2 "$MIGCHECK" list --dir nope 2>err &&
	expect_equal err "migcheck: migrations folder 'nope' does not exist" &&
	mkdir ../outside &&
	expect_code 2 "$MIGCHECK" list --dir ../outside 2>err &&
	expect_equal err "migcheck: migrations folder '../outside' is outside the repository"
}
run_test 'no folder, a missing folder, a folder outside the repo: exit 2' no_folder

messy_names () {
	init_repo &&
	write_migration '001_create users.up.sql' 'CREATE TABLE users (id int);' &&
	write_migration '001_create users.down.sql' 'DROP TABLE users;' &&
	write_migration '002_x..up.sql' 'SELECT 1;' &&
	write_migration '002_x..down.sql' 'SELECT 1;' &&
	"$MIGCHECK" list --dir db/migrations --format json >out &&
	json_get '[(m["version"], m["name"], m["up"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('001', 'create users', 'db/migrations/001_create users.up.sql'), ('002', 'x.', 'db/migrations/002_x..up.sql')]"
}
run_test 'names with spaces and a double dot' messy_names

sqlite_dialect () {
	init_repo &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n int);
CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
  UPDATE t SET n = 1 WHERE id = new.id;
END;' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	"$MIGCHECK" list --dir db/migrations --dialect sqlite >out 2>err &&
	expect_grep '^  001      t     yes  yes       2  -$' out &&
	expect_code 1 "$MIGCHECK" list --dir db/migrations --dialect postgres >out 2>err &&
	expect_grep '^db/migrations/001_t.up.sql:1: error: invalid SQL: ' err
}
run_test 'the dialect decides how SQL is split (SQLite trigger)' sqlite_dialect

finish
