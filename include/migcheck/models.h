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

/**
 * Build the migrations' schema (every migration's up, in order) and the
 * models' schema (models.schema applied, or models.command run with
 * DATABASE_URL set to a scratch database) and compare their tables and
 * columns, adding findings to report.
 * @return 0 (findings or not); MC_ERROR with MC_ERROR_CONFIG (neither
 *   models.schema nor models.command set), MC_ERROR_INPUT (models.schema
 *   unreadable or failing), MC_ERROR_RUNNER (models.command failed),
 *   MC_ERROR_DB; MC_EINTR; MC_ENOMEM
 */
MC_NODISCARD int mc_models_run(mc_report *report,
                               const mc_drift_migrations *migrations,
                               const mc_models_opts *opts);

#endif
