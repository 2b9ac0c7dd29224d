/*
 * template.c: the .migcheck text 'migcheck init' writes (see config.h),
 * from the key table: each section in table order, each key with init's
 * values or, when it has none, its commented example, under the key's
 * init comment.
 */
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "util/banned.h"

static const char header[] =
	"# .migcheck: configuration of migcheck, written by 'migcheck init'.\n"
	"# git-config syntax: edit with 'git config -f .migcheck <section>.<key> <value>'.\n"
	"# Any key can be overridden per clone with\n"
	"# 'git config migcheck.<section>.<key> <value>' and by command-line options.\n";

/* A value as git-config reads it back: quoted when it must be. */
static int put_value(mc_buf *b, const char *v)
{
	size_t n = strlen(v);
	int quote = v[0] == ' ' || v[0] == '\t' ||
	            strpbrk(v, "#;\"\\") != NULL ||
	            (n && (v[n - 1] == ' ' || v[n - 1] == '\t'));
	int error = 0;

	if (!quote)
		return mc_buf_puts(b, v);
	error = mc_buf_putc(b, '"');
	for (const char *p = v; *p && !error; p++) {
		if (*p == '"' || *p == '\\')
			error = mc_buf_putc(b, '\\');
		if (!error)
			error = mc_buf_putc(b, *p);
	}
	return error ? error : mc_buf_putc(b, '"');
}

static int put_comment(mc_buf *b, const char *comment)
{
	return comment ? mc_buf_printf(b, "\t# %s\n", comment) : 0;
}

/* A [migrations "<dir>"] header: '"' and '\' escaped as git reads them. */
static int put_section(mc_buf *b, const char *dir)
{
	int error = mc_buf_puts(b, "\n[migrations \"");
	for (const char *c = dir; *c && !error; c++) {
		if (*c == '"' || *c == '\\')
			error = mc_buf_putc(b, '\\');
		if (!error)
			error = mc_buf_putc(b, *c);
	}
	return error ? error : mc_buf_puts(b, "\"]\n");
}

/* The section of a top-level key's name, its length. */
static size_t section_len(const mc_config_key *k)
{
	return (size_t)(strchr(k->name, '.') - k->name);
}

/* Does v set table key k (a folder's key: of folder dir)? */
static int value_of(const mc_config_init_value *v, const mc_config_key *k,
                    const char *dir)
{
	if (mc_config__key_is_dir(k))
		return dir && v->dir && !strcmp(v->dir, dir) &&
		       !strcasecmp(v->key, mc_config__key_part(k));
	if (v->dir)
		return 0;
	if (k->id == K_SEVERITY)
		return !strncasecmp(v->key, "severity.", 9) && v->key[9];
	return !strcasecmp(v->key, k->name);
}

/* The values of key k (of folder dir), or its commented example. */
static int put_key(mc_buf *b, const mc_config_key *k, const char *dir,
                   const mc_config_init_value *values, size_t n)
{
	int error = 0, seen = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const mc_config_init_value *v = &values[i];
		const char *name;

		if (!value_of(v, k, dir))
			continue;
		name = k->id == K_SEVERITY ? v->key + 9 : mc_config__key_part(k);
		if ((error = put_comment(b, v->comment ? v->comment
		                            : seen     ? NULL
		                                       : k->init)) < 0 ||
		    (error = mc_buf_printf(b, "\t%s = ", name)) < 0 ||
		    (error = put_value(b, v->value)) < 0 ||
		    (error = mc_buf_putc(b, '\n')) < 0)
			return error;
		seen = 1;
	}
	if (!seen && k->example && !dir &&
	    ((error = put_comment(b, k->init)) < 0 ||
	     (error = mc_buf_printf(b, "\t#%s\n", k->example)) < 0))
		return error;
	return error;
}

/* The [migrations "<dir>"] sections, in the order of their first value. */
static int put_folders(mc_buf *b, const mc_config_init_value *values,
                       size_t n)
{
	const mc_config_key *k;
	int error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const char *dir = values[i].dir;
		size_t j;

		if (!dir)
			continue;
		for (j = 0; j < i && !(values[j].dir &&
		                       !strcmp(values[j].dir, dir));
		     j++)
			;
		if (j < i) /* written with its first value */
			continue;
		if ((error = put_section(b, dir)) < 0)
			return error;
		for (size_t t = 0; (k = mc_config_key_at(t)) != NULL && !error;
		     t++)
			if (mc_config__key_is_dir(k))
				error = put_key(b, k, dir, values, n);
	}
	return error;
}

int mc_config_template(mc_buf *out, const mc_config_init_value *values,
                       size_t n)
{
	const mc_config_key *k, *prev = NULL;
	int error;

	MC_ASSERT_ARG(out && (values || !n));
	for (size_t i = 0; i < n; i++) {
		const mc_config_key *vk;
		char *name = values[i].dir ? mc_asprintf("migrations.%s.%s",
		                                         values[i].dir,
		                                         values[i].key)
		                           : NULL;
		if (values[i].dir && !name)
			return mc_error_set_oom();
		vk = mc_config_key_find(name ? name : values[i].key);
		mc_free(name);
		if (!vk || !values[i].value)
			return mc_error_set(MC_ERROR_CONFIG,
			                    "init writes '%s', which is not in the key table",
			                    values[i].key);
	}
	if ((error = mc_buf_puts(out, header)) < 0)
		return error;
	for (size_t i = 0; (k = mc_config_key_at(i)) != NULL; i++) {
		if (mc_config__key_is_dir(k))
			continue;
		if (!prev || section_len(prev) != section_len(k) ||
		    strncmp(prev->name, k->name, section_len(k))) {
			if (prev && !strncmp(prev->name, "migrations.", 11) &&
			    (error = put_folders(out, values, n)) < 0)
				return error;
			if ((error = mc_buf_printf(out, "\n[%.*s]\n",
			                           (int)section_len(k),
			                           k->name)) < 0)
				return error;
		}
		if ((error = put_key(out, k, NULL, values, n)) < 0)
			return error;
		prev = k;
	}
	return 0;
}
