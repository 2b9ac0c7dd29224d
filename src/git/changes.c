/*
 * changes.c: a change set (see changes.h) from git: which paths inside the
 * migrations folders and model globs a working tree, index, commit or range
 * changes, with both sides' contents, and each folder's listing after it.
 * Here: the API (load, read a side, free), the blobs and tree listings
 * every mode reads, and libgit2's diff with what it collects. Each mode's
 * own side is in changes_workdir.c (the work tree), changes_staged.c (the
 * index against HEAD) and changes_range.c (--range and --commit).
 */
#include "migcheck/changes.h"

#include <fnmatch.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

int mc_git__changeset_target(git_oid *out, const mc_changeset *c)
{
	if (!c->src || !c->src->has_after_commit)
		return 0;
	git_oid_cpy(out, &c->src->after_commit);
	return 1;
}

void mc_git__change_free(void *p)
{
	mc_change *c = p;
	if (!c)
		return;
	mc_free(c->old_path);
	mc_free(c->new_path);
	mc_free(c->old_data);
	mc_free(c->new_data);
	mc_free(c->new_why);
	mc_free(c);
}

int mc_git__change_new(mc_change **out, mc_change_status st, const char *op,
                       const char *np, const mc_changes_opts *o)
{
	mc_change *ch;

	*out = NULL;
	if ((ch = mc_calloc(1, sizeof(*ch))) == NULL)
		return mc_error_set_oom();
	ch->status = st;
	ch->in_dir = mc_git__in_dirs(op, o->dirs) || mc_git__in_dirs(np, o->dirs);
	ch->is_model = mc_git__is_model(op, o->model_paths) ||
	               mc_git__is_model(np, o->model_paths);
	if ((op && (ch->old_path = mc_strdup(op)) == NULL) ||
	    (np && (ch->new_path = mc_strdup(np)) == NULL)) {
		mc_git__change_free(ch);
		return mc_error_set_oom();
	}
	*out = ch;
	return 0;
}

void mc_git__dir_state_free(void *p)
{
	mc_dir_state *s = p;
	if (!s)
		return;
	mc_free(s->dir);
	mc_file_list_free(s->files);
	mc_free(s);
}

void mc_changeset_free(mc_changeset *c)
{
	if (!c)
		return;
	mc_vec_dispose_deep(&c->changes, mc_git__change_free);
	mc_vec_dispose_deep(&c->messages, mc_free);
	mc_vec_dispose_deep(&c->after, mc_git__dir_state_free);
	mc_vec_dispose_deep(&c->target, mc_git__dir_state_free);
	mc_free(c->describe);
	mc_free(c->target_name);
	mc_free(c->base_note);
	if (c->src) {
		git_index_free(c->src->index);
		mc_git__ientries_dispose(&c->src->ientries);
		for (size_t i = 0; i < c->src->trees.len; i++)
			git_tree_free(c->src->trees.items[i]);
		mc_vec_dispose(&c->src->trees);
		git_tree_free(c->src->after_tree);
		git_tree_free(c->src->target_tree);
		mc_free(c->src);
	}
	mc_free(c);
}

/* Is path directly inside dir ("dir/name", no further '/')? */
int mc_git__path_in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 0)
		return strchr(path, '/') == NULL;
	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1] &&
	       strchr(path + n + 1, '/') == NULL;
}

int mc_git__in_dirs(const char *path, const mc_vec *dirs)
{
	for (size_t i = 0; path && dirs && i < dirs->len; i++)
		if (mc_git__path_in_dir(path, dirs->items[i]))
			return 1;
	return 0;
}

int mc_git__is_model(const char *path, const mc_vec *globs)
{
	for (size_t i = 0; path && globs && i < globs->len; i++)
		if (fnmatch(globs->items[i], path, 0) == 0)
			return 1;
	return 0;
}

int mc_git__too_large(const char *path, size_t size)
{
	return mc_error_set(MC_ERROR_INPUT, "migration '%s' is too large (%zu bytes, limit %zu)",
	                    path, size, (size_t)MC_MAX_MIGRATION_SIZE);
}

/* A blob's size from its object header, without inflating it; 0 when the
 * header cannot be read (reading the blob then says why). */
