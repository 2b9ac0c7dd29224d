/*
 * config_read.c: files in git-config syntax, read through libgit2 (so
 * `git config -f .migcheck` and migcheck agree on the syntax), each entry
 * handed back with its file and line (see git_config.h).
 *
 * libgit2 hands back normalised entries in file order but not the line
 * each was on, so the text is scanned once more for the keys' lines: the
 * n-th entry of a name is the n-th key of that name in the file.
 */
#include "migcheck/git_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define MAX_CONFIG_SIZE ((size_t)1024 * 1024)

static void entry_free(void *p)
{
	mc_git_config_entry *e = p;
	if (e) {
		mc_free(e->name);
		mc_free(e->value);
		mc_free(e->file);
	}
	mc_free(e);
}

void mc_git_config_entries_dispose(mc_vec *v)
{
	mc_vec_dispose_deep(v, entry_free);
}

/*
 * The lines of the keys.
 *
 * A small scanner over git-config text, enough to locate keys: section
 * headers "[section]", "[section \"sub\"]" and the old "[section.sub]",
 * "key = value" (also right after a header on the same line), comments
 * from '#' or ';' outside quotes, and values continued by a trailing '\'.
 * Sections and keys compare case-insensitively, as git does; subsections
 * too (a lenient match only costs precision in a message).
 */
struct occurrence {
	char *sec;
	char *sub; /* NULL: no subsection */
	char *key;
	unsigned line;
	int used;
};

struct scan {
	mc_vec occ; /* struct occurrence* in file order */
	size_t first_unused;
	unsigned open_quote; /* the line of a quote left open, or 0 */
};

static void occurrence_free(void *p)
{
	struct occurrence *o = p;
	if (o) {
		mc_free(o->sec);
		mc_free(o->sub);
		mc_free(o->key);
	}
	mc_free(o);
}

static void scan_dispose(struct scan *s)
{
	mc_vec_dispose_deep(&s->occ, occurrence_free);
}

static int occurrence_add(struct scan *s,
                          const char *sec,
                          size_t seclen,
                          const char *sub,
                          size_t sublen,
                          int has_sub,
                          const char *key,
                          size_t keylen,
                          unsigned line)
{
	struct occurrence *o = mc_calloc(1, sizeof(*o));

	if (!o || (o->sec = mc_strndup(sec, seclen)) == NULL ||
	    (has_sub && (o->sub = mc_strndup(sub, sublen)) == NULL) ||
	    (o->key = mc_strndup(key, keylen)) == NULL ||
	    mc_vec_push(&s->occ, o) < 0) {
		occurrence_free(o);
		return mc_error_set_oom();
	}
	o->line = line;
	return 0;
}

