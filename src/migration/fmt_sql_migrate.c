/*
 * fmt_sql_migrate.c: rubenv/sql-migrate, any {name}.sql with
 * "-- +migrate Up" and "-- +migrate Down" sections, the option
 * "notransaction" after a marker, and "StatementBegin"/"StatementEnd".
 * sql-migrate orders files by their leading number when they have one,
 * else by name; the version is that number, or the whole name.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

const struct mc_sections_syntax mc_fmt_sql_migrate__syntax = {
	"+migrate", "-- +migrate", 1, 1, 0, 0, "notransaction", NULL
};

int mc_fmt_sql_migrate__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base);

	if (!mc_name__ends_with(base, ".sql") || len <= 4)
		return 0;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_SQL_MIGRATE;
	out->part = MC_PART_BOTH;
	if (d && d < len - 4) {
		size_t skip = (base[d] == '_' || base[d] == '-') ? 1 : 0;
		return mc_name_info__set(out, base, d, base + d + skip,
		                         len - 4 - d - skip) < 0
		               ? -1
		               : 1;
	}
	return mc_name_info__set(out, base, len - 4, base, len - 4) < 0 ? -1
	                                                                : 1;
}
