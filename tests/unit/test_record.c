/* test_record.c — request-line and target splitting (SPEC §13.8, §13.9)
 * and the strict status and byte rules (§13.7). */
#include "check.h"

#include "record.h"

static ff_record split(const char *request)
{
	ff_record rec;
	memset(&rec, 0, sizeof rec);
	rec.request = ff_sv_cstr(request);
	rec.has = FF_HAS(FF_F_REQUEST);
	ff_record_split_request(&rec);
	return rec;
}

static void test_split_request(void)
{
	ff_record r = split("GET /a/b?x=1&y=2#frag HTTP/1.1");
	CHECK_SV(r.method, "GET");
	CHECK_SV(r.target, "/a/b?x=1&y=2#frag");
	CHECK_SV(r.path, "/a/b");
	CHECK_SV(r.query, "x=1&y=2");
	CHECK_SV(r.protocol, "HTTP/1.1");
	CHECK_INT(r.has, FF_HAS(FF_F_REQUEST) | FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET) | FF_HAS(FF_F_PROTOCOL));

	/* METHOD TARGET: no protocol. */
	r = split("GET /index.html");
	CHECK_SV(r.method, "GET");
	CHECK_SV(r.target, "/index.html");
	CHECK_SV(r.protocol, "");
	CHECK(!(r.has & FF_HAS(FF_F_PROTOCOL)));

	/* Spaces inside the target are kept. */
	r = split("GET /a b c?q=x y HTTP/1.0");
	CHECK_SV(r.target, "/a b c?q=x y");
	CHECK_SV(r.path, "/a b c");
	CHECK_SV(r.query, "q=x y");
	CHECK_SV(r.protocol, "HTTP/1.0");
	/* The protocol is any NAME/DIGITS or NAME/DIGITS.DIGITS (SPEC §13.8). */
	r = split("GET /a FOO/1.0");
	CHECK_SV(r.target, "/a");
	CHECK_SV(r.protocol, "FOO/1.0");
	r = split("DESCRIBE rtsp://cam/x RTSP/1.0");
	CHECK_SV(r.method, "DESCRIBE");
	CHECK_SV(r.target, "rtsp://cam/x");
	CHECK_SV(r.protocol, "RTSP/1.0");
	r = split("GET / HTTP/2");
	CHECK_SV(r.target, "/");
	CHECK_SV(r.protocol, "HTTP/2");
	CHECK(r.has & FF_HAS(FF_F_PROTOCOL));
	/* A last word of another shape belongs to the target. */
	static const char *const not_protocols[] = {
		"HTTP/1.1.1", "HTTP/", "/1.0", "HTTP/1.", "HTTP/.1", "HTTP/x", "HT TP", "H(T)/1.1", "HTTP/1.1x",
	};
	for (size_t i = 0; i < sizeof not_protocols / sizeof *not_protocols; i++) {
		char line[64];
		snprintf(line, sizeof line, "GET /a %s", not_protocols[i]);
		r = split(line);
		CHECK_SV(r.method, "GET");
		CHECK(r.target.n == strlen(line) - 4 && memcmp(r.target.p, line + 4, r.target.n) == 0);
		CHECK_SV(r.protocol, "");
		CHECK(!(r.has & FF_HAS(FF_F_PROTOCOL)));
	}
	/* Two words are METHOD TARGET, whatever the second looks like. */
	r = split("GET HTTP/1.1");
	CHECK_SV(r.target, "HTTP/1.1");
	CHECK_SV(r.protocol, "");
	/* An empty target between method and protocol is no request. */
	r = split("GET  HTTP/1.1");
	CHECK_SV(r.method, "");
	CHECK_SV(r.target, "");
	CHECK_SV(r.path, "");
	/* A method must be made of token characters. */
	r = split("GE\"T / HTTP/1.1");
	CHECK_SV(r.method, "");
	CHECK_SV(r.target, "");
	r = split("GET,X / HTTP/1.1");
	CHECK_SV(r.method, "");

	/* A target without a leading '/' is used as written. */
	r = split("CONNECT example.com:443 HTTP/1.1");
	CHECK_SV(r.method, "CONNECT");
	CHECK_SV(r.target, "example.com:443");
	CHECK_SV(r.path, "example.com:443");
	r = split("GET http://example.com/x?y HTTP/1.1");
	CHECK_SV(r.path, "http://example.com/x");
	CHECK_SV(r.query, "y");
	r = split("OPTIONS * HTTP/1.1");
	CHECK_SV(r.target, "*");

	/* Not requests: valid hits with nothing split out. */
	static const char *const junk[] = {
		"-", "", "GET", "GET ", " GET / HTTP/1.1", "\x16\x03\x01\x02\x00 \x01", "G\xc3\xa9T / HTTP/1.1",
		"GET  HTTP/1.1", "\\x16\\x03\\x01 /",
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		r = split(junk[i]);
		CHECK_SV(r.method, "");
		CHECK_SV(r.target, "");
		CHECK_SV(r.path, "");
		CHECK_SV(r.query, "");
		CHECK_INT(r.has, FF_HAS(FF_F_REQUEST));
	}
	/* Lower-case and extension methods are tokens. */
	r = split("propfind /dav HTTP/1.1");
	CHECK_SV(r.method, "propfind");
	r = split("M-SEARCH * HTTP/1.1");
	CHECK_SV(r.method, "M-SEARCH");
	/* A double space leaves the target as written. */
	r = split("GET  /x HTTP/1.1");
	CHECK_SV(r.method, "GET");
	CHECK_SV(r.target, " /x");
	/* The request field never gets a pointer outside its own bytes. */
	const char *req = "GET /p?q HTTP/2.0";
	r = split(req);
	CHECK(r.path.p == req + 4 && r.query.p == req + 7 && r.protocol.p == req + 9);
}

