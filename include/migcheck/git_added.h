/*
 * git_added.h: which files were added since a revision (for
 * 'roundtrip --since REV' and the gate).
 */
#ifndef MIGCHECK_GIT_ADDED_H
#define MIGCHECK_GIT_ADDED_H

#include "common.h"
#include "vec.h"

typedef struct mc_repo mc_repo;

/**
 * List the files under dir that exist now but did not exist at the merge
 * base of rev and HEAD (rev itself when they share no history). "Now" is
 * the working tree with its index, untracked files included, so a new
 * migration counts before it is committed; in a clean checkout this is
 * exactly the files added in rev..HEAD.
 * @param[out] out appended with repo-relative '/'-separated paths (char*,
 *   free each with mc_free), sorted
 * @param dir repo-relative folder; NULL or "" for the whole tree
 * @return 0; MC_ENOTFOUND (MC_ERROR_USAGE "unknown revision 'x'") when rev
 *   does not resolve; MC_ERROR (MC_ERROR_GIT) or MC_ENOMEM
 */
MC_NODISCARD int mc_repo_added_since(mc_vec *out, mc_repo *repo,
                                     const char *rev, const char *dir);

#endif
