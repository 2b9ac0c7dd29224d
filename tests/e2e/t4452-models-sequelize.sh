#!/bin/sh
# t4452: migcheck models with nothing to write (runner.tool = sequelize and
# models.path): migcheck's Sequelize runner, with the real sequelize, pg and
# sqlite3 from npm, runs the migrations, then sync()s the models on the
# same emptied scratch database, on SQLite and PostgreSQL. A models folder
# in the usual shape (models/index.js requiring each file, associate()), the
# noise two writers of one schema make (a primary key without NOT NULL,
# DEFAULT NULL, VARCHAR(255) and TEXT on SQLite), a model with a column no
# migration adds, and models that fail to load (exit 3).
. "$(dirname "$0")/lib.sh"
require_pg

app () {
	sequelize_packages &&
	init_repo &&
	mkdir -p server/config server/models server/migrations &&
	ln -s "$sequelize_modules" server/node_modules &&
	printf 'node_modules\n' >.gitignore &&
	cat >server/config/config.js <<'JS' &&
module.exports = {
  development: {
    dialect: 'sqlite', storage: process.env.SQLITE_FILE_PATH, logging: false,
    define: { underscored: true, freezeTableName: true, createdAt: 'created_at', updatedAt: 'updated_at' },
  },
};
JS
	cat >server/models/index.js <<'JS' &&
'use strict';
// the usual index: every other file of this folder is a model
const fs = require('fs');
const path = require('path');
const Sequelize = require('sequelize');
const config = require('../config/config.js')[process.env.NODE_ENV || 'development'];
const sequelize = new Sequelize(config);
const db = {};
fs.readdirSync(__dirname).filter((f) => f !== 'index.js' && f.endsWith('.js')).forEach((f) => {
  const model = require(path.join(__dirname, f))(sequelize, Sequelize.DataTypes);
  db[model.name] = model;
});
Object.keys(db).forEach((n) => { if (db[n].associate) db[n].associate(db); });
db.sequelize = sequelize;
module.exports = db;
JS
	cat >server/models/user.js <<'JS' &&
module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define('t_user', {
    id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
    picture: { type: DataTypes.TEXT, defaultValue: null },
    role: { type: DataTypes.STRING, allowNull: false, defaultValue: 'user' },
  });
  User.associate = (models) => {
    User.hasMany(models.Session, { foreignKey: 'user_id' });
  };
  return User;
};
JS
	cat >server/models/session.js <<'JS' &&
module.exports = (sequelize, DataTypes) => {
  const Session = sequelize.define('t_session', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    token: { type: DataTypes.STRING, allowNull: false },
  });
  Session.associate = (models) => {
    // as an index.js names it: models.User for 't_user'
    Session.belongsTo(models.User, { foreignKey: { name: 'user_id', allowNull: false } });
  };
  return Session;
};
JS
	write_migration server/migrations/20240101000000-create-user.js "'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('t_user', {
      id: { type: Sequelize.UUID, primaryKey: true, allowNull: false },
      email: { type: Sequelize.STRING, allowNull: false, unique: true },
      picture: { type: Sequelize.TEXT, defaultValue: null },
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    });
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('t_user');
  },
};" &&
	write_migration server/migrations/20240102000000-create-session.js "'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.addColumn('t_user', 'role', { type: Sequelize.STRING, allowNull: false, defaultValue: 'user' });
    await queryInterface.createTable('t_session', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      token: { type: Sequelize.STRING, allowNull: false },
      user_id: { type: Sequelize.UUID, allowNull: false, references: { model: 't_user', key: 'id' } },
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    });
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('t_session');
    await queryInterface.removeColumn('t_user', 'role');
  },
};" &&
	printf '[migrations]\n\tdir = server/migrations\n\tformat = sequelize\n\tdialect = sqlite\n[models]\n\tpath = server/models/**\n[runner]\n\ttool = sequelize\n\tenv = SQLITE_FILE_PATH={path}\n' >.migcheck
}

# a column the model has and no migration adds
add_last_seen () {
	sed -i "s|    role: { type: DataTypes.STRING, allowNull: false, defaultValue: 'user' },|&\\
    last_seen: { type: DataTypes.DATE },|" server/models/user.js
}

