/*
 * goose.c: a goose section split as goose sends it (see migcheck/sql.h,
 * mc_sql_split_goose). goose reads a section line by line:
 *
 *   - a line "-- ... +goose ..." is an annotation, never SQL;
 *   - before a statement, comment lines and empty lines are skipped;
 *   - between StatementBegin and StatementEnd every line is the one
 *     statement, sent when StatementEnd comes, ';' or not;
 *   - elsewhere a statement ends at the line whose last word before a
 *     word starting with "--" ends with ';' (so "SELECT 1; SELECT 2;" on
 *     one line is one statement, and a ';' at the end of a line inside a
 *     dollar-quoted body ends it there);
 *   - text left over at the end is an error ("missing semicolon?").
 *
 * Each statement is then checked by mc_sql_split, which gives its flags.
 */
#include "migcheck/sql.h"

#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "sql_internal.h"
#include "util/banned.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* "-- +goose <word>": 1 StatementBegin, 2 StatementEnd, 3 another
 * annotation; 0 when the line is not one (goose: it starts with "--"
 * and holds "+goose") */
static int annotation(const char *p, const char *end)
{
	const char *g;
	while (p < end && blank(*p))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return 0;
	for (g = p; g + 6 <= end; g++)
		if (!memcmp(g, "+goose", 6))
			break;
	if (g + 6 > end)
		return 0;
	g += 6;
	while (g < end && blank(*g))
		g++;
	if ((size_t)(end - g) >= 14 && !strncasecmp(g, "statementbegin", 14))
		return 1;
	if ((size_t)(end - g) >= 12 && !strncasecmp(g, "statementend", 12))
		return 2;
	return 3;
}

static int comment_or_empty(const char *p, const char *end)
{
	if (p == end)
		return 1; /* goose: only "" is skipped, not a line of blanks */
	while (p < end && blank(*p))
		p++;
	return end - p >= 2 && p[0] == '-' && p[1] == '-';
}

/* goose's endsWithSemicolon: the last word before a "--" word ends with ';' */
static int ends_with_semicolon(const char *p, const char *end)
{
	const char *last_end = NULL;
	while (p < end) {
		const char *w;
		while (p < end && (blank(*p) || *p == '\n'))
			p++;
		if (p >= end)
			break;
		w = p;
		while (p < end && !blank(*p) && *p != '\n')
			p++;
		if (p - w >= 2 && w[0] == '-' && w[1] == '-')
			break;
		last_end = p;
	}
	return last_end && last_end[-1] == ';';
}

/* Push sql[from, to) trimmed, checked by the dialect's splitter. */
static int emit(mc_sql_stmts *out, mc_sql_error *err, const char *sql,
                size_t from, size_t to, mc_sql__lines *lc, mc_dialect d,
                int block)
{
	mc_sql_stmts *one = NULL;
	mc_sql_error e1 = MC_SQL_ERROR_INIT;
	unsigned line, last;
	int error;

	while (from < to && (blank(sql[from]) || sql[from] == '\n'))
		from++;
	while (to > from && (blank(sql[to - 1]) || sql[to - 1] == '\n'))
		to--;
	if (from == to)
		return 0;
	line = mc_sql__line_at(lc, from);
	last = mc_sql__line_at(lc, to - 1);
	error = mc_sql_split(&one, &e1, sql + from, to - from, d, line);
	if (error == MC_EPARSE) {
		if (block)
			error = mc_sql__parse_error(err, e1.line ? e1.line : line,
			                            "%s", e1.message ? e1.message : "syntax error");
		else
			error = mc_sql__parse_error(
			        err, e1.line ? e1.line : line,
			        "goose cuts lines %u-%u off as one statement where a ';' ends a line (wrap it in StatementBegin/End): %s",
			        line, last, e1.message ? e1.message : "syntax error");
	}
	if (error == 0)
		error = mc_sql__push(out, from, to - from, line,
		                     mc_sql_stmts_flags(one));
	mc_sql_stmts_free(one);
	mc_sql_error_dispose(&e1);
	return error;
}

int mc_sql_split_goose(mc_sql_stmts **out,
                       mc_sql_error *err,
                       const char *sql,
                       size_t len,
                       mc_dialect dialect,
                       unsigned first_line)
{
	mc_sql_stmts *s;
	mc_sql__lines lc;
	size_t pos = 0, start = 0;
	int in_block = 0, started = 0, error = 0;

	MC_ASSERT_ARG(out);
	MC_ASSERT_ARG(sql || len == 0);
	*out = NULL;
	if (!sql)
		sql = "";
	if (len > MC_SQL_MAX_LEN || memchr(sql, '\0', len))
		return mc_sql_split(out, err, sql, len, dialect, first_line);
	if ((s = mc_calloc(1, sizeof(*s))) == NULL)
		return mc_error_set_oom();
	mc_sql__lines_init(&lc, sql, first_line ? first_line : 1);
	if (len >= 3 && !memcmp(sql, "\xEF\xBB\xBF", 3))
		pos = 3;
	while (pos < len && !error) {
		const char *nl = memchr(sql + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - sql) : len;
		size_t next = nl ? end + 1 : len;
		size_t e = end;
		int a;

		if (e > pos && sql[e - 1] == '\r')
			e--;
		a = annotation(sql + pos, sql + e);
		if (a == 1) {
			in_block = 1;
		} else if (a == 2) {
			if (in_block && started)
				error = emit(s, err, sql, start, pos, &lc, dialect, 1);
			in_block = started = 0;
		} else if (a == 0) {
			if (!started && comment_or_empty(sql + pos, sql + e)) {
				pos = next;
				continue;
			}
			if (!started) {
				started = 1;
				start = pos;
			}
			if (!in_block && ends_with_semicolon(sql + pos, sql + e)) {
				error = emit(s, err, sql, start, e, &lc, dialect, 0);
				started = 0;
			}
		}
		pos = next;
	}
	if (!error && started) {
		size_t k = start;
		while (k < len && (blank(sql[k]) || sql[k] == '\n'))
			k++;
		if (k < len && !in_block)
			error = mc_sql__parse_error(
			        err, mc_sql__line_at(&lc, k),
			        "goose stops here: this statement does not end with a ';' at the end of a line (goose: 'missing semicolon?')");
		else if (k < len)
			error = emit(s, err, sql, start, len, &lc, dialect, 1);
	}
	if (error < 0) {
		mc_sql_stmts_free(s);
		return error;
	}
	*out = s;
	return 0;
}
