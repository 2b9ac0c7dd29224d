#!/bin/sh
# migcheck init: --force, --dry-run, refusal, deploy ref detection, errors.
. "$(dirname "$0")/lib.sh"

key () {
	git config -f "$1" --get-all "$2"
}

# a repository with one golang-migrate migration
repo_with_migration () {
	init_repo "${1:-.}" &&
	(cd "${1:-.}" &&
	 write_migration 20240101000000_init.up.sql 'CREATE TABLE t (id int);' &&
	 write_migration 20240101000000_init.down.sql 'DROP TABLE t;')
}

refuses_overwrite () {
	repo_with_migration &&
	printf '# mine\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" init >out 2>err &&
	expect_equal err "migcheck: '.migcheck' already exists; run 'migcheck init --force' to overwrite it" &&
	[ ! -s out ] &&
	expect_equal .migcheck '# mine'
}
run_test 'an existing .migcheck is kept without --force (exit 2)' refuses_overwrite

force_overwrites () {
	repo_with_migration &&
	printf '[broken\n' >.migcheck &&
	"$MIGCHECK" init --force >out 2>err &&
	cmp -s out .migcheck &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	expect_grep '^migcheck: wrote .migcheck (replacing the old one: --force)$' err &&
	ls -a >files && expect_no_grep '^\.migcheck\.' files
}
run_test '--force replaces it, even a broken one' force_overwrites

dry_run () {
	repo_with_migration &&
	"$MIGCHECK" init --dry-run >out 2>err &&
	[ ! -e .migcheck ] &&
	expect_grep '^\[migrations\]' out &&
	expect_grep '^	dir = db/migrations$' out &&
	expect_grep '^migcheck: dry run: .migcheck not written$' err &&
	printf '# mine\n' >.migcheck &&
	"$MIGCHECK" init -n >out2 2>/dev/null &&
	cmp -s out out2 &&
	expect_equal .migcheck '# mine' &&
	ls -a >files && expect_no_grep '^\.migcheck\.' files
}
run_test '--dry-run prints and writes nothing' dry_run

deploy_ref_from_origin () {
	repo_with_migration work0 &&
	(cd work0 && commit_all init) &&
	git clone -q --bare work0 origin.git &&
	git clone -q origin.git clone &&
	cd clone &&
	"$MIGCHECK" init >out 2>err &&
	[ "$(key .migcheck deploy.ref)" = refs/remotes/origin/main ] &&
	expect_grep "^migcheck: deploy ref: refs/remotes/origin/main, origin's default branch (refs/remotes/origin/HEAD)$" err
}
run_test "deploy ref: origin's default branch from a clone" deploy_ref_from_origin

deploy_ref_origin_trunk () {
	repo_with_migration work0 &&
	(cd work0 && commit_all init && git branch -q -m trunk) &&
	git clone -q --bare work0 origin.git &&
	git clone -q origin.git clone &&
	cd clone &&
	"$MIGCHECK" init >/dev/null 2>err &&
	[ "$(key .migcheck deploy.ref)" = refs/remotes/origin/trunk ]
}
run_test 'deploy ref: follows origin/HEAD to a branch not called main' deploy_ref_origin_trunk

deploy_ref_origin_without_head () {
	repo_with_migration &&
	commit_all init &&
	git update-ref refs/remotes/origin/master HEAD &&
	"$MIGCHECK" init >/dev/null 2>err &&
	[ "$(key .migcheck deploy.ref)" = refs/remotes/origin/master ] &&
	expect_grep "origin's master branch (refs/remotes/origin/HEAD is not set)" err
}
run_test 'deploy ref: origin/master when origin/HEAD is not set' deploy_ref_origin_without_head

deploy_ref_local_main () {
	repo_with_migration &&
	commit_all init &&
	"$MIGCHECK" init >/dev/null 2>err &&
	[ "$(key .migcheck deploy.ref)" = refs/heads/main ] &&
	expect_grep "the local main branch (no remote 'origin' branch found)" err
}
run_test 'deploy ref: the local main branch without a remote' deploy_ref_local_main

deploy_ref_unborn () {
	repo_with_migration &&
	"$MIGCHECK" init >/dev/null 2>err &&
	[ "$(key .migcheck deploy.ref)" = refs/remotes/origin/main ] &&
	expect_grep 'NOT FOUND in this clone yet' .migcheck &&
	expect_grep 'deploy ref: refs/remotes/origin/main (a guess' err
}
run_test 'deploy ref: a guess, said so, in a repository without commits' deploy_ref_unborn

no_migrations () {
	init_repo &&
	mkdir src && : >src/main.c &&
	expect_code 2 "$MIGCHECK" init >out 2>err &&
	expect_equal err "migcheck: no migrations folder found in the work tree; name it with 'migcheck init --dir <dir>'" &&
	[ ! -e .migcheck ]
}
run_test 'no migrations anywhere: exit 2 naming --dir' no_migrations

