/* report.h — reports as format-neutral tables (SPEC §8, §12).
 *
 * Analysis fills tables; renderers (text, csv, tsv, json, html) only read
 * them.  A table owns its cells; text cells are views whose bytes belong to
 * the run (interned strings or literals) and stay valid while the report
 * lives.  Column names are the stable interface of SPEC §12: JSON keys and
 * CSV/TSV headers.  Rates are derived here, once, from their numerator and
 * denominator columns, also for the "others" row. */
#ifndef FF_REPORT_H
#define FF_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

enum ff_col_kind {
	FF_COL_TEXT,  /* text; escaped by every renderer */
	FF_COL_INT,   /* unsigned count or code */
	FF_COL_RATE,  /* fraction 0..1; text and html show a percentage */
	FF_COL_REAL,  /* other real numbers (statistics, pages per visit) */
	FF_COL_SECONDS, /* a duration in seconds (real); text shows 3m 05s */
	FF_COL_LATENCY, /* a response time in seconds (real); text shows 123 ms */
	FF_COL_BYTES, /* a byte count (unsigned); text adds 1.2 MiB */
	FF_COL_BOOL,
};

typedef struct ff_column {
	const char *name;  /* snake_case, stable (SPEC §12) */
	const char *title; /* for people: text and html headers */
	enum ff_col_kind kind;
	bool from_log;     /* text that came from the log: csv neutralises it */
	/* FF_COL_RATE columns derived as cells[num] / cells[den] (0 when the
	 * denominator is 0); -1 when the analysis fills the value itself. */
	int num, den;
	/* FF_COL_REAL only: how text and html show the value (csv, tsv and
	 * json always give it unrounded) */
	enum ff_col_show {
		FF_SHOW_PLAIN,
		FF_SHOW_PP,     /* a rate difference: "+3.1 pp" */
		FF_SHOW_PVALUE, /* "0.052", "< 0.001" */
		FF_SHOW_LIFT,   /* a relative change: "+155%" */
	} show;
} ff_column;

typedef struct ff_cell {
	bool null;
	union {
		uint64_t u;
		double d;
		bool b;
		ff_sv s;
	} v;
} ff_cell;

typedef struct ff_table {
	const char *name;   /* report name, e.g. "pages" */
	const char *title;  /* e.g. "Pages" */
	const char *note;   /* one line shown with the table, or NULL */
	const char *empty;  /* text and html say this instead of an empty
			       table ("not configured ..."), or NULL */
	const ff_column *cols; /* cols[0] is the key */
	size_t n_cols;
	ff_cell *cells;     /* row-major: n_rows * n_cols */
	size_t n_rows, cap_rows;
	bool has_others;    /* the last row is the "others" row (null key) */
	bool ranked;        /* ranked reports are cut to --top; others fixed */
	int bar_col;        /* column whose share text/html draw as a bar, or -1 */
	int sort_col;       /* ranked: the column sorted by, descending; 0
			       for the first metric column */
	/* A ranked table that will be cut to `limit` rows keeps at most about
	 * twice that many while it is filled: the rows that cannot make the
	 * cut are summed into `spill` at once, so a report over a million
	 * keys never holds a million rows.  0: no limit. */
	size_t limit;
	ff_cell *spill;     /* n_cols sums of the rows dropped so far */
	uint64_t spilled;   /* how many rows were dropped */
	/* The spill also holds the counts of keys the analysis never kept
	 * (a key table at its --max-keys cap): the others row is shown even
	 * when no row was cut. */
	bool unkept;
} ff_table;

/* What the run knows about one input file (JSON `inputs`). */
typedef struct ff_input_facts {
	const char *name;        /* as given on the command line, "-" for stdin */
	const char *compression; /* "none" or "gzip" */
	uint64_t lines, invalid;
	uint64_t bytes_read;
	const char *error;       /* NULL, or why reading stopped early */
} ff_input_facts;

/* The summary is a table with one row; its columns are the summary keys
 * (SPEC §12), in order. */
