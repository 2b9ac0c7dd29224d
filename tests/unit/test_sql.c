/*
 * test_sql.c: splitting PostgreSQL and SQLite scripts into statements:
 * count, exact text, line and flags of each; syntax errors with their
 * line; bytes that are not SQL; blank scripts; token comparison; and every
 * allocation failing in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/sql.h"
#include "util/banned.h"

#define PG   MC_DIALECT_POSTGRES
#define LITE MC_DIALECT_SQLITE
#define NOTX MC_STMT_NO_TRANSACTION
#define TXC  MC_STMT_TRANSACTION_CONTROL

/* One expected statement: its exact text, line and flags. */
struct want {
	const char *text;
	unsigned line;
	unsigned flags;
};

static void expect_split_len(const char *sql,
                             size_t len,
                             mc_dialect d,
                             unsigned first_line,
                             const struct want *w,
                             size_t n)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	unsigned all = 0;
	size_t i;
	int rc;

	rc = mc_sql_split(&s, &err, sql, len, d, first_line);
	if (rc != 0)
		fail_msg("split failed (%d): line %u: %s", rc, err.line,
		         err.message ? err.message : "?");
	assert_non_null(s);
	assert_int_equal(mc_sql_stmts_count(s), n);
	for (i = 0; i < n; i++) {
		const mc_sql_stmt *st = mc_sql_stmts_get(s, i);

		assert_non_null(st);
		assert_true(st->offset + st->len <= len);
		if (strlen(w[i].text) != st->len ||
		    memcmp(sql + st->offset, w[i].text, st->len))
			fail_msg("statement %zu: want [%s] got [%.*s]", i,
			         w[i].text, (int)st->len, sql + st->offset);
		assert_int_equal(st->line, w[i].line);
		assert_int_equal(st->flags, w[i].flags);
		all |= st->flags;
	}
	assert_null(mc_sql_stmts_get(s, n));
	assert_int_equal(mc_sql_stmts_flags(s), all);
	assert_null(err.message);
	mc_sql_stmts_free(s);
}

static void
expect_split(const char *sql, mc_dialect d, const struct want *w, size_t n)
{
	expect_split_len(sql, strlen(sql), d, 1, w, n);
}

#define SPLIT(sql, d, ...)                                                     \
	do {                                                                   \
		const struct want w_[] = { __VA_ARGS__ };                      \
		expect_split(sql, d, w_, MC_ARRAY_SIZE(w_));                   \
	} while (0)
#define SPLIT_NONE(sql, d) expect_split(sql, d, NULL, 0)

static void expect_error_len(const char *sql,
                             size_t len,
                             mc_dialect d,
                             unsigned first_line,
                             unsigned line,
                             const char *message)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;

	assert_int_equal(mc_sql_split(&s, &err, sql, len, d, first_line),
	                 MC_EPARSE);
	assert_null(s);
	assert_non_null(err.message);
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	assert_non_null(mc_error_last());
	mc_sql_error_dispose(&err);
	assert_null(err.message);
	mc_error_clear();
}

static void
expect_error(const char *sql, mc_dialect d, unsigned line, const char *message)
{
	expect_error_len(sql, strlen(sql), d, 1, line, message);
}

static int tokens_equal(const char *a, const char *b, mc_dialect d);

/* --- PostgreSQL ---------------------------------------------------------- */

static void sql__pg_simple(void **state)
{
	(void)state;
	SPLIT("SELECT 1;\nSELECT 2;\n\nSELECT 3;", PG, { "SELECT 1;", 1, 0 },
	      { "SELECT 2;", 2, 0 }, { "SELECT 3;", 4, 0 });
}

static void sql__pg_missing_final_semicolon(void **state)
{
	(void)state;
	SPLIT("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1)\n\n", PG,
	      { "CREATE TABLE t (id int);", 1, 0 },
	      { "INSERT INTO t VALUES (1)", 2, 0 });
}

static void sql__pg_trailing_comment_not_in_last(void **state)
{
	(void)state;
	SPLIT("SELECT 1 -- one\n/* end */\n", PG, { "SELECT 1", 1, 0 });
}

static void sql__pg_leading_comments_skipped(void **state)
{
	(void)state;
	SPLIT("-- header; with semicolon\n/* block ; */\n\n  SELECT 1; -- c\n"
	      "-- between\nSELECT 2;",
	      PG, { "SELECT 1;", 4, 0 }, { "SELECT 2;", 6, 0 });
}

static void sql__pg_comment_before_semicolon_kept(void **state)
{
	(void)state;
	SPLIT("SELECT 1 /* x */ ;SELECT 2", PG, { "SELECT 1 /* x */ ;", 1, 0 },
	      { "SELECT 2", 1, 0 });
}

static void sql__pg_empty_input(void **state)
{
	(void)state;
	SPLIT_NONE("", PG);
	SPLIT_NONE("   \n\t\n", PG);
	SPLIT_NONE(";;\n;", PG);
}

static void sql__pg_only_comments(void **state)
{
	(void)state;
	SPLIT_NONE("-- nothing; here\n/* nor /* here; */ */\n-- end", PG);
}

static void sql__pg_dollar_quotes(void **state)
{
	(void)state;
	SPLIT("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
	      "CREATE FUNCTION g() RETURNS int AS $body$\nBEGIN\n  RETURN 1; -- $$ ;\nEND;\n"
	      "$body$ LANGUAGE plpgsql;\nSELECT 3;",
	      PG,
	      { "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;",
	        1, 0 },
	      { "CREATE FUNCTION g() RETURNS int AS $body$\nBEGIN\n  RETURN 1; -- $$ ;\nEND;\n"
	        "$body$ LANGUAGE plpgsql;",
	        2, 0 },
	      { "SELECT 3;", 7, 0 });
}

static void sql__pg_begin_atomic_body(void **state)
{
	(void)state;
	SPLIT("CREATE PROCEDURE p()\nLANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n"
	      "  INSERT INTO t VALUES (2);\nEND;\nCALL p();",
	      PG,
	      { "CREATE PROCEDURE p()\nLANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n"
	        "  INSERT INTO t VALUES (2);\nEND;",
	        1, 0 },
	      { "CALL p();", 7, 0 });
}

