/*
 * postgres.c: the PostgreSQL driver (libpq) and its catalog reader.
 *
 * Statements go through the simple query protocol, one PQexec each, like
 * psql does. Server notices are swallowed (they would go to stderr).
 *
 * The snapshot runs one query per object kind against pg_catalog (never
 * one per table), using the server's own deparsers (pg_get_constraintdef,
 * pg_get_indexdef, pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef,
 * format_type, pg_get_expr), so a 1,000-table schema costs a dozen round
 * trips. System schemas (pg_*, information_schema), objects owned by
 * extensions, owners and privileges are left out.
 */
#include "driver.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libpq-fe.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "schema/schema_internal.h"
#include "util/banned.h"

typedef struct {
	struct mc_db base;
	PGconn *conn;
	PGcancel *cancel;
} pg_db;

/* the connection a signal should cancel: set around each round trip */
static PGcancel *volatile current_cancel;

void mc_db__pg_cancel_current(void)
{
	char errbuf[256];
	PGcancel *c = current_cancel;
	if (c)
		(void)PQcancel(c, errbuf, (int)sizeof(errbuf));
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void pg_close(mc_db *db)
{
	pg_db *p = (pg_db *)db;
	if (!p)
		return;
	if (current_cancel == p->cancel)
		current_cancel = NULL;
	if (p->cancel)
		PQfreeCancel(p->cancel);
	if (p->conn)
		PQfinish(p->conn);
	mc_free(p);
}

/* libpq messages end with newlines and may hold several lines */
static char *clean_message(const char *m)
{
	size_t n;
	char *r;
	if (!m)
		m = "";
	if (!strncmp(m, "ERROR:  ", 8))
		m += 8;
	if (!(r = mc_strdup(m)))
		return NULL;
	n = strlen(r);
	while (n && (r[n - 1] == '\n' || r[n - 1] == ' '))
		r[--n] = '\0';
	for (char *c = r; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	return r;
}

/*
 * Why a connection broke, in one line: libpq's message is the server's
 * last word ("FATAL:  terminating connection due to administrator
 * command", with the query excerpt after it) and then its own lines
 * ("server closed the connection unexpectedly", "This probably means
 * ..."). The first line without its severity says it.
 */
static char *lost_reason(const char *m)
{
	static const char *const severities[] = { "FATAL:  ", "PANIC:  ",
		                                  "ERROR:  " };
	size_t n;
	if (!m)
		m = "";
	while (*m == '\n' || *m == ' ' || *m == '\t')
		m++;
	for (size_t i = 0; i < MC_ARRAY_SIZE(severities); i++)
		if (!strncmp(m, severities[i], strlen(severities[i])))
			m += strlen(severities[i]);
	n = strcspn(m, "\n");
	while (n && (m[n - 1] == ' ' || m[n - 1] == '\t' || m[n - 1] == '\r'))
		n--;
	return n ? mc_strndup(m, n)
	         : mc_strdup("server closed the connection unexpectedly");
}

/* a remote host without certificate verification deserves a warning */
static int tls_check(pg_db *p)
{
	const char *host = PQhost(p->conn);
	PQconninfoOption *opts, *o;
	const char *mode = NULL;
	int error = 0;

	if (mc_db__url_host_is_local(host))
		return 0;
	if ((opts = PQconninfo(p->conn)) == NULL)
		return mc_error_set_oom();
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "sslmode"))
			mode = o->val;
	if (!mode ||
	    (strcmp(mode, "verify-ca") && strcmp(mode, "verify-full"))) {
		p->base.tls_warning = mc_asprintf(
		        "the connection to '%s' does not verify the server's certificate (sslmode=%s): "
		        "add sslmode=verify-full to the URL",
		        host, mode ? mode : "prefer");
		if (!p->base.tls_warning)
			error = mc_error_set_oom();
	}
	PQconninfoFree(opts);
	return error;
}

