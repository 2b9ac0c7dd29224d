/*
 * fmt_dbmate.c: dbmate, {version}_{name}.sql with "-- migrate:up" and
 * "-- migrate:down" sections (a file may hold several pairs; each
 * direction's sections run in file order) and the option
 * "transaction:false" after a marker.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

const struct mc_sections_syntax mc_fmt_dbmate__syntax = {
	"migrate:",          "-- migrate:",     0, 0, 0, 0,
	"transaction:false", "transaction:true"
};

int mc_fmt_dbmate__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base);

	if (!d || !mc_name__ends_with(base, ".sql") || len < d + 4)
		return 0;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_DBMATE;
	out->part = MC_PART_BOTH;
	/* dbmate takes the leading digits as the version; the rest after '_' is
	 * the name */
	if (base[d] == '_')
		return mc_name_info__set(out, base, d, base + d + 1,
		                         len - d - 5) < 0
		               ? -1
		               : 1;
	return mc_name_info__set(out, base, d, base + d, len - d - 4) < 0 ? -1
	                                                                  : 1;
}
