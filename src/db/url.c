/*
 * url.c: connection strings, read in one place. A database is named by a
 * PostgreSQL URI (postgres://user:pass@host:port/db?k=v), a libpq
 * keyword/value conninfo (host=... password='...'), or a SQLite URL or
 * path (sqlite:///x.db, file:x.db, ./dev.db); anything else with a
 * scheme:// is refused rather than taken for a file name.
 *
 * What is here: which engine a string names (mc_db_url_engine,
 * mc_db__url_check); its passwords, which are never printed
 * (mc_url_next_secret, mc_url_redact, and masking them in libpq's
 * messages); whether it reaches a remote host without certificate
 * verification (mc_db_url_insecure); the URLs migcheck writes (a scratch
 * database on a server, its own cluster's socket and TCP URLs); and the
 * database as other programs read it (mc_db_client_init).
 *
 * Where the parts of a PostgreSQL string matter they are read with
 * libpq's PQconninfoParse, which knows both forms; redaction works on the
 * text as written, so that what is masked is what the user typed.
 */
#include "migcheck/db.h"
#include "driver.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libpq-fe.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

/* ---- which engine ---- */

static int has_prefix(const char *s, const char *p)
{
	return !strncasecmp(s, p, strlen(p));
}

static int is_conninfo(const char *url)
{
	const char *p = url;
	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return *p == '=';
}

mc_dialect mc_db_url_engine(const char *url)
{
	if (!url)
		return MC_DIALECT_SQLITE;
	if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://"))
		return MC_DIALECT_POSTGRES;
	if (has_prefix(url, "sqlite:") || has_prefix(url, "sqlite3:") ||
	    has_prefix(url, "file:"))
		return MC_DIALECT_SQLITE;
	if (is_conninfo(url))
		return MC_DIALECT_POSTGRES;
	return MC_DIALECT_SQLITE;
}


const char *mc_db__url_sqlite_path(const char *url, int *is_uri)
{
	*is_uri = 0;
	if (has_prefix(url, "sqlite3:"))
		url += 8;
	else if (has_prefix(url, "sqlite:"))
		url += 7;
	else if (has_prefix(url, "file:"))
		*is_uri = 1;
	if (!*is_uri && url[0] == '/' && url[1] == '/')
		url += 2;
	return url;
}

const char *mc_db_url_sqlite_file(const char *url)
{
	int is_uri;
	const char *path;
	if (!url || mc_db_url_engine(url) != MC_DIALECT_SQLITE)
		return NULL;
	path = mc_db__url_sqlite_path(url, &is_uri);
	return is_uri || !*path ? NULL : path;
}

/* "mysql://..." must not become a SQLite file of that name */
int mc_db__url_check(const char *url)
{
	const char *p = url;
	char *shown;
	if (mc_db_url_engine(url) == MC_DIALECT_POSTGRES ||
	    has_prefix(url, "sqlite") || has_prefix(url, "file:"))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	       *p == '.')
		p++;
	if (p == url || strncmp(p, "://", 3))
		return 0;
	if (!(shown = mc_db__url_redact_dup(url)))
		return mc_error_set_oom();
	mc_error_set(
	        MC_ERROR_CONFIG,
	        "unsupported database URL '%s': use postgres://, "
	        "postgresql://, a libpq conninfo, sqlite:// or a file path",
	        shown);
	mc_free(shown);
	return MC_ERROR;
}

/* ---- secrets (never printed) ---- */

/* mask [from, to) of url */
static int
put_masked(mc_buf *out, const char *url, size_t from, size_t to, size_t *done)
{
	int error;
	if ((error = mc_buf_put(out, url + *done, from - *done)) < 0 ||
	    (error = mc_buf_puts(out, "****")) < 0)
		return error;
	*done = to;
	return 0;
}

