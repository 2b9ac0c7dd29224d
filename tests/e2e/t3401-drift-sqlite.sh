#!/bin/sh
# t3401: drift and models on SQLite: no server needed. The target file is
# opened read-only and is byte for byte the same afterwards.
. "$(dirname "$0")/lib.sh"

sqlite_repo () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = sqlite\n' >.migcheck &&
	write_migration 1_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);' &&
	write_migration 1_users.down.sql 'DROP TABLE users;' &&
	write_migration 2_email.up.sql 'CREATE UNIQUE INDEX users_email ON users (email);' &&
	write_migration 2_email.down.sql 'DROP INDEX users_email;' &&
	commit_all sqlite
}

build_target () {
	for f in db/migrations/1_users.up.sql db/migrations/2_email.up.sql; do
		sqlite3 "$1" <"$f" || return 1
	done
	sqlite3 "$1" 'CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, dirty INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (2, 0);'
}

clean_sqlite () {
	sqlite_repo &&
	build_target "$PWD/staging.db" &&
	expect_code 0 "$MIGCHECK" drift --db "sqlite://$PWD/staging.db" --format json >out.json &&
	jq -r '.findings | length' out.json >n &&
	expect_equal n 0
}
run_test 'a SQLite database built by its migrations has no drift' clean_sqlite

altered_sqlite_read_only () {
	sqlite_repo &&
	build_target "$PWD/staging.db" &&
	sqlite3 staging.db 'CREATE INDEX users_name ON users (name); CREATE TABLE tmp_import (x);' &&
	cksum staging.db >before &&
	expect_code 1 "$MIGCHECK" drift --db staging.db >out &&
	expect_equal out "error: table main.tmp_import is in the database but no applied migration creates it [drift-unexpected]
    table main.tmp_import: unexpected
error: table main.users: index users_name is in the database but no applied migration creates it [drift-unexpected]
    table main.users: index users_name: unexpected
note: tracking table schema_migrations (golang-migrate): 2 applied migration(s) replayed on a scratch database
drift: 2 errors, 0 warnings" &&
	cksum staging.db >after &&
	expect_equal after "$(cat before)" &&
	test ! -e staging.db-journal && test ! -e staging.db-wal
}
run_test 'a SQLite target altered by hand; the file is not touched' altered_sqlite_read_only

replay_stops_at_failed_up () {
	sqlite_repo &&
	write_migration 3_import.up.sql 'INSERT INTO users (email) SELECT email FROM legacy_users;' &&
	write_migration 3_import.down.sql 'DELETE FROM users;' &&
	write_migration 4_posts.up.sql 'CREATE TABLE posts (id INTEGER PRIMARY KEY);' &&
	write_migration 4_posts.down.sql 'DROP TABLE posts;' &&
	commit_all 'an import from a table made by hand' &&
	build_target "$PWD/staging.db" &&
	# production had the table the import reads; the scratch database has not
	sqlite3 staging.db "CREATE TABLE legacy_users (email TEXT); $(cat db/migrations/3_import.up.sql db/migrations/4_posts.up.sql) DROP TABLE legacy_users; UPDATE schema_migrations SET version = 4;" &&
	expect_code 1 "$MIGCHECK" drift --db staging.db >out &&
	expect_equal out "db/migrations/3_import.up.sql:1: error: migration '3' failed on the scratch database: no such table: legacy_users [up-failed]
    INSERT INTO users (email) SELECT email FROM legacy_users;
note: tracking table schema_migrations (golang-migrate): 2 of 4 applied migrations replayed on a scratch database; the replay stopped at db/migrations/3_import.up.sql: its up failed there (up-failed)
note: schema not compared: the applied migrations could not be replayed
drift: 1 error, 0 warnings"
}
run_test 'the replay note says how many were replayed and where an up failed' replay_stops_at_failed_up

sqlite_dirty_and_pending () {
	sqlite_repo &&
	build_target "$PWD/staging.db" &&
	sqlite3 staging.db 'UPDATE schema_migrations SET version = 1, dirty = 1;' &&
	expect_code 1 "$MIGCHECK" drift --history-only --db "sqlite://$PWD/staging.db" --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.migration)"' out.json >codes &&
	expect_equal codes 'dirty 1
pending 2'
}
run_test 'SQLite: a dirty row and a pending migration' sqlite_dirty_and_pending

# sql-migrate records each migration by its whole file name in
# gorp_migrations (id, applied_at), or in a table of another name
sql_migrate_repo () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = sql-migrate\n\tdialect = sqlite\n' >.migcheck &&
	write_migration 20230222172540-uid-1.sql '-- +migrate Up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- +migrate Down
