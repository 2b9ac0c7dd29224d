/*
 * vec.c: growable array of pointers.
 */
#include "migcheck/vec.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "banned.h"

int mc_vec_push(mc_vec *v, void *item)
{
	if (v->len == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		void **n = mc_realloc(v->items, ncap * sizeof(*n));
		if (!n)
			return mc_error_set_oom();
		v->items = n;
		v->cap = ncap;
	}
	v->items[v->len++] = item;
	return 0;
}

void *mc_vec_get(const mc_vec *v, size_t i)
{
	return i < v->len ? v->items[i] : NULL;
}

void mc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *a, const void *b))
{
	const char *p = base;
	size_t i = 1;

	while (i < n && cmp(p + (i - 1) * size, p + i * size) <= 0)
		i++;
	if (i < n)
		qsort(base, n, size, cmp);
}

void mc_vec_sort(mc_vec *v, int (*cmp)(const void *a, const void *b))
{
	if (v->len > 1)
		mc_sort(v->items, v->len, sizeof(void *), cmp);
}

void mc_vec_dispose(mc_vec *v)
{
	mc_free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

void mc_vec_dispose_deep(mc_vec *v, void (*free_fn)(void *))
{
	for (size_t i = 0; i < v->len; i++)
		free_fn(v->items[i]);
	mc_vec_dispose(v);
}

int mc_vec_has_str(const mc_vec *v, const char *s)
{
	size_t lo = 0, hi = v->len;

	while (s && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->items[mid], s);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