int mc_url_next_secret(const char *url, size_t *pos, size_t *from, size_t *to)
{
	size_t len, i;
	const char *scheme;

	MC_ASSERT_ARG(url && pos && from && to);
	len = strlen(url);
	/* URI userinfo: scheme://user:password@host */
	if (*pos == 0 && (scheme = strstr(url, "://")) != NULL) {
		size_t start = (size_t)(scheme - url) + 3, end = start, at = 0;
		while (end < len && !strchr("/?#", url[end]))
			end++;
		for (i = start; i < end; i++)
			if (url[i] == '@')
				at = i;
		for (i = start; at && i < at; i++)
			if (url[i] == ':') {
				*from = i + 1;
				*to = *pos = at;
				return 1;
			}
	}
	/* password=... in a query string or a conninfo */
	for (i = *pos; i < len; i++) {
		size_t v, e;
		if (strncasecmp(url + i, "password", 8))
			continue;
		if (i > 0 && !strchr(" \t?&;", url[i - 1]))
			continue;
		v = i + 8;
		while (v < len && url[v] == ' ')
			v++;
		if (v >= len || url[v] != '=')
			continue;
		v++;
		while (v < len && url[v] == ' ')
			v++;
		e = v;
		if (e < len && url[e] == '\'') {
			e++;
			while (e < len && url[e] != '\'') {
				if (url[e] == '\\' && e + 1 < len)
					e++;
				e++;
			}
			if (e < len)
				e++;
		} else {
			while (e < len && !strchr(" \t&#", url[e]))
				e++;
		}
		*from = v;
		*to = *pos = e;
		return 1;
	}
	*pos = len;
	return 0;
}

int mc_url_redact(mc_buf *out, const char *url)
{
	size_t pos = 0, from, to, done = 0;
	int error;

	MC_ASSERT_ARG(out && url);
	while (mc_url_next_secret(url, &pos, &from, &to))
		if ((error = put_masked(out, url, from, to, &done)) < 0)
			return error;
	return mc_buf_put(out, url + done, strlen(url) - done);
}

char *mc_db__url_redact_dup(const char *url)
{
	mc_buf b = MC_BUF_INIT;
	if (mc_url_redact(&b, url) < 0 || mc_buf_puts(&b, "") < 0) {
		mc_buf_dispose(&b);
		return NULL;
	}
	return mc_buf_detach(&b);
}

/* replace every copy of url[from, to) in msg by "****" */
static char *mask_span(char *msg, const char *url, size_t from, size_t to)
{
	mc_buf b = MC_BUF_INIT;
	size_t n = to - from;
	const char *p = msg;
	if (!msg || n == 0)
		return msg;
	for (;;) {
		const char *q = p;
		while (*q && strncmp(q, url + from, n))
			q++;
		if (!*q)
			break;
		if (mc_buf_put(&b, p, (size_t)(q - p)) < 0 ||
		    mc_buf_puts(&b, "****") < 0)
			goto oom;
		p = q + n;
	}
	if (mc_buf_puts(&b, p) < 0)
		goto oom;
	mc_free(msg);
	return mc_buf_detach(&b);
oom:
	mc_buf_dispose(&b);
	return msg;
}

/*
 * libpq's messages may quote the password it could not parse (invalid
 * percent-encoded token: "..."): mask every password of the URL in them
 * (mc_url_next_secret), as written, without the quotes of a quoted one.
 */
char *mc_db__url_mask_secrets(char *msg, const char *url)
{
	size_t pos = 0, from, to;

	while (mc_url_next_secret(url, &pos, &from, &to)) {
		if (url[from] == '\'') {
			from++;
			if (to > from && url[to - 1] == '\'')
				to--;
		}
		msg = mask_span(msg, url, from, to);
	}
	return msg;
}


/* ---- remote hosts ---- */

int mc_db__url_host_is_local(const char *h)
{
	return !h || !*h || h[0] == '/' || h[0] == '@' ||
	       !strcmp(h, "localhost") || !strncmp(h, "127.", 4) ||
	       !strcmp(h, "::1");
}

/* the first of a comma-separated list of hosts, cut to fit buf */
static const char *first_host(char *buf, size_t n, const char *hosts)
{
	size_t l;
	if (!hosts)
		return NULL;
	l = strcspn(hosts, ",");
	if (l >= n)
		l = n - 1;
	memcpy(buf, hosts, l);
	buf[l] = '\0';
	return buf;
}

/* the value PQconninfoParse gave keyword, NULL when none or empty */
static const char *option(const PQconninfoOption *opts, const char *keyword)
{
	for (const PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, keyword))
			return o->val && *o->val ? o->val : NULL;
	return NULL;
}

