/* reference_report.c — an independent, deliberately plain implementation of
 * SPEC §4 for tests/reference/run.sh: it holds every row of `footfall
 * records` in memory, sorts all pageviews by visitor and time, cuts them
 * into visits, and prints the summary, pages, entry_pages and hours reports
 * as `footfall --format csv --top 0` would.  Only libc: no footfall code.
 *
 * Input: the TSV of `footfall records --no-header --fields
 * client,user_agent,time,path,status,bytes,pageview` (file argument or
 * standard input).  Output: the four reports; the summary holds only the
 * columns computed here (run.sh projects footfall's summary to them). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Raw bytes (unescaped), which may hold NUL. */
struct text {
	char *p;
	size_t n;
};

struct visit;

struct row {
	struct text client;
	struct text agent;
	struct text path;
	int64_t instant; /* seconds since the epoch, UTC */
	int hour;	 /* wall-clock hour as written in the log */
	int status;
	uint64_t bytes;
	bool pageview;
	size_t order;	      /* input order */
	struct visit *visit;  /* pageviews only */
	size_t visitor;	      /* pageviews only: dense visitor number */
};

struct visit {
	struct row *first, *last;
	size_t pageviews;
	size_t visitor;
};

struct table {
	struct row *rows;
	size_t n;
};

static void die(const char *msg, size_t line)
{
	if (line)
		fprintf(stderr, "reference_report: input line %zu: %s\n", line, msg);
	else
		fprintf(stderr, "reference_report: %s\n", msg);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory", 0);
	return p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes the records TSV escapes (\\ \t \n \r \xHH) in place. */
static struct text unescape(char *s, size_t n, size_t line)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			s[o++] = s[i];
			continue;
		}
		if (++i >= n)
			die("backslash at the end of a field", line);
		switch (s[i]) {
		case '\\': s[o++] = '\\'; break;
		case 't': s[o++] = '\t'; break;
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case 'x': {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				die("bad \\x escape", line);
			s[o++] = (char)(hi * 16 + lo);
			i += 2;
			break;
		}
		default:
			die("unknown escape", line);
		}
	}
	return (struct text){ s, o };
}

static int text_cmp(const struct text *a, const struct text *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	if (c)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

/* Days from 1970-01-01 to a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS+hh:mm" (or Z) to an instant and the written hour. */
static void parse_time(const char *s, size_t n, size_t line, int64_t *instant, int *hour)
{
	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		die("bad time", line);
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
	    se > 59)
		die("bad time", line);
	int64_t offset;
	if (n == 20 && s[19] == 'Z') {
		offset = 0;
	} else if (n == 25 && (s[19] == '+' || s[19] == '-') && s[22] == ':') {
		int oh = digits(s + 20, 2), om = digits(s + 23, 2);
		if (oh < 0 || om < 0)
			die("bad time offset", line);
		offset = (int64_t)(oh * 60 + om) * 60;
		if (s[19] == '-')
			offset = -offset;
	} else {
		die("bad time offset", line);
		return;
	}
	*instant = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	*hour = h;
}

static uint64_t parse_u64(const char *s, size_t line)
{
	if (*s < '0' || *s > '9')
		die("not a number", line);
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		die("not a number", line);
	return v;
}

enum { F_CLIENT, F_AGENT, F_TIME, F_PATH, F_STATUS, F_BYTES, F_PAGEVIEW, N_FIELDS };

/* One records row; line is the row's own heap copy, kept for its fields. */

/* SPEC §3's built-in list of automated agents, written out again here:
 * the empty agent, these prefixes at the start, these words anywhere, all
 * byte for byte. */
