/*
 * test_git_rawtree.c: raw tree reading (src/git/compat/rawtree.c) on trees
 * written here into an in-memory object database (libgit2's mempack
 * backend): entries in order with their modes and ids, the zero id as an
 * empty tree, a blob refused, a damaged tree ended.
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
#include "migcheck/errors.h"
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

static git_oid blob(const char *text)
{
	git_oid id;
	assert_int_equal(git_odb_write(&id, odb, text, strlen(text), GIT_OBJECT_BLOB), 0);
	return id;
}

static void raw_tree__entries_in_order_with_modes(void **state MC_UNUSED)
{
	git_treebuilder *tb = NULL;
	git_oid a = blob("CREATE TABLE a (id int);\n"), sub, tree, commit;
	mc_git__raw_tree t;
	mc_git__raw_entry e;

	memset(&commit, 0x11, sizeof(commit));
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "x.sql", &a, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&sub, tb), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "001_a.up.sql", &a, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "run.sh", &a, GIT_FILEMODE_BLOB_EXECUTABLE), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "link", &a, GIT_FILEMODE_LINK), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "sub", &sub, GIT_FILEMODE_TREE), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "vendor", &commit, GIT_FILEMODE_COMMIT), 0);
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	git_treebuilder_free(tb);

	assert_int_equal(mc_git__raw_open(&t, odb, &tree), 0);
	{
		static const struct {
			const char *name;
			unsigned mode;
		} want[] = { { "001_a.up.sql", GIT_FILEMODE_BLOB },
			     { "link", GIT_FILEMODE_LINK },
			     { "run.sh", GIT_FILEMODE_BLOB_EXECUTABLE },
			     { "sub", GIT_FILEMODE_TREE },
			     { "vendor", GIT_FILEMODE_COMMIT },
			     { "x.sql", GIT_FILEMODE_BLOB } }; /* still in the builder */
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			git_oid id;
			assert_int_equal(mc_git__raw_next(&e, &t), 1);
			assert_int_equal(e.len, strlen(want[i].name));
			assert_memory_equal(e.name, want[i].name, e.len);
			assert_int_equal(e.mode, want[i].mode);
			git_oid_fromraw(&id, e.id);
			assert_true(git_oid_equal(&id, !strcmp(want[i].name, "sub") ? &sub
			                               : !strcmp(want[i].name, "vendor") ? &commit
			                                                                 : &a));
		}
	}
	assert_int_equal(mc_git__raw_next(&e, &t), 0);
	assert_int_equal(mc_git__raw_next(&e, &t), 0); /* stays at the end */
	mc_git__raw_close(&t);
}

static void raw_tree__zero_id_is_empty(void **state MC_UNUSED)
{
	git_oid zero;
	mc_git__raw_tree t;
	mc_git__raw_entry e;

	memset(&zero, 0, sizeof(zero));
	assert_int_equal(mc_git__raw_open(&t, odb, &zero), 0);
	assert_int_equal(mc_git__raw_next(&e, &t), 0);
	mc_git__raw_close(&t);
}

static void raw_tree__blob_is_not_a_tree(void **state MC_UNUSED)
{
	git_oid id = blob("not a tree\n");
	char hex[GIT_OID_HEXSZ + 1], want[128];
	mc_git__raw_tree t;

	git_oid_tostr(hex, sizeof(hex), &id);
	snprintf(want, sizeof(want), "cannot read a tree: object %s is not a tree", hex);
	assert_int_equal(mc_git__raw_open(&t, odb, &id), MC_ERROR);
	assert_string_equal(mc_error_last()->message, want);
	assert_null(t.obj);
	mc_error_clear();
}

static void raw_tree__missing_object_is_an_error(void **state MC_UNUSED)
{
	git_oid id;
	mc_git__raw_tree t;

	memset(&id, 0x42, sizeof(id));
	assert_int_equal(mc_git__raw_open(&t, odb, &id), MC_ERROR);
	assert_non_null(strstr(mc_error_last()->message, "cannot read a tree: "));
	mc_error_clear();
}

/* A tree whose last entry is cut inside its id: the good entry, then the end. */
static void raw_tree__damaged_tree_ends(void **state MC_UNUSED)
{
	static const char good[] = "100644 a.sql";
	unsigned char data[64];
	size_t n = 0;
	git_oid id;
	mc_git__raw_tree t;
	mc_git__raw_entry e;

	memcpy(data, good, sizeof(good)); /* with its NUL */
	n = sizeof(good);
	memset(data + n, 0xab, 20);
	n += 20;
	memcpy(data + n, "100644 b.sql\0\x01\x02\x03", 16);
	n += 16;
	assert_int_equal(git_odb_write(&id, odb, data, n, GIT_OBJECT_TREE), 0);
	assert_int_equal(mc_git__raw_open(&t, odb, &id), 0);
	assert_int_equal(mc_git__raw_next(&e, &t), 1);
	assert_int_equal(e.len, 5);
	assert_memory_equal(e.name, "a.sql", 5);
	assert_int_equal(mc_git__raw_next(&e, &t), 0);
	mc_git__raw_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_tree__entries_in_order_with_modes),
		cmocka_unit_test(raw_tree__zero_id_is_empty),
		cmocka_unit_test(raw_tree__blob_is_not_a_tree),
		cmocka_unit_test(raw_tree__missing_object_is_an_error),
		cmocka_unit_test(raw_tree__damaged_tree_ends),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
