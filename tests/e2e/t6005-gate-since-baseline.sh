#!/bin/sh
# t6005: 'migcheck gate' without --since gates the changes since the last
# release HEAD contains (never HEAD itself: origin/main = HEAD, a tag on
# HEAD; a maintenance tag made later on another line is not it), and says
# which. Findings about migrations released before --since and unchanged
# since are existing: warnings marked so, they do not fail the gate;
# --strict makes every finding count. SQLite scratch databases, no server.
. "$(dirname "$0")/lib.sh"

config () {
	cat >.migcheck <<-EOF
	[migrations]
		dir = db/migrations
		format = golang-migrate
		dialect = sqlite
	[deploy]
		ref = ${1:-refs/remotes/origin/main}
		ref = refs/tags/v*
	EOF
}

# mig N NAME UP DOWN: write migration N
mig () {
	write_migration "$1_$2.up.sql" "$3" &&
	write_migration "$1_$2.down.sql" "$4"
}

# v1.0.0 with a good migration, one without statements and a down
# script without an up (both released), then one more migration on main
released_history () {
	init_repo && config "$@" &&
	mig 1 a 'CREATE TABLE a (id int);' 'DROP TABLE a;' &&
	write_migration 2_e.up.sql '' && : >db/migrations/2_e.up.sql &&
	write_migration 2_e.down.sql 'SELECT 1;' &&
	write_migration 3_orphan.down.sql 'DROP TABLE gone;' &&
	commit_all 'release 1.0.0' && git tag v1.0.0 &&
	mig 4 b 'CREATE TABLE b (id int);' 'DROP TABLE b;' &&
	commit_all b
}

# the same, HEAD = origin/main, as in CI after a push to main; then
# the function $1, if given, runs upstream before the clone
clone_at_origin_main () {
	mkdir up && (cd up && released_history && ${1:-true}) &&
	git clone -q up clone && cd clone
}

existing_passes () {
	clone_at_origin_main &&
	expect_code 0 "$MIGCHECK" gate >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref HEAD contains)' &&
	expect_equal out '== roundtrip ==
db/migrations/2_e.up.sql:1: warning: up script has no statements (existing: released before v1.0.0) [empty-migration]
db/migrations/3_orphan.down.sql: warning: down script without an up script (existing: released before v1.0.0) [malformed]
note: release: 1 migration added since v1.0.0 (the newest deploy ref HEAD contains)
note: 1 migration round-tripped on a scratch sqlite database (step mode)
note: 2 findings about migrations released before v1.0.0 are existing: they do not fail the gate (--strict: every finding counts)
steps: check passed, roundtrip passed, drift not run (no --db)
gate: 0 errors, 2 warnings'
}
run_test 'origin/main = HEAD: gates since v1.0.0; findings about released migrations are existing, exit 0' existing_passes

strict_fails () {
	clone_at_origin_main &&
	expect_code 1 "$MIGCHECK" gate --strict >out 2>err &&
	expect_equal out '== roundtrip ==
db/migrations/2_e.up.sql:1: error: up script has no statements [empty-migration]
db/migrations/3_orphan.down.sql: error: down script without an up script [malformed]
note: release: 1 migration added since v1.0.0 (the newest deploy ref HEAD contains)
note: 1 migration round-tripped on a scratch sqlite database (step mode)
steps: check passed, roundtrip failed, drift not run (no --db)
gate: 2 errors, 0 warnings'
}
run_test '--strict: every finding counts (exit 1)' strict_fails

existing_json () {
	clone_at_origin_main &&
	expect_code 0 "$MIGCHECK" gate --format json >out.json 2>/dev/null &&
	python3 - out.json >got <<-'EOF' &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	print(d["ok"], d["summary"], d["since"])
	for f in d["findings"]:
	    print(f["code"], f["severity"], f.get("default_severity"), f.get("existing"), f["file"])
	EOF
	expect_equal got "True {'errors': 0, 'warnings': 2} {'rev': 'v1.0.0', 'default': True}
empty-migration warning error True db/migrations/2_e.up.sql
malformed warning error True db/migrations/3_orphan.down.sql" &&
	expect_code 0 "$MIGCHECK" gate --format sarif >out.sarif 2>/dev/null &&
	python3 - out.sarif >got <<-'EOF' &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	for r in d["runs"][0]["results"]:
	    print(r["ruleId"], r["level"], r.get("baselineState"))
	EOF
	expect_equal got 'empty-migration warning unchanged
malformed warning unchanged'
}
run_test 'JSON: "existing": true, severity warning, default_severity error; SARIF baselineState unchanged' existing_json

two_bad_ones () {
	write_migration 5_c.down.sql 'DROP TABLE c;' &&
	: >db/migrations/6_d.up.sql && write_migration 6_d.down.sql 'SELECT 1;' &&
	commit_all 'two bad ones'
}

