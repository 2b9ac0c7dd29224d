/*
 * test_roundtrip.c: the roundtrip algorithm on a fake database.
 *
 * The fake's "schema" is a set of object names; a script is a list of
 * words, one per line: "+x" creates x (fails when it exists), "-x" drops
 * x (fails when it is missing). Scripts run in a transaction: a failure
 * rolls the whole script back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/roundtrip.h"
#include "util/banned.h"

#define MAXOBJ 64

struct fake {
	char *objs[MAXOBJ];
	size_t n;
	size_t resets, applies, snapshots;
	int die_at_apply; /* simulate a lost server at the Nth apply */
	int stop_at_apply; /* simulate SIGINT after the Nth apply */
	int no_transaction;
};

static int find(struct fake *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->objs[i]) == len && !strncmp(f->objs[i], name, len))
			return (int)i;
	return -1;
}

static int fake_reset(void *ctx)
{
	struct fake *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		free(f->objs[i]);
	f->n = 0;
	f->resets++;
	return 0;
}

static int fake_apply(void *ctx, const mc_migration *m, mc_roundtrip_dir dir,
                      mc_roundtrip_failure *fail)
{
	struct fake *f = ctx;
	const mc_script *s = dir == MC_ROUNDTRIP_UP ? m->up : m->down;
	char *saved[MAXOBJ];
	size_t nsaved = f->n;
	unsigned line = s->line;
	const char *p = s->sql;

	f->applies++;
	if (f->die_at_apply && (int)f->applies == f->die_at_apply)
		return mc_error_set(MC_ERROR_DB, "lost the connection to the scratch database");
	for (size_t i = 0; i < f->n; i++)
		saved[i] = strdup(f->objs[i]);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int at = len > 1 ? find(f, p + 1, len - 1) : -1;
		const char *why = NULL;
		if (len > 1 && p[0] == '+') {
			if (at >= 0)
				why = "already exists";
			else
				f->objs[f->n++] = strndup(p + 1, len - 1);
		} else if (len > 1 && p[0] == '-') {
			if (at < 0)
				why = "does not exist";
			else {
				free(f->objs[at]);
				f->objs[at] = f->objs[--f->n];
			}
		}
		if (why) {
			fail->message = mc_asprintf("%.*s %s", (int)len - 1, p + 1, why);
			fail->file = mc_strdup(s->path);
			fail->line = line;
			fail->statement = mc_strndup(p, len);
			if (!fail->message || !fail->file || !fail->statement) {
				for (size_t i = 0; i < nsaved; i++)
					free(saved[i]);
				return mc_error_set_oom();
			}
			if (!f->no_transaction) {
				fake_reset(f);
				f->resets--;
				for (size_t i = 0; i < nsaved; i++)
					f->objs[i] = saved[i];
				f->n = nsaved;
			} else {
				for (size_t i = 0; i < nsaved; i++)
					free(saved[i]);
			}
			return MC_ROUNDTRIP_FAILED;
		}
		line++;
		p += len;
		if (*p)
			p++;
	}
	for (size_t i = 0; i < nsaved; i++)
		free(saved[i]);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fake_snapshot(void *ctx, void **out)
{
	struct fake *f = ctx;
	char *sorted[MAXOBJ], *snap;
	size_t len = 1;
	f->snapshots++;
	memcpy(sorted, f->objs, f->n * sizeof(char *));
	qsort(sorted, f->n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < f->n; i++)
		len += strlen(sorted[i]) + 1;
	snap = calloc(1, len);
	for (size_t i = 0; i < f->n; i++) {
		strncat(snap, sorted[i], len);
		strncat(snap, "\n", len);
	}
	*out = snap;
	return 0;
}

static void fake_snapshot_free(void *ctx MC_UNUSED, void *snap)
{
	free(snap);
}

static int has_line(const char *text, const char *line, size_t len)
{
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		if ((size_t)(e - p) == len && !strncmp(p, line, len))
			return 1;
		p = e + 1;
	}
	return 0;
}

