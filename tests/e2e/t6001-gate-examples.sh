#!/bin/sh
# t6001: 'migcheck gate' over the example shop of examples/ (SQLite, no
# server): exactly the planted problems, in every output format, each
# parsed or validated; exit statuses; nothing in the repository touched.
. "$(dirname "$0")/lib.sh"

SCHEMAS=$MIGCHECK_SRC/tests/fixtures/schemas

shop () {
	"$MIGCHECK_SRC/examples/make-demo.sh" shop >/dev/null &&
	cd shop
}

planted_text () {
	shop &&
	expect_code 1 "$MIGCHECK" gate >../out 2>../err &&
	expect_equal ../err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref HEAD contains)' &&
	expect_equal ../out "== check ==
db/migrations/20240110090000_create_products.up.sql:6: error: deployed migration 'db/migrations/20240110090000_create_products.up.sql' was edited (deployed in refs/tags/v1.0.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/20240110090000_create_products.up.sql) and write the change as a new migration
== roundtrip ==
db/migrations/20240315090000_add_user_phone.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table main.users: column phone: unexpected
db/migrations/20240315090000_add_user_phone.up.sql:1: error: up fails after down: duplicate column name: phone [up-not-repeatable]
    ALTER TABLE users ADD COLUMN phone VARCHAR(32);
note: release: 2 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
steps: check failed, roundtrip failed, drift not run (no --db)
gate: 3 errors, 0 warnings" &&
	git status --porcelain >../status &&
	test ! -s ../status
}
run_test 'gate finds the edited release and the broken down script, nothing else' planted_text

planted_json () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --since v1.0.0 --format json >out.json 2>err &&
	test ! -s err &&
	python3 - out.json >got <<'EOF' &&
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "gate" and d["ok"] is False, d
print(d["summary"])
for f in d["findings"]:
    print(f["section"], f["code"], f["migration"], f["file"], f["line"])
for s in d["steps"]:
    print("step", s["name"], s["status"], s["detail"])
for m in d["migrations"]:
    print("release", m["version"], m["file"])
print("since", d["since"])
EOF
	expect_equal got "{'errors': 3, 'warnings': 0}
check modified-deployed 20240110090000 db/migrations/20240110090000_create_products.up.sql 6
roundtrip down-not-inverse 20240315090000 db/migrations/20240315090000_add_user_phone.down.sql 1
roundtrip up-not-repeatable 20240315090000 db/migrations/20240315090000_add_user_phone.up.sql 1
step check failed None
step roundtrip failed None
step drift not-run no --db
release 20240301090000 db/migrations/20240301090000_create_orders.up.sql
release 20240315090000 db/migrations/20240315090000_add_user_phone.up.sql
since {'rev': 'v1.0.0', 'default': False}"
}
run_test 'JSON: findings by step, the steps, the release and --since' planted_json

planted_junit () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --format junit >out.xml 2>/dev/null &&
	xmllint --noout --schema "$SCHEMAS/junit.xsd" out.xml 2>lint &&
	xmllint --xpath 'string(/testsuites/@tests)' out.xml >n &&
	expect_equal n 7 &&
	xmllint --xpath 'string(/testsuites/@failures)' out.xml >n &&
	expect_equal n 3 &&
	xmllint --xpath 'string(/testsuites/@skipped)' out.xml >n &&
	expect_equal n 1 &&
	python3 -c 'import sys, xml.etree.ElementTree as ET
for c in ET.parse(sys.argv[1]).iter("testcase"):
    print(c.get("name"))' out.xml >names &&
	expect_equal names '20240110090000: modified-deployed
20240301090000: check
20240315090000: check
20240315090000: down-not-inverse
20240315090000: up-not-repeatable
20240301090000: roundtrip
drift' &&
	xmllint --xpath 'string(//testsuite[@name="drift"]/testcase/skipped/@message)' out.xml >skip &&
	expect_equal skip 'drift not run: no --db'
}
run_test 'JUnit: a suite per step, a testcase per migration and step, valid' planted_junit

