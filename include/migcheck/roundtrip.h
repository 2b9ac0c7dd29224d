/*
 * roundtrip.h: up -> down -> up of each migration on a scratch database.
 *
 * The algorithm (src/roundtrip/engine.c) sees the database only through a
 * backend: a table of functions that empties the scratch database,
 * applies one direction of one migration, takes and compares snapshots.
 * mc_roundtrip_backend_db_new() builds the real one on the db and schema
 * modules; tests drive the algorithm with a fake. Findings go into an
 * mc_report; nothing here prints.
 */
#ifndef MIGCHECK_ROUNDTRIP_H
#define MIGCHECK_ROUNDTRIP_H

#include <stddef.h>
#include "common.h"
#include "buf.h"
#include "config.h"
#include "migration.h"
#include "report.h"

typedef enum {
	MC_ROUNDTRIP_STEP = 0, /* per migration: S0, up, S1, down == S0, up == S1 */
	MC_ROUNDTRIP_CHAIN     /* all ups, all downs in reverse, all ups again */
} mc_roundtrip_mode;

/** apply() result: the script ran and failed; see mc_roundtrip_failure. */
#define MC_ROUNDTRIP_FAILED 1

/** Why a script failed, filled by a backend's apply(). */
typedef struct {
	char *message; /* the database's message or the runner's stderr; mc_malloc'd */
	char *file;    /* file of the failing statement, or NULL: the script's */
	unsigned line; /* its line, 0 when unknown */
	char *statement; /* the failing statement's text or the command, or NULL */
} mc_roundtrip_failure;

#define MC_ROUNDTRIP_FAILURE_INIT { NULL, NULL, 0, NULL }
void mc_roundtrip_failure_dispose(mc_roundtrip_failure *f);

/** Direction of a step. */
typedef enum { MC_ROUNDTRIP_UP = 0, MC_ROUNDTRIP_DOWN = 1 } mc_roundtrip_dir;

/**
 * What the engine needs from a database. Every function returns 0 or a
 * negative error code with mc_error set (an environment error: the server
 * went away, the runner is missing), which ends the run.
 */
typedef struct {
	void *ctx;
	/** Make the scratch database empty (e.g. drop and recreate it). */
	int (*reset)(void *ctx);
	/**
	 * Apply one direction of m in its own transaction (unless the script
	 * says otherwise). @return 0 applied, MC_ROUNDTRIP_FAILED with fail
	 * filled when the script failed, or < 0.
	 */
	int (*apply)(void *ctx, const mc_migration *m, mc_roundtrip_dir dir,
	             mc_roundtrip_failure *fail);
	/** Snapshot the schema; *out is freed with snapshot_free. */
	int (*snapshot)(void *ctx, void **out);
	void (*snapshot_free)(void *ctx, void *snap);
	/**
	 * Compare two snapshots: *equal 1 or 0; when different, append to
	 * diff the difference per object, read as "before" = a, "after" = b.
	 */
	int (*compare)(void *ctx, int *equal, mc_buf *diff, const void *a,
	               const void *b);
	/** Optional: 1 when the user asked to stop (SIGINT/SIGTERM). */
	int (*interrupted)(void *ctx);
	/** Optional: called before each migration's round trip. */
	void (*progress)(void *ctx, size_t k, size_t n, const mc_migration *m,
	                 const char *what);
	/** Optional: 1 when m (not SQL) can be reverted (runner.down set). */
	int (*can_revert)(void *ctx, const mc_migration *m);
	/**
	 * Optional: 1 when the last up of a migration that is not SQL changed
	 * a migration tool's tracking table (which snapshots leave out). An
	 * up that changed neither the schema nor that is up-no-effect.
	 */
	int (*tracking_changed)(void *ctx);
} mc_roundtrip_backend;

typedef struct {
	mc_roundtrip_mode mode;
	/* per item of the migration list: nonzero = round-trip it; NULL = all */
	const unsigned char *selected;
	int require_down; /* missing-down findings (migrations.requireDown) */
	/*
	 * Per item of the migration list, NULL or the reason a folder's
	 * settings give (.migcheck): skip (never run; the later migrations
	 * still are) and irreversible (up applied, down not tried). NULL
	 * arrays: none declared.
	 */
	const char *const *skip;
	const char *const *irreversible;
} mc_roundtrip_opts;

/** What a run did, for the report's summary and the benchmark. */
typedef struct {
	size_t tested;   /* migrations round-tripped (or chained) */
	size_t applied;  /* scripts applied, rebuilds included */
	size_t rebuilds; /* times the scratch database was rebuilt */
	size_t skipped;  /* selected migrations not tested (no down, failures) */
	size_t ups_only; /* of those, selected ones whose up was applied and
	                  * checked, their down not proven (Flyway without
	                  * undo scripts, missing, empty or irreversible
	                  * downs, an empty down function) */
	/* the migration that cannot be replayed where the replay stopped
	 * (its up's path, borrowed from the list), or NULL */
	const char *stopped_at;
} mc_roundtrip_stats;