static int diff_side(mc_buf *diff, const char *from, const char *to,
                      const char *label)
{
	const char *p = from;
	while (*p) {
		const char *e = strchr(p, '\n');
		if (!has_line(to, p, (size_t)(e - p)) &&
		    mc_buf_printf(diff, "%s: %.*s\n", label, (int)(e - p), p) < 0)
			return mc_error_set_oom();
		p = e + 1;
	}
	return 0;
}

static int fake_compare(void *ctx MC_UNUSED, int *equal, mc_buf *diff,
                        const void *a, const void *b)
{
	*equal = !strcmp(a, b);
	if (!*equal && (diff_side(diff, a, b, "missing") < 0 ||
	                diff_side(diff, b, a, "unexpected") < 0))
		return MC_ENOMEM;
	return 0;
}

static int fake_interrupted(void *ctx)
{
	struct fake *f = ctx;
	return f->stop_at_apply && (int)f->applies >= f->stop_at_apply;
}

/* --- building migrations ------------------------------------------------ */

static mc_script *script(const char *path, const char *sql, unsigned flags,
                         const char *reason)
{
	mc_script *s = mc_calloc(1, sizeof(*s));
	s->path = mc_strdup(path);
	s->line = 2;
	s->sql = mc_strdup(sql);
	s->len = strlen(sql);
	s->flags = flags;
	s->irreversible_reason = reason ? mc_strdup(reason) : NULL;
	return s;
}

static void add(mc_migration_list *l, const char *version, const char *up,
                const char *down, unsigned down_flags, const char *reason)
{
	mc_migration *m = mc_calloc(1, sizeof(*m));
	char path[64];
	m->version = mc_strdup(version);
	m->name = mc_strdup("m");
	m->format = MC_FORMAT_GOLANG_MIGRATE;
	m->replayable = 1;
	snprintf(path, sizeof(path), "db/%s_m.up.sql", version);
	m->up = script(path, up, 0, NULL);
	if (down) {
		snprintf(path, sizeof(path), "db/%s_m.down.sql", version);
		m->down = script(path, down, down_flags, reason);
	}
	assert_int_equal(mc_vec_push(&l->items, m), 0);
}

static void free_script(mc_script *s)
{
	if (!s)
		return;
	mc_free(s->path);
	mc_free(s->sql);
	mc_free(s->irreversible_reason);
	mc_free(s);
}

static void free_list(mc_migration_list *l)
{
	for (size_t i = 0; i < l->items.len; i++) {
		mc_migration *m = l->items.items[i];
		mc_free(m->version);
		mc_free(m->name);
		free_script(m->up);
		free_script(m->down);
		mc_free(m);
	}
	mc_vec_dispose(&l->items);
}

struct fixture {
	struct fake fake;
	mc_roundtrip_backend be;
	mc_migration_list list;
	mc_report *report;
	mc_roundtrip_opts opts;
	mc_roundtrip_stats stats;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->be.ctx = &fx->fake;
	fx->be.reset = fake_reset;
	fx->be.apply = fake_apply;
	fx->be.snapshot = fake_snapshot;
	fx->be.snapshot_free = fake_snapshot_free;
	fx->be.compare = fake_compare;
	fx->be.interrupted = fake_interrupted;
	fx->opts.require_down = 1;
	assert_int_equal(mc_report_new(&fx->report, "roundtrip"), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	fake_reset(&fx->fake);
	free_list(&fx->list);
	mc_report_free(fx->report);
	free(fx);
	return 0;
}

static int run(struct fixture *fx)
{
	return mc_roundtrip_run(fx->report, &fx->list, &fx->be, &fx->opts,
	                        &fx->stats);
}

static const mc_finding *finding(struct fixture *fx, size_t i)
{
	assert_true(i < mc_report_count(fx->report));
	return mc_report_get(fx->report, i);
}

/* --- tests ---------------------------------------------------------------- */

static void roundtrip__everything_reverses_in_linear_cost(void **state)
{
	struct fixture *fx = *state;
	char v[8];
	for (int i = 1; i <= 20; i++) {
		char up[16], down[16];
		snprintf(v, sizeof(v), "%03d", i);
		snprintf(up, sizeof(up), "+t%d", i);
		snprintf(down, sizeof(down), "-t%d", i);
		add(&fx->list, v, up, down, 0, NULL);
	}
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 20);
	/* each migration: up, down, up; one snapshot before, three per step */
	assert_int_equal(fx->fake.applies, 60);
	assert_int_equal(fx->fake.snapshots, 1 + 3 * 20);
	assert_int_equal(fx->stats.rebuilds, 0);
	assert_int_equal(fx->fake.resets, 1);
}

