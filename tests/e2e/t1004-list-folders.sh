#!/bin/sh
# Settings per migrations folder: [migrations "<dir>"] over the top-level
# keys (two folders of two dialects, as pocket-id keeps them), the same
# from git config, bad values, and --dir on every command.
. "$(dirname "$0")/lib.sh"

expect_empty () {
	[ ! -s "$1" ] || { sed 's/^/# | /' "$1" >&2; return 1; }
}

# backend/resources/migrations/{postgres,sqlite}, golang-migrate, SQL
# that only its own engine parses
two_dialects () {
	init_repo &&
	P=backend/resources/migrations/postgres S=backend/resources/migrations/sqlite &&
	write_migration $P/20241211111554_init.up.sql 'CREATE TABLE users (id uuid PRIMARY KEY, email text);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);' &&
	write_migration $P/20241211111554_init.down.sql 'DROP TABLE users;' &&
	write_migration $S/20241211111554_init.up.sql 'PRAGMA foreign_keys = OFF;
CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE);' &&
	write_migration $S/20241211111554_init.down.sql 'DROP TABLE users;' &&
	commit_all fixture
}

one_dialect_breaks () {
	two_dialects &&
	printf '[migrations]\n\tdir = %s\n\tdir = %s\n\tdialect = sqlite\n' $P $S >.migcheck &&
	expect_code 1 "$MIGCHECK" list >out 2>err &&
	expect_grep "^$P/20241211111554_init.up.sql:2: error: invalid SQL: near \"CONSTRAINT\": syntax error \[malformed\]" err
}
run_test 'one dialect for both folders: the PostgreSQL one is malformed' one_dialect_breaks

folder_dialects () {
	two_dialects &&
	cat >.migcheck <<EOC &&
[migrations]
	dir = $P
	dir = $S
	dialect = sqlite
[migrations "$P"]
	dialect = postgres
EOC
	"$MIGCHECK" list >out 2>err &&
	expect_empty err &&
	expect_equal out "$P (golang-migrate, 1 migration)
  VERSION         NAME  UP   DOWN  STMTS  STATE     FLAGS
  20241211111554  init  yes  yes       2  -

$S (golang-migrate, 1 migration)
  VERSION         NAME  UP   DOWN  STMTS  STATE     FLAGS
  20241211111554  init  yes  yes       2  -" &&
	"$MIGCHECK" list --dir $S >out 2>err &&
	expect_grep "^$S (golang-migrate" out &&
	expect_no_grep "^$P" out &&
	# --dir is relative to the current directory, as the shell completes it
	(cd backend/resources && "$MIGCHECK" list --dir migrations/postgres/) >out 2>err &&
	expect_grep "^$P (golang-migrate, 1 migration)$" out &&
	# check parses each folder with its own dialect too
	printf '\n' >>$P/20241211111554_init.up.sql &&
	"$MIGCHECK" check >out 2>err &&
	expect_empty err
}
run_test '[migrations "<dir>"] dialect: each folder parsed with its own' folder_dialects

folder_from_git_config () {
	two_dialects &&
	printf '[migrations]\n\tdir = %s\n\tdir = %s\n\tdialect = sqlite\n' $P $S >.migcheck &&
	git config "migcheck.migrations.$P.dialect" postgres &&
	"$MIGCHECK" list >out 2>err &&
	expect_empty err &&
	git config "migcheck.migrations.$P.dialect" mysql &&
	expect_code 2 "$MIGCHECK" list >out 2>err &&
	expect_equal err "migcheck: .git/config:7: bad value 'mysql' for 'migcheck.migrations.$P.dialect': expected postgres or sqlite"
}
run_test 'a folder setting from git config' folder_from_git_config

folder_require_down () {
	init_repo &&
	write_migration a/001_x.up.sql 'SELECT 1;' &&
	write_migration b/001_x.up.sql 'SELECT 1;' &&
	printf '[migrations]\n\tdir = a\n\tdir = b\n\trequireDown = false\n[migrations "b"]\n\trequireDown = true\n' >.migcheck &&
	expect_code 1 "$MIGCHECK" list >out 2>err &&
	expect_equal err "b/001_x.up.sql: error: no down script [missing-down]
list: 1 error, 0 warnings"
}
run_test '[migrations "<dir>"] requireDown over the default' folder_require_down

folder_bad_values () {
	init_repo &&
	printf '[migrations]\n\tdir = db\n[migrations "db"]\n\tskip = 0001_init.sql\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list >out 2>err &&
	expect_equal err "migcheck: .migcheck:4: bad value '0001_init.sql' for 'migrations.db.skip': expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'" &&
	printf '[migrations "/db"]\n\tdialect = postgres\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list >out 2>err &&
	expect_equal err "migcheck: .migcheck:2: bad folder '/db' in [migrations \"<dir>\"]: expected a path relative to the repository root" &&
	printf '[migrations "db"]\n\tdir = other\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list >out 2>err &&
	expect_equal err "migcheck: .migcheck:2: unknown key 'migrations.db.dir'"
}
run_test 'bad folder settings: exit 2 with file:line' folder_bad_values

every_command_takes_dir () {
	init_repo &&
	write_migration sql/001_a.up.sql 'CREATE TABLE a (id INTEGER);' &&
	write_migration sql/001_a.down.sql 'DROP TABLE a;' &&
	commit_all one &&
	sqlite3 live.db 'CREATE TABLE a (id INTEGER); CREATE TABLE schema_migrations (version bigint, dirty boolean); INSERT INTO schema_migrations VALUES (1, 0);' &&
	"$MIGCHECK" list --dir sql >out &&
	expect_grep '^sql (golang-migrate, 1 migration)$' out &&
	"$MIGCHECK" check --dir sql >out &&
	"$MIGCHECK" log --dir sql >out &&
	"$MIGCHECK" roundtrip --dir sql --engine sqlite >out 2>err &&
	expect_grep '1 migration round-tripped' out &&
	"$MIGCHECK" drift --dir sql --db "sqlite:///$PWD/live.db" >out 2>err &&
	"$MIGCHECK" gate --dir sql --since HEAD --skip drift --engine sqlite >out 2>err &&
	for cmd in list roundtrip drift models gate; do
		expect_code 2 "$MIGCHECK" $cmd --dir nope >out 2>err &&
		expect_equal err "migcheck: migrations folder 'nope' does not exist" || return 1
	done &&
	expect_code 2 "$MIGCHECK" roundtrip --dir /etc >out 2>err &&
	expect_equal err "migcheck: migrations folder '/etc' is outside the repository"
}
run_test 'every command takes --dir, normalised one way' every_command_takes_dir

finish
