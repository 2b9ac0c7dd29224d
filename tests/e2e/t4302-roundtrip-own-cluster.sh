#!/bin/sh
# migcheck's own throw-away PostgreSQL server, as a user on a stock
# Debian gets it: no server configured, and a PATH with no initdb,
# postgres or pg_ctl (/usr/lib/postgresql/<major>/bin is not on it).
# Runners reach that server over 127.0.0.1: sequelize-cli through {url}
# and through DATABASE_URL (use_env_variable), node-postgres through
# {url}, DATABASE_URL and PG*, psql through {url} and PG*. A scratch
# server that a runner cannot use (a unix socket for sequelize) is one
# exit-3 error before the first migration.
. "$(dirname "$0")/lib.sh"
require_pg

# bare CMD...: CMD with only what a login on a stock Debian has
bare () {
	env -i PATH=/usr/bin:/bin HOME="$HOME" LC_ALL=C TZ=UTC NO_COLOR=1 \
		GIT_CONFIG_NOSYSTEM=1 \
		${MIGCHECK_WRAPPED:+MIGCHECK_WRAPPED="$MIGCHECK_WRAPPED"} \
		${MIGCHECK_VALGRIND_LOGS:+MIGCHECK_VALGRIND_LOGS="$MIGCHECK_VALGRIND_LOGS"} \
		MIGCHECK_SRC="$MIGCHECK_SRC" "$@"
}

clean='note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'

sql_setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_posts.up.sql 'CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users (id));' &&
	write_migration 002_posts.down.sql 'DROP TABLE posts;'
}

own_cluster_without_initdb_on_path () {
	sql_setup &&
	if bare sh -c 'command -v initdb || command -v postgres || command -v pg_ctl'; then
		echo "# the bare PATH holds PostgreSQL's server programs" >&2
		return 1
	fi &&
	# a temporary folder of its own, to see that nothing is left there
	# (the postgres user, when we are root, must reach the cluster in it)
	mkdir "$TEST_ROOT/tmp" && chmod 711 "$TEST_ROOT" "$TEST_ROOT/tmp" &&
	bare TMPDIR="$TEST_ROOT/tmp" "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean" &&
	[ ! -s err ] &&
	[ -z "$(ls -A "$TEST_ROOT/tmp")" ]
}
run_test 'roundtrip starts its own server with initdb off PATH' own_cluster_without_initdb_on_path

what_a_runner_is_told () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck runner.up "sh -c 'printf \"%s\\n\" \"\$1\" \"\$DATABASE_URL\" \"\$PGHOST\" \"\$PGPORT\" \"\$PGUSER\" \"\$PGDATABASE\" \"\$PGPASSWORD\" >\"\$0\"' $TEST_ROOT/seen {url}" &&
	git config -f .migcheck runner.down true &&
	write_migration 20240101000000-nothing.js 'module.exports = {};' &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	# the runner only writes down what it is told: an up with no effect
	expect_equal out 'db/migrations/20240101000000-nothing.js: warning: up changed neither the schema nor the tracking table: does the runner run this migration? [up-no-effect]
note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 1 warning' &&
	url=$(sed -n 1p "$TEST_ROOT/seen") &&
	port=${url##*:} && port=${port%%/*} &&
	pw=${url#postgresql://postgres:} && pw=${pw%%@*} &&
	printf '%s\n' "$url" | grep -Eqx 'postgresql://postgres:[0-9a-f]{32}@127\.0\.0\.1:[0-9]+/migcheck_scratch' &&
	expect_equal "$TEST_ROOT/seen" "$url
$url
127.0.0.1
$port
postgres
migcheck_scratch
$pw" &&
	# the password is never printed
	! grep -q "$pw" out err
}
run_test 'runners get a 127.0.0.1 URL in {url}, DATABASE_URL and PG*' what_a_runner_is_told

psql_runner () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect postgres &&
	# up through {url}, down through PG* alone
	git config -f .migcheck runner.up "psql -X -q -v ON_ERROR_STOP=1 -d {url} -c 'CREATE TABLE t{version} (id int)'" &&
	git config -f .migcheck runner.down "psql -X -q -v ON_ERROR_STOP=1 -c 'DROP TABLE t{version}'" &&
	write_migration 20240101000000-one.js 'module.exports = {};' &&
	write_migration 20240102000000-two.js 'module.exports = {};' &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'a psql runner through {url} and PG*' psql_runner

# node_setup MODE: migrations applied by db/run.js with node-postgres;
# MODE says how it finds the database: url ({url}), env (DATABASE_URL)
# or pg (PGHOST, PGPORT, ... only)
node_setup () {
	sequelize_packages &&
	init_repo &&
	ln -s "$sequelize_modules" node_modules &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck runner.up "node db/run.js $1 up {file} {url}" &&
	git config -f .migcheck runner.down "node db/run.js $1 down {file} {url}" &&
	write_migration db/run.js "const { Client } = require('pg');
const path = require('path');
const [mode, dir, file, url] = process.argv.slice(2);
const config = mode === 'url' ? { connectionString: url }
  : mode === 'env' ? { connectionString: process.env.DATABASE_URL } : {};
(async () => {
  const client = new Client(config);
  await client.connect();
  await client.query(require(path.resolve(file))[dir]);
  await client.end();
})().catch((e) => { console.error('error: ' + e.message); process.exit(1); });" &&
	write_migration 20240101000000-users.js "module.exports = {
  up: 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL)',
  down: 'DROP TABLE users',
};" &&
	write_migration 20240102000000-email.js "module.exports = {
  up: 'CREATE UNIQUE INDEX users_email ON users (email)',
  down: 'DROP INDEX users_email',
};"
}

