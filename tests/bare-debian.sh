#!/bin/sh
# bare-debian.sh: migcheck on a bare Debian 12 root, as a new user gets it
# with only the README's commands (by hand, not part of CI; needs root,
# debootstrap and the Debian mirror).
#
#   tests/bare-debian.sh DIR [--test]
#
# Makes DIR a minbase bookworm root (debootstrap, once), clones this
# repository's HEAD into DIR/root/migcheck, runs ./install.sh (and
# ./install.sh --test with --test) in a chroot with a clean environment,
# then checks that no system PostgreSQL cluster was created, that
# createcluster.conf is as the package left it, and that 'migcheck
# roundtrip' in a postgres-dialect repository with no server configured
# passes, as root and as an unprivileged user. Local CA certificates
# (/usr/local/share/ca-certificates, e.g. a TLS-inspecting proxy's) are
# copied in so that apt and npm reach their registries.
set -eu
root=${1:?usage: tests/bare-debian.sh DIR [--test]}
mode=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bare-debian.sh: run as root" >&2; exit 3; }
command -v debootstrap >/dev/null 2>&1 ||
	{ echo "bare-debian.sh: apt-get install debootstrap" >&2; exit 3; }

[ -f "$root/etc/debian_version" ] ||
	debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian

umount_all () {
	for m in sys dev/pts dev proc; do
		umount "$root/$m" 2>/dev/null || true
	done
}
trap umount_all EXIT INT TERM
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t sysfs sys "$root/sys"
cp /etc/resolv.conf "$root/etc/resolv.conf"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	chroot "$root" sh -c 'command -v update-ca-certificates >/dev/null && update-ca-certificates >/dev/null' || true
fi
rm -rf "$root/root/migcheck"
git clone -q "$src" "$root/root/migcheck"

in_root () {
	chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
		sh -c "$1"
}

echo "== ./install.sh"
in_root 'cd /root/migcheck && ./install.sh'
if [ "$mode" = --test ]; then
	echo "== ./install.sh --test"
	in_root 'cd /root/migcheck && ./install.sh --test'
fi

echo "== no system cluster, createcluster.conf as packaged"
in_root '[ -z "$(ls -A /etc/postgresql)" ] && pg_lsclusters -h | wc -l | grep -qx 0 &&
	grep -q "^#create_main_cluster = true" /etc/postgresql-common/createcluster.conf &&
	! command -v initdb'

echo "== migcheck roundtrip, no server configured (root, then user dev)"
in_root 'set -e
rm -rf /root/app && mkdir -p /root/app/db/migrations && cd /root/app && git init -q .
git config -f .migcheck migrations.dir db/migrations
git config -f .migcheck migrations.dialect postgres
echo "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);" >db/migrations/001_users.up.sql
echo "DROP TABLE users;" >db/migrations/001_users.down.sql
echo "CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users (id));" >db/migrations/002_posts.up.sql
echo "DROP TABLE posts;" >db/migrations/002_posts.down.sql
migcheck roundtrip
id dev >/dev/null 2>&1 || useradd -m dev
rm -rf /home/dev/app && cp -r /root/app /home/dev/app && chown -R dev /home/dev/app
su dev -c "cd /home/dev/app && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/dev migcheck roundtrip"'
echo "bare-debian.sh: all passed"
