/*
 * repo.c: 'roundtrip' as a whole, for the command and the gate: the
 * project's folders and migrations (mc_project_open), select (--since REV
 * or versions), create the scratch database once and run the engine on
 * each folder.
 */
#include "migcheck/roundtrip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/config.h"
#include "migcheck/errors.h"
#include "migcheck/git_added.h"
#include "migcheck/project.h"
#include "migcheck/repo.h"
#include "migcheck/resident.h"
#include "util/banned.h"

struct folder {
	const char *dir;              /* borrowed from the project */
	mc_dir_settings set;          /* its settings, borrowed from the config */
	mc_dialect engine;            /* the scratch engine it runs on */
	const mc_migration_list *list; /* borrowed from the project */
	unsigned char *sel;
	size_t nsel;
	/* per item of list: the reason of a skip or irreversible declaration
	 * (borrowed from the config), or NULL */
	const char **skip;
	const char **irreversible;
};

static void folder_dispose(struct folder *f)
{
	mc_free(f->sel);
	mc_free(f->skip);
	mc_free(f->irreversible);
}

static int names(const mc_script *s, const char *target)
{
	const char *base;
	if (!s)
		return 0;
	base = strrchr(s->path, '/');
	return !strcmp(base ? base + 1 : s->path, target);
}

/*
 * Match the folder's skip or irreversible declarations (a file name of
 * the folder or a version) to its migrations: out[i] = the reason. One
 * that names no migration is a note: a typo must not go unseen.
 */
static int declarations(const char ***out, mc_report *report,
                        const struct folder *f, const mc_vec *decls,
                        const char *key)
{
	size_t n = mc_migration_list_count(f->list);
	int error = 0;

	*out = NULL;
	if (!decls->len)
		return 0;
	if ((*out = mc_calloc(n + 1, sizeof(**out))) == NULL)
		return mc_error_set_oom();
	for (size_t k = 0; k < decls->len && !error; k++) {
		const mc_declaration *d = decls->items[k];
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			const mc_migration *m = mc_migration_list_get(f->list, i);
			if (names(m->up, d->target) || names(m->down, d->target) ||
			    !strcmp(m->version, d->target)) {
				(*out)[i] = d->reason;
				found = 1;
			}
		}
		if (!found)
			error = mc_report_note(report,
			                       "%s = %s in .migcheck names no migration of %s",
			                       key, d->target, f->dir);
	}
	return error;
}

