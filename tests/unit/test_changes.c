/*
 * test_changes.c: the change set and the deployed set (src/git/changes.c,
 * deployed.c) with a migration over the size cap, on a bare repository
 * built with libgit2 in a temp dir: the file is part of the change,
 * flagged and never read, its folder entry is unreadable (so discovery
 * reports it as malformed), and deleting it is an ordinary deletion.
 * The work tree and index modes, and the peak memory, are t7305's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/changes.h"
#include "migcheck/errors.h"
#include "migcheck/repo.h"
#include "util/banned.h"

#define BIG      (MC_MAX_MIGRATION_SIZE + 1)
#define BIG_PATH "db/migrations/002_big.up.sql"

static char root[256];
static int seq;

struct fx {
	mc_repo *r;
	git_oid big;  /* a blob of BIG bytes */
	git_oid c[4]; /* c1 001; c2 +002_big; c3 -002_big +003; c4 002_big
	                 edited */
	char hex[4][GIT_OID_HEXSZ + 1];
	mc_vec dirs;
};

static git_oid blob(struct fx *f, const char *data, size_t len)
{
	git_oid id;
	assert_int_equal(
	        git_blob_create_from_buffer(&id, f->r->repo, data, len), 0);
	return id;
}

/* A root tree holding db/migrations/<names[i]> = ids[i]. */
static git_oid
tree(struct fx *f, size_t n, const char *const *names, const git_oid *ids)
{
	git_treebuilder *tb = NULL;
	git_oid mig, db, top;

	assert_int_equal(git_treebuilder_new(&tb, f->r->repo, NULL), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(git_treebuilder_insert(NULL, tb, names[i],
		                                        &ids[i],
		                                        GIT_FILEMODE_BLOB),
		                 0);
	assert_int_equal(git_treebuilder_write(&mig, tb), 0);
	git_treebuilder_clear(tb);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "migrations", &mig,
	                                        GIT_FILEMODE_TREE),
	                 0);
	assert_int_equal(git_treebuilder_write(&db, tb), 0);
	git_treebuilder_clear(tb);
	assert_int_equal(
	        git_treebuilder_insert(NULL, tb, "db", &db, GIT_FILEMODE_TREE),
	        0);
	assert_int_equal(git_treebuilder_write(&top, tb), 0);
	git_treebuilder_free(tb);
	return top;
}

