/* test_detect.c — `--log-format auto` on sample lines (SPEC §1): each
 * built-in format is recognised, ties go to the richer format, blank lines
 * do not count, and lines with trailing fields (Nginx main's
 * X-Forwarded-For, $request_time, Apache's %D) are read by a format built
 * for them, whose note says what each field was taken for. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "detect.h"
#include "logformat.h"

static const char *const combined[] = {
	"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET /index.html HTTP/1.1\" 200 2326 "
	"\"https://www.google.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
	"198.51.100.7 - alice [10/Oct/2023:13:55:40 +0200] \"POST /login HTTP/1.1\" 302 - \"-\" "
	"\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"",
	"2001:db8::5 - - [10/Oct/2023:13:56:01 +0200] \"GET /style.css HTTP/2.0\" 304 0 "
	"\"https://example.com/\" \"curl/8.5.0\"",
	"203.0.113.9 - - [10/Oct/2023:13:57:12 +0200] \"GET /a?b=c HTTP/1.1\" 404 153 \"-\" \"-\"",
};

static const char *const common[] = {
	"192.0.2.1 - frank [10/Oct/2023:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
	"198.51.100.7 - - [10/Oct/2023:13:55:37 -0700] \"GET / HTTP/1.1\" 200 -",
	"203.0.113.9 - - [10/Oct/2023:13:55:38 -0700] \"HEAD /x HTTP/1.1\" 404 0",
};

static const char *const vhost[] = {
	"www.example.com:443 192.0.2.1 - - [10/Oct/2023:13:55:36 +0000] \"GET / HTTP/1.1\" 200 512 "
	"\"-\" \"curl/8.0\"",
	"shop.example.com:80 198.51.100.7 - - [10/Oct/2023:13:55:37 +0000] \"GET /cart HTTP/1.1\" "
	"200 1024 \"https://www.example.com/\" \"Mozilla/5.0\"",
	"www.example.com:443 203.0.113.9 - - [10/Oct/2023:13:55:38 +0000] \"GET /x HTTP/1.1\" 404 "
	"0 \"-\" \"-\"",
};

/* Nginx combined followed by $request_time */
static const char *const nginx_timed[] = {
	"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
	"\"Mozilla/5.0\" 0.123",
	"198.51.100.7 - - [10/Oct/2023:13:55:37 +0200] \"GET /a HTTP/1.1\" 404 153 "
	"\"https://example.com/\" \"curl/8.5.0\" 0.000",
	"203.0.113.9 - - [10/Oct/2023:13:55:38 +0200] \"POST /api HTTP/1.1\" 201 12 \"-\" \"-\" 12.5",
};

enum { MAX_LINES = 64 };

struct sample {
	ff_sv v[MAX_LINES];
	size_t n;
};

static void put(struct sample *s, const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n && s->n < MAX_LINES; i++)
		s->v[s->n++] = ff_sv_cstr(lines[i]);
}

#define PUT(s, arr) put((s), (arr), sizeof(arr) / sizeof *(arr))

static int detect(const struct sample *s, ff_detection *d)
{
	char err[256] = "";
	memset(d, 0x5a, sizeof *d); /* detection must set every field */
	int rc = ff_detect_lines(s->v, s->n, d, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "  ff_detect_lines: %s\n", err);
	return rc;
}

/* How many of the sample's lines the format string reads whole. */
static size_t parsed_by(const char *spec, const struct sample *s)
{
	char err[256];
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	if (!fmt) {
		fprintf(stderr, "  '%s' does not compile: %s\n", spec, err);
		return 0;
	}
	size_t ok = 0;
	for (size_t i = 0; i < s->n; i++) {
		ff_record rec;
		ok += ff_format_parse(fmt, s->v[i].p, s->v[i].n, &rec) == FF_PARSE_OK;
	}
	ff_format_free(fmt);
	return ok;
}

