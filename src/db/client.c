/*
 * client.c: a database as other programs read it: the [runner] and
 * models.command programs (sequelize-cli, node-postgres, knex, dbmate,
 * psql) get {url}, DATABASE_URL and libpq's PG* variables from here.
 *
 * libpq reads both URIs and conninfo strings; those programs read a URI
 * only, and several of them (sequelize, knex's URL form) only its host
 * and port. PostgreSQL URLs are read with PQconninfoParse and written
 * again as postgresql://user[:password]@host:port/dbname?key=value; a
 * unix-socket directory goes in ?host=/dir with "localhost" in the
 * authority, which libpq and node-postgres read as the socket (and a
 * WHATWG URL parser accepts). SQLite URLs pass unchanged.
 */
#include "migcheck/db.h"

#include <ctype.h>
#include <string.h>
#include <libpq-fe.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

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
		error = put_encoded(b, c->user, "-._~");
		if (!error && c->password)
			error = mc_buf_putc(b, ':') < 0
			                ? MC_ENOMEM
			                : put_encoded(b, c->password, "-._~");
		if (!error)
			error = mc_buf_putc(b, '@');
	}
	if (!error && host) {
		if (c->socket)
			error = mc_buf_puts(b, "localhost");
		else if (strchr(host, ':') && !strchr(host, ','))
			error = mc_buf_printf(b, "[%s]", host); /* IPv6 */
		else
			error = put_encoded(b, host, "-._~,");
	}
	if (!error && c->port && host)
		error = mc_buf_printf(b, ":%s", c->port);
	if (!error)
		error = mc_buf_putc(b, '/');
	if (!error && c->dbname)
		error = put_encoded(b, c->dbname, "-._~");
	{
		char sep = '?';
		if (!error && host && c->socket) {
			error = mc_buf_puts(b, "?host=") < 0
			                ? MC_ENOMEM
			                : put_encoded(b, host, "-._~/");
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
			    (error = put_encoded(b, o->keyword, "-._~")) < 0 ||
			    (error = mc_buf_putc(b, '=')) < 0 ||
			    (error = put_encoded(b, o->val, "-._~/")) < 0)
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
