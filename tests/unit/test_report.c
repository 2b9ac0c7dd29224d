/*
 * test_report.c: the finding model and every renderer (text, json, github,
 * junit, sarif, markdown) on a report with a group of findings, an overridden
 * severity, notes and hostile strings; the JUnit output is validated with
 * xmllint against tests/fixtures/schemas/junit.xsd and the SARIF output
 * with tests/fixtures/schemas/validate_sarif.py against sarif-2.1.0.json.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "migcheck/report.h"
#include "report/report_internal.h"

#define HOSTILE "say \"hi\" <script>alert('x')</script> & a|b `tick` ``` \n" \
	"second line \xC3\xBCnic\xC3\xB6" "de \xF0\x9F\x90\x98 bad\xFF ctl\x01 [x](y) *b* @team"
#define HOSTILE_FILE "db/migrations/2024 01_<a>&\"b\"|c.sql"

/* The report most tests render: see the comments for what each exercises. */
static mc_report *sample_report(int hostile)
{
	mc_report *r = NULL;
	mc_finding *f = NULL;

	assert_int_equal(mc_report_new(&r, "check"), 0);
	/* override: missing-down is an error by default */
	assert_int_equal(mc_report_set_severity(r, "missing-down", MC_SEV_WARNING), 0);
	assert_int_equal(mc_report_add(r, NULL, "modified-deployed",
	                               "db/migrations/20240101_add_users.up.sql", 3,
	                               "20240101",
	                               "- CREATE TABLE users (id int);\n+ CREATE TABLE users (id bigint);",
	                               "deployed migration '%s' was edited",
	                               "db/migrations/20240101_add_users.up.sql"), 0);
	assert_int_equal(mc_report_add(r, NULL, "missing-down",
	                               "db/migrations/20240101_add_users.up.sql", 0,
	                               "20240101", NULL, "no down script"), 0);
	/* two findings with one migration and code: one JUnit testcase */
	assert_int_equal(mc_report_add(r, NULL, "malformed",
	                               "db/migrations/20240102_x.up.sql", 2,
	                               "20240102", NULL, "syntax error at 'TABEL'"), 0);
	assert_int_equal(mc_report_add(r, NULL, "malformed",
	                               "db/migrations/20240102_x.up.sql", 5,
	                               "20240102", NULL, "unknown directive"), 0);
	/* a group of three files without a migration: text shows one
	 * headline, every other format three findings */
	assert_int_equal(
	        mc_report_group_begin(
	                r, NULL, "db/migrations mixes goose and dbmate files"),
	        0);
	assert_int_equal(mc_report_add(r, NULL, "mixed-formats",
	                               "db/migrations/1_a.sql", 1, NULL, NULL,
	                               "goose file left out"),
	                 0);
	assert_int_equal(mc_report_add(r, NULL, "mixed-formats",
	                               "db/migrations/2_b.sql", 1, NULL, NULL,
	                               "dbmate file left out"),
	                 0);
	assert_int_equal(mc_report_add(r, NULL, "mixed-formats",
	                               "db/migrations/3_c.sql", 2, NULL, NULL,
	                               "goose file left out"),
	                 0);
	mc_report_group_end(r);
	/* an "off" code is dropped */
	assert_int_equal(mc_report_set_severity(r, "pending", MC_SEV_OFF), 0);
	assert_int_equal(mc_report_add(r, &f, "pending", NULL, 0, NULL, NULL, "x"), 0);
	assert_null(f);
	if (hostile) {
		assert_int_equal(
		        mc_report_group_begin(r, HOSTILE_FILE, "%s", HOSTILE),
		        0);
		assert_int_equal(mc_report_add(r, &f, "comment-only-change", HOSTILE_FILE, 7,
		                               HOSTILE, HOSTILE, "%s", HOSTILE), 0);
		assert_int_equal(mc_report_add(r, &f, "comment-only-change",
		                               HOSTILE_FILE, 9, HOSTILE,
		                               HOSTILE, "%s", HOSTILE),
		                 0);
		mc_report_group_end(r);
		assert_int_equal(mc_report_add(r, NULL, "up-failed", HOSTILE_FILE, 1,
		                               "3", HOSTILE, "%s", HOSTILE), 0);
	}
	assert_int_equal(mc_report_note(r, "deploy ref 'refs/remotes/origin/main' is at %s",
	                                hostile ? HOSTILE : "abc123"), 0);
	return r;
}

static char *render(const mc_report *r, mc_output_format fmt)
{
	mc_buf out = MC_BUF_INIT;
	mc_render_opts opts = { 0, 0, 1 };
	assert_int_equal(mc_report_render(&out, r, fmt, &opts), 0);
	return mc_buf_detach(&out);
}

static int valid_utf8(const char *s)
{
	unsigned cp;
	size_t n;
	for (; *s; s += n)
		if ((n = mc_utf8_len(s, &cp)) == 0)
			return 0;
	return 1;
}

