/*
 * discover.c: from a folder's files to the ordered list of migrations.
 *
 * 1. Each file is classified by its name (and for .sql files without a
 *    telling name, by its markers): the formats it is evidence for
 *    ("strong") and the formats it may belong to ("compat").
 * 2. The folder's format is the one with the most evidence (or the
 *    configured one); files of another format are a mixed-formats finding
 *    and left out, files of no format an unknown-file warning.
 * 3. The files of the folder's format are named (version, name, part),
 *    grouped into migrations (up and down files meet by version and name),
 *    their scripts built (sections, BOM, bytes checked, SQL split), and
 *    the whole list checked: missing up, empty up, missing down,
 *    duplicate versions, non-replayable migrations.
 */
#include "migcheck/migration.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/config.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

#define BIT(f)    (1u << (f))
#define N_FORMATS (MC_FORMAT_SEQUELIZE + 1)

static const char *const format_names[N_FORMATS] = {
	"auto",   "golang-migrate", "dbmate", "goose",    "sql-migrate",
	"flyway", "popx",           "plain",  "sequelize"
};

/* What each format's file names look like, for messages. */
static const char *const format_patterns[N_FORMATS] = {
	"",
	"{version}_{name}.up.sql / .down.sql",
	"{version}_{name}.sql",
	"{version}_{name}.sql",
	"{name}.sql",
	"V{version}__{desc}.sql",
	"{version}_{name}[.{dialect}].up.sql / .down.sql",
	"{version}_{name}.sql / .down.sql",
	"{timestamp}-{name}.js"
};

/* Ties in the vote go to the first in this order. */
static const mc_format preference[] = {
	MC_FORMAT_FLYWAY, MC_FORMAT_SEQUELIZE,   MC_FORMAT_GOOSE,
	MC_FORMAT_DBMATE, MC_FORMAT_SQL_MIGRATE, MC_FORMAT_GOLANG_MIGRATE,
	MC_FORMAT_POPX,   MC_FORMAT_PLAIN
};

const char *mc_format_name(mc_format f)
{
	return (unsigned)f < N_FORMATS ? format_names[f] : "unknown";
}

int mc_format_parse(mc_format *out, const char *name)
{
	for (int i = 0; i < N_FORMATS; i++)
		if (!strcmp(name, format_names[i])) {
			*out = (mc_format)i;
			return 0;
		}
	if (!strcmp(name, "migrate") || !strcmp(name, "golang_migrate")) {
		*out = MC_FORMAT_GOLANG_MIGRATE;
		return 0;
	}
	if (!strcmp(name, "ory") || !strcmp(name, "ory-popx")) {
		*out = MC_FORMAT_POPX;
		return 0;
	}
	return MC_ENOTFOUND;
}

mc_fmt__matcher mc_format__matcher(mc_format f)
{
	switch (f) {
	case MC_FORMAT_GOLANG_MIGRATE:
		return mc_fmt_golang_migrate__match;
	case MC_FORMAT_DBMATE:
		return mc_fmt_dbmate__match;
	case MC_FORMAT_GOOSE:
		return mc_fmt_goose__match;
	case MC_FORMAT_SQL_MIGRATE:
		return mc_fmt_sql_migrate__match;
	case MC_FORMAT_FLYWAY:
		return mc_fmt_flyway__match;
	case MC_FORMAT_POPX:
		return mc_fmt_popx__match;
	case MC_FORMAT_PLAIN:
		return mc_fmt_plain__match;
	case MC_FORMAT_SEQUELIZE:
		return mc_fmt_sequelize__match;
	default:
		return NULL;
	}
}

