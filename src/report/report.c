/*
 * report.c: collecting findings. Renderers live in fmt_*.c.
 */
#include "migcheck/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/vec.h"
#include "report_internal.h"
#include "util/banned.h"

static void finding_free(void *p)
{
	mc_finding *f = p;
	if (!f)
		return;
	mc_free(f->code);
	mc_free(f->file);
	mc_free(f->migration);
	mc_free(f->message);
	mc_free(f->detail);
	mc_free(f->section);
	mc_free(f);
}

static void group_free(void *p)
{
	struct mc_report_group *g = p;
	if (g) {
		mc_free(g->file);
		mc_free(g->headline);
	}
	mc_free(g);
}

static void override_free(void *p)
{
	struct mc_report_override *o = p;
	if (o)
		mc_free(o->code);
	mc_free(o);
}

static void extra_free(void *p)
{
	struct mc_report_extra *e = p;
	if (e) {
		mc_free(e->key);
		mc_free(e->json);
	}
	mc_free(e);
}

static void step_free(void *p)
{
	struct mc_report_step *st = p;
	if (st) {
		mc_free(st->name);
		mc_free(st->detail);
	}
	mc_free(st);
}

static void subject_free(void *p)
{
	struct mc_report_subject *su = p;
	if (su) {
		mc_free(su->migration);
		mc_free(su->file);
	}
	mc_free(su);
}

int mc_report_new(mc_report **out, const char *command)
{
	mc_report *r;

	*out = NULL;
	if ((r = mc_calloc(1, sizeof(*r))) == NULL ||
	    (r->command = mc_strdup(command)) == NULL) {
		mc_free(r);
		return mc_error_set_oom();
	}
	*out = r;
	return 0;
}

void mc_report_free(mc_report *r)
{
	if (!r)
		return;
	mc_vec_dispose_deep(&r->findings, finding_free);
	mc_vec_dispose_deep(&r->overrides, override_free);
	mc_vec_dispose_deep(&r->notes, mc_free);
	mc_vec_dispose_deep(&r->extras, extra_free);
	mc_vec_dispose_deep(&r->steps, step_free);
	mc_vec_dispose_deep(&r->subjects, subject_free);
	mc_vec_dispose_deep(&r->groups, group_free);
	mc_free(r->command);
	mc_free(r->section);
	mc_free(r);
}

int mc_report_set_severity(mc_report *r, const char *code, mc_severity sev)
{
	struct mc_report_override *o;
	int error;

	for (size_t i = 0; i < r->overrides.len; i++) {
		o = r->overrides.items[i];
		if (!strcmp(o->code, code)) {
			o->severity = sev;
			return 0;
		}
	}
	if ((o = mc_calloc(1, sizeof(*o))) == NULL ||
	    (o->code = mc_strdup(code)) == NULL) {
		mc_free(o);
		return mc_error_set_oom();
	}
	o->severity = sev;
	if ((error = mc_vec_push(&r->overrides, o)) < 0)
		override_free(o);
	return error;
}

int mc_report_set_section(mc_report *r, const char *section)
{
	char *s = NULL;
	if (section && (s = mc_strdup(section)) == NULL)
		return mc_error_set_oom();
	mc_free(r->section);
	r->section = s;
	return 0;
}

static mc_severity effective(const mc_report *r, const mc_code_info *info)
{
	for (size_t i = 0; i < r->overrides.len; i++) {
		const struct mc_report_override *o = r->overrides.items[i];
		if (!strcmp(o->code, info->code))
			return o->severity;
	}
	return info->severity;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src && (*dst = mc_strdup(src)) == NULL)
		return -1;
	return 0;
}

int mc_report_add(mc_report *r, mc_finding **out_finding, const char *code,
                  const char *file, unsigned line, const char *migration,
                  const char *detail, const char *fmt, ...)
{
	const mc_code_info *info = mc_code_lookup(code);
	mc_finding *f;
	va_list ap;
	mc_buf msg = MC_BUF_INIT;
	int error;

	if (out_finding)
		*out_finding = NULL;
	if (!info)
		return mc_error_set(MC_ERROR_USAGE, "unregistered finding code '%s'",
		                    code);
	if (effective(r, info) == MC_SEV_OFF)
		return 0;
	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((f = mc_calloc(1, sizeof(*f))) == NULL) {
		mc_buf_dispose(&msg);
		return mc_error_set_oom();
	}
	f->severity = effective(r, info);
	f->default_severity = info->severity;
	f->line = line;
	f->message = mc_buf_detach(&msg);
	if (!f->message || dup_opt(&f->code, code) < 0 ||
	    dup_opt(&f->file, file) < 0 ||
	    dup_opt(&f->migration, migration) < 0 ||
	    dup_opt(&f->detail, detail) < 0 ||
	    dup_opt(&f->section, r->section) < 0) {
		finding_free(f);
		return mc_error_set_oom();
	}
	f->group = r->open_group;
	if ((error = mc_vec_push(&r->findings, f)) < 0) {
		finding_free(f);
		return error;
	}
	if (out_finding)
		*out_finding = f;
	return 0;
}