/* Write s to a temporary file; the caller unlinks and frees the name. */
static char *write_temp(const char *s, const char *suffix)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = mc_asprintf("%s/migcheck-report-XXXXXX%s", tmp, suffix);
	FILE *f;
	int fd;

	assert_non_null(path);
	fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(s, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *fixtures(void)
{
	const char *d = getenv("MIGCHECK_FIXTURES");
	return d ? d : "tests/fixtures";
}

enum { XSD, SARIF, SARIF_QUIET };

/* Validate file against the shipped schema; 0 = valid. */
static int run_validator(int kind, const char *file)
{
	char *cmd;
	int rc;

	if (kind == XSD)
		cmd = mc_asprintf("xmllint --noout --nonet --schema '%s/schemas/junit.xsd' '%s'",
		                  fixtures(), file);
	else
		cmd = mc_asprintf("python3 '%s/schemas/validate_sarif.py' '%s/schemas/sarif-2.1.0.json' '%s'%s",
		                  fixtures(), fixtures(), file,
		                  kind == SARIF_QUIET ? " 2>/dev/null" : "");
	assert_non_null(cmd);
	rc = system(cmd);
	mc_free(cmd);
	return rc;
}

static void report__counts_and_override(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	const mc_finding *f;

	/* a group's members are findings and counted one by one */
	assert_int_equal(mc_report_count(r), 7);
	assert_int_equal(mc_report_errors(r), 6);
	assert_int_equal(mc_report_warnings(r), 1);
	assert_int_equal(mc_report_get(r, 3)->group, 0);
	assert_int_not_equal(mc_report_get(r, 4)->group, 0);
	assert_int_equal(mc_report_get(r, 6)->group,
	                 mc_report_get(r, 4)->group);
	assert_string_equal(
	        mc_report_group_get(r, mc_report_get(r, 4)->group, NULL),
	        "db/migrations mixes goose and dbmate files");
	assert_null(mc_report_group_get(r, 0, NULL));
	assert_null(mc_report_group_get(r, 99, NULL));
	f = mc_report_get(r, 1);
	assert_string_equal(f->code, "missing-down");
	assert_int_equal(f->severity, MC_SEV_WARNING);
	assert_int_equal(f->default_severity, MC_SEV_ERROR);
	assert_int_equal(mc_report_add(r, NULL, "no-such-code", NULL, 0, NULL, NULL, "x"),
	                 MC_ERROR);
	assert_string_equal(mc_error_last()->message, "unregistered finding code 'no-such-code'");
	mc_report_free(r);
}

static void report__mark_existing(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	const mc_finding *f;
	char *s;

	assert_int_equal(mc_report_mark_existing(r, 0, "v1.0.0"), 0);
	assert_int_equal(mc_report_mark_existing(r, 0, "v1.0.0"), 0); /* once */
	f = mc_report_get(r, 0);
	assert_true(f->existing);
	assert_int_equal(f->severity, MC_SEV_WARNING);
	assert_int_equal(f->default_severity, MC_SEV_ERROR);
	assert_string_equal(f->message, "deployed migration 'db/migrations/20240101_add_users.up.sql' was edited (existing: released before v1.0.0)");
	assert_int_equal(mc_report_errors(r), 5);
	assert_int_equal(mc_report_warnings(r), 2);
	s = render(r, MC_OUTPUT_TEXT);
	assert_non_null(strstr(s, "warning: deployed migration 'db/migrations/20240101_add_users.up.sql' was edited (existing: released before v1.0.0) [modified-deployed]\n"));
	mc_free(s);
	s = render(r, MC_OUTPUT_JSON);
	assert_non_null(strstr(s, "\"existing\": true"));
	mc_free(s);
	assert_int_equal(mc_report_mark_existing(r, 99, "v1.0.0"), MC_ERROR);
	mc_report_free(r);
}

static void report__text(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	char *s = render(r, MC_OUTPUT_TEXT);

	assert_non_null(strstr(s, "db/migrations/20240101_add_users.up.sql:3: error: deployed migration 'db/migrations/20240101_add_users.up.sql' was edited [modified-deployed]\n"
	                          "    - CREATE TABLE users (id int);\n"
	                          "    + CREATE TABLE users (id bigint);\n"));
	assert_non_null(strstr(s, "warning: no down script [missing-down, severity set by config]"));
	/* text is the one format that groups */
	assert_non_null(strstr(
	        s,
	        "error: db/migrations mixes goose and dbmate files [mixed-formats]\n"
	        "    - db/migrations/1_a.sql:1: goose file left out\n"
	        "    - db/migrations/2_b.sql:1: dbmate file left out\n"
	        "    - db/migrations/3_c.sql:2: goose file left out\n"
	        "note: "));
	assert_null(strstr(s, "db/migrations/1_a.sql:1: error"));
	assert_non_null(strstr(s, "note: deploy ref 'refs/remotes/origin/main' is at abc123\n"));
	assert_non_null(strstr(s, "check: 6 errors, 1 warning\n"));
	mc_free(s);
	mc_report_free(r);
}

static void report__json(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	char *s = render(r, MC_OUTPUT_JSON);
	json_error_t jerr;
	json_t *root = json_loads(s, 0, &jerr), *f;

	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "command")), "check");
	assert_true(json_is_false(json_object_get(root, "ok")));
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 7);
	f = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "code")), "modified-deployed");
	assert_int_equal(json_integer_value(json_object_get(f, "line")), 3);
	assert_string_equal(json_string_value(json_object_get(f, "migration")), "20240101");
	f = json_array_get(json_object_get(root, "findings"), 1);
	assert_string_equal(json_string_value(json_object_get(f, "default_severity")), "error");
	/* the group: a finding per file, each with its own message, no items */
	for (size_t i = 4; i < 7; i++) {
		static const char *const files[] = { "db/migrations/1_a.sql",
			                             "db/migrations/2_b.sql",
			                             "db/migrations/3_c.sql" };
		f = json_array_get(json_object_get(root, "findings"), i);
		assert_string_equal(
		        json_string_value(json_object_get(f, "code")),
		        "mixed-formats");
		assert_string_equal(
		        json_string_value(json_object_get(f, "file")),
		        files[i - 4]);
		assert_true(json_is_integer(json_object_get(f, "line")));
		assert_true(json_is_null(json_object_get(f, "migration")));
		assert_true(json_is_null(json_object_get(f, "detail")));
		assert_string_equal(
		        json_string_value(json_object_get(f, "message")),
		        i == 5 ? "dbmate file left out"
		               : "goose file left out");
		assert_null(json_object_get(f, "items"));
		assert_int_equal(json_object_size(f), 7);
	}
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(root, "summary"), "errors")),
	                 6);
	assert_int_equal(json_array_size(json_object_get(root, "notes")), 1);
	json_decref(root);
	mc_free(s);
	mc_report_free(r);
}

