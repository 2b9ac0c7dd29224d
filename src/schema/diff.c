/*
 * diff.c: compare two snapshots object by object and render the result.
 *
 * Objects are matched by identity (kind, parent, name) through the hash
 * index, so neither snapshot's order matters; entries come out in the
 * canonical order of the object they describe. The diff copies what it
 * reports, so it outlives both snapshots.
 */
#include "migcheck/schema.h"
#include "schema_internal.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "util/banned.h"

typedef struct {
	mc_diff_entry pub;
	const mc_object *sort_obj; /* valid only while diffing */
} entry;

struct mc_schema_diff {
	entry *entries;
	size_t len, cap;
};

const char *mc_diff_kind_name(mc_diff_kind k)
{
	switch (k) {
	case MC_DIFF_MISSING:
		return "missing";
	case MC_DIFF_UNEXPECTED:
		return "unexpected";
	default:
		return "changed";
	}
}

static void entry_dispose(mc_diff_entry *e)
{
	for (size_t i = 0; i < e->nchanges; i++) {
		mc_free((char *)e->changes[i].key);
		mc_free((char *)e->changes[i].expected);
		mc_free((char *)e->changes[i].actual);
	}
	mc_free((void *)e->changes);
	mc_free((char *)e->name);
	mc_free((char *)e->parent);
}

void mc_schema_diff_free(mc_schema_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->len; i++)
		entry_dispose(&d->entries[i].pub);
	mc_free(d->entries);
	mc_free(d);
}

size_t mc_schema_diff_count(const mc_schema_diff *d)
{
	return d ? d->len : 0;
}

int mc_schema_diff_empty(const mc_schema_diff *d)
{
	return !d || d->len == 0;
}

const mc_diff_entry *mc_schema_diff_get(const mc_schema_diff *d, size_t i)
{
	return d && i < d->len ? &d->entries[i].pub : NULL;
}

static int ignored(const mc_diff_opts *opts, const mc_object *o)
{
	const char *const *g;
	char *full;
	int hit = 0;

	if (!opts || !opts->ignore)
		return 0;
	full = o->parent ? mc_asprintf("%s.%s", o->parent, o->name) : NULL;
	for (g = opts->ignore; *g && !hit; g++) {
		if (!fnmatch(*g, o->name, 0) ||
		    (o->parent && !fnmatch(*g, o->parent, 0)) ||
		    (full && !fnmatch(*g, full, 0)))
			hit = 1;
	}
	mc_free(full);
	return hit;
}

static int
compared_key(const mc_diff_opts *opts, const mc_object *o, const char *key)
{
	if (o->kind == MC_OBJ_COLUMN && !strcmp(key, "ordinal"))
		return opts && opts->strict_column_order;
	return 1;
}

static int push_entry(mc_schema_diff *d,
                      mc_diff_kind kind,
                      const mc_object *o,
                      entry **out)
{
	entry *e;
	if (d->len == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		entry *n = mc_realloc(d->entries, ncap * sizeof(*n));
		if (!n)
			return mc_error_set_oom();
		d->entries = n;
		d->cap = ncap;
	}
	e = &d->entries[d->len];
	memset(e, 0, sizeof(*e));
	e->pub.kind = kind;
	e->pub.object_kind = o->kind;
	e->pub.parent_kind = o->parent_kind;
	e->pub.flags = o->flags;
	e->sort_obj = o;
	if (!(e->pub.name = mc_strdup(o->name)) ||
	    (o->parent && !(e->pub.parent = mc_strdup(o->parent)))) {
		entry_dispose(&e->pub);
		return mc_error_set_oom();
	}
	d->len++;
	*out = e;
	return 0;
}

