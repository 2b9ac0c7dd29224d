/* clang-format off */
/*
 * sections.c: the section parser of the single-file formats (dbmate,
 * goose, sql-migrate). It splits a file into up and down sections at the
 * marker comments and checks the markers; the SQL inside is split later
 * by mc_sql_split with the file's line numbers.
 *
 * A directive is a line "--" [blanks] PREFIX WORD [OPTION ...], PREFIX
 * being "+goose", "+migrate" or "migrate:" (matched in any case, as goose
 * does). WORD is Up, Down, StatementBegin, StatementEnd, NO TRANSACTION or
 * ENVSUB ON|OFF, as the syntax table allows; OPTIONs follow Up/Down
 * ("transaction:false", "notransaction"). Every other line is content.
 *
 * States:
 *   PREAMBLE  before the first Up or Down: licence comments and the like
 *   SECTION   inside an Up or Down section (which one is cur->part)
 *   BLOCK     inside StatementBegin ... StatementEnd in a section
 *
 * Transitions (problem = a malformed finding at the directive's line; the
 * machine still moves on so every problem of a file is reported):
 *
 *   state    | Up / Down      | StatementBegin | StatementEnd | NO TRANSACTION | unknown | end of file
 *   ---------+----------------+----------------+--------------+----------------+---------+------------
 *   PREAMBLE | SECTION        | problem        | problem      | file flag      | problem | -
 *   SECTION  | SECTION (new)  | BLOCK          | problem      | file flag      | problem | -
 *   BLOCK    | problem,       | problem        | SECTION      | file flag      | problem | problem:
 *            | SECTION (new)  | (nested)       |              |                |         | unclosed
 *
 * A new section ends the previous one at its directive line. dbmate files
 * may hold several up/down pairs; the caller joins each direction's
 * sections in file order.
 */
/* clang-format on */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

enum state { PREAMBLE, SECTION, BLOCK };

enum word {
	W_NONE = 0, /* not a directive */
	W_UP,
	W_DOWN,
	W_BEGIN,
	W_END,
	W_NOTX,
	W_ENVSUB,
	W_UNKNOWN
};

struct line {
	const char *p; /* start of line */
	size_t len;    /* without "\n" or "\r\n" */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Does p (len) start with word w, in any case, followed by a blank or the end?
 */
static int word_is(const char *p, size_t len, const char *w)
{
	size_t n = strlen(w);
	return len >= n && !strncasecmp(p, w, n) &&
	       (len == n || is_blank(p[n]));
}

/*
 * Classify a line. On a directive, *args points after the word (its
 * options) and *dlen is the directive's length for messages.
 */
static enum word classify(const struct line *l,
                          const struct mc_sections_syntax *syn,
                          const char **args,
                          size_t *alen)
{
	const char *p = l->p, *end = l->p + l->len;
	size_t plen = strlen(syn->prefix);
	enum word w;
	size_t n;

	while (p < end && is_blank(*p))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return W_NONE;
	p += 2;
	while (p < end && is_blank(*p))
		p++;
	if ((size_t)(end - p) < plen || strncasecmp(p, syn->prefix, plen))
		return W_NONE;
	p += plen;
	/* "+gooseX" is another word, not our prefix; "+goose" alone is unknown
	 */
	if (syn->word_needs_space) {
		if (p < end && !is_blank(*p))
			return W_NONE;
		while (p < end && is_blank(*p))
			p++;
	}
	n = (size_t)(end - p);
	if (word_is(p, n, "up"))
		w = W_UP, p += 2;
	else if (word_is(p, n, "down"))
		w = W_DOWN, p += 4;
	else if (syn->has_blocks && word_is(p, n, "statementbegin"))
		w = W_BEGIN, p += 14;
	else if (syn->has_blocks && word_is(p, n, "statementend"))
		w = W_END, p += 12;
	else if (syn->has_notx && word_is(p, n, "no") && n > 3 &&
	         is_blank(p[2])) {
		const char *q = p + 2;
		while (q < end && is_blank(*q))
			q++;
		if (!word_is(q, (size_t)(end - q), "transaction"))
			return W_UNKNOWN;
		w = W_NOTX, p = q + 11;
	} else if (syn->has_envsub && word_is(p, n, "envsub")) {
		w = W_ENVSUB, p += 6;
	} else
		return W_UNKNOWN;
	*args = p;
	*alen = (size_t)(end - p);
	return w;
}

static int
add_problem(struct mc_sections *s, unsigned line, const char *fmt, ...)
        MC_PRINTF(3, 4);

static int
add_problem(struct mc_sections *s, unsigned line, const char *fmt, ...)
{
	struct mc_section_problem *p;
	mc_buf msg = MC_BUF_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((p = mc_calloc(1, sizeof(*p))) == NULL) {
		mc_buf_dispose(&msg);
		return mc_error_set_oom();
	}
	p->line = line;
	p->message = mc_buf_detach(&msg);
	if ((error = mc_vec_push(&s->problems, p)) < 0) {
		mc_free(p->message);
		mc_free(p);
	}
	return error;
}

/* The directive as written, trimmed, for messages. */
static void trimmed(const struct line *l, const char **p, int *n)
{
	const char *a = l->p, *b = l->p + l->len;
	while (a < b && is_blank(*a))
		a++;
	while (b > a && (is_blank(b[-1]) || b[-1] == '\r'))
		b--;
	*p = a;
	*n = (int)(b - a);
}

/* Check the options after Up/Down; sets *notx. */
static int parse_options(struct mc_sections *s,
                         const struct line *l,
                         unsigned lineno,
                         const char *args,
                         size_t alen,
                         const struct mc_sections_syntax *syn,
                         int *notx)
{
	const char *p = args, *end = args + alen;
	int error = 0;

	while (p < end && !error) {
		const char *w;
		while (p < end && (is_blank(*p) || *p == '\r'))
			p++;
		if (p >= end)
			break;
		w = p;
		while (p < end && !is_blank(*p) && *p != '\r')
			p++;
		if (syn->notx_option &&
		    (size_t)(p - w) == strlen(syn->notx_option) &&
		    !strncasecmp(w, syn->notx_option, (size_t)(p - w)))
			*notx = 1;
		else if (syn->tx_option &&
		         (size_t)(p - w) == strlen(syn->tx_option) &&
		         !strncasecmp(w, syn->tx_option, (size_t)(p - w)))
			*notx = 0;
		else {
			const char *d;
			int dn;
			trimmed(l, &d, &dn);
			error = add_problem(s, lineno,
			                    "unknown option '%.*s' in '%.*s'",
			                    (int)(p - w), w, dn, d);
		}
	}
	return error;
}

static int open_section(struct mc_sections *s,
                        int part,
                        size_t marker,
                        size_t begin,
                        unsigned line,
                        int notx)
{
	struct mc_section *sec;
	int error;

	if ((sec = mc_calloc(1, sizeof(*sec))) == NULL)
		return mc_error_set_oom();
	sec->part = part;
	sec->marker = marker;
	sec->begin = sec->end = begin;
	sec->line = line;
	sec->no_transaction = notx;
	if ((error = mc_vec_push(&s->sections, sec)) < 0)
		mc_free(sec);
	return error;
}

int mc_sections_parse(struct mc_sections *out,
                      const char *data,
                      size_t len,
                      const struct mc_sections_syntax *syn)
{
	enum state st = PREAMBLE;
	struct mc_section *cur = NULL;
	unsigned lineno = 1, block_line = 0;
	size_t pos = 0;
	int error = 0;

	memset(out, 0, sizeof(*out));
	out->preamble_end = len;
	while (pos < len && !error) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - data) + 1 : len;
		struct line l = { data + pos,
			          (nl ? (size_t)(nl - data) : len) - pos };
		const char *args = NULL, *d;
		size_t alen = 0;
		enum word w;
		int dn, notx = 0;

