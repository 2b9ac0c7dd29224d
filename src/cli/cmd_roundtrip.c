/*
 * cmd_roundtrip.c: 'migcheck roundtrip': up -> down -> up of each
 * migration on a scratch database (src/roundtrip/ does the work).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "migcheck/roundtrip.h"
#include "util/banned.h"

static const char usage[] =
	"usage: migcheck roundtrip [--dir <dir>]... [--since <rev>] [--mode step|chain]\n"
	"                          [--engine sqlite|postgres]\n"
	"                          [--scratch <url>] [--cleanup] [--strict-column-order]\n"
	"                          [--statement-timeout <ms>] [<version>...]\n";

static const char help[] =
	"Up, down and up again of each migration on a scratch database.\n"
	"      --dir <dir>            migrations folder (repeatable; overrides migrations.dir)\n"
	"      --since <rev>          only the migrations added since <rev>\n"
	"      --mode <mode>          step (default): each migration on its own;\n"
	"                             chain: all ups, all downs in reverse, all ups\n"
	"      --engine <engine>      sqlite or postgres (default: migrations.dialect)\n"
	"      --scratch <url>        PostgreSQL server on which to create scratch databases\n"
	"                             (default: scratch.postgres, $MIGCHECK_SCRATCH_URL)\n"
	"      --cleanup              first drop scratch databases that earlier runs left on it\n"
	"      --strict-column-order  a column's position counts when comparing schemas\n"
	"      --statement-timeout <ms>  time limit per statement and per [runner] command\n"
	"                             (default 30000; 0: no limit): past it, up-failed or down-failed\n"
	"  <version>...               only these migrations\n";

enum {
	OPT_SINCE = 2000,
	OPT_MODE,
	OPT_ENGINE,
	OPT_SCRATCH,
	OPT_CLEANUP,
	OPT_STRICT,
	OPT_STATEMENT_TIMEOUT
};

static int progress_on;
static int progress_shown;

static void progress(void *ctx MC_UNUSED, size_t k, size_t n,
                     const mc_migration *m, const char *what)
{
	/* a terminal: the path must not move the cursor or clear the screen */
	char *path = mc_quote_path_dup(m->up ? m->up->path : m->version);
	fprintf(stderr, "\r\033[Kroundtrip: %zu/%zu %s (%s)", k, n,
	        path ? path : "", what);
	mc_free(path);
	fflush(stderr);
	progress_shown = 1;
}

static void progress_end(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

int cmd_roundtrip(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "scratch", required_argument, NULL, OPT_SCRATCH },
		{ "cleanup", no_argument, NULL, OPT_CLEANUP },
		{ "strict-column-order", no_argument, NULL, OPT_STRICT },
		{ "statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT },
		MC_DIR_LONGOPT,
		MC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	mc_roundtrip_repo_opts ro;
	mc_report *report = NULL;
	const char **versions = NULL;
	struct cli_args a = CLI_ARGS_INIT("roundtrip", usage, "",
	                                  CLI_ARGS_DIRS_IN_TREE | CLI_ARGS_OPERANDS);
	int c, rc, cleanup = 0, error, sig;

	memset(&ro, 0, sizeof(ro));
	ro.statement_timeout_ms = MC_DB_STATEMENT_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			return MC_EXIT_OK;
		case OPT_SINCE:
			ro.since = optarg;
			break;
		case OPT_MODE:
			if (mc_roundtrip_mode_parse(&ro.mode, optarg) < 0)
				return cli_usage_error("roundtrip", usage,
				                       "unknown mode '%s' (step, chain)", optarg);
			break;
		case OPT_ENGINE:
			if (mc_dialect_parse(&ro.engine, optarg) < 0)
				return cli_usage_error("roundtrip", usage,
				                       "unknown engine '%s' (sqlite, postgres)", optarg);
			break;
		case OPT_SCRATCH:
			ro.server_url = optarg;
			break;
		case OPT_CLEANUP:
			cleanup = 1;
			break;
		case OPT_STRICT:
			ro.strict_column_order = 1;
			break;
		case OPT_STATEMENT_TIMEOUT:
			if ((rc = cli_parse_ms(&ro.statement_timeout_ms, "roundtrip",
			                       usage, "--statement-timeout", optarg,
			                       MC_DURATION_ZERO_OK)) != 0)
				return rc;
			break;
		default:
			if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0)
				return rc;
		}
	}
	/* the arguments left are versions */
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		return rc;
	if (optind < argc) {
		if ((versions = mc_calloc((size_t)(argc - optind) + 1,
		                          sizeof(*versions))) == NULL)
			return cli_error(MC_EXIT_ENV, "out of memory");
		for (int i = optind; i < argc; i++)
			versions[i - optind] = argv[i];
		ro.versions = versions;
	}
	if (ro.since && versions) {
		mc_free(versions);
		return cli_usage_error("roundtrip", usage,
		                       "--since and versions cannot be combined");
	}

	mc_db_signals_install();
	progress_on = isatty(STDERR_FILENO) && !mc_cli.quiet;
	if (progress_on)
		ro.progress = progress;

	if (cleanup) {
		const char *server = ro.server_url ? ro.server_url
		                                   : mc_cli.config->scratch_postgres;
		size_t dropped = 0;
		if (!server) {
			mc_free(versions);
			return cli_usage_error("roundtrip", usage,
			                       "--cleanup needs a server: --scratch <url>, scratch.postgres or MIGCHECK_SCRATCH_URL");
		}
		if (mc_scratch_cleanup_stale(&dropped, server) < 0) {
			mc_free(versions);
			return cli_error_last();
		}
		fprintf(stderr, "migcheck: dropped %zu stale scratch database%s\n",
		        dropped, dropped == 1 ? "" : "s");
	}

	if ((error = mc_report_new(&report, "roundtrip")) < 0 ||
	    (error = mc_config_apply_severities(mc_cli.config, report)) < 0) {
		rc = cli_error_last();
		goto done;
	}
	error = mc_roundtrip_repo(report, mc_cli.repo, mc_cli.config, &ro, NULL);
	progress_end();
	if ((sig = mc_db_interrupted()) != 0 || error == MC_EINTR) {
		mc_scratch_cleanup_all();
		if (mc_scratch_left_behind())
			rc = cli_error(sig == SIGTERM ? 143 : 130,
			               "interrupted; scratch database '%s' is left on the server: "
			               "'migcheck roundtrip --cleanup' drops it once the server is back",
			               mc_scratch_left_behind());
		else
			rc = cli_error(sig == SIGTERM ? 143 : 130,
			               "interrupted; the scratch database was removed");
		goto done;
	}
	if (error < 0) {
		rc = cli_error_last();
		goto done;
	}
	rc = cli_emit_report(report);
done:
	mc_report_free(report);
	mc_free(versions);
	return rc;
}
