/*
 * fmt_sarif.c: SARIF 2.1.0, as GitHub code scanning accepts it.
 *
 * One run; tool.driver.rules lists every registered finding code (so a
 * ruleIndex is the code's place in codes.c) with its summary, its fix and
 * its default level. Each finding is a result with ruleId, ruleIndex,
 * level, message.text (message, then detail) and, when it names a file,
 * one physicalLocation (repo-relative URI against %SRCROOT%, region.
 * startLine when the line is known): one result per file and line, the
 * groups text shows are not here. Findings with no file (e.g. drift on
 * database objects) have no location. Notes become toolExecutionNotifications.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "report_internal.h"
#include "util/banned.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

#ifndef MIGCHECK_VERSION
#define MIGCHECK_VERSION "unknown"
#endif

/* Build state: the first failed allocation sets oom, later calls no-op. */
struct sb {
	int oom;
};

static json_t *chk(struct sb *b, json_t *v)
{
	if (!v)
		b->oom = 1;
	return v;
}

/* Both take v's reference, also on failure (as jansson's _new calls do). */
static void set(struct sb *b, json_t *o, const char *key, json_t *v)
{
	if (!o) {
		json_decref(v);
		b->oom = 1;
	} else if (!v || json_object_set_new(o, key, v) < 0) {
		b->oom = 1;
	}
}

static void push(struct sb *b, json_t *a, json_t *v)
{
	if (!a) {
		json_decref(v);
		b->oom = 1;
	} else if (!v || json_array_append_new(a, v) < 0) {
		b->oom = 1;
	}
}

/* A JSON string from report text, invalid UTF-8 replaced. */
static json_t *str(struct sb *b, const char *s)
{
	char *clean = s ? mc_utf8_dup(s) : NULL;
	json_t *v = clean ? json_string(clean) : NULL;
	mc_free(clean);
	return chk(b, v);
}

/* {"text": s} */
static json_t *message(struct sb *b, const char *s)
{
	json_t *m = chk(b, json_object());
	set(b, m, "text", str(b, s));
	return m;
}

/*
 * A repo-relative path as a URI reference: unreserved characters and '/'
 * stay, every other byte (space, %, #, ?, non-ASCII) is percent-encoded.
 */
static json_t *uri(struct sb *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	mc_buf u = MC_BUF_INIT;
	json_t *v = NULL;
	int error = 0;

	for (const unsigned char *p = (const unsigned char *)path; *p && !error; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			error = mc_buf_putc(&u, (char)*p);
		else if ((error = mc_buf_putc(&u, '%')) == 0 &&
		         (error = mc_buf_putc(&u, hex[*p >> 4])) == 0)
			error = mc_buf_putc(&u, hex[*p & 15]);
	}
	if (!error)
		v = json_string(mc_buf_cstr(&u));
	mc_buf_dispose(&u);
	return chk(b, v);
}

static json_t *location(struct sb *b, const char *file, unsigned line,
                        const char *text)
{
	json_t *loc = chk(b, json_object()), *phys = chk(b, json_object());
	json_t *art = chk(b, json_object());

	set(b, art, "uri", uri(b, file));
	set(b, art, "uriBaseId", str(b, "%SRCROOT%"));
	set(b, phys, "artifactLocation", art);
	if (line) {
		json_t *region = chk(b, json_object());
		set(b, region, "startLine", chk(b, json_integer(line)));
		set(b, phys, "region", region);
	}
	set(b, loc, "physicalLocation", phys);
	if (text)
		set(b, loc, "message", message(b, text));
	return loc;
}

static const char *level(mc_severity s)
{
	return s == MC_SEV_ERROR ? "error" : s == MC_SEV_WARNING ? "warning" : "none";
}

static json_t *rules(struct sb *b)
{
	json_t *arr = chk(b, json_array());

	for (const mc_code_info *c = mc_code_all(); c->code; c++) {
		json_t *rule = chk(b, json_object()), *conf = chk(b, json_object());
		set(b, rule, "id", str(b, c->code));
		set(b, rule, "shortDescription", message(b, c->summary));
		set(b, rule, "help", message(b, c->fix));
		set(b, conf, "level", str(b, level(c->severity)));
		set(b, rule, "defaultConfiguration", conf);
		push(b, arr, rule);
	}
	return arr;
}

static json_t *result(struct sb *b, const mc_finding *f)
{
	json_t *res = chk(b, json_object()), *props = NULL;
	mc_buf text = MC_BUF_INIT;
	long index = -1;
	long i = 0;

	for (const mc_code_info *c = mc_code_all(); c->code; c++, i++)
		if (!strcmp(c->code, f->code))
			index = i;
	set(b, res, "ruleId", str(b, f->code));
	if (index >= 0)
		set(b, res, "ruleIndex", chk(b, json_integer(index)));
	set(b, res, "level", str(b, level(f->severity)));
	if (f->existing)
		set(b, res, "baselineState", str(b, "unchanged"));
	if (mc_buf_puts(&text, f->message) < 0 ||
	    (f->detail && mc_buf_printf(&text, "\n%s", f->detail) < 0))
		b->oom = 1;
	set(b, res, "message", message(b, mc_buf_cstr(&text)));
	mc_buf_dispose(&text);
	if (f->file) {
		json_t *locs = chk(b, json_array());
		push(b, locs, location(b, f->file, f->line, NULL));
		set(b, res, "locations", locs);
	}
	if (f->migration || f->section || f->severity != f->default_severity) {
		props = chk(b, json_object());
		if (f->migration)
			set(b, props, "migration", str(b, f->migration));
		if (f->section)
			set(b, props, "section", str(b, f->section));
		if (f->severity != f->default_severity)
			set(b, props, "defaultLevel", str(b, level(f->default_severity)));
		set(b, res, "properties", props);
	}
	return res;
}

int mc_report__render_sarif(mc_buf *out, const mc_report *r)
{
	struct sb b = { 0 };
	json_t *root = chk(&b, json_object()), *run = chk(&b, json_object());
	json_t *tool = chk(&b, json_object()), *driver = chk(&b, json_object());
	json_t *runs = chk(&b, json_array()), *results = chk(&b, json_array());
	json_t *inv = chk(&b, json_object()), *invs = chk(&b, json_array());
	char *s = NULL;
	int error;

	set(&b, root, "$schema", str(&b, SARIF_SCHEMA));
	set(&b, root, "version", str(&b, "2.1.0"));
	set(&b, driver, "name", str(&b, "migcheck"));
	set(&b, driver, "version", str(&b, MIGCHECK_VERSION));
	set(&b, driver, "rules", rules(&b));
	set(&b, tool, "driver", driver);
	set(&b, run, "tool", tool);
	set(&b, inv, "executionSuccessful", json_true());
	if (r->notes.len) {
		json_t *notes = chk(&b, json_array());
		for (size_t i = 0; i < r->notes.len; i++) {
			json_t *n = chk(&b, json_object());
			set(&b, n, "level", str(&b, "note"));
			set(&b, n, "message", message(&b, r->notes.items[i]));
			push(&b, notes, n);
		}
		set(&b, inv, "toolExecutionNotifications", notes);
	}
	push(&b, invs, inv);
	set(&b, run, "invocations", invs);
	for (size_t i = 0; i < r->findings.len; i++)
		push(&b, results, result(&b, r->findings.items[i]));
	set(&b, run, "results", results);
	push(&b, runs, run);
	set(&b, root, "runs", runs);
	if (!b.oom)
		s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		return mc_error_set_oom();
	if ((error = mc_buf_puts(out, s)) == 0)
		error = mc_buf_putc(out, '\n');
	free(s);
	return error;
}