static void sql__pg_do_block(void **state)
{
	(void)state;
	SPLIT("DO $do$\nBEGIN\n  CREATE INDEX CONCURRENTLY i ON t (x);\n  COMMIT;\nEND\n$do$;\n"
	      "SELECT 1;",
	      PG,
	      { "DO $do$\nBEGIN\n  CREATE INDEX CONCURRENTLY i ON t (x);\n  COMMIT;\nEND\n$do$;",
	        1, 0 },
	      { "SELECT 1;", 7, 0 });
}

static void sql__pg_strings(void **state)
{
	(void)state;
	SPLIT("SELECT 'it''s; fine';\nSELECT E'a\\'b; c';\nSELECT U&'d\\0061t;a';",
	      PG, { "SELECT 'it''s; fine';", 1, 0 },
	      { "SELECT E'a\\'b; c';", 2, 0 },
	      { "SELECT U&'d\\0061t;a';", 3, 0 });
}

static void sql__pg_unicode_escape_string_last(void **state)
{
	(void)state;
	/* libpg_query's scanner reports U&'' tokens as empty: not trusted */
	SPLIT("SELECT 1, U&'\\0061;' -- c\n", PG,
	      { "SELECT 1, U&'\\0061;'", 1, 0 });
	SPLIT("SELECT U&\"a;\" \n\n", PG, { "SELECT U&\"a;\"", 1, 0 });
	assert_int_equal(tokens_equal("SELECT U&'a'", "SELECT U&'b'", PG), 0);
	assert_int_equal(tokens_equal("SELECT U&'a' ", "SELECT  U&'a'", PG), 1);
}

static void sql__pg_nested_block_comments(void **state)
{
	(void)state;
	SPLIT("/* outer /* inner; */ still; comment */\nSELECT /* a /* b */ ; */ 1;\nSELECT 2;",
	      PG, { "SELECT /* a /* b */ ; */ 1;", 2, 0 },
	      { "SELECT 2;", 3, 0 });
}

static void sql__pg_line_comment_with_semicolon(void **state)
{
	(void)state;
	SPLIT("SELECT 1 -- not the end;\n+ 1;\nSELECT 2;", PG,
	      { "SELECT 1 -- not the end;\n+ 1;", 1, 0 },
	      { "SELECT 2;", 3, 0 });
}

static void sql__pg_quoted_identifiers(void **state)
{
	(void)state;
	SPLIT("CREATE TABLE \"a;b\" (\"c;\" int);\nSELECT \"c;\" FROM \"a;b\";",
	      PG, { "CREATE TABLE \"a;b\" (\"c;\" int);", 1, 0 },
	      { "SELECT \"c;\" FROM \"a;b\";", 2, 0 });
}

static void sql__pg_concurrently_flagged(void **state)
{
	(void)state;
	SPLIT("CREATE INDEX CONCURRENTLY i ON t (x);\n"
	      "create unique index concurrently if not exists j on t (y);\n"
	      "DROP INDEX CONCURRENTLY IF EXISTS i;\n"
	      "REINDEX INDEX CONCURRENTLY j;\n"
	      "REINDEX (VERBOSE) TABLE t;\n"
	      "CREATE INDEX k ON t (z);",
	      PG, { "CREATE INDEX CONCURRENTLY i ON t (x);", 1, NOTX },
	      { "create unique index concurrently if not exists j on t (y);", 2,
	        NOTX },
	      { "DROP INDEX CONCURRENTLY IF EXISTS i;", 3, NOTX },
	      { "REINDEX INDEX CONCURRENTLY j;", 4, NOTX },
	      { "REINDEX (VERBOSE) TABLE t;", 5, 0 },
	      { "CREATE INDEX k ON t (z);", 6, 0 });
}

static void sql__pg_flags_through_comments_and_case(void **state)
{
	(void)state;
	SPLIT("create /* x */ Unique\n-- y\n INDEX concurrently i on t (x);\n"
	      "CREATE TABLE c (n text DEFAULT 'concurrently');\n"
	      "begin\n;\nALTER /* */ TABLE p DETACH PARTITION c CONCURRENTLY",
	      PG,
	      { "create /* x */ Unique\n-- y\n INDEX concurrently i on t (x);",
	        1, NOTX },
	      { "CREATE TABLE c (n text DEFAULT 'concurrently');", 4, 0 },
	      { "begin\n;", 5, TXC },
	      { "ALTER /* */ TABLE p DETACH PARTITION c CONCURRENTLY", 7,
	        NOTX });
}

static void sql__pg_concurrently_in_comment_or_string_not_flagged(void **state)
{
	(void)state;
	SPLIT("CREATE INDEX /* CONCURRENTLY */ i ON t (x);\n"
	      "CREATE INDEX -- CONCURRENTLY\n i2 ON t (x);\n"
	      "COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY';\n"
	      "CREATE INDEX \"concurrently\" ON t (x);",
	      PG, { "CREATE INDEX /* CONCURRENTLY */ i ON t (x);", 1, 0 },
	      { "CREATE INDEX -- CONCURRENTLY\n i2 ON t (x);", 2, 0 },
	      { "COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY';", 4, 0 },
	      { "CREATE INDEX \"concurrently\" ON t (x);", 5, 0 });
}

static void sql__pg_no_transaction_statements(void **state)
{
	(void)state;
	SPLIT("VACUUM ANALYZE t;\nCREATE DATABASE d;\nDROP DATABASE d;\n"
	      "ALTER SYSTEM SET work_mem = '1MB';\n"
	      "CREATE TABLESPACE ts LOCATION '/x';\n"
	      "ALTER TYPE e ADD VALUE 'v';\n"
	      "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;\n"
	      "REINDEX DATABASE d;\nANALYZE t;",
	      PG, { "VACUUM ANALYZE t;", 1, NOTX },
	      { "CREATE DATABASE d;", 2, NOTX },
	      { "DROP DATABASE d;", 3, NOTX },
	      { "ALTER SYSTEM SET work_mem = '1MB';", 4, NOTX },
	      { "CREATE TABLESPACE ts LOCATION '/x';", 5, NOTX },
	      { "ALTER TYPE e ADD VALUE 'v';", 6, 0 },
	      { "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;", 7, NOTX },
	      { "REINDEX DATABASE d;", 8, NOTX }, { "ANALYZE t;", 9, 0 });
}

