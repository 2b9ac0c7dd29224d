#!/bin/sh
# t7307: a migrations folder that git holds as a symbolic link or a
# submodule is refused with the fix (exit 2), in every command that reads
# it, instead of judging the wrong files and passing.
. "$(dirname "$0")/lib.sh"

symlinked_dir () {
	init_repo &&
	write_migration real/001_t.up.sql 'CREATE TABLE a (id int);' &&
	write_migration real/001_t.down.sql 'DROP TABLE a;' &&
	ln -s real db &&
	printf '[migrations]\n\tdir = db\n[deploy]\n\tref = refs/tags/v1\n' >.migcheck &&
	commit_all init &&
	git tag v1 &&
	echo 'CREATE TABLE a (id bigint);' >real/001_t.up.sql &&
	git add -A &&
	for cmd in 'check' 'check --staged' 'check --commit HEAD' 'list' 'log' 'roundtrip' 'gate --since v1'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'db' is a symbolic link (to 'real'): set migrations.dir to the folder it points to" ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	git config -f .migcheck migrations.dir real &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep 'modified-deployed' out &&
	# the configured folder is fine; --dir names the link
	for cmd in 'check --dir db' 'check --staged --dir db/' 'list --dir db' 'list --dir db/' 'log --dir db' 'log --dir db/'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'db' is a symbolic link (to 'real'): set migrations.dir to the folder it points to" ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	(cd real && expect_code 2 "$MIGCHECK" list --dir ../db 2>../err) &&
	expect_equal err "migcheck: migrations folder 'db' is a symbolic link (to 'real'): set migrations.dir to the folder it points to" &&
	expect_code 0 "$MIGCHECK" list --dir real >out &&
	expect_grep '^  001 ' out &&
	expect_code 0 "$MIGCHECK" log --dir real >out &&
	expect_grep '^real/001_t.up.sql' out
}
run_test 'a symbolic link as the migrations folder: exit 2 with the fix' symlinked_dir

untracked_symlink () {
	init_repo &&
	write_migration real/001_t.up.sql 'CREATE TABLE a (id int);' &&
	printf '[migrations]\n\tdir = db\n' >.migcheck &&
	commit_all init &&
	ln -s "$PWD/real" db &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: migrations folder 'db' is a symbolic link (to '$PWD/real'): set migrations.dir to the folder it points to"
}
run_test 'a symbolic link in the work tree only' untracked_symlink

submodule_dir () {
	mkdir sub && (cd sub && init_repo && write_migration 001_t.up.sql 'CREATE TABLE a (id int);' && commit_all sub) &&
	mkdir top && cd top && init_repo &&
	git -c protocol.file.allow=always submodule add -q ../sub db 2>/dev/null &&
	printf '[migrations]\n\tdir = db\n' >.migcheck &&
	commit_all top &&
	for cmd in 'check' 'check --commit HEAD' 'list' 'log'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'db' is a git submodule: run migcheck inside it (migcheck -C 'db' ...), with its own .migcheck" ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	# the same through --dir, with a configured folder that is fine
	mkdir other && write_migration other/001_o.up.sql 'CREATE TABLE o (id int);' &&
	write_migration other/001_o.down.sql 'DROP TABLE o;' &&
	git config -f .migcheck migrations.dir other && commit_all other &&
	for cmd in 'check --dir db' 'list --dir db' 'log --dir db'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'db' is a git submodule: run migcheck inside it (migcheck -C 'db' ...), with its own .migcheck" ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	expect_code 0 "$MIGCHECK" list >out
}
run_test 'a submodule as the migrations folder: exit 2, run inside it' submodule_dir

finish
