/*
 * fmt_json.c: the JSON contract of SPEC §5:
 *   {"command", "ok", "findings": [...], "summary": {"errors", "warnings"}}
 * Keys are only ever added, never renamed: scripts depend on them.
 * One finding per file and line: the groups text shows are not here.
 */
#include <jansson.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

/* A JSON string must be UTF-8 (jansson refuses anything else, and the key
 * would silently vanish): bytes that do not decode become U+FFFD. */
json_t *mc_report__json_str_clean(const char *s, char *(*clean)(const char *))
{
	json_t *j;
	char *c;

	if (!s)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	if ((c = clean(s)) == NULL)
		return NULL;
	j = json_string(c);
	mc_free(c);
	return j;
}

json_t *mc_report__json_str(const char *s)
{
	return mc_report__json_str_clean(s, mc_utf8_dup);
}

static json_t *finding_json(const mc_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", mc_report__json_str(f->code));
	json_object_set_new(o, "severity", json_string(mc_severity_name(f->severity)));
	json_object_set_new(o, "file", mc_report__json_str(f->file));
	json_object_set_new(o, "line", f->line ? json_integer(f->line) : json_null());
	json_object_set_new(o, "migration", mc_report__json_str(f->migration));
	json_object_set_new(o, "message", mc_report__json_str(f->message));
	json_object_set_new(o, "detail", mc_report__json_str(f->detail));
	if (f->section)
		json_object_set_new(o, "section", mc_report__json_str(f->section));
	if (f->existing)
		json_object_set_new(o, "existing", json_true());
	if (f->severity != f->default_severity)
		json_object_set_new(o, "default_severity",
		                    json_string(mc_severity_name(f->default_severity)));
	return o;
}

int mc_report__render_json(mc_buf *out, const mc_report *r)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	char *s;
	int error;

	if (!root || !arr || !sum) {
		json_decref(root);
		json_decref(arr);
		json_decref(sum);
		return mc_error_set_oom();
	}
	json_object_set_new(root, "command", json_string(r->command));
	json_object_set_new(root, "ok", json_boolean(mc_report_errors(r) == 0));
	for (size_t i = 0; i < r->findings.len; i++)
		json_array_append_new(arr, finding_json(r->findings.items[i]));
	json_object_set_new(root, "findings", arr);
	json_object_set_new(sum, "errors", json_integer((json_int_t)mc_report_errors(r)));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)mc_report_warnings(r)));
	json_object_set_new(root, "summary", sum);
	if (r->notes.len) {
		json_t *notes = json_array();
		for (size_t i = 0; i < r->notes.len; i++)
			json_array_append_new(notes, mc_report__json_str(r->notes.items[i]));
		json_object_set_new(root, "notes", notes);
	}
	if (r->steps.len) {
		json_t *steps = json_array();
		for (size_t i = 0; i < r->steps.len; i++) {
			const struct mc_report_step *st = r->steps.items[i];
			json_t *o = json_object();
			json_object_set_new(o, "name", mc_report__json_str(st->name));
			json_object_set_new(o, "status",
			                    json_string(mc_step_status_name(st->status)));
			json_object_set_new(o, "detail", mc_report__json_str(st->detail));
			json_array_append_new(steps, o);
		}
		json_object_set_new(root, "steps", steps);
	}
	if (r->subjects.len) {
		json_t *migs = json_array();
		for (size_t i = 0; i < r->subjects.len; i++) {
			const struct mc_report_subject *su = r->subjects.items[i];
			json_t *o = json_object();
			json_object_set_new(o, "version", mc_report__json_str(su->migration));
			json_object_set_new(o, "file", mc_report__json_str(su->file));
			json_array_append_new(migs, o);
		}
		json_object_set_new(root, "migrations", migs);
	}
	for (size_t i = 0; i < r->extras.len; i++) {
		const struct mc_report_extra *e = r->extras.items[i];
		json_t *v = json_loads(e->json, JSON_DECODE_ANY, NULL);
		if (v)
			json_object_set_new(root, e->key, v);
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		return mc_error_set_oom();
	if ((error = mc_buf_puts(out, s)) == 0)
		error = mc_buf_putc(out, '\n');
	free(s);
	return error;
}