static int pg_open(mc_db **out, const char *url, const mc_db_readonly_opts *ro)
{
	static const char *const keys[] = { "connect_timeout",
		                            "fallback_application_name",
		                            "dbname", NULL };
	const char *vals[] = { "10", "migcheck", url, NULL };
	pg_db *p;
	mc_buf shown = MC_BUF_INIT;
	char *msg;
	int error = 0;

	*out = NULL;
	if (!(p = mc_calloc(1, sizeof(*p))))
		return mc_error_set_oom();
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		msg = mc_db__url_mask_secrets(clean_message(p->conn ? PQerrorMessage(p->conn)
		                                           : "out of memory"),
		                     url);
		if (mc_url_redact(&shown, url) < 0 || !msg)
			error = mc_error_set_oom();
		else
			error = mc_error_set(MC_ERROR_DB,
			                     "cannot connect to '%s': %s",
			                     mc_buf_cstr(&shown), msg);
		mc_free(msg);
		mc_buf_dispose(&shown);
		pg_close(&p->base);
		return error;
	}
	PQsetNoticeProcessor(p->conn, ignore_notice, NULL);
	if ((error = tls_check(p)) < 0) {
		pg_close(&p->base);
		return error;
	}
	p->cancel = PQgetCancel(p->conn);
	*out = &p->base;
	if (ro) {
		char sql[256];
		PGresult *r;
		snprintf(sql, sizeof(sql),
		         "SET default_transaction_read_only = on; "
		         "SET statement_timeout = %u; SET lock_timeout = %u",
		         ro->statement_timeout_ms, ro->lock_timeout_ms);
		r = PQexec(p->conn, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			msg = clean_message(PQerrorMessage(p->conn));
			error = mc_error_set(
			        MC_ERROR_DB,
			        "cannot make the session read-only: %s",
			        msg ? msg : "out of memory");
			mc_free(msg);
			PQclear(r);
			mc_free(p->base.tls_warning);
			pg_close(&p->base);
			*out = NULL;
			return error;
		}
		PQclear(r);
	}
	return 0;
}

/* check a result; sets the error and returns the code */
static int check_result(pg_db *p, PGresult *r)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	const char *primary;
	char *msg;
	int code;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	    st == PGRES_EMPTY_QUERY) {
		p->base.sqlstate[0] = '\0';
		return 0;
	}
	{
		const char *state =
		        r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		snprintf(p->base.sqlstate, sizeof(p->base.sqlstate), "%s",
		         state ? state : "");
	}
	if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
		/* COPY FROM STDIN in a migration: nothing to feed it */
		PQputCopyEnd(p->conn, "migcheck does not supply COPY data");
		while ((r = PQgetResult(p->conn)) != NULL)
			PQclear(r);
		mc_error_set(
		        MC_ERROR_DB,
		        "COPY FROM STDIN / TO STDOUT is not supported in a migration");
		return MC_DB_ESTATEMENT;
	}
	if (PQstatus(p->conn) == CONNECTION_BAD) {
		if (!(msg = lost_reason(PQerrorMessage(p->conn))))
			return mc_error_set_oom();
		mc_error_set(MC_ERROR_DB, MC_DB__LOST "%s", msg);
		mc_free(msg);
		return MC_DB_ECONNECTION;
	}
	primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (mc_db__signal && !p->base.uninterruptible) {
		mc_error_set(MC_ERROR_OS, "interrupted");
		return MC_EINTR;
	}
	msg = clean_message(primary ? primary : PQerrorMessage(p->conn));
	code = MC_DB_ESTATEMENT;
	mc_error_set(MC_ERROR_DB, "%s", msg ? msg : "statement failed");
	mc_free(msg);
	return code;
}

/*
 * PQexec, but waiting in poll() with a timeout so that a signal that came
 * just before the query reached the server (when a cancel request finds
 * nothing to cancel) still cancels it. Like PQexec, returns the first
 * error result or else the last result; NULL when the query could not be
 * sent or the connection broke.
 */
static PGresult *pg_run_into(pg_db *p, const char *sql, mc_vec *all);

static PGresult *pg_run(pg_db *p, const char *sql)
{
	return pg_run_into(p, sql, NULL);
}

/*
 * pg_run, or with all: every result of a query of several statements,
 * in order, pushed onto all (the caller clears them); NULL is returned
 * then, and a result that could not be pushed is an out-of-memory error
 * left in the connection's place (fewer results than statements).
 */
