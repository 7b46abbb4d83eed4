/* test_render_html.c — the HTML renderer over a report full of hostile log
 * strings: a golden file (FOOTFALL_REGEN=1 rewrites it) and a strict scanner
 * of what a browser would see: whitelisted, balanced elements, no handler or
 * URL attribute, one script whose SHA-256 (a second implementation here) is
 * the CSP's, no raw control byte, valid UTF-8. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "render_check.h"

static const ff_column summary_cols[] = {
	COL("lines", "Lines", FF_COL_INT),
	COL("valid", "Valid", FF_COL_INT),
	COL("invalid", "Invalid", FF_COL_INT),
	COL("late", "Late", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
	COL("bytes", "Bytes", FF_COL_BYTES),
	COL("bot_hits", "Bot hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
	COL("unique_visitors", "Unique visitors", FF_COL_INT),
	COL("bounces", "Bounces", FF_COL_INT),
	RATE("bounce_rate", "Bounce rate", 10, 8),
	COL("duration_mean", "Mean visit duration", FF_COL_SECONDS),
	COL("duration_median", "Median visit duration", FF_COL_SECONDS),
	COL("pages_per_visit", "Pages per visit", FF_COL_REAL),
	COL("returning_visits", "Returning visits", FF_COL_INT),
	COL("first_time", "First request", FF_COL_TEXT),
	COL("last_time", "Last request", FF_COL_TEXT),
	COL("format", "Log format", FF_COL_TEXT),
};

static const ff_column pages_cols[] = {
	LOGCOL("key", "Page"),
	COL("hits", "Hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
	COL("unique_visitors", "Unique visitors", FF_COL_INT),
};

static const ff_column sources_cols[] = {
	LOGCOL("key", "Source"),
	COL("visits", "Visits", FF_COL_INT),
	COL("bounces", "Bounces", FF_COL_INT),
	RATE("bounce_rate", "Bounce rate", 2, 1),
	COL("conversions", "Conversions", FF_COL_INT),
};

static const ff_column hours_cols[] = {
	COL("key", "Hour", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
};

static const ff_column weekday_cols[] = {
	COL("key", "Weekday", FF_COL_TEXT),
	COL("hits", "Hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
};

static const ff_column days_cols[] = {
	COL("key", "Day", FF_COL_TEXT),
	COL("hits", "Hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
	COL("unique_visitors", "Unique visitors", FF_COL_INT),
};

static const ff_column browser_cols[] = {
	LOGCOL("key", "Browser"),
	COL("visits", "Visits", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
};

static const ff_column status_cols[] = {
	COL("key", "Status", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
};

static const ff_column hosts_cols[] = {
	LOGCOL("key", "Client"),
	COL("hits", "Hits", FF_COL_INT),
	COL("bytes", "Bytes", FF_COL_BYTES),
};

/* Not a SPEC report: every remaining kind of cell. */
static const ff_column timing_cols[] = {
	COL("key", "Step", FF_COL_TEXT),
	COL("duration", "Duration", FF_COL_SECONDS),
	COL("diff", "Difference", FF_COL_REAL),
	COL("control", "Control", FF_COL_BOOL),
};

static const ff_column goals_cols[] = {
	LOGCOL("key", "Goal"),
	COL("visits", "Visits", FF_COL_INT),
	COL("conversions", "Conversions", FF_COL_INT),
	RATE("conversion_rate", "Conversion rate", 2, 1),
};

static const ff_input_facts inputs[] = {
	{ "access.log", "none", 1234000, 500, 98765432, NULL },
	{ "<b>old</b>/access.log.1.gz", "gzip", 567, 67, 4321, "truncated gzip stream" },
};

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"'><svg onload=alert(1)>",
	"javascript:alert(1)",
	"=HYPERLINK(\"http://x\")",
	"\x1b[31mred\x1b[0m",
	"</td></tr></table><iframe src=//x>",
	"&amp; &lt; already escaped?",
	"C1 \xc2\x9b" "2J and bidi \xe2\x80\xae" "txt.exe",
	"back\\slash",
	"/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac",
	"<!-- comment --> ]]> <![CDATA[",
	"style=\"background:url(//x)\"",
};

static char big[100 * 1024 + 1];

