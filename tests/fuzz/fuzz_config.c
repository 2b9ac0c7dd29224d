/*
 * fuzz_config.c: libFuzzer target for the .migcheck reader (src/git/
 * config.c): libgit2's config parser, the line finder for messages and
 * every key's validation.
 *
 * data[0] picks what the rest is:
 *   even  the text of a .migcheck file, loaded with mc_config_load_file
 *         (written to a temporary file: libgit2 reads config only from
 *         disk)
 *   odd   "KEY=VALUE" set with mc_config_set, then added again with
 *         mc_config_add (as `--config KEY=VALUE` options do); each is cut
 *         at a NUL
 * Traps when an invariant breaks:
 *   - the result is 0 or MC_ERROR, and an error has a one-line message of
 *     class MC_ERROR_CONFIG (an OS error only when the file vanished);
 *   - a message about scratch.postgres never shows its value (a password);
 *   - a loaded config holds valid values: repo-relative directories
 *     without '..', known format and dialect, severities of known codes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/config.h"
#include "migcheck/errors.h"
#include "migcheck/report.h"
#include "util/banned.h"

#define MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static char tmp_path[4096];
static int tmp_fd = -1;

static void cleanup(void)
{
	if (tmp_fd >= 0) {
		close(tmp_fd);
		unlink(tmp_path);
	}
}

/* One temporary file for the whole run, rewritten for each input. */
static void write_tmp(const uint8_t *data, size_t size)
{
	if (tmp_fd < 0) {
		const char *dir = getenv("TMPDIR");

		if (!dir || !*dir)
			dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
			                                    : "/tmp";
		snprintf(tmp_path, sizeof(tmp_path), "%s/fuzz_config.XXXXXX",
		         dir);
		if ((tmp_fd = mkstemp(tmp_path)) < 0)
			abort();
		atexit(cleanup);
	}
	if (ftruncate(tmp_fd, 0) < 0 ||
	    (size && pwrite(tmp_fd, data, size, 0) != (ssize_t)size))
		abort();
}

static void check_error(int rc, const char *secret)
{
	const mc_error *e = mc_error_last();

	CHECK(rc == MC_ERROR);
	CHECK(e && e->message && e->message[0]);
	CHECK(e->klass == MC_ERROR_CONFIG);
	if (strchr(e->message, '\n')) {
		fprintf(stderr, "config: message of two lines: %s\n",
		        e->message);
		__builtin_trap();
	}
	if (secret && strstr(e->message, secret)) {
		fprintf(stderr, "config: message shows the URL: %s\n",
		        e->message);
		__builtin_trap();
	}
}

static void check_config(const mc_config *c)
{
	CHECK(c->format >= MC_FORMAT_AUTO && c->format <= MC_FORMAT_SEQUELIZE);
	CHECK(c->dialect == MC_DIALECT_UNKNOWN ||
	      c->dialect == MC_DIALECT_POSTGRES ||
	      c->dialect == MC_DIALECT_SQLITE);
	CHECK(c->require_down == 0 || c->require_down == 1);
	for (size_t i = 0; i < c->dirs.len; i++) {
		const char *d = c->dirs.items[i];
		size_t n = strlen(d);

		CHECK(n > 0 && d[0] != '/');
		CHECK(n == 1 || d[n - 1] != '/');
		CHECK(strncmp(d, "./", 2) != 0);
		CHECK(strcmp(d, "..") && strncmp(d, "../", 3) &&
		      !strstr(d, "/../") &&
		      (n < 3 || strcmp(d + n - 3, "/..")));
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(d, c->dirs.items[k]) != 0);
	}
	for (size_t i = 0; i < c->deploy_refs.len; i++)
		CHECK(!strncmp(c->deploy_refs.items[i], "refs/", 5));
	for (size_t i = 0; i < c->severities.len; i++) {
		const mc_severity_override *o = c->severities.items[i];

		CHECK(mc_code_lookup(o->code) != NULL);
		CHECK(mc_config_severity(c, o->code) == o->severity);
	}
}

/* "bad value for 'scratch.postgres': ..." must not quote the value. */
static const char *secret_of(const char *key, const char *value)
{
	static const char fixed[] =
	        "empty value for 'scratch.postgres' bad value for "
	        "'scratch.postgres': expected a postgres:// URL or a libpq "
	        "conninfo such as 'host=/tmp dbname=postgres'";

	if (strcasecmp(key, "scratch.postgres") || strlen(value) < 3 ||
	    strstr(fixed, value))
		return NULL;
	return value;
}

static void fuzz_set(const char *s, size_t len)
{
	char *text = mc_strndup(s, len), *eq;
	mc_config *c = NULL;
	int rc;

	if (!text)
		abort();
	eq = strchr(text, '=');
	if (eq)
		*eq++ = '\0';
	CHECK(mc_config_new(&c) == 0);
	check_config(c);
	rc = mc_config_set(c, text, eq);
	if (rc != 0)
		check_error(rc, eq ? secret_of(text, eq) : NULL);
	/* validation is the same whichever way a value comes in */
	CHECK((mc_config_add(c, text, eq) == 0) == (rc == 0));
	CHECK(mc_config_key_known(text) || rc != 0);
	check_config(c);
	mc_config_free(c);
	mc_free(text);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	mc_config *c = NULL;
	int rc;

	write_tmp(data, size);
	rc = mc_config_load_file(&c, tmp_path, ".migcheck");
	if (rc == 0) {
		CHECK(c != NULL && c->source &&
		      !strcmp(c->source, ".migcheck"));
		check_config(c);
		mc_config_free(c);
	} else {
		CHECK(c == NULL);
		check_error(rc, NULL);
		CHECK(!strncmp(mc_error_last()->message, ".migcheck", 9) ||
		      !strncmp(mc_error_last()->message, "cannot read", 11));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	if (data[0] & 1)
		fuzz_set((const char *)data + 1, size - 1);
	else
		fuzz_file(data + 1, size - 1);
	mc_error_clear();
	return 0;
}
