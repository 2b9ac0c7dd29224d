/*
 * finddirs.c: where a repository keeps its migrations, for 'list' without
 * configuration and for 'init'. The places the common tools use come
 * first; then a bounded walk finds any folder holding a file whose name
 * (and, for a .sql file, content) fits a format.
 */
#include "migcheck/migration.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

#define MAX_DEPTH 6
/* below a Java classpath root (src/main/resources), where Flyway's
 * db/migration sits under a package folder: a few levels more */
#define MAX_DEPTH_RESOURCES 10

static int under_resources(const char *rel)
{
	const char *p = strstr(rel, "src/main/resources");
	return p && (p == rel || p[-1] == '/') &&
	       (p[18] == '\0' || p[18] == '/');
}

static const char *const common_dirs[] = { "db/migrations",
	                                   "migrations",
	                                   "db/migrate",
	                                   "sql/migrations",
	                                   "src/migrations",
	                                   "database/migrations",
	                                   "src/main/resources/db/migration",
	                                   "persistence/sql/migrations",
	                                   "backend/migrations",
	                                   "src/lib/db/sequelize-migrations",
	                                   "db/migration",
	                                   "migrations/sql",
	                                   "internal/migrations",
	                                   "pkg/migrations",
	                                   "schema/migrations" };

int mc_migration__skip_dir(const char *name)
{
	static const char *const skip[] = { "node_modules", "vendor",
		                            "dist",         "target",
		                            "__pycache__",  "venv",
		                            "third_party",  "coverage",
		                            "bower_components", "tmp" };
	if (name[0] == '.' || !strncmp(name, "build", 5))
		return 1;
	for (size_t i = 0; i < MC_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return 1;
	return 0;
}

/* A name worth reading the folder for: it fits some format by itself. */
static int promising_name(const char *name)
{
	struct mc_name_info ni;
	int (*const m[])(struct mc_name_info *, const char *) = {
		mc_fmt_flyway__match, mc_fmt_popx__match, mc_fmt_plain__match,
		mc_fmt_goose__match
	};
	size_t d = mc_version__digits(name);

	/* Sequelize: a timestamp, not any "2-foo.js" */
	if (d >= 8 && name[d] == '-' &&
	    (mc_name__ends_with(name, ".js") ||
	     mc_name__ends_with(name, ".cjs")))
		return 1;
	for (size_t i = 0; i < MC_ARRAY_SIZE(m); i++) {
		int rc = m[i](&ni, name);
		if (rc > 0) {
			mc_name_info__dispose(&ni);
			return 1;
		}
	}
	return 0;
}

/* 1 when root/rel holds migrations of some format. */
static int holds_migrations(int *out, const char *root, const char *rel)
{
	mc_file_list *files = NULL;
	mc_buf path = MC_BUF_INIT;
	DIR *d;
	struct dirent *de;
	int promising = 0, error = 0;

	*out = 0;
	if ((error = mc_buf_joinpath(&path, root, rel)) < 0)
		return error;
	if ((d = opendir(path.ptr)) == NULL)
		goto done;
	while ((de = readdir(d)) != NULL && !promising)
		promising = promising_name(de->d_name);
	closedir(d);
	if (!promising)
		goto done;
	error = mc_file_list_read_dir(&files, root, rel);
	if (error == MC_ENOMEM)
		goto done;
	if (error < 0) {
		mc_error_clear();
		error = 0;
		goto done;
	}
	*out = mc_format_detect(files) != MC_FORMAT_AUTO;
done:
	mc_file_list_free(files);
	mc_buf_dispose(&path);
	return error;
}

static int contains(const mc_vec *v, size_t from, const char *s)
{
	for (size_t i = from; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return 1;
	return 0;
}

static int push_dup(mc_vec *v, const char *s)
{
	char *c = mc_strdup(s);
	int error;
	if (!c)
		return mc_error_set_oom();
	if ((error = mc_vec_push(v, c)) < 0)
		mc_free(c);
	return error;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
walk(mc_vec *out, size_t from, const char *root, const char *rel, int depth)
{
	mc_buf path = MC_BUF_INIT, child = MC_BUF_INIT;
	mc_vec subs = MC_VEC_INIT;
	DIR *d = NULL;
	struct dirent *de;
	int error = 0, found;

	if (*rel) {
		if (contains(out, from, rel))
			return 0; /* a migrations folder: do not look inside */
		if ((error = holds_migrations(&found, root, rel)) < 0)
			return error;
		if (found)
			return push_dup(out, rel);
	}
	if (depth >= (under_resources(rel) ? MAX_DEPTH_RESOURCES : MAX_DEPTH))
		return 0;
	if ((error = mc_buf_joinpath(&path, root, rel)) < 0)
		goto done;
	if ((d = opendir(path.ptr)) == NULL)
		goto done; /* unreadable folders are not ours to report */
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    mc_migration__skip_dir(de->d_name))
			continue;
		if ((error = mc_buf_joinpath(&child, path.ptr, de->d_name)) < 0)
			goto done;
		/* lstat: symlinked folders could loop */
		if (lstat(child.ptr, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((error = *rel ? mc_buf_joinpath(&child, rel, de->d_name)
		                  : mc_buf_puts((mc_buf_clear(&child), &child),
		                                de->d_name)) < 0 ||
		    (error = push_dup(&subs, child.ptr)) < 0)
			goto done;
	}
	mc_vec_sort(&subs, cmp_str);
	for (size_t i = 0; i < subs.len && !error; i++)
		error = walk(out, from, root, subs.items[i], depth + 1);
done:
	if (d)
		closedir(d);
	mc_vec_dispose_deep(&subs, mc_free);
	mc_buf_dispose(&path);
	mc_buf_dispose(&child);
	return error;
}

int mc_migration_find_dirs(mc_vec *out_dirs, const char *workdir)
{
	size_t from;
	int error = 0, found;
	struct stat st;

	MC_ASSERT_ARG(out_dirs && workdir);
	from = out_dirs->len;
	if (stat(workdir, &st) < 0 || !S_ISDIR(st.st_mode))
		return mc_error_set(MC_ERROR_OS, "cannot read folder '%s'",
		                    workdir);
	for (size_t i = 0; i < MC_ARRAY_SIZE(common_dirs) && !error; i++) {
		if ((error = holds_migrations(&found, workdir,
		                              common_dirs[i])) < 0)
			break;
		if (found && !contains(out_dirs, from, common_dirs[i]))
			error = push_dup(out_dirs, common_dirs[i]);
	}
	if (!error)
		error = walk(out_dirs, from, workdir, "", 0);
	/* nothing yet: an existing, still empty common folder */
	for (size_t i = 0;
	     i < MC_ARRAY_SIZE(common_dirs) && !error && out_dirs->len == from;
	     i++) {
		mc_buf p = MC_BUF_INIT;
		if ((error = mc_buf_joinpath(&p, workdir, common_dirs[i])) ==
		            0 &&
		    stat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode))
			error = push_dup(out_dirs, common_dirs[i]);
		mc_buf_dispose(&p);
	}
	if (error < 0) {
		while (out_dirs->len > from)
			mc_free(out_dirs->items[--out_dirs->len]);
	}
	return error;
}
