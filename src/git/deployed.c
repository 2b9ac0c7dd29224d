/*
 * deployed.c: the deploy points (SPEC §6, "Released"). A deploy point is a
 * commit a deploy ref names, globs expanded: every matching ref counts,
 * and none is picked by its name. A path is released when some deploy
 * point's tree holds it, whether or not that point is an ancestor of the
 * change being checked; messages name the newest point by the commit graph
 * (its generation: the longest line of parents below it, so a descendant
 * is always newer than its ancestor; never its date or name) that holds it.
 *
 * Cost: a repository may have 1,200 release tags. Opening the set reads
 * ref names only, so a change that touches no migration reads no tag.
 * The first question about a folder (mc_deployed_prepare) peels every ref,
 * walks each distinct root tree down to the folder raw (compat/rawtree.c) and
 * reads each distinct folder tree once: the releases that did not change
 * the folder share one. Only the order of new migrations needs history:
 * which points already contain the change's target, from one walk of the
 * commits newer than the target (mc_deployed_order_trees). A shallow clone
 * works once the deploy refs are fetched; a missing one is an error that
 * names the 'git fetch' that brings it.
 */
#include "migcheck/changes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* commits older than the target by more than this are not walked for
 * "contains the target" (clock skew between a commit and its parent) */
#define SKEW_SECONDS (24 * 60 * 60)

struct point {
	char *name;
	git_oid commit;  /* has_commit: the commit; else the tree it names */
	int has_commit;
	git_time_t time; /* the commit's committer date; 0 for a tree */
	size_t gen;      /* ranked: 1 + the highest generation of its parents
	                  * (a root, or a shallow clone's boundary: 1); 0 a tree */
	git_oid root;    /* its tree */
	int contains;    /* the change's target is commit or an ancestor of it */
	int gap;         /* !contains, but the walk met a commit the clone does
	                  * not have (a shallow boundary): not known */
};

struct ftree {
	size_t dir;
	git_oid id;
	mc_file_list *files; /* the blobs directly inside, sorted, data "" */
	git_oid *ids;        /* their blob ids, parallel to files */
	size_t newest;       /* the newest point with this folder tree */
	size_t open;         /* order_trees: the newest not containing the target */
	mc_deployed_tree pub;
};

struct uentry {
	const char *path; /* borrowed from an ftree's files */
	size_t point;     /* the newest point holding it */
};

struct mc_deployed {
	mc_repo *repo;
	mc_vec dirs;     /* char*, copies */
	mc_vec points;   /* struct point* */
	int prepared;
	size_t *tree_of; /* [point * dirs.len + dir]: index into trees, SIZE_MAX none */
	mc_vec trees;    /* struct ftree* */
	struct uentry *entries;
	size_t nentries;
	int targeted;    /* contains is known */
	int ranked;      /* gen is known */
};

static void point_free(void *p)
{
	struct point *pt = p;
	if (pt)
		mc_free(pt->name);
	mc_free(pt);
}

static void ftree_free(void *p)
{
	struct ftree *t = p;
	if (t) {
		mc_file_list_free(t->files);
		mc_free(t->ids);
	}
	mc_free(t);
}

void mc_deployed_free(mc_deployed *d)
{
	if (!d)
		return;
	mc_vec_dispose_deep(&d->dirs, mc_free);
	mc_vec_dispose_deep(&d->points, point_free);
	mc_vec_dispose_deep(&d->trees, ftree_free);
	mc_free(d->tree_of);
	mc_free(d->entries);
	mc_free(d);
}

static const char *default_remote(git_repository *repo, git_strarray *names)
{
	for (size_t i = 0; i < names->count; i++)
		if (!strcmp(names->strings[i], "origin"))
			return "origin";
	(void)repo;
	return names->count ? names->strings[0] : "<remote>";
}

