#!/bin/sh
# bench/drift/run.sh: migcheck drift on a 1,000-table PostgreSQL schema.
#
#   bench/drift/run.sh [TABLES]     (default 1000)
#
# Measures, in the same run and against the same database:
#   1. migcheck's catalog snapshot of it (drift --print-snapshot) against
#      pg_dump --schema-only (target: migcheck faster)
#   2. the full `migcheck drift` (history, replay of every migration on a
#      scratch database, snapshot of both, diff), next to the raw cost of
#      that replay (createdb, psql -1 -f of each up, dropdb) plus pg_dump
# Best of RUNS (default 5) for 1, best of 3 for 2. Uses $MIGCHECK_TEST_PG
# when set, else starts a throw-away server with tests/pgserver.sh.
# $MIGCHECK: the binary (default build/migcheck).
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
tables=${1:-1000}
runs=${RUNS:-5}
MIGCHECK=${MIGCHECK:-$src/build/migcheck}
[ -x "$MIGCHECK" ] || { echo "bench: build first (cmake --build build) or set MIGCHECK" >&2; exit 3; }
command -v pg_dump >/dev/null || { echo "bench: pg_dump not found" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/migcheck-bench-drift.XXXXXX")
pgdir=
cleanup () {
	if [ -n "${db:-}" ]; then
		psql -X -q "$MIGCHECK_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
		psql -X -q "$MIGCHECK_TEST_PG" -c "DROP DATABASE IF EXISTS ${db}_raw WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	[ -n "$pgdir" ] && "$src/tests/pgserver.sh" stop "$pgdir"
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [ -z "${MIGCHECK_TEST_PG:-}" ]; then
	pgdir=$(mktemp -d /tmp/migcheck-bench-pg.XXXXXX)
	eval "$("$src/tests/pgserver.sh" start "$pgdir")"
fi

now () { date +%s.%N; }
elapsed () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", b - a }'; }
best () { sort -n | head -n1; }

# --- a repository of 10 migrations creating $tables tables ---------------
per=$((tables / 10))
mkdir -p "$work/repo/db/migrations"
cd "$work/repo"
git init -q .
printf '[migrations]\n\tdir = db/migrations\n\tformat = golang-migrate\n\tdialect = postgres\n' >.migcheck
t=0
for m in 1 2 3 4 5 6 7 8 9 10; do
	f=db/migrations/$(printf '%03d' $m)_batch$m.up.sql
	: >"$f"
	i=0
	while [ $i -lt $per ]; do
		t=$((t + 1))
		ref=
		[ $t -gt 1 ] && ref=", parent_id bigint REFERENCES t$((t - 1)) (id) ON DELETE CASCADE"
		cat >>"$f" <<SQL
CREATE TABLE t$t (
	id bigserial PRIMARY KEY,
	name text NOT NULL DEFAULT '',
	kind varchar(20) NOT NULL CHECK (kind IN ('a', 'b', 'c')),
	amount numeric(12, 2),
	created_at timestamptz NOT NULL DEFAULT now()$ref
);
CREATE INDEX t${t}_name_idx ON t$t (name);
CREATE UNIQUE INDEX t${t}_kind_name_idx ON t$t (kind, name);
SQL
		i=$((i + 1))
	done
	printf 'SELECT 1;\n' >db/migrations/$(printf '%03d' $m)_batch$m.down.sql
done
git add -A && git -c user.name=b -c user.email=b@example.com commit -q -m bench

db=mcbench_drift_$$
psql -X -q -v ON_ERROR_STOP=1 "$MIGCHECK_TEST_PG" -c "CREATE DATABASE $db" >/dev/null
url="$MIGCHECK_TEST_PG dbname=$db"
for f in db/migrations/*.up.sql; do
	psql -X -q -v ON_ERROR_STOP=1 "$url" -1 -f "$f" >/dev/null
done
psql -X -q -v ON_ERROR_STOP=1 "$url" \
	-c 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)' \
	-c 'INSERT INTO schema_migrations VALUES (10, false)' >/dev/null
objects=$(psql -X -At "$url" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")

# --- 1. snapshot vs pg_dump ----------------------------------------------
: >"$work/dump.t"
: >"$work/snap.t"
r=0
while [ $r -lt "$runs" ]; do
	s=$(now); pg_dump --schema-only -d "$url" >"$work/dump.sql"; e=$(now)
	elapsed "$s" "$e" >>"$work/dump.t"
	s=$(now); "$MIGCHECK" drift --db "$url" --print-snapshot >"$work/snap.txt"; e=$(now)
	elapsed "$s" "$e" >>"$work/snap.t"
	r=$((r + 1))
done
dump=$(best <"$work/dump.t")
snap=$(best <"$work/snap.t")

# --- 2. full drift -------------------------------------------------------
: >"$work/drift.t"
r=0
while [ $r -lt 3 ]; do
	s=$(now)
	set +e
	"$MIGCHECK" drift --db "$url" --scratch "$MIGCHECK_TEST_PG" >"$work/drift.out" 2>&1
	rc=$?
	set -e
	e=$(now)
	[ $rc -eq 0 ] || { cat "$work/drift.out" >&2; echo "bench: drift exited $rc" >&2; exit 1; }
	elapsed "$s" "$e" >>"$work/drift.t"
	r=$((r + 1))
done
full=$(best <"$work/drift.t")

# --- 3. the raw cost of the replay alone: psql -1 -f of every up -----------
: >"$work/raw.t"
r=0
while [ $r -lt 3 ]; do
	s=$(now)
	psql -X -q -v ON_ERROR_STOP=1 "$MIGCHECK_TEST_PG" -c "CREATE DATABASE ${db}_raw" >/dev/null
	for f in db/migrations/*.up.sql; do
		psql -X -q -v ON_ERROR_STOP=1 "$MIGCHECK_TEST_PG dbname=${db}_raw" -1 -f "$f" >/dev/null
	done
	psql -X -q -v ON_ERROR_STOP=1 "$MIGCHECK_TEST_PG" -c "DROP DATABASE ${db}_raw" >/dev/null
	e=$(now)
	elapsed "$s" "$e" >>"$work/raw.t"
	r=$((r + 1))
done
raw=$(best <"$work/raw.t")

printf 'drift bench: %s tables (%s relations in public), %s migrations, PostgreSQL %s\n' \
	"$tables" "$objects" 10 "$(psql -X -At "$url" -c 'SHOW server_version')"
printf '  pg_dump --schema-only          %8.3f s  (%s lines)\n' "$dump" "$(wc -l <"$work/dump.sql")"
printf '  migcheck drift --print-snapshot %7.3f s  (%s lines)\n' "$snap" "$(wc -l <"$work/snap.txt")"
printf '  snapshot / pg_dump              %7.2fx  (target < 1: migcheck faster)\n' "$(awk -v a="$snap" -v b="$dump" 'BEGIN { printf "%.4f", a / b }')"
printf '  full drift (replay + 2 snapshots + diff) %6.3f s\n' "$full"
printf '  raw replay: createdb + psql -1 -f per up + dropdb %6.3f s\n' "$raw"
printf '  full drift / (raw replay + pg_dump) %6.2fx\n' "$(awk -v a="$full" -v b="$raw" -v c="$dump" 'BEGIN { printf "%.4f", a / (b + c) }')"
