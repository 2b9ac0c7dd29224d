/*
 * test_vec.c: growable pointer arrays and sorting (mc_sort skips qsort for
 * input already in order, and must sort everything else).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "migcheck/common.h"
#include "migcheck/vec.h"
#include "util/banned.h"

static unsigned ncmp;

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	ncmp++;
	return x < y ? -1 : x > y;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void vec__sort_sorted_input(void **state MC_UNUSED)
{
	int v[100];
	for (int i = 0; i < 100; i++)
		v[i] = i / 2; /* equal neighbours are in order too */
	ncmp = 0;
	mc_sort(v, 100, sizeof(*v), int_cmp);
	assert_int_equal(ncmp, 99); /* one pass, no qsort */
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i / 2);
}

static void vec__sort_unsorted_input(void **state MC_UNUSED)
{
	int v[] = { 1, 2, 3, 5, 4, 6, 0 };
	mc_sort(v, 7, sizeof(*v), int_cmp);
	for (int i = 0; i < 7; i++)
		assert_int_equal(v[i], i);
	/* out of order only at the very end */
	{
		int w[] = { 0, 1, 2, 3, -1 };
		mc_sort(w, 5, sizeof(*w), int_cmp);
		assert_int_equal(w[0], -1);
		assert_int_equal(w[4], 3);
	}
	/* nothing and one element: nothing to do */
	mc_sort(NULL, 0, sizeof(int), int_cmp);
	{
		int one = 7;
		mc_sort(&one, 1, sizeof(one), int_cmp);
		assert_int_equal(one, 7);
	}
}

static void vec__vec_sort(void **state MC_UNUSED)
{
	mc_vec v = MC_VEC_INIT;
	const char *in[] = { "b", "a", "c", "a" };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(mc_vec_push(&v, (void *)in[i]), 0);
	mc_vec_sort(&v, str_cmp);
	assert_string_equal(v.items[0], "a");
	assert_string_equal(v.items[1], "a");
	assert_string_equal(v.items[2], "b");
	assert_string_equal(v.items[3], "c");
	mc_vec_sort(&v, str_cmp); /* sorted already: unchanged */
	assert_string_equal(v.items[3], "c");
	mc_vec_dispose(&v);
	mc_vec_sort(&v, str_cmp); /* empty */
	assert_int_equal(v.len, 0);
}

static void vec__has_str(void **state MC_UNUSED)
{
	mc_vec v = MC_VEC_INIT;
	const char *in[] = { "db/1.sql", "db/2.sql", "db/3.sql" };
	assert_int_equal(mc_vec_has_str(&v, "db/1.sql"), 0); /* empty */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(mc_vec_push(&v, (void *)in[i]), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(mc_vec_has_str(&v, in[i]), 1);
	assert_int_equal(mc_vec_has_str(&v, "db/0.sql"), 0);
	assert_int_equal(mc_vec_has_str(&v, "db/25.sql"), 0);
	assert_int_equal(mc_vec_has_str(&v, "db/4.sql"), 0);
	assert_int_equal(mc_vec_has_str(&v, NULL), 0);
	mc_vec_dispose(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vec__sort_sorted_input),
		cmocka_unit_test(vec__sort_unsorted_input),
		cmocka_unit_test(vec__vec_sort),
		cmocka_unit_test(vec__has_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
