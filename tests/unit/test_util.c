/* Unit tests for src/util: buf, utf8, timeutil, jsonw, lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/jsonw.h"
#include "util/lines.h"
#include "util/taglist.h"
#include "util/timeutil.h"
#include "util/utf8.h"

Test(buf, append_and_cap)
{
	struct buf b;

	buf_init(&b, 8);
	cr_assert_eq(buf_puts(&b, "abcd"), BUF_OK);
	cr_assert_eq(buf_printf(&b, "%d", 123), BUF_OK);
	cr_assert_str_eq(buf_cstr(&b), "abcd123");
	cr_assert_eq(buf_puts(&b, "xy"), BUF_TOO_LARGE);
	cr_assert_eq(b.len, 7, "a failed append changes nothing");
	cr_assert_eq(buf_putc(&b, 'z'), BUF_OK);
	cr_assert_eq(buf_putc(&b, 'z'), BUF_TOO_LARGE);
	buf_release(&b);
	cr_assert_null(b.data);
}

Test(buf, detach_empty_is_empty_string)
{
	struct buf b = BUF_INIT;
	char *s = buf_detach(&b);

	cr_assert_str_eq(s, "");
	free(s);
}

Test(utf8, valid_and_invalid)
{
	size_t bad = 99;

	cr_assert(utf8_valid("", 0, NULL));
	cr_assert(utf8_valid("héllo ✓ 😀", strlen("héllo ✓ 😀"), NULL));
	cr_assert_not(utf8_valid("ab\xff", 3, &bad));
	cr_assert_eq(bad, 2);
	cr_assert_not(utf8_valid("\xc0\xaf", 2, NULL), "overlong");
	cr_assert_not(utf8_valid("\xed\xa0\x80", 3, NULL), "surrogate");
	cr_assert_not(utf8_valid("\xf4\x90\x80\x80", 4, NULL), "above U+10FFFF");
	cr_assert_not(utf8_valid("\xe2\x9c", 2, &bad), "truncated");
	cr_assert_eq(bad, 0);
	cr_assert(utf8_valid("a\0b", 3, NULL), "NUL is valid UTF-8");
	cr_assert_eq(utf8_count("héllo ✓ 😀", strlen("héllo ✓ 😀")), 9);
}

Test(utf8, long_ascii_then_bad)
{
	char s[100];

	memset(s, 'a', sizeof(s));
	s[77] = (char)0x80;
	size_t bad = 0;
	cr_assert_not(utf8_valid(s, sizeof(s), &bad));
	cr_assert_eq(bad, 77);
}

Test(time, rfc3339)
{
	int64_t t;
	char out[21], day[11];

	cr_assert_eq(time_parse_rfc3339("1970-01-01T00:00:00Z", 20, &t), 0);
	cr_assert_eq(t, 0);
	cr_assert_eq(time_parse_rfc3339("2026-11-20T14:03:11Z", 20, &t), 0);
	cr_assert_eq(t, 1795183391);
	time_format_rfc3339(t, out);
	cr_assert_str_eq(out, "2026-11-20T14:03:11Z");
	cr_assert_eq(time_parse_rfc3339("2026-11-20T16:03:11.123+02:00", 29, &t), 0);
	cr_assert_eq(t, 1795183391);
	cr_assert_eq(time_parse_rfc3339("2024-02-29T00:00:00Z", 20, &t), 0, "leap day");
	cr_assert_neq(time_parse_rfc3339("2023-02-29T00:00:00Z", 20, &t), 0);
	cr_assert_neq(time_parse_rfc3339("2026-13-01T00:00:00Z", 20, &t), 0);
	cr_assert_neq(time_parse_rfc3339("2026-11-20T24:00:00Z", 20, &t), 0);
	cr_assert_neq(time_parse_rfc3339("2026-11-20T14:03:11", 19, &t), 0, "no zone");
	cr_assert_neq(time_parse_rfc3339("2026-11-20T14:03:11Zjunk", 24, &t), 0);
	cr_assert_neq(time_parse_rfc3339("", 0, &t), 0);
	cr_assert_eq(time_day(-1), -1);
	time_format_day(time_day(1795183391), day);
	cr_assert_str_eq(day, "2026-11-20");
	cr_assert_eq(time_parse_date("2026-11-20", 10, &t), 0);
	cr_assert_eq(t, 1795132800);
}

Test(jsonw, escapes)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(jsonw_string(&b, "a\"b\\c\n\t\x01é", strlen("a\"b\\c\n\t\x01é")), 0);
	cr_assert_str_eq(buf_cstr(&b), "\"a\\\"b\\\\c\\n\\t\\u0001é\"");
	buf_release(&b);
}

static FILE *mem(const char *s, size_t n)
{
	FILE *f = tmpfile();
	fwrite(s, 1, n, f);
	rewind(f);
	return f;
}

Test(lines, basic_crlf_last_line)
{
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f = mem("one\r\ntwo\n\nthree", 15);

	line_reader_init(&r, f, 100);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 3);
	cr_assert(!memcmp(p, "one", 3));
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 5);
	cr_assert(!memcmp(p, "three", 5));
	cr_assert_eq(r.lineno, 4);
	cr_assert_eq(line_next(&r, &p, &n), LINE_EOF);
	line_reader_release(&r);
	fclose(f);
}

Test(lines, too_long_is_skipped_not_kept)
{
	size_t big = 3u << 20;  /* spans several read chunks */
	char *s = malloc(big + 20);
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f;

	memcpy(s, "ok\n", 3);
	memset(s + 3, 'x', big);
	memcpy(s + 3 + big, "\nafter\n", 7);
	f = mem(s, big + 10);
	line_reader_init(&r, f, 1 << 20);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(line_next(&r, &p, &n), LINE_TOO_LONG);
	cr_assert_eq(r.lineno, 2);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 5);
	cr_assert(!memcmp(p, "after", 5));
	cr_assert_eq(r.lineno, 3);
	cr_assert_eq(line_next(&r, &p, &n), LINE_EOF);
	line_reader_release(&r);
	fclose(f);
	free(s);
}

