#!/bin/sh
# migcheck's resident Sequelize runner (runner.tool = sequelize) with the
# real sequelize, pg and sqlite3 from npm, in a Gladys-shaped layout: the
# app in server/ with its node_modules, .sequelizerc and config, migrations
# that require('../models'), the SQLite file named by an environment
# variable (runner.env). Also: empty downs, a command runner that does
# nothing, and the runner's own failures (exit 3, one message).
. "$(dirname "$0")/lib.sh"
require_pg

app () {
	sequelize_packages &&
	init_repo &&
	mkdir -p server/config server/models &&
	ln -s "$sequelize_modules" server/node_modules &&
	cat >server/.sequelizerc <<'JS' &&
const path = require('path');
module.exports = {
  config: path.resolve('config', 'config.js'),
  'migrations-path': path.resolve('migrations'),
  'models-path': path.resolve('models'),
};
JS
	cat >server/config/config.js <<'JS' &&
module.exports = {
  development: { dialect: 'sqlite', storage: process.env.SQLITE_FILE_PATH, logging: false },
  production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres', logging: false },
};
JS
	cat >server/models/index.js <<'JS' &&
const { Sequelize } = require('sequelize');
const env = process.env.NODE_ENV || 'development';
const config = require('../config/config.js')[env];
const sequelize = config.use_env_variable
  ? new Sequelize(process.env[config.use_env_variable], config)
  : new Sequelize(config);
module.exports = { sequelize };
JS
	write_migration server/migrations/20190205063641-create-user.js "'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('t_user', {
      id: { type: Sequelize.UUID, primaryKey: true, allowNull: false },
      email: { type: Sequelize.STRING, allowNull: false },
    });
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('t_user');
  },
};" &&
	write_migration server/migrations/20190211000000-user-index.js "'use strict';
const db = require('../models');
module.exports = {
  up: async () => {
    await db.sequelize.query('CREATE INDEX t_user_email ON t_user (email)');
  },
  down: async () => {
    await db.sequelize.query('DROP INDEX t_user_email');
  },
};" &&
	printf '[migrations]\n\tdir = server/migrations\n\tformat = sequelize\n[runner]\n\ttool = sequelize\n\tenv = SQLITE_FILE_PATH={path}\n' >.migcheck
}

sqlite_gladys () {
	app &&
	write_migration server/migrations/20190301000000-add-role.js "'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('t_user', 'role', { type: Sequelize.STRING });
  },
  async down(queryInterface, Sequelize) {
    /**
     * Add reverting commands here.
     */
  },
};" &&
	commit_all 'gladys-shaped app' &&
	git config -f .migcheck migrations.dialect sqlite &&
	expect_code 1 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "server/migrations/20190301000000-add-role.js:6: warning: down is an empty function: the migration cannot be reverted [empty-down]
server/migrations/20190301000000-add-role.js: error: down does not restore the schema from before up [down-not-inverse]
    table main.t_user: column role: unexpected
note: 2 migrations round-tripped, 1 up only (down not round-tripped) on a scratch sqlite database (step mode)
roundtrip: 1 error, 1 warning" &&
	# chain mode: the empty down cannot take the chain back, it starts after it
	"$MIGCHECK" roundtrip --mode chain >out 2>err &&
	expect_equal out "server/migrations/20190301000000-add-role.js:6: warning: down is an empty function: the migration cannot be reverted [empty-down]
note: 2 migrations before server/migrations/20190301000000-add-role.js only went up: the chain starts after it, as its down cannot take the chain back
note: 3 ups applied and checked on a scratch sqlite database, no down round-tripped (chain mode)
roundtrip: 0 errors, 1 warning" &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep '^  20190301000000  add-role     yes  empty     js' out
}
run_test 'sqlite, app in server/: one node for the run, models from an env variable, an empty down' sqlite_gladys

pg_gladys () {
	app &&
	commit_all 'gladys-shaped app' &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG" &&
	git config -f .migcheck --add runner.env NODE_ENV=production &&
	"$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'postgres, app in server/: models reach the scratch database through DATABASE_URL' pg_gladys

per_folder () {
	app &&
	# the top-level runner is another tool's; the folder's own wins
	printf '[migrations]\n\tdir = server/migrations\n\tformat = sequelize\n\tdialect = sqlite\n[migrations "server/migrations"]\n\trunnerTool = sequelize\n\trunnerEnv = SQLITE_FILE_PATH={path}\n[runner]\n\ttool = command\n\tup = false {file}\n\tdown = false {file}\n\tenv = SQLITE_FILE_PATH=/nonexistent/db.sqlite\n' >.migcheck &&
	commit_all 'per-folder runner' &&
	"$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'a folder'"'"'s runnerTool and runnerEnv replace [runner] tool and env there' per_folder

after_rebuild () {
	app &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration server/migrations/20190301000000-add-role.js "'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('t_tmp', { id: Sequelize.INTEGER });
    await queryInterface.addColumn('t_user', 'role', { type: Sequelize.STRING });
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('t_tmp');
  },
};" &&
	write_migration server/migrations/20190302000000-log-table.js "'use strict';
const db = require('../models');
module.exports = {
  up: async () => {
    await db.sequelize.query('CREATE TABLE t_log (id INTEGER)');
  },
  down: async () => {
    await db.sequelize.query('DROP TABLE t_log');
  },
};" &&
	write_migration server/migrations/20190303000000-log-level.js "'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.addColumn('t_log', 'level', { type: Sequelize.STRING });
  },
  down: async (queryInterface) => {
    await queryInterface.removeColumn('t_log', 'level');
  },
};" &&
	commit_all 'a rebuild, then migrations through the models' &&
	expect_code 1 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "server/migrations/20190301000000-add-role.js: error: down does not restore the schema from before up [down-not-inverse]
    table main.t_user: column role: unexpected
