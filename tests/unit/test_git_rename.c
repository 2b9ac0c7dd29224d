/*
 * test_git_rename.c: the rename pairing of staged changes
 * (src/git/compat/rename.c) on blobs written here into an in-memory object
 * database (libgit2's mempack backend): exact renames first, then the most
 * alike at a score of 50 or more, the pair limit, the callback's order and
 * its error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include "git/compat/compat.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/vec.h"
#include "util/banned.h"

static git_repository *repo;
static git_odb *odb;

static int setup(void **state MC_UNUSED)
{
	git_odb_backend *mempack = NULL;

	git_libgit2_init();
	if (git_odb_new(&odb) < 0 || git_mempack_new(&mempack) < 0)
		return -1;
	if (git_odb_add_backend(odb, mempack, 1) < 0) {
		mempack->free(mempack);
		return -1;
	}
	return git_repository_wrap_odb(&repo, odb);
}

static int teardown(void **state MC_UNUSED)
{
	git_repository_free(repo);
	git_odb_free(odb);
	git_libgit2_shutdown();
	return 0;
}

/* Blob ids live here so that the sides can point at them. */
static git_oid ids[256];
static size_t nids;

static const git_oid *blob(const char *text)
{
	assert_true(nids < sizeof(ids) / sizeof(ids[0]));
	assert_int_equal(git_odb_write(&ids[nids], odb, text, strlen(text), GIT_OBJECT_BLOB), 0);
	return &ids[nids++];
}

static void side(mc_vec *v, const char *path, const git_oid *id)
{
	mc_git__rename_side *s = mc_calloc(1, sizeof(*s));
	assert_non_null(s);
	s->path = path;
	s->id = id;
	assert_int_equal(mc_vec_push(v, s), 0);
}

/* What found() saw: "old>new" per pair, in order. */
struct seen {
	char pairs[8][64];
	size_t n;
	int fail_at; /* 1-based pair whose callback returns MC_ERROR; 0 never */
};

static int found(mc_git__rename_side *d, mc_git__rename_side *a, void *payload)
{
	struct seen *s = payload;
	if (s->n < 8)
		snprintf(s->pairs[s->n], sizeof(s->pairs[0]), "%s>%s", d->path, a->path);
	s->n++;
	return s->fail_at && (int)s->n == s->fail_at ? MC_ERROR : 0;
}

static void dispose(mc_vec *dels, mc_vec *adds)
{
	mc_vec_dispose_deep(dels, mc_git__rename_side_free);
	mc_vec_dispose_deep(adds, mc_git__rename_side_free);
}

#define FOUR "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n" \
             "CREATE TABLE c (id int);\nCREATE TABLE d (id int);\n"

static void rename__exact_before_similar(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	const git_oid *x = blob(FOUR);
	struct seen s = { 0 };

	side(&dels, "001_x.sql", x);
	/* the same lines but one: alike, yet the exact copy wins */
	side(&adds, "002_similar.sql",
	     blob("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
	          "CREATE TABLE c (id int);\nCREATE TABLE e (id int);\n"));
	side(&adds, "003_same.sql", x);
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pairs[0], "001_x.sql>003_same.sql");
	assert_true(((mc_git__rename_side *)dels.items[0])->paired);
	assert_false(((mc_git__rename_side *)adds.items[0])->paired);
	assert_true(((mc_git__rename_side *)adds.items[1])->paired);
	dispose(&dels, &adds);
}

static void rename__most_alike_at_half_or_more(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	struct seen s = { 0 };

	side(&dels, "001_x.sql", blob(FOUR));
	/* 2 of 4 lines shared: 2 * 2 / 8 = 50, enough */
	side(&adds, "002_half.sql",
	     blob("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
	          "CREATE TABLE y (id int);\nCREATE TABLE z (id int);\n"));
	/* 3 of 4, with trailing blanks that do not count: 75, the best */
	side(&adds, "003_most.sql",
	     blob("CREATE TABLE a (id int);  \nCREATE TABLE b (id int);\t\n"
	          "CREATE TABLE c (id int);\r\nCREATE TABLE q (id int);\n"));
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pairs[0], "001_x.sql>003_most.sql");
	dispose(&dels, &adds);
}

