/*
 * mergebase.c: git's merge-base computation ("paint down to common") on
 * our own walk, and the commits of a range (git rev-list a..b) from the
 * same walk. libgit2 1.5's git_merge_base and hidden revwalks do not know
 * shallow clones: they leak and fail at the first missing parent.
 *
 * The walk pops commits newest committer date first. Commits reached from
 * a carry P1, from b P2; a commit with both is a candidate, and its
 * parents are STALE (below a common ancestor). The walk ends when every
 * queued commit is stale. Candidates that turn stale, or that another
 * candidate reaches (remove_redundant), are not merge bases: the rest is
 * `git merge-base --all`, sorted newest first like git.
 *
 * A shallow clone's boundary ends the walk on that path: a parent that is
 * not in the object database (a commit of .git/shallow lists parents the
 * clone lacks; a parent the clone has anyway, say a fetched ref's tip,
 * is walked, its own missing parents being a boundary again). When a
 * path that still mattered (not stale) ends there, the missing history
 * could hold a better merge base or commits of the range, so the result
 * is "incomplete" and the caller says which fetch brings the history: a
 * shallow clone never passes on history it does not have.
 *
 * Clock skew: like git, the order is by commit date; the result is exact
 * for the merge bases (the walk only ends when no unstale path is left).
 * The range's commits are those b reaches that the walk did not also
 * reach from a, as in git's own date-ordered range walk.
 *
 * NEEDSWORK: libgit2 1.7 reads .git/shallow as grafts (its revwalks and
 * git_merge_base stop at the boundary instead of failing on a missing
 * parent), which would retire the walk but not "incomplete": no released
 * libgit2 (up to 1.9.7) says that the boundary cut a path that mattered,
 * and without it a shallow clone would get a wrong merge base silently
 * instead of exit 3 with the fetch. Retire this with libgit2 >= 1.7 and
 * such a report.
 */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

enum {
	P1 = 1, P2 = 2, STALE = 4, RESULT = 8,
	MISSING = 16, /* not in the object database */
	LISTED = 32   /* in only_b */
};

struct qent {
	git_commit *commit; /* owned */
	git_time_t time;
	size_t seq;         /* insertion order breaks ties, as in git's queue */
};

struct paint {
	git_repository *repo;
	int is_shallow;
	mc_git__oidset flags;
	struct qent *q;
	size_t qlen, qcap, seq;
	git_oid *cuts;    /* where a path ended at the boundary */
	size_t ncuts, capcuts;
	git_oid *found;   /* candidates (P1|P2), in the order found */
	size_t nfound, capfound;
	git_oid *only_b;  /* popped with P2 and without P1 (filtered at the end) */
	size_t nonly_b, caponly_b;
	int want_only_b;
};

static int oids_push(git_oid **v, size_t *n, size_t *cap, const git_oid *id)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		git_oid *nv = mc_realloc(*v, c * sizeof(*nv));
		if (!nv)
			return mc_error_set_oom();
		*v = nv;
		*cap = c;
	}
	git_oid_cpy(&(*v)[(*n)++], id);
	return 0;
}

/* newer first; then the one queued first */
static int qent_before(const struct qent *x, const struct qent *y)
{
	return x->time != y->time ? x->time > y->time : x->seq < y->seq;
}

static int queue_put(struct paint *p, git_commit *commit)
{
	size_t i;

	if (p->qlen == p->qcap) {
		size_t c = p->qcap ? 2 * p->qcap : 64;
		struct qent *nq = mc_realloc(p->q, c * sizeof(*nq));
		if (!nq) {
			git_commit_free(commit);
			return mc_error_set_oom();
		}
		p->q = nq;
		p->qcap = c;
	}
	i = p->qlen++;
	p->q[i].commit = commit;
	p->q[i].time = git_commit_time(commit);
	p->q[i].seq = p->seq++;
	while (i > 0 && qent_before(&p->q[i], &p->q[(i - 1) / 2])) {
		struct qent t = p->q[i];
		p->q[i] = p->q[(i - 1) / 2];
		p->q[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return 0;
}

static git_commit *queue_get(struct paint *p)
{
	git_commit *top;
	size_t i = 0;

	if (!p->qlen)
		return NULL;
	top = p->q[0].commit;
	p->q[0] = p->q[--p->qlen];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < p->qlen && qent_before(&p->q[l], &p->q[m]))
			m = l;
		if (r < p->qlen && qent_before(&p->q[r], &p->q[m]))
			m = r;
		if (m == i)
			break;
		struct qent t = p->q[i];
		p->q[i] = p->q[m];
		p->q[m] = t;
		i = m;
	}
	return top;
}

