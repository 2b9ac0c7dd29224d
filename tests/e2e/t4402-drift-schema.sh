#!/bin/sh
# t4402: schema drift of a "staging" database built by its migrations and
# then altered by hand: an extra index, a dropped column, a changed
# default, a table made by sync(). Also --sql, --schema, drift.ignore and
# the noise that is not drift (column order, generated names, grants).
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

GM_TABLE='CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)'

staging () {
	pg_golang_repo &&
	db=$(pg_new_db "$1") &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (3, false)" &&
	pg_sql "$db" 'CREATE INDEX users_name_idx ON users (name)' \
		'ALTER TABLE posts DROP COLUMN title' \
		"ALTER TABLE users ALTER COLUMN status SET DEFAULT 'pending'" \
		'CREATE TABLE "Sessions" (id serial PRIMARY KEY, "userId" integer, "createdAt" timestamptz NOT NULL)' &&
	echo "$db"
}

staging_altered_by_hand () {
	db=$(staging hand) &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_equal out "error: table public.Sessions is in the database but no applied migration creates it [drift-unexpected]
    table public.Sessions: unexpected
error: table public.posts: column title is missing from the database [drift-missing]
    table public.posts: column title: missing
error: table public.users: column status differs from what the migrations create [drift-changed]
    table public.users: column status: default 'active'::text -> 'pending'::text
error: table public.users: index users_name_idx is in the database but no applied migration creates it [drift-unexpected]
    table public.users: index users_name_idx: unexpected
note: tracking table public.schema_migrations (golang-migrate): 3 applied migration(s) replayed on a scratch database
drift: 4 errors, 0 warnings" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | .code' out.json | sort >codes &&
	expect_equal codes 'drift-changed
drift-missing
drift-unexpected
drift-unexpected'
}
run_test 'staging altered by hand: each change is one finding' staging_altered_by_hand

suggested_sql () {
	db=$(staging sql) &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --sql -q >out &&
	sed -n '/^-- migcheck drift: SUGGESTED SQL/,$p' out >sql &&
	expect_equal sql '-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
DROP TABLE public."Sessions";
ALTER TABLE public.posts ADD COLUMN title text NOT NULL;
ALTER TABLE public.users ALTER COLUMN status SET DEFAULT '"'"'active'"'"'::text;
DROP INDEX public.users_name_idx;' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --sql --format json >out.json &&
	jq -j .suggested_sql out.json >json.sql &&
	cmp sql json.sql
}
run_test '--sql prints suggested SQL, marked as a suggestion' suggested_sql

ignore_and_schema_filter () {
	db=$(staging ignore) &&
	git config -f .migcheck --add drift.ignore 'table:public.Sessions' &&
	git config -f .migcheck --add drift.ignore 'index:public.users.*_name_idx' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | .code' out.json >codes &&
	expect_equal codes 'drift-missing
drift-changed' &&
	pg_sql "$db" 'CREATE SCHEMA reporting' 'CREATE TABLE reporting.daily (d date)' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --schema reporting --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.message)"' out.json >codes &&
	expect_equal codes 'drift-unexpected schema reporting is in the database but no applied migration creates it
drift-unexpected table reporting.daily is in the database but no applied migration creates it'
}
run_test 'drift.ignore globs and --schema limit what is compared' ignore_and_schema_filter

noise_is_not_drift () {
	pg_golang_repo &&
	db=$(pg_new_db noise) &&
	# the same schema reached another way: columns in another order,
	# extra whitespace, a grant to a role, an unnamed constraint
	pg_sql "$db" "CREATE TABLE users (name text, id serial PRIMARY KEY, status text   NOT NULL DEFAULT 'active', email text NOT NULL)" \
		'CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, user_id integer NOT NULL REFERENCES users (id))' \
		'CREATE INDEX posts_user_id_idx ON posts (user_id)' \
		'CREATE UNIQUE INDEX users_email_idx ON users (email)' \
		'DO $$ BEGIN CREATE ROLE mcdrift_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$' \
		'GRANT SELECT ON users TO mcdrift_reader' \
		"$GM_TABLE" "INSERT INTO schema_migrations VALUES (3, false)" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	pg_codes out.json >codes &&
	test ! -s codes
}
run_test 'column order, whitespace, grants and generated names are not drift' noise_is_not_drift

custom_tracking_table () {
	pg_golang_repo &&
	git config -f .migcheck migrations.table ops.versions &&
	db=$(pg_new_db custom) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" 'CREATE SCHEMA ops' \
		'CREATE TABLE ops.versions (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		"INSERT INTO ops.versions VALUES (3, false)" &&
	# the replay creates the tool's table (and the schema it lives in)
	# before the first migration, as golang-migrate needs them
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '(.findings[] | "\(.code) \(.message)"), .notes[]' out.json >codes &&
	expect_equal codes 'tracking table ops.versions (golang-migrate): 3 applied migration(s) replayed on a scratch database'
}
run_test 'a tracking table under its own name (migrations.table) is not drift' custom_tracking_table

# --sql with hostile names, run for real with psql: quotes doubled, a
# control character spelled as a U&"" escape (never raw on the terminal),
# and afterwards the database has no drift.
pg_suggest_hostile_names () {
	pg_golang_repo &&
	write_migration 4_odd.up.sql 'CREATE TABLE "we""ird;" (id integer PRIMARY KEY, "a;b" text, "select" integer, "Mixed" text);
ALTER TABLE users ADD COLUMN "x""y; DROP TABLE users; --" text;
ALTER TABLE users ADD COLUMN U&"sel\001Bect" text;
ALTER TABLE users ADD COLUMN "user" text;' &&
	write_migration 4_odd.down.sql 'DROP TABLE "we""ird;";' &&
	commit_all odd &&
	db=$(pg_new_db hostile) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (4, false)" \
		'DROP TABLE "we""ird;"' \
		'ALTER TABLE users DROP COLUMN "x""y; DROP TABLE users; --"' \
		'ALTER TABLE users DROP COLUMN U&"sel\001Bect"' \
		'CREATE TABLE "t""; DROP TABLE users; --" (v int)' \
		'CREATE TABLE U&"e\001B[2Jx" (v int)' \
		'ALTER TABLE users ADD COLUMN U&"n\000ADROP TABLE users;" text' \
		'ALTER TABLE users ADD COLUMN "c;d" text' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --sql -q >out &&
	sed -n '/^-- migcheck drift: SUGGESTED SQL/,$p' out >sql &&
	expect_equal sql '-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
DROP TABLE public.U&"e\001B[2Jx";
DROP TABLE public."t""; DROP TABLE users; --";
ALTER TABLE public.users DROP COLUMN "c;d";
ALTER TABLE public.users DROP COLUMN U&"n\000ADROP TABLE users;";
ALTER TABLE public.users ADD COLUMN U&"sel\001Bect" text;
ALTER TABLE public.users ADD COLUMN "x""y; DROP TABLE users; --" text;
CREATE TABLE public."we""ird;" (
	id integer NOT NULL,
	"a;b" text,
	"select" integer,
	"Mixed" text,
	CONSTRAINT "we""ird;_pkey" PRIMARY KEY (id)
);' &&
	! tr -d '\n\t' <out | LC_ALL=C grep -q '[[:cntrl:]]' &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f sql >/dev/null &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" >out &&
	pg_sql "$db" 'SELECT 1 FROM users' &&
	psql -X -At "$db" -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = E'sel\\033ect'" >n &&
	expect_equal n 1
}
run_test 'PostgreSQL --sql: hostile names quoted, run for real' pg_suggest_hostile_names

finish
