/*
 * runner_internal.h: what the command runner (runner.c) and the resident
 * runner (resident.c) share.
 */
#ifndef MC_RUNNER_INTERNAL_H
#define MC_RUNNER_INTERNAL_H

#include <stddef.h>

#include "migcheck/buf.h"

/**
 * Append len bytes of a child's stream to b, keeping about the last
 * MC_RUNNER_CAPTURE_MAX bytes (b is cut back once it holds twice that).
 * @return 0 or MC_ENOMEM
 */
int mc_runner__capture(mc_buf *b, const char *data, size_t len);
/** Cut b to its last MC_RUNNER_CAPTURE_MAX bytes, when the stream ended. */
void mc_runner__capture_trim(mc_buf *b);

#endif
