#!/bin/sh
# Two roundtrips at once against one server do not see each other's
# scratch databases, and both remove theirs.
. "$(dirname "$0")/lib.sh"
require_pg

project () {
	mkdir "$1" && (
		cd "$1" &&
		init_repo &&
		git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck migrations.dialect postgres &&
		git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG" &&
		i=1 &&
		while [ $i -le 15 ]; do
			v=$(printf '%03d' $i) &&
			write_migration "${v}_t$i.up.sql" "CREATE TABLE t$i (id int); SELECT pg_sleep(0.05);" &&
			write_migration "${v}_t$i.down.sql" "DROP TABLE t$i;" &&
			i=$((i + 1)) || return 1
		done
	)
}

# run_bg NAME: roundtrip in NAME/, recording pid, output and exit status.
run_bg () {
	(
		cd "$1" || exit 1
		rc=0
		sh -c 'echo $$ >../'"$1"'.pid && exec "$0" roundtrip' "$MIGCHECK" \
			>"../$1.out" 2>"../$1.err" || rc=$?
		echo $rc >"../$1.rc"
	)
}

parallel () {
	project clean &&
	project broken &&
	# same table names in both: only separate databases keep them apart
	write_migration broken/db/migrations/008_t8.down.sql 'SELECT 1;' ||
		return 1
	run_bg clean &
	p1=$!
	run_bg broken &
	p2=$!
	wait $p1 $p2
	expect_equal clean.rc 0 &&
	expect_equal clean.out 'note: 15 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 0 errors, 0 warnings' &&
	expect_equal broken.rc 1 &&
	expect_equal broken.out 'db/migrations/008_t8.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table public.t8: unexpected
db/migrations/008_t8.up.sql:1: error: up fails after down: relation "t8" already exists [up-not-repeatable]
    CREATE TABLE t8 (id int);
note: 15 migrations round-tripped on a scratch postgres database (step mode)
roundtrip: 2 errors, 0 warnings' &&
	for name in clean broken; do
		psql "$MIGCHECK_TEST_PG" -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\_scratch\_$(cat $name.pid)\_%'" >left &&
		{ [ ! -s left ] || { sed 's/^/# left behind: /' left; false; }; } || return 1
	done
}
run_test 'two roundtrips in parallel against one server do not interfere' parallel

finish
