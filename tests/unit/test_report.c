/* test_report.c — the table model under the renderers: the row order of
 * SPEC §13.22 (ranked, by key, stable), the --top cut with its "others"
 * row (sums, re-derived rates, nulls, counts of keys never kept), derived
 * rates, and the report's tables, notes and kept strings. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report.h"

enum { C_KEY, C_HITS, C_VISITS, C_BOUNCES, C_RATE, C_BYTES, C_MEAN, C_FLAG, C_FILLED, N_COLS };

static const ff_column cols[N_COLS] = {
	[C_KEY] = { "key", "Key", FF_COL_TEXT, true, -1, -1, FF_SHOW_PLAIN },
	[C_HITS] = { "hits", "Hits", FF_COL_INT, false, -1, -1, FF_SHOW_PLAIN },
	[C_VISITS] = { "visits", "Visits", FF_COL_INT, false, -1, -1, FF_SHOW_PLAIN },
	[C_BOUNCES] = { "bounces", "Bounces", FF_COL_INT, false, -1, -1, FF_SHOW_PLAIN },
	[C_RATE] = { "bounce_rate", "Bounce rate", FF_COL_RATE, false, C_BOUNCES, C_VISITS },
	[C_BYTES] = { "bytes", "Bytes", FF_COL_BYTES, false, -1, -1, FF_SHOW_PLAIN },
	[C_MEAN] = { "duration_mean", "Mean", FF_COL_SECONDS, false, -1, -1, FF_SHOW_PLAIN },
	[C_FLAG] = { "flag", "Flag", FF_COL_BOOL, false, -1, -1, FF_SHOW_PLAIN },
	/* a rate the analysis fills itself */
	[C_FILLED] = { "p_value", "p", FF_COL_RATE, false, -1, -1, FF_SHOW_PLAIN },
};

static ff_cell *add(ff_table *t, const char *key, uint64_t hits, uint64_t visits, uint64_t bounces,
		    uint64_t bytes)
{
	ff_cell *row = ff_table_add_row(t);
	if (!row)
		return NULL;
	row[C_KEY] = ff_cell_s(ff_sv_cstr(key));
	row[C_HITS] = ff_cell_u(hits);
	row[C_VISITS] = ff_cell_u(visits);
	row[C_BOUNCES] = ff_cell_u(bounces);
	row[C_BYTES] = ff_cell_u(bytes);
	row[C_MEAN] = ff_cell_d((double)hits / 2);
	row[C_FLAG].v.b = hits % 2;
	row[C_FILLED] = ff_cell_d(0.5);
	return row;
}

/* The keys of the table joined by ',' ("<null>" for a null key). */
static const char *keys(const ff_table *t)
{
	static char buf[4096];
	size_t o = 0;
	buf[0] = 0;
	for (size_t r = 0; r < t->n_rows && o < sizeof buf; r++) {
		const ff_cell *k = ff_table_row(t, r);
		if (t->cols[0].kind == FF_COL_INT && !k->null)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%llu", r ? "," : "",
					      (unsigned long long)k->v.u);
		else if (k->null)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s<null>", r ? "," : "");
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s", r ? "," : "", (int)k->v.s.n,
					      k->v.s.p);
	}
	return buf;
}

static void test_add_row(void)
{
	ff_table t;
	ff_table_init(&t, "pages", "Pages", cols, N_COLS);
	CHECK_STR(t.name, "pages");
	CHECK_INT(t.n_rows, 0);
	CHECK_INT(t.bar_col, -1);
	CHECK(!t.has_others);
	/* rows come zeroed, and earlier rows survive the growth */
	size_t wrong = 0;
	for (unsigned i = 0; i < 1000; i++) {
		ff_cell *row = ff_table_add_row(&t);
		for (size_t c = 0; c < N_COLS; c++)
			wrong += row[c].null || row[c].v.u != 0;
		row[C_HITS] = ff_cell_u(i);
	}
	for (unsigned i = 0; i < 1000; i++)
		wrong += ff_table_row(&t, i)[C_HITS].v.u != i;
	CHECK_INT(wrong, 0);
	CHECK_INT(t.n_rows, 1000);
	ff_table_free(&t);
	CHECK_INT(t.n_rows, 0);
	CHECK(t.cells == NULL);
	ff_table_free(&t); /* twice is harmless */
}

