/*
 * fmt_util.c: helpers the JUnit, SARIF and Markdown renderers share.
 *
 * Report strings come from migration files, git and database servers, so
 * they may hold anything: invalid UTF-8, control characters, markup. The
 * renderers never copy such bytes through; they decode with
 * mc_utf8_len (util/quote.c) and replace what does not decode with U+FFFD.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "report_internal.h"
#include "util/banned.h"

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
	                           f->severity != f->default_severity && !f->existing
	                                   ? ", severity set by config"
	                                   : "")) < 0)
		return error;
	if (f->detail && (error = mc_buf_printf(out, "%s\n", f->detail)) < 0)
		return error;
	return 0;
}
