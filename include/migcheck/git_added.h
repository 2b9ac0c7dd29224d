/*
 * git_added.h: which files were added since a revision (for
 * 'roundtrip --since REV' and the gate).
 */
#ifndef MIGCHECK_GIT_ADDED_H
#define MIGCHECK_GIT_ADDED_H

#include "common.h"
#include "buf.h"
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

/**
 * The last release: of the deploy refs (patterns: deploy.ref values,
 * globs allowed), those not at HEAD itself first (origin/main = HEAD would
 * leave nothing to judge), then those HEAD contains, then the newest by the
 * date of the commit each points at, on a tie the greater name. This is
 * what 'gate' checks against without --since.
 * @param[out] out replaced with a name that resolves to it ("v1.2.0" for
 *   refs/tags/v1.2.0 when unambiguous, else the full ref name)
 * @param[out] how optional: a static phrase saying which rule chose it,
 *   "the newest deploy ref HEAD contains", "the newest deploy ref; HEAD
 *   contains none" or "the newest deploy ref, HEAD itself: nothing to
 *   gate; pass --since <rev>"
 * @return 0; MC_ERROR (MC_ERROR_USAGE) when patterns is empty or no ref
 *   points at a commit; a missing ref is MC_ERROR_GIT with a fetch hint
 */
MC_NODISCARD int mc_repo_latest_deploy_ref(mc_buf *out, const char **how,
                                           mc_repo *repo,
                                           const mc_vec *patterns);

/**
 * Make sure 'since..HEAD' can be judged: since and HEAD resolve to commits
 * and, in a shallow clone, the history between them is there.
 * @return 0; MC_ERROR with MC_ERROR_GIT naming the git fetch that brings
 *   what is missing, or MC_ERROR_USAGE when since is not a commit
 */
MC_NODISCARD int mc_repo_require_since(mc_repo *repo, const char *since);

/**
 * Which of paths were released at rev and are the same now: each is a file
 * in rev's tree and the work tree holds the same content (as 'git add'
 * would store it). A path that rev lacks, that is gone or cannot be read
 * now, or a symbolic link, is not. This is what 'gate' calls existing.
 * @param[out] out n flags: 1 unchanged since rev, else 0
 * @param paths repo-relative paths (an entry may be NULL: 0)
 * @return 0; MC_ERROR (MC_ERROR_GIT, MC_ERROR_USAGE) when rev does not
 *   resolve to a commit, MC_ENOMEM
 */
MC_NODISCARD int mc_repo_unchanged_since(unsigned char *out, mc_repo *repo,
                                         const char *rev,
                                         const char *const *paths, size_t n);

#endif