static void sql__pg_transaction_control(void **state)
{
	(void)state;
	SPLIT("BEGIN;\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n"
	      "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nRELEASE s;\n"
	      "COMMIT;\nEND;\nROLLBACK;\nABORT;",
	      PG, { "BEGIN;", 1, TXC },
	      { "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", 2, TXC },
	      { "SAVEPOINT s;", 3, 0 }, { "ROLLBACK TO SAVEPOINT s;", 4, 0 },
	      { "RELEASE s;", 5, 0 }, { "COMMIT;", 6, TXC }, { "END;", 7, TXC },
	      { "ROLLBACK;", 8, TXC }, { "ABORT;", 9, TXC });
}

static void sql__pg_create_rule_with_inner_semicolons(void **state)
{
	(void)state;
	SPLIT("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);\nSELECT 3;",
	      PG,
	      { "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);",
	        1, 0 },
	      { "SELECT 3;", 2, 0 });
}

static void sql__pg_syntax_error_line(void **state)
{
	(void)state;
	expect_error("SELECT 1;\n\n-- x\nSELEC 2;\nSELECT 3;", PG, 4,
	             "syntax error at or near \"SELEC\"");
	expect_error("SELECT 'été';\nSELECT 1 +\n 2 2;", PG, 3,
	             "syntax error at or near \"2\"");
	expect_error("SELECT 1;\nSELECT (1", PG, 2,
	             "syntax error at end of input");
	/* at the end of the input: the last line with text, not the one after
	 */
	expect_error("SELECT 1;\nSELECT (1\n\n", PG, 2,
	             "syntax error at end of input");
}

static void sql__pg_unterminated(void **state)
{
	(void)state;
	expect_error("SELECT 1;\nSELECT 'abc;\n", PG, 2,
	             "unterminated quoted string at or near \"'abc; \"");
	expect_error("SELECT 1;\n\n/* open /* */", PG, 3,
	             "unterminated /* comment at or near \"/* open /* */\"");
	expect_error(
	        "SELECT 1;\nSELECT $x$ abc; $y$;", PG, 2,
	        "unterminated dollar-quoted string at or near \"$x$ abc; $y$;\"");
}

static void sql__long_message_cut_to_one_line(void **state)
{
	char sql[600];
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	size_t i;

	(void)state;
	memcpy(sql, "SELECT 1;\nSELECT '", 18);
	for (i = 18; i + 4 <= sizeof(sql); i += 4)
		memcpy(sql + i,
		       "\xC3\xA9"
		       "a\n",
		       4); /* é, a, newline */
	memcpy(sql + i, "zz", sizeof(sql) - i);
	assert_int_equal(mc_sql_split(&s, &err, sql, sizeof(sql), PG, 1),
	                 MC_EPARSE);
	assert_int_equal(err.line, 2);
	assert_true(strlen(err.message) <= 160);
	assert_null(strchr(err.message, '\n'));
	assert_string_equal(err.message + strlen(err.message) - 3, "...");
	assert_int_equal(strncmp(err.message,
	                         "unterminated quoted string at or near \"'",
	                         40),
	                 0);
	/* the cut falls between characters: what is left is still UTF-8 */
	assert_int_not_equal(
	        (unsigned char)err.message[strlen(err.message) - 4], 0xC3);
	mc_sql_error_dispose(&err);
	mc_error_clear();
}

static void sql__pg_operator_run_refused_not_hung(void **state)
{
	size_t n = 20000, i;
	char *sql = malloc(n + 32);
	mc_sql_stmts *s = NULL;

	(void)state;
	assert_non_null(sql);
	/* the PostgreSQL scanner takes seconds on this; it is refused at once
	 */
	memcpy(sql, "SELECT 1;\n\nSELECT 1 ", 20);
	memset(sql + 20, '+', n);
	memcpy(sql + 20 + n, " 1;", 4);
	expect_error(
	        sql, PG, 3,
	        "run of 20000 operator characters is too long for the PostgreSQL scanner");
	/* nested comment openers, same story */
	for (i = 0; i < n; i += 2)
		memcpy(sql + 20 + i, "/*", 2);
	expect_error(
	        sql, PG, 3,
	        "run of 20000 operator characters is too long for the PostgreSQL scanner");
	/* and compared byte for byte */
	assert_int_equal(tokens_equal(sql, sql, PG), 1);
	assert_int_equal(tokens_equal(sql, "SELECT 1;", PG), 0);
	/* long runs a script may have are fine */
	memset(sql, '=', 1000);
	memcpy(sql, "-- ", 3);
	memcpy(sql + 1000, "\nSELECT 1;", 11);
	assert_int_equal(mc_sql_split(&s, NULL, sql, strlen(sql), PG, 1), 0);
	assert_int_equal(mc_sql_stmts_count(s), 1);
	mc_sql_stmts_free(s);
	free(sql);
}

static void sql__pg_first_line_offset(void **state)
{
	static const struct want w[] = { { "SELECT 1;", 11, 0 },
		                         { "SELECT 2;", 12, 0 } };
	const char *sql = "\nSELECT 1;\nSELECT 2;";

	(void)state;
	expect_split_len(sql, strlen(sql), PG, 10, w, 2);
	expect_error_len("SELECT 1;\nSELEC", 15, PG, 20, 21,
	                 "syntax error at or near \"SELEC\"");
}

static void sql__pg_not_nul_terminated(void **state)
{
	static const struct want w[] = { { "SELECT 1;", 1, 0 },
		                         { "SELECT 2", 2, 0 } };
	char buf[32];

	(void)state;
	memcpy(buf, "SELECT 1;\nSELECT 2xxxxxxxxxxxx", 30);
	/* the x bytes beyond len must not be read */
	expect_split_len(buf, 18, PG, 1, w, 2);
}

