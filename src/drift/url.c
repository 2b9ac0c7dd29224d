/*
 * url.c: what drift needs to know about a connection string without
 * connecting: the password masked for messages, whether the host is
 * remote and unverified, and drift.ignore glob matching.
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
#include "util/banned.h"

static int is_uri(const char *s)
{
	return !strncmp(s, "postgres://", 11) || !strncmp(s, "postgresql://", 13);
}

static int mask_uri(mc_buf *out, const char *url)
{
	const char *auth = strstr(url, "://") + 3;
	const char *end = auth + strcspn(auth, "/?#");
	const char *at = NULL, *colon;
	const char *q;
	int error;

	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p; /* the last '@' ends the user info */
	if (at && (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL)
		error = mc_buf_put(out, url, (size_t)(colon + 1 - url)) ||
		        mc_buf_puts(out, "****") ||
		        mc_buf_put(out, at, (size_t)(end - at));
	else
		error = mc_buf_put(out, url, (size_t)(end - url));
	if (error)
		return mc_error_set_oom();
	/* the path, then query parameters: password=... */
	q = end + strcspn(end, "?#");
	if (mc_buf_put(out, end, (size_t)(q - end)) < 0)
		return mc_error_set_oom();
	while (*q) {
		const char *next = q + 1 + strcspn(q + 1, "&#");
		if ((*q == '?' || *q == '&') && !strncmp(q + 1, "password=", 9)) {
			if (mc_buf_put(out, q, 10) < 0 || mc_buf_puts(out, "****") < 0)
				return mc_error_set_oom();
		} else if (mc_buf_put(out, q, (size_t)(next - q)) < 0) {
			return mc_error_set_oom();
		}
		q = next;
	}
	return 0;
}

/* keyword = value pairs; values may be '...' with \' and \\ escapes */
static int mask_conninfo(mc_buf *out, const char *s)
{
	const char *p = s;
	while (*p) {
		const char *kw = p, *val;
		size_t kwlen;
		int secret;

		while (*p && !isspace((unsigned char)*p) && *p != '=')
			p++;
		kwlen = (size_t)(p - kw);
		secret = kwlen == 8 && !strncmp(kw, "password", 8);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=') {
			if (mc_buf_put(out, kw, (size_t)(p - kw)) < 0)
				return mc_error_set_oom();
			if (!*p)
				break;
			continue;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		val = p;
		if (*p == '\'') {
			p++;
			while (*p && *p != '\'') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p))
				p++;
		}
		if (mc_buf_put(out, kw, kwlen) < 0 || mc_buf_putc(out, '=') < 0 ||
		    (secret ? mc_buf_puts(out, "****")
		            : mc_buf_put(out, val, (size_t)(p - val))) < 0)
			return mc_error_set_oom();
		while (isspace((unsigned char)*p)) {
			if (mc_buf_putc(out, *p) < 0)
				return mc_error_set_oom();
			p++;
		}
	}
	return 0;
}

int mc_drift_url_mask(mc_buf *out, const char *url)
{
	MC_ASSERT_ARG(out && url);
	mc_buf_clear(out);
	if (mc_buf_puts(out, "") < 0)
		return mc_error_set_oom();
	if (is_uri(url))
		return mask_uri(out, url);
	if (strchr(url, '='))
		return mask_conninfo(out, url);
	return mc_buf_puts(out, url) < 0 ? mc_error_set_oom() : 0;
}

/* Copy the value of key from a URI query or conninfo into buf (size n). */
static int get_param(char *buf, size_t n, const char *url, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

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
	for (p = url; *p;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, key, klen)) {
			const char *q = p + klen;
			while (isspace((unsigned char)*q))
				q++;
			if (*q == '=') {
				size_t l;
				q++;
				while (isspace((unsigned char)*q))
					q++;
				if (*q == '\'') {
					q++;
					l = strcspn(q, "'");
				} else {
					l = strcspn(q, " \t\n");
				}
				if (l >= n)
					l = n - 1;
				memcpy(buf, q, l);
				buf[l] = '\0';
				return 1;
			}
		}
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					p += (*p == '\\' && p[1]) ? 2 : 1;
			}
			if (*p)
				p++;
		}
	}
	return 0;
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
		size_t l = strlen(env) < sizeof(host) - 1 ? strlen(env) : sizeof(host) - 1;
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
		size_t l = strlen(env) < sizeof(mode) - 1 ? strlen(env) : sizeof(mode) - 1;
		memcpy(mode, env, l);
		mode[l] = '\0';
	}
	return strcmp(mode, "verify-full") && strcmp(mode, "verify-ca");
}

int mc_drift_ignore_match(const char *pattern, const char *kind,
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
