#!/bin/sh
# The hooks 'migcheck hooks install' writes print nothing when all is well,
# and each error they print says how to fix it (the finding's detail, so
# JSON and the other formats carry it too): an edited or deleted release
# is put back from the deploy point it names, then the change is a new
# migration; a migration out of order is renumbered above the newest.
. "$(dirname "$0")/lib.sh"

repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	write_migration 005_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 005_init.down.sql 'DROP TABLE t;' &&
	commit_all init && git tag v1.0.0 &&
	remote=$(mktemp -d "$TEST_ROOT/remote.XXXXXX") &&
	git init -q --bare "$remote" && git remote add origin "$remote" &&
	git push -q origin main v1.0.0 &&
	"$MIGCHECK" hooks install >/dev/null
}

silent_when_clean () {
	repo &&
	write_migration 006_u.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 006_u.down.sql 'DROP TABLE u;' &&
	git add -A && test_tick && git commit -q -m 'add u' >out 2>err &&
	test ! -s out && test ! -s err &&
	git push -q origin main >out 2>err &&
	test ! -s out && test ! -s err
}
run_test 'a clean commit and push: the hooks print nothing' silent_when_clean

edited_release () {
	repo &&
	write_migration 005_init.up.sql 'CREATE TABLE t (id bigint);' && git add -A &&
	expect_code 1 git commit -q -m 'edit' >out 2>err &&
	expect_equal err "db/migrations/005_init.up.sql:1: error: deployed migration 'db/migrations/005_init.up.sql' was edited (deployed in refs/tags/v1.0.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	# the same hint in JSON, on the finding
	expect_code 1 "$MIGCHECK" check --staged --format json >out.json &&
	python3 -c '
import json, sys
f = json.load(open("out.json"))["findings"]
want = "to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.up.sql) and write the change as a new migration"
sys.exit(0 if [x["detail"] for x in f] == [want] else "got %r" % (f,))' &&
	# doing what it says: the commit goes through, silently
	git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.up.sql &&
	write_migration 006_widen.up.sql 'ALTER TABLE t ALTER COLUMN id TYPE bigint;' &&
	write_migration 006_widen.down.sql 'ALTER TABLE t ALTER COLUMN id TYPE int;' &&
	git add -A && test_tick && git commit -q -m 'widen' >out 2>err &&
	test ! -s out && test ! -s err
}
run_test 'an edited release: put it back from the point named, then a new migration' edited_release

deleted_release () {
	repo &&
	git rm -q db/migrations/005_init.down.sql &&
	expect_code 1 git commit -q -m 'drop down' 2>err &&
	expect_equal err "db/migrations/005_init.down.sql: error: deployed migration 'db/migrations/005_init.down.sql' was deleted (deployed in refs/tags/v1.0.0) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.down.sql); to undo what it did, write a new migration
check: 1 error, 0 warnings" &&
	git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.down.sql &&
	"$MIGCHECK" check --staged >out && expect_equal out 'check: 0 errors, 0 warnings'
}
run_test 'a deleted release: the hint brings it back' deleted_release

renamed_release () {
	repo &&
	git mv db/migrations/005_init.up.sql db/migrations/007_init.up.sql &&
	git mv db/migrations/005_init.down.sql db/migrations/007_init.down.sql &&
	expect_code 1 git commit -q -m 'renumber' 2>err &&
	expect_grep "^    to fix: give it its released name back (git mv -- db/migrations/007_init.up.sql db/migrations/005_init.up.sql) and write any change as a new migration$" err &&
	git mv -- db/migrations/007_init.up.sql db/migrations/005_init.up.sql &&
	git mv -- db/migrations/007_init.down.sql db/migrations/005_init.down.sql &&
	"$MIGCHECK" check --staged >out && expect_equal out 'check: 0 errors, 0 warnings'
}
run_test 'a renamed release: the hint names it back' renamed_release

out_of_order () {
	repo &&
	write_migration 004_early.up.sql 'CREATE TABLE e (id int);' &&
	write_migration 004_early.down.sql 'DROP TABLE e;' && git add -A &&
	expect_code 1 git commit -q -m 'early' 2>err &&
	expect_equal err "db/migrations/004_early.up.sql:1: error: new migration 004 sorts before the highest deployed version 005 [out-of-order]
    to fix: renumber it above 005 (rename the file to a higher version)
check: 1 error, 0 warnings" &&
	git mv db/migrations/004_early.up.sql db/migrations/006_early.up.sql &&
	git mv db/migrations/004_early.down.sql db/migrations/006_early.down.sql &&
	test_tick && git commit -q -m 'early, renumbered' >out 2>err &&
	test ! -s out && test ! -s err
}
run_test 'out of order: renumber above the newest, then the commit is silent' out_of_order

push_edit () {
	repo &&
	write_migration 005_init.up.sql 'CREATE TABLE t (id bigint);' &&
	git add -A && test_tick && git commit -q --no-verify -m 'edit' &&
	expect_code 1 git push -q origin main >out 2>err &&
	expect_grep "^db/migrations/005_init.up.sql:1: error: deployed migration 'db/migrations/005_init.up.sql' was edited (deployed in refs/tags/v1.0.0) \\[modified-deployed\\]$" err &&
	expect_grep "^    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/005_init.up.sql) and write the change as a new migration$" err &&
	test ! -s out
}
run_test 'the pre-push hook: the same hint' push_edit

finish
