#!/bin/sh
# roundtrip interrupted with SIGINT / SIGTERM leaves no temp dir behind.
. "$(dirname "$0")/lib.sh"

slow_migrations () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect sqlite &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'DROP TABLE a;' &&
	for i in 2 3 4 5 6 7 8 9; do
		write_migration 00${i}_slow.up.sql "CREATE TABLE big$i AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT x FROM c;" &&
		write_migration 00${i}_slow.down.sql "DROP TABLE big$i;" || return 1
	done &&
	mkdir tmp
}

interrupted () {
	sig=$1 code=$2
	slow_migrations &&
	TMPDIR=$PWD/tmp && export TMPDIR &&
	spawn "$MIGCHECK" roundtrip >out 2>err &&
	wait_for_file "tmp/migcheck-*" &&
	sleep 0.5 &&
	kill -"$sig" "$spawned" &&
	expect_code "$code" wait "$spawned" &&
	expect_equal err 'migcheck: interrupted; the scratch database was removed' &&
	[ ! -s out ] &&
	expect_empty_dir tmp
}

expect_empty_dir () {
	ls -A "$1" >listing
	if [ -s listing ]; then
		sed 's/^/# left behind: /' listing >&2
		return 1
	fi
}

sigint () {
	interrupted INT 130
}
run_test 'SIGINT mid-run exits 130 and removes the scratch temp dir' sigint

sigterm () {
	interrupted TERM 143
}
run_test 'SIGTERM mid-run exits 143 and removes the scratch temp dir' sigterm

finish