static void roundtrip__down_forgets_an_index(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+table t", "-table t", 0, NULL);
	add(&fx->list, "002", "+index t_a\n+column t.b", "-column t.b", 0, NULL);
	add(&fx->list, "003", "+table u", "-table u", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 2);
	f = finding(fx, 0);
	assert_string_equal(f->code, "down-not-inverse");
	assert_string_equal(f->file, "db/002_m.down.sql");
	assert_string_equal(f->migration, "002");
	assert_string_equal(f->message, "down does not restore the schema from before up");
	assert_string_equal(f->detail, "unexpected: index t_a\n");
	f = finding(fx, 1);
	assert_string_equal(f->code, "up-not-repeatable");
	assert_string_equal(f->file, "db/002_m.up.sql");
	assert_int_equal(f->line, 2);
	assert_string_equal(f->message, "up fails after down: index t_a already exists");
	assert_string_equal(f->detail, "+index t_a");
	/* 003 is clean: the rebuild restored the state after 002's up */
	assert_int_equal(fx->stats.rebuilds, 1);
	assert_int_equal(fx->stats.tested, 3);
}

static void roundtrip__down_drops_what_up_did_not_add(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+table t\n+column t.c", "-column t.c\n-table t", 0, NULL);
	add(&fx->list, "002", "+index i", "-index i\n-column t.c", 0, NULL);
	add(&fx->list, "003", "+index j", "-index j", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 2);
	f = finding(fx, 0);
	assert_string_equal(f->code, "down-not-inverse");
	assert_string_equal(f->detail, "missing: column t.c\n");
	f = finding(fx, 1);
	assert_string_equal(f->code, "up-not-repeatable");
	assert_string_equal(f->message, "up after down gives a different schema than the first up");
	assert_string_equal(f->detail, "missing: column t.c\n");
}

static void roundtrip__up_failed_stops_later_ones(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+t", "-t", 0, NULL);
	add(&fx->list, "002", "+u\n+t", "-u", 0, NULL);
	add(&fx->list, "003", "+v", "-v", 0, NULL);
	add(&fx->list, "004", "+w", "-w", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 1);
	f = finding(fx, 0);
	assert_string_equal(f->code, "up-failed");
	assert_string_equal(f->file, "db/002_m.up.sql");
	assert_int_equal(f->line, 3);
	assert_string_equal(f->message, "up failed: t already exists");
	assert_int_equal(mc_report_note_count(fx->report), 1);
	assert_string_equal(mc_report_note_get(fx->report, 0),
	                    "2 later migrations not round-tripped: they come after a migration whose up failed");
}

static void roundtrip__down_failed_rolled_back_needs_no_rebuild(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+t", "-t", 0, NULL);
	add(&fx->list, "002", "+u", "-u\n-nothing", 0, NULL);
	add(&fx->list, "003", "+v", "-v", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 1);
	f = finding(fx, 0);
	assert_string_equal(f->code, "down-failed");
	assert_string_equal(f->file, "db/002_m.down.sql");
	assert_int_equal(f->line, 3);
	assert_string_equal(f->message, "down failed: nothing does not exist");
	assert_int_equal(fx->stats.rebuilds, 0);
}

static void roundtrip__down_failed_outside_transaction_rebuilds(void **state)
{
	struct fixture *fx = *state;
	fx->fake.no_transaction = 1;
	add(&fx->list, "001", "+t", "-t", 0, NULL);
	add(&fx->list, "002", "+u", "-u\n-nothing", 0, NULL);
	add(&fx->list, "003", "+v\n+u2", "-v\n-u2", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 1);
	assert_string_equal(finding(fx, 0)->code, "down-failed");
	assert_int_equal(fx->stats.rebuilds, 1);
	assert_int_equal(fx->stats.tested, 3);
}

