/*
 * history.c: which migrations a live database says it has applied.
 *
 * The tracking table is found by name (or migrations.table) and its tool
 * told apart by its columns, since golang-migrate and dbmate share the
 * name schema_migrations and a custom table name (golang-migrate's
 * x-migrations-table, Flyway's flyway.table) says nothing. Rows are read
 * with CAST(... AS TEXT), which both PostgreSQL and SQLite accept.
 */
#include "migcheck/drift.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char *const known_tables[] = {
	"schema_migrations",     "goose_db_version", "SequelizeMeta",
	"flyway_schema_history", "knex_migrations",  "alembic_version",
	"gorp_migrations",
};

const char *mc_tracker_name(mc_tracker t)
{
	switch (t) {
	case MC_TRACKER_GOLANG_MIGRATE:
		return "golang-migrate";
	case MC_TRACKER_DBMATE:
		return "dbmate";
	case MC_TRACKER_GOOSE:
		return "goose";
	case MC_TRACKER_SEQUELIZE:
		return "sequelize";
	case MC_TRACKER_FLYWAY:
		return "flyway";
	case MC_TRACKER_KNEX:
		return "knex";
	case MC_TRACKER_ALEMBIC:
		return "alembic";
	case MC_TRACKER_SQL_MIGRATE:
		return "sql-migrate";
	default:
		return "unknown";
	}
}

/* --- rows ---------------------------------------------------------------- */

const char *mc_drift_rows_get(const mc_drift_rows *r, size_t row, size_t col)
{
	if (!r || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->cells[row * r->ncols + col];
}

int mc_drift_rows_add(mc_drift_rows *r, const char *const *cells, size_t ncols)
{
	char **n;

	MC_ASSERT_ARG(r && (cells || !ncols));
	if (r->nrows && r->ncols != ncols)
		return mc_error_set(MC_ERROR_USAGE,
		                    "row has %zu columns, not %zu", ncols,
		                    r->ncols);
	r->ncols = ncols;
	n = mc_realloc(r->cells,
	               (r->nrows + 1) * (ncols ? ncols : 1) * sizeof(*n));
	if (!n)
		return mc_error_set_oom();
	r->cells = n;
	for (size_t i = 0; i < ncols; i++) {
		char *c = NULL;
		if (cells[i] && !(c = mc_strdup(cells[i]))) {
			for (size_t j = 0; j < i; j++)
				mc_free(r->cells[r->nrows * ncols + j]);
			return mc_error_set_oom();
		}
		r->cells[r->nrows * ncols + i] = c;
	}
	r->nrows++;
	return 0;
}

void mc_drift_rows_dispose(mc_drift_rows *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		mc_free(r->cells[i]);
	mc_free(r->cells);
	r->cells = NULL;
	r->nrows = r->ncols = 0;
}

/* --- history ------------------------------------------------------------- */

static void applied_free(void *p)
{
	mc_drift_applied *a = p;
	if (!a)
		return;
	mc_free(a->id);
	mc_free(a->detail);
	mc_free(a);
}

void mc_drift_history_free(mc_drift_history *h)
{
	if (!h)
		return;
	mc_vec_dispose_deep(&h->applied, applied_free);
	mc_free(h->table);
	mc_free(h);
}

static int add_applied(mc_drift_history *h,
                       const char *id,
                       int by_name,
                       int dirty,
                       const char *detail)
{
	mc_drift_applied *a = mc_calloc(1, sizeof(*a));
	if (!a || !(a->id = mc_strdup(id)) ||
	    (detail && !(a->detail = mc_strdup(detail)))) {
		applied_free(a);
		return mc_error_set_oom();
	}
	a->by_name = by_name;
	a->dirty = dirty;
	if (mc_vec_push(&h->applied, a) < 0) {
		applied_free(a);
		return MC_ENOMEM;
	}
	return 0;
}

static int is_true(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "t") || !strcmp(v, "1"));
}

/* Append s as an SQL string literal. */
static int put_literal(mc_buf *b, const char *s)
{
	int error = mc_buf_putc(b, '\'');
	for (; !error && *s; s++)
		error = *s == '\'' ? mc_buf_puts(b, "''") : mc_buf_putc(b, *s);
	return error ? error : mc_buf_putc(b, '\'');
}

