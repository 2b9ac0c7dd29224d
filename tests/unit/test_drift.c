/*
 * test_drift.c: history drift (tracking tables read through a fake query
 * callback), the insecure-connection rule, ignore globs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/drift.h"
#include "migcheck/errors.h"
#include "migcheck/report.h"
#include "drift/drift_internal.h"
#include "util/banned.h"

/* A fake database: the tracking table's name, its columns, its rows. */
struct fake {
	const char *table;       /* NULL: no tracking table */
	const char *schema;      /* "public" */
	const char *const *cols; /* NULL-terminated */
	const char *const *rows; /* ncols cells per row, NULL-terminated by a
	                            NULL first cell */
	size_t ncols;
	int nrows;
	int fail; /* every query fails */
	int queries;
	char last_sql[4096];
};

static int fake_query(mc_drift_rows *out, void *ctx, const char *sql)
{
	struct fake *f = ctx;
	size_t l = strlen(sql) < sizeof(f->last_sql) - 1
	                   ? strlen(sql)
	                   : sizeof(f->last_sql) - 1;
	memcpy(f->last_sql, sql, l);
	f->last_sql[l] = '\0';
	f->queries++;
	if (f->fail)
		return mc_error_set(MC_ERROR_DB,
		                    "server closed the connection");
	if (strstr(sql, "pg_attribute") || strstr(sql, "pragma_table_info")) {
		for (size_t i = 0; f->cols[i]; i++)
			if (mc_drift_rows_add(out, &f->cols[i], 1) < 0)
				return -1;
		return 0;
	}
	if (strstr(sql, "pg_class") || strstr(sql, "sqlite_master")) {
		const char *cells[2] = { f->schema, f->table };
		if (f->table && strstr(sql, f->table))
			return mc_drift_rows_add(out, cells, 2);
		out->ncols = 2;
		return 0;
	}
	out->ncols = f->ncols;
	for (int r = 0; r < f->nrows; r++)
		if (mc_drift_rows_add(out, &f->rows[(size_t)r * f->ncols],
		                      f->ncols) < 0)
			return -1;
	return 0;
}

/* A migration list built by hand: versions with an up file each. */
struct repo {
	mc_migration_list list;
	mc_migration m[8];
	mc_script up[8];
};

static void repo_init(struct repo *r,
                      const char *const *files,
                      const char *const *versions,
                      size_t n)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		r->up[i].path = (char *)files[i];
		r->m[i].version = (char *)versions[i];
		r->m[i].up = &r->up[i];
		assert_int_equal(mc_vec_push(&r->list.items, &r->m[i]), 0);
	}
}

static void repo_dispose(struct repo *r)
{
	mc_vec_dispose(&r->list.items);
}

static const char *const gm_files[] = {
	"db/migrations/1_init.up.sql",
	"db/migrations/2_users.up.sql",
	"db/migrations/3_posts.up.sql",
};
static const char *const gm_versions[] = { "1", "2", "3" };

/* Run history read + compare; return the report (caller frees). */
static mc_report *drift_run(struct fake *f,
                            mc_dialect d,
                            const char *table,
                            struct repo *repo,
                            unsigned flags,
                            mc_vec *replay,
                            mc_drift_history **hout)
{
	mc_drift_history *h = NULL;
	mc_report *r = NULL;
	if (mc_drift_history_read(&h, fake_query, f, d, table) < 0)
		fail_msg("%s", mc_error_last()->message);
	assert_int_equal(mc_report_new(&r, "drift"), 0);
	assert_int_equal(
	        mc_drift_history_compare(replay, r, h, &repo->list, flags), 0);
	if (hout)
		*hout = h;
	else
		mc_drift_history_free(h);
	return r;
}