static const struct mc_sections_syntax *syntax_for(mc_format f)
{
	switch (f) {
	case MC_FORMAT_DBMATE:
		return &mc_fmt_dbmate__syntax;
	case MC_FORMAT_GOOSE:
		return &mc_fmt_goose__syntax;
	case MC_FORMAT_SQL_MIGRATE:
		return &mc_fmt_sql_migrate__syntax;
	default:
		return NULL;
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/*
 * Files that are obviously not migrations and not worth a warning: dot
 * files (.keep, .gitkeep, .DS_Store), READMEs, licences, changelogs and
 * notes (*.md, *.txt).
 */
static int ignored_name(const char *base)
{
	/* the first letter first: this runs for every file of a folder */
	switch (base[0]) {
	case '.':
		return 1;
	case 'r': case 'R':
		if (starts_with_ci(base, "readme"))
			return 1;
		break;
	case 'l': case 'L':
		if (starts_with_ci(base, "license") || starts_with_ci(base, "licence"))
			return 1;
		break;
	case 'c': case 'C':
		if (starts_with_ci(base, "changelog"))
			return 1;
		break;
	default:
		break;
	}
	return mc_name__ends_with(base, ".md") || mc_name__ends_with(base, ".txt");
}

/* Skip a UTF-8 byte order mark. */
static size_t bom_len(const mc_file *f)
{
	return f->len >= 3 && (unsigned char)f->data[0] == 0xEF &&
	                       (unsigned char)f->data[1] == 0xBB &&
	                       (unsigned char)f->data[2] == 0xBF
	               ? 3
	               : 0;
}

/* 1 when a matcher accepts base; name info disposed. <0 on OOM. */
static int name_fits(mc_fmt__matcher m, const char *base)
{
	struct mc_name_info ni;
	int rc = m(&ni, base);
	if (rc > 0)
		mc_name_info__dispose(&ni);
	return rc < 0 ? MC_ENOMEM : rc;
}

/*
 * Classify a file: *strong the formats it is evidence for, *compat the
 * formats it may belong to (a superset).
 */
static int classify(unsigned *strong, unsigned *compat, const mc_file *f)
{
	const char *base = base_name(f->path);
	struct mc_name_info ni;
	int rc;

	*strong = *compat = 0;
	if ((rc = mc_fmt_flyway__match(&ni, base)) != 0) {
		if (rc < 0)
			return MC_ENOMEM;
		mc_name_info__dispose(&ni);
		*strong = *compat = BIT(MC_FORMAT_FLYWAY);
		return 0;
	}
	if ((rc = name_fits(mc_fmt_sequelize__match, base)) != 0) {
		if (rc < 0)
			return rc;
		*strong = *compat = BIT(MC_FORMAT_SEQUELIZE);
		return 0;
	}
	if ((rc = mc_fmt_popx__match(&ni, base)) != 0) {
		int specific;
		if (rc < 0)
			return MC_ENOMEM;
		specific = ni.dialect || ni.autocommit;
		mc_name_info__dispose(&ni);
		if (specific) {
			*strong = *compat = BIT(MC_FORMAT_POPX);
			return 0;
		}
		/* {version}_{name}.up.sql or .down.sql */
		*strong = *compat =
		        BIT(MC_FORMAT_GOLANG_MIGRATE) | BIT(MC_FORMAT_POPX);
		if (mc_name__ends_with(base, ".down.sql"))
			*strong = *compat |= BIT(MC_FORMAT_PLAIN);
		return 0;
	}
	if ((rc = name_fits(mc_fmt_golang_migrate__match, base)) != 0) {
		/* not popx's: a dot in the name ("1_a.b.up.sql") */
		if (rc < 0)
			return rc;
		*strong = *compat = BIT(MC_FORMAT_GOLANG_MIGRATE);
		if (mc_name__ends_with(base, ".down.sql"))
			*strong = *compat |= BIT(MC_FORMAT_PLAIN);
		return 0;
	}
	if (mc_name__ends_with(base, ".go")) {
		if ((rc = name_fits(mc_fmt_goose__match, base)) < 0)
			return rc;
		if (rc)
			*strong = *compat = BIT(MC_FORMAT_GOOSE);
		return 0;
	}
	if (!mc_name__ends_with(base, ".sql"))
		return 0;
	if (!f->error) {
		const char *d = f->data + bom_len(f);
		size_t n = f->len - bom_len(f);
		if (mc_sections_has_marker(d, n, &mc_fmt_goose__syntax))
			*strong |= BIT(MC_FORMAT_GOOSE);
		if (mc_sections_has_marker(d, n, &mc_fmt_dbmate__syntax))
			*strong |= BIT(MC_FORMAT_DBMATE);
		if (mc_sections_has_marker(d, n, &mc_fmt_sql_migrate__syntax))
			*strong |= BIT(MC_FORMAT_SQL_MIGRATE);
		if (*strong) {
			*compat = *strong;
			return 0;
		}
	}
	if ((rc = name_fits(mc_fmt_plain__match, base)) < 0)
		return rc;
	if (rc) {
		/* a versioned .sql without markers: plain, or a marked format's
		 * file missing its markers */
		*strong = f->error ? 0 : BIT(MC_FORMAT_PLAIN);
		*compat = BIT(MC_FORMAT_PLAIN) | BIT(MC_FORMAT_DBMATE) |
		          BIT(MC_FORMAT_GOOSE) | BIT(MC_FORMAT_SQL_MIGRATE);
		return 0;
	}
	/* sql-migrate takes any .sql name */
	*compat = BIT(MC_FORMAT_SQL_MIGRATE);
	return 0;
}

static mc_format vote(const unsigned *votes)
{
	mc_format best = MC_FORMAT_AUTO;
	unsigned n = 0;
	for (size_t i = 0; i < MC_ARRAY_SIZE(preference); i++)
		if (votes[preference[i]] > n) {
			n = votes[preference[i]];
			best = preference[i];
		}
	return best;
}

mc_format mc_format_detect(const mc_file_list *files)
{
	unsigned votes[N_FORMATS] = { 0 };

	if (!files)
		return MC_FORMAT_AUTO;
	for (size_t i = 0; i < files->files.len; i++) {
		const mc_file *f = files->files.items[i];
		unsigned strong, compat;
		if (ignored_name(base_name(f->path)) ||
		    classify(&strong, &compat, f) < 0)
			continue;
		for (int k = 0; k < N_FORMATS; k++)
			if (strong & BIT(k))
				votes[k]++;
	}
	return vote(votes);
}

/* ---- the list ---- */

void mc_script_free(mc_script *s)
{
	if (!s)
		return;
	mc_free(s->path);
	mc_free(s->sql);
	mc_sql_stmts_free(s->stmts);
	mc_free(s->irreversible_reason);
	mc_free(s);
}

void mc_migration_free(mc_migration *m)
{
	if (!m)
		return;
	mc_free(m->version);
	mc_free(m->name);
	mc_free(m->dialect);
	mc_free(m->language);
	mc_script_free(m->up);
	mc_script_free(m->down);
	mc_free(m);
}

static void migration_free_v(void *p)
{
	mc_migration_free(p);
}

void mc_migration_list_free(mc_migration_list *l)
{
	if (!l)
		return;
	if (l->borrows)
		mc_vec_dispose(&l->items);
	else
		mc_vec_dispose_deep(&l->items, migration_free_v);
	mc_free(l->dir);
	mc_free(l);
}

size_t mc_migration_list_count(const mc_migration_list *l)
{
	return l ? l->items.len : 0;
}

const mc_migration *mc_migration_list_get(const mc_migration_list *l, size_t i)
{
	return l ? mc_vec_get(&l->items, i) : NULL;
}

/* ---- parsing ---- */

struct ctx {
	const mc_discover_opts *opts;
	mc_dialect dialect;
	mc_report *report;
	mc_migration_list *list;
	int goose; /* make_script splits SQL as goose sends it */
};

/* One file of the folder's format, named. */
struct rec {
	struct mc_name_info ni;
	const mc_file *file;
	int content_ok; /* readable, valid UTF-8, no NUL */
};

static int finding(struct ctx *cx,
                   const char *code,
                   const char *file,
                   unsigned line,
                   const char *version,
                   const char *fmt,
                   ...) MC_PRINTF(6, 7);

/* a finding about file is wanted (opts->only, sorted, holds it) */
static int wanted(const struct ctx *cx, const char *file)
{
	const mc_vec *only = cx->opts->only;

	return !only || mc_vec_has_str(only, file);
}

static int finding(struct ctx *cx,
                   const char *code,
                   const char *file,
                   unsigned line,
                   const char *version,
                   const char *fmt,
                   ...)
{
	mc_buf msg = MC_BUF_INIT;
	va_list ap;
	int error;

	if (!cx->report || !wanted(cx, file))
		return 0;
	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (!error)
		error = mc_report_add(cx->report, NULL, code, file, line,
		                      version && *version ? version : NULL,
		                      NULL, "%s", mc_buf_cstr(&msg));
	mc_buf_dispose(&msg);
	return error;
}

/*
 * Check bytes: 0 when fine, else the 1-based line of the first NUL or
 * invalid UTF-8 sequence, with *nul saying which.
 */
static unsigned bad_bytes(const char *s, size_t len, int *nul)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned line = 1;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		unsigned cp;

		if (c == '\n')
			line++;
		if (c == 0) {
			*nul = 1;
			return line;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			goto bad;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += n + 1;
	}
	return 0;
bad:
	*nul = 0;
	return line;
}

/* Find "-- migcheck:irreversible <reason>"; *reason is owned by the caller. */
static int
find_irreversible(int *found, char **reason, const char *s, size_t len)
{
	static const char tag[] = "migcheck:irreversible";
	size_t pos = 0;

	*found = 0;
	*reason = NULL;
	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		const char *p = s + pos, *end = nl ? nl : s + len;
		pos = nl ? (size_t)(nl - s) + 1 : len;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '-' || p[1] != '-')
			continue;
		p += 2;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) < sizeof(tag) - 1 ||
		    strncasecmp(p, tag, sizeof(tag) - 1))
			continue;
		p += sizeof(tag) - 1;
		if (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			continue;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p &&
		       (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*found = 1;
		if (end > p &&
		    (*reason = mc_strndup(p, (size_t)(end - p))) == NULL)
			return mc_error_set_oom();
		return 0;
	}
	return 0;
}

