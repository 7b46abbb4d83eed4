/* records.c — rows of `footfall records`.  Runs once per valid line, so it
 * writes straight to the stdio buffer: no allocation, no intermediate
 * string.  A field the line's format does not have is empty (null in
 * JSON).  Text cells are escaped as the csv and tsv reports escape them
 * (ff_csv_cell), and as JSON strings in jsonl. */
#include "records.h"

#include <inttypes.h>

#include "jsonw.h"
#include "privacy.h"
#include "render.h"

static const char *const field_names[FF_R_COUNT] = {
	[FF_R_FILE] = "file",
	[FF_R_LINE] = "line",
	[FF_R_CLIENT] = "client",
	[FF_R_TIME] = "time",
	[FF_R_METHOD] = "method",
	[FF_R_TARGET] = "target",
	[FF_R_PATH] = "path",
	[FF_R_QUERY] = "query",
	[FF_R_PROTOCOL] = "protocol",
	[FF_R_STATUS] = "status",
	[FF_R_BYTES] = "bytes",
	[FF_R_REFERER] = "referer",
	[FF_R_USER_AGENT] = "user_agent",
	[FF_R_VHOST] = "vhost",
	[FF_R_DURATION] = "duration",
	[FF_R_FORWARDED] = "forwarded",
	[FF_R_BOT] = "bot",
	[FF_R_STATIC] = "static",
	[FF_R_PAGEVIEW] = "pageview",
	[FF_R_BROWSER] = "browser",
	[FF_R_BROWSER_MAJOR] = "browser_major",
	[FF_R_BROWSER_MINOR] = "browser_minor",
	[FF_R_OS] = "os",
	[FF_R_OS_MAJOR] = "os_major",
	[FF_R_DEVICE] = "device",
	[FF_R_DEVICE_TYPE] = "device_type",
	[FF_R_VISIT] = "visit",
	[FF_R_VISIT_START] = "visit_start",
	[FF_R_SOURCE] = "source",
	[FF_R_COUNTRY] = "country",
};

/* The record field each column needs from the format. */
static const int field_source[FF_R_COUNT] = {
	[FF_R_FILE] = -1,
	[FF_R_LINE] = -1,
	[FF_R_CLIENT] = FF_F_CLIENT,
	[FF_R_TIME] = FF_F_TIME,
	[FF_R_METHOD] = FF_F_METHOD,
	[FF_R_TARGET] = FF_F_TARGET,
	[FF_R_PATH] = FF_F_TARGET,
	[FF_R_QUERY] = FF_F_TARGET,
	[FF_R_PROTOCOL] = FF_F_PROTOCOL,
	[FF_R_STATUS] = FF_F_STATUS,
	[FF_R_BYTES] = FF_F_BYTES,
	[FF_R_REFERER] = FF_F_REFERER,
	[FF_R_USER_AGENT] = FF_F_USER_AGENT,
	[FF_R_VHOST] = FF_F_VHOST,
	[FF_R_DURATION] = FF_F_DURATION,
	[FF_R_FORWARDED] = FF_F_FORWARDED,
	[FF_R_BOT] = -1,
	[FF_R_STATIC] = -1,
	[FF_R_PAGEVIEW] = -1,
	[FF_R_BROWSER] = -1,
	[FF_R_BROWSER_MAJOR] = -1,
	[FF_R_BROWSER_MINOR] = -1,
	[FF_R_OS] = -1,
	[FF_R_OS_MAJOR] = -1,
	[FF_R_DEVICE] = -1,
	[FF_R_DEVICE_TYPE] = -1,
	[FF_R_VISIT] = -1,
	[FF_R_VISIT_START] = -1,
	[FF_R_SOURCE] = -1,
	[FF_R_COUNTRY] = -1,
};

const char *ff_rfield_name(enum ff_rfield f)
{
	return (unsigned)f < FF_R_COUNT ? field_names[f] : "?";
}

int ff_records_parse_fields(const char *list, ff_records_spec *spec, char *err, size_t errsz)
{
	ff_sv rest = ff_sv_cstr(list);
	spec->n_fields = 0;
	while (rest.n) {
		ff_sv name = ff_sv_next_item(&rest, ',');
		size_t f;
		for (f = 0; f < FF_R_COUNT; f++)
			if (ff_sv_eq_cstr(name, field_names[f]))
				break;
		if (f == FF_R_COUNT) {
			snprintf(err, errsz, "unknown field '%.*s' (fields: file, line, client, time, method, target, path, query, protocol, status, bytes, referer, user_agent, vhost, duration, forwarded, bot, static, pageview, browser, browser_major, browser_minor, os, os_major, device, device_type, visit, visit_start, source, country)",
				 (int)(name.n > 64 ? 64 : name.n), name.p);
			return -1;
		}
		if (spec->n_fields == FF_RECORDS_MAX_FIELDS) {
			snprintf(err, errsz, "too many fields (at most %d)", FF_RECORDS_MAX_FIELDS);
			return -1;
		}
		spec->fields[spec->n_fields++] = (enum ff_rfield)f;
	}
	if (spec->n_fields == 0) {
		snprintf(err, errsz, "no fields given");
		return -1;
	}
	return 0;
}

