/*
 * test_db_url.c: connection strings (src/db/url.c) in each form: URIs,
 * libpq conninfo strings, SQLite URLs and paths; which engine each names,
 * unsupported schemes and strings libpq cannot read, passwords masked as
 * written and in libpq's messages, remote hosts without verification,
 * the URLs migcheck writes, and the URL [runner] programs read
 * (mc_db_client_init: one URI for {url} and DATABASE_URL, the parts for
 * PG*).
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
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "db/driver.h"
#include "util/banned.h"

static char *redact(const char *url)
{
	mc_buf b = MC_BUF_INIT;
	assert_int_equal(mc_url_redact(&b, url), 0);
	assert_int_equal(mc_buf_puts(&b, ""), 0);
	return mc_buf_detach(&b);
}

static void expect_redact(const char *url, const char *want)
{
	char *got = redact(url);
	assert_string_equal(got, want);
	mc_free(got);
}

static void db__url_redact_masks_passwords(void **state)
{
	(void)state;
	expect_redact("postgres://bob:s3cret@db.example.com:5432/app",
	              "postgres://bob:****@db.example.com:5432/app");
	expect_redact("postgresql://bob@localhost/app",
	              "postgresql://bob@localhost/app");
	expect_redact(
	        "postgres://bob:p%40ss@h/app?sslmode=require&password=x2",
	        "postgres://bob:****@h/app?sslmode=require&password=****");
	expect_redact("host=/tmp port=5432 password=hunter2 dbname=app",
	              "host=/tmp port=5432 password=**** dbname=app");
	expect_redact("host=h password = 'a b\\'c' user=u",
	              "host=h password = **** user=u");
	expect_redact("sqlite:///tmp/x.db", "sqlite:///tmp/x.db");
	expect_redact("host=h dbname=passwords", "host=h dbname=passwords");
}

/* Each secret of url as "from-to" spans joined by spaces. */
static void expect_secrets(const char *url, const char *want)
{
	char got[256] = "";
	size_t pos = 0, from, to, n = 0;

	while (mc_url_next_secret(url, &pos, &from, &to)) {
		assert_true(from <= to && to <= strlen(url) && pos >= to);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%.*s", n ? " " : "",
		                      (int)(to - from), url + from);
		assert_true(n < sizeof(got));
	}
	assert_int_equal(pos, strlen(url));
	assert_string_equal(got, want);
}

static void db__url_next_secret(void **state)
{
	(void)state;
	expect_secrets("postgres://bob:s3cret@db.example.com:5432/app", "s3cret");
	expect_secrets("postgres://bob:p%40ss@h/app?sslmode=require&password=x2", "p%40ss x2");
	expect_secrets("postgres://bob@h/app?password=a&password=b", "a b");
	expect_secrets("host=h password = 'a b\\'c' user=u", "'a b\\'c'");
	expect_secrets("password=x", "x");
	expect_secrets("host=h dbname=passwords xpassword=y", "");
	expect_secrets("postgres://h/app#password=z", "");
	expect_secrets("", "");
}

static void db__unsupported_scheme(void **state)
{
	mc_db *db = NULL;
	(void)state;
	assert_int_equal(mc_db_open(&db, "mysql://root:pw@localhost/app"),
	                 MC_ERROR);
	assert_null(db);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(
	        mc_error_last()->message,
	        "unsupported database URL "
	        "'mysql://root:****@localhost/app': use postgres://, "
	        "postgresql://, a libpq conninfo, sqlite:// or a "
	        "file path");
}

static void db__url_engine(void **state)
{
	(void)state;
	assert_int_equal(mc_db_url_engine("postgres://h/db"),
	                 MC_DIALECT_POSTGRES);
	assert_int_equal(mc_db_url_engine("POSTGRESQL://h/db"),
	                 MC_DIALECT_POSTGRES);
	assert_int_equal(mc_db_url_engine("host=/tmp dbname=x"),
	                 MC_DIALECT_POSTGRES);
	assert_int_equal(mc_db_url_engine("dbname = x"), MC_DIALECT_POSTGRES);
	assert_int_equal(mc_db_url_engine("sqlite:///tmp/x.db"),
	                 MC_DIALECT_SQLITE);
	assert_int_equal(mc_db_url_engine("file::memory:"), MC_DIALECT_SQLITE);
	assert_int_equal(mc_db_url_engine("./dev.db"), MC_DIALECT_SQLITE);
	assert_int_equal(mc_db_url_engine(":memory:"), MC_DIALECT_SQLITE);
}

