/*
 * test_schema.c: the snapshot model (canonical order, attributes, text form
 * and its parser) and the diff (missing / unexpected / changed, column
 * order, ignore globs, children of a missing parent, rendered text), plus
 * allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/schema.h"
#include "util/banned.h"

static mc_object *
add(mc_snapshot *s, mc_object_kind k, const char *parent, const char *name)
{
	mc_object *o = NULL;
	assert_int_equal(mc_snapshot_add(&o, s, k, parent, name), 0);
	assert_non_null(o);
	return o;
}

static void attr(mc_object *o, const char *k, const char *v)
{
	assert_int_equal(mc_object_set_attr(o, k, v), 0);
}

/* users(id, email varchar(100)) with a pkey and an index, enum mood */
static mc_snapshot *sample(const char *email_type, int with_index)
{
	mc_snapshot *s = NULL;
	mc_object *o;
	assert_int_equal(mc_snapshot_new(&s, MC_DIALECT_POSTGRES), 0);
	o = add(s, MC_OBJ_COLUMN, "public.users", "email");
	attr(o, "type", email_type);
	attr(o, "nullable", "false");
	attr(o, "ordinal", "2");
	o = add(s, MC_OBJ_TABLE, NULL, "public.users");
	o = add(s, MC_OBJ_COLUMN, "public.users", "id");
	attr(o, "type", "integer");
	attr(o, "ordinal", "1");
	o = add(s, MC_OBJ_CONSTRAINT, "public.users", "users_pkey");
	mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	attr(o, "definition", "PRIMARY KEY (id)");
	if (with_index) {
		o = add(s, MC_OBJ_INDEX, "public.users", "users_email_idx");
		attr(o, "definition",
		     "CREATE INDEX users_email_idx ON public.users USING btree (email)");
	}
	o = add(s, MC_OBJ_TYPE, NULL, "public.mood");
	attr(o, "labels", "sad,ok,happy");
	add(s, MC_OBJ_SCHEMA, NULL, "public");
	return s;
}

static void schema__canonical_order_and_text(void **state)
{
	mc_snapshot *s = sample("character varying(100)", 1);
	mc_buf b = MC_BUF_INIT;
	(void)state;
	assert_int_equal(mc_snapshot_count(s), 7);
	assert_string_equal(mc_object_name(mc_snapshot_get(s, 0)), "public");
	assert_int_equal(mc_object_kind_of(mc_snapshot_get(s, 2)),
	                 MC_OBJ_TABLE);
	assert_int_equal(mc_snapshot_serialize(&b, s), 0);
	assert_string_equal(
	        mc_buf_cstr(&b),
	        "schema\tpublic\n"
	        "type\tpublic.mood\n"
	        "\tlabels\tsad,ok,happy\n"
	        "table\tpublic.users\n"
	        "column\tpublic.users\temail\n"
	        "\tnullable\tfalse\n"
	        "\tordinal\t2\n"
	        "\ttype\tcharacter varying(100)\n"
	        "column\tpublic.users\tid\n"
	        "\tordinal\t1\n"
	        "\ttype\tinteger\n"
	        "constraint\tpublic.users\tusers_pkey\n"
	        "\t!generated-name\n"
	        "\tdefinition\tPRIMARY KEY (id)\n"
	        "index\tpublic.users\tusers_email_idx\n"
	        "\tdefinition\tCREATE INDEX users_email_idx ON public.users USING btree (email)\n");
	mc_buf_dispose(&b);
	mc_snapshot_free(s);
}

