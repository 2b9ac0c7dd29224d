/*
 * cmd_gate.c: 'migcheck gate', the release gate: 'check --range
 * SINCE..HEAD', 'roundtrip --since SINCE' and, given a database, 'drift',
 * in one report with a section per step and one exit status.
 *
 * A step that cannot run (no scratch server, the database unreachable)
 * is a step-unavailable finding and makes the exit status 3, unless the
 * user skipped it with --skip: missing evidence is never a pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/check.h"
#include "migcheck/db.h"
#include "migcheck/drift.h"
#include "migcheck/errors.h"
#include "migcheck/git_added.h"
#include "migcheck/migration.h"
#include "migcheck/roundtrip.h"
#include "util/banned.h"

static const char usage[] =
	"usage: migcheck gate [--since <rev>] [--strict] [--db <url>] [--scratch <url>] [--skip <step>]...\n"
	"                     [--mode step|chain] [--engine sqlite|postgres] [--deploy-ref <ref>]\n"
	"                     [--statement-timeout <ms>] [--dir <dir>]...\n";

static const char help[] =
	"The release gate: check the change since <rev> (check --range <rev>..HEAD),\n"
	"round-trip every migration added since <rev> on a scratch database, and,\n"
	"given --db, compare that database with the migrations (drift). One report,\n"
	"a section per step, one exit status. A step that cannot run fails the gate.\n"
	"Findings about migrations released before <rev> and unchanged since are\n"
	"shown as existing (warnings) and do not fail the gate.\n\n"
	"      --dir <dir>          migrations folder (repeatable; overrides migrations.dir)\n"
	"      --since <rev>        the last release (default: the newest deploy ref\n"
	"                           HEAD contains, other than HEAD itself; a release\n"
	"                           before a pre-release such as v1.2.0-rc)\n"
	"      --strict             every finding counts, existing ones too\n"
	"      --db <url>           also run drift against this database\n"
	"                           (default $MIGCHECK_DATABASE_URL; without one drift is not run)\n"
	"      --scratch <url>      PostgreSQL server for scratch databases\n"
	"                           (default scratch.postgres, $MIGCHECK_SCRATCH_URL)\n"
	"      --skip <step>        do not run check, roundtrip or drift (repeatable)\n"
	"      --mode <mode>        roundtrip mode: step (default) or chain\n"
	"      --engine <engine>    roundtrip engine: sqlite or postgres (default: migrations.dialect)\n"
	"      --statement-timeout <ms>  roundtrip: per statement and [runner] command\n"
	"                           (default 30000; 0: no limit)\n"
	"      --deploy-ref <ref>   deployed ref or glob (repeatable; overrides deploy.ref)\n";

static const char exit_help[] =
	"Exit status: 0 every step passed (warnings allowed), 1 a step found errors,\n"
	"2 usage or configuration error, 3 a step could not run (the report still\n"
	"shows the others).\n";

enum {
	OPT_SINCE = 3000,
	OPT_DB,
	OPT_SCRATCH,
	OPT_SKIP,
	OPT_MODE,
	OPT_ENGINE,
	OPT_DEPLOY_REF,
	OPT_STATEMENT_TIMEOUT,
	OPT_STRICT
};

enum { STEP_CHECK, STEP_ROUNDTRIP, STEP_DRIFT, NSTEPS };
static const char *const step_names[NSTEPS] = { "check", "roundtrip", "drift" };

struct gate {
	const char *since;
	const char *db_url;
	const char *scratch_url;
	mc_roundtrip_mode mode;
	mc_dialect engine;
	unsigned statement_timeout_ms; /* roundtrip's */
	int skip[NSTEPS];
	int strict;      /* --strict: existing findings count too */
	int unavailable; /* a step could not run */
	size_t existing; /* findings marked existing */
	mc_project *project; /* the folders: configured, else detected */
};

/* The errors of section so far. */
static size_t section_errors(const mc_report *r, const char *section)
{
	size_t n = 0;

	for (size_t i = 0; i < mc_report_count(r); i++) {
		const mc_finding *f = mc_report_get(r, i);
		if (f->severity == MC_SEV_ERROR && f->section &&
		    !strcmp(f->section, section))
			n++;
	}
	return n;
}

/*
 * After a step ran: its status from its findings, or, when it could not
 * run, a step-unavailable finding with the reason. Usage and configuration
 * errors are the user's to fix and end the gate (returned < 0).
 */
