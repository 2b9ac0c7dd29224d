/*
 * test_drift_normalize.c: the noise drift removes before comparing, and
 * the SQL it suggests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/schema.h"
#include "drift/drift_internal.h"
#include "util/banned.h"

static mc_object *
add(mc_snapshot *s, mc_object_kind k, const char *parent, const char *name)
{
	mc_object *o = NULL;
	assert_int_equal(mc_snapshot_add(&o, s, k, parent, name), 0);
	return o;
}

static void attr(mc_object *o, const char *k, const char *v)
{
	assert_int_equal(mc_object_set_attr(o, k, v), 0);
}

static mc_snapshot *sample(void)
{
	mc_snapshot *s = NULL;
	mc_object *o;
	assert_int_equal(mc_snapshot_new(&s, MC_DIALECT_POSTGRES), 0);
	o = add(s, MC_OBJ_TABLE, NULL, "public.users");
	attr(o, "owner", "app");
	attr(o, "acl", "{app=arwdDxt/app,reader=r/app}");
	o = add(s, MC_OBJ_COLUMN, "public.users", "email");
	attr(o, "type", "text");
	attr(o, "nullable", "false");
	attr(o, "ordinal", "2");
	attr(o, "default", "  lower( 'X' )  ");
	add(s, MC_OBJ_TABLE, NULL, "public.spatial_ref_sys");
	o = add(s, MC_OBJ_COLUMN, "public.spatial_ref_sys", "srid");
	attr(o, "type", "integer");
	add(s, MC_OBJ_TABLE, NULL, "audit.log");
	return s;
}

static void normalize__drops_noise(void **state MC_UNUSED)
{
	mc_snapshot *s = sample(), *n = NULL;
	const mc_object *o;

	assert_int_equal(mc_drift__normalize(&n, s, NULL, NULL), 0);
	o = mc_snapshot_find(n, MC_OBJ_TABLE, NULL, "public.users");
	assert_non_null(o);
	assert_null(mc_object_attr(o, "owner"));
	assert_null(mc_object_attr(o, "acl"));
	o = mc_snapshot_find(n, MC_OBJ_COLUMN, "public.users", "email");
	assert_non_null(o);
	assert_null(mc_object_attr(o, "ordinal"));
	assert_string_equal(mc_object_attr(o, "default"), "lower('X')");
	assert_string_equal(mc_object_attr(o, "type"), "text");
	assert_int_equal(mc_snapshot_count(n), mc_snapshot_count(s));
	mc_snapshot_free(n);
	mc_snapshot_free(s);
}

static void normalize__with_privileges_keeps_grants(void **state MC_UNUSED)
{
	mc_snapshot *s = sample(), *n = NULL;
	mc_drift_norm_opts o = { MC_NORM_WITH_PRIVILEGES, NULL, NULL };

	assert_int_equal(mc_drift__normalize(&n, s, NULL, &o), 0);
	assert_string_equal(
	        mc_object_attr(
	                mc_snapshot_find(n, MC_OBJ_TABLE, NULL, "public.users"),
	                "owner"),
	        "app");
	mc_snapshot_free(n);
	mc_snapshot_free(s);
}

static void normalize__ignore_and_schema_filter(void **state MC_UNUSED)
{
	mc_snapshot *s = sample(), *n = NULL;
	mc_vec ignore = MC_VEC_INIT;
	const char *const schemas[] = { "public", NULL };
	mc_drift_norm_opts o = { 0, schemas, &ignore };

	assert_int_equal(
	        mc_vec_push(&ignore, (void *)"table:public.spatial_ref_sys"),
	        0);
	assert_int_equal(mc_drift__normalize(&n, s, NULL, &o), 0);
	assert_null(mc_snapshot_find(n, MC_OBJ_TABLE, NULL,
	                             "public.spatial_ref_sys"));
	assert_null(mc_snapshot_find(n, MC_OBJ_COLUMN, "public.spatial_ref_sys",
	                             "srid"));
	assert_null(mc_snapshot_find(n, MC_OBJ_TABLE, NULL, "audit.log"));
	assert_non_null(
	        mc_snapshot_find(n, MC_OBJ_TABLE, NULL, "public.users"));
	assert_int_equal(mc_snapshot_count(n), 2);
	mc_vec_dispose(&ignore);
	mc_snapshot_free(n);
	mc_snapshot_free(s);
}

static void
normalize__generated_names_match_by_definition(void **state MC_UNUSED)
{
	mc_snapshot *exp = NULL, *act = NULL, *n = NULL;
	mc_object *o;
	const mc_object *r;

	assert_int_equal(mc_snapshot_new(&exp, MC_DIALECT_POSTGRES), 0);
	assert_int_equal(mc_snapshot_new(&act, MC_DIALECT_POSTGRES), 0);
	add(exp, MC_OBJ_TABLE, NULL, "public.t");
	add(act, MC_OBJ_TABLE, NULL, "public.t");
	o = add(exp, MC_OBJ_INDEX, "public.t", "t_email_key");
	mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	attr(o, "definition",
	     "CREATE UNIQUE INDEX t_email_key ON public.t USING btree (email)");
	o = add(act, MC_OBJ_INDEX, "public.t", "t_email_key1");
	mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	attr(o, "definition",
	     "CREATE UNIQUE INDEX t_email_key1 ON public.t USING btree (email)");
	/* same generated name pattern, other definition: stays as it is */
	o = add(act, MC_OBJ_INDEX, "public.t", "t_name_key");
	mc_object_set_flags(o, MC_OBJECT_GENERATED_NAME);
	attr(o, "definition",
	     "CREATE UNIQUE INDEX t_name_key ON public.t USING btree (name)");

	assert_int_equal(mc_drift__normalize(&n, act, exp, NULL), 0);
	r = mc_snapshot_find(n, MC_OBJ_INDEX, "public.t", "t_email_key");
	assert_non_null(r);
	assert_string_equal(
	        mc_object_attr(r, "definition"),
	        "CREATE UNIQUE INDEX t_email_key ON public.t USING btree (email)");
	assert_null(
	        mc_snapshot_find(n, MC_OBJ_INDEX, "public.t", "t_email_key1"));
	assert_non_null(
	        mc_snapshot_find(n, MC_OBJ_INDEX, "public.t", "t_name_key"));
	mc_snapshot_free(n);
	mc_snapshot_free(exp);
	mc_snapshot_free(act);
}

