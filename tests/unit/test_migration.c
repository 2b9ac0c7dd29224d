/*
 * test_migration.c: discovery. Versions, each format's names and
 * sections, script flags and lines, detection, findings with file:line,
 * reading folders (huge files, directories, symlink loops), finding the
 * migrations folder, and every allocation failing in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/migration.h"
#include "migration/migration_internal.h"
#include "util/banned.h"

/* ---- helpers ---- */

/* A file list from pairs of (name, content), NULL-terminated; under "m/". */
static mc_file_list *files_v(const char *const *pairs)
{
	mc_file_list *l = NULL;
	char path[256];

	assert_int_equal(mc_file_list_new(&l), 0);
	for (size_t i = 0; pairs[i]; i += 2) {
		snprintf(path, sizeof(path), "m/%s", pairs[i]);
		assert_int_equal(mc_file_list_add(l, path, pairs[i + 1],
		                                  strlen(pairs[i + 1])),
		                 0);
	}
	return l;
}

#define FILES(...) files_v((const char *const[]){ __VA_ARGS__, NULL })

struct parsed {
	mc_migration_list *list;
	mc_report *report;
};

static void
parse_opts(struct parsed *p, mc_file_list *files, const mc_discover_opts *opts)
{
	assert_int_equal(mc_report_new(&p->report, "test"), 0);
	assert_int_equal(mc_migration_list_parse_opts(&p->list, files, "m",
	                                              opts, p->report),
	                 0);
	mc_file_list_free(files);
}

static void parse(struct parsed *p, mc_file_list *files)
{
	parse_opts(p, files, NULL);
}

static void parsed_free(struct parsed *p)
{
	mc_migration_list_free(p->list);
	mc_report_free(p->report);
}

static const mc_migration *mig(const struct parsed *p, size_t i)
{
	const mc_migration *m = mc_migration_list_get(p->list, i);
	assert_non_null(m);
	return m;
}

/* The i-th finding must be code at file:line (file relative to "m/"). */
static void expect_finding(const struct parsed *p,
                           size_t i,
                           const char *code,
                           const char *file,
                           unsigned line,
                           const char *msg)
{
	const mc_finding *f;
	char path[256];

	assert_true(i < mc_report_count(p->report));
	f = mc_report_get(p->report, i);
	assert_string_equal(f->code, code);
	if (file) {
		snprintf(path, sizeof(path), "m/%s", file);
		assert_non_null(f->file);
		assert_string_equal(f->file, path);
	} else
		assert_null(f->file);
	assert_int_equal(f->line, line);
	if (msg)
		assert_string_equal(f->message, msg);
}

static size_t stmts(const mc_script *s)
{
	return s && s->stmts ? mc_sql_stmts_count(s->stmts) : 0;
}

static unsigned stmt_line(const mc_script *s, size_t i)
{
	return mc_sql_stmts_get(s->stmts, i)->line;
}

/* ---- versions ---- */

static void migration__version_cmp(void **state MC_UNUSED)
{
	assert_true(mc_version_cmp("2", "10") < 0);
	assert_true(mc_version_cmp("10", "2") > 0);
	assert_int_equal(mc_version_cmp("001", "1"), 0);
	assert_true(mc_version_cmp("1.2", "1.10") < 0);
	assert_int_equal(mc_version_cmp("1", "1.0"), 0);
	assert_true(mc_version_cmp("2.1", "10") < 0);
	assert_true(mc_version_cmp("20240101120000", "20240101120001") < 0);
	assert_true(mc_version_cmp("99999999999999999999",
	                           "100000000000000000000") < 0);
	assert_true(mc_version_cmp("20210101000000000000",
	                           "20210102000000000000") < 0);
	assert_int_equal(mc_version_cmp("", ""), 0);
	assert_true(mc_version_cmp("1", "a") < 0);
	assert_true(mc_version_cmp("abc", "abd") < 0);
	assert_true(mc_version_cmp(NULL, "1") < 0);
	assert_int_equal(mc_version_cmp("1_1", "1.1"), 0);
}

static void migration__format_names(void **state MC_UNUSED)
{
	mc_format f;
	for (int i = MC_FORMAT_GOLANG_MIGRATE; i <= MC_FORMAT_SEQUELIZE; i++) {
		assert_int_equal(
		        mc_format_parse(&f, mc_format_name((mc_format)i)), 0);
		assert_int_equal(f, i);
	}
	assert_string_equal(mc_format_name(MC_FORMAT_POPX), "popx");
	assert_int_equal(mc_format_parse(&f, "liquibase"), MC_ENOTFOUND);
}

/* ---- name matchers ---- */

static void migration__names(void **state MC_UNUSED)
{
	struct mc_name_info ni;

	assert_int_equal(mc_fmt_golang_migrate__match(&ni, "1_x..up.sql"), 1);
	assert_string_equal(ni.version, "1");
	assert_string_equal(ni.name, "x.");
	assert_int_equal(ni.part, MC_PART_UP);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_golang_migrate__match(
	                         &ni, "20240101_add users.down.sql"),
	                 1);
	assert_string_equal(ni.name, "add users");
	assert_int_equal(ni.part, MC_PART_DOWN);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_golang_migrate__match(&ni, "x_1.up.sql"), 0);
	assert_int_equal(mc_fmt_golang_migrate__match(&ni, "1_x.sql"), 0);

	assert_int_equal(
	        mc_fmt_popx__match(
	                &ni,
	                "20210101000000000000_a.sqlite3.autocommit.up.sql"),
	        1);
	assert_string_equal(ni.name, "a");
	assert_string_equal(ni.dialect, "sqlite3");
	assert_int_equal(ni.autocommit, 1);
	mc_name_info__dispose(&ni);
	/* popx runs no name holding a dot, nor an unknown dialect */
	assert_int_equal(mc_fmt_popx__match(&ni, "1_a.b.sqlite3.up.sql"), 0);
	assert_int_equal(mc_fmt_popx__match(&ni, "1_a.b.up.sql"), 0);
	assert_int_equal(mc_fmt_popx__match(&ni, "1_a..up.sql"), 0);
	assert_int_equal(mc_fmt_popx__match(&ni, "1_.up.sql"), 0);
	assert_true(mc_fmt_popx__skipped("1_a.b.up.sql"));
	assert_true(mc_fmt_popx__skipped("1_a..down.sql"));
	assert_false(mc_fmt_popx__skipped("1_a.postgres.up.sql"));
	assert_false(mc_fmt_popx__skipped("1_a.sql"));
	assert_int_equal(mc_fmt_popx__match(&ni, "1_a.down.sql"), 1);
	assert_null(ni.dialect);
	assert_int_equal(ni.autocommit, 0);
	mc_name_info__dispose(&ni);

	assert_int_equal(mc_fmt_flyway__match(&ni, "V2_1__add_col.sql"), 1);
	assert_string_equal(ni.version, "2.1");
	assert_string_equal(ni.name, "add_col");
	assert_int_equal(ni.kind, MC_MIGRATION_VERSIONED);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_flyway__match(&ni, "U1.0.3__undo.sql"), 1);
	assert_string_equal(ni.version, "1.0.3");
	assert_int_equal(ni.part, MC_PART_DOWN);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_flyway__match(&ni, "B5__base.sql"), 1);
	assert_int_equal(ni.kind, MC_MIGRATION_BASELINE);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_flyway__match(&ni, "R__views.sql"), 1);
	assert_int_equal(ni.kind, MC_MIGRATION_REPEATABLE);
	assert_string_equal(ni.version, "");
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_flyway__match(&ni, "V3__Migrate.java"), 1);
	assert_string_equal(ni.language, "java");
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_flyway__match(&ni, "V1_init.sql"), 0);
	assert_int_equal(mc_fmt_flyway__match(&ni, "Vx__init.sql"), 0);
	assert_int_equal(mc_fmt_flyway__match(&ni, "V1__.sql"), 0);

	assert_int_equal(
	        mc_fmt_sequelize__match(&ni, "20240101120000-create-user.js"),
	        1);
	assert_string_equal(ni.name, "create-user");
	assert_string_equal(ni.language, "js");
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_sequelize__match(&ni, "20240101-types.d.ts"),
	                 0);

	assert_int_equal(mc_fmt_goose__match(&ni, "00003_backfill.go"), 1);
	assert_string_equal(ni.language, "go");
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_goose__match(&ni, "00003_backfill_test.go"), 0);

	assert_int_equal(mc_fmt_plain__match(&ni, "001_init.down.sql"), 1);
	assert_string_equal(ni.name, "init");
	assert_int_equal(ni.part, MC_PART_DOWN);
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_plain__match(&ni, "001_init.up.sql"), 0);

	assert_int_equal(mc_fmt_sql_migrate__match(&ni, "init.sql"), 1);
	assert_string_equal(ni.version, "init");
	assert_string_equal(ni.name, "init");
	mc_name_info__dispose(&ni);
	assert_int_equal(mc_fmt_sql_migrate__match(&ni, "20190101-create.sql"),
	                 1);
	assert_string_equal(ni.version, "20190101");
	assert_string_equal(ni.name, "create");
	mc_name_info__dispose(&ni);
}

/* ---- sections state machine ---- */

