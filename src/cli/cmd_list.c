/*
 * cmd_list.c: 'migcheck list', the migrations of each folder in order,
 * with their files, statement counts and flags. Discovery findings go to
 * stderr in text mode and into "findings" in JSON; any error finding makes
 * the exit status 1.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "migcheck/alloc.h"
#include "migcheck/buf.h"
#include "migcheck/changes.h"
#include "migcheck/errors.h"
#include "migcheck/migration.h"
#include "migcheck/quote.h"
#include "util/banned.h"

static const char usage[] =
        "usage: migcheck list [--dir <dir>]... [--dialect <d>] [--migration-format <f>] [--format text|json]\n";

static void print_help(void)
{
	fputs(usage, stdout);
	fputs("List the migrations in order: version, name, format, files, statements, flags.\n"
	      "      --dir <dir>       migrations folder (repeatable); default: migrations.dir,\n"
	      "                        else the folders 'migcheck init' would detect\n"
	      "      --dialect <d>     postgres or sqlite: how SQL is split (default: config, postgres)\n"
	      "      --migration-format <f>\n"
	      "                        golang-migrate, dbmate, goose, sql-migrate, flyway, popx,\n"
	      "                        plain, sequelize (default: config, else detected)\n",
	      stdout);
	fputs(MC_COMMON_HELP, stdout);
	fputs("Exit status: 0 listed (warnings allowed), 1 a discovery error (malformed file,\n"
	      "duplicate version, mixed formats, ...), 2 usage, configuration or missing folder,\n"
	      "3 environment.\n",
	      stdout);
}

enum { OPT_DIALECT = 2000, OPT_MFORMAT };

/*
 * The deployed set (deploy.ref trees), or NULL when no deploy ref is
 * configured: then every migration is "deployed": false and the text
 * shows its state as "-".
 */
static mc_deployed *deployed_set;

static int is_deployed(const mc_migration *m)
{
	if (!deployed_set)
		return 0;
	return (m->up && mc_deployed_ref(deployed_set, m->up->path)) ||
	       (m->down && mc_deployed_ref(deployed_set, m->down->path));
}

static const char *state_name(const mc_migration *m)
{
	if (!deployed_set)
		return "-";
	return is_deployed(m) ? "deployed" : "pending";
}

static size_t stmt_count(const mc_script *s)
{
	return s && s->stmts ? mc_sql_stmts_count(s->stmts) : 0;
}

static const char *kind_name(mc_migration_kind k)
{
	return k == MC_MIGRATION_REPEATABLE ? "repeatable"
	       : k == MC_MIGRATION_BASELINE ? "baseline"
	                                    : "versioned";
}

/* Flags as words: "no-tx", "own-tx", "irreversible", "not-replayable". */
static int flags_words(mc_buf *out, const mc_migration *m, const char *sep)
{
	unsigned uf = m->up ? m->up->flags : 0,
	         df = m->down ? m->down->flags : 0;
	const char *words[6];
	size_t n = 0;
	int error = 0;

	mc_buf_clear(out);
	if ((uf | df) & MC_SCRIPT_NO_TRANSACTION)
		words[n++] = "no-tx";
	if ((uf | df) & MC_SCRIPT_OWN_TRANSACTION)
		words[n++] = "own-tx";
	if (df & MC_SCRIPT_IRREVERSIBLE)
		words[n++] = "irreversible";
	if (!m->replayable)
		words[n++] = "not-replayable";
	if (m->kind != MC_MIGRATION_VERSIONED)
		words[n++] = kind_name(m->kind);
	for (size_t i = 0; i < n && !error; i++)
		error = mc_buf_printf(out, "%s%s", i ? sep : "", words[i]);
	if (!error && !out->ptr)
		error = mc_buf_puts(out, "");
	return error;
}

