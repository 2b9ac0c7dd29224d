/*
 * fmt_markdown.c: a summary to paste as a pull-request comment (GitHub or
 * GitLab flavoured Markdown):
 *
 *   ### ❌ migcheck check: 1 error, 0 warnings
 *   | Migration | Result | Findings |
 *   #### Findings
 *
 * A report with steps (gate) has instead a table of steps and one of the
 * release, a row per migration and a column per step with its verdict,
 * then the findings under one heading per step.
 *   - ❌ **error** `code` at `file:line` (migration `v`): message
 *     ```                                   detail
 *
 * Every report string is hostile here: it may close a code span, start a
 * table cell, open an HTML tag or hold invalid UTF-8. Plain text gets
 * backslash and entity escapes, code spans a fence longer than any
 * backtick run inside, code blocks a fence longer than any inside.
 */
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

#define MD_ERROR "\xE2\x9D\x8C"                  /* U+274C cross mark */
#define MD_WARNING "\xE2\x9A\xA0\xEF\xB8\x8F"   /* U+26A0 U+FE0F */
#define MD_OK "\xE2\x9C\x85"                     /* U+2705 check mark */
#define MD_SKIP "\xE2\x8F\xAD\xEF\xB8\x8F"   /* U+23ED U+FE0F: did not run */

/* Copy one UTF-8 character of s into out, or U+FFFD; @return bytes read. */
static size_t put_char(mc_buf *out, const char *s, unsigned *cp, int *error)
{
	size_t n = mc_utf8_len(s, cp);

	if (n == 0 || (*cp < 0x20 && *cp != '\t') || (*cp >= 0x7F && *cp < 0xA0)) {
		*error = mc_buf_puts(out, n == 0 ? MC_REPORT_REPLACEMENT : " ");
		*cp = 0;
		return n ? n : 1;
	}
	*error = mc_buf_put(out, s, n);
	return n;
}

/* Plain inline text: one line, Markdown and HTML characters escaped. */
static int put_text(mc_buf *out, const char *s)
{
	unsigned cp;
	int error = 0;

	while (*s && !error) {
		switch (*s) {
		case '&': error = mc_buf_puts(out, "&amp;"); s++; continue;
		case '<': error = mc_buf_puts(out, "&lt;"); s++; continue;
		case '>': error = mc_buf_puts(out, "&gt;"); s++; continue;
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '(': case ')': case '#': case '|': case '~': case '!':
		case '$':
			if ((error = mc_buf_putc(out, '\\')) == 0)
				error = mc_buf_putc(out, *s);
			s++;
			continue;
		default:
			s += put_char(out, s, &cp, &error);
		}
	}
	return error;
}

static size_t longest_run(const char *s, char c)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == c ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* An inline code span holding s on one line; in a table '|' is escaped. */
static int put_code_in(mc_buf *out, const char *s, int table)
{
	size_t fence = longest_run(s, '`') + 1, len = strlen(s);
	int pad = len && (s[0] == '`' || s[len - 1] == '`');
	unsigned cp;
	int error = 0;

	for (size_t i = 0; i < fence && !error; i++)
		error = mc_buf_putc(out, '`');
	if (!error && pad)
		error = mc_buf_putc(out, ' ');
	while (*s && !error) {
		if (*s == '|' && table) {
			error = mc_buf_puts(out, "\\|");
			s++;
		} else {
			s += put_char(out, s, &cp, &error);
		}
	}
	if (!error && pad)
		error = mc_buf_putc(out, ' ');
	for (size_t i = 0; i < fence && !error; i++)
		error = mc_buf_putc(out, '`');
	return error;
}

static int put_code(mc_buf *out, const char *s)
{
	return put_code_in(out, s, 0);
}