static size_t blob_header_size(git_repository *repo, const git_oid *id)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size = 0;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, id) < 0)
		size = 0;
	git_odb_free(odb);
	git_error_clear();
	return size;
}

int mc_git__blob_read_capped(char **out, size_t *out_len,
                             git_repository *repo, const git_oid *id,
                             const char *path)
{
	git_blob *blob = NULL;
	git_object_size_t size;
	size_t hsize;
	char *data;

	*out = NULL;
	*out_len = 0;
	/* the size from the object's header first: a 50 MB blob is not
	 * inflated just to be refused */
	if ((hsize = blob_header_size(repo, id)) > MC_MAX_MIGRATION_SIZE) {
		*out_len = hsize;
		return 1;
	}
	if (git_blob_lookup(&blob, repo, id) < 0) {
		/* a corrupt or missing object: say which file it holds */
		mc_buf what = MC_BUF_INIT;
		int error = mc_buf_printf(&what, "cannot read '%s' from the git object database", path) < 0
		                    ? mc_error_set_oom()
		                    : mc_git__error(what.ptr);
		mc_buf_dispose(&what);
		return error;
	}
	size = git_blob_rawsize(blob);
	if (size > MC_MAX_MIGRATION_SIZE) {
		git_blob_free(blob);
		*out_len = (size_t)size;
		return 1;
	}
	if ((data = mc_malloc((size_t)size + 1)) == NULL) {
		git_blob_free(blob);
		return mc_error_set_oom();
	}
	memcpy(data, git_blob_rawcontent(blob), (size_t)size);
	data[size] = '\0';
	git_blob_free(blob);
	*out = data;
	*out_len = (size_t)size;
	return 0;
}

int mc_git__blob_read(char **out, size_t *out_len, git_repository *repo,
                      const git_oid *id, const char *path)
{
	int error = mc_git__blob_read_capped(out, out_len, repo, id, path);
	return error == 1 ? mc_git__too_large(path, *out_len) : error;
}

/* --- folder listings ------------------------------------------------------ */

int mc_git__dir_state_new(mc_dir_state **out, const char *dir)
{
	mc_dir_state *s;
	int error;

	*out = NULL;
	if ((s = mc_calloc(1, sizeof(*s))) == NULL || (s->dir = mc_strdup(dir)) == NULL) {
		mc_free(s);
		return mc_error_set_oom();
	}
	if ((error = mc_file_list_new(&s->files)) < 0) {
		mc_git__dir_state_free(s);
		return error;
	}
	*out = s;
	return 0;
}

int mc_git__dir_state_add(mc_file_list *l, const char *dir, const char *name)
{
	mc_buf p = MC_BUF_INIT;
	int error;
	if (*dir)
		error = mc_buf_joinpath(&p, dir, name);
	else
		error = mc_buf_puts(&p, name);
	if (error == 0)
		error = mc_file_list_add(l, p.ptr, "", 0);
	mc_buf_dispose(&p);
	return error;
}

int mc_git__list_tree(mc_dir_state **out, git_repository *repo, git_tree *root,
                      const char *dir)
{
	mc_dir_state *s = NULL;
	git_tree_entry *te = NULL;
	git_tree *sub = NULL;
	const git_tree *t = root;
	int error;

	if ((error = mc_git__dir_state_new(&s, dir)) < 0)
		return error;
	if (root && *dir) {
		error = git_tree_entry_bypath(&te, root, dir);
		if (error == GIT_ENOTFOUND || (error == 0 && git_tree_entry_type(te) != GIT_OBJECT_TREE)) {
			t = NULL;
			error = 0;
		} else if (error < 0 || (error = git_tree_lookup(&sub, repo, git_tree_entry_id(te))) < 0) {
			error = mc_git__error("cannot read a tree");
			goto done;
		} else {
			t = sub;
		}
	}
	for (size_t i = 0, n = t ? git_tree_entrycount(t) : 0; i < n && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		error = mc_git__dir_state_add(s->files, dir,
		                              git_tree_entry_name(e));
	}
done:
	git_tree_entry_free(te);
	git_tree_free(sub);
	if (error < 0) {
		mc_git__dir_state_free(s);
		return error;
	}
	*out = s;
	return 0;
}

