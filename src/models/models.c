/*
 * models.c: `migcheck models`. Two scratch databases: one gets every
 * migration's up, the other the models' schema (a SQL file, or a command
 * such as a script calling Sequelize sync() against $DATABASE_URL). Only
 * tables and columns are compared: ORMs name their constraints and
 * indexes their own way, which is noise here.
 */
#include "migcheck/models.h"

#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/resident.h"
#include "migcheck/runner.h"
#include "migcheck/schema.h"
#include "drift/drift_internal.h"
#include "util/banned.h"

/* How long check waits for the runner to describe the models, each side. */
#define MODELS_DESCRIBE_TIMEOUT_MS 60000u

/* Largest models.schema file read. */
#define MODELS_SCHEMA_MAX ((size_t)64 * 1024 * 1024)

/* ---- the models' schema by migcheck's Sequelize runner ---- */

/* The migrations folder whose settings say which runner: the first one. */
static void runner_settings(mc_dir_settings *ds, const mc_config *c,
                            const mc_drift_migrations *migs)
{
	const char *dir = c->dirs.len ? c->dirs.items[0] : NULL;
	char *own = NULL;

	if (!dir && migs->all.items.len) {
		const mc_migration *m = migs->all.items.items[0];
		const char *p = m->up ? m->up->path : NULL;
		const char *slash = p ? strrchr(p, '/') : NULL;
		if (slash)
			dir = own = mc_strndup(p, (size_t)(slash - p));
	}
	mc_config_dir_settings(ds, c, dir ? dir : "");
	mc_free(own);
}

int mc_models_source(const mc_config *c)
{
	mc_dir_settings ds;

	if (!c)
		return MC_MODELS_NONE;
	if (c->models_schema)
		return MC_MODELS_SCHEMA;
	if (c->models_command)
		return MC_MODELS_COMMAND;
	mc_config_dir_settings(&ds, c, c->dirs.len ? c->dirs.items[0] : "");
	if (c->model_paths.len && mc_dir_settings_resident_sequelize(&ds))
		return MC_MODELS_SEQUELIZE;
	return MC_MODELS_NONE;
}

/* The folder (or file) each models.path glob names: its part before the
 * first component with a wildcard (server/models for server/models/ ** and
 * server/models/ *.js);
 * exclusions ('!...') left out. repo-relative, mc_malloc'd. */
static int model_roots(mc_vec *out, const mc_vec *globs)
{
	for (size_t i = 0; i < globs->len; i++) {
		const char *g = globs->items[i], *w;
		size_t len;
		char *root;
		int dup = 0;

		if (*g == '!')
			continue;
		w = g + strcspn(g, "*?[");
		len = (size_t)(w - g);
		if (*w)
			while (len && g[len - 1] != '/')
				len--;
		while (len && g[len - 1] == '/')
			len--;
		if ((root = mc_strndup(g, len)) == NULL)
			return mc_error_set_oom();
		for (size_t j = 0; j < out->len && !dup; j++)
			dup = !strcmp(out->items[j], root);
		if (dup) {
			mc_free(root);
			continue;
		}
		if (mc_vec_push(out, root) < 0) {
			mc_free(root);
			return mc_error_set_oom();
		}
	}
	return 0;
}

/* dir and rel joined with one '/' (dir may end in one; rel "" is dir);
 * mc_malloc'd, NULL when out of memory */
