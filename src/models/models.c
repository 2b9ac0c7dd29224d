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
#include "migcheck/runner.h"
#include "migcheck/schema.h"
#include "drift/drift_internal.h"
#include "util/banned.h"

/* Largest models.schema file read. */
#define MODELS_SCHEMA_MAX ((size_t)64 * 1024 * 1024)

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

/* the single column of a table's primary key: "PRIMARY KEY (id)" */
static char *pk_column(const char *def)
{
	const char *open, *close;

	if (!def || strncasecmp(def, "PRIMARY KEY", 11) != 0 ||
	    !(open = strchr(def, '(')) || !(close = strrchr(def, ')')) ||
	    close < open || memchr(open, ',', (size_t)(close - open)))
		return NULL;
	open++;
	while (*open == ' ')
		open++;
	while (close > open && close[-1] == ' ')
		close--;
	if (close - open >= 2 && (*open == '"' || *open == '`' || *open == '[')) {
		open++;
		close--;
	}
	return mc_strndup(open, (size_t)(close - open));
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
	/* SQLite: the one column of a primary key declared INTEGER is the
	 * rowid, never NULL, though table_info says nullable unless the DDL
	 * wrote NOT NULL (migrations do, Sequelize's sync() does not) */
	for (size_t i = 0; engine == MC_DIALECT_SQLITE && i < n; i++) {
		const mc_object *o = mc_snapshot_get(in, i);
		const char *type = mc_object_attr(o, "type");
		char *col, *key;

		if (mc_object_kind_of(o) != MC_OBJ_CONSTRAINT || !type ||
		    strcmp(type, "primary key") != 0 || !mc_object_parent(o))
			continue;
		if (!(col = pk_column(mc_object_attr(o, "definition"))))
			continue;
		key = mc_asprintf("%s\t%s", mc_object_parent(o), col);
		mc_free(col);
		if (!key || mc_vec_push(&pks, key) < 0) {
			mc_free(key);
			error = mc_error_set_oom();
			goto done;
		}
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
		if (is_col && pks.len && mc_object_parent(o) &&
		    mc_object_attr(o, "type") &&
		    !strcasecmp(mc_object_attr(o, "type"), "INTEGER")) {
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

static int report_diff(mc_report *report, const mc_schema_diff *d)
{
	mc_buf subject = MC_BUF_INIT, detail = MC_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < mc_schema_diff_count(d); i++) {
		const mc_diff_entry *e = mc_schema_diff_get(d, i);
		mc_buf_clear(&subject);
		mc_buf_clear(&detail);
		if ((error = mc_diff_entry_subject(&subject, e)) < 0)
			goto done;
		if (e->kind == MC_DIFF_CHANGED) {
			/* read "before -> after" as "migrations -> models" */
			for (size_t j = 0; j < e->nchanges; j++) {
				const mc_attr_change *c = &e->changes[j];
				/* long values cut around their first
				 * difference, as the text diff does */
				if ((error = mc_buf_printf(&detail, "%s%s: migrations ",
				                           j ? "\n" : "", c->key)) < 0 ||
				    (error = mc_diff_value_render(&detail, c->expected,
				                                  c->actual)) < 0 ||
				    (error = mc_buf_puts(&detail, ", models ")) < 0 ||
				    (error = mc_diff_value_render(&detail, c->actual,
				                                  c->expected)) < 0)
					goto done;
			}
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
	int failed = 0, error;

	MC_ASSERT_ARG(report && migrations && opts && opts->config &&
	              opts->workdir);
	if (!opts->config->models_schema && !opts->config->models_command)
		return mc_error_set(
		        MC_ERROR_CONFIG,
		        "no models schema configured: set models.schema (a SQL file) or models.command in .migcheck");
	engine = pick_engine(opts);
	memset(&sopts, 0, sizeof(sopts));
	sopts.server_url = opts->scratch_url;

	if ((error = mc_scratch_create(&sd, engine, &sopts)) < 0 ||
	    (error = mc_scratch_connect(&dbd, sd)) < 0 ||
	    (error = mc_drift__replay(
	             report, &failed, dbd, sd,
	             (const mc_migration *const *)migrations->all.items.items,
	             migrations->all.items.len, opts->config, opts->workdir)) <
	            0)
		goto done;
	if (failed) {
		error = mc_report_note(
		        report,
		        "models not compared: the migrations could not be applied");
		goto done;
	}
	if ((error = mc_scratch_create(&sm, engine, &sopts)) < 0 ||
	    (error = mc_scratch_connect(&dbm, sm)) < 0 ||
	    (error = build_models(sm, &dbm, opts)) < 0 ||
	    (error = mc_db_snapshot(&rawd, dbd, NULL)) < 0 ||
	    (error = mc_db_snapshot(&rawm, dbm, NULL)) < 0)
		goto done;

	memset(&nopts, 0, sizeof(nopts));
	nopts.flags = MC_NORM_TABLES_ONLY;
	nopts.ignore = &opts->config->drift_ignore;
	if ((error = mc_models__canonical(&cd, rawd)) < 0 ||
	    (error = mc_models__canonical(&cm, rawm)) < 0 ||
	    (error = mc_drift__normalize(&nd, cd, NULL, &nopts)) < 0 ||
	    (error = mc_drift__normalize(&nm, cm, nd, &nopts)) < 0 ||
	    (error = mc_snapshot_diff(&diff, nd, nm, NULL)) < 0 ||
	    (error = report_diff(report, diff)) < 0)
		goto done;
done:
	mc_schema_diff_free(diff);
	mc_snapshot_free(nm);
	mc_snapshot_free(nd);
	mc_snapshot_free(cm);
	mc_snapshot_free(cd);
	mc_snapshot_free(rawm);
	mc_snapshot_free(rawd);
	mc_db_close(dbm);
	mc_db_close(dbd);
	mc_scratch_free(sm);
	mc_scratch_free(sd);
	return error;
}
