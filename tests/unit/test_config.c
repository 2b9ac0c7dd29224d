/*
 * test_config.c: .migcheck parsing, validation messages with file:line,
 * the git config overlay, environment and option overrides.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/config.h"
#include "migcheck/errors.h"
#include "migcheck/repo.h"
#include "util/banned.h"

static char root[256];

/* Each test gets a fresh directory under root. */
struct fixture {
	char dir[300];
	char file[320];
};

static int setup(void **state)
{
	static int n;
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/t%d", root, ++n);
	snprintf(f->file, sizeof(f->file), "%s/.migcheck", f->dir);
	if (mkdir(f->dir, 0700) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	mc_error_clear();
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void append_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static mc_config *load_ok(struct fixture *f, const char *text)
{
	mc_config *c = NULL;
	write_file(f->file, text);
	if (mc_config_load_file(&c, f->file, ".migcheck") < 0)
		fail_msg("load failed: %s", mc_error_last()->message);
	return c;
}

/* Load text and expect exactly message (an MC_ERROR_CONFIG error). */
static void load_fails(struct fixture *f, const char *text, const char *message)
{
	mc_config *c = NULL;
	write_file(f->file, text);
	assert_int_equal(mc_config_load_file(&c, f->file, ".migcheck"),
	                 MC_ERROR);
	assert_null(c);
	assert_non_null(mc_error_last());
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(mc_error_last()->message, message);
}

static void config__defaults(void **state MC_UNUSED)
{
	mc_config *c = NULL;
	assert_int_equal(mc_config_new(&c), 0);
	assert_int_equal(c->format, MC_FORMAT_AUTO);
	assert_int_equal(c->dialect, MC_DIALECT_UNKNOWN);
	assert_int_equal(c->require_down, 1);
	assert_int_equal(c->dirs.len, 0);
	assert_null(c->table);
	assert_null(c->source);
	mc_config_free(c);
	mc_config_free(NULL);
}

static void config__every_key(void **state)
{
	mc_config *c = load_ok(
	        *state,
	        "# written by hand\n"
	        "[migrations]\n"
	        "\tdir = db/migrations\n"
	        "\tformat = goose\n"
	        "\tdialect = sqlite\n"
	        "\trequireDown = false\n"
	        "\ttable = goose_db_version\n"
	        "[deploy]\n"
	        "\tref = refs/remotes/origin/main\n"
	        "[models]\n"
	        "\tpath = src/models/**\n"
	        "\tpattern = ^(User|Post)\\\\.ts$\n"
	        "\tschema = db/schema.sql\n"
	        "\tcommand = node scripts/sync-models.js\n"
	        "[runner]\n"
	        "\tup = npx sequelize-cli db:migrate --to {file} --url {url}\n"
	        "\tdown = npx sequelize-cli db:migrate:undo --url {url}\n"
	        "[scratch]\n"
	        "\tpostgres = postgres://u:pw@localhost/postgres\n"
	        "[drift]\n"
	        "\tignore = public.audit_*\n"
	        "[severity]\n"
	        "\tmissing-down = warning\n");
	assert_int_equal(c->dirs.len, 1);
	assert_string_equal(c->dirs.items[0], "db/migrations");
	assert_int_equal(c->format, MC_FORMAT_GOOSE);
	assert_int_equal(c->dialect, MC_DIALECT_SQLITE);
	assert_int_equal(c->require_down, 0);
	assert_string_equal(c->table, "goose_db_version");
	assert_int_equal(c->deploy_refs.len, 1);
	assert_string_equal(c->deploy_refs.items[0],
	                    "refs/remotes/origin/main");
	assert_int_equal(c->model_paths.len, 1);
	assert_string_equal(c->model_paths.items[0], "src/models/**");
	assert_string_equal(c->models_pattern, "^(User|Post)\\.ts$");
	assert_string_equal(c->models_schema, "db/schema.sql");
	assert_string_equal(c->models_command, "node scripts/sync-models.js");
	assert_string_equal(
	        c->runner_up,
	        "npx sequelize-cli db:migrate --to {file} --url {url}");
	assert_string_equal(c->runner_down,
	                    "npx sequelize-cli db:migrate:undo --url {url}");
	assert_string_equal(c->scratch_postgres,
	                    "postgres://u:pw@localhost/postgres");
	assert_int_equal(c->drift_ignore.len, 1);
	assert_string_equal(c->drift_ignore.items[0], "public.audit_*");
	assert_int_equal(mc_config_severity(c, "missing-down"), MC_SEV_WARNING);
	assert_int_equal(mc_config_severity(c, "modified-deployed"),
	                 MC_SEV_ERROR);
	assert_string_equal(c->source, ".migcheck");
	mc_config_free(c);
}

static void config__every_format_name(void **state)
{
	static const struct {
		const char *name;
		mc_format f;
	} t[] = {
		{ "auto", MC_FORMAT_AUTO },
		{ "golang-migrate", MC_FORMAT_GOLANG_MIGRATE },
		{ "dbmate", MC_FORMAT_DBMATE },
		{ "goose", MC_FORMAT_GOOSE },
		{ "sql-migrate", MC_FORMAT_SQL_MIGRATE },
		{ "flyway", MC_FORMAT_FLYWAY },
		{ "popx", MC_FORMAT_POPX },
		{ "plain", MC_FORMAT_PLAIN },
		{ "sequelize", MC_FORMAT_SEQUELIZE },
	};
	char text[128];
	for (size_t i = 0; i < MC_ARRAY_SIZE(t); i++) {
		mc_config *c;
		snprintf(text, sizeof(text), "[migrations]\nformat = %s\n",
		         t[i].name);
		c = load_ok(*state, text);
		assert_int_equal(c->format, t[i].f);
		mc_config_free(c);
	}
}

static void config__multi_values(void **state)
{
	mc_config *c = load_ok(
	        *state,
	        "[migrations]\n"
	        "\tdir = ./db/migrations/\n"
	        "\tdir = db/seeds\n"
	        "\tdir = db/migrations\n" /* duplicate after normalising */
	        "[deploy]\n"
	        "\tref = refs/remotes/origin/main\n"
	        "\tref = refs/tags/v*\n"
	        "[models]\n"
	        "\tpath = models/**\n"
	        "\tpath = **/*-models.ts\n"
	        "[drift]\n"
	        "\tignore = a\n"
	        "\tignore = b\n"
	        "[migrations]\n" /* a second block of the same section */
	        "\tdir = sql\n");
	assert_int_equal(c->dirs.len, 3);
	assert_string_equal(c->dirs.items[0], "db/migrations");
	assert_string_equal(c->dirs.items[1], "db/seeds");
	assert_string_equal(c->dirs.items[2], "sql");
	assert_int_equal(c->deploy_refs.len, 2);
	assert_string_equal(c->deploy_refs.items[1], "refs/tags/v*");
	assert_int_equal(c->model_paths.len, 2);
	assert_string_equal(c->model_paths.items[1], "**/*-models.ts");
	assert_int_equal(c->drift_ignore.len, 2);
	mc_config_free(c);
}

static void config__bool_forms(void **state)
{
	static const struct {
		const char *text;
		int want;
	} t[] = {
		{ "[migrations]\nrequireDown\n", 1 },
		{ "[migrations]\nrequireDown = yes\n", 1 },
		{ "[migrations]\nrequireDown = ON\n", 1 },
		{ "[migrations]\nrequireDown = 1\n", 1 },
		{ "[migrations]\nrequiredown = no\n", 0 },
		{ "[migrations]\nREQUIREDOWN = off\n", 0 },
		{ "[migrations]\nrequireDown = 0\n", 0 },
		{ "[migrations]\nrequireDown =\n", 0 },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(t); i++) {
		mc_config *c = load_ok(*state, t[i].text);
		assert_int_equal(c->require_down, t[i].want);
		mc_config_free(c);
	}
}

static void config__unknown_key_has_line(void **state)
{
	load_fails(*state,
	           "[migrations]\n"
	           "\tdir = db/migrations\n"
	           "\t# dirr = commented out\n"
	           "\tdirr = db/other\n",
	           ".migcheck:4: unknown key 'migrations.dirr'");
}

static void config__line_skips_comments_continuations_and_case(void **state)
{
	load_fails(*state,
	           "; leading comment mentioning [deploy] refs = x\n"
	           "[Migrations]   # a comment\n"
	           "\tdir = \"db/migrations\" ; trailing comment\n"
	           "\tformat = au\\\n"
	           "to\n"
	           "[DEPLOY] REF = refs/heads/main\n"
	           "\tRefs = refs/heads/release\n",
	           ".migcheck:7: unknown key 'deploy.refs'");
}

static void config__unknown_section(void **state)
{
	load_fails(*state, "[migration]\n\tdir = db\n",
	           ".migcheck:2: unknown key 'migration.dir'");
}

static void config__unknown_subsection(void **state)
{
	load_fails(
	        *state,
	        "[migrations]\n\tdir = a\n[migrations \"Extra\"]\n\tdir = b\n",
	        ".migcheck:4: unknown key 'migrations.Extra.dir'");
	load_fails(*state, "[migrations.extra]\n\n\tdir = b\n",
	           ".migcheck:3: unknown key 'migrations.extra.dir'");
}

static void config__key_outside_section(void **state)
{
	load_fails(*state, "# no header\ndir = db\n",
	           ".migcheck:2: unknown key 'dir'");
}

static void config__bad_values(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} t[] = {
		{ "[migrations]\n\tdir = /abs/db\n",
		  ".migcheck:2: bad value '/abs/db' for 'migrations.dir': expected a path relative to the repository root" },
		{ "[migrations]\n\tdir = db/../../etc\n",
		  ".migcheck:2: bad value 'db/../../etc' for 'migrations.dir': expected a path relative to the repository root" },
		{ "[migrations]\n\tdir\n",
		  ".migcheck:2: missing value for 'migrations.dir'" },
		{ "[migrations]\n\tdir =\n",
		  ".migcheck:2: empty value for 'migrations.dir'" },
		{ "[migrations]\n\tformat = liquibase\n",
		  ".migcheck:2: bad value 'liquibase' for 'migrations.format': expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize" },
		{ "[migrations]\n\tdialect = mysql\n",
		  ".migcheck:2: bad value 'mysql' for 'migrations.dialect': expected postgres or sqlite" },
		{ "[migrations]\n\trequireDown = maybe\n",
		  ".migcheck:2: bad value 'maybe' for 'migrations.requireDown': expected true or false" },
		{ "[migrations]\n\ttable = drop table x\n",
		  ".migcheck:2: bad value 'drop table x' for 'migrations.table': expected a table name such as 'schema_migrations' or 'public.schema_migrations'" },
		{ "[deploy]\n\tref = main\n",
		  ".migcheck:2: bad value 'main' for 'deploy.ref': expected a full ref name or glob such as 'refs/remotes/origin/main' or 'refs/tags/v*'" },
		{ "[deploy]\n\tref = refs/heads/a..b\n",
		  ".migcheck:2: bad value 'refs/heads/a..b' for 'deploy.ref': expected a full ref name or glob such as 'refs/remotes/origin/main' or 'refs/tags/v*'" },
		{ "[models]\n\tpath = /src/models\n",
		  ".migcheck:2: bad value '/src/models' for 'models.path': expected a glob relative to the repository root" },
		{ "[models]\n\tpattern = (unclosed\n",
		  ".migcheck:2: bad value '(unclosed' for 'models.pattern': unmatched ( or \\(" },
		{ "[models]\n\tschema = /db/schema.sql\n",
		  ".migcheck:2: bad value '/db/schema.sql' for 'models.schema': expected a path relative to the repository root" },
		{ "[models]\n\tcommand =\n",
		  ".migcheck:2: empty value for 'models.command'" },
		{ "[runner]\n\tup\n",
		  ".migcheck:2: missing value for 'runner.up'" },
		{ "[runner]\n\tdown = \"\"\n",
		  ".migcheck:2: empty value for 'runner.down'" },
		{ "[runner]\n\tup = sh -c 'echo {file}\n",
		  ".migcheck:2: bad value 'sh -c 'echo {file}' for 'runner.up': unterminated quote" },
		{ "[runner]\n\tdown = \"   \"\n",
		  ".migcheck:2: bad value '   ' for 'runner.down': no command" },
		{ "[runner]\n\tup = ./run --to {fiel}\n",
		  ".migcheck:2: bad value './run --to {fiel}' for 'runner.up': unknown placeholder '{fiel}': use {file}, {name}, {version}, {url} or {path}" },
		{ "[models]\n\tcommand = node \"x.js\n",
		  ".migcheck:2: missing closing quote" },
		{ "[drift]\n\tignore =\n",
		  ".migcheck:2: empty value for 'drift.ignore'" },
		{ "[severity]\n\tmissing-down = fatal\n",
		  ".migcheck:2: bad value 'fatal' for 'severity.missing-down': expected error, warning or off" },
		{ "[severity]\n\tmodifed-deployed = error\n",
		  ".migcheck:2: unknown finding code 'modifed-deployed' in 'severity.modifed-deployed'" },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(t); i++)
		load_fails(*state, t[i].text, t[i].message);
}

static void config__bad_value_line_is_the_right_occurrence(void **state)
{
	load_fails(
	        *state,
	        "[migrations]\n\tdir = a\n\tdir = b\n[deploy]\n\tref = refs/heads/main\n"
	        "[migrations]\n\tdir = /c\n",
	        ".migcheck:7: bad value '/c' for 'migrations.dir': expected a path relative to the repository root");
}

static void config__control_characters_are_not_echoed(void **state)
{
	load_fails(
	        *state, "[migrations]\n\tdialect = \"my\\tsql\"\n",
	        ".migcheck:2: bad value 'my?sql' for 'migrations.dialect': expected postgres or sqlite");
}

static void config__scratch_password_never_printed(void **state)
{
	load_fails(
	        *state, "[scratch]\n\tpostgres = mysql://admin:hunter2@db/x\n",
	        ".migcheck:2: bad value for 'scratch.postgres': expected a postgres:// URL or a libpq conninfo such as 'host=/tmp dbname=postgres'");
	assert_null(strstr(mc_error_last()->message, "hunter2"));
}

static void config__scratch_conninfo(void **state)
{
	mc_config *c = load_ok(
	        *state, "[scratch]\n\tpostgres = host=/tmp dbname=postgres\n");
	assert_string_equal(c->scratch_postgres, "host=/tmp dbname=postgres");
	mc_config_free(c);
}

static void config__syntax_error_has_line(void **state)
{
	load_fails(
	        *state,
	        "[migrations]\n\tdir = db\n[deploy\n\tref = refs/heads/main\n",
	        ".migcheck:3: missing ']' in section header");
}

static void config__bom_and_crlf(void **state)
{
	mc_config *c;
	load_fails(*state, "\xef\xbb\xbf[migrations]\n\tdirr = a\n",
	           ".migcheck:2: unknown key 'migrations.dirr'");
	load_fails(*state, "[migrations]\r\n\tdir = a\r\n\r\n\tdirr = b\r\n",
	           ".migcheck:4: unknown key 'migrations.dirr'");
	c = load_ok(*state,
	            "\xef\xbb\xbf[migrations]\r\n\tdir = db/migrations\r\n");
	assert_string_equal(c->dirs.items[0], "db/migrations");
	mc_config_free(c);
}

static void config__open_quote_is_a_syntax_error(void **state)
{
	load_fails(*state,
	           "[migrations]\n# a \"quote in a comment\n\tdir = \"db\n",
	           ".migcheck:3: missing closing quote");
	/* a quoted value may span lines with a trailing backslash */
	mc_config *c = load_ok(*state, "[runner]\n\tup = \"a \\\n b\"\n");
	assert_string_equal(c->runner_up, "a  b");
	mc_config_free(c);
}

static void config__includes_are_unknown(void **state)
{
	load_fails(*state, "[include]\n\tpath = other\n",
	           ".migcheck:2: unknown key 'include.path'");
}

static void config__missing_file_and_directory(void **state)
{
	struct fixture *f = *state;
	mc_config *c = NULL;
	assert_int_equal(mc_config_load_file(&c, f->file, ".migcheck"),
	                 MC_ENOTFOUND);
	assert_null(c);
	assert_int_equal(mkdir(f->file, 0700), 0);
	assert_int_equal(mc_config_load_file(&c, f->file, ".migcheck"),
	                 MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "cannot read '.migcheck': it is a directory");
	rmdir(f->file);
}

static void config__too_large(void **state)
{
	struct fixture *f = *state;
	mc_config *c = NULL;
	FILE *fp = fopen(f->file, "w");
	assert_non_null(fp);
	fputs("[migrations]\n", fp);
	for (int i = 0; i < 100000; i++)
		fputs("\t# padding\n", fp);
	fclose(fp);
	assert_int_equal(mc_config_load_file(&c, f->file, ".migcheck"),
	                 MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(mc_error_last()->message,
	                    "'.migcheck' is too large (limit 1048576 bytes)");
}

static void config__empty_file(void **state)
{
	mc_config *c = load_ok(*state, "");
	assert_int_equal(c->dirs.len, 0);
	assert_int_equal(c->require_down, 1);
	mc_config_free(c);
}

static void config__severity_overrides(void **state)
{
	mc_config *c = load_ok(
	        *state, "[severity]\n"
	                "\tmissing-down = off\n"
	                "\tout-of-order = warning\n"
	                "\tMissing-Down = error\n" /* later wins; keys are
	                                              case-insensitive */
	                "\tunknown-file = error\n");
	mc_report *r = NULL;
	assert_int_equal(c->severities.len, 3);
	assert_int_equal(mc_config_severity(c, "missing-down"), MC_SEV_ERROR);
	assert_int_equal(mc_config_severity(c, "out-of-order"), MC_SEV_WARNING);
	assert_int_equal(mc_config_severity(c, "unknown-file"), MC_SEV_ERROR);

	assert_int_equal(mc_report_new(&r, "check"), 0);
	assert_int_equal(mc_config_apply_severities(c, r), 0);
	assert_int_equal(mc_report_add(r, NULL, "out-of-order", "db/1.sql", 1,
	                               "1", NULL, "late"),
	                 0);
	assert_int_equal(mc_report_add(r, NULL, "unknown-file", "db/x.txt", 0,
	                               NULL, NULL, "stray"),
	                 0);
	assert_int_equal(mc_report_errors(r), 1);
	assert_int_equal(mc_report_warnings(r), 1);
	mc_report_free(r);
	mc_config_free(c);
}

static void config__severity_off_drops_findings(void **state)
{
	mc_config *c = load_ok(*state, "[severity]\n\tunknown-file = off\n");
	mc_report *r = NULL;
	assert_int_equal(mc_report_new(&r, "check"), 0);
	assert_int_equal(mc_config_apply_severities(c, r), 0);
	assert_int_equal(mc_report_add(r, NULL, "unknown-file", "db/x.txt", 0,
	                               NULL, NULL, "stray"),
	                 0);
	assert_int_equal(mc_report_count(r), 0);
	mc_report_free(r);
	mc_config_free(c);
}

static void config__set_and_add(void **state)
{
	mc_config *c = load_ok(*state, "[migrations]\n\tdir = a\n\tdir = b\n");
	assert_int_equal(mc_config_set(c, "migrations.dir", "c/"), 0);
	assert_int_equal(c->dirs.len, 1);
	assert_string_equal(c->dirs.items[0], "c");
	assert_int_equal(mc_config_add(c, "Migrations.Dir", "d"), 0);
	assert_int_equal(c->dirs.len, 2);
	assert_int_equal(mc_config_set(c, "migrations.dialect", "postgresql"),
	                 0);
	assert_int_equal(c->dialect, MC_DIALECT_POSTGRES);
	assert_int_equal(mc_config_set(c, "migrations.format", "dbmate"), 0);
	assert_int_equal(c->format, MC_FORMAT_DBMATE);
	assert_int_equal(mc_config_set(c, "severity.missing-down", "off"), 0);
	assert_int_equal(mc_config_severity(c, "missing-down"), MC_SEV_OFF);

	assert_int_equal(mc_config_set(c, "migrations.dialect", "oracle"),
	                 MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(
	        mc_error_last()->message,
	        "bad value 'oracle' for 'migrations.dialect': expected postgres or sqlite");
	assert_int_equal(c->dialect, MC_DIALECT_POSTGRES);
	assert_int_equal(mc_config_set(c, "migrations.dirs", "x"), MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "unknown key 'migrations.dirs'");
	assert_int_equal(mc_config_set(c, "scratch.postgres", "mysql://u:pw@h"),
	                 MC_ERROR);
	assert_null(strstr(mc_error_last()->message, "pw"));
	/* a SQLite URL with a query is not a conninfo (src/db/url.c says) */
	assert_int_equal(mc_config_set(c, "scratch.postgres", "sqlite:///x.db?mode=ro"),
	                 MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        "bad value for 'scratch.postgres': expected a postgres:// URL or a libpq conninfo such as 'host=/tmp dbname=postgres'");
	assert_int_equal(mc_config_set(c, "scratch.postgres", "POSTGRESQL://h/postgres"), 0);
	assert_int_equal(mc_config_key_known("deploy.ref"), 1);
	assert_int_equal(mc_config_key_known("severity.malformed"), 1);
	assert_int_equal(mc_config_key_known("deploy.refs"), 0);
	mc_config_free(c);
}

/* A repository with .migcheck and a .git/config carrying migcheck keys. */
static mc_repo *
make_repo(struct fixture *f, const char *migcheck, const char *gitconfig)
{
	mc_repo *repo = NULL;
	char path[400];

	assert_int_equal(mc_repo_init(&repo, f->dir, 0), 0);
	if (migcheck)
		write_file(f->file, migcheck);
	if (gitconfig) {
		/* reopen so libgit2 sees the edited config */
		mc_repo_free(repo);
		snprintf(path, sizeof(path), "%s/.git/config", f->dir);
		append_file(path, gitconfig);
		assert_int_equal(mc_repo_open(&repo, f->dir), 0);
	}
	return repo;
}

static void config__repo_without_file(void **state)
{
	mc_repo *repo = make_repo(*state, NULL, NULL);
	mc_config *c = NULL;
	assert_int_equal(mc_config_load(&c, repo), 0);
	assert_int_equal(c->dirs.len, 0);
	assert_null(c->source);
	mc_config_free(c);
	mc_repo_free(repo);
}

static void config__git_overlay_subsection(void **state)
{
	mc_repo *repo = make_repo(
	        *state,
	        "[migrations]\n\tdir = a\n\tdir = b\n\tdialect = postgres\n"
	        "[deploy]\n\tref = refs/remotes/origin/main\n",
	        "[migcheck \"migrations\"]\n\tdir = from-git\n\tdialect = sqlite\n"
	        "[migcheck \"Severity\"]\n\tmissing-down = warning\n");
	mc_config *c = NULL;
	assert_int_equal(mc_config_load(&c, repo), 0);
	assert_int_equal(c->dirs.len, 1);
	assert_string_equal(c->dirs.items[0], "from-git");
	assert_int_equal(c->dialect, MC_DIALECT_SQLITE);
	assert_int_equal(c->deploy_refs.len, 1);
	assert_int_equal(mc_config_severity(c, "missing-down"), MC_SEV_WARNING);
	assert_string_equal(c->source, ".migcheck");
	mc_config_free(c);
	mc_repo_free(repo);
}

static void config__git_overlay_errors_name_git_config(void **state)
{
	mc_repo *repo = make_repo(
	        *state, "[migrations]\n\tdir = a\n",
	        "[migcheck \"migrations\"]\n\tdir = ok\n\tdirr = typo\n");
	mc_config *c = NULL;
	assert_int_equal(mc_config_load(&c, repo), MC_ERROR);
	assert_null(c);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	/* git init writes 5 core lines; the section header is line 6 */
	assert_string_equal(
	        mc_error_last()->message,
	        ".git/config:8: unknown key 'migcheck.migrations.dirr'");
	mc_repo_free(repo);
}

static void config__git_overlay_bad_value(void **state)
{
	mc_repo *repo =
	        make_repo(*state, NULL, "[migcheck]\n\tdir = sectionless\n");
	mc_config *c = NULL;
	assert_int_equal(mc_config_load(&c, repo), MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    ".git/config:7: unknown key 'migcheck.dir'");
	mc_repo_free(repo);
}

static void config__file_error_in_repo(void **state)
{
	mc_repo *repo =
	        make_repo(*state, "[migrations]\n\tformat = ruby\n", NULL);
	mc_config *c = NULL;
	assert_int_equal(mc_config_load(&c, repo), MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        ".migcheck:2: bad value 'ruby' for 'migrations.format': expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize");
	mc_repo_free(repo);
}

static void config__env_scratch_url(void **state)
{
	mc_repo *repo = make_repo(
	        *state, "[scratch]\n\tpostgres = postgres://file/db\n", NULL);
	mc_config *c = NULL;
	setenv("MIGCHECK_SCRATCH_URL", "postgres://env/db", 1);
	assert_int_equal(mc_config_load(&c, repo), 0);
	assert_string_equal(c->scratch_postgres, "postgres://env/db");
	mc_config_free(c);
	setenv("MIGCHECK_SCRATCH_URL", "mysql://u:secret@h", 1);
	assert_int_equal(mc_config_load(&c, repo), MC_ERROR);
	assert_null(strstr(mc_error_last()->message, "secret"));
	unsetenv("MIGCHECK_SCRATCH_URL");
	mc_repo_free(repo);
}

static void config__oom_never_leaks(void **state)
{
	struct fixture *f = *state;
	mc_config *c = NULL;
	int rc = MC_ENOMEM;

	write_file(f->file, "[migrations]\n\tdir = a\n\tdir = b\n\ttable = t\n"
	                    "[severity]\n\tmissing-down = off\n"
	                    "[deploy]\n\tref = refs/tags/v*\n");
	for (unsigned long n = 1; n < 500 && rc == MC_ENOMEM; n++) {
		mc_alloc_fail_at(n);
		rc = mc_config_load_file(&c, f->file, ".migcheck");
		mc_alloc_fail_at(0);
		if (rc == MC_ENOMEM)
			assert_null(c);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(c->dirs.len, 2);
	mc_config_free(c);
}

/* [migrations "<dir>"]: a folder's own settings over the top-level ones. */
static void config__folder_settings(void **state)
{
	mc_config *c = load_ok(
	        *state,
	        "[migrations]\n"
	        "\tdir = backend/pg\n\tdir = backend/sqlite\n"
	        "\tdialect = sqlite\n\trequireDown = false\n"
	        "[migrations \"./backend/pg/\"]\n"
	        "\tdialect = postgres\n\tformat = goose\n\trequireDown\n"
	        "\ttable = public.goose_db_version\n"
	        "\trunnerUp = node up.js {file}\n"
	        "\tskip = 0001_init.sql applied by hand in 2023\n"
	        "\tskip = 0002 \t  superseded by 0003  \n"
	        "\tirreversible = 0004_drop.sql the data is gone\n"
	        "[runner]\n\tdown = node down.js {file}\n");
	mc_dir_settings s;
	mc_discover_opts o;
	const mc_declaration *d;

	assert_int_equal(c->folders.len, 1);
	mc_config_dir_settings(&s, c, "backend/pg");
	assert_int_equal(s.dialect, MC_DIALECT_POSTGRES);
	assert_int_equal(s.format, MC_FORMAT_GOOSE);
	assert_int_equal(s.require_down, 1);
	assert_string_equal(s.table, "public.goose_db_version");
	assert_string_equal(s.runner_up, "node up.js {file}");
	assert_string_equal(s.runner_down, "node down.js {file}");
	assert_int_equal(s.skip->len, 2);
	d = s.skip->items[0];
	assert_string_equal(d->target, "0001_init.sql");
	assert_string_equal(d->reason, "applied by hand in 2023");
	d = s.skip->items[1];
	assert_string_equal(d->target, "0002");
	assert_string_equal(d->reason, "superseded by 0003");
	assert_int_equal(s.irreversible->len, 1);
	/* the other folder has the defaults */
	mc_config_dir_settings(&s, c, "backend/sqlite");
	assert_int_equal(s.dialect, MC_DIALECT_SQLITE);
	assert_int_equal(s.format, MC_FORMAT_AUTO);
	assert_int_equal(s.require_down, 0);
	assert_null(s.table);
	assert_null(s.runner_up);
	assert_int_equal(s.skip->len, 0);
	mc_config_discover_opts(&o, c, "backend/pg");
	assert_int_equal(o.dialect, MC_DIALECT_POSTGRES);
	assert_int_equal(o.have_runner, 1);
	mc_config_discover_opts(&o, c, "backend/sqlite");
	assert_int_equal(o.have_runner, 0);
	mc_config_free(c);
}

static void config__folder_settings_bad(void **state)
{
	load_fails(*state, "[migrations \"db\"]\n\tdialect = mysql\n",
	           ".migcheck:2: bad value 'mysql' for 'migrations.db.dialect': expected postgres or sqlite");
	load_fails(*state, "[migrations \"db\"]\n\tskip = 0001_init.sql\n",
	           ".migcheck:2: bad value '0001_init.sql' for 'migrations.db.skip': expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'");
	load_fails(*state, "[migrations \"db\"]\n\tirreversible = db/0001.sql gone\n",
	           ".migcheck:2: bad value 'db/0001.sql gone' for 'migrations.db.irreversible': expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'");
	load_fails(*state, "[migrations \"../db\"]\n\tdialect = postgres\n",
	           ".migcheck:2: bad folder '../db' in [migrations \"<dir>\"]: expected a path relative to the repository root");
	load_fails(*state, "[migrations \"db\"]\n\ttable = 1x\n",
	           ".migcheck:2: bad value '1x' for 'migrations.db.table': expected a table name such as 'schema_migrations' or 'public.schema_migrations'");
	load_fails(*state, "[migrations \"db\"]\n\trunnerUp = node {nope}\n",
	           ".migcheck:2: bad value 'node {nope}' for 'migrations.db.runnerUp': unknown placeholder '{nope}': use {file}, {name}, {version}, {url} or {path}");
	load_fails(*state, "[migrations \"db\"]\n\tdialect\n",
	           ".migcheck:2: missing value for 'migrations.db.dialect'");
	load_fails(*state, "[migrations \"db\"]\n\n\tdir = x\n",
	           ".migcheck:3: unknown key 'migrations.db.dir'");
}

/*
 * The key table: one good and one bad value for every key, by its name in
 * the table ("<dir>" a folder, "<code>" a finding code), with the exact
 * message mc_config_set gives. A key added to the table without a line
 * here fails table__every_key_validates.
 */
static const struct {
	const char *key;
	const char *good;
	const char *bad;
	const char *message;
} table_cases[] = {
	{ "migrations.dir", "./db/sql/", "/db",
	  "bad value '/db' for 'migrations.dir': expected a path relative to the repository root" },
	{ "migrations.format", "flyway", "liquibase",
	  "bad value 'liquibase' for 'migrations.format': expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize" },
	{ "migrations.dialect", "auto", "mysql",
	  "bad value 'mysql' for 'migrations.dialect': expected postgres or sqlite" },
	{ "migrations.requireDown", "off", "perhaps",
	  "bad value 'perhaps' for 'migrations.requireDown': expected true or false" },
	{ "migrations.table", "public.schema_migrations", "a.b.c",
	  "bad value 'a.b.c' for 'migrations.table': expected a table name such as 'schema_migrations' or 'public.schema_migrations'" },
	{ "migrations.<dir>.format", "goose", "rails",
	  "bad value 'rails' for 'migrations.db/pg.format': expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize" },
	{ "migrations.<dir>.dialect", "postgres", "oracle",
	  "bad value 'oracle' for 'migrations.db/pg.dialect': expected postgres or sqlite" },
	{ "migrations.<dir>.requireDown", "yes", "2",
	  "bad value '2' for 'migrations.db/pg.requireDown': expected true or false" },
	{ "migrations.<dir>.table", "goose_db_version", "9lives",
	  "bad value '9lives' for 'migrations.db/pg.table': expected a table name such as 'schema_migrations' or 'public.schema_migrations'" },
	{ "migrations.<dir>.runnerUp", "./up {file} {url}", "./up 'x",
	  "bad value './up 'x' for 'migrations.db/pg.runnerUp': unterminated quote" },
	{ "migrations.<dir>.runnerDown", "./down {name}", "./down {nom}",
	  "bad value './down {nom}' for 'migrations.db/pg.runnerDown': unknown placeholder '{nom}': use {file}, {name}, {version}, {url} or {path}" },
	{ "migrations.<dir>.runnerTool", "sequelize", "knex",
	  "bad value 'knex' for 'migrations.db/pg.runnerTool': expected sequelize (migcheck's own Sequelize runner) or command (runner.up and runner.down)" },
	{ "migrations.<dir>.runnerEnv", "DB={path}", "1DB=x",
	  "bad value '1DB=x' for 'migrations.db/pg.runnerEnv': expected NAME=VALUE with a variable name of letters, digits and '_'" },
	{ "migrations.<dir>.skip", "0042_x.up.sql ran by hand", "0042_x.up.sql",
	  "bad value '0042_x.up.sql' for 'migrations.db/pg.skip': expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'" },
	{ "migrations.<dir>.irreversible", "42 data is gone", "a/42 gone",
	  "bad value 'a/42 gone' for 'migrations.db/pg.irreversible': expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'" },
	{ "deploy.ref", "refs/tags/v*", "origin/main",
	  "bad value 'origin/main' for 'deploy.ref': expected a full ref name or glob such as 'refs/remotes/origin/main' or 'refs/tags/v*'" },
	{ "models.path", "src/**/*.model.ts", "/src",
	  "bad value '/src' for 'models.path': expected a glob relative to the repository root" },
	{ "models.schema", "db/schema.sql", "../schema.sql",
	  "bad value '../schema.sql' for 'models.schema': expected a path relative to the repository root" },
	{ "models.command", "node sync.js", "node \"sync.js",
	  "bad value 'node \"sync.js' for 'models.command': unterminated quote" },
	{ "models.pattern", "@Column|@Entity", "a{1",
	  "bad value 'a{1' for 'models.pattern': unmatched \\{" },
	{ "runner.tool", "command", "npx",
	  "bad value 'npx' for 'runner.tool': expected sequelize (migcheck's own Sequelize runner) or command (runner.up and runner.down)" },
	{ "runner.env", "SQLITE_FILE={path}", "=x",
	  "bad value '=x' for 'runner.env': expected NAME=VALUE with a variable name of letters, digits and '_'" },
	{ "runner.up", "./run {version}", "./run \\",
	  "bad value './run \\' for 'runner.up': trailing backslash" },
	{ "runner.down", "./undo {file}", " ",
	  "bad value ' ' for 'runner.down': no command" },
	{ "scratch.postgres", "host=/tmp dbname=postgres", "mysql://x",
	  "bad value for 'scratch.postgres': expected a postgres:// URL or a libpq conninfo such as 'host=/tmp dbname=postgres'" },
	{ "drift.ignore", "table:public.spatial_ref_sys", "",
	  "empty value for 'drift.ignore'" },
	{ "severity.<code>", "warning", "fatal",
	  "bad value 'fatal' for 'severity.missing-down': expected error, warning or off" },
};

/* A table name made concrete: "<dir>" is db/pg, "<code>" missing-down. */
static void concrete_key(char *out, size_t size, const char *name)
{
	const char *dir = strstr(name, "<dir>"), *code = strstr(name, "<code>");

	if (dir)
		snprintf(out, size, "%.*sdb/pg%s", (int)(dir - name), name,
		         dir + 5);
	else if (code)
		snprintf(out, size, "%.*smissing-down", (int)(code - name),
		         name);
	else
		snprintf(out, size, "%s", name);
}

static void table__every_key_is_found(void **state MC_UNUSED)
{
	const mc_config_key *k;
	char name[128], upper[128];
	size_t n = 0;

	for (size_t i = 0; (k = mc_config_key_at(i)) != NULL; i++, n++) {
		concrete_key(name, sizeof(name), k->name);
		assert_ptr_equal(mc_config_key_find(name), k);
		/* keys are case-insensitive; a folder keeps its case */
		for (size_t j = 0; j <= strlen(name); j++)
			upper[j] = (char)(strstr(name, "db/pg") &&
			                          j >= (size_t)(strstr(name, "db/pg") - name) &&
			                          j < (size_t)(strstr(name, "db/pg") - name) + 5
			                  ? name[j]
			                  : toupper((unsigned char)name[j]));
		assert_ptr_equal(mc_config_key_find(upper), k);
		assert_true(mc_config_key_known(name));
		assert_non_null(k->doc);
		assert_true(strlen(k->doc) > 10 && !strchr(k->doc, '\n'));
		assert_string_not_equal(mc_config_kind_name(k->kind), "?");
		if (k->values)
			assert_non_null(strstr(k->values, " | "));
	}
	assert_true(n >= 25);
	assert_null(mc_config_key_at(n));
	assert_true(mc_config_key_find("migrations.dir")->multi);
	assert_false(mc_config_key_find("migrations.dialect")->multi);
	assert_int_equal(mc_config_key_find("migrations.requireDown")->kind,
	                 MC_CONFIG_BOOL);
	assert_int_equal(mc_config_key_find("runner.up")->kind,
	                 MC_CONFIG_TEMPLATE);
	assert_int_equal(mc_config_key_find("migrations.a.b.skip")->kind,
	                 MC_CONFIG_DECLARATION);
}

static void table__unknown_keys(void **state MC_UNUSED)
{
	static const char *const unknown[] = {
		"migrations.dirr", "migrations.db.dir", "migrations..dialect",
		"severity.",       "severity.a.b",      "migrations",
		"dialect",         "deploy.refs",       "runner.<dir>.up",
		"migrations.<dir>",
	};
	mc_config *c = NULL;
	char want[128];

	assert_null(mc_config_key_find(NULL));
	assert_int_equal(mc_config_new(&c), 0);
	for (size_t i = 0; i < MC_ARRAY_SIZE(unknown); i++) {
		assert_null(mc_config_key_find(unknown[i]));
		assert_false(mc_config_key_known(unknown[i]));
		assert_int_equal(mc_config_set(c, unknown[i], "x"), MC_ERROR);
		snprintf(want, sizeof(want), "unknown key '%s'", unknown[i]);
		assert_string_equal(mc_error_last()->message, want);
		assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	}
	mc_config_free(c);
}

static void table__every_key_validates(void **state MC_UNUSED)
{
	const mc_config_key *k;
	char name[128];

	for (size_t i = 0; (k = mc_config_key_at(i)) != NULL; i++) {
		size_t t;
		mc_config *c = NULL;

		for (t = 0; t < MC_ARRAY_SIZE(table_cases); t++)
			if (!strcmp(table_cases[t].key, k->name))
				break;
		if (t == MC_ARRAY_SIZE(table_cases))
			fail_msg("no test values for key '%s'", k->name);
		concrete_key(name, sizeof(name), k->name);
		assert_int_equal(mc_config_new(&c), 0);
		if (mc_config_set(c, name, table_cases[t].good) < 0)
			fail_msg("%s = %s: %s", name, table_cases[t].good,
			         mc_error_last()->message);
		if (k->multi)
			assert_int_equal(mc_config_add(c, name, table_cases[t].good), 0);
		assert_int_equal(mc_config_set(c, name, table_cases[t].bad),
		                 MC_ERROR);
		assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
		assert_string_equal(mc_error_last()->message,
		                    table_cases[t].message);
		mc_error_clear();
		mc_config_free(c);
	}
}

/* Folder keys set only their folder; the others keep the defaults. */
static void table__folder_keys_by_set(void **state MC_UNUSED)
{
	mc_config *c = NULL;
	mc_dir_settings s;

	assert_int_equal(mc_config_new(&c), 0);
	assert_int_equal(mc_config_set(c, "migrations.dialect", "sqlite"), 0);
	assert_int_equal(mc_config_set(c, "migrations.db/pg.dialect", "postgres"), 0);
	assert_int_equal(mc_config_set(c, "migrations.db/pg.runnerTool", "sequelize"), 0);
	assert_int_equal(mc_config_add(c, "migrations.db/pg.skip", "1 one"), 0);
	assert_int_equal(mc_config_add(c, "migrations.db/pg.skip", "2 two"), 0);
	mc_config_dir_settings(&s, c, "db/pg");
	assert_int_equal(s.dialect, MC_DIALECT_POSTGRES);
	assert_string_equal(s.runner_tool, "sequelize");
	assert_int_equal(s.skip->len, 2);
	mc_config_dir_settings(&s, c, "db/lite");
	assert_int_equal(s.dialect, MC_DIALECT_SQLITE);
	assert_null(s.runner_tool);
	assert_int_equal(s.skip->len, 0);
	/* set replaces a multi-valued folder key, add appends */
	assert_int_equal(mc_config_set(c, "migrations.db/pg.skip", "3 three"), 0);
	mc_config_dir_settings(&s, c, "db/pg");
	assert_int_equal(s.skip->len, 1);
	mc_config_free(c);
}

/* Uncomment every "\t#key = value" line of text (the examples). */
static char *uncommented(const char *text)
{
	char *out = strdup(text), *w = out;

	assert_non_null(out);
	for (const char *r = text; *r; r++) {
		if (*r == '#' && r > text && r[-1] == '\t' &&
		    (r == text + 1 || r[-2] == '\n') && r[1] != ' ')
			continue;
		*w++ = *r;
	}
	*w = '\0';
	return out;
}

static void template__values_examples_and_sections(void **state)
{
	struct fixture *f = *state;
	static const mc_config_init_value values[] = {
		{ "migrations.dir", NULL, "db/pg", NULL },
		{ "migrations.dir", NULL, "db/lite", NULL },
		{ "migrations.dialect", NULL, "postgres", NULL },
		{ "dialect", "db/lite", "sqlite", "its own; as the name says" },
		{ "runnerEnv", "db/lite", "F={path}", NULL },
		{ "deploy.ref", NULL, "refs/remotes/origin/main", NULL },
		{ "deploy.ref", NULL, "refs/tags/v*", "the release tags" },
		{ "models.path", NULL, "src/models/# odd;", NULL },
		{ "severity.missing-down", NULL, "warning", NULL },
	};
	mc_buf b = MC_BUF_INIT;
	const mc_config_key *k;
	mc_config *c;
	char *all;

	assert_int_equal(mc_config_template(&b, values, MC_ARRAY_SIZE(values)), 0);
	assert_non_null(strstr(mc_buf_cstr(&b),
	        "\n[migrations]\n"
	        "\t# folder holding the migrations, relative to the repository root; may repeat\n"
	        "\tdir = db/pg\n"
	        "\tdir = db/lite\n"));
	assert_non_null(strstr(mc_buf_cstr(&b),
	        "\t#table = schema_migrations\n"
	        "\n[migrations \"db/lite\"]\n"
	        "\t# its own; as the name says\n"
	        "\tdialect = sqlite\n"
	        "\trunnerEnv = F={path}\n"
	        "\n[deploy]\n"));
	assert_non_null(strstr(mc_buf_cstr(&b),
	        "\tref = refs/remotes/origin/main\n"
	        "\t# the release tags\n"
	        "\tref = refs/tags/v*\n"));
	assert_non_null(strstr(mc_buf_cstr(&b), "\tpath = \"src/models/# odd;\"\n"));
	assert_non_null(strstr(mc_buf_cstr(&b),
	        "\t# change a finding's severity: <code> = error | warning | off\n"
	        "\tmissing-down = warning\n"));
	/* every key without a value has its example; given ones do not */
	for (size_t i = 0; (k = mc_config_key_at(i)) != NULL; i++) {
		char line[256];
		if (!k->example)
			continue;
		snprintf(line, sizeof(line), "\t#%s\n", k->example);
		if (!strcmp(k->name, "deploy.ref") ||
		    !strcmp(k->name, "models.path") ||
		    !strcmp(k->name, "severity.<code>"))
			assert_null(strstr(mc_buf_cstr(&b), line));
		else
			assert_non_null(strstr(mc_buf_cstr(&b), line));
	}
	/* it loads, with the values given */
	c = load_ok(f, mc_buf_cstr(&b));
	assert_int_equal(c->dirs.len, 2);
	assert_string_equal(c->model_paths.items[0], "src/models/# odd;");
	assert_int_equal(mc_config_dir_find(c, "db/lite")->dialect, MC_DIALECT_SQLITE);
	assert_int_equal(mc_config_severity(c, "missing-down"), MC_SEV_WARNING);
	mc_config_free(c);
	/* and so do the examples, uncommented: each is a valid value */
	all = uncommented(mc_buf_cstr(&b));
	c = load_ok(f, all);
	assert_string_equal(c->table, "schema_migrations");
	assert_string_equal(c->runner_tool, "sequelize");
	assert_string_equal(c->models_pattern, "@Column|@Entity");
	assert_int_equal(c->drift_ignore.len, 1);
	mc_config_free(c);
	free(all);
	mc_buf_dispose(&b);
}

static void template__key_not_in_table(void **state MC_UNUSED)
{
	static const mc_config_init_value bad[] = {
		{ "migrations.dirs", NULL, "db", NULL },
	};
	static const mc_config_init_value bad_dir[] = {
		{ "dir", "db", "x", NULL },
	};
	mc_buf b = MC_BUF_INIT;

	assert_int_equal(mc_config_template(&b, bad, 1), MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "init writes 'migrations.dirs', which is not in the key table");
	assert_int_equal(mc_config_template(&b, bad_dir, 1), MC_ERROR);
	assert_int_equal(b.size, 0);
	/* nothing to write: the header and every example */
	assert_int_equal(mc_config_template(&b, NULL, 0), 0);
	assert_non_null(strstr(mc_buf_cstr(&b), "\n[severity]\n"));
	mc_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(config__defaults),
		T(config__every_key),
		T(config__every_format_name),
		T(config__multi_values),
		T(config__bool_forms),
		T(config__unknown_key_has_line),
		T(config__line_skips_comments_continuations_and_case),
		T(config__unknown_section),
		T(config__unknown_subsection),
		T(config__key_outside_section),
		T(config__bad_values),
		T(config__bad_value_line_is_the_right_occurrence),
		T(config__control_characters_are_not_echoed),
		T(config__scratch_password_never_printed),
		T(config__scratch_conninfo),
		T(config__syntax_error_has_line),
		T(config__bom_and_crlf),
		T(config__open_quote_is_a_syntax_error),
		T(config__includes_are_unknown),
		T(config__missing_file_and_directory),
		T(config__too_large),
		T(config__empty_file),
		T(config__severity_overrides),
		T(config__severity_off_drops_findings),
		T(config__set_and_add),
		T(config__repo_without_file),
		T(config__git_overlay_subsection),
		T(config__git_overlay_errors_name_git_config),
		T(config__git_overlay_bad_value),
		T(config__file_error_in_repo),
		T(config__env_scratch_url),
		T(config__oom_never_leaks),
		T(config__folder_settings),
		T(config__folder_settings_bad),
		T(table__every_key_is_found),
		T(table__unknown_keys),
		T(table__every_key_validates),
		T(table__folder_keys_by_set),
		T(template__values_examples_and_sections),
		T(template__key_not_in_table),
#undef T
	};
	char cmd[300];
	const char *tmp = getenv("TMPDIR");
	int rc;

	snprintf(root, sizeof(root), "%s/mc-test-config.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return 1;
	/* keep the user's ~/.gitconfig out of the overlay */
	setenv("HOME", root, 1);
	setenv("XDG_CONFIG_HOME", root, 1);
	unsetenv("MIGCHECK_SCRATCH_URL");
	mc_repo_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mc_repo_global_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