static void test_each_preset(void)
{
	ff_detection d;
	struct sample s = { .n = 0 };
	PUT(&s, combined);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.sampled, 4);
	CHECK_INT(d.matched, 4);
	CHECK(d.prefix_preset == NULL);
	CHECK(!d.trailing);
	CHECK_STR(d.note, "");

	s.n = 0;
	PUT(&s, common);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "common");
	CHECK_INT(d.sampled, 3);
	CHECK_INT(d.matched, 3);
	CHECK(d.prefix_preset == NULL);
	CHECK(!d.trailing);
	CHECK_STR(d.note, "");

	s.n = 0;
	PUT(&s, vhost);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");
	CHECK_INT(d.sampled, 3);
	CHECK_INT(d.matched, 3);
	CHECK(d.prefix_preset == NULL);

	/* the majority decides; the rest are counted as not matched */
	s.n = 0;
	PUT(&s, combined);
	put(&s, common, 1);
	put(&s, vhost, 1);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.sampled, 6);
	CHECK_INT(d.matched, 4);
	CHECK(d.prefix_preset == NULL);
}

static void test_ties(void)
{
	ff_detection d;
	/* vhost_combined against combined, in either order of the lines */
	struct sample s = { .n = 0 };
	put(&s, combined, 2);
	put(&s, vhost, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");
	CHECK_INT(d.matched, 2);
	CHECK_INT(d.sampled, 4);
	s.n = 0;
	put(&s, vhost, 2);
	put(&s, combined, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");

	/* combined against common */
	s.n = 0;
	put(&s, common, 2);
	put(&s, combined, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 2);
	/* a tie is no reason for a prefix hint */
	CHECK(d.prefix_preset == NULL);
	CHECK(!d.trailing);
	CHECK_STR(d.note, "");

	/* vhost_combined against common */
	s.n = 0;
	put(&s, common, 1);
	put(&s, vhost, 1);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");
	CHECK_INT(d.matched, 1);

	/* all three, one line each */
	s.n = 0;
	put(&s, common, 1);
	put(&s, combined, 1);
	put(&s, vhost, 1);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");
	CHECK_INT(d.matched, 1);
	CHECK_INT(d.sampled, 3);
}

static void test_blank_lines(void)
{
	static const char *const blanks[] = { "", " ", "\t", "  \t  " };
	ff_detection d;
	struct sample s = { .n = 0 };
	PUT(&s, blanks);
	put(&s, common, 1);
	PUT(&s, blanks);
	put(&s, common + 1, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "common");
	CHECK_INT(d.sampled, 3);
	CHECK_INT(d.matched, 3);

	/* only blank lines */
	s.n = 0;
	PUT(&s, blanks);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.sampled, 0);
	CHECK_INT(d.matched, 0);
	CHECK(d.prefix_preset == NULL);
	CHECK(!d.trailing);
	CHECK_STR(d.note, "");
}

static void test_nothing_matches(void)
{
	static const char *const junk[] = {
		"hello world",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		"192.0.2.1 - - [32/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 1",
		"{\"time\":\"2023-10-10T13:55:36+02:00\",\"status\":200}",
	};
	ff_detection d;
	struct sample s = { .n = 0 };
	PUT(&s, junk);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 0);
	CHECK_INT(d.sampled, 4);
	CHECK(d.prefix_preset == NULL);
	CHECK(!d.trailing);
	/* the report must not pass for an empty site */
	CHECK_STR(d.note, "log format: no built-in format matches the first 4 lines, so they are counted invalid: "
			  "give the format with --log-format");

	/* no lines at all */
	s.n = 0;
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 0);
	CHECK_INT(d.sampled, 0);
	CHECK(d.prefix_preset == NULL);
	CHECK_INT(ff_detect_lines(NULL, 0, &d, NULL, 0), 0);
	CHECK_STR(d.preset, "combined");
}