planted_sarif () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --format sarif >out.sarif 2>/dev/null &&
	python3 "$SCHEMAS/validate_sarif.py" "$SCHEMAS/sarif-2.1.0.json" out.sarif &&
	python3 - out.sarif >got <<'EOF' &&
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
for r in run["results"]:
    loc = r["locations"][0]["physicalLocation"]
    print(r["ruleId"], r["level"], loc["artifactLocation"]["uri"], loc["region"]["startLine"])
EOF
	expect_equal got 'modified-deployed error db/migrations/20240110090000_create_products.up.sql 6
down-not-inverse error db/migrations/20240315090000_add_user_phone.down.sql 1
up-not-repeatable error db/migrations/20240315090000_add_user_phone.up.sql 1'
}
run_test 'SARIF: valid against the 2.1.0 schema, one result per finding' planted_sarif

planted_github () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --format github >out 2>/dev/null &&
	expect_equal out "::error file=db/migrations/20240110090000_create_products.up.sql,line=6,title=modified-deployed::deployed migration 'db/migrations/20240110090000_create_products.up.sql' was edited (deployed in refs/tags/v1.0.0)%0Ato fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/20240110090000_create_products.up.sql) and write the change as a new migration
::error file=db/migrations/20240315090000_add_user_phone.down.sql,line=1,title=down-not-inverse::down does not restore the schema from before up%0Atable main.users: column phone: unexpected%0A
::error file=db/migrations/20240315090000_add_user_phone.up.sql,line=1,title=up-not-repeatable::up fails after down: duplicate column name: phone%0AALTER TABLE users ADD COLUMN phone VARCHAR(32);
gate: 3 errors, 0 warnings"
}
run_test 'GitHub annotations for each finding' planted_github

planted_markdown () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --format markdown >out.md 2>/dev/null &&
	sed -n 1,14p out.md >head.md &&
	expect_equal head.md '### ❌ migcheck gate: 3 errors, 0 warnings

| Step | Result |
|---|---|
| check | ❌ failed (1 error, 0 warnings) |
| roundtrip | ❌ failed (2 errors, 0 warnings) |
| drift | ⏭️ not run: no --db |

| Migration | check | roundtrip | drift |
|---|---|---|---|
| `20240301090000` `db/migrations/20240301090000_create_orders.up.sql` | ✅ | ✅ | — |
| `20240315090000` `db/migrations/20240315090000_add_user_phone.up.sql` | ✅ | ❌ `down-not-inverse` `up-not-repeatable` | — |
| `20240110090000` `db/migrations/20240110090000_create_products.up.sql` (not new) | ❌ `modified-deployed` | — | — |
' &&
	expect_grep '^#### check$' out.md &&
	expect_grep '^#### roundtrip$' out.md &&
	expect_no_grep '^#### drift$' out.md
}
run_test 'Markdown: the steps, the release with verdicts, then the findings' planted_markdown

with_drift () {
	shop &&
	cksum staging.db >before &&
	expect_code 1 "$MIGCHECK" gate --db "sqlite://$PWD/staging.db" --format json >out.json 2>/dev/null &&
	python3 - out.json >got <<'EOF' &&
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    if f["section"] == "drift":
        print(f["severity"], f["code"], f["migration"], f["message"])
print([s["status"] for s in d["steps"]])
EOF
	expect_equal got "error drift-missing None table main.products: index products_name_idx is missing from the database
error drift-unexpected None table main.sessions is in the database but no applied migration creates it
warning pending 20240301090000 migration '20240301090000' is not applied to the database
warning pending 20240315090000 migration '20240315090000' is not applied to the database
['failed', 'failed', 'failed']" &&
	cksum staging.db >after &&
	expect_equal after "$(cat before)"
}
run_test 'with --db: drift of staging, which is only read' with_drift