static void report__github(void **state MC_UNUSED)
{
	mc_report *r = sample_report(1);
	char *s = render(r, MC_OUTPUT_GITHUB);

	assert_non_null(strstr(s, "::error file=db/migrations/20240101_add_users.up.sql,line=3,title=modified-deployed::deployed migration"));
	assert_non_null(strstr(s, "::warning file=db/migrations/2024 01_<a>&\"b\"|c.sql,line=7,title=comment-only-change::say"));
	/* a newline in a message never starts a new workflow command */
	assert_non_null(strstr(s, "``` %0Asecond line"));
	/* one annotation per file and line, also in a group */
	assert_non_null(strstr(
	        s,
	        "::error file=db/migrations/1_a.sql,line=1,title=mixed-formats::goose file left out\n"
	        "::error file=db/migrations/2_b.sql,line=1,title=mixed-formats::dbmate file left out\n"
	        "::error file=db/migrations/3_c.sql,line=2,title=mixed-formats::goose file left out\n"));
	assert_non_null(strstr(s, "line=9,title=comment-only-change::say"));
	assert_non_null(strstr(s, "check: 7 errors, 3 warnings\n"));
	mc_free(s);
	mc_report_free(r);
}

static void report__junit_cases(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	char *s = render(r, MC_OUTPUT_JUNIT);

	assert_true(starts_with(
	        s,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<testsuites name=\"migcheck check\" tests=\"6\" failures=\"5\" errors=\"0\" skipped=\"0\">\n"
	        "  <testsuite name=\"check\" tests=\"6\" failures=\"5\" errors=\"0\" skipped=\"0\">\n"));
	assert_non_null(strstr(s, "    <testcase name=\"20240101: modified-deployed\" classname=\"migcheck.check\" file=\"db/migrations/20240101_add_users.up.sql\">\n"
	                          "      <failure message=\"deployed migration &apos;db/migrations/20240101_add_users.up.sql&apos; was edited\" type=\"modified-deployed\">"
	                          "db/migrations/20240101_add_users.up.sql:3: error: deployed migration 'db/migrations/20240101_add_users.up.sql' was edited [modified-deployed]\n"
	                          "- CREATE TABLE users (id int);\n"));
	/* the overridden warning passes, its text in system-out */
	assert_non_null(strstr(s, "    <testcase name=\"20240101: missing-down\" classname=\"migcheck.check\" file=\"db/migrations/20240101_add_users.up.sql\">\n"
	                          "      <system-out>db/migrations/20240101_add_users.up.sql: warning: no down script [missing-down, severity set by config]\n"
	                          "</system-out>\n    </testcase>\n"));
	/* two malformed findings of 20240102 share one testcase */
	assert_non_null(strstr(s, "<failure message=\"2 findings: syntax error at &apos;TABEL&apos;\" type=\"malformed\">"
	                          "db/migrations/20240102_x.up.sql:2: error: syntax error at 'TABEL' [malformed]\n"
	                          "db/migrations/20240102_x.up.sql:5: error: unknown directive [malformed]\n</failure>"));
	/* the group: a testcase per file */
	assert_non_null(strstr(
	        s,
	        "<testcase name=\"db/migrations/1_a.sql: mixed-formats\" classname=\"migcheck.check\" file=\"db/migrations/1_a.sql\">"));
	assert_non_null(strstr(
	        s,
	        "<testcase name=\"db/migrations/2_b.sql: mixed-formats\" classname=\"migcheck.check\" file=\"db/migrations/2_b.sql\">"));
	assert_non_null(strstr(
	        s,
	        "<testcase name=\"db/migrations/3_c.sql: mixed-formats\" classname=\"migcheck.check\" file=\"db/migrations/3_c.sql\">"));
	assert_non_null(strstr(
	        s,
	        "db/migrations/2_b.sql:1: error: dbmate file left out [mixed-formats]\n"));
	assert_non_null(strstr(s, "<system-out>note: deploy ref 'refs/remotes/origin/main' is at abc123\n</system-out>"));
	mc_free(s);
	mc_report_free(r);
}

static void report__junit_clean_is_one_passing_case(void **state MC_UNUSED)
{
	mc_report *r = NULL;
	char *s;

	assert_int_equal(mc_report_new(&r, "roundtrip"), 0);
	s = render(r, MC_OUTPUT_JUNIT);
	assert_string_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                       "<testsuites name=\"migcheck roundtrip\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
	                       "  <testsuite name=\"roundtrip\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
	                       "    <testcase name=\"roundtrip: no findings\" classname=\"migcheck.roundtrip\"/>\n"
	                       "  </testsuite>\n"
	                       "</testsuites>\n");
	mc_free(s);
	mc_report_free(r);
}

