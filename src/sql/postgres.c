/*
 * postgres.c: splitting PostgreSQL scripts with libpg_query, the server's
 * own parser.
 *
 * pg_query_split_with_parser() finds the statements and rejects syntax
 * errors. Its ranges start right after the previous ';', so each statement
 * is moved to its first token past space and comments (skip_space, the
 * scanner's own rules). pg_query_scan() gives the token stream (protobuf,
 * decoded with libprotobuf-c) of the statements whose first words may
 * carry a flag, and of a last statement without ';' to find its end: the
 * flags come from keyword tokens, so words in comments, strings, dollar
 * quotes and quoted identifiers never count.
 *
 * libpg_query allocates in a per-thread memory context and frees each
 * call's memory in its pg_query_free_*() function; the top context lives
 * until the thread exits (or pg_query_exit()), which is why we never call
 * pg_query_exit() here: another caller on this thread may still parse.
 */
#include "migcheck/sql.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "sql_internal.h"
#include "util/banned.h"

typedef PgQuery__ScanToken tok_t;

static int is_comment(const tok_t *t)
{
	return t->token == PG_QUERY__TOKEN__SQL_COMMENT ||
	       t->token == PG_QUERY__TOKEN__C_COMMENT;
}

/* PostgreSQL 15's scanner: space [ \t\n\r\f] */
static int pg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * @return the offset of the first byte after i that is neither whitespace
 * nor inside a comment (n at the end), or (size_t)-1 when a block comment
 * is not closed. Block comments nest in PostgreSQL.
 */
static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n) {
		if (pg_space(s[i])) {
			i++;
		} else if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t depth = 1;

			i += 2;
			while (depth > 0) {
				if (i + 1 >= n)
					return (size_t)-1;
				if (s[i] == '/' && s[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (s[i] == '*' && s[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			}
		} else {
			break;
		}
	}
	return i;
}

int mc_sql__is_blank_postgres(const char *sql, size_t len)
{
	return skip_space(sql, 0, len) == len;
}

/*
 * PostgreSQL's scanner matches a whole run of operator characters (scan.l
 * op_chars) and then may keep only its first one or two: "+++" is three
 * "+", each cut from a fresh match of the rest of the run, and each "/" "*"
 * inside a comment starts the same way. A run of L characters can so cost
 * L*L steps (20 KB of "+" take ten seconds). Runs longer than RUN_FREE
 * count L*L against RUN_BUDGET, which no real script comes near; past it
 * the text is refused instead of hanging the tool.
 */
#define RUN_FREE   256
#define RUN_BUDGET 10000000ull

static int op_char(char c)
{
	return c != '\0' && strchr("~!@#^&|`?+-*/%<>=", c) != NULL;
}

/* @return the offset of the run that exhausts the budget, or (size_t)-1 */
static size_t costly_operator_run(const char *s, size_t n, size_t *run_len)
{
	unsigned long long cost = 0;
	size_t i = 0;

	while (i < n) {
		size_t j;

		if (!op_char(s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && op_char(s[j]); j++)
			;
		if (j - i > RUN_FREE) {
			cost += (unsigned long long)(j - i) * (j - i);
			if (cost > RUN_BUDGET) {
				*run_len = j - i;
				return i;
			}
		}
		i = j;
	}
	return (size_t)-1;
}

/* @return the byte offset of the chars-th character (0-based) of s */
static size_t char_to_byte(const char *s, size_t n, size_t chars)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == 0)
				return i;
			chars--;
		}
	}
	return n;
}

/*
 * The end of token i: where the next token (comments included) starts,
 * less the space before it. The scanner's own "end" is wrong for some
 * tokens (U&'...' strings come out empty), its "start" never is.
 */
static size_t
tok_end(const PgQuery__ScanResult *r, size_t i, const char *text, size_t n)
{
	size_t start = (size_t)r->tokens[i]->start;
	size_t end = i + 1 < r->n_tokens ? (size_t)r->tokens[i + 1]->start : n;

	while (end > start + 1 && pg_space(text[end - 1]))
		end--;
	return end;
}

/* Significant tokens of one statement, for deciding its flags. */
typedef struct {
	const PgQuery__ScanResult *r;
	const size_t *idx; /* indexes in r->tokens */
	size_t n;
} stmt_toks;

static int kind(const stmt_toks *st, size_t i)
{
	return i < st->n ? (int)st->r->tokens[st->idx[i]]->token : -1;
}

static int has(const stmt_toks *st, int token)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (kind(st, i) == token)
			return 1;
	return 0;
}

