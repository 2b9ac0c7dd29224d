#!/bin/sh
# t6003: the CI recipes in docs/recipes/, run as written (their shell is
# read out of the YAML by recipe_steps.py) in a clone of the example shop
# whose pull request edits a released migration and breaks a down script.
. "$(dirname "$0")/lib.sh"

RECIPES=$MIGCHECK_SRC/docs/recipes
SCHEMAS=$MIGCHECK_SRC/tests/fixtures/schemas

# step RECIPE NAME: the recipe step's shell, in a file to run with sh -e
step () {
	python3 "$MIGCHECK_SRC/tests/e2e/recipe_steps.py" "$RECIPES/$1" "$2" >"$TEST_ROOT/step.sh"
}

# A CI checkout: origin's main is the release, the pull request is the rest.
ci_clone () {
	mkdir bin && ln -s "$MIGCHECK" bin/migcheck &&
	PATH=$PWD/bin:$PATH && export PATH &&
	"$MIGCHECK_SRC/examples/make-demo.sh" shop >/dev/null &&
	git clone -q --bare shop origin.git &&
	git -C origin.git branch -q -f pr main &&
	git -C origin.git update-ref refs/heads/main v1.0.0^{commit} &&
	git clone -q origin.git ci 2>/dev/null &&
	cd ci &&
	git checkout -q pr
}

github_pull_request () {
	ci_clone &&
	step github-actions.md 'Fetch the deploy ref' && sh -e "$TEST_ROOT/step.sh" &&
	step github-actions.md 'Check the pull request' &&
	GITHUB_BASE_REF=main expect_code 1 sh -e "$TEST_ROOT/step.sh" >../out &&
	expect_equal ../out "::error file=db/migrations/20240110090000_create_products.up.sql,line=6,title=modified-deployed::deployed migration 'db/migrations/20240110090000_create_products.up.sql' was edited (deployed in refs/tags/v1.0.0)%0Ato fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/20240110090000_create_products.up.sql) and write the change as a new migration
check: 1 error, 0 warnings" &&
	step github-actions.md 'SARIF for code scanning' &&
	GITHUB_BASE_REF=main sh -e "$TEST_ROOT/step.sh" &&
	python3 "$SCHEMAS/validate_sarif.py" "$SCHEMAS/sarif-2.1.0.json" migcheck.sarif &&
	step github-actions.md 'Round-trip the new migrations (SQLite, no server needed)' &&
	GITHUB_BASE_REF=main expect_code 1 sh -e "$TEST_ROOT/step.sh" >../out &&
	expect_grep '^db/migrations/20240315090000_add_user_phone.down.sql:1: error: down does not restore the schema from before up \[down-not-inverse\]$' ../out &&
	rm migcheck.sarif &&
	git status --porcelain >../status &&
	test ! -s ../status
}
run_test 'GitHub Actions: annotations, SARIF and the round trip of a pull request' github_pull_request

gitlab_merge_request () {
	ci_clone &&
	step gitlab-ci.md script &&
	CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main expect_code 1 sh -e "$TEST_ROOT/step.sh" &&
	xmllint --noout --schema "$SCHEMAS/junit.xsd" migcheck.xml 2>/dev/null &&
	xmllint --xpath 'string(/testsuites/@failures)' migcheck.xml >../n &&
	expect_equal ../n 1
}
run_test 'GitLab CI: a JUnit report with the failing test case' gitlab_merge_request

finish
