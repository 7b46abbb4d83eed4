/* report.c — the table model between analysis and renderers: rows, the
 * deterministic order of SPEC §13.22, the --top cut with its "others" row,
 * and rates derived from their parts. */
#include "report.h"
#include "stats.h"
#include "summary.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ff_table_init(ff_table *t, const char *name, const char *title, const ff_column *cols, size_t n_cols)
{
	memset(t, 0, sizeof *t);
	t->name = name;
	t->title = title;
	t->cols = cols;
	t->n_cols = n_cols;
	t->bar_col = -1;
}

static void sort_rows(ff_table *t, bool ranked);

static void add_ints(const ff_table *t, ff_cell *to, const ff_cell *from)
{
	for (size_t c = 1; c < t->n_cols; c++)
		if (t->cols[c].kind == FF_COL_INT || t->cols[c].kind == FF_COL_BYTES)
			to[c].v.u = ff_add_sat(to[c].v.u, from[c].v.u);
}

/* Keeps the best `limit` rows and sums the others into the spill. */
static int compact(ff_table *t)
{
	if (!t->spill && !(t->spill = calloc(t->n_cols, sizeof *t->spill)))
		return -1;
	sort_rows(t, true);
	for (size_t r = t->limit; r < t->n_rows; r++)
		add_ints(t, t->spill, ff_table_row(t, r));
	t->spilled += t->n_rows - t->limit;
	t->n_rows = t->limit;
	return 0;
}

ff_cell *ff_table_add_row(ff_table *t)
{
	if (t->limit && t->n_rows >= 2 * t->limit && t->n_rows == t->cap_rows && compact(t) != 0)
		return NULL;
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		ff_cell *c = realloc(t->cells, cap * t->n_cols * sizeof *c);
		if (!c)
			return NULL;
		t->cells = c;
		t->cap_rows = cap;
	}
	ff_cell *row = t->cells + t->n_rows * t->n_cols;
	memset(row, 0, t->n_cols * sizeof *row);
	t->n_rows++;
	return row;
}

static int cmp_key(const ff_column *col, const ff_cell *a, const ff_cell *b)
{
	if (a->null != b->null)
		return a->null ? 1 : -1;
	if (a->null)
		return 0;
	switch (col->kind) {
	case FF_COL_TEXT:
		return ff_sv_cmp(a->v.s, b->v.s);
	case FF_COL_INT:
	case FF_COL_BYTES:
		return (a->v.u > b->v.u) - (a->v.u < b->v.u);
	case FF_COL_RATE:
	case FF_COL_REAL:
	case FF_COL_SECONDS:
	case FF_COL_LATENCY:
		return (a->v.d > b->v.d) - (a->v.d < b->v.d);
	case FF_COL_BOOL:
		return (int)a->v.b - (int)b->v.b;
	}
	return 0;
}


static int cmp_rows(const ff_table *t, bool ranked, const ff_cell *a, const ff_cell *b)
{
	if (ranked && t->n_cols > 1) {
		size_t k = t->sort_col > 0 && (size_t)t->sort_col < t->n_cols ? (size_t)t->sort_col : 1;
		int c = cmp_key(&t->cols[k], a + k, b + k);
		if (c != 0)
			return -c;
	}
	return cmp_key(&t->cols[0], a, b);
}

/* Merge sort on row indices: stable, no global state, O(n log n). */
static void sort_rows(ff_table *t, bool ranked)
{
	size_t n = t->n_rows - (t->has_others ? 1 : 0);
	if (n < 2)
		return;
	size_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
	ff_cell *out = malloc(n * t->n_cols * sizeof *out);
	if (!idx || !tmp || !out) {
		free(idx), free(tmp), free(out);
		return;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				if (cmp_rows(t, ranked, ff_table_row(t, idx[j]), ff_table_row(t, idx[i])) < 0)
					tmp[k++] = idx[j++];
				else
					tmp[k++] = idx[i++];
			}
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		size_t *sw = idx;
		idx = tmp;
		tmp = sw;
	}
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * t->n_cols, ff_table_row(t, idx[i]), t->n_cols * sizeof *out);
	memcpy(t->cells, out, n * t->n_cols * sizeof *out);
	free(idx), free(tmp), free(out);
}

void ff_table_sort_ranked(ff_table *t)
{
	sort_rows(t, true);
}

void ff_table_sort_by_key(ff_table *t)
{
	sort_rows(t, false);
}

static void derive_row(const ff_table *t, ff_cell *row)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		if (col->kind != FF_COL_RATE || col->num < 0 || col->den < 0)
			continue;
		const ff_cell *num = &row[col->num], *den = &row[col->den];
		row[c].null = false;
		row[c].v.d = den->v.u ? (double)num->v.u / (double)den->v.u : 0.0;
	}
}

