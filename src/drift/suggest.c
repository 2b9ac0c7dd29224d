/*
 * suggest.c: SQL that would bring a live database back to the schema of
 * its migrations, for the simple cases only. It is printed as a
 * suggestion to review, never run: data may be at stake (DROP COLUMN).
 *
 * The text is meant to be pasted into psql or sqlite3, so every name is
 * quoted for the engine (mc_sql_quote_ident) and every piece of SQL that
 * comes from the database (a type, a default, a definition) must be one
 * self-contained piece (mc_sql_fragment_safe): a hostile name can then
 * neither end a statement, hide the rest of it, nor reach the terminal as
 * a control character. A change that cannot be written so is a comment
 * saying why, never a statement.
 */
#include "drift_internal.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "migcheck/sql.h"
#include "util/banned.h"

/* MC_EPARSE from the helpers below: this change cannot be written. */
struct ctx {
	const mc_snapshot *expected, *actual;
	mc_dialect engine;
	const char *why; /* static; set with MC_EPARSE */
};

static int put_ident_n(mc_buf *out, struct ctx *c, const char *s, size_t n)
{
	int error = mc_sql_quote_ident(out, s, n, c->engine);
	if (error == MC_ERROR) {
		mc_error_clear();
		c->why =
		        c->engine == MC_DIALECT_SQLITE
		                ? "a name holds a control character or bytes that are not UTF-8, which SQLite cannot write"
		                : "a name holds bytes that are not UTF-8";
		return MC_EPARSE;
	}
	return error;
}

static int put_ident(mc_buf *out, struct ctx *c, const char *s)
{
	return put_ident_n(out, c, s, strlen(s));
}

/* SQL text from the database, with prefix before it. */
static int
put_sql(mc_buf *out, struct ctx *c, const char *prefix, const char *text)
{
	if (!mc_sql_fragment_safe(text, c->engine)) {
		c->why =
		        "the database's SQL for it holds a control character, a ';', a comment or an unclosed quote";
		return MC_EPARSE;
	}
	if (mc_buf_puts(out, prefix) < 0 || mc_buf_puts(out, text) < 0)
		return MC_ENOMEM;
	return 0;
}

static int is_schema(const mc_snapshot *s, const char *name, size_t n)
{
	for (size_t i = 0; s && i < mc_snapshot_count(s); i++) {
		const mc_object *o = mc_snapshot_get(s, i);
		if (mc_object_kind_of(o) == MC_OBJ_SCHEMA &&
		    strlen(mc_object_name(o)) == n &&
		    !memcmp(mc_object_name(o), name, n))
			return 1;
	}
	return 0;
}

/*
 * The length of the schema in a qualified name, 0 when unqualified. The
 * snapshot joins them with a '.', which a schema's own name may hold:
 * with several dots, the one schema of the snapshots the name starts with.
 */
static int schema_len(size_t *out, struct ctx *c, const char *qname)
{
	const char *dot = strchr(qname, '.');
	size_t found = 0, n = 0;

	*out = 0;
	if (!dot)
		return 0;
	/* SQLite: always "main." */
	if (c->engine == MC_DIALECT_SQLITE || !strchr(dot + 1, '.')) {
		*out = (size_t)(dot - qname);
		return 0;
	}
	for (; dot; dot = strchr(dot + 1, '.')) {
		size_t len = (size_t)(dot - qname);
		if (is_schema(c->expected, qname, len) ||
		    is_schema(c->actual, qname, len)) {
			found++;
			n = len;
		}
	}
	if (found != 1) {
		c->why =
		        "its schema cannot be told from its name, which holds dots";
		return MC_EPARSE;
	}
	*out = n;
	return 0;
}

static int put_qname(mc_buf *out, struct ctx *c, const char *qname)
{
	size_t n;
	int error;

	if ((error = schema_len(&n, c, qname)) < 0)
		return error;
	if (n && ((error = put_ident_n(out, c, qname, n)) < 0 ||
	          (error = mc_buf_putc(out, '.')) < 0))
		return error;
	return put_ident(out, c, qname + (n ? n + 1 : 0));
}