Test(lines, long_line_under_cap_across_chunks)
{
	size_t big = (1u << 20) + 12345;
	char *s = malloc(big + 2);
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f;

	memset(s, 'y', big);
	s[big] = '\n';
	f = mem(s, big + 1);
	line_reader_init(&r, f, 2u << 20);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, big);
	cr_assert_eq(p[0], 'y');
	cr_assert_eq(p[big - 1], 'y');
	cr_assert_eq(line_next(&r, &p, &n), LINE_EOF);
	line_reader_release(&r);
	fclose(f);
	free(s);
}

Test(lines, byte_order_mark_skipped_once)
{
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f = mem("\xEF\xBB\xBF{}\n\xEF\xBB\xBFx\n", 11);

	line_reader_init(&r, f, 100);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 2);
	cr_assert(!memcmp(p, "{}", 2));
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 4, "only the stream's first mark is dropped");
	line_reader_release(&r);
	fclose(f);
	f = mem("\xEF\xBB", 2);
	line_reader_init(&r, f, 100);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK, "a short stream is data");
	cr_assert_eq(n, 2);
	line_reader_release(&r);
	fclose(f);
}

Test(lines, nul_bytes_kept)
{
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f = mem("a\0b\n", 4);

	line_reader_init(&r, f, 100);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(p[1], '\0');
	line_reader_release(&r);
	fclose(f);
}

Test(lines, crlf_does_not_count_toward_the_cap)
{
	const char *p;
	size_t n;
	struct line_reader r;
	FILE *f = mem("abcd\r\nabcde\r\nabcd\n", 19);

	line_reader_init(&r, f, 4);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK, "4 bytes + CRLF fit a 4-byte cap");
	cr_assert_eq(n, 4);
	cr_assert_eq(line_next(&r, &p, &n), LINE_TOO_LONG);
	cr_assert_eq(line_next(&r, &p, &n), LINE_OK);
	line_reader_release(&r);
	fclose(f);
}

Test(lines, blank)
{
	cr_assert(line_is_blank("", 0));
	cr_assert(line_is_blank(" \t\r", 3));
	cr_assert(line_is_blank("\rX", 1), "only len bytes are looked at");
	cr_assert_not(line_is_blank(" x", 2));
	cr_assert_not(line_is_blank("\0", 1));
}

Test(taglist, names_and_counts)
{
	const char *s = "EMAIL=2,PHONE,averyveryverylongname=7";
	char name[8];
	long n;

	cr_assert(taglist_next(&s, name, sizeof(name), &n));
	cr_assert_str_eq(name, "EMAIL");
	cr_assert_eq(n, 2);
	cr_assert(taglist_next(&s, name, sizeof(name), &n));
	cr_assert_str_eq(name, "PHONE");
	cr_assert_eq(n, 1);
	cr_assert(taglist_next(&s, name, sizeof(name), &n));
	cr_assert_str_eq(name, "averyve", "truncated, not overflowed");
	cr_assert_eq(n, 7);
	cr_assert_not(taglist_next(&s, name, sizeof(name), &n));
	s = "";
	cr_assert_not(taglist_next(&s, name, sizeof(name), &n));
}
