/*
 * error.c: the thread-local last error (see errors.h).
 */
#include "migcheck/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "banned.h"

static _Thread_local mc_error last;
static _Thread_local char oom_message[] = "out of memory";

const mc_error *mc_error_last(void)
{
	return last.klass == MC_ERROR_NONE ? NULL : &last;
}

static void dispose(void)
{
	if (last.message != oom_message)
		free(last.message);
	last.message = NULL;
	last.klass = MC_ERROR_NONE;
}

void mc_error_clear(void)
{
	dispose();
}

int mc_error_set_oom(void)
{
	dispose();
	last.message = oom_message;
	last.klass = MC_ERROR_NOMEMORY;
	return MC_ENOMEM;
}

int mc_error_set(int klass, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *msg;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* plain malloc: an injected allocation failure must not hide the error */
	if (n < 0 || (msg = malloc((size_t)n + 1)) == NULL) {
		mc_error_set_oom();
		return MC_ERROR;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* one line: newlines from foreign messages become spaces */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	while (n > 0 && msg[n - 1] == ' ')
		msg[--n] = '\0';
	dispose();
	last.message = msg;
	last.klass = klass;
	return MC_ERROR;
}

void mc_error_save(mc_error *saved)
{
	saved->message = last.message;
	saved->klass = last.klass;
	last.message = NULL;
	last.klass = MC_ERROR_NONE;
}

void mc_error_dispose(mc_error *saved)
{
	if (!saved)
		return;
	if (saved->message != oom_message)
		free(saved->message);
	saved->message = NULL;
	saved->klass = MC_ERROR_NONE;
}

void mc_error_restore(mc_error *saved)
{
	if (saved->klass == MC_ERROR_NONE) {
		mc_error_dispose(saved);
		return;
	}
	dispose();
	last = *saved;
	saved->message = NULL;
	saved->klass = MC_ERROR_NONE;
}