DROP TABLE users;' &&
	write_migration 20230222172540-uid-2.sql '-- +migrate Up
CREATE TABLE teams (id INTEGER PRIMARY KEY);
-- +migrate Down
DROP TABLE teams;' &&
	write_migration 20230301000000-posts.sql '-- +migrate Up
CREATE TABLE posts (id INTEGER PRIMARY KEY);
-- +migrate Down
DROP TABLE posts;' &&
	commit_all sql-migrate &&
	sqlite3 staging.db "CREATE TABLE ${1:-gorp_migrations} (id TEXT NOT NULL PRIMARY KEY, applied_at DATETIME);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE teams (id INTEGER PRIMARY KEY);
INSERT INTO ${1:-gorp_migrations} VALUES ('20230222172540-uid-1.sql', '2023-03-01'), ('20230222172540-uid-2.sql', '2023-03-01');"
}

sqlite_sql_migrate () {
	sql_migrate_repo &&
	expect_code 0 "$MIGCHECK" drift --db staging.db >out &&
	expect_equal out "db/migrations/20230301000000-posts.sql: warning: migration '20230301000000' is not applied to the database [pending]
note: tracking table gorp_migrations (sql-migrate): 2 applied migration(s) replayed on a scratch database
drift: 0 errors, 1 warning" &&
	sqlite3 staging.db "INSERT INTO gorp_migrations VALUES ('20220101000000-gone.sql', '2022-01-01');" &&
	expect_code 1 "$MIGCHECK" drift --history-only --db staging.db --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.migration)"' out.json >codes &&
	expect_equal codes 'unknown-applied 20220101000000-gone.sql
pending 20230301000000'
}
run_test 'SQLite: sql-migrate drift reads gorp_migrations by file name' sqlite_sql_migrate

sqlite_sql_migrate_named () {
	sql_migrate_repo migration_info &&
	git config -f .migcheck migrations.table migration_info &&
	expect_code 0 "$MIGCHECK" drift --history-only --db staging.db --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.migration)"' out.json >codes &&
	expect_equal codes 'pending 20230301000000'
}
run_test 'SQLite: sql-migrate tracking table under another name (migrations.table)' sqlite_sql_migrate_named

# each folder's own tracking table: [migrations "<dir>"] table, and two
# folders naming different tables are one database each (--dir)
sqlite_sql_migrate_folder_table () {
	sql_migrate_repo migration_info &&
	git config -f .migcheck 'migrations.db/migrations.table' migration_info &&
	expect_code 0 "$MIGCHECK" drift --history-only --db staging.db --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.migration)"' out.json >codes &&
	expect_equal codes 'pending 20230301000000' &&
	write_migration other/20230401000000-x.sql '-- +migrate Up
CREATE TABLE x (id INTEGER PRIMARY KEY);
-- +migrate Down
DROP TABLE x;' &&
	git config -f .migcheck --add migrations.dir other &&
	commit_all other &&
	expect_code 2 "$MIGCHECK" drift --history-only --db staging.db 2>err &&
	expect_equal err "migcheck: migrations folders 'db/migrations' and 'other' name different tracking tables (migration_info, detected): pass --dir to compare one, or --table" &&
	expect_code 0 "$MIGCHECK" drift --history-only --db staging.db --dir db/migrations --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.migration)"' out.json >codes &&
	expect_equal codes 'pending 20230301000000'
}
run_test "SQLite: a folder's own tracking table ([migrations \"<dir>\"] table)" sqlite_sql_migrate_folder_table

# dbmate makes schema_migrations before the first migration: a replay
# that did not would fail at a migration that uses it (a trigger on it)
sqlite_dbmate_table_first () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tformat = dbmate\n\tdialect = sqlite\n' >.migcheck &&
	write_migration 20230101000000_audit.sql '-- migrate:up
CREATE TABLE audit (version TEXT);
CREATE TRIGGER audit_versions AFTER INSERT ON schema_migrations BEGIN INSERT INTO audit VALUES (NEW.version); END;
-- migrate:down
DROP TRIGGER audit_versions;
DROP TABLE audit;' &&
	commit_all dbmate &&
	sqlite3 staging.db "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
