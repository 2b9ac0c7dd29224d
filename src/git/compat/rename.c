/*
 * rename.c: git's rename detection for the staged changes read without
 * libgit2 (index_scan.c): those have no git_diff for
 * git_diff_find_similar to work on, so deleted and added blobs are paired
 * here as git pairs them: exact renames (the same blob) first, then by a
 * similarity score over the files' lines.
 *
 * NEEDSWORK: retired with index_scan.c (see README.md): once libgit2 reads
 * the index fast enough for 'check --staged', git_diff_tree_to_index and
 * git_diff_find_similar do this. No released libgit2 (up to 1.9.7) does.
 */
#include "compat.h"

#include <stdlib.h>

#include "git/git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* Past this many deleted x added pairs, only exact renames are found
 * (git's diff.renameLimit plays the same part). */
#define MC_RENAME_PAIRS_MAX 10000
#define MC_RENAME_SCORE 50

void mc_git__rename_side_free(void *p)
{
	mc_git__rename_side *s = p;
	if (s)
		mc_free(s->lines);
	mc_free(s);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The sorted hashes of text's lines (trailing blanks ignored); mc_free. */
static uint64_t *line_hashes(const char *text, size_t len, size_t *n)
{
	size_t cap = 1, k = 0;
	uint64_t *h;

	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	if ((h = mc_malloc(cap * sizeof(*h))) == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i, end;
		uint64_t v = 1469598103934665603ULL; /* FNV-1a */
		while (j < len && text[j] != '\n')
			j++;
		end = j;
		while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
		                   text[end - 1] == '\r'))
			end--;
		for (size_t q = i; q < end; q++)
			v = (v ^ (unsigned char)text[q]) * 1099511628211ULL;
		if (end > i)
			h[k++] = v;
		i = j + 1;
	}
	qsort(h, k, sizeof(*h), u64_cmp);
	*n = k;
	return h;
}

/* Hash side's lines once (its blob is read only here). @return 0 or < 0 */
static int side_lines(git_repository *repo, mc_git__rename_side *sd)
{
	char *text = NULL;
	size_t len = 0;
	int error;

	if (sd->lines || sd->too_large)
		return 0;
	if ((error = mc_git__blob_read_capped(&text, &len, repo, sd->id, sd->path)) < 0)
		return error;
	if (error == 1) {
		sd->too_large = 1;
		return 0;
	}
	sd->lines = line_hashes(text, len, &sd->nlines);
	mc_free(text);
	return sd->lines ? 0 : mc_error_set_oom();
}

/*
 * How alike two blobs are, 0..100: twice the lines they share over all
 * their lines, as git's rename detection scores (its default threshold is
 * 50). @return the score, or < 0 on error
 */
static int similarity(git_repository *repo, mc_git__rename_side *a,
                      mc_git__rename_side *b)
{
	size_t common = 0;

	if (side_lines(repo, a) < 0 || side_lines(repo, b) < 0)
		return -1;
	if (a->too_large || b->too_large)
		return 0; /* an exact rename was found by its id already */
	for (size_t i = 0, k = 0; i < a->nlines && k < b->nlines;) {
		if (a->lines[i] == b->lines[k]) {
			common++;
			i++;
			k++;
		} else if (a->lines[i] < b->lines[k]) {
			i++;
		} else {
			k++;
		}
	}
	return a->nlines + b->nlines ? (int)(200 * common / (a->nlines + b->nlines)) : 100;
}

int mc_git__renames_find(git_repository *repo, mc_vec *dels, mc_vec *adds,
                         int (*found)(mc_git__rename_side *d, mc_git__rename_side *a,
                                      void *payload),
                         void *payload)
{
	int error = 0;

	/* a deleted blob added again under another name */
	for (size_t i = 0; i < dels->len && !error; i++) {
		mc_git__rename_side *d = dels->items[i];
		for (size_t k = 0; k < adds->len; k++) {
			mc_git__rename_side *a = adds->items[k];
			if (a->paired || !git_oid_equal(a->id, d->id))
				continue;
			error = found(d, a, payload);
			a->paired = d->paired = 1;
			break;
		}
	}
	if (error || dels->len * adds->len > MC_RENAME_PAIRS_MAX)
		return error;
	/* a deleted file and an added one that share at least half their
	 * lines, the most alike first */
	for (size_t i = 0; i < dels->len && !error; i++) {
		mc_git__rename_side *d = dels->items[i], *best = NULL;
		int best_score = MC_RENAME_SCORE - 1;
		if (d->paired)
			continue;
		for (size_t k = 0; k < adds->len && !error; k++) {
			mc_git__rename_side *a = adds->items[k];
			int score;
			if (a->paired)
				continue;
			if ((score = similarity(repo, d, a)) < 0)
				error = MC_ERROR;
			else if (score > best_score) {
				best = a;
				best_score = score;
			}
		}
		if (best && !error) {
			error = found(d, best, payload);
			best->paired = d->paired = 1;
		}
	}
	return error;
}
