/*
 * test_changes.c: the change set and the deployed set (src/git/changes.c,
 * deployed.c) with a migration over the size cap, on a bare repository
 * built with libgit2 in a temp dir: the file is part of the change,
 * flagged and never read, its folder entry is unreadable (so discovery
 * reports it as malformed), and deleting it is an ordinary deletion.
 * The work tree and index modes, and the peak memory, are t7305's.
 * In a work tree, a migration that cannot be read (a FIFO, a dangling
 * link, a directory named like one, no permission) is a change flagged
 * MC_CHANGE_NEW_UNREADABLE with the folder listing's words (t7308 runs
 * the commands).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void deployed__holds_too_large(void **state)
{
	struct fx *f = *state;
	git_reference *ref = NULL;
	mc_deployed *d = NULL;
	mc_vec refs = MC_VEC_INIT;

	assert_int_equal(git_reference_create(&ref, f->r->repo,
	                                      "refs/heads/prod", &f->c[1], 1,
	                                      NULL),
	                 0);
	git_reference_free(ref);
	assert_int_equal(mc_vec_push(&refs, (void *)"refs/heads/prod"), 0);
	assert_int_equal(mc_deployed_open(&d, f->r, &refs, &f->dirs), 0);
	/* nothing is read before prepare */
	assert_null(mc_deployed_ref(d, "db/migrations/001_t.up.sql"));
	assert_int_equal(mc_deployed_prepare(d), 0);
	assert_int_equal(mc_deployed_prepare(d), 0);
	/* a file over the size cap is held by its name; its blob is not read */
	assert_string_equal(mc_deployed_ref(d, BIG_PATH), "refs/heads/prod");
	assert_string_equal(mc_deployed_ref(d, "db/migrations/001_t.up.sql"),
	                    "refs/heads/prod");
	assert_null(mc_deployed_ref(d, "db/migrations/009_no.up.sql"));
	mc_deployed_free(d);
	mc_vec_dispose(&refs);
}

/* Two points holding 001 as it is, at the same commit date: the one that
 * descends from the other is the newest, though it comes second in
 * deploy.ref order (the graph decides, never the date or the order). */
static void deployed__names_by_graph(void **state)
{
	struct fx *f = *state;
	git_reference *ref = NULL;
	mc_deployed *d = NULL;
	mc_vec refs = MC_VEC_INIT, trees = MC_VEC_INIT;
	mc_changeset *cs;
	const char *name = NULL;

	assert_int_equal(git_reference_create(&ref, f->r->repo, "refs/heads/old", &f->c[0], 1, NULL), 0);
	git_reference_free(ref);
	assert_int_equal(git_reference_create(&ref, f->r->repo, "refs/heads/new", &f->c[2], 1, NULL), 0);
	git_reference_free(ref);
	assert_int_equal(mc_vec_push(&refs, (void *)"refs/heads/old"), 0);
	assert_int_equal(mc_vec_push(&refs, (void *)"refs/heads/new"), 0);
	assert_int_equal(mc_deployed_open(&d, f->r, &refs, &f->dirs), 0);
	cs = load(f, MC_CHANGES_COMMIT, f->hex[3]);
	assert_int_equal(mc_deployed_name(&name, d, cs, "db/migrations/001_t.up.sql",
	                                  "CREATE TABLE t (id int);\n", 25), 0);
	assert_string_equal(name, "refs/heads/new");
	assert_int_equal(mc_deployed_order_trees(&trees, d, cs, "db/migrations"), 0);
	assert_int_equal(trees.len, 2);
	assert_int_equal(mc_deployed_tree_name(&name, d, (const mc_deployed_tree *const *)trees.items,
	                                       trees.len), 0);
	assert_string_equal(name, "refs/heads/new");
	/* of old's tree alone: old */
	for (size_t i = 0; i < trees.len; i++) {
		const mc_deployed_tree *t = trees.items[i];
		if (t->files->files.len == 1) {
			assert_int_equal(mc_deployed_tree_name(&name, d, &t, 1), 0);
			assert_string_equal(name, "refs/heads/old");
		}
	}
	mc_changeset_free(cs);
	mc_deployed_free(d);
	mc_vec_dispose(&trees);
	mc_vec_dispose(&refs);
}

