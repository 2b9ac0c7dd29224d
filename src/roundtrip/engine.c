/*
 * engine.c: the roundtrip algorithm, on an abstract backend.
 *
 * Step mode keeps the scratch database at "every migration before M
 * applied" and, for each selected M:
 *
 *   S0 (the previous step's end state, taken once)
 *   up(M)    failed -> up-failed; later migrations are not run (they
 *                      would fail for a reason that is not theirs)
 *   S1
 *   no down  -> missing-down / irreversible; keep up applied, next
 *   down(M)  failed -> down-failed; back to S1 (rebuild unless the
 *                      failed transaction already left S1), next
 *   S0' == S0 else down-not-inverse (diff S0 -> S0')
 *   up(M)    failed -> up-not-repeatable; rebuild to S1, next
 *   S2 == S1 else up-not-repeatable (diff S1 -> S2); rebuild to S1
 *   S0 := S2, next
 *
 * A rebuild empties the database and re-applies the ups up to M, so one
 * broken migration never causes findings on later ones; without findings
 * each migration is applied twice and reverted once (linear cost).
 *
 * Chain mode applies the ups before the chain, takes E0, applies every
 * up (U1), every down in reverse (must equal E0), every up again (must
 * equal U1). The chain starts after the last migration that cannot be
 * reverted.
 */
#include "migcheck/roundtrip.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

void mc_roundtrip_failure_dispose(mc_roundtrip_failure *f)
{
	if (!f)
		return;
	mc_free(f->message);
	mc_free(f->file);
	mc_free(f->statement);
	f->message = f->file = f->statement = NULL;
	f->line = 0;
}

const char *mc_roundtrip_mode_name(mc_roundtrip_mode m)
{
	return m == MC_ROUNDTRIP_CHAIN ? "chain" : "step";
}

int mc_roundtrip_mode_parse(mc_roundtrip_mode *out, const char *name)
{
	if (!strcmp(name, "step"))
		*out = MC_ROUNDTRIP_STEP;
	else if (!strcmp(name, "chain"))
		*out = MC_ROUNDTRIP_CHAIN;
	else
		return MC_ENOTFOUND;
	return 0;
}

enum { DOWN_OK, DOWN_NONE, DOWN_BLANK, DOWN_IRREVERSIBLE, DOWN_DECLARED };

struct run {
	mc_report *report;
	const mc_roundtrip_backend *be;
	const mc_roundtrip_opts *opts;
	mc_roundtrip_stats *stats;
	const mc_migration **ms; /* the migrations that take part, in order */
	unsigned char *sel;      /* per ms[]: selected */
	const char **irr;        /* per ms[]: irreversible in .migcheck, or NULL */
	const char **after_skip; /* per ms[]: the last migration .migcheck
	                          * skips before it (its path), or NULL */
	size_t n;
	/* the first migration that cannot be replayed, where the run stops;
	 * later: the selected ones from it on (it included) */
	const mc_migration *stop;
	size_t later;
	int no_undo; /* Flyway without any undo script: no down is expected */
	int ended; /* the run stopped early and said why in a note */
	const char *dir; /* the folder (borrowed from the list) */
};

static int interrupted(struct run *run)
{
	if (run->be->interrupted && run->be->interrupted(run->be->ctx)) {
		mc_error_set(MC_ERROR_OS, "interrupted");
		return 1;
	}
	return 0;
}

static int down_state(struct run *run, size_t i)
{
	const mc_migration *m = run->ms[i];
	if (run->irr[i])
		return DOWN_DECLARED;
	if (m->down && (m->down->flags & MC_SCRIPT_IRREVERSIBLE))
		return DOWN_IRREVERSIBLE;
	if (m->language) {
		/* code migrations revert through [runner] down */
		if (run->be->can_revert && run->be->can_revert(run->be->ctx, m))
			return DOWN_OK;
		return DOWN_NONE;
	}
	if (!m->down)
		return DOWN_NONE;
	if (m->down->flags & MC_SCRIPT_BLANK)
		return DOWN_BLANK;
	return DOWN_OK;
}