/* @return 1 when token a is directly followed by token b somewhere */
static int has_pair(const stmt_toks *st, int a, int b)
{
	size_t i;

	for (i = 0; i + 1 < st->n; i++)
		if (kind(st, i) == a && kind(st, i + 1) == b)
			return 1;
	return 0;
}

/* the first token after a parenthesized option list starting at i */
static size_t skip_parens(const stmt_toks *st, size_t i)
{
	size_t depth = 0;

	if (kind(st, i) != PG_QUERY__TOKEN__ASCII_40)
		return i;
	for (; i < st->n; i++) {
		if (kind(st, i) == PG_QUERY__TOKEN__ASCII_40)
			depth++;
		else if (kind(st, i) == PG_QUERY__TOKEN__ASCII_41 &&
		         --depth == 0)
			return i + 1;
	}
	return i;
}

/*
 * The MC_STMT_* flags of a statement, from its keyword tokens (st excludes
 * comments and the terminating ';'):
 *
 *   BEGIN, START TRANSACTION, COMMIT, END, ABORT, ROLLBACK (not ROLLBACK TO
 *   a savepoint), PREPARE TRANSACTION          -> TRANSACTION_CONTROL
 *   COMMIT PREPARED, ROLLBACK PREPARED         -> both flags
 *   CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY,
 *   REINDEX ... CONCURRENTLY, REINDEX DATABASE/SYSTEM, VACUUM,
 *   CREATE/DROP DATABASE, CREATE/DROP TABLESPACE, ALTER SYSTEM,
 *   ALTER DATABASE ... SET TABLESPACE, ALTER TABLE ... DETACH PARTITION ...
 *   CONCURRENTLY, CLUSTER without a table      -> NO_TRANSACTION
 *
 * ALTER TYPE ... ADD VALUE runs in a transaction since PostgreSQL 12 and
 * SAVEPOINT/RELEASE/ROLLBACK TO work inside the runner's transaction.
 */
static unsigned stmt_flags(const stmt_toks *st)
{
	int k0 = kind(st, 0), k1 = kind(st, 1), k2 = kind(st, 2);
	size_t i;

	switch (k0) {
	case PG_QUERY__TOKEN__BEGIN_P:
	case PG_QUERY__TOKEN__START:
	case PG_QUERY__TOKEN__END_P:
	case PG_QUERY__TOKEN__ABORT_P:
		return MC_STMT_TRANSACTION_CONTROL;
	case PG_QUERY__TOKEN__COMMIT:
	case PG_QUERY__TOKEN__ROLLBACK:
		if (k1 == PG_QUERY__TOKEN__PREPARED)
			return MC_STMT_TRANSACTION_CONTROL |
			       MC_STMT_NO_TRANSACTION;
		if (k1 == PG_QUERY__TOKEN__TO ||
		    ((k1 == PG_QUERY__TOKEN__WORK ||
		      k1 == PG_QUERY__TOKEN__TRANSACTION) &&
		     k2 == PG_QUERY__TOKEN__TO))
			return 0;
		return MC_STMT_TRANSACTION_CONTROL;
	case PG_QUERY__TOKEN__PREPARE:
		return k1 == PG_QUERY__TOKEN__TRANSACTION
		               ? MC_STMT_TRANSACTION_CONTROL
		               : 0;
	case PG_QUERY__TOKEN__VACUUM:
		return MC_STMT_NO_TRANSACTION;
	case PG_QUERY__TOKEN__CREATE:
		if (k1 == PG_QUERY__TOKEN__UNIQUE) {
			k1 = k2;
			k2 = kind(st, 3);
		}
		if (k1 == PG_QUERY__TOKEN__INDEX &&
		    k2 == PG_QUERY__TOKEN__CONCURRENTLY)
			return MC_STMT_NO_TRANSACTION;
		if (k1 == PG_QUERY__TOKEN__DATABASE ||
		    k1 == PG_QUERY__TOKEN__TABLESPACE)
			return MC_STMT_NO_TRANSACTION;
		return 0;
	case PG_QUERY__TOKEN__DROP:
		if ((k1 == PG_QUERY__TOKEN__INDEX &&
		     k2 == PG_QUERY__TOKEN__CONCURRENTLY) ||
		    k1 == PG_QUERY__TOKEN__DATABASE ||
		    k1 == PG_QUERY__TOKEN__TABLESPACE)
			return MC_STMT_NO_TRANSACTION;
		return 0;
	case PG_QUERY__TOKEN__REINDEX:
		i = skip_parens(st, 1);
		if (has(st, PG_QUERY__TOKEN__CONCURRENTLY) ||
		    kind(st, i) == PG_QUERY__TOKEN__DATABASE ||
		    kind(st, i) == PG_QUERY__TOKEN__SYSTEM_P)
			return MC_STMT_NO_TRANSACTION;
		return 0;
	case PG_QUERY__TOKEN__ALTER:
		if (k1 == PG_QUERY__TOKEN__SYSTEM_P)
			return MC_STMT_NO_TRANSACTION;
		if (k1 == PG_QUERY__TOKEN__DATABASE &&
		    has_pair(st, PG_QUERY__TOKEN__SET,
		             PG_QUERY__TOKEN__TABLESPACE))
			return MC_STMT_NO_TRANSACTION;
		if (k1 == PG_QUERY__TOKEN__TABLE &&
		    has_pair(st, PG_QUERY__TOKEN__DETACH,
		             PG_QUERY__TOKEN__PARTITION) &&
		    has(st, PG_QUERY__TOKEN__CONCURRENTLY))
			return MC_STMT_NO_TRANSACTION;
		return 0;
	case PG_QUERY__TOKEN__CLUSTER:
		i = skip_parens(st, 1);
		if (kind(st, i) == PG_QUERY__TOKEN__VERBOSE)
			i++;
		return i >= st->n ? MC_STMT_NO_TRANSACTION : 0;
	default:
		return 0;
	}
}

