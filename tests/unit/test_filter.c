/* test_filter.c — the command-line filters against hand-made records:
 * --since/--until (parsing, instants against wall-clock bounds, the edges),
 * --include/--exclude on every field, --exclude-ip ranges of both families,
 * the bot modes, and the words the report prints for them. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fftime.h"
#include "filter.h"

/* A GET of / with status 200 by 192.0.2.1 at the given wall-clock time,
 * written with a UTC offset of off_min minutes. */
static ff_record rec_at(int64_t y, unsigned mo, unsigned d, int h, int mi, int s, int off_min)
{
	ff_record r;
	memset(&r, 0, sizeof r);
	int64_t wall = ff_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	r.time.offset = off_min * 60;
	r.time.t = wall - r.time.offset;
	r.client = FF_SV_LIT("192.0.2.1");
	r.method = FF_SV_LIT("GET");
	r.target = FF_SV_LIT("/");
	r.path = FF_SV_LIT("/");
	r.protocol = FF_SV_LIT("HTTP/1.1");
	r.status = 200;
	return r;
}

static ff_record rec_plain(void)
{
	return rec_at(2026, 3, 1, 12, 0, 0, 0);
}

static ff_record rec_client(const char *client)
{
	ff_record r = rec_plain();
	r.client = ff_sv_cstr(client);
	return r;
}

static int since(ff_filter *f, const char *text)
{
	char err[256] = "";
	int rc = ff_filter_since(f, text, err, sizeof err);
	if (rc != 0 && !strstr(err, text))
		return -2; /* the message must name the input */
	return rc;
}

static int until(ff_filter *f, const char *text)
{
	char err[256] = "";
	int rc = ff_filter_until(f, text, err, sizeof err);
	if (rc != 0 && !strstr(err, text))
		return -2;
	return rc;
}

static void test_bound_parsing(void)
{
	static const char *const good[] = {
		"2026-03-01",
		"2024-02-29",
		"2026-03-01T10:20",
		"2026-03-01 10:20",
		"2026-03-01T10:20:30",
		"2026-03-01 10:20:30",
		"2026-03-01T10:20Z",
		"2026-03-01T10:20:30Z",
		"2026-03-01T10:20:30+01:00",
		"2026-03-01T10:20:30+0100",
		"2026-03-01 10:20-05:30",
		"2026-03-01T10:20-0530",
		"2026-03-01T00:00:00+23:59",
		"2026-12-31T23:59:59-23:59",
	};
	static const char *const bad[] = {
		"",
		"yesterday",
		"2026/03/01",
		"2026-3-01",
		"2026-03-1",
		"26-03-01",
		"2026-02-29",
		"2026-02-30",
		"2026-13-01",
		"2026-00-10",
		"2026-03-00",
		"2026-03-01T",
		"2026-03-01T10",
		"2026-03-01T1:20",
		"2026-03-01T10:2",
		"2026-03-01T10:20:",
		"2026-03-01T10:20:3",
		"2026-03-01T10:20:30.5",
		"2026-03-01T24:00",
		"2026-03-01T10:60",
		"2026-03-01T10:20:60",
		"2026-03-01X10:20",
		"2026-03-01t10:20",
		"2026-03-01T10:20z",
		"2026-03-01T10:20Z ",
		"2026-03-01T10:20 Z",
		"2026-03-01T10:20ZZ",
		"2026-03-01T10:20+1",
		"2026-03-01T10:20+01",
		"2026-03-01T10:20+01:0",
		"2026-03-01T10:20+01:000",
		"2026-03-01T10:20+010",
		"2026-03-01T10:20+24:00",
		"2026-03-01T10:20+01:60",
		"2026-03-01T10:20*01:00",
		"2026-03-01 ",
		" 2026-03-01",
		"2026-03-01junk",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		ff_filter *f = ff_filter_new();
		int rs = since(f, good[i]), ru = until(f, good[i]);
		CHECK(rs == 0 && ru == 0);
		if (rs != 0 || ru != 0)
			fprintf(stderr, "  refused: '%s'\n", good[i]);
		CHECK(ff_filter_active(f));
		ff_filter_free(f);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ff_filter *f = ff_filter_new();
		int rs = since(f, bad[i]), ru = until(f, bad[i]);
		CHECK(rs == -1 && ru == -1);
		if (rs != -1 || ru != -1)
			fprintf(stderr, "  accepted or message without the input: '%s'\n", bad[i]);
		CHECK(!ff_filter_active(f));
		ff_filter_free(f);
	}
}

