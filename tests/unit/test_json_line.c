/* test_json_line.c — the JSON line scanner (json_line.h) and the json
 * format built on it: what is a valid line, which value a key path finds,
 * how escapes decode, and the records Caddy, Traefik and mapped Nginx
 * lines give. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_line.h"
#include "logformat.h"

static bool valid(const char *s)
{
	return ff_json_line_scan(NULL, s, strlen(s), NULL, 0);
}

static void test_validity(void)
{
	CHECK(valid("{}"));
	CHECK(valid("  {\"a\":1}\t"));
	CHECK(valid("{\"a\":[1,-2.5e+3,\"x\",true,false,null,{},[]],\"b\":{\"c\":\"\\u00e9\\n\\/\"}}"));
	CHECK(!valid(""));
	CHECK(!valid("   "));
	CHECK(!valid("[1]"));
	CHECK(!valid("\"a\""));
	CHECK(!valid("{} x"));
	CHECK(!valid("{}{}"));
	CHECK(!valid("{\"a\":1"));
	CHECK(!valid("{\"a\":1}}"));
	CHECK(!valid("{\"a\":[1}"));
	CHECK(!valid("{\"a\":1,}"));
	CHECK(!valid("{\"a\":[1,]}"));
	CHECK(!valid("{,}"));
	CHECK(!valid("{a:1}"));
	CHECK(!valid("{'a':1}"));
	CHECK(!valid("{\"a\" 1}"));
	CHECK(!valid("{\"a\":\"\\q\"}"));
	CHECK(!valid("{\"a\":\"\\u12\"}"));
	CHECK(!valid("{\"a\":\"\\u12g4\"}"));
	CHECK(!valid("{\"a\":\"tab\there\"}"));  /* a raw control byte */
	CHECK(!valid("{\"a\":\"open}"));
	CHECK(!valid("{\"a\":01}"));
	CHECK(!valid("{\"a\":1.}"));
	CHECK(!valid("{\"a\":.5}"));
	CHECK(!valid("{\"a\":1e}"));
	CHECK(!valid("{\"a\":+1}"));
	CHECK(!valid("{\"a\":tru}"));
	CHECK(!valid("{\"a\":nul}"));
	CHECK(!valid("{\"a\":NaN}"));
	/* nesting: 64 levels are read, deeper is invalid */
	char deep[400];
	size_t o = 0;
	for (int i = 0; i < 63; i++)
		o += (size_t)snprintf(deep + o, sizeof deep - o, "{\"a\":");
	o += (size_t)snprintf(deep + o, sizeof deep - o, "1");
	for (int i = 0; i < 63; i++)
		deep[o++] = '}';
	deep[o] = '\0';
	CHECK(valid(deep));
	char deeper[420];
	snprintf(deeper, sizeof deeper, "{\"b\":[%s]}", deep);
	CHECK(!valid(deeper));
	/* a NUL byte inside a string is a raw control byte */
	CHECK(!ff_json_line_scan(NULL, "{\"a\":\"x\0\"}", 10, NULL, 0));
	/* the line's length is respected: no reading past it */
	CHECK(!ff_json_line_scan(NULL, "{\"a\":1}", 6, NULL, 0));
}

static void test_paths(void)
{
	ff_json_paths *jp = ff_json_paths_new();
	char err[160];
	CHECK(jp != NULL);
	CHECK(ff_json_paths_add(jp, "request.remote_ip", 17, 0, 1, err, sizeof err));
	CHECK(ff_json_paths_add(jp, "ClientHost", 10, 0, 2, err, sizeof err));
	CHECK(ff_json_paths_add(jp, "request.headers.User-Agent[0]", 29, 1, 0, err, sizeof err));
	CHECK(ff_json_paths_add(jp, "n[1][0]", 7, 2, 0, err, sizeof err));
	CHECK(ff_json_paths_add(jp, "status", 6, 3, 0, err, sizeof err));
	ff_json_value v[4];
	const char *line = "{\"ClientHost\":\"10.0.0.9\",\"request\":{\"remote_ip\":\"192.0.2.1\",\"headers\":"
			   "{\"User-Agent\":[\"a\\\"b\",\"second\"]}},\"n\":[0,[12,13]],\"status\":200,\"status\":500}";
	CHECK(ff_json_line_scan(jp, line, strlen(line), v, 4));
	/* the lower rank wins even when met later on the line */
	CHECK_INT(v[0].type, FF_JSON_STRING);
	CHECK(v[0].n == 9 && memcmp(v[0].p, "192.0.2.1", 9) == 0 && !v[0].escaped);
	CHECK(v[1].escaped && v[1].n == 4);
	char out[16];
	size_t n = ff_json_unescape(v[1].p, v[1].n, out);
	CHECK(n == 3 && memcmp(out, "a\"b", 3) == 0);
	CHECK_INT(v[2].type, FF_JSON_NUMBER);
	CHECK(v[2].n == 2 && memcmp(v[2].p, "12", 2) == 0);
	/* a repeated member: the first one */
	CHECK(v[3].n == 3 && memcmp(v[3].p, "200", 3) == 0);
	/* a wanted path holding an object or array gives nothing */
	const char *obj = "{\"status\":{\"x\":1},\"ClientHost\":[\"a\"]}";
	CHECK(ff_json_line_scan(jp, obj, strlen(obj), v, 4));
	CHECK_INT(v[3].type, FF_JSON_NONE);
	CHECK_INT(v[0].type, FF_JSON_NONE);
	/* an escaped key matches no path */
	const char *esc = "{\"st\\u0061tus\":201}";
	CHECK(ff_json_line_scan(jp, esc, strlen(esc), v, 4));
	CHECK_INT(v[3].type, FF_JSON_NONE);
	ff_json_paths_free(jp);

	CHECK(ff_json_path_check("a.b[0].c", 8, err, sizeof err));
	CHECK(ff_json_path_check("@timestamp", 10, err, sizeof err));
	CHECK(!ff_json_path_check("", 0, err, sizeof err));
	CHECK(!ff_json_path_check("a..b", 4, err, sizeof err));
	CHECK(strstr(err, "empty key") != NULL);
	CHECK(!ff_json_path_check("a.", 2, err, sizeof err));
	CHECK(!ff_json_path_check(".a", 2, err, sizeof err));
	CHECK(!ff_json_path_check("a[x]", 4, err, sizeof err));
	CHECK(!ff_json_path_check("a[1", 3, err, sizeof err));
	CHECK(!ff_json_path_check("a[1]b", 5, err, sizeof err));
	CHECK(!ff_json_path_check("a]", 2, err, sizeof err));
}

