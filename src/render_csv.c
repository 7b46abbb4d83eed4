/* render_csv.c — an ff_report as CSV (RFC 4180) or TSV for scripts and
 * spreadsheets (SPEC §9, §12).  Headers are the stable column names of the
 * model.  One report (one table, or only the summary) gives one plain
 * table; several give one table each, each with its own header and a first
 * column `report`, separated by one empty line.  The summary is a table of
 * one row like any other.
 *
 * Choices a script can rely on:
 * - Lines end in LF, not CRLF: RFC 4180 allows it in practice and every
 *   CSV reader accepts it; a CR or LF inside a field is quoted (csv) or
 *   written \r \n (tsv).
 * - The "others" row has "(others)" as its key, as in the text report: a
 *   spreadsheet shows what it is, and `key != "(others)"` drops it.  JSON
 *   marks it with "others": true instead.
 * - Null cells are empty fields; rates are fractions 0..1 and durations
 *   seconds, written with the fewest digits that read back to the same
 *   double; booleans are true/false.
 * - csv: C0 control bytes other than tab, CR and LF, DEL, the bytes of
 *   hidden code points (C1 controls U+0080..U+009F, bidirectional
 *   controls: utf8.h) and bytes that are not valid UTF-8 are written \xHH (as JSON writes invalid bytes), so the file is UTF-8 text
 *   without NULs or terminal escape sequences.  Backslashes stay as they
 *   are.  tsv: no quoting; tab, LF, CR and backslash are written \t \n \r
 *   \\ and the same other bytes \xHH.
 * - Text from the log starting with = + - @, a tab or a CR gets a leading '
 *   unless --csv-raw, so a spreadsheet does not run it as a formula;
 *   numbers are never altered. */
#include "render.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static const ff_render_opts default_opts = { .separators = true };

/* A lone "-" (the row of hits without a method, protocol or country)
 * cannot start a formula, so it stays as written. */
static bool is_formula_start(ff_sv s)
{
	if (s.n == 1 && s.p[0] == '-')
		return false;
	return s.n > 0 && (s.p[0] == '=' || s.p[0] == '+' || s.p[0] == '-' || s.p[0] == '@' || s.p[0] == '\t' ||
			   s.p[0] == '\r');
}

static bool csv_needs_quotes(ff_sv s, char sep)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == sep || s.p[i] == '"' || s.p[i] == '\r' || s.p[i] == '\n')
			return true;
	return false;
}

/* The bytes of s, escaped for csv or tsv; runs of plain bytes are written
 * in one call.  What is plain is utf8.h's rule, shared by every writer of
 * log text. */
static void put_escaped(FILE *f, ff_sv s, bool tsv)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;

	while (i < s.n) {
		unsigned char c = p[i];
		size_t plain = ff_utf8_plain_len(p + i, s.n - i);
		char esc[5];
		if ((plain && c != '"' && !(tsv && c == '\\')) || (tsv && c == '"') ||
		    (!tsv && (c == '\t' || c == '\r' || c == '\n'))) {
			/* csv: quoting takes care of tab, CR and LF */
			if (!plain)
				plain = 1;
			i += plain, run += plain;
			continue;
		}
		if (run)
			fwrite(p + i - run, 1, run, f);
		run = 0;
		esc[0] = '\\', esc[2] = 0;
		if (c == '"')
			esc[0] = '"', esc[1] = '"';
		else if (c == '\\')
			esc[1] = '\\';
		else if (c == '\t')
			esc[1] = 't';
		else if (c == '\n')
			esc[1] = 'n';
		else if (c == '\r')
			esc[1] = 'r';
		else
			esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], esc[4] = 0;
		fputs(esc, f);
		i++;
	}
	if (run)
		fwrite(p + i - run, 1, run, f);
}

void ff_csv_cell(FILE *f, ff_sv s, bool neutralise, char sep)
{
	bool tsv = sep == '\t';
	bool quote = !tsv && csv_needs_quotes(s, sep);
	if (quote)
		putc('"', f);
	if (neutralise && is_formula_start(s))
		putc('\'', f);
	put_escaped(f, s, tsv);
	if (quote)
		putc('"', f);
}

/* The shortest of %.15g..%.17g that reads back as the same double: no
 * rounding (SPEC §13.14), and 0.1 stays 0.1. */
static void put_double(FILE *f, double d)
{
	char buf[40];
	if (!isfinite(d))
		return;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	fputs(buf, f);
}

static void put_cell(FILE *f, const ff_column *col, const ff_cell *c, const ff_render_opts *o, char sep)
{
	if (c->null)
		return;
	switch (col->kind) {
	case FF_COL_TEXT:
		ff_csv_cell(f, c->v.s, col->from_log && !o->csv_raw, sep);
		break;
	case FF_COL_INT:
	case FF_COL_BYTES:
		fprintf(f, "%" PRIu64, c->v.u);
		break;
	case FF_COL_RATE:
	case FF_COL_REAL:
	case FF_COL_SECONDS:
	case FF_COL_LATENCY:
		put_double(f, c->v.d);
		break;
	case FF_COL_BOOL:
		fputs(c->v.b ? "true" : "false", f);
		break;
	}
}

/* report is the value of the leading `report` column, or NULL for a plain
 * table. */
static void table(FILE *f, const ff_table *t, const char *report, const ff_render_opts *o, char sep)
{
	if (report) {
		ff_csv_cell(f, ff_sv_cstr("report"), false, sep);
		putc(sep, f);
	}
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			putc(sep, f);
		ff_csv_cell(f, ff_sv_cstr(t->cols[c].name), false, sep);
	}
	putc('\n', f);
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *row = ff_table_row(t, r);
		if (report) {
			ff_csv_cell(f, ff_sv_cstr(report), false, sep);
			putc(sep, f);
		}
		for (size_t c = 0; c < t->n_cols; c++) {
			if (c)
				putc(sep, f);
			if (c == 0 && t->has_others && r + 1 == t->n_rows)
				ff_csv_cell(f, ff_sv_cstr("(others)"), false, sep);
			else
				put_cell(f, &t->cols[c], &row[c], o, sep);
		}
		putc('\n', f);
	}
}

void ff_render_csv(FILE *f, const ff_report *r, const ff_render_opts *o, char sep)
{
	if (!o)
		o = &default_opts;
	bool multi = (r->with_summary ? 1 : 0) + r->n_tables > 1, first = true;
	if (r->with_summary) {
		const char *name = r->summary.name ? r->summary.name : "summary";
		table(f, &r->summary, multi ? name : NULL, o, sep);
		first = false;
	}
	for (size_t i = 0; i < r->n_tables; i++) {
		if (!first)
			putc('\n', f);
		table(f, &r->tables[i], multi ? r->tables[i].name : NULL, o, sep);
		first = false;
	}
}
