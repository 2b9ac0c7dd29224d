#!/bin/sh
# Output formats end to end: 'check' with error and warning findings and a
# clean 'check', rendered as text, json, junit, sarif, github and markdown.
# JSON is parsed with python3's json module, JUnit validated with xmllint
# against tests/fixtures/schemas/junit.xsd, SARIF with validate_sarif.py
# against tests/fixtures/schemas/sarif-2.1.0.json; exit statuses checked.
. "$(dirname "$0")/lib.sh"

SCHEMAS=$MIGCHECK_SRC/tests/fixtures/schemas

valid_junit () {
	xmllint --noout --nonet --schema "$SCHEMAS/junit.xsd" "$1" 2>xmllint.err ||
		{ sed 's/^/# /' xmllint.err; return 1; }
}

valid_sarif () {
	python3 "$SCHEMAS/validate_sarif.py" "$SCHEMAS/sarif-2.1.0.json" "$1"
}

# json_get FILE EXPR: print a Python expression over the parsed JSON (j).
json_get () {
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# Two deployed migrations; then 001's up is edited (error), 002's up gets
# trailing whitespace (warning) and 003 is added without a down (error).
findings_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	printf 'CREATE TABLE t (\n  id int\n);\n' >db.tmp && mkdir -p db/migrations &&
	mv db.tmp db/migrations/001_init.up.sql &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	commit_all init &&
	git update-ref refs/remotes/origin/main HEAD &&
	printf 'CREATE TABLE t (\n  id bigint\n);\n' >db/migrations/001_init.up.sql &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);   ' &&
	write_migration 003_new.up.sql 'CREATE TABLE v (id int);' &&
	git add -A
}

text_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/001_init.up.sql:2: error: .*\[modified-deployed\]$" out &&
	expect_grep "\[missing-down\]$" out &&
	expect_grep "^check: 2 errors, 1 warning$" out
}
run_test 'text: findings, then the summary (exit 1)' text_format

json_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format json check --staged >out.json &&
	[ "$(json_get out.json 'j["command"], j["ok"], j["summary"]')" = "('check', False, {'errors': 2, 'warnings': 1})" ] &&
	[ "$(json_get out.json 'sorted(f["code"] for f in j["findings"])')" = "['missing-down', 'modified-deployed', 'whitespace-only-change']" ] &&
	[ "$(json_get out.json '[(f["file"], f["line"], f["migration"], f["severity"]) for f in j["findings"] if f["code"] == "modified-deployed"]')" = "[('db/migrations/001_init.up.sql', 2, '001', 'error')]" ]
}
run_test 'json: the SPEC contract, parsed with a JSON library (exit 1)' json_format

junit_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format junit check --staged >out.xml &&
	valid_junit out.xml &&
	expect_grep '<testsuites name="migcheck check" tests="3" failures="2" errors="0" skipped="0">' out.xml &&
	expect_grep '<testcase name="001: modified-deployed" classname="migcheck.check" file="db/migrations/001_init.up.sql">' out.xml &&
	expect_grep '<failure message=".*" type="modified-deployed">db/migrations/001_init.up.sql:2: error: ' out.xml &&
	expect_grep '<testcase name="003: missing-down"' out.xml &&
	expect_grep '<system-out>.*\[whitespace-only-change\]' out.xml
}
run_test 'junit: valid against the JUnit schema; a testcase per migration and code (exit 1)' junit_format

sarif_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format sarif check --staged >out.sarif &&
	valid_sarif out.sarif &&
	[ "$(json_get out.sarif '[(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in j["runs"][0]["results"] if r["ruleId"] == "modified-deployed"]')" = "[('modified-deployed', 'error', 'db/migrations/001_init.up.sql', 2)]" ] &&
	[ "$(json_get out.sarif 'len(j["runs"][0]["tool"]["driver"]["rules"]) >= 30')" = True ]
}
run_test 'sarif: valid SARIF 2.1.0 with rules and locations (exit 1)' sarif_format

github_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format github check --staged >out &&
	expect_grep '^::error file=db/migrations/001_init.up.sql,line=2,title=modified-deployed::' out &&
	expect_grep '^::warning file=db/migrations/002_more.up.sql,.*title=whitespace-only-change::' out
}
run_test 'github: workflow commands per finding (exit 1)' github_format

markdown_format () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" --format markdown check --staged >out.md &&
	expect_grep '^### .* migcheck check: 2 errors, 1 warning$' out.md &&
	expect_grep '^| `001` | .* 1 error, 0 warnings | `modified-deployed` |$' out.md &&
	expect_grep '^- .* \*\*error\*\* `modified-deployed` at `db/migrations/001_init.up.sql:2` (migration `001`): ' out.md
}
run_test 'markdown: a PR comment with a table by migration (exit 1)' markdown_format

format_after_command () {
	findings_repo &&
	expect_code 1 "$MIGCHECK" check --staged --format junit >out.xml &&
	valid_junit out.xml
}
run_test '--format after the command name works too' format_after_command

clean_repo () {
	findings_repo &&
	git reset -q --hard &&
	git clean -qfd
}

clean_every_format () {
	clean_repo &&
	for f in text json junit sarif github markdown; do
		"$MIGCHECK" --format $f check --staged >"out.$f" ||
			{ echo "# --format $f: exit $? on a clean tree"; return 1; }
	done &&
	[ "$(json_get out.json 'j["ok"], j["findings"]')" = "(True, [])" ] &&
	valid_junit out.junit &&
	expect_grep '<testcase name="check: no findings" classname="migcheck.check"/>' out.junit &&
	valid_sarif out.sarif &&
	[ "$(json_get out.sarif 'j["runs"][0]["results"]')" = "[]" ] &&
	expect_grep 'no findings$' out.markdown
}
run_test 'a clean check: exit 0 and a passing report in every format' clean_every_format

finish
