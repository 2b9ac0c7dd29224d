/*
 * sqlite.c: the SQLite driver and its catalog reader.
 *
 * The snapshot reads sqlite_master for the object list and the PRAGMAs
 * (table_xinfo, index_list, index_xinfo, foreign_key_list) for the
 * details, so that formatting of the CREATE text does not matter. CHECK
 * constraints have no PRAGMA: they are cut out of the CREATE TABLE text by
 * a small tokenizer.
 */
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <sqlite3.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "schema/schema_internal.h"
#include "util/banned.h"

/* the table-valued PRAGMA functions the snapshot reads */
enum { SNAP_TABLE_XINFO, SNAP_INDEX_LIST, SNAP_INDEX_XINFO, SNAP_FKEY_LIST,
       SNAP_NSTMT };

typedef struct {
	struct mc_db base;
	sqlite3 *db;
	/* prepared once per snapshot, finalized at its end (snap_finalize) */
	sqlite3_stmt *snap[SNAP_NSTMT];
	/* sqlite_exec's statement must end by then (base.statement_timeout_ms) */
	struct timespec deadline;
	int has_deadline;
} sqlite_db;

/* virtual machine instructions between two looks at the clock (a few
 * microseconds of work: the deadline is met to within a millisecond) */
#define PROGRESS_STEPS 10000

/*
 * SQLite's progress handler: stop the statement (SQLITE_INTERRUPT) when a
 * signal came (SIGINT/SIGTERM: a runaway recursive CTE would otherwise
 * outlast Ctrl-C) or the statement is past its deadline (timed_out).
 */
static int on_progress(void *arg)
{
	sqlite_db *s = arg;
	struct timespec now;

	if (mc_db__signal && !s->base.uninterruptible)
		return 1;
	if (!s->has_deadline)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > s->deadline.tv_sec ||
	    (now.tv_sec == s->deadline.tv_sec &&
	     now.tv_nsec >= s->deadline.tv_nsec)) {
		s->base.timed_out = 1;
		return 1;
	}
	return 0;
}

static void snap_finalize(sqlite_db *s)
{
	for (size_t i = 0; i < SNAP_NSTMT; i++) {
		sqlite3_finalize(s->snap[i]);
		s->snap[i] = NULL;
	}
}

static void sqlite_close(mc_db *db)
{
	sqlite_db *s = (sqlite_db *)db;
	if (!s)
		return;
	snap_finalize(s);
	sqlite3_close_v2(s->db);
	mc_free(s);
}

