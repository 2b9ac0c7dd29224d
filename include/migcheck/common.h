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

/** Flags of mc_duration_parse_ms. */
enum {
	MC_DURATION_ZERO_OK = (1 << 0) /* accept 0 (e.g. "no limit") */
};

/**
 * Parse a time limit: "250" or "250ms" (milliseconds), "30s", "2min".
 * Values above a day, signs, spaces and other units are refused; so is 0
 * unless flags has MC_DURATION_ZERO_OK.
 * @param[out] out milliseconds, set only on success
 * @return 0, or MC_EPARSE (no error message is set: the caller names
 *         the option)
 */
int mc_duration_parse_ms(unsigned *out, const char *s, unsigned flags);

#endif
