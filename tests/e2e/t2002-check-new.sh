#!/bin/sh
# check: new migrations: out-of-order, duplicate-version, missing-down,
# malformed and empty (changed files only), unborn branch.
. "$(dirname "$0")/lib.sh"

deployed_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration 005_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 005_more.down.sql 'DROP TABLE u;' &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD
}

new_ok () {
	deployed_repo &&
	write_migration 006_next.up.sql 'CREATE TABLE v (id int);' &&
	write_migration 006_next.down.sql 'DROP TABLE v;' &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	"$MIGCHECK" check >out2
}
run_test 'a new migration after the deployed ones passes' new_ok

out_of_order () {
	deployed_repo &&
	write_migration 003_late.up.sql 'CREATE TABLE v (id int);' &&
	write_migration 003_late.down.sql 'DROP TABLE v;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/003_late.up.sql:1: error: new migration 003 sorts before the highest deployed version 005 [out-of-order]
    to fix: renumber it above 005 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'a new version below the highest deployed one is out-of-order' out_of_order

duplicate_deployed () {
	deployed_repo &&
	write_migration 005_other.up.sql 'CREATE TABLE v (id int);' &&
	write_migration 005_other.down.sql 'DROP TABLE v;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/005_other.up.sql:1: error: version 005 of 'db/migrations/005_other.up.sql' is already used by 'db/migrations/005_more.up.sql' \[duplicate-version\]" out &&
	expect_no_grep 'out-of-order' out
}
run_test 'a new migration reusing a deployed version is duplicate-version' duplicate_deployed

duplicate_new () {
	deployed_repo &&
	write_migration 007_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 007_a.down.sql 'DROP TABLE a;' &&
	write_migration 007_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 007_b.down.sql 'DROP TABLE b;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep 'db/migrations/007_b.up.sql:1: error: .*\[duplicate-version\]' out
}
run_test 'two new migrations with one version are duplicate-version' duplicate_new

missing_down () {
	deployed_repo &&
	write_migration 006_next.up.sql 'CREATE TABLE v (id int);' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/006_next.up.sql:1: error: migration 006 has no down script [missing-down]
    to fix: write its down script, or if it cannot have one, say why in it: '-- migcheck:irreversible <reason>'
check: 1 error, 0 warnings" &&
	git config -f .migcheck migrations.requireDown false &&
	"$MIGCHECK" check --staged >out2
}
run_test 'a new migration without down is missing-down (migrations.requireDown)' missing_down

old_files_not_flooded () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 001_old.up.sql 'CREATE TABLE t (id int);' &&
	commit_all 'old, without down' && git update-ref refs/remotes/origin/main HEAD &&
	write_migration 002_new.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_new.down.sql 'DROP TABLE u;' &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_no_grep '001_old' out
}
run_test 'old files are not reported again: only the change is judged' old_files_not_flooded

empty_new () {
	deployed_repo &&
	write_migration 006_next.up.sql '' &&
	write_migration 006_next.down.sql 'SELECT 1;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '^db/migrations/006_next.up.sql.*\[empty-migration\]' out
}
run_test 'a new empty migration is empty-migration' empty_new

malformed_new () {
	deployed_repo &&
	git config -f .migcheck migrations.format dbmate &&
	write_migration 20240101000000_x.sql '-- migrate:down
DROP TABLE x;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '^db/migrations/20240101000000_x.sql.*\[malformed\]' out
}
run_test 'a new malformed migration is malformed' malformed_new

unborn () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	write_migration 002_x.up.sql 'CREATE TABLE u (id int);' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out2 &&
	expect_grep '002_x.up.sql.*missing-down' out2
}
run_test 'unborn branch: everything staged is new' unborn

no_dir () {
	init_repo &&
	expect_code 2 "$MIGCHECK" check --staged 2>err &&
	expect_equal err "migcheck: no migrations folder found: pass --dir <dir> or set migrations.dir (migcheck init)"
}
run_test 'no migrations folder configured (exit 2)' no_dir

bad_mode_combo () {
	init_repo &&
	expect_code 2 "$MIGCHECK" check --staged --commit HEAD --dir db 2>err &&
	expect_grep "^migcheck check: --staged, --range, --commit and --pre-push exclude each other" err &&
	expect_code 2 "$MIGCHECK" check --range HEAD --message-file x --dir db 2>err2 &&
	expect_grep "^migcheck check: --message-file goes with --staged" err2 &&
	expect_code 2 "$MIGCHECK" check --staged --message-file nope --dir db 2>err3 &&
	expect_equal err3 "migcheck: cannot open 'nope': No such file or directory"
}
run_test 'conflicting options are usage errors (exit 2)' bad_mode_combo

finish
