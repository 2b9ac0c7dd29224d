/*
 * ignore.c: drift.ignore globs ("kind:schema.name"), which objects of the
 * live schema drift leaves out. (Connection strings are src/db/url.c's.)
 */
#include "migcheck/drift.h"

#include <fnmatch.h>
#include <string.h>

#include "util/banned.h"

int mc_drift_ignore_match(const char *pattern,
                          const char *kind,
                          const char *name)
{
	const char *colon;

	if (!pattern || !name)
		return 0;
	if ((colon = strchr(pattern, ':')) != NULL) {
		size_t kl = (size_t)(colon - pattern);
		char k[64];
		if (kl >= sizeof(k))
			return 0;
		memcpy(k, pattern, kl);
		k[kl] = '\0';
		if (!kind || fnmatch(k, kind, 0))
			return 0;
		pattern = colon + 1;
	}
	if (!fnmatch(pattern, name, 0))
		return 1;
	/* "users" also matches "public.users" */
	if (!strchr(pattern, '.')) {
		const char *dot = strrchr(name, '.');
		if (dot && !fnmatch(pattern, dot + 1, 0))
			return 1;
	}
	return 0;
}
