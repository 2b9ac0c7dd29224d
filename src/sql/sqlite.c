/*
 * sqlite.c: splitting SQLite scripts with SQLite's own rules.
 *
 * A small tokenizer (below) finds the ';' that are outside strings,
 * identifiers and comments; sqlite3_complete() then decides whether such a
 * ';' ends the statement, which it does not inside the BEGIN ... END body
 * of a CREATE TRIGGER. Each statement is then prepared against an empty
 * in-memory database: only a syntax error counts, not "no such table",
 * since the script is not run (only CREATE TABLE/VIEW and ALTER TABLE are,
 * on that database, so that later statements get parsed to their end).
 *
 * That database is one connection per process (opening one per script was
 * most of 'list' on 10,000 migrations): each script runs in a transaction
 * that is rolled back at its end, so every script still starts from an
 * empty schema. Should that transaction end early (SQLite rolls it back
 * on some errors), the script is split again on a fresh connection of its
 * own, as before, and the shared one is replaced: results never depend on
 * the scripts split before. The connection is closed at exit.
 *
 * Tokens, as in SQLite's tokenize.c:
 *
 *   space     [ \t\n\v\f\r]+ and the BOM, anywhere  skipped
 *   comment   "--" to end of line, "/" "*" to "*" "/" or end of text
 *             (block comments do not nest)     skipped
 *   string    '...'  with '' inside; x'...' and X'...' blobs
 *   ident     "..." with "", `...` with ``, [...] with no escape
 *   word      [A-Za-z0-9_$ and bytes >= 0x80]+
 *   number    digits or .digit, with [A-Za-z0-9_.] and an exponent sign
 *   variable  ?NNN, :name, @name, #name
 *   operator  -> ->> <= <> << >= >> == != || or one byte
 *
 * An unclosed string or identifier runs to the end of the text and is an
 * error, "unrecognized token", as SQLite's tokenizer has it.
 *
 * sqlite3_complete() is asked at the first ';' of each statement; when it
 * says "not complete" we are in a trigger body, where only a ';' after
 * "; END" can end the statement (its states SEMI -> END -> complete), so it
 * is asked again only there. That keeps the whole split linear.
 */
#include "migcheck/sql.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "sql_internal.h"
#include "util/banned.h"

enum { TK_EOF, TK_SEMI, TK_WORD, TK_OTHER };

typedef struct {
	size_t start;
	size_t end;
	int kind;
	int unclosed; /* a quote that runs to the end of the text */
} sq_tok;

static int sq_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int sq_idchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static int sq_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * End of a quoted token starting at s[i], closed by close (doubled, it
 * stands for itself when dbl). An unclosed one runs to n and sets *unclosed.
 */
static size_t quoted_end(
        const char *s, size_t i, size_t n, char close, int dbl, int *unclosed)
{
	for (i++; i < n; i++) {
		if (s[i] != close)
			continue;
		if (dbl && i + 1 < n && s[i + 1] == close) {
			i++;
			continue;
		}
		return i + 1;
	}
	*unclosed = 1;
	return n;
}

/*
 * Skip space and comments from *pos, then read one token.
 * @return its kind (TK_EOF at the end of the text).
 */
