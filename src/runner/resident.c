/*
 * resident.c: a resident runner (resident.h), one process for a run.
 *
 * The process gets three pipes (requests on its stdin, answers on its
 * stdout, its chatter on stderr) and a process group of its own. Reading
 * an answer polls stdout and stderr together, so a runner that prints a
 * lot never blocks on a full stderr pipe; stderr is kept per request, its
 * tail only. SIGPIPE is ignored from the first start on, so a runner that
 * died while we write is an EPIPE, not the end of migcheck.
 *
 * jansson here, outside src/report, on purpose: the JSON lines are a
 * protocol with the node runner (docs/runner-protocol.md), not a report.
 * Answers are parsed strictly (duplicate keys refused, each member's type
 * checked), which src/report's write-only values do not do, and a runner
 * needing the report module would tie the two together for no gain.
 */
#include "migcheck/resident.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migcheck/alloc.h"
#include "migcheck/db.h"
#include "migcheck/errors.h"
#include "migcheck/runner.h"
#include "runner_internal.h"
#include "util/banned.h"

#define START_TIMEOUT_MS 120000u
#define LINE_MAX_BYTES   ((size_t)16 * 1024 * 1024)

struct mc_resident {
	mc_vec argv;        /* char* */
	mc_vec env;         /* char*, empty: ours */
	char *tool;
	char *appdir;
	char *appdir_show;
	unsigned timeout_ms, start_timeout_ms;
	pid_t pid;          /* -1: not running */
	int in_fd, out_fd, err_fd;
	mc_buf pending;     /* stdout read past the last line */
	mc_buf banner;
};

void mc_resident_reply_dispose(mc_resident_reply *r)
{
	if (!r)
		return;
	mc_free(r->error);
	mc_free(r->detail);
	mc_vec_dispose_deep(&r->rows, mc_free);
	mc_buf_dispose(&r->err);
	r->error = r->detail = NULL;
	r->ok = r->timed_out = 0;
}

static void reply_reset(mc_resident_reply *r)
{
	mc_resident_reply_dispose(r);
}

/* ---- finding things ---- */

static int readable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, R_OK) == 0;
}

int mc_resident_script(char **out, const char *tool)
{
	char exe[PATH_MAX];
	ssize_t n;
	mc_buf tried = MC_BUF_INIT;
	const char *rel[] = { "/../share/migcheck/runner/", "/share/migcheck/runner/" };
	int error;

	MC_ASSERT_ARG(out && tool);
	*out = NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; i < MC_ARRAY_SIZE(rel); i++) {
			char *p = mc_asprintf("%s%s%s.js", exe, rel[i], tool);
			if (!p) {
				error = mc_error_set_oom();
				goto done;
			}
			if (readable(p)) {
				*out = p;
				error = 0;
				goto done;
			}
			if (mc_buf_printf(&tried, "%s%s", tried.size ? ", " : "", p) < 0) {
				mc_free(p);
				error = mc_error_set_oom();
				goto done;
			}
			mc_free(p);
		}
	}
#ifdef MIGCHECK_DATADIR
	{
		char *p = mc_asprintf("%s/runner/%s.js", MIGCHECK_DATADIR, tool);
		if (!p) {
			error = mc_error_set_oom();
			goto done;
		}
		if (readable(p)) {
			*out = p;
			error = 0;
			goto done;
		}
		if (mc_buf_printf(&tried, "%s%s", tried.size ? ", " : "", p) < 0) {
			mc_free(p);
			error = mc_error_set_oom();
			goto done;
		}
		mc_free(p);
	}
#endif
	error = mc_error_set(MC_ERROR_RUNNER,
	                     "migcheck's %s runner is not installed (looked for %s): reinstall migcheck",
	                     tool, mc_buf_cstr(&tried));
	error = MC_ENOTFOUND;
done:
	mc_buf_dispose(&tried);
	return error;
}

static int has_sequelize(const char *workdir, const char *dir)
{
	char *p = mc_asprintf("%s%s%s/node_modules/sequelize/package.json",
	                      workdir, *dir ? "/" : "", dir);
	int ok;
	if (!p)
		return -1;
	ok = readable(p);
	mc_free(p);
	return ok;
}

