/*
 * fmt_github.c: GitHub Actions workflow commands, one per finding:
 *   ::error file=F,line=L,title=CODE::message
 */
#include <string.h>

#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

/*
 * Data escaping per the workflow-command rules (the runner's
 * toCommandValue / escapeProperty: % CR LF, props also : and ,), which
 * GitHub decodes back, so a path with a line break still names its file.
 * Any other control character (ESC, C1) or invalid byte has no escape
 * there; it is written as a C escape (quote.h) so that no escape sequence
 * reaches the log or a terminal.
 */
static int put_escaped(mc_buf *out, const char *s, int prop)
{
	unsigned cp;
	size_t n;
	int error = 0;

	for (; *s && !error; s += n) {
		n = 1;
		switch (*s) {
		case '%': error = mc_buf_puts(out, "%25"); continue;
		case '\r': error = mc_buf_puts(out, "%0D"); continue;
		case '\n': error = mc_buf_puts(out, "%0A"); continue;
		case ':': error = prop ? mc_buf_puts(out, "%3A") : mc_buf_putc(out, ':'); continue;
		case ',': error = prop ? mc_buf_puts(out, "%2C") : mc_buf_putc(out, ','); continue;
		default: break;
		}
		if ((n = mc_utf8_len(s, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7F && cp < 0xA0)) {
			char c[5] = { 0 };
			n = n ? n : 1;
			memcpy(c, s, n);
			error = mc_quote_text(out, c, 0);
		} else {
			error = mc_buf_put(out, s, n);
		}
	}
	return error;
}

int mc_report__render_github(mc_buf *out, const mc_report *r)
{
	int error = 0;
	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		if ((error = mc_buf_printf(out, "::%s ", f->severity == MC_SEV_ERROR
		                                         ? "error" : "warning")) < 0)
			break;
		if (f->file) {
			if ((error = mc_buf_puts(out, "file=")) < 0 ||
			    (error = put_escaped(out, f->file, 1)) < 0)
				break;
			if (f->line && (error = mc_buf_printf(out, ",line=%u", f->line)) < 0)
				break;
			if ((error = mc_buf_putc(out, ',')) < 0)
				break;
		}
		if ((error = mc_buf_puts(out, "title=")) < 0 ||
		    (error = put_escaped(out, f->code, 1)) < 0 ||
		    (error = mc_buf_puts(out, "::")) < 0 ||
		    (error = put_escaped(out, f->message, 0)) < 0)
			break;
		if (f->detail && ((error = mc_buf_puts(out, "%0A")) < 0 ||
		                  (error = put_escaped(out, f->detail, 0)) < 0))
			break;
		error = mc_buf_putc(out, '\n');
	}
	if (!error)
		error = mc_buf_printf(out, "%s: %zu error%s, %zu warning%s\n", r->command,
		                      mc_report_errors(r),
		                      mc_report_errors(r) == 1 ? "" : "s",
		                      mc_report_warnings(r),
		                      mc_report_warnings(r) == 1 ? "" : "s");
	return error;
}