static void report__junit_suite_per_section(void **state MC_UNUSED)
{
	mc_report *r = NULL;
	char *s;

	assert_int_equal(mc_report_new(&r, "gate"), 0);
	assert_int_equal(mc_report_set_section(r, "check"), 0);
	assert_int_equal(mc_report_add(r, NULL, "out-of-order", "a.sql", 1, "1", NULL, "m"), 0);
	assert_int_equal(mc_report_set_section(r, "roundtrip"), 0);
	assert_int_equal(mc_report_add(r, NULL, "down-failed", "a.sql", 2, "1", NULL, "m"), 0);
	assert_int_equal(mc_report_add(r, NULL, "irreversible", "b.sql", 0, "2", NULL, "m"), 0);
	s = render(r, MC_OUTPUT_JUNIT);
	assert_non_null(strstr(s, "<testsuites name=\"migcheck gate\" tests=\"3\" failures=\"2\""));
	assert_non_null(strstr(s, "<testsuite name=\"check\" tests=\"1\" failures=\"1\""));
	assert_non_null(strstr(s, "<testsuite name=\"roundtrip\" tests=\"2\" failures=\"1\""));
	assert_non_null(strstr(s, "classname=\"migcheck.roundtrip\""));
	mc_free(s);
	mc_report_free(r);
}

static void report__junit_escapes_hostile_strings(void **state MC_UNUSED)
{
	mc_report *r = sample_report(1);
	char *s = render(r, MC_OUTPUT_JUNIT);

	assert_true(valid_utf8(s));
	assert_null(strstr(s, "<script>"));
	assert_null(strstr(s, "\x01"));
	assert_non_null(strstr(s, "file=\"db/migrations/2024 01_&lt;a&gt;&amp;&quot;b&quot;|c.sql\""));
	assert_non_null(strstr(s, "say &quot;hi&quot; &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; a|b `tick` ``` &#10;second line \xC3\xBCnic\xC3\xB6" "de \xF0\x9F\x90\x98 bad\xEF\xBF\xBD ctl\xEF\xBF\xBD"));
	mc_free(s);
	mc_report_free(r);
}

static void report__junit_valid_against_xsd(void **state MC_UNUSED)
{
	for (int hostile = 0; hostile <= 2; hostile++) {
		mc_report *r = NULL;
		char *s, *path;
		if (hostile == 2)
			assert_int_equal(mc_report_new(&r, "list"), 0);
		else
			r = sample_report(hostile);
		s = render(r, MC_OUTPUT_JUNIT);
		path = write_temp(s, ".xml");
		assert_int_equal(run_validator(XSD, path), 0);
		unlink(path);
		mc_free(path);
		mc_free(s);
		mc_report_free(r);
	}
}

static void report__sarif_rules_and_results(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	char *s = render(r, MC_OUTPUT_SARIF);
	json_t *root = json_loads(s, 0, NULL), *run, *rules, *res, *loc;
	size_t ncodes = 0;

	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "version")), "2.1.0");
	assert_non_null(json_string_value(json_object_get(root, "$schema")));
	run = json_array_get(json_object_get(root, "runs"), 0);
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	for (const mc_code_info *c = mc_code_all(); c->code; c++, ncodes++) {
		json_t *rule = json_array_get(rules, ncodes);
		assert_string_equal(json_string_value(json_object_get(rule, "id")), c->code);
		assert_string_equal(json_string_value(json_object_get(json_object_get(rule, "help"), "text")), c->fix);
	}
	assert_int_equal(json_array_size(rules), ncodes);
	res = json_array_get(json_object_get(run, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(res, "ruleId")), "modified-deployed");
	assert_int_equal(json_integer_value(json_object_get(res, "ruleIndex")), 0);
	assert_string_equal(json_string_value(json_object_get(res, "level")), "error");
	assert_string_equal(json_string_value(json_object_get(json_object_get(res, "message"), "text")),
	                    "deployed migration 'db/migrations/20240101_add_users.up.sql' was edited\n"
	                    "- CREATE TABLE users (id int);\n+ CREATE TABLE users (id bigint);");
	loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
	                    "db/migrations/20240101_add_users.up.sql");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 3);
	/* overridden: level follows the config, the default is kept */
	res = json_array_get(json_object_get(run, "results"), 1);
	assert_string_equal(json_string_value(json_object_get(res, "level")), "warning");
	assert_string_equal(json_string_value(json_object_get(json_object_get(res, "properties"), "defaultLevel")), "error");
	/* no line: no region */
	loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
	assert_null(json_object_get(loc, "region"));
	/* the group: a result per file and line with its own message */
	assert_int_equal(json_array_size(json_object_get(run, "results")), 7);
	for (size_t i = 4; i < 7; i++) {
		static const char *const uris[] = { "db/migrations/1_a.sql",
			                            "db/migrations/2_b.sql",
			                            "db/migrations/3_c.sql" };
		res = json_array_get(json_object_get(run, "results"), i);
		loc = json_object_get(
		        json_array_get(json_object_get(res, "locations"), 0),
		        "physicalLocation");
		assert_string_equal(
		        json_string_value(json_object_get(
		                json_object_get(loc, "artifactLocation"),
		                "uri")),
		        uris[i - 4]);
		assert_int_equal(
		        json_integer_value(json_object_get(
		                json_object_get(loc, "region"), "startLine")),
		        i == 6 ? 2 : 1);
		assert_string_equal(
		        json_string_value(json_object_get(
		                json_object_get(res, "message"), "text")),
		        i == 5 ? "dbmate file left out"
		               : "goose file left out");
		assert_null(json_object_get(res, "relatedLocations"));
	}
	assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(run, "invocations"), 0),
	                                                 "toolExecutionNotifications")), 1);
	json_decref(root);
	mc_free(s);
	mc_report_free(r);
}

