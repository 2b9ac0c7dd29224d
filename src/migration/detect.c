/*
 * detect.c: what a project says about one migrations folder, for 'init':
 * its dialect, from the folder's own name and, from the folder up to the
 * repository root, the files of the tools that run it (Sequelize's
 * .sequelizerc and config/config.json|js, Flyway's flyway.conf and
 * flyway.toml, dbmate's DATABASE_URL in .env, goose and sql-migrate's
 * dbconfig.yml, package.json and go.mod dependencies); and whether a
 * source file defines ORM models. Each answer comes with its reason.
 */
#include "migcheck/migration.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define MAX_PROJECT_FILE ((size_t)256 * 1024)

enum { D_NONE = 0, D_PG, D_SQLITE, D_MYSQL, D_MIXED };

static int word_dialect(const char *w, size_t n)
{
	static const struct {
		const char *name;
		int d;
	} names[] = {
		{ "postgres", D_PG },   { "postgresql", D_PG },
		{ "pg", D_PG },         { "psql", D_PG },
		{ "pgsql", D_PG },      { "sqlite", D_SQLITE },
		{ "sqlite3", D_SQLITE }, { "mysql", D_MYSQL },
		{ "mariadb", D_MYSQL },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == n && !strncasecmp(w, names[i].name, n))
			return names[i].d;
	return D_NONE;
}

static void merge(int *acc, int d)
{
	if (d == D_NONE)
		return;
	*acc = *acc == D_NONE || *acc == d ? d : D_MIXED;
}

/* Read root/rel/name; 0 when absent or unreadable (nothing to learn). */
static int read_at(mc_buf *out, const char *root, const char *rel, const char *name)
{
	char *path = mc_asprintf("%s%s%s%s", root, *rel ? rel : "", *rel ? "/" : "", name);
	int ok;

	mc_buf_clear(out);
	ok = path && mc_buf_read_file(out, path, MAX_PROJECT_FILE) == 0;
	mc_error_clear();
	mc_free(path);
	return ok;
}

/* Every `dialect: 'x'` / "dialect": "x" / dialect = x in text. */
static int scan_dialect_key(const char *text)
{
	int acc = D_NONE;

	for (const char *p = text; (p = strstr(p, "dialect")) != NULL; p += 7) {
		const char *q = p + 7, *w;
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		while (*q == '"' || *q == '\'' || *q == ' ' || *q == '\t')
			q++;
		if (*q != ':' && *q != '=')
			continue;
		for (q++; *q == ' ' || *q == '\t' || *q == '"' || *q == '\''; q++)
			;
		for (w = q; isalnum((unsigned char)*q); q++)
			;
		merge(&acc, word_dialect(w, (size_t)(q - w)));
	}
	return acc;
}

/* URL schemes and JDBC prefixes: postgres://, jdbc:sqlite:, ... */
static int scan_urls(const char *text, const char *key)
{
	int acc = D_NONE;

	for (const char *p = text; (p = strstr(p, key)) != NULL; p += strlen(key)) {
		const char *q = p + strlen(key), *w;
		while (*q == ' ' || *q == '\t' || *q == '=' || *q == ':' || *q == '"' || *q == '\'')
			q++;
		if (!strncmp(q, "jdbc:", 5))
			q += 5;
		for (w = q; isalnum((unsigned char)*q); q++)
			;
		if (*q == ':')
			merge(&acc, word_dialect(w, (size_t)(q - w)));
	}
	return acc;
}

/* package.json dependencies (the quoted name followed by ':'). */
static int scan_package(const char *text, const char **which)
{
	static const struct {
		const char *dep;
		int d;
	} deps[] = {
		{ "\"pg\"", D_PG },           { "\"pg-promise\"", D_PG },
		{ "\"postgres\"", D_PG },     { "\"sqlite3\"", D_SQLITE },
		{ "\"better-sqlite3\"", D_SQLITE }, { "\"@libsql/client\"", D_SQLITE },
		{ "\"mysql2\"", D_MYSQL },    { "\"mysql\"", D_MYSQL },
		{ "\"mariadb\"", D_MYSQL },
	};
	int acc = D_NONE;

	for (size_t i = 0; i < MC_ARRAY_SIZE(deps); i++) {
		const char *p = strstr(text, deps[i].dep);
		if (!p)
			continue;
		for (p += strlen(deps[i].dep); *p == ' ' || *p == '\t'; p++)
			;
		if (*p != ':')
			continue;
		if (acc == D_NONE)
			*which = deps[i].dep;
		merge(&acc, deps[i].d);
	}
	return acc;
}