static void test_sort_ranked(void)
{
	ff_table t;
	ff_table_init(&t, "pages", "Pages", cols, N_COLS);
	add(&t, "/b", 5, 0, 0, 0);
	add(&t, "/a", 5, 0, 0, 0);
	add(&t, "/z", 9, 0, 0, 0);
	add(&t, "/", 1, 0, 0, 0);
	add(&t, "/\xc3\xa9t\xc3\xa9", 5, 0, 0, 0); /* bytes above ASCII sort after it */
	add(&t, "/B", 5, 0, 0, 0);                 /* upper case before lower case */
	add(&t, "/a/", 5, 0, 0, 0);                /* a prefix sorts first */
	add(&t, "", 5, 0, 0, 0);
	add(&t, "/big", UINT64_C(1) << 40, 0, 0, 0);
	ff_table_sort_ranked(&t);
	CHECK_STR(keys(&t), "/big,/z,,/B,/a,/a/,/b,/\xc3\xa9t\xc3\xa9,/");
	/* sorting again changes nothing */
	ff_table_sort_ranked(&t);
	CHECK_STR(keys(&t), "/big,/z,,/B,/a,/a/,/b,/\xc3\xa9t\xc3\xa9,/");
	/* the other cells move with their key */
	CHECK_INT(ff_table_row(&t, 0)[C_HITS].v.u, UINT64_C(1) << 40);
	CHECK(ff_table_row(&t, 0)[C_MEAN].v.d == (double)(UINT64_C(1) << 39));
	CHECK_INT(ff_table_row(&t, 1)[C_HITS].v.u, 9);
	ff_table_free(&t);

	/* keys that are numbers sort as numbers (status codes) */
	static const ff_column status_cols[] = {
		{ "key", "Status", FF_COL_INT, false, -1, -1, FF_SHOW_PLAIN },
		{ "hits", "Hits", FF_COL_INT, false, -1, -1, FF_SHOW_PLAIN },
	};
	ff_table s;
	ff_table_init(&s, "status", "Status", status_cols, 2);
	static const uint64_t codes[][2] = { { 404, 3 }, { 200, 3 }, { 30, 3 }, { 1000, 3 },
					     { 500, 7 }, { 9, 3 }, { 301, 1 } };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		ff_cell *row = ff_table_add_row(&s);
		row[0] = ff_cell_u(codes[i][0]);
		row[1] = ff_cell_u(codes[i][1]);
	}
	ff_table_sort_ranked(&s);
	CHECK_STR(keys(&s), "500,9,30,200,404,1000,301");
	ff_table_sort_by_key(&s);
	CHECK_STR(keys(&s), "9,30,200,301,404,500,1000");
	ff_table_free(&s);

	/* a rate as the first metric: descending by value */
	static const ff_column rate_cols[] = {
		{ "key", "Key", FF_COL_TEXT, false, -1, -1, FF_SHOW_PLAIN },
		{ "rate", "Rate", FF_COL_RATE, false, -1, -1, FF_SHOW_PLAIN },
	};
	ff_table r;
	ff_table_init(&r, "rates", "Rates", rate_cols, 2);
	static const struct {
		const char *k;
		double d;
	} rates[] = { { "c", 0.25 }, { "a", 0.5 }, { "b", 0.25 }, { "d", 1.0 }, { "e", 0.0 } };
	for (size_t i = 0; i < sizeof rates / sizeof *rates; i++) {
		ff_cell *row = ff_table_add_row(&r);
		row[0] = ff_cell_s(ff_sv_cstr(rates[i].k));
		row[1] = ff_cell_d(rates[i].d);
	}
	ff_table_sort_ranked(&r);
	CHECK_STR(keys(&r), "d,a,b,c,e");
	ff_table_free(&r);

	/* a table with only a key column sorts by key */
	static const ff_column key_only[] = { { "key", "Key", FF_COL_TEXT, false, -1, -1, FF_SHOW_PLAIN } };
	ff_table k;
	ff_table_init(&k, "k", "K", key_only, 1);
	static const char *const ks[] = { "m", "c", "x", "a" };
	for (size_t i = 0; i < 4; i++)
		ff_table_add_row(&k)[0] = ff_cell_s(ff_sv_cstr(ks[i]));
	ff_table_sort_ranked(&k);
	CHECK_STR(keys(&k), "a,c,m,x");
	ff_table_free(&k);

	/* empty and one-row tables */
	ff_table e;
	ff_table_init(&e, "e", "E", cols, N_COLS);
	ff_table_sort_ranked(&e);
	ff_table_sort_by_key(&e);
	CHECK_INT(e.n_rows, 0);
	add(&e, "only", 1, 0, 0, 0);
	ff_table_sort_ranked(&e);
	CHECK_STR(keys(&e), "only");
	ff_table_free(&e);
}

