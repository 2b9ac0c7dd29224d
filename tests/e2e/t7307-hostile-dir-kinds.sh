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

# A folder below a symbolic link or inside a submodule: every command
# refuses it, naming the folder above it (check, list and log passed, HEAD's
# tree has no such folder). A submodule only added (not committed yet) or a
# clone in the work tree is a repository of its own.
below_link_or_submodule () {
	mkdir sub && (cd sub && init_repo && write_migration db/migrations/001_t.up.sql 'CREATE TABLE a (id int);' && commit_all sub) &&
	mkdir top && cd top && init_repo &&
	write_migration real/migrations/001_t.up.sql 'CREATE TABLE a (id int);' &&
	write_migration real/migrations/001_t.down.sql 'DROP TABLE a;' &&
	ln -s real db &&
	printf '[migrations]\n\tdir = db/migrations\n' >.migcheck &&
	commit_all top &&
	for cmd in 'check' 'check --staged' 'check --commit HEAD' 'list' 'log'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'db/migrations' is inside a symbolic link ('db' to 'real'): set migrations.dir to the folder it points to" ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	# --dir names it as migrations.dir does: the link is not followed
	mkdir -p real/other &&
	for cmd in 'check' 'list' 'log' 'roundtrip' 'init --dry-run'; do
		(cd real/other && expect_code 2 "$MIGCHECK" $cmd --dir ../../db/migrations/ >../../out 2>../../err) &&
		expect_equal err "migcheck: migrations folder 'db/migrations' is inside a symbolic link ('db' to 'real'): set migrations.dir to the folder it points to" ||
			{ echo "# in: migcheck $cmd --dir"; return 1; }
	done &&
	git -c protocol.file.allow=always submodule add -q ../sub lib/sub 2>/dev/null &&
	git config -f .migcheck migrations.dir lib/sub/db/migrations &&
	for cmd in 'check --staged' 'list' 'log'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'lib/sub/db/migrations' is inside 'lib/sub', a git repository of its own (a submodule or a clone): run migcheck inside it (migcheck -C 'lib/sub' ...), with its own .migcheck" ||
			{ echo "# in: migcheck $cmd (staged submodule)"; return 1; }
	done &&
	commit_all 'add the submodule' &&
	for cmd in 'check' 'check --commit HEAD' 'list' 'log'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "migcheck: migrations folder 'lib/sub/db/migrations' is inside 'lib/sub', a git submodule: run migcheck inside it (migcheck -C 'lib/sub' ...), with its own .migcheck" ||
			{ echo "# in: migcheck $cmd (committed submodule)"; return 1; }
	done &&
	git config -f .migcheck migrations.dir real/migrations &&
	expect_code 0 "$MIGCHECK" list >out &&
	expect_grep '^  001 ' out
}
run_test 'a folder below a symbolic link or inside a submodule: exit 2 naming it' below_link_or_submodule

# init refuses what check refuses, before writing anything: no .migcheck
# appears, and one that is there (with --force) is left as it was.
init_writes_nothing () {
	expect_code 2 "$MIGCHECK" init "$@" >out 2>err &&
	test ! -s out &&
	if test -f .migcheck.orig; then
		cmp .migcheck.orig .migcheck
	else
		test ! -e .migcheck && test ! -L .migcheck
	fi &&
	test -z "$(find . -maxdepth 1 -name '.migcheck.??????')"
}

init_symlinked_dir () {
	init_repo &&
	write_migration real/001_t.up.sql 'CREATE TABLE a (id int);' &&
	ln -s real db &&
	mkdir -p deep/x && ln -s ../real deep/x/mig && ln -s deep up &&
	commit_all init &&
	msg="migcheck: migrations folder 'db' is a symbolic link (to 'real'): set migrations.dir to the folder it points to" &&
	for args in '--dir db' '--dir db/' '--dry-run --dir db' '--dir real --dir db'; do
		init_writes_nothing $args &&
		expect_equal err "$msg" ||
			{ echo "# in: migcheck init $args"; return 1; }
	done &&
	init_writes_nothing --dir deep/x/mig &&
	expect_equal err "migcheck: migrations folder 'deep/x/mig' is a symbolic link (to '../real'): set migrations.dir to the folder it points to" &&
	# a folder below a link: git holds the link, not the files
	init_writes_nothing --dir up/x &&
	expect_equal err "migcheck: migrations folder 'up/x' is inside a symbolic link ('up' to 'deep'): set migrations.dir to the folder it points to" &&
	# a link only in the work tree, with --force over an existing file
	rm db && git rm -q --cached db && commit_all unlink &&
	printf '[migrations]\n\tdir = real\n' >.migcheck && cp .migcheck .migcheck.orig &&
	ln -s "$PWD/real" db &&
	init_writes_nothing --force --dir db &&
	expect_equal err "migcheck: migrations folder 'db' is a symbolic link (to '$PWD/real'): set migrations.dir to the folder it points to" &&
	rm .migcheck.orig &&
	expect_code 0 "$MIGCHECK" init --force --dir real >out 2>err &&
	expect_grep '^	dir = real$' .migcheck
}
run_test 'init --dir refuses a symbolic link (exit 2, nothing written)' init_symlinked_dir

