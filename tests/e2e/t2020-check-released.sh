#!/bin/sh
# Released means what production ran (SPEC §6, issue 15): the failure
# shapes seen on real release histories, rebuilt with files of our own.
# A change from X to Y edits a released migration when the file is at X, Y
# changes or removes it, and some deploy point (every tag a glob matches,
# origin's main) holds its path; new migrations are judged against X and
# the deploy points that do not already contain Y.
. "$(dirname "$0")/lib.sh"

# tagged_repo: golang-migrate files, deploy.ref refs/tags/v*
tagged_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	commit_all init && git tag v1.2.0
}

edit () { # edit FILE CONTENT
	write_migration "$1" "$2"
}

# v1.10.0 sorts before v1.2.0 by name; the edit shipped in v1.9.1 is in
# v1.10.0 as well. Each range finds exactly its own edit, named after the
# release that shipped the old content.
tags_out_of_name_order () {
	tagged_repo &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && git tag v1.9.0 &&
	edit 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all 'edit 001' && git tag v1.9.1 &&
	write_migration 003_last.up.sql 'CREATE TABLE w (id int);' &&
	write_migration 003_last.down.sql 'DROP TABLE w;' &&
	commit_all last && git tag v1.10.0 &&
	expect_code 1 "$MIGCHECK" check --range v1.9.0..v1.9.1 >out &&
	expect_equal out "db/migrations/001_init.up.sql:1: error: deployed migration 'db/migrations/001_init.up.sql' was edited (deployed in refs/tags/v1.9.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.9.0 --staged --worktree -- db/migrations/001_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	# the edit is also in the newer v1.10.0: still the edit of v1.9.0's file
	expect_code 1 "$MIGCHECK" check --range v1.2.0..v1.10.0 >out &&
	expect_equal out "db/migrations/001_init.up.sql:1: error: deployed migration 'db/migrations/001_init.up.sql' was edited (deployed in refs/tags/v1.9.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.9.0 --staged --worktree -- db/migrations/001_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	"$MIGCHECK" check --range v1.9.1..v1.10.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings" &&
	# JSON: one finding, its file and line
	expect_code 1 "$MIGCHECK" check --range v1.9.0..v1.9.1 --format json >out.json &&
	python3 -c '
import json, sys
d = json.load(open("out.json"))
f = [(x["code"], x["file"], x["line"]) for x in d["findings"]]
want = [("modified-deployed", "db/migrations/001_init.up.sql", 1)]
sys.exit(0 if f == want else "got %r" % (f,))'
}
run_test 'tags out of name order: v1.10.0 is newer than v1.2.0, each range finds its own edit' tags_out_of_name_order

# origin/main already holds the edit (init's default deploy ref): the range
# still edits what v1.0.0 shipped.
main_already_holds_the_edit () {
	tagged_repo &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	git tag v1.0.0 &&
	edit 001_init.up.sql 'CREATE TABLE t (id int, name text);' &&
	commit_all 'edit 001' && git tag v1.1.0 &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more &&
	git update-ref refs/remotes/origin/main HEAD &&
	expect_code 1 "$MIGCHECK" check --range v1.0.0..v1.1.0 >out &&
	expect_equal out "db/migrations/001_init.up.sql:1: error: deployed migration 'db/migrations/001_init.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/001_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	# 002 was added inside v1.1.0..main: never "edited", and not out of
	# order although main, which holds it, is a deploy point
	"$MIGCHECK" check --range v1.1.0..origin/main >out &&
	expect_equal out "check: 0 errors, 0 warnings"
}
run_test 'origin/main already holding the edit does not hide it' main_already_holds_the_edit

# Files added inside the range are never edited, though a later release
# holds a different version of them; the next range, which edits them
# after release, reports them.
added_inside_the_range () {
	tagged_repo &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && edit 002_more.up.sql 'CREATE TABLE u (id bigint);' &&
	commit_all 'fix before release' && git tag v1.3.0 &&
	edit 002_more.up.sql 'CREATE TABLE u (id bigint, x int);' &&
	git rm -q db/migrations/002_more.down.sql &&
	commit_all 'edit after release' && git tag v1.4.0 &&
	"$MIGCHECK" check --range v1.2.0..v1.3.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings" &&
	expect_code 1 "$MIGCHECK" check --range v1.3.0..v1.4.0 >out &&
	expect_equal out "db/migrations/002_more.down.sql: error: deployed migration 'db/migrations/002_more.down.sql' was deleted (deployed in refs/tags/v1.3.0) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.3.0 --staged --worktree -- db/migrations/002_more.down.sql); to undo what it did, write a new migration
db/migrations/002_more.up.sql:1: error: deployed migration 'db/migrations/002_more.up.sql' was edited (deployed in refs/tags/v1.3.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.3.0 --staged --worktree -- db/migrations/002_more.up.sql) and write the change as a new migration
check: 2 errors, 0 warnings" &&
	# the same edit in the work tree and staged, on a checkout of v1.3.0:
	# v1.4.0 holds the new content, v1.3.0 shipped what it replaces
	git checkout -q v1.3.0 &&
	edit 002_more.up.sql 'CREATE TABLE u (id bigint, x int);' &&
	expect_code 1 "$MIGCHECK" check >out &&
	expect_grep "^db/migrations/002_more.up.sql:1: error: .*(deployed in refs/tags/v1.3.0) \[modified-deployed\]" out &&
	git add -A && expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/002_more.up.sql:1: error: .*(deployed in refs/tags/v1.3.0) \[modified-deployed\]" out &&
	# and committed: --commit judges the commit against its parent
	git commit -q -m again && expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_grep "^db/migrations/002_more.up.sql:1: error: .*(deployed in refs/tags/v1.3.0) \[modified-deployed\]" out
}
run_test 'files added inside the range are never edited; the next range edits them' added_inside_the_range

