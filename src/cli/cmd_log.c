/*
 * cmd_log.c: 'migcheck log', the history of each migration from git.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migcheck/history.h"
#include "migcheck/quote.h"
#include "util/banned.h"

static const char usage[] =
	"usage: migcheck log [--dir <dir>] [--deploy-ref <ref>] [<rev>]\n";

static const char help[] =
	"History of each migration from git: the commit that added it (sha, author,\n"
	"date, subject), the first deploy ref or release tag holding it, and every\n"
	"later commit that changed it. One walk from <rev> (default HEAD).\n\n"
	"      --dir <dir>           migrations folder (repeatable; overrides migrations.dir)\n"
	"      --deploy-ref <ref>    deploy ref or glob (repeatable; overrides deploy.ref)\n";

enum { OPT_DEPLOY_REF = 1 };

static void fmt_date(char *out, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "%lld", t);
}

static const char *event_name(mc_history_event e)
{
	return e == MC_HISTORY_ADDED ? "added" : e == MC_HISTORY_DELETED ? "deleted" : "modified";
}

static mc_report_value *commit_value(const mc_commit_info *c)
{
	char date[32];
	mc_report_value *o = mc_report_object_new();

	fmt_date(date, sizeof(date), c->time);
	/* git's bytes: what is not UTF-8 becomes U+FFFD */
	mc_report_object_set_str(o, "commit", c->sha);
	mc_report_object_set_str(o, "author", c->author);
	mc_report_object_set_str(o, "email", c->email);
	mc_report_object_set_str(o, "date", date);
	mc_report_object_set_str(o, "subject", c->subject);
	return o;
}

static int print_json(const mc_history *h)
{
	mc_report_value *root = mc_report_object_new(),
	                *arr = mc_report_array_new();
	mc_buf out = MC_BUF_INIT;
	int error;

	mc_report_object_set_str(root, "command", "log");
	for (size_t i = 0; i < h->entries.len; i++) {
		const mc_history_entry *e = h->entries.items[i];
		mc_report_value *o = mc_report_object_new(),
		                *edits = mc_report_array_new();
		mc_report_value *added = NULL, *deleted = NULL;
		for (size_t k = 0; k < e->changes.len; k++) {
			const mc_history_change *c = e->changes.items[k];
			if (c->event == MC_HISTORY_ADDED && k == 0) {
				mc_report_value_free(added);
				added = commit_value(c->commit);
			} else if (c->event == MC_HISTORY_DELETED && k + 1 == e->changes.len) {
				mc_report_value_free(deleted);
				deleted = commit_value(c->commit);
			} else {
				mc_report_value *cv = commit_value(c->commit);
				mc_report_object_set_str(cv, "change", event_name(c->event));
				mc_report_array_push(edits, cv);
			}
		}
		mc_report_object_set_str(o, "file", e->path);
		if (added)
			mc_report_object_set(o, "added", added);
		else
			mc_report_object_set_null(o, "added");
		mc_report_object_set_str(o, "released", e->released);
		mc_report_object_set(o, "edits", edits);
		if (deleted)
			mc_report_object_set(o, "deleted", deleted);
		else
			mc_report_object_set_null(o, "deleted");
		mc_report_array_push(arr, o);
	}
	mc_report_object_set(root, "migrations", arr);
	mc_report_object_set_int(root, "commits_walked", (long long)h->walked);
	error = mc_report_value_write(&out, root);
	mc_report_value_free(root);
	if (error < 0) {
		mc_buf_dispose(&out);
		return cli_error(MC_EXIT_ENV, "out of memory");
	}
	fputs(mc_buf_cstr(&out), stdout);
	mc_buf_dispose(&out);
	return MC_EXIT_OK;
}

static void print_text(const mc_history *h)
{
	char date[32];

	for (size_t i = 0; i < h->entries.len; i++) {
		const mc_history_entry *e = h->entries.items[i];
		/* paths (git-quoted), ref names and commit subjects may hold
		 * line breaks or escape sequences */
		char *path = mc_quote_path_dup(e->path);
		char *rel = e->released ? mc_quote_text_dup(e->released, 0) : NULL;
		printf("%s%s\n", path ? path : "", e->released ? "" : mc_cli.quiet ? "" : "  (not released)");
		if (e->released)
			printf("  released  %s\n", rel ? rel : "");
		mc_free(path);
		mc_free(rel);
		for (size_t k = 0; k < e->changes.len; k++) {
			const mc_history_change *c = e->changes.items[k];
			char *author = mc_quote_text_dup(c->commit->author, 0);
			char *email = mc_quote_text_dup(c->commit->email, 0);
			char *subject = mc_quote_text_dup(c->commit->subject, 0);
			fmt_date(date, sizeof(date), c->commit->time);
			printf("  %-8s  %.10s %s %s <%s>  %s\n", event_name(c->event), c->commit->sha, date,
			       author ? author : "", email ? email : "", subject ? subject : "");
			mc_free(author);
			mc_free(email);
			mc_free(subject);
		}
	}
	if (!h->entries.len)
		puts("no migrations in the history");
}

static int push_opt(mc_vec *v, const char *s)
{
	char *d = mc_strdup(s);
	size_t n;
	if (!d)
		return -1;
	n = strlen(d);
	while (n > 0 && d[n - 1] == '/')
		d[--n] = '\0';
	if (mc_vec_push(v, d) < 0) {
		mc_free(d);
		return -1;
	}
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		MC_DIR_LONGOPT,
		{ "deploy-ref", required_argument, NULL, OPT_DEPLOY_REF },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = CLI_ARGS_INIT("log", usage, "", 0); /* --dir: in history, maybe not the tree */
	mc_vec refs = MC_VEC_INIT, dirs = MC_VEC_INIT; /* dirs: borrowed from project */
	mc_project_opts po;
	mc_project *project = NULL;
	mc_history *h = NULL;
	const char *rev = NULL;
	int ch, rc = MC_EXIT_OK;

	while ((ch = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			goto out;
		case OPT_DEPLOY_REF:
			if (push_opt(&refs, optarg) < 0) {
				rc = cli_error(MC_EXIT_ENV, "out of memory");
				goto out;
			}
			break;
		default:
			if ((rc = cli_args_opt(&a, ch, optarg, argc, argv)) != 0)
				goto out;
		}
	}
	if (optind < argc)
		rev = argv[optind++];
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto out;
	if (mc_cli.format_set && mc_cli.format != MC_OUTPUT_TEXT && mc_cli.format != MC_OUTPUT_JSON) {
		rc = cli_usage_error("log", usage, "log prints text or json only");
		goto out;
	}
	/* the folders as every command resolves them: configured, else
	 * found in the work tree */
	memset(&po, 0, sizeof(po));
	po.flags = MC_PROJECT_DETECT;
	if (mc_project_open(&project, mc_cli.config, mc_repo_workdir(mc_cli.repo), &po) < 0 ||
	    mc_project_dirs(&dirs, project) < 0 ||
	    mc_history_load(&h, mc_cli.repo, rev, &dirs,
	                    refs.len ? &refs : &mc_cli.config->deploy_refs) < 0) {
		rc = cli_error_last();
		goto out;
	}
	if (mc_cli.format == MC_OUTPUT_JSON)
		rc = print_json(h);
	else
		print_text(h);
out:
	mc_history_free(h);
	mc_vec_dispose(&dirs);
	mc_project_free(project);
	mc_vec_dispose_deep(&refs, mc_free);
	return rc;
}
