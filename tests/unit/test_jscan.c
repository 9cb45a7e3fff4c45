/* Unit tests for src/util/jscan.c, the validating JSON pull parser. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/buf.h"
#include "util/jscan.h"

static bool valid(const char *s)
{
	struct jscan j;

	jscan_init(&j, s, strlen(s));
	return jscan_skip(&j) == 0 && jscan_end(&j);
}

Test(jscan, accepts_valid_documents)
{
	static const char *const ok[] = {
		"{}", "[]", "0", "-0", "1.5e-3", "-12E+4", "\"\"", "true", "false", "null",
		" {\"a\" : [1, 2, {\"b\": null}], \"c\": \"x\\\"y\"} ", "[[[[[]]]]]",
		"\"\\u00e9\\ud83d\\ude00\\n\\/\"", "{\"\": 0}",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(valid(ok[i]), "rejected %s", ok[i]);
}

Test(jscan, rejects_invalid_documents)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "[,1]", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-",
		"1e", "+1", "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"\\ud800\\u0041\"", "\"\\u0000\"", "\"a\tb\"", "[1 2]", "{} {}", "[1]x", "{\"a\":}",
		"NaN", "Infinity", "[\"a\" \"b\"]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_not(valid(bad[i]), "accepted '%s'", bad[i]);
}

Test(jscan, decodes_strings)
{
	struct jscan j;
	struct buf b = BUF_INIT;
	const char *s = "\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00 \xe2\x9c\x93\"";

	jscan_init(&j, s, strlen(s));
	cr_assert_eq(jscan_string(&j, &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "a\"b\\c/d\né😀 ✓");
	cr_assert(jscan_end(&j));
	buf_release(&b);
}

Test(jscan, depth_limit)
{
	char s[2 * (JSCAN_MAX_DEPTH + 2) + 1];
	size_t n = 0;

	for (int i = 0; i < JSCAN_MAX_DEPTH + 1; i++)
		s[n++] = '[';
	for (int i = 0; i < JSCAN_MAX_DEPTH + 1; i++)
		s[n++] = ']';
	s[n] = '\0';
	cr_assert_not(valid(s));
	s[n - 1] = '\0';  /* one level less */
	memmove(s, s + 1, n - 1);
	cr_assert(valid(s));
}

Test(jscan, walks_objects_and_reports_position)
{
	struct jscan j;
	struct buf key = BUF_INIT;
	const char *s = "{\"a\":1,\"bb\":[true]}";
	int n = 0, keys = 0;

	jscan_init(&j, s, strlen(s));
	cr_assert_eq(jscan_enter(&j, '{'), 0);
	while (jscan_next(&j, '}', &n) == 1) {
		buf_reset(&key);
		cr_assert_eq(jscan_key(&j, &key), 0);
		cr_assert_eq(jscan_skip(&j), 0);
		keys++;
	}
	cr_assert_eq(keys, 2);
	cr_assert_str_eq(buf_cstr(&key), "bb");
	cr_assert(jscan_end(&j));
	jscan_init(&j, "[1, x]", 6);
	cr_assert_neq(jscan_skip(&j), 0);
	cr_assert_eq(j.err_pos, 4);
	cr_assert_not_null(j.err);
	buf_release(&key);
}
