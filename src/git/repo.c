/*
 * repo.c: opening the repository. The only files that include <git2.h>
 * are in src/git/.
 */
#include "migcheck/repo.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

int mc_git__error(const char *what)
{
	const git_error *e = git_error_last();
	return mc_error_set(MC_ERROR_GIT, "%s: %s", what,
	                    (e && e->message) ? e->message : "unknown git error");
}

int mc_git__peel_ref(git_object **out, git_repository *repo, const char *name,
                     git_object_t type)
{
	git_object *obj = NULL;
	git_oid id;
	int error;

	*out = NULL;
	if ((error = git_reference_name_to_id(&id, repo, name)) < 0 ||
	    (error = git_object_lookup(&obj, repo, &id, GIT_OBJECT_ANY)) < 0)
		return error;
	error = git_object_peel(out, obj, type);
	git_object_free(obj);
	return error;
}

void mc_repo_global_init(void)
{
#ifdef __GLIBC__
	/* libgit2 inflates big trees (a folder of 10,000 migrations is ~600 KB,
	 * rebuilt through a delta chain) into fresh buffers; above glibc's
	 * initial 128 KB threshold each one is a new mmap whose pages all fault
	 * in again. Keep such buffers on the heap so they are reused. */
	mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
#endif
	git_libgit2_init();
	/* git does not re-hash every object it reads; libgit2 does by default,
	 * which doubles the cost of reading trees and blobs */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* pack windows are mapped files whose pages count as resident once
	 * read, and a window keeps the size it was opened with: cap them
	 * before the first object is read, or the first read (the folder
	 * check right after the config) maps the whole pack, and log's walk
	 * then touches all of it (a 26 MB pack: log's peak RSS 53 -> 79 MB) */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)(1024 * 1024));
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)(4 * 1024 * 1024));
}

void mc_repo_global_shutdown(void)
{
	git_libgit2_shutdown();
}

