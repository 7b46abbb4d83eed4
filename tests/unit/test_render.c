/* test_render.c — the text, csv, tsv and json renderers over one synthetic
 * report full of hostile log strings, compared with golden files under
 * tests/unit/golden (FOOTFALL_REGEN=1 rewrites them), and properties
 * checked directly: no escape byte from the log reaches the text output,
 * csv cells are neutralised and parse back, json is valid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	LOGCOL("key", "Path"),
	COL("hits", "Hits", FF_COL_INT),
	COL("pageviews", "Pageviews", FF_COL_INT),
	COL("visits", "Visits", FF_COL_INT),
	COL("unique_visitors", "Unique visitors", FF_COL_INT),
};

static const ff_column status_cols[] = {
	COL("key", "Status", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
};

static const ff_column entry_cols[] = {
	LOGCOL("key", "Entry page"),
	COL("visits", "Visits", FF_COL_INT),
	COL("bounces", "Bounces", FF_COL_INT),
	RATE("bounce_rate", "Bounce rate", 2, 1),
	COL("conversions", "Conversions", FF_COL_INT),
};

static const ff_column hosts_cols[] = {
	LOGCOL("key", "Host"),
	COL("hits", "Hits", FF_COL_INT),
	COL("bytes", "Bytes", FF_COL_BYTES),
};

/* Not a SPEC report: every remaining kind, and program text (not from
 * the log) that starts like a formula. */
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
	{ "old/access.log.1.gz", "gzip", 567, 67, 4321, "truncated gzip stream" },
};

