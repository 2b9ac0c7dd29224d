/*
 * cmd_init.c: 'migcheck init': look at the work tree, guess the migrations
 * folder(s), their format and dialect, the deploy ref and the model files,
 * and write .migcheck (git-config syntax, a comment above every key).
 *
 * Detection reads the file system only (one walk, depth <= 6, skipping dot
 * folders and dependency/build folders); git refs come from src/git
 * (mc_repo_default_deploy_ref). The text written is loaded back through
 * the config loader before it replaces anything, so init never writes a
 * .migcheck that migcheck itself would refuse.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/vec.h"
#include "util/banned.h"

#define CONFIG_FILE ".migcheck"
#define MAX_DEPTH   6
#define MAX_HEAD    ((size_t)64 * 1024) /* bytes of a .sql file looked at */
#define MAX_READS   5000                /* .sql files read per run */
#define MAX_MODELS  10

static const char usage[] =
        "usage: migcheck init [--force] [--dry-run] [--dir <dir>]... [--dialect <d>] [--migration-format <f>]\n";

static const char help[] =
        "Detect the migrations folder(s), format, dialect, deploy ref and model paths,\n"
        "and write them to .migcheck at the repository root (printed on stdout).\n"
        "      --force           overwrite an existing .migcheck\n"
        "  -n, --dry-run         print what would be written; write nothing\n"
        "      --dir <dir>       migrations folder (repeatable); skips folder detection\n"
        "      --dialect <d>     postgres or sqlite; skips dialect detection\n"
        "      --migration-format <f>\n"
        "                        golang-migrate, dbmate, goose, sql-migrate, flyway,\n"
        "                        popx, plain or sequelize; skips format detection\n";

/* Same order as mc_format. */
static const char *const format_names[] = {
	"auto",   "golang-migrate", "dbmate", "goose",    "sql-migrate",
	"flyway", "popx",           "plain",  "sequelize"
};
#define NFORMATS (sizeof(format_names) / sizeof(format_names[0]))

/* What the walk learnt about one folder. */
struct dirinfo {
	char *rel;                /* repo-relative, "." for the root */
	unsigned votes[NFORMATS]; /* files that look like each format */
	unsigned migrations;      /* files that are migrations of any format */
	unsigned downs;           /* of which down scripts/sections */
	unsigned sqlite_hits, pg_hits;
};

struct detect {
	const char *wd;      /* work tree, with trailing '/' */
	mc_vec dirs;         /* struct dirinfo* */
	mc_vec model_dirs;   /* char*: folders named models/entities */
	mc_vec model_globs;  /* char*: "**" patterns for model file names */
	mc_vec sqlite_files; /* char*: *.db, *.sqlite, *.sqlite3 files */
	unsigned reads;
};

static void dirinfo_free(void *p)
{
	struct dirinfo *d = p;
	if (d)
		mc_free(d->rel);
	mc_free(d);
}

