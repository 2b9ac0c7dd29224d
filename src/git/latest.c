/*
 * latest.c: the newest deploy ref, the release a gate judges against when
 * no --since is given.
 */
#include "migcheck/git_added.h"

#include <git2.h>
#include <string.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

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

int mc_repo_latest_deploy_ref(mc_buf *out, mc_repo *r, const mc_vec *patterns)
{
	mc_vec refs = MC_VEC_INIT;
	const char *best = NULL;
	git_time_t best_time = 0;
	int best_reach = 0, have_head;
	git_oid head;
	int error;

	MC_ASSERT_ARG(out && r && patterns);
	if (!patterns->len)
		return mc_error_set(MC_ERROR_USAGE,
		                    "no deploy ref to gate against: pass --since <rev> or set deploy.ref in .migcheck");
	if ((error = mc_git__expand_refs(&refs, r, patterns)) < 0)
		goto done;
	have_head = git_reference_name_to_id(&head, r->repo, "HEAD") == 0;
	git_error_clear();
	for (size_t i = 0; i < refs.len; i++) {
		const char *name = refs.items[i];
		git_object *obj = NULL;
		git_commit *c = NULL;
		git_time_t t;
		int reach;

		if (git_revparse_single(&obj, r->repo, name) < 0)
			continue;
		if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			continue; /* a tag of a tree or blob is no release */
		}
		t = git_commit_time(c);
		/* a release HEAD builds on beats one on another branch (a
		 * hotfix tag made later on an old line) */
		reach = have_head &&
		        (git_oid_equal(&head, git_commit_id(c)) ||
		         git_graph_descendant_of(r->repo, &head, git_commit_id(c)) == 1);
		git_error_clear();
		git_commit_free(c);
		git_object_free(obj);
		/* then the newest commit; on a tie the greater name */
		if (!best || reach > best_reach ||
		    (reach == best_reach &&
		     (t > best_time || (t == best_time && strcmp(name, best) > 0)))) {
			best = name;
			best_time = t;
			best_reach = reach;
		}
	}
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
	error = mc_buf_puts(out, short_name(best));
	/* the short name must resolve back to this ref; else keep it whole */
	if (!error && strcmp(short_name(best), best)) {
		git_object *a = NULL, *b = NULL;
		int same = git_revparse_single(&a, r->repo, out->ptr) == 0 &&
		           git_revparse_single(&b, r->repo, best) == 0 &&
		           git_oid_equal(git_object_id(a), git_object_id(b));
		git_object_free(a);
		git_object_free(b);
		if (!same) {
			mc_buf_clear(out);
			error = mc_buf_puts(out, best);
		}
	}
done:
	mc_vec_dispose_deep(&refs, mc_free);
	return error;
}
