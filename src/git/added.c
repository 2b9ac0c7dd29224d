/*
 * added.c: the files added since a revision, by a diff of the merge base's
 * tree against the working tree and index (libgit2, never the git binary).
 */
#include "migcheck/git_added.h"

#include <git2.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree to compare against: merge-base(rev, HEAD), else rev's tree. */
static int base_tree(git_tree **out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	git_commit *commit = NULL, *base_commit = NULL;
	git_oid head;
	mc_git__mbase m = MC_GIT_MBASE_INIT;
	int error;

	if ((error = git_revparse_single(&obj, repo, rev)) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EAMBIGUOUS ||
		    error == GIT_EINVALIDSPEC) {
			mc_error_set(MC_ERROR_USAGE, "unknown revision '%s'", rev);
			return MC_ENOTFOUND;
		}
		return mc_git__error("cannot resolve revision");
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		error = mc_error_set(MC_ERROR_USAGE,
		                     "revision '%s' is not a commit", rev);
		goto done;
	}
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
	    (error = mc_git__merge_bases(&m, repo, &head, git_commit_id(commit), 0)) == 0 &&
	    m.nbases && git_commit_lookup(&base_commit, repo, &m.bases[0]) == 0) {
		error = git_commit_tree(out, base_commit);
	} else if (error < 0) {
		goto done;
	} else {
		git_error_clear();
		error = git_commit_tree(out, commit);
	}
	if (error < 0)
		error = mc_git__error("cannot read the tree of the revision");
done:
	mc_git__mbase_dispose(&m);
	git_commit_free(base_commit);
	git_commit_free(commit);
	git_object_free(obj);
	return error < 0 ? error : 0;
}

int mc_repo_added_since(mc_vec *out, mc_repo *r, const char *rev,
                        const char *dir)
{
	git_diff_options opts;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	mc_buf spec = MC_BUF_INIT;
	mc_vec states = MC_VEC_INIT;
	mc_dir_state *ds = NULL;
	char **specs = NULL, **more, *folder = NULL;
	size_t i, n, start, nneg = 0;
	int error;

	MC_ASSERT_ARG(out && r && rev);
	start = out->len;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if ((error = base_tree(&tree, r->repo, rev)) < 0)
		goto done;
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
	             GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	if (dir && *dir) {
		size_t len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			len--;
		if ((error = mc_buf_put(&spec, dir, len)) < 0 ||
		    (error = mc_buf_putc(&spec, '/')) < 0) {
			error = mc_error_set_oom();
			goto done;
		}
		opts.flags &= ~(uint32_t)GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		/* the folder's files that cannot be read are kept from libgit2,
		 * which stops the diff when it cannot hash one (chmod 000 after
		 * git add), and put back below */
		if (git_repository_workdir(r->repo) &&
		    ((folder = mc_strndup(dir, len)) == NULL ||
		     (error = mc_git__list_disk(&ds,
		                                git_repository_workdir(r->repo),
		                                folder)) < 0 ||
		     (error = mc_vec_push(&states, ds)) < 0 ||
		     (error = mc_git__unreadable_specs(&nneg, &specs,
		                                       &states)) < 0)) {
			if (!folder)
				error = mc_error_set_oom();
			goto done;
		}
		if ((more = mc_realloc(specs, (nneg + 1) * sizeof(*specs))) ==
		    NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		specs = more;
		specs[nneg] = spec.ptr;
		opts.pathspec.strings = specs;
		opts.pathspec.count = nneg + 1;
	}
	if (git_diff_tree_to_workdir_with_index(&diff, r->repo, tree, &opts) < 0) {
		error = mc_git__error("cannot compare the revision with the work tree");
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		char *p;
		if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_UNTRACKED)
			continue;
		if ((p = mc_strdup(d->new_file.path)) == NULL ||
		    mc_vec_push(out, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
	}
	/* the files kept from the diff: added when the base lacks them */
	for (i = 0; i < nneg; i++) {
		git_tree_entry *te = NULL;
		char *p;
		if (git_tree_entry_bypath(&te, tree, specs[i] + 1) == 0) {
			git_tree_entry_free(te);
			continue;
		}
		git_error_clear();
		if ((p = mc_strdup(specs[i] + 1)) == NULL ||
		    mc_vec_push(out, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
	}
	if (out->len > start)
		qsort(out->items + start, out->len - start, sizeof(void *),
		      path_cmp);
	error = 0;
done:
	if (error < 0)
		while (out->len > start)
			mc_free(out->items[--out->len]);
	git_diff_free(diff);
	git_tree_free(tree);
	mc_buf_dispose(&spec);
	for (i = 0; i < nneg; i++)
		mc_free(specs[i]);
	mc_free(specs);
	mc_vec_dispose(&states);
	mc_git__dir_state_free(ds);
	mc_free(folder);
	return error;
}

int mc_repo_unchanged_since(unsigned char *out, mc_repo *r, const char *rev,
                            const char *const *paths, size_t n)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int error;

	MC_ASSERT_ARG(out && r && rev && (paths || !n));
	memset(out, 0, n);
	if ((error = mc_git__resolve_commit(&commit, r, rev)) < 0)
		return error;
	if (git_commit_tree(&tree, commit) < 0) {
		error = mc_git__error("cannot read the tree of the revision");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		git_tree_entry *te = NULL;
		git_oid now;
		char *full;

		if (!paths[i] || !git_repository_workdir(r->repo))
			continue;
		if (git_tree_entry_bypath(&te, tree, paths[i]) < 0) {
			git_error_clear(); /* not there: added since */
			continue;
		}
		if (git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
		    git_tree_entry_filemode(te) != GIT_FILEMODE_LINK) {
			if ((full = mc_asprintf("%s%s", git_repository_workdir(r->repo),
			                        paths[i])) == NULL) {
				git_tree_entry_free(te);
				error = mc_error_set_oom();
				goto done;
			}
			/* as git add would store it (filters by path); a file
			 * that cannot be read counts as changed */
			if (git_repository_hashfile(&now, r->repo, full, GIT_OBJECT_BLOB,
			                            paths[i]) == 0)
				out[i] = git_oid_equal(&now, git_tree_entry_id(te));
			else
				git_error_clear();
			mc_free(full);
		}
		git_tree_entry_free(te);
	}
done:
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}