# An old violation the change does not touch is not reported again.
old_violation_not_repeated () {
	tagged_repo &&
	edit 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all 'edit 001' && git tag v1.3.0 &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && git tag v1.4.0 &&
	"$MIGCHECK" check --range v1.3.0..v1.4.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings"
}
run_test 'an old edit the change does not touch is not reported again' old_violation_not_repeated

# Maintenance branch: v1.4.3 is tagged after v1.5.0 on a branch from v1.4.0.
maintenance_tags () {
	tagged_repo && git tag v1.4.0 &&
	git checkout -q -b main-next &&
	write_migration 005_feat.up.sql 'CREATE TABLE f (id int);' &&
	write_migration 005_feat.down.sql 'DROP TABLE f;' &&
	commit_all feat && git tag v1.5.0 &&
	git checkout -q -b release-1.4 v1.4.0 &&
	write_migration 003_hotfix.up.sql 'CREATE INDEX h ON t (id);' &&
	write_migration 003_hotfix.down.sql 'DROP INDEX h;' &&
	commit_all hotfix && git tag v1.4.3 &&
	git checkout -q main-next &&
	write_migration 006_next.up.sql 'CREATE TABLE n (id int);' &&
	write_migration 006_next.down.sql 'DROP TABLE n;' &&
	edit 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all next && git tag v1.6.0 &&
	# 006 is above everything any release ran; 001 was last shipped by
	# v1.4.3, the newest release without the change
	expect_code 1 "$MIGCHECK" check --range v1.5.0..v1.6.0 >out &&
	expect_equal out "db/migrations/001_init.up.sql:1: error: deployed migration 'db/migrations/001_init.up.sql' was edited (deployed in refs/tags/v1.4.3) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.4.3 --staged --worktree -- db/migrations/001_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	# the hotfix, below 005 and 006, runs out of order where v1.5.0 and
	# v1.6.0 ran (neither contains it); the message names the highest
	expect_code 1 "$MIGCHECK" check --range v1.4.0..v1.4.3 >out &&
	expect_equal out "db/migrations/003_hotfix.up.sql:1: error: new migration 003 sorts before the highest deployed version 006 (deployed in refs/tags/v1.6.0) [out-of-order]
    to fix: renumber it above 006 (rename the file to a higher version)
check: 1 error, 0 warnings" &&
	# upgrading v1.4.3 to v1.5.0 (A..B: from A itself) loses the hotfix
	expect_code 1 "$MIGCHECK" check --range v1.4.3..v1.5.0 >out &&
	expect_equal out "db/migrations/003_hotfix.down.sql: error: deployed migration 'db/migrations/003_hotfix.down.sql' was deleted (deployed in refs/tags/v1.4.3) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.4.3 --staged --worktree -- db/migrations/003_hotfix.down.sql); to undo what it did, write a new migration
db/migrations/003_hotfix.up.sql: error: deployed migration 'db/migrations/003_hotfix.up.sql' was deleted (deployed in refs/tags/v1.4.3) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.4.3 --staged --worktree -- db/migrations/003_hotfix.up.sql); to undo what it did, write a new migration
check: 2 errors, 0 warnings" &&
	# from the merge base (A...B), v1.5.0 deletes nothing
	"$MIGCHECK" check --range v1.4.3...v1.5.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings"
}
run_test 'maintenance-branch tags: v1.4.3 after v1.5.0' maintenance_tags