typedef struct ff_report {
	bool with_summary;  /* false when --report left the summary out */
	ff_table summary;
	ff_table *tables;   /* in the order they are to be shown */
	size_t n_tables, cap_tables;
	char **notes;       /* lines for people: format used, site hosts
			       inferred, caps applied... (text/html header) */
	size_t n_notes;
	const ff_input_facts *inputs; /* borrowed from the run */
	size_t n_inputs;
	/* For the HTML header only (SPEC §12 keeps the machine formats free
	 * of the wall clock): the site's name (the first configured host or
	 * the inferred one; empty when unknown), when the report was made
	 * (seconds since the epoch, SOURCE_DATE_EPOCH when set; -1 unknown)
	 * and footfall's version (NULL: not shown). */
	ff_sv site;
	int64_t generated;
	/* goals configured (the goals report built): visits converting on at
	 * least one goal, for the HTML card */
	bool has_goals;
	uint64_t converted;
	const char *version;
	/* Drawn as a chart only (html), never shown as a report: the median
	 * and 95th percentile response times (key a day YYYY-MM-DD, or an
	 * hour HH:00 when the report covers one day; hits, p50, p95).
	 * n_cols 0 when the log carries no durations. */
	ff_table response_trend;
	char **owned;       /* strings the cells point into (ff_report_keep) */
	size_t n_owned, cap_owned;
} ff_report;

void ff_table_init(ff_table *t, const char *name, const char *title, const ff_column *cols, size_t n_cols);
/* Appends a zeroed row and returns its first cell; NULL when out of memory. */
ff_cell *ff_table_add_row(ff_table *t);
static inline ff_cell *ff_table_row(const ff_table *t, size_t row)
{
	return t->cells + row * t->n_cols;
}
/* Sorts by the first metric column (cols[1], or sort_col) descending, then the key
 * ascending (bytes, or numbers for FF_COL_INT keys) — SPEC §13.22. */
void ff_table_sort_ranked(ff_table *t);
/* Sorts by the key ascending (time series). */
void ff_table_sort_by_key(ff_table *t);
/* Keeps the first top rows (0: all) and sums the rest into an "others"
 * row (integer columns summed, rates re-derived, text null).  Counts
 * given to ff_table_add_unkept join that row, which then exists whatever
 * top is. */
int ff_table_cut(ff_table *t, size_t top);
/* Adds the counts of keys that were never kept (sums: n_cols cells of
 * which the integer and byte columns are added, the rest ignored) to the
 * table's "others" row.  Call before ff_table_cut.  -1 when out of
 * memory. */
int ff_table_add_unkept(ff_table *t, const ff_cell *sums);
/* A cell as a non-negative magnitude for bars and charts: integers as they
 * are, finite positive reals, 0 for null, text and anything else. */
double ff_cell_magnitude(const ff_column *col, const ff_cell *c);
/* A real cell of a column whose show is not FF_SHOW_PLAIN, as text and
 * html show it (the figures of experiment verdicts, stats.h); out has
 * room for 32 bytes.  0, with nothing written, for FF_SHOW_PLAIN. */
size_t ff_cell_show(const ff_column *col, double d, char *out);
/* Fills derived rate columns of every row. */
void ff_table_derive_rates(ff_table *t);
void ff_table_free(ff_table *t);

ff_table *ff_report_add_table(ff_report *r);
int ff_report_add_note(ff_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const ff_table *ff_report_find(const ff_report *r, const char *name);
/* A copy of bytes owned by the report, for cells; FF_SV_NULL when out of
 * memory. */
ff_sv ff_report_keep(ff_report *r, const char *bytes, size_t n);
void ff_report_free(ff_report *r);

static inline ff_cell ff_cell_u(uint64_t u)
{
	ff_cell c = { .null = false };
	c.v.u = u;
	return c;
}
static inline ff_cell ff_cell_d(double d)
{
	ff_cell c = { .null = false };
	c.v.d = d;
	return c;
}
static inline ff_cell ff_cell_s(ff_sv s)
{
	ff_cell c = { .null = false };
	c.v.s = s;
	return c;
}
static inline ff_cell ff_cell_null(void)
{
	ff_cell c = { .null = true };
	return c;
}

#endif
