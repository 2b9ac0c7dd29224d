#!/bin/sh
# roundtrip on the embedded SQLite scratch: findings, modes, selection.
. "$(dirname "$0")/lib.sh"

setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite
}

everything_reverses () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE INDEX users_email ON users (email);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_posts.up.sql 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, body TEXT DEFAULT '"''"');
CREATE VIEW post_count AS SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;
CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN UPDATE posts SET body = body WHERE id = NEW.id; END;' &&
	write_migration 002_posts.down.sql 'DROP VIEW post_count;
DROP TABLE posts;' &&
	write_migration 003_users_name.up.sql 'ALTER TABLE users ADD COLUMN name TEXT;' &&
	write_migration 003_users_name.down.sql 'ALTER TABLE users DROP COLUMN name;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 3 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'migrations that reverse exactly give no findings' everything_reverses

scratch_is_throwaway () {
	setup &&
	write_migration 001_pragmas.up.sql 'CREATE TABLE sync (v int CHECK (v = 0));
INSERT INTO sync SELECT synchronous FROM pragma_synchronous;
CREATE TABLE journal (v text CHECK (v = '"'memory'"'));
INSERT INTO journal SELECT journal_mode FROM pragma_journal_mode;' &&
	write_migration 001_pragmas.down.sql 'DROP TABLE journal;
DROP TABLE sync;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'the scratch file runs with synchronous=OFF and its journal in memory' scratch_is_throwaway

json_says_mode () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	"$MIGCHECK" --format json roundtrip >out &&
	expect_grep '"mode": *"step"' out &&
	expect_grep '"engine": *"sqlite"' out &&
	"$MIGCHECK" roundtrip --format json --mode chain >out &&
	expect_grep '"mode": *"chain"' out
}
run_test 'the JSON report says which mode and engine ran' json_says_mode

down_forgets_index () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_idx.up.sql 'ALTER TABLE users ADD COLUMN name TEXT;
CREATE INDEX users_email ON users (email);' &&
	write_migration 002_idx.down.sql '-- drops the column, forgets the index
ALTER TABLE users DROP COLUMN name;' &&
	write_migration 003_more.up.sql 'CREATE TABLE more (id int);' &&
	write_migration 003_more.down.sql 'DROP TABLE more;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_idx.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table main.users: index users_email: unexpected
db/migrations/002_idx.up.sql:2: error: up fails after down: index users_email already exists [up-not-repeatable]
    CREATE INDEX users_email ON users (email);
note: 3 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that forgets an index: the diff names it, later ones are clean' down_forgets_index

down_forgets_only_index () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_idx.up.sql 'CREATE INDEX users_email ON users (email);' &&
	write_migration 002_idx.down.sql 'SELECT 1;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_idx.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table main.users: index users_email: unexpected
db/migrations/002_idx.up.sql:1: error: up fails after down: index users_email already exists [up-not-repeatable]
    CREATE INDEX users_email ON users (email);
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that forgets an index makes the second up fail' down_forgets_only_index

down_drops_foreign_column () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, nick TEXT);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_idx.up.sql 'CREATE INDEX users_email ON users (email);' &&
	write_migration 002_idx.down.sql 'DROP INDEX users_email;
ALTER TABLE users DROP COLUMN nick;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_idx.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table main.users: column nick: missing
db/migrations/002_idx.up.sql:1: error: up after down gives a different schema than the first up [up-not-repeatable]
    table main.users: column nick: missing
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that drops a column up did not add' down_drops_foreign_column

failing_statement_line () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id INTEGER NOT NULL);

-- a row that breaks the constraint
INSERT INTO a VALUES (NULL);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/001_a.up.sql:4: error: up failed: NOT NULL constraint failed: a.id [up-failed]
    INSERT INTO a VALUES (NULL);
note: 1 later migration not round-tripped: they come after a migration whose up failed
note: 0 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'a failing statement is reported at its file:line' failing_statement_line

down_failed () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;
DROP TABLE bb;' &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE c;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_b.down.sql:2: error: down failed: no such table: bb [down-failed]
    DROP TABLE bb;
note: 3 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'a failing down is down-failed; its transaction rolls back and later ones run' down_failed

missing_and_irreversible () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql '-- migcheck:irreversible the data of b cannot be restored' &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql '-- nothing here' &&
	write_migration 004_d.up.sql 'CREATE TABLE d (id int);' &&
	write_migration 004_d.down.sql 'DROP TABLE d;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/001_a.up.sql: error: no down script: the migration cannot be reverted [missing-down]
