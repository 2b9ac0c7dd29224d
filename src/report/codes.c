/*
 * codes.c: the registry of finding codes. Config validation, the man page,
 * SARIF rules and the README's code reference all follow this table.
 */
#include "migcheck/report.h"

#include <string.h>

#include "util/banned.h"

static const mc_code_info codes[] = {
	/* discovery and static checks */
	{ "modified-deployed", MC_SEV_ERROR,
	  "the up part of a deployed migration was edited",
	  "revert the edit and add a new migration that makes the change" },
	{ "modified-deployed-down", MC_SEV_ERROR,
	  "only the down part of a deployed migration was edited",
	  "revert it, or set [severity] modified-deployed-down = warning if fixing released down scripts is allowed" },
	{ "whitespace-only-change", MC_SEV_WARNING,
	  "a deployed migration changed only in whitespace or line endings",
	  "revert the change to keep checksums stable (e.g. .gitattributes eol settings)" },
	{ "comment-only-change", MC_SEV_WARNING,
	  "a deployed migration changed only in comments",
	  "harmless to the schema; revert it if your tool checksums files" },
	{ "deleted-deployed", MC_SEV_ERROR,
	  "a deployed migration was deleted",
	  "restore the file; databases still record it as applied" },
	{ "renamed-deployed", MC_SEV_ERROR,
	  "a deployed migration was renamed so that its tool records it as another migration (README: Identity)",
	  "restore the old name; the tool would run it again under the new one" },
	{ "out-of-order", MC_SEV_ERROR,
	  "a new migration's version is not greater than the highest deployed one",
	  "rename the new migration with a version after the latest deployed one" },
	{ "duplicate-version", MC_SEV_ERROR,
	  "two migrations share one version where the tool keys on it (not sql-migrate, Sequelize)",
	  "give one of them a new, higher version" },
	{ "missing-down", MC_SEV_ERROR,
	  "a migration has no down script (migrations.requireDown)",
	  "write the down script; if it cannot exist, declare it in .migcheck ([migrations \"<dir>\"] irreversible = <version> <reason>), or annotate a down not yet released '-- migcheck:irreversible <reason>'" },
	{ "malformed", MC_SEV_ERROR,
	  "a migration file cannot be read as its format says (no up section, unknown directive, SQL that does not parse, bad bytes)",
	  "fix the file at the line shown" },
	{ "empty-migration", MC_SEV_ERROR,
	  "a migration's up part has no statements",
	  "add the statements or delete the file before it is deployed" },
	{ "mixed-formats", MC_SEV_ERROR,
	  "one migrations folder holds files of different formats",
	  "keep one format per folder, or set migrations.format" },
	{ "unknown-file", MC_SEV_WARNING,
	  "a file in the migrations folder matches no migration format",
	  "rename it to the folder's format or move it out of the folder" },
	{ "not-replayable", MC_SEV_WARNING,
	  "a migration is not SQL (e.g. goose .go, Flyway Java) and cannot be replayed",
	  "configure [runner] commands or accept that it is not round-tripped" },
	{ "model-without-migration", MC_SEV_ERROR,
	  "model files changed and no migration was added",
	  "add a migration, or add the trailer 'Migcheck-Skip: model-without-migration <reason>'" },
	/* roundtrip */
	{ "up-failed", MC_SEV_ERROR,
	  "a statement of an up script failed on the scratch database",
	  "fix the statement at the line shown" },
	{ "down-failed", MC_SEV_ERROR,
	  "a statement of a down script failed on the scratch database",
	  "fix the statement at the line shown" },
	{ "down-not-inverse", MC_SEV_ERROR,
	  "after up and down the schema differs from before up",
	  "make the down script undo exactly what up did (see the difference)" },
	{ "up-not-repeatable", MC_SEV_ERROR,
	  "up after down does not give the same schema as the first up",
	  "drop in down everything up creates (types, sequences, indexes)" },
	{ "irreversible", MC_SEV_WARNING,
	  "a migration is annotated irreversible and was not round-tripped",
	  "nothing to do if the reason holds" },
	{ "up-no-effect", MC_SEV_WARNING,
	  "a runner's up changed neither the schema nor the tracking table",
	  "check that runner.up runs the migration it is given ({file}, {name}, {version})" },
	{ "empty-down", MC_SEV_WARNING,
	  "a Sequelize migration's down is an empty function",
	  "write the down, or throw in it to say the migration cannot be reverted" },
	/* drift */
	{ "pending", MC_SEV_WARNING,
	  "a migration in the repository is not applied to the database",
	  "apply it, or ignore if the deploy is on its way" },
	{ "unknown-applied", MC_SEV_ERROR,
	  "the database records a migration the repository does not have",
	  "find the branch it was deployed from and merge it" },
	{ "dirty", MC_SEV_ERROR,
	  "the database records a failed or half-applied migration",
	  "repair the database and the tracking table by hand" },
	{ "drift-missing", MC_SEV_ERROR,
	  "an object the migrations create is missing from the database",
	  "create it, or find who dropped it" },
	{ "drift-unexpected", MC_SEV_ERROR,
	  "the database has an object no migration creates",
	  "write a migration for it, or drop it" },
	{ "drift-dirty", MC_SEV_WARNING,
	  "the database has a change that the migration it records as dirty (half-applied) makes",
	  "finish or revert that migration (golang-migrate: then 'migrate force'); --sql does not undo it" },
	{ "drift-changed", MC_SEV_ERROR,
	  "an object differs between the database and the migrations",
	  "write a migration that makes the change, or revert it in the database" },
	{ "version-mismatch", MC_SEV_WARNING,
	  "the scratch server runs another major version than the target",
	  "point --scratch at a server of the same major version" },
	{ "insecure-connection", MC_SEV_WARNING,
	  "a remote database is reached without certificate verification",
	  "use sslmode=verify-full" },
	/* models */
	{ "model-not-migrated", MC_SEV_ERROR,
	  "the models have an object no migration creates",
	  "write the migration for it" },
	{ "migration-not-modeled", MC_SEV_WARNING,
	  "the migrations create an object no model has",
	  "add it to the models or drop it in a migration" },
	{ "model-mismatch", MC_SEV_ERROR,
	  "a column's type, nullability or default differs between models and migrations",
	  "align the model or write a migration" },
	/* gate */
	{ "step-unavailable", MC_SEV_ERROR,
	  "a step of the gate could not run (no scratch server, database unreachable)",
	  "make the step's database reachable, or pass --skip <step> to release without it" },
	{ NULL, MC_SEV_OFF, NULL, NULL }
};

const mc_code_info *mc_code_all(void)
{
	return codes;
}

const mc_code_info *mc_code_lookup(const char *code)
{
	for (const mc_code_info *c = codes; c->code; c++)
		if (!strcmp(c->code, code))
			return c;
	return NULL;
}
