/*
 * cmd_models.c: 'migcheck models', the models' schema against the
 * migrations' schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migcheck/db.h"
#include "migcheck/drift.h"
#include "migcheck/errors.h"
#include "migcheck/models.h"
#include "util/banned.h"

static const char usage_short[] =
        "usage: migcheck models [--dir <dir>]... [--scratch <url>] [--engine sqlite|postgres]\n";

static const char usage_long[] =
        "Compare the schema the ORM models describe (models.schema, a SQL file;\n"
        "models.command, run with DATABASE_URL set to a scratch database; or with\n"
        "runner.tool = sequelize, the models of models.path and sync()) with the\n"
        "schema the migrations build: tables and columns (type, nullability, default).\n"
        "      --dir <dir>       migrations folder (repeatable; overrides migrations.dir)\n"
        "      --scratch <url>   server for the scratch databases (default scratch.postgres,\n"
        "                        $MIGCHECK_SCRATCH_URL, else a throw-away local cluster)\n"
        "      --engine <name>   sqlite or postgres (default migrations.dialect)\n" MC_COMMON_HELP
        "Exit status: 0 models match (warnings allowed), 1 a model has what no\n"
        "migration creates or differs, 2 usage or configuration error, 3 a\n"
        "database, models.command or the runner failed to run.\n";

enum { OPT_SCRATCH = 2000, OPT_ENGINE };

static const struct option longopts[] = {
	{ "scratch", required_argument, NULL, OPT_SCRATCH },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	MC_DIR_LONGOPT,
	MC_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int cmd_models(int argc, char **argv)
{
	mc_models_opts opts;
	mc_drift_migrations migs = MC_DRIFT_MIGRATIONS_INIT;
	mc_report *report = NULL;
	struct cli_args a = CLI_ARGS_INIT("models", usage_short, "", CLI_ARGS_DIRS_IN_TREE);
	int c, rc = MC_EXIT_OK;

	memset(&opts, 0, sizeof(opts));
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_short, stdout);
			fputs(usage_long, stdout);
			goto done;
		case OPT_SCRATCH:
			opts.scratch_url = optarg;
			break;
		case OPT_ENGINE:
			if (mc_dialect_parse(&opts.engine, optarg) < 0) {
				rc = cli_usage_error(
				        "models", usage_short,
				        "unknown engine '%s' (sqlite, postgres)",
				        optarg);
				goto done;
			}
			break;
		default:
			if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0)
				goto done;
		}
	}
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto done;
	/* scratch.postgres, with MIGCHECK_SCRATCH_URL (validated) already
	 * put over it by the config loader */
	if (!opts.scratch_url && mc_cli.config)
		opts.scratch_url = mc_cli.config->scratch_postgres;
	opts.config = mc_cli.config;
	opts.workdir = mc_repo_workdir(mc_cli.repo);
	if (mc_models_source(mc_cli.config) == MC_MODELS_NONE) {
		rc = cli_error(MC_EXIT_USAGE, "%s", MC_MODELS_NONE_MESSAGE);
		goto done;
	}
	if (mc_drift_migrations_load(&migs, mc_cli.config, opts.workdir) < 0 ||
	    mc_report_new(&report, "models") < 0 ||
	    mc_config_apply_severities(mc_cli.config, report) < 0 ||
	    (mc_db_signals_install(), mc_models_run(report, &migs, &opts)) <
	            0) {
		/* scratch databases are gone by now: the run unwound */
		rc = mc_db_interrupted() ? cli_error(128 + mc_db_interrupted(),
		                                     "interrupted")
		                         : cli_error_last();
		goto done;
	}
	rc = cli_emit_report(report);
done:
	mc_report_free(report);
	mc_drift_migrations_dispose(&migs);
	return rc;
}
