/*
 * migration.h: migrations discovered in a folder, whatever the format.
 *
 * Discovery works on a file list (path + bytes), so the same parser reads
 * the working tree, the index or any commit's tree.
 */
#ifndef MIGCHECK_MIGRATION_H
#define MIGCHECK_MIGRATION_H

#include <stddef.h>
#include "buf.h"
#include "common.h"
#include "report.h"
#include "sql.h"
#include "vec.h"

/* Largest migration file read into memory; bigger ones are findings. */
#define MC_MAX_MIGRATION_SIZE ((size_t)32 * 1024 * 1024)

typedef enum {
	MC_FORMAT_AUTO = 0,
	MC_FORMAT_GOLANG_MIGRATE,
	MC_FORMAT_DBMATE,
	MC_FORMAT_GOOSE,
	MC_FORMAT_SQL_MIGRATE,
	MC_FORMAT_FLYWAY,
	MC_FORMAT_POPX,
	MC_FORMAT_PLAIN,
	MC_FORMAT_SEQUELIZE
} mc_format;

/** @return "golang-migrate", ...; static. */
const char *mc_format_name(mc_format f);
int mc_format_parse(mc_format *out, const char *name);

/** @return the tracking table the format's tool creates by default
 *  ("schema_migrations", "goose_db_version", ...), or NULL (plain, popx,
 *  Sequelize: its runner creates its own); static. */
const char *mc_format_tracking_table(mc_format f);
/**
 * The CREATE TABLE IF NOT EXISTS statement of the tracking table that the
 * format's tool creates before its first migration, with the tool's own
 * columns, for a replay that runs as the tool does.
 * @param table migrations.table (PostgreSQL: schema.name allowed, and the
 *   schema is created first if missing), or NULL for the tool's default
 * @param[out] out the statement, free with mc_free; NULL when the tool
 *   creates none that migcheck knows (see mc_format_tracking_table) or the
 *   dialect is neither postgres nor sqlite
 * @return 0; MC_ERROR (MC_ERROR_INPUT) when the dialect cannot spell table;
 *   MC_ENOMEM
 */
MC_NODISCARD int mc_format_tracking_ddl(char **out,
                                        mc_format f,
                                        mc_dialect dialect,
                                        const char *table);
/**
 * The error for a tracking-table statement (from mc_format_tracking_ddl)
 * that the scratch database refused: the database's, MC_ERROR_DB, naming
 * the statement and the message in mc_error_last; never a migration's.
 * @return MC_ERROR
 */
int mc_format_tracking_failed(const char *sql);

typedef enum {
	MC_MIGRATION_VERSIONED = 0,
	MC_MIGRATION_REPEATABLE, /* flyway R__: meant to change */
	MC_MIGRATION_BASELINE    /* flyway B */
} mc_migration_kind;

enum {
	MC_SCRIPT_NO_TRANSACTION = (1 << 0), /* format or statements say so */
	MC_SCRIPT_IRREVERSIBLE = (1 << 1),   /* -- migcheck:irreversible <reason> */
	MC_SCRIPT_BLANK = (1 << 2),          /* nothing but comments/whitespace */
	MC_SCRIPT_OWN_TRANSACTION = (1 << 3), /* BEGIN/COMMIT inside: run as written */
	MC_SCRIPT_UNREADABLE = (1 << 4) /* unreadable, not UTF-8 or a NUL inside
	                                 * (a malformed finding says why): sql is
	                                 * empty, never run it */
};

/** One direction (up or down) of a migration. */
typedef struct {
	char *path;          /* file holding it, relative to the repo root */
	unsigned line;       /* line in that file where sql starts (1-based) */
	char *sql;           /* the section's text, NUL-terminated */
	size_t len;
	mc_sql_stmts *stmts; /* statement lines are file lines; NULL if not SQL or not parsed */
	unsigned flags;      /* MC_SCRIPT_* */
	char *irreversible_reason;
} mc_script;

