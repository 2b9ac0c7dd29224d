#!/bin/sh
# migcheck init: the release tags become deploy refs besides the default
# branch (v1.2.3, 1.2.3, release-1.2, name/v1.2.3; lightweight and
# annotated), with the reason printed; tags that are not releases, and
# tag families that do not hold the migrations, are left out and said so.
. "$(dirname "$0")/lib.sh"

refs () {
	git config -f .migcheck --get-all deploy.ref
}

# what init said about deploy refs and tags
said () {
	grep -e '^migcheck: deploy ref' -e '^migcheck: release tags' err >said || true
}

# a repository with one golang-migrate migration in ${1:-db/migrations}, committed
repo () {
	init_repo &&
	write_migration "${1:-db/migrations}/1_a.up.sql" 'CREATE TABLE a (id int);' &&
	write_migration "${1:-db/migrations}/1_a.down.sql" 'DROP TABLE a;' &&
	commit_all a
}

# a second migration, committed
more () {
	write_migration "${1:-db/migrations}/$2_b.up.sql" "CREATE TABLE b$2 (id int);" &&
	write_migration "${1:-db/migrations}/$2_b.down.sql" "DROP TABLE b$2;" &&
	commit_all "b$2"
}

no_tags () {
	repo &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: release tags: none in this clone (if releases are tagged later, add deploy.ref = refs/tags/v*)" &&
	refs >got && expect_equal got refs/heads/main
}
run_test 'no tags: the default branch only, said so' no_tags

v_tags () {
	repo &&
	git tag v1.2.0 && more db/migrations 2 &&
	git tag -a -m 'release 1.10' v1.10.0 && more db/migrations 3 &&
	git tag v1.9.0 && git tag v2.0.0-rc.1 &&
	git tag nightly && git tag latest && git tag docs-1.2 && git tag -a -m x release-notes &&
	git tag blob-1.0 "$(git hash-object -w .git/HEAD)" &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/v* (4 release tags like v1.2.3; newest v2.0.0-rc.1)
migcheck: release tags: 4 other tags not named like a release, left out: docs-1.2, latest, nightly, release-notes" &&
	refs >got && expect_equal got 'refs/heads/main
refs/tags/v*' &&
	expect_grep '^	# the release tags: a migration released in one is deployed too$' .migcheck &&
	git add .migcheck && commit_all cfg &&
	"$MIGCHECK" check --range v1.9.0..HEAD >out 2>&1 &&
	expect_equal out 'check: 0 errors, 0 warnings'
}
run_test 'v1.2.3 tags, lightweight and annotated: refs/tags/v*; nightly, latest, docs-1.2 and a tag of a blob are not releases' v_tags

v_glob_narrowed () {
	repo &&
	git tag v1.0.0 && git tag v1.1.0 && git tag vendor-drop &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/v[0-9]* (2 release tags like v1.2.3; newest v1.1.0)
migcheck: release tags: 1 other tag not named like a release, left out: vendor-drop" &&
	git add .migcheck && commit_all cfg &&
	"$MIGCHECK" list >/dev/null
}
run_test 'v* narrowed to v[0-9]* when it would match vendor-drop' v_glob_narrowed

bare_and_release_dash () {
	repo &&
	git tag 1.2.3 && more db/migrations 2 && git tag 1.10.0 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/[0-9]* (2 release tags like 1.2.3; newest 1.10.0)" &&
	mkdir ../b && cd ../b && repo &&
	git tag release-1.2 && more db/migrations 2 && git tag release-1.3 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/release-* (2 release tags like release-1.2; newest release-1.3)"
}
run_test 'bare 1.2.3 tags: refs/tags/[0-9]*; release-1.2: refs/tags/release-*' bare_and_release_dash

only_other_tags () {
	repo &&
	git tag nightly && git tag latest &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: release tags: none (2 tags, none named like a version such as v1.2.3: latest, nightly)" &&
	refs >got && expect_equal got refs/heads/main
}
run_test 'only tags that are not releases: none chosen, said so' only_other_tags

monorepo_named () {
	repo backend/migrations &&
	git tag backend/v1.2.3 && git tag cli/v0.3.0 &&
	more backend/migrations 2 && git tag backend/v1.3.0 && git tag cli/v0.4.0 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/backend/v* (2 release tags like backend/v1.2.3; newest backend/v1.3.0)
migcheck: release tags: cli/v* (2 tags) left out: 'cli' is not a folder in the migrations' path" &&
	refs >got && expect_equal got 'refs/heads/main
refs/tags/backend/v*'
}
run_test 'monorepo: the tag family named after the migrations folder (backend/v*), cli/v* left out' monorepo_named

monorepo_all () {
	repo &&
	git tag api/v1.0.0 && git tag web/v2.0.0 && git tag web/v2.1.0 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/web/v* (2 release tags like web/v1.2.3; newest web/v2.1.0)
migcheck: deploy ref: refs/tags/api/v* (1 release tag like api/v1.2.3; newest api/v1.0.0)
migcheck: release tags: 2 tag families, none named after a folder of the migrations' path: all are deploy refs"
}
run_test 'monorepo: no family named after the migrations folder: all are covered, said so' monorepo_all

components_beside_releases () {
	repo &&
	git tag v1.0.0 && git tag py/1.4.0 && git tag vscode/v0.1.0 && git tag release-2024.1 &&
	more db/migrations 2 && git tag v1.1.0 && git tag py/1.5.0 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/v[0-9]* (2 release tags like v1.2.3; newest v1.1.0)
migcheck: deploy ref: refs/tags/release-* (1 release tag like release-1.2; newest release-2024.1)
migcheck: release tags: py/* (2 tags) left out: 'py' is not a folder in the migrations' path, and the tags named for no component are the repository's releases
migcheck: release tags: vscode/v* (1 tag) left out: 'vscode' is not a folder in the migrations' path, and the tags named for no component are the repository's releases"
}
run_test "a component's tags (py/1.4.0, vscode/v0.1.0) beside the repository's (v1.0.0, release-2024.1) are left out" components_beside_releases

family_without_migrations () {
	init_repo && : >README && commit_all readme &&
	git tag tools/v0.1.0 &&
	write_migration db/migrations/1_a.up.sql 'CREATE TABLE a (id int);' &&
	write_migration db/migrations/1_a.down.sql 'DROP TABLE a;' &&
	commit_all a && git tag v1.0.0 &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/heads/main, the local main branch (no remote 'origin' branch found)
migcheck: deploy ref: refs/tags/v* (1 release tag like v1.2.3; newest v1.0.0)
migcheck: release tags: tools/v* (1 tag) left out: the newest, tools/v0.1.0, holds no migrations folder"
}
run_test 'a tag family whose newest tag holds no migrations folder is left out' family_without_migrations

origin_develop () {
	mkdir work0 && (cd work0 && repo && git branch -q -m develop && git tag v0.1.0 && more db/migrations 2 && git tag -a -m r v0.2.0) &&
	git clone -q --bare work0 origin.git &&
	git clone -q origin.git clone && cd clone &&
	"$MIGCHECK" init >/dev/null 2>err && said &&
	expect_equal said "migcheck: deploy ref: refs/remotes/origin/develop, origin's default branch (refs/remotes/origin/HEAD)
migcheck: deploy ref: refs/tags/v* (2 release tags like v1.2.3; newest v0.2.0)" &&
	refs >got && expect_equal got 'refs/remotes/origin/develop
refs/tags/v*'
}
run_test "a clone: origin's default branch (develop, from origin/HEAD) and its tags" origin_develop

finish
