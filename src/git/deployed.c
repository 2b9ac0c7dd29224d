/*
 * deployed.c: the deployed set. A migration is deployed when its path is in
 * the tree of a deploy ref; only those trees are read, never history, so a
 * shallow clone works as soon as the deploy refs are fetched. When one is
 * missing we say which 'git fetch' brings it.
 */
#include "migcheck/changes.h"

#include <stdlib.h>
#include <string.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

struct dentry {
	char *path;
	size_t ref;    /* index into refs */
	git_oid id;    /* the blob in that ref's tree */
};

struct mc_deployed {
	mc_repo *repo;
	mc_vec refs;    /* char* */
	mc_vec trees;   /* git_tree*, parallel to refs */
	mc_vec dirs;    /* mc_dir_state*: union over refs */
	mc_vec entries; /* struct dentry*, sorted by path, unique */
};

static void dentry_free(void *p)
{
	struct dentry *e = p;
	if (e)
		mc_free(e->path);
	mc_free(e);
}

static void tree_free(void *p)
{
	git_tree_free(p);
}

void mc_deployed_free(mc_deployed *d)
{
	if (!d)
		return;
	mc_vec_dispose_deep(&d->refs, mc_free);
	mc_vec_dispose_deep(&d->trees, tree_free);
	mc_vec_dispose_deep(&d->dirs, mc_git__dir_state_free);
	mc_vec_dispose_deep(&d->entries, dentry_free);
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

static int entry_cmp(const void *a, const void *b)
{
	const struct dentry *x = *(struct dentry *const *)a, *y = *(struct dentry *const *)b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->ref < y->ref ? -1 : x->ref > y->ref;
}

static int file_cmp(const void *a, const void *b)
{
	const mc_file *x = *(mc_file *const *)a, *y = *(mc_file *const *)b;
	return strcmp(x->path, y->path);
}

/*
 * The blobs directly inside dir of one ref's tree, with their ids: reading
 * a deployed file later is then one blob lookup, not a walk down the path
 * that inflates the folder's tree again (a folder of 10,000 migrations is a
 * ~1 MB tree, and a commit adding them all reads each one).
 */
static int add_dir(mc_deployed *d, git_tree *root, size_t ref, const char *dir)
{
	git_tree_entry *te = NULL;
	git_tree *sub = NULL;
	const git_tree *t = root;
	mc_buf path = MC_BUF_INIT;
	int error = 0;

	if (*dir) {
		error = git_tree_entry_bypath(&te, root, dir);
		if (error == GIT_ENOTFOUND ||
		    (error == 0 && git_tree_entry_type(te) != GIT_OBJECT_TREE)) {
			git_error_clear();
			git_tree_entry_free(te);
			return 0;
		}
		if (error < 0 || git_tree_lookup(&sub, d->repo->repo, git_tree_entry_id(te)) < 0) {
			error = mc_git__error("cannot read a tree");
			goto done;
		}
		t = sub;
	}
	for (size_t i = 0, n = git_tree_entrycount(t); i < n && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		struct dentry *de;
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		mc_buf_clear(&path);
		if ((error = *dir ? mc_buf_joinpath(&path, dir, git_tree_entry_name(e))
		                  : mc_buf_puts(&path, git_tree_entry_name(e))) < 0)
			break;
		if ((de = mc_calloc(1, sizeof(*de))) == NULL ||
		    (de->path = mc_buf_detach(&path)) == NULL) {
			mc_free(de);
			error = mc_error_set_oom();
			break;
		}
		de->ref = ref;
		git_oid_cpy(&de->id, git_tree_entry_id(e));
		if ((error = mc_vec_push(&d->entries, de)) < 0)
			dentry_free(de);
	}
done:
	mc_buf_dispose(&path);
	git_tree_entry_free(te);
	git_tree_free(sub);
	return error;
}

int mc_deployed_load(mc_deployed **out, mc_repo *r, const mc_vec *patterns,
                     const mc_vec *dirs)
{
	mc_deployed *d;
	int error;

	MC_ASSERT_ARG(out && r && patterns && dirs);
	*out = NULL;
	if ((d = mc_calloc(1, sizeof(*d))) == NULL)
		return mc_error_set_oom();
	d->repo = r;
	if ((error = mc_git__expand_refs(&d->refs, r, patterns)) < 0)
		goto done;
	for (size_t i = 0; i < d->refs.len && !error; i++) {
		const char *name = d->refs.items[i];
		git_object *tree = NULL;
		if (mc_git__peel_ref(&tree, r->repo, name, GIT_OBJECT_TREE) < 0) {
			char *what = mc_asprintf("cannot read the tree of deploy ref '%s'", name);
			error = what ? mc_git__error(what) : mc_error_set_oom();
			mc_free(what);
			goto done;
		}
		if ((error = mc_vec_push(&d->trees, tree)) < 0) {
			git_object_free(tree);
			goto done;
		}
	}
	for (size_t k = 0; k < dirs->len && !error; k++)
		for (size_t i = 0; i < d->refs.len && !error; i++)
			error = add_dir(d, d->trees.items[i], i, dirs->items[k]);
	if (error)
		goto done;
	/* sort, keep the first ref for each path */
	mc_vec_sort(&d->entries, entry_cmp);
	{
		size_t w = 0;
		for (size_t i = 0; i < d->entries.len; i++) {
			struct dentry *e = d->entries.items[i];
			if (w > 0 && !strcmp(((struct dentry *)d->entries.items[w - 1])->path, e->path))
				dentry_free(e);
			else
				d->entries.items[w++] = e;
		}
		d->entries.len = w;
	}
	/* one file list per folder, names only */
	for (size_t k = 0; k < dirs->len && !error; k++) {
		mc_dir_state *s = mc_calloc(1, sizeof(*s));
		if (!s || (s->dir = mc_strdup(dirs->items[k])) == NULL ||
		    (error = mc_file_list_new(&s->files)) < 0) {
			if (!error)
				error = mc_error_set_oom();
			mc_git__dir_state_free(s);
			goto done;
		}
		for (size_t i = 0; i < d->entries.len && !error; i++) {
			struct dentry *e = d->entries.items[i];
			if (mc_git__path_in_dir(e->path, s->dir))
				error = mc_file_list_add(s->files, e->path, "", 0);
		}
		mc_vec_sort(&s->files->files, file_cmp);
		if (error || (error = mc_vec_push(&d->dirs, s)) < 0)
			mc_git__dir_state_free(s);
	}
done:
	if (error < 0) {
		mc_deployed_free(d);
		return error;
	}
	*out = d;
	return 0;
}

static const struct dentry *find(const mc_deployed *d, const char *path)
{
	size_t lo = 0, hi = d->entries.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dentry *e = d->entries.items[mid];
		int c = strcmp(path, e->path);
		if (c == 0)
			return e;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *mc_deployed_ref(const mc_deployed *d, const char *path)
{
	const struct dentry *e = path ? find(d, path) : NULL;
	return e ? d->refs.items[e->ref] : NULL;
}

int mc_deployed_read(mc_buf *out, size_t *out_size, mc_deployed *d,
                     const char *path)
{
	const struct dentry *e = find(d, path);
	char *data = NULL;
	size_t len = 0;
	int error;

	if (!e)
		return mc_error_set(MC_ERROR_GIT, "'%s' is not deployed", path);
	error = mc_git__blob_read_capped(&data, &len, d->repo->repo, &e->id, path);
	if (error >= 0) {
		mc_buf_clear(out);
		*out_size = len;
	}
	if (error == 0)
		error = mc_buf_put(out, data, len);
	mc_free(data);
	return error;
}

const mc_file_list *mc_deployed_files(const mc_deployed *d, const char *dir)
{
	for (size_t i = 0; i < d->dirs.len; i++) {
		const mc_dir_state *s = d->dirs.items[i];
		if (!strcmp(s->dir, dir))
			return s->files;
	}
	return NULL;
}

size_t mc_deployed_ref_count(const mc_deployed *d)
{
	return d->refs.len;
}

const char *mc_deployed_ref_name(const mc_deployed *d, size_t i)
{
	return mc_vec_get(&d->refs, i);
}
