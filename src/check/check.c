/*
 * check.c: 'migcheck check' on one change set (SPEC §6): immutability of
 * deployed migrations, ordering and duplicates (against the deployed set
 * and, for a range, the target branch), down scripts, discovery findings of
 * the changed files, and the model rule.
 *
 * Only the changed files are read in full. Every other file of a folder is
 * known by its name, which is all ordering and duplicates need, so the cost
 * follows the change, not the number of migrations or commits.
 */
#include "migcheck/check.h"

#include <regex.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/migration.h"
#include "migcheck/models.h"
#include "migcheck/project.h"
#include "migcheck/quote.h"
#include "migcheck/repo.h"
#include "util/banned.h"

/* How many unchanged files are read to detect a folder's format. */
#define FORMAT_SAMPLE 4

struct ctx {
	mc_report *r;
	const mc_check_opts *o;
	const mc_config *cfg;
	const mc_project *project; /* the folders and their settings: opts' or own */
	mc_project *own_project; /* resolved here when opts gave none */
	mc_vec dirs;         /* char*: the folders, borrowed from project */
	mc_changeset *cs;
	mc_deployed *dep;
	const char *workdir; /* NULL: bare */
	mc_dialect dialect;   /* the folder being checked's (check_dir) */
	mc_format format;     /* its migrations.format, AUTO to detect */
	int require_down;     /* its requireDown */
	int have_runner;      /* its runner.up or runner.tool: JS migrations run */
	const mc_vec *irreversible; /* its irreversible declarations */
	const mc_vec *skip;         /* its skip declarations */
	mc_check_group group;
	mc_vec touched; /* char*: borrowed new paths of added/modified/renamed files */
	mc_vec fresh;   /* char*: borrowed new paths the change adds */
	mc_vec unborn;  /* char*: borrowed new paths not at X (added, or renamed
	                 * to), sorted: what the highest version at X leaves out */
	mc_vec twins;   /* mc_change*: pairs (deleted deployed, added) the tool
	                 * reads as one migration (identity_twins) */
	mc_vec order;   /* mc_deployed_tree*: of the folder being checked */
	mc_vec order_ml;/* mc_migration_list*: each of order, parsed */
	mc_vec old_ml;  /* mc_migration_list*: old paths base_max kept */
};

/* v is sorted (path_sort): a folder of 10,000 added migrations asks this
 * for each of them */
static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int path_in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (!path)
		return 0;
	if (n == 0)
		return strchr(path, '/') == NULL;
	return !strncmp(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/');
}

static const mc_migration *find_by_path(const mc_migration_list *l, const char *path)
{
	for (size_t i = 0; l && path && i < mc_migration_list_count(l); i++) {
		const mc_migration *m = mc_migration_list_get(l, i);
		if ((m->up && m->up->path && !strcmp(m->up->path, path)) ||
		    (m->down && m->down->path && !strcmp(m->down->path, path)))
			return m;
	}
	return NULL;
}

static const char *mig_file(const mc_migration *m)
{
	return m->up ? m->up->path : m->down ? m->down->path : NULL;
}

/* for messages: a file, else the migration's name or version */
static const char *mig_label(const mc_migration *m)
{
	const char *f = mig_file(m);
	return f ? f : m->name ? m->name : m->version ? m->version : "?";
}

/* --- identity: what the tool sees of a rename -------------------------------- */

/* Past this many deleted x added pairs, a delete and an add are not
 * compared for identity (as git's rename limit). */
#define TWIN_PAIRS_MAX 10000

/*
 * A deployed file deleted and another added that the tool reads as the
 * same migration (goose, golang-migrate, dbmate, popx: the same version;
 * git saw no rename as the content changed too): pairs in c->twins, the
 * added path no longer fresh. It is that migration, edited or not.
 */
static int identity_twins(struct ctx *c, mc_format fmt, const char *dir)
{
	size_t dels = 0, adds = 0;
	int error = 0;

	c->twins.len = 0;
	if (mc_format_identity(fmt) != MC_IDENTITY_VERSION)
		return 0;
	for (size_t i = 0; i < c->cs->changes.len; i++) {
		const mc_change *ch = c->cs->changes.items[i];
		dels += ch->status == MC_CHANGE_DELETED && path_in_dir(ch->old_path, dir);
		adds += ch->status == MC_CHANGE_ADDED && path_in_dir(ch->new_path, dir);
	}
	if (!dels || !adds || dels * adds > TWIN_PAIRS_MAX)
		return 0;
	for (size_t i = 0; i < c->cs->changes.len && !error; i++) {
		mc_change *d = c->cs->changes.items[i];
		if (d->status != MC_CHANGE_DELETED || !path_in_dir(d->old_path, dir) ||
		    !mc_deployed_ref(c->dep, d->old_path))
			continue;
		for (size_t k = 0; k < c->cs->changes.len && !error; k++) {
			mc_change *a = c->cs->changes.items[k];
			int same = 0, taken = 0;
			if (a->status != MC_CHANGE_ADDED || !path_in_dir(a->new_path, dir))
				continue;
			for (size_t t = 1; t < c->twins.len; t += 2)
				taken |= c->twins.items[t] == a;
			if (taken || (error = mc_format_rename_keeps_identity(&same, fmt, d->old_path,
			                                                      a->new_path)) < 0 ||
			    !same)
				continue;
			if ((error = mc_vec_push(&c->twins, d)) < 0 ||
			    (error = mc_vec_push(&c->twins, a)) < 0)
				break;
			for (size_t f = 0, w = 0; f <= c->fresh.len; f++) {
				if (f == c->fresh.len) {
					c->fresh.len = w;
				} else if (strcmp(c->fresh.items[f], a->new_path) != 0) {
					c->fresh.items[w++] = c->fresh.items[f];
				}
			}
			break;
		}
	}
	return error;
}

/* The other side of ch in c->twins, or NULL. */
static const mc_change *twin_of(const struct ctx *c, const mc_change *ch)
{
	for (size_t i = 0; i + 1 < c->twins.len; i += 2) {
		if (c->twins.items[i] == ch)
			return c->twins.items[i + 1];
		if (c->twins.items[i + 1] == ch)
			return c->twins.items[i];
	}
	return NULL;
}

/* --- format detection and parsing ------------------------------------------ */

