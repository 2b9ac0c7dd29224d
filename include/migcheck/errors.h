/*
 * errors.h: return codes and the thread-local last error.
 *
 * A fallible function returns 0 or a negative code and leaves the text in
 * mc_error_last(). The class says which exit status the CLI maps it to.
 */
#ifndef MIGCHECK_ERRORS_H
#define MIGCHECK_ERRORS_H

#include "common.h"

enum {
	MC_OK = 0,
	MC_ERROR = -1,     /* generic failure, see mc_error_last() */
	MC_ENOTFOUND = -3, /* requested object does not exist */
	MC_EPARSE = -4,    /* input could not be parsed */
	MC_ENOMEM = -5,    /* out of memory */
	MC_EINTR = -6,     /* interrupted by a signal */
	MC_ITEROVER = -31  /* iteration finished */
};

/** What went wrong, which decides the exit status. */
typedef enum {
	MC_ERROR_NONE = 0,
	MC_ERROR_NOMEMORY, /* exit 3 */
	MC_ERROR_OS,       /* exit 3: file system, processes */
	MC_ERROR_GIT,      /* exit 3 */
	MC_ERROR_DB,       /* exit 3 */
	MC_ERROR_RUNNER,   /* exit 3 */
	MC_ERROR_CONFIG,   /* exit 2 */
	MC_ERROR_USAGE,    /* exit 2 */
	MC_ERROR_INPUT     /* exit 2: a file given by the user is unusable */
} mc_error_class;

typedef struct {
	char *message;
	int klass;
} mc_error;

/** @return the last error of this thread, or NULL; borrowed. */
const mc_error *mc_error_last(void);
/** Set the thread's error; printf-like. Always returns MC_ERROR. */
int mc_error_set(int klass, const char *fmt, ...) MC_PRINTF(2, 3);
/** Set MC_ERROR_NOMEMORY and return MC_ENOMEM. */
int mc_error_set_oom(void);
void mc_error_clear(void);

/** An empty saved error, for mc_error_save. */
#define MC_ERROR_INIT { NULL, MC_ERROR_NONE }

/**
 * Keep the thread's error across cleanup that may fail or clear it
 * (closing a database whose server died, removing a scratch database):
 *
 *     mc_error saved = MC_ERROR_INIT;
 *     mc_error_save(&saved);
 *     cleanup();
 *     mc_error_restore(&saved);
 *
 * mc_error_save moves the current error (if any) into *saved and leaves
 * the thread without one; it allocates nothing, so it cannot fail.
 * mc_error_restore makes *saved the thread's error again, replacing what
 * the cleanup set, and empties *saved; when nothing was saved it leaves
 * the thread's error as the cleanup left it. Saves nest: each one needs
 * its own restore, innermost first. A saved error that is not to be
 * restored is freed with mc_error_dispose.
 */
void mc_error_save(mc_error *saved);
void mc_error_restore(mc_error *saved);
void mc_error_dispose(mc_error *saved);

#define MC_ASSERT_ARG(expr)                                              \
	do {                                                             \
		if (!(expr))                                             \
			return mc_error_set(MC_ERROR_USAGE,              \
			                    "invalid argument: '%s'", #expr); \
	} while (0)

#endif
