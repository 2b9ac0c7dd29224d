#!/bin/sh
# log: who added each migration, the first release holding it, later edits.
. "$(dirname "$0")/lib.sh"

history_repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	commit_all 'create t' && git tag v1.0 &&
	write_migration docs/README.md 'not a migration' &&
	commit_all 'unrelated' &&
	write_migration 002_u.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_u.down.sql 'DROP TABLE u;' &&
	commit_all 'create u' && git update-ref refs/remotes/origin/main HEAD &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id bigint);' &&
	commit_all 'widen t.id'
}

log_text () {
	history_repo &&
	"$MIGCHECK" log >out &&
	sha1=$(git rev-parse HEAD~3) && sha4=$(git rev-parse HEAD) &&
	expect_equal out "db/migrations/001_init.down.sql
  released  refs/tags/v1.0
  added     $(echo $sha1 | cut -c1-10) 2024-01-01T00:01:00Z A U Thor <author@example.com>  create t
db/migrations/001_init.up.sql
  released  refs/tags/v1.0
  added     $(echo $sha1 | cut -c1-10) 2024-01-01T00:01:00Z A U Thor <author@example.com>  create t
  modified  $(echo $sha4 | cut -c1-10) 2024-01-01T00:04:00Z A U Thor <author@example.com>  widen t.id
db/migrations/002_u.down.sql
  released  refs/remotes/origin/main
  added     $(git rev-parse HEAD~1 | cut -c1-10) 2024-01-01T00:03:00Z A U Thor <author@example.com>  create u
db/migrations/002_u.up.sql
  released  refs/remotes/origin/main
  added     $(git rev-parse HEAD~1 | cut -c1-10) 2024-01-01T00:03:00Z A U Thor <author@example.com>  create u"
}
run_test 'log shows adding commit, first release and later edits' log_text

log_json () {
	history_repo &&
	"$MIGCHECK" --format json log >out.json &&
	[ "$(jq -r '.migrations[1].file' out.json)" = db/migrations/001_init.up.sql ] &&
	[ "$(jq -r '.migrations[1].added.subject' out.json)" = 'create t' ] &&
	[ "$(jq -r '.migrations[1].added.commit' out.json)" = "$(git rev-parse HEAD~3)" ] &&
	[ "$(jq -r '.migrations[1].released' out.json)" = refs/tags/v1.0 ] &&
	[ "$(jq -r '.migrations[1].edits[0].subject' out.json)" = 'widen t.id' ] &&
	[ "$(jq -r '.migrations[1].deleted' out.json)" = null ] &&
	[ "$(jq -r '.migrations[2].released' out.json)" = refs/remotes/origin/main ]
}
run_test 'log --format json carries the same data' log_json

log_deleted_and_merge () {
	history_repo &&
	git checkout -q -b side HEAD~1 &&
	write_migration 003_side.up.sql 'CREATE TABLE s (id int);' && commit_all 'side migration' &&
	git checkout -q main && test_tick && git merge -q --no-edit side &&
	git rm -q db/migrations/002_u.down.sql && commit_all 'drop down' &&
	"$MIGCHECK" --format json log >out.json &&
	[ "$(jq -r '.migrations[] | select(.file == "db/migrations/003_side.up.sql") | .added.subject' out.json)" = 'side migration' ] &&
	[ "$(jq -r '.migrations[] | select(.file == "db/migrations/003_side.up.sql") | .edits | length' out.json)" = 0 ] &&
	[ "$(jq -r '.migrations[] | select(.file == "db/migrations/002_u.down.sql") | .deleted.subject' out.json)" = 'drop down' ]
}
run_test 'merges do not count as edits; deletions are recorded' log_deleted_and_merge

# The first release is found from the walk's own tree reads where it can,
# and by reading the release's tree where the walk never reads it (a tag
# off the walked line); files only a release holds, and documentation in
# the folder, are not migrations of the log.
log_release_off_line () {
	init_repo && git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main &&
	write_migration 001_a.up.sql 'CREATE TABLE a (id int);' && commit_all 'a' &&
	git checkout -q -b hotfix &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' &&
	write_migration 009_only_hotfix.up.sql 'CREATE TABLE h (id int);' &&
	write_migration README.md 'how to write migrations' &&
	commit_all 'hotfix b' && git tag v0.9-hotfix &&
	git checkout -q main &&
	write_migration 002_b.up.sql 'CREATE TABLE b (id int);' && commit_all 'b again' &&
	git tag v1.0 &&
	write_migration 003_c.up.sql 'CREATE TABLE c (id int);' && commit_all 'c' &&
	git update-ref refs/remotes/origin/main HEAD &&
	write_migration 004_d.up.sql 'CREATE TABLE d (id int);' && commit_all 'd' &&
	"$MIGCHECK" --format json log >out.json &&
	[ "$(jq -r '[.migrations[].file] | join(" ")' out.json)" = 'db/migrations/001_a.up.sql db/migrations/002_b.up.sql db/migrations/003_c.up.sql db/migrations/004_d.up.sql' ] &&
	[ "$(jq -r '[.migrations[].released] | map(. // "none") | join(" ")' out.json)" = 'refs/tags/v0.9-hotfix refs/tags/v0.9-hotfix refs/remotes/origin/main none' ]
}
run_test 'a release off the walked line; files only a release holds are left out' log_release_off_line

# A shallow clone lacks the history log walks: exit 3 with the fetch that
# brings it, never a partial log; once unshallowed it matches the origin.
log_shallow () {
	mkdir origin && cd origin && history_repo && "$MIGCHECK" log >../full.out && cd .. &&
	git clone -q --depth 1 "file://$PWD/origin" clone && cd clone &&
	expect_code 3 "$MIGCHECK" log >out 2>err &&
	expect_equal err "migcheck: history is missing in this shallow clone; fetch it with 'git fetch --unshallow'" &&
	[ ! -s out ] &&
	git fetch -q --unshallow && git update-ref refs/remotes/origin/main "$(git -C ../origin rev-parse refs/remotes/origin/main)" &&
	git fetch -q origin 'refs/tags/*:refs/tags/*' &&
	"$MIGCHECK" log >out &&
	expect_equal out "$(cat ../full.out)"
}
run_test 'log in a shallow clone: exit 3 with the fetch, then the full log' log_shallow

log_empty () {
	init_repo && git config -f .migcheck migrations.dir db/migrations &&
	"$MIGCHECK" log >out &&
	expect_equal out 'no migrations in the history'
}
run_test 'log in a repository without commits' log_empty

finish
