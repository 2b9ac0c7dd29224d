/*
 * test_project.c: mc_project_open, the one resolution of config ->
 * folders -> settings -> migrations the commands share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/project.h"

static char tmpdir[64];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mc-test-project.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *rel, const char *content)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(content, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* No folder: one message, whether detection ran or not. */
static void project__no_folder(void **state)
{
	mc_config *c = NULL;
	mc_project *p = NULL;
	mc_project_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.flags = MC_PROJECT_DETECT;
	assert_int_equal(mc_config_new(&c), 0);
	assert_int_equal(mc_project_open(&p, c, tmpdir, &o), MC_ENOTFOUND);
	assert_null(p);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(mc_error_last()->message, MC_PROJECT_NO_FOLDER);
	assert_int_equal(mc_project_open(&p, c, NULL, NULL), MC_ENOTFOUND);
	assert_string_equal(mc_error_last()->message, MC_PROJECT_NO_FOLDER);
	mc_error_clear();
	mc_config_free(c);
}

/* Two folders of two dialects: each read with its own settings, so the
 * PostgreSQL one is not split as SQLite. */
static void project__per_folder(void **state)
{
	mc_config *c = NULL;
	mc_project *p = NULL;
	mc_project_opts o;
	const mc_project_folder *pg, *sq;

	(void)state;
	dir("pg");
	dir("sqlite");
	put("pg/1_a.up.sql", "CREATE TABLE a (id int);");
	put("pg/1_a.down.sql", "DROP TABLE a;");
	put("sqlite/1_a.up.sql", "CREATE TABLE a (id INTEGER);");
	assert_int_equal(mc_config_new(&c), 0);
	assert_int_equal(mc_config_add(c, "migrations.dir", "pg"), 0);
	assert_int_equal(mc_config_add(c, "migrations.dir", "sqlite"), 0);
	assert_int_equal(mc_config_set(c, "migrations.dialect", "sqlite"), 0);
	assert_int_equal(mc_config_set(c, "migrations.pg.dialect", "postgres"), 0);
	assert_int_equal(mc_config_set(c, "migrations.pg.table", "pg_history"), 0);

	/* detection is not used when folders are configured */
	memset(&o, 0, sizeof(o));
	o.flags = MC_PROJECT_DETECT | MC_PROJECT_READ | MC_PROJECT_NO_REQUIRE_DOWN;
	assert_int_equal(mc_project_open(&p, c, tmpdir, &o), 0);
	assert_int_equal(p->detected, 0);
	assert_int_equal(p->folders.len, 2);
	pg = p->folders.items[0];
	sq = p->folders.items[1];
	assert_string_equal(pg->dir, "pg");
	assert_int_equal(pg->discover.dialect, MC_DIALECT_POSTGRES);
	assert_int_equal(pg->discover.require_down, 0);
	assert_string_equal(pg->set.table, "pg_history");
	assert_int_equal(mc_migration_list_count(pg->list), 1);
	assert_int_equal(sq->discover.dialect, MC_DIALECT_SQLITE);
	assert_null(sq->set.table);
	assert_int_equal(mc_migration_list_count(sq->list), 1);
	mc_project_free(p);

	/* forced: --dialect over the folders' own; no reading */
	o.flags = MC_PROJECT_FORCE_DIALECT;
	o.dialect = MC_DIALECT_SQLITE;
	assert_int_equal(mc_project_open(&p, c, tmpdir, &o), 0);
	pg = p->folders.items[0];
	assert_int_equal(pg->discover.dialect, MC_DIALECT_SQLITE);
	assert_null(pg->list);
	mc_project_free(p);
	mc_config_free(c);
}

/* Nothing configured: the folders mc_migration_find_dirs finds. */
static void project__detected(void **state)
{
	mc_config *c = NULL;
	mc_project *p = NULL;
	mc_project_opts o;
	mc_vec dirs = MC_VEC_INIT;

	(void)state;
	dir("db");
	dir("db/migrations");
	put("db/migrations/1_a.up.sql", "CREATE TABLE a (id int);");
	assert_int_equal(mc_config_new(&c), 0);
	memset(&o, 0, sizeof(o));
	o.flags = MC_PROJECT_DETECT;
	assert_int_equal(mc_project_open(&p, c, tmpdir, &o), 0);
	assert_int_equal(p->detected, 1);
	assert_int_equal(mc_project_dirs(&dirs, p), 0);
	assert_int_equal(dirs.len, 1);
	assert_string_equal(dirs.items[0], "db/migrations");
	mc_vec_dispose(&dirs);
	mc_project_free(p);
	mc_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(project__no_folder, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(project__per_folder, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(project__detected, make_tmp, remove_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
