/* test_intern.c — dense ids in first-seen order, bytes kept exactly (NUL,
 * invalid UTF-8, empty, longer than a chunk), views that survive growth,
 * keys given in pieces, and the limit's shared overflow id. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "intern.h"

static void test_ids(void)
{
	ff_intern *in = ff_intern_new(1);
	CHECK(in != NULL);
	if (!in)
		return;
	CHECK_INT(ff_intern_count(in), 0);
	CHECK_INT(ff_intern_find(in, FF_SV_LIT("/")), FF_INTERN_NONE);

	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/")), 0);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/about")), 1);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/")), 0);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("")), 2);
	CHECK_INT(ff_intern_id(in, FF_SV_NULL), 2); /* empty, whatever the pointer */
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/About")), 3); /* no case folding */
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/a\0b")), 4);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/a\0c")), 5); /* bytes after a NUL count */
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/a")), 6);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/\xff\xfe")), 7);
	CHECK_INT(ff_intern_count(in), 8);

	CHECK_SV(ff_intern_get(in, 0), "/");
	CHECK_SV(ff_intern_get(in, 1), "/about");
	CHECK_INT(ff_intern_get(in, 2).n, 0);
	CHECK(ff_intern_get(in, 2).p != NULL);
	ff_sv nul = ff_intern_get(in, 4);
	CHECK(nul.n == 4 && memcmp(nul.p, "/a\0b", 4) == 0);
	CHECK_SV(ff_intern_get(in, 7), "/\xff\xfe");
	CHECK_INT(ff_intern_get(in, 8).n, 0); /* out of range: empty view */
	CHECK_INT(ff_intern_find(in, FF_SV_LIT("/about")), 1);
	CHECK_INT(ff_intern_find(in, FF_SV_LIT("/missing")), FF_INTERN_NONE);
	CHECK_INT(ff_intern_count(in), 8);

	/* The table copies: changing the caller's buffer changes nothing. */
	char buf[] = "/blog";
	uint32_t id = ff_intern_id(in, ff_sv_cstr(buf));
	buf[1] = 'X';
	CHECK_SV(ff_intern_get(in, id), "/blog");
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/blog")), id);
	ff_intern_free(in);
	ff_intern_free(NULL);
}

static void test_many_and_stable(void)
{
	enum { N = 200000 };
	ff_intern *in = ff_intern_new(2);
	CHECK(in != NULL);
	if (!in)
		return;
	ff_sv first[100] = { { NULL, 0 } };
	bool ok = true;
	for (uint32_t i = 0; i < N; i++) {
		char s[32];
		int n = snprintf(s, sizeof s, "/page/%u?x=%u", i, i * 7);
		if (ff_intern_id(in, ff_sv_make(s, (size_t)n)) != i)
			ok = false;
		if (i < 100)
			first[i] = ff_intern_get(in, i);
	}
	CHECK(ok);
	CHECK_INT(ff_intern_count(in), N);

	/* Views taken early still point at the right bytes after the table
	 * and its arena have grown many times. */
	ok = true;
	for (uint32_t i = 0; i < 100; i++) {
		char s[32];
		int n = snprintf(s, sizeof s, "/page/%u?x=%u", i, i * 7);
		ff_sv now = ff_intern_get(in, i);
		if (now.p != first[i].p || !ff_sv_eq(now, ff_sv_make(s, (size_t)n)))
			ok = false;
	}
	CHECK(ok);
	ok = true;
	for (uint32_t i = 0; i < N; i += 997) {
		char s[32];
		int n = snprintf(s, sizeof s, "/page/%u?x=%u", i, i * 7);
		if (ff_intern_id(in, ff_sv_make(s, (size_t)n)) != i)
			ok = false;
	}
	CHECK(ok);
	CHECK_INT(ff_intern_count(in), N);

	/* Strings are packed, not one allocation each: about 20 bytes of
	 * text plus 16 of view and at most 40 of table per string. */
	size_t bytes = ff_intern_bytes(in);
	CHECK(bytes > (size_t)N * 20);
	CHECK(bytes < (size_t)N * 90);
	ff_intern_free(in);
}