static void migration__sections_goose(void **state MC_UNUSED)
{
	const char *sql = "/* licence\n * text */\n"   /* 1-2 */
	                  "-- +goose Up\n"             /* 3 */
	                  "SELECT 1;\n"                /* 4 */
	                  "-- +goose StatementBegin\n" /* 5 */
	                  "SELECT 2;\n"                /* 6 */
	                  "-- +goose StatementEnd\n"   /* 7 */
	                  "-- +goose Down\n"           /* 8 */
	                  "SELECT 3;\n";               /* 9 */
	struct mc_sections s;
	const struct mc_section *up, *down;

	assert_int_equal(
	        mc_sections_parse(&s, sql, strlen(sql), &mc_fmt_goose__syntax),
	        0);
	assert_int_equal(s.sections.len, 2);
	assert_int_equal(s.problems.len, 0);
	up = s.sections.items[0];
	down = s.sections.items[1];
	assert_int_equal(up->part, MC_PART_UP);
	assert_int_equal(up->line, 4);
	assert_int_equal(down->part, MC_PART_DOWN);
	assert_int_equal(down->line, 9);
	assert_int_equal(up->end, down->marker);
	assert_int_equal(down->end, strlen(sql));
	assert_int_equal(s.preamble_end, strlen("/* licence\n * text */\n"));
	mc_sections_dispose(&s);
}

static void migration__sections_problems(void **state MC_UNUSED)
{
	const char *sql = "-- +goose StatementEnd\n" /* 1: End without Begin */
	                  "-- +goose Up\n"           /* 2 */
	                  "-- +goose StatementBegin\n" /* 3 */
	                  "-- +goose StatementBegin\n" /* 4: nested */
	                  "-- +goose Down\n"           /* 5: inside a block */
	                  "-- +goose Sideways\n"       /* 6: unknown */
	                  "-- +goose\n"                /* 7: unknown */
	                  "-- +goosey not ours\n";     /* 8: a comment */
	struct mc_sections s;
	const struct mc_section_problem *p;

	assert_int_equal(
	        mc_sections_parse(&s, sql, strlen(sql), &mc_fmt_goose__syntax),
	        0);
	assert_int_equal(s.problems.len, 5);
	p = s.problems.items[0];
	assert_int_equal(p->line, 1);
	assert_string_equal(
	        p->message,
	        "'-- +goose StatementEnd' without a StatementBegin before it");
	p = s.problems.items[1];
	assert_int_equal(p->line, 4);
	assert_string_equal(
	        p->message,
	        "'-- +goose StatementBegin' inside the StatementBegin block of line 3");
	p = s.problems.items[2];
	assert_int_equal(p->line, 5);
	assert_string_equal(
	        p->message,
	        "'-- +goose Down' inside the StatementBegin block of line 3");
	p = s.problems.items[3];
	assert_int_equal(p->line, 6);
	assert_string_equal(p->message,
	                    "unknown directive '-- +goose Sideways'");
	p = s.problems.items[4];
	assert_int_equal(p->line, 7);
	mc_sections_dispose(&s);

	sql = "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n";
	assert_int_equal(
	        mc_sections_parse(&s, sql, strlen(sql), &mc_fmt_goose__syntax),
	        0);
	assert_int_equal(s.problems.len, 1);
	p = s.problems.items[0];
	assert_int_equal(p->line, 2);
	assert_string_equal(
	        p->message,
	        "'-- +goose StatementBegin' at line 2 has no StatementEnd");
	mc_sections_dispose(&s);
}

static void migration__sections_options(void **state MC_UNUSED)
{
	const char *sql = "-- migrate:up transaction:false\r\nSELECT 1;\r\n"
	                  "--migrate:down\r\nSELECT 2;\r\n";
	struct mc_sections s;

	assert_int_equal(
	        mc_sections_parse(&s, sql, strlen(sql), &mc_fmt_dbmate__syntax),
	        0);
	assert_int_equal(s.problems.len, 0);
	assert_int_equal(s.sections.len, 2);
	assert_int_equal(
	        ((struct mc_section *)s.sections.items[0])->no_transaction, 1);
	assert_int_equal(
	        ((struct mc_section *)s.sections.items[1])->no_transaction, 0);
	mc_sections_dispose(&s);

	sql = "-- +migrate Up notransaction\nSELECT 1;\n-- +migrate Down bogus\n";
	assert_int_equal(mc_sections_parse(&s, sql, strlen(sql),
	                                   &mc_fmt_sql_migrate__syntax),
	                 0);
	assert_int_equal(s.problems.len, 1);
	assert_string_equal(
	        ((struct mc_section_problem *)s.problems.items[0])->message,
	        "unknown option 'bogus' in '-- +migrate Down bogus'");
	assert_int_equal(
	        ((struct mc_section *)s.sections.items[0])->no_transaction, 1);
	mc_sections_dispose(&s);

	assert_int_equal(mc_sections_has_marker("-- +GOOSE UP\n", 13,
	                                        &mc_fmt_goose__syntax),
	                 1);
	assert_int_equal(mc_sections_has_marker("-- +goosey\n", 11,
	                                        &mc_fmt_goose__syntax),
	                 0);
	assert_int_equal(mc_sections_has_marker("SELECT 1; -- +goose Up\n", 23,
	                                        &mc_fmt_goose__syntax),
	                 0);
}

/* ---- formats through discovery ---- */

static void migration__golang_migrate(void **state MC_UNUSED)
{
	struct parsed p;
	const mc_migration *m;

	parse(&p, FILES("10_b.up.sql", "SELECT 1;\nSELECT 2;\n",
	                "10_b.down.sql", "SELECT 3;", "2_a.up.sql",
	                "\n\nCREATE INDEX CONCURRENTLY i ON t (x);",
	                "2_a.down.sql", "BEGIN;\nDROP INDEX i;\nCOMMIT;"));
	assert_int_equal(p.list->format, MC_FORMAT_GOLANG_MIGRATE);
	assert_int_equal(mc_migration_list_count(p.list), 2);
	m = mig(&p, 0);
	assert_string_equal(m->version, "2");
	assert_string_equal(m->name, "a");
	assert_string_equal(m->up->path, "m/2_a.up.sql");
	assert_string_equal(m->down->path, "m/2_a.down.sql");
	assert_int_equal(stmt_line(m->up, 0), 3);
	assert_true(m->up->flags & MC_SCRIPT_NO_TRANSACTION);
	assert_true(m->down->flags & MC_SCRIPT_OWN_TRANSACTION);
	assert_null(m->language);
	assert_int_equal(m->replayable, 1);
	m = mig(&p, 1);
	assert_string_equal(m->version, "10");
	assert_int_equal(stmts(m->up), 2);
	assert_int_equal(stmt_line(m->up, 1), 2);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);
}

static void migration__dbmate_pairs(void **state MC_UNUSED)
{
	struct parsed p;
	const mc_migration *m;

	parse(&p, FILES("20240101_x.sql",
	                "-- migrate:up\n"           /* 1 */
	                "CREATE TABLE a (i int);\n" /* 2 */
	                "-- migrate:down\n"         /* 3 */
	                "DROP TABLE a;\n"           /* 4 */
	                "-- migrate:up\n"           /* 5 */
	                "CREATE TABLE b (i int);\n" /* 6 */
	                "-- migrate:down\n"         /* 7 */
	                "DROP TABLE b;\n",          /* 8 */
	                "20240102_y.sql",
	                "-- migrate:up transaction:false\n"
	                "CREATE INDEX CONCURRENTLY i ON a (i);\n"));
	assert_int_equal(p.list->format, MC_FORMAT_DBMATE);
	m = mig(&p, 0);
	assert_string_equal(m->version, "20240101");
	assert_string_equal(m->up->path, "m/20240101_x.sql");
	assert_string_equal(m->down->path, "m/20240101_x.sql");
	assert_int_equal(m->up->line, 2);
	assert_int_equal(stmts(m->up), 2);
	assert_int_equal(stmt_line(m->up, 0), 2);
	assert_int_equal(stmt_line(m->up, 1), 6);
	/* the down section in between is blanked, lines kept */
	assert_null(strstr(m->up->sql, "DROP"));
	assert_int_equal(stmts(m->down), 2);
	assert_int_equal(stmt_line(m->down, 0), 4);
	assert_int_equal(stmt_line(m->down, 1), 8);
	assert_null(strstr(m->down->sql, "CREATE TABLE b"));
	assert_int_equal(m->up->flags & MC_SCRIPT_NO_TRANSACTION, 0);
	m = mig(&p, 1);
	assert_true(m->up->flags & MC_SCRIPT_NO_TRANSACTION);
	assert_null(m->down);
	assert_int_equal(mc_report_count(p.report), 0); /* requireDown off */
	parsed_free(&p);
}

static void migration__goose(void **state MC_UNUSED)
{
	struct parsed p;
	const mc_migration *m;

	parse(&p, FILES("00001_a.sql",
	                "-- Copyright (c) 2024\n"                 /* 1 */
	                "-- +goose NO TRANSACTION\n"              /* 2 */
	                "-- +goose UP\n"                          /* 3 */
	                "-- +goose statementbegin\n"              /* 4 */
	                "CREATE FUNCTION f() RETURNS int AS $$\n" /* 5 */
	                "BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n"
	                "-- +goose STATEMENTEND\n"
	                "-- +goose down\n"      /* 8 */
	                "DROP FUNCTION f();\n", /* 9 */
	                "00002_b.go", "package m\n"));
	assert_int_equal(p.list->format, MC_FORMAT_GOOSE);
	m = mig(&p, 0);
	assert_int_equal(stmts(m->up), 1);
	assert_int_equal(stmt_line(m->up, 0), 5);
	assert_int_equal(stmt_line(m->down, 0), 9);
	assert_true(m->up->flags & MC_SCRIPT_NO_TRANSACTION);
	assert_true(m->down->flags & MC_SCRIPT_NO_TRANSACTION);
	m = mig(&p, 1);
	assert_string_equal(m->language, "go");
	assert_int_equal(m->replayable, 0);
	assert_string_equal(m->up->path, "m/00002_b.go");
	assert_null(m->up->stmts);
	assert_int_equal(mc_report_count(p.report), 1);
	expect_finding(&p, 0, "not-replayable", "00002_b.go", 0, NULL);
	parsed_free(&p);
}