static void roundtrip__missing_and_irreversible_downs(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+t", NULL, 0, NULL);
	add(&fx->list, "002", "+e.a", "-- nothing", MC_SCRIPT_BLANK, NULL);
	add(&fx->list, "003", "+e.b", "", MC_SCRIPT_IRREVERSIBLE | MC_SCRIPT_BLANK,
	    "enum values cannot be removed");
	add(&fx->list, "004", "+u", "-u", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 3);
	f = finding(fx, 0);
	assert_string_equal(f->code, "missing-down");
	assert_string_equal(f->file, "db/001_m.up.sql");
	assert_string_equal(f->message, "no down script: the migration cannot be reverted");
	f = finding(fx, 1);
	assert_string_equal(f->code, "missing-down");
	assert_string_equal(f->file, "db/002_m.down.sql");
	f = finding(fx, 2);
	assert_string_equal(f->code, "irreversible");
	assert_string_equal(f->message,
	                    "down is annotated irreversible and was not round-tripped: enum values cannot be removed");
	assert_int_equal(fx->stats.tested, 1);
	assert_int_equal(fx->stats.skipped, 3);
}

static void roundtrip__selection_applies_earlier_ups_only(void **state)
{
	struct fixture *fx = *state;
	unsigned char sel[4] = { 0, 0, 1, 0 };
	add(&fx->list, "001", "+t", "-broken", 0, NULL);
	add(&fx->list, "002", "+u", NULL, 0, NULL);
	add(&fx->list, "003", "+v", "-v", 0, NULL);
	add(&fx->list, "004", "+w", "-nothing", 0, NULL);
	fx->opts.selected = sel;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 1);
	/* 001 and 002 up; 003 up, down, up; 004 not run */
	assert_int_equal(fx->fake.applies, 5);
}

static void roundtrip__chain_mode_next_version_downs(void **state)
{
	struct fixture *fx = *state;
	/* every down undoes the next version's up */
	add(&fx->list, "001", "+a", "-b", 0, NULL);
	add(&fx->list, "002", "+b", "-c", 0, NULL);
	add(&fx->list, "003", "+c", "-a", 0, NULL);
	fx->opts.mode = MC_ROUNDTRIP_CHAIN;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 3);
	assert_int_equal(fx->fake.applies, 9);
}

static void roundtrip__chain_mode_same_fixture_fails_in_step_mode(void **state)
{
	struct fixture *fx = *state;
	add(&fx->list, "001", "+a", "-b", 0, NULL);
	add(&fx->list, "002", "+b", "-c", 0, NULL);
	add(&fx->list, "003", "+c", "-a", 0, NULL);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 4);
	assert_string_equal(finding(fx, 0)->code, "down-failed");
	assert_string_equal(finding(fx, 1)->code, "down-failed");
	assert_string_equal(finding(fx, 2)->code, "down-not-inverse");
	assert_string_equal(finding(fx, 2)->detail, "missing: a\nunexpected: c\n");
	assert_string_equal(finding(fx, 3)->code, "up-not-repeatable");
}

static void roundtrip__chain_mode_reports_difference(void **state)
{
	struct fixture *fx = *state;
	const mc_finding *f;
	add(&fx->list, "001", "+x", NULL, 0, NULL);
	add(&fx->list, "002", "+a\n+idx", "-a", 0, NULL);
	add(&fx->list, "003", "+b", "-b", 0, NULL);
	fx->opts.mode = MC_ROUNDTRIP_CHAIN;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 3);
	assert_string_equal(finding(fx, 0)->code, "missing-down");
	f = finding(fx, 1);
	assert_string_equal(f->code, "down-not-inverse");
	assert_null(f->file);
	assert_string_equal(f->message,
	                    "after every up and every down (002 to 003) the schema differs from before");
	assert_string_equal(f->detail, "unexpected: idx\n");
	f = finding(fx, 2);
	assert_string_equal(f->code, "up-not-repeatable");
	assert_string_equal(f->message, "up fails after the downs: idx already exists");
}