static void test_long_strings(void)
{
	ff_intern *in = ff_intern_new(3);
	CHECK(in != NULL);
	if (!in)
		return;
	size_t big = 3u * 1024 * 1024;
	char *a = malloc(big), *b = malloc(big);
	CHECK(a && b);
	if (!a || !b) {
		free(a);
		free(b);
		ff_intern_free(in);
		return;
	}
	memset(a, 'a', big);
	memcpy(b, a, big);
	b[big - 1] = 'b';
	uint32_t small1 = ff_intern_id(in, FF_SV_LIT("/small"));
	uint32_t ia = ff_intern_id(in, ff_sv_make(a, big));
	uint32_t ib = ff_intern_id(in, ff_sv_make(b, big));
	uint32_t mid = ff_intern_id(in, ff_sv_make(a, 100000));
	uint32_t small2 = ff_intern_id(in, FF_SV_LIT("/small2"));
	CHECK_INT(small1, 0);
	CHECK_INT(ia, 1);
	CHECK_INT(ib, 2);
	CHECK_INT(mid, 3);
	CHECK_INT(small2, 4);
	CHECK(ff_sv_eq(ff_intern_get(in, ia), ff_sv_make(a, big)));
	CHECK(ff_sv_eq(ff_intern_get(in, ib), ff_sv_make(b, big)));
	CHECK_INT(ff_intern_get(in, mid).n, 100000);
	CHECK_SV(ff_intern_get(in, small1), "/small");
	CHECK_SV(ff_intern_get(in, small2), "/small2");
	CHECK_INT(ff_intern_id(in, ff_sv_make(b, big)), ib);
	free(a);
	free(b);
	ff_intern_free(in);
}

static void test_parts(void)
{
	ff_intern *in = ff_intern_new(4);
	CHECK(in != NULL);
	if (!in)
		return;
	uint32_t whole = ff_intern_id(in, FF_SV_LIT("203.0.113.9 Mozilla/5.0 (X11)"));
	ff_sv three[3] = { FF_SV_LIT("203.0.113.9"), FF_SV_LIT(" "), FF_SV_LIT("Mozilla/5.0 (X11)") };
	CHECK_INT(ff_intern_id_parts(in, three, 3), whole);
	ff_sv with_empty[4] = { FF_SV_LIT("203.0.113.9 Moz"), FF_SV_NULL, FF_SV_LIT("illa/5.0 (X11)"),
				FF_SV_LIT("") };
	CHECK_INT(ff_intern_id_parts(in, with_empty, 4), whole);
	ff_sv other[2] = { FF_SV_LIT("203.0.113.9"), FF_SV_LIT("Mozilla/5.0 (X11)") };
	uint32_t joined = ff_intern_id_parts(in, other, 2);
	CHECK(joined != whole);
	CHECK_SV(ff_intern_get(in, joined), "203.0.113.9Mozilla/5.0 (X11)");
	CHECK_INT(ff_intern_id_parts(in, NULL, 0), 2);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("")), 2);
	CHECK_INT(ff_intern_count(in), 3);
	ff_intern_free(in);
}

static void test_limit(void)
{
	ff_intern *in = ff_intern_new(5);
	CHECK(in != NULL);
	if (!in)
		return;
	CHECK(!ff_intern_is_overflow(in, 0)); /* no limit: no overflow id */
	ff_intern_set_limit(in, 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/a")), 0);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/b")), 1);
	CHECK_INT(ff_intern_overflows(in), 0);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/c")), 2);
	CHECK_INT(ff_intern_overflows(in), 0);
	/* Full: new strings share the overflow id, which is the limit and
	 * the count, and are not stored; known ones keep their ids. */
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/d")), 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/e")), 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/d")), 3);
	ff_sv parts[2] = { FF_SV_LIT("/"), FF_SV_LIT("f") };
	CHECK_INT(ff_intern_id_parts(in, parts, 2), 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/b")), 1);
	ff_sv ab[2] = { FF_SV_LIT("/"), FF_SV_LIT("a") };
	CHECK_INT(ff_intern_id_parts(in, ab, 2), 0);
	CHECK_INT(ff_intern_count(in), 3);
	CHECK_INT(ff_intern_overflows(in), 4);
	CHECK(ff_intern_is_overflow(in, 3));
	CHECK(!ff_intern_is_overflow(in, 2));
	CHECK_INT(ff_intern_get(in, 3).n, 0);
	CHECK_INT(ff_intern_find(in, FF_SV_LIT("/d")), FF_INTERN_NONE);
	CHECK_INT(ff_intern_find(in, FF_SV_LIT("/c")), 2);

	/* A lower limit than the count keeps what is there. */
	ff_intern_set_limit(in, 1);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/g")), 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/c")), 2);
	/* Raising it lets new strings in again, with the next ids. */
	ff_intern_set_limit(in, 5);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/d")), 3);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/e")), 4);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/h")), 5);
	CHECK_SV(ff_intern_get(in, 3), "/d");
	CHECK_INT(ff_intern_count(in), 5);
	/* 0: no limit. */
	ff_intern_set_limit(in, 0);
	CHECK_INT(ff_intern_id(in, FF_SV_LIT("/h")), 5);
	CHECK(!ff_intern_is_overflow(in, 5));
	CHECK_INT(ff_intern_count(in), 6);
	ff_intern_free(in);

	/* A big table under a limit stores only what it keeps. */
	enum { N = 100000, MAX = 1000 };
	in = ff_intern_new(6);
	CHECK(in != NULL);
	if (!in)
		return;
	ff_intern_set_limit(in, MAX);
	bool ok = true;
	for (uint32_t i = 0; i < N; i++) {
		char s[32];
		int n = snprintf(s, sizeof s, "/page/%u", i);
		if (ff_intern_id(in, ff_sv_make(s, (size_t)n)) != (i < MAX ? i : MAX))
			ok = false;
	}
	CHECK(ok);
	CHECK_INT(ff_intern_count(in), MAX);
	CHECK_INT(ff_intern_overflows(in), N - MAX);
	CHECK(ff_intern_bytes(in) < 512u * 1024);
	ff_intern_free(in);
}