/* since/until each on a fresh filter against one record. */
static bool passes_since(const char *text, ff_record r)
{
	ff_filter *f = ff_filter_new();
	bool ok = since(f, text) == 0 && ff_filter_pass(f, &r, false);
	ff_filter_free(f);
	return ok;
}

static bool passes_until(const char *text, ff_record r)
{
	ff_filter *f = ff_filter_new();
	bool ok = until(f, text) == 0 && ff_filter_pass(f, &r, false);
	ff_filter_free(f);
	return ok;
}

static void test_bounds_wall_clock(void)
{
	/* Without an offset a bound is the wall-clock time the log wrote,
	 * whatever the line's offset. */
	CHECK(passes_since("2026-03-01T10:00", rec_at(2026, 3, 1, 10, 0, 0, 60)));
	CHECK(!passes_since("2026-03-01T10:00", rec_at(2026, 3, 1, 9, 59, 59, 60)));
	CHECK(passes_since("2026-03-01T10:00", rec_at(2026, 3, 1, 10, 0, 0, -300)));
	CHECK(!passes_since("2026-03-01T10:00", rec_at(2026, 3, 1, 9, 59, 59, -300)));
	CHECK(passes_since("2026-03-01 10:00:30", rec_at(2026, 3, 1, 10, 0, 30, 0)));
	CHECK(!passes_since("2026-03-01 10:00:30", rec_at(2026, 3, 1, 10, 0, 29, 0)));
	/* a date alone as --since: from midnight */
	CHECK(passes_since("2026-03-01", rec_at(2026, 3, 1, 0, 0, 0, 120)));
	CHECK(!passes_since("2026-03-01", rec_at(2026, 2, 28, 23, 59, 59, 120)));

	/* --until includes its bound */
	CHECK(passes_until("2026-03-01T10:00", rec_at(2026, 3, 1, 10, 0, 0, 60)));
	CHECK(!passes_until("2026-03-01T10:00", rec_at(2026, 3, 1, 10, 0, 1, 60)));
	CHECK(passes_until("2026-03-01T10:00:30", rec_at(2026, 3, 1, 10, 0, 30, -600)));
	CHECK(!passes_until("2026-03-01T10:00:30", rec_at(2026, 3, 1, 10, 0, 31, -600)));
	/* a date alone as --until: the whole day */
	CHECK(passes_until("2026-03-01", rec_at(2026, 3, 1, 23, 59, 59, 0)));
	CHECK(passes_until("2026-03-01", rec_at(2026, 3, 1, 0, 0, 0, 0)));
	CHECK(!passes_until("2026-03-01", rec_at(2026, 3, 2, 0, 0, 0, 0)));
	/* the day as written, even when the instant is the next UTC day */
	CHECK(passes_until("2026-03-01", rec_at(2026, 3, 1, 23, 30, 0, -300)));
	CHECK(!passes_until("2026-03-01", rec_at(2026, 3, 2, 0, 30, 0, 300)));
	/* end of a month and of a leap day */
	CHECK(passes_until("2024-02-29", rec_at(2024, 2, 29, 23, 59, 59, 0)));
	CHECK(!passes_until("2024-02-29", rec_at(2024, 3, 1, 0, 0, 0, 0)));
}