static void build(ff_report *r)
{
	memset(r, 0, sizeof *r);
	ff_report_add_note(r, "log format: combined (detected)");
	ff_report_add_note(r, "site host inferred from the referers: <b>x</b>\x1b]0;evil\x07.example.com");

	r->with_summary = true;
	ff_table_init(&r->summary, "summary", "Summary", summary_cols, N(summary_cols));
	ff_cell *s = ff_table_add_row(&r->summary);
	uint64_t counts[] = { 1234567, 1234000, 567, 3, 1200000, 1234567890, 4321, 654321, 40000, 25000, 17000 };
	for (size_t i = 0; i < N(counts); i++)
		s[i] = ff_cell_u(counts[i]);
	s[12] = ff_cell_d(185.4);
	s[13] = ff_cell_d(45.0);
	s[14] = ff_cell_d(16.358025);
	s[15] = ff_cell_u(1234);
	s[16] = KEY("2024-03-01T00:00:05+01:00");
	s[17] = KEY("2024-03-07T23:59:59+01:00");
	s[18] = KEY("combined");
	ff_table_derive_rates(&r->summary);

	ff_table *t = add_table(r, "pages", "Pages", pages_cols, N(pages_cols));
	t->note = "top 16 by hits";
	t->ranked = true;
	t->bar_col = 1;
	for (size_t i = 0; i < N(hostile); i++)
		add_u(t, ff_cell_s(ff_sv_cstr(hostile[i])), 90000 - i * 1000, 9 + i, 8, 7);
	add_u(t, KEY("nul\0byte"), 20000, 2, 1, 1);
	add_u(t, KEY("\xff\xfe invalid"), 10000, 1, 1, 1);
	add_u(t, KEY("tab\there\nnewline\r"), 9000, 1, 1, 1);
	add_u(t, ff_cell_s(ff_sv_make(big, sizeof big - 1)), 8000, 1, 1, 1);
	add_u(t, KEY("/rare/1"), 20, 10, 5, 5);
	add_u(t, KEY("/rare/2"), 10, 5, 4, 4);
	ff_table_sort_ranked(t);
	ff_table_cut(t, 17);

	t = add_table(r, "sources", "Sources", sources_cols, N(sources_cols));
	add_u(t, KEY("search"), 20000, 8000, 0, 120);
	add_u(t, KEY("direct"), 12000, 6000, 0, 80);
	add_u(t, KEY("<script>alert('src')</script>"), 3000, 1000, 0, 5);
	add_u(t, KEY("social"), 1500, 900, 0, 2);
	ff_table_derive_rates(t);

	t = add_table(r, "hours", "Hours", hours_cols, N(hours_cols));
	for (unsigned h = 0; h < 24; h++)
		if (h != 4) /* an hour without traffic is missing from the table */
			add_u(t, ff_cell_u(h), 1000 + h * 97 % 700, 300 + h * 31 % 200, 100 + h * 53 % 150, 0);

	t = add_table(r, "weekdays", "Weekdays", weekday_cols, N(weekday_cols));
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	for (size_t i = 0; i < 7; i++)
		add_u(t, ff_cell_s(ff_sv_cstr(wd[i])), 9000 + i * 300, 3000 + i * 100, 1000 + i * 77, 0);

	t = add_table(r, "days", "Days", days_cols, N(days_cols));
	static const char *const days[] = { "2024-03-01", "2024-03-02", "2024-03-03", "2024-03-05", "2024-03-06",
					     "2024-03-07" }; /* the 4th had nothing */
	for (size_t i = 0; i < N(days); i++)
		add_u(t, ff_cell_s(ff_sv_cstr(days[i])), 170000 + i * 1000, 90000 + i * 3000 % 7000, 5000 + i * 400,
		      4000 + i * 300);

	t = add_table(r, "browsers", "Browsers", browser_cols, N(browser_cols));
	t->ranked = true;
	add_u(t, KEY("Chrome"), 20000, 500000, 0, 0);
	add_u(t, KEY("Firefox"), 9000, 200000, 0, 0);
	add_u(t, KEY("\"><img src=x onerror=alert(2)>"), 5000, 100000, 0, 0);
	add_u(t, KEY("Safari"), 4000, 90000, 0, 0);
	add_u(t, KEY("Edge"), 2000, 50000, 0, 0);
	ff_table_sort_ranked(t);
	ff_table_cut(t, 3);

	t = add_table(r, "status", "Status codes", status_cols, N(status_cols));
	t->ranked = true;
	add_u(t, ff_cell_u(200), 900000, 0, 0, 0);
	add_u(t, ff_cell_u(404), 50000, 0, 0, 0);
	add_u(t, ff_cell_u(304), 200000, 0, 0, 0);
	ff_table_sort_ranked(t);

	t = add_table(r, "hosts", "Hosts", hosts_cols, N(hosts_cols));
	t->ranked = true;
	add_u(t, KEY("192.0.2.1"), 5000, 5368709120ULL, 0, 0);
	add_u(t, KEY("2001:db8::1"), 30, 1536, 0, 0);
	add_u(t, KEY("(host name)"), 1, 512, 0, 0);

	t = add_table(r, "timing", "Timing", timing_cols, N(timing_cols));
	t->note = "synthetic: every kind of cell <b>";
	const double durations[] = { 0, 45, 185, 3720, 93784, NAN };
	const double diffs[] = { -0.25, 1234.5, 0.1, 1e20, -3, INFINITY };
	for (size_t i = 0; i < N(durations); i++) {
		ff_cell *row = ff_table_add_row(t);
		row[0] = i == 2 ? ff_cell_null() : ff_cell_s(ff_sv_cstr("step"));
		row[1] = i == 5 ? ff_cell_null() : ff_cell_d(durations[i]);
		row[2] = ff_cell_d(diffs[i]);
		row[3].null = i == 4;
		row[3].v.b = i == 0;
	}

	add_table(r, "goals", "Goals", goals_cols, N(goals_cols));

	r->inputs = inputs;
	r->n_inputs = N(inputs);
	r->site = KEY("<b>x</b>\x1b]0;evil\x07.example.com").v.s;
	r->generated = 1709856000; /* 2024-03-08 00:00 UTC */
	r->version = "1.2<3";
}