static bool automated(const struct text *a)
{
	static const char *const prefixes[] = {
		"curl/", "Wget/", "Wget2/", "Go-http-client/", "python-requests/",
		"python-urllib3/", "Python-urllib/", "aiohttp/", "python-httpx/", "httpx/",
		"libwww-perl/", "lwp-request/", "Java/", "Apache-HttpClient/", "okhttp/",
		"node-fetch/", "axios/", "undici/", "Ruby", "Guzzle/", "GuzzleHttp/",
		"PostmanRuntime/", "HTTPie/", "Scrapy/", "Faraday", "WinHttp", "Prometheus/",
		"kube-probe/", "ELB-HealthChecker/", "GoogleHC/", "Consul", "Zabbix", "check_http/",
	};
	static const char *const words[] = {
		"HeadlessChrome", "PhantomJS", "UptimeRobot", "Pingdom", "StatusCake", "Site24x7",
		"Uptime-Kuma", "BetterUptime", "Datadog", "NewRelicPinger", "PetalBot", "Bytespider",
		"Applebot", "GPTBot", "ClaudeBot", "CCBot", "Amazonbot", "facebookexternalhit",
		"meta-externalagent", "DataForSeoBot",
	};
	if (a->n == 0)
		return true;
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (a->n >= n && memcmp(a->p, prefixes[i], n) == 0)
			return true;
	}
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i]);
		for (size_t k = 0; k + n <= a->n; k++)
			if (memcmp(a->p + k, words[i], n) == 0)
				return true;
	}
	return false;
}
static void parse_row(struct row *r, char *line, size_t len, size_t line_no)
{
	char *field[N_FIELDS];
	size_t field_n[N_FIELDS];
	size_t nf = 0;
	char *start = line;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (nf == N_FIELDS)
			die("more than 7 fields", line_no);
		field[nf] = start;
		field_n[nf] = (size_t)(line + i - start);
		nf++;
		line[i] = 0;
		start = line + i + 1;
	}
	if (nf != N_FIELDS)
		die("fewer than 7 fields", line_no);
	memset(r, 0, sizeof *r);
	r->client = unescape(field[F_CLIENT], field_n[F_CLIENT], line_no);
	r->agent = unescape(field[F_AGENT], field_n[F_AGENT], line_no);
	parse_time(field[F_TIME], field_n[F_TIME], line_no, &r->instant, &r->hour);
	r->path = unescape(field[F_PATH], field_n[F_PATH], line_no);
	r->status = (int)parse_u64(field[F_STATUS], line_no);
	r->bytes = parse_u64(field[F_BYTES], line_no);
	if (strcmp(field[F_PAGEVIEW], "true") == 0)
		r->pageview = true;
	else if (strcmp(field[F_PAGEVIEW], "false") != 0)
		die("pageview is neither true nor false", line_no);
	/* SPEC §3: a pageview's status is 2xx or 304, and its agent is no
	 * automated agent of the built-in list.  The classification itself is
	 * footfall's; this only catches a gross slip. */
	if (r->pageview && !((r->status >= 200 && r->status <= 299) || r->status == 304))
		die("a pageview whose status is not 2xx or 304", line_no);
	if (r->pageview && automated(&r->agent))
		die("a pageview whose user agent is on the built-in list of automated agents", line_no);
}

static struct table read_rows(FILE *in)
{
	struct table t = { NULL, 0 };
	size_t cap = 1024;
	t.rows = xmalloc(cap * sizeof *t.rows);
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t got;
	while ((got = getline(&line, &line_cap, in)) >= 0) {
		size_t len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (t.n == cap) {
			cap *= 2;
			struct row *grown = realloc(t.rows, cap * sizeof *t.rows);
			if (!grown)
				die("out of memory", 0);
			t.rows = grown;
		}
		char *copy = xmalloc(len + 1);
		memcpy(copy, line, len);
		copy[len] = 0;
		parse_row(&t.rows[t.n], copy, len, t.n + 1);
		t.rows[t.n].order = t.n;
		t.n++;
	}
	free(line);
	if (ferror(in))
		die("read error", 0);
	return t;
}

static int cmp_order(const struct row *x, const struct row *y)
{
	return (x->order > y->order) - (x->order < y->order);
}

static bool same_visitor(const struct row *x, const struct row *y)
{
	return text_cmp(&x->client, &y->client) == 0 && text_cmp(&x->agent, &y->agent) == 0;
}

