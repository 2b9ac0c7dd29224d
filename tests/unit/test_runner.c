/*
 * test_runner.c: word splitting, substitution and running of [runner]
 * commands.
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
#include "migcheck/runner.h"
#include "util/banned.h"

static void expect_words(const char *cmd, const char *const *want, size_t n)
{
	mc_vec v = MC_VEC_INIT;
	assert_int_equal(mc_runner_split(&v, cmd), 0);
	assert_int_equal(v.len, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v.items[i], want[i]);
	mc_vec_dispose_deep(&v, mc_free);
}

static void runner__split_plain_words(void **state MC_UNUSED)
{
	static const char *const w[] = { "npx", "sequelize-cli", "db:migrate",
	                                 "--to", "{file}" };
	expect_words("  npx\tsequelize-cli  db:migrate --to {file} ", w, 5);
}

static void runner__split_quotes(void **state MC_UNUSED)
{
	static const char *const w[] = { "a b", "c\"d", "e$f", "", "g h",
	                                 "i'j", "x\\y" };
	expect_words("'a b' \"c\\\"d\" \"e\\$f\" '' g\\ h \"i'j\" 'x\\y'", w, 7);
}

static void runner__split_joins_quoted_parts(void **state MC_UNUSED)
{
	static const char *const w[] = { "--url=a b c" };
	expect_words("--url='a b'\" c\"", w, 1);
}

static void expect_split_error(const char *cmd, const char *msg)
{
	mc_vec v = MC_VEC_INIT;
	assert_int_equal(mc_runner_split(&v, cmd), MC_EPARSE);
	assert_int_equal(v.len, 0);
	assert_non_null(mc_error_last());
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(mc_error_last()->message, msg);
	mc_vec_dispose(&v);
}

static void runner__split_errors(void **state MC_UNUSED)
{
	expect_split_error("echo 'abc", "unterminated quote in runner command 'echo 'abc'");
	expect_split_error("echo \"abc", "unterminated quote in runner command 'echo \"abc'");
	expect_split_error("echo abc\\", "trailing backslash in runner command 'echo abc\\'");
	expect_split_error("   ", "runner command is empty");
}

static void runner__argv_substitutes_per_word(void **state MC_UNUSED)
{
	mc_runner_vars vars = { "db/m/1 x;rm -rf.js", "add users", "001",
	                        "postgres://u@h/db", NULL };
	char **argv = NULL;
	assert_int_equal(mc_runner_argv(&argv,
	                                "tool --to {file} --url={url} {version}-{name} {other}",
	                                &vars),
	                 0);
	assert_string_equal(argv[0], "tool");
	assert_string_equal(argv[1], "--to");
	assert_string_equal(argv[2], "db/m/1 x;rm -rf.js");
	assert_string_equal(argv[3], "--url=postgres://u@h/db");
	assert_string_equal(argv[4], "001-add users");
	assert_string_equal(argv[5], "{other}");
	assert_null(argv[6]);
	mc_runner_argv_free(argv);
}

static void runner__run_captures_and_sets_url(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	mc_runner_vars vars = { "f", "n", "v", "sqlite:///tmp/x", NULL };
	assert_int_equal(mc_runner_run(&r,
	                               "sh -c 'echo \"out $DATABASE_URL\"; echo \"err $1\" >&2; exit 3' sh {file}",
	                               &vars, NULL),
	                 0);
	assert_int_equal(r.status, 3);
	assert_string_equal(mc_buf_cstr(&r.out), "out sqlite:///tmp/x\n");
	assert_string_equal(mc_buf_cstr(&r.err), "err f\n");
	mc_runner_result_dispose(&r);
}

/* {url}, DATABASE_URL and PG* name one database; a conninfo becomes a
 * URI; parts the URL does not give stay as inherited; the password only
 * in PGPASSWORD and the URL */
