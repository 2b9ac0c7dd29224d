/*
 * sql_internal.h: what split.c shares with the dialect splitters
 * (postgres.c, sqlite.c). Not a public header.
 */
#ifndef MIGCHECK_SQL_INTERNAL_H
#define MIGCHECK_SQL_INTERNAL_H

#include <stddef.h>

#include "migcheck/sql.h"

struct mc_sql_stmts {
	mc_sql_stmt *items;
	size_t len;
	size_t cap;
	unsigned flags; /* OR of every statement's flags */
};

/*
 * Turns byte offsets into line numbers in one forward pass: offsets asked
 * for in increasing order cost only the bytes between them.
 */
typedef struct {
	const char *sql;
	size_t pos;    /* bytes before pos are counted */
	unsigned line; /* line of the byte at pos */
} mc_sql__lines;

void mc_sql__lines_init(mc_sql__lines *lc,
                        const char *sql,
                        unsigned first_line);
/** @return the line of byte off; cheap when off does not go backwards. */
unsigned mc_sql__line_at(mc_sql__lines *lc, size_t off);

/** Append a statement. @return 0 or MC_ENOMEM. */
int mc_sql__push(mc_sql_stmts *s,
                 size_t offset,
                 size_t len,
                 unsigned line,
                 unsigned flags);

/**
 * Fill err (when not NULL) with a syntax error and set the thread's error.
 * @return MC_EPARSE, or MC_ENOMEM when the message cannot be copied.
 */
int mc_sql__parse_error(mc_sql_error *err, unsigned line, const char *fmt, ...)
        MC_PRINTF(3, 4);

/*
 * The dialect splitters. sql[0..len) has been checked (no NUL byte, valid
 * UTF-8, not too large); start skips a BOM. Offsets pushed to out are
 * relative to sql.
 */
int mc_sql__split_postgres(mc_sql_stmts *out,
                           mc_sql_error *err,
                           const char *sql,
                           size_t len,
                           size_t start,
                           mc_sql__lines *lc);
int mc_sql__split_sqlite(mc_sql_stmts *out,
                         mc_sql_error *err,
                         const char *sql,
                         size_t len,
                         size_t start,
                         mc_sql__lines *lc);

int mc_sql__is_blank_postgres(const char *sql, size_t len);
int mc_sql__is_blank_sqlite(const char *sql, size_t len);

int mc_sql__tokens_equal_postgres(
        int *out, const char *a, size_t alen, const char *b, size_t blen);
int mc_sql__tokens_equal_sqlite(
        int *out, const char *a, size_t alen, const char *b, size_t blen);

#endif