static int
sqlite_open(mc_db **out, const char *url, const mc_db_readonly_opts *ro)
{
	sqlite_db *s;
	int is_uri, flags, rc;
	const char *path = mc_db__url_sqlite_path(url, &is_uri);
	char *p;

	*out = NULL;
	if (!(s = mc_calloc(1, sizeof(*s))))
		return mc_error_set_oom();
	/* strip a query string from a non-URI path ("sqlite:///x.db?mode=") */
	if (!(p = mc_strdup(path))) {
		mc_free(s);
		return mc_error_set_oom();
	}
	if (!is_uri && strchr(p, '?'))
		*strchr(p, '?') = '\0';
	flags = ro ? SQLITE_OPEN_READONLY
	           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(p, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		mc_error_set(
		        MC_ERROR_DB, "cannot open sqlite database '%s': %s", p,
		        s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		mc_free(p);
		sqlite_close(&s->base);
		return MC_ERROR;
	}
	mc_free(p);
	sqlite3_busy_timeout(s->db, ro && ro->lock_timeout_ms
	                                    ? (int)ro->lock_timeout_ms
	                                    : 5000);
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_progress_handler(s->db, PROGRESS_STEPS, on_progress, s);
	*out = &s->base;
	return 0;
}

/* SQLite's default max_page_count (3.40; 4294967294 from 3.45 on) */
#define DEFAULT_MAX_PAGE_COUNT 1073741823LL

/*
 * Did the file system run out, rather than the migration? SQLITE_FULL is
 * a full disk, or a page limit the migration set itself (PRAGMA
 * max_page_count), which stays its own fault. A write beyond a file size
 * limit (ulimit -f: EFBIG) or a quota is SQLITE_IOERR_WRITE; SQLite's
 * errno for it is unreliable (read from errno after later system calls),
 * so the reason is worked out again: sets *why (a strerror text).
 */
static int out_of_space(sqlite_db *s, int rc, const char **why)
{
	int e = sqlite3_system_errno(s->db);
	sqlite3_stmt *st = NULL;
	struct rlimit rl;
	long long max = 0;

	*why = "database or disk is full";
	if ((rc & 0xff) == SQLITE_IOERR) {
		if (sqlite3_extended_errcode(s->db) != SQLITE_IOERR_WRITE &&
		    e != ENOSPC && e != EFBIG && e != EDQUOT)
			return 0;
		if (e == ENOSPC || e == EFBIG || e == EDQUOT)
			*why = strerror(e);
		else if (getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
		         rl.rlim_cur != RLIM_INFINITY)
			*why = strerror(EFBIG);
		else
			*why = "disk I/O error";
		return 1;
	}
	if ((rc & 0xff) != SQLITE_FULL)
		return 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA main.max_page_count", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return max >= DEFAULT_MAX_PAGE_COUNT;
}

static int fail(sqlite_db *s, int rc, const char *msg)
{
	const char *why;
	if (rc == SQLITE_INTERRUPT && s->base.timed_out && !mc_db__signal) {
		mc_error_set(MC_ERROR_DB, "%s", msg ? msg : "interrupted");
		return MC_DB_ESTATEMENT;
	}
	if (rc == SQLITE_INTERRUPT || mc_db__signal) {
		mc_error_set(MC_ERROR_OS, "interrupted");
		return MC_EINTR;
	}
	mc_error_set(MC_ERROR_DB, "%s", msg ? msg : sqlite3_errmsg(s->db));
	if (out_of_space(s, rc, &why)) {
		const char *file = sqlite3_db_filename(s->db, "main");
		mc_error_set(MC_ERROR_OS,
		             "no space left for the SQLite database '%s' (%s)",
		             file && *file ? file : ":memory:", why);
		return MC_DB_ENOSPACE;
	}
	return MC_DB_ESTATEMENT;
}

static int sqlite_exec(mc_db *db, const char *sql)
{
	sqlite_db *s = (sqlite_db *)db;
	char *msg = NULL;
	int rc, error = 0;

	s->base.timed_out = 0;
	if ((s->has_deadline = db->statement_timeout_ms != 0)) {
		unsigned ms = db->statement_timeout_ms;
		clock_gettime(CLOCK_MONOTONIC, &s->deadline);
		s->deadline.tv_sec += (time_t)(ms / 1000);
		s->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (s->deadline.tv_nsec >= 1000000000L) {
			s->deadline.tv_sec++;
			s->deadline.tv_nsec -= 1000000000L;
		}
	}
	rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	s->has_deadline = 0;
	if (rc != SQLITE_OK)
		error = fail(s, rc, msg);
	sqlite3_free(msg);
	return error;
}

/* the limit is read by sqlite_exec from base.statement_timeout_ms */
static int sqlite_set_statement_timeout(mc_db *db MC_UNUSED, unsigned ms MC_UNUSED)
{
	return 0;
}

static int sqlite_in_transaction(mc_db *db)
{
	return !sqlite3_get_autocommit(((sqlite_db *)db)->db);
}

static int sqlite_server_version(const mc_db *db)
{
	(void)db;
	return sqlite3_libversion_number();
}

/* collect every row of a statement as text */
typedef struct {
	char **v;
	size_t len, cap;
} strvec;

static int strvec_push(strvec *sv, const char *s)
{
	char *d = NULL;
	if (sv->len == sv->cap) {
		size_t ncap = sv->cap ? sv->cap * 2 : 64;
		char **n = mc_realloc(sv->v, ncap * sizeof(*n));
		if (!n)
			return mc_error_set_oom();
		sv->v = n;
		sv->cap = ncap;
	}
	if (s && !(d = mc_strdup(s)))
		return mc_error_set_oom();
	sv->v[sv->len++] = d;
	return 0;
}

/* every row of a prepared statement as text; the statement is reset */
static int collect(mc_db_result **out, sqlite_db *s, sqlite3_stmt *st)
{
	strvec sv = { NULL, 0, 0 };
	mc_db_result *r = NULL;
	size_t cols = 0, rows = 0;
	int rc = SQLITE_DONE, error = 0;

	*out = NULL;
	cols = st ? (size_t)sqlite3_column_count(st) : 0;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t c = 0; c < cols; c++)
			if ((error = strvec_push(
			             &sv, (const char *)sqlite3_column_text(
			                          st, (int)c))) < 0)
				goto done;
		rows++;
	}
	if (st && rc != SQLITE_DONE) {
		error = fail(s, rc, NULL);
		goto done;
	}
	if ((error = mc_db__result_new(&r, rows, cols)) < 0)
		goto done;
	for (size_t c = 0; c < cols; c++)
		if (!(r->names[c] =
		              mc_strdup(sqlite3_column_name(st, (int)c)))) {
			error = mc_error_set_oom();
			goto done;
		}
	if (rows && cols)
		memcpy(r->values, sv.v, rows * cols * sizeof(char *));
	sv.len = 0;
	*out = r;
	r = NULL;