static int put_column_def(mc_buf *out, struct ctx *c, const mc_object *col)
{
	const char *type = mc_object_attr(col, "type");
	const char *nullable = mc_object_attr(col, "nullable");
	const char *def = mc_object_attr(col, "default");
	int error;

	if ((error = put_ident(out, c, mc_object_name(col))) < 0 ||
	    (error = put_sql(out, c, " ", type ? type : "text")) < 0 ||
	    (def && (error = put_sql(out, c, " DEFAULT ", def)) < 0))
		return error;
	if (nullable && !strcmp(nullable, "false") &&
	    mc_buf_puts(out, " NOT NULL") < 0)
		return MC_ENOMEM;
	return 0;
}

static long ordinal(const mc_object *o)
{
	const char *v = mc_object_attr(o, "ordinal");
	return v ? strtol(v, NULL, 10) : 0;
}

static int by_ordinal(const void *a, const void *b)
{
	long x = ordinal(*(const mc_object *const *)a);
	long y = ordinal(*(const mc_object *const *)b);
	return x < y ? -1 : x > y;
}

/*
 * SQLite's index, from what its snapshot keeps (columns "a, b DESC",
 * unique, where): CREATE [UNIQUE] INDEX main.name ON table (...) [WHERE
 * ...]. SQLite puts the schema on the index's name, never on the table.
 */
static int create_sqlite_index(mc_buf *out, struct ctx *c,
                               const mc_object *o)
{
	const char *parent = mc_object_parent(o);
	const char *cols = mc_object_attr(o, "columns");
	const char *unique = mc_object_attr(o, "unique");
	const char *where = mc_object_attr(o, "where");
	const char *table = strchr(parent, '.'), *p;
	int error;

	table = table ? table + 1 : parent;
	if (!cols || !*cols || strstr(cols, "<expr>")) {
		c->why = "it is an index on an expression, which SQLite's catalogue does not give back";
		return MC_EPARSE;
	}
	if ((error = mc_buf_puts(out, unique && !strcmp(unique, "true")
	                                      ? "CREATE UNIQUE INDEX main."
	                                      : "CREATE INDEX main.")) < 0 ||
	    (error = put_ident(out, c, mc_object_name(o))) < 0 ||
	    (error = mc_buf_puts(out, " ON ")) < 0 ||
	    (error = put_ident(out, c, table)) < 0 ||
	    (error = mc_buf_puts(out, " (")) < 0)
		return error;
	/* each column: its name, then " COLLATE x" and " DESC" as written */
	for (p = cols; *p;) {
		const char *end = strstr(p, ", "), *col, *desc;
		size_t n, name;
		char *piece;

		n = end ? (size_t)(end - p) : strlen(p);
		if ((piece = mc_strndup(p, n)) == NULL)
			return mc_error_set_oom();
		col = strstr(piece, " COLLATE ");
		desc = strstr(piece, " DESC");
		name = col ? (size_t)(col - piece)
		           : desc ? (size_t)(desc - piece) : n;
		error = put_ident_n(out, c, piece, name);
		if (!error && name < n)
			error = put_sql(out, c, "", piece + name);
		mc_free(piece);
		if (error < 0)
			return error;
		p += n;
		if (*p && (error = mc_buf_puts(out, ", ")) < 0)
			return error;
		if (*p)
			p += 2;
	}
	if ((error = mc_buf_putc(out, ')')) < 0 ||
	    (where && (error = put_sql(out, c, " WHERE ", where)) < 0))
		return error;
	return mc_buf_puts(out, ";\n");
}

