#!/bin/sh
# valgrind-wrap.sh: stands in for the migcheck binary in the end-to-end
# tests when tests/valgrind.sh runs them (the build's e2e tests get
# MIGCHECK=this script and MIGCHECK_WRAPPED=the real binary).
#
# Memcheck errors and definite leaks make the process exit 97, a status
# migcheck itself never uses, so that a test expecting exit 1 (findings)
# cannot mistake a memory error for a finding. Every process also writes
# its report to $MIGCHECK_VALGRIND_LOGS/vg.PID.log; tests/valgrind.sh
# fails the run if any of them is not empty (this catches processes whose
# status a test does not look at, e.g. ones it kills on purpose).
# --vgdb=no: no gdbserver FIFOs in $TMPDIR, which tests watch for
# leftovers (and for the scratch directory to appear).
: "${MIGCHECK_WRAPPED:?set MIGCHECK_WRAPPED to the migcheck binary}"
logs=${MIGCHECK_VALGRIND_LOGS:-/tmp/migcheck-valgrind-logs}
mkdir -p "$logs"
# by MIGCHECK_SRC (ctest sets it): tests copy this script elsewhere
supp=${MIGCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/valgrind.supp
exec valgrind -q --tool=memcheck --error-exitcode=97 \
	--leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--track-origins=no --child-silent-after-fork=yes --num-callers=30 \
	--vgdb=no \
	--suppressions="$supp" \
	--log-file="$logs/vg.%p.log" \
	"$MIGCHECK_WRAPPED" "$@"