static void drift__golang_migrate_head_and_pending(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", "dirty", NULL };
	static const char *const rows[] = { "2", "false" };
	struct fake f = {
		"schema_migrations", "public", cols, rows, 2, 1, 0, 0, ""
	};
	struct repo repo;
	mc_vec replay = MC_VEC_INIT;
	mc_drift_history *h;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, &replay, &h);
	assert_int_equal(h->tracker, MC_TRACKER_GOLANG_MIGRATE);
	assert_string_equal(h->table, "public.schema_migrations");
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "pending");
	assert_string_equal(mc_report_get(r, 0)->migration, "3");
	assert_string_equal(mc_report_get(r, 0)->file,
	                    "db/migrations/3_posts.up.sql");
	assert_int_equal(mc_report_get(r, 0)->severity, MC_SEV_WARNING);
	assert_int_equal(mc_report_errors(r), 0);
	assert_int_equal(replay.len, 2);
	assert_ptr_equal(replay.items[0], &repo.m[0]);
	assert_ptr_equal(replay.items[1], &repo.m[1]);
	assert_non_null(
	        strstr(f.last_sql, "FROM \"public\".\"schema_migrations\""));
	mc_vec_dispose(&replay);
	mc_drift_history_free(h);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void
drift__require_applied_makes_pending_an_error(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", "dirty", NULL };
	static const char *const rows[] = { "2", "false" };
	struct fake f = {
		"schema_migrations", "public", cols, rows, 2, 1, 0, 0, ""
	};
	struct repo repo;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo,
	              MC_DRIFT_REQUIRE_APPLIED, NULL, NULL);
	assert_int_equal(mc_report_errors(r), 1);
	assert_int_equal(mc_report_get(r, 0)->severity, MC_SEV_ERROR);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__golang_migrate_dirty_row(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", "dirty", NULL };
	static const char *const rows[] = { "3", "true" };
	struct fake f = {
		"schema_migrations", "public", cols, rows, 2, 1, 0, 0, ""
	};
	struct repo repo;
	mc_vec replay = MC_VEC_INIT;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, &replay, NULL);
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "dirty");
	assert_string_equal(mc_report_get(r, 0)->migration, "3");
	assert_string_equal(
	        mc_report_get(r, 0)->message,
	        "migration '3' is recorded as failed or half-applied in public.schema_migrations");
	assert_int_equal(replay.len, 2); /* the dirty one is not replayed */
	mc_vec_dispose(&replay);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__dbmate_unknown_applied(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", NULL };
	static const char *const rows[] = { "1", "2", "20990101000000" };
	struct fake f = {
		"schema_migrations", "public", cols, rows, 1, 3, 0, 0, ""
	};
	struct repo repo;
	mc_drift_history *h;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, NULL, &h);
	assert_int_equal(h->tracker, MC_TRACKER_DBMATE);
	assert_int_equal(mc_report_count(r), 2);
	assert_string_equal(mc_report_get(r, 0)->code, "unknown-applied");
	assert_string_equal(
	        mc_report_get(r, 0)->message,
	        "the database records migration '20990101000000' (public.schema_migrations), which is not in the repository");
	assert_string_equal(mc_report_get(r, 1)->code, "pending");
	assert_string_equal(mc_report_get(r, 1)->migration, "3");
	mc_drift_history_free(h);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__pending_gap_says_older(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", NULL };
	static const char *const rows[] = { "001", "3" };
	struct fake f = {
		"schema_migrations", "public", cols, rows, 1, 2, 0, 0, ""
	};
	struct repo repo;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, NULL, NULL);
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "pending");
	assert_string_equal(mc_report_get(r, 0)->migration, "2");
	assert_string_equal(
	        mc_report_get(r, 0)->detail,
	        "older than '3', the newest applied migration: it was skipped or merged late");
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__goose_rolled_back_row(void **state MC_UNUSED)
{
	static const char *const cols[] = { "id", "version_id", "is_applied",
		                            "tstamp", NULL };
	static const char *const rows[] = { "0", "true", "1", "true",
		                            "2", "true", "2", "false",
		                            "3", "true" };
	struct fake f = {
		"goose_db_version", "public", cols, rows, 2, 5, 0, 0, ""
	};
	struct repo repo;
	mc_vec replay = MC_VEC_INIT;
	mc_drift_history *h;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, &replay, &h);
	assert_int_equal(h->tracker, MC_TRACKER_GOOSE);
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "pending");
	assert_string_equal(mc_report_get(r, 0)->migration, "2");
	assert_int_equal(replay.len, 2);
	mc_vec_dispose(&replay);
	mc_drift_history_free(h);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__flyway_failed_row(void **state MC_UNUSED)
{
	static const char *const cols[] = { "installed_rank",
		                            "version",
		                            "description",
		                            "type",
		                            "script",
		                            "checksum",
		                            "installed_by",
		                            "installed_on",
		                            "execution_time",
		                            "success",
		                            NULL };
	static const char *const rows[] = {
		"1", "1",   "V1__init.sql",    "SQL", "true",
		"2", NULL,  "R__views.sql",    "SQL", "true",
		"3", "1.1", "V1_1__users.sql", "SQL", "false",
	};
	static const char *const files[] = { "sql/V1__init.sql",
		                             "sql/V1_1__users.sql" };
	static const char *const versions[] = { "1", "1_1" };
	struct fake f = {
		"flyway_schema_history", "public", cols, rows, 5, 3, 0, 0, ""
	};
	struct repo repo;
	mc_vec replay = MC_VEC_INIT;
	mc_report *r;

	repo_init(&repo, files, versions, 2);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, &replay, NULL);
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "dirty");
	assert_string_equal(mc_report_get(r, 0)->file, "sql/V1_1__users.sql");
	assert_string_equal(mc_report_get(r, 0)->detail,
	                    "installed_rank 3, script V1_1__users.sql");
	assert_int_equal(replay.len, 1);
	mc_vec_dispose(&replay);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__flyway_baseline_covers_older_versions(void **state MC_UNUSED)
{
	static const char *const cols[] = { "installed_rank", "version",
		                            "success", NULL };
	static const char *const rows[] = {
		"1", "2", "<< Flyway Baseline >>", "BASELINE", "true",
		"2", "3", "V3__posts.sql",         "SQL",      "true",
	};
	struct fake f = {
		"flyway_schema_history", "public", cols, rows, 5, 2, 0, 0, ""
	};
	struct repo repo;
	mc_vec replay = MC_VEC_INIT;
	mc_report *r;

	repo_init(&repo, gm_files, gm_versions, 3);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, &replay, NULL);
	assert_int_equal(mc_report_count(r), 0);
	assert_int_equal(replay.len, 3);
	mc_vec_dispose(&replay);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__sequelize_names_are_files(void **state MC_UNUSED)
{
	static const char *const cols[] = { "name", NULL };
	static const char *const rows[] = { "20240101000000-create-users.js",
		                            "20240301000000-hotfix.js" };
	static const char *const files[] = {
		"migrations/20240101000000-create-users.js",
		"migrations/20240201000000-create-posts.js"
	};
	static const char *const versions[] = { "20240101000000",
		                                "20240201000000" };
	struct fake f = {
		"SequelizeMeta", "public", cols, rows, 1, 2, 0, 0, ""
	};
	struct repo repo;
	mc_drift_history *h;
	mc_report *r;

	repo_init(&repo, files, versions, 2);
	r = drift_run(&f, MC_DIALECT_POSTGRES, NULL, &repo, 0, NULL, &h);
	assert_int_equal(h->tracker, MC_TRACKER_SEQUELIZE);
	assert_int_equal(mc_report_count(r), 2);
	assert_string_equal(mc_report_get(r, 0)->code, "unknown-applied");
	assert_string_equal(mc_report_get(r, 0)->migration,
	                    "20240301000000-hotfix.js");
	assert_string_equal(mc_report_get(r, 1)->code, "pending");
	assert_string_equal(mc_report_get(r, 1)->file,
	                    "migrations/20240201000000-create-posts.js");
	mc_drift_history_free(h);
	mc_report_free(r);
	repo_dispose(&repo);
}

