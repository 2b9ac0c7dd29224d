/*
 * test_db.c: the engine-independent layer and the SQLite driver on real
 * database files (URLs: test_db_url.c): exec and queries,
 * scripts in a transaction with file:line errors and rollback,
 * non-transactional scripts, read-only connections, the SQLite catalog
 * reader, and SQLite scratch databases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/sql.h"
#include "util/banned.h"

/* a temp dir per test */
static int setup_dir(void **state)
{
	char *dir = mc_strdup("/tmp/test_db-XXXXXX");
	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_dir(void **state)
{
	char *dir = *state, cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	mc_free(dir);
	return 0;
}

static mc_db *open_file(const char *dir, const char *name)
{
	char url[512];
	mc_db *db = NULL;
	snprintf(url, sizeof(url), "sqlite://%s/%s", dir, name);
	assert_int_equal(mc_db_open(&db, url), 0);
	assert_int_equal(mc_db_engine(db), MC_DIALECT_SQLITE);
	return db;
}

static const char *one(mc_db *db, const char *sql, char *buf, size_t n)
{
	mc_db_result *r = NULL;
	assert_int_equal(mc_db_query(&r, db, sql), 0);
	if (mc_db_result_rows(r) == 0) {
		mc_db_result_free(r);
		return NULL;
	}
	snprintf(buf, n, "%s",
	         mc_db_result_get(r, 0, 0) ? mc_db_result_get(r, 0, 0)
	                                   : "(null)");
	mc_db_result_free(r);
	return buf;
}

/* a script as discovery would build it */
typedef struct {
	mc_script s;
} script;

static void script_init(script *sc,
                        const char *path,
                        unsigned line,
                        const char *sql,
                        mc_dialect d,
                        unsigned flags)
{
	mc_sql_error err = MC_SQL_ERROR_INIT;
	memset(sc, 0, sizeof(*sc));
	sc->s.path = (char *)path;
	sc->s.line = line;
	sc->s.sql = (char *)sql;
	sc->s.len = strlen(sql);
	sc->s.flags = flags;
	assert_int_equal(
	        mc_sql_split(&sc->s.stmts, &err, sql, strlen(sql), d, line), 0);
	mc_sql_error_dispose(&err);
}

static void script_dispose(script *sc)
{
	mc_sql_stmts_free(sc->s.stmts);
}

static void db__sqlite_exec_query(void **state)
{
	mc_db *db = open_file(*state, "a.db");
	mc_db_result *r = NULL;
	int exists = 0;
	char buf[64];

	assert_int_equal(
	        mc_db_exec(
	                db,
	                "CREATE TABLE t (id integer, name text); INSERT INTO t VALUES (1, 'x'), (2, NULL)"),
	        0);
	assert_int_equal(
	        mc_db_query(&r, db, "SELECT id, name FROM t ORDER BY id"), 0);
	assert_int_equal(mc_db_result_rows(r), 2);
	assert_int_equal(mc_db_result_cols(r), 2);
	assert_string_equal(mc_db_result_colname(r, 1), "name");
	assert_string_equal(mc_db_result_get(r, 0, 1), "x");
	assert_null(mc_db_result_get(r, 1, 1));
	assert_null(mc_db_result_get(r, 2, 0));
	mc_db_result_free(r);
	assert_int_equal(mc_db_table_exists(&exists, db, NULL, "t"), 0);
	assert_int_equal(exists, 1);
	assert_int_equal(mc_db_table_exists(&exists, db, NULL, "nope'"), 0);
	assert_int_equal(exists, 0);
	assert_int_equal(mc_db_exec(db, "SELECT * FROM missing"),
	                 MC_DB_ESTATEMENT);
	assert_string_equal(mc_error_last()->message, "no such table: missing");
	assert_true(mc_db_server_version(db) >= 3000000);
	/* transactions */
	assert_int_equal(mc_db_begin(db), 0);
	assert_true(mc_db_in_transaction(db));
	assert_int_equal(mc_db_exec(db, "INSERT INTO t VALUES (3, 'y')"), 0);
	assert_int_equal(mc_db_rollback(db), 0);
	assert_false(mc_db_in_transaction(db));
	assert_string_equal(one(db, "SELECT count(*) FROM t", buf, sizeof(buf)),
	                    "2");
	assert_int_equal(mc_db_rollback(db), 0); /* none open: no-op */
	mc_db_close(db);
	mc_db_close(NULL);
}

static void db__script_error_has_file_line_and_rolls_back(void **state)
{
	mc_db *db = open_file(*state, "b.db");
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	script sc;
	char buf[64];

	script_init(&sc, "db/migrations/002_add.up.sql", 3,
	            "CREATE TABLE a (id integer);\n"
	            "INSERT INTO a VALUES (1);\n"
	            "\n"
	            "INSERT INTO nowhere VALUES (1);\n"
	            "CREATE TABLE b (id integer);\n",
	            MC_DIALECT_SQLITE, 0);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_string_equal(err.message, "no such table: nowhere");
	assert_string_equal(err.statement, "INSERT INTO nowhere VALUES (1);");
	assert_string_equal(err.path, "db/migrations/002_add.up.sql");
	assert_int_equal(err.line, 6);
	assert_int_equal(err.index, 2);
	assert_int_equal(err.connection_lost, 0);
	assert_string_equal(
	        mc_error_last()->message,
	        "db/migrations/002_add.up.sql:6: no such table: nowhere");
	/* all of it was rolled back */
	assert_null(one(db, "SELECT name FROM sqlite_master WHERE name = 'a'",
	                buf, sizeof(buf)));
	assert_false(mc_db_in_transaction(db));
	mc_db_exec_error_dispose(&err);
	script_dispose(&sc);
	mc_db_close(db);
}

static void
db__script_without_transaction_keeps_earlier_statements(void **state)
{
	mc_db *db = open_file(*state, "c.db");
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	script sc;
	char buf[64];

	script_init(
	        &sc, "m.sql", 1,
	        "CREATE TABLE a (id integer);\nVACUUM;\nSELECT * FROM nowhere;\n",
	        MC_DIALECT_SQLITE, MC_SCRIPT_NO_TRANSACTION);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_int_equal(err.line, 3);
	assert_string_equal(
	        one(db, "SELECT name FROM sqlite_master WHERE name = 'a'", buf,
	            sizeof(buf)),
	        "a");
	mc_db_exec_error_dispose(&err);
	script_dispose(&sc);
	mc_db_close(db);
}

static void db__script_own_transaction_left_open_is_rolled_back(void **state)
{
	mc_db *db = open_file(*state, "d.db");
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	script sc, ok;
	char buf[64];

	script_init(
	        &sc, "m.sql", 10,
	        "PRAGMA foreign_keys = OFF;\nBEGIN;\nCREATE TABLE a (id integer);\nCREATE TABLE a (id integer);\nCOMMIT;\n",
	        MC_DIALECT_SQLITE, MC_SCRIPT_OWN_TRANSACTION);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_int_equal(err.line, 13);
	assert_string_equal(err.message, "table a already exists");
	assert_false(mc_db_in_transaction(db));
	assert_null(one(db, "SELECT name FROM sqlite_master WHERE name = 'a'",
	                buf, sizeof(buf)));
	/* and a good one commits */
	script_init(&ok, "n.sql", 1,
	            "BEGIN;\nCREATE TABLE z (id integer);\nCOMMIT;\n",
	            MC_DIALECT_SQLITE, 0);
	assert_int_equal(mc_db_exec_script(db, &ok.s, NULL), 0);
	assert_string_equal(
	        one(db, "SELECT name FROM sqlite_master WHERE name = 'z'", buf,
	            sizeof(buf)),
	        "z");
	mc_db_exec_error_dispose(&err);
	script_dispose(&sc);
	script_dispose(&ok);
	mc_db_close(db);
}

static void db__sqlite_statement_timeout(void **state)
{
	mc_db *db = open_file(*state, "timeout.db");
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	script sc;
	char buf[64];

	assert_int_equal(mc_db_set_statement_timeout(db, 200), 0);
	/* quick statements are not touched */
	assert_int_equal(mc_db_exec(db, "CREATE TABLE keep (id integer)"), 0);
	script_init(
	        &sc, "db/m/002_loop.up.sql", 1,
	        "CREATE TABLE a (id integer);\n"
	        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
	        "  SELECT count(*) FROM c;\n",
	        MC_DIALECT_SQLITE, 0);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_int_equal(err.timed_out, 1);
	assert_int_equal(err.connection_lost, 0);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "interrupted");
	/* the script's transaction is gone, the connection still works */
	assert_false(mc_db_in_transaction(db));
	assert_null(one(db, "SELECT name FROM sqlite_master WHERE name = 'a'",
	                buf, sizeof(buf)));
	/* another failure is not a timeout */
	script_dispose(&sc);
	script_init(&sc, "m.sql", 1, "SELECT * FROM nowhere;\n",
	            MC_DIALECT_SQLITE, 0);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_int_equal(err.timed_out, 0);
	/* 0: no limit (this one just runs a while) */
	assert_int_equal(mc_db_set_statement_timeout(db, 0), 0);
	assert_int_equal(
	        mc_db_exec(db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
	                       "SELECT x + 1 FROM c WHERE x < 300000) "
	                       "SELECT count(*) FROM c"),
	        0);
	mc_db_exec_error_dispose(&err);
	script_dispose(&sc);
	mc_db_close(db);
}

