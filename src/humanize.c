/* humanize.c — the number formats the text and html reports share, so a
 * figure reads the same in a terminal and in a browser. */
#include "humanize.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

size_t ff_group_digits(const char *in, bool seps, char *out)
{
	size_t i = 0, o = 0, start, end;
	if (in[i] == '-')
		out[o++] = in[i++];
	start = i;
	while (in[i] >= '0' && in[i] <= '9')
		i++;
	end = i;
	for (size_t k = start; k < end && o + 2 < FF_NUM_BUF; k++) {
		if (seps && k > start && (end - k) % 3 == 0)
			out[o++] = ',';
		out[o++] = in[k];
	}
	for (; in[i] && o + 1 < FF_NUM_BUF; i++)
		out[o++] = in[i];
	out[o] = 0;
	return o;
}

size_t ff_fmt_u64(uint64_t v, bool seps, char *out)
{
	char d[FF_NUM_BUF];
	snprintf(d, sizeof d, "%" PRIu64, v);
	return ff_group_digits(d, seps, out);
}

size_t ff_fmt_duration(double s, char *out)
{
	if (!isfinite(s) || s < 0 || s >= 1e15)
		return 0;
	uint64_t t = (uint64_t)(s + 0.5);
	if (t < 60)
		return (size_t)snprintf(out, FF_NUM_BUF, "%" PRIu64 "s", t);
	if (t < 3600)
		return (size_t)snprintf(out, FF_NUM_BUF, "%" PRIu64 "m %02" PRIu64 "s", t / 60, t % 60);
	if (t < 86400)
		return (size_t)snprintf(out, FF_NUM_BUF, "%" PRIu64 "h %02" PRIu64 "m", t / 3600, t % 3600 / 60);
	return (size_t)snprintf(out, FF_NUM_BUF, "%" PRIu64 "d %02" PRIu64 "h", t / 86400, t % 86400 / 3600);
}

size_t ff_fmt_latency(double s, char *out)
{
	if (!isfinite(s) || s < 0 || s >= 1e15)
		return 0;
	/* the unit is chosen after rounding: 0.9996 s is "1 s", not "1e+03 ms" */
	if (s * 1000.0 < 999.5)
		return (size_t)snprintf(out, FF_NUM_BUF, "%.3g ms", s * 1000.0);
	if (s < 59.95)
		return (size_t)snprintf(out, FF_NUM_BUF, "%.3g s", s);
	return ff_fmt_duration(s, out);
}

size_t ff_fmt_bytes(uint64_t v, char *out)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	size_t u = 0;
	if (v < 1024)
		return (size_t)snprintf(out, FF_NUM_BUF, "%" PRIu64 " B", v);
	/* 1023.96 KiB would print as "1024.0 KiB": move up a unit first */
	while (d >= 1023.95 && u + 1 < sizeof units / sizeof *units)
		d /= 1024.0, u++;
	return (size_t)snprintf(out, FF_NUM_BUF, "%.1f %s", d, units[u]);
}
