/*
 * value.c: typed data that commands hand to a report (mc_report_value):
 * objects, arrays, strings, integers, booleans and null, built with
 * setters and serialised only here and in fmt_json.c, so that no command
 * includes jansson or writes JSON text by hand.
 *
 * A value remembers an allocation that failed in any of its setters or
 * children; the call that consumes it (mc_report_set_extra_value,
 * mc_report_value_write) then reports MC_ENOMEM, so a builder need not
 * check each setter.
 */
#include "migcheck/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "report_internal.h"
#include "util/banned.h"

struct mc_report_value {
	json_t *j;
	int failed; /* an allocation failed while building it */
};

static mc_report_value *wrap(json_t *j)
{
	mc_report_value *v;
	if (!j)
		return NULL;
	if ((v = mc_calloc(1, sizeof(*v))) == NULL) {
		json_decref(j);
		return NULL;
	}
	v->j = j;
	return v;
}

mc_report_value *mc_report_object_new(void)
{
	return wrap(json_object());
}

mc_report_value *mc_report_array_new(void)
{
	return wrap(json_array());
}

void mc_report_value_free(mc_report_value *v)
{
	if (!v)
		return;
	json_decref(v->j);
	mc_free(v);
}

/* bytes that are not UTF-8, each byte >= 0x80 as '?' (mc_free) */
static char *qmark_dup(const char *s)
{
	char *c = mc_strdup(s);
	for (char *p = c; p && *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	return c;
}

/* o[key] = j, taking j (json_object_set_new frees it on failure too) */
static void set(mc_report_value *o, const char *key, json_t *j)
{
	if (!o) {
		json_decref(j);
		return;
	}
	if (!j || json_object_set_new(o->j, key, j) < 0)
		o->failed = 1;
}

void mc_report_object_set_str(mc_report_value *o, const char *key,
                              const char *s)
{
	set(o, key, mc_report__json_str(s));
}

void mc_report_object_set_bytes(mc_report_value *o, const char *key,
                                const char *s)
{
	set(o, key, mc_report__json_str_clean(s, qmark_dup));
}

void mc_report_object_set_int(mc_report_value *o, const char *key,
                              long long n)
{
	set(o, key, json_integer((json_int_t)n));
}

void mc_report_object_set_bool(mc_report_value *o, const char *key, int b)
{
	set(o, key, json_boolean(b));
}

void mc_report_object_set_null(mc_report_value *o, const char *key)
{
	set(o, key, json_null());
}

/* take child's JSON out of its wrapper; NULL (and o failed) when child
 * is NULL or failed */
static json_t *take(mc_report_value *o, mc_report_value *child)
{
	json_t *j;
	if (!child || child->failed) {
		if (o)
			o->failed = 1;
		mc_report_value_free(child);
		return NULL;
	}
	j = child->j;
	mc_free(child);
	return j;
}

void mc_report_object_set(mc_report_value *o, const char *key,
                          mc_report_value *child)
{
	json_t *j = take(o, child);
	if (j)
		set(o, key, j);
}

void mc_report_array_push_str(mc_report_value *a, const char *s)
{
	json_t *j = mc_report__json_str(s);
	if (!a) {
		json_decref(j);
		return;
	}
	if (!j || json_array_append_new(a->j, j) < 0)
		a->failed = 1;
}

void mc_report_array_push(mc_report_value *a, mc_report_value *child)
{
	json_t *j = take(a, child);
	if (!a) {
		json_decref(j);
		return;
	}
	if (j && json_array_append_new(a->j, j) < 0)
		a->failed = 1;
}

int mc_report_value_write(mc_buf *out, const mc_report_value *v)
{
	char *s;
	int error;

	if (!v || v->failed)
		return mc_error_set_oom();
	if ((s = json_dumps(v->j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL)
		return mc_error_set_oom();
	if ((error = mc_buf_puts(out, s)) == 0)
		error = mc_buf_putc(out, '\n');
	free(s);
	return error;
}

int mc_report_set_extra_value(mc_report *r, const char *key,
                              mc_report_value *v)
{
	char *text;
	int error;

	if (!v || v->failed) {
		mc_report_value_free(v);
		return mc_error_set_oom();
	}
	/* kept as compact text, not as a tree: a big folder's list is
	 * smaller so (fmt_json.c reads it back into the document) */
	text = json_dumps(v->j, JSON_COMPACT | JSON_ENCODE_ANY |
	                                JSON_PRESERVE_ORDER);
	mc_report_value_free(v);
	if (!text)
		return mc_error_set_oom();
	error = mc_report__set_extra_json(r, key, text);
	free(text);
	return error;
}

int mc_report_set_extra_str(mc_report *r, const char *key, const char *s)
{
	json_t *j = mc_report__json_str(s);
	return mc_report_set_extra_value(r, key, j ? wrap(j) : NULL);
}
