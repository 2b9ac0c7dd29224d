/*
 * db.h: database connections (SQLite and PostgreSQL behind one driver
 * table), running migration scripts, and scratch databases.
 *
 * URLs: "postgres://..." and "postgresql://..." URIs and libpq conninfo
 * strings ("host=... dbname=...") are PostgreSQL; "sqlite:///abs/path",
 * "sqlite:rel/path", "file:..." (SQLite URI), ":memory:" and any other plain
 * path are SQLite. Every message that shows a URL shows it through
 * mc_url_redact: passwords never appear in output.
 *
 * Not thread-safe: one mc_db per thread.
 */
#ifndef MIGCHECK_DB_H
#define MIGCHECK_DB_H

#include <stddef.h>
#include "common.h"
#include "buf.h"
#include "migration.h"
#include "schema.h"

/*
 * Codes beyond errors.h, returned by the functions below. Both leave a
 * message in mc_error_last() as well.
 */
enum {
	/* a statement of the script failed: the database said no. This is
	 * the migration's fault (a finding such as up-failed), not an
	 * environment error; mc_db_exec_error holds the details. */
	MC_DB_ESTATEMENT = -20,
	/* the connection was lost / the server went away (exit 3) */
	MC_DB_ECONNECTION = -21,
	/* the database's file system is full, or a file size limit
	 * (ulimit -f) was hit: an environment error (exit 3), not the
	 * migration's fault */
	MC_DB_ENOSPACE = -22
};

/* the read-only session's limits when mc_db_readonly_opts says 0 */
#define MC_DB_STATEMENT_TIMEOUT_MS 30000
#define MC_DB_LOCK_TIMEOUT_MS 5000

typedef struct mc_db mc_db;

/**
 * Where and why a script failed. Owned strings; free them with
 * mc_db_exec_error_dispose.
 */
typedef struct {
	/* the database's message, one line, passwords masked */
	char *message;
	/* the failing statement, at most 200 bytes, then "..." */
	char *statement;
	/* the script's file (mc_script.path), or NULL */
	char *path;
	/* file line of the failing statement's first token; 0 unknown */
	unsigned line;
	/* 0-based index of the failing statement */
	size_t index;
	/* 1 when the server went away (MC_DB_ECONNECTION) */
	int connection_lost;
	/* 1 when the statement ran into mc_db_set_statement_timeout's limit
	 * (MC_DB_ESTATEMENT; message is then the database's own words) */
	int timed_out;
} mc_db_exec_error;

/* clang-format off */
#define MC_DB_EXEC_ERROR_INIT { NULL, NULL, NULL, 0, 0, 0, 0 }
/* clang-format on */

void mc_db_exec_error_dispose(mc_db_exec_error *err);

/**
 * Connect to a database.
 * @param[out] out free with mc_db_close
 * @param url see the top of this file
 * @return 0, MC_ERROR (MC_ERROR_DB: cannot connect, message names the
 *         redacted URL), MC_ENOMEM
 */
MC_NODISCARD int mc_db_open(mc_db **out, const char *url);

/** Limits for a read-only session (drift targets). 0 picks the default. */
typedef struct {
	unsigned statement_timeout_ms; /* default MC_DB_STATEMENT_TIMEOUT_MS */
	unsigned lock_timeout_ms;      /* default MC_DB_LOCK_TIMEOUT_MS */
} mc_db_readonly_opts;

/**
 * Connect read-only: PostgreSQL sessions get default_transaction_read_only,
 * statement_timeout and lock_timeout (and mc_db_begin starts READ ONLY
 * transactions); SQLite files are opened with SQLITE_OPEN_READONLY.
 * Any write fails in the database.
 * @param opts may be NULL for the defaults
 */
MC_NODISCARD int mc_db_open_readonly(mc_db **out,
                                     const char *url,
                                     const mc_db_readonly_opts *opts);

/** Close and free; NULL is a no-op. */
void mc_db_close(mc_db *db);

