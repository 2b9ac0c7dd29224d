/*
 * drift.h: a live database against the migrations.
 *
 * History drift reads the tracking table of the migration tool in use
 * (golang-migrate, dbmate, goose, Sequelize, Flyway, knex, Alembic) and
 * compares the applied set with the repository: `pending`,
 * `unknown-applied`, `dirty`. Schema drift compares a snapshot of the
 * target with a snapshot of a scratch database on which exactly the
 * applied migrations were replayed (see the schema module for the diff).
 *
 * The tracking table is read through a query callback, so this module
 * never opens a connection itself and can be tested without a server.
 */
#ifndef MIGCHECK_DRIFT_H
#define MIGCHECK_DRIFT_H

#include <stddef.h>
#include "common.h"
#include "buf.h"
#include "config.h"
#include "migration.h"
#include "report.h"
#include "vec.h"

/** The migration tool whose tracking table a database carries. */
typedef enum {
	MC_TRACKER_UNKNOWN = 0,
	MC_TRACKER_GOLANG_MIGRATE, /* schema_migrations(version bigint, dirty
	                              bool) */
	MC_TRACKER_DBMATE,         /* schema_migrations(version varchar) */
	MC_TRACKER_GOOSE,     /* goose_db_version(version_id, is_applied) */
	MC_TRACKER_SEQUELIZE, /* "SequelizeMeta"(name): file names */
	MC_TRACKER_FLYWAY,    /* flyway_schema_history(..., success) */
	MC_TRACKER_KNEX,      /* knex_migrations(name, batch) */
	MC_TRACKER_ALEMBIC,   /* alembic_version(version_num) */
	MC_TRACKER_SQL_MIGRATE /* gorp_migrations(id, applied_at): file names */
} mc_tracker;

/** @return "golang-migrate", "dbmate", ...; static storage. */
const char *mc_tracker_name(mc_tracker t);

/** Text rows of a query result, row-major; a cell is NULL for SQL NULL. */
typedef struct {
	size_t ncols;
	size_t nrows;
	char **cells; /* nrows * ncols, each freed with mc_free */
} mc_drift_rows;

#define MC_DRIFT_ROWS_INIT                                                     \
	{                                                                      \
		0, 0, NULL                                                     \
	}

/** @return the cell (row, col), borrowed; NULL for NULL or out of range. */
const char *mc_drift_rows_get(const mc_drift_rows *r, size_t row, size_t col);
/** Append one row of ncols cells (copied; NULL allowed). */
MC_NODISCARD int
mc_drift_rows_add(mc_drift_rows *r, const char *const *cells, size_t ncols);
void mc_drift_rows_dispose(mc_drift_rows *r);

/**
 * Run one read-only query and return its rows as text. The callback sets
 * mc_error and returns < 0 when the query fails.
 */
typedef int (*mc_drift_query_fn)(mc_drift_rows *out,
                                 void *ctx,
                                 const char *sql);

/** One row of a tracking table, already interpreted. */
typedef struct {
	char *id;     /* version, or file name (by_name) */
	int by_name;  /* sequelize, knex, sql-migrate: id is a file name */
	int dirty;    /* golang-migrate dirty, flyway success = false */
	int baseline; /* flyway BASELINE: every version up to it counts as
	                 applied */
	char *detail; /* e.g. "installed_rank 3", or NULL */
} mc_drift_applied;

/** What the tracking table says. */
typedef struct {
	mc_tracker tracker;
	char *table;    /* as found: "public.schema_migrations" */
	int head_only;  /* golang-migrate, alembic: one row names the newest
	                   applied */
	mc_vec applied; /* of mc_drift_applied*, in the table's order */
} mc_drift_history;

/**
 * Find and read the tracking table.
 * @param table migrations.table or NULL to detect; may be "schema.name"
 * @param dialect MC_DIALECT_POSTGRES or MC_DIALECT_SQLITE
 * @param[out] out free with mc_drift_history_free
 * @return 0; MC_ENOTFOUND (MC_ERROR_DB "no migration tracking table found
 *   ...") when the database has none; MC_ERROR (several candidates, an
 *   unknown layout, a query that failed); MC_ENOMEM
 */
MC_NODISCARD int mc_drift_history_read(mc_drift_history **out,
                                       mc_drift_query_fn query,
                                       void *ctx,
                                       mc_dialect dialect,
                                       const char *table);
void mc_drift_history_free(mc_drift_history *h);

enum {
	MC_DRIFT_REQUIRE_APPLIED = (1 << 0) /* pending is an error */
};

