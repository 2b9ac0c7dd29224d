/*
 * trailers.c: commit message trailers (git's rules, via libgit2) and line
 * diffs of two buffers, for the model rule.
 */
#include "migcheck/changes.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "git_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define SKIP_KEY "Migcheck-Skip"

int mc_message_skip_reason(char **out_reason, const char *message,
                           const char *code)
{
	git_buf clean = GIT_BUF_INIT;
	git_message_trailer_array arr;
	size_t n = strlen(code);
	char *found = NULL;
	int error = 0;

	memset(&arr, 0, sizeof(arr));
	*out_reason = NULL;
	if (!message)
		return 0;
	/* drop '#' comment lines as git commit does before the commit-msg hook's result is used */
	if (git_message_prettify(&clean, message, 1, '#') < 0)
		return mc_git__error("cannot read the commit message");
	if (git_message_trailers(&arr, clean.ptr) < 0) {
		git_buf_dispose(&clean);
		return mc_git__error("cannot read the commit message trailers");
	}
	for (size_t i = 0; i < arr.count; i++) {
		const char *v = arr.trailers[i].value;
		const char *end;
		if (strcasecmp(arr.trailers[i].key, SKIP_KEY))
			continue;
		while (isspace((unsigned char)*v))
			v++;
		if (strncmp(v, code, n) || (v[n] && !isspace((unsigned char)v[n])))
			continue;
		v += n;
		while (isspace((unsigned char)*v))
			v++;
		end = v + strlen(v);
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		if (found && !*found) {
			mc_free(found);
			found = NULL;
		}
		if (found)
			continue; /* the first one with a reason wins */
		if ((found = mc_strndup(v, (size_t)(end - v))) == NULL) {
			error = mc_error_set_oom();
			break;
		}
	}
	git_message_trailer_array_free(&arr);
	git_buf_dispose(&clean);
	if (error)
		mc_free(found);
	else
		*out_reason = found;
	return error;
}

struct line_payload {
	int (*cb)(char origin, const char *line, size_t len, void *payload);
	void *payload;
};

static int line_cb(const git_diff_delta *delta, const git_diff_hunk *hunk,
                   const git_diff_line *line, void *payload)
{
	struct line_payload *p = payload;
	size_t len = line->content_len;
	(void)delta;
	(void)hunk;
	if (line->origin != GIT_DIFF_LINE_ADDITION && line->origin != GIT_DIFF_LINE_DELETION)
		return 0;
	while (len > 0 && (line->content[len - 1] == '\n' || line->content[len - 1] == '\r'))
		len--;
	return p->cb(line->origin == GIT_DIFF_LINE_ADDITION ? '+' : '-', line->content,
	             len, p->payload);
}

int mc_diff_lines(const char *a, size_t alen, const char *b, size_t blen,
                  int (*cb)(char origin, const char *line, size_t len, void *payload),
                  void *payload)
{
	struct line_payload p = { cb, payload };
	git_diff_options opts;
	int error;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);

	opts.context_lines = 0;
	opts.flags |= GIT_DIFF_FORCE_TEXT;
	error = git_diff_buffers(a, alen, NULL, b, blen, NULL, &opts, NULL, NULL,
	                         NULL, line_cb, &p);
	if (error < 0 && error != GIT_EUSER && git_error_last())
		return mc_git__error("cannot diff");
	return error;
}
