#!/bin/sh
# install.sh: set up migcheck on Debian/Ubuntu.
#
#   ./install.sh            install build deps and PostgreSQL's server programs
#                           (apt; no system cluster), build, install migcheck + hooks
#   ./install.sh --test     same, then build and run the whole test suite
#
# Idempotent; works as root or through sudo.
set -eu

usage () {
	cat <<USAGE
usage: ./install.sh [--prefix DIR] [--test] [--no-postgres] [--no-deps] [-h]
Install migcheck's build dependencies with apt-get, build a Release binary
and install it with its git hooks and man page.

PostgreSQL's server programs (the distribution's 'postgresql' package) are
installed too, so that migcheck can start a throw-away PostgreSQL server
for roundtrip and drift without any set-up. No system cluster is created
or started for it (create_main_cluster = false in
/etc/postgresql-common/createcluster.conf during the install, restored
after); an existing PostgreSQL set-up is left as it is.

  --prefix DIR   install under DIR (default /usr/local)
  --test         also install the test dependencies, start a throw-away
                 PostgreSQL server, build and run the whole test suite
                 (unit and end-to-end, PostgreSQL included) and exit with
                 its status
  --no-postgres  do not install PostgreSQL's server programs (then pass
                 --scratch URL or set scratch.postgres for PostgreSQL
                 projects); not with --test
  --no-deps      do not run apt-get (dependencies already installed)
  -h, --help     show this help

Exit status: 0 success, 1 tests failed, 2 usage error, 3 unsupported
system or a step failed.
USAGE
}

prefix=/usr/local
run_tests=0
deps=1
postgres=1
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
		prefix=$2; shift 2 ;;
	--prefix=*) prefix=${1#--prefix=}; shift ;;
	--test) run_tests=1; shift ;;
	--no-deps) deps=0; shift ;;
	--no-postgres) postgres=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

if [ "$run_tests" = 1 ] && [ "$postgres" = 0 ]; then
	echo "install.sh: --test needs PostgreSQL's server programs: drop --no-postgres" >&2
	exit 2
fi

src=$(cd "$(dirname "$0")" && pwd)
say () { printf 'install.sh: %s\n' "$*"; }
die () { printf 'install.sh: %s\n' "$*" >&2; exit 3; }

# --- the system -----------------------------------------------------------
[ -r /etc/os-release ] || die "unsupported system: /etc/os-release not found (Debian 12 or Ubuntu 22.04+ needed)"
. /etc/os-release
case "${ID:-} ${ID_LIKE:-}" in
*debian*|*ubuntu*) ;;
*) die "unsupported system '${PRETTY_NAME:-$ID}': this script needs Debian or Ubuntu (apt-get); on others install libgit2, libpq, sqlite3, libpg_query, jansson, cmocka and build with cmake" ;;
esac

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	die "not root and sudo is missing: run as root or install sudo"
fi

build_pkgs="build-essential cmake pkg-config git ca-certificates libgit2-dev libpq-dev libsqlite3-dev sqlite3 libpg-query-dev libprotobuf-c-dev libjansson-dev libcmocka-dev zlib1g-dev"
test_pkgs="util-linux procps python3 jq libxml2-utils groff-base hyperfine time clang valgrind"
# the libFuzzer runtime (tests/fuzz/): its own package on Debian 12 and
# Ubuntu 23.04+, part of clang's libclang-common-*-dev on Ubuntu 22.04
case "${ID:-} ${VERSION_ID:-}" in
"ubuntu 22."*) ;;
*) test_pkgs="$test_pkgs libclang-rt-dev" ;;
esac

missing () {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || printf '%s ' "$p"
	done
}

# PostgreSQL's server programs (initdb, postgres) for migcheck's
# throw-away servers, without a system cluster: Debian's postgresql-common
# creates and starts one ("main") when a server package is installed,
# unless createcluster.conf says create_main_cluster = false. That is set
# for the install and the file restored after, so a later install the user
# makes behaves as before. Present server programs (any set-up) are left
# alone.
pg_server_installed () {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0
	done
	return 1
}