db/migrations/002_b.down.sql:1: warning: down is annotated irreversible and was not round-tripped: the data of b cannot be restored [irreversible]
db/migrations/003_c.down.sql:1: error: down script is empty; if that is deliberate, declare it in .migcheck under [migrations "db/migrations"]: irreversible = 003 <reason> [missing-down]
note: 1 migration round-tripped, 3 up only (down not round-tripped) on a scratch sqlite database (step mode)
roundtrip: 2 errors, 1 warning' &&
	# the declaration the message gives silences it, with no edit of the file
	git config -f .migcheck --add migrations.db/migrations.irreversible '003 c has nothing to undo' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_grep '003_c.*irreversible in .migcheck: c has nothing to undo' out &&
	expect_no_grep '003_c.down.sql.*missing-down' out
}
run_test 'missing, empty and irreversible downs' missing_and_irreversible

up_only_counted_apart () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 002_d.up.sql 'CREATE TABLE d (id int);' &&
	write_migration 002_d.down.sql 'DROP TABLE d;' &&
	summary='1 migration round-tripped, 1 up only (down not round-tripped) on a scratch sqlite database' &&
	expect_code 1 "$MIGCHECK" roundtrip --mode chain >out &&
	expect_equal out "db/migrations/001_a.up.sql: error: no down script: the migration cannot be reverted [missing-down]
note: $summary (chain mode)
roundtrip: 1 error, 0 warnings" &&
	expect_code 1 "$MIGCHECK" --format json roundtrip >out &&
	python3 -c 'import json, sys; d = json.load(open("out")); print(d["notes"], d["counts"])' >got &&
	expect_equal got "['$summary (step mode)'] {'round_tripped': 1, 'up_only': 1}" &&
	expect_code 1 "$MIGCHECK" --format sarif roundtrip >out &&
	python3 -c 'import json; d = json.load(open("out")); print([n["message"]["text"] for n in d["runs"][0]["invocations"][0]["toolExecutionNotifications"]])' >got &&
	expect_equal got "['$summary (step mode)']" &&
	expect_code 1 "$MIGCHECK" --format junit roundtrip >out &&
	expect_grep "^    <system-out>note: $summary (step mode)\$" out
}
run_test 'an up whose down is missing is counted up only, not round-tripped, in every format' up_only_counted_apart

folder_require_down () {
	setup &&
	git config -f .migcheck --unset migrations.dir &&
	git config -f .migcheck --add migrations.dir db/a &&
	git config -f .migcheck --add migrations.dir db/b &&
	git config -f .migcheck migrations.db/b.requireDown false &&
	mkdir -p db/a db/b &&
	echo 'CREATE TABLE a (id int);' >db/a/001_a.up.sql &&
	echo 'CREATE TABLE b (id int);' >db/b/001_b.up.sql &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_grep '^db/a/001_a.up.sql: error: no down script' out &&
	expect_no_grep '^db/b/' out
}
run_test '[migrations "<dir>"] requireDown = false holds in roundtrip too' folder_require_down

next_version_downs () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE b;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE c;' &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE a;'
}

chain_mode () {
	next_version_downs &&
	"$MIGCHECK" roundtrip --mode chain >out &&
	expect_equal out 'note: 3 migrations round-tripped on a scratch sqlite database (chain mode)
roundtrip: 0 errors, 0 warnings' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_grep '^db/migrations/001_a.down.sql:1: error: down failed: no such table: b \[down-failed\]$' out
}
run_test 'chain mode: each down undoes the next version'"'"'s up' chain_mode

