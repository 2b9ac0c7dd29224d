/*
 * suggest.c: SQL that would bring a live database back to the schema of
 * its migrations, for the simple cases only. It is printed as a
 * suggestion to review, never run: data may be at stake (DROP COLUMN).
 */
#include "drift_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static int needs_quotes(const char *s, size_t n)
{
	if (!n || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		      isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 1;
	return 0;
}

static int put_ident_n(mc_buf *out, const char *s, size_t n)
{
	if (!needs_quotes(s, n))
		return mc_buf_put(out, s, n);
	if (mc_buf_putc(out, '"') < 0)
		return MC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((s[i] == '"' && mc_buf_putc(out, '"') < 0) ||
		    mc_buf_putc(out, s[i]) < 0)
			return MC_ENOMEM;
	return mc_buf_putc(out, '"');
}

int mc_drift__put_qname(mc_buf *out, const char *qname)
{
	const char *dot = strchr(qname, '.');
	if (dot) {
		if (put_ident_n(out, qname, (size_t)(dot - qname)) < 0 ||
		    mc_buf_putc(out, '.') < 0)
			return MC_ENOMEM;
		qname = dot + 1;
	}
	return put_ident_n(out, qname, strlen(qname));
}

static int put_ident(mc_buf *out, const char *s)
{
	return put_ident_n(out, s, strlen(s));
}

static int put_column_def(mc_buf *out, const mc_object *col)
{
	const char *type = mc_object_attr(col, "type");
	const char *nullable = mc_object_attr(col, "nullable");
	const char *def = mc_object_attr(col, "default");

	if (put_ident(out, mc_object_name(col)) < 0 ||
	    mc_buf_printf(out, " %s", type ? type : "text") < 0)
		return MC_ENOMEM;
	if (def && mc_buf_printf(out, " DEFAULT %s", def) < 0)
		return MC_ENOMEM;
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

static int
create_table(mc_buf *out, const mc_diff_entry *e, const mc_snapshot *expected)
{
	mc_vec cols = MC_VEC_INIT;
	size_t n = 0;
	int error = MC_ENOMEM;

	for (size_t i = 0; i < mc_snapshot_count(expected); i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		if (mc_object_kind_of(o) == MC_OBJ_COLUMN &&
		    mc_object_parent(o) &&
		    !strcmp(mc_object_parent(o), e->name) &&
		    mc_vec_push(&cols, (void *)o) < 0)
			goto done;
	}
	mc_vec_sort(&cols, by_ordinal);
	if (mc_buf_puts(out, "CREATE TABLE ") < 0 ||
	    mc_drift__put_qname(out, e->name) < 0 || mc_buf_puts(out, " (") < 0)
		goto done;
	for (size_t i = 0; i < cols.len; i++)
		if (mc_buf_puts(out, n++ ? ",\n\t" : "\n\t") < 0 ||
		    put_column_def(out, cols.items[i]) < 0)
			goto done;
	for (size_t i = 0; i < mc_snapshot_count(expected); i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		const char *def = mc_object_attr(o, "definition");
		if (mc_object_kind_of(o) != MC_OBJ_CONSTRAINT || !def ||
		    !mc_object_parent(o) ||
		    strcmp(mc_object_parent(o), e->name))
			continue;
		if (mc_buf_puts(out, n++ ? ",\n\tCONSTRAINT "
		                         : "\n\tCONSTRAINT ") < 0 ||
		    put_ident(out, mc_object_name(o)) < 0 ||
		    mc_buf_printf(out, " %s", def) < 0)
			goto done;
	}
	if (mc_buf_puts(out, "\n);\n") < 0)
		goto done;
	/* indexes other than those of constraints */
	for (size_t i = 0; i < mc_snapshot_count(expected); i++) {
		const mc_object *o = mc_snapshot_get(expected, i);
		const char *def = mc_object_attr(o, "definition");
		if (mc_object_kind_of(o) != MC_OBJ_INDEX || !def ||
		    !mc_object_parent(o) ||
		    strcmp(mc_object_parent(o), e->name) ||
		    mc_snapshot_find(expected, MC_OBJ_CONSTRAINT, e->name,
		                     mc_object_name(o)))
			continue;
		if (mc_buf_printf(out, "%s;\n", def) < 0)
			goto done;
	}
	error = 0;
done:
	mc_vec_dispose(&cols);
	return error ? mc_error_set_oom() : 0;
}

static int alter_table(mc_buf *out, const char *table)
{
	return mc_buf_puts(out, "ALTER TABLE ") < 0 ||
	                       mc_drift__put_qname(out, table) < 0
	               ? MC_ENOMEM
	               : 0;
}

static int qualified_child(mc_buf *out, const char *parent, const char *name)
{
	const char *dot = strchr(parent, '.');
	if (dot && (put_ident_n(out, parent, (size_t)(dot - parent)) < 0 ||
	            mc_buf_putc(out, '.') < 0))
		return MC_ENOMEM;
	return put_ident(out, name);
}

static int column_change(mc_buf *out, const mc_diff_entry *e, int pg)
{
	for (size_t i = 0; i < e->nchanges; i++) {
		const mc_attr_change *c = &e->changes[i];
		if (!pg)
			return 0;
		if (alter_table(out, e->parent) < 0 ||
		    mc_buf_puts(out, " ALTER COLUMN ") < 0 ||
		    put_ident(out, e->name) < 0)
			return MC_ENOMEM;
		if (!strcmp(c->key, "default")) {
			if ((c->expected
			             ? mc_buf_printf(out, " SET DEFAULT %s;\n",
			                             c->expected)
			             : mc_buf_puts(out, " DROP DEFAULT;\n")) <
			    0)
				return MC_ENOMEM;
		} else if (!strcmp(c->key, "nullable")) {
			int nn = c->expected && !strcmp(c->expected, "false");
			if (mc_buf_puts(out, nn ? " SET NOT NULL;\n"
			                        : " DROP NOT NULL;\n") < 0)
				return MC_ENOMEM;
		} else if (!strcmp(c->key, "type") && c->expected) {
			if (mc_buf_printf(out, " TYPE %s;\n", c->expected) < 0)
				return MC_ENOMEM;
		} else {
			if (mc_buf_printf(out,
			                  " -- %s differs: change it by hand\n",
			                  c->key) < 0)
				return MC_ENOMEM;
		}
	}
	return 0;
}

int mc_drift__suggest(mc_buf *out,
                      const mc_diff_entry *e,
                      const mc_snapshot *expected,
                      mc_dialect engine)
{
	int pg = engine == MC_DIALECT_POSTGRES;
	const mc_object *o = NULL;

	MC_ASSERT_ARG(out && e);
	if (e->kind == MC_DIFF_MISSING && expected)
		o = mc_snapshot_find(expected, e->object_kind, e->parent,
		                     e->name);

	switch (e->object_kind) {
	case MC_OBJ_TABLE:
		if (e->kind == MC_DIFF_MISSING && expected)
			return create_table(out, e, expected);
		if (e->kind == MC_DIFF_UNEXPECTED)
			return mc_buf_puts(out, "DROP TABLE ") < 0 ||
			                       mc_drift__put_qname(
			                               out, e->name) < 0 ||
			                       mc_buf_puts(out, ";\n") < 0
			               ? MC_ENOMEM
			               : 0;
		return 0;
	case MC_OBJ_COLUMN:
		if (!e->parent)
			return 0;
		if (e->kind == MC_DIFF_MISSING && o)
			return alter_table(out, e->parent) < 0 ||
			                       mc_buf_puts(out,
			                                   " ADD COLUMN ") <
			                               0 ||
			                       put_column_def(out, o) < 0 ||
			                       mc_buf_puts(out, ";\n") < 0
			               ? MC_ENOMEM
			               : 0;
		if (e->kind == MC_DIFF_UNEXPECTED)
			return alter_table(out, e->parent) < 0 ||
			                       mc_buf_puts(out,
			                                   " DROP COLUMN ") <
			                               0 ||
			                       put_ident(out, e->name) < 0 ||
			                       mc_buf_puts(out, ";\n") < 0
			               ? MC_ENOMEM
			               : 0;
		if (e->kind == MC_DIFF_CHANGED)
			return column_change(out, e, pg);
		return 0;
	case MC_OBJ_INDEX:
		if (e->kind == MC_DIFF_MISSING && o &&
		    mc_object_attr(o, "definition"))
			return mc_buf_printf(out, "%s;\n",
			                     mc_object_attr(o, "definition")) <
			                       0
			               ? MC_ENOMEM
			               : 0;
		if (e->kind == MC_DIFF_UNEXPECTED && e->parent)
			return mc_buf_puts(out, "DROP INDEX ") < 0 ||
			                       (pg ? qualified_child(out,
			                                             e->parent,
			                                             e->name)
			                           : put_ident(out, e->name)) <
			                               0 ||
			                       mc_buf_puts(out, ";\n") < 0
			               ? MC_ENOMEM
			               : 0;
		return 0;
	case MC_OBJ_CONSTRAINT:
		if (!pg || !e->parent)
			return 0;
		if (e->kind == MC_DIFF_MISSING && o &&
		    mc_object_attr(o, "definition"))
			return alter_table(out, e->parent) < 0 ||
			                       mc_buf_puts(out,
			                                   " ADD CONSTRAINT ") <
			                               0 ||
			                       put_ident(out, e->name) < 0 ||
			                       mc_buf_printf(
			                               out, " %s;\n",
			                               mc_object_attr(
			                                       o,
			                                       "definition")) <
			                               0
			               ? MC_ENOMEM
			               : 0;
		if (e->kind == MC_DIFF_UNEXPECTED)
			return alter_table(out, e->parent) < 0 ||
			                       mc_buf_puts(
			                               out,
			                               " DROP CONSTRAINT ") <
			                               0 ||
			                       put_ident(out, e->name) < 0 ||
			                       mc_buf_puts(out, ";\n") < 0
			               ? MC_ENOMEM
			               : 0;
		return 0;
	default:
		return 0;
	}
}
