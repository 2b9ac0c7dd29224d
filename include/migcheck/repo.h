/*
 * repo.h: the git repository, through libgit2 only (src/git/).
 */
#ifndef MIGCHECK_REPO_H
#define MIGCHECK_REPO_H

#include "buf.h"
#include "vec.h"
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

/** @return 1 when the clone is shallow (history is cut off), else 0. */
int mc_repo_is_shallow(const mc_repo *r);
/** @return 1 when rev names a commit present in the repository, else 0. */
int mc_repo_has_commit(mc_repo *r, const char *rev);
/**
 * Refuse a migrations folder that git does not hold as a folder: a
 * symbolic link or a submodule, in HEAD's tree or in the work tree
 * (reading through either would judge the wrong files).
 * @param dirs char*: repo-relative folders
 * @return 0, or MC_ERROR with MC_ERROR_CONFIG and the fix in the message
 */
MC_NODISCARD int mc_repo_check_dirs(mc_repo *r, const mc_vec *dirs);
/**
 * The folder git runs hooks from: core.hooksPath when set (relative to the
 * work tree), else the common git dir's hooks/ (shared by worktrees).
 */
MC_NODISCARD int mc_repo_hooks_dir(mc_buf *out, mc_repo *r);
/**
 * Create a repository at path (tests, tools), like `git init [--bare]`.
 * @param[out] out free with mc_repo_free
 * @return 0, MC_ERROR (MC_ERROR_GIT)
 */
MC_NODISCARD int mc_repo_init(mc_repo **out, const char *path, int bare);

/**
 * The ref a team most likely deploys from: the branch origin's HEAD names
 * (refs/remotes/origin/HEAD), else refs/remotes/origin/main or master,
 * else refs/heads/main or master.
 * @param[out] out receives the full ref name (replaces its content)
 * @param[out] how optional: a static phrase saying which rule matched,
 *   e.g. "origin's default branch (refs/remotes/origin/HEAD)"
 * @return 0, MC_ENOTFOUND (none of them exists), MC_ERROR
 */
MC_NODISCARD int mc_repo_default_deploy_ref(mc_buf *out, const char **how,
                                            mc_repo *r);

/** How the repository marks releases (mc_repo_release_refs). */
typedef struct mc_release_refs {
	mc_vec refs;    /* char*: deploy.ref globs covering the release tags */
	mc_vec reasons; /* char*: why refs[i], "142 release tags like v1.2.3; newest v2.10.0" */
	mc_vec notes;   /* char*: what was left out and why, "release tags: ..." */
} mc_release_refs;
#define MC_RELEASE_REFS_INIT { MC_VEC_INIT, MC_VEC_INIT, MC_VEC_INIT }
void mc_release_refs_dispose(mc_release_refs *rr);

/**
 * Detect the release tags: tags (lightweight or annotated, naming a
 * commit) named like a version, v1.2.3, 1.2.3, release-1.2, backend/v1.2.3,
 * grouped into families by what precedes the version. A family is left out
 * when its newest tag holds none of dirs; of several families, those named
 * after a component of a migrations folder (backend/v* for
 * backend/db/migrations) are kept with the unnamed ones (v*, release-*),
 * and a named family beside either is left out (py/1.4.0 beside v1.2.3);
 * when neither exists, all are kept.
 * Tags not named like a version, or named docs-, nightly-, latest-..., are
 * not releases. Each family becomes a glob, refs/tags/v* (refs/tags/v[0-9]*
 * when v* would also match a tag of another shape, refs/tags/[0-9]* for
 * bare versions).
 * @param[out] out appended with the globs, their reasons and notes
 * @param dirs char*: the migrations folders, repo-relative (may be empty)
 * @return 0, MC_ERROR (MC_ERROR_GIT), MC_ENOMEM
 */
MC_NODISCARD int mc_repo_release_refs(mc_release_refs *out, mc_repo *r, const mc_vec *dirs);

#endif