CREATE TABLE audit (version TEXT);
CREATE TRIGGER audit_versions AFTER INSERT ON schema_migrations BEGIN INSERT INTO audit VALUES (NEW.version); END;
INSERT INTO schema_migrations VALUES ('20230101000000');" &&
	expect_code 0 "$MIGCHECK" drift --db staging.db >out &&
	expect_equal out 'note: tracking table schema_migrations (dbmate): 1 applied migration(s) replayed on a scratch database
drift: 0 errors, 0 warnings' &&
	expect_code 0 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test "SQLite: dbmate's schema_migrations exists before the replay" sqlite_dbmate_table_first

sqlite_missing_file () {
	sqlite_repo &&
	expect_code 3 "$MIGCHECK" drift --db "sqlite://$PWD/nope.db" >out 2>err &&
	expect_grep "^migcheck: " err &&
	test ! -e nope.db
}
run_test 'a missing SQLite file is not created: exit 3' sqlite_missing_file

sqlite_models_schema () {
	sqlite_repo &&
	git config -f .migcheck models.schema db/schema.sql &&
	write_migration db/schema.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, deleted_at TEXT);' &&
	expect_code 1 "$MIGCHECK" models >out &&
	expect_equal out 'error: table main.users: column deleted_at is in the models but no migration creates it [model-not-migrated]
models: 1 error, 0 warnings'
}
run_test 'models on SQLite: a column only the models have' sqlite_models_schema

# --sql with hostile names: the SQL is valid for sqlite3 and does what it
# says, run for real; a name SQLite cannot spell (a control character) is
# a comment line, and no control character reaches the terminal.
sqlite_suggest_hostile_names () {
	sqlite_repo &&
	write_migration 3_odd.up.sql 'CREATE TABLE "we""ird;" (id INTEGER PRIMARY KEY, "a;b" TEXT, "select" INTEGER);
ALTER TABLE users ADD COLUMN "x""y; DROP TABLE users; --" TEXT;' &&
	write_migration 3_odd.down.sql 'DROP TABLE "we""ird;";' &&
	commit_all odd &&
	build_target "$PWD/staging.db" &&
	sqlite3 staging.db <db/migrations/3_odd.up.sql &&
	sqlite3 staging.db 'UPDATE schema_migrations SET version = 3;' &&
	esc=$(printf '\033') &&
	sqlite3 staging.db "DROP TABLE \"we\"\"ird;\";
ALTER TABLE users DROP COLUMN \"x\"\"y; DROP TABLE users; --\";
CREATE TABLE \"t\"\"; DROP TABLE users; --\" (v);
CREATE TABLE \"e${esc}[2Jx\" (v);
ALTER TABLE users ADD COLUMN \"c;d\" TEXT;
ALTER TABLE users ADD COLUMN \"n
DROP TABLE users;\" TEXT;" &&
	expect_code 1 "$MIGCHECK" drift --db staging.db --sql -q >out &&
	sed -n '/^-- migcheck drift: SUGGESTED SQL/,$p' out >sql &&
	expect_equal sql '-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
-- not suggested for table "main.e\033[2Jx": a name holds a control character or bytes that are not UTF-8, which SQLite cannot write; change it by hand
DROP TABLE main."t""; DROP TABLE users; --";
ALTER TABLE main.users DROP COLUMN "c;d";
-- not suggested for table main.users: column "n\nDROP TABLE users;": a name holds a control character or bytes that are not UTF-8, which SQLite cannot write; change it by hand
ALTER TABLE main.users ADD COLUMN "x""y; DROP TABLE users; --" TEXT;
CREATE TABLE main."we""ird;" (
	id INTEGER,
	"a;b" TEXT,
	"select" INTEGER,
	CONSTRAINT "we""ird;_pkey" PRIMARY KEY (id)
);' &&
	# no control character but the line breaks and tabs of the layout
	! tr -d '\n\t' <out | LC_ALL=C grep -q '[[:cntrl:]]' &&
	sqlite3 -bail staging.db <sql &&
	# what is left is what was not suggested
	expect_code 1 "$MIGCHECK" drift --db staging.db --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.message)"' out.json >left &&
	expect_equal left "drift-unexpected table \"main.e\\033[2Jx\" is in the database but no applied migration creates it
drift-unexpected table main.users: column \"n\\nDROP TABLE users;\" is in the database but no applied migration creates it" &&
	sqlite3 staging.db 'SELECT count(*) FROM users' >n && expect_equal n 0
}
run_test 'SQLite --sql: hostile names quoted, run for real' sqlite_suggest_hostile_names

