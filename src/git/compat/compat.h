/*
 * compat.h: the parts of git that migcheck re-implements around libgit2 1.5
 * (Debian 12's), each for a reason given in README.md beside it, with a
 * NEEDSWORK line in its source naming the libgit2 release that retires it.
 * The rest of src/git reaches them only through this header; never
 * included outside src/git.
 */
#ifndef MIGCHECK_GIT_COMPAT_H
#define MIGCHECK_GIT_COMPAT_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "migcheck/vec.h"

/* --- index_scan.c: selected entries of the index file -------------------- */

struct mc_git__ientry {
	char *path;
	git_oid id;
	unsigned mode;
};

/**
 * Collect the stage-0 entries for which want() returns 1, in index order
 * (sorted by path) into out (struct mc_git__ientry*; free them with
 * mc_git__ientries_dispose).
 * @return 0; 1 when the index uses something we do not read (split or
 *   sparse index, unknown version): use libgit2; MC_ENOTFOUND when there is
 *   no index file; MC_ENOMEM
 */
int mc_git__index_scan(mc_vec *out, const char *path,
                       int (*want)(const char *path, void *payload), void *payload);
void mc_git__ientries_dispose(mc_vec *v);

/* --- loose.c: a check of loose objects before libgit2 inflates them ------- */

/**
 * Check the loose object file at path (see loose.c): it inflates fully,
 * its header is "type size" (or the old pack-like one) and the data is
 * that long. @return 0 good, 1 no such file (not loose: not an error),
 * -1 corrupt or unreadable with the reason in reason[reason_size]
 */
int mc_git__loose_verify(const char *path, char *reason, size_t reason_size);
/** Put the loose object check in front of every object read of repo. */
int mc_git__loose_guard(git_repository *repo);

/* --- rawtree.c: tree objects walked from their raw data ------------------- */

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

/* --- oidset.c: object id sets and walk frontiers; mergebase.c ------------- */

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

/* --- rename.c: git's rename pairing and similarity score ------------------ */

/**
 * One side of a possible rename: a blob deleted (its old path and id) or
 * added (its new path and id). path and id are the caller's and must
 * outlive the side; the line hashes are the scorer's.
 */
typedef struct {
	const char *path;
	const git_oid *id;
	int paired;      /* OUT: set when mc_git__renames_find pairs it */
	uint64_t *lines; /* sorted line hashes, read on first use, or NULL */
	size_t nlines;
	int too_large;   /* over the size cap: not read, alike to nothing */
} mc_git__rename_side;

/** Free a side and its line hashes (not path or id); accepts NULL. */
void mc_git__rename_side_free(void *p);

/**
 * Pair the deleted sides (dels, mc_git__rename_side*) with the added ones
 * (adds) as git's rename detection does: first a deleted blob added again
 * under another name, then, while dels x adds is at most 10,000 pairs
 * (git's diff.renameLimit), each deleted file with the added one that
 * shares the most lines, if at least half (git's default score of 50).
 * found(d, a, payload) is called for each pair in that order; both sides
 * are then marked paired.
 * @return 0; the first < 0 from found; MC_ERROR when a blob cannot be read
 */
int mc_git__renames_find(git_repository *repo, mc_vec *dels, mc_vec *adds,
                         int (*found)(mc_git__rename_side *d, mc_git__rename_side *a,
                                      void *payload),
                         void *payload);

#endif
