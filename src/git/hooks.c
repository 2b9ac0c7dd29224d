/*
 * hooks.c: 'migcheck hooks install/uninstall'. Never overwrites a hook that
 * is not ours: it is renamed to <hook>.migcheck-chained, which our script
 * runs first, and restored on uninstall.
 */
#include "migcheck/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static int mkdir_p(const char *path)
{
	mc_buf p = MC_BUF_INIT;
	int error = 0;

	if ((error = mc_buf_puts(&p, path)) < 0)
		return error;
	for (char *s = p.ptr + 1; *s && !error; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p.ptr, 0777) < 0 && errno != EEXIST)
			error = mc_error_set(MC_ERROR_OS, "cannot create '%s': %s", p.ptr, strerror(errno));
		*s = '/';
	}
	if (!error && mkdir(p.ptr, 0777) < 0 && errno != EEXIST)
		error = mc_error_set(MC_ERROR_OS, "cannot create '%s': %s", p.ptr, strerror(errno));
	mc_buf_dispose(&p);
	return error;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* 1 when the file at path is one of our hooks */
static int is_ours(const char *path)
{
	mc_buf data = MC_BUF_INIT;
	int ours;
	if (mc_buf_read_file(&data, path, 1024 * 1024) < 0) {
		mc_error_clear();
		return 0;
	}
	ours = strstr(mc_buf_cstr(&data), MC_HOOK_MARKER) != NULL;
	mc_buf_dispose(&data);
	return ours;
}

static int write_hook(const char *path, const char *text)
{
	mc_buf tmp = MC_BUF_INIT;
	size_t len = strlen(text);
	int fd = -1, error;

	if ((error = mc_buf_printf(&tmp, "%s.migcheck-tmp", path)) < 0)
		return error;
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0755)) < 0 ||
	    write(fd, text, len) != (ssize_t)len || fchmod(fd, 0755) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp.ptr);
		goto done;
	}
	if (close(fd) < 0 || rename(tmp.ptr, path) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp.ptr);
	}
done:
	mc_buf_dispose(&tmp);
	return error;
}

int mc_hooks_install(mc_buf *log, mc_repo *r, int force)
{
	mc_buf dir = MC_BUF_INIT, path = MC_BUF_INIT, chained = MC_BUF_INIT;
	int error;

	if ((error = mc_repo_hooks_dir(&dir, r)) < 0 || (error = mkdir_p(dir.ptr)) < 0)
		goto done;
	/* first make sure every hook can be installed, so nothing is half done */
	for (const mc_hook_script *s = mc_hook_scripts(); s->name && !force; s++) {
		if ((error = mc_buf_joinpath(&path, dir.ptr, s->name)) < 0 ||
		    (error = mc_buf_printf(&chained, "%s%s", path.ptr, MC_HOOK_CHAINED_SUFFIX)) < 0)
			goto done;
		if (exists(path.ptr) && !is_ours(path.ptr) && exists(chained.ptr)) {
			error = mc_error_set(MC_ERROR_USAGE,
			                     "cannot chain the existing hook '%s': '%s' exists too; remove one of them or pass --force to replace '%s'",
			                     path.ptr, chained.ptr, chained.ptr);
			goto done;
		}
		mc_buf_clear(&chained);
	}
	for (const mc_hook_script *s = mc_hook_scripts(); s->name; s++) {
		mc_buf_clear(&chained);
		if ((error = mc_buf_joinpath(&path, dir.ptr, s->name)) < 0 ||
		    (error = mc_buf_printf(&chained, "%s%s", path.ptr, MC_HOOK_CHAINED_SUFFIX)) < 0)
			goto done;
		if (exists(path.ptr) && is_ours(path.ptr)) {
			if ((error = write_hook(path.ptr, s->text)) < 0 ||
			    (error = mc_buf_printf(log, "updated %s\n", path.ptr)) < 0)
				goto done;
			continue;
		}
		if (exists(path.ptr)) {
			if (rename(path.ptr, chained.ptr) < 0) {
				error = mc_error_set(MC_ERROR_OS, "cannot rename '%s': %s", path.ptr,
				                     strerror(errno));
				goto done;
			}
			if ((error = write_hook(path.ptr, s->text)) < 0 ||
			    (error = mc_buf_printf(log, "installed %s (the existing hook is kept as %s and runs first)\n",
			                           path.ptr, chained.ptr)) < 0)
				goto done;
			continue;
		}
		if ((error = write_hook(path.ptr, s->text)) < 0 ||
		    (error = mc_buf_printf(log, "installed %s\n", path.ptr)) < 0)
			goto done;
	}
done:
	mc_buf_dispose(&dir);
	mc_buf_dispose(&path);
	mc_buf_dispose(&chained);
	return error;
}

int mc_hooks_uninstall(mc_buf *log, mc_repo *r)
{
	mc_buf dir = MC_BUF_INIT, path = MC_BUF_INIT, chained = MC_BUF_INIT;
	int error;

	if ((error = mc_repo_hooks_dir(&dir, r)) < 0)
		goto done;
	for (const mc_hook_script *s = mc_hook_scripts(); s->name; s++) {
		mc_buf_clear(&chained);
		if ((error = mc_buf_joinpath(&path, dir.ptr, s->name)) < 0 ||
		    (error = mc_buf_printf(&chained, "%s%s", path.ptr, MC_HOOK_CHAINED_SUFFIX)) < 0)
			goto done;
		if (!exists(path.ptr))
			continue;
		if (!is_ours(path.ptr)) {
			if ((error = mc_buf_printf(log, "left %s alone: not installed by migcheck\n",
			                           path.ptr)) < 0)
				goto done;
			continue;
		}
		if (exists(chained.ptr)) {
			if (rename(chained.ptr, path.ptr) < 0) {
				error = mc_error_set(MC_ERROR_OS, "cannot restore '%s': %s", chained.ptr,
				                     strerror(errno));
				goto done;
			}
			error = mc_buf_printf(log, "removed %s and restored the hook that was there before\n",
			                      path.ptr);
		} else {
			if (unlink(path.ptr) < 0) {
				error = mc_error_set(MC_ERROR_OS, "cannot remove '%s': %s", path.ptr,
				                     strerror(errno));
				goto done;
			}
			error = mc_buf_printf(log, "removed %s\n", path.ptr);
		}
		if (error)
			goto done;
	}
done:
	mc_buf_dispose(&dir);
	mc_buf_dispose(&path);
	mc_buf_dispose(&chained);
	return error;
}
