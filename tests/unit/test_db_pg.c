/*
 * test_db_pg.c: the PostgreSQL driver against a real server
 * ($MIGCHECK_TEST_PG, a libpq conninfo; skipped when unset unless
 * MIGCHECK_REQUIRE_PG=1): snapshot of every object kind, diff of known
 * changes, script errors with file:line, read-only sessions, masked
 * passwords, lost connections, scratch databases on a server (create,
 * reset, drop, stale cleanup) and the throw-away cluster.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/sql.h"
#include "util/banned.h"

static const char *server(void)
{
	const char *s = getenv("MIGCHECK_TEST_PG");
	const char *req = getenv("MIGCHECK_REQUIRE_PG");
	if (s && *s)
		return s;
	if (req && !strcmp(req, "1"))
		fail_msg(
		        "MIGCHECK_TEST_PG is not set and MIGCHECK_REQUIRE_PG=1");
	skip();
	return NULL;
}

/* a fresh database per test, through the module under test */
static int setup_scratch(void **state)
{
	const char *srv = getenv("MIGCHECK_TEST_PG");
	mc_scratch_opts opts = { srv, NULL };
	mc_scratch *s = NULL;
	*state = NULL;
	if (!srv || !*srv)
		return 0;
	if (mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts) < 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown_scratch(void **state)
{
	mc_scratch_free(*state);
	return 0;
}

static mc_db *connect(void **state)
{
	mc_db *db = NULL;
	server();
	assert_int_equal(mc_scratch_connect(&db, *state), 0);
	assert_int_equal(mc_db_engine(db), MC_DIALECT_POSTGRES);
	return db;
}

static char *one(mc_db *db, const char *sql)
{
	mc_db_result *r = NULL;
	char *v;
	assert_int_equal(mc_db_query(&r, db, sql), 0);
	v = mc_db_result_rows(r) && mc_db_result_get(r, 0, 0)
	            ? mc_strdup(mc_db_result_get(r, 0, 0))
	            : NULL;
	mc_db_result_free(r);
	return v;
}

static const char *every_kind =
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"
        "CREATE SCHEMA app;\n"
        "CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');\n"
        "CREATE TYPE app.pair AS (a int, b text);\n"
        "CREATE TYPE app.span AS RANGE (subtype = float8);\n"
        "CREATE DOMAIN app.email AS text NOT NULL CHECK (VALUE LIKE '%@%');\n"
        "CREATE SEQUENCE app.counter START 10 INCREMENT 5;\n"
        "CREATE TABLE app.teams (id serial PRIMARY KEY, name text COLLATE \"C\" UNIQUE);\n"
        "CREATE TABLE app.users (\n"
        "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
        "  email varchar(100) NOT NULL,\n"
        "  mood app.mood DEFAULT 'ok',\n"
        "  team_id int REFERENCES app.teams(id) ON DELETE SET NULL,\n"
        "  age int CHECK (age > 0),\n"
        "  age2 int GENERATED ALWAYS AS (age * 2) STORED);\n"
        "CREATE INDEX ON app.users (lower(email));\n"
        "CREATE UNIQUE INDEX users_email_uq ON app.users (email) WHERE age > 1;\n"
        "CREATE VIEW app.adults AS SELECT id, email FROM app.users WHERE age >= 18;\n"
        "CREATE MATERIALIZED VIEW app.counts AS SELECT team_id, count(*) FROM app.users GROUP BY team_id;\n"
        "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
        "CREATE PROCEDURE app.p(x int) LANGUAGE sql AS $$ SELECT 1 $$;\n"
        "CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();\n"
        "CREATE TABLE public.schema_migrations (version text PRIMARY KEY);\n"
        "CREATE TABLE public.goose_db_version (id serial PRIMARY KEY, version_id bigint);\n";

static const char *attr(const mc_snapshot *s,
                        mc_object_kind k,
                        const char *parent,
                        const char *name,
                        const char *key)
{
	const mc_object *o = mc_snapshot_find(s, k, parent, name);
	if (!o)
		fail_msg("no %s %s %s", mc_object_kind_name(k),
		         parent ? parent : "", name);
	return mc_object_attr(o, key);
}

static void pg__snapshot_every_kind(void **state)
{
	mc_db *db = connect(state);
	mc_snapshot *s = NULL, *again = NULL;
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;

	assert_int_equal(mc_db_exec(db, every_kind), 0);
	assert_int_equal(mc_db_snapshot(&s, db, NULL), 0);
	assert_non_null(mc_snapshot_find(s, MC_OBJ_SCHEMA, NULL, "app"));
	assert_string_equal(
	        attr(s, MC_OBJ_EXTENSION, NULL, "pgcrypto", "schema"),
	        "public");
	assert_string_equal(attr(s, MC_OBJ_TYPE, NULL, "app.mood", "labels"),
	                    "sad,ok,happy");
	assert_string_equal(
	        attr(s, MC_OBJ_TYPE, NULL, "app.pair", "attributes"),
	        "a integer, b text");
	assert_string_equal(attr(s, MC_OBJ_TYPE, NULL, "app.span", "subtype"),
	                    "double precision");
	assert_string_equal(
	        attr(s, MC_OBJ_DOMAIN, NULL, "app.email", "nullable"), "false");
	assert_string_equal(
	        attr(s, MC_OBJ_SEQUENCE, NULL, "app.counter", "increment"),
	        "5");
	assert_string_equal(
	        attr(s, MC_OBJ_SEQUENCE, NULL, "app.teams_id_seq", "owned_by"),
	        "app.teams.id");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.teams", "name", "collation"),
	        "pg_catalog.C");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.users", "email", "type"),
	        "character varying(100)");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.users", "email", "nullable"),
	        "false");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.users", "id", "identity"),
	        "always");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.users", "age2", "generated"),
	        "(age * 2)");
	assert_string_equal(
	        attr(s, MC_OBJ_COLUMN, "app.users", "mood", "default"),
	        "'ok'::app.mood");
	assert_string_equal(
	        attr(s, MC_OBJ_CONSTRAINT, "app.users", "users_team_id_fkey",
	             "definition"),
	        "FOREIGN KEY (team_id) REFERENCES app.teams(id) ON DELETE SET NULL");
	assert_string_equal(attr(s, MC_OBJ_CONSTRAINT, "app.users",
	                         "users_age_check", "definition"),
	                    "CHECK (age > 0)");
	assert_string_equal(
	        attr(s, MC_OBJ_CONSTRAINT, "app.users", "users_pkey", "type"),
	        "primary key");
	assert_string_equal(
	        attr(s, MC_OBJ_INDEX, "app.users", "users_email_uq",
	             "definition"),
	        "CREATE UNIQUE INDEX users_email_uq ON app.users USING btree (email) WHERE (age > 1)");
	assert_true(mc_object_flags(mc_snapshot_find(
	                    s, MC_OBJ_INDEX, "app.users", "users_lower_idx")) &
	            MC_OBJECT_GENERATED_NAME);
	/* the index behind a constraint is described by the constraint */
	assert_null(
	        mc_snapshot_find(s, MC_OBJ_INDEX, "app.users", "users_pkey"));
	assert_non_null(
	        strstr(attr(s, MC_OBJ_VIEW, NULL, "app.adults", "definition"),
	               "WHERE users.age >= 18"));
	assert_non_null(
	        attr(s, MC_OBJ_MATVIEW, NULL, "app.counts", "definition"));
	assert_non_null(strstr(
	        attr(s, MC_OBJ_FUNCTION, NULL, "app.touch()", "definition"),
	        "LANGUAGE plpgsql"));
	assert_string_equal(
	        attr(s, MC_OBJ_FUNCTION, NULL, "app.p(IN x integer)", "kind"),
	        "procedure");
	assert_string_equal(
	        attr(s, MC_OBJ_TRIGGER, "app.users", "users_touch",
	             "definition"),
	        "CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch()");
	/* range constructors, extension functions, tracking tables: out */
	assert_null(mc_snapshot_find(
	        s, MC_OBJ_FUNCTION, NULL,
	        "app.span(double precision, double precision)"));
	assert_null(mc_snapshot_find(s, MC_OBJ_FUNCTION, NULL,
	                             "public.gen_random_uuid()"));
	assert_null(mc_snapshot_find(s, MC_OBJ_TABLE, NULL,
	                             "public.schema_migrations"));
	assert_null(mc_snapshot_find(s, MC_OBJ_TABLE, NULL,
	                             "public.goose_db_version"));
	assert_null(mc_snapshot_find(s, MC_OBJ_SEQUENCE, NULL,
	                             "public.goose_db_version_id_seq"));
	/* canonical: a second read gives the same bytes */
	assert_int_equal(mc_db_snapshot(&again, db, NULL), 0);
	assert_int_equal(mc_snapshot_serialize(&a, s), 0);
	assert_int_equal(mc_snapshot_serialize(&b, again), 0);
	assert_string_equal(mc_buf_cstr(&a), mc_buf_cstr(&b));
	assert_false(mc_db_in_transaction(db));
	mc_buf_dispose(&a);
	mc_buf_dispose(&b);
	mc_snapshot_free(s);
	mc_snapshot_free(again);
	mc_db_close(db);
}

