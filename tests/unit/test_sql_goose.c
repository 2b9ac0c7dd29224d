/*
 * test_sql_goose.c: mc_sql_split_goose, a goose section split as goose
 * sends it. The cases reproduce the shapes of goose's own parser tests
 * (internal/sqlparser: testdata/valid-up and the semicolon and
 * multi-statement cases), written anew: a StatementBegin/End block is one
 * statement, elsewhere only a ';' that ends a line ends one, comment lines
 * before a statement are dropped and those inside it kept.
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

struct want {
	const char *text;
	unsigned line;
};

static void expect(const char *sql, mc_dialect d, unsigned first_line,
                   const struct want *w, size_t n)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	int rc = mc_sql_split_goose(&s, &err, sql, strlen(sql), d, first_line);

	if (rc != 0)
		fail_msg("split failed (%d): line %u: %s", rc, err.line,
		         err.message ? err.message : "?");
	assert_int_equal(mc_sql_stmts_count(s), n);
	for (size_t i = 0; i < n; i++) {
		const mc_sql_stmt *st = mc_sql_stmts_get(s, i);
		if (strlen(w[i].text) != st->len ||
		    memcmp(sql + st->offset, w[i].text, st->len))
			fail_msg("statement %zu: want [%s] got [%.*s]", i,
			         w[i].text, (int)st->len, sql + st->offset);
		assert_int_equal(st->line, w[i].line);
	}
	mc_sql_stmts_free(s);
}

#define GOOSE(sql, d, first, ...)                                             \
	do {                                                                   \
		const struct want w_[] = { __VA_ARGS__ };                      \
		expect(sql, d, first, w_, MC_ARRAY_SIZE(w_));                  \
	} while (0)

static void expect_error(const char *sql, mc_dialect d, unsigned line,
                         const char *message)
{
	mc_sql_stmts *s = NULL;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	assert_int_equal(mc_sql_split_goose(&s, &err, sql, strlen(sql), d, 1),
	                 MC_EPARSE);
	assert_null(s);
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	mc_sql_error_dispose(&err);
	mc_error_clear();
}

/* a table, a plpgsql trigger function in a block (';' ending its lines,
 * comments inside), then the trigger: three statements (valid-up/test01) */
static void goose__block_is_one_statement(void **state MC_UNUSED)
{
	const char *sql =
	        "CREATE TABLE staff (\n"                                /* 2 */
	        "    name text,\n"
	        "    pay integer\n"
	        ");\n"                                                  /* 5 */
	        "\n"
	        "-- +goose StatementBegin\n"                            /* 7 */
	        "CREATE FUNCTION staff_check() RETURNS trigger AS $chk$\n" /* 8 */
	        "    BEGIN\n"
	        "        -- a name is needed\n"
	        "        IF NEW.name IS NULL THEN\n"
	        "            RAISE EXCEPTION 'no name';\n"
	        "        END IF;\n"
	        "        RETURN NEW;\n"
	        "    END;\n"
	        "$chk$ LANGUAGE plpgsql;\n"                             /* 16 */
	        "-- +goose StatementEnd\n"
	        "\n"
	        "CREATE TRIGGER staff_check BEFORE INSERT ON staff\n"   /* 19 */
	        "    FOR EACH ROW EXECUTE FUNCTION staff_check();\n";
	GOOSE(sql, PG, 2,
	      { "CREATE TABLE staff (\n    name text,\n    pay integer\n);", 2 },
	      { "CREATE FUNCTION staff_check() RETURNS trigger AS $chk$\n"
	        "    BEGIN\n"
	        "        -- a name is needed\n"
	        "        IF NEW.name IS NULL THEN\n"
	        "            RAISE EXCEPTION 'no name';\n"
	        "        END IF;\n"
	        "        RETURN NEW;\n"
	        "    END;\n"
	        "$chk$ LANGUAGE plpgsql;", 8 },
	      { "CREATE TRIGGER staff_check BEFORE INSERT ON staff\n"
	        "    FOR EACH ROW EXECUTE FUNCTION staff_check();", 19 });
}

