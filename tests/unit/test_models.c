/*
 * test_models.c: mc_models_run on SQLite scratch databases (no server):
 * a models.schema with a column no migration creates, and the error
 * paths a user can hit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/config.h"
#include "migcheck/drift.h"
#include "migcheck/errors.h"
#include "migcheck/models.h"
#include "util/banned.h"

struct fixture {
	char dir[64];
	mc_config *config;
	mc_drift_migrations migs;
};

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char sub[128];

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/migcheck-test-models.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/db", fx->dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/db/migrations", fx->dir);
	mkdir(sub, 0700);
	write_file(
	        fx->dir, "db/migrations/1_users.up.sql",
	        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n");
	write_file(fx->dir, "db/migrations/1_users.down.sql",
	           "DROP TABLE users;\n");
	write_file(fx->dir, "db/migrations/2_legacy.up.sql",
	           "CREATE TABLE legacy (id INTEGER);\n");
	write_file(fx->dir, "db/migrations/2_legacy.down.sql",
	           "DROP TABLE legacy;\n");
	write_file(
	        fx->dir, "db/schema.sql",
	        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, deleted_at TEXT);\n");
	if (mc_config_new(&fx->config) < 0 ||
	    mc_config_set(fx->config, "migrations.dir", "db/migrations") < 0 ||
	    mc_config_set(fx->config, "migrations.format", "golang-migrate") <
	            0 ||
	    mc_config_set(fx->config, "migrations.dialect", "sqlite") < 0 ||
	    mc_drift_migrations_load(&fx->migs, fx->config, fx->dir) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	mc_drift_migrations_dispose(&fx->migs);
	mc_config_free(fx->config);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void models__schema_file_findings(void **state)
{
	struct fixture *fx = *state;
	mc_models_opts opts = { NULL, fx->dir, fx->config, MC_DIALECT_UNKNOWN };
	mc_report *r = NULL;

	assert_int_equal(fx->migs.all.items.len, 2);
	assert_int_equal(
	        mc_config_set(fx->config, "models.schema", "db/schema.sql"), 0);
	assert_int_equal(mc_report_new(&r, "models"), 0);
	assert_int_equal(mc_models_run(r, &fx->migs, &opts), 0);
	assert_int_equal(mc_report_count(r), 3);
	assert_string_equal(mc_report_get(r, 0)->code, "migration-not-modeled");
	assert_string_equal(
	        mc_report_get(r, 0)->message,
	        "table main.legacy is created by the migrations but no model has it");
	assert_string_equal(mc_report_get(r, 1)->code, "model-not-migrated");
	assert_string_equal(
	        mc_report_get(r, 1)->message,
	        "table main.users: column deleted_at is in the models but no migration creates it");
	assert_string_equal(mc_report_get(r, 2)->code, "model-mismatch");
	assert_string_equal(mc_report_get(r, 2)->detail,
	                    "nullable: migrations false, models true");
	mc_report_free(r);
}

static void models__not_configured(void **state)
{
	struct fixture *fx = *state;
	mc_models_opts opts = { NULL, fx->dir, fx->config, MC_DIALECT_UNKNOWN };
	mc_report *r = NULL;

	assert_int_equal(mc_report_new(&r, "models"), 0);
	assert_int_equal(mc_models_run(r, &fx->migs, &opts), MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(
	        mc_error_last()->message,
	        "no models schema configured: set models.path with runner.tool = sequelize, or models.schema (a SQL file) or models.command in .migcheck");
	mc_report_free(r);
}

static void models__schema_file_missing_or_failing(void **state)
{
	struct fixture *fx = *state;
	mc_models_opts opts = { NULL, fx->dir, fx->config, MC_DIALECT_UNKNOWN };
	mc_report *r = NULL;

	assert_int_equal(mc_report_new(&r, "models"), 0);
	assert_int_equal(
	        mc_config_set(fx->config, "models.schema", "db/nope.sql"), 0);
	assert_int_equal(mc_models_run(r, &fx->migs, &opts), MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_INPUT);
	assert_non_null(strstr(mc_error_last()->message,
	                       "cannot read models.schema 'db/nope.sql': "));

	write_file(fx->dir, "db/bad.sql", "CREATE TABLE (;\n");
	assert_int_equal(
	        mc_config_set(fx->config, "models.schema", "db/bad.sql"), 0);
	assert_int_equal(mc_models_run(r, &fx->migs, &opts), MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_INPUT);
	assert_non_null(strstr(
	        mc_error_last()->message,
	        "models.schema 'db/bad.sql' fails on the scratch database: "));
	assert_int_equal(mc_report_count(r), 0);
	mc_report_free(r);
}

static void models__null_default_words(void **state)
{
	(void)state;
	assert_true(mc_models__null_default("NULL"));
	assert_true(mc_models__null_default("null"));
	assert_true(mc_models__null_default("(NULL)"));
	assert_true(mc_models__null_default("NULL::character varying"));
	assert_false(mc_models__null_default(NULL));
	assert_false(mc_models__null_default("'NULL'"));
	assert_false(mc_models__null_default("NULLIF(a, b)"));
	assert_false(mc_models__null_default("0"));
	assert_true(mc_models__same_type(MC_DIALECT_SQLITE, "VARCHAR(255)", "TEXT"));
	assert_true(mc_models__same_type(MC_DIALECT_SQLITE, "BIGINT", "INTEGER"));
	assert_false(mc_models__same_type(MC_DIALECT_SQLITE, "INTEGER", "TEXT"));
	assert_false(mc_models__same_type(MC_DIALECT_POSTGRES, "character varying(255)", "text"));
}

/* The noise between a migration's DDL and Sequelize's sync() for the same
 * schema: SQLite primary keys (INTEGER, UUID) with and without NOT NULL,
 * DEFAULT NULL and no default, VARCHAR(255) and TEXT on SQLite; a long
 * default cut around its first difference. INTEGER against TEXT stays. */