static void pg__snapshot_custom_excludes(void **state)
{
	mc_db *db = connect(state);
	mc_snapshot *s = NULL;
	const char *const extra[] = { "audit", NULL };
	const char *const only[] = { "nothing", NULL };
	mc_snapshot_opts o1 = { NULL, extra }, o2 = { only, NULL };

	assert_int_equal(
	        mc_db_exec(
	                db,
	                "CREATE TABLE audit (id int); CREATE TABLE schema_migrations (v text)"),
	        0);
	assert_int_equal(mc_db_snapshot(&s, db, &o1), 0);
	assert_null(mc_snapshot_find(s, MC_OBJ_TABLE, NULL, "public.audit"));
	assert_null(mc_snapshot_find(s, MC_OBJ_TABLE, NULL,
	                             "public.schema_migrations"));
	mc_snapshot_free(s);
	assert_int_equal(mc_db_snapshot(&s, db, &o2), 0);
	assert_non_null(
	        mc_snapshot_find(s, MC_OBJ_TABLE, NULL, "public.audit"));
	assert_non_null(mc_snapshot_find(s, MC_OBJ_COLUMN,
	                                 "public.schema_migrations", "v"));
	mc_snapshot_free(s);
	mc_db_close(db);
}

static void pg__diff_known_changes(void **state)
{
	mc_db *db = connect(state);
	mc_snapshot *a = NULL, *b = NULL;
	mc_schema_diff *d = NULL;
	mc_buf t = MC_BUF_INIT;

	assert_int_equal(mc_db_exec(db, every_kind), 0);
	assert_int_equal(mc_db_snapshot(&a, db, NULL), 0);
	if (mc_db_exec(
	            db,
	            "DROP VIEW app.adults;"
	            "ALTER TABLE app.users ALTER COLUMN email TYPE varchar(255);"
	            "DROP INDEX app.users_email_uq;"
	            "ALTER TABLE app.users ADD COLUMN nickname text;"
	            "ALTER TYPE app.mood ADD VALUE 'angry';"
	            "CREATE SEQUENCE app.leftover;"
	            "ALTER TABLE app.users DROP CONSTRAINT users_age_check;"
	            "DROP TABLE app.teams CASCADE;") < 0)
		fail_msg("%s", mc_error_last()->message);
	assert_int_equal(mc_db_snapshot(&b, db, NULL), 0);
	assert_int_equal(mc_snapshot_diff(&d, a, b, NULL), 0);
	assert_int_equal(mc_schema_diff_render_text(&t, d), 0);
	assert_string_equal(
	        mc_buf_cstr(&t),
	        "type app.mood: labels sad,ok,happy -> sad,ok,happy,angry\n"
	        "sequence app.leftover: unexpected\n"
	        "sequence app.teams_id_seq: missing\n"
	        "table app.teams: missing\n"
	        "table app.users: column email: type character varying(100) -> character varying(255)\n"
	        "table app.users: column nickname: unexpected\n"
	        "table app.users: constraint users_age_check: missing\n"
	        "table app.users: constraint users_team_id_fkey: missing\n"
	        "table app.users: index users_email_uq: missing\n"
	        "view app.adults: missing\n");
	mc_buf_dispose(&t);
	mc_schema_diff_free(d);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
	mc_db_close(db);
}