node_pg_url () {
	node_setup url &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'a node-postgres runner through {url}' node_pg_url

node_pg_database_url () {
	node_setup env &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'a node-postgres runner through DATABASE_URL' node_pg_database_url

node_pg_variables () {
	node_setup pg &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'a node-postgres runner through PGHOST, PGPORT, PGUSER, PGPASSWORD' node_pg_variables

# sequelize_setup WAY: sequelize-cli reads the database from --url {url}
# (WAY=url) or from DATABASE_URL through use_env_variable (WAY=env)
sequelize_setup () {
	sequelize_packages &&
	init_repo &&
	ln -s "$sequelize_modules" node_modules &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect postgres &&
	if [ "$1" = url ]; then
		url=' --url {url}'
	else
		url= &&
		write_migration config/config.json '{
  "development": { "use_env_variable": "DATABASE_URL", "dialect": "postgres", "logging": false }
}'
	fi &&
	git config -f .migcheck runner.up "node_modules/.bin/sequelize-cli db:migrate --migrations-path db/migrations --to {version}-{name}.js$url" &&
	git config -f .migcheck runner.down "node_modules/.bin/sequelize-cli db:migrate:undo --migrations-path db/migrations --name {version}-{name}.js$url" &&
	write_migration 20240101000000-create-users.js "'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: Sequelize.STRING, allowNull: false },
    });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('users');
  },
};" &&
	write_migration 20240102000000-users-email.js "'use strict';
module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('users', ['email'], { name: 'users_email', unique: true });
  },
  async down(queryInterface) {
    await queryInterface.removeIndex('users', 'users_email');
  },
};"
}

sequelize_url () {
	sequelize_setup url &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'sequelize-cli --url {url} on migcheck'"'"'s own server' sequelize_url

sequelize_use_env_variable () {
	sequelize_setup env &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out "$clean"
}
run_test 'sequelize-cli with use_env_variable DATABASE_URL on migcheck'"'"'s own server' sequelize_use_env_variable

resident_own_cluster () {
	sequelize_setup env &&
	git config -f .migcheck --unset runner.up &&
	git config -f .migcheck --unset runner.down &&
	git config -f .migcheck runner.tool sequelize &&
	write_migration db/models/index.js "const { Sequelize } = require('sequelize');
const config = require('../../config/config.json').development;
module.exports = { sequelize: new Sequelize(process.env[config.use_env_variable], config) };" &&
	write_migration 20240103000000-users-name.js "'use strict';
const db = require('../models');
module.exports = {
  up: async () => { await db.sequelize.query('ALTER TABLE users ADD COLUMN name text'); },
  down: async () => { await db.sequelize.query('ALTER TABLE users DROP COLUMN name'); },
};" &&
	bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal out 'note: 3 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test "the resident Sequelize runner on migcheck's own server, models through DATABASE_URL" resident_own_cluster

# the test server listens on a unix socket only
socket_dir=$(printf '%s\n' "$MIGCHECK_TEST_PG" | sed -n 's/.*host=\([^ ]*\).*/\1/p')

sequelize_socket_scratch () {
	sequelize_setup url &&
	expect_code 3 bare "$MIGCHECK" roundtrip --scratch "$MIGCHECK_TEST_PG" >out 2>err &&
	expect_equal err "migcheck: runner.up runs sequelize-cli, which reads only a host and port from the database URL and cannot reach the scratch server through the unix socket in '$socket_dir': pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), or none to let migcheck start its own" &&
	[ ! -s out ]
}
run_test 'sequelize-cli and a --scratch unix socket: exit 3 naming the runner' sequelize_socket_scratch

sequelize_socket_config () {
	sequelize_setup env &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG" &&
	expect_code 3 bare "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal err "migcheck: runner.up runs sequelize-cli, which reads only a host and port from the database URL and cannot reach the scratch server through the unix socket in '$socket_dir': pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), or none to let migcheck start its own"
}
run_test 'use_env_variable and a scratch.postgres unix socket: exit 3' sequelize_socket_config

finish
