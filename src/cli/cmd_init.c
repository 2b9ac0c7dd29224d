/*
 * cmd_init.c: 'migcheck init': parse the options, print what the library
 * concludes and write .migcheck (git-config syntax, a comment above every
 * key).
 *
 * Folders come from --dir or mc_migration_find_dirs, as 'list' finds them
 * without configuration, less those the other commands refuse (links,
 * submodules: mc_repo_check_dirs); the migration module says the rest
 * (mc_project_guess_run: format, downs, dialects with their reasons,
 * folders left out, model paths, Sequelize apps). Git refs come from
 * src/git (mc_repo_default_deploy_ref, and mc_repo_release_refs for the
 * release tags). The text
 * written is loaded back through the config loader before it replaces anything,
 * so init never writes a .migcheck that migcheck itself would refuse.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/errors.h"
#include "migcheck/quote.h"
#include "migcheck/vec.h"
#include "util/banned.h"

#define CONFIG_FILE ".migcheck"

static const char usage[] =
        "usage: migcheck init [--force] [--dry-run] [--dir <dir>]... [--dialect <d>] [--migration-format <f>]\n";

static const char help[] =
        "Detect the migrations folder(s), format, dialect, deploy refs (origin's default\n"
        "branch and the release tags) and model paths, and write them to .migcheck at\n"
        "the repository root (printed on stdout).\n"
        "      --force           overwrite an existing .migcheck\n"
        "  -n, --dry-run         print what would be written; write nothing\n"
        "      --dir <dir>       migrations folder (repeatable); skips folder detection\n"
        "      --dialect <d>     postgres or sqlite; skips dialect detection\n"
        "      --migration-format <f>\n"
        "                        golang-migrate, dbmate, goose, sql-migrate, flyway,\n"
        "                        popx, plain or sequelize; skips format detection\n";

static int push_copy(mc_vec *v, const char *s)
{
	char *copy;
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return 0;
	if ((copy = mc_strdup(s)) == NULL || mc_vec_push(v, copy) < 0) {
		mc_free(copy);
		return mc_error_set_oom();
	}
	return 0;
}

/*
 * Refuse a folder that the other commands refuse (mc_repo_check_dirs: a
 * symbolic link or a submodule, or below one, in HEAD or in the work tree,
 * or a repository of its own), with the same message. @return 0, or
 * MC_ERROR with MC_ERROR_CONFIG and the fix in the message.
 */
static int folder_kind_ok(const char *rel)
{
	mc_vec one = MC_VEC_INIT;
	int error = mc_vec_push(&one, (void *)rel);

	if (!error)
		error = mc_repo_check_dirs(mc_cli.repo, &one);
	mc_vec_dispose(&one);
	return error;
}

struct plan {
	mc_vec dirs; /* char*, borrowed from detect or options */
	mc_format format;
	mc_dialect dialect;
	int require_down;
	const char *deploy_ref;
	int deploy_ref_found;
	const mc_vec *release_refs; /* char*: more deploy refs, the release tags */
	mc_vec models; /* char*, borrowed */
	const mc_vec *folders; /* mc_guess_folder*: a section each when per_folder */
	int per_folder;        /* the folders' dialects differ */
};

/*
 * The values init writes, for mc_config_template: the key table adds the
 * sections, the comments and the commented examples. Comments made here
 * are kept in owned (char*).
 */
struct values {
	mc_config_init_value *v;
	size_t n, cap;
	mc_vec owned;
};

static int value_add(struct values *vs, const char *key, const char *dir,
                     const char *value, const char *comment)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 32;
		mc_config_init_value *v = mc_realloc(vs->v, cap * sizeof(*v));
		if (!v)
			return mc_error_set_oom();
		vs->v = v;
		vs->cap = cap;
	}
	vs->v[vs->n].key = key;
	vs->v[vs->n].dir = dir;
	vs->v[vs->n].value = value;
	vs->v[vs->n].comment = comment;
	vs->n++;
	return 0;
}

