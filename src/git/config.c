/*
 * config.c: loading .migcheck and git config migcheck.* (see config.h).
 * NEEDSWORK: defaults only so far; the foundation issue fills this in.
 */
#include "migcheck/config.h"

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

int mc_config_new(mc_config **out)
{
	mc_config *c;

	*out = NULL;
	if ((c = mc_calloc(1, sizeof(*c))) == NULL)
		return mc_error_set_oom();
	c->format = MC_FORMAT_AUTO;
	c->dialect = MC_DIALECT_UNKNOWN;
	c->require_down = 1;
	*out = c;
	return 0;
}

static void override_free(void *p)
{
	mc_severity_override *o = p;
	if (o)
		mc_free(o->code);
	mc_free(o);
}

void mc_config_free(mc_config *c)
{
	if (!c)
		return;
	mc_vec_dispose_deep(&c->dirs, mc_free);
	mc_vec_dispose_deep(&c->deploy_refs, mc_free);
	mc_vec_dispose_deep(&c->model_paths, mc_free);
	mc_vec_dispose_deep(&c->drift_ignore, mc_free);
	mc_vec_dispose_deep(&c->severities, override_free);
	mc_free(c->table);
	mc_free(c->models_pattern);
	mc_free(c->models_schema);
	mc_free(c->models_command);
	mc_free(c->runner_up);
	mc_free(c->runner_down);
	mc_free(c->scratch_postgres);
	mc_free(c->source);
	mc_free(c);
}

int mc_config_load(mc_config **out, mc_repo *repo)
{
	(void)repo;
	return mc_config_new(out);
}

int mc_config_apply_severities(const mc_config *c, mc_report *r)
{
	int error = 0;
	for (size_t i = 0; i < c->severities.len && !error; i++) {
		const mc_severity_override *o = c->severities.items[i];
		error = mc_report_set_severity(r, o->code, o->severity);
	}
	return error;
}