/* Append s as a quoted SQL identifier. */
static int put_ident(mc_buf *b, const char *s)
{
	int error = mc_buf_putc(b, '"');
	for (; !error && *s; s++)
		error = *s == '"' ? mc_buf_puts(b, "\"\"") : mc_buf_putc(b, *s);
	return error ? error : mc_buf_putc(b, '"');
}

struct table_ref {
	char *schema; /* NULL for SQLite */
	char *name;
};

static int
run(mc_drift_rows *out, mc_drift_query_fn query, void *ctx, const mc_buf *sql)
{
	int error;
	if ((error = query(out, ctx, mc_buf_cstr(sql))) < 0) {
		if (!mc_error_last())
			mc_error_set(MC_ERROR_DB, "query failed: %s",
			             mc_buf_cstr(sql));
		return error;
	}
	return 0;
}

/*
 * Candidate tables: (schema, name) rows. PostgreSQL: visible on the
 * search_path first, then any schema, so a tracking table kept in its own
 * schema is still found.
 */
static int find_tables(mc_drift_rows *out,
                       mc_drift_query_fn query,
                       void *ctx,
                       mc_dialect dialect,
                       const char *schema,
                       const char *name)
{
	mc_buf sql = MC_BUF_INIT;
	int error = 0;

	if (dialect == MC_DIALECT_SQLITE) {
		error = mc_buf_puts(
		        &sql, "SELECT NULL, name FROM sqlite_master "
		              "WHERE type IN ('table', 'view') AND name IN (");
		if (name) {
			error = error ? error : put_literal(&sql, name);
		} else {
			for (size_t i = 0;
			     !error && i < MC_ARRAY_SIZE(known_tables); i++)
				error = (i ? mc_buf_puts(&sql, ", ") : 0) ||
				        put_literal(&sql, known_tables[i]);
		}
		error = error ? error : mc_buf_puts(&sql, ") ORDER BY name");
	} else {
		error = mc_buf_puts(
		        &sql,
		        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
		        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
		        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
		        "AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relname IN (");
		if (name) {
			error = error ? error : put_literal(&sql, name);
		} else {
			for (size_t i = 0;
			     !error && i < MC_ARRAY_SIZE(known_tables); i++)
				error = (i ? mc_buf_puts(&sql, ", ") : 0) ||
				        put_literal(&sql, known_tables[i]);
		}
		error = error ? error : mc_buf_puts(&sql, ")");
		if (!error && schema)
			error = mc_buf_puts(&sql, " AND n.nspname = ") ||
			        put_literal(&sql, schema);
		error = error ? error
		              : mc_buf_puts(
		                        &sql,
		                        " ORDER BY pg_catalog.pg_table_is_visible(c.oid) DESC, "
		                        "n.nspname, c.relname");
	}
	if (error) {
		mc_buf_dispose(&sql);
		return mc_error_set_oom();
	}
	error = run(out, query, ctx, &sql);
	mc_buf_dispose(&sql);
	return error;
}

static int has_col(const mc_drift_rows *cols, const char *name)
{
	for (size_t i = 0; i < cols->nrows; i++) {
		const char *c = mc_drift_rows_get(cols, i, 0);
		if (c && !strcmp(c, name))
			return 1;
	}
	return 0;
}

static int read_columns(mc_drift_rows *out,
                        mc_drift_query_fn query,
                        void *ctx,
                        mc_dialect dialect,
                        const struct table_ref *t)
{
	mc_buf sql = MC_BUF_INIT;
	int error;

	if (dialect == MC_DIALECT_SQLITE)
		error = mc_buf_puts(&sql,
		                    "SELECT name FROM pragma_table_info(") ||
		        put_literal(&sql, t->name) || mc_buf_puts(&sql, ")");
	else
		error = mc_buf_puts(
		                &sql,
		                "SELECT a.attname FROM pg_catalog.pg_attribute a "
		                "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
		                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		                "WHERE a.attnum > 0 AND NOT a.attisdropped AND n.nspname = ") ||
		        put_literal(&sql, t->schema) ||
		        mc_buf_puts(&sql, " AND c.relname = ") ||
		        put_literal(&sql, t->name) ||
		        mc_buf_puts(&sql, " ORDER BY a.attnum");
	if (error) {
		mc_buf_dispose(&sql);
		return mc_error_set_oom();
	}
	error = run(out, query, ctx, &sql);
	mc_buf_dispose(&sql);
	return error;
}

