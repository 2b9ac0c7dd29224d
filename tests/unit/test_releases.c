/*
 * test_releases.c: which tag names are releases (src/git/releases.c):
 * the version, what precedes it (the family), pre-release suffixes, and
 * the names that are not releases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "git/git_internal.h"
#include "migcheck/repo.h"
#include "util/banned.h"

/* prefix of name when a release, else NULL (a static buffer) */
static const char *family(const char *name, size_t *nparts, int *pre)
{
	static char buf[256];
	unsigned parts[4];
	size_t plen = 99, n = 0;
	int p = -1;

	if (!mc_git__release_tag_parse(&plen, parts, &n, &p, name))
		return NULL;
	assert_true(plen < sizeof(buf));
	memcpy(buf, name, plen);
	buf[plen] = '\0';
	if (nparts)
		*nparts = n;
	if (pre)
		*pre = p;
	return buf;
}

static void releases__shapes(void **state MC_UNUSED)
{
	size_t n;
	int pre;

	assert_string_equal(family("v1.2.3", &n, &pre), "v");
	assert_int_equal(n, 3);
	assert_int_equal(pre, 0);
	assert_string_equal(family("1.2.3", NULL, NULL), "");
	assert_string_equal(family("V2.0", &n, NULL), "V");
	assert_int_equal(n, 2);
	assert_string_equal(family("backend/v1.2.3", NULL, NULL), "backend/v");
	assert_string_equal(family("cli/0.3.0", NULL, NULL), "cli/");
	assert_string_equal(family("release-1.2", NULL, NULL), "release-");
	assert_string_equal(family("pkg@1.4.0", NULL, NULL), "pkg@");
	assert_string_equal(family("app-v10.20.30.40", &n, NULL), "app-v");
	assert_int_equal(n, 4);
	assert_string_equal(family("v2.0.0-rc.1", NULL, &pre), "v");
	assert_int_equal(pre, 1);
	assert_string_equal(family("v1.2.3+build.5", NULL, &pre), "v");
	assert_int_equal(pre, 0);
}

static void releases__not_releases(void **state MC_UNUSED)
{
	static const char *const names[] = {
		"nightly",         "latest",   "v1",
		"20240101",        "docs-1.2", "docs/v1.2.3",
		"nightly-2024.01", "test-1.0", "vendor-drop",
		"release-notes",   "abc1.2",   "v1.2.3/extra",
		"1.2.3:x",         "stable",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (family(names[i], NULL, NULL) != NULL)
			fail_msg("'%s' taken for a release", names[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(releases__shapes),
		cmocka_unit_test(releases__not_releases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