static void test_bounds_instant(void)
{
	/* 09:30 UTC written as such: after 10:00+01:00 (09:00Z) as an
	 * instant, though its wall-clock time is before 10:00 */
	ff_record r = rec_at(2026, 3, 1, 9, 30, 0, 0);
	CHECK(passes_since("2026-03-01T10:00+01:00", r));
	CHECK(passes_since("2026-03-01T10:00+0100", r));
	CHECK(passes_since("2026-03-01T09:00Z", r));
	CHECK(passes_since("2026-03-01T04:00-05:00", r));
	CHECK(!passes_since("2026-03-01T10:00", r));

	/* the edges, exactly */
	CHECK(passes_since("2026-03-01T09:00:00Z", rec_at(2026, 3, 1, 10, 0, 0, 60)));
	CHECK(!passes_since("2026-03-01T09:00:00Z", rec_at(2026, 3, 1, 9, 59, 59, 60)));
	CHECK(passes_since("2026-03-01T10:00:00+01:00", rec_at(2026, 3, 1, 4, 0, 0, -300)));
	CHECK(!passes_since("2026-03-01T10:00:00+01:00", rec_at(2026, 3, 1, 3, 59, 59, -300)));
	CHECK(passes_until("2026-03-01T10:00:00+01:00", rec_at(2026, 3, 1, 9, 0, 0, 0)));
	CHECK(!passes_until("2026-03-01T10:00:00+01:00", rec_at(2026, 3, 1, 9, 0, 1, 0)));
	CHECK(passes_until("2026-03-01T09:00Z", rec_at(2026, 3, 1, 9, 0, 0, 0)));
	CHECK(!passes_until("2026-03-01T09:00Z", rec_at(2026, 3, 1, 9, 0, 1, 0)));
	CHECK(passes_until("2026-03-01T04:00-0500", rec_at(2026, 3, 1, 10, 0, 0, 60)));
	CHECK(!passes_until("2026-03-01T04:00-0500", rec_at(2026, 3, 1, 10, 0, 1, 60)));
	/* an offset crossing midnight */
	CHECK(!passes_since("2026-03-02T01:00+02:00", rec_at(2026, 2, 28, 23, 0, 0, 0)));
	CHECK(passes_since("2026-03-02T01:00+02:00", rec_at(2026, 3, 1, 23, 0, 0, 0)));
	CHECK(!passes_since("2026-03-02T01:00+02:00", rec_at(2026, 3, 1, 22, 59, 59, 0)));

	/* since and until together: a closed range */
	ff_filter *f = ff_filter_new();
	CHECK_INT(since(f, "2026-03-01T10:00"), 0);
	CHECK_INT(until(f, "2026-03-01T11:00"), 0);
	ff_record in1 = rec_at(2026, 3, 1, 10, 0, 0, 0), in2 = rec_at(2026, 3, 1, 11, 0, 0, 0);
	ff_record out1 = rec_at(2026, 3, 1, 9, 59, 59, 0), out2 = rec_at(2026, 3, 1, 11, 0, 1, 0);
	CHECK(ff_filter_pass(f, &in1, false));
	CHECK(ff_filter_pass(f, &in2, false));
	CHECK(!ff_filter_pass(f, &out1, false));
	CHECK(!ff_filter_pass(f, &out2, false));
	/* a later --since replaces the earlier */
	CHECK_INT(since(f, "2026-03-01T10:30"), 0);
	CHECK(!ff_filter_pass(f, &in1, false));
	ff_filter_free(f);

	/* a refused bound leaves the one set before as it was */
	f = ff_filter_new();
	CHECK_INT(since(f, "2026-03-01T10:00+01:00"), 0);
	ff_record before = rec_at(2026, 3, 1, 9, 30, 0, 60); /* 08:30Z */
	CHECK(!ff_filter_pass(f, &before, false));
	CHECK_INT(since(f, "2026-03-01T12:00+99:00"), -1);
	/* a refused bound leaves the kept one an instant */
	CHECK(!ff_filter_pass(f, &before, false));
	ff_filter_free(f);
}

static bool passes_spec(const char *spec, bool exclude, const ff_record *r)
{
	ff_filter *f = ff_filter_new();
	char err[256];
	bool ok = ff_filter_match(f, spec, exclude, err, sizeof err) == 0 && ff_filter_pass(f, r, false);
	ff_filter_free(f);
	return ok;
}