/* path under dir, written with data (NULL: made by the caller) */
static void put(const char *dir, const char *name, const char *data)
{
	char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/db/migrations/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(data, fp);
	assert_int_equal(fclose(fp), 0);
}

static const mc_change *change_at(const mc_changeset *cs, const char *path)
{
	for (size_t i = 0; i < cs->changes.len; i++) {
		const mc_change *ch = cs->changes.items[i];
		if (ch->new_path && !strcmp(ch->new_path, path))
			return ch;
	}
	fail_msg("no change for '%s'", path);
	return NULL;
}

static void expect_unreadable(const mc_changeset *cs,
                              const char *path,
                              mc_change_status st,
                              const char *why)
{
	const mc_change *ch = change_at(cs, path);
	const mc_file *file = after_file(cs, path);

	assert_int_equal(ch->status, st);
	assert_int_equal(ch->flags, MC_CHANGE_NEW_UNREADABLE);
	assert_null(ch->new_data);
	assert_string_equal(ch->new_why, why);
	assert_int_equal(file->error, 1);
	assert_string_equal(file->data, why);
}

/*
 * A work tree (HEAD: 001_t.up.sql, 002_u.up.sql) where 001 became a FIFO,
 * 002 cannot be opened (chmod 000, when not root) and untracked 003 is a
 * dangling link, 004 a loop, 005 a directory: each is a change, flagged,
 * with the words list uses, and nothing hangs or stops the diff.
 */