static ff_record target(const char *t)
{
	ff_record rec;
	memset(&rec, 0, sizeof rec);
	rec.target = ff_sv_cstr(t);
	ff_record_split_target(&rec);
	return rec;
}

static void test_split_target(void)
{
	ff_record r = target("/a?b=1");
	CHECK_SV(r.path, "/a");
	CHECK_SV(r.query, "b=1");
	r = target("/a#x?b=1");
	CHECK_SV(r.path, "/a");
	CHECK_SV(r.query, "");
	r = target("/a?b=1#c?d");
	CHECK_SV(r.path, "/a");
	CHECK_SV(r.query, "b=1");
	r = target("/a?b?c");
	CHECK_SV(r.query, "b?c");
	r = target("/a?");
	CHECK_SV(r.path, "/a");
	CHECK_SV(r.query, "");
	r = target("?x");
	CHECK_SV(r.path, "");
	CHECK_SV(r.query, "x");
	r = target("/%7Euser/A+B");
	CHECK_SV(r.path, "/%7Euser/A+B"); /* no decoding, no case folding */
	r = target("");
	CHECK_SV(r.path, "");
	CHECK_SV(r.query, "");
}

static void test_forwarded_client(void)
{
	struct {
		const char *xff, *want;
	} cases[] = {
		{ "203.0.113.5", "203.0.113.5" },
		{ "203.0.113.5, 10.0.0.1, 10.0.0.2", "203.0.113.5" },
		{ "  203.0.113.5 ,10.0.0.1", "203.0.113.5" },
		{ "2001:db8::7", "2001:db8::7" },
		{ "2001:db8::7, 198.51.100.1", "2001:db8::7" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "unknown, 10.0.0.1", "" },
		{ "host.example.net", "" },
		{ "", "" },
		{ "-", "" },
		{ ",203.0.113.5", "" },
		{ "203.0.113.5:8080", "" },
		{ "[2001:db8::7]", "" },
		{ "256.1.1.1", "" },
		{ "1.2.3", "" },
		{ "2001:db8::7%eth0", "" },
		{ "2001:db8:0:0:0:0:0:0:0:1", "" },
		{ "203.0.113.5\t", "203.0.113.5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ff_sv xff = ff_sv_cstr(cases[i].xff);
		ff_sv got = ff_forwarded_client(xff);
		if (!ff_sv_eq_cstr(got, cases[i].want))
			fprintf(stderr, "  xff '%s'\n", cases[i].xff);
		CHECK_SV(got, cases[i].want);
		/* the result is a view into the value: no copy */
		CHECK(got.n == 0 || (got.p >= xff.p && got.p + got.n <= xff.p + xff.n));
	}
	/* longer than any address: no overflow of the stack copy */
	char big[200];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = 0;
	CHECK_SV(ff_forwarded_client(ff_sv_cstr(big)), "");
}

static bool status(const char *s, uint16_t *out)
{
	return ff_parse_status(ff_sv_cstr(s), out);
}

static bool bytes(const char *s, uint64_t *out)
{
	return ff_parse_bytes(ff_sv_cstr(s), out);
}

static void test_numbers(void)
{
	uint16_t st = 0;
	CHECK(status("200", &st));
	CHECK_INT(st, 200);
	CHECK(status("100", &st));
	CHECK(status("599", &st));
	CHECK_INT(st, 599);
	st = 7;
	CHECK(!status("000", &st));
	CHECK(!status("099", &st));
	CHECK(!status("600", &st));
	CHECK(!status("1000", &st));
	CHECK(!status("20", &st));
	CHECK(!status("", &st));
	CHECK(!status("-", &st));
	CHECK(!status("2x0", &st));
	CHECK(!status(" 200", &st));
	CHECK(!status("+20", &st));
	CHECK_INT(st, 7);

	uint64_t b = 1;
	CHECK(bytes("-", &b));
	CHECK_INT(b, 0);
	CHECK(bytes("0", &b));
	CHECK(bytes("5120", &b));
	CHECK_INT(b, 5120);
	CHECK(bytes("0012", &b));
	CHECK_INT(b, 12);
	CHECK(bytes("9223372036854775807", &b));
	CHECK(b == UINT64_C(9223372036854775807));
	CHECK(!bytes("9223372036854775808", &b));
	CHECK(!bytes("18446744073709551615", &b));
	CHECK(!bytes("18446744073709551616", &b));
	CHECK(!bytes("-1", &b));
	CHECK(!bytes("--", &b));
	CHECK(!bytes("", &b));
	CHECK(!bytes("+1", &b));
	CHECK(!bytes("1 ", &b));
	CHECK(!bytes("1.5", &b));
	CHECK(!bytes("0x10", &b));
}

int main(void)
{
	test_split_request();
	test_split_target();
	test_numbers();
	test_forwarded_client();
	return CHECK_DONE("test_record");
}