static int create_table(mc_buf *out, struct ctx *c, const mc_diff_entry *e)
{
	const mc_snapshot *expected = c->expected;
	mc_vec cols = MC_VEC_INIT;
	size_t n = 0;
	int error = 0;

	for (size_t i = 0; i < mc_snapshot_count(expected) && !error; i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		if (mc_object_kind_of(o) == MC_OBJ_COLUMN &&
		    mc_object_parent(o) &&
		    !strcmp(mc_object_parent(o), e->name))
			error = mc_vec_push(&cols, (void *)o);
	}
	if (error)
		goto done;
	mc_vec_sort(&cols, by_ordinal);
	if ((error = mc_buf_puts(out, "CREATE TABLE ")) < 0 ||
	    (error = put_qname(out, c, e->name)) < 0 ||
	    (error = mc_buf_puts(out, " (")) < 0)
		goto done;
	for (size_t i = 0; i < cols.len; i++)
		if ((error = mc_buf_puts(out, n++ ? ",\n\t" : "\n\t")) < 0 ||
		    (error = put_column_def(out, c, cols.items[i])) < 0)
			goto done;
	for (size_t i = 0; i < mc_snapshot_count(expected); i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		const char *def = mc_object_attr(o, "definition");
		if (mc_object_kind_of(o) != MC_OBJ_CONSTRAINT || !def ||
		    !mc_object_parent(o) ||
		    strcmp(mc_object_parent(o), e->name))
			continue;
		if ((error = mc_buf_puts(out, n++ ? ",\n\tCONSTRAINT "
		                                  : "\n\tCONSTRAINT ")) < 0 ||
		    (error = put_ident(out, c, mc_object_name(o))) < 0 ||
		    (error = put_sql(out, c, " ", def)) < 0)
			goto done;
	}
	if ((error = mc_buf_puts(out, "\n);\n")) < 0)
		goto done;
	/* indexes other than those of constraints */
	for (size_t i = 0; i < mc_snapshot_count(expected); i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		const char *def = mc_object_attr(o, "definition");
		if (mc_object_kind_of(o) != MC_OBJ_INDEX ||
		    (!def && c->engine != MC_DIALECT_SQLITE) ||
		    !mc_object_parent(o) ||
		    strcmp(mc_object_parent(o), e->name) ||
		    mc_snapshot_find(expected, MC_OBJ_CONSTRAINT, e->name,
		                     mc_object_name(o)))
			continue;
		if (!def) {
			if ((error = create_sqlite_index(out, c, o)) < 0)
				goto done;
			continue;
		}
		if ((error = put_sql(out, c, "", def)) < 0 ||
		    (error = mc_buf_puts(out, ";\n")) < 0)
			goto done;
	}
done:
	mc_vec_dispose(&cols);
	return error;
}

static int alter_table(mc_buf *out, struct ctx *c, const char *table)
{
	int error = mc_buf_puts(out, "ALTER TABLE ");
	return error < 0 ? error : put_qname(out, c, table);
}

/* An index of the parent's schema: schema.name */
static int qualified_child(mc_buf *out,
                           struct ctx *c,
                           const char *parent,
                           const char *name)
{
	size_t n;
	int error;

	if ((error = schema_len(&n, c, parent)) < 0)
		return error;
	if (n && ((error = put_ident_n(out, c, parent, n)) < 0 ||
	          (error = mc_buf_putc(out, '.')) < 0))
		return error;
	return put_ident(out, c, name);
}

static int column_change(mc_buf *out, struct ctx *c, const mc_diff_entry *e)
{
	int error = 0;

	if (c->engine != MC_DIALECT_POSTGRES)
		return 0;
	for (size_t i = 0; i < e->nchanges && !error; i++) {
		const mc_attr_change *ch = &e->changes[i];
		if ((error = alter_table(out, c, e->parent)) < 0 ||
		    (error = mc_buf_puts(out, " ALTER COLUMN ")) < 0 ||
		    (error = put_ident(out, c, e->name)) < 0)
			break;
		if (!strcmp(ch->key, "default")) {
			error = ch->expected
			                ? put_sql(out, c, " SET DEFAULT ",
			                          ch->expected)
			                : mc_buf_puts(out, " DROP DEFAULT");
			if (!error)
				error = mc_buf_puts(out, ";\n");
		} else if (!strcmp(ch->key, "nullable")) {
			int nn = ch->expected && !strcmp(ch->expected, "false");
			error = mc_buf_puts(out, nn ? " SET NOT NULL;\n"
			                            : " DROP NOT NULL;\n");
		} else if (!strcmp(ch->key, "type") && ch->expected) {
			if ((error = put_sql(out, c, " TYPE ", ch->expected)) ==
			    0)
				error = mc_buf_puts(out, ";\n");
		} else {
			/* a key of ours: plain words */
			error = mc_buf_printf(
			        out, " -- %s differs: change it by hand\n",
			        ch->key);
		}
	}
	return error;
}

