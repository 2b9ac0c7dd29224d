/*
 * git_internal.h: what src/git/ files share; never included outside it.
 */
#ifndef MIGCHECK_GIT_INTERNAL_H
#define MIGCHECK_GIT_INTERNAL_H

#include <git2.h>

#include "migcheck/repo.h"

struct mc_repo {
	git_repository *repo;
};

/** Copy git_error_last() into our error as "what: message"; returns MC_ERROR. */
int mc_git__error(const char *what);

#endif