static int is_copy_from_stdin(const stmt_toks *st)
{
	return kind(st, 0) == PG_QUERY__TOKEN__COPY &&
	       has_pair(st, PG_QUERY__TOKEN__FROM, PG_QUERY__TOKEN__STDIN);
}

/*
 * Scan text (NUL-terminated). @return 0 with *out set, MC_EPARSE when the
 * scanner fails (message in raw->error), or MC_ENOMEM. The caller frees
 * *raw with pg_query_free_scan_result() whatever the result.
 */
static int
scan(PgQuery__ScanResult **out, PgQueryScanResult *raw, const char *text)
{
	*out = NULL;
	*raw = pg_query_scan(text);
	if (raw->error)
		return MC_EPARSE;
	*out = pg_query__scan_result__unpack(NULL, raw->pbuf.len,
	                                     (const uint8_t *)raw->pbuf.data);
	if (!*out)
		return mc_error_set_oom();
	return 0;
}

/*
 * Before a syntax error at byte err_off: was there a COPY ... FROM STDIN,
 * whose inline data the parser just choked on? @return its offset in
 * text, or (size_t)-1.
 */
static size_t find_copy_stdin(char *text, size_t err_off)
{
	PgQueryScanResult raw;
	PgQuery__ScanResult *toks = NULL;
	char saved = text[err_off];
	size_t i, found = (size_t)-1, stmt_start = 0;
	int first = -1, prev = -1, copy_stdin = 0;

	text[err_off] = '\0';
	if (scan(&toks, &raw, text) < 0)
		goto done;
	for (i = 0; i < toks->n_tokens; i++) {
		const tok_t *t = toks->tokens[i];

		if (is_comment(t))
			continue;
		if (t->token == PG_QUERY__TOKEN__ASCII_59) {
			if (copy_stdin)
				found = stmt_start;
			first = prev = -1;
			copy_stdin = 0;
			continue;
		}
		if (first == -1) {
			first = (int)t->token;
			stmt_start = (size_t)t->start;
		}
		if (first == PG_QUERY__TOKEN__COPY &&
		    prev == PG_QUERY__TOKEN__FROM &&
		    t->token == PG_QUERY__TOKEN__STDIN)
			copy_stdin = 1;
		prev = (int)t->token;
	}
done:
	text[err_off] = saved;
	if (toks)
		pg_query__scan_result__free_unpacked(toks, NULL);
	pg_query_free_scan_result(raw);
	return found;
}

static int syntax_error(mc_sql_error *err,
                        char *text,
                        size_t n,
                        const PgQueryError *pgerr,
                        size_t start,
                        mc_sql__lines *lc)
{
	size_t off, copy_at;
	unsigned line = 0;

	if (pgerr->cursorpos <= 0)
		return mc_sql__parse_error(err, 0, "%s", pgerr->message);
	off = char_to_byte(text, n, (size_t)pgerr->cursorpos - 1);
	/* "at end of input": the line of the last byte that is not space */
	if (off >= n)
		while (off > 0 && pg_space(text[off - 1]))
			off--;
	if ((copy_at = find_copy_stdin(text, off)) != (size_t)-1)
		return mc_sql__parse_error(
		        err, mc_sql__line_at(lc, start + copy_at),
		        "COPY FROM STDIN is not supported: its data is not SQL");
	line = mc_sql__line_at(lc, start + off);
	return mc_sql__parse_error(err, line, "%s", pgerr->message);
}

