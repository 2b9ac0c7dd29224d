/*
 * git_config.h: reading files in git-config syntax through libgit2, for
 * the configuration module (src/config). Each entry comes back with the
 * file and line it was read from; what the keys mean is src/config's.
 */
#ifndef MIGCHECK_GIT_CONFIG_H
#define MIGCHECK_GIT_CONFIG_H

#include "common.h"
#include "vec.h"

typedef struct mc_repo mc_repo;

/** One entry, in file order. */
typedef struct {
	char *name;    /* as git normalises it: section and key in lower case,
	                  a subsection as written ("migrations.db/pg.dialect") */
	char *value;   /* NULL: the key alone, without '=' ("requireDown") */
	char *file;    /* the file as messages name it; NULL when unknown */
	unsigned line; /* 1-based; 0 when unknown (an included file) */
} mc_git_config_entry;

/** Free the entries of v (mc_git_config_entry*) and empty it. */
void mc_git_config_entries_dispose(mc_vec *v);

/**
 * Read the file at path. A syntax error is MC_ERROR_CONFIG
 * "<display>:<line>: <what>"; a file that cannot be read or is over 1 MiB
 * is MC_ERROR_CONFIG naming display.
 * @param[out] out appended with mc_git_config_entry*, file = display
 * @return 0, MC_ERROR, MC_ENOMEM
 */
MC_NODISCARD int mc_git_config_read_file(mc_vec *out, const char *path,
                                         const char *display);

/**
 * Read the file at path of HEAD's tree (a bare repository has no work
 * tree), named "HEAD:<path>" in messages.
 * @return 0, MC_ENOTFOUND (no such file, or no HEAD yet), MC_ERROR
 */
MC_NODISCARD int mc_git_config_read_head(mc_vec *out, mc_repo *repo,
                                         const char *path);

/**
 * The repository's git config (system, global, XDG, local, worktree
 * levels, in the order git applies them): the entries whose name starts
 * with prefix ("migcheck."). file is the level's file, relative to the
 * work tree when inside it.
 * @return 0, MC_ERROR (MC_ERROR_CONFIG on a syntax error), MC_ENOMEM
 */
MC_NODISCARD int mc_git_config_read_repo(mc_vec *out, mc_repo *repo,
                                         const char *prefix);

/**
 * @return 1 when v is a full ref name or glob ("refs/heads/main",
 *   "refs/tags/v*"), 0 when not, MC_ENOMEM
 */
int mc_git_ref_pattern_valid(const char *v);

#endif
