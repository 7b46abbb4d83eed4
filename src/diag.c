/* diag.c — the single place that formats messages for people.  Library
 * stages return status codes and reasons; the run driver prints them here.
 * Whatever a message holds, no byte that could steer a terminal reaches
 * it: names from outside are made visible, and so is the rest. */
#include "diag.h"

#include <inttypes.h>
#include <stdlib.h>

#include "utf8.h"

/* The unit of text at p (n > 0 bytes left): returns its length, and
 * leaves esc empty when it is written as it is, else fills it with the
 * escape (\t \n \r by name, \\ when backslash is set, else \xHH). */
static size_t next_unit(const unsigned char *p, size_t n, bool backslash, char esc[5])
{
	static const char hex[] = "0123456789abcdef";
	size_t plain = ff_utf8_plain_len(p, n);
	esc[0] = 0;
	if (plain && !(backslash && p[0] == '\\'))
		return plain;
	unsigned char c = p[0];
	esc[0] = '\\', esc[2] = 0;
	switch (c) {
	case '\\': esc[1] = '\\'; break;
	case '\t': esc[1] = 't'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	default: esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], esc[4] = 0;
	}
	return 1;
}

/* s made visible on f, runs of plain bytes in one call. */
static void write_visible(FILE *f, ff_sv s, bool backslash)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;
	char esc[5];
	while (i < s.n) {
		size_t step = next_unit(p + i, s.n - i, backslash, esc);
		if (!esc[0]) {
			i += step, run += step;
			continue;
		}
		if (run)
			fwrite(p + i - run, 1, run, f);
		run = 0;
		fputs(esc, f);
		i += step;
	}
	if (run)
		fwrite(p + i - run, 1, run, f);
}

void ff_visible_write(FILE *f, ff_sv s)
{
	write_visible(f, s, true);
}

/* The formatted text, with what is not printable escaped.  Parts made
 * visible already keep their backslashes as they are. */
__attribute__((format(printf, 2, 0)))
static void put_message(FILE *f, const char *fmt, va_list ap)
{
	char small[1024], *buf = small;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small) {
		if ((buf = malloc((size_t)n + 1)))
			vsnprintf(buf, (size_t)n + 1, fmt, again);
		else
			buf = small, n = (int)sizeof small - 1;
	}
	va_end(again);
	if (n > 0)
		write_visible(f, ff_sv_make(buf, (size_t)n), false);
	fputc('\n', f);
	if (buf != small)
		free(buf);
}

void ff_diag_v(FILE *f, const char *fmt, va_list ap)
{
	fputs(FF_PROGRAM ": ", f);
	put_message(f, fmt, ap);
}

void ff_diag(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ff_diag_v(f, fmt, ap);
	va_end(ap);
}

void ff_diag_at(FILE *f, const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(FF_PROGRAM ": ", f);
	ff_visible_write(f, ff_sv_cstr(file));
	if (line)
		fprintf(f, ":%" PRIu64 ": ", line);
	else
		fputs(": ", f);
	put_message(f, fmt, ap);
	va_end(ap);
}

char *ff_visible(ff_sv s, size_t maxshow, char *buf, size_t bufsz)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t o = 0, i = 0;
	char esc[5];

	if (bufsz == 0)
		return buf;
	/* Leave room for the longest escape (4), "..." and the NUL. */
	while (i < s.n && i < maxshow && o + 8 < bufsz) {
		size_t step = next_unit(p + i, s.n - i, true, esc);
		const char *add = esc[0] ? esc : (const char *)p + i;
		size_t len = esc[0] ? strlen(esc) : step;
		if (o + len + 8 >= bufsz)
			break;
		memcpy(buf + o, add, len);
		o += len;
		i += step;
	}
	if (i < s.n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}
