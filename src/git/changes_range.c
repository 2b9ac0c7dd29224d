/*
 * changes_range.c: the commits of a change set (changes.c): --range A..B
 * and A...B (B against A itself, or against the merge base of our own walk,
 * compat/mergebase.c), --commit C (C against its first parent), the
 * range's commit messages, and the revisions they name; a shallow clone's
 * missing history is the fetch that brings it.
 */
#include "migcheck/changes.h"
#include "migcheck/git_added.h"

#include <string.h>

#include "compat/compat.h"
#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* The reason is taken first: git_repository_is_shallow clears libgit2's
 * error (a corrupt tree was "unknown git error"). */
int mc_git__shallow_error(mc_repo *r, const char *what, int code)
{
	int error = mc_git__error(what);

	if (code == GIT_ENOTFOUND && git_repository_is_shallow(r->repo) == 1)
		return mc_error_set(MC_ERROR_GIT,
		                    "%s: history is missing in this shallow clone; fetch it with 'git fetch --unshallow' (or a deeper 'git fetch --depth=<n>')",
		                    what);
	return error;
}

int mc_git__resolve_commit(git_commit **out, mc_repo *r, const char *spec)
{
	git_object *obj = NULL;
	int error;

	error = git_revparse_single(&obj, r->repo, spec);
	if (error == GIT_ENOTFOUND || error == GIT_EAMBIGUOUS || error == GIT_EINVALIDSPEC) {
		mc_buf hint = MC_BUF_INIT;
		int herr = mc_git__fetch_hint(&hint, r, spec);
		if (herr == 0 && hint.size == 0 && git_repository_is_shallow(r->repo) == 1) {
			mc_buf what = MC_BUF_INIT;
			error = mc_buf_printf(&what, "unknown revision '%s'", spec) < 0
			                ? mc_error_set_oom()
			                : mc_git__shallow_error(r, what.ptr, GIT_ENOTFOUND);
			mc_buf_dispose(&what);
			return error;
		}
		error = mc_error_set(MC_ERROR_GIT, "unknown revision '%s'%s%s%s", spec,
		                     herr == 0 && hint.size ? ": fetch it with '" : "",
		                     herr == 0 ? mc_buf_cstr(&hint) : "",
		                     herr == 0 && hint.size ? "'" : "");
		mc_buf_dispose(&hint);
		return error;
	}
	if (error < 0) {
		char *what = mc_asprintf("cannot resolve '%s'", spec);
		error = what ? mc_git__error(what) : mc_error_set_oom();
		mc_free(what);
		return error;
	}
	error = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (error < 0)
		return mc_error_set(MC_ERROR_USAGE, "'%s' does not name a commit", spec);
	return 0;
}

static int push_message(mc_changeset *c, const git_commit *commit)
{
	char *m = mc_strdup(git_commit_message(commit) ? git_commit_message(commit) : "");
	int error;
	if (!m)
		return mc_error_set_oom();
	if ((error = mc_vec_push(&c->messages, m)) < 0)
		mc_free(m);
	return error;
}

/* The messages of the commits b has and a lacks (git rev-list a..b). */
static int range_messages(mc_changeset *c, mc_repo *r, const mc_git__mbase *m)
{
	for (size_t i = 0; i < m->nonly_b; i++) {
		git_commit *commit = NULL;
		int error;

		if ((error = git_commit_lookup(&commit, r->repo, &m->only_b[i])) < 0)
			return mc_git__shallow_error(r, "cannot read a commit in the range", error);
		error = push_message(c, commit);
		git_commit_free(commit);
		if (error < 0)
			return error;
	}
	return 0;
}

/*
 * The merge bases of a and b (and the range's commits) from our own walk
 * (compat/mergebase.c); history a shallow clone lacks is the fetch error.
 */
static int merge_bases(mc_git__mbase *m, mc_repo *r, const git_commit *ca,
                       const git_commit *cb, const char *a, const char *b)
{
	mc_buf what = MC_BUF_INIT;
	int error;

	if ((error = mc_git__merge_bases(m, r->repo, git_commit_id(ca),
	                                 git_commit_id(cb), 1)) < 0)
		return error;
	if (!m->incomplete && m->nbases)
		return 0;
	if (mc_buf_printf(&what, "cannot find the merge base of '%s' and '%s'", a, b) < 0)
		error = mc_error_set_oom();
	else if (m->incomplete)
		error = mc_git__shallow_error(r, what.ptr, GIT_ENOTFOUND);
	else
		error = mc_error_set(MC_ERROR_GIT, "%s: they share no history", what.ptr);
	mc_buf_dispose(&what);
	mc_git__mbase_dispose(m);
	return error;
}

