/*
 * test_quote.c: git-style quoting of names and the escaping of free text
 * (src/util/quote.c) for line-based human output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "migcheck/alloc.h"
#include "migcheck/quote.h"

static void path_is(const char *in, const char *want)
{
	char *got = mc_quote_path_dup(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	mc_free(got);
}

static void text_is(const char *in, unsigned flags, const char *want)
{
	char *got = mc_quote_text_dup(in, flags);
	assert_non_null(got);
	assert_string_equal(got, want);
	mc_free(got);
}

static void quote__plain_names_unchanged(void **state)
{
	(void)state;
	path_is("db/migrations/001_a.up.sql", "db/migrations/001_a.up.sql");
	path_is("db/mig rations/x [1]?*.sql", "db/mig rations/x [1]?*.sql");
	path_is("", "");
	/* valid UTF-8 stays as is, whatever the locale */
	path_is("db/\xC3\xBCn\xC3\xAF/t \xF0\x9F\x90\x98.sql",
	        "db/\xC3\xBCn\xC3\xAF/t \xF0\x9F\x90\x98.sql");
	assert_int_equal(mc_quote_needed("db/\xC3\xBC.sql"), 0);
	assert_int_equal(mc_quote_needed("a'b"), 0);
}

static void quote__c_style_like_git(void **state)
{
	(void)state;
	path_is("db/a\nb.sql", "\"db/a\\nb.sql\"");
	path_is("a\tb", "\"a\\tb\"");
	path_is("a\"b", "\"a\\\"b\"");
	path_is("a\\b", "\"a\\\\b\"");
	path_is("\a\b\v\f\r", "\"\\a\\b\\v\\f\\r\"");
	/* other control bytes in octal: ESC, DEL */
	path_is("t\x1b[2J", "\"t\\033[2J\"");
	path_is("x\x7fy", "\"x\\177y\"");
	/* C1 controls (a CSI that some terminals obey) as their UTF-8 bytes */
	path_is("a\xC2\x9B" "31m", "\"a\\302\\23331m\"");
	/* invalid UTF-8: each byte that does not decode */
	path_is("bad\xFF\xC3(", "\"bad\\377\\303(\"");
	/* a name with a quote and a unicode letter keeps the letter */
	path_is("\xC3\xBC\"", "\"\xC3\xBC\\\"\"");
	assert_int_equal(mc_quote_needed("a\nb"), 1);
	assert_int_equal(mc_quote_needed("a\\b"), 1);
}

static void quote__text_escapes_controls_only(void **state)
{
	(void)state;
	text_is("deployed migration 'db/a\nb.sql' was edited", 0,
	        "deployed migration 'db/a\\nb.sql' was edited");
	/* quotes, backslashes and tabs stay: messages remain readable */
	text_is("say \"hi\" C:\\x\tend", 0, "say \"hi\" C:\\x\tend");
	text_is("table \x1b]0;owned\x07 x\r", 0, "table \\033]0;owned\\a x\\r");
	text_is("line 1\nline 2\x1b[2J", MC_QUOTE_KEEP_NEWLINE,
	        "line 1\nline 2\\033[2J");
	text_is("\xC2\x9B" "2J \xE2\x82\xAC \xFF", 0, "\\302\\2332J \xE2\x82\xAC \\377");
}

static void quote__no_escape_byte_ever(void **state)
{
	char in[256];
	char *p, *t;

	(void)state;
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	p = mc_quote_path_dup(in);
	t = mc_quote_text_dup(in, MC_QUOTE_KEEP_NEWLINE);
	assert_non_null(p);
	assert_non_null(t);
	for (const char *s = p; *s; s++)
		assert_false((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F);
	for (const char *s = t; *s; s++)
		assert_false(((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
		             (unsigned char)*s >= 0x7F);
	assert_non_null(strchr(t, '\n'));
	mc_free(p);
	mc_free(t);
}

static void quote__utf8_len(void **state)
{
	unsigned cp = 0;
	(void)state;
	assert_int_equal(mc_utf8_len("a", &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(mc_utf8_len("\xE2\x82\xAC", &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(mc_utf8_len("\xC0\xAF", &cp), 0);     /* overlong */
	assert_int_equal(mc_utf8_len("\xED\xA0\x80", &cp), 0); /* surrogate */
	assert_int_equal(mc_utf8_len("\xE2\x82", &cp), 0);     /* truncated */
	assert_int_equal(mc_utf8_len("", &cp), 0);
}

static void quote__utf8_dup_replaces_invalid(void **state)
{
	char *s = mc_utf8_dup("a\xFF" "b\xE2\x82\xAC\xC3");
	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "a\xEF\xBF\xBD" "b\xE2\x82\xAC\xEF\xBF\xBD");
	mc_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote__plain_names_unchanged),
		cmocka_unit_test(quote__c_style_like_git),
		cmocka_unit_test(quote__text_escapes_controls_only),
		cmocka_unit_test(quote__no_escape_byte_ever),
		cmocka_unit_test(quote__utf8_len),
		cmocka_unit_test(quote__utf8_dup_replaces_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
