/*
 * normalize.c: make two snapshots comparable the way a user means "the
 * same schema". Removed before the diff: objects the user ignores or
 * filtered out with --schema, owners and grants (unless asked for),
 * column positions, whitespace differences inside definitions, and the
 * names the server generates for unnamed constraints and indexes (matched
 * by definition instead). Everything else stays and is reported.
 */
#include "drift_internal.h"

#include <ctype.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char *const privilege_keys[] = { "owner", "acl", "grants",
	                                      "privileges" };

static int is_privilege_key(const char *k)
{
	for (size_t i = 0; i < MC_ARRAY_SIZE(privilege_keys); i++)
		if (!strcmp(k, privilege_keys[i]))
			return 1;
	return 0;
}

/* Collapse whitespace runs to one space; none after '(' or before ')'. */
static int squeeze(mc_buf *out, const char *v)
{
	int pending = 0;
	mc_buf_clear(out);
	if (mc_buf_puts(out, "") < 0)
		return MC_ENOMEM;
	while (isspace((unsigned char)*v))
		v++;
	for (; *v; v++) {
		if (isspace((unsigned char)*v)) {
			pending = 1;
			continue;
		}
		if (pending && *v != ')' && out->size &&
		    out->ptr[out->size - 1] != '(' && mc_buf_putc(out, ' ') < 0)
			return MC_ENOMEM;
		pending = 0;
		if (mc_buf_putc(out, *v) < 0)
			return MC_ENOMEM;
	}
	return 0;
}

static const char *schema_of(const mc_object *o, char *buf, size_t n)
{
	const char *q =
	        mc_object_parent(o) ? mc_object_parent(o) : mc_object_name(o);
	const char *dot;
	size_t l;

	if (mc_object_kind_of(o) == MC_OBJ_SCHEMA)
		return mc_object_name(o);
	if (mc_object_kind_of(o) == MC_OBJ_EXTENSION)
		return mc_object_attr(o, "schema");
	if (!q || !(dot = strchr(q, '.')))
		return NULL;
	l = (size_t)(dot - q);
	if (l >= n)
		l = n - 1;
	memcpy(buf, q, l);
	buf[l] = '\0';
	return buf;
}

static int keep_schema(const mc_object *o, const char *const *schemas)
{
	char buf[256];
	const char *s;
	if (!schemas)
		return 1;
	if (!(s = schema_of(o, buf, sizeof(buf))))
		return 0;
	for (size_t i = 0; schemas[i]; i++)
		if (!strcmp(schemas[i], s))
			return 1;
	return 0;
}

static int ignored(const mc_object *o, const mc_vec *ignore, mc_buf *tmp)
{
	const char *kind = mc_object_kind_name(mc_object_kind_of(o));
	const char *parent = mc_object_parent(o);

	char owner[512] = "";

	if (!ignore)
		return 0;
	/* a serial's sequence goes with its table */
	if (mc_object_kind_of(o) == MC_OBJ_SEQUENCE &&
	    mc_object_attr(o, "owned_by")) {
		const char *ob = mc_object_attr(o, "owned_by");
		const char *dot = strrchr(ob, '.');
		size_t l = dot ? (size_t)(dot - ob) : 0;
		if (l < sizeof(owner)) {
			memcpy(owner, ob, l);
			owner[l] = '\0';
		}
	}
	mc_buf_clear(tmp);
	if (parent) {
		if (mc_buf_printf(tmp, "%s.%s", parent, mc_object_name(o)) < 0)
			return -1;
	} else if (mc_buf_puts(tmp, mc_object_name(o)) < 0) {
		return -1;
	}
	for (size_t i = 0; i < ignore->len; i++) {
		const char *p = ignore->items[i];
		if (mc_drift_ignore_match(p, kind, tmp->ptr))
			return 1;
		if (*owner && mc_drift_ignore_match(p, "table", owner))
			return 1;
		if (parent &&
		    (mc_drift_ignore_match(p, "table", parent) ||
		     mc_drift_ignore_match(p, "view", parent) ||
		     mc_drift_ignore_match(p, "materialized view", parent)))
			return 1;
	}
	return 0;
}

/* def with the whole-word occurrences of name replaced by '?' */
static int strip_name(mc_buf *out, const char *def, const char *name)
{
	size_t nl = strlen(name);
	const char *p = def;

	mc_buf_clear(out);
	if (mc_buf_puts(out, "") < 0)
		return MC_ENOMEM;
	while (*p) {
		if (nl && !strncmp(p, name, nl) &&
		    (p == def ||
		     !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[nl]) || p[nl] == '_')) {
			if (mc_buf_putc(out, '?') < 0)
				return MC_ENOMEM;
			p += nl;
			continue;
		}
		if (mc_buf_putc(out, *p++) < 0)
			return MC_ENOMEM;
	}
	return 0;
}