static void runner__run_sets_pg_variables(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	mc_runner_vars vars = { NULL, NULL, NULL,
		                "host=127.0.0.1 port=6543 user=app password=s3cret dbname=scratch_1", NULL };
	const char *show =
	        "sh -c 'echo \"$1|$DATABASE_URL|$PGHOST|$PGPORT|$PGUSER|$PGDATABASE|$PGPASSWORD|${PGHOSTADDR-unset}|$PGSSLMODE\"' sh {url}";
	setenv("PGHOSTADDR", "10.9.9.9", 1);
	setenv("PGSSLMODE", "disable", 1);
	setenv("PGPASSWORD", "inherited", 1);
	assert_int_equal(mc_runner_run(&r, show, &vars, NULL), 0);
	assert_string_equal(mc_buf_cstr(&r.out),
	                    "postgresql://app:s3cret@127.0.0.1:6543/scratch_1|"
	                    "postgresql://app:s3cret@127.0.0.1:6543/scratch_1|"
	                    "127.0.0.1|6543|app|scratch_1|s3cret|unset|disable\n");
	mc_runner_result_dispose(&r);
	/* no password in the URL: PGPASSWORD as inherited (libpq used it) */
	vars.url = "postgresql://postgres@localhost:5432/db?host=/tmp/pg%20x";
	assert_int_equal(mc_runner_run(&r, show, &vars, NULL), 0);
	assert_string_equal(mc_buf_cstr(&r.out),
	                    "postgresql://postgres@localhost:5432/db?host=/tmp/pg%20x|"
	                    "postgresql://postgres@localhost:5432/db?host=/tmp/pg%20x|"
	                    "/tmp/pg x|5432|postgres|db|inherited|unset|disable\n");
	mc_runner_result_dispose(&r);
	unsetenv("PGHOSTADDR");
	unsetenv("PGSSLMODE");
	unsetenv("PGPASSWORD");
}

static void url_check_is(const char *cmd, const char *url, const char *cwd,
                         const char *msg)
{
	int rc = mc_runner_check_url("runner.up", cmd, url, cwd);
	if (!msg) {
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_RUNNER);
	assert_string_equal(mc_error_last()->message, msg);
}

/* sequelize reads only host and port from a URL: a socket is an error
 * before the first migration, not an up-failed on it */
static void runner__check_url_sequelize_needs_tcp(void **state MC_UNUSED)
{
	const char *sock = "host=/run/pg port=5432 user=postgres dbname=x";
	char dir[] = "/tmp/migcheck-test-XXXXXX", *p;
	FILE *f;

	url_check_is("npx sequelize-cli db:migrate --url {url}", sock, NULL,
	             "runner.up runs sequelize-cli, which reads only a host and port from the database URL "
	             "and cannot reach the scratch server through the unix socket in '/run/pg': "
	             "pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), "
	             "or none to let migcheck start its own");
	url_check_is("node_modules/.bin/sequelize db:migrate --url={url}",
	             "postgresql:///x", NULL,
	             "runner.up runs sequelize, which reads only a host and port from the database URL "
	             "and cannot reach the scratch server through libpq's default unix socket: "
	             "pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), "
	             "or none to let migcheck start its own");
	/* TCP, SQLite, other programs, no command: fine */
	url_check_is("npx sequelize-cli db:migrate --url {url}",
	             "postgresql://u@127.0.0.1:5432/x", NULL, NULL);
	url_check_is("npx sequelize-cli db:migrate --url {url}",
	             "sqlite:///tmp/x.db", NULL, NULL);
	url_check_is("node migrate.js {url}", sock, NULL, NULL);
	url_check_is(NULL, sock, NULL, NULL);
	/* a config that reads DATABASE_URL through use_env_variable */
	assert_non_null(mkdtemp(dir));
	url_check_is("npx sequelize-cli db:migrate", sock, dir, NULL);
	p = mc_asprintf("%s/config", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	mc_free(p);
	p = mc_asprintf("%s/config/config.json", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"development\": {\"use_env_variable\": \"DATABASE_URL\", \"dialect\": \"postgres\"}}\n", f);
	fclose(f);
	url_check_is("npx sequelize-cli db:migrate", sock, dir,
	             "runner.up runs sequelize-cli, which reads only a host and port from the database URL "
	             "and cannot reach the scratch server through the unix socket in '/run/pg': "
	             "pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), "
	             "or none to let migcheck start its own");
	/* a .sequelizerc (JavaScript) may point elsewhere: not judged */
	{
		char *rc = mc_asprintf("%s/.sequelizerc", dir);
		f = fopen(rc, "w");
		assert_non_null(f);
		fclose(f);
		url_check_is("npx sequelize-cli db:migrate", sock, dir, NULL);
		url_check_is("npx sequelize-cli db:migrate --config config/config.json",
		             sock, dir,
		             "runner.up runs sequelize-cli, which reads only a host and port from the database URL "
		             "and cannot reach the scratch server through the unix socket in '/run/pg': "
		             "pass a scratch server with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), "
		             "or none to let migcheck start its own");
		unlink(rc);
		mc_free(rc);
	}
	unlink(p);
	mc_free(p);
	p = mc_asprintf("%s/config", dir);
	rmdir(p);
	mc_free(p);
	rmdir(dir);
}

static void runner__run_in_cwd(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	assert_int_equal(mc_runner_run(&r, "pwd", NULL, "/"), 0);
	assert_int_equal(r.status, 0);
	assert_string_equal(mc_buf_cstr(&r.out), "/\n");
	mc_runner_result_dispose(&r);
}

static void runner__run_not_found(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	assert_int_equal(mc_runner_run(&r, "no-such-program-xyz --up", NULL, NULL),
	                 MC_ENOTFOUND);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_RUNNER);
	assert_string_equal(mc_error_last()->message,
	                    "runner command 'no-such-program-xyz' not found: No such file or directory");
	mc_runner_result_dispose(&r);
}