static int head_tree(git_tree **out, mc_repo *r)
{
	git_object *obj = NULL;
	int error;

	*out = NULL;
	if (git_repository_head_unborn(r->repo) == 1)
		return 0; /* no commit yet: everything is new */
	error = git_revparse_single(&obj, r->repo, "HEAD^{tree}");
	if (error < 0)
		return mc_git__error("cannot read HEAD");
	*out = (git_tree *)obj;
	return 0;
}

/* --- the diff -------------------------------------------------------------- */

int mc_git__change_cmp(const void *a, const void *b)
{
	const mc_change *x = *(mc_change *const *)a, *y = *(mc_change *const *)b;
	return strcmp(x->new_path ? x->new_path : x->old_path,
	              y->new_path ? y->new_path : y->old_path);
}

/* The result of reading one side of ch: over the size cap (1) is not an
 * error but flag, the side's data left NULL; nor is a work tree file that
 * cannot be read (2, mc_git__read_disk: ch->new_why says why).
 * @return 0 or < 0 */
int mc_git__side_read(mc_change *ch, unsigned flag, int rc)
{
	if (rc == 1) {
		ch->flags |= flag;
		return 0;
	}
	if (rc == 2) {
		ch->flags |= MC_CHANGE_NEW_UNREADABLE;
		return 0;
	}
	return rc;
}

static int collect(mc_changeset *c, mc_repo *r, git_diff *diff,
                   const mc_changes_opts *o)
{
	const char *workdir = git_repository_workdir(r->repo);
	int error = 0;

	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && !error; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *op = d->old_file.path, *np = d->new_file.path;
		mc_change *ch;
		mc_change_status st;

		switch (d->status) {
		case GIT_DELTA_ADDED:
		case GIT_DELTA_UNTRACKED:
		case GIT_DELTA_COPIED:
			st = MC_CHANGE_ADDED;
			op = NULL;
			break;
		case GIT_DELTA_MODIFIED:
		case GIT_DELTA_TYPECHANGE:
			st = MC_CHANGE_MODIFIED;
			break;
		case GIT_DELTA_DELETED:
			st = MC_CHANGE_DELETED;
			np = NULL;
			break;
		case GIT_DELTA_RENAMED:
			st = MC_CHANGE_RENAMED;
			break;
		default:
			continue;
		}
		if (!mc_git__in_dirs(op, o->dirs) &&
		    !mc_git__in_dirs(np, o->dirs) &&
		    !mc_git__is_model(op, o->model_paths) &&
		    !mc_git__is_model(np, o->model_paths))
			continue;
		if ((error = mc_git__change_new(&ch, st, op, np, o)) < 0)
			return error;
		if (op && !git_oid_is_zero(&d->old_file.id))
			error = mc_git__side_read(
			        ch, MC_CHANGE_OLD_TOO_LARGE,
			        mc_git__blob_read_capped(&ch->old_data,
			                                 &ch->old_len, r->repo,
			                                 &d->old_file.id, op));
		if (!error && np) {
			if (o->mode == MC_CHANGES_WORKDIR)
				error = mc_git__side_read(
				        ch, MC_CHANGE_NEW_TOO_LARGE,
				        mc_git__read_disk(
				                &ch->new_data, &ch->new_len,
				                &ch->new_why, workdir, np));
			else
				error = mc_git__side_read(
				        ch, MC_CHANGE_NEW_TOO_LARGE,
				        mc_git__blob_read_capped(
				                &ch->new_data, &ch->new_len,
				                r->repo, &d->new_file.id, np));
		}
		if (error || (error = mc_vec_push(&c->changes, ch)) < 0)
			mc_git__change_free(ch);
	}
	mc_vec_sort(&c->changes, mc_git__change_cmp);
	return error;
}

const char *mc_git__change_key(const mc_change *ch)
{
	return ch->new_path ? ch->new_path : ch->old_path;
}

/* The first change (sorted by mc_git__change_cmp) whose key is not below
 * path. */