static void report__sarif_escapes_hostile_strings(void **state MC_UNUSED)
{
	mc_report *r = sample_report(1);
	char *s = render(r, MC_OUTPUT_SARIF);
	json_t *root = json_loads(s, 0, NULL), *res, *art;

	assert_non_null(root);
	assert_true(valid_utf8(s));
	res = json_array_get(
	        json_object_get(
	                json_array_get(json_object_get(root, "runs"), 0),
	                "results"),
	        7);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(res, "message"), "text")),
	                       "say \"hi\" <script>alert('x')</script> & a|b `tick` ``` \nsecond line \xC3\xBCnic\xC3\xB6" "de \xF0\x9F\x90\x98 bad\xEF\xBF\xBD ctl\x01"));
	art = json_object_get(json_object_get(json_array_get(json_object_get(res, "locations"), 0),
	                                      "physicalLocation"), "artifactLocation");
	assert_string_equal(json_string_value(json_object_get(art, "uri")),
	                    "db/migrations/2024%2001_%3Ca%3E%26%22b%22%7Cc.sql");
	json_decref(root);
	mc_free(s);
	mc_report_free(r);
}

static void report__sarif_valid_against_schema(void **state MC_UNUSED)
{
	for (int hostile = 0; hostile <= 2; hostile++) {
		mc_report *r = NULL;
		char *s, *path;
		if (hostile == 2)
			assert_int_equal(mc_report_new(&r, "list"), 0);
		else
			r = sample_report(hostile);
		s = render(r, MC_OUTPUT_SARIF);
		path = write_temp(s, ".sarif");
		assert_int_equal(run_validator(SARIF, path), 0);
		unlink(path);
		mc_free(path);
		mc_free(s);
		mc_report_free(r);
	}
}

static void report__sarif_validator_rejects_bad_logs(void **state MC_UNUSED)
{
	static const char *bad[] = {
		"{\"version\": \"2.1.0\", \"runs\": []}", /* no $schema */
		"{\"$schema\": \"x\", \"version\": \"2.0.0\", \"runs\": []}",
		"{\"$schema\": \"x\", \"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"m\", \"rules\": [{\"id\": \"a\"}]}}, "
		"\"results\": [{\"ruleId\": \"b\", \"level\": \"error\", \"message\": {\"text\": \"t\"}}]}]}",
		"{\"$schema\": \"x\", \"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"m\", \"rules\": [{\"id\": \"a\"}]}}, "
		"\"results\": [{\"ruleId\": \"a\", \"level\": \"error\", \"message\": {\"text\": \"t\"}, \"locations\": "
		"[{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"a b\"}, \"region\": {\"startLine\": 0}}}]}]}]}",
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(bad); i++) {
		char *path = write_temp(bad[i], ".sarif");
		assert_int_not_equal(run_validator(SARIF_QUIET, path), 0);
		unlink(path);
		mc_free(path);
	}
}

static void report__markdown(void **state MC_UNUSED)
{
	mc_report *r = sample_report(0);
	char *s = render(r, MC_OUTPUT_MARKDOWN);

	assert_true(starts_with(
	        s,
	        "### \xE2\x9D\x8C migcheck check: 6 errors, 1 warning\n\n"
	        "| Migration | Result | Findings |\n|---|---|---|\n"
	        "| `20240101` | \xE2\x9D\x8C 1 error, 1 warning | `modified-deployed` `missing-down` |\n"
	        "| `20240102` | \xE2\x9D\x8C 2 errors, 0 warnings | `malformed` |\n"
	        "| `db/migrations/1_a.sql` | \xE2\x9D\x8C 1 error, 0 warnings | `mixed-formats` |\n"
	        "| `db/migrations/2_b.sql` | \xE2\x9D\x8C 1 error, 0 warnings | `mixed-formats` |\n"
	        "| `db/migrations/3_c.sql` | \xE2\x9D\x8C 1 error, 0 warnings | `mixed-formats` |\n\n"
	        "#### Findings\n\n"
	        "- \xE2\x9D\x8C **error** `modified-deployed` at `db/migrations/20240101_add_users.up.sql:3` (migration `20240101`): deployed migration 'db/migrations/20240101\\_add\\_users.up.sql' was edited\n"
	        "  ```\n  - CREATE TABLE users (id int);\n  + CREATE TABLE users (id bigint);\n  ```\n"));
	assert_non_null(strstr(s, "**warning** `missing-down` at `db/migrations/20240101_add_users.up.sql` (migration `20240101`): no down script (severity set by config)\n"));
	assert_non_null(strstr(
	        s,
	        "**error** `mixed-formats` at `db/migrations/3_c.sql:2`: goose file left out\n"));
	assert_non_null(strstr(s, "> **Note:** deploy ref 'refs/remotes/origin/main' is at abc123\n"));
	mc_free(s);
	mc_report_free(r);
}

static void report__markdown_clean_and_steps(void **state MC_UNUSED)
{
	mc_report *r = NULL;
	char *s;

	assert_int_equal(mc_report_new(&r, "gate"), 0);
	s = render(r, MC_OUTPUT_MARKDOWN);
	assert_string_equal(s, "### \xE2\x9C\x85 migcheck gate: no findings\n\n");
	mc_free(s);
	assert_int_equal(mc_report_set_section(r, "roundtrip"), 0);
	assert_int_equal(mc_report_add(r, NULL, "irreversible", "a.sql", 0, "1", NULL, "m"), 0);
	s = render(r, MC_OUTPUT_MARKDOWN);
	assert_non_null(strstr(s, "### \xE2\x9A\xA0\xEF\xB8\x8F migcheck gate: 0 errors, 1 warning\n\n"
	                          "| Step | Migration | Result | Findings |\n|---|---|---|---|\n"
	                          "| roundtrip | `1` | \xE2\x9A\xA0\xEF\xB8\x8F 0 errors, 1 warning | `irreversible` |\n\n"
	                          "#### roundtrip\n\n"));
	mc_free(s);
	mc_report_free(r);
}