/* the word (keyword or identifier) at text[i..), as its length; 0 if none */
static size_t word_at(const char *text, size_t i, size_t n)
{
	size_t j = i;
	unsigned char c;

	if (i >= n)
		return 0;
	c = (unsigned char)text[i];
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	      c >= 0x80))
		return 0;
	for (j = i + 1; j < n; j++) {
		c = (unsigned char)text[j];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == '$' || (c >= '0' && c <= '9') ||
		      c >= 0x80))
			break;
	}
	return j - i;
}

static int word_in(const char *w, size_t wl, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == wl && !strncasecmp(w, *list, wl))
			return 1;
	return 0;
}

/*
 * Can the statement whose first token is at text[off] have a flag, or be
 * COPY? Only when its first words are keywords that stmt_flags() or
 * is_copy_from_stdin() look at. Keywords are plain ASCII words (a quoted
 * word is an identifier) and only space and comments come between them,
 * so the first two words tell; the scanner then decides. This spares
 * scanning the INSERTs and CREATE TABLEs that make up big scripts.
 */
static int may_have_flags(const char *text, size_t off, size_t end)
{
	static const char *const first[] = { "begin",   "start",  "end",
		                             "abort",   "commit", "rollback",
		                             "prepare", "vacuum", "reindex",
		                             "cluster", "copy",   NULL };
	static const char *const create[] = { "create", NULL };
	static const char *const after_create[] = { "unique", "index",
		                                    "database", "tablespace",
		                                    NULL };
	static const char *const drop[] = { "drop", NULL };
	static const char *const after_drop[] = { "index", "database",
		                                  "tablespace", NULL };
	static const char *const alter[] = { "alter", NULL };
	static const char *const after_alter[] = { "system", "database",
		                                   "table", NULL };
	size_t wl = word_at(text, off, end), second, sl;

	if (wl == 0)
		return 0;
	if (word_in(text + off, wl, first))
		return 1;
	second = skip_space(text, off + wl, end);
	if (second == (size_t)-1 || (sl = word_at(text, second, end)) == 0)
		return 0;
	if (word_in(text + off, wl, create))
		return word_in(text + second, sl, after_create);
	if (word_in(text + off, wl, drop))
		return word_in(text + second, sl, after_drop);
	if (word_in(text + off, wl, alter))
		return word_in(text + second, sl, after_alter);
	return 0;
}

/*
 * Scan one statement, text[off..end) (end is where its ';' or the text
 * ends), for its flags and, when it has no ';', where its last token ends.
 */
