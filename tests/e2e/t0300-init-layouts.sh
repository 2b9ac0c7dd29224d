#!/bin/sh
# migcheck init: what it detects in repositories of each layout.
. "$(dirname "$0")/lib.sh"

# key FILE NAME: the values of a key, one a line, as git reads them.
key () {
	git config -f "$1" --get-all "$2"
}

golang_migrate () {
	init_repo &&
	write_migration 20240101000000_users.up.sql 'CREATE TABLE users (id SERIAL PRIMARY KEY, prefs JSONB);' &&
	write_migration 20240101000000_users.down.sql 'DROP TABLE users;' &&
	write_migration 20240102000000_posts.up.sql 'CREATE TABLE posts (id int);' &&
	write_migration 20240102000000_posts.down.sql 'DROP TABLE posts;' &&
	"$MIGCHECK" init >out 2>err &&
	cmp -s out .migcheck &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	[ "$(key .migcheck migrations.format)" = golang-migrate ] &&
	[ "$(key .migcheck migrations.dialect)" = postgres ] &&
	[ "$(key .migcheck migrations.requireDown)" = true ] &&
	expect_grep "^migcheck: migrations: 'db/migrations': 2 golang-migrate migrations$" err &&
	expect_grep '^migcheck: dialect: postgres (the migrations use PostgreSQL-only SQL' err &&
	expect_grep '^migcheck: wrote .migcheck$' err
}
run_test 'golang-migrate: folder, format, postgres from SERIAL/JSONB' golang_migrate

dbmate_sqlite () {
	init_repo &&
	write_migration 20240101120000_create_users.sql '-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
-- migrate:down
DROP TABLE users;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.format)" = dbmate ] &&
	[ "$(key .migcheck migrations.dialect)" = sqlite ] &&
	[ "$(key .migcheck migrations.requireDown)" = true ] &&
	expect_grep 'dialect: sqlite (the migrations use SQLite-only SQL' err
}
run_test 'dbmate: markers decide the format, AUTOINCREMENT means sqlite' dbmate_sqlite

goose_go_mod () {
	init_repo &&
	printf 'module example.com/app\n\nrequire github.com/mattn/go-sqlite3 v1.14.0\n' >go.mod &&
	write_migration sql/schema/00001_init.sql '-- +goose Up
CREATE TABLE t (id int);
-- +goose Down
DROP TABLE t;' &&
	write_migration sql/schema/00002_seed.go 'package migrations
import "github.com/pressly/goose/v3"' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = sql/schema ] &&
	[ "$(key .migcheck migrations.format)" = goose ] &&
	[ "$(key .migcheck migrations.dialect)" = sqlite ] &&
	expect_grep 'dialect: sqlite (go.mod requires github.com/mattn/go-sqlite3)' err
}
run_test 'goose (SQL and Go): sqlite from go.mod' goose_go_mod

flyway_no_undo () {
	init_repo &&
	write_migration src/main/resources/db/migration/V1__init.sql 'CREATE TABLE a (id int);' &&
	write_migration src/main/resources/db/migration/V1.1__more.sql 'CREATE TABLE b (id int);' &&
	write_migration src/main/resources/db/migration/R__views.sql 'CREATE OR REPLACE VIEW v AS SELECT 1;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = src/main/resources/db/migration ] &&
	[ "$(key .migcheck migrations.format)" = flyway ] &&
	[ "$(key .migcheck migrations.dialect)" = postgres ] &&
	[ "$(key .migcheck migrations.requireDown)" = false ] &&
	expect_grep 'no down scripts were found' .migcheck &&
	expect_grep 'dialect: postgres (default: nothing in the repository points at SQLite)' err
}
run_test 'flyway without undo files: requireDown = false' flyway_no_undo

