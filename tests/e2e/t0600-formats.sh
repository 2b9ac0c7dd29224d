#!/bin/sh
# Output formats end to end on 'list', whose discovery findings (a
# version shared by two files, a missing down, malformed SQL in a
# file whose name holds quotes, <, &, | and non-ASCII) go through every
# renderer. JSON is parsed with python3's json module, JUnit validated with
# xmllint against tests/fixtures/schemas/junit.xsd, SARIF with
# validate_sarif.py against tests/fixtures/schemas/sarif-2.1.0.json.
# Machine formats carry one finding per file: the duplicate is two.
. "$(dirname "$0")/lib.sh"

SCHEMAS=$MIGCHECK_SRC/tests/fixtures/schemas
HOSTILE='003_say "hi" <b>&ü|x'

valid_junit () {
	xmllint --noout --nonet --schema "$SCHEMAS/junit.xsd" "$1" 2>xmllint.err ||
		{ sed 's/^/# /' xmllint.err; return 1; }
}

valid_sarif () {
	python3 "$SCHEMAS/validate_sarif.py" "$SCHEMAS/sarif-2.1.0.json" "$1"
}

# json_get FILE EXPR: print a Python expression over the parsed JSON (j).
json_get () {
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1], encoding="utf-8")); print(eval(sys.argv[2]))' "$1" "$2"
}

findings_repo () {
	init_repo &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	write_migration 001_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 001_b.down.sql 'DROP TABLE b;' &&
	write_migration 002_c.up.sql 'CREATE TABLE c (id int);' &&
	printf 'CREATE TABLE d (id int);\nCREATE TABEL oops;\n' >"db/migrations/$HOSTILE.up.sql" &&
	write_migration "$HOSTILE.down.sql" 'DROP TABLE d;' &&
	git config -f .migcheck migrations.dir db/migrations
}

clean_repo () {
	init_repo &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	git config -f .migcheck migrations.dir db/migrations
}

json_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format json list >out.json &&
	[ "$(json_get out.json 'j["command"], j["ok"], j["summary"]')" = "('list', False, {'errors': 4, 'warnings': 0})" ] &&
	[ "$(json_get out.json 'sorted(f["code"] for f in j["findings"])')" = "['duplicate-version', 'duplicate-version', 'malformed', 'missing-down']" ] &&
	[ "$(json_get out.json '[(f["file"], f["migration"], f["message"]) for f in j["findings"] if f["code"] == "duplicate-version"]')" = "[('db/migrations/001_a.up.sql', '001', \"version 001 is used by 2 migrations, also by 'db/migrations/001_b.up.sql'\"), ('db/migrations/001_b.up.sql', '001', \"version 001 is used by 2 migrations, also by 'db/migrations/001_a.up.sql'\")]" ] &&
	[ "$(json_get out.json 'sorted(set(k for f in j["findings"] for k in f))')" = "['code', 'detail', 'file', 'line', 'message', 'migration', 'severity']" ] &&
	[ "$(json_get out.json '[(f["file"], f["line"]) for f in j["findings"] if f["code"] == "malformed"]')" = "[('db/migrations/003_say \"hi\" <b>&ü|x.up.sql', 2)]" ]
}
run_test 'json: parsed by a JSON library, hostile file name intact (exit 1)' json_format

junit_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format junit list >out.xml &&
	valid_junit out.xml &&
	expect_grep '<testsuites name="migcheck list" tests="3" failures="3" errors="0" skipped="0">' out.xml &&
	expect_grep '<testcase name="001: duplicate-version" classname="migcheck.list" file="db/migrations/001_a.up.sql">' out.xml &&
	expect_grep "^db/migrations/001_b.up.sql: error: version 001 is used by 2 migrations, also by 'db/migrations/001_a.up.sql' \\[duplicate-version\\]$" out.xml &&
	expect_grep '<testcase name="002: missing-down" classname="migcheck.list" file="db/migrations/002_c.up.sql">' out.xml &&
	expect_grep 'file="db/migrations/003_say &quot;hi&quot; &lt;b&gt;&amp;ü|x.up.sql"' out.xml &&
	expect_grep 'type="malformed">db/migrations/003_say "hi" &lt;b&gt;&amp;ü|x.up.sql:2: error: ' out.xml
}
run_test 'junit: valid against the JUnit schema, escaped, one testcase per migration and code' junit_format

