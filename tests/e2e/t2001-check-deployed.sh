#!/bin/sh
# check: edits to deployed migrations (modified, down only, whitespace,
# CRLF, comments, deleted, renamed), grouping, severity overrides.
. "$(dirname "$0")/lib.sh"

# A repo with two deployed golang-migrate migrations; origin/main deployed.
deployed_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	mkdir -p db/migrations &&
	printf 'CREATE TABLE t (\n  id int\n);\n' >db/migrations/001_init.up.sql &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD
}

clean_when_nothing_changed () {
	deployed_repo &&
	"$MIGCHECK" check --staged >out &&
	"$MIGCHECK" check >out2 &&
	"$MIGCHECK" check --commit HEAD >out3
}
run_test 'a clean tree, index and commit pass (exit 0)' clean_when_nothing_changed

modified_up () {
	deployed_repo &&
	printf 'CREATE TABLE t (\n  id bigint\n);\n' >db/migrations/001_init.up.sql &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/001_init.up.sql:2: error: deployed migration 'db/migrations/001_init.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/001_init.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" || { cat out; return 1; }
}
run_test 'an edit to a deployed up script is modified-deployed at the changed line' modified_up

modified_down () {
	deployed_repo &&
	write_migration 001_init.down.sql 'DROP TABLE IF EXISTS t;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep '^db/migrations/001_init.down.sql:1: error: .*\[modified-deployed-down\]$' out &&
	expect_no_grep '\[modified-deployed\]' out
}
run_test 'an edit to a deployed down script only is modified-deployed-down' modified_down

workdir_default () {
	deployed_repo &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id bigint);' &&
	expect_code 1 "$MIGCHECK" check >out &&
	expect_grep '^db/migrations/002_more.up.sql:1: error: .*\[modified-deployed\]' out &&
	"$MIGCHECK" check --staged >out2
}
run_test 'without a mode the working tree is checked (unstaged edits)' workdir_default

whitespace_only () {
	deployed_repo &&
	printf 'CREATE TABLE t (\n    id int\n);  \n' >db/migrations/001_init.up.sql &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/001_init.up.sql:2: warning: deployed migration 'db/migrations/001_init.up.sql' changed only in whitespace \[whitespace-only-change\]" out
}
run_test 'a whitespace-only edit is a warning (exit 0)' whitespace_only

crlf_only () {
	deployed_repo &&
	printf 'CREATE TABLE t (\r\n  id int\r\n);\r\n' >db/migrations/001_init.up.sql &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_grep "changed only in line endings (CRLF) \[whitespace-only-change\]" out
}
run_test 'a CRLF-only edit is a whitespace-only-change warning' crlf_only

comment_only () {
	deployed_repo &&
	printf -- '-- Copyright 2024 Example Corp.\nCREATE TABLE t (\n  id int -- the key\n);\n' >db/migrations/001_init.up.sql &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/001_init.up.sql:1: warning: .*changed only in comments \[comment-only-change\]" out
}
run_test 'a comment-only edit is a comment-only-change warning' comment_only

deleted () {
	deployed_repo &&
	git rm -q db/migrations/002_more.down.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/002_more.down.sql: error: deployed migration 'db/migrations/002_more.down.sql' was deleted (deployed in refs/remotes/origin/main) \[deleted-deployed\]" out
}
run_test 'deleting a deployed file is deleted-deployed' deleted

renamed () {
	deployed_repo &&
	git mv db/migrations/002_more.up.sql db/migrations/003_more.up.sql &&
	git mv db/migrations/002_more.down.sql db/migrations/003_more.down.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/003_more.up.sql: error: deployed migration 'db/migrations/002_more.up.sql' was renamed to 'db/migrations/003_more.up.sql' .*\[renamed-deployed\]" out &&
	expect_no_grep 'deleted-deployed' out
}
run_test 'renaming a deployed file is renamed-deployed (rename detection)' renamed

renamed_and_edited () {
	deployed_repo &&
	printf 'CREATE TABLE t (\n  id int,\n  name text\n);\n' >db/migrations/004_init.up.sql &&
	git rm -q db/migrations/001_init.up.sql &&
	# a file with nothing in common is no rename
	printf 'CREATE INDEX x ON u (id);\n' >db/migrations/005_other.up.sql &&
	git mv db/migrations/002_more.down.sql db/migrations/005_other.down.sql &&
	git add -A &&
	for mode in --staged ''; do
		expect_code 1 "$MIGCHECK" check $mode >out &&
		expect_grep "^db/migrations/004_init.up.sql: error: deployed migration 'db/migrations/001_init.up.sql' was renamed to 'db/migrations/004_init.up.sql' .*\[renamed-deployed\]" out &&
		expect_grep "^db/migrations/005_other.down.sql: error: deployed migration 'db/migrations/002_more.down.sql' was renamed to 'db/migrations/005_other.down.sql' .*\[renamed-deployed\]" out &&
		expect_no_grep '001_init.up.sql.*deleted-deployed' out ||
			return 1
	done &&
	commit_all 'rename and edit' &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out &&
	expect_grep "was renamed to 'db/migrations/004_init.up.sql'" out
}
run_test 'a deployed file renamed and edited at once is still renamed-deployed' renamed_and_edited

revert_is_clean () {
	deployed_repo &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id bigint);' &&
	commit_all 'edit after deploy' &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_code 1 "$MIGCHECK" check --commit HEAD >out2 &&
	expect_grep 'modified-deployed' out2
}
run_test 'restoring the deployed content is clean; the editing commit is not' revert_is_clean

