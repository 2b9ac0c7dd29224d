/*
 * changes.h: what a change (working tree, index, commit or range) does to
 * the migrations folders and model files, read from git (src/git/).
 *
 * Only paths directly inside a migrations folder or matching a model glob
 * are part of a change set; everything else in the repository is ignored,
 * so the cost follows the migrations, not the size of the repository.
 */
#ifndef MIGCHECK_CHANGES_H
#define MIGCHECK_CHANGES_H

#include <stddef.h>
#include "common.h"
#include "buf.h"
#include "migration.h"
#include "vec.h"

typedef struct mc_repo mc_repo;

typedef enum {
	MC_CHANGE_ADDED = 1,
	MC_CHANGE_MODIFIED,
	MC_CHANGE_DELETED,
	MC_CHANGE_RENAMED
} mc_change_status;

/* mc_change.flags: a side over MC_MAX_MIGRATION_SIZE is not read (its size
 * comes from the object's header or stat()): its data is NULL and its len
 * is its size. A work tree file that cannot be read (no permission, a
 * directory or FIFO named like a migration, a dangling symbolic link or a
 * loop: mc_file_read_one) has MC_CHANGE_NEW_UNREADABLE, data NULL, len 0
 * and new_why. Neither is an error: the folder listing holds the file as
 * unreadable (mc_file.error), so discovery reports it as malformed. */
enum {
	MC_CHANGE_OLD_TOO_LARGE = (1 << 0),
	MC_CHANGE_NEW_TOO_LARGE = (1 << 1),
	MC_CHANGE_NEW_UNREADABLE = (1 << 2)
};

/** One changed path. Contents are loaded for both sides when present. */
typedef struct {
	mc_change_status status;
	char *old_path; /* NULL when added */
	char *new_path; /* NULL when deleted */
	char *old_data; /* NULL when absent or too large; NUL-terminated */
	size_t old_len; /* the size, also when too large */
	char *new_data;
	size_t new_len;
	int in_dir;     /* 1: inside a migrations folder (either side) */
	int is_model;   /* 1: matches a models.path glob (either side) */
	unsigned flags; /* MC_CHANGE_*_TOO_LARGE, MC_CHANGE_NEW_UNREADABLE */
	char *new_why;  /* MC_CHANGE_NEW_UNREADABLE: why, else NULL */
} mc_change;

typedef enum {
	MC_CHANGES_WORKDIR = 0, /* working tree (with untracked files) vs HEAD */
	MC_CHANGES_STAGED,      /* index vs HEAD: what the next commit holds */
	MC_CHANGES_RANGE,       /* A..B or A...B: merge base of A and B vs B */
	MC_CHANGES_COMMIT       /* a commit vs its first parent */
} mc_changes_mode;

typedef struct {
	mc_changes_mode mode;
	const char *rev;            /* RANGE: "A..B" / "A...B"; COMMIT: the commit */
	const mc_vec *dirs;         /* char*: migrations folders, repo-relative */
	const mc_vec *model_paths;  /* char*: models.path globs, or NULL */
} mc_changes_opts;

/** The state of one migrations folder on one side: every file's path. */
typedef struct {
	char *dir;
	mc_file_list *files; /* data loaded only for changed paths, else "";
	                      * a changed file over the size cap, or a work
	                      * tree file that cannot be read, has error set
	                      * (mc_file_set_too_large, _set_unreadable) */
} mc_dir_state;

typedef struct {
	mc_vec changes;   /* mc_change*, sorted by path */
	mc_vec messages;  /* char*: messages of the commits in the set */
	mc_vec after;     /* mc_dir_state*: each folder after the change */
	mc_vec target;    /* mc_dir_state*: RANGE: each folder on A's side */
	char *describe;   /* "staged changes", "commit abc1234", "A...B" */
	char *target_name;/* RANGE: A as given */
	char *base_note;  /* RANGE: several merge bases: which one was used */
	struct mc_changes_src *src; /* internal: where 'after' content lives */
} mc_changeset;

/**
 * Compute a change set. A changed file over MC_MAX_MIGRATION_SIZE is part
 * of it, flagged and never read (see MC_CHANGE_NEW_TOO_LARGE). In the work
 * tree, a migration that cannot be read is a change, flagged
 * (MC_CHANGE_NEW_UNREADABLE), whether git tracks it or not, and git never
 * reads it (libgit2 would stop the diff on it).
 * @param[out] out free with mc_changeset_free
 * @return 0; MC_ERROR with class MC_ERROR_GIT (missing history, shallow
 *   clone: the message names the git fetch command), MC_ERROR_USAGE (bad
 *   range syntax, bare repository without --range/--commit).
 */
MC_NODISCARD int mc_changeset_load(mc_changeset **out, mc_repo *repo,
                                   const mc_changes_opts *opts);
void mc_changeset_free(mc_changeset *c);
/** Read a path's content on the 'after' side (index, work tree or tree). */
MC_NODISCARD int mc_changeset_read_after(mc_buf *out, mc_changeset *c,
                                         const char *path);
/** Same on the target side (RANGE only). */
MC_NODISCARD int mc_changeset_read_target(mc_buf *out, mc_changeset *c,
                                          const char *path);

