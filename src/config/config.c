/*
 * config.c: the configuration: .migcheck, git config migcheck.* and
 * option overrides: the config's lifetime, its per-folder settings and
 * the layering. src/git reads the files (mc_git_config_read_*: each entry
 * with its file and line); validate.c checks and stores each value against
 * the key table (keys.c); this file puts the file and line in front of a
 * refusal.
 *
 * Layers, later ones win: defaults, .migcheck (work tree, or HEAD's tree in
 * a bare repository), the repository's git config ([migcheck "<section>"]
 * <key>), $MIGCHECK_SCRATCH_URL, then options through mc_config_set. Within
 * one layer a multi-valued key accumulates; a later layer that sets it
 * replaces the whole list.
 */
#include "migcheck/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/git_config.h"
#include "migcheck/repo.h"
#include "util/banned.h"

#define CONFIG_FILE     ".migcheck"

int mc_config_new(mc_config **out)
{
	mc_config *c;

	*out = NULL;
	if ((c = mc_calloc(1, sizeof(*c))) == NULL)
		return mc_error_set_oom();
	c->format = MC_FORMAT_AUTO;
	c->dialect = MC_DIALECT_UNKNOWN;
	c->require_down = 1;
	*out = c;
	return 0;
}

void mc_config__override_free(void *p)
{
	mc_severity_override *o = p;
	if (o)
		mc_free(o->code);
	mc_free(o);
}

void mc_config__declaration_free(void *p)
{
	mc_declaration *d = p;
	if (d) {
		mc_free(d->target);
		mc_free(d->reason);
	}
	mc_free(d);
}

void mc_config__dir_config_free(void *p)
{
	mc_dir_config *d = p;
	if (!d)
		return;
	mc_free(d->dir);
	mc_free(d->table);
	mc_free(d->runner_up);
	mc_free(d->runner_down);
	mc_free(d->runner_tool);
	mc_vec_dispose_deep(&d->runner_env, mc_free);
	mc_vec_dispose_deep(&d->skip, mc_config__declaration_free);
	mc_vec_dispose_deep(&d->irreversible, mc_config__declaration_free);
	mc_free(d);
}

const mc_dir_config *mc_config_dir_find(const mc_config *c, const char *dir)
{
	for (size_t i = 0; c && dir && i < c->folders.len; i++) {
		const mc_dir_config *d = c->folders.items[i];
		if (!strcmp(d->dir, dir))
			return d;
	}
	return NULL;
}

void mc_config_dir_settings(mc_dir_settings *out, const mc_config *c,
                            const char *dir)
{
	static const mc_vec none = MC_VEC_INIT;
	const mc_dir_config *d = mc_config_dir_find(c, dir);

	out->dir = dir;
	out->format = d && d->format_set ? d->format : c->format;
	out->dialect = d && d->dialect_set ? d->dialect : c->dialect;
	out->require_down = d && d->require_down >= 0 ? d->require_down
	                                              : c->require_down;
	out->table = d && d->table ? d->table : c->table;
	out->runner_up = d && d->runner_up ? d->runner_up : c->runner_up;
	out->runner_down = d && d->runner_down ? d->runner_down
	                                       : c->runner_down;
	out->runner_tool = d && d->runner_tool ? d->runner_tool : c->runner_tool;
	/* a folder's runnerEnv replaces runner.env, as runnerUp runner.up */
	out->runner_env = d && d->runner_env.len ? &d->runner_env : &c->runner_env;
	out->skip = d ? &d->skip : &none;
	out->irreversible = d ? &d->irreversible : &none;
}

void mc_config_discover_opts(mc_discover_opts *out, const mc_config *c,
                             const char *dir)
{
	mc_dir_settings s;

	mc_config_dir_settings(&s, c, dir);
	out->format = s.format;
	out->dialect = s.dialect;
	out->require_down = s.require_down;
	out->have_runner = mc_dir_settings_has_runner(&s);
	out->skip = s.skip;
	out->irreversible = s.irreversible;
}

void mc_config_free(mc_config *c)
{
	if (!c)
		return;
	mc_vec_dispose_deep(&c->folders, mc_config__dir_config_free);
	mc_vec_dispose_deep(&c->dirs, mc_free);
	mc_vec_dispose_deep(&c->deploy_refs, mc_free);
	mc_vec_dispose_deep(&c->model_paths, mc_free);
	mc_vec_dispose_deep(&c->drift_ignore, mc_free);
	mc_vec_dispose_deep(&c->runner_env, mc_free);
	mc_vec_dispose_deep(&c->severities, mc_config__override_free);
	mc_free(c->table);
	mc_free(c->models_pattern);
	mc_free(c->models_schema);
	mc_free(c->models_command);
	mc_free(c->runner_up);
	mc_free(c->runner_down);
	mc_free(c->runner_tool);
	mc_free(c->scratch_postgres);
	mc_free(c->source);
	mc_free(c);
}