/* A fenced code block, indented by indent, for multi-line detail. */
static int put_block(mc_buf *out, const char *s, const char *indent)
{
	size_t fence = longest_run(s, '`') + 1;
	unsigned cp;
	int error = 0, bol = 1;

	if (fence < 3)
		fence = 3;
	if ((error = mc_buf_puts(out, indent)) < 0)
		return error;
	for (size_t i = 0; i < fence && !error; i++)
		error = mc_buf_putc(out, '`');
	if (!error)
		error = mc_buf_putc(out, '\n');
	while (*s && !error) {
		if (bol && (error = mc_buf_puts(out, indent)) < 0)
			break;
		bol = 0;
		if (*s == '\n') {
			error = mc_buf_putc(out, '\n');
			bol = 1;
			s++;
		} else if (*s == '\r') {
			s++;
		} else {
			s += put_char(out, s, &cp, &error);
		}
	}
	if (!error && !bol)
		error = mc_buf_putc(out, '\n');
	if (!error)
		error = mc_buf_puts(out, indent);
	for (size_t i = 0; i < fence && !error; i++)
		error = mc_buf_putc(out, '`');
	if (!error)
		error = mc_buf_putc(out, '\n');
	return error;
}

/*
 * A file or migration as a code span (in a table: '|' escaped), quoted
 * the way git quotes paths when it holds a line break or another control
 * character: "db/a\nb.sql", never a look-alike "db/a b.sql".
 */
