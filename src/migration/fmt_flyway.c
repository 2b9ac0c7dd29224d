/*
 * fmt_flyway.c: Flyway names. V{version}__{desc}.sql versioned,
 * U{version}__{desc}.sql its undo (the down), B{version}__{desc}.sql a
 * baseline, R__{desc}.sql repeatable (re-run when it changes, no
 * version). Versions use '.' or a single '_' between parts (V2_1 is 2.1);
 * the separator before the description is a double underscore. Java and
 * Kotlin classes with the same names are listed but cannot be replayed.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

static const struct {
	const char *ext;
	const char *language;
} exts[] = { { ".sql", NULL }, { ".java", "java" }, { ".kt", "kotlin" } };

int mc_fmt_flyway__match(struct mc_name_info *out, const char *base)
{
	size_t len = strlen(base), el = 0, stem, v;
	const char *language = NULL, *sep;
	size_t i;

	for (i = 0; i < MC_ARRAY_SIZE(exts); i++)
		if (mc_name__ends_with(base, exts[i].ext)) {
			el = strlen(exts[i].ext);
			language = exts[i].language;
			break;
		}
	if (i == MC_ARRAY_SIZE(exts))
		return 0;
	stem = len - el;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_FLYWAY;
	out->language = language;
	if (base[0] == 'R' && base[1] == '_' && base[2] == '_') {
		if (stem <= 3)
			return 0;
		out->kind = MC_MIGRATION_REPEATABLE;
		out->part = MC_PART_UP;
		return mc_name_info__set(out, "", 0, base + 3, stem - 3) < 0
		               ? -1
		               : 1;
	}
	if (base[0] != 'V' && base[0] != 'U' && base[0] != 'B')
		return 0;
	if ((sep = strstr(base + 1, "__")) == NULL ||
	    (size_t)(sep - base) >= stem)
		return 0;
	v = (size_t)(sep - base) - 1;
	if (!v || base[1] < '0' || base[1] > '9' || sep + 2 >= base + stem)
		return 0;
	for (size_t k = 1; k <= v; k++)
		if (!strchr("0123456789._", base[k]))
			return 0;
	out->kind =
	        base[0] == 'B' ? MC_MIGRATION_BASELINE : MC_MIGRATION_VERSIONED;
	out->part = base[0] == 'U' ? MC_PART_DOWN : MC_PART_UP;
	if (mc_name_info__set(out, base + 1, v, sep + 2,
	                      stem - (size_t)(sep + 2 - base)) < 0)
		return -1;
	for (char *p = out->version; *p; p++)
		if (*p == '_')
			*p = '.';
	return 1;
}