/*
 * Build a script from text (len bytes; line = file line of its first
 * byte). With content_ok, the SQL is checked: blank, split, flags,
 * irreversible (down only).
 */
static int make_script(mc_script **out,
                       struct ctx *cx,
                       const char *path,
                       const char *version,
                       const char *text,
                       size_t len,
                       unsigned line,
                       int is_down,
                       int is_sql,
                       int content_ok)
{
	mc_script *s;
	mc_sql_error err = MC_SQL_ERROR_INIT;
	int error = 0, irr;

	*out = NULL;
	if ((s = mc_calloc(1, sizeof(*s))) == NULL ||
	    (s->path = mc_strdup(path)) == NULL ||
	    (s->sql = mc_strndup(text, len)) == NULL) {
		mc_script_free(s);
		return mc_error_set_oom();
	}
	s->len = len;
	s->line = line;
	if (!content_ok)
		s->flags |= MC_SCRIPT_UNREADABLE;
	if (!content_ok || !is_sql)
		goto done;
	if (is_down) {
		if ((error = find_irreversible(&irr, &s->irreversible_reason,
		                               text, len)) < 0)
			goto done;
		if (irr)
			s->flags |= MC_SCRIPT_IRREVERSIBLE;
	}
	if (mc_sql_is_blank(text, len, cx->dialect)) {
		s->flags |= MC_SCRIPT_BLANK;
		goto done;
	}
	error = cx->goose ? mc_sql_split_goose(&s->stmts, &err, text, len,
	                                       cx->dialect, line)
	                  : mc_sql_split(&s->stmts, &err, text, len,
	                                 cx->dialect, line);
	if (error == MC_ENOMEM)
		goto done;
	if (error < 0) {
		const mc_error *e = mc_error_last();
		error = finding(
		        cx, "malformed", path, err.line ? err.line : line,
		        version, "invalid SQL: %s",
		        err.message
		                ? err.message
		                : (e && e->message
		                           ? e->message
		                           : "cannot be split into statements"));
		s->stmts = NULL;
		goto done;
	}
	if (mc_sql_stmts_flags(s->stmts) & MC_STMT_NO_TRANSACTION)
		s->flags |= MC_SCRIPT_NO_TRANSACTION;
	if (mc_sql_stmts_flags(s->stmts) & MC_STMT_TRANSACTION_CONTROL)
		s->flags |= MC_SCRIPT_OWN_TRANSACTION;
done:
	mc_sql_error_dispose(&err);
	if (error < 0) {
		mc_script_free(s);
		return error;
	}
	*out = s;
	return 0;
}

/*
 * Join the sections of one direction into one text that keeps file
 * lines: from the first section's start to the last one's end, with the
 * other direction's sections (markers included) blanked to spaces.
 */
static int join_sections(mc_buf *out,
                         unsigned *line,
                         int *found,
                         int *notx,
                         const struct mc_sections *secs,
                         const char *data,
                         int part)
{
	const struct mc_section *first = NULL, *last = NULL;
	int error;

	*found = *notx = 0;
	for (size_t i = 0; i < secs->sections.len; i++) {
		const struct mc_section *s = secs->sections.items[i];
		if (s->part != part)
			continue;
		if (!first)
			first = s;
		last = s;
		if (s->no_transaction)
			*notx = 1;
	}
	mc_buf_clear(out);
	if (!first)
		return 0;
	*found = 1;
	*line = first->line;
	if ((error = mc_buf_put(out, data + first->begin,
	                        last->end - first->begin)) < 0)
		return error;
	for (size_t i = 0; i < secs->sections.len; i++) {
		const struct mc_section *s = secs->sections.items[i];
		if (s->part == part || s->marker < first->begin ||
		    s->end > last->end)
			continue;
		for (size_t k = s->marker; k < s->end; k++)
			if (out->ptr[k - first->begin] != '\n')
				out->ptr[k - first->begin] = ' ';
	}
	return 0;
}

