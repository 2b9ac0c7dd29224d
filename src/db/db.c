/*
 * db.c: the engine-independent half of database access: picking a driver
 * from a URL (url.c reads it), transactions, running a migration script
 * statement by statement with file:line errors, text results, and the
 * SIGINT/SIGTERM handlers that make long database work interruptible.
 */
#include "migcheck/db.h"
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* longest statement text kept in an mc_db_exec_error */
#define STATEMENT_SHOW_MAX 200

/* ---- signals ---- */

volatile sig_atomic_t mc_db__signal;
static volatile sig_atomic_t installed;

static void on_signal(int sig)
{
	int saved = errno;
	if (mc_db__signal) {
		/* a second Ctrl-C: stop now, the user insists */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	mc_db__signal = sig;
	mc_db__pg_cancel_current();
	errno = saved;
}

static void at_exit(void)
{
	mc_scratch_cleanup_all();
}

void mc_db_signals_install(void)
{
	struct sigaction sa;
	if (installed)
		return;
	installed = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: waits return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a file size limit (ulimit -f) makes writes fail with EFBIG, which
	 * we report and clean up after, instead of killing us with the
	 * scratch directory left behind */
	signal(SIGXFSZ, SIG_IGN);
	atexit(at_exit);
}

int mc_db_interrupted(void)
{
	return (int)mc_db__signal;
}

static int interrupted(void)
{
	mc_error_set(MC_ERROR_OS, "interrupted by signal %d",
	             (int)mc_db__signal);
	return MC_EINTR;
}

/* ---- connections ---- */

static const struct mc_db_driver *driver_for(const char *url)
{
	return mc_db_url_engine(url) == MC_DIALECT_POSTGRES
	               ? &mc_db_postgres_driver
	               : &mc_db_sqlite_driver;
}

static int open_db(mc_db **out,
                   const char *url,
                   const mc_db_readonly_opts *ro,
                   int check_signal)
{
	const struct mc_db_driver *drv;
	mc_db *db = NULL;
	char *shown;
	int error;

	MC_ASSERT_ARG(out && url);
	*out = NULL;
	if (check_signal && mc_db__signal)
		return interrupted();
	if ((error = mc_db__url_check(url)) < 0)
		return error;
	drv = driver_for(url);
	if ((error = drv->open(&db, url, ro)) < 0)
		return error;
	if (!(shown = mc_db__url_redact_dup(url))) {
		mc_free(db->tls_warning);
		drv->close(db);
		return mc_error_set_oom();
	}
	db->drv = drv;
	db->display_url = shown;
	db->readonly = ro != NULL;
	db->uninterruptible = !check_signal;
	*out = db;
	return 0;
}

int mc_db_open(mc_db **out, const char *url)
{
	return open_db(out, url, NULL, 1);
}

int mc_db__open_always(mc_db **out, const char *url)
{
	return open_db(out, url, NULL, 0);
}

int mc_db_open_readonly(mc_db **out,
                        const char *url,
                        const mc_db_readonly_opts *opts)
{
	mc_db_readonly_opts d = { 0, 0 };
	if (opts)
		d = *opts;
	if (!d.statement_timeout_ms)
		d.statement_timeout_ms = MC_DB_STATEMENT_TIMEOUT_MS;
	if (!d.lock_timeout_ms)
		d.lock_timeout_ms = MC_DB_LOCK_TIMEOUT_MS;
	return open_db(out, url, &d, 1);
}

void mc_db_close(mc_db *db)
{
	char *shown, *warning;
	if (!db)
		return;
	shown = db->display_url;
	warning = db->tls_warning;
	db->drv->close(db);
	mc_free(shown);
	mc_free(warning);
}

const char *mc_db_tls_warning(const mc_db *db)
{
	return db ? db->tls_warning : NULL;
}

mc_dialect mc_db_engine(const mc_db *db)
{
	return db ? db->drv->engine : MC_DIALECT_UNKNOWN;
}

int mc_db_server_version(const mc_db *db)
{
	return db->drv->server_version(db);
}

const char *mc_db_display_url(const mc_db *db)
{
	return db && db->display_url ? db->display_url : "";
}

int mc_db_set_statement_timeout(mc_db *db, unsigned ms)
{
	int error;
	MC_ASSERT_ARG(db && !db->readonly);
	if (mc_db__signal)
		return interrupted();
	if ((error = db->drv->set_statement_timeout(db, ms)) < 0)
		return error;
	db->statement_timeout_ms = ms;
	return 0;
}

const char *mc_db_error_sqlstate(const mc_db *db)
{
	return db ? db->sqlstate : "";
}

const char *mc_db_lost_reason(const char *message)
{
	if (!message)
		return "";
	if (!strncmp(message, MC_DB__LOST, strlen(MC_DB__LOST)))
		return message + strlen(MC_DB__LOST);
	return message;
}

int mc_db_in_transaction(const mc_db *db)
{
	return db->in_tx || db->drv->in_transaction((mc_db *)db);
}

int mc_db_exec(mc_db *db, const char *sql)
{
	MC_ASSERT_ARG(db && sql);
	if (mc_db__signal)
		return interrupted();
	return db->drv->exec(db, sql);
}

int mc_db_begin(mc_db *db)
{
	int error;
	MC_ASSERT_ARG(db);
	if ((error = mc_db_exec(db, db->readonly && db->drv->engine ==
	                                                    MC_DIALECT_POSTGRES
	                                    ? "BEGIN READ ONLY"
	                                    : "BEGIN")) < 0)
		return error;
	db->in_tx = 1;
	return 0;
}

int mc_db_commit(mc_db *db)
{
	MC_ASSERT_ARG(db);
	db->in_tx = 0;
	return db->drv->exec(db, "COMMIT");
}

int mc_db_rollback(mc_db *db)
{
	MC_ASSERT_ARG(db);
	db->in_tx = 0;
	if (!db->drv->in_transaction(db))
		return 0;
	return db->drv->exec(db, "ROLLBACK");
}

/* ---- scripts ---- */

void mc_db_exec_error_dispose(mc_db_exec_error *err)
{
	if (!err)
		return;
	mc_free(err->message);
	mc_free(err->statement);
	mc_free(err->path);
	memset(err, 0, sizeof(*err));
}

/* the statement as shown: trimmed, at most STATEMENT_SHOW_MAX bytes */
static char *statement_excerpt(const char *sql, size_t len)
{
	while (len && isspace((unsigned char)sql[len - 1]))
		len--;
	if (len > STATEMENT_SHOW_MAX) {
		char *r = mc_malloc(STATEMENT_SHOW_MAX + 4);
		if (!r)
			return NULL;
		memcpy(r, sql, STATEMENT_SHOW_MAX);
		memcpy(r + STATEMENT_SHOW_MAX, "...", 4);
		return r;
	}
	return mc_strndup(sql, len);
}

static int fill_error(mc_db_exec_error *err,
                      const mc_db *db,
                      const mc_script *s,
                      int code,
                      const char *sql,
                      size_t len,
                      unsigned line,
                      size_t index)
{
	const mc_error *last = mc_error_last();
	char *msg = mc_strdup(last && last->message ? last->message
	                                            : "statement failed");
	if (!msg)
		return mc_error_set_oom();
	if (err) {
		mc_db_exec_error_dispose(err);
		err->message = mc_strdup(msg);
		err->statement = statement_excerpt(sql, len);
		err->path = s->path ? mc_strdup(s->path) : NULL;
		err->line = line;
		err->index = index;
		err->connection_lost = code == MC_DB_ECONNECTION;
		err->timed_out = code == MC_DB_ESTATEMENT && db->timed_out;
	}
	if (s->path && line)
		mc_error_set(MC_ERROR_DB, "%s:%u: %s", s->path, line, msg);
	else if (s->path)
		mc_error_set(MC_ERROR_DB, "%s: %s", s->path, msg);
	mc_free(msg);
	return code;
}

static int script_runs_bare(const mc_script *s)
{
	if (s->flags & (MC_SCRIPT_NO_TRANSACTION | MC_SCRIPT_OWN_TRANSACTION))
		return 1;
	return s->stmts &&
	       (mc_sql_stmts_flags(s->stmts) &
	        (MC_STMT_NO_TRANSACTION | MC_STMT_TRANSACTION_CONTROL));
}

int mc_db_exec_script(mc_db *db, const mc_script *s, mc_db_exec_error *err)
{
	int wrap, error = 0;
	size_t n;
	char *text = NULL;

	MC_ASSERT_ARG(db && s);
	if (err)
		mc_db_exec_error_dispose(err);
	if (mc_db__signal)
		return interrupted();
	wrap = !db->in_tx && !script_runs_bare(s);
	if (wrap && (error = db->drv->exec(db, "BEGIN")) < 0)
		return fill_error(err, db, s, error, "BEGIN", 5, 0, 0);

	n = s->stmts ? mc_sql_stmts_count(s->stmts) : 1;
	for (size_t i = 0; i < n; i++) {
		const char *sql = s->sql ? s->sql : "";
		size_t len = s->sql ? s->len : 0;
		unsigned line = s->line;
		if (s->stmts) {
			const mc_sql_stmt *st = mc_sql_stmts_get(s->stmts, i);
			if (st->offset > len || st->len > len - st->offset)
				continue;
			sql += st->offset;
			len = st->len;
			line = st->line;
		}
		if (mc_db__signal) {
			error = interrupted();
			goto fail;
		}
		mc_free(text);
		if (!(text = mc_strndup(sql, len))) {
			error = mc_error_set_oom();
			goto fail;
		}
		if ((error = db->drv->exec(db, text)) < 0) {
			if (error == MC_DB_ESTATEMENT ||
			    error == MC_DB_ECONNECTION ||
			    error == MC_DB_ENOSPACE)
				fill_error(err, db, s, error, sql, len, line,
				           i);
			goto fail;
		}
	}
	if (wrap && (error = db->drv->exec(db, "COMMIT")) < 0) {
		if (error == MC_DB_ESTATEMENT || error == MC_DB_ECONNECTION ||
		    error == MC_DB_ENOSPACE)
			fill_error(err, db, s, error, "COMMIT", 6, 0, n);
		goto fail;
	}
	mc_free(text);
	return 0;
fail:
	mc_free(text);
	/* leave no transaction behind: ours, or one the script began */
	if (error != MC_DB_ECONNECTION && !db->in_tx &&
	    db->drv->in_transaction(db)) {
		mc_error saved = MC_ERROR_INIT;
		mc_error_save(&saved);
		(void)db->drv->exec(db, "ROLLBACK");
		mc_error_restore(&saved);
	}
	return error;
}

/* ---- results ---- */

int mc_db__result_new(mc_db_result **out, size_t rows, size_t cols)
{
	mc_db_result *r = mc_calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return mc_error_set_oom();
	r->rows = rows;
	r->cols = cols;
	if ((cols && !(r->names = mc_calloc(cols, sizeof(char *)))) ||
	    (rows && cols &&
	     !(r->values = mc_calloc(rows * cols, sizeof(char *))))) {
		mc_db_result_free(r);
		return mc_error_set_oom();
	}
	*out = r;
	return 0;
}

void mc_db_result_free(mc_db_result *r)
{
	if (!r)
		return;
	if (r->names)
		for (size_t i = 0; i < r->cols; i++)
			mc_free(r->names[i]);
	if (r->values)
		for (size_t i = 0; i < r->rows * r->cols; i++)
			mc_free(r->values[i]);
	mc_free(r->names);
	mc_free(r->values);
	mc_free(r);
}

size_t mc_db_result_rows(const mc_db_result *r)
{
	return r ? r->rows : 0;
}

size_t mc_db_result_cols(const mc_db_result *r)
{
	return r ? r->cols : 0;
}

const char *mc_db_result_colname(const mc_db_result *r, size_t col)
{
	return r && col < r->cols ? r->names[col] : NULL;
}

const char *mc_db_result_get(const mc_db_result *r, size_t row, size_t col)
{
	if (!r || row >= r->rows || col >= r->cols)
		return NULL;
	return r->values[row * r->cols + col];
}

int mc_db_query(mc_db_result **out, mc_db *db, const char *sql)
{
	MC_ASSERT_ARG(out && db && sql);
	*out = NULL;
	if (mc_db__signal)
		return interrupted();
	return db->drv->query(out, db, sql);
}

/* append s as a SQL string literal */
static int put_literal(mc_buf *b, const char *s)
{
	int error;
	if ((error = mc_buf_putc(b, '\'')) < 0)
		return error;
	for (; *s; s++)
		if ((*s == '\'' && (error = mc_buf_putc(b, '\'')) < 0) ||
		    (error = mc_buf_putc(b, *s)) < 0)
			return error;
	return mc_buf_putc(b, '\'');
}

int mc_db_table_exists(int *out,
                       mc_db *db,
                       const char *schema,
                       const char *table)
{
	mc_buf sql = MC_BUF_INIT;
	mc_db_result *r = NULL;
	int error;

	MC_ASSERT_ARG(out && db && table);
	*out = 0;
	if (db->drv->engine == MC_DIALECT_POSTGRES) {
		if ((error = mc_buf_puts(
		             &sql,
		             "SELECT 1 FROM pg_catalog.pg_class c "
		             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		             "WHERE c.relkind IN ('r','p','v','m','f') AND c.relname = ")) <
		            0 ||
		    (error = put_literal(&sql, table)) < 0)
			goto done;
		if (schema)
			error = mc_buf_puts(&sql, " AND n.nspname = ");
		if (error >= 0 && schema)
			error = put_literal(&sql, schema);
		if (error >= 0 && !schema)
			error = mc_buf_puts(
			        &sql,
			        " AND pg_catalog.pg_table_is_visible(c.oid)");
	} else {
		if ((error = mc_buf_puts(&sql, "SELECT 1 FROM ")) < 0 ||
		    (schema && ((error = mc_buf_putc(&sql, '"')) < 0 ||
		                (error = mc_buf_puts(&sql, schema)) < 0 ||
		                (error = mc_buf_puts(&sql, "\".")) < 0)) ||
		    (error = mc_buf_puts(
		             &sql,
		             "sqlite_master WHERE type IN ('table','view') AND name = ")) <
		            0)
			goto done;
		error = put_literal(&sql, table);
	}
	if (error < 0 || (error = mc_db_query(&r, db, mc_buf_cstr(&sql))) < 0)
		goto done;
	*out = mc_db_result_rows(r) > 0;
done:
	mc_db_result_free(r);
	mc_buf_dispose(&sql);
	return error;
}

int mc_db_snapshot(mc_snapshot **out, mc_db *db, const mc_snapshot_opts *opts)
{
	MC_ASSERT_ARG(out && db);
	*out = NULL;
	if (mc_db__signal)
		return interrupted();
	return db->drv->snapshot(out, db, opts);
}