static int finish_step(mc_report *r, struct gate *g, int step, int error)
{
	const char *name = step_names[step];
	const mc_error *e;
	char *reason, *hint;
	int rc;

	if (error >= 0)
		return mc_report_add_step(r, name,
		                          section_errors(r, name) ? MC_STEP_FAILED
		                                                  : MC_STEP_PASSED,
		                          NULL);
	e = mc_error_last();
	if (e && (e->klass == MC_ERROR_USAGE || e->klass == MC_ERROR_CONFIG ||
	          e->klass == MC_ERROR_INPUT || e->klass == MC_ERROR_NOMEMORY))
		return error;
	if ((reason = mc_strdup(e && e->message[0] ? e->message
	                                           : "unknown error")) == NULL)
		return mc_error_set_oom();
	g->unavailable = 1;
	if ((hint = mc_asprintf("to release without it: migcheck gate --skip %s",
	                        name)) == NULL) {
		mc_free(reason);
		return mc_error_set_oom();
	}
	rc = mc_report_add(r, NULL, "step-unavailable", NULL, 0, NULL, hint,
	                   "%s could not run: %s", name, reason);
	mc_free(hint);
	if (rc == 0)
		rc = mc_report_add_step(r, name, MC_STEP_UNAVAILABLE, reason);
	mc_free(reason);
	return rc;
}

/*
 * The findings of this step from index from on that are about migrations
 * released before g->since and unchanged since: the file a finding names
 * is in since's tree and the same now. They are
 * marked existing (warnings). A roundtrip up-failed of such a migration
 * that kept added ones from being round-tripped (stats->skipped) still
 * fails: missing evidence is never a pass.
 */
