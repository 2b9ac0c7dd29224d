/*
 * fmt_text.c: the human-readable report, one line per finding:
 *   file:line: severity: message [code]
 * followed by the detail, indented.
 *
 * Every string here may come from a file name or a database object name
 * (a table named "x\n\x1b[2J"): locations are quoted the way git quotes
 * paths and free text has its control characters escaped (quote.h), so a
 * finding never spans lines it should not and nothing reaches the
 * terminal as an escape sequence.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

/* How many items of a grouped finding text shows without -v. */
#define ITEMS_SHOWN 5

static int put_indented(mc_buf *out, const char *text, const char *indent)
{
	const char *p = text;
	int error = 0;
	while (*p && !error) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		/* a CRLF line break (a detail quoting a CRLF file) is a break */
		char *line = mc_strndup(p, n && nl && p[n - 1] == '\r' ? n - 1 : n);
		if (!line)
			return mc_error_set_oom();
		if ((error = mc_buf_puts(out, indent)) < 0 ||
		    (error = mc_quote_text(out, line, 0)) < 0 ||
		    (error = mc_buf_putc(out, '\n')) < 0) {
			mc_free(line);
			break;
		}
		mc_free(line);
		p += n + (nl ? 1 : 0);
	}
	return error;
}

static int put_location(mc_buf *out, const char *file, unsigned line)
{
	int error;

	if (!file)
		return 0;
	if ((error = mc_quote_path(out, file)) < 0)
		return error;
	if (line)
		return mc_buf_printf(out, ":%u: ", line);
	return mc_buf_puts(out, ": ");
}

/* free text on one line: control characters escaped */
static int put_text(mc_buf *out, const char *s)
{
	return mc_quote_text(out, s ? s : "", 0);
}

int mc_report__render_text(mc_buf *out, const mc_report *r,
                           const mc_render_opts *opts)
{
	size_t errors = mc_report_errors(r), warnings = mc_report_warnings(r);
	const char *last_section = NULL;
	int error = 0;

	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		int is_err = f->severity == MC_SEV_ERROR;
		if (opts->quiet && !is_err)
			continue;
		if (f->section && (!last_section || strcmp(last_section, f->section))) {
			if ((error = mc_buf_printf(out, "%s== ", opts->color ? BOLD : "")) < 0 ||
			    (error = put_text(out, f->section)) < 0 ||
			    (error = mc_buf_printf(out, " ==%s\n",
			                           opts->color ? RESET : "")) < 0)
				break;
			last_section = f->section;
		}
		if ((error = put_location(out, f->file, f->line)) < 0 ||
		    (error = mc_buf_printf(out, "%s%s%s: ",
		                           opts->color ? (is_err ? RED : YELLOW) : "",
		                           mc_severity_name(f->severity),
		                           opts->color ? RESET : "")) < 0 ||
		    (error = put_text(out, f->message)) < 0 ||
		    (error = mc_buf_puts(out, " [")) < 0 ||
		    (error = put_text(out, f->code)) < 0 ||
		    (error = mc_buf_printf(out, "%s]\n",
		                           f->severity != f->default_severity && !f->existing
		                                   ? ", severity set by config"
		                                   : "")) < 0)
			break;
		if (f->detail && (is_err || opts->verbose))
			error = put_indented(out, f->detail, "    ");
		for (size_t k = 0; k < f->nitems && !error; k++) {
			const mc_finding_item *it = &f->items[k];
			if (k == ITEMS_SHOWN && !opts->verbose) {
				error = mc_buf_printf(out, "    ... and %zu more (-v or --format json lists them)\n",
				                      f->nitems - k);
				break;
			}
			if ((error = mc_buf_puts(out, "    - ")) < 0 ||
			    (error = put_location(out, it->file, it->line)) < 0 ||
			    (error = put_text(out, it->detail)) < 0 ||
			    (error = mc_buf_putc(out, '\n')) < 0)
				break;
		}
	}
	for (size_t i = 0; i < r->notes.len && !error && !opts->quiet; i++)
		if ((error = mc_buf_puts(out, "note: ")) == 0 &&
		    (error = put_text(out, r->notes.items[i])) == 0)
			error = mc_buf_putc(out, '\n');
	if (!error && r->steps.len && !opts->quiet) {
		/* "steps: check passed, roundtrip failed, drift skipped (--skip drift)" */
		error = mc_buf_puts(out, "steps:");
		for (size_t i = 0; i < r->steps.len && !error; i++) {
			const struct mc_report_step *st = r->steps.items[i];
			/* an unavailable step's reason is its finding's message */
			const char *detail = st->status == MC_STEP_UNAVAILABLE
			                             ? NULL
			                             : st->detail;
			if ((error = mc_buf_printf(out, "%s ", i ? "," : "")) < 0 ||
			    (error = put_text(out, st->name)) < 0 ||
			    (error = mc_buf_printf(out, " %s%s",
			                           st->status == MC_STEP_NOT_RUN
			                                   ? "not run"
			                                   : mc_step_status_name(st->status),
			                           detail ? " (" : "")) < 0 ||
			    (detail && (error = put_text(out, detail)) < 0))
				break;
			if (detail)
				error = mc_buf_putc(out, ')');
		}
		if (!error)
			error = mc_buf_putc(out, '\n');
	}
	if (error)
		return error;
	if (opts->quiet && errors == 0)
		return 0;
	return mc_buf_printf(out, "%s: %zu error%s, %zu warning%s\n", r->command,
	                     errors, errors == 1 ? "" : "s", warnings,
	                     warnings == 1 ? "" : "s");
}
