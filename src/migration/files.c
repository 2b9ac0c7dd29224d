/*
 * files.c: the input of discovery, a list of (path, bytes), and reading
 * one from a folder of the working tree. Reading never fails for one bad
 * entry: a file that is too large, unreadable, a directory with a
 * migration's name or a symlink loop becomes an entry with error set, so
 * discovery reports it as a finding next to everything else.
 */
#include "migcheck/migration.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "util/banned.h"

int mc_file_list_new(mc_file_list **out)
{
	MC_ASSERT_ARG(out);
	if ((*out = mc_calloc(1, sizeof(**out))) == NULL)
		return mc_error_set_oom();
	return 0;
}

static void file_free(void *p)
{
	mc_file *f = p;
	if (!f)
		return;
	if (f->own_data)
		mc_free(f->data);
	mc_free(f);
}

void mc_file_set_data(mc_file *f, char *data, size_t len)
{
	if (f->own_data)
		mc_free(f->data);
	f->data = data;
	f->len = len;
	f->own_data = 1;
}

static int add(mc_file_list *l,
               const char *path,
               const char *data,
               size_t len,
               int error_flag)
{
	mc_file *f;
	int error;

	size_t plen;

	MC_ASSERT_ARG(l && path && (data || !len));
	/* one allocation: the struct, the path and the data (a folder read
	 * from a tree is thousands of names with no data) */
	plen = strlen(path);
	if (plen > SIZE_MAX - sizeof(*f) - 2 || len > SIZE_MAX - sizeof(*f) - 2 - plen ||
	    (f = mc_malloc(sizeof(*f) + plen + 1 + len + 1)) == NULL)
		return mc_error_set_oom();
	memset(f, 0, sizeof(*f));
	f->path = (char *)(f + 1);
	memcpy(f->path, path, plen + 1);
	f->data = f->path + plen + 1;
	if (len)
		memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->error = error_flag;
	if ((error = mc_vec_push(&l->files, f)) < 0)
		file_free(f);
	return error;
}

int mc_file_list_add(mc_file_list *l,
                     const char *path,
                     const char *data,
                     size_t len)
{
	return add(l, path, data, len, 0);
}

int mc_file_list_add_error(mc_file_list *l, const char *path, const char *why)
{
	MC_ASSERT_ARG(why);
	return add(l, path, why, strlen(why), 1);
}

/* The one wording of the size cap, for the folder read here and for the
 * git side (src/git/changes.c) */
static char *too_large_why(unsigned long long size)
{
	return mc_asprintf("file is too large (%llu bytes, limit %zu)", size,
	                   MC_MAX_MIGRATION_SIZE);
}

int mc_file_set_too_large(mc_file *f, unsigned long long size)
{
	char *why;
	int error;

	MC_ASSERT_ARG(f);
	if ((why = too_large_why(size)) == NULL)
		return mc_error_set_oom();
	error = mc_file_set_unreadable(f, why);
	mc_free(why);
	return error;
}

int mc_file_set_unreadable(mc_file *f, const char *why)
{
	char *copy;

	MC_ASSERT_ARG(f && why);
	if ((copy = mc_strdup(why)) == NULL)
		return mc_error_set_oom();
	mc_file_set_data(f, copy, strlen(copy));
	f->error = 1;
	return 0;
}

