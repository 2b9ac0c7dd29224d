#!/bin/sh
# Configuration layers seen through 'migcheck list': .migcheck, then
# git config migcheck.<section>.<key>, each replacing what came before.
. "$(dirname "$0")/lib.sh"

two_folders () {
	init_repo &&
	write_migration db/migrations/1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration other/1_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration other/1_b.down.sql 'DROP TABLE b;' &&
	printf '[migrations]\n\tdir = db/migrations\n\tdir = other\n' >.migcheck
}

file_lists_both () {
	two_folders &&
	expect_code 1 "$MIGCHECK" list >out 2>err &&
	expect_grep '^db/migrations (golang-migrate, 1 migration)' out &&
	expect_grep '^other (golang-migrate, 1 migration)' out &&
	expect_grep 'missing-down' err
}
run_test '.migcheck with two dirs lists both' file_lists_both

git_config_replaces_dirs () {
	two_folders &&
	git config migcheck.migrations.dir other &&
	"$MIGCHECK" list >out 2>err &&
	expect_no_grep '^db/migrations' out &&
	expect_grep '^other (golang-migrate, 1 migration)' out
}
run_test 'git config migcheck.migrations.dir replaces the list of .migcheck' git_config_replaces_dirs

git_config_severity () {
	two_folders &&
	git config migcheck.severity.missing-down off &&
	"$MIGCHECK" list >out 2>err &&
	expect_no_grep 'missing-down' err
}
run_test 'git config migcheck.severity.<code> changes a severity' git_config_severity

file_severity_warning () {
	two_folders &&
	git config -f .migcheck severity.missing-down warning &&
	"$MIGCHECK" list >out 2>err &&
	expect_grep 'warning: no down script \[missing-down' err
}
run_test '[severity] in .migcheck turns an error into a warning (exit 0)' file_severity_warning

require_down_false () {
	two_folders &&
	git config migcheck.migrations.requireDown false &&
	"$MIGCHECK" list >out 2>err &&
	expect_no_grep 'missing-down' err
}
run_test 'git config migcheck.migrations.requireDown false' require_down_false

finish
