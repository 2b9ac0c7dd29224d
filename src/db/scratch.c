/*
 * scratch.c: throw-away databases for roundtrip and drift replays.
 *
 * Three kinds:
 *   SQLite       a file in a private mkdtemp directory
 *   PG server    CREATE DATABASE migcheck_scratch_<pid>_<host>_<random> on
 *                a configured server, DROP ... WITH (FORCE) afterwards
 *   PG cluster   initdb + postgres in a temp dir, fsync off, run as the
 *                'postgres' user when we are root; the postmaster gets its
 *                own session (a terminal's Ctrl-C does not reach it) and
 *                SIGQUIT when we die (PR_SET_PDEATHSIG). It listens on a
 *                unix socket in the temp dir (trust: only we can reach
 *                it; migcheck's own connections) and on 127.0.0.1 at a
 *                free port it picks, with a random password for user
 *                postgres (for runners: sequelize and others read only a
 *                host and port). The programs are started by absolute
 *                path with an absolute argv[0]: initdb finds postgres
 *                next to its argv[0], and on Debian their folder,
 *                /usr/lib/postgresql/<major>/bin, is not on PATH.
 *
 * Every live scratch is on a registry that mc_scratch_cleanup_all walks:
 * from atexit, and from the caller after an interrupted call returned
 * MC_EINTR. Only the process that created a scratch removes it (a forked
 * child that calls exit() must not drop its parent's database), and only
 * names this module created are ever dropped.
 */
/* nftw */
#define _XOPEN_SOURCE 700
#include "migcheck/db.h"
#include "driver.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

#define NAME_PREFIX "migcheck_scratch_"
#define OWNER_FILE  "migcheck.owner"

enum { KIND_SQLITE, KIND_PG_SERVER, KIND_PG_CLUSTER };

struct mc_scratch {
	int kind;
	char *url;         /* with password */
	char *runner_url;  /* for runners: the cluster's TCP URL, or NULL */
	char *display_url; /* redacted */
	char *dir;         /* temp dir (sqlite, cluster), or NULL */
	char *sqlite_path;
	char *admin_url;  /* PG: where CREATE/DROP DATABASE run */
	char *dbname;     /* PG */
	pid_t postmaster; /* cluster */
	pid_t owner;      /* process that created it */
	int removed;
	struct mc_scratch *next;
};

static mc_scratch *registry;
/* the last server database we could not drop (mc_scratch_left_behind) */
static char *left_behind;

/* ---- helpers ---- */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
		               (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static unsigned long long random_bits(void)
{
	unsigned long long r = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			r = 0;
		close(fd);
	}
	if (!r) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = ((unsigned long long)ts.tv_nsec << 20) ^
		    (unsigned long long)ts.tv_sec ^
		    ((unsigned long long)getpid() << 40);
	}
	return r;
}