static void build(ff_report *r)
{
	memset(r, 0, sizeof *r);
	ff_report_add_note(r, "format: combined (detected)");
	ff_report_add_note(r, "site hosts inferred: www.example.com, \x1b]0;evil\x07.example.com");

	r->with_summary = true;
	ff_table_init(&r->summary, "summary", "Summary", summary_cols, N(summary_cols));
	ff_cell *s = ff_table_add_row(&r->summary);
	uint64_t counts[] = { 1234567, 1234000, 567, 3, 1200000, 1234567890, 4321, 654321, 40000, 25000, 17000 };
	for (size_t i = 0; i < N(counts); i++)
		s[i] = ff_cell_u(counts[i]);
	s[12] = ff_cell_d(185.4);
	s[13] = ff_cell_d(45.0);
	s[14] = ff_cell_d(16.3580250000000007);
	s[15] = ff_cell_u(1234);
	s[16] = KEY("2024-03-01T00:00:05+01:00");
	s[17] = ff_cell_null();
	s[18] = KEY("combined");
	ff_table_derive_rates(&r->summary);

	ff_table *t = add_table(r, "pages", "Pages", pages_cols, N(pages_cols));
	t->note = "top 18 by hits";
	t->ranked = true;
	t->bar_col = 1;
	add_u(t, KEY("/"), 500000, 300000, 20000, 15000);
	add_u(t, KEY("/caf\xc3\xa9"), 120000, 100000, 9000, 8000);
	add_u(t, KEY("<script>alert(1)</script>"), 90000, 9, 8, 7);
	add_u(t, KEY("\"><img src=x onerror=alert(1)>"), 80000, 8, 7, 6);
	add_u(t, KEY("=HYPERLINK(\"http://x\")"), 70000, 7, 6, 5);
	add_u(t, KEY("+cmd"), 60000, 6, 5, 4);
	add_u(t, KEY("-2+3"), 50000, 5, 4, 3);
	add_u(t, KEY("@SUM(A1)"), 40000, 4, 3, 2);
	add_u(t, KEY("\x1b[31mred"), 30000, 3, 2, 1);
	add_u(t, KEY("nul\0byte"), 20000, 2, 1, 1);
	add_u(t, KEY("\xff\xfe"), 10000, 1, 1, 1);
	add_u(t, KEY("tab\there\nnewline"), 9000, 1, 1, 1);
	add_u(t, KEY("\tlead tab"), 8000, 1, 1, 1);
	add_u(t, KEY("\rlead cr, \"quoted\""), 7000, 1, 1, 1);
	add_u(t, KEY("/a/rather/long/path/that/does/not/fit/in/eighty/columns/with/four/numbers/beside/it.html"),
	      6000, 5000, 4000, 3000);
	add_u(t, KEY("C1 \xc2\x9b" "2J and bidi \xe2\x80\xae" "txt.exe"), 5000, 1, 1, 1);
	add_u(t, KEY("/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 4000, 300, 200, 100);
	add_u(t, KEY("back\\slash"), 3000, 1, 1, 1);
	add_u(t, KEY("/rare/1"), 20, 10, 5, 5);
	add_u(t, KEY("/rare/2"), 10, 5, 4, 4);
	add_u(t, KEY("/rare/3"), 10, 5, 3, 3);
	ff_table_sort_ranked(t);
	ff_table_cut(t, 18);

	t = add_table(r, "status", "Status codes", status_cols, N(status_cols));
	t->ranked = true;
	t->bar_col = 1;
	add_u(t, ff_cell_u(200), 900000, 0, 0, 0);
	add_u(t, ff_cell_u(404), 50000, 0, 0, 0);
	add_u(t, ff_cell_u(304), 200000, 0, 0, 0);
	add_u(t, ff_cell_u(500), 30, 0, 0, 0);
	add_u(t, ff_cell_u(301), 49970, 0, 0, 0);
	ff_table_sort_ranked(t);
	ff_table_cut(t, 3);

	t = add_table(r, "entry_pages", "Entry pages", entry_cols, N(entry_cols));
	t->ranked = true;
	add_u(t, KEY("/"), 20000, 8500, 0, 120);
	add_u(t, KEY("/landing"), 3, 1, 0, 1);
	add_u(t, KEY("=cmd|' /C calc'!A0"), 2, 2, 0, 0);
	add_u(t, KEY("/never-bounced"), 1, 0, 0, 1);
	add_u(t, KEY("/a"), 1, 1, 0, 0);
	add_u(t, KEY("/b"), 1, 1, 0, 0);
	ff_table_sort_ranked(t);
	ff_table_derive_rates(t);
	ff_table_cut(t, 4);

	t = add_table(r, "hosts", "Hosts", hosts_cols, N(hosts_cols));
	t->ranked = true;
	t->bar_col = 2;
	add_u(t, KEY("192.0.2.1"), 5000, 5368709120ULL, 0, 0);
	add_u(t, KEY("192.0.2.2"), 400, 1234567, 0, 0);
	add_u(t, KEY("2001:db8::1"), 30, 1536, 0, 0);
	add_u(t, KEY("198.51.100.7"), 2, 512, 0, 0);
	add_u(t, KEY("(host name)"), 1, 0, 0, 0);
	ff_table_sort_ranked(t);

	t = add_table(r, "timing", "Timing", timing_cols, N(timing_cols));
	t->note = "synthetic: every kind of cell";
	const double durations[] = { 0, 45, 185, 3720, 93784, NAN };
	const double diffs[] = { -0.25, 1234.5, 0.1, 1e20, -3, 0 };
	const char *steps[] = { "-literal", "=not from the log", "three", "four", "five", "six" };
	for (size_t i = 0; i < N(durations); i++) {
		ff_cell *row = ff_table_add_row(t);
		row[0] = ff_cell_s(ff_sv_cstr(steps[i]));
		row[1] = i == 5 ? ff_cell_null() : ff_cell_d(durations[i]);
		row[2] = ff_cell_d(diffs[i]);
		row[3].null = i == 4;
		row[3].v.b = i == 0;
	}

	add_table(r, "goals", "Goals", goals_cols, N(goals_cols));

	r->inputs = inputs;
	r->n_inputs = N(inputs);
}

/* --- output capture and golden files ------------------------------------ */

enum fmt { TEXT, CSV, TSV, JSON };

static struct text render(const ff_report *r, enum fmt fmt, const ff_render_opts *o)
{
	struct text t = { NULL, 0 };
	FILE *f = open_memstream(&t.p, &t.n);
	if (!f) {
		perror("open_memstream");
		exit(2);
	}
	if (fmt == TEXT)
		ff_render_text(f, r, o);
	else if (fmt == JSON)
		ff_render_json(f, r, o);
	else
		ff_render_csv(f, r, o, fmt == TSV ? '\t' : ',');
	fclose(f);
	return t;
}

/* --- text --------------------------------------------------------------- */

/* Columns a line of our output takes on a terminal: SGR sequences take
 * none, the CJK test key takes two per character. */
static size_t line_width(const char *p, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0x1b) {
			while (i < n && p[i] != 'm')
				i++;
			i++;
			continue;
		}
		size_t step = ff_utf8_seq_len((const unsigned char *)p + i, n - i);
		if (step == 0)
			step = 1;
		w += step == 3 && c >= 0xe3 && c <= 0xe9 ? 2 : 1;
		i += step;
	}
	return w;
}

