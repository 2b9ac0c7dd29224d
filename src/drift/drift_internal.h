/*
 * drift_internal.h: what drift and models share: version order, replaying
 * migrations on a scratch database, and making two snapshots comparable.
 */
#ifndef MIGCHECK_DRIFT_INTERNAL_H
#define MIGCHECK_DRIFT_INTERNAL_H

#include "migcheck/config.h"
#include "migcheck/db.h"
#include "migcheck/drift.h"
#include "migcheck/report.h"
#include "migcheck/schema.h"

/** Versions by numeric segments: "001" = "1", "1_1" = "1.1". */
int mc_drift__version_cmp(const char *a, const char *b);

/** What a replay did (mc_drift__replay_counted). */
typedef struct {
	size_t total;    /* migrations given */
	size_t replayed; /* their ups applied */
	size_t skipped;  /* not run: skip in .migcheck */
	/* where the replay stopped (borrowed from the list), or NULL */
	const mc_migration *stop;
	int unreplayable; /* stop is not SQL and has no runner.up (else its
	                   * up failed: an up-failed finding) */
} mc_drift_replayed;

/**
 * Apply the up part of each migration, in order, to the scratch database
 * (SQL through db, others through runner.up with {url} = the scratch's).
 * A migration that fails is an up-failed finding in report; *failed is
 * set and the replay stops there. A migration that cannot be replayed
 * (not SQL and no runner.up) is a note saying so, and *failed is set too.
 * @return 0 (failed or not); < 0 for environment errors
 */
MC_NODISCARD int mc_drift__replay(mc_report *report,
                                  int *failed,
                                  mc_db *db,
                                  mc_scratch *scratch,
                                  const mc_migration *const *ms,
                                  size_t n,
                                  const mc_config *config,
                                  const char *workdir);

/**
 * mc_drift__replay, filling *out with what it did; a migration that cannot
 * be replayed is no note then: mc_drift__replay_note says it.
 */
MC_NODISCARD int mc_drift__replay_counted(mc_report *report,
                                          int *failed,
                                          mc_drift_replayed *out,
                                          mc_db *db,
                                          mc_scratch *scratch,
                                          const mc_migration *const *ms,
                                          size_t n,
                                          const mc_config *config,
                                          const char *workdir);

/**
 * The note on what the replay of the applied migrations recorded in table
 * (written by tracker) did: how many were replayed, how many .migcheck
 * skips, and where the replay stopped and why.
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_drift__replay_note(mc_report *report, const char *table,
                                       const char *tracker,
                                       const mc_drift_replayed *r);

/**
 * The migration of list that h records as dirty (golang-migrate's dirty
 * flag, a failed Flyway row), or NULL. Borrowed from list.
 */
const mc_migration *mc_drift__dirty_migration(const mc_drift_history *h,
                                              const mc_migration_list *list);

enum {
	MC_NORM_WITH_PRIVILEGES = (1 << 0), /* keep owner / grant attributes */
	MC_NORM_TABLES_ONLY = (1 << 1) /* tables and columns only (models) */
};

typedef struct {
	unsigned flags;             /* MC_NORM_* */
	const char *const *schemas; /* keep only these, or NULL */
	const mc_vec *ignore;       /* char*: drift.ignore, or NULL */
} mc_drift_norm_opts;

/**
 * Copy snap without the noise a user would not call drift: ignored and
 * filtered objects, owners and grants, column ordinals, runs of
 * whitespace inside values; objects whose name the server generated are
 * renamed after their counterpart in ref (same kind, parent and
 * definition) when ref has one under another name.
 * @param ref may be NULL
 * @param[out] out free with mc_snapshot_free
 */
MC_NODISCARD int mc_drift__normalize(mc_snapshot **out,
                                     const mc_snapshot *snap,
                                     const mc_snapshot *ref,
                                     const mc_drift_norm_opts *opts);

/**
 * Append SQL that would turn actual into expected for e, when simple
 * (missing/unexpected table, column, index, constraint; a column's
 * default, nullability or type), to paste into psql or sqlite3: names
 * quoted for the engine, SQL from the database only when it is one
 * self-contained piece. A change that cannot be written so (a name SQLite
 * cannot spell, a definition holding a ';' or a control character) is one
 * comment line saying why. Appends nothing otherwise.
 * @param actual may be NULL; with expected, tells a schema holding a '.'
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_drift__suggest(mc_buf *out,
                                   const mc_diff_entry *e,
                                   const mc_snapshot *expected,
                                   const mc_snapshot *actual,
                                   mc_dialect engine);

#endif