/* 6 hex digits naming this host, so stale cleanup only judges its own pids */
static unsigned host_tag(void)
{
	char host[256] = "";
	unsigned h = 2166136261u;
	gethostname(host, sizeof(host) - 1);
	for (const char *p = host; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h & 0xffffff;
}

static const char *tmp_parent(const mc_scratch_opts *opts)
{
	const char *t = opts && opts->tmpdir ? opts->tmpdir : getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

static int make_tmpdir(char **out, const char *parent, const char *what)
{
	char *tmpl = mc_asprintf("%s/migcheck-%s-XXXXXX", parent, what);
	*out = NULL;
	if (!tmpl)
		return mc_error_set_oom();
	if (!mkdtemp(tmpl)) {
		int e = errno;
		mc_free(tmpl);
		return mc_error_set(
		        MC_ERROR_OS,
		        "cannot create a temporary directory in '%s': %s",
		        parent, strerror(e));
	}
	/* who owns it, for the sweep of leftovers (sweep_stale_dirs) */
	{
		char *marker = mc_asprintf("%s/" OWNER_FILE, tmpl);
		FILE *f = marker ? fopen(marker, "w") : NULL;
		if (f) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
		mc_free(marker);
	}
	*out = tmpl;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int remove_tree(const char *dir)
{
	struct stat st;
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (lstat(dir, &st) == 0)
		return mc_error_set(MC_ERROR_OS,
		                    "cannot remove temporary directory '%s'",
		                    dir);
	return 0;
}

static int pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static long read_pid(const char *dir, const char *file)
{
	char *path = mc_asprintf("%s/%s", dir, file);
	FILE *f = path ? fopen(path, "r") : NULL;
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	mc_free(path);
	return pid;
}

/*
 * Temp dirs left by a migcheck that was killed outright (SIGKILL, OOM
 * killer): ours by the owner file (same uid), whose process is gone and
 * whose postmaster, if any, is gone too. Best effort, never an error.
 */
static void sweep_stale_dirs(const char *parent)
{
	glob_t g;
	char *pattern = mc_asprintf("%s/migcheck-*-??????", parent);
	if (!pattern)
		return;
	if (glob(pattern, GLOB_ONLYDIR, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *d = g.gl_pathv[i];
			char *marker = mc_asprintf("%s/" OWNER_FILE, d);
			struct stat st;
			long owner;
			int ours = marker && lstat(marker, &st) == 0 &&
			           S_ISREG(st.st_mode) &&
			           st.st_uid == geteuid();
			mc_free(marker);
			if (!ours)
				continue;
			owner = read_pid(d, OWNER_FILE);
			if (!owner || pid_alive(owner) ||
			    pid_alive(read_pid(d, "data/postmaster.pid")))
				continue;
			if (remove_tree(d) < 0)
				mc_error_clear();
		}
		globfree(&g);
	}
	mc_free(pattern);
}

/* a SQL identifier in double quotes */
static char *quote_ident(const char *name)
{
	mc_buf b = MC_BUF_INIT;
	int error = mc_buf_putc(&b, '"');
	for (const char *p = name; *p && error >= 0; p++)
		if (*p != '"' || (error = mc_buf_putc(&b, '"')) >= 0)
			error = mc_buf_putc(&b, *p);
	if (error < 0 || mc_buf_putc(&b, '"') < 0) {
		mc_buf_dispose(&b);
		return NULL;
	}
	return mc_buf_detach(&b);
}

static int interrupted(void)
{
	mc_error_set(MC_ERROR_OS, "interrupted by signal %d",
	             (int)mc_db__signal);
	return MC_EINTR;
}

/* ---- PostgreSQL admin statements ---- */

static int admin_exec(const char *admin_url, const char *sql)
{
	mc_db *db = NULL;
	int error;
	if ((error = mc_db__open_always(&db, admin_url)) < 0)
		return error;
	/* the drop must run even when a signal interrupted the run */
	error = db->drv->exec(db, sql);
	mc_db_close(db);
	return error;
}

static int create_database(mc_scratch *s)
{
	char *q = quote_ident(s->dbname), *sql = NULL;
	int error;
	if (!q ||
	    !(sql = mc_asprintf("CREATE DATABASE %s TEMPLATE template0", q))) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = admin_exec(s->admin_url, sql)) < 0 &&
	    error == MC_DB_ESTATEMENT) {
		const mc_error *e = mc_error_last();
		char *shown = mc_db__url_redact_dup(s->admin_url);
		error = mc_error_set(
		        MC_ERROR_DB,
		        "cannot create scratch database '%s' on '%s': %s",
		        s->dbname, shown ? shown : "", e ? e->message : "");
		mc_free(shown);
	}
done:
	mc_free(q);
	mc_free(sql);
	return error;
}

static int drop_database(const char *admin_url, const char *dbname, int force)
{
	mc_db *db = NULL;
	char *q = quote_ident(dbname), *sql = NULL;
	int error;

	if (!q)
		return mc_error_set_oom();
	if ((error = mc_db__open_always(&db, admin_url)) < 0)
		goto done;
	if (force && mc_db_server_version(db) < 130000) {
		/* no WITH (FORCE) before PostgreSQL 13 */
		char *lit = mc_asprintf(
		        "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
		        "WHERE datname = '%s' AND pid <> pg_catalog.pg_backend_pid()",
		        dbname);
		if (!lit) {
			error = mc_error_set_oom();
			goto done;
		}
		(void)db->drv->exec(db, lit);
		mc_free(lit);
		force = 0;
	}
	if (!(sql = mc_asprintf("DROP DATABASE IF EXISTS %s%s", q,
	                        force ? " WITH (FORCE)" : ""))) {
		error = mc_error_set_oom();
		goto done;
	}
	error = db->drv->exec(db, sql);
done:
	if (error < 0 && error != MC_ENOMEM) {
		const mc_error *e = mc_error_last();
		char *msg = mc_strdup(e && e->message ? e->message : "");
		mc_error_set(MC_ERROR_DB,
		             "cannot drop scratch database '%s': %s", dbname,
		             msg ? msg : "");
		mc_free(msg);
		error = MC_ERROR;
	}
	mc_db_close(db);
	mc_free(q);
	mc_free(sql);
	return error;
}

/* ---- the throw-away cluster ---- */

/*
 * The folder of the initdb that dir holds, resolved to an absolute path
 * without links (a link on PATH to /usr/lib/postgresql/15/bin/initdb
 * gives that folder), when postgres is there too; NULL otherwise.
 */
static int real_bindir(char **out, const char *dir, size_t len)
{
	char *cand = mc_asprintf("%.*s/initdb", (int)len, dir);
	char *real, *slash, *pg;
	int ok;

	*out = NULL;
	if (!cand)
		return mc_error_set_oom();
	real = access(cand, X_OK) == 0 ? realpath(cand, NULL) : NULL;
	mc_free(cand);
	if (!real)
		return 0;
	slash = strrchr(real, '/');
	*slash = '\0';
	pg = mc_asprintf("%s/postgres", real);
	ok = pg && access(pg, X_OK) == 0;
	mc_free(pg);
	if (ok && *real && !(*out = mc_strdup(real))) {
		free(real); /* realpath's */
		return mc_error_set_oom();
	}
	free(real);
	return 0;
}

/*
 * Where initdb and postgres are: MIGCHECK_PG_BINDIR alone when set, else
 * the first PATH entry that has both, else the newest
 * /usr/lib/postgresql/<major>/bin (Debian, Ubuntu: not on PATH), then
 * /usr/pgsql-<major>/bin (PGDG RPMs) and /usr/local/pgsql/bin (source).
 */
static int find_bindir(char **out)
{
	static const char *const globs[] = { "/usr/lib/postgresql/*/bin",
		                             "/usr/pgsql-*/bin",
		                             "/usr/local/pgsql/bin" };
	const char *path;
	int error;

	*out = NULL;
	/* an explicit choice (tests, unusual installs) is the only one */
	if ((path = getenv("MIGCHECK_PG_BINDIR")) != NULL && *path) {
		if ((error = real_bindir(out, path, strlen(path))) < 0)
			return error;
		return *out ? 0 : MC_ENOTFOUND;
	}
	path = getenv("PATH");
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		if (n && (error = real_bindir(out, p, n)) < 0)
			return error;
		if (*out)
			return 0;
		p += n;
		if (*p == ':')
			p++;
	}
	for (size_t k = 0; k < MC_ARRAY_SIZE(globs); k++) {
		glob_t g;
		const char *best = NULL;
		long bestv = -1;
		if (glob(globs[k], 0, NULL, &g) != 0)
			continue;
		/* the highest major version: compare numerically */
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *v = g.gl_pathv[i];
			long num;
			while (*v && !isdigit((unsigned char)*v))
				v++;
			num = strtol(v, NULL, 10);
			if (num > bestv) {
				char *found = NULL;
				if ((error = real_bindir(&found, g.gl_pathv[i],
				                         strlen(g.gl_pathv[i]))) <
				    0) {
					globfree(&g);
					return error;
				}
				if (found) {
					mc_free(*out);
					*out = found;
					bestv = num;
					best = g.gl_pathv[i];
				}
			}
		}
		globfree(&g);
		if (best)
			return 0;
	}
	return MC_ENOTFOUND;
}