init_submodule_dir () {
	mkdir sub && (cd sub && init_repo && write_migration 001_t.up.sql 'CREATE TABLE a (id int);' && commit_all sub) &&
	mkdir top && cd top && init_repo &&
	git -c protocol.file.allow=always submodule add -q ../sub db 2>/dev/null &&
	# added, not committed yet: the work tree shows it
	init_writes_nothing --dir db &&
	expect_equal err "migcheck: migrations folder 'db' is a git repository of its own (a submodule or a clone): run migcheck inside it (migcheck -C 'db' ...), with its own .migcheck" &&
	commit_all top &&
	init_writes_nothing --dir db &&
	expect_equal err "migcheck: migrations folder 'db' is a git submodule: run migcheck inside it (migcheck -C 'db' ...), with its own .migcheck" &&
	init_writes_nothing --dry-run --dir db/ &&
	expect_equal err "migcheck: migrations folder 'db' is a git submodule: run migcheck inside it (migcheck -C 'db' ...), with its own .migcheck" &&
	# a clone inside the work tree, never added
	cp -R ../sub clone &&
	init_writes_nothing --dir clone &&
	expect_equal err "migcheck: migrations folder 'clone' is a git repository of its own (a submodule or a clone): run migcheck inside it (migcheck -C 'clone' ...), with its own .migcheck"
}
run_test 'init --dir refuses a submodule (exit 2, nothing written)' init_submodule_dir

# Detection skips such folders with a note and uses the others; when they
# are all it found, init refuses as check would.
init_detect_skips () {
	init_repo &&
	write_migration shared/mig/001_t.up.sql 'CREATE TABLE a (id int);' &&
	write_migration shared/mig/001_t.down.sql 'DROP TABLE a;' &&
	mkdir db && ln -s ../shared/mig db/migrations &&
	commit_all init &&
	expect_code 0 "$MIGCHECK" init >out 2>err &&
	expect_grep "^migcheck: skipped: migrations folder 'db/migrations' is a symbolic link (to '../shared/mig'): set migrations.dir to the folder it points to$" err &&
	expect_grep '^	dir = shared/mig$' .migcheck &&
	expect_no_grep 'dir = db' .migcheck &&
	rm .migcheck &&
	# the link's target outside the repository: nothing else to use
	mv shared ../outside && rm db/migrations && ln -s "$(cd .. && pwd)/outside/mig" db/migrations &&
	commit_all outside &&
	init_writes_nothing &&
	expect_equal err "migcheck: migrations folder 'db/migrations' is a symbolic link (to '$(cd .. && pwd)/outside/mig'): set migrations.dir to the folder it points to"
}
run_test 'init skips a symbolic link it detects, refuses when none is left' init_detect_skips

init_detect_submodule () {
	mkdir sub && (cd sub && init_repo && write_migration ./001_t.up.sql 'CREATE TABLE a (id int);' && commit_all sub) &&
	mkdir sub2 && (cd sub2 && init_repo && write_migration 001_t.up.sql 'CREATE TABLE b (id int);' && commit_all sub2) &&
	mkdir top && cd top && init_repo &&
	git -c protocol.file.allow=always submodule add -q ../sub db/migrations 2>/dev/null &&
	commit_all top &&
	init_writes_nothing &&
	expect_equal err "migcheck: migrations folder 'db/migrations' is a git submodule: run migcheck inside it (migcheck -C 'db/migrations' ...), with its own .migcheck" &&
	# migrations further down in a submodule (sub2/db/migrations)
	git -c protocol.file.allow=always submodule add -q ../sub2 lib/sub2 2>/dev/null &&
	commit_all sub2 &&
	init_writes_nothing &&
	expect_equal err "migcheck: skipped: migrations folder 'lib/sub2/db/migrations' is inside 'lib/sub2', a git submodule: run migcheck inside it (migcheck -C 'lib/sub2' ...), with its own .migcheck
migcheck: migrations folder 'db/migrations' is a git submodule: run migcheck inside it (migcheck -C 'db/migrations' ...), with its own .migcheck" &&
	init_writes_nothing --dir lib/sub2/db/migrations &&
	expect_equal err "migcheck: migrations folder 'lib/sub2/db/migrations' is inside 'lib/sub2', a git submodule: run migcheck inside it (migcheck -C 'lib/sub2' ...), with its own .migcheck" &&
	write_migration migrations/001_o.up.sql 'CREATE TABLE o (id int);' &&
	expect_code 0 "$MIGCHECK" init >out 2>err &&
	expect_grep "^migcheck: skipped: migrations folder 'db/migrations' is a git submodule" err &&
	expect_grep "^migcheck: skipped: migrations folder 'lib/sub2/db/migrations' is inside 'lib/sub2'" err &&
	expect_grep '^	dir = migrations$' .migcheck &&
	expect_no_grep 'dir = db' .migcheck &&
	expect_no_grep 'dir = lib' .migcheck
}
run_test 'init skips a submodule it detects, refuses when none is left' init_detect_submodule

finish
