#!/bin/sh
# Hostile repository: a 100,000-file tree (1,000 folders of 100 files) with
# a small migrations folder. Every command's cost must follow the
# migrations, not the tree: each runs under a timeout guard and a peak-RSS
# bound of 64 MB (measured 14-35 MB on a plain build; SPEC §8 asks < 50 MB
# on a 5,000-migration repo, and the work tree diff of 'check' is the
# heaviest at ~35 MB). The tree is written with one blob through
# git fast-import (~2 s) and checked out for real (~7 s), so that the work
# tree commands (list's folder detection, check's default mode) meet
# 100,000 files on disk. Those files go to a tmpfs when there is one: on
# a disk mounted with 'discard' under load, removing them took minutes.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

BIG=$TEST_ROOT/big
RSS_MAX=65536

make_big () {
	init_repo "$BIG" && cd "$BIG" &&
	{
		printf 'blob\nmark :1\ndata 12\nhello world\n'
		printf 'blob\nmark :2\ndata 25\nCREATE TABLE t (id int);\n'
		printf 'blob\nmark :3\ndata 14\nDROP TABLE t;\n'
		printf 'commit refs/heads/main\nauthor A U Thor <author@example.com> 1704067200 +0000\n'
		printf 'committer C O Mitter <committer@example.com> 1704067200 +0000\ndata 4\nbig\n'
		awk 'BEGIN { for (i = 0; i < 100000; i++)
			printf "M 100644 :1 src/d%03d/f%05d.txt\n", i % 1000, i }'
		printf 'M 100644 :2 db/migrations/001_t.up.sql\n'
		printf 'M 100644 :3 db/migrations/001_t.down.sql\n\n'
	} | git fast-import --quiet &&
	git reset -q --hard main &&
	[ "$(git ls-files | wc -l)" -eq 100002 ] &&
	t73_config db/migrations && git add .migcheck && commit_all config &&
	deploy &&
	write_migration 002_u.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_u.down.sql 'DROP TABLE u;' &&
	echo edit >>src/d001/f00001.txt &&
	commit_all 'add u' &&
	write_migration 001_t.up.sql 'CREATE TABLE t (id bigint);' &&
	git add db/migrations/001_t.up.sql
}
if ! (make_big) >"$TEST_ROOT/.make" 2>&1; then
	echo "Bail out! cannot build the 100,000-file repository"
	sed 's/^/# /' "$TEST_ROOT/.make"
	exit 1
fi

EDITED='db/migrations/001_t.up.sql:1: error: deployed migration '"'"'db/migrations/001_t.up.sql'"'"' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/001_t.up.sql) and write the change as a new migration
check: 1 error, 0 warnings'

list_big () {
	cd "$BIG" &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal out 'db/migrations (golang-migrate, 2 migrations)
  VERSION  NAME  UP   DOWN  STMTS  STATE     FLAGS
  001      t     yes  yes       1  deployed
  002      u     yes  yes       1  pending'
}
run_test 'list in a 100,000-file tree' list_big

find_dirs_big () {
	cd "$BIG" && mv .migcheck "$TEST_ROOT/saved-config" &&
	if measure 0 $RSS_MAX 'list, folder detected' "$MIGCHECK" list; then
		rc=0
	else
		rc=1
	fi
	mv "$TEST_ROOT/saved-config" .migcheck &&
	[ $rc = 0 ] && expect_grep '^db/migrations (golang-migrate, 2 migrations)$' out
}
run_test 'list finds the migrations folder among 100,000 files' find_dirs_big

staged_big () {
	cd "$BIG" &&
	measure 1 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged &&
	expect_equal out "$EDITED"
}
run_test 'check --staged in a 100,000-file tree' staged_big

workdir_big () {
	cd "$BIG" &&
	measure 1 $RSS_MAX check "$MIGCHECK" check &&
	expect_equal out "$EDITED"
}
run_test 'check (work tree) in a 100,000-file tree' workdir_big

commit_big () {
	cd "$BIG" &&
	measure 0 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	measure 0 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~2..HEAD &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	edit=$(git commit-tree -p HEAD -m edit "$(git write-tree)") &&
	measure 1 $RSS_MAX 'check --commit (edit)' "$MIGCHECK" check --commit "$edit" &&
	expect_equal out "$EDITED"
}
run_test 'check --commit and --range in a 100,000-file tree' commit_big

log_big () {
	cd "$BIG" &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	expect_equal out "db/migrations/001_t.down.sql
  released  refs/remotes/origin/main
  added     $(git rev-parse --short=10 HEAD~2) 2024-01-01T00:00:00Z A U Thor <author@example.com>  big
db/migrations/001_t.up.sql
  released  refs/remotes/origin/main
  added     $(git rev-parse --short=10 HEAD~2) 2024-01-01T00:00:00Z A U Thor <author@example.com>  big
db/migrations/002_u.down.sql  (not released)
  added     $(git rev-parse --short=10 HEAD) 2024-01-01T00:02:00Z A U Thor <author@example.com>  add u
db/migrations/002_u.up.sql  (not released)
  added     $(git rev-parse --short=10 HEAD) 2024-01-01T00:02:00Z A U Thor <author@example.com>  add u"
}
run_test 'log in a 100,000-file tree' log_big

roundtrip_big () {
	cd "$BIG" &&
	measure 0 $RSS_MAX roundtrip "$MIGCHECK" roundtrip &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'roundtrip in a 100,000-file tree' roundtrip_big

finish