static void db__script_long_statement_truncated(void **state)
{
	mc_db *db = open_file(*state, "e.db");
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	mc_buf sql = MC_BUF_INIT;
	script sc;

	assert_int_equal(mc_buf_puts(&sql, "SELECT nope"), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(mc_buf_puts(&sql, ", 1"), 0);
	assert_int_equal(mc_buf_puts(&sql, ";"), 0);
	script_init(&sc, "m.sql", 1, sql.ptr, MC_DIALECT_SQLITE, 0);
	assert_int_equal(mc_db_exec_script(db, &sc.s, &err), MC_DB_ESTATEMENT);
	assert_int_equal(strlen(err.statement), 203);
	assert_string_equal(err.statement + 200, "...");
	mc_db_exec_error_dispose(&err);
	script_dispose(&sc);
	mc_buf_dispose(&sql);
	mc_db_close(db);
}

static void db__sqlite_readonly_refuses_writes(void **state)
{
	char url[512];
	mc_db *db = open_file(*state, "ro.db"), *ro = NULL;
	assert_int_equal(mc_db_exec(db, "CREATE TABLE t (id int)"), 0);
	mc_db_close(db);
	snprintf(url, sizeof(url), "sqlite://%s/ro.db", (char *)*state);
	assert_int_equal(mc_db_open_readonly(&ro, url, NULL), 0);
	assert_int_equal(mc_db_exec(ro, "INSERT INTO t VALUES (1)"),
	                 MC_DB_ESTATEMENT);
	assert_string_equal(mc_error_last()->message,
	                    "attempt to write a readonly database");
	mc_db_close(ro);
	snprintf(url, sizeof(url), "sqlite://%s/missing.db", (char *)*state);
	assert_int_equal(mc_db_open_readonly(&ro, url, NULL), MC_ERROR);
	assert_non_null(strstr(mc_error_last()->message,
	                       "cannot open sqlite database '"));
	assert_null(ro);
}

static const char *sqlite_schema =
        "CREATE TABLE users (\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
        "  age INTEGER DEFAULT 0 CHECK (age >= 0),\n"
        "  team_id INTEGER REFERENCES teams(id) ON DELETE CASCADE,\n"
        "  CONSTRAINT email_len CHECK (length(email) > 3)\n"
        ");\n"
        "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT, full TEXT GENERATED ALWAYS AS (name || '!') VIRTUAL);\n"
        "CREATE INDEX users_age ON users (age DESC) WHERE age > 10;\n"
        "CREATE VIEW adults AS SELECT id FROM users   WHERE age >= 18;\n"
        "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\n"
        "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);\n";

static void db__sqlite_snapshot(void **state)
{
	mc_db *db = open_file(*state, "s.db");
	mc_snapshot *s = NULL;
	mc_buf t = MC_BUF_INIT;

	assert_int_equal(mc_db_exec(db, sqlite_schema), 0);
	assert_int_equal(mc_db_snapshot(&s, db, NULL), 0);
	assert_int_equal(mc_snapshot_serialize(&t, s), 0);
	assert_string_equal(
	        mc_buf_cstr(&t),
	        "table\tmain.teams\n"
	        "column\tmain.teams\tfull\n"
	        "\tgenerated\tvirtual\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t3\n"
	        "\ttype\tTEXT\n"
	        "column\tmain.teams\tid\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t1\n"
	        "\ttype\tINTEGER\n"
	        "column\tmain.teams\tname\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t2\n"
	        "\ttype\tTEXT\n"
	        "constraint\tmain.teams\tteams_pkey\n"
	        "\t!generated-name\n"
	        "\tdefinition\tPRIMARY KEY (id)\n"
	        "\ttype\tprimary key\n"
	        "table\tmain.users\n"
	        "column\tmain.users\tage\n"
	        "\tdefault\t0\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t3\n"
	        "\ttype\tINTEGER\n"
	        "column\tmain.users\temail\n"
	        "\tcollation\tNOCASE\n"
	        "\tnullable\tfalse\n"
	        "\tordinal\t2\n"
	        "\ttype\tTEXT\n"
	        "column\tmain.users\tid\n"
	        "\tidentity\tautoincrement\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t1\n"
	        "\ttype\tINTEGER\n"
	        "column\tmain.users\tteam_id\n"
	        "\tnullable\ttrue\n"
	        "\tordinal\t4\n"
	        "\ttype\tINTEGER\n"
	        "constraint\tmain.users\tCHECK (age >= 0)\n"
	        "\t!generated-name\n"
	        "\tdefinition\tCHECK (age >= 0)\n"
	        "\ttype\tcheck\n"
	        "constraint\tmain.users\temail_len\n"
	        "\tdefinition\tCHECK (length(email) > 3)\n"
	        "\ttype\tcheck\n"
	        "constraint\tmain.users\tusers_email_key\n"
	        "\t!generated-name\n"
	        "\tdefinition\tUNIQUE (email COLLATE NOCASE)\n"
	        "\ttype\tunique\n"
	        "constraint\tmain.users\tusers_pkey\n"
	        "\t!generated-name\n"
	        "\tdefinition\tPRIMARY KEY (id)\n"
	        "\ttype\tprimary key\n"
	        "constraint\tmain.users\tusers_team_id_fkey\n"
	        "\t!generated-name\n"
	        "\tdefinition\tFOREIGN KEY (team_id) REFERENCES teams(id) ON UPDATE NO ACTION ON DELETE CASCADE\n"
	        "\ttype\tforeign key\n"
	        "index\tmain.users\tusers_age\n"
	        "\tcolumns\tage DESC\n"
	        "\tunique\tfalse\n"
	        "\twhere\tage > 10\n"
	        "trigger\tmain.users\tusers_touch\n"
	        "\tdefinition\tCREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END\n"
	        "view\tmain.adults\n"
	        "\tdefinition\tCREATE VIEW adults AS SELECT id FROM users WHERE age >= 18\n");
	mc_buf_dispose(&t);
	mc_snapshot_free(s);
	mc_db_close(db);
}

static void db__sqlite_table_options(void **state)
{
	mc_db *db = open_file(*state, "o.db");
	mc_snapshot *s = NULL;
	const mc_object *o;

	assert_int_equal(mc_db_exec(db, "CREATE TABLE kv (k TEXT PRIMARY KEY, "
	                                "v INT) WITHOUT ROWID, STRICT"),
	                 0);
	assert_int_equal(mc_db_snapshot(&s, db, NULL), 0);
	o = mc_snapshot_find(s, MC_OBJ_TABLE, NULL, "main.kv");
	assert_non_null(o);
	assert_string_equal(mc_object_attr(o, "without_rowid"), "true");
	assert_string_equal(mc_object_attr(o, "strict"), "true");
	mc_snapshot_free(s);
	mc_db_close(db);
}

static void db__sqlite_snapshot_diff_after_change(void **state)
{
	mc_db *db = open_file(*state, "d.db");
	mc_snapshot *a = NULL, *b = NULL;
	mc_schema_diff *d = NULL;
	mc_buf t = MC_BUF_INIT;

	assert_int_equal(mc_db_exec(db, sqlite_schema), 0);
	assert_int_equal(mc_db_snapshot(&a, db, NULL), 0);
	assert_int_equal(
	        mc_db_exec(
	                db,
	                "DROP INDEX users_age; ALTER TABLE teams ADD COLUMN size int NOT NULL DEFAULT 1;"
	                "DROP VIEW adults; CREATE VIEW adults AS SELECT id FROM users WHERE age > 17;"),
	        0);
	assert_int_equal(mc_db_snapshot(&b, db, NULL), 0);
	assert_int_equal(mc_snapshot_diff(&d, a, b, NULL), 0);
	assert_int_equal(mc_schema_diff_render_text(&t, d), 0);
	assert_string_equal(
	        mc_buf_cstr(&t),
	        "table main.teams: column size: unexpected\n"
	        "table main.users: index users_age: missing\n"
	        "view main.adults: definition CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18 -> "
	        "CREATE VIEW adults AS SELECT id FROM users WHERE age > 17\n");
	mc_buf_dispose(&t);
	mc_schema_diff_free(d);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
	mc_db_close(db);
}

static void db__sqlite_scratch_is_private_and_removed(void **state)
{
	mc_scratch *s = NULL;
	mc_db *db = NULL;
	mc_scratch_opts opts = { NULL, *state };
	char path[512], buf[64];
	struct stat st;

	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_SQLITE, &opts), 0);
	assert_int_equal(mc_scratch_engine(s), MC_DIALECT_SQLITE);
	assert_non_null(strstr(mc_scratch_url(s), "sqlite://"));
	snprintf(path, sizeof(path), "%s",
	         mc_scratch_url(s) + strlen("sqlite://"));
	*strrchr(path, '/') = '\0';
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	assert_int_equal(mc_db_exec(db, "CREATE TABLE t (id int)"), 0);
	mc_db_close(db);
	assert_int_equal(mc_scratch_reset(s), 0);
	assert_int_equal(mc_scratch_connect(&db, s), 0);
	assert_null(
	        one(db, "SELECT name FROM sqlite_master", buf, sizeof(buf)));
	mc_db_close(db);
	assert_int_equal(mc_scratch_remove(s), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(mc_scratch_remove(s), 0);
	mc_scratch_free(s);
	mc_scratch_free(NULL);
	/* freeing without remove also removes */
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_SQLITE, &opts), 0);
	snprintf(path, sizeof(path), "%s",
	         mc_scratch_url(s) + strlen("sqlite://"));
	mc_scratch_free(s);
	assert_int_equal(stat(path, &st), -1);
}

