/*
 * sql.h: splitting SQL scripts into statements with each dialect's rules.
 *
 * PostgreSQL text is split and syntax-checked by libpg_query (the real
 * server parser); SQLite text by sqlite3_complete() plus a prepare against
 * an empty in-memory database for syntax errors.
 */
#ifndef MIGCHECK_SQL_H
#define MIGCHECK_SQL_H

#include <stddef.h>
#include "buf.h"
#include "common.h"

enum {
	/* must run outside a transaction (CREATE INDEX CONCURRENTLY, VACUUM, ...) */
	MC_STMT_NO_TRANSACTION = (1 << 0),
	/* BEGIN / COMMIT / ROLLBACK / START TRANSACTION / END: the script manages its own transaction */
	MC_STMT_TRANSACTION_CONTROL = (1 << 1)
};

typedef struct {
	size_t offset;  /* byte offset of the statement's first token in the input */
	size_t len;     /* bytes up to and including the terminating ';' if any */
	unsigned line;  /* line of the first token: first_line + newlines before it */
	unsigned flags; /* MC_STMT_* */
} mc_sql_stmt;

typedef struct mc_sql_stmts mc_sql_stmts;

typedef struct {
	unsigned line;  /* 1-based, relative like mc_sql_stmt.line; 0 unknown */
	char *message;  /* owned; free with mc_sql_error_dispose */
} mc_sql_error;

#define MC_SQL_ERROR_INIT { 0, NULL }

/** Larger SQL text is refused with MC_EPARSE. */
#define MC_SQL_MAX_LEN ((size_t)256 << 20)

/**
 * Split sql (len bytes, need not be NUL-terminated) into statements.
 * Comments and whitespace between statements are not statements; a script
 * of only comments has none. A last statement without ';' still counts.
 * A UTF-8 BOM at the start is skipped (offsets stay relative to sql);
 * lines count '\n', so CRLF text numbers lines as expected.
 *
 * MC_EPARSE, with err->message (the parser's own text for syntax errors,
 * e.g. "syntax error at or near \"SELEC\"" or "near \"SELEC\": syntax
 * error") and err->line, for: a syntax error; a NUL byte ("NUL byte in
 * SQL"); bytes that are not UTF-8 in either dialect ("invalid UTF-8 in
 * SQL": PostgreSQL refuses them, and SQLite text is UTF-8 by contract);
 * PostgreSQL COPY ... FROM STDIN ("COPY FROM STDIN is not supported: its
 * data is not SQL"); a run of thousands of operator characters, on which
 * the PostgreSQL scanner would take quadratic time ("run of N operator
 * characters is too long for the PostgreSQL scanner"); more than
 * MC_SQL_MAX_LEN bytes (line 0). Messages are one line, cut to 160 bytes.
 * SQLite statements are prepared against an in-memory database where only
 * the script's CREATE TABLE (with columns), CREATE VIEW and ALTER TABLE
 * run, so only syntax errors count; "no such table" and the like do not.
 *
 * @param[out] out statements; free with mc_sql_stmts_free
 * @param[out] err may be NULL; filled on MC_EPARSE (its old message is
 *             disposed), untouched otherwise; free with mc_sql_error_dispose
 * @param first_line line number of the first byte of sql in its file
 *             (0 is taken as 1)
 * @return 0, MC_EPARSE, MC_ENOMEM or MC_ERROR (unknown dialect)
 */
MC_NODISCARD int mc_sql_split(mc_sql_stmts **out, mc_sql_error *err,
                              const char *sql, size_t len, mc_dialect dialect,
                              unsigned first_line);
/**
 * Split a goose section as goose sends it (src/sql/goose.c): the lines
 * between "-- +goose StatementBegin" and "-- +goose StatementEnd" are one
 * statement; elsewhere a statement ends only at a line whose last word
 * (before a "--" comment) ends with ';'. Comment and empty lines before a
 * statement are not part of it; annotation lines never are. Each
 * statement must parse with mc_sql_split (which gives its flags); one that
 * does not, or text left without such a ';', is MC_EPARSE with a message
 * saying what goose does there. Same parameters and returns as
 * mc_sql_split.
 */
MC_NODISCARD int mc_sql_split_goose(mc_sql_stmts **out, mc_sql_error *err,
                                    const char *sql, size_t len,
                                    mc_dialect dialect, unsigned first_line);
size_t mc_sql_stmts_count(const mc_sql_stmts *s);
/** @return the i-th statement, borrowed. */
const mc_sql_stmt *mc_sql_stmts_get(const mc_sql_stmts *s, size_t i);
/** OR of every statement's flags. */
unsigned mc_sql_stmts_flags(const mc_sql_stmts *s);
void mc_sql_stmts_free(mc_sql_stmts *s);
void mc_sql_error_dispose(mc_sql_error *err);

/**
 * @return 1 when sql holds nothing but whitespace, comments and a BOM
 * (an unclosed PostgreSQL block comment is not blank: the server refuses
 * it; in SQLite it is).
 */
int mc_sql_is_blank(const char *sql, size_t len, mc_dialect dialect);

/**
 * Compare two scripts token by token, ignoring whitespace and comments;
 * token texts compare exactly (case included). PostgreSQL text that its
 * scanner rejects (an unclosed quote) or would be slow on (see above) is
 * compared byte for byte.
 * @param[out] out 1 equal, 0 different
 * @return 0, MC_ENOMEM or MC_ERROR (unknown dialect)
 */
MC_NODISCARD int mc_sql_tokens_equal(int *out, const char *a, size_t alen,
                                     const char *b, size_t blen,
                                     mc_dialect dialect);

/**
 * Append name (len bytes) as an identifier of the dialect, for SQL that a
 * user pastes into psql or sqlite3: as is when it is a lower-case name
 * that is no keyword (users, created_at; PostgreSQL: unreserved keywords
 * too, as quote_ident() does), else in double quotes with '"' doubled
 * ("userId", "a;b", "say ""hi"""). A name holding a control character
 * (C0, DEL, C1) is spelled on PostgreSQL with Unicode escapes, U&"a\001Bb"
 * (a backslash doubled), so the text never holds one.
 * @return 0; MC_ERROR (MC_ERROR_INPUT), out unchanged, when the dialect
 * cannot spell the name: a control character on SQLite, which has no
 * escapes in identifiers, or bytes that are not UTF-8; MC_ENOMEM
 */
MC_NODISCARD int mc_sql_quote_ident(mc_buf *out,
                                    const char *name,
                                    size_t len,
                                    mc_dialect dialect);

/**
 * @return 1 when text, SQL from the database (a type, a default, an index
 * or constraint definition), can go into a statement as it is: UTF-8 with
 * no control character, its quotes closed, and no ';', comment,
 * backslash, dollar quote (SQLite: [ or `) outside them, so it can neither
 * end the statement nor hide or swallow the rest. Else 0: the caller does
 * not use it. Conservative: some good SQL gets 0.
 */
int mc_sql_fragment_safe(const char *text, mc_dialect dialect);

#endif
