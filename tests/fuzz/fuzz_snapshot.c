/*
 * fuzz_snapshot.c: libFuzzer target for schema snapshots and their diff
 * (src/schema/snapshot.c, diff.c): the text form (mc_snapshot_parse,
 * mc_snapshot_serialize), the diff drift and roundtrip report, and its
 * text.
 *
 * Input: data[0] bit 0: SQLite engine (else PostgreSQL), bit 1: strict
 * column order, bit 2: diff with ignore globs; then snapshot A's text
 * ("<kind>\t[<parent>\t]<name>" lines, each followed by "\t<key>\t<value>"
 * lines), and after a NUL, snapshot B's. Without a NUL, B is A.
 * Traps when an invariant breaks:
 *   - text that does not parse is MC_EPARSE with a message;
 *   - the canonical text parses back to a snapshot with the same text,
 *     and every object is found by its identity;
 *   - a snapshot diffed with itself, or with its reparsed text, is empty;
 *   - A against B mirrors B against A: as many missing as unexpected the
 *     other way round, as many changed, with the same attribute changes;
 *   - rendering gives at least one line per entry (one per change).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/schema.h"
#include "util/banned.h"

#define MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static const char *const globs[] = { "public.tmp_*", "*.users.*", "[",
	                             "main.*_old",   "\\",        NULL };

static mc_snapshot *parse(const char *text, size_t len, mc_dialect engine)
{
	mc_snapshot *s = NULL;
	int rc = mc_snapshot_parse(&s, text, len, engine);

	if (rc == MC_EPARSE) {
		const mc_error *e = mc_error_last();

		CHECK(s == NULL && e && e->message && e->message[0]);
		mc_error_clear();
		return NULL;
	}
	CHECK(rc == 0 && s != NULL);
	return s;
}

static void check_empty(const mc_snapshot *a,
                        const mc_snapshot *b,
                        const mc_diff_opts *opts)
{
	mc_schema_diff *d = NULL;

	CHECK(mc_snapshot_diff(&d, a, b, opts) == 0);
	CHECK(mc_schema_diff_empty(d) && mc_schema_diff_count(d) == 0);
	CHECK(mc_schema_diff_get(d, 0) == NULL);
	mc_schema_diff_free(d);
}

/* Canonical text round trip; returns the reparsed snapshot. */
static mc_snapshot *round_trip(const mc_snapshot *s, mc_dialect engine)
{
	mc_buf text = MC_BUF_INIT, again = MC_BUF_INIT;
	mc_snapshot *r;

	CHECK(mc_snapshot_serialize(&text, s) == 0);
	r = parse(mc_buf_cstr(&text), text.size, engine);
	CHECK(r != NULL);
	CHECK(mc_snapshot_count(r) == mc_snapshot_count(s));
	CHECK(mc_snapshot_serialize(&again, r) == 0);
	CHECK(again.size == text.size &&
	      (text.size == 0 || !memcmp(again.ptr, text.ptr, text.size)));
	for (size_t i = 0; i < mc_snapshot_count(s); i++) {
		const mc_object *o = mc_snapshot_get(s, i);

		CHECK(o != NULL);
		CHECK(mc_snapshot_find(s, mc_object_kind_of(o),
		                       mc_object_parent(o),
		                       mc_object_name(o)) == o);
		CHECK(mc_object_attr_count(o) ==
		      mc_object_attr_count(mc_snapshot_get(r, i)));
	}
	CHECK(mc_snapshot_get(s, mc_snapshot_count(s)) == NULL);
	mc_buf_dispose(&text);
	mc_buf_dispose(&again);
	return r;
}

struct tally {
	size_t missing, unexpected, changed, changes, lines;
};

static void tally(struct tally *t, const mc_schema_diff *d)
{
	mc_buf text = MC_BUF_INIT;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < mc_schema_diff_count(d); i++) {
		const mc_diff_entry *e = mc_schema_diff_get(d, i);

		CHECK(e && e->name);
		switch (e->kind) {
		case MC_DIFF_MISSING:
			t->missing++;
			t->lines++;
			CHECK(e->nchanges == 0);
			break;
		case MC_DIFF_UNEXPECTED:
			t->unexpected++;
			t->lines++;
			CHECK(e->nchanges == 0);
			break;
		case MC_DIFF_CHANGED:
			t->changed++;
			t->changes += e->nchanges;
			t->lines += e->nchanges;
			CHECK(e->nchanges > 0);
			for (size_t k = 0; k < e->nchanges; k++) {
				const mc_attr_change *c = &e->changes[k];

				CHECK(c->key);
				CHECK(c->expected || c->actual);
				CHECK(!c->expected || !c->actual ||
				      strcmp(c->expected, c->actual));
				CHECK(k == 0 || strcmp(e->changes[k - 1].key,
				                       c->key) < 0);
			}
			break;
		default:
			CHECK(0);
		}
	}
	CHECK(mc_schema_diff_empty(d) == (mc_schema_diff_count(d) == 0));
	CHECK(mc_schema_diff_render_text(&text, d) == 0);
	{
		size_t nl = 0;

		for (size_t i = 0; i < text.size; i++)
			nl += text.ptr[i] == '\n';
		CHECK(nl >= t->lines);
		CHECK(text.size == 0 || text.ptr[text.size - 1] == '\n');
	}
	mc_buf_dispose(&text);
}

static void check_mirror(const mc_snapshot *a,
                         const mc_snapshot *b,
                         const mc_diff_opts *opts)
{
	mc_schema_diff *ab = NULL, *ba = NULL;
	struct tally x, y;

	CHECK(mc_snapshot_diff(&ab, a, b, opts) == 0);
	CHECK(mc_snapshot_diff(&ba, b, a, opts) == 0);
	tally(&x, ab);
	tally(&y, ba);
	CHECK(x.missing == y.unexpected && x.unexpected == y.missing);
	CHECK(x.changed == y.changed && x.changes == y.changes);
	mc_schema_diff_free(ab);
	mc_schema_diff_free(ba);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_diff_opts opts = { 0, NULL };
	mc_snapshot *a, *a2, *b = NULL, *b2;
	mc_dialect engine;
	const char *s, *nul;
	size_t len, alen;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	engine = (data[0] & 1) ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
	opts.strict_column_order = (data[0] & 2) != 0;
	opts.ignore = (data[0] & 4) ? globs : NULL;
	s = (const char *)data + 1;
	len = size - 1;
	nul = memchr(s, '\0', len);
	alen = nul ? (size_t)(nul - s) : len;

	if ((a = parse(s, alen, engine)) == NULL)
		return 0;
	CHECK(mc_snapshot_engine(a) == engine);
	a2 = round_trip(a, engine);
	check_empty(a, a, NULL);
	check_empty(a, a, &opts);
	check_empty(a, a2, &opts);
	check_empty(a2, a, &opts);
	if (nul && (b = parse(nul + 1, len - alen - 1, engine)) != NULL) {
		b2 = round_trip(b, engine);
		check_empty(b, b2, &opts);
		check_mirror(a, b, &opts);
		check_mirror(a2, b2, NULL);
		mc_snapshot_free(b2);
	}
	mc_snapshot_free(a);
	mc_snapshot_free(a2);
	mc_snapshot_free(b);
	mc_error_clear();
	return 0;
}