static mc_tracker tracker_from_columns(const mc_drift_rows *cols)
{
	if (has_col(cols, "installed_rank") && has_col(cols, "success"))
		return MC_TRACKER_FLYWAY;
	if (has_col(cols, "version_id") && has_col(cols, "is_applied"))
		return MC_TRACKER_GOOSE;
	/* sql-migrate (gorp): id = the file name, applied_at */
	if (has_col(cols, "id") && has_col(cols, "applied_at"))
		return MC_TRACKER_SQL_MIGRATE;
	if (has_col(cols, "version_num"))
		return MC_TRACKER_ALEMBIC;
	if (has_col(cols, "version") && has_col(cols, "dirty"))
		return MC_TRACKER_GOLANG_MIGRATE;
	if (has_col(cols, "name") && has_col(cols, "batch"))
		return MC_TRACKER_KNEX;
	if (has_col(cols, "name"))
		return MC_TRACKER_SEQUELIZE;
	if (has_col(cols, "version"))
		return MC_TRACKER_DBMATE;
	return MC_TRACKER_UNKNOWN;
}

static const char *select_for(mc_tracker t)
{
	switch (t) {
	case MC_TRACKER_GOLANG_MIGRATE:
		return "SELECT CAST(version AS TEXT), CAST(dirty AS TEXT) FROM ";
	case MC_TRACKER_DBMATE:
		return "SELECT CAST(version AS TEXT) FROM ";
	case MC_TRACKER_GOOSE:
		return "SELECT CAST(version_id AS TEXT), CAST(is_applied AS TEXT) FROM ";
	case MC_TRACKER_SEQUELIZE:
		return "SELECT CAST(name AS TEXT) FROM ";
	case MC_TRACKER_FLYWAY:
		return "SELECT CAST(installed_rank AS TEXT), CAST(version AS TEXT), "
		       "CAST(script AS TEXT), CAST(type AS TEXT), "
		       "CAST(success AS TEXT) FROM ";
	case MC_TRACKER_KNEX:
		return "SELECT CAST(name AS TEXT) FROM ";
	case MC_TRACKER_ALEMBIC:
		return "SELECT CAST(version_num AS TEXT) FROM ";
	case MC_TRACKER_SQL_MIGRATE:
		return "SELECT CAST(id AS TEXT) FROM ";
	default:
		return NULL;
	}
}

static const char *order_for(mc_tracker t)
{
	switch (t) {
	case MC_TRACKER_GOOSE:
		return " ORDER BY id";
	case MC_TRACKER_FLYWAY:
		return " ORDER BY installed_rank";
	case MC_TRACKER_KNEX:
		return " ORDER BY id";
	default:
		return " ORDER BY 1";
	}
}

/* goose: the last row for a version decides (is_applied false = rolled back).
 */
static int interpret_goose(mc_drift_history *h, const mc_drift_rows *rows)
{
	for (size_t i = 0; i < rows->nrows; i++) {
		const char *v = mc_drift_rows_get(rows, i, 0);
		int applied = is_true(mc_drift_rows_get(rows, i, 1));
		size_t j, found = (size_t)-1;
		if (!v || !strcmp(v, "0")) /* goose's own first row */
			continue;
		for (j = 0; j < h->applied.len; j++) {
			mc_drift_applied *a = h->applied.items[j];
			if (!strcmp(a->id, v))
				found = j;
		}
		if (applied && found == (size_t)-1) {
			if (add_applied(h, v, 0, 0, NULL) < 0)
				return MC_ENOMEM;
		} else if (!applied && found != (size_t)-1) {
			applied_free(h->applied.items[found]);
			memmove(&h->applied.items[found],
			        &h->applied.items[found + 1],
			        (h->applied.len - found - 1) * sizeof(void *));
			h->applied.len--;
		}
	}
	return 0;
}