/* several statements in one block go as one (valid-up/test02) */
static void goose__block_of_several_statements(void **state MC_UNUSED)
{
	const char *sql = "-- +goose StatementBegin\n"
	                  "CREATE TABLE a (id int);\n"
	                  "\n"
	                  "CREATE TABLE b (id int);\n"
	                  "-- +goose StatementEnd\n";
	GOOSE(sql, PG, 1,
	      { "CREATE TABLE a (id int);\n\nCREATE TABLE b (id int);", 2 });
}

/* leading comments of a block are dropped, trailing ones kept, also on
 * the last line after its ';' (valid-up/test03, test06) */
static void goose__block_comments(void **state MC_UNUSED)
{
	const char *sql = "-- +goose StatementBegin\n"
	                  "\n"
	                  "-- dropped\n"
	                  "  -- dropped too\n"
	                  "CREATE FUNCTION one() RETURNS int AS '\n" /* 5 */
	                  "BEGIN RETURN 1; END;\n"
	                  "' LANGUAGE plpgsql; -- kept\n"
	                  "-- kept as well\n"
	                  "-- +goose StatementEnd\n";
	GOOSE(sql, PG, 1,
	      { "CREATE FUNCTION one() RETURNS int AS '\n"
	        "BEGIN RETURN 1; END;\n"
	        "' LANGUAGE plpgsql; -- kept\n"
	        "-- kept as well", 5 });
}

/* a block's statement needs no ';' of its own */
static void goose__block_without_semicolon(void **state MC_UNUSED)
{
	GOOSE("-- +goose StatementBegin\nSELECT 1\n-- +goose StatementEnd\n",
	      PG, 1, { "SELECT 1", 2 });
}

/* comment lines between statements are no part of either; inside one
 * they stay (valid-up/test05) */
static void goose__comments_between_and_inside(void **state MC_UNUSED)
{
	const char *sql = "CREATE TABLE k (\n"
	                  "    id integer\n"
	                  "-- inside\n"
	                  ");\n"
	                  "-- after\n"
	                  "\n"
	                  "-- dangling\n"
	                  "CREATE TABLE k2 (\n" /* 8 */
	                  "    -- inside too\n"
	                  "    id integer\n"
	                  ");\n";
	GOOSE(sql, PG, 1,
	      { "CREATE TABLE k (\n    id integer\n-- inside\n);", 1 },
	      { "CREATE TABLE k2 (\n    -- inside too\n    id integer\n);", 8 });
}

/* a string over several lines, with empty lines and "--" lines inside,
 * ends where its ';' ends a line (valid-up/test04, test06) */
static void goose__multi_line_strings(void **state MC_UNUSED)
{
	const char *sql = "INSERT INTO doc VALUES ('# title\n"
	                  "\n"
	                  "-- not a comment here\n"
	                  "text');\n"
	                  "INSERT INTO doc VALUES ('x');\n";
	GOOSE(sql, PG, 1,
	      { "INSERT INTO doc VALUES ('# title\n\n-- not a comment here\ntext');", 1 },
	      { "INSERT INTO doc VALUES ('x');", 5 });
}

/* "SELECT 3; SELECT 3;" on one line is one statement; a ';' inside a line
 * does not end one; a comment after the ';' does not hide it, a ';' after
 * "--" is no end (TestSplitStatements, TestSemicolons) */
static void goose__semicolons_at_line_end_only(void **state MC_UNUSED)
{
	const char *sql = "SELECT 2;           -- second\n"
	                  "SELECT 3; SELECT 3; -- third\n"
	                  "SELECT 4; SELECT\n"
	                  "5;\n"
	                  "SELECT 6 -- no end;\n"
	                  ";\n"
	                  "SELECT 7   ; -- end\n";
	GOOSE(sql, PG, 1, { "SELECT 2;           -- second", 1 },
	      { "SELECT 3; SELECT 3; -- third", 2 },
	      { "SELECT 4; SELECT\n5;", 3 },
	      { "SELECT 6 -- no end;\n;", 5 },
	      { "SELECT 7   ; -- end", 7 });
}