static void migration__goose_malformed(void **state MC_UNUSED)
{
	struct parsed p;

	parse(&p, FILES("001_a.sql", "-- +goose Upp\nSELECT 1;\n", "002_b.sql",
	                "-- +goose Up\nSELECT 1;\n\nSELEC 2;\n"));
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_null(mig(&p, 0)->up);
	assert_null(mig(&p, 1)->up->stmts);
	assert_int_equal(mc_report_count(p.report), 3);
	expect_finding(&p, 0, "malformed", "001_a.sql", 1,
	               "unknown directive '-- +goose Upp'");
	expect_finding(&p, 1, "malformed", "001_a.sql", 1,
	               "no '-- +goose Up' section");
	expect_finding(&p, 2, "malformed", "002_b.sql", 4, NULL);
	parsed_free(&p);
}

static void migration__sql_migrate(void **state MC_UNUSED)
{
	struct parsed p;
	const mc_migration *m;

	parse(&p,
	      FILES("init.sql",
	            "-- +migrate Up notransaction\nSELECT 1;\n-- +migrate Down\nSELECT 2;\n",
	            "2_more.sql",
	            "-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n-- +migrate StatementEnd\n"));
	assert_int_equal(p.list->format, MC_FORMAT_SQL_MIGRATE);
	m = mig(&p, 0);
	assert_string_equal(m->version, "2");
	m = mig(&p, 1);
	assert_string_equal(m->version, "init");
	assert_true(m->up->flags & MC_SCRIPT_NO_TRANSACTION);
	assert_int_equal(m->down->flags & MC_SCRIPT_NO_TRANSACTION, 0);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);
}

static void migration__flyway(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	o.require_down = 1;
	parse_opts(&p,
	           FILES("V1__a.sql", "SELECT 1;", "V1.1__b.sql", "SELECT 1;",
	                 "V1_10__c.sql", "SELECT 1;", "R__v.sql", "SELECT 1;",
	                 "B1.1__base.sql", "SELECT 1;", "V2__J.java",
	                 "class V2__J {}"),
	           &o);
	assert_int_equal(p.list->format, MC_FORMAT_FLYWAY);
	assert_int_equal(mc_migration_list_count(p.list), 6);
	assert_string_equal(mig(&p, 0)->version, "1");
	assert_int_equal(mig(&p, 1)->kind, MC_MIGRATION_BASELINE);
	assert_string_equal(mig(&p, 2)->version, "1.1");
	assert_string_equal(mig(&p, 3)->version, "1.10");
	assert_string_equal(mig(&p, 4)->language, "java");
	assert_int_equal(mig(&p, 5)->kind, MC_MIGRATION_REPEATABLE);
	/* no U file anywhere: undo not in use, no missing-down; no duplicate
	 * for B1.1 */
	assert_int_equal(mc_report_count(p.report), 1);
	expect_finding(&p, 0, "not-replayable", "V2__J.java", 0, NULL);
	parsed_free(&p);
}

static void migration__flyway_undo_by_version(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	o.require_down = 1;
	parse_opts(&p,
	           FILES("V1__create.sql", "SELECT 1;", "U1__drop.sql",
	                 "SELECT 2;", "V2__more.sql", "SELECT 1;"),
	           &o);
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_string_equal(mig(&p, 0)->name, "create");
	assert_string_equal(mig(&p, 0)->down->path, "m/U1__drop.sql");
	assert_null(mig(&p, 1)->down);
	/* undo is in use in this folder: V2 needs one */
	assert_int_equal(mc_report_count(p.report), 1);
	expect_finding(&p, 0, "missing-down", "V2__more.sql", 0, NULL);
	parsed_free(&p);
}

/* Two undos of one version (found by fuzz_migration: the second one's
 * search read the first one after it was freed). */
static void migration__flyway_two_undos_one_version(void **state MC_UNUSED)
{
	struct parsed p;

	parse(&p, FILES("U1__e.sql", "SELECT 1;", "U1___.sql", "SELECT 2;",
	                "V1__t.sql", "SELECT 3;"));
	assert_int_equal(mc_migration_list_count(p.list), 2);
	/* the first U (by name) goes to V1; the other stays a lone down */
	assert_string_equal(mig(&p, 0)->name, "e");
	assert_null(mig(&p, 0)->up);
	assert_string_equal(mig(&p, 0)->down->path, "m/U1__e.sql");
	assert_string_equal(mig(&p, 1)->name, "t");
	assert_string_equal(mig(&p, 1)->down->path, "m/U1___.sql");
	/* both U files are version 1: the lone one counts as a duplicate */
	assert_int_equal(mc_report_count(p.report), 3);
	expect_finding(&p, 0, "malformed", "U1__e.sql", 0,
	               "down script without an up script");
	expect_finding(
	        &p, 1, "duplicate-version", "U1__e.sql", 0,
	        "version 1 is used by 2 migrations, also by 'm/V1__t.sql'");
	expect_finding(
	        &p, 2, "duplicate-version", "V1__t.sql", 0,
	        "version 1 is used by 2 migrations, also by 'm/U1__e.sql'");
	parsed_free(&p);
}

static void migration__popx(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;
	const mc_migration *m;

	parse(&p,
	      FILES("1_a.up.sql", "SELECT 1;", "1_a.sqlite3.up.sql",
	            "SELECT 2;", "1_a.postgres.up.sql", "SELECT 3; SELECT 4;",
	            "1_a.down.sql", "", "2_b.mysql.up.sql", "SELECT 1;",
	            "3_c.postgres.autocommit.up.sql", "SELECT 1;"));
	assert_int_equal(p.list->format, MC_FORMAT_POPX);
	assert_int_equal(mc_migration_list_count(p.list), 2);
	m = mig(&p, 0);
	assert_string_equal(m->up->path, "m/1_a.postgres.up.sql");
	assert_string_equal(m->dialect, "postgres");
	assert_true(m->down->flags & MC_SCRIPT_BLANK);
	m = mig(&p, 1);
	assert_string_equal(m->version, "3");
	assert_true(m->up->flags & MC_SCRIPT_NO_TRANSACTION);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);

	o.dialect = MC_DIALECT_SQLITE;
	parse_opts(&p,
	           FILES("1_a.up.sql", "SELECT 1;", "1_a.sqlite3.up.sql",
	                 "SELECT 2;", "1_a.postgres.up.sql", "SELECT 3;"),
	           &o);
	assert_string_equal(mig(&p, 0)->up->path, "m/1_a.sqlite3.up.sql");
	parsed_free(&p);
}

static void migration__plain(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	o.require_down = 1;
	parse_opts(&p,
	           FILES("001_a.sql", "SELECT 1;", "001_a.down.sql",
	                 "SELECT 2;", "002_b.sql", "SELECT 1;",
	                 "002_b.down.sql",
	                 "-- migcheck:irreversible  data loss  \n"),
	           &o);
	assert_int_equal(p.list->format, MC_FORMAT_PLAIN);
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_string_equal(mig(&p, 0)->down->path, "m/001_a.down.sql");
	assert_true(mig(&p, 1)->down->flags & MC_SCRIPT_IRREVERSIBLE);
	assert_true(mig(&p, 1)->down->flags & MC_SCRIPT_BLANK);
	assert_string_equal(mig(&p, 1)->down->irreversible_reason, "data loss");
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);
}

static void migration__sequelize(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	o.have_runner = 1;
	parse_opts(&p,
	           FILES("20240101000000-a.js",
	                 "module.exports = { up() {}, down(q) { return q.x(); } };",
	                 "20230101000000-b.js",
	                 "module.exports = { up() {} };"),
	           &o);
	assert_int_equal(p.list->format, MC_FORMAT_SEQUELIZE);
	assert_string_equal(mig(&p, 0)->version, "20230101000000");
	assert_null(mig(&p, 0)->down);
	assert_non_null(mig(&p, 1)->down);
	assert_string_equal(mig(&p, 1)->language, "js");
	assert_int_equal(mig(&p, 1)->replayable, 1);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);

	parse(&p, FILES("20240101000000-a.js", "x"));
	assert_int_equal(mc_report_count(p.report), 1);
	expect_finding(
	        &p, 0, "not-replayable", "20240101000000-a.js", 0,
	        "sequelize migration (js) cannot be replayed without [runner] commands");
	parsed_free(&p);
}

static void migration__sequelize_empty_down(void **state MC_UNUSED)
{
	static const struct {
		const char *text;
		int empty;
		unsigned line;
	} cases[] = {
		{ "module.exports = { up() {}, down() {} };", 1, 1 },
		{ "module.exports = {\n  async up(q) { await q.x(); },\n  async down(queryInterface, Sequelize) {\n    /**\n     * Add reverting commands here.\n     */\n  }\n};", 1, 3 },
		{ "module.exports = {\n up: async () => {},\n down: async () => { },\n};", 1, 3 },
		{ "module.exports = { down: function (q) { // nothing\n } };", 1, 1 },
		{ "exports.down = async q => {};", 1, 1 },
		{ "module.exports = { down: async (q) => q.dropTable('a') };", 0, 0 },
		{ "module.exports = { down() { return q.dropTable('a'); } };", 0, 0 },
		{ "// down() {}\nmodule.exports = { s: 'down() {}', down(q) { q.x(); } };", 0, 0 },
		{ "module.exports = { up() {} };", 0, 0 },
		{ "if (a.down == b) {}", 0, 0 },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(cases); i++) {
		unsigned line = 0;
		int rc = mc_fmt_sequelize__empty_down(cases[i].text,
		                                      strlen(cases[i].text), &line);
		assert_int_equal(rc, cases[i].empty);
		assert_int_equal(line, cases[i].line);
	}
}

