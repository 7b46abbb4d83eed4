/* test_detect.c — `--log-format auto` on sample lines (SPEC §1): each
 * built-in format is recognised, ties go to the richer format, blank lines
 * do not count, and lines with extra trailing fields (Nginx's
 * $request_time) get a --log-format suggestion that really reads them. */
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
	CHECK_STR(d.suggestion, "");

	s.n = 0;
	PUT(&s, common);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "common");
	CHECK_INT(d.sampled, 3);
	CHECK_INT(d.matched, 3);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.suggestion, "");

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
	CHECK_STR(d.suggestion, "");

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
	CHECK_STR(d.suggestion, "");
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
	CHECK_STR(d.suggestion, "");

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

static void test_extra_fields(void)
{
	ff_detection d;
	struct sample s = { .n = 0 };
	PUT(&s, nginx_timed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 0);
	CHECK_INT(d.sampled, 3);
	CHECK(d.prefix_preset != NULL);
	if (d.prefix_preset)
		CHECK_STR(d.prefix_preset, "combined");
	CHECK_INT(d.prefix_matched, 3);
	/* the suggestion is the combined format and one more field, and it
	 * reads every one of these lines */
	const char *base = ff_format_preset_apache("combined");
	CHECK(strncmp(d.suggestion, base, strlen(base)) == 0);
	CHECK(strlen(d.suggestion) > strlen(base));
	CHECK_INT(parsed_by(d.suggestion, &s), 3);
	/* and still reads plain combined lines as invalid (one field short) */
	struct sample plain = { .n = 0 };
	PUT(&plain, combined);
	CHECK_INT(parsed_by(d.suggestion, &plain), 0);

	/* two extra fields, the second quoted ($request_time
	 * "$http_x_forwarded_for") */
	static const char *const two_extra[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 0.123 \"10.0.0.1, 10.0.0.2\"",
		"198.51.100.7 - - [10/Oct/2023:13:55:37 +0200] \"GET /a HTTP/1.1\" 200 10 \"-\" "
		"\"curl/8.5.0\" 0.004 \"-\"",
	};
	s.n = 0;
	PUT(&s, two_extra);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_INT(d.matched, 0);
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "combined") == 0);
	CHECK_INT(parsed_by(d.suggestion, &s), 2);

	/* one quoted extra field, empty on one line */
	static const char *const quoted_extra[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"x y\"",
		"192.0.2.9 - - [10/Oct/2023:13:55:39 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" \"\"",
	};
	s.n = 0;
	PUT(&s, quoted_extra);
	CHECK_INT(detect(&s, &d), 0);
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "combined") == 0);
	CHECK_INT(parsed_by(d.suggestion, &s), 2);

	/* vhost_combined lines with one extra field */
	static const char *const vhost_timed[] = {
		"www.example.com:443 192.0.2.1 - - [10/Oct/2023:13:55:36 +0000] \"GET / HTTP/1.1\" "
		"200 512 \"-\" \"curl/8.0\" 0.5",
		"shop.example.com:80 192.0.2.2 - - [10/Oct/2023:13:55:37 +0000] \"GET /c HTTP/1.1\" "
		"200 1 \"-\" \"-\" 0.001",
	};
	s.n = 0;
	PUT(&s, vhost_timed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_INT(d.matched, 0);
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "vhost_combined") == 0);
	base = ff_format_preset_apache("vhost_combined");
	CHECK(strncmp(d.suggestion, base, strlen(base)) == 0);
	CHECK_INT(parsed_by(d.suggestion, &s), 2);

	/* more extra fields than a suggestion tries (three): no hint */
	static const char *const four_extra[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" a b c d",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 +0200] \"GET / HTTP/1.1\" 200 612 \"-\" "
		"\"Mozilla/5.0\" 1 2 3 4",
	};
	s.n = 0;
	PUT(&s, four_extra);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 0);
	CHECK_INT(d.prefix_matched, 2);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.suggestion, "");

	/* common lines with one extra field: the hint is about common */
	static const char *const common_timed[] = {
		"192.0.2.1 - - [10/Oct/2023:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326 5123",
		"192.0.2.2 - - [10/Oct/2023:13:55:37 -0700] \"GET /b HTTP/1.0\" 404 0 77",
	};
	s.n = 0;
	PUT(&s, common_timed);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 0);
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "common") == 0);
	base = ff_format_preset_apache("common");
	CHECK(strncmp(d.suggestion, base, strlen(base)) == 0);
	CHECK_INT(parsed_by(d.suggestion, &s), 2);

	/* most lines extended, one plain: still a hint, the plain line is
	 * what matched whole */
	s.n = 0;
	PUT(&s, nginx_timed);
	put(&s, combined, 1);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 1);
	CHECK_INT(d.sampled, 4);
	CHECK(d.prefix_preset != NULL);
	CHECK_INT(parsed_by(d.suggestion, &s), 3);
	/* every combined line is also a common line with more fields: the hint
	 * must be for combined */
	CHECK(d.prefix_preset && strcmp(d.prefix_preset, "combined") == 0);
	base = ff_format_preset_apache("combined");
	CHECK(strncmp(d.suggestion, base, strlen(base)) == 0);

	/* half extended, half plain: the plain format is fine, no hint */
	s.n = 0;
	put(&s, nginx_timed, 2);
	put(&s, combined, 2);
	CHECK_INT(detect(&s, &d), 0);
	CHECK_STR(d.preset, "combined");
	CHECK_INT(d.matched, 2);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.suggestion, "");

	/* half extended, half junk: not most lines, no hint */
	s.n = 0;
	put(&s, nginx_timed, 2);
	s.v[s.n++] = FF_SV_LIT("junk");
	s.v[s.n++] = FF_SV_LIT("more junk");
	CHECK_INT(detect(&s, &d), 0);
	CHECK_INT(d.matched, 0);
	CHECK(d.prefix_preset == NULL);
	CHECK_STR(d.suggestion, "");
}

int main(void)
{
	test_each_preset();
	test_ties();
	test_blank_lines();
	test_nothing_matches();
	test_extra_fields();
	return CHECK_DONE("test_detect");
}