/* annotation lines are never SQL; NO TRANSACTION among statements */
static void goose__annotations_are_not_sql(void **state MC_UNUSED)
{
	GOOSE("-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
	      PG, 1, { "CREATE INDEX CONCURRENTLY i ON t (a);", 2 });
}

/* SQLite: a trigger body in a block */
static void goose__sqlite_trigger(void **state MC_UNUSED)
{
	const char *sql = "CREATE TABLE t (a int);\n"
	                  "-- +goose StatementBegin\n"
	                  "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	                  "  UPDATE t SET a = 1;\n"
	                  "END;\n"
	                  "-- +goose StatementEnd\n";
	GOOSE(sql, LITE, 1, { "CREATE TABLE t (a int);", 1 },
	      { "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\nEND;", 3 });
}

/* without a block, goose cuts a function at the first line its ';' ends:
 * what it sends does not parse, and the message says why */
static void goose__function_without_block(void **state MC_UNUSED)
{
	expect_error("CREATE FUNCTION f() RETURNS int AS $$\n"
	             "BEGIN\n"
	             "  RETURN 1;\n"
	             "END;\n"
	             "$$ LANGUAGE plpgsql;\n",
	             PG, 1,
	             "goose cuts lines 1-3 off as one statement where a ';' ends a line (wrap it in StatementBegin/End): "
	             "unterminated dollar-quoted string at or near \"$$ BEGIN   R...");
}

/* text left without a ';' that ends a line: goose's "missing semicolon?" */
static void goose__missing_semicolon(void **state MC_UNUSED)
{
	expect_error("SELECT 1;\n\nSELECT 2 -- ;\n-- more\n", PG, 3,
	             "goose stops here: this statement does not end with a ';' at the end of a line (goose: 'missing semicolon?')");
}

/* nothing but comments and blank lines: no statement */
static void goose__blank(void **state MC_UNUSED)
{
	mc_sql_stmts *s = NULL;
	assert_int_equal(mc_sql_split_goose(&s, NULL, "\n-- x\n\n", 7, PG, 1), 0);
	assert_int_equal(mc_sql_stmts_count(s), 0);
	mc_sql_stmts_free(s);
}

/* every allocation failing in turn: MC_ENOMEM, nothing leaked */
static void goose__alloc_failures(void **state MC_UNUSED)
{
	const char *sql = "SELECT 1;\n-- +goose StatementBegin\nSELECT 2;\n-- +goose StatementEnd\n";
	for (int n = 1;; n++) {
		mc_sql_stmts *s = NULL;
		int rc;
		mc_alloc_fail_at(n);
		rc = mc_sql_split_goose(&s, NULL, sql, strlen(sql), PG, 1);
		mc_alloc_fail_at(0);
		if (rc == 0) {
			assert_int_equal(mc_sql_stmts_count(s), 2);
			mc_sql_stmts_free(s);
			break;
		}
		assert_int_equal(rc, MC_ENOMEM);
		assert_null(s);
		mc_error_clear();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(goose__block_is_one_statement),
		cmocka_unit_test(goose__block_of_several_statements),
		cmocka_unit_test(goose__block_comments),
		cmocka_unit_test(goose__block_without_semicolon),
		cmocka_unit_test(goose__comments_between_and_inside),
		cmocka_unit_test(goose__multi_line_strings),
		cmocka_unit_test(goose__semicolons_at_line_end_only),
		cmocka_unit_test(goose__annotations_are_not_sql),
		cmocka_unit_test(goose__sqlite_trigger),
		cmocka_unit_test(goose__function_without_block),
		cmocka_unit_test(goose__missing_semicolon),
		cmocka_unit_test(goose__blank),
		cmocka_unit_test(goose__alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
