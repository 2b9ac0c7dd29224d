/*
 * latest.c: the last release, what a gate judges against when no --since
 * is given: of the deploy refs, those HEAD builds on, then the newest.
 */
#include "migcheck/git_added.h"

#include <git2.h>
#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

struct cand {
	const char *name; /* borrowed from the refs vector */
	git_oid id;
	git_time_t time;
	int reach; /* HEAD contains it */
	int head;  /* it is HEAD itself: nothing to judge since */
	int pre;   /* a pre-release tag (v1.2.0-rc, 2.0.0-beta.1) */
};

/* A pre-release by semver: a '-' right after the version's digits, then a
 * letter or digit ("v1.12.17-rc"; not "release-2024", "v2-main"). */
static int is_prerelease(const char *ref)
{
	const char *s = strrchr(ref, '/'), *p;
	s = s ? s + 1 : ref;
	for (p = s; *p; p++)
		if (*p == '-' && p > s && p[-1] >= '0' && p[-1] <= '9' && p - s >= 3 &&
		    strchr(s, '.') && strchr(s, '.') < p &&
		    ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') ||
		     (p[1] >= '0' && p[1] <= '9')))
			return 1;
	return 0;
}

/* Short display name: "v1.2.0" for refs/tags/v1.2.0, "main" for
 * refs/heads/main, "origin/main" for refs/remotes/origin/main. */
static const char *short_name(const char *ref)
{
	static const char *const prefixes[] = { "refs/tags/", "refs/heads/",
	                                        "refs/remotes/" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(ref, prefixes[i], n) && ref[n])
			return ref + n;
	}
	return ref;
}

/*
 * Mark the candidates HEAD contains, by one walk of HEAD's history that
 * stops once all are found or it is a day older than the oldest of them
 * (commit dates are not strictly ordered; a day of slack covers skew).
 * Missing objects (a shallow clone's boundary) end that path quietly.
 * @return 0, or -1 out of memory
 */
static int mark_reachable(git_repository *repo, const git_oid *head,
                          git_time_t head_time, struct cand *c, size_t n)
{
	mc_git__walk w = MC_GIT_WALK_INIT;
	size_t found = 0;
	git_time_t oldest = 0;
	git_oid id;
	int error = -1;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || c[i].time < oldest)
			oldest = c[i].time;
	/* a HEAD dated before the releases it builds on (a rebase, a skewed
	 * clock) is walked from its own date */
	if (head_time < oldest)
		oldest = head_time;
	if (mc_git__walk_push(&w, head) < 0)
		goto done;
	while (found < n && mc_git__walk_pop(&w, &id)) {
		git_commit *commit = NULL;
		int oom = 0;

		for (size_t i = 0; i < n; i++)
			if (!c[i].reach && git_oid_equal(&c[i].id, &id)) {
				c[i].reach = 1;
				found++;
			}
		if (git_commit_lookup(&commit, repo, &id) < 0) {
			git_error_clear();
			continue;
		}
		if (git_commit_time(commit) >= oldest - 86400)
			for (unsigned p = 0; p < git_commit_parentcount(commit) && !oom; p++)
				oom = mc_git__walk_push(&w, git_commit_parent_id(commit, p)) < 0;
		git_commit_free(commit);
		if (oom)
			goto done;
	}
	error = 0;
done:
	mc_git__walk_dispose(&w);
	return error;
}

int mc_repo_latest_deploy_ref(mc_buf *out, const char **how, mc_repo *r,
                              const mc_vec *patterns)
{
	mc_vec refs = MC_VEC_INIT;
	struct cand *c = NULL, *best = NULL;
	size_t n = 0;
	git_oid head;
	int error;

	MC_ASSERT_ARG(out && r && patterns);
	if (how)
		*how = NULL;
	if (!patterns->len)
		return mc_error_set(MC_ERROR_USAGE,
		                    "no deploy ref to gate against: pass --since <rev> or set deploy.ref in .migcheck");
	if ((error = mc_git__expand_refs(&refs, r, patterns)) < 0)
		goto done;
	if (refs.len && (c = mc_calloc(refs.len, sizeof(*c))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = 0; i < refs.len; i++) {
		git_object *obj = NULL;
		git_commit *commit = NULL;

		if (git_revparse_single(&obj, r->repo, refs.items[i]) < 0 ||
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			/* a tag of a tree or blob is no release */
			git_error_clear();
			git_object_free(obj);
			continue;
		}
		c[n].name = refs.items[i];
		git_oid_cpy(&c[n].id, git_commit_id(commit));
		c[n].time = git_commit_time(commit);
		c[n].pre = is_prerelease(refs.items[i]);
		n++;
		git_commit_free(commit);
		git_object_free(obj);
	}
	if (n && git_reference_name_to_id(&head, r->repo, "HEAD") == 0) {
		for (size_t i = 0; i < n; i++)
			c[i].head = git_oid_equal(&c[i].id, &head);
		git_commit *hc = NULL;
		git_time_t ht = 0;
		if (git_commit_lookup(&hc, r->repo, &head) == 0)
			ht = git_commit_time(hc);
		git_commit_free(hc);
		if (mark_reachable(r->repo, &head, ht, c, n) < 0) {
			error = mc_error_set_oom();
			goto done;
		}
	}
	git_error_clear();
	/* HEAD itself is never the last release (the range would be empty);
	 * a release HEAD builds on beats one on another line (a hotfix tag
	 * made later on an old branch); a release beats a pre-release (what
	 * shipped, not v1.12.17-rc on the same commit or v1.13.0-rc after it);
	 * then the newest; then the greater name */
	for (size_t i = 0; i < n; i++)
		if (!best || c[i].head < best->head ||
		    (c[i].head == best->head &&
		     (c[i].reach > best->reach ||
		      (c[i].reach == best->reach &&
		       (c[i].pre < best->pre ||
		        (c[i].pre == best->pre &&
		         (c[i].time > best->time ||
		          (c[i].time == best->time && strcmp(c[i].name, best->name) > 0))))))))
			best = &c[i];
	if (best && how)
		*how = best->head    ? "the newest deploy ref, HEAD itself: nothing to gate; pass --since <rev>"
		       : best->reach ? "the newest deploy ref HEAD contains"
		                     : "the newest deploy ref; HEAD contains none";
	if (!best) {
		if (!refs.len)
			error = mc_error_set(MC_ERROR_USAGE,
			                     "deploy ref '%s' matches no ref: pass --since <rev> (or tag the release)",
			                     (const char *)patterns->items[0]);
		else
			error = mc_error_set(MC_ERROR_USAGE,
			                     "no deploy ref points at a commit: pass --since <rev>");
		goto done;
	}
	mc_buf_clear(out);
	error = mc_buf_puts(out, short_name(best->name));
	/* the short name must resolve back to this ref; else keep it whole */
	if (!error && strcmp(short_name(best->name), best->name)) {
		git_object *a = NULL;
		int same = git_revparse_single(&a, r->repo, out->ptr) == 0 &&
		           git_oid_equal(git_object_id(a), &best->id);
		if (!same && a) {
			git_object *peeled = NULL;
			same = git_object_peel(&peeled, a, GIT_OBJECT_COMMIT) == 0 &&
			       git_oid_equal(git_object_id(peeled), &best->id);
			git_object_free(peeled);
		}
		git_error_clear();
		git_object_free(a);
		if (!same) {
			mc_buf_clear(out);
			error = mc_buf_puts(out, best->name);
		}
	}
done:
	mc_free(c);
	mc_vec_dispose_deep(&refs, mc_free);
	return error;
}
