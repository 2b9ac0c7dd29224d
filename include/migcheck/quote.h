/*
 * quote.h: names (paths, database object names) and free text made safe
 * for a line-based, human-readable output such as a terminal.
 *
 * A path or a table name may hold a line break, a tab or an escape
 * sequence ("\x1b[2J"): printed raw it splits one finding over two lines
 * or drives the user's terminal. Machine formats (JSON, SARIF, JUnit) are
 * escaped by their encoders and need none of this.
 */
#ifndef MIGCHECK_QUOTE_H
#define MIGCHECK_QUOTE_H

#include <stddef.h>
#include "buf.h"
#include "common.h"

/**
 * Decode one UTF-8 sequence at s into *cp. @return its length (1..4), or 0
 * when the bytes at s are not valid UTF-8 (overlong, surrogate, truncated,
 * or a NUL).
 */
size_t mc_utf8_len(const char *s, unsigned *cp);
/** Copy s with bytes that are not UTF-8 replaced by U+FFFD (for JSON);
 * NULL when out of memory; mc_free it. */
char *mc_utf8_dup(const char *s);

/**
 * @return 1 when s needs quoting: a control character (C0, DEL or C1), a
 * double quote, a backslash or bytes that are not valid UTF-8.
 */
int mc_quote_needed(const char *s);

/**
 * Append s as git does with core.quotePath=false: as is when it needs no
 * quoting, else in double quotes with C escapes (\n, \t, \", \\ ...) and
 * three-digit octal for other control and invalid bytes, so "db/a\nb.sql".
 * Valid UTF-8 (ü, emoji) is kept, whatever the locale.
 */
MC_NODISCARD int mc_quote_path(mc_buf *out, const char *s);
/** mc_quote_path into a new string (mc_free it); NULL when out of memory. */
char *mc_quote_path_dup(const char *s);

enum {
	MC_QUOTE_KEEP_NEWLINE = (1 << 0) /* '\n' passes (multi-line text) */
};

/**
 * Append free text (a message, a detail) with its control characters and
 * invalid bytes escaped like mc_quote_path does, but without the double
 * quotes and with '"', '\\' and tabs kept: the text stays readable and
 * can never emit an escape sequence or (unless flags keep them) a line
 * break.
 */
MC_NODISCARD int mc_quote_text(mc_buf *out, const char *s, unsigned flags);
/** mc_quote_text into a new string (mc_free it); NULL when out of memory. */
char *mc_quote_text_dup(const char *s, unsigned flags);

#endif
