/* filter.c — the ad-hoc filters of the command line.  Runs per valid line,
 * so a line that no filter concerns costs a few comparisons; regexes are
 * compiled once (JIT) and share one match-data block. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "filter.h"

#include <arpa/inet.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftime.h"

/* The work one filter regex may do on one line (PCRE2's match limit, in
 * its units; the depth limit bounds the interpreter when the JIT is not
 * there).  Well-formed regexes on paths of a few kilobytes need from 1 to a
 * few thousand; a catastrophically backtracking one stops after about a
 * tenth of a millisecond instead of running for years. */
#define FILTER_MATCH_LIMIT 100000u
#define FILTER_DEPTH_LIMIT 10000u

enum field { F_PATH, F_STATUS, F_METHOD, F_CLIENT, F_REFERER, F_USER_AGENT, F_VHOST };

static const char *const field_names[] = {
	[F_PATH] = "path", [F_STATUS] = "status", [F_METHOD] = "method", [F_CLIENT] = "client",
	[F_REFERER] = "referer", [F_USER_AGENT] = "user_agent", [F_VHOST] = "vhost",
};

struct match {
	enum field field;
	bool exclude;
	pcre2_code *re;
	char *text;
};

struct cidr {
	int family;
	unsigned char addr[16];
	unsigned bits;
	char *text;
};

/* A bound: an instant (has_offset) or a wall-clock time in seconds. */
struct bound {
	bool set, has_offset;
	int64_t t;
	char *text;
};

struct ff_filter {
	struct bound since, until;
	struct match *matches;
	size_t n_matches;
	struct cidr *cidrs;
	size_t n_cidrs;
	enum ff_bot_filter bots;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned long limit_hits;
	ff_tz_cache tz; /* tz.tz NULL: the line's own offset */
};

ff_filter *ff_filter_new(void)
{
	ff_filter *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->md = pcre2_match_data_create(1, NULL);
	f->mctx = pcre2_match_context_create(NULL);
	if (!f->md || !f->mctx) {
		ff_filter_free(f);
		return NULL;
	}
	pcre2_set_match_limit(f->mctx, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(f->mctx, FILTER_DEPTH_LIMIT);
	return f;
}

void ff_filter_free(ff_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_matches; i++) {
		pcre2_code_free(f->matches[i].re);
		free(f->matches[i].text);
	}
	for (size_t i = 0; i < f->n_cidrs; i++)
		free(f->cidrs[i].text);
	free(f->matches);
	free(f->cidrs);
	free(f->since.text);
	free(f->until.text);
	pcre2_match_data_free(f->md);
	pcre2_match_context_free(f->mctx);
	free(f);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Parses the bound; *date_only tells whether only a date was given. */
static int parse_bound(const char *s, struct bound *b, bool *date_only)
{
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s), i = 10;
	if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !ff_is_valid_date(y, mo, d))
		return -1;
	*date_only = n == 10;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || s[13] != ':' || !digits(s + 11, 2, &h) ||
		    !digits(s + 14, 2, &mi))
			return -1;
		i = 16;
		if (n >= 19 && s[16] == ':') {
			if (!digits(s + 17, 2, &sec))
				return -1;
			i = 19;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
	}
	int64_t t = ff_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	b->has_offset = false;
	if (i < n) {
		unsigned oh, om;
		if (s[i] == 'Z' && i + 1 == n) {
			b->has_offset = true;
		} else if ((s[i] == '+' || s[i] == '-') &&
			   ((n - i == 6 && s[i + 3] == ':' && digits(s + i + 1, 2, &oh) && digits(s + i + 4, 2, &om)) ||
			    (n - i == 5 && digits(s + i + 1, 2, &oh) && digits(s + i + 3, 2, &om))) &&
			   oh <= 23 && om <= 59) {
			int64_t off = (int64_t)oh * 3600 + om * 60;
			t -= s[i] == '+' ? off : -off;
			b->has_offset = true;
		} else {
			return -1;
		}
	}
	b->t = t;
	b->set = true;
	return 0;
}

