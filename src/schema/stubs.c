/*
 * stubs.c: placeholders for the schema API while it is written.
 */
#include "migcheck/schema.h"

#include "migcheck/errors.h"
#include "util/banned.h"

static int nyi(const char *what)
{
	return mc_error_set(MC_ERROR_DB, "%s: not implemented yet", what);
}

const char *mc_object_kind_name(mc_object_kind k) { (void)k; return "object"; }
int mc_object_kind_parse(mc_object_kind *out, const char *name) { (void)out; (void)name; return MC_ENOTFOUND; }
const char *const *mc_snapshot_default_excludes(void) { static const char *const none[] = { NULL }; return none; }
int mc_snapshot_new(mc_snapshot **out, mc_dialect engine) { (void)engine; *out = NULL; return nyi("mc_snapshot_new"); }
void mc_snapshot_free(mc_snapshot *s) { (void)s; }
int mc_snapshot_add(mc_object **out, mc_snapshot *s, mc_object_kind kind, const char *parent, const char *name) { (void)out; (void)s; (void)kind; (void)parent; (void)name; return nyi("mc_snapshot_add"); }
int mc_object_set_attr(mc_object *o, const char *key, const char *value) { (void)o; (void)key; (void)value; return nyi("mc_object_set_attr"); }
void mc_object_set_flags(mc_object *o, unsigned flags) { (void)o; (void)flags; }
mc_dialect mc_snapshot_engine(const mc_snapshot *s) { (void)s; return MC_DIALECT_UNKNOWN; }
size_t mc_snapshot_count(const mc_snapshot *s) { (void)s; return 0; }
const mc_object *mc_snapshot_get(const mc_snapshot *s, size_t i) { (void)s; (void)i; return NULL; }
const mc_object *mc_snapshot_find(const mc_snapshot *s, mc_object_kind kind, const char *parent, const char *name) { (void)s; (void)kind; (void)parent; (void)name; return NULL; }
mc_object_kind mc_object_kind_of(const mc_object *o) { (void)o; return MC_OBJ_TABLE; }
const char *mc_object_name(const mc_object *o) { (void)o; return ""; }
const char *mc_object_parent(const mc_object *o) { (void)o; return NULL; }
unsigned mc_object_flags(const mc_object *o) { (void)o; return 0; }
const char *mc_object_attr(const mc_object *o, const char *key) { (void)o; (void)key; return NULL; }
size_t mc_object_attr_count(const mc_object *o) { (void)o; return 0; }
void mc_object_attr_at(const mc_object *o, size_t i, const char **key, const char **value) { (void)o; (void)i; *key = NULL; *value = NULL; }
int mc_snapshot_serialize(mc_buf *out, const mc_snapshot *s) { (void)out; (void)s; return nyi("mc_snapshot_serialize"); }
int mc_snapshot_parse(mc_snapshot **out, const char *text, size_t len, mc_dialect engine) { (void)text; (void)len; (void)engine; *out = NULL; return nyi("mc_snapshot_parse"); }
const char *mc_diff_kind_name(mc_diff_kind k) { (void)k; return "changed"; }
int mc_snapshot_diff(mc_schema_diff **out, const mc_snapshot *expected, const mc_snapshot *actual, const mc_diff_opts *opts) { (void)expected; (void)actual; (void)opts; *out = NULL; return nyi("mc_snapshot_diff"); }
size_t mc_schema_diff_count(const mc_schema_diff *d) { (void)d; return 0; }
int mc_schema_diff_empty(const mc_schema_diff *d) { (void)d; return 1; }
const mc_diff_entry *mc_schema_diff_get(const mc_schema_diff *d, size_t i) { (void)d; (void)i; return NULL; }
void mc_schema_diff_free(mc_schema_diff *d) { (void)d; }
int mc_schema_diff_render_text(mc_buf *out, const mc_schema_diff *d) { (void)out; (void)d; return nyi("mc_schema_diff_render_text"); }
int mc_diff_entry_render(mc_buf *out, const mc_diff_entry *e) { (void)out; (void)e; return nyi("mc_diff_entry_render"); }
int mc_diff_entry_subject(mc_buf *out, const mc_diff_entry *e) { (void)out; (void)e; return nyi("mc_diff_entry_subject"); }