static void sql__pg_copy_from_stdin(void **state)
{
	(void)state;
	expect_error("CREATE TABLE t (a int, b text);\n"
	             "COPY t (a, b) FROM stdin;\n1\tone\n2\ttwo\n\\.\n",
	             PG, 2,
	             "COPY FROM STDIN is not supported: its data is not SQL");
	expect_error("SELECT 1;\nCOPY t FROM STDIN;", PG, 2,
	             "COPY FROM STDIN is not supported: its data is not SQL");
	SPLIT("COPY t FROM '/tmp/x.csv' WITH (FORMAT csv);\nCOPY t TO STDOUT;",
	      PG, { "COPY t FROM '/tmp/x.csv' WITH (FORMAT csv);", 1, 0 },
	      { "COPY t TO STDOUT;", 2, 0 });
}

static void sql__pg_bom(void **state)
{
	static const struct want w[] = { { "SELECT 1;", 1, 0 },
		                         { "SELECT 2;", 2, 0 } };
	const char *sql = "\xEF\xBB\xBFSELECT 1;\nSELECT 2;";
	mc_sql_stmts *s = NULL;

	(void)state;
	expect_split(sql, PG, w, 2);
	assert_int_equal(mc_sql_split(&s, NULL, sql, strlen(sql), PG, 1), 0);
	assert_int_equal(mc_sql_stmts_get(s, 0)->offset, 3);
	mc_sql_stmts_free(s);
	expect_error("\xEF\xBB\xBFSELECT 1;\nSELEC", PG, 2,
	             "syntax error at or near \"SELEC\"");
}

static void sql__pg_crlf(void **state)
{
	(void)state;
	SPLIT("-- c\r\nSELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", PG,
	      { "SELECT 1;", 2, 0 }, { "SELECT\r\n 2;", 4, 0 });
	expect_error("SELECT 1;\r\n\r\nSELEC 2;\r\n", PG, 3,
	             "syntax error at or near \"SELEC\"");
}

static void sql__pg_nul_byte(void **state)
{
	(void)state;
	expect_error_len("SELECT 1;\nSELECT '\0';", 20, PG, 1, 2,
	                 "NUL byte in SQL");
}

static void sql__pg_invalid_utf8(void **state)
{
	(void)state;
	expect_error("SELECT 1;\n\nSELECT 'caf\xE9';", PG, 3,
	             "invalid UTF-8 in SQL");
	expect_error("SELECT '\xC0\xAF';", PG, 1,
	             "invalid UTF-8 in SQL"); /* overlong */
	expect_error("SELECT '\xED\xA0\x80';", PG, 1,
	             "invalid UTF-8 in SQL"); /* surrogate */
	expect_error("SELECT '\xE2\x82';", PG, 1,
	             "invalid UTF-8 in SQL"); /* truncated */
	SPLIT("SELECT '€ 😀';", PG, { "SELECT '€ 😀';", 1, 0 });
}

static void sql__pg_blank(void **state)
{
	(void)state;
	assert_int_equal(mc_sql_is_blank("", 0, PG), 1);
	assert_int_equal(mc_sql_is_blank(" -- x\n/* a /* b */ */\r\n", 23, PG),
	                 1);
	assert_int_equal(mc_sql_is_blank("\xEF\xBB\xBF -- x", 8, PG), 1);
	assert_int_equal(mc_sql_is_blank("/* open", 7, PG), 0);
	assert_int_equal(mc_sql_is_blank("-- x\n;", 6, PG), 0);
	assert_int_equal(mc_sql_is_blank("SELECT 1", 8, PG), 0);
}

static int tokens_equal(const char *a, const char *b, mc_dialect d)
{
	int eq = -1;

	assert_int_equal(
	        mc_sql_tokens_equal(&eq, a, strlen(a), b, strlen(b), d), 0);
	return eq;
}

static void sql__pg_tokens_equal(void **state)
{
	int eq = -1;

	(void)state;
	/* the scanner stops at a NUL byte: what follows still counts */
	assert_int_equal(mc_sql_tokens_equal(&eq, "SELECT 1;\0a", 11,
	                                     "SELECT 1;\0b", 11, PG),
	                 0);
	assert_int_equal(eq, 0);
	assert_int_equal(
	        tokens_equal("SELECT 1; -- x", "SELECT\n\t1 /* y */;", PG), 1);
	assert_int_equal(tokens_equal("SELECT 'a  b'", "SELECT 'a b'", PG), 0);
	assert_int_equal(tokens_equal("select 1", "SELECT 1", PG), 0);
	assert_int_equal(tokens_equal("SELECT 1", "SELECT 1;", PG), 0);
	assert_int_equal(tokens_equal("", "-- only a comment", PG), 1);
	assert_int_equal(tokens_equal("SELECT $$a;b$$", "SELECT   $$a;b$$", PG),
	                 1);
	assert_int_equal(tokens_equal("SELECT 'open", "SELECT 'open", PG), 1);
	assert_int_equal(tokens_equal("SELECT 'open", "SELECT  'open", PG), 0);
}

/* --- SQLite -------------------------------------------------------------- */

static void sql__sqlite_simple(void **state)
{
	(void)state;
	SPLIT("CREATE TABLE t (id INTEGER);\n\nINSERT INTO t VALUES (1);\nSELECT 1",
	      LITE, { "CREATE TABLE t (id INTEGER);", 1, 0 },
	      { "INSERT INTO t VALUES (1);", 3, 0 }, { "SELECT 1", 4, 0 });
}

static void sql__sqlite_trigger_body(void **state)
{
	(void)state;
	SPLIT("CREATE TABLE t (a, b);\n"
	      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	      "  UPDATE t SET b = 1 WHERE a = new.a;\n"
	      "  SELECT CASE WHEN new.a > 1 THEN 'x;' END;\n"
	      "  DELETE FROM t WHERE a < 0;\n"
	      "END;\n"
	      "CREATE TEMP TRIGGER IF NOT EXISTS tr2 BEFORE DELETE ON t BEGIN SELECT 1; end ;\n"
	      "SELECT 2;",
	      LITE, { "CREATE TABLE t (a, b);", 1, 0 },
	      { "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	        "  UPDATE t SET b = 1 WHERE a = new.a;\n"
	        "  SELECT CASE WHEN new.a > 1 THEN 'x;' END;\n"
	        "  DELETE FROM t WHERE a < 0;\n"
	        "END;",
	        2, 0 },
	      { "CREATE TEMP TRIGGER IF NOT EXISTS tr2 BEFORE DELETE ON t BEGIN SELECT 1; end ;",
	        7, 0 },
	      { "SELECT 2;", 8, 0 });
}