done:
	for (size_t i = 0; i < sv.len; i++)
		mc_free(sv.v[i]);
	mc_free(sv.v);
	mc_db_result_free(r);
	if (st)
		sqlite3_reset(st);
	return error;
}

static int run_query(mc_db_result **out, sqlite_db *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*out = NULL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, NULL);
	error = collect(out, s, st);
	sqlite3_finalize(st);
	return error;
}

static int sqlite_query(mc_db_result **out, mc_db *db, const char *sql)
{
	return run_query(out, (sqlite_db *)db, sql);
}

/* ---- snapshot ---- */

/*
 * A PRAGMA on a table or index, through its table-valued function with the
 * name bound: prepared on first use in a snapshot, then only reset and
 * rebound. The columns are those of "PRAGMA main.<name>(...)".
 */
static int pragma(mc_db_result **out, sqlite_db *s, int which, const char *arg)
{
	static const char *const sql[SNAP_NSTMT] = {
		"SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden "
		"FROM pragma_table_xinfo(?1, 'main')",
		"SELECT seq, name, \"unique\", origin, partial "
		"FROM pragma_index_list(?1, 'main')",
		"SELECT seqno, cid, name, \"desc\", coll, key "
		"FROM pragma_index_xinfo(?1, 'main')",
		"SELECT id, seq, \"table\", \"from\", \"to\", on_update, "
		"on_delete, \"match\" FROM pragma_foreign_key_list(?1, 'main')",
	};
	int rc;

	*out = NULL;
	if (!s->snap[which] &&
	    (rc = sqlite3_prepare_v2(s->db, sql[which], -1, &s->snap[which],
	                             NULL)) != SQLITE_OK)
		return fail(s, rc, NULL);
	if ((rc = sqlite3_bind_text(s->snap[which], 1, arg, -1,
	                            SQLITE_STATIC)) != SQLITE_OK)
		return fail(s, rc, NULL);
	return collect(out, s, s->snap[which]);
}

static const char *cell(const mc_db_result *r, size_t row, size_t col)
{
	return mc_db_result_get(r, row, col);
}

/* whitespace runs collapsed to one space, trimmed */
static char *squeeze(const char *s)
{
	char *r = mc_malloc(strlen(s) + 1), *w = r;
	int sp = 0;
	if (!r)
		return NULL;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			sp = 1;
			continue;
		}
		if (sp && w != r)
			*w++ = ' ';
		sp = 0;
		*w++ = *s;
	}
	*w = '\0';
	return r;
}