int mc_db_url_insecure(const char *url)
{
	PQconninfoOption *opts;
	const char *host = NULL, *hostaddr = NULL, *mode = NULL, *first;
	char buf[256];
	int insecure;

	if (!url || mc_db_url_engine(url) != MC_DIALECT_POSTGRES)
		return 0;
	/* one libpq cannot read does not connect either: said there */
	if ((opts = PQconninfoParse(url, NULL)) == NULL)
		return 0;
	host = option(opts, "host");
	hostaddr = option(opts, "hostaddr");
	mode = option(opts, "sslmode");
	/* the host as named (a name for the certificate), else the address;
	 * several hosts: judge the first */
	first = first_host(buf, sizeof(buf),
	                   host ? host : hostaddr ? hostaddr : getenv("PGHOST"));
	if (!mode)
		mode = getenv("PGSSLMODE");
	insecure = !mc_db__url_host_is_local(first) &&
	           (!mode || (strcmp(mode, "verify-full") &&
	                      strcmp(mode, "verify-ca")));
	PQconninfoFree(opts);
	return insecure;
}

/* ---- the URLs migcheck writes ---- */

int mc_db__url_put_encoded(mc_buf *b, const char *s, const char *keep)
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

/*
 * The server URL with the database replaced by dbname: in a URI the path,
 * in a conninfo an appended dbname= (libpq takes the last one).
 */
int mc_db__url_with_dbname(char **out,
                           const char *server,
                           const char *dbname)
{
	mc_buf b = MC_BUF_INIT;
	const char *scheme = strstr(server, "://");
	int error;

	*out = NULL;
	if (scheme && mc_db_url_engine(server) == MC_DIALECT_POSTGRES) {
		const char *host = scheme + 3, *end = host, *rest;
		while (*end && *end != '/' && *end != '?' && *end != '#')
			end++;
		rest = end;
		if (*rest == '/')
			while (*rest && *rest != '?' && *rest != '#')
				rest++;
		error = mc_buf_put(&b, server, (size_t)(end - server));
		if (error >= 0)
			error = mc_buf_printf(&b, "/%s%s", dbname, rest);
	} else {
		error = mc_buf_printf(&b, "%s dbname=%s", server, dbname);
	}
	if (error < 0) {
		mc_buf_dispose(&b);
		return error;
	}
	*out = mc_buf_detach(&b);
	return 0;
}

int mc_db__url_socket(char **out, const char *dir, int port, const char *dbname)
{
	mc_buf b = MC_BUF_INIT;
	int error;

	*out = NULL;
	/* "localhost" keeps the URI valid for WHATWG parsers; the host
	 * parameter (the socket directory) overrides it for libpq */
	if ((error = mc_buf_printf(&b, "postgresql://postgres@localhost/%s?host=",
	                           dbname)) < 0 ||
	    (error = mc_db__url_put_encoded(&b, dir, "/-._~")) < 0 ||
	    (error = mc_buf_printf(&b, "&port=%d", port)) < 0) {
		mc_buf_dispose(&b);
		return error;
	}
	*out = mc_buf_detach(&b);
	return 0;
}

/* ---- the database as other programs read it ---- */

/*
 * The [runner] and models.command programs (sequelize-cli, node-postgres,
 * knex, dbmate, psql) get {url}, DATABASE_URL and libpq's PG* variables
 * from here. libpq reads both URIs and conninfo strings; those programs
 * read a URI only, and several of them (sequelize, knex's URL form) only
 * its host and port. PostgreSQL URLs are read with PQconninfoParse and
 * written again as postgresql://user[:password]@host:port/dbname?key=value;
 * a unix-socket directory goes in ?host=/dir with "localhost" in the
 * authority, which libpq and node-postgres read as the socket (and a
 * WHATWG URL parser accepts). SQLite URLs pass unchanged.
 */

void mc_db_client_dispose(mc_db_client *c)
{
	if (!c)
		return;
	mc_free(c->url);
	mc_free(c->host);
	mc_free(c->port);
	mc_free(c->user);
	mc_free(c->dbname);
	mc_free(c->password);
	memset(c, 0, sizeof(*c));
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (!s || !*s)
		return 0;
	return (*out = mc_strdup(s)) ? 0 : MC_ENOMEM;
}

/* the keywords that go in the URI's authority and path, not its query */
static int in_authority(const char *k)
{
	return !strcmp(k, "host") || !strcmp(k, "hostaddr") ||
	       !strcmp(k, "port") || !strcmp(k, "user") ||
	       !strcmp(k, "password") || !strcmp(k, "dbname");
}

