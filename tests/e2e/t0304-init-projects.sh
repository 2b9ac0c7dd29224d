#!/bin/sh
# init reads real projects' shapes: two folders of two dialects (as
# pocket-id), a Sequelize app in a subfolder with its own package.json and
# config.js (as Gladys), Flyway's db/migration under a package folder of
# src/main/resources (as marquez).
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
	expect_grep "^migcheck: dialect: sqlite (server/config/config.js sets dialect 'sqlite')$" err &&
	expect_grep '^	dialect = sqlite$' .migcheck &&
	expect_grep '^	dir = server/migrations$' .migcheck &&
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
	expect_grep "^migcheck: migrations: '$F': 2 flyway migrations$" err &&
	expect_grep "^	dir = $F$" .migcheck &&
	expect_grep '^	format = flyway$' .migcheck
}
run_test "Flyway's db/migration below src/main/resources/<package>" flyway_default_folder

finish