/* A gate: three steps (one skipped), two migrations in the release, a
 * finding about a deployed one and one about none. */
static mc_report *gate_report(void)
{
	mc_report *r = NULL;

	assert_int_equal(mc_report_new(&r, "gate"), 0);
	assert_int_equal(mc_report_add_subject(r, "2", "m/2_b.up.sql"), 0);
	assert_int_equal(mc_report_add_subject(r, "3", NULL), 0);
	assert_int_equal(mc_report_set_section(r, "roundtrip"), 0);
	assert_int_equal(mc_report_add(r, NULL, "down-not-inverse", "m/3_c.down.sql", 1, "3", NULL, "d"), 0);
	assert_int_equal(mc_report_set_section(r, "check"), 0);
	assert_int_equal(mc_report_add(r, NULL, "modified-deployed", "m/1_a.up.sql", 2, "1", NULL, "e"), 0);
	assert_int_equal(mc_report_add(r, NULL, "model-without-migration", NULL, 0, NULL, NULL, "x"), 0);
	assert_int_equal(mc_report_add_step(r, "check", MC_STEP_FAILED, NULL), 0);
	assert_int_equal(mc_report_add_step(r, "roundtrip", MC_STEP_FAILED, NULL), 0);
	assert_int_equal(mc_report_add_step(r, "drift", MC_STEP_SKIPPED, "--skip"), 0);
	assert_int_equal(mc_report_set_section(r, NULL), 0);
	return r;
}

static void report__steps_and_subjects(void **state MC_UNUSED)
{
	mc_report *r = gate_report();
	const char *name, *detail, *file;

	assert_int_equal(mc_report_step_count(r), 3);
	assert_int_equal(mc_report_step_get(r, 2, &name, &detail), MC_STEP_SKIPPED);
	assert_string_equal(name, "drift");
	assert_string_equal(detail, "--skip");
	assert_int_equal(mc_report_step_get(r, 0, &name, &detail), MC_STEP_FAILED);
	assert_null(detail);
	assert_int_equal(mc_report_step_get(r, 9, &name, NULL), MC_STEP_NOT_RUN);
	assert_null(name);
	assert_int_equal(mc_report_subject_count(r), 2);
	assert_string_equal(mc_report_subject_get(r, 0, &file), "2");
	assert_string_equal(file, "m/2_b.up.sql");
	assert_string_equal(mc_report_subject_get(r, 1, &file), "3");
	assert_null(file);
	assert_null(mc_report_subject_get(r, 2, NULL));
	assert_string_equal(mc_step_status_name(MC_STEP_UNAVAILABLE), "unavailable");
	assert_string_equal(mc_step_status_name(MC_STEP_NOT_RUN), "not-run");
	/* sections sort in the order they first appear, not by name */
	mc_report_sort(r);
	assert_string_equal(mc_report_get(r, 0)->section, "roundtrip");
	assert_string_equal(mc_report_get(r, 1)->code, "model-without-migration");
	assert_string_equal(mc_report_get(r, 2)->code, "modified-deployed");
	mc_report_free(r);
}

static void report__gate_json_text(void **state MC_UNUSED)
{
	mc_report *r = gate_report();
	json_error_t jerr;
	json_t *root;
	char *s;

	s = render(r, MC_OUTPUT_JSON);
	root = json_loads(s, 0, &jerr);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "steps")), 3);
	assert_string_equal(json_string_value(json_object_get(
	        json_array_get(json_object_get(root, "steps"), 2), "status")), "skipped");
	assert_true(json_is_null(json_object_get(
	        json_array_get(json_object_get(root, "steps"), 0), "detail")));
	assert_string_equal(json_string_value(json_object_get(
	        json_array_get(json_object_get(root, "migrations"), 0), "file")), "m/2_b.up.sql");
	assert_true(json_is_null(json_object_get(
	        json_array_get(json_object_get(root, "migrations"), 1), "file")));
	json_decref(root);
	mc_free(s);
	s = render(r, MC_OUTPUT_TEXT);
	assert_non_null(strstr(s, "\nsteps: check failed, roundtrip failed, drift skipped (--skip)\ngate: 3 errors, 0 warnings\n"));
	mc_free(s);
	mc_report_free(r);
}

static void report__gate_markdown(void **state MC_UNUSED)
{
	mc_report *r = gate_report();
	char *s = render(r, MC_OUTPUT_MARKDOWN);

	assert_non_null(strstr(s,
	        "| Step | Result |\n|---|---|\n"
	        "| check | \xE2\x9D\x8C failed (2 errors, 0 warnings) |\n"
	        "| roundtrip | \xE2\x9D\x8C failed (1 error, 0 warnings) |\n"
	        "| drift | \xE2\x8F\xAD\xEF\xB8\x8F skipped: --skip |\n\n"
	        "| Migration | check | roundtrip | drift |\n|---|---|---|---|\n"
	        "| `2` `m/2_b.up.sql` | \xE2\x9C\x85 | \xE2\x9C\x85 | \xE2\x80\x94 |\n"
	        "| `3` | \xE2\x9C\x85 | \xE2\x9D\x8C `down-not-inverse` | \xE2\x80\x94 |\n"
	        "| `1` `m/1_a.up.sql` (not new) | \xE2\x9D\x8C `modified-deployed` | \xE2\x80\x94 | \xE2\x80\x94 |\n"
	        "| (no migration) | \xE2\x9D\x8C `model-without-migration` | \xE2\x80\x94 | \xE2\x80\x94 |\n\n"
	        "#### roundtrip\n\n"));
	/* no old-style findings table for a gate */
	assert_null(strstr(s, "| Step | Migration | Result |"));
	mc_free(s);
	mc_report_free(r);
}