static int set_squeezed(mc_object *o, const char *key, const char *v)
{
	char *q;
	int error;
	if (!v)
		return 0;
	if (!(q = squeeze(v)))
		return mc_error_set_oom();
	error = mc_object_set_attr(o, key, q);
	mc_free(q);
	return error;
}

static int add_columns(mc_snapshot *snap,
                       sqlite_db *s,
                       const char *table,
                       const char *qname,
                       mc_buf *pk)
{
	mc_db_result *r = NULL;
	int error;
	size_t npk = 0;

	if ((error = pragma(&r, s, SNAP_TABLE_XINFO, table)) < 0)
		return error;
	/* cid name type notnull dflt_value pk hidden */
	for (size_t pos = 1; npk < r->rows + 1; pos++) {
		size_t i;
		for (i = 0; i < r->rows; i++) {
			const char *p = cell(r, i, 5);
			if (p && (size_t)strtoul(p, NULL, 10) == pos)
				break;
		}
		if (i == r->rows)
			break;
		if ((error = mc_buf_printf(pk, "%s%s", npk ? ", " : "",
		                           cell(r, i, 1))) < 0)
			goto done;
		npk++;
	}
	for (size_t i = 0; i < r->rows; i++) {
		mc_object *o;
		const char *name = cell(r, i, 1), *hidden = cell(r, i, 6);
		const char *coll = NULL, *dtype = NULL;
		int notnull = 0, ispk = 0, autoinc = 0;
		char ord[32];

		if (!name)
			continue;
		if ((error = mc_snapshot_add(&o, snap, MC_OBJ_COLUMN, qname,
		                             name)) < 0 ||
		    (error = mc_object_set_attr(
		             o, "type", cell(r, i, 2) ? cell(r, i, 2) : "")) <
		            0 ||
		    (error = mc_object_set_attr(
		             o, "nullable",
		             cell(r, i, 3) && !strcmp(cell(r, i, 3), "1")
		                     ? "false"
		                     : "true")) < 0 ||
		    (error = mc_object_set_attr(o, "default", cell(r, i, 4))) <
		            0)
			goto done;
		snprintf(ord, sizeof(ord), "%zu", i + 1);
		if ((error = mc_object_set_attr(o, "ordinal", ord)) < 0)
			goto done;
		if (hidden && (!strcmp(hidden, "2") || !strcmp(hidden, "3")) &&
		    (error = mc_object_set_attr(
		             o, "generated",
		             !strcmp(hidden, "2") ? "virtual" : "stored")) < 0)
			goto done;
		if (sqlite3_table_column_metadata(
		            s->db, "main", table, name, &dtype, &coll, &notnull,
		            &ispk, &autoinc) == SQLITE_OK) {
			if (coll && strcasecmp(coll, "BINARY") &&
			    (error = mc_object_set_attr(o, "collation", coll)) <
			            0)
				goto done;
			if (autoinc &&
			    (error = mc_object_set_attr(o, "identity",
			                                "autoincrement")) < 0)
				goto done;
		}
	}
done:
	mc_db_result_free(r);
	return error;
}

static int add_constraint(mc_snapshot *snap,
                          const char *qname,
                          const char *name,
                          unsigned flags,
                          const char *type,
                          const char *def)
{
	mc_object *o;
	int error;
	if ((error = mc_snapshot_add(&o, snap, MC_OBJ_CONSTRAINT, qname,
	                             name)) < 0 ||
	    (error = mc_object_set_attr(o, "type", type)) < 0 ||
	    (error = set_squeezed(o, "definition", def)) < 0)
		return error;
	mc_object_set_flags(o, flags);
	return 0;
}