static void pg__script_error_file_line_and_rollback(void **state)
{
	mc_db *db = connect(state);
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	mc_sql_error serr = MC_SQL_ERROR_INIT;
	mc_script s;
	const char *sql =
	        "CREATE TABLE a (id int);\n\nCREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n$$ LANGUAGE sql;\n"
	        "ALTER TABLE nowhere ADD COLUMN x int;\n";
	char *v;

	memset(&s, 0, sizeof(s));
	s.path = (char *)"migrations/003_x.up.sql";
	s.line = 2;
	s.sql = (char *)sql;
	s.len = strlen(sql);
	assert_int_equal(mc_sql_split(&s.stmts, &serr, sql, s.len,
	                              MC_DIALECT_POSTGRES, 2),
	                 0);
	assert_int_equal(mc_db_exec_script(db, &s, &err), MC_DB_ESTATEMENT);
	assert_string_equal(err.message, "relation \"nowhere\" does not exist");
	assert_string_equal(err.statement,
	                    "ALTER TABLE nowhere ADD COLUMN x int;");
	assert_int_equal(err.line, 7);
	assert_string_equal(
	        mc_error_last()->message,
	        "migrations/003_x.up.sql:7: relation \"nowhere\" does not exist");
	assert_false(mc_db_in_transaction(db));
	v = one(db, "SELECT count(*) FROM pg_class WHERE relname = 'a'");
	assert_string_equal(v, "0");
	mc_free(v);
	mc_db_exec_error_dispose(&err);
	mc_sql_stmts_free(s.stmts);
	mc_db_close(db);
}