int mc_git__fetch_hint(mc_buf *out, mc_repo *r, const char *ref)
{
	git_strarray names = { NULL, 0 };
	const char *depth = git_repository_is_shallow(r->repo) == 1 ? " --depth=1" : "";
	const char *remote = NULL, *rest = NULL;
	mc_buf full = MC_BUF_INIT;
	int error = 0, covered = 0;

	mc_buf_clear(out);
	if (git_remote_list(&names, r->repo) < 0)
		return 0;
	if (!strncmp(ref, "refs/", 5)) {
		error = mc_buf_puts(&full, ref);
	} else {
		/* "origin/main" names a remote-tracking branch when origin is a remote */
		for (size_t i = 0; i < names.count && !error; i++) {
			size_t n = strlen(names.strings[i]);
			if (!strncmp(ref, names.strings[i], n) && ref[n] == '/')
				error = mc_buf_printf(&full, "refs/remotes/%s", ref);
		}
		if (!error && !full.size)
			goto done; /* a sha or an expression: nothing to fetch by name */
	}
	if (error)
		goto done;
	if (!strncmp(full.ptr, "refs/remotes/", 13)) {
		const char *p = full.ptr + 13;
		for (size_t i = 0; i < names.count; i++) {
			size_t n = strlen(names.strings[i]);
			if (!strncmp(p, names.strings[i], n) && p[n] == '/' &&
			    (!remote || n > strlen(remote))) {
				remote = names.strings[i];
				rest = p + n + 1;
			}
		}
		if (!remote)
			goto done;
		{
			git_remote *rem = NULL;
			if (git_remote_lookup(&rem, r->repo, remote) == 0) {
				for (size_t i = 0; i < git_remote_refspec_count(rem); i++) {
					const git_refspec *rs = git_remote_get_refspec(rem, i);
					if (git_refspec_direction(rs) == GIT_DIRECTION_FETCH &&
					    git_refspec_dst_matches(rs, full.ptr))
						covered = 1;
				}
				git_remote_free(rem);
			}
		}
		if (covered)
			error = mc_buf_printf(out, "git fetch%s %s %s", depth, remote, rest);
		else
			error = mc_buf_printf(out, "git fetch%s %s %s:%s", depth, remote,
			                      rest, full.ptr);
	} else if (!strncmp(full.ptr, "refs/tags/", 10)) {
		remote = default_remote(r->repo, &names);
		if (strpbrk(full.ptr, "*?["))
			error = mc_buf_printf(out, "git fetch%s %s '%s:%s'", depth, remote,
			                      full.ptr, full.ptr);
		else
			error = mc_buf_printf(out, "git fetch%s %s tag %s", depth, remote,
			                      full.ptr + 10);
	} else if (!strncmp(full.ptr, "refs/heads/", 11)) {
		remote = default_remote(r->repo, &names);
		error = mc_buf_printf(out, "git fetch%s %s %s:%s", depth, remote,
		                      full.ptr + 11, full.ptr);
	} else {
		remote = default_remote(r->repo, &names);
		error = mc_buf_printf(out, "git fetch%s %s '%s:%s'", depth, remote,
		                      full.ptr, full.ptr);
	}
done:
	mc_buf_dispose(&full);
	git_strarray_dispose(&names);
	return error;
}

static int missing_ref(mc_repo *r, const char *ref, int glob)
{
	mc_buf hint = MC_BUF_INIT;
	int error;

	if ((error = mc_git__fetch_hint(&hint, r, ref)) < 0)
		return error;
	if (hint.size)
		error = mc_error_set(MC_ERROR_GIT,
		                     glob ? "deploy ref '%s' matches no ref in this clone; fetch with '%s'"
		                          : "deploy ref '%s' does not exist in this clone; fetch it with '%s'",
		                     ref, hint.ptr);
	else
		error = mc_error_set(MC_ERROR_GIT,
		                     glob ? "deploy ref '%s' matches no ref in this clone%s"
		                          : "deploy ref '%s' does not exist in this clone%s",
		                     ref, " (no remote to fetch it from)");
	mc_buf_dispose(&hint);
	return error;
}

