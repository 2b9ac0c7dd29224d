/*
 * dirs.c: the --dir option of every command, normalised one way. A folder
 * given on the command line is relative to the current directory; it
 * becomes a path relative to the repository root and replaces
 * migrations.dir through mc_config_set, which validates it as the file
 * loader does. Commands that read history (check, log) also take a folder
 * that is not in the work tree, as written, relative to the root.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/*
 * realpath of dir's parent, then dir's last component as written: a
 * symbolic link given as --dir stays a link, so that mc_repo_check_dirs
 * refuses it as it refuses one in migrations.dir. @return out, or NULL
 * with errno set (ENOENT when dir does not exist).
 */
static char *real_parent(char *out, const char *dir)
{
	char parent[PATH_MAX];
	char *slash;
	const char *base, *p;
	size_t n = strlen(dir), olen, blen;
	struct stat st;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(parent, dir, n);
	parent[n] = '\0';
	if (lstat(parent, &st) < 0)
		return NULL;
	if (!S_ISLNK(st.st_mode))
		return realpath(parent, out);
	slash = strrchr(parent, '/');
	base = slash ? slash + 1 : parent;
	if (!slash) {
		p = ".";
	} else if (slash == parent) {
		p = "/";
	} else {
		*slash = '\0';
		p = parent;
	}
	if (!realpath(p, out))
		return NULL;
	olen = strlen(out);
	blen = strlen(base);
	if (olen + 1 + blen >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (olen > 1)
		out[olen++] = '/';
	memcpy(out + olen, base, blen + 1);
	return out;
}

/*
 * dir (relative to the current directory, or absolute) as a path relative
 * to rw (the real work tree, no trailing '/'), read lexically: "." and
 * empty components dropped, ".." taking the one before it, no link
 * followed, so that a folder below a symbolic link keeps the link's name
 * (mc_repo_check_dirs refuses it as it refuses one in migrations.dir).
 * @return 1 inside (out is the relative path, "." for the root), 0
 *   outside, -1 with errno set
 */
static int lexical_relative(char *out, const char *rw, const char *dir)
{
	char path[PATH_MAX];
	size_t len = 0, n = strlen(rw);
	const char *p = dir;

	if (*dir != '/') {
		if (!getcwd(path, sizeof(path)))
			return -1;
		len = strlen(path);
		while (len > 1 && path[len - 1] == '/')
			len--;
		if (len == 1)
			len = 0; /* "/" */
	}
	while (*p) {
		const char *e = p + strcspn(p, "/");
		size_t cl = (size_t)(e - p);
		if (cl == 0 || (cl == 1 && p[0] == '.')) {
			/* nothing */
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (len && path[len - 1] != '/')
				len--;
			if (len)
				len--; /* the '/' */
		} else {
			if (len + 1 + cl >= sizeof(path)) {
				errno = ENAMETOOLONG;
				return -1;
			}
			path[len++] = '/';
			memcpy(path + len, p, cl);
			len += cl;
		}
		p = *e ? e + 1 : e;
	}
	path[len] = '\0';
	if (n == 1 && rw[0] == '/')
		n = 0; /* the work tree is "/" */
	if (strncmp(path, rw, n) || (path[n] != '/' && path[n] != '\0'))
		return 0;
	{
		const char *r = path[n] ? path + n + 1 : ".";
		memcpy(out, r, strlen(r) + 1);
	}
	return 1;
}

/*
 * Turn a folder given on the command line (relative to the current
 * directory) into a path relative to the repository root: read
 * lexically, else (a path through a link into the work tree) as
 * real_parent resolves it.
 */
static int repo_relative(char **out, const char *workdir, const char *dir,
                         int must_exist)
{
	char rw[PATH_MAX], rd[PATH_MAX];
	const char *rel = NULL;
	size_t n;
	int inside;

	*out = NULL;
	if (!realpath(workdir, rw))
		return cli_error(MC_EXIT_ENV, "cannot resolve '%s': %s",
		                 workdir, strerror(errno));
	n = strlen(rw);
	while (n > 1 && rw[n - 1] == '/')
		rw[--n] = '\0';
	if (!real_parent(rd, dir)) {
		if ((errno == ENOENT || errno == ENOTDIR) && !must_exist)
			return 1; /* taken as written, relative to the root */
		if (errno == ENOENT || errno == ENOTDIR)
			return cli_error(
			        MC_EXIT_USAGE,
			        "migrations folder '%s' does not exist", dir);
		return cli_error(MC_EXIT_USAGE,
		                 "cannot read migrations folder '%s': %s", dir,
		                 strerror(errno));
	}
	{
		char lex[PATH_MAX];
		if ((inside = lexical_relative(lex, rw, dir)) < 0)
			return cli_error(MC_EXIT_ENV, "cannot resolve '%s': %s",
			                 dir, strerror(errno));
		if (inside && (*out = mc_strdup(lex)) == NULL)
			return cli_error(MC_EXIT_ENV, "out of memory");
		if (inside)
			return 0;
	}
	if (n == 1)
		n = 0; /* the work tree is "/" */
	if (!strncmp(rd, rw, n) && (rd[n] == '/' || rd[n] == '\0'))
		rel = rd[n] ? rd + n + 1 : ".";
	if (!rel)
		return cli_error(
		        MC_EXIT_USAGE,
		        "migrations folder '%s' is outside the repository",
		        dir);
	if ((*out = mc_strdup(rel)) == NULL)
		return cli_error(MC_EXIT_ENV, "out of memory");
	return 0;
}

int cli_dir_relative(char **out, const char *arg, int must_exist)
{
	const char *workdir = mc_repo_workdir(mc_cli.repo);
	int rc;

	*out = NULL;
	if (!workdir)
		return 0;
	rc = repo_relative(out, workdir, arg, must_exist);
	return rc == 1 ? 0 : rc;
}

int cli_dir_opt(const char *arg, int *count, int must_exist)
{
	char *rel = NULL;
	int rc, error;

	if ((rc = cli_dir_relative(&rel, arg, must_exist)) != 0)
		return rc;
	error = *count == 0 ? mc_config_set(mc_cli.config, "migrations.dir",
	                                    rel ? rel : arg)
	                    : mc_config_add(mc_cli.config, "migrations.dir",
	                                    rel ? rel : arg);
	mc_free(rel);
	if (error < 0)
		return cli_error_last();
	(*count)++;
	return 0;
}

int cli_dirs_done(int count)
{
	/* main checked the configured folders; --dir ones are new */
	if (count && mc_repo_check_dirs(mc_cli.repo, &mc_cli.config->dirs) < 0)
		return cli_error_last();
	return 0;
}