static void migration__detect(void **state MC_UNUSED)
{
	mc_file_list *l;

	l = FILES("1_a.up.sql", "", "1_a.down.sql", "");
	assert_int_equal(mc_format_detect(l), MC_FORMAT_GOLANG_MIGRATE);
	mc_file_list_free(l);
	l = FILES("1_a.sql", "", "1_a.down.sql", "");
	assert_int_equal(mc_format_detect(l), MC_FORMAT_PLAIN);
	mc_file_list_free(l);
	l = FILES("1_a.up.sql", "", "1_a.postgres.up.sql", "");
	assert_int_equal(mc_format_detect(l), MC_FORMAT_POPX);
	mc_file_list_free(l);
	l = FILES("1_a.sql", "-- migrate:up\n");
	assert_int_equal(mc_format_detect(l), MC_FORMAT_DBMATE);
	mc_file_list_free(l);
	l = FILES("README.md", "", "notes.yaml", "");
	assert_int_equal(mc_format_detect(l), MC_FORMAT_AUTO);
	mc_file_list_free(l);
}

/* ---- a deploy point's list taken from the change's (mc_migration_list_subset) ---- */

/* names (under "m/", in sorted order, empty content) */
static mc_file_list *names_v(const char *const *names)
{
	mc_file_list *l = NULL;
	char path[256];

	assert_int_equal(mc_file_list_new(&l), 0);
	for (size_t i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "m/%s", names[i]);
		assert_int_equal(mc_file_list_add(l, path, "", 0), 0);
	}
	return l;
}

#define NAMES(...) names_v((const char *const[]){ __VA_ARGS__, NULL })

static mc_migration_list *parse_as(const mc_file_list *files, mc_format fmt)
{
	mc_migration_list *l = NULL;
	assert_int_equal(mc_migration_list_parse(&l, files, "m", fmt, MC_DIALECT_POSTGRES, NULL), 0);
	return l;
}

static void same_lists(const mc_migration_list *a, const mc_migration_list *b)
{
	assert_int_equal(mc_migration_list_count(a), mc_migration_list_count(b));
	for (size_t i = 0; i < mc_migration_list_count(a); i++) {
		const mc_migration *x = mc_migration_list_get(a, i);
		const mc_migration *y = mc_migration_list_get(b, i);
		assert_string_equal(x->version, y->version);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->up != NULL, y->up != NULL);
		assert_int_equal(x->down != NULL, y->down != NULL);
		if (x->up)
			assert_string_equal(x->up->path, y->up->path);
		if (x->down)
			assert_string_equal(x->down->path, y->down->path);
	}
}

/* sub is from less whole migrations: the subset is what parsing sub gives */
static void subset_is_parse(mc_file_list *from_files, mc_file_list *sub, mc_format fmt)
{
	mc_migration_list *from = parse_as(from_files, fmt), *parsed = parse_as(sub, fmt);
	mc_migration_list *l = NULL;

	assert_int_equal(mc_migration_list_subset(&l, from, from_files, sub), 0);
	assert_non_null(l);
	assert_true(l->borrows);
	same_lists(l, parsed);
	mc_migration_list_free(l); /* the list only: from's migrations stay */
	assert_non_null(mc_migration_list_get(from, 0)->version);
	mc_migration_list_free(parsed);
	mc_migration_list_free(from);
	mc_file_list_free(from_files);
	mc_file_list_free(sub);
}

/* not such a subset: NULL, parse sub */
static void subset_refused(mc_file_list *from_files, mc_file_list *sub, mc_format fmt)
{
	mc_migration_list *from = parse_as(from_files, fmt), *l = NULL;

	assert_int_equal(mc_migration_list_subset(&l, from, from_files, sub), 0);
	assert_null(l);
	mc_migration_list_free(from);
	mc_file_list_free(from_files);
	mc_file_list_free(sub);
}

#define GOOSE_UP "-- +goose Up\nSELECT 1;\n"
#define SQLM_UP "-- +migrate Up\nSELECT 1;\n"

static void migration__file_list_find(void **state MC_UNUSED)
{
	const char *const pairs[] = { "1_a.up.sql", "x", "1_a.down.sql", "y",
	                              "2_b.up.sql", "z", NULL };
	mc_file_list *l = files_v(pairs);

	/* mc_file_list_add keeps the order given: sort as the readers do */
	assert_int_equal(mc_file_list_find(l, "m/1_a.up.sql"), SIZE_MAX);
	{
		mc_file *t = l->files.items[0];
		l->files.items[0] = l->files.items[1];
		l->files.items[1] = t;
	}
	assert_int_equal(mc_file_list_find(l, "m/1_a.down.sql"), 0);
	assert_int_equal(mc_file_list_find(l, "m/1_a.up.sql"), 1);
	assert_int_equal(mc_file_list_find(l, "m/2_b.up.sql"), 2);
	assert_int_equal(mc_file_list_find(l, "m/0.sql"), SIZE_MAX);
	assert_int_equal(mc_file_list_find(l, "m/3.sql"), SIZE_MAX);
	assert_int_equal(mc_file_list_find(l, NULL), SIZE_MAX);
	mc_file_list_free(l);
}

static void migration__subset(void **state MC_UNUSED)
{
	/* golang-migrate, a deploy point two migrations behind */
	subset_is_parse(NAMES("1_a.down.sql", "1_a.up.sql", "2_b.down.sql", "2_b.up.sql",
	                      "3_c.down.sql", "3_c.up.sql", "README.md"),
	                NAMES("1_a.down.sql", "1_a.up.sql", "README.md"),
	                MC_FORMAT_GOLANG_MIGRATE);
	/* a down paired with its up by version across names, both kept */
	subset_is_parse(NAMES("1_a.up.sql", "1_renamed.down.sql", "2_b.up.sql"),
	                NAMES("1_a.up.sql", "1_renamed.down.sql"), MC_FORMAT_GOLANG_MIGRATE);
	/* goose: one file each; an unknown file dropped too */
	subset_is_parse(FILES("001_a.sql", GOOSE_UP, "002_b.sql", GOOSE_UP, "notes.sql", ""),
	                FILES("001_a.sql", GOOSE_UP), MC_FORMAT_GOOSE);
	/* sql-migrate: two migrations of one prefix, one left */
	subset_is_parse(FILES("1-a.sql", SQLM_UP, "1-b.sql", SQLM_UP, "2-c.sql", SQLM_UP),
	                FILES("1-a.sql", SQLM_UP, "2-c.sql", SQLM_UP), MC_FORMAT_SQL_MIGRATE);
	/* flyway with an undo */
	subset_is_parse(NAMES("U1__a.sql", "V1__a.sql", "V2__b.sql"), NAMES("U1__a.sql", "V1__a.sql"),
	                MC_FORMAT_FLYWAY);
	/* nothing left, and everything */
	subset_is_parse(NAMES("1_a.down.sql", "1_a.up.sql", "README.md"), NAMES("README.md"),
	                MC_FORMAT_GOLANG_MIGRATE);
	subset_is_parse(NAMES("1_a.down.sql", "1_a.up.sql"), NAMES("1_a.down.sql", "1_a.up.sql"),
	                MC_FORMAT_GOLANG_MIGRATE);

	/* one file of a migration without the other */
	subset_refused(NAMES("1_a.down.sql", "1_a.up.sql", "2_b.down.sql", "2_b.up.sql"),
	               NAMES("1_a.down.sql", "1_a.up.sql", "2_b.up.sql"), MC_FORMAT_GOLANG_MIGRATE);
	/* the pair made by version, split */
	subset_refused(NAMES("1_a.up.sql", "1_renamed.down.sql"), NAMES("1_renamed.down.sql"),
	               MC_FORMAT_GOLANG_MIGRATE);
	/* a file the change's list lacks (the change deleted it) */
	subset_refused(NAMES("1_a.down.sql", "1_a.up.sql"),
	               NAMES("1_a.down.sql", "1_a.up.sql", "2_b.up.sql"), MC_FORMAT_GOLANG_MIGRATE);
	/* popx: the postgres file took the part, the generic one is in no
	 * migration; without it the generic one would */
	subset_refused(NAMES("1_a.postgres.up.sql", "1_a.up.sql", "2_b.up.sql"),
	               NAMES("1_a.up.sql"), MC_FORMAT_POPX);
	/* a one-file migration read by name only has no script to say
	 * which file it is */
	subset_refused(NAMES("001_a.sql", "002_b.sql"), NAMES("001_a.sql"), MC_FORMAT_GOOSE);
	/* not sorted */
	subset_refused(NAMES("1_a.down.sql", "1_a.up.sql", "2_b.up.sql"),
	               NAMES("1_a.up.sql", "1_a.down.sql"), MC_FORMAT_GOLANG_MIGRATE);
	/* a detected format (AUTO) may vote otherwise on fewer files */
	{
		mc_file_list *ff = NAMES("1_a.up.sql"), *sub = NAMES("1_a.up.sql");
		mc_migration_list *from = parse_as(ff, MC_FORMAT_GOLANG_MIGRATE), *l = NULL;
		from->format = MC_FORMAT_AUTO;
		assert_int_equal(mc_migration_list_subset(&l, from, ff, sub), 0);
		assert_null(l);
		mc_migration_list_free(from);
		mc_file_list_free(ff);
		mc_file_list_free(sub);
	}
}

