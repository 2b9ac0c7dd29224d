#!/bin/sh
# Hostile repository: 10,000 migrations (20,000 files) in one folder. The
# first commit adds 9,998 of them (what importing a project or squashing
# history looks like), the second two more. Each command runs under the
# timeout guard with a peak-RSS bound of 64 MB: measured 24-44 MB on a
# plain build (list holds every parsed script, ~38 MB); SPEC §8 asks
# < 50 MB at 5,000 migrations, and a second copy of the folder would break
# the bound. Before the fixes that came with this test, 'check --commit'
# of the first commit took 168 s (each deployed file's path walked again
# through the 20,000-entry tree) and 93 s without a deploy ref holding them
# (every new migration compared with every other), and a staged deletion of
# the folder 5 s; they are linear now.
#
# roundtrip: only the first migration, which has nothing before it. Any
# later one first applies every earlier migration, one transaction each,
# on a scratch SQLite file: 28 s on disk (148 s before scratch files ran
# with synchronous=OFF; bench/README.md).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/t73lib.sh"

MANY=$TEST_ROOT/many
RSS_MAX=65536

make_many () {
	init_repo "$MANY" && cd "$MANY" &&
	awk -v N=10000 'function blob(s) { printf "data %d\n%s", length(s), s }
	function mig(i) {
		printf "M 100644 inline db/migrations/%05d_t%05d.up.sql\n", i, i
		blob(sprintf("CREATE TABLE t%05d (id int);\n", i))
		printf "M 100644 inline db/migrations/%05d_t%05d.down.sql\n", i, i
		blob(sprintf("DROP TABLE t%05d;\n", i))
	}
	BEGIN {
		printf "commit refs/heads/main\n"
		printf "author A U Thor <author@example.com> 1704067200 +0000\n"
		printf "committer C O Mitter <committer@example.com> 1704067200 +0000\n"
		printf "data 5\nmany\n"
		for (i = 1; i <= N - 2; i++) mig(i)
		printf "\ncommit refs/heads/main\n"
		printf "author A U Thor <author@example.com> 1704067260 +0000\n"
		printf "committer C O Mitter <committer@example.com> 1704067260 +0000\n"
		printf "data 4\ntwo\n"
		for (i = N - 1; i <= N; i++) mig(i)
		print ""
	}' | git fast-import --quiet &&
	git reset -q --hard main &&
	[ "$(git ls-files | wc -l)" -eq 20000 ] &&
	git update-ref refs/remotes/origin/main main~1 &&
	git update-ref refs/empty "$(git commit-tree -m empty "$(git mktree </dev/null)")" &&
	t73_config db/migrations
}
if ! (make_many) >"$TEST_ROOT/.make" 2>&1; then
	echo "Bail out! cannot build the 10,000-migration repository"
	sed 's/^/# /' "$TEST_ROOT/.make"
	exit 1
fi

list_many () {
	cd "$MANY" &&
	measure 0 $RSS_MAX list "$MIGCHECK" list &&
	[ "$(wc -l <out)" -eq 10002 ] &&
	[ ! -s err ] &&
	head -n 3 out >head && expect_equal head 'db/migrations (golang-migrate, 10000 migrations)
  VERSION  NAME    UP   DOWN  STMTS  STATE     FLAGS
  00001    t00001  yes  yes       1  deployed' &&
	tail -n 2 out >tail && expect_equal tail '  09999    t09999  yes  yes       1  pending
  10000    t10000  yes  yes       1  pending'
}
run_test 'list of 10,000 migrations' list_many

EDITED='db/migrations/00005_t00005.up.sql:1: error: deployed migration '"'"'db/migrations/00005_t00005.up.sql'"'"' was edited (deployed in refs/remotes/origin/main) [modified-deployed]
    to fix: put the released file back (git restore --source=refs/remotes/origin/main --staged --worktree -- db/migrations/00005_t00005.up.sql) and write the change as a new migration
check: 1 error, 0 warnings'

edit_many () {
	cd "$MANY" &&
	write_migration 00005_t00005.up.sql 'CREATE TABLE t00005 (id bigint);' &&
	measure 1 $RSS_MAX check "$MIGCHECK" check &&
	expect_equal out "$EDITED" &&
	git add db/migrations &&
	measure 1 $RSS_MAX 'check --staged' "$MIGCHECK" check --staged &&
	expect_equal out "$EDITED" &&
	git reset -q --hard
}
run_test 'check and check --staged: one edit among 10,000 migrations' edit_many

commit_many () {
	cd "$MANY" &&
	measure 0 $RSS_MAX 'check --commit (9,998 added, deployed)' "$MIGCHECK" check --commit HEAD~1 &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	measure 0 $RSS_MAX 'check --commit (9,998 added, new)' \
		"$MIGCHECK" check --commit HEAD~1 --deploy-ref refs/empty &&
	expect_equal out 'check: 0 errors, 0 warnings' &&
	measure 0 $RSS_MAX 'check --range' "$MIGCHECK" check --range HEAD~1..HEAD &&
	expect_equal out 'check: 0 errors, 0 warnings'
}
run_test 'check --commit of 9,998 added migrations, and --range' commit_many

duplicate_many () {
	cd "$MANY" &&
	write_migration 05000_again.up.sql 'CREATE TABLE again (id int);' &&
	write_migration 05000_again.down.sql 'DROP TABLE again;' &&
	git add db/migrations &&
	measure 1 $RSS_MAX 'check --staged (duplicate)' "$MIGCHECK" check --staged &&
	git reset -q --hard && rm -f db/migrations/05000_again.* &&
	expect_equal out "db/migrations/05000_again.up.sql:1: error: version 05000 of 'db/migrations/05000_again.up.sql' is already used by 'db/migrations/05000_t05000.up.sql' [duplicate-version]
    to fix: renumber it above 10000 (rename the file to a higher version)
check: 1 error, 0 warnings"
}
run_test 'a duplicate version among 10,000 is found' duplicate_many

delete_many () {
	cd "$MANY" && git rm -rq db/migrations &&
	measure 1 $RSS_MAX 'check --staged (folder deleted)' "$MIGCHECK" check --staged &&
	git reset -q --hard &&
	head -n 1 out >first && tail -n 1 out >last &&
	expect_equal first 'error: 19996 files: a deployed migration was deleted (staged changes) [deleted-deployed]' &&
	expect_equal last 'check: 19996 errors, 0 warnings'
}
run_test 'deleting a folder of 9,998 deployed migrations is one group in text, a finding per file' delete_many

log_many () {
	cd "$MANY" &&
	measure 0 $RSS_MAX log "$MIGCHECK" log &&
	[ "$(grep -c '^  added ' out)" -eq 20000 ] &&
	[ "$(grep -c '^  released  refs/remotes/origin/main$' out)" -eq 19996 ] &&
	tail -n 2 out >tail &&
	expect_equal tail "db/migrations/10000_t10000.up.sql  (not released)
  added     $(git rev-parse --short=10 HEAD) 2024-01-01T00:01:00Z A U Thor <author@example.com>  two"
}
run_test 'log of 10,000 migrations' log_many

roundtrip_many () {
	cd "$MANY" &&
	measure 0 $RSS_MAX 'roundtrip 00001' "$MIGCHECK" roundtrip 00001 &&
	expect_equal out 'note: 1 migration round-tripped on a scratch sqlite database (step mode)
roundtrip: 0 errors, 0 warnings'
}
run_test 'roundtrip picks one migration out of 10,000' roundtrip_many

finish
