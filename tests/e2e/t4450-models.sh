#!/bin/sh
# t4450: migcheck models against a real PostgreSQL: a models.schema SQL
# file, and a real Sequelize project (sequelize + pg from npm) whose User
# model is paranoid while no migration adds deletedAt.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

# npm's cache outlives the test's HOME so reruns need not download again
NPM_CACHE=${MIGCHECK_NPM_CACHE:-${TMPDIR:-/tmp}/migcheck-npm-cache}

sequelize_migrations () {
	write_migration 20240101000000_users.up.sql 'CREATE TABLE "Users" (
	id serial PRIMARY KEY,
	email varchar(255) NOT NULL UNIQUE,
	name varchar(255),
	"createdAt" timestamptz NOT NULL,
	"updatedAt" timestamptz NOT NULL
);' &&
	write_migration 20240101000000_users.down.sql 'DROP TABLE "Users";' &&
	write_migration 20240102000000_posts.up.sql 'CREATE TABLE "Posts" (
	id serial PRIMARY KEY,
	title varchar(255) NOT NULL,
	body text,
	"createdAt" timestamptz NOT NULL,
	"updatedAt" timestamptz NOT NULL,
	"userId" integer REFERENCES "Users" (id) ON UPDATE CASCADE ON DELETE SET NULL
);' &&
	write_migration 20240102000000_posts.down.sql 'DROP TABLE "Posts";'
}