typedef struct {
	int as_user; /* drop to uid/gid */
	uid_t uid;
	gid_t gid;
} run_as;

/* in the child: become the unprivileged user; output to log */
static void child_setup(const run_as *ra, const char *dir, const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		if (fd > 0)
			close(fd);
	}
	if (ra->as_user) {
		if (setgroups(0, NULL) < 0 || setgid(ra->gid) < 0 ||
		    setuid(ra->uid) < 0)
			_exit(126);
	}
	if (chdir(dir) < 0)
		_exit(126);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
}

static int log_tail(mc_buf *out, const char *log)
{
	mc_buf all = MC_BUF_INIT;
	const char *p;
	int error;
	if (mc_buf_read_file(&all, log, 1 << 20) < 0) {
		mc_error_clear();
		mc_buf_dispose(&all);
		return 0;
	}
	/* the last non-empty line says why */
	while (all.size &&
	       (all.ptr[all.size - 1] == '\n' || all.ptr[all.size - 1] == ' '))
		mc_buf_truncate(&all, all.size - 1);
	p = all.size ? strrchr(all.ptr, '\n') : NULL;
	error = mc_buf_puts(out, p ? p + 1 : mc_buf_cstr(&all));
	mc_buf_dispose(&all);
	return error;
}

/* the password of user postgres for TCP connections, in a file initdb
 * reads (--pwfile) and we remove after */