typedef struct {
	char *version;        /* as written: "20240101120000", "2.1", "001" */
	char *name;           /* description part of the file name */
	mc_format format;
	mc_migration_kind kind;
	char *dialect;        /* popx: dialect in the file name, else NULL */
	char *language;       /* NULL for SQL; "go", "java", "js" when not SQL */
	int replayable;       /* SQL we can run, or JS run through [runner] */
	mc_script *up;        /* NULL when there is no up */
	mc_script *down;      /* NULL when there is no down */
} mc_migration;

/** A file of a list. One allocation holds it, its path and its data as
 * added: replace data only with mc_file_set_data, never free either. */
typedef struct {
	char *path; /* relative to the repo root, '/'-separated */
	char *data; /* content, NUL-terminated (a NUL inside is possible) */
	size_t len;
	int error;  /* nonzero: unreadable; message in data */
	int own_data; /* data is an allocation of its own (mc_file_set_data) */
} mc_file;

/** A set of files: the input of discovery. Owns its files. */
typedef struct {
	mc_vec files; /* of mc_file* */
} mc_file_list;

MC_NODISCARD int mc_file_list_new(mc_file_list **out);
/** Where path is in l, whose files are in strcmp order of path (as the
 * folder and git readers give them): a binary search; SIZE_MAX when it
 * is not there or path is NULL. */
size_t mc_file_list_find(const mc_file_list *l, const char *path);
/** Replace f's data with data (len bytes and a NUL, from mc_malloc; f
 * owns it from now on). */
void mc_file_set_data(mc_file *f, char *data, size_t len);
/** Add a copy of (path, data, len). */
MC_NODISCARD int mc_file_list_add(mc_file_list *l, const char *path,
                                  const char *data, size_t len);
/** Add an entry that could not be read, with why. */
MC_NODISCARD int mc_file_list_add_error(mc_file_list *l, const char *path,
                                        const char *why);
/**
 * Make f an entry that could not be read because it is size bytes, over
 * MC_MAX_MIGRATION_SIZE: discovery reports it as malformed, "cannot read
 * migration: file is too large (<size> bytes, limit <cap>)", whether the
 * size came from stat() or from a git object's header.
 * @return 0, MC_ENOMEM (f is unchanged)
 */
MC_NODISCARD int mc_file_set_too_large(mc_file *f, unsigned long long size);
/**
 * Make f an entry that could not be read, with why (copied): discovery
 * reports it as malformed, "cannot read migration: <why>".
 * @return 0, MC_ENOMEM (f is unchanged)
 */
MC_NODISCARD int mc_file_set_unreadable(mc_file *f, const char *why);
/**
 * Read one entry of a migrations folder on disk, as the folder listing
 * (mc_file_list_read_dir) does: a directory named like a migration, a
 * FIFO, socket or device, a dangling symbolic link, a link loop, a file
 * over MC_MAX_MIGRATION_SIZE or one that cannot be opened is unreadable,
 * with why. A FIFO is refused by its type and opened without blocking, so
 * it never hangs the reader.
 * @param[out] out the content, when 0 and not probe (emptied first)
 * @param[out] out_why why it cannot be read, when 1; free with mc_free
 * @param full its path on disk
 * @param name its name: a directory is an entry only when named like a
 *   migration
 * @param probe nonzero: open a regular file to see that it can be read,
 *   read nothing and do not apply the size cap
 * @return 0, 1 unreadable, 2 not an entry (a sub-folder not named like a
 *   migration), MC_ENOMEM
 */
MC_NODISCARD int mc_file_read_one(mc_buf *out,
                                  char **out_why,
                                  const char *full,
                                  const char *name,
                                  int probe);
void mc_file_list_free(mc_file_list *l);

/**
 * Read the regular files directly in root/dir (not recursive) into a file
 * list; paths in it are "dir/name". Files that cannot be read (too big,
 * permission, a directory, a symlink loop) are added with error set.
 * @return 0, MC_ENOTFOUND when the folder does not exist, MC_ERROR
 */
MC_NODISCARD int mc_file_list_read_dir(mc_file_list **out, const char *root,
                                       const char *dir);

typedef struct {
	mc_vec items;   /* of mc_migration*, sorted by version */
	mc_format format; /* detected or configured */
	char *dir;
	/* files of the format's shape that no migration took (another
	 * dialect's popx file, a second file for one version and part) */
	size_t unreferenced;
	int borrows; /* mc_migration_list_subset: items belong to another list */
} mc_migration_list;