new_problems_fail () {
	clone_at_origin_main two_bad_ones &&
	expect_code 1 "$MIGCHECK" gate >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref HEAD contains)' &&
	expect_equal out '== check ==
db/migrations/5_c.down.sql: error: down script without an up script [malformed]
db/migrations/6_d.up.sql:1: error: up script has no statements [empty-migration]
== roundtrip ==
db/migrations/2_e.up.sql:1: warning: up script has no statements (existing: released before v1.0.0) [empty-migration]
db/migrations/3_orphan.down.sql: warning: down script without an up script (existing: released before v1.0.0) [malformed]
db/migrations/5_c.down.sql: error: down script without an up script [malformed]
db/migrations/6_d.up.sql:1: error: up script has no statements [empty-migration]
note: release: 3 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: 2 migrations round-tripped on a scratch sqlite database (step mode)
note: 2 findings about migrations released before v1.0.0 are existing: they do not fail the gate (--strict: every finding counts)
steps: check failed, roundtrip failed, drift not run (no --db)
gate: 4 errors, 2 warnings'
}
run_test 'new problems of the same kinds fail the gate (exit 1); the released ones stay existing' new_problems_fail

edit_released () {
	printf 'CREATE TABLE a (id int, x int);\n' >db/migrations/1_a.up.sql &&
	write_migration 2_e.up.sql 'SELECT 1;' &&
	commit_all 'edit released ones'
}

edited_release_fails () {
	clone_at_origin_main && edit_released &&
	expect_code 1 "$MIGCHECK" gate >out 2>err &&
	expect_equal err 'migcheck: gating the changes since origin/main (the newest deploy ref HEAD contains)' &&
	expect_equal out "== check ==
db/migrations/1_a.up.sql:1: error: deployed migration 'db/migrations/1_a.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/1_a.up.sql) and write the change as a new migration
db/migrations/2_e.up.sql:1: error: deployed migration 'db/migrations/2_e.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/2_e.up.sql) and write the change as a new migration
== roundtrip ==
db/migrations/3_orphan.down.sql: warning: down script without an up script (existing: released before origin/main) [malformed]
note: release: 0 migrations added since origin/main (the newest deploy ref HEAD contains)
note: no migrations added since 'origin/main'
note: 1 finding about migrations released before origin/main is existing: it does not fail the gate (--strict: every finding counts)
steps: check failed, roundtrip passed, drift not run (no --db)
gate: 2 errors, 1 warning"
}
run_test 'a released migration edited since is never existing (HEAD ahead of origin/main: since origin/main)' edited_release_fails

blocking_release_fails () {
	init_repo && config refs/heads/main &&
	mig 1 a 'CREATE TABL a (id int);' 'SELECT 1;' &&
	commit_all 'release 1.0.0' && git tag v1.0.0 &&
	mig 2 b 'CREATE TABLE b (id int);' 'DROP TABLE b;' &&
	commit_all b &&
	expect_code 1 "$MIGCHECK" gate >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref HEAD contains)' &&
	expect_equal out '== roundtrip ==
db/migrations/1_a.up.sql:1: warning: invalid SQL: near "TABL": syntax error (existing: released before v1.0.0) [malformed]
db/migrations/1_a.up.sql:1: error: up failed: near "TABL": syntax error [up-failed]
    CREATE TABL a (id int);
note: release: 1 migration added since v1.0.0 (the newest deploy ref HEAD contains)
note: 1 later migration not round-tripped: an earlier migration failed
note: 0 migrations round-tripped on a scratch sqlite database (step mode)
note: db/migrations/1_a.up.sql was released before v1.0.0, but its up failing kept later migrations from being round-tripped: it fails the gate
note: 1 finding about migrations released before v1.0.0 is existing: it does not fail the gate (--strict: every finding counts)
steps: check passed, roundtrip failed, drift not run (no --db)
gate: 1 error, 1 warning'
}
run_test 'a released migration whose up fails keeps the new ones from being round-tripped: it fails the gate' blocking_release_fails

# main: v1.0.0, v1.1.0; maint-1.0 from v1.0.0: v1.0.1, tagged after v1.1.0
maintenance_history () {
	init_repo && config refs/heads/main &&
	mig 1 a 'CREATE TABLE a (id int);' 'DROP TABLE a;' &&
	commit_all a && git tag v1.0.0 &&
	mig 2 b 'CREATE TABLE b (id int);' 'DROP TABLE b;' &&
	commit_all b && git tag v1.1.0 &&
	git checkout -q -b maint-1.0 v1.0.0 &&
	mig 3 fix 'CREATE TABLE fix (id int);' 'DROP TABLE fix;' &&
	commit_all hotfix && git tag v1.0.1 &&
	mig 6 fix2 'CREATE TABLE fix2 (id int);' 'DROP TABLE fix2;' &&
	commit_all 'hotfix 2' &&
	git checkout -q main &&
	mig 5 c 'CREATE TABLE c (id int);' 'DROP TABLE c;' &&
	commit_all c
}

