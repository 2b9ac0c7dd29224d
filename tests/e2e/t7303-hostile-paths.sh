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

# every_mode DIR: each check mode finds the edit, list and roundtrip work.
every_mode () {
	edited="$1/001_t ü.up.sql:1: error: deployed migration '$1/001_t ü.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
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
	grep -qxF "$1/002_u.up.sql  (not released)" out &&
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
	odd_repo "$dir" && every_mode "$dir"
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
	expect_grep '^c.up.sql'"'"' was edited (deployed in refs/remotes/origin/main) \[modified-deployed\]$' out &&
	measure 0 $RSS_MAX 'roundtrip (file)' "$MIGCHECK" roundtrip &&
	expect_grep '^note: 2 migrations round-tripped' out
}
run_test 'a migration whose file name holds a line break' newline_file

finish
