#!/bin/sh
# valgrind.sh: the end-to-end suite under valgrind's memcheck.
#
#   tests/valgrind.sh [BUILD_DIR] [-- CTEST_ARGS...]
#
# Configures a build of its own (default build-valgrind; Debug, no
# sanitizers) whose e2e tests run migcheck through tests/valgrind-wrap.sh,
# builds the migcheck binary, runs `ctest -L e2e` there and fails when
# any test fails or any migcheck process reported a memcheck error or a
# definite leak (--leak-check=full; suppressions for third-party
# libraries only, in tests/valgrind.supp). PostgreSQL tests need
# MIGCHECK_TEST_PG (tests/pgserver.sh), as for the normal suite.
#
# Exit status: 0 clean, 1 a test failed or valgrind found errors,
# 3 a step (configure, build, valgrind missing) failed.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build-valgrind
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	build=$1
	shift
fi
[ "${1:-}" = -- ] && shift

command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind.sh: valgrind not found: install the Debian package 'valgrind'" >&2
	exit 3
}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DMIGCHECK_WERROR=ON \
	-DMIGCHECK_SANITIZE= -DMIGCHECK_TESTS=ON \
	-DMIGCHECK_E2E_WRAPPER="$src/tests/valgrind-wrap.sh" >/dev/null ||
	{ echo "valgrind.sh: cmake configuration failed" >&2; exit 3; }
cmake --build "$build" -j "$jobs" --target migcheck >/dev/null ||
	{ echo "valgrind.sh: build failed" >&2; exit 3; }

MIGCHECK_VALGRIND_LOGS=$build/valgrind-logs
export MIGCHECK_VALGRIND_LOGS
rm -rf "$MIGCHECK_VALGRIND_LOGS"
mkdir -p "$MIGCHECK_VALGRIND_LOGS"

status=0
start=$(date +%s)
(cd "$build" && ctest --output-on-failure -j "$jobs" -L e2e "$@") || status=1
end=$(date +%s)

runs=$(find "$MIGCHECK_VALGRIND_LOGS" -name 'vg.*.log' | wc -l)
bad=$(find "$MIGCHECK_VALGRIND_LOGS" -name 'vg.*.log' -size +0 | sort)
if [ -n "$bad" ]; then
	status=1
	for f in $bad; do
		echo "== valgrind: $f"
		cat "$f"
	done
fi
nbad=$(printf '%s' "$bad" | grep -c . || true)
echo "valgrind.sh: $runs migcheck runs under memcheck in $((end - start)) s, $nbad with errors"
exit $status
