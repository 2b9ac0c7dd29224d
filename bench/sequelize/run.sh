#!/bin/sh
# bench/sequelize/run.sh: 'migcheck roundtrip' of a Sequelize history with
# migcheck's resident runner (runner.tool = sequelize) against sequelize-cli
# applying the same ups once ('db:migrate' on a fresh database), in the same
# run: 300 generated migrations on PostgreSQL (a server of our own from
# tests/pgserver.sh, and migcheck's own scratch cluster), and a Gladys-sized
# history (71 migrations) on SQLite. Prints seconds and ratios; the figures
# are recorded in bench/README.md (target: PostgreSQL <= 4x, SQLite well
# under a minute).
#
#   bench/sequelize/run.sh [N_PG [N_SQLITE]]      default: 300 71
#
# Environment: MIGCHECK (binary; default build/migcheck; use a Release
# build), MIGCHECK_NPM_CACHE (where npm installs sequelize, sequelize-cli,
# pg and sqlite3 as tests/fixtures/sequelize pins them; default build-npm,
# shared with the tests), BENCH_SKIP_OWN=1 to leave out migcheck's own
# cluster, BENCH_KEEP=1 to keep the work folder.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
MIGCHECK=${MIGCHECK:-$src/build/migcheck}
[ -x "$MIGCHECK" ] || { echo "run.sh: build migcheck first (cmake --build build) or set MIGCHECK" >&2; exit 2; }
npg=${1:-300}
nsq=${2:-71}
work=$(mktemp -d /tmp/migcheck-bench-seq.XXXXXX)
chmod 755 "$work"
pgdir=
cleanup () {
	[ -z "$pgdir" ] || "$src/tests/pgserver.sh" stop "$pgdir" >/dev/null
	[ "${BENCH_KEEP:-0}" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home LC_ALL=C
mkdir -p "$HOME"
unset MIGCHECK_SCRATCH_URL DATABASE_URL

now () { date +%s.%N; }
elapsed () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# --- sequelize, sequelize-cli, pg, sqlite3 from npm (as tests/e2e/lib.sh) ----
fixture=$src/tests/fixtures/sequelize
key=$(sha256sum <"$fixture/package-lock.json" | cut -c1-12)-$(node -p process.versions.modules)
cache=${MIGCHECK_NPM_CACHE:-$src/build-npm}/$key
nodedir=$(node -p process.execPath)
nodedir=${nodedir%/bin/node}
[ -f "$nodedir/include/node/node.h" ] && { npm_config_nodedir=$nodedir; export npm_config_nodedir; }
mkdir -p "$cache"
(
	flock 9
	if [ -x "$cache/node_modules/.bin/sequelize-cli" ] &&
	   cmp -s "$fixture/package-lock.json" "$cache/package-lock.json"; then
		exit 0
	fi
	cp "$fixture/package.json" "$fixture/package-lock.json" "$cache/"
	cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1 ||
		{ echo "run.sh: npm ci failed in $cache" >&2; sed 's/^/  /' npm.log >&2; exit 3; }
) 9>"$cache.lock"
modules=$cache/node_modules
cli=$modules/.bin/sequelize-cli

# --- PostgreSQL server of our own --------------------------------------------
pgdir=$(mktemp -d /tmp/migcheck-bench-seqpg.XXXXXX)
eval "$("$src/tests/pgserver.sh" start "$pgdir")"
pg=$MIGCHECK_TEST_PG
unset MIGCHECK_TEST_PG
pghost=$(printf '%s\n' "$pg" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
pgport=$(printf '%s\n' "$pg" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
pgport=${pgport:-5432}
pguser=$(printf '%s\n' "$pg" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
pguser=${pguser:-postgres}
PGOPTIONS='-c client_min_messages=warning'
export PGOPTIONS
psql_on () { psql -X -q -v ON_ERROR_STOP=1 "host=$pghost port=$pgport user=$pguser dbname=postgres" "$@"; }

# --- a generated Sequelize history -------------------------------------------
# gen DIR N: a git repository with a Gladys-shaped app in DIR/server (its
# node_modules, config/config.js reading the SQLite path from the
# environment and the server from PG*) and N migrations in five kinds that
# repeat: createTable (with a foreign key to the previous table), addColumn,
# addIndex, changeColumn, a raw query (a view); each down reverses its up.
gen () {
	d=$1/server/migrations
	mkdir -p "$d" "$1/server/config"
	ln -s "$modules" "$1/server/node_modules"
	cat >"$1/server/config/config.js" <<'JS'
module.exports = {
  development: {
    dialect: process.env.BENCH_DIALECT || 'sqlite',
    storage: process.env.SQLITE_FILE_PATH || './bench.db',
    host: process.env.PGHOST, port: process.env.PGPORT,
    username: process.env.PGUSER, database: process.env.PGDATABASE,
    logging: false,
  },
};
JS
	printf '{ "name": "server", "private": true, "dependencies": { "sequelize": "^6", "sequelize-cli": "^6" } }\n' >"$1/server/package.json"
	printf 'server/node_modules\n' >"$1/.gitignore"
	i=0
	while [ "$i" -lt "$2" ]; do
		k=$((i / 5))
		t=t_item$k
		v=$(printf '2024%02d%02d%06d' $((k / 28 % 12 + 1)) $((k % 28 + 1)) "$i")
		case $((i % 5)) in
		0)
			fk=
			[ "$k" -gt 0 ] && fk="
      parent_id: { type: Sequelize.INTEGER, references: { model: 't_item$((k - 1))', key: 'id' }, onDelete: 'CASCADE' },"
			name=create-$t
			body="  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('$t', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      name: { type: Sequelize.STRING, allowNull: true },$fk
      status: { type: Sequelize.ENUM('new', 'done'), defaultValue: 'new' },
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    });
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('$t');
    if (queryInterface.sequelize.getDialect() === 'postgres')
      await queryInterface.sequelize.query('DROP TYPE IF EXISTS \"enum_${t}_status\"');
  },"
			;;
		1)
			name=add-score-to-$t
			body="  up: async (queryInterface, Sequelize) => {
    await queryInterface.addColumn('$t', 'score', { type: Sequelize.INTEGER, defaultValue: 0 });
    await queryInterface.addColumn('$t', 'note', { type: Sequelize.TEXT });
  },
  down: async (queryInterface) => {
    await queryInterface.removeColumn('$t', 'note');
    await queryInterface.removeColumn('$t', 'score');
  },"
			;;
		2)
			name=index-$t
			body="  up: async (queryInterface) => {
    await queryInterface.addIndex('$t', ['name', 'score'], { name: '${t}_name_score' });
  },
  down: async (queryInterface) => {
    await queryInterface.removeIndex('$t', '${t}_name_score');
  },"
			;;
		3)
			name=widen-$t-name
			body="  up: async (queryInterface, Sequelize) => {
    await queryInterface.changeColumn('$t', 'name', { type: Sequelize.STRING(500), allowNull: true });
  },
  down: async (queryInterface, Sequelize) => {
    await queryInterface.changeColumn('$t', 'name', { type: Sequelize.STRING, allowNull: true });
  },"
			;;
		4)
			name=view-$t
			body="  up: async (queryInterface) => {
    await queryInterface.sequelize.query('CREATE VIEW v_$k AS SELECT id, name, score FROM $t WHERE score > 0');
    await queryInterface.sequelize.query(\"UPDATE $t SET note = 'seen' WHERE note IS NULL\");
  },
  down: async (queryInterface) => {
    await queryInterface.sequelize.query('DROP VIEW v_$k');
  },"
			;;
		esac
		printf "'use strict';\nmodule.exports = {\n%s\n};\n" "$body" >"$d/$v-$name.js"
		i=$((i + 1))
	done
	(cd "$1" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm history)
}