/* opts.only: findings about the files wanted only */
static void migration__findings_only(void **state MC_UNUSED)
{
	mc_vec only = MC_VEC_INIT;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;
	struct parsed p;

	char wanted[] = "m/2_b.up.sql";
	assert_int_equal(mc_vec_push(&only, wanted), 0);
	o.require_down = 1;
	o.only = &only;
	parse_opts(&p, FILES("1_a.up.sql", "", "2_b.up.sql", "", "notes.sql", "x"), &o);
	/* 1_a: empty and no down, notes.sql: unknown; none of them wanted */
	assert_int_equal(mc_report_count(p.report), 2);
	expect_finding(&p, 0, "empty-migration", "2_b.up.sql", 1, NULL);
	expect_finding(&p, 1, "missing-down", "2_b.up.sql", 0, NULL);
	assert_int_equal(mc_migration_list_count(p.list), 2); /* the list is whole */
	parsed_free(&p);
	/* an empty set: no findings at all */
	only.len = 0;
	parse_opts(&p, FILES("1_a.up.sql", ""), &o);
	assert_int_equal(mc_report_count(p.report), 0);
	assert_int_equal(mc_migration_list_count(p.list), 1);
	parsed_free(&p);
	mc_vec_dispose(&only);
}

static void migration__mixed_and_duplicates(void **state MC_UNUSED)
{
	struct parsed p;
	const mc_finding *f;

	parse(&p, FILES("1_a.up.sql", "SELECT 1;", "01_b.up.sql", "SELECT 1;",
	                "2_c.up.sql", "SELECT 1;", "3_d.sql",
	                "-- +goose Up\nSELECT 1;", "x.yaml", "", ".keep", ""));
	assert_int_equal(mc_migration_list_count(p.list), 3);
	/* one finding per file: two duplicates naming each other, the
	 * odd-format file (a group of one in text) */
	assert_int_equal(mc_report_count(p.report), 4);
	mc_report_sort(p.report);
	expect_finding(
	        &p, 0, "duplicate-version", "01_b.up.sql", 0,
	        "version 01 is used by 2 migrations, also by 'm/1_a.up.sql'");
	expect_finding(
	        &p, 1, "duplicate-version", "1_a.up.sql", 0,
	        "version 1 is used by 2 migrations, also by 'm/01_b.up.sql'");
	expect_finding(
	        &p, 2, "mixed-formats", "3_d.sql", 0,
	        "goose file left out: migrations folder 'm' is golang-migrate");
	f = mc_report_get(p.report, 2);
	assert_int_not_equal(f->group, 0);
	assert_string_equal(
	        mc_report_group_get(p.report, f->group, NULL),
	        "migrations folder 'm' is golang-migrate but 1 file of another format is left out");
	expect_finding(&p, 3, "unknown-file", "x.yaml", 0, NULL);
	parsed_free(&p);
}

static void migration__bad_bytes(void **state MC_UNUSED)
{
	struct parsed p;
	mc_file_list *l = NULL;

	assert_int_equal(mc_file_list_new(&l), 0);
	assert_int_equal(mc_file_list_add(l, "m/1_a.up.sql",
	                                  "SELECT 1;\n\nSELECT \0;", 20),
	                 0);
	assert_int_equal(
	        mc_file_list_add(l, "m/2_b.up.sql", "SELECT 1;\n\xc3\x28;", 13),
	        0);
	assert_int_equal(
	        mc_file_list_add(l, "m/3_c.up.sql",
	                         "\xef\xbb\xbfSELECT 'é';\r\n",
	                         strlen("\xef\xbb\xbfSELECT 'é';\r\n")),
	        0);
	assert_int_equal(mc_file_list_add(l, "m/4_d.up.sql",
	                                  "SELECT '\xed\xa0\x80';", 13),
	                 0);
	assert_int_equal(mc_file_list_add_error(l, "m/5_e.up.sql",
	                                        "is a directory, not a file"),
	                 0);
	parse(&p, l);
	assert_int_equal(mc_migration_list_count(p.list), 5);
	assert_int_equal(mc_report_count(p.report), 4);
	expect_finding(&p, 0, "malformed", "1_a.up.sql", 3,
	               "file holds a NUL byte (binary file?)");
	expect_finding(&p, 1, "malformed", "2_b.up.sql", 2,
	               "file is not valid UTF-8");
	expect_finding(&p, 2, "malformed", "4_d.up.sql", 1,
	               "file is not valid UTF-8");
	expect_finding(&p, 3, "malformed", "5_e.up.sql", 0,
	               "cannot read migration: is a directory, not a file");
	assert_true(mig(&p, 0)->up->flags & MC_SCRIPT_UNREADABLE);
	assert_int_equal(stmts(mig(&p, 2)->up), 1);
	assert_int_equal(mig(&p, 2)->up->flags & MC_SCRIPT_UNREADABLE, 0);
	parsed_free(&p);
}

static void migration__required_down(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	o.require_down = 1;
	parse_opts(&p,
	           FILES("1_a.up.sql", "SELECT 1;", "2_b.up.sql", "SELECT 1;",
	                 "2_b.down.sql", "\n-- nothing\n", "3_c.up.sql", "",
	                 "3_c.down.sql", "SELECT 1;"),
	           &o);
	assert_int_equal(mc_report_count(p.report), 3);
	expect_finding(&p, 0, "missing-down", "1_a.up.sql", 0,
	               "no down script");
	expect_finding(&p, 1, "missing-down", "2_b.down.sql", 1, NULL);
	expect_finding(&p, 2, "empty-migration", "3_c.up.sql", 1, NULL);
	parsed_free(&p);
}

/* ---- reading folders ---- */

static char tmpdir[64];

static int make_tmp(void **state MC_UNUSED)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mc-test-migration.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state MC_UNUSED)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *content)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(content, f);
	fclose(f);
}

