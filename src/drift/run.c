/*
 * run.c: one `migcheck drift` run. The target is opened read-only and
 * everything read from it (tracking table, catalog) is read inside one
 * READ ONLY transaction that is rolled back; nothing is ever created on
 * it. The expected schema is built on a scratch database of the same
 * engine by replaying exactly the migrations the target has applied.
 */
#include "migcheck/drift.h"

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "migcheck/schema.h"
#include "drift_internal.h"
#include "util/banned.h"

/* mc_drift_query_fn over mc_db_query */
static int db_query(mc_drift_rows *out, void *ctx, const char *sql)
{
	mc_db_result *res = NULL;
	const char **cells = NULL;
	size_t ncols, nrows;
	int error;

	if ((error = mc_db_query(&res, ctx, sql)) < 0)
		return error;
	ncols = mc_db_result_cols(res);
	nrows = mc_db_result_rows(res);
	out->ncols = ncols;
	if (ncols && !(cells = mc_calloc(ncols, sizeof(*cells)))) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++)
			cells[c] = mc_db_result_get(res, r, c);
		if ((error = mc_drift_rows_add(out, cells, ncols)) < 0)
			goto done;
	}
done:
	mc_free(cells);
	mc_db_result_free(res);
	return error;
}

static const char *severity_verb(mc_diff_kind k)
{
	switch (k) {
	case MC_DIFF_MISSING:
		return "is missing from the database";
	case MC_DIFF_UNEXPECTED:
		return "is in the database but no applied migration creates it";
	default:
		return "differs from what the migrations create";
	}
}

static const char *drift_code(mc_diff_kind k)
{
	switch (k) {
	case MC_DIFF_MISSING:
		return "drift-missing";
	case MC_DIFF_UNEXPECTED:
		return "drift-unexpected";
	default:
		return "drift-changed";
	}
}

/*
 * A sequence owned by a column (serial) of a table that is itself
 * missing or unexpected is part of that finding, not one of its own.
 */
static int owned_by_reported(const mc_diff_entry *e,
                             const mc_schema_diff *d,
                             const mc_snapshot *expected,
                             const mc_snapshot *actual)
{
	const mc_object *o;
	const char *owner, *dot;
	size_t tl;

	if (e->object_kind != MC_OBJ_SEQUENCE || e->kind == MC_DIFF_CHANGED)
		return 0;
	o = mc_snapshot_find(e->kind == MC_DIFF_MISSING ? expected : actual,
	                     MC_OBJ_SEQUENCE, NULL, e->name);
	if (!o || !(owner = mc_object_attr(o, "owned_by")) ||
	    !(dot = strrchr(owner, '.')))
		return 0;
	tl = (size_t)(dot - owner);
	for (size_t i = 0; i < mc_schema_diff_count(d); i++) {
		const mc_diff_entry *t = mc_schema_diff_get(d, i);
		if (t->object_kind == MC_OBJ_TABLE && t->kind == e->kind &&
		    strlen(t->name) == tl && !strncmp(t->name, owner, tl))
			return 1;
	}
	return 0;
}

/*
 * A migration the database records as dirty: what it changes (its up
 * replayed apart, on top of the applied ones), or why that is unknown.
 */
struct dirty {
	const mc_migration *m;
	const char *table;          /* the tracking table */
	mc_schema_diff *diff;       /* applied -> applied + m; NULL: unknown */
	int partial;                /* m failed on the scratch too: diff is
	                             * the work of its statements before the
	                             * failing one, the rest may be its too */
};

static int same_object(const mc_diff_entry *a, const mc_diff_entry *b)
{
	return a->object_kind == b->object_kind && !strcmp(a->name, b->name) &&
	       (a->parent == b->parent ||
	        (a->parent && b->parent && !strcmp(a->parent, b->parent)));
}

/* Is e (live vs applied) a change the dirty migration makes? */
static int dirty_made(const struct dirty *dm, const mc_diff_entry *e)
{
	for (size_t i = 0; dm && dm->diff && i < mc_schema_diff_count(dm->diff);
	     i++)
		if (same_object(mc_schema_diff_get(dm->diff, i), e))
			return 1;
	return 0;
}

/* "-- not suggested for <subject>: <why>", one line whatever names hold */
static int suggest_refused(mc_buf *sql, const char *subject, const char *fmt,
                           ...) MC_PRINTF(3, 4);