# baseline DIR DIALECT: sequelize-cli db:migrate once on a fresh database
baseline () {
	(
		cd "$1/server"
		if [ "$2" = postgres ]; then
			psql_on -c 'DROP DATABASE IF EXISTS bench_seq' -c 'CREATE DATABASE bench_seq'
			BENCH_DIALECT=postgres PGHOST=$pghost PGPORT=$pgport PGUSER=$pguser PGDATABASE=bench_seq \
				"$cli" db:migrate >"$work/cli-$2.log" 2>&1
		else
			rm -f "$work/bench.db"
			SQLITE_FILE_PATH=$work/bench.db "$cli" db:migrate >"$work/cli-$2.log" 2>&1
		fi
	) || { echo "run.sh: sequelize-cli db:migrate failed ($2):" >&2; tail -20 "$work/cli-$2.log" >&2; exit 1; }
	grep -c '^== .*: migrated' "$work/cli-$2.log" >"$work/cli-$2.count"
}

# roundtrip DIR DIALECT [SERVER]: migcheck roundtrip, on SERVER or on
# migcheck's own cluster
roundtrip () {
	(
		cd "$1"
		rm -f .migcheck
		git config -f .migcheck migrations.dir server/migrations
		git config -f .migcheck migrations.format sequelize
		git config -f .migcheck migrations.dialect "$2"
		git config -f .migcheck runner.tool sequelize
		git config -f .migcheck runner.env SQLITE_FILE_PATH={path}
		[ -z "${3:-}" ] || git config -f .migcheck scratch.postgres "$3"
		rc=0
		"$MIGCHECK" roundtrip >"$work/rt.out" 2>"$work/rt.err" || rc=$?
		# 1 is findings (SQLite: sequelize's table rebuilds in removeColumn
		# and changeColumn lose AUTOINCREMENT, ON DELETE, indexes): timed
		# all the same, the summary says how many
		if [ "$rc" -gt 1 ]; then
			echo "run.sh: migcheck roundtrip exited $rc ($2):" >&2
			head -20 "$work/rt.out" "$work/rt.err" >&2
			exit 1
		fi
		tail -2 "$work/rt.out" | tr '\n' ' ' >"$work/rt.note"
	)
}

