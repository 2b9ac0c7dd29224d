/*
 * split.c: the public face of the SQL splitter (see migcheck/sql.h).
 *
 * Checks the bytes every dialect must reject (NUL, invalid UTF-8, size),
 * skips a UTF-8 BOM, then hands the text to postgres.c (libpg_query) or
 * sqlite.c (own tokenizer + sqlite3_complete() + sqlite3_prepare_v2()).
 */
#include "migcheck/sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "sql_internal.h"
#include "util/banned.h"

void mc_sql__lines_init(mc_sql__lines *lc, const char *sql, unsigned first_line)
{
	lc->sql = sql;
	lc->pos = 0;
	lc->line = first_line;
}

unsigned mc_sql__line_at(mc_sql__lines *lc, size_t off)
{
	const char *p, *end;

	if (off < lc->pos) {
		/* going backwards: count from the line we know is before */
		p = lc->sql + off;
		end = lc->sql + lc->pos;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lc->line--;
			p++;
		}
		lc->pos = off;
		return lc->line;
	}
	p = lc->sql + lc->pos;
	end = lc->sql + off;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lc->line++;
		p++;
	}
	lc->pos = off;
	return lc->line;
}

int mc_sql__push(mc_sql_stmts *s,
                 size_t offset,
                 size_t len,
                 unsigned line,
                 unsigned flags)
{
	mc_sql_stmt *st;

	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		mc_sql_stmt *items;

		if (cap > ((size_t)-1) / sizeof(*items) ||
		    (items = mc_realloc(s->items, cap * sizeof(*items))) ==
		            NULL)
			return mc_error_set_oom();
		s->items = items;
		s->cap = cap;
	}
	st = &s->items[s->len++];
	st->offset = offset;
	st->len = len;
	st->line = line;
	st->flags = flags;
	s->flags |= flags;
	return 0;
}

/*
 * Parser messages quote the text "at or near" the error, which for an
 * unclosed string is the rest of the file: keep one line of at most
 * MAX_MESSAGE bytes, cut on a character boundary.
 */
#define MAX_MESSAGE 160

static void one_line(char *msg)
{
	size_t i, len = strlen(msg);

	for (i = 0; i < len; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = ' ';
	if (len <= MAX_MESSAGE)
		return;
	i = MAX_MESSAGE - 3;
	while (i > 0 && ((unsigned char)msg[i] & 0xC0) == 0x80)
		i--;
	memcpy(msg + i, "...", 4);
}

int mc_sql__parse_error(mc_sql_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char msg[MAX_MESSAGE + 64];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	if (err) {
		char *copy = mc_strdup(msg);

		if (!copy)
			return mc_error_set_oom();
		mc_sql_error_dispose(err);
		err->message = copy;
		err->line = line;
	}
	mc_error_set(MC_ERROR_INPUT, "%s", msg);
	return MC_EPARSE;
}

static size_t bom_len(const char *sql, size_t len)
{
	if (len >= 3 && (unsigned char)sql[0] == 0xEF &&
	    (unsigned char)sql[1] == 0xBB && (unsigned char)sql[2] == 0xBF)
		return 3;
	return 0;
}

/*
 * @return the offset of the first byte that is not part of a well-formed
 * UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), or
 * len when all is well.
 */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n, k;
		unsigned lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			unsigned cc = s[i + k];

			if (k == 1 ? (cc < lo || cc > hi)
			           : (cc < 0x80 || cc > 0xBF))
				return i;
		}
		i += n + 1;
	}
	return len;
}

int mc_sql_split(mc_sql_stmts **out,
                 mc_sql_error *err,
                 const char *sql,
                 size_t len,
                 mc_dialect dialect,
                 unsigned first_line)
{
	mc_sql_stmts *s = NULL;
	mc_sql__lines lc;
	const char *nul;
	size_t start, bad;
	int error;

	MC_ASSERT_ARG(out);
	MC_ASSERT_ARG(sql || len == 0);
	*out = NULL;
	if (dialect != MC_DIALECT_POSTGRES && dialect != MC_DIALECT_SQLITE)
		return mc_error_set(MC_ERROR_USAGE, "unknown SQL dialect '%s'",
		                    mc_dialect_name(dialect));
	if (!sql)
		sql = "";
	mc_sql__lines_init(&lc, sql, first_line ? first_line : 1);
	if (len > MC_SQL_MAX_LEN)
		return mc_sql__parse_error(
		        err, 0, "SQL text too large (%zu bytes, limit %u MiB)",
		        len, (unsigned)(MC_SQL_MAX_LEN >> 20));
	if ((nul = memchr(sql, '\0', len)) != NULL)
		return mc_sql__parse_error(
		        err, mc_sql__line_at(&lc, (size_t)(nul - sql)),
		        "NUL byte in SQL");
	start = bom_len(sql, len);
	bad = start +
	      utf8_invalid_at((const unsigned char *)sql + start, len - start);
	if (bad < len)
		return mc_sql__parse_error(err, mc_sql__line_at(&lc, bad),
		                           "invalid UTF-8 in SQL");

	if ((s = mc_calloc(1, sizeof(*s))) == NULL)
		return mc_error_set_oom();
	if (dialect == MC_DIALECT_POSTGRES)
		error = mc_sql__split_postgres(s, err, sql, len, start, &lc);
	else
		error = mc_sql__split_sqlite(s, err, sql, len, start, &lc);
	if (error < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	mc_sql_stmts_free(s);
	return error;
}

size_t mc_sql_stmts_count(const mc_sql_stmts *s)
{
	return s ? s->len : 0;
}

const mc_sql_stmt *mc_sql_stmts_get(const mc_sql_stmts *s, size_t i)
{
	return s && i < s->len ? &s->items[i] : NULL;
}

unsigned mc_sql_stmts_flags(const mc_sql_stmts *s)
{
	return s ? s->flags : 0;
}

void mc_sql_stmts_free(mc_sql_stmts *s)
{
	if (!s)
		return;
	mc_free(s->items);
	mc_free(s);
}

void mc_sql_error_dispose(mc_sql_error *err)
{
	if (!err)
		return;
	mc_free(err->message);
	err->message = NULL;
	err->line = 0;
}

int mc_sql_is_blank(const char *sql, size_t len, mc_dialect dialect)
{
	size_t start;

	if (!sql)
		return 1;
	start = bom_len(sql, len);
	if (dialect == MC_DIALECT_SQLITE)
		return mc_sql__is_blank_sqlite(sql + start, len - start);
	return mc_sql__is_blank_postgres(sql + start, len - start);
}

int mc_sql_tokens_equal(int *out,
                        const char *a,
                        size_t alen,
                        const char *b,
                        size_t blen,
                        mc_dialect dialect)
{
	size_t sa, sb;

	MC_ASSERT_ARG(out);
	MC_ASSERT_ARG(a || alen == 0);
	MC_ASSERT_ARG(b || blen == 0);
	*out = 0;
	if (!a)
		a = "";
	if (!b)
		b = "";
	sa = bom_len(a, alen);
	sb = bom_len(b, blen);
	a += sa;
	alen -= sa;
	b += sb;
	blen -= sb;
	if (dialect == MC_DIALECT_SQLITE)
		return mc_sql__tokens_equal_sqlite(out, a, alen, b, blen);
	if (dialect == MC_DIALECT_POSTGRES)
		return mc_sql__tokens_equal_postgres(out, a, alen, b, blen);
	return mc_error_set(MC_ERROR_USAGE, "unknown SQL dialect '%s'",
	                    mc_dialect_name(dialect));
}
