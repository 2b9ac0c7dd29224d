/*
 * git_internal.h: what src/git/ files share; never included outside it.
 * What re-implements parts of git that libgit2 1.5 lacks or gets wrong
 * (the index, raw trees, loose objects, merge bases, rename scoring) is
 * behind compat/compat.h instead (see compat/README.md).
 */
#ifndef MIGCHECK_GIT_INTERNAL_H
#define MIGCHECK_GIT_INTERNAL_H

#include <git2.h>

#include "migcheck/buf.h"
#include "migcheck/changes.h"
#include "migcheck/repo.h"

struct mc_repo {
	git_repository *repo;
};

/** Copy git_error_last() into our error as "what: message"; returns MC_ERROR. */
int mc_git__error(const char *what);

/**
 * The object of the given type that reference name points at, as
 * git_reference_peel does but keeping libgit2's reason when the object
 * cannot be read (git_reference_peel replaces it with "cannot retrieve
 * reference target"). @return 0, GIT_EPEEL when the object is of a type
 * that does not peel to type, or libgit2's error code with its error set
 */
int mc_git__peel_ref(git_object **out, git_repository *repo, const char *name,
                     git_object_t type);
/** 1 when path is directly inside dir ("dir/name"). */
int mc_git__path_in_dir(const char *path, const char *dir);
/**
 * Read a blob into a new NUL-terminated string, unless it is over
 * MC_MAX_MIGRATION_SIZE: then it is not read (its size comes from the
 * object's header), *out is NULL and *out_len is its size.
 * @return 0, 1 too large (no error set), < 0 (a corrupt or missing object:
 *   the message names path)
 */
int mc_git__blob_read_capped(char **out, size_t *out_len, git_repository *repo,
                             const git_oid *id, const char *path);
/** Same, a blob over the cap being an error (class MC_ERROR_INPUT). */
int mc_git__blob_read(char **out, size_t *out_len, git_repository *repo,
                      const git_oid *id, const char *path);
/** List the blobs directly inside dir of root (NULL root: empty). */
int mc_git__list_tree(mc_dir_state **out, git_repository *repo, git_tree *root,
                      const char *dir);
void mc_git__dir_state_free(void *p);
/**
 * List dir of the work tree (names only, sorted; dot files skipped), as
 * the folder listing reads it: a file that cannot be read (no permission,
 * a FIFO or directory named like a migration, a dangling link or a loop)
 * is an unreadable entry with why (mc_file_read_one); it is opened to
 * see, never read. A missing folder is empty.
 */
int mc_git__list_disk(mc_dir_state **out, const char *workdir, const char *dir);
/**
 * The pathspecs "!<path>" that keep libgit2 from opening the unreadable
 * entries of states (mc_dir_state*, from mc_git__list_disk): it stops a
 * whole work tree diff on a file it cannot open. Paths libgit2 would not
 * take literally are left out.
 * @param[out] out_specs a new array of *out_n new strings, for mc_free
 * @return 0, MC_ENOMEM
 */
int mc_git__unreadable_specs(size_t *out_n,
                             char ***out_specs,
                             const mc_vec *states);
/** Resolve a revision to a commit; unknown ones are MC_ERROR_GIT with a fetch hint. */
int mc_git__resolve_commit(git_commit **out, mc_repo *r, const char *spec);
/**
 * The git fetch command that brings ref into this clone, e.g.
 * "git fetch --depth=1 origin main"; empty when none can be named.
 */
int mc_git__fetch_hint(mc_buf *out, mc_repo *r, const char *ref);

/* --- the change set (changes.c and changes_*.c) --------------------------- */

/** Where a change set came from: what mc_changeset_read_after reads. */
struct mc_changes_src {
	mc_repo *repo;
	mc_changes_mode mode;
	git_index *index;       /* STAGED, through libgit2 */
	mc_vec ientries;        /* STAGED, read directly: struct mc_git__ientry* */
	int fast;               /* STAGED read directly */
	mc_vec trees;           /* git_tree*: kept alive for the fast path */
	git_tree *after_tree;   /* RANGE, COMMIT */
	git_tree *target_tree;  /* RANGE */
	git_oid after_commit;   /* RANGE: B; COMMIT: the commit */
	int has_after_commit;
};

/** Free an mc_change (a void * for mc_vec_dispose_deep); accepts NULL. */
void mc_git__change_free(void *p);
/**
 * A new change of status st from old path op to new path np (either NULL),
 * in_dir and is_model set from o, no side read yet.
 * @param[out] out the change, for mc_git__change_free
 * @return 0, MC_ENOMEM
 */
int mc_git__change_new(mc_change **out, mc_change_status st, const char *op,
                       const char *np, const mc_changes_opts *o);
