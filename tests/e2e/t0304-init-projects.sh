#!/bin/sh
# init reads real projects' shapes: two folders of two dialects (as
# pocket-id), a Sequelize app in a subfolder with its own package.json and
# config.js (as Gladys), Flyway's db/migration under a package folder of
# src/main/resources (as marquez); model paths only where files define ORM
# models, not folders named models/ that hold a UI crate (bionic-gpt), a
# generated pydantic REST client (hatchet), a Python API client (marquez),
# a vendor library's plain objects or tests (Gladys).
. "$(dirname "$0")/lib.sh"

migrations_section () {
	sed -n '/^\[migrations/,/^\[deploy\]/p' .migcheck | grep -v '^\[deploy\]'
}

two_dialect_folders () {
	init_repo &&
	P=backend/resources/migrations/postgres S=backend/resources/migrations/sqlite &&
	write_migration $P/20241211111554_init.up.sql 'CREATE TABLE users (id uuid PRIMARY KEY, email text);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);' &&
	write_migration $P/20241211111554_init.down.sql 'DROP TABLE users;' &&
	write_migration $S/20241211111554_init.up.sql 'PRAGMA foreign_keys = OFF;
CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE);' &&
	write_migration $S/20241211111554_init.down.sql 'DROP TABLE users;' &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	expect_grep "^migcheck: dialect: '$P': postgres (the folder is named 'postgres')$" err &&
	expect_grep "^migcheck: dialect: '$S': sqlite (the folder is named 'sqlite')$" err &&
	migrations_section >got &&
	expect_equal got "[migrations]
	# folder holding the migrations, relative to the repository root; may repeat
	dir = $P
	dir = $S
	# golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize | auto
	format = golang-migrate
	# postgres | sqlite: how the SQL is parsed and which scratch database replays it
	dialect = postgres
	# a migration without a down script is a finding
	requireDown = true
	# the migration tool's tracking table, when auto-detection is not wanted
	#table = schema_migrations

[migrations \"$P\"]
	# this folder's own settings; dialect: the folder is named 'postgres'
	dialect = postgres

[migrations \"$S\"]
	# this folder's own settings; dialect: the folder is named 'sqlite'
	dialect = sqlite
" &&
	"$MIGCHECK" list >out 2>err &&
	expect_no_grep malformed err
}
run_test 'two dialect folders: each gets its dialect; list finds nothing malformed' two_dialect_folders

sequelize_in_subfolder () {
	init_repo &&
	printf '{ "name": "site", "devDependencies": { "prettier": "^3" } }\n' >package.json &&
	mkdir -p server/config &&
	printf '{ "name": "server", "dependencies": { "sequelize": "^6", "sqlite3": "^5.1.2" } }\n' >server/package.json &&
	printf "module.exports = {\n  production: {\n    dialect: 'sqlite',\n    storage: '/var/lib/app.db',\n  },\n};\n" >server/config/config.js &&
	write_migration server/migrations/20190205064058-create-user.js "module.exports = {
  up: (queryInterface, Sequelize) => queryInterface.createTable('t_user', { id: Sequelize.UUID }),
  down: (queryInterface) => queryInterface.dropTable('t_user'),
};" &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	grep '^migcheck: \(migrations\|format\|dialect\|model paths\|runner\):' err >notes &&
	expect_equal notes "migcheck: migrations: 'server/migrations': 1 sequelize migration
migcheck: format: sequelize
migcheck: dialect: sqlite (server/config/config.js sets dialect 'sqlite')
migcheck: model paths: none found (set models.path to enable model-without-migration)
migcheck: runner: 'server/migrations': migcheck's Sequelize runner, in 'server' (server/package.json lists sequelize, not installed yet: run 'npm install' in 'server' before a roundtrip)" &&
	migrations_section >got &&
	expect_equal got "[migrations]
	# folder holding the migrations, relative to the repository root; may repeat
	dir = server/migrations
	# golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize | auto
	format = sequelize
	# postgres | sqlite: how the SQL is parsed and which scratch database replays it
	dialect = sqlite
	# a migration without a down script is a finding
	requireDown = true
	# the migration tool's tracking table, when auto-detection is not wanted
	#table = schema_migrations
" &&
	expect_grep '^	tool = sequelize$' .migcheck &&
	rm server/config/config.js .migcheck &&
	"$MIGCHECK" init >out 2>err &&
	expect_grep '^migcheck: dialect: sqlite (server/package.json depends on "sqlite3")$' err
}
run_test 'a Sequelize app in a subfolder: its config.js, then its package.json' sequelize_in_subfolder