/**
 * Limit every statement on db to ms milliseconds (a read-write connection,
 * e.g. a scratch database; read-only ones take their limits at open).
 * PostgreSQL: SET statement_timeout for the session, over the server's,
 * PGOPTIONS' or the URL's value; 0 goes back to that value (RESET).
 * SQLite: a progress handler stops a statement past its deadline; 0: none.
 * A statement that runs out of time fails with MC_DB_ESTATEMENT and
 * mc_db_exec_error.timed_out set (a cancel for another reason, e.g. a
 * lower limit of the server's own, does not set it).
 * @return 0, MC_DB_ESTATEMENT, MC_DB_ECONNECTION, MC_EINTR
 */
MC_NODISCARD int mc_db_set_statement_timeout(mc_db *db, unsigned ms);

/** @return MC_DIALECT_POSTGRES or MC_DIALECT_SQLITE. */
mc_dialect mc_db_engine(const mc_db *db);

/** @return the engine a URL names (see the top of this file); never UNKNOWN. */
mc_dialect mc_db_url_engine(const char *url);

/**
 * @return the server version as a number: PostgreSQL server_version_num
 *         (150004), SQLite sqlite3_libversion_number() (3040001).
 */
int mc_db_server_version(const mc_db *db);

/** @return the URL the db was opened with, password masked; borrowed. */
const char *mc_db_display_url(const mc_db *db);

/**
 * @return a one-line warning when the connection goes to a remote host
 *         without verifying the server's certificate (sslmode other than
 *         verify-ca/verify-full), else NULL; borrowed. The CLI prints it.
 */
const char *mc_db_tls_warning(const mc_db *db);

/**
 * @return the SQLSTATE of the last failed statement on db ("57014" a
 *         statement timeout or cancel, "55P03" a lock timeout), "" when
 *         the engine has none (SQLite) or nothing failed; borrowed.
 */
const char *mc_db_error_sqlstate(const mc_db *db);

/**
 * @return why the connection was lost, from a MC_DB_ECONNECTION message
 *         ("lost the connection to the database server: WHY"): WHY, or
 *         the message as it is; borrowed from message.
 */
const char *mc_db_lost_reason(const char *message);

/** @return 1 while a transaction (mc_db_begin or a script's) is open. */
int mc_db_in_transaction(const mc_db *db);

/**
 * Run SQL (one or more statements, no results kept) outside any script.
 * @return 0, MC_DB_ESTATEMENT (message in mc_error_last), MC_DB_ECONNECTION,
 *         MC_EINTR (cancelled by SIGINT/SIGTERM, see mc_db_signals_install)
 */
MC_NODISCARD int mc_db_exec(mc_db *db, const char *sql);

MC_NODISCARD int mc_db_begin(mc_db *db);
MC_NODISCARD int mc_db_commit(mc_db *db);
/** Roll back the open transaction; a no-op when none is open. */
MC_NODISCARD int mc_db_rollback(mc_db *db);

/**
 * Run a migration script (one direction): its statements one by one
 * (s->stmts; when NULL the whole s->sql is sent as one batch).
 *
 * Transactions: wrapped in BEGIN/COMMIT unless s->flags has
 * MC_SCRIPT_NO_TRANSACTION or MC_SCRIPT_OWN_TRANSACTION, or a statement has
 * MC_STMT_NO_TRANSACTION/MC_STMT_TRANSACTION_CONTROL (then statements run
 * as written, each committing on its own). When the caller already opened
 * a transaction with mc_db_begin, statements run inside it and the caller
 * commits or rolls back.
 *
 * On failure the script's own transaction is rolled back (and a
 * transaction the script opened itself and left failed is rolled back
 * too), so the database is as before the script, except for statements
 * already committed by a non-transactional script.
 *
 * @param err may be NULL; filled on MC_DB_ESTATEMENT/MC_DB_ECONNECTION/
 *        MC_DB_ENOSPACE; dispose with mc_db_exec_error_dispose
 * @return 0; MC_DB_ESTATEMENT when a statement failed (err says where, and
 *         mc_error_last() holds "path:line: message"); MC_DB_ECONNECTION;
 *         MC_DB_ENOSPACE; MC_EINTR; MC_ENOMEM
 */