static void mkdir_rel(const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void migration__read_dir(void **state MC_UNUSED)
{
	mc_file_list *l = NULL;
	char path[256], target[256];
	const mc_file *f;

	mkdir_rel("db");
	mkdir_rel("db/migrations");
	mkdir_rel("db/migrations/002_dir.up.sql");
	mkdir_rel("db/migrations/testdata");
	write_file("db/migrations/001_a.up.sql", "SELECT 1;\n");
	snprintf(path, sizeof(path), "%s/db/migrations/003_big.up.sql", tmpdir);
	write_file("db/migrations/003_big.up.sql", "");
	(void)target;
	assert_int_equal(truncate(path, (off_t)MC_MAX_MIGRATION_SIZE + 1), 0);
	snprintf(path, sizeof(path), "%s/db/migrations/004_loop.up.sql",
	         tmpdir);
	assert_int_equal(symlink("004_loop.up.sql", path), 0);

	assert_int_equal(mc_file_list_read_dir(&l, tmpdir, "db/migrations"), 0);
	assert_int_equal(l->files.len, 4);
	f = l->files.items[0];
	assert_string_equal(f->path, "db/migrations/001_a.up.sql");
	assert_int_equal(f->error, 0);
	assert_string_equal(f->data, "SELECT 1;\n");
	f = l->files.items[1];
	assert_string_equal(f->path, "db/migrations/002_dir.up.sql");
	assert_int_equal(f->error, 1);
	assert_string_equal(f->data, "is a directory, not a file");
	f = l->files.items[2];
	assert_int_equal(f->error, 1);
	assert_string_equal(
	        f->data, "file is too large (33554433 bytes, limit 33554432)");
	f = l->files.items[3];
	assert_int_equal(f->error, 1);
	assert_string_equal(f->data, "symbolic link loop");
	mc_file_list_free(l);

	assert_int_equal(mc_file_list_read_dir(&l, tmpdir, "nope"),
	                 MC_ENOTFOUND);
	assert_null(l);
	assert_string_equal(mc_error_last()->message,
	                    "migrations folder 'nope' does not exist");
	assert_int_equal(
	        mc_file_list_read_dir(&l, tmpdir, "db/migrations/001_a.up.sql"),
	        MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        "migrations folder 'db/migrations/001_a.up.sql' is not a directory");
}

static void migration__find_dirs(void **state MC_UNUSED)
{
	mc_vec dirs = MC_VEC_INIT;

	assert_int_equal(mc_migration_find_dirs(&dirs, tmpdir), 0);
	assert_int_equal(dirs.len, 0);

	mkdir_rel("migrations"); /* empty: only a fallback */
	assert_int_equal(mc_migration_find_dirs(&dirs, tmpdir), 0);
	assert_int_equal(dirs.len, 1);
	assert_string_equal(dirs.items[0], "migrations");
	mc_vec_dispose_deep(&dirs, mc_free);

	mkdir_rel("node_modules");
	mkdir_rel("node_modules/pkg");
	write_file("node_modules/pkg/001_a.up.sql", "SELECT 1;");
	mkdir_rel("services");
	mkdir_rel("services/api");
	mkdir_rel("services/api/schema");
	write_file("services/api/schema/V1__init.sql", "SELECT 1;");
	mkdir_rel("db");
	mkdir_rel("db/migrations");
	write_file("db/migrations/20240101_a.sql",
	           "-- migrate:up\nSELECT 1;\n");
	mkdir_rel("scripts");
	write_file("scripts/2-helper.js", "x");
	write_file("scripts/seed.sql", "SELECT 1;");
	assert_int_equal(mc_migration_find_dirs(&dirs, tmpdir), 0);
	assert_int_equal(dirs.len, 2);
	assert_string_equal(dirs.items[0], "db/migrations");
	assert_string_equal(dirs.items[1], "services/api/schema");
	mc_vec_dispose_deep(&dirs, mc_free);
}

/* Only files that define ORM models count, whatever their folder's name. */
static void migration__defines_models(void **state MC_UNUSED)
{
	static const struct {
		const char *name, *text, *kind; /* kind NULL: not models */
	} cases[] = {
		{ "area.js", "module.exports = (sequelize, DataTypes) => {\n  const area = sequelize.define('t_area', {});\n};", "Sequelize define()" },
		{ "user.js", "const { Model } = require('sequelize');\nclass User extends Model {}\nUser.init({}, { sequelize });", "Sequelize Model.init()" },
		{ "user.ts", "import { Table, Model } from 'sequelize-typescript';\n@Table\nexport class User extends Model {}", "sequelize-typescript @Table" },
		{ "post.entity.ts", "import { Entity } from 'typeorm';\n@Entity()\nexport class Post {}", "TypeORM @Entity" },
		{ "cat.js", "module.exports = new EntitySchema({ name: 'cat' });", "TypeORM EntitySchema" },
		{ "models.py", "from django.db import models\nclass Poll(models.Model):\n    pass\n", "Django models.Model" },
		{ "user.py", "class User(Base):\n    __tablename__ = 'users'\n", "SQLAlchemy __tablename__" },
		{ "schema.prisma", "datasource db {}\nmodel User {\n  id Int @id\n}\n", "Prisma model" },
		/* a pydantic REST client, a plain Python client, UI code, plain objects */
		{ "job.py", "from pydantic import BaseModel\nclass Job(BaseModel):\n    name: str\n", NULL },
		{ "models.py", "from enum import Enum\nclass JobId:\n    def __init__(self):\n        pass\n", NULL },
		{ "color.js", "const getColorLight = (light) => ({ name: light.name, model: light.modelid });", NULL },
		{ "el.js", "customElements.define('x-el', El);", NULL },
		{ "view.ts", "class View extends Model { }\nview.init();", NULL },
		{ "schema.prisma", "datasource db {}\n// model User\n", NULL },
		{ "models.rs", "pub struct Model { id: i32 }", NULL },
		{ "Table.tsx", "@Entity()", NULL },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(cases); i++) {
		const char *kind = NULL;
		int got = mc_migration_defines_models(cases[i].name, cases[i].text, &kind);
		assert_int_equal(got, cases[i].kind != NULL);
		if (cases[i].kind)
			assert_string_equal(kind, cases[i].kind);
	}
}

/* Which changes to a model file can change the schema (check's
 * model-without-migration): not comments, whitespace, Joi validation, nor
 * a file defining no model; a column, another language, a new model do. */
static void migration__models_changed(void **state MC_UNUSED)
{
	static const char model[] =
	        "const Joi = require('joi');\n"
	        "const schema = Joi.object({ type: Joi.string() });\n"
	        "module.exports = (sequelize, DataTypes) => sequelize.define('t', {\n"
	        "  id: { type: DataTypes.UUID, primaryKey: true }, // the key\n"
	        "  note: { type: DataTypes.STRING, defaultValue: '// not a comment' },\n"
	        "});\n";
	static const char comments[] =
	        "const Joi = require('joi');\n"
	        "/* validation of the actions\n   column */\n"
	        "const schema = Joi.object({ type: Joi.string() });\n\n"
	        "module.exports = (sequelize, DataTypes) => sequelize.define('t', {\n"
	        "  id:   { type: DataTypes.UUID, primaryKey: true }, // its key\n"
	        "  note: { type: DataTypes.STRING, defaultValue: '// not a comment' },\n"
	        "});\n";
	static const char joi[] =
	        "const Joi = require('joi');\n"
	        "const schema = Joi.object({ type: Joi.string(),\n"
	        "  hours: Joi.number()\n    .integer()\n    .allow(null),\n});\n"
	        "module.exports = (sequelize, DataTypes) => sequelize.define('t', {\n"
	        "  id: { type: DataTypes.UUID, primaryKey: true }, // the key\n"
	        "  note: { type: DataTypes.STRING, defaultValue: '// not a comment' },\n"
	        "});\n";
	static const char column[] =
	        "const Joi = require('joi');\n"
	        "const schema = Joi.object({ type: Joi.string() });\n"
	        "module.exports = (sequelize, DataTypes) => sequelize.define('t', {\n"
	        "  id: { type: DataTypes.UUID, primaryKey: true }, // the key\n"
	        "  note: { type: DataTypes.STRING, defaultValue: '// not a comment' },\n"
	        "  name: DataTypes.STRING,\n"
	        "});\n";
	static const char literal[] =
	        "const Joi = require('joi');\n"
	        "const schema = Joi.object({ type: Joi.string() });\n"
	        "module.exports = (sequelize, DataTypes) => sequelize.define('t', {\n"
	        "  id: { type: DataTypes.UUID, primaryKey: true }, // the key\n"
	        "  note: { type: DataTypes.STRING, defaultValue: '// a comment?' },\n"
	        "});\n";

	assert_int_equal(mc_migration_models_changed("scene.js", model, comments), 0);
	assert_int_equal(mc_migration_models_changed("scene.js", model, joi), 0);
	assert_int_equal(mc_migration_models_changed("scene.js", model, column), 1);
	assert_int_equal(mc_migration_models_changed("scene.js", model, literal), 1);
	/* an index.js requiring the models, a test: no model defined */
	assert_int_equal(mc_migration_models_changed("index.js",
	                                             "const m = require('./scene');\n",
	                                             "// all of them\nconst m = require('./scene');\nmodule.exports = m;\n"), 0);
	assert_int_equal(mc_migration_models_changed("index.test.js", NULL,
	                                             "describe('x', () => {});\n"), 0);
	/* a new model file, a deleted one */
	assert_int_equal(mc_migration_models_changed("scene.js", NULL, model), 1);
	assert_int_equal(mc_migration_models_changed("scene.js", model, NULL), 1);
	/* Python comments; a language the model test does not read */
	assert_int_equal(mc_migration_models_changed("models.py",
	                                             "class P(models.Model):\n    a = 1\n",
	                                             "# polls\nclass P(models.Model):\n    a = 1  # the a\n"), 0);
	assert_int_equal(mc_migration_models_changed("user.rb", "a", "# b\na"), 1);
}

/* The model paths of one walk: folders of models, single files; never a
 * folder named models/ without any, tests, or migrations. */
static void migration__scan_tree(void **state MC_UNUSED)
{
	mc_tree_scan scan = MC_TREE_SCAN_INIT;
	mc_vec skip = MC_VEC_INIT;

	mkdir_rel("server");
	mkdir_rel("server/models");
	write_file("server/models/area.js", "module.exports = (sequelize, DataTypes) => sequelize.define('t_area', {});");
	write_file("server/models/user.js", "module.exports = (sequelize, DataTypes) => sequelize.define('t_user', {});");
	write_file("server/models/index.js", "const fs = require('fs');");
	mkdir_rel("server/models/sub");
	write_file("server/models/sub/x.js", "module.exports = (sequelize, DataTypes) => sequelize.define('t_x', {});");
	mkdir_rel("server/lib");
	mkdir_rel("server/lib/models");
	write_file("server/lib/models/color.js", "module.exports = { model: 'x' };");
	mkdir_rel("server/test");
	mkdir_rel("server/test/models");
	write_file("server/test/models/user.js", "sequelize.define('t', {});");
	mkdir_rel("server/migrations");
	write_file("server/migrations/20240101000000-a.js", "sequelize.define('t', {});");
	mkdir_rel("app");
	write_file("app/models.py", "class Poll(models.Model):\n    pass\n");
	write_file("app/views.py", "def index(): pass\n");
	mkdir_rel("app/migrations");
	write_file("app/migrations/0001_initial.py", "bases=(models.Model,)\n");
	write_file("dev.sqlite3", "");
	assert_int_equal(mc_vec_push(&skip, (char *)"server/migrations"), 0);

	assert_int_equal(mc_migration_scan_tree(&scan, tmpdir, &skip), 0);
	assert_int_equal(scan.model_paths.len, 2);
	assert_string_equal(scan.model_paths.items[0], "app/models.py");
	assert_string_equal(scan.model_why.items[0], "defines Django models.Model");
	assert_string_equal(scan.model_paths.items[1], "server/models/**");
	assert_string_equal(scan.model_why.items[1],
	                    "2 of its 3 source files define models, as server/models/area.js: Sequelize define()");
	assert_int_equal(scan.sqlite_files.len, 1);
	assert_string_equal(scan.sqlite_files.items[0], "dev.sqlite3");
	assert_int_equal(scan.notes.len, 2);
	assert_string_equal(scan.notes.items[0], "'server/lib/models/**' left out: no file in it defines ORM models");
	assert_string_equal(scan.notes.items[1], "'server/test/models/**' left out: test code");
	mc_tree_scan_dispose(&scan);
	mc_vec_dispose(&skip);
}

/* The resident runner's app for a folder: the nearest level up holding
 * sequelize, and what its config reads from the environment. */
static void migration__detect_sequelize(void **state MC_UNUSED)
{
	mc_sequelize_app a;
	char root[80];

	snprintf(root, sizeof(root), "%s/", tmpdir);
	mkdir_rel("server");
	mkdir_rel("server/migrations");
	mkdir_rel("server/config");
	assert_int_equal(mc_migration_detect_sequelize(&a, root, "server/migrations"), MC_ENOTFOUND);
	mc_sequelize_app_dispose(&a);
	write_file("package.json", "{ \"devDependencies\": { \"prettier\": \"3\" } }");
	write_file("server/package.json", "{ \"dependencies\": { \"sequelize\": \"^6\" } }");
	write_file("server/config/config.js",
	           "module.exports = {\n"
	           "  development: { storage: process.env.SQLITE_FILE_PATH || './x.db', tempFolder: process.env.TEMP_FOLDER },\n"
	           "  test: { 'storage': process.env['SQLITE_FILE_PATH'] },\n"
	           "  staging: { use_env_variable: 'STAGING_URL', gatewayUrl: process.env.GW_URL },\n"
	           "  production: { \"url\": process.env.DATABASE_URL, use_env_variable: \"DATABASE_URL\" },\n"
	           "};\n");
	assert_int_equal(mc_migration_detect_sequelize(&a, root, "server/migrations"), 0);
	assert_string_equal(a.app, "server");
	assert_string_equal(a.why, "server/package.json lists sequelize, not installed yet: run 'npm install' in 'server' before a roundtrip");
	assert_int_equal(a.env.len, 2);
	assert_int_equal(a.env_why.len, 2);
	assert_string_equal(a.env.items[0], "SQLITE_FILE_PATH={path}");
	assert_string_equal(a.env_why.items[0], "server/config/config.js reads its SQLite file from process.env.SQLITE_FILE_PATH");
	assert_string_equal(a.env.items[1], "STAGING_URL={url}");
	assert_string_equal(a.env_why.items[1], "server/config/config.js names its database URL with use_env_variable 'STAGING_URL'");
	mc_sequelize_app_dispose(&a);
	/* installed: node_modules says so; .sequelizerc names the config */
	mkdir_rel("server/node_modules");
	mkdir_rel("server/node_modules/sequelize");
	write_file("server/node_modules/sequelize/package.json", "{}");
	write_file("server/.sequelizerc", "module.exports = { config: path.resolve('db', 'cfg.js') };\n");
	assert_int_equal(mc_migration_detect_sequelize(&a, root, "server/migrations"), 0);
	assert_string_equal(a.why, "server/node_modules/sequelize/package.json holds sequelize");
	/* cfg.js does not exist: the default config/config.js is read */
	assert_int_equal(a.env.len, 2);
	mc_sequelize_app_dispose(&a);
	mkdir_rel("server/db");
	write_file("server/db/cfg.js", "module.exports = { development: { dialect: 'sqlite' } };\n");
	assert_int_equal(mc_migration_detect_sequelize(&a, root, "server/migrations"), 0);
	assert_int_equal(a.env.len, 0);
	mc_sequelize_app_dispose(&a);
}

/* ---- allocation failures ---- */

/* A file known to be over the cap from a git object's header (changes.c)
 * is the same finding as one read from disk, and keeps its name's
 * migration. */
static void migration__set_too_large(void **state MC_UNUSED)
{
	mc_file_list *l = FILES("001_a.up.sql", "SELECT 1;", "002_big.up.sql",
	                        "SELECT 2;", "002_big.down.sql", "SELECT 3;");
	mc_file *f = l->files.items[1];
	struct parsed p;

	assert_int_equal(mc_file_set_too_large(f, 52428800ULL), 0);
	assert_int_equal(f->error, 1);
	assert_string_equal(
	        f->data, "file is too large (52428800 bytes, limit 33554432)");
	assert_int_equal(f->len, strlen(f->data));
	parse(&p, l);
	assert_int_equal(mc_report_count(p.report), 1);
	expect_finding(
	        &p, 0, "malformed", "002_big.up.sql", 0,
	        "cannot read migration: file is too large (52428800 bytes, limit 33554432)");
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_string_equal(mig(&p, 1)->version, "002");
	assert_true(mig(&p, 1)->up->flags & MC_SCRIPT_UNREADABLE);
	assert_non_null(mig(&p, 1)->down);
	parsed_free(&p);

	/* out of memory: the entry is left as it was */
	l = FILES("001_a.up.sql", "SELECT 1;");
	f = l->files.items[0];
	mc_alloc_fail_at(1);
	assert_int_equal(mc_file_set_too_large(f, 52428800ULL), MC_ENOMEM);
	mc_alloc_fail_at(0);
	assert_int_equal(f->error, 0);
	assert_string_equal(f->data, "SELECT 1;");
	mc_file_list_free(l);
}

static void migration__alloc_failures(void **state MC_UNUSED)
{
	int done = 0;

	for (unsigned long n = 1; !done && n < 5000; n++) {
		mc_file_list *l = FILES(
		        "1_a.up.sql", "SELECT 1;\nSELECT 2;", "1_a.down.sql",
		        "-- migcheck:irreversible x\n", "2_b.up.sql",
		        "SELECT 1;", "02_c.up.sql", "x y z;", "3_d.sql",
		        "-- +goose Up\nSELECT 1;", "x.yaml", "");
		mc_report *r = NULL;
		mc_migration_list *ml = NULL;
		int rc;

		assert_int_equal(mc_report_new(&r, "test"), 0);
		mc_alloc_fail_at(n);
		rc = mc_migration_list_parse(&ml, l, "m", MC_FORMAT_AUTO,
		                             MC_DIALECT_POSTGRES, r);
		mc_alloc_fail_at(0);
		if (rc == 0) {
			assert_non_null(ml);
			done = 1;
		} else {
			assert_int_equal(rc, MC_ENOMEM);
			assert_null(ml);
		}
		mc_migration_list_free(ml);
		mc_report_free(r);
		mc_file_list_free(l);
	}
	assert_true(done);
}

static void migration__dbmate_alloc_failures(void **state MC_UNUSED)
{
	int done = 0;

	for (unsigned long n = 1; !done && n < 5000; n++) {
		mc_file_list *l = FILES(
		        "1_a.sql",
		        "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 3;\n-- migrate:bad\n",
		        "20240101000000-x.js", "down");
		mc_migration_list *ml = NULL;
		mc_report *r = NULL;
		mc_discover_opts o = MC_DISCOVER_OPTS_INIT;
		int rc;

		o.require_down = 1;
		assert_int_equal(mc_report_new(&r, "test"), 0);
		mc_alloc_fail_at(n);
		rc = mc_migration_list_parse_opts(&ml, l, "m", &o, r);
		mc_alloc_fail_at(0);
		if (rc == 0)
			done = 1;
		else
			assert_int_equal(rc, MC_ENOMEM);
		mc_migration_list_free(ml);
		mc_report_free(r);
		mc_file_list_free(l);
	}
	assert_true(done);
}

/* ---- identity (identity.c) ---- */

static int keeps(mc_format f, const char *a, const char *b)
{
	int same = -1;
	assert_int_equal(mc_format_rename_keeps_identity(&same, f, a, b), 0);
	return same;
}

static void identity__kinds(void **state MC_UNUSED)
{
	assert_int_equal(mc_format_identity(MC_FORMAT_GOOSE),
	                 MC_IDENTITY_VERSION);
	assert_int_equal(mc_format_identity(MC_FORMAT_GOLANG_MIGRATE),
	                 MC_IDENTITY_VERSION);
	assert_int_equal(mc_format_identity(MC_FORMAT_DBMATE),
	                 MC_IDENTITY_VERSION);
	assert_int_equal(mc_format_identity(MC_FORMAT_POPX),
	                 MC_IDENTITY_VERSION);
	assert_int_equal(mc_format_identity(MC_FORMAT_FLYWAY),
	                 MC_IDENTITY_VERSION_DESCRIPTION);
	assert_int_equal(mc_format_identity(MC_FORMAT_SQL_MIGRATE),
	                 MC_IDENTITY_FILE_NAME);
	assert_int_equal(mc_format_identity(MC_FORMAT_SEQUELIZE),
	                 MC_IDENTITY_FILE_NAME);
	assert_int_equal(mc_format_identity(MC_FORMAT_PLAIN),
	                 MC_IDENTITY_VERSION_AND_FILE_NAME);
	assert_false(mc_format_unique_versions(MC_FORMAT_SQL_MIGRATE));
	assert_false(mc_format_unique_versions(MC_FORMAT_SEQUELIZE));
	assert_true(mc_format_unique_versions(MC_FORMAT_GOOSE));
	assert_true(mc_format_unique_versions(MC_FORMAT_PLAIN));
	/* numbers for goose and golang-migrate, digits as written for dbmate
	 * and popx, 1 is 1.0 for Flyway */
	assert_true(mc_format_same_version(MC_FORMAT_GOOSE, "001", "1"));
	assert_true(
	        mc_format_same_version(MC_FORMAT_GOLANG_MIGRATE, "001", "1"));
	assert_false(mc_format_same_version(MC_FORMAT_DBMATE, "001", "1"));
	assert_false(mc_format_same_version(MC_FORMAT_POPX, "001", "1"));
	assert_true(mc_format_same_version(MC_FORMAT_FLYWAY, "1", "1.0"));
	assert_false(mc_format_same_version(MC_FORMAT_FLYWAY, "1", "1.1"));
	/* order: dbmate and popx as text (dbmate sorts file names) */
	assert_true(mc_format_version_cmp(MC_FORMAT_DBMATE, "1", "001") > 0);
	assert_true(mc_format_version_cmp(MC_FORMAT_DBMATE, "9", "10") > 0);
	assert_true(mc_format_version_cmp(MC_FORMAT_POPX, "9", "10") > 0);
	assert_true(mc_format_version_cmp(MC_FORMAT_GOOSE, "9", "10") < 0);
	assert_int_equal(mc_format_version_cmp(MC_FORMAT_GOOSE, "1", "001"), 0);
}

static void identity__renames(void **state MC_UNUSED)
{
	/* golang-migrate: the version and the part */
	assert_true(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                  "d/002_b.up.sql"));
	assert_true(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                  "d/2_a.up.sql"));
	assert_true(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                  "d/002_a..up.sql"));
	assert_false(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                   "d/003_a.up.sql"));
	assert_false(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                   "d/002_a.down.sql"));
	assert_false(keeps(MC_FORMAT_GOLANG_MIGRATE, "d/002_a.up.sql",
	                   "d/notes.sql"));
	/* goose: the version; SQL to Go is not the same file */
	assert_true(keeps(MC_FORMAT_GOOSE, "20240101_a.sql", "20240101_b.sql"));
	assert_false(keeps(MC_FORMAT_GOOSE, "20240101_a.sql", "20240101_a.go"));
	assert_false(
	        keeps(MC_FORMAT_GOOSE, "20240101_a.sql", "20240102_a.sql"));
	/* dbmate: the digits as written */
	assert_true(keeps(MC_FORMAT_DBMATE, "001_a.sql", "001_b.sql"));
	assert_false(keeps(MC_FORMAT_DBMATE, "001_a.sql", "1_a.sql"));
	/* popx: version, dialect, autocommit */
	assert_true(keeps(MC_FORMAT_POPX, "1_a.postgres.up.sql",
	                  "1_b.postgres.up.sql"));
	assert_false(
	        keeps(MC_FORMAT_POPX, "1_a.postgres.up.sql", "1_a.up.sql"));
	assert_false(
	        keeps(MC_FORMAT_POPX, "1_a.up.sql", "1_a.autocommit.up.sql"));
	/* Flyway: version and description, '_' read as ' ' */
	assert_true(keeps(MC_FORMAT_FLYWAY, "V1__add_users.sql",
	                  "V1__add users.sql"));
	assert_true(keeps(MC_FORMAT_FLYWAY, "V1__a.sql", "V1.0__a.sql"));
	assert_false(keeps(MC_FORMAT_FLYWAY, "V1__a.sql", "V1__b.sql"));
	assert_false(keeps(MC_FORMAT_FLYWAY, "V1__a.sql", "U1__a.sql"));
	/* sql-migrate, Sequelize, plain: the file name */
	assert_false(keeps(MC_FORMAT_SQL_MIGRATE, "1-a.sql", "1-b.sql"));
	assert_false(keeps(MC_FORMAT_SQL_MIGRATE, "1_t.sql", "1_T.sql"));
	assert_true(keeps(MC_FORMAT_SQL_MIGRATE, "a/1-a.sql", "b/1-a.sql"));
	assert_false(keeps(MC_FORMAT_SEQUELIZE, "1-a.js", "1-b.js"));
	assert_false(keeps(MC_FORMAT_PLAIN, "001_a.sql", "001_b.sql"));
	assert_false(keeps(MC_FORMAT_AUTO, "001_a.sql", "001_a.sql"));
}

