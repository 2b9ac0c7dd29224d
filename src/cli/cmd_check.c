/*
 * cmd_check.c: 'migcheck check', static checks on a change (SPEC §6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/check.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char usage[] =
	"usage: migcheck check [--staged | --range <a>..<b> | --commit <rev> | --pre-push]\n"
	"                      [--message-file <file>] [--dir <dir>] [--deploy-ref <ref>]\n";

static const char help[] =
	"Static checks on a change to the migrations: edits to deployed migrations,\n"
	"ordering, duplicate versions, down scripts, malformed files, model changes\n"
	"without a migration. Without a mode, the working tree is checked against HEAD.\n\n"
	"      --staged              check what is staged in the index (pre-commit hook)\n"
	"      --range <a>..<b>      check <b> against <a> itself (<a>...<b>: against their\n"
	"                            merge base), judged as merged into <a>\n"
	"      --commit <rev>        check one commit against its first parent\n"
	"      --pre-push            check the ranges a git pre-push hook reads on stdin\n"
	"      --message-file <f>    the commit message (commit-msg hook), for the\n"
	"                            'Migcheck-Skip: model-without-migration <reason>' trailer\n"
	"      --dir <dir>           migrations folder (repeatable; overrides migrations.dir)\n"
	"      --deploy-ref <ref>    deployed ref or glob (repeatable; overrides deploy.ref)\n";

enum {
	OPT_STAGED = 1,
	OPT_RANGE,
	OPT_COMMIT,
	OPT_PRE_PUSH,
	OPT_MESSAGE_FILE,
	OPT_DEPLOY_REF
};

static int push_str(mc_vec *v, const char *s)
{
	char *d = mc_strdup(s);
	if (!d || mc_vec_push(v, d) < 0) {
		mc_free(d);
		return -1;
	}
	return 0;
}

static int is_zero_sha(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (*s != '0')
			return 0;
	return 1;
}

/* The ranges of a pre-push hook: "<lref> <lsha> <rref> <rsha>" per line. */
static int run_pre_push(mc_report *r, mc_check_opts *o)
{
	char line[1024];
	int error = 0;

	while (!error && fgets(line, sizeof(line), stdin)) {
		char lref[256], lsha[128], rref[256], rsha[128];
		char *rev = NULL;
		if (sscanf(line, "%255s %127s %255s %127s", lref, lsha, rref, rsha) != 4)
			continue;
		if (is_zero_sha(lsha))
			continue; /* deleting a remote branch */
		if (!is_zero_sha(rsha) && mc_repo_has_commit(mc_cli.repo, rsha))
			rev = mc_asprintf("%s..%s", rsha, lsha);
		else if (o->config->deploy_refs.len &&
		         !strpbrk(o->config->deploy_refs.items[0], "*?["))
			rev = mc_asprintf("%s...%s", (char *)o->config->deploy_refs.items[0], lsha);
		if (rev) {
			o->mode = MC_CHANGES_RANGE;
			o->rev = rev;
		} else {
			o->mode = MC_CHANGES_COMMIT;
			o->rev = lsha;
		}
		error = mc_check_run(r, mc_cli.repo, o);
		mc_free(rev);
	}
	return error;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		MC_COMMON_LONGOPTS,
		{ "staged", no_argument, NULL, OPT_STAGED },
		{ "cached", no_argument, NULL, OPT_STAGED },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "commit", required_argument, NULL, OPT_COMMIT },
		{ "pre-push", no_argument, NULL, OPT_PRE_PUSH },
		{ "message-file", required_argument, NULL, OPT_MESSAGE_FILE },
		MC_DIR_LONGOPT,
		{ "deploy-ref", required_argument, NULL, OPT_DEPLOY_REF },
		{ NULL, 0, NULL, 0 }
	};
	mc_check_opts o;
	mc_project_opts po;
	mc_project *project = NULL;
	struct cli_args a = CLI_ARGS_INIT("check", usage, "", 0); /* --dir: in history, maybe not the tree */
	mc_vec refs = MC_VEC_INIT;
	mc_buf message = MC_BUF_INIT;
	const char *message_file = NULL;
	mc_report *r = NULL;
	int ch, rc = MC_EXIT_OK, modes = 0, pre_push = 0;

	memset(&o, 0, sizeof(o));
	o.mode = MC_CHANGES_WORKDIR;
	while ((ch = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			fputs(MC_COMMON_HELP, stdout);
			goto out;
		case OPT_STAGED:
			o.mode = MC_CHANGES_STAGED;
			modes++;
			break;
		case OPT_RANGE:
			o.mode = MC_CHANGES_RANGE;
			o.rev = optarg;
			modes++;
			break;
		case OPT_COMMIT:
			o.mode = MC_CHANGES_COMMIT;
			o.rev = optarg;
			modes++;
			break;
		case OPT_PRE_PUSH:
			pre_push = 1;
			modes++;
			break;
		case OPT_MESSAGE_FILE:
			message_file = optarg;
			break;
		case OPT_DEPLOY_REF:
			if (push_str(&refs, optarg) < 0) {
				rc = cli_error(MC_EXIT_ENV, "out of memory");
				goto out;
			}
			break;
		default:
			if ((rc = cli_args_opt(&a, ch, optarg, argc, argv)) != 0)
				goto out;
		}
	}
	/* options override config */
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto out;
	if (modes > 1) {
		rc = cli_usage_error("check", usage,
		                     "--staged, --range, --commit and --pre-push exclude each other");
		goto out;
	}
	if (message_file && o.mode != MC_CHANGES_STAGED) {
		rc = cli_usage_error("check", usage, "--message-file goes with --staged");
		goto out;
	}
	if (message_file) {
		if (mc_buf_read_file(&message, message_file, 1024 * 1024) < 0) {
			/* a file the user named: a usage problem, not the environment */
			const mc_error *e = mc_error_last();
			rc = cli_error(MC_EXIT_USAGE, "%s", e ? e->message : "cannot read the message file");
			goto out;
		}
		o.message = mc_buf_cstr(&message);
	}
	if (!mc_repo_workdir(mc_cli.repo) && !pre_push &&
	    (o.mode == MC_CHANGES_WORKDIR || o.mode == MC_CHANGES_STAGED)) {
		rc = cli_error(MC_EXIT_USAGE,
		               "this repository is bare: there is no work tree or index to check; use --range <a>..<b> or --commit <rev>");
		goto out;
	}
	if (refs.len) {
		mc_vec_dispose_deep(&mc_cli.config->deploy_refs, mc_free);
		mc_cli.config->deploy_refs = refs;
		memset(&refs, 0, sizeof(refs));
	}
	/* the folders as every command resolves them: configured, else
	 * found in the work tree; none is a configuration error */
	memset(&po, 0, sizeof(po));
	po.flags = MC_PROJECT_DETECT;
	if (mc_project_open(&project, mc_cli.config, mc_repo_workdir(mc_cli.repo), &po) < 0) {
		rc = cli_error_last();
		goto out;
	}
	o.config = mc_cli.config;
	o.project = project;
	if (mc_report_new(&r, "check") < 0 ||
	    mc_config_apply_severities(mc_cli.config, r) < 0) {
		rc = cli_error_last();
		goto out;
	}
	if ((pre_push ? run_pre_push(r, &o) : mc_check_run(r, mc_cli.repo, &o)) < 0) {
		rc = cli_error_last();
		goto out;
	}
	mc_report_sort(r);
	rc = cli_emit_report(r);
out:
	mc_report_free(r);
	mc_project_free(project);
	mc_buf_dispose(&message);
	mc_vec_dispose_deep(&refs, mc_free);
	return rc;
}
