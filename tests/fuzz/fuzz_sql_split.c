/*
 * fuzz_sql_split.c: libFuzzer target for the SQL splitter, the code that
 * reads the least trusted input.
 *
 * data[0] picks the dialect (even: PostgreSQL, so 'P'; odd: SQLite, so
 * 'S'), the rest is the script. Checks the invariants every caller relies
 * on and traps when one breaks:
 *   - statements are in order, in bounds, non-empty and do not overlap;
 *   - each starts on a token (not on space) and lines never go backwards;
 *   - a statement split again on its own is that one statement;
 *   - the script split again, after all those splits, gives the same
 *     statements or the same error (the SQLite splitter reuses one
 *     connection per process: nothing may carry over from one script);
 *   - MC_EPARSE comes with a message; blank text has no statement;
 *   - a script is token-equal to itself, and to itself with a line
 *     break added when it splits; equality is symmetric.
 * Built with -fsanitize=fuzzer under clang (MIGCHECK_FUZZ=ON), or linked
 * with replay.c to run the corpus as a test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/sql.h"
#include "util/banned.h"

/* larger inputs only make each run slower, not the search better */
#define MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void check_alone(const char *sql, const mc_sql_stmt *st, mc_dialect d)
{
	mc_sql_stmts *again = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	int rc;

	rc = mc_sql_split(&again, &err, sql + st->offset, st->len, d, st->line);
	CHECK(rc == 0 || rc == MC_EPARSE);
	if (rc == 0) {
		const mc_sql_stmt *one = mc_sql_stmts_get(again, 0);

		CHECK(mc_sql_stmts_count(again) == 1);
		CHECK(one->offset == 0 && one->len == st->len);
		CHECK(one->line == st->line && one->flags == st->flags);
	}
	mc_sql_stmts_free(again);
	mc_sql_error_dispose(&err);
}

/* Split sql again: the same rc, statements (as in s) or message. */
static void check_again(const char *sql, size_t len, mc_dialect d, int rc0,
                        const mc_sql_stmts *s0, const char *msg0)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	size_t i;
	int rc = mc_sql_split(&s, &err, sql, len, d, 1);

	CHECK(rc == rc0);
	if (rc == MC_EPARSE) {
		CHECK(err.message && msg0 && !strcmp(err.message, msg0));
		mc_sql_error_dispose(&err);
		return;
	}
	CHECK(mc_sql_stmts_count(s) == mc_sql_stmts_count(s0));
	for (i = 0; i < mc_sql_stmts_count(s); i++) {
		const mc_sql_stmt *a = mc_sql_stmts_get(s, i);
		const mc_sql_stmt *b = mc_sql_stmts_get(s0, i);

		CHECK(a->offset == b->offset && a->len == b->len &&
		      a->line == b->line && a->flags == b->flags);
	}
	mc_sql_stmts_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	mc_dialect d;
	const char *sql;
	size_t len, i, prev_end = 0;
	unsigned prev_line = 1, flags = 0;
	int rc, eq = 0;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	d = (data[0] & 1) ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
	sql = (const char *)data + 1;
	len = size - 1;

	rc = mc_sql_split(&s, &err, sql, len, d, 1);
	CHECK(rc == 0 || rc == MC_EPARSE);
	if (rc == MC_EPARSE) {
		CHECK(s == NULL && err.message != NULL &&
		      err.message[0] != '\0');
		check_again(sql, len, d, rc, NULL, err.message);
		mc_sql_error_dispose(&err);
	} else {
		CHECK(s != NULL && err.message == NULL);
		if (mc_sql_is_blank(sql, len, d))
			CHECK(mc_sql_stmts_count(s) == 0);
		for (i = 0; i < mc_sql_stmts_count(s); i++) {
			const mc_sql_stmt *st = mc_sql_stmts_get(s, i);

			CHECK(st != NULL);
			CHECK(st->len > 0 && st->offset >= prev_end);
			CHECK(st->offset <= len && st->len <= len - st->offset);
			CHECK(!is_space(sql[st->offset]));
			CHECK(!is_space(sql[st->offset + st->len - 1]));
			CHECK(st->line >= prev_line);
			prev_end = st->offset + st->len;
			prev_line = st->line;
			flags |= st->flags;
			check_alone(sql, st, d);
		}
		CHECK(mc_sql_stmts_get(s, i) == NULL);
		CHECK(mc_sql_stmts_flags(s) == flags);
		check_again(sql, len, d, rc, s, NULL);
		mc_sql_stmts_free(s);
	}
	CHECK(mc_sql_tokens_equal(&eq, sql, len, sql, len, d) == 0 && eq == 1);
	if (rc == 0) {
		char *more = malloc(len + 1);

		if (!more)
			abort();
		memcpy(more, sql, len);
		more[len] = '\n';
		CHECK(mc_sql_tokens_equal(&eq, sql, len, more, len + 1, d) ==
		              0 &&
		      eq == 1);
		free(more);
	}
	{
		int ab = -1, ba = -1;
		size_t half = len / 2;

		CHECK(mc_sql_tokens_equal(&ab, sql, half, sql + half,
		                          len - half, d) == 0);
		CHECK(mc_sql_tokens_equal(&ba, sql + half, len - half, sql,
		                          half, d) == 0);
		CHECK(ab == ba);
	}
	mc_error_clear();
	return 0;
}