int mc_resident_find_appdir(char **out, const char *workdir, const char *dir)
{
	char *cur;
	int rc;

	MC_ASSERT_ARG(out && workdir && dir);
	*out = NULL;
	if ((cur = mc_strdup(dir)) == NULL)
		return mc_error_set_oom();
	for (;;) {
		char *slash;
		size_t len = strlen(cur);
		while (len && cur[len - 1] == '/')
			cur[--len] = '\0';
		if ((rc = has_sequelize(workdir, cur)) < 0) {
			mc_free(cur);
			return mc_error_set_oom();
		}
		if (rc) {
			*out = cur;
			return 0;
		}
		if (!*cur)
			break;
		slash = strrchr(cur, '/');
		if (slash)
			*slash = '\0';
		else
			cur[0] = '\0';
	}
	mc_free(cur);
	rc = mc_error_set(MC_ERROR_RUNNER,
	                  "the sequelize runner found no node_modules/sequelize in '%s' or a folder above it: "
	                  "run 'npm install' in the folder with the package.json that lists sequelize, "
	                  "or set runner.tool = command and runner.up/runner.down",
	                  dir);
	return MC_ENOTFOUND;
}

/* ---- the process ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
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

static void group_kill(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		(void)kill(pid, sig);
}

/* End the process (and its group); @return its wait status, or -1. */
static int stop(mc_resident *r, int gently)
{
	int wstatus = -1;
	pid_t w = 0;

	close_fd(&r->in_fd);
	if (r->pid > 0) {
		long long until = now_ms() + (gently ? 2000 : 0);
		/* a runner whose stdin closed leaves on its own */
		while ((w = waitpid(r->pid, &wstatus, WNOHANG)) == 0 &&
		       now_ms() < until) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if (w == 0) {
			group_kill(r->pid, SIGTERM);
			until = now_ms() + MC_RUNNER_KILL_GRACE_MS;
			while ((w = waitpid(r->pid, &wstatus, WNOHANG)) == 0 &&
			       now_ms() < until) {
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
		}
		if (w == 0) {
			group_kill(r->pid, SIGKILL);
			while (waitpid(r->pid, &wstatus, 0) < 0 && errno == EINTR)
				;
		} else {
			/* what it left behind in its group goes too */
			(void)kill(-r->pid, SIGKILL);
		}
	}
	r->pid = -1;
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
	mc_buf_clear(&r->pending);
	return wstatus;
}

static int status_of(int wstatus)
{
	if (wstatus == -1)
		return -1;
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

/* Read what stderr holds now, without waiting. */
static int drain_err(mc_resident *r, mc_buf *err)
{
	char buf[8192];
	while (r->err_fd >= 0) {
		struct pollfd p = { r->err_fd, POLLIN, 0 };
		ssize_t n;
		if (poll(&p, 1, 0) <= 0 || !p.revents)
			break;
		n = read(r->err_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close_fd(&r->err_fd);
			break;
		}
		if (mc_runner__capture(err, buf, (size_t)n) < 0)
			return mc_error_set_oom();
	}
	mc_runner__capture_trim(err);
	return 0;
}

enum { LINE_OK, LINE_EOF, LINE_TIMEOUT };

/*
 * Wait for the next line on stdout (into line, without the newline),
 * keeping stderr in err. @return LINE_OK, LINE_EOF, LINE_TIMEOUT, or < 0
 * (MC_EINTR with the runner stopped, MC_ENOMEM).
 */
static int read_line(mc_resident *r, unsigned timeout_ms, mc_buf *line,
                     mc_buf *err)
{
	long long deadline = timeout_ms ? now_ms() + timeout_ms : 0;
	char buf[8192];

	mc_buf_clear(line);
	for (;;) {
		char *nl = r->pending.size ? memchr(r->pending.ptr, '\n', r->pending.size)
		                           : NULL;
		struct pollfd fds[2];
		int nfds = 0, wait_ms = 100;

		if (nl) {
			size_t len = (size_t)(nl - r->pending.ptr);
			if (mc_buf_put(line, r->pending.ptr, len) < 0)
				return mc_error_set_oom();
			memmove(r->pending.ptr, nl + 1, r->pending.size - len - 1);
			mc_buf_truncate(&r->pending, r->pending.size - len - 1);
			return drain_err(r, err) < 0 ? MC_ENOMEM : LINE_OK;
		}
		if (r->out_fd < 0)
			return drain_err(r, err) < 0 ? MC_ENOMEM : LINE_EOF;
		if (r->pending.size > LINE_MAX_BYTES) {
			mc_buf_clear(&r->pending);
			close_fd(&r->out_fd);
			return LINE_EOF;
		}
		if (mc_db_interrupted()) {
			(void)stop(r, 0);
			mc_error_set(MC_ERROR_OS, "interrupted");
			return MC_EINTR;
		}
		if (deadline) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return LINE_TIMEOUT;
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		fds[nfds++] = (struct pollfd){ r->out_fd, POLLIN, 0 };
		if (r->err_fd >= 0)
			fds[nfds++] = (struct pollfd){ r->err_fd, POLLIN, 0 };
		if (poll(fds, (nfds_t)nfds, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			return mc_error_set(MC_ERROR_OS, "poll: %s", strerror(errno));
		}
		for (int i = 0; i < nfds; i++) {
			int *fd = fds[i].fd == r->out_fd ? &r->out_fd : &r->err_fd;
			ssize_t n;
			if (!fds[i].revents)
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close_fd(fd);
				continue;
			}
			if (fd == &r->out_fd ? mc_buf_put(&r->pending, buf, (size_t)n) < 0
			                     : mc_runner__capture(err, buf, (size_t)n) < 0)
				return mc_error_set_oom();
		}
	}
}

/* The last non-blank line of text, or NULL. */
static char *last_line(const mc_buf *b)
{
	const char *s = mc_buf_cstr(b);
	size_t end = b->size;
	while (end && (s[end - 1] == '\n' || s[end - 1] == '\r' ||
	               s[end - 1] == ' '))
		end--;
	if (!end)
		return NULL;
	size_t start = end;
	while (start && s[start - 1] != '\n')
		start--;
	return mc_strndup(s + start, end - start);
}

static int spawn(mc_resident *r, int *exec_errno)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 },
	    x[2] = { -1, -1 };
	char **argv = (char **)r->argv.items;
	char **env = r->env.len ? (char **)r->env.items : NULL;
	ssize_t n;
	pid_t pid;
	int e = 0;
	extern char **environ;

	*exec_errno = 0;
	signal(SIGPIPE, SIG_IGN);
	if (cloexec_pipe(in) < 0 || cloexec_pipe(out) < 0 ||
	    cloexec_pipe(err) < 0 || cloexec_pipe(x) < 0) {
		e = errno;
		goto fail;
	}
	if ((pid = fork()) < 0) {
		e = errno;
		goto fail;
	}
	if (pid == 0) {
		(void)setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		signal(SIGPIPE, SIG_DFL);
		if (r->appdir && chdir(r->appdir) < 0) {
			e = errno;
			(void)!write(x[1], &e, sizeof(e));
			_exit(127);
		}
		if (env)
			environ = env;
		execvp(argv[0], argv);
		e = errno;
		(void)!write(x[1], &e, sizeof(e));
		_exit(127);
	}
	(void)setpgid(pid, pid);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(x[1]);
	while ((n = read(x[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(x[0]);
	r->pid = pid;
	r->in_fd = in[1];
	r->out_fd = out[0];
	r->err_fd = err[0];
	if (n == (ssize_t)sizeof(e)) {
		*exec_errno = e;
		(void)stop(r, 0);
		return MC_ERROR;
	}
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
		close_fd(&err[i]);
		close_fd(&x[i]);
	}
	return mc_error_set(MC_ERROR_OS, "cannot start the %s runner: %s",
	                    r->tool, strerror(e));
}

static const char *where(const mc_resident *r)
{
	return r->appdir_show && *r->appdir_show ? r->appdir_show : ".";
}

/* ---- parsing ---- */

static int get_string(char **out, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return MC_EPARSE;
	if ((*out = mc_strdup(json_string_value(v))) == NULL)
		return mc_error_set_oom();
	return 0;
}

int mc_resident__parse(const char *line, int *ready, int *fatal,
                       mc_resident_reply *reply, mc_buf *banner)
{
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL), *v;
	int error = 0;

	*ready = -1;
	*fatal = 0;
	if (!o || !json_is_object(o)) {
		error = MC_EPARSE;
		goto done;
	}
	if ((v = json_object_get(o, "ready")) != NULL) {
		if (!json_is_boolean(v)) {
			error = MC_EPARSE;
			goto done;
		}
		*ready = json_is_true(v);
		if (*ready) {
			static const char *const keys[] = { "sequelize", "dialect",
				                            "config", "env" };
			mc_buf_clear(banner);
			for (size_t i = 0; i < MC_ARRAY_SIZE(keys); i++) {
				json_t *f = json_object_get(o, keys[i]);
				if (json_is_string(f) &&
				    (error = mc_buf_printf(banner, "%s%s %s",
				                           banner->size ? ", " : "",
				                           keys[i],
				                           json_string_value(f))) < 0)
					goto done;
			}
			goto done;
		}
		/* ready:false: error and fix */
		if ((error = get_string(&reply->error, o, "error")) < 0 ||
		    (error = get_string(&reply->detail, o, "fix")) < 0)
			goto done;
		goto done;
	}
	if (!json_is_boolean(v = json_object_get(o, "ok"))) {
		error = MC_EPARSE;
		goto done;
	}
	reply->ok = json_is_true(v);
	*fatal = json_is_true(json_object_get(o, "fatal"));
	if ((error = get_string(&reply->error, o, "error")) < 0 ||
	    (error = get_string(&reply->detail, o, "detail")) < 0)
		goto done;
	if ((v = json_object_get(o, "rows")) != NULL) {
		size_t i;
		json_t *row;
		if (!json_is_array(v)) {
			error = MC_EPARSE;
			goto done;
		}
		json_array_foreach(v, i, row) {
			char *s;
			if (!json_is_string(row)) {
				error = MC_EPARSE;
				goto done;
			}
			if ((s = mc_strdup(json_string_value(row))) == NULL ||
			    mc_vec_push(&reply->rows, s) < 0) {
				mc_free(s);
				error = mc_error_set_oom();
				goto done;
			}
		}
	}
done:
	json_decref(o);
	return error;
}

/* ---- start, call, free ---- */

static int start(mc_resident *r)
{
	mc_resident_reply rep = MC_RESIDENT_REPLY_INIT;
	mc_buf line = MC_BUF_INIT;
	int exec_errno, rc, ready, fatal, error;
	char *last = NULL;

	if ((error = spawn(r, &exec_errno)) < 0) {
		if (!exec_errno)
			goto done;
		error = mc_error_set(
		        MC_ERROR_RUNNER,
		        exec_errno == ENOENT
		                ? "the %s runner needs '%s', which is not on PATH: install Node.js (the runner runs in '%s')"
		                : "the %s runner cannot run '%s' in '%s': %s",
		        r->tool, (const char *)r->argv.items[0], where(r),
		        strerror(exec_errno));
		error = exec_errno == ENOENT ? MC_ENOTFOUND : MC_ERROR;
		goto done;
	}
	rc = read_line(r, r->start_timeout_ms, &line, &rep.err);
	if (rc < 0) {
		error = rc;
		goto done;
	}
	if (rc == LINE_TIMEOUT) {
		(void)stop(r, 0);
		error = mc_error_set(MC_ERROR_RUNNER,
		                     "the %s runner in '%s' did not start within %u s: check that 'node' runs there",
		                     r->tool, where(r), r->start_timeout_ms / 1000);
		goto done;
	}
	if (rc == LINE_EOF) {
		int st = status_of(stop(r, 1));
		last = last_line(&rep.err);
		error = mc_error_set(MC_ERROR_RUNNER,
		                     "the %s runner in '%s' exited with status %d before it was ready%s%s",
		                     r->tool, where(r), st, last ? ": " : "",
		                     last ? last : "");
		goto done;
	}
	if (mc_resident__parse(mc_buf_cstr(&line), &ready, &fatal, &rep,
	                       &r->banner) < 0 ||
	    ready < 0) {
		(void)stop(r, 0);
		error = mc_error_set(MC_ERROR_RUNNER,
		                     "the %s runner in '%s' answered something that is not its protocol: %.200s",
		                     r->tool, where(r), mc_buf_cstr(&line));
		goto done;
	}
	if (!ready) {
		(void)stop(r, 1);
		error = mc_error_set(MC_ERROR_RUNNER, "the %s runner in '%s' cannot start: %s%s%s",
		                     r->tool, where(r),
		                     rep.error ? rep.error : "no reason given",
		                     rep.detail ? ": " : "",
		                     rep.detail ? rep.detail : "");
		goto done;
	}
	error = 0;
done:
	mc_free(last);
	mc_buf_dispose(&line);
	mc_resident_reply_dispose(&rep);
	return error;
}

static int copy_list(mc_vec *v, const char *const *items)
{
	for (const char *const *p = items; p && *p; p++) {
		char *s = mc_strdup(*p);
		if (!s || mc_vec_push(v, s) < 0) {
			mc_free(s);
			return mc_error_set_oom();
		}
	}
	/* the NULL that ends an argument vector */
	return mc_vec_push(v, NULL) < 0 ? mc_error_set_oom() : 0;
}

int mc_resident_start(mc_resident **out, const mc_resident_opts *opts)
{
	mc_resident *r;
	char *script = NULL;
	int error;

	MC_ASSERT_ARG(out && opts && opts->tool);
	*out = NULL;
	if ((r = mc_calloc(1, sizeof(*r))) == NULL)
		return mc_error_set_oom();
	r->pid = -1;
	r->in_fd = r->out_fd = r->err_fd = -1;
	r->timeout_ms = opts->timeout_ms;
	r->start_timeout_ms = opts->start_timeout_ms ? opts->start_timeout_ms
	                                             : START_TIMEOUT_MS;
	if (!(r->tool = mc_strdup(opts->tool)) ||
	    (opts->appdir && !(r->appdir = mc_strdup(opts->appdir))) ||
	    (opts->appdir_show && !(r->appdir_show = mc_strdup(opts->appdir_show)))) {
		error = mc_error_set_oom();
		goto done;
	}
	if (opts->argv) {
		if ((error = copy_list(&r->argv, opts->argv)) < 0)
			goto done;
	} else {
		const char *argv[3] = { "node", NULL, NULL };
		if ((error = mc_resident_script(&script, opts->tool)) < 0)
			goto done;
		argv[1] = script;
		if ((error = copy_list(&r->argv, argv)) < 0)
			goto done;
	}
	if (opts->env && (error = copy_list(&r->env, (const char *const *)opts->env)) < 0)
		goto done;
	if ((error = start(r)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	mc_free(script);
	mc_resident_free(r);
	return error;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send req (stolen) and read its answer: mc_resident_call. */
static int call(mc_resident *r, const char *op, json_t *req,
                mc_resident_reply *reply)
{
	char *text = NULL;
	mc_buf line = MC_BUF_INIT;
	int rc, ready, fatal, error = 0;

	reply_reset(reply);
	if (!req || (text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(req);
		return mc_error_set_oom();
	}
	json_decref(req);
	if (r->pid < 0 && (error = start(r)) < 0) {
		free(text);
		return error;
	}
	if (write_all(r->in_fd, text, strlen(text)) < 0 ||
	    write_all(r->in_fd, "\n", 1) < 0)
		rc = LINE_EOF; /* it died: say how below */
	else
		rc = read_line(r, r->timeout_ms, &line, &reply->err);
	free(text);
	if (rc < 0) {
		error = rc;
		goto done;
	}
	if (rc == LINE_TIMEOUT) {
		(void)stop(r, 0);
		reply->ok = 0;
		reply->timed_out = 1;
		if ((reply->error = mc_asprintf("killed after %u ms (--statement-timeout)",
		                                r->timeout_ms)) == NULL)
			error = mc_error_set_oom();
		goto done;
	}
	if (rc == LINE_EOF) {
		int st;
		(void)drain_err(r, &reply->err);
		st = status_of(stop(r, 1));
		reply->ok = 0;
		reply->error = mc_asprintf("the %s runner exited with status %d while it ran %s",
		                           r->tool, st, op);
		reply->detail = last_line(&reply->err);
		if (!reply->error)
			error = mc_error_set_oom();
		goto done;
	}
	if (mc_resident__parse(mc_buf_cstr(&line), &ready, &fatal, reply,
	                       &r->banner) < 0 ||
	    ready >= 0) {
		(void)stop(r, 0);
		error = mc_error_set(MC_ERROR_RUNNER,
		                     "the %s runner in '%s' answered something that is not its protocol: %.200s",
		                     r->tool, where(r), mc_buf_cstr(&line));
		goto done;
	}
	if (fatal)
		error = mc_error_set(MC_ERROR_RUNNER, "the %s runner in '%s': %s",
		                     r->tool, where(r),
		                     reply->error ? reply->error : "failed");
done:
	mc_buf_dispose(&line);
	return error;
}

int mc_resident_call(mc_resident *r, const char *op, const char *file,
                     const char *name, mc_resident_reply *reply)
{
	json_t *req;

	MC_ASSERT_ARG(r && op && reply);
	if ((req = json_object()) == NULL ||
	    json_object_set_new(req, "op", json_string(op)) < 0 ||
	    (file && json_object_set_new(req, "file", json_string(file)) < 0) ||
	    (name && json_object_set_new(req, "name", json_string(name)) < 0)) {
		json_decref(req);
		req = NULL;
	}
	return call(r, op, req, reply);
}

int mc_resident_call_files(mc_resident *r, const char *op,
                           const char *const *paths, size_t n,
                           const char *const *files, size_t nfiles,
                           mc_resident_reply *reply)
{
	json_t *req, *arr = NULL, *obj = NULL;

	MC_ASSERT_ARG(r && op && (paths || !n) && (files || !nfiles) && reply);
	if ((req = json_object()) == NULL || (arr = json_array()) == NULL ||
	    json_object_set_new(req, "op", json_string(op)) < 0)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, json_string(paths[i])) < 0)
			goto oom;
	if (json_object_set_new(req, "paths", arr) < 0) {
		arr = NULL;
		goto oom;
	}
	arr = NULL;
	if (files) {
		if ((obj = json_object()) == NULL)
			goto oom;
		for (size_t i = 0; i < nfiles; i++) {
			const char *text = files[2 * i + 1];
			/* text that is not UTF-8 cannot be sent: as absent */
			json_t *v = text ? json_string(text) : json_null();
			if (!v)
				v = json_null();
			if (json_object_set_new(obj, files[2 * i], v) < 0)
				goto oom;
		}
		if (json_object_set_new(req, "files", obj) < 0) {
			obj = NULL;
			goto oom;
		}
	}
	return call(r, op, req, reply);
oom:
	json_decref(obj);
	json_decref(arr);
	json_decref(req);
	return call(r, op, NULL, reply);
}

int mc_resident_call_paths(mc_resident *r, const char *op,
                           const char *const *paths, size_t n,
                           mc_resident_reply *reply)
{
	return mc_resident_call_files(r, op, paths, n, NULL, 0, reply);
}

const char *mc_resident_banner(const mc_resident *r)
{
	return r ? mc_buf_cstr(&r->banner) : "";
}

void mc_resident_free(mc_resident *r)
{
	if (!r)
		return;
	(void)stop(r, 1);
	mc_vec_dispose_deep(&r->argv, mc_free);
	mc_vec_dispose_deep(&r->env, mc_free);
	mc_free(r->tool);
	mc_free(r->appdir);
	mc_free(r->appdir_show);
	mc_buf_dispose(&r->pending);
	mc_buf_dispose(&r->banner);
	mc_free(r);
}