static mc_report_value *migration_value(const mc_migration *m,
                                        const char *dir)
{
	mc_report_value *o = mc_report_object_new(),
	                *flags = mc_report_array_new();
	unsigned uf = m->up ? m->up->flags : 0,
	         df = m->down ? m->down->flags : 0;

	mc_report_object_set_bytes(o, "version", m->version);
	mc_report_object_set_bytes(o, "name", m->name);
	mc_report_object_set_str(o, "format", mc_format_name(m->format));
	mc_report_object_set_bytes(o, "up", m->up ? m->up->path : NULL);
	mc_report_object_set_bytes(o, "down", m->down ? m->down->path : NULL);
	mc_report_object_set_bool(o, "deployed", is_deployed(m));
	mc_report_object_set_int(o, "statements", (long long)stmt_count(m->up));
	mc_report_object_set_int(o, "down_statements",
	                         (long long)stmt_count(m->down));
	mc_report_object_set_bytes(o, "dir", dir);
	mc_report_object_set_str(o, "kind", kind_name(m->kind));
	mc_report_object_set_bytes(o, "language", m->language);
	mc_report_object_set_bytes(o, "dialect", m->dialect);
	mc_report_object_set_bool(o, "replayable", m->replayable);
	mc_report_object_set_bool(o, "transaction",
	                          !((uf | df) & MC_SCRIPT_NO_TRANSACTION));
	if ((uf | df) & MC_SCRIPT_OWN_TRANSACTION)
		mc_report_array_push_str(flags, "own-transaction");
	if ((uf | df) & MC_SCRIPT_NO_TRANSACTION)
		mc_report_array_push_str(flags, "no-transaction");
	if (uf & MC_SCRIPT_BLANK)
		mc_report_array_push_str(flags, "blank-up");
	if (df & MC_SCRIPT_BLANK)
		mc_report_array_push_str(flags, "blank-down");
	mc_report_object_set(o, "flags", flags);
	mc_report_object_set_bool(o, "irreversible",
	                          (df & MC_SCRIPT_IRREVERSIBLE) != 0);
	if (df & MC_SCRIPT_IRREVERSIBLE)
		mc_report_object_set_bytes(o, "irreversible_reason",
		                           m->down->irreversible_reason);
	return o;
}

struct col {
	const char *head;
	size_t width;
};

