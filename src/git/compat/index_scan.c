/*
 * index_scan.c: read the entries of the index file under a few folders
 * without loading the whole index into libgit2. On a 60,000-file index
 * libgit2 builds its maps and checks the file's hash, which costs more than
 * everything else 'check --staged' does; git itself does neither on a read.
 * Formats v2, v3 and v4 are read; a split or sparse index returns
 * MC_ENOTFOUND-free "unsupported" (1) so that the caller uses libgit2.
 *
 * NEEDSWORK: no released libgit2 (up to 1.9.7; its main too) retires
 * this: git_index_read always hashes the whole file and builds its entry
 * map. It would take a read that skips the checksum, as git does, or one
 * that keeps only the entries under a pathspec.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void ientry_free(void *p)
{
	struct mc_git__ientry *e = p;
	if (e)
		mc_free(e->path);
	mc_free(e);
}

void mc_git__ientries_dispose(mc_vec *v)
{
	mc_vec_dispose_deep(v, ientry_free);
}

/* git's varint for v4 path prefixes (varint.c) */
static int varint(uint64_t *out, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	uint64_t val;
	unsigned char c;

	if (p >= end)
		return -1;
	c = *p++;
	val = c & 127;
	while (c & 128) {
		if (p >= end || val > (UINT64_MAX >> 8))
			return -1;
		val += 1;
		c = *p++;
		val = (val << 7) + (c & 127);
	}
	*pp = p;
	*out = val;
	return 0;
}

int mc_git__index_scan(mc_vec *out, const char *path,
                       int (*want)(const char *path, void *payload), void *payload)
{
	mc_buf prev = MC_BUF_INIT;
	const unsigned char *p, *end, *body_end;
	void *map = MAP_FAILED;
	size_t map_size = 0;
	uint32_t version, count;
	struct stat st;
	int fd, error = 0;

	/* mapped, not copied: the index of a big repository is megabytes and
	 * only the entries under the folders are kept */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return MC_ENOTFOUND; /* no index yet: nothing staged */
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return MC_ENOTFOUND; /* as when it cannot be read */
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 12 + 20 ||
	    (uintmax_t)st.st_size > ((uintmax_t)1 << 31)) {
		close(fd);
		return 1; /* let libgit2 read it and report */
	}
	map_size = (size_t)st.st_size;
	map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 1;
	p = (const unsigned char *)map;
	end = p + map_size;
	if (memcmp(p, "DIRC", 4)) {
		error = 1;
		goto done;
	}
	version = be32(p + 4);
	count = be32(p + 8);
	if (version < 2 || version > 4) {
		error = 1;
		goto done;
	}
	body_end = end - 20; /* trailing hash */
	p += 12;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *start = p;
		unsigned mode, flags, stage;
		size_t namelen, fixed = 62;
		const char *name;
		struct mc_git__ientry *e;

		if (p + 62 > body_end) {
			error = 1;
			goto done;
		}
		mode = be32(p + 24);
		flags = (unsigned)p[60] << 8 | p[61];
		if ((flags & 0x4000) && version >= 3)
			fixed += 2;
		stage = (flags >> 12) & 3;
		if ((mode & 0170000) == 0040000) {
			error = 1; /* sparse directory entry */
			goto done;
		}
		p = start + fixed;
		if (version == 4) {
			uint64_t strip;
			const unsigned char *nul;
			if (varint(&strip, &p, body_end) < 0 || strip > prev.size ||
			    (nul = memchr(p, '\0', (size_t)(body_end - p))) == NULL) {
				error = 1;
				goto done;
			}
			mc_buf_truncate(&prev, prev.size - (size_t)strip);
			if ((error = mc_buf_put(&prev, (const char *)p, (size_t)(nul - p))) < 0)
				goto done;
			name = mc_buf_cstr(&prev);
			p = nul + 1;
		} else {
			const unsigned char *nul = memchr(p, '\0', (size_t)(body_end - p));
			if (!nul) {
				error = 1;
				goto done;
			}
			namelen = (size_t)(nul - p);
			name = (const char *)p; /* NUL-terminated in the map */
			/* entries are padded with 1-8 NULs to a multiple of 8 */
			p = start + ((fixed + namelen + 8) & ~(size_t)7);
			if (p > body_end) {
				error = 1;
				goto done;
			}
		}
		if (stage != 0 || !want(name, payload))
			continue;
		if ((e = mc_calloc(1, sizeof(*e))) == NULL || (e->path = mc_strdup(name)) == NULL) {
			mc_free(e);
			error = mc_error_set_oom();
			goto done;
		}
		e->mode = mode;
		git_oid_fromraw(&e->id, start + 40);
		if ((error = mc_vec_push(out, e)) < 0) {
			ientry_free(e);
			goto done;
		}
	}
	/* extensions: a split index keeps most entries elsewhere */
	while (p + 8 <= body_end) {
		uint32_t size = be32(p + 4);
		if (!memcmp(p, "link", 4) || !memcmp(p, "sdir", 4)) {
			error = 1;
			goto done;
		}
		if ((size_t)(body_end - p) < 8 + (size_t)size)
			break;
		p += 8 + size;
	}
done:
	if (error != 0)
		mc_git__ientries_dispose(out);
	munmap(map, map_size);
	mc_buf_dispose(&prev);
	return error;
}
