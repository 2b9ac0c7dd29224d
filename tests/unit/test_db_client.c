/*
 * test_db_client.c: a database URL as [runner] programs read it
 * (mc_db_client_init): one URI for {url} and DATABASE_URL, and the parts
 * for PG*.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "util/banned.h"

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