int mc_config_resident_sequelize(const mc_config *c)
{
	return c && c->runner_tool && !strcmp(c->runner_tool, "sequelize");
}

int mc_config_has_runner(const mc_config *c)
{
	return c && (c->runner_up || mc_config_resident_sequelize(c));
}

int mc_dir_settings_resident_sequelize(const mc_dir_settings *s)
{
	return s && s->runner_tool && !strcmp(s->runner_tool, "sequelize");
}

int mc_dir_settings_has_runner(const mc_dir_settings *s)
{
	return s && (s->runner_up || mc_dir_settings_resident_sequelize(s));
}

int mc_config_apply_severities(const mc_config *c, mc_report *r)
{
	int error = 0;
	for (size_t i = 0; i < c->severities.len && !error; i++) {
		const mc_severity_override *o = c->severities.items[i];
		error = mc_report_set_severity(r, o->code, o->severity);
	}
	return error;
}

mc_severity mc_config_severity(const mc_config *c, const char *code)
{
	const mc_code_info *info;

	for (size_t i = 0; c && i < c->severities.len; i++) {
		const mc_severity_override *o = c->severities.items[i];
		if (!strcmp(o->code, code))
			return o->severity;
	}
	info = mc_code_lookup(code);
	return info ? info->severity : MC_SEV_ERROR;
}

int mc_config_key_known(const char *key)
{
	return mc_config_key_find(key) != NULL;
}

static int
set_or_add(mc_config *c, const char *key, const char *value, int mode)
{
	mc_buf msg = MC_BUF_INIT;
	int error;

	MC_ASSERT_ARG(c && key);
	if ((error = mc_config__apply(c, key, value, mode, "", &msg)) == MC_EPARSE)
		error = mc_error_set(MC_ERROR_CONFIG, "%s", mc_buf_cstr(&msg));
	mc_buf_dispose(&msg);
	return error;
}

int mc_config_set(mc_config *c, const char *key, const char *value)
{
	return set_or_add(c, key, value, MC_CONFIG__REPLACE);
}

int mc_config_add(mc_config *c, const char *key, const char *value)
{
	return set_or_add(c, key, value, MC_CONFIG__APPEND);
}

/*
 * A multi-valued key's first value in a layer replaces older layers'.
 * touched holds the names already set in this layer.
 */
static int layer_mode(int *mode, mc_vec *touched, const char *name)
{
	const mc_config_key *k = mc_config_key_find(name);
	char *low;

	*mode = MC_CONFIG__REPLACE;
	if (!k || !k->multi)
		return 0;
	for (size_t i = 0; i < touched->len; i++)
		if (!strcasecmp(touched->items[i], name)) {
			*mode = MC_CONFIG__APPEND;
			return 0;
		}
	if ((low = mc_strdup(name)) == NULL || mc_vec_push(touched, low) < 0) {
		mc_free(low);
		return mc_error_set_oom();
	}
	return 0;
}

/* An entry's error: "<file>:<line>: <msg>", as much of it as is known. */
static int entry_error(const mc_git_config_entry *e, const mc_buf *msg)
{
	if (e->file && e->line)
		return mc_error_set(MC_ERROR_CONFIG, "%s:%u: %s", e->file,
		                    e->line, mc_buf_cstr(msg));
	if (e->file)
		return mc_error_set(MC_ERROR_CONFIG, "%s: %s", e->file,
		                    mc_buf_cstr(msg));
	return mc_error_set(MC_ERROR_CONFIG, "git config: %s", mc_buf_cstr(msg));
}

/* Apply the entries of a .migcheck file (mc_git_config_entry*) to c. */
static int apply_file(mc_config *c, const mc_vec *entries, const char *display)
{
	mc_buf msg = MC_BUF_INIT;
	mc_vec touched = MC_VEC_INIT;
	int error = 0, mode;

	for (size_t i = 0; i < entries->len && !error; i++) {
		const mc_git_config_entry *e = entries->items[i];
		mc_buf_clear(&msg);
		if ((error = layer_mode(&mode, &touched, e->name)) < 0)
			break;
		error = mc_config__apply(c, e->name, e->value, mode, "", &msg);
		if (error == MC_EPARSE)
			error = entry_error(e, &msg);
	}
	if (!error)
		error = mc_config__set_string(&c->source, display);
	mc_vec_dispose_deep(&touched, mc_free);
	mc_buf_dispose(&msg);
	return error;
}