static int scan_statement(unsigned *flags,
                          size_t *last_end,
                          int *is_copy,
                          char *text,
                          size_t off,
                          size_t end)
{
	PgQueryScanResult raw;
	PgQuery__ScanResult *toks = NULL;
	size_t *sig = NULL, nsig = 0, k;
	stmt_toks st;
	char saved = text[end];
	int error;

	text[end] = '\0';
	error = scan(&toks, &raw, text + off);
	text[end] = saved;
	if (error == MC_EPARSE) /* the parser took what its scanner refuses? */
		error = mc_error_set(
		        MC_ERROR_INPUT,
		        "cannot scan a statement the parser accepted: %s",
		        raw.error->message);
	if (error < 0)
		goto done;
	if ((sig = mc_calloc(toks->n_tokens, sizeof(*sig))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (k = 0; k < toks->n_tokens; k++)
		if (!is_comment(toks->tokens[k]))
			sig[nsig++] = k;
	st.r = toks;
	st.idx = sig;
	st.n = nsig;
	*flags = stmt_flags(&st);
	*is_copy = is_copy_from_stdin(&st);
	*last_end =
	        nsig ? off + tok_end(toks, sig[nsig - 1], text + off, end - off)
	             : off;
done:
	mc_free(sig);
	if (toks)
		pg_query__scan_result__free_unpacked(toks, NULL);
	pg_query_free_scan_result(raw);
	return error;
}

int mc_sql__split_postgres(mc_sql_stmts *out,
                           mc_sql_error *err,
                           const char *sql,
                           size_t len,
                           size_t start,
                           mc_sql__lines *lc)
{
	PgQuerySplitResult split;
	size_t n = len - start, k, run = 0;
	char *text;
	int i, error = 0;

	if ((k = costly_operator_run(sql + start, n, &run)) != (size_t)-1)
		return mc_sql__parse_error(
		        err, mc_sql__line_at(lc, start + k),
		        "run of %zu operator characters is too long for the PostgreSQL scanner",
		        run);
	if ((text = mc_strndup(sql + start, n)) == NULL)
		return mc_error_set_oom();

	split = pg_query_split_with_parser(text);
	if (split.error) {
		error = syntax_error(err, text, n, split.error, start, lc);
		goto done;
	}

	/*
	 * The parser's range of a statement starts right after the previous
	 * ';' (comments included) and stops right before its own ';', or at
	 * the end of the text for the last one: [loc, end). Its first token is
	 * the first byte that is neither space nor comment.
	 */
	for (i = 0; i < split.n_stmts; i++) {
		size_t loc = (size_t)split.stmts[i]->stmt_location;
		size_t end = loc + (size_t)split.stmts[i]->stmt_len;
		size_t off, stmt_end;
		int terminated, is_copy = 0;
		unsigned flags = 0;

		if (loc > n || end > n || end < loc) {
			error = mc_error_set(
			        MC_ERROR_INPUT,
			        "libpg_query gave a statement out of bounds");
			goto done;
		}
		off = skip_space(text, loc, end);
		if (off == (size_t)-1 || off >= end)
			continue;
		terminated = end < n && text[end] == ';';
		stmt_end = end + 1;
		if (!terminated || may_have_flags(text, off, end)) {
			size_t last_end = end;

			if ((error = scan_statement(&flags, &last_end, &is_copy,
			                            text, off, end)) < 0)
				goto done;
			if (!terminated)
				stmt_end = last_end;
		}
		if (is_copy) {
			error = mc_sql__parse_error(
			        err, mc_sql__line_at(lc, start + off),
			        "COPY FROM STDIN is not supported: its data is not SQL");
			goto done;
		}
		if ((error = mc_sql__push(out, start + off, stmt_end - off,
		                          mc_sql__line_at(lc, start + off),
		                          flags)) < 0)
			goto done;
	}
done:
	pg_query_free_split_result(split);
	mc_free(text);
	return error;
}

/* significant tokens of a, NUL-terminated; falls back to bytes on failure */
int mc_sql__tokens_equal_postgres(
        int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	char *ta = NULL, *tb = NULL;
	PgQueryScanResult ra, rb;
	PgQuery__ScanResult *sa = NULL, *sb = NULL;
	int have_a = 0, have_b = 0, error = 0, ea, eb;
	size_t i = 0, j = 0, run;

	if (costly_operator_run(a, alen, &run) != (size_t)-1 ||
	    costly_operator_run(b, blen, &run) != (size_t)-1 ||
	    memchr(a, '\0', alen) || memchr(b, '\0', blen)) {
		/* the scanner would be slow, or stop at the NUL: bytes */
		*out = alen == blen && (alen == 0 || !memcmp(a, b, alen));
		return 0;
	}
	if ((ta = mc_strndup(a, alen)) == NULL ||
	    (tb = mc_strndup(b, blen)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	ea = scan(&sa, &ra, ta);
	have_a = 1;
	if (ea == MC_ENOMEM) {
		error = ea;
		goto done;
	}
	eb = scan(&sb, &rb, tb);
	have_b = 1;
	if (eb == MC_ENOMEM) {
		error = eb;
		goto done;
	}
	if (ea < 0 || eb < 0) {
		/* text the scanner rejects (an unclosed quote): compare bytes
		 */
		*out = alen == blen && (alen == 0 || !memcmp(a, b, alen));
		goto done;
	}
	for (;;) {
		size_t xs, xe, ys, ye;

		while (i < sa->n_tokens && is_comment(sa->tokens[i]))
			i++;
		while (j < sb->n_tokens && is_comment(sb->tokens[j]))
			j++;
		if (i == sa->n_tokens || j == sb->n_tokens)
			break;
		xs = (size_t)sa->tokens[i]->start;
		xe = tok_end(sa, i, ta, alen);
		ys = (size_t)sb->tokens[j]->start;
		ye = tok_end(sb, j, tb, blen);
		if (sa->tokens[i]->token != sb->tokens[j]->token ||
		    xe - xs != ye - ys || memcmp(ta + xs, tb + ys, xe - xs)) {
			*out = 0;
			goto done;
		}
		i++;
		j++;
	}
	*out = i == sa->n_tokens && j == sb->n_tokens;
done:
	if (sa)
		pg_query__scan_result__free_unpacked(sa, NULL);
	if (sb)
		pg_query__scan_result__free_unpacked(sb, NULL);
	if (have_a)
		pg_query_free_scan_result(ra);
	if (have_b)
		pg_query_free_scan_result(rb);
	mc_free(ta);
	mc_free(tb);
	return error;
}
