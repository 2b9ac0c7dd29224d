/*
 * fuzz_migration.c: libFuzzer target for the migration-format parsers
 * (src/migration/fmt_*.c, sections.c, discover.c): file names and file
 * contents of one migrations folder.
 *
 * Input: data[0] picks the options, the rest is a folder in the layout
 * `head` prints for several files:
 *
 *   data[0]  bits 0-3: format (value % 9: 0 auto, then golang-migrate,
 *            dbmate, goose, sql-migrate, flyway, popx, plain, sequelize),
 *            bit 4: SQLite (else PostgreSQL), bit 5: require downs,
 *            bit 6: a [runner] is configured
 *   then     "==> NAME <==\n" CONTENT, repeated; CONTENT runs up to the
 *            next line starting "==> " (text before the first header is
 *            the content of "001_first.sql"). A NAME starting with '!' is
 *            a file that could not be read, its content the reason.
 *
 * Each file name also goes through every format's name matcher and each
 * content through the three section parsers. Traps when an invariant every
 * caller relies on breaks:
 *   - a matcher says 0 or 1 and fills version and name from the name;
 *   - sections are in order, inside the text, and lines go forward;
 *   - parsing succeeds (findings are not errors), the list is sorted by
 *     mc_version_cmp with repeatables last, every script's text is
 *     NUL-terminated and its statements lie inside it;
 *   - every finding has a code and a one-line message;
 *   - mc_version_cmp is reflexive, antisymmetric and transitive.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/migration.h"
#include "migcheck/report.h"
#include "migration/migration_internal.h"
#include "util/banned.h"

#define MAX_INPUT (64 * 1024)
#define MAX_FILES 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static const char HEAD[] = "==> ";
static const char TAIL[] = " <==\n";

typedef int (*matcher)(struct mc_name_info *out, const char *base);

static const matcher matchers[] = {
	mc_fmt_golang_migrate__match, mc_fmt_dbmate__match,
	mc_fmt_goose__match,          mc_fmt_sql_migrate__match,
	mc_fmt_flyway__match,         mc_fmt_popx__match,
	mc_fmt_plain__match,          mc_fmt_sequelize__match,
};

static const struct mc_sections_syntax *const syntaxes[] = {
	&mc_fmt_goose__syntax,
	&mc_fmt_sql_migrate__syntax,
	&mc_fmt_dbmate__syntax,
};

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static void check_names(const char *base)
{
	size_t blen = strlen(base);

	for (size_t i = 0; i < sizeof(matchers) / sizeof(matchers[0]); i++) {
		struct mc_name_info ni;
		int rc = matchers[i](&ni, base);

		CHECK(rc == 0 || rc == 1);
		if (rc == 0)
			continue;
		CHECK(ni.version && ni.name);
		CHECK(strlen(ni.version) <= blen && strlen(ni.name) <= blen);
		CHECK(ni.part == MC_PART_UP || ni.part == MC_PART_DOWN ||
		      ni.part == MC_PART_BOTH);
		CHECK(mc_version_cmp(ni.version, ni.version) == 0);
		mc_name_info__dispose(&ni);
	}
}

static void check_sections(const char *text, size_t len)
{
	for (size_t i = 0; i < sizeof(syntaxes) / sizeof(syntaxes[0]); i++) {
		struct mc_sections s;
		size_t prev_end = 0;
		unsigned prev_line = 0;
		int marked = mc_sections_has_marker(text, len, syntaxes[i]);

		CHECK(mc_sections_parse(&s, text, len, syntaxes[i]) == 0);
		CHECK(s.preamble_end <= len);
		/* a section opens only at a marker line */
		CHECK(marked || s.sections.len == 0);
		for (size_t k = 0; k < s.sections.len; k++) {
			const struct mc_section *sec = s.sections.items[k];

			CHECK(sec->part == MC_PART_UP ||
			      sec->part == MC_PART_DOWN);
			CHECK(sec->marker >= prev_end);
			CHECK(sec->marker < sec->begin);
			CHECK(sec->begin <= sec->end && sec->end <= len);
			CHECK(sec->line > prev_line);
			CHECK(k > 0 || sec->marker >= s.preamble_end);
			prev_end = sec->end;
			prev_line = sec->line;
		}
		for (size_t k = 0; k < s.problems.len; k++) {
			const struct mc_section_problem *p =
			        s.problems.items[k];

			CHECK(p->message && p->message[0]);
			CHECK(!strchr(p->message, '\n'));
		}
		mc_sections_dispose(&s);
	}
}