static void test_sort_by_key(void)
{
	ff_table t;
	ff_table_init(&t, "days", "Days", cols, N_COLS);
	add(&t, "2026-03-02", 1, 0, 0, 0);
	add(&t, "2026-02-28", 9, 0, 0, 0);
	add(&t, "2026-03-01", 5, 0, 0, 0);
	add(&t, "2025-12-31", 0, 0, 0, 0);
	ff_table_sort_by_key(&t);
	CHECK_STR(keys(&t), "2025-12-31,2026-02-28,2026-03-01,2026-03-02");
	CHECK_INT(ff_table_row(&t, 1)[C_HITS].v.u, 9);
	ff_table_free(&t);
}

/* Stability: rows that compare equal keep their order; checked against a
 * plain stable insertion sort over many rows with few distinct values. */
static void test_stability(void)
{
	enum { N = 700 };
	static const char *const pool[] = { "a", "b", "c", "d" };
	ff_table t;
	ff_table_init(&t, "t", "T", cols, N_COLS);
	uint64_t state = 1;
	for (unsigned i = 0; i < N; i++) {
		state = state * 6364136223846793005u + 1442695040888963407u;
		ff_cell *row = add(&t, pool[(state >> 40) % 4], (state >> 50) % 3, 0, 0, 0);
		row[C_BYTES] = ff_cell_u(i); /* the insertion order */
	}
	/* ranked first (from insertion order), then by key (from the ranked
	 * order): each sort must keep the order it found among equals */
	for (int ranked = 1; ranked >= 0; ranked--) {
		/* reference: a stable insertion sort of the current order,
		 * rows named by their insertion number */
		unsigned order[N];
		const ff_cell *rows[N];
		for (unsigned i = 0; i < N; i++) {
			order[i] = (unsigned)ff_table_row(&t, i)[C_BYTES].v.u;
			rows[order[i]] = ff_table_row(&t, i);
		}
		for (unsigned i = 1; i < N; i++) {
			unsigned v = order[i], j = i;
			while (j > 0) {
				const ff_cell *a = rows[order[j - 1]], *b = rows[v];
				int c = 0;
				if (ranked)
					c = (a[C_HITS].v.u < b[C_HITS].v.u) - (a[C_HITS].v.u > b[C_HITS].v.u);
				if (c == 0)
					c = ff_sv_cmp(a[C_KEY].v.s, b[C_KEY].v.s);
				if (c <= 0)
					break;
				order[j] = order[j - 1];
				j--;
			}
			order[j] = v;
		}
		if (ranked)
			ff_table_sort_ranked(&t);
		else
			ff_table_sort_by_key(&t);
		size_t wrong = 0;
		for (unsigned i = 0; i < N; i++)
			wrong += ff_table_row(&t, i)[C_BYTES].v.u != order[i];
		CHECK_INT(wrong, 0);
	}
	ff_table_free(&t);
}

static void fill_five(ff_table *t)
{
	ff_table_init(t, "entry_pages", "Entry pages", cols, N_COLS);
	add(t, "/a", 50, 40, 10, 1000);
	add(t, "/b", 40, 30, 30, 2000);
	add(t, "/c", 30, 20, 5, 3000);
	add(t, "/d", 20, 10, 5, 4000);
	add(t, "/e", 10, 0, 0, UINT64_C(5) << 40);
	ff_table_derive_rates(t);
}