static void roundtrip__environment_error_ends_run(void **state)
{
	struct fixture *fx = *state;
	add(&fx->list, "001", "+a", "-a", 0, NULL);
	add(&fx->list, "002", "+b", "-b", 0, NULL);
	fx->fake.die_at_apply = 4;
	assert_int_equal(run(fx), MC_ERROR);
	assert_string_equal(mc_error_last()->message,
	                    "lost the connection to the scratch database");
}

static void roundtrip__interrupt_ends_run(void **state)
{
	struct fixture *fx = *state;
	add(&fx->list, "001", "+a", "-a", 0, NULL);
	add(&fx->list, "002", "+b", "-b", 0, NULL);
	fx->fake.stop_at_apply = 2;
	assert_int_equal(run(fx), MC_EINTR);
	assert_string_equal(mc_error_last()->message, "interrupted");
}

static void roundtrip__mode_names(void **state MC_UNUSED)
{
	mc_roundtrip_mode m;
	assert_int_equal(mc_roundtrip_mode_parse(&m, "chain"), 0);
	assert_int_equal(m, MC_ROUNDTRIP_CHAIN);
	assert_string_equal(mc_roundtrip_mode_name(m), "chain");
	assert_int_equal(mc_roundtrip_mode_parse(&m, "step"), 0);
	assert_string_equal(mc_roundtrip_mode_name(m), "step");
	assert_int_equal(mc_roundtrip_mode_parse(&m, "steps"), MC_ENOTFOUND);
}

static void roundtrip__out_of_memory(void **state)
{
	struct fixture *fx = *state;
	add(&fx->list, "001", "+a", "-a", 0, NULL);
	add(&fx->list, "002", "+b\n+i", "-b", 0, NULL);
	for (unsigned long n = 1;; n++) {
		int rc;
		mc_report_free(fx->report);
		assert_int_equal(mc_report_new(&fx->report, "roundtrip"), 0);
		fake_reset(&fx->fake);
		mc_alloc_fail_at(n);
		rc = run(fx);
		mc_alloc_fail_at(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, MC_ENOMEM);
	}
	assert_int_equal(mc_report_count(fx->report), 2);
}

/* a goose .go migration in the middle: the run stops before it */
static void roundtrip__stops_at_a_migration_it_cannot_run(void **state)
{
	struct fixture *fx = *state;
	mc_migration *go;
	add(&fx->list, "001", "+table a", "-table a", 0, NULL);
	add(&fx->list, "002", "+table b", "-table b", 0, NULL);
	add(&fx->list, "003", "+index b_i", "-index b_i", 0, NULL);
	go = fx->list.items.items[1];
	go->replayable = 0;
	go->language = mc_strdup("go");
	go->format = MC_FORMAT_GOOSE;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 1);
	assert_int_equal(fx->stats.skipped, 2);
	assert_string_equal(fx->stats.stopped_at, "db/002_m.up.sql");
	assert_int_equal(mc_report_note_count(fx->report), 1);
	assert_string_equal(mc_report_note_get(fx->report, 0),
	                    "replay stopped at db/002_m.up.sql: a goose migration in go cannot be replayed; "
	                    "2 migrations from it on not round-tripped (if the later ones do not need it, "
	                    "declare it in .migcheck: skip = 002_m.up.sql <reason>)");
	mc_free(go->language);
	go->language = NULL;
}

/* skip: not run, later ones run; irreversible: up only */
static void roundtrip__declared_skip_and_irreversible(void **state)
{
	struct fixture *fx = *state;
	const char *skip[4] = { NULL, "data only", NULL, NULL };
	const char *irr[4] = { NULL, NULL, "keeps rows", NULL };
	add(&fx->list, "001", "+table a", "-table a", 0, NULL);
	add(&fx->list, "002", "+table b", "-table b", 0, NULL);
	add(&fx->list, "003", "+table c", "-oops", 0, NULL);
	add(&fx->list, "004", "+index b_i", "-index b_i", 0, NULL);
	fx->opts.skip = skip;
	fx->opts.irreversible = irr;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 2);
	assert_int_equal(fx->stats.skipped, 2);
	assert_null(fx->stats.stopped_at);
	assert_int_equal(mc_report_note_count(fx->report), 2);
	assert_string_equal(mc_report_note_get(fx->report, 0),
	                    "db/002_m.up.sql: not run: skip in .migcheck: data only");
	assert_string_equal(mc_report_note_get(fx->report, 1),
	                    "db/003_m.up.sql: down not round-tripped: irreversible in .migcheck: keeps rows");
}