static int scan_gomod(const char *text, const char **which)
{
	static const struct {
		const char *mod;
		int d;
	} mods[] = {
		{ "github.com/lib/pq", D_PG },
		{ "github.com/jackc/pgx", D_PG },
		{ "github.com/mattn/go-sqlite3", D_SQLITE },
		{ "modernc.org/sqlite", D_SQLITE },
		{ "github.com/go-sql-driver/mysql", D_MYSQL },
	};
	int acc = D_NONE;

	for (size_t i = 0; i < MC_ARRAY_SIZE(mods); i++)
		if (strstr(text, mods[i].mod)) {
			if (acc == D_NONE)
				*which = mods[i].mod;
			merge(&acc, mods[i].d);
		}
	return acc;
}

/*
 * .sequelizerc's config path: the quoted parts of the line that sets
 * `config`, joined ("path.resolve('server', 'config', 'config.js')").
 */
static int sequelizerc_config(mc_buf *out, const char *text)
{
	const char *p = strstr(text, "config");
	const char *end;

	mc_buf_clear(out);
	while (p && (p[6] != ':' && p[6] != '\'' && p[6] != '"' && p[6] != ' '))
		p = strstr(p + 6, "config");
	if (!p)
		return 0;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	for (p += 7; p < end; p++) {
		const char *q;
		if (*p != '\'' && *p != '"')
			continue;
		if ((q = memchr(p + 1, *p, (size_t)(end - p - 1))) == NULL)
			break;
		if (out->size && mc_buf_putc(out, '/') < 0)
			return -1;
		if (mc_buf_put(out, p + 1, (size_t)(q - p - 1)) < 0)
			return -1;
		p = q;
	}
	return out->size > 0;
}

static const char *dialect_word(int d)
{
	return d == D_PG ? "postgres" : d == D_SQLITE ? "sqlite" : "mysql";
}

static int say(mc_buf *why, const char *fmt, ...) MC_PRINTF(2, 3);
static int say(mc_buf *why, const char *fmt, ...)
{
	va_list ap;
	int error;

	mc_buf_clear(why);
	va_start(ap, fmt);
	error = mc_buf_vprintf(why, fmt, ap);
	va_end(ap);
	return error;
}

