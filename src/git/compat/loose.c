/*
 * loose.c: a completeness check of loose objects before libgit2 reads them.
 *
 * libgit2 1.5 spins for ever in git_zstream_get_output when a loose
 * object's zlib stream ends early (a truncated file: inflate() keeps
 * returning Z_BUF_ERROR with no input left and libgit2 retries; fixed
 * upstream in libgit2 PR #7346, issue #7342). So every object read goes
 * through a small odb backend of ours first: it sits in front of
 * libgit2's loose backend (after the packs), and when the object is a loose
 * file it inflates it fully with a fixed buffer and checks the header
 * ("type size\0", or the old pack-like binary header) and that the data is
 * as long as the header says. A bad file is an error naming the object;
 * a good or absent one passes the read on to libgit2. Packed objects cost
 * one failed stat (open) each, the work is bounded by the header's size.
 *
 * NEEDSWORK: libgit2's own fix (PR #7346, merged 2026-08-15 for issue
 * #7342) is in no release up to v1.9.7 / v1.8.7 (2026-08-13); drop this
 * backend when the oldest libgit2 we build against has it.
 */
#include "compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <git2/sys/odb_backend.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define LOOSE_CHUNK 16384
#define LOOSE_HEADER_MAX 64 /* libgit2's MAX_HEADER_LEN */

static int bad(char *reason, size_t n, const char *what)
{
	snprintf(reason, n, "%s", what);
	return -1;
}

static int type_ok(const char *name, size_t len)
{
	static const char *const names[] = { "blob", "tree", "commit", "tag" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return 1;
	return 0;
}

/* "type size\0" in hdr[0..len) with the NUL at hdr[len]. */
static int parse_header(unsigned long long *size, const char *hdr, size_t len)
{
	const char *sp = memchr(hdr, ' ', len);
	unsigned long long v = 0;

	if (!sp || !type_ok(hdr, (size_t)(sp - hdr)) || sp + 1 == hdr + len)
		return -1;
	for (const char *p = sp + 1; p < hdr + len; p++) {
		if (*p < '0' || *p > '9' || v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	*size = v;
	return 0;
}

static int is_zlib(const unsigned char *d, size_t n)
{
	return n >= 2 && (d[0] & 0x8F) == 0x08 && ((d[0] << 8) + d[1]) % 31 == 0;
}

/* The pre-2006 "pack-like" loose format libgit2 still reads: a binary
 * type/size header, then the zlib stream of the data alone. */
static int parse_packlike(unsigned long long *size, size_t *used,
                          const unsigned char *d, size_t n)
{
	size_t i = 0, shift = 4;
	unsigned long long v;
	unsigned c, type;

	if (n == 0)
		return -1;
	c = d[i++];
	type = (c >> 4) & 7;
	if (type < 1 || type > 4) /* commit, tree, blob, tag */
		return -1;
	v = c & 15;
	while (c & 0x80) {
		if (i >= n || shift > 57)
			return -1;
		c = d[i++];
		v += (unsigned long long)(c & 0x7f) << shift;
		shift += 7;
	}
	*size = v;
	*used = i;
	return 0;
}

int mc_git__loose_verify(const char *path, char *reason, size_t reason_size)
{
	unsigned char in[LOOSE_CHUNK], out[LOOSE_CHUNK];
	char hdr[LOOSE_HEADER_MAX];
	size_t hdr_len = 0, start = 0;
	unsigned long long want = 0, got = 0;
	int have_header = 0, zret = Z_OK, result = 0, fd;
	ssize_t n;
	z_stream z;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		snprintf(reason, reason_size, "cannot open it: %s", strerror(errno));
		return -1;
	}
	do
		n = read(fd, in, sizeof(in));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(reason, reason_size, "cannot read it: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!is_zlib(in, (size_t)n)) {
		if (parse_packlike(&want, &start, in, (size_t)n) < 0) {
			close(fd);
			return bad(reason, reason_size, "invalid object header");
		}
		have_header = 1;
	}

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		close(fd);
		return bad(reason, reason_size, "out of memory");
	}
	z.next_in = in + start;
	z.avail_in = (uInt)((size_t)n - start);
	for (;;) {
		if (z.avail_in == 0 && zret != Z_STREAM_END) {
			do
				n = read(fd, in, sizeof(in));
			while (n < 0 && errno == EINTR);
			if (n < 0) {
				snprintf(reason, reason_size, "cannot read it: %s", strerror(errno));
				result = -1;
				break;
			}
			if (n == 0) {
				result = bad(reason, reason_size, "truncated (its zlib stream ends early)");
				break;
			}
			z.next_in = in;
			z.avail_in = (uInt)n;
		}
		z.next_out = out;
		z.avail_out = sizeof(out);
		zret = inflate(&z, Z_NO_FLUSH);
		if (zret != Z_OK && zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
			snprintf(reason, reason_size, "zlib: %s", z.msg ? z.msg : "cannot inflate");
			result = -1;
			break;
		}
		size_t produced = sizeof(out) - z.avail_out, off = 0;
		if (!have_header) {
			while (off < produced && out[off] != '\0' && hdr_len < sizeof(hdr))
				hdr[hdr_len++] = (char)out[off++];
			if (off < produced && out[off] == '\0') {
				off++;
				if (parse_header(&want, hdr, hdr_len) < 0) {
					result = bad(reason, reason_size, "invalid object header");
					break;
				}
				have_header = 1;
			} else if (hdr_len == sizeof(hdr)) {
				result = bad(reason, reason_size, "invalid object header");
				break;
			}
		}
		got += produced - off;
		if (have_header && got > want) {
			result = bad(reason, reason_size, "longer than its header says");
			break;
		}
		if (zret == Z_STREAM_END) {
			if (!have_header)
				result = bad(reason, reason_size, "invalid object header");
			else if (got != want)
				result = bad(reason, reason_size, "shorter than its header says");
			else if (z.avail_in > 0 || read(fd, in, 1) > 0)
				result = bad(reason, reason_size, "trailing data after its zlib stream");
			break;
		}
	}
	inflateEnd(&z);
	close(fd);
	return result;
}

/* --- the odb backend ------------------------------------------------------ */

typedef struct {
	git_odb_backend parent;
	char *dir; /* an objects folder */
} guard;

/* 0 good or absent, else a git error naming the object. */
static int check_file(guard *g, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], reason[128];
	mc_buf path = MC_BUF_INIT;
	int v;

	git_oid_tostr(hex, sizeof(hex), id);
	if (mc_buf_printf(&path, "%s/%.2s/%s", g->dir, hex, hex + 2) < 0) {
		git_error_set_oom();
		return -1;
	}
	v = mc_git__loose_verify(path.ptr, reason, sizeof(reason));
	mc_buf_dispose(&path);
	if (v >= 0)
		return 0;
	git_error_set(GIT_ERROR_ODB, "loose object %s is corrupt: %s", hex, reason);
	return -1;
}

