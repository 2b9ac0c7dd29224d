/*
 * cmd_init.c: 'migcheck init': look at the work tree, guess the migrations
 * folder(s), their format and dialect, the deploy refs and the model files,
 * and write .migcheck (git-config syntax, a comment above every key).
 *
 * Folders come from mc_migration_find_dirs, as 'list' finds them without
 * configuration, and are read and parsed by the migration module (format,
 * downs, SQL for dialect hints); one more walk of the work tree
 * (mc_migration_scan_tree) finds SQLite databases and the files that define
 * ORM models. Git refs come from src/git (mc_repo_default_deploy_ref, and
 * mc_repo_release_refs for the release tags). The text
 * written is loaded back through the config loader before it replaces anything,
 * so init never writes a .migcheck that migcheck itself would refuse.
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
#include "migcheck/quote.h"
#include "migcheck/vec.h"
#include "util/banned.h"

#define CONFIG_FILE ".migcheck"
#define MAX_HEAD    ((size_t)64 * 1024) /* bytes of a .sql file looked at */

static const char usage[] =
        "usage: migcheck init [--force] [--dry-run] [--dir <dir>]... [--dialect <d>] [--migration-format <f>]\n";

static const char help[] =
        "Detect the migrations folder(s), format, dialect, deploy refs (origin's default\n"
        "branch and the release tags) and model paths, and write them to .migcheck at\n"
        "the repository root (printed on stdout).\n"
        "      --force           overwrite an existing .migcheck\n"
        "  -n, --dry-run         print what would be written; write nothing\n"
        "      --dir <dir>       migrations folder (repeatable); skips folder detection\n"
        "      --dialect <d>     postgres or sqlite; skips dialect detection\n"
        "      --migration-format <f>\n"
        "                        golang-migrate, dbmate, goose, sql-migrate, flyway,\n"
        "                        popx, plain or sequelize; skips format detection\n";

/* What init learnt about one migrations folder. */
struct folder {
	char *rel;          /* repo-relative */
	mc_format format;   /* detected (or --migration-format) */
	unsigned files;     /* files in it */
	unsigned versioned; /* versioned migrations */
	unsigned downs;     /* of which have a down (code: assumed) */
	unsigned sqlite_hits, pg_hits;
	int keep;
	mc_dialect dialect; /* its own, or UNKNOWN: the project's */
	mc_buf why;         /* on what grounds */
	int seq_found;      /* a Sequelize folder whose app was found */
	mc_sequelize_app seq; /* then: for the resident runner */
};

struct detect {
	const char *wd;      /* work tree, with trailing '/' */
	mc_vec folders;      /* struct folder*: the chosen ones */
	mc_tree_scan scan;   /* SQLite files and model paths */
};

static void folder_free(void *p)
{
	struct folder *f = p;
	if (f) {
		mc_free(f->rel);
		mc_buf_dispose(&f->why);
		mc_sequelize_app_dispose(&f->seq);
	}
	mc_free(f);
}

