#!/bin/sh
# init writes migcheck's resident Sequelize runner for Sequelize folders
# (runner.tool = sequelize), in the folder whose node_modules holds
# sequelize, and the variables the app's sequelize-cli config reads for its
# database (runner.env): the SQLite file a Gladys-shaped config.js takes from
# process.env, a use_env_variable URL. A Sequelize folder beside SQL ones
# gets runnerTool and runnerEnv in its own section. Each with why.
. "$(dirname "$0")/lib.sh"

runner_section () {
	sed -n '/^\[runner\]/,/^\[scratch\]/p' .migcheck | grep -v '^\[scratch\]'
}

gladys_app () {
	mkdir -p server/config server/node_modules/sequelize &&
	printf '{ "name": "server", "dependencies": { "sequelize": "^6", "sqlite3": "^5.1.2" } }\n' >server/package.json &&
	printf '{ "name": "sequelize", "version": "6.37.7" }\n' >server/node_modules/sequelize/package.json &&
	printf '%s\n' '/node_modules' >.gitignore &&
	cat >server/config/config.js <<'JS' &&
module.exports = {
  development: {
    dialect: 'sqlite',
    storage: process.env.SQLITE_FILE_PATH || './gladys-development.db',
    logging: false,
    tempFolder: process.env.TEMP_FOLDER || '/tmp/gladys',
  },
  production: {
    dialect: 'sqlite',
    storage: process.env.SQLITE_FILE_PATH || './gladys-production.db',
  },
};
JS
	write_migration server/migrations/20190205063641-create-user.js "module.exports = {
  up: (queryInterface, Sequelize) => queryInterface.createTable('t_user', { id: Sequelize.UUID }),
  down: (queryInterface) => queryInterface.dropTable('t_user'),
};"
}

gladys () {
	init_repo &&
	gladys_app &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	grep '^migcheck: runner' err >notes &&
	expect_equal notes "migcheck: runner: 'server/migrations': migcheck's Sequelize runner, in 'server' (server/node_modules/sequelize/package.json holds sequelize)
migcheck: runner: env SQLITE_FILE_PATH={path} (server/config/config.js reads its SQLite file from process.env.SQLITE_FILE_PATH)" &&
	runner_section >got &&
	expect_equal got "[runner]
	# migcheck's resident Sequelize runner: one node process per run, in 'server' (server/node_modules/sequelize/package.json holds sequelize)
	tool = sequelize
	# server/config/config.js reads its SQLite file from process.env.SQLITE_FILE_PATH
	env = SQLITE_FILE_PATH={path}
	# or commands, for another tool: {file}, {name}, {version}, {url}, {path}
	#up = npx knex migrate:up {name}.js
	#down = npx knex migrate:down {name}.js
"
}
run_test 'Gladys-shaped: the runner in server/, the SQLite path config.js reads from process.env' gladys

sequelizerc_url () {
	init_repo &&
	mkdir -p api/db &&
	printf '{ "dependencies": { "sequelize": "^6", "pg": "^8" } }\n' >api/package.json &&
	printf "const path = require('path');\nmodule.exports = {\n  config: path.resolve('db', 'settings.js'),\n  'migrations-path': path.resolve('db', 'migrations'),\n};\n" >api/.sequelizerc &&
	printf "module.exports = {\n  development: { dialect: 'postgres', use_env_variable: 'API_DB_URL' },\n  test: { dialect: 'postgres', use_env_variable: 'DATABASE_URL' },\n  production: { dialect: 'postgres', url: process.env.PROD_DB },\n};\n" >api/db/settings.js &&
	write_migration api/db/migrations/20240101000000-create-users.js "module.exports = {
  up: (q, S) => q.createTable('users', { id: S.INTEGER }),
  down: (q) => q.dropTable('users'),
};" &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	runner_section >got &&
	expect_equal got "[runner]
	# migcheck's resident Sequelize runner: one node process per run, in 'api' (api/package.json lists sequelize, not installed yet: run 'npm install' in 'api' before a roundtrip)
	tool = sequelize
	# api/db/settings.js reads its database URL from process.env.PROD_DB
	env = PROD_DB={url}
	# api/db/settings.js names its database URL with use_env_variable 'API_DB_URL'
	env = API_DB_URL={url}
	# or commands, for another tool: {file}, {name}, {version}, {url}, {path}
	#up = npx knex migrate:up {name}.js
	#down = npx knex migrate:down {name}.js
" &&
	"$MIGCHECK" list >/dev/null
}
run_test ".sequelizerc's config: use_env_variable and url variables get {url}, DATABASE_URL is given already" sequelizerc_url

beside_sql () {
	init_repo &&
	gladys_app &&
	write_migration db/migrations/001_init.up.sql 'CREATE TABLE a (id integer PRIMARY KEY AUTOINCREMENT);' &&
	write_migration db/migrations/001_init.down.sql 'DROP TABLE a;' &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	sed -n '/^\[migrations "/,/^\[deploy\]/p' .migcheck | grep -v '^\[deploy\]' >got &&
	expect_equal got "[migrations \"server/migrations\"]
	# migcheck's resident Sequelize runner: one node process per run, in 'server' (server/node_modules/sequelize/package.json holds sequelize)
	runnerTool = sequelize
	# server/config/config.js reads its SQLite file from process.env.SQLITE_FILE_PATH
	runnerEnv = SQLITE_FILE_PATH={path}
" &&
	runner_section >got &&
	expect_equal got "[runner]
	# how to run migrations that are not SQL: migcheck's own Sequelize runner,
	#tool = sequelize
	# or commands, for another tool: {file}, {name}, {version}, {url}, {path}
	#up = npx knex migrate:up {name}.js
	#down = npx knex migrate:down {name}.js
" &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep '^  20190205063641  create-user  yes  yes  *js  deployed' out
}
run_test 'a Sequelize folder beside SQL ones: runnerTool and runnerEnv in its own section' beside_sql

no_app () {
	init_repo &&
	write_migration migrations/20240101000000-create-users.js "module.exports = {
  up: (q, S) => q.createTable('users', { id: S.INTEGER }),
  down: (q) => q.dropTable('users'),
};" &&
	commit_all fixture &&
	"$MIGCHECK" init >out 2>err &&
	expect_grep "^migcheck: runner: 'migrations': migcheck's Sequelize runner (no node_modules/sequelize or package.json listing sequelize from 'migrations' up yet: run 'npm install' where sequelize is listed)\$" err &&
	runner_section >got &&
	expect_equal got "[runner]
	# migcheck's resident Sequelize runner: one node process per run, in the folder above
	# 'migrations' whose node_modules holds sequelize (none found: run 'npm install' there)
	tool = sequelize
	# or commands, for another tool: {file}, {name}, {version}, {url}, {path}
	#up = npx knex migrate:up {name}.js
	#down = npx knex migrate:down {name}.js
"
}
run_test 'no app found yet: the runner all the same, and what to install' no_app

finish