static int suggest_refused(mc_buf *sql, const char *subject, const char *fmt,
                           ...)
{
	mc_buf line = MC_BUF_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	if ((error = mc_buf_printf(&line, "not suggested for %s: ", subject)) == 0)
		error = mc_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	if (error == 0 &&
	    (error = mc_buf_puts(sql, "-- ")) == 0 &&
	    (error = mc_quote_text(sql, mc_buf_cstr(&line), 0)) == 0)
		error = mc_buf_putc(sql, '\n');
	mc_buf_dispose(&line);
	return error;
}

/* One finding per differing object, and suggested SQL when asked. */
static int report_diff(mc_report *report,
                       mc_buf *sql_out,
                       const mc_schema_diff *d,
                       const mc_snapshot *expected,
                       const mc_snapshot *actual,
                       mc_dialect engine,
                       unsigned flags,
                       const struct dirty *dm)
{
	mc_buf subject = MC_BUF_INIT, detail = MC_BUF_INIT, sql = MC_BUF_INIT;
	size_t nsuggest = 0;
	int error = 0;

	for (size_t i = 0; i < mc_schema_diff_count(d); i++) {
		const mc_diff_entry *e = mc_schema_diff_get(d, i);
		int dirty_work;
		if (owned_by_reported(e, d, expected, actual))
			continue;
		mc_buf_clear(&subject);
		mc_buf_clear(&detail);
		if ((error = mc_diff_entry_subject(&subject, e)) < 0 ||
		    (error = mc_diff_entry_render(&detail, e)) < 0)
			goto done;
		/* no trailing newline in details */
		while (detail.size && detail.ptr[detail.size - 1] == '\n')
			mc_buf_truncate(&detail, detail.size - 1);
		dirty_work = dirty_made(dm, e);
		if (dirty_work)
			error = mc_report_add(
			        report, NULL, "drift-dirty", dm->m->up->path, 0,
			        dm->m->version, detail.size ? detail.ptr : NULL,
			        "%s %s: the work of migration '%s', which %s records as dirty (half-applied)",
			        mc_buf_cstr(&subject),
			        e->kind == MC_DIFF_MISSING      ? "is missing from the database"
			        : e->kind == MC_DIFF_UNEXPECTED ? "is in the database"
			                                        : "differs",
			        dm->m->version, dm->table);
		else
			error = mc_report_add(report, NULL, drift_code(e->kind),
			                      NULL, 0, NULL,
			                      detail.size ? detail.ptr : NULL,
			                      "%s %s", mc_buf_cstr(&subject),
			                      severity_verb(e->kind));
		if (error < 0)
			goto done;
		if ((flags & MC_DRIFT_SUGGEST_SQL) && sql_out) {
			size_t before = sql.size;
			/* never undo a half-applied migration's work, nor drop
			 * what may be its work */
			if (dirty_work)
				error = suggest_refused(
				        &sql, mc_buf_cstr(&subject),
				        "the dirty migration '%s' made this change; finish or revert that migration instead",
				        dm->m->version);
			else if (dm && (!dm->diff || dm->partial) &&
			         e->kind == MC_DIFF_UNEXPECTED)
				error = suggest_refused(
				        &sql, mc_buf_cstr(&subject),
				        "it may be the work of the dirty migration '%s', which does not replay whole on the scratch database; finish or revert that migration first",
				        dm->m->version);
			else
				error = mc_drift__suggest(&sql, e, expected,
				                          actual, engine);
			if (error < 0)
				goto done;
			if (sql.size > before)
				nsuggest++;
		}
	}
	if ((flags & MC_DRIFT_SUGGEST_SQL) && sql_out) {
		if (mc_buf_puts(
		            sql_out,
		            "-- migcheck drift: SUGGESTED SQL, review before running it.\n"
		            "-- It would bring the database to the schema of its applied migrations;\n"
		            "-- better: write a migration, or find who changed the database.\n") <
		            0 ||
		    (nsuggest && mc_buf_puts(sql_out, mc_buf_cstr(&sql)) < 0) ||
		    (!nsuggest &&
		     mc_buf_puts(sql_out, "-- (nothing simple to suggest)\n") <
		             0))
			error = mc_error_set_oom();
	}
done:
	mc_buf_dispose(&subject);
	mc_buf_dispose(&detail);
	mc_buf_dispose(&sql);
	return error;
}

/*
 * An error from reading the target, said so: which database, and which
 * limit a timeout hit (by SQLSTATE: the server's messages may be in any
 * language). Other errors keep their message.
 */