static size_t widest_line(struct text t)
{
	size_t widest = 0;
	for (size_t i = 0; i < t.n;) {
		const char *nl = memchr(t.p + i, '\n', t.n - i);
		size_t end = nl ? (size_t)(nl - t.p) : t.n;
		size_t w = line_width(t.p + i, end - i);
		if (w > widest)
			widest = w;
		i = end + 1;
	}
	return widest;
}

static bool has_trailing_blank(struct text t)
{
	for (size_t i = 1; i < t.n; i++)
		if (t.p[i] == '\n' && t.p[i - 1] == ' ')
			return true;
	return false;
}

/* Every ESC is one of our own SGR sequences: bold, dim or reset. */
static bool only_own_escapes(struct text t)
{
	for (size_t i = 0; i < t.n; i++) {
		if (t.p[i] != 0x1b)
			continue;
		if (i + 4 > t.n || t.p[i + 1] != '[' || t.p[i + 3] != 'm' || !strchr("012", t.p[i + 2]))
			return false;
	}
	return true;
}

static void test_text(const ff_report *r)
{
	ff_render_opts o = { .separators = true, .width = 80 };
	struct text t = render(r, TEXT, &o);
	golden("render.txt", t);
	CHECK(memchr(t.p, 0x1b, t.n) == NULL);
	CHECK(memchr(t.p, 0, t.n) == NULL);
	CHECK(valid_utf8(t));
	CHECK(!has_trailing_blank(t));
	CHECK_INT(widest_line(t), 80);
	CHECK(contains(t, "\\x1b[31mred"));
	CHECK(contains(t, "nul\\x00byte"));
	CHECK(contains(t, "\\xff\\xfe"));
	CHECK(contains(t, "tab\\there\\nnewline"));
	CHECK(contains(t, "back\\\\slash"));
	CHECK(contains(t, "C1 \\xc2\\x9b2J and b\xe2\x80\xa6 \\xe2\\x80\\xaetxt.exe")); /* cut in the middle */
	CHECK(contains(t, "\\x1b]0;evil\\x07.example.com"));
	CHECK(contains(t, "caf\xc3\xa9"));
	CHECK(contains(t, "\xe2\x80\xa6")); /* the long path is cut */
	CHECK(contains(t, "\n  Bounce rate                    42.5%\n"));
	CHECK(contains(t, "\n  Mean visit duration           3m 05s\n"));
	CHECK(contains(t, "\n  Median visit duration            45s\n"));
	CHECK(contains(t, "\n  Bytes                  1,234,567,890 (1.1 GiB)\n"));
	CHECK(contains(t, "\n  Last request           -\n"));
	CHECK(contains(t, "\n  First request          2024-03-01T00:00:05+01:00\n"));
	CHECK(contains(t, "\n  (others)"));
	CHECK(contains(t, "Goals\n  (no rows)\n"));
	CHECK(contains(t, "1h 02m"));
	CHECK(contains(t, "1d 02h"));
	CHECK(contains(t, "(5.0 GiB)"));
	CHECK(contains(t, "(512 B)"));
	CHECK(contains(t, "\n       404   50,000\n"));
	free(t.p);

	o.separators = false;
	t = render(r, TEXT, &o);
	golden("render_plain.txt", t);
	CHECK(contains(t, "1234567890 (1.1 GiB)"));
	CHECK(!contains(t, "1,2"));
	free(t.p);

	o = (ff_render_opts){ .separators = true, .color = true, .bars = true, .width = 100 };
	t = render(r, TEXT, &o);
	golden("render_color.txt", t);
	CHECK(only_own_escapes(t));
	CHECK(contains(t, "\x1b[1mPages\x1b[0m\n"));
	CHECK(contains(t, "\x1b[2m  (others)"));
	CHECK(contains(t, "\xe2\x96\x88")); /* a full block */
	CHECK(memchr(t.p, 0, t.n) == NULL);
	CHECK(!has_trailing_blank(t));
	CHECK(widest_line(t) <= 100);
	free(t.p);

	o = (ff_render_opts){ .separators = true, .width = 40 };
	t = render(r, TEXT, &o);
	golden("render_narrow.txt", t);
	free(t.p);

	o = (ff_render_opts){ .separators = true, .wide = true };
	t = render(r, TEXT, &o);
	golden("render_wide.txt", t);
	CHECK(!contains(t, "\xe2\x80\xa6"));
	CHECK(contains(t, "/four/numbers/beside/it.html  "));
	CHECK(contains(t, "C1 \\xc2\\x9b2J and bidi \\xe2\\x80\\xaetxt.exe  "));
	free(t.p);

	/* ASCII (a locale that is not UTF-8, TERM=dumb): '#' bars and "..."
	 * cuts, nothing outside ASCII but the log's own text */
	o = (ff_render_opts){ .separators = true, .bars = true, .ascii = true, .width = 80 };
	t = render(r, TEXT, &o);
	CHECK(contains(t, "..."));
	CHECK(!contains(t, "\xe2\x80\xa6"));
	CHECK(!contains(t, "\xe2\x96"));
	CHECK(memchr(t.p, 0x1b, t.n) == NULL);
	CHECK(widest_line(t) <= 80);
	free(t.p);
	o.width = 200;
	t = render(r, TEXT, &o);
	/* the largest row's bar is full, the others row has none */
	CHECK(contains(t, "900,000  ##########\n"));
	CHECK(contains(t, "\n  (others)   50,000\n"));
	free(t.p);

	/* width 0 (not a terminal): nothing cut, whatever the length */
	o = (ff_render_opts){ .separators = true, .width = 0 };
	t = render(r, TEXT, &o);
	CHECK(!contains(t, "\xe2\x80\xa6"));
	CHECK(contains(t, "/four/numbers/beside/it.html  "));
	free(t.p);

	/* too narrow for any table: one block of names and values per row,
	 * still within the width */
	o = (ff_render_opts){ .separators = true, .width = 40 };
	t = render(r, TEXT, &o);
	CHECK(widest_line(t) <= 40);
	CHECK(contains(t, "\n  /caf\xc3\xa9\n    Hits             120,000\n"));
	free(t.p);

	/* no options: the defaults (separators, 80 columns) */
	t = render(r, TEXT, NULL);
	struct text d = render(r, TEXT, &(ff_render_opts){ .separators = true, .width = 80 });
	CHECK(t.n == d.n && memcmp(t.p, d.p, t.n) == 0);
	free(t.p);
	free(d.p);
}