static void test_cut(void)
{
	ff_table t;
	fill_five(&t);
	CHECK(ff_table_row(&t, 0)[C_RATE].v.d == 0.25);
	CHECK(ff_table_row(&t, 1)[C_RATE].v.d == 1.0);
	/* a zero denominator gives 0, not a NaN or a null */
	CHECK(!ff_table_row(&t, 4)[C_RATE].null);
	CHECK(ff_table_row(&t, 4)[C_RATE].v.d == 0.0);
	/* a rate without parts is left to the analysis */
	CHECK(ff_table_row(&t, 0)[C_FILLED].v.d == 0.5);

	CHECK_INT(ff_table_cut(&t, 2), 0);
	CHECK_INT(t.n_rows, 3);
	CHECK(t.has_others);
	CHECK_STR(keys(&t), "/a,/b,<null>");
	const ff_cell *o = ff_table_row(&t, 2);
	CHECK(o[C_KEY].null);
	CHECK_INT(o[C_HITS].v.u, 60);
	CHECK_INT(o[C_VISITS].v.u, 30);
	CHECK_INT(o[C_BOUNCES].v.u, 10);
	CHECK(!o[C_HITS].null && !o[C_BYTES].null);
	CHECK_INT(o[C_BYTES].v.u, 3000 + 4000 + (UINT64_C(5) << 40));
	/* the rate is re-derived from the sums, not summed or averaged */
	CHECK(!o[C_RATE].null);
	CHECK(o[C_RATE].v.d == 10.0 / 30.0);
	/* what cannot be summed is null */
	CHECK(o[C_MEAN].null);
	CHECK(o[C_FLAG].null);
	CHECK(o[C_FILLED].null);
	/* the kept rows are untouched */
	CHECK_INT(ff_table_row(&t, 1)[C_HITS].v.u, 40);
	CHECK(ff_table_row(&t, 1)[C_RATE].v.d == 1.0);
	/* a second cut does nothing */
	CHECK_INT(ff_table_cut(&t, 1), 0);
	CHECK_INT(t.n_rows, 3);
	CHECK_INT(ff_table_row(&t, 2)[C_HITS].v.u, 60);
	/* sorting keeps the others row last, even when it is the largest */
	ff_table_sort_ranked(&t);
	CHECK_STR(keys(&t), "/a,/b,<null>");
	ff_table_sort_by_key(&t);
	CHECK_STR(keys(&t), "/a,/b,<null>");
	ff_table_free(&t);

	/* cutting all but one row: the others row is that row, renamed */
	fill_five(&t);
	CHECK_INT(ff_table_cut(&t, 4), 0);
	CHECK_INT(t.n_rows, 5);
	CHECK(t.has_others);
	CHECK_STR(keys(&t), "/a,/b,/c,/d,<null>");
	CHECK_INT(ff_table_row(&t, 4)[C_HITS].v.u, 10);
	CHECK(ff_table_row(&t, 4)[C_RATE].v.d == 0.0); /* 0 / 0 */
	ff_table_free(&t);

	/* the others row when the sums have a zero denominator */
	ff_table z;
	ff_table_init(&z, "z", "Z", cols, N_COLS);
	add(&z, "x", 5, 1, 1, 0);
	add(&z, "y", 4, 0, 0, 0);
	add(&z, "w", 3, 0, 0, 0);
	ff_table_derive_rates(&z);
	CHECK_INT(ff_table_cut(&z, 1), 0);
	CHECK(!ff_table_row(&z, 1)[C_RATE].null);
	CHECK(ff_table_row(&z, 1)[C_RATE].v.d == 0.0);
	CHECK_INT(ff_table_row(&z, 1)[C_HITS].v.u, 7);
	ff_table_free(&z);

	/* top 0 means all; top at or above the row count cuts nothing */
	static const size_t tops[] = { 0, 5, 6, 1000 };
	for (size_t i = 0; i < sizeof tops / sizeof *tops; i++) {
		fill_five(&t);
		CHECK_INT(ff_table_cut(&t, tops[i]), 0);
		CHECK_INT(t.n_rows, 5);
		CHECK(!t.has_others);
		CHECK_STR(keys(&t), "/a,/b,/c,/d,/e");
		CHECK_INT(ff_table_row(&t, 4)[C_HITS].v.u, 10);
		ff_table_free(&t);
	}
	/* an empty table */
	ff_table_init(&t, "e", "E", cols, N_COLS);
	CHECK_INT(ff_table_cut(&t, 3), 0);
	CHECK_INT(t.n_rows, 0);
	CHECK(!t.has_others);
	ff_table_free(&t);
}