static int write_pwfile(const char *path, const char *password,
                        const run_as *ra)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(password);
	int ok = fd >= 0 && write(fd, password, len) == (ssize_t)len &&
	         write(fd, "\n", 1) == 1 &&
	         (!ra->as_user || fchown(fd, ra->uid, ra->gid) == 0);
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (!ok)
		return mc_error_set(MC_ERROR_OS, "cannot write '%s': %s", path,
		                    strerror(e));
	return 0;
}

static int run_initdb(const char *bindir, const char *dir, const run_as *ra,
                      const char *password)
{
	char *initdb = mc_asprintf("%s/initdb", bindir);
	char *data = mc_asprintf("%s/data", dir);
	char *log = mc_asprintf("%s/initdb.log", dir);
	char *pwfile = mc_asprintf("%s/pwfile", dir);
	char *pwopt = pwfile ? mc_asprintf("--pwfile=%s", pwfile) : NULL;
	mc_buf why = MC_BUF_INIT;
	pid_t pid;
	int status = 0, error = 0;

	if (!initdb || !data || !log || !pwfile || !pwopt) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = write_pwfile(pwfile, password, ra)) < 0)
		goto done;
	if ((pid = fork()) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot start initdb: %s",
		                     strerror(errno));
		goto done;
	}
	if (pid == 0) {
		child_setup(ra, dir, log);
		/* argv[0] absolute: initdb looks for postgres next to it */
		execl(initdb, initdb, "-D", data, "-U", "postgres",
		      "--auth-local=trust", "--auth-host=scram-sha-256", pwopt,
		      "--no-sync", "-E", "UTF8", "--locale=C", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			break;
		if (mc_db__signal)
			kill(pid, SIGTERM);
	}
	if (mc_db__signal) {
		error = interrupted();
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_tail(&why, log);
		error = mc_error_set(
		        MC_ERROR_DB,
		        "cannot create a throw-away PostgreSQL cluster: initdb failed: %s",
		        mc_buf_cstr(&why));
	}
done:
	if (pwfile)
		(void)unlink(pwfile);
	mc_buf_dispose(&why);
	mc_free(initdb);
	mc_free(data);
	mc_free(log);
	mc_free(pwfile);
	mc_free(pwopt);
	return error;
}

