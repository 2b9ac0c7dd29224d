#!/bin/sh
# Identity as each tool defines it (README "Identity"): renames, shared
# version prefixes, double dots and up-only renames, judged by what the
# tool records of a migration it ran.
. "$(dirname "$0")/lib.sh"

# repo FORMAT: a repository whose migrations folder is db/migrations,
# deployed at origin/main once deploy is called.
repo () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck migrations.format "$1" &&
	git config -f .migcheck deploy.ref refs/remotes/origin/main
}

deploy () {
	commit_all "${1:-release}" && git update-ref refs/remotes/origin/main HEAD
}

sections () { # sections MARKER-UP MARKER-DOWN TABLE
	printf '%s\nCREATE TABLE %s (id int);\n\n%s\nDROP TABLE %s;\n' "$1" "$3" "$2" "$3"
}

goose () { sections '-- +goose Up' '-- +goose Down' "$1"; }
dbmate () { sections '-- migrate:up' '-- migrate:down' "$1"; }
sqlm () { sections '-- +migrate Up' '-- +migrate Down' "$1"; }

clean_check () {
	"$MIGCHECK" check --staged >out 2>&1 || { cat out; return 1; }
	expect_equal out 'check: 0 errors, 0 warnings'
}

# list_err CODE: list, its stderr without the note on deploy refs in err
list_err () {
	expect_code "$1" "$MIGCHECK" list >out 2>err.all &&
	grep -v '^note: deploy ref' err.all >err || :
}

# --- golang-migrate: the version; up and down meet by version -------------

gm_repo () {
	repo golang-migrate &&
	write_migration 001_init.up.sql 'CREATE TABLE t (id int);' &&
	write_migration 001_init.down.sql 'DROP TABLE t;' &&
	write_migration 002_more.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 002_more.down.sql 'DROP TABLE u;' &&
	deploy
}

gm_up_only_rename () {
	gm_repo &&
	git mv db/migrations/002_more.up.sql db/migrations/002_users.up.sql &&
	clean_check &&
	"$MIGCHECK" list >list 2>&1 &&
	expect_grep '^  002      users  yes  yes ' list
}
run_test 'golang-migrate: renaming only the up keeps the version: no finding, no missing-down, the pair holds' gm_up_only_rename

gm_rename_pair_and_edit () {
	gm_repo &&
	git mv db/migrations/002_more.up.sql db/migrations/002_users.up.sql &&
	git mv db/migrations/002_more.down.sql db/migrations/002_users.down.sql &&
	clean_check &&
	write_migration 002_users.up.sql 'CREATE TABLE u (id bigint);' && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/002_users.up.sql:1: error: deployed migration 'db/migrations/002_users.up.sql' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git mv -- db/migrations/002_users.up.sql db/migrations/002_more.up.sql && git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/002_more.up.sql) and write the change as a new migration
check: 1 error, 0 warnings"
}
run_test 'golang-migrate: a renamed pair that keeps its version is clean, an edit in it is modified-deployed' gm_rename_pair_and_edit

gm_version_change () {
	gm_repo &&
	git mv db/migrations/002_more.up.sql db/migrations/003_more.up.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/003_more.up.sql: error: deployed migration 'db/migrations/002_more.up.sql' was renamed to 'db/migrations/003_more.up.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/003_more.up.sql db/migrations/002_more.up.sql) and write any change as a new migration
check: 1 error, 0 warnings"
}
run_test 'golang-migrate: a rename that changes the version is renamed-deployed, and only that' gm_version_change

gm_double_dot () {
	gm_repo &&
	git mv db/migrations/002_more.up.sql db/migrations/002_more..up.sql &&
	clean_check &&
	"$MIGCHECK" list >list 2>&1 &&
	expect_grep '^  002      more\.  yes  yes ' list
}
run_test 'golang-migrate: a double dot is part of the name (002_more..up.sql is 002 up): the rename keeps the version' gm_double_dot

gm_duplicate_up () {
	gm_repo &&
	write_migration 2_other.up.sql 'CREATE TABLE o (id int);' && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/2_other.up.sql:1: error: version 2 of 'db/migrations/2_other.up.sql' is already used by 'db/migrations/002_more.up.sql' \[duplicate-version\]$" out
}
run_test 'golang-migrate: a second up of version 2 (002 is 2 to it) is duplicate-version' gm_duplicate_up