static int glob_cb(const char *name, void *payload)
{
	char *s = mc_strdup(name);
	if (!s)
		return -1;
	if (mc_vec_push(payload, s) < 0) {
		mc_free(s);
		return -1;
	}
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand patterns into ref names (sorted per glob, in config order). */
int mc_git__expand_refs(mc_vec *out, mc_repo *r, const mc_vec *patterns)
{
	int error = 0;

	for (size_t i = 0; i < patterns->len && !error; i++) {
		const char *p = patterns->items[i];
		if (strpbrk(p, "*?[")) {
			mc_vec found = MC_VEC_INIT;
			if (git_reference_foreach_glob(r->repo, p, glob_cb, &found) < 0) {
				mc_vec_dispose_deep(&found, mc_free);
				return mc_git__error("cannot list references");
			}
			if (found.len == 0 && git_repository_is_shallow(r->repo) == 1) {
				mc_vec_dispose(&found);
				return missing_ref(r, p, 1);
			}
			mc_vec_sort(&found, str_cmp);
			for (size_t k = 0; k < found.len; k++)
				if (!error && (error = mc_vec_push(out, found.items[k])) < 0)
					mc_free(found.items[k]);
				else if (error)
					mc_free(found.items[k]);
			mc_vec_dispose(&found);
		} else {
			git_reference *ref = NULL;
			char *s;
			int e = !strncmp(p, "refs/", 5) ? git_reference_lookup(&ref, r->repo, p)
			                                : git_reference_dwim(&ref, r->repo, p);
			if (e == GIT_ENOTFOUND || e == GIT_EINVALIDSPEC)
				return missing_ref(r, p, 0);
			if (e < 0)
				return mc_git__error("cannot read a deploy ref");
			s = mc_strdup(git_reference_name(ref));
			git_reference_free(ref);
			if (!s)
				return mc_error_set_oom();
			if ((error = mc_vec_push(out, s)) < 0)
				mc_free(s);
		}
	}
	return error;
}


int mc_deployed_open(mc_deployed **out, mc_repo *r, const mc_vec *patterns,
                     const mc_vec *dirs)
{
	mc_deployed *d;
	mc_vec names = MC_VEC_INIT;
	int error;

	MC_ASSERT_ARG(out && r && patterns && dirs);
	*out = NULL;
	if ((d = mc_calloc(1, sizeof(*d))) == NULL)
		return mc_error_set_oom();
	d->repo = r;
	for (size_t i = 0; i < dirs->len; i++) {
		char *s = mc_strdup(dirs->items[i]);
		if (!s || mc_vec_push(&d->dirs, s) < 0) {
			mc_free(s);
			error = mc_error_set_oom();
			goto done;
		}
	}
	if ((error = mc_git__expand_refs(&names, r, patterns)) < 0)
		goto done;
	for (size_t i = 0; i < names.len && !error; i++) {
		struct point *p = mc_calloc(1, sizeof(*p));
		if (!p || mc_vec_push(&d->points, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			break;
		}
		p->name = names.items[i];
		names.items[i] = NULL;
	}
done:
	mc_vec_dispose_deep(&names, mc_free);
	if (error < 0) {
		mc_deployed_free(d);
		return error;
	}
	*out = d;
	return 0;
}

/* a is newer than b by the commit graph (ranked): a higher generation; at
 * the same (the same commit under two refs, or lines of the same length),
 * the first in deploy.ref order. Before ranking, the first: which point a
 * path's entry names does not matter until a message names one. */
static int newer(const mc_deployed *d, size_t a, size_t b)
{
	const struct point *x = d->points.items[a], *y = d->points.items[b];
	if (d->ranked && x->gen != y->gen)
		return x->gen > y->gen;
	return a < b;
}

static int peel_point(mc_deployed *d, struct point *p)
{
	git_object *obj = NULL;
	int error = mc_git__peel_ref(&obj, d->repo->repo, p->name, GIT_OBJECT_COMMIT);

	if (error == GIT_EPEEL) {
		git_error_clear();
		error = mc_git__peel_ref(&obj, d->repo->repo, p->name, GIT_OBJECT_TREE);
		if (error == 0) {
			git_oid_cpy(&p->root, git_object_id(obj));
			git_object_free(obj);
			return 0;
		}
	}
	if (error < 0) {
		char *what = mc_asprintf("cannot read the tree of deploy ref '%s'", p->name);
		error = what ? mc_git__error(what) : mc_error_set_oom();
		mc_free(what);
		return error;
	}
	p->has_commit = 1;
	git_oid_cpy(&p->commit, git_object_id(obj));
	p->time = git_commit_time((git_commit *)obj);
	git_oid_cpy(&p->root, git_commit_tree_id((git_commit *)obj));
	git_object_free(obj);
	return 0;
}

/* The id of the tree at dir below root; zero when there is none. */
static int folder_id(git_oid *out, git_odb *odb, const git_oid *root, const char *dir)
{
	git_oid cur;
	const char *p = dir;
	int error = 0;

	git_oid_cpy(&cur, root);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		mc_git__raw_tree t;
		mc_git__raw_entry e;
		int found = 0;

		if ((error = mc_git__raw_open(&t, odb, &cur)) < 0)
			return error;
		while (mc_git__raw_next(&e, &t))
			if (e.len == n && !memcmp(e.name, p, n) && e.mode == GIT_FILEMODE_TREE) {
				git_oid_fromraw(&cur, e.id);
				found = 1;
				break;
			}
		mc_git__raw_close(&t);
		if (!found) {
			memset(out, 0, sizeof(*out));
			return 0;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	git_oid_cpy(out, &cur);
	return 0;
}

struct slot {
	size_t dir, point;
	git_oid id;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if ((c = git_oid_cmp(&x->id, &y->id)) != 0)
		return c;
	return x->point < y->point ? -1 : x->point > y->point;
}

struct rawfile {
	char *path;
	git_oid id;
};

static int rawfile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rawfile *)a)->path, ((const struct rawfile *)b)->path);
}