/*
 * A generated-name constraint or index of o absent from ref by name: the
 * ref object of the same kind and parent, also generated, whose
 * definition is the same apart from the name.
 */
static const mc_object *generated_twin(const mc_object *o,
                                       const mc_snapshot *ref)
{
	mc_object_kind k = mc_object_kind_of(o);
	const char *def = mc_object_attr(o, "definition");
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;
	const mc_object *hit = NULL;

	if (!ref || !(mc_object_flags(o) & MC_OBJECT_GENERATED_NAME) || !def ||
	    (k != MC_OBJ_CONSTRAINT && k != MC_OBJ_INDEX) ||
	    mc_snapshot_find(ref, k, mc_object_parent(o), mc_object_name(o)))
		return NULL;
	if (strip_name(&a, def, mc_object_name(o)) < 0)
		goto done;
	for (size_t i = 0; i < mc_snapshot_count(ref); i++) {
		const mc_object *r = mc_snapshot_get(ref, i);
		const char *rdef = mc_object_attr(r, "definition");
		if (mc_object_kind_of(r) != k || !rdef ||
		    !(mc_object_flags(r) & MC_OBJECT_GENERATED_NAME) ||
		    !mc_object_parent(r) || !mc_object_parent(o) ||
		    strcmp(mc_object_parent(r), mc_object_parent(o)))
			continue;
		if (strip_name(&b, rdef, mc_object_name(r)) < 0)
			goto done;
		if (!strcmp(a.ptr, b.ptr)) {
			hit = r;
			break;
		}
	}
done:
	mc_buf_dispose(&a);
	mc_buf_dispose(&b);
	return hit;
}

static int keep_kind(mc_object_kind k, unsigned flags)
{
	if (flags & MC_NORM_TABLES_ONLY)
		return k == MC_OBJ_TABLE || k == MC_OBJ_COLUMN;
	return 1;
}

static int keep_attr(mc_object_kind k, const char *key, unsigned flags)
{
	if (!strcmp(key, "ordinal"))
		return 0;
	if (!(flags & MC_NORM_WITH_PRIVILEGES) && is_privilege_key(key))
		return 0;
	if ((flags & MC_NORM_TABLES_ONLY) && k == MC_OBJ_COLUMN)
		return !strcmp(key, "type") || !strcmp(key, "nullable") ||
		       !strcmp(key, "default");
	return 1;
}

int mc_drift__normalize(mc_snapshot **out,
                        const mc_snapshot *snap,
                        const mc_snapshot *ref,
                        const mc_drift_norm_opts *opts)
{
	mc_snapshot *n = NULL;
	mc_buf tmp = MC_BUF_INIT, val = MC_BUF_INIT;
	mc_drift_norm_opts none = { 0, NULL, NULL };
	int error;

	MC_ASSERT_ARG(out && snap);
	*out = NULL;
	if (!opts)
		opts = &none;
	if ((error = mc_snapshot_new(&n, mc_snapshot_engine(snap))) < 0)
		goto done;
	for (size_t i = 0; i < mc_snapshot_count(snap); i++) {
		const mc_object *o = mc_snapshot_get(snap, i);
		const mc_object *twin;
		mc_object_kind k = mc_object_kind_of(o);
		mc_object *c = NULL;
		int ig;

		if (!keep_kind(k, opts->flags) ||
		    !keep_schema(o, opts->schemas))
			continue;
		if ((ig = ignored(o, opts->ignore, &tmp)) < 0) {
			error = mc_error_set_oom();
			goto done;
		}
		if (ig)
			continue;
		twin = generated_twin(o, ref);
		if ((error = mc_snapshot_add(&c, n, k, mc_object_parent(o),
		                             twin ? mc_object_name(twin)
		                                  : mc_object_name(o))) < 0)
			goto done;
		mc_object_set_flags(c, mc_object_flags(o));
		for (size_t j = 0; j < mc_object_attr_count(o); j++) {
			const char *key, *v;
			mc_object_attr_at(o, j, &key, &v);
			if (!keep_attr(k, key, opts->flags))
				continue;
			if (twin && !strcmp(key, "definition"))
				v = mc_object_attr(twin, "definition");
			if (v && squeeze(&val, v) < 0) {
				error = mc_error_set_oom();
				goto done;
			}
			if ((error = mc_object_set_attr(
			             c, key, v ? val.ptr : NULL)) < 0)
				goto done;
		}
	}
	*out = n;
	n = NULL;
done:
	mc_snapshot_free(n);
	mc_buf_dispose(&tmp);
	mc_buf_dispose(&val);
	return error;
}