		if (l.len && l.p[l.len - 1] == '\r')
			l.len--;
		w = classify(&l, syn, &args, &alen);
		if (w != W_NONE && cur)
			cur->end = pos;
		if (w != W_NONE && st == PREAMBLE && out->preamble_end == len)
			out->preamble_end = pos;
		trimmed(&l, &d, &dn);
		switch (w) {
		case W_NONE:
			break;
		case W_UP:
		case W_DOWN:
			if (st == BLOCK)
				error = add_problem(
				        out, lineno,
				        "'%.*s' inside the StatementBegin block of line %u",
				        dn, d, block_line);
			if (!error)
				error = parse_options(out, &l, lineno, args,
				                      alen, syn, &notx);
			if (!error)
				error = open_section(
				        out,
				        w == W_UP ? MC_PART_UP : MC_PART_DOWN,
				        pos, next, lineno + 1, notx);
			if (!error)
				cur = out->sections
				              .items[out->sections.len - 1];
			st = SECTION;
			break;
		case W_BEGIN:
			if (st == PREAMBLE)
				error = add_problem(
				        out, lineno,
				        "'%.*s' before the first Up or Down section",
				        dn, d);
			else if (st == BLOCK)
				error = add_problem(
				        out, lineno,
				        "'%.*s' inside the StatementBegin block of line %u",
				        dn, d, block_line);
			else {
				st = BLOCK;
				block_line = lineno;
			}
			break;
		case W_END:
			if (st != BLOCK)
				error = add_problem(
				        out, lineno,
				        "'%.*s' without a StatementBegin before it",
				        dn, d);
			else
				st = SECTION;
			break;
		case W_NOTX:
			out->no_transaction = 1;
			break;
		case W_ENVSUB:
			break;
		case W_UNKNOWN:
			error = add_problem(out, lineno,
			                    "unknown directive '%.*s'", dn, d);
			break;
		}
		/* Begin/End/NO TRANSACTION lines stay in the section: they are
		 * comments */
		if (cur)
			cur->end = next;
		pos = next;
		lineno++;
	}
	if (!error && st == BLOCK)
		error = add_problem(
		        out, block_line,
		        "'%s StatementBegin' at line %u has no StatementEnd",
		        syn->display, block_line);
	if (error)
		mc_sections_dispose(out);
	return error;
}

static void problem_free(void *p)
{
	struct mc_section_problem *pr = p;
	if (pr)
		mc_free(pr->message);
	mc_free(pr);
}

void mc_sections_dispose(struct mc_sections *s)
{
	if (!s)
		return;
	mc_vec_dispose_deep(&s->sections, mc_free);
	mc_vec_dispose_deep(&s->problems, problem_free);
}

int mc_sections_has_marker(const char *data,
                           size_t len,
                           const struct mc_sections_syntax *syn)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - data) + 1 : len;
		struct line l = { data + pos,
			          (nl ? (size_t)(nl - data) : len) - pos };
		const char *args;
		size_t alen;

		if (l.len && l.p[l.len - 1] == '\r')
			l.len--;
		if (classify(&l, syn, &args, &alen) != W_NONE)
			return 1;
		pos = next;
	}
	return 0;
}
