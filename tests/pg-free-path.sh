#!/bin/sh
# pg-free-path.sh: a PATH with no PostgreSQL server programs on it, as on
# a stock Debian or Ubuntu, where initdb, postgres and pg_ctl live only in
# /usr/lib/postgresql/<major>/bin. The test suite runs with it (install.sh
# --test, .ci/run), so that links to them on PATH (this project's own
# machines have some in /usr/local/bin) cannot hide a program that needs
# them there.
#
#   PATH=$(tests/pg-free-path.sh DIR) ctest ...
#
# Each PATH entry that holds initdb, postgres or pg_ctl is replaced by a
# folder in DIR (created) with links to everything else it holds, so the
# other programs there stay reachable; other entries stay as they are.
# Tests that start a server of their own get its folder from
# tests/pgserver.sh (MIGCHECK_TEST_PG_BINDIR), never from PATH.
set -eu
dir=${1:?usage: pg-free-path.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
out=
n=0
old_ifs=$IFS
IFS=:
for d in $PATH; do
	IFS=$old_ifs
	[ -n "$d" ] || continue
	if [ -x "$d/initdb" ] || [ -x "$d/postgres" ] || [ -x "$d/pg_ctl" ]; then
		n=$((n + 1))
		shadow=$dir/path$n
		rm -rf "$shadow"
		mkdir "$shadow"
		for f in "$d"/* "$d"/.[!.]*; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			case ${f##*/} in
			initdb|postgres|postmaster|pg_ctl) continue ;;
			esac
			ln -s "$f" "$shadow/${f##*/}"
		done
		d=$shadow
	fi
	out=${out:+$out:}$d
	IFS=:
done
IFS=$old_ifs
printf '%s\n' "$out"