static void report__gate_junit(void **state MC_UNUSED)
{
	mc_report *r = gate_report();
	char *s = render(r, MC_OUTPUT_JUNIT), *path;

	assert_non_null(strstr(s, "<testsuites name=\"migcheck gate\" tests=\"7\" failures=\"3\" errors=\"0\" skipped=\"1\">"));
	assert_non_null(strstr(s, "<testcase name=\"2: check\" classname=\"migcheck.check\" file=\"m/2_b.up.sql\"/>"));
	assert_non_null(strstr(s, "<testcase name=\"2: roundtrip\" classname=\"migcheck.roundtrip\" file=\"m/2_b.up.sql\"/>"));
	assert_null(strstr(s, "<testcase name=\"3: roundtrip\""));
	assert_non_null(strstr(s, "<testsuite name=\"drift\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
	                          "    <testcase name=\"drift\" classname=\"migcheck.drift\">\n"
	                          "      <skipped message=\"drift skipped: --skip\"/>\n"));
	path = write_temp(s, ".xml");
	assert_int_equal(run_validator(XSD, path), 0);
	unlink(path);
	mc_free(path);
	mc_free(s);
	mc_report_free(r);
}

static void report__markdown_escapes_hostile_strings(void **state MC_UNUSED)
{
	mc_report *r = sample_report(1);
	char *s = render(r, MC_OUTPUT_MARKDOWN);
	const char *p;

	if (getenv("MIGCHECK_DUMP"))
		fputs(s, stderr);
	assert_true(valid_utf8(s));
	assert_null(strstr(s, "\x01"));
	/* the message: one line, every markup character escaped */
	assert_non_null(strstr(s, ": say \"hi\" &lt;script&gt;alert\\('x'\\)&lt;/script&gt; &amp; a\\|b \\`tick\\` \\`\\`\\`  second line \xC3\xBCnic\xC3\xB6" "de \xF0\x9F\x90\x98 bad\xEF\xBF\xBD ctl  \\[x\\]\\(y\\) \\*b\\* @team\n"));
	/* code span: longer fence than any run inside, '|' escaped in tables */
	/* a name with a line break or a control character is quoted as git
	 * quotes paths, never shown as a look-alike with a space */
	assert_non_null(strstr(s, "(migration ````\"say \\\"hi\\\" <script>alert('x')</script> & a|b `tick` ``` \\nsecond line \xC3\xBCnic\xC3\xB6" "de \xF0\x9F\x90\x98 bad\\377 ctl\\001 [x](y) *b* @team\"````)"));
	assert_non_null(strstr(s, "| ````\"say \\\"hi\\\" <script>alert('x')</script> & a\\|b `tick` ``` \\nsecond line"));
	/* the detail block's fence is longer than the ``` inside it */
	assert_non_null(strstr(s, "\n  ````\n  say \"hi\" <script>"));
	/* every table row has exactly its four unescaped cell separators */
	for (p = strstr(s, "| Migration"); p && *p == '|'; p = strchr(p, '\n') + 1) {
		int bars = 0;
		for (const char *q = p; *q != '\n'; q++)
			if (*q == '|' && q[-1] != '\\')
				bars++;
		assert_int_equal(bars, 4);
	}
	mc_free(s);
	mc_report_free(r);
}

