/*
 * hook_scripts.c: the text of hooks/pre-commit, commit-msg and pre-push, compiled
 * in so that 'migcheck hooks install' works without the share folder.
 * Keep in sync with hooks/: t5001 compares them byte for byte.
 */
#include "migcheck/hooks.h"

#include <string.h>

#include "util/banned.h"

static const char pre_commit[] =
	"#!/bin/sh\n"
	"# migcheck-hook: pre-commit\n"
	"# Installed by 'migcheck hooks install'. Refuses a commit that edits a\n"
	"# deployed migration, adds one out of order, and the other checks of\n"
	"# 'migcheck check --staged'. Skip once with 'git commit --no-verify'.\n"
	"# A hook that was here before runs first (kept as pre-commit.migcheck-chained).\n"
	"if [ -x \"$0.migcheck-chained\" ]; then\n"
	"\t\"$0.migcheck-chained\" \"$@\" || exit $?\n"
	"fi\n"
	"if [ -n \"${MIGCHECK:-}\" ] && [ -x \"$MIGCHECK\" ]; then\n"
	"\tmc=$MIGCHECK\n"
	"elif command -v migcheck >/dev/null 2>&1; then\n"
	"\tmc=migcheck\n"
	"elif [ -x \"$(dirname \"$0\")/migcheck\" ]; then\n"
	"\tmc=$(dirname \"$0\")/migcheck\n"
	"else\n"
	"\techo \"migcheck: not found on PATH or next to $0; install it with './install.sh' from the migcheck sources (or set MIGCHECK=/path/to/migcheck); skip once with 'git commit --no-verify'\" >&2\n"
	"\texit 1\n"
	"fi\n"
	"exec 1>&2\n"
	"# nothing when all is well; else the findings, each saying how to fix it\n"
	"out=$(\"$mc\" check --staged 2>&1)\n"
	"rc=$?\n"
	"if [ \"$rc\" -ne 0 ] || [ \"$out\" != 'check: 0 errors, 0 warnings' ]; then\n"
	"\tprintf '%s\\n' \"$out\"\n"
	"fi\n"
	"exit \"$rc\"\n";

static const char commit_msg[] =
	"#!/bin/sh\n"
	"# migcheck-hook: commit-msg\n"
	"# Installed by 'migcheck hooks install'. Now that the message exists, checks\n"
	"# that model changes come with a migration or carry the trailer\n"
	"# 'Migcheck-Skip: model-without-migration <reason>'. Skip once with\n"
	"# 'git commit --no-verify'.\n"
	"# A hook that was here before runs first (kept as commit-msg.migcheck-chained).\n"
	"if [ -x \"$0.migcheck-chained\" ]; then\n"
	"\t\"$0.migcheck-chained\" \"$@\" || exit $?\n"
	"fi\n"
	"if [ -n \"${MIGCHECK:-}\" ] && [ -x \"$MIGCHECK\" ]; then\n"
	"\tmc=$MIGCHECK\n"
	"elif command -v migcheck >/dev/null 2>&1; then\n"
	"\tmc=migcheck\n"
	"elif [ -x \"$(dirname \"$0\")/migcheck\" ]; then\n"
	"\tmc=$(dirname \"$0\")/migcheck\n"
	"else\n"
	"\techo \"migcheck: not found on PATH or next to $0; install it with './install.sh' from the migcheck sources (or set MIGCHECK=/path/to/migcheck); skip once with 'git commit --no-verify'\" >&2\n"
	"\texit 1\n"
	"fi\n"
	"exec 1>&2\n"
	"# -q: the pre-commit hook already showed the warnings\n"
	"exec \"$mc\" -q check --staged --message-file \"$1\"\n";

static const char pre_push[] =
	"#!/bin/sh\n"
	"# migcheck-hook: pre-push\n"
	"# Installed by 'migcheck hooks install'. Checks every range being pushed\n"
	"# (read from stdin as git gives it) with 'migcheck check --pre-push'.\n"
	"# Skip once with 'git push --no-verify'.\n"
	"# A hook that was here before runs first (kept as pre-push.migcheck-chained).\n"
	"input=$(cat)\n"
	"if [ -x \"$0.migcheck-chained\" ]; then\n"
	"\tprintf '%s\\n' \"$input\" | \"$0.migcheck-chained\" \"$@\" || exit $?\n"
	"fi\n"
	"if [ -n \"${MIGCHECK:-}\" ] && [ -x \"$MIGCHECK\" ]; then\n"
	"\tmc=$MIGCHECK\n"
	"elif command -v migcheck >/dev/null 2>&1; then\n"
	"\tmc=migcheck\n"
	"elif [ -x \"$(dirname \"$0\")/migcheck\" ]; then\n"
	"\tmc=$(dirname \"$0\")/migcheck\n"
	"else\n"
	"\techo \"migcheck: not found on PATH or next to $0; install it with './install.sh' from the migcheck sources (or set MIGCHECK=/path/to/migcheck); skip once with 'git push --no-verify'\" >&2\n"
	"\texit 1\n"
	"fi\n"
	"# nothing when all is well; else the findings, each saying how to fix it\n"
	"out=$(printf '%s\\n' \"$input\" | \"$mc\" check --pre-push 2>&1)\n"
	"rc=$?\n"
	"if [ \"$rc\" -ne 0 ] || [ \"$out\" != 'check: 0 errors, 0 warnings' ]; then\n"
	"\tprintf '%s\\n' \"$out\" >&2\n"
	"fi\n"
	"exit \"$rc\"\n";

static const mc_hook_script scripts[] = {
	{ "pre-commit", pre_commit },
	{ "commit-msg", commit_msg },
	{ "pre-push", pre_push },
	{ NULL, NULL }
};

const mc_hook_script *mc_hook_scripts(void)
{
	return scripts;
}

const char *mc_hook_script_text(const char *name)
{
	for (const mc_hook_script *s = scripts; s->name; s++)
		if (!strcmp(s->name, name))
			return s->text;
	return NULL;
}
