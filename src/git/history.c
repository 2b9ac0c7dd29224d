/*
 * history.c: 'migcheck log' data in one revision walk. For each commit the
 * migrations folders' subtree ids are compared with the parents'; only when
 * they differ are the two subtrees diffed, so commits that do not touch the
 * migrations cost two tree lookups (cached by id) and no diff.
 */
#include "migcheck/history.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* --- an oid -> subtree ids cache (open addressing) --------------------------- */

struct slot {
	git_oid commit;
	git_oid *subs; /* ndirs ids; zero id: folder absent */
	int used;
};

struct cache {
	struct slot *slots;
	size_t cap, len, ndirs;
};

static size_t oid_hash(const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof(h));
	return h;
}

static void cache_dispose(struct cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		mc_free(c->slots[i].subs);
	mc_free(c->slots);
}

static struct slot *cache_find(struct cache *c, const git_oid *id)
{
	size_t i = oid_hash(id) & (c->cap - 1);
	while (c->slots[i].used) {
		if (git_oid_equal(&c->slots[i].commit, id))
			return &c->slots[i];
		i = (i + 1) & (c->cap - 1);
	}
	return &c->slots[i];
}

static int cache_grow(struct cache *c)
{
	struct cache n = { NULL, c->cap ? c->cap * 2 : 1024, 0, c->ndirs };
	if ((n.slots = mc_calloc(n.cap, sizeof(*n.slots))) == NULL)
		return mc_error_set_oom();
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].used)
			*cache_find(&n, &c->slots[i].commit) = c->slots[i];
	n.len = c->len;
	mc_free(c->slots);
	*c = n;
	return 0;
}

/* The subtree ids of a commit's folders, computed once per commit. */
static int subtrees(const git_oid **out, struct cache *c, git_repository *repo,
                    const git_oid *commit_id, const mc_vec *dirs)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct slot *s;
	git_oid *subs;
	int error = 0;

	/* grown at three quarters full: linear probing stays short, and a
	 * 20,000-commit walk needs 32,768 slots, not 65,536 (1.3 MB) */
	if ((c->len + 1) * 4 > c->cap * 3 && (error = cache_grow(c)) < 0)
		return error;
	s = cache_find(c, commit_id);
	if (s->used) {
		*out = s->subs;
		return 0;
	}
	if ((subs = mc_calloc(c->ndirs ? c->ndirs : 1, sizeof(*subs))) == NULL)
		return mc_error_set_oom();
	if ((error = git_commit_lookup(&commit, repo, commit_id)) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		int missing = error == GIT_ENOTFOUND;
		mc_free(subs);
		git_commit_free(commit);
		/* the reason first: git_repository_is_shallow clears it */
		error = mc_git__error("cannot read a commit");
		if (missing && git_repository_is_shallow(repo) == 1)
			return mc_error_set(MC_ERROR_GIT,
			                    "history is missing in this shallow clone; fetch it with 'git fetch --unshallow'");
		return error;
	}
	for (size_t i = 0; i < c->ndirs; i++) {
		const char *dir = dirs->items[i];
		git_tree_entry *te = NULL;
		if (!*dir) {
			git_oid_cpy(&subs[i], git_tree_id(tree));
			continue;
		}
		if (git_tree_entry_bypath(&te, tree, dir) == 0 &&
		    git_tree_entry_type(te) == GIT_OBJECT_TREE)
			git_oid_cpy(&subs[i], git_tree_entry_id(te));
		git_tree_entry_free(te);
	}
	git_error_clear();
	git_tree_free(tree);
	git_commit_free(commit);
	s->used = 1;
	git_oid_cpy(&s->commit, commit_id);
	s->subs = subs;
	c->len++;
	*out = subs;
	return 0;
}

/* --- entries ---------------------------------------------------------------- */

static void commit_info_free(void *p)
{
	mc_commit_info *c = p;
	if (!c)
		return;
	mc_free(c->author);
	mc_free(c->email);
	mc_free(c->subject);
	mc_free(c);
}

static void entry_free(void *p)
{
	mc_history_entry *e = p;
	if (!e)
		return;
	mc_free(e->path);
	mc_free(e->released);
	mc_vec_dispose_deep(&e->changes, mc_free);
	mc_free(e);
}

void mc_history_free(mc_history *h)
{
	if (!h)
		return;
	mc_vec_dispose_deep(&h->entries, entry_free);
	mc_vec_dispose_deep(&h->commits, commit_info_free);
	mc_free(h);
}

