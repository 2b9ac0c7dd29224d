/*
 * test_resident.c: the C side of the resident runner protocol
 * (docs/runner-protocol.md), against fake runners written in sh, and the
 * environment runners get (mc_runner_env).
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
#include "migcheck/resident.h"
#include "migcheck/runner.h"
#include "util/banned.h"

/* A runner in sh: says ready, then answers each request by its op. */
static const char *const fake_ok[] = {
	"sh", "-c",
	"echo '{\"ready\":true,\"sequelize\":\"6.0.0\",\"dialect\":\"sqlite\",\"env\":\"test\"}'\n"
	"while read -r line; do\n"
	"  case $line in\n"
	"  *'\"op\":\"sync\"'*|*'\"op\":\"describe\"'*) printf 'chatter %s\\n' \"$line\" >&2; echo '{\"ok\":true,\"rows\":[\"t_user\"]}' ;;\n"
	"  *'\"op\":\"up\"'*) echo \"chatter $line\" >&2; echo 'noise on stdout' >&2; echo '{\"ok\":true}' ;;\n"
	"  *'\"op\":\"down\"'*) echo 'Error: boom' >&2; echo '{\"ok\":false,\"error\":\"relation \\\"x\\\" does not exist\",\"detail\":\"at down (m.js:3)\"}' ;;\n"
	"  *'\"op\":\"meta\"'*) echo '{\"ok\":true,\"rows\":[\"a.js\",\"b \\u00e9.js\"]}' ;;\n"
	"  *'\"op\":\"close\"'*) echo '{\"ok\":false,\"fatal\":true,\"error\":\"cannot connect to the scratch database: refused\"}' ;;\n"
	"  *'\"op\":\"exit\"'*) echo 'dying' >&2; exit 7 ;;\n"
	"  *'\"op\":\"slow\"'*) sleep 30 ;;\n"
	"  *) echo 'not json' ;;\n"
	"  esac\n"
	"done\n",
	NULL
};

static mc_resident *start_fake(const char *const *argv, unsigned timeout_ms)
{
	mc_resident_opts o;
	mc_resident *r = NULL;
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.tool = "sequelize";
	o.appdir = "/";
	o.appdir_show = "server";
	o.timeout_ms = timeout_ms;
	o.start_timeout_ms = 5000;
	assert_int_equal(mc_resident_start(&r, &o), 0);
	assert_non_null(r);
	return r;
}

