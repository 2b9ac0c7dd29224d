/*
 * load.c: the repository's migrations for drift and models, every
 * configured folder merged in version order.
 */
#include "migcheck/drift.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "drift_internal.h"
#include "util/banned.h"

static int by_version(const void *a, const void *b)
{
	const mc_migration *ma = *(const mc_migration *const *)a;
	const mc_migration *mb = *(const mc_migration *const *)b;
	int c = mc_drift__version_cmp(ma->version ? ma->version : "",
	                              mb->version ? mb->version : "");
	if (c)
		return c;
	/* a stable order for equal versions (repeatables): by file */
	return strcmp(ma->up && ma->up->path ? ma->up->path : "",
	              mb->up && mb->up->path ? mb->up->path : "");
}

static void list_free(void *p)
{
	mc_migration_list_free(p);
}

void mc_drift_migrations_dispose(mc_drift_migrations *m)
{
	if (!m)
		return;
	mc_vec_dispose_deep(&m->lists, list_free);
	mc_vec_dispose(&m->all.items);
}

static int load_dir(mc_drift_migrations *out,
                    const mc_config *config,
                    const char *workdir,
                    const char *dir)
{
	mc_discover_opts dopts = MC_DISCOVER_OPTS_INIT;
	mc_migration_list *l = NULL;
	int error;

	if (config) {
		mc_config_discover_opts(&dopts, config, dir);
		dopts.require_down = 0; /* drift reports no missing-down */
	}
	if ((error = mc_migration_list_read_dir(&l, workdir, dir, &dopts,
	                                        NULL)) < 0) {
		if (error == MC_ENOTFOUND)
			mc_error_set(
			        MC_ERROR_CONFIG,
			        "migrations folder '%s' not found (migrations.dir)",
			        dir);
		return error;
	}
	if ((error = mc_vec_push(&out->lists, l)) < 0) {
		mc_migration_list_free(l);
		return error;
	}
	if (out->all.format == MC_FORMAT_AUTO)
		out->all.format = l->format;
	for (size_t i = 0; i < l->items.len; i++)
		if ((error = mc_vec_push(&out->all.items, l->items.items[i])) <
		    0)
			return error;
	return 0;
}

int mc_drift_migrations_load(mc_drift_migrations *out,
                             const mc_config *config,
                             const char *workdir)
{
	mc_vec found = MC_VEC_INIT;
	const mc_vec *dirs;
	int error = 0;

	MC_ASSERT_ARG(out && workdir);
	memset(out, 0, sizeof(*out));
	if (config && config->dirs.len) {
		dirs = &config->dirs;
	} else {
		if ((error = mc_migration_find_dirs(&found, workdir)) < 0)
			goto done;
		if (!found.len) {
			mc_error_set(
			        MC_ERROR_CONFIG,
			        "no migrations folder found: set migrations.dir in .migcheck");
			error = MC_ENOTFOUND;
			goto done;
		}
		dirs = &found;
	}
	for (size_t i = 0; i < dirs->len; i++)
		if ((error = load_dir(out, config, workdir, dirs->items[i])) <
		    0)
			goto done;
	mc_vec_sort(&out->all.items, by_version);
done:
	mc_vec_dispose_deep(&found, mc_free);
	return error;
}