MC_NODISCARD int
mc_db_exec_script(mc_db *db, const mc_script *s, mc_db_exec_error *err);

/* ---- queries with text results (for tracking tables, drift history) ---- */

typedef struct mc_db_result mc_db_result;

/**
 * Run one query and keep its rows as text.
 * @param[out] out free with mc_db_result_free
 * @return 0, MC_DB_ESTATEMENT, MC_DB_ECONNECTION, MC_EINTR, MC_ENOMEM
 */
MC_NODISCARD int mc_db_query(mc_db_result **out, mc_db *db, const char *sql);
size_t mc_db_result_rows(const mc_db_result *r);
size_t mc_db_result_cols(const mc_db_result *r);
/** @return column name; borrowed from r. */
const char *mc_db_result_colname(const mc_db_result *r, size_t col);
/** @return the value as text, NULL for SQL NULL or out of range;
 *  borrowed from r. */
const char *mc_db_result_get(const mc_db_result *r, size_t row, size_t col);
void mc_db_result_free(mc_db_result *r);

/**
 * @param[out] out 1 when a table (or view) of that name exists; schema
 *        may be NULL (PostgreSQL: anywhere on the search_path; SQLite: main)
 */
MC_NODISCARD int
mc_db_table_exists(int *out, mc_db *db, const char *schema, const char *table);

/**
 * Read the database's schema (see schema.h for the model).
 * @param opts may be NULL (defaults: tracking tables excluded)
 * @param[out] out free with mc_snapshot_free
 */
MC_NODISCARD int
mc_db_snapshot(mc_snapshot **out, mc_db *db, const mc_snapshot_opts *opts);

/* ---- secrets ---- */

/**
 * Append url with its password masked as "****" (URI user:password@,
 * ?password=..., conninfo password=...) to out.
 */
MC_NODISCARD int mc_url_redact(mc_buf *out, const char *url);
/**
 * The secrets of a connection URL or conninfo string, one at a time: the
 * URI's user:password@ and every password=... value (a quoted one with
 * its quotes). Start with *pos 0.
 * @return 1 with url[*from, *to) the next secret, 0 when there is none left
 */
int mc_url_next_secret(const char *url, size_t *pos, size_t *from, size_t *to);

/**
 * @return the file of a SQLite URL or path ("sqlite:///abs" -> "/abs",
 * borrowed from url); NULL for PostgreSQL, a "file:" URI or an empty path.
 */
const char *mc_db_url_sqlite_file(const char *url);

/**
 * @return 1 when url (a postgres URL or conninfo; PGHOST and PGSSLMODE
 * as fallbacks) reaches a host other than a unix socket or loopback
 * without sslmode verify-full or verify-ca; 0 otherwise (SQLite, or a
 * string libpq cannot read).
 */
int mc_db_url_insecure(const char *url);

/* ---- the database as other programs read it ---- */

/**
 * What [runner] and models.command programs are told about a database:
 * {url} and DATABASE_URL carry url; PostgreSQL's parts also go into
 * PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD (src/runner).
 * Owned strings; NULL when the URL does not give that part.
 */
typedef struct {
	/* a URI that node-postgres, sequelize, knex, dbmate and psql read:
	 * postgresql://user[:password]@host:port/dbname?key=value, a socket
	 * directory as localhost + ?host=/dir; SQLite URLs as given */
	char *url;
	char *host; /* hostaddr when given, else host: a name, an address
	             * or a socket directory */
	char *port;
	char *user;
	char *dbname;
	char *password;
	int postgres; /* a PostgreSQL URL libpq reads */
	int socket;   /* PostgreSQL through a unix socket (a directory or
	               * no host at all): no TCP host for a client to use */
} mc_db_client;

/**
 * Read url (a URI or a conninfo) as other programs need it.
 * @param[out] out dispose with mc_db_client_dispose
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_db_client_init(mc_db_client *out, const char *url);
void mc_db_client_dispose(mc_db_client *c);

/* ---- signals ---- */

