/*
 * vec.h: growable array of pointers. The vector never frees its items.
 */
#ifndef MIGCHECK_VEC_H
#define MIGCHECK_VEC_H

#include <stddef.h>
#include "common.h"

typedef struct {
	void **items;
	size_t len;
	size_t cap;
} mc_vec;

#define MC_VEC_INIT { NULL, 0, 0 }

MC_NODISCARD int mc_vec_push(mc_vec *v, void *item);
void *mc_vec_get(const mc_vec *v, size_t i);
void mc_vec_sort(mc_vec *v, int (*cmp)(const void *a, const void *b));
/** qsort, after one pass that finds base already sorted (lists read from
 * git trees and the index mostly are): n - 1 comparisons then. Equal
 * neighbours keep their order, which qsort does not promise either. */
void mc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *a, const void *b));
/** Whether v, of char* sorted by strcmp, holds s (0 when s is NULL):
 * a binary search. */
int mc_vec_has_str(const mc_vec *v, const char *s);
/** Free the array (not the items). */
void mc_vec_dispose(mc_vec *v);
/** Free each item with free_fn, then the array. */
void mc_vec_dispose_deep(mc_vec *v, void (*free_fn)(void *));

#endif