/* --- output capture and golden file ------------------------------------- */

static struct text render(const ff_report *r, const ff_render_opts *o)
{
	struct text t = { NULL, 0 };
	FILE *f = open_memstream(&t.p, &t.n);
	if (!f) {
		perror("open_memstream");
		exit(2);
	}
	ff_render_html(f, r, o);
	fclose(f);
	return t;
}

static size_t count(struct text t, const char *s)
{
	size_t k = 0, n = strlen(s);
	for (const char *p = t.p; (p = memmem(p, t.n - (size_t)(p - t.p), s, n)); p += n)
		k++;
	return k;
}

static bool contains_nocase(const char *p, size_t n, const char *s)
{
	size_t m = strlen(s);
	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(p + i, s, m) == 0)
			return true;
	return false;
}

/* --- a second SHA-256, written apart from the renderer's ---------------- */

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void t_sha256(const unsigned char *msg, size_t len, unsigned char out[32])
{
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
		0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
		0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
		0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	/* the padded message, whole */
	size_t total = (len + 9 + 63) / 64 * 64;
	unsigned char *m = calloc(total, 1);
	memcpy(m, msg, len);
	m[len] = 0x80;
	for (int i = 0; i < 8; i++)
		m[total - 1 - i] = (unsigned char)((uint64_t)len * 8 >> (8 * i));
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[64];
		for (int i = 0; i < 64; i++) {
			if (i < 16) {
				const unsigned char *q = m + off + 4 * i;
				w[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
			} else {
				w[i] = w[i - 16] + (ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 7] +
				       (ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10));
			}
		}
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
			uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
			hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
	}
	free(m);
	for (int i = 0; i < 32; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void t_base64(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = 0;
}

static void test_sha256_vectors(void)
{
	unsigned char d[32];
	char b[64];
	t_sha256((const unsigned char *)"abc", 3, d);
	t_base64(d, 32, b);
	CHECK_STR(b, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	t_sha256((const unsigned char *)two, strlen(two), d);
	t_base64(d, 32, b);
	CHECK_STR(b, "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=");
}

/* --- the scanner -------------------------------------------------------- */

/* Elements the page may have; anything else (img, iframe, a, link, base,
 * object, form...) means log text escaped into markup. */
static const char *const allowed[] = {
	"html", "head", "meta", "title", "style", "body", "div", "header", "footer", "section", "h1", "h2", "h3",
	"p", "ul", "li", "span", "small", "figure", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
	"svg", "g", "rect", "line", "path", "script", "nav", "a", "wbr",
};

static bool is_allowed(const char *name)
{
	for (size_t i = 0; i < N(allowed); i++)
		if (strcmp(name, allowed[i]) == 0)
			return true;
	return false;
}

struct scan {
	size_t scripts, tags;
	char script_body[8192];
	size_t script_len;
	char csp[512];
	const char *error; /* the first thing wrong, NULL when none */
	size_t error_at;
};

static void scan_fail(struct scan *s, const char *what, size_t at)
{
	if (!s->error)
		s->error = what, s->error_at = at;
}

/* Text between tags: entities only from our escaper, no raw '>'. */
static void scan_text(struct scan *s, const char *p, size_t n, size_t base)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '>')
			scan_fail(s, "a raw '>' in text", base + i);
		if (p[i] != '&')
			continue;
		bool ok = false;
		for (size_t k = 0; k < N(ents); k++)
			ok |= strncmp(p + i, ents[k], strlen(ents[k])) == 0;
		if (!ok)
			scan_fail(s, "an '&' that is not one of our entities", base + i);
	}
}

/* Attributes of one tag: names from a small set, values double-quoted,
 * no event handler, nothing that loads or links, style only numbers. */