static PGresult *pg_run_into(pg_db *p, const char *sql, mc_vec *all)
{
	PGresult *r, *last = NULL;
	int interruptible = !p->base.uninterruptible;
	unsigned waits = 0;

	if (!PQsendQuery(p->conn, sql))
		return NULL;
	if (interruptible)
		current_cancel = p->cancel;
	for (;;) {
		ExecStatusType st;
		while (PQisBusy(p->conn)) {
			struct pollfd pfd;
			int n;
			/* a cancel that reached the server before the query
			 * did is lost: repeat it every half second */
			if (interruptible && mc_db__signal && p->cancel &&
			    waits % 5 == 0) {
				char errbuf[256];
				(void)PQcancel(p->cancel, errbuf,
				               (int)sizeof(errbuf));
			}
			pfd.fd = PQsocket(p->conn);
			pfd.events = POLLIN;
			pfd.revents = 0;
			n = poll(&pfd, 1, 100);
			if (n < 0 && errno != EINTR)
				break;
			if (n > 0 && !PQconsumeInput(p->conn))
				break;
			if (mc_db__signal)
				waits++;
		}
		if ((r = PQgetResult(p->conn)) == NULL)
			break;
		st = PQresultStatus(r);
		if (all) {
			if (mc_vec_push(all, r) < 0)
				PQclear(r);
		} else if (last && PQresultStatus(last) == PGRES_FATAL_ERROR) {
			PQclear(r);
		} else {
			PQclear(last);
			last = r;
		}
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT ||
		    st == PGRES_COPY_BOTH ||
		    PQstatus(p->conn) == CONNECTION_BAD)
			break;
	}
	if (interruptible)
		current_cancel = NULL;
	return last;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int pg_exec(mc_db *db, const char *sql)
{
	pg_db *p = (pg_db *)db;
	double start = now_ms();
	PGresult *r = pg_run(p, sql);
	int error = check_result(p, r);
	PQclear(r);
	/*
	 * 57014 is any cancel: ours only when the statement ran as long as
	 * our limit (a lower one of the migration's own, SET LOCAL
	 * statement_timeout, or an administrator's pg_cancel_backend keep
	 * the server's words). Messages may be in any language: no text.
	 */
	db->timed_out = error == MC_DB_ESTATEMENT && db->statement_timeout_ms &&
	                !strcmp(db->sqlstate, "57014") &&
	                now_ms() - start >= (double)db->statement_timeout_ms;
	return error;
}

static int pg_set_statement_timeout(mc_db *db, unsigned ms)
{
	char sql[64];
	if (ms)
		snprintf(sql, sizeof(sql), "SET statement_timeout = %u", ms);
	else
		snprintf(sql, sizeof(sql), "RESET statement_timeout");
	return pg_exec(db, sql);
}

static int pg_query(mc_db_result **out, mc_db *db, const char *sql)
{
	pg_db *p = (pg_db *)db;
	PGresult *r = pg_run(p, sql);
	mc_db_result *res = NULL;
	size_t rows, cols;
	int error;

	*out = NULL;
	if ((error = check_result(p, r)) < 0)
		goto done;
	rows = (size_t)PQntuples(r);
	cols = (size_t)PQnfields(r);
	if ((error = mc_db__result_new(&res, rows, cols)) < 0)
		goto done;
	for (size_t c = 0; c < cols; c++)
		if (!(res->names[c] = mc_strdup(PQfname(r, (int)c))))
			goto oom;
	for (size_t i = 0; i < rows; i++)
		for (size_t c = 0; c < cols; c++)
			if (!PQgetisnull(r, (int)i, (int)c) &&
			    !(res->values[i * cols + c] =
			              mc_strdup(PQgetvalue(r, (int)i, (int)c))))
				goto oom;
	*out = res;
	res = NULL;
	goto done;
oom:
	error = mc_error_set_oom();
done:
	mc_db_result_free(res);
	PQclear(r);
	return error;
}