static int queue_has_nonstale(const struct paint *p)
{
	for (size_t i = 0; i < p->qlen; i++)
		if (!(mc_git__oidset_flags(&p->flags, git_commit_id(p->q[i].commit)) & STALE))
			return 1;
	return 0;
}

static void paint_dispose(struct paint *p)
{
	for (size_t i = 0; i < p->qlen; i++)
		git_commit_free(p->q[i].commit);
	mc_free(p->q);
	mc_free(p->cuts);
	mc_free(p->found);
	mc_free(p->only_b);
	mc_git__oidset_dispose(&p->flags);
	memset(p, 0, sizeof(*p));
}

static int set_flags(struct paint *p, const git_oid *id, unsigned f)
{
	return mc_git__oidset_or(&p->flags, id, f) < 0 ? mc_error_set_oom() : 0;
}

/* Look up a commit to queue; a missing one is a boundary in a shallow clone. */
static int lookup(git_commit **out, struct paint *p, const git_oid *id)
{
	*out = NULL;
	if (git_commit_lookup(out, p->repo, id) == 0)
		return 0;
	if (!p->is_shallow)
		return mc_git__error("cannot read a commit of the history");
	git_error_clear();
	return 1;
}

/* Mark id with f and queue it (or record it as a cut when missing). */
static int reach(struct paint *p, const git_oid *id, unsigned f)
{
	git_commit *c;
	int error;

	if ((error = set_flags(p, id, f)) < 0)
		return error;
	if (mc_git__oidset_flags(&p->flags, id) & MISSING)
		return 0;
	if ((error = lookup(&c, p, id)) < 0)
		return error;
	if (error > 0) {
		if ((error = set_flags(p, id, MISSING)) < 0)
			return error;
		return oids_push(&p->cuts, &p->ncuts, &p->capcuts, id);
	}
	return queue_put(p, c);
}

static int step(struct paint *p)
{
	git_commit *c = queue_get(p);
	const git_oid *id = git_commit_id(c);
	unsigned all = mc_git__oidset_flags(&p->flags, id);
	unsigned f = all & (P1 | P2 | STALE);
	int error = 0;

	if (f == (P1 | P2)) {
		if (!(all & RESULT)) {
			if ((error = set_flags(p, id, RESULT)) < 0 ||
			    (error = oids_push(&p->found, &p->nfound, &p->capfound, id)) < 0)
				goto done;
		}
		f |= STALE;
	} else if (p->want_only_b && f == P2 && !(all & LISTED)) {
		if ((error = set_flags(p, id, LISTED)) < 0 ||
		    (error = oids_push(&p->only_b, &p->nonly_b, &p->caponly_b, id)) < 0)
			goto done;
	}
	for (unsigned i = 0; i < git_commit_parentcount(c) && !error; i++) {
		const git_oid *pid = git_commit_parent_id(c, i);
		if ((mc_git__oidset_flags(&p->flags, pid) & f) == f)
			continue;
		error = reach(p, pid, f);
	}
done:
	git_commit_free(c);
	return error;
}

/*
 * 1 when a path that ended at a missing commit was not below a common
 * ancestor (stale): the missing history could hold a better merge base
 * (or, reached from b only, commits of the range).
 */
static int cut_matters(const struct paint *p)
{
	for (size_t i = 0; i < p->ncuts; i++)
		if (!(mc_git__oidset_flags(&p->flags, &p->cuts[i]) & STALE))
			return 1;
	return 0;
}

/*
 * Paint from one (P1) and twos (P2) until only stale commits are queued.
 * Then, in a shallow clone with an unstale cut, keep going on the stale
 * ones: they may yet reach the cut and show it is below a common ancestor.
 */
static int paint_down(struct paint *p, const git_oid *one, const git_oid *twos,
                      size_t ntwos)
{
	int error = reach(p, one, P1);

	for (size_t i = 0; i < ntwos && !error; i++)
		error = reach(p, &twos[i], P2);
	while (!error && queue_has_nonstale(p))
		error = step(p);
	while (!error && p->qlen && p->is_shallow && cut_matters(p))
		error = step(p);
	return error;
}