static int add_change(entry *e,
                      size_t *cap,
                      const char *key,
                      const char *expected,
                      const char *actual)
{
	mc_attr_change *c;
	if (e->pub.nchanges == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		mc_attr_change *n =
		        mc_realloc((void *)e->pub.changes, ncap * sizeof(*n));
		if (!n)
			return mc_error_set_oom();
		e->pub.changes = n;
		*cap = ncap;
	}
	c = (mc_attr_change *)&e->pub.changes[e->pub.nchanges];
	c->key = mc_strdup(key);
	c->expected = expected ? mc_strdup(expected) : NULL;
	c->actual = actual ? mc_strdup(actual) : NULL;
	e->pub.nchanges++;
	if (!c->key || (expected && !c->expected) || (actual && !c->actual))
		return mc_error_set_oom();
	return 0;
}

static int compare_objects(mc_schema_diff *d,
                           const mc_object *a,
                           const mc_object *b,
                           const mc_diff_opts *opts)
{
	entry *e = NULL;
	size_t i = 0, j = 0, cap = 0;
	int error;

	while (i < a->nattrs || j < b->nattrs) {
		const mc_attr *x = i < a->nattrs ? &a->attrs[i] : NULL;
		const mc_attr *y = j < b->nattrs ? &b->attrs[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x->key, y->key);
		const char *key = c <= 0 ? x->key : y->key;
		const char *ev = c <= 0 ? x->value : NULL;
		const char *av = c >= 0 ? y->value : NULL;

		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
		if (!compared_key(opts, a, key))
			continue;
		if (ev && av && !strcmp(ev, av))
			continue;
		if (!e && (error = push_entry(d, MC_DIFF_CHANGED, a, &e)) < 0)
			return error;
		if ((error = add_change(e, &cap, key, ev, av)) < 0)
			return error;
	}
	return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c = mc_snapshot__object_cmp(a->sort_obj, b->sort_obj);
	if (c)
		return c;
	return (int)a->pub.kind - (int)b->pub.kind;
}

int mc_snapshot_diff(mc_schema_diff **out,
                     const mc_snapshot *expected,
                     const mc_snapshot *actual,
                     const mc_diff_opts *opts)
{
	mc_schema_diff *d;
	entry *e;
	int error = 0;

	MC_ASSERT_ARG(out && expected && actual);
	*out = NULL;
	if (!(d = mc_calloc(1, sizeof(*d))))
		return mc_error_set_oom();
	mc_snapshot__sort(expected);
	mc_snapshot__sort(actual);
	for (size_t i = 0; i < expected->len; i++) {
		const mc_object *o = expected->objects[i];
		const mc_object *other;
		if (ignored(opts, o))
			continue;
		other = mc_snapshot__lookup(actual, o->kind, o->parent,
		                            o->name);
		if (other) {
			if ((error = compare_objects(d, o, other, opts)) < 0)
				goto fail;
			continue;
		}
		/* a child of a missing parent is reported with the parent */
		if (o->parent && !mc_snapshot__find_parent(actual, o->parent) &&
		    mc_snapshot__find_parent(expected, o->parent))
			continue;
		if ((error = push_entry(d, MC_DIFF_MISSING, o, &e)) < 0)
			goto fail;
	}
	for (size_t i = 0; i < actual->len; i++) {
		const mc_object *o = actual->objects[i];
		if (ignored(opts, o) ||
		    mc_snapshot__lookup(expected, o->kind, o->parent, o->name))
			continue;
		if (o->parent &&
		    !mc_snapshot__find_parent(expected, o->parent) &&
		    mc_snapshot__find_parent(actual, o->parent))
			continue;
		if ((error = push_entry(d, MC_DIFF_UNEXPECTED, o, &e)) < 0)
			goto fail;
	}
	if (d->len > 1)
		qsort(d->entries, d->len, sizeof(*d->entries), entry_cmp);
	for (size_t i = 0; i < d->len; i++)
		d->entries[i].sort_obj = NULL;
	*out = d;
	return 0;
fail:
	mc_schema_diff_free(d);
	return error;
}

/* ---- text ---- */

