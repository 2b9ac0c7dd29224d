/*
 * fmt_golang_migrate.c: golang-migrate names, {version}_{name}.up.sql and
 * {version}_{name}.down.sql. The name may hold spaces or dots
 * ("1_x..up.sql" has the name "x."), as golang-migrate's greedy pattern
 * reads it.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

int mc_fmt_golang_migrate__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base), nlen;
	int part;

	if (!d || base[d] != '_')
		return 0;
	if (mc_name__ends_with(base, ".up.sql"))
		part = MC_PART_UP, nlen = len - d - 1 - 7;
	else if (mc_name__ends_with(base, ".down.sql"))
		part = MC_PART_DOWN, nlen = len - d - 1 - 9;
	else
		return 0;
	if (len < d + 1 + (part == MC_PART_UP ? 7 : 9))
		return 0;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_GOLANG_MIGRATE;
	out->part = part;
	return mc_name_info__set(out, base, d, base + d + 1, nlen) < 0 ? -1 : 1;
}
