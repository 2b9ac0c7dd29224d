/*
 * fmt_text.c: the human-readable report, one line per finding:
 *   file:line: severity: message [code]
 * followed by the detail, indented. A group of findings (report.h) is
 * one headline with a line per member: text is the only format that
 * groups.
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

/* How many members of a group text shows without -v. */
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

static int put_head(mc_buf *out,
                    const mc_finding *f,
                    const char *file,
                    unsigned line,
                    const char *message,
                    const mc_render_opts *opts)
{
	int is_err = f->severity == MC_SEV_ERROR;
	int error;

	if ((error = put_location(out, file, line)) < 0 ||
	    (error = mc_buf_printf(out, "%s%s%s: ",
	                           opts->color ? (is_err ? RED : YELLOW) : "",
	                           mc_severity_name(f->severity),
	                           opts->color ? RESET : "")) < 0 ||
	    (error = put_text(out, message)) < 0 ||
	    (error = mc_buf_puts(out, " [")) < 0 ||
	    (error = put_text(out, f->code)) < 0)
		return error;
	return mc_buf_printf(out, "%s]\n",
	                     f->severity != f->default_severity && !f->existing
	                             ? ", severity set by config"
	                             : "");
}

/*
 * A group (report.h) of two or more shown members: the headline, then a
 * line per member with its location and message, the first ITEMS_SHOWN
 * without -v. next[] chains the members in report order.
 */
static int put_group(mc_buf *out,
                     const mc_report *r,
                     size_t first,
                     const size_t *next,
                     size_t n,
                     const mc_render_opts *opts)
{
	const mc_finding *f = r->findings.items[first];
	const char *file = NULL;
	const char *headline = mc_report_group_get(r, f->group, &file);
	size_t k = 0;
	int error;

	if ((error = put_head(out, f, file, 0, headline, opts)) < 0)
		return error;
	for (size_t i = first; i < r->findings.len && !error;
	     i = next[i], k++) {
		const mc_finding *m = r->findings.items[i];
		if (k == ITEMS_SHOWN && !opts->verbose)
			return mc_buf_printf(
			        out,
			        "    ... and %zu more (-v or --format json lists them)\n",
			        n - k);
		if ((error = mc_buf_puts(out, "    - ")) < 0 ||
		    (error = put_location(out, m->file, m->line)) < 0 ||
		    (error = put_text(out, m->message)) < 0 ||
		    (error = mc_buf_putc(out, '\n')) < 0)
			break;
	}
	return error;
}

/* Is finding f shown at all (-q shows errors only)? */
static int shown(const mc_finding *f, const mc_render_opts *opts)
{
	return !opts->quiet || f->severity == MC_SEV_ERROR;
}

/*
 * Chain the shown members of each group: next[i] is the next member of
 * i's group (r->findings.len at the end), size[g] the shown members of g.
 */
static int chain_groups(size_t **next_out,
                        size_t **size_out,
                        const mc_report *r,
                        const mc_render_opts *opts)
{
	size_t n = r->findings.len, ng = r->groups.len + 1;
	size_t *next = NULL, *size = NULL, *last = NULL;

	*next_out = *size_out = NULL;
	if (r->groups.len == 0)
		return 0;
	if ((next = mc_calloc(n ? n : 1, sizeof(*next))) == NULL ||
	    (size = mc_calloc(ng, sizeof(*size))) == NULL ||
	    (last = mc_calloc(ng, sizeof(*last))) == NULL) {
		mc_free(next);
		mc_free(size);
		return mc_error_set_oom();
	}
	for (size_t i = 0; i < n; i++) {
		const mc_finding *f = r->findings.items[i];
		next[i] = n;
		if (!f->group || !shown(f, opts))
			continue;
		if (size[f->group]++)
			next[last[f->group]] = i;
		last[f->group] = i;
	}
	mc_free(last);
	*next_out = next;
	*size_out = size;
	return 0;
}

int mc_report__render_text(mc_buf *out, const mc_report *r,
                           const mc_render_opts *opts)
{
	size_t errors = mc_report_errors(r), warnings = mc_report_warnings(r);
	const char *last_section = NULL;
	size_t *next = NULL, *gsize = NULL;
	int error;

	if ((error = chain_groups(&next, &gsize, r, opts)) < 0)
		return error;
	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		int is_err = f->severity == MC_SEV_ERROR;
		int grouped = f->group && gsize[f->group] > 1;
		if (!shown(f, opts))
			continue;
		if (grouped && gsize[f->group] == (size_t)-1)
			continue; /* shown with its group already */
		if (f->section && (!last_section || strcmp(last_section, f->section))) {
			if ((error = mc_buf_printf(out, "%s== ", opts->color ? BOLD : "")) < 0 ||
			    (error = put_text(out, f->section)) < 0 ||
			    (error = mc_buf_printf(out, " ==%s\n",
			                           opts->color ? RESET : "")) < 0)
				break;
			last_section = f->section;
		}
		if (grouped) {
			error = put_group(out, r, i, next, gsize[f->group],
			                  opts);
			gsize[f->group] = (size_t)-1;
			continue;
		}
		if ((error = put_head(out, f, f->file, f->line, f->message,
		                      opts)) < 0)
			break;
		if (f->detail && (is_err || opts->verbose))
			error = put_indented(out, f->detail, "    ");
	}
	mc_free(next);
	mc_free(gsize);
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
