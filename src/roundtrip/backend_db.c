/*
 * backend_db.c: the roundtrip engine's backend on a real scratch
 * database. SQL scripts run through mc_db_exec_script (one transaction
 * per script unless the script says otherwise); migrations that are not
 * SQL run through the [runner] commands, told the scratch database by
 * mc_runner_run (mc_scratch_runner_url). Snapshots and their diff come from schema.h.
 */
#include "migcheck/roundtrip.h"
#include "roundtrip_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/resident.h"
#include "migcheck/runner.h"
#include "migcheck/schema.h"
#include "util/banned.h"

struct mc_roundtrip_db {
	mc_scratch *scratch;
	mc_db *db;
	int dirty;                /* something was applied since the last reset */
	int strict_column_order;
	unsigned statement_timeout_ms; /* 0: none */
	char *workdir;
	char *runner_up;
	char *runner_down;
	int runner_checked;       /* mc_runner_check_url said yes */
	char *prelude;            /* the tool's tracking table, or NULL */
	char **runner_env;        /* runner.env, NULL-terminated, or NULL */
	char *appdir;             /* resident runner: its folder (repo-relative) */
	mc_resident *resident;    /* started at the first migration */
	char *last_tracking;      /* tracking rows before the last runner up */
	int tracking_changed;     /* the last runner up changed them */
};

static int connect_db(mc_roundtrip_db *r)
{
	int error;
	if ((error = mc_scratch_connect(&r->db, r->scratch)) < 0)
		return error;
	/* 0 leaves PostgreSQL's own statement_timeout (PGOPTIONS, URL) */
	if (r->statement_timeout_ms)
		error = mc_db_set_statement_timeout(r->db,
		                                    r->statement_timeout_ms);
	/* the tool's table, not a migration's: exit 3, never blamed on one */
	if (error >= 0 && r->prelude &&
	    (error = mc_db_exec(r->db, r->prelude)) == MC_DB_ESTATEMENT)
		error = mc_format_tracking_failed(r->prelude);
	if (error < 0) {
		mc_db_close(r->db);
		r->db = NULL;
	}
	return error;
}

int mc_roundtrip_db_set_prelude(mc_roundtrip_db *r, const char *sql)
{
	char *copy = NULL;

	MC_ASSERT_ARG(r);
	if ((r->prelude == NULL && sql == NULL) ||
	    (r->prelude && sql && !strcmp(r->prelude, sql)))
		return 0;
	if (sql && !(copy = mc_strdup(sql)))
		return mc_error_set_oom();
	mc_free(r->prelude);
	r->prelude = copy;
	r->dirty = 1; /* the next reset starts from the new prelude */
	return 0;
}

static int be_reset(void *ctx)
{
	mc_roundtrip_db *r = ctx;
	int error;

	if (!r->dirty && r->db)
		return 0;
	if (r->resident) {
		/* its connection must go before the database does */
		mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
		error = mc_resident_call(r->resident, "close", NULL, NULL, &rep);
		mc_resident_reply_dispose(&rep);
		if (error < 0)
			return error;
	}
	mc_db_close(r->db);
	r->db = NULL;
	if ((error = mc_scratch_reset(r->scratch)) < 0 ||
	    (error = connect_db(r)) < 0)
		return error;
	r->dirty = 0;
	return 0;
}

static int has_error_word(const char *s, size_t len)
{
	for (size_t i = 0; i + 5 <= len; i++)
		if (!strncasecmp(s + i, "error", 5))
			return 1;
	return 0;
}

/* The line of err (or out) that says what went wrong: the first that
 * mentions an error, else the last one. */
static char *runner_message(const mc_runner_result *res)
{
	const mc_buf *bufs[2] = { &res->err, &res->out };
	for (int b = 0; b < 2; b++) {
		const char *text = mc_buf_cstr(bufs[b]);
		const char *p = text, *best = NULL, *last = NULL;
		size_t best_len = 0, last_len = 0;
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			const char *q = p;
			size_t qlen = len;
			while (qlen && (*q == ' ' || *q == '\t'))
				q++, qlen--;
			while (qlen && (q[qlen - 1] == ' ' || q[qlen - 1] == '\r'))
				qlen--;
			if (qlen) {
				last = q;
				last_len = qlen;
				if (!best && has_error_word(q, qlen))
					best = q, best_len = qlen;
			}
			p += len;
			if (*p)
				p++;
		}
		if (best)
			return mc_strndup(best, best_len);
		if (last)
			return mc_strndup(last, last_len);
	}
	return mc_asprintf("exited with status %d", res->status);
}

