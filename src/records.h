/* records.h — `footfall records`: one output row per valid request.
 *
 * Column names are the record field names of SPEC §12; they are an
 * interface scripts rely on.  The writer escapes every value itself (TSV
 * backslash escapes, RFC 4180 CSV with formula neutralising, JSON). */
#ifndef FF_RECORDS_H
#define FF_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

enum ff_rfield {
	FF_R_FILE,
	FF_R_LINE,
	FF_R_CLIENT,
	FF_R_TIME,
	FF_R_METHOD,
	FF_R_TARGET,
	FF_R_PATH,
	FF_R_QUERY,
	FF_R_PROTOCOL,
	FF_R_STATUS,
	FF_R_BYTES,
	FF_R_REFERER,
	FF_R_USER_AGENT,
	FF_R_VHOST,
	FF_R_DURATION,
	FF_R_FORWARDED,
	FF_R_BOT,
	FF_R_STATIC,
	FF_R_PAGEVIEW,
	FF_R_BROWSER,
	FF_R_BROWSER_MAJOR,
	FF_R_BROWSER_MINOR,
	FF_R_OS,
	FF_R_OS_MAJOR,
	FF_R_DEVICE,
	FF_R_DEVICE_TYPE,
	FF_R_VISIT,
	FF_R_VISIT_START,
	FF_R_SOURCE,
	FF_R_COUNTRY,
	FF_R_COUNT
};

/* What classification said of a row's request (SPEC §3, §12). */
typedef struct ff_records_class {
	bool bot, is_static, pageview;
	ff_sv browser, browser_major, browser_minor, os, os_major, device;
	const char *device_type;
	bool has_visit;      /* a pageview: visit and visit_start apply */
	uint64_t visit_id;
	bool visit_start;
	const char *source;  /* the visit's source, NULL when unknown */
	ff_sv country;       /* ISO 3166 code or "-" (SPEC §14); empty view:
				no database, the field is null */
} ff_records_class;

enum ff_records_format { FF_RECORDS_TSV, FF_RECORDS_CSV, FF_RECORDS_JSONL };

#define FF_RECORDS_MAX_FIELDS 64

typedef struct ff_records_spec {
	enum ff_records_format format;
	enum ff_rfield fields[FF_RECORDS_MAX_FIELDS];
	size_t n_fields;
	bool header;
	bool csv_raw; /* do not neutralise spreadsheet formulas */
	bool anonymize; /* client truncated (SPEC §11) */
} ff_records_spec;

const char *ff_rfield_name(enum ff_rfield f);

/* Parses "a,b,c" into spec->fields.  Returns 0, or -1 with the offending
 * name in err. */
int ff_records_parse_fields(const char *list, ff_records_spec *spec, char *err, size_t errsz);

/* The default columns for a format that fills the FF_HAS() bits in has. */
void ff_records_default_fields(uint32_t has, ff_records_spec *spec);

void ff_records_header(FILE *f, const ff_records_spec *spec);
/* cls NULL: the classification columns are empty (null in JSON). */
void ff_records_row(FILE *f, const ff_records_spec *spec, const char *file, uint64_t line, const ff_record *rec,
		    const ff_records_class *cls);
/* Whether any selected column needs classification / visits. */
bool ff_records_need_class(const ff_records_spec *spec);
bool ff_records_need_visits(const ff_records_spec *spec);
bool ff_records_has_field(const ff_records_spec *spec, enum ff_rfield field);

#endif