/* The blobs directly inside folder tree id, sorted by path, with their ids. */
static int read_folder(struct ftree *ft, git_odb *odb, const char *dir)
{
	mc_git__raw_tree t;
	mc_git__raw_entry e;
	mc_buf path = MC_BUF_INIT;
	struct rawfile *v = NULL;
	size_t n = 0, cap = 0;
	int error;

	if ((error = mc_file_list_new(&ft->files)) < 0)
		return error;
	if ((error = mc_git__raw_open(&t, odb, &ft->id)) < 0)
		return error;
	while (!error && mc_git__raw_next(&e, &t)) {
		if (e.mode != GIT_FILEMODE_BLOB && e.mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
		    e.mode != GIT_FILEMODE_LINK)
			continue;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 64;
			struct rawfile *nv = mc_realloc(v, c * sizeof(*nv));
			if (!nv) {
				error = mc_error_set_oom();
				break;
			}
			v = nv;
			cap = c;
		}
		mc_buf_clear(&path);
		if ((*dir && ((error = mc_buf_puts(&path, dir)) < 0 ||
		              (error = mc_buf_putc(&path, '/')) < 0)) ||
		    (error = mc_buf_put(&path, e.name, e.len)) < 0)
			break;
		if ((v[n].path = mc_buf_detach(&path)) == NULL) {
			error = mc_error_set_oom();
			break;
		}
		git_oid_fromraw(&v[n++].id, e.id);
	}
	mc_git__raw_close(&t);
	mc_buf_dispose(&path);
	if (!error && n) {
		mc_sort(v, n, sizeof(*v), rawfile_cmp);
		if ((ft->ids = mc_calloc(n, sizeof(*ft->ids))) == NULL)
			error = mc_error_set_oom();
	}
	for (size_t i = 0; i < n; i++) {
		if (!error && (error = mc_file_list_add(ft->files, v[i].path, "", 0)) == 0)
			git_oid_cpy(&ft->ids[i], &v[i].id);
		mc_free(v[i].path);
	}
	mc_free(v);
	return error;
}

static int uentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct uentry *)a)->path, ((const struct uentry *)b)->path);
}

int mc_deployed_prepare(mc_deployed *d)
{
	git_odb *odb = NULL;
	struct slot *slots = NULL;
	size_t nslots = 0, np = d->points.len, nd = d->dirs.len, total = 0;
	int error = 0;

	MC_ASSERT_ARG(d);
	if (d->prepared)
		return 0;
	if (git_repository_odb(&odb, d->repo->repo) < 0)
		return mc_git__error("cannot open the object database");
	if ((np && nd && (slots = mc_calloc(np * nd, sizeof(*slots))) == NULL) ||
	    (np && nd && (d->tree_of = mc_malloc(np * nd * sizeof(*d->tree_of))) == NULL)) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = 0; i < np && !error; i++) {
		struct point *p = d->points.items[i];
		if ((error = peel_point(d, p)) < 0)
			break;
		for (size_t j = 0; j < nd && !error; j++) {
			git_oid id;
			d->tree_of[i * nd + j] = SIZE_MAX;
			if ((error = folder_id(&id, odb, &p->root, d->dirs.items[j])) < 0)
				break;
			if (git_oid_is_zero(&id))
				continue;
			slots[nslots].dir = j;
			slots[nslots].point = i;
			git_oid_cpy(&slots[nslots].id, &id);
			nslots++;
		}
	}
	if (error)
		goto done;
	if (nslots) /* qsort(NULL, 0) is undefined */
		qsort(slots, nslots, sizeof(*slots), slot_cmp);
	for (size_t i = 0; i < nslots && !error;) {
		struct ftree *t = mc_calloc(1, sizeof(*t));
		size_t k = i;
		if (!t || mc_vec_push(&d->trees, t) < 0) {
			mc_free(t);
			error = mc_error_set_oom();
			break;
		}
		t->dir = slots[i].dir;
		git_oid_cpy(&t->id, &slots[i].id);
		t->newest = slots[i].point;
		for (; k < nslots && slots[k].dir == t->dir && git_oid_equal(&slots[k].id, &t->id); k++) {
			d->tree_of[slots[k].point * nd + t->dir] = d->trees.len - 1;
			if (newer(d, slots[k].point, t->newest))
				t->newest = slots[k].point;
		}
		i = k;
		if ((error = read_folder(t, odb, d->dirs.items[t->dir])) < 0)
			break;
		total += t->files->files.len;
	}
	if (error)
		goto done;
	/* every path any point holds, with the newest point holding it */
	if (total && (d->entries = mc_calloc(total, sizeof(*d->entries))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = 0; i < d->trees.len; i++) {
		const struct ftree *t = d->trees.items[i];
		for (size_t k = 0; k < t->files->files.len; k++) {
			d->entries[d->nentries].path = ((mc_file *)t->files->files.items[k])->path;
			d->entries[d->nentries++].point = t->newest;
		}
	}
	if (d->nentries)
		mc_sort(d->entries, d->nentries, sizeof(*d->entries), uentry_cmp);
	{
		size_t w = 0;
		for (size_t i = 0; i < d->nentries; i++) {
			if (w && !strcmp(d->entries[w - 1].path, d->entries[i].path)) {
				if (newer(d, d->entries[i].point, d->entries[w - 1].point))
					d->entries[w - 1].point = d->entries[i].point;
				continue;
			}
			d->entries[w++] = d->entries[i];
		}
		d->nentries = w;
	}
	d->prepared = 1;
done:
	mc_free(slots);
	git_odb_free(odb);
	return error;
}