static void sql__sqlite_strings_and_identifiers(void **state)
{
	(void)state;
	SPLIT("INSERT INTO \"a;b\" VALUES ('x;''y');\nSELECT `c;d`, [e;f] FROM t;\n"
	      "SELECT x'3B3b', X'';",
	      LITE, { "INSERT INTO \"a;b\" VALUES ('x;''y');", 1, 0 },
	      { "SELECT `c;d`, [e;f] FROM t;", 2, 0 },
	      { "SELECT x'3B3b', X'';", 3, 0 });
}

static void sql__sqlite_comments(void **state)
{
	(void)state;
	SPLIT("-- a; b\n/* c; /* d; */\nSELECT 1 -- e;\n, 2;\n/* f */ SELECT 3; -- g\n",
	      LITE, { "SELECT 1 -- e;\n, 2;", 3, 0 }, { "SELECT 3;", 5, 0 });
	SPLIT_NONE("-- only\n/* comments; */", LITE);
	SPLIT_NONE("", LITE);
	SPLIT_NONE(" ;; ; ", LITE);
	/* block comments do not nest: the first star-slash ends one */
	SPLIT("/* a /* b */ SELECT 1;", LITE, { "SELECT 1;", 1, 0 });
}

static void sql__sqlite_unclosed_block_comment_is_blank(void **state)
{
	(void)state;
	SPLIT("SELECT 1; /* never closed ; SELECT 2;", LITE,
	      { "SELECT 1;", 1, 0 });
	assert_int_equal(mc_sql_is_blank("/* open", 7, LITE), 1);
	assert_int_equal(mc_sql_is_blank("-- x\n x", 7, LITE), 0);
}

static void sql__sqlite_flags(void **state)
{
	(void)state;
	SPLIT("BEGIN;\nCREATE TABLE t (a);\nSAVEPOINT s;\nROLLBACK TO s;\nCOMMIT;\n"
	      "VACUUM;\nBEGIN IMMEDIATE TRANSACTION;\nEND TRANSACTION;\nrollback;",
	      LITE, { "BEGIN;", 1, TXC }, { "CREATE TABLE t (a);", 2, 0 },
	      { "SAVEPOINT s;", 3, 0 }, { "ROLLBACK TO s;", 4, 0 },
	      { "COMMIT;", 5, TXC }, { "VACUUM;", 6, NOTX },
	      { "BEGIN IMMEDIATE TRANSACTION;", 7, TXC },
	      { "END TRANSACTION;", 8, TXC }, { "rollback;", 9, TXC });
}

static void sql__sqlite_missing_table_is_not_an_error(void **state)
{
	(void)state;
	SPLIT("INSERT INTO nowhere VALUES (1);\nCREATE INDEX i ON nowhere (x);",
	      LITE, { "INSERT INTO nowhere VALUES (1);", 1, 0 },
	      { "CREATE INDEX i ON nowhere (x);", 2, 0 });
}

static void sql__sqlite_syntax_error_line(void **state)
{
	(void)state;
	expect_error("CREATE TABLE t (a);\n\nINSERT INTO t\nVALUES (1,,2);",
	             LITE, 4, "near \",\": syntax error");
	expect_error("SELECT 1;\nSELEC 2;", LITE, 2,
	             "near \"SELEC\": syntax error");
	expect_error("SELECT 1;\nSELECT 'open;\n", LITE, 2,
	             "unrecognized token: \"'open; \"");
	expect_error("SELECT 1;\nSELECT (1", LITE, 2, "incomplete input");
	/* an unclosed quote is found even where prepare stops early */
	expect_error(
	        "INSERT INTO nowhere VALUES (1);\nINSERT INTO nowhere\nVALUES (\"x);\n",
	        LITE, 3, "unrecognized token: \"\"x); \"");
	expect_error("SELECT [a;\n", LITE, 1, "unrecognized token: \"[a; \"");
	expect_error("SELECT 1;\n\nSELECT x'ab", LITE, 3,
	             "unrecognized token: \"x'ab\"");
}

static void sql__sqlite_unfinished_trigger(void **state)
{
	(void)state;
	expect_error(
	        "CREATE TABLE t (a);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	        "  SELECT 1;\n",
	        LITE, 2, "incomplete input");
}

static void sql__sqlite_trigger_on_new_table_parsed_to_the_end(void **state)
{
	(void)state;
	/* without running CREATE TABLE, "no such table" would hide this */
	expect_error(
	        "CREATE TABLE t (a);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	        "  UPDATE t SET a = 1;\n  DELET FROM t;\nEND;",
	        LITE, 4, "near \"DELET\": syntax error");
	/* CREATE TABLE AS runs a query: it is not run (nor could it hang) */
	SPLIT("CREATE TABLE n AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
	      "SELECT x + 1 FROM c) SELECT x FROM c;\nSELECT 1;\n"
	      "CREATE TEMP TABLE IF NOT EXISTS main2 (a);\n"
	      "CREATE TRIGGER tr2 AFTER INSERT ON n BEGIN SELECT 1; END;",
	      LITE,
	      { "CREATE TABLE n AS WITH RECURSIVE c(x) AS (SELECT 1 UNION "
	        "ALL SELECT x + 1 FROM c) SELECT x FROM c;",
	        1, 0 },
	      { "SELECT 1;", 2, 0 },
	      { "CREATE TEMP TABLE IF NOT EXISTS main2 (a);", 3, 0 },
	      { "CREATE TRIGGER tr2 AFTER INSERT ON n BEGIN SELECT 1; END;", 4,
	        0 });
	/* a view is created, so a trigger on it gets parsed to its end */
	expect_error(
	        "CREATE TABLE t (a);\nCREATE VIEW v AS SELECT a FROM t;\n"
	        "CREATE TRIGGER tr INSTEAD OF INSERT ON v BEGIN\n  INSERT INTO t VALUES (new.a)\n  SELEC 1;\nEND;",
	        LITE, 5, "near \"SELEC\": syntax error");
}