size_t mc_git__change_lower_bound(const mc_vec *changes, const char *path)
{
	size_t lo = 0, hi = changes->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(mc_git__change_key(changes->items[mid]), path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The changed files' contents into the folder listings: the changes are
 * sorted by path, so each file is a binary search, not a scan of every
 * change (a commit adding 10,000 migrations has 20,000 of each). A file
 * over the size cap, or one of the work tree that cannot be read, becomes
 * an unreadable entry, as in a folder read from disk
 * (src/migration/files.c), so discovery reports it as malformed. */
static int fill_after(mc_changeset *c)
{
	for (size_t i = 0; i < c->after.len; i++) {
		mc_dir_state *s = c->after.items[i];
		for (size_t k = 0; k < s->files->files.len; k++) {
			mc_file *f = s->files->files.items[k];
			for (size_t j = mc_git__change_lower_bound(&c->changes,
			                                           f->path);
			     j < c->changes.len &&
			     !strcmp(mc_git__change_key(c->changes.items[j]),
			             f->path);
			     j++) {
				mc_change *ch = c->changes.items[j];
				char *copy;
				if (!ch->new_path || strcmp(ch->new_path, f->path))
					continue;
				if (ch->flags & (MC_CHANGE_NEW_TOO_LARGE |
				                 MC_CHANGE_NEW_UNREADABLE)) {
					int error;
					if (ch->flags & MC_CHANGE_NEW_TOO_LARGE)
						error = mc_file_set_too_large(
						        f, ch->new_len);
					else
						error = mc_file_set_unreadable(
						        f, ch->new_why);
					if (error < 0)
						return error;
					break;
				}
				if ((copy = mc_malloc(ch->new_len + 1)) == NULL)
					return mc_error_set_oom();
				memcpy(copy, ch->new_data ? ch->new_data : "", ch->new_len);
				copy[ch->new_len] = '\0';
				mc_file_set_data(f, copy, ch->new_len);
				break;
			}
		}
	}
	return 0;
}

/*
 * How much of a folder's path can be a libgit2 pathspec: the leading
 * components without glob characters ('db/m*x' would be a pattern that
 * matches no file inside it), backslashes or line breaks (which libgit2's
 * pathspec parser does not take literally). The pathspec only narrows the
 * diff; collect() keeps exactly the paths inside the folders.
 */
static size_t safe_prefix(const char *dir)
{
	size_t keep = 0;

	for (size_t i = 0;; i++) {
		char ch = dir[i];
		if (ch == '\0' || ch == '/') {
			if (i > 0 && (dir[i - 1] == ' ' || dir[i - 1] == '\t'))
				return keep; /* trailing blanks are trimmed */
			keep = i;
			if (ch == '\0')
				return keep;
			continue;
		}
		if (strchr("*?[]\\\n\r!#", ch) ||
		    ((i == 0 || dir[i - 1] == '/') && (ch == ' ' || ch == '\t')))
			return keep;
	}
}

/*
 * libgit2's rename detection reads a whole blob from the object database
 * to learn its size and score it (diff_tform.c similarity_init and
 * similarity_sig), so a change that deletes one file and adds a 50 MB one
 * would inflate it. @return 1 when a blob it could read that way is over
 * the size cap (then only exact renames, same blob id, are looked for),
 * else 0. Work tree files are read in small steps and not counted.
 */
static int renames_read_too_large(git_diff *diff, git_repository *repo,
                                  mc_changes_mode mode)
{
	size_t n = git_diff_num_deltas(diff), srcs = 0, tgts = 0;

	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		srcs += d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_TYPECHANGE;
		tgts += d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_UNTRACKED;
	}
	if (!srcs || !tgts)
		return 0; /* nothing to pair: no blob is read */
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if ((d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_TYPECHANGE) &&
		    blob_header_size(repo, &d->old_file.id) > MC_MAX_MIGRATION_SIZE)
			return 1;
		if (d->status == GIT_DELTA_ADDED && mode != MC_CHANGES_WORKDIR &&
		    blob_header_size(repo, &d->new_file.id) > MC_MAX_MIGRATION_SIZE)
			return 1;
	}
	return 0;
}

