#!/bin/sh
# t7105: fault injection, roundtrip's own time limit (--statement-timeout)
# on SQLite and [runner] commands. A runaway recursive CTE is stopped by
# the progress handler's deadline and is an up-failed / down-failed
# finding naming the limit and the flag; the scratch file is removed and
# the run goes on. A hung runner command is killed with its whole process
# group (SIGTERM, then SIGKILL). Bad values are refused as drift refuses
# them. PostgreSQL's side (pg_sleep) is in t7103.
. "$(dirname "$0")/lib.sh"

expect_empty_dir () {
	ls -A "$1" >listing
	if [ -s listing ]; then
		sed 's/^/# left behind: /' listing >&2
		return 1
	fi
}

LOOP='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;'

# 001 fine, 002's up (or down) never ends, 003 fine
loop_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	if [ "$1" = up ]; then
		write_migration 002_loop.up.sql "CREATE TABLE b (id int);
$LOOP" &&
		write_migration 002_loop.down.sql 'DROP TABLE b;'
	else
		write_migration 002_loop.up.sql 'CREATE TABLE b (id int);' &&
		write_migration 002_loop.down.sql "$LOOP
DROP TABLE b;"
	fi &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' &&
	write_migration 003_c.down.sql 'DROP TABLE c;' &&
	commit_all loop &&
	mkdir tmp && TMPDIR=$PWD/tmp && export TMPDIR
}

up_loop () {
	loop_repo up &&
	expect_code 1 "$MIGCHECK" roundtrip --statement-timeout 500 >out 2>err &&
	[ ! -s err ] &&
	expect_equal out "db/migrations/002_loop.up.sql:2: error: up failed: canceled after 500 ms (--statement-timeout) [up-failed]
    $LOOP
note: 1 later migration not round-tripped: they come after a migration whose up failed
note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings" &&
	expect_empty_dir tmp
}
run_test 'a runaway recursive CTE in an up: up-failed after the limit, scratch file removed' up_loop

down_loop_json () {
	loop_repo down &&
	expect_code 1 "$MIGCHECK" roundtrip --format json --statement-timeout 1s >out.json 2>err &&
	[ ! -s err ] &&
	jq -r '.findings[] | "\(.code) \(.file):\(.line) \(.message)"' out.json >codes &&
	expect_equal codes 'down-failed db/migrations/002_loop.down.sql:1 down failed: canceled after 1000 ms (--statement-timeout)' &&
	jq -r '.notes[]?, .summary.errors' out.json >notes &&
	expect_grep '^3 migrations round-tripped' notes &&
	expect_empty_dir tmp
}
run_test 'a runaway statement in a down: down-failed, the run goes on to the next migration' down_loop_json

chain_mode () {
	loop_repo up &&
	expect_code 1 "$MIGCHECK" roundtrip --mode chain --statement-timeout 300ms >out 2>err &&
	[ ! -s err ] &&
	expect_grep '^db/migrations/002_loop.up.sql:2: error: up failed: canceled after 300 ms (--statement-timeout) \[up-failed\]$' out &&
	expect_empty_dir tmp
}
run_test 'chain mode: the same finding' chain_mode

gate_passes_it_on () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite &&
	git config -f .migcheck deploy.ref refs/tags/v1 &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	commit_all one && git tag v1 &&
	write_migration 002_loop.up.sql "$LOOP" &&
	write_migration 002_loop.down.sql 'SELECT 1;' &&
	commit_all two &&
	mkdir tmp && TMPDIR=$PWD/tmp && export TMPDIR &&
	expect_code 1 "$MIGCHECK" gate --since v1 --format json --statement-timeout 400 >out.json 2>err &&
	jq -r '.findings[] | "\(.section) \(.code) \(.file):\(.line) \(.message)"' out.json >codes &&
	expect_equal codes 'roundtrip up-failed db/migrations/002_loop.up.sql:1 up failed: canceled after 400 ms (--statement-timeout)' &&
	expect_empty_dir tmp
}
run_test 'gate --statement-timeout reaches its roundtrip step' gate_passes_it_on

no_limit_then_ctrl_c () {
	loop_repo up &&
	spawn "$MIGCHECK" roundtrip --statement-timeout 0 >out 2>err &&
	# the scratch directory exists once the signal handlers are in place
	# (only migcheck-*: valgrind puts files of its own in $TMPDIR)
	wait_for_file "tmp/migcheck-*" &&
	sleep 0.5 &&
	kill -INT "$spawned" &&
	{ (sleep 30 && kill -9 "$spawned" 2>/dev/null && echo '# still running 30 s after SIGINT' >&2) & } &&
	watchdog=$! &&
	{ expect_code 130 wait "$spawned"; rc=$?; kill "$watchdog" 2>/dev/null; [ $rc = 0 ]; } &&
	expect_equal err 'migcheck: interrupted; the scratch database was removed' &&
	[ ! -s out ] &&
	expect_empty_dir tmp
}
run_test '--statement-timeout 0: no limit, and Ctrl-C still stops a runaway SQLite statement' no_limit_then_ctrl_c

