/*
 * version.c: comparing migration versions numerically, and the small
 * string helpers the file-name matchers share.
 *
 * A version is a sequence of segments split at '.', '_' or '-'. Numeric
 * segments compare as numbers of any length (leading zeros ignored, so
 * 14-digit timestamps and 20-digit popx versions need no integer type);
 * other segments compare as bytes. A missing segment counts as 0, so
 * flyway's "1" and "1.0" are the same version.
 */
#include "migcheck/migration.h"

#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "migration_internal.h"
#include "util/banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_sep(char c)
{
	return c == '.' || c == '_' || c == '-';
}

size_t mc_version__digits(const char *s)
{
	size_t n = 0;
	while (is_digit(s[n]))
		n++;
	return n;
}

int mc_name__ends_with(const char *base, const char *suffix)
{
	size_t bl = strlen(base), sl = strlen(suffix);
	return bl >= sl && !memcmp(base + bl - sl, suffix, sl);
}

void mc_name_info__dispose(struct mc_name_info *n)
{
	if (!n)
		return;
	mc_free(n->version);
	mc_free(n->name);
	mc_free(n->dialect);
	memset(n, 0, sizeof(*n));
}

int mc_name_info__set(struct mc_name_info *out,
                      const char *v,
                      size_t vlen,
                      const char *n,
                      size_t nlen)
{
	if ((out->version = mc_strndup(v, vlen)) == NULL ||
	    (out->name = mc_strndup(n, nlen)) == NULL) {
		mc_free(out->version);
		out->version = NULL;
		return mc_error_set_oom();
	}
	return 0;
}

/* Compare one numeric segment pair given as digit runs. */
static int cmp_numeric(const char *a, size_t al, const char *b, size_t bl)
{
	int c;
	while (al > 1 && *a == '0')
		a++, al--;
	while (bl > 1 && *b == '0')
		b++, bl--;
	if (al != bl)
		return al < bl ? -1 : 1;
	c = memcmp(a, b, al);
	return c < 0 ? -1 : c > 0;
}

int mc_version_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	for (;;) {
		size_t al = 0, bl = 0;
		int c, an, bn;

		while (a[al] && !is_sep(a[al]))
			al++;
		while (b[bl] && !is_sep(b[bl]))
			bl++;
		if (!al && !bl && !*a && !*b)
			return 0;
		an = al == 0 || mc_version__digits(a) == al;
		bn = bl == 0 || mc_version__digits(b) == bl;
		if (an && bn) {
			/* an empty (missing) segment reads as 0 */
			c = cmp_numeric(al ? a : "0", al ? al : 1, bl ? b : "0",
			                bl ? bl : 1);
		} else if (an != bn) {
			c = an ? -1 : 1; /* numbers before words */
		} else {
			size_t n = al < bl ? al : bl;
			c = memcmp(a, b, n);
			c = c < 0 ? -1 : c > 0 ? 1 : al < bl ? -1 : al > bl;
		}
		if (c)
			return c;
		a += al;
		b += bl;
		if (*a)
			a++;
		if (*b)
			b++;
	}
}
