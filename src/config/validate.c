/*
 * validate.c: the values of the keys (see keys.c): each is checked as its
 * kind requires and stored in the config, or refused with a message
 * ("bad value 'mysql' for 'migrations.dialect': expected postgres or
 * sqlite") that config.c puts after the file and line. A command or a
 * runner template is split into words by the runner's own splitter
 * (mc_runner_split) so a broken quote is found when the file is read.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/git_config.h"
#include "migcheck/runner.h"
#include "util/banned.h"

/*
 * Validation. Each check appends the reason to msg (no location) and
 * returns MC_EPARSE; allocation failures return MC_ENOMEM with the error set.
 */

/* Quote a user's value in a message: one line, no control characters. */
static int put_value(mc_buf *b, const char *v)
{
	int error = 0;
	size_t n = 0;

	for (const char *p = v; *p && !error; p++, n++) {
		if (n == 80) {
			error = mc_buf_puts(b, "...");
			break;
		}
		error = mc_buf_putc(
		        b, ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p);
	}
	return error;
}

static int bad_value(mc_buf *msg,
                     const char *prefix,
                     const mc_config_key *k,
                     const char *name,
                     const char *value,
                     const char *expected)
{
	int error;

	/* scratch.postgres may hold a password: never echo it */
	if (k->id == K_SCRATCH_POSTGRES)
		error = mc_buf_printf(msg, "bad value for '%s%s': %s", prefix,
		                      name, expected);
	else if ((error = mc_buf_puts(msg, "bad value '")) == 0 &&
	         (error = put_value(msg, value)) == 0)
		error = mc_buf_printf(msg, "' for '%s%s': %s", prefix, name,
		                      expected);
	return error < 0 ? error : MC_EPARSE;
}

static int parse_bool(int *out, const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0", "" };

	if (v == NULL) { /* "requireDown" alone, as git reads it */
		*out = 1;
		return 0;
	}
	for (size_t i = 0; i < MC_ARRAY_SIZE(yes); i++)
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
	for (size_t i = 0; i < MC_ARRAY_SIZE(no); i++)
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	return MC_ENOTFOUND;
}

/*
 * A repo-relative path: no leading '/', no '..' component. Returns a
 * normalised copy (no "./" prefix, no trailing '/') or NULL with *bad set.
 */
