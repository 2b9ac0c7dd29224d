/*
 * releases.c: how a repository marks its releases, for 'migcheck init':
 * the tags named like a version (v1.2.3, 1.2.3, backend/v1.2.3,
 * release-1.2), grouped into families by what comes before the version,
 * and the deploy.ref globs that cover them. Tags that are not releases
 * (nightly, latest, docs-1.2) and families that do not hold the migrations
 * are left out, each with the reason init prints.
 */
#include "migcheck/repo.h"

#include <ctype.h>
#include <fnmatch.h>
#include <git2.h>
#include <string.h>
#include <strings.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define MAX_PARTS  4
#define MAX_LISTED 5 /* names quoted in a note */

/* prefixes that name something other than a release */
static const char *const not_release[] = {
	"doc",     "docs",   "documentation", "website", "site",
	"nightly", "latest", "test",          "tests",   "tmp",
	"temp",    "wip",    "backup",        "archive", "snapshot"
};

static int is_sep(char c)
{
	return c == '/' || c == '-' || c == '_' || c == '@';
}

/* The name part of prefix ("backend" for "backend/v", "release" for
 * "release-"), as [*start, *start + *len). */
static void
prefix_name(const char *prefix, size_t plen, size_t *start, size_t *len)
{
	size_t e = plen, s;

	if (e && (prefix[e - 1] == 'v' || prefix[e - 1] == 'V') &&
	    (e == 1 || is_sep(prefix[e - 2])))
		e--;
	while (e && is_sep(prefix[e - 1]))
		e--;
	s = e;
	while (s && !is_sep(prefix[s - 1]))
		s--;
	*start = s;
	*len = e - s;
}

int mc_git__release_tag_parse(size_t *prefix_len,
                              unsigned *parts,
                              size_t *nparts,
                              int *pre,
                              const char *name)
{
	for (size_t i = 0; name[i]; i++) {
		const char *p = name + i, *rest;
		unsigned v[MAX_PARTS];
		size_t n = 0, ns, nl;

		if (!isdigit((unsigned char)*p) ||
		    (i && isdigit((unsigned char)name[i - 1])))
			continue;
		/* what comes before: nothing, a separator, or a 'v' after one
		 */
		if (i && !is_sep(name[i - 1]) &&
		    !((name[i - 1] == 'v' || name[i - 1] == 'V') &&
		      (i == 1 || is_sep(name[i - 2]))))
			continue;
		rest = p;
		while (n < MAX_PARTS && isdigit((unsigned char)*rest)) {
			unsigned long x = 0;
			while (isdigit((unsigned char)*rest)) {
				if (x < 100000000UL)
					x = x * 10 +
					    (unsigned long)(*rest - '0');
				rest++;
			}
			v[n++] = (unsigned)x;
			if (*rest != '.' || !isdigit((unsigned char)rest[1]))
				break;
			rest++;
		}
		if (n < 2 || isdigit((unsigned char)*rest))
			continue; /* "v1", "20240101": not a version */
		/* a suffix: -rc.1, +build, beta2; never a path */
		if (*rest && (strchr(rest, '/') ||
		              !(*rest == '-' || *rest == '+' || *rest == '.' ||
		                isalpha((unsigned char)*rest))))
			continue;
		prefix_name(name, i, &ns, &nl);
		for (size_t k = 0; k < MC_ARRAY_SIZE(not_release); k++)
			if (nl == strlen(not_release[k]) &&
			    !strncasecmp(name + ns, not_release[k], nl))
				return 0;
		*prefix_len = i;
		memcpy(parts, v, n * sizeof(*v));
		*nparts = n;
		*pre = *rest == '-';
		return 1;
	}
	return 0;
}

struct family {
	char *prefix; /* "v", "backend/v", "" */
	char *glob;   /* "refs/tags/v*" */
	size_t count;
	char *newest; /* the tag with the greatest version */
	unsigned parts[MAX_PARTS];
	size_t nparts;
	int pre;
	git_oid newest_commit;
	int keep;
};

static void family_free(void *p)
{
	struct family *f = p;
	if (!f)
		return;
	mc_free(f->prefix);
	mc_free(f->glob);
	mc_free(f->newest);
	mc_free(f);
}