static int detect_format(mc_format *out, struct ctx *c, const mc_dir_state *after)
{
	mc_file_list *sample = NULL;
	mc_buf data = MC_BUF_INIT;
	size_t n = after->files->files.len, taken = 0;
	int error;

	*out = c->format;
	if (*out != MC_FORMAT_AUTO || n == 0)
		return 0;
	if ((error = mc_file_list_new(&sample)) < 0)
		return error;
	for (size_t i = 0; i < n && !error; i++) {
		const mc_file *f = after->files->files.items[i];
		if (f->error) {
			/* a changed file over the size cap, or one of the work
			 * tree that cannot be read: known by its name */
			error = mc_file_list_add_error(sample, f->path, f->data);
			continue;
		}
		if (f->len || mc_vec_has_str(&c->touched, f->path)) {
			error = mc_file_list_add(sample, f->path, f->data, f->len);
			continue;
		}
		/* a few unchanged files spread over the folder */
		if (taken >= FORMAT_SAMPLE || (i % (n / FORMAT_SAMPLE + 1)) != 0)
			continue;
		taken++;
		if (mc_changeset_read_after(&data, c->cs, f->path) < 0) {
			mc_error_clear();
			continue;
		}
		error = mc_file_list_add(sample, f->path, mc_buf_cstr(&data), data.size);
	}
	if (!error)
		*out = mc_format_detect(sample);
	mc_file_list_free(sample);
	mc_buf_dispose(&data);
	return error;
}

/* data NULL: a file over the size cap, parsed from its name alone */
/* --- how to fix it (the finding's detail, so every format carries it) ------- */

/* s as a shell word: as is when it is plain, else in single quotes; a
 * path with glob characters as a literal pathspec (git would expand them) */
static int put_word(mc_buf *out, const char *s)
{
	int plain = *s != '\0';
	/* a control character (a line break): as git quotes it, readable on
	 * one line, for the user to type */
	if (mc_quote_needed(s))
		return mc_quote_path(out, s);
	if (strpbrk(s, "*?[")) {
		int error = mc_buf_puts(out, "':(literal)");
		for (const char *p = s; *p && !error; p++)
			error = *p == '\'' ? mc_buf_puts(out, "'\\''") : mc_buf_putc(out, *p);
		return error ? error : mc_buf_putc(out, '\'');
	}
	for (const char *p = s; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || strchr("._/+-@%=:,", *p);
	if (plain)
		return mc_buf_puts(out, s);
	int error = mc_buf_putc(out, '\'');
	for (const char *p = s; *p && !error; p++)
		error = *p == '\'' ? mc_buf_puts(out, "'\\''") : mc_buf_putc(out, *p);
	return error ? error : mc_buf_putc(out, '\'');
}

/* "to fix: put the released file back (git restore ...) <then>" */
static int fix_restore(mc_buf *out, const char *ref, const char *path, const char *then)
{
	int error;
	mc_buf_clear(out);
	if ((error = mc_buf_printf(out, "to fix: put the released file back (git restore --source=")) < 0 ||
	    (error = put_word(out, ref ? ref : "<deploy-ref>")) < 0 ||
	    (error = mc_buf_puts(out, " --staged --worktree -- ")) < 0 ||
	    (error = put_word(out, path)) < 0)
		return error;
	return mc_buf_printf(out, ")%s", then);
}

static int fix_order(mc_buf *out, const char *above)
{
	mc_buf_clear(out);
	return mc_buf_printf(out, "to fix: renumber it above %s (rename the file to a higher version)",
	                     above);
}

/* The highest version of l's versioned migrations and also's (may be
 * NULL), in m's tool's order: what a renumbered m must be above. */
static const char *highest(const mc_migration_list *l, const char *also, const mc_migration *m)
{
	const char *hi = also;
	for (size_t i = 0; l && i < mc_migration_list_count(l); i++) {
		const mc_migration *o = mc_migration_list_get(l, i);
		if (o->kind == MC_MIGRATION_VERSIONED && o->version &&
		    (!hi || mc_format_version_cmp(m->format, o->version, hi) > 0))
			hi = o->version;
	}
	return hi ? hi : m->version;
}

static int parse_one(mc_migration_list **out, const char *path, const char *data,
                     size_t len, const char *dir, mc_format fmt, mc_dialect dialect)
{
	mc_file_list *fl = NULL;
	int error;

	*out = NULL;
	if ((error = mc_file_list_new(&fl)) == 0 &&
	    (error = data ? mc_file_list_add(fl, path, data, len)
	                  : mc_file_list_add_error(fl, path, "file is too large")) == 0)
		error = mc_migration_list_parse(out, fl, dir, fmt, dialect, NULL);
	mc_file_list_free(fl);
	return error;
}

/* --- modified deployed files ------------------------------------------------ */

enum kind { SAME = 0, WHITESPACE, COMMENT, REAL };

static int only_whitespace_differs(const char *a, size_t alen, const char *b,
                                   size_t blen, int *crlf_only)
{
	size_t i = 0, j = 0;
	int other_ws = 0;

	for (;;) {
		while (i < alen && (a[i] == ' ' || a[i] == '\t' || a[i] == '\r' || a[i] == '\n' ||
		                    a[i] == '\f' || a[i] == '\v'))
			i++;
		while (j < blen && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n' ||
		                    b[j] == '\f' || b[j] == '\v'))
			j++;
		if (i >= alen || j >= blen)
			break;
		if (a[i] != b[j])
			return 0;
		i++;
		j++;
	}
	if (i < alen || j < blen)
		return 0;
	/* CRLF only: equal once every '\r' is dropped */
	for (i = 0, j = 0;;) {
		while (i < alen && a[i] == '\r')
			i++;
		while (j < blen && b[j] == '\r')
			j++;
		if (i >= alen || j >= blen)
			break;
		if (a[i] != b[j]) {
			other_ws = 1;
			break;
		}
		i++;
		j++;
	}
	if (!other_ws && (i < alen || j < blen))
		other_ws = 1;
	*crlf_only = !other_ws;
	return 1;
}

/* 0-based count of newlines in b before the first byte that differs from a */
static unsigned first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0;
	unsigned line = 0;

	while (i < alen && i < blen && a[i] == b[i]) {
		if (b[i] == '\n')
			line++;
		i++;
	}
	return line;
}

struct part {
	enum kind kind;
	unsigned line;
	int crlf;
};

static int compare_part(struct part *out, const mc_script *a, const mc_script *b,
                        int sql, mc_dialect dialect)
{
	const char *as = a ? a->sql : "", *bs = b ? b->sql : "";
	size_t al = a ? a->len : 0, bl = b ? b->len : 0;
	int eq = 0, crlf = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if (al == bl && (al == 0 || !memcmp(as, bs, al)))
		return 0;
	out->line = (b ? b->line : 1) + first_diff_line(as, al, bs, bl);
	if ((a == NULL) != (b == NULL)) {
		out->kind = REAL;
		return 0;
	}
	if (only_whitespace_differs(as, al, bs, bl, &crlf)) {
		out->kind = WHITESPACE;
		out->crlf = crlf;
		return 0;
	}
	if (sql) {
		if ((error = mc_sql_tokens_equal(&eq, as, al, bs, bl, dialect)) < 0) {
			mc_error_clear(); /* unparsable text is a real change */
			eq = 0;
		}
		if (eq) {
			out->kind = COMMENT;
			return 0;
		}
	}
	out->kind = REAL;
	return 0;
}