int mc_deployed_load(mc_deployed **out, mc_repo *r, const mc_vec *patterns,
                     const mc_vec *dirs)
{
	int error = mc_deployed_open(out, r, patterns, dirs);

	if (error == 0 && (error = mc_deployed_prepare(*out)) < 0) {
		mc_deployed_free(*out);
		*out = NULL;
	}
	return error;
}

const char *mc_deployed_ref(const mc_deployed *d, const char *path)
{
	struct uentry key, *hit;

	if (!d || !path || !d->prepared || !d->nentries)
		return NULL;
	key.path = path;
	hit = bsearch(&key, d->entries, d->nentries, sizeof(key), uentry_cmp);
	return hit ? ((const struct point *)d->points.items[hit->point])->name : NULL;
}

/* --- the generation of each point ------------------------------------------- */

/* commit id -> generation, open addressing, doubled at half full */
struct genmap {
	git_oid *ids;
	size_t *gen; /* 0: a free slot */
	size_t cap, len;
};

static size_t gen_slot(const struct genmap *m, const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof(h)); /* a SHA-1 is already well mixed */
	for (h &= m->cap - 1; m->gen[h] && !git_oid_equal(&m->ids[h], id); h = (h + 1) & (m->cap - 1))
		;
	return h;
}

static size_t gen_get(const struct genmap *m, const git_oid *id)
{
	return m->cap ? m->gen[gen_slot(m, id)] : 0;
}

static int gen_put(struct genmap *m, const git_oid *id, size_t gen)
{
	if (2 * (m->len + 1) > m->cap) {
		struct genmap n = { NULL, NULL, m->cap ? 2 * m->cap : 1024, 0 };
		if ((n.ids = mc_malloc(n.cap * sizeof(*n.ids))) == NULL ||
		    (n.gen = mc_calloc(n.cap, sizeof(*n.gen))) == NULL) {
			mc_free(n.ids);
			return mc_error_set_oom();
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->gen[i]) {
				size_t j = gen_slot(&n, &m->ids[i]);
				git_oid_cpy(&n.ids[j], &m->ids[i]);
				n.gen[j] = m->gen[i];
				n.len++;
			}
		mc_free(m->ids);
		mc_free(m->gen);
		*m = n;
	}
	size_t i = gen_slot(m, id);
	if (!m->gen[i])
		m->len++;
	git_oid_cpy(&m->ids[i], id);
	m->gen[i] = gen;
	return 0;
}

/* A commit on rank_points' walk; its stack grows by doubling. */
struct rframe {
	git_oid id;
	int expanded; /* its parents were pushed */
};

static int rframe_push(struct rframe **st, size_t *n, size_t *cap, const git_oid *id)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct rframe *ns = mc_realloc(*st, nc * sizeof(*ns));
		if (!ns)
			return mc_error_set_oom();
		*st = ns;
		*cap = nc;
	}
	git_oid_cpy(&(*st)[*n].id, id);
	(*st)[(*n)++].expanded = 0;
	return 0;
}

/*
 * The generation of every point's commit: one depth-first walk of their
 * history, each commit once, by parents only (no dates). A parent the
 * clone does not have (a shallow clone's boundary) counts as none. Only a
 * message naming a point needs this: a change without findings never walks.
 */
