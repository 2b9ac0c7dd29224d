#!/bin/sh
# Hostile repository: a case-only rename of a deployed migration
# (001_t -> 001_T). git on a case-sensitive file system records it as a
# rename, seen in every mode. Whether it matters is the tool's identity
# (README "Identity"): golang-migrate records version 1 only, so the rename
# is nothing to a database that ran it; sql-migrate records the file name,
# so 001_T.sql is a new migration to it: renamed-deployed. log shows the
# old path deleted and the new one added. Peak RSS bound 32 MB (measured
# ~14 MB).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

RSS_MAX=32768
CLEAN="check: 0 errors, 0 warnings"
RENAMED="db/001_T.sql: error: deployed migration 'db/001_t.sql' was renamed to 'db/001_T.sql' (deployed in refs/remotes/origin/main) [renamed-deployed]
    to fix: give it its released name back (git mv -- db/001_T.sql db/001_t.sql) and write any change as a new migration
check: 1 error, 0 warnings"

case_repo () {
	init_repo && t73_config db &&
	write_migration db/001_t.up.sql 'CREATE TABLE t (id int);' &&
	write_migration db/001_t.down.sql 'DROP TABLE t;' &&
	commit_all one && deploy &&
	git mv db/001_t.up.sql db/001_T.up.sql &&
	git mv db/001_t.down.sql db/001_T.down.sql
}

case_staged () {
	case_repo &&
	measure 0 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged && expect_equal out "$CLEAN" &&
	measure 0 $RSS_MAX check "$MIGCHECK" check && expect_equal out "$CLEAN"
}
run_test 'golang-migrate: a case-only rename keeps the version, nothing to the tool (staged, work tree)' case_staged

sqlm_case () {
	init_repo && t73_config db &&
	write_migration db/001_t.sql '-- +migrate Up
CREATE TABLE t (id int);
-- +migrate Down
DROP TABLE t;' &&
	commit_all one && deploy &&
	git mv db/001_t.sql db/001_T.sql &&
	measure 1 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged && expect_equal out "$RENAMED" &&
	measure 1 $RSS_MAX check "$MIGCHECK" check && expect_equal out "$RENAMED" &&
	commit_all rename &&
	measure 1 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD && expect_equal out "$RENAMED" &&
	measure 1 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD && expect_equal out "$RENAMED"
}
run_test 'sql-migrate: a case-only rename is a new file name to it: renamed-deployed in every mode' sqlm_case

case_committed () {
	case_repo && commit_all 'rename' &&
	measure 0 $RSS_MAX 'check --commit' "$MIGCHECK" check --commit HEAD && expect_equal out "$CLEAN" &&
	measure 0 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD && expect_equal out "$CLEAN" &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	expect_equal out 'db (golang-migrate, 1 migration)
  VERSION  NAME  UP   DOWN  STMTS  STATE     FLAGS
  001      T     yes  yes       1  pending' &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	one=$(git rev-parse --short=10 HEAD~1) two=$(git rev-parse --short=10 HEAD) &&
	expect_equal out "db/001_T.down.sql  (not released)
  added     $two 2024-01-01T00:02:00Z A U Thor <author@example.com>  rename
db/001_T.up.sql  (not released)
  added     $two 2024-01-01T00:02:00Z A U Thor <author@example.com>  rename
db/001_t.down.sql
  released  refs/remotes/origin/main
  added     $one 2024-01-01T00:01:00Z A U Thor <author@example.com>  one
  deleted   $two 2024-01-01T00:02:00Z A U Thor <author@example.com>  rename
db/001_t.up.sql
  released  refs/remotes/origin/main
  added     $one 2024-01-01T00:01:00Z A U Thor <author@example.com>  one
  deleted   $two 2024-01-01T00:02:00Z A U Thor <author@example.com>  rename"
}
run_test 'golang-migrate: a committed case-only rename: check --commit/--range clean, list, log' case_committed

finish
