/*
 * fmt_sequelize.c: Sequelize (sequelize-cli, umzug) migrations,
 * {timestamp}-{name}.js (also .cjs, .mjs, .ts). They are code, not SQL:
 * never parsed, listed with language "js" and replayed only through the
 * [runner] commands.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

static const char *const exts[] = { ".js", ".cjs", ".mjs", ".ts" };

int mc_fmt_sequelize__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base);

	if (!d || base[d] != '-' || mc_name__ends_with(base, ".d.ts"))
		return 0;
	for (size_t i = 0; i < MC_ARRAY_SIZE(exts); i++) {
		size_t el = strlen(exts[i]);
		if (!mc_name__ends_with(base, exts[i]) || len < d + 1 + el)
			continue;
		memset(out, 0, sizeof(*out));
		out->format = MC_FORMAT_SEQUELIZE;
		out->part = MC_PART_BOTH;
		out->language = i == 3 ? "ts" : "js";
		return mc_name_info__set(out, base, d, base + d + 1,
		                         len - d - 1 - el) < 0
		               ? -1
		               : 1;
	}
	return 0;
}