maintenance_tags () {
	maintenance_history &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.1.0 (the newest deploy ref HEAD contains)' &&
	expect_grep '^note: release: 1 migration added since v1.1.0 (the newest deploy ref HEAD contains)$' out &&
	git checkout -q maint-1.0 &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.0.1 (the newest deploy ref HEAD contains)' &&
	expect_grep '^note: release: 1 migration added since v1.0.1 (the newest deploy ref HEAD contains)$' out
}
run_test 'main gates since v1.1.0 though v1.0.1 is newer; the maintenance branch since v1.0.1' maintenance_tags

head_only () {
	init_repo && config refs/heads/main && sed -i '/refs.tags/d' .migcheck &&
	mig 1 a 'CREATE TABLE a (id int);' 'DROP TABLE a;' &&
	commit_all a &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since main (the newest deploy ref, HEAD itself: nothing to gate; pass --since <rev>)' &&
	expect_grep '^note: release: 0 migrations added since main (the newest deploy ref, HEAD itself: nothing to gate; pass --since <rev>)$' out
}
run_test 'the only deploy ref is HEAD itself: said to leave nothing to gate' head_only

tag_on_head () {
	maintenance_history &&
	git tag v1.2.0 &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.1.0 (the newest deploy ref HEAD contains)'
}
run_test 'a release tagged on HEAD is not the base: the one before it is' tag_on_head

head_contains_none () {
	init_repo && config refs/heads/main &&
	mig 1 a 'CREATE TABLE a (id int);' 'DROP TABLE a;' &&
	commit_all a && git branch old &&
	mig 2 b 'CREATE TABLE b (id int);' 'DROP TABLE b;' &&
	commit_all b && git tag v1.0.0 &&
	git checkout -q old &&
	mig 3 c 'CREATE TABLE c (id int);' 'DROP TABLE c;' &&
	commit_all c &&
	expect_code 1 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref; HEAD contains none)' &&
	expect_grep '^note: release: 1 migration added since v1.0.0 (the newest deploy ref; HEAD contains none)$' out &&
	# X is v1.0.0 itself (as check --range v1.0.0..HEAD): HEAD lacks what
	# v1.0.0 shipped, and releasing it would drop that migration
	expect_grep "^db/migrations/2_b.up.sql: error: deployed migration 'db/migrations/2_b.up.sql' was deleted (deployed in refs/heads/main) \\[deleted-deployed\\]$" out &&
	expect_grep "^db/migrations/2_b.down.sql: error: deployed migration 'db/migrations/2_b.down.sql' was deleted (deployed in refs/heads/main) \\[deleted-deployed\\]$" out &&
	expect_grep '^gate: 2 errors, 0 warnings$' out
}
run_test 'HEAD on a branch from before every release: the newest release, judged from it (X = A): what it shipped and HEAD lacks is deleted' head_contains_none

explicit_since () {
	clone_at_origin_main &&
	expect_code 0 "$MIGCHECK" gate --since v1.0.0 >out 2>err &&
	test ! -s err &&
	expect_grep '^note: release: 1 migration added since v1.0.0$' out &&
	expect_grep '^note: 2 findings about migrations released before v1.0.0 are existing' out &&
	expect_code 1 "$MIGCHECK" gate --since HEAD~1 --strict >/dev/null 2>&1 &&
	expect_code 2 "$MIGCHECK" gate --strict=yes >/dev/null 2>err &&
	expect_grep "^migcheck gate: option '--strict' takes no value$" err
}
run_test '--since given: no stderr line, the baseline still applies; --strict takes no value' explicit_since

# bionic-gpt tags each release twice (v1.12.17-rc and v1.12.17 on one
# commit) and pre-releases come after releases: the last release HEAD
# contains is v1.1.0, not v1.1.0-rc (same commit, greater name) nor
# v1.2.0-rc (newer, but a pre-release)
prerelease_tags () {
	init_repo && config refs/heads/main &&
	mig 1 a 'CREATE TABLE a (id int);' 'DROP TABLE a;' &&
	commit_all a && git tag v1.0.0 &&
	mig 2 b 'CREATE TABLE b (id int);' 'DROP TABLE b;' &&
	commit_all b && git tag v1.1.0-rc && git tag v1.1.0 &&
	mig 3 c 'CREATE TABLE c (id int);' 'DROP TABLE c;' &&
	commit_all c && git tag v1.2.0-rc &&
	mig 4 d 'CREATE TABLE d (id int);' 'DROP TABLE d;' &&
	commit_all d &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.1.0 (the newest deploy ref HEAD contains)' &&
	expect_grep '^note: release: 2 migrations added since v1.1.0' out &&
	# only pre-releases: the newest of them
	git tag -d v1.0.0 v1.1.0 >/dev/null &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.2.0-rc (the newest deploy ref HEAD contains)'
}
run_test 'a release beats a pre-release: not v1.1.0-rc on the same commit, not the newer v1.2.0-rc' prerelease_tags

finish