# A [runner] migration whose command hangs, with a child of its own; the
# pids of the group go to $1.
runner_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format sequelize &&
	git config -f .migcheck migrations.dialect sqlite &&
	git config -f .migcheck runner.up "sh -c 'echo \$\$ >>\"\$0\"; $2 sleep 600 & echo \$! >>\"\$0\"; echo working; wait' $1" &&
	git config -f .migcheck runner.down 'true' &&
	write_migration 20240101000000-hang.js 'module.exports = {};' &&
	commit_all runner &&
	mkdir tmp && TMPDIR=$PWD/tmp && export TMPDIR
}

# all_gone FILE: no pid of FILE runs (a zombie that init has not reaped
# yet is gone)
all_gone () {
	[ "$(wc -l <"$1")" = 2 ] || { echo "# expected 2 pids in $1" >&2; return 1; }
	while read -r pid; do
		case $(ps -o stat= -p "$pid" 2>/dev/null) in
		'' | Z*) ;;
		*)
			echo "# process $pid is still running" >&2
			kill -9 "$pid"
			return 1 ;;
		esac
	done <"$1"
}

runner_killed () {
	runner_repo "$PWD/pids" '' &&
	expect_code 1 "$MIGCHECK" roundtrip --statement-timeout 1s >out 2>err &&
	[ ! -s err ] &&
	expect_equal out "db/migrations/20240101000000-hang.js: error: up failed: killed after 1000 ms (--statement-timeout) [up-failed]
    working
note: 0 migrations round-tripped on a scratch sqlite database (step mode)
roundtrip: 1 error, 0 warnings" &&
	all_gone pids &&
	expect_empty_dir tmp
}
run_test 'a hung runner command: killed with its process group, up-failed' runner_killed

runner_ignores_term () {
	runner_repo "$PWD/pids" 'trap "" TERM;' &&
	start=$(date +%s) &&
	expect_code 1 "$MIGCHECK" roundtrip --statement-timeout 500 >out 2>err &&
	end=$(date +%s) &&
	[ $((end - start)) -lt 20 ] &&
	expect_grep 'error: up failed: killed after 500 ms (--statement-timeout) \[up-failed\]$' out &&
	all_gone pids
}
run_test 'a runner command that ignores SIGTERM gets SIGKILL' runner_ignores_term

bad_values () {
	loop_repo up &&
	for v in abc -5 -0 +5 1.5s 10sec 99999999999999999999 4294967296 86400001 ''; do
		expect_code 2 "$MIGCHECK" drift --db x.db --statement-timeout "$v" 2>drift.err &&
		expect_code 2 "$MIGCHECK" roundtrip --statement-timeout "$v" >out 2>rt.err &&
		[ ! -s out ] &&
		expect_code 2 "$MIGCHECK" gate --since HEAD --statement-timeout "$v" >out 2>gate.err &&
		[ ! -s out ] &&
		head -n 1 drift.err | sed 's/^migcheck drift: //' >want &&
		expect_equal want "bad --statement-timeout '$v': expected milliseconds, or a number with ms, s or min" &&
		head -n 1 rt.err >got &&
		expect_equal got "migcheck roundtrip: $(cat want)" &&
		head -n 1 gate.err >got &&
		expect_equal got "migcheck gate: $(cat want)" &&
		expect_grep '^usage: migcheck roundtrip ' rt.err || return 1
	done &&
	expect_empty_dir tmp
}
run_test 'bad --statement-timeout values: exit 2, the message drift gives' bad_values

zero_ok () {
	loop_repo up &&
	git rm -q db/migrations/002_loop.up.sql db/migrations/002_loop.down.sql &&
	commit_all fine &&
	"$MIGCHECK" roundtrip --statement-timeout 0 >out 2>err &&
	"$MIGCHECK" roundtrip --statement-timeout 0s >>out 2>>err &&
	"$MIGCHECK" gate --since HEAD~1 --statement-timeout 0 --skip check >>out 2>>err &&
	[ ! -s err ] &&
	expect_grep '^note: 2 migrations round-tripped' out &&
	expect_code 2 "$MIGCHECK" drift --db x.db --statement-timeout 0 2>err &&
	expect_grep "bad --statement-timeout '0'" err
}
run_test '--statement-timeout 0 is no limit for roundtrip and gate (drift still needs one)' zero_ok

finish