/* Counts of keys never kept (a capped key table) make the others row,
 * whatever --top is. */
static void test_unkept(void)
{
	ff_cell sums[N_COLS] = { [C_HITS] = ff_cell_u(7), [C_VISITS] = ff_cell_u(4), [C_BOUNCES] = ff_cell_u(1),
				 [C_BYTES] = ff_cell_u(100), [C_MEAN] = ff_cell_d(9.0) };
	static const size_t tops[] = { 0, 5, 1000 };
	for (size_t i = 0; i < sizeof tops / sizeof *tops; i++) {
		ff_table t;
		fill_five(&t);
		CHECK_INT(ff_table_add_unkept(&t, sums), 0);
		CHECK_INT(ff_table_cut(&t, tops[i]), 0);
		CHECK_INT(t.n_rows, 6);
		CHECK(t.has_others);
		CHECK_STR(keys(&t), "/a,/b,/c,/d,/e,<null>");
		const ff_cell *o = ff_table_row(&t, 5);
		CHECK_INT(o[C_HITS].v.u, 7);
		CHECK_INT(o[C_VISITS].v.u, 4);
		CHECK_INT(o[C_BYTES].v.u, 100);
		CHECK(o[C_RATE].v.d == 0.25);
		CHECK(o[C_MEAN].null);
		ff_table_free(&t);
	}
	/* with a cut, the cut rows and the unkept counts are one row */
	ff_table t;
	fill_five(&t);
	CHECK_INT(ff_table_add_unkept(&t, sums), 0);
	CHECK_INT(ff_table_add_unkept(&t, sums), 0);
	CHECK_INT(ff_table_cut(&t, 2), 0);
	CHECK_STR(keys(&t), "/a,/b,<null>");
	CHECK_INT(ff_table_row(&t, 2)[C_HITS].v.u, 60 + 14);
	CHECK_INT(ff_table_row(&t, 2)[C_VISITS].v.u, 30 + 8);
	ff_table_free(&t);
	/* an empty table with only unkept counts */
	ff_table_init(&t, "e", "E", cols, N_COLS);
	CHECK_INT(ff_table_add_unkept(&t, sums), 0);
	CHECK_INT(ff_table_cut(&t, 0), 0);
	CHECK_STR(keys(&t), "<null>");
	CHECK_INT(ff_table_row(&t, 0)[C_HITS].v.u, 7);
	ff_table_free(&t);
}

static void test_derive(void)
{
	ff_table t;
	ff_table_init(&t, "t", "T", cols, N_COLS);
	ff_cell *row = add(&t, "k", 1, 3, 1, 0);
	row[C_RATE] = ff_cell_null();
	ff_table_derive_rates(&t);
	row = ff_table_row(&t, 0);
	CHECK(!row[C_RATE].null);
	CHECK(row[C_RATE].v.d == 1.0 / 3.0);
	/* a derived rate follows its parts when they change */
	row[C_BOUNCES] = ff_cell_u(3);
	ff_table_derive_rates(&t);
	CHECK(ff_table_row(&t, 0)[C_RATE].v.d == 1.0);
	row = ff_table_row(&t, 0);
	row[C_VISITS] = ff_cell_u(0);
	ff_table_derive_rates(&t);
	CHECK(ff_table_row(&t, 0)[C_RATE].v.d == 0.0);
	CHECK(ff_table_row(&t, 0)[C_FILLED].v.d == 0.5);
	ff_table_free(&t);
}