/* "a, b DESC" from index_xinfo; names joined with '_' into under */
static int
index_columns(mc_buf *cols, mc_buf *under, sqlite_db *s, const char *index)
{
	mc_db_result *r = NULL;
	int error, n = 0;
	if ((error = pragma(&r, s, SNAP_INDEX_XINFO, index)) < 0)
		return error;
	/* seqno cid name desc coll key */
	for (size_t i = 0; i < r->rows; i++) {
		const char *name = cell(r, i, 2), *desc = cell(r, i, 3),
		           *coll = cell(r, i, 4), *key = cell(r, i, 5);
		if (!key || strcmp(key, "1"))
			continue;
		if ((error = mc_buf_printf(cols, "%s%s", n ? ", " : "",
		                           name ? name : "<expr>")) < 0 ||
		    (coll && strcasecmp(coll, "BINARY") &&
		     (error = mc_buf_printf(cols, " COLLATE %s", coll)) < 0) ||
		    (desc && !strcmp(desc, "1") &&
		     (error = mc_buf_puts(cols, " DESC")) < 0) ||
		    (error = mc_buf_printf(under, "_%s",
		                           name ? name : "expr")) < 0)
			goto done;
		n++;
	}
done:
	mc_db_result_free(r);
	return error;
}

/* the WHERE clause of a partial index's CREATE text */
static const char *partial_where(const char *sql)
{
	const char *hit = NULL;
	for (const char *p = sql; p && *p; p++)
		if (!strncasecmp(p, "where", 5) && p > sql &&
		    !isalnum((unsigned char)p[-1]) && p[-1] != '_' &&
		    !isalnum((unsigned char)p[5]) && p[5] != '_')
			hit = p + 5;
	return hit;
}

static int add_indexes(mc_snapshot *snap,
                       sqlite_db *s,
                       const char *table,
                       const char *qname,
                       const mc_db_result *master)
{
	mc_db_result *r = NULL;
	mc_buf cols = MC_BUF_INIT, under = MC_BUF_INIT, def = MC_BUF_INIT;
	int error;

	if ((error = pragma(&r, s, SNAP_INDEX_LIST, table)) < 0)
		return error;
	/* seq name unique origin partial */
	for (size_t i = 0; i < r->rows; i++) {
		const char *name = cell(r, i, 1), *unique = cell(r, i, 2),
		           *origin = cell(r, i, 3);
		mc_object *o;

		if (!name || !origin || !strcmp(origin, "pk"))
			continue;
		mc_buf_clear(&cols);
		mc_buf_clear(&under);
		mc_buf_clear(&def);
		if ((error = index_columns(&cols, &under, s, name)) < 0)
			goto done;
		if (!strcmp(origin, "u")) {
			char *cname = mc_asprintf("%s%s_key", table,
			                          mc_buf_cstr(&under));
			if (!cname ||
			    (error = mc_buf_printf(&def, "UNIQUE (%s)",
			                           mc_buf_cstr(&cols))) < 0) {
				mc_free(cname);
				error = error < 0 ? error : mc_error_set_oom();
				goto done;
			}
			error = add_constraint(snap, qname, cname,
			                       MC_OBJECT_GENERATED_NAME,
			                       "unique", mc_buf_cstr(&def));
			mc_free(cname);
			if (error < 0)
				goto done;
			continue;
		}
		if ((error = mc_snapshot_add(&o, snap, MC_OBJ_INDEX, qname,
		                             name)) < 0 ||
		    (error = mc_object_set_attr(o, "columns",
		                                mc_buf_cstr(&cols))) < 0 ||
		    (error = mc_object_set_attr(o, "unique",
		                                unique && !strcmp(unique, "1")
		                                        ? "true"
		                                        : "false")) < 0)
			goto done;
		/* only a partial index needs its CREATE text */
		for (size_t m = 0; cell(r, i, 4) && !strcmp(cell(r, i, 4), "1") &&
		                   m < master->rows;
		     m++) {
			const char *w;
			if (strcmp(cell(master, m, 0), "index") ||
			    strcmp(cell(master, m, 1), name) ||
			    !cell(master, m, 3))
				continue;
			if ((w = partial_where(cell(master, m, 3))) != NULL &&
			    cell(r, i, 4) && !strcmp(cell(r, i, 4), "1") &&
			    (error = set_squeezed(o, "where", w)) < 0)
				goto done;
		}
	}
done:
	mc_buf_dispose(&cols);
	mc_buf_dispose(&under);
	mc_buf_dispose(&def);
	mc_db_result_free(r);
	return error;
}