/**
 * Round-trip the migrations of list through be, adding up-failed,
 * down-failed, down-not-inverse, up-not-repeatable, missing-down and
 * irreversible findings to report (and notes on what was skipped).
 * Migrations before the selected ones are applied (up only); those after
 * the last selected one are not run.
 * @param[out] stats optional
 * @return 0 (findings or not); MC_EINTR when interrupted; the backend's
 *   error code for an environment error
 */
MC_NODISCARD int mc_roundtrip_run(mc_report *report,
                                  const mc_migration_list *list,
                                  const mc_roundtrip_backend *be,
                                  const mc_roundtrip_opts *opts,
                                  mc_roundtrip_stats *stats);

/* ---- the real backend: a scratch database (db.h) and [runner] ---- */

typedef struct mc_roundtrip_db mc_roundtrip_db;

typedef struct {
	mc_dialect engine;        /* MC_DIALECT_SQLITE or MC_DIALECT_POSTGRES */
	const char *server_url;   /* PostgreSQL server for scratch databases, or NULL */
	const char *workdir;      /* runner commands run here (repo root) */
	const char *runner_up;    /* [runner] up, or NULL */
	const char *runner_down;  /* [runner] down, or NULL */
	/* runner.tool = sequelize: the folder (repo-relative, "" the root)
	 * that migcheck's resident Sequelize runner runs in; NULL: commands */
	const char *resident_appdir;
	const mc_vec *runner_env; /* char*: runner.env NAME=VALUE, or NULL */
	int strict_column_order;  /* compare column order too */
	/* each statement's limit, and each runner command's as a whole
	 * (its process group is killed); 0: none of ours */
	unsigned statement_timeout_ms;
} mc_roundtrip_db_opts;

/**
 * Create a scratch database for a round trip and a backend on it.
 * @param[out] out free with mc_roundtrip_db_free, which removes the
 *   scratch database
 * @return 0, or the error of mc_scratch_create / mc_scratch_connect
 */
MC_NODISCARD int mc_roundtrip_db_new(mc_roundtrip_db **out,
                                     const mc_roundtrip_db_opts *opts);
/**
 * SQL run on the scratch database after each reset, before any migration
 * (the tracking table the folder's tool creates first, from
 * mc_format_tracking_ddl); NULL for none. Copied; a change takes effect at
 * the next reset. A failure of it is an MC_ERROR_DB error, never a finding.
 */
MC_NODISCARD int mc_roundtrip_db_set_prelude(mc_roundtrip_db *rdb,
                                             const char *sql);
/** Fill be with the functions of rdb (progress left NULL). */
void mc_roundtrip_db_backend(mc_roundtrip_backend *be, mc_roundtrip_db *rdb);
/** @return the scratch database's URL, password masked; borrowed. */
const char *mc_roundtrip_db_display_url(const mc_roundtrip_db *rdb);
/** Close, remove the scratch database, free; NULL is a no-op. */
void mc_roundtrip_db_free(mc_roundtrip_db *rdb);

/* ---- the whole command: discovery, selection, scratch, run ---- */

/** Options of mc_roundtrip_repo; zero them, then set. */
typedef struct {
	mc_roundtrip_mode mode;
	mc_dialect engine;          /* UNKNOWN: migrations.dialect, else postgres
	                             * when a scratch server is set, else sqlite */
	const char *server_url;     /* --scratch; NULL: scratch.postgres / MIGCHECK_SCRATCH_URL */
	const char *since;          /* only migrations added since this revision */
	const char *const *versions; /* only these versions (NULL-terminated) */
	int strict_column_order;
	/* --statement-timeout: see mc_roundtrip_db_opts; 0: no limit (the
	 * command line's default is MC_DB_STATEMENT_TIMEOUT_MS) */
	unsigned statement_timeout_ms;
	/* progress callback (k of n, migration, "up"/"down"/"up again") */
	void (*progress)(void *ctx, size_t k, size_t n, const mc_migration *m,
	                 const char *what);
} mc_roundtrip_repo_opts;

/**
 * Run 'roundtrip' on every migrations folder of the config: discover the
 * migrations (discovery findings other than missing-down go into report
 * too), select them (--since, versions), create a scratch database and
 * round-trip; the scratch database is removed before returning.
 * Adds report extras "mode" and "engine".
 * @param[out] stats optional, summed over folders
 * @return 0 (findings or not); MC_EINTR; MC_ENOTFOUND/MC_ERROR with
 *   MC_ERROR_USAGE for an unknown version or revision, MC_ERROR_CONFIG for
 *   no migrations folder; MC_ERROR_DB / MC_ERROR_RUNNER environment errors
 */
MC_NODISCARD int mc_roundtrip_repo(mc_report *report, mc_repo *repo,
                                   const mc_config *config,
                                   const mc_roundtrip_repo_opts *opts,
                                   mc_roundtrip_stats *stats);

/** @return "step" or "chain"; static. */
const char *mc_roundtrip_mode_name(mc_roundtrip_mode m);
/** @return 0, or MC_ENOTFOUND for a name that is neither. */
int mc_roundtrip_mode_parse(mc_roundtrip_mode *out, const char *name);

#endif