/* os: the change that holds the base side, ch itself or, for a rename the
 * tool does not see (mc_format_rename_keeps_identity), the deleted twin */
static int check_modified(struct ctx *c, const char *dir, mc_format fmt,
                          const mc_change *ch, const mc_change *os)
{
	const char *path = ch->new_path;
	const char *ref = NULL;
	const char *old = os->old_data ? os->old_data : "";
	mc_migration_list *lo = NULL, *ln = NULL;
	const mc_migration *mo = NULL, *mn = NULL;
	struct part up, down, *pick;
	const char *code, *version;
	mc_buf msg = MC_BUF_INIT;
	int sql, error = 0, new_big = (ch->flags & MC_CHANGE_NEW_TOO_LARGE) != 0;
	int dep_big = (os->flags & MC_CHANGE_OLD_TOO_LARGE) != 0;

	/* a work tree file that cannot be read (no permission, a FIFO, a
	 * dangling link): whether it was edited is not known; it is a
	 * malformed finding (copy_findings), which fails the change */
	if (ch->flags & MC_CHANGE_NEW_UNREADABLE)
		return 0;
	/* the change's base X against its target Y (SPEC §6), not against
	 * a deploy point: an edit already on a newer main is still an edit */
	if (!dep_big && !new_big && os->old_len == ch->new_len &&
	    (os->old_len == 0 || !memcmp(old, ch->new_data, os->old_len)))
		goto done; /* same bytes (a mode change) */
	/* the released file put back, byte for byte, is the fix, not an edit */
	if (!new_big && !dep_big) {
		int back = 0;
		if ((error = mc_deployed_put_back(&back, c->dep, c->cs, os->old_path, old, os->old_len,
		                                  ch->new_data ? ch->new_data : "", ch->new_len)) < 0 ||
		    back)
			goto done;
	}
	if ((error = parse_one(&lo, path, dep_big ? NULL : old, os->old_len, dir, fmt,
	                       c->dialect)) < 0 ||
	    (error = parse_one(&ln, path,
	                       new_big ? NULL : ch->new_data ? ch->new_data : "", ch->new_len,
	                       dir, fmt, c->dialect)) < 0)
		goto done;
	mo = mc_migration_list_count(lo) ? mc_migration_list_get(lo, 0) : NULL;
	mn = mc_migration_list_count(ln) ? mc_migration_list_get(ln, 0) : NULL;
	if ((mo && mo->kind == MC_MIGRATION_REPEATABLE) || (mn && mn->kind == MC_MIGRATION_REPEATABLE))
		goto done; /* Flyway R__: meant to change */
	sql = !(mn && mn->language) && !(mo && mo->language);
	if (dep_big || new_big) {
		/*
		 * A side over the size cap is never read, so how the file
		 * changed is not known, only that it did when its size did:
		 * an edit of the whole file (line 0). The new file over the
		 * cap is a malformed finding as well (copy_findings), so the
		 * change fails even when both sizes are equal and nothing is
		 * said here.
		 */
		memset(&up, 0, sizeof(up));
		memset(&down, 0, sizeof(down));
		if (dep_big && new_big && os->old_len == ch->new_len)
			goto done;
		up.kind = REAL;
	} else if (mo && mn && (mo->up || mo->down || mn->up || mn->down)) {
		if ((error = compare_part(&up, mo->up, mn->up, sql, c->dialect)) < 0 ||
		    (error = compare_part(&down, mo->down, mn->down, sql, c->dialect)) < 0)
			goto done;
		if (up.kind == SAME && down.kind == SAME) {
			/* outside the sections only (e.g. a header): treat as the whole file */
			mc_script a = { 0 }, b = { 0 };
			a.sql = (char *)old;
			a.len = os->old_len;
			a.line = 1;
			b.sql = ch->new_data ? ch->new_data : (char *)"";
			b.len = ch->new_len;
			b.line = 1;
			if ((error = compare_part(&up, &a, &b, sql, c->dialect)) < 0)
				goto done;
		}
	} else {
		mc_script a = { 0 }, b = { 0 };
		a.sql = (char *)old;
		a.len = os->old_len;
		a.line = 1;
		b.sql = ch->new_data ? ch->new_data : (char *)"";
		b.len = ch->new_len;
		b.line = 1;
		memset(&down, 0, sizeof(down));
		if ((error = compare_part(&up, &a, &b, sql, c->dialect)) < 0)
			goto done;
	}
	version = mn ? mn->version : mo ? mo->version : NULL;
	if ((error = mc_deployed_name(&ref, c->dep, c->cs, os->old_path, dep_big ? NULL : old,
	                              os->old_len)) < 0)
		goto done;
	if (up.kind == REAL) {
		pick = &up;
		code = "modified-deployed";
		error = mc_buf_printf(&msg, "deployed migration '%s' was edited (deployed in %s)", path, ref);
	} else if (down.kind == REAL) {
		pick = &down;
		code = "modified-deployed-down";
		error = mc_buf_printf(&msg, "the down part of deployed migration '%s' was edited (deployed in %s)",
		                      path, ref);
	} else if (up.kind == COMMENT || down.kind == COMMENT) {
		pick = up.kind == COMMENT ? &up : &down;
		code = "comment-only-change";
		error = mc_buf_printf(&msg, "deployed migration '%s' changed only in comments", path);
	} else {
		pick = up.kind == WHITESPACE ? &up : &down;
		code = "whitespace-only-change";
		error = mc_buf_printf(&msg, "deployed migration '%s' changed only in %s", path,
		                      pick->crlf ? "line endings (CRLF)" : "whitespace");
	}
	if (error == 0 && (up.kind == REAL || down.kind == REAL)) {
		mc_buf fix = MC_BUF_INIT;
		/* a rename the tool does not see: the released name back too */
		if (strcmp(os->old_path, path)) {
			mc_buf_clear(&fix);
			if ((error = mc_buf_puts(&fix, "to fix: put the released file back (git mv -- ")) == 0 &&
			    (error = put_word(&fix, path)) == 0 && (error = mc_buf_putc(&fix, ' ')) == 0 &&
			    (error = put_word(&fix, os->old_path)) == 0 &&
			    (error = mc_buf_puts(&fix, " && git restore --source=")) == 0 &&
			    (error = put_word(&fix, ref ? ref : "<deploy-ref>")) == 0 &&
			    (error = mc_buf_puts(&fix, " --staged --worktree -- ")) == 0 &&
			    (error = put_word(&fix, os->old_path)) == 0)
				error = mc_buf_puts(&fix, ") and write the change as a new migration");
		} else {
			error = fix_restore(&fix, ref, os->old_path, " and write the change as a new migration");
		}
		if (error == 0)
			error = mc_check_group_add_detail(&c->group, code, path, pick->line, version,
			                                  msg.ptr, fix.ptr);
		mc_buf_dispose(&fix);
	} else if (error == 0) {
		error = mc_check_group_add(&c->group, code, path, pick->line, version, msg.ptr);
	}
done:
	mc_migration_list_free(lo);
	mc_migration_list_free(ln);
	mc_buf_dispose(&msg);
	return error;
}