static mc_migration *new_migration(const struct ctx *cx, const struct rec *r)
{
	mc_migration *m = mc_calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->format = r->ni.format;
	m->kind = r->ni.kind;
	if ((m->version = mc_strdup(r->ni.version)) == NULL ||
	    (m->name = mc_strdup(r->ni.name)) == NULL ||
	    (r->ni.dialect &&
	     (m->dialect = mc_strdup(r->ni.dialect)) == NULL) ||
	    (r->ni.language &&
	     (m->language = mc_strdup(r->ni.language)) == NULL)) {
		mc_migration_free(m);
		return NULL;
	}
	/* SQL we run; JS (and TS) through [runner]; Go, Java, Kotlin never */
	if (!m->language)
		m->replayable = 1;
	else
		m->replayable = (!strcmp(m->language, "js") ||
		                 !strcmp(m->language, "ts")) &&
		                cx->opts->have_runner;
	return m;
}

static int word_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Does text hold a word "down" (a Sequelize/umzug down function)? */
static int mentions_down(const char *s, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (!memcmp(s + i, "down", 4) &&
		    (i == 0 || !word_char(s[i - 1])) &&
		    (i + 4 == len || !word_char(s[i + 4])))
			return 1;
	return 0;
}

/* A file holding both parts: sections (SQL) or code (not SQL). */
static int parse_both(struct ctx *cx, mc_migration *m, const struct rec *r)
{
	const mc_file *f = r->file;
	const char *data = f->data + (r->content_ok ? bom_len(f) : 0);
	size_t len = r->content_ok ? f->len - bom_len(f) : 0;
	const struct mc_sections_syntax *syn = syntax_for(r->ni.format);
	struct mc_sections secs;
	mc_buf text = MC_BUF_INIT;
	unsigned line = 1;
	int error, found, notx;

	if (!r->content_ok)
		return make_script(&m->up, cx, f->path, m->version, "", 0, 1, 0,
		                   0, 0);
	if (m->language) {
		/* code: the whole file is the migration */
		if ((error = make_script(&m->up, cx, f->path, m->version, data,
		                         len, 1, 0, 0, 1)) < 0)
			return error;
		if (r->ni.format == MC_FORMAT_SEQUELIZE &&
		    mentions_down(data, len)) {
			unsigned dl = 1;
			int empty = mc_fmt_sequelize__empty_down(data, len, &dl);
			if ((error = make_script(&m->down, cx, f->path,
			                         m->version, data, len, empty ? dl : 1,
			                         1, 0, 1)) < 0)
				return error;
			/* an empty function: listed so, and a warning */
			if (empty)
				m->down->flags |= MC_SCRIPT_BLANK;
		}
		return 0;
	}
	if ((error = mc_sections_parse(&secs, data, len, syn)) < 0)
		return error;
	for (size_t i = 0; i < secs.problems.len && !error; i++) {
		const struct mc_section_problem *p = secs.problems.items[i];
		error = finding(cx, "malformed", f->path, p->line, m->version,
		                "%s", p->message);
	}
	if (error)
		goto done;
	/* SQL before the first marker is run by no tool */
	if (secs.sections.len &&
	    !mc_sql_is_blank(data, secs.preamble_end, cx->dialect)) {
		unsigned l = 1;
		for (size_t k = 0; k < secs.preamble_end; k++) {
			if (data[k] == '\n')
				l++;
			else if (data[k] == '-' && k + 1 < secs.preamble_end &&
			         data[k + 1] == '-') {
				while (k + 1 < secs.preamble_end &&
				       data[k + 1] != '\n')
					k++;
			} else if (data[k] != ' ' && data[k] != '\t' &&
			           data[k] != '\r' && data[k] != '/' &&
			           data[k] != '*')
				break;
		}
		if ((error = finding(
		             cx, "malformed", f->path, l, m->version,
		             "SQL before the first '%s Up' is not part of any section",
		             syn->display)) < 0)
			goto done;
	}
	cx->goose = r->ni.format == MC_FORMAT_GOOSE;
	if ((error = join_sections(&text, &line, &found, &notx, &secs, data,
	                           MC_PART_UP)) < 0)
		goto done;
	if (!found) {
		const struct mc_section *s0 = mc_vec_get(&secs.sections, 0);
		unsigned l = s0 ? s0->line - 1 : 1;
		if ((error = finding(cx, "malformed", f->path, l, m->version,
		                     "no '%s%s' section", syn->display,
		                     syn->word_needs_space ? " Up" : "up")) < 0)
			goto done;
	} else {
		if ((error = make_script(&m->up, cx, f->path, m->version,
		                         mc_buf_cstr(&text), text.size, line, 0,
		                         1, 1)) < 0)
			goto done;
		if (notx || secs.no_transaction)
			m->up->flags |= MC_SCRIPT_NO_TRANSACTION;
	}
	if ((error = join_sections(&text, &line, &found, &notx, &secs, data,
	                           MC_PART_DOWN)) < 0)
		goto done;
	if (found) {
		if ((error = make_script(&m->down, cx, f->path, m->version,
		                         mc_buf_cstr(&text), text.size, line, 1,
		                         1, 1)) < 0)
			goto done;
		if (notx || secs.no_transaction)
			m->down->flags |= MC_SCRIPT_NO_TRANSACTION;
	}
done:
	cx->goose = 0;
	mc_sections_dispose(&secs);
	mc_buf_dispose(&text);
	return error;
}

