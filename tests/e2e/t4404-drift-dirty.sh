#!/bin/sh
# t4404: drift of a golang-migrate database marked dirty at version N (on
# a real PostgreSQL server): what migration N makes is reported as its
# work (drift-dirty, a warning, beside the dirty error), not as drift, and
# --sql never suggests dropping it. When N fails on the scratch database
# too, its statements before the failing one count, and no DROP is
# suggested at all.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

GM_TABLE='CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)'

dirty_db () {
	pg_golang_repo &&
	db=$(pg_new_db "$1") &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f db/migrations/1_users.up.sql >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f db/migrations/2_posts.up.sql >/dev/null &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (2, true)" \
		'CREATE TABLE stray (x int)' &&
	echo "$db"
}

dirty_objects_are_its_own () {
	db=$(dirty_db own) &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --sql >out &&
	expect_equal out "db/migrations/2_posts.up.sql: error: migration '2' is recorded as failed or half-applied in public.schema_migrations [dirty]
db/migrations/3_users_email.up.sql: warning: migration '3' is not applied to the database [pending]
db/migrations/2_posts.up.sql: warning: table public.posts is in the database: the work of migration '2', which public.schema_migrations records as dirty (half-applied) [drift-dirty]
error: table public.stray is in the database but no applied migration creates it [drift-unexpected]
    table public.stray: unexpected
note: tracking table public.schema_migrations (golang-migrate): 1 applied migration(s) replayed on a scratch database
drift: 2 errors, 2 warnings

-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
-- not suggested for table public.posts: the dirty migration '2' made this change; finish or revert that migration instead
DROP TABLE public.stray;" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.severity) \(.migration // "-") \(.file // "-")"' out.json >codes &&
	expect_equal codes 'dirty error 2 db/migrations/2_posts.up.sql
pending warning 3 db/migrations/3_users_email.up.sql
drift-dirty warning 2 db/migrations/2_posts.up.sql
drift-unexpected error - -'
}
run_test 'dirty at 2: its table is drift-dirty, named after migration 2; --sql does not drop it' dirty_objects_are_its_own

dirty_and_failing () {
	pg_golang_repo &&
	write_migration 2_posts.up.sql 'CREATE TABLE posts (id serial PRIMARY KEY, user_id integer NOT NULL);
ALTER TABLE users ADD COLUMN nick text;
ALTER TABLE nowhere ADD COLUMN x int;
CREATE INDEX posts_user_id_idx ON posts (user_id);' &&
	commit_all 'a migration that fails half way' &&
	db=$(pg_new_db failing) &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f db/migrations/1_users.up.sql >/dev/null &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (2, true)" \
		'CREATE TABLE posts (id serial PRIMARY KEY, user_id integer NOT NULL)' \
		'ALTER TABLE users ADD COLUMN nick text' \
		'CREATE TABLE stray (x int)' &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --sql -q >out &&
	expect_equal out "db/migrations/2_posts.up.sql: error: migration '2' is recorded as failed or half-applied in public.schema_migrations [dirty]
error: table public.stray is in the database but no applied migration creates it [drift-unexpected]
    table public.stray: unexpected
drift: 2 errors, 3 warnings

-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
-- not suggested for table public.posts: the dirty migration '2' made this change; finish or revert that migration instead
-- not suggested for table public.stray: it may be the work of the dirty migration '2', which does not replay whole on the scratch database; finish or revert that migration first
-- not suggested for table public.users: column nick: the dirty migration '2' made this change; finish or revert that migration instead" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_grep "^note: migration '2' is recorded as dirty and fails on the scratch database too (db/migrations/2_posts.up.sql:3: .*nowhere.*): what its statements before that one make is taken as its work, and --sql suggests no DROP$" out &&
	expect_grep "^db/migrations/2_posts.up.sql: warning: table public.users: column nick is in the database: the work of migration '2'" out
}
run_test 'dirty at 2 and 2 fails on the scratch too: its first statements count, no DROP suggested' dirty_and_failing

finish