static void test_match_fields(void)
{
	ff_record r = rec_plain();
	r.path = FF_SV_LIT("/blog/post-1");
	r.target = FF_SV_LIT("/blog/post-1?x=1");
	r.method = FF_SV_LIT("POST");
	r.status = 404;
	r.client = FF_SV_LIT("198.51.100.9");
	r.referer = FF_SV_LIT("https://www.google.com/search?q=x");
	r.user_agent = FF_SV_LIT("curl/8.5.0");
	r.vhost = FF_SV_LIT("shop.example.com");

	struct {
		const char *spec;
		bool want; /* as an include; an exclude gives the opposite */
	} cases[] = {
		{ "path=^/blog/", true },
		{ "path=^/about", false },
		{ "path=x=1", false }, /* the path has no query */
		{ "path=^/blog/post-1$", true },
		{ "status=^404$", true },
		{ "status=^4", true },
		{ "status=^40$", false },
		{ "status=^200$", false },
		{ "method=^POST$", true },
		{ "method=^GET$", false },
		{ "client=^198\\.51\\.100\\.", true },
		{ "client=^192\\.0\\.2\\.", false },
		{ "referer=google", true },
		{ "referer=bing", false },
		{ "user_agent=^curl/", true },
		{ "user_agent=Mozilla", false },
		{ "vhost=^shop\\.", true },
		{ "vhost=^www\\.", false },
		{ "path=", true }, /* the empty regex matches everything */
		{ "path=(?i)^/BLOG", true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bool inc = passes_spec(cases[i].spec, false, &r);
		bool exc = passes_spec(cases[i].spec, true, &r);
		CHECK(inc == cases[i].want);
		CHECK(exc == !cases[i].want);
		if (inc != cases[i].want || exc == cases[i].want)
			fprintf(stderr, "  wrong for '%s'\n", cases[i].spec);
	}

	/* status is matched as its three digits */
	ff_record s = rec_plain();
	s.status = 100;
	CHECK(passes_spec("status=^100$", false, &s));
	s.status = 599;
	CHECK(passes_spec("status=^5\\d\\d$", false, &s));
	s.status = 304;
	CHECK(passes_spec("status=^3", false, &s));
	CHECK(!passes_spec("status=^304.", false, &s));

	/* empty fields ("-" referer, no vhost in the format) are empty text */
	ff_record e = rec_plain();
	CHECK(passes_spec("referer=^$", false, &e));
	CHECK(!passes_spec("referer=.", false, &e));
	CHECK(passes_spec("vhost=^$", false, &e));
	CHECK(passes_spec("user_agent=.", true, &e));
	CHECK(!passes_spec("user_agent=^$", true, &e));
}

static void test_match_combined(void)
{
	char err[256];
	ff_filter *f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "path=^/blog", false, err, sizeof err), 0);
	CHECK_INT(ff_filter_match(f, "method=^GET$", false, err, sizeof err), 0);
	ff_record r = rec_plain();
	r.path = FF_SV_LIT("/blog/a");
	CHECK(ff_filter_pass(f, &r, false));
	r.method = FF_SV_LIT("POST"); /* one include of two fails */
	CHECK(!ff_filter_pass(f, &r, false));
	r.method = FF_SV_LIT("GET");
	r.path = FF_SV_LIT("/shop");
	CHECK(!ff_filter_pass(f, &r, false));
	/* an exclude wins over the includes */
	CHECK_INT(ff_filter_match(f, "path=draft", true, err, sizeof err), 0);
	r.path = FF_SV_LIT("/blog/draft-2");
	CHECK(!ff_filter_pass(f, &r, false));
	r.path = FF_SV_LIT("/blog/final");
	CHECK(ff_filter_pass(f, &r, false));
	/* any exclude drops */
	CHECK_INT(ff_filter_match(f, "status=^5", true, err, sizeof err), 0);
	r.status = 503;
	CHECK(!ff_filter_pass(f, &r, false));
	r.status = 200;
	CHECK(ff_filter_pass(f, &r, false));
	ff_filter_free(f);

	/* an exclude and an include of the same regex: nothing passes */
	f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "path=^/x", false, err, sizeof err), 0);
	CHECK_INT(ff_filter_match(f, "path=^/x", true, err, sizeof err), 0);
	r.path = FF_SV_LIT("/x");
	CHECK(!ff_filter_pass(f, &r, false));
	r.path = FF_SV_LIT("/y");
	CHECK(!ff_filter_pass(f, &r, false));
	ff_filter_free(f);
}

static void test_match_errors(void)
{
	static const char *const bad[] = {
		"path", "", "=^/x", "nope=x", "Path=x", "pat=x", "paths=x", "path =x",
		"status:200", "user-agent=x", "useragent=x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ff_filter *f = ff_filter_new();
		char err[256] = "";
		CHECK_INT(ff_filter_match(f, bad[i], false, err, sizeof err), -1);
		CHECK(strstr(err, "FIELD=REGEX") != NULL);
		CHECK(strstr(err, "user_agent") != NULL); /* it lists the fields */
		CHECK(!ff_filter_active(f));
		ff_filter_free(f);
	}
	ff_filter *f = ff_filter_new();
	char err[256] = "";
	CHECK_INT(ff_filter_match(f, "path=(unclosed", true, err, sizeof err), -1);
	CHECK(strstr(err, "path=(unclosed") != NULL);
	CHECK(strstr(err, "offset") != NULL);
	CHECK(!ff_filter_active(f));
	ff_filter_free(f);
}