/* a code span shows '"' and '\\' as they are: quote only for the rest */
static int has_control(const char *s)
{
	unsigned cp;
	size_t n;

	for (; *s; s += n)
		if ((n = mc_utf8_len(s, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7F && cp < 0xA0))
			return 1;
	return 0;
}

static int put_name_in(mc_buf *out, const char *name, unsigned line, int table)
{
	mc_buf loc = MC_BUF_INIT;
	int error;

	if ((error = has_control(name) ? mc_quote_path(&loc, name)
	                               : mc_buf_puts(&loc, name)) == 0 &&
	    (!line || (error = mc_buf_printf(&loc, ":%u", line)) == 0))
		error = put_code_in(out, mc_buf_cstr(&loc), table);
	mc_buf_dispose(&loc);
	return error;
}

static int put_location(mc_buf *out, const char *file, unsigned line)
{
	return put_name_in(out, file, line, 0);
}

static int streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int same_row(const mc_finding *a, const mc_finding *b)
{
	return streq_null(a->section, b->section) &&
	       streq_null(mc_report__subject(a), mc_report__subject(b));
}

static int put_counts(mc_buf *out, size_t errors, size_t warnings)
{
	return mc_buf_printf(out, "%zu error%s, %zu warning%s", errors,
	                     errors == 1 ? "" : "s", warnings,
	                     warnings == 1 ? "" : "s");
}

/* The summary table: one row per step and migration (or file). */
static int put_table(mc_buf *out, const mc_report *r, unsigned char *done,
                     int steps)
{
	int error;

	if ((error = mc_buf_puts(out, steps ? "| Step | Migration | Result | Findings |\n"
	                                      "|---|---|---|---|\n"
	                                    : "| Migration | Result | Findings |\n"
	                                      "|---|---|---|\n")) < 0)
		return error;
	for (size_t i = 0; i < r->findings.len; i++) {
		const mc_finding *f = r->findings.items[i];
		const char *subject = mc_report__subject(f);
		size_t errors = 0, warnings = 0;

		if (done[i])
			continue;
		if (steps && ((error = mc_buf_puts(out, "| ")) < 0 ||
		              (error = f->section ? put_text(out, f->section)
		                                  : put_text(out, r->command)) < 0 ||
		              (error = mc_buf_putc(out, ' ')) < 0))
			return error;
		if ((error = mc_buf_puts(out, "| ")) < 0 ||
		    (error = subject ? put_name_in(out, subject, 0, 1)
		                     : mc_buf_puts(out, "(repository)")) < 0)
			return error;
		for (size_t k = i; k < r->findings.len; k++) {
			const mc_finding *g = r->findings.items[k];
			if (done[k] || !same_row(f, g))
				continue;
			if (g->severity == MC_SEV_ERROR)
				errors++;
			else
				warnings++;
		}
		if ((error = mc_buf_printf(out, " | %s ", errors ? MD_ERROR
		                                          : MD_WARNING)) < 0 ||
		    (error = put_counts(out, errors, warnings)) < 0 ||
		    (error = mc_buf_puts(out, " |")) < 0)
			return error;
		/* each code once, in order of appearance */
		for (size_t k = i; k < r->findings.len; k++) {
			const mc_finding *g = r->findings.items[k];
			int seen = 0;
			if (done[k] || !same_row(f, g))
				continue;
			for (size_t j = i; j < k && !seen; j++) {
				const mc_finding *h = r->findings.items[j];
				seen = same_row(f, h) && !strcmp(h->code, g->code);
			}
			if (seen)
				continue;
			if ((error = mc_buf_putc(out, ' ')) < 0 ||
			    (error = put_code_in(out, g->code, 1)) < 0)
				return error;
		}
		for (size_t k = i; k < r->findings.len; k++)
			if (!done[k] && same_row(f, r->findings.items[k]))
				done[k] = 1;
		if ((error = mc_buf_puts(out, " |\n")) < 0)
			return error;
	}
	return mc_buf_putc(out, '\n');
}

/* ---- a gate: a row per step, then a row per migration of the release ---- */

static const char *step_mark(mc_step_status st)
{
	switch (st) {
	case MC_STEP_PASSED: return MD_OK;
	case MC_STEP_FAILED:
	case MC_STEP_UNAVAILABLE: return MD_ERROR;
	default: return MD_SKIP;
	}
}

static int put_steps(mc_buf *out, const mc_report *r)
{
	int error = mc_buf_puts(out, "| Step | Result |\n|---|---|\n");

	for (size_t i = 0; i < r->steps.len && !error; i++) {
		const struct mc_report_step *st = r->steps.items[i];
		size_t errors = 0, warnings = 0;
		for (size_t k = 0; k < r->findings.len; k++) {
			const mc_finding *f = r->findings.items[k];
			if (!streq_null(f->section, st->name))
				continue;
			if (f->severity == MC_SEV_ERROR)
				errors++;
			else
				warnings++;
		}
		if ((error = mc_buf_puts(out, "| ")) < 0 ||
		    (error = put_text(out, st->name)) < 0 ||
		    (error = mc_buf_printf(out, " | %s %s", step_mark(st->status),
		                           st->status == MC_STEP_NOT_RUN
		                                   ? "not run"
		                                   : mc_step_status_name(st->status))) < 0)
			break;
		if ((st->status == MC_STEP_PASSED || st->status == MC_STEP_FAILED) &&
		    (errors || warnings) &&
		    ((error = mc_buf_puts(out, " (")) < 0 ||
		     (error = put_counts(out, errors, warnings)) < 0 ||
		     (error = mc_buf_putc(out, ')')) < 0))
			break;
		if (st->detail && ((error = mc_buf_puts(out, ": ")) < 0 ||
		                   (error = put_text(out, st->detail)) < 0))
			break;
		error = mc_buf_puts(out, " |\n");
	}
	return error ? error : mc_buf_putc(out, '\n');
}

/* The cell of one migration (subject) and step: the codes found, or a mark. */
static int put_verdict(mc_buf *out, const mc_report *r,
                       const struct mc_report_step *st, const char *subject,
                       int in_release)
{
	int error = 0, errors = 0, any = 0;

	for (size_t k = 0; k < r->findings.len; k++) {
		const mc_finding *f = r->findings.items[k];
		if (streq_null(f->section, st->name) &&
		    streq_null(mc_report__subject(f), subject)) {
			any = 1;
			errors |= f->severity == MC_SEV_ERROR;
		}
	}
	if (!any) {
		if (in_release && (st->status == MC_STEP_PASSED ||
		                   st->status == MC_STEP_FAILED))
			return mc_buf_puts(out, " " MD_OK " |");
		return mc_buf_puts(out, " \xE2\x80\x94 |"); /* em dash: not run */
	}
	if ((error = mc_buf_printf(out, " %s", errors ? MD_ERROR : MD_WARNING)) < 0)
		return error;
	/* each code once */
	for (size_t k = 0; k < r->findings.len && !error; k++) {
		const mc_finding *f = r->findings.items[k];
		int seen = 0;
		if (!streq_null(f->section, st->name) ||
		    !streq_null(mc_report__subject(f), subject))
			continue;
		for (size_t j = 0; j < k && !seen; j++) {
			const mc_finding *g = r->findings.items[j];
			seen = streq_null(g->section, st->name) &&
			       streq_null(mc_report__subject(g), subject) &&
			       !strcmp(g->code, f->code);
		}
		if (!seen && ((error = mc_buf_putc(out, ' ')) < 0 ||
		              (error = put_code_in(out, f->code, 1)) < 0))
			return error;
	}
	return mc_buf_puts(out, " |");
}

static int is_subject(const mc_report *r, const char *s)
{
	for (size_t i = 0; i < r->subjects.len; i++)
		if (streq_null(((const struct mc_report_subject *)r->subjects.items[i])->migration, s))
			return 1;
	return 0;
}

static int put_row(mc_buf *out, const mc_report *r, const char *subject,
                   const char *file, int in_release)
{
	int error;

	if ((error = mc_buf_puts(out, "| ")) < 0 ||
	    (error = subject ? put_name_in(out, subject, 0, 1)
	                     : mc_buf_puts(out, "(no migration)")) < 0)
		return error;
	if (file && subject && strcmp(file, subject) &&
	    ((error = mc_buf_puts(out, " ")) < 0 ||
	     (error = put_name_in(out, file, 0, 1)) < 0))
		return error;
	if (!in_release && subject &&
	    (error = mc_buf_puts(out, " (not new)")) < 0)
		return error;
	if ((error = mc_buf_puts(out, " |")) < 0)
		return error;
	for (size_t i = 0; i < r->steps.len && !error; i++)
		error = put_verdict(out, r, r->steps.items[i], subject, in_release);
	return error ? error : mc_buf_putc(out, '\n');
}

/* The release table: the migrations of the release, then whatever else
 * the findings are about (e.g. a deployed migration edited in place). */
static int put_release(mc_buf *out, const mc_report *r)
{
	int error;

	if ((error = mc_buf_puts(out, "| Migration |")) < 0)
		return error;
	for (size_t i = 0; i < r->steps.len && !error; i++) {
		const struct mc_report_step *st = r->steps.items[i];
		if ((error = mc_buf_putc(out, ' ')) < 0 ||
		    (error = put_text(out, st->name)) < 0)
			return error;
		error = mc_buf_puts(out, " |");
	}
	if (error || (error = mc_buf_puts(out, "\n|---|")) < 0)
		return error;
	for (size_t i = 0; i < r->steps.len && !error; i++)
		error = mc_buf_puts(out, "---|");
	if (error || (error = mc_buf_putc(out, '\n')) < 0)
		return error;
	for (size_t i = 0; i < r->subjects.len && !error; i++) {
		const struct mc_report_subject *su = r->subjects.items[i];
		error = put_row(out, r, su->migration, su->file, 1);
	}
	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		const char *subject = mc_report__subject(f);
		int seen = is_subject(r, subject);
		for (size_t j = 0; j < i && !seen; j++)
			seen = streq_null(mc_report__subject(r->findings.items[j]), subject);
		if (!seen)
			error = put_row(out, r, subject, f->file, 0);
	}
	return error ? error : mc_buf_putc(out, '\n');
}

