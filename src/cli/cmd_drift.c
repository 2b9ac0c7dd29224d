/*
 * cmd_drift.c: 'migcheck drift', a live database against the migrations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/drift.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char usage_short[] =
        "usage: migcheck drift [--db <url>] [--dir <dir>]... [--scratch <url>] [--schema <name>]...\n"
        "                      [--require-applied] [--with-privileges] [--history-only] [--sql]\n"
        "                      [--statement-timeout <ms>] [--lock-timeout <ms>] [--table <name>]\n"
        "                      [--print-snapshot]\n";

static const char usage_long[] =
        "Compare a live database with the migrations: which are applied (history\n"
        "drift) and whether its schema is what they build (schema drift). The\n"
        "database is only read, in a READ ONLY transaction.\n"
        "      --db <url>        the database (postgres:// URL, conninfo, sqlite:///path or\n"
        "                        a path); default $MIGCHECK_DATABASE_URL\n"
        "      --dir <dir>       migrations folder (repeatable; overrides migrations.dir)\n"
        "      --scratch <url>   server for the scratch database (default scratch.postgres,\n"
        "                        $MIGCHECK_SCRATCH_URL, else a throw-away local cluster)\n"
        "      --schema <name>   compare only this schema (repeatable)\n"
        "      --table <name>    the tracking table (default the folders' migrations.table, else detected)\n"
        "      --require-applied a pending migration is an error, not a warning\n"
        "      --with-privileges also compare owners and grants\n"
        "      --history-only    only read the tracking table; no scratch database\n"
        "      --strict-column-order  column order counts\n"
        "      --sql             also print SQL that would undo the drift (a suggestion)\n"
        "      --print-snapshot  print the database's schema as migcheck reads it, and stop\n"
        "      --statement-timeout <ms>  per statement on the database (default 30000)\n"
        "      --lock-timeout <ms>  waiting for a lock (default 5000)\n" MC_COMMON_HELP
        "Exit status: 0 no drift (warnings allowed), 1 drift or history errors,\n"
        "2 usage or configuration error, 3 the database cannot be reached or has\n"
        "no migration tracking table.\n";

enum {
	OPT_DB = 2000,
	OPT_SCRATCH,
	OPT_SCHEMA,
	OPT_TABLE,
	OPT_REQUIRE_APPLIED,
	OPT_WITH_PRIVILEGES,
	OPT_HISTORY_ONLY,
	OPT_STRICT_ORDER,
	OPT_SQL,
	OPT_STATEMENT_TIMEOUT,
	OPT_LOCK_TIMEOUT,
	OPT_PRINT_SNAPSHOT
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "scratch", required_argument, NULL, OPT_SCRATCH },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "require-applied", no_argument, NULL, OPT_REQUIRE_APPLIED },
	{ "with-privileges", no_argument, NULL, OPT_WITH_PRIVILEGES },
	{ "history-only", no_argument, NULL, OPT_HISTORY_ONLY },
	{ "strict-column-order", no_argument, NULL, OPT_STRICT_ORDER },
	{ "sql", no_argument, NULL, OPT_SQL },
	{ "statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT },
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
	{ "print-snapshot", no_argument, NULL, OPT_PRINT_SNAPSHOT },
	MC_DIR_LONGOPT,
	MC_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* JSON: the suggestion rides along as "suggested_sql". */
static int attach_sql(mc_report *r, const mc_buf *sql)
{
	return mc_report_set_extra_str(r, "suggested_sql", mc_buf_cstr(sql));
}

