/*
 * exit.h: the exit statuses, documented in the man page's EXIT STATUS.
 */
#ifndef MIGCHECK_CLI_EXIT_H
#define MIGCHECK_CLI_EXIT_H

#define MC_EXIT_OK       0 /* clean; warnings allowed */
#define MC_EXIT_FINDINGS 1 /* at least one error finding */
#define MC_EXIT_USAGE    2 /* usage or configuration error */
#define MC_EXIT_ENV      3 /* environment: git, database or runner unavailable */

#endif
