/*
 * replay.c: build on a scratch database the schema that a set of
 * migrations produces, one migration at a time, each in its own
 * transaction as its format says (the db module decides).
 */
#include "drift_internal.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/runner.h"
#include "util/banned.h"

/* runner.up for m: its folder's ([migrations "<dir>"] runnerUp) or the
 * default; NULL when none */
static const char *runner_up_for(const mc_config *config, const mc_migration *m)
{
	const char *path = m->up ? m->up->path : NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;
	mc_dir_settings ds;
	char *dir;

	if (!config)
		return NULL;
	if (!slash || (dir = mc_strndup(path, (size_t)(slash - path))) == NULL)
		return config->runner_up;
	mc_config_dir_settings(&ds, config, dir);
	mc_free(dir);
	return ds.runner_up;
}

/* The reason m's folder gives for "skip = <file or version> <reason>",
 * borrowed from the config, or NULL. */
static const char *skip_for(const mc_config *config, const mc_migration *m)
{
	const char *path = m->up->path, *slash = strrchr(path, '/');
	mc_dir_settings ds;
	char *dir;

	if (!config)
		return NULL;
	if ((dir = mc_strndup(path, slash ? (size_t)(slash - path) : 0)) == NULL)
		return NULL; /* out of memory: as if none (the replay goes on) */
	mc_config_dir_settings(&ds, config, dir);
	mc_free(dir);
	return mc_declaration_reason(ds.skip, m);
}

static int replay_runner(mc_report *report,
                         int *failed,
                         const mc_migration *m,
                         mc_scratch *scratch,
                         const mc_config *config,
                         const char *workdir)
{
	mc_runner_result res = MC_RUNNER_RESULT_INIT;
	mc_runner_vars vars;
	int error;

	memset(&vars, 0, sizeof(vars));
	vars.file = m->up->path;
	vars.name = m->name;
	vars.version = m->version;
	vars.url = mc_scratch_runner_url(scratch);
	if ((error = mc_runner_check_url("runner.up", runner_up_for(config, m),
	                                 vars.url, workdir)) < 0)
		goto done;
	if ((error = mc_runner_run(&res, runner_up_for(config, m), &vars,
	                           workdir)) < 0)
		goto done;
	if (res.status != 0 && mc_db_interrupted()) {
		mc_error_set(MC_ERROR_OS, "interrupted by signal %d",
		             mc_db_interrupted());
		error = MC_EINTR;
		goto done;
	}
	if (res.status != 0) {
		*failed = 1;
		error = mc_report_add(
		        report, NULL, "up-failed", m->up->path, 0, m->version,
		        mc_buf_cstr(&res.err),
		        "migration '%s' failed on the scratch database (runner.up exited with %d)",
		        m->version, res.status);
	}
done:
	mc_runner_result_dispose(&res);
	return error;
}

/* What stops the replay at m, a migration migcheck cannot run, and the
 * fix (the note's text after "stopped at <path>: "). */
static int put_unreplayable(mc_buf *b, const mc_migration *m)
{
	const char *base = strrchr(m->up->path, '/');
	int code = !strcmp(m->language, "js") || !strcmp(m->language, "ts");
	return mc_buf_printf(
	        b,
	        "a %s migration in %s cannot be replayed without runner.up (%sif the later ones do not need it, declare it in .migcheck: skip = %s <reason>)",
	        mc_format_name(m->format), m->language,
	        code ? "set runner.up, or " : "", base ? base + 1 : m->up->path);
}

int mc_drift__replay_note(mc_report *report, const char *table,
                          const char *tracker, const mc_drift_replayed *r)
{
	mc_buf b = MC_BUF_INIT;
	int error;

	MC_ASSERT_ARG(report && table && tracker && r);
	if (r->replayed == r->total)
		error = mc_buf_printf(&b, "%zu applied migration(s) replayed",
		                      r->total);
	else
		error = mc_buf_printf(&b, "%zu of %zu applied migration%s replayed",
		                      r->replayed, r->total,
		                      r->total == 1 ? "" : "s");
	if (!error)
		error = mc_buf_puts(&b, " on a scratch database");
	if (!error && r->skipped)
		error = mc_buf_printf(&b, ", %zu not run as .migcheck skips %s",
		                      r->skipped, r->skipped == 1 ? "it" : "them");
	if (!error && r->stop) {
		error = mc_buf_printf(&b, "; the replay stopped at %s: ",
		                      r->stop->up->path);
		if (!error)
			error = r->unreplayable
			                ? put_unreplayable(&b, r->stop)
			                : mc_buf_puts(&b, "its up failed there (up-failed)");
	}
	if (!error)
		error = mc_report_note(report, "tracking table %s (%s): %s", table,
		                       tracker, mc_buf_cstr(&b));
	mc_buf_dispose(&b);
	return error;
}