static int set_bound(struct bound *b, const char *text, bool until, char *err, size_t errsz)
{
	bool date_only;
	struct bound parsed = *b; /* a refused bound leaves the old one */
	if (parse_bound(text, &parsed, &date_only) != 0) {
		snprintf(err, errsz, "'%s' is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][+hh:mm])", text);
		return -1;
	}
	if (until)
		parsed.t += date_only ? 86400 - 1 : 0;
	char *copy = strdup(text);
	if (!copy) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	free(b->text);
	*b = parsed;
	b->text = copy;
	return 0;
}

int ff_filter_since(ff_filter *f, const char *text, char *err, size_t errsz)
{
	return set_bound(&f->since, text, false, err, errsz);
}

int ff_filter_until(ff_filter *f, const char *text, char *err, size_t errsz)
{
	return set_bound(&f->until, text, true, err, errsz);
}

int ff_filter_match(ff_filter *f, const char *spec, bool exclude, char *err, size_t errsz)
{
	const char *eq = strchr(spec, '=');
	size_t fn = eq ? (size_t)(eq - spec) : 0;
	size_t field;
	for (field = 0; field < sizeof field_names / sizeof *field_names; field++)
		if (eq && strlen(field_names[field]) == fn && memcmp(field_names[field], spec, fn) == 0)
			break;
	if (!eq || field == sizeof field_names / sizeof *field_names) {
		snprintf(err, errsz, "'%s' is not FIELD=REGEX with FIELD one of path, status, method, client, referer, user_agent, vhost", spec);
		return -1;
	}
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)(eq + 1), PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errsz, "'%s': the regex does not compile at offset %zu: %s", spec, (size_t)off, (const char *)msg);
		return -1;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	char *text = strdup(spec);
	struct match *m = text ? realloc(f->matches, (f->n_matches + 1) * sizeof *m) : NULL;
	if (!m) {
		free(text);
		pcre2_code_free(re);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	f->matches = m;
	m[f->n_matches] = (struct match){ .field = (enum field)field, .exclude = exclude, .re = re, .text = text };
	f->n_matches++;
	return 0;
}

