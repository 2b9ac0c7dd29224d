/*
 * check.h: 'migcheck check', the static checks on a change (src/check/).
 */
#ifndef MIGCHECK_CHECK_H
#define MIGCHECK_CHECK_H

#include "changes.h"
#include "common.h"
#include "config.h"
#include "project.h"
#include "report.h"

/* More findings than this of one code in one change are one group in text
 * (report.h): a headline and a line per file. */
#define MC_CHECK_GROUP_THRESHOLD 5

typedef struct {
	mc_changes_mode mode;
	const char *rev;          /* RANGE: "A..B"/"A...B"; COMMIT: the commit */
	const char *message;      /* commit message for the model rule (--message-file), or NULL */
	const mc_config *config;  /* dirs, deploy refs, models, requireDown, format */
	const mc_project *project; /* the folders (borrowed), or NULL: resolved
	                            * from config, detected in the work tree
	                            * when none is configured (mc_project_open) */
} mc_check_opts;

/**
 * Run every check of SPEC §6 on one change and add the findings to r.
 * Severity overrides must already be applied to r.
 * @return 0 (findings are data); MC_ERROR with class MC_ERROR_GIT when
 *   the change or the deployed set cannot be read (missing deploy ref,
 *   shallow history), MC_ERROR_CONFIG for a bad models.pattern;
 *   MC_ENOTFOUND with MC_ERROR_CONFIG and MC_PROJECT_NO_FOLDER when
 *   opts->project is NULL and there is no folder (none configured, none
 *   found in the work tree, or no work tree).
 */
MC_NODISCARD int mc_check_run(mc_report *r, mc_repo *repo,
                              const mc_check_opts *opts);

/** Findings of one change waiting to be grouped (see mc_check_group_flush). */
typedef struct {
	mc_vec pending; /* internal */
} mc_check_group;

#define MC_CHECK_GROUP_INIT { MC_VEC_INIT }

/** Queue a finding; strings are copied. */
MC_NODISCARD int mc_check_group_add(mc_check_group *g, const char *code,
                                    const char *file, unsigned line,
                                    const char *migration,
                                    const char *message);
/** The same with a detail (e.g. how to fix it), may be NULL. */
MC_NODISCARD int mc_check_group_add_detail(mc_check_group *g,
                                           const char *code,
                                           const char *file,
                                           unsigned line,
                                           const char *migration,
                                           const char *message,
                                           const char *detail);
/**
 * Add the queued findings to r, one per file; those of a code queued more
 * than threshold times are one group with the headline "<n> files: ...".
 * Empties g.
 * @param context names the change ("commit abc1234"), may be NULL
 */
MC_NODISCARD int mc_check_group_flush(mc_check_group *g, mc_report *r,
                                      size_t threshold, const char *context);
void mc_check_group_dispose(mc_check_group *g);

#endif
