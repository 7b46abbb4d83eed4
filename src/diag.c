/* diag.c — the single place that formats messages for people.  Library
 * stages return status codes and reasons; the run driver prints them here. */
#include "diag.h"

#include <inttypes.h>

#include "jsonw.h"

void ff_diag(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(FF_PROGRAM ": ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

void ff_diag_at(FILE *f, const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (line)
		fprintf(f, FF_PROGRAM ": %s:%" PRIu64 ": ", file, line);
	else
		fprintf(f, FF_PROGRAM ": %s: ", file);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

char *ff_visible(ff_sv s, size_t maxshow, char *buf, size_t bufsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.p;
	size_t o = 0, i = 0;

	if (bufsz == 0)
		return buf;
	/* Leave room for the longest escape (4), "..." and the NUL. */
	while (i < s.n && i < maxshow && o + 8 < bufsz) {
		unsigned char c = p[i];
		size_t step = 1;
		if (c >= 0x80)
			step = ff_utf8_seq_len(p + i, s.n - i);
		if (c >= 0x20 && c != 0x7f && c != '\\' && step > 0) {
			if (o + step + 8 >= bufsz)
				break;
			memcpy(buf + o, p + i, step);
			o += step;
			i += step;
			continue;
		}
		buf[o++] = '\\';
		if (c == '\\')
			buf[o++] = '\\';
		else if (c == '\t')
			buf[o++] = 't';
		else if (c == '\n')
			buf[o++] = 'n';
		else if (c == '\r')
			buf[o++] = 'r';
		else
			buf[o++] = 'x', buf[o++] = hex[c >> 4], buf[o++] = hex[c & 15];
		i++;
	}
	if (i < s.n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}
