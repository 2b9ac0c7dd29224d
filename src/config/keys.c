/*
 * keys.c: the table of configuration keys (see config.h). A key added here
 * is validated by config.c (its id), shows in init's template (template.c)
 * and is checked against README.md and the man page by t0090 through
 * 'migcheck --list-config-keys'.
 */
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "util/banned.h"

#define FORMATS "auto | golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize"
#define DIALECTS "auto | postgres | sqlite"
#define PLACEHOLDERS "{file}, {name}, {version}, {url}, {path}"

static const mc_config_key keys[] = {
	{ "migrations.dir", 1, MC_CONFIG_PATH, NULL,
	  "folder holding the migrations, relative to the repository root; may repeat",
	  "folder holding the migrations, relative to the repository root; may repeat",
	  NULL, K_DIR },
	{ "migrations.format", 0, MC_CONFIG_ENUM, FORMATS,
	  "the migration tool whose file names the folders follow; auto detects it",
	  "golang-migrate | dbmate | goose | sql-migrate | flyway | popx | plain | sequelize | auto",
	  NULL, K_FORMAT },
	{ "migrations.dialect", 0, MC_CONFIG_ENUM, DIALECTS,
	  "how the SQL is parsed and which scratch database replays it; auto detects it",
	  "postgres | sqlite: how the SQL is parsed and which scratch database replays it",
	  NULL, K_DIALECT },
	{ "migrations.requireDown", 0, MC_CONFIG_BOOL, "true | false",
	  "a migration without a down script is a missing-down finding (default true)",
	  "a migration without a down script is a finding", NULL,
	  K_REQUIRE_DOWN },
	{ "migrations.table", 0, MC_CONFIG_TABLE, NULL,
	  "the migration tool's tracking table, when auto-detection is not wanted",
	  "the migration tool's tracking table, when auto-detection is not wanted",
	  "table = schema_migrations", K_TABLE },
	/* [migrations "<dir>"]: one folder's settings over the ones above */
	{ "migrations.<dir>.format", 0, MC_CONFIG_ENUM, FORMATS,
	  "this folder's migrations.format", NULL, NULL, K_DIR_FORMAT },
	{ "migrations.<dir>.dialect", 0, MC_CONFIG_ENUM, DIALECTS,
	  "this folder's migrations.dialect", NULL, NULL, K_DIR_DIALECT },
	{ "migrations.<dir>.requireDown", 0, MC_CONFIG_BOOL, "true | false",
	  "this folder's migrations.requireDown", NULL, NULL,
	  K_DIR_REQUIRE_DOWN },
	{ "migrations.<dir>.table", 0, MC_CONFIG_TABLE, NULL,
	  "this folder's migrations.table", NULL, NULL, K_DIR_TABLE },
	{ "migrations.<dir>.runnerUp", 0, MC_CONFIG_TEMPLATE, NULL,
	  "this folder's runner.up", NULL, NULL, K_DIR_RUNNER_UP },
	{ "migrations.<dir>.runnerDown", 0, MC_CONFIG_TEMPLATE, NULL,
	  "this folder's runner.down", NULL, NULL, K_DIR_RUNNER_DOWN },
	{ "migrations.<dir>.runnerTool", 0, MC_CONFIG_ENUM, "sequelize | command",
	  "this folder's runner.tool", NULL, NULL, K_DIR_RUNNER_TOOL },
	{ "migrations.<dir>.runnerEnv", 1, MC_CONFIG_ENV, NULL,
	  "this folder's runner.env: when set, it replaces runner.env there; may repeat",
	  NULL, NULL, K_DIR_RUNNER_ENV },
	{ "migrations.<dir>.skip", 1, MC_CONFIG_DECLARATION, NULL,
	  "<file or version> <reason>: a migration of the folder roundtrip and drift leave out; may repeat",
	  NULL, NULL, K_DIR_SKIP },
	{ "migrations.<dir>.irreversible", 1, MC_CONFIG_DECLARATION, NULL,
	  "<file or version> <reason>: a migration whose missing or failing down is deliberate; may repeat",
	  NULL, NULL, K_DIR_IRREVERSIBLE },
	{ "deploy.ref", 1, MC_CONFIG_REF, NULL,
	  "a ref whose tree holds what is deployed; may repeat, globs allowed",
	  "a migration whose file is in this ref's tree is deployed and must not change;\n"
	  "\t# may repeat, globs allowed (refs/tags/v*)",
	  "ref = refs/remotes/origin/main", K_DEPLOY_REF },
	{ "models.path", 1, MC_CONFIG_GLOB, NULL,
	  "glob of ORM model files: a change to them with no new migration is a finding; may repeat",
	  "globs of ORM model files: a change to them with no new migration is a finding; may repeat",
	  "path = src/models/**", K_MODELS_PATH },
	{ "models.schema", 0, MC_CONFIG_PATH, NULL,
	  "SQL file with the schema the models describe",
	  "the schema the models describe, as SQL, or a command building it in $DATABASE_URL",
	  "schema = db/schema.sql", K_MODELS_SCHEMA },
	{ "models.command", 0, MC_CONFIG_COMMAND, NULL,
	  "command that builds the models' schema in $DATABASE_URL", NULL,
	  "command = node scripts/sync-models.js", K_MODELS_COMMAND },
	{ "models.pattern", 0, MC_CONFIG_REGEX, NULL,
	  "POSIX extended regex narrowing which changes to models.path files count",
	  "a POSIX extended regex: only changed lines of model files matching it count",
	  "pattern = @Column|@Entity", K_MODELS_PATTERN },
	{ "runner.tool", 0, MC_CONFIG_ENUM, "sequelize | command",
	  "sequelize: migcheck's resident Sequelize runner; command (default): runner.up and runner.down",
	  "how to run migrations that are not SQL: migcheck's own Sequelize runner,",
	  "tool = sequelize", K_RUNNER_TOOL },
	{ "runner.env", 1, MC_CONFIG_ENV, NULL,
	  "NAME=VALUE added to the runner's environment, placeholders substituted; may repeat",
	  "NAME=VALUE added to the runner's environment, placeholders substituted; may repeat",
	  NULL, K_RUNNER_ENV },
	{ "runner.up", 0, MC_CONFIG_TEMPLATE, NULL,
	  "command running a migration that is not SQL; " PLACEHOLDERS " substituted",
	  "or commands, for another tool: " PLACEHOLDERS,
	  "up = npx knex migrate:up {name}.js", K_RUNNER_UP },
	{ "runner.down", 0, MC_CONFIG_TEMPLATE, NULL,
	  "command undoing a migration that is not SQL; placeholders as runner.up",
	  NULL, "down = npx knex migrate:down {name}.js", K_RUNNER_DOWN },
	{ "scratch.postgres", 0, MC_CONFIG_URL, NULL,
	  "PostgreSQL server where scratch databases are created (or $MIGCHECK_SCRATCH_URL)",
	  "PostgreSQL server where scratch databases are created (or $MIGCHECK_SCRATCH_URL)",
	  "postgres = postgres://localhost/postgres", K_SCRATCH_POSTGRES },
	{ "drift.ignore", 1, MC_CONFIG_GLOB, NULL,
	  "objects drift does not report, [kind:]glob; may repeat",
	  "objects 'migcheck drift' does not report: [kind:]glob, e.g. table:public.spatial_ref_sys; may repeat",
	  "ignore = public.audit_*", K_DRIFT_IGNORE },
	{ "severity.<code>", 0, MC_CONFIG_SEVERITY, "error | warning | off",
	  "the severity of a finding code",
	  "change a finding's severity: <code> = error | warning | off",
	  "modified-deployed-down = warning", K_SEVERITY },
};

