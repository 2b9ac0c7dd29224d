/*
 * hooks.h: installing migcheck's git hooks (src/git/hooks.c).
 *
 * Hooks go where git runs them (core.hooksPath, else the common git dir's
 * hooks/). A hook already there is never overwritten: it is kept as
 * <hook>.migcheck-chained and run first by ours; uninstall restores it.
 */
#ifndef MIGCHECK_HOOKS_H
#define MIGCHECK_HOOKS_H

#include "buf.h"
#include "common.h"

typedef struct mc_repo mc_repo;

typedef struct {
	const char *name; /* "pre-commit", "commit-msg", "pre-push" */
	const char *text; /* the script, as in hooks/<name> */
} mc_hook_script;

/** @return the compiled-in scripts, ended by { NULL, NULL }; static. */
const mc_hook_script *mc_hook_scripts(void);
/** @return the script of a hook, or NULL; static. */
const char *mc_hook_script_text(const char *name);

/** Suffix under which an existing hook is kept and chained. */
#define MC_HOOK_CHAINED_SUFFIX ".migcheck-chained"
/** Line that marks a hook as ours. */
#define MC_HOOK_MARKER "# migcheck-hook: "

/**
 * Install every hook. An existing foreign hook is renamed to
 * <hook>.migcheck-chained; when that name is taken too, force replaces it,
 * otherwise nothing is written and MC_ERROR (class MC_ERROR_USAGE) is
 * returned. Our own older hooks are updated in place.
 * @param[out] log one line per hook saying what was written
 */
MC_NODISCARD int mc_hooks_install(mc_buf *log, mc_repo *repo, int force);
/**
 * Remove our hooks and restore the chained ones. Hooks that are not ours
 * are left alone (and said so in log).
 */
MC_NODISCARD int mc_hooks_uninstall(mc_buf *log, mc_repo *repo);

#endif