/* --- new migrations: order, duplicates, down ---------------------------------- */

/*
 * A parsed list is sorted (discover.c migration_cmp): by version, with
 * Flyway repeatables after everything else. These two lookups use that
 * order; a scan of the whole list per new migration is quadratic on a
 * commit that adds a folder of 10,000.
 */
static int skipped(const mc_migration *m, const mc_migration *skip_like)
{
	return m->kind != MC_MIGRATION_VERSIONED || !m->version ||
	       (skip_like && mig_file(m) && mig_file(skip_like) &&
	        !strcmp(mig_file(m), mig_file(skip_like)));
}

static const char *max_version(const mc_migration_list *l, const mc_migration *skip_like)
{
	const mc_migration *best = NULL;
	/* from the end: the first one kept is the highest version; among equal
	 * versions, the earliest in the list names it */
	for (size_t i = mc_migration_list_count(l); l && i-- > 0;) {
		const mc_migration *m = mc_migration_list_get(l, i);
		if (skipped(m, skip_like))
			continue;
		if (best && mc_format_version_cmp(m->format, m->version, best->version) != 0)
			break;
		best = m;
	}
	return best ? best->version : NULL;
}

static const mc_migration *same_version(const mc_migration_list *l, const mc_migration *m)
{
	size_t lo = 0, hi = mc_migration_list_count(l);

	while (lo < hi) { /* the first one not below m's version */
		size_t mid = lo + (hi - lo) / 2;
		const mc_migration *x = mc_migration_list_get(l, mid);
		if (x->kind != MC_MIGRATION_REPEATABLE && mc_format_version_cmp(m->format, x->version, m->version) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; l && i < mc_migration_list_count(l); i++) {
		const mc_migration *x = mc_migration_list_get(l, i);
		if (x->kind == MC_MIGRATION_REPEATABLE || mc_format_version_cmp(m->format, x->version, m->version) != 0)
			break;
		if (x == m || x->kind != MC_MIGRATION_VERSIONED || !x->version)
			continue;
		if (mig_file(x) && mig_file(m) && !strcmp(mig_file(x), mig_file(m)))
			continue; /* the same file on both sides */
		if (mc_format_same_version(m->format, x->version, m->version))
			return x; /* as the tool reads it: dbmate's 001 is not 1 */
	}
	return NULL;
}

static void ml_free(void *p)
{
	mc_migration_list_free(p);
}

/* added by the change (a file renamed from a released one is not) */
static int is_fresh(struct ctx *c, const mc_migration *m)
{
	return (m->up && mc_vec_has_str(&c->fresh, m->up->path)) ||
	       (m->down && mc_vec_has_str(&c->fresh, m->down->path));
}

/* The folder trees of the deploy points that judge the order of new
 * migrations (not containing the change's target), parsed once per folder;
 * a tree that is the change's folder less some migrations (a deploy point
 * behind it) is taken from after's list instead (after_files parsed). */
static int load_order(struct ctx *c, const char *dir, mc_format fmt,
                      const mc_migration_list *after, const mc_file_list *after_files)
{
	int error;

	mc_vec_dispose_deep(&c->order_ml, ml_free);
	if ((error = mc_deployed_order_trees(&c->order, c->dep, c->cs, dir)) < 0)
		return error;
	for (size_t i = 0; i < c->order.len; i++) {
		const mc_deployed_tree *t = c->order.items[i];
		mc_migration_list *l = NULL;
		if (after->format == fmt &&
		    (error = mc_migration_list_subset(&l, after, after_files, t->files)) < 0)
			return error;
		if (!l &&
		    (error = mc_migration_list_parse(&l, t->files, dir, fmt, c->dialect, NULL)) < 0)
			return error;
		if ((error = mc_vec_push(&c->order_ml, l)) < 0) {
			mc_migration_list_free(l);
			return error;
		}
	}
	return 0;
}

/* a deploy point that holds m itself (released there) does not judge it */
static int tree_holds(const mc_deployed_tree *t, const mc_migration *m)
{
	return (m->up && mc_file_list_find(t->files, m->up->path) != SIZE_MAX) ||
	       (m->down && mc_file_list_find(t->files, m->down->path) != SIZE_MAX);
}

/* m is at X: one of its scripts is not a path the change adds or renames
 * to (one without scripts, a version only, is no new file either) */
static int at_base(const struct ctx *c, const mc_migration *m)
{
	return (!m->up && !m->down) || (m->up && !mc_vec_has_str(&c->unborn, m->up->path)) ||
	       (m->down && !mc_vec_has_str(&c->unborn, m->down->path));
}

/*
 * The highest version at the base X (SPEC §6): the folder's migrations at
 * Y that are at X too, and what the change renamed or deleted, by its old
 * path (a release renamed to a higher version does not move the bar
 * above the migrations the change adds below it).
 * @return 0 or a negative error; *maxx borrowed from Y's list or c->old_ml
 */
static int base_max(const char **maxx, struct ctx *c, const char *dir, mc_format fmt,
                    const mc_migration_list *after)
{
	int error = 0;

	*maxx = NULL;
	mc_vec_dispose_deep(&c->old_ml, ml_free);
	for (size_t i = 0; i < mc_migration_list_count(after); i++) {
		const mc_migration *m = mc_migration_list_get(after, i);
		if (m->kind != MC_MIGRATION_VERSIONED || !m->version || is_fresh(c, m) ||
		    !at_base(c, m))
			continue;
		if (!*maxx || mc_format_version_cmp(m->format, m->version, *maxx) > 0)
			*maxx = m->version;
	}
	for (size_t i = 0; i < c->cs->changes.len && !error; i++) {
		const mc_change *ch = c->cs->changes.items[i];
		mc_migration_list *ol = NULL;
		const mc_migration *m;
		if ((ch->status != MC_CHANGE_RENAMED && ch->status != MC_CHANGE_DELETED) ||
		    !path_in_dir(ch->old_path, dir))
			continue;
		/* the version is in the name: no content needed */
		if ((error = parse_one(&ol, ch->old_path, "", 0, dir, fmt, c->dialect)) < 0)
			break;
		m = mc_migration_list_count(ol) ? mc_migration_list_get(ol, 0) : NULL;
		if (m && m->kind == MC_MIGRATION_VERSIONED && m->version &&
		    (!*maxx || mc_format_version_cmp(m->format, m->version, *maxx) > 0)) {
			*maxx = m->version;
			if ((error = mc_vec_push(&c->old_ml, ol)) == 0)
				ol = NULL;
		}
		mc_migration_list_free(ol);
	}
	return error;
}

/*
 * The migrations the change adds (SPEC §6): a version already used, or
 * one not above the highest at the base X (the folder's other
 * migrations) or at a deploy point that does not already contain the
 * change, is a finding.
 */
static int check_new(struct ctx *c, const char *dir, mc_format fmt,
                     const mc_migration_list *after, const mc_file_list *after_files,
                     const mc_migration_list *target, mc_vec *dup_files)
{
	const char *maxx = NULL;
	/* sql-migrate, Sequelize: a shared prefix is two migrations, ordered
	 * by file name after it, so only a lower prefix is out of order */
	int unique = mc_format_unique_versions(fmt), below = unique ? 0 : -1;
	int error = 0, any = 0;
	mc_buf fix = MC_BUF_INIT; /* a detail: how to fix it */

	for (size_t i = 0; i < mc_migration_list_count(after) && !any; i++) {
		const mc_migration *m = mc_migration_list_get(after, i);
		any = m->kind == MC_MIGRATION_VERSIONED && m->version && is_fresh(c, m);
	}
	if (!any)
		return 0;
	if ((error = base_max(&maxx, c, dir, fmt, after)) < 0 ||
	    (error = load_order(c, dir, fmt, after, after_files)) < 0)
		return error;

	for (size_t i = 0; i < mc_migration_list_count(after) && !error; i++) {
		const mc_migration *m = mc_migration_list_get(after, i);
		const mc_migration *d = NULL, *dd = NULL;
		const char *file = mig_file(m), *tmax, *dmax = NULL;

		if (!is_fresh(c, m) || m->kind != MC_MIGRATION_VERSIONED || !m->version)
			continue;
		for (size_t k = 0; k < c->order.len; k++) {
			const mc_deployed_tree *t = c->order.items[k];
			const mc_migration_list *l = c->order_ml.items[k];
			const char *v;
			if (tree_holds(t, m))
				continue;
			if (!dd)
				dd = same_version(l, m);
			if ((v = max_version(l, m)) != NULL && (!dmax || mc_format_version_cmp(m->format, v, dmax) > 0))
				dmax = v;
		}
		if (unique && ((d = same_version(after, m)) != NULL || (d = dd) != NULL)) {
			if ((error = fix_order(&fix, highest(after, dmax, m))) == 0)
				error = mc_report_add(c->r, NULL, "duplicate-version", file, 1, m->version, fix.ptr,
			                      "version %s of '%s' is already used by '%s'", m->version,
			                      file, mig_label(d));
			if (!error)
				error = mc_vec_push(dup_files, (void *)file);
		} else if (unique && target && (d = same_version(target, m)) != NULL) {
			if ((error = fix_order(&fix, highest(target, highest(after, dmax, m), m))) == 0)
				error = mc_report_add(c->r, NULL, "duplicate-version", file, 1, m->version, fix.ptr,
			                      "version %s of '%s' is also used by '%s' on %s", m->version,
			                      file, mig_label(d), c->cs->target_name);
			if (!error)
				error = mc_vec_push(dup_files, (void *)file);
		} else if (maxx && mc_format_version_cmp(m->format, m->version, maxx) <= below) {
			if ((error = fix_order(&fix, maxx)) == 0)
				error = mc_report_add(c->r, NULL, "out-of-order", file, 1, m->version, fix.ptr,
				                      "new migration %s sorts before the highest deployed version %s",
				                      m->version, maxx);
		} else if (dmax && mc_format_version_cmp(m->format, m->version, dmax) <= below) {
			/* every tree whose highest is dmax: the newest point of them */
			const char *ref = NULL;
			mc_vec top = MC_VEC_INIT;
			for (size_t k = 0; k < c->order.len && !error; k++) {
				const char *v;
				if (!tree_holds(c->order.items[k], m) &&
				    (v = max_version(c->order_ml.items[k], m)) != NULL &&
				    !mc_format_version_cmp(m->format, v, dmax))
					error = mc_vec_push(&top, c->order.items[k]);
			}
			if (!error)
				error = mc_deployed_tree_name(&ref, c->dep,
				                              (const mc_deployed_tree *const *)top.items,
				                              top.len);
			mc_vec_dispose(&top);
			if (!error && (error = fix_order(&fix, dmax)) == 0)
				error = mc_report_add(c->r, NULL, "out-of-order", file, 1, m->version, fix.ptr,
				                      "new migration %s sorts before the highest deployed version %s (deployed in %s)",
				                      m->version, dmax, ref);
		} else if (target && (tmax = max_version(target, m)) != NULL &&
		           mc_format_version_cmp(m->format, m->version, tmax) <= below && !find_by_path(target, file)) {
			if ((error = fix_order(&fix, tmax)) == 0)
				error = mc_report_add(c->r, NULL, "out-of-order", file, 1, m->version, fix.ptr,
				                      "new migration %s sorts before %s, already on %s: after the merge it would run out of order",
				                      m->version, tmax, c->cs->target_name);
		}
		if (!error && c->require_down && !m->language &&
		    !mc_declaration_reason(c->irreversible, m) &&
		    (!m->down || ((m->down->flags & MC_SCRIPT_BLANK) &&
		                  !(m->down->flags & MC_SCRIPT_IRREVERSIBLE) &&
		                  /* unchanged files are known by name only */
		                  mc_vec_has_str(&c->touched, m->down->path))))
			error = mc_report_add(c->r, NULL, "missing-down", file, 1, m->version,
			                      "to fix: write its down script, or if it cannot have one, say why in it: '-- migcheck:irreversible <reason>'",
			                      "migration %s has no down script", m->version);
	}
	mc_buf_dispose(&fix);
	return error;
}

/* Discovery with the folder's .migcheck declarations: a declared skip is
 * no not-replayable finding, a declared irreversible no missing-down, and
 * a folder with a runner has no not-replayable JS migrations */
static int parse_declared(mc_migration_list **out, const struct ctx *c,
                          const mc_file_list *files, const char *dir,
                          mc_format fmt, mc_report *report)
{
	mc_discover_opts opts = MC_DISCOVER_OPTS_INIT;
	opts.format = fmt;
	opts.dialect = c->dialect;
	opts.skip = c->skip;
	opts.irreversible = c->irreversible;
	opts.have_runner = c->have_runner;
	opts.only = &c->touched; /* copy_findings keeps no other */
	return mc_migration_list_parse_opts(out, files, dir, &opts, report);
}

/* Copy discovery findings about the changed files only: old files are not
 * flooded with findings on every commit. */
static int copy_findings(struct ctx *c, const mc_report *scratch, const mc_vec *dup_files MC_UNUSED)
{
	int error = 0;

	for (size_t i = 0; i < mc_report_count(scratch) && !error; i++) {
		const mc_finding *f = mc_report_get(scratch, i);
		if (!f->file || !mc_vec_has_str(&c->touched, f->file))
			continue;
		if (!strcmp(f->code, "missing-down") || !strcmp(f->code, "out-of-order"))
			continue; /* decided by check_new */
		if (!strcmp(f->code, "duplicate-version"))
			continue; /* decided by check_new, with the deployed and target sides */
		error = mc_report_add(c->r, NULL, f->code, f->file, f->line,
		                      f->migration, f->detail, "%s",
		                      f->message);
	}
	return error;
}

/* The version and kind of the file a change removes, from its name and
 * its content at the base (NULL when too large: the name alone). */
static int old_migration(mc_migration_list **out, struct ctx *c, const char *dir,
                         mc_format fmt, const mc_change *ch)
{
	return parse_one(out, ch->old_path,
	                 (ch->flags & MC_CHANGE_OLD_TOO_LARGE) ? NULL
	                 : ch->old_data                        ? ch->old_data
	                                                       : "",
	                 ch->old_len, dir, fmt, c->dialect);
}

static int check_dir(struct ctx *c, size_t idx)
{
	const mc_dir_state *after = c->cs->after.items[idx];
	const mc_dir_state *target = idx < c->cs->target.len ? c->cs->target.items[idx] : NULL;
	mc_migration_list *aml = NULL, *tml = NULL;
	mc_report *scratch = NULL;
	mc_vec dup_files = MC_VEC_INIT;
	mc_format fmt;
	mc_dir_settings ds;
	const mc_project_folder *pf = NULL;
	int error, any = 0;

	/* the folder's own settings ([migrations "<dir>"]) over the defaults */
	for (size_t i = 0; i < c->project->folders.len && !pf; i++)
		if (!strcmp(((const mc_project_folder *)c->project->folders.items[i])->dir, after->dir))
			pf = c->project->folders.items[i];
	if (pf)
		ds = pf->set;
	else
		mc_config_dir_settings(&ds, c->cfg, after->dir);
	c->dialect = ds.dialect == MC_DIALECT_UNKNOWN ? MC_DIALECT_POSTGRES : ds.dialect;
	c->format = ds.format;
	c->require_down = ds.require_down;
	c->have_runner = mc_dir_settings_has_runner(&ds);
	c->irreversible = ds.irreversible;
	c->skip = ds.skip;
	c->touched.len = 0;
	c->fresh.len = 0;
	c->unborn.len = 0;
	for (size_t i = 0; i < c->cs->changes.len; i++) {
		mc_change *ch = c->cs->changes.items[i];
		if (!path_in_dir(ch->new_path, after->dir) && !path_in_dir(ch->old_path, after->dir))
			continue;
		/* the deploy points are read only when a migration is touched */
		if (!any && (error = mc_deployed_prepare(c->dep)) < 0)
			return error;
		any = 1;
		if (!ch->new_path || !path_in_dir(ch->new_path, after->dir))
			continue;
		if ((error = mc_vec_push(&c->touched, ch->new_path)) < 0 ||
		    ((ch->status == MC_CHANGE_ADDED || ch->status == MC_CHANGE_RENAMED) &&
		     (error = mc_vec_push(&c->unborn, ch->new_path)) < 0))
			return error;
		/* added by the change: new, or renamed from a file no deploy
		 * point holds (a released one renamed is renamed-deployed) */
		if ((ch->status == MC_CHANGE_ADDED ||
		     (ch->status == MC_CHANGE_RENAMED && !mc_deployed_ref(c->dep, ch->old_path))) &&
		    (error = mc_vec_push(&c->fresh, ch->new_path)) < 0)
			return error;
	}
	if (!any)
		return 0;
	mc_vec_sort(&c->touched, str_cmp);
	mc_vec_sort(&c->fresh, str_cmp);
	mc_vec_sort(&c->unborn, str_cmp);
	if ((error = detect_format(&fmt, c, after)) < 0 ||
	    (error = identity_twins(c, fmt, after->dir)) < 0 ||
	    (error = mc_report_new(&scratch, "check")) < 0 ||
	    (error = parse_declared(&aml, c, after->files, after->dir, fmt, scratch)) < 0)
		goto done;
	if (target &&
	    (error = mc_migration_list_parse(&tml, target->files, after->dir, fmt, c->dialect, NULL)) < 0)
		goto done;

	/*
	 * Edited after release (SPEC §6): the file is at the base X (the
	 * change modifies, deletes or renames it), and some deploy point
	 * holds its path. A file the change adds is never edited.
	 */
	for (size_t i = 0; i < c->cs->changes.len && !error; i++) {
		mc_change *ch = c->cs->changes.items[i];
		const char *oref = NULL;
		mc_migration_list *ol = NULL;
		const mc_migration *m = NULL;
		mc_buf msg = MC_BUF_INIT, fix = MC_BUF_INIT;

		if (!mc_deployed_ref(c->dep, ch->old_path) || !path_in_dir(ch->old_path, after->dir))
			continue;
		if (ch->status != MC_CHANGE_MODIFIED &&
		    (error = mc_deployed_name(&oref, c->dep, c->cs, ch->old_path,
		                              (ch->flags & MC_CHANGE_OLD_TOO_LARGE) ? NULL
		                              : ch->old_data ? ch->old_data : "",
		                              ch->old_len)) < 0)
			break;
		if (ch->status != MC_CHANGE_MODIFIED) {
			if ((error = old_migration(&ol, c, after->dir, fmt, ch)) < 0)
				break;
			m = mc_migration_list_count(ol) ? mc_migration_list_get(ol, 0) : NULL;
		}
		switch (ch->status) {
		case MC_CHANGE_DELETED:
			if (twin_of(c, ch) || (m && m->kind == MC_MIGRATION_REPEATABLE))
				break; /* checked with its twin, or meant to change */
			if ((error = mc_buf_printf(&msg, "deployed migration '%s' was deleted (deployed in %s)",
			                           ch->old_path, oref)) == 0 &&
			    (error = fix_restore(&fix, oref, ch->old_path,
			                         "; to undo what it did, write a new migration")) == 0)
				error = mc_check_group_add_detail(&c->group, "deleted-deployed", ch->old_path, 0,
				                                  m ? m->version : NULL, msg.ptr, fix.ptr);
			break;
		case MC_CHANGE_RENAMED: {
			int same = 0;
			/* the tool records what the rename keeps (goose's
			 * version): the same migration, checked for edits */
			if ((error = mc_format_rename_keeps_identity(&same, fmt, ch->old_path,
			                                             ch->new_path)) < 0)
				break;
			if (same) {
				error = check_modified(c, after->dir, fmt, ch, ch);
				break;
			}
			mc_buf_clear(&fix);
			if ((error = mc_buf_printf(&msg, "deployed migration '%s' was renamed to '%s' (deployed in %s)",
			                           ch->old_path, ch->new_path, oref)) == 0 &&
			    (error = mc_buf_puts(&fix, "to fix: give it its released name back (git mv -- ")) == 0 &&
			    (error = put_word(&fix, ch->new_path)) == 0 && (error = mc_buf_putc(&fix, ' ')) == 0 &&
			    (error = put_word(&fix, ch->old_path)) == 0 &&
			    (error = mc_buf_puts(&fix, ") and write any change as a new migration")) == 0)
				error = mc_check_group_add_detail(&c->group, "renamed-deployed", ch->new_path, 0,
				                                  m ? m->version : NULL, msg.ptr, fix.ptr);
			break;
		}
		case MC_CHANGE_MODIFIED:
			error = check_modified(c, after->dir, fmt, ch, ch);
			break;
		case MC_CHANGE_ADDED:
			break;
		}
		mc_migration_list_free(ol);
		mc_buf_dispose(&msg);
		mc_buf_dispose(&fix);
	}
	/* an added file the tool reads as a deleted released one: that one, edited or not */
	for (size_t i = 1; i < c->twins.len && !error; i += 2)
		error = check_modified(c, after->dir, fmt, c->twins.items[i], c->twins.items[i - 1]);
	if (!error)
		error = check_new(c, after->dir, fmt, aml, after->files, tml, &dup_files);
	if (!error)
		error = copy_findings(c, scratch, &dup_files);
done:
	mc_vec_dispose(&dup_files);
	mc_migration_list_free(aml);
	mc_migration_list_free(tml);
	mc_report_free(scratch);
	return error;
}

/* --- the model rule ------------------------------------------------------------ */

struct model_match {
	regex_t *re;
	int hit;
};

static int model_line_cb(char origin, const char *line, size_t len, void *payload)
{
	struct model_match *m = payload;
	char *s;
	(void)origin;
	if ((s = mc_strndup(line, len)) == NULL)
		return mc_error_set_oom();
	if (regexec(m->re, s, 0, NULL, 0) == 0)
		m->hit = 1;
	mc_free(s);
	return m->hit ? 1 : 0;
}

/* Whether the change's model files change the models' schema, by the
 * Sequelize runner; a runner that cannot tell is a note, and the files
 * count. */
static int schema_changed(struct ctx *c, int *changed)
{
	mc_models_change *ch = NULL;
	size_t n = 0;
	int error;

	*changed = 1;
	if ((ch = mc_calloc(2 * c->cs->changes.len + 1, sizeof(*ch))) == NULL)
		return mc_error_set_oom();
	for (size_t i = 0; i < c->cs->changes.len; i++) {
		const mc_change *x = c->cs->changes.items[i];
		if (!x->is_model || x->in_dir)
			continue;
		if (x->flags & (MC_CHANGE_OLD_TOO_LARGE | MC_CHANGE_NEW_TOO_LARGE |
		                MC_CHANGE_NEW_UNREADABLE)) {
			mc_free(ch);
			return 0;
		}
		/* a rename: the old path goes, the new one comes */
		if (x->old_path && x->new_path && strcmp(x->old_path, x->new_path)) {
			ch[n].path = x->old_path;
			ch[n].old_text = x->old_data;
			ch[n++].new_text = NULL;
			ch[n].path = x->new_path;
			ch[n].old_text = NULL;
			ch[n++].new_text = x->new_data;
			continue;
		}
		ch[n].path = x->new_path ? x->new_path : x->old_path;
		ch[n].old_text = x->old_data;
		ch[n++].new_text = x->new_data;
	}
	error = mc_models_schema_changed(changed, c->cfg, c->workdir, ch, n);
	mc_free(ch);
	if (error == MC_ENOMEM || error == MC_EINTR)
		return error;
	if (error < 0) {
		*changed = 1;
		return mc_report_note(c->r,
		                      "the sequelize runner cannot tell whether the models' schema changed (%s): every model file change counts",
		                      mc_error_last() ? mc_error_last()->message : "failed");
	}
	return 0;
}

static int check_models(struct ctx *c)
{
	regex_t re;
	int have_re = 0, added = 0, error = 0;
	mc_vec models = MC_VEC_INIT;
	char *reason = NULL, *empty_reason = NULL;

	if (!c->cfg->model_paths.len)
		return 0;
	if (c->cfg->models_pattern) {
		int rc = regcomp(&re, c->cfg->models_pattern, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &re, why, sizeof(why));
			return mc_error_set(MC_ERROR_CONFIG, "invalid models.pattern '%s': %s",
			                    c->cfg->models_pattern, why);
		}
		have_re = 1;
	}
	for (size_t i = 0; i < c->cs->changes.len && !error; i++) {
		mc_change *ch = c->cs->changes.items[i];
		if (ch->in_dir && ch->status == MC_CHANGE_RENAMED &&
		    (error = mc_deployed_prepare(c->dep)) < 0)
			break;
		if (ch->in_dir && ch->new_path &&
		    (ch->status == MC_CHANGE_ADDED ||
		     (ch->status == MC_CHANGE_RENAMED && !mc_deployed_ref(c->dep, ch->old_path))))
			added = 1;
		if (!ch->is_model || ch->in_dir || !ch->new_path)
			continue;
		/* a change that cannot change the models' schema: a file that
		 * defines no model (an index.js requiring them, a test), or
		 * one whose comments or Joi validation changed, and nothing
		 * else; a side over the size cap or unreadable counts */
		if (!(ch->flags & (MC_CHANGE_OLD_TOO_LARGE | MC_CHANGE_NEW_TOO_LARGE |
		                   MC_CHANGE_NEW_UNREADABLE))) {
			const char *base = strrchr(ch->new_path, '/');
			int rc = mc_migration_models_changed(base ? base + 1 : ch->new_path,
			                                     ch->old_data, ch->new_data);
			if (rc < 0) {
				error = rc;
				break;
			}
			if (!rc)
				continue;
		}
		/* a side over the size cap, or one that cannot be read, cannot
		 * be searched for the pattern: the model counts as changed */
		if (have_re && !(ch->flags & (MC_CHANGE_OLD_TOO_LARGE |
		                              MC_CHANGE_NEW_TOO_LARGE |
		                              MC_CHANGE_NEW_UNREADABLE))) {
			struct model_match mm = { &re, 0 };
			error = mc_diff_lines(ch->old_data ? ch->old_data : "", ch->old_len,
			                      ch->new_data ? ch->new_data : "", ch->new_len,
			                      model_line_cb, &mm);
			if (error > 0)
				error = 0;
			if (error < 0 || !mm.hit)
				continue;
		}
		error = mc_vec_push(&models, ch->new_path);
	}
	if (error || added || models.len == 0)
		goto done;
	/* with migcheck's Sequelize runner, the models themselves say
	 * whether their schema changed */
	if (c->workdir && mc_models_source(c->cfg) == MC_MODELS_SEQUELIZE) {
		int changed = 1;
		if ((error = schema_changed(c, &changed)) < 0)
			goto done;
		if (!changed) {
			error = mc_report_note(c->r,
			                       "model files changed, the models' schema did not (the sequelize runner described them on both sides)");
			goto done;
		}
	}
	if (c->o->mode == MC_CHANGES_STAGED && !c->o->message) {
		error = mc_report_note(c->r,
		                       "model files changed and no migration is staged; the commit-msg hook (check --staged --message-file) decides once the message exists");
		goto done;
	}
	if (c->o->message) {
		if ((error = mc_message_skip_reason(&reason, c->o->message, "model-without-migration")) < 0)
			goto done;
	}
	for (size_t i = 0; !reason && i < c->cs->messages.len && !error; i++) {
		char *r2 = NULL;
		if ((error = mc_message_skip_reason(&r2, c->cs->messages.items[i],
		                                    "model-without-migration")) < 0)
			break;
		if (r2 && *r2)
			reason = r2;
		else if (r2 && !empty_reason)
			empty_reason = r2;
		else
			mc_free(r2);
	}
	if (error)
		goto done;
	if (reason && !*reason) {
		empty_reason = reason;
		reason = NULL;
	}
	if (reason) {
		error = mc_report_note(c->r, "model-without-migration skipped by trailer: %s", reason);
		goto done;
	}
	if (empty_reason)
		error = mc_report_note(c->r,
		                       "the trailer 'Migcheck-Skip: model-without-migration' needs a reason after the code; ignored");
	for (size_t i = 0; i < models.len && !error; i++) {
		mc_buf msg = MC_BUF_INIT;
		if ((error = mc_buf_printf(&msg, "model '%s' changed and no migration was added",
		                           (char *)models.items[i])) == 0)
			error = mc_check_group_add_detail(
			        &c->group, "model-without-migration", models.items[i], 0, NULL,
			        msg.ptr,
			        "to fix: add a migration for the model change, or say why none is needed in the commit message: 'Migcheck-Skip: model-without-migration <reason>'");
		mc_buf_dispose(&msg);
	}
done:
	if (have_re)
		regfree(&re);
	mc_vec_dispose(&models);
	mc_free(reason);
	mc_free(empty_reason);
	return error;
}