static const char *script_path(const mc_migration *m, mc_roundtrip_dir dir)
{
	const mc_script *s = dir == MC_ROUNDTRIP_UP ? m->up : m->down;
	if (!s)
		s = m->up;
	return s ? s->path : NULL;
}

static unsigned script_line(const mc_migration *m, mc_roundtrip_dir dir)
{
	const mc_script *s = dir == MC_ROUNDTRIP_UP ? m->up : m->down;
	/* a code migration's up and down are functions, not a line */
	return s && !m->language ? s->line : 0;
}

/* A code migration whose down is an empty function (empty-down): it runs,
 * but does not revert anything. */
static int empty_code_down(const mc_migration *m)
{
	return m->language && m->down && (m->down->flags & MC_SCRIPT_BLANK);
}

/* Report a down that cannot be round-tripped; 0 or < 0. */
static int report_no_down(struct run *run, size_t i, int state)
{
	const mc_migration *m = run->ms[i];
	switch (state) {
	case DOWN_DECLARED:
		return mc_report_note(run->report,
		                      "%s: down not round-tripped: irreversible in .migcheck: %s",
		                      script_path(m, MC_ROUNDTRIP_UP), run->irr[i]);
	case DOWN_IRREVERSIBLE:
		return mc_report_add(run->report, NULL, "irreversible",
		                     m->down->path, m->down->line, m->version, NULL,
		                     "down is annotated irreversible and was not round-tripped: %s",
		                     m->down->irreversible_reason &&
		                                     *m->down->irreversible_reason
		                             ? m->down->irreversible_reason
		                             : "(no reason given)");
	case DOWN_BLANK:
		if (!run->opts->require_down)
			return 0;
		return mc_report_add(run->report, NULL, "missing-down",
		                     m->down->path, m->down->line, m->version, NULL,
		                     "down script is empty; if that is deliberate, declare it in .migcheck under [migrations \"%s\"]: irreversible = %s <reason>",
		                     run->dir, m->version);
	default:
		if (!run->opts->require_down || run->no_undo)
			return 0;
		if (m->language)
			return mc_report_add(run->report, NULL, "missing-down",
			                     script_path(m, MC_ROUNDTRIP_UP), 0,
			                     m->version, NULL,
			                     "no down: set [runner] down to revert %s migrations",
			                     m->language);
		return mc_report_add(run->report, NULL, "missing-down",
		                     script_path(m, MC_ROUNDTRIP_UP), 0, m->version,
		                     NULL, "no down script: the migration cannot be reverted");
	}
}

/* Report a failed script as code; fail's location, else the script's. */
static int report_failure(struct run *run, const char *code,
                          const mc_migration *m, mc_roundtrip_dir dir,
                          const mc_roundtrip_failure *f, const char *what)
{
	const char *file = f->file ? f->file : script_path(m, dir);
	unsigned line = f->file || f->line ? f->line : script_line(m, dir);
	return mc_report_add(run->report, NULL, code, file, line, m->version,
	                     f->statement, "%s: %s", what,
	                     f->message ? f->message : "failed");
}

/* An up failed: when .migcheck skips a migration before it, say so (the
 * skipped one may be what it needs). */
static int report_up_failed(struct run *run, size_t i,
                            const mc_roundtrip_failure *f)
{
	int rc = report_failure(run, "up-failed", run->ms[i], MC_ROUNDTRIP_UP,
	                        f, "up failed");
	if (rc >= 0 && run->after_skip[i])
		rc = mc_report_note(run->report,
		                    "%s ran without %s, which .migcheck skips: the skipped migration may be what it needs",
		                    script_path(run->ms[i], MC_ROUNDTRIP_UP),
		                    run->after_skip[i]);
	return rc;
}

