/*
 * dialect.c: names of the SQL dialects.
 */
#include "migcheck/common.h"

#include <string.h>

#include "migcheck/errors.h"
#include "banned.h"

const char *mc_dialect_name(mc_dialect d)
{
	switch (d) {
	case MC_DIALECT_POSTGRES:
		return "postgres";
	case MC_DIALECT_SQLITE:
		return "sqlite";
	default:
		return "unknown";
	}
}

int mc_dialect_parse(mc_dialect *out, const char *name)
{
	if (!strcmp(name, "postgres") || !strcmp(name, "postgresql"))
		*out = MC_DIALECT_POSTGRES;
	else if (!strcmp(name, "sqlite") || !strcmp(name, "sqlite3"))
		*out = MC_DIALECT_SQLITE;
	else
		return MC_ENOTFOUND;
	return 0;
}
