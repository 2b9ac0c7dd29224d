# lib.sh: shared set-up for end-to-end tests (sourced by tNNNN-*.sh).
#
# Each test runs in its own fresh directory under a mktemp -d that is
# removed on exit; output is TAP. Families: 0 CLI, 1 discovery, 2 git
# ranges, 3 sqlite, 4 postgres, 5 hooks.
set -eu

: "${MIGCHECK:?set MIGCHECK to the migcheck binary (ctest does)}"
MIGCHECK_SRC=${MIGCHECK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export MIGCHECK MIGCHECK_SRC

TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/migcheck-e2e.XXXXXX")
trap 'cd /; rm -rf "$TEST_ROOT"' EXIT
# a signal ends the script through its EXIT trap, with the status of a
# process the signal killed (ctest interrupted, a closed terminal)
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

LC_ALL=C TZ=UTC HOME=$TEST_ROOT/home GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
NO_COLOR=1
export LC_ALL TZ HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE NO_COLOR
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE MIGCHECK_DATABASE_URL MIGCHECK_SCRATCH_URL 2>/dev/null || true
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# at_exit CMD: for a script that starts a server or a process of its own.
# CMD (then removing $TEST_ROOT) runs when the script ends, however it
# ends: finish, exit, a failed command, or SIGINT, SIGTERM or SIGHUP (the
# status is then 130, 143 or 129). A second signal does not cut CMD short.
# It replaces the EXIT trap: call it once, after lib.sh and any fixture
# that sets one (CMD should run the fixture's cleanup too).
at_exit () {
	_at_exit_cmd=$1
	trap '_at_exit_run' EXIT
}

_at_exit_run () {
	_at_exit_rc=$?
	trap '' HUP INT TERM
	eval "$_at_exit_cmd" || true
	cd /
	rm -rf "$TEST_ROOT"
	exit "$_at_exit_rc"
}

test_count=0
test_failed=0
test_skipped=0
tick_seconds=0

# test_tick: advance the fixed commit date by one minute.
test_tick () {
	tick_seconds=$((tick_seconds + 60))
	GIT_AUTHOR_DATE="@$((1704067200 + tick_seconds)) +0000"
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# init_repo [dir]: a fresh repository (cwd by default).
init_repo () {
	git init -q "${1:-.}"
}

# write_migration PATH CONTENT: write a file (under db/migrations unless
# PATH has a slash), creating folders. CONTENT is printed with printf %s
# plus a newline.
write_migration () {
	case $1 in
	*/*) _wm_path=$1 ;;
	*) _wm_path=db/migrations/$1 ;;
	esac
	mkdir -p "$(dirname "$_wm_path")"
	printf '%s\n' "$2" >"$_wm_path"
}

# commit_all MSG: add everything and commit with a ticking date.
commit_all () {
	test_tick
	git add -A && git commit -q -m "$1"
}

# expect_code N cmd...: run cmd, fail unless it exits N.
expect_code () {
	_want=$1
	shift
	set +e
	"$@"
	_got=$?
	set -e
	if [ "$_got" != "$_want" ]; then
		echo "# expected exit $_want, got $_got: $*" >&2
		return 1
	fi
	return 0
}

# spawn CMD...: run CMD in the background with SIGINT at its default (a
# non-interactive shell starts background jobs with SIGINT ignored);
# $spawned is its pid.
spawn () {
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$@" &
	spawned=$!
}

# wait_for_file GLOB: up to 30 s for a path matching GLOB to exist.
wait_for_file () {
	_n=0
	while [ $_n -lt 300 ]; do
		for _f in $1; do
			[ -e "$_f" ] && return 0
		done
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "# timed out waiting for $1" >&2
	return 1
}

# expect_grep PATTERN FILE: fail showing FILE when PATTERN is absent.
expect_grep () {
	if ! grep -q -e "$1" "$2"; then
		echo "# pattern not found: $1" >&2
		sed 's/^/# | /' "$2" >&2
		return 1
	fi
}

# expect_no_grep PATTERN FILE
expect_no_grep () {
	if grep -q -e "$1" "$2"; then
		echo "# pattern unexpectedly found: $1" >&2
		sed 's/^/# | /' "$2" >&2
		return 1
	fi
}

# expect_equal FILE EXPECTED-TEXT: exact comparison, showing a diff.
expect_equal () {
	printf '%s\n' "$2" >"$TEST_ROOT/.expected"
	if ! cmp -s "$TEST_ROOT/.expected" "$1"; then
		diff -u "$TEST_ROOT/.expected" "$1" | sed 's/^/# /' >&2
		return 1
	fi
}

# require_pg: skip the test unless MIGCHECK_TEST_PG names a server.
# With MIGCHECK_REQUIRE_PG=1 (CI) a missing server is a failure instead.
require_pg () {
	if [ -z "${MIGCHECK_TEST_PG:-}" ]; then
		if [ "${MIGCHECK_REQUIRE_PG:-0}" = 1 ]; then
			echo "# MIGCHECK_TEST_PG is not set but MIGCHECK_REQUIRE_PG=1" >&2
			exit 1
		fi
		echo "1..0 # SKIP MIGCHECK_TEST_PG not set"
		exit 77
	fi
}

# run_test DESCRIPTION FUNCTION: run FUNCTION in a subshell inside a fresh
# directory; print a TAP line.
run_test () {
	test_count=$((test_count + 1))
	_dir=$TEST_ROOT/t$test_count
	mkdir -p "$_dir"
	if (cd "$_dir" && set -e && "$2") >"$TEST_ROOT/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TEST_ROOT/.out"
	fi
}

# finish: print the plan, exit non-zero when anything failed.
finish () {
	echo "1..$test_count"
	echo "# $((test_count - test_failed)) passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
}

# sequelize_packages: sequelize-cli, sequelize, pg and sqlite3 from npm, as
# tests/fixtures/sequelize's lock file pins them, installed with 'npm ci'
# once into a cache that every build tree of this source tree shares
# (build-npm/<lock hash>-<node ABI>: the plain, ASan and valgrind runs
# install once); sets $sequelize_modules to its node_modules. sqlite3's
# addon is compiled against the headers that come with node
# (npm_config_nodedir), never downloaded. No network is a failure, not a
# skip.
sequelize_packages () {
	_sp_fixture=$MIGCHECK_SRC/tests/fixtures/sequelize
	_sp_key=$(sha256sum <"$_sp_fixture/package-lock.json" | cut -c1-12)-$(node -p process.versions.modules 2>/dev/null)
	_sp_cache=${MIGCHECK_NPM_CACHE:-$MIGCHECK_SRC/build-npm}/$_sp_key
	sequelize_modules=$_sp_cache/node_modules
	_sp_node=$(node -p process.execPath 2>/dev/null) &&
	_sp_nodedir=${_sp_node%/bin/node} &&
	if [ -f "$_sp_nodedir/include/node/node.h" ]; then
		npm_config_nodedir=$_sp_nodedir
		export npm_config_nodedir
	fi
	mkdir -p "$_sp_cache" &&
	(
		flock 9 &&
		if [ -x "$_sp_cache/node_modules/.bin/sequelize-cli" ] &&
		   cmp -s "$_sp_fixture/package-lock.json" "$_sp_cache/package-lock.json"; then
			exit 0
		fi &&
		cp "$_sp_fixture/package.json" "$_sp_fixture/package-lock.json" "$_sp_cache/" &&
		cd "$_sp_cache" &&
		npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1 || {
			echo "# npm ci failed in $_sp_cache:" >&2
			sed 's/^/# /' npm.log >&2
			exit 1
		}
	) 9>"$_sp_cache.lock"
}
