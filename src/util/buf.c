/*
 * buf.c: growable NUL-terminated byte buffer.
 */
#include "migcheck/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "banned.h"

int mc_buf_grow(mc_buf *b, size_t extra)
{
	size_t need = b->size + extra + 1, n;
	char *p;

	if (need < b->size)
		return mc_error_set_oom();
	if (need <= b->asize)
		return 0;
	n = b->asize ? b->asize : 64;
	while (n < need)
		n = n + n / 2 + 8;
	if ((p = mc_realloc(b->ptr, n)) == NULL)
		return mc_error_set_oom();
	b->ptr = p;
	b->asize = n;
	return 0;
}

int mc_buf_put(mc_buf *b, const char *data, size_t len)
{
	int error;
	if ((error = mc_buf_grow(b, len)) < 0)
		return error;
	if (len)
		memcpy(b->ptr + b->size, data, len);
	b->size += len;
	b->ptr[b->size] = '\0';
	return 0;
}

int mc_buf_puts(mc_buf *b, const char *s)
{
	return mc_buf_put(b, s, strlen(s));
}

int mc_buf_putc(mc_buf *b, char c)
{
	return mc_buf_put(b, &c, 1);
}

int mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, error;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return mc_error_set(MC_ERROR_OS, "cannot format output");
	if ((error = mc_buf_grow(b, (size_t)n)) < 0)
		return error;
	vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, ap);
	b->size += (size_t)n;
	return 0;
}

int mc_buf_printf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;
	va_start(ap, fmt);
	error = mc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

int mc_buf_joinpath(mc_buf *b, const char *a, const char *c)
{
	size_t alen = strlen(a);
	int error;

	mc_buf_clear(b);
	while (alen > 1 && a[alen - 1] == '/')
		alen--;
	while (*c == '/')
		c++;
	if ((error = mc_buf_put(b, a, alen)) < 0)
		return error;
	if (alen && *c && a[alen - 1] != '/' && (error = mc_buf_putc(b, '/')) < 0)
		return error;
	return mc_buf_puts(b, c);
}

int mc_buf_read_file(mc_buf *b, const char *path, size_t max)
{
	struct stat st;
	int fd, error = 0;
	char chunk[65536];
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return mc_error_set(MC_ERROR_OS, "cannot open '%s': %s", path,
		                    strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot stat '%s': %s", path,
		                     strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		error = mc_error_set(MC_ERROR_INPUT, "'%s' is a directory", path);
		goto done;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		error = mc_error_set(MC_ERROR_INPUT,
		                     "'%s' is too large (%lld bytes, limit %zu)",
		                     path, (long long)st.st_size, max);
		goto done;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = mc_error_set(MC_ERROR_OS, "cannot read '%s': %s",
			                     path, strerror(errno));
			goto done;
		}
		if (b->size + (size_t)n > max) {
			error = mc_error_set(MC_ERROR_INPUT,
			                     "'%s' is too large (limit %zu bytes)",
			                     path, max);
			goto done;
		}
		if ((error = mc_buf_put(b, chunk, (size_t)n)) < 0)
			goto done;
	}
	if (!b->ptr)
		error = mc_buf_put(b, "", 0);
done:
	close(fd);
	return error;
}

const char *mc_buf_cstr(const mc_buf *b)
{
	return b->ptr ? b->ptr : "";
}

void mc_buf_clear(mc_buf *b)
{
	b->size = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void mc_buf_truncate(mc_buf *b, size_t len)
{
	if (len < b->size) {
		b->size = len;
		b->ptr[len] = '\0';
	}
}

char *mc_buf_detach(mc_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = mc_strdup("");
	b->ptr = NULL;
	b->size = b->asize = 0;
	return p;
}

void mc_buf_dispose(mc_buf *b)
{
	mc_free(b->ptr);
	b->ptr = NULL;
	b->size = b->asize = 0;
}
