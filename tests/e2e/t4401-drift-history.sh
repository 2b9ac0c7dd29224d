#!/bin/sh
# t4401: drift history against a real PostgreSQL: tracking tables of
# golang-migrate, dbmate, goose and Flyway; pending, unknown-applied,
# dirty; a missing tracking table.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

GM_TABLE='CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)'

clean_golang_migrate () {
	pg_golang_repo &&
	db=$(pg_new_db clean) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (3, false)" &&
	# no --scratch: migcheck's own throw-away cluster
	expect_code 0 "$MIGCHECK" drift --db "$db" --format json >out.json &&
	jq -c . out.json >compact.json &&
	expect_equal compact.json '{"command":"drift","ok":true,"findings":[],"summary":{"errors":0,"warnings":0},"notes":["tracking table public.schema_migrations (golang-migrate): 3 applied migration(s) replayed on a scratch database"]}' ||
	{ jq . out.json >&2; false; }
}
run_test 'a database built by its migrations has no drift' clean_golang_migrate

pending_warning_then_error () {
	pg_golang_repo &&
	db=$(pg_new_db pending) &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f db/migrations/1_users.up.sql >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 "$db" -f db/migrations/2_posts.up.sql >/dev/null &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (2, false)" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --history-only >out &&
	expect_equal out "db/migrations/3_users_email.up.sql: warning: migration '3' is not applied to the database [pending]
drift: 0 errors, 1 warning" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --history-only --require-applied \
		--format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.severity) \(.migration)"' out.json >codes &&
	expect_equal codes 'pending error 3'
}
run_test 'pending is a warning, an error with --require-applied' pending_warning_then_error

unknown_applied_dbmate () {
	pg_golang_repo &&
	db=$(pg_new_db dbmate) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)" \
		"INSERT INTO schema_migrations VALUES ('1'), ('2'), ('3'), ('20990101000000')" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --history-only >out &&
	expect_equal out "error: the database records migration '20990101000000' (public.schema_migrations), which is not in the repository [unknown-applied]
drift: 1 error, 0 warnings"
}
run_test 'an applied version the repository lacks is unknown-applied' unknown_applied_dbmate

dirty_golang_migrate () {
	pg_golang_repo &&
	db=$(pg_new_db dirty) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (3, true)" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --history-only --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.severity) \(.file) \(.migration): \(.message)"' out.json >codes &&
	expect_equal codes "dirty error db/migrations/3_users_email.up.sql 3: migration '3' is recorded as failed or half-applied in public.schema_migrations"
}
run_test 'a dirty golang-migrate row is reported' dirty_golang_migrate

flyway_failed_row () {
	init_repo &&
	printf '[migrations]\n\tdir = sql\n\tformat = flyway\n\tdialect = postgres\n' >.migcheck &&
	write_migration sql/V1__init.sql 'CREATE TABLE a (id int);' &&
	write_migration sql/V1_1__more.sql 'CREATE TABLE b (id int);' &&
	write_migration sql/V2__later.sql 'CREATE TABLE c (id int);' &&
	commit_all flyway &&
	db=$(pg_new_db flyway) &&
	pg_sql "$db" 'CREATE TABLE a (id int)' \
		'CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL)' \
		"INSERT INTO flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'ci', now(), 5, true), (2, '1.1', 'more', 'SQL', 'V1_1__more.sql', 2, 'ci', now(), 5, false)" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --history-only --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.file) \(.migration) \(.detail // "-")"' out.json >codes &&
	expect_equal codes 'dirty sql/V1_1__more.sql 1.1 installed_rank 2, script V1_1__more.sql
pending sql/V2__later.sql 2 -'
}
run_test 'a failed Flyway row is dirty, later ones pending' flyway_failed_row

goose_table () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = goose\n\tdialect = postgres\n' >.migcheck &&
	write_migration 00001_a.sql '-- +goose Up
CREATE TABLE a (id int);
-- +goose Down
DROP TABLE a;' &&
	write_migration 00002_b.sql '-- +goose Up
CREATE TABLE b (id int);
-- +goose Down
DROP TABLE b;' &&
	commit_all goose &&
	db=$(pg_new_db goose) &&
	pg_sql "$db" 'CREATE TABLE a (id int)' \
		'CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())' \
		"INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (2, false)" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	pg_codes out.json >codes &&
	expect_equal codes 'pending 00002'
}
run_test 'goose: a rolled-back version is pending; the schema matches' goose_table