static bool excluded_by(const char *cidr, const char *client)
{
	ff_filter *f = ff_filter_new();
	char err[256];
	ff_record r = rec_client(client);
	bool ok = ff_filter_exclude_ip(f, cidr, err, sizeof err) == 0 && !ff_filter_pass(f, &r, false);
	ff_filter_free(f);
	return ok;
}

static void test_cidr(void)
{
	struct {
		const char *cidr, *client;
		bool excluded;
	} cases[] = {
		/* IPv4 */
		{ "192.0.2.0/24", "192.0.2.0", true },
		{ "192.0.2.0/24", "192.0.2.255", true },
		{ "192.0.2.0/24", "192.0.3.0", false },
		{ "192.0.2.0/24", "192.0.1.255", false },
		{ "0.0.0.0/0", "203.0.113.9", true },
		{ "0.0.0.0/0", "2001:db8::1", false },
		{ "10.0.0.0/8", "10.255.255.255", true },
		{ "10.0.0.0/8", "11.0.0.0", false },
		{ "10.0.0.0/8", "9.255.255.255", false },
		{ "192.0.2.7/32", "192.0.2.7", true },
		{ "192.0.2.7/32", "192.0.2.6", false },
		{ "192.0.2.7", "192.0.2.7", true },
		{ "192.0.2.7", "192.0.2.70", false },
		{ "192.0.2.0/23", "192.0.2.1", true },
		{ "192.0.2.0/23", "192.0.3.254", true },
		{ "192.0.2.0/23", "192.0.4.0", false },
		{ "192.0.2.0/23", "192.0.1.255", false },
		/* host bits in the range are ignored */
		{ "192.0.3.77/23", "192.0.2.1", true },
		{ "192.0.3.77/23", "192.0.4.1", false },
		{ "192.0.2.128/25", "192.0.2.127", false },
		{ "192.0.2.128/25", "192.0.2.128", true },
		{ "128.0.0.0/1", "127.255.255.255", false },
		{ "128.0.0.0/1", "128.0.0.0", true },
		/* IPv6 */
		{ "2001:db8:1::/48", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", true },
		{ "2001:db8:1::/48", "2001:db8:1::", true },
		{ "2001:db8:1::/48", "2001:db8:2::1", false },
		{ "2001:db8:1::/48", "2001:db8::1", false },
		{ "2001:db8::/47", "2001:db8:1::5", true },
		{ "2001:db8::/47", "2001:db8::5", true },
		{ "2001:db8::/47", "2001:db8:2::", false },
		{ "2001:db8::/32", "2001:0DB8:ABCD::1", true },
		{ "2001:db8::/32", "2001:db9::1", false },
		{ "2001:db8::1/128", "2001:db8::1", true },
		{ "2001:db8::1/128", "2001:db8::2", false },
		{ "2001:db8::1", "2001:0db8:0000::0001", true },
		{ "2001:db8::1", "2001:db8::1:0", false },
		{ "::/0", "2001:db8::1", true },
		{ "::/0", "::1", true },
		{ "::/0", "192.0.2.1", false },
		{ "2001:db8::/8", "20ff::1", true },
		{ "2001:db8::/8", "2100::1", false },
		/* a client's zone is not part of its address */
		{ "fe80::/10", "fe80::1%eth0", true },
		{ "fe80::/10", "febf::1%wlan0", true },
		{ "fe80::/10", "fec0::1%eth0", false },
		{ "fe80::1", "fe80::1%eth0", true },
		/* host names are never excluded by address */
		{ "0.0.0.0/0", "example.com", false },
		{ "::/0", "example.com", false },
		{ "0.0.0.0/0", "crawl-66-249-66-1.googlebot.com", false },
		{ "0.0.0.0/0", "", false },
		{ "0.0.0.0/0", "192.0.2", false },
		{ "::/0", "[2001:db8::1]", false },
		{ "192.0.2.0/24", "192.0.2.1:8080", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bool got = excluded_by(cases[i].cidr, cases[i].client);
		CHECK(got == cases[i].excluded);
		if (got != cases[i].excluded)
			fprintf(stderr, "  %s with %s: %s\n", cases[i].client, cases[i].cidr,
				got ? "excluded" : "kept");
	}

	/* several ranges: any of them excludes */
	ff_filter *f = ff_filter_new();
	char err[256];
	CHECK_INT(ff_filter_exclude_ip(f, "10.0.0.0/8", err, sizeof err), 0);
	CHECK_INT(ff_filter_exclude_ip(f, "2001:db8::/32", err, sizeof err), 0);
	ff_record a = rec_client("10.1.1.1"), b = rec_client("2001:db8::5"), c = rec_client("192.0.2.1");
	CHECK(!ff_filter_pass(f, &a, false));
	CHECK(!ff_filter_pass(f, &b, false));
	CHECK(ff_filter_pass(f, &c, false));
	ff_filter_free(f);

	/* a client with a NUL byte is not an address (SPEC §13.1, §13.10) */
	f = ff_filter_new();
	CHECK_INT(ff_filter_exclude_ip(f, "192.0.2.0/24", err, sizeof err), 0);
	ff_record nul = rec_plain();
	nul.client = ff_sv_make("192.0.2.1\0x", 11);
	(void)nul;
	/* a NUL makes the client no address: kept */
	CHECK(ff_filter_pass(f, &nul, false));
	ff_filter_free(f);
}

static void test_cidr_errors(void)
{
	static const char *const bad[] = {
		"", "example.com", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1",
		"192.0.2.0/+8", "192.0.2.0/a", "192.0.2.0/24/1", "192.0.2.0/ 24", "192.0.2",
		"256.0.0.0/8", "2001:db8::/129", "2001:db8::/", "2001:db8:::/64",
		"fe80::%eth0/10", "[2001:db8::]/32",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ff_filter *f = ff_filter_new();
		char err[256] = "";
		int rc = ff_filter_exclude_ip(f, bad[i], err, sizeof err);
		CHECK_INT(rc, -1);
		CHECK(err[0] != 0 && strstr(err, bad[i]) != NULL);
		if (rc != -1)
			fprintf(stderr, "  accepted: '%s'\n", bad[i]);
		CHECK(!ff_filter_active(f));
		ff_filter_free(f);
	}
	ff_filter *f = ff_filter_new();
	char err[256] = "";
	CHECK_INT(ff_filter_exclude_ip(f, "192.0.2.0/33", err, sizeof err), -1);
	CHECK(strstr(err, "0 to 32") != NULL);
	CHECK_INT(ff_filter_exclude_ip(f, "::/129", err, sizeof err), -1);
	CHECK(strstr(err, "0 to 128") != NULL);
	CHECK_INT(ff_filter_exclude_ip(f, "192.0.2.0/4294967328", err, sizeof err), -1);
	ff_filter_free(f);
}

static void test_bots(void)
{
	ff_record r = rec_plain();
	ff_filter *f = ff_filter_new();
	CHECK(ff_filter_pass(f, &r, true));
	CHECK(ff_filter_pass(f, &r, false));
	ff_filter_bots(f, FF_BOTS_ALL);
	CHECK(!ff_filter_active(f));
	ff_filter_bots(f, FF_BOTS_NONE);
	CHECK(ff_filter_active(f));
	CHECK(!ff_filter_pass(f, &r, true));
	CHECK(ff_filter_pass(f, &r, false));
	ff_filter_bots(f, FF_BOTS_ONLY);
	CHECK(ff_filter_active(f));
	CHECK(ff_filter_pass(f, &r, true));
	CHECK(!ff_filter_pass(f, &r, false));
	ff_filter_bots(f, FF_BOTS_ALL);
	CHECK(!ff_filter_active(f));
	CHECK(ff_filter_pass(f, &r, true));
	ff_filter_free(f);
}

static void test_active(void)
{
	char err[256];
	ff_filter *f = ff_filter_new();
	CHECK(!ff_filter_active(f));
	ff_record r = rec_plain();
	CHECK(ff_filter_pass(f, &r, false)); /* no filter: everything passes */
	ff_filter_free(f);

	f = ff_filter_new();
	CHECK_INT(ff_filter_since(f, "2026-01-01", err, sizeof err), 0);
	CHECK(ff_filter_active(f));
	ff_filter_free(f);
	f = ff_filter_new();
	CHECK_INT(ff_filter_until(f, "2026-01-01", err, sizeof err), 0);
	CHECK(ff_filter_active(f));
	ff_filter_free(f);
	f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "path=x", false, err, sizeof err), 0);
	CHECK(ff_filter_active(f));
	ff_filter_free(f);
	f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "path=x", true, err, sizeof err), 0);
	CHECK(ff_filter_active(f));
	ff_filter_free(f);
	f = ff_filter_new();
	CHECK_INT(ff_filter_exclude_ip(f, "::1", err, sizeof err), 0);
	CHECK(ff_filter_active(f));
	ff_filter_free(f);
	ff_filter_free(NULL);
}

