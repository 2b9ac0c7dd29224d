/*
 * oidset.c: a set of object ids for our own history walks (libgit2's
 * revwalk and graph functions leak when a shallow clone's parents are
 * missing). Open addressing, the table doubled at half full.
 *
 * NEEDSWORK: libgit2 has no public oid set (git_oidmap is internal). This
 * goes when its users do: mergebase.c (see there), and the containment
 * walks of latest.c and deployed.c, which libgit2 1.7's shallow support
 * would let git_graph_descendant_of do, one point at a time.
 */
#include "compat.h"

#include <string.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "util/banned.h"

static size_t oid_hash(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof(h)); /* a SHA-1 is already well mixed */
	return h;
}

int mc_git__oidset_has(const mc_git__oidset *s, const git_oid *id)
{
	if (!s->cap)
		return 0;
	for (size_t i = oid_hash(id) & (s->cap - 1); s->used[i];
	     i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->ids[i], id))
			return 1;
	return 0;
}

int mc_git__oidset_add(mc_git__oidset *s, const git_oid *id)
{
	size_t i;

	if (2 * (s->len + 1) > s->cap) {
		mc_git__oidset n = { NULL, NULL, s->cap ? 2 * s->cap : 256, 0 };
		if ((n.ids = mc_malloc(n.cap * sizeof(*n.ids))) == NULL ||
		    (n.used = mc_calloc(n.cap, 1)) == NULL) {
			mc_free(n.ids);
			return -1;
		}
		for (i = 0; i < s->cap; i++)
			if (s->used[i]) {
				size_t j = oid_hash(&s->ids[i]) & (n.cap - 1);
				while (n.used[j])
					j = (j + 1) & (n.cap - 1);
				n.used[j] = s->used[i]; /* keeps the flags */
				git_oid_cpy(&n.ids[j], &s->ids[i]);
				n.len++;
			}
		mc_git__oidset_dispose(s);
		*s = n;
	}
	for (i = oid_hash(id) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->ids[i], id))
			return 0;
	s->used[i] = MC_GIT_OIDSET_USED;
	git_oid_cpy(&s->ids[i], id);
	s->len++;
	return 1;
}

unsigned mc_git__oidset_flags(const mc_git__oidset *s, const git_oid *id)
{
	if (!s->cap)
		return 0;
	for (size_t i = oid_hash(id) & (s->cap - 1); s->used[i];
	     i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->ids[i], id))
			return s->used[i] & ~(unsigned)MC_GIT_OIDSET_USED;
	return 0;
}

int mc_git__oidset_or(mc_git__oidset *s, const git_oid *id, unsigned flags)
{
	size_t i;

	if (mc_git__oidset_add(s, id) < 0)
		return -1;
	for (i = oid_hash(id) & (s->cap - 1); !git_oid_equal(&s->ids[i], id);
	     i = (i + 1) & (s->cap - 1))
		;
	s->used[i] |= (unsigned char)(flags & 0x7f);
	return 0;
}

void mc_git__oidset_dispose(mc_git__oidset *s)
{
	mc_free(s->ids);
	mc_free(s->used);
	memset(s, 0, sizeof(*s));
}

int mc_git__walk_push(mc_git__walk *w, const git_oid *id)
{
	int added = mc_git__oidset_add(&w->seen, id);

	if (added <= 0)
		return added;
	if (w->len == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		git_oid *ns = mc_realloc(w->stack, cap * sizeof(*ns));
		if (!ns)
			return -1;
		w->stack = ns;
		w->cap = cap;
	}
	git_oid_cpy(&w->stack[w->len++], id);
	return 0;
}

int mc_git__walk_pop(mc_git__walk *w, git_oid *id)
{
	if (!w->len)
		return 0;
	git_oid_cpy(id, &w->stack[--w->len]);
	return 1;
}

void mc_git__walk_dispose(mc_git__walk *w)
{
	mc_git__oidset_dispose(&w->seen);
	mc_free(w->stack);
	memset(w, 0, sizeof(*w));
}