static void detect_dispose(struct detect *d)
{
	mc_vec_dispose_deep(&d->dirs, dirinfo_free);
	mc_vec_dispose_deep(&d->model_dirs, mc_free);
	mc_vec_dispose_deep(&d->model_globs, mc_free);
	mc_vec_dispose_deep(&d->sqlite_files, mc_free);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static size_t leading_digits(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

static int vec_has(const mc_vec *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return 1;
	return 0;
}

static int push_copy(mc_vec *v, const char *s)
{
	char *copy;
	if (vec_has(v, s))
		return 0;
	if ((copy = mc_strdup(s)) == NULL || mc_vec_push(v, copy) < 0) {
		mc_free(copy);
		return mc_error_set_oom();
	}
	return 0;
}

static int dirinfo_get(struct dirinfo **out, struct detect *d, const char *rel)
{
	struct dirinfo *di;

	for (size_t i = 0; i < d->dirs.len; i++) {
		di = d->dirs.items[i];
		if (!strcmp(di->rel, rel)) {
			*out = di;
			return 0;
		}
	}
	if ((di = mc_calloc(1, sizeof(*di))) == NULL ||
	    (di->rel = mc_strdup(rel)) == NULL ||
	    mc_vec_push(&d->dirs, di) < 0) {
		dirinfo_free(di);
		return mc_error_set_oom();
	}
	*out = di;
	return 0;
}

/* Read up to MAX_HEAD bytes of a file, lowercased, NUL-terminated. */
static char *read_head(struct detect *d, const char *path)
{
	FILE *f;
	char *buf;
	size_t n;

	if (d->reads >= MAX_READS || (f = fopen(path, "rb")) == NULL)
		return NULL;
	d->reads++;
	if ((buf = mc_malloc(MAX_HEAD + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MAX_HEAD, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return buf;
}

static unsigned count_any(const char *text, const char *const *words, size_t n)
{
	unsigned hits = 0;
	for (size_t i = 0; i < n; i++)
		if (strstr(text, words[i]))
			hits++;
	return hits;
}

static const char *const sqlite_words[] = { "autoincrement",   "pragma ",
	                                    "without rowid",   "strftime(",
	                                    "datetime('now')", "sqlite_" };
static const char *const pg_words[] = { "serial",
	                                "jsonb",
	                                "timestamptz",
	                                "create extension",
	                                "$$",
	                                "gen_random_uuid",
	                                "uuid_generate",
	                                "plpgsql",
	                                "bytea",
	                                "::" };

/* The popx dialect segment: "1_x.postgres.up.sql". */
static int popx_segment(const char *name, const char *suffix)
{
	static const char *const segs[] = { ".postgres",  ".sqlite3",
		                            ".sqlite",    ".mysql",
		                            ".cockroach", ".autocommit" };
	size_t n = strlen(name) - strlen(suffix);
	for (size_t i = 0; i < MC_ARRAY_SIZE(segs); i++) {
		size_t m = strlen(segs[i]);
		if (n > m && !strncasecmp(name + n - m, segs[i], m))
			return 1;
	}
	return 0;
}

static int classify_sql(struct detect *d,
                        struct dirinfo **di,
                        const char *rel,
                        const char *name,
                        const char *path)
{
	size_t digits = leading_digits(name);
	int fmt = 0, down = 0, error;
	char *head = NULL;

	if ((name[0] == 'V' || name[0] == 'U' || name[0] == 'B') &&
	    isdigit((unsigned char)name[1]) && strstr(name, "__")) {
		fmt = MC_FORMAT_FLYWAY;
		down = name[0] == 'U';
	} else if (!strncmp(name, "R__", 3)) {
		fmt = MC_FORMAT_FLYWAY;
	} else if (digits && ends_with(name, ".up.sql")) {
		fmt = popx_segment(name, ".up.sql") ? MC_FORMAT_POPX
		                                    : MC_FORMAT_GOLANG_MIGRATE;
	} else if (digits && ends_with(name, ".down.sql")) {
		/* golang-migrate, popx or plain: the up files decide */
		down = 1;
	}
	head = read_head(d, path);
	if (head && !fmt && !down) {
		if (strstr(head, "+goose up"))
			fmt = MC_FORMAT_GOOSE;
		else if (strstr(head, "+migrate up"))
			fmt = MC_FORMAT_SQL_MIGRATE;
		else if (strstr(head, "migrate:up"))
			fmt = MC_FORMAT_DBMATE;
		else if (digits && name[digits] == '_')
			fmt = MC_FORMAT_PLAIN;
		if (fmt && fmt != MC_FORMAT_PLAIN)
			down = strstr(head, "+goose down") ||
			       strstr(head, "+migrate down") ||
			       strstr(head, "migrate:down");
	}
	if (!fmt && !down) {
		mc_free(head);
		return 0;
	}
	if ((error = dirinfo_get(di, d, rel)) < 0) {
		mc_free(head);
		return error;
	}
	if (fmt) {
		(*di)->votes[fmt]++;
		(*di)->migrations++;
	}
	if (down)
		(*di)->downs++;
	if (head) {
		(*di)->sqlite_hits += count_any(head, sqlite_words,
		                                MC_ARRAY_SIZE(sqlite_words));
		(*di)->pg_hits +=
		        count_any(head, pg_words, MC_ARRAY_SIZE(pg_words));
	}
	mc_free(head);
	return 0;
}

static int classify_file(struct detect *d,
                         const char *rel,
                         const char *name,
                         const char *path)
{
	struct dirinfo *di = NULL;
	size_t digits = leading_digits(name);
	int error;

	if (ends_with(name, ".sql"))
		return classify_sql(d, &di, rel, name, path);
	if (digits == 14 && name[14] == '-' &&
	    (ends_with(name, ".js") || ends_with(name, ".cjs"))) {
		if ((error = dirinfo_get(&di, d, rel)) < 0)
			return error;
		di->votes[MC_FORMAT_SEQUELIZE]++;
		di->migrations++;
		di->downs++; /* a sequelize migration exports up and down */
		return 0;
	}
	if (digits && name[digits] == '_' && ends_with(name, ".go")) {
		char *head = read_head(d, path);
		int goose = head && strstr(head, "goose");
		mc_free(head);
		if (!goose)
			return 0;
		if ((error = dirinfo_get(&di, d, rel)) < 0)
			return error;
		di->votes[MC_FORMAT_GOOSE]++;
		di->migrations++;
		return 0;
	}
	if (ends_with(name, ".db") || ends_with(name, ".sqlite") ||
	    ends_with(name, ".sqlite3")) {
		char *p = mc_asprintf("%s%s%s", strcmp(rel, ".") ? rel : "",
		                      strcmp(rel, ".") ? "/" : "", name);
		if (!p)
			return mc_error_set_oom();
		error = push_copy(&d->sqlite_files, p);
		mc_free(p);
		return error;
	}
	/* model files by name, wherever they are */
	{
		static const struct {
			const char *suffix;
			const char *glob;
		} models[] = {
			{ "-models.ts", "**/*-models.ts" },
			{ "-models.js", "**/*-models.js" },
			{ ".model.ts", "**/*.model.ts" },
			{ ".model.js", "**/*.model.js" },
			{ ".entity.ts", "**/*.entity.ts" },
		};
		for (size_t i = 0; i < MC_ARRAY_SIZE(models); i++)
			if (ends_with(name, models[i].suffix))
				return push_copy(&d->model_globs,
				                 models[i].glob);
		if (!strcmp(name, "models.py"))
			return push_copy(&d->model_globs, "**/models.py");
	}
	return 0;
}

static int skip_dir(const char *name)
{
	static const char *const skip[] = { "node_modules",
		                            "vendor",
		                            "build",
		                            "dist",
		                            "target",
		                            "__pycache__",
		                            "bower_components",
		                            "coverage",
		                            "tmp" };
	if (name[0] == '.')
		return 1;
	for (size_t i = 0; i < MC_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return 1;
	return 0;
}

static int walk(struct detect *d, const char *rel, int depth)
{
	DIR *dir;
	struct dirent *de;
	char *path = NULL, *child = NULL, *full = NULL;
	struct stat st;
	int error = 0;

	if ((path = mc_asprintf("%s%s", d->wd, strcmp(rel, ".") ? rel : "")) ==
	    NULL)
		return mc_error_set_oom();
	if ((dir = opendir(path)) == NULL) {
		mc_free(path);
		return 0; /* unreadable folders are not ours to judge */
	}
	while (!error && (de = readdir(dir)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		mc_free(full);
		mc_free(child);
		full = mc_asprintf("%s/%s", path, de->d_name);
		child = strcmp(rel, ".") ? mc_asprintf("%s/%s", rel, de->d_name)
		                         : mc_strdup(de->d_name);
		if (!full || !child) {
			error = mc_error_set_oom();
			break;
		}
		if (lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (skip_dir(de->d_name))
				continue;
			if (!strcasecmp(de->d_name, "models") ||
			    !strcmp(de->d_name, "entities")) {
				char *glob = mc_asprintf("%s/**", child);
				if (!glob) {
					error = mc_error_set_oom();
					break;
				}
				error = push_copy(&d->model_dirs, glob);
				mc_free(glob);
			}
			if (!error && depth < MAX_DEPTH)
				error = walk(d, child, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			error = classify_file(d, rel, de->d_name, full);
		}
	}
	closedir(dir);
	mc_free(full);
	mc_free(child);
	mc_free(path);
	return error;
}

static int strong_format(int f)
{
	return f != MC_FORMAT_PLAIN && f != MC_FORMAT_SEQUELIZE &&
	       f != MC_FORMAT_AUTO;
}

static int best_format(const struct dirinfo *di)
{
	int best = 0;
	for (size_t f = 1; f < NFORMATS; f++)
		if (di->votes[f] > di->votes[best])
			best = (int)f;
	return di->votes[best] ? best : 0;
}

/* A folder holds migrations when a format is clear, or named for them. */
static int is_migrations_dir(const struct dirinfo *di)
{
	int f = best_format(di);
	const char *base = strrchr(di->rel, '/');
	base = base ? base + 1 : di->rel;
	if (!f)
		return 0;
	if (strong_format(f))
		return 1;
	for (const char *p = di->rel; *p; p++)
		if (!strncasecmp(p, "migrat", 6))
			return 1;
	return !strcasecmp(base, "sql");
}

/* Folders of tests and examples hold migrations that are not the project's. */
static int testish(const char *rel)
{
	static const char *const names[] = {
		"test", "tests",   "testdata", "fixtures", "__tests__",
		"spec", "example", "examples", "e2e",      "samples"
	};
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		for (size_t i = 0; i < MC_ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == n &&
			    !strncasecmp(p, names[i], n))
				return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is path inside (or equal to) one of the folders? */
static int under_any(const mc_vec *dirs, const char *path)
{
	for (size_t i = 0; i < dirs->len; i++) {
		const char *dir = dirs->items[i];
		size_t n = strlen(dir);
		if (!strncmp(path, dir, n) &&
		    (path[n] == '/' || path[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Search a small text file for any of the words. */
static int file_mentions(const char *wd,
                         const char *rel,
                         const char *const *words,
                         size_t n,
                         const char **which)
{
	mc_buf path = MC_BUF_INIT, text = MC_BUF_INIT;
	int found = 0;

	if (mc_buf_joinpath(&path, wd, rel) == 0 &&
	    access(mc_buf_cstr(&path), R_OK) == 0 &&
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

/* Decide the dialect, saying on what grounds in why. */
static mc_dialect
guess_dialect(const struct detect *d, const mc_vec *dirs, mc_buf *why)
{
	static const char *const pkg_sqlite[] = { "\"sqlite3\"",
		                                  "\"better-sqlite3\"",
		                                  "\"@libsql/client\"" };
	static const char *const pkg_pg[] = { "\"pg\"", "\"pg-promise\"",
		                              "\"postgres\"" };
	static const char *const go_sqlite[] = { "github.com/mattn/go-sqlite3",
		                                 "modernc.org/sqlite" };
	static const char *const go_pg[] = { "github.com/lib/pq",
		                             "github.com/jackc/pgx" };
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
		{ "package.json", pkg_sqlite, MC_ARRAY_SIZE(pkg_sqlite),
		  MC_DIALECT_SQLITE, "package.json depends on" },
		{ "go.mod", go_sqlite, MC_ARRAY_SIZE(go_sqlite),
		  MC_DIALECT_SQLITE, "go.mod requires" },
		{ "config/config.json", seq_sqlite, MC_ARRAY_SIZE(seq_sqlite),
		  MC_DIALECT_SQLITE, "config/config.json sets" },
		{ "package.json", pkg_pg, MC_ARRAY_SIZE(pkg_pg),
		  MC_DIALECT_POSTGRES, "package.json depends on" },
		{ "go.mod", go_pg, MC_ARRAY_SIZE(go_pg), MC_DIALECT_POSTGRES,
		  "go.mod requires" },
		{ "config/config.json", seq_pg, MC_ARRAY_SIZE(seq_pg),
		  MC_DIALECT_POSTGRES, "config/config.json sets" },
	};
	unsigned sq = 0, pg = 0;
	const char *w = NULL;
	mc_dialect result = MC_DIALECT_POSTGRES;
	int rc;

	for (size_t i = 0; i < d->dirs.len; i++) {
		const struct dirinfo *di = d->dirs.items[i];
		if (vec_has(dirs, di->rel)) {
			sq += di->sqlite_hits;
			pg += di->pg_hits;
		}
	}
	if (sq != pg) {
		result = sq > pg ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
		rc = mc_buf_puts(
		        why,
		        sq > pg ? "the migrations use SQLite-only SQL such as AUTOINCREMENT or PRAGMA"
		                : "the migrations use PostgreSQL-only SQL such as SERIAL, JSONB or $$");
		goto done;
	}
	for (size_t i = 0; i < MC_ARRAY_SIZE(deps); i++)
		if (file_mentions(d->wd, deps[i].file, deps[i].words, deps[i].n,
		                  &w)) {
			result = deps[i].dialect;
			rc = mc_buf_printf(why, "%s %s", deps[i].what, w);
			goto done;
		}
	if (d->sqlite_files.len) {
		result = MC_DIALECT_SQLITE;
		rc = mc_buf_printf(why,
		                   "SQLite database file '%s' in the work tree",
		                   (const char *)d->sqlite_files.items[0]);
		goto done;
	}
	rc = mc_buf_puts(why,
	                 "default: nothing in the repository points at SQLite");
done:
	if (rc < 0)
		mc_error_clear(); /* only the note is lost */
	return result;
}

/* A value in git-config syntax: quoted when it would not survive bare. */
static int put_value(mc_buf *b, const char *v)
{
	int quote =
	        v[0] == ' ' || v[0] == '\t' || strpbrk(v, "#;\"\\") != NULL ||
	        (*v && (v[strlen(v) - 1] == ' ' || v[strlen(v) - 1] == '\t'));
	int error = 0;

	if (!quote)
		return mc_buf_puts(b, v);
	error = mc_buf_putc(b, '"');
	for (const char *p = v; *p && !error; p++) {
		if (*p == '"' || *p == '\\')
			error = mc_buf_putc(b, '\\');
		if (!error)
			error = mc_buf_putc(b, *p);
	}
	return error ? error : mc_buf_putc(b, '"');
}

static int
put_key(mc_buf *b, const char *comment, const char *key, const char *value)
{
	int error;
	if ((comment && (error = mc_buf_printf(b, "\t# %s\n", comment)) < 0) ||
	    (error = mc_buf_printf(b, "\t%s = ", key)) < 0 ||
	    (error = put_value(b, value)) < 0)
		return error;
	return mc_buf_putc(b, '\n');
}

struct plan {
	mc_vec dirs; /* char*, borrowed from detect or options */
	int format;  /* mc_format */
	mc_dialect dialect;
	int require_down;
	const char *deploy_ref;
	int deploy_ref_found;
	mc_vec models; /* char*, borrowed */
};

static int compose(mc_buf *b, const struct plan *p)
{
	int error = 0;

#define PUT(s)                                                                 \
	do {                                                                   \
		if ((error = mc_buf_puts(b, (s))) < 0)                         \
			return error;                                          \
	} while (0)
#define KEY(c, k, v)                                                           \
	do {                                                                   \
		if ((error = put_key(b, (c), (k), (v))) < 0)                   \
			return error;                                          \
	} while (0)
	PUT("# .migcheck: configuration of migcheck, written by 'migcheck init'.\n"
	    "# git-config syntax: edit with 'git config -f .migcheck <section>.<key> <value>'.\n"
	    "# Any key can be overridden per clone with\n"
	    "# 'git config migcheck.<section>.<key> <value>' and by command-line options.\n"
	    "\n[migrations]\n");
	for (size_t i = 0; i < p->dirs.len; i++)
		KEY(i == 0 ? "folder holding the migrations, relative to the repository root; may repeat"
		           : NULL,
		    "dir", p->dirs.items[i]);
	KEY("golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize | auto",
	    "format", format_names[p->format]);
	KEY("postgres | sqlite: how the SQL is parsed and which scratch database replays it",
	    "dialect", mc_dialect_name(p->dialect));
	KEY(p->require_down
	            ? "a migration without a down script is a finding"
	            : "a migration without a down script is a finding (no down scripts were found, so off)",
	    "requireDown", p->require_down ? "true" : "false");
	PUT("\n[deploy]\n");
	KEY(p->deploy_ref_found
	            ? "a migration whose file is in this ref's tree is deployed and must not change;\n"
	              "\t# may repeat, globs allowed (refs/tags/v*)"
	            : "a migration whose file is in this ref's tree is deployed and must not change;\n"
	              "\t# may repeat, globs allowed (refs/tags/v*). NOT FOUND in this clone yet: check the name",
	    "ref", p->deploy_ref);
	PUT("\n[models]\n");
	if (p->models.len == 0)
		PUT("\t# globs of ORM model files: a change to them with no new migration is a finding\n"
		    "\t#path = src/models/**\n");
	for (size_t i = 0; i < p->models.len; i++)
		KEY(i == 0 ? "globs of ORM model files: a change to them with no new migration is a finding; may repeat"
		           : NULL,
		    "path", p->models.items[i]);
	PUT("\t# the schema the models describe, as SQL, or a command building it in $DATABASE_URL\n"
	    "\t#schema = db/schema.sql\n"
	    "\t#command = node scripts/sync-models.js\n");
	if (p->format == MC_FORMAT_SEQUELIZE) {
		PUT("\n[runner]\n");
		KEY("how to run migrations that are not SQL: {file} is the migration file, {url} the scratch database",
		    "up",
		    "npx sequelize-cli db:migrate --to {file} --url {url}");
		KEY(NULL, "down",
		    "npx sequelize-cli db:migrate:undo --url {url}");
	} else {
		PUT("\n[runner]\n"
		    "\t# how to run migrations that are not SQL (e.g. Sequelize JS): {file}, {url}\n"
		    "\t#up = npx sequelize-cli db:migrate --to {file} --url {url}\n"
		    "\t#down = npx sequelize-cli db:migrate:undo --url {url}\n");
	}
	PUT("\n[scratch]\n"
	    "\t# PostgreSQL server where scratch databases are created (or $MIGCHECK_SCRATCH_URL)\n"
	    "\t#postgres = postgres://localhost/postgres\n"
	    "\n[severity]\n"
	    "\t# change a finding's severity: <code> = error | warning | off\n"
	    "\t#modified-deployed-down = warning\n");
#undef PUT
#undef KEY
	return error;
}

/* Write text to a new file beside target, check it loads, move it in place. */
static int
write_checked(const char *target, const char *text, size_t len, int dry_run)
{
	const char *tmpdir = getenv("TMPDIR");
	char *tmp = NULL;
	mc_config *c = NULL;
	FILE *f = NULL;
	int fd, rc = MC_EXIT_ENV;

	tmp = dry_run ? mc_asprintf("%s/migcheck-init.XXXXXX",
	                            tmpdir && *tmpdir ? tmpdir : "/tmp")
	              : mc_asprintf("%s.XXXXXX", target);
	if (!tmp)
		return cli_error(MC_EXIT_ENV, "out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot create '%s': %s", tmp,
		               strerror(errno));
		mc_free(tmp);
		return rc;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		f = NULL;
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	f = NULL;
	if (chmod(tmp, 0644) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	if (mc_config_load_file(&c, tmp, CONFIG_FILE) < 0) {
		/* a bug in init, not the user's doing: say so */
		rc = cli_error(
		        MC_EXIT_ENV,
		        "internal error: the generated .migcheck does not load: %s",
		        mc_error_last() ? mc_error_last()->message : "?");
		goto done;
	}
	if (!dry_run && rename(tmp, target) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s",
		               CONFIG_FILE, strerror(errno));
		goto done;
	}
	if (!dry_run) {
		mc_free(tmp);
		tmp = NULL;
	}
	rc = MC_EXIT_OK;
done:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		mc_free(tmp);
	}
	mc_config_free(c);
	return rc;
}

static void note(const char *fmt, ...) MC_PRINTF(1, 2);
static void note(const char *fmt, ...)
{
	va_list ap;
	if (mc_cli.quiet)
		return;
	fputs("migcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_init(int argc, char **argv)
{
	enum { OPT_FORCE = 2000, OPT_DIR, OPT_DIALECT, OPT_MFORMAT };
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "dialect", required_argument, NULL, OPT_DIALECT },
		{ "migration-format", required_argument, NULL, OPT_MFORMAT },
		{ NULL, 0, NULL, 0 }
	};
	const char *shortopts = "+n" MC_COMMON_SHORTOPTS;
	struct detect d = { 0 };
	struct plan p = { 0 };
	mc_config *opt = NULL; /* options, validated like .migcheck */
	mc_buf target = MC_BUF_INIT, text = MC_BUF_INIT, ref = MC_BUF_INIT,
	       why = MC_BUF_INIT;
	const char *how = NULL;
	int force = 0, dry_run = 0, dialect_set = 0, format_set = 0, existed;
	int ch, rc = MC_EXIT_OK, error;
	struct stat st;

	if (mc_config_new(&opt) < 0)
		return cli_error_last();
	while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			goto out;
		case OPT_FORCE:
			force = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		case OPT_DIR:
			error = mc_config_add(opt, "migrations.dir", optarg);
			goto check_opt;
		case OPT_DIALECT:
			dialect_set = 1;
			error = mc_config_set(opt, "migrations.dialect",
			                      optarg);
			goto check_opt;
		case OPT_MFORMAT:
			format_set = 1;
			error = mc_config_set(opt, "migrations.format", optarg);
		check_opt:
			if (error < 0) {
				rc = cli_usage_error("init", usage, "%s",
				                     mc_error_last()->message);
				goto out;
			}
			break;
		case '?':
			rc = cli_bad_option("init", usage, shortopts, argc,
			                    argv);
			goto out;
		default:
			if ((rc = cli_common_opt(ch, optarg, "init")) != 0)
				goto out;
		}
	}
	if (optind < argc) {
		rc = cli_usage_error("init", usage, "unexpected argument '%s'",
		                     argv[optind]);
		goto out;
	}

	d.wd = mc_repo_workdir(mc_cli.repo);
	if (mc_buf_joinpath(&target, d.wd, CONFIG_FILE) < 0) {
		rc = cli_error_last();
		goto out;
	}
	existed = lstat(mc_buf_cstr(&target), &st) == 0;
	if (existed && !force && !dry_run) {
		rc = cli_error(
		        MC_EXIT_USAGE,
		        "'%s' already exists; run 'migcheck init --force' to overwrite it",
		        CONFIG_FILE);
		goto out;
	}

	if (walk(&d, ".", 1) < 0) {
		rc = cli_error_last();
		goto out;
	}

	/* folders */
	if (opt->dirs.len) {
		for (size_t i = 0; i < opt->dirs.len; i++) {
			mc_buf dp = MC_BUF_INIT;
			int isdir = mc_buf_joinpath(&dp, d.wd,
			                            opt->dirs.items[i]) == 0 &&
			            stat(mc_buf_cstr(&dp), &st) == 0 &&
			            S_ISDIR(st.st_mode);
			mc_buf_dispose(&dp);
			if (!isdir) {
				rc = cli_error(
				        MC_EXIT_USAGE,
				        "no folder '%s' in the work tree",
				        (const char *)opt->dirs.items[i]);
				goto out;
			}
			if (mc_vec_push(&p.dirs, opt->dirs.items[i]) < 0) {
				rc = cli_error_last();
				goto out;
			}
		}
	} else {
		int real = 0;
		for (size_t i = 0; i < d.dirs.len; i++) {
			struct dirinfo *di = d.dirs.items[i];
			if (is_migrations_dir(di) && !testish(di->rel))
				real = 1;
		}
		for (size_t i = 0; i < d.dirs.len; i++) {
			struct dirinfo *di = d.dirs.items[i];
			if (!is_migrations_dir(di))
				continue;
			if (real && testish(di->rel)) {
				note("skipped '%s': test or example migrations",
				     di->rel);
				continue;
			}
			if (mc_vec_push(&p.dirs, di->rel) < 0) {
				rc = cli_error_last();
				goto out;
			}
		}
		if (p.dirs.len == 0) {
			rc = cli_error(
			        MC_EXIT_USAGE,
			        "no migrations folder found in the work tree; name it with 'migcheck init --dir <dir>'");
			goto out;
		}
	}
	mc_vec_sort(&p.dirs, cmp_str);

	/* format, and whether any down scripts exist */
	{
		unsigned migrations = 0, downs = 0;
		p.format = -1;
		for (size_t i = 0; i < d.dirs.len; i++) {
			struct dirinfo *di = d.dirs.items[i];
			int f;
			if (!vec_has(&p.dirs, di->rel))
				continue;
			f = best_format(di);
			migrations += di->migrations;
			downs += di->downs;
			if (p.format == -1 || p.format == f)
				p.format = f;
			else
				p.format = MC_FORMAT_AUTO;
		}
		if (p.format < 0)
			p.format = MC_FORMAT_AUTO;
		if (format_set)
			p.format = (int)opt->format;
		p.require_down = !(migrations > 0 && downs == 0);
		for (size_t i = 0; i < p.dirs.len; i++) {
			unsigned n = 0;
			for (size_t j = 0; j < d.dirs.len; j++) {
				struct dirinfo *di = d.dirs.items[j];
				if (!strcmp(di->rel, p.dirs.items[i]))
					n = di->migrations;
			}
			note("migrations: '%s' (%u file%s)",
			     (const char *)p.dirs.items[i], n,
			     n == 1 ? "" : "s");
		}
		note("format: %s%s", format_names[p.format],
		     format_set ? " (--migration-format)"
		     : p.format == MC_FORMAT_AUTO
		             ? " (the folders differ or nothing matched: detected per folder)"
		             : "");
	}

	/* dialect */
	if (dialect_set && opt->dialect != MC_DIALECT_UNKNOWN) {
		p.dialect = opt->dialect;
		note("dialect: %s (--dialect)", mc_dialect_name(p.dialect));
	} else {
		p.dialect = guess_dialect(&d, &p.dirs, &why);
		note("dialect: %s (%s)", mc_dialect_name(p.dialect),
		     mc_buf_cstr(&why));
	}

	/* deploy ref */
	error = mc_repo_default_deploy_ref(&ref, &how, mc_cli.repo);
	if (error == 0) {
		p.deploy_ref = mc_buf_cstr(&ref);
		p.deploy_ref_found = 1;
		note("deploy ref: %s, %s", p.deploy_ref, how);
	} else if (error == MC_ENOTFOUND) {
		p.deploy_ref = "refs/remotes/origin/main";
		note("deploy ref: %s (a guess: no origin branch and no local main or master yet; edit deploy.ref)",
		     p.deploy_ref);
	} else {
		rc = cli_error_last();
		goto out;
	}

	/* model paths: folders named models/, then file-name patterns */
	mc_vec_sort(&d.model_dirs, cmp_str);
	for (size_t i = 0; i < d.model_dirs.len && p.models.len < MAX_MODELS;
	     i++) {
		char *m = d.model_dirs.items[i];
		size_t n =
		        strlen(m) - 3; /* drop the trailing slash-star-star */
		char *dir = mc_strndup(m, n);
		int skip = !dir || under_any(&p.dirs, dir);
		/* models/ inside an already listed models/ */
		for (size_t j = 0; !skip && j < p.models.len; j++) {
			const char *prev = p.models.items[j];
			size_t pn = strlen(prev) - 3;
			if (!strncmp(m, prev, pn) && m[pn] == '/')
				skip = 1;
		}
		mc_free(dir);
		if (!skip && mc_vec_push(&p.models, m) < 0) {
			rc = cli_error_last();
			goto out;
		}
	}
	for (size_t i = 0; i < d.model_globs.len && p.models.len < MAX_MODELS;
	     i++)
		if (mc_vec_push(&p.models, d.model_globs.items[i]) < 0) {
			rc = cli_error_last();
			goto out;
		}
	if (p.models.len) {
		mc_buf list = MC_BUF_INIT;
		for (size_t i = 0; i < p.models.len; i++)
			if (mc_buf_printf(&list, "%s%s", i ? ", " : "",
			                  (const char *)p.models.items[i]) < 0)
				break;
		note("model paths: %s", mc_buf_cstr(&list));
		mc_buf_dispose(&list);
	} else {
		note("model paths: none found (set models.path to enable model-without-migration)");
	}
	if (p.format == MC_FORMAT_SEQUELIZE)
		note("runner: sequelize-cli (npx) runs the JS migrations");

	if (compose(&text, &p) < 0) {
		rc = cli_error_last();
		goto out;
	}
	if ((rc = write_checked(mc_buf_cstr(&target), mc_buf_cstr(&text),
	                        text.size, dry_run)) != 0)
		goto out;
	fwrite(mc_buf_cstr(&text), 1, text.size, stdout);
	fflush(stdout);
	if (dry_run)
		note("dry run: %s not written", CONFIG_FILE);
	else
		fprintf(stderr, "migcheck: wrote %s%s\n", CONFIG_FILE,
		        existed ? " (replacing the old one: --force)" : "");

out:
	mc_vec_dispose(&p.dirs);
	mc_vec_dispose(&p.models);
	detect_dispose(&d);
	mc_config_free(opt);
	mc_buf_dispose(&target);
	mc_buf_dispose(&text);
	mc_buf_dispose(&ref);
	mc_buf_dispose(&why);
	return rc;
}
