/*
 * report.h: findings, the one model every command reports through.
 *
 * A finding is data ("this migration was edited after deploy"), not an
 * error ("could not check"). Every finding code is registered in
 * src/report/codes.c with its default severity; config may override it.
 */
#ifndef MIGCHECK_REPORT_H
#define MIGCHECK_REPORT_H

#include <stddef.h>
#include "common.h"
#include "buf.h"

typedef enum {
	MC_SEV_OFF = 0,
	MC_SEV_WARNING = 1,
	MC_SEV_ERROR = 2
} mc_severity;

typedef enum {
	MC_OUTPUT_TEXT = 0,
	MC_OUTPUT_JSON,
	MC_OUTPUT_JUNIT,
	MC_OUTPUT_SARIF,
	MC_OUTPUT_GITHUB,
	MC_OUTPUT_MARKDOWN
} mc_output_format;

/** One registered finding code. */
typedef struct {
	const char *code;        /* "modified-deployed" */
	mc_severity severity;    /* default severity */
	const char *summary;     /* one line: what it means */
	const char *fix;         /* one line: how to fix it */
} mc_code_info;

/** @return the registry entry for code, or NULL; static storage. */
const mc_code_info *mc_code_lookup(const char *code);
/** @return the registry, terminated by an entry whose code is NULL. */
const mc_code_info *mc_code_all(void);

typedef struct {
	char *code;
	mc_severity severity;         /* effective severity */
	mc_severity default_severity; /* as registered; differs when overridden */
	char *file;                   /* repo-relative path or NULL */
	unsigned line;                /* 1-based, 0 when unknown */
	char *migration;              /* version or NULL */
	char *message;                /* one line */
	char *detail;                 /* may span lines, or NULL */
	char *section;                /* step of a gate ("check", ...) or NULL */
	size_t group;                 /* 0, or its group (text only) */
	int existing;                 /* gate: about migrations released before
	                               * --since (mc_report_mark_existing) */
} mc_finding;

typedef struct mc_report mc_report;

/** @param[out] out new report for command (e.g. "check"); free with mc_report_free. */
MC_NODISCARD int mc_report_new(mc_report **out, const char *command);
void mc_report_free(mc_report *r);

/** Override a code's severity (from [severity] in config). */
MC_NODISCARD int mc_report_set_severity(mc_report *r, const char *code,
                                        mc_severity sev);
/** Findings added from now on carry this section name (NULL: none). */
MC_NODISCARD int mc_report_set_section(mc_report *r, const char *section);

/**
 * Add a finding. code must be registered. file, migration and detail may
 * be NULL; line 0 means unknown. A code whose severity is "off" is dropped.
 * @param[out] out_finding optional: the added finding (borrowed), or NULL
 *   when it was dropped.
 */
MC_NODISCARD int mc_report_add(mc_report *r, mc_finding **out_finding,
                               const char *code, const char *file,
                               unsigned line, const char *migration,
                               const char *detail, const char *fmt, ...)
	MC_PRINTF(8, 9);

/*
 * Groups are how text shows many findings of one kind (a commit that
 * rewrites 300 released files): one headline, then each member's location
 * and message as an item. They are presentation only: every member is a
 * finding of its own with its own file, line and message, and every other
 * format (JSON, SARIF, GitHub, JUnit, Markdown) and every count (summary,
 * exit status) sees the members and ignores the group.
 */
/**
 * Findings added from now until mc_report_group_end are one group, shown
 * in text as "file: severity: headline [code]" (file may be NULL) with an
 * item per member; a group of one member is shown as that finding.
 * Members should share one code. Groups do not nest.
 */
MC_NODISCARD int
mc_report_group_begin(mc_report *r, const char *file, const char *fmt, ...)
        MC_PRINTF(3, 4);
void mc_report_group_end(mc_report *r);
/** The headline of group g (a finding's group), *file may be NULL;
 * borrowed; NULL when g is no group. */
const char *
mc_report_group_get(const mc_report *r, size_t g, const char **file);

/**
 * Mark the i-th finding existing: it is about migrations released before
 * since and unchanged since. Its message gains "(existing: released before
 * <since>)" and an error becomes a warning, so it does not fail the run.
 */
MC_NODISCARD int mc_report_mark_existing(mc_report *r, size_t i,
                                         const char *since);

size_t mc_report_count(const mc_report *r);
/** @return the i-th finding, borrowed. */
const mc_finding *mc_report_get(const mc_report *r, size_t i);
/* Counts are of findings, so of the members of a group, the same in every
 * format: 37 files in one group are 37 errors. */
size_t mc_report_errors(const mc_report *r);
size_t mc_report_warnings(const mc_report *r);
const char *mc_report_command(const mc_report *r);
/** Sort findings by section (in order of first appearance), file, line,
 * code (stable). */
