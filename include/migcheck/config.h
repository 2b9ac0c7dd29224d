/*
 * config.h: the .migcheck file, git config migcheck.* and option overrides.
 */
#ifndef MIGCHECK_CONFIG_H
#define MIGCHECK_CONFIG_H

#include "common.h"
#include "migration.h"
#include "report.h"
#include "vec.h"

typedef struct {
	char *code;
	mc_severity severity;
} mc_severity_override;

typedef struct {
	mc_vec dirs;           /* char*: migrations.dir, repo-relative */
	mc_format format;      /* migrations.format (AUTO) */
	mc_dialect dialect;    /* migrations.dialect (UNKNOWN = detect) */
	int require_down;      /* migrations.requireDown (1) */
	char *table;           /* migrations.table or NULL (auto) */
	mc_vec deploy_refs;    /* char*: deploy.ref, globs allowed */
	mc_vec model_paths;    /* char*: models.path globs */
	char *models_pattern;  /* models.pattern (POSIX ERE) or NULL */
	char *models_schema;   /* models.schema or NULL */
	char *models_command;  /* models.command or NULL */
	char *runner_up;       /* runner.up or NULL */
	char *runner_down;     /* runner.down or NULL */
	char *scratch_postgres;/* scratch.postgres or NULL */
	mc_vec drift_ignore;   /* char*: drift.ignore globs */
	mc_vec severities;     /* mc_severity_override*: [severity] code = sev */
	char *source;          /* path of the .migcheck read, or NULL */
} mc_config;

typedef struct mc_repo mc_repo;

/**
 * Load .migcheck from the repo root (if present), then the repo's git
 * config migcheck.* keys over it. Unknown keys and bad values are
 * MC_ERROR_CONFIG errors naming file:line.
 * @param[out] out free with mc_config_free
 */
MC_NODISCARD int mc_config_load(mc_config **out, mc_repo *repo);
/** A config with defaults and nothing set; free with mc_config_free. */
MC_NODISCARD int mc_config_new(mc_config **out);
void mc_config_free(mc_config *c);
/** Apply [severity] overrides to a report. */
MC_NODISCARD int mc_config_apply_severities(const mc_config *c, mc_report *r);

#endif