/* The tools' own settings at one level of the tree: strong answers. */
static int level_configs(int *out, mc_buf *why, const char *root, const char *rel)
{
	static const char *const seq_files[] = { "config/config.json", "config/config.js",
		                                 "config/database.json", "config/database.js" };
	mc_buf text = MC_BUF_INIT, path = MC_BUF_INIT;
	int d = D_NONE, error = 0;
	char *where = NULL;

	*out = D_NONE;
	/* .sequelizerc names the config file; else the default places */
	if (read_at(&text, root, rel, ".sequelizerc") && sequelizerc_config(&path, text.ptr) > 0 &&
	    read_at(&text, root, rel, path.ptr) && (d = scan_dialect_key(text.ptr)) != D_NONE) {
		where = mc_asprintf("%s%s%s", *rel ? rel : "", *rel ? "/" : "", path.ptr);
		goto found;
	}
	for (size_t i = 0; i < MC_ARRAY_SIZE(seq_files); i++)
		if (read_at(&text, root, rel, seq_files[i]) &&
		    (d = scan_dialect_key(text.ptr)) != D_NONE) {
			where = mc_asprintf("%s%s%s", *rel ? rel : "", *rel ? "/" : "", seq_files[i]);
			goto found;
		}
	if (read_at(&text, root, rel, "dbconfig.yml") && (d = scan_dialect_key(text.ptr)) != D_NONE) {
		where = mc_asprintf("%s%sdbconfig.yml", *rel ? rel : "", *rel ? "/" : "");
		goto found;
	}
	if ((read_at(&text, root, rel, "flyway.conf") && (d = scan_urls(text.ptr, "url")) != D_NONE &&
	     (where = mc_asprintf("%s%sflyway.conf", *rel ? rel : "", *rel ? "/" : "")) != NULL) ||
	    (read_at(&text, root, rel, "flyway.toml") && (d = scan_urls(text.ptr, "url")) != D_NONE &&
	     (where = mc_asprintf("%s%sflyway.toml", *rel ? rel : "", *rel ? "/" : "")) != NULL)) {
		error = d == D_MIXED ? say(why, "%s names more than one database", where)
		                     : say(why, "%s connects to %s (jdbc:%s:)", where, dialect_word(d),
		                           d == D_PG ? "postgresql" : dialect_word(d));
		goto done;
	}
	if (read_at(&text, root, rel, ".env") && (d = scan_urls(text.ptr, "DATABASE_URL")) != D_NONE) {
		where = mc_asprintf("%s%s.env", *rel ? rel : "", *rel ? "/" : "");
		error = d == D_MIXED ? say(why, "%s names more than one database", where)
		                     : say(why, "%s sets DATABASE_URL to a %s URL", where,
		                           dialect_word(d));
		goto done;
	}
	d = D_NONE;
	goto done;
found:
	error = !where ? mc_error_set_oom()
	        : d == D_MIXED
	                ? say(why, "%s sets more than one dialect", where)
	                : say(why, "%s sets dialect '%s'", where, dialect_word(d));
done:
	if (!error && d != D_NONE && !where)
		error = mc_error_set_oom();
	*out = d;
	mc_free(where);
	mc_buf_dispose(&text);
	mc_buf_dispose(&path);
	return error < 0 ? error : 0;
}

/* Dependencies at one level: weak answers. */
static int level_deps(int *out, mc_buf *why, const char *root, const char *rel)
{
	mc_buf text = MC_BUF_INIT;
	const char *which = NULL;
	int d = D_NONE, error = 0;

	if (read_at(&text, root, rel, "package.json") && (d = scan_package(text.ptr, &which)) != D_NONE)
		error = d == D_MIXED ? say(why, "%s%spackage.json depends on more than one database driver",
		                           *rel ? rel : "", *rel ? "/" : "")
		                     : say(why, "%s%spackage.json depends on %s", *rel ? rel : "",
		                           *rel ? "/" : "", which);
	else if (read_at(&text, root, rel, "go.mod") && (d = scan_gomod(text.ptr, &which)) != D_NONE)
		error = d == D_MIXED ? say(why, "%s%sgo.mod requires more than one database driver",
		                           *rel ? rel : "", *rel ? "/" : "")
		                     : say(why, "%s%sgo.mod requires %s", *rel ? rel : "",
		                           *rel ? "/" : "", which);
	*out = d;
	mc_buf_dispose(&text);
	return error < 0 ? error : 0;
}