static int guard_read(void **data, size_t *len, git_object_t *type,
                      git_odb_backend *b, const git_oid *id)
{
	(void)data, (void)len, (void)type;
	return check_file((guard *)b, id) < 0 ? GIT_ERROR : GIT_PASSTHROUGH;
}

/* An abbreviated id (e.g. "check --commit 1a2b3c4"): the one loose file
 * that matches it, if any. The odb's lock is held: no odb calls here. */
static int guard_read_prefix(git_oid *out_id, void **data, size_t *len,
                             git_object_t *type, git_odb_backend *b,
                             const git_oid *short_id, size_t n)
{
	guard *g = (guard *)b;
	char hex[GIT_OID_HEXSZ + 1], match[GIT_OID_HEXSZ + 1];
	mc_buf dir = MC_BUF_INIT;
	struct dirent *e;
	git_oid id;
	int found = 0, error = GIT_PASSTHROUGH;
	DIR *d;

	(void)out_id, (void)data, (void)len, (void)type;
	if (n >= GIT_OID_HEXSZ)
		return guard_read(data, len, type, b, short_id);
	if (n < 2)
		return GIT_PASSTHROUGH;
	git_oid_tostr(hex, sizeof(hex), short_id);
	if (mc_buf_printf(&dir, "%s/%.2s", g->dir, hex) < 0) {
		git_error_set_oom();
		return GIT_ERROR;
	}
	if ((d = opendir(dir.ptr)) != NULL) {
		while ((e = readdir(d)) != NULL && found < 2) {
			if (strlen(e->d_name) != GIT_OID_HEXSZ - 2 ||
			    strncmp(e->d_name, hex + 2, n - 2) != 0)
				continue;
			memcpy(match, hex, 2);
			memcpy(match + 2, e->d_name, GIT_OID_HEXSZ - 2);
			match[GIT_OID_HEXSZ] = '\0';
			found++;
		}
		closedir(d);
	}
	mc_buf_dispose(&dir);
	/* several matches: libgit2 reports the ambiguity itself */
	if (found == 1 && git_oid_fromstr(&id, match) == 0 && check_file(g, &id) < 0)
		error = GIT_ERROR;
	return error;
}