static int rank_points(mc_deployed *d)
{
	git_repository *repo = d->repo->repo;
	struct genmap m = { NULL, NULL, 0, 0 };
	struct rframe *st = NULL;
	size_t n = 0, cap = 0;
	int error = 0;

	if (d->ranked)
		return 0;
	for (size_t i = 0; i <= d->points.len && !error;) {
		const git_oid *push = NULL;
		git_commit *c = NULL;

		if (n == 0) {
			/* the next point, once the walk below the last is done */
			for (; i < d->points.len && !push; i++) {
				const struct point *p = d->points.items[i];
				if (p->has_commit && !gen_get(&m, &p->commit))
					push = &p->commit;
			}
			if (!push)
				break;
		} else if (gen_get(&m, &st[n - 1].id) ||
		           git_commit_lookup(&c, repo, &st[n - 1].id) < 0) {
			/* ranked by another child, or past a shallow boundary */
			git_error_clear();
			n--;
			continue;
		} else if (!st[n - 1].expanded) {
			size_t below = n;
			st[n - 1].expanded = 1;
			for (unsigned k = 0; k < git_commit_parentcount(c) && !error; k++) {
				const git_oid *pid = git_commit_parent_id(c, k);
				if (gen_get(&m, pid))
					continue;
				if ((error = rframe_push(&st, &n, &cap, pid)) < 0)
					break;
			}
			git_commit_free(c);
			if (error || n > below)
				continue;
			c = NULL;
		}
		if (n && !push) {
			/* every parent ranked (a missing one is none): rank it */
			size_t g = 0;
			if (!c && git_commit_lookup(&c, repo, &st[n - 1].id) < 0) {
				git_error_clear();
				n--;
				continue;
			}
			for (unsigned k = 0; k < git_commit_parentcount(c); k++) {
				size_t pg = gen_get(&m, git_commit_parent_id(c, k));
				if (pg > g)
					g = pg;
			}
			git_commit_free(c);
			error = gen_put(&m, &st[n - 1].id, g + 1);
			n--;
			continue;
		}
		error = rframe_push(&st, &n, &cap, push);
	}
	for (size_t i = 0; i < d->points.len && !error; i++) {
		struct point *p = d->points.items[i];
		p->gen = p->has_commit ? gen_get(&m, &p->commit) : 0;
	}
	if (!error)
		d->ranked = 1;
	mc_free(st);
	mc_free(m.ids);
	mc_free(m.gen);
	return error;
}

/* --- which points contain the target ----------------------------------------- */

enum { W_DONE = 1, W_REACH = 2, W_GAP = 4 };

struct frame {
	git_oid id;
	git_commit *c; /* expanded: its parents are pushed */
};

static int frame_push(struct frame **st, size_t *n, size_t *cap, const git_oid *id)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct frame *ns = mc_realloc(*st, c * sizeof(*ns));
		if (!ns)
			return mc_error_set_oom();
		*st = ns;
		*cap = c;
	}
	git_oid_cpy(&(*st)[*n].id, id);
	(*st)[(*n)++].c = NULL;
	return 0;
}

/*
 * Mark the points whose commit is target or descends from it: a
 * depth-first walk from the points over the commits not older than the
 * target (less SKEW_SECONDS), each commit once. A parent the clone does
 * not have (a shallow clone's boundary) is a gap: a point that reaches the
 * target through no path but meets a gap is not known to contain it
 * (p->gap; mc_deployed_order_trees refuses to judge by it).
 */
static int mark_contains(mc_deployed *d, const git_oid *target)
{
	git_repository *repo = d->repo->repo;
	git_commit *tc = NULL;
	git_time_t floor;
	mc_git__oidset fl = MC_GIT_OIDSET_INIT;
	struct frame *st = NULL;
	size_t n = 0, cap = 0;
	int error = 0;

	if (git_commit_lookup(&tc, repo, target) < 0)
		return mc_git__error("cannot read the change's commit");
	floor = git_commit_time(tc) - SKEW_SECONDS;
	git_commit_free(tc);
	if (mc_git__oidset_or(&fl, target, W_DONE | W_REACH) < 0)
		return mc_error_set_oom();
	/* the target's own ancestors (down to the floor) cannot reach it: done,
	 * so a point's walk stops there and a shallow boundary below them is
	 * no gap (a topic's origin/main meets the merge base first) */
	{
		mc_git__walk w = MC_GIT_WALK_INIT;
		git_commit *c = NULL;
		git_oid id;
		int oom = 0;
		if (git_commit_lookup(&c, repo, target) < 0)
			c = NULL;
		for (unsigned k = 0; c && k < git_commit_parentcount(c) && !oom; k++)
			oom = mc_git__walk_push(&w, git_commit_parent_id(c, k)) < 0;
		git_commit_free(c);
		while (!oom && mc_git__walk_pop(&w, &id)) {
			if ((oom = mc_git__oidset_or(&fl, &id, W_DONE) < 0))
				break;
			if (git_commit_lookup(&c, repo, &id) < 0) {
				git_error_clear();
				continue;
			}
			if (git_commit_time(c) >= floor)
				for (unsigned k = 0; k < git_commit_parentcount(c) && !oom; k++)
					oom = mc_git__walk_push(&w, git_commit_parent_id(c, k)) < 0;
			git_commit_free(c);
		}
		mc_git__walk_dispose(&w);
		git_error_clear();
		if (oom)
			return mc_error_set_oom();
	}
	for (size_t i = 0; i < d->points.len && !error; i++) {
		const struct point *p = d->points.items[i];
		if (p->has_commit && p->time >= floor)
			error = frame_push(&st, &n, &cap, &p->commit);
	}
	while (n && !error) {
		struct frame *f = &st[n - 1];
		git_commit *c;
		unsigned reach = 0;

		if (mc_git__oidset_flags(&fl, &f->id) & W_DONE) {
			git_commit_free(f->c);
			n--;
			continue;
		}
		if (!f->c) {
			int missing = git_commit_lookup(&f->c, repo, &f->id) < 0;
			if (missing || git_commit_time(f->c) < floor) {
				git_error_clear();
				git_commit_free(f->c);
				f->c = NULL;
				n--;
				if (mc_git__oidset_or(&fl, &st[n].id, W_DONE | (missing ? W_GAP : 0)) < 0)
					error = mc_error_set_oom();
				continue;
			}
			c = f->c; /* st may move as parents are pushed */
			for (unsigned k = 0; k < git_commit_parentcount(c) && !error; k++) {
				const git_oid *pid = git_commit_parent_id(c, k);
				if (!(mc_git__oidset_flags(&fl, pid) & W_DONE))
					error = frame_push(&st, &n, &cap, pid);
			}
			continue;
		}
		c = f->c;
		for (unsigned k = 0; k < git_commit_parentcount(c); k++)
			reach |= mc_git__oidset_flags(&fl, git_commit_parent_id(c, k)) & (W_REACH | W_GAP);
		if (reach & W_REACH)
			reach = W_REACH;
		if (mc_git__oidset_or(&fl, &f->id, W_DONE | reach) < 0)
			error = mc_error_set_oom();
		git_commit_free(c);
		n--;
	}
	for (size_t i = 0; i < n; i++)
		git_commit_free(st[i].c);
	for (size_t i = 0; i < d->points.len && !error; i++) {
		struct point *p = d->points.items[i];
		unsigned fl_p = p->has_commit ? mc_git__oidset_flags(&fl, &p->commit) : 0;
		p->contains = (fl_p & W_REACH) != 0;
		p->gap = !p->contains && (fl_p & W_GAP) != 0;
	}
	mc_free(st);
	mc_git__oidset_dispose(&fl);
	return error;
}