static void url__insecure(void **state MC_UNUSED)
{
	unsetenv("PGHOST");
	unsetenv("PGSSLMODE");
	assert_true(mc_db_url_insecure("postgres://u:p@db.example.com/app"));
	assert_true(mc_db_url_insecure(
	        "postgres://u:p@db.example.com/app?sslmode=require"));
	assert_false(mc_db_url_insecure(
	        "postgres://u:p@db.example.com/app?sslmode=verify-full"));
	assert_false(mc_db_url_insecure("postgres://u@localhost/app"));
	assert_false(mc_db_url_insecure("postgres://u@127.0.0.1:5999/app"));
	assert_false(mc_db_url_insecure("postgres:///app?host=/tmp/sock"));
	assert_false(mc_db_url_insecure("host=/tmp/sock dbname=x"));
	assert_true(
	        mc_db_url_insecure("host=10.1.2.3 dbname=x sslmode=prefer"));
	assert_false(mc_db_url_insecure(
	        "host=10.1.2.3 dbname=x sslmode=verify-ca"));
	assert_false(mc_db_url_insecure("sqlite:///tmp/x.db"));
	assert_false(mc_db_url_insecure("/tmp/x.db"));
	setenv("PGHOST", "db.internal", 1);
	assert_true(mc_db_url_insecure("dbname=x"));
	setenv("PGSSLMODE", "verify-full", 1);
	assert_false(mc_db_url_insecure("dbname=x"));
	unsetenv("PGHOST");
	unsetenv("PGSSLMODE");
}


static void url__check_refuses_other_schemes(void **state MC_UNUSED)
{
	assert_int_equal(mc_db__url_check("postgres://u:p@h/db"), 0);
	assert_int_equal(mc_db__url_check("host=h password=p"), 0);
	assert_int_equal(mc_db__url_check("sqlite:///tmp/x.db"), 0);
	assert_int_equal(mc_db__url_check("file:x.db?mode=ro"), 0);
	assert_int_equal(mc_db__url_check("./dev.db"), 0);
	assert_int_equal(mc_db__url_check("C:/dev.db"), 0);
	assert_int_equal(mc_db__url_check("mariadb+pymysql://u:secret@h/db"),
	                 MC_ERROR);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_CONFIG);
	assert_string_equal(
	        mc_error_last()->message,
	        "unsupported database URL 'mariadb+pymysql://u:****@h/db': use postgres://, "
	        "postgresql://, a libpq conninfo, sqlite:// or a file path");
	mc_error_clear();
}

static void expect_masked(const char *msg, const char *url, const char *want)
{
	char *got = mc_db__url_mask_secrets(mc_strdup(msg), url);
	assert_non_null(got);
	assert_string_equal(got, want);
	mc_free(got);
}

static void url__mask_secrets_in_messages(void **state MC_UNUSED)
{
	expect_masked("invalid percent-encoded token: \"p%zz\"",
	              "postgres://u:p%zz@h/db",
	              "invalid percent-encoded token: \"****\"");
	expect_masked("missing \"=\" after \"a b\" in connection info string",
	              "host=h password='a b' user=u",
	              "missing \"=\" after \"****\" in connection info string");
	expect_masked("no password here", "host=h", "no password here");
	assert_null(mc_db__url_mask_secrets(NULL, "password=x"));
}

static void url__local_hosts(void **state MC_UNUSED)
{
	assert_true(mc_db__url_host_is_local(NULL));
	assert_true(mc_db__url_host_is_local(""));
	assert_true(mc_db__url_host_is_local("/var/run/postgresql"));
	assert_true(mc_db__url_host_is_local("@abstract"));
	assert_true(mc_db__url_host_is_local("localhost"));
	assert_true(mc_db__url_host_is_local("127.0.0.2"));
	assert_true(mc_db__url_host_is_local("::1"));
	assert_false(mc_db__url_host_is_local("db.example.com"));
	assert_false(mc_db__url_host_is_local("10.0.0.1"));
	assert_false(mc_db__url_host_is_local("localhost.example.com"));
}