/* a TCP port on 127.0.0.1 that nobody listens on now; 0 when none */
static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* did the log's last lines say that the port was taken meanwhile? */
static int port_was_taken(const char *log)
{
	mc_buf all = MC_BUF_INIT;
	int taken;
	if (mc_buf_read_file(&all, log, 1 << 20) < 0) {
		mc_error_clear();
		mc_buf_dispose(&all);
		return 0;
	}
	taken = strstr(mc_buf_cstr(&all), "could not bind IPv4 address") !=
	        NULL;
	mc_buf_dispose(&all);
	return taken;
}

/* 1: the postmaster on port is ready; 0: it exited (why in the log);
 * < 0: interrupted or not ready in time */
static int start_on_port(mc_scratch *s, const char *postgres,
                         const char *data, const char *log, int port,
                         const run_as *ra)
{
	char portopt[16], *ping;
	pid_t pid;
	int error = 0;

	snprintf(portopt, sizeof(portopt), "%d", port);
	if (!(ping = mc_asprintf(
	              "host=%s port=%d user=postgres dbname=postgres connect_timeout=5",
	              s->dir, port)))
		return mc_error_set_oom();
	if ((pid = fork()) < 0) {
		error = mc_error_set(MC_ERROR_OS, "cannot start postgres: %s",
		                     strerror(errno));
		goto done;
	}
	if (pid == 0) {
		setsid();
		child_setup(ra, s->dir, log);
		/* after the uid change, which clears it */
		prctl(PR_SET_PDEATHSIG, SIGQUIT);
		/* argv[0] absolute, as for initdb */
		execl(postgres, postgres, "-D", data, "-k", s->dir, "-p",
		      portopt, "-c", "listen_addresses=127.0.0.1", "-c",
		      "fsync=off", "-c", "full_page_writes=off", "-c",
		      "synchronous_commit=off", "-c", "max_connections=50",
		      "-c", "shared_buffers=32MB", "-c", "max_wal_senders=0",
		      "-c", "wal_level=minimal", "-c", "logging_collector=off",
		      (char *)NULL);
		_exit(127);
	}
	s->postmaster = pid;
	/* up to 60 s for the server to accept connections */
	for (int i = 0; i < 1200; i++) {
		int status;
		if (mc_db__signal) {
			error = interrupted();
			goto done;
		}
		if (PQping(ping) == PQPING_OK) {
			error = 1;
			goto done;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			s->postmaster = 0;
			goto done; /* 0 */
		}
		sleep_ms(50);
	}
	error = mc_error_set(
	        MC_ERROR_DB,
	        "cannot start a throw-away PostgreSQL server: not ready after 60 seconds (log: %s)",
	        log);
done:
	mc_free(ping);
	return error;
}

/* @param[out] port where it listens on 127.0.0.1 (and names its socket) */
static int start_postmaster(mc_scratch *s, const char *bindir,
                            const run_as *ra, int *port)
{
	char *postgres = mc_asprintf("%s/postgres", bindir);
	char *data = mc_asprintf("%s/data", s->dir);
	char *log = mc_asprintf("%s/server.log", s->dir);
	mc_buf why = MC_BUF_INIT;
	int error = 0;

	if (!postgres || !data || !log) {
		error = mc_error_set_oom();
		goto done;
	}
	/* another program may take the free port before postgres binds it:
	 * then another one */
	for (int attempt = 0;; attempt++) {
		if (!(*port = free_port())) {
			error = mc_error_set(
			        MC_ERROR_OS,
			        "cannot start a throw-away PostgreSQL server: no free TCP port on 127.0.0.1: %s",
			        strerror(errno));
			goto done;
		}
		if ((error = start_on_port(s, postgres, data, log, *port,
		                           ra)) != 0)
			break;
		if (attempt == 4 || !port_was_taken(log)) {
			log_tail(&why, log);
			error = mc_error_set(
			        MC_ERROR_DB,
			        "cannot start a throw-away PostgreSQL server: %s",
			        mc_buf_cstr(&why));
			goto done;
		}
	}
	if (error > 0)
		error = 0;
done:
	mc_buf_dispose(&why);
	mc_free(postgres);
	mc_free(data);
	mc_free(log);
	return error;
}