static int next_token(const char *s, size_t n, size_t *pos, sq_tok *t)
{
	size_t i = *pos;
	unsigned char c;

	for (;;) {
		while (i < n && sq_space((unsigned char)s[i]))
			i++;
		if (i + 2 < n && !memcmp(s + i, "\xEF\xBB\xBF", 3)) {
			i += 3;
		} else if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
			const char *nl = memchr(s + i, '\n', n - i);

			i = nl ? (size_t)(nl - s) : n;
		} else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
			for (i += 2; i < n; i++)
				if (s[i] == '*' && i + 1 < n && s[i + 1] == '/')
					break;
			i = i < n ? i + 2 : n;
		} else {
			break;
		}
	}
	t->start = i;
	t->unclosed = 0;
	if (i >= n) {
		t->end = *pos = n;
		return t->kind = TK_EOF;
	}
	c = (unsigned char)s[i];
	t->kind = TK_OTHER;
	if (c == ';') {
		i++;
		t->kind = TK_SEMI;
	} else if (c == '\'' || c == '"' || c == '`') {
		i = quoted_end(s, i, n, (char)c, 1, &t->unclosed);
	} else if (c == '[') {
		i = quoted_end(s, i, n, ']', 0, &t->unclosed);
	} else if ((c == 'x' || c == 'X') && i + 1 < n && s[i + 1] == '\'') {
		i = quoted_end(s, i + 1, n, '\'', 1, &t->unclosed);
	} else if (sq_digit(c) || (c == '.' && i + 1 < n &&
	                           sq_digit((unsigned char)s[i + 1]))) {
		for (i++; i < n; i++) {
			unsigned char d = (unsigned char)s[i];

			if ((d == '+' || d == '-') &&
			    (s[i - 1] == 'e' || s[i - 1] == 'E') &&
			    !(i >= 2 && (s[t->start + 1] == 'x' ||
			                 s[t->start + 1] == 'X')))
				continue;
			if (!sq_idchar(d) && d != '.')
				break;
		}
	} else if (sq_idchar(c)) {
		while (i < n && sq_idchar((unsigned char)s[i]))
			i++;
		t->kind = TK_WORD;
	} else if (c == '?') {
		for (i++; i < n && sq_digit((unsigned char)s[i]); i++)
			;
	} else if (c == ':' || c == '@' || c == '#') {
		for (i++; i < n && sq_idchar((unsigned char)s[i]); i++)
			;
	} else {
		static const char *const ops[] = { "->>", "->", "<=", "<>",
			                           "<<",  ">=", ">>", "==",
			                           "!=",  "||" };
		size_t k, len = 1;

		for (k = 0; k < MC_ARRAY_SIZE(ops); k++) {
			size_t ol = strlen(ops[k]);

			if (n - i >= ol && !memcmp(s + i, ops[k], ol)) {
				len = ol;
				break;
			}
		}
		i += len;
	}
	t->end = *pos = i;
	return t->kind;
}

static int word_is(const char *s, const sq_tok *t, const char *w)
{
	size_t wl = strlen(w);

	return t->kind == TK_WORD && t->end - t->start == wl &&
	       !strncasecmp(s + t->start, w, wl);
}

int mc_sql__is_blank_sqlite(const char *sql, size_t len)
{
	size_t pos = 0;
	sq_tok t;

	return next_token(sql, len, &pos, &t) == TK_EOF;
}

/*
 * Flags from the first two tokens:
 *   BEGIN, COMMIT, END, ROLLBACK (not ROLLBACK [TRANSACTION] TO)
 *                                  -> TRANSACTION_CONTROL
 *   VACUUM                         -> NO_TRANSACTION
 */
static unsigned stmt_flags(const char *s, const sq_tok *w)
{
	if (word_is(s, &w[0], "begin") || word_is(s, &w[0], "commit") ||
	    word_is(s, &w[0], "end"))
		return MC_STMT_TRANSACTION_CONTROL;
	if (word_is(s, &w[0], "rollback"))
		return word_is(s, &w[1], "to") || word_is(s, &w[2], "to")
		               ? 0
		               : MC_STMT_TRANSACTION_CONTROL;
	if (word_is(s, &w[0], "vacuum"))
		return MC_STMT_NO_TRANSACTION;
	return 0;
}

static int is_syntax_error(const char *msg)
{
	return strstr(msg, "syntax error") ||
	       strstr(msg, "unrecognized token") ||
	       strstr(msg, "incomplete input");
}

/*
 * Statements run on the scratch database so that later ones find their
 * tables and get parsed to the end (SQLite stops parsing at "no such
 * table"): only these, which touch nothing outside that database and read
 * no data: ALTER TABLE, CREATE [TEMP] VIEW, and CREATE [TEMP] TABLE with
 * a column list (not CREATE TABLE ... AS SELECT, which runs a query).
 * text[from..to) is the statement.
 */