int mc_drift__replay(mc_report *report,
                     int *failed,
                     mc_db *db,
                     mc_scratch *scratch,
                     const mc_migration *const *ms,
                     size_t n,
                     const mc_config *config,
                     const char *workdir)
{
	return mc_drift__replay_counted(report, failed, NULL, db, scratch, ms,
	                                n, config, workdir);
}

int mc_drift__replay_counted(mc_report *report,
                             int *failed,
                             mc_drift_replayed *out,
                             mc_db *db,
                             mc_scratch *scratch,
                             const mc_migration *const *ms,
                             size_t n,
                             const mc_config *config,
                             const char *workdir)
{
	mc_drift_replayed local;
	int error = 0;

	MC_ASSERT_ARG(report && failed && db && (ms || !n));
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	out->total = n;
	*failed = 0;
	for (size_t i = 0; i < n && !*failed; i++) {
		const mc_migration *m = ms[i];
		mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
		const char *reason;

		if (!m->up) {
			out->replayed++; /* nothing to run */
			continue;
		}
		if ((reason = skip_for(config, m)) != NULL) {
			/* declared: the later ones are replayed without it */
			out->skipped++;
			if ((error = mc_report_note(
			             report, "%s: not replayed: skip in .migcheck: %s",
			             m->up->path, reason)) < 0)
				return error;
			continue;
		}
		if (m->language) {
			if (!runner_up_for(config, m)) {
				/* what it did is unknown: a later migration
				 * that fails would be blamed for it */
				const char *base = strrchr(m->up->path, '/');
				int code = !strcmp(m->language, "js") ||
				           !strcmp(m->language, "ts");
				*failed = 1;
				out->stop = m;
				out->unreplayable = 1;
				if (out != &local)
					return 0; /* mc_drift__replay_note */
				return mc_report_note(
				        report,
				        "replay stopped at %s: a %s migration in %s cannot be replayed without runner.up; %zu of %zu applied migration%s replayed (%sif the later ones do not need it, declare it in .migcheck: skip = %s <reason>)",
				        m->up->path, mc_format_name(m->format),
				        m->language, i, n, n == 1 ? "" : "s",
				        code ? "set runner.up, or " : "",
				        base ? base + 1 : m->up->path);
			}
			if ((error = replay_runner(report, failed, m, scratch,
			                           config, workdir)) < 0)
				return error;
			if (*failed)
				out->stop = m;
			else
				out->replayed++;
			continue;
		}
		error = mc_db_exec_script(db, m->up, &err);
		if (error == MC_DB_ESTATEMENT) {
			*failed = 1;
			out->stop = m;
			error = mc_report_add(
			        report, NULL, "up-failed",
			        err.path ? err.path : m->up->path, err.line,
			        m->version, err.statement,
			        "migration '%s' failed on the scratch database: %s",
			        m->version,
			        err.message ? err.message : "statement failed");
		}
		else if (error == MC_DB_ECONNECTION)
			error = mc_error_set(
			        MC_ERROR_DB,
			        "lost the connection to the scratch database while replaying '%s': %s",
			        m->up->path ? m->up->path : m->version,
			        mc_db_lost_reason(err.message));
		else if (error == MC_DB_ENOSPACE)
			error = mc_error_set(
			        MC_ERROR_OS,
			        "the scratch database ran out of disk space while replaying '%s': %s; "
			        "free space there or set TMPDIR to a larger file system",
			        m->up->path ? m->up->path : m->version,
			        err.message ? err.message : "disk full");
		else if (error == 0)
			out->replayed++;
		mc_db_exec_error_dispose(&err);
		if (error < 0)
			return error;
	}
	return 0;
}
