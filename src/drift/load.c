/*
 * load.c: the repository's migrations for drift and models, every
 * folder of the project (mc_project_open) merged in version order, and
 * the tracking table the folders name.
 */
#include "migcheck/drift.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/project.h"
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
	mc_free(m->table);
	m->table = NULL;
}

/* The folders' tracking table: one database has one; NULL detects it. */
static int pick_table(mc_drift_migrations *out, const mc_project *p)
{
	const mc_project_folder *first = NULL;

	for (size_t i = 0; i < p->folders.len; i++) {
		const mc_project_folder *f = p->folders.items[i];
		if (!first) {
			first = f;
			continue;
		}
		if ((f->set.table == NULL) != (first->set.table == NULL) ||
		    (f->set.table && strcmp(f->set.table, first->set.table)))
			return mc_error_set(
			        MC_ERROR_CONFIG,
			        "migrations folders '%s' and '%s' name different tracking tables (%s, %s): pass --dir to compare one, or --table",
			        first->dir, f->dir, first->set.table ? first->set.table : "detected",
			        f->set.table ? f->set.table : "detected");
	}
	if (first && first->set.table && (out->table = mc_strdup(first->set.table)) == NULL)
		return mc_error_set_oom();
	return 0;
}

int mc_drift_migrations_load(mc_drift_migrations *out,
                             const mc_config *config,
                             const char *workdir)
{
	return mc_drift_migrations_load_table(out, config, workdir, NULL);
}

int mc_drift_migrations_load_table(mc_drift_migrations *out,
                                   const mc_config *config,
                                   const char *workdir,
                                   const char *table)
{
	mc_project_opts po;
	mc_project *p = NULL;
	mc_config *none = NULL;
	int error = 0;

	MC_ASSERT_ARG(out && workdir);
	memset(out, 0, sizeof(*out));
	memset(&po, 0, sizeof(po));
	/* discovery problems are check's business; drift reports no
	 * missing-down */
	po.flags = MC_PROJECT_DETECT | MC_PROJECT_READ | MC_PROJECT_NO_REQUIRE_DOWN;
	if (!config && (error = mc_config_new(&none)) < 0)
		return error;
	if ((error = mc_project_open(&p, config ? config : none, workdir, &po)) < 0)
		goto done;
	if (table && (out->table = mc_strdup(table)) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	if (!table && (error = pick_table(out, p)) < 0)
		goto done;
	for (size_t i = 0; i < p->folders.len; i++) {
		mc_project_folder *f = p->folders.items[i];
		mc_migration_list *l = f->list;
		if ((error = mc_vec_push(&out->lists, l)) < 0)
			goto done;
		f->list = NULL; /* moved */
		if (out->all.format == MC_FORMAT_AUTO)
			out->all.format = l->format;
		for (size_t j = 0; j < l->items.len; j++)
			if ((error = mc_vec_push(&out->all.items, l->items.items[j])) < 0)
				goto done;
	}
	mc_vec_sort(&out->all.items, by_version);
done:
	mc_project_free(p);
	mc_config_free(none);
	return error;
}
