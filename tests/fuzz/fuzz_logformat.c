/* fuzz_logformat.c — the format compiler: an Apache LogFormat, an Nginx
 * log_format or a regex: string, then lines parsed with what it compiled.
 *
 * Input: the first byte picks how the spec is read (plain, or "regex:"
 * prepended); the bytes up to the first NUL are the spec, the bytes after
 * it a log line.  A compiled format parses a few fixed lines and that
 * line; a refused one must say why. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "logformat.h"

/* Longer specs only make PCRE2 and the compiler slower, not different. */
#define SPEC_MAX 2048

static const char *const fixed_lines[] = {
	"10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] \"GET /a?b=c HTTP/1.1\" 200 512 \"https://ref.example/\" \"Mozilla/5.0\"",
	"www.example.com:443 2001:db8::1 - bob [31/Dec/1999:23:59:59 -1200] \"POST /x HTTP/2.0\" 404 - \"-\" \"-\" 0.123",
	"example.org 10.0.0.2 - - [01/Jan/1970:00:00:00 +0000] \"-\" 400 0 \"-\" \"-\" 1234 1700000000.123 2026-03-02T10:00:00+01:00",
	"",
};

static void check_parse(ff_format *fmt, const char *src, size_t n)
{
	/* An exact-size heap copy: reads past the end are caught. */
	char *line = malloc(n ? n : 1);
	if (!line)
		return;
	if (n)
		memcpy(line, src, n);
	ff_record rec;
	enum ff_parse_result res = ff_format_parse(fmt, line, n, &rec);
	FUZZ_ASSERT(res >= FF_PARSE_OK && res <= FF_PARSE_BAD_BYTES);
	if (res == FF_PARSE_OK) {
		const ff_sv views[] = { rec.client, rec.ident, rec.user, rec.request, rec.method,
					rec.target, rec.path, rec.query, rec.protocol, rec.referer,
					rec.user_agent, rec.vhost, rec.forwarded };
		for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
			fuzz_check_view(views[i], line, n);
		if (rec.has & FF_HAS(FF_F_STATUS))
			FUZZ_ASSERT(rec.status >= 100 && rec.status <= 599);
		FUZZ_ASSERT(rec.bytes < (UINT64_C(1) << 63));
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int as_regex = data[0] & 1;
	data++;
	size--;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t speclen = nul ? (size_t)(nul - data) : size;
	if (speclen > SPEC_MAX)
		return 0;
	const char *tail = nul ? (const char *)nul + 1 : NULL;
	size_t tailn = nul ? size - speclen - 1 : 0;

	char *spec = malloc(speclen + 7);
	if (!spec)
		return 0;
	size_t at = 0;
	if (as_regex) {
		memcpy(spec, "regex:", 6);
		at = 6;
	}
	memcpy(spec + at, data, speclen);
	spec[at + speclen] = '\0';

	char err[512];
	memset(err, 'z', sizeof err);
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	if (!fmt) {
		/* A refusal says why, in one line (SPEC: messages say what is
		 * wrong). */
		FUZZ_ASSERT(memchr(err, '\0', sizeof err) != NULL);
		FUZZ_ASSERT(err[0] != '\0');
		free(spec);
		return 0;
	}
	const char *kind = ff_format_kind(fmt);
	FUZZ_ASSERT(kind != NULL);
	FUZZ_ASSERT(!strcmp(kind, "combined") || !strcmp(kind, "common") || !strcmp(kind, "vhost_combined") ||
		    !strcmp(kind, "apache") || !strcmp(kind, "nginx") || !strcmp(kind, "regex"));
	FUZZ_ASSERT(ff_format_spec(fmt) != NULL);
	for (size_t i = 0; i < sizeof fixed_lines / sizeof fixed_lines[0]; i++)
		check_parse(fmt, fixed_lines[i], strlen(fixed_lines[i]));
	if (tail)
		check_parse(fmt, tail, tailn);
	ff_format_free(fmt);
	free(spec);
	return 0;
}