# Out-of-order by the right deploy points: a later release or a main that
# already contains the change does not count; a main that does not (a
# branch behind it) does.
out_of_order_points () {
	tagged_repo &&
	git config -f .migcheck --add deploy.ref refs/remotes/origin/main &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && git tag v1.3.0 &&
	write_migration 004_x.up.sql 'CREATE TABLE x (id int);' &&
	write_migration 004_x.down.sql 'DROP TABLE x;' &&
	commit_all x && git tag v1.4.0 &&
	git update-ref refs/remotes/origin/main HEAD &&
	"$MIGCHECK" check --range v1.2.0..v1.3.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings" &&
	# a branch from v1.3.0 adds 003_y, behind 004_x (v1.4.0 and main are
	# the same commit: the message names the first in deploy.ref order)
	git checkout -q -b topic v1.3.0 &&
	write_migration 003_y.up.sql 'CREATE TABLE y (id int);' &&
	write_migration 003_y.down.sql 'DROP TABLE y;' &&
	git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/003_y.up.sql:1: error: new migration 003 sorts before the highest deployed version 004 (deployed in refs/tags/v1.4.0) [out-of-order]
    to fix: renumber it above 004 (rename the file to a higher version)
check: 1 error, 0 warnings" &&
	git commit -q -m y &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_equal out "db/migrations/003_y.up.sql:1: error: new migration 003 sorts before the highest deployed version 004 (deployed in refs/tags/v1.4.0) [out-of-order]
    to fix: renumber it above 004 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'out-of-order is judged by the deploy points that do not contain the change' out_of_order_points

# An ADD VALUE -> ADD VALUE IF NOT EXISTS edit of a released goose file.
goose_add_value () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	mkdir -p db/migrations &&
	printf -- "-- +goose Up\nALTER TYPE status ADD VALUE 'archived';\n\n-- +goose Down\nSELECT 1;\n" >db/migrations/20240101000000_status.sql &&
	commit_all one && git tag v2.9.0 &&
	printf -- "-- +goose Up\nALTER TYPE status ADD VALUE IF NOT EXISTS 'archived';\n\n-- +goose Down\nSELECT 1;\n" >db/migrations/20240101000000_status.sql &&
	commit_all 'if not exists' && git tag v2.10.0 &&
	expect_code 1 "$MIGCHECK" check --range v2.9.0..v2.10.0 >out &&
	expect_equal out "db/migrations/20240101000000_status.sql:2: error: deployed migration 'db/migrations/20240101000000_status.sql' was edited (deployed in refs/tags/v2.9.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v2.9.0 --staged --worktree -- db/migrations/20240101000000_status.sql) and write the change as a new migration
check: 1 error, 0 warnings"
}
run_test 'ADD VALUE -> ADD VALUE IF NOT EXISTS in a released goose file' goose_add_value

# Classification compares X with Y: a whitespace-only edit of a file a
# later release already rewrote is whitespace-only, not judged against it.
classify_x_against_y () {
	tagged_repo &&
	printf 'CREATE TABLE t (id int);\r\n' >db/migrations/001_init.up.sql &&
	commit_all crlf && git tag v1.3.0 &&
	edit 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all real && git tag v1.4.0 &&
	expect_code 0 "$MIGCHECK" check --range v1.2.0..v1.3.0 >out &&
	expect_equal out "db/migrations/001_init.up.sql:1: warning: deployed migration 'db/migrations/001_init.up.sql' changed only in line endings (CRLF) [whitespace-only-change]
check: 0 errors, 1 warning"
}
run_test 'whitespace-only is decided between X and Y, not against a later release' classify_x_against_y

# Putting the released file back, byte for byte, is the fix, not an edit.
put_back () {
	tagged_repo &&
	edit 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all 'oops' &&
	edit 001_init.up.sql 'CREATE TABLE t (id int);' &&
	git add -A && "$MIGCHECK" check --staged >out &&
	expect_equal out "check: 0 errors, 0 warnings"
}
run_test 'putting the released content back is clean' put_back

# A release tagged on a branch that was never merged is a release: its
# files are released and its versions judge the order.
unmerged_release () {
	tagged_repo &&
	git checkout -q -b experiment &&
	write_migration 009_exp.up.sql 'CREATE TABLE e (id int);' &&
	write_migration 009_exp.down.sql 'DROP TABLE e;' &&
	commit_all exp && git tag v9.0.0-exp &&
	git checkout -q main &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && git tag v1.3.0 &&
	expect_code 1 "$MIGCHECK" check --range v1.2.0..v1.3.0 >out &&
	expect_equal out "db/migrations/002_more.up.sql:1: error: new migration 002 sorts before the highest deployed version 009 (deployed in refs/tags/v9.0.0-exp) [out-of-order]
    to fix: renumber it above 009 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'a release on a branch never merged counts' unmerged_release

# A moved tag counts where it points now; a hotfix tag is a release like
# any other.
moved_tag () {
	tagged_repo &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all more && git tag v1.3.0 &&
	git rm -q db/migrations/002_more.up.sql db/migrations/002_more.down.sql &&
	commit_all 'pull 002' &&
	git tag -f v1.3.0 >/dev/null &&
	"$MIGCHECK" check --range v1.2.0..v1.3.0 >out &&
	expect_equal out "check: 0 errors, 0 warnings" &&
	git tag v1.3.0-hotfix1 HEAD~1 &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_equal out "db/migrations/002_more.down.sql: error: deployed migration 'db/migrations/002_more.down.sql' was deleted (deployed in refs/tags/v1.3.0-hotfix1) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.3.0-hotfix1 --staged --worktree -- db/migrations/002_more.down.sql); to undo what it did, write a new migration
db/migrations/002_more.up.sql: error: deployed migration 'db/migrations/002_more.up.sql' was deleted (deployed in refs/tags/v1.3.0-hotfix1) [deleted-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.3.0-hotfix1 --staged --worktree -- db/migrations/002_more.up.sql); to undo what it did, write a new migration
check: 2 errors, 0 warnings"
}
run_test 'a moved tag counts where it points; a hotfix tag is a release' moved_tag

finish