/* Apply one script; 0 applied, MC_ROUNDTRIP_FAILED (fail filled), < 0. */
static int apply(struct run *run, const mc_migration *m, mc_roundtrip_dir dir,
                 mc_roundtrip_failure *fail)
{
	int rc;
	mc_roundtrip_failure_dispose(fail);
	rc = run->be->apply(run->be->ctx, m, dir, fail);
	if (rc == 0 || rc == MC_ROUNDTRIP_FAILED)
		run->stats->applied++;
	return rc;
}

static void snap_free(struct run *run, void **snap)
{
	if (*snap)
		run->be->snapshot_free(run->be->ctx, *snap);
	*snap = NULL;
}

/* Note the selected migrations from index from on that will not run. */
static int note_skipped(struct run *run, size_t from, const char *why)
{
	size_t i, count = 0;
	for (i = from; i < run->n; i++)
		if (run->sel[i])
			count++;
	run->stats->skipped += count;
	/* the ones from the migration that cannot be replayed on, too */
	count += run->later;
	run->later = 0;
	run->ended = 1;
	if (!count)
		return 0;
	return mc_report_note(run->report,
	                      "%zu later migration%s not round-tripped: %s",
	                      count, count == 1 ? "" : "s", why);
}

/*
 * Empty the database and apply the ups of ms[0..upto]. *ok is 0 when an up
 * that worked before failed now (a note says so).
 */
static int rebuild(struct run *run, size_t upto, int *ok)
{
	mc_roundtrip_failure fail = MC_ROUNDTRIP_FAILURE_INIT;
	size_t j;
	int rc;

	*ok = 0;
	run->stats->rebuilds++;
	if ((rc = run->be->reset(run->be->ctx)) < 0)
		return rc;
	for (j = 0; j <= upto; j++) {
		if (interrupted(run))
			return MC_EINTR;
		rc = apply(run, run->ms[j], MC_ROUNDTRIP_UP, &fail);
		if (rc < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			rc = mc_report_note(run->report,
			                    "cannot rebuild the scratch database: up of %s failed on the second run: %s",
			                    script_path(run->ms[j], MC_ROUNDTRIP_UP),
			                    fail.message ? fail.message : "failed");
			goto done;
		}
	}
	*ok = 1;
	rc = 0;
done:
	mc_roundtrip_failure_dispose(&fail);
	return rc;
}

static int diff_of(struct run *run, int *equal, mc_buf *diff, const void *a,
                   const void *b)
{
	mc_buf_clear(diff);
	return run->be->compare(run->be->ctx, equal, diff, a, b);
}

