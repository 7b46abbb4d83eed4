/* tz.c — TZif files (RFC 8536) to a sorted table of (instant, offset)
 * transitions.  The footer's POSIX TZ rule, which governs instants after
 * the last transition written in the file (all of them in a "slim" file),
 * is expanded into explicit transitions up to the year RULE_YEARS_END, so
 * a lookup is one binary search whatever the file's flavour. */
#include "tz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftime.h"

/* Transitions from the footer rule are written out to this year; later
 * instants keep the last offset. */
#define RULE_YEARS_END 2200
#define TZIF_MAX (1u << 20) /* the largest zone file is some 4 KiB */

struct ff_tz {
	char *name;
	int32_t first_offset; /* before the first transition */
	size_t n;
	int64_t *at;     /* sorted instants of the transitions */
	int32_t *offset; /* the offset from at[i] on */
};

static int fail(char *err, size_t errsz, const char *msg)
{
	snprintf(err, errsz, "%s", msg);
	return -1;
}

static int push(ff_tz *tz, size_t *cap, int64_t at, int32_t offset)
{
	if (tz->n && at <= tz->at[tz->n - 1])
		return 0; /* out of order or repeated: the file's own data wins */
	if (tz->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		int64_t *a = realloc(tz->at, c * sizeof *a);
		if (!a)
			return -1;
		tz->at = a;
		int32_t *o = realloc(tz->offset, c * sizeof *o);
		if (!o)
			return -1;
		tz->offset = o;
		*cap = c;
	}
	tz->at[tz->n] = at;
	tz->offset[tz->n] = offset;
	tz->n++;
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* --- the footer: a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" */

struct rule_date {
	char kind; /* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' (month.week.day) */
	int a, b, c;
	int32_t time; /* seconds after local midnight, may be negative */
};

struct posix_tz {
	int32_t std, dst; /* offsets east of UTC */
	bool has_dst, has_rules;
	struct rule_date start, end;
};

static bool parse_num(const char **s, int lo, int hi, int *out)
{
	const char *p = *s;
	int v = 0;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > hi)
			return false;
	}
	if (v < lo)
		return false;
	*s = p;
	*out = v;
	return true;
}

static bool parse_zone_name(const char **s)
{
	const char *p = *s;
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		if (*p != '>')
			return false;
		*s = p + 1;
		return true;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	if (p - *s < 3)
		return false;
	*s = p;
	return true;
}

