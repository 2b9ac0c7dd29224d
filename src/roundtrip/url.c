/*
 * url.c: the scratch database as a URL for [runner] commands.
 *
 * Migration tools (sequelize-cli, node-postgres, dbmate) read
 * DATABASE_URL as a URI, while a scratch server may be configured as a
 * libpq conninfo ("host=/run/pg port=5432 dbname=x"). A conninfo is turned
 * into postgresql://user:password@host:port/dbname?key=value, with a
 * unix-socket directory as ?host=/dir, which libpq and node-postgres
 * both accept. URIs and SQLite URLs pass unchanged.
 */
#include "roundtrip_internal.h"

#include <ctype.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define NKEYS 32

struct kv {
	char *key;
	char *value;
};

static int put_encoded(mc_buf *b, const char *s, const char *keep)
{
	int error = 0;
	for (; *s && error >= 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr(keep, c))
			error = mc_buf_putc(b, (char)c);
		else
			error = mc_buf_printf(b, "%%%02X", c);
	}
	return error;
}

/* Parse "k=v k='v w' ..."; later keys replace earlier ones. */
static int parse_conninfo(struct kv *kv, size_t *n, const char *s)
{
	mc_buf key = MC_BUF_INIT, val = MC_BUF_INIT;
	int error = 0;

	*n = 0;
	while (*s && !error) {
		size_t i;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		mc_buf_clear(&key);
		mc_buf_clear(&val);
		while (*s && *s != '=' && !isspace((unsigned char)*s) && !error)
			error = mc_buf_putc(&key, *s++);
		if (error)
			break;
		while (isspace((unsigned char)*s))
			s++;
		if (*s != '=' || !key.size) {
			error = MC_EPARSE;
			break;
		}
		s++;
		while (isspace((unsigned char)*s))
			s++;
		if ((error = mc_buf_puts(&val, "")) < 0)
			break;
		if (*s == '\'') {
			for (s++; *s && *s != '\'' && !error; s++) {
				if (*s == '\\' && s[1])
					s++;
				error = mc_buf_putc(&val, *s);
			}
			if (*s != '\'') {
				error = error ? error : MC_EPARSE;
				break;
			}
			s++;
		} else {
			for (; *s && !isspace((unsigned char)*s) && !error; s++) {
				if (*s == '\\' && s[1])
					s++;
				error = mc_buf_putc(&val, *s);
			}
		}
		if (error)
			break;
		for (i = 0; i < *n; i++)
			if (!strcmp(kv[i].key, key.ptr))
				break;
		if (i == *n) {
			if (*n == NKEYS) {
				error = MC_EPARSE;
				break;
			}
			kv[i].key = mc_buf_detach(&key);
			kv[i].value = NULL;
			(*n)++;
		}
		mc_free(kv[i].value);
		kv[i].value = mc_buf_detach(&val);
		if (!kv[i].key || !kv[i].value)
			error = MC_ENOMEM;
	}
	mc_buf_dispose(&key);
	mc_buf_dispose(&val);
	return error;
}

static const char *get(struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

int mc_roundtrip__runner_url(char **out, const char *url)
{
	struct kv kv[NKEYS];
	mc_buf b = MC_BUF_INIT;
	const char *user, *pass, *host, *port, *db;
	size_t n = 0, i;
	int error, first = 1, tcp;

	*out = NULL;
	if (!url)
		return 0;
	if (!strchr(url, '=') || strstr(url, "://") || !strncmp(url, "sqlite:", 7) ||
	    !strncmp(url, "file:", 5)) {
		*out = mc_strdup(url);
		return *out ? 0 : mc_error_set_oom();
	}
	memset(kv, 0, sizeof(kv));
	if ((error = parse_conninfo(kv, &n, url)) < 0) {
		if (error == MC_EPARSE) {
			/* not a conninfo we understand: hand it on as it is */
			error = (*out = mc_strdup(url)) ? 0 : mc_error_set_oom();
		} else {
			error = mc_error_set_oom();
		}
		goto done;
	}
	user = get(kv, n, "user");
	pass = get(kv, n, "password");
	host = get(kv, n, "host");
	port = get(kv, n, "port");
	db = get(kv, n, "dbname");
	error = mc_buf_puts(&b, "postgresql://");
	if (!error && user) {
		error = put_encoded(&b, user, "-._~");
		if (!error && pass)
			error = mc_buf_putc(&b, ':') < 0 ? MC_ENOMEM :
			        put_encoded(&b, pass, "-._~");
		if (!error)
			error = mc_buf_putc(&b, '@');
	}
	if (!error && host && host[0] != '/')
		error = put_encoded(&b, host, "-._~");
	/* "postgresql://u@:5432/db" is not a valid URL for node: without a
	 * network host the port goes into the query, next to ?host=/dir */
	tcp = host && host[0] != '/';
	if (!error && port && tcp)
		error = mc_buf_printf(&b, ":%s", port);
	if (!error)
		error = mc_buf_putc(&b, '/');
	if (!error && db)
		error = put_encoded(&b, db, "-._~");
	for (i = 0; i < n && !error; i++) {
		const char *k = kv[i].key;
		if (!strcmp(k, "user") || !strcmp(k, "password") ||
		    (!strcmp(k, "port") && tcp) || !strcmp(k, "dbname") ||
		    (!strcmp(k, "host") && kv[i].value[0] != '/'))
			continue;
		if ((error = mc_buf_putc(&b, first ? '?' : '&')) < 0 ||
		    (error = put_encoded(&b, k, "-._~")) < 0 ||
		    (error = mc_buf_putc(&b, '=')) < 0 ||
		    (error = put_encoded(&b, kv[i].value, "-._~/")) < 0)
			break;
		first = 0;
	}
	if (error) {
		error = mc_error_set_oom();
		goto done;
	}
	*out = mc_buf_detach(&b);
done:
	for (i = 0; i < n; i++) {
		mc_free(kv[i].key);
		mc_free(kv[i].value);
	}
	mc_buf_dispose(&b);
	return error;
}
