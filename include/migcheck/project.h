/*
 * project.h: one resolution of "config -> folders -> migration lists" for
 * every command: the migrations folders (migrations.dir, else found in the
 * work tree), each folder's effective settings and discovery options, and
 * optionally its migrations read from the work tree.
 */
#ifndef MIGCHECK_PROJECT_H
#define MIGCHECK_PROJECT_H

#include "common.h"
#include "config.h"
#include "migration.h"
#include "report.h"
#include "vec.h"

/* The one wording of "there is no folder to look at". */
#define MC_PROJECT_NO_FOLDER                                                    \
	"no migrations folder found: pass --dir <dir> or set migrations.dir (migcheck init)"

/** One migrations folder of the project. */
typedef struct {
	const char *dir;           /* repo-relative; owned by the project */
	mc_dir_settings set;       /* its settings, borrowed from the config */
	mc_discover_opts discover; /* how its files are read */
	mc_migration_list *list;   /* its migrations (MC_PROJECT_READ), or NULL */
} mc_project_folder;

typedef struct mc_project mc_project;
struct mc_project {
	const mc_config *config; /* borrowed */
	const char *workdir;     /* borrowed */
	mc_vec folders;          /* mc_project_folder*, in migrations.dir order */
	int detected;            /* 1: no folder configured, these were found */
};

enum {
	MC_PROJECT_DETECT = (1 << 0),       /* none configured: find them in the work tree */
	MC_PROJECT_READ = (1 << 1),         /* read each folder's migrations */
	MC_PROJECT_NO_REQUIRE_DOWN = (1 << 2), /* the caller reports missing downs itself */
	MC_PROJECT_FORCE_DIALECT = (1 << 3), /* opts.dialect over the folders' own */
	MC_PROJECT_FORCE_FORMAT = (1 << 4)  /* opts.format over the folders' own */
};

/** Options of mc_project_open; zero them for the defaults. */
typedef struct {
	unsigned flags;     /* MC_PROJECT_* */
	mc_dialect dialect; /* a folder's dialect when it has none (or forced) */
	mc_format format;   /* with MC_PROJECT_FORCE_FORMAT */
	mc_report *report;  /* discovery findings, or NULL to drop them */
} mc_project_opts;

/**
 * Resolve the project: the folders of config->dirs (with
 * MC_PROJECT_DETECT and none configured, mc_migration_find_dirs under
 * workdir), each with mc_config_dir_settings and its discovery options,
 * and with MC_PROJECT_READ its migrations (mc_migration_list_read_dir).
 * @param[out] out free with mc_project_free
 * @param workdir the work tree, or NULL (bare: no detection, no reading)
 * @param opts NULL for the defaults
 * @return 0; MC_ENOTFOUND with MC_ERROR_CONFIG and MC_PROJECT_NO_FOLDER
 *   when there is no folder; a configured folder missing from the work
 *   tree is MC_ENOTFOUND with "migrations folder '<dir>' does not exist"
 *   (mc_migration_list_read_dir); MC_ENOMEM; MC_ERROR
 */
MC_NODISCARD int mc_project_open(mc_project **out, const mc_config *config,
                                 const char *workdir, const mc_project_opts *opts);
void mc_project_free(mc_project *p);

/** The folders' directories (char*, borrowed), for APIs taking a vec. */
MC_NODISCARD int mc_project_dirs(mc_vec *out, const mc_project *p);

#endif
