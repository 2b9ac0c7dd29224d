/*
 * fmt_junit.c: JUnit XML as Jenkins and GitLab read it.
 *
 *   <testsuites name="migcheck" tests failures errors skipped>
 *     <testsuite name="<section or command>" ...>
 *       <testcase name="<migration>: <code>" classname="migcheck.<suite>"
 *                 file="<path>">
 *         <failure message="<first message>" type="<code>">text</failure>
 *       </testcase>
 *
 * One testsuite per gate step (finding section), or one named after the
 * command. One testcase per migration (or file) and finding code; several
 * findings with the same key share it. Error findings fail the testcase;
 * warnings pass it and are listed in its <system-out>, since exit status 0
 * allows warnings. A report without findings is one passing testcase, so a
 * CI system shows the step ran. Notes go to the first suite's <system-out>.
 * tests/fixtures/schemas/junit.xsd describes the output.
 */
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

/* Escape s for XML 1.0 text (attr = 0) or a double-quoted attribute. */
static int put_xml(mc_buf *out, const char *s, int attr)
{
	unsigned cp;
	size_t n;
	int error = 0;

	while (*s && !error) {
		if ((n = mc_utf8_len(s, &cp)) == 0) {
			error = mc_buf_puts(out, MC_REPORT_REPLACEMENT);
			s++;
			continue;
		}
		switch (cp) {
		case '&': error = mc_buf_puts(out, "&amp;"); break;
		case '<': error = mc_buf_puts(out, "&lt;"); break;
		case '>': error = mc_buf_puts(out, "&gt;"); break;
		case '"': error = attr ? mc_buf_puts(out, "&quot;") : mc_buf_putc(out, '"'); break;
		case '\'': error = attr ? mc_buf_puts(out, "&apos;") : mc_buf_putc(out, '\''); break;
		case '\n': error = attr ? mc_buf_puts(out, "&#10;") : mc_buf_putc(out, '\n'); break;
		case '\t': error = attr ? mc_buf_puts(out, "&#9;") : mc_buf_putc(out, '\t'); break;
		case '\r': error = mc_buf_puts(out, "&#13;"); break;
		default:
			/* XML 1.0 forbids other C0 controls and U+FFFE, U+FFFF
			 * even as character references */
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				error = mc_buf_puts(out, MC_REPORT_REPLACEMENT);
			else
				error = mc_buf_put(out, s, n);
		}
		s += n;
	}
	return error;
}

static int streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int same_case(const mc_finding *a, const mc_finding *b)
{
	return streq_null(a->section, b->section) &&
	       streq_null(mc_report__subject(a), mc_report__subject(b)) &&
	       !strcmp(a->code, b->code);
}

struct suite_count {
	size_t tests, failures, skipped;
};

/* The testcase for findings[first] and every later finding with its key. */
static int put_case(mc_buf *out, const mc_report *r, size_t first,
                    const char *suite, unsigned char *done,
                    struct suite_count *count)
{
	const mc_finding *f = r->findings.items[first], *g;
	const mc_finding *first_error = NULL;
	const char *subject = mc_report__subject(f);
	mc_buf errs = MC_BUF_INIT, warns = MC_BUF_INIT;
	size_t nerrors = 0;
	int error = 0;

