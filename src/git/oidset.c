/*
 * oidset.c: a set of object ids for our own history walks (libgit2's
 * revwalk and graph functions leak when a shallow clone's parents are
 * missing). Open addressing, the table doubled at half full.
 */
#include <string.h>

#include "git_internal.h"
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
			if (s->used[i])
				(void)mc_git__oidset_add(&n, &s->ids[i]);
		mc_git__oidset_dispose(s);
		*s = n;
	}
	for (i = oid_hash(id) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->ids[i], id))
			return 0;
	s->used[i] = 1;
	git_oid_cpy(&s->ids[i], id);
	s->len++;
	return 1;
}

void mc_git__oidset_dispose(mc_git__oidset *s)
{
	mc_free(s->ids);
	mc_free(s->used);
	memset(s, 0, sizeof(*s));
}