install_postgres () {
	if pg_server_installed; then
		say "PostgreSQL server programs already installed: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
		return 0
	fi
	conf=/etc/postgresql-common/createcluster.conf
	[ "$updated" = 1 ] || $SUDO apt-get update -qq || die "apt-get update failed"
	updated=1
	$SUDO apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null ||
		die "apt-get install failed for: postgresql-common"
	[ -f "$conf" ] || die "$conf not found after installing postgresql-common"
	saved=$(mktemp /tmp/migcheck-createcluster.XXXXXX)
	cp -p "$conf" "$saved"
	trap '$SUDO cp -p "$saved" "$conf"; rm -f "$saved"' EXIT INT TERM
	{ grep -v '^[[:space:]]*#*[[:space:]]*create_main_cluster[[:space:]]*=' "$saved"
	  echo "create_main_cluster = false"; } | $SUDO tee "$conf" >/dev/null
	say "installing PostgreSQL's server programs (package postgresql, no system cluster)"
	$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null ||
		die "apt-get install failed for: postgresql"
	$SUDO cp -p "$saved" "$conf"
	rm -f "$saved"
	trap - EXIT INT TERM
	pg_server_installed || die "initdb not found in /usr/lib/postgresql/*/bin after installing postgresql"
	say "PostgreSQL server programs in $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')(not on PATH; migcheck finds them)"
}

if [ "$deps" = 1 ]; then
	pkgs=$build_pkgs
	[ "$run_tests" = 1 ] && pkgs="$pkgs $test_pkgs"
	need=$(missing $pkgs)
	if [ "$run_tests" = 1 ]; then
		# commands that other packagings (e.g. NodeSource's nodejs, which
		# bundles npm) may already provide
		command -v psql >/dev/null 2>&1 || need="$need postgresql-client"
		command -v node >/dev/null 2>&1 || need="$need nodejs"
		command -v npm >/dev/null 2>&1 || need="$need npm"
		# the npm package sqlite3 (tests/fixtures/sequelize) compiles
		# against node's headers when no prebuilt addon can be fetched;
		# Debian's nodejs keeps them in libnode-dev
		node_inc=$( (node -p 'process.execPath' 2>/dev/null || echo /usr/bin/node) | sed 's|/bin/node$||')/include/node/node.h
		[ -r "$node_inc" ] || [ -r /usr/include/node/node.h ] || need="$need libnode-dev"
	fi
	export DEBIAN_FRONTEND=noninteractive
	updated=0
	if [ -n "$need" ]; then
		say "installing packages: $need"
		$SUDO apt-get update -qq || die "apt-get update failed"
		updated=1
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null ||
			die "apt-get install failed for: $need"
	else
		say "build dependencies already installed"
	fi
	[ "$postgres" = 0 ] || install_postgres
fi

jobs=$(nproc 2>/dev/null || echo 2)

# --- build and install ----------------------------------------------------
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX="$prefix" -DMIGCHECK_TESTS=OFF >/dev/null ||
	die "cmake configuration failed"
cmake --build "$src/build" -j "$jobs" >/dev/null || die "build failed (run 'cmake --build build' to see why)"
$SUDO cmake --install "$src/build" >/dev/null || die "install into $prefix failed"
say "installed $prefix/bin/migcheck"
say "hooks in $prefix/share/migcheck/hooks, man page in $prefix/share/man/man1/migcheck.1"

[ "$run_tests" = 1 ] || exit 0

# --- tests ----------------------------------------------------------------
cmake -S "$src" -B "$src/build-test" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMIGCHECK_WERROR=ON -DMIGCHECK_TESTS=ON >/dev/null || die "cmake configuration of the test build failed"
cmake --build "$src/build-test" -j "$jobs" || die "test build failed"

pgdir=$(mktemp -d /tmp/migcheck-pg.XXXXXX)
trap '"$src/tests/pgserver.sh" stop "$pgdir"' EXIT INT TERM
eval "$("$src/tests/pgserver.sh" start "$pgdir")" || die "cannot start the test PostgreSQL server"
export MIGCHECK_REQUIRE_PG=1 CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
say "test PostgreSQL server: $MIGCHECK_TEST_PG"
# the suite runs with no initdb, postgres or pg_ctl on PATH, as on a
# stock Debian (tests/pg-free-path.sh): links to them cannot hide a bug
pg_free_path=$("$src/tests/pg-free-path.sh" "$pgdir/path") || die "cannot build a PATH without PostgreSQL's server programs"
status=0
(cd "$src/build-test" && PATH=$pg_free_path ctest --output-on-failure -j "$jobs") || status=1
exit $status