static int put_finding(mc_buf *out, const mc_finding *f)
{
	int is_err = f->severity == MC_SEV_ERROR;
	int error;

	if ((error = mc_buf_printf(out, "- %s **%s** ", is_err ? MD_ERROR : MD_WARNING,
	                           mc_severity_name(f->severity))) < 0 ||
	    (error = put_code(out, f->code)) < 0)
		return error;
	if (f->file && ((error = mc_buf_puts(out, " at ")) < 0 ||
	                (error = put_location(out, f->file, f->line)) < 0))
		return error;
	if (f->migration && ((error = mc_buf_puts(out, " (migration ")) < 0 ||
	                     (error = put_name_in(out, f->migration, 0, 0)) < 0 ||
	                     (error = mc_buf_putc(out, ')')) < 0))
		return error;
	if ((error = mc_buf_puts(out, ": ")) < 0 ||
	    (error = put_text(out, f->message)) < 0)
		return error;
	if (f->severity != f->default_severity && !f->existing &&
	    (error = mc_buf_puts(out, " (severity set by config)")) < 0)
		return error;
	if ((error = mc_buf_putc(out, '\n')) < 0)
		return error;
	if (f->detail && (error = put_block(out, f->detail, "  ")) < 0)
		return error;
	return 0;
}

static int put_details(mc_buf *out, const mc_report *r, unsigned char *done,
                       int steps)
{
	int error = 0;

	if (!steps && (error = mc_buf_puts(out, "#### Findings\n\n")) < 0)
		return error;
	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		if (done[i])
			continue;
		if (steps && ((error = mc_buf_puts(out, "#### ")) < 0 ||
		              (error = put_text(out, f->section ? f->section
		                                                : r->command)) < 0 ||
		              (error = mc_buf_puts(out, "\n\n")) < 0))
			break;
		for (size_t k = i; k < r->findings.len && !error; k++) {
			const mc_finding *g = r->findings.items[k];
			if (done[k] || !streq_null(f->section, g->section))
				continue;
			done[k] = 1;
			error = put_finding(out, g);
		}
		if (!error)
			error = mc_buf_putc(out, '\n');
	}
	return error;
}