static int pg_in_transaction(mc_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(((pg_db *)db)->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR ||
	       t == PQTRANS_ACTIVE;
}

static int pg_server_version(const mc_db *db)
{
	return PQserverVersion(((const pg_db *)db)->conn);
}

/* ---- catalog reader ---- */

#define NSP_OK(n)                                                              \
	"(" n ".nspname NOT LIKE 'pg\\_%' AND " n                              \
	".nspname <> 'information_schema')"
#define NOT_EXT(cls, oid)                                                      \
	"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "  \
	"'pg_catalog." cls "'::pg_catalog.regclass AND d.objid = " oid         \
	" AND d.deptype = 'e')"

typedef struct {
	mc_snapshot *snap;
	const mc_snapshot_opts *opts;
	pg_db *p;
	mc_buf name;
	/* one round trip for every query of a scratch snapshot: the readers
	 * run twice, first collecting their SQL into batch, then reading
	 * the results of the batch (pre, from next) in the same order */
	mc_buf *batch;   /* collecting: query() appends and returns COLLECTED */
	mc_vec *pre;     /* PGresult*: the batch's results, taken in order */
	size_t next;
} reader;

enum { COLLECTED = -10000 }; /* query() while collecting: not an error */

static const char *val(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static int query(PGresult **out, reader *rd, const char *sql)
{
	PGresult *r = NULL;
	int error;

	if (rd->batch) {
		*out = NULL;
		if (mc_buf_puts(rd->batch, sql) < 0 ||
		    mc_buf_puts(rd->batch, ";\n") < 0)
			return mc_error_set_oom();
		return COLLECTED;
	}
	if (!rd->pre)
		r = pg_run(rd->p, sql);
	else if (rd->next < rd->pre->len) {
		r = rd->pre->items[rd->next];
		rd->pre->items[rd->next++] = NULL;
	}
	error = check_result(rd->p, r);
	if (error < 0) {
		PQclear(r);
		*out = NULL;
		return error;
	}
	*out = r;
	return 0;
}

static const char *qualify(reader *rd, const char *nsp, const char *name)
{
	mc_buf_clear(&rd->name);
	if (mc_buf_printf(&rd->name, "%s.%s", nsp, name) < 0)
		return NULL;
	return mc_buf_cstr(&rd->name);
}

/* add an object named nsp.name (or plain name when nsp is NULL) */
static int add(mc_object **o,
               reader *rd,
               mc_object_kind kind,
               const char *parent,
               const char *nsp,
               const char *name)
{
	const char *n = nsp ? qualify(rd, nsp, name) : name;
	if (!n)
		return mc_error_set_oom();
	return mc_snapshot_add(o, rd->snap, kind, parent, n);
}

/* attributes from columns first..ncols-1 named by keys (NULL skips) */
static int set_attrs(
        mc_object *o, PGresult *r, int row, int first, const char *const *keys)
{
	int error;
	for (int c = first; keys[c - first]; c++) {
		const char *v = val(r, row, c);
		if (!*keys[c - first] || !v)
			continue;
		if ((error = mc_object_set_attr(o, keys[c - first], v)) < 0)
			return error;
	}
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* does a constraint/index name look like the server chose it? */
static int
generated_name(const char *table, const char *name, const char *const *suffixes)
{
	size_t tl = strlen(table);
	if (strncmp(name, table, tl < 20 ? tl : 20) != 0)
		return 0;
	for (; *suffixes; suffixes++)
		if (ends_with(name, *suffixes))
			return 1;
	return 0;
}

static int read_schemas(reader *rd)
{
	PGresult *r;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " NSP_OK(
	                     "n") " AND " NOT_EXT("pg_namespace", "n.oid"))) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++)
		error = add(NULL, rd, MC_OBJ_SCHEMA, NULL, NULL, val(r, i, 0));
	PQclear(r);
	return error;
}

static int read_extensions(reader *rd)
{
	static const char *const keys[] = { "version", "schema", NULL };
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT e.extname, e.extversion, n.nspname FROM pg_catalog.pg_extension e "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace")) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++)
		if ((error = add(&o, rd, MC_OBJ_EXTENSION, NULL, NULL,
		                 val(r, i, 0))) >= 0)
			error = set_attrs(o, r, i, 1, keys);
	PQclear(r);
	return error;
}