/**
 * Install SIGINT/SIGTERM handlers (idempotent). A signal sets a flag and
 * cancels the running PostgreSQL query; the call in progress returns
 * MC_EINTR with an error "interrupted". The caller then unwinds normally,
 * freeing its scratch databases (mc_scratch_free), or calls
 * mc_scratch_cleanup_all(), and exits (130 for SIGINT, 143 for SIGTERM).
 * An atexit handler also removes every scratch still alive.
 */
void mc_db_signals_install(void);
/** @return the signal number received since install (0 when none). */
int mc_db_interrupted(void);

/* ---- scratch databases ---- */

typedef struct mc_scratch mc_scratch;

typedef struct {
	/* PostgreSQL: server (URL or conninfo) on which to CREATE DATABASE;
	 * from --scratch, scratch.postgres or MIGCHECK_SCRATCH_URL. NULL: start
	 * a throw-away cluster with initdb when one is installed. */
	const char *server_url;
	/* parent of temp dirs; NULL: $TMPDIR, else /tmp */
	const char *tmpdir;
} mc_scratch_opts;

/**
 * Create a fresh, empty scratch database.
 * SQLite: a file in a private mkdtemp directory. PostgreSQL: see
 * mc_scratch_opts.server_url; the database is named
 * migcheck_scratch_<pid>_<host>_<random>. The scratch is registered so an
 * interrupted or exiting process removes it.
 * @param opts may be NULL
 * @param[out] out free with mc_scratch_free (which removes the database)
 * @return 0; MC_ENOTFOUND with MC_ERROR_DB when PostgreSQL is needed and
 *         neither a server is configured nor initdb installed (message
 *         names --scratch and MIGCHECK_SCRATCH_URL; exit 3); MC_ERROR
 *         (cannot connect / create), MC_EINTR, MC_ENOMEM
 */
MC_NODISCARD int mc_scratch_create(mc_scratch **out,
                                   mc_dialect engine,
                                   const mc_scratch_opts *opts);

/** @return URL of the scratch database, with password (for connecting and
 *  DATABASE_URL); borrowed. PostgreSQL: a postgresql:// URI. */
const char *mc_scratch_url(const mc_scratch *s);
/** @return the URL for [runner] and models.command programs; borrowed.
 *  The throw-away cluster's is postgresql://postgres:PW@127.0.0.1:PORT/db
 *  (TCP with a password of its own; migcheck itself uses the socket);
 *  otherwise mc_scratch_url. Read it with mc_db_client_init. */
const char *mc_scratch_runner_url(const mc_scratch *s);
/** @return the same URL with the password masked; borrowed. */
const char *mc_scratch_display_url(const mc_scratch *s);
mc_dialect mc_scratch_engine(const mc_scratch *s);

/** Connect to the scratch database (mc_db_open(url); a SQLite scratch
 * file runs with synchronous=OFF and its journal in memory). */
MC_NODISCARD int mc_scratch_connect(mc_db **out, mc_scratch *s);

/**
 * Make the scratch database empty again (drop and create it, same name /
 * path). Close every connection to it first.
 */
MC_NODISCARD int mc_scratch_reset(mc_scratch *s);

/**
 * Remove the database (and the cluster / temp dir) now, keeping the
 * handle; idempotent. Close every connection to it first.
 * @return 0 or MC_ERROR when it could not be removed (message says what
 *         was left behind)
 */
MC_NODISCARD int mc_scratch_remove(mc_scratch *s);

/** Remove (ignoring errors) and free; NULL is a no-op. */
void mc_scratch_free(mc_scratch *s);

/**
 * @return the name of the last PostgreSQL scratch database this process
 *         could not drop (its server was gone), or NULL; borrowed. The
 *         CLI tells the user that 'migcheck roundtrip --cleanup' drops it.
 */
const char *mc_scratch_left_behind(void);

/** Remove every scratch of this process still alive (signal path, atexit). */
void mc_scratch_cleanup_all(void);

/**
 * Drop databases named migcheck_scratch_* left on a server by migcheck
 * processes of this host that no longer run and with nobody connected.
 * Never drops anything else.
 * @param[out] dropped may be NULL; number of databases dropped
 */
MC_NODISCARD int mc_scratch_cleanup_stale(size_t *dropped,
                                          const char *server_url);

#endif
