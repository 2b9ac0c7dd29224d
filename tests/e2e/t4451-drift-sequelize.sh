#!/bin/sh
# t4451: drift of a Sequelize project whose migrations are JavaScript:
# "SequelizeMeta" says what is applied, and the replay on the scratch
# database runs each file through runner.up (node, sequelize and pg from
# npm).
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

NPM_CACHE=${MIGCHECK_NPM_CACHE:-${TMPDIR:-/tmp}/migcheck-npm-cache}

js_migrations_replayed () {
	command -v node >/dev/null && command -v npm >/dev/null || {
		echo "# node and npm are needed (install.sh --test installs them)" >&2
		return 1
	}
	init_repo &&
	cp -R "$MIGCHECK_SRC/tests/fixtures/sequelize-models/." . &&
	printf '[migrations]\n\tdir = migrations\n\tformat = sequelize\n\tdialect = postgres\n[runner]\n\tup = node scripts/run-migration.js {file}\n' >.migcheck &&
	printf 'node_modules/\n' >.gitignore &&
	npm install --no-audit --no-fund --cache "$NPM_CACHE" >npm.log 2>&1 ||
		{ cat npm.log >&2; return 1; }
	commit_all 'sequelize app' &&
	db=$(pg_new_db seq) &&
	dbname=${db##*dbname=} &&
	for f in migrations/*.js; do
		DATABASE_URL="$(pg_uri | sed "s|/postgres?|/$dbname?|")" node scripts/run-migration.js "$f" || return 1
	done &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '(.findings[] | .code), .notes[]' out.json >codes &&
	expect_equal codes 'tracking table public.SequelizeMeta (sequelize): 2 applied migration(s) replayed on a scratch database' &&
	pg_sql "$db" 'CREATE INDEX "Posts_title" ON "Posts" (title)' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.message)"' out.json >codes &&
	expect_equal codes 'drift-unexpected table public.Posts: index Posts_title is in the database but no applied migration creates it'
}
run_test 'Sequelize JS migrations: replayed through runner.up, drift found' js_migrations_replayed

js_without_runner () {
	init_repo &&
	mkdir migrations &&
	cp "$MIGCHECK_SRC"/tests/fixtures/sequelize-models/migrations/*.js migrations/ &&
	printf '[migrations]\n\tdir = migrations\n\tformat = sequelize\n\tdialect = postgres\n' >.migcheck &&
	commit_all 'no runner' &&
	db=$(pg_new_db norunner) &&
	pg_sql "$db" 'CREATE TABLE "SequelizeMeta" (name varchar(255) PRIMARY KEY)' \
		"INSERT INTO \"SequelizeMeta\" VALUES ('20240101000000-create-users.js')" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_equal out "migrations/20240102000000-create-posts.js: warning: migration '20240102000000' is not applied to the database [pending]
note: tracking table public.SequelizeMeta (sequelize): 0 of 1 applied migration replayed on a scratch database; the replay stopped at migrations/20240101000000-create-users.js: a sequelize migration in js cannot be replayed without runner.up (set runner.up, or if the later ones do not need it, declare it in .migcheck: skip = 20240101000000-create-users.js <reason>)
note: schema not compared: the applied migrations could not be replayed
drift: 0 errors, 1 warning"
}
run_test 'JS migrations without runner.up: history only, and a note says why' js_without_runner

finish