static int add_foreign_keys(mc_snapshot *snap,
                            sqlite_db *s,
                            const char *table,
                            const char *qname)
{
	mc_db_result *r = NULL;
	mc_buf from = MC_BUF_INIT, to = MC_BUF_INIT, under = MC_BUF_INIT,
	       def = MC_BUF_INIT;
	int error;

	if ((error = pragma(&r, s, SNAP_FKEY_LIST, table)) < 0)
		return error;
	/* id seq table from to on_update on_delete match */
	for (size_t i = 0; i < r->rows; i++) {
		const char *id = cell(r, i, 0);
		size_t j;
		char *cname;

		if (i > 0 && !strcmp(id, cell(r, i - 1, 0)))
			continue;
		mc_buf_clear(&from);
		mc_buf_clear(&to);
		mc_buf_clear(&under);
		mc_buf_clear(&def);
		for (j = i; j < r->rows && !strcmp(cell(r, j, 0), id); j++) {
			const char *f = cell(r, j, 3), *t = cell(r, j, 4);
			if ((error = mc_buf_printf(&from, "%s%s",
			                           j > i ? ", " : "",
			                           f ? f : "")) < 0 ||
			    (error = mc_buf_printf(&under, "_%s", f ? f : "")) <
			            0 ||
			    (t &&
			     (error = mc_buf_printf(&to, "%s%s",
			                            j > i ? ", " : "", t)) < 0))
				goto done;
		}
		if ((error = mc_buf_printf(
		             &def, "FOREIGN KEY (%s) REFERENCES %s",
		             mc_buf_cstr(&from), cell(r, i, 2))) < 0 ||
		    (to.size &&
		     (error = mc_buf_printf(&def, "(%s)", mc_buf_cstr(&to))) <
		             0) ||
		    (error = mc_buf_printf(&def, " ON UPDATE %s ON DELETE %s",
		                           cell(r, i, 5), cell(r, i, 6))) < 0)
			goto done;
		if (cell(r, i, 7) && strcmp(cell(r, i, 7), "NONE") &&
		    (error = mc_buf_printf(&def, " MATCH %s", cell(r, i, 7))) <
		            0)
			goto done;
		if (!(cname = mc_asprintf("%s%s_fkey", table,
		                          mc_buf_cstr(&under)))) {
			error = mc_error_set_oom();
			goto done;
		}
		error = add_constraint(snap, qname, cname,
		                       MC_OBJECT_GENERATED_NAME, "foreign key",
		                       mc_buf_cstr(&def));
		mc_free(cname);
		if (error < 0)
			goto done;
	}
done:
	mc_buf_dispose(&from);
	mc_buf_dispose(&to);
	mc_buf_dispose(&under);
	mc_buf_dispose(&def);
	mc_db_result_free(r);
	return error;
}

/*
 * CHECK constraints from CREATE TABLE text. The tokenizer skips strings,
 * quoted identifiers and comments, tracks parenthesis depth, and at each
 * CHECK keyword inside the column list takes the parenthesized expression;
 * a preceding "CONSTRAINT name" gives its name.
 */
static const char *skip_token(const char *p)
{
	char q = *p;
	if (q == '\'' || q == '"' || q == '`' || q == '[') {
		char close = q == '[' ? ']' : q;
		for (p++; *p; p++) {
			if (*p == close) {
				if (close != ']' && p[1] == close) {
					p++;
					continue;
				}
				return p + 1;
			}
		}
		return p;
	}
	if (p[0] == '-' && p[1] == '-') {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p[1] == '*') {
		const char *e = strstr(p + 2, "*/");
		return e ? e + 2 : p + strlen(p);
	}
	return NULL;
}

static int is_word(const char *p, const char *start, const char *w)
{
	size_t n = strlen(w);
	return !strncasecmp(p, w, n) &&
	       (p == start ||
	        (!isalnum((unsigned char)p[-1]) && p[-1] != '_')) &&
	       !isalnum((unsigned char)p[n]) && p[n] != '_';
}

