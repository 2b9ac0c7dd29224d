/*
 * cmd.h: the command table's entry points and what the CLI shares between
 * commands. Only src/cli/ prints for the user or exits.
 */
#ifndef MIGCHECK_CLI_CMD_H
#define MIGCHECK_CLI_CMD_H

#include <getopt.h>

#include "migcheck/common.h"
#include "migcheck/config.h"
#include "migcheck/project.h"
#include "migcheck/repo.h"
#include "migcheck/report.h"
#include "exit.h"

enum {
	MC_CMD_NEED_REPO = (1 << 0), /* open the repo and load config first */
	MC_CMD_ALLOW_BARE = (1 << 1), /* a bare repository is acceptable */
	MC_CMD_NO_CONFIG = (1 << 2)   /* open the repo but do not load config (init) */
};

struct mc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *summary;
};

/* State from the global options, set up by main before a command runs. */
struct mc_cli {
	const char *dir;         /* -C DIR or NULL */
	mc_output_format format; /* --format */
	int format_set;
	int color;               /* resolved: 1 = emit ANSI colours */
	int quiet, verbose;
	mc_repo *repo;           /* opened when MC_CMD_NEED_REPO */
	mc_config *config;       /* loaded when MC_CMD_NEED_REPO */
};

extern struct mc_cli mc_cli;

/* Long options every command accepts after its name, too. */
enum {
	MC_OPT_FORMAT = 1000,
	MC_OPT_COLOR,
	MC_OPT_HELP,
	MC_OPT_DIR /* --dir, of the commands that take it */
};
#define MC_DIR_LONGOPT { "dir", required_argument, NULL, MC_OPT_DIR }
#define MC_COMMON_LONGOPTS                                            \
	{ "format", required_argument, NULL, MC_OPT_FORMAT },         \
	{ "color", required_argument, NULL, MC_OPT_COLOR },           \
	{ "quiet", no_argument, NULL, 'q' },                          \
	{ "verbose", no_argument, NULL, 'v' },                        \
	{ "help", no_argument, NULL, 'h' }
#define MC_COMMON_SHORTOPTS "qvh"
#define MC_COMMON_HELP                                                              \
	"      --format <fmt>    text (default), json, junit, sarif, github, markdown\n" \
	"      --color <when>    auto (default), always, never\n"                      \
	"  -q, --quiet           print errors only\n"                                  \
	"  -v, --verbose         print details of warnings and every grouped file\n"   \
	"  -h, --help            show this help\n"

/**
 * Handle a common option returned by getopt_long (not 'h', which the
 * command handles by printing its help). Returns -1 when c is not common,
 * MC_EXIT_USAGE on a bad value (printed), or 0 to go on.
 */
int cli_common_opt(int c, const char *arg, const char *cmd);
/** Reset getopt and run it over argv with the given tables; see commands. */
void cli_getopt_reset(void);
/** Report an option getopt did not know: prints, returns MC_EXIT_USAGE. */
int cli_bad_option(const char *cmd, const char *usage, const char *shortopts,
                   int argc, char **argv);

/*
 * The tail every command's option loop shares: --dir (cli_dir_opt), the
 * common options and an unknown option in the loop's default case; after
 * the loop a stray argument and the folders' check (cli_dirs_done).
 *
 *	struct cli_args a = CLI_ARGS_INIT("list", usage, "", CLI_ARGS_DIRS_IN_TREE);
 *	while ((c = getopt_long(...)) != -1)
 *		switch (c) {
 *		case OPT_OWN: ...; break;
 *		default: if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0) goto done;
 *		}
 *	if ((rc = cli_args_done(&a, argc, argv)) != 0) goto done;
 */
enum {
	CLI_ARGS_DIRS_IN_TREE = (1 << 0), /* --dir must be in the work tree */
	CLI_ARGS_OPERANDS = (1 << 1)      /* arguments after the options are the command's */
};
struct cli_args {
	const char *cmd;       /* "list" */
	const char *usage;     /* its short usage, printed with a usage error */
	const char *shortopts; /* its own short options, as getopt takes them */
	unsigned flags;        /* CLI_ARGS_* */
	int ndirs;             /* --dir options seen */
};
#define CLI_ARGS_INIT(cmd, usage, shortopts, flags) { (cmd), (usage), (shortopts), (flags), 0 }
/**
 * An option the command's own cases did not take: --dir, a common option,
 * or an unknown one (a usage error).
 * @return 0 to go on, else the exit status (printed)
 */
int cli_args_opt(struct cli_args *a, int c, const char *arg, int argc, char **argv);
/**
 * After the loop: an argument left (without CLI_ARGS_OPERANDS) is a usage
 * error; the --dir folders, which replaced migrations.dir, are checked.
 * @return 0, else the exit status (printed)
 */
int cli_args_done(struct cli_args *a, int argc, char **argv);

/** "migcheck: <msg>" on stderr; returns code. */
int cli_error(int code, const char *fmt, ...) MC_PRINTF(2, 3);
/** "migcheck <cmd>: <msg>" + the short usage on stderr; returns MC_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	MC_PRINTF(3, 4);
/**
 * Parse the value of a time-limit option (mc_duration_parse_ms with
 * flags) into *out. On a bad value prints "migcheck <cmd>: bad <flag>
 * '<arg>': ..." and the short usage: returns MC_EXIT_USAGE, else 0.
 */
int cli_parse_ms(unsigned *out, const char *cmd, const char *usage,
                 const char *flag, const char *arg, unsigned flags);
/**
 * One --dir as getopt returns it (cli_args_opt): relative to the current
 * directory, it becomes relative to the repository root; the first
 * (*count == 0) replaces migrations.dir through mc_config_set, later ones
 * add to it; *count counts them. A folder missing from the work tree is
 * an error when must_exist, else taken as written, relative to the root
 * (check and log read history). Then cli_dirs_done(count) checks the
 * folders (mc_repo_check_dirs).
 * @return 0, or the exit status after printing the error
 */
int cli_dir_opt(const char *arg, int *count, int must_exist);
/**
 * A folder given on the command line, relative to the current directory,
 * as a path relative to the repository root ("." for the root itself,
 * no "./", no trailing '/'); the folder's last component is not followed
 * when it is a symbolic link. Refused, with the error printed: a folder
 * outside the repository ("migrations folder '<arg>' is outside the
 * repository"), and with must_exist one missing from the work tree.
 * @param[out] out mc_free it; NULL when there is no work tree, or the
 *   folder does not exist and !must_exist (the caller takes arg as written)
 * @return 0, or the exit status after printing the error
 */
int cli_dir_relative(char **out, const char *arg, int must_exist);
int cli_dirs_done(int count);
/** Print mc_error_last() and map its class to an exit status. */
int cli_error_last(void);
/** Map an error class to an exit status. */
int cli_exit_for_class(int klass);
/** Render r to stdout in mc_cli.format; returns 0 clean, 1 errors, or 2/3. */
int cli_emit_report(mc_report *r);

/* commands */
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_roundtrip(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_hooks(int argc, char **argv);

const struct mc_cmd *cli_commands(void);
const struct mc_cmd *cli_find_command(const char *name);

#endif