/* One file holding one part (golang-migrate, popx, flyway, plain). */
static int parse_part(struct ctx *cx, mc_migration *m, const struct rec *r)
{
	const mc_file *f = r->file;
	size_t skip = r->content_ok ? bom_len(f) : 0;
	mc_script **slot = r->ni.part == MC_PART_DOWN ? &m->down : &m->up;
	int error;

	if ((error = make_script(slot, cx, f->path, m->version,
	                         r->content_ok ? f->data + skip : "",
	                         r->content_ok ? f->len - skip : 0, 1,
	                         r->ni.part == MC_PART_DOWN, !r->ni.language,
	                         r->content_ok)) < 0)
		return error;
	if (r->ni.autocommit)
		(*slot)->flags |= MC_SCRIPT_NO_TRANSACTION;
	return 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = *(const struct rec *const *)a;
	const struct rec *y = *(const struct rec *const *)b;
	int c;
	if ((c = strcmp(x->ni.version, y->ni.version)) != 0)
		return c;
	if ((c = strcmp(x->ni.name, y->ni.name)) != 0)
		return c;
	if (x->ni.kind != y->ni.kind)
		return x->ni.kind < y->ni.kind ? -1 : 1;
	return strcmp(x->file->path, y->file->path);
}

static int same_key(const struct rec *x, const struct rec *y)
{
	return !strcmp(x->ni.version, y->ni.version) &&
	       !strcmp(x->ni.name, y->ni.name) && x->ni.kind == y->ni.kind &&
	       x->ni.part != MC_PART_BOTH;
}

static const char *any_path(const mc_migration *m)
{
	return m->up ? m->up->path : m->down ? m->down->path : NULL;
}

