/*
 * test_check_group.c: grouping many findings of one class from one change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "migcheck/check.h"
#include "migcheck/report.h"
#include "util/banned.h"

static void add_n(mc_check_group *g, const char *code, int n)
{
	char file[64], msg[96];
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "db/m/%03d_x.sql", i);
		snprintf(msg, sizeof(msg), "file %d changed", i);
		assert_int_equal(mc_check_group_add(g, code, file, (unsigned)i + 1, "v", msg), 0);
	}
}

static void check_group__at_threshold_stays_separate(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	add_n(&g, "comment-only-change", 5);
	assert_int_equal(mc_check_group_flush(&g, r, 5, "commit abc"), 0);
	assert_int_equal(mc_report_count(r), 5);
	assert_string_equal(mc_report_get(r, 0)->file, "db/m/000_x.sql");
	assert_int_equal(mc_report_get(r, 0)->line, 1);
	assert_int_equal(mc_report_get(r, 0)->nitems, 0);
	mc_report_free(r);
}

static void check_group__above_threshold_is_one_finding(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	const mc_finding *f;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	add_n(&g, "comment-only-change", 300);
	assert_int_equal(mc_check_group_flush(&g, r, 5, "commit abc"), 0);
	assert_int_equal(mc_report_count(r), 1);
	f = mc_report_get(r, 0);
	assert_null(f->file);
	assert_int_equal(f->nitems, 300);
	assert_string_equal(f->items[299].file, "db/m/299_x.sql");
	assert_int_equal(f->items[299].line, 300);
	assert_string_equal(f->items[299].detail, "file 299 changed");
	assert_non_null(strstr(f->message, "300 files: "));
	assert_non_null(strstr(f->message, "(commit abc)"));
	mc_report_free(r);
}

static void check_group__classes_grouped_independently(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	add_n(&g, "modified-deployed", 2);
	add_n(&g, "whitespace-only-change", 9);
	add_n(&g, "modified-deployed", 1);
	assert_int_equal(mc_check_group_flush(&g, r, 5, NULL), 0);
	/* 3 separate modified-deployed + 1 group */
	assert_int_equal(mc_report_count(r), 4);
	assert_int_equal(mc_report_errors(r), 3);
	assert_int_equal(mc_report_warnings(r), 1);
	assert_int_equal(g.pending.len, 0);
	mc_report_free(r);
}

static void check_group__off_severity_drops_group(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	assert_int_equal(mc_report_set_severity(r, "comment-only-change", MC_SEV_OFF), 0);
	add_n(&g, "comment-only-change", 10);
	add_n(&g, "deleted-deployed", 1);
	assert_int_equal(mc_check_group_flush(&g, r, 5, NULL), 0);
	assert_int_equal(mc_report_count(r), 1);
	assert_string_equal(mc_report_get(r, 0)->code, "deleted-deployed");
	mc_report_free(r);
}

static void check_group__dispose_without_flush(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	add_n(&g, "modified-deployed", 3);
	mc_check_group_dispose(&g);
	assert_int_equal(g.pending.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_group__at_threshold_stays_separate),
		cmocka_unit_test(check_group__above_threshold_is_one_finding),
		cmocka_unit_test(check_group__classes_grouped_independently),
		cmocka_unit_test(check_group__off_severity_drops_group),
		cmocka_unit_test(check_group__dispose_without_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