/* newest first; found order among equal dates (git's insert_by_date) */
static int sort_by_date(git_oid *ids, size_t n, git_repository *repo)
{
	git_time_t *t = mc_calloc(n ? n : 1, sizeof(*t));

	if (!t)
		return mc_error_set_oom();
	for (size_t i = 0; i < n; i++) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &ids[i]) < 0) {
			mc_free(t);
			return mc_git__error("cannot read a merge base");
		}
		t[i] = git_commit_time(c);
		git_commit_free(c);
	}
	for (size_t i = 1; i < n; i++) /* insertion sort: stable, n is tiny */
		for (size_t j = i; j > 0 && t[j] > t[j - 1]; j--) {
			git_time_t tt = t[j];
			git_oid o;
			t[j] = t[j - 1];
			t[j - 1] = tt;
			git_oid_cpy(&o, &ids[j]);
			git_oid_cpy(&ids[j], &ids[j - 1]);
			git_oid_cpy(&ids[j - 1], &o);
		}
	mc_free(t);
	return 0;
}

/*
 * Drop candidates another candidate reaches (git's remove_redundant):
 * paint each from itself (P1) against the others (P2).
 */
static int remove_redundant(git_oid *c, size_t *n, git_repository *repo,
                            int *incomplete)
{
	unsigned char *redundant = mc_calloc(*n, 1);
	git_oid *work = mc_calloc(*n, sizeof(*work));
	size_t *idx = mc_calloc(*n, sizeof(*idx));
	int error = 0;

	if (!redundant || !work || !idx) {
		error = mc_error_set_oom();
		goto done;
	}
	for (size_t i = 0; i < *n && !error && !*incomplete; i++) {
		struct paint p;
		size_t filled = 0;

		if (redundant[i])
			continue;
		for (size_t j = 0; j < *n; j++)
			if (j != i && !redundant[j]) {
				git_oid_cpy(&work[filled], &c[j]);
				idx[filled++] = j;
			}
		memset(&p, 0, sizeof(p));
		p.repo = repo;
		p.is_shallow = git_repository_is_shallow(repo) == 1;
		error = paint_down(&p, &c[i], work, filled);
		if (!error && cut_matters(&p))
			*incomplete = 1;
		if (!error && (mc_git__oidset_flags(&p.flags, &c[i]) & P2))
			redundant[i] = 1;
		for (size_t j = 0; j < filled && !error; j++)
			if (mc_git__oidset_flags(&p.flags, &work[j]) & P1)
				redundant[idx[j]] = 1;
		paint_dispose(&p);
	}
	if (!error) {
		size_t k = 0;
		for (size_t i = 0; i < *n; i++)
			if (!redundant[i])
				git_oid_cpy(&c[k++], &c[i]);
		*n = k;
	}
done:
	mc_free(redundant);
	mc_free(work);
	mc_free(idx);
	return error;
}

int mc_git__merge_bases(mc_git__mbase *out, git_repository *repo,
                        const git_oid *a, const git_oid *b, int want_only_b)
{
	struct paint p;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.repo = repo;
	p.is_shallow = git_repository_is_shallow(repo) == 1;
	p.want_only_b = want_only_b;
	if ((error = paint_down(&p, a, b, 1)) < 0)
		goto done;
	if (cut_matters(&p)) {
		out->incomplete = 1;
		goto done;
	}
	/* candidates that turned stale are below another one */
	for (size_t i = 0; i < p.nfound; i++)
		if (!(mc_git__oidset_flags(&p.flags, &p.found[i]) & STALE))
			git_oid_cpy(&p.found[out->nbases++], &p.found[i]);
	if (out->nbases > 1 &&
	    (error = remove_redundant(p.found, &out->nbases, repo,
	                              &out->incomplete)) < 0)
		goto done;
	if (out->incomplete)
		goto done;
	if ((error = sort_by_date(p.found, out->nbases, repo)) < 0)
		goto done;
	out->bases = p.found;
	p.found = NULL;
	if (want_only_b) {
		for (size_t i = 0; i < p.nonly_b; i++)
			if (!(mc_git__oidset_flags(&p.flags, &p.only_b[i]) & P1))
				git_oid_cpy(&p.only_b[out->nonly_b++], &p.only_b[i]);
		out->only_b = p.only_b;
		p.only_b = NULL;
	}
done:
	paint_dispose(&p);
	if (error < 0 || out->incomplete) {
		int inc = out->incomplete;
		mc_git__mbase_dispose(out);
		out->incomplete = error < 0 ? 0 : inc;
	}
	return error;
}

void mc_git__mbase_dispose(mc_git__mbase *m)
{
	mc_free(m->bases);
	mc_free(m->only_b);
	memset(m, 0, sizeof(*m));
}
