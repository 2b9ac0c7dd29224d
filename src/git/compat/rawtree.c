/*
 * rawtree.c: tree objects read raw from the object database and walked
 * entry by entry, without libgit2 tree objects. A folder of 10,000
 * migrations is diffed once per commit that touches it in log's walk, and
 * parsing it into libgit2 tree objects (and caching them) costs more time
 * and memory than the walk; the folder check before every command reads
 * HEAD's trees this way too, so that it leaves log's heap as it was.
 *
 * NEEDSWORK: no released libgit2 (up to 1.9.7) has an entry iterator over
 * a tree's raw data: git_tree_lookup allocates every entry and caches the
 * tree. Retire this when libgit2 can walk a tree without parsing it whole.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "git/git_internal.h"
#include "migcheck/errors.h"
#include "util/banned.h"

int mc_git__raw_open(mc_git__raw_tree *t, git_odb *odb, const git_oid *id)
{
	memset(t, 0, sizeof(*t));
	if (git_oid_is_zero(id))
		return 0;
	if (git_odb_read(&t->obj, odb, id) < 0)
		return mc_git__error("cannot read a tree");
	if (git_odb_object_type(t->obj) != GIT_OBJECT_TREE) {
		char hex[GIT_OID_HEXSZ + 1];
		mc_git__raw_close(t);
		return mc_error_set(MC_ERROR_GIT, "cannot read a tree: object %s is not a tree",
		                    git_oid_tostr(hex, sizeof(hex), id));
	}
	t->p = git_odb_object_data(t->obj);
	t->end = t->p + git_odb_object_size(t->obj);
	return 0;
}

int mc_git__raw_next(mc_git__raw_entry *e, mc_git__raw_tree *t)
{
	const unsigned char *sp, *nul;

	if (!t->p || t->p >= t->end)
		return 0;
	sp = memchr(t->p, ' ', (size_t)(t->end - t->p));
	nul = sp ? memchr(sp, '\0', (size_t)(t->end - sp)) : NULL;
	if (!sp || !nul || nul + 21 > t->end) {
		t->p = t->end; /* a damaged tree ends here */
		return 0;
	}
	e->mode = 0;
	for (const unsigned char *m = t->p; m < sp && *m >= '0' && *m <= '7'; m++)
		e->mode = e->mode * 8 + (unsigned)(*m - '0');
	e->name = (const char *)sp + 1;
	e->len = (size_t)(nul - sp - 1);
	e->id = nul + 1;
	t->p = nul + 21;
	return 1;
}

void mc_git__raw_close(mc_git__raw_tree *t)
{
	git_odb_object_free(t->obj);
	memset(t, 0, sizeof(*t));
}
