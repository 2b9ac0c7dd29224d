/*
 * test_trailers.c: the 'Migcheck-Skip: <code> <reason>' trailer, read with
 * git's trailer rules (last paragraph only, '#' comments dropped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/changes.h"
#include "migcheck/repo.h"
#include "util/banned.h"

#define CODE "model-without-migration"

static char *reason_of(const char *msg)
{
	char *r = NULL;
	assert_int_equal(mc_message_skip_reason(&r, msg, CODE), 0);
	return r;
}

static void trailers__reason_found(void **state MC_UNUSED)
{
	char *r = reason_of("add email\n\nbody text\n\nMigcheck-Skip: model-without-migration virtual field only\n");
	assert_non_null(r);
	assert_string_equal(r, "virtual field only");
	mc_free(r);
}

static void trailers__key_is_case_insensitive(void **state MC_UNUSED)
{
	char *r = reason_of("x\n\nmigcheck-skip: model-without-migration  spaced out  \nSigned-off-by: A <a@b>\n");
	assert_non_null(r);
	assert_string_equal(r, "spaced out");
	mc_free(r);
}

static void trailers__no_reason_is_empty_string(void **state MC_UNUSED)
{
	char *r = reason_of("x\n\nMigcheck-Skip: model-without-migration\n");
	assert_non_null(r);
	assert_string_equal(r, "");
	mc_free(r);
}

static void trailers__other_code_ignored(void **state MC_UNUSED)
{
	assert_null(reason_of("x\n\nMigcheck-Skip: out-of-order because\n"));
	assert_null(reason_of("x\n\nMigcheck-Skip: model-without-migrationX because\n"));
}

static void trailers__not_in_last_paragraph(void **state MC_UNUSED)
{
	assert_null(reason_of("x\n\nMigcheck-Skip: model-without-migration r\n\nlast paragraph prose\n"));
}

static void trailers__comments_dropped(void **state MC_UNUSED)
{
	char *r = reason_of("x\n\nMigcheck-Skip: model-without-migration kept\n# Please enter the commit message\n#\n");
	assert_non_null(r);
	assert_string_equal(r, "kept");
	mc_free(r);
	assert_null(reason_of("x\n\n# Migcheck-Skip: model-without-migration commented out\n"));
}

static void trailers__first_with_reason_wins(void **state MC_UNUSED)
{
	char *r = reason_of("x\n\nMigcheck-Skip: model-without-migration\nMigcheck-Skip: model-without-migration second\n");
	assert_non_null(r);
	assert_string_equal(r, "second");
	mc_free(r);
}

static void trailers__empty_and_null_messages(void **state MC_UNUSED)
{
	assert_null(reason_of(""));
	assert_null(reason_of(NULL));
	assert_null(reason_of("Migcheck-Skip: model-without-migration subject line only\n"));
}

static int count_cb(char origin, const char *line, size_t len, void *payload)
{
	int *n = payload;
	(void)line;
	assert_true(len > 0);
	n[origin == '+' ? 0 : 1]++;
	return 0;
}

static void difflines__counts(void **state MC_UNUSED)
{
	const char *a = "one\ntwo\nthree\n", *b = "one\n2\nthree\nfour\n";
	int n[2] = { 0, 0 };
	assert_int_equal(mc_diff_lines(a, strlen(a), b, strlen(b), count_cb, n), 0);
	assert_int_equal(n[0], 2);
	assert_int_equal(n[1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trailers__reason_found),
		cmocka_unit_test(trailers__key_is_case_insensitive),
		cmocka_unit_test(trailers__no_reason_is_empty_string),
		cmocka_unit_test(trailers__other_code_ignored),
		cmocka_unit_test(trailers__not_in_last_paragraph),
		cmocka_unit_test(trailers__comments_dropped),
		cmocka_unit_test(trailers__first_with_reason_wins),
		cmocka_unit_test(trailers__empty_and_null_messages),
		cmocka_unit_test(difflines__counts),
	};
	int rc;
	mc_repo_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mc_repo_global_shutdown();
	return rc;
}
