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

struct mc_report {
	char *command;
	char *section;
	mc_vec findings;  /* mc_finding* */
	mc_vec overrides; /* struct mc_report_override* */
	mc_vec notes;     /* char* */
	mc_vec extras;    /* struct mc_report_extra* */
};

int mc_report__render_text(mc_buf *out, const mc_report *r,
                           const mc_render_opts *opts);
int mc_report__render_json(mc_buf *out, const mc_report *r);
int mc_report__render_github(mc_buf *out, const mc_report *r);

#endif