static void normalize__tables_only(void **state MC_UNUSED)
{
	mc_snapshot *s = sample(), *n = NULL;
	mc_object *o;
	mc_drift_norm_opts opt = { MC_NORM_TABLES_ONLY, NULL, NULL };

	o = add(s, MC_OBJ_INDEX, "public.users", "users_email_idx");
	attr(o, "definition", "x");
	o = add(s, MC_OBJ_COLUMN, "public.users", "id");
	attr(o, "identity", "always");
	attr(o, "type", "integer");
	assert_int_equal(mc_drift__normalize(&n, s, NULL, &opt), 0);
	assert_null(mc_snapshot_find(n, MC_OBJ_INDEX, "public.users",
	                             "users_email_idx"));
	assert_null(mc_object_attr(
	        mc_snapshot_find(n, MC_OBJ_COLUMN, "public.users", "id"),
	        "identity"));
	assert_string_equal(
	        mc_object_attr(mc_snapshot_find(n, MC_OBJ_COLUMN,
	                                        "public.users", "id"),
	                       "type"),
	        "integer");
	mc_snapshot_free(n);
	mc_snapshot_free(s);
}

static void suggest__simple_cases(void **state MC_UNUSED)
{
	mc_snapshot *s = sample();
	mc_buf b = MC_BUF_INIT;
	mc_attr_change ch[2] = { { "default", "'a'::text", "'b'::text" },
		                 { "nullable", "false", "true" } };
	mc_diff_entry e;
	mc_object *o = add(s, MC_OBJ_COLUMN, "public.users", "Name");
	attr(o, "type", "character varying(20)");
	attr(o, "ordinal", "3");

	memset(&e, 0, sizeof(e));
	e.kind = MC_DIFF_MISSING;
	e.object_kind = MC_OBJ_COLUMN;
	e.parent = "public.users";
	e.name = "Name";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr,
	        "ALTER TABLE public.users ADD COLUMN \"Name\" character varying(20);\n");

	mc_buf_clear(&b);
	e.kind = MC_DIFF_UNEXPECTED;
	e.object_kind = MC_OBJ_INDEX;
	e.name = "users_name_idx";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(b.ptr, "DROP INDEX public.users_name_idx;\n");

	mc_buf_clear(&b);
	e.kind = MC_DIFF_CHANGED;
	e.object_kind = MC_OBJ_COLUMN;
	e.name = "status";
	e.changes = ch;
	e.nchanges = 2;
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr,
	        "ALTER TABLE public.users ALTER COLUMN status SET DEFAULT 'a'::text;\n"
	        "ALTER TABLE public.users ALTER COLUMN status SET NOT NULL;\n");

	mc_buf_clear(&b);
	memset(&e, 0, sizeof(e));
	e.kind = MC_DIFF_UNEXPECTED;
	e.object_kind = MC_OBJ_TABLE;
	e.name = "public.Sessions";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(b.ptr, "DROP TABLE public.\"Sessions\";\n");

	mc_buf_clear(&b);
	e.kind = MC_DIFF_MISSING;
	e.name = "public.users";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(b.ptr,
	                    "CREATE TABLE public.users (\n"
	                    "\temail text DEFAULT   lower( 'X' )   NOT NULL,\n"
	                    "\t\"Name\" character varying(20)\n"
	                    ");\n");
	mc_buf_dispose(&b);
	mc_snapshot_free(s);
}