void ff_records_default_fields(uint32_t has, ff_records_spec *spec)
{
	static const enum ff_rfield always[] = {
		FF_R_CLIENT, FF_R_TIME, FF_R_METHOD, FF_R_PATH, FF_R_QUERY,
		FF_R_PROTOCOL, FF_R_STATUS, FF_R_BYTES,
	};
	spec->n_fields = 0;
	for (size_t i = 0; i < sizeof always / sizeof *always; i++)
		spec->fields[spec->n_fields++] = always[i];
	if (has & FF_HAS(FF_F_REFERER))
		spec->fields[spec->n_fields++] = FF_R_REFERER;
	if (has & FF_HAS(FF_F_USER_AGENT))
		spec->fields[spec->n_fields++] = FF_R_USER_AGENT;
	if (has & FF_HAS(FF_F_VHOST))
		spec->fields[spec->n_fields++] = FF_R_VHOST;
	if (has & FF_HAS(FF_F_DURATION))
		spec->fields[spec->n_fields++] = FF_R_DURATION;
	if (has & FF_HAS(FF_F_FORWARDED))
		spec->fields[spec->n_fields++] = FF_R_FORWARDED;
}

static void text_value(FILE *f, const ff_records_spec *spec, ff_sv s)
{
	switch (spec->format) {
	case FF_RECORDS_TSV: ff_csv_cell(f, s, false, '\t'); break;
	case FF_RECORDS_CSV: ff_csv_cell(f, s, !spec->csv_raw, ','); break;
	case FF_RECORDS_JSONL: jsonw_string(f, s); break;
	}
}

static void number_value(FILE *f, uint64_t v)
{
	fprintf(f, "%" PRIu64, v);
}

/* Seconds with up to six decimals, trailing zeros dropped: 1.5, 0.000123. */
static void duration_value(FILE *f, uint64_t us)
{
	uint64_t frac = us % 1000000;
	if (frac == 0) {
		fprintf(f, "%" PRIu64, us / 1000000);
		return;
	}
	char digits[8];
	snprintf(digits, sizeof digits, "%06" PRIu64, frac);
	int n = 6;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	fprintf(f, "%" PRIu64 ".%.*s", us / 1000000, n, digits);
}

static void absent_value(FILE *f, const ff_records_spec *spec)
{
	if (spec->format == FF_RECORDS_JSONL)
		fputs("null", f);
}

void ff_records_header(FILE *f, const ff_records_spec *spec)
{
	if (!spec->header || spec->format == FF_RECORDS_JSONL)
		return;
	for (size_t i = 0; i < spec->n_fields; i++) {
		if (i)
			putc(spec->format == FF_RECORDS_TSV ? '\t' : ',', f);
		fputs(field_names[spec->fields[i]], f);
	}
	putc('\n', f);
}

bool ff_records_has_field(const ff_records_spec *spec, enum ff_rfield field)
{
	for (size_t i = 0; i < spec->n_fields; i++)
		if (spec->fields[i] == field)
			return true;
	return false;
}

bool ff_records_need_visits(const ff_records_spec *spec)
{
	for (size_t i = 0; i < spec->n_fields; i++)
		if (spec->fields[i] == FF_R_VISIT || spec->fields[i] == FF_R_VISIT_START ||
		    spec->fields[i] == FF_R_SOURCE)
			return true;
	return false;
}

bool ff_records_need_class(const ff_records_spec *spec)
{
	for (size_t i = 0; i < spec->n_fields; i++)
		if (spec->fields[i] >= FF_R_BOT)
			return true;
	return false;
}

/* An X-Forwarded-For value holds addresses too: each one truncated, at
 * most as many as fit a line's worth of room. */
static void anonymized_list(FILE *f, const ff_records_spec *spec, ff_sv xff)
{
	char out[16 * (FF_ANON_MAX + 2)];
	size_t n = 0;
	ff_sv rest = xff;
	while (rest.n && n + FF_ANON_MAX + 2 <= sizeof out) {
		ff_sv item = ff_sv_next_item(&rest, ',');
		while (item.n && item.p[0] == ' ')
			item.p++, item.n--;
		while (item.n && item.p[item.n - 1] == ' ')
			item.n--;
		if (n)
			out[n++] = ',', out[n++] = ' ';
		n += ff_anonymize_client(item, out + n);
	}
	text_value(f, spec, ff_sv_make(out, n));
}

