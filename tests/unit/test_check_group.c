/*
 * test_check_group.c: grouping many findings of one class from one change:
 * every file stays a finding of its own, text shows them as one group.
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
	assert_int_equal(mc_report_get(r, 0)->group, 0);
	mc_report_free(r);
}

static void check_group__above_threshold_is_one_group(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	const mc_finding *f;
	const char *headline, *file = "x";
	assert_int_equal(mc_report_new(&r, "check"), 0);
	add_n(&g, "comment-only-change", 300);
	assert_int_equal(mc_check_group_flush(&g, r, 5, "commit abc"), 0);
	/* a finding per file, each with its own location and message */
	assert_int_equal(mc_report_count(r), 300);
	assert_int_equal(mc_report_warnings(r), 300);
	f = mc_report_get(r, 299);
	assert_string_equal(f->file, "db/m/299_x.sql");
	assert_int_equal(f->line, 300);
	assert_string_equal(f->message, "file 299 changed");
	assert_string_equal(f->migration, "v");
	assert_int_not_equal(f->group, 0);
	assert_int_equal(mc_report_get(r, 0)->group, f->group);
	headline = mc_report_group_get(r, f->group, &file);
	assert_string_equal(
	        headline,
	        "300 files: a deployed migration changed only in comments (commit abc)");
	assert_null(file);
	mc_report_free(r);
}

static void check_group__detail_kept(void **state MC_UNUSED)
{
	mc_check_group g = MC_CHECK_GROUP_INIT;
	mc_report *r = NULL;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	for (int i = 0; i < 7; i++)
		assert_int_equal(mc_check_group_add_detail(
		                         &g, "deleted-deployed", "db/a.sql", 0,
		                         NULL, "gone", "put it back"),
		                 0);
	assert_int_equal(mc_check_group_flush(&g, r, 5, NULL), 0);
	assert_int_equal(mc_report_count(r), 7);
	assert_string_equal(mc_report_get(r, 6)->detail, "put it back");
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
	/* 3 modified-deployed outside any group + 9 in one group */
	assert_int_equal(mc_report_count(r), 12);
	assert_int_equal(mc_report_errors(r), 3);
	assert_int_equal(mc_report_warnings(r), 9);
	for (size_t i = 0; i < 12; i++)
		assert_true(
		        !strcmp(mc_report_get(r, i)->code, "modified-deployed")
		                ? mc_report_get(r, i)->group == 0
		                : mc_report_get(r, i)->group != 0);
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
		cmocka_unit_test(check_group__above_threshold_is_one_group),
		cmocka_unit_test(check_group__detail_kept),
		cmocka_unit_test(check_group__classes_grouped_independently),
		cmocka_unit_test(check_group__off_severity_drops_group),
		cmocka_unit_test(check_group__dispose_without_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