static void print_table(mc_vec *lists)
{
	struct col cols[] = {
		{ "VERSION", 7 }, { "NAME", 4 },  { "UP", 3 },
		{ "DOWN", 4 },    { "STMTS", 5 }, { "STATE", 8 }
	};
	mc_buf flags = MC_BUF_INIT, line = MC_BUF_INIT;

	for (size_t d = 0; d < lists->len; d++) {
		const mc_migration_list *l = lists->items[d];
		for (size_t i = 0; i < mc_migration_list_count(l); i++) {
			const mc_migration *m = mc_migration_list_get(l, i);
			char *v = mc_quote_text_dup(m->kind == MC_MIGRATION_REPEATABLE
			                                    ? "R"
			                                    : m->version, 0);
			char *name = mc_quote_text_dup(m->name, 0);
			if (v && strlen(v) > cols[0].width)
				cols[0].width = strlen(v);
			if (name && strlen(name) > cols[1].width)
				cols[1].width = strlen(name);
			if (m->language && m->down &&
			    (m->down->flags & MC_SCRIPT_BLANK))
				cols[3].width = 5; /* "empty" */
			mc_free(v);
			mc_free(name);
		}
	}
	if (cols[1].width > 48)
		cols[1].width = 48;
	for (size_t d = 0; d < lists->len; d++) {
		const mc_migration_list *l = lists->items[d];
		size_t n = mc_migration_list_count(l);

		char *dir = mc_quote_path_dup(l->dir);

		printf("%s%s (%s, %zu migration%s)\n", d ? "\n" : "",
		       dir ? dir : "", mc_format_name(l->format), n,
		       n == 1 ? "" : "s");
		mc_free(dir);
		if (!n)
			continue;
		printf("  %-*s  %-*s  %-*s  %-*s  %*s  %-*s  FLAGS\n",
		       (int)cols[0].width, cols[0].head, (int)cols[1].width,
		       cols[1].head, (int)cols[2].width, cols[2].head,
		       (int)cols[3].width, cols[3].head, (int)cols[4].width,
		       cols[4].head, (int)cols[5].width, cols[5].head);
		for (size_t i = 0; i < n; i++) {
			const mc_migration *m = mc_migration_list_get(l, i);
			/* file names may hold line breaks or escape sequences */
			char *v = mc_quote_text_dup(m->kind == MC_MIGRATION_REPEATABLE
			                                    ? "R"
			                                    : m->version, 0);
			char *name = mc_quote_text_dup(m->name, 0);
			char stmts[32];

			if (m->language)
				snprintf(stmts, sizeof(stmts), "%s",
				         m->language);
			else
				snprintf(stmts, sizeof(stmts), "%zu",
				         stmt_count(m->up));
			if (flags_words(&flags, m, ",") < 0)
				mc_buf_clear(&flags);
			mc_buf_clear(&line);
			if (!v || !name || mc_buf_printf(
			            &line,
			            "  %-*s  %-*.*s  %-*s  %-*s  %*s  %-*s  %s",
			            (int)cols[0].width, v, (int)cols[1].width,
			            (int)cols[1].width, name,
			            (int)cols[2].width, m->up ? "yes" : "-",
			            (int)cols[3].width,
			            !m->down ? "-"
			            : m->language && (m->down->flags & MC_SCRIPT_BLANK)
			                    ? "empty"
			                    : "yes",
			            (int)cols[4].width, stmts,
			            (int)cols[5].width, state_name(m),
			            mc_buf_cstr(&flags)) < 0) {
				mc_free(v);
				mc_free(name);
				continue;
			}
			mc_free(v);
			mc_free(name);
			while (line.size && line.ptr[line.size - 1] == ' ')
				mc_buf_truncate(&line, line.size - 1);
			puts(mc_buf_cstr(&line));
		}
	}
	mc_buf_dispose(&flags);
	mc_buf_dispose(&line);
}

