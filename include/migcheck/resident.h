/*
 * resident.h: migcheck's resident runners, one process for a whole run.
 *
 * A resident runner is a program that ships with migcheck (the Sequelize
 * one: share/migcheck/runner/sequelize.js, run by node in the folder that
 * holds the project's node_modules) and answers requests, one JSON object
 * per line on its stdin and stdout (docs/runner-protocol.md):
 *
 *   migcheck -> runner  {"op":"up","file":"/abs/m.js","name":"m.js"}
 *                       {"op":"down",...}  {"op":"meta"}  {"op":"close"}
 *                       {"op":"sync","paths":["/abs/models"]}
 *                       {"op":"describe","paths":[...],"files":{...}}
 *   runner -> migcheck  first {"ready":true,...} or {"ready":false,
 *                       "error":...,"fix":...}; then one answer a request:
 *                       {"ok":true}  {"ok":true,"rows":[...]}
 *                       {"ok":false,"error":...,"detail":...[,"fatal":true]}
 *
 * Whatever the runner writes on stderr is kept per request (the tail) as
 * the output of the migration that ran. The process runs in a process
 * group of its own: a request past its time limit, or a SIGINT/SIGTERM to
 * migcheck, ends the group (SIGTERM, then SIGKILL), and the next request
 * starts the runner again.
 */
#ifndef MIGCHECK_RESIDENT_H
#define MIGCHECK_RESIDENT_H

#include "common.h"
#include "buf.h"
#include "vec.h"

typedef struct mc_resident mc_resident;

typedef struct {
	/* the program and its arguments, NULL-terminated; NULL: node and the
	 * script of mc_resident_script() (tests put a fake here) */
	const char *const *argv;
	const char *tool;        /* "sequelize": named in messages */
	const char *appdir;      /* the runner runs here (absolute path) */
	const char *appdir_show; /* appdir as the user knows it (repo-relative) */
	char *const *env;        /* its environment (mc_runner_env); NULL: ours */
	unsigned timeout_ms;     /* a request's time limit; 0: none */
	unsigned start_timeout_ms; /* until "ready"; 0: 120 s */
} mc_resident_opts;

/** One answer. */
typedef struct {
	int ok;        /* the request did what it asked */
	int timed_out; /* killed past the time limit (ok is 0) */
	char *error;   /* the runner's one-line message, or NULL; mc_malloc'd */
	char *detail;  /* its stack or longer text, or NULL */
	mc_vec rows;   /* char*: "meta" rows */
	mc_buf err;    /* what the runner wrote on stderr meanwhile (tail) */
} mc_resident_reply;

#define MC_RESIDENT_REPLY_INIT { 0, 0, NULL, NULL, MC_VEC_INIT, MC_BUF_INIT }
void mc_resident_reply_dispose(mc_resident_reply *r);

/**
 * Where migcheck's runner script for tool is: next to the binary
 * (<prefix>/bin/migcheck -> <prefix>/share/migcheck/runner/<tool>.js; a
 * build tree's <build>/share/migcheck/runner), else the installed data
 * directory compiled in.
 * @param[out] out mc_malloc'd
 * @return 0; MC_ENOTFOUND with an MC_ERROR_RUNNER message naming where it
 *   looked
 */
MC_NODISCARD int mc_resident_script(char **out, const char *tool);

/**
 * The folder a Sequelize runner runs in: from dir (repo-relative, a
 * migrations folder) up to the repository root, the first one whose
 * node_modules holds 'sequelize'.
 * @param[out] out repo-relative ("" for the root); mc_malloc'd
 * @return 0; MC_ENOTFOUND with an MC_ERROR_RUNNER message and the fix
 */
MC_NODISCARD int mc_resident_find_appdir(char **out, const char *workdir,
                                         const char *dir);

/**
 * Start the runner and wait for its "ready" line.
 * @param[out] out free with mc_resident_free
 * @return 0; MC_ERROR / MC_ENOTFOUND with an MC_ERROR_RUNNER message that
 *   names the runner, the folder and the fix (program missing, the runner
 *   said ready:false, it exited or stayed silent); MC_EINTR
 */
MC_NODISCARD int mc_resident_start(mc_resident **out,
                                   const mc_resident_opts *opts);

/**
 * Send one request and read its answer. An answer of ok:false is not an
 * error (see reply->ok), unless the runner called it fatal (it cannot
 * reach the database: MC_ERROR, MC_ERROR_RUNNER). A runner that exits
 * while it runs a request gives ok 0 with "the sequelize runner exited
 * ..." and is started again by the next request.
 * @param op "up", "down", "meta", "close"
 * @param file absolute path of the migration, or NULL
 * @param name the migration's file name, or NULL
 * @return 0; MC_ERROR (MC_ERROR_RUNNER); MC_EINTR; MC_ENOMEM
 */
MC_NODISCARD int mc_resident_call(mc_resident *r, const char *op,
                                  const char *file, const char *name,
                                  mc_resident_reply *reply);

/**
 * Send {"op":op,"paths":[...]} (the "sync" request: build the models'
 * schema from these files and folders) and read its answer, as
 * mc_resident_call; the answer's "rows" are what it did (the models).
 * @param paths absolute paths
 */
MC_NODISCARD int mc_resident_call_paths(mc_resident *r, const char *op,
                                        const char *const *paths, size_t n,
                                        mc_resident_reply *reply);

/**
 * As mc_resident_call_paths, with "files": {path: text} too (the
 * "describe" request: the models as they are with these files' texts;
 * a NULL text is a file that is not there, and so is text that is not
 * UTF-8).
 * @param files nfiles pairs: path (absolute), text or NULL
 */
MC_NODISCARD int mc_resident_call_files(mc_resident *r, const char *op,
                                        const char *const *paths, size_t n,
                                        const char *const *files,
                                        size_t nfiles,
                                        mc_resident_reply *reply);

/** @return the first line's fields (e.g. "sequelize 6.37.1, config
 *  config/config.js, env development"); borrowed, "" before ready. */
const char *mc_resident_banner(const mc_resident *r);

/** Close its stdin, wait a moment, end the group; NULL is a no-op. */
void mc_resident_free(mc_resident *r);

/**
 * Parse one line of the runner (exposed for the unit test).
 * @param[out] ready 1 for a ready line with ready:true, 0 ready:false,
 *   -1 for an answer
 * @param[out] fatal 1 when the answer says fatal
 * @return 0; MC_EPARSE for a line that is not one of ours
 */
MC_NODISCARD int mc_resident__parse(const char *line, int *ready, int *fatal,
                                    mc_resident_reply *reply, mc_buf *banner);

#endif
