/*
 * config.h: the .migcheck file, git config migcheck.* and option overrides.
 */
#ifndef MIGCHECK_CONFIG_H
#define MIGCHECK_CONFIG_H

#include "buf.h"
#include "common.h"
#include "migration.h"
#include "report.h"
#include "vec.h"

typedef struct {
	char *code;
	mc_severity severity;
} mc_severity_override;

/** A migration a folder's settings declare: skip or irreversible. */
typedef struct {
	char *target; /* a file name in the folder, or a version */
	char *reason; /* why, as written */
} mc_declaration;

/**
 * The reason of the first declaration of decls (mc_declaration*, may be
 * NULL) that names m: a file name of m (up or down, without its folder) or
 * its version; NULL when none does. Borrowed from decls.
 */
const char *mc_declaration_reason(const mc_vec *decls, const mc_migration *m);

/**
 * [migrations "<dir>"]: the settings of one migrations folder. Each field
 * not set there takes the top-level (default) value.
 */
typedef struct {
	char *dir;            /* repo-relative, normalised */
	mc_format format;     /* when format_set */
	int format_set;
	mc_dialect dialect;   /* when dialect_set (UNKNOWN: detect) */
	int dialect_set;
	int require_down;     /* -1: the default */
	char *table;          /* NULL: the default */
	char *runner_up;      /* NULL: the default */
	char *runner_down;    /* NULL: the default */
	char *runner_tool;    /* runnerTool, NULL: the default */
	mc_vec runner_env;    /* char*: runnerEnv; empty: runner.env */
	mc_vec skip;          /* mc_declaration*: skip = <file|version> <reason> */
	mc_vec irreversible;  /* mc_declaration*: irreversible = ... */
} mc_dir_config;

typedef struct {
	mc_vec dirs;           /* char*: migrations.dir, repo-relative */
	mc_format format;      /* migrations.format (AUTO) */
	mc_dialect dialect;    /* migrations.dialect (UNKNOWN = detect) */
	int require_down;      /* migrations.requireDown (1) */
	char *table;           /* migrations.table or NULL (auto) */
	mc_vec deploy_refs;    /* char*: deploy.ref, globs allowed */
	mc_vec model_paths;    /* char*: models.path globs */
	char *models_pattern;  /* models.pattern (POSIX ERE) or NULL */
	char *models_schema;   /* models.schema or NULL */
	char *models_command;  /* models.command or NULL */
	char *runner_up;       /* runner.up or NULL */
	char *runner_down;     /* runner.down or NULL */
	char *runner_tool;     /* runner.tool ("sequelize", "command") or NULL */
	mc_vec runner_env;     /* char*: runner.env NAME=VALUE, placeholders kept */
	char *scratch_postgres;/* scratch.postgres or NULL */
	mc_vec drift_ignore;   /* char*: drift.ignore globs */
	mc_vec severities;     /* mc_severity_override*: [severity] code = sev */
	mc_vec folders;        /* mc_dir_config*: [migrations "<dir>"] sections */
	char *source;          /* path of the .migcheck read, or NULL */
} mc_config;

typedef struct mc_repo mc_repo;

/**
 * Load .migcheck from the repo root (if present), then the repo's git
 * config migcheck.* keys over it. Unknown keys and bad values are
 * MC_ERROR_CONFIG errors naming file:line.
 * @param[out] out free with mc_config_free
 */
MC_NODISCARD int mc_config_load(mc_config **out, mc_repo *repo);
/** A config with defaults and nothing set; free with mc_config_free. */
MC_NODISCARD int mc_config_new(mc_config **out);
void mc_config_free(mc_config *c);
/** Apply [severity] overrides to a report. */
MC_NODISCARD int mc_config_apply_severities(const mc_config *c, mc_report *r);

/*
 * Keys are "section.key" as in .migcheck ("migrations.dir", "deploy.ref",
 * "severity.missing-down"), case-insensitive; a folder's own settings are
 * "migrations.<dir>.<key>" ([migrations "<dir>"] <key>; the dir keeps its
 * case). The repository's git config
 * carries the same keys under a "migcheck" section with the .migcheck
 * section as subsection: `git config migcheck.migrations.dir db/sql` is
 * [migcheck "migrations"] dir = db/sql. Values set there replace those of
 * .migcheck (for a multi-valued key, the whole list); $MIGCHECK_SCRATCH_URL
 * replaces scratch.postgres; options then go through mc_config_set.
 */

/**
 * Set a key as a command-line option does, validated exactly as the file
 * loader validates it. A multi-valued key (migrations.dir, deploy.ref,
 * models.path, drift.ignore) gets value as its only value.
 * @param key "section.key", e.g. "migrations.dialect"
 * @param value the text as the user wrote it; copied
 * @return 0, or MC_ERROR with an MC_ERROR_CONFIG message such as
 *   "bad value 'mysql' for 'migrations.dialect': expected postgres or sqlite"
 *   (values of scratch.postgres are never quoted: they may hold a password)
 */
MC_NODISCARD int mc_config_set(mc_config *c, const char *key, const char *value);
/** As mc_config_set, but a multi-valued key gets value appended. */
MC_NODISCARD int mc_config_add(mc_config *c, const char *key, const char *value);

/**
 * Load a config file in git-config syntax from path, without any git
 * config overlay or environment (tests, tools). Messages name display
 * (e.g. ".migcheck") and the line.
 * @param[out] out free with mc_config_free
 * @return 0, MC_ENOTFOUND (no such file; nothing set), MC_ERROR
 */
