/*
 * test_error.c: the thread's last error, and keeping it across cleanup
 * (mc_error_save / mc_error_restore).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migcheck/common.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static void assert_last(int klass, const char *message)
{
	const mc_error *e = mc_error_last();
	assert_non_null(e);
	assert_int_equal(e->klass, klass);
	assert_string_equal(e->message, message);
}

/* a cleanup that fails with its own error, as a dead server's close does */
static void failing_cleanup(void)
{
	(void)mc_error_set(MC_ERROR_DB, "cleanup failed");
}

static void error__set_is_one_line(void **state MC_UNUSED)
{
	assert_int_equal(mc_error_set(MC_ERROR_DB, "a\nb %d\n\n", 1), MC_ERROR);
	assert_last(MC_ERROR_DB, "a b 1");
	mc_error_clear();
	assert_null(mc_error_last());
}

static void error__restore_over_cleanup_error(void **state MC_UNUSED)
{
	mc_error saved = MC_ERROR_INIT;

	(void)mc_error_set(MC_ERROR_RUNNER, "the run failed: %s", "why");
	mc_error_save(&saved);
	assert_null(mc_error_last()); /* moved, not copied */
	assert_int_equal(saved.klass, MC_ERROR_RUNNER);
	failing_cleanup();
	assert_last(MC_ERROR_DB, "cleanup failed");
	mc_error_restore(&saved);
	assert_last(MC_ERROR_RUNNER, "the run failed: why");
	assert_null(saved.message);
	assert_int_equal(saved.klass, MC_ERROR_NONE);
	mc_error_clear();
}

static void error__restore_over_cleared(void **state MC_UNUSED)
{
	mc_error saved = MC_ERROR_INIT;

	(void)mc_error_set(MC_ERROR_CONFIG, "bad key");
	mc_error_save(&saved);
	mc_error_clear();
	mc_error_restore(&saved);
	assert_last(MC_ERROR_CONFIG, "bad key");
	mc_error_clear();
}

static void error__nothing_saved_keeps_cleanup_error(void **state MC_UNUSED)
{
	mc_error saved = MC_ERROR_INIT;

	mc_error_clear();
	mc_error_save(&saved);
	assert_null(saved.message);
	failing_cleanup();
	mc_error_restore(&saved);
	assert_last(MC_ERROR_DB, "cleanup failed");
	mc_error_clear();

	/* nothing saved and nothing set: still no error */
	mc_error_save(&saved);
	mc_error_restore(&saved);
	assert_null(mc_error_last());
}

static void error__nested(void **state MC_UNUSED)
{
	mc_error outer = MC_ERROR_INIT, inner = MC_ERROR_INIT;

	(void)mc_error_set(MC_ERROR_GIT, "outer");
	mc_error_save(&outer);
	/* the cleanup has a cleanup of its own */
	(void)mc_error_set(MC_ERROR_OS, "inner");
	mc_error_save(&inner);
	failing_cleanup();
	mc_error_restore(&inner);
	assert_last(MC_ERROR_OS, "inner");
	mc_error_restore(&outer);
	assert_last(MC_ERROR_GIT, "outer");
	mc_error_clear();
}

static void error__oom_survives(void **state MC_UNUSED)
{
	mc_error saved = MC_ERROR_INIT;

	assert_int_equal(mc_error_set_oom(), MC_ENOMEM);
	mc_error_save(&saved);
	failing_cleanup();
	mc_error_restore(&saved);
	assert_last(MC_ERROR_NOMEMORY, "out of memory");
	mc_error_clear(); /* the static message is not freed */

	(void)mc_error_set_oom();
	mc_error_save(&saved);
	mc_error_dispose(&saved);
	assert_null(mc_error_last());
}

static void error__dispose_drops_saved(void **state MC_UNUSED)
{
	mc_error saved = MC_ERROR_INIT;

	(void)mc_error_set(MC_ERROR_DB, "dropped");
	mc_error_save(&saved);
	mc_error_dispose(&saved);
	assert_null(saved.message);
	mc_error_restore(&saved); /* empty: a no-op */
	assert_null(mc_error_last());
	mc_error_dispose(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error__set_is_one_line),
		cmocka_unit_test(error__restore_over_cleanup_error),
		cmocka_unit_test(error__restore_over_cleared),
		cmocka_unit_test(error__nothing_saved_keeps_cleanup_error),
		cmocka_unit_test(error__nested),
		cmocka_unit_test(error__oom_survives),
		cmocka_unit_test(error__dispose_drops_saved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
