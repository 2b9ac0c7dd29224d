/*
 * fmt_popx.c: Ory popx names (Kratos, Hydra, Keto):
 *   {version}_{name}[.{dialect}][.autocommit].(up|down).sql
 * A file without a dialect serves every dialect; one with the configured
 * dialect wins over it (discover.c picks). ".autocommit" runs the file
 * outside a transaction. The name holds no dot, as in popx's pattern:
 * popx skips "1_a.b.up.sql" ('b' is no dialect it knows) and never runs it.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

static const char *const dialects[] = { "postgres", "cockroach", "mysql",
	                                "sqlite3", "sqlite" };

int mc_fmt_popx__is_dialect(const char *s, size_t len)
{
	for (size_t i = 0; i < MC_ARRAY_SIZE(dialects); i++)
		if (strlen(dialects[i]) == len && !memcmp(dialects[i], s, len))
			return 1;
	return 0;
}

int mc_fmt_popx__dialect_serves(const char *file_dialect, mc_dialect want)
{
	if (!file_dialect)
		return 1;
	if (want == MC_DIALECT_SQLITE)
		return !strcmp(file_dialect, "sqlite3") ||
		       !strcmp(file_dialect, "sqlite");
	/* postgres is the default dialect; cockroach and mysql serve neither */
	return !strcmp(file_dialect, "postgres");
}

/* Strip ".suffix" (without the dot) from the end of [s, s+*len). */
static const char *last_part(const char *s, size_t len, size_t *plen)
{
	size_t i = len;
	while (i > 0 && s[i - 1] != '.')
		i--;
	if (i == 0)
		return NULL;
	*plen = len - i;
	return s + i;
}

int mc_fmt_popx__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base), rest, plen;
	const char *name, *p;
	int part;

	if (!d || base[d] != '_')
		return 0;
	if (mc_name__ends_with(base, ".up.sql"))
		part = MC_PART_UP, rest = len - 7;
	else if (mc_name__ends_with(base, ".down.sql"))
		part = MC_PART_DOWN, rest = len - 9;
	else
		return 0;
	if (rest < d + 1)
		return 0;
	memset(out, 0, sizeof(*out));
	out->format = MC_FORMAT_POPX;
	out->part = part;
	name = base + d + 1;
	rest -= d + 1;
	if ((p = last_part(name, rest, &plen)) && plen == 10 &&
	    !memcmp(p, "autocommit", 10)) {
		out->autocommit = 1;
		rest -= plen + 1;
	}
	if ((p = last_part(name, rest, &plen)) &&
	    mc_fmt_popx__is_dialect(p, plen)) {
		if ((out->dialect = mc_strndup(p, plen)) == NULL)
			return mc_error_set_oom();
		rest -= plen + 1;
	}
	/* popx's pattern, {version}_{name without dots}[.{dialect}]: a name
	 * with a dot (or a second dotted part) is no file popx runs */
	if (!rest || memchr(name, '.', rest)) {
		mc_name_info__dispose(out);
		return 0;
	}
	if (mc_name_info__set(out, base, d, name, rest) < 0) {
		mc_name_info__dispose(out);
		return -1;
	}
	return 1;
}

int mc_fmt_popx__skipped(const char *base)
{
	struct mc_name_info ni;
	size_t d = mc_version__digits(base);
	int rc;

	if (!d || base[d] != '_' ||
	    (!mc_name__ends_with(base, ".up.sql") &&
	     !mc_name__ends_with(base, ".down.sql")))
		return 0;
	if ((rc = mc_fmt_popx__match(&ni, base)) > 0)
		mc_name_info__dispose(&ni);
	return rc == 0;
}
