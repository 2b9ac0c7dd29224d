/*
 * history.h: the history of each migration file from git, for 'migcheck
 * log' (src/git/history.c): who added it when, which deploy ref or release
 * tag first holds it, and every later commit that changed it.
 */
#ifndef MIGCHECK_HISTORY_H
#define MIGCHECK_HISTORY_H

#include "common.h"
#include "vec.h"

typedef struct mc_repo mc_repo;

typedef struct {
	char sha[41];
	char *author;
	char *email;
	char *subject;
	long long time; /* seconds since the epoch (author date) */
	int offset;     /* author's UTC offset in minutes */
} mc_commit_info;

typedef enum {
	MC_HISTORY_ADDED = 1,
	MC_HISTORY_MODIFIED,
	MC_HISTORY_DELETED
} mc_history_event;

typedef struct {
	mc_history_event event;
	const mc_commit_info *commit; /* borrowed from the history */
} mc_history_change;

typedef struct {
	char *path;      /* repo-relative */
	mc_vec changes;  /* mc_history_change*, oldest first; the first is normally ADDED */
	char *released;  /* first deploy ref or tag (by commit date) whose tree holds path, or NULL */
	int present;     /* 1 when the file exists at the walked revision */
} mc_history_entry;

typedef struct {
	mc_vec entries;  /* mc_history_entry*, sorted by path */
	mc_vec commits;  /* mc_commit_info*: owned */
	size_t walked;   /* commits walked */
	size_t examined; /* commits whose migrations folder changed */
} mc_history;

/**
 * One revision walk from rev: commits whose migrations subtree is the same
 * as their parent's are skipped after comparing two object ids, so the
 * cost follows the commits that touch the migrations.
 * @param rev where to start (NULL: HEAD)
 * @param dirs char*: migrations folders
 * @param deploy_patterns char*: deploy.ref values (globs allowed); every
 *   tag counts as a release too
 * @param[out] out free with mc_history_free
 * @return 0, MC_ERROR (class MC_ERROR_GIT: missing ref or history)
 */
MC_NODISCARD int mc_history_load(mc_history **out, mc_repo *repo,
                                 const char *rev, const mc_vec *dirs,
                                 const mc_vec *deploy_patterns);
void mc_history_free(mc_history *h);

#endif
