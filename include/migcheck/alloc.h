/*
 * alloc.h: our allocator, with a hook that fails the Nth call for tests.
 */
#ifndef MIGCHECK_ALLOC_H
#define MIGCHECK_ALLOC_H

#include <stddef.h>

void *mc_malloc(size_t n);
void *mc_calloc(size_t nmemb, size_t n);
void *mc_realloc(void *p, size_t n);
char *mc_strdup(const char *s);
char *mc_strndup(const char *s, size_t n);
/** printf into a new string; NULL on failure. Caller frees with mc_free. */
char *mc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_free(void *p);

/** Tests: make the nth allocation from now fail (1 = next); 0 disables. */
void mc_alloc_fail_at(unsigned long nth);

#endif
