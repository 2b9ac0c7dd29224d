/*
 * quote.c: C-style quoting of names and escaping of free text for
 * human-readable outputs (see quote.h), the way git quotes paths.
 */
#include "migcheck/quote.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "banned.h"

size_t mc_utf8_len(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c, min;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return s[0] ? 1 : 0;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
		min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
		min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	/* a NUL ends the loop: truncated sequences are invalid */
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

char *mc_utf8_dup(const char *s)
{
	mc_buf b = MC_BUF_INIT;
	unsigned cp;
	size_t n;
	int error = 0;

	for (; s && *s && !error; s += n) {
		if ((n = mc_utf8_len(s, &cp)) == 0) {
			n = 1;
			error = mc_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD */
		} else {
			error = mc_buf_put(&b, s, n);
		}
	}
	if (error) {
		mc_buf_dispose(&b);
		return NULL;
	}
	return b.ptr ? mc_buf_detach(&b) : mc_strdup("");
}

static int is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* The escape of one control character, or NULL for octal. */
static const char *c_escape(unsigned char c)
{
	switch (c) {
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\v': return "\\v";
	case '\f': return "\\f";
	case '\r': return "\\r";
	default: return NULL;
	}
}

static int put_octal(mc_buf *out, const char *s, size_t n)
{
	int error = 0;
	for (size_t i = 0; i < n && !error; i++)
		error = mc_buf_printf(out, "\\%03o", (unsigned char)s[i]);
	return error;
}

int mc_quote_needed(const char *s)
{
	unsigned cp;
	size_t n;

	for (; *s; s += n) {
		if (*s == '"' || *s == '\\')
			return 1;
		if ((n = mc_utf8_len(s, &cp)) == 0 || is_control(cp))
			return 1;
	}
	return 0;
}

/* Escape s into out; quoted: the mc_quote_path rules, else mc_quote_text's. */
static int escape(mc_buf *out, const char *s, int quoted, unsigned flags)
{
	unsigned cp;
	size_t n;
	int error = 0;

	while (*s && !error) {
		const char *e;
		if ((n = mc_utf8_len(s, &cp)) == 0) {
			error = put_octal(out, s, 1);
			s++;
			continue;
		}
		if (quoted && (*s == '"' || *s == '\\')) {
			if ((error = mc_buf_putc(out, '\\')) == 0)
				error = mc_buf_putc(out, *s);
		} else if (!is_control(cp) ||
		           (!quoted && (cp == '\t' ||
		                        (cp == '\n' && (flags & MC_QUOTE_KEEP_NEWLINE))))) {
			error = mc_buf_put(out, s, n);
		} else if (n == 1 && (e = c_escape((unsigned char)*s)) != NULL) {
			error = mc_buf_puts(out, e);
		} else {
			error = put_octal(out, s, n);
		}
		s += n;
	}
	return error;
}

int mc_quote_path(mc_buf *out, const char *s)
{
	int error;

	MC_ASSERT_ARG(out && s);
	if (!mc_quote_needed(s))
		return mc_buf_puts(out, s);
	if ((error = mc_buf_putc(out, '"')) < 0 ||
	    (error = escape(out, s, 1, 0)) < 0)
		return error;
	return mc_buf_putc(out, '"');
}

int mc_quote_text(mc_buf *out, const char *s, unsigned flags)
{
	MC_ASSERT_ARG(out && s);
	return escape(out, s, 0, flags);
}

static char *detach(mc_buf *b, int error)
{
	char *r;

	if (error < 0) {
		mc_buf_dispose(b);
		return NULL;
	}
	if ((r = mc_buf_detach(b)) == NULL)
		r = mc_strdup("");
	return r;
}

char *mc_quote_path_dup(const char *s)
{
	mc_buf b = MC_BUF_INIT;
	return detach(&b, mc_quote_path(&b, s ? s : ""));
}

char *mc_quote_text_dup(const char *s, unsigned flags)
{
	mc_buf b = MC_BUF_INIT;
	return detach(&b, mc_quote_text(&b, s ? s : "", flags));
}