static void changes__workdir_unreadable_is_flagged(void **state)
{
	struct fx *bare = *state;
	struct fx f;
	mc_changeset *cs;
	git_index *index = NULL;
	git_tree *t = NULL;
	git_reference *ref = NULL;
	const char *names[2] = { "001_t.up.sql", "002_u.up.sql" };
	git_oid ids[2], top, c1;
	char dir[300], path[400];
	mc_buf data = MC_BUF_INIT;
	int denied;

	(void)bare;
	memset(&f, 0, sizeof(f));
	snprintf(dir, sizeof(dir), "%s/w%d", root, seq++);
	assert_int_equal(mc_repo_init(&f.r, dir, 0), 0);
	ids[0] = blob(&f, "CREATE TABLE t (id int);\n", 25);
	ids[1] = blob(&f, "CREATE TABLE u (id int);\n", 25);
	top = tree(&f, 2, names, ids);
	c1 = commit(&f, &top, NULL);
	assert_int_equal(git_reference_create(&ref, f.r->repo,
	                                      "refs/heads/main", &c1, 1, NULL),
	                 0);
	git_reference_free(ref);
	assert_int_equal(git_repository_set_head(f.r->repo, "refs/heads/main"),
	                 0);
	assert_int_equal(git_tree_lookup(&t, f.r->repo, &top), 0);
	assert_int_equal(git_repository_index(&index, f.r->repo), 0);
	assert_int_equal(git_index_read_tree(index, t), 0);
	assert_int_equal(git_index_write(index), 0);
	git_index_free(index);
	git_tree_free(t);

	snprintf(path, sizeof(path), "%s/db", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/db/migrations", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/db/migrations/001_t.up.sql", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	put(dir, "002_u.up.sql", "CREATE TABLE u (id int);\n");
	snprintf(path, sizeof(path), "%s/db/migrations/002_u.up.sql", dir);
	assert_int_equal(chmod(path, 0), 0);
	/* root reads it anyway: then it is an ordinary file (t7308 runs the
	 * commands as another user) */
	denied = access(path, R_OK) != 0;
	snprintf(path, sizeof(path), "%s/db/migrations/003_v.up.sql", dir);
	assert_int_equal(symlink("nowhere.sql", path), 0);
	snprintf(path, sizeof(path), "%s/db/migrations/004_w.up.sql", dir);
	assert_int_equal(symlink("004_w.up.sql", path), 0);
	snprintf(path, sizeof(path), "%s/db/migrations/005_x.up.sql", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/db/migrations/not-a-migration", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	put(dir, "006_y.up.sql", "CREATE TABLE y (id int);\n");
	assert_int_equal(mc_vec_push(&f.dirs, (void *)"db/migrations"), 0);

	cs = load(&f, MC_CHANGES_WORKDIR, NULL);
	expect_unreadable(cs, "db/migrations/001_t.up.sql", MC_CHANGE_MODIFIED,
	                  "not a regular file");
	/* the old side still comes from HEAD */
	assert_string_equal(
	        change_at(cs, "db/migrations/001_t.up.sql")->old_data,
	        "CREATE TABLE t (id int);\n");
	expect_unreadable(cs, "db/migrations/003_v.up.sql", MC_CHANGE_ADDED,
	                  "dangling symbolic link");
	expect_unreadable(cs, "db/migrations/004_w.up.sql", MC_CHANGE_ADDED,
	                  "symbolic link loop");
	expect_unreadable(cs, "db/migrations/005_x.up.sql", MC_CHANGE_ADDED,
	                  "is a directory, not a file");
	if (denied) {
		expect_unreadable(cs, "db/migrations/002_u.up.sql",
		                  MC_CHANGE_MODIFIED, strerror(EACCES));
		assert_int_equal(cs->changes.len, 6);
	} else {
		assert_int_equal(
		        after_file(cs, "db/migrations/002_u.up.sql")->error, 0);
		assert_int_equal(cs->changes.len, 5);
	}
	/* the readable file is an ordinary change; a sub-folder not named
	 * like a migration is not listed */
	assert_int_equal(change_at(cs, "db/migrations/006_y.up.sql")->flags, 0);
	assert_int_equal(
	        ((const mc_dir_state *)cs->after.items[0])->files->files.len,
	        6);
	/* reading it on purpose says why */
	assert_int_equal(mc_changeset_read_after(&data, cs,
	                                         "db/migrations/001_t.up.sql"),
	                 MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        "cannot read migration 'db/migrations/001_t.up.sql': not a regular file");
	mc_error_clear();
	mc_buf_dispose(&data);
	mc_changeset_free(cs);
	mc_vec_dispose(&f.dirs);
	mc_repo_free(f.r);
}

/* mc_file_read_one, the folder listing's reader: a FIFO is refused at
 * once, probing opens without reading, 2 for a plain sub-folder */
static void files__read_one_never_waits(void **state)
{
	mc_buf data = MC_BUF_INIT;
	char dir[300], path[400], *why = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/f%d", root, seq++);
	assert_int_equal(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/001_a.up.sql", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(mc_file_read_one(&data, &why, path, "001_a.up.sql", 0),
	                 1);
	assert_string_equal(why, "not a regular file");
	mc_free(why);
	why = NULL;
	assert_int_equal(mc_file_read_one(&data, &why, dir, "f", 0), 2);
	assert_null(why);
	assert_int_equal(mc_file_read_one(&data, &why, dir, "f.sql", 1), 1);
	assert_string_equal(why, "is a directory, not a file");
	mc_free(why);
	why = NULL;
	snprintf(path, sizeof(path), "%s/002_b.up.sql", dir);
	assert_int_equal(symlink("../missing/002_b.up.sql", path), 0);
	assert_int_equal(mc_file_read_one(&data, &why, path, "002_b.up.sql", 1),
	                 1);
	assert_string_equal(why, "dangling symbolic link");
	mc_free(why);
	why = NULL;
	mc_buf_dispose(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changes__added_too_large_is_flagged),
		cmocka_unit_test(changes__deleted_too_large_is_flagged),
		cmocka_unit_test(changes__modified_too_large_both_sides),
		cmocka_unit_test(deployed__holds_too_large),
		cmocka_unit_test(deployed__names_by_graph),
		cmocka_unit_test(changes__workdir_unreadable_is_flagged),
		cmocka_unit_test(files__read_one_never_waits),
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