static void db__scratch_cleanup_all(void **state)
{
	mc_scratch *a = NULL, *b = NULL;
	mc_scratch_opts opts = { NULL, *state };
	char pa[512], pb[512];
	struct stat st;

	assert_int_equal(mc_scratch_create(&a, MC_DIALECT_SQLITE, &opts), 0);
	assert_int_equal(mc_scratch_create(&b, MC_DIALECT_SQLITE, &opts), 0);
	snprintf(pa, sizeof(pa), "%s", mc_scratch_url(a) + 9);
	snprintf(pb, sizeof(pb), "%s", mc_scratch_url(b) + 9);
	*strrchr(pa, '/') = '\0';
	*strrchr(pb, '/') = '\0';
	mc_scratch_cleanup_all();
	assert_int_equal(stat(pa, &st), -1);
	assert_int_equal(stat(pb, &st), -1);
	mc_scratch_free(a);
	mc_scratch_free(b);
}

static void make_leftover(const char *dir, const char *name, long pid)
{
	char path[600];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	if (pid < 0)
		return;
	snprintf(path, sizeof(path), "%s/%s/migcheck.owner", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%ld\n", pid);
	fclose(f);
}

static int exists_in(const char *dir, const char *name)
{
	char path[600];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void db__scratch_sweeps_leftovers_of_dead_processes(void **state)
{
	mc_scratch *s = NULL;
	mc_scratch_opts opts = { NULL, *state };
	pid_t dead = fork();
	int status;

	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, &status, 0), dead);
	make_leftover(*state, "migcheck-pg-AAAAAA", (long)dead);
	make_leftover(*state, "migcheck-sqlite-BBBBBB", (long)dead);
	make_leftover(*state, "migcheck-sqlite-CCCCCC", (long)getpid());
	make_leftover(*state, "migcheck-sqlite-DDDDDD", -1); /* not ours */
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_SQLITE, &opts), 0);
	assert_false(exists_in(*state, "migcheck-pg-AAAAAA"));
	assert_false(exists_in(*state, "migcheck-sqlite-BBBBBB"));
	assert_true(exists_in(*state, "migcheck-sqlite-CCCCCC"));
	assert_true(exists_in(*state, "migcheck-sqlite-DDDDDD"));
	mc_scratch_free(s);
}