sequelize_models () {
	init_repo &&
	printf '{"dependencies": {"pg": "^8.0.0", "sequelize": "^6.0.0"}}\n' >package.json &&
	write_migration migrations/20240101000000-create-user.js 'module.exports = { up() {}, down(q) { return q.dropTable("a"); } };' &&
	write_migration models/index.js '// sequelize' &&
	write_migration models/user.js "module.exports = (sequelize, DataTypes) => sequelize.define('user', {});" &&
	mkdir -p node_modules/x/models && cp models/user.js node_modules/x/models/y.js &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = migrations ] &&
	[ "$(key .migcheck migrations.format)" = sequelize ] &&
	[ "$(key .migcheck migrations.dialect)" = postgres ] &&
	[ "$(key .migcheck models.path)" = 'models/**' ] &&
	[ "$(key .migcheck runner.tool)" = sequelize ] &&
	! key .migcheck runner.up &&
	expect_grep "^migcheck: runner: 'migrations': migcheck's Sequelize runner, in '.' (package.json lists sequelize, not installed yet: run 'npm install' in '.' before a roundtrip)\$" err &&
	expect_grep 'dialect: postgres (package.json depends on "pg")' err &&
	expect_grep '^migcheck: model path: models/\*\* (models/user.js defines Sequelize define())$' err
}
run_test 'sequelize with models/: the resident runner and model path' sequelize_models

sequelize_nested () {
	init_repo &&
	printf '{"dependencies": {"pg": "^8.0.0", "sequelize-cli": "^6.0.0"}}\n' >package.json &&
	write_migration src/lib/db/sequelize-migrations/20240101000000-create-tenants.js 'module.exports = { up() {}, down(q) { return q.dropTable("a"); } };' &&
	write_migration src/lib/db/sequelize-migrations/20240102000000-add-sso.js 'module.exports = { up() {}, down(q) { return q.dropTable("a"); } };' &&
	write_migration src/lib/db/models/tenant.js "module.exports = (sequelize, DataTypes) => sequelize.define('tenant', {});" &&
	write_migration api/script/storage/integrations/scm/scm-models.ts 'export {}' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = src/lib/db/sequelize-migrations ] &&
	[ "$(key .migcheck migrations.format)" = sequelize ] &&
	key .migcheck models.path >paths &&
	expect_equal paths 'src/lib/db/models/**'
}
run_test 'sequelize in src/lib/db/sequelize-migrations with *-models.ts' sequelize_nested

plain_seed_layout () {
	init_repo &&
	write_migration migrations/000_initial_schema.sql 'CREATE TABLE accounts (id SERIAL PRIMARY KEY);' &&
	write_migration migrations/003_tenant_scm_integrations.sql 'CREATE TABLE tenant_scm_integrations (id SERIAL);' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = migrations ] &&
	[ "$(key .migcheck migrations.format)" = plain ] &&
	[ "$(key .migcheck migrations.requireDown)" = false ]
}
run_test 'plain numbered SQL with no down files: requireDown = false' plain_seed_layout

sql_migrate () {
	init_repo &&
	write_migration db/migrations/create_users.sql '-- +migrate Up
CREATE TABLE users (id int);
-- +migrate Down
DROP TABLE users;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.format)" = sql-migrate ]
}
run_test 'sql-migrate: free-form names, +migrate markers' sql_migrate

popx () {
	init_repo &&
	write_migration persistence/sql/migrations/20210101000000000000_init.postgres.up.sql 'CREATE TABLE t (id uuid);' &&
	write_migration persistence/sql/migrations/20210101000000000000_init.postgres.down.sql 'DROP TABLE t;' &&
	write_migration persistence/sql/migrations/20210101000000000000_init.sqlite3.up.sql 'CREATE TABLE t (id text);' &&
	write_migration persistence/sql/migrations/20210101000000000000_init.sqlite3.down.sql 'DROP TABLE t;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = persistence/sql/migrations ] &&
	[ "$(key .migcheck migrations.format)" = popx ]
}
run_test 'popx (Ory): dialect in the file names' popx

plain () {
	init_repo &&
	write_migration db/migrations/001_init.sql 'CREATE TABLE t (id int);' &&
	write_migration db/migrations/001_init.down.sql 'DROP TABLE t;' &&
	write_migration scripts/001_not_a_migration.sql 'SELECT 1;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	[ "$(key .migcheck migrations.format)" = plain ] &&
	[ "$(key .migcheck migrations.requireDown)" = true ]
}
run_test 'plain: numbered SQL in a migrations folder only' plain

empty_folder () {
	init_repo &&
	mkdir -p db/migrations &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	[ "$(key .migcheck migrations.format)" = auto ] &&
	expect_grep "^migcheck: migrations: 'db/migrations': no migrations yet$" err
}
run_test 'a new project: the empty db/migrations folder, format auto' empty_folder

