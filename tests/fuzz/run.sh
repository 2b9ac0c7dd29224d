#!/bin/sh
# run.sh: build the libFuzzer targets with clang and run each for a while.
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]     (default: 60 s, all targets)
#
# TARGET is a name from tests/fuzz/fuzz_<name>.c (sql_split, migration, ...);
# they run one after the other, SECONDS each.
# Builds in build-fuzz/ (address,undefined sanitizers), fuzzes from a copy
# of the seed corpus in build-fuzz/corpus-<target>/ with the target's
# dictionary, and leaves crashing inputs in build-fuzz/artifacts/. A crash
# makes the script exit 1: add the input to tests/fuzz/corpus/<target>/,
# fix the bug, and the replay test keeps it fixed.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
all=$(cd "$src/tests/fuzz" && for f in fuzz_*.c; do f=${f#fuzz_}; printf '%s ' "${f%.c}"; done)
targets=${*:-$all}
build=$src/build-fuzz

command -v clang >/dev/null 2>&1 || {
	echo "run.sh: clang not found: install the Debian packages 'clang' and 'libclang-rt-dev'" >&2
	exit 3
}
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DMIGCHECK_FUZZ=ON -DMIGCHECK_SANITIZE=address,undefined >/dev/null
mkdir -p "$build/artifacts"
status=0
failed=
for t in $targets; do
	[ -f "$src/tests/fuzz/fuzz_$t.c" ] || { echo "run.sh: no target '$t' (have: $all)" >&2; exit 2; }
	cmake --build "$build" -j2 --target "fuzz_$t" >/dev/null
	mkdir -p "$build/corpus-$t"
	dict=
	[ -f "$src/tests/fuzz/$t.dict" ] && dict=-dict=$src/tests/fuzz/$t.dict
	echo "== fuzz_$t for ${secs}s"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0 \
		"$build/tests/fuzz/fuzz_$t" $dict \
		-max_total_time="$secs" -max_len=65536 -timeout=10 \
		-artifact_prefix="$build/artifacts/" -print_final_stats=1 \
		"$build/corpus-$t" "$src/tests/fuzz/corpus/$t" || {
		status=1
		failed="$failed $t"
	}
done
[ -z "$failed" ] || echo "run.sh: crashed:$failed (inputs in $build/artifacts/)" >&2
exit $status
