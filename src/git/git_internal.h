/*
 * git_internal.h: what src/git/ files share; never included outside it.
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

/**
 * Check the loose object file at path (see loose.c): it inflates fully,
 * its header is "type size" (or the old pack-like one) and the data is
 * that long. @return 0 good, 1 no such file (not loose: not an error),
 * -1 corrupt or unreadable with the reason in reason[reason_size]
 */
int mc_git__loose_verify(const char *path, char *reason, size_t reason_size);
/** Put the loose object check in front of every object read of repo. */
int mc_git__loose_guard(git_repository *repo);

/** A tree object read raw (rawtree.c); start with mc_git__raw_open. */
typedef struct {
	git_odb_object *obj;
	const unsigned char *p, *end;
} mc_git__raw_tree;

/** One entry of a raw tree; name and id point into the tree's data. */
typedef struct {
	const char *name;
	size_t len;              /* name is not NUL-terminated at len */
	const unsigned char *id; /* 20 bytes */
	unsigned mode;           /* GIT_FILEMODE_* */
} mc_git__raw_entry;

/** Read tree id (the zero id: an empty tree); not a tree is an error. */
int mc_git__raw_open(mc_git__raw_tree *t, git_odb *odb, const git_oid *id);
/** The next entry, 1; 0 at the end (or where the tree is damaged). */
int mc_git__raw_next(mc_git__raw_entry *e, mc_git__raw_tree *t);
void mc_git__raw_close(mc_git__raw_tree *t);

/** The change's target commit (RANGE: B, COMMIT: the commit): 1 and *out;
 * 0 when the target is the index or the work tree. */
int mc_git__changeset_target(git_oid *out, const mc_changeset *c);

/** Expand deploy.ref values (globs) into ref names; missing ones are errors. */
int mc_git__expand_refs(mc_vec *out, mc_repo *r, const mc_vec *patterns);

/** A set of object ids (open addressing); start from MC_GIT_OIDSET_INIT. */
typedef struct {
	git_oid *ids;
	unsigned char *used;
	size_t cap, len;
} mc_git__oidset;
#define MC_GIT_OIDSET_INIT { NULL, NULL, 0, 0 }
#define MC_GIT_OIDSET_USED 0x80 /* used[]: the slot is taken; bits 0-6: flags */
/** @return 1 added, 0 already there, -1 out of memory (no error set) */
int mc_git__oidset_add(mc_git__oidset *s, const git_oid *id);
int mc_git__oidset_has(const mc_git__oidset *s, const git_oid *id);
void mc_git__oidset_dispose(mc_git__oidset *s);
/** The caller's flags (bits 0-6) of id; 0 when absent. */
unsigned mc_git__oidset_flags(const mc_git__oidset *s, const git_oid *id);
/** Add id (when new) and set flags on it. @return 0, or -1 out of memory */
int mc_git__oidset_or(mc_git__oidset *s, const git_oid *id, unsigned flags);

/** A walk's frontier: ids to visit (a stack) and every id ever pushed. */
typedef struct {
	mc_git__oidset seen;
	git_oid *stack;
	size_t len, cap;
} mc_git__walk;
#define MC_GIT_WALK_INIT { MC_GIT_OIDSET_INIT, NULL, 0, 0 }
/** Push id unless it was pushed before. @return 0, or -1 out of memory */
int mc_git__walk_push(mc_git__walk *w, const git_oid *id);
/** Pop the next id into *id. @return 1, or 0 when the frontier is empty */
int mc_git__walk_pop(mc_git__walk *w, git_oid *id);
void mc_git__walk_dispose(mc_git__walk *w);

/**
 * What git's merge-base paint walk (commit-date order) finds for a and b,
 * with our own walk: libgit2 1.5's merge base and hidden revwalk leak and
 * fail when a shallow clone's parents are missing.
 */
typedef struct {
	git_oid *bases;  /* `git merge-base --all a b`: newest committer date
	                  * first, so bases[0] is what `git merge-base a b` and
	                  * `git diff a...b` use */
	size_t nbases;   /* 0: unrelated histories (when complete) */
	git_oid *only_b; /* with want_only_b: the commits b has and a lacks
	                  * (`git rev-list a..b`), newest first */
	size_t nonly_b;
	int incomplete;  /* 1: a path of the walk that still mattered ran into
	                  * a shallow clone's boundary (a commit in .git/shallow
	                  * or a missing parent): bases and only_b are unknown */
} mc_git__mbase;
#define MC_GIT_MBASE_INIT { NULL, 0, NULL, 0, 0 }
/**
 * @return 0 (look at incomplete), MC_ERROR (a commit cannot be read in a
 *   clone that is not shallow, with the libgit2 message), MC_ENOMEM
 */
int mc_git__merge_bases(mc_git__mbase *out, git_repository *repo,
                        const git_oid *a, const git_oid *b, int want_only_b);
void mc_git__mbase_dispose(mc_git__mbase *m);

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