/** Options of discovery; start from MC_DISCOVER_OPTS_INIT. */
typedef struct {
	mc_format format;   /* MC_FORMAT_AUTO to detect */
	mc_dialect dialect; /* how SQL is split; UNKNOWN picks postgres */
	int require_down;   /* missing or blank down is a missing-down finding */
	int have_runner;    /* [runner] configured: JS migrations are replayable */
	/* the folder's .migcheck declarations (mc_declaration*, config.h), or
	 * NULL: an irreversible one is not missing-down, a skip one is not
	 * not-replayable (roundtrip and drift leave it out) */
	const mc_vec *skip;
	const mc_vec *irreversible;
	/* NULL, or the paths (char*, sorted by strcmp, borrowed) whose
	 * findings are wanted: findings about other files are not made at all
	 * (check looks only at the files a change touches, in a folder of
	 * thousands) */
	const mc_vec *only;
} mc_discover_opts;

#define MC_DISCOVER_OPTS_INIT { MC_FORMAT_AUTO, MC_DIALECT_UNKNOWN, 0, 0, NULL, NULL, NULL }

/**
 * Parse one migrations folder's files. Problems with individual files
 * (format mismatch, no up section, unknown directive, SQL that does not
 * parse, duplicate versions, bad bytes) become findings in report, which
 * may be NULL to ignore them.
 * @param format MC_FORMAT_AUTO to detect
 * @param dialect how SQL is split; MC_DIALECT_UNKNOWN picks postgres
 * @param[out] out free with mc_migration_list_free
 * @return 0 (even with findings), MC_ENOMEM, MC_ERROR
 */
MC_NODISCARD int mc_migration_list_parse(mc_migration_list **out,
                                         const mc_file_list *files,
                                         const char *dir, mc_format format,
                                         mc_dialect dialect,
                                         mc_report *report);
/**
 * Like mc_migration_list_parse, with options (require_down, runner).
 *
 * Findings it adds: malformed (no up section, unknown directive, SQL that
 * does not parse, invalid UTF-8, a NUL byte, an unreadable entry),
 * unknown-file (a file that matches no format; dot files, README*,
 * LICENSE*, CHANGELOG* and files ending in .md or .txt are
 * ignored silently), mixed-formats
 * (files of another format than the folder's are left out of the list),
 * duplicate-version, empty-migration, missing-down (opts->require_down;
 * not for non-SQL, flyway repeatable/baseline, flyway folders without any
 * U undo file, or a down annotated
 * '-- migcheck:irreversible <reason>'), not-replayable (go, java, and js
 * without a runner). A UTF-8 BOM and CRLF line endings are accepted.
 * Ory popx: the file for the configured dialect wins over the generic
 * one; files for other dialects are left out; an empty popx file is a
 * deliberate no-op (BLANK flag, no empty-migration finding).
 * @param opts NULL for defaults
 * @param[out] out free with mc_migration_list_free
 * @return 0 (even with findings), MC_ENOMEM, MC_ERROR
 */
MC_NODISCARD int mc_migration_list_parse_opts(mc_migration_list **out,
                                              const mc_file_list *files,
                                              const char *dir,
                                              const mc_discover_opts *opts,
                                              mc_report *report);

/**
 * The list files would parse to, taken from from (parsed from from_files
 * with the same configured format and dialect) without parsing: when
 * files (sorted by path) is from_files less whole migrations, which is
 * what a deploy point a few migrations behind the change holds. *out
 * borrows from's migrations: it is valid while from is, and
 * mc_migration_list_free frees only the list. *out is NULL when files is
 * not such a subset (a file from_files lacks, one file of a migration
 * without the other, a file no migration of from took): parse files then.
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_migration_list_subset(mc_migration_list **out,
                                          const mc_migration_list *from,
                                          const mc_file_list *from_files,
                                          const mc_file_list *files);

/**
 * Read root/dir with mc_file_list_read_dir and parse it.
 * @param[out] out free with mc_migration_list_free
 * @return 0, MC_ENOTFOUND (no such folder; error set), MC_ENOMEM, MC_ERROR
 */
