/*
 * common.h: attributes and small macros shared by every module.
 */
#ifndef MIGCHECK_COMMON_H
#define MIGCHECK_COMMON_H

#include <stddef.h>

#if defined(__GNUC__)
#define MC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MC_NODISCARD         __attribute__((warn_unused_result))
#define MC_UNUSED            __attribute__((unused))
#else
#define MC_PRINTF(fmt, args)
#define MC_NODISCARD
#define MC_UNUSED
#endif

#define MC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** Which SQL dialect a migration is written in. */
typedef enum {
	MC_DIALECT_UNKNOWN = 0,
	MC_DIALECT_POSTGRES,
	MC_DIALECT_SQLITE
} mc_dialect;

/** @return "postgres", "sqlite" or "unknown"; static storage. */
const char *mc_dialect_name(mc_dialect d);
/** @return 0 and sets *out, or MC_ENOTFOUND for an unknown name. */
int mc_dialect_parse(mc_dialect *out, const char *name);

#endif