fixed_release_passes () {
	shop &&
	git checkout -q v1.0.0 -- db/migrations/20240110090000_create_products.up.sql &&
	printf 'CREATE INDEX products_name_idx ON products (name);\n' \
		>db/migrations/20240320090000_index_product_names.up.sql &&
	printf 'DROP INDEX products_name_idx;\n' \
		>db/migrations/20240320090000_index_product_names.down.sql &&
	printf 'DROP INDEX users_phone_idx;\nALTER TABLE users DROP COLUMN phone;\n' \
		>db/migrations/20240315090000_add_user_phone.down.sql &&
	commit_all 'fix the release' &&
	expect_code 0 "$MIGCHECK" gate >out 2>/dev/null &&
	expect_equal out 'note: release: 3 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: 3 migrations round-tripped on a scratch sqlite database (step mode)
steps: check passed, roundtrip passed, drift not run (no --db)
gate: 0 errors, 0 warnings' &&
	expect_code 0 "$MIGCHECK" gate --format markdown >out.md 2>/dev/null &&
	expect_grep '^### ✅ migcheck gate: no findings$' out.md &&
	expect_grep '^| `20240320090000` `db/migrations/20240320090000_index_product_names.up.sql` | ✅ | ✅ | — |$' out.md
}
run_test 'once the problems are fixed the gate passes' fixed_release_passes

skip_steps () {
	shop &&
	expect_code 1 "$MIGCHECK" gate --skip roundtrip >out 2>/dev/null &&
	expect_equal out "== check ==
db/migrations/20240110090000_create_products.up.sql:6: error: deployed migration 'db/migrations/20240110090000_create_products.up.sql' was edited (deployed in refs/tags/v1.0.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/20240110090000_create_products.up.sql) and write the change as a new migration
note: release: 2 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: roundtrip was skipped (--skip roundtrip)
steps: check failed, roundtrip skipped (--skip), drift not run (no --db)
gate: 1 error, 0 warnings" ||
	return 1
}
run_test '--skip roundtrip: the report says it was skipped' skip_steps

skip_all () {
	shop &&
	expect_code 0 "$MIGCHECK" gate --skip check --skip roundtrip --skip drift --db staging.db >out 2>/dev/null &&
	expect_equal out 'note: release: 2 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: check was skipped (--skip check)
note: roundtrip was skipped (--skip roundtrip)
note: drift was skipped (--skip drift)
steps: check skipped (--skip), roundtrip skipped (--skip), drift skipped (--skip)
gate: 0 errors, 0 warnings'
}
run_test 'every step skipped: exit 0, and the report lists them' skip_all

step_unavailable () {
	shop &&
	expect_code 3 "$MIGCHECK" gate --engine postgres \
		--scratch 'postgresql://gate:hunter2@127.0.0.1:1/postgres' >out 2>/dev/null &&
	expect_grep "^error: roundtrip could not run: cannot connect to 'postgresql://gate:\*\*\*\*@127.0.0.1:1/postgres': .* \[step-unavailable\]$" out &&
	expect_grep '^    to release without it: migcheck gate --skip roundtrip$' out &&
	expect_grep '^steps: check failed, roundtrip unavailable, drift not run (no --db)$' out &&
	expect_no_grep hunter2 out &&
	expect_code 1 "$MIGCHECK" gate --engine postgres --skip roundtrip \
		--scratch 'postgresql://gate:hunter2@127.0.0.1:1/postgres' >out 2>/dev/null
}
run_test 'a step that cannot run fails the gate with exit 3 unless skipped' step_unavailable

drift_unreachable () {
	shop &&
	expect_code 3 "$MIGCHECK" gate --skip roundtrip --db staging-missing.db --format json >out.json 2>/dev/null &&
	python3 - out.json >got <<'EOF' &&
import json, sys
d = json.load(open(sys.argv[1]))
print([(s["name"], s["status"]) for s in d["steps"]])
print([f["code"] for f in d["findings"] if f["section"] == "drift"])
EOF
	expect_equal got "[('check', 'failed'), ('roundtrip', 'skipped'), ('drift', 'unavailable')]
['step-unavailable']" &&
	test ! -e staging-missing.db
}
run_test 'a drift target that does not exist: drift unavailable, nothing created' drift_unreachable

finish