static void test_trailing_fields(void)
{
	ff_detection d;
	struct sample s = { .n = 0 };

	/* Nginx combined + $request_time: read, in Nginx's idiom */
	PUT(&s, nginx_timed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK(d.trailing);
	CHECK_INT(d.matched, 3);
	CHECK_INT(d.sampled, 3);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.spec, "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
			  "\"$http_referer\" \"$http_user_agent\" $request_time");
	CHECK_INT(parsed_by(d.spec, &s), 3);
	CHECK(strstr(d.note, "field 1 (like 0.123) read as duration in seconds") != NULL);
	CHECK(strstr(d.note, d.spec) != NULL);
	/* plain combined lines are one field short for it */
	struct sample plain = { .n = 0 };
	PUT(&plain, combined);
	CHECK_INT(parsed_by(d.spec, &plain), 0);

	/* Nginx main: combined and a quoted X-Forwarded-For */
	static const char *const nginx_main[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"203.0.113.5, 10.0.0.2\"",
		"198.51.100.7 - - [10/Oct/2023:13:55:37 +0200] \"GET /a HTTP/1.1\" 200 10 \"-\" "
		"\"curl/8.5.0\" \"-\"",
	};
	s.n = 0;
	PUT(&s, nginx_main);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 2);
	CHECK_STR(d.spec, "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
			  "\"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\"");
	CHECK(strncmp(d.note, "log format: Nginx main, combined followed by 1 trailing field (detected)", 71) == 0);
	CHECK(strstr(d.note, "read as forwarded") != NULL);

	/* main + $request_time + $upstream_response_time ("-" without an
	 * upstream): the second duration is ignored */
	static const char *const main_upstream[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"10.0.0.1, 10.0.0.2\" 0.123 0.120",
		"198.51.100.7 - - [10/Oct/2023:13:55:37 +0200] \"GET /a HTTP/1.1\" 200 10 \"-\" "
		"\"curl/8.5.0\" \"-\" 0.004 -",
	};
	s.n = 0;
	PUT(&s, main_upstream);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 2);
	CHECK_STR(d.spec, "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
			  "\"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time "
			  "$upstream_response_time");
	CHECK(strstr(d.note, "field 3 ignored") != NULL);
	/* a line whose upstream time is a list (nginx retried) is read too */
	static const char *const retried[] = {
		"198.51.100.8 - - [10/Oct/2023:13:55:38 +0200] \"GET /r HTTP/1.1\" 502 10 \"-\" "
		"\"curl/8.5.0\" \"-\" 0.040 0.020, 0.019",
	};
	PUT(&s, retried);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 3);
	CHECK_INT(d.sampled, 3);

	/* Apache combined + %D: a lone all-digit field is microseconds */
	static const char *const apache_d[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 1234",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET /b HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 98",
	};
	s.n = 0;
	PUT(&s, apache_d);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 2);
	char want[512];
	snprintf(want, sizeof want, "%s %%D", ff_format_preset_apache("combined"));
	CHECK_STR(d.spec, want);
	CHECK(strstr(d.note, "microseconds (Apache %D)") != NULL);

	/* Apache with a logged X-Forwarded-For and %D */
	static const char *const apache_xff_d[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"203.0.113.9\" 1234",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET /b HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"-\" 98",
	};
	s.n = 0;
	PUT(&s, apache_xff_d);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 2);
	snprintf(want, sizeof want, "%s \"%%{X-Forwarded-For}i\" %%D", ff_format_preset_apache("combined"));
	CHECK_STR(d.spec, want);
	CHECK(strncmp(d.note, "log format: combined followed by 2 trailing fields", 50) == 0);

	/* two numbers (Apache combinedio, %I %O) are not a duration */
	static const char *const combinedio[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 420 1032",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET /b HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 377 880",
	};
	s.n = 0;
	PUT(&s, combinedio);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	snprintf(want, sizeof want, "%s %%{extra1}e %%{extra2}e", ff_format_preset_apache("combined"));
	CHECK_STR(d.spec, want);
	CHECK(strstr(d.note, "field 1 ignored, field 2 ignored") != NULL);

	/* one quoted extra field after common (no user agent): ignored */
	static const char *const common_quoted[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326 \"x y\"",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 -0700] \"GET /b HTTP/1.0\" 404 0 \"\"",
	};
	s.n = 0;
	PUT(&s, common_quoted);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "common");
	CHECK(d.trailing);
	CHECK_INT(parsed_by(d.spec, &s), 2);
	CHECK(strstr(d.note, "forwarded") == NULL);

	/* vhost_combined lines with $request_time */
	static const char *const vhost_timed[] = {
		"www.example.com:443 192.0.2.1 - - [10/Oct/2023:13:55:36 +0000] \"GET / HTTP/1.1\" "
		"200 512 \"-\" \"curl/8.0\" 0.5",
		"shop.example.com:80 192.0.2.2 - - [10/Oct/2023:13:55:37 +0000] \"GET /c HTTP/1.1\" "
		"200 1 \"-\" \"-\" 0.001",
	};
	s.n = 0;
	PUT(&s, vhost_timed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "vhost_combined");
	CHECK(d.trailing);
	CHECK_INT(parsed_by(d.spec, &s), 2);

	/* an empty trailing field (two spaces) is a field */
	static const char *const empty_field[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\"  0.010",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET /b HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" x 0.020",
	};
	s.n = 0;
	PUT(&s, empty_field);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_INT(d.matched, 2);
	CHECK(strstr(d.note, "field 1 ignored, field 2 (like 0.123) read as duration") != NULL);

	/* more than FF_DETECT_MAX_TRAILING fields: no format, a hint */
	static const char *const many[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" a b c d e f g h i",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 1 2 3 4 5 6 7 8 9",
	};
	s.n = 0;
	PUT(&s, many);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_STR(d.spec, "combined");
	CHECK(!d.trailing);
	CHECK_INT(d.matched, 0);
	CHECK_INT(d.prefix_matched, 2);
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "combined") == 0);
	CHECK(strstr(d.note, "differ from line to line") != NULL);

	/* layouts that differ from line to line, none the majority */
	static const char *const mixed[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" \"M\" 1",
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" \"M\" 1 2",
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" \"M\" \"q\"",
	};
	s.n = 0;
	PUT(&s, mixed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(!d.trailing);
	CHECK(d.prefix_preset != NULL);

	/* most lines extended, one plain: the extended format wins, the
	 * plain line is one it does not read */
	s.n = 0;
	PUT(&s, nginx_timed);
	put(&s, combined, 1);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.trailing);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 3);
	CHECK_INT(d.sampled, 4);

	/* half extended, half plain: the plain format is fine */
	s.n = 0;
	put(&s, nginx_timed, 2);
	put(&s, combined, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_STR(d.spec, "combined");
	CHECK_INT(d.matched, 2);
	CHECK(!d.trailing);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.note, "");

	/* half extended, half junk: not most lines; few lines match, which
	 * the note says */
	s.n = 0;
	put(&s, nginx_timed, 2);
	s.v[s.n++] = FF_SV_LIT("junk");
	s.v[s.n++] = FF_SV_LIT("more junk");
	CHECK_INT(detect(&s, &d), 0);
	CHECK_INT(d.matched, 0);
	CHECK(!d.trailing);
	CHECK(d.prefix_preset == NULL);
	CHECK(strstr(d.note, "no built-in format matches the first 4 lines") != NULL);

	/* a minority of lines matches */
	s.n = 0;
	put(&s, combined, 1);
	s.v[s.n++] = FF_SV_LIT("junk");
	s.v[s.n++] = FF_SV_LIT("more junk");
	CHECK_INT(detect(&s, &d), 0);
	CHECK_INT(d.matched, 1);
	CHECK(strstr(d.note, "only 1 of the first 3 lines match the combined format") != NULL);
}

int main(void)
{
	test_each_preset();
	test_ties();
	test_blank_lines();
	test_nothing_matches();
	test_trailing_fields();
	return CHECK_DONE("test_detect");
}