static void resident__answers(void **state MC_UNUSED)
{
	mc_resident *r = start_fake(fake_ok, 0);
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;

	assert_string_equal(mc_resident_banner(r),
	                    "sequelize 6.0.0, dialect sqlite, env test");
	assert_int_equal(mc_resident_call(r, "up", "/abs/m \"1\".js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 1);
	/* the request went as one JSON line, the file name escaped */
	assert_non_null(strstr(mc_buf_cstr(&rep.err),
	                       "chatter {\"op\":\"up\",\"file\":\"/abs/m \\\"1\\\".js\",\"name\":\"m.js\"}"));
	assert_non_null(strstr(mc_buf_cstr(&rep.err), "noise on stdout"));

	assert_int_equal(mc_resident_call(r, "down", "/abs/m.js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 0);
	assert_string_equal(rep.error, "relation \"x\" does not exist");
	assert_string_equal(rep.detail, "at down (m.js:3)");
	assert_string_equal(mc_buf_cstr(&rep.err), "Error: boom\n");

	assert_int_equal(mc_resident_call(r, "meta", NULL, NULL, &rep), 0);
	assert_int_equal(rep.ok, 1);
	assert_int_equal(rep.rows.len, 2);
	assert_string_equal(rep.rows.items[0], "a.js");
	assert_string_equal(rep.rows.items[1], "b \xc3\xa9.js");

	/* sync and describe: paths, and files with their texts (NULL:
	 * absent) */
	{
		const char *paths[] = { "/app/models", "/app/lib/m.js" };
		const char *files[] = { "/app/models/a.js", "x = \"1\";\n",
			                "/app/models/b.js", NULL };
		assert_int_equal(mc_resident_call_paths(r, "sync", paths, 2, &rep), 0);
		assert_int_equal(rep.ok, 1);
		assert_int_equal(rep.rows.len, 1);
		assert_string_equal(rep.rows.items[0], "t_user");
		assert_non_null(strstr(mc_buf_cstr(&rep.err),
		                       "chatter {\"op\":\"sync\",\"paths\":[\"/app/models\",\"/app/lib/m.js\"]}"));
		assert_int_equal(mc_resident_call_files(r, "describe", paths, 1, files, 2, &rep), 0);
		assert_int_equal(rep.ok, 1);
		assert_non_null(strstr(mc_buf_cstr(&rep.err),
		                       "chatter {\"op\":\"describe\",\"paths\":[\"/app/models\"],"
		                       "\"files\":{\"/app/models/a.js\":\"x = \\\"1\\\";\\n\",\"/app/models/b.js\":null}}"));
	}
	mc_resident_reply_dispose(&rep);
	mc_resident_free(r);
}

static void resident__fatal_and_bad_lines(void **state MC_UNUSED)
{
	mc_resident *r = start_fake(fake_ok, 0);
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;

	/* fatal: the runner's own failure, an environment error */
	assert_int_equal(mc_resident_call(r, "close", NULL, NULL, &rep), MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_RUNNER);
	assert_string_equal(mc_error_last()->message,
	                    "the sequelize runner in 'server': cannot connect to the scratch database: refused");
	/* a line that is not ours */
	assert_int_equal(mc_resident_call(r, "other", NULL, NULL, &rep), MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "the sequelize runner in 'server' answered something that is not its protocol: not json");
	/* started again by the next request */
	assert_int_equal(mc_resident_call(r, "up", "/m.js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 1);
	mc_resident_reply_dispose(&rep);
	mc_resident_free(r);
}

static void resident__exit_and_timeout(void **state MC_UNUSED)
{
	mc_resident *r = start_fake(fake_ok, 300);
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;

	/* exits while it runs a request: that migration failed */
	assert_int_equal(mc_resident_call(r, "exit", "/m.js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 0);
	assert_string_equal(rep.error,
	                    "the sequelize runner exited with status 7 while it ran exit");
	assert_string_equal(rep.detail, "dying");
	/* past the time limit: killed, failed, and started again */
	assert_int_equal(mc_resident_call(r, "slow", "/m.js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 0);
	assert_int_equal(rep.timed_out, 1);
	assert_string_equal(rep.error, "killed after 300 ms (--statement-timeout)");
	assert_int_equal(mc_resident_call(r, "up", "/m.js", "m.js", &rep), 0);
	assert_int_equal(rep.ok, 1);
	mc_resident_reply_dispose(&rep);
	mc_resident_free(r);
}

static void resident__start_failures(void **state MC_UNUSED)
{
	static const char *const not_ready[] = {
		"sh", "-c",
		"echo '{\"ready\":false,\"error\":\"cannot load the package sequelize from /x\",\"fix\":\"run npm install in /x\"}'; exit 3",
		NULL
	};
	static const char *const dies[] = { "sh", "-c", "echo 'node: bad option' >&2; exit 9", NULL };
	static const char *const missing[] = { "/nonexistent/node-xyz", "x.js", NULL };
	const char *const *argvs[] = { not_ready, dies, missing };
	const char *want[] = {
		"the sequelize runner in 'server' cannot start: cannot load the package sequelize from /x: run npm install in /x",
		"the sequelize runner in 'server' exited with status 9 before it was ready: node: bad option",
		"the sequelize runner needs '/nonexistent/node-xyz', which is not on PATH: install Node.js (the runner runs in 'server')",
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(argvs); i++) {
		mc_resident_opts o;
		mc_resident *r = NULL;
		int rc;
		memset(&o, 0, sizeof(o));
		o.argv = argvs[i];
		o.tool = "sequelize";
		o.appdir_show = "server";
		o.start_timeout_ms = 5000;
		rc = mc_resident_start(&r, &o);
		assert_true(rc < 0);
		assert_null(r);
		assert_int_equal(mc_error_last()->klass, MC_ERROR_RUNNER);
		assert_string_equal(mc_error_last()->message, want[i]);
	}
}

static void resident__parse(void **state MC_UNUSED)
{
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
	mc_buf banner = MC_BUF_INIT;
	int ready, fatal;

	assert_int_equal(mc_resident__parse("{\"ok\":true}", &ready, &fatal, &rep, &banner), 0);
	assert_int_equal(ready, -1);
	assert_int_equal(rep.ok, 1);
	assert_int_equal(mc_resident__parse("{\"ok\":1}", &ready, &fatal, &rep, &banner), MC_EPARSE);
	assert_int_equal(mc_resident__parse("[]", &ready, &fatal, &rep, &banner), MC_EPARSE);
	assert_int_equal(mc_resident__parse("{\"ok\":true,\"rows\":[1]}", &ready, &fatal, &rep, &banner), MC_EPARSE);
	assert_int_equal(mc_resident__parse("{\"ready\":true,\"config\":\"c.js\"}", &ready, &fatal, &rep, &banner), 0);
	assert_int_equal(ready, 1);
	assert_string_equal(mc_buf_cstr(&banner), "config c.js");
	mc_resident_reply_dispose(&rep);
	mc_buf_dispose(&banner);
}

static void resident__find_appdir(void **state MC_UNUSED)
{
	char tmpl[] = "/tmp/test_resident.XXXXXX";
	char *root = mkdtemp(tmpl), *path, *out = NULL;
	FILE *f;

	assert_non_null(root);
	path = mc_asprintf("mkdir -p %s/server/migrations %s/server/node_modules/sequelize", root, root);
	assert_int_equal(system(path), 0);
	mc_free(path);
	path = mc_asprintf("%s/server/node_modules/sequelize/package.json", root);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	mc_free(path);
	assert_int_equal(mc_resident_find_appdir(&out, root, "server/migrations"), 0);
	assert_string_equal(out, "server");
	mc_free(out);
	assert_int_equal(mc_resident_find_appdir(&out, root, "db/migrations"), MC_ENOTFOUND);
	assert_string_equal(mc_error_last()->message,
	                    "the sequelize runner found no node_modules/sequelize in 'db/migrations' or a folder above it: "
	                    "run 'npm install' in the folder with the package.json that lists sequelize, "
	                    "or set runner.tool = command and runner.up/runner.down");
	path = mc_asprintf("rm -rf %s", root);
	assert_int_equal(system(path), 0);
	mc_free(path);
}

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (char **e = env; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=') {
			assert_null(found); /* once */
			found = *e + n + 1;
		}
	return found;
}

static void resident__runner_env(void **state MC_UNUSED)
{
	static const char *const extra[] = { "SQLITE_FILE_PATH={path}",
		                             "NODE_ENV=test", "NODE_ENV=ci",
		                             "DATABASE_URL=x{url}", NULL };
	mc_runner_vars vars = { NULL, NULL, NULL, "sqlite:///tmp/s/scratch.db", extra };
	char **env = NULL, *word = NULL;

	setenv("NODE_ENV", "production", 1);
	assert_int_equal(mc_runner_env(&env, &vars), 0);
	assert_string_equal(env_get(env, "MIGCHECK_SQLITE_PATH"), "/tmp/s/scratch.db");
	assert_string_equal(env_get(env, "MIGCHECK_DATABASE_URL"), "sqlite:///tmp/s/scratch.db");
	assert_string_equal(env_get(env, "SQLITE_FILE_PATH"), "/tmp/s/scratch.db");
	assert_string_equal(env_get(env, "NODE_ENV"), "ci");
	assert_string_equal(env_get(env, "DATABASE_URL"), "xsqlite:///tmp/s/scratch.db");
	mc_runner_env_free(env);
	unsetenv("NODE_ENV");

	assert_int_equal(mc_runner_substitute(&word, "--storage={path}", &vars), 0);
	assert_string_equal(word, "--storage=/tmp/s/scratch.db");
	mc_free(word);
	vars.url = "postgresql://u@h/db";
	assert_int_equal(mc_runner_substitute(&word, "[{path}]", &vars), 0);
	assert_string_equal(word, "[]");
	mc_free(word);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resident__answers),
		cmocka_unit_test(resident__fatal_and_bad_lines),
		cmocka_unit_test(resident__exit_and_timeout),
		cmocka_unit_test(resident__start_failures),
		cmocka_unit_test(resident__parse),
		cmocka_unit_test(resident__find_appdir),
		cmocka_unit_test(resident__runner_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
