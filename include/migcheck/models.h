/*
 * models.h: the schema the ORM models describe against the schema the
 * migrations build, both built on scratch databases and compared with
 * the schema diff: `model-not-migrated` (the models have a table or
 * column no migration creates, e.g. Sequelize paranoid's deletedAt),
 * `migration-not-modeled` (a warning) and `model-mismatch` (a column's
 * type, nullability or default).
 */
#ifndef MIGCHECK_MODELS_H
#define MIGCHECK_MODELS_H

#include "common.h"
#include "config.h"
#include "drift.h"
#include "report.h"
#include "schema.h"

typedef struct {
	const char *scratch_url; /* server for scratch databases, or NULL */
	const char *workdir;     /* repository work tree: models.schema is
	                          * relative to it, models.command runs in it */
	const mc_config *config; /* models.schema / models.command, runner.up,
	                          * migrations.dialect, drift.ignore */
	mc_dialect engine;       /* UNKNOWN: migrations.dialect, else postgres
	                          * with models.command or a scratch server,
	                          * else sqlite */
} mc_models_opts;

/** Where the models' schema comes from. */
enum {
	MC_MODELS_NONE = 0,
	MC_MODELS_SCHEMA,   /* models.schema, a SQL file */
	MC_MODELS_COMMAND,  /* models.command */
	MC_MODELS_SEQUELIZE /* runner.tool = sequelize and models.path: sync() */
};

#define MC_MODELS_NONE_MESSAGE                                                 \
	"no models schema configured: set models.path with runner.tool = sequelize, " \
	"or models.schema (a SQL file) or models.command in .migcheck"

/** @return MC_MODELS_*: models.schema, else models.command, else
 *  runner.tool = sequelize (of the first migrations folder) with a
 *  models.path, else NONE. */
int mc_models_source(const mc_config *c);

/** One changed file under models.path: its two sides (NULL: absent). */
typedef struct {
	const char *path;     /* repo-relative */
	const char *old_text; /* NUL-terminated, or NULL */
	const char *new_text;
} mc_models_change;

/**
 * Whether these changes change the models' schema, as migcheck's
 * Sequelize runner describes the models (no database): the models of
 * models.path with the changed files' old texts, then their new ones
 * (other files as in the work tree), each model's table, attributes
 * (column, type, nullability, default, key, unique, reference) and
 * indexes compared.
 * @param[out] changed 1 or 0 (1 also on error)
 * @return 0; MC_ERROR with MC_ERROR_RUNNER when the runner cannot start
 *   or load the models (the caller falls back to the file rule);
 *   MC_ENOMEM
 */
MC_NODISCARD int mc_models_schema_changed(int *changed, const mc_config *c,
                                          const char *workdir,
                                          const mc_models_change *changes,
                                          size_t n);

/**
 * Build the migrations' schema (every migration's up, in order) and the
 * models' schema (models.schema applied, models.command run with
 * DATABASE_URL set to a scratch database, or migcheck's Sequelize runner
 * loading the models of models.path and calling sync() on the scratch
 * database, after it ran the migrations there) and compare their tables and
 * columns, adding findings to report.
 * @return 0 (findings or not); MC_ERROR with MC_ERROR_CONFIG (neither
 *   models.schema nor models.command set), MC_ERROR_INPUT (models.schema
 *   unreadable or failing), MC_ERROR_RUNNER (models.command failed; the
 *   Sequelize runner cannot start or cannot load the models),
 *   MC_ERROR_DB; MC_EINTR; MC_ENOMEM
 */
MC_NODISCARD int mc_models_run(mc_report *report,
                               const mc_drift_migrations *migrations,
                               const mc_models_opts *opts);

/**
 * Copy a snapshot without what two writers of the same schema say
 * differently (exposed for the unit test): a column default that is NULL
 * ("NULL", "NULL::text") is no default; on SQLite, a primary key's
 * columns are not nullable (the rowid never is; Sequelize's sync()
 * writes no NOT NULL for a key).
 * @param[out] out free with mc_snapshot_free
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_models__canonical(mc_snapshot **out,
                                      const mc_snapshot *in);
/** @return 1 when two column types are the same: equal, or on SQLite of
 *  one affinity (VARCHAR(255) and TEXT); exposed for the test. */
int mc_models__same_type(mc_dialect engine, const char *a, const char *b);
/** @return 1 when a column default v says NULL (exposed for the test). */
int mc_models__null_default(const char *v);

#endif