/**
 * The deploy points (SPEC §6): every commit a deploy ref names, globs
 * expanded. A path is released when some deploy point's tree holds it.
 */
typedef struct mc_deployed mc_deployed;

/**
 * Expand the deploy refs (refs/tags/v* gives every matching tag) and read
 * nothing else: no object is read until mc_deployed_prepare.
 * @param patterns char*: deploy.ref values
 * @param dirs char*: the migrations folders (copied)
 * @param[out] out free with mc_deployed_free; it borrows repo
 * @return 0, or MC_ERROR (class MC_ERROR_GIT) when a deploy ref is missing,
 *   naming the exact 'git fetch' command that brings it
 */
MC_NODISCARD int mc_deployed_open(mc_deployed **out, mc_repo *repo,
                                  const mc_vec *patterns, const mc_vec *dirs);
/**
 * Read the folders of every deploy point: each ref is peeled, and each
 * distinct folder tree is read once. Does nothing the second time.
 * @return 0, MC_ERROR (an object that cannot be read, class MC_ERROR_GIT)
 */
MC_NODISCARD int mc_deployed_prepare(mc_deployed *d);
/** mc_deployed_open and mc_deployed_prepare. */
MC_NODISCARD int mc_deployed_load(mc_deployed **out, mc_repo *repo,
                                  const mc_vec *patterns, const mc_vec *dirs);
void mc_deployed_free(mc_deployed *d);
/**
 * @return a deploy point whose tree holds path (which one is not defined:
 *   for a name, mc_deployed_name), or NULL (none does, or not prepared);
 *   borrowed
 */
const char *mc_deployed_ref(const mc_deployed *d, const char *path);

/**
 * The deploy point a message names for a released path the change edits,
 * deletes or renames: the newest by the commit graph (the highest
 * generation, so a descendant before its ancestor, never by date or name;
 * the same: the first in deploy.ref order) that holds old, the content at the base (the
 * release that shipped what the change replaces); else the newest holding
 * the path that does not contain the change's target; else the newest
 * holding it. Prepares d, and walks the history below the points once.
 * @param old the content at the base, or NULL (not read: too large)
 * @param[out] out borrowed from d; NULL when no point holds path
 * @return 0, MC_ERROR (the history cannot be read), MC_ENOMEM
 */
MC_NODISCARD int mc_deployed_name(const char **out, mc_deployed *d, const mc_changeset *cs,
                                  const char *path, const char *old, size_t old_len);

/**
 * Whether a change of path from old to data puts the released file back:
 * data is exactly what the point mc_deployed_name names holds, that point
 * does not contain the change, and no deploy point ever held old (an
 * unreleased edit undone is the fix, not an edit). Prepares d.
 * @param[out] out 1 or 0
 * @return 0, MC_ERROR, MC_ENOMEM
 */
MC_NODISCARD int mc_deployed_put_back(int *out, mc_deployed *d, const mc_changeset *cs,
                                      const char *path, const char *old, size_t old_len,
                                      const char *data, size_t len);

/** One distinct folder tree of the deploy points. */
typedef struct {
	const mc_file_list *files; /* its files (data ""), sorted by path */
	const char *ref;           /* one such point that counts (the newest:
	                            * mc_deployed_tree_name) */
} mc_deployed_tree;

/**
 * The folder trees of dir at the deploy points that do not already
 * contain the change's target commit (RANGE: B; COMMIT: the commit; the
 * index and the work tree are in no deploy point), each once: what the
 * order of the change's new migrations is judged against. Prepares d.
 * @param[out] out emptied, then mc_deployed_tree* borrowed from d (valid
 *   until the next call)
 * @return 0, MC_ERROR (the history cannot be read), MC_ENOMEM
 */
MC_NODISCARD int mc_deployed_order_trees(mc_vec *out, mc_deployed *d,
                                         const mc_changeset *cs, const char *dir);
/**
 * The newest point by the commit graph (the highest generation; a
 * descendant is newer than its ancestor, dates and names never count) of
 * those with one of the folder trees t that do not contain the change's
 * target: what a message about them names. Walks the history below the
 * points once.
 * @param t n trees from mc_deployed_order_trees
 * @param[out] out borrowed from d
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_deployed_tree_name(const char **out, mc_deployed *d,
                                       const mc_deployed_tree *const *t, size_t n);
/** @return how many refs were read (after glob expansion). */
size_t mc_deployed_ref_count(const mc_deployed *d);
/** @return the i-th ref name read; borrowed. */
const char *mc_deployed_ref_name(const mc_deployed *d, size_t i);

/**
 * Line diff of two buffers: calls cb for every added ('+') or removed ('-')
 * line (without its newline). A nonzero return from cb stops the diff and
 * is returned.
 */
MC_NODISCARD int mc_diff_lines(const char *a, size_t alen, const char *b,
                               size_t blen,
                               int (*cb)(char origin, const char *line,
                                         size_t len, void *payload),
                               void *payload);

/**
 * Find the trailer "Migcheck-Skip: <code> <reason>" in a commit message
 * (git trailer rules: the last paragraph; '#' comment lines are dropped).
 * @param[out] out_reason the reason (caller frees with mc_free), or NULL
 *   when there is no such trailer for code
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_message_skip_reason(char **out_reason, const char *message,
                                        const char *code);

#endif