grouped () {
	deployed_repo &&
	i=10 && while [ $i -lt 20 ]; do
		write_migration 0${i}_m.up.sql "CREATE TABLE t$i (id int);" &&
		write_migration 0${i}_m.down.sql "DROP TABLE t$i;" || return 1
		i=$((i + 1))
	done &&
	commit_all more && git update-ref refs/remotes/origin/main HEAD &&
	for f in db/migrations/01*_m.up.sql; do
		{ echo '-- Licensed under the Apache License 2.0'; cat "$f"; } >"$f.new" && mv "$f.new" "$f" || return 1
	done &&
	commit_all 'licence headers' &&
	"$MIGCHECK" check --commit HEAD >out &&
	expect_grep '^warning: 10 files: a deployed migration changed only in comments (commit [0-9a-f]*) \[comment-only-change\]$' out &&
	[ "$(grep -c 'comment-only-change' out)" = 1 ] &&
	expect_grep "^    - db/migrations/013_m.up.sql:1: deployed migration 'db/migrations/013_m.up.sql' changed only in comments$" out &&
	expect_grep '^    \.\.\. and 5 more (-v or --format json lists them)$' out &&
	expect_grep '^check: 0 errors, 10 warnings$' out &&
	# every machine format: one finding per file and line, its own message
	"$MIGCHECK" --format json check --commit HEAD >out.json &&
	[ "$(jq '.findings | length' out.json)" = 10 ] &&
	[ "$(jq -c '.summary' out.json)" = '{"errors":0,"warnings":10}' ] &&
	[ "$(jq -r '[.findings[] | .file] | unique | length' out.json)" = 10 ] &&
	[ "$(jq -c '.findings[3] | [.code, .file, .line, .migration, .message]' out.json)" = "[\"comment-only-change\",\"db/migrations/013_m.up.sql\",1,\"013\",\"deployed migration 'db/migrations/013_m.up.sql' changed only in comments\"]" ] &&
	[ "$(jq '[.findings[] | select(has("items"))] | length' out.json)" = 0 ] &&
	"$MIGCHECK" --format sarif check --commit HEAD >out.sarif &&
	[ "$(jq '.runs[0].results | length' out.sarif)" = 10 ] &&
	[ "$(jq -r '.runs[0].results[9].locations[0].physicalLocation.artifactLocation.uri' out.sarif)" = db/migrations/019_m.up.sql ] &&
	[ "$(jq -r '.runs[0].results[9].message.text' out.sarif)" = "deployed migration 'db/migrations/019_m.up.sql' changed only in comments" ] &&
	"$MIGCHECK" --format github check --commit HEAD >out.gh &&
	[ "$(grep -c '^::warning file=db/migrations/01[0-9]_m.up.sql,line=1,title=comment-only-change::deployed migration' out.gh)" = 10 ] &&
	expect_grep "^::warning file=db/migrations/015_m.up.sql,line=1,title=comment-only-change::deployed migration 'db/migrations/015_m.up.sql' changed only in comments$" out.gh &&
	"$MIGCHECK" --format junit check --commit HEAD >out.xml &&
	[ "$(grep -c '<testcase name="01[0-9]: comment-only-change" classname="migcheck.check" file="db/migrations/01[0-9]_m.up.sql">' out.xml)" = 10 ] &&
	"$MIGCHECK" --format markdown check --commit HEAD >out.md &&
	[ "$(grep -c '^- .* \*\*warning\*\* `comment-only-change` at `db/migrations/01[0-9]_m.up.sql:1` (migration `01[0-9]`): ' out.md)" = 10 ] &&
	[ "$(grep -c '^| `01[0-9]` | .* 0 errors, 1 warning | `comment-only-change` |$' out.md)" = 10 ]
}
run_test 'many files of one class: one group in text, a finding per file in every machine format' grouped

few_not_grouped () {
	deployed_repo &&
	write_migration 001_init.down.sql 'DROP TABLE t CASCADE;' &&
	write_migration 002_more.down.sql 'DROP TABLE u CASCADE;' &&
	git add . &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	[ "$(grep -c 'modified-deployed-down' out)" = 2 ]
}
run_test 'a few findings of one class stay separate' few_not_grouped

severity_override () {
	deployed_repo &&
	git config -f .migcheck severity.modified-deployed-down warning &&
	git add .migcheck && commit_all config &&
	write_migration 001_init.down.sql 'DROP TABLE IF EXISTS t;' &&
	git add . &&
	"$MIGCHECK" check --staged >out &&
	expect_grep 'warning: .*\[modified-deployed-down, severity set by config\]' out &&
	git config -f .migcheck severity.modified-deployed-down off &&
	"$MIGCHECK" check --staged >out2 &&
	expect_no_grep 'modified-deployed-down' out2
}
run_test '[severity] overrides change a code to warning or off' severity_override

not_deployed_edit_ok () {
	deployed_repo &&
	write_migration 003_new.up.sql 'CREATE TABLE v (id int);' &&
	write_migration 003_new.down.sql 'DROP TABLE v;' &&
	commit_all 'pending' &&
	write_migration 003_new.up.sql 'CREATE TABLE v (id bigint);' &&
	git add . &&
	"$MIGCHECK" check --staged >out
}
run_test 'editing a migration that is not deployed yet is fine' not_deployed_edit_ok

options_override () {
	deployed_repo &&
	mkdir -p sql && write_migration sql/001_a.up.sql 'SELECT 1;' && write_migration sql/001_a.down.sql 'SELECT 1;' &&
	commit_all sql && git tag v1 &&
	write_migration sql/001_a.up.sql 'SELECT 2;' && git add . &&
	expect_code 1 "$MIGCHECK" check --staged --dir sql --deploy-ref 'refs/tags/v*' >out &&
	expect_grep "^sql/001_a.up.sql:1: error: .*(deployed in refs/tags/v1) \[modified-deployed\]" out
}
run_test '--dir and --deploy-ref (globs) override the config' options_override

finish