gen "$work/pg" "$npg"
gen "$work/sq" "$nsq"

t0=$(now); baseline "$work/pg" postgres; t1=$(now)
pg_cli=$(elapsed "$t0" "$t1")
t0=$(now); roundtrip "$work/pg" postgres "$pg"; t1=$(now)
pg_rt=$(elapsed "$t0" "$t1"); pg_note=$(cat "$work/rt.note")
own_rt=- own_note='(left out: BENCH_SKIP_OWN=1)'
if [ "${BENCH_SKIP_OWN:-0}" != 1 ]; then
	t0=$(now); roundtrip "$work/pg" postgres; t1=$(now)
	own_rt=$(elapsed "$t0" "$t1"); own_note=$(cat "$work/rt.note")
fi
t0=$(now); baseline "$work/sq" sqlite; t1=$(now)
sq_cli=$(elapsed "$t0" "$t1")
t0=$(now); roundtrip "$work/sq" sqlite; t1=$(now)
sq_rt=$(elapsed "$t0" "$t1"); sq_note=$(cat "$work/rt.note")

printf '%-44s %10s %10s %8s\n' measure 'migcheck s' 'cli s' ratio
printf '%-44s %10s %10s %8s\n' "PostgreSQL server, $npg migrations" "$pg_rt" "$pg_cli" "$(ratio "$pg_rt" "$pg_cli")x"
[ "$own_rt" = - ] ||
	printf '%-44s %10s %10s %8s\n' "PostgreSQL, migcheck's own cluster, $npg" "$own_rt" "$pg_cli" "$(ratio "$own_rt" "$pg_cli")x"
printf '%-44s %10s %10s %8s\n' "SQLite, $nsq migrations" "$sq_rt" "$sq_cli" "$(ratio "$sq_rt" "$sq_cli")x"
echo "server:      $pg_note"
echo "own cluster: $own_note"
echo "sqlite:      $sq_note"
echo "sequelize-cli migrated: postgres $(cat "$work/cli-postgres.count"), sqlite $(cat "$work/cli-sqlite.count")"