static char *normalise_relpath(const char *v, int *bad)
{
	const char *p = v;
	size_t len;

	*bad = 0;
	if (v[0] == '/') {
		*bad = 1;
		return NULL;
	}
	for (const char *s = v; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			*bad = 1;
			return NULL;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	while (p[0] == '.' && p[1] == '/')
		for (p += 2; *p == '/'; p++)
			;
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		len--;
	if (len == 0)
		p = ".", len = 1;
	return mc_strndup(p, len);
}

static int valid_table(const char *v)
{
	int parts = 0;
	const char *p = v;

	for (;;) {
		if (!(isalpha((unsigned char)*p) || *p == '_'))
			return 0;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
			p++;
		parts++;
		if (*p == '\0')
			return 1;
		if (*p != '.' || parts == 2)
			return 0;
		p++;
	}
}

/* a postgres:// URL or a libpq conninfo, as the db module tells them */
int mc_config__valid_pg_url(const char *v)
{
	return mc_db_url_engine(v) == MC_DIALECT_POSTGRES;
}

/* {file}, {name}, {version}, {url} and {path} are the placeholders */
static int check_placeholders(mc_buf *msg,
                              const char *prefix,
                              const mc_config_key *k,
                              const char *kname,
                              const char *value)
{
	static const char *const known[] = { "file", "name", "version", "url",
		                             "path" };
	char detail[128];

	for (const char *p = value;
	     (p = strchr(p, '{')) != NULL; p++) {
		size_t n = 0, i;
		while (islower((unsigned char)p[1 + n]) || p[1 + n] == '_')
			n++;
		if (n == 0 || p[1 + n] != '}')
			continue;
		for (i = 0; i < MC_ARRAY_SIZE(known); i++)
			if (strlen(known[i]) == n &&
			    !strncmp(p + 1, known[i], n))
				break;
		if (i == MC_ARRAY_SIZE(known)) {
			snprintf(
			        detail, sizeof(detail),
			        "unknown placeholder '{%.*s}': use {file}, {name}, {version}, {url} or {path}",
			        (int)(n > 40 ? 40 : n), p + 1);
			return bad_value(msg, prefix, k, kname, value, detail);
		}
	}
	return 0;
}

/*
 * A command is split into words by the runner at run time; split it now so
 * a broken quote is reported with its file:line, and check placeholders.
 */
static int check_command(mc_buf *msg,
                         const char *prefix,
                         const mc_config_key *k,
                         const char *kname,
                         const char *value,
                         int placeholders)
{
	mc_vec words = MC_VEC_INIT;
	const char *why = NULL;
	int rc;

	rc = mc_runner_split(&words, value);
	mc_vec_dispose_deep(&words, mc_free);
	if (rc == MC_ENOMEM)
		return rc;
	if (rc < 0) {
		const mc_error *e = mc_error_last();
		const char *m = e && e->message ? e->message : "";
		why = strstr(m, "trailing backslash")   ? "trailing backslash"
		      : strstr(m, "unterminated quote") ? "unterminated quote"
		                                        : "no command";
		mc_error_clear();
		return bad_value(msg, prefix, k, kname, value, why);
	}
	return placeholders ? check_placeholders(msg, prefix, k, kname, value)
	                    : 0;
}

int mc_config__set_string(char **field, const char *v)
{
	char *copy = mc_strdup(v);
	if (!copy)
		return mc_error_set_oom();
	mc_free(*field);
	*field = copy;
	return 0;
}

static int contains(const mc_vec *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return 1;
	return 0;
}

/* Take ownership of s: append it (mode APPEND) or make it the only value. */
static int set_list(mc_vec *v, char *s, int mode)
{
	if (mode == MC_CONFIG__REPLACE)
		mc_vec_dispose_deep(v, mc_free);
	if (contains(v, s)) {
		mc_free(s);
		return 0;
	}
	if (mc_vec_push(v, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

static int set_severity(mc_config *c, const char *code, mc_severity sev)
{
	mc_severity_override *o;

	for (size_t i = 0; i < c->severities.len; i++) {
		o = c->severities.items[i];
		if (!strcmp(o->code, code)) {
			o->severity = sev;
			return 0;
		}
	}
	if ((o = mc_calloc(1, sizeof(*o))) == NULL ||
	    (o->code = mc_strdup(code)) == NULL ||
	    mc_vec_push(&c->severities, o) < 0) {
		mc_config__override_free(o);
		return mc_error_set_oom();
	}
	o->severity = sev;
	return 0;
}

/* The section of folder dir (normalised), created when absent. */
static int dir_config_get(mc_dir_config **out, mc_config *c, char *dir)
{
	mc_dir_config *d;

	for (size_t i = 0; i < c->folders.len; i++) {
		d = c->folders.items[i];
		if (!strcmp(d->dir, dir)) {
			mc_free(dir);
			*out = d;
			return 0;
		}
	}
	if ((d = mc_calloc(1, sizeof(*d))) == NULL) {
		mc_free(dir);
		return mc_error_set_oom();
	}
	d->dir = dir;
	d->require_down = -1;
	if (mc_vec_push(&c->folders, d) < 0) {
		mc_config__dir_config_free(d);
		return mc_error_set_oom();
	}
	*out = d;
	return 0;
}

/* "<file or version> <reason>": both parts, the target without a '/'. */
static int set_declaration(mc_vec *v, const char *value, int mode)
{
	const char *end = value + strcspn(value, " \t"), *r = end;
	mc_declaration *d;
	size_t rlen;

	while (*r == ' ' || *r == '\t')
		r++;
	rlen = strlen(r);
	while (rlen && (r[rlen - 1] == ' ' || r[rlen - 1] == '\t'))
		rlen--;
	if (end == value || !rlen || memchr(value, '/', (size_t)(end - value)))
		return MC_EPARSE;
	if (mode == MC_CONFIG__REPLACE)
		mc_vec_dispose_deep(v, mc_config__declaration_free);
	if ((d = mc_calloc(1, sizeof(*d))) == NULL ||
	    (d->target = mc_strndup(value, (size_t)(end - value))) == NULL ||
	    (d->reason = mc_strndup(r, rlen)) == NULL ||
	    mc_vec_push(v, d) < 0) {
		mc_config__declaration_free(d);
		return mc_error_set_oom();
	}
	return 0;
}

/*
 * A key of a [migrations "<dir>"] section: name is "migrations.<dir>.<key>".
 * Same return values as apply.
 */
/* runner.tool, or a folder's runnerTool */
static int set_runner_tool(char **slot,
                           mc_buf *msg,
                           const char *prefix,
                           const mc_config_key *k,
                           const char *kname,
                           const char *value)
{
	if (strcmp(value, "sequelize") && strcmp(value, "command"))
		return bad_value(msg, prefix, k, kname, value,
		                 "expected sequelize (migcheck's own Sequelize runner) or command (runner.up and runner.down)");
	return mc_config__set_string(slot, value);
}

/* runner.env, or a folder's runnerEnv: NAME=VALUE */
static int add_runner_env(mc_vec *list,
                          mc_buf *msg,
                          const char *prefix,
                          const mc_config_key *k,
                          const char *kname,
                          const char *value,
                          int mode)
{
	const char *eq = strchr(value, '=');
	const char *p = value;
	char *norm;
	int error;

	if (isalpha((unsigned char)*p) || *p == '_')
		for (p++; isalnum((unsigned char)*p) || *p == '_'; p++)
			;
	if (!eq || p != eq || eq == value)
		return bad_value(msg, prefix, k, kname, value,
		                 "expected NAME=VALUE with a variable name of letters, digits and '_'");
	/* a value is one word, never split: only placeholders count */
	if ((error = check_placeholders(msg, prefix, k, kname, eq + 1)) != 0)
		return error;
	if ((norm = mc_strdup(value)) == NULL)
		return mc_error_set_oom();
	return set_list(list, norm, mode);
}

static int apply_dir(mc_config *c,
                     const mc_config_key *k,
                     const char *name,
                     const char *value,
                     int mode,
                     const char *prefix,
                     mc_buf *msg)
{
	const char *sub = name + 11, *last = strrchr(name, '.');
	mc_dir_config *d = NULL;
	char *raw, *dir, *kname;
	int error, bad, b;

	if ((raw = mc_strndup(sub, (size_t)(last - sub))) == NULL)
		return mc_error_set_oom();
	dir = normalise_relpath(raw, &bad);
	if (!dir && !bad) {
		mc_free(raw);
		return mc_error_set_oom();
	}
	if (!dir) {
		error = mc_buf_puts(msg, "bad folder '");
		if (!error)
			error = put_value(msg, raw);
		if (!error)
			error = mc_buf_puts(
			        msg,
			        "' in [migrations \"<dir>\"]: expected a path relative to the repository root");
		mc_free(raw);
		return error < 0 ? error : MC_EPARSE;
	}
	mc_free(raw);
	if ((kname = mc_asprintf("migrations.%s.%s", dir, mc_config__key_part(k))) == NULL) {
		mc_free(dir);
		return mc_error_set_oom();
	}
	if ((value == NULL && k->id != K_DIR_REQUIRE_DOWN) ||
	    (value && !*value && k->id != K_DIR_REQUIRE_DOWN)) {
		error = mc_buf_printf(msg, "%s value for '%s%s'",
		                      value ? "empty" : "missing", prefix, kname);
		error = error < 0 ? error : MC_EPARSE;
		mc_free(dir);
		goto done;
	}
	if ((error = dir_config_get(&d, c, dir)) < 0)
		goto done;
	switch (k->id) {
	case K_DIR_FORMAT:
		if (!strcmp(value, "auto"))
			d->format = MC_FORMAT_AUTO;
		else if (mc_format_parse(&d->format, value) < 0) {
			error = bad_value(
			        msg, prefix, k, kname, value,
			        "expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize");
			break;
		}
		d->format_set = 1;
		break;
	case K_DIR_DIALECT:
		if (!strcmp(value, "auto"))
			d->dialect = MC_DIALECT_UNKNOWN;
		else if (mc_dialect_parse(&d->dialect, value) < 0) {
			error = bad_value(msg, prefix, k, kname, value,
			                  "expected postgres or sqlite");
			break;
		}
		d->dialect_set = 1;
		break;
	case K_DIR_REQUIRE_DOWN:
		if (parse_bool(&b, value) < 0)
			error = bad_value(msg, prefix, k, kname, value,
			                  "expected true or false");
		else
			d->require_down = b;
		break;
	case K_DIR_TABLE:
		if (!valid_table(value))
			error = bad_value(
			        msg, prefix, k, kname, value,
			        "expected a table name such as 'schema_migrations' or 'public.schema_migrations'");
		else
			error = mc_config__set_string(&d->table, value);
		break;
	case K_DIR_RUNNER_UP:
	case K_DIR_RUNNER_DOWN:
		if ((error = check_command(msg, prefix, k, kname, value, 1)) == 0)
			error = mc_config__set_string(k->id == K_DIR_RUNNER_UP
			                           ? &d->runner_up
			                           : &d->runner_down,
			                   value);
		break;
	case K_DIR_RUNNER_TOOL:
		error = set_runner_tool(&d->runner_tool, msg, prefix, k, kname,
		                        value);
		break;
	case K_DIR_RUNNER_ENV:
		error = add_runner_env(&d->runner_env, msg, prefix, k, kname,
		                       value, mode);
		break;
	case K_DIR_SKIP:
	case K_DIR_IRREVERSIBLE:
		error = set_declaration(k->id == K_DIR_SKIP ? &d->skip
		                                            : &d->irreversible,
		                        value, mode);
		if (error == MC_EPARSE)
			error = bad_value(
			        msg, prefix, k, kname, value,
			        "expected '<file or version> <reason>', e.g. '0042_add_index.up.sql applied by hand in 2023'");
		break;
	default:
		break;
	}
done:
	mc_free(kname);
	return error;
}

/*
 * Validate and store one key. name is as given ("migrations.dir", any case);
 * prefix is put before it in messages ("" or "migcheck.").
 * @return 0, MC_EPARSE with the reason in msg, MC_ENOMEM
 */
int mc_config__apply(mc_config *c,
                 const char *name,
                 const char *value,
                 int mode,
                 const char *prefix,
                 mc_buf *msg)
{
	const mc_config_key *k = mc_config_key_find(name);
	const char *kname;
	char *norm = NULL;
	int error = 0, bad, b;

	if (!k) {
		if ((error = mc_buf_printf(msg, "unknown key '%s%s'", prefix,
		                           name)) < 0)
			return error;
		return MC_EPARSE;
	}
	if (mc_config__key_is_dir(k))
		return apply_dir(c, k, name, value, mode, prefix, msg);
	kname = k->id == K_SEVERITY ? name : k->name;
	if (value == NULL && k->id != K_REQUIRE_DOWN) {
		if ((error = mc_buf_printf(msg, "missing value for '%s%s'",
		                           prefix, kname)) < 0)
			return error;
		return MC_EPARSE;
	}
	if (value && !*value && k->id != K_REQUIRE_DOWN) {
		if ((error = mc_buf_printf(msg, "empty value for '%s%s'",
		                           prefix, kname)) < 0)
			return error;
		return MC_EPARSE;
	}

	switch (k->id) {
	case K_DIR:
	case K_MODELS_SCHEMA:
		if ((norm = normalise_relpath(value, &bad)) == NULL)
			return bad ? bad_value(
			                     msg, prefix, k, kname, value,
			                     "expected a path relative to the repository root")
			           : mc_error_set_oom();
		if (k->id == K_DIR)
			return set_list(&c->dirs, norm, mode);
		mc_free(c->models_schema);
		c->models_schema = norm;
		return 0;
	case K_FORMAT:
		if (mc_format_parse(&c->format, value) < 0)
			return bad_value(
			        msg, prefix, k, kname, value,
			        "expected auto, golang-migrate, dbmate, goose, sql-migrate, flyway, popx, plain or sequelize");
		return 0;
	case K_DIALECT:
		if (!strcmp(value, "auto"))
			c->dialect = MC_DIALECT_UNKNOWN;
		else if (mc_dialect_parse(&c->dialect, value) < 0)
			return bad_value(msg, prefix, k, kname, value,
			                 "expected postgres or sqlite");
		return 0;
	case K_REQUIRE_DOWN:
		if (parse_bool(&b, value) < 0)
			return bad_value(msg, prefix, k, kname, value,
			                 "expected true or false");
		c->require_down = b;
		return 0;
	case K_TABLE:
		if (!valid_table(value))
			return bad_value(
			        msg, prefix, k, kname, value,
			        "expected a table name such as 'schema_migrations' or 'public.schema_migrations'");
		return mc_config__set_string(&c->table, value);
	case K_DEPLOY_REF:
		if ((b = mc_git_ref_pattern_valid(value)) < 0)
			return b;
		if (!b)
			return bad_value(
			        msg, prefix, k, kname, value,
			        "expected a full ref name or glob such as 'refs/remotes/origin/main' or 'refs/tags/v*'");
		if ((norm = mc_strdup(value)) == NULL)
			return mc_error_set_oom();
		return set_list(&c->deploy_refs, norm, mode);
	case K_MODELS_PATH:
	case K_DRIFT_IGNORE:
		if (k->id == K_MODELS_PATH && value[0] == '/')
			return bad_value(
			        msg, prefix, k, kname, value,
			        "expected a glob relative to the repository root");
		if ((norm = mc_strdup(value)) == NULL)
			return mc_error_set_oom();
		return set_list(k->id == K_MODELS_PATH ? &c->model_paths
		                                       : &c->drift_ignore,
		                norm, mode);
	case K_MODELS_PATTERN: {
		regex_t re;
		int rc = regcomp(&re, value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[160];
			regerror(rc, &re, why, sizeof(why));
			for (char *p = why; *p; p++) /* glibc capitalises */
				*p = (char)tolower((unsigned char)*p);
			return bad_value(msg, prefix, k, kname, value, why);
		}
		regfree(&re);
		return mc_config__set_string(&c->models_pattern, value);
	}
	case K_MODELS_COMMAND:
	case K_RUNNER_UP:
	case K_RUNNER_DOWN:
		if ((error = check_command(msg, prefix, k, kname, value,
		                           k->id != K_MODELS_COMMAND)) != 0)
			return error;
		return mc_config__set_string(k->id == K_MODELS_COMMAND ? &c->models_command
		                  : k->id == K_RUNNER_UP    ? &c->runner_up
		                                            : &c->runner_down,
		                  value);
	case K_RUNNER_TOOL:
		return set_runner_tool(&c->runner_tool, msg, prefix, k, kname,
		                       value);
	case K_RUNNER_ENV:
		return add_runner_env(&c->runner_env, msg, prefix, k, kname,
		                      value, mode);
	case K_SCRATCH_POSTGRES:
		if (!mc_config__valid_pg_url(value))
			return bad_value(
			        msg, prefix, k, kname, value,
			        "expected a postgres:// URL or a libpq conninfo such as 'host=/tmp dbname=postgres'");
		return mc_config__set_string(&c->scratch_postgres, value);
	case K_SEVERITY: {
		const char *code = name + 9;
		mc_severity sev;
		if (!mc_code_lookup(code)) {
			if ((error = mc_buf_puts(
			             msg, "unknown finding code '")) < 0 ||
			    (error = put_value(msg, code)) < 0 ||
			    (error = mc_buf_printf(msg, "' in '%s%s'", prefix,
			                           name)) < 0)
				return error;
			return MC_EPARSE;
		}
		if (mc_severity_parse(&sev, value) < 0)
			return bad_value(msg, prefix, k, kname, value,
			                 "expected error, warning or off");
		return set_severity(c, code, sev);
	}
	default: /* the folder keys, handled by apply_dir */
		break;
	}
	return error;
}
