/*
 * main.c: global options, the command table, and dispatch.
 *
 *   migcheck [-C DIR] [--format F] [--color W] [-q|-v] COMMAND [ARGS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const struct mc_cmd cmds[] = {
	{ "init", cmd_init, MC_CMD_NEED_REPO | MC_CMD_NO_CONFIG, "Detect the migrations and write .migcheck" },
	{ "list", cmd_list, MC_CMD_NEED_REPO, "List the migrations and their state" },
	{ "log", cmd_log, MC_CMD_NEED_REPO | MC_CMD_ALLOW_BARE, "History of each migration from git" },
	{ "check", cmd_check, MC_CMD_NEED_REPO | MC_CMD_ALLOW_BARE, "Static checks on a change to the migrations" },
	{ "roundtrip", cmd_roundtrip, MC_CMD_NEED_REPO, "Up, down, up of each migration on a scratch database" },
	{ "drift", cmd_drift, MC_CMD_NEED_REPO, "Live database against the migrations" },
	{ "models", cmd_models, MC_CMD_NEED_REPO, "The models' schema against the migrations' schema" },
	{ "gate", cmd_gate, MC_CMD_NEED_REPO, "Release gate: check, roundtrip and drift in one report" },
	{ "hooks", cmd_hooks, MC_CMD_NEED_REPO, "Install or remove the git hooks" },
	{ "help", cmd_help, 0, "Show help for a command" },
	{ "version", cmd_version, 0, "Print the version" },
	{ NULL, NULL, 0, NULL }
};

static const char usage[] =
	"usage: migcheck [-C <dir>] [--format <fmt>] [--color <when>] [-q | -v] <command> [<args>]\n";

const struct mc_cmd *cli_commands(void)
{
	return cmds;
}

const struct mc_cmd *cli_find_command(const char *name)
{
	for (const struct mc_cmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void print_help(FILE *f)
{
	fputs(usage, f);
	fputs("Keeps database migrations honest: immutability, ordering, round trips, drift.\n\n"
	      "  -C <dir>              run as if started in <dir>\n"
	      "      --format <fmt>    text (default), json, junit, sarif, github, markdown\n"
	      "      --color <when>    auto (default), always, never\n"
	      "  -q, --quiet           print errors only\n"
	      "  -v, --verbose         print more detail\n"
	      "      --version         print the version\n"
	      "  -h, --help            show this help\n\n"
	      "commands:\n", f);
	for (const struct mc_cmd *c = cmds; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fputs("\n'migcheck help <command>' shows a command's options.\n"
	      "Exit status: 0 clean, 1 error findings, 2 usage or configuration error,\n"
	      "3 environment error (git, database or runner unavailable).\n", f);
}

int cmd_help(int argc, char **argv)
{
	const struct mc_cmd *c;
	char *sub[3];

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_help(stdout);
		return MC_EXIT_OK;
	}
	if ((c = cli_find_command(argv[1])) == NULL)
		return cli_error(MC_EXIT_USAGE,
		                 "'%s' is not a migcheck command; see 'migcheck --help'",
		                 argv[1]);
	if (c->fn == cmd_help) {
		print_help(stdout);
		return MC_EXIT_OK;
	}
	sub[0] = argv[1];
	sub[1] = (char *)"--help";
	sub[2] = NULL;
	cli_getopt_reset();
	return c->fn(2, sub);
}

int cmd_version(int argc MC_UNUSED, char **argv MC_UNUSED)
{
	printf("migcheck %s\n", MIGCHECK_VERSION);
	return MC_EXIT_OK;
}

/*
 * Every configuration key, one a line: name, kind, "multi" or "single",
 * the allowed values ("-" when any) and the doc, tab-separated.
 */
static int list_config_keys(void)
{
	const mc_config_key *k;

	for (size_t i = 0; (k = mc_config_key_at(i)) != NULL; i++)
		printf("%s\t%s\t%s\t%s\t%s\n", k->name,
		       mc_config_kind_name(k->kind), k->multi ? "multi" : "single",
		       k->values ? k->values : "-", k->doc);
	return MC_EXIT_OK;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

static int open_repo(const struct mc_cmd *c)
{
	int error;

	if ((error = mc_repo_open(&mc_cli.repo, ".")) < 0) {
		if (error == MC_ENOTFOUND)
			return cli_error(MC_EXIT_USAGE,
			                 "not a git repository (or any parent): run 'migcheck %s' inside the repository or pass -C <dir>",
			                 c->name);
		return cli_error_last();
	}
	if (!mc_repo_workdir(mc_cli.repo) && !(c->flags & MC_CMD_ALLOW_BARE))
		return cli_error(MC_EXIT_USAGE,
		                 "'migcheck %s' needs a work tree; this repository is bare",
		                 c->name);
	if (c->flags & MC_CMD_NO_CONFIG)
		return 0;
	if (mc_config_load(&mc_cli.config, mc_cli.repo) < 0 ||
	    mc_repo_check_dirs(mc_cli.repo, &mc_cli.config->dirs) < 0)
		return cli_error_last();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		/* hidden: the key table, for tests/e2e/t0090-docs.sh */
		{ "list-config-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mc_cmd *c;
	int ch, rc;

	mc_cli.format = MC_OUTPUT_TEXT;
	mc_cli.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
	               getenv("TERM") && strcmp(getenv("TERM"), "dumb");
	cli_getopt_reset();
	while ((ch = getopt_long(argc, argv, "+C:" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (chdir(optarg) < 0)
				return cli_error(MC_EXIT_USAGE, "cannot change to '%s': %s",
				                 optarg, strerror(errno));
			mc_cli.dir = optarg;
			break;
		case 'h':
			print_help(stdout);
			return MC_EXIT_OK;
		case 'V':
			return cmd_version(0, NULL);
		case 'K':
			return list_config_keys();
		case '?':
			return cli_bad_option("", usage, "C:", argc, argv);
		default:
			if ((rc = cli_common_opt(ch, optarg, "")) != 0)
				return rc;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		fputs("migcheck: no command given; see 'migcheck --help'\n", stderr);
		return MC_EXIT_USAGE;
	}
	if ((c = cli_find_command(argv[optind])) == NULL)
		return cli_error(MC_EXIT_USAGE,
		                 "'%s' is not a migcheck command; see 'migcheck --help'",
		                 argv[optind]);
	argc -= optind;
	argv += optind;

	mc_repo_global_init();
	rc = 0;
	if ((c->flags & MC_CMD_NEED_REPO) && !wants_help(argc, argv))
		rc = open_repo(c);
	if (rc == 0) {
		cli_getopt_reset();
		rc = c->fn(argc, argv);
	}
	mc_config_free(mc_cli.config);
	mc_repo_free(mc_cli.repo);
	mc_error_clear();
	mc_repo_global_shutdown();
	return rc;
}