/*
 * flyway: versioned rows (SQL, JDBC, BASELINE, ...) apply their version,
 * UNDO_* rows remove it, rows without a version (repeatable, SCHEMA,
 * DELETE markers) are skipped; success = false is a failed migration.
 */
static int interpret_flyway(mc_drift_history *h, const mc_drift_rows *rows)
{
	for (size_t i = 0; i < rows->nrows; i++) {
		const char *rank = mc_drift_rows_get(rows, i, 0);
		const char *v = mc_drift_rows_get(rows, i, 1);
		const char *script = mc_drift_rows_get(rows, i, 2);
		const char *type = mc_drift_rows_get(rows, i, 3);
		int ok = is_true(mc_drift_rows_get(rows, i, 4));
		char *detail;
		int error;

		if (!v || !*v || (type && !strcmp(type, "DELETE")))
			continue;
		if (type && !strncmp(type, "UNDO", 4)) {
			for (size_t j = h->applied.len; ok && j-- > 0;) {
				mc_drift_applied *a = h->applied.items[j];
				if (!strcmp(a->id, v)) {
					applied_free(a);
					memmove(&h->applied.items[j],
					        &h->applied.items[j + 1],
					        (h->applied.len - j - 1) *
					                sizeof(void *));
					h->applied.len--;
					break;
				}
			}
			continue;
		}
		detail = mc_asprintf("installed_rank %s, script %s",
		                     rank ? rank : "?", script ? script : "?");
		if (!detail)
			return mc_error_set_oom();
		error = add_applied(h, v, 0, !ok, detail);
		if (!error && type && !strcmp(type, "BASELINE"))
			((mc_drift_applied *)
			         h->applied.items[h->applied.len - 1])
			        ->baseline = 1;
		mc_free(detail);
		if (error < 0)
			return error;
	}
	return 0;
}

static int interpret(mc_drift_history *h, const mc_drift_rows *rows)
{
	int by_name = h->tracker == MC_TRACKER_SEQUELIZE ||
	              h->tracker == MC_TRACKER_KNEX ||
	              h->tracker == MC_TRACKER_SQL_MIGRATE;

	if (h->tracker == MC_TRACKER_GOOSE)
		return interpret_goose(h, rows);
	if (h->tracker == MC_TRACKER_FLYWAY)
		return interpret_flyway(h, rows);
	for (size_t i = 0; i < rows->nrows; i++) {
		const char *v = mc_drift_rows_get(rows, i, 0);
		int dirty = h->tracker == MC_TRACKER_GOLANG_MIGRATE &&
		            is_true(mc_drift_rows_get(rows, i, 1));
		/* golang-migrate writes version -1 (nil) after a full rollback
		 */
		if (!v || (h->tracker == MC_TRACKER_GOLANG_MIGRATE &&
		           !strcmp(v, "-1")))
			continue;
		if (add_applied(h, v, by_name, dirty, NULL) < 0)
			return MC_ENOMEM;
	}
	return 0;
}

static int read_rows(mc_drift_history *h,
                     mc_drift_query_fn query,
                     void *ctx,
                     const struct table_ref *t)
{
	mc_buf sql = MC_BUF_INIT;
	mc_drift_rows rows = MC_DRIFT_ROWS_INIT;
	int error;

	if (mc_buf_puts(&sql, select_for(h->tracker)) < 0 ||
	    (t->schema &&
	     (put_ident(&sql, t->schema) < 0 || mc_buf_putc(&sql, '.') < 0)) ||
	    put_ident(&sql, t->name) < 0 ||
	    mc_buf_puts(&sql, order_for(h->tracker)) < 0) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = run(&rows, query, ctx, &sql)) < 0 ||
	    (error = interpret(h, &rows)) < 0)
		goto done;
done:
	mc_drift_rows_dispose(&rows);
	mc_buf_dispose(&sql);
	return error;
}