static void check_script(const mc_script *s)
{
	if (!s)
		return;
	CHECK(s->path && s->sql && s->sql[s->len] == '\0');
	CHECK(s->line >= 1);
	if (s->flags & MC_SCRIPT_UNREADABLE)
		CHECK(s->len == 0 && !s->stmts);
	if (s->stmts) {
		size_t prev_end = 0;

		for (size_t i = 0; i < mc_sql_stmts_count(s->stmts); i++) {
			const mc_sql_stmt *st = mc_sql_stmts_get(s->stmts, i);

			CHECK(st->offset >= prev_end && st->len > 0);
			CHECK(st->offset <= s->len &&
			      st->len <= s->len - st->offset);
			CHECK(st->line >= s->line);
			prev_end = st->offset + st->len;
		}
	}
}

static const char *any_path(const mc_migration *m)
{
	return m->up ? m->up->path : m->down ? m->down->path : NULL;
}

static void check_list(const mc_migration_list *l)
{
	size_t n = mc_migration_list_count(l);
	int repeatables = 0;

	CHECK(mc_migration_list_get(l, n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const mc_migration *m = mc_migration_list_get(l, i);

		CHECK(m && m->version && m->name);
		/* a one-file migration without sections has neither (and a
		 * malformed finding) */
		CHECK(m->up || m->down || m->format == MC_FORMAT_DBMATE ||
		      m->format == MC_FORMAT_GOOSE ||
		      m->format == MC_FORMAT_SQL_MIGRATE);
		check_script(m->up);
		check_script(m->down);
		if (m->kind == MC_MIGRATION_REPEATABLE) {
			repeatables = 1;
		} else {
			CHECK(!repeatables);
			if (i > 0) {
				const mc_migration *p =
				        mc_migration_list_get(l, i - 1);
				/* the tool's own order (identity.c): sql-migrate
				 * by number then file name, dbmate and popx
				 * versions as text */
				CHECK(m->format == MC_FORMAT_SQL_MIGRATE
				              ? mc_format_order_cmp(
				                        m->format, p->version,
				                        any_path(p), m->version,
				                        any_path(m)) <= 0
				              : mc_format_version_cmp(
				                        m->format, p->version,
				                        m->version) <= 0);
			}
		}
	}
	/* the order the list relies on: a total preorder */
	for (size_t i = 0; i < n && i < 8; i++) {
		const char *a = mc_migration_list_get(l, i)->version;

		CHECK(mc_version_cmp(a, a) == 0);
		for (size_t j = 0; j < n && j < 8; j++) {
			const char *b = mc_migration_list_get(l, j)->version;
			int ab = sign(mc_version_cmp(a, b));

			CHECK(ab == -sign(mc_version_cmp(b, a)));
			for (size_t k = 0; k < n && k < 8; k++) {
				const char *c =
				        mc_migration_list_get(l, k)->version;
				int bc = sign(mc_version_cmp(b, c));

				if (ab <= 0 && bc <= 0)
					CHECK(mc_version_cmp(a, c) <= 0);
			}
		}
	}
}

static void check_report(const mc_report *r)
{
	for (size_t i = 0; i < mc_report_count(r); i++) {
		const mc_finding *f = mc_report_get(r, i);

		CHECK(f && f->code && mc_code_lookup(f->code));
		CHECK(f->message && f->message[0]);
		if (strchr(f->message, '\n')) {
			fprintf(stderr,
			        "finding %s: message of two lines: %s\n",
			        f->code, f->message);
			__builtin_trap();
		}
	}
}

/* Find the next header at a line start at or after pos; len if none. */
static size_t next_head(const char *s, size_t len, size_t pos)
{
	while (pos + sizeof(HEAD) - 1 <= len) {
		if ((pos == 0 || s[pos - 1] == '\n') &&
		    !memcmp(s + pos, HEAD, sizeof(HEAD) - 1))
			return pos;
		pos++;
	}
	return len;
}

static int has_path(const mc_file_list *files, const char *path)
{
	for (size_t i = 0; i < files->files.len; i++)
		if (!strcmp(((const mc_file *)files->files.items[i])->path,
		            path))
			return 1;
	return 0;
}

/* Add one file: NAME is [name, name+nlen), content [c, c+clen). */
static void add_file(mc_file_list *files,
                     const char *name,
                     size_t nlen,
                     const char *c,
                     size_t clen)
{
	int unreadable = nlen > 0 && name[0] == '!';
	char *path, *content;

	if (unreadable)
		name++, nlen--;
	if (files->files.len >= MAX_FILES || memchr(name, '\0', nlen) ||
	    memchr(name, '/', nlen))
		return;
	/* a git tree or a folder never holds one name twice */
	if ((path = mc_asprintf("db/%.*s", (int)nlen, name)) == NULL)
		abort();
	if (nlen == 0 || has_path(files, path)) {
		mc_free(path);
		return;
	}
	check_names(path + 3);
	if (unreadable) {
		/* the reason is one line of text (strerror and the like) */
		const char *nl = memchr(c, '\n', clen);
		if ((content = mc_strndup(c, nl ? (size_t)(nl - c) : clen)) ==
		    NULL)
			abort();
		CHECK(mc_file_list_add_error(files, path, content) == 0);
		mc_free(content);
	} else {
		check_sections(c, clen);
		CHECK(mc_file_list_add(files, path, c, clen) == 0);
	}
	mc_free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_discover_opts opts = MC_DISCOVER_OPTS_INIT;
	mc_file_list *files = NULL;
	mc_migration_list *list = NULL;
	mc_report *report = NULL;
	const char *s;
	size_t len, pos;
	mc_format detected;
	int rc;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	opts.format = (mc_format)((data[0] & 0x0f) % 9);
	opts.dialect =
	        (data[0] & 0x10) ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
	opts.require_down = (data[0] & 0x20) != 0;
	opts.have_runner = (data[0] & 0x40) != 0;
	s = (const char *)data + 1;
	len = size - 1;

	CHECK(mc_file_list_new(&files) == 0);
	pos = next_head(s, len, 0);
	if (pos > 0)
		add_file(files, "001_first.sql", 13, s, pos);
	while (pos < len) {
		size_t name = pos + sizeof(HEAD) - 1, nend, body, end;
		const char *t = memchr(s + name, '\n', len - name);

		nend = t ? (size_t)(t - s) : len;
		body = nend < len ? nend + 1 : len;
		/* "==> NAME <==": drop the tail when it is there */
		if (body - name >= sizeof(TAIL) - 1 &&
		    !memcmp(s + body - (sizeof(TAIL) - 1), TAIL,
		            sizeof(TAIL) - 1))
			nend = body - (sizeof(TAIL) - 1);
		end = next_head(s, len, body > pos ? body : pos + 1);
		add_file(files, s + name, nend - name, s + body, end - body);
		pos = end;
	}

	detected = mc_format_detect(files);
	CHECK(detected >= MC_FORMAT_AUTO && detected <= MC_FORMAT_SEQUELIZE);
	CHECK(mc_report_new(&report, "list") == 0);
	rc = mc_migration_list_parse_opts(&list, files, "db", &opts, report);
	CHECK(rc == 0 && list != NULL);
	CHECK(opts.format == MC_FORMAT_AUTO ? list->format == detected
	                                    : list->format == opts.format);
	check_list(list);
	check_report(report);

	mc_migration_list_free(list);
	mc_report_free(report);
	mc_file_list_free(files);
	mc_error_clear();
	return 0;
}