static int scan_text(struct scan *s, const char *t, size_t len)
{
	char sub[256];
	const char *sec = "", *subp = sub;
	size_t i = 0, seclen = 0, sublen = 0;
	unsigned line = 1;
	int has_sub = 0, error;

	s->open_quote = 0;
	if (len >= 3 && !memcmp(t, "\xef\xbb\xbf", 3)) /* UTF-8 BOM */
		i = 3;
	while (i < len) {
		while (i < len && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (i < len && t[i] == '[') {
			size_t s0 = ++i, slen, dot;

			has_sub = 0;
			subp = sub;
			while (i < len && (isalnum((unsigned char)t[i]) ||
			                   t[i] == '-' || t[i] == '.'))
				i++;
			slen = i - s0;
			sublen = 0;
			while (i < len && (t[i] == ' ' || t[i] == '\t'))
				i++;
			if (i < len && t[i] == '"') {
				has_sub = 1;
				for (i++;
				     i < len && t[i] != '"' && t[i] != '\n';
				     i++) {
					if (t[i] == '\\' && i + 1 < len &&
					    t[i + 1] != '\n')
						i++;
					if (sublen < sizeof(sub))
						sub[sublen++] = t[i];
				}
				if (i < len && t[i] == '"')
					i++;
			}
			while (i < len && t[i] != ']' && t[i] != '\n')
				i++;
			if (i < len && t[i] == ']')
				i++;
			/* old syntax: [section.subsection] */
			for (dot = 0; dot < slen && t[s0 + dot] != '.'; dot++)
				;
			if (!has_sub && dot < slen) {
				has_sub = 1;
				subp = t + s0 + dot + 1;
				sublen = slen - dot - 1;
				slen = dot;
			}
			sec = t + s0;
			seclen = slen;
			while (i < len && (t[i] == ' ' || t[i] == '\t'))
				i++;
		}
		if (i < len && isalnum((unsigned char)t[i])) {
			size_t k0 = i;
			while (i < len && (isalnum((unsigned char)t[i]) ||
			                   t[i] == '-' || t[i] == '_'))
				i++;
			if ((error = occurrence_add(s, sec, seclen, subp, sublen,
			                            has_sub, t + k0, i - k0,
			                            line)) < 0)
				return error;
		}
		/* the rest of the logical line: value, comment, continuations
		 */
		int in_q = 0;
		while (i < len && t[i] != '\n') {
			if (t[i] == '\\' && i + 1 < len) {
				if (t[i + 1] == '\n')
					line++;
				i += 2;
				continue;
			}
			if (t[i] == '"')
				in_q = !in_q;
			else if ((t[i] == '#' || t[i] == ';') && !in_q) {
				while (i < len && t[i] != '\n')
					i++;
				break;
			}
			i++;
		}
		/* git rejects a quote left open at the end of a line; libgit2
		 * does not */
		if (in_q && !s->open_quote)
			s->open_quote = line;
		if (i < len) {
			i++;
			line++;
		}
	}
	return 0;
}

static int same(const char *a, const char *b, size_t blen)
{
	return strlen(a) == blen && !strncasecmp(a, b, blen);
}

/*
 * The line of the next unclaimed key named name ("sec[.sub].key"), which
 * it claims; 0 when there is none.
 */
static unsigned scan_claim(struct scan *s, const char *name)
{
	const char *first = strchr(name, '.'), *last = strrchr(name, '.');
	size_t seclen = first ? (size_t)(first - name) : 0;
	const char *key = first ? last + 1 : name;
	const char *sub = first && last != first ? first + 1 : NULL;
	size_t sublen = sub ? (size_t)(last - sub) : 0;

	while (s->first_unused < s->occ.len &&
	       ((struct occurrence *)s->occ.items[s->first_unused])->used)
		s->first_unused++;
	for (size_t i = s->first_unused; i < s->occ.len; i++) {
		struct occurrence *o = s->occ.items[i];
		if (o->used || !same(o->sec, name, seclen) ||
		    strcasecmp(o->key, key) || !o->sub != !sub ||
		    (sub && !same(o->sub, sub, sublen)))
			continue;
		o->used = 1;
		return o->line;
	}
	return 0;
}

static int read_text(mc_buf *out, const char *path, const char *display)
{
	FILE *f;
	char chunk[8192];
	size_t n;
	int error = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return mc_error_set(MC_ERROR_CONFIG, "cannot read '%s': %s",
		                    display, strerror(errno));
	while (!error && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->size + n > MAX_CONFIG_SIZE)
			error = mc_error_set(
			        MC_ERROR_CONFIG,
			        "'%s' is too large (limit %zu bytes)", display,
			        MAX_CONFIG_SIZE);
		else
			error = mc_buf_put(out, chunk, n);
	}
	if (!error && ferror(f))
		error = mc_error_set(MC_ERROR_CONFIG, "cannot read '%s': %s",
		                     display, strerror(errno));
	fclose(f);
	if (!error && !out->ptr)
		error = mc_buf_puts(out, "");
	return error;
}

/*
 * libgit2 says "failed to parse config file: <what> (in <path>:<line>)";
 * turn that into "<display>:<line>: <what>".
 */
static int syntax_error(const char *display)
{
	const git_error *e = git_error_last();
	const char *m = (e && e->message) ? e->message : "cannot parse";
	static const char lead[] = "failed to parse config file: ";
	const char *in, *colon;
	size_t wlen;
	unsigned long line = 0;

	if (!strncmp(m, lead, sizeof(lead) - 1))
		m += sizeof(lead) - 1;
	wlen = strlen(m);
	if ((in = strstr(m, " (in ")) != NULL) {
		wlen = (size_t)(in - m);
		if ((colon = strrchr(in, ':')) != NULL)
			line = strtoul(colon + 1, NULL, 10);
	}
	if (line)
		return mc_error_set(MC_ERROR_CONFIG, "%s:%lu: %.*s", display,
		                    line, (int)wlen, m);
	return mc_error_set(MC_ERROR_CONFIG, "%s: %.*s", display, (int)wlen, m);
}