static int mark_existing(mc_report *r, struct gate *g, size_t from,
                         const mc_roundtrip_stats *stats)
{
	size_t n = mc_report_count(r), npaths, k = 0;
	const char **paths = NULL;
	unsigned char *same = NULL;
	int error = 0, kept = 0;

	if (g->strict || from >= n)
		return 0;
	npaths = n - from; /* one per finding: findings are per file */
	if ((paths = mc_calloc(npaths, sizeof(*paths))) == NULL ||
	    (same = mc_calloc(npaths, 1)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = from; i < n; i++)
		paths[k++] = mc_report_get(r, i)->file;
	if ((error = mc_repo_unchanged_since(same, mc_cli.repo, g->since, paths, npaths)) < 0)
		goto done;
	k = 0;
	for (size_t i = from; i < n && !error; i++) {
		const mc_finding *f = mc_report_get(r, i);
		int old = paths[k] && same[k];
		k++;
		if (!old)
			continue;
		if (stats && stats->skipped && !strcmp(f->code, "up-failed")) {
			if (!kept++)
				error = mc_report_note(r, "%s was released before %s, but its up failing kept later migrations from being round-tripped: it fails the gate",
				                       f->file, g->since);
			continue;
		}
		if ((error = mc_report_mark_existing(r, i, g->since)) == 0)
			g->existing++;
	}
done:
	mc_free(paths);
	mc_free(same);
	return error;
}

/* The migrations added since g->since, as the report's subjects. */
static int add_release(mc_report *r, const struct gate *g, size_t *count)
{
	const char *workdir = mc_repo_workdir(mc_cli.repo);
	const mc_project *project = g->project;
	int error = 0;

	*count = 0;
	for (size_t d = 0; d < project->folders.len && !error; d++) {
		const mc_project_folder *f = project->folders.items[d];
		mc_migration_list *list = NULL;
		mc_vec added = MC_VEC_INIT;

		if ((error = mc_repo_added_since(&added, mc_cli.repo, g->since, f->dir)) < 0)
			break;
		if (added.len &&
		    (error = mc_migration_list_read_dir(&list, workdir, f->dir, &f->discover,
		                                        NULL)) < 0) {
			mc_vec_dispose_deep(&added, mc_free);
			break;
		}
		for (size_t i = 0; list && i < mc_migration_list_count(list) && !error; i++) {
			const mc_migration *m = mc_migration_list_get(list, i);
			const char *up = m->up ? m->up->path : NULL;
			const char *down = m->down ? m->down->path : NULL;
			int hit = 0;
			for (size_t k = 0; k < added.len && !hit; k++)
				hit = (up && !strcmp(up, added.items[k])) ||
				      (down && !strcmp(down, added.items[k]));
			if (!hit)
				continue;
			if ((error = mc_report_add_subject(r, m->version, up ? up : down)) == 0)
				(*count)++;
		}
		mc_migration_list_free(list);
		mc_vec_dispose_deep(&added, mc_free);
	}
	return error;
}

static int run_check(mc_report *r, struct gate *g)
{
	mc_check_opts o;
	char *range;
	int error;

	if ((range = mc_asprintf("%s..HEAD", g->since)) == NULL)
		return mc_error_set_oom();
	memset(&o, 0, sizeof(o));
	o.mode = MC_CHANGES_RANGE;
	o.rev = range;
	o.config = mc_cli.config;
	o.project = g->project;
	error = mc_check_run(r, mc_cli.repo, &o);
	mc_free(range);
	return error;
}

static int run_roundtrip(mc_report *r, struct gate *g, mc_roundtrip_stats *stats)
{
	mc_roundtrip_repo_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.mode = g->mode;
	ro.engine = g->engine;
	ro.server_url = g->scratch_url;
	ro.since = g->since;
	ro.statement_timeout_ms = g->statement_timeout_ms;
	return mc_roundtrip_repo(r, mc_cli.repo, mc_cli.config, &ro, stats);
}

static int run_drift(mc_report *r, struct gate *g)
{
	mc_drift_migrations migs = MC_DRIFT_MIGRATIONS_INIT;
	mc_drift_opts opts;
	int error;

	memset(&opts, 0, sizeof(opts));
	opts.url = g->db_url;
	opts.scratch_url = g->scratch_url ? g->scratch_url
	                                  : mc_cli.config->scratch_postgres;
	opts.workdir = mc_repo_workdir(mc_cli.repo);
	opts.config = mc_cli.config;
	if ((error = mc_drift_migrations_load(&migs, mc_cli.config,
	                                      opts.workdir)) == 0)
		error = mc_drift_run(r, NULL, &migs, &opts);
	mc_drift_migrations_dispose(&migs);
	return error;
}

/* "since" in JSON: {"rev": "v1.0", "default": true} */
static int set_since_extra(mc_report *r, const char *since, int picked)
{
	mc_report_value *o = mc_report_object_new();
	mc_report_object_set_str(o, "rev", since);
	mc_report_object_set_bool(o, "default", picked);
	return mc_report_set_extra_value(r, "since", o);
}

static int interrupted_exit(void)
{
	int sig = mc_db_interrupted();

	mc_scratch_cleanup_all();
	return cli_error(sig == SIGTERM ? 143 : 130,
	                 "interrupted; the scratch databases were removed");
}

int cmd_gate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "scratch", required_argument, NULL, OPT_SCRATCH },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "deploy-ref", required_argument, NULL, OPT_DEPLOY_REF },
		{ "statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT },
		{ "strict", no_argument, NULL, OPT_STRICT },
		MC_DIR_LONGOPT,
		MC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct gate g;
	mc_vec refs = MC_VEC_INIT;
	mc_buf since = MC_BUF_INIT;
	mc_report *r = NULL;
	size_t nrelease = 0;
	const char *how = NULL;
	struct cli_args a = CLI_ARGS_INIT("gate", usage, "", CLI_ARGS_DIRS_IN_TREE);
	int c, rc = MC_EXIT_OK, error = 0, picked = 0;

	memset(&g, 0, sizeof(g));
	g.statement_timeout_ms = MC_DB_STATEMENT_TIMEOUT_MS;
	cli_getopt_reset();
	while ((c = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			fputs(exit_help, stdout);
			goto out;
		case OPT_SINCE:
			if (!*optarg) {
				rc = cli_usage_error("gate", usage, "--since needs a revision");
				goto out;
			}
			g.since = optarg;
			break;
		case OPT_DB:
			g.db_url = optarg;
			break;
		case OPT_STRICT:
			g.strict = 1;
			break;
		case OPT_SCRATCH:
			g.scratch_url = optarg;
			break;
		case OPT_SKIP: {
			int k;
			for (k = 0; k < NSTEPS && strcmp(optarg, step_names[k]); k++)
				;
			if (k == NSTEPS) {
				rc = cli_usage_error("gate", usage,
				                     "unknown step '%s' (check, roundtrip, drift)",
				                     optarg);
				goto out;
			}
			g.skip[k] = 1;
			break;
		}
		case OPT_MODE:
			if (mc_roundtrip_mode_parse(&g.mode, optarg) < 0) {
				rc = cli_usage_error("gate", usage,
				                     "unknown mode '%s' (step, chain)", optarg);
				goto out;
			}
			break;
		case OPT_ENGINE:
			if (mc_dialect_parse(&g.engine, optarg) < 0) {
				rc = cli_usage_error("gate", usage,
				                     "unknown engine '%s' (sqlite, postgres)", optarg);
				goto out;
			}
			break;
		case OPT_DEPLOY_REF: {
			char *s = mc_strdup(optarg);
			if (!s || mc_vec_push(&refs, s) < 0) {
				mc_free(s);
				rc = cli_error(MC_EXIT_ENV, "out of memory");
				goto out;
			}
			break;
		}
		case OPT_STATEMENT_TIMEOUT:
			if ((rc = cli_parse_ms(&g.statement_timeout_ms, "gate", usage,
			                       "--statement-timeout", optarg,
			                       MC_DURATION_ZERO_OK)) != 0)
				goto out;
			break;
		default:
			if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0)
				goto out;
		}
	}
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto out;
	if (!mc_repo_workdir(mc_cli.repo)) {
		rc = cli_error(MC_EXIT_USAGE,
		               "'gate' needs a work tree; this repository is bare");
		goto out;
	}
	if (refs.len) {
		mc_vec_dispose_deep(&mc_cli.config->deploy_refs, mc_free);
		mc_cli.config->deploy_refs = refs;
		memset(&refs, 0, sizeof(refs));
	}
	/* the folders as every command resolves them: configured, else
	 * found in the work tree; the release's subjects are read without
	 * findings (the steps report them) */
	{
		mc_project_opts po;
		memset(&po, 0, sizeof(po));
		po.flags = MC_PROJECT_DETECT | MC_PROJECT_NO_REQUIRE_DOWN;
		if (mc_project_open(&g.project, mc_cli.config,
		                    mc_repo_workdir(mc_cli.repo), &po) < 0) {
			rc = cli_error_last();
			goto out;
		}
	}
	if (!g.db_url || !*g.db_url)
		g.db_url = getenv("MIGCHECK_DATABASE_URL");
	if (g.db_url && !*g.db_url)
		g.db_url = NULL;
	if (!g.since) {
		if (mc_repo_latest_deploy_ref(&since, &how, mc_cli.repo,
		                              &mc_cli.config->deploy_refs) < 0) {
			rc = cli_error_last();
			goto out;
		}
		g.since = mc_buf_cstr(&since);
		picked = 1;
		if (!mc_cli.quiet)
			fprintf(stderr, "migcheck: gating the changes since %s (%s)\n",
			        g.since, how);
	}

	if (mc_report_new(&r, "gate") < 0 ||
	    mc_config_apply_severities(mc_cli.config, r) < 0 ||
	    set_since_extra(r, g.since, picked) < 0) {
		rc = cli_error_last();
		goto out;
	}
	/* --since must be judgeable before any step runs; then the release */
	if (mc_repo_require_since(mc_cli.repo, g.since) < 0 ||
	    add_release(r, &g, &nrelease) < 0 ||
	    mc_report_note(r, "release: %zu migration%s added since %s%s%s%s", nrelease,
	                   nrelease == 1 ? "" : "s", g.since, picked ? " (" : "",
	                   picked ? how : "", picked ? ")" : "") < 0) {
		rc = cli_error_last();
		goto out;
	}
	mc_db_signals_install();
	for (int step = 0; step < NSTEPS; step++) {
		const char *name = step_names[step];
		mc_roundtrip_stats stats;
		size_t from;
		if (g.skip[step]) {
			if (mc_report_add_step(r, name, MC_STEP_SKIPPED, "--skip") < 0 ||
			    mc_report_note(r, "%s was skipped (--skip %s)", name, name) < 0) {
				rc = cli_error_last();
				goto out;
			}
			continue;
		}
		if (step == STEP_DRIFT && !g.db_url) {
			if (mc_report_add_step(r, name, MC_STEP_NOT_RUN, "no --db") < 0) {
				rc = cli_error_last();
				goto out;
			}
			continue;
		}
		if ((error = mc_report_set_section(r, name)) < 0) {
			rc = cli_error_last();
			goto out;
		}
		from = mc_report_count(r);
		memset(&stats, 0, sizeof(stats));
		error = step == STEP_CHECK ? run_check(r, &g)
		        : step == STEP_ROUNDTRIP ? run_roundtrip(r, &g, &stats)
		                                 : run_drift(r, &g);
		if (mc_db_interrupted() || error == MC_EINTR) {
			rc = interrupted_exit();
			goto out;
		}
		/* the check and roundtrip findings about released migrations */
		if (error >= 0 && step != STEP_DRIFT &&
		    mark_existing(r, &g, from, step == STEP_ROUNDTRIP ? &stats : NULL) < 0) {
			rc = cli_error_last();
			goto out;
		}
		if (finish_step(r, &g, step, error) < 0) {
			rc = cli_error_last();
			goto out;
		}
	}
	if (mc_report_set_section(r, NULL) < 0 ||
	    (g.existing &&
	     mc_report_note(r, "%zu finding%s about migrations released before %s %s existing: %s not fail the gate (--strict: every finding counts)",
	                    g.existing, g.existing == 1 ? "" : "s", g.since,
	                    g.existing == 1 ? "is" : "are", g.existing == 1 ? "it does" : "they do") < 0)) {
		rc = cli_error_last();
		goto out;
	}
	mc_report_sort(r);
	rc = cli_emit_report(r);
	if (g.unavailable && rc < MC_EXIT_USAGE)
		rc = MC_EXIT_ENV;
out:
	mc_report_free(r);
	mc_project_free(g.project);
	mc_buf_dispose(&since);
	mc_vec_dispose_deep(&refs, mc_free);
	return rc;
}