static int suggest(mc_buf *out, struct ctx *c, const mc_diff_entry *e)
{
	const mc_object *o = NULL;
	int pg = c->engine == MC_DIALECT_POSTGRES, error;

	if (e->kind == MC_DIFF_MISSING && c->expected)
		o = mc_snapshot_find(c->expected, e->object_kind, e->parent,
		                     e->name);

	switch (e->object_kind) {
	case MC_OBJ_TABLE:
		if (e->kind == MC_DIFF_MISSING && c->expected)
			return create_table(out, c, e);
		if (e->kind != MC_DIFF_UNEXPECTED)
			return 0;
		if ((error = mc_buf_puts(out, "DROP TABLE ")) < 0 ||
		    (error = put_qname(out, c, e->name)) < 0)
			return error;
		return mc_buf_puts(out, ";\n");
	case MC_OBJ_COLUMN:
		if (!e->parent)
			return 0;
		if (e->kind == MC_DIFF_CHANGED)
			return column_change(out, c, e);
		if (!(e->kind == MC_DIFF_MISSING && o) &&
		    e->kind != MC_DIFF_UNEXPECTED)
			return 0;
		if ((error = alter_table(out, c, e->parent)) < 0)
			return error;
		if (e->kind == MC_DIFF_MISSING)
			error = mc_buf_puts(out, " ADD COLUMN ") < 0
			                ? MC_ENOMEM
			                : put_column_def(out, c, o);
		else
			error = mc_buf_puts(out, " DROP COLUMN ") < 0
			                ? MC_ENOMEM
			                : put_ident(out, c, e->name);
		return error < 0 ? error : mc_buf_puts(out, ";\n");
	case MC_OBJ_INDEX:
		if (e->kind == MC_DIFF_MISSING && o &&
		    mc_object_attr(o, "definition")) {
			if ((error = put_sql(out, c, "",
			                     mc_object_attr(o, "definition"))) <
			    0)
				return error;
			return mc_buf_puts(out, ";\n");
		}
		if (e->kind == MC_DIFF_MISSING && o && !pg && e->parent)
			return create_sqlite_index(out, c, o);
		if (e->kind != MC_DIFF_UNEXPECTED || !e->parent)
			return 0;
		if ((error = mc_buf_puts(out, "DROP INDEX ")) < 0 ||
		    (error = pg ? qualified_child(out, c, e->parent, e->name)
		                : put_ident(out, c, e->name)) < 0)
			return error;
		return mc_buf_puts(out, ";\n");
	case MC_OBJ_CONSTRAINT:
		if (!pg || !e->parent)
			return 0;
		if (e->kind == MC_DIFF_MISSING && o &&
		    mc_object_attr(o, "definition")) {
			if ((error = alter_table(out, c, e->parent)) < 0 ||
			    (error = mc_buf_puts(out, " ADD CONSTRAINT ")) <
			            0 ||
			    (error = put_ident(out, c, e->name)) < 0 ||
			    (error = put_sql(out, c, " ",
			                     mc_object_attr(o, "definition"))) <
			            0)
				return error;
			return mc_buf_puts(out, ";\n");
		}
		if (e->kind != MC_DIFF_UNEXPECTED)
			return 0;
		if ((error = alter_table(out, c, e->parent)) < 0 ||
		    (error = mc_buf_puts(out, " DROP CONSTRAINT ")) < 0 ||
		    (error = put_ident(out, c, e->name)) < 0)
			return error;
		return mc_buf_puts(out, ";\n");
	default:
		return 0;
	}
}

int mc_drift__suggest(mc_buf *out,
                      const mc_diff_entry *e,
                      const mc_snapshot *expected,
                      const mc_snapshot *actual,
                      mc_dialect engine)
{
	struct ctx c = { expected, actual, engine, NULL };
	mc_buf stmt = MC_BUF_INIT, line = MC_BUF_INIT, subject = MC_BUF_INIT;
	int error;

	MC_ASSERT_ARG(out && e);
	error = suggest(&stmt, &c, e);
	if (error == 0) {
		error = mc_buf_put(out, stmt.ptr ? stmt.ptr : "", stmt.size);
	} else if (error == MC_EPARSE) {
		/* one comment line, whatever the names hold */
		if ((error = mc_diff_entry_subject(&subject, e)) == 0 &&
		    (error = mc_buf_printf(
		             &line,
		             "not suggested for %s: %s; change it by hand",
		             mc_buf_cstr(&subject), c.why)) == 0 &&
		    (error = mc_buf_puts(out, "-- ")) == 0 &&
		    (error = mc_quote_text(out, mc_buf_cstr(&line), 0)) == 0)
			error = mc_buf_putc(out, '\n');
	}
	mc_buf_dispose(&stmt);
	mc_buf_dispose(&line);
	mc_buf_dispose(&subject);
	return error;
}
