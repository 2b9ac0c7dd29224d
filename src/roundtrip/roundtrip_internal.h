/*
 * roundtrip_internal.h: what src/roundtrip/ files share.
 */
#ifndef MIGCHECK_ROUNDTRIP_INTERNAL_H
#define MIGCHECK_ROUNDTRIP_INTERNAL_H

#include "migcheck/roundtrip.h"

/**
 * The URL handed to [runner] commands as {url} and DATABASE_URL: a libpq
 * conninfo becomes a postgresql:// URI (a socket directory as ?host=);
 * URIs and SQLite URLs are copied unchanged.
 * @param[out] out mc_malloc'd, NULL when url is NULL
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_roundtrip__runner_url(char **out, const char *url);

#endif