static int read_types(reader *rd)
{
	PGresult *r;
	mc_object *o;
	int error;
	/* enums, composite types (not table row types), ranges, domains */
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, t.typname, t.typtype, "
	             " (SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) "
	             "    FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), "
	             " (SELECT pg_catalog.string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) "
	             "    FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), "
	             " (SELECT pg_catalog.format_type(rg.rngsubtype, NULL) FROM pg_catalog.pg_range rg WHERE rg.rngtypid = t.oid), "
	             " pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, "
	             " (SELECT pg_catalog.string_agg(pg_catalog.pg_get_constraintdef(c.oid, true), ' ' ORDER BY c.conname) "
	             "    FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid) "
	             "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	             "WHERE " NSP_OK("n") " AND " NOT_EXT(
	                     "pg_type",
	                     "t.oid") " AND "
	                              " (t.typtype IN ('e', 'r', 'd') OR (t.typtype = 'c' AND "
	                              "  (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))")) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		const char *tt = val(r, i, 2);
		if (tt[0] == 'd') {
			static const char *const keys[] = {
				"type", "", "default", "constraints", NULL
			};
			if ((error = add(&o, rd, MC_OBJ_DOMAIN, NULL,
			                 val(r, i, 0), val(r, i, 1))) < 0 ||
			    (error = set_attrs(o, r, i, 6, keys)) < 0 ||
			    (error = mc_object_set_attr(o, "nullable",
			                                val(r, i, 7)[0] == 't'
			                                        ? "false"
			                                        : "true")) < 0)
				break;
			continue;
		}
		if ((error = add(&o, rd, MC_OBJ_TYPE, NULL, val(r, i, 0),
		                 val(r, i, 1))) < 0)
			break;
		if (tt[0] == 'e')
			error = mc_object_set_attr(o, "kind", "enum") < 0
			                ? MC_ENOMEM
			                : mc_object_set_attr(
			                          o, "labels",
			                          val(r, i, 3) ? val(r, i, 3)
			                                       : "");
		else if (tt[0] == 'c')
			error = mc_object_set_attr(o, "kind", "composite") < 0
			                ? MC_ENOMEM
			                : mc_object_set_attr(
			                          o, "attributes",
			                          val(r, i, 4) ? val(r, i, 4)
			                                       : "");
		else
			error = mc_object_set_attr(o, "kind", "range") < 0
			                ? MC_ENOMEM
			                : mc_object_set_attr(
			                          o, "subtype",
			                          val(r, i, 5) ? val(r, i, 5)
			                                       : "");
	}
	PQclear(r);
	return error;
}

static int read_sequences(reader *rd)
{
	static const char *const keys[] = { "type",  "start",    "increment",
		                            "min",   "max",      "cache",
		                            "cycle", "owned_by", NULL };
	PGresult *r;
	mc_object *o;
	int error;
	/* identity sequences belong to their column (deptype 'i') */
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), "
	             " s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, "
	             " CASE WHEN s.seqcycle THEN 'true' ELSE 'false' END, "
	             " (SELECT tn.nspname || '.' || t.relname || '.' || a.attname "
	             "    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
	             "    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
	             "    JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
	             "   WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "
	             "     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a' LIMIT 1) "
	             "FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	             "WHERE " NSP_OK("n") " AND " NOT_EXT(
	                     "pg_class",
	                     "c.oid") " AND NOT EXISTS ("
	                              " SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	                              " AND d.objid = c.oid AND d.deptype = 'i')")) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		const char *owner = val(r, i, 9);
		/* the sequence of an excluded tracking table goes with it */
		if (owner) {
			const char *t = strchr(owner, '.');
			char *tbl = t ? mc_strdup(t + 1) : NULL;
			int skip;
			if (tbl && strrchr(tbl, '.'))
				*strrchr(tbl, '.') = '\0';
			skip = tbl && mc_snapshot__excluded(rd->opts, tbl);
			mc_free(tbl);
			if (skip)
				continue;
		}
		if ((error = add(&o, rd, MC_OBJ_SEQUENCE, NULL, val(r, i, 0),
		                 val(r, i, 1))) >= 0)
			error = set_attrs(o, r, i, 2, keys);
	}
	PQclear(r);
	return error;
}