int mc_migration_detect_dialect(mc_dialect *out, int *strong, mc_buf *why, const char *workdir,
                                const char *dir)
{
	char *rel = NULL;
	int d = D_NONE, error = 0;

	MC_ASSERT_ARG(out && strong && why && workdir && dir);
	*strong = 0;
	/* the folder's own name, or its parent's: .../migrations/postgres */
	for (const char *p = dir; *p;) {
		size_t n = strcspn(p, "/");
		int w = word_dialect(p, n);
		if (w != D_NONE) {
			char *name = mc_strndup(p, n);
			if (!name)
				return mc_error_set_oom();
			d = w;
			error = say(why, "the folder is named '%s'", name);
			mc_free(name);
			*strong = 1;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	if (error < 0)
		return error;
	if (d == D_NONE) {
		/* the tools' settings, nearest level first, then dependencies */
		for (int pass = 0; pass < 2 && d == D_NONE && !error; pass++) {
			mc_free(rel);
			if ((rel = mc_strdup(strcmp(dir, ".") ? dir : "")) == NULL)
				return mc_error_set_oom();
			for (;;) {
				char *slash;
				error = pass == 0 ? level_configs(&d, why, workdir, rel)
				                  : level_deps(&d, why, workdir, rel);
				if (error < 0 || d != D_NONE || !*rel)
					break;
				slash = strrchr(rel, '/');
				if (slash)
					*slash = '\0';
				else
					rel[0] = '\0';
			}
			*strong = pass == 0;
		}
	}
	mc_free(rel);
	if (error < 0)
		return error;
	if (d == D_NONE)
		return MC_ENOTFOUND;
	if (d == D_MYSQL)
		error = mc_buf_puts(why, ": MySQL, which migcheck cannot parse or replay");
	*out = d == D_PG ? MC_DIALECT_POSTGRES : d == D_SQLITE ? MC_DIALECT_SQLITE : MC_DIALECT_UNKNOWN;
	return error < 0 ? error : 0;
	return 0;
}

/* --- the resident Sequelize runner ----------------------------------------- */

/* rel/name, or name at the root: repo-relative, for messages */
static char *at(const char *rel, const char *name)
{
	return mc_asprintf("%s%s%s", *rel ? rel : "", *rel ? "/" : "", name);
}

/* Whether the package.json text lists the package "sequelize". */
static int lists_sequelize(const char *text)
{
	return strstr(text, "\"sequelize\"") != NULL;
}

/* The identifier after p (NAME in process.env.NAME or process.env['NAME']). */
static size_t env_name(const char *p, const char **name)
{
	size_t n = 0;

	if (*p == '.') {
		p++;
	} else if (*p == '[') {
		p++;
		while (*p == ' ')
			p++;
		if (*p != '\'' && *p != '"')
			return 0;
		p++;
	} else {
		return 0;
	}
	if (!isalpha((unsigned char)*p) && *p != '_')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	*name = p;
	return n;
}

/* Whether the value at p is key's: `key: p`, `'key': p` just before it. */
static int key_before(const char *text, const char *p, const char *key)
{
	size_t n = strlen(key);

	while (p > text && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p == text || p[-1] != ':')
		return 0;
	p--;
	while (p > text && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > text && (p[-1] == '\'' || p[-1] == '"'))
		p--;
	if ((size_t)(p - text) < n || strncmp(p - n, key, n))
		return 0;
	p -= n;
	return p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
}

/* Add NAME=value with its reason, once per NAME. */
static int add_env(mc_vec *env, mc_vec *why, const char *name, size_t n,
                   const char *value, const char *reason)
{
	char *e, *w;

	for (size_t i = 0; i < env->len; i++) {
		const char *have = env->items[i];
		if (!strncmp(have, name, n) && have[n] == '=')
			return 0;
	}
	if ((e = mc_asprintf("%.*s=%s", (int)n, name, value)) == NULL)
		return mc_error_set_oom();
	if ((w = mc_strdup(reason)) == NULL || mc_vec_push(env, e) < 0) {
		mc_free(e);
		mc_free(w);
		return mc_error_set_oom();
	}
	if (mc_vec_push(why, w) < 0) {
		mc_free(w);
		return mc_error_set_oom();
	}
	return 0;
}

/*
 * The variables a sequelize-cli config file reads for its database:
 * `storage: process.env.NAME` (the SQLite file: {path}) and
 * `use_env_variable: 'NAME'` or `url: process.env.NAME` (the URL: {url};
 * DATABASE_URL the runner sets already).
 */
static int config_env(mc_vec *env, mc_vec *why, const char *text,
                      const char *where)
{
	int error = 0;

	for (const char *p = strstr(text, "process.env"); p && !error;
	     p = strstr(p + 11, "process.env")) {
		const char *name = NULL;
		size_t n = env_name(p + 11, &name);
		int storage, url;
		char *reason;

		if (!n)
			continue;
		/* the key it is the value of: `storage: process.env.X || ...` */
		storage = key_before(text, p, "storage");
		url = key_before(text, p, "url");
		if ((!storage && !url) ||
		    (url && n == 12 && !strncmp(name, "DATABASE_URL", 12)))
			continue;
		reason = mc_asprintf("%s reads its %s from process.env.%.*s",
		                     where, storage ? "SQLite file" : "database URL",
		                     (int)n, name);
		error = reason ? add_env(env, why, name, n, storage ? "{path}" : "{url}",
		                         reason)
		               : mc_error_set_oom();
		mc_free(reason);
	}
	for (const char *p = strstr(text, "use_env_variable"); p && !error;
	     p = strstr(p + 16, "use_env_variable")) {
		const char *q = p + 16, *e;
		char *reason;

		while (*q == ' ' || *q == '\t' || *q == '"' || *q == '\'' || *q == ':')
			if (*q++ == ':')
				break;
		while (*q == ' ' || *q == '\t')
			q++;
		if ((*q != '\'' && *q != '"') || (e = strchr(q + 1, *q)) == NULL)
			continue;
		q++;
		if (e == q || (e - q == 12 && !strncmp(q, "DATABASE_URL", 12)))
			continue;
		reason = mc_asprintf("%s names its database URL with use_env_variable '%.*s'",
		                     where, (int)(e - q), q);
		error = reason ? add_env(env, why, q, (size_t)(e - q), "{url}", reason)
		               : mc_error_set_oom();
		mc_free(reason);
	}
	return error;
}

int mc_migration_detect_sequelize(mc_sequelize_app *out, const char *workdir,
                                  const char *dir)
{
	mc_buf text = MC_BUF_INIT, path = MC_BUF_INIT;
	char *rel, *where = NULL;
	int error = 0, found = 0;

	MC_ASSERT_ARG(out && workdir && dir);
	memset(out, 0, sizeof(*out));
	if ((rel = mc_strdup(strcmp(dir, ".") ? dir : "")) == NULL)
		return mc_error_set_oom();
	/* the app: the nearest level from the folder up whose package.json
	 * lists sequelize or whose node_modules holds it, as the runner
	 * looks */
	for (;;) {
		char *slash;
		char *pkg = at(rel, "node_modules/sequelize/package.json");
		if (!pkg) {
			error = mc_error_set_oom();
			break;
		}
		if (read_at(&text, workdir, "", pkg)) {
			found = 1;
			out->why = mc_asprintf("%s holds sequelize", pkg);
		} else if (read_at(&text, workdir, rel, "package.json") &&
		           lists_sequelize(text.ptr)) {
			found = 1;
			char *pj = at(rel, "package.json");
			out->why = pj ? mc_asprintf("%s lists sequelize, not installed yet: run 'npm install' in '%s' before a roundtrip",
			                            pj, *rel ? rel : ".")
			              : NULL;
			mc_free(pj);
		}
		mc_free(pkg);
		if (found || !*rel)
			break;
		slash = strrchr(rel, '/');
		if (slash)
			*slash = '\0';
		else
			rel[0] = '\0';
	}
	if (error < 0 || !found)
		goto done;
	if (!out->why) {
		error = mc_error_set_oom();
		goto done;
	}
	out->app = rel;
	rel = NULL;
	/* its sequelize-cli config: .sequelizerc's, else the default, as the
	 * runner reads it (config/config.js, else config/config.json) */
	if (read_at(&text, workdir, out->app, ".sequelizerc") &&
	    sequelizerc_config(&path, text.ptr) > 0 &&
	    read_at(&text, workdir, out->app, path.ptr))
		where = at(out->app, path.ptr);
	else if (read_at(&text, workdir, out->app, "config/config.js"))
		where = at(out->app, "config/config.js");
	else if (read_at(&text, workdir, out->app, "config/config.json"))
		where = at(out->app, "config/config.json");
	else
		goto done;
	error = where ? config_env(&out->env, &out->env_why, text.ptr, where)
	              : mc_error_set_oom();
done:
	mc_free(rel);
	mc_free(where);
	mc_buf_dispose(&text);
	mc_buf_dispose(&path);
	if (error < 0) {
		mc_sequelize_app_dispose(out);
		return error;
	}
	return found ? 0 : MC_ENOTFOUND;
}

void mc_sequelize_app_dispose(mc_sequelize_app *a)
{
	if (!a)
		return;
	mc_free(a->app);
	mc_free(a->why);
	mc_vec_dispose_deep(&a->env, mc_free);
	mc_vec_dispose_deep(&a->env_why, mc_free);
	memset(a, 0, sizeof(*a));
}

/* --- ORM models ------------------------------------------------------------ */

static int has_word_before(const char *text, const char *p, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(p - text) >= n && !strncmp(p - n, word, n);
}

/* needle followed (after blanks) by one of the characters in next */
static const char *find_then(const char *text, const char *needle, const char *next)
{
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
		const char *q = p + strlen(needle);
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q && strchr(next, *q))
			return p;
	}
	return NULL;
}