int mc_diff_entry_subject(mc_buf *out, const mc_diff_entry *e)
{
	int error;
	MC_ASSERT_ARG(out && e);
	/* names come from a database: one with a line break, a quote or an
	 * escape sequence ("x\x1b[2J") is quoted as git quotes paths */
	if (e->parent &&
	    ((error = mc_buf_printf(out, "%s ",
	                            mc_object_kind_name(e->parent_kind))) < 0 ||
	     (error = mc_quote_path(out, e->parent)) < 0 ||
	     (error = mc_buf_puts(out, ": ")) < 0))
		return error;
	if ((error = mc_buf_printf(out, "%s ",
	                           mc_object_kind_name(e->object_kind))) < 0)
		return error;
	return mc_quote_path(out, e->name);
}

/* whitespace runs (newlines, indentation) collapsed to one space */
static char *one_line(const char *s)
{
	char *r = mc_malloc(strlen(s) + 1), *w = r;
	int space = 0;
	if (!r)
		return NULL;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space && w != r)
			*w++ = ' ';
		space = 0;
		*w++ = *s;
	}
	*w = '\0';
	return r;
}

#define SHOW_MAX    72
#define SHOW_BEFORE 24

/* a value as shown: "(none)" when absent, else one line, and when long
 * a window starting a little before the first difference from other */
int mc_diff_value_render(mc_buf *out, const char *v, const char *other)
{
	char *a = NULL, *b = NULL;
	size_t len, start = 0, diff = 0;
	int error;

	if (!v)
		return mc_buf_puts(out, "(none)");
	if (!(a = one_line(v)) || (other && !(b = one_line(other)))) {
		error = mc_error_set_oom();
		goto done;
	}
	len = strlen(a);
	if (len <= SHOW_MAX) {
		error = mc_buf_puts(out, a);
		goto done;
	}
	if (b)
		while (a[diff] && a[diff] == b[diff])
			diff++;
	if (diff > SHOW_BEFORE) {
		/* start at a word: back to the previous space, not too far */
		size_t limit =
		        diff > SHOW_BEFORE * 2 ? diff - SHOW_BEFORE * 2 : 0;
		start = diff - SHOW_BEFORE;
		while (start > limit && a[start - 1] != ' ')
			start--;
	}
	if ((error = mc_buf_puts(out, start ? "..." : "")) < 0)
		goto done;
	if (len - start > SHOW_MAX)
		error = mc_buf_printf(out, "%.*s...", SHOW_MAX, a + start);
	else
		error = mc_buf_puts(out, a + start);
done:
	mc_free(a);
	mc_free(b);
	return error;
}

int mc_diff_entry_render(mc_buf *out, const mc_diff_entry *e)
{
	mc_buf subject = MC_BUF_INIT;
	int error;

	MC_ASSERT_ARG(out && e);
	if ((error = mc_diff_entry_subject(&subject, e)) < 0)
		goto done;
	if (e->kind != MC_DIFF_CHANGED) {
		error = mc_buf_printf(out, "%s: %s\n", mc_buf_cstr(&subject),
		                      mc_diff_kind_name(e->kind));
		goto done;
	}
	for (size_t i = 0; i < e->nchanges; i++) {
		const mc_attr_change *c = &e->changes[i];
		if ((error = mc_buf_printf(out, "%s: %s ",
		                           mc_buf_cstr(&subject), c->key)) <
		            0 ||
		    (error = mc_diff_value_render(out, c->expected, c->actual)) < 0 ||
		    (error = mc_buf_puts(out, " -> ")) < 0 ||
		    (error = mc_diff_value_render(out, c->actual, c->expected)) < 0 ||
		    (error = mc_buf_putc(out, '\n')) < 0)
			goto done;
	}
done:
	mc_buf_dispose(&subject);
	return error;
}

int mc_schema_diff_render_text(mc_buf *out, const mc_schema_diff *d)
{
	int error;
	MC_ASSERT_ARG(out && d);
	for (size_t i = 0; i < d->len; i++)
		if ((error = mc_diff_entry_render(out, &d->entries[i].pub)) < 0)
			return error;
	return 0;
}
