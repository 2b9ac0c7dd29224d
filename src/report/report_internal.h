/*
 * report_internal.h: the report's insides, shared by the renderers.
 */
#ifndef MIGCHECK_REPORT_INTERNAL_H
#define MIGCHECK_REPORT_INTERNAL_H

#include "migcheck/report.h"
#include "migcheck/vec.h"

struct mc_report_override {
	char *code;
	mc_severity severity;
};

struct mc_report_extra {
	char *key;
	char *json; /* serialised JSON value */
};

/* Attach a serialised JSON value (value.c writes it) that fmt_json.c
 * emits as "key": value at top level; a key set again is replaced.
 * json_value is copied. */
int mc_report__set_extra_json(mc_report *r, const char *key,
                              const char *json_value);

/* fmt_json.c: a JSON string (jansson's json_t), null for NULL; bytes that
 * are not UTF-8 become U+FFFD. NULL when out of memory. */
struct json_t *mc_report__json_str(const char *s);
/* the same with another way to clean a string jansson refuses (a new
 * string, mc_free; NULL when out of memory) */
struct json_t *mc_report__json_str_clean(const char *s,
                                         char *(*clean)(const char *));

struct mc_report_step {
	char *name;
	mc_step_status status;
	char *detail;
};

struct mc_report_subject {
	char *migration;
	char *file;
};

struct mc_report_group {
	char *file;     /* the headline's location, or NULL */
	char *headline; /* "37 files: ..." */
};

struct mc_report {
	char *command;
	char *section;
	mc_vec findings;  /* mc_finding* */
	mc_vec overrides; /* struct mc_report_override* */
	mc_vec notes;     /* char* */
	mc_vec extras;    /* struct mc_report_extra* */
	mc_vec steps;     /* struct mc_report_step* */
	mc_vec subjects;  /* struct mc_report_subject* */
	mc_vec groups;    /* struct mc_report_group*: group g is [g - 1] */
	size_t open_group; /* findings added now join this group (0: none) */
};

int mc_report__render_text(mc_buf *out, const mc_report *r,
                           const mc_render_opts *opts);
int mc_report__render_json(mc_buf *out, const mc_report *r);
int mc_report__render_github(mc_buf *out, const mc_report *r);
int mc_report__render_junit(mc_buf *out, const mc_report *r);
int mc_report__render_sarif(mc_buf *out, const mc_report *r);
int mc_report__render_markdown(mc_buf *out, const mc_report *r);

/* fmt_util.c: shared by the junit, sarif and markdown renderers */
#define MC_REPORT_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, UTF-8 */
/** What a finding is about: its migration, else its file, else NULL. */
const char *mc_report__subject(const mc_finding *f);
/** A finding as plain text lines (location, message, detail). */
int mc_report__put_plain(mc_buf *out, const mc_finding *f);

#endif
