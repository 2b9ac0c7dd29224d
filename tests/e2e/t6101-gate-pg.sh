#!/bin/sh
# t6101: 'migcheck gate' over the example shop on PostgreSQL: scratch
# databases on the test server, drift of a staging database that the v1.0.0
# deploy built (plus a table sync() made); no scratch database left over,
# the target unchanged.
. "$(dirname "$0")/lib.sh"
require_pg

pg_db () { # pg_db NAME: conninfo of database NAME on the test server
	printf '%s\n' "$MIGCHECK_TEST_PG" | sed "s/dbname=[^ ]*/dbname=$1/"
}

schema_dump () { # pg_dump -s without its per-run \restrict keys
	pg_dump -s "$1" | grep -v '^\\\(un\)\{0,1\}restrict '
}

# scratch databases whose migcheck is gone: left over. Other tests share the
# server and run at the same time (ctest -j), so databases of live
# processes and other tests' own databases are not counted.
databases () {
	psql -XAtq "$MIGCHECK_TEST_PG" -c "SELECT datname FROM pg_database WHERE datname LIKE 'migcheck\\_scratch\\_%' ORDER BY 1" |
	while read -r d; do
		pid=${d#migcheck_scratch_}
		[ -d "/proc/${pid%%_*}" ] || echo "$d"
	done
}

shop_pg () {
	"$MIGCHECK_SRC/examples/make-demo.sh" shop >/dev/null &&
	cd shop &&
	git config -f .migcheck migrations.dialect postgres &&
	git config -f .migcheck scratch.postgres "$MIGCHECK_TEST_PG"
}

staging () { # staging NAME: the database as v1.0.0 left it
	psql -XAtq "$MIGCHECK_TEST_PG" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" &&
	{
		git show v1.0.0:db/migrations/20240101090000_create_users.up.sql &&
		git show v1.0.0:db/migrations/20240110090000_create_products.up.sql &&
		echo 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);' &&
		echo 'INSERT INTO schema_migrations VALUES (20240110090000, false);' &&
		echo 'CREATE TABLE sessions (sid varchar(36) PRIMARY KEY, data text, expires timestamp);'
	} | psql -XAtq -v ON_ERROR_STOP=1 "$(pg_db "$1")"
}

gate_pg () {
	shop_pg &&
	databases >../before &&
	expect_code 1 "$MIGCHECK" gate >../out 2>/dev/null &&
	expect_equal ../out "== check ==
db/migrations/20240110090000_create_products.up.sql:6: error: deployed migration 'db/migrations/20240110090000_create_products.up.sql' was edited (deployed in refs/tags/v1.0.0) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/tags/v1.0.0 --staged --worktree -- db/migrations/20240110090000_create_products.up.sql) and write the change as a new migration
== roundtrip ==
db/migrations/20240315090000_add_user_phone.down.sql:1: error: down does not restore the schema from before up [down-not-inverse]
    table public.users: column phone: unexpected
db/migrations/20240315090000_add_user_phone.up.sql:1: error: up fails after down: column \"phone\" of relation \"users\" already exists [up-not-repeatable]
    ALTER TABLE users ADD COLUMN phone VARCHAR(32);
note: release: 2 migrations added since v1.0.0 (the newest deploy ref HEAD contains)
note: 2 migrations round-tripped on a scratch postgres database (step mode)
steps: check failed, roundtrip failed, drift not run (no --db)
gate: 3 errors, 0 warnings" &&
	databases >../after &&
	diff ../before ../after
}
run_test 'gate on PostgreSQL scratch databases: the planted problems, nothing left' gate_pg

gate_pg_drift () {
	shop_pg &&
	staging shop_staging &&
	target=$(pg_db shop_staging) &&
	schema_dump "$target" >../dump.before &&
	expect_code 1 "$MIGCHECK" gate --db "$target" --format json >../out.json 2>/dev/null &&
	python3 - ../out.json >../got <<'PY' &&
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    print(f["section"], f["code"], f["migration"])
print([(s["name"], s["status"]) for s in d["steps"]])
PY
	expect_equal ../got "check modified-deployed 20240110090000
roundtrip down-not-inverse 20240315090000
roundtrip up-not-repeatable 20240315090000
drift drift-missing None
drift drift-unexpected None
drift pending 20240301090000
drift pending 20240315090000
[('check', 'failed'), ('roundtrip', 'failed'), ('drift', 'failed')]" &&
	schema_dump "$target" >../dump.after &&
	cmp ../dump.before ../dump.after &&
	MIGCHECK_DATABASE_URL=$target expect_code 1 "$MIGCHECK" gate --skip check --skip roundtrip --format markdown >../out.md 2>/dev/null &&
	expect_grep '^| drift | ❌ failed (2 errors, 2 warnings) |$' ../out.md &&
	expect_grep '^| `20240301090000` `db/migrations/20240301090000_create_orders.up.sql` | — | — | ⚠️ `pending` |$' ../out.md
}
run_test 'gate --db: drift of a PostgreSQL staging database, which is only read' gate_pg_drift

release_gate_recipe () {
	mkdir bin && ln -s "$MIGCHECK" bin/migcheck &&
	PATH=$PWD/bin:$PATH && export PATH &&
	shop_pg &&
	git config -f .migcheck --unset scratch.postgres &&
	staging shop_recipe &&
	python3 "$MIGCHECK_SRC/tests/e2e/recipe_steps.py" \
		"$MIGCHECK_SRC/docs/recipes/release-gate.md" Gate >../gate.sh &&
	MIGCHECK_SCRATCH_URL=$MIGCHECK_TEST_PG MIGCHECK_DATABASE_URL=$(pg_db shop_recipe) \
		GITHUB_STEP_SUMMARY=$PWD/../summary.md expect_code 1 sh -e ../gate.sh 2>../err &&
	expect_equal ../err 'migcheck: gating the changes since v1.0.0 (the newest deploy ref HEAD contains)' &&
	expect_grep '^### ❌ migcheck gate: 5 errors, 2 warnings$' ../summary.md &&
	expect_grep '^| `20240315090000` `db/migrations/20240315090000_add_user_phone.up.sql` | ✅ | ❌ `down-not-inverse` `up-not-repeatable` | ⚠️ `pending` |$' ../summary.md &&
	expect_grep '^| drift | ❌ failed (2 errors, 2 warnings) |$' ../summary.md
}
run_test 'the release-gate recipe, run as written against PostgreSQL' release_gate_recipe

finish
