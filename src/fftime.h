/* fftime.h — instants as written in access logs.
 *
 * An instant is seconds since the Unix epoch (UTC) plus the UTC offset the
 * log wrote it with, so reports can show the server's wall-clock time while
 * visits compare absolute instants.  Pure functions; no state, no locale. */
#ifndef FF_FFTIME_H
#define FF_FFTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "str.h"

typedef struct ff_time {
	int64_t t;      /* seconds since 1970-01-01T00:00:00Z */
	int32_t offset; /* seconds east of UTC as written (+0100 -> 3600) */
	int32_t usec;   /* sub-second part when the format had one, else 0 */
} ff_time;

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t ff_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Inverse of ff_days_from_civil. */
void ff_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
bool ff_is_valid_date(int64_t y, unsigned m, unsigned d);

/* Parses the Common Log Format time "dd/Mon/yyyy:HH:MM:SS +hhmm" (without
 * brackets) exactly as SPEC §13.6 says.  Returns false and leaves *out
 * untouched when the text is not a real calendar time. */
bool ff_time_parse_clf(ff_sv s, ff_time *out);

/* Parses ISO 8601 "yyyy-mm-ddTHH:MM:SS(+hh:mm|Z)" as Nginx $time_iso8601
 * writes it. */
bool ff_time_parse_iso8601(ff_sv s, ff_time *out);

/* Parses "seconds[.fraction]" since the epoch (Apache %{sec}t / %{msec_frac}t
 * style, Nginx $msec); offset is 0. */
bool ff_time_parse_epoch(ff_sv s, ff_time *out);

/* Writes "yyyy-mm-ddTHH:MM:SS+hh:mm" (25 bytes) plus a NUL into buf, in the
 * instant's own offset.  buf must hold FF_ISO8601_LEN + 1 bytes.  Returns the
 * length written. */
#define FF_ISO8601_LEN 25
size_t ff_time_format_iso8601(ff_time tm, char *buf);

/* The wall-clock date (yyyy-mm-dd) of an instant in its own offset. */
int64_t ff_time_local_days(ff_time tm);

#endif
