#!/bin/sh
# The project's folders as every command resolves them (mc_project_open):
# migrations.dir, else the folders 'init' would detect in the work tree;
# none is one wording, exit 2, in every command. check, log and gate
# detect as list, roundtrip and drift do, and say what they say with
# --dir naming the same folder.
. "$(dirname "$0")/lib.sh"

NO_FOLDER="migcheck: no migrations folder found: pass --dir <dir> or set migrations.dir (migcheck init)"

# db/migrations, nothing configured: 001 released in v1, 002 added since
# without a down script (committed), 003 added in the work tree, also
# without one
detectable () {
	init_repo &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	commit_all one && git tag v1 &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	commit_all two &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);'
}

expect_empty () {
	[ ! -s "$1" ] || { sed 's/^/# | /' "$1" >&2; return 1; }
}

# run_both NAME ARGS...: migcheck ARGS (detected) into NAME.out, NAME.err,
# NAME.rc, then with --dir db/migrations; fail unless they agree
run_both () {
	_rb=$1
	shift
	set +e
	"$MIGCHECK" "$@" >"$_rb.out" 2>"$_rb.err" </dev/null
	echo $? >"$_rb.rc"
	"$MIGCHECK" "$@" --dir db/migrations >"$_rb.dir.out" 2>"$_rb.dir.err" </dev/null
	echo $? >"$_rb.dir.rc"
	set -e
	for _x in out err rc; do
		if ! cmp -s "$_rb.$_x" "$_rb.dir.$_x"; then
			echo "# migcheck $*: detected and --dir differ ($_x)" >&2
			diff -u "$_rb.dir.$_x" "$_rb.$_x" | sed 's/^/# /' >&2
			return 1
		fi
	done
}

NOTE_NO_REF="note: no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)"
FIX_DOWN="    to fix: write its down script, or if it cannot have one, say why in it: '-- migcheck:irreversible <reason>'"

check_detects () {
	detectable &&
	run_both wt check &&
	expect_equal wt.rc 1 &&
	expect_equal wt.out "db/migrations/003_c.up.sql:1: error: migration 003 has no down script [missing-down]
$FIX_DOWN
$NOTE_NO_REF
check: 1 error, 0 warnings" &&
	expect_empty wt.err &&
	run_both staged check --staged &&
	expect_equal staged.rc 0 &&
	expect_equal staged.out "$NOTE_NO_REF
check: 0 errors, 0 warnings" &&
	git add -A &&
	run_both staged check --staged &&
	expect_equal staged.rc 1 &&
	expect_equal staged.out "$(cat wt.out)" &&
	run_both commit check --commit HEAD &&
	expect_equal commit.rc 1 &&
	expect_equal commit.out "db/migrations/002_b.up.sql:1: error: migration 002 has no down script [missing-down]
$FIX_DOWN
$NOTE_NO_REF
check: 1 error, 0 warnings" &&
	run_both range check --range v1..HEAD &&
	expect_equal range.rc 1 &&
	expect_equal range.out "$(cat commit.out)" &&
	(cd db && run_both ../sub check --range v1..HEAD) &&
	expect_equal sub.out "$(cat commit.out)"
}
run_test 'check: no folder configured, one detectable: checked as with --dir' check_detects

check_pre_push_detects () {
	detectable && commit_all three &&
	printf 'refs/heads/main %s refs/heads/main %s\n' "$(git rev-parse HEAD)" "$(git rev-parse v1)" >push &&
	expect_code 1 "$MIGCHECK" check --pre-push <push >out 2>err &&
	expect_code 1 "$MIGCHECK" check --pre-push --dir db/migrations <push >dir.out 2>dir.err &&
	cmp out dir.out && cmp err dir.err && expect_empty err &&
	expect_equal out "db/migrations/002_b.up.sql:1: error: migration 002 has no down script [missing-down]
$FIX_DOWN
db/migrations/003_c.up.sql:1: error: migration 003 has no down script [missing-down]
$FIX_DOWN
$NOTE_NO_REF
check: 2 errors, 0 warnings"
}
run_test 'check --pre-push: no folder configured, one detectable: checked as with --dir' check_pre_push_detects