static void detect_dispose(struct detect *d)
{
	mc_vec_dispose_deep(&d->folders, folder_free);
	mc_tree_scan_dispose(&d->scan);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
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

/*
 * Refuse a folder that the other commands refuse (mc_repo_check_dirs: a
 * symbolic link or a submodule, or below one, in HEAD or in the work tree,
 * or a repository of its own), with the same message. @return 0, or
 * MC_ERROR with MC_ERROR_CONFIG and the fix in the message.
 */
static int folder_kind_ok(const char *rel)
{
	mc_vec one = MC_VEC_INIT;
	int error = mc_vec_push(&one, (void *)rel);

	if (!error)
		error = mc_repo_check_dirs(mc_cli.repo, &one);
	mc_vec_dispose(&one);
	return error;
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

/*
 * Read a folder through the migration module: its format (unless forced),
 * how many versioned migrations have a down, and dialect hints in its SQL.
 */
static int folder_examine(struct folder *f, const char *wd, mc_format forced)
{
	mc_file_list *files = NULL;
	mc_migration_list *list = NULL;
	char *low = NULL;
	int error;

	if ((error = mc_file_list_read_dir(&files, wd, f->rel)) < 0) {
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
			low[j] = file->data[j]
			                 ? (char)tolower(
			                           (unsigned char)file->data[j])
			                 : ' ';
		low[n] = '\0';
		f->sqlite_hits += count_any(low, sqlite_words,
		                            MC_ARRAY_SIZE(sqlite_words));
		f->pg_hits += count_any(low, pg_words, MC_ARRAY_SIZE(pg_words));
		mc_free(low);
		low = NULL;
	}
	f->format = forced != MC_FORMAT_AUTO ? forced : mc_format_detect(files);
	if ((error = mc_migration_list_parse(&list, files, f->rel, f->format,
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

static int cmp_folder(const void *a, const void *b)
{
	const struct folder *x = *(const struct folder *const *)a;
	const struct folder *y = *(const struct folder *const *)b;
	return strcmp(x->rel, y->rel);
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
static mc_dialect guess_dialect(const struct detect *d, mc_buf *why)
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

	for (size_t i = 0; i < d->folders.len; i++) {
		const struct folder *f = d->folders.items[i];
		sq += f->sqlite_hits;
		pg += f->pg_hits;
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
	if (d->scan.sqlite_files.len) {
		result = MC_DIALECT_SQLITE;
		rc = mc_buf_printf(why,
		                   "SQLite database file '%s' in the work tree",
		                   (const char *)d->scan.sqlite_files.items[0]);
		goto done;
	}
	rc = mc_buf_puts(why,
	                 "default: nothing in the repository points at SQLite");
done:
	if (rc < 0)
		mc_error_clear(); /* only the note is lost */
	return result;
}

struct plan {
	mc_vec dirs; /* char*, borrowed from detect or options */
	mc_format format;
	mc_dialect dialect;
	int require_down;
	const char *deploy_ref;
	int deploy_ref_found;
	const mc_vec *release_refs; /* char*: more deploy refs, the release tags */
	mc_vec models; /* char*, borrowed */
	const mc_vec *folders; /* struct folder*: a section each when per_folder */
	int per_folder;        /* the folders' dialects differ */
};

/*
 * The values init writes, for mc_config_template: the key table adds the
 * sections, the comments and the commented examples. Comments made here
 * are kept in owned (char*).
 */
struct values {
	mc_config_init_value *v;
	size_t n, cap;
	mc_vec owned;
};

static int value_add(struct values *vs, const char *key, const char *dir,
                     const char *value, const char *comment)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 32;
		mc_config_init_value *v = mc_realloc(vs->v, cap * sizeof(*v));
		if (!v)
			return mc_error_set_oom();
		vs->v = v;
		vs->cap = cap;
	}
	vs->v[vs->n].key = key;
	vs->v[vs->n].dir = dir;
	vs->v[vs->n].value = value;
	vs->v[vs->n].comment = comment;
	vs->n++;
	return 0;
}

/* As value_add, comment being new (NULL: out of memory); it is kept. */
static int value_add_own(struct values *vs, const char *key, const char *dir,
                         const char *value, char *comment)
{
	if (!comment || mc_vec_push(&vs->owned, comment) < 0) {
		mc_free(comment);
		return mc_error_set_oom();
	}
	return value_add(vs, key, dir, value, comment);
}

/*
 * The resident Sequelize runner for folder f: tool_key = sequelize (none
 * when NULL: said already), then env_key = NAME=VALUE for each variable
 * its app's config reads, each with why.
 */
static int put_sequelize(struct values *vs, const struct folder *f,
                         const char *dir, const char *tool_key,
                         const char *env_key)
{
	int error = 0;

	if (tool_key)
		error = value_add_own(
		        vs, tool_key, dir, "sequelize",
		        f->seq_found
		                ? mc_asprintf("migcheck's resident Sequelize runner: one node process per run, in '%s' (%s)",
		                              *f->seq.app ? f->seq.app : ".", f->seq.why)
		                : mc_asprintf("migcheck's resident Sequelize runner: one node process per run, in the folder above\n"
		                              "\t# '%s' whose node_modules holds sequelize (none found: run 'npm install' there)",
		                              f->rel));
	for (size_t i = 0; f->seq_found && i < f->seq.env.len && !error; i++)
		error = value_add(vs, env_key, dir, f->seq.env.items[i],
		                  f->seq.env_why.items[i]);
	return error;
}

static int compose_values(struct values *vs, const struct plan *p)
{
	int error = 0;

#define VAL(k, d, val, c)                                                      \
	do {                                                                   \
		if ((error = value_add(vs, (k), (d), (val), (c))) < 0)         \
			return error;                                          \
	} while (0)
	for (size_t i = 0; i < p->dirs.len; i++)
		VAL("migrations.dir", NULL, p->dirs.items[i], NULL);
	VAL("migrations.format", NULL, mc_format_name(p->format), NULL);
	VAL("migrations.dialect", NULL, mc_dialect_name(p->dialect), NULL);
	VAL("migrations.requireDown", NULL, p->require_down ? "true" : "false",
	    p->require_down ? NULL
	                    : "a migration without a down script is a finding (no down scripts were found, so off)");
	for (size_t i = 0; p->folders && i < p->folders->len; i++) {
		const struct folder *f = p->folders->items[i];
		/* a Sequelize folder among others: its own runner */
		int own_runner = p->format != MC_FORMAT_SEQUELIZE &&
		                 f->format == MC_FORMAT_SEQUELIZE;
		if (p->per_folder &&
		    (error = value_add_own(
		             vs, "dialect", f->rel, mc_dialect_name(f->dialect),
		             mc_asprintf("this folder's own settings; dialect: %s",
		                         mc_buf_cstr(&f->why)))) < 0)
			return error;
		if (own_runner &&
		    (error = put_sequelize(vs, f, f->rel, "runnerTool",
		                           "runnerEnv")) < 0)
			return error;
	}
	VAL("deploy.ref", NULL, p->deploy_ref,
	    p->deploy_ref_found
	            ? NULL
	            : "a migration whose file is in this ref's tree is deployed and must not change;\n"
	              "\t# may repeat, globs allowed (refs/tags/v*). NOT FOUND in this clone yet: check the name");
	for (size_t i = 0; p->release_refs && i < p->release_refs->len; i++)
		VAL("deploy.ref", NULL, p->release_refs->items[i],
		    i == 0 ? "the release tags: a migration released in one is deployed too" : NULL);
	for (size_t i = 0; i < p->models.len; i++)
		VAL("models.path", NULL, p->models.items[i], NULL);
	for (size_t i = 0; p->format == MC_FORMAT_SEQUELIZE && p->folders &&
	                   i < p->folders->len;
	     i++)
		if ((error = put_sequelize(vs, p->folders->items[i], NULL,
		                           i == 0 ? "runner.tool" : NULL,
		                           "runner.env")) < 0)
			return error;
#undef VAL
	return 0;
}

static int compose(mc_buf *b, const struct plan *p)
{
	struct values vs = { NULL, 0, 0, MC_VEC_INIT };
	int error = compose_values(&vs, p);

	if (!error)
		error = mc_config_template(b, vs.v, vs.n);
	mc_free(vs.v);
	mc_vec_dispose_deep(&vs.owned, mc_free);
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
	mc_buf msg = MC_BUF_INIT, line = MC_BUF_INIT;
	va_list ap;
	int error;

	if (mc_cli.quiet)
		return;
	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* a folder name may hold a line break or an escape sequence */
	if (!error && mc_quote_text(&line, mc_buf_cstr(&msg), 0) == 0)
		fprintf(stderr, "migcheck: %s\n", mc_buf_cstr(&line));
	mc_error_clear();
	mc_buf_dispose(&msg);
	mc_buf_dispose(&line);
}

/*
 * Each folder's dialect: its name or its tool's settings
 * (mc_migration_detect_dialect), else its own SQL, else a dependency
 * near it, else the project's guess. When they differ, each folder gets
 * a section of its own. @return 0, or the exit status (printed)
 */
static int folder_dialects(struct detect *d, struct plan *p, mc_buf *why)
{
	size_t npg = 0, nsq = 0;
	int guessed = 0;

	for (size_t i = 0; i < d->folders.len; i++) {
		struct folder *f = d->folders.items[i];
		mc_dialect fd = MC_DIALECT_UNKNOWN;
		int strong = 0, rc;

		rc = mc_migration_detect_dialect(&fd, &strong, &f->why, d->wd,
		                                 f->rel);
		if (rc < 0 && rc != MC_ENOTFOUND)
			return cli_error_last();
		if (rc == 0 && fd == MC_DIALECT_UNKNOWN) {
			note("dialect: '%s': %s; not used", f->rel,
			     mc_buf_cstr(&f->why));
			rc = MC_ENOTFOUND;
		}
		mc_error_clear();
		if (rc == 0 && strong) {
			f->dialect = fd;
		} else if (f->sqlite_hits != f->pg_hits) {
			f->dialect = f->sqlite_hits > f->pg_hits ? MC_DIALECT_SQLITE
			                                          : MC_DIALECT_POSTGRES;
			mc_buf_clear(&f->why);
			if (mc_buf_puts(&f->why,
			                f->dialect == MC_DIALECT_SQLITE
			                        ? "the migrations use SQLite-only SQL such as AUTOINCREMENT or PRAGMA"
			                        : "the migrations use PostgreSQL-only SQL such as SERIAL, JSONB or $$") < 0)
				return cli_error_last();
		} else if (rc == 0) {
			f->dialect = fd;
		} else {
			/* the project's guess, made once */
			if (!guessed) {
				p->dialect = guess_dialect(d, why);
				guessed = 1;
			}
			f->dialect = p->dialect;
			mc_buf_clear(&f->why);
			if (mc_buf_puts(&f->why, mc_buf_cstr(why)) < 0)
				return cli_error_last();
		}
		if (f->dialect == MC_DIALECT_SQLITE)
			nsq++;
		else
			npg++;
	}
	p->folders = &d->folders;
	p->per_folder = npg && nsq;
	if (!p->per_folder) {
		const struct folder *f = d->folders.items[0];
		p->dialect = f->dialect;
		note("dialect: %s (%s)", mc_dialect_name(p->dialect),
		     mc_buf_cstr(&f->why));
		return 0;
	}
	/* the default for what is not a folder's: the most folders' */
	p->dialect = nsq > npg ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
	for (size_t i = 0; i < d->folders.len; i++) {
		const struct folder *f = d->folders.items[i];
		note("dialect: '%s': %s (%s)", f->rel,
		     mc_dialect_name(f->dialect), mc_buf_cstr(&f->why));
	}
	return 0;
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
	mc_vec found = MC_VEC_INIT, all = MC_VEC_INIT, skipped = MC_VEC_INIT;
	struct plan p = { 0 };
	mc_config *opt = NULL; /* options, validated like .migcheck */
	mc_buf target = MC_BUF_INIT, text = MC_BUF_INIT, ref = MC_BUF_INIT,
	       why = MC_BUF_INIT;
	mc_release_refs rel = MC_RELEASE_REFS_INIT;
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

	/* folders: as given, or where 'list' would look without a .migcheck */
	if (opt->dirs.len) {
		/* as check, list and log would refuse them */
		for (size_t i = 0; i < opt->dirs.len; i++)
			if (folder_kind_ok(opt->dirs.items[i]) < 0) {
				rc = cli_error_last();
				goto out;
			}
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
			if (push_copy(&found, opt->dirs.items[i]) < 0) {
				rc = cli_error_last();
				goto out;
			}
		}
	} else if (mc_migration_find_dirs(&found, d.wd) < 0) {
		rc = cli_error_last();
		goto out;
	} else {
		/* a link or a submodule found by looking: the others are
		 * used; with none left, refuse as check would */
		size_t kept = 0;
		for (size_t i = 0; i < found.len; i++) {
			if (folder_kind_ok(found.items[i]) == 0) {
				found.items[kept++] = found.items[i];
				continue;
			}
			if (mc_error_last()->klass != MC_ERROR_CONFIG ||
			    push_copy(&skipped, mc_error_last()->message) < 0) {
				rc = cli_error_last();
				goto out;
			}
			mc_free(found.items[i]);
		}
		found.len = kept;
		mc_error_clear();
		for (size_t i = kept ? 0 : 1; i < skipped.len; i++)
			note("skipped: %s", (const char *)skipped.items[i]);
		if (!kept && skipped.len) {
			rc = cli_error(MC_EXIT_USAGE, "%s",
			               (const char *)skipped.items[0]);
			goto out;
		}
	}
	for (size_t i = 0; i < found.len; i++) {
		struct folder *f = mc_calloc(1, sizeof(*f));
		if (!f || mc_vec_push(&all, f) < 0) {
			mc_free(f);
			rc = cli_error(MC_EXIT_ENV, "out of memory");
			goto out;
		}
		f->rel = found.items[i]; /* moved */
		found.items[i] = NULL;
		if (folder_examine(f, d.wd,
		                   format_set ? opt->format : MC_FORMAT_AUTO) <
		    0) {
			rc = cli_error_last();
			goto out;
		}
	}
	{
		int real = 0;
		for (size_t i = 0; i < all.len; i++) {
			struct folder *f = all.items[i];
			f->keep = opt->dirs.len ||
			          f->format == MC_FORMAT_AUTO ||
			          !(f->format == MC_FORMAT_PLAIN ||
			            f->format == MC_FORMAT_SEQUELIZE) ||
			          named_for_migrations(f->rel);
			if (!f->keep)
				note("skipped '%s': numbered files outside a folder named for migrations",
				     f->rel);
			else if (!testish(f->rel))
				real = 1;
		}
		for (size_t i = 0; i < all.len; i++) {
			struct folder *f = all.items[i];
			if (f->keep && real && !opt->dirs.len &&
			    testish(f->rel)) {
				note("skipped '%s': test or example migrations",
				     f->rel);
				f->keep = 0;
			}
			if (!f->keep)
				continue;
			if (mc_vec_push(&d.folders, f) < 0) {
				rc = cli_error_last();
				goto out;
			}
			all.items[i] = NULL; /* moved */
		}
	}
	if (d.folders.len == 0) {
		rc = cli_error(
		        MC_EXIT_USAGE,
		        "no migrations folder found in the work tree; name it with 'migcheck init --dir <dir>'");
		goto out;
	}
	mc_vec_sort(&d.folders, cmp_folder);
	{
		mc_vec dirs = MC_VEC_INIT;
		error = 0;
		for (size_t i = 0; i < d.folders.len && !error; i++)
			error = mc_vec_push(&dirs, ((struct folder *)d.folders.items[i])->rel);
		if (!error)
			error = mc_migration_scan_tree(&d.scan, d.wd, &dirs);
		mc_vec_dispose(&dirs);
		if (error < 0) {
			rc = cli_error_last();
			goto out;
		}
	}

	/* format, and whether any down scripts exist */
	{
		unsigned versioned = 0, downs = 0;
		int mixed = 0;
		p.format = MC_FORMAT_AUTO;
		for (size_t i = 0; i < d.folders.len; i++) {
			struct folder *f = d.folders.items[i];
			if (mc_vec_push(&p.dirs, f->rel) < 0) {
				rc = cli_error_last();
				goto out;
			}
			versioned += f->versioned;
			downs += f->downs;
			if (f->versioned)
				note("migrations: '%s': %u %s migration%s",
				     f->rel, f->versioned,
				     mc_format_name(f->format),
				     f->versioned == 1 ? "" : "s");
			else
				note("migrations: '%s': no migrations yet",
				     f->rel);
			if (f->format == MC_FORMAT_AUTO)
				continue; /* an empty folder agrees with any */
			if (p.format == MC_FORMAT_AUTO && !mixed)
				p.format = f->format;
			else if (p.format != f->format) {
				p.format = MC_FORMAT_AUTO;
				mixed = 1;
			}
		}
		if (format_set)
			p.format = opt->format;
		p.require_down = !(versioned > 0 && downs == 0);
		note("format: %s%s", mc_format_name(p.format),
		     format_set ? " (--migration-format)"
		     : mixed    ? " (the folders differ: detected per folder)"
		     : p.format == MC_FORMAT_AUTO ? " (nothing to detect yet)"
		                                  : "");
	}

	/* dialect: each folder's own, else the project's */
	if (dialect_set && opt->dialect != MC_DIALECT_UNKNOWN) {
		p.dialect = opt->dialect;
		note("dialect: %s (--dialect)", mc_dialect_name(p.dialect));
	} else if ((rc = folder_dialects(&d, &p, &why)) != 0) {
		goto out;
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
	/* the release tags (src/git/releases.c) */
	if (mc_repo_release_refs(&rel, mc_cli.repo, &p.dirs) < 0) {
		rc = cli_error_last();
		goto out;
	}
	for (size_t i = 0; i < rel.refs.len; i++)
		note("deploy ref: %s (%s)", (const char *)rel.refs.items[i],
		     (const char *)rel.reasons.items[i]);
	for (size_t i = 0; i < rel.notes.len; i++)
		note("%s", (const char *)rel.notes.items[i]);
	p.release_refs = &rel.refs;

	/* model paths: the folders and files that define ORM models */
	for (size_t i = 0; i < d.scan.model_paths.len; i++)
		if (mc_vec_push(&p.models, d.scan.model_paths.items[i]) < 0) {
			rc = cli_error_last();
			goto out;
		}
	for (size_t i = 0; i < d.scan.model_paths.len; i++)
		note("model path: %s (%s)", (const char *)d.scan.model_paths.items[i],
		     (const char *)d.scan.model_why.items[i]);
	for (size_t i = 0; i < d.scan.notes.len; i++)
		note("model paths: %s", (const char *)d.scan.notes.items[i]);
	if (!d.scan.model_paths.len)
		note("model paths: none found (set models.path to enable model-without-migration)");
	p.folders = &d.folders;
	/* Sequelize folders: migcheck's resident runner, and what their
	 * app's config reads from the environment */
	for (size_t i = 0; i < d.folders.len; i++) {
		struct folder *f = d.folders.items[i];
		if (f->format != MC_FORMAT_SEQUELIZE &&
		    !(p.format == MC_FORMAT_SEQUELIZE && f->format == MC_FORMAT_AUTO))
			continue;
		f->format = MC_FORMAT_SEQUELIZE;
		error = mc_migration_detect_sequelize(&f->seq, d.wd, f->rel);
		if (error < 0 && error != MC_ENOTFOUND) {
			rc = cli_error_last();
			goto out;
		}
		mc_error_clear();
		f->seq_found = error == 0;
		if (!f->seq_found) {
			note("runner: '%s': migcheck's Sequelize runner (no node_modules/sequelize or package.json listing sequelize from '%s' up yet: run 'npm install' where sequelize is listed)",
			     f->rel, f->rel);
			continue;
		}
		note("runner: '%s': migcheck's Sequelize runner, in '%s' (%s)",
		     f->rel, *f->seq.app ? f->seq.app : ".", f->seq.why);
		for (size_t j = 0; j < f->seq.env.len; j++)
			note("runner: env %s (%s)", (const char *)f->seq.env.items[j],
			     (const char *)f->seq.env_why.items[j]);
	}

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
	mc_vec_dispose_deep(&found, mc_free);
	mc_vec_dispose_deep(&skipped, mc_free);
	mc_vec_dispose_deep(&all, folder_free);
	mc_vec_dispose(&p.dirs);
	mc_vec_dispose(&p.models);
	detect_dispose(&d);
	mc_config_free(opt);
	mc_buf_dispose(&target);
	mc_buf_dispose(&text);
	mc_buf_dispose(&ref);
	mc_buf_dispose(&why);
	mc_release_refs_dispose(&rel);
	return rc;
}
