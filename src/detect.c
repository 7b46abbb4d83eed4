/* detect.c — format auto-detection.  Runs once per run, before the merge,
 * so it may allocate freely; what matters is that it reads each line once
 * and hands every one of them on.  Lines that are a preset followed by
 * more fields get a format built for them from the shape of those fields. */
#include "detect.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_line.h"
#include "logformat.h"

static bool is_blank(ff_sv s)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t')
			return false;
	return true;
}

/* The shape of one trailing field's values over the sample lines. */
enum {
	SHAPE_SECONDS = 1, /* digits, a point, digits: 0.123 */
	SHAPE_DIGITS = 2,  /* digits only: 5123 */
	SHAPE_NONE = 4,    /* "-" or nothing: not measured */
	SHAPE_OTHER = 8,
};

/* What a trailing field is read as. */
enum role { ROLE_IGNORED, ROLE_FORWARDED, ROLE_SECONDS, ROLE_MICROSECONDS };

/* One arrangement of trailing fields (how many, which quoted) and the
 * shapes its fields took on the lines that have it. */
struct layout {
	unsigned n;
	unsigned quoted; /* bit i: field i is quoted */
	size_t lines;
	unsigned shapes[FF_DETECT_MAX_TRAILING];
};

#define MAX_LAYOUTS 16

static unsigned shape_of(ff_sv v)
{
	if (v.n == 0 || (v.n == 1 && v.p[0] == '-'))
		return SHAPE_NONE;
	size_t digits = 0, dot = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] >= '0' && v.p[i] <= '9')
			digits++;
		else if (v.p[i] == '.' && digits && !dot)
			dot = digits;
		else
			return SHAPE_OTHER;
	}
	if (!dot)
		return SHAPE_DIGITS;
	return digits > dot ? SHAPE_SECONDS : SHAPE_OTHER;
}

/* Splits the bytes after a preset (" a \"b c\" d") into fields, as the
 * parser will cut them: one space before each, quoted fields ending at an
 * unescaped quote.  Returns false when they cannot be cut so. */
static bool split_trailing(ff_sv t, struct layout *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < t.n) {
		if (t.p[i] != ' ' || out->n == FF_DETECT_MAX_TRAILING)
			return false;
		i++;
		size_t start = i;
		ff_sv v;
		if (i < t.n && t.p[i] == '"') {
			size_t j = i + 1, backslashes = 0;
			for (; j < t.n; j++) {
				if (t.p[j] == '"' && (backslashes & 1) == 0)
					break;
				backslashes = t.p[j] == '\\' ? backslashes + 1 : 0;
			}
			if (j == t.n || (j + 1 < t.n && t.p[j + 1] != ' '))
				return false;
			v = ff_sv_make(t.p + start + 1, j - start - 1);
			out->quoted |= 1u << out->n;
			i = j + 1;
		} else {
			while (i < t.n && t.p[i] != ' ')
				i++;
			v = ff_sv_make(t.p + start, i - start);
		}
		out->shapes[out->n++] = shape_of(v);
	}
	return out->n > 0;
}

/* The presets as Nginx writes them, for trailing fields in Nginx's
 * idiom ($request_time). */
static const char *nginx_base(const char *preset)
{
	if (strcmp(preset, "common") == 0)
		return "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent";
	if (strcmp(preset, "vhost_combined") == 0)
		return "$host:$server_port $remote_addr - $remote_user [$time_local] \"$request\" $status "
		       "$bytes_sent \"$http_referer\" \"$http_user_agent\"";
	return "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
	       "\"$http_referer\" \"$http_user_agent\"";
}

/* Decides what each field of the layout is (SPEC §1): a quoted field
 * right after the user agent is X-Forwarded-For; the first field written
 * like 0.123 is the duration in seconds; without one, a lone unquoted
 * all-digit field is Apache's %D (microseconds); the rest is ignored. */
static void assign_roles(const char *preset, const struct layout *l, enum role *roles)
{
	bool has_agent = strcmp(preset, "common") != 0;
	bool seconds = false;
	unsigned unquoted = 0, digits_at = 0;
	for (unsigned i = 0; i < l->n; i++) {
		roles[i] = ROLE_IGNORED;
		unsigned sh = l->shapes[i];
		if (l->quoted >> i & 1) {
			if (i == 0 && has_agent)
				roles[i] = ROLE_FORWARDED;
			continue;
		}
		unquoted++;
		if ((sh & SHAPE_SECONDS) && !(sh & (SHAPE_DIGITS | SHAPE_OTHER)) && !seconds) {
			roles[i] = ROLE_SECONDS;
			seconds = true;
		}
		if ((sh & SHAPE_DIGITS) && !(sh & (SHAPE_SECONDS | SHAPE_OTHER)))
			digits_at = i + 1;
	}
	/* Two or more numbers (Apache's %I %O, combinedio) are not a
	 * duration: only a lone one is taken for %D. */
	if (!seconds && unquoted == 1 && digits_at)
		roles[digits_at - 1] = ROLE_MICROSECONDS;
}