	for (size_t i = first; i < r->findings.len && !error; i++) {
		g = r->findings.items[i];
		if (done[i] || !same_case(f, g))
			continue;
		done[i] = 1;
		if (g->severity == MC_SEV_ERROR) {
			if (!first_error)
				first_error = g;
			nerrors++;
			error = mc_report__put_plain(&errs, g);
		} else {
			error = mc_report__put_plain(&warns, g);
		}
	}
	if (error)
		goto done;
	count->tests++;
	if (nerrors)
		count->failures++;
	if ((error = mc_buf_puts(out, "    <testcase name=\"")) < 0 ||
	    (subject && ((error = put_xml(out, subject, 1)) < 0 ||
	                 (error = mc_buf_puts(out, ": ")) < 0)) ||
	    (error = put_xml(out, f->code, 1)) < 0 ||
	    (error = mc_buf_puts(out, "\" classname=\"migcheck.")) < 0 ||
	    (error = put_xml(out, suite, 1)) < 0 ||
	    (error = mc_buf_putc(out, '"')) < 0)
		goto done;
	if (f->file && ((error = mc_buf_puts(out, " file=\"")) < 0 ||
	                (error = put_xml(out, f->file, 1)) < 0 ||
	                (error = mc_buf_putc(out, '"')) < 0))
		goto done;
	if ((error = mc_buf_puts(out, ">\n")) < 0)
		goto done;
	if (first_error) {
		if ((error = mc_buf_puts(out, "      <failure message=\"")) < 0 ||
		    (nerrors > 1 &&
		     (error = mc_buf_printf(out, "%zu findings: ", nerrors)) < 0) ||
		    (error = put_xml(out, first_error->message, 1)) < 0 ||
		    (error = mc_buf_puts(out, "\" type=\"")) < 0 ||
		    (error = put_xml(out, f->code, 1)) < 0 ||
		    (error = mc_buf_puts(out, "\">")) < 0 ||
		    (error = put_xml(out, mc_buf_cstr(&errs), 0)) < 0 ||
		    (error = mc_buf_puts(out, "</failure>\n")) < 0)
			goto done;
	}
	if (warns.size &&
	    ((error = mc_buf_puts(out, "      <system-out>")) < 0 ||
	     (error = put_xml(out, mc_buf_cstr(&warns), 0)) < 0 ||
	     (error = mc_buf_puts(out, "</system-out>\n")) < 0))
		goto done;
	error = mc_buf_puts(out, "    </testcase>\n");
done:
	mc_buf_dispose(&errs);
	mc_buf_dispose(&warns);
	return error;
}

/* One <testsuite> holding the findings whose section is section. */
/* 1 when a finding of section is about subject (a migration version). */
static int has_finding(const mc_report *r, const char *section,
                       const char *subject)
{
	for (size_t i = 0; i < r->findings.len; i++) {
		const mc_finding *f = r->findings.items[i];
		if (streq_null(f->section, section) &&
		    streq_null(mc_report__subject(f), subject))
			return 1;
	}
	return 0;
}

/* A passing testcase "<name>" (or one skipped with a message). */
static int put_simple_case(mc_buf *out, const char *name, const char *suite,
                           const char *file, const char *skipped)
{
	int error;

	if ((error = mc_buf_puts(out, "    <testcase name=\"")) < 0 ||
	    (error = put_xml(out, name, 1)) < 0 ||
	    (error = mc_buf_puts(out, "\" classname=\"migcheck.")) < 0 ||
	    (error = put_xml(out, suite, 1)) < 0 ||
	    (error = mc_buf_putc(out, '"')) < 0)
		return error;
	if (file && ((error = mc_buf_puts(out, " file=\"")) < 0 ||
	             (error = put_xml(out, file, 1)) < 0 ||
	             (error = mc_buf_putc(out, '"')) < 0))
		return error;
	if (!skipped)
		return mc_buf_puts(out, "/>\n");
	if ((error = mc_buf_puts(out, ">\n      <skipped message=\"")) < 0 ||
	    (error = put_xml(out, skipped, 1)) < 0)
		return error;
	return mc_buf_puts(out, "\"/>\n    </testcase>\n");
}

/* One <testsuite> holding the findings whose section is section; for a
 * gate step (step_index < steps.len) also a passing testcase for each
 * subject without findings, or one skipped testcase when it did not run. */