static void list_free_v(void *p)
{
	mc_migration_list_free(p);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		MC_DIR_LONGOPT,
		{ "dialect", required_argument, NULL, OPT_DIALECT },
		{ "migration-format", required_argument, NULL, OPT_MFORMAT },
		MC_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	mc_discover_opts dopts = MC_DISCOVER_OPTS_INIT;
	struct cli_args a = CLI_ARGS_INIT("list", usage, "", CLI_ARGS_DIRS_IN_TREE);
	mc_vec dirs = MC_VEC_INIT, lists = MC_VEC_INIT;
	mc_project *project = NULL;
	mc_project_opts po;
	mc_report *report = NULL;
	const char *workdir = NULL;
	int c, rc = 0, dialect_set = 0, format_set = 0;

	while ((c = getopt_long(argc, argv, "+" MC_COMMON_SHORTOPTS, opts,
	                        NULL)) != -1) {
		switch (c) {
		case 'h':
			print_help();
			goto done;
		case OPT_DIALECT:
			if (mc_dialect_parse(&dopts.dialect, optarg) < 0) {
				rc = cli_usage_error(
				        "list", usage,
				        "unknown dialect '%s' (postgres, sqlite)",
				        optarg);
				goto done;
			}
			dialect_set = 1;
			break;
		case OPT_MFORMAT:
			if (mc_format_parse(&dopts.format, optarg) < 0 ||
			    dopts.format == MC_FORMAT_AUTO) {
				rc = cli_usage_error(
				        "list", usage,
				        "unknown migration format '%s'",
				        optarg);
				goto done;
			}
			format_set = 1;
			break;
		default:
			if ((rc = cli_args_opt(&a, c, optarg, argc, argv)) != 0)
				goto done;
		}
	}
	if ((rc = cli_args_done(&a, argc, argv)) != 0)
		goto done;
	workdir = mc_repo_workdir(mc_cli.repo);

	if (mc_report_new(&report, "list") < 0 ||
	    mc_config_apply_severities(mc_cli.config, report) < 0) {
		rc = cli_error_last();
		goto done;
	}
	/* the folders, configured or found, each read with its own settings;
	 * --dialect and --format win */
	memset(&po, 0, sizeof(po));
	po.flags = MC_PROJECT_DETECT | MC_PROJECT_READ |
	           (dialect_set ? MC_PROJECT_FORCE_DIALECT : 0) |
	           (format_set ? MC_PROJECT_FORCE_FORMAT : 0);
	po.dialect = dopts.dialect;
	po.format = dopts.format;
	po.report = report;
	if (mc_project_open(&project, mc_cli.config, workdir, &po) < 0 ||
	    mc_project_dirs(&dirs, project) < 0) {
		rc = cli_error_last();
		goto done;
	}
	for (size_t i = 0; i < project->folders.len; i++) {
		mc_project_folder *f = project->folders.items[i];
		if (mc_vec_push(&lists, f->list) < 0) {
			rc = cli_error(MC_EXIT_ENV, "out of memory");
			goto done;
		}
		f->list = NULL; /* moved */
	}
	/*
	 * list is informational: without its deploy ref (a fresh clone, an
	 * unborn branch) it still lists, says why the state is unknown and
	 * how to fetch the ref.
	 */
	if (mc_cli.config->deploy_refs.len &&
	    mc_deployed_load(&deployed_set, mc_cli.repo,
	                     &mc_cli.config->deploy_refs, &dirs) < 0) {
		const mc_error *e = mc_error_last();
		if (!e || e->klass == MC_ERROR_NOMEMORY) {
			rc = cli_error_last();
			goto done;
		}
		if (mc_report_note(report, "%s; deployed state unknown",
		                   e->message) < 0) {
			rc = cli_error_last();
			goto done;
		}
		deployed_set = NULL;
	}
	if (mc_cli.format == MC_OUTPUT_JSON) {
		mc_report_value *arr = mc_report_array_new();
		for (size_t d = 0; d < lists.len; d++) {
			const mc_migration_list *l = lists.items[d];
			for (size_t i = 0; i < mc_migration_list_count(l); i++)
				mc_report_array_push(
				        arr, migration_value(
				                     mc_migration_list_get(l, i),
				                     l->dir));
		}
		/* takes arr; the report keeps it as text, which keeps peak
		 * memory down on big folders */
		if (mc_report_set_extra_value(report, "migrations", arr) < 0) {
			rc = cli_error(MC_EXIT_ENV, "out of memory");
			goto done;
		}
		mc_vec_dispose_deep(&lists, list_free_v);
		mc_report_sort(report);
		rc = cli_emit_report(report);
		goto done;
	}
	if (mc_cli.format != MC_OUTPUT_TEXT) {
		/* junit, sarif, github: the findings only */
		mc_report_sort(report);
		rc = cli_emit_report(report);
		goto done;
	}
	print_table(&lists);
	fflush(stdout);
	if (mc_report_count(report) || mc_report_note_count(report)) {
		mc_buf out = MC_BUF_INIT;
		mc_render_opts ro = { 0, mc_cli.quiet, mc_cli.verbose };
		mc_report_sort(report);
		if (mc_report_render(&out, report, MC_OUTPUT_TEXT, &ro) < 0) {
			mc_buf_dispose(&out);
			rc = cli_error_last();
			goto done;
		}
		fputs(mc_buf_cstr(&out), stderr);
		mc_buf_dispose(&out);
	}
	rc = mc_report_errors(report) ? MC_EXIT_FINDINGS : MC_EXIT_OK;
done:
	mc_deployed_free(deployed_set);
	deployed_set = NULL;
	mc_report_free(report);
	mc_vec_dispose_deep(&lists, list_free_v);
	mc_vec_dispose(&dirs);
	mc_project_free(project);
	return rc;
}
