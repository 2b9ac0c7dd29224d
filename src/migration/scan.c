/*
 * scan.c: one walk of the work tree for 'init': the SQLite database files
 * in it, and the model paths, which are only the folders and files whose
 * source defines ORM models (mc_migration_defines_models). A folder named
 * models/ that holds a UI, a generated REST client or plain objects is not
 * one; test folders and migration folders are not read for models. The
 * walk skips what discovery skips (mc_migration__skip_dir).
 */
#include "migcheck/migration.h"

#include <dirent.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

#define MAX_DEPTH      8
#define MAX_SOURCE     ((size_t)256 * 1024) /* larger files are generated */
#define MAX_READS      20000                /* source files read per scan */
#define MAX_MODEL_PATH 20

struct scan {
	mc_tree_scan *out;
	const char *root; /* work tree */
	const mc_vec *skip; /* char*: the migrations folders */
	unsigned reads;
	size_t more; /* model paths past MAX_MODEL_PATH */
	mc_vec tests; /* char*: folders named models/ in test folders */
};

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

int mc_migration__test_dir(const char *name)
{
	static const char *const names[] = { "test",     "tests",     "testdata",
		                             "fixtures", "__tests__", "spec",
		                             "example",  "examples",  "e2e",
		                             "samples",  "__mocks__" };
	for (size_t i = 0; i < MC_ARRAY_SIZE(names); i++)
		if (!strcasecmp(name, names[i]))
			return 1;
	return 0;
}

/* A folder that by its name holds models (or would be taken for one). */
static int named_models(const char *name)
{
	return !strcasecmp(name, "models") || !strcasecmp(name, "model") ||
	       !strcasecmp(name, "entities") || !strcasecmp(name, "entity");
}

/* Source files that may define models, and not their tests or typings. */
static int source_file(const char *name)
{
	static const char *const ext[] = { ".js", ".ts", ".cjs", ".mjs", ".py" };
	int ok = !strcmp(name, "schema.prisma");

	for (size_t i = 0; !ok && i < MC_ARRAY_SIZE(ext); i++)
		ok = ends_with_ci(name, ext[i]);
	return ok && !ends_with_ci(name, ".d.ts") && !ends_with_ci(name, ".min.js") &&
	       !strstr(name, ".test.") && !strstr(name, ".spec.") &&
	       strncmp(name, "test_", 5) != 0;
}

/* The language of a source file whose models init does not read (Go's
 * GORM structs, ActiveRecord, JPA, ...), or NULL. */
static const char *foreign_source(const char *name)
{
	static const char *const known[][2] = {
		{ ".go", "Go" },     { ".rb", "Ruby" },  { ".java", "Java" },
		{ ".kt", "Kotlin" }, { ".cs", "C#" },
		{ ".php", "PHP" },   { ".ex", "Elixir" }, { ".scala", "Scala" },
	};

	for (size_t i = 0; i < MC_ARRAY_SIZE(known); i++)
		if (ends_with_ci(name, known[i][0]) && !strstr(name, "_test.") &&
		    !strstr(name, "Test."))
			return known[i][1];
	return NULL;
}

static int under_any(const mc_vec *dirs, const char *path)
{
	for (size_t i = 0; dirs && i < dirs->len; i++) {
		const char *dir = dirs->items[i];
		size_t n = strlen(dir);
		if (!strcmp(dir, ".") || (!strncmp(path, dir, n) &&
		                          (path[n] == '/' || path[n] == '\0')))
			return 1;
	}
	return 0;
}