static bool parse_addr(const char *text, size_t n, int *family, unsigned char *addr)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (n == 0 || n >= sizeof buf || memchr(text, 0, n))
		return false;
	memcpy(buf, text, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

int ff_filter_exclude_ip(ff_filter *f, const char *cidr, char *err, size_t errsz)
{
	struct cidr c = { 0 };
	const char *slash = strchr(cidr, '/');
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (!parse_addr(cidr, n, &c.family, c.addr)) {
		snprintf(err, errsz, "'%s' is not an IPv4 or IPv6 address or CIDR range", cidr);
		return -1;
	}
	unsigned max = c.family == AF_INET ? 32 : 128;
	c.bits = max;
	size_t plen = slash ? strlen(slash + 1) : 0;
	if (slash && (plen == 0 || plen > 3 || !digits(slash + 1, plen, &c.bits) || c.bits > max)) {
		snprintf(err, errsz, "'%s': the prefix length must be 0 to %u", cidr, max);
		return -1;
	}
	c.text = strdup(cidr);
	struct cidr *list = c.text ? realloc(f->cidrs, (f->n_cidrs + 1) * sizeof *list) : NULL;
	if (!list) {
		free(c.text);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	f->cidrs = list;
	list[f->n_cidrs++] = c;
	return 0;
}

void ff_filter_bots(ff_filter *f, enum ff_bot_filter mode)
{
	f->bots = mode;
}

bool ff_filter_active(const ff_filter *f)
{
	return f->since.set || f->until.set || f->n_matches || f->n_cidrs || f->bots != FF_BOTS_ALL;
}

static bool in_cidr(const struct cidr *c, int family, const unsigned char *addr)
{
	if (c->family != family)
		return false;
	unsigned full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (addr[full] & mask);
}

static bool excluded_ip(const ff_filter *f, ff_sv client)
{
	int family;
	unsigned char addr[16];
	size_t n = ff_sv_find(client, '%'); /* the zone of fe80::1%eth0 */
	if (!parse_addr(client.p, n, &family, addr))
		return false;
	for (size_t i = 0; i < f->n_cidrs; i++)
		if (in_cidr(&f->cidrs[i], family, addr))
			return true;
	return false;
}

static ff_sv field_of(const ff_record *rec, enum field field, char *status_buf)
{
	switch (field) {
	case F_PATH: return rec->path;
	case F_STATUS:
		/* status is 100-599 on every valid line: three digits */
		status_buf[0] = (char)('0' + rec->status / 100 % 10);
		status_buf[1] = (char)('0' + rec->status / 10 % 10);
		status_buf[2] = (char)('0' + rec->status % 10);
		return ff_sv_make(status_buf, 3);
	case F_METHOD: return rec->method;
	case F_CLIENT: return rec->client;
	case F_REFERER: return rec->referer;
	case F_USER_AGENT: return rec->user_agent;
	case F_VHOST: return rec->vhost;
	}
	return FF_SV_NULL;
}

static int64_t bound_time(ff_filter *f, const struct bound *b, const ff_record *rec)
{
	if (b->has_offset)
		return rec->time.t;
	return rec->time.t + (f->tz.tz ? ff_tz_offset(&f->tz, rec->time.t) : rec->time.offset);
}

void ff_filter_tz(ff_filter *f, const ff_tz *tz)
{
	f->tz = (ff_tz_cache){ .tz = tz };
}

bool ff_filter_cuts_visits(const ff_filter *f)
{
	for (size_t i = 0; i < f->n_matches; i++)
		if (f->matches[i].field == F_PATH || f->matches[i].field == F_STATUS || f->matches[i].field == F_METHOD)
			return true;
	return false;
}

bool ff_filter_pass(ff_filter *f, const ff_record *rec, bool bot)
{
	if ((f->bots == FF_BOTS_NONE && bot) || (f->bots == FF_BOTS_ONLY && !bot))
		return false;
	if (f->since.set && bound_time(f, &f->since, rec) < f->since.t)
		return false;
	if (f->until.set && bound_time(f, &f->until, rec) > f->until.t)
		return false;
	bool limited = false;
	for (size_t i = 0; i < f->n_matches; i++) {
		char status[4];
		ff_sv v = field_of(rec, f->matches[i].field, status);
		int rc = pcre2_match(f->matches[i].re, (PCRE2_SPTR)(v.p ? v.p : ""), v.n, 0, 0, f->md, f->mctx);
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT)
			limited = true;
		bool matched = rc >= 0;
		if (matched == f->matches[i].exclude) {
			f->limit_hits += limited;
			return false;
		}
	}
	f->limit_hits += limited;
	if (f->n_cidrs && excluded_ip(f, rec->client))
		return false;
	return true;
}

void ff_filter_describe(const ff_filter *f, char *buf, size_t bufsz)
{
	size_t o = 0;
	buf[0] = 0;
#define ADD(...) \
	do { \
		if (o < bufsz) \
			o += (size_t)snprintf(buf + o, bufsz - o, __VA_ARGS__); \
	} while (0)
	if (f->since.set)
		ADD("%ssince %s", o ? ", " : "", f->since.text);
	if (f->until.set)
		ADD("%suntil %s", o ? ", " : "", f->until.text);
	for (size_t i = 0; i < f->n_matches; i++)
		ADD("%s%s %s", o ? ", " : "", f->matches[i].exclude ? "exclude" : "include", f->matches[i].text);
	for (size_t i = 0; i < f->n_cidrs; i++)
		ADD("%sexclude-ip %s", o ? ", " : "", f->cidrs[i].text);
	if (f->bots == FF_BOTS_NONE)
		ADD("%sno bots", o ? ", " : "");
	if (f->bots == FF_BOTS_ONLY)
		ADD("%sbots only", o ? ", " : "");
#undef ADD
}

unsigned long ff_filter_limit_hits(const ff_filter *f)
{
	return f->limit_hits;
}