static char *path_join(const char *dir, const char *rel)
{
	size_t l = strlen(dir);
	while (l > 1 && dir[l - 1] == '/')
		l--;
	return *rel ? mc_asprintf("%.*s/%s", (int)l, dir, rel)
	            : mc_strndup(dir, l);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

typedef struct {
	mc_resident *r;
	char *appdir; /* repo-relative */
	mc_vec roots; /* char*: models.path roots, repo-relative */
	mc_dir_settings ds;
} seq_runner;

static void seq_runner_dispose(seq_runner *s)
{
	mc_resident_free(s->r);
	mc_free(s->appdir);
	mc_vec_dispose_deep(&s->roots, mc_free);
}

static int seq_runner_start(seq_runner *s, mc_scratch *scratch,
                            const mc_models_opts *o)
{
	mc_resident_opts ro;
	mc_runner_vars vars;
	char **env = NULL, *dir = NULL;
	const char **extra;
	int error;

	if ((error = model_roots(&s->roots, &o->config->model_paths)) < 0)
		return error;
	if (!s->roots.len)
		return mc_error_set(MC_ERROR_CONFIG,
		                    "models.path names no folder: set it to the folder of the Sequelize models, e.g. models/**");
	/* the app holding node_modules/sequelize: above the models */
	if ((error = mc_resident_find_appdir(&s->appdir, o->workdir,
	                                     s->roots.items[0])) < 0)
		return error;
	/* runner.env, NULL-terminated */
	if ((extra = mc_calloc(s->ds.runner_env->len + 1, sizeof(*extra))) == NULL)
		return mc_error_set_oom();
	for (size_t i = 0; i < s->ds.runner_env->len; i++)
		extra[i] = s->ds.runner_env->items[i];
	memset(&vars, 0, sizeof(vars));
	vars.url = mc_scratch_runner_url(scratch);
	vars.env = extra;
	error = mc_runner_env(&env, &vars);
	mc_free(extra);
	if (error < 0)
		return error;
	if ((dir = *s->appdir ? mc_asprintf("%s/%s", o->workdir, s->appdir)
	                      : mc_strdup(o->workdir)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	memset(&ro, 0, sizeof(ro));
	ro.tool = "sequelize";
	ro.appdir = dir;
	ro.appdir_show = s->appdir;
	ro.env = env;
	error = mc_resident_start(&s->r, &ro);
done:
	mc_free(dir);
	mc_runner_env_free(env);
	return error;
}

/* The migrations' ups: Sequelize's through the runner, SQL ones as drift
 * replays them. */
static int seq_replay(seq_runner *s, mc_report *report, int *failed,
                      mc_db *db, mc_scratch *scratch,
                      const mc_drift_migrations *migs,
                      const mc_models_opts *o)
{
	const mc_migration *const *ms =
	        (const mc_migration *const *)migs->all.items.items;
	int error = 0;

	*failed = 0;
	for (size_t i = 0; i < migs->all.items.len && !*failed && !error; i++) {
		const mc_migration *m = ms[i];
		mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
		char *file;

		if (!m->up)
			continue;
		if (!m->language || strcmp(m->language, "js") != 0) {
			error = mc_drift__replay(report, failed, db, scratch, &ms[i],
			                         1, o->config, o->workdir);
			continue;
		}
		if ((file = path_join(o->workdir, m->up->path)) == NULL)
			return mc_error_set_oom();
		error = mc_resident_call(s->r, "up", file, base_name(m->up->path),
		                         &rep);
		mc_free(file);
		if (!error && !rep.ok) {
			*failed = 1;
			error = mc_report_add(
			        report, NULL, "up-failed", m->up->path, 0,
			        m->version,
			        rep.detail ? rep.detail : mc_buf_cstr(&rep.err),
			        "migration '%s' failed on the scratch database: %s",
			        m->version, rep.error ? rep.error : "failed");
		}
		mc_resident_reply_dispose(&rep);
	}
	return error;
}

/* sync() of the models into the (empty) scratch database. */
static int seq_sync(seq_runner *s, const mc_models_opts *o)
{
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
	mc_vec abs = MC_VEC_INIT;
	int error = 0;

	for (size_t i = 0; i < s->roots.len; i++) {
		const char *r = s->roots.items[i];
		char *p = path_join(o->workdir, r);
		if (!p || mc_vec_push(&abs, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
	}
	if ((error = mc_resident_call_paths(s->r, "sync",
	                                    (const char *const *)abs.items,
	                                    abs.len, &rep)) < 0)
		goto done;
	if (!rep.ok)
		error = mc_error_set(
		        MC_ERROR_RUNNER,
		        "the sequelize runner in '%s' cannot build the models' schema: %s: "
		        "make the models load with the packages in its node_modules "
		        "(a variable they read can be set with runner.env), or point models.path at them",
		        *s->appdir ? s->appdir : ".",
		        rep.error ? rep.error : "failed");
done:
	mc_resident_reply_dispose(&rep);
	mc_vec_dispose_deep(&abs, mc_free);
	return error;
}

/* ---- whether a change changed the models' schema ---- */

static int describe(mc_vec *rows, mc_resident *r, const mc_vec *abs,
                    const mc_models_change *changes, size_t n, int old_side,
                    const char *workdir)
{
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
	const char **files = NULL;
	mc_vec paths = MC_VEC_INIT;
	int error = 0;

	if (n && (files = mc_calloc(2 * n, sizeof(*files))) == NULL)
		return mc_error_set_oom();
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(workdir, changes[i].path);
		if (!p || mc_vec_push(&paths, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
		files[2 * i] = p;
		files[2 * i + 1] = old_side ? changes[i].old_text : changes[i].new_text;
	}
	if ((error = mc_resident_call_files(r, "describe",
	                                    (const char *const *)abs->items,
	                                    abs->len, files, n, &rep)) < 0)
		goto done;
	if (!rep.ok) {
		error = rep.timed_out
		                ? mc_error_set(MC_ERROR_RUNNER,
		                               "the models did not load within %u s",
		                               MODELS_DESCRIBE_TIMEOUT_MS / 1000)
		                : mc_error_set(MC_ERROR_RUNNER, "%s",
		                               rep.error ? rep.error : "describe failed");
		goto done;
	}
	*rows = rep.rows;
	memset(&rep.rows, 0, sizeof(rep.rows));
done:
	mc_resident_reply_dispose(&rep);
	mc_vec_dispose_deep(&paths, mc_free);
	mc_free(files);
	return error;
}

int mc_models_schema_changed(int *changed, const mc_config *c,
                             const char *workdir,
                             const mc_models_change *changes, size_t n)
{
	mc_vec roots = MC_VEC_INIT, abs = MC_VEC_INIT, a = MC_VEC_INIT,
	       b = MC_VEC_INIT;
	mc_resident_opts ro;
	mc_resident *r = NULL;
	mc_runner_vars vars;
	mc_dir_settings ds;
	char **env = NULL, *appdir = NULL, *dir = NULL;
	const char **extra = NULL;
	int error;

	MC_ASSERT_ARG(changed && c && workdir && (changes || !n));
	*changed = 1;
	if ((error = model_roots(&roots, &c->model_paths)) < 0)
		goto done;
	if (!roots.len) {
		error = mc_error_set(MC_ERROR_CONFIG, "models.path names no folder");
		goto done;
	}
	for (size_t i = 0; i < roots.len; i++) {
		const char *rt = roots.items[i];
		char *p = path_join(workdir, rt);
		if (!p || mc_vec_push(&abs, p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
	}
	if ((error = mc_resident_find_appdir(&appdir, workdir, roots.items[0])) < 0)
		goto done;
	mc_config_dir_settings(&ds, c, c->dirs.len ? c->dirs.items[0] : "");
	if ((extra = mc_calloc(ds.runner_env->len + 1, sizeof(*extra))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = 0; i < ds.runner_env->len; i++)
		extra[i] = ds.runner_env->items[i];
	memset(&vars, 0, sizeof(vars));
	/* never opened: the dialect the models are described for */
	vars.url = ds.dialect == MC_DIALECT_POSTGRES ||
	                           (ds.dialect == MC_DIALECT_UNKNOWN &&
	                            c->dialect == MC_DIALECT_POSTGRES)
	                   ? "postgresql://127.0.0.1:1/migcheck_describe"
	                   : "sqlite:///nonexistent/migcheck-describe.db";
	vars.env = extra;
	if ((error = mc_runner_env(&env, &vars)) < 0)
		goto done;
	if ((dir = *appdir ? mc_asprintf("%s/%s", workdir, appdir)
	                   : mc_strdup(workdir)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	memset(&ro, 0, sizeof(ro));
	ro.tool = "sequelize";
	ro.appdir = dir;
	ro.appdir_show = appdir;
	ro.env = env;
	/* check must not hang on models that never finish loading */
	ro.timeout_ms = MODELS_DESCRIBE_TIMEOUT_MS;
	ro.start_timeout_ms = MODELS_DESCRIBE_TIMEOUT_MS;
	if ((error = mc_resident_start(&r, &ro)) < 0 ||
	    (error = describe(&a, r, &abs, changes, n, 1, workdir)) < 0 ||
	    (error = describe(&b, r, &abs, changes, n, 0, workdir)) < 0)
		goto done;
	*changed = a.len != b.len;
	for (size_t i = 0; i < a.len && !*changed; i++)
		*changed = strcmp(a.items[i], b.items[i]) != 0;
done:
	mc_resident_free(r);
	mc_vec_dispose_deep(&a, mc_free);
	mc_vec_dispose_deep(&b, mc_free);
	mc_vec_dispose_deep(&roots, mc_free);
	mc_vec_dispose_deep(&abs, mc_free);
	mc_runner_env_free(env);
	mc_free((void *)extra);
	mc_free(appdir);
	mc_free(dir);
	return error;
}

static mc_dialect pick_engine(const mc_models_opts *o)
{
	if (o->engine != MC_DIALECT_UNKNOWN)
		return o->engine;
	if (o->config->dialect != MC_DIALECT_UNKNOWN)
		return o->config->dialect;
	if (o->config->models_command || o->scratch_url)
		return MC_DIALECT_POSTGRES;
	return MC_DIALECT_SQLITE;
}

static int
build_models(mc_scratch *scratch, mc_db **db, const mc_models_opts *o)
{
	const mc_config *c = o->config;
	mc_buf path = MC_BUF_INIT, text = MC_BUF_INIT;
	mc_runner_result res = MC_RUNNER_RESULT_INIT;
	int error;

	if (c->models_schema) {
		if ((error = mc_buf_joinpath(&path, o->workdir,
		                             c->models_schema)) < 0)
			goto done;
		if (mc_buf_read_file(&text, path.ptr, MODELS_SCHEMA_MAX) < 0) {
			error = mc_error_set(
			        MC_ERROR_INPUT,
			        "cannot read models.schema '%s': %s",
			        c->models_schema,
			        mc_error_last() ? mc_error_last()->message
			                        : "unreadable");
			goto done;
		}
		if ((error = mc_db_exec(*db, mc_buf_cstr(&text))) < 0) {
			if (error == MC_DB_ESTATEMENT)
				error = mc_error_set(
				        MC_ERROR_INPUT,
				        "models.schema '%s' fails on the scratch database: %s",
				        c->models_schema,
				        mc_error_last()
				                ? mc_error_last()->message
				                : "error");
			goto done;
		}
	} else {
		mc_runner_vars vars;
		memset(&vars, 0, sizeof(vars));
		vars.url = mc_scratch_runner_url(scratch);
		if ((error = mc_runner_check_url("models.command",
		                                 c->models_command, vars.url,
		                                 o->workdir)) < 0)
			goto done;
		/* the command connects itself: let go of ours meanwhile */
		mc_db_close(*db);
		*db = NULL;
		if ((error = mc_runner_run(&res, c->models_command, &vars,
		                           o->workdir)) < 0)
			goto done;
		if (res.status != 0 && mc_db_interrupted()) {
			error = mc_error_set(MC_ERROR_OS,
			                     "interrupted by signal %d",
			                     mc_db_interrupted());
			error = MC_EINTR;
			goto done;
		}
		if (res.status != 0) {
			mc_buf tail = MC_BUF_INIT;
			const char *e = mc_buf_cstr(&res.err);
			size_t l = strlen(e);
			/* the last line of its stderr says most */
			while (l && (e[l - 1] == '\n' || e[l - 1] == '\r'))
				l--;
			{
				size_t s = l;
				while (s && e[s - 1] != '\n')
					s--;
				if (mc_buf_put(&tail, e + s, l - s) < 0) {
					error = mc_error_set_oom();
					goto done;
				}
			}
			error = mc_error_set(
			        MC_ERROR_RUNNER,
			        "models.command '%s' exited with %d%s%s",
			        c->models_command, res.status,
			        tail.size ? ": " : "", mc_buf_cstr(&tail));
			mc_buf_dispose(&tail);
			goto done;
		}
		if ((error = mc_scratch_connect(db, scratch)) < 0)
			goto done;
	}
done:
	mc_runner_result_dispose(&res);
	mc_buf_dispose(&path);
	mc_buf_dispose(&text);
	return error;
}

/* ---- what the two writers of a schema say differently for the same ---- */

/* A default that is NULL ("NULL", "null", "(NULL)", "NULL::text"): no
 * default, which is what a column without one gets. */
int mc_models__null_default(const char *v)
{
	size_t len;

	if (!v)
		return 0;
	while (*v == ' ' || *v == '(')
		v++;
	if (strncasecmp(v, "NULL", 4) != 0)
		return 0;
	v += 4;
	len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == ')'))
		len--;
	return len == 0 || (len >= 2 && v[0] == ':' && v[1] == ':');
}

/* the columns of a table's primary key, "PRIMARY KEY (a, b)": each
 * pushed as "<table>\t<column>" */
static int pk_columns(mc_vec *out, const char *table, const char *def)
{
	const char *open, *close, *p;

	if (!def || strncasecmp(def, "PRIMARY KEY", 11) != 0 ||
	    !(open = strchr(def, '(')) || !(close = strrchr(def, ')')) ||
	    close < open)
		return 0;
	for (p = open + 1; p < close;) {
		const char *e = memchr(p, ',', (size_t)(close - p));
		const char *b = p;
		char *key;
		if (!e)
			e = close;
		while (b < e && *b == ' ')
			b++;
		{
			const char *z = e;
			while (z > b && z[-1] == ' ')
				z--;
			if (z - b >= 2 && (*b == '"' || *b == '`' || *b == '[')) {
				b++;
				z--;
			}
			key = mc_asprintf("%s\t%.*s", table, (int)(z - b), b);
		}
		if (!key || mc_vec_push(out, key) < 0) {
			mc_free(key);
			return mc_error_set_oom();
		}
		p = e + 1;
	}
	return 0;
}

/* SQLite's type affinity of a declared type (its rules, in order). */
static const char *sqlite_affinity(const char *t)
{
	char up[128];
	size_t i;

	for (i = 0; t[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)((t[i] >= 'a' && t[i] <= 'z') ? t[i] - 32 : t[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return "INTEGER";
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return "TEXT";
	if (strstr(up, "BLOB") || !*up)
		return "BLOB";
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return "REAL";
	return "NUMERIC";
}

int mc_models__same_type(mc_dialect engine, const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	if (!strcmp(a, b))
		return 1;
	return engine == MC_DIALECT_SQLITE &&
	       !strcmp(sqlite_affinity(a), sqlite_affinity(b));
}

int mc_models__canonical(mc_snapshot **out, const mc_snapshot *in)
{
	mc_snapshot *s = NULL;
	mc_vec pks = MC_VEC_INIT; /* char*: "<table>\t<column>" */
	mc_dialect engine = mc_snapshot_engine(in);
	size_t n = mc_snapshot_count(in);
	int error;

	*out = NULL;
	if ((error = mc_snapshot_new(&s, engine)) < 0)
		return error;
	/* SQLite: a primary key's columns are not nullable, as on every other
	 * engine and for the ORM, though table_info says nullable unless the
	 * DDL wrote NOT NULL (migrations do, Sequelize's sync() does not);
	 * an INTEGER one is the rowid and can never be NULL */
	for (size_t i = 0; engine == MC_DIALECT_SQLITE && i < n; i++) {
		const mc_object *o = mc_snapshot_get(in, i);
		const char *type = mc_object_attr(o, "type");

		if (mc_object_kind_of(o) != MC_OBJ_CONSTRAINT || !type ||
		    strcmp(type, "primary key") != 0 || !mc_object_parent(o))
			continue;
		if ((error = pk_columns(&pks, mc_object_parent(o),
		                        mc_object_attr(o, "definition"))) < 0)
			goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const mc_object *o = mc_snapshot_get(in, i);
		mc_object *c;
		int is_col = mc_object_kind_of(o) == MC_OBJ_COLUMN;

		if ((error = mc_snapshot_add(&c, s, mc_object_kind_of(o),
		                             mc_object_parent(o),
		                             mc_object_name(o))) < 0)
			goto done;
		mc_object_set_flags(c, mc_object_flags(o));
		for (size_t j = 0; j < mc_object_attr_count(o); j++) {
			const char *k, *v;
			mc_object_attr_at(o, j, &k, &v);
			if (is_col && !strcmp(k, "default") &&
			    mc_models__null_default(v))
				continue;
			if ((error = mc_object_set_attr(c, k, v)) < 0)
				goto done;
		}
		if (is_col && pks.len && mc_object_parent(o)) {
			size_t pl = strlen(mc_object_parent(o));
			for (size_t j = 0; j < pks.len; j++) {
				const char *k = pks.items[j];
				if (!strncmp(k, mc_object_parent(o), pl) &&
				    k[pl] == '\t' &&
				    !strcmp(k + pl + 1, mc_object_name(o))) {
					error = mc_object_set_attr(c, "nullable",
					                           "false");
					break;
				}
			}
			if (error < 0)
				goto done;
		}
	}
	*out = s;
	s = NULL;
done:
	mc_vec_dispose_deep(&pks, mc_free);
	mc_snapshot_free(s);
	return error;
}

static const char *code_for(mc_diff_kind k)
{
	switch (k) {
	case MC_DIFF_UNEXPECTED:
		return "model-not-migrated";
	case MC_DIFF_MISSING:
		return "migration-not-modeled";
	default:
		return "model-mismatch";
	}
}

static const char *verb_for(mc_diff_kind k)
{
	switch (k) {
	case MC_DIFF_UNEXPECTED:
		return "is in the models but no migration creates it";
	case MC_DIFF_MISSING:
		return "is created by the migrations but no model has it";
	default:
		return "differs between the models and the migrations";
	}
}

static int report_diff(mc_report *report, const mc_schema_diff *d,
                       mc_dialect engine)
{
	mc_buf subject = MC_BUF_INIT, detail = MC_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < mc_schema_diff_count(d); i++) {
		const mc_diff_entry *e = mc_schema_diff_get(d, i);
		size_t shown = 0;
		mc_buf_clear(&subject);
		mc_buf_clear(&detail);
		if ((error = mc_diff_entry_subject(&subject, e)) < 0)
			goto done;
		if (e->kind == MC_DIFF_CHANGED) {
			/* read "before -> after" as "migrations -> models" */
			for (size_t j = 0; j < e->nchanges; j++) {
				const mc_attr_change *c = &e->changes[j];
				/* SQLite: VARCHAR(255) and TEXT are one type */
				if (!strcmp(c->key, "type") &&
				    mc_models__same_type(engine, c->expected,
				                         c->actual))
					continue;
				/* long values cut around their first
				 * difference, as the text diff does */
				if ((error = mc_buf_printf(&detail, "%s%s: migrations ",
				                           shown++ ? "\n" : "", c->key)) < 0 ||
				    (error = mc_diff_value_render(&detail, c->expected,
				                                  c->actual)) < 0 ||
				    (error = mc_buf_puts(&detail, ", models ")) < 0 ||
				    (error = mc_diff_value_render(&detail, c->actual,
				                                  c->expected)) < 0)
					goto done;
			}
			if (!shown)
				continue;
		}
		if ((error = mc_report_add(
		             report, NULL, code_for(e->kind), NULL, 0, NULL,
		             detail.size ? detail.ptr : NULL, "%s %s",
		             mc_buf_cstr(&subject), verb_for(e->kind))) < 0)
			goto done;
	}
done:
	mc_buf_dispose(&subject);
	mc_buf_dispose(&detail);
	return error;
}

int mc_models_run(mc_report *report,
                  const mc_drift_migrations *migrations,
                  const mc_models_opts *opts)
{
	mc_scratch_opts sopts;
	mc_scratch *sm = NULL, *sd = NULL;
	mc_db *dbm = NULL, *dbd = NULL;
	mc_snapshot *rawm = NULL, *rawd = NULL, *nm = NULL, *nd = NULL;
	mc_snapshot *cm = NULL, *cd = NULL;
	mc_schema_diff *diff = NULL;
	mc_drift_norm_opts nopts;
	mc_dialect engine;
	seq_runner seq;
	int failed = 0, source, error;

	MC_ASSERT_ARG(report && migrations && opts && opts->config &&
	              opts->workdir);
	memset(&seq, 0, sizeof(seq));
	if ((source = mc_models_source(opts->config)) == MC_MODELS_NONE)
		return mc_error_set(MC_ERROR_CONFIG, "%s", MC_MODELS_NONE_MESSAGE);
	engine = pick_engine(opts);
	memset(&sopts, 0, sizeof(sopts));
	sopts.server_url = opts->scratch_url;

	if ((error = mc_scratch_create(&sd, engine, &sopts)) < 0 ||
	    (error = mc_scratch_connect(&dbd, sd)) < 0)
		goto done;
	if (source == MC_MODELS_SEQUELIZE) {
		/* one runner and one scratch database: the migrations' ups,
		 * a snapshot, then empty again for the models' sync() */
		runner_settings(&seq.ds, opts->config, migrations);
		if ((error = seq_runner_start(&seq, sd, opts)) < 0 ||
		    (error = seq_replay(&seq, report, &failed, dbd, sd,
		                        migrations, opts)) < 0)
			goto done;
	} else if ((error = mc_drift__replay(
	                    report, &failed, dbd, sd,
	                    (const mc_migration *const *)
	                            migrations->all.items.items,
	                    migrations->all.items.len, opts->config,
	                    opts->workdir)) < 0) {
		goto done;
	}
	if (failed) {
		error = mc_report_note(
		        report,
		        "models not compared: the migrations could not be applied");
		goto done;
	}
	if ((error = mc_db_snapshot(&rawd, dbd, NULL)) < 0)
		goto done;
	if (source == MC_MODELS_SEQUELIZE) {
		mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
		error = mc_resident_call(seq.r, "close", NULL, NULL, &rep);
		mc_resident_reply_dispose(&rep);
		mc_db_close(dbd);
		dbd = NULL;
		if (error < 0 || (error = mc_scratch_reset(sd)) < 0 ||
		    (error = seq_sync(&seq, opts)) < 0 ||
		    (error = mc_scratch_connect(&dbm, sd)) < 0)
			goto done;
	} else if ((error = mc_scratch_create(&sm, engine, &sopts)) < 0 ||
	           (error = mc_scratch_connect(&dbm, sm)) < 0 ||
	           (error = build_models(sm, &dbm, opts)) < 0) {
		goto done;
	}
	if ((error = mc_db_snapshot(&rawm, dbm, NULL)) < 0)
		goto done;

	memset(&nopts, 0, sizeof(nopts));
	nopts.flags = MC_NORM_TABLES_ONLY;
	nopts.ignore = &opts->config->drift_ignore;
	if ((error = mc_models__canonical(&cd, rawd)) < 0 ||
	    (error = mc_models__canonical(&cm, rawm)) < 0 ||
	    (error = mc_drift__normalize(&nd, cd, NULL, &nopts)) < 0 ||
	    (error = mc_drift__normalize(&nm, cm, nd, &nopts)) < 0 ||
	    (error = mc_snapshot_diff(&diff, nd, nm, NULL)) < 0 ||
	    (error = report_diff(report, diff, engine)) < 0)
		goto done;
done:
	mc_schema_diff_free(diff);
	mc_snapshot_free(cm);
	mc_snapshot_free(cd);
	mc_snapshot_free(nm);
	mc_snapshot_free(nd);
	mc_snapshot_free(rawm);
	mc_snapshot_free(rawd);
	mc_db_close(dbm);
	mc_db_close(dbd);
	/* the runner's connection goes before the database does */
	seq_runner_dispose(&seq);
	mc_scratch_free(sm);
	mc_scratch_free(sd);
	return error;
}
