/*
 * alloc.c: every allocation of ours goes through here, so tests can fail
 * the Nth one and check that each error path frees what it took.
 */
#include "migcheck/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static unsigned long fail_countdown;

void mc_alloc_fail_at(unsigned long nth)
{
	fail_countdown = nth;
}

static int should_fail(void)
{
	if (fail_countdown == 0)
		return 0;
	return --fail_countdown == 0;
}

void *mc_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *mc_calloc(size_t nmemb, size_t n)
{
	if (should_fail())
		return NULL;
	return calloc(nmemb ? nmemb : 1, n ? n : 1);
}

void *mc_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

char *mc_strndup(const char *s, size_t n)
{
	char *d;
	if (!s)
		return NULL;
	if ((d = mc_malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *mc_strdup(const char *s)
{
	return s ? mc_strndup(s, strlen(s)) : NULL;
}

char *mc_asprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = mc_malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void mc_free(void *p)
{
	free(p);
}
