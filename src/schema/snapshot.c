/*
 * snapshot.c: the engine-neutral schema model, its canonical order and its
 * text form.
 *
 * Objects live in a vector plus a hash index on (kind, parent, name) so
 * readers can add tens of thousands of columns without quadratic lookups.
 * The canonical order groups children right after their parent:
 * (root kind, root name, child?, kind, name), where root is the parent for
 * children and the object itself otherwise. It is computed lazily.
 */
#include "migcheck/schema.h"
#include "schema_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char *const kind_names[] = {
	[MC_OBJ_SCHEMA] = "schema",
	[MC_OBJ_EXTENSION] = "extension",
	[MC_OBJ_TYPE] = "type",
	[MC_OBJ_DOMAIN] = "domain",
	[MC_OBJ_SEQUENCE] = "sequence",
	[MC_OBJ_FUNCTION] = "function",
	[MC_OBJ_TABLE] = "table",
	[MC_OBJ_VIEW] = "view",
	[MC_OBJ_MATVIEW] = "materialized view",
	[MC_OBJ_COLUMN] = "column",
	[MC_OBJ_CONSTRAINT] = "constraint",
	[MC_OBJ_INDEX] = "index",
	[MC_OBJ_TRIGGER] = "trigger",
};

const char *mc_object_kind_name(mc_object_kind k)
{
	if ((size_t)k < MC_ARRAY_SIZE(kind_names) && kind_names[k])
		return kind_names[k];
	return "object";
}

int mc_object_kind_parse(mc_object_kind *out, const char *name)
{
	for (size_t i = 0; i < MC_ARRAY_SIZE(kind_names); i++) {
		if (kind_names[i] && !strcmp(kind_names[i], name)) {
			*out = (mc_object_kind)i;
			return 0;
		}
	}
	return MC_ENOTFOUND;
}

static const char *const default_excludes[] = { "schema_migrations",
	                                        "goose_db_version",
	                                        "SequelizeMeta",
	                                        "flyway_schema_history",
	                                        "knex_migrations",
	                                        "knex_migrations_lock",
	                                        "alembic_version",
	                                        "gorp_migrations",
	                                        "seaql_migrations",
	                                        "schema_version",
	                                        NULL };

const char *const *mc_snapshot_default_excludes(void)
{
	return default_excludes;
}

int mc_snapshot__excluded(const mc_snapshot_opts *opts, const char *table)
{
	const char *const *list = opts && opts->exclude_tables
	                                  ? opts->exclude_tables
	                                  : default_excludes;
	for (; *list; list++)
		if (!strcmp(*list, table))
			return 1;
	if (opts && opts->extra_excludes)
		for (list = opts->extra_excludes; *list; list++)
			if (!strcmp(*list, table))
				return 1;
	return 0;
}

/* ---- objects ---- */

static void object_free(mc_object *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nattrs; i++) {
		mc_free(o->attrs[i].key);
		mc_free(o->attrs[i].value);
	}
	mc_free(o->attrs);
	mc_free(o->parent);
	mc_free(o->name);
	mc_free(o);
}

mc_object_kind mc_object_kind_of(const mc_object *o)
{
	return o->kind;
}

const char *mc_object_name(const mc_object *o)
{
	return o->name;
}

const char *mc_object_parent(const mc_object *o)
{
	return o->parent;
}

unsigned mc_object_flags(const mc_object *o)
{
	return o->flags;
}

void mc_object_set_flags(mc_object *o, unsigned flags)
{
	o->flags = flags;
}