/* --- csv and tsv ---------------------------------------------------------- */

/* An RFC 4180 reader for checking: one record per call into fields (each
 * malloc'd), returns the field count, 0 at an empty line, -1 at the end,
 * -2 on a syntax error. */
static int csv_record(const char **pp, const char *end, char **fields, int max)
{
	const char *p = *pp;
	int n = 0;
	if (p >= end)
		return -1;
	if (*p == '\n') {
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		char *field = malloc((size_t)(end - p) + 1);
		size_t len = 0;
		if (p < end && *p == '"') {
			for (p++;; p++) {
				if (p >= end) {
					free(field);
					return -2;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"')
						field[len++] = *p++;
					else
						break;
				} else {
					field[len++] = *p;
				}
			}
			p++;
		} else {
			while (p < end && *p != ',' && *p != '\n') {
				if (*p == '"' || *p == '\r') {
					free(field);
					return -2;
				}
				field[len++] = *p++;
			}
		}
		field[len] = 0;
		if (n < max)
			fields[n++] = field;
		else
			free(field);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p >= end || *p != '\n')
			return -2;
		*pp = p + 1;
		return n;
	}
}

struct csv_stats {
	int tables, rows, bad;
	bool found_hyperlink, found_newline_key, found_plain_hyperlink, found_nul_escaped, found_neg_real;
	bool found_program_minus;
};