static git_oid commit(struct fx *f, const git_oid *t, const git_oid *parent)
{
	git_signature *sig = NULL;
	git_tree *tr = NULL;
	git_commit *p = NULL;
	const git_commit *parents[1];
	git_oid id;

	assert_int_equal(git_signature_new(&sig, "A", "a@b", 100 + seq, 0), 0);
	assert_int_equal(git_tree_lookup(&tr, f->r->repo, t), 0);
	if (parent)
		assert_int_equal(git_commit_lookup(&p, f->r->repo, parent), 0);
	parents[0] = p;
	assert_int_equal(git_commit_create(&id, f->r->repo, NULL, sig, sig,
	                                   NULL, "c", tr, parent ? 1 : 0,
	                                   parents),
	                 0);
	git_commit_free(p);
	git_tree_free(tr);
	git_signature_free(sig);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *names[2];
	git_oid ids[2], t;
	char path[300], *data;
	size_t line = strlen("INSERT INTO t VALUES (1);\n");

	if (!f)
		return -1;
	snprintf(path, sizeof(path), "%s/r%d", root, seq++);
	if (mc_repo_init(&f->r, path, 1) < 0 || (data = malloc(BIG)) == NULL)
		return -1;
	for (size_t i = 0; i < BIG; i++)
		data[i] = "INSERT INTO t VALUES (1);\n"[i % line];
	f->big = blob(f, data, BIG);
	free(data);

	names[0] = "001_t.up.sql";
	ids[0] = blob(f, "CREATE TABLE t (id int);\n", 25);
	t = tree(f, 1, names, ids);
	f->c[0] = commit(f, &t, NULL);
	names[1] = "002_big.up.sql";
	ids[1] = f->big;
	t = tree(f, 2, names, ids);
	f->c[1] = commit(f, &t, &f->c[0]);
	names[1] = "003_u.up.sql";
	ids[1] = blob(f, "CREATE TABLE u (id int);\n", 25);
	t = tree(f, 2, names, ids);
	f->c[2] = commit(f, &t, &f->c[1]);
	/* c4 on c2: the big file edited, still over the cap */
	names[1] = "002_big.up.sql";
	if ((data = malloc(BIG + 1)) == NULL)
		return -1;
	memset(data, '\n', BIG + 1);
	ids[1] = blob(f, data, BIG + 1);
	free(data);
	t = tree(f, 2, names, ids);
	f->c[3] = commit(f, &t, &f->c[1]);
	for (int i = 0; i < 4; i++)
		git_oid_tostr(f->hex[i], sizeof(f->hex[i]), &f->c[i]);
	if (mc_vec_push(&f->dirs, (void *)"db/migrations") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	mc_repo_free(f->r);
	mc_vec_dispose(&f->dirs);
	free(f);
	return 0;
}

static mc_changeset *load(struct fx *f, mc_changes_mode mode, const char *rev)
{
	mc_changes_opts o;
	mc_changeset *cs = NULL;

	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.rev = rev;
	o.dirs = &f->dirs;
	assert_int_equal(mc_changeset_load(&cs, f->r, &o), 0);
	assert_non_null(cs);
	return cs;
}

/* the after side's entry for path in the only folder */
static const mc_file *after_file(const mc_changeset *cs, const char *path)
{
	const mc_dir_state *s;

	assert_int_equal(cs->after.len, 1);
	s = cs->after.items[0];
	for (size_t i = 0; i < s->files->files.len; i++) {
		const mc_file *file = s->files->files.items[i];
		if (!strcmp(file->path, path))
			return file;
	}
	fail_msg("'%s' is not in the folder listing", path);
	return NULL;
}

static void expect_added_big(mc_changeset *cs)
{
	const mc_change *ch;
	const mc_file *file;
	mc_buf data = MC_BUF_INIT;

	assert_int_equal(cs->changes.len, 1);
	ch = cs->changes.items[0];
	assert_int_equal(ch->status, MC_CHANGE_ADDED);
	assert_string_equal(ch->new_path, BIG_PATH);
	assert_int_equal(ch->flags, MC_CHANGE_NEW_TOO_LARGE);
	assert_null(ch->new_data);
	assert_int_equal(ch->new_len, BIG);
	file = after_file(cs, BIG_PATH);
	assert_int_equal(file->error, 1);
	assert_string_equal(
	        file->data,
	        "file is too large (33554433 bytes, limit 33554432)");
	file = after_file(cs, "db/migrations/001_t.up.sql");
	assert_int_equal(file->error, 0);
	/* reading it on purpose is still refused, without reading it */
	assert_int_equal(mc_changeset_read_after(&data, cs, BIG_PATH),
	                 MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        "migration 'db/migrations/002_big.up.sql' is too large (33554433 bytes, limit 33554432)");
	mc_error_clear();
	mc_buf_dispose(&data);
}

static void changes__added_too_large_is_flagged(void **state)
{
	struct fx *f = *state;
	mc_changeset *cs;
	char range[2 * GIT_OID_HEXSZ + 3];

	cs = load(f, MC_CHANGES_COMMIT, f->hex[1]);
	expect_added_big(cs);
	mc_changeset_free(cs);

	snprintf(range, sizeof(range), "%s..%s", f->hex[0], f->hex[1]);
	cs = load(f, MC_CHANGES_RANGE, range);
	expect_added_big(cs);
	mc_changeset_free(cs);
}

/* deleting it, with an added file that rename detection could pair it
 * with: an ordinary deletion and addition, nothing read */
static void changes__deleted_too_large_is_flagged(void **state)
{
	struct fx *f = *state;
	mc_changeset *cs = load(f, MC_CHANGES_COMMIT, f->hex[2]);
	const mc_change *ch;

	assert_int_equal(cs->changes.len, 2);
	ch = cs->changes.items[0];
	assert_int_equal(ch->status, MC_CHANGE_DELETED);
	assert_string_equal(ch->old_path, BIG_PATH);
	assert_int_equal(ch->flags, MC_CHANGE_OLD_TOO_LARGE);
	assert_null(ch->old_data);
	assert_int_equal(ch->old_len, BIG);
	ch = cs->changes.items[1];
	assert_int_equal(ch->status, MC_CHANGE_ADDED);
	assert_string_equal(ch->new_path, "db/migrations/003_u.up.sql");
	assert_int_equal(ch->flags, 0);
	assert_string_equal(ch->new_data, "CREATE TABLE u (id int);\n");
	mc_changeset_free(cs);
}

static void changes__modified_too_large_both_sides(void **state)
{
	struct fx *f = *state;
	mc_changeset *cs = load(f, MC_CHANGES_COMMIT, f->hex[3]);
	const mc_change *ch;

	assert_int_equal(cs->changes.len, 1);
	ch = cs->changes.items[0];
	assert_int_equal(ch->status, MC_CHANGE_MODIFIED);
	assert_int_equal(ch->flags,
	                 MC_CHANGE_OLD_TOO_LARGE | MC_CHANGE_NEW_TOO_LARGE);
	assert_int_equal(ch->old_len, BIG);
	assert_int_equal(ch->new_len, BIG + 1);
	assert_int_equal(after_file(cs, BIG_PATH)->error, 1);
	mc_changeset_free(cs);
}

static void deployed__read_too_large(void **state)
{
	struct fx *f = *state;
	git_reference *ref = NULL;
	mc_deployed *d = NULL;
	mc_vec refs = MC_VEC_INIT;
	mc_buf data = MC_BUF_INIT;
	size_t size = 0;

	assert_int_equal(git_reference_create(&ref, f->r->repo,
	                                      "refs/heads/prod", &f->c[1], 1,
	                                      NULL),
	                 0);
	git_reference_free(ref);
	assert_int_equal(mc_vec_push(&refs, (void *)"refs/heads/prod"), 0);
	assert_int_equal(mc_deployed_load(&d, f->r, &refs, &f->dirs), 0);
	assert_int_equal(mc_buf_puts(&data, "stale"), 0);
	assert_int_equal(mc_deployed_read(&data, &size, d, BIG_PATH), 1);
	assert_int_equal(size, BIG);
	assert_int_equal(data.size, 0);
	assert_int_equal(
	        mc_deployed_read(&data, &size, d, "db/migrations/001_t.up.sql"),
	        0);
	assert_int_equal(size, 25);
	assert_string_equal(mc_buf_cstr(&data), "CREATE TABLE t (id int);\n");
	assert_int_equal(mc_deployed_read(&data, &size, d,
	                                  "db/migrations/009_no.up.sql"),
	                 MC_ERROR);
	mc_error_clear();
	mc_deployed_free(d);
	mc_vec_dispose(&refs);
	mc_buf_dispose(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changes__added_too_large_is_flagged),
		cmocka_unit_test(changes__deleted_too_large_is_flagged),
		cmocka_unit_test(changes__modified_too_large_both_sides),
		cmocka_unit_test(deployed__read_too_large),
	};
	char cmd[300];
	const char *tmp = getenv("TMPDIR");
	int rc;

	snprintf(root, sizeof(root), "%s/mc-test-changes.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return 1;
	mc_repo_global_init();
	rc = cmocka_run_group_tests(tests, setup,
	                            teardown); /* 33 MB blobs: once */
	mc_repo_global_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