log_detects () {
	detectable && commit_all three &&
	run_both log log &&
	expect_equal log.rc 0 &&
	expect_empty log.err &&
	sed 's/ [0-9a-f]\{10\} / SHA /' log.out >got &&
	expect_equal got "db/migrations/001_a.down.sql
  released  refs/tags/v1
  added     SHA 2024-01-01T00:01:00Z A U Thor <author@example.com>  one
db/migrations/001_a.up.sql
  released  refs/tags/v1
  added     SHA 2024-01-01T00:01:00Z A U Thor <author@example.com>  one
db/migrations/002_b.up.sql  (not released)
  added     SHA 2024-01-01T00:02:00Z A U Thor <author@example.com>  two
db/migrations/003_c.up.sql  (not released)
  added     SHA 2024-01-01T00:03:00Z A U Thor <author@example.com>  three" &&
	run_both json --format json log &&
	expect_equal json.rc 0 &&
	(cd db/migrations && run_both ../../sub log) &&
	expect_equal sub.out "$(cat log.out)"
}
run_test 'log: no folder configured, one detectable: the history as with --dir' log_detects

gate_detects () {
	detectable && commit_all three &&
	run_both gate gate --since v1 &&
	expect_equal gate.rc 1 &&
	expect_empty gate.err &&
	expect_equal gate.out "== check ==
db/migrations/002_b.up.sql:1: error: migration 002 has no down script [missing-down]
$FIX_DOWN
db/migrations/003_c.up.sql:1: error: migration 003 has no down script [missing-down]
$FIX_DOWN
== roundtrip ==
db/migrations/002_b.up.sql: error: no down script: the migration cannot be reverted [missing-down]
db/migrations/003_c.up.sql: error: no down script: the migration cannot be reverted [missing-down]
note: release: 2 migrations added since v1
$NOTE_NO_REF
note: 2 ups applied and checked on a scratch sqlite database, no down round-tripped (step mode)
steps: check failed, roundtrip failed, drift not run (no --db)
gate: 4 errors, 0 warnings"
}
run_test 'gate: no folder configured, one detectable: gated as with --dir' gate_detects

# every command, no folder anywhere: one line, exit 2, nothing on stdout
none_at_all () {
	init_repo &&
	write_migration src/main.c 'int main(void) { return 0; }' &&
	commit_all one &&
	printf 'refs/heads/main %s refs/heads/main 0000000000000000000000000000000000000000\n' "$(git rev-parse HEAD)" >push &&
	git config -f .migcheck models.schema schema.sql &&
	for cmd in 'list' 'log' 'check' 'check --staged' 'check --commit HEAD' \
		'check --range HEAD..HEAD' 'check --pre-push' 'gate --since HEAD' \
		'roundtrip' 'drift --db sqlite:///nowhere.db' 'models'; do
		expect_code 2 "$MIGCHECK" $cmd <push >out 2>err &&
		expect_equal err "$NO_FOLDER" &&
		expect_empty out ||
			{ echo "# in: migcheck $cmd"; return 1; }
	done &&
	rm .migcheck && mkdir sub && cd sub &&
	for cmd in 'list' 'log' 'check' 'gate --since HEAD' 'roundtrip'; do
		expect_code 2 "$MIGCHECK" $cmd >out 2>err &&
		expect_equal err "$NO_FOLDER" ||
			{ echo "# in: migcheck $cmd (from a subfolder)"; return 1; }
	done
}
run_test 'no folder configured and none to detect: every command says so, exit 2' none_at_all

# a bare repository has no work tree to detect in: the same line
bare_none () {
	init_repo src && (cd src && detectable && commit_all three) &&
	git clone -q --bare src b.git &&
	for cmd in 'log' 'check --range v1..HEAD' 'check --commit HEAD'; do
		expect_code 2 "$MIGCHECK" -C b.git $cmd >out 2>err &&
		expect_equal err "$NO_FOLDER" ||
			{ echo "# in: migcheck $cmd (bare)"; return 1; }
	done &&
	expect_code 1 "$MIGCHECK" -C b.git check --range v1..HEAD --dir db/migrations >out 2>err &&
	expect_grep '^db/migrations/003_c.up.sql:1: error: migration 003 has no down script \[missing-down\]$' out
}
run_test 'bare, no folder configured: nothing to detect, the same line' bare_none

finish