static void csv_check(struct text t, struct csv_stats *st)
{
	const char *p = t.p, *end = t.p + t.n;
	char *fields[64];
	int width = -1, n;
	memset(st, 0, sizeof *st);
	while ((n = csv_record(&p, end, fields, 64)) != -1) {
		if (n == -2) {
			st->bad++;
			break;
		}
		if (n == 0) {
			width = -1;
			continue;
		}
		if (width < 0) {
			width = n;
			st->tables++;
		} else {
			st->rows++;
			if (n != width)
				st->bad++;
		}
		for (int i = 0; i < n; i++) {
			if (strcmp(fields[i], "'=HYPERLINK(\"http://x\")") == 0)
				st->found_hyperlink = true;
			if (strcmp(fields[i], "=HYPERLINK(\"http://x\")") == 0)
				st->found_plain_hyperlink = true;
			if (strcmp(fields[i], "tab\there\nnewline") == 0)
				st->found_newline_key = true;
			if (strcmp(fields[i], "nul\\x00byte") == 0)
				st->found_nul_escaped = true;
			if (strcmp(fields[i], "-0.25") == 0)
				st->found_neg_real = true;
			if (strcmp(fields[i], "-literal") == 0)
				st->found_program_minus = true;
			free(fields[i]);
		}
	}
}

