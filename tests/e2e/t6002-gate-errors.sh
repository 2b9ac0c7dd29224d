#!/bin/sh
# t6002: 'migcheck gate' bad input and environments: each a one-line
# message and its exit status; which release --since defaults to.
. "$(dirname "$0")/lib.sh"

USAGE='usage: migcheck gate [--since <rev>] [--strict] [--db <url>] [--scratch <url>] [--skip <step>]...
                     [--mode step|chain] [--engine sqlite|postgres] [--deploy-ref <ref>]
                     [--statement-timeout <ms>] [--dir <dir>]...'

setup () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\tdialect = sqlite\n' >.migcheck &&
	write_migration 1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 1_a.down.sql 'DROP TABLE a;' &&
	commit_all a
}

add_b () {
	write_migration 2_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 2_b.down.sql 'DROP TABLE b;' &&
	commit_all b
}

usage_errors () {
	setup &&
	git tag v1 &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	expect_code 2 "$MIGCHECK" gate --skip bogus 2>err &&
	expect_equal err "migcheck gate: unknown step 'bogus' (check, roundtrip, drift)
$USAGE" &&
	expect_code 2 "$MIGCHECK" gate extra 2>err &&
	expect_equal err "migcheck gate: unexpected argument 'extra'
$USAGE" &&
	expect_code 2 "$MIGCHECK" gate --mode sideways 2>err &&
	expect_equal err "migcheck gate: unknown mode 'sideways' (step, chain)
$USAGE" &&
	expect_code 2 "$MIGCHECK" gate --engine oracle 2>err &&
	expect_equal err "migcheck gate: unknown engine 'oracle' (sqlite, postgres)
$USAGE" &&
	expect_code 2 "$MIGCHECK" gate --since '' 2>err &&
	expect_equal err "migcheck gate: --since needs a revision
$USAGE" &&
	expect_code 2 "$MIGCHECK" gate --bogus 2>err &&
	expect_grep "^migcheck gate: unknown option '--bogus'" err
}
run_test 'bad options: one line and the usage, exit 2' usage_errors

no_release () {
	setup &&
	expect_code 2 "$MIGCHECK" gate 2>err &&
	expect_equal err 'migcheck: no deploy ref to gate against: pass --since <rev> or set deploy.ref in .migcheck' &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	expect_code 2 "$MIGCHECK" gate 2>err &&
	expect_equal err "migcheck: deploy ref 'refs/tags/v*' matches no ref: pass --since <rev> (or tag the release)" &&
	expect_code 3 "$MIGCHECK" gate --since nope 2>err &&
	expect_equal err "migcheck: unknown revision 'nope'"
}
run_test 'no release to gate against, or an unknown --since' no_release

picks_last_release () {
	setup &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	git tag v1.9 &&
	add_b &&
	git tag v1.10 &&
	write_migration 3_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 3_c.down.sql 'DROP TABLE c;' &&
	commit_all c &&
	# a hotfix tagged later on the old line is not HEAD's last release
	git checkout -q -b hotfix v1.9 &&
	test_tick && git commit -q --allow-empty -m hotfix &&
	git tag v1.9.1 &&
	git checkout -q main &&
	expect_code 0 "$MIGCHECK" gate --skip roundtrip --format json >out.json 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.10 (the newest deploy ref HEAD contains)' &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["since"], [m["version"] for m in d["migrations"]])' out.json >got &&
	expect_equal got "{'rev': 'v1.10', 'default': True} ['3']" &&
	expect_code 0 "$MIGCHECK" gate --deploy-ref v1.9 --skip roundtrip -q >out 2>err &&
	test ! -s err &&
	expect_code 0 "$MIGCHECK" gate --deploy-ref v1.9 --skip roundtrip >out 2>err &&
	expect_equal err 'migcheck: gating the changes since v1.9 (the newest deploy ref HEAD contains)' &&
	expect_grep '^note: release: 2 migrations added since v1.9 (the newest deploy ref HEAD contains)$' out
}
run_test '--since defaults to the newest release HEAD builds on, and says so' picks_last_release

bare_repo () {
	setup &&
	git tag v1 &&
	git clone -q --bare . ../bare.git &&
	expect_code 2 "$MIGCHECK" -C ../bare.git gate --since v1 2>err &&
	expect_equal err "migcheck: 'migcheck gate' needs a work tree; this repository is bare"
}
run_test 'a bare repository' bare_repo

shallow_clone () {
	mkdir origin && cd origin &&
	setup &&
	git config -f .migcheck deploy.ref 'refs/tags/v*' &&
	commit_all config &&
	git tag v1 &&
	add_b &&
	cd .. &&
	git clone -q --depth 1 "file://$PWD/origin" clone 2>/dev/null &&
	cd clone &&
	expect_code 3 "$MIGCHECK" gate 2>err &&
	expect_equal err "migcheck: deploy ref 'refs/tags/v*' matches no ref in this clone; fetch with 'git fetch --depth=1 origin 'refs/tags/v*:refs/tags/v*''" &&
	expect_code 3 "$MIGCHECK" gate --since v1 2>err &&
	expect_equal err "migcheck: unknown revision 'v1': history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')" &&
	git fetch -q --depth=1 origin tag v1 &&
	# HEAD's parent is v1, now in the clone: the merge base is there
	expect_code 0 "$MIGCHECK" gate >out 2>/dev/null &&
	expect_equal out 'note: release: 1 migration added since v1 (the newest deploy ref HEAD contains)
note: 1 migration round-tripped on a scratch sqlite database (step mode)
steps: check passed, roundtrip passed, drift not run (no --db)
gate: 0 errors, 0 warnings'
}
run_test 'a shallow clone: the fetches that bring the release and its history' shallow_clone

help_text () {
	setup &&
	"$MIGCHECK" gate --help >out &&
	expect_grep '^      --skip <step>        do not run check, roundtrip or drift (repeatable)$' out &&
	expect_grep '^Exit status: 0 every step passed' out &&
	"$MIGCHECK" help gate >out2 &&
	cmp out out2
}
run_test 'gate --help and help gate' help_text

finish