static int js_models(const char *text, const char **kind)
{
	const char *p;

	/* sequelize.define('user', ...) or db.define(...) beside DataTypes */
	for (p = text; (p = strstr(p, ".define(")) != NULL; p++)
		if (has_word_before(text, p, "sequelize") || has_word_before(text, p, "Sequelize") ||
		    strstr(text, "DataTypes")) {
			*kind = "Sequelize define()";
			return 1;
		}
	/* class User extends Model {} ... User.init({...}, { sequelize }) */
	if (strstr(text, "extends Model") && strstr(text, ".init(") &&
	    (strstr(text, "sequelize") || strstr(text, "DataTypes"))) {
		*kind = "Sequelize Model.init()";
		return 1;
	}
	if (find_then(text, "@Table", "(\r\n") && strstr(text, "sequelize-typescript")) {
		*kind = "sequelize-typescript @Table";
		return 1;
	}
	if (find_then(text, "@Entity", "(\r\n")) {
		*kind = "TypeORM @Entity";
		return 1;
	}
	if (strstr(text, "new EntitySchema")) {
		*kind = "TypeORM EntitySchema";
		return 1;
	}
	return 0;
}

static int py_models(const char *text, const char **kind)
{
	static const struct {
		const char *needle;
		const char *kind;
	} py[] = {
		{ "(models.Model)", "Django models.Model" },
		{ "(models.Model,", "Django models.Model" },
		{ "__tablename__", "SQLAlchemy __tablename__" },
		{ "(DeclarativeBase)", "SQLAlchemy DeclarativeBase" },
		{ "mapped_column(", "SQLAlchemy mapped_column()" },
		{ "declarative_base(", "SQLAlchemy declarative_base()" },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(py); i++)
		if (strstr(text, py[i].needle)) {
			*kind = py[i].kind;
			return 1;
		}
	return 0;
}