/* "2 merge bases (abc1234 def5678): judged against abc1234, as git diff does" */
static int bases_note(mc_changeset *c, const mc_git__mbase *m)
{
	mc_buf note = MC_BUF_INIT;
	char sha[GIT_OID_HEXSZ + 1];
	int error = mc_buf_printf(&note, "%zu merge bases (", m->nbases);

	for (size_t i = 0; i < m->nbases && !error; i++) {
		git_oid_tostr(sha, sizeof(sha), &m->bases[i]);
		error = mc_buf_printf(&note, "%s%s", i ? " " : "", sha);
	}
	git_oid_tostr(sha, sizeof(sha), &m->bases[0]);
	if (!error)
		error = mc_buf_printf(&note, "): judged against %s, the newest, as git diff does", sha);
	if (error < 0) {
		mc_buf_dispose(&note);
		return mc_error_set_oom();
	}
	c->base_note = mc_buf_detach(&note);
	return 0;
}

int mc_repo_require_since(mc_repo *r, const char *since)
{
	git_commit *ca = NULL, *cb = NULL;
	mc_git__mbase m = MC_GIT_MBASE_INIT;
	int error;

	MC_ASSERT_ARG(r && since);
	if ((error = mc_git__resolve_commit(&ca, r, since)) < 0 ||
	    (error = mc_git__resolve_commit(&cb, r, "HEAD")) < 0)
		goto done;
	if (git_repository_is_shallow(r->repo) == 1)
		error = merge_bases(&m, r, ca, cb, since, "HEAD");
done:
	mc_git__mbase_dispose(&m);
	git_commit_free(ca);
	git_commit_free(cb);
	return error;
}

int mc_git__changes_range(mc_changeset *c, mc_repo *r, const char *spec,
                          git_tree **old_tree)
{
	const char *dots = strstr(spec, "...");
	size_t ndots = 3;
	char *a = NULL, *b = NULL;
	git_commit *ca = NULL, *cb = NULL, *cbase = NULL;
	mc_git__mbase m = MC_GIT_MBASE_INIT;
	int error;

	if (!dots) {
		dots = strstr(spec, "..");
		ndots = 2;
	}
	if (!dots)
		return mc_error_set(MC_ERROR_USAGE,
		                    "--range needs '<a>..<b>' or '<a>...<b>', not '%s'", spec);
	a = mc_strndup(spec, (size_t)(dots - spec));
	b = mc_strdup(dots + ndots);
	if (!a || !b) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = mc_git__resolve_commit(&ca, r, *a ? a : "HEAD")) < 0 ||
	    (error = mc_git__resolve_commit(&cb, r, *b ? b : "HEAD")) < 0 ||
	    (error = merge_bases(&m, r, ca, cb, *a ? a : "HEAD", *b ? b : "HEAD")) < 0)
		goto done;
	/* a..b: from a itself, as git diff a b (SPEC §6: X is a); a...b: from
	 * the merge base, the newest of several (criss-cross merges), as git
	 * diff a...b does */
	if (ndots == 3 && m.nbases > 1 && (error = bases_note(c, &m)) < 0)
		goto done;
	if ((error = git_commit_lookup(&cbase, r->repo, ndots == 3 ? &m.bases[0]
	                                                             : git_commit_id(ca))) < 0 ||
	    (error = git_commit_tree(old_tree, cbase)) < 0 ||
	    (error = git_commit_tree(&c->src->after_tree, cb)) < 0 ||
	    (error = git_commit_tree(&c->src->target_tree, ca)) < 0) {
		error = mc_git__shallow_error(r, "cannot read the range's trees", error);
		goto done;
	}
	git_oid_cpy(&c->src->after_commit, git_commit_id(cb));
	c->src->has_after_commit = 1;
	if ((error = range_messages(c, r, &m)) < 0)
		goto done;
	if ((c->describe = mc_strdup(spec)) == NULL ||
	    (c->target_name = mc_strdup(*a ? a : "HEAD")) == NULL)
		error = mc_error_set_oom();
done:
	mc_git__mbase_dispose(&m);
	git_commit_free(ca);
	git_commit_free(cb);
	git_commit_free(cbase);
	mc_free(a);
	mc_free(b);
	return error;
}

int mc_git__changes_commit(mc_changeset *c, mc_repo *r, const char *spec,
                           git_tree **old_tree)
{
	git_commit *commit = NULL, *parent = NULL;
	char sha[8];
	int error;

	if ((error = mc_git__resolve_commit(&commit, r, spec)) < 0)
		return error;
	if ((error = git_commit_tree(&c->src->after_tree, commit)) < 0) {
		error = mc_git__shallow_error(r, "cannot read the commit's tree", error);
		goto done;
	}
	git_oid_cpy(&c->src->after_commit, git_commit_id(commit));
	c->src->has_after_commit = 1;
	if (git_commit_parentcount(commit) > 0) {
		if ((error = git_commit_parent(&parent, commit, 0)) < 0) {
			error = mc_git__shallow_error(r, "cannot read the parent of the commit", error);
			goto done;
		}
		if ((error = git_commit_tree(old_tree, parent)) < 0) {
			error = mc_git__shallow_error(r, "cannot read the parent's tree", error);
			goto done;
		}
	}
	if ((error = push_message(c, commit)) < 0)
		goto done;
	git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
	if ((c->describe = mc_asprintf("commit %s", sha)) == NULL)
		error = mc_error_set_oom();
done:
	git_commit_free(commit);
	git_commit_free(parent);
	return error;
}
