#!/bin/sh
# Discovery: 'migcheck list' driven by .migcheck (dirs, format, dialect,
# requireDown, runner, severities) and folder detection without config.
. "$(dirname "$0")/lib.sh"

json_get () {
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

config_dirs () {
	init_repo &&
	write_migration sql/schema/001_a.up.sql 'SELECT 1;' &&
	write_migration sql/schema/001_a.down.sql 'SELECT 1;' &&
	write_migration other/20240101_b.sql '-- migrate:up
SELECT 1;
-- migrate:down
SELECT 2;' &&
	printf '[migrations]\n\tdir = sql/schema\n\tdir = other\n' >.migcheck &&
	"$MIGCHECK" list --format json >out &&
	json_get '[(m["dir"], m["version"], m["format"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('sql/schema', '001', 'golang-migrate'), ('other', '20240101', 'dbmate')]" &&
	"$MIGCHECK" list >out &&
	expect_equal out 'sql/schema (golang-migrate, 1 migration)
  VERSION   NAME  UP   DOWN  STMTS  STATE     FLAGS
  001       a     yes  yes       1  -

other (dbmate, 1 migration)
  VERSION   NAME  UP   DOWN  STMTS  STATE     FLAGS
  20240101  b     yes  yes       1  -'
}
run_test 'migrations.dir (repeated) from .migcheck' config_dirs

config_missing_dir () {
	init_repo &&
	printf '[migrations]\n\tdir = db/nope\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: migrations folder 'db/nope' does not exist"
}
run_test 'a configured folder that does not exist: exit 2' config_missing_dir

config_format () {
	init_repo &&
	write_migration 001_a.sql 'SELECT 1;' &&
	printf '[migrations]\n\tformat = goose\n\trequireDown = false\n' >.migcheck &&
	expect_code 1 "$MIGCHECK" list >out 2>err &&
	expect_equal err "db/migrations/001_a.sql:1: error: no '-- +goose Up' section [malformed]
list: 1 error, 0 warnings" &&
	printf '[migrations]\n\tformat = plain\n\trequireDown = false\n' >.migcheck &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep '^db/migrations (plain, 1 migration)$' out
}
run_test 'migrations.format is obeyed, not detected' config_format

config_dialect () {
	init_repo &&
	write_migration 1_a.up.sql 'SELECT 1;' &&
	write_migration 1_a.sqlite3.up.sql 'SELECT 1;' &&
	write_migration 1_a.down.sql 'SELECT 1;' &&
	printf '[migrations]\n\tdialect = sqlite\n' >.migcheck &&
	"$MIGCHECK" list --format json >out &&
	json_get 'j["migrations"][0]["up"]' <out >got &&
	expect_equal got 'db/migrations/1_a.sqlite3.up.sql' &&
	"$MIGCHECK" list --dialect postgres --format json >out &&
	json_get 'j["migrations"][0]["up"]' <out >got &&
	expect_equal got 'db/migrations/1_a.up.sql'
}
run_test 'migrations.dialect picks the popx file; --dialect overrides' config_dialect

config_runner () {
	init_repo &&
	write_migration migrations/20240101000000-a.js 'module.exports = { up() {}, down(q) { return q.dropTable("a"); } };' &&
	printf '[runner]\n\tup = npx sequelize-cli db:migrate --to {file} --url {url}\n\tdown = npx sequelize-cli db:migrate:undo --url {url}\n' >.migcheck &&
	"$MIGCHECK" list --format json >out &&
	json_get '(j["findings"], [(m["language"], m["replayable"]) for m in j["migrations"]])' <out >got &&
	expect_equal got "([], [('js', True)])"
}
run_test 'sequelize with [runner]: replayable, no finding' config_runner

config_severity () {
	init_repo &&
	write_migration 1_a.up.sql 'SELECT 1;' &&
	write_migration notes.yaml 'x' &&
	printf '[severity]\n\tunknown-file = off\n\tmissing-down = warning\n' >.migcheck &&
	"$MIGCHECK" list >out 2>err &&
	expect_equal err 'db/migrations/1_a.up.sql: warning: no down script [missing-down, severity set by config]
list: 0 errors, 1 warning'
}
run_test '[severity] overrides apply to discovery findings' config_severity

detect_layouts () {
	init_repo &&
	write_migration src/main/resources/db/migration/V1__init.sql 'SELECT 1;' &&
	"$MIGCHECK" list >out &&
	expect_grep '^src/main/resources/db/migration (flyway, 1 migration)$' out &&
	rm -r src &&
	write_migration services/billing/schema/20240101_a.sql '-- migrate:up
SELECT 1;
-- migrate:down
SELECT 1;' &&
	write_migration node_modules/pkg/migrations/001_x.up.sql 'SELECT 1;' &&
	write_migration scripts/2-helper.js 'x' &&
	"$MIGCHECK" list >out &&
	expect_equal out 'services/billing/schema (dbmate, 1 migration)
  VERSION   NAME  UP   DOWN  STMTS  STATE     FLAGS
  20240101  a     yes  yes       1  -'
}
run_test 'without config: common places, then any folder of a format (not node_modules)' detect_layouts

list_help_and_usage () {
	init_repo &&
	"$MIGCHECK" list --help >out &&
	expect_grep '^usage: migcheck list ' out &&
	expect_code 2 "$MIGCHECK" list --bogus 2>err &&
	expect_grep "^migcheck list: unknown option '--bogus'" err &&
	expect_code 2 "$MIGCHECK" list --dialect oracle 2>err &&
	expect_grep "^migcheck list: unknown dialect 'oracle' (postgres, sqlite)" err &&
	expect_code 2 "$MIGCHECK" list --migration-format liquibase 2>err &&
	expect_grep "^migcheck list: unknown migration format 'liquibase'" err &&
	expect_code 2 "$MIGCHECK" list extra 2>err &&
	expect_grep "^migcheck list: unexpected argument 'extra'" err
}
run_test 'list --help and usage errors (exit 2)' list_help_and_usage

deployed_state () {
	init_repo &&
	write_migration 001_a.up.sql 'SELECT 1;' &&
	write_migration 001_a.down.sql 'SELECT 1;' &&
	printf '[deploy]\n\tref = refs/remotes/origin/main\n' >.migcheck &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD &&
	write_migration 002_b.up.sql 'SELECT 1;' &&
	write_migration 002_b.down.sql 'SELECT 1;' &&
	"$MIGCHECK" list >out &&
	expect_equal out 'db/migrations (golang-migrate, 2 migrations)
  VERSION  NAME  UP   DOWN  STMTS  STATE     FLAGS
  001      a     yes  yes       1  deployed
  002      b     yes  yes       1  pending' &&
	"$MIGCHECK" list --format json >out &&
	json_get '[(m["version"], m["deployed"]) for m in j["migrations"]]' <out >got &&
	expect_equal got "[('001', True), ('002', False)]" &&
	git update-ref -d refs/remotes/origin/main &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep '^  002      b     yes  yes       1  -$' out &&
	expect_equal err "note: deploy ref 'refs/remotes/origin/main' does not exist in this clone (no remote to fetch it from); deployed state unknown
list: 0 errors, 0 warnings"
}
run_test 'deploy.ref: deployed or pending; without the ref a note says how to fetch it' deployed_state

finish