int mc_migration_defines_models(const char *name, const char *text, const char **kind)
{
	size_t n;

	if (!name || !text || !kind)
		return 0;
	n = strlen(name);
	if (!strcmp(name, "schema.prisma")) {
		/* a model block: "model User {" at the start of a line */
		for (const char *p = text; (p = strstr(p, "model ")) != NULL; p++)
			if (p == text || p[-1] == '\n') {
				*kind = "Prisma model";
				return 1;
			}
		return 0;
	}
	if ((n > 3 && (!strcmp(name + n - 3, ".js") || !strcmp(name + n - 3, ".ts"))) ||
	    (n > 4 && (!strcmp(name + n - 4, ".cjs") || !strcmp(name + n - 4, ".mjs"))))
		return js_models(text, kind);
	if (n > 3 && !strcmp(name + n - 3, ".py"))
		return py_models(text, kind);
	return 0;
}

/* --- whether a change to a model file can change the schema ---------------- */

enum { LANG_OTHER, LANG_JS, LANG_PY, LANG_PRISMA };

static int model_lang(const char *name)
{
	size_t n = strlen(name);
	if (!strcmp(name, "schema.prisma"))
		return LANG_PRISMA;
	if ((n > 3 && (!strcmp(name + n - 3, ".js") || !strcmp(name + n - 3, ".ts"))) ||
	    (n > 4 && (!strcmp(name + n - 4, ".cjs") || !strcmp(name + n - 4, ".mjs"))))
		return LANG_JS;
	if (n > 3 && !strcmp(name + n - 3, ".py"))
		return LANG_PY;
	return LANG_OTHER;
}

