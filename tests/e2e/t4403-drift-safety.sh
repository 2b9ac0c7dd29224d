#!/bin/sh
# t4403: drift only reads its target. A cluster of the test's own logs
# every statement (log_statement = 'all'): drift sends nothing that
# writes; a role with nothing but SELECT can run it. Wrong password,
# unreachable host (127.0.0.1 on a closed port), a remote host without
# certificate verification: clear messages, documented exit status, and
# the password never printed.
. "$(dirname "$0")/lib.sh"
require_pg
. "$MIGCHECK_SRC/tests/fixtures/drift/pg.sh"

bindir=${MIGCHECK_TEST_PG_BINDIR:-$(dirname "$(command -v initdb)")}
PGC=$(mktemp -d "${TMPDIR:-/tmp}/migcheck-drift-pg.XXXXXX")
chmod 755 "$PGC"
as_pg () {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_cluster () {
	as_pg "$bindir/pg_ctl" -D "$PGC/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$PGC"
	pg_cleanup
}
at_exit stop_cluster
[ "$(id -u)" = 0 ] && chown postgres "$PGC"

# a TCP port nobody listens on, then one for our cluster
free_port () {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
PORT=$(free_port)
CLOSED_PORT=$(free_port)
while [ "$CLOSED_PORT" = "$PORT" ]; do CLOSED_PORT=$(free_port); done

as_pg "$bindir/initdb" -D "$PGC/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$PGC/initdb.log" 2>&1 ||
	{ cat "$PGC/initdb.log"; exit 1; }
cat >"$PGC/data/pg_hba.conf" <<HBA
local all all trust
host all pwuser 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
as_pg "$bindir/pg_ctl" -D "$PGC/data" -l "$PGC/server.log" -w -t 60 \
	-o "-k $PGC -c listen_addresses=127.0.0.1 -p $PORT -c fsync=off -c log_statement=all -c log_line_prefix='%d|'" \
	start >/dev/null || { cat "$PGC/server.log"; exit 1; }
OWN="host=$PGC port=$PORT user=postgres"
psql -X -q -v ON_ERROR_STOP=1 "$OWN dbname=postgres" \
	-c "CREATE ROLE pwuser LOGIN PASSWORD 'Sekr1t-pw'" \
	-c "CREATE ROLE reader LOGIN" >/dev/null
STAGING="$OWN dbname=staging"

build_staging () {
	pg_golang_repo &&
	psql -X -q -v ON_ERROR_STOP=1 "$OWN dbname=postgres" \
		-c "DROP DATABASE IF EXISTS staging WITH (FORCE)" -c "CREATE DATABASE staging" >/dev/null &&
	pg_apply_ups "$STAGING" &&
	pg_sql "$STAGING" 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
		"INSERT INTO schema_migrations VALUES (3, false)" \
		'CREATE INDEX users_name_idx ON users (name)' \
		'GRANT USAGE ON SCHEMA public TO reader' \
		'GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader'
}

only_reads () {
	build_staging &&
	: >"$PGC/server.log" &&
	expect_code 1 "$MIGCHECK" drift --db "$STAGING" --scratch "$MIGCHECK_TEST_PG" \
		--format json >out.json &&
	pg_codes out.json >codes &&
	expect_equal codes 'drift-unexpected -' &&
	# every statement the target saw, first line of each
	sed -n 's/^staging|[^:]*:  *\(statement\|execute [^:]*\): //p' "$PGC/server.log" >statements &&
	test -s statements &&
	expect_no_grep '^\(INSERT\|UPDATE\|DELETE\|CREATE\|ALTER\|DROP\|TRUNCATE\|GRANT\|REVOKE\|COMMENT\|COPY\|LOCK\|VACUUM\|ANALYZE\|REINDEX\|CLUSTER\|REFRESH\|CALL\|DO\|COMMIT\)' statements &&
	grep -v '^\(SELECT\|WITH\|BEGIN\|START TRANSACTION\|SET\|SHOW\|ROLLBACK\|RESET\)' statements >others || true
	{ test ! -s others || { sed 's/^/# other: /' others >&2; false; }; } &&
	grep -q '^BEGIN.*READ ONLY\|^START TRANSACTION.*READ ONLY\|^SET.*default_transaction_read_only\|transaction_read_only' statements &&
	grep -q 'statement_timeout' statements &&
	grep -q 'lock_timeout' statements
}
run_test 'log_statement=all: drift sends nothing that writes' only_reads

select_only_role () {
	build_staging &&
	expect_code 1 "$MIGCHECK" drift --db "host=$PGC port=$PORT user=reader dbname=staging" \
		--scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	pg_codes out.json >codes &&
	expect_equal codes 'drift-unexpected -'
}
run_test 'a role with only SELECT can run drift' select_only_role

wrong_password () {
	pg_golang_repo &&
	expect_code 3 "$MIGCHECK" drift --db "postgresql://pwuser:WrongPass99@127.0.0.1:$PORT/staging" >out 2>err &&
	test ! -s out &&
	expect_grep "^migcheck: cannot connect to 'postgresql://pwuser:\*\*\*\*@127.0.0.1:$PORT/staging': .*password authentication failed for user \"pwuser\"" err &&
	expect_no_grep WrongPass99 err &&
	expect_code 3 "$MIGCHECK" drift --db "host=127.0.0.1 port=$PORT user=pwuser password=WrongPass99 dbname=staging" >out 2>err &&
	expect_grep 'password=\*\*\*\*' err &&
	expect_no_grep WrongPass99 err
}
run_test 'a wrong password: exit 3, password masked' wrong_password

right_password () {
	build_staging &&
	pg_sql "$STAGING" 'GRANT USAGE ON SCHEMA public TO pwuser' 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO pwuser' &&
	expect_code 0 "$MIGCHECK" drift --history-only --db "postgresql://pwuser:Sekr1t-pw@127.0.0.1:$PORT/staging" -v >out 2>err &&
	expect_no_grep Sekr1t-pw out &&
	expect_no_grep Sekr1t-pw err
}
run_test 'the right password is never printed' right_password

unreachable_host () {
	pg_golang_repo &&
	expect_code 3 "$MIGCHECK" drift --db "postgresql://app:Hunter2x@127.0.0.1:$CLOSED_PORT/app" >out 2>err &&
	expect_grep "^migcheck: cannot connect to 'postgresql://app:\*\*\*\*@127.0.0.1:$CLOSED_PORT/app': .*Connection refused" err &&
	expect_no_grep Hunter2x err
}
run_test 'an unreachable host: exit 3, password masked' unreachable_host

insecure_remote () {
	build_staging &&
	# host names the server for TLS, hostaddr is where we connect: loopback
	expect_code 1 "$MIGCHECK" drift --db "host=staging.example.com hostaddr=127.0.0.1 port=$PORT user=postgres dbname=staging sslmode=disable" \
		--scratch "$MIGCHECK_TEST_PG" --format json >out.json &&
	pg_codes out.json >codes &&
	expect_equal codes 'insecure-connection -
drift-unexpected -'
}
run_test 'a remote host without verify-full gets insecure-connection' insecure_remote

timeouts_are_flags () {
	pg_golang_repo &&
	expect_code 2 "$MIGCHECK" drift --db "$STAGING" --statement-timeout soon >out 2>err &&
	expect_grep "^migcheck drift: bad --statement-timeout 'soon': expected milliseconds, or a number with ms, s or min$" err &&
	build_staging &&
	: >"$PGC/server.log" &&
	expect_code 0 "$MIGCHECK" drift --history-only --db "$STAGING" --statement-timeout 7s --lock-timeout 250 >out &&
	grep -q "7000\|7s" "$PGC/server.log" &&
	grep -q "250" "$PGC/server.log"
}
run_test '--statement-timeout and --lock-timeout reach the session' timeouts_are_flags

finish