static void sql__sqlite_bom_crlf(void **state)
{
	(void)state;
	SPLIT("\xEF\xBB\xBF-- x\r\nSELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", LITE,
	      { "SELECT 1;", 2, 0 }, { "SELECT\r\n 2;", 4, 0 });
	/* SQLite's tokenizer takes a BOM anywhere for space */
	SPLIT("SELECT 1;\xEF\xBB\xBFSELECT 2;", LITE, { "SELECT 1;", 1, 0 },
	      { "SELECT 2;", 1, 0 });
	expect_error("SELECT 1;\r\n\r\nSELEC 2;\r\n", LITE, 3,
	             "near \"SELEC\": syntax error");
}

static void sql__sqlite_nul_and_utf8(void **state)
{
	(void)state;
	expect_error_len("SELECT 1;\n\nSELECT '\0';", 21, LITE, 1, 3,
	                 "NUL byte in SQL");
	expect_error("SELECT 'caf\xE9';", LITE, 1, "invalid UTF-8 in SQL");
	SPLIT("SELECT 'façade;';", LITE, { "SELECT 'façade;';", 1, 0 });
}

static void sql__sqlite_tokens_equal(void **state)
{
	(void)state;
	assert_int_equal(
	        tokens_equal("SELECT 1; -- x", "SELECT\n\t1 /* y */;", LITE),
	        1);
	assert_int_equal(tokens_equal("SELECT a<=b", "SELECT a < = b", LITE),
	                 0);
	assert_int_equal(tokens_equal("SELECT x'ab'", "SELECT x 'ab'", LITE),
	                 0);
	assert_int_equal(tokens_equal("SELECT 1.5e+3", "SELECT 1.5e+3 ", LITE),
	                 1);
	assert_int_equal(tokens_equal("SELECT 'a b'", "SELECT 'a  b'", LITE),
	                 0);
	assert_int_equal(tokens_equal("SELECT 1", "SELECT 1;", LITE), 0);
	assert_int_equal(tokens_equal("", "/* c */", LITE), 1);
}

/* --- both ---------------------------------------------------------------- */

static void sql__unknown_dialect(void **state)
{
	mc_sql_stmts *s = NULL;
	int eq;

	(void)state;
	assert_int_equal(
	        mc_sql_split(&s, NULL, "SELECT 1", 8, MC_DIALECT_UNKNOWN, 1),
	        MC_ERROR);
	assert_null(s);
	assert_string_equal(mc_error_last()->message,
	                    "unknown SQL dialect 'unknown'");
	assert_int_equal(
	        mc_sql_tokens_equal(&eq, "a", 1, "a", 1, MC_DIALECT_UNKNOWN),
	        MC_ERROR);
	mc_error_clear();
}

static void sql__too_large_refused_before_reading(void **state)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	const char one = ';';

	(void)state;
	/* the size is checked before a byte is read */
	assert_int_equal(
	        mc_sql_split(&s, &err, &one, MC_SQL_MAX_LEN + 1, PG, 1),
	        MC_EPARSE);
	assert_null(s);
	assert_string_equal(
	        err.message,
	        "SQL text too large (268435457 bytes, limit 256 MiB)");
	assert_int_equal(err.line, 0);
	mc_sql_error_dispose(&err);
	mc_error_clear();
}

static void sql__error_replaces_previous_message(void **state)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;

	(void)state;
	assert_int_equal(mc_sql_split(&s, &err, "SELEC", 5, PG, 1), MC_EPARSE);
	assert_int_equal(
	        mc_sql_split(&s, &err, "SELECT 1;\nSELEC", 15, LITE, 1),
	        MC_EPARSE);
	assert_string_equal(err.message, "near \"SELEC\": syntax error");
	assert_int_equal(err.line, 2);
	mc_sql_error_dispose(&err);
	mc_sql_error_dispose(NULL);
	mc_sql_stmts_free(NULL);
	assert_int_equal(mc_sql_stmts_count(NULL), 0);
	mc_error_clear();
}

static void sql__large_script(void **state)
{
	const size_t n = 2000;
	char *buf = malloc(n * 64);
	size_t i, len = 0;
	mc_dialect d;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(
		        buf + len, 64,
		        "-- %zu\nINSERT INTO t VALUES (%zu, ';');\n", i, i);
	for (d = PG; d <= LITE; d++) {
		mc_sql_stmts *s = NULL;

		assert_int_equal(mc_sql_split(&s, NULL, buf, len, d, 1), 0);
		assert_int_equal(mc_sql_stmts_count(s), n);
		assert_int_equal(mc_sql_stmts_get(s, n - 1)->line, 2 * n);
		mc_sql_stmts_free(s);
	}
	free(buf);
}