/* > 0 when version a is greater than b (1.10 > 1.9; 1.2.0 > 1.2.0-rc1) */
static int version_cmp(const unsigned *a,
                       size_t an,
                       int apre,
                       const unsigned *b,
                       size_t bn,
                       int bpre)
{
	for (size_t i = 0; i < MAX_PARTS; i++) {
		unsigned x = i < an ? a[i] : 0, y = i < bn ? b[i] : 0;
		if (x != y)
			return x > y ? 1 : -1;
	}
	return bpre - apre;
}

struct tag_list {
	mc_vec names; /* char*: short tag names */
};

static int tag_cb(const char *name, void *payload)
{
	struct tag_list *t = payload;
	char *s = mc_strdup(name + strlen("refs/tags/"));
	if (!s || mc_vec_push(&t->names, s) < 0) {
		mc_free(s);
		return -1;
	}
	return 0;
}

static int cmp_family(const void *a, const void *b)
{
	const struct family *x = *(struct family *const *)a,
	                    *y = *(struct family *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->prefix, y->prefix);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the tag of family f resembling "v1.2.3" (as many parts as its newest) */
static char *shape(const struct family *f)
{
	return mc_asprintf("%s%s", f->prefix,
	                   f->nparts == 2   ? "1.2"
	                   : f->nparts == 3 ? "1.2.3"
	                                    : "1.2.3.4");
}

/* "a, b, c and 2 more" */
static int list_names(mc_buf *b, const mc_vec *names)
{
	int error = 0;
	for (size_t i = 0; i < names->len && i < MAX_LISTED && !error; i++)
		error = mc_buf_printf(b, "%s%s", i ? ", " : "",
		                      (const char *)names->items[i]);
	if (!error && names->len > MAX_LISTED)
		error = mc_buf_printf(b, " and %zu more",
		                      names->len - MAX_LISTED);
	return error;
}

static int push_note(mc_vec *notes, mc_buf *b)
{
	char *s = mc_buf_detach(b);
	if (!s || mc_vec_push(notes, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

/* 1 when the tree of commit holds one of dirs */
static int
holds_dirs(git_repository *repo, const git_oid *commit, const mc_vec *dirs)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int found = 0;

	if (git_commit_lookup(&c, repo, commit) == 0 &&
	    git_commit_tree(&t, c) == 0)
		for (size_t d = 0; d < dirs->len && !found; d++) {
			git_tree_entry *e = NULL;
			if (git_tree_entry_bypath(&e, t, dirs->items[d]) == 0)
				found = git_tree_entry_type(e) ==
				        GIT_OBJECT_TREE;
			git_tree_entry_free(e);
		}
	git_error_clear();
	git_tree_free(t);
	git_commit_free(c);
	return found;
}

/* The component a family names ("backend" for backend/v*), as
 * prefix_name, but none for words that only say "release" (release-1.2). */
static void component(const struct family *f, size_t *start, size_t *len)
{
	static const char *const generic[] = { "release", "releases", "rel", "version", "ver", "tag", "stable" };

	prefix_name(f->prefix, strlen(f->prefix), start, len);
	for (size_t k = 0; k < MC_ARRAY_SIZE(generic); k++)
		if (*len == strlen(generic[k]) && !strncasecmp(f->prefix + *start, generic[k], *len))
			*len = 0;
}

/* "v*", "backend/v*", "[0-9]*": the family as a short glob, for notes */
static const char *label_pre(const struct family *f)
{
	return *f->prefix ? f->prefix : "[0-9]";
}

/* 1 when a folder of dirs has a component named like family f ("backend"
 * for backend/v*); case-insensitive */
static int named_in_dirs(const struct family *f, const mc_vec *dirs)
{
	size_t s, n;

	component(f, &s, &n);
	if (!n)
		return 0;
	for (size_t d = 0; d < dirs->len; d++) {
		const char *p = dirs->items[d];
		while (*p) {
			size_t len = strcspn(p, "/");
			if (len == n && !strncasecmp(p, f->prefix + s, n))
				return 1;
			p += len;
			while (*p == '/')
				p++;
		}
	}
	return 0;
}

void mc_release_refs_dispose(mc_release_refs *rr)
{
	if (!rr)
		return;
	mc_vec_dispose_deep(&rr->refs, mc_free);
	mc_vec_dispose_deep(&rr->reasons, mc_free);
	mc_vec_dispose_deep(&rr->notes, mc_free);
}

int mc_repo_release_refs(mc_release_refs *out, mc_repo *r, const mc_vec *dirs)
{
	struct tag_list tags = { MC_VEC_INIT };
	mc_vec fams = MC_VEC_INIT, others = MC_VEC_INIT, left = MC_VEC_INIT;
	mc_buf b = MC_BUF_INIT;
	size_t nkeep = 0, nnamed = 0, named_kept = 0, ntags = 0, dropped = 0;
	int error = 0;

	MC_ASSERT_ARG(out && r && dirs);
	if (git_reference_foreach_glob(r->repo, "refs/tags/*", tag_cb, &tags) <
	    0) {
		error = git_error_last() ? mc_git__error("cannot list tags")
		                         : mc_error_set_oom();
		goto done;
	}
	mc_vec_sort(&tags.names, cmp_str);
	for (size_t i = 0; i < tags.names.len && !error; i++) {
		const char *name = tags.names.items[i];
		unsigned parts[MAX_PARTS];
		size_t plen, n;
		int pre;
		struct family *f = NULL;
		git_object *obj = NULL;
		char *full;

		if ((full = mc_asprintf("refs/tags/%s", name)) == NULL) {
			error = mc_error_set_oom();
			break;
		}
		/* lightweight or annotated, a tag counts when it names a commit
		 */
		error = mc_git__peel_ref(&obj, r->repo, full,
		                         GIT_OBJECT_COMMIT);
		mc_free(full);
		if (error < 0) {
			git_error_clear();
			error = 0;
			continue;
		}
		ntags++;
		if (!mc_git__release_tag_parse(&plen, parts, &n, &pre, name)) {
			if (mc_vec_push(&others, (void *)name) < 0)
				error = mc_error_set_oom();
			git_object_free(obj);
			continue;
		}
		for (size_t k = 0; k < fams.len && !f; k++) {
			struct family *x = fams.items[k];
			if (strlen(x->prefix) == plen &&
			    !strncmp(x->prefix, name, plen))
				f = x;
		}
		if (!f) {
			if ((f = mc_calloc(1, sizeof(*f))) == NULL ||
			    (f->prefix = mc_strndup(name, plen)) == NULL ||
			    mc_vec_push(&fams, f) < 0) {
				family_free(f);
				git_object_free(obj);
				error = mc_error_set_oom();
				break;
			}
		}
		f->count++;
		if (!f->newest || version_cmp(parts, n, pre, f->parts,
		                              f->nparts, f->pre) > 0) {
			char *s = mc_strdup(name);
			if (!s) {
				git_object_free(obj);
				error = mc_error_set_oom();
				break;
			}
			mc_free(f->newest);
			f->newest = s;
			memcpy(f->parts, parts, sizeof(parts));
			f->nparts = n;
			f->pre = pre;
			git_oid_cpy(&f->newest_commit, git_object_id(obj));
		}
		git_object_free(obj);
	}
	if (error)
		goto done;
	mc_vec_sort(&fams, cmp_family);

	/* which families: those whose newest tag holds the migrations; of
	 * several, those named after the migrations folder and the unnamed
	 * (v*, release-*); a component's (py/..., cli/v...) beside the unnamed
	 * ones is left out: its tags would be taken for the last release */
	for (size_t k = 0; k < fams.len; k++) {
		struct family *f = fams.items[k];
		size_t s, n;
		f->keep = !dirs->len ||
		          holds_dirs(r->repo, &f->newest_commit, dirs);
		if (!f->keep) {
			mc_buf_clear(&b);
			if (mc_buf_printf(
			            &b,
			            "release tags: %s* (%zu tag%s) left out: the newest, %s, holds no migrations folder",
			            label_pre(f), f->count,
			            f->count == 1 ? "" : "s", f->newest) < 0 ||
			    push_note(&left, &b) < 0) {
				error = mc_error_set_oom();
				goto done;
			}
			continue;
		}
		nkeep++;
		nnamed += named_in_dirs(f, dirs);
		component(f, &s, &n);
		named_kept += n > 0;
	}
	if (nkeep > 1 && (nnamed || named_kept < nkeep)) {
		int unnamed = named_kept < nkeep;
		for (size_t k = 0; k < fams.len; k++) {
			struct family *f = fams.items[k];
			size_t s, n;
			component(f, &s, &n);
			if (!f->keep || !n || named_in_dirs(f, dirs))
				continue;
			f->keep = 0;
			nkeep--;
			dropped++;
			mc_buf_clear(&b);
			if (mc_buf_printf(
			            &b,
			            "release tags: %s* (%zu tag%s) left out: '%.*s' is not a folder in the migrations' path%s",
			            f->prefix, f->count,
			            f->count == 1 ? "" : "s", (int)n,
			            f->prefix + s,
			            !nnamed && unnamed ? ", and the tags named for no component are the repository's releases" : "") < 0 ||
			    push_note(&left, &b) < 0) {
				error = mc_error_set_oom();
				goto done;
			}
		}
	}

	for (size_t k = 0; k < fams.len; k++) {
		struct family *f = fams.items[k];
		char *glob, *why, *like;
		int plain = 1;

		if (!f->keep)
			continue;
		/* prefix* unless it would also match a tag of another shape */
		if ((glob = mc_asprintf("%s*", f->prefix)) == NULL) {
			error = mc_error_set_oom();
			goto done;
		}
		if (!*f->prefix)
			plain = 0;
		for (size_t i = 0; plain && i < tags.names.len; i++) {
			const char *name = tags.names.items[i];
			unsigned v[MAX_PARTS];
			size_t pl, n;
			int pre;
			if (fnmatch(glob, name, 0) == 0 &&
			    (!mc_git__release_tag_parse(&pl, v, &n, &pre,
			                                name) ||
			     pl != strlen(f->prefix)))
				plain = 0;
		}
		mc_free(glob);
		glob = mc_asprintf("refs/tags/%s%s", f->prefix,
		                   plain ? "*" : "[0-9]*");
		like = shape(f);
		why = like ? mc_asprintf("%zu release tag%s like %s; newest %s",
		                         f->count, f->count == 1 ? "" : "s",
		                         like, f->newest)
		           : NULL;
		mc_free(like);
		if (!glob || !why || mc_vec_push(&out->refs, glob) < 0) {
			mc_free(glob);
			mc_free(why);
			error = mc_error_set_oom();
			goto done;
		}
		if (mc_vec_push(&out->reasons, why) < 0) {
			mc_free(why);
			error = mc_error_set_oom();
			goto done;
		}
	}

	/* what was left out, and why */
	mc_buf_clear(&b);
	if (ntags == 0)
		error = mc_buf_puts(
		        &b,
		        "release tags: none in this clone (if releases are tagged later, add deploy.ref = refs/tags/v*)");
	else if (!fams.len)
		error = mc_buf_printf(
		        &b,
		        "release tags: none (%zu tag%s, none named like a version such as v1.2.3: ",
		        ntags, ntags == 1 ? "" : "s");
	else if (others.len)
		error = mc_buf_printf(
		        &b,
		        "release tags: %zu other tag%s not named like a release, left out: ",
		        others.len, others.len == 1 ? "" : "s");
	if (!error && ntags && others.len)
		error = list_names(&b, &others);
	if (!error && ntags && !fams.len)
		error = mc_buf_putc(&b, ')');
	if (!error && b.size)
		error = push_note(&out->notes, &b);
	for (size_t k = 0; k < left.len && !error; k++) {
		if ((error = mc_vec_push(&out->notes, left.items[k])) == 0)
			left.items[k] = NULL;
	}
	if (!error && nkeep > 1 && !nnamed && !dropped) {
		mc_buf_clear(&b);
		error = mc_buf_printf(
		        &b,
		        "release tags: %zu tag families%s: all are deploy refs",
		        nkeep,
		        named_kept
		                ? ", none named after a folder of the migrations' path"
		                : "");
		if (!error)
			error = push_note(&out->notes, &b);
	}
	if (error < 0)
		error = mc_error_set_oom();
done:
	mc_buf_dispose(&b);
	mc_vec_dispose(&others);
	mc_vec_dispose_deep(&left, mc_free);
	mc_vec_dispose_deep(&fams, family_free);
	mc_vec_dispose_deep(&tags.names, mc_free);
	return error;
}