static void suggest__hostile_names(void **state MC_UNUSED)
{
	mc_snapshot *s = sample(), *actual = NULL, *lite = NULL;
	mc_buf b = MC_BUF_INIT;
	mc_diff_entry e;
	mc_object *o;

	/* a schema whose name holds a dot: told by the snapshots' schemas */
	assert_int_equal(mc_snapshot_new(&actual, MC_DIALECT_POSTGRES), 0);
	add(actual, MC_OBJ_SCHEMA, NULL, "a.b");
	add(actual, MC_OBJ_SCHEMA, NULL, "public");
	memset(&e, 0, sizeof(e));
	e.kind = MC_DIFF_UNEXPECTED;
	e.object_kind = MC_OBJ_TABLE;
	e.name = "a.b.c";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, actual, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(b.ptr, "DROP TABLE \"a.b\".c;\n");
	mc_buf_clear(&b);
	e.name = "public.x.y";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, actual, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(b.ptr, "DROP TABLE public.\"x.y\";\n");
	/* no schema to tell it by: a comment, not a guess */
	mc_buf_clear(&b);
	e.name = "p.q.r";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, actual, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr,
	        "-- not suggested for table p.q.r: its schema cannot be told from its name, which holds dots; change it by hand\n");

	/* an index whose name holds a quote and a comment */
	mc_buf_clear(&b);
	e.object_kind = MC_OBJ_INDEX;
	e.parent = "public.users";
	e.parent_kind = MC_OBJ_TABLE;
	e.name = "i\"; DROP TABLE users; --";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, actual, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr, "DROP INDEX public.\"i\"\"; DROP TABLE users; --\";\n");

	/* SQL from the database that could end the statement */
	o = add(s, MC_OBJ_COLUMN, "public.users", "status");
	attr(o, "type", "text");
	attr(o, "default", "'x'; DROP TABLE users");
	mc_buf_clear(&b);
	e.kind = MC_DIFF_MISSING;
	e.object_kind = MC_OBJ_COLUMN;
	e.name = "status";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, actual, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr,
	        "-- not suggested for table public.users: column status: the database's SQL for it holds a control character, a ';', a comment or an unclosed quote; change it by hand\n");

	/* SQLite cannot spell a control character; the comment escapes it */
	assert_int_equal(mc_snapshot_new(&lite, MC_DIALECT_SQLITE), 0);
	mc_buf_clear(&b);
	e.kind = MC_DIFF_UNEXPECTED;
	e.object_kind = MC_OBJ_COLUMN;
	e.parent = "main.t";
	e.name = "n\nDROP TABLE t;\033[2J";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, lite, NULL, MC_DIALECT_SQLITE), 0);
	assert_string_equal(
	        b.ptr,
	        "-- not suggested for table main.t: column \"n\\nDROP TABLE t;\\033[2J\": a name holds a control character or bytes that are not UTF-8, which SQLite cannot write; change it by hand\n");
	/* PostgreSQL spells it */
	mc_buf_clear(&b);
	e.parent = "public.users";
	assert_int_equal(
	        mc_drift__suggest(&b, &e, s, NULL, MC_DIALECT_POSTGRES), 0);
	assert_string_equal(
	        b.ptr,
	        "ALTER TABLE public.users DROP COLUMN U&\"n\\000ADROP TABLE t;\\001B[2J\";\n");
	mc_buf_dispose(&b);
	mc_snapshot_free(lite);
	mc_snapshot_free(actual);
	mc_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize__drops_noise),
		cmocka_unit_test(normalize__with_privileges_keeps_grants),
		cmocka_unit_test(normalize__ignore_and_schema_filter),
		cmocka_unit_test(
		        normalize__generated_names_match_by_definition),
		cmocka_unit_test(normalize__tables_only),
		cmocka_unit_test(suggest__simple_cases),
		cmocka_unit_test(suggest__hostile_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