size_t mc_file_list_find(const mc_file_list *l, const char *path)
{
	size_t lo = 0, hi = l->files.len;

	while (path && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(((const mc_file *)l->files.items[mid])->path, path);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

void mc_file_list_free(mc_file_list *l)
{
	if (!l)
		return;
	mc_vec_dispose_deep(&l->files, file_free);
	mc_free(l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sub-folder is only worth a finding when it is named like a migration. */
static int looks_like_migration(const char *name)
{
	static const char *const exts[] = { ".sql", ".js", ".cjs",  ".mjs",
		                            ".ts",  ".go", ".java", ".kt" };
	size_t n = strlen(name);
	for (size_t i = 0; i < MC_ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(name + n - e, exts[i]))
			return 1;
	}
	return 0;
}

/* why an open file descriptor cannot be read whole, or NULL with the
 * content in out (capped) */
static int read_fd(mc_buf *out, char **out_why, int fd)
{
	char chunk[65536];
	ssize_t n;
	int error;

	mc_buf_clear(out);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*out_why = mc_asprintf("%s", strerror(errno));
			return *out_why ? 1 : mc_error_set_oom();
		}
		if (out->size + (size_t)n > MC_MAX_MIGRATION_SIZE) {
			/* it grew since fstat() */
			*out_why = too_large_why((unsigned long long)out->size +
			                         (unsigned long long)n);
			return *out_why ? 1 : mc_error_set_oom();
		}
		if ((error = mc_buf_put(out, chunk, (size_t)n)) < 0)
			return error;
	}
	return out->ptr ? 0 : mc_buf_put(out, "", 0);
}

int mc_file_read_one(mc_buf *out,
                     char **out_why,
                     const char *full,
                     const char *name,
                     int probe)
{
	struct stat st;
	char *why = NULL;
	int fd = -1, error = 0;

	MC_ASSERT_ARG(out && out_why && full && name);
	*out_why = NULL;
	if (stat(full, &st) < 0) {
		if (errno == ELOOP)
			why = mc_asprintf("symbolic link loop");
		else if (errno == ENOENT)
			why = mc_asprintf("dangling symbolic link");
		else
			why = mc_asprintf("%s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		if (!looks_like_migration(name))
			return 2; /* sub-folders are not ours to read */
		why = mc_asprintf("is a directory, not a file");
	} else if (!S_ISREG(st.st_mode)) {
		why = mc_asprintf("not a regular file");
	} else if (!probe &&
	           (unsigned long long)st.st_size > MC_MAX_MIGRATION_SIZE) {
		why = too_large_why((unsigned long long)st.st_size);
	} else if ((fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	                                    O_NONBLOCK)) < 0) {
		/* O_NONBLOCK: replaced by a FIFO since stat(), the open must
		 * not wait for a writer */
		why = mc_asprintf("%s", strerror(errno));
	} else if (fstat(fd, &st) < 0) {
		why = mc_asprintf("%s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		why = mc_asprintf("not a regular file");
	} else if (probe) {
		goto done;
	} else if ((unsigned long long)st.st_size > MC_MAX_MIGRATION_SIZE) {
		why = too_large_why((unsigned long long)st.st_size);
	} else {
		error = read_fd(out, &why, fd);
		goto done;
	}
	if (!why)
		error = mc_error_set_oom();
	else
		error = 1;
done:
	if (fd >= 0)
		close(fd);
	if (error == 1)
		*out_why = why;
	else
		mc_free(why);
	return error;
}

static int
read_entry(mc_file_list *l, const char *full, const char *rel, const char *name)
{
	mc_buf data = MC_BUF_INIT;
	char *why = NULL;
	int error;

	error = mc_file_read_one(&data, &why, full, name, 0);
	if (error == 0)
		error = mc_file_list_add(l, rel, data.ptr ? data.ptr : "",
		                         data.size);
	else if (error == 1)
		error = mc_file_list_add_error(l, rel, why);
	else if (error == 2)
		error = 0;
	mc_free(why);
	mc_buf_dispose(&data);
	return error;
}

int mc_file_list_read_dir(mc_file_list **out, const char *root, const char *dir)
{
	mc_file_list *l = NULL;
	mc_buf full = MC_BUF_INIT, path = MC_BUF_INIT, rel = MC_BUF_INIT;
	mc_vec names = MC_VEC_INIT;
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	int error;

	MC_ASSERT_ARG(out && root && dir);
	*out = NULL;
	if ((error = mc_buf_joinpath(&path, root, dir)) < 0)
		goto done;
	if (stat(path.ptr, &st) < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			mc_error_set(MC_ERROR_INPUT,
			             "migrations folder '%s' does not exist",
			             dir);
			error = MC_ENOTFOUND;
		} else
			error = mc_error_set(
			        MC_ERROR_INPUT,
			        "cannot read migrations folder '%s': %s", dir,
			        strerror(e));
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		error = mc_error_set(
		        MC_ERROR_INPUT,
		        "migrations folder '%s' is not a directory", dir);
		goto done;
	}
	if ((d = opendir(path.ptr)) == NULL) {
		error = mc_error_set(MC_ERROR_INPUT,
		                     "cannot read migrations folder '%s': %s",
		                     dir, strerror(errno));
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		char *n;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((n = mc_strdup(de->d_name)) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		if ((error = mc_vec_push(&names, n)) < 0) {
			mc_free(n);
			goto done;
		}
	}
	mc_vec_sort(&names, cmp_str);
	if ((error = mc_file_list_new(&l)) < 0)
		goto done;
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		if ((error = mc_buf_joinpath(&full, path.ptr, name)) < 0 ||
		    (error = mc_buf_joinpath(&rel, dir, name)) < 0 ||
		    (error = read_entry(l, full.ptr, rel.ptr, name)) < 0)
			goto done;
	}
	*out = l;
	l = NULL;
done:
	if (d)
		closedir(d);
	mc_vec_dispose_deep(&names, mc_free);
	mc_file_list_free(l);
	mc_buf_dispose(&full);
	mc_buf_dispose(&path);
	mc_buf_dispose(&rel);
	return error;
}