static int read_functions(reader *rd)
{
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "
	             " CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END, "
	             " CASE WHEN p.prokind = 'a' THEN pg_catalog.pg_get_function_result(p.oid) ELSE pg_catalog.pg_get_functiondef(p.oid) END "
	             "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	             "WHERE " NSP_OK("n") " AND " NOT_EXT("pg_proc", "p.oid")
	             /* range constructors come with their type */
	             " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
	             "  'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'i')")) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		static const char *const keys[] = { "kind", "definition",
			                            NULL };
		if ((error = add(&o, rd, MC_OBJ_FUNCTION, NULL, val(r, i, 0),
		                 val(r, i, 1))) >= 0)
			error = set_attrs(o, r, i, 2, keys);
	}
	PQclear(r);
	return error;
}

/* relations: tables, partitioned and foreign tables, views, matviews */
static int read_relations(reader *rd)
{
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, c.relname, c.relkind, c.relpersistence, "
	             " CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END, "
	             " CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
	             " CASE WHEN c.relispartition THEN (SELECT pn.nspname || '.' || pc.relname || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid) "
	             "   FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
	             "   JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) END, "
	             " c.relrowsecurity "
	             "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	             "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND " NSP_OK(
	                     "n") " AND " NOT_EXT("pg_class", "c.oid"))) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		char k = val(r, i, 2)[0];
		mc_object_kind kind = k == 'v'   ? MC_OBJ_VIEW
		                      : k == 'm' ? MC_OBJ_MATVIEW
		                                 : MC_OBJ_TABLE;
		if (kind == MC_OBJ_TABLE &&
		    mc_snapshot__excluded(rd->opts, val(r, i, 1)))
			continue;
		if ((error = add(&o, rd, kind, NULL, val(r, i, 0),
		                 val(r, i, 1))) < 0)
			break;
		if (kind != MC_OBJ_TABLE) {
			error = val(r, i, 4)
			                ? mc_object_set_attr(o, "definition",
			                                     val(r, i, 4))
			                : 0;
			continue;
		}
		if ((k == 'p' && (error = mc_object_set_attr(
		                          o, "kind", "partitioned")) < 0) ||
		    (k == 'f' &&
		     (error = mc_object_set_attr(o, "kind", "foreign")) < 0) ||
		    (val(r, i, 3)[0] == 'u' &&
		     (error = mc_object_set_attr(o, "unlogged", "true")) < 0) ||
		    (val(r, i, 5) &&
		     (error = mc_object_set_attr(o, "partition_key",
		                                 val(r, i, 5))) < 0) ||
		    (val(r, i, 6) &&
		     (error = mc_object_set_attr(o, "partition_of",
		                                 val(r, i, 6))) < 0) ||
		    (val(r, i, 7)[0] == 't' &&
		     (error = mc_object_set_attr(o, "row_security", "true")) <
		             0))
			break;
	}
	PQclear(r);
	return error;
}

/* the parent's qualified name, or NULL when the table is excluded */
static const char *parent_of(reader *rd, PGresult *r, int row)
{
	if (mc_snapshot__excluded(rd->opts, val(r, row, 1)))
		return NULL;
	return qualify(rd, val(r, row, 0), val(r, row, 1));
}

