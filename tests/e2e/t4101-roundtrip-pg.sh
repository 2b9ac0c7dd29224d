#!/bin/sh
# roundtrip on PostgreSQL scratch databases: findings with exact diffs,
# transactions per migration, goose statement blocks, chain mode.
. "$(dirname "$0")/lib.sh"
require_pg

setup () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG"
}

everything_reverses () {
	setup &&
	write_migration 001_users.up.sql "CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE SEQUENCE ticket_no START 100;
CREATE TABLE users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	mail email NOT NULL UNIQUE,
	m mood DEFAULT 'happy',
	ticket int DEFAULT nextval('ticket_no'),
	created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_created ON users (created DESC);" &&
	write_migration 001_users.down.sql 'DROP TABLE users;
DROP SEQUENCE ticket_no;
DROP DOMAIN email;
DROP TYPE mood;' &&
	write_migration 002_posts.up.sql 'CREATE SCHEMA blog;
CREATE TABLE blog.posts (id serial PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE, body text CHECK (length(body) < 1000));
CREATE VIEW blog.post_count AS SELECT user_id, count(*) AS n FROM blog.posts GROUP BY user_id;
CREATE MATERIALIZED VIEW blog.totals AS SELECT count(*) AS n FROM blog.posts;' &&
	write_migration 002_posts.down.sql 'DROP SCHEMA blog CASCADE;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'migrations that reverse exactly give no findings' everything_reverses

# dbmate creates schema_migrations before it runs anything, so a first
# migration may grant on it (bionic-gpt's does); so do goose and
# sql-migrate with their tables
tracking_table_first () {
	setup &&
	git config -f .migcheck migrations.format dbmate &&
	psql "$MIGCHECK_TEST_PG" -qAt -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_ro') THEN CREATE ROLE app_ro; END IF; END\$\$" &&
	write_migration 20230101000000_grants.sql '-- migrate:up
GRANT SELECT ON schema_migrations TO app_ro;
CREATE TABLE users (id int PRIMARY KEY);
-- migrate:down
REVOKE SELECT ON schema_migrations FROM app_ro;
DROP TABLE users;' &&
	expect_code 0 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	rm db/migrations/* &&
	git config -f .migcheck migrations.format goose &&
	write_migration 00001_grants.sql '-- +goose Up
GRANT SELECT ON goose_db_version TO app_ro;
-- +goose Down
REVOKE SELECT ON goose_db_version FROM app_ro;' &&
	expect_code 0 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test "the tool's tracking table exists before the first migration" tracking_table_first

down_forgets_type () {
	setup &&
	write_migration 001_mood.up.sql "CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE people (id serial PRIMARY KEY, m mood);" &&
	write_migration 001_mood.down.sql 'DROP TABLE people;' &&
	write_migration 002_next.up.sql 'CREATE TABLE next (id int);' &&
	write_migration 002_next.down.sql 'DROP TABLE next;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/001_mood.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    type public.mood: unexpected
db/migrations/001_mood.up.sql:1: error: up fails after down: type "mood" already exists [up-not-repeatable]
    CREATE TYPE mood AS ENUM ('"'happy', 'sad'"');
note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that forgets a type: the second up fails' down_forgets_type

down_forgets_sequence () {
	setup &&
	write_migration 001_orders.up.sql "CREATE TABLE orders (id int PRIMARY KEY);
CREATE SEQUENCE order_no;
ALTER TABLE orders ADD COLUMN no int DEFAULT nextval('order_no');" &&
	write_migration 001_orders.down.sql 'DROP TABLE orders;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/001_orders.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    sequence public.order_no: unexpected
db/migrations/001_orders.up.sql:2: error: up fails after down: relation "order_no" already exists [up-not-repeatable]
    CREATE SEQUENCE order_no;
note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that forgets a sequence: the second up fails' down_forgets_sequence

down_forgets_index () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id int PRIMARY KEY, email text);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_email.up.sql 'CREATE UNIQUE INDEX users_email ON users (lower(email));
ALTER TABLE users ADD COLUMN name text;' &&
	write_migration 002_email.down.sql 'ALTER TABLE users DROP COLUMN name;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_email.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table public.users: index users_email: unexpected
db/migrations/002_email.up.sql:1: error: up fails after down: relation "users_email" already exists [up-not-repeatable]
    CREATE UNIQUE INDEX users_email ON users (lower(email));
note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that forgets an index: the diff names it' down_forgets_index

down_drops_foreign_column () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id int PRIMARY KEY, email text, nick text);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_idx.up.sql 'CREATE INDEX users_email ON users (email);' &&
	write_migration 002_idx.down.sql 'DROP INDEX users_email;
ALTER TABLE users DROP COLUMN nick;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_idx.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table public.users: column nick: missing
db/migrations/002_idx.up.sql:1: error: up after down gives a different schema than the first up [up-not-repeatable]
    table public.users: column nick: missing
note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a down that drops a column up did not add' down_drops_foreign_column

failing_statement_line () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int NOT NULL);

-- a row that breaks the constraint
INSERT INTO a VALUES (NULL);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/001_a.up.sql:4: error: up failed: null value in column "id" of relation "a" violates not-null constraint [up-failed]
    INSERT INTO a VALUES (NULL);
note: 0 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 1 error, 0 warnings'
}
run_test 'a failing statement is reported at its file:line with the server message' failing_statement_line

concurrently () {
	setup &&
	write_migration 001_users.up.sql 'CREATE TABLE users (id int PRIMARY KEY, email text);' &&
	write_migration 001_users.down.sql 'DROP TABLE users;' &&
	write_migration 002_idx.up.sql '-- built without locking writes
CREATE INDEX CONCURRENTLY users_email ON users (email);' &&
	write_migration 002_idx.down.sql 'DROP INDEX CONCURRENTLY users_email;' &&
	write_migration 003_note.up.sql '-- not CONCURRENTLY: this one runs in a transaction
CREATE TABLE notes (id int);' &&
	write_migration 003_note.down.sql 'DROP TABLE notes;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 3 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'CREATE INDEX CONCURRENTLY runs outside a transaction' concurrently

goose_no_transaction () {
	setup &&
	write_migration 20240101000000_users.sql '-- +goose Up
CREATE TABLE users (id int PRIMARY KEY, email text);
-- +goose Down
DROP TABLE users;' &&
	write_migration 20240102000000_idx.sql '-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_email ON users (email);
-- +goose Down
DROP INDEX CONCURRENTLY users_email;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'a goose NO TRANSACTION migration with CREATE INDEX CONCURRENTLY' goose_no_transaction

goose_function () {
	setup &&
	write_migration 20240101000000_audit.sql '-- +goose Up
CREATE TABLE items (id int PRIMARY KEY, touched timestamptz);
-- +goose StatementBegin
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.touched := now(); -- a semicolon inside the body
	RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();

-- +goose Down
DROP TRIGGER items_touch ON items;
-- +goose StatementBegin
DROP FUNCTION touch();
-- +goose StatementEnd
DROP TABLE items;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	write_migration 20240101000000_audit.sql '-- +goose Up
CREATE TABLE items (id int PRIMARY KEY, touched timestamptz);
-- +goose StatementBegin
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.touched := now();
	RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE items;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/20240101000000_audit.sql:13: error: down does not restore the schema from before up [down-not-inverse]
    function public.touch(): unexpected
db/migrations/20240101000000_audit.sql:4: error: up fails after down: function "touch" already exists with same argument types [up-not-repeatable]
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
    	NEW.touched := now();
    	RETURN NEW;
    END;
    $$;
note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings'
}
run_test 'a goose StatementBegin/End function round-trips; a forgotten one is named' goose_function

# goose sends "SELECT ...; SELECT ...;" on one line as one statement, a
# block as one, and a failing statement is named by its own first line
goose_statements_as_sent () {
	setup &&
	write_migration 00001_multi.sql '-- +goose Up
CREATE TABLE a (id int); CREATE TABLE b (id int);
-- a comment between statements
CREATE TABLE c (
	id int -- trailing; not an end
);
-- +goose StatementBegin
CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE VIEW v AS SELECT one() AS x;
-- +goose StatementEnd
INSERT INTO a VALUES (1);
INSERT INTO nowhere VALUES (1);
-- +goose Down
DROP VIEW v; DROP FUNCTION one();
DROP TABLE c; DROP TABLE b; DROP TABLE a;' &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/00001_multi.sql:12: error: up failed: relation "nowhere" does not exist [up-failed]
    INSERT INTO nowhere VALUES (1);
note: 0 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 1 error, 0 warnings' &&
	write_migration 00001_multi.sql "$(sed '/nowhere/d' db/migrations/00001_multi.sql)" &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'goose: statements as goose sends them (one line, a block), errors at their own line' goose_statements_as_sent

own_transaction () {
	setup &&
	write_migration 001_a.up.sql 'BEGIN;
CREATE TABLE a (id int);
COMMIT;' &&
	write_migration 001_a.down.sql 'BEGIN;
DROP TABLE a;
COMMIT;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'a script with its own BEGIN/COMMIT runs as written' own_transaction

enum_value_irreversible () {
	setup &&
	write_migration 001_mood.up.sql "CREATE TYPE mood AS ENUM ('happy', 'sad');" &&
	write_migration 001_mood.down.sql 'DROP TYPE mood;' &&
	write_migration 002_ok.up.sql "ALTER TYPE mood ADD VALUE 'ok';" &&
	write_migration 002_ok.down.sql '-- migcheck:irreversible PostgreSQL cannot remove an enum value' &&
	write_migration 003_t.up.sql "CREATE TABLE t (m mood DEFAULT 'ok');" &&
	write_migration 003_t.down.sql 'DROP TABLE t;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'db/migrations/002_ok.down.sql:1: warning: down is annotated irreversible and was not round-tripped: PostgreSQL cannot remove an enum value [irreversible]
note: 2 migrations round-tripped, 1 up only (down not round-tripped) on a scratch postgres database (step mode)
roundtrip: 0 errors, 1 warning'
}
run_test 'an irreversible enum value is reported, the next migration uses it' enum_value_irreversible

column_order () {
	setup &&
	write_migration 001_t.up.sql 'CREATE TABLE t (a int, b int, c int);' &&
	write_migration 001_t.down.sql 'DROP TABLE t;' &&
	write_migration 002_b.up.sql 'ALTER TABLE t DROP COLUMN b;' &&
	write_migration 002_b.down.sql 'ALTER TABLE t ADD COLUMN b int;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	expect_code 1 "$MIGCHECK" roundtrip --strict-column-order >out &&
	expect_grep '^db/migrations/002_b.down.sql:1: error: down does not restore the schema from before up \[down-not-inverse\]$' out &&
	expect_grep '^    table public.t: column b: ordinal 2 -> 3$' out
}
run_test 'column order is ignored unless --strict-column-order' column_order

chain_mode () {
	setup &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE b;' &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 002_b.down.sql 'DROP TABLE c;' &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE a;' &&
	"$MIGCHECK" roundtrip --mode chain --format json >out &&
	expect_grep '"mode": *"chain"' out &&
	expect_grep '"ok": *true' out &&
	expect_code 1 "$MIGCHECK" roundtrip >out &&
	expect_grep '^db/migrations/001_a.down.sql:1: error: down failed: table "b" does not exist \[down-failed\]$' out
}
run_test 'chain mode: each down undoes the next version'"'"'s up' chain_mode

scratch_option () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id serial);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	"$MIGCHECK" roundtrip --engine postgres --scratch "$MIGCHECK_TEST_PG" >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	MIGCHECK_SCRATCH_URL=$MIGCHECK_TEST_PG "$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test '--scratch and MIGCHECK_SCRATCH_URL pick the server' scratch_option

# [migrations "<dir>"] dialect: each folder on its own engine, unless --engine
folder_engines () {
	init_repo &&
	printf '[migrations]\n\tdir = pg\n\tdir = lite\n[migrations "pg"]\n\tdialect = postgres\n[migrations "lite"]\n\tdialect = sqlite\n[scratch]\n\tpostgres = %s\n' "$MIGCHECK_TEST_PG" >.migcheck &&
	write_migration pg/001_a.up.sql 'CREATE TABLE a (id serial PRIMARY KEY, doc jsonb);
ALTER TABLE a ADD CONSTRAINT a_doc CHECK (doc IS NOT NULL);' &&
	write_migration pg/001_a.down.sql 'DROP TABLE a;' &&
	write_migration lite/001_a.up.sql 'PRAGMA foreign_keys = ON;
CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT);' &&
	write_migration lite/001_a.down.sql 'DROP TABLE a;' &&
	"$MIGCHECK" roundtrip >out &&
	expect_equal out 'note: 2 migrations round-tripped on scratch postgres and sqlite databases, per folder (step mode)
roundtrip: 0 errors, 0 warnings' &&
	"$MIGCHECK" roundtrip --dir pg >out &&
	expect_equal out 'note: 1 migration round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	expect_code 1 "$MIGCHECK" roundtrip --engine postgres >out 2>err &&
	expect_grep 'lite/001_a.up.sql.*up-failed' out
}
run_test 'each folder round-trips on its own dialect; --engine forces one' folder_engines

finish