static void test_report(void)
{
	ff_report r;
	memset(&r, 0, sizeof r);
	CHECK(ff_report_find(&r, "pages") == NULL);
	CHECK(ff_report_find(&r, "summary") == &r.summary);

	static const char *const names[] = { "pages", "entry_pages", "exit_pages", "status" };
	for (size_t i = 0; i < 40; i++) {
		ff_table *t = ff_report_add_table(&r);
		CHECK(t != NULL);
		if (!t)
			break;
		CHECK(t->bar_col == -1 && t->n_rows == 0 && !t->has_others);
		ff_table_init(t, i < 4 ? names[i] : "filler", "T", cols, N_COLS);
		add(t, "k", i, 0, 0, 0);
	}
	CHECK_INT(r.n_tables, 40);
	/* found by name, after the table array grew */
	const ff_table *p = ff_report_find(&r, "pages");
	CHECK(p == &r.tables[0]);
	CHECK(ff_report_find(&r, "status") == &r.tables[3]);
	CHECK(ff_report_find(&r, "exit_pages") != NULL &&
	      ff_table_row(ff_report_find(&r, "exit_pages"), 0)[C_HITS].v.u == 2);
	CHECK(ff_report_find(&r, "filler") == &r.tables[4]); /* the first of that name */
	CHECK(ff_report_find(&r, "nope") == NULL);
	CHECK(ff_report_find(&r, "Pages") == NULL);
	CHECK(ff_report_find(&r, "") == NULL);

	/* notes, formatted, in order */
	CHECK_INT(ff_report_add_note(&r, "format: %s (%d of %d lines)", "combined", 98, 100), 0);
	CHECK_INT(ff_report_add_note(&r, "site hosts inferred: %s", "www.example.com"), 0);
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	CHECK_INT(ff_report_add_note(&r, "%s", big), 0);
	CHECK_INT(r.n_notes, 3);
	CHECK_STR(r.notes[0], "format: combined (98 of 100 lines)");
	CHECK_STR(r.notes[1], "site hosts inferred: www.example.com");
	CHECK(strlen(r.notes[2]) > 0 && strlen(r.notes[2]) < sizeof big - 1);
	CHECK(strspn(r.notes[2], "x") == strlen(r.notes[2]));

	/* kept strings are copies the report owns */
	char src[] = "/caf\xc3\xa9?a=1";
	ff_sv kept = ff_report_keep(&r, src, sizeof src - 1);
	src[0] = '#';
	CHECK_SV(kept, "/caf\xc3\xa9?a=1");
	CHECK(kept.p != src);
	CHECK(kept.p[kept.n] == 0);
	ff_sv empty = ff_report_keep(&r, NULL, 0);
	CHECK(empty.p != NULL && empty.n == 0);
	ff_sv with_nul = ff_report_keep(&r, "a\0b", 3);
	CHECK(with_nul.n == 3 && memcmp(with_nul.p, "a\0b", 3) == 0);
	/* many: every view stays valid while the owner list grows */
	ff_sv views[300];
	char text[32];
	for (unsigned i = 0; i < 300; i++) {
		int n = snprintf(text, sizeof text, "key-%u", i);
		views[i] = ff_report_keep(&r, text, (size_t)n);
	}
	size_t wrong = 0;
	for (unsigned i = 0; i < 300; i++) {
		int n = snprintf(text, sizeof text, "key-%u", i);
		wrong += !ff_sv_eq(views[i], ff_sv_make(text, (size_t)n));
	}
	CHECK_INT(wrong, 0);
	CHECK_SV(kept, "/caf\xc3\xa9?a=1");

	/* the summary is a one-row table like the others */
	ff_table_init(&r.summary, "summary", "Summary", cols, N_COLS);
	add(&r.summary, "all", 7, 0, 0, 0);
	CHECK(ff_table_row(ff_report_find(&r, "summary"), 0)[C_HITS].v.u == 7);

	ff_report_free(&r);
	CHECK_INT(r.n_tables, 0);
	CHECK_INT(r.n_notes, 0);
	CHECK_INT(r.n_owned, 0);
	CHECK(r.tables == NULL && r.notes == NULL && r.owned == NULL);
	CHECK(ff_report_find(&r, "pages") == NULL);
}

int main(void)
{
	test_add_row();
	test_sort_ranked();
	test_sort_by_key();
	test_stability();
	test_cut();
	test_unkept();
	test_derive();
	test_report();
	return CHECK_DONE("test_report");
}