/** 1 when path (NULL: 0) is directly inside one of dirs. */
int mc_git__in_dirs(const char *path, const mc_vec *dirs);
/** 1 when path (NULL: 0) matches one of the model globs (NULL: none). */
int mc_git__is_model(const char *path, const mc_vec *globs);
/** The error for a migration over MC_MAX_MIGRATION_SIZE (MC_ERROR_INPUT). */
int mc_git__too_large(const char *path, size_t size);
/** A new empty listing of dir, for mc_git__dir_state_free. */
int mc_git__dir_state_new(mc_dir_state **out, const char *dir);
/** Add dir/name to l (name alone when dir is the root, ""). */
int mc_git__dir_state_add(mc_file_list *l, const char *dir, const char *name);
/** mc_change* ordered by path (the new one, else the old one). */
int mc_git__change_cmp(const void *a, const void *b);
/** The path mc_git__change_cmp orders by. */
const char *mc_git__change_key(const mc_change *ch);
/** The first of the sorted changes whose key is not below path. */
size_t mc_git__change_lower_bound(const mc_vec *changes, const char *path);
/**
 * The result rc of reading one side of ch: over the size cap (1) sets
 * flag, a work tree file that cannot be read (2) MC_CHANGE_NEW_UNREADABLE;
 * neither is an error. @return 0 or rc < 0
 */
int mc_git__side_read(mc_change *ch, unsigned flag, int rc);

/* --- the work tree (changes_workdir.c) ---------------------------------- */

/**
 * Read path of the work tree as the folder listing does, the size cap
 * checked with stat() first. @return 0 (*out a new string for mc_free),
 * 1 too large (*out NULL, *out_len the size), 2 cannot be read (*out_why
 * a new string saying why), < 0 error
 */
int mc_git__read_disk(char **out,
                      size_t *out_len,
                      char **out_why,
                      const char *workdir,
                      const char *path);
/** The same, too large and unreadable being errors (MC_ERROR_INPUT). */
int mc_git__workdir_read(char **out, size_t *out_len, mc_repo *r, const char *path);
/** The work tree's migrations folders into c->after, before the diff. */
int mc_git__workdir_list(mc_changeset *c, mc_repo *r, const mc_changes_opts *o);
/**
 * The work tree files that cannot be read and that the diff did not hold,
 * as changes (modified when head has the path, else added).
 */
int mc_git__workdir_unreadable(mc_changeset *c,
                               git_repository *repo,
                               git_tree *head,
                               const mc_changes_opts *o);

/* --- staged changes (changes_staged.c) ---------------------------------- */

/**
 * The staged changes of c against head (NULL: an unborn HEAD), the index
 * read directly ($GIT_INDEX_FILE or the repository's), with c->after.
 * @return 0 done, 1 the index cannot be read so (a split or sparse index:
 *   use libgit2's), < 0 error
 */
int mc_git__staged_fast(mc_changeset *c, mc_repo *r, git_tree *head,
                        const mc_changes_opts *o);
/** The listing of dir from libgit2's index (stage 0 entries directly in it). */
int mc_git__list_index(mc_dir_state **out, git_index *index, const char *dir);
/** Read path's staged blob (as mc_git__blob_read); not staged is an error. */
int mc_git__staged_read(char **out, size_t *out_len,
                        const struct mc_changes_src *s, const char *path);

/* --- commits and ranges (changes_range.c) ------------------------------- */

/**
 * What failed, with libgit2's reason; when code says an object is missing
 * in a shallow clone, the fetch that brings the history instead
 * (changes_range.c). @return MC_ERROR_GIT's code
 */
int mc_git__shallow_error(mc_repo *r, const char *what, int code);
/**
 * Set up c for --range spec ("a..b", "a...b"): the trees, target, messages,
 * describe and note; *old_tree is the side the change starts from (the
 * caller frees it). @return 0 or < 0 (usage, unknown revision, shallow)
 */
int mc_git__changes_range(mc_changeset *c, mc_repo *r, const char *spec,
                          git_tree **old_tree);
/** The same for --commit spec; *old_tree is its first parent's (NULL for
 * a root commit). */
int mc_git__changes_commit(mc_changeset *c, mc_repo *r, const char *spec,
                           git_tree **old_tree);

/** The change's target commit (RANGE: B, COMMIT: the commit): 1 and *out;
 * 0 when the target is the index or the work tree. */
int mc_git__changeset_target(git_oid *out, const mc_changeset *c);

/** Expand deploy.ref values (globs) into ref names; missing ones are errors. */
int mc_git__expand_refs(mc_vec *out, mc_repo *r, const mc_vec *patterns);

/**
 * Whether tag name (without refs/tags/) is named like a release: a
 * version of 2 to 4 numbers after nothing, a separator (/ - _ @) or a 'v'
 * after one, then nothing or a suffix (-rc.1, +build); not after docs,
 * nightly, latest, test... (releases.c).
 * @param[out] prefix_len the length of what precedes the version ("v": 1)
 * @param[out] parts up to 4 numbers, *nparts of them
 * @param[out] pre 1 for a pre-release suffix ("-rc1")
 * @return 1 a release, 0 not
 */
int mc_git__release_tag_parse(size_t *prefix_len, unsigned *parts, size_t *nparts,
                              int *pre, const char *name);

#endif
