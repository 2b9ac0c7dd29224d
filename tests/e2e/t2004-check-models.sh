#!/bin/sh
# check: model-without-migration, models.pattern and the
# 'Migcheck-Skip: model-without-migration <reason>' trailer.
. "$(dirname "$0")/lib.sh"

model_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git config -f .migcheck models.path 'src/models/*' &&
	write_migration 001_init.up.sql 'CREATE TABLE users (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE users;' &&
	write_migration src/models/user.js "module.exports = (s, DataTypes) => s.define('User', {
  id: { type: DataTypes.INTEGER, primaryKey: true },
});" &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD
}

add_field () {
	write_migration src/models/user.js "module.exports = (s, DataTypes) => s.define('User', {
  id: { type: DataTypes.INTEGER, primaryKey: true },
  email: { type: DataTypes.STRING, allowNull: false },
});"
}

model_without_migration () {
	model_repo && add_field && commit_all 'add email' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_equal out "src/models/user.js: error: model 'src/models/user.js' changed and no migration was added [model-without-migration]
    to fix: add a migration for the model change, or say why none is needed in the commit message: 'Migcheck-Skip: model-without-migration <reason>'
check: 1 error, 0 warnings"
}
run_test 'a model change without a migration is model-without-migration' model_without_migration

with_migration () {
	model_repo && add_field &&
	write_migration 002_email.up.sql 'ALTER TABLE users ADD COLUMN email text NOT NULL;' &&
	write_migration 002_email.down.sql 'ALTER TABLE users DROP COLUMN email;' &&
	commit_all 'add email' &&
	"$MIGCHECK" check --commit HEAD >out
}
run_test 'a model change with a new migration passes' with_migration

trailer_skips () {
	model_repo && add_field && test_tick &&
	git commit -q -am 'add email (virtual field)

The column already exists.

Migcheck-Skip: model-without-migration column created by 003 on another branch' &&
	"$MIGCHECK" check --commit HEAD >out &&
	expect_grep '^note: model-without-migration skipped by trailer: column created by 003 on another branch' out &&
	"$MIGCHECK" check --range HEAD~1..HEAD >out2
}
run_test 'the Migcheck-Skip trailer with a reason skips the rule' trailer_skips

trailer_needs_reason () {
	model_repo && add_field && test_tick &&
	git commit -q -am 'add email

Migcheck-Skip: model-without-migration' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_grep 'needs a reason' out
}
run_test 'a trailer without a reason does not skip' trailer_needs_reason

trailer_not_in_body () {
	model_repo && add_field && test_tick &&
	git commit -q -am 'add email

Migcheck-Skip: model-without-migration because

this paragraph is the last one, so the line above is not a trailer' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out
}
run_test 'a Migcheck-Skip line outside the trailer block does not count' trailer_not_in_body

message_file () {
	model_repo && add_field && git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_grep '^note: model files changed and no migration is staged' out &&
	printf 'add email\n\n# a comment git strips\n' >msg &&
	expect_code 1 "$MIGCHECK" check --staged --message-file msg >out2 &&
	expect_grep 'model-without-migration' out2 &&
	printf 'add email\n\nMigcheck-Skip: model-without-migration not persisted\n# Please enter the commit message\n' >msg2 &&
	"$MIGCHECK" check --staged --message-file msg2 >out3 &&
	expect_grep 'skipped by trailer: not persisted' out3
}
run_test '--staged --message-file applies the rule with the commit message' message_file

pattern_filters () {
	model_repo &&
	git config -f .migcheck models.pattern 'DataTypes\.|type:|allowNull|references|paranoid|tableName' &&
	git add .migcheck && commit_all pattern &&
	write_migration src/models/user.js "module.exports = (s, DataTypes) => s.define('User', {
  id: { type: DataTypes.INTEGER, primaryKey: true },
}); // TODO: scopes" &&
	commit_all 'comment' &&
	"$MIGCHECK" check --commit HEAD >out &&
	add_field && commit_all 'add email' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out2 &&
	expect_grep 'model-without-migration' out2
}
run_test 'models.pattern: only schema-looking edits fire the rule' pattern_filters

bad_pattern () {
	model_repo &&
	git config -f .migcheck models.pattern 'type:(' &&
	add_field && commit_all 'add email' &&
	expect_code 2 "$MIGCHECK" check --commit HEAD 2>err &&
	expect_grep "^migcheck: .migcheck:[0-9]*: bad value 'type:(' for 'models.pattern'" err
}
run_test 'an invalid models.pattern is a config error (exit 2)' bad_pattern


# Changes under models.path that cannot change the models' schema: a
# comment, a Joi validation of a JSON column, an index.js that requires the
# models, a test file. None is model-without-migration; a column still is.
not_schema_changes () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git config -f .migcheck models.path 'server/models/**' &&
	write_migration 001_init.up.sql 'CREATE TABLE t_scene (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t_scene;' &&
	write_migration server/models/index.js "const Sequelize = require('sequelize');
const sequelize = new Sequelize({ dialect: 'sqlite' });
module.exports = { Scene: require('./scene')(sequelize, Sequelize) };" &&
	write_migration server/models/scene.js "const Joi = require('joi');

const actionSchema = Joi.object().keys({
  type: Joi.string(),
});

module.exports = (sequelize, DataTypes) => {
  // the scene
  const scene = sequelize.define('t_scene', {
    id: { type: DataTypes.UUID, primaryKey: true },
    actions: { type: DataTypes.JSON, validate: { isEven(v) { Joi.assert(v, actionSchema); } } },
  });
  return scene;
};" &&
	write_migration server/models/scene.test.js "describe('scene', () => { it('works', () => {}); });" &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD &&
	sed -i 's|// the scene|// the scene, with its actions (see docs)|' server/models/scene.js &&
	sed -i "s|  type: Joi.string(),|&\\
  duration: Joi.number()\\
    .integer()\\
    .allow(null),|" server/models/scene.js &&
	printf '// loads every model\n' >>server/models/index.js &&
	printf "describe('more', () => {});\n" >>server/models/scene.test.js &&
	commit_all 'comments, validation, index, test' &&
	"$MIGCHECK" check --commit HEAD >out &&
	expect_no_grep 'model-without-migration' out &&
	sed -i "s|    id: { type: DataTypes.UUID, primaryKey: true },|&\\
    name: { type: DataTypes.STRING },|" server/models/scene.js &&
	commit_all 'a column' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_equal out "server/models/scene.js: error: model 'server/models/scene.js' changed and no migration was added [model-without-migration]
    to fix: add a migration for the model change, or say why none is needed in the commit message: 'Migcheck-Skip: model-without-migration <reason>'
check: 1 error, 0 warnings"
}
run_test 'comments, Joi validation, index.js, tests: not a model change; a column is' not_schema_changes

finish