/* --max-memory and the bound on key length (ff_intern_set_budget). */
static void test_budget(void)
{
	ff_budget b = { .limit = 600u * 1024 };
	ff_intern *x = ff_intern_new(7), *y = ff_intern_new(8);
	CHECK(x && y);
	if (!x || !y) {
		ff_intern_free(x);
		ff_intern_free(y);
		return;
	}
	CHECK_INT(ff_intern_set_budget(x, &b, 16), 0);
	CHECK_INT(ff_intern_set_budget(y, &b, 16), 0);
	/* Up to 16 bytes: whole. */
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcde")), 0);
	CHECK_SV(ff_intern_get(x, 0), "/0123456789abcde");
	/* Longer: the first 16 bytes and the marker; the same prefix and
	 * length share the id, another length does not. */
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcdefXYZ")), 1);
	CHECK_SV(ff_intern_get(x, 1), "/0123456789abcde\xe2\x80\xa6[+4 bytes]");
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcdefQQQ")), 1);
	ff_sv parts[2] = { FF_SV_LIT("/0123456789"), FF_SV_LIT("abcdefXYZ") };
	CHECK_INT(ff_intern_id_parts(x, parts, 2), 1);
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcdefXYZW")), 2);
	/* A UTF-8 character across the cut goes whole into the cut part. */
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcd\xc3\xa9zz")), 3);
	CHECK_SV(ff_intern_get(x, 3), "/0123456789abcd\xe2\x80\xa6[+4 bytes]");
	CHECK_INT(b.truncated, 3);
	CHECK(!b.reached);
	/* The tables charge one budget: y's strings stop both tables once
	 * the sum reaches the limit. */
	uint32_t id = 0;
	for (uint32_t n = 0; n < 100000; n++) {
		char s[32];
		int len = snprintf(s, sizeof s, "/page/%u", n);
		id = ff_intern_id(y, ff_sv_make(s, (size_t)len));
		if (id == FF_INTERN_NONE || ff_intern_is_overflow(y, id))
			break;
	}
	CHECK(b.reached);
	CHECK(ff_intern_budget_stopped(y));
	CHECK(b.used <= b.limit + 256u * 1024 + 64);
	CHECK(ff_intern_bytes(x) + ff_intern_bytes(y) <= b.used + 2 * 1024);
	CHECK_INT(id, ff_intern_count(y));
	CHECK_INT(ff_intern_id(y, FF_SV_LIT("/page/1")), 1);
	/* x is stopped too once it meets the spent budget; known strings keep
	 * their ids, and the overflow id is its count. */
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/new")), 4);
	CHECK(ff_intern_is_overflow(x, 4));
	CHECK(ff_intern_budget_stopped(x));
	CHECK_INT(ff_intern_id(x, FF_SV_LIT("/0123456789abcde")), 0);
	CHECK_INT(ff_intern_count(x), 4);
	CHECK_INT(ff_intern_get(x, 4).n, 0);
	ff_intern_free(x);
	ff_intern_free(y);
}

int main(void)
{
	test_ids();
	test_many_and_stable();
	test_long_strings();
	test_parts();
	test_limit();
	test_budget();
	return CHECK_DONE("test_intern");
}
