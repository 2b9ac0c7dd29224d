/*
 * runner.h: running the [runner] up/down commands for migrations that are
 * not SQL (e.g. Sequelize JS).
 *
 * A command is split into words once, like a shell would split it but
 * with no shell: whitespace separates words, '...' is literal, "..."
 * honours \" \\ \$ \` escapes, a backslash outside quotes escapes the next
 * character. Then {file}, {name}, {version} and {url} are substituted
 * inside each word, so a file name with spaces or quotes stays one
 * argument. The program is found on PATH and run with an argument vector,
 * with the scratch database in {url} and the environment of mc_runner_env
 * (DATABASE_URL and PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD when it
 * has one: see mc_db_client; MIGCHECK_SQLITE_PATH; runner.env).
 */
#ifndef MIGCHECK_RUNNER_H
#define MIGCHECK_RUNNER_H

#include <stddef.h>
#include "common.h"
#include "buf.h"
#include "vec.h"

/** Values substituted into a command's words; NULL values become "". */
typedef struct {
	const char *file;    /* {file}: the migration file, repo-relative */
	const char *name;    /* {name} */
	const char *version; /* {version} */
	const char *url;     /* the scratch database (mc_scratch_runner_url):
	                      * any URL libpq reads; {url} and DATABASE_URL
	                      * get it as mc_db_client_init writes it
	                      * (mc_runner_run; mc_runner_argv takes it as
	                      * it is); a sqlite:// URL's file is {path} */
	/* runner.env entries NAME=VALUE (placeholders in VALUE substituted),
	 * NULL-terminated; may be NULL */
	const char *const *env;
} mc_runner_vars;

/** What a command did. */
typedef struct {
	int status;   /* exit status, or 128+signal when killed by a signal */
	mc_buf out;   /* captured stdout (tail, capped) */
	mc_buf err;   /* captured stderr (tail, capped) */
	int timed_out; /* killed for running longer than its time limit */
} mc_runner_result;

#define MC_RUNNER_RESULT_INIT { 0, MC_BUF_INIT, MC_BUF_INIT, 0 }

/** After SIGTERM, how long a command (and its children) has to exit
 *  before SIGKILL. */
#define MC_RUNNER_KILL_GRACE_MS 2000

/** Most bytes of stdout / stderr kept per run (the tail is kept). */
#define MC_RUNNER_CAPTURE_MAX ((size_t)64 * 1024)

/**
 * Split cmd into words.
 * @param[out] out vector of char* (each freed with mc_free; the vector
 *   with mc_vec_dispose); appended to
 * @return 0; MC_EPARSE with an MC_ERROR_CONFIG error for an unterminated
 *   quote, a trailing backslash or an empty command; MC_ENOMEM
 */
MC_NODISCARD int mc_runner_split(mc_vec *out, const char *cmd);

/**
 * Substitute {file}, {name}, {version}, {url} and {path} in word.
 * @param[out] out mc_malloc'd
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_runner_substitute(char **out, const char *word,
                                      const mc_runner_vars *vars);

/**
 * The environment of a runner: ours, with DATABASE_URL and
 * MIGCHECK_DATABASE_URL = vars->url as mc_db_client_init writes it, the PG*
 * variables of its parts, for a sqlite:// URL MIGCHECK_SQLITE_PATH=<file>,
 * then vars->env (placeholders substituted; a later entry replaces an
 * earlier one of the same name). The one place a runner's environment is
 * made (mc_runner_run and the resident runner).
 * @param[out] out NULL-terminated, free with mc_runner_env_free
 * @return 0 or MC_ENOMEM
 */
MC_NODISCARD int mc_runner_env(char ***out, const mc_runner_vars *vars);
void mc_runner_env_free(char **env);

/**
 * Split cmd and substitute vars in each word.
 * @param[out] out NULL-terminated argument vector; free with
 *   mc_runner_argv_free
 * @return 0, MC_EPARSE, MC_ENOMEM
 */
MC_NODISCARD int mc_runner_argv(char ***out, const char *cmd,
                                const mc_runner_vars *vars);
void mc_runner_argv_free(char **argv);

/**
 * Whether the command can reach the database at url. sequelize-cli reads
 * only a host and a port from a URL (--url {url}, or use_env_variable in
 * its JSON config), so a scratch server reached through a unix socket
 * would fail at the first migration, blamed on that migration.
 * @param what names the command in the message: "runner.up"
 * @return 0; MC_ERROR with MC_ERROR_RUNNER (exit 3) naming the command,
 *   the tool and what to pass instead; MC_ENOMEM
 */
MC_NODISCARD int mc_runner_check_url(const char *what, const char *cmd,
                                     const char *url, const char *cwd);

/**
 * Run cmd with vars substituted, in directory cwd (NULL: current), with
 * the database vars->url in its environment (when url is set: see the
 * top of this file) and stdin from /dev/null. stdout and stderr are captured into out.
 * A command that runs and exits non-zero is not an error: see out->status.
 * @param[out] out filled on 0; dispose with mc_runner_result_dispose
 *   (also after an error)
 * @return 0; MC_ENOTFOUND (MC_ERROR_RUNNER: "runner command 'x' not
 *   found") when the program cannot be executed; MC_EPARSE for a bad
 *   command; MC_ERROR (MC_ERROR_OS) when it cannot be started
 */
MC_NODISCARD int mc_runner_run(mc_runner_result *out, const char *cmd,
                               const mc_runner_vars *vars, const char *cwd);

/**
 * mc_runner_run with a time limit. With timeout_ms > 0 the command runs
 * in a process group of its own; when it runs longer than timeout_ms,
 * the whole group (npx, the shell and node it starts) gets SIGTERM, then
 * SIGKILL after MC_RUNNER_KILL_GRACE_MS, and out->timed_out is set (a
 * result, not an error: out->status says how it died). A SIGINT/SIGTERM
 * to migcheck (mc_db_signals_install) is passed on to the group the same
 * way, and the call returns MC_EINTR.
 * @param timeout_ms 0: no limit, the command stays in our process group
 * @return as mc_runner_run, and MC_EINTR
 */
MC_NODISCARD int mc_runner_run_timeout(mc_runner_result *out, const char *cmd,
                                       const mc_runner_vars *vars,
                                       const char *cwd, unsigned timeout_ms);
void mc_runner_result_dispose(mc_runner_result *r);

#endif
