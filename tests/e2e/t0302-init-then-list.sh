#!/bin/sh
# 'migcheck init && migcheck list' works in a repository of each format:
# the .migcheck init writes is one that list reads and agrees with.
. "$(dirname "$0")/lib.sh"

# init_then_list FORMAT COUNT: run both, check list's JSON names FORMAT for
# COUNT migrations and that nothing reports a problem.
init_then_list () {
	"$MIGCHECK" init >/dev/null 2>init.err &&
	expect_grep "^	format = $1$" .migcheck &&
	"$MIGCHECK" list --format json >list.json 2>list.err &&
	[ "$(grep -c "\"format\": \"$1\"" list.json)" = "$2" ] &&
	expect_grep '"ok": true' list.json
}

golang_migrate () {
	init_repo &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 1_a.down.sql 'DROP TABLE a;' &&
	write_migration 2_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 2_b.down.sql 'DROP TABLE b;' &&
	init_then_list golang-migrate 2
}
run_test 'golang-migrate' golang_migrate

dbmate () {
	init_repo &&
	write_migration 20240101000000_a.sql '-- migrate:up
CREATE TABLE a (id int);
-- migrate:down
DROP TABLE a;' &&
	init_then_list dbmate 1
}
run_test 'dbmate' dbmate

goose () {
	init_repo &&
	write_migration migrations/00001_a.sql '-- +goose Up
CREATE TABLE a (id int);
-- +goose Down
DROP TABLE a;' &&
	init_then_list goose 1
}
run_test 'goose' goose

sql_migrate () {
	init_repo &&
	write_migration 1_a.sql '-- +migrate Up
CREATE TABLE a (id int);
-- +migrate Down
DROP TABLE a;' &&
	init_then_list sql-migrate 1
}
run_test 'sql-migrate' sql_migrate

flyway () {
	init_repo &&
	write_migration src/main/resources/db/migration/V1__a.sql 'CREATE TABLE a (id int);' &&
	write_migration src/main/resources/db/migration/V2__b.sql 'CREATE TABLE b (id int);' &&
	init_then_list flyway 2 &&
	expect_grep '^	requireDown = false$' .migcheck
}
run_test 'flyway' flyway

popx () {
	init_repo &&
	write_migration persistence/sql/migrations/20210101000000000000_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration persistence/sql/migrations/20210101000000000000_a.down.sql 'DROP TABLE a;' &&
	write_migration persistence/sql/migrations/20210101000000000000_a.sqlite3.up.sql 'CREATE TABLE a (id integer);' &&
	write_migration persistence/sql/migrations/20210101000000000000_a.sqlite3.down.sql 'DROP TABLE a;' &&
	init_then_list popx 1
}
run_test 'popx' popx

plain () {
	init_repo &&
	write_migration migrations/001_a.sql 'CREATE TABLE a (id int);' &&
	write_migration migrations/001_a.down.sql 'DROP TABLE a;' &&
	write_migration migrations/002_b.sql 'CREATE TABLE b (id int);' &&
	write_migration migrations/002_b.down.sql 'DROP TABLE b;' &&
	init_then_list plain 2
}
run_test 'plain' plain

sequelize () {
	init_repo &&
	write_migration migrations/20240101000000-create-a.js 'module.exports = { up() {}, down(q) { return q.dropTable("a"); } };' &&
	write_migration models/a.js '// A' &&
	init_then_list sequelize 1 &&
	expect_grep '^	tool = sequelize$' .migcheck
}
run_test 'sequelize' sequelize

finish
