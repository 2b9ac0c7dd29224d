#!/bin/sh
# bench/releases/run.sh: recall and precision of migcheck's "edited after
# release" findings over the consecutive releases of real repositories.
# Not a test: prints a table per repository and overall (bench/README.md).
#
#   bench/releases/run.sh [--max-pairs N] [--family PREFIX] [--prereleases] repo...
#
# repo: a URL or path of a git repository (bare or not), or NAME=SOURCE; each
# is cloned afresh under ${BENCH_DIR:-/tmp/migcheck-bench-releases}.
# MIGCHECK=path picks the binary (default build/migcheck). Needs git >= 2.36
# and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for cmd in git python3; do
	command -v $cmd >/dev/null 2>&1 || { echo "run.sh: '$cmd' is needed" >&2; exit 3; }
done
exec python3 "$here/releases.py" "$@"