static void drift__knex_and_alembic_detected(void **state MC_UNUSED)
{
	static const char *const kcols[] = { "id", "name", "batch",
		                             "migration_time", NULL };
	static const char *const acols[] = { "version_num", NULL };
	static const char *const none[] = { NULL };
	struct fake k = {
		"knex_migrations", "public", kcols, none, 1, 0, 0, 0, ""
	};
	struct fake a = {
		"alembic_version", "public", acols, none, 1, 0, 0, 0, ""
	};
	mc_drift_history *h;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &k,
	                                       MC_DIALECT_POSTGRES, NULL),
	                 0);
	assert_int_equal(h->tracker, MC_TRACKER_KNEX);
	assert_string_equal(mc_tracker_name(h->tracker), "knex");
	mc_drift_history_free(h);
	assert_int_equal(mc_drift_history_read(&h, fake_query, &a,
	                                       MC_DIALECT_POSTGRES, NULL),
	                 0);
	assert_int_equal(h->tracker, MC_TRACKER_ALEMBIC);
	assert_true(h->head_only);
	mc_drift_history_free(h);
}

static void drift__sql_migrate_detected(void **state MC_UNUSED)
{
	static const char *const cols[] = { "id", "applied_at", NULL };
	static const char *const rows[] = { "20230222172540-uid-1.sql",
		                            "20230222172540-uid-2.sql" };
	struct fake f = { "gorp_migrations", "public", cols, rows, 1, 2, 0, 0,
		          "" };
	struct fake named = { "migration_info", "public", cols, rows, 1, 2,
		              0,                0,        "" };
	mc_drift_history *h;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_POSTGRES, NULL),
	                 0);
	assert_int_equal(h->tracker, MC_TRACKER_SQL_MIGRATE);
	assert_string_equal(mc_tracker_name(h->tracker), "sql-migrate");
	assert_false(h->head_only);
	assert_int_equal(h->applied.len, 2);
	assert_true(((mc_drift_applied *)h->applied.items[0])->by_name);
	assert_string_equal(((mc_drift_applied *)h->applied.items[1])->id,
	                    "20230222172540-uid-2.sql");
	mc_drift_history_free(h);
	/* under another name (sql-migrate's 'table' setting) */
	assert_int_equal(mc_drift_history_read(&h, fake_query, &named,
	                                       MC_DIALECT_POSTGRES,
	                                       "migration_info"),
	                 0);
	assert_int_equal(h->tracker, MC_TRACKER_SQL_MIGRATE);
	assert_string_equal(h->table, "public.migration_info");
	mc_drift_history_free(h);
}