static void scan_attrs(struct scan *s, const char *tag, const char *p, const char *end, size_t base)
{
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || (*p == '/' && p + 1 == end))
			return;
		const char *name = p;
		while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == ':'))
			p++;
		size_t nlen = (size_t)(p - name);
		if (nlen == 0) {
			scan_fail(s, "garbage where an attribute name should be", base + (size_t)(p - tag));
			return;
		}
		if (strncasecmp(name, "on", 2) == 0)
			scan_fail(s, "an event-handler attribute", base + (size_t)(name - tag));
		static const char *const banned[] = { "src", "srcset", "action", "formaction", "xlink:href",
						      "data", "poster", "background", "http-equiv-refresh" };
		for (size_t i = 0; i < N(banned); i++)
			if (strlen(banned[i]) == nlen && strncasecmp(name, banned[i], nlen) == 0)
				scan_fail(s, "an attribute that loads or links", base + (size_t)(name - tag));
		if (p >= end || *p != '=')
			continue; /* a bare attribute */
		p++;
		if (p >= end || *p != '"') {
			scan_fail(s, "an attribute value not in double quotes", base + (size_t)(p - tag));
			return;
		}
		const char *v = ++p;
		while (p < end && *p != '"')
			p++;
		if (p >= end) {
			scan_fail(s, "an unterminated attribute value", base + (size_t)(v - tag));
			return;
		}
		size_t vlen = (size_t)(p - v);
		p++;
		if (memchr(v, '<', vlen) || memchr(v, '>', vlen))
			scan_fail(s, "a raw '<' or '>' in an attribute value", base + (size_t)(v - tag));
		if (contains_nocase(v, vlen, "javascript:"))
			scan_fail(s, "javascript: in an attribute value", base + (size_t)(v - tag));
		/* links only to a place in the page, by a program name */
		if (nlen == 4 && strncasecmp(name, "href", 4) == 0 &&
		    (vlen < 2 || v[0] != '#' || strspn(v + 1, "abcdefghijklmnopqrstuvwxyz0123456789_-") != vlen - 1))
			scan_fail(s, "a link that leaves the page", base + (size_t)(v - tag));
		if (nlen == 5 && strncasecmp(name, "style", 5) == 0)
			for (size_t i = 0; i < vlen; i++)
				if (!strchr("0123456789.%:;-abcdefghijklmnopqrstuvwxyz", v[i]))
					scan_fail(s, "a style attribute with more than numbers", base + (size_t)(v - tag));
		if (nlen == 7 && strncasecmp(name, "content", 7) == 0 && contains_nocase(v, vlen, "script-src") &&
		    vlen < sizeof s->csp) {
			memcpy(s->csp, v, vlen);
			s->csp[vlen] = 0;
		}
	}
}

static void scan(struct text t, struct scan *s)
{
	char stack[64][16];
	size_t depth = 0;
	const char *p = t.p, *end = t.p + t.n;

	memset(s, 0, sizeof *s);
	static const char doctype[] = "<!DOCTYPE html>\n";
	if (t.n < sizeof doctype || memcmp(p, doctype, sizeof doctype - 1) != 0)
		scan_fail(s, "no doctype", 0);
	else
		p += sizeof doctype - 1;
	while (p < end && !s->error) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt) {
			scan_text(s, p, (size_t)(end - p), (size_t)(p - t.p));
			break;
		}
		scan_text(s, p, (size_t)(lt - p), (size_t)(p - t.p));
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt) {
			scan_fail(s, "an unterminated tag", (size_t)(lt - t.p));
			break;
		}
		bool closing = lt[1] == '/';
		const char *name = lt + 1 + closing, *q = name;
		while (q < gt && isalnum((unsigned char)*q))
			q++;
		char tag[16] = "";
		size_t nlen = (size_t)(q - name);
		if (nlen == 0 || nlen >= sizeof tag) {
			scan_fail(s, "not a tag name", (size_t)(lt - t.p));
			break;
		}
		for (size_t i = 0; i < nlen; i++)
			tag[i] = (char)tolower((unsigned char)name[i]);
		if (!is_allowed(tag))
			scan_fail(s, "an element outside the whitelist", (size_t)(lt - t.p));
		s->tags++;
		if (closing) {
			if (depth == 0 || strcmp(stack[depth - 1], tag) != 0)
				scan_fail(s, "a closing tag that does not match", (size_t)(lt - t.p));
			else
				depth--;
			p = gt + 1;
			continue;
		}
		scan_attrs(s, lt, q, gt, (size_t)(lt - t.p));
		bool self_closed = gt[-1] == '/';
		p = gt + 1;
		if (strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0) {
			/* raw text: up to the matching end tag */
			char close[24];
			snprintf(close, sizeof close, "</%s>", tag);
			const char *e = memmem(p, (size_t)(end - p), close, strlen(close));
			if (!e) {
				scan_fail(s, "a raw-text element never closed", (size_t)(lt - t.p));
				break;
			}
			if (strcmp(tag, "script") == 0) {
				s->scripts++;
				s->script_len = (size_t)(e - p);
				if (s->script_len < sizeof s->script_body)
					memcpy(s->script_body, p, s->script_len);
				if (memchr(p, '<', (size_t)(e - p)))
					scan_fail(s, "a '<' inside the script", (size_t)(p - t.p));
			}
			p = e + strlen(close);
			continue;
		}
		if (self_closed || strcmp(tag, "meta") == 0 || strcmp(tag, "wbr") == 0)
			continue;
		if (depth == N(stack)) {
			scan_fail(s, "elements nested too deep", (size_t)(lt - t.p));
			break;
		}
		memcpy(stack[depth++], tag, sizeof tag);
	}
	if (!s->error && depth)
		scan_fail(s, "elements left open at the end", t.n);
}

