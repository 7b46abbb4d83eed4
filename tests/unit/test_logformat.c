/* test_logformat.c — compiling formats and parsing lines with them: the
 * presets, Apache and Nginx format strings, regex: formats, and the exact
 * line rules of SPEC §13.3-13.10. */
#include <stdlib.h>

#include "check.h"

#include "logformat.h"

/* Each parsed line is copied to a buffer of exactly its length, so that a
 * read past the end is caught under AddressSanitizer.  The buffer lives
 * until the next parse, as the record's views point into it. */
static char *line_buf;
static size_t line_len;

static enum ff_parse_result parse(ff_format *fmt, const char *line, ff_record *rec)
{
	size_t n = strlen(line);
	free(line_buf);
	line_buf = malloc(n ? n : 1);
	memcpy(line_buf, line, n);
	line_len = n;
	return ff_format_parse(fmt, line_buf, n, rec);
}

static ff_format *compile(const char *spec)
{
	char err[256];
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	if (!fmt) {
		/* Every later check would dereference it: stop here. */
		fprintf(stderr, "cannot compile '%s': %s\n", spec, err);
		exit(1);
	}
	return fmt;
}

/* The error text of a spec that must not compile. */
static const char *compile_error(const char *spec)
{
	static char err[512];
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	if (fmt) {
		ff_format_free(fmt);
		return "(compiled)";
	}
	return err;
}

static bool in_line(ff_sv v)
{
	return v.n == 0 || (v.p >= line_buf && v.p + v.n <= line_buf + line_len);
}

#define UA "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
#define REQ "GET /shop/item?id=42&utm_source=news HTTP/1.1"
#define REF "https://www.google.com/search?q=shoes"
#define TIME "22/Nov/2026:10:00:00 +0100"
#define CLIENT "203.0.113.7"
#define COMBINED CLIENT " - - [" TIME "] \"" REQ "\" 200 5120 \"" REF "\" \"" UA "\""

