/*
 * cli.c: helpers every command shares: errors to stderr, option handling,
 * printing the report.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/buf.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "util/banned.h"

struct mc_cli mc_cli;

/*
 * One line on stderr, whatever the message holds: a path or a database's
 * text with a line break or an escape sequence is escaped (quote.h).
 */
static void put_line(const char *fmt, va_list ap)
{
	mc_buf msg = MC_BUF_INIT, line = MC_BUF_INIT;

	if (mc_buf_vprintf(&msg, fmt, ap) == 0 &&
	    mc_quote_text(&line, mc_buf_cstr(&msg), 0) == 0)
		fputs(mc_buf_cstr(&line), stderr);
	else
		fputs("out of memory", stderr);
	fputc('\n', stderr);
	mc_buf_dispose(&msg);
	mc_buf_dispose(&line);
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("migcheck: ", stderr);
	va_start(ap, fmt);
	put_line(fmt, ap);
	va_end(ap);
	return code;
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;
	if (*cmd)
		fprintf(stderr, "migcheck %s: ", cmd);
	else
		fputs("migcheck: ", stderr);
	va_start(ap, fmt);
	put_line(fmt, ap);
	va_end(ap);
	if (usage)
		fputs(usage, stderr);
	return MC_EXIT_USAGE;
}

int cli_parse_ms(unsigned *out, const char *cmd, const char *usage,
                 const char *flag, const char *arg, unsigned flags)
{
	if (mc_duration_parse_ms(out, arg, flags) == 0)
		return 0;
	return cli_usage_error(cmd, usage,
	                       "bad %s '%s': expected milliseconds, or a number with ms, s or min",
	                       flag, arg);
}

int cli_exit_for_class(int klass)
{
	switch (klass) {
	case MC_ERROR_CONFIG:
	case MC_ERROR_USAGE:
	case MC_ERROR_INPUT:
		return MC_EXIT_USAGE;
	default:
		return MC_EXIT_ENV;
	}
}

int cli_error_last(void)
{
	const mc_error *e = mc_error_last();
	const char *left = mc_scratch_left_behind();
	if (!e)
		return cli_error(MC_EXIT_ENV, "unknown error");
	if (left)
		/* its server went away before we could drop it */
		return cli_error(cli_exit_for_class(e->klass),
		                 "%s; scratch database '%s' is left on the server: "
		                 "'migcheck roundtrip --cleanup' drops it once the server is back",
		                 e->message, left);
	return cli_error(cli_exit_for_class(e->klass), "%s", e->message);
}

void cli_getopt_reset(void)
{
	optind = 0; /* glibc: 0 also re-initialises getopt's state */
	opterr = 0;
}

int cli_bad_option(const char *cmd, const char *usage, const char *shortopts,
                   int argc, char **argv)
{
	const char *opt = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
	int is_long = opt[0] == '-' && opt[1] == '-';

	if (!is_long && optopt > 0 && optopt < 256) {
		const char *p = strchr(shortopts, optopt);
		if (p && p[1] == ':')
			return cli_usage_error(cmd, usage,
			                       "option '-%c' requires an argument",
			                       optopt);
		return cli_usage_error(cmd, usage, "unknown option '-%c'", optopt);
	}
	/* getopt sets optopt both for a missing value and for one given
	 * to an option that takes none (--strict=yes) */
	if (optopt && is_long && strchr(opt, '='))
		return cli_usage_error(cmd, usage, "option '%.*s' takes no value",
		                       (int)(strchr(opt, '=') - opt), opt);
	if (optopt)
		return cli_usage_error(cmd, usage, "option '%s' requires an argument",
		                       opt);
	return cli_usage_error(cmd, usage, "unknown option '%s'", opt);
}

int cli_common_opt(int c, const char *arg, const char *cmd)
{
	switch (c) {
	case MC_OPT_FORMAT:
		if (mc_output_format_parse(&mc_cli.format, arg) < 0)
			return cli_usage_error(cmd, NULL,
			                       "unknown format '%s' (text, json, junit, sarif, github, markdown)",
			                       arg);
		mc_cli.format_set = 1;
		return 0;
	case MC_OPT_COLOR:
		if (!strcmp(arg, "always"))
			mc_cli.color = 1;
		else if (!strcmp(arg, "never"))
			mc_cli.color = 0;
		else if (!strcmp(arg, "auto"))
			mc_cli.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
		else
			return cli_usage_error(cmd, NULL,
			                       "unknown --color value '%s' (auto, always, never)",
			                       arg);
		return 0;
	case 'q':
		mc_cli.quiet = 1;
		return 0;
	case 'v':
		mc_cli.verbose = 1;
		return 0;
	default:
		return -1;
	}
}

int cli_args_opt(struct cli_args *a, int c, const char *arg, int argc, char **argv)
{
	int rc;

	if (c == MC_OPT_DIR)
		return cli_dir_opt(arg, &a->ndirs, (a->flags & CLI_ARGS_DIRS_IN_TREE) != 0);
	if (c != '?' && (rc = cli_common_opt(c, arg, a->cmd)) >= 0)
		return rc;
	return cli_bad_option(a->cmd, a->usage, a->shortopts, argc, argv);
}

int cli_args_done(struct cli_args *a, int argc, char **argv)
{
	if (!(a->flags & CLI_ARGS_OPERANDS) && optind < argc)
		return cli_usage_error(a->cmd, a->usage, "unexpected argument '%s'", argv[optind]);
	return cli_dirs_done(a->ndirs);
}

int cli_emit_report(mc_report *r)
{
	mc_buf out = MC_BUF_INIT;
	mc_render_opts opts = { mc_cli.color, mc_cli.quiet, mc_cli.verbose };
	int error;

	if ((error = mc_report_render(&out, r, mc_cli.format, &opts)) < 0) {
		mc_buf_dispose(&out);
		return cli_error_last();
	}
	fwrite(mc_buf_cstr(&out), 1, out.size, stdout);
	fflush(stdout);
	mc_buf_dispose(&out);
	return mc_report_errors(r) ? MC_EXIT_FINDINGS : MC_EXIT_OK;
}
