#!/bin/sh
# Replays that meet a migration migcheck cannot run (goose .go, Flyway
# Java): roundtrip and drift stop there with a note naming it, and no later
# migration is blamed. [migrations "<dir>"] skip and irreversible in
# .migcheck: a migration not run, or run up only, with the reason given.
. "$(dirname "$0")/lib.sh"

goose_setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration 00001_users.sql '-- +goose Up
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- +goose Down
DROP TABLE users;' &&
	write_migration 00002_orders.go 'package migrations
// creates the orders table in Go' &&
	write_migration 00003_orders_index.sql '-- +goose Up
CREATE INDEX orders_user ON orders (user_id);
-- +goose Down
DROP INDEX orders_user;' &&
	write_migration 00004_posts.sql '-- +goose Up
CREATE TABLE posts (id INTEGER PRIMARY KEY);
-- +goose Down
DROP TABLE posts;'
}

goose_stops () {
	goose_setup &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/00002_orders.go: warning: goose migration (go) cannot be replayed; it is listed but not run [not-replayable]
note: replay stopped at db/migrations/00002_orders.go: a goose migration in go cannot be replayed; 3 migrations from it on not round-tripped (if the later ones do not need it, declare it in .migcheck: skip = 00002_orders.go <reason>)
note: 1 migration round-tripped on a scratch sqlite database (step mode); the replay stopped at db/migrations/00002_orders.go
roundtrip: 0 errors, 1 warning' &&
	"$MIGCHECK" roundtrip --mode chain >out &&
	expect_grep '^note: replay stopped at db/migrations/00002_orders.go: a goose migration in go cannot be replayed; 3 migrations from it on' out &&
	expect_grep '^note: 1 migration round-tripped on a scratch sqlite database (chain mode); the replay stopped at db/migrations/00002_orders.go$' out &&
	expect_no_grep 'up-failed' out
}
run_test 'a goose .go migration stops the roundtrip with a note; the next SQL one is not blamed (exit 0)' goose_stops

selection_counts () {
	goose_setup &&
	"$MIGCHECK" roundtrip 00004 >out &&
	expect_grep '^note: replay stopped at db/migrations/00002_orders.go: .*; 1 migration from it on not round-tripped' out &&
	expect_grep '^note: 0 migrations round-tripped on a scratch sqlite database (step mode); the replay stopped at' out &&
	"$MIGCHECK" roundtrip 00001 >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'the stop counts only selected migrations, and is not mentioned (nor the .go one) when none comes after it' selection_counts

flyway_java_stops () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migration &&
	git config -f .migcheck migrations.dialect sqlite &&
	git config -f .migcheck migrations.requireDown false &&
	write_migration db/migration/V1__users.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY);' &&
	write_migration db/migration/V2__backfill.java 'public class V2__backfill {}' &&
	write_migration db/migration/V3__more.sql 'CREATE TABLE more (id int);' &&
	"$MIGCHECK" roundtrip >out &&
	expect_grep '^note: replay stopped at db/migration/V2__backfill.java: a flyway migration in java cannot be replayed; 2 migrations from it on not round-tripped (if the later ones do not need it, declare it in .migcheck: skip = V2__backfill.java <reason>)$' out &&
	expect_no_grep 'V3__more.sql.*error' out
}
run_test 'a Flyway Java migration stops the roundtrip the same way' flyway_java_stops

