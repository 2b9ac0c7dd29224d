/*
 * fmt_plain.c: plain SQL files without markers, as many projects keep
 * them: {version}_{name}.sql is the up script, {version}_{name}.down.sql
 * the down script.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

int mc_fmt_plain__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base), nlen;
	int part = MC_PART_UP;

	if (!d || (base[d] != '_' && base[d] != '-') ||
	    !mc_name__ends_with(base, ".sql") ||
	    mc_name__ends_with(base, ".up.sql"))
		return 0;
	if (mc_name__ends_with(base, ".down.sql")) {
		part = MC_PART_DOWN;
		if (len < d + 1 + 9)
			return 0;
		nlen = len - d - 1 - 9;
	} else {
		if (len < d + 1 + 4)
			return 0;
		nlen = len - d - 1 - 4;
	}
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_PLAIN;
	out->part = part;
	return mc_name_info__set(out, base, d, base + d + 1, nlen) < 0 ? -1 : 1;
}
