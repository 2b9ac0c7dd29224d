/*
 * fmt_goose.c: goose, {version}_{name}.sql with "-- +goose Up" and
 * "-- +goose Down" sections, "StatementBegin"/"StatementEnd" around
 * statements with semicolons inside, "NO TRANSACTION" for the whole file
 * and "ENVSUB ON|OFF". goose reads annotations in any case ("UP",
 * "statementBegin"), so do we. {version}_{name}.go files are Go
 * migrations: listed, not replayable.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

const struct mc_sections_syntax mc_fmt_goose__syntax = {
	"+goose", "-- +goose", 1, 1, 1, 1, NULL, NULL
};

int mc_fmt_goose__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base), el;
	const char *language = NULL;

	if (!d || base[d] != '_')
		return 0;
	if (mc_name__ends_with(base, ".sql") &&
	    !mc_name__ends_with(base, ".up.sql") &&
	    !mc_name__ends_with(base, ".down.sql"))
		el = 4;
	else if (mc_name__ends_with(base, ".go") &&
	         !mc_name__ends_with(base, "_test.go"))
		el = 3, language = "go";
	else
		return 0;
	if (len < d + 1 + el)
		return 0;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_GOOSE;
	out->part = MC_PART_BOTH;
	out->language = language;
	return mc_name_info__set(out, base, d, base + d + 1, len - d - 1 - el) <
	                       0
	               ? -1
	               : 1;
}