sarif_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format sarif list >out.sarif &&
	valid_sarif out.sarif &&
	[ "$(json_get out.sarif '[(r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in j["runs"][0]["results"] if r["ruleId"] == "malformed"]')" = "[('error', 'db/migrations/003_say%20%22hi%22%20%3Cb%3E%26%C3%BC%7Cx.up.sql', 2)]" ] &&
	[ "$(json_get out.sarif '[(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "relatedLocations" in r) for r in j["runs"][0]["results"] if r["ruleId"] == "duplicate-version"]')" = "[('db/migrations/001_a.up.sql', False), ('db/migrations/001_b.up.sql', False)]" ]
}
run_test 'sarif: valid SARIF 2.1.0, percent-encoded URIs, a result per file' sarif_format

github_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format github list >out &&
	expect_grep '^::error file=db/migrations/002_c.up.sql,title=missing-down::no down script$' out &&
	expect_grep "^::error file=db/migrations/001_a.up.sql,title=duplicate-version::version 001 is used by 2 migrations, also by 'db/migrations/001_b.up.sql'$" out &&
	expect_grep "^::error file=db/migrations/001_b.up.sql,title=duplicate-version::version 001 is used by 2 migrations, also by 'db/migrations/001_a.up.sql'$" out &&
	expect_grep '^::error file=db/migrations/003_say "hi" <b>&ü|x.up.sql,line=2,title=malformed::' out
}
run_test 'github: one workflow command per finding' github_format

markdown_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format markdown list >out.md &&
	expect_grep '^### .* migcheck list: 4 errors, 0 warnings$' out.md &&
	expect_grep '^| `001` | .* 2 errors, 0 warnings | `duplicate-version` |$' out.md &&
	expect_grep '^- .* \*\*error\*\* `duplicate-version` at `db/migrations/001_b.up.sql` (migration `001`): ' out.md &&
	expect_grep '^| `003` | .* 1 error, 0 warnings | `malformed` |$' out.md &&
	expect_grep '^- .* \*\*error\*\* `malformed` at `db/migrations/003_say "hi" <b>&ü|x.up.sql:2` (migration `003`): invalid SQL: syntax error at or near "TABEL"$' out.md &&
	expect_no_grep '^<' out.md
}
run_test 'markdown: counts, a table by migration, then the findings' markdown_format

format_after_command () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" list --format junit >out.xml &&
	valid_junit out.xml
}
run_test '--format after the command name works too' format_after_command

clean_every_format () {
	clean_repo &&
	for f in json junit sarif github markdown; do
		"$MIGCHECK" --format $f list >"out.$f" ||
			{ echo "# --format $f: exit $? on a clean folder"; return 1; }
	done &&
	[ "$(json_get out.json 'j["ok"], j["findings"]')" = "(True, [])" ] &&
	valid_junit out.junit &&
	expect_grep '<testcase name="list: no findings" classname="migcheck.list"/>' out.junit &&
	valid_sarif out.sarif &&
	[ "$(json_get out.sarif 'j["runs"][0]["results"]')" = "[]" ] &&
	expect_grep 'migcheck list: no findings$' out.markdown
}
run_test 'a clean folder: exit 0 and a passing report in every format' clean_every_format

unknown_format () {
	clean_repo &&
	expect_code 2 "$MIGCHECK" --format xml list 2>err &&
	expect_equal err "migcheck: unknown format 'xml' (text, json, junit, sarif, github, markdown)"
}
run_test 'an unknown format is a usage error naming the formats (exit 2)' unknown_format

finish
