/*
 * repo.h: the git repository, through libgit2 only (src/git/).
 */
#ifndef MIGCHECK_REPO_H
#define MIGCHECK_REPO_H

#include "common.h"
#include "buf.h"
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

/** @return 1 when the clone is shallow (history is cut off), else 0. */
int mc_repo_is_shallow(const mc_repo *r);
/** @return 1 when rev names a commit present in the repository, else 0. */
int mc_repo_has_commit(mc_repo *r, const char *rev);
/**
 * The folder git runs hooks from: core.hooksPath when set (relative to the
 * work tree), else the common git dir's hooks/ (shared by worktrees).
 */
MC_NODISCARD int mc_repo_hooks_dir(mc_buf *out, mc_repo *r);

#endif
