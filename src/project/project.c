/*
 * project.c: the project as every command sees it: which migrations
 * folders (configured, else found as 'init' would find them), each one's
 * settings ([migrations "<dir>"] over the top-level keys) and discovery
 * options, and its migrations. One place, so that list, roundtrip, drift,
 * models and gate read a folder the same way and say the same thing when
 * there is none.
 */
#include "migcheck/project.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

struct folder_own {
	mc_project_folder pub; /* first: mc_project_folder* is ours */
	char *dir;
};

static void folder_free(void *p)
{
	struct folder_own *f = p;
	if (!f)
		return;
	mc_migration_list_free(f->pub.list);
	mc_free(f->dir);
	mc_free(f);
}

void mc_project_free(mc_project *p)
{
	if (!p)
		return;
	mc_vec_dispose_deep(&p->folders, folder_free);
	mc_free(p);
}

static int add_folder(mc_project *p, const char *dir, const mc_project_opts *o)
{
	struct folder_own *f = mc_calloc(1, sizeof(*f));
	mc_project_folder *pf;
	int error;

	if (!f || (f->dir = mc_strdup(dir)) == NULL) {
		mc_free(f);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&p->folders, f)) < 0) {
		folder_free(f);
		return mc_error_set_oom();
	}
	pf = &f->pub;
	pf->dir = f->dir;
	mc_config_dir_settings(&pf->set, p->config, pf->dir);
	mc_config_discover_opts(&pf->discover, p->config, pf->dir);
	if ((o->flags & MC_PROJECT_FORCE_DIALECT) ||
	    (pf->discover.dialect == MC_DIALECT_UNKNOWN && o->dialect != MC_DIALECT_UNKNOWN))
		pf->discover.dialect = o->dialect;
	if (o->flags & MC_PROJECT_FORCE_FORMAT)
		pf->discover.format = o->format;
	if (o->flags & MC_PROJECT_NO_REQUIRE_DOWN)
		pf->discover.require_down = 0;
	if (!(o->flags & MC_PROJECT_READ) || !p->workdir)
		return 0;
	return mc_migration_list_read_dir(&pf->list, p->workdir, pf->dir, &pf->discover,
	                                  o->report);
}

int mc_project_open(mc_project **out, const mc_config *config, const char *workdir,
                    const mc_project_opts *opts)
{
	static const mc_project_opts defaults;
	const mc_project_opts *o = opts ? opts : &defaults;
	mc_vec found = MC_VEC_INIT;
	const mc_vec *dirs;
	mc_project *p;
	int error = 0;

	MC_ASSERT_ARG(out && config);
	*out = NULL;
	if ((p = mc_calloc(1, sizeof(*p))) == NULL)
		return mc_error_set_oom();
	p->config = config;
	p->workdir = workdir;
	dirs = &config->dirs;
	if (!dirs->len && (o->flags & MC_PROJECT_DETECT) && workdir) {
		if ((error = mc_migration_find_dirs(&found, workdir)) < 0)
			goto done;
		dirs = &found;
		p->detected = 1;
	}
	if (!dirs->len) {
		mc_error_set(MC_ERROR_CONFIG, "%s", MC_PROJECT_NO_FOLDER);
		error = MC_ENOTFOUND;
		goto done;
	}
	for (size_t i = 0; i < dirs->len && !error; i++)
		error = add_folder(p, dirs->items[i], o);
done:
	mc_vec_dispose_deep(&found, mc_free);
	if (error < 0) {
		mc_project_free(p);
		return error;
	}
	*out = p;
	return 0;
}

int mc_project_dirs(mc_vec *out, const mc_project *p)
{
	MC_ASSERT_ARG(out && p);
	for (size_t i = 0; i < p->folders.len; i++) {
		const mc_project_folder *f = p->folders.items[i];
		if (mc_vec_push(out, (char *)f->dir) < 0) {
			mc_vec_dispose(out);
			return mc_error_set_oom();
		}
	}
	return 0;
}