static int target_error(int error,
                        mc_db *target,
                        const mc_db_readonly_opts *ro)
{
	const mc_error *e = mc_error_last();
	const char *state = mc_db_error_sqlstate(target);
	char *msg;

	if (error != MC_DB_ECONNECTION && error != MC_DB_ESTATEMENT)
		return error;
	if (error == MC_DB_ESTATEMENT && strcmp(state, "57014") &&
	    strcmp(state, "55P03"))
		return error;
	if (!(msg = mc_strdup(e && e->message ? e->message : "")))
		return mc_error_set_oom();
	if (error == MC_DB_ECONNECTION)
		mc_error_set(MC_ERROR_DB,
		             "lost the connection to '%s' while reading it: %s",
		             mc_db_display_url(target), mc_db_lost_reason(msg));
	else if (!strcmp(state, "57014"))
		mc_error_set(
		        MC_ERROR_DB,
		        "reading '%s' took longer than the statement timeout (%u ms; --statement-timeout): %s",
		        mc_db_display_url(target), ro->statement_timeout_ms, msg);
	else
		mc_error_set(
		        MC_ERROR_DB,
		        "reading '%s' waited longer than the lock timeout (%u ms; --lock-timeout) for a lock: %s",
		        mc_db_display_url(target), ro->lock_timeout_ms, msg);
	mc_free(msg);
	return error;
}

/* say which database a lost connection was: the scratch one */
static int scratch_error(int error)
{
	const mc_error *e = mc_error_last();
	char *msg;
	if (error != MC_DB_ECONNECTION)
		return error;
	if (!(msg = mc_strdup(e && e->message ? e->message : "")))
		return mc_error_set_oom();
	mc_error_set(MC_ERROR_DB,
	             "lost the connection to the scratch database: %s",
	             mc_db_lost_reason(msg));
	mc_free(msg);
	return error;
}

static int check_versions(mc_report *report, mc_db *target, mc_db *scratch)
{
	int tv = mc_db_server_version(target),
	    sv = mc_db_server_version(scratch);
	if (mc_db_engine(target) != MC_DIALECT_POSTGRES ||
	    tv / 10000 == sv / 10000)
		return 0;
	return mc_report_add(
	        report, NULL, "version-mismatch", NULL, 0, NULL,
	        "default and check expressions may print differently between versions",
	        "the target runs PostgreSQL %d, the scratch server PostgreSQL %d",
	        tv / 10000, sv / 10000);
}

/* The replay runs as the tool does: its tracking table (under the name the
 * target uses) exists before the first migration. */
static int create_tracking(char **sql, mc_db *sdb, mc_format format,
                           const char *table)
{
	int error;

	if ((error = mc_format_tracking_ddl(sql, format, mc_db_engine(sdb),
	                                    table)) < 0 ||
	    !*sql)
		return error;
	if ((error = mc_db_exec(sdb, *sql)) == MC_DB_ESTATEMENT)
		error = mc_format_tracking_failed(*sql);
	return error;
}

/*
 * Replay the dirty migration's up on top of the applied ones, apart: what
 * it changes is dm->diff (left NULL, with a note, when its up fails or is
 * not SQL). The scratch database is not used after this.
 */
static int replay_dirty(mc_report *report, struct dirty *dm, mc_db *sdb,
                        const mc_snapshot *expected,
                        const mc_snapshot_opts *bopts,
                        const mc_drift_norm_opts *nopts,
                        const mc_diff_opts *dopts)
{
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	mc_snapshot *built = NULL, *norm = NULL;
	int error;

	if (dm->m->language || !dm->m->up)
		return mc_report_note(
		        report,
		        "migration '%s' is recorded as dirty and is not SQL: its objects cannot be told from drift, so --sql suggests no DROP",
		        dm->m->version);
	error = mc_db_exec_script(sdb, dm->m->up, &err);
	if (error == MC_DB_ESTATEMENT) {
		/* as a half-applied migration: its statements one by one, up
		 * to the one that fails */
		const mc_sql_stmts *st = dm->m->up->stmts;
		dm->partial = 1;
		if ((error = mc_report_note(
		             report,
		             "migration '%s' is recorded as dirty and fails on the scratch database too (%s:%u: %s): what its statements before that one make is taken as its work, and --sql suggests no DROP",
		             dm->m->version, err.path ? err.path : dm->m->up->path,
		             err.line, err.message ? err.message : "statement failed")) < 0)
			goto done;
		for (size_t i = 0; i < mc_sql_stmts_count(st); i++) {
			const mc_sql_stmt *one = mc_sql_stmts_get(st, i);
			char *text;
			if (one->line >= err.line && err.line)
				break;
			if ((text = mc_strndup(dm->m->up->sql + one->offset,
			                       one->len)) == NULL) {
				error = mc_error_set_oom();
				goto done;
			}
			error = mc_db_exec(sdb, text);
			mc_free(text);
			if (error == MC_DB_ESTATEMENT)
				break;
			if (error < 0) {
				error = scratch_error(error);
				goto done;
			}
		}
		error = 0;
	}
	if (error < 0) {
		error = scratch_error(error);
		goto done;
	}
	if ((error = mc_db_snapshot(&built, sdb, bopts)) < 0) {
		error = scratch_error(error);
		goto done;
	}
	if ((error = mc_drift__normalize(&norm, built, expected, nopts)) < 0 ||
	    (error = mc_snapshot_diff(&dm->diff, expected, norm, dopts)) < 0)
		goto done;
done:
	mc_db_exec_error_dispose(&err);
	mc_snapshot_free(built);
	mc_snapshot_free(norm);
	return error;
}