/* As value_add, comment being new (NULL: out of memory); it is kept. */
static int value_add_own(struct values *vs, const char *key, const char *dir,
                         const char *value, char *comment)
{
	if (!comment || mc_vec_push(&vs->owned, comment) < 0) {
		mc_free(comment);
		return mc_error_set_oom();
	}
	return value_add(vs, key, dir, value, comment);
}

/*
 * The resident Sequelize runner for folder f: tool_key = sequelize (none
 * when NULL: said already), then env_key = NAME=VALUE for each variable
 * its app's config reads, each with why.
 */
static int put_sequelize(struct values *vs, const mc_guess_folder *f,
                         const char *dir, const char *tool_key,
                         const char *env_key)
{
	int error = 0;

	if (tool_key)
		error = value_add_own(
		        vs, tool_key, dir, "sequelize",
		        f->seq_found
		                ? mc_asprintf("migcheck's resident Sequelize runner: one node process per run, in '%s' (%s)",
		                              *f->seq.app ? f->seq.app : ".", f->seq.why)
		                : mc_asprintf("migcheck's resident Sequelize runner: one node process per run, in the folder above\n"
		                              "\t# '%s' whose node_modules holds sequelize (none found: run 'npm install' there)",
		                              f->dir));
	for (size_t i = 0; f->seq_found && i < f->seq.env.len && !error; i++)
		error = value_add(vs, env_key, dir, f->seq.env.items[i],
		                  f->seq.env_why.items[i]);
	return error;
}

static int compose_values(struct values *vs, const struct plan *p)
{
	int error = 0;

#define VAL(k, d, val, c)                                                      \
	do {                                                                   \
		if ((error = value_add(vs, (k), (d), (val), (c))) < 0)         \
			return error;                                          \
	} while (0)
	for (size_t i = 0; i < p->dirs.len; i++)
		VAL("migrations.dir", NULL, p->dirs.items[i], NULL);
	VAL("migrations.format", NULL, mc_format_name(p->format), NULL);
	VAL("migrations.dialect", NULL, mc_dialect_name(p->dialect), NULL);
	VAL("migrations.requireDown", NULL, p->require_down ? "true" : "false",
	    p->require_down ? NULL
	                    : "a migration without a down script is a finding (no down scripts were found, so off)");
	for (size_t i = 0; p->folders && i < p->folders->len; i++) {
		const mc_guess_folder *f = p->folders->items[i];
		/* a Sequelize folder among others: its own runner */
		int own_runner = p->format != MC_FORMAT_SEQUELIZE &&
		                 f->format == MC_FORMAT_SEQUELIZE;
		if (p->per_folder &&
		    (error = value_add_own(
		             vs, "dialect", f->dir, mc_dialect_name(f->dialect),
		             mc_asprintf("this folder's own settings; dialect: %s",
		                         mc_buf_cstr(&f->why)))) < 0)
			return error;
		if (own_runner &&
		    (error = put_sequelize(vs, f, f->dir, "runnerTool",
		                           "runnerEnv")) < 0)
			return error;
	}
	VAL("deploy.ref", NULL, p->deploy_ref,
	    p->deploy_ref_found
	            ? NULL
	            : "a migration whose file is in this ref's tree is deployed and must not change;\n"
	              "\t# may repeat, globs allowed (refs/tags/v*). NOT FOUND in this clone yet: check the name");
	for (size_t i = 0; p->release_refs && i < p->release_refs->len; i++)
		VAL("deploy.ref", NULL, p->release_refs->items[i],
		    i == 0 ? "the release tags: a migration released in one is deployed too" : NULL);
	for (size_t i = 0; i < p->models.len; i++)
		VAL("models.path", NULL, p->models.items[i], NULL);
	for (size_t i = 0; p->format == MC_FORMAT_SEQUELIZE && p->folders &&
	                   i < p->folders->len;
	     i++)
		if ((error = put_sequelize(vs, p->folders->items[i], NULL,
		                           i == 0 ? "runner.tool" : NULL,
		                           "runner.env")) < 0)
			return error;
#undef VAL
	return 0;
}