static int builds_schema(const char *s, size_t from, size_t to)
{
	sq_tok t;
	size_t pos = from;
	int k;

	next_token(s, to, &pos, &t);
	if (word_is(s, &t, "alter")) {
		next_token(s, to, &pos, &t);
		return word_is(s, &t, "table");
	}
	if (!word_is(s, &t, "create"))
		return 0;
	next_token(s, to, &pos, &t);
	if (word_is(s, &t, "temp") || word_is(s, &t, "temporary"))
		next_token(s, to, &pos, &t);
	if (word_is(s, &t, "view"))
		return 1;
	if (!word_is(s, &t, "table"))
		return 0;
	/* [IF NOT EXISTS] name [. name] then "(" */
	while ((k = next_token(s, to, &pos, &t)) != TK_EOF) {
		if (k == TK_OTHER && s[t.start] == '(')
			return 1;
		if (word_is(s, &t, "as"))
			return 0;
	}
	return 0;
}

/*
 * A run is also cut short after STEP_BUDGET thousand virtual machine
 * instructions, should a CREATE TABLE find something to loop on.
 */
#define STEP_BUDGET 1000

static int out_of_budget(void *arg)
{
	int *budget = arg;

	return --*budget <= 0;
}

/*
 * Prepare one statement (text[off..off+len)) to find syntax errors, and
 * run it when it builds the schema (see builds_schema).
 */
