/*
 * test_mergebase.c: our merge base (src/git/compat/mergebase.c) on small
 * repos built with libgit2 in a temp dir: linear, criss-cross (git
 * merge-base --all order), unrelated, and a shallow clone's missing parent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/compat/compat.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/repo.h"
#include "util/banned.h"

static char root[256];
static int seq;

struct fx {
	git_repository *repo;
	git_oid tree;
	char path[300];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	git_treebuilder *tb = NULL;

	snprintf(f->path, sizeof(f->path), "%s/r%d", root, seq++);
	if (git_repository_init(&f->repo, f->path, 1) < 0 ||
	    git_treebuilder_new(&tb, f->repo, NULL) < 0 ||
	    git_treebuilder_write(&f->tree, tb) < 0)
		return -1;
	git_treebuilder_free(tb);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	git_repository_free(f->repo);
	free(f);
	return 0;
}

/* a commit at time t with the given parents (raw ids: they may be missing) */
static git_oid commit(struct fx *f, git_time_t t, int n, const git_oid *p1,
                      const git_oid *p2)
{
	char buf[1024], h[3][GIT_OID_HEXSZ + 1];
	git_odb *odb = NULL;
	git_oid id;
	int len;

	git_oid_tostr(h[0], sizeof(h[0]), &f->tree);
	if (n > 0)
		git_oid_tostr(h[1], sizeof(h[1]), p1);
	if (n > 1)
		git_oid_tostr(h[2], sizeof(h[2]), p2);
	len = snprintf(buf, sizeof(buf),
	               "tree %s\n%s%s%s%s%s%sauthor A <a@b> %lld +0000\ncommitter A <a@b> %lld +0000\n\nc%lld\n",
	               h[0], n > 0 ? "parent " : "", n > 0 ? h[1] : "", n > 0 ? "\n" : "",
	               n > 1 ? "parent " : "", n > 1 ? h[2] : "", n > 1 ? "\n" : "",
	               (long long)t, (long long)t, (long long)t);
	assert_int_equal(git_repository_odb(&odb, f->repo), 0);
	assert_int_equal(git_odb_write(&id, odb, buf, (size_t)len, GIT_OBJECT_COMMIT), 0);
	git_odb_free(odb);
	return id;
}

static void mbase__linear(void **state)
{
	struct fx *f = *state;
	git_oid c1 = commit(f, 100, 0, NULL, NULL), c2 = commit(f, 200, 1, &c1, NULL);
	git_oid c3 = commit(f, 300, 1, &c2, NULL), c4 = commit(f, 400, 1, &c3, NULL);
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(mc_git__merge_bases(&m, f->repo, &c2, &c4, 1), 0);
	assert_int_equal(m.incomplete, 0);
	assert_int_equal(m.nbases, 1);
	assert_true(git_oid_equal(&m.bases[0], &c2));
	assert_int_equal(m.nonly_b, 2);
	assert_true(git_oid_equal(&m.only_b[0], &c4));
	assert_true(git_oid_equal(&m.only_b[1], &c3));
	mc_git__mbase_dispose(&m);
	/* b behind a: b is the base, nothing in a..b */
	assert_int_equal(mc_git__merge_bases(&m, f->repo, &c4, &c2, 1), 0);
	assert_int_equal(m.nbases, 1);
	assert_true(git_oid_equal(&m.bases[0], &c2));
	assert_int_equal(m.nonly_b, 0);
	mc_git__mbase_dispose(&m);
}

static void mbase__criss_cross(void **state)
{
	struct fx *f = *state;
	git_oid r = commit(f, 100, 0, NULL, NULL);
	git_oid x1 = commit(f, 200, 1, &r, NULL), y1 = commit(f, 300, 1, &r, NULL);
	git_oid xm = commit(f, 400, 2, &x1, &y1), ym = commit(f, 500, 2, &y1, &x1);
	git_oid x2 = commit(f, 600, 1, &xm, NULL), y2 = commit(f, 700, 1, &ym, NULL);
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(mc_git__merge_bases(&m, f->repo, &x2, &y2, 1), 0);
	assert_int_equal(m.incomplete, 0);
	assert_int_equal(m.nbases, 2);
	/* newest first, as git merge-base --all: y1 (300) then x1 (200) */
	assert_true(git_oid_equal(&m.bases[0], &y1));
	assert_true(git_oid_equal(&m.bases[1], &x1));
	assert_int_equal(m.nonly_b, 2); /* y2, ym */
	mc_git__mbase_dispose(&m);
}

