/*
 * config_internal.h: what src/config/ files share; never included outside it.
 */
#ifndef MIGCHECK_CONFIG_INTERNAL_H
#define MIGCHECK_CONFIG_INTERNAL_H

#include "migcheck/buf.h"
#include "migcheck/config.h"

/* mc_config_key.id: which field a key sets (see apply in config.c). */
enum mc_config__id {
	K_DIR = 0,
	K_FORMAT,
	K_DIALECT,
	K_REQUIRE_DOWN,
	K_TABLE,
	K_DEPLOY_REF,
	K_MODELS_PATH,
	K_MODELS_PATTERN,
	K_MODELS_SCHEMA,
	K_MODELS_COMMAND,
	K_RUNNER_UP,
	K_RUNNER_DOWN,
	K_RUNNER_TOOL,
	K_RUNNER_ENV,
	K_SCRATCH_POSTGRES,
	K_DRIFT_IGNORE,
	K_SEVERITY, /* severity.<code>: matched by prefix */
	/* [migrations "<dir>"] <key>: a folder's own settings */
	K_DIR_FORMAT,
	K_DIR_DIALECT,
	K_DIR_REQUIRE_DOWN,
	K_DIR_TABLE,
	K_DIR_RUNNER_UP,
	K_DIR_RUNNER_DOWN,
	K_DIR_RUNNER_TOOL,
	K_DIR_RUNNER_ENV,
	K_DIR_SKIP,
	K_DIR_IRREVERSIBLE
};

/* "migrations.<dir>.": the prefix of a folder's keys in the table */
#define MC_CONFIG__DIR_PREFIX "migrations.<dir>."

/** 1 when k is a folder's own key ([migrations "<dir>"]). */
int mc_config__key_is_dir(const mc_config_key *k);
/** The key part of k's name: "dir" of "migrations.dir", "format" of a folder's. */
const char *mc_config__key_part(const mc_config_key *k);

/* How a multi-valued key takes a value: as its only one, or appended. */
enum { MC_CONFIG__REPLACE, MC_CONFIG__APPEND };

/**
 * Validate and store one key (validate.c). name is as given
 * ("migrations.dir", any case); prefix is put before it in messages (""
 * or "migcheck.").
 * @return 0, MC_EPARSE with the reason appended to msg (no location),
 *   MC_ENOMEM
 */
int mc_config__apply(mc_config *c, const char *name, const char *value,
                     int mode, const char *prefix, mc_buf *msg);
/** 1 when v is a postgres:// URL or a libpq conninfo. */
int mc_config__valid_pg_url(const char *v);
/** Replace *field with a copy of v. @return 0, MC_ENOMEM */
int mc_config__set_string(char **field, const char *v);

/* mc_vec element destructors (config.c) */
void mc_config__override_free(void *p);
void mc_config__declaration_free(void *p);
void mc_config__dir_config_free(void *p);

#endif