void ff_table_derive_rates(ff_table *t)
{
	for (size_t r = 0; r < t->n_rows; r++)
		derive_row(t, ff_table_row(t, r));
}

int ff_table_add_unkept(ff_table *t, const ff_cell *sums)
{
	if (!t->spill && !(t->spill = calloc(t->n_cols, sizeof *t->spill)))
		return -1;
	add_ints(t, t->spill, sums);
	t->unkept = true;
	return 0;
}

int ff_table_cut(ff_table *t, size_t top)
{
	bool cut = top && t->n_rows > top;
	if (t->has_others || (!cut && !t->spilled && !t->unkept))
		return 0;
	ff_cell *others;
	if (cut) {
		others = ff_table_row(t, top);
		for (size_t r = top + 1; r < t->n_rows; r++)
			add_ints(t, others, ff_table_row(t, r));
		t->n_rows = top + 1;
	} else {
		/* every row dropped was spilled, or none was and only keys
		 * never kept are left: others is the spill alone */
		if (!(others = ff_table_add_row(t)))
			return -1;
	}
	if (t->spill)
		add_ints(t, others, t->spill);
	others[0] = ff_cell_null();
	for (size_t c = 1; c < t->n_cols; c++)
		if (t->cols[c].kind != FF_COL_INT && t->cols[c].kind != FF_COL_BYTES)
			others[c] = ff_cell_null();
	t->has_others = true;
	derive_row(t, others);
	return 0;
}

void ff_table_free(ff_table *t)
{
	free(t->spill);
	t->spill = NULL;
	free(t->cells);
	t->cells = NULL;
	t->n_rows = t->cap_rows = 0;
}

ff_table *ff_report_add_table(ff_report *r)
{
	if (r->n_tables == r->cap_tables) {
		size_t cap = r->cap_tables ? r->cap_tables * 2 : 64;
		ff_table *t = realloc(r->tables, cap * sizeof *t);
		if (!t)
			return NULL;
		r->tables = t;
		r->cap_tables = cap;
	}
	ff_table *t = &r->tables[r->n_tables++];
	memset(t, 0, sizeof *t);
	t->bar_col = -1;
	return t;
}

int ff_report_add_note(ff_report *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char **notes = realloc(r->notes, (r->n_notes + 1) * sizeof *notes);
	if (!notes)
		return -1;
	r->notes = notes;
	if (!(notes[r->n_notes] = strdup(buf)))
		return -1;
	r->n_notes++;
	return 0;
}

const ff_table *ff_report_find(const ff_report *r, const char *name)
{
	if (strcmp(name, "summary") == 0)
		return &r->summary;
	for (size_t i = 0; i < r->n_tables; i++)
		if (strcmp(r->tables[i].name, name) == 0)
			return &r->tables[i];
	return NULL;
}

ff_sv ff_report_keep(ff_report *r, const char *bytes, size_t n)
{
	if (r->n_owned == r->cap_owned) {
		size_t cap = r->cap_owned ? r->cap_owned * 2 : 64;
		char **owned = realloc(r->owned, cap * sizeof *owned);
		if (!owned)
			return FF_SV_NULL;
		r->owned = owned;
		r->cap_owned = cap;
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return FF_SV_NULL;
	if (n)
		memcpy(copy, bytes, n);
	copy[n] = 0;
	r->owned[r->n_owned++] = copy;
	return ff_sv_make(copy, n);
}

void ff_report_free(ff_report *r)
{
	for (size_t i = 0; i < r->n_owned; i++)
		free(r->owned[i]);
	free(r->owned);
	ff_table_free(&r->summary);
	ff_table_free(&r->response_trend);
	for (size_t i = 0; i < r->n_tables; i++)
		ff_table_free(&r->tables[i]);
	free(r->tables);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

double ff_cell_magnitude(const ff_column *col, const ff_cell *c)
{
	if (c->null)
		return 0;
	switch (col->kind) {
	case FF_COL_INT:
	case FF_COL_BYTES:
		return (double)c->v.u;
	case FF_COL_RATE:
	case FF_COL_REAL:
	case FF_COL_SECONDS:
	case FF_COL_LATENCY:
		return isfinite(c->v.d) && c->v.d > 0 ? c->v.d : 0;
	default:
		return 0;
	}
}

size_t ff_cell_show(const ff_column *col, double d, char *out)
{
	switch (col->show) {
	case FF_SHOW_PP:
		return ff_fmt_pp(d, out);
	case FF_SHOW_PVALUE:
		return ff_fmt_pvalue(d, out);
	case FF_SHOW_LIFT:
		return ff_fmt_lift(d, out);
	case FF_SHOW_PLAIN:
		break;
	}
	return 0;
}
