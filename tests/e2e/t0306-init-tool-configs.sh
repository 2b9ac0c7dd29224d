#!/bin/sh
# init reads the dialect from each migration tool's own settings when the
# folder's name and SQL say nothing: goose and sql-migrate's dbconfig.yml,
# dbmate's DATABASE_URL in .env, Flyway's flyway.conf and flyway.toml; a
# file naming two engines is not used, and says so. Each with its reason
# on stderr and the dialect in the .migcheck it writes.
. "$(dirname "$0")/lib.sh"

# init_with FILE CONTENT: commit the fixture plus FILE, run init.
init_with () {
	mkdir -p "$(dirname "$1")" &&
	printf '%s\n' "$2" >"$1" &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err
}

expect_dialect () {
	expect_grep "^	dialect = $1\$" .migcheck
}

goose_dbconfig () {
	init_repo &&
	write_migration 00001_a.sql '-- +goose Up
CREATE TABLE a (id int);
-- +goose Down
DROP TABLE a;' &&
	init_with dbconfig.yml 'development:
  dialect: sqlite3
  datasource: app.db' &&
	expect_grep "^migcheck: dialect: sqlite (dbconfig.yml sets dialect 'sqlite')\$" err &&
	expect_dialect sqlite
}
run_test "goose: dbconfig.yml's dialect" goose_dbconfig

dbmate_env () {
	init_repo &&
	write_migration 20240101000000_a.sql '-- migrate:up
CREATE TABLE a (id int);
-- migrate:down
DROP TABLE a;' &&
	init_with .env 'DATABASE_URL="sqlite:db/app.sqlite3"' &&
	expect_grep '^migcheck: dialect: sqlite (.env sets DATABASE_URL to a sqlite URL)$' err &&
	expect_dialect sqlite
}
run_test "dbmate: .env's DATABASE_URL scheme" dbmate_env

flyway_conf () {
	init_repo &&
	write_migration src/main/resources/db/migration/V1__a.sql 'CREATE TABLE a (id int);' &&
	init_with flyway.conf 'flyway.url=jdbc:sqlite:app.db' &&
	expect_grep '^migcheck: dialect: sqlite (flyway.conf connects to sqlite (jdbc:sqlite:))$' err &&
	expect_dialect sqlite
}
run_test "Flyway: flyway.conf's url" flyway_conf

flyway_toml_postgres () {
	init_repo &&
	write_migration src/main/resources/db/migration/V1__a.sql 'CREATE TABLE a (id int);' &&
	init_with flyway.toml '[environments.default]
url = "jdbc:postgresql://localhost:5432/app"' &&
	expect_grep '^migcheck: dialect: postgres (flyway.toml connects to postgres (jdbc:postgresql:))$' err &&
	expect_dialect postgres
}
run_test "Flyway: flyway.toml's url (PostgreSQL, said as the reason)" flyway_toml_postgres

sql_migrate_two_engines () {
	init_repo &&
	write_migration migrations/1_a.sql '-- +migrate Up
CREATE TABLE a (id int);
-- +migrate Down
DROP TABLE a;' &&
	init_with dbconfig.yml 'production:
  dialect: postgres
  datasource: dbname=x
development:
  dialect: sqlite3' &&
	expect_grep "^migcheck: dialect: 'migrations': dbconfig.yml sets more than one dialect; not used\$" err &&
	expect_grep '^migcheck: dialect: postgres (default: nothing in the repository points at SQLite)$' err &&
	expect_dialect postgres
}
run_test 'sql-migrate: a dbconfig.yml naming two engines is not used, and says so' sql_migrate_two_engines
