/* jsonw.c — JSON scalars for the json and jsonl renderers.  The only
 * subtle part is strings: log bytes are escaped here, once, so no renderer
 * can forget. */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

size_t ff_utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t min, cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF are
	 * not UTF-8 */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void jsonw_string(FILE *f, ff_sv s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;

	putc('"', f);
	while (i < s.n) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char buf[8];
		size_t step = 1;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++, run++;
			continue;
		}
		if (c >= 0x80) {
			step = ff_utf8_seq_len(p + i, s.n - i);
			uint32_t cp = step ? ff_utf8_decode(p + i, step) : 0;
			if (step && !ff_utf8_hidden(cp)) {
				i += step, run += step;
				continue;
			}
			if (step) { /* valid, but not to be shown raw: \uXXXX reads back the same */
				buf[0] = '\\', buf[1] = 'u';
				for (int k = 0; k < 4; k++)
					buf[2 + k] = hex[(cp >> (12 - 4 * k)) & 15];
				buf[6] = 0;
				if (run)
					fwrite(p + i - run, 1, run, f);
				run = 0;
				fputs(buf, f);
				i += step;
				continue;
			}
			buf[0] = '\\', buf[1] = '\\', buf[2] = 'x';
			buf[3] = hex[c >> 4], buf[4] = hex[c & 15], buf[5] = 0;
			esc = buf;
			step = 1;
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c == '\n') {
			esc = "\\n";
		} else if (c == '\t') {
			esc = "\\t";
		} else if (c == '\r') {
			esc = "\\r";
		} else {
			buf[0] = '\\', buf[1] = 'u', buf[2] = '0', buf[3] = '0';
			buf[4] = hex[c >> 4], buf[5] = hex[c & 15], buf[6] = 0;
			esc = buf;
		}
		if (run)
			fwrite(p + i - run, 1, run, f);
		run = 0;
		fputs(esc, f);
		i += step;
	}
	if (run)
		fwrite(p + i - run, 1, run, f);
	putc('"', f);
}

void jsonw_cstring(FILE *f, const char *s)
{
	jsonw_string(f, ff_sv_cstr(s));
}

void jsonw_u64(FILE *f, uint64_t v)
{
	fprintf(f, "%" PRIu64, v);
}

void jsonw_i64(FILE *f, int64_t v)
{
	fprintf(f, "%" PRId64, v);
}

void jsonw_double(FILE *f, double v)
{
	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		fprintf(f, "%.0f", v);
		return;
	}
	/* the fewest digits that read back as the same number */
	char buf[40];
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

void jsonw_bool(FILE *f, bool v)
{
	fputs(v ? "true" : "false", f);
}

void jsonw_null(FILE *f)
{
	fputs("null", f);
}