int mc_drift_history_read(mc_drift_history **out,
                          mc_drift_query_fn query,
                          void *ctx,
                          mc_dialect dialect,
                          const char *table)
{
	mc_drift_history *h = NULL;
	mc_drift_rows found = MC_DRIFT_ROWS_INIT, cols = MC_DRIFT_ROWS_INIT;
	struct table_ref t = { NULL, NULL };
	char *want_schema = NULL, *want_name = NULL;
	const char *dot;
	int error;

	MC_ASSERT_ARG(out && query);
	*out = NULL;
	if (dialect != MC_DIALECT_SQLITE)
		dialect = MC_DIALECT_POSTGRES;

	if (table) {
		dot = dialect == MC_DIALECT_POSTGRES ? strchr(table, '.')
		                                     : NULL;
		if (dot) {
			want_schema = mc_strndup(table, (size_t)(dot - table));
			want_name = mc_strdup(dot + 1);
		} else {
			want_name = mc_strdup(table);
		}
		if (!want_name || (dot && !want_schema)) {
			error = mc_error_set_oom();
			goto done;
		}
	}
	if ((error = find_tables(&found, query, ctx, dialect, want_schema,
	                         want_name)) < 0)
		goto done;
	if (found.nrows == 0) {
		if (table)
			error = mc_error_set(
			        MC_ERROR_DB,
			        "tracking table '%s' not found in the database (migrations.table)",
			        table);
		else
			error = mc_error_set(
			        MC_ERROR_DB,
			        "no migration tracking table found in the database "
			        "(looked for schema_migrations, goose_db_version, "
			        "SequelizeMeta, flyway_schema_history, knex_migrations, "
			        "alembic_version, gorp_migrations); set migrations.table if it has another name");
		if (error == MC_ERROR)
			error = MC_ENOTFOUND;
		goto done;
	}
	if (found.nrows > 1 && dialect == MC_DIALECT_POSTGRES) {
		/* visible ones sort first; more than one distinct name is
		 * ambiguous */
		const char *n0 = mc_drift_rows_get(&found, 0, 1);
		for (size_t i = 1; i < found.nrows; i++) {
			const char *ni = mc_drift_rows_get(&found, i, 1);
			if (strcmp(n0, ni)) {
				error = mc_error_set(
				        MC_ERROR_DB,
				        "several migration tracking tables found ('%s' and '%s'); "
				        "set migrations.table to the one in use",
				        n0, ni);
				goto done;
			}
		}
	} else if (found.nrows > 1) {
		error = mc_error_set(
		        MC_ERROR_DB,
		        "several migration tracking tables found ('%s' and '%s'); "
		        "set migrations.table to the one in use",
		        mc_drift_rows_get(&found, 0, 1),
		        mc_drift_rows_get(&found, 1, 1));
		goto done;
	}
	t.schema = (char *)mc_drift_rows_get(&found, 0, 0);
	t.name = (char *)mc_drift_rows_get(&found, 0, 1);

	if (!(h = mc_calloc(1, sizeof(*h)))) {
		error = mc_error_set_oom();
		goto done;
	}
	h->table = t.schema ? mc_asprintf("%s.%s", t.schema, t.name)
	                    : mc_strdup(t.name);
	if (!h->table) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = read_columns(&cols, query, ctx, dialect, &t)) < 0)
		goto done;
	h->tracker = tracker_from_columns(&cols);
	if (h->tracker == MC_TRACKER_UNKNOWN) {
		error = mc_error_set(
		        MC_ERROR_DB,
		        "cannot tell which migration tool writes '%s': unknown columns",
		        h->table);
		goto done;
	}
	h->head_only = h->tracker == MC_TRACKER_GOLANG_MIGRATE ||
	               h->tracker == MC_TRACKER_ALEMBIC;
	if ((error = read_rows(h, query, ctx, &t)) < 0)
		goto done;
	*out = h;
	h = NULL;
done:
	mc_drift_history_free(h);
	mc_drift_rows_dispose(&found);
	mc_drift_rows_dispose(&cols);
	mc_free(want_schema);
	mc_free(want_name);
	return error;
}