# --- goose: the version only -------------------------------------------------

goose_rename () {
	repo goose &&
	write_migration 20240101000000_users.sql "$(goose users)" &&
	write_migration 20240102000000_posts.sql "$(goose posts)" &&
	deploy &&
	git mv db/migrations/20240101000000_users.sql db/migrations/20240101000000_create_users.sql &&
	clean_check &&
	git mv db/migrations/20240102000000_posts.sql db/migrations/20240103000000_posts.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/20240103000000_posts.sql: error: deployed migration 'db/migrations/20240102000000_posts.sql' was renamed to 'db/migrations/20240103000000_posts.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/20240103000000_posts.sql db/migrations/20240102000000_posts.sql) and write any change as a new migration
check: 1 error, 0 warnings"
}
run_test 'goose: a rename that keeps the version is nothing to goose; one that changes it is renamed-deployed' goose_rename

goose_duplicate () {
	repo goose &&
	write_migration 20240101000000_users.sql "$(goose users)" &&
	deploy &&
	write_migration 20240101000000_again.sql "$(goose again)" && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/20240101000000_again.sql:1: error: version 20240101000000 of 'db/migrations/20240101000000_again.sql' is already used by 'users' \[duplicate-version\]$" out
}
run_test 'goose: two files of one version are duplicate-version (goose refuses them)' goose_duplicate

# --- dbmate: the version, digits as written ---------------------------------

dbmate_rename () {
	repo dbmate &&
	write_migration 20240101000000_users.sql "$(dbmate users)" &&
	deploy &&
	git mv db/migrations/20240101000000_users.sql db/migrations/20240101000000_create_users.sql &&
	clean_check
}
run_test 'dbmate: a rename that keeps the version is nothing to dbmate' dbmate_rename