static int entry_push(mc_vec *out,
                      const git_config_entry *ge,
                      const char *file,
                      unsigned line)
{
	mc_git_config_entry *e = mc_calloc(1, sizeof(*e));

	if (!e || (e->name = mc_strdup(ge->name)) == NULL ||
	    (ge->value && (e->value = mc_strdup(ge->value)) == NULL) ||
	    (file && (e->file = mc_strdup(file)) == NULL) ||
	    mc_vec_push(out, e) < 0) {
		entry_free(e);
		return mc_error_set_oom();
	}
	e->line = line;
	return 0;
}

int mc_git_config_read_file(mc_vec *out, const char *path, const char *display)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	mc_buf text = MC_BUF_INIT;
	struct scan s = { MC_VEC_INIT, 0, 0 };
	int error;

	MC_ASSERT_ARG(out && path && display);
	if ((error = read_text(&text, path, display)) < 0)
		goto done;
	if (git_config_open_ondisk(&cfg, path) < 0) {
		error = syntax_error(display);
		goto done;
	}
	if ((error = scan_text(&s, text.ptr, text.size)) < 0)
		goto done;
	if (s.open_quote) {
		error = mc_error_set(MC_ERROR_CONFIG,
		                     "%s:%u: missing closing quote", display,
		                     s.open_quote);
		goto done;
	}
	if (git_config_iterator_new(&it, cfg) < 0) {
		error = mc_git__error("cannot read the configuration");
		goto done;
	}
	while ((error = git_config_next(&e, it)) == 0) {
		unsigned line = e->include_depth ? 0 : scan_claim(&s, e->name);
		if ((error = entry_push(out, e, display, line)) < 0)
			goto done;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	else
		error = syntax_error(display);
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	scan_dispose(&s);
	mc_buf_dispose(&text);
	return error;
}

/*
 * libgit2 parses config files only from disk: HEAD's blob goes through a
 * temporary file.
 */
int mc_git_config_read_head(mc_vec *out, mc_repo *repo, const char *path)
{
	git_object *obj = NULL;
	const char *tmpdir = getenv("TMPDIR");
	char *spec = NULL, *tmp = NULL;
	const void *data;
	size_t len;
	int fd = -1, error;

	MC_ASSERT_ARG(out && repo && path);
	if ((spec = mc_asprintf("HEAD:%s", path)) == NULL)
		return mc_error_set_oom();
	error = git_revparse_single(&obj, repo->repo, spec);
	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH) {
		error = MC_ENOTFOUND;
		goto done;
	}
	if (error < 0) {
		char *what = mc_asprintf("cannot read '%s'", spec);
		error = what ? mc_git__error(what) : mc_error_set_oom();
		mc_free(what);
		goto done;
	}
	if (git_object_type(obj) != GIT_OBJECT_BLOB) {
		error = mc_error_set(MC_ERROR_CONFIG,
		                     "cannot read '%s': it is not a file", spec);
		goto done;
	}
	data = git_blob_rawcontent((git_blob *)obj);
	len = (size_t)git_blob_rawsize((git_blob *)obj);
	if (len > MAX_CONFIG_SIZE) {
		error = mc_error_set(MC_ERROR_CONFIG,
		                     "'%s' is too large (limit %zu bytes)", spec,
		                     MAX_CONFIG_SIZE);
		goto done;
	}
	if ((tmp = mc_asprintf("%s/migcheck-config.XXXXXX",
	                       tmpdir && *tmpdir ? tmpdir : "/tmp")) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		error = mc_error_set(MC_ERROR_OS,
		                     "cannot create a temporary file: %s",
		                     strerror(errno));
		mc_free(tmp);
		tmp = NULL;
		goto done;
	}
	if ((len && write(fd, data, len) != (ssize_t)len) || close(fd) < 0) {
		fd = -1;
		error = mc_error_set(MC_ERROR_OS, "cannot write '%s': %s", tmp,
		                     strerror(errno));
		goto done;
	}
	fd = -1;
	error = mc_git_config_read_file(out, tmp, spec);
done:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		mc_free(tmp);
	}
	mc_free(spec);
	git_object_free(obj);
	return error;
}

