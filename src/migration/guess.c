/*
 * guess.c: what 'init' concludes about a project's migrations folders, as
 * data and notes for the command to print: each folder's format, how many
 * of its migrations have a down, its dialect and on what grounds
 * (mc_migration_detect_dialect, else its SQL, else the project's
 * dependencies and SQLite files), which folders are left out (numbered
 * files outside a folder named for migrations; tests and examples beside
 * real ones), the format and requireDown for the whole project, the walk
 * for model paths (mc_migration_scan_tree) and each Sequelize folder's app
 * for migcheck's resident runner (mc_migration_detect_sequelize).
 */
#include "migcheck/migration.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

#define MAX_HEAD ((size_t)64 * 1024) /* bytes of a .sql file looked at */

#define SQLITE_SQL "the migrations use SQLite-only SQL such as AUTOINCREMENT or PRAGMA"
#define PG_SQL     "the migrations use PostgreSQL-only SQL such as SERIAL, JSONB or $$"

static const char *const sqlite_words[] = { "autoincrement",   "pragma ",
	                                    "without rowid",   "strftime(",
	                                    "datetime('now')", "sqlite_" };
static const char *const pg_words[] = { "serial",     "jsonb",          "timestamptz",
	                                "create extension", "$$",     "gen_random_uuid",
	                                "uuid_generate", "plpgsql",   "bytea",
	                                "::" };