static size_t append(char *buf, size_t bufsz, size_t o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t bufsz, size_t o, const char *fmt, ...)
{
	if (o >= bufsz)
		return o;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + o, bufsz - o, fmt, ap);
	va_end(ap);
	return n < 0 ? o : o + (size_t)n;
}

/* The format string for the preset and the layout's fields: Nginx's
 * idiom when a field reads like $request_time or X-Forwarded-For alone
 * (Nginx main), Apache's otherwise (%D). */
static bool layout_spec(const char *preset, const struct layout *l, const enum role *roles, char *buf, size_t bufsz)
{
	bool nginx = false, micro = false, forwarded = false;
	for (unsigned i = 0; i < l->n; i++) {
		nginx |= roles[i] == ROLE_SECONDS;
		micro |= roles[i] == ROLE_MICROSECONDS;
		forwarded |= roles[i] == ROLE_FORWARDED;
	}
	nginx |= forwarded && !micro;
	size_t o = append(buf, bufsz, 0, "%s", nginx ? nginx_base(preset) : ff_format_preset_apache(preset));
	unsigned seconds_seen = 0;
	for (unsigned i = 0; i < l->n; i++) {
		bool q = l->quoted >> i & 1;
		const char *qs = q ? "\"" : "";
		if (roles[i] == ROLE_FORWARDED)
			o = append(buf, bufsz, o, nginx ? " \"$http_x_forwarded_for\"" : " \"%%{X-Forwarded-For}i\"");
		else if (roles[i] == ROLE_SECONDS)
			o = append(buf, bufsz, o, " $request_time"), seconds_seen++;
		else if (roles[i] == ROLE_MICROSECONDS)
			o = append(buf, bufsz, o, " %%D");
		else if (nginx && !q && seconds_seen == 1 && (l->shapes[i] & SHAPE_SECONDS) &&
			 !(l->shapes[i] & (SHAPE_DIGITS | SHAPE_OTHER)))
			o = append(buf, bufsz, o, " $upstream_response_time"), seconds_seen++;
		else if (nginx)
			o = append(buf, bufsz, o, " %s$extra%u%s", qs, i + 1, qs);
		else
			o = append(buf, bufsz, o, " %s%%{extra%u}e%s", qs, i + 1, qs);
	}
	return o < bufsz;
}

/* The report's note on what the trailing fields were read as. */
static void layout_note(const char *preset, const struct layout *l, const enum role *roles, const char *spec,
			char *buf, size_t bufsz)
{
	/* Nginx main is combined and the X-Forwarded-For; a %D after it says
	 * Apache wrote the line */
	bool main_format = strcmp(preset, "combined") == 0 && roles[0] == ROLE_FORWARDED;
	for (unsigned i = 0; i < l->n; i++)
		main_format &= roles[i] != ROLE_MICROSECONDS;
	size_t o = append(buf, bufsz, 0, "log format: %s%s followed by %u trailing field%s (detected):",
			  main_format ? "Nginx main, " : "", preset, l->n, l->n == 1 ? "" : "s");
	const char *sep = " ";
	for (unsigned i = 0; i < l->n; i++) {
		switch (roles[i]) {
		case ROLE_FORWARDED:
			o = append(buf, bufsz, o, "%sfield %u (quoted) read as forwarded (X-Forwarded-For)", sep, i + 1);
			break;
		case ROLE_SECONDS:
			o = append(buf, bufsz, o, "%sfield %u (like 0.123) read as duration in seconds", sep, i + 1);
			break;
		case ROLE_MICROSECONDS:
			o = append(buf, bufsz, o, "%sfield %u (digits) read as duration in microseconds (Apache %%D)",
				   sep, i + 1);
			break;
		default:
			o = append(buf, bufsz, o, "%sfield %u ignored", sep, i + 1);
			break;
		}
		sep = ", ";
	}
	append(buf, bufsz, o, "; as --log-format '%s'", spec);
}

/* Parses every sample line with spec; the number read whole, or 0 when
 * spec does not compile. */
static size_t reads(const char *spec, const ff_sv *lines, size_t n)
{
	char err[256];
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	if (!fmt)
		return 0;
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		ff_record rec;
		if (ff_format_parse(fmt, lines[i].p, lines[i].n, &rec) == FF_PARSE_OK)
			ok++;
	}
	ff_format_free(fmt);
	return ok;
}

/* Most lines are `preset` with more fields: finds the layout of trailing
 * fields most of them share and the format that reads it.  True when that
 * format reads most sample lines. */