/* Which file a git config level reads. */
static char *level_path(mc_repo *repo, git_config_level_t level)
{
	git_buf b = { NULL, 0, 0 };
	char *path = NULL;
	int rc;

	switch (level) {
	case GIT_CONFIG_LEVEL_LOCAL:
		return mc_asprintf("%sconfig", mc_repo_gitdir(repo));
	case GIT_CONFIG_LEVEL_GLOBAL:
		rc = git_config_find_global(&b);
		break;
	case GIT_CONFIG_LEVEL_XDG:
		rc = git_config_find_xdg(&b);
		break;
	case GIT_CONFIG_LEVEL_SYSTEM:
		rc = git_config_find_system(&b);
		break;
	default:
		return NULL;
	}
	if (rc == 0 && b.ptr)
		path = mc_strdup(b.ptr);
	git_buf_dispose(&b);
	return path;
}

/* Path for messages: relative to the work tree when inside it. */
static const char *display_path(mc_repo *repo, const char *path)
{
	const char *wd = mc_repo_workdir(repo);
	size_t n = wd ? strlen(wd) : 0;

	if (n && !strncmp(path, wd, n) && path[n])
		return path + n;
	return path;
}

/* A level's file and its keys' lines, read when first needed. */
struct level {
	int level;
	char *path; /* NULL: unknown */
	int have_text;
	struct scan scan;
};

static int level_get(struct level **out, mc_vec *levels, mc_repo *repo,
                     int level)
{
	struct level *l;
	mc_buf text = MC_BUF_INIT;

	for (size_t i = 0; i < levels->len; i++)
		if (((struct level *)levels->items[i])->level == level) {
			*out = levels->items[i];
			return 0;
		}
	if ((l = mc_calloc(1, sizeof(*l))) == NULL ||
	    mc_vec_push(levels, l) < 0) {
		mc_free(l);
		return mc_error_set_oom();
	}
	l->level = level;
	l->path = level_path(repo, (git_config_level_t)level);
	/* a file that cannot be read only costs the lines */
	if (l->path && read_text(&text, l->path, l->path) == 0 &&
	    scan_text(&l->scan, text.ptr, text.size) == 0)
		l->have_text = 1;
	mc_error_clear();
	mc_buf_dispose(&text);
	*out = l;
	return 0;
}

static void level_free(void *p)
{
	struct level *l = p;
	if (l) {
		mc_free(l->path);
		scan_dispose(&l->scan);
	}
	mc_free(l);
}

int mc_git_config_read_repo(mc_vec *out, mc_repo *repo, const char *prefix)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	mc_vec levels = MC_VEC_INIT;
	size_t plen;
	int error;

	MC_ASSERT_ARG(out && repo && prefix);
	plen = strlen(prefix);
	if (git_repository_config_snapshot(&cfg, repo->repo) < 0) {
		const git_error *ge = git_error_last();
		const char *m = ge && ge->message ? ge->message : "";
		const char *in = strstr(m, " (in ");
		char *path = NULL;
		if (in && strrchr(in, ':'))
			path = mc_strndup(
			        in + 5, (size_t)(strrchr(in, ':') - (in + 5)));
		error = path ? syntax_error(display_path(repo, path))
		             : mc_git__error("cannot read the git config");
		mc_free(path);
		goto done;
	}
	/* not git_config_iterator_glob_new: its regex leaks inside pcre2 */
	if (git_config_iterator_new(&it, cfg) < 0) {
		error = mc_git__error("cannot read the git config");
		goto done;
	}
	while ((error = git_config_next(&e, it)) == 0) {
		struct level *l = NULL;
		unsigned line = 0;

		if (strncmp(e->name, prefix, plen))
			continue;
		if (!e->include_depth &&
		    (error = level_get(&l, &levels, repo, (int)e->level)) < 0)
			goto done;
		if (l && l->have_text)
			line = scan_claim(&l->scan, e->name);
		if ((error = entry_push(out, e,
		                        l && l->path
		                                ? display_path(repo, l->path)
		                                : NULL,
		                        line)) < 0)
			goto done;
	}
	error = error == GIT_ITEROVER
	                ? 0
	                : mc_git__error("cannot read the git config");
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	mc_vec_dispose_deep(&levels, level_free);
	return error;
}

int mc_git_ref_pattern_valid(const char *v)
{
	char *copy;
	int valid = 0;

	if (strncmp(v, "refs/", 5) || !v[5])
		return 0;
	if ((copy = mc_strdup(v)) == NULL)
		return mc_error_set_oom();
	/* globs: check the rest as a ref name with the wildcards filled in */
	for (char *p = copy; *p; p++)
		if (*p == '*' || *p == '?' || *p == '[' || *p == ']')
			*p = 'x';
	if (git_reference_name_is_valid(&valid, copy) < 0)
		valid = 0;
	mc_free(copy);
	return valid;
}
