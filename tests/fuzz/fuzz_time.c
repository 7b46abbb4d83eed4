/* fuzz_time.c — the time parsers (CLF, ISO 8601, epoch seconds) and the
 * round trip through ISO 8601.
 *
 * The first byte picks the parser; the rest is the text.  Whatever a parser
 * accepts is written back with ff_time_format_iso8601 and read again with
 * ff_time_parse_iso8601: the same instant and offset must come back, the
 * text must be the fixed 25 bytes, and its wall-clock date must be the one
 * ff_time_local_days gives. */
#include <stdlib.h>
#include <string.h>

#include "fftime.h"
#include "fuzz.h"

static void round_trip(ff_time tm)
{
	char buf[FF_ISO8601_LEN + 1];
	size_t n = ff_time_format_iso8601(tm, buf);
	FUZZ_ASSERT(n == FF_ISO8601_LEN);
	FUZZ_ASSERT(strlen(buf) == FF_ISO8601_LEN);
	ff_time back;
	memset(&back, 0, sizeof back);
	FUZZ_ASSERT(ff_time_parse_iso8601(ff_sv_make(buf, n), &back));
	FUZZ_ASSERT(back.t == tm.t);
	FUZZ_ASSERT(back.offset == tm.offset);
	/* The date written is the instant's own wall-clock day. */
	int64_t y;
	unsigned mo, d;
	ff_civil_from_days(ff_time_local_days(tm), &y, &mo, &d);
	FUZZ_ASSERT(ff_days_from_civil(y, mo, d) == ff_time_local_days(tm));
	FUZZ_ASSERT(ff_is_valid_date(y, mo, d));
	char date[16];
	snprintf(date, sizeof date, "%04lld-%02u-%02u", (long long)y, mo, d);
	FUZZ_ASSERT(memcmp(date, buf, 10) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned which = data[0] % 3;
	/* An exact-size copy: a parser reading past the text is caught. */
	size_t n = size - 1;
	char *text = malloc(n ? n : 1);
	if (!text)
		return 0;
	if (n)
		memcpy(text, data + 1, n);
	ff_sv s = ff_sv_make(text, n);

	ff_time tm, untouched;
	memset(&tm, 0xa5, sizeof tm);
	untouched = tm;
	bool ok;
	switch (which) {
	case 0: ok = ff_time_parse_clf(s, &tm); break;
	case 1: ok = ff_time_parse_iso8601(s, &tm); break;
	default: ok = ff_time_parse_epoch(s, &tm); break;
	}
	if (!ok) {
		/* A refused text leaves the result as it was (fftime.h). */
		FUZZ_ASSERT(memcmp(&tm, &untouched, sizeof tm) == 0);
	} else {
		FUZZ_ASSERT(tm.usec >= 0 && tm.usec < 1000000);
		FUZZ_ASSERT(tm.offset > -86400 && tm.offset < 86400);
		if (which == 0) {
			/* CLF is exact: 26 bytes, no fraction, and written back
			 * the date and clock are the ones read. */
			FUZZ_ASSERT(n == 26 && tm.usec == 0);
			char buf[FF_ISO8601_LEN + 1];
			ff_time_format_iso8601(tm, buf);
			FUZZ_ASSERT(memcmp(buf + 11, text + 12, 8) == 0);
			FUZZ_ASSERT(memcmp(buf, text + 7, 4) == 0);
			FUZZ_ASSERT(memcmp(buf + 8, text, 2) == 0);
		}
		round_trip(tm);
	}
	free(text);
	return 0;
}