static int compose(mc_buf *b, const struct plan *p)
{
	struct values vs = { NULL, 0, 0, MC_VEC_INIT };
	int error = compose_values(&vs, p);

	if (!error)
		error = mc_config_template(b, vs.v, vs.n);
	mc_free(vs.v);
	mc_vec_dispose_deep(&vs.owned, mc_free);
	return error;
}

/* Write text to a new file beside target, check it loads, move it in place. */
static int
write_checked(const char *target, const char *text, size_t len, int dry_run)
{
	const char *tmpdir = getenv("TMPDIR");
	char *tmp = NULL;
	mc_config *c = NULL;
	FILE *f = NULL;
	int fd, rc = MC_EXIT_ENV;

	tmp = dry_run ? mc_asprintf("%s/migcheck-init.XXXXXX",
	                            tmpdir && *tmpdir ? tmpdir : "/tmp")
	              : mc_asprintf("%s.XXXXXX", target);
	if (!tmp)
		return cli_error(MC_EXIT_ENV, "out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot create '%s': %s", tmp,
		               strerror(errno));
		mc_free(tmp);
		return rc;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		f = NULL;
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	f = NULL;
	if (chmod(tmp, 0644) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s", tmp,
		               strerror(errno));
		goto done;
	}
	if (mc_config_load_file(&c, tmp, CONFIG_FILE) < 0) {
		/* a bug in init, not the user's doing: say so */
		rc = cli_error(
		        MC_EXIT_ENV,
		        "internal error: the generated .migcheck does not load: %s",
		        mc_error_last() ? mc_error_last()->message : "?");
		goto done;
	}
	if (!dry_run && rename(tmp, target) < 0) {
		rc = cli_error(MC_EXIT_ENV, "cannot write '%s': %s",
		               CONFIG_FILE, strerror(errno));
		goto done;
	}
	if (!dry_run) {
		mc_free(tmp);
		tmp = NULL;
	}
	rc = MC_EXIT_OK;
done:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		mc_free(tmp);
	}
	mc_config_free(c);
	return rc;
}

static void note(const char *fmt, ...) MC_PRINTF(1, 2);
static void note(const char *fmt, ...)
{
	mc_buf msg = MC_BUF_INIT, line = MC_BUF_INIT;
	va_list ap;
	int error;

	if (mc_cli.quiet)
		return;
	va_start(ap, fmt);
	error = mc_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* a folder name may hold a line break or an escape sequence */
	if (!error && mc_quote_text(&line, mc_buf_cstr(&msg), 0) == 0)
		fprintf(stderr, "migcheck: %s\n", mc_buf_cstr(&line));
	mc_error_clear();
	mc_buf_dispose(&msg);
	mc_buf_dispose(&line);
}