static void runner__run_keeps_tail_of_big_output(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	assert_int_equal(mc_runner_run(&r,
	                               "sh -c 'head -c 300000 /dev/zero; echo END'",
	                               NULL, NULL),
	                 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out.size, MC_RUNNER_CAPTURE_MAX);
	assert_memory_equal(r.out.ptr + r.out.size - 4, "END\n", 4);
	mc_runner_result_dispose(&r);
}

static int pid_alive(const char *pid)
{
	char cmd[128];
	/* a zombie that init has not reaped yet is dead */
	snprintf(cmd, sizeof(cmd),
	         "ps -o stat= -p %s 2>/dev/null | grep -qv '^Z'", pid);
	return system(cmd) == 0;
}

static void runner__timeout_kills_the_group(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	char *nl, *child;
	/* the shell and a child of its own that holds the pipes */
	assert_int_equal(mc_runner_run_timeout(&r,
	                                       "sh -c 'sleep 60 & echo $!; echo started >&2; wait'",
	                                       NULL, NULL, 300),
	                 0);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.status, 128 + 15); /* SIGTERM */
	assert_string_equal(mc_buf_cstr(&r.err), "started\n");
	child = mc_strdup(mc_buf_cstr(&r.out));
	assert_non_null(child);
	if ((nl = strchr(child, '\n')) != NULL)
		*nl = '\0';
	assert_false(pid_alive(child));
	mc_free(child);
	mc_runner_result_dispose(&r);
}

static void runner__timeout_then_sigkill(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	assert_int_equal(mc_runner_run_timeout(&r, "sh -c 'trap \"\" TERM; sleep 60'",
	                                       NULL, NULL, 100),
	                 0);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.status, 128 + 9); /* SIGKILL */
	mc_runner_result_dispose(&r);
}

static void runner__timeout_not_reached(void **state MC_UNUSED)
{
	mc_runner_result r = MC_RUNNER_RESULT_INIT;
	assert_int_equal(mc_runner_run_timeout(&r, "sh -c 'echo ok; exit 4'",
	                                       NULL, NULL, 10000),
	                 0);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.status, 4);
	assert_string_equal(mc_buf_cstr(&r.out), "ok\n");
	mc_runner_result_dispose(&r);
	/* closing its output early does not end the wait for it */
	assert_int_equal(mc_runner_run_timeout(&r,
	                                       "sh -c 'exec >&- 2>&-; sleep 0.2; exit 5'",
	                                       NULL, NULL, 10000),
	                 0);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.status, 5);
	mc_runner_result_dispose(&r);
	assert_int_equal(mc_runner_run_timeout(&r, "no-such-program-xyz", NULL,
	                                       NULL, 10000),
	                 MC_ENOTFOUND);
	mc_runner_result_dispose(&r);
}

static void runner__argv_out_of_memory(void **state MC_UNUSED)
{
	mc_runner_vars vars = { "a", "b", "c", "d", NULL };
	for (unsigned long n = 1;; n++) {
		char **argv = NULL;
		int rc;
		mc_alloc_fail_at(n);
		rc = mc_runner_argv(&argv, "x {file} 'y {url}' z", &vars);
		mc_alloc_fail_at(0);
		if (rc == 0) {
			assert_string_equal(argv[2], "y d");
			mc_runner_argv_free(argv);
			break;
		}
		assert_int_equal(rc, MC_ENOMEM);
		assert_null(argv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runner__split_plain_words),
		cmocka_unit_test(runner__split_quotes),
		cmocka_unit_test(runner__split_joins_quoted_parts),
		cmocka_unit_test(runner__split_errors),
		cmocka_unit_test(runner__argv_substitutes_per_word),
		cmocka_unit_test(runner__run_captures_and_sets_url),
		cmocka_unit_test(runner__run_sets_pg_variables),
		cmocka_unit_test(runner__check_url_sequelize_needs_tcp),
		cmocka_unit_test(runner__run_in_cwd),
		cmocka_unit_test(runner__run_not_found),
		cmocka_unit_test(runner__run_keeps_tail_of_big_output),
		cmocka_unit_test(runner__argv_out_of_memory),
		cmocka_unit_test(runner__timeout_kills_the_group),
		cmocka_unit_test(runner__timeout_then_sigkill),
		cmocka_unit_test(runner__timeout_not_reached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