static int check_syntax(sqlite3 *db,
                        mc_sql_error *err,
                        const char *text,
                        size_t off,
                        size_t len,
                        size_t start,
                        mc_sql__lines *lc,
                        unsigned line,
                        int run,
                        int *lost)
{
	sqlite3_stmt *st = NULL;
	const char *msg;
	int rc, at = -1;

	rc = sqlite3_prepare_v2(db, text + off, (int)len, &st, NULL);
	if (rc == SQLITE_OK && run && st) {
		/* a failure here is not a syntax error */
		int budget = STEP_BUDGET;

		sqlite3_progress_handler(db, 1000, out_of_budget, &budget);
		(void)sqlite3_step(st);
		sqlite3_progress_handler(db, 0, NULL, NULL);
		if (lost && sqlite3_get_autocommit(db)) {
			/* the script's transaction is gone */
			sqlite3_finalize(st);
			*lost = 1;
			return 0;
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return 0;
	if (rc == SQLITE_NOMEM)
		return mc_error_set_oom();
	msg = sqlite3_errmsg(db);
	if (!is_syntax_error(msg))
		return 0;
#if SQLITE_VERSION_NUMBER >= 3038000
	at = sqlite3_error_offset(db);
#endif
	if (at >= 0 && (size_t)at <= len)
		line = mc_sql__line_at(lc, start + off + (size_t)at);
	return mc_sql__parse_error(err, line, "%s", msg);
}

/* sqlite3_complete() on text[from..to), to just past a ';' */
static int complete(char *text, size_t from, size_t to)
{
	char saved = text[to];
	int r;

	text[to] = '\0';
	r = sqlite3_complete(text + from);
	text[to] = saved;
	return r;
}

/* Open an empty in-memory database. @return 0 or a negative error. */
static int open_memory(sqlite3 **db)
{
	int rc;

	*db = NULL;
	rc = sqlite3_open_v2(":memory:", db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		return 0;
	rc = rc == SQLITE_NOMEM
	             ? mc_error_set_oom()
	             : mc_error_set(MC_ERROR_DB,
	                            "cannot open an in-memory sqlite database: %s",
	                            *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
	sqlite3_close(*db);
	*db = NULL;
	return rc;
}

/* the process's connection (see the top of this file); owned here */
static sqlite3 *shared_db;

static void close_shared(void)
{
	sqlite3_close(shared_db);
	shared_db = NULL;
}

/*
 * Split text[0..n) on db. When lost is not NULL, db is in a transaction,
 * and *lost is set (and 0 returned) should the transaction end early.
 */
static int split_on(sqlite3 *db,
                    int *lost,
                    mc_sql_stmts *out,
                    mc_sql_error *err,
                    char *text,
                    size_t n,
                    size_t start,
                    mc_sql__lines *lc)
{
	size_t pos = 0;
	sq_tok t, words[3];
	size_t ntok = 0, last_end = 0;
	int asked = 0, in_trigger = 0, prev1 = TK_EOF, prev2 = TK_EOF;
	int prev1_end = 0;
	int error = 0;

	memset(words, 0, sizeof(words));
	for (;;) {
		int k = next_token(text, n, &pos, &t);
		int ends = 0;

		/*
		 * SQLite's tokenizer says so too (TK_ILLEGAL), but prepare
		 * may stop at "no such table" before reaching it.
		 */
		if (t.unclosed) {
			error = mc_sql__parse_error(
			        err, mc_sql__line_at(lc, start + t.start),
			        "unrecognized token: \"%.*s\"",
			        (int)(t.end - t.start > 200 ? 200
			                                    : t.end - t.start),
			        text + t.start);
			goto done;
		}

		if (k == TK_EOF) {
			if (ntok == 0)
				break;
			ends = 1;
		} else if (k == TK_SEMI) {
			if (ntok == 0)
				continue; /* an empty statement */
			if (!asked) {
				asked = 1;
				ends = complete(text, words[0].start, t.end);
				in_trigger = !ends;
			} else if (in_trigger && prev1 == TK_WORD &&
			           prev1_end && prev2 == TK_SEMI) {
				ends = complete(text, words[0].start, t.end);
			}
			if (ends)
				last_end = t.end;
		}
		if (ends) {
			size_t off = words[0].start;
			unsigned line = mc_sql__line_at(lc, start + off);

			/* the end came inside a trigger body */
			if (k == TK_EOF && in_trigger) {
				error = mc_sql__parse_error(err, line,
				                            "incomplete input");
				goto done;
			}
			if ((error = mc_sql__push(
			             out, start + off, last_end - off, line,
			             stmt_flags(text, words))) < 0 ||
			    (error = check_syntax(
			             db, err, text, off, last_end - off, start,
			             lc, line, builds_schema(text, off, last_end),
			             lost)) < 0)
				goto done;
			if (lost && *lost)
				goto done;
			if (k == TK_EOF)
				break;
			ntok = 0;
			asked = in_trigger = 0;
			prev1 = prev2 = TK_EOF;
			prev1_end = 0;
			memset(words, 0, sizeof(words));
			continue;
		}
		if (ntok < MC_ARRAY_SIZE(words))
			words[ntok] = t;
		ntok++;
		last_end = t.end;
		prev2 = prev1;
		prev1 = k;
		prev1_end = word_is(text, &t, "end");
	}
done:
	return error;
}

int mc_sql__split_sqlite(mc_sql_stmts *out,
                         mc_sql_error *err,
                         const char *sql,
                         size_t len,
                         size_t start,
                         mc_sql__lines *lc)
{
	size_t n = len - start, had = out->len;
	char *text;
	sqlite3 *db = NULL;
	int error, lost = 0;

	if ((text = mc_strndup(sql + start, n)) == NULL)
		return mc_error_set_oom();
	if (!shared_db) {
		static int registered;

		if ((error = open_memory(&shared_db)) < 0)
			goto done;
		if (!registered && atexit(close_shared) == 0)
			registered = 1;
	}
	if (sqlite3_exec(shared_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) {
		error = split_on(shared_db, &lost, out, err, text, n, start,
		                 lc);
		if (lost ||
		    sqlite3_exec(shared_db, "ROLLBACK", NULL, NULL, NULL) !=
		            SQLITE_OK)
			close_shared(); /* not known to be empty any more */
		if (!lost)
			goto done;
		out->len = had;
	} else {
		close_shared();
	}
	/* the way it was: a connection for this script alone */
	if ((error = open_memory(&db)) < 0)
		goto done;
	error = split_on(db, NULL, out, err, text, n, start, lc);
	sqlite3_close(db);
done:
	mc_free(text);
	return error;
}

/* Compare token texts, skipping space and comments. */
int mc_sql__tokens_equal_sqlite(
        int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	size_t pa = 0, pb = 0;
	sq_tok x, y;

	for (;;) {
		int ka = next_token(a, alen, &pa, &x);
		int kb = next_token(b, blen, &pb, &y);

		if (ka == TK_EOF || kb == TK_EOF) {
			*out = ka == kb;
			return 0;
		}
		if (x.end - x.start != y.end - y.start ||
		    memcmp(a + x.start, b + y.start, x.end - x.start)) {
			*out = 0;
			return 0;
		}
	}
}