static void url__insecure_more_forms(void **state MC_UNUSED)
{
	unsetenv("PGHOST");
	unsetenv("PGSSLMODE");
	/* the socket directory percent-encoded in the authority */
	assert_false(mc_db_url_insecure("postgresql://u@%2Ftmp%2Fsock/app"));
	/* several hosts: the first is judged */
	assert_true(mc_db_url_insecure("postgresql://u@db1.example,localhost/app"));
	assert_false(mc_db_url_insecure("host=localhost,db1.example dbname=x"));
	assert_true(mc_db_url_insecure("postgresql://u@[2001:db8::1]:5432/app"));
	assert_false(mc_db_url_insecure("postgresql://u@[::1]:5432/app"));
	assert_true(mc_db_url_insecure("hostaddr=10.1.2.3 dbname=x"));
	assert_false(mc_db_url_insecure(
	        "host = 'db.example.com' sslmode = 'verify-full'"));
	/* unreadable: no connection either, nothing to warn about */
	assert_false(mc_db_url_insecure("host='db.example.com"));
	assert_false(mc_db_url_insecure(NULL));
}

static void expect_with_dbname(const char *server, const char *want)
{
	char *got = NULL;
	assert_int_equal(mc_db__url_with_dbname(&got, server, "migcheck_scratch_7"), 0);
	assert_string_equal(got, want);
	mc_free(got);
}

static void url__with_dbname(void **state MC_UNUSED)
{
	expect_with_dbname("postgres://u:p@h:5432/postgres?sslmode=require",
	                   "postgres://u:p@h:5432/migcheck_scratch_7?sslmode=require");
	expect_with_dbname("postgresql://u@h", "postgresql://u@h/migcheck_scratch_7");
	expect_with_dbname("postgresql://u@h?host=/tmp",
	                   "postgresql://u@h/migcheck_scratch_7?host=/tmp");
	expect_with_dbname("host=/tmp dbname=postgres",
	                   "host=/tmp dbname=postgres dbname=migcheck_scratch_7");
}

static void url__sqlite_file(void **state MC_UNUSED)
{
	assert_string_equal(mc_db_url_sqlite_file("sqlite:///tmp/x.db"), "/tmp/x.db");
	assert_string_equal(mc_db_url_sqlite_file("sqlite://rel.db"), "rel.db");
	assert_string_equal(mc_db_url_sqlite_file("SQLITE3:rel.db"), "rel.db");
	assert_string_equal(mc_db_url_sqlite_file("./dev.db"), "./dev.db");
	assert_null(mc_db_url_sqlite_file("file:x.db?mode=ro"));
	assert_null(mc_db_url_sqlite_file("sqlite://"));
	assert_null(mc_db_url_sqlite_file("postgres://h/db"));
	assert_null(mc_db_url_sqlite_file("host=/tmp dbname=x"));
	assert_null(mc_db_url_sqlite_file(NULL));
}

static void url__socket(void **state MC_UNUSED)
{
	char *got = NULL;
	assert_int_equal(mc_db__url_socket(&got, "/tmp/migcheck pg.1", 40001,
	                                   "migcheck_scratch"),
	                 0);
	assert_string_equal(
	        got,
	        "postgresql://postgres@localhost/migcheck_scratch?host=/tmp/migcheck%20pg.1&port=40001");
	mc_free(got);
}

static void expect_url(const char *in, const char *want)
{
	mc_db_client c;
	assert_int_equal(mc_db_client_init(&c, in), 0);
	assert_string_equal(c.url, want);
	mc_db_client_dispose(&c);
}

static void client__uris(void **state MC_UNUSED)
{
	expect_url("postgresql://u:p@h:5433/db?sslmode=disable",
	           "postgresql://u:p@h:5433/db?sslmode=disable");
	expect_url("postgres://a@h/db", "postgresql://a@h/db");
	expect_url("postgresql://postgres:ab12@127.0.0.1:40001/migcheck_scratch",
	           "postgresql://postgres:ab12@127.0.0.1:40001/migcheck_scratch");
	expect_url("postgresql://u@[::1]:5432/db", "postgresql://u@[::1]:5432/db");
}

static void client__sqlite_passes_unchanged(void **state MC_UNUSED)
{
	mc_db_client c;
	expect_url("sqlite:///tmp/x/scratch.db", "sqlite:///tmp/x/scratch.db");
	expect_url("/tmp/plain.db", "/tmp/plain.db");
	assert_int_equal(mc_db_client_init(&c, "sqlite:///tmp/x.db"), 0);
	assert_false(c.postgres);
	assert_null(c.host);
	mc_db_client_dispose(&c);
}

