/*
 * tracking.c: the tracking table a migration tool creates before it runs
 * the first migration of a folder. A replay on a scratch database creates
 * it first too, so that a migration that grants on it, reads it or adds a
 * column to it (bionic-gpt's first dbmate migration grants on
 * schema_migrations) runs as it runs under its own tool. The columns are
 * the tools' own; the table is left out of every snapshot by name.
 */
#include "migcheck/migration.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/sql.h"
#include "util/banned.h"

struct tracker_ddl {
	mc_format format;
	const char *table;    /* the tool's default name */
	const char *postgres; /* columns, PostgreSQL */
	const char *sqlite;   /* columns, SQLite */
};

/* As each tool writes them (golang-migrate database/postgres and sqlite3,
 * dbmate's pkg/driver, goose's dialect queries, sql-migrate through gorp,
 * Flyway's createMetaDataTable.sql). */
static const struct tracker_ddl tools[] = {
	{ MC_FORMAT_GOLANG_MIGRATE, "schema_migrations",
	  "version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL",
	  "version uint64 NOT NULL PRIMARY KEY, dirty bool NOT NULL" },
	{ MC_FORMAT_DBMATE, "schema_migrations",
	  "version varchar(128) PRIMARY KEY",
	  "version varchar(128) PRIMARY KEY" },
	{ MC_FORMAT_GOOSE, "goose_db_version",
	  "id serial NOT NULL PRIMARY KEY, version_id bigint NOT NULL, "
	  "is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now()",
	  "id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL, "
	  "is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now'))" },
	{ MC_FORMAT_SQL_MIGRATE, "gorp_migrations",
	  "id varchar(255) NOT NULL PRIMARY KEY, applied_at timestamp with time zone",
	  "id varchar(255) NOT NULL PRIMARY KEY, applied_at datetime" },
	{ MC_FORMAT_FLYWAY, "flyway_schema_history",
	  "installed_rank integer NOT NULL PRIMARY KEY, version varchar(50), "
	  "description varchar(200) NOT NULL, type varchar(20) NOT NULL, "
	  "script varchar(1000) NOT NULL, checksum integer, "
	  "installed_by varchar(100) NOT NULL, "
	  "installed_on timestamp NOT NULL DEFAULT now(), "
	  "execution_time integer NOT NULL, success boolean NOT NULL",
	  "installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), "
	  "description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, "
	  "script VARCHAR(1000) NOT NULL, checksum INT, "
	  "installed_by VARCHAR(100) NOT NULL, "
	  "installed_on TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "
	  "execution_time INT NOT NULL, success BOOLEAN NOT NULL" },
};

const char *mc_format_tracking_table(mc_format f)
{
	for (size_t i = 0; i < MC_ARRAY_SIZE(tools); i++)
		if (tools[i].format == f)
			return tools[i].table;
	return NULL;
}

int mc_format_tracking_ddl(char **out,
                           mc_format f,
                           mc_dialect dialect,
                           const char *table)
{
	const struct tracker_ddl *t = NULL;
	mc_buf sql = MC_BUF_INIT;
	const char *dot = NULL, *name;
	int error = 0;

	MC_ASSERT_ARG(out);
	*out = NULL;
	for (size_t i = 0; i < MC_ARRAY_SIZE(tools); i++)
		if (tools[i].format == f)
			t = &tools[i];
	if (!t ||
	    (dialect != MC_DIALECT_POSTGRES && dialect != MC_DIALECT_SQLITE))
		return 0;
	if (!table || !*table)
		table = t->table;
	if (dialect == MC_DIALECT_POSTGRES)
		dot = strchr(table, '.');
	name = dot ? dot + 1 : table;
	/* the tool needs the table's schema before its first migration, so
	 * someone made it before the tool ran: so does the replay */
	if (dot &&
	    (mc_buf_puts(&sql, "CREATE SCHEMA IF NOT EXISTS ") < 0 ||
	     (error = mc_sql_quote_ident(&sql, table, (size_t)(dot - table),
	                                 dialect)) < 0 ||
	     mc_buf_puts(&sql, "; ") < 0))
		goto fail;
	if (mc_buf_puts(&sql, "CREATE TABLE IF NOT EXISTS ") < 0)
		goto oom;
	/* a name the dialect cannot spell is an input error (migrations.table)
	 */
	if (dot &&
	    ((error = mc_sql_quote_ident(&sql, table, (size_t)(dot - table),
	                                 dialect)) < 0 ||
	     mc_buf_putc(&sql, '.') < 0))
		goto fail;
	if ((error = mc_sql_quote_ident(&sql, name, strlen(name), dialect)) < 0)
		goto fail;
	if (mc_buf_puts(&sql, " (") < 0 ||
	    mc_buf_puts(&sql, dialect == MC_DIALECT_POSTGRES ? t->postgres
	                                                     : t->sqlite) < 0 ||
	    mc_buf_putc(&sql, ')') < 0)
		goto oom;
	if ((*out = mc_buf_detach(&sql)) != NULL)
		return 0;
oom:
	error = mc_error_set_oom();
fail:
	mc_buf_dispose(&sql);
	return error < 0 ? error : mc_error_set_oom();
}

int mc_format_tracking_failed(const char *sql)
{
	const mc_error *e = mc_error_last();
	return mc_error_set(
	        MC_ERROR_DB,
	        "cannot create the migration tool's tracking table on the scratch database (%s): %s",
	        sql, e && e->message ? e->message : "failed");
}