/* binary search: index of key, or where it would go with *found = 0 */
static size_t attr_find(const mc_object *o, const char *key, int *found)
{
	size_t lo = 0, hi = o->nattrs;
	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(o->attrs[mid].key, key);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *mc_object_attr(const mc_object *o, const char *key)
{
	int found;
	size_t i = attr_find(o, key, &found);
	return found ? o->attrs[i].value : NULL;
}

size_t mc_object_attr_count(const mc_object *o)
{
	return o->nattrs;
}

void mc_object_attr_at(const mc_object *o,
                       size_t i,
                       const char **key,
                       const char **value)
{
	if (i >= o->nattrs) {
		*key = *value = NULL;
		return;
	}
	*key = o->attrs[i].key;
	*value = o->attrs[i].value;
}

int mc_object_set_attr(mc_object *o, const char *key, const char *value)
{
	int found;
	size_t i;
	char *v = NULL, *k = NULL;

	MC_ASSERT_ARG(o && key);
	i = attr_find(o, key, &found);
	if (!value) {
		if (found) {
			mc_free(o->attrs[i].key);
			mc_free(o->attrs[i].value);
			memmove(&o->attrs[i], &o->attrs[i + 1],
			        (o->nattrs - i - 1) * sizeof(*o->attrs));
			o->nattrs--;
		}
		return 0;
	}
	if (!(v = mc_strdup(value)))
		return mc_error_set_oom();
	if (found) {
		mc_free(o->attrs[i].value);
		o->attrs[i].value = v;
		return 0;
	}
	if (!(k = mc_strdup(key))) {
		mc_free(v);
		return mc_error_set_oom();
	}
	if (o->nattrs == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 4;
		mc_attr *n = mc_realloc(o->attrs, ncap * sizeof(*n));
		if (!n) {
			mc_free(k);
			mc_free(v);
			return mc_error_set_oom();
		}
		o->attrs = n;
		o->cap = ncap;
	}
	memmove(&o->attrs[i + 1], &o->attrs[i],
	        (o->nattrs - i) * sizeof(*o->attrs));
	o->attrs[i].key = k;
	o->attrs[i].value = v;
	o->nattrs++;
	return 0;
}

/* ---- the snapshot and its hash index ---- */

static uint64_t
hash_ident(mc_object_kind kind, const char *parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	const unsigned char *p;
	h *= 1099511628211ULL;
	for (p = (const unsigned char *)(parent ? parent : ""); *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int same_ident(const mc_object *o,
                      mc_object_kind kind,
                      const char *parent,
                      const char *name)
{
	if (o->kind != kind || strcmp(o->name, name))
		return 0;
	if (!o->parent || !parent)
		return !o->parent && !parent;
	return !strcmp(o->parent, parent);
}

int mc_snapshot_new(mc_snapshot **out, mc_dialect engine)
{
	mc_snapshot *s;
	MC_ASSERT_ARG(out);
	*out = NULL;
	if (!(s = mc_calloc(1, sizeof(*s))))
		return mc_error_set_oom();
	s->engine = engine;
	s->sorted = 1;
	*out = s;
	return 0;
}

void mc_snapshot_free(mc_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->len; i++)
		object_free(s->objects[i]);
	mc_free(s->objects);
	mc_free(s->slots);
	mc_free(s);
}

mc_dialect mc_snapshot_engine(const mc_snapshot *s)
{
	return s->engine;
}

static int rehash(mc_snapshot *s, size_t nslots)
{
	mc_object **slots = mc_calloc(nslots, sizeof(*slots));
	if (!slots)
		return mc_error_set_oom();
	for (size_t i = 0; i < s->len; i++) {
		mc_object *o = s->objects[i];
		size_t j = (size_t)(o->hash & (nslots - 1));
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = o;
	}
	mc_free(s->slots);
	s->slots = slots;
	s->nslots = nslots;
	return 0;
}

mc_object *mc_snapshot__lookup(const mc_snapshot *s,
                               mc_object_kind kind,
                               const char *parent,
                               const char *name)
{
	size_t j;
	uint64_t h;
	if (!s->nslots)
		return NULL;
	h = hash_ident(kind, parent, name);
	j = (size_t)(h & (s->nslots - 1));
	while (s->slots[j]) {
		if (s->slots[j]->hash == h &&
		    same_ident(s->slots[j], kind, parent, name))
			return s->slots[j];
		j = (j + 1) & (s->nslots - 1);
	}
	return NULL;
}

int mc_snapshot_add(mc_object **out,
                    mc_snapshot *s,
                    mc_object_kind kind,
                    const char *parent,
                    const char *name)
{
	mc_object *o;
	int error;

	MC_ASSERT_ARG(s && name);
	if (out)
		*out = NULL;
	if ((o = mc_snapshot__lookup(s, kind, parent, name)) != NULL) {
		if (out)
			*out = o;
		return 0;
	}
	if ((s->len + 1) * 2 > s->nslots &&
	    (error = rehash(s, s->nslots ? s->nslots * 2 : 64)) < 0)
		return error;
	if (s->len == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		mc_object **n = mc_realloc(s->objects, ncap * sizeof(*n));
		if (!n)
			return mc_error_set_oom();
		s->objects = n;
		s->cap = ncap;
	}
	if (!(o = mc_calloc(1, sizeof(*o))) || !(o->name = mc_strdup(name)) ||
	    (parent && !(o->parent = mc_strdup(parent)))) {
		object_free(o);
		return mc_error_set_oom();
	}
	o->kind = kind;
	o->parent_kind = MC_OBJ_TABLE;
	o->hash = hash_ident(kind, parent, name);
	s->objects[s->len++] = o;
	{
		size_t j = (size_t)(o->hash & (s->nslots - 1));
		while (s->slots[j])
			j = (j + 1) & (s->nslots - 1);
		s->slots[j] = o;
	}
	s->sorted = 0;
	if (out)
		*out = o;
	return 0;
}

/* ---- canonical order ---- */

static mc_object_kind root_kind(const mc_object *o)
{
	return o->parent ? o->parent_kind : o->kind;
}

int mc_snapshot__object_cmp(const mc_object *a, const mc_object *b)
{
	const char *ra = a->parent ? a->parent : a->name;
	const char *rb = b->parent ? b->parent : b->name;
	int c;
	if (root_kind(a) != root_kind(b))
		return root_kind(a) < root_kind(b) ? -1 : 1;
	if ((c = strcmp(ra, rb)) != 0)
		return c;
	if (!a->parent != !b->parent)
		return a->parent ? 1 : -1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int object_qsort_cmp(const void *pa, const void *pb)
{
	return mc_snapshot__object_cmp(*(mc_object *const *)pa,
	                               *(mc_object *const *)pb);
}

/* parents are tables, views or materialized views */
const mc_object *mc_snapshot__find_parent(const mc_snapshot *s,
                                          const char *name)
{
	static const mc_object_kind kinds[] = { MC_OBJ_TABLE, MC_OBJ_VIEW,
		                                MC_OBJ_MATVIEW };
	for (size_t i = 0; i < MC_ARRAY_SIZE(kinds); i++) {
		mc_object *p = mc_snapshot__lookup(s, kinds[i], NULL, name);
		if (p)
			return p;
	}
	return NULL;
}

void mc_snapshot__sort(const mc_snapshot *cs)
{
	/* sorting does not change the content: logically const */
	mc_snapshot *s = (mc_snapshot *)cs;
	if (s->sorted)
		return;
	for (size_t i = 0; i < s->len; i++) {
		mc_object *o = s->objects[i];
		if (o->parent) {
			const mc_object *p =
			        mc_snapshot__find_parent(s, o->parent);
			o->parent_kind = p ? p->kind : MC_OBJ_TABLE;
		}
	}
	if (s->len > 1)
		qsort(s->objects, s->len, sizeof(*s->objects),
		      object_qsort_cmp);
	s->sorted = 1;
}

size_t mc_snapshot_count(const mc_snapshot *s)
{
	return s ? s->len : 0;
}

const mc_object *mc_snapshot_get(const mc_snapshot *s, size_t i)
{
	if (!s || i >= s->len)
		return NULL;
	mc_snapshot__sort(s);
	return s->objects[i];
}

const mc_object *mc_snapshot_find(const mc_snapshot *s,
                                  mc_object_kind kind,
                                  const char *parent,
                                  const char *name)
{
	if (!s || !name)
		return NULL;
	return mc_snapshot__lookup(s, kind, parent, name);
}

/* ---- text form ---- */

static int put_escaped(mc_buf *out, const char *s)
{
	int error = 0;
	const char *run = s;
	for (; *s; s++) {
		const char *esc = NULL;
		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\t')
			esc = "\\t";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '\r')
			esc = "\\r";
		if (!esc)
			continue;
		if ((error = mc_buf_put(out, run, (size_t)(s - run))) < 0 ||
		    (error = mc_buf_puts(out, esc)) < 0)
			return error;
		run = s + 1;
	}
	return mc_buf_put(out, run, (size_t)(s - run));
}

int mc_snapshot_serialize(mc_buf *out, const mc_snapshot *s)
{
	int error = 0;

	MC_ASSERT_ARG(out && s);
	mc_snapshot__sort(s);
	for (size_t i = 0; i < s->len; i++) {
		const mc_object *o = s->objects[i];
		if ((error = mc_buf_puts(out, mc_object_kind_name(o->kind))) <
		            0 ||
		    (error = mc_buf_putc(out, '\t')) < 0)
			return error;
		if (o->parent && ((error = put_escaped(out, o->parent)) < 0 ||
		                  (error = mc_buf_putc(out, '\t')) < 0))
			return error;
		if ((error = put_escaped(out, o->name)) < 0 ||
		    (error = mc_buf_putc(out, '\n')) < 0)
			return error;
		if ((o->flags & MC_OBJECT_GENERATED_NAME) &&
		    (error = mc_buf_puts(out, "\t!generated-name\n")) < 0)
			return error;
		for (size_t j = 0; j < o->nattrs; j++) {
			if ((error = mc_buf_putc(out, '\t')) < 0 ||
			    (error = put_escaped(out, o->attrs[j].key)) < 0 ||
			    (error = mc_buf_putc(out, '\t')) < 0 ||
			    (error = put_escaped(out, o->attrs[j].value)) < 0 ||
			    (error = mc_buf_putc(out, '\n')) < 0)
				return error;
		}
	}
	return 0;
}

/* unescape field [p, end) into a new string */
static char *unescape(const char *p, const char *end)
{
	char *r = mc_malloc((size_t)(end - p) + 1), *w = r;
	if (!r)
		return NULL;
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end) {
			p++;
			*w++ = *p == 't'   ? '\t'
			       : *p == 'n' ? '\n'
			       : *p == 'r' ? '\r'
			                   : *p;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return r;
}

#define MAX_FIELDS 3

int mc_snapshot_parse(mc_snapshot **out,
                      const char *text,
                      size_t len,
                      mc_dialect engine)
{
	mc_snapshot *s = NULL;
	mc_object *cur = NULL;
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int error;

	MC_ASSERT_ARG(out && (text || !len));
	*out = NULL;
	if ((error = mc_snapshot_new(&s, engine)) < 0)
		return error;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *f[MAX_FIELDS + 1], *fe[MAX_FIELDS + 1];
		char *v[MAX_FIELDS] = { NULL, NULL, NULL };
		size_t nf = 0;
		int attr_line;
		const char *q;

		if (!eol)
			eol = end;
		lineno++;
		attr_line = *p == '\t';
		q = attr_line ? p + 1 : p;
		if (q == eol) {
			p = eol + 1;
			continue;
		}
		f[0] = q;
		for (; q < eol; q++) {
			if (*q == '\t') {
				fe[nf++] = q;
				if (nf > MAX_FIELDS)
					break;
				f[nf] = q + 1;
			}
		}
		if (nf <= MAX_FIELDS)
			fe[nf++] = eol;
		if (nf > MAX_FIELDS) {
			error = mc_error_set(
			        MC_ERROR_INPUT,
			        "invalid snapshot line %u: too many fields",
			        lineno);
			error = MC_EPARSE;
			goto done;
		}
		for (size_t i = 0; i < nf; i++)
			if (!(v[i] = unescape(f[i], fe[i]))) {
				error = mc_error_set_oom();
				goto fields_done;
			}
		if (attr_line) {
			if (!cur) {
				mc_error_set(
				        MC_ERROR_INPUT,
				        "invalid snapshot line %u: attribute before any object",
				        lineno);
				error = MC_EPARSE;
			} else if (nf == 1 &&
			           !strcmp(v[0], "!generated-name")) {
				cur->flags |= MC_OBJECT_GENERATED_NAME;
			} else if (nf != 2) {
				mc_error_set(
				        MC_ERROR_INPUT,
				        "invalid snapshot line %u: expected key and value",
				        lineno);
				error = MC_EPARSE;
			} else {
				error = mc_object_set_attr(cur, v[0], v[1]);
			}
		} else {
			mc_object_kind kind;
			if (nf < 2 || mc_object_kind_parse(&kind, v[0]) < 0) {
				mc_error_set(
				        MC_ERROR_INPUT,
				        "invalid snapshot line %u: unknown object '%s'",
				        lineno, v[0]);
				error = MC_EPARSE;
			} else {
				error = mc_snapshot_add(&cur, s, kind,
				                        nf == 3 ? v[1] : NULL,
				                        nf == 3 ? v[2] : v[1]);
			}
		}
	fields_done:
		for (size_t i = 0; i < MAX_FIELDS; i++)
			mc_free(v[i]);
		if (error < 0)
			goto done;
		p = eol + 1;
	}
	*out = s;
	s = NULL;
done:
	mc_snapshot_free(s);
	return error;
}
