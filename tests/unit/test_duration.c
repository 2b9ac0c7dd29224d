/*
 * test_duration.c: time limits as written on the command line
 * (--statement-timeout, --lock-timeout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migcheck/common.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static unsigned parse_ok(const char *s, unsigned flags)
{
	unsigned v = 12345;
	assert_int_equal(mc_duration_parse_ms(&v, s, flags), 0);
	return v;
}

static void parse_bad(const char *s, unsigned flags)
{
	unsigned v = 12345;
	assert_int_equal(mc_duration_parse_ms(&v, s, flags), MC_EPARSE);
	assert_int_equal(v, 12345); /* untouched */
}

static void duration__units(void **state MC_UNUSED)
{
	assert_int_equal(parse_ok("250", 0), 250);
	assert_int_equal(parse_ok("250ms", 0), 250);
	assert_int_equal(parse_ok("30s", 0), 30000);
	assert_int_equal(parse_ok("2min", 0), 120000);
	assert_int_equal(parse_ok("86400000", 0), 86400000);
	assert_int_equal(parse_ok("86400s", 0), 86400000);
	assert_int_equal(parse_ok("1440min", 0), 86400000);
}

static void duration__zero_only_when_allowed(void **state MC_UNUSED)
{
	parse_bad("0", 0);
	parse_bad("0s", 0);
	assert_int_equal(parse_ok("0", MC_DURATION_ZERO_OK), 0);
	assert_int_equal(parse_ok("0ms", MC_DURATION_ZERO_OK), 0);
	assert_int_equal(parse_ok("0min", MC_DURATION_ZERO_OK), 0);
}

static void duration__bad_input(void **state MC_UNUSED)
{
	static const char *const bad[] = {
		"",
		"abc",
		"-5",
		"-0",
		"+5",
		" 5",
		"5 ",
		"5x",
		"5sec",
		"5m",
		"5S",
		"1.5s",
		"0x10",
		"ms",
		"86400001",
		"86401s",
		"1441min",
		"4294967296",
		"18446744073709551616",
		"99999999999999999999999999999999",
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(bad); i++) {
		parse_bad(bad[i], 0);
		parse_bad(bad[i], MC_DURATION_ZERO_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(duration__units),
		cmocka_unit_test(duration__zero_only_when_allowed),
		cmocka_unit_test(duration__bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
