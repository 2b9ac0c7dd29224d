#!/bin/sh
# examples/make-demo.sh DIR: build the example shop of the README's tour as
# a git repository in DIR (which must not exist yet):
#
#   v1.0.0  Create users and products                 (released, tagged)
#           products: index the name column           edits a released migration
#           orders: create the orders table           a good new migration
#           users: add a phone number                 its down script forgets the column
#
# and, when the sqlite3 command is there, DIR/staging.db: a database as the
# v1.0.0 deploy left it, plus a table that Sequelize's sync() created and no
# migration knows. The commits have fixed dates, so the hashes are stable.
set -eu

usage="usage: examples/make-demo.sh DIR"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
case $1 in -h|--help) echo "$usage"; exit 0 ;; esac
src=$(cd "$(dirname "$0")" && pwd)
dir=$1
[ ! -e "$dir" ] || { echo "make-demo.sh: '$dir' already exists; name a new directory" >&2; exit 2; }
command -v git >/dev/null 2>&1 || { echo "make-demo.sh: git is not installed" >&2; exit 3; }

mkdir -p "$dir"
cd "$dir"
git init -q
git symbolic-ref HEAD refs/heads/main
export GIT_AUTHOR_NAME='Ada Shop' GIT_AUTHOR_EMAIL='ada@shop.example'
export GIT_COMMITTER_NAME='Ada Shop' GIT_COMMITTER_EMAIL='ada@shop.example'
day=0
commit () {
	day=$((day + 1))
	GIT_AUTHOR_DATE="2024-03-$(printf %02d "$day")T10:00:00Z"
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
	git add -A
	git -c commit.gpgsign=false commit -q -m "$1"
}
put () { # put FILE [FROM]: copy examples/FROM/FILE (default shop) here
	mkdir -p "$(dirname "$1")"
	cp "$src/${2:-shop}/$1" "$1"
}
m=db/migrations

for f in .migcheck .gitignore package.json models/product.js \
	$m/20240101090000_create_users.up.sql $m/20240101090000_create_users.down.sql \
	$m/20240110090000_create_products.down.sql; do
	put "$f"
done
put models/user.js released
put $m/20240110090000_create_products.up.sql released
commit 'Create users and products'
git -c tag.gpgsign=false tag -a v1.0.0 -m 'Release 1.0.0'

put $m/20240110090000_create_products.up.sql
commit 'products: index the name column'

put $m/20240301090000_create_orders.up.sql
put $m/20240301090000_create_orders.down.sql
put models/order.js
commit 'orders: create the orders table'

put $m/20240315090000_add_user_phone.up.sql
put $m/20240315090000_add_user_phone.down.sql
put models/user.js
commit 'users: add a phone number'

if command -v sqlite3 >/dev/null 2>&1; then
	{
		git show v1.0.0:$m/20240101090000_create_users.up.sql
		git show v1.0.0:$m/20240110090000_create_products.up.sql
		echo 'CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, dirty INTEGER NOT NULL);'
		echo 'INSERT INTO schema_migrations VALUES (20240110090000, 0);'
		echo '-- Sequelize sync() in a dev console, long ago'
		echo 'CREATE TABLE sessions (sid VARCHAR(36) PRIMARY KEY, data TEXT, expires TIMESTAMP);'
	} | sqlite3 staging.db
fi
echo "make-demo.sh: the example shop is in $dir" >&2