MC_NODISCARD int mc_config_load_file(mc_config **out, const char *path,
                                     const char *display);

/**
 * One folder's effective settings: its [migrations "<dir>"] values over
 * the top-level ones. Pointers borrow from the config.
 */
typedef struct {
	const char *dir;
	mc_format format;
	mc_dialect dialect;       /* UNKNOWN: detect */
	int require_down;
	const char *table;        /* NULL: detected */
	const char *runner_up;    /* NULL: none */
	const char *runner_down;  /* NULL: none */
	const char *runner_tool;  /* runner.tool, NULL: none */
	const mc_vec *runner_env; /* char*: runner.env NAME=VALUE, never NULL */
	const mc_vec *skip;       /* mc_declaration*, never NULL */
	const mc_vec *irreversible;
} mc_dir_settings;

/** Fill out with the settings of folder dir (repo-relative). */
void mc_config_dir_settings(mc_dir_settings *out, const mc_config *c,
                            const char *dir);
/** The [migrations "<dir>"] section of dir, or NULL. */
const mc_dir_config *mc_config_dir_find(const mc_config *c, const char *dir);
/**
 * Discovery options for folder dir: format, dialect, requireDown and
 * whether a runner is configured, from mc_config_dir_settings.
 */
void mc_config_discover_opts(mc_discover_opts *out, const mc_config *c,
                             const char *dir);
/** @return 1 when code migrations can run: runner.up is set, or
 *  runner.tool = sequelize (migcheck's resident runner); c may be NULL */
int mc_config_has_runner(const mc_config *c);
/** @return 1 for runner.tool = sequelize; c may be NULL */
int mc_config_resident_sequelize(const mc_config *c);
/** As mc_config_has_runner, for one folder's settings (its runnerUp). */
int mc_dir_settings_has_runner(const mc_dir_settings *s);
/** As mc_config_resident_sequelize, for one folder's settings. */
int mc_dir_settings_resident_sequelize(const mc_dir_settings *s);

/** @return 1 when key names a known configuration key, else 0. */
int mc_config_key_known(const char *key);

/** @return the severity configured for code, or its registered default. */
mc_severity mc_config_severity(const mc_config *c, const char *code);

/*
 * The key table (src/config/keys.c): every key migcheck reads, in the
 * order init writes them. It validates values, writes init's commented
 * template (mc_config_template) and feeds the docs check
 * ('migcheck --list-config-keys', tests/e2e/t0090-docs.sh).
 */
typedef enum {
	MC_CONFIG_BOOL,        /* true/false, yes/no, on/off, 1/0 */
	MC_CONFIG_ENUM,        /* one of values */
	MC_CONFIG_PATH,        /* relative to the repository root */
	MC_CONFIG_GLOB,        /* a glob of paths or objects */
	MC_CONFIG_REF,         /* a full ref name or glob */
	MC_CONFIG_TABLE,       /* [schema.]table */
	MC_CONFIG_REGEX,       /* POSIX extended */
	MC_CONFIG_COMMAND,     /* a command line, split into words */
	MC_CONFIG_TEMPLATE,    /* a command line with {file}-style placeholders */
	MC_CONFIG_ENV,         /* NAME=VALUE, placeholders in VALUE */
	MC_CONFIG_URL,         /* a postgres:// URL or libpq conninfo */
	MC_CONFIG_SEVERITY,    /* error, warning or off */
	MC_CONFIG_DECLARATION  /* <file or version> <reason> */
} mc_config_kind;

typedef struct {
	/* "section.key" as .migcheck spells it; a folder's own key is
	 * "migrations.<dir>.<key>", a finding's severity "severity.<code>" */
	const char *name;
	int multi;            /* may repeat: the values accumulate */
	mc_config_kind kind;
	const char *values;   /* the allowed values ("auto | postgres | sqlite"), or NULL */
	const char *doc;      /* one line, for the docs */
	const char *init;     /* init's comment above the key; NULL: the one above serves */
	const char *example;  /* init's commented example when it writes no value, or NULL */
	int id;               /* src/config's own */
} mc_config_key;

/** The i-th key of the table, or NULL past its end. */
const mc_config_key *mc_config_key_at(size_t i);
/**
 * The table's entry for key ("migrations.dir", "migrations.db/pg.dialect",
 * "severity.missing-down"; case-insensitive), or NULL when unknown.
 */
const mc_config_key *mc_config_key_find(const char *key);
/** "bool", "enum", "path", ... */
const char *mc_config_kind_name(mc_config_kind kind);

/** One value init writes into the template. */
typedef struct {
	const char *key;     /* a table key: "migrations.dir", "severity.<code>" as
	                        "severity.missing-down"; a folder's key its key part,
	                        "dialect", with dir */
	const char *dir;     /* NULL, or the folder of a [migrations "<dir>"] key */
	const char *value;   /* written quoted as git-config needs it */
	const char *comment; /* NULL: the table's init comment above the key's first
	                        value, none above the others */
} mc_config_init_value;

/**
 * Append init's .migcheck text to out: a header, then every section of the
 * table with its keys in table order, each key with values written as
 * "key = value" (values in the order given) and every other key that has
 * an example as a commented example; the [migrations "<dir>"] sections
 * follow [migrations].
 * @return 0, MC_ENOMEM, MC_ERROR (a key of values is not in the table)
 */
MC_NODISCARD int mc_config_template(mc_buf *out,
                                    const mc_config_init_value *values,
                                    size_t n);

#endif