static int run_step(struct run *run)
{
	mc_roundtrip_failure fail = MC_ROUNDTRIP_FAILURE_INIT;
	void *s0 = NULL, *s1 = NULL, *s = NULL;
	mc_buf diff = MC_BUF_INIT;
	size_t i, last = 0, k = 0, total = 0;
	int rc = 0, equal, ok;

	for (i = 0; i < run->n; i++)
		if (run->sel[i]) {
			last = i;
			total++;
		}
	if ((rc = run->be->reset(run->be->ctx)) < 0)
		goto done;
	for (i = 0; total && i <= last; i++) {
		const mc_migration *m = run->ms[i];
		int state;

		if (interrupted(run)) {
			rc = MC_EINTR;
			goto done;
		}
		if (!run->sel[i]) {
			/* an earlier migration: only its up, as the base */
			snap_free(run, &s0);
			if ((rc = apply(run, m, MC_ROUNDTRIP_UP, &fail)) < 0)
				goto done;
			if (rc == MC_ROUNDTRIP_FAILED) {
				if ((rc = report_up_failed(run, i, &fail)) < 0 ||
				    (rc = note_skipped(run, i + 1,
				                       "an earlier migration failed")) < 0)
					goto done;
				break;
			}
			continue;
		}
		k++;
		if (run->be->progress)
			run->be->progress(run->be->ctx, k, total, m, "up");
		if (!s0 && (rc = run->be->snapshot(run->be->ctx, &s0)) < 0)
			goto done;

		/* up */
		if ((rc = apply(run, m, MC_ROUNDTRIP_UP, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			run->stats->skipped++;
			if ((rc = report_up_failed(run, i, &fail)) < 0 ||
			    (rc = note_skipped(run, i + 1,
			                       "they come after a migration whose up failed")) < 0)
				goto done;
			break;
		}
		if ((rc = run->be->snapshot(run->be->ctx, &s1)) < 0)
			goto done;
		/* a runner that did nothing must not pass everything */
		if (m->language && run->be->tracking_changed &&
		    !run->be->tracking_changed(run->be->ctx)) {
			if ((rc = diff_of(run, &equal, &diff, s0, s1)) < 0)
				goto done;
			if (equal &&
			    (rc = mc_report_add(run->report, NULL, "up-no-effect",
			                        script_path(m, MC_ROUNDTRIP_UP), 0,
			                        m->version, NULL,
			                        "up changed neither the schema nor the tracking table: does the runner run this migration?")) < 0)
				goto done;
		}

		/* down */
		state = down_state(run, i);
		if (state != DOWN_OK) {
			run->stats->skipped++;
			run->stats->ups_only++;
			if ((rc = report_no_down(run, i, state)) < 0)
				goto done;
			snap_free(run, &s0);
			s0 = s1;
			s1 = NULL;
			continue;
		}
		/* an empty down function (empty-down) runs, and its diff is
		 * reported, but the migration is not proven to go down and up
		 * again: up only, not round-tripped */
		if (empty_code_down(m)) {
			run->stats->skipped++;
			run->stats->ups_only++;
		} else {
			run->stats->tested++;
		}
		if ((rc = apply(run, m, MC_ROUNDTRIP_DOWN, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			if ((rc = report_failure(run, "down-failed", m,
			                         MC_ROUNDTRIP_DOWN, &fail,
			                         "down failed")) < 0 ||
			    (rc = run->be->snapshot(run->be->ctx, &s)) < 0 ||
			    (rc = diff_of(run, &equal, &diff, s1, s)) < 0)
				goto done;
			snap_free(run, &s);
			/* a rolled-back transaction leaves S1: nothing to rebuild */
			if (!equal) {
				if ((rc = rebuild(run, i, &ok)) < 0)
					goto done;
				if (!ok) {
					rc = note_skipped(run, i + 1, "the scratch database could not be rebuilt");
					goto done;
				}
			}
			snap_free(run, &s0);
			s0 = s1;
			s1 = NULL;
			continue;
		}
		if ((rc = run->be->snapshot(run->be->ctx, &s)) < 0 ||
		    (rc = diff_of(run, &equal, &diff, s0, s)) < 0)
			goto done;
		if (!equal &&
		    (rc = mc_report_add(run->report, NULL, "down-not-inverse",
		                        script_path(m, MC_ROUNDTRIP_DOWN),
		                        script_line(m, MC_ROUNDTRIP_DOWN),
		                        m->version, mc_buf_cstr(&diff),
		                        "down does not restore the schema from before up")) < 0)
			goto done;
		if (empty_code_down(m)) {
			/* an empty down function (empty-down): up again would
			 * only fail on what the first up made, the same fact a
			 * second time, and cost a rebuild; the next step starts
			 * where the down left the database */
			snap_free(run, &s0);
			snap_free(run, &s1);
			s0 = s;
			s = NULL;
			continue;
		}
		snap_free(run, &s);

		/* up again */
		if (run->be->progress)
			run->be->progress(run->be->ctx, k, total, m, "up again");
		if ((rc = apply(run, m, MC_ROUNDTRIP_UP, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			if ((rc = report_failure(run, "up-not-repeatable", m,
			                         MC_ROUNDTRIP_UP, &fail,
			                         "up fails after down")) < 0)
				goto done;
			equal = 0;
		} else {
			if ((rc = run->be->snapshot(run->be->ctx, &s)) < 0 ||
			    (rc = diff_of(run, &equal, &diff, s1, s)) < 0)
				goto done;
			if (!equal &&
			    (rc = mc_report_add(run->report, NULL, "up-not-repeatable",
			                        script_path(m, MC_ROUNDTRIP_UP),
			                        script_line(m, MC_ROUNDTRIP_UP),
			                        m->version, mc_buf_cstr(&diff),
			                        "up after down gives a different schema than the first up")) < 0)
				goto done;
		}
		if (equal) {
			/* S2 == S1: the next step starts from it */
			snap_free(run, &s0);
			snap_free(run, &s1);
			s0 = s;
			s = NULL;
			continue;
		}
		snap_free(run, &s);
		if (i < last) {
			if ((rc = rebuild(run, i, &ok)) < 0)
				goto done;
			if (!ok) {
				rc = note_skipped(run, i + 1, "the scratch database could not be rebuilt");
				goto done;
			}
		}
		snap_free(run, &s0);
		s0 = s1;
		s1 = NULL;
	}
	rc = 0;
done:
	snap_free(run, &s0);
	snap_free(run, &s1);
	snap_free(run, &s);
	mc_roundtrip_failure_dispose(&fail);
	mc_buf_dispose(&diff);
	return rc;
}

static int run_chain(struct run *run)
{
	mc_roundtrip_failure fail = MC_ROUNDTRIP_FAILURE_INIT;
	void *e0 = NULL, *u1 = NULL, *s = NULL;
	mc_buf diff = MC_BUF_INIT;
	size_t i, first = run->n, last = 0, start, total, k = 0, ups_only = 0;
	size_t blocked = 0;
	int rc = 0, equal;

	for (i = 0; i < run->n; i++)
		if (run->sel[i]) {
			if (first == run->n)
				first = i;
			last = i;
		}
	if ((rc = run->be->reset(run->be->ctx)) < 0 || first == run->n)
		goto done;
	/* the chain starts after the last selected one that cannot go down */
	start = first;
	for (i = first; i <= last; i++) {
		int state = down_state(run, i);
		/* an empty down function cannot take the chain back either
		 * (discovery's empty-down says so) */
		if (state == DOWN_OK && !empty_code_down(run->ms[i]))
			continue;
		if (run->sel[i]) {
			if (state != DOWN_OK &&
			    (rc = report_no_down(run, i, state)) < 0)
				goto done;
			run->stats->skipped += 1;
			ups_only++;
		}
		start = i + 1;
	}
	/* the ones before it that could go down only go up too */
	for (i = first; i < start; i++)
		if (run->sel[i] && down_state(run, i) == DOWN_OK &&
		    !empty_code_down(run->ms[i]))
			blocked++;
	if (blocked) {
		run->stats->skipped += blocked;
		ups_only += blocked;
		if ((rc = mc_report_note(run->report,
		                         "%zu migration%s before %s only went up: the chain starts after it, as its down cannot take the chain back",
		                         blocked, blocked == 1 ? "" : "s",
		                         script_path(run->ms[start - 1],
		                                     MC_ROUNDTRIP_UP))) < 0)
			goto done;
	}
	for (i = 0; i < start; i++) {
		if (interrupted(run)) {
			rc = MC_EINTR;
			goto done;
		}
		if ((rc = apply(run, run->ms[i], MC_ROUNDTRIP_UP, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			rc = report_up_failed(run, i, &fail);
			if (rc >= 0)
				rc = note_skipped(run, i + 1, "an earlier migration failed");
			goto done;
		}
	}
	run->stats->ups_only += ups_only;
	if (start > last) {
		rc = 0;
		goto done;
	}
	total = last - start + 1;
	if ((rc = run->be->snapshot(run->be->ctx, &e0)) < 0)
		goto done;
	/* phase 1: every up */
	for (i = start; i <= last; i++) {
		if (interrupted(run)) {
			rc = MC_EINTR;
			goto done;
		}
		if (run->be->progress)
			run->be->progress(run->be->ctx, ++k, 3 * total, run->ms[i], "up");
		if ((rc = apply(run, run->ms[i], MC_ROUNDTRIP_UP, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			run->stats->skipped += last - i + 1;
			run->ended = 1;
			rc = report_up_failed(run, i, &fail);
			if (rc >= 0)
				rc = mc_report_note(run->report,
				                    "the chain stopped at the failed up");
			goto done;
		}
	}
	if ((rc = run->be->snapshot(run->be->ctx, &u1)) < 0)
		goto done;
	/* phase 2: every down, newest first */
	for (i = last + 1; i-- > start;) {
		if (interrupted(run)) {
			rc = MC_EINTR;
			goto done;
		}
		if (run->be->progress)
			run->be->progress(run->be->ctx, ++k, 3 * total, run->ms[i], "down");
		if ((rc = apply(run, run->ms[i], MC_ROUNDTRIP_DOWN, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			run->stats->skipped += total;
			run->ended = 1;
			rc = report_failure(run, "down-failed", run->ms[i],
			                    MC_ROUNDTRIP_DOWN, &fail, "down failed");
			if (rc >= 0)
				rc = mc_report_note(run->report,
				                    "the chain stopped at the failed down");
			goto done;
		}
	}
	run->stats->tested += total;
	if ((rc = run->be->snapshot(run->be->ctx, &s)) < 0 ||
	    (rc = diff_of(run, &equal, &diff, e0, s)) < 0)
		goto done;
	snap_free(run, &s);
	if (!equal &&
	    (rc = mc_report_add(run->report, NULL, "down-not-inverse", NULL, 0,
	                        NULL, mc_buf_cstr(&diff),
	                        "after every up and every down (%s to %s) the schema differs from before",
	                        run->ms[start]->version,
	                        run->ms[last]->version)) < 0)
		goto done;
	/* phase 3: every up again */
	for (i = start; i <= last; i++) {
		if (interrupted(run)) {
			rc = MC_EINTR;
			goto done;
		}
		if (run->be->progress)
			run->be->progress(run->be->ctx, ++k, 3 * total, run->ms[i], "up again");
		if ((rc = apply(run, run->ms[i], MC_ROUNDTRIP_UP, &fail)) < 0)
			goto done;
		if (rc == MC_ROUNDTRIP_FAILED) {
			rc = report_failure(run, "up-not-repeatable", run->ms[i],
			                    MC_ROUNDTRIP_UP, &fail,
			                    "up fails after the downs");
			goto done;
		}
	}
	if ((rc = run->be->snapshot(run->be->ctx, &s)) < 0 ||
	    (rc = diff_of(run, &equal, &diff, u1, s)) < 0)
		goto done;
	if (!equal &&
	    (rc = mc_report_add(run->report, NULL, "up-not-repeatable", NULL, 0,
	                        NULL, mc_buf_cstr(&diff),
	                        "every up again (%s to %s) gives a different schema than the first time",
	                        run->ms[start]->version,
	                        run->ms[last]->version)) < 0)
		goto done;
	rc = 0;
done:
	snap_free(run, &e0);
	snap_free(run, &u1);
	snap_free(run, &s);
	mc_roundtrip_failure_dispose(&fail);
	mc_buf_dispose(&diff);
	return rc;
}

/*
 * The note on the migration where the replay stopped: what it is, how many
 * were not round-tripped because of it, and how to go on.
 */
static int note_stop(struct run *run)
{
	const mc_migration *m = run->stop;
	const char *path = m->up->path, *base = strrchr(path, '/');
	const char *language = m->language ? m->language : "a language migcheck cannot run";
	int code = !strcmp(language, "js") || !strcmp(language, "ts");

	base = base ? base + 1 : path;
	return mc_report_note(
	        run->report,
	        "replay stopped at %s: a %s migration in %s cannot be replayed%s; %zu migration%s from it on not round-tripped (%s%s%s <reason>)",
	        path, mc_format_name(m->format), language,
	        code ? " without [runner] commands" : "", run->later,
	        run->later == 1 ? "" : "s",
	        code ? "set runner.tool or runner.up and runner.down, or if the later ones do not need it, "
	             : "if the later ones do not need it, ",
	        "declare it in .migcheck: skip = ", base);
}

int mc_roundtrip_run(mc_report *report, const mc_migration_list *list,
                     const mc_roundtrip_backend *be,
                     const mc_roundtrip_opts *opts, mc_roundtrip_stats *stats)
{
	struct run run;
	mc_roundtrip_stats local;
	const char *skipped = NULL;
	size_t i, count;
	int error = 0;

	MC_ASSERT_ARG(report && list && be && opts);
	MC_ASSERT_ARG(be->reset && be->apply && be->snapshot &&
	              be->snapshot_free && be->compare);
	memset(&run, 0, sizeof(run));
	memset(&local, 0, sizeof(local));
	run.report = report;
	run.be = be;
	run.opts = opts;
	run.dir = list->dir ? list->dir : ".";
	run.stats = stats ? stats : &local;
	memset(run.stats, 0, sizeof(*run.stats));
	count = list->items.len;
	run.ms = mc_calloc(count + 1, sizeof(*run.ms));
	run.sel = mc_calloc(count + 1, 1);
	run.irr = mc_calloc(count + 1, sizeof(*run.irr));
	run.after_skip = mc_calloc(count + 1, sizeof(*run.after_skip));
	if (!run.ms || !run.sel || !run.irr || !run.after_skip) {
		error = mc_error_set_oom();
		goto done;
	}
	for (i = 0; i < count && !error; i++) {
		const mc_migration *m = list->items.items[i];
		int sel = !opts->selected || opts->selected[i];
		/* repeatable and baseline migrations have no place in a round
		 * trip (discovery reports them) */
		if (m->kind != MC_MIGRATION_VERSIONED || !m->up)
			continue;
		if (run.stop) {
			run.later += sel;
			continue;
		}
		if (opts->skip && opts->skip[i]) {
			/* declared: not run, and the later ones run without it */
			run.stats->skipped += sel;
			skipped = m->up->path;
			error = mc_report_note(report,
			                       "%s: not run: skip in .migcheck: %s",
			                       m->up->path, opts->skip[i]);
			continue;
		}
		if (!m->replayable) {
			/* what it does is unknown, so every later migration
			 * would run on a schema that is not theirs */
			run.stop = m;
			run.later += sel;
			continue;
		}
		run.irr[run.n] = opts->irreversible ? opts->irreversible[i] : NULL;
		run.after_skip[run.n] = skipped;
		run.sel[run.n] = sel;
		run.ms[run.n++] = m;
	}
	if (error < 0)
		goto done;
	/* Flyway Community has no undo: a folder without U files is not
	 * missing downs (as discovery says), its ups are checked alone */
	if (list->format == MC_FORMAT_FLYWAY) {
		run.no_undo = 1;
		for (i = 0; i < count; i++)
			if (((const mc_migration *)list->items.items[i])->down)
				run.no_undo = 0;
	}
	if (opts->mode == MC_ROUNDTRIP_CHAIN)
		error = run_chain(&run);
	else
		error = run_step(&run);
	if (error >= 0 && run.stop && run.later && !run.ended) {
		run.stats->skipped += run.later;
		run.stats->stopped_at = run.stop->up->path;
		error = note_stop(&run);
	}
done:
	mc_free(run.ms);
	mc_free(run.sel);
	mc_free(run.irr);
	mc_free(run.after_skip);
	return error;
}
