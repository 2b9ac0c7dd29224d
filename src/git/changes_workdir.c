/*
 * changes_workdir.c: the work tree's side of a change set (changes.c): its
 * migrations folders listed from disk, a file read as the folder listing
 * reads it (the size cap checked first, a FIFO never waited on), and the
 * files that cannot be read kept from libgit2's diff and put back as
 * changes with why.
 */
#include "migcheck/changes.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* A file of the work tree; as mc_git__blob_read_capped, the size cap is
 * checked with stat() before anything is read. Read as the folder listing
 * reads it (mc_file_read_one): a FIFO never blocks. @return 0, 1 too large
 * (*out NULL, *out_len the size), 2 cannot be read (*out NULL, *out_why
 * says why, as the folder listing would), < 0 error */
int mc_git__read_disk(char **out,
                      size_t *out_len,
                      char **out_why,
                      const char *workdir,
                      const char *path)
{
	mc_buf full = MC_BUF_INIT, data = MC_BUF_INIT;
	const char *name = strrchr(path, '/');
	struct stat st;
	int error;

	*out = NULL;
	*out_len = 0;
	*out_why = NULL;
	if ((error = mc_buf_joinpath(&full, workdir, path)) < 0)
		goto done;
	if (stat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > MC_MAX_MIGRATION_SIZE) {
		*out_len = (size_t)st.st_size;
		error = 1;
		goto done;
	}
	/* a sub-folder not named like a migration (2) is not a file either */
	if ((error = mc_file_read_one(&data, out_why, full.ptr,
	                              name ? name + 1 : path, 0)) == 2 &&
	    (*out_why = mc_strdup("is a directory, not a file")) == NULL)
		error = mc_error_set_oom();
	if (error == 1 || error == 2) {
		error = 2;
		goto done;
	}
	if (error < 0)
		goto done;
	*out_len = data.size;
	if ((*out = mc_buf_detach(&data)) == NULL && (*out = mc_strdup("")) == NULL)
		error = mc_error_set_oom();
done:
	mc_buf_dispose(&full);
	mc_buf_dispose(&data);
	return error;
}

int mc_git__workdir_read(char **out, size_t *out_len, mc_repo *r, const char *path)
{
	char *why = NULL;
	int error = mc_git__read_disk(out, out_len, &why,
	                              git_repository_workdir(r->repo), path);

	if (error == 1)
		error = mc_git__too_large(path, *out_len);
	else if (error == 2)
		error = mc_error_set(MC_ERROR_INPUT, "cannot read migration '%s': %s",
		                     path, why);
	mc_free(why);
	return error;
}

/* the entry mc_git__dir_state_add just added */
static mc_file *last_file(mc_file_list *l)
{
	return l->files.items[l->files.len - 1];
}

static int file_cmp(const void *a, const void *b)
{
	const mc_file *x = *(mc_file *const *)a, *y = *(mc_file *const *)b;
	return strcmp(x->path, y->path);
}

int mc_git__list_disk(mc_dir_state **out, const char *workdir, const char *dir)
{
	mc_dir_state *s = NULL;
	mc_buf full = MC_BUF_INIT, p = MC_BUF_INIT, data = MC_BUF_INIT;
	DIR *d = NULL;
	struct dirent *de;
	char *why = NULL;
	int error;

	if ((error = mc_git__dir_state_new(&s, dir)) < 0 ||
	    (error = mc_buf_joinpath(&full, workdir, dir)) < 0)
		goto done;
	if ((d = opendir(full.ptr)) == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			error = mc_error_set(MC_ERROR_OS, "cannot read folder '%s': %s",
			                     dir, strerror(errno));
		goto done;
	}
	while (!error && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((error = mc_buf_joinpath(&p, full.ptr, de->d_name)) < 0)
			break;
		/* as the folder listing: a file that cannot be read is an
		 * unreadable entry (opened to see, never read, never waited
		 * on), a sub-folder not named like a migration no entry */
		switch ((error = mc_file_read_one(&data, &why, p.ptr,
		                                  de->d_name, 1))) {
		case 0:
			error = mc_git__dir_state_add(s->files, dir, de->d_name);
			break;
		case 1:
			if ((error = mc_git__dir_state_add(s->files, dir, de->d_name)) == 0)
				error = mc_file_set_unreadable(
				        last_file(s->files), why);
			break;
		case 2:
			error = 0;
			break;
		}
		mc_free(why);
		why = NULL;
	}
	mc_vec_sort(&s->files->files, file_cmp);
done:
	if (d)
		closedir(d);
	mc_buf_dispose(&full);
	mc_buf_dispose(&p);
	mc_buf_dispose(&data);
	if (error < 0) {
		mc_git__dir_state_free(s);
		return error;
	}
	*out = s;
	return 0;
}

/* The work tree's migrations folders (mc_changeset.after), before the
 * diff: list_disk marks the files that cannot be read. */
int mc_git__workdir_list(mc_changeset *c, mc_repo *r, const mc_changes_opts *o)
{
	for (size_t i = 0; i < o->dirs->len; i++) {
		mc_dir_state *s = NULL;
		int error = mc_git__list_disk(
		        &s, git_repository_workdir(r->repo), o->dirs->items[i]);
		if (error < 0 || (error = mc_vec_push(&c->after, s)) < 0) {
			mc_git__dir_state_free(s);
			return error;
		}
	}
	return 0;
}

