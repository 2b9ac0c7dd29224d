/*
 * fmt_sequelize.c: Sequelize (sequelize-cli, umzug) migrations,
 * {timestamp}-{name}.js (also .cjs, .mjs, .ts). They are code, not SQL:
 * never parsed, listed with language "js" and replayed only through the
 * [runner] commands.
 */
#include <string.h>

#include "migration_internal.h"
#include "util/banned.h"

static const char *const exts[] = { ".js", ".cjs", ".mjs", ".ts" };

int mc_fmt_sequelize__match(struct mc_name_info *out, const char *base)
{
	size_t d = mc_version__digits(base), len = strlen(base);

	if (!d || base[d] != '-' || mc_name__ends_with(base, ".d.ts"))
		return 0;
	for (size_t i = 0; i < MC_ARRAY_SIZE(exts); i++) {
		size_t el = strlen(exts[i]);
		if (!mc_name__ends_with(base, exts[i]) || len < d + 1 + el)
			continue;
		memset(out, 0, sizeof(*out));
		out->format = MC_FORMAT_SEQUELIZE;
		out->part = MC_PART_BOTH;
		out->language = i == 3 ? "ts" : "js";
		return mc_name_info__set(out, base, d, base + d + 1,
		                         len - d - 1 - el) < 0
		               ? -1
		               : 1;
	}
	return 0;
}

/*
 * An empty down: the first definition of "down" in the file, as a method
 * (down(...) { }), a property (down: [async] function (...) { } or
 * down: [async] (...) => { }) or an assignment (exports.down = ...), whose
 * body holds only blank space and comments (sequelize-cli's skeleton puts
 * comments there). Strings and comments are skipped while looking for it.
 */
static size_t skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
		} else if (i + 1 < len && s[i] == '/' && s[i + 1] == '/') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
			i += 2;
			while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'))
				i++;
			i = i + 2 < len ? i + 2 : len;
		} else {
			break;
		}
	}
	return i;
}

static size_t skip_string(const char *s, size_t len, size_t i)
{
	char q = s[i++];
	while (i < len && s[i] != q) {
		if (s[i] == '\\')
			i++;
		i++;
	}
	return i < len ? i + 1 : len;
}

static int ident_char(char c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int word_at(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && !memcmp(s + i, w, n) &&
	       (i + n == len || !ident_char(s[i + n]));
}

/* past the bracket that closes the one at i ('(' or '{'), or len */
static size_t skip_balanced(const char *s, size_t len, size_t i)
{
	char open = s[i], close = open == '(' ? ')' : '}';
	int depth = 0;
	while (i < len) {
		size_t j = skip_blank(s, len, i);
		if (j != i) {
			i = j;
			continue;
		}
		if (s[i] == '\'' || s[i] == '"' || s[i] == '`') {
			i = skip_string(s, len, i);
			continue;
		}
		if (s[i] == open)
			depth++;
		else if (s[i] == close && --depth == 0)
			return i + 1;
		i++;
	}
	return len;
}

/* at i a function's parameters and body: 1 empty body, 0 not, -1 no body */
static int body_empty(const char *s, size_t len, size_t i, int arrow)
{
	if (i < len && s[i] == '(') {
		i = skip_blank(s, len, skip_balanced(s, len, i));
	} else if (arrow && i < len && ident_char(s[i])) {
		while (i < len && ident_char(s[i]))
			i++;
		i = skip_blank(s, len, i);
	} else {
		return -1;
	}
	if (arrow) {
		if (i + 1 >= len || s[i] != '=' || s[i + 1] != '>')
			return -1;
		i = skip_blank(s, len, i + 2);
	}
	if (i >= len || s[i] != '{')
		return arrow ? 0 : -1; /* an arrow with an expression body */
	return skip_blank(s, len, i + 1) < len &&
	       s[skip_blank(s, len, i + 1)] == '}';
}

int mc_fmt_sequelize__empty_down(const char *s, size_t len, unsigned *line)
{
	unsigned ln = 1;

	for (size_t i = 0; i < len;) {
		size_t j = skip_blank(s, len, i);
		int rc;
		if (j != i) {
			for (size_t k = i; k < j; k++)
				ln += s[k] == '\n';
			i = j;
			continue;
		}
		if (s[i] == '\'' || s[i] == '"' || s[i] == '`') {
			j = skip_string(s, len, i);
			for (size_t k = i; k < j; k++)
				ln += s[k] == '\n';
			i = j;
			continue;
		}
		if (!word_at(s, len, i, "down") || (i && ident_char(s[i - 1]))) {
			i++;
			continue;
		}
		j = skip_blank(s, len, i + 4);
		rc = -1;
		if (j < len && s[j] == '(') {
			rc = body_empty(s, len, j, 0);
		} else if (j < len && (s[j] == ':' || (s[j] == '=' && j + 1 < len &&
		                                        s[j + 1] != '='))) {
			j = skip_blank(s, len, j + 1);
			if (word_at(s, len, j, "async"))
				j = skip_blank(s, len, j + 5);
			if (word_at(s, len, j, "function")) {
				j = skip_blank(s, len, j + 8);
				while (j < len && ident_char(s[j]))
					j++;
				rc = body_empty(s, len, skip_blank(s, len, j), 0);
			} else {
				rc = body_empty(s, len, j, 1);
			}
		}
		if (rc >= 0) {
			if (rc && line)
				*line = ln;
			return rc;
		}
		i += 4;
	}
	return 0;
}