static int guard_read_header(size_t *len, git_object_t *type,
                             git_odb_backend *b, const git_oid *id)
{
	/* libgit2 inflates one chunk for a header: no loop, nothing to guard */
	(void)len, (void)type, (void)b, (void)id;
	return GIT_ENOTFOUND;
}

static void guard_free(git_odb_backend *b)
{
	guard *g = (guard *)b;
	mc_free(g->dir);
	mc_free(g);
}

static int add_guard(git_odb *odb, const char *dir, int alternate)
{
	guard *g;
	int error;

	if ((g = mc_calloc(1, sizeof(*g))) == NULL || (g->dir = mc_strdup(dir)) == NULL) {
		mc_free(g);
		return mc_error_set_oom();
	}
	git_odb_init_backend(&g->parent, GIT_ODB_BACKEND_VERSION);
	g->parent.read = guard_read;
	g->parent.read_prefix = guard_read_prefix;
	g->parent.read_header = guard_read_header;
	g->parent.free = guard_free;
	/* priority 2, added after libgit2's packs (2) and before its loose
	 * backend (1): the vector sort is stable, so packs are asked first */
	error = alternate ? git_odb_add_alternate(odb, &g->parent, 2)
	                  : git_odb_add_backend(odb, &g->parent, 2);
	if (error < 0) {
		guard_free(&g->parent);
		return mc_git__error("cannot set up the object database");
	}
	return 0;
}

/* objects/info/alternates of dir, as libgit2 reads it (relative paths
 * from the first level only, at most 5 levels deep). */
static int add_alternates(git_odb *odb, const char *dir, int depth)
{
	mc_buf file = MC_BUF_INIT, data = MC_BUF_INIT, alt = MC_BUF_INIT;
	int error = 0;

	if (depth > 5)
		return 0;
	if ((error = mc_buf_joinpath(&file, dir, "info/alternates")) < 0)
		goto done;
	if (mc_buf_read_file(&data, file.ptr, 1024 * 1024) < 0) {
		mc_error_clear();
		goto done;
	}
	for (char *line = data.ptr, *next; line && *line && !error; line = next) {
		size_t len;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		mc_buf_clear(&alt);
		if (line[0] == '.') {
			if (depth > 0)
				continue;
			error = mc_buf_joinpath(&alt, dir, line);
		} else {
			error = mc_buf_puts(&alt, line);
		}
		if (!error && !(error = add_guard(odb, alt.ptr, 1)))
			error = add_alternates(odb, alt.ptr, depth + 1);
	}
done:
	mc_buf_dispose(&file);
	mc_buf_dispose(&data);
	mc_buf_dispose(&alt);
	return error;
}

int mc_git__loose_guard(git_repository *repo)
{
	git_buf objects = GIT_BUF_INIT;
	git_odb *odb = NULL;
	const char *env_dir = getenv("GIT_OBJECT_DIRECTORY");
	const char *env_alt = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	int error;

	if (git_repository_odb(&odb, repo) < 0)
		return mc_git__error("cannot open the object database");
	if (env_dir && *env_dir) {
		error = add_guard(odb, env_dir, 0);
	} else if (git_repository_item_path(&objects, repo, GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
		error = mc_git__error("cannot open the object database");
	} else {
		/* item paths end in '/' */
		if (objects.size > 1 && objects.ptr[objects.size - 1] == '/')
			objects.ptr[--objects.size] = '\0';
		error = add_guard(odb, objects.ptr, 0);
		env_dir = objects.ptr;
	}
	if (!error)
		error = add_alternates(odb, env_dir, 0);
	if (!error && env_alt && *env_alt) {
		mc_buf list = MC_BUF_INIT;
		if ((error = mc_buf_puts(&list, env_alt)) == 0)
			for (char *p = list.ptr, *next; p && !error; p = next) {
				if ((next = strchr(p, ':')) != NULL)
					*next++ = '\0';
				if (*p)
					error = add_guard(odb, p, 1);
			}
		mc_buf_dispose(&list);
	}
	git_buf_dispose(&objects);
	git_odb_free(odb);
	return error;
}