static int schema_drift(mc_report *report,
                        mc_buf *sql_out,
                        mc_db *target,
                        mc_snapshot *live,
                        const mc_vec *replay,
                        mc_format format,
                        const char *table,
                        const char *tracker,
                        const mc_migration *dirty_m,
                        const mc_drift_opts *opts)
{
	mc_drift_replayed done_replay;
	struct dirty dm = { dirty_m, table, NULL, 0 };
	mc_scratch_opts sopts;
	char *tracking = NULL;
	mc_scratch *scratch = NULL;
	mc_db *sdb = NULL;
	mc_snapshot *built = NULL, *expected = NULL, *actual = NULL;
	mc_schema_diff *diff = NULL;
	mc_drift_norm_opts nopts;
	mc_diff_opts dopts;
	mc_snapshot_opts bopts;
	const char *extra[2] = { NULL, NULL };
	int failed = 0, error;

	memset(&sopts, 0, sizeof(sopts));
	sopts.server_url = opts->scratch_url;
	if ((error = mc_scratch_create(&scratch, mc_db_engine(target),
	                               &sopts)) < 0 ||
	    (error = mc_scratch_connect(&sdb, scratch)) < 0 ||
	    (error = check_versions(report, target, sdb)) < 0 ||
	    (error = create_tracking(&tracking, sdb, format, table)) < 0 ||
	    (error = mc_drift__replay_counted(
	             report, &failed, &done_replay, sdb, scratch,
	             (const mc_migration *const *)replay->items, replay->len,
	             opts->config, opts->workdir)) < 0)
		goto done;
	/* said after the replay: how far it really went */
	if ((error = mc_drift__replay_note(report, table, tracker,
	                                   &done_replay)) < 0)
		goto done;
	if (failed) {
		error = mc_report_note(
		        report,
		        "schema not compared: the applied migrations could not be replayed");
		goto done;
	}
	/* the tracking table created above, under the target's name */
	extra[0] = strrchr(table, '.') ? strrchr(table, '.') + 1 : table;
	memset(&bopts, 0, sizeof(bopts));
	bopts.extra_excludes = extra;
	if ((error = mc_db_snapshot(&built, sdb, &bopts)) < 0) {
		error = scratch_error(error);
		goto done;
	}

	memset(&nopts, 0, sizeof(nopts));
	nopts.flags = (opts->flags & MC_DRIFT_WITH_PRIVILEGES)
	                      ? MC_NORM_WITH_PRIVILEGES
	                      : 0;
	nopts.schemas = opts->schemas;
	nopts.ignore = opts->config ? &opts->config->drift_ignore : NULL;
	if ((error = mc_drift__normalize(&expected, built, NULL, &nopts)) < 0 ||
	    (error = mc_drift__normalize(&actual, live, expected, &nopts)) < 0)
		goto done;
	memset(&dopts, 0, sizeof(dopts));
	dopts.strict_column_order =
	        !!(opts->flags & MC_DRIFT_STRICT_COLUMN_ORDER);
	if ((error = mc_snapshot_diff(&diff, expected, actual, &dopts)) < 0 ||
	    (dirty_m && (error = replay_dirty(report, &dm, sdb, expected,
	                                      &bopts, &nopts, &dopts)) < 0) ||
	    (error = report_diff(report, sql_out, diff, built, live,
	                         mc_db_engine(target), opts->flags,
	                         dirty_m ? &dm : NULL)) < 0)
		goto done;
done:
	mc_schema_diff_free(dm.diff);
	mc_schema_diff_free(diff);
	mc_snapshot_free(expected);
	mc_snapshot_free(actual);
	mc_snapshot_free(built);
	mc_db_close(sdb);
	mc_free(tracking);
	{
		/* removing the scratch may fail too (its server died): keep
		 * the error that ended the run */
		mc_error saved = MC_ERROR_INIT;
		if (error < 0)
			mc_error_save(&saved);
		mc_scratch_free(scratch);
		mc_error_restore(&saved);
	}
	return error;
}