static int migration_cmp(const void *a, const void *b)
{
	const mc_migration *x = *(const mc_migration *const *)a;
	const mc_migration *y = *(const mc_migration *const *)b;
	int c;
	if (x->format == MC_FORMAT_SQL_MIGRATE &&
	    y->format == MC_FORMAT_SQL_MIGRATE)
		return mc_format_order_cmp(x->format, x->version, any_path(x),
		                           y->version, any_path(y));
	/* flyway repeatables run after all versioned migrations, by name */
	if ((x->kind == MC_MIGRATION_REPEATABLE) !=
	    (y->kind == MC_MIGRATION_REPEATABLE))
		return x->kind == MC_MIGRATION_REPEATABLE ? 1 : -1;
	if ((c = x->format == y->format
	                 ? mc_format_version_cmp(x->format, x->version,
	                                         y->version)
	                 : mc_version_cmp(x->version, y->version)) != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind == MC_MIGRATION_BASELINE ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The duplicate-version finding of n, one of the dups versioned migrations
 * items[i, j) that share its version: "version 001 is used by 2
 * migrations, also by 'db/1_b.up.sql'" (the first three others, then how
 * many more).
 */
static int duplicate_finding(struct ctx *cx,
                             const mc_migration_list *l,
                             size_t i,
                             size_t j,
                             const mc_migration *n,
                             size_t dups)
{
	mc_buf msg = MC_BUF_INIT;
	size_t named = 0;
	int error;

	error = mc_buf_printf(&msg,
	                      "version %s is used by %zu migrations, also by",
	                      n->version, dups);
	for (size_t k = i; k < j && !error; k++) {
		const mc_migration *o = l->items.items[k];
		if (o == n || o->kind != MC_MIGRATION_VERSIONED)
			continue;
		if (named == 3) {
			error = mc_buf_printf(&msg, " and %zu more",
			                      dups - 1 - named);
			break;
		}
		error = mc_buf_printf(&msg, "%s '%s'", named ? "," : "",
		                      any_path(o));
		named++;
	}
	if (!error)
		error = finding(cx, "duplicate-version", any_path(n), 0,
		                n->version, "%s", mc_buf_cstr(&msg));
	mc_buf_dispose(&msg);
	return error;
}

/*
 * Group the records (sorted) into migrations. popx: per part, the file
 * for the configured dialect wins over the generic one; files for other
 * dialects are left out.
 */
/*
 * Flyway pairs an undo with its migration by version alone (U1__x undoes
 * V1__y), and so do golang-migrate (1_x.up.sql and 1_y.down.sql are one
 * migration) and popx: give each lone down to the up of the same version
 * (mc_format_same_version), so renaming one file of a pair keeps the pair.
 */
static int pairs_by_version(mc_format f)
{
	return f == MC_FORMAT_FLYWAY || f == MC_FORMAT_GOLANG_MIGRATE ||
	       f == MC_FORMAT_POPX;
}

static void pair_by_version(mc_migration_list *l)
{
	size_t w = 0;

	/* a U file given away is freed and its slot emptied; the list is
	 * compacted only afterwards, so the search never meets a freed one */
	for (size_t i = 0; i < l->items.len; i++) {
		mc_migration *u = l->items.items[i];
		if (!pairs_by_version(u->format) || u->up || !u->down)
			continue;
		for (size_t k = 0; k < l->items.len; k++) {
			mc_migration *v = l->items.items[k];
			if (v && v != u && v->format == u->format &&
			    v->kind == MC_MIGRATION_VERSIONED && v->up &&
			    !v->down &&
			    mc_format_same_version(u->format, v->version,
			                           u->version)) {
				v->down = u->down;
				u->down = NULL;
				mc_migration_free(u);
				l->items.items[i] = NULL;
				break;
			}
		}
	}
	for (size_t i = 0; i < l->items.len; i++)
		if (l->items.items[i])
			l->items.items[w++] = l->items.items[i];
	l->items.len = w;
}

static int group(struct ctx *cx, mc_vec *recs)
{
	mc_vec_sort(recs, rec_cmp);
	for (size_t i = 0; i < recs->len;) {
		struct rec *first = recs->items[i];
		const struct rec *up = NULL, *down = NULL;
		mc_migration *m;
		size_t j = i + 1;
		int error = 0;

		while (j < recs->len && same_key(first, recs->items[j]))
			j++;
		if ((m = new_migration(cx, first)) == NULL)
			return mc_error_set_oom();
		if (first->ni.part == MC_PART_BOTH) {
			error = parse_both(cx, m, first);
		} else {
			for (size_t k = i; k < j && !error; k++) {
				const struct rec *r = recs->items[k];
				const struct rec **slot =
				        r->ni.part == MC_PART_DOWN ? &down
				                                   : &up;
				if (r->ni.format == MC_FORMAT_POPX &&
				    !mc_fmt_popx__dialect_serves(r->ni.dialect,
				                                 cx->dialect))
					continue;
				if (!*slot ||
				    (!(*slot)->ni.dialect && r->ni.dialect))
					*slot = r;
			}
			/* the dialect is the chosen up file's, not the first
			 * file's */
			mc_free(m->dialect);
			m->dialect = NULL;
			if (up && up->ni.dialect &&
			    (m->dialect = mc_strdup(up->ni.dialect)) == NULL)
				error = mc_error_set_oom();
			if (!error && up)
				error = parse_part(cx, m, up);
			if (!error && down)
				error = parse_part(cx, m, down);
			/* the group's other files (another dialect's, a
			 * second one for a part) are in no migration */
			cx->list->unreferenced += (j - i) - (up != NULL) - (down != NULL);
		}
		if (!error && !m->up && !m->down &&
		    first->ni.part != MC_PART_BOTH) {
			/* only files for other dialects */
			mc_migration_free(m);
			i = j;
			continue;
		}
		if (!error)
			error = mc_vec_push(&cx->list->items, m);
		if (error) {
			mc_migration_free(m);
			return error;
		}
		i = j;
	}
	return 0;
}

static int rec_content_ok(struct ctx *cx, const mc_file *f, int *ok)
{
	unsigned line;
	int nul = 0;

	*ok = 0;
	if (f->error)
		return finding(cx, "malformed", f->path, 0, NULL,
		               "cannot read migration: %s", f->data);
	if ((line = bad_bytes(f->data, f->len, &nul)) != 0)
		return finding(cx, "malformed", f->path, line, NULL,
		               nul ? "file holds a NUL byte (binary file?)"
		                   : "file is not valid UTF-8");
	*ok = 1;
	return 0;
}

static int names_script(const mc_script *s, const char *target)
{
	const char *base;
	if (!s)
		return 0;
	base = strrchr(s->path, '/');
	return !strcmp(base ? base + 1 : s->path, target);
}

const char *mc_declaration_reason(const mc_vec *decls, const mc_migration *m)
{
	for (size_t i = 0; decls && m && i < decls->len; i++) {
		const mc_declaration *d = decls->items[i];
		if (names_script(m->up, d->target) ||
		    names_script(m->down, d->target) ||
		    (m->version && !strcmp(m->version, d->target)))
			return d->reason;
	}
	return NULL;
}

static int declared(const mc_vec *v, const mc_migration *m)
{
	return mc_declaration_reason(v, m) != NULL;
}

static int check_list(struct ctx *cx)
{
	mc_migration_list *l = cx->list;
	const mc_migration *code_first = NULL;
	size_t code_count = 0;
	int error = 0, flyway_undo = 0;

	/*
	 * Flyway undo (U files) is optional, so a flyway folder needs downs
	 * only once it uses them at all.
	 */
	for (size_t i = 0; i < l->items.len; i++) {
		const mc_migration *m = l->items.items[i];
		if (m->format == MC_FORMAT_FLYWAY && m->down)
			flyway_undo = 1;
	}
	for (size_t i = 0; i < l->items.len && !error; i++) {
		const mc_migration *m = l->items.items[i];
		int sql = m->language == NULL;
		if (!m->up) {
			/* one-file formats said "no up section" already */
			if (m->format != MC_FORMAT_DBMATE &&
			    m->format != MC_FORMAT_GOOSE &&
			    m->format != MC_FORMAT_SQL_MIGRATE)
				error = finding(
				        cx, "malformed", m->down->path, 0,
				        m->version,
				        "down script without an up script");
			continue;
		}
		if (!sql) {
			if (m->down && (m->down->flags & MC_SCRIPT_BLANK) &&
			    !declared(cx->opts->irreversible, m) &&
			    (error = finding(cx, "empty-down", m->down->path,
			                     m->down->line, m->version,
			                     "down is an empty function: the migration cannot be reverted")) < 0)
				break;
			/* left out of replays by .migcheck: said there */
			if (declared(cx->opts->skip, m))
				continue;
			if (!strcmp(m->language, "js") ||
			    !strcmp(m->language, "ts")) {
				if (!cx->opts->have_runner) {
					if (!code_first)
						code_first = m;
					code_count++;
				}
				continue;
			}
			error = finding(
			        cx, "not-replayable", m->up->path, 0,
			        m->version,
			        "%s migration (%s) cannot be replayed; it is listed but not run",
			        mc_format_name(m->format), m->language);
			continue;
		}
		if (m->up->flags & MC_SCRIPT_UNREADABLE)
			continue; /* reported as malformed already */
		if ((m->up->flags & MC_SCRIPT_BLANK) &&
		    m->format != MC_FORMAT_POPX)
			error = finding(cx, "empty-migration", m->up->path,
			                m->up->line, m->version,
			                "up script has no statements");
		if (error || !cx->opts->require_down ||
		    m->kind != MC_MIGRATION_VERSIONED ||
		    (m->format == MC_FORMAT_FLYWAY && !flyway_undo) ||
		    declared(cx->opts->irreversible, m))
			continue;
		if (!m->down)
			error = finding(cx, "missing-down", m->up->path, 0,
			                m->version, "no down script");
		else if ((m->down->flags & MC_SCRIPT_BLANK) &&
		         !(m->down->flags & MC_SCRIPT_IRREVERSIBLE) &&
		         m->format != MC_FORMAT_POPX)
			error = finding(
			        cx, "missing-down", m->down->path,
			        m->down->line, m->version,
			        "down script is empty; if that is deliberate, declare it in .migcheck under [migrations \"%s\"]: irreversible = %s <reason>",
			        l->dir, m->version);
	}
	if (!error && code_count == 1)
		error = finding(
		        cx, "not-replayable", code_first->up->path, 0,
		        code_first->version,
		        "%s migration (%s) cannot be replayed without [runner] commands",
		        mc_format_name(code_first->format),
		        code_first->language);
	else if (!error && code_count > 1 && cx->report) {
		/* one finding per file; text shows them as one group */
		error = mc_report_group_begin(
		        cx->report, l->dir,
		        "%zu %s migrations cannot be replayed without [runner] commands",
		        code_count, mc_format_name(code_first->format));
		for (size_t i = 0; i < l->items.len && !error; i++) {
			const mc_migration *m = l->items.items[i];
			if (m->language && m->up &&
			    !declared(cx->opts->skip, m))
				error = finding(
				        cx, "not-replayable", m->up->path, 0,
				        m->version,
				        "%s migration (%s) cannot be replayed without [runner] commands",
				        mc_format_name(m->format), m->language);
		}
		mc_report_group_end(cx->report);
	}
	/* duplicate versions: adjacent after sorting */
	for (size_t i = 0; i + 1 < l->items.len && !error;) {
		const mc_migration *m = l->items.items[i];
		size_t j = i + 1;

		/* only where the tool keys on the version (not sql-migrate,
		 * Sequelize: two files of one prefix are two migrations) */
		if (m->kind == MC_MIGRATION_VERSIONED &&
		    mc_format_unique_versions(m->format)) {
			while (j < l->items.len) {
				const mc_migration *n = l->items.items[j];
				if (n->kind != MC_MIGRATION_BASELINE &&
				    (n->kind != MC_MIGRATION_VERSIONED ||
				     !mc_format_same_version(m->format,
				                             m->version,
				                             n->version)))
					break;
				j++;
			}
		}
		if (j > i + 1 && cx->report) {
			size_t dups = 0;
			for (size_t k = i; k < j; k++)
				dups += ((const mc_migration *)
				                 l->items.items[k])
				                ->kind ==
				        MC_MIGRATION_VERSIONED;
			/* one finding per file, naming the others */
			for (size_t k = i; k < j && dups > 1 && !error; k++) {
				const mc_migration *n = l->items.items[k];
				if (n->kind == MC_MIGRATION_VERSIONED)
					error = duplicate_finding(cx, l, i, j,
					                          n, dups);
			}
		}
		i = j;
	}
	return error;
}

/*
 * Why this is what parsing files gives: whether a file becomes part of a
 * migration depends on its name and the format alone, and groups form by
 * name; with every file of from in a migration (no unreferenced ones) and
 * each migration's files all in files or all out, the groups of files are
 * exactly from's migrations that are in, paired and sorted the same.
 */
int mc_migration_list_subset(mc_migration_list **out,
                             const mc_migration_list *from,
                             const mc_file_list *from_files,
                             const mc_file_list *files)
{
	mc_migration_list *l;
	size_t k = 0, nf;

	MC_ASSERT_ARG(out && from && from_files && files);
	*out = NULL;
	if (from->unreferenced || from->format == MC_FORMAT_AUTO)
		return 0;
	/* files within from_files, both sorted */
	nf = from_files->files.len;
	for (size_t i = 0; i < files->files.len; i++) {
		const char *p = ((const mc_file *)files->files.items[i])->path;
		int cmp = 1;
		if (i && strcmp(((const mc_file *)files->files.items[i - 1])->path, p) >= 0)
			return 0;
		while (k < nf) {
			const char *q = ((const mc_file *)from_files->files.items[k])->path;
			if (k && strcmp(((const mc_file *)from_files->files.items[k - 1])->path, q) >= 0)
				return 0;
			if ((cmp = strcmp(q, p)) >= 0)
				break;
			k++;
		}
		if (cmp != 0)
			return 0;
	}
	if ((l = mc_calloc(1, sizeof(*l))) == NULL ||
	    (l->dir = mc_strdup(from->dir)) == NULL) {
		mc_free(l);
		return mc_error_set_oom();
	}
	l->format = from->format;
	l->borrows = 1;
	for (size_t i = 0; i < from->items.len; i++) {
		mc_migration *m = from->items.items[i];
		int up = m->up ? mc_file_list_find(files, m->up->path) != SIZE_MAX : -1;
		int down = m->down ? mc_file_list_find(files, m->down->path) != SIZE_MAX : -1;
		if ((up < 0 && down < 0) || (up >= 0 && down >= 0 && up != down)) {
			mc_migration_list_free(l); /* none, or one file of two */
			return 0;
		}
		if (up <= 0 && down <= 0)
			continue;
		int error;
		if ((error = mc_vec_push(&l->items, m)) < 0) {
			mc_migration_list_free(l);
			return error;
		}
	}
	*out = l;
	return 0;
}

static void rec_free(void *p)
{
	struct rec *r = p;
	if (r)
		mc_name_info__dispose(&r->ni);
	mc_free(r);
}

int mc_migration_list_parse_opts(mc_migration_list **out,
                                 const mc_file_list *files,
                                 const char *dir,
                                 const mc_discover_opts *opts,
                                 mc_report *report)
{
	static const mc_discover_opts defaults = MC_DISCOVER_OPTS_INIT;
	unsigned votes[N_FORMATS] = { 0 };
	unsigned *strong = NULL, *compat = NULL;
	struct ctx cx = { NULL, MC_DIALECT_UNKNOWN, NULL, NULL, 0 };
	mc_vec recs = MC_VEC_INIT, others = MC_VEC_INIT;
	mc_migration_list *l = NULL;
	size_t n;
	mc_format fmt;
	int error = 0;

	MC_ASSERT_ARG(out && files && dir);
	*out = NULL;
	if (!opts)
		opts = &defaults;
	n = files->files.len;
	if ((l = mc_calloc(1, sizeof(*l))) == NULL ||
	    (l->dir = mc_strdup(dir)) == NULL ||
	    (strong = mc_calloc(n + 1, sizeof(*strong))) == NULL ||
	    (compat = mc_calloc(n + 1, sizeof(*compat))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	cx.opts = opts;
	cx.dialect = opts->dialect == MC_DIALECT_UNKNOWN ? MC_DIALECT_POSTGRES
	                                                 : opts->dialect;
	cx.report = report;
	cx.list = l;

	for (size_t i = 0; i < n; i++) {
		const mc_file *f = files->files.items[i];
		if (ignored_name(base_name(f->path)))
			continue;
		if ((error = classify(&strong[i], &compat[i], f)) < 0)
			goto done;
		for (int k = 0; k < N_FORMATS; k++)
			if (strong[i] & BIT(k))
				votes[k]++;
	}
	fmt = opts->format != MC_FORMAT_AUTO ? opts->format : vote(votes);
	l->format = fmt;

	for (size_t i = 0; i < n; i++) {
		const mc_file *f = files->files.items[i];
		const char *base = base_name(f->path);
		struct rec *r;
		mc_fmt__matcher m = mc_format__matcher(fmt);
		int rc, ok;

		if (ignored_name(base))
			continue;
		if (!compat[i] || fmt == MC_FORMAT_AUTO) {
			if (f->error)
				error = rec_content_ok(&cx, f, &ok);
			else
				error = finding(
				        &cx, "unknown-file", f->path, 0, NULL,
				        "file matches no migration format");
			if (error < 0)
				goto done;
			continue;
		}
		if (fmt == MC_FORMAT_POPX && !f->error &&
		    mc_fmt_popx__skipped(base)) {
			/* popx's shape, but a dot in the name: popx skips it */
			if ((error = finding(
			             &cx, "unknown-file", f->path, 0, NULL,
			             "popx never runs this file: its name holds a dot (popx reads '.{dialect}' there and skips a dialect it does not know)")) <
			    0)
				goto done;
			continue;
		}
		if (!(compat[i] & BIT(fmt)) && !strong[i]) {
			/* e.g. "notes.sql" in a goose folder: no evidence of
			 * any format */
			if (f->error)
				error = rec_content_ok(&cx, f, &ok);
			else
				error = finding(
				        &cx, "unknown-file", f->path, 0, NULL,
				        "file does not match the %s pattern %s",
				        mc_format_name(fmt),
				        format_patterns[fmt]);
			if (error < 0)
				goto done;
			continue;
		}
		if (!(compat[i] & BIT(fmt))) {
			if ((error = mc_vec_push(&others, (void *)f)) < 0)
				goto done;
			continue;
		}
		if ((r = mc_calloc(1, sizeof(*r))) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		r->file = f;
		if ((rc = m(&r->ni, base)) <= 0) {
			mc_free(r);
			if (rc < 0) {
				error = mc_error_set_oom();
				goto done;
			}
			if ((error = finding(
			             &cx, "unknown-file", f->path, 0, NULL,
			             "file does not match the %s pattern %s",
			             mc_format_name(fmt),
			             format_patterns[fmt])) < 0)
				goto done;
			continue;
		}
		if ((error = mc_vec_push(&recs, r)) < 0) {
			rec_free(r);
			goto done;
		}
		if ((error = rec_content_ok(&cx, f, &r->content_ok)) < 0)
			goto done;
		/* Flyway reads '_' as '.' and refuses an empty part: it
		 * migrates nothing while such a file is there */
		if (fmt == MC_FORMAT_FLYWAY && strstr(r->ni.version, "..") &&
		    (error = finding(
		             &cx, "malformed", f->path, 0, r->ni.version,
		             "Flyway refuses version '%s' (an empty part between dots)",
		             r->ni.version)) < 0)
			goto done;
	}
	if (others.len && report) {
		/* one finding per file; text shows them as one group */
		if ((error = mc_report_group_begin(
		             report, NULL,
		             "migrations folder '%s' is %s but %zu file%s of another format %s left out",
		             dir, mc_format_name(fmt), others.len,
		             others.len == 1 ? "" : "s",
		             others.len == 1 ? "is" : "are")) < 0)
			goto done;
		for (size_t i = 0; i < others.len; i++) {
			const mc_file *f = others.items[i];
			unsigned s = 0, c = 0;
			mc_format o = MC_FORMAT_AUTO;
			if ((error = classify(&s, &c, f)) < 0)
				break;
			for (size_t k = 0; k < MC_ARRAY_SIZE(preference); k++)
				if ((s ? s : c) & BIT(preference[k])) {
					o = preference[k];
					break;
				}
			if ((error = finding(
			             &cx, "mixed-formats", f->path, 0, NULL,
			             "%s file left out: migrations folder '%s' is %s",
			             mc_format_name(o), dir,
			             mc_format_name(fmt))) < 0)
				break;
		}
		mc_report_group_end(report);
		if (error)
			goto done;
	}
	if ((error = group(&cx, &recs)) < 0)
		goto done;
	pair_by_version(l);
	mc_vec_sort(&l->items, migration_cmp);
	if ((error = check_list(&cx)) < 0)
		goto done;
	*out = l;
	l = NULL;
done:
	mc_vec_dispose_deep(&recs, rec_free);
	mc_vec_dispose(&others);
	mc_free(strong);
	mc_free(compat);
	mc_migration_list_free(l);
	return error;
}

int mc_migration_list_parse(mc_migration_list **out,
                            const mc_file_list *files,
                            const char *dir,
                            mc_format format,
                            mc_dialect dialect,
                            mc_report *report)
{
	mc_discover_opts opts = MC_DISCOVER_OPTS_INIT;
	opts.format = format;
	opts.dialect = dialect;
	return mc_migration_list_parse_opts(out, files, dir, &opts, report);
}

int mc_migration_list_read_dir(mc_migration_list **out,
                               const char *root,
                               const char *dir,
                               const mc_discover_opts *opts,
                               mc_report *report)
{
	mc_file_list *files = NULL;
	int error;

	MC_ASSERT_ARG(out && root && dir);
	*out = NULL;
	if ((error = mc_file_list_read_dir(&files, root, dir)) == 0)
		error = mc_migration_list_parse_opts(out, files, dir, opts,
		                                     report);
	mc_file_list_free(files);
	return error;
}