int cmd_init(int argc, char **argv)
{
	enum { OPT_FORCE = 2000, OPT_DIR, OPT_DIALECT, OPT_MFORMAT };
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "dialect", required_argument, NULL, OPT_DIALECT },
		{ "migration-format", required_argument, NULL, OPT_MFORMAT },
		{ NULL, 0, NULL, 0 }
	};
	const char *shortopts = "+n" MC_COMMON_SHORTOPTS;
	struct cli_args a = CLI_ARGS_INIT("init", usage, "n", 0);
	mc_project_guess g;
	mc_guess_opts go = { 0, MC_FORMAT_AUTO, MC_DIALECT_UNKNOWN };
	const char *wd;
	mc_vec found = MC_VEC_INIT, skipped = MC_VEC_INIT;
	struct plan p = { 0 };
	mc_config *opt = NULL; /* options, validated like .migcheck */
	mc_buf target = MC_BUF_INIT, text = MC_BUF_INIT, ref = MC_BUF_INIT;
	mc_release_refs rel = MC_RELEASE_REFS_INIT;
	const char *how = NULL;
	int force = 0, dry_run = 0, dialect_set = 0, format_set = 0, existed;
	int ch, rc = MC_EXIT_OK, error;
	struct stat st;

	memset(&g, 0, sizeof(g));
	if (mc_config_new(&opt) < 0)
		return cli_error_last();
	while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			goto out;
		case OPT_FORCE:
			force = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		case OPT_DIR: {
			/* relative to the current directory, as every command
			 * takes --dir; written relative to the root */
			char *given = NULL;
			if ((rc = cli_dir_relative(&given, optarg, 0)) != 0)
				goto out;
			if (!given) {
				rc = cli_error(MC_EXIT_USAGE,
				               "no folder '%s' in the work tree",
				               optarg);
				goto out;
			}
			error = mc_config_add(opt, "migrations.dir", given);
			mc_free(given);
			goto check_opt;
		}
		case OPT_DIALECT:
			dialect_set = 1;
			error = mc_config_set(opt, "migrations.dialect",
			                      optarg);
			goto check_opt;
		case OPT_MFORMAT:
			format_set = 1;
			error = mc_config_set(opt, "migrations.format", optarg);
		check_opt:
			if (error < 0) {
				rc = cli_usage_error("init", usage, "%s",
				                     mc_error_last()->message);
				goto out;
			}
			break;
		default:
			/* init's --dir is its own (no .migcheck to replace) */
			if ((rc = cli_args_opt(&a, ch, optarg, argc, argv)) != 0)
				goto out;
		}
	}
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto out;

	wd = mc_repo_workdir(mc_cli.repo);
	if (mc_buf_joinpath(&target, wd, CONFIG_FILE) < 0) {
		rc = cli_error_last();
		goto out;
	}
	existed = lstat(mc_buf_cstr(&target), &st) == 0;
	if (existed && !force && !dry_run) {
		rc = cli_error(
		        MC_EXIT_USAGE,
		        "'%s' already exists; run 'migcheck init --force' to overwrite it",
		        CONFIG_FILE);
		goto out;
	}

	/* folders: as given, or where 'list' would look without a .migcheck */
	if (opt->dirs.len) {
		/* as check, list and log would refuse them */
		for (size_t i = 0; i < opt->dirs.len; i++)
			if (folder_kind_ok(opt->dirs.items[i]) < 0) {
				rc = cli_error_last();
				goto out;
			}
		for (size_t i = 0; i < opt->dirs.len; i++) {
			mc_buf dp = MC_BUF_INIT;
			int isdir = mc_buf_joinpath(&dp, wd,
			                            opt->dirs.items[i]) == 0 &&
			            stat(mc_buf_cstr(&dp), &st) == 0 &&
			            S_ISDIR(st.st_mode);
			mc_buf_dispose(&dp);
			if (!isdir) {
				rc = cli_error(
				        MC_EXIT_USAGE,
				        "no folder '%s' in the work tree",
				        (const char *)opt->dirs.items[i]);
				goto out;
			}
			if (push_copy(&found, opt->dirs.items[i]) < 0) {
				rc = cli_error_last();
				goto out;
			}
		}
	} else if (mc_migration_find_dirs(&found, wd) < 0) {
		rc = cli_error_last();
		goto out;
	} else {
		/* a link or a submodule found by looking: the others are
		 * used; with none left, refuse as check would */
		size_t kept = 0;
		for (size_t i = 0; i < found.len; i++) {
			if (folder_kind_ok(found.items[i]) == 0) {
				found.items[kept++] = found.items[i];
				continue;
			}
			if (mc_error_last()->klass != MC_ERROR_CONFIG ||
			    push_copy(&skipped, mc_error_last()->message) < 0) {
				rc = cli_error_last();
				goto out;
			}
			mc_free(found.items[i]);
		}
		found.len = kept;
		mc_error_clear();
		for (size_t i = kept ? 0 : 1; i < skipped.len; i++)
			note("skipped: %s", (const char *)skipped.items[i]);
		if (!kept && skipped.len) {
			rc = cli_error(MC_EXIT_USAGE, "%s",
			               (const char *)skipped.items[0]);
			goto out;
		}
	}
	/* what the folders and the tree say: format, downs, dialects, models,
	 * Sequelize apps */
	go.given = opt->dirs.len > 0;
	go.format = format_set ? opt->format : MC_FORMAT_AUTO;
	go.dialect = dialect_set ? opt->dialect : MC_DIALECT_UNKNOWN;
	if (mc_project_guess_run(&g, wd, &found, &go) < 0) {
		rc = cli_error_last();
		goto out;
	}
	for (size_t i = 0; i < g.notes.len; i++)
		note("%s", (const char *)g.notes.items[i]);
	for (size_t i = 0; i < g.folders.len; i++)
		if (mc_vec_push(&p.dirs, ((mc_guess_folder *)g.folders.items[i])->dir) < 0) {
			rc = cli_error_last();
			goto out;
		}
	p.format = g.format;
	p.require_down = g.require_down;
	p.dialect = g.dialect;
	p.folders = &g.folders;
	p.per_folder = g.per_folder;

	/* deploy ref */
	error = mc_repo_default_deploy_ref(&ref, &how, mc_cli.repo);
	if (error == 0) {
		p.deploy_ref = mc_buf_cstr(&ref);
		p.deploy_ref_found = 1;
		note("deploy ref: %s, %s", p.deploy_ref, how);
	} else if (error == MC_ENOTFOUND) {
		p.deploy_ref = "refs/remotes/origin/main";
		note("deploy ref: %s (a guess: no origin branch and no local main or master yet; edit deploy.ref)",
		     p.deploy_ref);
	} else {
		rc = cli_error_last();
		goto out;
	}
	/* the release tags (src/git/releases.c) */
	if (mc_repo_release_refs(&rel, mc_cli.repo, &p.dirs) < 0) {
		rc = cli_error_last();
		goto out;
	}
	for (size_t i = 0; i < rel.refs.len; i++)
		note("deploy ref: %s (%s)", (const char *)rel.refs.items[i],
		     (const char *)rel.reasons.items[i]);
	for (size_t i = 0; i < rel.notes.len; i++)
		note("%s", (const char *)rel.notes.items[i]);
	p.release_refs = &rel.refs;

	/* model paths: the folders and files that define ORM models */
	for (size_t i = 0; i < g.scan.model_paths.len; i++)
		if (mc_vec_push(&p.models, g.scan.model_paths.items[i]) < 0) {
			rc = cli_error_last();
			goto out;
		}
	for (size_t i = 0; i < g.scan.model_paths.len; i++)
		note("model path: %s (%s)", (const char *)g.scan.model_paths.items[i],
		     (const char *)g.scan.model_why.items[i]);
	for (size_t i = 0; i < g.scan.notes.len; i++)
		note("model paths: %s", (const char *)g.scan.notes.items[i]);
	if (!g.scan.model_paths.len)
		note("model paths: none found (set models.path to enable model-without-migration)");
	for (size_t i = 0; i < g.runner_notes.len; i++)
		note("%s", (const char *)g.runner_notes.items[i]);

	if (compose(&text, &p) < 0) {
		rc = cli_error_last();
		goto out;
	}
	if ((rc = write_checked(mc_buf_cstr(&target), mc_buf_cstr(&text),
	                        text.size, dry_run)) != 0)
		goto out;
	fwrite(mc_buf_cstr(&text), 1, text.size, stdout);
	fflush(stdout);
	if (dry_run)
		note("dry run: %s not written", CONFIG_FILE);
	else
		fprintf(stderr, "migcheck: wrote %s%s\n", CONFIG_FILE,
		        existed ? " (replacing the old one: --force)" : "");

out:
	mc_vec_dispose_deep(&found, mc_free);
	mc_vec_dispose_deep(&skipped, mc_free);
	mc_vec_dispose(&p.dirs);
	mc_vec_dispose(&p.models);
	mc_project_guess_dispose(&g);
	mc_config_free(opt);
	mc_buf_dispose(&target);
	mc_buf_dispose(&text);
	mc_buf_dispose(&ref);
	mc_release_refs_dispose(&rel);
	return rc;
}