static void rename__below_half_is_no_rename(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	struct seen s = { 0 };

	side(&dels, "001_x.sql", blob(FOUR));
	/* 1 of 4 shared, and 1 of 5: 2 * 1 / 9 = 22 */
	side(&adds, "002_other.sql",
	     blob("CREATE TABLE a (id int);\nCREATE TABLE v (id int);\n"
	          "CREATE TABLE w (id int);\nCREATE TABLE y (id int);\n"
	          "CREATE TABLE z (id int);\n"));
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 0);
	assert_false(((mc_git__rename_side *)dels.items[0])->paired);
	assert_false(((mc_git__rename_side *)adds.items[0])->paired);
	dispose(&dels, &adds);
}

static void rename__empty_files_are_alike(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	struct seen s = { 0 };

	/* two different blobs with no line that counts */
	side(&dels, "001_x.sql", blob("\n\n"));
	side(&adds, "002_y.sql", blob("   \n"));
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pairs[0], "001_x.sql>002_y.sql");
	dispose(&dels, &adds);
}

static void rename__each_side_paired_once_in_order(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	const git_oid *x = blob(FOUR);
	struct seen s = { 0 };

	/* two deleted copies of one blob, one added copy: the first deleted
	 * one takes it; the second pairs by similarity with what is left */
	side(&dels, "001_a.sql", x);
	side(&dels, "002_b.sql", x);
	side(&adds, "003_c.sql",
	     blob("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
	          "CREATE TABLE c (id int);\n"));
	side(&adds, "004_d.sql", x);
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.pairs[0], "001_a.sql>004_d.sql");
	assert_string_equal(s.pairs[1], "002_b.sql>003_c.sql");
	dispose(&dels, &adds);
}

static void rename__pair_limit_keeps_exact_only(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	const git_oid *x = blob(FOUR), *y = blob(FOUR "CREATE TABLE e (id int);\n");
	const git_oid *z = blob("CREATE TABLE exact (id int);\n");
	static char names[2][101][16];
	struct seen s = { 0 };

	/* 101 x 100 = 10,100 pairs, over git's limit of 10,000: the one exact
	 * rename is found, no similar one is looked for */
	for (int i = 0; i < 101; i++) {
		snprintf(names[0][i], sizeof(names[0][i]), "d%03d.sql", i);
		side(&dels, names[0][i], i == 100 ? z : x);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(names[1][i], sizeof(names[1][i]), "a%03d.sql", i);
		side(&adds, names[1][i], i == 99 ? z : y);
	}
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pairs[0], "d100.sql>a099.sql");
	dispose(&dels, &adds);

	/* 100 x 100 is within it: every deleted file finds an alike one */
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 100; i++)
		side(&dels, names[0][i], x);
	for (int i = 0; i < 100; i++)
		side(&adds, names[1][i], y);
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), 0);
	assert_int_equal(s.n, 100);
	assert_string_equal(s.pairs[0], "d000.sql>a000.sql");
	dispose(&dels, &adds);
}

static void rename__callback_error_stops(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	const git_oid *x = blob("CREATE TABLE one (id int);\n");
	const git_oid *y = blob("CREATE TABLE two (id int);\n");
	struct seen s = { .fail_at = 1 };

	side(&dels, "001_a.sql", x);
	side(&dels, "002_b.sql", y);
	side(&adds, "003_a.sql", x);
	side(&adds, "004_b.sql", y);
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), MC_ERROR);
	assert_int_equal(s.n, 1);
	dispose(&dels, &adds);
}

static void rename__unreadable_blob_is_an_error(void **state MC_UNUSED)
{
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	git_oid missing;
	struct seen s = { 0 };

	memset(&missing, 0x42, sizeof(missing));
	side(&dels, "001_gone.sql", &missing);
	side(&adds, "002_new.sql", blob(FOUR));
	assert_int_equal(mc_git__renames_find(repo, &dels, &adds, found, &s), MC_ERROR);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(mc_error_last()->message, "001_gone.sql"));
	dispose(&dels, &adds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rename__exact_before_similar),
		cmocka_unit_test(rename__most_alike_at_half_or_more),
		cmocka_unit_test(rename__below_half_is_no_rename),
		cmocka_unit_test(rename__empty_files_are_alike),
		cmocka_unit_test(rename__each_side_paired_once_in_order),
		cmocka_unit_test(rename__pair_limit_keeps_exact_only),
		cmocka_unit_test(rename__callback_error_stops),
		cmocka_unit_test(rename__unreadable_blob_is_an_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