static int push_owned(mc_vec *v, char *s)
{
	if (!s)
		return mc_error_set_oom();
	if (mc_vec_push(v, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

static int add_model(struct scan *s, char *path, char *why)
{
	int error;

	if (!path || !why) {
		mc_free(path);
		mc_free(why);
		return mc_error_set_oom();
	}
	if (s->out->model_paths.len >= MAX_MODEL_PATH) {
		s->more++;
		mc_free(path);
		mc_free(why);
		return 0;
	}
	if ((error = push_owned(&s->out->model_paths, path)) < 0) {
		mc_free(why);
		return error;
	}
	if ((error = push_owned(&s->out->model_why, why)) < 0) {
		mc_free(s->out->model_paths.items[--s->out->model_paths.len]);
		return error;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One model-defining file of a folder. */
struct hit {
	char *name;
	const char *kind;
};

/* How a folder's source files are looked at. */
enum {
	M_READ,    /* read for models */
	M_TEST,    /* in a test folder: not read */
	M_COVERED, /* below a folder taken whole: not read */
	M_NONE     /* in a migrations folder of a tool unknown to us */
};

static int walk(struct scan *s, const char *rel, int depth, int mode)
{
	int reading = mode == M_READ;
	mc_buf path = MC_BUF_INIT, child = MC_BUF_INIT, text = MC_BUF_INIT;
	mc_vec files = MC_VEC_INIT, dirs = MC_VEC_INIT, hits = MC_VEC_INIT;
	const char *base = strrchr(rel, '/');
	size_t sources = 0, paths_before = s->out->model_paths.len + s->more;
	size_t foreign = 0;       /* files of a language not read for models */
	const char *lang = NULL;  /* the first one's */
	int error = 0, whole = 0;
	DIR *d = NULL;
	struct dirent *de;

	base = base ? base + 1 : rel;
	if ((error = mc_buf_joinpath(&path, s->root, rel)) < 0)
		goto done;
	if ((d = opendir(path.ptr)) == NULL)
		goto done; /* unreadable folders are not ours to judge */
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((error = mc_buf_joinpath(&child, path.ptr, de->d_name)) < 0)
			goto done;
		/* lstat: symlinked folders could loop, and a FIFO blocks */
		if (lstat(child.ptr, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && !mc_migration__skip_dir(de->d_name))
			error = push_owned(&dirs, mc_strdup(de->d_name));
		else if (S_ISREG(st.st_mode) &&
		         (ends_with_ci(de->d_name, ".db") || ends_with_ci(de->d_name, ".sqlite") ||
		          ends_with_ci(de->d_name, ".sqlite3")))
			error = push_owned(&s->out->sqlite_files,
			                   *rel ? mc_asprintf("%s/%s", rel, de->d_name)
			                        : mc_strdup(de->d_name));
		else if (S_ISREG(st.st_mode) && reading && source_file(de->d_name) &&
		         (size_t)st.st_size <= MAX_SOURCE)
			error = push_owned(&files, mc_strdup(de->d_name));
		else if (S_ISREG(st.st_mode) && reading && foreign_source(de->d_name)) {
			if (!foreign++)
				lang = foreign_source(de->d_name);
		}
		if (error < 0)
			goto done;
	}
	closedir(d);
	d = NULL;
	mc_vec_sort(&files, cmp_str);
	mc_vec_sort(&dirs, cmp_str);

	for (size_t i = 0; i < files.len && s->reads < MAX_READS; i++) {
		const char *kind = NULL;
		struct hit *h;
		if ((error = mc_buf_joinpath(&child, path.ptr, files.items[i])) < 0)
			goto done;
		s->reads++;
		mc_buf_clear(&text);
		if (mc_buf_read_file(&text, child.ptr, MAX_SOURCE) < 0) {
			if (mc_error_last() && mc_error_last()->klass == MC_ERROR_NOMEMORY)
				goto oom;
			mc_error_clear();
			continue; /* unreadable: not ours to judge */
		}
		sources++;
		if (!mc_migration_defines_models(files.items[i], mc_buf_cstr(&text), &kind))
			continue;
		if ((h = mc_calloc(1, sizeof(*h))) == NULL || mc_vec_push(&hits, h) < 0) {
			mc_free(h);
			goto oom;
		}
		h->name = files.items[i];
		files.items[i] = NULL;
		h->kind = kind;
	}

	/* a folder named for models, or of two or more files mostly models: the
	 * folder as a whole */
	if (hits.len && *rel &&
	    (named_models(base) || (hits.len >= 2 && hits.len * 2 > sources))) {
		const struct hit *h = hits.items[0];
		whole = 1;
		error = add_model(s, mc_asprintf("%s/**", rel),
		                  hits.len == 1
		                          ? mc_asprintf("%s/%s defines %s", rel, h->name, h->kind)
		                          : mc_asprintf("%zu of its %zu source files define models, as %s/%s: %s",
		                                        hits.len, sources, rel, h->name, h->kind));
	} else {
		for (size_t i = 0; i < hits.len && !error; i++) {
			const struct hit *h = hits.items[i];
			error = add_model(s, *rel ? mc_asprintf("%s/%s", rel, h->name)
			                          : mc_strdup(h->name),
			                  mc_asprintf("defines %s", h->kind));
		}
	}
	if (error < 0)
		goto done;

	for (size_t i = 0; i < dirs.len && !error && depth < MAX_DEPTH; i++) {
		const char *name = dirs.items[i];
		int sub = whole ? M_COVERED : mode;
		char *subrel;
		if ((error = *rel ? mc_buf_printf((mc_buf_clear(&child), &child), "%s/%s", rel, name)
		                  : mc_buf_puts((mc_buf_clear(&child), &child), name)) < 0)
			goto done;
		if (under_any(s->skip, child.ptr))
			continue; /* a migrations folder: not models, no databases */
		if (sub == M_READ && mc_migration__test_dir(name))
			sub = M_TEST;
		/* Django's and Alembic's migrations name models.Model too */
		if (sub == M_READ && (!strcasecmp(name, "migrations") || !strcasecmp(name, "seeders")))
			sub = M_NONE;
		if (sub == M_TEST && named_models(name) &&
		    (error = push_owned(&s->tests, mc_asprintf("%s/**", child.ptr))) < 0)
			goto done;
		if ((subrel = mc_strdup(child.ptr)) == NULL)
			goto oom;
		error = walk(s, subrel, depth + 1, sub);
		mc_free(subrel);
	}
	if (!error && reading && *rel && named_models(base) &&
	    s->out->model_paths.len + s->more == paths_before)
		error = push_owned(&s->out->notes,
		                   foreign && !hits.len
		                           ? mc_asprintf("'%s/**' left out: its %zu %s file%s %s not read for models (init detects JS/TS, Python and Prisma ones); set models.path = %s/** to count every change to them",
		                                         rel, foreign, lang, foreign == 1 ? "" : "s",
		                                         foreign == 1 ? "is" : "are", rel)
		                           : mc_asprintf("'%s/**' left out: no file in it defines ORM models",
		                                         rel));
	goto done;
oom:
	error = mc_error_set_oom();
done:
	if (d)
		closedir(d);
	for (size_t i = 0; i < hits.len; i++) {
		struct hit *h = hits.items[i];
		mc_free(h->name);
		mc_free(h);
	}
	mc_vec_dispose(&hits);
	mc_vec_dispose_deep(&files, mc_free);
	mc_vec_dispose_deep(&dirs, mc_free);
	mc_buf_dispose(&path);
	mc_buf_dispose(&child);
	mc_buf_dispose(&text);
	return error;
}

int mc_migration_scan_tree(mc_tree_scan *out, const char *workdir, const mc_vec *migration_dirs)
{
	struct scan s = { out, workdir, migration_dirs, 0, 0, MC_VEC_INIT };
	mc_buf list = MC_BUF_INIT;
	int error;

	MC_ASSERT_ARG(out && workdir);
	error = walk(&s, "", 0, M_READ);
	for (size_t i = 0; i < s.tests.len && i < 3 && !error; i++)
		error = mc_buf_printf(&list, "%s'%s'", i ? ", " : "", (const char *)s.tests.items[i]);
	if (!error && s.tests.len > 3)
		error = mc_buf_printf(&list, " and %zu more", s.tests.len - 3);
	if (!error && s.tests.len)
		error = push_owned(&out->notes, mc_asprintf("%s left out: test code", list.ptr));
	mc_vec_dispose_deep(&s.tests, mc_free);
	mc_buf_dispose(&list);
	if (!error && s.more)
		error = push_owned(&out->notes,
		                   mc_asprintf("%zu more model path%s left out: at most %d are written",
		                               s.more, s.more == 1 ? "" : "s", MAX_MODEL_PATH));
	if (error < 0) {
		mc_tree_scan_dispose(out);
		return error;
	}
	return 0;
}

void mc_tree_scan_dispose(mc_tree_scan *s)
{
	if (!s)
		return;
	mc_vec_dispose_deep(&s->sqlite_files, mc_free);
	mc_vec_dispose_deep(&s->model_paths, mc_free);
	mc_vec_dispose_deep(&s->model_why, mc_free);
	mc_vec_dispose_deep(&s->notes, mc_free);
}