/* --- releases: the first deploy ref or tag holding each path --------------- */

struct release {
	char *name;
	long long time;
	git_oid commit;
};

/* A folder tree that some release has: its id, which folder (index in
 * dirs) and the rank (place in the release order) of the first release
 * that has it. The walk marks its files when it reads that tree anyway;
 * those it never reads are read after the walk. */
struct rel_tree {
	git_oid id;
	size_t d, rank;
	int seen;
};

struct release_set {
	mc_vec rels;            /* struct release*, oldest first: index = rank */
	struct rel_tree *trees; /* sorted by id, then folder; one per (id, folder) */
	size_t ntrees;
};

#define NO_RANK ((size_t)-1)

/* An entry and, while walking, the rank of the first release found to
 * hold it. The public part comes first: a struct hentry * is the
 * mc_history_entry * callers get, and entry_free frees either. */
struct hentry {
	mc_history_entry pub;
	size_t rank; /* NO_RANK: no release holds it (yet) */
};

/* entries are appended while walking; looked up through a sorted index at the end */
struct walk {
	mc_history *h;
	git_repository *repo;
	git_odb *odb;
	mc_vec *dirs;
	const mc_commit_info *current;
	git_commit *commit;
	const char *dir;
	size_t d; /* dir's index in dirs */
	struct release_set *rs;
	/* path -> struct hentry, kept sorted for bsearch */
	mc_vec sorted;
};

/* Where PATH is, or would go, in the path-sorted entries; *found says which. */
static size_t entry_pos(const mc_vec *sorted, const char *path, int *found)
{
	size_t lo = 0, hi = sorted->len;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, ((mc_history_entry *)sorted->items[mid])->path);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* NULL when path has no entry (create 0) or memory ran out (create 1) */
static struct hentry *entry_get(struct walk *w, const char *path, int create)
{
	struct hentry *e;
	int found;
	size_t lo = entry_pos(&w->sorted, path, &found);

	if (found)
		return w->sorted.items[lo];
	if (!create)
		return NULL;
	if ((e = mc_calloc(1, sizeof(*e))) == NULL || (e->pub.path = mc_strdup(path)) == NULL) {
		mc_free(e);
		return NULL;
	}
	e->rank = NO_RANK;
	if (mc_vec_push(&w->sorted, e) < 0) {
		entry_free(e);
		return NULL;
	}
	memmove(&w->sorted.items[lo + 1], &w->sorted.items[lo],
	        (w->sorted.len - 1 - lo) * sizeof(void *));
	w->sorted.items[lo] = e;
	return e;
}

static int commit_info(const mc_commit_info **out, struct walk *w)
{
	const git_signature *sig = git_commit_author(w->commit);
	const char *summary = git_commit_summary(w->commit);
	mc_commit_info *ci;
	int error;

	if (w->current) {
		*out = w->current;
		return 0;
	}
	if ((ci = mc_calloc(1, sizeof(*ci))) == NULL)
		return mc_error_set_oom();
	git_oid_tostr(ci->sha, sizeof(ci->sha), git_commit_id(w->commit));
	ci->author = mc_strdup(sig && sig->name ? sig->name : "");
	ci->email = mc_strdup(sig && sig->email ? sig->email : "");
	ci->subject = mc_strdup(summary ? summary : "");
	ci->time = sig ? (long long)sig->when.time : 0;
	ci->offset = sig ? sig->when.offset : 0;
	if (!ci->author || !ci->email || !ci->subject) {
		commit_info_free(ci);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&w->h->commits, ci)) < 0) {
		commit_info_free(ci);
		return error;
	}
	w->current = ci;
	*out = ci;
	return 0;
}

/* names discovery ignores silently: dot files, README, LICENSE, notes */
static int ignored_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || !strncasecmp(name, "README", 6) ||
	       !strncasecmp(name, "LICENSE", 7) || !strncasecmp(name, "CHANGELOG", 9) ||
	       (n > 3 && !strcasecmp(name + n - 3, ".md")) ||
	       (n > 4 && !strcasecmp(name + n - 4, ".txt"));
}