int mc_drift_run(mc_report *report,
                 mc_buf *sql_out,
                 const mc_drift_migrations *migrations,
                 const mc_drift_opts *opts)
{
	mc_db_readonly_opts ro;
	mc_db *target = NULL;
	mc_drift_history *hist = NULL;
	mc_snapshot *live = NULL;
	mc_vec replay = MC_VEC_INIT;
	int error, rollback_error;

	MC_ASSERT_ARG(report && migrations && opts && opts->url);
	MC_ASSERT_ARG(sql_out || !(opts->flags & (MC_DRIFT_PRINT_SNAPSHOT |
	                                          MC_DRIFT_SUGGEST_SQL)));
	memset(&ro, 0, sizeof(ro));
	ro.statement_timeout_ms = opts->statement_timeout_ms
	                                  ? opts->statement_timeout_ms
	                                  : MC_DB_STATEMENT_TIMEOUT_MS;
	ro.lock_timeout_ms = opts->lock_timeout_ms ? opts->lock_timeout_ms
	                                           : MC_DB_LOCK_TIMEOUT_MS;

	if ((error = mc_db_open_readonly(&target, opts->url, &ro)) < 0)
		goto done;
	if (mc_db_url_insecure(opts->url) &&
	    (error = mc_report_add(
	             report, NULL, "insecure-connection", NULL, 0, NULL, NULL,
	             "the connection to '%s' does not verify the server's certificate (sslmode=verify-full or verify-ca)",
	             mc_db_display_url(target))) < 0)
		goto done;
	if ((error = mc_db_begin(target)) < 0) {
		error = target_error(error, target, &ro);
		goto done;
	}
	if (opts->flags & MC_DRIFT_PRINT_SNAPSHOT) {
		if ((error = mc_db_snapshot(&live, target, NULL)) == 0)
			error = mc_snapshot_serialize(sql_out, live);
		else
			error = target_error(error, target, &ro);
		rollback_error = mc_db_rollback(target);
		if (!error)
			error = rollback_error;
		goto done;
	}
	if ((error = mc_drift_history_read(
	             &hist, db_query, target, mc_db_engine(target),
	             migrations->table)) < 0 ||
	    (error = mc_drift_history_compare(
	             &replay, report, hist, &migrations->all, opts->flags)) < 0)
		goto rollback;
	if (!(opts->flags & MC_DRIFT_HISTORY_ONLY)) {
		/* a tracking table under its own name is no drift either */
		const char *dot = strrchr(hist->table, '.');
		const char *extra[2] = { dot ? dot + 1 : hist->table, NULL };
		mc_snapshot_opts sopts;
		memset(&sopts, 0, sizeof(sopts));
		sopts.extra_excludes = extra;
		error = mc_db_snapshot(&live, target, &sopts);
	}
rollback:
	if (error < 0)
		error = target_error(error, target, &ro);
	/* read-only: nothing to keep; the snapshot is taken in one transaction
	 */
	rollback_error = mc_db_rollback(target);
	if (error < 0 || (error = rollback_error) < 0)
		goto done;
	if (!(opts->flags & MC_DRIFT_HISTORY_ONLY))
		error = schema_drift(report, sql_out, target, live, &replay,
		                     migrations->all.format, hist->table,
		                     mc_tracker_name(hist->tracker),
		                     mc_drift__dirty_migration(hist, &migrations->all),
		                     opts);
done:
	if (error < 0 && error != MC_ENOMEM && mc_error_last() &&
	    mc_error_last()->klass == MC_ERROR_NONE)
		mc_error_set(MC_ERROR_DB, "drift failed");
	mc_vec_dispose(&replay);
	mc_snapshot_free(live);
	mc_drift_history_free(hist);
	mc_db_close(target);
	return error;
}