/* true/false: a JSON literal, and plain words in tsv and csv. */
static void bool_value(FILE *f, bool v)
{
	fputs(v ? "true" : "false", f);
}

void ff_records_row(FILE *f, const ff_records_spec *spec, const char *file, uint64_t line, const ff_record *rec,
		    const ff_records_class *cls)
{
	bool json = spec->format == FF_RECORDS_JSONL;
	char sep = spec->format == FF_RECORDS_TSV ? '\t' : ',';
	char tbuf[FF_ISO8601_LEN + 1];

	if (json)
		putc('{', f);
	for (size_t i = 0; i < spec->n_fields; i++) {
		enum ff_rfield fld = spec->fields[i];
		if (json) {
			fputs(i ? ",\"" : "\"", f);
			fputs(field_names[fld], f);
			fputs("\":", f);
		} else if (i) {
			putc(sep, f);
		}
		int src = field_source[fld];
		uint32_t needs = src < 0 ? 0 : FF_HAS(src);
		/* a line whose request field is "-" still has an (empty)
		 * method, target and protocol */
		if (src == FF_F_METHOD || src == FF_F_TARGET || src == FF_F_PROTOCOL)
			needs |= FF_HAS(FF_F_REQUEST);
		if ((src >= 0 && !(rec->has & needs)) || (fld >= FF_R_BOT && !cls) ||
		    ((fld == FF_R_VISIT || fld == FF_R_SOURCE) && !cls->has_visit) ||
		    (fld == FF_R_SOURCE && !cls->source) || (fld == FF_R_COUNTRY && !cls->country.n)) {
			absent_value(f, spec);
			continue;
		}
		switch (fld) {
		case FF_R_FILE: text_value(f, spec, ff_sv_cstr(file)); break;
		case FF_R_LINE: number_value(f, line); break;
		case FF_R_CLIENT:
			if (spec->anonymize) {
				char anon[FF_ANON_MAX];
				size_t n = ff_anonymize_client(rec->client, anon);
				text_value(f, spec, ff_sv_make(anon, n));
			} else {
				text_value(f, spec, rec->client);
			}
			break;
		case FF_R_TIME:
			ff_time_format_iso8601(rec->time, tbuf);
			if (json)
				jsonw_cstring(f, tbuf);
			else
				fputs(tbuf, f);
			break;
		case FF_R_METHOD: text_value(f, spec, rec->method); break;
		case FF_R_TARGET: text_value(f, spec, rec->target); break;
		case FF_R_PATH: text_value(f, spec, rec->path); break;
		case FF_R_QUERY: text_value(f, spec, rec->query); break;
		case FF_R_PROTOCOL: text_value(f, spec, rec->protocol); break;
		case FF_R_STATUS: number_value(f, rec->status); break;
		case FF_R_BYTES: number_value(f, rec->bytes); break;
		case FF_R_REFERER: text_value(f, spec, rec->referer); break;
		case FF_R_USER_AGENT: text_value(f, spec, rec->user_agent); break;
		case FF_R_VHOST: text_value(f, spec, rec->vhost); break;
		case FF_R_DURATION: duration_value(f, rec->duration_us); break;
		case FF_R_FORWARDED:
			if (spec->anonymize)
				anonymized_list(f, spec, rec->forwarded);
			else
				text_value(f, spec, rec->forwarded);
			break;
		case FF_R_BOT: bool_value(f, cls->bot); break;
		case FF_R_STATIC: bool_value(f, cls->is_static); break;
		case FF_R_PAGEVIEW: bool_value(f, cls->pageview); break;
		case FF_R_BROWSER: text_value(f, spec, cls->browser); break;
		case FF_R_BROWSER_MAJOR: text_value(f, spec, cls->browser_major); break;
		case FF_R_BROWSER_MINOR: text_value(f, spec, cls->browser_minor); break;
		case FF_R_OS: text_value(f, spec, cls->os); break;
		case FF_R_OS_MAJOR: text_value(f, spec, cls->os_major); break;
		case FF_R_DEVICE: text_value(f, spec, cls->device); break;
		case FF_R_DEVICE_TYPE: text_value(f, spec, ff_sv_cstr(cls->device_type)); break;
		case FF_R_VISIT: number_value(f, cls->visit_id); break;
		case FF_R_VISIT_START: bool_value(f, cls->has_visit && cls->visit_start); break;
		case FF_R_SOURCE: text_value(f, spec, ff_sv_cstr(cls->source)); break;
		case FF_R_COUNTRY:
			/* a code or "-": footfall's own words, which CSV must not
			 * neutralise as it does log text starting with "-" */
			if (json)
				jsonw_string(f, cls->country);
			else
				fwrite(cls->country.p, 1, cls->country.n, f);
			break;
		case FF_R_COUNT: break;
		}
	}
	if (json)
		putc('}', f);
	putc('\n', f);
}