int mc_report_mark_existing(mc_report *r, size_t i, const char *since)
{
	mc_finding *f;
	char *msg;

	MC_ASSERT_ARG(r && since && i < r->findings.len);
	f = r->findings.items[i];
	if (f->existing)
		return 0;
	if ((msg = mc_asprintf("%s (existing: released before %s)", f->message,
	                       since)) == NULL)
		return mc_error_set_oom();
	mc_free(f->message);
	f->message = msg;
	f->existing = 1;
	if (f->severity == MC_SEV_ERROR)
		f->severity = MC_SEV_WARNING;
	return 0;
}

int mc_report_group_begin(mc_report *r, const char *file, const char *fmt, ...)
{
	struct mc_report_group *g;
	mc_buf msg = MC_BUF_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((g = mc_calloc(1, sizeof(*g))) == NULL ||
	    (g->headline = mc_buf_detach(&msg)) == NULL ||
	    dup_opt(&g->file, file) < 0) {
		mc_buf_dispose(&msg);
		group_free(g);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&r->groups, g)) < 0) {
		group_free(g);
		return error;
	}
	r->open_group = r->groups.len; /* 1-based: 0 is no group */
	return 0;
}

void mc_report_group_end(mc_report *r)
{
	r->open_group = 0;
}

const char *mc_report_group_get(const mc_report *r, size_t g, const char **file)
{
	const struct mc_report_group *gr =
	        g ? mc_vec_get(&r->groups, g - 1) : NULL;

	if (file)
		*file = gr ? gr->file : NULL;
	return gr ? gr->headline : NULL;
}

size_t mc_report_count(const mc_report *r)
{
	return r->findings.len;
}

const mc_finding *mc_report_get(const mc_report *r, size_t i)
{
	return mc_vec_get(&r->findings, i);
}

static size_t count_sev(const mc_report *r, mc_severity s)
{
	size_t n = 0;
	for (size_t i = 0; i < r->findings.len; i++)
		if (((mc_finding *)r->findings.items[i])->severity == s)
			n++;
	return n;
}

size_t mc_report_errors(const mc_report *r)
{
	return count_sev(r, MC_SEV_ERROR);
}

size_t mc_report_warnings(const mc_report *r)
{
	return count_sev(r, MC_SEV_WARNING);
}

const char *mc_report_command(const mc_report *r)
{
	return r->command;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* qsort is not stable: keep insertion order as the last key */
struct sort_item {
	mc_finding *f;
	size_t idx;
	size_t section; /* rank of its section: order of first appearance */
};

static int finding_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int c;
	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	if ((c = strcmp_null(a->f->file, b->f->file)) != 0)
		return c;
	if (a->f->line != b->f->line)
		return a->f->line < b->f->line ? -1 : 1;
	if ((c = strcmp(a->f->code, b->f->code)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

void mc_report_sort(mc_report *r)
{
	size_t n = r->findings.len;
	struct sort_item *tmp;
	size_t *firsts;

	if (n < 2 || (tmp = mc_malloc(n * sizeof(*tmp))) == NULL)
		return;
	if ((firsts = mc_malloc(n * sizeof(*firsts))) == NULL) {
		mc_free(tmp);
		return;
	}
	for (size_t i = 0, nfirst = 0; i < n; i++) {
		size_t k;
		tmp[i].f = r->findings.items[i];
		tmp[i].idx = i;
		/* sections are few: the first finding of each is kept at the
		 * front of firsts, an index into tmp */
		for (k = 0; k < nfirst; k++)
			if (!strcmp_null(tmp[firsts[k]].f->section, tmp[i].f->section))
				break;
		if (k == nfirst)
			firsts[nfirst++] = i;
		tmp[i].section = k;
	}
	qsort(tmp, n, sizeof(*tmp), finding_cmp);
	for (size_t i = 0; i < n; i++)
		r->findings.items[i] = tmp[i].f;
	mc_free(firsts);
	mc_free(tmp);
}

int mc_report_note(mc_report *r, const char *fmt, ...)
{
	mc_buf b = MC_BUF_INIT;
	va_list ap;
	int error;
	char *s;

	va_start(ap, fmt);
	error = mc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((s = mc_buf_detach(&b)) == NULL)
		return mc_error_set_oom();
	if ((error = mc_vec_push(&r->notes, s)) < 0)
		mc_free(s);
	return error;
}

size_t mc_report_note_count(const mc_report *r)
{
	return r->notes.len;
}

const char *mc_report_note_get(const mc_report *r, size_t i)
{
	return mc_vec_get(&r->notes, i);
}

int mc_report__set_extra_json(mc_report *r, const char *key,
                              const char *json_value)
{
	struct mc_report_extra *e;
	int error;

	for (size_t i = 0; i < r->extras.len; i++) {
		e = r->extras.items[i];
		if (!strcmp(e->key, key)) {
			char *v = mc_strdup(json_value);
			if (!v)
				return mc_error_set_oom();
			mc_free(e->json);
			e->json = v;
			return 0;
		}
	}
	if ((e = mc_calloc(1, sizeof(*e))) == NULL)
		return mc_error_set_oom();
	if ((e->key = mc_strdup(key)) == NULL ||
	    (e->json = mc_strdup(json_value)) == NULL) {
		extra_free(e);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&r->extras, e)) < 0)
		extra_free(e);
	return error;
}

int mc_report_add_step(mc_report *r, const char *name, mc_step_status status,
                       const char *detail)
{
	struct mc_report_step *st;
	int error;

	MC_ASSERT_ARG(r && name);
	if ((st = mc_calloc(1, sizeof(*st))) == NULL)
		return mc_error_set_oom();
	st->status = status;
	if ((st->name = mc_strdup(name)) == NULL ||
	    (detail && (st->detail = mc_strdup(detail)) == NULL)) {
		step_free(st);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&r->steps, st)) < 0)
		step_free(st);
	return error;
}