static void identity__order(void **state MC_UNUSED)
{
	/* sql-migrate: numbered first, by number, then by file name */
	assert_true(mc_format_order_cmp(MC_FORMAT_SQL_MIGRATE, "2", "m/2-b.sql",
	                                "10", "m/10-a.sql") < 0);
	assert_true(mc_format_order_cmp(MC_FORMAT_SQL_MIGRATE, "1", "m/1-b.sql",
	                                "01", "m/01-a.sql") > 0);
	assert_true(mc_format_order_cmp(MC_FORMAT_SQL_MIGRATE, "init",
	                                "m/init.sql", "9", "m/9-a.sql") > 0);
	assert_true(mc_format_order_cmp(MC_FORMAT_SQL_MIGRATE, "5",
	                                "m/5-uid-1.sql", "5",
	                                "m/5-uid-2.sql") < 0);
	assert_int_equal(
	        mc_format_order_cmp(MC_FORMAT_GOOSE, "001", "a", "1", "b"), 0);
}

static void identity__discovery(void **state MC_UNUSED)
{
	struct parsed p;
	mc_discover_opts o = MC_DISCOVER_OPTS_INIT;

	/* sql-migrate: one prefix, two migrations, no finding */
	parse(&p, FILES("5-uid-2.sql", "-- +migrate Up\nSELECT 2;\n",
	                "5-uid-1.sql", "-- +migrate Up\nSELECT 1;\n"));
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_string_equal(mig(&p, 0)->name, "uid-1");
	assert_string_equal(mig(&p, 1)->name, "uid-2");
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);

	/* golang-migrate: up and down of one version meet whatever the name */
	o.require_down = 1;
	parse_opts(&p,
	           FILES("002_users.up.sql", "SELECT 1;", "002_more.down.sql",
	                 "SELECT 2;"),
	           &o);
	assert_int_equal(mc_migration_list_count(p.list), 1);
	assert_non_null(mig(&p, 0)->up);
	assert_non_null(mig(&p, 0)->down);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);

	/* dbmate: 001 and 1 are two versions */
	parse(&p, FILES("001_a.sql", "-- migrate:up\nSELECT 1;\n", "1_b.sql",
	                "-- migrate:up\nSELECT 1;\n"));
	assert_int_equal(mc_migration_list_count(p.list), 2);
	assert_int_equal(mc_report_count(p.report), 0);
	parsed_free(&p);
}

