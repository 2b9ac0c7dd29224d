#!/bin/sh
# Released, the order and the names (SPEC §6, issue 15): a new migration is
# out of order only below the highest version at the base X itself (a
# release renamed to a higher version inside the change does not raise
# it), and a message names the newest deploy point holding the file by the
# commit graph, never by date or name.
. "$(dirname "$0")/lib.sh"

dbmate () {
	printf -- '-- migrate:up\nCREATE TABLE %s (id int);\n\n-- migrate:down\nDROP TABLE %s;\n' "$1" "$1"
}

# dbmate files tagged as releases, as bionic-gpt: v1.3.4..v1.4.0 renames the
# released 20231114123231_demo to 20231128085935_demo and adds two
# migrations between the two versions. At X the highest is 20231114123231:
# the two are in order; the rename is renamed-deployed.
rename_to_higher_version () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format dbmate &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	write_migration 20231114111142_pipelines.sql "$(dbmate pipelines)" &&
	write_migration 20231114123231_demo.sql "$(dbmate demo)" &&
	commit_all v1.3.4 && git tag v1.3.4 &&
	git mv db/migrations/20231114123231_demo.sql db/migrations/20231128085935_demo.sql &&
	write_migration 20231128085638_audit.sql "$(dbmate audit)" &&
	write_migration 20231128085647_audit_triggers.sql "$(dbmate audit_triggers)" &&
	commit_all v1.4.0 && git tag v1.4.0 &&
	expect_code 1 "$MIGCHECK" check --range v1.3.4..v1.4.0 >out &&
	expect_equal out "db/migrations/20231128085935_demo.sql: error: deployed migration 'db/migrations/20231114123231_demo.sql' was renamed to 'db/migrations/20231128085935_demo.sql' (deployed in refs/tags/v1.3.4) [renamed-deployed]
check: 1 error, 0 warnings" &&
	# the same through the gate, since v1.3.4
	expect_code 1 "$MIGCHECK" gate --since v1.3.4 --skip roundtrip >out 2>/dev/null &&
	expect_no_grep 'out-of-order' out &&
	expect_grep '^gate: 1 error, 0 warnings$' out &&
	# a migration added below the old version is still out of order
	git checkout -q v1.3.4 &&
	git mv db/migrations/20231114123231_demo.sql db/migrations/20231128085935_demo.sql &&
	write_migration 20231114120000_late.sql "$(dbmate late)" && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/20231114120000_late.sql:1: error: new migration 20231114120000 sorts before the highest deployed version 20231114123231 \\[out-of-order\\]$" out
}
run_test 'a release renamed to a higher version does not put what the change adds below it out of order' rename_to_higher_version

finish