static mc_dialect pick_engine(const mc_config *cfg,
                              const mc_roundtrip_repo_opts *opts,
                              const char *server)
{
	if (opts->engine != MC_DIALECT_UNKNOWN)
		return opts->engine;
	if (cfg->dialect != MC_DIALECT_UNKNOWN)
		return cfg->dialect;
	return server && *server ? MC_DIALECT_POSTGRES : MC_DIALECT_SQLITE;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int path_in(const mc_vec *paths, const char *path)
{
	for (size_t i = 0; path && i < paths->len; i++)
		if (!strcmp(paths->items[i], path))
			return 1;
	return 0;
}

static int select_since(struct folder *f, mc_repo *repo, const char *since)
{
	mc_vec added = MC_VEC_INIT;
	size_t i, n = mc_migration_list_count(f->list);
	int error;

	if ((error = mc_repo_added_since(&added, repo, since, f->dir)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		const mc_migration *m = mc_migration_list_get(f->list, i);
		if (path_in(&added, m->up ? m->up->path : NULL) ||
		    path_in(&added, m->down ? m->down->path : NULL)) {
			f->sel[i] = 1;
			f->nsel++;
		}
	}
done:
	mc_vec_dispose_deep(&added, mc_free);
	return error;
}

static int select_versions(struct folder *folders, size_t nfolders,
                           const char *const *versions)
{
	for (const char *const *v = versions; *v; v++) {
		int found = 0;
		for (size_t d = 0; d < nfolders; d++) {
			struct folder *f = &folders[d];
			size_t n = mc_migration_list_count(f->list);
			for (size_t i = 0; i < n; i++) {
				const mc_migration *m = mc_migration_list_get(f->list, i);
				if (mc_version_cmp(m->version, *v) != 0)
					continue;
				found = 1;
				if (!f->sel[i]) {
					f->sel[i] = 1;
					f->nsel++;
				}
			}
		}
		if (!found)
			return mc_error_set(MC_ERROR_USAGE,
			                    "no migration with version '%s'", *v);
	}
	return 0;
}

/* 1 when file is the up or down of a migration the run does not select */
static int unselected_file(const struct folder *folders, size_t nfolders, const char *file)
{
	for (size_t d = 0; file && d < nfolders; d++) {
		size_t n = mc_migration_list_count(folders[d].list);
		for (size_t i = 0; i < n; i++) {
			const mc_migration *m = mc_migration_list_get(folders[d].list, i);
			if ((m->up && !strcmp(m->up->path, file)) ||
			    (m->down && !strcmp(m->down->path, file)))
				return !folders[d].sel[i];
		}
	}
	return 0;
}

/*
 * The discovery findings of a run that selects (--since, versions), from
 * scratch into report: a warning about a migration the run does not
 * round-trip (a released one's empty-down) is left out, as it says nothing
 * of the migrations under test; errors and the rest are kept, in their
 * groups.
 */
static int copy_discovery(mc_report *report, const mc_report *scratch,
                          const struct folder *folders, size_t nfolders)
{
	size_t n = mc_report_count(scratch), group = 0;
	int error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const mc_finding *f = mc_report_get(scratch, i);
		if (f->severity == MC_SEV_WARNING &&
		    unselected_file(folders, nfolders, f->file))
			continue;
		if (f->group != group) {
			const char *file = NULL, *head;
			if (group)
				mc_report_group_end(report);
			group = f->group;
			head = group ? mc_report_group_get(scratch, group, &file) : NULL;
			if (head && (error = mc_report_group_begin(report, file, "%s", head)) < 0)
				break;
		}
		error = mc_report_add(report, NULL, f->code, f->file, f->line, f->migration,
		                      f->detail, "%s", f->message);
	}
	if (group)
		mc_report_group_end(report);
	return error;
}

/* The folder's tool creates its tracking table before its first migration;
 * so does the replay (migrations that grant on it or read it). */
static int set_prelude(mc_roundtrip_db *rdb, const struct folder *f)
{
	char *sql = NULL;
	int error;

	if ((error = mc_format_tracking_ddl(&sql, f->list->format, f->engine,
	                                    f->set.table)) < 0)
		return error;
	error = mc_roundtrip_db_set_prelude(rdb, sql);
	mc_free(sql);
	return error;
}

/* A project folder's engine (its own dialect unless --engine is given)
 * and an empty selection. */
static int folder_init(struct folder *f, const mc_project_folder *pf, mc_dialect engine,
                       int engine_forced)
{
	f->dir = pf->dir;
	f->set = pf->set;
	f->list = pf->list;
	f->engine = !engine_forced && f->set.dialect != MC_DIALECT_UNKNOWN ? f->set.dialect
	                                                                  : engine;
	if ((f->sel = mc_calloc(mc_migration_list_count(f->list) + 1, 1)) == NULL)
		return mc_error_set_oom();
	return 0;
}

/* Remove the scratch database without losing the error that ended the run
 * (removing it may fail too, e.g. when the server died). */
static void free_keeping_error(mc_roundtrip_db *rdb, int error)
{
	mc_error saved = MC_ERROR_INIT;

	if (!rdb)
		return;
	if (error < 0)
		mc_error_save(&saved);
	mc_roundtrip_db_free(rdb);
	mc_error_restore(&saved);
}

/*
 * The summary: how many were round-tripped and, apart, how many only went
 * up (their down missing, empty or irreversible: not proven to go down and
 * up again), where, and where the replay stopped.
 */
static int note_summary(mc_report *report, const mc_roundtrip_stats *sum,
                        int mixed, mc_dialect engine, mc_roundtrip_mode mode)
{
	char up_only[80] = "";
	if (sum->ups_only)
		snprintf(up_only, sizeof(up_only),
		         ", %zu up only (down not round-tripped)",
		         sum->ups_only);
	if (mixed)
		return mc_report_note(report,
		                      "%zu migration%s round-tripped%s on scratch postgres and sqlite databases, per folder (%s mode)%s%s",
		                      sum->tested, sum->tested == 1 ? "" : "s",
		                      up_only, mc_roundtrip_mode_name(mode),
		                      sum->stopped_at ? "; the replay stopped at " : "",
		                      sum->stopped_at ? sum->stopped_at : "");
	return mc_report_note(report,
	                      "%zu migration%s round-tripped%s on a scratch %s database (%s mode)%s%s",
	                      sum->tested, sum->tested == 1 ? "" : "s", up_only,
	                      mc_dialect_name(engine), mc_roundtrip_mode_name(mode),
	                      sum->stopped_at ? "; the replay stopped at " : "",
	                      sum->stopped_at ? sum->stopped_at : "");
}

/* The summary's counts in the JSON report: "counts": {"round_tripped": N,
 * "up_only": M}. */
static int set_counts(mc_report *report, const mc_roundtrip_stats *sum)
{
	mc_report_value *o = mc_report_object_new();
	mc_report_object_set_int(o, "round_tripped", (long long)sum->tested);
	mc_report_object_set_int(o, "up_only", (long long)sum->ups_only);
	return mc_report_set_extra_value(report, "counts", o);
}

int mc_roundtrip_repo(mc_report *report, mc_repo *repo, const mc_config *cfg,
                      const mc_roundtrip_repo_opts *opts,
                      mc_roundtrip_stats *stats)
{
	mc_project *project = NULL;
	mc_project_opts po;
	struct folder *folders = NULL;
	size_t nfolders = 0, d, total = 0;
	mc_roundtrip_db *rdb = NULL;
	mc_report *scratch = NULL; /* discovery's findings, when selecting */
	mc_roundtrip_db_opts dbo;
	mc_roundtrip_stats sum, one;
	const char *workdir, *server;
	mc_dialect engine;
	char *appdir = NULL, *fapp = NULL;
	int error, mixed = 0;

	MC_ASSERT_ARG(report && repo && cfg && opts);
	memset(&sum, 0, sizeof(sum));
	workdir = mc_repo_workdir(repo);
	if (!workdir)
		return mc_error_set(MC_ERROR_USAGE,
		                    "'roundtrip' needs a work tree; this repository is bare");
	server = opts->server_url ? opts->server_url : cfg->scratch_postgres;
	engine = pick_engine(cfg, opts, server);

	/* a folder without a dialect is read as its engine's; the engine
	 * reports missing-down itself */
	memset(&po, 0, sizeof(po));
	po.flags = MC_PROJECT_DETECT | MC_PROJECT_READ | MC_PROJECT_NO_REQUIRE_DOWN;
	po.dialect = engine;
	po.report = report;
	if (opts->since || (opts->versions && *opts->versions)) {
		if ((error = mc_report_new(&scratch, mc_report_command(report))) < 0 ||
		    (error = mc_config_apply_severities(cfg, scratch)) < 0)
			goto done;
		po.report = scratch;
	}
	if ((error = mc_project_open(&project, cfg, workdir, &po)) < 0)
		goto done;
	if ((folders = mc_calloc(project->folders.len, sizeof(*folders))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (d = 0; d < project->folders.len; d++) {
		nfolders++;
		if ((error = folder_init(&folders[d], project->folders.items[d], engine,
		                         opts->engine != MC_DIALECT_UNKNOWN)) < 0)
			goto done;
		if (opts->since &&
		    (error = select_since(&folders[d], repo, opts->since)) < 0)
			goto done;
	}
	if (opts->versions && *opts->versions &&
	    (error = select_versions(folders, nfolders, opts->versions)) < 0)
		goto done;
	if (!opts->since && !(opts->versions && *opts->versions))
		for (d = 0; d < nfolders; d++) {
			size_t n = mc_migration_list_count(folders[d].list);
			memset(folders[d].sel, 1, n);
			folders[d].nsel = n;
		}
	if (scratch) {
		error = copy_discovery(report, scratch, folders, nfolders);
		mc_report_free(scratch);
		scratch = NULL;
		if (error < 0)
			goto done;
	}

	/* the engine the folders run on; both when their dialects differ */
	for (d = 0; d < nfolders; d++) {
		if (d == 0)
			engine = folders[d].engine;
		else if (folders[d].engine != engine)
			mixed = 1;
	}
	if ((error = mc_report_set_extra_str(report, "mode",
	                                     mc_roundtrip_mode_name(opts->mode))) < 0 ||
	    (error = mc_report_set_extra_str(report, "engine",
	                                     mixed ? "mixed" : mc_dialect_name(engine))) < 0)
		goto done;

	memset(&dbo, 0, sizeof(dbo));
	dbo.engine = engine;
	dbo.server_url = server;
	dbo.workdir = workdir;
	dbo.strict_column_order = opts->strict_column_order;
	dbo.statement_timeout_ms = opts->statement_timeout_ms;
	for (d = 0; d < nfolders; d++) {
		mc_roundtrip_backend be;
		mc_roundtrip_opts ro;

		total += folders[d].nsel;
		if (!folders[d].nsel)
			continue;
		/* runner.tool = sequelize: migcheck's resident runner, in the
		 * folder above the migrations that holds node_modules/sequelize */
		if (mc_dir_settings_resident_sequelize(&folders[d].set) &&
		    (error = mc_resident_find_appdir(&fapp, workdir,
		                                     folders[d].dir)) < 0)
			goto done;
		/* a folder with another engine or runner gets a scratch
		 * database of its own */
		if (rdb && (dbo.engine != folders[d].engine ||
		            !same_str(dbo.runner_up, folders[d].set.runner_up) ||
		            !same_str(dbo.runner_down, folders[d].set.runner_down) ||
		            !same_str(dbo.resident_appdir, fapp))) {
			mc_roundtrip_db_free(rdb);
			rdb = NULL;
		}
		if (!rdb) {
			mc_free(appdir);
			appdir = fapp;
			fapp = NULL;
		}
		mc_free(fapp);
		fapp = NULL;
		dbo.engine = folders[d].engine;
		dbo.runner_up = folders[d].set.runner_up;
		dbo.runner_down = folders[d].set.runner_down;
		dbo.runner_env = folders[d].set.runner_env;
		dbo.resident_appdir = appdir;
		if (!rdb && (error = mc_roundtrip_db_new(&rdb, &dbo)) < 0)
			goto done;
		if ((error = set_prelude(rdb, &folders[d])) < 0)
			goto done;
		mc_roundtrip_db_backend(&be, rdb);
		be.progress = opts->progress;
		memset(&ro, 0, sizeof(ro));
		ro.mode = opts->mode;
		ro.selected = folders[d].sel;
		ro.require_down = folders[d].set.require_down;
		if ((error = declarations(&folders[d].skip, report, &folders[d],
		                          folders[d].set.skip, "skip")) < 0 ||
		    (error = declarations(&folders[d].irreversible, report,
		                          &folders[d], folders[d].set.irreversible,
		                          "irreversible")) < 0)
			goto done;
		ro.skip = folders[d].skip;
		ro.irreversible = folders[d].irreversible;
		if ((error = mc_roundtrip_run(report, folders[d].list, &be, &ro,
		                              &one)) < 0)
			goto done;
		sum.tested += one.tested;
		sum.applied += one.applied;
		sum.rebuilds += one.rebuilds;
		sum.skipped += one.skipped;
		sum.ups_only += one.ups_only;
		if (folders[d].list->format == MC_FORMAT_FLYWAY && one.ups_only &&
		    !one.tested &&
		    (error = mc_report_note(report,
		                            "%s: Flyway without undo scripts (U*.sql): ups applied and checked, downs not round-tripped",
		                            folders[d].dir)) < 0)
			goto done;
		if (!sum.stopped_at)
			sum.stopped_at = one.stopped_at;
	}
	if (!total && opts->since)
		error = mc_report_note(report, "no migrations added since '%s'",
		                       opts->since);
	else if (!sum.tested && sum.ups_only)
		error = mc_report_note(report,
		                       "%zu up%s applied and checked on %s, no down round-tripped (%s mode)%s%s",
		                       sum.ups_only, sum.ups_only == 1 ? "" : "s",
		                       mixed ? "scratch postgres and sqlite databases"
		                             : engine == MC_DIALECT_POSTGRES
		                                       ? "a scratch postgres database"
		                                       : "a scratch sqlite database",
		                       mc_roundtrip_mode_name(opts->mode),
		                       sum.stopped_at ? "; the replay stopped at " : "",
		                       sum.stopped_at ? sum.stopped_at : "");
	else
		error = note_summary(report, &sum, mixed, engine, opts->mode);
	if (error >= 0)
		error = set_counts(report, &sum);
	if (stats)
		*stats = sum;
done:
	/* stopped before selecting: every discovery finding, as without one */
	if (scratch && error < 0) {
		mc_error saved = MC_ERROR_INIT;
		mc_error_save(&saved);
		(void)copy_discovery(report, scratch, NULL, 0);
		mc_error_restore(&saved);
	}
	free_keeping_error(rdb, error);
	for (d = 0; d < nfolders; d++)
		folder_dispose(&folders[d]);
	mc_free(folders);
	mc_free(appdir);
	mc_free(fapp);
	mc_project_free(project);
	mc_report_free(scratch);
	return error;
}