static void pg__concurrently_runs_outside_transaction(void **state)
{
	mc_db *db = connect(state);
	mc_sql_error serr = MC_SQL_ERROR_INIT;
	mc_script s;
	const char *sql =
	        "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n";
	char *v;

	memset(&s, 0, sizeof(s));
	s.path = (char *)"m.sql";
	s.line = 1;
	s.sql = (char *)sql;
	s.len = strlen(sql);
	assert_int_equal(mc_sql_split(&s.stmts, &serr, sql, s.len,
	                              MC_DIALECT_POSTGRES, 1),
	                 0);
	assert_int_equal(mc_db_exec_script(db, &s, NULL), 0);
	v = one(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_id'");
	assert_string_equal(v, "1");
	mc_free(v);
	mc_sql_stmts_free(s.stmts);
	mc_db_close(db);
}

static void pg__readonly_session(void **state)
{
	mc_db *ro = NULL;
	mc_db_readonly_opts opts = { 1500, 700 };
	char *v;
	server();
	assert_int_equal(
	        mc_db_open_readonly(&ro, mc_scratch_url(*state), &opts), 0);
	assert_int_equal(mc_db_exec(ro, "CREATE TABLE t (id int)"),
	                 MC_DB_ESTATEMENT);
	assert_string_equal(
	        mc_error_last()->message,
	        "cannot execute CREATE TABLE in a read-only transaction");
	v = one(ro, "SHOW statement_timeout");
	assert_string_equal(v, "1500ms");
	mc_free(v);
	v = one(ro, "SHOW lock_timeout");
	assert_string_equal(v, "700ms");
	mc_free(v);
	assert_null(mc_db_tls_warning(ro)); /* a unix socket */
	assert_int_equal(mc_db_begin(ro), 0);
	assert_int_equal(mc_db_exec(ro, "SELECT 1"), 0);
	assert_int_equal(mc_db_commit(ro), 0);
	mc_db_close(ro);
}

static void pg__connect_error_masks_password(void **state)
{
	mc_db *db = NULL;
	(void)state;
	server();
	assert_int_equal(
	        mc_db_open(
	                &db,
	                "postgresql://bob:TopSecret@127.0.0.1:1/app?connect_timeout=2"),
	        MC_ERROR);
	assert_null(db);
	assert_null(strstr(mc_error_last()->message, "TopSecret"));
	assert_non_null(strstr(
	        mc_error_last()->message,
	        "cannot connect to 'postgresql://bob:****@127.0.0.1:1/app?connect_timeout=2': "));
	assert_int_equal(
	        mc_db_open(
	                &db,
	                "host=127.0.0.1 port=1 password=TopSecret connect_timeout=2"),
	        MC_ERROR);
	assert_null(strstr(mc_error_last()->message, "TopSecret"));
	assert_non_null(strstr(
	        mc_error_last()->message,
	        "cannot connect to 'host=127.0.0.1 port=1 password=**** connect_timeout=2': "));
}

static void pg__lost_connection(void **state)
{
	mc_db *db = connect(state), *admin = NULL;
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	mc_script s;
	char *pid, *sql;

	pid = one(db, "SELECT pg_backend_pid()");
	assert_int_equal(mc_db_open(&admin, server()), 0);
	sql = mc_asprintf("SELECT pg_terminate_backend(%s)", pid);
	assert_int_equal(mc_db_exec(admin, sql), 0);
	memset(&s, 0, sizeof(s));
	s.path = (char *)"m.sql";
	s.line = 4;
	s.sql = (char *)"SELECT 1;";
	s.len = 9;
	assert_int_equal(mc_db_exec_script(db, &s, &err), MC_DB_ECONNECTION);
	assert_int_equal(err.connection_lost, 1);
	assert_non_null(strstr(mc_error_last()->message,
	                       "lost the connection to the database server"));
	mc_db_exec_error_dispose(&err);
	mc_free(pid);
	mc_free(sql);
	mc_db_close(admin);
	mc_db_close(db);
}

static int db_exists(mc_db *admin, const char *name)
{
	mc_db_result *r = NULL;
	char *sql = mc_asprintf(
	        "SELECT 1 FROM pg_database WHERE datname = '%s'", name);
	int n;
	assert_int_equal(mc_db_query(&r, admin, sql), 0);
	n = (int)mc_db_result_rows(r);
	mc_db_result_free(r);
	mc_free(sql);
	return n;
}

static void pg__scratch_on_server_created_reset_dropped(void **state)
{
	mc_scratch_opts opts = { NULL, NULL };
	mc_scratch *s = NULL;
	mc_db *admin = NULL, *db = NULL;
	char *name, *v;
	(void)state;

	opts.server_url = server();
	assert_int_equal(mc_db_open(&admin, opts.server_url), 0);
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts), 0);
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	name = one(db, "SELECT current_database()");
	assert_true(!strncmp(name, "migcheck_scratch_", 17));
	assert_int_equal(mc_db_exec(db, "CREATE TABLE t (id int)"), 0);
	mc_db_close(db);
	assert_int_equal(db_exists(admin, name), 1);
	/* reset: same name, empty */
	assert_int_equal(mc_scratch_reset(s), 0);
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	v = one(db, "SELECT count(*) FROM pg_class WHERE relname = 't'");
	assert_string_equal(v, "0");
	mc_free(v);
	/* removal works with a session still open (WITH (FORCE)) */
	assert_int_equal(mc_scratch_remove(s), 0);
	assert_int_equal(db_exists(admin, name), 0);
	mc_db_close(db);
	mc_scratch_free(s);
	mc_free(name);
	mc_db_close(admin);
}