static int read_columns(reader *rd)
{
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
	             " a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
	             " CASE WHEN a.attcollation <> t.typcollation THEN (SELECT cn.nspname || '.' || co.collname "
	             "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
	             "   WHERE co.oid = a.attcollation) END, "
	             " pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) "
	             "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	             "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
	             "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	             "WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND " NSP_OK(
	                     "n") " AND " NOT_EXT("pg_class", "c.oid"))) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		const char *parent = parent_of(rd, r, i), *ident = val(r, i, 6),
		           *gen = val(r, i, 7), *def = val(r, i, 5);
		if (!parent)
			continue;
		if ((error = mc_snapshot_add(&o, rd->snap, MC_OBJ_COLUMN,
		                             parent, val(r, i, 2))) < 0 ||
		    (error = mc_object_set_attr(o, "type", val(r, i, 3))) < 0 ||
		    (error = mc_object_set_attr(
		             o, "nullable",
		             val(r, i, 4)[0] == 't' ? "false" : "true")) < 0 ||
		    (error = mc_object_set_attr(o, "ordinal", val(r, i, 9))) <
		            0 ||
		    (val(r, i, 8) &&
		     (error = mc_object_set_attr(o, "collation",
		                                 val(r, i, 8))) < 0))
			break;
		if (ident && *ident &&
		    (error = mc_object_set_attr(
		             o, "identity",
		             *ident == 'a' ? "always" : "by default")) < 0)
			break;
		if (gen && *gen && def)
			error = mc_object_set_attr(o, "generated", def);
		else if (def)
			error = mc_object_set_attr(o, "default", def);
	}
	PQclear(r);
	return error;
}

static int read_constraints(reader *rd)
{
	static const char *const generated[] = { "_pkey",  "_key",  "_fkey",
		                                 "_check", "_excl", NULL };
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, c.relname, con.conname, "
	             " CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' "
	             "  WHEN 'f' THEN 'foreign key' WHEN 'x' THEN 'exclude' ELSE 'trigger' END, "
	             " pg_catalog.pg_get_constraintdef(con.oid, true), "
	             " CASE WHEN con.condeferrable THEN CASE WHEN con.condeferred THEN 'initially deferred' ELSE 'deferrable' END END "
	             "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	             "WHERE con.contype IN ('p', 'u', 'c', 'f', 'x', 't') AND " NSP_OK(
	                     "n") " AND " NOT_EXT("pg_class", "c.oid"))) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		static const char *const keys[] = { "type", "definition",
			                            "deferrable", NULL };
		const char *parent = parent_of(rd, r, i);
		if (!parent)
			continue;
		if ((error = mc_snapshot_add(&o, rd->snap, MC_OBJ_CONSTRAINT,
		                             parent, val(r, i, 2))) < 0 ||
		    (error = set_attrs(o, r, i, 3, keys)) < 0)
			break;
		if (generated_name(val(r, i, 1), val(r, i, 2), generated))
			mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	}
	PQclear(r);
	return error;
}

static int read_indexes(reader *rd)
{
	static const char *const generated[] = { "_idx", NULL };
	PGresult *r;
	mc_object *o;
	int error;
	/* indexes behind a primary key, unique or exclusion constraint are
	 * described by the constraint */
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, t.relname, i.relname, pg_catalog.pg_get_indexdef(i.oid), "
	             " CASE WHEN x.indisunique THEN 'true' ELSE 'false' END "
	             "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
	             "JOIN pg_catalog.pg_class t ON t.oid = x.indrelid "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
	             "WHERE t.relkind IN ('r', 'p', 'm') AND " NSP_OK("n") " AND " NOT_EXT(
	                     "pg_class",
	                     "t.oid") " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid "
	                              "  AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x'))")) <
	    0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		static const char *const keys[] = { "definition", "unique",
			                            NULL };
		const char *parent = parent_of(rd, r, i);
		if (!parent)
			continue;
		if ((error = mc_snapshot_add(&o, rd->snap, MC_OBJ_INDEX, parent,
		                             val(r, i, 2))) < 0 ||
		    (error = set_attrs(o, r, i, 3, keys)) < 0)
			break;
		if (generated_name(val(r, i, 1), val(r, i, 2), generated))
			mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	}
	PQclear(r);
	return error;
}

static int read_triggers(reader *rd)
{
	PGresult *r;
	mc_object *o;
	int error;
	if ((error = query(
	             &r, rd,
	             "SELECT n.nspname, c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), "
	             " CASE t.tgenabled WHEN 'O' THEN NULL WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END "
	             "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	             "WHERE NOT t.tgisinternal AND " NSP_OK(
	                     "n") " AND " NOT_EXT("pg_class", "c.oid"))) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error >= 0; i++) {
		static const char *const keys[] = { "definition", "enabled",
			                            NULL };
		const char *parent = parent_of(rd, r, i);
		if (!parent)
			continue;
		if ((error = mc_snapshot_add(&o, rd->snap, MC_OBJ_TRIGGER,
		                             parent, val(r, i, 2))) >= 0)
			error = set_attrs(o, r, i, 3, keys);
	}
	PQclear(r);
	return error;
}