static int add_checks(mc_snapshot *snap,
                      const char *table,
                      const char *qname,
                      const char *sql)
{
	const char *p = sql, *cname = NULL;
	size_t cname_len = 0;
	int depth = 0, error = 0;

	while (p && *p) {
		const char *q = skip_token(p);
		if (q) {
			p = q;
			continue;
		}
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == ',') {
			cname = NULL;
		} else if (depth == 1 && is_word(p, sql, "constraint")) {
			const char *n = p + 10, *e;
			while (isspace((unsigned char)*n))
				n++;
			e = skip_token(n);
			if (!e)
				for (e = n; *e && (isalnum((unsigned char)*e) ||
				                   *e == '_');
				     e++)
					;
			cname = n;
			cname_len = (size_t)(e - n);
			p = e;
			continue;
		} else if (depth == 1 && is_word(p, sql, "check")) {
			const char *b = p + 5, *e;
			int d = 0;
			char *expr, *name;
			while (isspace((unsigned char)*b))
				b++;
			if (*b != '(') {
				p++;
				continue;
			}
			for (e = b; *e;) {
				const char *t = skip_token(e);
				if (t) {
					e = t;
					continue;
				}
				if (*e == '(')
					d++;
				else if (*e == ')' && --d == 0) {
					e++;
					break;
				}
				e++;
			}
			expr = mc_asprintf("CHECK %.*s", (int)(e - b), b);
			if (cname) {
				name = mc_strndup(cname, cname_len);
				if (name &&
				    (name[0] == '"' || name[0] == '`' ||
				     name[0] == '[') &&
				    cname_len >= 2) {
					memmove(name, name + 1, cname_len - 2);
					name[cname_len - 2] = '\0';
				}
			} else {
				name = expr ? squeeze(expr) : NULL;
			}
			if (!expr || !name)
				error = mc_error_set_oom();
			else
				error = add_constraint(
				        snap, qname, name,
				        cname ? 0 : MC_OBJECT_GENERATED_NAME,
				        "check", expr);
			mc_free(expr);
			mc_free(name);
			if (error < 0)
				return error;
			cname = NULL;
			p = e;
			continue;
		}
		p++;
	}
	(void)table;
	return 0;
}

/* WITHOUT ROWID and STRICT, from PRAGMA table_list (SQLite 3.37+) */
static int add_table_options(mc_snapshot *snap, sqlite_db *s)
{
	mc_db_result *r = NULL;
	mc_buf name = MC_BUF_INIT;
	int error = 0;

	if (sqlite3_libversion_number() < 3037000)
		return 0;
	if ((error = run_query(&r, s, "PRAGMA main.table_list")) < 0)
		return error;
	/* schema name type ncol wr strict */
	for (size_t i = 0; i < r->rows && error >= 0; i++) {
		mc_object *o;
		const char *wr = cell(r, i, 4), *strict = cell(r, i, 5);
		mc_buf_clear(&name);
		if (!cell(r, i, 1) ||
		    (error = mc_buf_printf(&name, "main.%s", cell(r, i, 1))) <
		            0)
			continue;
		o = mc_snapshot__lookup(snap, MC_OBJ_TABLE, NULL,
		                        mc_buf_cstr(&name));
		if (!o)
			continue;
		if (wr && !strcmp(wr, "1"))
			error = mc_object_set_attr(o, "without_rowid", "true");
		if (error >= 0 && strict && !strcmp(strict, "1"))
			error = mc_object_set_attr(o, "strict", "true");
	}
	mc_buf_dispose(&name);
	mc_db_result_free(r);
	return error;
}