static int ensure_targeted(mc_deployed *d, const mc_changeset *cs)
{
	git_oid target;
	int error;

	if ((error = mc_deployed_prepare(d)) < 0)
		return error;
	if (!d->targeted) {
		if (mc_git__changeset_target(&target, cs) && (error = mark_contains(d, &target)) < 0)
			return error;
		d->targeted = 1;
	}
	return 0;
}

/* where in tree t path is, or SIZE_MAX */
static size_t tree_find(const struct ftree *t, const char *path)
{
	return mc_file_list_find(t->files, path);
}

/* the newest point holding path that does not contain the target
 * (*out_open), and the newest of all (*out_any); SIZE_MAX none. *out_tree,
 * *out_pos: where path is in *out_open's folder tree. With as, *out_as:
 * the newest holding path as blob as. */
static void newest_holders(const mc_deployed *d, const char *path, const git_oid *as,
                           size_t *out_open, size_t *out_any, size_t *out_tree,
                           size_t *out_pos, size_t *out_as)
{
	size_t nd = d->dirs.len;

	*out_open = *out_any = *out_tree = *out_pos = *out_as = SIZE_MAX;
	for (size_t j = 0; j < nd; j++) {
		if (!mc_git__path_in_dir(path, d->dirs.items[j]))
			continue;
		for (size_t i = 0; i < d->points.len; i++) {
			const struct point *p = d->points.items[i];
			size_t t = d->tree_of[i * nd + j], pos;
			const struct ftree *ft;
			if (t == SIZE_MAX || (pos = tree_find(ft = d->trees.items[t], path)) == SIZE_MAX)
				continue;
			if (*out_any == SIZE_MAX || newer(d, i, *out_any))
				*out_any = i;
			if (as && git_oid_equal(&ft->ids[pos], as) &&
			    (*out_as == SIZE_MAX || newer(d, i, *out_as)))
				*out_as = i;
			if (!p->contains && (*out_open == SIZE_MAX || newer(d, i, *out_open))) {
				*out_open = i;
				*out_tree = t;
				*out_pos = pos;
			}
		}
	}
}

int mc_deployed_name(const char **out, mc_deployed *d, const mc_changeset *cs,
                     const char *path, const char *old, size_t old_len)
{
	size_t open, any, t, pos, as;
	git_oid id;
	int error;

	MC_ASSERT_ARG(out && d && cs && path);
	*out = NULL;
	if ((error = ensure_targeted(d, cs)) < 0 || (error = rank_points(d)) < 0)
		return error;
	if (old && git_odb_hash(&id, old, old_len, GIT_OBJECT_BLOB) < 0)
		return mc_git__error("cannot hash a migration");
	newest_holders(d, path, old ? &id : NULL, &open, &any, &t, &pos, &as);
	if (as != SIZE_MAX)
		open = as;
	else if (open == SIZE_MAX)
		open = any;
	if (open != SIZE_MAX)
		*out = ((const struct point *)d->points.items[open])->name;
	return 0;
}