size_t mc_report_step_count(const mc_report *r)
{
	return r->steps.len;
}

mc_step_status mc_report_step_get(const mc_report *r, size_t i,
                                  const char **name, const char **detail)
{
	const struct mc_report_step *st = mc_vec_get(&r->steps, i);

	if (name)
		*name = st ? st->name : NULL;
	if (detail)
		*detail = st ? st->detail : NULL;
	return st ? st->status : MC_STEP_NOT_RUN;
}

const char *mc_step_status_name(mc_step_status s)
{
	switch (s) {
	case MC_STEP_PASSED: return "passed";
	case MC_STEP_FAILED: return "failed";
	case MC_STEP_UNAVAILABLE: return "unavailable";
	case MC_STEP_SKIPPED: return "skipped";
	case MC_STEP_NOT_RUN: return "not-run";
	}
	return "unknown";
}

int mc_report_add_subject(mc_report *r, const char *migration, const char *file)
{
	struct mc_report_subject *su;
	int error;

	MC_ASSERT_ARG(r && migration);
	if ((su = mc_calloc(1, sizeof(*su))) == NULL)
		return mc_error_set_oom();
	if ((su->migration = mc_strdup(migration)) == NULL ||
	    (file && (su->file = mc_strdup(file)) == NULL)) {
		subject_free(su);
		return mc_error_set_oom();
	}
	if ((error = mc_vec_push(&r->subjects, su)) < 0)
		subject_free(su);
	return error;
}

size_t mc_report_subject_count(const mc_report *r)
{
	return r->subjects.len;
}

const char *mc_report_subject_get(const mc_report *r, size_t i, const char **file)
{
	const struct mc_report_subject *su = mc_vec_get(&r->subjects, i);

	if (file)
		*file = su ? su->file : NULL;
	return su ? su->migration : NULL;
}

int mc_output_format_parse(mc_output_format *out, const char *name)
{
	static const struct {
		const char *name;
		mc_output_format f;
	} t[] = { { "text", MC_OUTPUT_TEXT },     { "json", MC_OUTPUT_JSON },
	          { "junit", MC_OUTPUT_JUNIT },   { "sarif", MC_OUTPUT_SARIF },
	          { "github", MC_OUTPUT_GITHUB }, { "markdown", MC_OUTPUT_MARKDOWN } };
	for (size_t i = 0; i < MC_ARRAY_SIZE(t); i++)
		if (!strcmp(name, t[i].name)) {
			*out = t[i].f;
			return 0;
		}
	return MC_ENOTFOUND;
}

const char *mc_severity_name(mc_severity s)
{
	return s == MC_SEV_ERROR ? "error" : s == MC_SEV_WARNING ? "warning" : "off";
}

int mc_severity_parse(mc_severity *out, const char *name)
{
	if (!strcmp(name, "error"))
		*out = MC_SEV_ERROR;
	else if (!strcmp(name, "warning"))
		*out = MC_SEV_WARNING;
	else if (!strcmp(name, "off"))
		*out = MC_SEV_OFF;
	else
		return MC_ENOTFOUND;
	return 0;
}

int mc_report_render(mc_buf *out, const mc_report *r, mc_output_format fmt,
                     const mc_render_opts *opts)
{
	static const mc_render_opts defaults = { 0, 0, 0 };
	if (!opts)
		opts = &defaults;
	switch (fmt) {
	case MC_OUTPUT_TEXT:
		return mc_report__render_text(out, r, opts);
	case MC_OUTPUT_JSON:
		return mc_report__render_json(out, r);
	case MC_OUTPUT_GITHUB:
		return mc_report__render_github(out, r);
	case MC_OUTPUT_JUNIT:
		return mc_report__render_junit(out, r);
	case MC_OUTPUT_SARIF:
		return mc_report__render_sarif(out, r);
	case MC_OUTPUT_MARKDOWN:
		return mc_report__render_markdown(out, r);
	default:
		return mc_error_set(MC_ERROR_USAGE,
		                    "output format not supported by this command");
	}
}