int mc_report__render_markdown(mc_buf *out, const mc_report *r)
{
	size_t errors = mc_report_errors(r), warnings = mc_report_warnings(r);
	unsigned char *done = NULL;
	int error, steps = 0;

	for (size_t i = 0; i < r->findings.len; i++)
		if (((const mc_finding *)r->findings.items[i])->section)
			steps = 1;
	steps |= r->steps.len > 0;
	if ((error = mc_buf_printf(out, "### %s migcheck ",
	                           errors ? MD_ERROR
	                                  : warnings ? MD_WARNING : MD_OK)) < 0 ||
	    (error = put_text(out, r->command)) < 0 ||
	    (error = mc_buf_puts(out, ": ")) < 0 ||
	    (error = r->findings.len ? put_counts(out, errors, warnings)
	                             : mc_buf_puts(out, "no findings")) < 0 ||
	    (error = mc_buf_puts(out, "\n\n")) < 0)
		return error;
	if (r->steps.len && ((error = put_steps(out, r)) < 0 ||
	                     (error = put_release(out, r)) < 0))
		goto done;
	if (r->findings.len) {
		if ((done = mc_calloc(r->findings.len, 1)) == NULL)
			return mc_error_set_oom();
		if (!r->steps.len && (error = put_table(out, r, done, steps)) < 0)
			goto done;
		memset(done, 0, r->findings.len);
		if ((error = put_details(out, r, done, steps)) < 0)
			goto done;
	}
	for (size_t i = 0; i < r->notes.len; i++)
		if ((error = mc_buf_puts(out, "> **Note:** ")) < 0 ||
		    (error = put_text(out, r->notes.items[i])) < 0 ||
		    (error = mc_buf_puts(out, "\n\n")) < 0)
			goto done;
done:
	mc_free(done);
	return error;
}