static void drift__configured_table_with_schema(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", "dirty", NULL };
	static const char *const rows[] = { "1", "false" };
	struct fake f = { "my_migrations", "ops", cols, rows, 2, 1, 0, 0, "" };
	mc_drift_history *h;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_POSTGRES,
	                                       "ops.my_migrations"),
	                 0);
	assert_string_equal(h->table, "ops.my_migrations");
	assert_int_equal(h->tracker, MC_TRACKER_GOLANG_MIGRATE);
	mc_drift_history_free(h);
}

static void drift__missing_table_is_enotfound(void **state MC_UNUSED)
{
	struct fake f = { NULL, NULL, NULL, NULL, 0, 0, 0, 0, "" };
	mc_drift_history *h = NULL;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_SQLITE, NULL),
	                 MC_ENOTFOUND);
	assert_null(h);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_DB);
	assert_string_equal(
	        mc_error_last()->message,
	        "no migration tracking table found in the database (looked for schema_migrations, goose_db_version, SequelizeMeta, flyway_schema_history, knex_migrations, alembic_version, gorp_migrations); set migrations.table if it has another name");
	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_SQLITE, "mine"),
	                 MC_ENOTFOUND);
	assert_string_equal(
	        mc_error_last()->message,
	        "tracking table 'mine' not found in the database (migrations.table)");
}

static void drift__query_failure_passes_through(void **state MC_UNUSED)
{
	struct fake f = { NULL, NULL, NULL, NULL, 0, 0, 1, 0, "" };
	mc_drift_history *h = NULL;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_POSTGRES, NULL),
	                 MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "server closed the connection");
}