int mc_check_run(mc_report *r, mc_repo *repo, const mc_check_opts *o)
{
	struct ctx c;
	mc_changes_opts co;
	int error;

	MC_ASSERT_ARG(r && repo && o && o->config);
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.o = o;
	c.cfg = o->config;
	c.workdir = mc_repo_workdir(repo);
	c.dialect = c.cfg->dialect == MC_DIALECT_UNKNOWN ? MC_DIALECT_POSTGRES : c.cfg->dialect;
	memset(&co, 0, sizeof(co));
	co.mode = o->mode;
	co.rev = o->rev;
	co.model_paths = &c.cfg->model_paths;

	/* the folders as every command resolves them (configured, else
	 * found in the work tree); check then reads history, not the tree */
	if (o->project) {
		c.project = o->project;
	} else {
		mc_project_opts po;
		memset(&po, 0, sizeof(po));
		po.flags = MC_PROJECT_DETECT;
		if ((error = mc_project_open(&c.own_project, c.cfg, c.workdir, &po)) < 0)
			goto done;
		c.project = c.own_project;
	}
	if ((error = mc_project_dirs(&c.dirs, c.project)) < 0)
		goto done;
	co.dirs = &c.dirs;
	if ((error = mc_changeset_load(&c.cs, repo, &co)) < 0 ||
	    (error = mc_deployed_open(&c.dep, repo, &c.cfg->deploy_refs, &c.dirs)) < 0)
		goto done;
	if (c.cs->base_note)
		error = mc_report_note(r, "%s: %s", c.cs->describe, c.cs->base_note);
	if (!error && c.cfg->deploy_refs.len == 0)
		error = mc_report_note(r, "no deploy.ref configured: no migration counts as deployed (set deploy.ref, e.g. refs/remotes/origin/main)");
	for (size_t i = 0; i < c.cs->after.len && !error; i++)
		error = check_dir(&c, i);
	if (!error)
		error = check_models(&c);
	if (!error)
		error = mc_check_group_flush(&c.group, r, MC_CHECK_GROUP_THRESHOLD,
		                             c.cs->describe);
done:
	mc_check_group_dispose(&c.group);
	mc_vec_dispose(&c.touched);
	mc_vec_dispose(&c.fresh);
	mc_vec_dispose(&c.unborn);
	mc_vec_dispose(&c.twins);
	mc_vec_dispose(&c.order);
	mc_vec_dispose_deep(&c.order_ml, ml_free);
	mc_vec_dispose_deep(&c.old_ml, ml_free);
	mc_changeset_free(c.cs);
	mc_deployed_free(c.dep);
	mc_vec_dispose(&c.dirs);
	mc_project_free(c.own_project);
	return error;
}