static void pg__scratch_uri_server_and_bad_server(void **state)
{
	mc_scratch_opts opts = { NULL, NULL };
	mc_scratch *s = NULL;
	mc_db *db = NULL;
	char *uri;
	const char *host;
	(void)state;
	host = strstr(server(), "host=");
	assert_non_null(host);
	/* the same server as a URI: postgresql://postgres@/postgres?host=DIR */
	uri = mc_asprintf("postgresql://postgres:pw@/postgres?host=%.*s",
	                  (int)strcspn(host + 5, " "), host + 5);
	opts.server_url = uri;
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts), 0);
	assert_non_null(strstr(mc_scratch_url(s),
	                       "postgresql://postgres:pw@/migcheck_scratch_"));
	assert_non_null(
	        strstr(mc_scratch_display_url(s),
	               "postgresql://postgres:****@/migcheck_scratch_"));
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	mc_db_close(db);
	mc_scratch_free(s);
	mc_free(uri);
	opts.server_url =
	        "postgresql://u:hidden@127.0.0.1:1/postgres?connect_timeout=2";
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts),
	                 MC_ERROR);
	assert_null(s);
	assert_null(strstr(mc_error_last()->message, "hidden"));
	assert_non_null(strstr(
	        mc_error_last()->message,
	        "cannot connect to 'postgresql://u:****@127.0.0.1:1/postgres?connect_timeout=2'"));
}

