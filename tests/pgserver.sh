#!/bin/sh
# pgserver.sh: a throw-away PostgreSQL server for the test suite.
#
#   eval "$(tests/pgserver.sh start DIR)"   # prints export lines
#   tests/pgserver.sh stop DIR
#
# The cluster lives in DIR (created), listens only on a unix socket in
# DIR, runs with fsync off, and as the 'postgres' user when started by
# root (PostgreSQL refuses to run as root).
set -eu

# the distribution's folder first (Debian, Ubuntu: not on PATH), then PATH
pg_bindir () {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return
	fi
	echo "pgserver.sh: initdb not found: install the Debian package 'postgresql'" >&2
	exit 3
}

as_owner () {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cmd=${1:?usage: pgserver.sh start|stop DIR}
dir=${2:?usage: pgserver.sh start|stop DIR}
bindir=$(pg_bindir)

case $cmd in
start)
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || {
			echo "pgserver.sh: running as root needs a 'postgres' user (apt-get install postgresql)" >&2
			exit 3
		}
		chown postgres "$dir"
		chmod 755 "$dir"
	fi
	as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 3
	}
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 3
	}
	echo "export MIGCHECK_TEST_PG='host=$dir port=5432 user=postgres dbname=postgres'"
	echo "export MIGCHECK_TEST_PG_BINDIR='$bindir'"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: pgserver.sh start|stop DIR" >&2
	exit 2
	;;
esac