static void test_unescape(void)
{
	static const struct {
		const char *in, *out;
		size_t outlen;
	} cases[] = {
		{ "plain", "plain", 5 },
		{ "\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8 },
		{ "caf\\u00e9", "caf\xc3\xa9", 5 },
		{ "\\u0026\\u003c", "&<", 2 },
		{ "\\u20ac", "\xe2\x82\xac", 3 },
		{ "\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4 },
		{ "\\ud83dx", "\xed\xa0\xbdx", 4 },          /* a lone high surrogate */
		{ "\\ude00", "\xed\xb8\x80", 3 },            /* a lone low surrogate */
		{ "a\\u0000b", "a\0b", 3 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[32];
		size_t n = ff_json_unescape(cases[i].in, strlen(cases[i].in), out);
		CHECK_INT(n, cases[i].outlen);
		CHECK(n <= strlen(cases[i].in));
		CHECK(memcmp(out, cases[i].out, cases[i].outlen) == 0);
	}
}

static enum ff_parse_result parse(ff_format *fmt, const char *line, ff_record *rec)
{
	return ff_format_parse(fmt, line, strlen(line), rec);
}

static void test_format(void)
{
	char err[256];
	ff_format *fmt = ff_format_compile("json", err, sizeof err);
	CHECK(fmt != NULL);
	CHECK(ff_format_views_transient(fmt));
	CHECK(strcmp(ff_format_kind(fmt), "json") == 0);
	CHECK(ff_format_fields(fmt) & FF_HAS(FF_F_USER_AGENT));
	ff_record rec;
	const char *caddy = "{\"level\":\"info\",\"ts\":1772406000.25,\"request\":{\"remote_ip\":\"192.0.2.1\","
			    "\"client_ip\":\"203.0.113.7\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"ex.test\","
			    "\"uri\":\"/p?a=1&b=\\u00e9\",\"headers\":{\"User-Agent\":[\"UA \\\"1\\\"\"],\"Referer\":[\"-\"]}},"
			    "\"duration\":0.0015,\"size\":12,\"status\":200}";
	CHECK_INT(parse(fmt, caddy, &rec), FF_PARSE_OK);
	CHECK_SV(rec.client, "192.0.2.1");
	CHECK_INT(rec.time.t, 1772406000);
	CHECK_INT(rec.time.offset, 0);
	CHECK_SV(rec.method, "GET");
	CHECK_SV(rec.path, "/p");
	CHECK_SV(rec.query, "a=1&b=\xc3\xa9");
	CHECK_SV(rec.protocol, "HTTP/2.0");
	CHECK_SV(rec.vhost, "ex.test");
	CHECK_SV(rec.user_agent, "UA \"1\"");
	CHECK_INT(rec.referer.n, 0);
	CHECK_INT(rec.status, 200);
	CHECK_INT(rec.bytes, 12);
	CHECK_INT(rec.duration_us, 1500);

	const char *traefik = "{\"ClientHost\":\"2001:db8::1\",\"DownstreamContentSize\":0,\"DownstreamStatus\":404,"
			      "\"Duration\":2500000,\"RequestMethod\":\"POST\",\"RequestPath\":\"/x?u=\\u003c\","
			      "\"RequestProtocol\":\"HTTP/1.1\",\"StartLocal\":\"2026-03-02T09:17:40.5+01:00\","
			      "\"StartUTC\":\"2026-03-02T08:17:40.5Z\"}";
	CHECK_INT(parse(fmt, traefik, &rec), FF_PARSE_OK);
	CHECK_SV(rec.client, "2001:db8::1");
	CHECK_INT(rec.time.offset, 3600);
	CHECK_INT(rec.time.usec, 500000);
	CHECK_SV(rec.query, "u=<");
	CHECK_INT(rec.status, 404);
	CHECK_INT(rec.duration_us, 2500);
	CHECK_INT(rec.user_agent.n, 0);
	CHECK(!(rec.has & FF_HAS(FF_F_USER_AGENT)));

	/* no time, no status, null time: invalid; impossible values: their verdicts */
	CHECK_INT(parse(fmt, "{\"status\":200}", &rec), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "{\"ts\":1}", &rec), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "{\"ts\":null,\"status\":200}", &rec), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "{\"ts\":1,\"status\":99}", &rec), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, "{\"ts\":1,\"status\":\"2x0\"}", &rec), FF_PARSE_BAD_STATUS);
	CHECK_INT(parse(fmt, "{\"ts\":\"2026-02-30T00:00:00Z\",\"status\":200}", &rec), FF_PARSE_BAD_TIME);
	CHECK_INT(parse(fmt, "{\"ts\":1,\"status\":200,\"size\":-1}", &rec), FF_PARSE_BAD_BYTES);
	CHECK_INT(parse(fmt, "{\"ts\":1,\"status\":200,\"duration\":1e-3}", &rec), FF_PARSE_OK);
	CHECK(!(rec.has & FF_HAS(FF_F_DURATION)));
	CHECK_INT(parse(fmt, "{\"ts\":1,\"status\":200} x", &rec), FF_PARSE_INVALID);
	CHECK_INT(parse(fmt, "", &rec), FF_PARSE_INVALID);
	ff_format_free(fmt);

	/* a mapping (Nginx escape=json): the mapped path alone, others built in */
	fmt = ff_format_compile("json:client=remote_addr,time=time_iso8601,request=request,bytes=body_bytes_sent,"
				"user_agent=http_user_agent,duration=request_time", err, sizeof err);
	CHECK(fmt != NULL);
	const char *nginx = "{\"time_iso8601\":\"2026-03-02T09:17:40+01:00\",\"remote_addr\":\"10.0.0.1\","
			    "\"request\":\"GET /a\\\\b?c HTTP/1.1\",\"status\":\"301\",\"body_bytes_sent\":\"0\","
			    "\"http_user_agent\":\"\",\"request_time\":\"0.250\",\"ts\":5,\"duration\":9}";
	CHECK_INT(parse(fmt, nginx, &rec), FF_PARSE_OK);
	CHECK_SV(rec.client, "10.0.0.1");
	CHECK_INT(rec.time.offset, 3600);
	CHECK_SV(rec.method, "GET");
	CHECK_SV(rec.target, "/a\\b?c");
	CHECK_SV(rec.path, "/a\\b");
	CHECK_SV(rec.protocol, "HTTP/1.1");
	CHECK_INT(rec.status, 301);
	CHECK_INT(rec.duration_us, 250000);
	ff_format_free(fmt);

	CHECK(ff_format_compile("json:agent=ua", err, sizeof err) == NULL);
	CHECK(strstr(err, "json field mapping 'agent=ua'") != NULL);
	CHECK(ff_format_compile("json:client=a,client=b", err, sizeof err) == NULL);
	CHECK(strstr(err, "mapped twice") != NULL);
	CHECK(ff_format_compile("json:time=a..b", err, sizeof err) == NULL);
	CHECK(strstr(err, "json field mapping 'time'") != NULL);
	CHECK(ff_format_json_field("user_agent"));
	CHECK(!ff_format_json_field("path"));
}