# --sql gives the CREATE INDEX of a dropped index, as on PostgreSQL: plain,
# unique, partial, DESC and COLLATE columns, an odd name, and those of a
# dropped table; running it leaves no drift. An expression index (which
# SQLite's catalogue does not give back) is a comment.
sqlite_suggest_indexes () {
	sqlite_repo &&
	write_migration 3_idx.up.sql 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, "odd col" TEXT);
CREATE INDEX posts_user ON posts (user_id);
CREATE UNIQUE INDEX "posts;title" ON posts (title COLLATE NOCASE, user_id DESC) WHERE title IS NOT NULL;
CREATE INDEX posts_odd ON posts ("odd col");
CREATE INDEX users_lower ON users (lower(email));
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
CREATE INDEX tags_name ON tags (name DESC);' &&
	write_migration 3_idx.down.sql 'DROP TABLE tags; DROP INDEX users_lower; DROP TABLE posts;' &&
	commit_all indexes &&
	build_target "$PWD/staging.db" &&
	sqlite3 staging.db <db/migrations/3_idx.up.sql &&
	sqlite3 staging.db 'UPDATE schema_migrations SET version = 3;
DROP INDEX posts_user; DROP INDEX "posts;title"; DROP INDEX posts_odd; DROP INDEX users_lower; DROP TABLE tags;' &&
	expect_code 1 "$MIGCHECK" drift --db staging.db --sql -q >out &&
	sed -n '/^-- migcheck drift: SUGGESTED SQL/,$p' out >sql &&
	expect_equal sql '-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
CREATE UNIQUE INDEX main."posts;title" ON posts (title COLLATE NOCASE, user_id DESC) WHERE title IS NOT NULL;
CREATE INDEX main.posts_odd ON posts ("odd col");
CREATE INDEX main.posts_user ON posts (user_id);
CREATE TABLE main.tags (
	id INTEGER,
	name TEXT,
	CONSTRAINT tags_pkey PRIMARY KEY (id)
);
CREATE INDEX main.tags_name ON tags (name DESC);
-- not suggested for table main.users: index users_lower: it is an index on an expression, which SQLite'"'"'s catalogue does not give back; change it by hand' &&
	sqlite3 -bail staging.db <sql &&
	expect_code 1 "$MIGCHECK" drift --db staging.db --format json >out.json &&
	jq -r '.findings[] | "\(.code) \(.message)"' out.json >left &&
	expect_equal left 'drift-missing table main.users: index users_lower is missing from the database'
}
run_test 'SQLite --sql: CREATE INDEX for dropped indexes, run for real' sqlite_suggest_indexes

# golang-migrate dirty at 2 on SQLite: migration 2's table and column are
# drift-dirty, named after it; --sql does not drop them, only the stray.
sqlite_dirty_objects () {
	sqlite_repo &&
	write_migration 3_orders.up.sql 'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
ALTER TABLE users ADD COLUMN nick TEXT;' &&
	write_migration 3_orders.down.sql 'DROP TABLE orders;' &&
	commit_all orders &&
	build_target "$PWD/staging.db" &&
	sqlite3 staging.db <db/migrations/3_orders.up.sql &&
	sqlite3 staging.db 'UPDATE schema_migrations SET version = 3, dirty = 1; CREATE TABLE stray (x);' &&
	expect_code 1 "$MIGCHECK" drift --db staging.db --sql >out &&
	expect_equal out "db/migrations/3_orders.up.sql: error: migration '3' is recorded as failed or half-applied in schema_migrations [dirty]
db/migrations/3_orders.up.sql: warning: table main.orders is in the database: the work of migration '3', which schema_migrations records as dirty (half-applied) [drift-dirty]
error: table main.stray is in the database but no applied migration creates it [drift-unexpected]
    table main.stray: unexpected
db/migrations/3_orders.up.sql: warning: table main.users: column nick is in the database: the work of migration '3', which schema_migrations records as dirty (half-applied) [drift-dirty]
note: tracking table schema_migrations (golang-migrate): 2 applied migration(s) replayed on a scratch database
drift: 2 errors, 2 warnings

-- migcheck drift: SUGGESTED SQL, review before running it.
-- It would bring the database to the schema of its applied migrations;
-- better: write a migration, or find who changed the database.
-- not suggested for table main.orders: the dirty migration '3' made this change; finish or revert that migration instead
DROP TABLE main.stray;
-- not suggested for table main.users: column nick: the dirty migration '3' made this change; finish or revert that migration instead"
}
run_test 'SQLite: a dirty migration'"'"'s objects are its own, and --sql does not drop them' sqlite_dirty_objects

finish