static void report__utf8_invalid_replaced(void **state MC_UNUSED)
{
	/* overlong, surrogate, truncated, above U+10FFFF */
	char *s = mc_utf8_dup("a\xC0\xAF" "b\xED\xA0\x80" "c\xE2\x82" "d\xF4\x90\x80\x80" "e\xE2\x82\xAC");
	assert_string_equal(s, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	                       "c\xEF\xBF\xBD\xEF\xBF\xBD" "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	                       "e\xE2\x82\xAC");
	mc_free(s);
}

/* Fail the 1st, 2nd, ... allocation: MC_ENOMEM and no leak, then success. */
static void report__render_out_of_memory(void **state MC_UNUSED)
{
	static const mc_output_format fmts[] = { MC_OUTPUT_JUNIT, MC_OUTPUT_MARKDOWN,
	                                         MC_OUTPUT_SARIF, MC_OUTPUT_TEXT };
	mc_report *r = sample_report(1);

	for (size_t k = 0; k < MC_ARRAY_SIZE(fmts); k++) {
		for (unsigned long n = 1;; n++) {
			mc_buf out = MC_BUF_INIT;
			int error;
			mc_alloc_fail_at(n);
			error = mc_report_render(&out, r, fmts[k], NULL);
			mc_alloc_fail_at(0);
			mc_buf_dispose(&out);
			if (error == 0)
				break;
			assert_int_equal(error, MC_ENOMEM);
			assert_true(n < 100000);
		}
	}
	mc_report_free(r);
}

/* Typed extras (value.c): what a command attaches, serialised by the report. */
static void report__extras_typed(void **state MC_UNUSED)
{
	mc_report *r;
	mc_report_value *o, *a, *m;
	char *s;

	assert_int_equal(mc_report_new(&r, "list"), 0);
	assert_int_equal(mc_report_set_extra_str(r, "mode", "full"), 0);
	assert_int_equal(mc_report_set_extra_str(r, "mode", "ups"), 0); /* replaced */
	assert_int_equal(mc_report_set_extra_str(r, "sql", "-- \"q\"\n\tx\xFF"), 0);
	o = mc_report_object_new();
	mc_report_object_set_str(o, "rev", "v1.0");
	mc_report_object_set_bool(o, "default", 1);
	assert_int_equal(mc_report_set_extra_value(r, "since", o), 0);
	a = mc_report_array_new();
	m = mc_report_object_new();
	mc_report_object_set_bytes(m, "file", "db/caf\xE9.sql");
	mc_report_object_set_str(m, "name", "caf\xE9");
	mc_report_object_set_str(m, "down", NULL);
	mc_report_object_set_int(m, "statements", 3);
	mc_report_object_set_null(m, "reason");
	{
		mc_report_value *flags = mc_report_array_new();
		mc_report_array_push_str(flags, "own-transaction");
		mc_report_object_set(m, "flags", flags);
	}
	mc_report_array_push(a, m);
	mc_report_array_push(a, mc_report_array_new());
	assert_int_equal(mc_report_set_extra_value(r, "migrations", a), 0);
	s = render(r, MC_OUTPUT_JSON);
	assert_non_null(strstr(s, "\"mode\": \"ups\""));
	assert_null(strstr(s, "\"full\""));
	assert_non_null(strstr(s, "\"sql\": \"-- \\\"q\\\"\\n\\tx\xEF\xBF\xBD\""));
	assert_non_null(strstr(s,
	        "  \"since\": {\n"
	        "    \"rev\": \"v1.0\",\n"
	        "    \"default\": true\n"
	        "  },\n"));
	assert_non_null(strstr(s,
	        "  \"migrations\": [\n"
	        "    {\n"
	        "      \"file\": \"db/caf?.sql\",\n"
	        "      \"name\": \"caf\xEF\xBF\xBD\",\n"
	        "      \"down\": null,\n"
	        "      \"statements\": 3,\n"
	        "      \"reason\": null,\n"
	        "      \"flags\": [\n"
	        "        \"own-transaction\"\n"
	        "      ]\n"
	        "    },\n"
	        "    []\n"
	        "  ]\n"));
	mc_free(s);
	mc_report_free(r);
}

static void report__value_write(void **state MC_UNUSED)
{
	mc_buf out = MC_BUF_INIT;
	mc_report_value *o = mc_report_object_new();

	mc_report_object_set_str(o, "command", "log");
	mc_report_object_set(o, "migrations", mc_report_array_new());
	mc_report_object_set_int(o, "commits_walked", 12);
	assert_int_equal(mc_report_value_write(&out, o), 0);
	assert_string_equal(mc_buf_cstr(&out),
	                    "{\n  \"command\": \"log\",\n  \"migrations\": [],\n"
	                    "  \"commits_walked\": 12\n}\n");
	mc_report_value_free(o);
	mc_buf_dispose(&out);
}

/* A failed allocation anywhere in a value is MC_ENOMEM where it is used. */
static void report__value_out_of_memory(void **state MC_UNUSED)
{
	mc_report *r;
	mc_buf out = MC_BUF_INIT;
	mc_report_value *o;

	assert_int_equal(mc_report_new(&r, "gate"), 0);
	/* a NULL child (its _new failed) fails the parent */
	o = mc_report_object_new();
	mc_report_object_set(o, "x", NULL);
	assert_int_equal(mc_report_value_write(&out, o), MC_ENOMEM);
	assert_int_equal(mc_report_set_extra_value(r, "x", o), MC_ENOMEM);
	assert_int_equal(mc_report_set_extra_value(r, "x", NULL), MC_ENOMEM);
	/* setters on NULL are no-ops */
	mc_report_object_set_str(NULL, "k", "v");
	mc_report_array_push(NULL, mc_report_object_new());
	for (unsigned long n = 1;; n++) {
		int rc;
		mc_alloc_fail_at(n);
		o = mc_report_object_new();
		mc_report_object_set_str(o, "rev", "v1");
		rc = mc_report_set_extra_value(r, "since", o);
		mc_alloc_fail_at(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, MC_ENOMEM);
	}
	mc_buf_dispose(&out);
	mc_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report__counts_and_override),
		cmocka_unit_test(report__mark_existing),
		cmocka_unit_test(report__text),
		cmocka_unit_test(report__json),
		cmocka_unit_test(report__github),
		cmocka_unit_test(report__junit_cases),
		cmocka_unit_test(report__junit_clean_is_one_passing_case),
		cmocka_unit_test(report__junit_suite_per_section),
		cmocka_unit_test(report__junit_escapes_hostile_strings),
		cmocka_unit_test(report__junit_valid_against_xsd),
		cmocka_unit_test(report__sarif_rules_and_results),
		cmocka_unit_test(report__sarif_escapes_hostile_strings),
		cmocka_unit_test(report__sarif_valid_against_schema),
		cmocka_unit_test(report__sarif_validator_rejects_bad_logs),
		cmocka_unit_test(report__markdown),
		cmocka_unit_test(report__markdown_clean_and_steps),
		cmocka_unit_test(report__markdown_escapes_hostile_strings),
		cmocka_unit_test(report__steps_and_subjects),
		cmocka_unit_test(report__extras_typed),
		cmocka_unit_test(report__value_write),
		cmocka_unit_test(report__value_out_of_memory),
		cmocka_unit_test(report__gate_json_text),
		cmocka_unit_test(report__gate_markdown),
		cmocka_unit_test(report__gate_junit),
		cmocka_unit_test(report__utf8_invalid_replaced),
		cmocka_unit_test(report__render_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