static void models__noise_is_not_a_finding(void **state)
{
	struct fixture *fx = *state;
	mc_models_opts opts = { NULL, fx->dir, fx->config, MC_DIALECT_UNKNOWN };
	mc_report *r = NULL;
	char *up, *schema, *want, *a;
	const size_t na = 3000;

	a = malloc(na + 1);
	assert_non_null(a);
	memset(a, 'A', na);
	a[na] = '\0';
	up = mc_asprintf(
	        "CREATE TABLE things (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, note TEXT DEFAULT NULL, n integer DEFAULT (NULL));\n"
	        "CREATE TABLE tags (name UUID NOT NULL PRIMARY KEY, icon TEXT DEFAULT 'iVBOR%sX', label VARCHAR(255), kind INTEGER);\n",
	        a);
	schema = mc_asprintf(
	        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
	        "CREATE TABLE legacy (id INTEGER);\n"
	        "CREATE TABLE things (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT, n integer);\n"
	        "CREATE TABLE tags (name UUID PRIMARY KEY, icon TEXT DEFAULT 'iVBOR%sY', label TEXT, kind TEXT);\n",
	        a);
	assert_non_null(up);
	assert_non_null(schema);
	write_file(fx->dir, "db/migrations/3_things.up.sql", up);
	write_file(fx->dir, "db/migrations/3_things.down.sql",
	           "DROP TABLE things; DROP TABLE tags;\n");
	write_file(fx->dir, "db/schema.sql", schema);
	mc_drift_migrations_dispose(&fx->migs);
	assert_int_equal(mc_drift_migrations_load(&fx->migs, fx->config, fx->dir), 0);
	assert_int_equal(
	        mc_config_set(fx->config, "models.schema", "db/schema.sql"), 0);
	assert_int_equal(mc_report_new(&r, "models"), 0);
	assert_int_equal(mc_models_run(r, &fx->migs, &opts), 0);
	assert_int_equal(mc_report_count(r), 2);
	assert_string_equal(mc_report_get(r, 0)->message,
	                    "table main.tags: column icon differs between the models and the migrations");
	want = mc_asprintf("default: migrations ...%.48sX', models ...%.48sY'", a, a);
	assert_non_null(want);
	assert_string_equal(mc_report_get(r, 0)->detail, want);
	assert_string_equal(mc_report_get(r, 1)->message,
	                    "table main.tags: column kind differs between the models and the migrations");
	assert_string_equal(mc_report_get(r, 1)->detail,
	                    "type: migrations INTEGER, models TEXT");
	mc_report_free(r);
	mc_free(want);
	mc_free(up);
	mc_free(schema);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(models__schema_file_findings,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(models__not_configured, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		        models__schema_file_missing_or_failing, setup,
		        teardown),
		cmocka_unit_test(models__null_default_words),
		cmocka_unit_test_setup_teardown(models__noise_is_not_a_finding,
		                                setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