/*
 * The lines of text that can say something about the schema: comments
 * gone (JS // and slash-star, Python and Prisma #, string literals kept),
 * whitespace runs one space, blank lines gone; in JS, the lines of a Joi
 * validation (holding "Joi.", and the ".method()" lines and closing
 * brackets continuing one).
 * Each line ends in '\n'.
 */
static int schema_lines(mc_buf *out, const char *t, int lang)
{
	mc_buf line = MC_BUF_INIT;
	int in_block = 0, validation = 0, error = 0;
	char quote = 0;

	for (const char *p = t;; p++) {
		if (*p == '\0' || *p == '\n') {
			const char *l = mc_buf_cstr(&line);
			size_t len = line.size;
			while (len && l[len - 1] == ' ')
				len--;
			if (len) {
				int drop = 0;
				if (lang == LANG_JS) {
					if (strstr(l, "Joi."))
						drop = validation = 1;
					else if (validation &&
					         (l[0] == '.' ||
					          strspn(l, ")]};, ") == len))
						drop = 1;
					else
						validation = 0;
				}
				if (!drop && ((error = mc_buf_put(out, l, len)) < 0 ||
				              (error = mc_buf_putc(out, '\n')) < 0))
					break;
			}
			mc_buf_clear(&line);
			if (lang != LANG_JS)
				quote = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (in_block) {
			if (p[0] == '*' && p[1] == '/') {
				in_block = 0;
				p++;
			}
			continue;
		}
		if (quote) {
			if (*p == '\\' && p[1] && p[1] != '\n') {
				if ((error = mc_buf_put(&line, p, 2)) < 0)
					break;
				p++;
				continue;
			}
			if (*p == quote)
				quote = 0;
			if ((error = mc_buf_putc(&line, *p)) < 0)
				break;
			continue;
		}
		if (lang == LANG_JS && p[0] == '/' && p[1] == '*') {
			in_block = 1;
			p++;
			continue;
		}
		if ((lang == LANG_JS && p[0] == '/' && p[1] == '/') ||
		    (lang != LANG_JS && *p == '#')) {
			while (p[1] && p[1] != '\n')
				p++;
			continue;
		}
		if (*p == '\'' || *p == '"' || (lang == LANG_JS && *p == '`'))
			quote = *p;
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			if (line.size && mc_buf_cstr(&line)[line.size - 1] != ' ' &&
			    (error = mc_buf_putc(&line, ' ')) < 0)
				break;
			continue;
		}
		if ((error = mc_buf_putc(&line, *p)) < 0)
			break;
	}
	mc_buf_dispose(&line);
	return error < 0 ? mc_error_set_oom() : 0;
}

int mc_migration_models_changed(const char *name, const char *old_text,
                                const char *new_text)
{
	const char *kind;
	int lang = model_lang(name), error;
	mc_buf a = MC_BUF_INIT, b = MC_BUF_INIT;

	/* a language the model test does not read: any change counts */
	if (lang == LANG_OTHER)
		return 1;
	/* added or deleted: the side that is there decides */
	if (!old_text)
		old_text = "";
	if (!new_text)
		new_text = "";
	if (!mc_migration_defines_models(name, old_text, &kind) &&
	    !mc_migration_defines_models(name, new_text, &kind))
		return 0;
	if ((error = schema_lines(&a, old_text, lang)) < 0 ||
	    (error = schema_lines(&b, new_text, lang)) < 0) {
		mc_buf_dispose(&a);
		mc_buf_dispose(&b);
		return error;
	}
	error = a.size != b.size || memcmp(mc_buf_cstr(&a), mc_buf_cstr(&b), a.size) != 0;
	mc_buf_dispose(&a);
	mc_buf_dispose(&b);
	return error;
}