static void pg__scratch_stale_cleanup(void **state)
{
	mc_scratch_opts opts = { NULL, NULL };
	mc_db *admin = NULL;
	size_t dropped = 99;
	int fds[2], status;
	char name[128] = "";
	pid_t pid;
	(void)state;

	opts.server_url = server();
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a migcheck that dies without cleaning up */
		mc_scratch *s = NULL;
		mc_db *db = NULL;
		char *n;
		if (mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts) < 0 ||
		    mc_scratch_connect(&db, s) < 0)
			_exit(1);
		n = one(db, "SELECT current_database()");
		mc_db_close(db);
		if (write(fds[1], n, strlen(n)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_true(read(fds[0], name, sizeof(name) - 1) > 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(mc_db_open(&admin, opts.server_url), 0);
	assert_int_equal(db_exists(admin, name), 1);
	/* the dead child's session ends asynchronously: wait for it, since
	 * a database somebody is connected to is never dropped */
	for (int i = 0; i < 200; i++) {
		char *sql = mc_asprintf("SELECT count(*) FROM pg_stat_activity "
		                        "WHERE datname = '%s'",
		                        name);
		char *n = one(admin, sql);
		int idle = !strcmp(n, "0");
		mc_free(sql);
		mc_free(n);
		if (idle)
			break;
		usleep(50000);
	}
	assert_int_equal(mc_scratch_cleanup_stale(&dropped, opts.server_url),
	                 0);
	assert_true(dropped >= 1);
	assert_int_equal(db_exists(admin, name), 0);
	mc_db_close(admin);
}

/* the throw-away cluster's folder: its URL's ?host=, up to &port= */
static void cluster_dir(char *dir, size_t n, const mc_scratch *s)
{
	const char *h = strstr(mc_scratch_url(s), "?host=");
	assert_non_null(h);
	h += 6;
	snprintf(dir, n, "%.*s", (int)strcspn(h, "&"), h);
}

static void pg__throwaway_cluster(void **state)
{
	mc_scratch *s = NULL;
	mc_db *db = NULL, *tcp = NULL;
	char dir[512], *nopw, pw[64];
	const char *ru;
	struct stat st;
	char *v, *path = mc_strdup(getenv("PATH") ? getenv("PATH") : "");
	unsigned port = 0;
	int end = 0;
	(void)state;

	server();
	/* as on Debian: initdb and postgres are not on PATH */
	setenv("PATH", "/usr/bin:/bin", 1);
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_POSTGRES, NULL), 0);
	setenv("PATH", path, 1);
	mc_free(path);
	cluster_dir(dir, sizeof(dir), s);
	assert_int_equal(stat(dir, &st), 0);
	/* runners get TCP on 127.0.0.1, a free port and a password */
	ru = mc_scratch_runner_url(s);
	assert_int_equal(sscanf(ru, "postgresql://postgres:%32[0-9a-f]@127.0.0.1:%u/migcheck_scratch%n",
	                        pw, &port, &end),
	                 2);
	assert_int_equal(strlen(pw), 32);
	assert_int_equal((size_t)end, strlen(ru));
	assert_true(port > 0 && port < 65536);
	assert_string_not_equal(mc_scratch_display_url(s), "");
	assert_null(strstr(mc_scratch_display_url(s), pw));
	assert_int_equal(mc_db_open(&tcp, ru), 0);
	v = one(tcp, "SHOW listen_addresses");
	assert_string_equal(v, "127.0.0.1");
	mc_free(v);
	mc_db_close(tcp);
	/* without the password TCP is refused: other users of the machine
	 * cannot reach the cluster */
	nopw = mc_asprintf("host=127.0.0.1 port=%u user=postgres dbname=postgres password=wrong",
	                   port);
	assert_int_equal(mc_db_open(&tcp, nopw), MC_ERROR);
	mc_free(nopw);
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	assert_int_equal(mc_db_exec(db, "CREATE TABLE t (id int)"), 0);
	v = one(db, "SHOW fsync");
	assert_string_equal(v, "off");
	mc_free(v);
	v = one(db, "SELECT current_user");
	assert_string_equal(v, "postgres");
	mc_free(v);
	mc_db_close(db);
	assert_int_equal(mc_scratch_reset(s), 0);
	mc_scratch_free(s);
	assert_int_equal(stat(dir, &st), -1);
}