paranoid_model_names_deleted_at () {
	command -v node >/dev/null && command -v npm >/dev/null || {
		echo "# node and npm are needed (install.sh --test installs them)" >&2
		return 1
	}
	init_repo &&
	cp -R "$MIGCHECK_SRC/tests/fixtures/sequelize-models/." . &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = postgres\n[models]\n\tpath = models/**\n\tcommand = node scripts/sync-models.js\n' >.migcheck &&
	sequelize_migrations &&
	printf 'node_modules/\n' >.gitignore &&
	npm install --no-audit --no-fund --cache "$NPM_CACHE" >npm.log 2>&1 ||
		{ cat npm.log >&2; return 1; }
	test -d node_modules/sequelize && test -d node_modules/pg &&
	commit_all 'sequelize app' &&
	expect_code 1 "$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_equal out 'error: table public.Users: column deletedAt is in the models but no migration creates it [model-not-migrated]
models: 1 error, 0 warnings' &&
	expect_code 1 "$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.severity)"' out.json >codes &&
	expect_equal codes 'model-not-migrated error' &&
	# adding the migration makes it clean
	write_migration 20240103000000_users_deleted_at.up.sql 'ALTER TABLE "Users" ADD COLUMN "deletedAt" timestamptz;' &&
	write_migration 20240103000000_users_deleted_at.down.sql 'ALTER TABLE "Users" DROP COLUMN "deletedAt";' &&
	expect_code 0 "$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_equal out 'models: 0 errors, 0 warnings'
}
run_test 'Sequelize paranoid model: deletedAt is named' paranoid_model_names_deleted_at

models_schema_file () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = postgres\n[models]\n\tschema = db/schema.sql\n' >.migcheck &&
	write_migration 1_a.up.sql 'CREATE TABLE accounts (id int PRIMARY KEY, plan text NOT NULL DEFAULT '"'"'free'"'"', legacy int);
CREATE TABLE audit (id int);' &&
	write_migration 1_a.down.sql 'DROP TABLE accounts; DROP TABLE audit;' &&
	write_migration db/schema.sql 'CREATE TABLE accounts (id int PRIMARY KEY, plan varchar(20) NOT NULL, owner text);
CREATE TABLE audit (id int);
CREATE TABLE invoices (id int);' &&
	commit_all models &&
	expect_code 1 "$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" -v >out &&
	expect_equal out "warning: table public.accounts: column legacy is created by the migrations but no model has it [migration-not-modeled]
error: table public.accounts: column owner is in the models but no migration creates it [model-not-migrated]
error: table public.accounts: column plan differs between the models and the migrations [model-mismatch]
    default: migrations 'free'::text, models (none)
    type: migrations text, models character varying(20)
error: table public.invoices is in the models but no migration creates it [model-not-migrated]
models: 3 errors, 1 warning"
}
run_test 'models.schema: new column, changed column, new table' models_schema_file

models_not_configured () {
	pg_golang_repo &&
	expect_code 2 "$MIGCHECK" models >out 2>err &&
	expect_equal err 'migcheck: no models schema configured: set models.path with runner.tool = sequelize, or models.schema (a SQL file) or models.command in .migcheck'
}
run_test 'models without models.schema or models.command: exit 2' models_not_configured

models_command_fails () {
	pg_golang_repo &&
	git config -f .migcheck models.command 'sh -c "echo boom >&2; exit 4"' &&
	expect_code 3 "$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" >out 2>err &&
	expect_equal err "migcheck: models.command 'sh -c \"echo boom >&2; exit 4\"' exited with 4: boom"
}
run_test 'a failing models.command: exit 3 with its last stderr line' models_command_fails

# staging was migrated, then someone ran sync() with a model that has no
# migration: drift names the table sync() made, and nothing else
sync_made_table_is_drift () {
	init_repo &&
	cp -R "$MIGCHECK_SRC/tests/fixtures/sequelize-models/." . &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = postgres\n' >.migcheck &&
	sequelize_migrations &&
	write_migration 20240103000000_users_deleted_at.up.sql 'ALTER TABLE "Users" ADD COLUMN "deletedAt" timestamptz;' &&
	write_migration 20240103000000_users_deleted_at.down.sql 'ALTER TABLE "Users" DROP COLUMN "deletedAt";' &&
	cat >models/session.js <<'JS' &&
'use strict';
const { DataTypes } = require('sequelize');
module.exports = (sequelize) => sequelize.define('Session', {
  token: { type: DataTypes.STRING, allowNull: false },
});
JS
	cat >scripts/sync-with-sessions.js <<'JS' &&
'use strict';
const { sequelize } = require('../models');
require('../models/session')(sequelize);
sequelize.sync().then(() => sequelize.close())
  .catch((err) => { console.error(err.message); process.exit(1); });
JS
	printf 'node_modules/\n' >.gitignore &&
	npm install --no-audit --no-fund --cache "$NPM_CACHE" >npm.log 2>&1 ||
		{ cat npm.log >&2; return 1; }
	commit_all 'sequelize app' &&
	db=$(pg_new_db synced) &&
	for f in db/migrations/*.up.sql; do
		psql -X -q -v ON_ERROR_STOP=1 "$db" -f "$f" >/dev/null || return 1
	done &&
	pg_sql "$db" 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		"INSERT INTO schema_migrations VALUES (20240103000000, false)" &&
	dbname=${db##*dbname=} &&
	DATABASE_URL="$(pg_uri | sed "s|/postgres?|/$dbname?|")" node scripts/sync-with-sessions.js &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.message)"' out.json >codes &&
	expect_equal codes 'drift-unexpected table public.Sessions is in the database but no applied migration creates it'
}
run_test 'a table made by sync() on staging is drift-unexpected' sync_made_table_is_drift

# Ctrl-C while models.command runs: exit 130, both scratch databases gone
interrupted_models_leaves_nothing () {
	pg_golang_repo &&
	git config -f .migcheck models.command 'sleep 60' &&
	"$MIGCHECK" models --scratch "$MIGCHECK_TEST_PG" >out 2>err &
	pid=$!
	n=0
	# wait (up to 60 s) until both scratch databases exist and sleep runs
	while :; do
		c=$(psql -X -At "$MIGCHECK_TEST_PG" -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%'")
		[ "$c" = 2 ] && pgrep -P "$pid" sleep >/dev/null && break
		n=$((n + 1))
		[ $n -lt 600 ] || { kill "$pid"; echo "# scratch databases never appeared" >&2; return 1; }
		sleep 0.1
	done
	# as a terminal's Ctrl-C does: the signal reaches migcheck and its child
	kill -INT "$pid" $(pgrep -P "$pid" sleep) &&
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" = 130 ] || { echo "# exit $rc, expected 130" >&2; cat err >&2; return 1; }
	expect_equal err 'migcheck: interrupted' &&
	c=$(psql -X -At "$MIGCHECK_TEST_PG" -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_${pid}\\_%'") &&
	expect_equal "$(printf '%s\n' "$c" >count && echo count)" 0
}
run_test 'SIGINT during models.command: exit 130, no scratch database left' interrupted_models_leaves_nothing

finish
