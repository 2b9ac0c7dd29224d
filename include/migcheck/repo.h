/*
 * repo.h: the git repository, through libgit2 only (src/git/).
 */
#ifndef MIGCHECK_REPO_H
#define MIGCHECK_REPO_H

#include "common.h"
#include "migration.h"

typedef struct mc_repo mc_repo;

/**
 * Open the repository containing path (searching upwards), honouring
 * $GIT_DIR/$GIT_INDEX_FILE as git does for hooks.
 * @return 0, MC_ENOTFOUND (not in a git repository), MC_ERROR
 */
MC_NODISCARD int mc_repo_open(mc_repo **out, const char *path);
void mc_repo_free(mc_repo *r);
/** Initialise / shut down the git library once per process. */
void mc_repo_global_init(void);
void mc_repo_global_shutdown(void);
/** @return the work tree with a trailing '/', or NULL for a bare repo; borrowed. */
const char *mc_repo_workdir(const mc_repo *r);
/** @return the .git directory; borrowed. */
const char *mc_repo_gitdir(const mc_repo *r);

#endif
