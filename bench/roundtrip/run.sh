#!/bin/sh
# bench/roundtrip/run.sh: 'migcheck roundtrip' against the raw cost of the
# same up, down, up scripts and against scripting dbmate, on SQLite and
# PostgreSQL, with 50 and 500 generated migrations. Prints a table of
# seconds and ratios; numbers are recorded in bench/README-roundtrip.md.
#
#   bench/roundtrip/run.sh [N...]        default: 50 500
#
# Environment: MIGCHECK (binary; default build/migcheck), MIGCHECK_TEST_PG
# (server conninfo; default: a throw-away server from tests/pgserver.sh),
# BENCH_CACHE (where npm installs dbmate; default build/bench-cache),
# BENCH_SKIP_DBMATE=1 to leave dbmate out.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
MIGCHECK=${MIGCHECK:-$src/build/migcheck}
[ -x "$MIGCHECK" ] || { echo "run.sh: build migcheck first (cmake --build build) or set MIGCHECK" >&2; exit 2; }
sizes=${*:-50 500}
cache=${BENCH_CACHE:-$src/build/bench-cache}
work=$(mktemp -d /tmp/migcheck-bench-rt.XXXXXX)
chmod 755 "$work"
pgdir=
cleanup () {
	[ -z "$pgdir" ] || "$src/tests/pgserver.sh" stop "$pgdir"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home LC_ALL=C
mkdir -p "$HOME"

now () { date +%s.%N; }
elapsed () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# --- dbmate from npm ---------------------------------------------------------
dbmate=
if [ "${BENCH_SKIP_DBMATE:-0}" != 1 ]; then
	if [ ! -x "$cache/node_modules/@dbmate/linux-x64/bin/dbmate" ]; then
		mkdir -p "$cache"
		npm install --no-save --no-audit --no-fund --loglevel=error \
			--prefix "$cache" @dbmate/linux-x64@2.36.0 >/dev/null ||
			{ echo "run.sh: npm install @dbmate/linux-x64 failed" >&2; exit 3; }
	fi
	dbmate=$cache/node_modules/@dbmate/linux-x64/bin/dbmate
fi

# --- PostgreSQL server -------------------------------------------------------
if [ -z "${MIGCHECK_TEST_PG:-}" ]; then
	pgdir=$(mktemp -d /tmp/migcheck-bench-pg.XXXXXX)
	eval "$("$src/tests/pgserver.sh" start "$pgdir")"
fi
pg=$MIGCHECK_TEST_PG
pghost=$(printf '%s\n' "$pg" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
pgport=$(printf '%s\n' "$pg" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
pgport=${pgport:-5432}
pguser=$(printf '%s\n' "$pg" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
pguser=${pguser:-postgres}
psql_on () { _db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "host=$pghost port=$pgport user=$pguser dbname=$_db" "$@"; }
PGOPTIONS='-c client_min_messages=warning'
export PGOPTIONS

# --- generated migrations ----------------------------------------------------
# gen DIR N: N dbmate-format migrations in DIR/db/migrations, the same
# up and down parts as plain files in DIR/raw.
gen () {
	mkdir -p "$1/db/migrations" "$1/raw"
	i=1
	while [ "$i" -le "$2" ]; do
		v=$(printf '%05d' "$i")
		up="CREATE TABLE t$i (id integer PRIMARY KEY, name text NOT NULL, ref integer, created_at text DEFAULT 'now');
CREATE INDEX t${i}_name ON t$i (name);"
		[ "$i" -gt 1 ] && up="$up
ALTER TABLE t$((i - 1)) ADD COLUMN extra$i integer;"
		down="DROP TABLE t$i;"
		[ "$i" -gt 1 ] && down="$down
ALTER TABLE t$((i - 1)) DROP COLUMN extra$i;"
		printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" >"$1/db/migrations/${v}_t$i.sql"
		# sqlite3 gets the transaction in the file, psql from -1
		printf 'BEGIN;\n%s\nCOMMIT;\n' "$up" >"$1/raw/$v.up.sql"
		printf 'BEGIN;\n%s\nCOMMIT;\n' "$down" >"$1/raw/$v.down.sql"
		printf '%s\n' "$up" >"$1/raw/$v.up.psql"
		printf '%s\n' "$down" >"$1/raw/$v.down.psql"
		i=$((i + 1))
	done
	(cd "$1" && git init -q && git config -f .migcheck migrations.dir db/migrations &&
		git config -f .migcheck migrations.format dbmate)
}

run_migcheck () { # DIR ENGINE
	(cd "$1" && "$MIGCHECK" roundtrip --engine "$2" --scratch "$pg" >"$work/mc.out") ||
		{ cat "$work/mc.out" >&2; echo "run.sh: migcheck roundtrip failed" >&2; exit 1; }
}

raw_sqlite () { # DIR
	db=$work/raw.sqlite
	rm -f "$db"
	for f in "$1"/raw/*.up.sql; do
		d=${f%.up.sql}.down.sql
		sqlite3 -bail "$db" <"$f" && sqlite3 -bail "$db" <"$d" && sqlite3 -bail "$db" <"$f"
	done
}

raw_psql () { # DIR
	psql_on postgres -c 'DROP DATABASE IF EXISTS bench_raw' -c 'CREATE DATABASE bench_raw'
	for f in "$1"/raw/*.up.psql; do
		d=${f%.up.psql}.down.psql
		psql_on bench_raw -1 -f "$f" && psql_on bench_raw -1 -f "$d" && psql_on bench_raw -1 -f "$f"
	done
	psql_on postgres -c 'DROP DATABASE bench_raw'
}

dbmate_steps () { # DIR URL
	rm -rf "$work/dm" && mkdir -p "$work/dm"
	for f in "$1"/db/migrations/*.sql; do
		cp "$f" "$work/dm/"
		for cmd in up rollback up; do
			"$dbmate" --url "$2" --migrations-dir "$work/dm" --no-dump-schema "$cmd" >/dev/null
		done
	done
}

printf '%-10s %5s %10s %10s %10s %8s %10s\n' engine n migcheck raw dbmate mc/raw dbmate/mc
for n in $sizes; do
	dir=$work/n$n
	gen "$dir" "$n"
	for engine in sqlite postgres; do
		t0=$(now); run_migcheck "$dir" "$engine"; t1=$(now)
		mc=$(elapsed "$t0" "$t1")
		t0=$(now)
		if [ "$engine" = sqlite ]; then raw_sqlite "$dir"; else raw_psql "$dir"; fi
		t1=$(now)
		raw=$(elapsed "$t0" "$t1")
		dm=- dmr=-
		if [ -n "$dbmate" ]; then
			if [ "$engine" = sqlite ]; then
				url=sqlite:$work/dbmate.sqlite
				rm -f "$work/dbmate.sqlite"
			else
				psql_on postgres -c 'DROP DATABASE IF EXISTS bench_dbmate'
				url="postgres://$pguser@/bench_dbmate?socket=$pghost&port=$pgport&sslmode=disable"
			fi
			t0=$(now); dbmate_steps "$dir" "$url"; t1=$(now)
			dm=$(elapsed "$t0" "$t1")
			dmr=$(ratio "$dm" "$mc")
			[ "$engine" = sqlite ] || psql_on postgres -c 'DROP DATABASE IF EXISTS bench_dbmate'
		fi
		printf '%-10s %5s %10.2f %10.2f %10s %8s %10s\n' "$engine" "$n" "$mc" "$raw" "$dm" "$(ratio "$mc" "$raw")" "$dmr"
	done
done