static int fake_can_revert(void *ctx MC_UNUSED, const mc_migration *m MC_UNUSED)
{
	return 1;
}

/* 002 is a code migration whose down is an empty function (empty-down) */
static mc_migration *empty_code_down(struct fixture *fx)
{
	mc_migration *js;
	add(&fx->list, "001", "+table a", "-table a", 0, NULL);
	add(&fx->list, "002", "+column a.role", "", MC_SCRIPT_BLANK, NULL);
	add(&fx->list, "003", "+table b", "-table b", 0, NULL);
	js = fx->list.items.items[1];
	js->language = mc_strdup("js");
	fx->be.can_revert = fake_can_revert;
	return js;
}

/* step: the empty down runs (its diff is reported), up again does not, and
 * the migration counts as up only, not round-tripped */
static void roundtrip__empty_code_down_is_up_only(void **state)
{
	struct fixture *fx = *state;
	mc_migration *js = empty_code_down(fx);
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 1);
	assert_string_equal(finding(fx, 0)->code, "down-not-inverse");
	assert_int_equal(fx->stats.tested, 2);
	assert_int_equal(fx->stats.ups_only, 1);
	assert_int_equal(fx->stats.skipped, 1);
	/* 001 and 003: up, down, up; 002: up, down */
	assert_int_equal(fx->stats.applied, 8);
	assert_int_equal(fx->stats.rebuilds, 0);
	mc_free(js->language);
	js->language = NULL;
}

/* chain: the empty down cannot take the chain back, so it starts after it;
 * the one before it only goes up too, and a note says why */
static void roundtrip__empty_code_down_starts_the_chain_after_it(void **state)
{
	struct fixture *fx = *state;
	mc_migration *js = empty_code_down(fx);
	fx->opts.mode = MC_ROUNDTRIP_CHAIN;
	assert_int_equal(run(fx), 0);
	assert_int_equal(mc_report_count(fx->report), 0);
	assert_int_equal(fx->stats.tested, 1);
	assert_int_equal(fx->stats.ups_only, 2);
	assert_int_equal(fx->stats.skipped, 2);
	assert_int_equal(mc_report_note_count(fx->report), 1);
	assert_string_equal(mc_report_note_get(fx->report, 0),
	                    "1 migration before db/002_m.up.sql only went up: the chain starts after it, as its down cannot take the chain back");
	mc_free(js->language);
	js->language = NULL;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(roundtrip__everything_reverses_in_linear_cost),
		T(roundtrip__down_forgets_an_index),
		T(roundtrip__down_drops_what_up_did_not_add),
		T(roundtrip__up_failed_stops_later_ones),
		T(roundtrip__down_failed_rolled_back_needs_no_rebuild),
		T(roundtrip__down_failed_outside_transaction_rebuilds),
		T(roundtrip__missing_and_irreversible_downs),
		T(roundtrip__selection_applies_earlier_ups_only),
		T(roundtrip__chain_mode_next_version_downs),
		T(roundtrip__chain_mode_same_fixture_fails_in_step_mode),
		T(roundtrip__chain_mode_reports_difference),
		T(roundtrip__environment_error_ends_run),
		T(roundtrip__interrupt_ends_run),
		T(roundtrip__mode_names),
		T(roundtrip__out_of_memory),
		T(roundtrip__stops_at_a_migration_it_cannot_run),
		T(roundtrip__declared_skip_and_irreversible),
		T(roundtrip__empty_code_down_is_up_only),
		T(roundtrip__empty_code_down_starts_the_chain_after_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