static void test_describe(void)
{
	char err[256], buf[512];
	ff_filter *f = ff_filter_new();
	memset(buf, '#', sizeof buf);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "");

	CHECK_INT(ff_filter_since(f, "2026-03-01", err, sizeof err), 0);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "since 2026-03-01");

	CHECK_INT(ff_filter_until(f, "2026-03-31T23:00+01:00", err, sizeof err), 0);
	CHECK_INT(ff_filter_match(f, "path=^/blog", false, err, sizeof err), 0);
	CHECK_INT(ff_filter_match(f, "status=^404$", true, err, sizeof err), 0);
	CHECK_INT(ff_filter_exclude_ip(f, "10.0.0.0/8", err, sizeof err), 0);
	CHECK_INT(ff_filter_exclude_ip(f, "2001:db8::1", err, sizeof err), 0);
	ff_filter_bots(f, FF_BOTS_NONE);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "since 2026-03-01, until 2026-03-31T23:00+01:00, include path=^/blog, "
		       "exclude status=^404$, exclude-ip 10.0.0.0/8, exclude-ip 2001:db8::1, no bots");

	/* a short buffer: cut, always terminated, never overrun */
	for (size_t n = 1; n < 40; n++) {
		char small[40];
		memset(small, '#', sizeof small);
		ff_filter_describe(f, small, n);
		CHECK(strlen(small) == n - 1);
		CHECK(memcmp(small, buf, n - 1) == 0);
		if (n < sizeof small)
			CHECK(small[n] == '#');
	}
	ff_filter_free(f);

	f = ff_filter_new();
	ff_filter_bots(f, FF_BOTS_ONLY);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "bots only");
	CHECK_INT(ff_filter_until(f, "2026-03-31", err, sizeof err), 0);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "until 2026-03-31, bots only");
	/* a refused setting is not described */
	CHECK_INT(ff_filter_since(f, "not a date", err, sizeof err), -1);
	CHECK_INT(ff_filter_match(f, "nope=x", false, err, sizeof err), -1);
	CHECK_INT(ff_filter_exclude_ip(f, "nope", err, sizeof err), -1);
	ff_filter_describe(f, buf, sizeof buf);
	CHECK_STR(buf, "until 2026-03-31, bots only");
	ff_filter_free(f);
}

