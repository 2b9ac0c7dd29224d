/*
 * duration.c: time limits as users write them on the command line
 * ("250", "250ms", "30s", "2min"), for drift's and roundtrip's timeouts.
 */
#include "migcheck/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/errors.h"
#include "banned.h"

/* the longest limit accepted: a day */
#define DURATION_MAX_MS 86400000UL

int mc_duration_parse_ms(unsigned *out, const char *s, unsigned flags)
{
	char *end;
	unsigned long v, mul = 1;

	/* strtoul would take "-5" as a huge number and skip leading space */
	if (!*s || *s == '-' || *s == '+' || *s < '0' || *s > '9')
		return MC_EPARSE;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s)
		return MC_EPARSE;
	if (!strcmp(end, "s"))
		mul = 1000;
	else if (!strcmp(end, "min"))
		mul = 60000;
	else if (*end && strcmp(end, "ms"))
		return MC_EPARSE;
	if ((!v && !(flags & MC_DURATION_ZERO_OK)) || v > DURATION_MAX_MS / mul)
		return MC_EPARSE;
	*out = (unsigned)(v * mul);
	return 0;
}