static int
sqlite_snapshot(mc_snapshot **out, mc_db *db, const mc_snapshot_opts *opts)
{
	sqlite_db *s = (sqlite_db *)db;
	mc_snapshot *snap = NULL;
	mc_db_result *m = NULL;
	mc_buf pk = MC_BUF_INIT;
	char *qname = NULL;
	int error;

	*out = NULL;
	/*
	 * One read transaction for the whole snapshot: otherwise every
	 * statement takes and drops the file lock and re-checks the schema.
	 * A savepoint nests inside a caller's transaction too.
	 */
	if ((error = sqlite_exec(db, "SAVEPOINT mc_snapshot")) < 0)
		return error;
	if ((error = mc_snapshot_new(&snap, MC_DIALECT_SQLITE)) < 0 ||
	    (error = run_query(
	             &m, s,
	             "SELECT type, name, tbl_name, sql FROM main.sqlite_master "
	             "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	             "ORDER BY type, name")) < 0)
		goto done;
	for (size_t i = 0; i < m->rows; i++) {
		const char *type = cell(m, i, 0), *name = cell(m, i, 1),
		           *tbl = cell(m, i, 2), *sql = cell(m, i, 3);
		mc_object *o;

		if (!type || !name)
			continue;
		mc_free(qname);
		if (!(qname = mc_asprintf(
		              "main.%s",
		              !strcmp(type, "trigger") && tbl ? tbl : name))) {
			error = mc_error_set_oom();
			goto done;
		}
		if (!strcmp(type, "table")) {
			if (mc_snapshot__excluded(opts, name))
				continue;
			if ((error = mc_snapshot_add(&o, snap, MC_OBJ_TABLE,
			                             NULL, qname)) < 0)
				goto done;
			if (sql && !strncasecmp(sql, "CREATE VIRTUAL", 14)) {
				if ((error = set_squeezed(o, "definition",
				                          sql)) < 0)
					goto done;
				continue;
			}
			mc_buf_clear(&pk);
			if ((error = add_columns(snap, s, name, qname, &pk)) <
			    0)
				goto done;
			if (pk.size) {
				char *def = mc_asprintf("PRIMARY KEY (%s)",
				                        mc_buf_cstr(&pk));
				char *cname = mc_asprintf("%s_pkey", name);
				if (def && cname)
					error = add_constraint(
					        snap, qname, cname,
					        MC_OBJECT_GENERATED_NAME,
					        "primary key", def);
				else
					error = mc_error_set_oom();
				mc_free(def);
				mc_free(cname);
				if (error < 0)
					goto done;
			}
			if ((error = add_indexes(snap, s, name, qname, m)) <
			            0 ||
			    (error = add_foreign_keys(snap, s, name, qname)) <
			            0 ||
			    (sql &&
			     (error = add_checks(snap, name, qname, sql)) < 0))
				goto done;
		} else if (!strcmp(type, "view")) {
			if ((error = mc_snapshot_add(&o, snap, MC_OBJ_VIEW,
			                             NULL, qname)) < 0 ||
			    (error = set_squeezed(o, "definition", sql)) < 0)
				goto done;
		} else if (!strcmp(type, "trigger")) {
			if (tbl && mc_snapshot__excluded(opts, tbl))
				continue;
			if ((error = mc_snapshot_add(&o, snap, MC_OBJ_TRIGGER,
			                             qname, name)) < 0 ||
			    (error = set_squeezed(o, "definition", sql)) < 0)
				goto done;
		}
	}
	if ((error = add_table_options(snap, s)) < 0)
		goto done;
	*out = snap;
	snap = NULL;
done:
	mc_free(qname);
	mc_buf_dispose(&pk);
	mc_db_result_free(m);
	mc_snapshot_free(snap);
	snap_finalize(s);
	/* read only: releasing cannot lose work, and must not mask an error */
	sqlite3_exec(s->db, "RELEASE mc_snapshot", NULL, NULL, NULL);
	return error;
}

const struct mc_db_driver mc_db_sqlite_driver = {
	"sqlite",
	MC_DIALECT_SQLITE,
	sqlite_open,
	sqlite_exec,
	sqlite_query,
	sqlite_snapshot,
	sqlite_in_transaction,
	sqlite_server_version,
	sqlite_close,
	sqlite_set_statement_timeout,
};