static void check_scan(struct text t, size_t min_tags)
{
	struct scan s;
	scan(t, &s);
	if (s.error)
		fprintf(stderr, "scan: %s at byte %zu: %.80s\n", s.error, s.error_at,
			t.p + (s.error_at < t.n ? s.error_at : 0));
	CHECK(s.error == NULL);
	CHECK(s.tags >= min_tags);
	CHECK_INT(s.scripts, 1);
	CHECK_INT(count(t, "<script"), 1);
	CHECK(!contains_nocase(t.p, t.n, "<img"));
	CHECK(!contains_nocase(t.p, t.n, "<iframe"));
	CHECK(memchr(t.p, 0x1b, t.n) == NULL);
	CHECK(memchr(t.p, 0, t.n) == NULL);
	for (size_t i = 0; i < t.n; i++)
		if ((unsigned char)t.p[i] < 0x20 && t.p[i] != '\n' && t.p[i] != '\t') {
			CHECK(!"a raw control byte in the page");
			break;
		}
	CHECK(valid_utf8(t));
	CHECK(strstr(s.csp, "default-src 'none'") == s.csp);
	CHECK(s.script_len > 0 && s.script_len < sizeof s.script_body);
	if (s.script_len < sizeof s.script_body) {
		unsigned char d[32];
		char b[64], want[128];
		t_sha256((const unsigned char *)s.script_body, s.script_len, d);
		t_base64(d, 32, b);
		snprintf(want, sizeof want, "script-src 'sha256-%s'", b);
		CHECK(strstr(s.csp, want) != NULL);
	}
}

/* The scanner itself must catch what it is there to catch. */
static void test_scanner_catches(void)
{
	static const char *const bad[] = {
		"<!DOCTYPE html>\n<p><img src=x></p>",
		"<!DOCTYPE html>\n<p onclick=\"x\">a</p>",
		"<!DOCTYPE html>\n<p title=\"a\"b\">a</p>",
		"<!DOCTYPE html>\n<p>a</span>",
		"<!DOCTYPE html>\n<p>a > b</p>",
		"<!DOCTYPE html>\n<p>&copy;</p>",
		"<!DOCTYPE html>\n<p style=\"background:url(x)\">a</p>",
		"<!DOCTYPE html>\n<div><p>",
		"<!DOCTYPE html>\n<a href=\"javascript:alert(1)\">x</a>",
		"<!DOCTYPE html>\n<a href=\"#x&quot;\">x</a>",
		"<!DOCTYPE html>\n<a href=\"//example.com/#x\">x</a>",
	};
	for (size_t i = 0; i < N(bad); i++) {
		struct scan s;
		struct text t = { (char *)bad[i], strlen(bad[i]) };
		scan(t, &s);
		CHECK(s.error != NULL);
	}
}

/* --- the tests ---------------------------------------------------------- */