/* The captured output without leading and trailing blank space; NULL
 * when empty (or out of memory, told apart by the caller). */
static char *trimmed(const mc_buf *b)
{
	const char *p = mc_buf_cstr(b);
	size_t len = b->size;
	while (len && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++, len--;
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\n' ||
	               p[len - 1] == '\r' || p[len - 1] == '\t'))
		len--;
	return len ? mc_strndup(p, len) : NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int start_resident(mc_roundtrip_db *r)
{
	mc_resident_opts ro;
	mc_runner_vars vars;
	char **env = NULL, *dir = NULL;
	int error;

	memset(&vars, 0, sizeof(vars));
	vars.url = mc_scratch_runner_url(r->scratch);
	vars.env = (const char *const *)r->runner_env;
	if ((error = mc_runner_env(&env, &vars)) < 0)
		return error;
	if ((dir = *r->appdir ? mc_asprintf("%s/%s", r->workdir, r->appdir)
	                      : mc_strdup(r->workdir)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	memset(&ro, 0, sizeof(ro));
	ro.tool = "sequelize";
	ro.appdir = dir;
	ro.appdir_show = r->appdir;
	ro.env = env;
	ro.timeout_ms = r->statement_timeout_ms;
	error = mc_resident_start(&r->resident, &ro);
done:
	mc_free(dir);
	mc_runner_env_free(env);
	return error;
}

/* The migration through migcheck's resident runner. */
static int apply_resident(mc_roundtrip_db *r, const mc_migration *m,
                          mc_roundtrip_dir dir, mc_roundtrip_failure *fail)
{
	const mc_script *s = m->up ? m->up : m->down;
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
	char *file = NULL;
	int error;

	if (!s)
		return mc_error_set(MC_ERROR_USAGE, "migration '%s' has no file",
		                    m->version);
	if (!r->resident && (error = start_resident(r)) < 0)
		return error;
	if ((file = mc_asprintf("%s/%s", r->workdir, s->path)) == NULL)
		return mc_error_set_oom();
	r->dirty = 1;
	error = mc_resident_call(r->resident,
	                         dir == MC_ROUNDTRIP_UP ? "up" : "down", file,
	                         base_name(s->path), &rep);
	if (error < 0)
		goto done;
	/* its own tracking row is written with every up */
	r->tracking_changed = 1;
	if (!rep.ok) {
		fail->message = rep.error ? rep.error : mc_strdup("failed");
		rep.error = NULL;
		fail->file = mc_strdup(s->path);
		fail->line = 0;
		fail->statement = rep.detail ? rep.detail : trimmed(&rep.err);
		rep.detail = NULL;
		if (!fail->message || !fail->file) {
			error = mc_error_set_oom();
			goto done;
		}
		error = MC_ROUNDTRIP_FAILED;
	}
done:
	mc_free(file);
	mc_resident_reply_dispose(&rep);
	return error;
}

/* The tracking tables' rows as text, "table:count;..." (snapshots leave
 * them out), to tell whether a runner's up did anything. */
static int tracking_rows(mc_roundtrip_db *r, char **out)
{
	const char *const *t = mc_snapshot_default_excludes();
	mc_buf b = MC_BUF_INIT;
	int error = 0;

	*out = NULL;
	for (; *t && error >= 0; t++) {
		mc_db_result *res = NULL;
		char *q;
		int exists = 0;
		if ((error = mc_db_table_exists(&exists, r->db, NULL, *t)) < 0)
			break;
		if (!exists)
			continue;
		if ((q = mc_asprintf("SELECT count(*) FROM \"%s\"", *t)) == NULL) {
			error = mc_error_set_oom();
			break;
		}
		error = mc_db_query(&res, r->db, q);
		mc_free(q);
		if (error < 0)
			break;
		error = mc_buf_printf(&b, "%s:%s;", *t,
		                      mc_db_result_get(res, 0, 0)
		                              ? mc_db_result_get(res, 0, 0)
		                              : "");
		mc_db_result_free(res);
	}
	if (error < 0) {
		mc_buf_dispose(&b);
		return error;
	}
	*out = mc_buf_detach(&b);
	if (!*out && !(*out = mc_strdup("")))
		return mc_error_set_oom();
	return 0;
}

static int apply_runner(mc_roundtrip_db *r, const mc_migration *m,
                        mc_roundtrip_dir dir, mc_roundtrip_failure *fail)
{
	const char *cmd = dir == MC_ROUNDTRIP_UP ? r->runner_up : r->runner_down;
	const mc_script *s = m->up ? m->up : m->down;
	mc_runner_result res = MC_RUNNER_RESULT_INIT;
	mc_runner_vars vars;
	int error;

	if (!cmd)
		return mc_error_set(MC_ERROR_CONFIG,
		                    "cannot run '%s': set [runner] %s in .migcheck",
		                    s ? s->path : m->version,
		                    dir == MC_ROUNDTRIP_UP ? "up" : "down");
	vars.file = s ? s->path : NULL;
	vars.name = m->name;
	vars.version = m->version;
	vars.url = mc_scratch_runner_url(r->scratch);
	if (!r->runner_checked) {
		if ((error = mc_runner_check_url("runner.up", r->runner_up,
		                                 vars.url, r->workdir)) < 0 ||
		    (error = mc_runner_check_url("runner.down", r->runner_down,
		                                 vars.url, r->workdir)) < 0)
			return error;
		r->runner_checked = 1;
	}
	vars.env = (const char *const *)r->runner_env;
	r->dirty = 1;
	mc_free(r->last_tracking);
	r->last_tracking = NULL;
	if (dir == MC_ROUNDTRIP_UP &&
	    (error = tracking_rows(r, &r->last_tracking)) < 0)
		goto done;
	if ((error = mc_runner_run_timeout(&res, cmd, &vars, r->workdir,
	                                   r->statement_timeout_ms)) < 0)
		goto done;
	if (dir == MC_ROUNDTRIP_UP && res.status == 0 && !res.timed_out) {
		char *now = NULL;
		if ((error = tracking_rows(r, &now)) < 0)
			goto done;
		r->tracking_changed = strcmp(now, r->last_tracking) != 0;
		mc_free(now);
	}
	if (res.status != 0 || res.timed_out) {
		const mc_buf *b = res.err.size ? &res.err : &res.out;
		fail->message = res.timed_out
		                        ? mc_asprintf("killed after %u ms (--statement-timeout)",
		                                      r->statement_timeout_ms)
		                        : runner_message(&res);
		fail->file = s ? mc_strdup(s->path) : NULL;
		fail->line = 0;
		fail->statement = trimmed(b);
		if (!fail->message || (s && !fail->file)) {
			error = mc_error_set_oom();
			goto done;
		}
		error = MC_ROUNDTRIP_FAILED;
	}
done:
	mc_runner_result_dispose(&res);
	return error;
}

static int be_apply(void *ctx, const mc_migration *m, mc_roundtrip_dir dir,
                    mc_roundtrip_failure *fail)
{
	mc_roundtrip_db *r = ctx;
	mc_db_exec_error err = MC_DB_EXEC_ERROR_INIT;
	const mc_script *s = dir == MC_ROUNDTRIP_UP ? m->up : m->down;
	int error;

	r->tracking_changed = 0;
	if (m->language && r->appdir)
		return apply_resident(r, m, dir, fail);
	if (m->language)
		return apply_runner(r, m, dir, fail);
	if (!s)
		return mc_error_set(MC_ERROR_USAGE, "migration '%s' has no %s script",
		                    m->version, dir == MC_ROUNDTRIP_UP ? "up" : "down");
	r->dirty = 1;
	error = mc_db_exec_script(r->db, s, &err);
	if (error == MC_DB_ESTATEMENT) {
		/* the database's words would be "canceling statement due to
		 * statement timeout" or "interrupted": say which limit */
		fail->message = err.timed_out
		                        ? mc_asprintf("canceled after %u ms (--statement-timeout)",
		                                      r->statement_timeout_ms)
		                        : err.message;
		if (!err.timed_out)
			err.message = NULL;
		fail->file = err.path ? err.path : mc_strdup(s->path);
		fail->line = err.line;
		fail->statement = err.statement;
		err.path = err.statement = NULL;
		error = fail->file && fail->message ? MC_ROUNDTRIP_FAILED
		                                    : mc_error_set_oom();
	} else if (error == MC_DB_ECONNECTION) {
		error = mc_error_set(MC_ERROR_DB,
		                     "lost the connection to the scratch database while running '%s': %s",
		                     s->path,
		                     err.message ? mc_db_lost_reason(err.message)
		                                 : "server closed the connection");
	} else if (error == MC_DB_ENOSPACE) {
		char line[24] = "";
		if (err.line)
			snprintf(line, sizeof(line), ":%u", err.line);
		error = mc_error_set(MC_ERROR_OS,
		                     "the scratch database ran out of disk space while running '%s%s': %s; "
		                     "free space there or set TMPDIR to a larger file system",
		                     err.path ? err.path : s->path, line,
		                     err.message ? err.message : "disk full");
	}
	mc_db_exec_error_dispose(&err);
	return error;
}

static int be_snapshot(void *ctx, void **out)
{
	mc_roundtrip_db *r = ctx;
	mc_snapshot *snap = NULL;
	int error;

	if ((error = mc_db_snapshot(&snap, r->db, NULL)) < 0)
		return error;
	*out = snap;
	return 0;
}

static void be_snapshot_free(void *ctx MC_UNUSED, void *snap)
{
	mc_snapshot_free(snap);
}

static int be_compare(void *ctx, int *equal, mc_buf *diff, const void *a,
                      const void *b)
{
	mc_roundtrip_db *r = ctx;
	mc_diff_opts opts;
	mc_schema_diff *d = NULL;
	int error;

	memset(&opts, 0, sizeof(opts));
	opts.strict_column_order = r->strict_column_order;
	if ((error = mc_snapshot_diff(&d, a, b, &opts)) < 0)
		return error;
	*equal = mc_schema_diff_empty(d);
	if (!*equal)
		error = mc_schema_diff_render_text(diff, d);
	mc_schema_diff_free(d);
	return error;
}

static int be_interrupted(void *ctx MC_UNUSED)
{
	return mc_db_interrupted() != 0;
}

static int be_can_revert(void *ctx, const mc_migration *m MC_UNUSED)
{
	mc_roundtrip_db *r = ctx;
	return r->runner_down != NULL || r->appdir != NULL;
}

static int be_tracking_changed(void *ctx)
{
	mc_roundtrip_db *r = ctx;
	return r->tracking_changed;
}

void mc_roundtrip_db_backend(mc_roundtrip_backend *be, mc_roundtrip_db *rdb)
{
	memset(be, 0, sizeof(*be));
	be->ctx = rdb;
	be->reset = be_reset;
	be->apply = be_apply;
	be->snapshot = be_snapshot;
	be->snapshot_free = be_snapshot_free;
	be->compare = be_compare;
	be->interrupted = be_interrupted;
	be->can_revert = be_can_revert;
	be->tracking_changed = be_tracking_changed;
}

const char *mc_roundtrip_db_display_url(const mc_roundtrip_db *rdb)
{
	return mc_scratch_display_url(rdb->scratch);
}

static int dup_opt(char **out, const char *s)
{
	if (!s)
		return 0;
	return (*out = mc_strdup(s)) ? 0 : mc_error_set_oom();
}

static int dup_env(char ***out, const mc_vec *env)
{
	if (!env || !env->len)
		return 0;
	if ((*out = mc_calloc(env->len + 1, sizeof(**out))) == NULL)
		return mc_error_set_oom();
	for (size_t i = 0; i < env->len; i++)
		if (((*out)[i] = mc_strdup(env->items[i])) == NULL)
			return mc_error_set_oom();
	return 0;
}

int mc_roundtrip_db_new(mc_roundtrip_db **out, const mc_roundtrip_db_opts *opts)
{
	mc_roundtrip_db *r;
	mc_scratch_opts sopts;
	int error;

	MC_ASSERT_ARG(out && opts);
	*out = NULL;
	if ((r = mc_calloc(1, sizeof(*r))) == NULL)
		return mc_error_set_oom();
	r->strict_column_order = opts->strict_column_order;
	r->statement_timeout_ms = opts->statement_timeout_ms;
	memset(&sopts, 0, sizeof(sopts));
	sopts.server_url = opts->server_url;
	if ((error = dup_opt(&r->workdir, opts->workdir)) < 0 ||
	    (error = dup_opt(&r->runner_up, opts->runner_up)) < 0 ||
	    (error = dup_opt(&r->runner_down, opts->runner_down)) < 0 ||
	    (error = dup_opt(&r->appdir, opts->resident_appdir)) < 0 ||
	    (error = dup_env(&r->runner_env, opts->runner_env)) < 0 ||
	    (error = mc_scratch_create(&r->scratch, opts->engine, &sopts)) < 0 ||
	    (error = connect_db(r)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	mc_roundtrip_db_free(r);
	return error;
}

void mc_roundtrip_db_free(mc_roundtrip_db *rdb)
{
	if (!rdb)
		return;
	mc_resident_free(rdb->resident);
	mc_db_close(rdb->db);
	mc_scratch_free(rdb->scratch);
	mc_free(rdb->workdir);
	mc_free(rdb->runner_up);
	mc_free(rdb->runner_down);
	mc_free(rdb->prelude);
	mc_runner_env_free(rdb->runner_env);
	mc_free(rdb->appdir);
	mc_free(rdb->last_tracking);
	mc_free(rdb);
}
