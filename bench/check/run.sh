#!/bin/sh
# bench/check/run.sh: 'migcheck check --staged' and 'migcheck log' on a
# repository with 5,000 migrations, 50,000 other files and 20,000 commits,
# against the git commands that do the least equivalent work. Not a test:
# prints ratios (targets from SPEC §8) and peak memory.
#
#   bench/check/run.sh [path/to/migcheck]     (default: build/migcheck)
#
# Needs git, python3, hyperfine and GNU time (/usr/bin/time). The repos are
# generated once under ${BENCH_DIR:-/tmp/migcheck-bench-check} and reused.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
MIGCHECK=${1:-$src/build/migcheck}
case $MIGCHECK in /*) ;; *) MIGCHECK=$(pwd)/$MIGCHECK ;; esac
BENCH_DIR=${BENCH_DIR:-/tmp/migcheck-bench-check}
MIGRATIONS=${MIGRATIONS:-5000}
OTHER=${OTHER:-50000}
COMMITS=${COMMITS:-20000}
FLAT_COMMITS=${FLAT_COMMITS:-200}
RUNS=${RUNS:-20}

for cmd in git python3 hyperfine; do
	command -v $cmd >/dev/null 2>&1 || { echo "run.sh: '$cmd' is needed" >&2; exit 3; }
done
[ -x /usr/bin/time ] || { echo "run.sh: GNU time (/usr/bin/time, Debian package 'time') is needed" >&2; exit 3; }
[ -x "$MIGCHECK" ] || { echo "run.sh: no migcheck binary at '$MIGCHECK' (build first)" >&2; exit 3; }

export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE 2>/dev/null || true

# make_repo DIR COMMITS: generate once, check out, stage one new migration
make_repo () {
	if [ -f "$1/.bench-ready" ]; then
		return 0
	fi
	rm -rf "$1"
	git init -q "$1"
	(
		cd "$1"
		python3 "$here/gen.py" "$2" "$MIGRATIONS" "$OTHER" | git fast-import --quiet
		git gc -q --prune=now
		git reset -q --hard main
		git config -f .migcheck migrations.dir db/migrations
		git config -f .migcheck deploy.ref refs/remotes/origin/main
		git config user.name bench && git config user.email bench@example.com
		# the pre-commit case: one new migration staged
		printf 'CREATE TABLE bench (id int);\n' >db/migrations/29990101000000_bench.up.sql
		printf 'DROP TABLE bench;\n' >db/migrations/29990101000000_bench.down.sql
		git add .migcheck db/migrations
		touch .bench-ready
	)
}

echo "run.sh: generating repositories under $BENCH_DIR (first run only) ..." >&2
mkdir -p "$BENCH_DIR"
big=$BENCH_DIR/big-$COMMITS
flat=$BENCH_DIR/flat-$FLAT_COMMITS
make_repo "$big" "$COMMITS"
make_repo "$flat" "$FLAT_COMMITS"

(cd "$big" && "$MIGCHECK" check --staged >/dev/null) ||
	{ echo "run.sh: 'migcheck check --staged' is not clean on the generated repo" >&2; exit 1; }

json=$BENCH_DIR/results
mkdir -p "$json"
mean () { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }

hf () { # name cmd-a cmd-b (in cwd)
	hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json/$1.json" "$2" "$3" >"$json/$1.txt" 2>&1 ||
		hyperfine --warmup 3 --runs "$RUNS" --export-json "$json/$1.json" "$2" "$3" >"$json/$1.txt"
}

cd "$big"
hf staged "$MIGCHECK check --staged" \
	"sh -c 'git diff --cached --name-only >/dev/null && git ls-tree -r refs/remotes/origin/main -- db/migrations >/dev/null'"
hf log "$MIGCHECK log" "git log --name-status -- db/migrations"
cd "$flat"
hf flat "$MIGCHECK check --staged" \
	"sh -c 'git diff --cached --name-only >/dev/null && git ls-tree -r refs/remotes/origin/main -- db/migrations >/dev/null'"

rss () { # prints peak RSS in MB of a command run in cwd
	/usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident set size/ { printf "%.1f", $6 / 1024 }'
}
cd "$big"
rss_check=$(rss "$MIGCHECK" check --staged)
rss_log=$(rss "$MIGCHECK" log)

s_mc=$(mean "$json/staged.json" 0); s_git=$(mean "$json/staged.json" 1)
l_mc=$(mean "$json/log.json" 0); l_git=$(mean "$json/log.json" 1)
f_mc=$(mean "$json/flat.json" 0)

python3 - "$s_mc" "$s_git" "$f_mc" "$l_mc" "$l_git" "$rss_check" "$rss_log" "$COMMITS" "$FLAT_COMMITS" <<'PY'
import sys
s_mc, s_git, f_mc, l_mc, l_git, rss_c, rss_l = (float(x) for x in sys.argv[1:8])
big, flat = sys.argv[8], sys.argv[9]
def row(name, a, b, target):
    r = a / b
    print("%-44s %8.1f ms %8.1f ms  %5.2fx  (target <= %.1fx) %s" % (name, a * 1e3, b * 1e3, r, target, "ok" if r <= target else "MISSED"))
print("%-44s %11s %11s  %6s" % ("measure", "migcheck", "baseline", "ratio"))
row("check --staged vs diff --cached + ls-tree", s_mc, s_git, 1.5)
row("check --staged: %s commits vs %s (flat)" % (big, flat), s_mc, f_mc, 1.1)
row("log vs git log --name-status -- dir", l_mc, l_git, 1.0)
for name, v in (("peak RSS check --staged", rss_c), ("peak RSS log", rss_l)):
    print("%-44s %8.1f MB %22s (target < 50 MB) %s" % (name, v, "", "ok" if v < 50 else "MISSED"))
PY