static void schema__equal_snapshots_equal_bytes_and_parse_back(void **state)
{
	mc_snapshot *a = sample("text", 1), *b = sample("text", 1), *c = NULL;
	mc_object *o;
	mc_buf x = MC_BUF_INIT, y = MC_BUF_INIT, z = MC_BUF_INIT;
	(void)state;
	/* escaping: tabs, newlines, backslashes survive */
	o = add(a, MC_OBJ_VIEW, NULL, "public.v");
	attr(o, "definition", " SELECT 1\n\tAS \\x;");
	o = add(b, MC_OBJ_VIEW, NULL, "public.v");
	attr(o, "definition", " SELECT 1\n\tAS \\x;");
	assert_int_equal(mc_snapshot_serialize(&x, a), 0);
	assert_int_equal(mc_snapshot_serialize(&y, b), 0);
	assert_string_equal(mc_buf_cstr(&x), mc_buf_cstr(&y));
	assert_int_equal(
	        mc_snapshot_parse(&c, x.ptr, x.size, MC_DIALECT_POSTGRES), 0);
	assert_int_equal(mc_snapshot_serialize(&z, c), 0);
	assert_string_equal(mc_buf_cstr(&x), mc_buf_cstr(&z));
	assert_string_equal(mc_object_attr(mc_snapshot_find(c, MC_OBJ_VIEW,
	                                                    NULL, "public.v"),
	                                   "definition"),
	                    " SELECT 1\n\tAS \\x;");
	assert_true(mc_object_flags(mc_snapshot_find(c, MC_OBJ_CONSTRAINT,
	                                             "public.users",
	                                             "users_pkey")) &
	            MC_OBJECT_GENERATED_NAME);
	mc_buf_dispose(&x);
	mc_buf_dispose(&y);
	mc_buf_dispose(&z);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
	mc_snapshot_free(c);
}

static void schema__parse_errors_name_the_line(void **state)
{
	mc_snapshot *s = NULL;
	const char *bad1 = "table\tpublic.t\n\tfoo\n";
	const char *bad2 = "\tkey\tvalue\n";
	const char *bad3 = "table\tpublic.t\nwidget\tx\n";
	(void)state;
	assert_int_equal(
	        mc_snapshot_parse(&s, bad1, strlen(bad1), MC_DIALECT_POSTGRES),
	        MC_EPARSE);
	assert_string_equal(mc_error_last()->message,
	                    "invalid snapshot line 2: expected key and value");
	assert_int_equal(
	        mc_snapshot_parse(&s, bad2, strlen(bad2), MC_DIALECT_POSTGRES),
	        MC_EPARSE);
	assert_string_equal(
	        mc_error_last()->message,
	        "invalid snapshot line 1: attribute before any object");
	assert_int_equal(
	        mc_snapshot_parse(&s, bad3, strlen(bad3), MC_DIALECT_POSTGRES),
	        MC_EPARSE);
	assert_string_equal(mc_error_last()->message,
	                    "invalid snapshot line 2: unknown object 'widget'");
	assert_null(s);
}

static char *diff_text(const mc_snapshot *a,
                       const mc_snapshot *b,
                       const mc_diff_opts *opts,
                       size_t *count)
{
	mc_schema_diff *d = NULL;
	mc_buf t = MC_BUF_INIT;
	assert_int_equal(mc_snapshot_diff(&d, a, b, opts), 0);
	assert_int_equal(mc_schema_diff_render_text(&t, d), 0);
	if (count)
		*count = mc_schema_diff_count(d);
	mc_schema_diff_free(d);
	assert_int_equal(mc_buf_puts(&t, ""), 0);
	return mc_buf_detach(&t);
}