static void pg__no_server_and_no_initdb(void **state)
{
	mc_scratch *s = NULL;
	(void)state;
	server();
	setenv("MIGCHECK_PG_BINDIR", "/nonexistent", 1);
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_POSTGRES, NULL),
	                 MC_ENOTFOUND);
	unsetenv("MIGCHECK_PG_BINDIR");
	assert_null(s);
	assert_int_equal(mc_error_last()->klass, MC_ERROR_DB);
	assert_string_equal(
	        mc_error_last()->message,
	        "no PostgreSQL server for the scratch database: pass --scratch URL, "
	        "set scratch.postgres in .migcheck or MIGCHECK_SCRATCH_URL, "
	        "or install PostgreSQL (initdb) to let migcheck start a throw-away server");
}

/*
 * A child creates a scratch, starts a long query and gets SIGINT: the
 * query is cancelled, the call returns MC_EINTR, the child cleans up
 * through the registry and exits 130. Nothing is left behind.
 * cluster: 1 for the throw-away cluster, 0 for a database on the server.
 */
static void interrupt_child(int cluster, char *left, size_t n)
{
	int fds[2], status;
	pid_t pid;
	ssize_t got;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		mc_scratch_opts opts = { cluster ? NULL : server(), NULL };
		mc_scratch *s = NULL;
		mc_db *db = NULL;
		const char *what;
		char *name = NULL;
		int rc;
		mc_db_signals_install();
		if (mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts) < 0 ||
		    mc_scratch_connect(&db, s) < 0)
			_exit(1);
		if (cluster) {
			char dir[512];
			cluster_dir(dir, sizeof(dir), s);
			name = mc_strdup(dir);
			what = name;
		} else {
			name = one(db, "SELECT current_database()");
			what = name;
		}
		if (write(fds[1], what, strlen(what)) < 0)
			_exit(1);
		close(fds[1]);
		rc = mc_db_exec(db, "SELECT pg_sleep(120)");
		mc_db_close(db);
		/* clean up whatever happened, so a failure leaves nothing */
		mc_scratch_cleanup_all();
		if (rc != MC_EINTR || mc_db_interrupted() != SIGINT) {
			fprintf(stderr, "child: rc %d signal %d: %s\n", rc,
			        mc_db_interrupted(),
			        mc_error_last() ? mc_error_last()->message
			                        : "");
			_exit(2);
		}
		_exit(130);
	}
	close(fds[1]);
	got = read(fds[0], left, n - 1);
	assert_true(got > 0);
	left[got] = '\0';
	close(fds[0]);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 130);
}