MC_NODISCARD int mc_migration_list_read_dir(mc_migration_list **out,
                                            const char *root,
                                            const char *dir,
                                            const mc_discover_opts *opts,
                                            mc_report *report);

/**
 * Find the folders under workdir that hold migrations: common places
 * first (db/migrations, migrations, db/migrate, ...), then any folder
 * (depth <= 6, skipping dot folders, node_modules, vendor, build, dist,
 * target) holding a file whose name and content match a format.
 * @param[out] out_dirs appends repo-relative paths (char*, caller frees
 *   each with mc_free); nothing appended when none is found
 * @return 0, MC_ENOMEM, MC_ERROR (workdir unreadable)
 */
MC_NODISCARD int mc_migration_find_dirs(mc_vec *out_dirs, const char *workdir);

/**
 * What a project says about folder dir's dialect, for 'init': the folder's
 * name or a parent's (postgres, postgresql, pg, sqlite, sqlite3, mysql,
 * mariadb); else, from dir up to the root, nearest first, the tools'
 * settings (.sequelizerc's config file, config/config.json|js and
 * config/database.json|js `dialect`, dbconfig.yml `dialect`, flyway.conf
 * and flyway.toml `url` (jdbc:postgresql:, jdbc:sqlite:), .env
 * DATABASE_URL's scheme); else package.json and go.mod dependencies
 * (pg, sqlite3, better-sqlite3, mysql2, mariadb; lib/pq, pgx, go-sqlite3).
 * @param[out] out the dialect; MC_DIALECT_UNKNOWN when what was found
 *   cannot be used (MySQL, or two dialects at one place: why says)
 * @param[out] strong 1 for a name or a tool's setting, 0 for a dependency
 * @param why replaced with the reason, e.g. "server/config/config.js sets
 *   dialect 'sqlite'"
 * @return 0, MC_ENOTFOUND (nothing says; why untouched), MC_ENOMEM
 */
MC_NODISCARD int mc_migration_detect_dialect(mc_dialect *out, int *strong,
                                             mc_buf *why,
                                             const char *workdir,
                                             const char *dir);
/** What migcheck's resident Sequelize runner needs for one folder. */
typedef struct {
	char *app;      /* repo-relative folder of the app ("" the root) */
	char *why;      /* e.g. "server/package.json lists sequelize" */
	mc_vec env;     /* char*: NAME=VALUE for runner.env, e.g. SQLITE_FILE_PATH={path} */
	mc_vec env_why; /* char*: one reason per env entry */
} mc_sequelize_app;

/**
 * The Sequelize app of migrations folder dir, read statically: the nearest
 * level from dir up whose node_modules holds sequelize or whose
 * package.json lists it, as the runner looks; then its sequelize-cli
 * config (.sequelizerc's `config`, else config/config.js, else
 * config/config.json) for the variables it reads for the database:
 * `storage: process.env.NAME` gives NAME={path}; `url: process.env.NAME`
 * and `use_env_variable: 'NAME'` give NAME={url} (not DATABASE_URL, which
 * every runner gets).
 * @param[out] out filled; free with mc_sequelize_app_dispose (also when
 *   MC_ENOTFOUND)
 * @return 0, MC_ENOTFOUND (no app found), MC_ENOMEM
 */
MC_NODISCARD int mc_migration_detect_sequelize(mc_sequelize_app *out,
                                               const char *workdir,
                                               const char *dir);
void mc_sequelize_app_dispose(mc_sequelize_app *a);

/**
 * Whether a source file defines ORM models: Sequelize (sequelize.define or
 * a .define beside DataTypes; a class extending Model with .init and
 * sequelize; sequelize-typescript @Table), TypeORM (@Entity, EntitySchema),
 * Django (a class of models.Model), SQLAlchemy (__tablename__,
 * DeclarativeBase, mapped_column, declarative_base), Prisma (schema.prisma
 * with a model block). Only .js/.ts/.cjs/.mjs, .py and schema.prisma are
 * read; anything else is 0.
 * @param name the file's base name; text its content (NUL-terminated)
 * @param[out] kind what was found (static), e.g. "Django models.Model",
 *   when 1
 * @return 1 or 0
 */
