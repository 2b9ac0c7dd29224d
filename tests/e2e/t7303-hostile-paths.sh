#!/bin/sh
# Hostile repository: migrations folders and file names with spaces,
# unicode, line breaks and glob characters. Before the fix in
# src/git/changes.c, a folder such as 'db/m*x' or one with a line break was
# handed to libgit2 as a pathspec pattern that matched nothing inside it, so
# 'check' (work tree) and 'check --commit/--range' passed an edited deployed
# migration (exit 0). Peak RSS bound 32 MB (tiny repos; measured ~14 MB).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=32768

# odd_repo DIR: one deployed migration in DIR, a second one committed after
# the release, then an edit of the deployed one, staged.
odd_repo () {
	init_repo && t73_config "$1" &&
	mkdir -p "$1" &&
	printf 'CREATE TABLE t (id int);\n' >"$1/001_t ü.up.sql" &&
	printf 'DROP TABLE t;\n' >"$1/001_t ü.down.sql" &&
	commit_all one && deploy &&
	printf 'CREATE TABLE u (id int);\n' >"$1/002_u.up.sql" &&
	printf 'DROP TABLE u;\n' >"$1/002_u.down.sql" &&
	commit_all two &&
	printf 'CREATE TABLE t (id bigint);\n' >"$1/001_t ü.up.sql" &&
	git add -A
}

# every_mode DIR [SHOWN_LOC SHOWN_MSG]: each check mode finds the edit,
# list and roundtrip work. SHOWN_*: how text output shows DIR, as a
# location (git-quoted) and inside a message (control characters escaped).
every_mode () {
	loc=${2:-$1/001_t ü.up.sql} msg=${3:-$1/001_t ü.up.sql}
	# the fix names the path as one shell word, a literal pathspec when
	# it holds glob characters
	# (git-quoted, as the location, when it holds a control character)
	case $1 in *[*?[]*) word="':(literal)$msg'" ;; *) word="'$msg'" ;; esac
	[ -z "${2:-}" ] || word=$loc
	edited="$loc:1: error: deployed migration '$msg' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- $word) and write the change as a new migration
check: 1 error, 0 warnings" &&
	measure 1 $RSS_MAX check "$MIGCHECK" check && expect_equal out "$edited" &&
	measure 1 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged && expect_equal out "$edited" &&
	c=$(git commit-tree -p HEAD -m edit "$(git write-tree)") &&
	measure 1 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit "$c" && expect_equal out "$edited" &&
	measure 1 $RSS_MAX 'check --range' "$MIGCHECK" check --range "HEAD~1..$c" && expect_equal out "$edited" &&
	measure 0 $RSS_MAX 'check --commit (clean)' "$MIGCHECK" check --commit HEAD &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_grep '^  001      t ü  *yes  yes       1  deployed$' out &&
	expect_grep '^  002      u  *yes  yes       1  pending$' out &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	[ "$(grep -c '^  added ' out)" -eq 4 ] &&
	grep -qxF "${4:-$1/002_u.up.sql}  (not released)" out &&
	measure 0 $RSS_MAX roundtrip "$MIGCHECK" roundtrip &&
	expect_equal out 'note: 2 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}

spaces_unicode () {
	odd_repo 'db/mig rations/ünïcødé' && every_mode 'db/mig rations/ünïcødé'
}
run_test 'a folder and files with spaces and unicode' spaces_unicode

glob_chars () {
	odd_repo 'db/m*x [1]?' && every_mode 'db/m*x [1]?'
}
run_test 'a folder with glob characters is not a pattern' glob_chars

glob_first () {
	odd_repo '*migrations' && every_mode '*migrations'
}
run_test 'a glob character in the first component' glob_first

line_break () {
	dir='db/mig
rations' &&
	odd_repo "$dir" &&
	every_mode "$dir" '"db/mig\nrations/001_t ü.up.sql"' 'db/mig\nrations/001_t ü.up.sql' \
		'"db/mig\nrations/002_u.up.sql"' &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_grep '^"db/mig\\nrations" (golang-migrate, 2 migrations)$' out
}
run_test 'a folder with a line break in its name' line_break