chain_mode_difference () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);
CREATE INDEX b_id ON b (id);
CREATE TABLE keep (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;' &&
	expect_code 1 "$MIGCHECK" roundtrip --mode chain >out &&
	expect_equal out 'error: after every up and every down (001 to 002) the schema differs from before [down-not-inverse]
    table main.keep: unexpected
db/migrations/002_b.up.sql:3: error: up fails after the downs: table keep already exists [up-not-repeatable]
    CREATE TABLE keep (id int);
note: 2 migrations round-tripped on a scratch sqlite database (chain mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'chain mode compares the ends' chain_mode_difference

goose_trigger () {
	setup &&
	write_migration 20240101000000_t.sql '-- +goose Up
CREATE TABLE t (id INTEGER PRIMARY KEY, n int);
-- +goose StatementBegin
CREATE TRIGGER t_bump AFTER INSERT ON t
BEGIN
	UPDATE t SET n = n + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER t_bump;
DROP TABLE t;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'a goose StatementBegin/End trigger round-trips' goose_trigger

versions_selected () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE no_such_table;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;' &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE no_such_table;' &&
	"$MIGCHECK" roundtrip 2 >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	expect_code 2 "$MIGCHECK" roundtrip 002 999 2>err &&
	expect_equal err "migcheck: no migration with version '999'"
}
run_test 'versions as arguments select migrations' versions_selected

since_rev () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE no_such_table;' &&
	commit_all first &&
	git tag v1 &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE b;' &&
	commit_all second &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE c;' &&
	"$MIGCHECK" roundtrip --since v1 >out &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	rm db/migrations/003_c.* &&
	"$MIGCHECK" roundtrip --since HEAD >out &&
	expect_equal out 'note: no migrations added since '"'HEAD'"'
roundtrip: 0 errors, 0 warnings' &&
	expect_code 2 "$MIGCHECK" roundtrip --since nope 2>err &&
	expect_equal err "migcheck: unknown revision 'nope'"
}
run_test '--since REV takes the migrations added since REV' since_rev

usage_errors () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	expect_code 2 "$MIGCHECK" roundtrip --mode zigzag 2>err &&
	expect_grep "^migcheck roundtrip: unknown mode 'zigzag' (step, chain)$" err &&
	expect_code 2 "$MIGCHECK" roundtrip --engine mysql 2>err &&
	expect_grep "^migcheck roundtrip: unknown engine 'mysql' (sqlite, postgres)$" err &&
	expect_code 2 "$MIGCHECK" roundtrip --bogus 2>err &&
	expect_grep "^migcheck roundtrip: unknown option '--bogus'$" err &&
	expect_code 2 "$MIGCHECK" roundtrip --since v1 001 2>err &&
	expect_grep "^migcheck roundtrip: --since and versions cannot be combined$" err &&
	expect_code 2 "$MIGCHECK" roundtrip --cleanup 2>err &&
	expect_grep "^migcheck roundtrip: --cleanup needs a server: --scratch <url>, scratch.postgres or MIGCHECK_SCRATCH_URL$" err
}
run_test 'usage errors exit 2 with the problem named' usage_errors

runner_migrations () {
	setup &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck runner.up 'sh scripts/run.sh up {file} {version}' &&
	git config -f .migcheck runner.down 'sh scripts/run.sh down {file} {version}' &&
	mkdir -p scripts &&
	cat >scripts/run.sh <<-'EOF' &&
	# a stand-in migration tool: runs the "// up:" or "// down:" lines of a
	# .js file with the sqlite3 shell against $DATABASE_URL
	db=${DATABASE_URL#sqlite://}
	db=${db#sqlite:}
	echo "$1 $3" >>"$HOME/runner.log"
	sed -n "s|^// $1: ||p" "$2" | sqlite3 -bail "$db"
	EOF
	write_migration '20240101000000-create users.js' '// up: CREATE TABLE users (id int);
// down: DROP TABLE users;
module.exports = {};' &&
	write_migration 20240102000000-add-index.js '// up: CREATE INDEX users_id ON users (id);
// down: SELECT 1;
module.exports = {};' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/20240102000000-add-index.js: error: down does not restore the schema from before up [down-not-inverse]
    table main.users: index users_id: unexpected
db/migrations/20240102000000-add-index.js: error: up fails after down: Parse error near line 1: index users_id already exists [up-not-repeatable]
    Parse error near line 1: index users_id already exists
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 2 errors, 0 warnings' &&
	expect_equal "$HOME/runner.log" 'up 20240101000000
down 20240101000000
up 20240101000000
up 20240102000000
down 20240102000000
up 20240102000000'
}
run_test 'migrations that are not SQL run through [runner] with DATABASE_URL' runner_migrations

runner_not_found () {
	setup &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck runner.up 'no-such-migrator up {file}' &&
	git config -f .migcheck runner.down 'no-such-migrator down {file}' &&
	write_migration 20240101000000-a.js 'module.exports = {};' &&
	expect_code 3 "$MIGCHECK" roundtrip >out 2>err &&
	expect_equal err "migcheck: runner command 'no-such-migrator' not found: No such file or directory"
}
run_test 'a runner program that is not installed is exit 3' runner_not_found

finish
