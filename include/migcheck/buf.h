/*
 * buf.h: growable NUL-terminated byte buffer. Strings leave modules in one.
 */
#ifndef MIGCHECK_BUF_H
#define MIGCHECK_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "common.h"

typedef struct {
	char *ptr;    /* always NUL-terminated once anything was added */
	size_t size;  /* bytes used, not counting the NUL */
	size_t asize; /* bytes allocated */
} mc_buf;

#define MC_BUF_INIT { NULL, 0, 0 }

MC_NODISCARD int mc_buf_grow(mc_buf *b, size_t extra);
MC_NODISCARD int mc_buf_put(mc_buf *b, const char *data, size_t len);
MC_NODISCARD int mc_buf_puts(mc_buf *b, const char *s);
MC_NODISCARD int mc_buf_putc(mc_buf *b, char c);
MC_NODISCARD int mc_buf_printf(mc_buf *b, const char *fmt, ...) MC_PRINTF(2, 3);
MC_NODISCARD int mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap) MC_PRINTF(2, 0);
/** Join two path parts with exactly one '/'; replaces the content. */
MC_NODISCARD int mc_buf_joinpath(mc_buf *b, const char *a, const char *c);
/** Read a whole file, failing with MC_ERROR_OS/INPUT when larger than max. */
MC_NODISCARD int mc_buf_read_file(mc_buf *b, const char *path, size_t max);
/** @return a string never NULL ("" when empty); borrowed. */
const char *mc_buf_cstr(const mc_buf *b);
void mc_buf_clear(mc_buf *b);
void mc_buf_truncate(mc_buf *b, size_t len);
/** Hand the memory to the caller (free with mc_free); buffer is reset. */
char *mc_buf_detach(mc_buf *b);
void mc_buf_dispose(mc_buf *b);

#endif
