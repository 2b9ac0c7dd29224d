/*
 * fmt_text.c: the human-readable report, one line per finding:
 *   file:line: severity: message [code]
 * followed by the detail, indented.
 */
#include <string.h>

#include "migcheck/errors.h"
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
		if ((error = mc_buf_puts(out, indent)) < 0 ||
		    (error = mc_buf_put(out, p, n)) < 0 ||
		    (error = mc_buf_putc(out, '\n')) < 0)
			break;
		p += n + (nl ? 1 : 0);
	}
	return error;
}

static int put_location(mc_buf *out, const char *file, unsigned line)
{
	if (!file)
		return 0;
	if (line)
		return mc_buf_printf(out, "%s:%u: ", file, line);
	return mc_buf_printf(out, "%s: ", file);
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
			if ((error = mc_buf_printf(out, "%s== %s ==%s\n",
			                           opts->color ? BOLD : "", f->section,
			                           opts->color ? RESET : "")) < 0)
				break;
			last_section = f->section;
		}
		if ((error = put_location(out, f->file, f->line)) < 0 ||
		    (error = mc_buf_printf(out, "%s%s%s: %s [%s%s]\n",
		                           opts->color ? (is_err ? RED : YELLOW) : "",
		                           mc_severity_name(f->severity),
		                           opts->color ? RESET : "", f->message,
		                           f->code,
		                           f->severity != f->default_severity
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
			    (error = mc_buf_printf(out, "%s\n",
			                           it->detail ? it->detail : "")) < 0)
				break;
		}
	}
	for (size_t i = 0; i < r->notes.len && !error && !opts->quiet; i++)
		error = mc_buf_printf(out, "note: %s\n", (char *)r->notes.items[i]);
	if (!error && r->steps.len && !opts->quiet) {
		/* "steps: check passed, roundtrip failed, drift skipped (--skip drift)" */
		error = mc_buf_puts(out, "steps:");
		for (size_t i = 0; i < r->steps.len && !error; i++) {
			const struct mc_report_step *st = r->steps.items[i];
			/* an unavailable step's reason is its finding's message */
			const char *detail = st->status == MC_STEP_UNAVAILABLE
			                             ? NULL
			                             : st->detail;
			error = mc_buf_printf(out, "%s %s %s%s%s%s", i ? "," : "",
			                      st->name,
			                      st->status == MC_STEP_NOT_RUN
			                              ? "not run"
			                              : mc_step_status_name(st->status),
			                      detail ? " (" : "", detail ? detail : "",
			                      detail ? ")" : "");
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