/* Visitor key (client, agent) byte for byte, then instant, then input
 * order: a stable sort by time within each visitor (SPEC §4, §13.11). */
static int cmp_pageview(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a, *y = *(struct row *const *)b;
	int c = text_cmp(&x->client, &y->client);
	if (c)
		return c;
	c = text_cmp(&x->agent, &y->agent);
	if (c)
		return c;
	if (x->instant != y->instant)
		return x->instant < y->instant ? -1 : 1;
	return cmp_order(x, y);
}

static int cmp_path(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a, *y = *(struct row *const *)b;
	int c = text_cmp(&x->path, &y->path);
	return c ? c : cmp_order(x, y);
}

static int cmp_entry_path(const void *a, const void *b)
{
	const struct visit *x = *(struct visit *const *)a, *y = *(struct visit *const *)b;
	int c = text_cmp(&x->first->path, &y->first->path);
	return c ? c : cmp_order(x->first, y->first);
}

static int cmp_ptr(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The shortest of %.15g..%.17g that reads back as the same double. */
static void put_double(double d)
{
	char buf[64];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	fputs(buf, stdout);
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* The code point of the valid UTF-8 sequence at p and its length, or 0 if
 * there is none (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, *cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, *cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min_cp[len] || (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return len;
}

static bool formula_start(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* A key from the log as footfall's csv writes it (SPEC §9): a leading ' on
 * formula-like text, quotes around a cell holding , " CR or LF, "" for ",
 * and \xHH for control bytes other than tab, CR and LF, for DEL, for C1
 * controls (U+0080..U+009F) and for bytes that are not UTF-8. */
static void put_csv_key(const struct text *t)
{
	const unsigned char *p = (const unsigned char *)t->p;
	bool quote = false;
	for (size_t i = 0; i < t->n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
			quote = true;
	if (quote)
		putchar('"');
	if (t->n > 0 && formula_start(p[0]))
		putchar('\'');
	for (size_t i = 0; i < t->n;) {
		unsigned char c = p[i];
		uint32_t cp = 0;
		size_t len = c >= 0x80 ? utf8_decode(p + i, t->n - i, &cp) : 0;
		if (len > 0 && cp >= 0xa0) {
			fwrite(p + i, 1, len, stdout);
			i += len;
			continue;
		}
		if (c == '"')
			fputs("\"\"", stdout);
		else if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n')
			putchar(c);
		else
			printf("\\x%02x", c);
		i++;
	}
	if (quote)
		putchar('"');
}

struct count_row {
	const struct text *key;
	uint64_t n[4];
};

/* First count descending, then key bytes ascending (SPEC §13.22). */
static int cmp_count_row(const void *a, const void *b)
{
	const struct count_row *x = a, *y = b;
	if (x->n[0] != y->n[0])
		return x->n[0] > y->n[0] ? -1 : 1;
	return text_cmp(x->key, y->key);
}

static size_t count_distinct_ptrs(void **v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_ptr);
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		d += i == 0 || v[i] != v[i - 1];
	return d;
}

static size_t count_distinct_sizes(size_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_size);
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		d += i == 0 || v[i] != v[i - 1];
	return d;
}

struct visits {
	struct visit *v;
	size_t n;
	size_t visitors;
	size_t pageviews;
};

/* All pageviews sorted by (visitor key, instant, input order), then cut
 * where the visitor changes or the gap exceeds the timeout (a gap of
 * exactly the timeout does not cut). */
static struct visits make_visits(struct table *t, int64_t timeout)
{
	struct visits vs = { NULL, 0, 0, 0 };
	for (size_t i = 0; i < t->n; i++)
		vs.pageviews += t->rows[i].pageview;
	struct row **pv = xmalloc(vs.pageviews * sizeof *pv);
	for (size_t i = 0, k = 0; i < t->n; i++)
		if (t->rows[i].pageview)
			pv[k++] = &t->rows[i];
	qsort(pv, vs.pageviews, sizeof *pv, cmp_pageview);

	vs.v = xmalloc(vs.pageviews * sizeof *vs.v);
	for (size_t k = 0; k < vs.pageviews; k++) {
		struct row *r = pv[k];
		const struct row *prev = k ? pv[k - 1] : NULL;
		bool new_visitor = !prev || !same_visitor(prev, r);
		if (new_visitor)
			vs.visitors++;
		if (new_visitor || r->instant - prev->instant > timeout)
			vs.v[vs.n++] = (struct visit){ .first = r, .visitor = vs.visitors - 1 };
		struct visit *v = &vs.v[vs.n - 1];
		v->last = r;
		v->pageviews++;
		r->visit = v;
		r->visitor = vs.visitors - 1;
	}
	free(pv);
	return vs;
}

static void print_summary(const struct table *t, const struct visits *vs)
{
	uint64_t bytes = 0, bounces = 0, returning = 0;
	int64_t duration_sum = 0;
	int64_t *durations = xmalloc(vs->n * sizeof *durations);
	for (size_t i = 0; i < t->n; i++)
		bytes += t->rows[i].bytes;
	for (size_t i = 0; i < vs->n; i++) {
		const struct visit *v = &vs->v[i];
		bounces += v->pageviews == 1;
		/* visits are grouped by visitor in time order: any but the
		 * first of its visitor had an earlier visit */
		returning += i > 0 && vs->v[i - 1].visitor == v->visitor;
		durations[i] = v->last->instant - v->first->instant;
		duration_sum += durations[i];
	}
	qsort(durations, vs->n, sizeof *durations, cmp_i64);
	double median = 0;
	if (vs->n % 2)
		median = (double)durations[vs->n / 2];
	else if (vs->n)
		median = ((double)durations[vs->n / 2 - 1] + (double)durations[vs->n / 2]) / 2;
	free(durations);

	printf("report,hits,bytes,pageviews,visits,unique_visitors,bounces,bounce_rate,duration_mean,"
	       "duration_median,pages_per_visit,returning_visits\n");
	printf("summary,%zu,%" PRIu64 ",%zu,%zu,%zu,%" PRIu64 ",", t->n, bytes, vs->pageviews, vs->n, vs->visitors,
	       bounces);
	put_double(ratio(bounces, vs->n));
	putchar(',');
	put_double(vs->n ? (double)duration_sum / (double)vs->n : 0.0);
	putchar(',');
	put_double(median);
	putchar(',');
	put_double(ratio(vs->pageviews, vs->n));
	printf(",%" PRIu64 "\n", returning);
}

/* Every row grouped by path; a row of output for each path with a
 * pageview (SPEC §13.21). */
static void print_pages(struct table *t)
{
	struct row **by_path = xmalloc(t->n * sizeof *by_path);
	for (size_t i = 0; i < t->n; i++)
		by_path[i] = &t->rows[i];
	qsort(by_path, t->n, sizeof *by_path, cmp_path);
	struct count_row *out = xmalloc(t->n * sizeof *out);
	void **visit_ids = xmalloc(t->n * sizeof *visit_ids);
	size_t *visitor_ids = xmalloc(t->n * sizeof *visitor_ids);
	size_t n_out = 0;
	for (size_t i = 0, j; i < t->n; i = j) {
		struct count_row c = { &by_path[i]->path, { 0, 0, 0, 0 } };
		size_t n_ids = 0;
		for (j = i; j < t->n && text_cmp(&by_path[j]->path, c.key) == 0; j++) {
			c.n[0]++;
			if (by_path[j]->pageview) {
				visit_ids[n_ids] = by_path[j]->visit;
				visitor_ids[n_ids] = by_path[j]->visitor;
				n_ids++;
			}
		}
		if (n_ids == 0)
			continue;
		c.n[1] = n_ids;
		c.n[2] = count_distinct_ptrs(visit_ids, n_ids);
		c.n[3] = count_distinct_sizes(visitor_ids, n_ids);
		out[n_out++] = c;
	}
	qsort(out, n_out, sizeof *out, cmp_count_row);
	printf("\nreport,key,hits,pageviews,visits,unique_visitors\n");
	for (size_t i = 0; i < n_out; i++) {
		fputs("pages,", stdout);
		put_csv_key(out[i].key);
		printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", out[i].n[0], out[i].n[1], out[i].n[2],
		       out[i].n[3]);
	}
	free(visitor_ids);
	free(visit_ids);
	free(out);
	free(by_path);
}

/* Visits grouped by the path of their first pageview. */
static void print_entry_pages(const struct visits *vs)
{
	struct visit **by_entry = xmalloc(vs->n * sizeof *by_entry);
	for (size_t i = 0; i < vs->n; i++)
		by_entry[i] = &vs->v[i];
	qsort(by_entry, vs->n, sizeof *by_entry, cmp_entry_path);
	struct count_row *out = xmalloc(vs->n * sizeof *out);
	size_t n_out = 0;
	for (size_t i = 0, j; i < vs->n; i = j) {
		struct count_row c = { &by_entry[i]->first->path, { 0, 0, 0, 0 } };
		for (j = i; j < vs->n && text_cmp(&by_entry[j]->first->path, c.key) == 0; j++) {
			c.n[0]++;
			c.n[1] += by_entry[j]->pageviews == 1;
		}
		out[n_out++] = c;
	}
	qsort(out, n_out, sizeof *out, cmp_count_row);
	/* no goals configured: no conversion columns (SPEC §15) */
	printf("\nreport,key,visits,bounces,bounce_rate\n");
	for (size_t i = 0; i < n_out; i++) {
		fputs("entry_pages,", stdout);
		put_csv_key(out[i].key);
		printf(",%" PRIu64 ",%" PRIu64 ",", out[i].n[0], out[i].n[1]);
		put_double(ratio(out[i].n[1], out[i].n[0]));
		fputs("\n", stdout);
	}
	free(out);
	free(by_entry);
}

/* The hour as written in the log; visits by the hour of their start. */
static void print_hours(const struct table *t, const struct visits *vs)
{
	uint64_t hits[24] = { 0 }, pageviews[24] = { 0 }, visits[24] = { 0 };
	for (size_t i = 0; i < t->n; i++) {
		hits[t->rows[i].hour]++;
		pageviews[t->rows[i].hour] += t->rows[i].pageview;
	}
	for (size_t i = 0; i < vs->n; i++)
		visits[vs->v[i].first->hour]++;
	printf("\nreport,key,hits,pageviews,visits\n");
	for (int h = 0; h < 24; h++)
		printf("hours,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", h, hits[h], pageviews[h], visits[h]);
}

static const char usage[] = "usage: reference_report [--timeout SECONDS] [RECORDS.tsv]\n"
			    "reads the output of `footfall records --no-header --fields\n"
			    "client,user_agent,time,path,status,bytes,pageview` and prints the summary,\n"
			    "pages, entry_pages and hours reports as csv\n";

int main(int argc, char **argv)
{
	int64_t timeout = 1800;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			timeout = (int64_t)parse_u64(argv[++i], 0);
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (!file && (argv[i][0] != '-' || argv[i][1] == 0)) {
			file = argv[i];
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	FILE *in = stdin;
	if (file && strcmp(file, "-") != 0) {
		in = fopen(file, "r");
		if (!in) {
			fprintf(stderr, "reference_report: cannot open '%s': %s\n", file, strerror(errno));
			return 2;
		}
	}
	struct table t = read_rows(in);
	if (in != stdin)
		fclose(in);

	struct visits vs = make_visits(&t, timeout);
	print_summary(&t, &vs);
	print_pages(&t);
	print_entry_pages(&vs);
	print_hours(&t, &vs);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the output", 0);

	free(vs.v);
	for (size_t i = 0; i < t.n; i++)
		free(t.rows[i].client.p); /* the row's line: its first field */
	free(t.rows);
	return 0;
}
