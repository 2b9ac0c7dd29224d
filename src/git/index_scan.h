/*
 * index_scan.h: reading selected entries of the index file (src/git/ only).
 */
#ifndef MIGCHECK_GIT_INDEX_SCAN_H
#define MIGCHECK_GIT_INDEX_SCAN_H

#include <git2.h>

#include "migcheck/vec.h"

struct mc_git__ientry {
	char *path;
	git_oid id;
	unsigned mode;
};

/**
 * Collect the stage-0 entries for which want() returns 1, in index order
 * (sorted by path) into out (struct mc_git__ientry*).
 * @return 0; 1 when the index uses something we do not read (split or
 *   sparse index, unknown version): use libgit2; MC_ENOTFOUND when there is
 *   no index file; MC_ENOMEM
 */
int mc_git__index_scan(mc_vec *out, const char *path,
                       int (*want)(const char *path, void *payload), void *payload);
void mc_git__ientries_dispose(mc_vec *v);

#endif