static void drift__sqlite_reads_without_schema(void **state MC_UNUSED)
{
	static const char *const cols[] = { "version", NULL };
	static const char *const rows[] = { "1" };
	struct fake f = {
		"schema_migrations", NULL, cols, rows, 1, 1, 0, 0, ""
	};
	mc_drift_history *h;

	assert_int_equal(mc_drift_history_read(&h, fake_query, &f,
	                                       MC_DIALECT_SQLITE, NULL),
	                 0);
	assert_string_equal(h->table, "schema_migrations");
	assert_non_null(strstr(f.last_sql, "FROM \"schema_migrations\""));
	mc_drift_history_free(h);
}

static void drift__no_leak_when_allocations_fail(void **state MC_UNUSED)
{
	static const char *const cols[] = { "installed_rank", "version",
		                            "success", NULL };
	static const char *const rows[] = { "1",    "1",         "V1__a.sql",
		                            "SQL",  "true",      "2",
		                            "2",    "V2__b.sql", "SQL",
		                            "false" };
	struct repo repo;
	int ok = 0;

	repo_init(&repo, gm_files, gm_versions, 3);
	for (unsigned long n = 1; n < 400 && !ok; n++) {
		struct fake f = { "flyway_schema_history",
			          "public",
			          cols,
			          rows,
			          5,
			          2,
			          0,
			          0,
			          "" };
		mc_drift_history *h = NULL;
		mc_report *r = NULL;
		mc_vec replay = MC_VEC_INIT;
		int e;
		mc_alloc_fail_at(n);
		e = mc_drift_history_read(&h, fake_query, &f,
		                          MC_DIALECT_POSTGRES, NULL);
		if (e == 0)
			e = mc_report_new(&r, "drift");
		if (e == 0)
			e = mc_drift_history_compare(&replay, r, h, &repo.list,
			                             0);
		mc_alloc_fail_at(0);
		if (e == 0)
			ok = 1;
		else
			assert_true(e == MC_ENOMEM || e == MC_ERROR);
		mc_vec_dispose(&replay);
		mc_report_free(r);
		mc_drift_history_free(h);
	}
	assert_true(ok);
	repo_dispose(&repo);
}

static void drift__ignore_globs(void **state MC_UNUSED)
{
	assert_true(mc_drift_ignore_match("table:public.spatial_ref_sys",
	                                  "table", "public.spatial_ref_sys"));
	assert_false(mc_drift_ignore_match("table:public.spatial_ref_sys",
	                                   "index", "public.spatial_ref_sys"));
	assert_true(mc_drift_ignore_match("public.tmp_*", "table",
	                                  "public.tmp_import"));
	assert_true(mc_drift_ignore_match("index:*_tmp_idx", "index",
	                                  "public.x_tmp_idx"));
	assert_true(mc_drift_ignore_match("*:audit.*", "view", "audit.log_v"));
	assert_false(
	        mc_drift_ignore_match("table:audit.*", "table", "public.log"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drift__golang_migrate_head_and_pending),
		cmocka_unit_test(drift__require_applied_makes_pending_an_error),
		cmocka_unit_test(drift__golang_migrate_dirty_row),
		cmocka_unit_test(drift__dbmate_unknown_applied),
		cmocka_unit_test(drift__pending_gap_says_older),
		cmocka_unit_test(drift__goose_rolled_back_row),
		cmocka_unit_test(drift__flyway_failed_row),
		cmocka_unit_test(drift__flyway_baseline_covers_older_versions),
		cmocka_unit_test(drift__sequelize_names_are_files),
		cmocka_unit_test(drift__knex_and_alembic_detected),
		cmocka_unit_test(drift__sql_migrate_detected),
		cmocka_unit_test(drift__configured_table_with_schema),
		cmocka_unit_test(drift__missing_table_is_enotfound),
		cmocka_unit_test(drift__query_failure_passes_through),
		cmocka_unit_test(drift__sqlite_reads_without_schema),
		cmocka_unit_test(drift__no_leak_when_allocations_fail),
		cmocka_unit_test(drift__ignore_globs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
