/*
 * identity.c: what each migration tool records of a migration, so that
 * discovery and check judge renames and shared versions as the tool does.
 *
 *   golang-migrate  the version (uint: 001 is 1); an up and a down meet by
 *                   version alone; two ups (or downs) of one version stop it
 *   goose           the version (int64: 001 is 1); a duplicate stops it
 *   dbmate          the version, the leading digits as written ("001" is
 *                   not "1"); a duplicate is skipped or fails its insert
 *   popx            the version string, per dialect; a down meets its up by
 *                   version; a duplicate is skipped once the first ran
 *   Flyway          the version (1 is 1.0) and the description (the name
 *                   with '_' read as ' ') plus the checksum; a rename that
 *                   changes the description fails validate; duplicates stop it
 *   sql-migrate     the whole file name (gorp_migrations.id); two files
 *                   sharing a numeric prefix are two migrations
 *   Sequelize       the whole file name (SequelizeMeta.name)
 *   plain           ours, with no tool behind it: both the version and the
 *                   file name, the stricter of the two readings
 */
#include "migcheck/migration.h"

#include <string.h>

#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

mc_identity mc_format_identity(mc_format f)
{
	switch (f) {
	case MC_FORMAT_GOLANG_MIGRATE:
	case MC_FORMAT_GOOSE:
	case MC_FORMAT_DBMATE:
	case MC_FORMAT_POPX:
		return MC_IDENTITY_VERSION;
	case MC_FORMAT_FLYWAY:
		return MC_IDENTITY_VERSION_DESCRIPTION;
	case MC_FORMAT_SQL_MIGRATE:
	case MC_FORMAT_SEQUELIZE:
		return MC_IDENTITY_FILE_NAME;
	default:
		return MC_IDENTITY_VERSION_AND_FILE_NAME;
	}
}

int mc_format_unique_versions(mc_format f)
{
	return mc_format_identity(f) != MC_IDENTITY_FILE_NAME;
}

int mc_format_same_version(mc_format f, const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	/* dbmate and popx compare the digits as strings */
	if (f == MC_FORMAT_DBMATE || f == MC_FORMAT_POPX)
		return !strcmp(a, b);
	return mc_version_cmp(a, b) == 0;
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Flyway's description: the name with every '_' read as a space. */
static int same_description(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b &&
		    !((*a == '_' || *a == ' ') && (*b == '_' || *b == ' ')))
			return 0;
	return *a == *b;
}

int mc_format_rename_keeps_identity(int *out,
                                    mc_format f,
                                    const char *old_path,
                                    const char *new_path)
{
	mc_fmt__matcher m = mc_format__matcher(f);
	struct mc_name_info a, b;
	const char *ob, *nb;
	int ra, rb;

	MC_ASSERT_ARG(out && old_path && new_path);
	*out = 0;
	ob = base_of(old_path);
	nb = base_of(new_path);
	if (!m)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if ((ra = m(&a, ob)) < 0 || (rb = m(&b, nb)) < 0) {
		mc_name_info__dispose(&a);
		return MC_ENOMEM;
	}
	if (ra > 0 && rb > 0 && a.part == b.part && a.kind == b.kind &&
	    same_str(a.language, b.language) &&
	    same_str(a.dialect, b.dialect) && a.autocommit == b.autocommit) {
		switch (mc_format_identity(f)) {
		case MC_IDENTITY_VERSION:
			*out = mc_format_same_version(f, a.version, b.version);
			break;
		case MC_IDENTITY_VERSION_DESCRIPTION:
			*out = mc_format_same_version(f, a.version,
			                              b.version) &&
			       same_description(a.name, b.name);
			break;
		default:
			*out = !strcmp(ob, nb);
			break;
		}
	}
	if (ra > 0)
		mc_name_info__dispose(&a);
	if (rb > 0)
		mc_name_info__dispose(&b);
	return 0;
}

int mc_format_version_cmp(mc_format f, const char *a, const char *b)
{
	int c;

	/* dbmate and popx sort their version strings as strings */
	if ((f == MC_FORMAT_DBMATE || f == MC_FORMAT_POPX) && a && b) {
		c = strcmp(a, b);
		return c < 0 ? -1 : c > 0;
	}
	return mc_version_cmp(a, b);
}

int mc_format_order_cmp(mc_format f,
                        const char *va,
                        const char *path_a,
                        const char *vb,
                        const char *path_b)
{
	int c;

	if (f == MC_FORMAT_SQL_MIGRATE) {
		/* sql-migrate: numbered files first, by number, then by id (the
		 * whole file name) */
		const char *a = path_a ? base_of(path_a) : "",
		           *b = path_b ? base_of(path_b) : "";
		int an = mc_version__digits(a) > 0,
		    bn = mc_version__digits(b) > 0;
		if (an != bn)
			return an ? -1 : 1;
		if (an && (c = mc_version_cmp(va, vb)) != 0)
			return c;
		c = strcmp(a, b);
		return c < 0 ? -1 : c > 0;
	}
	return mc_format_version_cmp(f, va, vb);
}