newline_file () {
	init_repo && t73_config db/migrations &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	commit_all one && deploy &&
	printf 'CREATE TABLE b (id int);\n' >'db/migrations/002_b
c.up.sql' &&
	printf 'DROP TABLE b;\n' >'db/migrations/002_b
c.down.sql' &&
	git add -A &&
	measure 0 $RSS_MAX 'check --staged (new file)' "$MIGCHECK" check --staged &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	commit_all two && deploy &&
	printf 'CREATE TABLE b (id bigint);\n' >'db/migrations/002_b
c.up.sql' &&
	measure 1 $RSS_MAX 'check (file)' "$MIGCHECK" check &&
	expect_equal out '"db/migrations/002_b\nc.up.sql":1: error: deployed migration '"'db/migrations/002_b\\nc.up.sql'"' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- "db/migrations/002_b\nc.up.sql") and write the change as a new migration
check: 1 error, 0 warnings' &&
	measure 1 $RSS_MAX 'check --format github' "$MIGCHECK" check --format github &&
	expect_equal out '::error file=db/migrations/002_b%0Ac.up.sql,line=1,title=modified-deployed::deployed migration '"'db/migrations/002_b%0Ac.up.sql'"' was edited (deployed in refs/remotes/origin/main)%0Ato fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- "db/migrations/002_b\nc.up.sql") and write the change as a new migration
check: 1 error, 0 warnings' &&
	measure 0 $RSS_MAX 'list (file)' "$MIGCHECK" list &&
	expect_grep '^  002      b\\nc  *yes  yes       1  deployed$' out &&
	measure 0 $RSS_MAX 'log (file)' "$MIGCHECK" log &&
	expect_grep '^"db/migrations/002_b\\nc.up.sql"$' out &&
	measure 0 $RSS_MAX 'roundtrip (file)' "$MIGCHECK" roundtrip &&
	expect_grep '^note: 2 migrations round-tripped' out
}
run_test 'a migration whose file name holds a line break' newline_file

# An escape sequence in a file name never reaches the terminal: text
# quotes the path, JSON carries it exactly (\u001b).
escape_file () {
	init_repo && t73_config db/migrations &&
	esc=$(printf '\033') &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	commit_all one && deploy &&
	printf 'CREATE TABEL b (id int);\n' >"db/migrations/002_b${esc}[2J.up.sql" &&
	printf 'DROP TABLE b;\n' >"db/migrations/002_b${esc}[2J.down.sql" &&
	git add -A &&
	measure 1 $RSS_MAX 'check --staged (escape)' "$MIGCHECK" check --staged &&
	expect_grep '^"db/migrations/002_b\\033\[2J.up.sql":1: error: invalid SQL: ' out &&
	! grep -q "$esc" out err &&
	measure 1 $RSS_MAX 'check --staged --format github (escape)' "$MIGCHECK" check --staged --format github &&
	expect_grep '^::error file=db/migrations/002_b\\033\[2J.up.sql,line=1,title=malformed::' out &&
	! grep -q "$esc" out err &&
	measure 1 $RSS_MAX 'check --staged --format markdown (escape)' "$MIGCHECK" check --staged --format markdown &&
	expect_grep 'at `"db/migrations/002_b\\033\[2J.up.sql":1`' out &&
	! grep -q "$esc" out err &&
	measure 1 $RSS_MAX 'check --staged --format json (escape)' "$MIGCHECK" check --staged --format json &&
	expect_grep '"file": "db/migrations/002_b\\u001B\[2J.up.sql"' out &&
	expect_code 2 "$MIGCHECK" list --dir "db/migrations/002_b${esc}[2J.up.sql" 2>err &&
	expect_equal err "migcheck: migrations folder 'db/migrations/002_b\\033[2J.up.sql' is not a directory"
}
run_test 'an escape sequence in a file name is quoted, never printed' escape_file

finish
