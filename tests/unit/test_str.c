/* test_str.c — the byte views every stage passes around: equality and
 * ordering with NUL bytes, sub-views clamped to bounds, comma lists, and
 * the decimal parser's limits (including a maximum below 10, which once
 * let any single digit through). */
#include <stdint.h>

#include "check.h"
#include "str.h"

static void test_views(void)
{
	ff_sv nul = ff_sv_make("a\0b", 3);
	CHECK(ff_sv_eq(nul, ff_sv_make("a\0b", 3)));
	CHECK(!ff_sv_eq(nul, ff_sv_make("a\0c", 3)));
	CHECK(!ff_sv_eq_cstr(nul, "a"));
	CHECK(ff_sv_eq(FF_SV_NULL, ff_sv_cstr("")));
	CHECK(ff_sv_cmp(ff_sv_cstr("ab"), ff_sv_cstr("abc")) < 0);
	CHECK(ff_sv_cmp(ff_sv_cstr("b"), ff_sv_cstr("abc")) > 0);
	CHECK(ff_sv_cmp(nul, ff_sv_make("a\0b", 3)) == 0);
	CHECK(ff_sv_starts_with(ff_sv_cstr("/blog/x"), ff_sv_cstr("/blog")));
	CHECK(!ff_sv_starts_with(ff_sv_cstr("/b"), ff_sv_cstr("/blog")));
	CHECK_INT(ff_sv_find(ff_sv_cstr("a?b?c"), '?'), 1);
	CHECK_INT(ff_sv_find(ff_sv_cstr("abc"), '?'), 3);
	CHECK_INT(ff_sv_find(FF_SV_NULL, '?'), 0);
	CHECK_SV(ff_sv_sub(ff_sv_cstr("hello"), 1, 3), "el");
	CHECK_SV(ff_sv_sub(ff_sv_cstr("hello"), 4, 99), "o");
	CHECK_SV(ff_sv_sub(ff_sv_cstr("hello"), 9, 2), "");
}

static void test_items(void)
{
	ff_sv rest = ff_sv_cstr("pages,,hours,");
	ff_sv item = ff_sv_next_item(&rest, ',');
	CHECK_SV(item, "pages");
	item = ff_sv_next_item(&rest, ',');
	CHECK_SV(item, "");
	item = ff_sv_next_item(&rest, ',');
	CHECK_SV(item, "hours");
	CHECK_INT(rest.n, 0);
	rest = ff_sv_cstr("one");
	item = ff_sv_next_item(&rest, ',');
	CHECK_SV(item, "one");
	CHECK_INT(rest.n, 0);
}

static void test_u64(void)
{
	uint64_t v = 99;
	CHECK(ff_sv_to_u64(ff_sv_cstr("0"), 2, &v) && v == 0);
	CHECK(ff_sv_to_u64(ff_sv_cstr("2"), 2, &v) && v == 2);
	CHECK(!ff_sv_to_u64(ff_sv_cstr("3"), 2, &v));
	CHECK(!ff_sv_to_u64(ff_sv_cstr("9"), 2, &v));
	CHECK(!ff_sv_to_u64(ff_sv_cstr("10"), 9, &v));
	CHECK(ff_sv_to_u64(ff_sv_cstr("1800"), 1800, &v) && v == 1800);
	CHECK(!ff_sv_to_u64(ff_sv_cstr("1801"), 1800, &v));
	CHECK(ff_sv_to_u64(ff_sv_cstr("18446744073709551615"), UINT64_MAX, &v) && v == UINT64_MAX);
	CHECK(!ff_sv_to_u64(ff_sv_cstr("18446744073709551616"), UINT64_MAX, &v));
	CHECK(!ff_sv_to_u64(ff_sv_cstr(""), 10, &v));
	CHECK(!ff_sv_to_u64(ff_sv_cstr("-1"), 10, &v));
	CHECK(!ff_sv_to_u64(ff_sv_cstr("1 "), 10, &v));
	CHECK(ff_sv_to_u64(ff_sv_cstr("007"), 10, &v) && v == 7);
}

/* ff_find_byte looks at eight bytes at a time: every length around the
 * word and prefix boundaries, the byte at every place, bytes with the high
 * bit set and bytes one away from the one sought, must give what a byte
 * loop gives. */
static void test_find_byte(void)
{
	unsigned char buf[80];
	unsigned wrong = 0, runs = 0;
	const unsigned char fills[] = { 'a', 0x00, 0x21, 0x23, 0x80, 0xa2, 0xff };
	for (size_t fi = 0; fi < sizeof fills; fi++) {
		for (size_t len = 0; len <= 72; len++) {
			for (size_t at = 0; at <= len; at++) {
				memset(buf, fills[fi], sizeof buf);
				if (at < len)
					buf[at] = '"';
				if (at + 3 < len)
					buf[at + 3] = '"'; /* a later one must not win */
				const char *p = (const char *)buf, *end = p + len;
				const char *want = NULL;
				for (const char *q = p; q < end; q++)
					if (*q == '"') {
						want = q;
						break;
					}
				wrong += ff_find_byte(p, end, '"') != want;
				runs++;
			}
		}
	}
	CHECK_INT(wrong, 0);
	CHECK(runs > 10000);
	CHECK(ff_find_byte("", "", 'x') == NULL);
}

int main(void)
{
	test_views();
	test_items();
	test_u64();
	test_find_byte();
	return CHECK_DONE("test_str");
}