sqlite_models_match () {
	app &&
	commit_all 'app' &&
	expect_code 0 "$MIGCHECK" models >out 2>err &&
	expect_equal out 'models: 0 errors, 0 warnings' &&
	test ! -s err
}
run_test 'sqlite: models matching the migrations, noise included: no findings' sqlite_models_match

sqlite_model_column () {
	app &&
	add_last_seen &&
	commit_all 'app' &&
	expect_code 1 "$MIGCHECK" models >out 2>err &&
	expect_equal out 'error: table main.t_user: column last_seen is in the models but no migration creates it [model-not-migrated]
models: 1 error, 0 warnings'
}
run_test 'sqlite: a model column no migration adds' sqlite_model_column

pg_models () {
	app &&
	commit_all 'app' &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG" &&
	expect_code 0 "$MIGCHECK" models >out 2>err &&
	expect_equal out 'models: 0 errors, 0 warnings' &&
	add_last_seen &&
	expect_code 1 "$MIGCHECK" models >out 2>err &&
	expect_equal out 'error: table public.t_user: column last_seen is in the models but no migration creates it [model-not-migrated]
models: 1 error, 0 warnings'
}
run_test 'postgres: models matching the migrations, then a model column no migration adds' pg_models

models_fail_to_load () {
	app &&
	printf "const nope = require('left-pad-nowhere');\nmodule.exports = (sequelize, DataTypes) => sequelize.define('t_x', {});\n" >server/models/broken.js &&
	commit_all 'app' &&
	expect_code 3 "$MIGCHECK" models >out 2>err &&
	test ! -s out &&
	head -n 1 err >err1 &&
	expect_equal err1 "migcheck: the sequelize runner in 'server' cannot build the models' schema: cannot load models/broken.js: Cannot find module 'left-pad-nowhere': make the models load with the packages in its node_modules (a variable they read can be set with runner.env), or point models.path at them" &&
	# no model at all under models.path
	git config -f .migcheck models.path 'server/lib/**' &&
	mkdir -p server/lib && printf 'module.exports = 1;\n' >server/lib/x.js &&
	expect_code 3 "$MIGCHECK" models >out 2>err &&
	expect_equal err "migcheck: the sequelize runner in 'server' cannot build the models' schema: no Sequelize models found in lib: make the models load with the packages in its node_modules (a variable they read can be set with runner.env), or point models.path at them"
}
run_test 'models that fail to load, no models found: exit 3, one message' models_fail_to_load


# check's model-without-migration with the runner: the models, described
# with the change's old and new files, say whether their schema changed.
check_by_runner () {
	app &&
	commit_all 'app' &&
	# an instance method: the file changes, its schema does not
	sed -i "s|  return User;|  User.prototype.display = function () { return this.email; };\\
&|" server/models/user.js &&
	commit_all 'a method' &&
	"$MIGCHECK" check --commit HEAD >out 2>err &&
	expect_equal out "note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)
note: model files changed, the models' schema did not (the sequelize runner described them on both sides)
check: 0 errors, 0 warnings" &&
	add_last_seen &&
	commit_all 'a column' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out 2>err &&
	expect_equal out "server/models/user.js: error: model 'server/models/user.js' changed and no migration was added [model-without-migration]
    to fix: add a migration for the model change, or say why none is needed in the commit message: 'Migcheck-Skip: model-without-migration <reason>'
note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)
check: 1 error, 0 warnings" &&
	# models that do not load: the file rule, and a note saying why
	printf "require('left-pad-nowhere');\nmodule.exports = (sequelize, DataTypes) => sequelize.define('t_x', {});\n" >server/models/broken.js &&
	commit_all 'a broken model' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out 2>err &&
	expect_equal out "server/models/broken.js: error: model 'server/models/broken.js' changed and no migration was added [model-without-migration]
    to fix: add a migration for the model change, or say why none is needed in the commit message: 'Migcheck-Skip: model-without-migration <reason>'
note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)
note: the sequelize runner cannot tell whether the models' schema changed (cannot load models/broken.js: Cannot find module 'left-pad-nowhere'): every model file change counts
check: 1 error, 0 warnings"
}
run_test 'check: the runner tells a method from a column; models that do not load fall back to the file rule' check_by_runner

finish
