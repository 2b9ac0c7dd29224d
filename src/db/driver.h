/*
 * driver.h: the table of functions every database engine implements.
 *
 * db.c holds what is common (url.c the URL parsing; transactions bookkeeping, running
 * scripts statement by statement, error shaping); the drivers only talk to
 * their library. A driver's connection struct starts with struct mc_db.
 */
#ifndef MIGCHECK_DB_DRIVER_H
#define MIGCHECK_DB_DRIVER_H

#include <signal.h>
#include "migcheck/db.h"

struct mc_db_driver {
	const char *name; /* "sqlite", "postgres" */
	mc_dialect engine;
	/* ro: NULL for a read-write connection */
	int (*open)(mc_db **out,
	            const char *url,
	            const mc_db_readonly_opts *ro);
	/* run sql (NUL-terminated, one or more statements). On failure set
	 * mc_error (the database's message, one line) and return
	 * MC_DB_ESTATEMENT, MC_DB_ECONNECTION, MC_DB_ENOSPACE or MC_EINTR. */
	int (*exec)(mc_db *db, const char *sql);
	int (*query)(mc_db_result **out, mc_db *db, const char *sql);
	int (*snapshot)(mc_snapshot **out,
	                mc_db *db,
	                const mc_snapshot_opts *opts);
	/* 1 when the server-side session is inside a transaction block */
	int (*in_transaction)(mc_db *db);
	int (*server_version)(const mc_db *db);
	void (*close)(mc_db *db); /* must accept NULL */
	/* limit each statement to ms (0: no limit of ours); see
	 * mc_db_set_statement_timeout. A statement stopped by it fails with
	 * MC_DB_ESTATEMENT and sets timed_out. */
	int (*set_statement_timeout)(mc_db *db, unsigned ms);
};

struct mc_db {
	const struct mc_db_driver *drv;
	char *display_url; /* redacted */
	int readonly;
	int in_tx;           /* a transaction opened by mc_db_begin */
	int uninterruptible; /* cleanup work: signals do not cancel it */
	char *tls_warning;   /* set by the driver, freed by db.c */
	char sqlstate[6];    /* of the last failed statement, or "" */
	unsigned statement_timeout_ms; /* mc_db_set_statement_timeout's, or 0 */
	int timed_out;                 /* the last exec ran out of it (read by
	                                * mc_db_exec_script right after the failure) */
};

/* the start of a MC_DB_ECONNECTION message (mc_db_lost_reason) */
#define MC_DB__LOST "lost the connection to the database server: "

extern const struct mc_db_driver mc_db_sqlite_driver;
extern const struct mc_db_driver mc_db_postgres_driver;

/* Set by the SIGINT/SIGTERM handler (db.c). */
extern volatile sig_atomic_t mc_db__signal;

/* Text results, filled by the drivers. */
struct mc_db_result {
	size_t rows, cols;
	char **names;  /* cols */
	char **values; /* rows * cols, NULL for SQL NULL */
};
int mc_db__result_new(mc_db_result **out, size_t rows, size_t cols);

/* ---- url.c ---- */

/* 0 when url names an engine migcheck has (PostgreSQL, SQLite), else a
 * MC_ERROR_CONFIG error naming the scheme it does not (mysql://) */
int mc_db__url_check(const char *url);
/* mc_url_redact into a new string (mc_free), or NULL when out of memory */
char *mc_db__url_redact_dup(const char *url);
/* mask every password of url (as written, without the quotes of a quoted
 * one) in msg, which may quote them (libpq: invalid percent-encoded
 * token: "..."); takes msg, returns it or a new string (mc_free) */
char *mc_db__url_mask_secrets(char *msg, const char *url);
/* 1 for no host, a socket directory, an abstract socket (@name) or a
 * loopback name or address */
int mc_db__url_host_is_local(const char *host);
/* append s percent-encoded, but for letters, digits and the bytes in keep */
int mc_db__url_put_encoded(mc_buf *b, const char *s, const char *keep);
/* the server URL with the database replaced by dbname (mc_free) */
int mc_db__url_with_dbname(char **out,
                           const char *server,
                           const char *dbname);
/* "sqlite:///abs", "sqlite://rel", "sqlite:rel", "sqlite3:...", a path ->
 * the path (borrowed from url); "file:..." as it is, with *is_uri set */
const char *mc_db__url_sqlite_path(const char *url, int *is_uri);
/* postgresql://postgres@localhost/<dbname>?host=<dir>&port=<port>: our
 * own cluster through its socket (mc_free) */
int mc_db__url_socket(char **out, const char *dir, int port, const char *dbname);

/* mc_db_open even after a signal: cleanup must still reach the server */
int mc_db__open_always(mc_db **out, const char *url);

/* postgres.c: the PostgreSQL catalog reader needs the connection */
int mc_db__pg_snapshot(mc_snapshot **out,
                       mc_db *db,
                       const mc_snapshot_opts *opts);

/* postgres.c: the cancel handle the signal handler uses (may be NULL). */
void mc_db__pg_cancel_current(void);

#endif