/* Can path be a pathspec that libgit2 compares as it is? Its parser
 * trims blanks and cuts lines, takes backslashes as escapes and a leading
 * '!' or '#' as syntax, and a glob character could match other files. */
static int literal_pathspec(const char *path)
{
	size_t n = strlen(path);
	return n && !strpbrk(path, "*?[]\\\n\r") && path[0] != '!' &&
	       path[0] != '#' && path[0] != ' ' && path[0] != '\t' &&
	       path[n - 1] != ' ' && path[n - 1] != '\t' && path[n - 1] != '/';
}

/*
 * "!<path>" for each work tree file that cannot be read (mc_git__workdir_list,
 * mc_git__list_disk), so that libgit2 never opens it: it hashes a tracked file
 * whose stat data changed (chmod 000) and reads untracked files to find
 * renames, and stops the whole diff when it cannot ("failed open ... Permission
 * denied"). mc_git__workdir_unreadable puts them back as changes (added.c as added files).
 * A path libgit2 would not take literally is not excluded (a glob character
 * could exclude other files).
 * @param[out] out_specs a new array of out_n new strings (none: NULL)
 */
int mc_git__unreadable_specs(size_t *out_n,
                             char ***out_specs,
                             const mc_vec *states)
{
	char **specs = NULL;
	size_t n = 0, cap = 0;

	*out_n = 0;
	*out_specs = NULL;
	for (size_t i = 0; i < states->len; i++) {
		const mc_dir_state *s = states->items[i];
		for (size_t k = 0; k < s->files->files.len; k++) {
			const mc_file *f = s->files->files.items[k];
			char **more;
			if (!f->error || !literal_pathspec(f->path))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 4;
				if ((more = mc_realloc(specs,
				                       cap * sizeof(*specs))) ==
				    NULL)
					goto oom;
				specs = more;
			}
			if ((specs[n] = mc_asprintf("!%s", f->path)) == NULL)
				goto oom;
			n++;
		}
	}
	*out_n = n;
	*out_specs = specs;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		mc_free(specs[i]);
	mc_free(specs);
	return mc_error_set_oom();
}

/* Is there a change whose new side is path among the first n (sorted)? */
static int has_new_path(const mc_changeset *c, size_t n, const char *path)
{
	mc_vec sorted = c->changes;

	sorted.len = n;
	for (size_t j = mc_git__change_lower_bound(&sorted, path);
	     j < n && !strcmp(mc_git__change_key(c->changes.items[j]), path); j++) {
		const mc_change *ch = c->changes.items[j];
		if (ch->new_path && !strcmp(ch->new_path, path))
			return 1;
	}
	return 0;
}

/*
 * Each work tree file that cannot be read and that the diff did not hold
 * (it was kept from libgit2, or git never lists it: a FIFO, a directory)
 * as a change: modified when HEAD has a file there (its old side read from
 * HEAD), else added; its new side unreadable, with why. A file that cannot
 * be read is a finding in every folder, as list reports it.
 */
int mc_git__workdir_unreadable(mc_changeset *c,
                               git_repository *repo,
                               git_tree *head,
                               const mc_changes_opts *o)
{
	size_t before = c->changes.len;
	int error = 0;

	for (size_t i = 0; i < c->after.len && !error; i++) {
		const mc_dir_state *s = c->after.items[i];
		for (size_t k = 0; k < s->files->files.len && !error; k++) {
			const mc_file *f = s->files->files.items[k];
			git_tree_entry *te = NULL;
			mc_change *ch;

			if (!f->error || has_new_path(c, before, f->path))
				continue;
			if ((ch = mc_calloc(1, sizeof(*ch))) == NULL ||
			    (ch->new_path = mc_strdup(f->path)) == NULL ||
			    (ch->new_why = mc_strdup(f->data)) == NULL) {
				mc_git__change_free(ch);
				error = mc_error_set_oom();
				break;
			}
			ch->status = MC_CHANGE_ADDED;
			ch->flags = MC_CHANGE_NEW_UNREADABLE;
			ch->in_dir = 1;
			ch->is_model = mc_git__is_model(f->path, o->model_paths);
			if (head &&
			    git_tree_entry_bypath(&te, head, f->path) == 0 &&
			    git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
				ch->status = MC_CHANGE_MODIFIED;
				if ((ch->old_path = mc_strdup(f->path)) == NULL)
					error = mc_error_set_oom();
				else
					error = mc_git__side_read(
					        ch, MC_CHANGE_OLD_TOO_LARGE,
					        mc_git__blob_read_capped(
					                &ch->old_data,
					                &ch->old_len, repo,
					                git_tree_entry_id(te),
					                f->path));
			}
			git_tree_entry_free(te);
			git_error_clear();
			if (error || (error = mc_vec_push(&c->changes, ch)) < 0)
				mc_git__change_free(ch);
		}
	}
	if (c->changes.len != before)
		mc_vec_sort(&c->changes, mc_git__change_cmp);
	return error;
}