void mc_report_sort(mc_report *r);

/** Free-form note shown in text output and as "notes" in JSON. */
MC_NODISCARD int mc_report_note(mc_report *r, const char *fmt, ...) MC_PRINTF(2, 3);
size_t mc_report_note_count(const mc_report *r);
const char *mc_report_note_get(const mc_report *r, size_t i);

/**
 * Typed data a command attaches to its report (roundtrip's "mode", list's
 * "migrations") or prints as a document of its own (log): objects and
 * arrays of strings, integers, booleans and null. Only src/report
 * serialises them (as JSON); commands never write JSON text.
 *
 * The setters cannot fail: a value remembers an allocation that failed
 * in it or in a child, and the call that consumes it returns MC_ENOMEM.
 * A NULL value is accepted everywhere (the failed _new of a builder).
 */
typedef struct mc_report_value mc_report_value;

/** @return an empty object or array (free with mc_report_value_free,
 * or hand it to a call that takes it), NULL when out of memory */
mc_report_value *mc_report_object_new(void);
mc_report_value *mc_report_array_new(void);
void mc_report_value_free(mc_report_value *v);

/** key = s, null for NULL; bytes that are not UTF-8 become U+FFFD */
void mc_report_object_set_str(mc_report_value *o, const char *key,
                              const char *s);
/** key = s, null for NULL; when s is not UTF-8, each byte >= 0x80
 * becomes '?' (list's file names) */
void mc_report_object_set_bytes(mc_report_value *o, const char *key,
                                const char *s);
void mc_report_object_set_int(mc_report_value *o, const char *key,
                              long long n);
void mc_report_object_set_bool(mc_report_value *o, const char *key, int b);
void mc_report_object_set_null(mc_report_value *o, const char *key);
/** key = child (an object or array); takes child */
void mc_report_object_set(mc_report_value *o, const char *key,
                          mc_report_value *child);
/** append s (as mc_report_object_set_str) or child (taken) */
void mc_report_array_push_str(mc_report_value *a, const char *s);
void mc_report_array_push(mc_report_value *a, mc_report_value *child);

/**
 * Emit v as "key": v at the top level of the JSON report (a key set again
 * is replaced). Takes v, also on failure.
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_report_set_extra_value(mc_report *r, const char *key,
                                           mc_report_value *v);
/** The same for a string value (copied). */
MC_NODISCARD int mc_report_set_extra_str(mc_report *r, const char *key,
                                         const char *s);
/** Append v as an indented JSON document and a newline (log's output).
 * @return 0 or MC_ENOMEM */
MC_NODISCARD int mc_report_value_write(mc_buf *out, const mc_report_value *v);

/**
 * Steps and subjects: what a multi-step report (gate) ran and which
 * migrations it is about, so that renderers can show a verdict per
 * migration and step, and a step that did not run.
 */
typedef enum {
	MC_STEP_PASSED = 0,  /* ran; no error findings in its section */
	MC_STEP_FAILED,      /* ran; error findings in its section */
	MC_STEP_UNAVAILABLE, /* could not run (environment); detail says why */
	MC_STEP_SKIPPED,     /* the user skipped it (--skip) */
	MC_STEP_NOT_RUN      /* not asked for (e.g. drift without --db) */
} mc_step_status;

/** A step of the run, in order; name is its section; strings copied. */
MC_NODISCARD int mc_report_add_step(mc_report *r, const char *name,
                                    mc_step_status status,
                                    const char *detail);
size_t mc_report_step_count(const mc_report *r);
/** The i-th step: *name, *detail (NULL when none) borrowed. */
mc_step_status mc_report_step_get(const mc_report *r, size_t i,
                                  const char **name, const char **detail);
/** "passed", "failed", "unavailable", "skipped", "not-run"; static. */
const char *mc_step_status_name(mc_step_status s);

/** A migration the report is about (e.g. one of a release); copied. */
MC_NODISCARD int mc_report_add_subject(mc_report *r, const char *migration,
                                       const char *file);
size_t mc_report_subject_count(const mc_report *r);
/** The i-th subject; *file may be NULL; both borrowed. */
const char *mc_report_subject_get(const mc_report *r, size_t i,
                                  const char **file);

typedef struct {
	int color;   /* ANSI colours in text */
	int quiet;   /* text: errors only, no summary when clean */
	int verbose; /* text: show details of warnings too */
} mc_render_opts;

/** Render r in fmt, appending to out. */
MC_NODISCARD int mc_report_render(mc_buf *out, const mc_report *r,
                                  mc_output_format fmt,
                                  const mc_render_opts *opts);

int mc_output_format_parse(mc_output_format *out, const char *name);
const char *mc_severity_name(mc_severity s);
int mc_severity_parse(mc_severity *out, const char *name);

#endif