static void test_csv(const ff_report *r)
{
	ff_render_opts o = { .separators = true };
	struct csv_stats st;

	struct text t = render(r, CSV, &o);
	golden("render.csv", t);
	CHECK(valid_utf8(t));
	CHECK(memchr(t.p, 0, t.n) == NULL);
	CHECK(memchr(t.p, 0x1b, t.n) == NULL);
	csv_check(t, &st);
	CHECK_INT(st.bad, 0);
	CHECK_INT(st.tables, 7); /* the summary and six tables */
	CHECK_INT(st.rows, 1 + 19 + 4 + 5 + 5 + 6);
	CHECK(st.found_hyperlink && !st.found_plain_hyperlink);
	CHECK(st.found_newline_key);
	CHECK(st.found_nul_escaped);
	CHECK(st.found_neg_real);       /* numbers are never altered */
	CHECK(st.found_program_minus);  /* only text from the log is */
	CHECK(strncmp(t.p, "report,lines,valid,", 19) == 0);
	CHECK(contains(t, "\npages,C1 \\xc2\\x9b2J and bidi \\xe2\\x80\\xaetxt.exe,"));
	CHECK(contains(t, "\nsummary,1234567,1234000,567,3,1200000,1234567890,"));
	CHECK(contains(t, ",0.425,185.40000000000001,45,16.358025000000001,1234,2024-03-01T00:00:05+01:00,,combined\n") ||
	      contains(t, ",0.425,185.4,45,16.358025,1234,2024-03-01T00:00:05+01:00,,combined\n"));
	CHECK(contains(t, "\npages,'+cmd,"));
	CHECK(contains(t, "\npages,'-2+3,"));
	CHECK(contains(t, "\npages,'@SUM(A1),"));
	CHECK(contains(t, "\npages,'\t"));
	CHECK(contains(t, "\npages,\"'\rlead cr, \"\"quoted\"\"\","));
	CHECK(contains(t, "\npages,(others),"));
	CHECK(contains(t, "\nstatus,(others),"));
	CHECK(contains(t, "\nentry_pages,'=cmd|' /C calc'!A0,2,2,1,0\n"));
	CHECK(contains(t, "\n\nreport,key,visits,conversions,conversion_rate\n"));
	CHECK(t.n > 0 && t.p[t.n - 1] == '\n' && !contains(t, "\r\n"));
	CHECK(!contains(t, "\n\n\n"));
	free(t.p);

	o.csv_raw = true;
	t = render(r, CSV, &o);
	golden("render_raw.csv", t);
	csv_check(t, &st);
	CHECK_INT(st.bad, 0);
	CHECK(st.found_plain_hyperlink && !st.found_hyperlink);
	CHECK(contains(t, "\npages,+cmd,"));
	free(t.p);

	o.csv_raw = false;
	t = render(r, TSV, &o);
	golden("render.tsv", t);
	CHECK(valid_utf8(t));
	CHECK(contains(t, "\npages\ttab\\there\\nnewline\t9000\t"));
	CHECK(contains(t, "\npages\t'\\tlead tab\t"));
	CHECK(contains(t, "\npages\t'\\rlead cr, \"quoted\"\t"));
	CHECK(contains(t, "\npages\tback\\\\slash\t"));
	CHECK(contains(t, "\npages\t'=HYPERLINK(\"http://x\")\t"));
	/* every line of a table has as many fields as its header */
	{
		size_t tabs = 0, header_tabs = 0;
		bool at_header = true, ok = true;
		for (size_t i = 0; i < t.n; i++) {
			unsigned char c = (unsigned char)t.p[i];
			if (c == '\t') {
				tabs++;
			} else if (c == '\n') {
				if (i > 0 && t.p[i - 1] == '\n') {
					at_header = true;
					continue;
				}
				if (at_header)
					header_tabs = tabs, at_header = false;
				else if (tabs != header_tabs)
					ok = false;
				tabs = 0;
			} else if (c < 0x20 || c == 0x7f) {
				ok = false;
			}
		}
		CHECK(ok);
	}
	free(t.p);

	/* one report: a plain table, no `report` column */
	ff_report one = *r;
	one.with_summary = false;
	one.n_tables = 1;
	one.n_notes = 0;
	t = render(&one, CSV, &o);
	golden("render_one.csv", t);
	CHECK(strncmp(t.p, "key,hits,pageviews,visits,unique_visitors\n/,500000,", 51) == 0);
	CHECK(contains(t, "\n(others),"));
	free(t.p);

	/* only the summary: a plain table of one row */
	one.with_summary = true;
	one.n_tables = 0;
	t = render(&one, TSV, &o);
	CHECK(strncmp(t.p, "lines\tvalid\t", 12) == 0);
	CHECK(contains(t, "\n1234567\t1234000\t"));
	CHECK(!contains(t, "report"));
	free(t.p);

	/* nothing selected: nothing written */
	one.with_summary = false;
	t = render(&one, CSV, &o);
	CHECK_INT(t.n, 0);
	free(t.p);
}

/* --- json --------------------------------------------------------------- */

/* A strict JSON reader that only says whether the text is one valid
 * document of UTF-8 (RFC 8259). */
struct jp {
	const char *p, *end;
	int depth;
};

static void j_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static bool j_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool j_string(struct jp *j)
{
	if (!j_lit(j, "\""))
		return false;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (j->end - j->p < 2 || !strchr("\"\\/bfnrtu", j->p[1]))
				return false;
			if (j->p[1] == 'u') {
				if (j->end - j->p < 6)
					return false;
				for (int i = 2; i < 6; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]))
						return false;
				j->p += 6;
			} else {
				j->p += 2;
			}
			continue;
		}
		size_t step = ff_utf8_seq_len((const unsigned char *)j->p, (size_t)(j->end - j->p));
		if (step == 0)
			return false;
		j->p += step;
	}
	return false;
}

static bool j_digits(struct jp *j)
{
	const char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool j_number(struct jp *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!j_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!j_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!j_digits(j))
			return false;
	}
	return true;
}