static void client__conninfo_with_socket(void **state MC_UNUSED)
{
	mc_db_client c;
	assert_int_equal(
	        mc_db_client_init(&c, "host='/tmp/pg dir' port=5432 user=postgres dbname=postgres dbname=migcheck_scratch_1"),
	        0);
	assert_string_equal(c.url,
	                    "postgresql://postgres@localhost:5432/migcheck_scratch_1?host=/tmp/pg%20dir");
	assert_true(c.postgres);
	assert_true(c.socket);
	assert_string_equal(c.host, "/tmp/pg dir");
	assert_string_equal(c.port, "5432");
	assert_string_equal(c.user, "postgres");
	assert_string_equal(c.dbname, "migcheck_scratch_1");
	assert_null(c.password);
	mc_db_client_dispose(&c);
	/* the throw-away cluster's own URL reads the same way */
	expect_url("postgresql://postgres@localhost/migcheck_scratch?host=/tmp/migcheck-pg-Ab12Cd&port=40001",
	           "postgresql://postgres@localhost:40001/migcheck_scratch?host=/tmp/migcheck-pg-Ab12Cd");
}

static void client__conninfo_with_tcp_and_quotes(void **state MC_UNUSED)
{
	mc_db_client c;
	assert_int_equal(
	        mc_db_client_init(&c, "host=db.example port=6543 user='a b' password='p@ss\\'w' dbname=x sslmode=require"),
	        0);
	assert_string_equal(c.url,
	                    "postgresql://a%20b:p%40ss%27w@db.example:6543/x?sslmode=require");
	assert_false(c.socket);
	assert_string_equal(c.password, "p@ss'w");
	mc_db_client_dispose(&c);
	/* hostaddr is where libpq connects */
	expect_url("host=db.example hostaddr=10.0.0.5 dbname=x",
	           "postgresql://10.0.0.5/x");
}

static void client__no_host_is_the_default_socket(void **state MC_UNUSED)
{
	mc_db_client c;
	assert_int_equal(mc_db_client_init(&c, "dbname=x port=5433"), 0);
	assert_string_equal(c.url, "postgresql:///x?port=5433");
	assert_true(c.socket);
	assert_null(c.host);
	mc_db_client_dispose(&c);
}

static void client__unreadable_passes_unchanged(void **state MC_UNUSED)
{
	mc_db_client c;
	assert_int_equal(mc_db_client_init(&c, "host='unterminated dbname=x"),
	                 0);
	assert_string_equal(c.url, "host='unterminated dbname=x");
	assert_false(c.postgres);
	mc_db_client_dispose(&c);
}

static void client__out_of_memory(void **state MC_UNUSED)
{
	for (unsigned long n = 1;; n++) {
		mc_db_client c;
		int rc;
		mc_alloc_fail_at(n);
		rc = mc_db_client_init(&c, "host=/s user=u dbname=d application_name=a");
		mc_alloc_fail_at(0);
		if (rc == 0) {
			assert_string_equal(c.url, "postgresql://u@localhost/d?host=/s&application_name=a");
			mc_db_client_dispose(&c);
			break;
		}
		assert_int_equal(rc, MC_ENOMEM);
		assert_null(c.url);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(db__url_engine),
		cmocka_unit_test(db__unsupported_scheme),
		cmocka_unit_test(url__check_refuses_other_schemes),
		cmocka_unit_test(db__url_redact_masks_passwords),
		cmocka_unit_test(db__url_next_secret),
		cmocka_unit_test(url__mask_secrets_in_messages),
		cmocka_unit_test(url__local_hosts),
		cmocka_unit_test(url__insecure),
		cmocka_unit_test(url__insecure_more_forms),
		cmocka_unit_test(url__with_dbname),
		cmocka_unit_test(url__sqlite_file),
		cmocka_unit_test(url__socket),
		cmocka_unit_test(client__uris),
		cmocka_unit_test(client__sqlite_passes_unchanged),
		cmocka_unit_test(client__conninfo_with_socket),
		cmocka_unit_test(client__conninfo_with_tcp_and_quotes),
		cmocka_unit_test(client__no_host_is_the_default_socket),
		cmocka_unit_test(client__unreadable_passes_unchanged),
		cmocka_unit_test(client__out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