static int vnote(mc_vec *v, const char *fmt, va_list ap)
{
	mc_buf b = MC_BUF_INIT;
	int error = mc_buf_vprintf(&b, fmt, ap);
	char *s;

	if (error < 0 || (s = mc_buf_detach(&b)) == NULL) {
		mc_buf_dispose(&b);
		return mc_error_set_oom();
	}
	if (mc_vec_push(v, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

static int runner_note(mc_project_guess *g, const char *fmt, ...) MC_PRINTF(2, 3);
static int runner_note(mc_project_guess *g, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vnote(&g->runner_notes, fmt, ap);
	va_end(ap);
	return error;
}

static int note(mc_project_guess *g, const char *fmt, ...) MC_PRINTF(2, 3);
static int note(mc_project_guess *g, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vnote(&g->notes, fmt, ap);
	va_end(ap);
	return error;
}

static void folder_free(void *p)
{
	mc_guess_folder *f = p;
	if (f) {
		mc_free(f->dir);
		mc_buf_dispose(&f->why);
		mc_sequelize_app_dispose(&f->seq);
	}
	mc_free(f);
}

void mc_project_guess_dispose(mc_project_guess *g)
{
	if (!g)
		return;
	mc_vec_dispose_deep(&g->folders, folder_free);
	mc_vec_dispose_deep(&g->notes, mc_free);
	mc_vec_dispose_deep(&g->runner_notes, mc_free);
	mc_tree_scan_dispose(&g->scan);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static unsigned count_any(const char *text, const char *const *words, size_t n)
{
	unsigned hits = 0;
	for (size_t i = 0; i < n; i++)
		if (strstr(text, words[i]))
			hits++;
	return hits;
}

/* Loose numbered files count as migrations only in a folder named so. */
static int named_for_migrations(const char *rel)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	for (const char *p = rel; *p; p++)
		if (!strncasecmp(p, "migrat", 6))
			return 1;
	return !strcasecmp(base, "sql") || !strcasecmp(base, "schema");
}

/* Folders of tests and examples hold migrations that are not the project's. */
static int testish(const char *rel)
{
	char name[256];

	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (mc_migration__test_dir(name))
				return 1;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/*
 * Read a folder through the migration module: its format (unless forced),
 * how many versioned migrations have a down, and dialect hints in its SQL.
 */
static int examine(mc_guess_folder *f, const char *wd, mc_format forced)
{
	mc_file_list *files = NULL;
	mc_migration_list *list = NULL;
	char *low = NULL;
	int error;

	if ((error = mc_file_list_read_dir(&files, wd, f->dir)) < 0) {
		if (error == MC_ENOTFOUND) {
			mc_error_clear();
			error = 0;
		}
		goto done;
	}
	f->files = (unsigned)files->files.len;
	for (size_t i = 0; i < files->files.len; i++) {
		const mc_file *file = files->files.items[i];
		size_t n = file->len < MAX_HEAD ? file->len : MAX_HEAD;
		if (file->error || !ends_with(file->path, ".sql"))
			continue;
		if ((low = mc_malloc(n + 1)) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		for (size_t j = 0; j < n; j++)
			low[j] = file->data[j] ? (char)tolower((unsigned char)file->data[j]) : ' ';
		low[n] = '\0';
		f->sqlite_hits += count_any(low, sqlite_words, MC_ARRAY_SIZE(sqlite_words));
		f->pg_hits += count_any(low, pg_words, MC_ARRAY_SIZE(pg_words));
		mc_free(low);
		low = NULL;
	}
	f->format = forced != MC_FORMAT_AUTO ? forced : mc_format_detect(files);
	if ((error = mc_migration_list_parse(&list, files, f->dir, f->format,
	                                     MC_DIALECT_UNKNOWN, NULL)) < 0)
		goto done;
	for (size_t i = 0; i < mc_migration_list_count(list); i++) {
		const mc_migration *m = mc_migration_list_get(list, i);
		if (m->kind != MC_MIGRATION_VERSIONED)
			continue;
		f->versioned++;
		if (m->down || m->language)
			f->downs++;
	}
done:
	mc_free(low);
	mc_migration_list_free(list);
	mc_file_list_free(files);
	return error;
}

static int cmp_folder(const void *a, const void *b)
{
	const mc_guess_folder *x = *(const mc_guess_folder *const *)a;
	const mc_guess_folder *y = *(const mc_guess_folder *const *)b;
	return strcmp(x->dir, y->dir);
}

/* Search a small text file for any of the words. */
static int file_mentions(const char *wd, const char *rel, const char *const *words, size_t n,
                         const char **which)
{
	mc_buf path = MC_BUF_INIT, text = MC_BUF_INIT;
	int found = 0;

	if (mc_buf_joinpath(&path, wd, rel) == 0 && access(mc_buf_cstr(&path), R_OK) == 0 &&
	    mc_buf_read_file(&text, mc_buf_cstr(&path), 1024 * 1024) == 0) {
		for (size_t i = 0; i < n && !found; i++)
			if (strstr(mc_buf_cstr(&text), words[i])) {
				found = 1;
				if (which)
					*which = words[i];
			}
	}
	mc_error_clear();
	mc_buf_dispose(&path);
	mc_buf_dispose(&text);
	return found;
}

/* The project's dialect, for folders nothing of their own speaks for. */
static int project_dialect(mc_dialect *out, mc_buf *why, const mc_project_guess *g,
                           const char *wd)
{
	static const char *const pkg_sqlite[] = { "\"sqlite3\"", "\"better-sqlite3\"",
		                                  "\"@libsql/client\"" };
	static const char *const pkg_pg[] = { "\"pg\"", "\"pg-promise\"", "\"postgres\"" };
	static const char *const go_sqlite[] = { "github.com/mattn/go-sqlite3",
		                                 "modernc.org/sqlite" };
	static const char *const go_pg[] = { "github.com/lib/pq", "github.com/jackc/pgx" };
	static const char *const seq_sqlite[] = { "\"dialect\": \"sqlite\"",
		                                  "\"dialect\":\"sqlite\"" };
	static const char *const seq_pg[] = { "\"dialect\": \"postgres\"",
		                              "\"dialect\":\"postgres\"" };
	static const struct {
		const char *file;
		const char *const *words;
		size_t n;
		mc_dialect dialect;
		const char *what; /* followed by the word found */
	} deps[] = {
		{ "package.json", pkg_sqlite, MC_ARRAY_SIZE(pkg_sqlite), MC_DIALECT_SQLITE,
		  "package.json depends on" },
		{ "go.mod", go_sqlite, MC_ARRAY_SIZE(go_sqlite), MC_DIALECT_SQLITE, "go.mod requires" },
		{ "config/config.json", seq_sqlite, MC_ARRAY_SIZE(seq_sqlite), MC_DIALECT_SQLITE,
		  "config/config.json sets" },
		{ "package.json", pkg_pg, MC_ARRAY_SIZE(pkg_pg), MC_DIALECT_POSTGRES,
		  "package.json depends on" },
		{ "go.mod", go_pg, MC_ARRAY_SIZE(go_pg), MC_DIALECT_POSTGRES, "go.mod requires" },
		{ "config/config.json", seq_pg, MC_ARRAY_SIZE(seq_pg), MC_DIALECT_POSTGRES,
		  "config/config.json sets" },
	};
	unsigned sq = 0, pg = 0;
	const char *w = NULL;

	mc_buf_clear(why);
	for (size_t i = 0; i < g->folders.len; i++) {
		const mc_guess_folder *f = g->folders.items[i];
		sq += f->sqlite_hits;
		pg += f->pg_hits;
	}
	if (sq != pg) {
		*out = sq > pg ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
		return mc_buf_puts(why, sq > pg ? SQLITE_SQL : PG_SQL);
	}
	for (size_t i = 0; i < MC_ARRAY_SIZE(deps); i++)
		if (file_mentions(wd, deps[i].file, deps[i].words, deps[i].n, &w)) {
			*out = deps[i].dialect;
			return mc_buf_printf(why, "%s %s", deps[i].what, w);
		}
	if (g->scan.sqlite_files.len) {
		*out = MC_DIALECT_SQLITE;
		return mc_buf_printf(why, "SQLite database file '%s' in the work tree",
		                     (const char *)g->scan.sqlite_files.items[0]);
	}
	*out = MC_DIALECT_POSTGRES;
	return mc_buf_puts(why, "default: nothing in the repository points at SQLite");
}

/*
 * Each folder's dialect: its name or its tool's settings
 * (mc_migration_detect_dialect), else its own SQL, else a dependency
 * near it, else the project's guess. When they differ, each folder gets
 * a section of its own.
 */
static int folder_dialects(mc_project_guess *g, const char *wd)
{
	mc_buf why = MC_BUF_INIT;
	size_t npg = 0, nsq = 0;
	int guessed = 0, error = 0;

	for (size_t i = 0; i < g->folders.len && !error; i++) {
		mc_guess_folder *f = g->folders.items[i];
		mc_dialect fd = MC_DIALECT_UNKNOWN;
		int strong = 0, rc;

		rc = mc_migration_detect_dialect(&fd, &strong, &f->why, wd, f->dir);
		if (rc < 0 && rc != MC_ENOTFOUND) {
			error = rc;
			break;
		}
		if (rc == 0 && fd == MC_DIALECT_UNKNOWN) {
			if ((error = note(g, "dialect: '%s': %s; not used", f->dir,
			                  mc_buf_cstr(&f->why))) < 0)
				break;
			rc = MC_ENOTFOUND;
		}
		mc_error_clear();
		if (rc == 0 && strong) {
			f->dialect = fd;
		} else if (f->sqlite_hits != f->pg_hits) {
			f->dialect = f->sqlite_hits > f->pg_hits ? MC_DIALECT_SQLITE
			                                          : MC_DIALECT_POSTGRES;
			mc_buf_clear(&f->why);
			error = mc_buf_puts(&f->why,
			                    f->dialect == MC_DIALECT_SQLITE ? SQLITE_SQL : PG_SQL);
		} else if (rc == 0) {
			f->dialect = fd;
		} else {
			/* the project's guess, made once */
			if (!guessed && (error = project_dialect(&g->dialect, &why, g, wd)) < 0)
				break;
			guessed = 1;
			f->dialect = g->dialect;
			mc_buf_clear(&f->why);
			error = mc_buf_puts(&f->why, mc_buf_cstr(&why));
		}
		if (f->dialect == MC_DIALECT_SQLITE)
			nsq++;
		else
			npg++;
	}
	mc_buf_dispose(&why);
	if (error < 0)
		return error;
	g->per_folder = npg && nsq;
	if (!g->per_folder) {
		const mc_guess_folder *f = g->folders.items[0];
		g->dialect = f->dialect;
		return note(g, "dialect: %s (%s)", mc_dialect_name(g->dialect),
		            mc_buf_cstr(&f->why));
	}
	/* the default for what is not a folder's: the most folders' */
	g->dialect = nsq > npg ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
	for (size_t i = 0; i < g->folders.len && !error; i++) {
		const mc_guess_folder *f = g->folders.items[i];
		error = note(g, "dialect: '%s': %s (%s)", f->dir, mc_dialect_name(f->dialect),
		             mc_buf_cstr(&f->why));
	}
	return error;
}

/* The project's format and whether any down scripts exist. */
static int project_format(mc_project_guess *g, mc_format forced)
{
	unsigned versioned = 0, downs = 0;
	int mixed = 0, error = 0;

	g->format = MC_FORMAT_AUTO;
	for (size_t i = 0; i < g->folders.len && !error; i++) {
		const mc_guess_folder *f = g->folders.items[i];
		versioned += f->versioned;
		downs += f->downs;
		error = f->versioned ? note(g, "migrations: '%s': %u %s migration%s", f->dir,
		                            f->versioned, mc_format_name(f->format),
		                            f->versioned == 1 ? "" : "s")
		                     : note(g, "migrations: '%s': no migrations yet", f->dir);
		if (f->format == MC_FORMAT_AUTO)
			continue; /* an empty folder agrees with any */
		if (g->format == MC_FORMAT_AUTO && !mixed) {
			g->format = f->format;
		} else if (g->format != f->format) {
			g->format = MC_FORMAT_AUTO;
			mixed = 1;
		}
	}
	if (error < 0)
		return error;
	if (forced != MC_FORMAT_AUTO)
		g->format = forced;
	g->require_down = !(versioned > 0 && downs == 0);
	return note(g, "format: %s%s", mc_format_name(g->format),
	            forced != MC_FORMAT_AUTO       ? " (--migration-format)"
	            : mixed                        ? " (the folders differ: detected per folder)"
	            : g->format == MC_FORMAT_AUTO  ? " (nothing to detect yet)"
	                                           : "");
}

/*
 * Sequelize folders: migcheck's resident runner, and what their app's
 * config reads from the environment (an empty folder of a Sequelize
 * project is one too).
 */
static int sequelize_apps(mc_project_guess *g, const char *wd)
{
	int error = 0;

	for (size_t i = 0; i < g->folders.len && !error; i++) {
		mc_guess_folder *f = g->folders.items[i];
		if (f->format != MC_FORMAT_SEQUELIZE &&
		    !(g->format == MC_FORMAT_SEQUELIZE && f->format == MC_FORMAT_AUTO))
			continue;
		f->format = MC_FORMAT_SEQUELIZE;
		error = mc_migration_detect_sequelize(&f->seq, wd, f->dir);
		if (error < 0 && error != MC_ENOTFOUND)
			return error;
		mc_error_clear();
		f->seq_found = error == 0;
		if (!f->seq_found) {
			error = runner_note(g, "runner: '%s': migcheck's Sequelize runner (no node_modules/sequelize or package.json listing sequelize from '%s' up yet: run 'npm install' where sequelize is listed)",
			                    f->dir, f->dir);
			continue;
		}
		error = runner_note(g, "runner: '%s': migcheck's Sequelize runner, in '%s' (%s)", f->dir,
		                    *f->seq.app ? f->seq.app : ".", f->seq.why);
		for (size_t j = 0; j < f->seq.env.len && !error; j++)
			error = runner_note(g, "runner: env %s (%s)", (const char *)f->seq.env.items[j],
			                    (const char *)f->seq.env_why.items[j]);
	}
	return error;
}

int mc_project_guess_run(mc_project_guess *out, const char *workdir, mc_vec *dirs,
                         const mc_guess_opts *opts)
{
	static const mc_guess_opts defaults = { 0, MC_FORMAT_AUTO, MC_DIALECT_UNKNOWN };
	const mc_guess_opts *o = opts ? opts : &defaults;
	mc_vec all = MC_VEC_INIT, kept = MC_VEC_INIT;
	int error = 0, real = 0;

	MC_ASSERT_ARG(out && workdir && dirs);
	for (size_t i = 0; i < dirs->len && !error; i++) {
		mc_guess_folder *f = mc_calloc(1, sizeof(*f));
		if (!f || mc_vec_push(&all, f) < 0) {
			mc_free(f);
			error = mc_error_set_oom();
			break;
		}
		f->dir = dirs->items[i]; /* taken */
		dirs->items[i] = NULL;
		error = examine(f, workdir, o->format);
	}
	dirs->len = 0;
	if (error < 0)
		goto done;
	/* numbered files outside a folder named for migrations; tests and
	 * examples when there are real ones */
	for (size_t i = 0; i < all.len && !error; i++) {
		mc_guess_folder *f = all.items[i];
		int keep = o->given || f->format == MC_FORMAT_AUTO ||
		           !(f->format == MC_FORMAT_PLAIN || f->format == MC_FORMAT_SEQUELIZE) ||
		           named_for_migrations(f->dir);
		if (!keep) {
			error = note(out, "skipped '%s': numbered files outside a folder named for migrations",
			             f->dir);
			continue;
		}
		if (!testish(f->dir))
			real = 1;
		error = mc_vec_push(&kept, f);
	}
	for (size_t i = 0; i < kept.len && !error; i++) {
		mc_guess_folder *f = kept.items[i];
		if (real && !o->given && testish(f->dir)) {
			error = note(out, "skipped '%s': test or example migrations", f->dir);
			continue;
		}
		if ((error = mc_vec_push(&out->folders, f)) < 0)
			break;
		for (size_t j = 0; j < all.len; j++)
			if (all.items[j] == f)
				all.items[j] = NULL; /* moved */
	}
	if (error < 0)
		goto done;
	if (!out->folders.len) {
		error = mc_error_set(MC_ERROR_CONFIG,
		                     "no migrations folder found in the work tree; name it with 'migcheck init --dir <dir>'");
		error = MC_ENOTFOUND;
		goto done;
	}
	mc_vec_sort(&out->folders, cmp_folder);
	{
		mc_vec names = MC_VEC_INIT;
		for (size_t i = 0; i < out->folders.len && !error; i++)
			error = mc_vec_push(&names, ((mc_guess_folder *)out->folders.items[i])->dir);
		if (!error)
			error = mc_migration_scan_tree(&out->scan, workdir, &names);
		mc_vec_dispose(&names);
	}
	if (!error)
		error = project_format(out, o->format);
	if (error < 0)
		goto done;
	if (o->dialect != MC_DIALECT_UNKNOWN) {
		out->dialect = o->dialect;
		error = note(out, "dialect: %s (--dialect)", mc_dialect_name(out->dialect));
	} else {
		error = folder_dialects(out, workdir);
	}
	if (!error)
		error = sequelize_apps(out, workdir);
done:
	mc_vec_dispose_deep(&all, folder_free);
	mc_vec_dispose(&kept);
	if (error < 0) {
		mc_project_guess_dispose(out);
		memset(out, 0, sizeof(*out));
	}
	return error;
}