static void test_regex_limits(void)
{
	/* catastrophic backtracking gives up at PCRE2's limit: the line
	 * counts as not matching, and the filter says how many did */
	char ua[64];
	memset(ua, 'a', 40);
	memcpy(ua + 40, "!", 2);
	ff_record r = rec_plain();
	r.user_agent = ff_sv_cstr(ua);
	char err[256];

	ff_filter *f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "user_agent=^(a+)+$", false, err, sizeof err), 0);
	CHECK_INT(ff_filter_limit_hits(f), 0);
	CHECK(!ff_filter_pass(f, &r, false));
	CHECK_INT(ff_filter_limit_hits(f), 1);
	ff_record plain = rec_plain();
	plain.user_agent = FF_SV_LIT("aaaa");
	CHECK(ff_filter_pass(f, &plain, false));
	CHECK_INT(ff_filter_limit_hits(f), 1);
	ff_filter_free(f);

	f = ff_filter_new();
	CHECK_INT(ff_filter_match(f, "user_agent=^(a+)+$", true, err, sizeof err), 0);
	CHECK(ff_filter_pass(f, &r, false)); /* not matching: not excluded */
	CHECK_INT(ff_filter_limit_hits(f), 1);
	ff_filter_free(f);
}

int main(void)
{
	test_bound_parsing();
	test_bounds_wall_clock();
	test_bounds_instant();
	test_match_fields();
	test_match_combined();
	test_match_errors();
	test_cidr();
	test_cidr_errors();
	test_bots();
	test_active();
	test_describe();
	test_regex_limits();
	return CHECK_DONE("test_filter");
}
