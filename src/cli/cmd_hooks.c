/*
 * cmd_hooks.c: 'migcheck hooks install|uninstall|show|snippets'.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/hooks.h"
#include "util/banned.h"

static const char usage[] =
	"usage: migcheck hooks install [--force] | uninstall | show <hook> | snippets\n";

static const char help[] =
	"Install or remove migcheck's git hooks: pre-commit (check --staged),\n"
	"commit-msg (the model rule with the message) and pre-push (check each pushed\n"
	"range). Hooks go to core.hooksPath when set, else .git/hooks. A hook already\n"
	"there is kept as <hook>.migcheck-chained and runs first; uninstall restores it.\n\n"
	"  install               install the three hooks; prints what it wrote\n"
	"      --force           replace an old <hook>.migcheck-chained when chaining\n"
	"  uninstall             remove migcheck's hooks, restore chained ones\n"
	"  show <hook>           print the script of a hook\n"
	"  snippets              print set-ups for pre-commit, husky and lefthook\n";

static const char snippets[] =
	"# pre-commit framework (.pre-commit-config.yaml); migcheck must be installed:\n"
	"repos:\n"
	"  - repo: https://github.com/migcheck/migcheck\n"
	"    rev: v" MIGCHECK_VERSION "\n"
	"    hooks:\n"
	"      - id: migcheck\n"
	"      - id: migcheck-commit-msg\n"
	"      - id: migcheck-pre-push\n"
	"# then: pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push\n"
	"\n"
	"# husky (v9): one line per file\n"
	"echo 'migcheck check --staged' > .husky/pre-commit\n"
	"echo 'migcheck -q check --staged --message-file \"$1\"' > .husky/commit-msg\n"
	"echo 'migcheck check --pre-push' > .husky/pre-push\n"
	"\n"
	"# lefthook (lefthook.yml)\n"
	"pre-commit:\n"
	"  commands:\n"
	"    migcheck:\n"
	"      run: migcheck check --staged\n"
	"commit-msg:\n"
	"  commands:\n"
	"    migcheck:\n"
	"      run: migcheck -q check --staged --message-file {1}\n"
	"pre-push:\n"
	"  commands:\n"
	"    migcheck:\n"
	"      run: migcheck check --pre-push\n"
	"      use_stdin: true\n";

int cmd_hooks(int argc, char **argv)
{
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	mc_buf log = MC_BUF_INIT;
	const char *sub;
	struct cli_args a = CLI_ARGS_INIT("hooks", usage, "f", CLI_ARGS_OPERANDS);
	int ch, rc = MC_EXIT_OK, force = 0, error;

	while ((ch = getopt_long(argc, argv, "+f" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			return MC_EXIT_OK;
		case 'f':
			force = 1;
			break;
		default:
			if ((rc = cli_args_opt(&a, ch, optarg, argc, argv)) != 0)
				return rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error("hooks", usage, "missing subcommand (install, uninstall, show, snippets)");
	sub = argv[optind++];
	/* options may follow the subcommand too: 'hooks install --force' */
	while (optind < argc && !strcmp(argv[optind], "--force")) {
		force = 1;
		optind++;
	}
	if (!strcmp(sub, "show")) {
		const char *text = optind < argc ? mc_hook_script_text(argv[optind]) : NULL;
		if (optind >= argc)
			return cli_usage_error("hooks", usage, "'show' needs a hook name (pre-commit, commit-msg, pre-push)");
		if (!text)
			return cli_usage_error("hooks", usage, "unknown hook '%s' (pre-commit, commit-msg, pre-push)",
			                       argv[optind]);
		fputs(text, stdout);
		return MC_EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error("hooks", usage, "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "snippets")) {
		fputs(snippets, stdout);
		return MC_EXIT_OK;
	}
	if (!strcmp(sub, "install"))
		error = mc_hooks_install(&log, mc_cli.repo, force);
	else if (!strcmp(sub, "uninstall"))
		error = mc_hooks_uninstall(&log, mc_cli.repo);
	else
		return cli_usage_error("hooks", usage, "unknown subcommand '%s' (install, uninstall, show, snippets)",
		                       sub);
	fputs(mc_buf_cstr(&log), stdout);
	if (error < 0)
		rc = cli_error_last();
	else if (!strcmp(sub, "install") && !mc_cli.quiet) {
		fputs("\nOther hook managers ('migcheck hooks snippets' prints this again):\n\n", stdout);
		fputs(snippets, stdout);
	}
	mc_buf_dispose(&log);
	return rc;
}
