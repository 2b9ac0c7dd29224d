/*
 * schema.h: engine-neutral schema snapshots and their diff.
 *
 * A snapshot is a sorted list of objects. Each object has a kind, a name,
 * a parent (the table or view that owns columns, constraints, indexes and
 * triggers; NULL for the rest) and sorted attributes (key -> text value).
 * Names: top-level objects are schema-qualified ("public.users",
 * functions with their argument types: "public.f(integer, text)"); SQLite
 * objects use the schema "main". Children carry their local name
 * ("email") and the parent's qualified name.
 *
 * Snapshots come from mc_db_snapshot (db.h), from mc_snapshot_parse (the
 * text of mc_snapshot_serialize), or are built by hand with
 * mc_snapshot_new / mc_snapshot_add / mc_object_set_attr (models).
 * The diff sees only snapshots.
 */
#ifndef MIGCHECK_SCHEMA_H
#define MIGCHECK_SCHEMA_H

#include <stddef.h>
#include "common.h"
#include "buf.h"

typedef enum {
	MC_OBJ_SCHEMA = 0,
	MC_OBJ_EXTENSION,
	MC_OBJ_TYPE, /* enum, composite or range type */
	MC_OBJ_DOMAIN,
	MC_OBJ_SEQUENCE,
	MC_OBJ_FUNCTION, /* functions, procedures, aggregates */
	MC_OBJ_TABLE,
	MC_OBJ_VIEW,
	MC_OBJ_MATVIEW,
	MC_OBJ_COLUMN,     /* child of a table */
	MC_OBJ_CONSTRAINT, /* child of a table */
	MC_OBJ_INDEX,      /* child of a table or matview */
	MC_OBJ_TRIGGER     /* child of a table or view */
} mc_object_kind;

/** @return "table", "column", "materialized view", ...; static. */
const char *mc_object_kind_name(mc_object_kind k);
/** Parse a name as written by mc_object_kind_name; MC_ENOTFOUND if unknown. */
int mc_object_kind_parse(mc_object_kind *out, const char *name);

enum {
	/* the name was chosen by the server (users_pkey, users_email_key,
	 * sqlite_autoindex_*): drift may match such objects by definition */
	MC_OBJECT_GENERATED_NAME = (1 << 0)
};

typedef struct mc_snapshot mc_snapshot;
typedef struct mc_object mc_object;

/* clang-format off */
/* Attribute keys used by the readers (others may appear):
 *   column:     type, nullable ("true"/"false"), default, identity ("always",
 *               "by default"; SQLite "autoincrement"), generated (PostgreSQL:
 *               the expression; SQLite: "virtual"/"stored"), collation,
 *               ordinal (1-based; ignored by the diff unless
 *               strict_column_order)
 *   constraint: type (primary key, unique, check, foreign key, exclude),
 *               definition (pg_get_constraintdef / rebuilt for SQLite),
 *               deferrable
 *   index:      PostgreSQL: definition (pg_get_indexdef), unique;
 *               SQLite: columns, unique, where
 *   view, materialized view: definition
 *   sequence:   type, start, increment, min, max, cache, cycle, owned_by
 *   type:       kind (enum, composite, range), labels (enum, in order,
 *               comma-separated), attributes (composite), subtype (range)
 *   domain:     type, nullable, default, constraints
 *   function:   kind (function, procedure, aggregate, window), definition
 *   trigger:    definition, enabled (absent when enabled as usual)
 *   extension:  version, schema
 *   table:      kind (partitioned, foreign; absent for plain tables),
 *               partition_key, partition_of, unlogged, row_security
 */
/* clang-format on */

/** What mc_db_snapshot reads. */
typedef struct {
	/* table names left out (unqualified, case-sensitive), NULL-terminated;
	 * NULL: the tracking tables of the migration tools
	 * (mc_snapshot_default_excludes) */
	const char *const *exclude_tables;
	/* extra table names left out in addition to the above; NULL-terminated
	 */
	const char *const *extra_excludes;
} mc_snapshot_opts;

/** @return schema_migrations, goose_db_version, SequelizeMeta,
 *  flyway_schema_history, knex_migrations, knex_migrations_lock,
 *  alembic_version, gorp_migrations, seaql_migrations, schema_version,
 *  NULL; static. */
const char *const *mc_snapshot_default_excludes(void);

/* ---- building ---- */

/** @param[out] out empty snapshot; free with mc_snapshot_free */
MC_NODISCARD int mc_snapshot_new(mc_snapshot **out, mc_dialect engine);
void mc_snapshot_free(mc_snapshot *s);

/**
 * Add an object (copies the strings). Adding an object whose kind, parent
 * and name exist already returns the existing one.
 * @param parent NULL for top-level kinds
 * @param[out] out the object, owned by s (may be NULL)
 */
MC_NODISCARD int mc_snapshot_add(mc_object **out,
                                 mc_snapshot *s,
                                 mc_object_kind kind,
                                 const char *parent,
                                 const char *name);
/** Set (replace) an attribute; value NULL removes it. Copies. */
MC_NODISCARD int
mc_object_set_attr(mc_object *o, const char *key, const char *value);
void mc_object_set_flags(mc_object *o, unsigned flags);

/* ---- reading ---- */

