#!/bin/sh
# t7201: secrets. Every command that takes a URL, given one with a
# password (flags, MIGCHECK_DATABASE_URL / MIGCHECK_SCRATCH_URL,
# scratch.postgres), in every output format and in error cases (closed
# port, a database that does not exist, a password libpq cannot parse):
# the password never appears in stdout or stderr.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

PW=Zq7Secret
PCT='Zq7%zzSecret'
closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# run CMD...: append its stdout and stderr to all.out, whatever its status
run () {
	"$@" >>all.out 2>&1 || true
}

no_secret () {
	test -s all.out &&
	expect_no_grep "$PW" all.out &&
	expect_no_grep 'Zq7%zz' all.out
}

formats="text json junit sarif github markdown"

drift_urls () {
	pg_golang_repo &&
	target=$(pg_new_db secrets) &&
	pg_apply_ups "$target" &&
	pg_sql "$target" 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		"INSERT INTO schema_migrations VALUES (3, false)" &&
	: >all.out &&
	for f in $formats; do
		run "$MIGCHECK" drift --format "$f" --db "$target password=$PW" --scratch "$MIGCHECK_TEST_PG password=$PW"
		run env MIGCHECK_DATABASE_URL="$target password=$PW" MIGCHECK_SCRATCH_URL="$MIGCHECK_TEST_PG password=$PW" "$MIGCHECK" drift --format "$f"
		run "$MIGCHECK" drift --format "$f" --db "postgresql://app:$PW@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" drift --format "$f" --db "postgresql://app:$PCT@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" drift --format "$f" --db "$MIGCHECK_TEST_PG dbname=no_such_db_7201 password=$PW"
		run "$MIGCHECK" drift --format "$f" --db "$target password=$PW" --scratch "postgresql://app:$PW@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" drift --format "$f" --db "$target password='$PCT'" --history-only
	done &&
	no_secret
}
run_test 'drift: --db, --scratch and the environment, every format, errors' drift_urls

roundtrip_urls () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.dialect postgres &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration 001_a.down.sql 'SELECT 1;' &&
	commit_all a &&
	: >all.out &&
	for f in $formats; do
		run "$MIGCHECK" roundtrip --format "$f" --scratch "$MIGCHECK_TEST_PG password=$PW"
		run env MIGCHECK_SCRATCH_URL="$MIGCHECK_TEST_PG password=$PW" "$MIGCHECK" roundtrip --format "$f"
		run "$MIGCHECK" roundtrip --format "$f" --scratch "postgresql://app:$PW@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" roundtrip --format "$f" --scratch "postgresql://app:$PCT@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" roundtrip --format "$f" --cleanup --scratch "postgresql://app:$PW@127.0.0.1:$closed_port/app"
	done &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG password=$PW" &&
	run "$MIGCHECK" roundtrip --format json &&
	git config -f .migcheck scratch.postgres "postgresql://app:$PCT@127.0.0.1:$closed_port/app" &&
	run "$MIGCHECK" roundtrip &&
	# the findings really were reported (the down does not undo the up)
	expect_grep 'down-not-inverse' all.out &&
	no_secret
}
run_test 'roundtrip: --scratch, the environment, scratch.postgres, every format, errors' roundtrip_urls

gate_urls () {
	pg_golang_repo &&
	git config -f .migcheck migrations.dialect postgres &&
	git tag v0 &&
	write_migration 4_note.up.sql 'ALTER TABLE users ADD COLUMN note text;' &&
	write_migration 4_note.down.sql 'ALTER TABLE users DROP COLUMN note;' &&
	commit_all four &&
	target=$(pg_new_db secrets_gate) &&
	pg_apply_ups "$target" &&
	pg_sql "$target" 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		"INSERT INTO schema_migrations VALUES (3, false)" &&
	: >all.out &&
	for f in $formats; do
		run "$MIGCHECK" gate --since v0 --format "$f" --db "$target password=$PW" --scratch "$MIGCHECK_TEST_PG password=$PW"
		run env MIGCHECK_DATABASE_URL="$target password=$PW" MIGCHECK_SCRATCH_URL="$MIGCHECK_TEST_PG password=$PW" "$MIGCHECK" gate --since v0 --format "$f"
		run "$MIGCHECK" gate --since v0 --format "$f" --db "postgresql://app:$PW@127.0.0.1:$closed_port/app" --scratch "postgresql://app:$PCT@127.0.0.1:$closed_port/app"
		run "$MIGCHECK" gate --since v0 --format "$f" --db "$MIGCHECK_TEST_PG dbname=no_such_db_7201 password=$PW" --skip roundtrip
	done &&
	# the steps really ran: drift and roundtrip against the real server
	expect_grep 'step-unavailable' all.out &&
	expect_grep 'steps: check' all.out &&
	no_secret
}
run_test 'gate: --db, --scratch and the environment, every format, errors' gate_urls

finish