static int build_uri(mc_buf *b, const mc_db_client *c, PQconninfoOption *opts)
{
	const char *host = c->host;
	int error = mc_buf_puts(b, "postgresql://");

	if (!error && c->user) {
		error = mc_db__url_put_encoded(b, c->user, "-._~");
		if (!error && c->password)
			error = mc_buf_putc(b, ':') < 0
			                ? MC_ENOMEM
			                : mc_db__url_put_encoded(b, c->password, "-._~");
		if (!error)
			error = mc_buf_putc(b, '@');
	}
	if (!error && host) {
		if (c->socket)
			error = mc_buf_puts(b, "localhost");
		else if (strchr(host, ':') && !strchr(host, ','))
			error = mc_buf_printf(b, "[%s]", host); /* IPv6 */
		else
			error = mc_db__url_put_encoded(b, host, "-._~,");
	}
	if (!error && c->port && host)
		error = mc_buf_printf(b, ":%s", c->port);
	if (!error)
		error = mc_buf_putc(b, '/');
	if (!error && c->dbname)
		error = mc_db__url_put_encoded(b, c->dbname, "-._~");
	{
		char sep = '?';
		if (!error && host && c->socket) {
			error = mc_buf_puts(b, "?host=") < 0
			                ? MC_ENOMEM
			                : mc_db__url_put_encoded(b, host, "-._~/");
			sep = '&';
		}
		/* no host: a port in the authority would be "u@:5432",
		 * which WHATWG parsers refuse */
		if (!error && c->port && !host) {
			error = mc_buf_printf(b, "%cport=%s", sep, c->port);
			sep = '&';
		}
		for (PQconninfoOption *o = opts; !error && o->keyword; o++) {
			if (!o->val || in_authority(o->keyword))
				continue;
			if ((error = mc_buf_putc(b, sep)) < 0 ||
			    (error = mc_db__url_put_encoded(b, o->keyword, "-._~")) < 0 ||
			    (error = mc_buf_putc(b, '=')) < 0 ||
			    (error = mc_db__url_put_encoded(b, o->val, "-._~/")) < 0)
				break;
			sep = '&';
		}
	}
	return error < 0 ? MC_ENOMEM : 0;
}

int mc_db_client_init(mc_db_client *out, const char *url)
{
	PQconninfoOption *opts = NULL;
	mc_buf b = MC_BUF_INIT;
	char *errmsg = NULL;
	const char *host = NULL, *hostaddr = NULL;
	int error = 0;

	MC_ASSERT_ARG(out && url);
	memset(out, 0, sizeof(*out));
	if (mc_db_url_engine(url) != MC_DIALECT_POSTGRES ||
	    !(opts = PQconninfoParse(url, &errmsg))) {
		/* SQLite, or a URL libpq cannot read either: as it is (the
		 * connection itself says what is wrong with it) */
		if (errmsg)
			PQfreemem(errmsg);
		if (!(out->url = mc_strdup(url)))
			return mc_error_set_oom();
		return 0;
	}
	out->postgres = 1;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		char **field = NULL;
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "host"))
			host = o->val;
		else if (!strcmp(o->keyword, "hostaddr"))
			hostaddr = o->val;
		else if (!strcmp(o->keyword, "port"))
			field = &out->port;
		else if (!strcmp(o->keyword, "user"))
			field = &out->user;
		else if (!strcmp(o->keyword, "password"))
			field = &out->password;
		else if (!strcmp(o->keyword, "dbname"))
			field = &out->dbname;
		if (field && (error = dup_or_null(field, o->val)) < 0)
			goto done;
	}
	/* hostaddr is where libpq connects; host then only names it */
	if ((error = dup_or_null(&out->host,
	                         hostaddr && *hostaddr ? hostaddr : host)) < 0)
		goto done;
	/* no host is libpq's default: its unix socket directory */
	out->socket = !out->host || out->host[0] == '/' || out->host[0] == '@';
	if ((error = build_uri(&b, out, opts)) < 0)
		goto done;
	out->url = mc_buf_detach(&b);
done:
	PQconninfoFree(opts);
	mc_buf_dispose(&b);
	if (error < 0) {
		mc_db_client_dispose(out);
		return mc_error_set_oom();
	}
	return 0;
}
