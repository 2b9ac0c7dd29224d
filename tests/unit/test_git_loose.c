/*
 * test_git_loose.c: the loose object check (src/git/compat/loose.c) on
 * files written here with zlib: good, truncated, wrong lengths, bad
 * headers, trailing data, the old pack-like format and a missing file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "git/compat/compat.h"
#include "util/banned.h"

static char dir[] = "/tmp/migcheck-loose.XXXXXX";
static char path[sizeof(dir) + 8];
static char reason[128];

static int setup(void **state MC_UNUSED)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/obj", dir);
	return 0;
}

static int teardown(void **state MC_UNUSED)
{
	unlink(path);
	return rmdir(dir);
}

/* Write raw (len bytes, nothing when len is 0 and raw NULL) to path. */
static void write_raw(const unsigned char *raw, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(raw, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Compress data (with its header) into path, keeping the first keep bytes
 * of the compressed form (0: all), then adding extra trailing bytes. */
static void write_z(const void *data, size_t len, size_t keep, const char *extra)
{
	uLongf zlen = compressBound((uLong)len);
	unsigned char *z = malloc(zlen + 16);
	assert_non_null(z);
	assert_int_equal(compress(z, &zlen, data, (uLong)len), Z_OK);
	if (keep)
		zlen = keep;
	if (extra) {
		memcpy(z + zlen, extra, strlen(extra));
		zlen += strlen(extra);
	}
	write_raw(z, zlen);
	free(z);
}

static int verify(void)
{
	reason[0] = '\0';
	return mc_git__loose_verify(path, reason, sizeof(reason));
}

static void loose__good_blob(void **state MC_UNUSED)
{
	write_z("blob 4\0abc\n", 11, 0, NULL);
	assert_int_equal(verify(), 0);
}

static void loose__good_empty_blob(void **state MC_UNUSED)
{
	write_z("blob 0\0", 7, 0, NULL);
	assert_int_equal(verify(), 0);
}

/* Bigger than one read/inflate chunk (16 KB), compressible and not. */
static void loose__good_large(void **state MC_UNUSED)
{
	size_t n = 200000;
	char *buf = malloc(n + 32);
	int hl = snprintf(buf, 32, "blob %zu", n);
	buf[hl] = '\0';
	srand(7);
	for (size_t i = 0; i < n; i++)
		buf[hl + 1 + i] = (char)(rand() & 0xff);
	write_z(buf, (size_t)hl + 1 + n, 0, NULL);
	assert_int_equal(verify(), 0);
	/* cut inside the stream, past the first chunk */
	write_z(buf, (size_t)hl + 1 + n, 100000, NULL);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "truncated (its zlib stream ends early)");
	free(buf);
}

static void loose__truncated(void **state MC_UNUSED)
{
	const char obj[] = "blob 26\0CREATE TABLE t (id int);\n";
	for (size_t keep = 1; keep < 12; keep++) {
		write_z(obj, sizeof(obj) - 1, keep, NULL);
		assert_int_equal(verify(), -1);
		/* one or two bytes are not yet a zlib header: the pack-like
		 * reading of them fails on the header instead */
		if (keep >= 2)
			assert_string_equal(reason, "truncated (its zlib stream ends early)");
	}
}

static void loose__header_longer(void **state MC_UNUSED)
{
	write_z("blob 99\0abc\n", 12, 0, NULL);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "shorter than its header says");
}

static void loose__header_shorter(void **state MC_UNUSED)
{
	write_z("blob 2\0abc\n", 11, 0, NULL);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "longer than its header says");
}

static void loose__garbage_header(void **state MC_UNUSED)
{
	static const char *const bad[] = {
		"blub 4\0abc\n", "blob\0abc\n", "blob \0abc\n", "blob 4x\0abc\n",
		"blob -4\0abc\n", "blob 99999999999999999999999\0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_z(bad[i], strlen(bad[i]) + 1 + strlen(bad[i] + strlen(bad[i]) + 1), 0, NULL);
		assert_int_equal(verify(), -1);
		assert_string_equal(reason, "invalid object header");
	}
	/* no NUL within 64 bytes */
	char no_nul[100];
	memset(no_nul, 'a', sizeof(no_nul));
	write_z(no_nul, sizeof(no_nul), 0, NULL);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "invalid object header");
	/* not zlib, not a pack-like header either ('g': type 6) */
	write_raw((const unsigned char *)"garbage", 7);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "invalid object header");
	write_raw(NULL, 0);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "invalid object header");
}

static void loose__bad_zlib_data(void **state MC_UNUSED)
{
	/* a valid zlib header (0x78 0x9c) and then nonsense */
	write_raw((const unsigned char *)"\x78\x9c\xff\xff\xff\xff\xff\xff", 8);
	assert_int_equal(verify(), -1);
	assert_int_equal(strncmp(reason, "zlib: ", 6), 0);
}

static void loose__trailing_data(void **state MC_UNUSED)
{
	write_z("blob 4\0abc\n", 11, 0, "xyz");
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "trailing data after its zlib stream");
}

static void loose__packlike(void **state MC_UNUSED)
{
	/* type 3 (blob) size 4: 0x34, then the zlib stream of the data */
	uLongf zlen = 64;
	unsigned char buf[80];
	buf[0] = 0x34;
	assert_int_equal(compress(buf + 1, &zlen, (const Bytef *)"abc\n", 4), Z_OK);
	write_raw(buf, zlen + 1);
	assert_int_equal(verify(), 0);
	write_raw(buf, zlen - 3);
	assert_int_equal(verify(), -1);
	assert_string_equal(reason, "truncated (its zlib stream ends early)");
}

static void loose__missing_is_not_loose(void **state MC_UNUSED)
{
	unlink(path);
	assert_int_equal(verify(), 1);
	char sub[sizeof(path) + 8];
	snprintf(sub, sizeof(sub), "%s/x/y", dir);
	assert_int_equal(mc_git__loose_verify(sub, reason, sizeof(reason)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loose__good_blob),
		cmocka_unit_test(loose__good_empty_blob),
		cmocka_unit_test(loose__good_large),
		cmocka_unit_test(loose__truncated),
		cmocka_unit_test(loose__header_longer),
		cmocka_unit_test(loose__header_shorter),
		cmocka_unit_test(loose__garbage_header),
		cmocka_unit_test(loose__bad_zlib_data),
		cmocka_unit_test(loose__trailing_data),
		cmocka_unit_test(loose__packlike),
		cmocka_unit_test(loose__missing_is_not_loose),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
