/* render_text.c — the summary as aligned text for a terminal or a mail
 * body.  File names are not shown: the same requests give the same text
 * whatever files, order or compression they came in. */
#include "render.h"

#include <inttypes.h>

/* 1234567 -> "1,234,567" (or plain digits without separators). */
static const char *num(uint64_t v, bool separators, char *buf, size_t bufsz)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
	if (!separators || n <= 3) {
		snprintf(buf, bufsz, "%s", digits);
		return buf;
	}
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < bufsz; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

static void human_bytes(uint64_t v, char *buf, size_t bufsz)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	size_t u = 0;
	while (d >= 1024.0 && u + 1 < sizeof units / sizeof *units)
		d /= 1024.0, u++;
	if (u == 0)
		snprintf(buf, bufsz, "%" PRIu64 " B", v);
	else
		snprintf(buf, bufsz, "%.1f %s", d, units[u]);
}

void ff_render_text(FILE *f, const ff_results *r, const ff_text_style *style)
{
	const ff_summary *s = &r->summary;
	bool sep = style->separators;
	char a[40], b[40], hb[32];

	fputs("Summary\n", f);
	fprintf(f, "  %-12s %s%s\n", "format", r->format, r->format_detected ? " (detected)" : "");
	if (s->has_time) {
		ff_time_format_iso8601(s->first, a);
		ff_time_format_iso8601(s->last, b);
		fprintf(f, "  %-12s %s .. %s\n", "period", a, b);
	} else {
		fprintf(f, "  %-12s %s\n", "period", "-");
	}
	fprintf(f, "  %-12s %15s\n", "lines", num(s->lines, sep, a, sizeof a));
	fprintf(f, "  %-12s %15s\n", "valid", num(s->valid, sep, a, sizeof a));
	fprintf(f, "  %-12s %15s\n", "invalid", num(s->invalid, sep, a, sizeof a));
	fprintf(f, "  %-12s %15s\n", "late", num(s->late, sep, a, sizeof a));
	fprintf(f, "  %-12s %15s\n", "hits", num(s->hits, sep, a, sizeof a));
	human_bytes(s->bytes, hb, sizeof hb);
	fprintf(f, "  %-12s %15s  (%s)\n", "bytes", num(s->bytes, sep, a, sizeof a), hb);

	fputs("\nStatus codes\n", f);
	fprintf(f, "  %-6s %15s %7s\n", "status", "hits", "share");
	for (unsigned code = 0; code < FF_STATUS_MAX; code++) {
		if (!s->status[code])
			continue;
		double share = s->hits ? 100.0 * (double)s->status[code] / (double)s->hits : 0.0;
		fprintf(f, "  %-6u %15s %6.1f%%\n", code, num(s->status[code], sep, a, sizeof a), share);
	}
}