missing_tracking_table () {
	pg_golang_repo &&
	db=$(pg_new_db empty) &&
	expect_code 3 "$MIGCHECK" drift --db "$db" >out 2>err &&
	test ! -s out &&
	expect_equal err "migcheck: no migration tracking table found in the database (looked for schema_migrations, goose_db_version, SequelizeMeta, flyway_schema_history, knex_migrations, alembic_version, gorp_migrations); set migrations.table if it has another name" &&
	expect_code 3 "$MIGCHECK" drift --db "$db" --table ops.versions >out 2>err &&
	expect_equal err "migcheck: tracking table 'ops.versions' not found in the database (migrations.table)"
}
run_test 'no tracking table: exit 3 with a clear message' missing_tracking_table

database_url_from_environment () {
	pg_golang_repo &&
	db=$(pg_new_db env) &&
	pg_apply_ups "$db" &&
	pg_sql "$db" "$GM_TABLE" "INSERT INTO schema_migrations VALUES (3, false)" &&
	MIGCHECK_DATABASE_URL=$db expect_code 0 "$MIGCHECK" drift --history-only --format json >out.json &&
	pg_codes out.json >codes &&
	test ! -s codes
}
run_test 'MIGCHECK_DATABASE_URL stands in for --db' database_url_from_environment

no_database () {
	pg_golang_repo &&
	expect_code 2 "$MIGCHECK" drift >out 2>err &&
	expect_grep "^migcheck drift: no database given: pass --db <url> or set MIGCHECK_DATABASE_URL$" err
}
run_test 'no --db and no MIGCHECK_DATABASE_URL is a usage error' no_database

sequelize_and_knex_names () {
	init_repo &&
	printf '[migrations]\n\tdir = migrations\n\tformat = sequelize\n\tdialect = postgres\n' >.migcheck &&
	write_migration migrations/20240101000000-create-users.js 'module.exports = { up: async () => {}, down: async (q) => q.dropTable("a") };' &&
	write_migration migrations/20240201000000-create-posts.js 'module.exports = { up: async () => {}, down: async (q) => q.dropTable("a") };' &&
	commit_all sequelize &&
	db=$(pg_new_db seqmeta) &&
	pg_sql "$db" 'CREATE TABLE "SequelizeMeta" (name varchar(255) NOT NULL PRIMARY KEY)' \
		"INSERT INTO \"SequelizeMeta\" VALUES ('20240101000000-create-users.js'), ('20240301000000-hotfix.js')" &&
	expect_code 1 "$MIGCHECK" drift --db "$db" --history-only --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.file // "-") \(.migration)"' out.json >codes &&
	expect_equal codes 'unknown-applied - 20240301000000-hotfix.js
pending migrations/20240201000000-create-posts.js 20240201000000' &&
	db=$(pg_new_db knex) &&
	pg_sql "$db" 'CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, migration_time timestamptz)' \
		"INSERT INTO knex_migrations (name, batch) VALUES ('20240101000000-create-users.js', 1), ('20240201000000-create-posts.js', 2)" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --history-only --format json >out.json &&
	pg_codes out.json >codes &&
	test ! -s codes
}
run_test 'Sequelize and knex record file names' sequelize_and_knex_names

two_tracking_tables () {
	pg_golang_repo &&
	db=$(pg_new_db two) &&
	pg_sql "$db" "$GM_TABLE" 'CREATE TABLE goose_db_version (id serial, version_id bigint, is_applied boolean)' &&
	expect_code 3 "$MIGCHECK" drift --db "$db" --history-only >out 2>err &&
	expect_equal err "migcheck: several migration tracking tables found ('goose_db_version' and 'schema_migrations'); set migrations.table to the one in use" &&
	expect_code 0 "$MIGCHECK" drift --db "$db" --history-only --table schema_migrations --format json >out.json
}
run_test 'two tracking tables: exit 3 until migrations.table picks one' two_tracking_tables

no_migrations_folder () {
	init_repo &&
	expect_code 2 "$MIGCHECK" drift --db "$MIGCHECK_TEST_PG" >out 2>err &&
	expect_equal err 'migcheck: no migrations folder found: pass --dir <dir> or set migrations.dir (migcheck init)' &&
	printf '[migrations]\n\tdir = nope\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" drift --db "$MIGCHECK_TEST_PG" >out 2>err &&
	expect_equal err "migcheck: migrations folder 'nope' does not exist"
}
run_test 'no migrations folder: exit 2 naming migrations.dir' no_migrations_folder

finish