skip_declared () {
	goose_setup &&
	write_migration 00002_orders.go 'package migrations
// only backfills users' &&
	write_migration 00003_orders_index.sql '-- +goose Up
CREATE INDEX users_id ON users (id);
-- +goose Down
DROP INDEX users_id;' &&
	git config -f .migcheck 'migrations.db/migrations.skip' '00002_orders.go backfills data in Go, no schema change' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: db/migrations/00002_orders.go: not run: skip in .migcheck: backfills data in Go, no schema change
note: 3 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'skip in .migcheck: the migration is not run, the later ones are, the reason is printed' skip_declared

skip_then_failure () {
	goose_setup &&
	git config -f .migcheck 'migrations.db/migrations.skip' '00002 said to be data only' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/00003_orders_index.sql:2: error: up failed: no such table: main.orders [up-failed]
    CREATE INDEX orders_user ON orders (user_id);
note: db/migrations/00002_orders.go: not run: skip in .migcheck: said to be data only
note: db/migrations/00003_orders_index.sql ran without db/migrations/00002_orders.go, which .migcheck skips: the skipped migration may be what it needs
note: 1 later migration not round-tripped: they come after a migration whose up failed
note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'skip by version: a later up that fails says it ran without the skipped one' skip_then_failure

irreversible_declared () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_split_name.up.sql 'ALTER TABLE users ADD COLUMN first TEXT;' &&
	write_migration 002_split_name.down.sql 'SELECT RAISE(ABORT, '"'irreversible by design'"');' &&
	write_migration 003_posts.up.sql 'CREATE TABLE posts (id int);' &&
	git config -f .migcheck 'migrations.db/migrations.irreversible' '002_split_name.down.sql the old names are gone' &&
	git config -f .migcheck --add 'migrations.db/migrations.irreversible' '003 posts are kept on purpose' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: db/migrations/002_split_name.up.sql: down not round-tripped: irreversible in .migcheck: the old names are gone
note: db/migrations/003_posts.up.sql: down not round-tripped: irreversible in .migcheck: posts are kept on purpose
note: 1 migration round-tripped, 2 up only (down not round-tripped) on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'irreversible in .migcheck: up applied, down not tried, no missing-down, the reason printed' irreversible_declared

check_honours_declarations () {
	goose_setup &&
	write_migration 00005_drop_old.sql '-- +goose Up
DROP TABLE posts;' &&
	expect_code 1 "$MIGCHECK" check >out &&
	expect_equal out 'db/migrations/00002_orders.go: warning: goose migration (go) cannot be replayed; it is listed but not run [not-replayable]
db/migrations/00005_drop_old.sql:1: error: migration 00005 has no down script [missing-down]
    to fix: write its down script, or if it cannot have one, say why in it: '"'"'-- migcheck:irreversible <reason>'"'"'
note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)
check: 1 error, 1 warning' &&
	git config -f .migcheck 'migrations.db/migrations.skip' '00002_orders.go data only' &&
	git config -f .migcheck 'migrations.db/migrations.irreversible' '00005_drop_old.sql the data is gone' &&
	"$MIGCHECK" check >out &&
	expect_equal out 'note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)
check: 0 errors, 0 warnings' &&
	"$MIGCHECK" list >out &&
	expect_no_grep 'warning:\|error:' out
}
run_test 'check: a declared irreversible is not missing-down, a declared skip not not-replayable; the files stay as released' check_honours_declarations

declaration_typo () {
	goose_setup &&
	git config -f .migcheck 'migrations.db/migrations.skip' '00009_nope.go typo' &&
	"$MIGCHECK" roundtrip >out &&
	expect_grep '^note: skip = 00009_nope.go in .migcheck names no migration of db/migrations$' out
}
run_test 'a declaration that names no migration is said' declaration_typo

drift_db () {
	sqlite3 live.db "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (3, 1), (4, 1);
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id int);
CREATE INDEX orders_user ON orders (user_id);
CREATE TABLE posts (id INTEGER PRIMARY KEY);"
}

drift_stops () {
	goose_setup && commit_all migrations && drift_db &&
	"$MIGCHECK" drift --db "sqlite://$PWD/live.db" >out &&
	expect_equal out 'note: tracking table goose_db_version (goose): 1 of 4 applied migrations replayed on a scratch database; the replay stopped at db/migrations/00002_orders.go: a goose migration in go cannot be replayed without runner.up (if the later ones do not need it, declare it in .migcheck: skip = 00002_orders.go <reason>)
note: schema not compared: the applied migrations could not be replayed
drift: 0 errors, 0 warnings'
}
run_test 'drift: a goose .go migration stops the replay with a note, no migration blamed (exit 0)' drift_stops

drift_skip () {
	goose_setup &&
	write_migration 00003_orders_index.sql '-- +goose Up
CREATE INDEX users_id ON users (id);
-- +goose Down
DROP INDEX users_id;' &&
	git config -f .migcheck 'migrations.db/migrations.skip' '00002_orders.go made by hand' &&
	commit_all migrations &&
	sqlite3 live.db "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (3, 1), (4, 1);
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE INDEX users_id ON users (id);
CREATE TABLE posts (id INTEGER PRIMARY KEY);" &&
	"$MIGCHECK" drift --db "sqlite://$PWD/live.db" >out &&
	expect_equal out 'note: db/migrations/00002_orders.go: not replayed: skip in .migcheck: made by hand
note: tracking table goose_db_version (goose): 3 of 4 applied migrations replayed on a scratch database, 1 not run as .migcheck skips it
drift: 0 errors, 0 warnings'
}
run_test 'drift: skip in .migcheck replays the others and compares the schema' drift_skip

flyway_setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migration &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration db/migration/V1__users.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY);' &&
	write_migration db/migration/V2__posts.sql 'CREATE TABLE posts (id INTEGER PRIMARY KEY);'
}

flyway_no_undo () {
	flyway_setup &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: db/migration: Flyway without undo scripts (U*.sql): ups applied and checked, downs not round-tripped
note: 2 ups applied and checked on a scratch sqlite database, no down round-tripped (step mode)
roundtrip: 0 errors, 0 warnings' &&
	"$MIGCHECK" roundtrip --mode chain >out &&
	expect_grep '^note: 2 ups applied and checked on a scratch sqlite database, no down round-tripped (chain mode)$' out &&
	write_migration db/migration/V3__bad.sql 'CREATE TABLE posts (id int);' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migration/V3__bad.sql:1: error: up failed: table posts already exists [up-failed]
    CREATE TABLE posts (id int);
note: db/migration: Flyway without undo scripts (U*.sql): ups applied and checked, downs not round-tripped
note: 2 ups applied and checked on a scratch sqlite database, no down round-tripped (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'Flyway without undo scripts: the ups are applied and checked, no missing-down, and the summary says so' flyway_no_undo

flyway_some_undo () {
	flyway_setup &&
	write_migration db/migration/U1__users.sql 'DROP TABLE users;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migration/V2__posts.sql: error: no down script: the migration cannot be reverted [missing-down]
note: 1 migration round-tripped, 1 up only (down not round-tripped) on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'Flyway with undo scripts: a V without its U is still missing-down' flyway_some_undo

finish