/* Read a .migcheck file at path into c; display names it in messages. */
static int load_ondisk(mc_config *c, const char *path, const char *display)
{
	mc_vec entries = MC_VEC_INIT;
	int error = mc_git_config_read_file(&entries, path, display);

	if (!error)
		error = apply_file(c, &entries, display);
	mc_git_config_entries_dispose(&entries);
	return error;
}

int mc_config_load_file(mc_config **out, const char *path, const char *display)
{
	mc_config *c = NULL;
	struct stat st;
	int error;

	MC_ASSERT_ARG(out && path);
	*out = NULL;
	if (!display)
		display = path;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return MC_ENOTFOUND;
	if (S_ISDIR(st.st_mode))
		return mc_error_set(MC_ERROR_CONFIG,
		                    "cannot read '%s': it is a directory",
		                    display);
	if ((error = mc_config_new(&c)) < 0 ||
	    (error = load_ondisk(c, path, display)) < 0) {
		mc_config_free(c);
		return error;
	}
	*out = c;
	return 0;
}

/* A bare repository has no work tree: .migcheck from HEAD's tree. */
static int load_from_head(mc_config *c, mc_repo *repo)
{
	mc_vec entries = MC_VEC_INIT;
	int error = mc_git_config_read_head(&entries, repo, CONFIG_FILE);

	if (error == MC_ENOTFOUND)
		error = 0;
	else if (!error)
		error = apply_file(c, &entries, "HEAD:" CONFIG_FILE);
	mc_git_config_entries_dispose(&entries);
	return error;
}

/* The repository's git config: migcheck.<section>.<key>. */
static int load_git_overlay(mc_config *c, mc_repo *repo)
{
	mc_vec entries = MC_VEC_INIT, touched = MC_VEC_INIT;
	mc_buf msg = MC_BUF_INIT;
	char *inner = NULL;
	int error, mode;

	error = mc_git_config_read_repo(&entries, repo, "migcheck.");
	for (size_t i = 0; i < entries.len && !error; i++) {
		const mc_git_config_entry *e = entries.items[i];

		mc_free(inner);
		if ((inner = mc_strdup(e->name + 9)) == NULL) {
			error = mc_error_set_oom();
			break;
		}
		/* the section and the key; a folder's name keeps its case */
		for (char *p = inner; *p && *p != '.'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (char *p = strrchr(inner, '.'); p && *p; p++)
			*p = (char)tolower((unsigned char)*p);
		mc_buf_clear(&msg);
		if (!strchr(inner, '.')) /* migcheck.<key> without a section */
			error = mc_buf_printf(&msg, "unknown key '%s'",
			                      e->name) < 0
			                ? MC_ENOMEM
			                : MC_EPARSE;
		else if ((error = layer_mode(&mode, &touched, inner)) == 0)
			error = mc_config__apply(c, inner, e->value, mode, "migcheck.",
			              &msg);
		if (error == MC_EPARSE)
			error = entry_error(e, &msg);
	}
	mc_free(inner);
	mc_git_config_entries_dispose(&entries);
	mc_vec_dispose_deep(&touched, mc_free);
	mc_buf_dispose(&msg);
	return error;
}

static int load_env(mc_config *c)
{
	const char *url = getenv("MIGCHECK_SCRATCH_URL");

	if (!url || !*url)
		return 0;
	if (!mc_config__valid_pg_url(url))
		return mc_error_set(
		        MC_ERROR_CONFIG,
		        "bad value for MIGCHECK_SCRATCH_URL: expected a postgres:// URL or a libpq conninfo such as 'host=/tmp dbname=postgres'");
	return mc_config__set_string(&c->scratch_postgres, url);
}

int mc_config_load(mc_config **out, mc_repo *repo)
{
	mc_config *c = NULL;
	const char *wd;
	char *path = NULL;
	struct stat st;
	int error;

	MC_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((error = mc_config_new(&c)) < 0)
		goto done;
	if ((wd = mc_repo_workdir(repo)) == NULL) {
		error = load_from_head(c, repo);
	} else {
		if ((path = mc_asprintf("%s%s", wd, CONFIG_FILE)) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			error = mc_error_set(MC_ERROR_CONFIG,
			                     "cannot read '" CONFIG_FILE
			                     "': it is a directory");
		else if (stat(path, &st) == 0 || errno != ENOENT)
			error = load_ondisk(c, path, CONFIG_FILE);
	}
	if (error < 0 || (error = load_git_overlay(c, repo)) < 0 ||
	    (error = load_env(c)) < 0)
		goto done;
	*out = c;
	c = NULL;
done:
	mc_free(path);
	mc_config_free(c);
	return error;
}
