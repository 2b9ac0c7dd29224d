/*
 * ident.c: database object names and database-made SQL text put into SQL
 * that a user pastes into psql or sqlite3 (drift --sql). A name is quoted
 * as the server's quote_ident() would; a name with a control character is
 * spelled with PostgreSQL's U&"..." escapes, since printed raw it would
 * drive the user's terminal (SQLite has no escapes in identifiers: such a
 * name cannot be spelled at all).
 */
#include "migcheck/sql.h"

#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <sqlite3.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "util/banned.h"

static int is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/*
 * 1 for a lower-case identifier that the server's scanner takes as one
 * name, else 0; MC_ENOMEM.
 */
static int plain(const char *s, size_t n, mc_dialect d)
{
	PgQueryScanResult raw;
	PgQuery__ScanResult *r;
	char *copy;
	int ok;

	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	if (d == MC_DIALECT_SQLITE)
		return n <= 0x7fffffff && !sqlite3_keyword_check(s, (int)n);
	/* PostgreSQL: no keyword but unreserved ones, as quote_ident() */
	if (n > 63)
		return 0; /* the server would cut it: quoted, it stays whole */
	if ((copy = mc_strndup(s, n)) == NULL)
		return mc_error_set_oom();
	raw = pg_query_scan(copy);
	r = raw.error ? NULL
	              : pg_query__scan_result__unpack(
	                        NULL, raw.pbuf.len,
	                        (const uint8_t *)raw.pbuf.data);
	ok = r && r->n_tokens == 1 && r->tokens[0]->start == 0 &&
	     r->tokens[0]->end == (int32_t)n &&
	     (r->tokens[0]->keyword_kind ==
	              PG_QUERY__KEYWORD_KIND__NO_KEYWORD ||
	      r->tokens[0]->keyword_kind ==
	              PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD);
	if (r)
		pg_query__scan_result__free_unpacked(r, NULL);
	pg_query_free_scan_result(raw);
	mc_free(copy);
	return ok;
}

int mc_sql_quote_ident(mc_buf *out,
                       const char *name,
                       size_t len,
                       mc_dialect dialect)
{
	mc_buf q = MC_BUF_INIT;
	int unicode = 0, error = 0;
	unsigned cp;
	size_t n;

	MC_ASSERT_ARG(out && name);
	if ((error = plain(name, len, dialect)) < 0)
		return error;
	if (error)
		return mc_buf_put(out, name, len);
	for (size_t i = 0; i < len; i += n) {
		if (!name[i] || (n = mc_utf8_len(name + i, &cp)) == 0 ||
		    i + n > len)
			goto unspellable;
		if (is_control(cp))
			unicode = 1;
	}
	if (unicode && dialect != MC_DIALECT_POSTGRES)
		goto unspellable;
	error = mc_buf_puts(&q, unicode ? "U&\"" : "\"");
	for (size_t i = 0; i < len && !error; i += n) {
		n = mc_utf8_len(name + i, &cp);
		if (name[i] == '"')
			error = mc_buf_puts(&q, "\"\"");
		else if (unicode && name[i] == '\\')
			error = mc_buf_puts(&q, "\\\\");
		else if (is_control(cp))
			error = mc_buf_printf(&q, "\\%04X", cp);
		else
			error = mc_buf_put(&q, name + i, n);
	}
	if (!error && (error = mc_buf_putc(&q, '"')) == 0)
		error = mc_buf_put(out, q.ptr, q.size);
	mc_buf_dispose(&q);
	return error < 0 ? mc_error_set_oom() : 0;
unspellable:
	return mc_error_set(
	        MC_ERROR_INPUT,
	        "%s cannot write a name with a control character or bytes that are not UTF-8",
	        dialect == MC_DIALECT_POSTGRES ? "PostgreSQL" : "SQLite");
}

int mc_sql_fragment_safe(const char *text, mc_dialect dialect)
{
	char quote = 0;
	unsigned cp;
	size_t n;

	for (const char *p = text; *p; p += n) {
		if ((n = mc_utf8_len(p, &cp)) == 0 || is_control(cp))
			return 0;
		if (quote) {
			if (*p == quote && p[1] == quote)
				n = 2; /* doubled: still inside */
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == ';' || *p == '\\' ||
		         (*p == '-' && p[1] == '-') ||
		         (*p == '/' && p[1] == '*') || *p == '$' ||
		         (dialect == MC_DIALECT_SQLITE &&
		          (*p == '[' || *p == '`')))
			return 0;
	}
	return !quote;
}
