#!/bin/sh
# Discovery: bad input gets one clear line with file:line and exit 1 (a
# finding), never a crash; the rest of the folder is still listed.
. "$(dirname "$0")/lib.sh"

# pair NAME UP-CONTENT: a golang-migrate pair with a trivial down.
pair () {
	write_migration "$1.up.sql" "$2" &&
	write_migration "$1.down.sql" 'SELECT 1;'
}

list_err () {
	expect_code "$1" "$MIGCHECK" list --dir db/migrations >out 2>err
}

empty_file () {
	init_repo && pair 001_ok 'SELECT 1;' &&
	: >db/migrations/002_empty.up.sql && write_migration 002_empty.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err 'db/migrations/002_empty.up.sql:1: error: up script has no statements [empty-migration]
list: 1 error, 0 warnings' &&
	expect_grep '^  002      empty  yes  yes       0  -$' out
}
run_test 'empty file: empty-migration' empty_file

only_comments () {
	init_repo &&
	pair 001_c '-- nothing here
/* nor /* nested */ here */' &&
	list_err 1 &&
	expect_equal err 'db/migrations/001_c.up.sql:1: error: up script has no statements [empty-migration]
list: 1 error, 0 warnings'
}
run_test 'only comments: empty-migration' only_comments

bom_and_crlf () {
	init_repo &&
	printf '\357\273\277CREATE TABLE t (id int);\r\n\r\nCREATE TABLE u (id int);\r\n' >db/migrations/001_bom.up.sql 2>/dev/null ||
	{ mkdir -p db/migrations && printf '\357\273\277CREATE TABLE t (id int);\r\n\r\nCREATE TABLE u (id int);\r\n' >db/migrations/001_bom.up.sql; } &&
	printf -- '-- migcheck:irreversible the data is gone\r\n' >db/migrations/001_bom.down.sql &&
	"$MIGCHECK" list --dir db/migrations --format json >out &&
	python3 -c 'import json,sys; m=json.load(sys.stdin)["migrations"][0]; print(m["statements"], m["irreversible"], repr(m["irreversible_reason"]))' <out >got &&
	expect_equal got "2 True 'the data is gone'"
}
run_test 'UTF-8 BOM and CRLF accepted; irreversible reason read' bom_and_crlf

invalid_utf8 () {
	init_repo && pair 001_ok 'SELECT 1;' &&
	printf 'SELECT 1;\nSELECT '"'"'\377'"'"';\n' >db/migrations/002_bad.up.sql &&
	write_migration 002_bad.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err 'db/migrations/002_bad.up.sql:2: error: file is not valid UTF-8 [malformed]
list: 1 error, 0 warnings' &&
	expect_grep '^  001 ' out
}
run_test 'invalid UTF-8: malformed at the line' invalid_utf8

nul_byte () {
	init_repo &&
	printf 'SELECT 1;\n\nSELECT \000;\n' >db/migrations/001_nul.up.sql 2>/dev/null ||
	{ mkdir -p db/migrations && printf 'SELECT 1;\n\nSELECT \000;\n' >db/migrations/001_nul.up.sql; } &&
	write_migration 001_nul.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err 'db/migrations/001_nul.up.sql:3: error: file holds a NUL byte (binary file?) [malformed]
list: 1 error, 0 warnings'
}
run_test 'NUL byte: malformed at the line' nul_byte

huge_file () {
	init_repo && pair 001_ok 'SELECT 1;' &&
	truncate -s 50M db/migrations/002_huge.up.sql &&
	write_migration 002_huge.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err 'db/migrations/002_huge.up.sql: error: cannot read migration: file is too large (52428800 bytes, limit 33554432) [malformed]
list: 1 error, 0 warnings'
}
run_test 'a 50 MB file is refused without reading it' huge_file

directory () {
	init_repo && pair 001_ok 'SELECT 1;' &&
	mkdir db/migrations/002_dir.up.sql db/migrations/subfolder &&
	write_migration 002_dir.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err 'db/migrations/002_dir.up.sql: error: cannot read migration: is a directory, not a file [malformed]
list: 1 error, 0 warnings'
}
run_test 'a directory named like a migration; other sub-folders ignored' directory

unreadable () {
	if [ "$(id -u)" = 0 ]; then
		# root reads a mode-000 file anyway: nothing to test here
		return 0
	fi
	init_repo && pair 001_ok 'SELECT 1;' &&
	chmod 000 db/migrations/001_ok.up.sql &&
	list_err 1 &&
	expect_equal err 'db/migrations/001_ok.up.sql: error: cannot read migration: Permission denied [malformed]
list: 1 error, 0 warnings'
}
run_test 'unreadable file (skipped as root, who reads anything)' unreadable