static bool read_trailing(const ff_sv *lines, size_t n, const char *preset, ff_detection *d)
{
	char err[256];
	ff_format *fmt = ff_format_compile(preset, err, sizeof err);
	if (!fmt)
		return false;
	struct layout layouts[MAX_LAYOUTS];
	size_t n_layouts = 0;
	for (size_t i = 0; i < n; i++) {
		ff_record rec;
		size_t used = 0;
		if (ff_format_parse_prefix(fmt, lines[i].p, lines[i].n, &rec, &used) != FF_PARSE_TRAILING)
			continue;
		struct layout l;
		if (!split_trailing(ff_sv_make(lines[i].p + used, lines[i].n - used), &l))
			continue;
		size_t k = 0;
		while (k < n_layouts && (layouts[k].n != l.n || layouts[k].quoted != l.quoted))
			k++;
		if (k == n_layouts) {
			if (n_layouts == MAX_LAYOUTS)
				continue;
			layouts[n_layouts++] = l;
		} else {
			for (unsigned f = 0; f < l.n; f++)
				layouts[k].shapes[f] |= l.shapes[f];
		}
		layouts[k].lines++;
	}
	ff_format_free(fmt);
	size_t best = 0;
	for (size_t k = 1; k < n_layouts; k++)
		if (layouts[k].lines > layouts[best].lines)
			best = k;
	if (!n_layouts || 2 * layouts[best].lines <= d->sampled)
		return false;
	enum role roles[FF_DETECT_MAX_TRAILING];
	assign_roles(preset, &layouts[best], roles);
	char spec[sizeof d->spec];
	if (!layout_spec(preset, &layouts[best], roles, spec, sizeof spec))
		return false;
	size_t ok = reads(spec, lines, n);
	if (2 * ok <= d->sampled)
		return false;
	snprintf(d->spec, sizeof d->spec, "%s", spec);
	d->trailing = true;
	d->matched = ok;
	layout_note(preset, &layouts[best], roles, spec, d->note, sizeof d->note);
	return true;
}

/* Lines that start with '{' are JSON logs (SPEC §14): true when most
 * sample lines do; matched counts those that are one valid object. */
static bool detect_json(const ff_sv *lines, size_t n, ff_detection *d)
{
	size_t braces = 0, ok = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_blank(lines[i]))
			continue;
		d->sampled++;
		size_t j = 0;
		while (j < lines[i].n && (lines[i].p[j] == ' ' || lines[i].p[j] == '\t'))
			j++;
		if (lines[i].p[j] != '{')
			continue;
		braces++;
		if (ff_json_line_scan(NULL, lines[i].p, lines[i].n, NULL, 0))
			ok++;
	}
	if (2 * braces <= d->sampled)
		return false;
	d->preset = "json";
	d->matched = ok;
	snprintf(d->spec, sizeof d->spec, "json");
	if (ok == 0)
		snprintf(d->note, sizeof d->note,
			 "log format: the first %zu lines start with '{' but none is one valid JSON object, so they are "
			 "counted invalid", d->sampled);
	else if (2 * ok < d->sampled)
		snprintf(d->note, sizeof d->note,
			 "log format: only %zu of the first %zu lines are valid JSON objects; the others are counted "
			 "invalid", ok, d->sampled);
	return true;
}

int ff_detect_lines(const ff_sv *lines, size_t n, ff_detection *d, char *err, size_t errsz)
{
	memset(d, 0, sizeof *d);
	d->preset = "combined";
	if (detect_json(lines, n, d))
		return 0;
	d->sampled = 0;
	size_t best_ok = 0, best_prefix = 0, n_presets = 0;
	const char *prefix_preset = NULL;
	while (ff_format_presets[n_presets])
		n_presets++;

	/* result[p * n + i]: preset p on line i */
	unsigned char *result = malloc(n_presets * (n ? n : 1));
	bool *ok_somewhere = calloc(n ? n : 1, sizeof *ok_somewhere);
	if (!result || !ok_somewhere) {
		free(result), free(ok_somewhere);
		if (err && errsz)
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
			prefix_preset = ff_format_presets[p];
		}
	}
	free(result);
	free(ok_somewhere);
	d->matched = best_ok;
	/* A combined line is also a common line with more fields: only when
	 * most lines match no preset whole are the extra fields the format. */
	if (prefix_preset && 2 * best_prefix > d->sampled && 2 * best_ok <= d->sampled) {
		d->prefix_matched = best_prefix;
		if (read_trailing(lines, n, prefix_preset, d)) {
			d->preset = prefix_preset;
			return 0;
		}
		d->prefix_preset = prefix_preset;
		snprintf(d->note, sizeof d->note,
			 "log format: most of the first %zu lines are the %s format followed by more fields that differ "
			 "from line to line, so they are counted invalid: give the format with --log-format",
			 d->sampled, prefix_preset);
	} else if (d->sampled && best_ok == 0) {
		snprintf(d->note, sizeof d->note,
			 "log format: no built-in format matches the first %zu lines, so they are counted invalid: "
			 "give the format with --log-format", d->sampled);
	} else if (2 * best_ok < d->sampled) {
		snprintf(d->note, sizeof d->note,
			 "log format: only %zu of the first %zu lines match the %s format, the best fit; the others "
			 "are counted invalid", best_ok, d->sampled, d->preset);
	}
	snprintf(d->spec, sizeof d->spec, "%s", d->preset);
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