flyway_default_folder () {
	init_repo &&
	F=api/src/main/resources/marquez/db/migration &&
	write_migration $F/V1__init.sql 'CREATE TABLE jobs (uuid UUID PRIMARY KEY, created_at TIMESTAMPTZ);' &&
	write_migration $F/V2__runs.sql 'CREATE TABLE runs (uuid UUID PRIMARY KEY, args JSONB);' &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	grep '^migcheck: \(migrations\|format\|dialect\):' err >notes &&
	expect_equal notes "migcheck: migrations: '$F': 2 flyway migrations
migcheck: format: flyway
migcheck: dialect: postgres (the migrations use PostgreSQL-only SQL such as SERIAL, JSONB or \$\$)" &&
	migrations_section >got &&
	expect_equal got "[migrations]
	# folder holding the migrations, relative to the repository root; may repeat
	dir = $F
	# golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize | auto
	format = flyway
	# postgres | sqlite: how the SQL is parsed and which scratch database replays it
	dialect = postgres
	# a migration without a down script is a finding (no down scripts were found, so off)
	requireDown = false
	# the migration tool's tracking table, when auto-detection is not wanted
	#table = schema_migrations
" &&
	"$MIGCHECK" list >out 2>err &&
	expect_no_grep malformed err
}
run_test "Flyway's db/migration below src/main/resources/<package>" flyway_default_folder

models_only_where_defined () {
	init_repo &&
	printf '{ "name": "server", "dependencies": { "sequelize": "^6", "sqlite3": "^5.1.2" } }\n' >server-package.json &&
	mkdir -p server && mv server-package.json server/package.json &&
	write_migration server/migrations/20190205064058-create-area.js "module.exports = {
  up: (queryInterface, Sequelize) => queryInterface.createTable('t_area', { id: Sequelize.UUID }),
  down: (queryInterface) => queryInterface.dropTable('t_area'),
};" &&
	write_migration server/models/area.js "module.exports = (sequelize, DataTypes) => {
  const area = sequelize.define('t_area', { id: { type: DataTypes.UUID, primaryKey: true } });
  return area;
};" &&
	write_migration server/models/user.js "const { Model } = require('sequelize');
module.exports = (sequelize, DataTypes) => {
  class User extends Model {}
  User.init({ id: DataTypes.UUID }, { sequelize, modelName: 't_user' });
  return User;
};" &&
	write_migration server/models/index.js "const fs = require('fs');
module.exports = fs.readdirSync(__dirname);" &&
	write_migration server/services/philips-hue/lib/models/color.js "const getColorLight = (light) => ({ name: light.name, model: light.modelid });
module.exports = { getColorLight };" &&
	write_migration server/test/models/index.test.js "const { expect } = require('chai');
describe('models', () => it('defines', () => expect(db.sequelize.define).to.be.a('function')));" &&
	write_migration crates/web-pages/models/page.rs 'pub fn page() -> Markup { html! {} }' &&
	write_migration sdks/python/hatchet_sdk/clients/rest/models/workflow.py 'from pydantic import BaseModel
class Workflow(BaseModel):
    name: str' &&
	write_migration clients/python/marquez_client/models.py 'from enum import Enum
class JobId:
    def __init__(self, namespace: str, name: str):
        self.namespace = namespace' &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	grep '^migcheck: model' err >notes &&
	expect_equal notes "migcheck: model path: server/models/** (2 of its 3 source files define models, as server/models/area.js: Sequelize define())
migcheck: model paths: 'crates/web-pages/models/**' left out: no file in it defines ORM models
migcheck: model paths: 'sdks/python/hatchet_sdk/clients/rest/models/**' left out: no file in it defines ORM models
migcheck: model paths: 'server/services/philips-hue/lib/models/**' left out: no file in it defines ORM models
migcheck: model paths: 'server/test/models/**' left out: test code" &&
	sed -n '/^\[models\]/,/^\[runner\]/p' .migcheck | grep -v '^\[runner\]' >got &&
	expect_equal got "[models]
	# globs of ORM model files: a change to them with no new migration is a finding; may repeat
	path = server/models/**
	# the schema the models describe, as SQL, or a command building it in \$DATABASE_URL
	#schema = db/schema.sql
	#command = node scripts/sync-models.js
	# a POSIX extended regex: only changed lines of model files matching it count
	#pattern = @Column|@Entity
" &&
	expect_grep "^migcheck: dialect: sqlite (server/package.json depends on \"sqlite3\")$" err
}
run_test 'model paths: only folders whose files define ORM models' models_only_where_defined

finish