/* [+-]hh[:mm[:ss]], hours up to max_h; seconds. */
static bool parse_hms(const char **s, int max_h, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (**s == '+' || **s == '-')
		sign = *(*s)++ == '-' ? -1 : 1;
	if (!parse_num(s, 0, max_h, &h))
		return false;
	if (**s == ':') {
		(*s)++;
		if (!parse_num(s, 0, 59, &m))
			return false;
		if (**s == ':') {
			(*s)++;
			if (!parse_num(s, 0, 59, &sec))
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

static bool parse_rule_date(const char **s, struct rule_date *d)
{
	if (**s == 'M') {
		(*s)++;
		d->kind = 'M';
		if (!parse_num(s, 1, 12, &d->a) || *(*s)++ != '.' || !parse_num(s, 1, 5, &d->b) || *(*s)++ != '.' ||
		    !parse_num(s, 0, 6, &d->c))
			return false;
	} else if (**s == 'J') {
		(*s)++;
		d->kind = 'J';
		if (!parse_num(s, 1, 365, &d->a))
			return false;
	} else {
		d->kind = 'D';
		if (!parse_num(s, 0, 365, &d->a))
			return false;
	}
	d->time = 7200;
	if (**s == '/') {
		(*s)++;
		/* RFC 8536 allows -167..167 hours here */
		if (!parse_hms(s, 167, &d->time))
			return false;
	}
	return true;
}

static bool parse_posix(const char *s, struct posix_tz *z)
{
	memset(z, 0, sizeof *z);
	int32_t west;
	if (!parse_zone_name(&s) || !parse_hms(&s, 24, &west))
		return false;
	z->std = -west;
	if (!*s)
		return true;
	if (!parse_zone_name(&s))
		return false;
	z->has_dst = true;
	z->dst = z->std + 3600;
	if (*s && *s != ',') {
		if (!parse_hms(&s, 24, &west))
			return false;
		z->dst = -west;
	}
	if (!*s)
		return true; /* DST named without rules: no transitions known */
	if (*s++ != ',' || !parse_rule_date(&s, &z->start) || *s++ != ',' || !parse_rule_date(&s, &z->end) || *s)
		return false;
	z->has_rules = true;
	return true;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day (since the epoch) a rule names in year y. */
static int64_t rule_day(const struct rule_date *d, int64_t y)
{
	int64_t jan1 = ff_days_from_civil(y, 1, 1);
	if (d->kind == 'J')
		return jan1 + d->a - 1 + (is_leap(y) && d->a >= 60 ? 1 : 0);
	if (d->kind == 'D')
		return jan1 + d->a;
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned mlen = mdays[d->a - 1] + (d->a == 2 && is_leap(y) ? 1 : 0);
	int64_t first = ff_days_from_civil(y, (unsigned)d->a, 1);
	/* 1970-01-01 was a Thursday (4 counting Sunday as 0) */
	int64_t wd = ((first + 4) % 7 + 7) % 7;
	int64_t day = (d->c - wd + 7) % 7 + (int64_t)(d->b - 1) * 7;
	while (day >= mlen)
		day -= 7;
	return first + day;
}

/* The footer's transitions of the years after the file's last one. */
static int expand_rule(ff_tz *tz, size_t *cap, const struct posix_tz *z)
{
	int32_t last = tz->n ? tz->offset[tz->n - 1] : tz->first_offset;
	if (!z->has_dst || !z->has_rules) {
		if (!tz->n)
			tz->first_offset = z->std;
		else if (z->std != last && push(tz, cap, tz->at[tz->n - 1] + 1, z->std) != 0)
			return -1;
		return 0;
	}
	int64_t y0 = 1970;
	if (tz->n) {
		int64_t y;
		unsigned m, d;
		ff_civil_from_days(tz->at[tz->n - 1] / 86400, &y, &m, &d);
		y0 = y;
	}
	for (int64_t y = y0; y <= RULE_YEARS_END; y++) {
		/* the start is written in standard time, the end in DST */
		int64_t start = rule_day(&z->start, y) * 86400 + z->start.time - z->std;
		int64_t end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst;
		int64_t t1 = start < end ? start : end, t2 = start < end ? end : start;
		int32_t o1 = start < end ? z->dst : z->std, o2 = start < end ? z->std : z->dst;
		if (push(tz, cap, t1, o1) != 0 || push(tz, cap, t2, o2) != 0)
			return -1;
	}
	return 0;
}

/* --- the file --------------------------------------------------------- */

struct header {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static bool read_header(const unsigned char *p, size_t n, struct header *h, char *version)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return h->typecnt > 0 && h->typecnt <= 256 && h->timecnt <= TZIF_MAX && h->charcnt <= TZIF_MAX &&
	       h->leapcnt <= TZIF_MAX && h->isutcnt <= 256 && h->isstdcnt <= 256;
}

static size_t block_size(const struct header *h, size_t tsize)
{
	return h->timecnt * tsize + h->timecnt + h->typecnt * 6u + h->charcnt + h->leapcnt * (tsize + 4) + h->isstdcnt +
	       h->isutcnt;
}

ff_tz *ff_tz_from_bytes(const unsigned char *p, size_t n, char *err, size_t errsz)
{
	struct header h;
	char version;
	if (!read_header(p, n, &h, &version))
		return fail(err, errsz, "not a time zone file (TZif)"), NULL;
	size_t tsize = 4;
	const unsigned char *end = p + n;
	const unsigned char *data = p + 44;
	if (version >= '2') {
		/* skip the 32-bit block: the 64-bit one follows with its own header */
		size_t skip = block_size(&h, 4);
		if (skip > (size_t)(end - data))
			return fail(err, errsz, "truncated time zone file"), NULL;
		const unsigned char *h2 = data + skip;
		char v2;
		if (!read_header(h2, (size_t)(end - h2), &h, &v2))
			return fail(err, errsz, "not a time zone file (TZif)"), NULL;
		data = h2 + 44;
		tsize = 8;
	}
	if (block_size(&h, tsize) > (size_t)(end - data))
		return fail(err, errsz, "truncated time zone file"), NULL;
	const unsigned char *times = data;
	const unsigned char *idx = times + h.timecnt * tsize;
	const unsigned char *types = idx + h.timecnt;
	const unsigned char *footer = data + block_size(&h, tsize);

	ff_tz *tz = calloc(1, sizeof *tz);
	if (!tz)
		return fail(err, errsz, "out of memory"), NULL;
	size_t cap = 0;
	tz->first_offset = (int32_t)be32(types); /* time type 0 (RFC 8536 3.2) */
	for (uint32_t i = 0; i < h.timecnt; i++) {
		int64_t at = tsize == 8 ? be64(times + i * 8u) : (int64_t)(int32_t)be32(times + i * 4u);
		if (idx[i] >= h.typecnt) {
			ff_tz_free(tz);
			return fail(err, errsz, "corrupt time zone file"), NULL;
		}
		int32_t off = (int32_t)be32(types + idx[i] * 6u);
		if (off < -25 * 3600 || off > 26 * 3600) {
			ff_tz_free(tz);
			return fail(err, errsz, "corrupt time zone file"), NULL;
		}
		if (push(tz, &cap, at, off) != 0) {
			ff_tz_free(tz);
			return fail(err, errsz, "out of memory"), NULL;
		}
	}
	/* the footer: "\n" POSIX-TZ "\n" (version 2 and later) */
	if (tsize == 8 && footer < end && *footer == '\n') {
		const unsigned char *nl = memchr(footer + 1, '\n', (size_t)(end - footer - 1));
		char rule[128];
		size_t len = nl ? (size_t)(nl - footer - 1) : 0;
		struct posix_tz z;
		if (nl && len > 0 && len < sizeof rule) {
			memcpy(rule, footer + 1, len);
			rule[len] = '\0';
			if (parse_posix(rule, &z) && expand_rule(tz, &cap, &z) != 0) {
				ff_tz_free(tz);
				return fail(err, errsz, "out of memory"), NULL;
			}
		}
	}
	return tz;
}

/* An IANA name is a relative path of plain components: nothing that could
 * climb out of the zone directory. */
static bool good_name(const char *name)
{
	if (!*name || *name == '/' || strlen(name) > 255)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '/' ||
		      *c == '_' || *c == '-' || *c == '+' || *c == '.'))
			return false;
	for (const char *c = name; *c;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if (len == 0 || (c[0] == '.' && (len == 1 || (len == 2 && c[1] == '.'))))
			return false;
		c += len + (slash ? 1 : 0);
	}
	return true;
}

ff_tz *ff_tz_load(const char *name, char *err, size_t errsz)
{
	char unknown[400];
	snprintf(unknown, sizeof unknown,
		 "unknown time zone '%.64s' (give an IANA name such as Europe/Berlin or UTC; is tzdata installed?)", name);
	if (!good_name(name))
		return fail(err, errsz, unknown), NULL;
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return fail(err, errsz, unknown), NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errsz, unknown), NULL;
	unsigned char *buf = malloc(TZIF_MAX);
	if (!buf) {
		fclose(f);
		return fail(err, errsz, "out of memory"), NULL;
	}
	size_t n = fread(buf, 1, TZIF_MAX, f);
	bool bad = ferror(f) != 0;
	fclose(f);
	ff_tz *tz = NULL;
	char why[128];
	if (bad)
		snprintf(why, sizeof why, "a directory, or unreadable");
	if (bad || !(tz = ff_tz_from_bytes(buf, n, why, sizeof why)))
		snprintf(err, errsz, "unknown time zone '%.64s' (%s)", name, why);
	free(buf);
	if (tz && !(tz->name = strdup(name))) {
		ff_tz_free(tz);
		return fail(err, errsz, "out of memory"), NULL;
	}
	return tz;
}

void ff_tz_free(ff_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->at);
	free(tz->offset);
	free(tz);
}

const char *ff_tz_name(const ff_tz *tz)
{
	return tz->name ? tz->name : "";
}

int32_t ff_tz_lookup(const ff_tz *tz, int64_t t, int64_t *from, int64_t *until)
{
	/* the last transition at or before t */
	size_t lo = 0, hi = tz->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo ? tz->at[lo - 1] : INT64_MIN;
	*until = lo < tz->n ? tz->at[lo] : INT64_MAX;
	return lo ? tz->offset[lo - 1] : tz->first_offset;
}
