/*
 * fuzz_trailers.c: libFuzzer target for commit-message trailers and line
 * diffs (src/git/trailers.c): "Migcheck-Skip: <code> <reason>" is read
 * from every commit message the hooks and `check` see.
 *
 * Input: CODE "\n" MESSAGE [ "\0" OTHER ]. CODE (at most 64 bytes) is the
 * finding code looked for, MESSAGE the commit message; OTHER, when there,
 * is diffed line by line against MESSAGE. Traps when an invariant breaks:
 *   - mc_message_skip_reason returns 0; a reason comes only from a
 *     message that names the key and the code, and is trimmed;
 *   - a message diffed against itself has no changed line; against OTHER
 *     no more added lines than OTHER has and removed lines than MESSAGE
 *     has, none ending in a line break.
 */
#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migcheck/alloc.h"
#include "migcheck/changes.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define MAX_INPUT (64 * 1024)
#define MAX_CODE  64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

struct counts {
	size_t added, removed;
};

static int count_line(char origin, const char *line, size_t len, void *payload)
{
	struct counts *c = payload;

	CHECK(origin == '+' || origin == '-');
	CHECK(line != NULL || len == 0);
	CHECK(len == 0 || (line[len - 1] != '\n' && line[len - 1] != '\r'));
	if (origin == '+')
		c->added++;
	else
		c->removed++;
	return 0;
}

/* Lines as a diff counts them: a last line without '\n' counts too. */
static size_t lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	return n + (len > 0 && s[len - 1] != '\n');
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	const char *s = (const char *)data, *nl, *nul;
	char *code, *message, *reason = NULL;
	size_t clen, mlen;
	struct counts c = { 0, 0 };
	int rc;

	if (size > MAX_INPUT)
		return 0;
	if (!initialised) {
		git_libgit2_init();
		initialised = 1;
	}
	nl = memchr(s, '\n', size);
	clen = nl ? (size_t)(nl - s) : size;
	if (clen > MAX_CODE || memchr(s, '\0', clen))
		return 0;
	if ((code = mc_strndup(s, clen)) == NULL)
		abort();
	s += nl ? clen + 1 : clen;
	size -= nl ? clen + 1 : clen;
	nul = memchr(s, '\0', size);
	mlen = nul ? (size_t)(nul - s) : size;
	if ((message = mc_strndup(s, mlen)) == NULL)
		abort();

	rc = mc_message_skip_reason(&reason, message, code);
	CHECK(rc == 0);
	if (reason) {
		size_t rlen = strlen(reason);

		CHECK(find_ci(message, "migcheck-skip") != NULL);
		CHECK(strstr(message, code) != NULL);
		CHECK(rlen == 0 ||
		      (!is_space(reason[0]) && !is_space(reason[rlen - 1])));
		mc_free(reason);
	}

	CHECK(mc_diff_lines(message, mlen, message, mlen, count_line, &c) == 0);
	CHECK(c.added == 0 && c.removed == 0);
	if (nul) {
		const char *other = nul + 1;
		size_t olen = size - mlen - 1;

		CHECK(mc_diff_lines(message, mlen, other, olen, count_line,
		                    &c) == 0);
		CHECK(c.added <= lines(other, olen));
		CHECK(c.removed <= lines(message, mlen));
	}
	mc_free(code);
	mc_free(message);
	mc_error_clear();
	return 0;
}