int mc_migration_defines_models(const char *name, const char *text,
                                const char **kind);

/** What one walk of the work tree finds for 'init' (mc_migration_scan_tree). */
typedef struct {
	mc_vec sqlite_files; /* char*: *.db, *.sqlite, *.sqlite3, repo-relative */
	mc_vec model_paths;  /* char*: models.path values, a folder glob or a file */
	mc_vec model_why;    /* char*: the reason for each model path */
	mc_vec notes;        /* char*: folders named models/ left out, and why */
} mc_tree_scan;
#define MC_TREE_SCAN_INIT { MC_VEC_INIT, MC_VEC_INIT, MC_VEC_INIT, MC_VEC_INIT }

/**
 * Walk the work tree (depth <= 8, skipping what mc_migration_find_dirs
 * skips and the migrations folders) for SQLite database files and the
 * model paths: a folder whose source files define ORM models
 * (mc_migration_defines_models) becomes "dir/" plus "**" when it is named
 * models/entities or most of its files (two or more) do, else each such
 * file is one;
 * test folders (test, tests, spec, fixtures, examples, ...) and folders
 * named migrations or seeders are not read for models. At most 20 model
 * paths; the rest is a note.
 * @param[out] out filled (start from MC_TREE_SCAN_INIT); dispose with
 *   mc_tree_scan_dispose, also after an error
 * @param migration_dirs char*: repo-relative folders not entered, or NULL
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_migration_scan_tree(mc_tree_scan *out, const char *workdir,
                                        const mc_vec *migration_dirs);
void mc_tree_scan_dispose(mc_tree_scan *s);

/**
 * Whether a change to a file under models.path can change the models'
 * schema, read from the text alone (check needs no node and no database):
 * for JS/TS, Python and Prisma files, only when one side defines models
 * (mc_migration_defines_models: not an index.js that requires them, not a
 * test or a helper) and something else than comments, whitespace and, in
 * JS/TS, a Joi validation (lines holding "Joi.", and the ".method()" lines
 * and closing brackets continuing one) changed. A side that is absent
 * (NULL: added, deleted) is empty. Files of other languages always count.
 * @param name the file's base name
 * @return 1 or 0; MC_ENOMEM
 */
int mc_migration_models_changed(const char *name, const char *old_text,
                                const char *new_text);

/** What 'init' concludes about one migrations folder (mc_project_guess_run). */
typedef struct {
	char *dir;            /* repo-relative */
	mc_format format;     /* detected, or forced */
	unsigned files;       /* files in it */
	unsigned versioned;   /* versioned migrations */
	unsigned downs;       /* of which have a down (code: assumed) */
	unsigned sqlite_hits, pg_hits; /* dialect-only words in its SQL */
	mc_dialect dialect;   /* its own, else the project's */
	mc_buf why;           /* on what grounds */
	int seq_found;        /* a Sequelize folder whose app was found */
	mc_sequelize_app seq; /* then: for the resident runner */
} mc_guess_folder;

/** What 'init' concludes about the project. */
typedef struct {
	mc_vec folders;      /* mc_guess_folder*: the folders kept, by name */
	mc_vec notes;        /* char*: what was found and why, in order */
	mc_vec runner_notes; /* char*: the Sequelize folders' runner, and why */
	mc_tree_scan scan;   /* SQLite files and model paths */
	mc_format format;    /* the folders' format; AUTO: they differ, or none */
	int require_down;    /* 0 when versioned migrations exist and none has a down */
	mc_dialect dialect;  /* the top-level dialect */
	int per_folder;      /* the folders' dialects differ: a section each */
} mc_project_guess;

typedef struct {
	int given;          /* the folders were named (--dir): keep them all */
	mc_format format;   /* --migration-format, or AUTO */
	mc_dialect dialect; /* --dialect, or UNKNOWN */
} mc_guess_opts;