static void migration__tracking_ddl(void **state MC_UNUSED)
{
	char *sql = NULL;

	assert_int_equal(mc_format_tracking_ddl(&sql, MC_FORMAT_DBMATE,
	                                        MC_DIALECT_POSTGRES, NULL),
	                 0);
	assert_string_equal(sql, "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)");
	mc_free(sql);
	assert_int_equal(mc_format_tracking_ddl(&sql, MC_FORMAT_GOLANG_MIGRATE,
	                                        MC_DIALECT_POSTGRES,
	                                        "ops.Versions"),
	                 0);
	assert_string_equal(sql, "CREATE SCHEMA IF NOT EXISTS ops; CREATE TABLE IF NOT EXISTS ops.\"Versions\" (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
	mc_free(sql);
	/* SQLite has no schemas: the dot is part of the name */
	assert_int_equal(mc_format_tracking_ddl(&sql, MC_FORMAT_SQL_MIGRATE,
	                                        MC_DIALECT_SQLITE, "a.b"),
	                 0);
	assert_string_equal(sql, "CREATE TABLE IF NOT EXISTS \"a.b\" (id varchar(255) NOT NULL PRIMARY KEY, applied_at datetime)");
	mc_free(sql);
	assert_string_equal(mc_format_tracking_table(MC_FORMAT_GOOSE),
	                    "goose_db_version");
	/* the runner's tool makes its own; plain has none */
	assert_null(mc_format_tracking_table(MC_FORMAT_SEQUELIZE));
	assert_int_equal(mc_format_tracking_ddl(&sql, MC_FORMAT_PLAIN,
	                                        MC_DIALECT_POSTGRES, NULL),
	                 0);
	assert_null(sql);
	/* a name SQLite cannot spell is an input error */
	assert_true(mc_format_tracking_ddl(&sql, MC_FORMAT_DBMATE,
	                                   MC_DIALECT_SQLITE, "a\001b") < 0);
	assert_null(sql);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration__version_cmp),
		cmocka_unit_test(migration__format_names),
		cmocka_unit_test(migration__names),
		cmocka_unit_test(migration__sections_goose),
		cmocka_unit_test(migration__sections_problems),
		cmocka_unit_test(migration__sections_options),
		cmocka_unit_test(migration__golang_migrate),
		cmocka_unit_test(migration__dbmate_pairs),
		cmocka_unit_test(migration__goose),
		cmocka_unit_test(migration__goose_malformed),
		cmocka_unit_test(migration__sql_migrate),
		cmocka_unit_test(migration__flyway),
		cmocka_unit_test(migration__flyway_undo_by_version),
		cmocka_unit_test(migration__flyway_two_undos_one_version),
		cmocka_unit_test(migration__popx),
		cmocka_unit_test(migration__plain),
		cmocka_unit_test(migration__sequelize),
		cmocka_unit_test(identity__kinds),
		cmocka_unit_test(identity__renames),
		cmocka_unit_test(identity__order),
		cmocka_unit_test(identity__discovery),
		cmocka_unit_test(migration__sequelize_empty_down),
		cmocka_unit_test(migration__detect),
		cmocka_unit_test(migration__file_list_find),
		cmocka_unit_test(migration__subset),
		cmocka_unit_test(migration__findings_only),
		cmocka_unit_test(migration__mixed_and_duplicates),
		cmocka_unit_test(migration__bad_bytes),
		cmocka_unit_test(migration__required_down),
		cmocka_unit_test_setup_teardown(migration__read_dir, make_tmp,
		                                remove_tmp),
		cmocka_unit_test_setup_teardown(migration__find_dirs, make_tmp,
		                                remove_tmp),
		cmocka_unit_test(migration__defines_models),
		cmocka_unit_test(migration__models_changed),
		cmocka_unit_test_setup_teardown(migration__detect_sequelize, make_tmp,
		                                remove_tmp),
		cmocka_unit_test_setup_teardown(migration__scan_tree, make_tmp,
		                                remove_tmp),
		cmocka_unit_test(migration__set_too_large),
		cmocka_unit_test(migration__alloc_failures),
		cmocka_unit_test(migration__dbmate_alloc_failures),
		cmocka_unit_test(migration__tracking_ddl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