server/migrations/20190301000000-add-role.js: error: up fails after down: SQLITE_ERROR: duplicate column name: role [up-not-repeatable]
    Error
        at async Object.up ($PWD/server/migrations/20190301000000-add-role.js:5:5)
note: 5 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 2 errors, 0 warnings"
}
run_test 'after a rebuild of the scratch file, require('"'"'../models'"'"') opens the new one, not the removed one' after_rebuild

init_then_roundtrip () {
	app &&
	rm .migcheck &&
	cat >server/config/config.js <<'JS' &&
module.exports = {
  development: { dialect: 'sqlite', storage: process.env.SQLITE_FILE_PATH || './app-development.db', logging: false },
};
JS
	printf '/server/node_modules\n' >.gitignore &&
	commit_all 'gladys-shaped app, no .migcheck' &&
	"$MIGCHECK" init >init.out 2>init.err &&
	expect_grep '^	tool = sequelize$' .migcheck &&
	expect_grep '^	env = SQLITE_FILE_PATH={path}$' .migcheck &&
	"$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'plain init, then roundtrip: the runner and the SQLite path as init wrote them' init_then_roundtrip

does_nothing () {
	init_repo &&
	write_migration db/migrations/20240101000000-create-users.js "module.exports = {
  up: (q, S) => q.createTable('users', { id: { type: S.INTEGER, primaryKey: true } }),
  down: (q) => q.dropTable('users'),
};" &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = sequelize\n\tdialect = sqlite\n[runner]\n\tup = true {file}\n\tdown = true {file}\n' >.migcheck &&
	commit_all 'a runner that does nothing' &&
	"$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'db/migrations/20240101000000-create-users.js: warning: up changed neither the schema nor the tracking table: does the runner run this migration? [up-no-effect]
note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 1 warning'
}
run_test 'a command runner that does nothing and exits 0 is up-no-effect' does_nothing

runner_fails () {
	app &&
	git config -f .migcheck migrations.dialect sqlite &&
	rm server/node_modules &&
	commit_all 'not installed' &&
	expect_code 3 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal err "migcheck: the sequelize runner found no node_modules/sequelize in 'server/migrations' or a folder above it: run 'npm install' in the folder with the package.json that lists sequelize, or set runner.tool = command and runner.up/runner.down" &&
	expect_no_grep 'up-failed' out &&
	mkdir -p server/node_modules/sequelize &&
	echo '{"name": "sequelize", "main": "nope.js"}' >server/node_modules/sequelize/package.json &&
	expect_code 3 "$MIGCHECK" roundtrip >out 2>err &&
	expect_grep "^migcheck: the sequelize runner in 'server' cannot start: cannot load the package 'sequelize' from $PWD/server: Cannot find module '$PWD/server/node_modules/sequelize/nope.js'.*: run 'npm install' in $PWD/server (its node_modules must hold sequelize)\$" err &&
	rm -r server/node_modules && ln -s "$sequelize_modules" server/node_modules &&
	rm server/config/config.js server/.sequelizerc &&
	expect_code 3 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal err "migcheck: the sequelize runner in 'server' cannot start: sequelize-cli configuration not found: config/config.json in $PWD/server: create it, or name it with 'config' in $PWD/server/.sequelizerc" &&
	mkdir bin && ln -s "$(command -v git)" bin/git &&
	# what a wrapper of $MIGCHECK runs (tests/valgrind.sh) stays reachable
	for c in valgrind mkdir dirname; do
		p=$(command -v "$c") || continue
		printf '#!/bin/sh\nexec %s "$@"\n' "$p" >"bin/$c" && chmod +x "bin/$c"
	done &&
	PATH=$PWD/bin expect_code 3 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal err "migcheck: the sequelize runner needs 'node', which is not on PATH: install Node.js (the runner runs in 'server')"
}
run_test 'the runner itself fails (no package, no config, no node): exit 3, one message' runner_fails

# --since (and the gate) round-trip the new migrations only: a warning
# about a released one (its empty down) is not theirs and is left out;
# naming the released one still shows it.
since_leaves_released () {
	app &&
	write_migration server/migrations/20190301000000-add-role.js "'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('t_user', 'role', { type: Sequelize.STRING });
  },
  async down() {},
};" &&
	git config -f .migcheck migrations.dialect sqlite &&
	commit_all 'release 1' && git tag v1.0.0 &&
	write_migration server/migrations/20190401000000-create-tag.js "'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('t_tag', { id: { type: Sequelize.INTEGER, primaryKey: true } });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('t_tag');
  },
};" &&
	commit_all 'add tags' &&
	"$MIGCHECK" roundtrip --since v1.0.0 >out 2>err &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	"$MIGCHECK" gate --deploy-ref 'refs/tags/v*' >out 2>err &&
	expect_equal out 'note: release: 1 migration added since v1.0.0 (the newest deploy ref HEAD contains)
note: 1 migration round-tripped on a scratch sqlite database (step mode)
steps: check passed, roundtrip passed, drift not run (no --db)
gate: 0 errors, 0 warnings' &&
	expect_code 1 "$MIGCHECK" roundtrip 20190301000000 >out 2>err &&
	expect_equal out "server/migrations/20190301000000-add-role.js:6: warning: down is an empty function: the migration cannot be reverted [empty-down]
server/migrations/20190301000000-add-role.js: error: down does not restore the schema from before up [down-not-inverse]
    table main.t_user: column role: unexpected
note: 1 up applied and checked on a scratch sqlite database, no down round-tripped (step mode)
roundtrip: 1 error, 1 warning"
}
run_test 'roundtrip --since and gate: no warning about a released migration they do not round-trip' since_leaves_released

finish