const mc_config_key *mc_config_key_at(size_t i)
{
	return i < MC_ARRAY_SIZE(keys) ? &keys[i] : NULL;
}

int mc_config__key_is_dir(const mc_config_key *k)
{
	return !strncmp(k->name, MC_CONFIG__DIR_PREFIX,
	                sizeof(MC_CONFIG__DIR_PREFIX) - 1);
}

const char *mc_config__key_part(const mc_config_key *k)
{
	return k->id == K_SEVERITY ? "<code>" : strrchr(k->name, '.') + 1;
}

/* "migrations.<dir>.<key>": the key of a folder's section, or NULL. */
static const mc_config_key *find_dir_key(const char *name)
{
	const char *last = strrchr(name, '.');

	if (strncasecmp(name, "migrations.", 11) || !last ||
	    last < name + 12) /* a subsection of at least one character */
		return NULL;
	for (size_t i = 0; i < MC_ARRAY_SIZE(keys); i++)
		if (mc_config__key_is_dir(&keys[i]) &&
		    !strcasecmp(mc_config__key_part(&keys[i]), last + 1))
			return &keys[i];
	return NULL;
}

const mc_config_key *mc_config_key_find(const char *name)
{
	const char *dot;

	if (!name)
		return NULL;
	for (size_t i = 0; i < MC_ARRAY_SIZE(keys); i++)
		if (keys[i].id != K_SEVERITY && !mc_config__key_is_dir(&keys[i]) &&
		    !strcasecmp(keys[i].name, name))
			return &keys[i];
	if ((dot = strchr(name, '.')) != NULL && strchr(dot + 1, '.'))
		return find_dir_key(name);
	if (!strncasecmp(name, "severity.", 9) && name[9] &&
	    (dot = strchr(name + 9, '.')) == NULL)
		for (size_t i = 0; i < MC_ARRAY_SIZE(keys); i++)
			if (keys[i].id == K_SEVERITY)
				return &keys[i];
	return NULL;
}

const char *mc_config_kind_name(mc_config_kind kind)
{
	static const char *const names[] = {
		"bool",    "enum",     "path",     "glob", "ref",
		"table",   "regex",    "command",  "template",
		"env",     "url",      "severity", "declaration",
	};
	return (size_t)kind < MC_ARRAY_SIZE(names) ? names[kind] : "?";
}