/* Fail the 1st, 2nd, ... allocation until the call succeeds. */
static void
expect_enomem_then_success(const char *sql, mc_dialect d, size_t count)
{
	unsigned long nth;
	int rc = MC_ENOMEM;

	for (nth = 1; rc == MC_ENOMEM && nth < 1000; nth++) {
		mc_sql_stmts *s = NULL;
		mc_sql_error err = MC_SQL_ERROR_INIT;

		mc_alloc_fail_at(nth);
		rc = mc_sql_split(&s, &err, sql, strlen(sql), d, 1);
		mc_alloc_fail_at(0);
		if (rc == MC_ENOMEM) {
			assert_null(s);
			assert_null(err.message);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(mc_sql_stmts_count(s), count);
		mc_sql_stmts_free(s);
	}
	assert_true(nth > 2); /* at least one allocation was failed */
	mc_error_clear();
}

static void expect_enomem_then_error(const char *sql, mc_dialect d)
{
	unsigned long nth;
	int rc = MC_ENOMEM;

	for (nth = 1; rc == MC_ENOMEM && nth < 1000; nth++) {
		mc_sql_stmts *s = NULL;
		mc_sql_error err = MC_SQL_ERROR_INIT;

		mc_alloc_fail_at(nth);
		rc = mc_sql_split(&s, &err, sql, strlen(sql), d, 1);
		mc_alloc_fail_at(0);
		assert_null(s);
		if (rc == MC_ENOMEM) {
			assert_null(err.message);
			continue;
		}
		assert_int_equal(rc, MC_EPARSE);
		assert_non_null(err.message);
		mc_sql_error_dispose(&err);
	}
	assert_true(nth > 2);
	mc_error_clear();
}

static void sql__alloc_failures(void **state)
{
	unsigned long nth;
	int rc = MC_ENOMEM, eq;
	char many[40 * 40];
	size_t i, len = 0;

	(void)state;
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
		                        "SELECT %zu;\n", i);
	expect_enomem_then_success(many, PG, 40);
	expect_enomem_then_success(many, LITE, 40);
	expect_enomem_then_success("CREATE INDEX CONCURRENTLY i ON t (x);", PG,
	                           1);
	expect_enomem_then_error("SELECT 1;\nSELEC", PG);
	expect_enomem_then_error("SELECT 1;\nSELEC", LITE);
	expect_enomem_then_error("COPY t FROM stdin;\n1\t2\n\\.\n", PG);
	for (nth = 1; rc == MC_ENOMEM && nth < 100; nth++) {
		mc_alloc_fail_at(nth);
		rc = mc_sql_tokens_equal(&eq, "SELECT 1", 8, "SELECT 1", 8, PG);
		mc_alloc_fail_at(0);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(eq, 1);
	mc_error_clear();
}

/* mc_sql_quote_ident into a fresh string; NULL when it fails. */
static char *quoted(const char *name, size_t len, mc_dialect d, int *rc)
{
	mc_buf b = MC_BUF_INIT;
	*rc = mc_sql_quote_ident(&b, name, len, d);
	if (*rc < 0) {
		assert_int_equal(b.size, 0);
		mc_buf_dispose(&b);
		return NULL;
	}
	return b.ptr ? mc_buf_detach(&b) : mc_strdup("");
}

static void expect_quoted(const char *name, mc_dialect d, const char *want)
{
	int rc;
	char *got = quoted(name, strlen(name), d, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, want);
	mc_free(got);
}

static void sql__quote_ident_plain_names_stay(void **state MC_UNUSED)
{
	expect_quoted("users", PG, "users");
	expect_quoted("created_at2", PG, "created_at2");
	expect_quoted("_x", LITE, "_x");
	/* unreserved keywords need no quotes on PostgreSQL (quote_ident) */
	expect_quoted("name", PG, "name");
	expect_quoted("comment", PG, "comment");
}

static void sql__quote_ident_quotes_the_rest(void **state MC_UNUSED)
{
	const mc_dialect both[] = { PG, LITE };
	for (size_t i = 0; i < 2; i++) {
		mc_dialect d = both[i];
		expect_quoted("Sessions", d, "\"Sessions\"");
		expect_quoted("a;b", d, "\"a;b\"");
		expect_quoted("say \"hi\"", d, "\"say \"\"hi\"\"\"");
		expect_quoted("x\"; DROP TABLE users; --", d,
		              "\"x\"\"; DROP TABLE users; --\"");
		expect_quoted("1st", d, "\"1st\"");
		expect_quoted("", d, "\"\"");
		expect_quoted("caf\xC3\xA9", d, "\"caf\xC3\xA9\"");
		expect_quoted("a\\b", d, "\"a\\b\"");
		/* keywords of either engine */
		expect_quoted("select", d, "\"select\"");
		expect_quoted("order", d, "\"order\"");
	}
	expect_quoted("user", PG, "\"user\"");
	/* SQLite's keyword list, not PostgreSQL's */
	expect_quoted("autoincrement", LITE, "\"autoincrement\"");
	expect_quoted("autoincrement", PG, "autoincrement");
	/* a name of 64 bytes and more stays whole in quotes */
	expect_quoted(
	        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	        PG,
	        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
}

static void sql__quote_ident_control_characters(void **state MC_UNUSED)
{
	int rc;
	char *got;

	/* PostgreSQL: Unicode escapes, a backslash doubled */
	expect_quoted("e\033[2Jx", PG, "U&\"e\\001B[2Jx\"");
	expect_quoted("n\nDROP TABLE t;", PG, "U&\"n\\000ADROP TABLE t;\"");
	expect_quoted("t\tab\\\"", PG, "U&\"t\\0009ab\\\\\"\"\"");
	expect_quoted("del\x7F", PG, "U&\"del\\007F\"");
	expect_quoted("c1\xC2\x9B", PG, "U&\"c1\\009B\"");
	expect_quoted("\xC3\xA9\r", PG, "U&\"\xC3\xA9\\000D\"");
	/* SQLite cannot spell them; nor can either engine invalid UTF-8 */
	got = quoted("e\033[2Jx", 7, LITE, &rc);
	assert_null(got);
	assert_int_equal(rc, MC_ERROR);
	assert_non_null(strstr(mc_error_last()->message, "SQLite"));
	got = quoted("tab\t", 4, LITE, &rc);
	assert_int_equal(rc, MC_ERROR);
	got = quoted("bad\xFF", 4, PG, &rc);
	assert_null(got);
	assert_int_equal(rc, MC_ERROR);
	got = quoted("bad\xC3", 4, LITE, &rc);
	assert_int_equal(rc, MC_ERROR);
	/* a NUL inside the given length */
	got = quoted("a\0b", 3, PG, &rc);
	assert_int_equal(rc, MC_ERROR);
	/* only len bytes count */
	got = quoted("users; x", 5, PG, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "users");
	mc_free(got);
	mc_error_clear();
}

static void sql__quote_ident_alloc_failures(void **state MC_UNUSED)
{
	const char *names[] = { "users", "Mixed", "e\033x" };
	for (size_t i = 0; i < 3; i++) {
		int rc = MC_ENOMEM;
		char *got = NULL;
		for (unsigned long nth = 1; rc == MC_ENOMEM && nth < 50;
		     nth++) {
			mc_alloc_fail_at(nth);
			got = quoted(names[i], strlen(names[i]), PG, &rc);
			mc_alloc_fail_at(0);
			assert_true(rc == 0 || rc == MC_ENOMEM);
		}
		assert_int_equal(rc, 0);
		assert_non_null(got);
		mc_free(got);
	}
	mc_error_clear();
}

static void sql__fragment_safe(void **state MC_UNUSED)
{
	/* what the servers give back for types, defaults, definitions */
	assert_true(mc_sql_fragment_safe("character varying(20)", PG));
	assert_true(mc_sql_fragment_safe("integer[]", PG));
	assert_true(mc_sql_fragment_safe("'active'::text", PG));
	assert_true(mc_sql_fragment_safe("'it''s; -- fine'::text", PG));
	assert_true(mc_sql_fragment_safe(
	        "CREATE INDEX \"a;b\" ON public.\"x\"\"y\" USING btree (\"c--d\")",
	        PG));
	assert_true(mc_sql_fragment_safe("PRIMARY KEY (id)", LITE));
	assert_true(mc_sql_fragment_safe("caf\xC3\xA9", LITE));
	/* could end the statement, hide or swallow the rest, or reach the
	 * terminal */
	assert_false(mc_sql_fragment_safe("text; DROP TABLE users", PG));
	assert_false(mc_sql_fragment_safe("text -- x", PG));
	assert_false(mc_sql_fragment_safe("text /* x", PG));
	assert_false(mc_sql_fragment_safe("'open", PG));
	assert_false(mc_sql_fragment_safe("\"open", LITE));
	assert_false(mc_sql_fragment_safe("$$ x $$", PG));
	assert_false(mc_sql_fragment_safe("E'a\\'b'", PG));
	assert_false(mc_sql_fragment_safe("'a\033[2Jb'::text", PG));
	assert_false(mc_sql_fragment_safe("'a\nb'::text", PG));
	assert_false(mc_sql_fragment_safe("'\xFF'", LITE));
	assert_false(mc_sql_fragment_safe("PRIMARY KEY ([a)", LITE));
	assert_false(mc_sql_fragment_safe("PRIMARY KEY (`a)", LITE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sql__pg_simple),
		cmocka_unit_test(sql__pg_missing_final_semicolon),
		cmocka_unit_test(sql__pg_trailing_comment_not_in_last),
		cmocka_unit_test(sql__pg_leading_comments_skipped),
		cmocka_unit_test(sql__pg_comment_before_semicolon_kept),
		cmocka_unit_test(sql__pg_empty_input),
		cmocka_unit_test(sql__pg_only_comments),
		cmocka_unit_test(sql__pg_dollar_quotes),
		cmocka_unit_test(sql__pg_begin_atomic_body),
		cmocka_unit_test(sql__pg_do_block),
		cmocka_unit_test(sql__pg_strings),
		cmocka_unit_test(sql__pg_unicode_escape_string_last),
		cmocka_unit_test(sql__pg_nested_block_comments),
		cmocka_unit_test(sql__pg_line_comment_with_semicolon),
		cmocka_unit_test(sql__pg_quoted_identifiers),
		cmocka_unit_test(sql__pg_concurrently_flagged),
		cmocka_unit_test(sql__pg_flags_through_comments_and_case),
		cmocka_unit_test(
		        sql__pg_concurrently_in_comment_or_string_not_flagged),
		cmocka_unit_test(sql__pg_no_transaction_statements),
		cmocka_unit_test(sql__pg_transaction_control),
		cmocka_unit_test(sql__pg_create_rule_with_inner_semicolons),
		cmocka_unit_test(sql__pg_syntax_error_line),
		cmocka_unit_test(sql__pg_unterminated),
		cmocka_unit_test(sql__long_message_cut_to_one_line),
		cmocka_unit_test(sql__pg_operator_run_refused_not_hung),
		cmocka_unit_test(sql__pg_first_line_offset),
		cmocka_unit_test(sql__pg_not_nul_terminated),
		cmocka_unit_test(sql__pg_copy_from_stdin),
		cmocka_unit_test(sql__pg_bom),
		cmocka_unit_test(sql__pg_crlf),
		cmocka_unit_test(sql__pg_nul_byte),
		cmocka_unit_test(sql__pg_invalid_utf8),
		cmocka_unit_test(sql__pg_blank),
		cmocka_unit_test(sql__pg_tokens_equal),
		cmocka_unit_test(sql__sqlite_simple),
		cmocka_unit_test(sql__sqlite_trigger_body),
		cmocka_unit_test(sql__sqlite_strings_and_identifiers),
		cmocka_unit_test(sql__sqlite_comments),
		cmocka_unit_test(sql__sqlite_unclosed_block_comment_is_blank),
		cmocka_unit_test(sql__sqlite_flags),
		cmocka_unit_test(sql__sqlite_missing_table_is_not_an_error),
		cmocka_unit_test(sql__sqlite_syntax_error_line),
		cmocka_unit_test(sql__sqlite_unfinished_trigger),
		cmocka_unit_test(
		        sql__sqlite_trigger_on_new_table_parsed_to_the_end),
		cmocka_unit_test(sql__sqlite_bom_crlf),
		cmocka_unit_test(sql__sqlite_nul_and_utf8),
		cmocka_unit_test(sql__sqlite_tokens_equal),
		cmocka_unit_test(sql__unknown_dialect),
		cmocka_unit_test(sql__too_large_refused_before_reading),
		cmocka_unit_test(sql__error_replaces_previous_message),
		cmocka_unit_test(sql__large_script),
		cmocka_unit_test(sql__alloc_failures),
		cmocka_unit_test(sql__quote_ident_plain_names_stay),
		cmocka_unit_test(sql__quote_ident_quotes_the_rest),
		cmocka_unit_test(sql__quote_ident_control_characters),
		cmocka_unit_test(sql__quote_ident_alloc_failures),
		cmocka_unit_test(sql__fragment_safe),
	};

	return cmocka_run_group_tests_name("sql", tests, NULL, NULL);
}
