/* test_tz.c — time zones from TZif bytes: a hand-made "slim" file whose
 * only rule is the footer, a version 1 file with explicit transitions,
 * names that must not leave the zone directory, and (when tzdata is
 * installed) agreement with the C library's localtime_r on every hour of
 * several years in zones north and south of the equator. */
#include "check.h"
#include "tz.h"

#include <stdlib.h>
#include <time.h>

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
	p[3] = (unsigned char)v;
	return 4;
}

/* A TZif header with the given counts. */
static size_t header(unsigned char *p, char version, uint32_t timecnt, uint32_t typecnt, uint32_t charcnt)
{
	memset(p, 0, 44);
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)version;
	put32(p + 32, timecnt);
	put32(p + 36, typecnt);
	put32(p + 40, charcnt);
	return 44;
}

static int32_t offset_at(const ff_tz *tz, int64_t t)
{
	int64_t from, until;
	int32_t off = ff_tz_lookup(tz, t, &from, &until);
	CHECK(from <= t && t < until);
	return off;
}

/* Every hour from y0 to y1 against localtime_r in zone. */
static void against_libc(const char *zone, int y0, int y1)
{
	char err[256];
	ff_tz *tz = ff_tz_load(zone, err, sizeof err);
	if (!tz) {
		fprintf(stderr, "test_tz: %s: %s (skipped)\n", zone, err);
		return;
	}
	setenv("TZ", zone, 1);
	tzset();
	ff_tz_cache c = { .tz = tz };
	int64_t t0 = (int64_t)(y0 - 1970) * 31556952, t1 = (int64_t)(y1 - 1970) * 31556952;
	unsigned bad = 0;
	for (int64_t t = t0; t < t1; t += 1800) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		if (ff_tz_offset(&c, t) != tm.tm_gmtoff && bad++ < 3)
			fprintf(stderr, "%s at %lld: %d, libc %ld\n", zone, (long long)t, ff_tz_offset(&c, t), tm.tm_gmtoff);
	}
	CHECK_INT(bad, 0);
	ff_tz_free(tz);
}

int main(void)
{
	unsigned char buf[512];
	char err[256];

	/* slim: a version 2 file with no transitions, one type, and the rule in
	 * the footer */
	size_t n = header(buf, '2', 0, 1, 4);
	n += put32(buf + n, 3600), buf[n++] = 0, buf[n++] = 0; /* type 0: CET */
	memcpy(buf + n, "CET", 4), n += 4;
	n += header(buf + n, '2', 0, 1, 4);
	n += put32(buf + n, 3600), buf[n++] = 0, buf[n++] = 0;
	memcpy(buf + n, "CET", 4), n += 4;
	const char *footer = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
	memcpy(buf + n, footer, strlen(footer)), n += strlen(footer);
	ff_tz *tz = ff_tz_from_bytes(buf, n, err, sizeof err);
	CHECK(tz != NULL);
	if (tz) {
		/* 2026-03-29 01:00:00Z: clocks go from 02:00 CET to 03:00 CEST */
		int64_t spring = 1774746000, autumn = 1792890000; /* 2026-10-25 01:00:00Z */
		CHECK_INT(offset_at(tz, spring - 1), 3600);
		CHECK_INT(offset_at(tz, spring), 7200);
		CHECK_INT(offset_at(tz, autumn - 1), 7200);
		CHECK_INT(offset_at(tz, autumn), 3600);
		CHECK_INT(offset_at(tz, 0), 3600);
		/* a cache answers the same, across the change and back */
		ff_tz_cache c = { .tz = tz };
		CHECK_INT(ff_tz_offset(&c, spring - 1), 3600);
		CHECK_INT(ff_tz_offset(&c, spring), 7200);
		CHECK_INT(ff_tz_offset(&c, spring + 86400), 7200);
		CHECK_INT(ff_tz_offset(&c, spring - 7200), 3600);
		ff_tz_free(tz);
	}

	/* version 1: two explicit transitions, no footer */
	n = header(buf, '\0', 2, 2, 8);
	n += put32(buf + n, 1000);
	n += put32(buf + n, 2000);
	buf[n++] = 1, buf[n++] = 0;
	n += put32(buf + n, (uint32_t)-18000), buf[n++] = 0, buf[n++] = 0;
	n += put32(buf + n, (uint32_t)-14400), buf[n++] = 1, buf[n++] = 4;
	memcpy(buf + n, "EST\0EDT", 8), n += 8;
	tz = ff_tz_from_bytes(buf, n, err, sizeof err);
	CHECK(tz != NULL);
	if (tz) {
		CHECK_INT(offset_at(tz, 999), -18000);
		CHECK_INT(offset_at(tz, 1000), -14400);
		CHECK_INT(offset_at(tz, 1999), -14400);
		CHECK_INT(offset_at(tz, 2000), -18000);
		CHECK_INT(offset_at(tz, INT64_MAX / 2), -18000);
		ff_tz_free(tz);
	}

	/* damaged files are refused, not misread */
	CHECK(ff_tz_from_bytes((const unsigned char *)"TZif2", 5, err, sizeof err) == NULL);
	CHECK(ff_tz_from_bytes(buf, n - 9, err, sizeof err) == NULL);
	CHECK(strstr(err, "truncated") != NULL);
	buf[44 + 8] = 7; /* a transition to a type that does not exist */
	CHECK(ff_tz_from_bytes(buf, n, err, sizeof err) == NULL);

	/* names stay inside the zone directory */
	CHECK(ff_tz_load("../../etc/passwd", err, sizeof err) == NULL);
	CHECK(strstr(err, "unknown time zone '../../etc/passwd'") != NULL);
	CHECK(ff_tz_load("/etc/localtime", err, sizeof err) == NULL);
	CHECK(ff_tz_load("Europe/./Berlin", err, sizeof err) == NULL);
	CHECK(ff_tz_load("", err, sizeof err) == NULL);
	CHECK(ff_tz_load("Mars/Olympus_Mons", err, sizeof err) == NULL);

	against_libc("Europe/Berlin", 1975, 2045);
	against_libc("America/New_York", 1990, 2045);
	against_libc("Australia/Sydney", 1990, 2045);
	against_libc("America/Sao_Paulo", 2010, 2030);
	against_libc("Asia/Kolkata", 1990, 2030);
	against_libc("Pacific/Chatham", 2000, 2045);
	against_libc("UTC", 2000, 2002);
	return CHECK_DONE("test_tz");
}
