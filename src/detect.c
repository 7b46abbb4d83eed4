/* detect.c — format auto-detection.  Runs once per run, before the merge,
 * so it may allocate freely; what matters is that it reads each line once
 * and hands every one of them on. */
#include "detect.h"

#include <stdio.h>
#include <stdlib.h>

#include "logformat.h"

static bool is_blank(ff_sv s)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t')
			return false;
	return true;
}

/* The Apache string that reads a preset followed by `extra` more fields,
 * each quoted or not as bit i of `quoted` says. */
static void extended(const char *preset, unsigned extra, unsigned quoted, char *buf, size_t bufsz)
{
	size_t o = (size_t)snprintf(buf, bufsz, "%s", ff_format_preset_apache(preset));
	for (unsigned i = 0; i < extra && o < bufsz; i++)
		o += (size_t)snprintf(buf + o, bufsz - o, (quoted >> i) & 1 ? " \"%%{extra%u}e\"" : " %%{extra%u}e", i + 1);
}

/* For lines that match `preset` only as a prefix, finds the extension with
 * up to three more fields that reads most of them. */
static size_t suggest(const ff_sv *lines, size_t n, const char *preset, ff_detection *d)
{
	size_t best = 0;
	char spec[sizeof d->suggestion];
	for (unsigned extra = 1; extra <= 3; extra++) {
		/* quoted first: a quoted field also reads as an unquoted one */
		for (unsigned quoted = 1u << extra; quoted-- > 0;) {
			extended(preset, extra, quoted, spec, sizeof spec);
			char err[256];
			ff_format *fmt = ff_format_compile(spec, err, sizeof err);
			if (!fmt)
				continue;
			size_t ok = 0;
			for (size_t i = 0; i < n; i++) {
				ff_record rec;
				if (ff_format_parse(fmt, lines[i].p, lines[i].n, &rec) == FF_PARSE_OK)
					ok++;
			}
			ff_format_free(fmt);
			if (ok > best) {
				best = ok;
				snprintf(d->suggestion, sizeof d->suggestion, "%s", spec);
			}
		}
	}
	return best;
}

int ff_detect_lines(const ff_sv *lines, size_t n, ff_detection *d, char *err, size_t errsz)
{
	memset(d, 0, sizeof *d);
	d->preset = "combined";
	size_t best_ok = 0, best_prefix = 0, n_presets = 0;
	while (ff_format_presets[n_presets])
		n_presets++;

	/* result[p * n + i]: preset p on line i */
	unsigned char *result = malloc(n_presets * (n ? n : 1));
	bool *ok_somewhere = calloc(n ? n : 1, sizeof *ok_somewhere);
	if (!result || !ok_somewhere) {
		free(result), free(ok_somewhere);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (size_t p = 0; p < n_presets; p++) {
		ff_format *fmt = ff_format_compile(ff_format_presets[p], err, errsz);
		if (!fmt) {
			free(result), free(ok_somewhere);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			ff_record rec;
			enum ff_parse_result r = is_blank(lines[i]) ? FF_PARSE_INVALID
				: ff_format_parse(fmt, lines[i].p, lines[i].n, &rec);
			result[p * n + i] = (unsigned char)r;
			if (r == FF_PARSE_OK)
				ok_somewhere[i] = true;
		}
		ff_format_free(fmt);
	}
	for (size_t i = 0; i < n; i++)
		if (!is_blank(lines[i]))
			d->sampled++;
	for (size_t p = 0; p < n_presets; p++) {
		size_t ok = 0, prefix = 0;
		for (size_t i = 0; i < n; i++) {
			if (result[p * n + i] == FF_PARSE_OK)
				ok++;
			/* a line another preset reads whole is no sign of extra
			 * fields: a combined line is also a longer common line */
			else if (result[p * n + i] == FF_PARSE_TRAILING && !ok_somewhere[i])
				prefix++;
		}
		if (ok > best_ok) {
			best_ok = ok;
			d->preset = ff_format_presets[p];
		}
		if (prefix > best_prefix) {
			best_prefix = prefix;
			d->prefix_preset = ff_format_presets[p];
		}
	}
	free(result);
	free(ok_somewhere);
	d->matched = best_ok;
	d->prefix_matched = best_prefix;
	/* A combined line is also a common line with more fields: only when
	 * most lines match no preset whole is a prefix match worth a hint. */
	if (!(d->prefix_preset && 2 * best_prefix > d->sampled && 2 * best_ok <= d->sampled))
		d->prefix_preset = NULL;
	else if (2 * suggest(lines, n, d->prefix_preset, d) <= d->sampled)
		d->prefix_preset = NULL, d->suggestion[0] = 0;
	return 0;
}

int ff_detect_input(ff_input *in, ff_replay *replay, ff_detection *d, char *err, size_t errsz)
{
	size_t nonblank = 0;
	ff_line line;
	while (nonblank < FF_DETECT_SAMPLE && replay->count < FF_DETECT_MAX_READ) {
		if (ff_input_next(in, &line) != FF_INPUT_LINE)
			break;
		if (ff_replay_push(replay, &line) != 0) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		if (!line.overlong && !is_blank(ff_sv_make(line.p, line.n)))
			nonblank++;
	}
	ff_sv *views = malloc((replay->count ? replay->count : 1) * sizeof *views);
	if (!views) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < replay->count; i++) {
		if (replay->overlong[i])
			continue;
		views[n++] = ff_sv_make(replay->bytes + replay->offsets[i], replay->offsets[i + 1] - replay->offsets[i]);
	}
	int rc = ff_detect_lines(views, n, d, err, errsz);
	free(views);
	return rc;
}