static void pg__sigint_drops_server_scratch(void **state)
{
	mc_db *admin = NULL;
	char name[256];
	(void)state;
	interrupt_child(0, name, sizeof(name));
	assert_true(!strncmp(name, "migcheck_scratch_", 17));
	assert_int_equal(mc_db_open(&admin, server()), 0);
	assert_int_equal(db_exists(admin, name), 0);
	mc_db_close(admin);
}

static void pg__sigint_removes_cluster(void **state)
{
	char dir[512];
	struct stat st;
	(void)state;
	server();
	interrupt_child(1, dir, sizeof(dir));
	assert_true(!strncmp(strrchr(dir, '/'), "/migcheck-pg-", 13));
	assert_null(strchr(dir, '&'));
	assert_int_equal(stat(dir, &st), -1);
}

static void pg__exit_without_free_still_drops(void **state)
{
	mc_db *admin = NULL;
	int fds[2], status;
	char name[256];
	ssize_t got;
	pid_t pid;
	(void)state;
	server();
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		mc_scratch_opts opts = { server(), NULL };
		mc_scratch *s = NULL;
		mc_db *db = NULL;
		char *n;
		mc_db_signals_install(); /* also registers the atexit handler */
		if (mc_scratch_create(&s, MC_DIALECT_POSTGRES, &opts) < 0 ||
		    mc_scratch_connect(&db, s) < 0)
			_exit(1);
		n = one(db, "SELECT current_database()");
		if (write(fds[1], n, strlen(n)) < 0)
			_exit(1);
		/* the connection is still open: the drop must force it */
		exit(0);
	}
	close(fds[1]);
	got = read(fds[0], name, sizeof(name) - 1);
	assert_true(got > 0);
	name[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(mc_db_open(&admin, server()), 0);
	assert_int_equal(db_exists(admin, name), 0);
	mc_db_close(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pg__snapshot_every_kind,
		                                setup_scratch,
		                                teardown_scratch),
		cmocka_unit_test_setup_teardown(pg__snapshot_custom_excludes,
		                                setup_scratch,
		                                teardown_scratch),
		cmocka_unit_test_setup_teardown(pg__diff_known_changes,
		                                setup_scratch,
		                                teardown_scratch),
		cmocka_unit_test_setup_teardown(
		        pg__script_error_file_line_and_rollback, setup_scratch,
		        teardown_scratch),
		cmocka_unit_test_setup_teardown(
		        pg__concurrently_runs_outside_transaction,
		        setup_scratch, teardown_scratch),
		cmocka_unit_test_setup_teardown(
		        pg__readonly_session, setup_scratch, teardown_scratch),
		cmocka_unit_test(pg__connect_error_masks_password),
		cmocka_unit_test_setup_teardown(
		        pg__lost_connection, setup_scratch, teardown_scratch),
		cmocka_unit_test(pg__scratch_on_server_created_reset_dropped),
		cmocka_unit_test(pg__scratch_uri_server_and_bad_server),
		cmocka_unit_test(pg__scratch_stale_cleanup),
		cmocka_unit_test(pg__throwaway_cluster),
		cmocka_unit_test(pg__no_server_and_no_initdb),
		cmocka_unit_test(pg__sigint_drops_server_scratch),
		cmocka_unit_test(pg__sigint_removes_cluster),
		cmocka_unit_test(pg__exit_without_free_still_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