/* 1 when some point holds path as blob id */
static int held_as(const mc_deployed *d, const char *path, const git_oid *id)
{
	for (size_t i = 0; i < d->trees.len; i++) {
		const struct ftree *t = d->trees.items[i];
		size_t pos;
		if (mc_git__path_in_dir(path, d->dirs.items[t->dir]) &&
		    (pos = tree_find(t, path)) != SIZE_MAX && git_oid_equal(&t->ids[pos], id))
			return 1;
	}
	return 0;
}

int mc_deployed_put_back(int *out, mc_deployed *d, const mc_changeset *cs, const char *path,
                         const char *old, size_t old_len, const char *data, size_t len)
{
	size_t open, any, t, pos, as;
	git_oid id;
	int error;

	MC_ASSERT_ARG(out && d && cs && path && old && data);
	*out = 0;
	if ((error = ensure_targeted(d, cs)) < 0 || (error = rank_points(d)) < 0)
		return error;
	newest_holders(d, path, NULL, &open, &any, &t, &pos, &as);
	if (open == SIZE_MAX)
		return 0;
	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0)
		return mc_git__error("cannot hash a migration");
	if (!git_oid_equal(&((const struct ftree *)d->trees.items[t])->ids[pos], &id))
		return 0;
	/* what the change replaces was never released */
	if (git_odb_hash(&id, old, old_len, GIT_OBJECT_BLOB) < 0)
		return mc_git__error("cannot hash a migration");
	*out = !held_as(d, path, &id);
	return 0;
}

int mc_deployed_order_trees(mc_vec *out, mc_deployed *d, const mc_changeset *cs,
                            const char *dir)
{
	size_t nd, j;
	int error;

	MC_ASSERT_ARG(out && d && cs && dir);
	out->len = 0;
	if ((error = ensure_targeted(d, cs)) < 0)
		return error;
	nd = d->dirs.len;
	for (j = 0; j < nd && strcmp(d->dirs.items[j], dir); j++)
		;
	if (j == nd)
		return 0;
	for (size_t i = 0; i < d->trees.len; i++)
		((struct ftree *)d->trees.items[i])->pub.ref = NULL;
	for (size_t i = 0; i < d->points.len; i++) {
		const struct point *p = d->points.items[i];
		size_t t = d->tree_of[i * nd + j];
		struct ftree *ft;
		if (p->contains || t == SIZE_MAX)
			continue;
		if (p->gap) {
			/* judging by a point that may hold the change already would
			 * be a guess either way */
			git_oid target;
			char hex[8] = "";
			if (mc_git__changeset_target(&target, cs))
				git_oid_tostr(hex, sizeof(hex), &target);
			if (git_repository_is_shallow(d->repo->repo) == 1)
				return mc_error_set(MC_ERROR_GIT,
				                    "cannot tell whether deploy ref '%s' contains commit %s: history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')",
				                    p->name, hex);
			return mc_error_set(MC_ERROR_GIT,
			                    "cannot tell whether deploy ref '%s' contains commit %s: a commit of its history cannot be read",
			                    p->name, hex);
		}
		ft = d->trees.items[t];
		if (!ft->pub.ref || newer(d, i, ft->open)) {
			ft->pub.ref = p->name;
			ft->open = i;
		}
	}
	for (size_t i = 0; i < d->trees.len && !error; i++) {
		struct ftree *ft = d->trees.items[i];
		if (ft->dir != j || !ft->pub.ref)
			continue;
		ft->pub.files = ft->files;
		error = mc_vec_push(out, &ft->pub);
	}
	return error;
}

int mc_deployed_tree_name(const char **out, mc_deployed *d,
                          const mc_deployed_tree *const *t, size_t n)
{
	size_t nd = d->dirs.len, best = SIZE_MAX;
	int error;

	MC_ASSERT_ARG(out && d && (t || !n));
	*out = n ? t[0]->ref : NULL;
	if ((error = rank_points(d)) < 0)
		return error;
	for (size_t k = 0; k < d->trees.len; k++) {
		struct ftree *ft = d->trees.items[k];
		int want = 0;
		for (size_t q = 0; q < n && !want; q++)
			want = &ft->pub == t[q];
		if (!want)
			continue;
		for (size_t i = 0; i < d->points.len; i++) {
			const struct point *p = d->points.items[i];
			if (!p->contains && d->tree_of[i * nd + ft->dir] == k &&
			    (best == SIZE_MAX || newer(d, i, best)))
				best = i;
		}
	}
	if (best != SIZE_MAX)
		*out = ((const struct point *)d->points.items[best])->name;
	return 0;
}

size_t mc_deployed_ref_count(const mc_deployed *d)
{
	return d->points.len;
}

const char *mc_deployed_ref_name(const mc_deployed *d, size_t i)
{
	const struct point *p = mc_vec_get(&d->points, i);
	return p ? p->name : NULL;
}