static void mbase__redundant_candidate_removed(void **state)
{
	struct fx *f = *state;
	/* clock skew: a's side reaches the old base o first by date */
	git_oid o = commit(f, 100, 0, NULL, NULL);
	git_oid base = commit(f, 50, 1, &o, NULL); /* skewed: older than its parent */
	git_oid a = commit(f, 300, 2, &base, &o), b = commit(f, 310, 1, &base, NULL);
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(mc_git__merge_bases(&m, f->repo, &a, &b, 0), 0);
	assert_int_equal(m.nbases, 1);
	assert_true(git_oid_equal(&m.bases[0], &base));
	mc_git__mbase_dispose(&m);
}

static void mbase__unrelated(void **state)
{
	struct fx *f = *state;
	git_oid a = commit(f, 100, 0, NULL, NULL), b = commit(f, 200, 0, NULL, NULL);
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(mc_git__merge_bases(&m, f->repo, &a, &b, 1), 0);
	assert_int_equal(m.incomplete, 0);
	assert_int_equal(m.nbases, 0);
	mc_git__mbase_dispose(&m);
}

static void make_shallow(struct fx *f, const git_oid *boundary)
{
	char p[400], h[GIT_OID_HEXSZ + 1];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/shallow", git_repository_path(f->repo));
	assert_non_null(fp = fopen(p, "w"));
	fprintf(fp, "%s\n", git_oid_tostr(h, sizeof(h), boundary));
	fclose(fp);
	assert_int_equal(git_repository_is_shallow(f->repo), 1);
}

static void mbase__shallow_boundary(void **state)
{
	struct fx *f = *state;
	git_oid gone, s, a, b, b2;
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(git_oid_fromstr(&gone, "0123456789abcdef0123456789abcdef01234567"), 0);
	s = commit(f, 100, 1, &gone, NULL); /* its parent is not in the clone */
	a = commit(f, 200, 1, &s, NULL);
	b = commit(f, 300, 1, &s, NULL);
	b2 = commit(f, 400, 1, &gone, NULL); /* a range reaching past the boundary */
	make_shallow(f, &s);
	/* the base is there: the boundary below it does not matter */
	assert_int_equal(mc_git__merge_bases(&m, f->repo, &a, &b, 1), 0);
	assert_int_equal(m.incomplete, 0);
	assert_int_equal(m.nbases, 1);
	assert_true(git_oid_equal(&m.bases[0], &s));
	mc_git__mbase_dispose(&m);
	/* no common commit in the clone: unknown, never "unrelated" */
	assert_int_equal(mc_git__merge_bases(&m, f->repo, &a, &b2, 1), 0);
	assert_int_equal(m.incomplete, 1);
	assert_int_equal(m.nbases, 0);
	assert_null(m.bases);
	mc_git__mbase_dispose(&m);
}

static void mbase__missing_commit_not_shallow(void **state)
{
	struct fx *f = *state;
	git_oid gone, a, b;
	mc_git__mbase m = MC_GIT_MBASE_INIT;

	assert_int_equal(git_oid_fromstr(&gone, "0123456789abcdef0123456789abcdef01234567"), 0);
	a = commit(f, 100, 1, &gone, NULL);
	b = commit(f, 200, 0, NULL, NULL);
	assert_int_equal(mc_git__merge_bases(&m, f->repo, &a, &b, 1), MC_ERROR);
	assert_int_equal(m.nbases, 0);
	mc_git__mbase_dispose(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(mbase__linear),
		T(mbase__criss_cross),
		T(mbase__redundant_candidate_removed),
		T(mbase__unrelated),
		T(mbase__shallow_boundary),
		T(mbase__missing_commit_not_shallow),
#undef T
	};
	char cmd[300];
	const char *tmp = getenv("TMPDIR");
	int rc;

	snprintf(root, sizeof(root), "%s/mc-test-mbase.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return 1;
	mc_repo_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mc_repo_global_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