static int record(struct walk *w, const char *name, mc_history_event ev)
{
	mc_buf path = MC_BUF_INIT;
	struct hentry *he;
	mc_history_entry *e;
	mc_history_change *ch;
	const mc_commit_info *ci = NULL;
	int error;

	if (strchr(name, '/') || ignored_name(name))
		return 0; /* below the folder, or documentation: not a migration */
	if ((error = *w->dir ? mc_buf_joinpath(&path, w->dir, name) : mc_buf_puts(&path, name)) < 0 ||
	    (error = commit_info(&ci, w)) < 0)
		goto done;
	if ((he = entry_get(w, path.ptr, 1)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	e = &he->pub;
	if ((ch = mc_calloc(1, sizeof(*ch))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	ch->event = ev;
	ch->commit = ci;
	if ((error = mc_vec_push(&e->changes, ch)) < 0)
		mc_free(ch);
done:
	mc_buf_dispose(&path);
	return error;
}

/* The next entry of a raw tree (compat/rawtree.c) that could be a migration:
 * trees ("40000") and submodules ("160000") are skipped; 0 at the end. */
static int raw_next(mc_git__raw_entry *e, mc_git__raw_tree *t)
{
	while (mc_git__raw_next(e, t))
		if (e->mode != GIT_FILEMODE_TREE && e->mode != GIT_FILEMODE_COMMIT)
			return 1;
	return 0;
}

static int name_cmp(const mc_git__raw_entry *a, const mc_git__raw_entry *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* In a merge, did another parent already have this entry as the merge has it? */
static int from_other_parent(struct walk *w, const git_oid *others, size_t nothers,
                             const mc_git__raw_entry *want, int deleted)
{
	int same = 0;
	for (size_t i = 0; i < nothers && !same; i++) {
		mc_git__raw_tree t;
		mc_git__raw_entry e;
		int found = 0;
		if (git_oid_is_zero(&others[i])) {
			same = deleted;
			continue;
		}
		if (mc_git__raw_open(&t, w->odb, &others[i]) < 0) {
			mc_error_clear();
			continue;
		}
		while (!found && raw_next(&e, &t))
			if (!name_cmp(&e, want)) {
				found = 1;
				same = !deleted && !memcmp(e.id, want->id, 20);
			}
		if (!found)
			same = deleted;
		mc_git__raw_close(&t);
	}
	return same;
}

static int record_raw(struct walk *w, const mc_git__raw_entry *e, mc_history_event ev,
                      const git_oid *others, size_t nothers)
{
	char *name;
	int error;

	if (nothers && from_other_parent(w, others, nothers, e, ev == MC_HISTORY_DELETED))
		return 0; /* brought in by the merge: recorded on its own branch */
	if ((name = mc_strndup(e->name, e->len)) == NULL)
		return mc_error_set_oom();
	error = record(w, name, ev);
	mc_free(name);
	return error;
}

static int rel_tree_cmp(const void *a, const void *b)
{
	const struct rel_tree *x = a, *y = b;
	int c = git_oid_cmp(&x->id, &y->id);
	if (c)
		return c;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The release tree (id, folder d) not marked yet, or NULL; it is marked. */
static struct rel_tree *rel_tree_take(struct release_set *rs, const git_oid *id, size_t d)
{
	for (size_t lo = 0, hi = rs ? rs->ntrees : 0; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		struct rel_tree *t = &rs->trees[mid];
		int c = git_oid_cmp(id, &t->id);
		if (!c)
			c = d < t->d ? -1 : d > t->d;
		if (c < 0) {
			hi = mid;
		} else if (c > 0) {
			lo = mid + 1;
		} else {
			if (t->seen)
				return NULL;
			t->seen = 1;
			return t;
		}
	}
	return NULL;
}

/*
 * The file e of folder w->dir is in a tree that release rank holds. While
 * walking (create 1) its entry is made if needed: the commit that adds it
 * is older and comes later in the walk; entries no commit touched are
 * dropped after the walk. After it (create 0) only known entries count.
 */
static int mark_released(struct walk *w, const mc_git__raw_entry *e, size_t rank, int create)
{
	mc_buf path = MC_BUF_INIT;
	struct hentry *he = NULL;
	int error = 0;

	if (memchr(e->name, '/', e->len))
		return 0;
	if (*w->dir && (error = mc_buf_puts(&path, w->dir)) == 0)
		error = mc_buf_putc(&path, '/');
	if (!error)
		error = mc_buf_put(&path, e->name, e->len);
	if (!error && !ignored_name(path.ptr + path.size - e->len) &&
	    (he = entry_get(w, path.ptr, create)) == NULL && create)
		error = mc_error_set_oom();
	if (he && rank < he->rank)
		he->rank = rank;
	mc_buf_dispose(&path);
	return error;
}

static int diff_subtrees(struct walk *w, const git_oid *old_id, const git_oid *new_id,
                         const git_oid *others, size_t nothers)
{
	mc_git__raw_tree a, b;
	mc_git__raw_entry ea, eb;
	struct rel_tree *rel;
	int ha, hb, error;

	if ((error = mc_git__raw_open(&a, w->odb, old_id)) < 0)
		return error;
	if ((error = mc_git__raw_open(&b, w->odb, new_id)) < 0) {
		mc_git__raw_close(&a);
		return error;
	}
	/* a release's folder tree: every file of it is visited below */
	rel = rel_tree_take(w->rs, new_id, w->d);
	ha = raw_next(&ea, &a);
	hb = raw_next(&eb, &b);
	while ((ha || hb) && !error) {
		int c = !ha ? 1 : !hb ? -1 : name_cmp(&ea, &eb);
		if (c < 0) {
			error = record_raw(w, &ea, MC_HISTORY_DELETED, others, nothers);
			ha = raw_next(&ea, &a);
			continue;
		}
		if (c > 0)
			error = record_raw(w, &eb, MC_HISTORY_ADDED, others, nothers);
		else if (memcmp(ea.id, eb.id, 20))
			error = record_raw(w, &eb, MC_HISTORY_MODIFIED, others, nothers);
		if (rel && !error)
			error = mark_released(w, &eb, rel->rank, 1);
		if (c == 0)
			ha = raw_next(&ea, &a);
		hb = raw_next(&eb, &b);
	}
	mc_git__raw_close(&a);
	mc_git__raw_close(&b);
	return error;
}

/* --- the release set ------------------------------------------------------- */

static int release_cmp(const void *a, const void *b)
{
	const struct release *x = *(struct release *const *)a, *y = *(struct release *const *)b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int tag_cb(const char *name, void *payload)
{
	char *s = mc_strdup(name);
	if (!s || mc_vec_push(payload, s) < 0) {
		mc_free(s);
		return -1;
	}
	return 0;
}

static void release_set_dispose(struct release_set *rs)
{
	for (size_t i = 0; i < rs->rels.len; i++) {
		struct release *rel = rs->rels.items[i];
		mc_free(rel->name);
		mc_free(rel);
	}
	mc_vec_dispose(&rs->rels);
	mc_free(rs->trees);
	memset(rs, 0, sizeof(*rs));
}

/*
 * The releases (deploy refs and every tag) in order of commit date, and
 * the distinct folder trees they hold, each with the first release that
 * holds it. Their commits' subtree ids go into the walk's cache, so a
 * release commit on the walked line costs nothing more.
 */
static int releases_load(struct release_set *rs, mc_repo *r, struct cache *cache,
                         const mc_vec *dirs, const mc_vec *patterns)
{
	mc_vec names = MC_VEC_INIT;
	int error;

	if ((error = mc_git__expand_refs(&names, r, patterns)) < 0)
		goto done;
	if (git_reference_foreach_glob(r->repo, "refs/tags/*", tag_cb, &names) < 0) {
		error = mc_git__error("cannot list tags");
		goto done;
	}
	for (size_t i = 0; i < names.len && !error; i++) {
		git_object *obj = NULL;
		struct release *rel;
		int dup = 0;
		for (size_t k = 0; k < i; k++)
			dup |= names.items[k] && !strcmp(names.items[k], names.items[i]);
		if (dup)
			continue;
		if ((error = mc_git__peel_ref(&obj, r->repo, names.items[i], GIT_OBJECT_COMMIT)) < 0) {
			/* a tag of a blob, say; a corrupt object is an error */
			if (error == GIT_EPEEL || error == GIT_EINVALIDSPEC) {
				git_error_clear();
				error = 0;
				continue;
			}
			char *what = mc_asprintf("cannot read the release '%s'", (const char *)names.items[i]);
			error = what ? mc_git__error(what) : mc_error_set_oom();
			mc_free(what);
			break;
		}
		if ((rel = mc_calloc(1, sizeof(*rel))) == NULL) {
			error = mc_error_set_oom();
		} else {
			rel->name = names.items[i];
			names.items[i] = NULL;
			rel->time = (long long)git_commit_time((git_commit *)obj);
			git_oid_cpy(&rel->commit, git_object_id(obj));
			if ((error = mc_vec_push(&rs->rels, rel)) < 0) {
				mc_free(rel->name);
				mc_free(rel);
			}
		}
		git_object_free(obj);
	}
	if (error)
		goto done;
	mc_vec_sort(&rs->rels, release_cmp);
	if (rs->rels.len && dirs->len &&
	    (rs->trees = mc_calloc(rs->rels.len * dirs->len, sizeof(*rs->trees))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t k = 0; k < rs->rels.len && !error; k++) {
		struct release *rel = rs->rels.items[k];
		const git_oid *subs;
		if ((error = subtrees(&subs, cache, r->repo, &rel->commit, dirs)) < 0)
			break;
		for (size_t d = 0; d < dirs->len; d++) {
			struct rel_tree *t = &rs->trees[rs->ntrees];
			if (git_oid_is_zero(&subs[d]))
				continue;
			git_oid_cpy(&t->id, &subs[d]);
			t->d = d;
			t->rank = k;
			rs->ntrees++;
		}
	}
	if (error)
		goto done;
	/* one per (tree, folder): the first release's, the lowest rank */
	if (rs->ntrees)
		qsort(rs->trees, rs->ntrees, sizeof(*rs->trees), rel_tree_cmp);
	{
		size_t n = 0;
		for (size_t i = 0; i < rs->ntrees; i++)
			if (!n || !git_oid_equal(&rs->trees[i].id, &rs->trees[n - 1].id) ||
			    rs->trees[i].d != rs->trees[n - 1].d)
				rs->trees[n++] = rs->trees[i];
		rs->ntrees = n;
	}
done:
	mc_vec_dispose_deep(&names, mc_free);
	return error;
}

/*
 * After the walk: read the release trees it did not (a release off the
 * walked line, a shallow clone's cut), drop the entries only a release
 * made (no commit of the walk touched them), and name each entry's first
 * release.
 */
static int releases_finish(struct walk *w, struct release_set *rs)
{
	size_t n = 0;
	int error = 0;

	for (size_t i = 0; i < rs->ntrees && !error; i++) {
		struct rel_tree *t = &rs->trees[i];
		mc_git__raw_tree raw;
		mc_git__raw_entry e;
		if (t->seen)
			continue;
		t->seen = 1;
		if ((error = mc_git__raw_open(&raw, w->odb, &t->id)) < 0)
			break;
		w->dir = w->dirs->items[t->d];
		while (!error && raw_next(&e, &raw))
			error = mark_released(w, &e, t->rank, 0);
		mc_git__raw_close(&raw);
	}
	for (size_t i = 0; i < w->sorted.len; i++) {
		struct hentry *he = w->sorted.items[i];
		if (!he->pub.changes.len) {
			entry_free(he);
			continue;
		}
		w->sorted.items[n++] = he;
		if (error || he->rank == NO_RANK)
			continue;
		if ((he->pub.released = mc_strdup(((struct release *)rs->rels.items[he->rank])->name)) == NULL)
			error = mc_error_set_oom();
	}
	w->sorted.len = n;
	return error;
}

int mc_history_load(mc_history **out, mc_repo *r, const char *rev, const mc_vec *dirs,
                    const mc_vec *deploy_patterns)
{
	static const git_oid zero;
	mc_history *h = NULL;
	git_revwalk *walk = NULL;
	git_commit *start = NULL;
	struct cache cache = { NULL, 0, 0, 0 };
	struct release_set rs;
	struct walk w;
	git_oid id;
	int error;

	MC_ASSERT_ARG(out && r && dirs && deploy_patterns);
	memset(&rs, 0, sizeof(rs));
	*out = NULL;
	memset(&w, 0, sizeof(w));
	if ((h = mc_calloc(1, sizeof(*h))) == NULL)
		return mc_error_set_oom();
	cache.ndirs = dirs->len;
	/* every commit and root tree is read once: keep libgit2's cache small */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)(8 * 1024 * 1024));
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)0);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)0);
	if (git_repository_head_unborn(r->repo) == 1 && !rev) {
		*out = h; /* no commits yet: no history */
		return 0;
	}
	if ((error = mc_git__resolve_commit(&start, r, rev ? rev : "HEAD")) < 0)
		goto done;
	if (git_revwalk_new(&walk, r->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, git_commit_id(start)) < 0) {
		error = mc_git__error("cannot walk the history");
		goto done;
	}
	w.h = h;
	w.repo = r->repo;
	w.dirs = (mc_vec *)dirs;
	w.rs = &rs;
	if (git_repository_odb(&w.odb, r->repo) < 0) {
		error = mc_git__error("cannot open the object database");
		goto done;
	}
	if ((error = releases_load(&rs, r, &cache, dirs, deploy_patterns)) < 0)
		goto done;
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		const git_oid *mine, *theirs;
		git_oid mine_copy[16];
		git_oid *mc = NULL;
		git_oid others[8];
		size_t np, nothers;
		int same_as_parent = 0;

		h->walked++;
		if ((error = subtrees(&mine, &cache, r->repo, &id, dirs)) < 0)
			goto done;
		/* the cache may move its slots: copy our ids */
		if (dirs->len <= 16) {
			memcpy(mine_copy, mine, dirs->len * sizeof(git_oid));
			mine = mine_copy;
		} else if ((mc = mc_malloc(dirs->len * sizeof(git_oid))) == NULL) {
			error = mc_error_set_oom();
			goto done;
		} else {
			memcpy(mc, mine, dirs->len * sizeof(git_oid));
			mine = mc;
		}
		if (git_commit_lookup(&w.commit, r->repo, &id) < 0) {
			mc_free(mc);
			error = mc_git__error("cannot read a commit");
			goto done;
		}
		np = git_commit_parentcount(w.commit);
		w.current = NULL;
		/* a merge that takes the folder from one parent changed nothing new */
		for (size_t p = 0; p < np && np > 1 && !same_as_parent && !error; p++) {
			if ((error = subtrees(&theirs, &cache, r->repo, git_commit_parent_id(w.commit, (unsigned)p), dirs)) < 0)
				break;
			same_as_parent = !memcmp(theirs, mine, dirs->len * sizeof(git_oid));
		}
		for (size_t d = 0; d < dirs->len && !error && !same_as_parent; d++) {
			const git_oid *old_id = &zero;
			if (np > 0) {
				if ((error = subtrees(&theirs, &cache, r->repo, git_commit_parent_id(w.commit, 0), dirs)) < 0)
					break;
				old_id = &theirs[d];
			}
			if (git_oid_equal(old_id, &mine[d]))
				continue;
			if (d == 0 || w.current == NULL)
				h->examined++;
			w.dir = dirs->items[d];
			w.d = d;
			nothers = 0;
			for (size_t p = 1; p < np && p <= 8 && !error; p++) {
				if ((error = subtrees(&theirs, &cache, r->repo, git_commit_parent_id(w.commit, (unsigned)p), dirs)) < 0)
					break;
				git_oid_cpy(&others[nothers++], &theirs[d]);
			}
			if (!error)
				error = diff_subtrees(&w, old_id, &mine[d], others, nothers);
		}
		mc_free(mc);
		git_commit_free(w.commit);
		w.commit = NULL;
		if (error)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		int missing = error == GIT_ENOTFOUND;
		/* the reason first: git_repository_is_shallow clears it */
		error = mc_git__error("cannot walk the history");
		if (missing && git_repository_is_shallow(r->repo) == 1)
			error = mc_error_set(MC_ERROR_GIT, "history is missing in this shallow clone; fetch it with 'git fetch --unshallow'");
		goto done;
	}
	if ((error = releases_finish(&w, &rs)) < 0)
		goto done;
	/* the walk went newest first: put each file's changes oldest first */
	for (size_t i = 0; i < w.sorted.len; i++) {
		mc_history_entry *e = w.sorted.items[i];
		for (size_t a = 0, b = e->changes.len; b > a + 1; a++, b--) {
			void *tmp = e->changes.items[a];
			e->changes.items[a] = e->changes.items[b - 1];
			e->changes.items[b - 1] = tmp;
		}
		e->present = e->changes.len &&
		             ((mc_history_change *)e->changes.items[e->changes.len - 1])->event !=
		                     MC_HISTORY_DELETED;
	}
	h->entries = w.sorted;
	memset(&w.sorted, 0, sizeof(w.sorted));
done:
	mc_vec_dispose_deep(&w.sorted, entry_free);
	release_set_dispose(&rs);
	cache_dispose(&cache);
	git_revwalk_free(walk);
	git_commit_free(start);
	git_odb_free(w.odb);
	if (error < 0) {
		mc_history_free(h);
		return error;
	}
	*out = h;
	return 0;
}
