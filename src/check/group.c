/*
 * group.c: one commit that rewrites hundreds of released files (a licence
 * header, a generator upgrade) is one group in text, a headline with a line
 * per file, not hundreds of findings with their details; every other
 * format has each file's finding (report.h, groups).
 */
#include "migcheck/check.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

struct pending {
	char *code, *file, *migration, *message, *detail;
	unsigned line;
	int done;
};

static void pending_free(void *p)
{
	struct pending *x = p;
	if (!x)
		return;
	mc_free(x->code);
	mc_free(x->file);
	mc_free(x->migration);
	mc_free(x->message);
	mc_free(x->detail);
	mc_free(x);
}

static int dup_opt(char **dst, const char *src)
{
	return (src && (*dst = mc_strdup(src)) == NULL) ? -1 : 0;
}

int mc_check_group_add(mc_check_group *g, const char *code, const char *file,
                       unsigned line, const char *migration, const char *message)
{
	return mc_check_group_add_detail(g, code, file, line, migration,
	                                 message, NULL);
}

int mc_check_group_add_detail(mc_check_group *g,
                              const char *code,
                              const char *file,
                              unsigned line,
                              const char *migration,
                              const char *message,
                              const char *detail)
{
	struct pending *p;
	int error;

	if ((p = mc_calloc(1, sizeof(*p))) == NULL)
		return mc_error_set_oom();
	p->line = line;
	if (dup_opt(&p->code, code) < 0 || dup_opt(&p->file, file) < 0 ||
	    dup_opt(&p->migration, migration) < 0 ||
	    dup_opt(&p->message, message) < 0 ||
	    dup_opt(&p->detail, detail) < 0) {
		pending_free(p);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&g->pending, p)) < 0)
		pending_free(p);
	return error;
}

void mc_check_group_dispose(mc_check_group *g)
{
	mc_vec_dispose_deep(&g->pending, pending_free);
}

static int flush_code(mc_check_group *g, mc_report *r, size_t first,
                      size_t threshold, const char *context)
{
	struct pending *p0 = g->pending.items[first];
	const mc_code_info *info = mc_code_lookup(p0->code);
	size_t n = 0;
	int error = 0;

	for (size_t i = first; i < g->pending.len; i++)
		if (!strcmp(((struct pending *)g->pending.items[i])->code, p0->code))
			n++;
	if (n > threshold)
		error = mc_report_group_begin(
		        r, NULL, "%zu files: %s%s%s%s", n,
		        info ? info->summary : p0->code, context ? " (" : "",
		        context ? context : "", context ? ")" : "");
	for (size_t i = first; i < g->pending.len && !error; i++) {
		struct pending *p = g->pending.items[i];
		if (strcmp(p->code, p0->code))
			continue;
		p->done = 1;
		error = mc_report_add(r, NULL, p->code, p->file, p->line,
		                      p->migration, p->detail, "%s",
		                      p->message);
	}
	mc_report_group_end(r);
	return error;
}

int mc_check_group_flush(mc_check_group *g, mc_report *r, size_t threshold,
                         const char *context)
{
	int error = 0;

	for (size_t i = 0; i < g->pending.len && !error; i++) {
		struct pending *p = g->pending.items[i];
		if (!p->done)
			error = flush_code(g, r, i, threshold, context);
	}
	mc_check_group_dispose(g);
	return error;
}