/**
 * Compare the history with the repository's migrations, adding `pending`,
 * `unknown-applied` and `dirty` findings to report.
 * @param[out] replay optional: the migrations (const mc_migration*,
 *   borrowed from list) the database has applied cleanly, in order; the
 *   caller disposes the vector with mc_vec_dispose
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_drift_history_compare(mc_vec *replay,
                                          mc_report *report,
                                          const mc_drift_history *h,
                                          const mc_migration_list *list,
                                          unsigned flags);

/**
 * @return 1 when pattern (drift.ignore: "kind:schema.name", '*' and '?'
 * globs, kind optional) matches the object kind/name; 0 otherwise.
 */
int mc_drift_ignore_match(const char *pattern,
                          const char *kind,
                          const char *name);

/* --- loading the repository's migrations -------------------------------- */

/** Every configured folder's migrations, merged in version order. */
typedef struct {
	mc_vec lists; /* of mc_migration_list*, owned */
	mc_migration_list
	        all; /* items borrowed from lists, sorted by version */
	char *table; /* the folders' migrations.table, NULL: detected */
} mc_drift_migrations;

#define MC_DRIFT_MIGRATIONS_INIT                                               \
	{                                                                      \
		MC_VEC_INIT,                                                   \
		{                                                              \
			MC_VEC_INIT, MC_FORMAT_AUTO, NULL, 0, 0                \
		},                                                             \
		NULL                                                           \
	}

/**
 * Read the project's folders (mc_project_open: migrations.dir, found under
 * workdir when none is configured) with each folder's format and dialect,
 * and the tracking table they name ([migrations "<dir>"] table over
 * migrations.table). Discovery problems are check's business and are not
 * reported here.
 * @param config NULL for the defaults
 * @param[out] out dispose with mc_drift_migrations_dispose (also on error)
 * @return 0; MC_ENOTFOUND (MC_ERROR_CONFIG) when no folder is configured
 *   or found, or a configured one does not exist; MC_ERROR
 *   (MC_ERROR_CONFIG) when the folders name different tracking tables;
 *   MC_ENOMEM; MC_ERROR
 */
MC_NODISCARD int mc_drift_migrations_load(mc_drift_migrations *out,
                                          const mc_config *config,
                                          const char *workdir);
/** The same, with table (drift --table) over the folders' own, if not NULL. */
MC_NODISCARD int mc_drift_migrations_load_table(mc_drift_migrations *out,
                                                const mc_config *config,
                                                const char *workdir,
                                                const char *table);
void mc_drift_migrations_dispose(mc_drift_migrations *m);

/* --- the whole drift run ------------------------------------------------- */

enum {
	MC_DRIFT_WITH_PRIVILEGES = (1 << 1), /* compare owners and grants */
	MC_DRIFT_HISTORY_ONLY = (1 << 2),    /* skip schema drift */
	MC_DRIFT_SUGGEST_SQL = (1 << 3),     /* fill sql_out with suggestions */
	MC_DRIFT_STRICT_COLUMN_ORDER = (1 << 4),
	MC_DRIFT_PRINT_SNAPSHOT =
	        (1 << 5) /* only: target's snapshot text to sql_out */
};

typedef struct {
	const char *url;         /* the target, password included */
	const char *scratch_url; /* server for scratch databases, or NULL */
	const char *workdir;     /* repository work tree (runner cwd) */
	const mc_config *config; /* migrations.table, drift.ignore, runner.up */
	const char *const
	        *schemas; /* --schema: NULL-terminated, or NULL = all */
	unsigned flags;   /* MC_DRIFT_* */
	unsigned statement_timeout_ms; /* 0: default (30 s) */
	unsigned lock_timeout_ms;      /* 0: default (5 s) */
} mc_drift_opts;

/**
 * Drift of a live database against migrations: history findings, then
 * (unless MC_DRIFT_HISTORY_ONLY) the applied migrations replayed on a
 * scratch database of the same engine and both schemas compared:
 * drift-missing, drift-unexpected, drift-changed, version-mismatch,
 * insecure-connection, up-failed (a migration the target applied fails
 * on the scratch database). The target is only read, inside one
 * read-only transaction.
 * @param sql_out with MC_DRIFT_SUGGEST_SQL: receives suggested SQL
 *   (statements with comments); with MC_DRIFT_PRINT_SNAPSHOT: the
 *   target's canonical snapshot (and nothing else is done); may be NULL
 *   otherwise
 * @return 0 (findings or not); MC_ENOTFOUND when the target has no
 *   tracking table; MC_ERROR with MC_ERROR_DB (cannot connect, query
 *   failed), MC_EINTR, MC_ENOMEM
 */
MC_NODISCARD int mc_drift_run(mc_report *report,
                              mc_buf *sql_out,
                              const mc_drift_migrations *migrations,
                              const mc_drift_opts *opts);

#endif