loose_numbered_files () {
	init_repo &&
	write_migration db/migrations/1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration scripts/backup/001_dump.sql 'SELECT 1;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	expect_grep "^migcheck: skipped 'scripts/backup': numbered files outside a folder named for migrations$" err
}
run_test 'numbered SQL outside a migrations folder is not taken for migrations' loose_numbered_files

two_folders () {
	init_repo &&
	write_migration db/migrations/1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration db/migrations/1_a.down.sql 'DROP TABLE a;' &&
	write_migration services/billing/migrations/1_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration services/billing/migrations/1_b.down.sql 'DROP TABLE b;' &&
	"$MIGCHECK" init >out 2>err &&
	key .migcheck migrations.dir >dirs &&
	expect_equal dirs 'db/migrations
services/billing/migrations'
}
run_test 'several migrations folders: dir repeats' two_folders

test_folders_skipped () {
	init_repo &&
	write_migration db/migrations/1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration db/migrations/1_a.down.sql 'DROP TABLE a;' &&
	write_migration internal/testdata/migrations/1_x.up.sql 'CREATE TABLE x (id int);' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	expect_grep "^migcheck: skipped 'internal/testdata/migrations': test or example migrations$" err
}
run_test 'migrations under testdata/ are skipped when real ones exist' test_folders_skipped

only_example_folders () {
	init_repo &&
	write_migration examples/basic/migrations/1_x.up.sql 'CREATE TABLE x (id int);' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = examples/basic/migrations ]
}
run_test 'example migrations are used when there are no others' only_example_folders

model_patterns () {
	init_repo &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration app/models/user.rb 'class User; end' &&
	write_migration src/db/billing-models.ts "import { Model, DataTypes } from 'sequelize';
export class Billing extends Model {}
Billing.init({ id: DataTypes.INTEGER }, { sequelize });" &&
	write_migration src/user.entity.ts "import { Entity } from 'typeorm';
@Entity()
export class User {}" &&
	write_migration src/main.ts 'export {}' &&
	write_migration src/app.ts 'export {}' &&
	write_migration src/other.entity.ts 'export {}' &&
	write_migration src/models/index.ts 'export {}' &&
	write_migration internal/model/user.go 'package model
type User struct { ID string `gorm:"primaryKey"` }' &&
	write_migration internal/model/group.go 'package model
type Group struct { ID string }' &&
	write_migration internal/model/user_test.go 'package model' &&
	"$MIGCHECK" init >out 2>err &&
	key .migcheck models.path >paths &&
	expect_equal paths 'src/user.entity.ts
src/db/billing-models.ts' &&
	expect_grep '^migcheck: model path: src/db/billing-models.ts (defines Sequelize Model.init())$' err &&
	expect_grep '^migcheck: model path: src/user.entity.ts (defines TypeORM @Entity)$' err &&
	expect_grep "^migcheck: model paths: 'src/models/\\*\\*' left out: no file in it defines ORM models$" err &&
	expect_grep "^migcheck: model paths: 'app/models/\\*\\*' left out: its 1 Ruby file is not read for models (init detects JS/TS, Python and Prisma ones); set models.path = app/models/\\*\\* to count every change to them$" err &&
	expect_grep "^migcheck: model paths: 'internal/model/\\*\\*' left out: its 2 Go files are not read for models (init detects JS/TS, Python and Prisma ones); set models.path = internal/model/\\*\\* to count every change to them$" err
}
run_test 'model paths: only files that define models, not names; a folder of Go or Ruby models says it is not read' model_patterns

sqlite_db_file () {
	init_repo &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	: >dev.sqlite3 &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dialect)" = sqlite ] &&
	expect_grep "dialect: sqlite (SQLite database file 'dev.sqlite3' in the work tree)" err
}
run_test 'a SQLite database file in the tree means sqlite' sqlite_db_file

space_in_dir () {
	init_repo &&
	write_migration 'db/my migrations/1_a.up.sql' 'CREATE TABLE a (id int);' &&
	write_migration 'db/my migrations/1_a.down.sql' 'DROP TABLE a;' &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck migrations.dir)" = 'db/my migrations' ]
}
run_test 'a folder name with a space survives the round trip' space_in_dir

written_config_loads () {
	init_repo &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	"$MIGCHECK" init >/dev/null 2>&1 &&
	"$MIGCHECK" check >out 2>err || true &&
	expect_no_grep '\.migcheck' err
}
run_test 'the written .migcheck loads without a config error' written_config_loads

finish