static bool j_value(struct jp *j)
{
	bool ok;
	j_ws(j);
	if (j->p >= j->end || ++j->depth > 64)
		return false;
	char c = *j->p;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		j->p++;
		j_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		for (;;) {
			if (c == '{') {
				j_ws(j);
				if (!j_string(j))
					return false;
				j_ws(j);
				if (!j_lit(j, ":"))
					return false;
			}
			if (!j_value(j))
				return false;
			j_ws(j);
			if (j_lit(j, ","))
				continue;
			if (j->p < j->end && *j->p == close) {
				j->p++;
				break;
			}
			return false;
		}
		ok = true;
	} else if (c == '"') {
		ok = j_string(j);
	} else if (c == 't' || c == 'f' || c == 'n') {
		ok = j_lit(j, "true") || j_lit(j, "false") || j_lit(j, "null");
	} else {
		ok = j_number(j);
	}
	j->depth--;
	return ok;
}

static bool json_valid(struct text t)
{
	struct jp j = { t.p, t.p + t.n, 0 };
	if (!j_value(&j))
		return false;
	j_ws(&j);
	return j.p == j.end;
}

/* python3's json module as a second opinion, when it is installed:
 * 1 valid, 0 invalid, -1 no python3. */
static int python_json_valid(struct text t)
{
	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return -1;
	FILE *p = popen("python3 -c 'import json,sys; json.load(sys.stdin)' >/dev/null 2>&1", "w");
	if (!p)
		return -1;
	fwrite(t.p, 1, t.n, p);
	int status = pclose(p);
	return status == 0;
}

static void test_json(const ff_report *r)
{
	struct text t = render(r, JSON, NULL);
	golden("render.json", t);
	CHECK(json_valid(t));
	CHECK(valid_utf8(t));
	int py = python_json_valid(t);
	if (py < 0)
		printf("test_render: python3 not found, json checked by the built-in reader only\n");
	else
		CHECK_INT(py, 1);
	CHECK(strncmp(t.p, "{\n  \"summary\": {\n    \"lines\": 1234567,\n", 39) == 0);
	/* no rounding: the number reads back as the very double */
	const char *rate = memmem(t.p, t.n, "\"bounce_rate\": ", 15);
	CHECK(rate && strtod(rate + 15, NULL) == 17000.0 / 40000.0);
	CHECK(contains(t, "\"duration_mean\": 185.4,"));
	CHECK(contains(t, "\"duration_median\": 45,"));
	CHECK(contains(t, "\"last_time\": null,"));
	CHECK(contains(t, "\"bytes_read\": 98765432, \"error\": null}"));
	CHECK(contains(t, "\"error\": \"truncated gzip stream\"}"));
	CHECK(contains(t, "{\"key\": \"\\u001b[31mred\", \"hits\": 30000,"));
	CHECK(contains(t, "{\"key\": \"nul\\u0000byte\","));
	CHECK(contains(t, "{\"key\": \"\\\\xff\\\\xfe\","));
	CHECK(contains(t, "{\"key\": \"<script>alert(1)</script>\","));
	CHECK(contains(t, "{\"key\": \"=HYPERLINK(\\\"http://x\\\")\","));
	CHECK(contains(t, "{\"key\": null, \"others\": true, \"hits\": 40, \"pageviews\": 20,"));
	CHECK(contains(t, "{\"key\": 404, \"hits\": 50000}"));
	CHECK(contains(t, "{\"key\": null, \"others\": true, \"hits\": 50000}"));
	/* the others row's rate is recomputed from its summed parts: 1/2 */
	CHECK(contains(t, "{\"key\": null, \"others\": true, \"visits\": 2, \"bounces\": 1, \"bounce_rate\": 0.5,"));
	CHECK(contains(t, "\"diff\": -0.25,"));
	CHECK(contains(t, "{\"key\": \"six\", \"duration\": null,"));
	CHECK(contains(t, "\"control\": true}"));
	CHECK(contains(t, "\"goals\": []\n"));
	CHECK(contains(t, "\"notes\": [\n    \"format: combined (detected)\",\n"));
	CHECK(contains(t, "\\u001b]0;evil\\u0007.example.com"));
	/* "others" appears only on others rows */
	size_t others = 0;
	for (const char *p = t.p; (p = memmem(p, (size_t)(t.p + t.n - p), "\"others\"", 8)); p += 8)
		others++;
	CHECK_INT(others, 3);
	free(t.p);

	ff_report bare = *r;
	bare.with_summary = false;
	bare.n_tables = 0;
	bare.n_notes = 0;
	bare.n_inputs = 0;
	t = render(&bare, JSON, NULL);
	CHECK_STR(t.p, "{\n  \"inputs\": [],\n  \"reports\": {},\n  \"notes\": []\n}\n");
	CHECK(json_valid(t));
	free(t.p);
}

