/*
 * changes_staged.c: the staged side of a change set (changes.c), the index
 * against HEAD. The index is read directly for the entries under the
 * migrations folders and model globs (compat/index_scan.c) and merged
 * with HEAD's trees, renames paired as git pairs them (compat/rename.c);
 * an index that cannot be read so (split, sparse) is libgit2's, listed here
 * too.
 */
#include "migcheck/changes.h"

#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

struct want_ctx {
	const mc_changes_opts *o;
};

static int want_entry(const char *path, void *payload)
{
	struct want_ctx *w = payload;
	return mc_git__in_dirs(path, w->o->dirs) ||
	       mc_git__is_model(path, w->o->model_paths);
}

static int add_change(mc_changeset *c, git_repository *repo, mc_change_status st,
                      const char *op, const git_oid *oid, const char *np,
                      const git_oid *nid, const mc_changes_opts *o)
{
	mc_change *ch;
	int error = 0;

	if ((error = mc_git__change_new(&ch, st, op, np, o)) < 0)
		return error;
	if (op)
		error = mc_git__side_read(
		        ch, MC_CHANGE_OLD_TOO_LARGE,
		        mc_git__blob_read_capped(&ch->old_data, &ch->old_len,
		                                 repo, oid, op));
	if (!error && np)
		error = mc_git__side_read(
		        ch, MC_CHANGE_NEW_TOO_LARGE,
		        mc_git__blob_read_capped(&ch->new_data, &ch->new_len,
		                                 repo, nid, np));
	if (error || (error = mc_vec_push(&c->changes, ch)) < 0)
		mc_git__change_free(ch);
	return error;
}

static int staged_dir(mc_changeset *c, mc_repo *r, git_tree *head, const char *dir,
                      const mc_changes_opts *o, mc_vec *dels, mc_vec *adds)
{
	mc_vec *ents = &c->src->ientries;
	git_tree_entry *te = NULL;
	git_tree *sub = NULL;
	mc_dir_state *s = NULL;
	mc_buf full = MC_BUF_INIT;
	size_t i = 0, k = 0, n = 0;
	int error;

	if ((error = mc_git__dir_state_new(&s, dir)) < 0)
		return error;
	if (head && *dir && git_tree_entry_bypath(&te, head, dir) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&sub, r->repo, git_tree_entry_id(te)) < 0) {
		error = mc_git__error("cannot read a tree");
		goto done;
	}
	git_error_clear();
	if (head && !*dir)
		sub = NULL; /* the root folder: use head itself */
	{
		const git_tree *t = *dir ? sub : head;
		n = t ? git_tree_entrycount(t) : 0;
		/* merge the tree's blobs with the index entries of the folder, both sorted */
		for (;;) {
			const git_tree_entry *e = NULL;
			const struct mc_git__ientry *ie = NULL;
			int cmp;
			while (k < n) {
				e = git_tree_entry_byindex(t, k);
				if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
					break;
				e = NULL;
				k++;
			}
			while (i < ents->len) {
				ie = ents->items[i];
				if (mc_git__path_in_dir(ie->path, dir))
					break;
				ie = NULL;
				i++;
			}
			if (!e && !ie)
				break;
			if (e) {
				mc_buf_clear(&full);
				if ((error = *dir ? mc_buf_joinpath(&full, dir, git_tree_entry_name(e))
				                  : mc_buf_puts(&full, git_tree_entry_name(e))) < 0)
					goto done;
			}
			cmp = !e ? 1 : !ie ? -1 : strcmp(full.ptr, ie->path);
			if (cmp < 0) { /* deleted */
				mc_git__rename_side *d = mc_calloc(1, sizeof(*d));
				char *path = mc_strdup(full.ptr);
				if (!d || !path) {
					mc_free(d);
					mc_free(path);
					error = mc_error_set_oom();
					goto done;
				}
				d->path = path;
				d->id = git_tree_entry_id(e);
				if ((error = mc_vec_push(dels, d)) < 0) {
					mc_free(path);
					mc_free(d);
					goto done;
				}
				k++;
				continue;
			}
			if ((error = mc_file_list_add(s->files, ie->path, "", 0)) < 0)
				goto done;
			if (cmp > 0) {
				mc_git__rename_side *a = mc_calloc(1, sizeof(*a));
				if (!a) {
					error = mc_error_set_oom();
					goto done;
				}
				a->path = ie->path;
				a->id = &ie->id;
				if ((error = mc_vec_push(adds, a)) < 0) {
					mc_free(a);
					goto done;
				}
			} else {
				if (!git_oid_equal(git_tree_entry_id(e), &ie->id) &&
				    (error = add_change(c, r->repo, MC_CHANGE_MODIFIED, ie->path,
				                        git_tree_entry_id(e), ie->path, &ie->id, o)) < 0)
					goto done;
				k++;
			}
			i++;
		}
		/* keep the tree alive while dels point into it */
		if ((error = mc_vec_push(&c->src->trees, sub)) < 0)
			goto done;
		sub = NULL;
	}
	if ((error = mc_vec_push(&c->after, s)) < 0)
		goto done;
	s = NULL;
done:
	mc_buf_dispose(&full);
	git_tree_entry_free(te);
	git_tree_free(sub);
	mc_git__dir_state_free(s);
	return error;
}

