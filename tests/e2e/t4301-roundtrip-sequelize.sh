#!/bin/sh
# Sequelize migrations (JS) round-tripped through [runner] with the real
# sequelize-cli and pg from npm against the PostgreSQL scratch database.
# The packages are installed with 'npm ci' from tests/fixtures/sequelize
# into a cache in the build tree; no network is a failure, not a skip.
. "$(dirname "$0")/lib.sh"
require_pg

fixture=$MIGCHECK_SRC/tests/fixtures/sequelize

setup () {
	sequelize_packages &&
	init_repo &&
	ln -s "$sequelize_modules" node_modules &&
	mkdir config && cp "$fixture/config/config.js" config/ &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG" &&
	git config -f .migcheck runner.up 'node_modules/.bin/sequelize-cli db:migrate --migrations-path db/migrations --to {version}-{name}.js' &&
	git config -f .migcheck runner.down 'node_modules/.bin/sequelize-cli db:migrate:undo --migrations-path db/migrations --name {version}-{name}.js' &&
	write_migration 20240101000000-create-users.js "'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: Sequelize.STRING, allowNull: false },
      role: { type: Sequelize.ENUM('admin', 'member'), defaultValue: 'member' },
    });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('users');
    await queryInterface.sequelize.query('DROP TYPE \"enum_users_role\"');
  },
};"
}

sequelize_clean () {
	setup &&
	write_migration 20240102000000-users-email.js "'use strict';
module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('users', ['email'], { name: 'users_email', unique: true });
  },
  async down(queryInterface) {
    await queryInterface.removeIndex('users', 'users_email');
  },
};" &&
	"$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'sequelize-cli migrations that reverse give no findings' sequelize_clean

sequelize_forgets_index () {
	setup &&
	write_migration 20240102000000-users-email.js "'use strict';
module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('users', ['email'], { name: 'users_email', unique: true });
  },
  async down() {
  },
};" &&
	expect_code 1 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'db/migrations/20240102000000-users-email.js:6: warning: down is an empty function: the migration cannot be reverted [empty-down]
db/migrations/20240102000000-users-email.js: error: down does not restore the schema from before up [down-not-inverse]
    table public.users: index users_email: unexpected
note: 1 migration round-tripped, 1 up only (down not round-tripped) on a scratch postgres database (step mode)
roundtrip: 1 error, 1 warning'
}
run_test 'a sequelize down that forgets an index is named' sequelize_forgets_index

finish