/* --- a 100 kB key, and a big table --------------------------------------- */

static const ff_column long_cols[] = {
	LOGCOL("key", "Referrer"),
	COL("visits", "Visits", FF_COL_INT),
	COL("hits", "Hits", FF_COL_INT),
};

static void test_long_key(void)
{
	enum { LONG = 100 * 1024 };
	char *big = malloc(LONG);
	big[0] = '=';
	for (size_t i = 1; i < LONG; i++)
		big[i] = (char)('a' + i % 26);
	big[LONG / 2] = 0x1b;
	ff_report r;
	memset(&r, 0, sizeof r);
	ff_table *t = add_table(&r, "referrers", "Referrers", long_cols, N(long_cols));
	add_u(t, ff_cell_s(ff_sv_make(big, LONG)), 3, 4, 0, 0);
	add_u(t, KEY("http://short.example/"), 1, 1, 0, 0);

	struct text out = render(&r, TEXT, &(ff_render_opts){ .separators = true, .width = 80 });
	CHECK(widest_line(out) <= 80);
	CHECK(out.n < 1000);
	CHECK(contains(out, "=bcdefghij"));
	CHECK(contains(out, "\xe2\x80\xa6"));
	free(out.p);

	out = render(&r, TEXT, &(ff_render_opts){ .wide = true });
	CHECK(out.n > LONG);
	CHECK(memchr(out.p, 0x1b, out.n) == NULL);
	CHECK(contains(out, "\\x1b"));
	CHECK(contains(out, "\n  http://short.example/ "));
	free(out.p);

	out = render(&r, CSV, NULL);
	CHECK(out.n > LONG);
	CHECK(strncmp(out.p, "key,visits,hits\n'=bcdefghij", 27) == 0);
	free(out.p);

	out = render(&r, JSON, NULL);
	CHECK(json_valid(out));
	CHECK(out.n > LONG);
	free(out.p);
	ff_report_free(&r);
	free(big);
}

/* No quadratic step: a table of many rows renders in every format in
 * about the time of writing it. */
static void test_many_rows(void)
{
	enum { ROWS = 200000 };
	ff_report r;
	memset(&r, 0, sizeof r);
	ff_table *t = add_table(&r, "pages", "Pages", pages_cols, N(pages_cols));
	t->bar_col = 1;
	enum { KEY_MAX = 16 };
	char *keys = malloc((size_t)ROWS * KEY_MAX);
	for (size_t i = 0; i < ROWS; i++) {
		int n = snprintf(keys + i * KEY_MAX, KEY_MAX, "/page/%zu", i);
		add_u(t, ff_cell_s(ff_sv_make(keys + i * KEY_MAX, (size_t)n)), ROWS - i, i, i / 2, i / 3);
	}
	FILE *null = fopen("/dev/null", "w");
	CHECK(null != NULL);
	if (!null) {
		ff_report_free(&r);
		free(keys);
		return;
	}
	clock_t start = clock();
	ff_render_text(null, &r, &(ff_render_opts){ .separators = true, .bars = true, .width = 80 });
	ff_render_csv(null, &r, NULL, ',');
	ff_render_csv(null, &r, NULL, '\t');
	ff_render_json(null, &r, NULL);
	double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	CHECK(!ferror(null));
	fclose(null);
	/* generous: sanitizers and slow machines; quadratic would take hours */
	CHECK(secs < 60);
	ff_report_free(&r);
	free(keys);
}

int main(void)
{
	ff_report r;
	build(&r);
	CHECK_INT(r.tables[0].n_rows, 19);
	CHECK(r.tables[0].has_others);
	test_text(&r);
	test_csv(&r);
	test_json(&r);
	ff_report_free(&r);
	test_long_key();
	test_many_rows();
	return CHECK_DONE("test_render");
}
