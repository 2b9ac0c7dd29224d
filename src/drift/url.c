/*
 * url.c: what drift needs to know about a connection string without
 * connecting: whether the host is remote and unverified (passwords are
 * masked by the db module's mc_url_redact); and drift.ignore globs.
 *
 * Both libpq forms are read: URIs (postgres://user:pass@host:port/db?k=v)
 * and keyword/value conninfo (host=... password='...').
 */
#include "migcheck/drift.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "drift_internal.h"
#include "util/banned.h"

static int is_uri(const char *s)
{
	return !strncmp(s, "postgres://", 11) ||
	       !strncmp(s, "postgresql://", 13);
}

/* Copy the value of key from a URI query or conninfo into buf (size n). */
static int get_param(char *buf, size_t n, const char *url, const char *key)
{
	size_t klen = strlen(key);
	const char *p;
	int found;

	if (is_uri(url)) {
		p = strchr(url, '?');
		while (p && *p) {
			p++;
			if (!strncmp(p, key, klen) && p[klen] == '=') {
				size_t l = strcspn(p + klen + 1, "&#");
				if (l >= n)
					l = n - 1;
				memcpy(buf, p + klen + 1, l);
				buf[l] = '\0';
				return 1;
			}
			p = strchr(p, '&');
		}
		return 0;
	}
	/* conninfo: keyword = value pairs, as libpq reads them; the last
	 * occurrence of a keyword wins */
	found = 0;
	for (p = url; *p;) {
		const char *kw;
		size_t kwl, l = 0;
		int match, quoted;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		kw = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		kwl = (size_t)(p - kw);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue; /* not a pair: skip the word */
		p++;
		while (isspace((unsigned char)*p))
			p++;
		match = kwl == klen && !strncmp(kw, key, klen);
		quoted = *p == '\'';
		if (quoted)
			p++;
		while (*p &&
		       (quoted ? *p != '\'' : !isspace((unsigned char)*p))) {
			if (*p == '\\' && p[1])
				p++;
			if (match && l + 1 < n)
				buf[l++] = *p;
			p++;
		}
		if (quoted && *p)
			p++;
		if (match) {
			buf[l] = '\0';
			found = 1;
		}
	}
	return found;
}

/* The host part of a URI: "" when absent. */
static void uri_host(char *buf, size_t n, const char *url)
{
	const char *auth = strstr(url, "://") + 3;
	const char *end = auth + strcspn(auth, "/?#");
	const char *h = auth, *he;
	size_t l;

	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			h = p + 1;
	if (*h == '[') {
		he = memchr(h, ']', (size_t)(end - h));
		h++;
		he = he ? he : end;
	} else {
		he = memchr(h, ':', (size_t)(end - h));
		he = he ? he : end;
		/* several hosts: judge the first */
		{
			const char *comma = memchr(h, ',', (size_t)(he - h));
			if (comma)
				he = comma;
		}
	}
	l = (size_t)(he - h);
	if (l >= n)
		l = n - 1;
	memcpy(buf, h, l);
	buf[l] = '\0';
}

static int is_local_host(const char *h)
{
	return !*h || h[0] == '/' || h[0] == '@' || !strcmp(h, "localhost") ||
	       !strncmp(h, "127.", 4) || !strcmp(h, "::1") ||
	       !strncmp(h, "%2F", 3) || !strncmp(h, "%2f", 3);
}

int mc_drift_url_insecure(const char *url)
{
	char host[256] = "", mode[64] = "";
	const char *env;

	if (!url || !strncmp(url, "sqlite:", 7))
		return 0;
	if (is_uri(url)) {
		uri_host(host, sizeof(host), url);
		if (!*host)
			get_param(host, sizeof(host), url, "host");
	} else if (strchr(url, '=')) {
		if (!get_param(host, sizeof(host), url, "host"))
			get_param(host, sizeof(host), url, "hostaddr");
	} else {
		return 0; /* a path: SQLite */
	}
	if (!*host && (env = getenv("PGHOST")) != NULL) {
		size_t l = strlen(env) < sizeof(host) - 1 ? strlen(env)
		                                          : sizeof(host) - 1;
		memcpy(host, env, l);
		host[l] = '\0';
	}
	{
		char *comma = strchr(host, ',');
		if (comma)
			*comma = '\0';
	}
	if (is_local_host(host))
		return 0;
	if (!get_param(mode, sizeof(mode), url, "sslmode") &&
	    (env = getenv("PGSSLMODE")) != NULL) {
		size_t l = strlen(env) < sizeof(mode) - 1 ? strlen(env)
		                                          : sizeof(mode) - 1;
		memcpy(mode, env, l);
		mode[l] = '\0';
	}
	return strcmp(mode, "verify-full") && strcmp(mode, "verify-ca");
}

int mc_drift_ignore_match(const char *pattern,
                          const char *kind,
                          const char *name)
{
	const char *colon;

	if (!pattern || !name)
		return 0;
	if ((colon = strchr(pattern, ':')) != NULL) {
		size_t kl = (size_t)(colon - pattern);
		char k[64];
		if (kl >= sizeof(k))
			return 0;
		memcpy(k, pattern, kl);
		k[kl] = '\0';
		if (!kind || fnmatch(k, kind, 0))
			return 0;
		pattern = colon + 1;
	}
	if (!fnmatch(pattern, name, 0))
		return 1;
	/* "users" also matches "public.users" */
	if (!strchr(pattern, '.')) {
		const char *dot = strrchr(name, '.');
		if (dot && !fnmatch(pattern, dot + 1, 0))
			return 1;
	}
	return 0;
}