static void test_presets_meta(void)
{
	CHECK_STR(ff_format_presets[0], "vhost_combined");
	CHECK_STR(ff_format_presets[1], "combined");
	CHECK_STR(ff_format_presets[2], "common");
	CHECK(ff_format_presets[3] == NULL);
	CHECK_STR(ff_format_preset_apache("combined"), "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"");
	CHECK_STR(ff_format_preset_apache("common"), "%h %l %u %t \"%r\" %>s %b");
	CHECK_STR(ff_format_preset_apache("vhost_combined"), "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"");
	CHECK(ff_format_preset_apache("apache") == NULL);
	CHECK(ff_format_preset_apache(NULL) == NULL);

	for (size_t i = 0; ff_format_presets[i]; i++) {
		ff_format *fmt = compile(ff_format_presets[i]);
		CHECK_STR(ff_format_kind(fmt), ff_format_presets[i]);
		CHECK_STR(ff_format_spec(fmt), ff_format_presets[i]);
		CHECK(ff_format_note(fmt) == NULL);
		ff_format_free(fmt);
	}

	ff_format *fmt = compile("combined");
	uint32_t want = FF_HAS(FF_F_CLIENT) | FF_HAS(FF_F_IDENT) | FF_HAS(FF_F_USER) | FF_HAS(FF_F_TIME) |
			FF_HAS(FF_F_REQUEST) | FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET) | FF_HAS(FF_F_PROTOCOL) |
			FF_HAS(FF_F_STATUS) | FF_HAS(FF_F_BYTES) | FF_HAS(FF_F_REFERER) | FF_HAS(FF_F_USER_AGENT);
	CHECK_INT(ff_format_fields(fmt), want);
	ff_format_free(fmt);
	fmt = compile("common");
	CHECK_INT(ff_format_fields(fmt), want & ~(FF_HAS(FF_F_REFERER) | FF_HAS(FF_F_USER_AGENT)));
	ff_format_free(fmt);
	fmt = compile("vhost_combined");
	CHECK_INT(ff_format_fields(fmt), want | FF_HAS(FF_F_VHOST));
	ff_format_free(fmt);

	fmt = compile("%h %t \"%r\" %>s %b %D");
	CHECK_STR(ff_format_kind(fmt), "apache");
	CHECK_STR(ff_format_spec(fmt), "%h %t \"%r\" %>s %b %D");
	CHECK(ff_format_fields(fmt) & FF_HAS(FF_F_DURATION));
	CHECK(!(ff_format_fields(fmt) & FF_HAS(FF_F_REFERER)));
	ff_format_free(fmt);
	fmt = compile("$remote_addr [$time_local] \"$request\" $status");
	CHECK_STR(ff_format_kind(fmt), "nginx");
	ff_format_free(fmt);
	fmt = compile("regex:(?<client>\\S+) (?<status>\\d+)");
	CHECK_STR(ff_format_kind(fmt), "regex");
	CHECK_INT(ff_format_fields(fmt), FF_HAS(FF_F_CLIENT) | FF_HAS(FF_F_STATUS));
	CHECK(ff_format_note(fmt) != NULL); /* no time field: accepted, noted */
	ff_format_free(fmt);
}

static void test_combined(void)
{
	ff_format *fmt = compile("combined");
	ff_record r;
	CHECK_INT(parse(fmt, COMBINED, &r), FF_PARSE_OK);
	CHECK_SV(r.client, CLIENT);
	CHECK_SV(r.ident, "-");
	CHECK_SV(r.user, "-");
	CHECK_SV(r.request, REQ);
	CHECK_SV(r.method, "GET");
	CHECK_SV(r.target, "/shop/item?id=42&utm_source=news");
	CHECK_SV(r.path, "/shop/item");
	CHECK_SV(r.query, "id=42&utm_source=news");
	CHECK_SV(r.protocol, "HTTP/1.1");
	CHECK_INT(r.status, 200);
	CHECK_INT(r.bytes, 5120);
	CHECK_SV(r.referer, REF);
	CHECK_SV(r.user_agent, UA);
	CHECK_SV(r.vhost, "");
	CHECK_INT(r.time.offset, 3600);
	char iso[FF_ISO8601_LEN + 1];
	ff_time_format_iso8601(r.time, iso);
	CHECK_STR(iso, "2026-11-22T10:00:00+01:00");
	CHECK_INT(r.has, ff_format_fields(fmt));
	CHECK(in_line(r.client) && in_line(r.request) && in_line(r.target) && in_line(r.path) && in_line(r.query) &&
	      in_line(r.referer) && in_line(r.user_agent));

	/* A quote escaped inside the user agent does not end it; kept as
	 * written, backslash included. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"Mozilla \\\"quoted\\\" x\"", &r), FF_PARSE_OK);
	CHECK_SV(r.user_agent, "Mozilla \\\"quoted\\\" x");
	CHECK_SV(r.referer, "");
	CHECK(r.has & FF_HAS(FF_F_REFERER));
	/* An escaped backslash before the quote: the quote ends the field. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"agent\\\\\"", &r), FF_PARSE_OK);
	CHECK_SV(r.user_agent, "agent\\\\");
	/* ... and a third backslash escapes it again: unclosed. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"agent\\\\\\\"", &r), FF_PARSE_INVALID);
	/* An escaped quote inside the request line. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET /a\\\"b HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.target, "/a\\\"b");
	CHECK_SV(r.user_agent, "");
	/* Escapes in the referer are kept byte for byte (no \xHH decoding). */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"http://x/\\x22y\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.referer, "http://x/\\x22y");
	/* Unterminated quote. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"Mozilla", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1 200 1", &r), FF_PARSE_INVALID);
	/* Missing field, extra field. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, COMBINED " 0.123", &r), FF_PARSE_TRAILING);
	CHECK_INT(parse(fmt, COMBINED " \"extra\"", &r), FF_PARSE_TRAILING);
	CHECK_INT(parse(fmt, COMBINED " ", &r), FF_PARSE_TRAILING);
	/* One space between fields, exactly. */
	CHECK_INT(parse(fmt, CLIENT "  - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "]  \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT "\t- - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "", &r), FF_PARSE_INVALID);
	CHECK_INT(ff_format_parse(fmt, NULL, 0, &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "   ", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, " \t", &r), FF_PARSE_INVALID);

	/* Clients as written: IPv6 with a zone, a host name. */
	CHECK_INT(parse(fmt, "fe80::1%eth0 - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "fe80::1%eth0");
	CHECK_INT(parse(fmt, "2001:db8::42 - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "2001:db8::42");
	CHECK_INT(parse(fmt, "crawl-66-249-66-1.googlebot.com - frank [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "crawl-66-249-66-1.googlebot.com");
	CHECK_SV(r.user, "frank");

	/* Bytes. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 304 - \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_INT(r.bytes, 0);
	CHECK(r.has & FF_HAS(FF_F_BYTES));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 9223372036854775807 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK(r.bytes == UINT64_C(9223372036854775807));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 9223372036854775808 \"-\" \"-\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 99999999999999999999 \"-\" \"-\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 -1 \"-\" \"-\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 12k \"-\" \"-\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 200 -- \"-\" \"-\"", &r), FF_PARSE_BAD_BYTES);

	/* Status. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 599 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_INT(r.status, 599);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 100 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 000 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 1000 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 600 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 099 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 20 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" - 1 \"-\" \"-\"", &r), FF_PARSE_BAD_STATUS);
	/* The line must still match to its end for a value error to count. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET / HTTP/1.1\" 600 1 \"-\"", &r), FF_PARSE_INVALID);

	/* Time. */
	CHECK_INT(parse(fmt, CLIENT " - - [31/Feb/2026:10:00:00 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, CLIENT " - - [22/NOV/2026:10:00:00 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, CLIENT " - - [22/Nov/2026:24:00:00 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, CLIENT " - - [22/Nov/2026:10:00:00] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, CLIENT " - - 22/Nov/2026:10:00:00 +0100 \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - - [22/Nov/2026:10:00:00 +0100 \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);

	/* Request lines that are not requests still make valid hits. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"-\" 408 - \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.request, "-");
	CHECK_SV(r.method, "");
	CHECK_SV(r.target, "");
	CHECK_SV(r.path, "");
	CHECK(r.has & FF_HAS(FF_F_REQUEST));
	CHECK(!(r.has & FF_HAS(FF_F_METHOD)));
	CHECK(!(r.has & FF_HAS(FF_F_TARGET)));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"\\x16\\x03\\x01\\x00\\xca\\x01\" 400 226 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"\x16\x03\x01\x02\xff \xfe\x80\" 400 226 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.request, "\x16\x03\x01\x02\xff \xfe\x80");
	CHECK_SV(r.method, "");
	CHECK_SV(r.path, "");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"\" 400 0 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.request, "");
	/* Spaces inside the target are kept; so are non-UTF-8 bytes. */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET /a b/c d?x=1 2 HTTP/1.0\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.target, "/a b/c d?x=1 2");
	CHECK_SV(r.path, "/a b/c d");
	CHECK_SV(r.query, "x=1 2");
	CHECK_SV(r.protocol, "HTTP/1.0");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET /caf\xe9 HTTP/1.1\" 200 1 \"-\" \"\xff\xfe\"", &r), FF_PARSE_OK);
	CHECK_SV(r.path, "/caf\xe9");
	CHECK_SV(r.user_agent, "\xff\xfe");
	/* METHOD TARGET without protocol (HTTP/0.9 style). */
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET /old\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.target, "/old");
	CHECK_SV(r.protocol, "");
	CHECK(!(r.has & FF_HAS(FF_F_PROTOCOL)));
	/* CR and NUL are ordinary bytes inside a field. */
	static const char with_nul[] = CLIENT " - - [" TIME "] \"GET /a\0b HTTP/1.1\" 200 1 \"-\" \"x\ry\"";
	char *copy = malloc(sizeof with_nul - 1);
	memcpy(copy, with_nul, sizeof with_nul - 1);
	CHECK_INT(ff_format_parse(fmt, copy, sizeof with_nul - 1, &r), FF_PARSE_OK);
	CHECK_INT(r.path.n, 4);
	CHECK_INT(r.user_agent.n, 3);
	free(copy);

	ff_format_free(fmt);
}

static void test_common_vhost(void)
{
	ff_format *fmt = compile("common");
	ff_record r;
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5120", &r), FF_PARSE_OK);
	CHECK_SV(r.path, "/shop/item");
	CHECK_INT(r.bytes, 5120);
	CHECK_INT(r.has & FF_HAS(FF_F_REFERER), 0);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 -", &r), FF_PARSE_OK);
	CHECK_INT(r.bytes, 0);
	/* A combined line read as common: trailing, for format detection. */
	CHECK_INT(parse(fmt, COMBINED, &r), FF_PARSE_TRAILING);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 ", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	fmt = compile("vhost_combined");
	CHECK_INT(parse(fmt, "www.example.com:443 " COMBINED, &r), FF_PARSE_OK);
	CHECK_SV(r.vhost, "www.example.com");
	CHECK_SV(r.client, CLIENT);
	CHECK_SV(r.user_agent, UA);
	CHECK(r.has & FF_HAS(FF_F_VHOST));
	CHECK_INT(parse(fmt, "www.example.com:443 " COMBINED " 1234", &r), FF_PARSE_TRAILING);
	/* A combined line is not a vhost_combined one, not even with an IPv6
	 * client whose colons look like host:port. */
	CHECK_INT(parse(fmt, COMBINED, &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "2001:db8::1 - - [" TIME "] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "www.example.com 443 " COMBINED, &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, ":443 " COMBINED, &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	/* A vhost_combined line read as combined does not match. */
	fmt = compile("combined");
	CHECK(parse(fmt, "www.example.com:443 " COMBINED, &r) != FF_PARSE_OK);
	ff_format_free(fmt);
}

/* Every field both records have must be equal. */
static void check_same(const ff_record *a, const ff_record *b, bool path_only, const char *what)
{
	uint32_t both = a->has & b->has;
	unsigned failed_before = check_failed;
#define SAME_SV(f) CHECK(ff_sv_eq(a->f, b->f))
	if (both & FF_HAS(FF_F_CLIENT))
		SAME_SV(client);
	if (both & FF_HAS(FF_F_USER))
		SAME_SV(user);
	if (both & FF_HAS(FF_F_TIME)) {
		CHECK_INT(a->time.t, b->time.t);
		CHECK_INT(a->time.offset, b->time.offset);
	}
	if (both & FF_HAS(FF_F_METHOD))
		SAME_SV(method);
	if (both & FF_HAS(FF_F_TARGET)) {
		if (!path_only)
			SAME_SV(target);
		SAME_SV(path);
		SAME_SV(query);
	}
	if (both & FF_HAS(FF_F_PROTOCOL))
		SAME_SV(protocol);
	if (both & FF_HAS(FF_F_STATUS))
		CHECK_INT(a->status, b->status);
	if (both & FF_HAS(FF_F_BYTES))
		CHECK_INT(a->bytes, b->bytes);
	if (both & FF_HAS(FF_F_REFERER))
		SAME_SV(referer);
	if (both & FF_HAS(FF_F_USER_AGENT))
		SAME_SV(user_agent);
	if (both & FF_HAS(FF_F_VHOST))
		SAME_SV(vhost);
	if (both & FF_HAS(FF_F_DURATION))
		CHECK_INT(a->duration_us, b->duration_us);
#undef SAME_SV
	if (check_failed != failed_before)
		fprintf(stderr, "  (comparing %s)\n", what);
}

/* One request written in every kind of format gives the same record. */
static void test_same_request(void)
{
	static const struct {
		const char *spec;
		const char *line;
		uint32_t must_have;
		bool path_only; /* path and query apart: target is the path */
	} cases[] = {
		{ "combined", COMBINED, 0, false },
		{ "common", CLIENT " - - [" TIME "] \"" REQ "\" 200 5120", 0, false },
		{ "vhost_combined", "www.example.com:80 " COMBINED, FF_HAS(FF_F_VHOST), false },
		{ "%v %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\" %D",
		  "www.example.com " COMBINED " 1000", FF_HAS(FF_F_VHOST) | FF_HAS(FF_F_DURATION), false },
		{ "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $host $request_time",
		  COMBINED " www.example.com 0.001", FF_HAS(FF_F_VHOST) | FF_HAS(FF_F_DURATION), false },
		{ "$time_iso8601 $host $remote_addr \"$request_method $request_uri $server_protocol\" $status $bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_response_time",
		  "2026-11-22T10:00:00+01:00 www.example.com " CLIENT " \"" REQ "\" 200 5120 \"" REF "\" \"" UA "\" 0.001", FF_HAS(FF_F_VHOST), false },
		{ "%h %{%d/%b/%Y:%H:%M:%S %z}t %m %U%q %H %s %B %{ms}T \"%{Referer}i\" \"%{User-Agent}i\"",
		  CLIENT " " TIME " GET /shop/item?id=42&utm_source=news HTTP/1.1 200 5120 1 \"" REF "\" \"" UA "\"", FF_HAS(FF_F_DURATION), true },
		{ "regex:^(?<client>\\S+) \\S+ \\S+ \\[(?<time>[^]]+)\\] \"(?<request>[^\"]*)\" (?<status>\\d+) (?<bytes>\\S+) \"(?<referer>[^\"]*)\" \"(?<user_agent>[^\"]*)\"$",
		  COMBINED, 0, false },
		{ "regex:(?<vhost>[^ ]+) (?<client>\\S+) (?<time>\\[[^]]+\\]) \"(?<method>\\S+) (?<target>\\S+) (?<protocol>[^\"]+)\" (?<status>\\d+) (?<bytes>\\d+) (?<duration>[0-9.]+)",
		  "www.example.com " CLIENT " [" TIME "] \"" REQ "\" 200 5120 0.001", FF_HAS(FF_F_VHOST) | FF_HAS(FF_F_DURATION), false },
	};
	size_t n = sizeof cases / sizeof cases[0];
	ff_record recs[sizeof cases / sizeof cases[0]];
	char *lines[sizeof cases / sizeof cases[0]];
	for (size_t i = 0; i < n; i++) {
		ff_format *fmt = compile(cases[i].spec);
		enum ff_parse_result res = parse(fmt, cases[i].line, &recs[i]);
		if (res != FF_PARSE_OK)
			fprintf(stderr, "  (format %zu: '%s')\n", i, cases[i].spec);
		CHECK_INT(res, FF_PARSE_OK);
		lines[i] = line_buf; /* keep the views alive */
		line_buf = NULL;
		uint32_t core = FF_HAS(FF_F_CLIENT) | FF_HAS(FF_F_TIME) | FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET) |
				FF_HAS(FF_F_PROTOCOL) | FF_HAS(FF_F_STATUS) | FF_HAS(FF_F_BYTES);
		CHECK_INT(recs[i].has & (core | cases[i].must_have), core | cases[i].must_have);
		CHECK_SV(recs[i].path, "/shop/item");
		CHECK_SV(recs[i].query, "id=42&utm_source=news");
		ff_format_free(fmt);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			check_same(&recs[i], &recs[j], cases[i].path_only || cases[j].path_only, cases[j].spec);
	CHECK_INT(recs[3].duration_us, 1000);
	CHECK_INT(recs[4].duration_us, 1000);
	CHECK_INT(recs[6].duration_us, 1000);
	CHECK_SV(recs[5].target, "/shop/item?id=42&utm_source=news");
	CHECK_SV(recs[6].target, "/shop/item"); /* %U%q: target is the path */
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

static void test_apache_directives(void)
{
	ff_record r;
	/* Epoch times and durations in every unit. */
	ff_format *fmt = compile("%a %{sec}t %{ms}T %T %{us}T");
	CHECK_INT(parse(fmt, "10.0.0.1 1763802000 250 2 17", &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, 1763802000);
	CHECK_INT(r.time.offset, 0);
	CHECK_INT(r.duration_us, 250000); /* the first duration wins */
	CHECK_INT(parse(fmt, "10.0.0.1 1763802000 x 2 17", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "10.0.0.1 1763802000 - 2 17", &r), FF_PARSE_OK);
	CHECK(!(r.has & FF_HAS(FF_F_DURATION)));
	CHECK_INT(parse(fmt, "10.0.0.1 17638x2000 250 2 17", &r), FF_PARSE_BAD_TIME);
	ff_format_free(fmt);

	fmt = compile("%{c}a [%{msec}t] %T");
	CHECK_INT(parse(fmt, "10.0.0.1 [1763802000123] 3", &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, 1763802000);
	CHECK_INT(r.time.usec, 123000);
	CHECK_INT(r.duration_us, 3000000);
	ff_format_free(fmt);

	fmt = compile("%h %{begin:usec}t");
	CHECK_INT(parse(fmt, "h 1763802000123456", &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, 1763802000);
	CHECK_INT(r.time.usec, 123456);
	ff_format_free(fmt);

	/* Time written with brackets by %t, not by %{...}t. */
	fmt = compile("%h [%{%d/%b/%Y:%H:%M:%S %z}t] %>s");
	CHECK_INT(parse(fmt, "h [" TIME "] 200", &r), FF_PARSE_OK);
	CHECK_INT(r.time.offset, 3600);
	ff_format_free(fmt);

	fmt = compile("%h %{%Y-%m-%dT%H:%M:%S%z}t %>s");
	CHECK_INT(parse(fmt, "h 2026-11-22T10:00:00+0100 200", &r), FF_PARSE_OK);
	CHECK_INT(r.time.offset, 3600);
	ff_format_free(fmt);

	/* strftime formats footfall cannot read are skipped fields; their
	 * conversions are case-sensitive. */
	fmt = compile("%h %{%D/%B/%y:%H:%M:%S %z}t");
	CHECK(!(ff_format_fields(fmt) & FF_HAS(FF_F_TIME)));
	ff_format_free(fmt);
	fmt = compile("%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %s");
	CHECK(!(ff_format_fields(fmt) & FF_HAS(FF_F_TIME)));
	CHECK(ff_format_note(fmt) != NULL);
	ff_format_free(fmt);

	/* %%, %<s and %>s, conditions, skipped directives, headers. */
	fmt = compile("%h %% %<s %!200,304{Referer}i %{X-Forwarded-For}i %P %{SSL_PROTOCOL}x %{cookie}C %{Host}e %I %O %S %k \"%{User-Agent}i\"");
	CHECK_INT(parse(fmt, "h % 302 - 1.2.3.4 99 TLSv1.3 a=b - 10 20 30 0 \"UA\"", &r), FF_PARSE_OK);
	CHECK_INT(r.status, 302);
	CHECK_SV(r.referer, "");
	CHECK_INT(r.bytes, 20);
	CHECK_SV(r.user_agent, "UA");
	/* Every byte directive is checked, even those not kept. */
	CHECK_INT(parse(fmt, "h % 302 - 1.2.3.4 99 TLSv1.3 a=b - 10x 20 30 0 \"UA\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, "h % 302 - 1.2.3.4 99 TLSv1.3 a=b - 10 20 -30 0 \"UA\"", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, "h %% 302 - 1.2.3.4 99 TLSv1.3 a=b - 10 20 30 0 \"UA\"", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	/* A format copied from httpd.conf with its escapes. */
	fmt = compile("%h %l %u %t \\\"%r\\\" %>s %b");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5120", &r), FF_PARSE_OK);
	CHECK_SV(r.path, "/shop/item");
	ff_format_free(fmt);

	/* %U%q: with and without a query; %q alone may be empty. */
	fmt = compile("%h \"%m %U%q %H\" %>s");
	CHECK_INT(parse(fmt, "h \"POST /cart?add=1 HTTP/2.0\" 201", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "POST");
	CHECK_SV(r.path, "/cart");
	CHECK_SV(r.query, "add=1");
	CHECK_SV(r.target, "/cart");
	CHECK_SV(r.protocol, "HTTP/2.0");
	CHECK(r.has & FF_HAS(FF_F_TARGET));
	CHECK(!(r.has & FF_HAS(FF_F_REQUEST)));
	CHECK_INT(parse(fmt, "h \"GET /cart HTTP/1.1\" 200", &r), FF_PARSE_OK);
	CHECK_SV(r.path, "/cart");
	CHECK_SV(r.query, "");
	ff_format_free(fmt);

	/* %r wins over the separate directives. */
	fmt = compile("%m \"%r\" %U");
	CHECK_INT(parse(fmt, "PUT \"GET /a?b HTTP/1.1\" /z", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "GET");
	CHECK_SV(r.path, "/a");
	CHECK_INT(parse(fmt, "PUT \"-\" /z", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "");
	CHECK(!(r.has & FF_HAS(FF_F_METHOD)));
	ff_format_free(fmt);

	/* A quoted field may be empty; an unquoted one may not. */
	fmt = compile("%h \"%u\" %s");
	CHECK_INT(parse(fmt, "h \"\" 200", &r), FF_PARSE_OK);
	CHECK_SV(r.user, "");
	ff_format_free(fmt);

	/* Unquoted fields ending at a non-space byte hold no space. */
	fmt = compile("%v|%h|%>s");
	CHECK_INT(parse(fmt, "a b|h|200", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "ab|h|200", &r), FF_PARSE_OK);
	CHECK_SV(r.vhost, "ab");
	CHECK_INT(parse(fmt, "ab||200", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);
}

static void test_nginx(void)
{
	ff_record r;
	ff_format *fmt = compile("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"");
	CHECK_INT(parse(fmt, COMBINED, &r), FF_PARSE_OK);
	CHECK_SV(r.user, "-");
	CHECK_SV(r.referer, REF);
	CHECK_INT(parse(fmt, COMBINED " \"-\"", &r), FF_PARSE_TRAILING);
	ff_format_free(fmt);

	/* Direct pieces; $request_uri is the target; $args "-" is empty. */
	fmt = compile("${remote_addr} \"$request_method $uri?$args\" $status $msec $request_time $http_x_forwarded_for");
	CHECK_INT(parse(fmt, "::1 \"GET /a/b?c=d\" 200 1763802000.250 12.5 -", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "::1");
	CHECK_SV(r.path, "/a/b");
	CHECK_SV(r.target, "/a/b");
	CHECK_SV(r.query, "c=d");
	CHECK_INT(r.time.t, 1763802000);
	CHECK_INT(r.time.usec, 250000);
	CHECK_INT(r.duration_us, 12500000);
	CHECK_INT(parse(fmt, "::1 \"GET /a/b?-\" 200 1763802000.250 0.000 -", &r), FF_PARSE_OK);
	CHECK_SV(r.query, "");
	CHECK_INT(r.duration_us, 0);
	CHECK(r.has & FF_HAS(FF_F_DURATION));
	CHECK_INT(parse(fmt, "::1 \"GET /a/b?-\" 200 1763802000.250 abc -", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	fmt = compile("$request_uri $uri $args $status");
	CHECK_INT(parse(fmt, "/x%20y?q=1 /x\\x20y q=1 200", &r), FF_PARSE_OK);
	CHECK_SV(r.target, "/x%20y?q=1");
	CHECK_SV(r.path, "/x%20y");
	CHECK_SV(r.query, "q=1");
	ff_format_free(fmt);

	/* '%' is plain text in an Nginx format. */
	fmt = compile("$remote_addr 100% $status");
	CHECK_INT(parse(fmt, "h 100% 200", &r), FF_PARSE_OK);
	CHECK_INT(r.status, 200);
	ff_format_free(fmt);

	/* $time_local followed by a space: 26 bytes wide. */
	fmt = compile("$time_local $remote_addr $status");
	CHECK_INT(parse(fmt, TIME " h 200", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "h");
	CHECK_INT(parse(fmt, "1/Nov/2026:10:00:00 +0100 h 200", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);
	fmt = compile("$remote_addr $time_local");
	CHECK_INT(parse(fmt, "h " TIME, &r), FF_PARSE_OK);
	CHECK_INT(parse(fmt, "h " TIME " x", &r), FF_PARSE_TRAILING);
	ff_format_free(fmt);
}

static void test_regex(void)
{
	ff_record r;
	ff_format *fmt = compile("regex:(?<client>\\S+) \\[(?<time>[^]]+)\\] \"(?<request>[^\"]*)\" (?<status>\\d+)(?: (?<bytes>\\S+))?(?<other>.*)");
	CHECK_INT(parse(fmt, "h [" TIME "] \"GET /x?y HTTP/1.1\" 404 12 rest", &r), FF_PARSE_OK);
	CHECK_SV(r.client, "h");
	CHECK_SV(r.path, "/x");
	CHECK_SV(r.query, "y");
	CHECK_INT(r.status, 404);
	CHECK_INT(r.bytes, 12);
	CHECK_INT(r.time.offset, 3600);
	CHECK(r.has & FF_HAS(FF_F_BYTES));
	/* An optional group that did not take part leaves its field out. */
	CHECK_INT(parse(fmt, "h [" TIME "] \"GET / HTTP/1.1\" 404", &r), FF_PARSE_OK);
	CHECK(!(r.has & FF_HAS(FF_F_BYTES)));
	CHECK_INT(parse(fmt, "h [" TIME "] \"GET / HTTP/1.1\" 700", &r), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, "h [31/Apr/2026:10:00:00 +0100] \"GET / HTTP/1.1\" 200", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, "h [" TIME "] \"GET / HTTP/1.1\" 200 1x", &r), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, "nothing like it", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	/* Anchored at both ends. */
	fmt = compile("regex:(?<status>\\d{3})");
	CHECK_INT(parse(fmt, "200", &r), FF_PARSE_OK);
	CHECK_INT(parse(fmt, "200 ", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, " 200", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	/* Time as ISO 8601 or epoch; duration units. */
	fmt = compile("regex:(?<time>\\S+) (?<duration_ms>\\d+) (?<user_agent>.*)");
	CHECK_INT(parse(fmt, "2026-11-22T09:00:00Z 15 -", &r), FF_PARSE_OK);
	CHECK_INT(r.duration_us, 15000);
	CHECK_SV(r.user_agent, "");
	ff_time want;
	ff_time_parse_clf(ff_sv_cstr(TIME), &want);
	CHECK_INT(r.time.t, want.t);
	CHECK_INT(parse(fmt, "1763802000.5 15 x", &r), FF_PARSE_OK);
	CHECK_INT(r.time.usec, 500000);
	CHECK_INT(parse(fmt, "yesterday 15 x", &r), FF_PARSE_BAD_TIME);
	ff_format_free(fmt);

	/* A catastrophic pattern gives up at the match limit: not matching,
	 * and counted. */
	fmt = compile("regex:(?<client>(a+)+)b");
	CHECK_INT(ff_format_limit_hits(fmt), 0);
	CHECK_INT(parse(fmt, "aaaab", &r), FF_PARSE_OK);
	/* (the 'b' at the end defeats PCRE2's required-byte shortcut) */
	CHECK_INT(parse(fmt, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaacb", &r), FF_PARSE_INVALID);
	CHECK_INT(ff_format_limit_hits(fmt), 1);
	CHECK_INT(parse(fmt, "cb", &r), FF_PARSE_INVALID);
	CHECK_INT(ff_format_limit_hits(fmt), 1);
	ff_format_free(fmt);
}

static void test_compile_errors(void)
{
	CHECK_STR(compile_error("%h %l %u %t %Z \"%r\""), "unknown directive '%Z' at offset 12");
	CHECK_STR(compile_error("%h %{foo}Q"), "unknown directive '%{foo}Q' at offset 3");
	CHECK_STR(compile_error("%h %{Referer"), "unterminated '%{' at offset 3");
	CHECK_STR(compile_error("%h %"), "incomplete directive '%' at offset 3");
	CHECK_STR(compile_error("%h%u"), "'%h' and '%u' at offset 2 are not separated by any text, so where one ends is unknown");
	CHECK_STR(compile_error("$remote_addr$status"), "'$remote_addr' and '$status' at offset 12 are not separated by any text, so where one ends is unknown");
	CHECK_STR(compile_error(""), "empty log format");
	CHECK(strstr(compile_error("apache_combined"), "unknown log format 'apache_combined'") != NULL);
	CHECK(strstr(compile_error("%%"), "has no fields") != NULL);
	CHECK(strstr(compile_error("regex:(?<client>\\S+"), "regex does not compile at offset 13: missing closing parenthesis") != NULL);
	CHECK(strstr(compile_error("regex:(?<foo>\\S+) (\\d+)"), "regex has no named group footfall knows") != NULL);
	CHECK(strstr(compile_error("regex:(?<status>\\d+)|(?<status>x)"), "regex does not compile") != NULL);
	CHECK(ff_format_compile("%Z", NULL, 0) == NULL);
}

/* The cache of the last time text must never hand one line's time to
 * another, and two formats must not share it. */
static void test_time_cache(void)
{
	ff_format *a = compile("combined"), *b = compile("common");
	ff_record r;
	const char *l1 = CLIENT " - - [22/Nov/2026:10:00:00 +0100] \"GET / HTTP/1.1\" 200 1";
	const char *l2 = CLIENT " - - [22/Nov/2026:10:00:01 +0100] \"GET / HTTP/1.1\" 200 1";
	const char *l3 = CLIENT " - - [22/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1";
	CHECK_INT(parse(b, l1, &r), FF_PARSE_OK);
	int64_t t1 = r.time.t;
	CHECK_INT(parse(b, l1, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1);
	CHECK_INT(parse(b, l2, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1 + 1);
	CHECK_INT(parse(b, l3, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1 + 3601);
	CHECK_INT(r.time.offset, 0);
	CHECK_INT(parse(b, l1, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1);
	CHECK_INT(r.time.offset, 3600);
	CHECK_INT(parse(b, CLIENT " - - [31/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1", &r), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(b, l1, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1);
	CHECK_INT(parse(a, CLIENT " - - [22/Nov/2026:10:00:01 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1 + 1);
	CHECK_INT(parse(b, l1, &r), FF_PARSE_OK);
	CHECK_INT(r.time.t, t1);
	ff_format_free(a);
	ff_format_free(b);
}

/* X-Forwarded-For in each kind of format, and --client forwarded: the
 * client becomes the first address when it is an IP address, a view into
 * the line. */
static void test_forwarded(void)
{
	ff_record r;
	const char *specs[] = {
		"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" \"%{X-Forwarded-For}i\"",
		"$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
		"\"$http_user_agent\" \"$http_x_forwarded_for\"",
		"regex:(?<client>\\S+) \\S+ \\S+ \\[(?<time>[^]]+)\\] \"(?<request>[^\"]*)\" (?<status>\\d+) (?<bytes>\\S+) "
		"\"(?<referer>[^\"]*)\" \"(?<user_agent>[^\"]*)\" \"(?<forwarded>[^\"]*)\"",
	};
	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
		ff_format *fmt = compile(specs[i]);
		CHECK(ff_format_fields(fmt) & FF_HAS(FF_F_FORWARDED));
		CHECK_INT(parse(fmt, COMBINED " \"198.51.100.9, 10.0.0.1\"", &r), FF_PARSE_OK);
		CHECK_SV(r.client, CLIENT);
		CHECK_SV(r.forwarded, "198.51.100.9, 10.0.0.1");
		CHECK(r.has & FF_HAS(FF_F_FORWARDED));
		CHECK_INT(parse(fmt, COMBINED " \"-\"", &r), FF_PARSE_OK);
		CHECK_SV(r.forwarded, "");

		ff_format_set_client_forwarded(fmt, true);
		CHECK_INT(parse(fmt, COMBINED " \" 2001:db8::9 , 10.0.0.1\"", &r), FF_PARSE_OK);
		CHECK_SV(r.client, "2001:db8::9");
		CHECK(in_line(r.client));
		CHECK_SV(r.forwarded, " 2001:db8::9 , 10.0.0.1");
		CHECK_INT(parse(fmt, COMBINED " \"unknown\"", &r), FF_PARSE_OK);
		CHECK_SV(r.client, CLIENT);
		CHECK_INT(parse(fmt, COMBINED " \"-\"", &r), FF_PARSE_OK);
		CHECK_SV(r.client, CLIENT);
		ff_format_set_client_forwarded(fmt, false);
		CHECK_INT(parse(fmt, COMBINED " \"198.51.100.9\"", &r), FF_PARSE_OK);
		CHECK_SV(r.client, CLIENT);
		ff_format_free(fmt);
	}
	/* a format without the field: the switch changes nothing */
	ff_format *fmt = compile("combined");
	CHECK(!(ff_format_fields(fmt) & FF_HAS(FF_F_FORWARDED)));
	ff_format_set_client_forwarded(fmt, true);
	CHECK_INT(parse(fmt, COMBINED, &r), FF_PARSE_OK);
	CHECK_SV(r.client, CLIENT);
	ff_format_free(fmt);
}

/* An unquoted field may be empty where its directive can write nothing;
 * a client, time, status or byte count never is. */
static void test_empty_fields(void)
{
	ff_record r;
	ff_format *fmt = compile("%h %l %u %t \"%r\" %>s %b %D");
	CHECK_INT(parse(fmt, CLIENT "   [" TIME "] \"" REQ "\" 200 5 ", &r), FF_PARSE_OK);
	CHECK_SV(r.ident, "");
	CHECK_SV(r.user, "");
	CHECK(!(r.has & FF_HAS(FF_F_DURATION)));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 -", &r), FF_PARSE_OK);
	CHECK(!(r.has & FF_HAS(FF_F_DURATION)));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 7", &r), FF_PARSE_OK);
	CHECK_INT(r.duration_us, 7);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200  7", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\"  5 7", &r), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, " - - [" TIME "] \"" REQ "\" 200 5 7", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);

	fmt = compile("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
		      "$request_time $upstream_response_time $pipe");
	CHECK_INT(parse(fmt, CLIENT " -  [" TIME "] \"" REQ "\" 200 5 0.250 0.249 p", &r), FF_PARSE_OK);
	CHECK_SV(r.user, "");
	CHECK_INT(r.duration_us, 250000);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5  - .", &r), FF_PARSE_OK);
	CHECK(!(r.has & FF_HAS(FF_F_DURATION)));
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 0.001  ", &r), FF_PARSE_OK);
	CHECK_INT(r.duration_us, 1000);
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 x 0.1 p", &r), FF_PARSE_INVALID);
	ff_format_free(fmt);
}

/* $upstream_response_time last on the line is a list after retries or
 * internal redirects; its spaces are its own. */
static void test_upstream_list(void)
{
	ff_record r;
	ff_format *fmt = compile("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
				 "$request_time $upstream_response_time");
	const char *ok[] = { "0.100", "-", "0.010, 0.090", "0.010, 0.020, 0.070", "0.010 : 0.090", "0.01, 0.02 : 0.07", "" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		char line[512];
		snprintf(line, sizeof line, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 0.100 %s", ok[i]);
		CHECK_INT(parse(fmt, line, &r), FF_PARSE_OK);
		CHECK_INT(r.duration_us, 100000);
	}
	const char *trailing[] = { "0.010 0.090", "0.010, 0.090 x", "0.1 " };
	for (size_t i = 0; i < sizeof trailing / sizeof *trailing; i++) {
		char line[512];
		snprintf(line, sizeof line, CLIENT " - - [" TIME "] \"" REQ "\" 200 5 0.100 %s", trailing[i]);
		CHECK_INT(parse(fmt, line, &r), FF_PARSE_TRAILING);
	}
	ff_format_free(fmt);
	/* not last: an ordinary field */
	fmt = compile("$remote_addr $upstream_response_time $status");
	CHECK_INT(parse(fmt, "h 0.1 200", &r), FF_PARSE_OK);
	CHECK(parse(fmt, "h 0.1, 0.2 200", &r) != FF_PARSE_OK);
	ff_format_free(fmt);
}

/* The request line rule of SPEC §13.8 through a whole format. */
static void test_request_rule(void)
{
	ff_record r;
	ff_format *fmt = compile("combined");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"OPTIONS * RTSP/1.0\" 200 5 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "OPTIONS");
	CHECK_SV(r.target, "*");
	CHECK_SV(r.protocol, "RTSP/1.0");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"GET /a b HTTP/1.1x\" 200 5 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.target, "/a b HTTP/1.1x");
	CHECK_SV(r.protocol, "");
	CHECK_INT(parse(fmt, CLIENT " - - [" TIME "] \"G@T / HTTP/1.1\" 200 5 \"-\" \"-\"", &r), FF_PARSE_OK);
	CHECK_SV(r.method, "");
	CHECK_SV(r.target, "");
	CHECK_SV(r.path, "");
	ff_format_free(fmt);
}

int main(void)
{
	test_presets_meta();
	test_combined();
	test_common_vhost();
	test_same_request();
	test_apache_directives();
	test_nginx();
	test_regex();
	test_compile_errors();
	test_time_cache();
	test_forwarded();
	test_empty_fields();
	test_request_rule();
	test_upstream_list();
	free(line_buf);
	return CHECK_DONE("test_logformat");
}