static void stop_postmaster(mc_scratch *s)
{
	int status;
	if (s->postmaster <= 0)
		return;
	/* fast shutdown, then immediate, then kill the whole session */
	kill(s->postmaster, SIGINT);
	for (int i = 0; i < 200; i++) {
		if (waitpid(s->postmaster, &status, WNOHANG) == s->postmaster) {
			s->postmaster = 0;
			return;
		}
		if (i == 100)
			kill(s->postmaster, SIGQUIT);
		sleep_ms(50);
	}
	kill(-s->postmaster, SIGKILL);
	kill(s->postmaster, SIGKILL);
	waitpid(s->postmaster, &status, 0);
	s->postmaster = 0;
}

static int create_cluster(mc_scratch *s, const mc_scratch_opts *opts)
{
	char *bindir = NULL;
	char password[33];
	run_as ra = { 0, 0, 0 };
	int error, port = 0;

	if ((error = find_bindir(&bindir)) < 0) {
		if (error == MC_ENOTFOUND)
			mc_error_set(
			        MC_ERROR_DB,
			        "no PostgreSQL server for the scratch database: pass --scratch URL, "
			        "set scratch.postgres in .migcheck or MIGCHECK_SCRATCH_URL, "
			        "or install PostgreSQL (initdb) to let migcheck start a throw-away server");
		return error;
	}
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (!pw) {
			error = mc_error_set(
			        MC_ERROR_DB,
			        "cannot start a throw-away PostgreSQL server as root: no 'postgres' user "
			        "(PostgreSQL refuses to run as root); pass --scratch URL or set MIGCHECK_SCRATCH_URL");
			goto done;
		}
		ra.as_user = 1;
		ra.uid = pw->pw_uid;
		ra.gid = pw->pw_gid;
	}
	snprintf(password, sizeof(password), "%016llx%016llx", random_bits(),
	         random_bits());
	if ((error = make_tmpdir(&s->dir, tmp_parent(opts), "pg")) < 0)
		goto done;
	if (ra.as_user && chown(s->dir, ra.uid, ra.gid) < 0) {
		error = mc_error_set(
		        MC_ERROR_OS,
		        "cannot hand '%s' to the postgres user: %s", s->dir,
		        strerror(errno));
		goto done;
	}
	if ((error = run_initdb(bindir, s->dir, &ra, password)) < 0 ||
	    (error = start_postmaster(s, bindir, &ra, &port)) < 0)
		goto done;
	/* ours through the socket (the port names it) */
	if ((error = mc_db__url_socket(&s->admin_url, s->dir, port,
	                               "postgres")) < 0)
		goto done;
	if (!(s->dbname = mc_strdup("migcheck_scratch"))) {
		error = mc_error_set_oom();
		goto done;
	}
	if ((error = mc_db__url_socket(&s->url, s->dir, port, s->dbname)) < 0)
		goto done;
	/* the runners' over TCP, which every client reads */
	if (!(s->runner_url = mc_asprintf(
	              "postgresql://postgres:%s@127.0.0.1:%d/migcheck_scratch",
	              password, port))) {
		error = mc_error_set_oom();
		goto done;
	}
	error = create_database(s);
done:
	memset(password, 0, sizeof(password));
	mc_free(bindir);
	return error;
}

/* ---- lifecycle ---- */