int mc_db__pg_snapshot(mc_snapshot **out,
                       mc_db *db,
                       const mc_snapshot_opts *opts)
{
	static int (*const readers[])(reader *) = {
		read_schemas,   read_extensions, read_types,       read_sequences,
		read_functions, read_relations,  read_columns,     read_constraints,
		read_indexes,   read_triggers,
	};
	reader rd = { NULL, opts, (pg_db *)db, MC_BUF_INIT, NULL, NULL, 0 };
	mc_buf batch = MC_BUF_INIT;
	mc_vec pre = MC_VEC_INIT;
	/* a live database keeps one query per reader, each under its
	 * statement_timeout; a scratch one (read-write, ours) gets them in
	 * one round trip: roundtrip snapshots three times per migration */
	int batched = !db->readonly;
	int error, began = 0;

	*out = NULL;
	if ((error = mc_snapshot_new(&rd.snap, MC_DIALECT_POSTGRES)) < 0)
		goto done;
	/* one consistent view of the catalog, even on a busy live database */
	if (!pg_in_transaction(db) && batched) {
		began = 1;
	} else if (!pg_in_transaction(db)) {
		if ((error = pg_exec(
		             db,
		             db->readonly
		                     ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
		                     : "BEGIN ISOLATION LEVEL REPEATABLE READ")) <
		    0)
			goto done;
		began = 1;
	}
	if (batched) {
		/* BEGIN, the readers' queries and COMMIT in one round trip */
		rd.batch = &batch;
		if (began && mc_buf_puts(&batch, "BEGIN ISOLATION LEVEL REPEATABLE READ;\n") < 0) {
			error = mc_error_set_oom();
			goto done;
		}
		for (size_t i = 0; i < MC_ARRAY_SIZE(readers); i++)
			if ((error = readers[i](&rd)) != COLLECTED)
				goto done;
		if (began && mc_buf_puts(&batch, "COMMIT") < 0) {
			error = mc_error_set_oom();
			goto done;
		}
		rd.batch = NULL;
		(void)pg_run_into(rd.p, mc_buf_cstr(&batch), &pre);
		rd.pre = &pre;
		if (began) {
			/* BEGIN's result */
			PGresult *r = NULL;
			if ((error = query(&r, &rd, "")) < 0)
				goto done;
			PQclear(r);
		}
	}
	for (size_t i = 0; i < MC_ARRAY_SIZE(readers); i++)
		if ((error = readers[i](&rd)) < 0)
			goto done;
	if (began && batched) {
		/* COMMIT's result */
		PGresult *r = NULL;
		began = 0;
		if ((error = query(&r, &rd, "")) < 0)
			goto done;
		PQclear(r);
	} else if (began) {
		began = 0;
		if ((error = pg_exec(db, "COMMIT")) < 0)
			goto done;
	}
	*out = rd.snap;
	rd.snap = NULL;
done:
	/* batched: BEGIN went out with the batch, if it went */
	if (began && error != MC_DB_ECONNECTION &&
	    (!batched || (rd.pre && pg_in_transaction(db)))) {
		PGresult *r = pg_run(rd.p, "ROLLBACK");
		PQclear(r);
	}
	for (size_t i = 0; i < pre.len; i++)
		PQclear(pre.items[i]);
	mc_vec_dispose(&pre);
	mc_buf_dispose(&batch);
	mc_buf_dispose(&rd.name);
	mc_snapshot_free(rd.snap);
	return error;
}

static int
pg_snapshot(mc_snapshot **out, mc_db *db, const mc_snapshot_opts *opts)
{
	return mc_db__pg_snapshot(out, db, opts);
}

const struct mc_db_driver mc_db_postgres_driver = {
	"postgres",  MC_DIALECT_POSTGRES, pg_open,           pg_exec,  pg_query,
	pg_snapshot, pg_in_transaction,   pg_server_version, pg_close,
	pg_set_statement_timeout,
};