int cmd_drift(int argc, char **argv)
{
	mc_drift_opts opts;
	mc_drift_migrations migs = MC_DRIFT_MIGRATIONS_INIT;
	mc_report *report = NULL;
	mc_buf sql = MC_BUF_INIT;
	mc_vec schemas = MC_VEC_INIT;
	const char *table = NULL;
	struct cli_args a = CLI_ARGS_INIT("drift", usage_short, "", CLI_ARGS_DIRS_IN_TREE);
	int c, rc = MC_EXIT_OK, error;

	memset(&opts, 0, sizeof(opts));
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_short, stdout);
			fputs(usage_long, stdout);
			rc = MC_EXIT_OK;
			goto done;
		case OPT_DB:
			opts.url = optarg;
			break;
		case OPT_SCRATCH:
			opts.scratch_url = optarg;
			break;
		case OPT_SCHEMA:
			if (mc_vec_push(&schemas, optarg) < 0) {
				rc = cli_error_last();
				goto done;
			}
			break;
		case OPT_TABLE:
			table = optarg;
			break;
		case OPT_REQUIRE_APPLIED:
			opts.flags |= MC_DRIFT_REQUIRE_APPLIED;
			break;
		case OPT_WITH_PRIVILEGES:
			opts.flags |= MC_DRIFT_WITH_PRIVILEGES;
			break;
		case OPT_HISTORY_ONLY:
			opts.flags |= MC_DRIFT_HISTORY_ONLY;
			break;
		case OPT_STRICT_ORDER:
			opts.flags |= MC_DRIFT_STRICT_COLUMN_ORDER;
			break;
		case OPT_PRINT_SNAPSHOT:
			opts.flags |= MC_DRIFT_PRINT_SNAPSHOT;
			break;
		case OPT_SQL:
			opts.flags |= MC_DRIFT_SUGGEST_SQL;
			break;
		case OPT_STATEMENT_TIMEOUT:
		case OPT_LOCK_TIMEOUT:
			/* a drift session always has both limits: no 0 */
			if ((rc = cli_parse_ms(
			             c == OPT_STATEMENT_TIMEOUT
			                     ? &opts.statement_timeout_ms
			                     : &opts.lock_timeout_ms,
			             "drift", usage_short,
			             c == OPT_STATEMENT_TIMEOUT
			                     ? "--statement-timeout"
			                     : "--lock-timeout",
			             optarg, 0)) != 0)
				goto done;
			break;
		default:
			if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0)
				goto done;
		}
	}
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto done;
	if (!opts.url || !*opts.url)
		opts.url = getenv("MIGCHECK_DATABASE_URL");
	if (!opts.url || !*opts.url) {
		rc = cli_usage_error(
		        "drift", usage_short,
		        "no database given: pass --db <url> or set MIGCHECK_DATABASE_URL");
		goto done;
	}
	/* scratch.postgres, with MIGCHECK_SCRATCH_URL (validated) already
	 * put over it by the config loader */
	if (!opts.scratch_url && mc_cli.config)
		opts.scratch_url = mc_cli.config->scratch_postgres;
	if (schemas.len) {
		if (mc_vec_push(&schemas, NULL) < 0) {
			rc = cli_error_last();
			goto done;
		}
		opts.schemas = (const char *const *)schemas.items;
	}
	opts.config = mc_cli.config;
	opts.workdir = mc_repo_workdir(mc_cli.repo);

	if ((!(opts.flags & MC_DRIFT_PRINT_SNAPSHOT) &&
	     (error = mc_drift_migrations_load_table(&migs, mc_cli.config,
	                                             opts.workdir, table)) < 0) ||
	    (error = mc_report_new(&report, "drift")) < 0 ||
	    (error = mc_config_apply_severities(mc_cli.config, report)) < 0) {
		rc = cli_error_last();
		goto done;
	}
	mc_db_signals_install();
	if ((error = mc_drift_run(report, &sql, &migs, &opts)) < 0) {
		/* scratch databases are gone by now: the run unwound */
		rc = mc_db_interrupted() ? cli_error(128 + mc_db_interrupted(),
		                                     "interrupted")
		                         : cli_error_last();
		goto done;
	}
	if (opts.flags & MC_DRIFT_PRINT_SNAPSHOT) {
		fwrite(mc_buf_cstr(&sql), 1, sql.size, stdout);
		fflush(stdout);
		rc = MC_EXIT_OK;
		goto done;
	}
	if ((opts.flags & MC_DRIFT_SUGGEST_SQL) &&
	    mc_cli.format == MC_OUTPUT_JSON && attach_sql(report, &sql) < 0) {
		rc = cli_error(MC_EXIT_ENV, "out of memory");
		goto done;
	}
	rc = cli_emit_report(report);
	if ((opts.flags & MC_DRIFT_SUGGEST_SQL) &&
	    mc_cli.format == MC_OUTPUT_TEXT) {
		fputs("\n", stdout);
		fputs(mc_buf_cstr(&sql), stdout);
		fflush(stdout);
	}
done:
	mc_report_free(report);
	mc_drift_migrations_dispose(&migs);
	mc_vec_dispose(&schemas);
	mc_buf_dispose(&sql);
	return rc;
}