int mc_changeset_load(mc_changeset **out, mc_repo *r, const mc_changes_opts *o)
{
	mc_changeset *c = NULL;
	git_tree *old_tree = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_diff_find_options fopts;
	char **specs = NULL, **more;
	size_t nspecs = 0, nneg = 0;
	int error, whole = 0;

	MC_ASSERT_ARG(out && r && o && o->dirs);
	*out = NULL;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	if ((c = mc_calloc(1, sizeof(*c))) == NULL ||
	    (c->src = mc_calloc(1, sizeof(*c->src))) == NULL) {
		mc_free(c);
		return mc_error_set_oom();
	}
	c->src->repo = r;
	c->src->mode = o->mode;
	if ((o->mode == MC_CHANGES_WORKDIR || o->mode == MC_CHANGES_STAGED) &&
	    git_repository_is_bare(r->repo)) {
		error = mc_error_set(MC_ERROR_USAGE,
		                     "this repository is bare: there is no work tree or index to check; use --range <a>..<b> or --commit <rev>");
		goto done;
	}

	switch (o->mode) {
	case MC_CHANGES_WORKDIR:
	case MC_CHANGES_STAGED:
		if ((error = head_tree(&old_tree, r)) < 0)
			goto done;
		if (o->mode == MC_CHANGES_STAGED) {
			if ((error = mc_git__staged_fast(c, r, old_tree, o)) < 0)
				goto done;
			if (error == 0) {
				if ((error = fill_after(c)) < 0 ||
				    (c->describe = mc_strdup("staged changes")) == NULL) {
					if (!error)
						error = mc_error_set_oom();
					goto done;
				}
				*out = c;
				c = NULL;
				goto done;
			}
			/* a split or sparse index: let libgit2 read it */
			mc_git__ientries_dispose(&c->src->ientries);
			mc_vec_dispose_deep(&c->after, mc_git__dir_state_free);
			mc_vec_dispose_deep(&c->changes, mc_git__change_free);
			error = 0;
		}
		if (git_repository_index(&c->src->index, r->repo) < 0) {
			error = mc_git__error("cannot read the index");
			goto done;
		}
		c->describe = mc_strdup(o->mode == MC_CHANGES_STAGED ? "staged changes"
		                                                     : "working tree");
		if (!c->describe) {
			error = mc_error_set_oom();
			goto done;
		}
		break;
	case MC_CHANGES_RANGE:
		if ((error = mc_git__changes_range(c, r, o->rev, &old_tree)) < 0)
			goto done;
		break;
	case MC_CHANGES_COMMIT:
		if ((error = mc_git__changes_commit(c, r, o->rev, &old_tree)) < 0)
			goto done;
		break;
	}

	/* the work tree's folders first: the files that cannot be read are
	 * kept from libgit2 (see unreadable_specs) */
	if (o->mode == MC_CHANGES_WORKDIR &&
	    (error = mc_git__workdir_list(c, r, o)) < 0)
		goto done;
	/* restrict the diff to the folders and model globs */
	if ((error = mc_git__unreadable_specs(&nneg, &specs, &c->after)) < 0)
		goto done;
	nspecs = nneg + o->dirs->len +
	         (o->model_paths ? o->model_paths->len : 0);
	if ((more = mc_realloc(specs, (nspecs + 2) * sizeof(*specs))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	specs = more;
	memset(specs + nneg, 0, (nspecs + 2 - nneg) * sizeof(*specs));
	for (size_t i = 0; i < o->dirs->len; i++) {
		const char *dir = o->dirs->items[i];
		size_t n = safe_prefix(dir);
		if (n == 0 && *dir)
			whole = 1;
		if ((specs[nneg + i] = mc_strndup(dir, n)) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
	}
	for (size_t i = nneg + o->dirs->len; i < nspecs; i++)
		if ((specs[i] = mc_strdup(
		             o->model_paths->items[i - nneg - o->dirs->len])) ==
		    NULL) {
			error = mc_error_set_oom();
			goto done;
		}
	if (whole && nneg) {
		/* every path but the excluded ones (a lone negative pathspec
		 * matches nothing) */
		mc_free(specs[nneg]);
		if ((specs[nneg] = mc_strdup("*")) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
	}
	dopts.pathspec.strings = specs;
	dopts.pathspec.count = whole ? (nneg ? nneg + 1 : 0) : nspecs;
	dopts.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
	if (o->mode == MC_CHANGES_WORKDIR)
		dopts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		               GIT_DIFF_INCLUDE_TYPECHANGE;

	switch (o->mode) {
	case MC_CHANGES_WORKDIR:
		error = git_diff_tree_to_workdir_with_index(&diff, r->repo, old_tree, &dopts);
		break;
	case MC_CHANGES_STAGED:
		error = git_diff_tree_to_index(&diff, r->repo, old_tree, c->src->index, &dopts);
		break;
	default:
		error = git_diff_tree_to_tree(&diff, r->repo, old_tree, c->src->after_tree, &dopts);
		break;
	}
	if (error < 0) {
		error = mc_git__shallow_error(r, "cannot compute the change", error);
		goto done;
	}
	fopts.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	if (renames_read_too_large(diff, r->repo, o->mode))
		fopts.flags |= GIT_DIFF_FIND_EXACT_MATCH_ONLY;
	if (git_diff_find_similar(diff, &fopts) < 0) {
		error = mc_git__error("cannot detect renames");
		goto done;
	}
	if ((error = collect(c, r, diff, o)) < 0)
		goto done;
	if (o->mode == MC_CHANGES_WORKDIR) {
		if ((error = mc_git__workdir_unreadable(c, r->repo, old_tree,
		                                        o)) < 0 ||
		    (error = fill_after(c)) < 0)
			goto done;
		*out = c;
		c = NULL;
		goto done;
	}

	for (size_t i = 0; i < o->dirs->len; i++) {
		const char *dir = o->dirs->items[i];
		mc_dir_state *s = NULL;
		if (o->mode == MC_CHANGES_STAGED)
			error = mc_git__list_index(&s, c->src->index, dir);
		else
			error = mc_git__list_tree(&s, r->repo, c->src->after_tree, dir);
		if (error < 0 || (error = mc_vec_push(&c->after, s)) < 0) {
			mc_git__dir_state_free(s);
			goto done;
		}
		if (o->mode != MC_CHANGES_RANGE)
			continue;
		s = NULL;
		if ((error = mc_git__list_tree(&s, r->repo, c->src->target_tree, dir)) < 0 ||
		    (error = mc_vec_push(&c->target, s)) < 0) {
			mc_git__dir_state_free(s);
			goto done;
		}
	}
	if ((error = fill_after(c)) < 0)
		goto done;
	*out = c;
	c = NULL;
done:
	for (size_t i = 0; specs && i < nspecs; i++)
		mc_free(specs[i]);
	mc_free(specs);
	git_diff_free(diff);
	git_tree_free(old_tree);
	mc_changeset_free(c);
	return error;
}

static int read_tree_path(mc_buf *out, git_repository *repo, git_tree *tree,
                          const char *path)
{
	git_tree_entry *te = NULL;
	char *data = NULL;
	size_t len = 0;
	int error;

	if (!tree || git_tree_entry_bypath(&te, tree, path) < 0)
		return mc_error_set(MC_ERROR_GIT, "'%s' is not in the tree", path);
	error = mc_git__blob_read(&data, &len, repo, git_tree_entry_id(te), path);
	git_tree_entry_free(te);
	if (error == 0) {
		mc_buf_clear(out);
		error = mc_buf_put(out, data, len);
	}
	mc_free(data);
	return error;
}

int mc_changeset_read_after(mc_buf *out, mc_changeset *c, const char *path)
{
	struct mc_changes_src *s = c->src;
	char *data = NULL;
	size_t len = 0;
	int error;

	switch (s->mode) {
	case MC_CHANGES_WORKDIR:
		error = mc_git__workdir_read(&data, &len, s->repo, path);
		break;
	case MC_CHANGES_STAGED:
		error = mc_git__staged_read(&data, &len, s, path);
		break;
	default:
		return read_tree_path(out, s->repo->repo, s->after_tree, path);
	}
	if (error == 0) {
		mc_buf_clear(out);
		error = mc_buf_put(out, data, len);
	}
	mc_free(data);
	return error;
}

int mc_changeset_read_target(mc_buf *out, mc_changeset *c, const char *path)
{
	return read_tree_path(out, c->src->repo->repo, c->src->target_tree, path);
}