symlink_loop () {
	init_repo && pair 001_ok 'SELECT 1;' &&
	ln -s 002_loop.down.sql db/migrations/002_loop.up.sql &&
	ln -s 002_loop.up.sql db/migrations/002_loop.down.sql &&
	list_err 1 &&
	expect_equal err 'db/migrations/002_loop.down.sql: error: cannot read migration: symbolic link loop [malformed]
db/migrations/002_loop.up.sql: error: cannot read migration: symbolic link loop [malformed]
list: 2 errors, 0 warnings'
}
run_test 'symlink loop' symlink_loop

syntax_error () {
	init_repo &&
	pair 001_bad 'CREATE TABLE a (id int);

CREATE TABLE (;' &&
	list_err 1 &&
	expect_grep '^db/migrations/001_bad.up.sql:3: error: invalid SQL: .* \[malformed\]$' err
}
run_test 'SQL syntax error: malformed at its line' syntax_error

duplicate () {
	init_repo && pair 001_a 'SELECT 1;' && pair 1_b 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err "db/migrations/001_a.up.sql: error: version 001 is used by 2 migrations, also by 'db/migrations/1_b.up.sql' [duplicate-version]
db/migrations/1_b.up.sql: error: version 1 is used by 2 migrations, also by 'db/migrations/001_a.up.sql' [duplicate-version]
list: 2 errors, 0 warnings"
}
run_test 'duplicate version (001 and 1) names both files' duplicate

mixed () {
	init_repo && pair 001_a 'SELECT 1;' && pair 002_b 'SELECT 1;' &&
	write_migration 003_c.sql '-- +goose Up
SELECT 1;' &&
	list_err 1 &&
	expect_equal err "db/migrations/003_c.sql: error: goose file left out: migrations folder 'db/migrations' is golang-migrate [mixed-formats]
list: 1 error, 0 warnings" &&
	write_migration 004_d.sql '-- +goose Up
SELECT 1;' && write_migration 005_e.sql '-- migrate:up
SELECT 1;' &&
	list_err 1 &&
	expect_equal err "error: migrations folder 'db/migrations' is golang-migrate but 3 files of another format are left out [mixed-formats]
    - db/migrations/003_c.sql: goose file left out: migrations folder 'db/migrations' is golang-migrate
    - db/migrations/004_d.sql: goose file left out: migrations folder 'db/migrations' is golang-migrate
    - db/migrations/005_e.sql: dbmate file left out: migrations folder 'db/migrations' is golang-migrate
list: 3 errors, 0 warnings" &&
	expect_code 1 "$MIGCHECK" --format json list --dir db/migrations >out.json &&
	[ "$(jq -c '[.findings[] | [.code, .file, .line]]' out.json)" = '[["mixed-formats","db/migrations/003_c.sql",null],["mixed-formats","db/migrations/004_d.sql",null],["mixed-formats","db/migrations/005_e.sql",null]]' ] &&
	[ "$(jq -c .summary out.json)" = '{"errors":3,"warnings":0}' ]
}
run_test 'mixed formats: the odd file named; three are a group in text, three findings in JSON' mixed

unknown_file () {
	init_repo && pair 001_a 'SELECT 1;' &&
	write_migration notes.yaml 'x: 1' && write_migration README.md '# hi' &&
	write_migration .gitkeep '' && write_migration LICENSE 'MIT' &&
	list_err 0 &&
	expect_equal err 'db/migrations/notes.yaml: warning: file matches no migration format [unknown-file]
list: 0 errors, 1 warning'
}
run_test 'unknown file warns; README, LICENSE, dot files ignored' unknown_file

goose_problems () {
	init_repo &&
	printf '[migrations]\n\trequireDown = false\n' >.migcheck &&
	write_migration 001_a.sql '-- +goose Upp
SELECT 1;' &&
	write_migration 002_b.sql '-- +goose Up
-- +goose StatementBegin
SELECT 1;' &&
	write_migration 003_c.sql '-- +goose Down
SELECT 1;' &&
	write_migration 004_d.sql 'SELECT 1;' &&
	write_migration 005_e.sql 'SELECT 0;
-- +goose Up
SELECT 1;
-- +goose StatementEnd' &&
	list_err 1 &&
	expect_equal err "db/migrations/001_a.sql:1: error: unknown directive '-- +goose Upp' [malformed]
db/migrations/001_a.sql:1: error: no '-- +goose Up' section [malformed]
db/migrations/002_b.sql:2: error: '-- +goose StatementBegin' at line 2 has no StatementEnd [malformed]
db/migrations/003_c.sql:1: error: no '-- +goose Up' section [malformed]
db/migrations/004_d.sql:1: error: no '-- +goose Up' section [malformed]
db/migrations/005_e.sql:1: error: SQL before the first '-- +goose Up' is not part of any section [malformed]
db/migrations/005_e.sql:4: error: '-- +goose StatementEnd' without a StatementBegin before it [malformed]
list: 7 errors, 0 warnings"
}
run_test 'goose: unknown directive, unclosed block, no Up, SQL before Up' goose_problems

# goose splits where a ';' ends a line, outside StatementBegin/End: a
# function body without them is cut, and text without a final ';' at a
# line's end is goose's "missing semicolon?"
goose_splitting () {
	init_repo &&
	printf '[migrations]\n\trequireDown = false\n\tdialect = postgres\n' >.migcheck &&
	write_migration 001_f.sql '-- +goose Up
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	RETURN 1;
END;
$$;' &&
	write_migration 002_g.sql '-- +goose Up
SELECT 1; SELECT 2;
SELECT 3 -- no end;
-- +goose Down
SELECT 4;' &&
	write_migration 003_h.sql '-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION h() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	RETURN 1;
END;
$$
-- +goose StatementEnd' &&
	list_err 1 &&
	expect_equal err "db/migrations/001_f.sql:2: error: invalid SQL: goose cuts lines 2-4 off as one statement where a ';' ends a line (wrap it in StatementBegin/End): unterminated dollar-quoted string at or near \"\$\$ BEGIN  RE... [malformed]
db/migrations/002_g.sql:3: error: invalid SQL: goose stops here: this statement does not end with a ';' at the end of a line (goose: 'missing semicolon?') [malformed]
list: 2 errors, 0 warnings"
}
run_test 'goose: a ; that ends a line ends a statement outside StatementBegin/End; no final ; is an error' goose_splitting

dbmate_problems () {
	init_repo &&
	write_migration 001_a.sql '-- migrate:up
SELECT 1;
-- migrate:sideways
-- migrate:down transaction:maybe
SELECT 1;' &&
	list_err 1 &&
	expect_equal err "db/migrations/001_a.sql:3: error: unknown directive '-- migrate:sideways' [malformed]
db/migrations/001_a.sql:4: error: unknown option 'transaction:maybe' in '-- migrate:down transaction:maybe' [malformed]
list: 2 errors, 0 warnings"
}
run_test 'dbmate: unknown directive and option' dbmate_problems

missing_down () {
	init_repo &&
	write_migration 001_a.up.sql 'SELECT 1;' &&
	write_migration 002_b.up.sql 'SELECT 1;' &&
	write_migration 002_b.down.sql '-- nothing' &&
	write_migration 003_c.up.sql 'SELECT 1;' &&
	write_migration 003_c.down.sql '-- migcheck:irreversible drops user data' &&
	write_migration 004_d.down.sql 'SELECT 1;' &&
	list_err 1 &&
	expect_equal err "db/migrations/001_a.up.sql: error: no down script [missing-down]
db/migrations/002_b.down.sql:1: error: down script is empty; if that is deliberate, declare it in .migcheck under [migrations \"db/migrations\"]: irreversible = 002 <reason> [missing-down]
db/migrations/004_d.down.sql: error: down script without an up script [malformed]
list: 3 errors, 0 warnings" &&
	printf '[migrations]\n\tdir = db/migrations\n\trequireDown = false\n' >.migcheck &&
	expect_code 1 "$MIGCHECK" list >out 2>err &&
	expect_equal err "db/migrations/004_d.down.sql: error: down script without an up script [malformed]
list: 1 error, 0 warnings"
}
run_test 'missing or blank down (requireDown), irreversible, down without up' missing_down

json_findings () {
	init_repo && pair 001_a 'SELECT 1;' && write_migration x.yaml '' &&
	"$MIGCHECK" list --dir db/migrations --format json >out &&
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["ok"], [(f["code"], f["severity"], f["file"]) for f in j["findings"]], len(j["migrations"]))' <out >got &&
	expect_equal got "True [('unknown-file', 'warning', 'db/migrations/x.yaml')] 1"
}
run_test 'JSON carries the findings' json_findings

finish