/* Decoded values live in the format's buffer: long lines grow it, and a
 * line without escapes points into itself. */
static void test_scratch(void)
{
	char err[256];
	ff_format *fmt = ff_format_compile("json", err, sizeof err);
	size_t n = 100000;
	char *line = malloc(n + 100);
	CHECK(line != NULL);
	if (!fmt || !line)
		return;
	size_t o = (size_t)snprintf(line, n + 100, "{\"ts\":1,\"status\":200,\"request\":{\"uri\":\"/");
	while (o < n)
		o += (size_t)snprintf(line + o, n + 100 - o, "\\u0041");
	o += (size_t)snprintf(line + o, n + 100 - o, "\"}}");
	ff_record rec;
	CHECK_INT(ff_format_parse(fmt, line, o, &rec), FF_PARSE_OK);
	CHECK(rec.path.n > 16000 && rec.path.p[0] == '/' && rec.path.p[1] == 'A');
	CHECK(!(rec.path.p >= line && rec.path.p < line + o));
	const char *plain = "{\"ts\":1,\"status\":200,\"request\":{\"uri\":\"/plain\"}}";
	CHECK_INT(ff_format_parse(fmt, plain, strlen(plain), &rec), FF_PARSE_OK);
	CHECK(rec.path.p > plain && rec.path.p < plain + strlen(plain));
	free(line);
	ff_format_free(fmt);
}

int main(void)
{
	test_validity();
	test_paths();
	test_unescape();
	test_format();
	test_scratch();
	return CHECK_DONE("test_json_line");
}
