/*
 * test_roundtrip_url.c: the scratch database URL handed to [runner].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "roundtrip/roundtrip_internal.h"
#include "util/banned.h"

static void expect_url(const char *in, const char *want)
{
	char *out = NULL;
	assert_int_equal(mc_roundtrip__runner_url(&out, in), 0);
	assert_string_equal(out, want);
	mc_free(out);
}

static void roundtrip_url__uris_pass_unchanged(void **state MC_UNUSED)
{
	expect_url("postgresql://u:p@h:5433/db?sslmode=disable",
	           "postgresql://u:p@h:5433/db?sslmode=disable");
	expect_url("sqlite:///tmp/x/scratch.db", "sqlite:///tmp/x/scratch.db");
	expect_url("/tmp/plain.db", "/tmp/plain.db");
}

static void roundtrip_url__conninfo_with_socket(void **state MC_UNUSED)
{
	expect_url("host='/tmp/pg dir' port=5432 user=postgres dbname=postgres dbname=migcheck_scratch_1",
	           "postgresql://postgres@/migcheck_scratch_1?host=/tmp/pg%20dir&port=5432");
}

static void roundtrip_url__conninfo_with_tcp_and_quotes(void **state MC_UNUSED)
{
	expect_url("host=db.example port=6543 user='a b' password='p@ss\\'w' dbname=x sslmode=require",
	           "postgresql://a%20b:p%40ss%27w@db.example:6543/x?sslmode=require");
}

static void roundtrip_url__bad_conninfo_passes_unchanged(void **state MC_UNUSED)
{
	expect_url("host='unterminated dbname=x", "host='unterminated dbname=x");
}

static void roundtrip_url__null(void **state MC_UNUSED)
{
	char *out = (char *)"x";
	assert_int_equal(mc_roundtrip__runner_url(&out, NULL), 0);
	assert_null(out);
}

static void roundtrip_url__out_of_memory(void **state MC_UNUSED)
{
	for (unsigned long n = 1;; n++) {
		char *out = NULL;
		int rc;
		mc_alloc_fail_at(n);
		rc = mc_roundtrip__runner_url(&out, "host=/s user=u dbname=d a=b");
		mc_alloc_fail_at(0);
		if (rc == 0) {
			assert_string_equal(out, "postgresql://u@/d?host=/s&a=b");
			mc_free(out);
			break;
		}
		assert_int_equal(rc, MC_ENOMEM);
		assert_null(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_url__uris_pass_unchanged),
		cmocka_unit_test(roundtrip_url__conninfo_with_socket),
		cmocka_unit_test(roundtrip_url__conninfo_with_tcp_and_quotes),
		cmocka_unit_test(roundtrip_url__bad_conninfo_passes_unchanged),
		cmocka_unit_test(roundtrip_url__null),
		cmocka_unit_test(roundtrip_url__out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