static void registry_remove(mc_scratch *s)
{
	for (mc_scratch **pp = &registry; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

int mc_scratch_remove(mc_scratch *s)
{
	int error = 0;
	if (!s || s->removed)
		return 0;
	if (s->owner != getpid())
		return 0;
	s->removed = 1;
	switch (s->kind) {
	case KIND_SQLITE:
		break;
	case KIND_PG_SERVER:
		if (s->dbname && s->admin_url &&
		    (error = drop_database(s->admin_url, s->dbname, 1)) < 0) {
			mc_free(left_behind);
			left_behind = mc_strdup(s->dbname);
		}
		break;
	case KIND_PG_CLUSTER:
		stop_postmaster(s);
		break;
	}
	if (s->dir) {
		int e2 = remove_tree(s->dir);
		if (!error)
			error = e2;
	}
	registry_remove(s);
	return error;
}

void mc_scratch_free(mc_scratch *s)
{
	if (!s)
		return;
	if (mc_scratch_remove(s) < 0)
		mc_error_clear();
	registry_remove(s);
	mc_free(s->url);
	mc_free(s->runner_url);
	mc_free(s->display_url);
	mc_free(s->dir);
	mc_free(s->sqlite_path);
	mc_free(s->admin_url);
	mc_free(s->dbname);
	mc_free(s);
}

const char *mc_scratch_left_behind(void)
{
	return left_behind;
}

void mc_scratch_cleanup_all(void)
{
	while (registry) {
		mc_scratch *s = registry;
		if (mc_scratch_remove(s) < 0)
			mc_error_clear();
		registry_remove(s); /* also when owned by another process */
	}
}

int mc_scratch_create(mc_scratch **out,
                      mc_dialect engine,
                      const mc_scratch_opts *opts)
{
	mc_scratch *s;
	int error = 0;

	MC_ASSERT_ARG(out);
	*out = NULL;
	if (mc_db__signal)
		return interrupted();
	if (!(s = mc_calloc(1, sizeof(*s))))
		return mc_error_set_oom();
	s->owner = getpid();
	sweep_stale_dirs(tmp_parent(opts));
	/* on the registry before anything exists, so a signal finds it */
	s->next = registry;
	registry = s;

	if (engine == MC_DIALECT_SQLITE) {
		s->kind = KIND_SQLITE;
		if ((error = make_tmpdir(&s->dir, tmp_parent(opts), "sqlite")) <
		    0)
			goto done;
		if (!(s->sqlite_path = mc_asprintf("%s/scratch.db", s->dir)) ||
		    !(s->url = mc_asprintf("sqlite://%s", s->sqlite_path))) {
			error = mc_error_set_oom();
			goto done;
		}
	} else if (engine == MC_DIALECT_POSTGRES && opts && opts->server_url &&
	           *opts->server_url) {
		s->kind = KIND_PG_SERVER;
		if (!(s->admin_url = mc_strdup(opts->server_url)) ||
		    !(s->dbname = mc_asprintf(NAME_PREFIX "%ld_%06x_%08llx",
		                              (long)getpid(), host_tag(),
		                              random_bits() & 0xffffffffULL))) {
			error = mc_error_set_oom();
			goto done;
		}
		if ((error = mc_db__url_with_dbname(&s->url, s->admin_url,
		                             s->dbname)) < 0 ||
		    (error = create_database(s)) < 0) {
			/* never drop a database we did not create */
			if (error != MC_EINTR) {
				mc_free(s->dbname);
				s->dbname = NULL;
			}
			goto done;
		}
	} else if (engine == MC_DIALECT_POSTGRES) {
		s->kind = KIND_PG_CLUSTER;
		if ((error = create_cluster(s, opts)) < 0)
			goto done;
	} else {
		error = mc_error_set(MC_ERROR_USAGE,
		                     "no scratch database for engine '%s'",
		                     mc_dialect_name(engine));
		goto done;
	}
	if (!(s->display_url = mc_db__url_redact_dup(s->url))) {
		error = mc_error_set_oom();
		goto done;
	}
	*out = s;
	return 0;
done : {
	/* keep the error that made us give up */
	mc_error saved = MC_ERROR_INIT;
	mc_error_save(&saved);
	mc_scratch_free(s);
	mc_error_restore(&saved);
}
	return error;
}

const char *mc_scratch_url(const mc_scratch *s)
{
	return s && s->url ? s->url : "";
}

const char *mc_scratch_runner_url(const mc_scratch *s)
{
	return s && s->runner_url ? s->runner_url : mc_scratch_url(s);
}

const char *mc_scratch_display_url(const mc_scratch *s)
{
	return s && s->display_url ? s->display_url : "";
}

mc_dialect mc_scratch_engine(const mc_scratch *s)
{
	return s->kind == KIND_SQLITE ? MC_DIALECT_SQLITE : MC_DIALECT_POSTGRES;
}

int mc_scratch_connect(mc_db **out, mc_scratch *s)
{
	int error;

	MC_ASSERT_ARG(out && s);
	*out = NULL;
	if (s->removed)
		return mc_error_set(MC_ERROR_DB,
		                    "scratch database '%s' was removed",
		                    mc_scratch_display_url(s));
	if ((error = mc_db_open(out, s->url)) < 0 || s->kind != KIND_SQLITE)
		return error;
	/*
	 * A file this module created in its own temp dir, thrown away after:
	 * no fsync, no journal file (a late migration in a 10,000-migration
	 * folder took 148 s on a disk that syncs). Never for a database
	 * migcheck did not create: drift targets open read-only (db.c).
	 */
	if ((error = mc_db_exec(*out, "PRAGMA main.synchronous = OFF; "
	                              "PRAGMA main.journal_mode = MEMORY")) <
	    0) {
		mc_db_close(*out);
		*out = NULL;
	}
	return error;
}

int mc_scratch_reset(mc_scratch *s)
{
	int error;
	MC_ASSERT_ARG(s && !s->removed);
	if (s->kind == KIND_SQLITE) {
		static const char *const suffixes[] = { "", "-journal", "-wal",
			                                "-shm" };
		for (size_t i = 0; i < MC_ARRAY_SIZE(suffixes); i++) {
			char *p = mc_asprintf("%s%s", s->sqlite_path,
			                      suffixes[i]);
			if (!p)
				return mc_error_set_oom();
			if (unlink(p) < 0 && errno != ENOENT) {
				error = mc_error_set(MC_ERROR_OS,
				                     "cannot remove '%s': %s",
				                     p, strerror(errno));
				mc_free(p);
				return error;
			}
			mc_free(p);
		}
		return 0;
	}
	if ((error = drop_database(s->admin_url, s->dbname, 1)) < 0)
		return error;
	return create_database(s);
}

int mc_scratch_cleanup_stale(size_t *dropped, const char *server_url)
{
	mc_db *db = NULL;
	mc_db_result *r = NULL;
	unsigned tag = host_tag();
	int error;

	MC_ASSERT_ARG(server_url);
	if (dropped)
		*dropped = 0;
	if ((error = mc_db_open(&db, server_url)) < 0)
		return error;
	if ((error = mc_db_query(
	             &r, db,
	             "SELECT d.datname, (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity a "
	             "WHERE a.datname = d.datname) FROM pg_catalog.pg_database d "
	             "WHERE d.datname LIKE 'migcheck\\_scratch\\_%' ORDER BY 1")) <
	    0)
		goto done;
	for (size_t i = 0; i < mc_db_result_rows(r); i++) {
		const char *name = mc_db_result_get(r, i, 0),
		           *conns = mc_db_result_get(r, i, 1);
		long pid;
		unsigned htag;
		unsigned long long rnd;
		char tail;

		if (!name || sscanf(name, NAME_PREFIX "%ld_%6x_%8llx%c", &pid,
		                    &htag, &rnd, &tail) != 3)
			continue;
		if (htag != tag || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (conns && strcmp(conns, "0"))
			continue;
		if ((error = drop_database(server_url, name, 0)) < 0)
			goto done;
		if (dropped)
			(*dropped)++;
	}
done:
	mc_db_result_free(r);
	mc_db_close(db);
	return error;
}