static void test_hostile(const ff_report *r)
{
	ff_render_opts o = { .separators = true };
	struct text t = render(r, &o);
	golden("render.html", t);
	check_scan(t, 1000);

	/* log text shows, escaped */
	CHECK(contains(t, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	CHECK(contains(t, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
	CHECK(contains(t, "&#39;&gt;&lt;svg onload=alert(1)&gt;"));
	CHECK(contains(t, ">javascript:alert(1)</td>"));
	CHECK(contains(t, ">=HYPERLINK(&quot;http://x&quot;)</td>"));
	CHECK(contains(t, "<span class=\"esc\">\\x1b</span>[31mred<span class=\"esc\">\\x1b</span>[0m"));
	CHECK(contains(t, "nul<span class=\"esc\">\\x00</span>byte"));
	CHECK(contains(t, "<span class=\"esc\">\\xff\\xfe</span> invalid"));
	CHECK(contains(t, "tab<span class=\"esc\">\\t</span>here<span class=\"esc\">\\n</span>newline"));
	CHECK(contains(t, "C1 <span class=\"esc\">\\xc2\\x9b</span>2J and bidi <span class=\"esc\">\\xe2\\x80\\xae</span>"));
	CHECK(contains(t, "back<span class=\"esc\">\\\\</span>slash"));
	CHECK(contains(t, "/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac"));
	CHECK(contains(t, "&amp;amp; &amp;lt; already escaped?"));
	CHECK(contains(t, "&lt;b&gt;x&lt;/b&gt;<span class=\"esc\">\\x1b</span>]0;evil<span class=\"esc\">\\x07</span>"));
	CHECK(contains(t, "&lt;b&gt;old&lt;/b&gt;/access.log.1.gz"));
	CHECK(contains(t, "synthetic: every kind of cell &lt;b&gt;"));
	/* a 100 kB key is cut in the cell and in its tooltip */
	CHECK(contains(t, "AAAA\xe2\x80\xa6</td>"));
	CHECK(contains(t, "AAAA\xe2\x80\xa6\">"));
	CHECK(t.n < 120 * 1024);

	/* the page around it */
	CHECK(contains(t, "<title>footfall report \xe2\x80\x94 1 Mar \xe2\x80\x93 7 Mar 2024</title>"));
	CHECK(contains(t, "<p class=\"period\">1 Mar \xe2\x80\x93 7 Mar 2024 \xc2\xb7 7 days</p>"));
	CHECK(contains(t, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
	CHECK(contains(t, "prefers-color-scheme:dark"));
	CHECK_INT(count(t, "<div class=\"card\">"), 8);
	CHECK(contains(t, "<div class=\"label\">Visits</div><div class=\"value\">40,000</div>"
			  "<div class=\"sub\">1,234 returning</div>"));
	CHECK(contains(t, "<div class=\"value\">42.5%</div><div class=\"sub\">17,000 bounced visits</div>"));
	CHECK(contains(t, "<div class=\"value\">3m 05s</div><div class=\"sub\">median 45s</div>"));
	CHECK(contains(t, "<div class=\"value\">1.1 GiB</div><div class=\"sub\">1,234,567,890 bytes</div>"));
	CHECK(contains(t, "<div class=\"value\">7 days</div>"));
	CHECK(contains(t, "<li>log format: combined (detected)</li>"));
	/* the header: the site (log text, escaped), the hits, when and by
	 * which version the page was made */
	CHECK(contains(t, "<h1>&lt;b&gt;x&lt;/b&gt;<span class=\"esc\">\\x1b</span>]0;evil<span class=\"esc\">\\x07</span>"
			  ".example.com<span class=\"sub\"> web traffic report</span></h1>"));
	CHECK(contains(t, "<dt>First hit</dt><dd>2024-03-01T00:00:05+01:00</dd>"));
	CHECK(contains(t, "<dt>Generated</dt><dd>2024-03-08 00:00 UTC</dd>"));
	CHECK(contains(t, "<dt>footfall</dt><dd>1.2&lt;3</dd>"));
	/* whole days and whole weeks: nothing partial, weekdays as totals */
	CHECK(!contains(t, "class=\"partial\""));
	CHECK(!contains(t, "average"));
	/* charts: days (with the missing 4th drawn as zero), hours, weekdays,
	 * sources, browsers; devices and OS are absent */
	CHECK(contains(t, "<h3>Pageviews and visits per day</h3>"));
	CHECK(contains(t, "<title>Mon 4 Mar 2024: 0 pageviews, 0 visits</title>"));
	CHECK(contains(t, "<h3>Visits by hour of day</h3>"));
	CHECK(contains(t, "<title>4: 0 visits</title>"));
	CHECK(contains(t, "<h3>Visits by weekday</h3>"));
	CHECK(contains(t, "<h3>Sources</h3>"));
	CHECK(contains(t, "<h3>Browsers</h3>"));
	CHECK(!contains(t, "<h3>Devices</h3>"));
	CHECK(contains(t, "title=\"&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""));
	CHECK(contains(t, "<div class=\"hb others\"><span class=\"hb-l\">(others)</span>"));
	/* tables: every one, in order, with numbers formatted for people */
	const char *order[] = { "<h2>Marketing</h2>", "id=\"report-sources\"", "<h2>Trends</h2>",
				"id=\"report-summary\"", "id=\"report-pages\"", "id=\"report-hours\"", "id=\"report-weekdays\"", "id=\"report-days\"",
				"id=\"report-browsers\"", "id=\"report-status\"", "id=\"report-hosts\"",
				"id=\"report-timing\"", "id=\"report-goals\"" };
	const char *prev = t.p;
	for (size_t i = 0; i < N(order); i++) {
		const char *at = memmem(prev, t.n - (size_t)(prev - t.p), order[i], strlen(order[i]));
		CHECK(at != NULL);
		if (at)
			prev = at;
	}
	CHECK(contains(t, "<th scope=\"col\" class=\"num\" aria-sort=\"descending\">Hits</th>"));
	CHECK(contains(t, "<td data-label=\"Hits\" class=\"num\" data-v=\"90000\">90,000</td>"));
	CHECK(contains(t, "<tr class=\"others\"><td class=\"key\">(others)</td>"));
	CHECK(contains(t, "<td data-label=\"Status\" class=\"key\" data-v=\"404\">404</td>"));
	CHECK(contains(t, "<td data-label=\"Bytes\" class=\"num\" data-v=\"5368709120\" title=\"5,368,709,120 bytes\">5.0 GiB</td>"));
	CHECK(contains(t, "<td data-label=\"Bounce rate\" class=\"num\" data-v=\"0.40000000000000002\">40.0%</td>"));
	CHECK(contains(t, ">1h 02m</td>"));
	CHECK(contains(t, ">1d 02h</td>"));
	CHECK(contains(t, ">1,234.50</td>"));
	CHECK(contains(t, "<td data-label=\"Duration\" class=\"num null\">\xe2\x80\x93</td>"));
	CHECK(contains(t, "<td data-label=\"Step\" class=\"key null\">\xe2\x80\x93</td>"));
	CHECK(contains(t, "<td data-label=\"Control\" class=\"text\">yes</td>"));
	CHECK(contains(t, "No data for this period."));
	CHECK(contains(t, "<a href=\"#report-summary\">Summary</a><a href=\"#report-pages\">Pages</a>"));
	CHECK(contains(t, "<a href=\"#report-status\">Status codes</a>"));
	CHECK(contains(t, "truncated gzip stream"));
	free(t.p);

	o.separators = false;
	t = render(r, &o);
	CHECK(contains(t, "<div class=\"value\">40000</div>"));
	CHECK(!contains(t, "1,234,567"));
	check_scan(t, 1000);
	free(t.p);

	t = render(r, NULL); /* NULL options: separators on */
	CHECK(contains(t, "<div class=\"value\">40,000</div>"));
	free(t.p);
}

/* A report with nothing in it still makes a whole, safe page. */
static void test_empty(void)
{
	ff_report r;
	memset(&r, 0, sizeof r);
	struct text t = render(&r, NULL);
	check_scan(t, 20);
	CHECK(contains(t, "<title>footfall report</title>"));
	CHECK(contains(t, "No reports were selected."));
	CHECK(!contains(t, "class=\"cards\""));
	free(t.p);
}

/* Dates that are not dates: the period and the day chart fall back to
 * the raw keys, escaped. */
static void test_odd_dates(void)
{
	ff_report r;
	memset(&r, 0, sizeof r);
	r.with_summary = true;
	ff_table_init(&r.summary, "summary", "Summary", summary_cols, N(summary_cols));
	ff_cell *s = ff_table_add_row(&r.summary);
	for (size_t i = 0; i < 16; i++)
		s[i] = ff_cell_u(i);
	s[11] = ff_cell_d(0.5), s[12] = ff_cell_d(1), s[13] = ff_cell_d(2), s[14] = ff_cell_d(3);
	s[16] = KEY("<yesterday>");
	s[17] = ff_cell_null();
	s[18] = KEY("common");
	ff_table *t = add_table(&r, "days", "Days", days_cols, N(days_cols));
	add_u(t, KEY("day <one>"), 5, 4, 3, 2);
	add_u(t, KEY("2024-13-45"), 5, 6, 3, 2);
	struct text out = render(&r, NULL);
	check_scan(out, 100);
	CHECK(contains(out, "<title>footfall report \xe2\x80\x94 &lt;yesterday&gt; \xe2\x80\x93 </title>"));
	CHECK(contains(out, ">day &lt;one&gt;</span>"));
	CHECK(contains(out, "<title>2024-13-45: 6 pageviews, 3 visits</title>"));
	free(out.p);
	ff_report_free(&r);
}

/* An empty input: the cards say so, no chart of zeros is drawn, the
 * tables are still there. */
static void test_zero(void)
{
	ff_report r;
	memset(&r, 0, sizeof r);
	r.with_summary = true;
	ff_table_init(&r.summary, "summary", "Summary", summary_cols, N(summary_cols));
	ff_cell *s = ff_table_add_row(&r.summary);
	for (size_t i = 0; i < 16; i++)
		s[i] = ff_cell_u(0);
	s[11] = ff_cell_d(0), s[12] = ff_cell_d(0), s[13] = ff_cell_d(0), s[14] = ff_cell_d(0);
	s[16] = ff_cell_null(), s[17] = ff_cell_null(), s[18] = KEY("combined");
	ff_table *t = add_table(&r, "hours", "Hours", hours_cols, N(hours_cols));
	for (unsigned h = 0; h < 24; h++)
		add_u(t, ff_cell_u(h), 0, 0, 0, 0);
	add_table(&r, "days", "Days", days_cols, N(days_cols));
	struct text out = render(&r, NULL);
	check_scan(out, 100);
	CHECK_INT(count(out, "<div class=\"card\">"), 8);
	CHECK(contains(out, "<div class=\"label\">Period</div><div class=\"value\">\xe2\x80\x93</div>"
			    "<div class=\"sub\">no requests</div>"));
	CHECK(contains(out, "<title>footfall report</title>"));
	CHECK(!contains(out, "<h2>Trends</h2>"));
	CHECK(!contains(out, "<svg viewBox=\"0 0 1000"));
	CHECK(contains(out, "id=\"report-hours\""));
	free(out.p);
	ff_report_free(&r);
}

static const ff_column campaign_cols[] = {
	LOGCOL("key", "Campaign"),
	COL("visits", "Visits", FF_COL_INT),
	COL("conversions", "Conversions", FF_COL_INT),
	RATE("conversion_rate", "Conversion rate", 2, 1),
};

static const ff_column funnel_cols[] = {
	LOGCOL("key", "Step"),
	LOGCOL("funnel", "Funnel"),
	COL("step", "Step", FF_COL_INT),
	LOGCOL("pattern", "Pattern"),
	COL("visits", "Visits", FF_COL_INT),
	RATE("conversion_from_first", "From step 1", -1, -1),
	RATE("drop_off", "Drop-off", -1, -1),
};

/* A report from the middle of one day to the morning of the tenth after:
 * partial first and last days shaded, weekdays as daily averages (ten
 * days are not whole weeks), goals with their card, the marketing
 * section with campaigns that break at their slashes and a funnel with
 * its drop-off. */
static void test_marketing_period(void)
{
	ff_report r;
	memset(&r, 0, sizeof r);
	r.with_summary = true;
	r.has_goals = true;
	r.converted = 25;
	r.generated = -1; /* unknown: no generation time shown */
	ff_table_init(&r.summary, "summary", "Summary", summary_cols, N(summary_cols));
	ff_cell *s = ff_table_add_row(&r.summary);
	for (size_t i = 0; i < 16; i++)
		s[i] = ff_cell_u(100);
	s[11] = ff_cell_d(0.5), s[12] = ff_cell_d(1), s[13] = ff_cell_d(2), s[14] = ff_cell_d(3);
	s[16] = KEY("2024-03-04T13:20:00+00:00"); /* a Monday */
	s[17] = KEY("2024-03-13T09:00:00+00:00"); /* the Wednesday after next */
	s[18] = KEY("combined");

	ff_table *t = add_table(&r, "campaigns", "Campaigns", campaign_cols, N(campaign_cols));
	add_u(t, KEY("news<letter>/email/spring-sale"), 40, 4, 0, 0);
	ff_table_derive_rates(t);

	t = add_table(&r, "funnels", "Funnels", funnel_cols, N(funnel_cols));
	static const char *const pats[] = { "^/products/", "^/cart$", "^/order<done>$" };
	static const uint64_t reach[] = { 200, 50, 10 };
	for (size_t i = 0; i < 3; i++) {
		ff_cell *row = ff_table_add_row(t);
		row[0] = KEY("checkout"), row[1] = KEY("checkout"), row[2] = ff_cell_u(i + 1);
		row[3] = ff_cell_s(ff_sv_cstr(pats[i])), row[4] = ff_cell_u(reach[i]);
		row[5] = ff_cell_d((double)reach[i] / 200);
		row[6] = i ? ff_cell_d(1 - (double)reach[i] / (double)reach[i - 1]) : ff_cell_null();
	}

	t = add_table(&r, "weekdays", "Weekdays", weekday_cols, N(weekday_cols));
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	for (size_t i = 0; i < 7; i++) /* Mon, Tue, Wed twice in the period, the rest once */
		add_u(t, ff_cell_s(ff_sv_cstr(wd[i])), 100, 100, i < 3 ? 60 : 30, 0);

	t = add_table(&r, "days", "Days", days_cols, N(days_cols));
	for (int d = 4; d <= 13; d++) {
		char key[32];
		snprintf(key, sizeof key, "2024-03-%02d", d);
		add_u(t, ff_cell_s(ff_report_keep(&r, key, strlen(key))), 10, 10, 5, 5);
	}

	struct text out = render(&r, NULL);
	check_scan(out, 200);
	CHECK(!contains(out, "<dt>Generated</dt>"));
	CHECK(contains(out, "<div class=\"card conv\"><div class=\"label\">Conversions</div><div class=\"value\">25</div>"
			    "<div class=\"sub\">25.0% of visits</div></div>"));
	CHECK(!contains(out, "<div class=\"label\">Period</div>"));
	CHECK(contains(out, "<h2>Marketing</h2>"));
	CHECK(contains(out, ">news&lt;letter&gt;/<wbr>email/<wbr>spring-sale</td>"));
	CHECK(contains(out, "table class=\"sortable stack slash\""));
	CHECK(contains(out, "<div class=\"drop\">\xe2\x86\x93 75.0% dropped off (150 visits)</div>"));
	CHECK(contains(out, "<div class=\"drop\">\xe2\x86\x93 80.0% dropped off (40 visits)</div>"));
	CHECK(contains(out, "3. ^/order&lt;done&gt;$</span>"));
	/* both ends partial: two shaded bands, the legend says why */
	CHECK_INT(count(out, "<rect class=\"partial\""), 2);
	CHECK(contains(out, "<span class=\"pl\">partial day"));
	CHECK(contains(out, "<title>Mon 4 Mar 2024: 10 pageviews, 5 visits (partial day)</title>"));
	CHECK(contains(out, "<title>Tue 5 Mar 2024: 10 pageviews, 5 visits</title>"));
	/* 60 visits over two Mondays, 30 over one Thursday: both 30 a day */
	CHECK(contains(out, "<h3>Visits per day by weekday (average: the period is not whole weeks)</h3>"));
	CHECK(contains(out, "<title>Mon: 30 visits a day on average</title>"));
	CHECK(contains(out, "<title>Thu: 30 visits a day on average</title>"));
	free(out.p);

	/* one day: its hours are drawn across the page, not two dots */
	s[16] = KEY("2024-03-04T00:00:00+00:00");
	s[17] = KEY("2024-03-04T23:59:30+00:00");
	t = add_table(&r, "hours", "Hours", hours_cols, N(hours_cols));
	for (unsigned h = 0; h < 24; h++)
		add_u(t, ff_cell_u(h), 10, 5, h, 0);
	r.has_goals = false;
	out = render(&r, NULL);
	check_scan(out, 200);
	CHECK(!contains(out, "<h3>Pageviews and visits per day</h3>"));
	CHECK(contains(out, "<section class=\"panel full\">\n<h3>Visits by hour of day</h3>"));
	CHECK_INT(count(out, "<h3>Visits by hour of day</h3>"), 1);
	CHECK(!contains(out, "<h3>Visits by weekday</h3>") && !contains(out, "<h3>Visits per day by weekday"));
	CHECK(contains(out, "<div class=\"label\">Period</div>"));
	CHECK(!contains(out, "class=\"card conv\""));
	free(out.p);
	ff_report_free(&r);
}

int main(void)
{
	ff_report r;
	memset(big, 'A', sizeof big - 1);
	test_sha256_vectors();
	test_scanner_catches();
	build(&r);
	test_hostile(&r);
	ff_report_free(&r);
	test_empty();
	test_zero();
	test_odd_dates();
	test_marketing_period();
	return CHECK_DONE("test_render_html");
}