static int put_suite(mc_buf *out, const mc_report *r, const char *section,
                     size_t step_index, unsigned char *done, int with_notes,
                     struct suite_count *total)
{
	const char *name = section ? section : r->command;
	const struct mc_report_step *step = mc_vec_get(&r->steps, step_index);
	struct suite_count count = { 0, 0, 0 };
	size_t skipped = 0;
	mc_buf cases = MC_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		if (!done[i] && streq_null(f->section, section))
			error = put_case(&cases, r, i, name, done, &count);
	}
	if (!error && step && (step->status == MC_STEP_SKIPPED ||
	                       step->status == MC_STEP_NOT_RUN)) {
		char *what = mc_asprintf("%s %s%s%s", name,
		                         step->status == MC_STEP_SKIPPED ? "skipped"
		                                                         : "not run",
		                         step->detail ? ": " : "",
		                         step->detail ? step->detail : "");
		if (!what)
			error = mc_error_set_oom();
		else
			error = put_simple_case(&cases, name, name, NULL, what);
		mc_free(what);
		count.tests++;
		skipped++;
	} else if (!error && step && step->status != MC_STEP_UNAVAILABLE) {
		for (size_t i = 0; i < r->subjects.len && !error; i++) {
			const struct mc_report_subject *su = r->subjects.items[i];
			char *cname;
			if (has_finding(r, section, su->migration))
				continue;
			if ((cname = mc_asprintf("%s: %s", su->migration, name)) == NULL) {
				error = mc_error_set_oom();
				break;
			}
			error = put_simple_case(&cases, cname, name, su->file, NULL);
			mc_free(cname);
			count.tests++;
		}
	}
	if (!error && count.tests == 0) {
		count.tests = 1;
		if ((error = mc_buf_puts(&cases, "    <testcase name=\"")) < 0 ||
		    (error = put_xml(&cases, name, 1)) < 0 ||
		    (error = mc_buf_puts(&cases, ": no findings\" classname=\"migcheck.")) < 0 ||
		    (error = put_xml(&cases, name, 1)) < 0 ||
		    (error = mc_buf_puts(&cases, "\"/>\n")) < 0)
			goto done;
	}
	if (error)
		goto done;
	if ((error = mc_buf_puts(out, "  <testsuite name=\"")) < 0 ||
	    (error = put_xml(out, name, 1)) < 0 ||
	    (error = mc_buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
	                           count.tests, count.failures, skipped)) < 0 ||
	    (error = mc_buf_put(out, cases.ptr, cases.size)) < 0)
		goto done;
	if (with_notes && r->notes.len) {
		if ((error = mc_buf_puts(out, "    <system-out>")) < 0)
			goto done;
		for (size_t i = 0; i < r->notes.len && !error; i++)
			if ((error = mc_buf_puts(out, "note: ")) < 0 ||
			    (error = put_xml(out, r->notes.items[i], 0)) < 0 ||
			    (error = mc_buf_putc(out, '\n')) < 0)
				goto done;
		if ((error = mc_buf_puts(out, "</system-out>\n")) < 0)
			goto done;
	}
	if ((error = mc_buf_puts(out, "  </testsuite>\n")) < 0)
		goto done;
	total->tests += count.tests;
	total->failures += count.failures;
	total->skipped += skipped;
done:
	mc_buf_dispose(&cases);
	return error;
}

int mc_report__render_junit(mc_buf *out, const mc_report *r)
{
	struct suite_count total = { 0, 0, 0 };
	unsigned char *done = NULL;
	mc_buf suites = MC_BUF_INIT;
	int error = 0, nsuites = 0;

	if (r->findings.len &&
	    (done = mc_calloc(r->findings.len, 1)) == NULL)
		return mc_error_set_oom();
	/* a gate's steps in order, then suites in the order their first
	 * (remaining) finding appears */
	for (size_t i = 0; i < r->steps.len && !error; i++) {
		const struct mc_report_step *st = r->steps.items[i];
		error = put_suite(&suites, r, st->name, i, done, nsuites == 0, &total);
		nsuites++;
	}
	for (size_t i = 0; i < r->findings.len && !error; i++) {
		const mc_finding *f = r->findings.items[i];
		if (done[i])
			continue;
		error = put_suite(&suites, r, f->section, (size_t)-1, done,
		                  nsuites == 0, &total);
		nsuites++;
	}
	if (!error && nsuites == 0)
		error = put_suite(&suites, r, NULL, (size_t)-1, done, 1, &total);
	if (error)
		goto done;
	if ((error = mc_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                              "<testsuites name=\"migcheck ")) < 0 ||
	    (error = put_xml(out, r->command, 1)) < 0 ||
	    (error = mc_buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
	                           total.tests, total.failures, total.skipped)) < 0 ||
	    (error = mc_buf_put(out, suites.ptr, suites.size)) < 0 ||
	    (error = mc_buf_puts(out, "</testsuites>\n")) < 0)
		goto done;
done:
	mc_free(done);
	mc_buf_dispose(&suites);
	return error;
}