static void db__scratch_bad_tmpdir(void **state)
{
	mc_scratch *s = NULL;
	mc_scratch_opts opts = { NULL, "/nonexistent/dir" };
	(void)state;
	assert_int_equal(mc_scratch_create(&s, MC_DIALECT_SQLITE, &opts),
	                 MC_ERROR);
	assert_string_equal(
	        mc_error_last()->message,
	        "cannot create a temporary directory in '/nonexistent/dir': No such file or directory");
	assert_null(s);
}

static void db__alloc_failures_sqlite(void **state)
{
	for (unsigned long n = 1;; n++) {
		mc_db *db = NULL;
		mc_snapshot *s = NULL;
		char url[512];
		int error;
		snprintf(url, sizeof(url), "sqlite://%s/oom.db",
		         (char *)*state);
		mc_alloc_fail_at(n);
		error = mc_db_open(&db, url);
		if (!error)
			error = mc_db_exec(
			        db,
			        "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, x text UNIQUE CHECK (x <> ''));"
			        "CREATE INDEX IF NOT EXISTS t_x ON t (x)");
		if (!error)
			error = mc_db_snapshot(&s, db, NULL);
		mc_alloc_fail_at(0);
		mc_snapshot_free(s);
		mc_db_close(db);
		if (!error)
			break;
		assert_int_equal(error, MC_ENOMEM);
		assert_true(n < 10000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(db__sqlite_exec_query,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__script_error_has_file_line_and_rolls_back,
		        setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__script_without_transaction_keeps_earlier_statements,
		        setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__script_own_transaction_left_open_is_rolled_back,
		        setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__script_long_statement_truncated, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__sqlite_readonly_refuses_writes, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(db__sqlite_statement_timeout,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(db__sqlite_snapshot, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(db__sqlite_table_options,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__sqlite_snapshot_diff_after_change, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__sqlite_scratch_is_private_and_removed, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(db__scratch_cleanup_all,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        db__scratch_sweeps_leftovers_of_dead_processes,
		        setup_dir, teardown_dir),
		cmocka_unit_test(db__scratch_bad_tmpdir),
		cmocka_unit_test_setup_teardown(db__alloc_failures_sqlite,
		                                setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