int mc_repo_open(mc_repo **out, const char *path)
{
	mc_repo *r;
	git_repository *repo = NULL;
	int error;

	*out = NULL;
	/* FROM_ENV: a hook must see $GIT_DIR and $GIT_INDEX_FILE like git does */
	error = git_repository_open_ext(&repo, getenv("GIT_DIR") ? NULL : path,
	                                GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (error == GIT_ENOTFOUND)
		return MC_ENOTFOUND;
	if (error < 0)
		return mc_git__error("cannot open the git repository");
	/* a truncated loose object must not hang libgit2 (compat/loose.c) */
	if ((error = mc_git__loose_guard(repo)) < 0) {
		git_repository_free(repo);
		return error;
	}
	if ((r = mc_calloc(1, sizeof(*r))) == NULL) {
		git_repository_free(repo);
		return mc_error_set_oom();
	}
	r->repo = repo;
	*out = r;
	return 0;
}

void mc_repo_free(mc_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	mc_free(r);
}

const char *mc_repo_workdir(const mc_repo *r)
{
	return git_repository_workdir(r->repo);
}

const char *mc_repo_gitdir(const mc_repo *r)
{
	return git_repository_path(r->repo);
}

int mc_repo_is_shallow(const mc_repo *r)
{
	return git_repository_is_shallow(r->repo) == 1;
}

int mc_repo_has_commit(mc_repo *r, const char *rev)
{
	git_object *obj = NULL;
	git_object *commit = NULL;
	int ok;

	if (git_revparse_single(&obj, r->repo, rev) < 0) {
		git_error_clear();
		return 0;
	}
	ok = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0;
	git_object_free(commit);
	git_object_free(obj);
	git_error_clear();
	return ok;
}

int mc_repo_hooks_dir(mc_buf *out, mc_repo *r)
{
	git_config *cfg = NULL;
	git_buf path = GIT_BUF_INIT;
	const char *workdir = git_repository_workdir(r->repo);
	int error = 0;

	mc_buf_clear(out);
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return mc_git__error("cannot read the git config");
	if (git_config_get_path(&path, cfg, "core.hooksPath") == 0 && path.size) {
		if (path.ptr[0] == '/' || !workdir)
			error = mc_buf_puts(out, path.ptr);
		else
			error = mc_buf_joinpath(out, workdir, path.ptr);
	} else {
		git_error_clear();
		error = mc_buf_joinpath(out, git_repository_commondir(r->repo), "hooks");
	}
	git_buf_dispose(&path);
	git_config_free(cfg);
	return error;
}

int mc_repo_init(mc_repo **out, const char *path, int bare)
{
	mc_repo *r;
	git_repository *repo = NULL;
	int error;

	MC_ASSERT_ARG(out && path);
	*out = NULL;
	if (git_repository_init(&repo, path, bare ? 1 : 0) < 0)
		return mc_git__error("cannot create the git repository");
	/* a truncated loose object must not hang libgit2 (compat/loose.c) */
	if ((error = mc_git__loose_guard(repo)) < 0) {
		git_repository_free(repo);
		return error;
	}
	if ((r = mc_calloc(1, sizeof(*r))) == NULL) {
		git_repository_free(repo);
		return mc_error_set_oom();
	}
	r->repo = repo;
	*out = r;
	return 0;
}

static int ref_exists(git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	int rc = git_reference_lookup(&ref, repo, name);
	git_reference_free(ref);
	return rc == 0;
}

int mc_repo_default_deploy_ref(mc_buf *out, const char **how, mc_repo *r)
{
	static const struct {
		const char *name;
		const char *how;
	} fallbacks[] = {
		{ "refs/remotes/origin/main", "origin's main branch (refs/remotes/origin/HEAD is not set)" },
		{ "refs/remotes/origin/master", "origin's master branch (refs/remotes/origin/HEAD is not set)" },
		{ "refs/heads/main", "the local main branch (no remote 'origin' branch found)" },
		{ "refs/heads/master", "the local master branch (no remote 'origin' branch found)" },
	};
	git_reference *head = NULL;
	const char *target;
	int error;

	MC_ASSERT_ARG(out && r);
	if (how)
		*how = NULL;
	error = git_reference_lookup(&head, r->repo, "refs/remotes/origin/HEAD");
	if (error == 0 && git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    (target = git_reference_symbolic_target(head)) != NULL) {
		mc_buf_clear(out);
		error = mc_buf_puts(out, target);
		git_reference_free(head);
		if (!error && how)
			*how = "origin's default branch (refs/remotes/origin/HEAD)";
		return error;
	}
	git_reference_free(head);
	if (error < 0 && error != GIT_ENOTFOUND)
		return mc_git__error("cannot read 'refs/remotes/origin/HEAD'");
	for (size_t i = 0; i < MC_ARRAY_SIZE(fallbacks); i++) {
		if (!ref_exists(r->repo, fallbacks[i].name))
			continue;
		mc_buf_clear(out);
		if ((error = mc_buf_puts(out, fallbacks[i].name)) < 0)
			return error;
		if (how)
			*how = fallbacks[i].how;
		return 0;
	}
	return MC_ENOTFOUND;
}

enum dir_kind { DIR_SUBMODULE, DIR_LINK, DIR_OWN_REPO };

/*
 * Why dir cannot be a migrations folder: the folder itself (self) or the
 * folder prefix above it is a submodule, a symbolic link (to target, when
 * known) or, in the work tree, a repository of its own.
 */
static int dir_error(const char *dir, const char *prefix, int self, enum dir_kind kind,
                     const char *target)
{
	switch (kind) {
	case DIR_SUBMODULE:
		if (self)
			return mc_error_set(MC_ERROR_CONFIG,
			                    "migrations folder '%s' is a git submodule: run migcheck inside it (migcheck -C '%s' ...), with its own .migcheck",
			                    dir, dir);
		return mc_error_set(MC_ERROR_CONFIG,
		                    "migrations folder '%s' is inside '%s', a git submodule: run migcheck inside it (migcheck -C '%s' ...), with its own .migcheck",
		                    dir, prefix, prefix);
	case DIR_OWN_REPO:
		if (self)
			return mc_error_set(MC_ERROR_CONFIG,
			                    "migrations folder '%s' is a git repository of its own (a submodule or a clone): run migcheck inside it (migcheck -C '%s' ...), with its own .migcheck",
			                    dir, dir);
		return mc_error_set(MC_ERROR_CONFIG,
		                    "migrations folder '%s' is inside '%s', a git repository of its own (a submodule or a clone): run migcheck inside it (migcheck -C '%s' ...), with its own .migcheck",
		                    dir, prefix, prefix);
	case DIR_LINK:
	default:
		if (self)
			return mc_error_set(MC_ERROR_CONFIG,
			                    "migrations folder '%s' is a symbolic link%s%s%s: set migrations.dir to the folder it points to",
			                    dir, target ? " (to '" : "", target ? target : "",
			                    target ? "')" : "");
		return mc_error_set(MC_ERROR_CONFIG,
		                    "migrations folder '%s' is inside a symbolic link ('%s' to '%s'): set migrations.dir to the folder it points to",
		                    dir, prefix, target ? target : "?");
	}
}

/* The next folder name of path at *p ("." and empty names skipped): its
 * length, 0 at the end; *p moves past it. */
static size_t next_component(const char **name, const char **p)
{
	for (;;) {
		size_t n;
		*p += strspn(*p, "/");
		n = strcspn(*p, "/");
		*name = *p;
		*p += n;
		if (n != 1 || **name != '.')
			return n;
	}
}

/* 1 when no folder name is left in path p */
static int at_end(const char *p)
{
	const char *name;
	return !next_component(&name, &p);
}

/*
 * dir in HEAD's tree, one folder at a time, read as raw tree objects:
 * the first component that is a submodule or a symbolic link is an error
 * (prefix holds the path down to it). A missing or unreadable folder says
 * nothing: the commands that read it report that. libgit2's tree objects
 * would do, but parsing them here, before log's walk sets its cache
 * limits, leaves log's heap 7 MB larger.
 */
static int check_head(mc_repo *r, git_odb *odb, const git_oid *tree_id, const char *dir,
                      mc_buf *prefix)
{
	const char *p = dir, *name;
	git_oid cur;
	size_t n;

	git_oid_cpy(&cur, tree_id);
	mc_buf_clear(prefix);
	while ((n = next_component(&name, &p)) > 0) {
		mc_git__raw_tree t;
		mc_git__raw_entry e;
		unsigned mode = 0;
		int found = 0, self;

		if (mc_git__raw_open(&t, odb, &cur) < 0) {
			mc_error_clear();
			return 0;
		}
		while (!found && mc_git__raw_next(&e, &t))
			if (e.len == n && !memcmp(e.name, name, n)) {
				mode = e.mode;
				git_oid_fromraw(&cur, e.id);
				found = 1;
			}
		mc_git__raw_close(&t);
		if (!found)
			return 0;
		if ((prefix->size && mc_buf_putc(prefix, '/') < 0) || mc_buf_put(prefix, name, n) < 0)
			return mc_error_set_oom();
		if (mode == GIT_FILEMODE_TREE)
			continue;
		self = at_end(p);
		if (mode == GIT_FILEMODE_COMMIT)
			return dir_error(dir, prefix->ptr, self, DIR_SUBMODULE, NULL);
		if (mode == GIT_FILEMODE_LINK) {
			git_blob *b = NULL;
			char *target = NULL;
			int error;
			if (git_blob_lookup(&b, r->repo, &cur) == 0 && git_blob_rawsize(b) < 4096)
				target = mc_strndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
			git_error_clear();
			error = dir_error(dir, prefix->ptr, self, DIR_LINK, target);
			mc_free(target);
			git_blob_free(b);
			return error;
		}
		return 0; /* a file: the folder parse says so */
	}
	return 0;
}

/* dir in the work tree, one folder at a time: a symbolic link, or a
 * folder with a .git of its own (a submodule, even one only added, or a
 * clone), is an error. */
static int check_workdir(const char *workdir, const char *dir, mc_buf *prefix)
{
	mc_buf path = MC_BUF_INIT;
	const char *p = dir, *name;
	struct stat st;
	size_t n;
	int error = 0;

	mc_buf_clear(prefix);
	while (!error && (n = next_component(&name, &p)) > 0) {
		int self;
		if ((prefix->size && (error = mc_buf_putc(prefix, '/')) < 0) ||
		    (error = mc_buf_put(prefix, name, n)) < 0 ||
		    (error = mc_buf_joinpath(&path, workdir, prefix->ptr)) < 0)
			break;
		if (lstat(path.ptr, &st) < 0)
			break; /* missing: the folder parse says so */
		self = at_end(p);
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlink(path.ptr, target, sizeof(target) - 1);
			if (len >= 0)
				target[len] = '\0';
			error = dir_error(dir, prefix->ptr, self, DIR_LINK, len >= 0 ? target : NULL);
			break;
		}
		if (!S_ISDIR(st.st_mode))
			break;
		if ((error = mc_buf_puts(&path, "/.git")) == 0 && lstat(path.ptr, &st) == 0)
			error = dir_error(dir, prefix->ptr, self, DIR_OWN_REPO, NULL);
	}
	mc_buf_dispose(&path);
	return error;
}

int mc_repo_check_dirs(mc_repo *r, const mc_vec *dirs)
{
	git_commit *head = NULL;
	git_odb *odb = NULL;
	const char *workdir = git_repository_workdir(r->repo);
	mc_buf prefix = MC_BUF_INIT;
	git_oid head_id;
	int error = 0;

	if (git_reference_name_to_id(&head_id, r->repo, "HEAD") < 0 ||
	    git_commit_lookup(&head, r->repo, &head_id) < 0 ||
	    git_repository_odb(&odb, r->repo) < 0) {
		git_commit_free(head);
		head = NULL;
	}
	git_error_clear();
	for (size_t i = 0; i < dirs->len && !error; i++) {
		const char *dir = dirs->items[i];
		if (head)
			error = check_head(r, odb, git_commit_tree_id(head), dir, &prefix);
		if (!error && workdir)
			error = check_workdir(workdir, dir, &prefix);
	}
	mc_buf_dispose(&prefix);
	git_odb_free(odb);
	git_commit_free(head);
	return error;
}