/**
 * Examine the candidate folders (mc_migration_find_dirs' or --dir's):
 * format, downs, SQL dialect hints; leave out numbered files outside a
 * folder named for migrations and, beside real ones, test and example
 * folders; walk the tree for model paths (mc_migration_scan_tree); the
 * project's format and requireDown; each folder's dialect
 * (mc_migration_detect_dialect, its SQL, then the project's dependencies,
 * config/config.json and SQLite files, else postgres); for each Sequelize
 * folder its app (mc_migration_detect_sequelize). Every decision is a
 * note ("migrations: 'db': 3 goose migrations", "dialect: ..."), the
 * runner's in runner_notes.
 * @param[out] out zeroed by the caller; dispose with mc_project_guess_dispose
 * @param dirs char*: taken (emptied)
 * @param opts NULL for none
 * @return 0; MC_ENOTFOUND (MC_ERROR_CONFIG) when no folder is left;
 *   MC_ENOMEM; MC_ERROR. On error out is disposed.
 */
MC_NODISCARD int mc_project_guess_run(mc_project_guess *out, const char *workdir, mc_vec *dirs,
                                      const mc_guess_opts *opts);
void mc_project_guess_dispose(mc_project_guess *g);

void mc_migration_list_free(mc_migration_list *l);
size_t mc_migration_list_count(const mc_migration_list *l);
const mc_migration *mc_migration_list_get(const mc_migration_list *l,
                                          size_t i);

/** Detect the format of a folder's files; MC_FORMAT_AUTO when none matches. */
mc_format mc_format_detect(const mc_file_list *files);

/** Compare versions numerically: "2" < "10", "1.2" < "1.10", "001" == "1". */
int mc_version_cmp(const char *a, const char *b);

/**
 * What a format's tool records of an applied migration (identity.c; the
 * table in README "Identity"): what makes a rename harmless or a new
 * migration, and whether two files may share a version.
 */
typedef enum {
	/* golang-migrate, goose, dbmate, popx: the version */
	MC_IDENTITY_VERSION = 1,
	/* Flyway: the version, the description and a checksum */
	MC_IDENTITY_VERSION_DESCRIPTION,
	/* sql-migrate, Sequelize: the whole file name */
	MC_IDENTITY_FILE_NAME,
	/* plain: both the version and the file name, the stricter reading */
	MC_IDENTITY_VERSION_AND_FILE_NAME
} mc_identity;

mc_identity mc_format_identity(mc_format f);
/** 1 when the tool refuses, skips or fails a second migration of one
 * version (all but sql-migrate and Sequelize, whose key is the file name). */
int mc_format_unique_versions(mc_format f);
/** 1 when a and b are one version to the tool: numbers for golang-migrate,
 * goose, sql-migrate and plain (001 is 1), 1 is 1.0 for Flyway, the digits
 * as written for dbmate and popx. */
int mc_format_same_version(mc_format f, const char *a, const char *b);
/**
 * Does renaming old_path to new_path keep what the tool records, so that
 * the migration is the same one to a database that ran it? Both names must
 * fit the format with the same part (up, down), kind, language, dialect
 * and options; then the version (golang-migrate, goose, dbmate, popx), the
 * version and the description (Flyway) or the whole file name (sql-migrate,
 * Sequelize, plain) must be the same.
 * @param[out] out 1 when it does
 * @return 0, MC_ENOMEM
 */
MC_NODISCARD int mc_format_rename_keeps_identity(int *out,
                                                 mc_format f,
                                                 const char *old_path,
                                                 const char *new_path);
/** Compare versions as the tool orders them: dbmate and popx compare the
 * digits as strings ("1" after "001", as dbmate sorts file names), the
 * others as mc_version_cmp. */
int mc_format_version_cmp(mc_format f, const char *a, const char *b);
/** The tool's order of two migrations, by version and file (path or base
 * name): sql-migrate puts numbered files first, by number, then by file
 * name; the others compare versions (mc_format_version_cmp). */
int mc_format_order_cmp(mc_format f,
                        const char *va,
                        const char *path_a,
                        const char *vb,
                        const char *path_b);

void mc_migration_free(mc_migration *m);
void mc_script_free(mc_script *s);

#endif
