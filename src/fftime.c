/* fftime.c — calendar arithmetic and the time texts access logs write.
 *
 * Used by the line parser for every line (behind a per-format cache of the
 * last time text) and by the renderers to write instants back as ISO 8601.
 * Integer arithmetic only: no mktime, no time zone database, no locale. */
#include "fftime.h"

/* The latest instant footfall can write with a four-digit year. */
#define FF_EPOCH_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* Proleptic Gregorian calendar in 400-year eras of 146097 days, with years
 * starting on 1 March so that the leap day is the last day of a year (after
 * Howard Hinnant's "chrono-compatible low-level date algorithms"). */
int64_t ff_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                         /* [0, 399] */
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;   /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void ff_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool ff_is_valid_date(int64_t y, unsigned m, unsigned d)
{
	static const unsigned char mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1)
		return false;
	unsigned last = mdays[m - 1] + (m == 2 && is_leap(y));
	return d <= last;
}

/* n decimal digits at p, or -1 when one of them is not a digit. */
static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		unsigned c = (unsigned char)p[i] - '0';
		if (c > 9)
			return -1;
		v = v * 10 + (int)c;
	}
	return v;
}

/* 1-12 for an English month abbreviation written exactly "Jan".."Dec", 0
 * otherwise: logs are written in the C locale, so "NOV" is not a month. */
static unsigned month_number(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (unsigned i = 0; i < 12; i++)
		if (p[0] == names[3 * i] && p[1] == names[3 * i + 1] && p[2] == names[3 * i + 2])
			return i + 1;
	return 0;
}

/* Sign, hours and minutes of a UTC offset; colon says whether "hh:mm" or
 * "hhmm".  Hours 00-23 and minutes 00-59 (SPEC §13.6). */
static bool parse_offset(const char *p, bool colon, int32_t *out)
{
	if (p[0] != '+' && p[0] != '-')
		return false;
	int hh = digits(p + 1, 2);
	if (colon && p[3] != ':')
		return false;
	int mm = digits(p + (colon ? 4 : 3), 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return false;
	int32_t off = (int32_t)(hh * 3600 + mm * 60);
	*out = p[0] == '-' ? -off : off;
	return true;
}

static bool make_time(int y, unsigned mo, unsigned d, int hh, int mi, int ss, int32_t offset, ff_time *out)
{
	if (y < 0 || !ff_is_valid_date(y, mo, d))
		return false;
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return false;
	int64_t local = ff_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss;
	out->t = local - offset;
	out->offset = offset;
	out->usec = 0;
	return true;
}

/* "dd/Mon/yyyy:HH:MM:SS +hhmm": 26 bytes, every one checked. */
bool ff_time_parse_clf(ff_sv s, ff_time *out)
{
	const char *p = s.p;
	if (s.n != 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' || p[17] != ':' || p[20] != ' ')
		return false;
	unsigned mo = month_number(p + 3);
	int32_t offset;
	if (mo == 0 || !parse_offset(p + 21, false, &offset))
		return false;
	int d = digits(p, 2);
	if (d < 0)
		return false;
	return make_time(digits(p + 7, 4), mo, (unsigned)d, digits(p + 12, 2), digits(p + 15, 2), digits(p + 18, 2), offset, out);
}

/* Up to six digits of a decimal fraction as microseconds; further digits
 * are checked but dropped. */
static bool parse_fraction(ff_sv f, int32_t *usec)
{
	int32_t v = 0;
	if (f.n == 0)
		return false;
	for (size_t i = 0; i < f.n; i++) {
		unsigned c = (unsigned char)f.p[i] - '0';
		if (c > 9)
			return false;
		if (i < 6)
			v = v * 10 + (int32_t)c;
	}
	for (size_t i = f.n; i < 6; i++)
		v *= 10;
	*usec = v;
	return true;
}

/* "yyyy-mm-ddTHH:MM:SS" then an optional ".fraction" then "Z", "+hh:mm" or
 * "+hhmm". */
bool ff_time_parse_iso8601(ff_sv s, ff_time *out)
{
	const char *p = s.p;
	if (s.n < 20 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't') || p[13] != ':' || p[16] != ':')
		return false;
	size_t i = 19;
	int32_t usec = 0;
	if (p[i] == '.') {
		size_t start = ++i;
		while (i < s.n && (unsigned)((unsigned char)p[i] - '0') <= 9)
			i++;
		if (!parse_fraction(ff_sv_make(p + start, i - start), &usec))
			return false;
	}
	int32_t offset;
	size_t rest = s.n - i;
	if (rest == 1 && (p[i] == 'Z' || p[i] == 'z'))
		offset = 0;
	else if (!((rest == 6 && parse_offset(p + i, true, &offset)) || (rest == 5 && parse_offset(p + i, false, &offset))))
		return false;
	int mo = digits(p + 5, 2), d = digits(p + 8, 2);
	if (mo < 0 || d < 0)
		return false;
	ff_time tm;
	if (!make_time(digits(p, 4), (unsigned)mo, (unsigned)d, digits(p + 11, 2), digits(p + 14, 2), digits(p + 17, 2), offset, &tm))
		return false;
	tm.usec = usec;
	*out = tm;
	return true;
}

bool ff_time_parse_epoch(ff_sv s, ff_time *out)
{
	size_t dot = ff_sv_find(s, '.');
	uint64_t sec;
	int32_t usec = 0;
	if (!ff_sv_to_u64(ff_sv_sub(s, 0, dot), (uint64_t)FF_EPOCH_MAX, &sec))
		return false;
	if (dot < s.n && !parse_fraction(ff_sv_sub(s, dot + 1, s.n), &usec))
		return false;
	out->t = (int64_t)sec;
	out->offset = 0;
	out->usec = usec;
	return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t ff_time_local_days(ff_time tm)
{
	return floor_div(tm.t + tm.offset, 86400);
}

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

size_t ff_time_format_iso8601(ff_time tm, char *buf)
{
	int64_t local = tm.t + tm.offset;
	int64_t days = floor_div(local, 86400);
	unsigned sod = (unsigned)(local - days * 86400);
	int64_t y;
	unsigned mo, d;
	ff_civil_from_days(days, &y, &mo, &d);
	/* Instants come from four-digit years; keep the fixed width promised
	 * by FF_ISO8601_LEN even for one that does not. */
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	char *p = buf;
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, sod / 3600);
	*p++ = ':';
	p = put2(p, sod / 60 % 60);
	*p++ = ':';
	p = put2(p, sod % 60);
	int32_t off = tm.offset;
	*p++ = off < 0 ? '-' : '+';
	unsigned aoff = (unsigned)(off < 0 ? -(int64_t)off : off);
	p = put2(p, aoff / 3600 % 100);
	*p++ = ':';
	p = put2(p, aoff / 60 % 60);
	*p = '\0';
	return (size_t)(p - buf);
}