/* A deleted side owns its path (an added one borrows its index entry's). */
static void side_free_path(void *p)
{
	mc_git__rename_side *s = p;
	if (s)
		mc_free((char *)s->path);
	mc_git__rename_side_free(s);
}

struct rename_ctx {
	mc_changeset *c;
	git_repository *repo;
	const mc_changes_opts *o;
};

static int add_rename(mc_git__rename_side *d, mc_git__rename_side *a, void *payload)
{
	struct rename_ctx *x = payload;
	return add_change(x->c, x->repo, MC_CHANGE_RENAMED, d->path, d->id, a->path, a->id,
	                  x->o);
}

int mc_git__staged_fast(mc_changeset *c, mc_repo *r, git_tree *head,
                        const mc_changes_opts *o)
{
	struct want_ctx w = { o };
	mc_buf path = MC_BUF_INIT;
	mc_vec dels = MC_VEC_INIT, adds = MC_VEC_INIT;
	const char *env = getenv("GIT_INDEX_FILE");
	int error;

	if (env && *env)
		error = mc_buf_puts(&path, env);
	else
		error = mc_buf_joinpath(&path, git_repository_path(r->repo), "index");
	if (error < 0)
		return error;
	error = mc_git__index_scan(&c->src->ientries, path.ptr, want_entry, &w);
	mc_buf_dispose(&path);
	if (error == MC_ENOTFOUND)
		error = 0;
	if (error != 0)
		return error;
	c->src->fast = 1;
	for (size_t d = 0; d < o->dirs->len && !error; d++)
		error = staged_dir(c, r, head, o->dirs->items[d], o, &dels, &adds);
	/* renames, as git's rename detection finds them */
	if (!error) {
		struct rename_ctx x = { c, r->repo, o };
		error = mc_git__renames_find(r->repo, &dels, &adds, add_rename, &x);
	}
	for (size_t i = 0; i < dels.len && !error; i++) {
		mc_git__rename_side *d = dels.items[i];
		if (!d->paired)
			error = add_change(c, r->repo, MC_CHANGE_DELETED, d->path, d->id, NULL, NULL, o);
	}
	for (size_t k = 0; k < adds.len && !error; k++) {
		mc_git__rename_side *a = adds.items[k];
		if (!a->paired)
			error = add_change(c, r->repo, MC_CHANGE_ADDED, NULL, NULL, a->path, a->id, o);
	}
	/* model files outside the folders: added or modified against HEAD */
	for (size_t i = 0; i < c->src->ientries.len && !error; i++) {
		const struct mc_git__ientry *ie = c->src->ientries.items[i];
		git_tree_entry *te = NULL;
		if (mc_git__in_dirs(ie->path, o->dirs) ||
		    !mc_git__is_model(ie->path, o->model_paths))
			continue;
		if (!head || git_tree_entry_bypath(&te, head, ie->path) < 0) {
			git_error_clear();
			error = add_change(c, r->repo, MC_CHANGE_ADDED, NULL, NULL, ie->path, &ie->id, o);
		} else if (!git_oid_equal(git_tree_entry_id(te), &ie->id)) {
			error = add_change(c, r->repo, MC_CHANGE_MODIFIED, ie->path, git_tree_entry_id(te),
			                   ie->path, &ie->id, o);
		}
		git_tree_entry_free(te);
	}
	mc_vec_sort(&c->changes, mc_git__change_cmp);
	mc_vec_dispose_deep(&dels, side_free_path);
	mc_vec_dispose_deep(&adds, mc_git__rename_side_free);
	return error;
}

int mc_git__list_index(mc_dir_state **out, git_index *index, const char *dir)
{
	mc_dir_state *s = NULL;
	mc_buf prefix = MC_BUF_INIT;
	size_t pos = 0;
	int error;

	if ((error = mc_git__dir_state_new(&s, dir)) < 0)
		return error;
	if (*dir && (error = mc_buf_printf(&prefix, "%s/", dir)) < 0)
		goto done;
	if (git_index_find_prefix(&pos, index, mc_buf_cstr(&prefix)) < 0)
		goto done; /* nothing under the prefix */
	for (; !error; pos++) {
		const git_index_entry *e = git_index_get_byindex(index, pos);
		if (!e || strncmp(e->path, mc_buf_cstr(&prefix), prefix.size))
			break;
		if (git_index_entry_stage(e) != 0 || strchr(e->path + prefix.size, '/'))
			continue;
		error = mc_file_list_add(s->files, e->path, "", 0);
	}
done:
	mc_buf_dispose(&prefix);
	if (error < 0) {
		mc_git__dir_state_free(s);
		return error;
	}
	*out = s;
	return 0;
}

int mc_git__staged_read(char **out, size_t *out_len,
                        const struct mc_changes_src *s, const char *path)
{
	const git_index_entry *e;

	if (s->fast) {
		for (size_t i = 0; i < s->ientries.len; i++) {
			const struct mc_git__ientry *ie = s->ientries.items[i];
			if (!strcmp(ie->path, path))
				return mc_git__blob_read(out, out_len, s->repo->repo,
				                         &ie->id, path);
		}
		return mc_error_set(MC_ERROR_GIT, "'%s' is not in the index", path);
	}
	e = git_index_get_bypath(s->index, path, 0);
	if (!e)
		return mc_error_set(MC_ERROR_GIT, "'%s' is not in the index", path);
	return mc_git__blob_read(out, out_len, s->repo->repo, &e->id, path);
}
