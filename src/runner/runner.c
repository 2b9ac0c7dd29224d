/*
 * runner.c: [runner] commands for migrations that are not SQL.
 *
 * The command is split into words with shell-like quoting but no shell,
 * placeholders are substituted inside each word, and the program runs
 * through fork + execvp with stdout and stderr captured over pipes. An
 * exec failure travels back to the parent over a close-on-exec pipe, so
 * "program not found" is told apart from "program failed".
 *
 * With a time limit the command gets a process group of its own, so that
 * npx, the shell it runs and node all go when the limit is hit or we are
 * interrupted: SIGTERM to the group, SIGKILL after a grace period.
 */
#include "migcheck/runner.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "runner_internal.h"
#include "util/banned.h"

extern char **environ;

/*
 * Word splitter states:
 *   SPACE   between words     ws -> SPACE, ' -> SQ, " -> DQ, \ -> escape, else WORD
 *   WORD    inside a word     ws -> end word, ' -> SQ, " -> DQ, \ -> escape
 *   SQ      inside '...'      ' -> WORD, else literal
 *   DQ      inside "..."      " -> WORD, \ before " \ $ ` -> that char
 * A quote always starts a word, so '' is an empty argument.
 */
enum { SPACE, WORD, SQ, DQ };

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int push_word(mc_vec *out, mc_buf *w)
{
	char *s = w->ptr ? mc_buf_detach(w) : mc_strdup("");
	if (!s)
		return mc_error_set_oom();
	if (mc_vec_push(out, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

int mc_runner_split(mc_vec *out, const char *cmd)
{
	mc_buf w = MC_BUF_INIT;
	int state = SPACE, error = 0;
	size_t start = out->len;
	const char *p;

	MC_ASSERT_ARG(out && cmd);
	for (p = cmd; *p && !error; p++) {
		char c = *p;
		switch (state) {
		case SPACE:
		case WORD:
			if (is_ws(c)) {
				if (state == WORD)
					error = push_word(out, &w);
				state = SPACE;
			} else if (c == '\'') {
				state = SQ;
			} else if (c == '"') {
				state = DQ;
			} else if (c == '\\') {
				if (!p[1]) {
					error = mc_error_set(MC_ERROR_CONFIG,
					                     "trailing backslash in runner command '%s'",
					                     cmd);
					error = MC_EPARSE;
					break;
				}
				error = mc_buf_putc(&w, *++p);
				state = WORD;
			} else {
				error = mc_buf_putc(&w, c);
				state = WORD;
			}
			break;
		case SQ:
			if (c == '\'')
				state = WORD;
			else
				error = mc_buf_putc(&w, c);
			break;
		case DQ:
			if (c == '"')
				state = WORD;
			else if (c == '\\' && p[1] && strchr("\"\\$`", p[1]))
				error = mc_buf_putc(&w, *++p);
			else
				error = mc_buf_putc(&w, c);
			break;
		}
	}
	if (!error && (state == SQ || state == DQ))
		error = mc_error_set(MC_ERROR_CONFIG,
		                     "unterminated quote in runner command '%s'", cmd),
		error = MC_EPARSE;
	if (!error && state == WORD)
		error = push_word(out, &w);
	if (!error && out->len == start)
		error = mc_error_set(MC_ERROR_CONFIG, "runner command is empty"),
		error = MC_EPARSE;
	if (error == MC_ERROR && !mc_error_last())
		error = mc_error_set_oom();
	if (error < 0) {
		while (out->len > start)
			mc_free(out->items[--out->len]);
	}
	mc_buf_dispose(&w);
	return error;
}

int mc_runner_substitute(char **out, const char *word,
                         const mc_runner_vars *vars)
{
	static const char *const keys[] = { "{file}", "{name}", "{version}",
	                                    "{url}", "{path}" };
	const char *vals[5];
	mc_buf b = MC_BUF_INIT;
	const char *p = word;
	int error = 0;

	vals[0] = vars ? vars->file : NULL;
	vals[1] = vars ? vars->name : NULL;
	vals[2] = vars ? vars->version : NULL;
	vals[3] = vars ? vars->url : NULL;
	vals[4] = vars ? mc_db_url_sqlite_file(vars->url) : NULL;
	if ((error = mc_buf_puts(&b, "")) < 0)
		goto done;
	while (*p && !error) {
		size_t k, klen = 0;
		if (*p == '{') {
			for (k = 0; k < MC_ARRAY_SIZE(keys); k++) {
				klen = strlen(keys[k]);
				if (!strncmp(p, keys[k], klen))
					break;
			}
			if (k < MC_ARRAY_SIZE(keys)) {
				error = mc_buf_puts(&b, vals[k] ? vals[k] : "");
				p += klen;
				continue;
			}
		}
		error = mc_buf_putc(&b, *p++);
	}
done:
	if (error < 0) {
		mc_buf_dispose(&b);
		return mc_error_set_oom();
	}
	*out = mc_buf_detach(&b);
	return 0;
}

void mc_runner_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		mc_free(*a);
	mc_free(argv);
}

int mc_runner_argv(char ***out, const char *cmd, const mc_runner_vars *vars)
{
	mc_vec words = MC_VEC_INIT;
	char **argv = NULL;
	size_t i;
	int error;

	MC_ASSERT_ARG(out && cmd);
	*out = NULL;
	if ((error = mc_runner_split(&words, cmd)) < 0)
		goto done;
	if ((argv = mc_calloc(words.len + 1, sizeof(*argv))) == NULL) {
		error = mc_error_set_oom();
		goto done;
	}
	for (i = 0; i < words.len; i++)
		if ((error = mc_runner_substitute(&argv[i], words.items[i], vars)) < 0)
			goto done;
	*out = argv;
	argv = NULL;
done:
	mc_runner_argv_free(argv);
	mc_vec_dispose_deep(&words, mc_free);
	return error;
}

void mc_runner_result_dispose(mc_runner_result *r)
{
	if (!r)
		return;
	mc_buf_dispose(&r->out);
	mc_buf_dispose(&r->err);
	r->status = 0;
}

/*
 * The child's environment: ours, with the database the command is for
 * (mc_db_client): DATABASE_URL (and MIGCHECK_DATABASE_URL), and PGHOST,
 * PGPORT, PGUSER, PGDATABASE, PGPASSWORD for each part the URL gives (a
 * part it does not give stays as inherited, as libpq read it for migcheck
 * too). A host replaces an inherited PGHOSTADDR, which would win over it.
 * For a sqlite:// URL MIGCHECK_SQLITE_PATH is its file. Then runner.env
 * (vars->env), placeholders substituted, a later entry replacing an
 * earlier one of the same name. This is the one place where a runner's
 * database settings are made.
 */

/* the length of the name of an environment entry NAME=VALUE */
static size_t env_name_len(const char *e)
{
	const char *eq = strchr(e, '=');
	return eq ? (size_t)(eq - e) : strlen(e);
}

/* 1 when entry e sets one of the variables of set[0..n) */
static int env_in(const char *e, char *const *set, size_t n)
{
	size_t len = env_name_len(e);
	for (size_t i = 0; i < n; i++)
		if (set[i] && env_name_len(set[i]) == len &&
		    !strncmp(set[i], e, len))
			return 1;
	return 0;
}

/* an inherited entry our database settings replace */
static int replaced(const char *entry, const mc_db_client *c)
{
	static const struct {
		const char *prefix;
		size_t off;
	} pg[] = {
		{ "PGHOST=", offsetof(mc_db_client, host) },
		{ "PGHOSTADDR=", offsetof(mc_db_client, host) },
		{ "PGPORT=", offsetof(mc_db_client, port) },
		{ "PGUSER=", offsetof(mc_db_client, user) },
		{ "PGDATABASE=", offsetof(mc_db_client, dbname) },
		{ "PGPASSWORD=", offsetof(mc_db_client, password) },
	};
	for (size_t i = 0; i < MC_ARRAY_SIZE(pg); i++)
		if (!strncmp(entry, pg[i].prefix, strlen(pg[i].prefix)) &&
		    *(char *const *)((const char *)c + pg[i].off))
			return 1;
	return 0;
}

static int env_add(mc_vec *add, const char *name, const char *value)
{
	char *s;

	if (!value)
		return 0;
	if ((s = mc_asprintf("%s=%s", name, value)) == NULL ||
	    mc_vec_push(add, s) < 0) {
		mc_free(s);
		return mc_error_set_oom();
	}
	return 0;
}

void mc_runner_env_free(char **env)
{
	mc_runner_argv_free(env);
}

int mc_runner_env(char ***out, const mc_runner_vars *vars)
{
	mc_vec add = MC_VEC_INIT;
	mc_db_client client;
	mc_runner_vars v;
	const char *path;
	size_t n = 0, j = 0;
	char **env = NULL, *s = NULL;
	int error = 0, have_client = 0;

	MC_ASSERT_ARG(out);
	*out = NULL;
	memset(&client, 0, sizeof(client));
	memset(&v, 0, sizeof(v));
	if (vars)
		v = *vars;
	/* DATABASE_URL: the URL as every client reads it */
	if (v.url) {
		if ((error = mc_db_client_init(&client, v.url)) < 0)
			goto done;
		have_client = 1;
		v.url = client.url;
	}
	path = mc_db_url_sqlite_file(v.url);
	/* ours first, so that runner.env may replace them */
	if ((error = env_add(&add, "DATABASE_URL", v.url)) < 0 ||
	    (error = env_add(&add, "MIGCHECK_DATABASE_URL", v.url)) < 0 ||
	    (error = env_add(&add, "PGHOST", client.host)) < 0 ||
	    (error = env_add(&add, "PGPORT", client.port)) < 0 ||
	    (error = env_add(&add, "PGUSER", client.user)) < 0 ||
	    (error = env_add(&add, "PGDATABASE", client.dbname)) < 0 ||
	    (error = env_add(&add, "PGPASSWORD", client.password)) < 0 ||
	    (error = env_add(&add, "MIGCHECK_SQLITE_PATH", path)) < 0)
		goto done;
	for (const char *const *e = v.env; e && *e; e++) {
		size_t len = env_name_len(*e);
		char *value = NULL;
		if ((error = mc_runner_substitute(
		             &value, (*e)[len] ? *e + len + 1 : "", &v)) < 0)
			goto done;
		s = mc_asprintf("%.*s=%s", (int)len, *e, value);
		mc_free(value);
		if (!s)
			goto oom;
		/* a later entry for the same name wins */
		for (size_t i = 0; i < add.len; i++)
			if (add.items[i] && env_in(add.items[i], &s, 1)) {
				mc_free(add.items[i]);
				add.items[i] = NULL;
			}
		if (mc_vec_push(&add, s) < 0)
			goto oom;
		s = NULL;
	}
	for (char **e = environ; e && *e; e++)
		n++;
	if ((env = mc_calloc(n + add.len + 1, sizeof(*env))) == NULL)
		goto oom;
	for (char **e = environ; e && *e; e++)
		if (!env_in(*e, (char *const *)add.items, add.len) &&
		    !(have_client && replaced(*e, &client)) &&
		    (env[j++] = mc_strdup(*e)) == NULL)
			goto oom;
	for (size_t i = 0; i < add.len; i++)
		if (add.items[i]) {
			env[j++] = add.items[i];
			add.items[i] = NULL;
		}
	*out = env;
	env = NULL;
	goto done;
oom:
	error = mc_error_set_oom();
done:
	mc_free(s);
	mc_runner_env_free(env);
	for (size_t i = 0; i < add.len; i++)
		mc_free(add.items[i]);
	mc_vec_dispose(&add);
	if (have_client)
		mc_db_client_dispose(&client);
	return error;
}

/* the word that names sequelize(-cli) in a command, or NULL */
static const char *sequelize_word(const mc_vec *words, size_t *at)
{
	for (size_t i = 0; i < words->len; i++) {
		const char *w = words->items[i];
		const char *base = strrchr(w, '/');
		base = base ? base + 1 : w;
		if (!strncmp(base, "sequelize", 9) &&
		    (!base[9] || base[9] == '-' || base[9] == '@')) {
			*at = i;
			return base;
		}
	}
	return NULL;
}

/* does sequelize-cli read the database from a URL here: --url, or a
 * JSON config (--config, else config/config.json unless a .sequelizerc
 * says otherwise) with use_env_variable? */
static int sequelize_reads_url(const mc_vec *words, size_t at,
                               const char *cwd)
{
	const char *config = NULL;
	char *path;
	mc_buf text = MC_BUF_INIT;
	int reads;

	for (size_t i = at + 1; i < words->len; i++) {
		const char *w = words->items[i];
		if (strstr(w, "{url}"))
			return 1;
		if (!strcmp(w, "--config") && i + 1 < words->len)
			config = words->items[i + 1];
		else if (!strncmp(w, "--config=", 9))
			config = w + 9;
	}
	if (!config) {
		char *rc = mc_asprintf("%s/.sequelizerc", cwd ? cwd : ".");
		int has_rc = !rc || access(rc, F_OK) == 0;
		mc_free(rc);
		if (has_rc)
			return 0; /* JavaScript: cannot tell */
		config = "config/config.json";
	}
	if (strlen(config) < 5 || strcmp(config + strlen(config) - 5, ".json"))
		return 0;
	path = config[0] == '/' ? mc_strdup(config)
	                        : mc_asprintf("%s/%s", cwd ? cwd : ".", config);
	if (!path || mc_buf_read_file(&text, path, 1 << 20) < 0) {
		mc_error_clear();
		reads = 0;
	} else {
		reads = strstr(mc_buf_cstr(&text), "\"use_env_variable\"") != NULL;
	}
	mc_free(path);
	mc_buf_dispose(&text);
	return reads;
}

int mc_runner_check_url(const char *what, const char *cmd, const char *url,
                        const char *cwd)
{
	mc_vec words = MC_VEC_INIT;
	mc_db_client c;
	const char *tool;
	size_t at = 0;
	int error;

	MC_ASSERT_ARG(what);
	if (!cmd || !url)
		return 0;
	if ((error = mc_db_client_init(&c, url)) < 0)
		return error;
	if (!c.postgres || !c.socket)
		goto done;
	if ((error = mc_runner_split(&words, cmd)) < 0) {
		/* the run itself reports a bad command */
		mc_error_clear();
		error = 0;
		goto done;
	}
	tool = sequelize_word(&words, &at);
	if (tool && sequelize_reads_url(&words, at, cwd)) {
		char *socket =
		        c.host ? mc_asprintf("the unix socket in '%s'", c.host)
		               : mc_strdup("libpq's default unix socket");
		if (!socket) {
			error = mc_error_set_oom();
			goto done;
		}
		error = mc_error_set(
		        MC_ERROR_RUNNER,
		        "%s runs %.*s, which reads only a host and port from the database URL "
		        "and cannot reach the scratch server through %s: pass a scratch server "
		        "with a TCP host (--scratch postgresql://USER:PASSWORD@HOST:PORT/postgres), "
		        "or none to let migcheck start its own",
		        what, (int)strcspn(tool, "@"), tool, socket);
		mc_free(socket);
	}
done:
	mc_vec_dispose_deep(&words, mc_free);
	mc_db_client_dispose(&c);
	return error;
}

void mc_runner__capture_trim(mc_buf *b)
{
	if (b->size > MC_RUNNER_CAPTURE_MAX) {
		size_t drop = b->size - MC_RUNNER_CAPTURE_MAX;
		memmove(b->ptr, b->ptr + drop, b->size - drop);
		mc_buf_truncate(b, b->size - drop);
	}
}

int mc_runner__capture(mc_buf *b, const char *data, size_t len)
{
	int error = mc_buf_put(b, data, len);
	if (error < 0)
		return error;
	if (b->size > 2 * MC_RUNNER_CAPTURE_MAX)
		mc_runner__capture_trim(b);
	return 0;
}

static int cloexec_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a signal to the command's process group (to the command alone should
 * the group not exist) */
static void kill_group(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		(void)kill(pid, sig);
}

/*
 * Ending a command that ran out of time or was interrupted: STOP_NONE,
 * then STOP_TERM (SIGTERM sent), then STOP_KILL (SIGKILL sent); after one
 * more grace period STOP_GONE: stop waiting for the pipes (a process that
 * left the group holds them).
 */
enum { STOP_NONE, STOP_TERM, STOP_KILL, STOP_GONE };

struct stopper {
	pid_t pid;
	long long start, next; /* ms */
	unsigned timeout_ms;
	int stage;
	int timed_out, interrupted;
};

/* Move the stopper on; returns how long poll() may wait (ms). */
static int stopper_step(struct stopper *st)
{
	long long now = now_ms(), wait;

	if (st->stage == STOP_NONE &&
	    (mc_db_interrupted() || now - st->start >= st->timeout_ms)) {
		if (mc_db_interrupted())
			st->interrupted = 1;
		else
			st->timed_out = 1;
		kill_group(st->pid, SIGTERM);
		st->stage = STOP_TERM;
		st->next = now + MC_RUNNER_KILL_GRACE_MS;
	} else if ((st->stage == STOP_TERM || st->stage == STOP_KILL) &&
	           now >= st->next) {
		if (st->stage == STOP_TERM)
			kill_group(st->pid, SIGKILL);
		st->stage++;
		st->next = now + MC_RUNNER_KILL_GRACE_MS;
	}
	wait = st->stage == STOP_NONE ? st->start + st->timeout_ms - now
	                              : st->next - now;
	/* a signal may come just before poll(): look again soon */
	return wait < 0 ? 0 : wait > 100 ? 100 : (int)wait;
}

int mc_runner_run(mc_runner_result *out, const char *cmd,
                  const mc_runner_vars *vars, const char *cwd)
{
	return mc_runner_run_timeout(out, cmd, vars, cwd, 0);
}

int mc_runner_run_timeout(mc_runner_result *out, const char *cmd,
                          const mc_runner_vars *vars, const char *cwd,
                          unsigned timeout_ms)
{
	char **argv = NULL, **env = NULL;
	mc_db_client client;
	mc_runner_vars v;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, xpipe[2] = { -1, -1 };
	pid_t pid = -1;
	int error, wstatus, child_errno = 0, reaped = 0;
	int group = timeout_ms > 0;
	struct stopper st;
	ssize_t n;
	char buf[8192];

	MC_ASSERT_ARG(out && cmd);
	memset(&st, 0, sizeof(st));
	memset(&client, 0, sizeof(client));
	memset(&v, 0, sizeof(v));
	if (vars)
		v = *vars;
	/* {url}: the URL as every client reads it (as DATABASE_URL) */
	if (v.url && (error = mc_db_client_init(&client, v.url)) < 0)
		goto done;
	v.url = client.url;
	if ((error = mc_runner_argv(&argv, cmd, &v)) < 0 ||
	    (error = mc_runner_env(&env, vars)) < 0)
		goto done;
	if (cloexec_pipe(opipe) < 0 || cloexec_pipe(epipe) < 0 ||
	    cloexec_pipe(xpipe) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot create a pipe: %s",
		                     strerror(errno));
		goto done;
	}
	if ((pid = fork()) < 0) {
		error = mc_error_set(MC_ERROR_OS,
		                     "cannot start runner command '%s': %s", argv[0],
		                     strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		int e;
		if (group)
			(void)setpgid(0, 0);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(opipe[1], 1);
		dup2(epipe[1], 2);
		if (cwd && chdir(cwd) < 0) {
			e = errno;
			(void)!write(xpipe[1], &e, sizeof(e));
			_exit(127);
		}
		signal(SIGPIPE, SIG_DFL);
		environ = env;
		execvp(argv[0], argv);
		e = errno;
		(void)!write(xpipe[1], &e, sizeof(e));
		_exit(127);
	}
	/* both sides set the group, so that it exists before either uses it */
	if (group)
		(void)setpgid(pid, pid);
	close_fd(&opipe[1]);
	close_fd(&epipe[1]);
	close_fd(&xpipe[1]);
	st.pid = pid;
	st.start = now_ms();
	st.timeout_ms = timeout_ms;

	/* drain both pipes until the child closes them (and, with a time
	 * limit, until it has exited: a command may close its output early) */
	while (opipe[0] >= 0 || epipe[0] >= 0 || (group && !reaped)) {
		struct pollfd fds[2];
		int nfds = 0, wait_ms = -1;
		if (group) {
			pid_t w;
			wait_ms = stopper_step(&st);
			if (st.stage == STOP_GONE)
				break;
			if (opipe[0] < 0 && epipe[0] < 0) {
				if ((w = waitpid(pid, &wstatus, WNOHANG)) == pid) {
					reaped = 1;
					break;
				}
				if (w < 0 && errno != EINTR)
					break;
				if (wait_ms > 10)
					wait_ms = 10;
			}
		}
		if (opipe[0] >= 0)
			fds[nfds++] = (struct pollfd){ opipe[0], POLLIN, 0 };
		if (epipe[0] >= 0)
			fds[nfds++] = (struct pollfd){ epipe[0], POLLIN, 0 };
		if (poll(nfds ? fds : NULL, (nfds_t)nfds, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < nfds; i++) {
			int *fd = fds[i].fd == opipe[0] ? &opipe[0] : &epipe[0];
			mc_buf *b = fd == &opipe[0] ? &out->out : &out->err;
			if (!fds[i].revents)
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close_fd(fd);
				continue;
			}
			if ((error = mc_runner__capture(b, buf, (size_t)n)) < 0)
				goto done;
		}
	}
	mc_runner__capture_trim(&out->out);
	mc_runner__capture_trim(&out->err);

	while ((n = read(xpipe[0], &child_errno, sizeof(child_errno))) < 0 &&
	       errno == EINTR)
		;
	if (group && !reaped)
		/* left the loop at STOP_GONE: the command itself had SIGKILL */
		kill_group(pid, SIGKILL);
	while (!reaped && waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			error = mc_error_set(MC_ERROR_OS,
			                     "cannot wait for runner command '%s': %s",
			                     argv[0], strerror(errno));
			pid = -1;
			goto done;
		}
	}
	pid = -1;
	if (n == (ssize_t)sizeof(child_errno)) {
		if (child_errno == ENOENT || child_errno == EACCES ||
		    child_errno == ENOTDIR)
			error = mc_error_set(MC_ERROR_RUNNER,
			                     "runner command '%s' not found: %s",
			                     argv[0], strerror(child_errno)),
			error = MC_ENOTFOUND;
		else
			error = mc_error_set(MC_ERROR_RUNNER,
			                     "cannot run runner command '%s': %s",
			                     argv[0], strerror(child_errno));
		goto done;
	}
	if (WIFEXITED(wstatus))
		out->status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		out->status = 128 + WTERMSIG(wstatus);
	else
		out->status = 255;
	out->timed_out = st.timed_out;
	error = 0;
	if (st.interrupted)
		error = mc_error_set(MC_ERROR_OS, "interrupted"), error = MC_EINTR;
done:
	if (pid > 0) {
		if (group)
			kill_group(pid, SIGKILL);
		else
			kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close_fd(&opipe[0]);
	close_fd(&opipe[1]);
	close_fd(&epipe[0]);
	close_fd(&epipe[1]);
	close_fd(&xpipe[0]);
	close_fd(&xpipe[1]);
	mc_runner_env_free(env);
	mc_db_client_dispose(&client);
	mc_runner_argv_free(argv);
	return error;
}