mc_dialect mc_snapshot_engine(const mc_snapshot *s);
/** Objects in canonical order (sorting happens lazily on first read). */
size_t mc_snapshot_count(const mc_snapshot *s);
/** @return the i-th object in canonical order; borrowed from s. */
const mc_object *mc_snapshot_get(const mc_snapshot *s, size_t i);
/** @return the object or NULL; borrowed. parent NULL for top-level. */
const mc_object *mc_snapshot_find(const mc_snapshot *s,
                                  mc_object_kind kind,
                                  const char *parent,
                                  const char *name);

mc_object_kind mc_object_kind_of(const mc_object *o);
/** @return name (qualified for top-level objects); borrowed. */
const char *mc_object_name(const mc_object *o);
/** @return parent's qualified name or NULL; borrowed. */
const char *mc_object_parent(const mc_object *o);
unsigned mc_object_flags(const mc_object *o);
/** @return the attribute's value or NULL; borrowed. */
const char *mc_object_attr(const mc_object *o, const char *key);
size_t mc_object_attr_count(const mc_object *o);
/** The i-th attribute in key order; key/value borrowed. */
void mc_object_attr_at(const mc_object *o,
                       size_t i,
                       const char **key,
                       const char **value);

/**
 * Canonical text: objects in order, each "<kind> <name>" or
 * "<kind> <parent> <name>" (tab-separated fields) then "\t<key>\t<value>"
 * lines; tabs, newlines and backslashes in names and values escaped as
 * \t \n \\. Equal snapshots give equal bytes. Appends to out.
 */
MC_NODISCARD int mc_snapshot_serialize(mc_buf *out, const mc_snapshot *s);
/** Read the text of mc_snapshot_serialize. MC_EPARSE with line on bad input. */
MC_NODISCARD int mc_snapshot_parse(mc_snapshot **out,
                                   const char *text,
                                   size_t len,
                                   mc_dialect engine);

/* ---- diff ---- */

typedef struct {
	int strict_column_order; /* compare the column "ordinal" attribute */
	/* fnmatch globs on qualified names ("public.tmp_*", "public.users.*"
	 * for a table's children); matching objects are skipped;
	 * NULL-terminated */
	const char *const *ignore;
} mc_diff_opts;

typedef enum {
	MC_DIFF_MISSING = 0, /* in expected, not in actual */
	MC_DIFF_UNEXPECTED,  /* in actual, not in expected */
	MC_DIFF_CHANGED      /* in both, attributes differ */
} mc_diff_kind;

/** @return "missing", "unexpected", "changed"; static. */
const char *mc_diff_kind_name(mc_diff_kind k);

typedef struct {
	const char *key;
	const char *expected; /* NULL: attribute absent */
	const char *actual;   /* NULL: attribute absent */
} mc_attr_change;

/** One differing object. Strings are owned by the diff (not the snapshots). */
typedef struct {
	mc_diff_kind kind;
	mc_object_kind object_kind;
	const char *name;              /* as mc_object_name */
	const char *parent;            /* or NULL */
	mc_object_kind parent_kind;    /* meaningful when parent != NULL */
	unsigned flags;                /* MC_OBJECT_* of the object */
	const mc_attr_change *changes; /* MC_DIFF_CHANGED only, in key order */
	size_t nchanges;
} mc_diff_entry;

typedef struct mc_schema_diff mc_schema_diff;

/**
 * Compare two snapshots. Roundtrip passes the snapshot before up as
 * expected and the one after down as actual; drift passes the replayed
 * schema as expected and the live database as actual. Objects whose
 * parent is missing/unexpected are reported only through the parent.
 * @param opts may be NULL
 * @param[out] out free with mc_schema_diff_free; does not borrow from the
 *        snapshots
 */
MC_NODISCARD int mc_snapshot_diff(mc_schema_diff **out,
                                  const mc_snapshot *expected,
                                  const mc_snapshot *actual,
                                  const mc_diff_opts *opts);
size_t mc_schema_diff_count(const mc_schema_diff *d);
/** @return 1 when the snapshots compared equal. */
int mc_schema_diff_empty(const mc_schema_diff *d);
/** @return the i-th entry in canonical object order; borrowed from d. */
const mc_diff_entry *mc_schema_diff_get(const mc_schema_diff *d, size_t i);
void mc_schema_diff_free(mc_schema_diff *d);

/* clang-format off */
/**
 * Human text, one line per missing/unexpected object and per changed
 * attribute, each ending in '\n':
 *
 *     table public.users: missing
 *     table public.users: column email: type text -> character varying(255)
 *     table public.users: index users_email_idx: unexpected
 *
 * Long or multi-line values are shown on one line, shortened around the
 * first difference. Appends to out.
 */
/* clang-format on */
MC_NODISCARD int mc_schema_diff_render_text(mc_buf *out,
                                            const mc_schema_diff *d);
/** Render one entry like mc_schema_diff_render_text (may be several lines). */
MC_NODISCARD int mc_diff_entry_render(mc_buf *out, const mc_diff_entry *e);
/**
 * Append one value as the text shows it: "(none)" for NULL, whitespace
 * runs as one space, and a value longer than 72 characters as a window of
 * 72 starting a little before its first difference from other (NULL: from
 * the start), "..." marking what is cut.
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_diff_value_render(mc_buf *out, const char *v,
                                      const char *other);
/** The object's subject as in the text, "table public.users: column email". */
MC_NODISCARD int mc_diff_entry_subject(mc_buf *out, const mc_diff_entry *e);

#endif