dbmate_digits () {
	repo dbmate &&
	write_migration 001_a.sql "$(dbmate a)" &&
	write_migration 1_b.sql "$(dbmate b)" &&
	write_migration 002_c.sql "$(dbmate c)" &&
	write_migration 002_d.sql "$(dbmate d)" &&
	list_err 1 &&
	expect_equal err "db/migrations/002_c.sql: error: version 002 is used by 2 migrations, also by 'db/migrations/002_d.sql' [duplicate-version]
db/migrations/002_d.sql: error: version 002 is used by 2 migrations, also by 'db/migrations/002_c.sql' [duplicate-version]
list: 2 errors, 0 warnings"
}
dbmate_digits_check () {
	repo dbmate &&
	write_migration 001_a.sql "$(dbmate a)" &&
	deploy &&
	write_migration 1_b.sql "$(dbmate b)" && git add -A &&
	clean_check &&
	"$MIGCHECK" list >out 2>/dev/null &&
	expect_grep '^  001      a ' out && expect_grep '^  1        b ' out &&
	[ "$(grep -n '  a ' out | cut -d: -f1)" -lt "$(grep -n '  b ' out | cut -d: -f1)" ] &&
	write_migration 0009_c.sql "$(dbmate c)" && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/0009_c.sql:1: error: new migration 0009 sorts before the highest deployed version 001 [out-of-order]
    to fix: renumber it above 001 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'dbmate: 001 and 1 are two versions to dbmate (it keeps the digits), 002 twice is duplicate-version' dbmate_digits
run_test 'dbmate: a new 1 beside a deployed 001 is a later migration (dbmate sorts the digits as text); 0009 sorts before 001' dbmate_digits_check

# --- popx: the version, per dialect ------------------------------------------

popx_rename () {
	repo popx &&
	write_migration 20240101000000000000_users.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 20240101000000000000_users.down.sql 'DROP TABLE u;' &&
	write_migration 20240102000000000000_posts.postgres.up.sql 'CREATE TABLE p (id int);' &&
	write_migration 20240102000000000000_posts.postgres.down.sql 'DROP TABLE p;' &&
	deploy &&
	git mv db/migrations/20240101000000000000_users.up.sql db/migrations/20240101000000000000_identities.up.sql &&
	clean_check &&
	git reset -q --hard &&
	git mv db/migrations/20240102000000000000_posts.postgres.up.sql db/migrations/20240102000000000000_posts.up.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/20240102000000000000_posts.up.sql: error: deployed migration 'db/migrations/20240102000000000000_posts.postgres.up.sql' was renamed to 'db/migrations/20240102000000000000_posts.up.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/20240102000000000000_posts.up.sql db/migrations/20240102000000000000_posts.postgres.up.sql) and write any change as a new migration
check: 1 error, 0 warnings"
}
run_test 'popx: renaming an up that keeps version and dialect is nothing to popx; dropping the dialect is renamed-deployed' popx_rename

popx_double_dot () {
	repo popx &&
	write_migration 20240101000000000000_users.up.sql 'CREATE TABLE u (id int);' &&
	write_migration 20240101000000000000_users.down.sql 'DROP TABLE u;' &&
	write_migration 20240102000000000000_user.roles.up.sql 'CREATE TABLE r (id int);' &&
	write_migration 20240102000000000000_user.roles.down.sql 'DROP TABLE r;' &&
	list_err 0 &&
	expect_equal err "db/migrations/20240102000000000000_user.roles.down.sql: warning: popx never runs this file: its name holds a dot (popx reads '.{dialect}' there and skips a dialect it does not know) [unknown-file]
db/migrations/20240102000000000000_user.roles.up.sql: warning: popx never runs this file: its name holds a dot (popx reads '.{dialect}' there and skips a dialect it does not know) [unknown-file]
list: 0 errors, 2 warnings" &&
	expect_no_grep 'roles' out
}
run_test 'popx: a dot in the name is a dialect to popx, which skips the file: unknown-file, not a migration' popx_double_dot

# --- Flyway: version and description -----------------------------------------

flyway_rename () {
	repo flyway &&
	git config -f .migcheck migrations.dir sql &&
	write_migration sql/V1__add_users.sql 'CREATE TABLE u (id int);' &&
	write_migration sql/V2__posts.sql 'CREATE TABLE p (id int);' &&
	deploy &&
	git mv sql/V1__add_users.sql 'sql/V1__add users.sql' &&
	clean_check &&
	git mv sql/V2__posts.sql sql/V2__create_posts.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "sql/V2__create_posts.sql: error: deployed migration 'sql/V2__posts.sql' was renamed to 'sql/V2__create_posts.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- sql/V2__create_posts.sql sql/V2__posts.sql) and write any change as a new migration
check: 1 error, 0 warnings"
}
run_test 'flyway: a rename keeping version and description (_ is a space) is clean; a new description is renamed-deployed, not duplicate-version' flyway_rename

flyway_duplicate () {
	repo flyway &&
	git config -f .migcheck migrations.dir sql &&
	write_migration sql/V1__a.sql 'CREATE TABLE a (id int);' &&
	write_migration sql/V1.0__b.sql 'CREATE TABLE b (id int);' &&
	list_err 1 &&
	expect_grep "^sql/V1.0__b.sql: error: version 1.0 is used by 2 migrations, also by 'sql/V1__a.sql' \\[duplicate-version\\]$" err &&
	expect_grep "^sql/V1__a.sql: error: version 1 is used by 2 migrations, also by 'sql/V1.0__b.sql' \\[duplicate-version\\]$" err &&
	expect_grep '^list: 2 errors, 0 warnings$' err
}
run_test 'flyway: V1 and V1.0 are one version (Flyway refuses them): duplicate-version' flyway_duplicate

flyway_double_dot () {
	repo flyway &&
	git config -f .migcheck migrations.dir sql &&
	write_migration sql/V1__a.sql 'CREATE TABLE a (id int);' &&
	write_migration sql/V1..2__b.sql 'CREATE TABLE b (id int);' &&
	write_migration 'sql/V2__c..sql' 'CREATE TABLE c (id int);' &&
	list_err 1 &&
	expect_equal err "sql/V1..2__b.sql: error: Flyway refuses version '1..2' (an empty part between dots) [malformed]
list: 1 error, 0 warnings" &&
	expect_grep '^  2        c\.    yes ' out
}
run_test 'flyway: a double dot in the version is malformed (Flyway refuses it), in the description it is part of it' flyway_double_dot

# --- sql-migrate: the whole file name ------------------------------------------

sqlm_repo () {
	repo sql-migrate &&
	write_migration 20230222172540-x-uid-1.sql "$(sqlm a)" &&
	write_migration 20230301000000-y.sql "$(sqlm y)" &&
	deploy
}

sqlm_shared_prefix () {
	sqlm_repo &&
	write_migration 20230222172540-x-uid-2.sql "$(sqlm b)" && commit_all 'x-uid-2' &&
	list_err 0 &&
	[ ! -s err ] &&
	expect_grep '^  20230222172540  x-uid-1 ' out &&
	expect_grep '^  20230222172540  x-uid-2 ' out &&
	[ "$(grep -n x-uid-1 out | cut -d: -f1)" -lt "$(grep -n x-uid-2 out | cut -d: -f1)" ] &&
	write_migration 20230301000000-y-2.sql "$(sqlm y2)" && git add -A &&
	clean_check
}
run_test 'sql-migrate: two files sharing a prefix are two migrations (list exit 0, in file name order); a new one sharing the highest deployed prefix is clean' sqlm_shared_prefix

sqlm_rename () {
	sqlm_repo &&
	git mv db/migrations/20230222172540-x-uid-1.sql db/migrations/20230222172540-x-uid.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/20230222172540-x-uid.sql: error: deployed migration 'db/migrations/20230222172540-x-uid-1.sql' was renamed to 'db/migrations/20230222172540-x-uid.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/20230222172540-x-uid.sql db/migrations/20230222172540-x-uid-1.sql) and write any change as a new migration
check: 1 error, 0 warnings"
}
run_test 'sql-migrate: renaming a deployed file is a new migration to it: renamed-deployed only, no duplicate-version against its old name' sqlm_rename

sqlm_order () {
	sqlm_repo &&
	write_migration 20230222172540-a.sql "$(sqlm c)" &&
	write_migration 20230101000000-early.sql "$(sqlm e)" && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/20230101000000-early.sql:1: error: new migration 20230101000000 sorts before the highest deployed version 20230301000000 [out-of-order]
    to fix: renumber it above 20230301000000 (rename the file to a higher version)
db/migrations/20230222172540-a.sql:1: error: new migration 20230222172540 sorts before the highest deployed version 20230301000000 [out-of-order]
    to fix: renumber it above 20230301000000 (rename the file to a higher version)
check: 2 errors, 0 warnings"
}
run_test 'sql-migrate: a new file below the highest deployed prefix is still out-of-order' sqlm_order

# --- Sequelize: the whole file name ----------------------------------------------

seq_repo () {
	repo sequelize &&
	write_migration 20240101000000-create-user.js "module.exports = { up: async () => {}, down: async () => {} };" &&
	deploy
}

seq_shared_and_rename () {
	seq_repo &&
	write_migration 20240101000000-create-post.js "module.exports = { up: async () => {}, down: async () => {} };" &&
	git add -A &&
	"$MIGCHECK" check --staged >out 2>&1 &&
	expect_no_grep 'duplicate-version' out &&
	commit_all second &&
	git mv db/migrations/20240101000000-create-user.js db/migrations/20240101000000-create-users.js &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/20240101000000-create-users.js: error: deployed migration 'db/migrations/20240101000000-create-user.js' was renamed to 'db/migrations/20240101000000-create-users.js' (deployed in refs/remotes/origin/main) \[renamed-deployed\]$" out &&
	expect_no_grep 'duplicate-version' out
}
run_test 'sequelize: one timestamp for two files is fine; a rename is a new migration to SequelizeMeta: renamed-deployed' seq_shared_and_rename

# --- plain: ours, the stricter reading ----------------------------------------------

plain_rules () {
	repo plain &&
	write_migration 001_init.sql 'CREATE TABLE t (id int);' &&
	deploy &&
	git mv db/migrations/001_init.sql db/migrations/001_create.sql &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_equal out "db/migrations/001_create.sql: error: deployed migration 'db/migrations/001_init.sql' was renamed to 'db/migrations/001_create.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/migrations/001_create.sql db/migrations/001_init.sql) and write any change as a new migration
check: 1 error, 0 warnings" &&
	git reset -q --hard &&
	write_migration 001_other.sql 'CREATE TABLE o (id int);' && git add -A &&
	expect_code 1 "$MIGCHECK" check --staged >out &&
	expect_grep "^db/migrations/001_other.sql:1: error: version 001 of 'db/migrations/001_other.sql' is already used by 'db/migrations/001_init.sql' \[duplicate-version\]$" out
}
run_test 'plain: a rename that keeps the version is renamed-deployed, a shared version duplicate-version' plain_rules

finish