static void schema__diff_equal_is_empty(void **state)
{
	mc_snapshot *a = sample("text", 1), *b = sample("text", 1);
	mc_schema_diff *d = NULL;
	(void)state;
	assert_int_equal(mc_snapshot_diff(&d, a, b, NULL), 0);
	assert_true(mc_schema_diff_empty(d));
	assert_int_equal(mc_schema_diff_count(d), 0);
	mc_schema_diff_free(d);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__diff_missing_unexpected_changed(void **state)
{
	mc_snapshot *a = sample("character varying(100)", 1);
	mc_snapshot *b = sample("character varying(255)", 0);
	mc_object *o;
	const mc_diff_entry *e;
	mc_schema_diff *d = NULL;
	char *t;
	size_t n;
	(void)state;
	o = add(b, MC_OBJ_COLUMN, "public.users", "nickname");
	attr(o, "type", "text");
	add(b, MC_OBJ_SEQUENCE, NULL, "public.leftover_seq");
	t = diff_text(a, b, NULL, &n);
	assert_int_equal(n, 4);
	assert_string_equal(
	        t,
	        "sequence public.leftover_seq: unexpected\n"
	        "table public.users: column email: type character varying(100) -> character varying(255)\n"
	        "table public.users: column nickname: unexpected\n"
	        "table public.users: index users_email_idx: missing\n");
	mc_free(t);
	assert_int_equal(mc_snapshot_diff(&d, a, b, NULL), 0);
	e = mc_schema_diff_get(d, 1);
	assert_int_equal(e->kind, MC_DIFF_CHANGED);
	assert_int_equal(e->object_kind, MC_OBJ_COLUMN);
	assert_string_equal(e->parent, "public.users");
	assert_int_equal(e->parent_kind, MC_OBJ_TABLE);
	assert_int_equal(e->nchanges, 1);
	assert_string_equal(e->changes[0].key, "type");
	assert_string_equal(e->changes[0].actual, "character varying(255)");
	/* the diff owns its strings: snapshots can go first */
	mc_snapshot_free(a);
	mc_snapshot_free(b);
	assert_string_equal(mc_schema_diff_get(d, 2)->name, "nickname");
	assert_string_equal(mc_diff_kind_name(mc_schema_diff_get(d, 2)->kind),
	                    "unexpected");
	mc_schema_diff_free(d);
}

/* names come from a database: a line break or an escape sequence in one
 * is quoted as git quotes paths, never printed raw */
static void schema__diff_hostile_names_quoted(void **state)
{
	mc_snapshot *a = sample("integer", 0);
	mc_snapshot *b = sample("integer", 0);
	mc_object *o;
	char *t;
	size_t n;
	(void)state;
	add(b, MC_OBJ_TABLE, NULL, "public.x\x1b[2J\ny");
	o = add(b, MC_OBJ_COLUMN, "public.users", "a\"b\tc");
	attr(o, "type", "text");
	t = diff_text(a, b, NULL, &n);
	assert_int_equal(n, 2);
	assert_string_equal(t,
	                    "table public.users: column \"a\\\"b\\tc\": unexpected\n"
	                    "table \"public.x\\033[2J\\ny\": unexpected\n");
	assert_null(strchr(t, '\x1b'));
	mc_free(t);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__diff_column_order_only_when_strict(void **state)
{
	mc_snapshot *a = sample("text", 1), *b = sample("text", 1);
	mc_diff_opts strict = { 1, NULL };
	char *t;
	(void)state;
	attr((mc_object *)mc_snapshot_find(b, MC_OBJ_COLUMN, "public.users",
	                                   "email"),
	     "ordinal", "3");
	t = diff_text(a, b, NULL, NULL);
	assert_string_equal(t, "");
	mc_free(t);
	t = diff_text(a, b, &strict, NULL);
	assert_string_equal(
	        t, "table public.users: column email: ordinal 2 -> 3\n");
	mc_free(t);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__diff_missing_table_hides_its_children(void **state)
{
	mc_snapshot *a = sample("text", 1), *b = NULL;
	char *t;
	(void)state;
	assert_int_equal(mc_snapshot_new(&b, MC_DIALECT_POSTGRES), 0);
	add(b, MC_OBJ_SCHEMA, NULL, "public");
	t = diff_text(a, b, NULL, NULL);
	assert_string_equal(
	        t, "type public.mood: missing\ntable public.users: missing\n");
	mc_free(t);
	t = diff_text(b, a, NULL, NULL);
	assert_string_equal(
	        t,
	        "type public.mood: unexpected\ntable public.users: unexpected\n");
	mc_free(t);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__diff_ignore_globs(void **state)
{
	mc_snapshot *a = sample("text", 1), *b = sample("bigint", 0);
	const char *const ign1[] = { "public.users", NULL };
	const char *const ign2[] = { "public.users.email", "*_idx", NULL };
	mc_diff_opts o1 = { 0, ign1 }, o2 = { 0, ign2 };
	char *t;
	(void)state;
	t = diff_text(a, b, &o1, NULL);
	assert_string_equal(t, "");
	mc_free(t);
	t = diff_text(a, b, &o2, NULL);
	assert_string_equal(t, "");
	mc_free(t);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__diff_long_values_shortened_around_change(void **state)
{
	mc_snapshot *a = NULL, *b = NULL;
	mc_object *o;
	char *t;
	(void)state;
	assert_int_equal(mc_snapshot_new(&a, MC_DIALECT_POSTGRES), 0);
	assert_int_equal(mc_snapshot_new(&b, MC_DIALECT_POSTGRES), 0);
	o = add(a, MC_OBJ_VIEW, NULL, "public.v");
	attr(o, "definition",
	     " SELECT users.id,\n    users.email,\n    users.name,\n    users.created_at\n   FROM users\n  WHERE users.active;");
	o = add(b, MC_OBJ_VIEW, NULL, "public.v");
	attr(o, "definition",
	     " SELECT users.id,\n    users.email,\n    users.name,\n    users.created_at\n   FROM users\n  WHERE NOT users.active;");
	t = diff_text(a, b, NULL, NULL);
	assert_string_equal(
	        t,
	        "view public.v: definition ...users.created_at FROM users WHERE users.active; -> "
	        "...users.created_at FROM users WHERE NOT users.active;\n");
	mc_free(t);
	mc_snapshot_free(a);
	mc_snapshot_free(b);
}

static void schema__kind_names_round_trip(void **state)
{
	mc_object_kind k;
	(void)state;
	for (int i = MC_OBJ_SCHEMA; i <= MC_OBJ_TRIGGER; i++) {
		assert_int_equal(
		        mc_object_kind_parse(
		                &k, mc_object_kind_name((mc_object_kind)i)),
		        0);
		assert_int_equal(k, i);
	}
	assert_string_equal(mc_object_kind_name(MC_OBJ_MATVIEW),
	                    "materialized view");
	assert_int_equal(mc_object_kind_parse(&k, "nope"), MC_ENOTFOUND);
	assert_string_equal(mc_snapshot_default_excludes()[0],
	                    "schema_migrations");
}

static void schema__many_objects_hash_index(void **state)
{
	mc_snapshot *s = NULL;
	char name[64];
	(void)state;
	assert_int_equal(mc_snapshot_new(&s, MC_DIALECT_POSTGRES), 0);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		add(s, MC_OBJ_COLUMN, "public.t", name);
	}
	add(s, MC_OBJ_COLUMN, "public.t", "c7"); /* existing: no duplicate */
	assert_int_equal(mc_snapshot_count(s), 20000);
	assert_non_null(
	        mc_snapshot_find(s, MC_OBJ_COLUMN, "public.t", "c19999"));
	assert_null(mc_snapshot_find(s, MC_OBJ_COLUMN, "public.t", "c20000"));
	mc_snapshot_free(s);
}

static void schema__alloc_failures(void **state)
{
	(void)state;
	for (unsigned long n = 1;; n++) {
		mc_snapshot *a = sample("text", 1), *b = sample("bigint", 0),
		            *c = NULL;
		mc_schema_diff *d = NULL;
		mc_buf t = MC_BUF_INIT, u = MC_BUF_INIT;
		int error;
		mc_alloc_fail_at(n);
		error = mc_snapshot_diff(&d, a, b, NULL);
		if (!error)
			error = mc_schema_diff_render_text(&t, d);
		if (!error)
			error = mc_snapshot_serialize(&u, a);
		if (!error)
			error = mc_snapshot_parse(&c, u.ptr, u.size,
			                          MC_DIALECT_POSTGRES);
		mc_alloc_fail_at(0);
		mc_buf_dispose(&t);
		mc_buf_dispose(&u);
		mc_schema_diff_free(d);
		mc_snapshot_free(a);
		mc_snapshot_free(b);
		mc_snapshot_free(c);
		if (!error)
			break;
		assert_int_equal(error, MC_ENOMEM);
		assert_true(n < 10000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schema__canonical_order_and_text),
		cmocka_unit_test(
		        schema__equal_snapshots_equal_bytes_and_parse_back),
		cmocka_unit_test(schema__parse_errors_name_the_line),
		cmocka_unit_test(schema__diff_equal_is_empty),
		cmocka_unit_test(schema__diff_missing_unexpected_changed),
		cmocka_unit_test(schema__diff_hostile_names_quoted),
		cmocka_unit_test(schema__diff_column_order_only_when_strict),
		cmocka_unit_test(schema__diff_missing_table_hides_its_children),
		cmocka_unit_test(schema__diff_ignore_globs),
		cmocka_unit_test(
		        schema__diff_long_values_shortened_around_change),
		cmocka_unit_test(schema__kind_names_round_trip),
		cmocka_unit_test(schema__many_objects_hash_index),
		cmocka_unit_test(schema__alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