dir_option () {
	init_repo &&
	mkdir -p database/changes &&
	write_migration database/changes/0001.sql 'CREATE TABLE t (id int);' &&
	"$MIGCHECK" init --dir database/changes/ --dialect sqlite --migration-format plain >/dev/null 2>err &&
	[ "$(key .migcheck migrations.dir)" = database/changes ] &&
	[ "$(key .migcheck migrations.dialect)" = sqlite ] &&
	[ "$(key .migcheck migrations.format)" = plain ] &&
	expect_grep 'dialect: sqlite (--dialect)' err
}
run_test '--dir, --dialect and --migration-format skip detection' dir_option

dir_relative () {
	init_repo &&
	write_migration server/migrations/001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration server/migrations/001_a.down.sql 'DROP TABLE a;' &&
	write_migration migrations/001_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration migrations/001_b.down.sql 'DROP TABLE b;' &&
	write_migration db/migrations/001_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration db/migrations/001_c.down.sql 'DROP TABLE c;' &&
	(cd server && "$MIGCHECK" init --dir migrations >/dev/null 2>../err) &&
	[ "$(key .migcheck migrations.dir)" = server/migrations ] &&
	"$MIGCHECK" list >out &&
	expect_grep '^server/migrations (golang-migrate, 1 migration)$' out &&
	"$MIGCHECK" init --force --dir ./db/migrations/ >/dev/null 2>err &&
	[ "$(key .migcheck migrations.dir)" = db/migrations ] &&
	(cd server/migrations && "$MIGCHECK" init --force --dir ../../db//migrations --dir . >/dev/null 2>../../err) &&
	key .migcheck migrations.dir >got &&
	expect_equal got 'db/migrations
server/migrations' &&
	(cd server && "$MIGCHECK" init --force --dir .. >/dev/null 2>../err) &&
	[ "$(key .migcheck migrations.dir)" = . ]
}
run_test 'init --dir is relative to the current directory, written relative to the root' dir_relative

dir_outside () {
	mkdir -p outside/migrations repo && cd repo && init_repo &&
	write_migration migrations/001_a.up.sql 'SELECT 1;' &&
	mkdir sub &&
	expect_code 2 "$MIGCHECK" init --dir ../outside/migrations >out 2>err &&
	expect_equal err "migcheck: migrations folder '../outside/migrations' is outside the repository" &&
	(cd sub && expect_code 2 "$MIGCHECK" init --dir ../../outside/migrations 2>../err) &&
	expect_equal err "migcheck: migrations folder '../../outside/migrations' is outside the repository" &&
	expect_code 2 "$MIGCHECK" init --dir "$TEST_ROOT" 2>err &&
	expect_equal err "migcheck: migrations folder '$TEST_ROOT' is outside the repository" &&
	(cd sub && expect_code 2 "$MIGCHECK" init --dir migrations 2>../err) &&
	expect_equal err "migcheck: no folder 'migrations' in the work tree" &&
	[ ! -e .migcheck ] && [ ! -s out ]
}
run_test 'init --dir outside the repository, or missing from the current directory: exit 2' dir_outside

bad_options () {
	init_repo &&
	expect_code 2 "$MIGCHECK" init --dir nowhere 2>err &&
	expect_equal err "migcheck: no folder 'nowhere' in the work tree" &&
	expect_code 2 "$MIGCHECK" init --dialect mysql 2>err &&
	expect_grep "^migcheck init: bad value 'mysql' for 'migrations.dialect': expected postgres or sqlite$" err &&
	expect_code 2 "$MIGCHECK" init --dir /etc 2>err &&
	expect_equal err "migcheck: migrations folder '/etc' is outside the repository" &&
	expect_code 2 "$MIGCHECK" init --frobnicate 2>err &&
	expect_grep "^migcheck init: unknown option '--frobnicate'" err &&
	expect_code 2 "$MIGCHECK" init extra 2>err &&
	expect_grep "^migcheck init: unexpected argument 'extra'" err
}
run_test 'bad options: exit 2 with the reason' bad_options

bare_refused () {
	git init -q --bare b.git &&
	expect_code 2 "$MIGCHECK" -C b.git init 2>err &&
	expect_equal err "migcheck: 'migcheck init' needs a work tree; this repository is bare"
}
run_test 'a bare repository has no work tree to write to' bare_refused

from_subfolder () {
	repo_with_migration &&
	"$MIGCHECK" -C db/migrations init >/dev/null 2>&1 &&
	[ -f .migcheck ] && [ ! -e db/migrations/.migcheck ]
}
run_test 'init from a subfolder writes at the repository root' from_subfolder

quiet () {
	repo_with_migration &&
	"$MIGCHECK" -q init >out 2>err &&
	expect_equal err 'migcheck: wrote .migcheck'
}
run_test '-q keeps only the line saying what was written' quiet

help () {
	"$MIGCHECK" init --help >out &&
	expect_grep '^usage: migcheck init' out &&
	expect_grep ' --force' out &&
	expect_grep ' --dry-run' out
}
run_test 'init --help' help

finish
