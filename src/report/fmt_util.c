/*
 * fmt_util.c: helpers the JUnit, SARIF and Markdown renderers share.
 *
 * Report strings come from migration files, git and database servers, so
 * they may hold anything: invalid UTF-8, control characters, markup. The
 * renderers never copy such bytes through; they decode with
 * mc_report__utf8_len and replace what does not decode with U+FFFD.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "report_internal.h"
#include "util/banned.h"

size_t mc_report__utf8_len(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c, min;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
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

char *mc_report__utf8_dup(const char *s)
{
	mc_buf b = MC_BUF_INIT;
	unsigned cp;
	size_t n;

	if (!s)
		return NULL;
	while (*s) {
		if ((n = mc_report__utf8_len(s, &cp)) == 0) {
			if (mc_buf_puts(&b, MC_REPORT_REPLACEMENT) < 0)
				goto fail;
			s++;
			continue;
		}
		if (mc_buf_put(&b, s, n) < 0)
			goto fail;
		s += n;
	}
	return mc_buf_detach(&b); /* NULL when out of memory */
fail:
	mc_buf_dispose(&b);
	return NULL;
}

const char *mc_report__subject(const mc_finding *f)
{
	return f->migration ? f->migration : f->file;
}

int mc_report__put_plain(mc_buf *out, const mc_finding *f)
{
	int error;

	if (f->file && (error = f->line
	                        ? mc_buf_printf(out, "%s:%u: ", f->file, f->line)
	                        : mc_buf_printf(out, "%s: ", f->file)) < 0)
		return error;
	if ((error = mc_buf_printf(out, "%s: %s [%s%s]\n",
	                           mc_severity_name(f->severity), f->message,
	                           f->code,
	                           f->severity != f->default_severity
	                                   ? ", severity set by config"
	                                   : "")) < 0)
		return error;
	if (f->detail && (error = mc_buf_printf(out, "%s\n", f->detail)) < 0)
		return error;
	for (size_t i = 0; i < f->nitems; i++) {
		const mc_finding_item *it = &f->items[i];
		if ((error = mc_buf_puts(out, "- ")) < 0)
			return error;
		if (it->file && (error = it->line
		                         ? mc_buf_printf(out, "%s:%u: ", it->file, it->line)
		                         : mc_buf_printf(out, "%s: ", it->file)) < 0)
			return error;
		if ((error = mc_buf_printf(out, "%s\n", it->detail ? it->detail : "")) < 0)
			return error;
	}
	return 0;
}
