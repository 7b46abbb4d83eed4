/* report_build.c — the analysis counters as report tables (SPEC §8, §12):
 * one function per report, each a column list and a loop over ids.  Column
 * names here are the stable interface scripts rely on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis_internal.h"
#include "humanize.h"
#include "referer.h"

#define K_TEXT(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_TEXT, .from_log = true, .num = -1, .den = -1 }
#define K_FIXED(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_TEXT, .num = -1, .den = -1 }
#define C_INT(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_INT, .num = -1, .den = -1 }
#define C_BYTES(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_BYTES, .num = -1, .den = -1 }
#define C_RATE(name_, title_, n_, d_) { .name = name_, .title = title_, .kind = FF_COL_RATE, .num = n_, .den = d_ }
#define C_LAT(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_LATENCY, .num = -1, .den = -1 }

/* Conversions by dimension (SPEC §15): the last two columns of a table,
 * at index i, and only with goals configured (conv_cols). */
#define CONV_COLS(i) C_INT("conversions", "Conversions"), C_RATE("conversion_rate", "Conversion rate", i, 1)

static const ff_column summary_cols[] = {
	C_INT("lines", "Lines"),
	C_INT("valid", "Valid"),
	C_INT("invalid", "Invalid"),
	C_INT("late", "Late"),
	C_INT("hits", "Hits"),
	C_BYTES("bytes", "Bytes"),
	C_INT("bot_hits", "Bot hits"),
	C_INT("pageviews", "Pageviews"),
	C_INT("visits", "Visits"),
	C_INT("unique_visitors", "Unique visitors"),
	C_INT("bounces", "Bounces"),
	C_RATE("bounce_rate", "Bounce rate", 10, 8),
	{ .name = "duration_mean", .title = "Mean visit", .kind = FF_COL_SECONDS, .num = -1, .den = -1 },
	{ .name = "duration_median", .title = "Median visit", .kind = FF_COL_SECONDS, .num = -1, .den = -1 },
	{ .name = "pages_per_visit", .title = "Pages per visit", .kind = FF_COL_REAL, .num = -1, .den = -1 },
	C_INT("returning_visits", "Returning visits"),
	K_FIXED("first_time", "First request"),
	K_FIXED("last_time", "Last request"),
	K_FIXED("format", "Log format"),
	C_LAT("response_p50", "Response p50"),
	C_LAT("response_p95", "Response p95"),
	C_LAT("response_p99", "Response p99"),
	C_LAT("response_max", "Response max"),
};
enum { S_LINES, S_VALID, S_INVALID, S_LATE, S_HITS, S_BYTES, S_BOT_HITS, S_PAGEVIEWS, S_VISITS,
       S_UNIQUE, S_BOUNCES, S_BOUNCE_RATE, S_DUR_MEAN, S_DUR_MEDIAN, S_PPV, S_RETURNING,
       S_FIRST, S_LAST, S_FORMAT, S_RESP_P50, S_RESP_P95, S_RESP_P99, S_RESP_MAX };

static const ff_column pages_cols[] = {
	K_TEXT("key", "Page"), C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"),
	C_INT("visits", "Visits"), C_INT("unique_visitors", "Visitors"),
};
static const ff_column entry_cols[] = {
	K_TEXT("key", "Entry page"), C_INT("visits", "Visits"), C_INT("bounces", "Bounces"),
	C_RATE("bounce_rate", "Bounce rate", 2, 1), CONV_COLS(4),
};
static const ff_column exit_cols[] = { K_TEXT("key", "Exit page"), C_INT("visits", "Visits") };
static const ff_column ref_site_cols[] = { K_TEXT("key", "Referring site"), C_INT("visits", "Visits"), C_INT("hits", "Hits") };
static const ff_column referrer_cols[] = { K_TEXT("key", "Referrer"), C_INT("visits", "Visits"), C_INT("hits", "Hits") };
static const ff_column hour_cols[] = {
	{ .name = "key", .title = "Hour", .kind = FF_COL_INT, .num = -1, .den = -1 },
	C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"), C_INT("visits", "Visits"),
};
static const ff_column weekday_cols[] = {
	K_FIXED("key", "Weekday"), C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"), C_INT("visits", "Visits"),
};
static const ff_column day_cols[] = {
	K_FIXED("key", "Day"), C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"),
	C_INT("visits", "Visits"), C_INT("unique_visitors", "Visitors"),
	C_INT("errors_4xx", "4xx errors"), C_INT("errors_5xx", "5xx errors"),
};
static const ff_column browser_cols[] = {
	K_TEXT("key", "Browser"), C_INT("visits", "Visits"), C_INT("hits", "Hits"), CONV_COLS(3),
};
static const ff_column os_cols[] = { K_TEXT("key", "Operating system"), C_INT("visits", "Visits"), C_INT("hits", "Hits") };
static const ff_column device_cols[] = {
	K_FIXED("key", "Device"), C_INT("visits", "Visits"), C_INT("hits", "Hits"), CONV_COLS(3),
};
static const ff_column status_cols[] = {
	{ .name = "key", .title = "Status", .kind = FF_COL_INT, .num = -1, .den = -1 },
	C_INT("hits", "Hits"),
};
static const ff_column not_found_cols[] = { K_TEXT("key", "Path not found"), C_INT("hits", "Hits") };
/* share: the path's 5xx hits / all its hits, filled here (also on the
 * others row, from the sums of the paths it holds) */
static const ff_column server_error_cols[] = {
	K_TEXT("key", "Path with server errors"), C_INT("hits", "5xx hits"),
	C_RATE("share", "Share of its hits", -1, -1),
};
enum { SE_KEY, SE_HITS, SE_SHARE };
static const ff_column response_cols[] = {
	K_TEXT("key", "Path"), C_INT("hits", "Timed hits"), C_LAT("p50", "p50"), C_LAT("p90", "p90"),
	C_LAT("p95", "p95"), C_LAT("p99", "p99"), C_LAT("max", "Max"), C_LAT("total", "Total time"),
};
enum { RT_KEY, RT_HITS, RT_P50, RT_P90, RT_P95, RT_P99, RT_MAX, RT_TOTAL };
static const ff_column trend_cols[] = {
	K_FIXED("key", "Period"), C_INT("hits", "Timed hits"), C_LAT("p50", "p50"), C_LAT("p95", "p95"),
};
static const ff_column bot_cols[] = { K_TEXT("key", "Bot"), C_INT("hits", "Hits") };
static const ff_column host_cols[] = {
	K_TEXT("key", "Client"), C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"),
	C_INT("visits", "Visits"), C_BYTES("bytes", "Bytes"),
};
static const ff_column vhost_cols[] = {
	K_TEXT("key", "Virtual host"), C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"),
	C_INT("visits", "Visits"), C_BYTES("bytes", "Bytes"),
};
static const ff_column method_cols[] = { K_TEXT("key", "Method"), C_INT("hits", "Hits") };
static const ff_column protocol_cols[] = { K_TEXT("key", "Protocol"), C_INT("hits", "Hits") };
static const ff_column bandwidth_cols[] = { K_FIXED("key", "Day"), C_BYTES("bytes", "Bytes") };
static const ff_column source_cols[] = {
	K_FIXED("key", "Source"), C_INT("visits", "Visits"), C_INT("bounces", "Bounces"),
	C_RATE("bounce_rate", "Bounce rate", 2, 1), CONV_COLS(4),
};
static const ff_column keyword_cols[] = { K_TEXT("key", "Search keyword"), C_INT("visits", "Visits") };
static const ff_column campaign_cols[] = {
	K_TEXT("key", "Campaign"), C_INT("visits", "Visits"), C_INT("bounces", "Bounces"),
	C_RATE("bounce_rate", "Bounce rate", 2, 1), CONV_COLS(4),
};
/* csv, tsv and json: the key's parts too */
static const ff_column campaign_utm_cols[] = {
	K_TEXT("key", "Campaign"), C_INT("visits", "Visits"), C_INT("bounces", "Bounces"),
	C_RATE("bounce_rate", "Bounce rate", 2, 1), K_TEXT("utm_source", "utm_source"),
	K_TEXT("utm_medium", "utm_medium"), K_TEXT("utm_campaign", "utm_campaign"), CONV_COLS(7),
};
static const ff_column goal_cols[] = {
	K_FIXED("key", "Goal"), C_INT("visits", "Visits"), C_INT("conversions", "Conversions"),
	C_RATE("conversion_rate", "Conversion rate", 2, 1),
};
/* Funnel rates are filled here: drop_off is null on step 1. */
static const ff_column funnel_cols[] = {
	K_FIXED("key", "Funnel step"), K_FIXED("funnel", "Funnel"), C_INT("step", "Step"),
	K_FIXED("pattern", "Pattern"), C_INT("visits", "Visits"),
	C_RATE("conversion_from_first", "From step 1", -1, -1), C_RATE("drop_off", "Drop-off", -1, -1),
};
enum { FE_KEY, FE_FUNNEL, FE_STEP, FE_PATH, FE_VISITS };
static const ff_column funnel_exit_cols[] = {
	K_TEXT("key", "Funnel exit"), K_FIXED("funnel", "Funnel"), C_INT("step", "Step"),
	K_TEXT("path", "Exit page"), C_INT("visits", "Visits"),
};
#define C_REAL(name_, title_) { .name = name_, .title = title_, .kind = FF_COL_REAL, .num = -1, .den = -1 }
/* experiment figures: text and html round them as the verdicts do */
#define C_STAT(name_, title_, show_) { .name = name_, .title = title_, .kind = FF_COL_REAL, .num = -1, .den = -1, .show = show_ }
static const ff_column experiment_cols[] = {
	K_TEXT("key", "Experiment/variant"), K_FIXED("experiment", "Experiment"), K_TEXT("variant", "Variant"),
	C_INT("visits", "Visits"), C_INT("conversions", "Conversions"),
	C_RATE("conversion_rate", "Conversion rate", 4, 3), C_STAT("diff", "Diff", FF_SHOW_PP),
	C_STAT("ci_low", "CI low", FF_SHOW_PP), C_STAT("ci_high", "CI high", FF_SHOW_PP),
	C_STAT("p_value", "p-value", FF_SHOW_PVALUE), C_STAT("chi2_p", "Chi-square p", FF_SHOW_PVALUE),
	C_STAT("lift", "Lift", FF_SHOW_LIFT), C_STAT("srm_p", "SRM p", FF_SHOW_PVALUE),
};
static const ff_column retention_cols[] = {
	K_FIXED("key", "Cohort (week of)"), C_INT("visitors", "Visitors"),
	C_RATE("week_1", "Week 1", -1, -1),
	C_RATE("week_2", "Week 2", -1, -1),
	C_RATE("week_3", "Week 3", -1, -1),
	C_RATE("week_4", "Week 4", -1, -1),
	C_RATE("week_5", "Week 5", -1, -1),
	C_RATE("week_6", "Week 6", -1, -1),
	C_RATE("week_7", "Week 7", -1, -1),
	C_RATE("week_8", "Week 8", -1, -1),
	C_RATE("week_9", "Week 9", -1, -1),
	C_RATE("week_10", "Week 10", -1, -1),
	C_RATE("week_11", "Week 11", -1, -1),
	C_RATE("week_12", "Week 12", -1, -1),
};
static const ff_column pixel_cols[] = {
	K_TEXT("key", "Campaign"), C_INT("opens", "Opens"), C_INT("unique_opens", "Unique opens"),
};

/* Geography (SPEC §14): keys footfall makes (a code, "-", "CC/City"),
 * names from the database, which renderers escape like log text. */
static const ff_column country_cols[] = {
	K_FIXED("key", "Country"), K_TEXT("name", "Name"), C_INT("visits", "Visits"), C_INT("hits", "Hits"),
	C_INT("pageviews", "Pageviews"), C_INT("conversions", "Conversions"),
	C_RATE("conversion_rate", "Conversion rate", 5, 2),
};
static const ff_column city_cols[] = {
	K_FIXED("key", "City"), K_TEXT("city", "Name"), K_FIXED("country", "Country"), C_INT("visits", "Visits"),
	C_INT("hits", "Hits"), C_INT("pageviews", "Pageviews"),
};

#define NCOLS(a) (sizeof(a) / sizeof *(a))

struct builder {
	ff_analysis *a;
	ff_report *r;
	size_t top;
	uint64_t unkept_referer_hits; /* external referers not kept */
	bool goals;  /* goals configured: tables carry conversions */
	bool machine; /* ff_report_options.machine */
	bool failed;
};

/* The columns of a table that ends in CONV_COLS: all of them with goals,
 * else without the conversions (SPEC §15: absent, not zero). */
static size_t conv_cols(const struct builder *b, size_t n)
{
	return b->goals ? n : n - 2;
}

static ff_table *new_table(struct builder *b, const char *name, const char *title, const ff_column *cols, size_t n)
{
	ff_table *t = ff_report_add_table(b->r);
	if (!t) {
		b->failed = true;
		return NULL;
	}
	ff_table_init(t, name, title, cols, n);
	return t;
}

static ff_cell *row(struct builder *b, ff_table *t)
{
	ff_cell *c = ff_table_add_row(t);
	if (!c)
		b->failed = true;
	return c;
}

/* A ranked table, cut to --top when it is finished: while it is filled it
 * keeps only the rows that can still make the cut. */
static ff_table *ranked_table(struct builder *b, const char *name, const char *title, const ff_column *cols, size_t n)
{
	ff_table *t = new_table(b, name, title, cols, n);
	if (t)
		t->limit = b->top;
	return t;
}

/* The row for a key, or for the keys a table did not keep (--max-keys),
 * scratch: zeroed cells whose counts put_row adds to the others row. */
static ff_cell *key_row(struct builder *b, ff_table *t, bool unkept, ff_cell *scratch)
{
	if (!unkept)
		return row(b, t);
	memset(scratch, 0, t->n_cols * sizeof *scratch);
	return scratch;
}

static void put_row(struct builder *b, ff_table *t, bool unkept, const ff_cell *c)
{
	if (unkept && ff_table_add_unkept(t, c) != 0)
		b->failed = true;
}

/* The ids a report walks: every key kept, then the overflow id when the
 * table's cap applied (its counts sit at that id like any key's). */
static size_t ids_to_walk(const ff_intern *keys)
{
	size_t n = ff_intern_count(keys);
	return ff_intern_is_overflow(keys, (uint32_t)n) ? n + 1 : n;
}

/* room for a row of any table key_row is used with */
#define MAX_COLS 16

static void finish_ranked(struct builder *b, ff_table *t)
{
	t->ranked = true;
	t->bar_col = 1;
	ff_table_sort_ranked(t);
	ff_table_cut(t, b->top);
	ff_table_derive_rates(t);
}

static ff_sv day_text(struct builder *b, int64_t day)
{
	int64_t y;
	unsigned m, d;
	char buf[32];
	ff_civil_from_days(day, &y, &m, &d);
	int n = snprintf(buf, sizeof buf, "%04lld-%02u-%02u", (long long)y, m, d);
	return ff_report_keep(b->r, buf, (size_t)n);
}

static void build_pages(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_table *pages = ranked_table(b, "pages", "Pages", pages_cols, NCOLS(pages_cols));
	ff_table *entry = ranked_table(b, "entry_pages", "Entry pages", entry_cols, conv_cols(b, NCOLS(entry_cols)));
	ff_table *exit_ = ranked_table(b, "exit_pages", "Exit pages", exit_cols, NCOLS(exit_cols));
	if (b->failed)
		return;
	size_t n = ids_to_walk(a->paths);
	for (uint32_t id = 0; id < n; id++) {
		const struct page_stat *p = vec_get(&a->pages, id, sizeof *p);
		if (!p)
			continue;
		bool unkept = ff_intern_is_overflow(a->paths, id);
		ff_sv key = ff_intern_get(a->paths, id);
		ff_cell *c, tmp[MAX_COLS];
		if (p->pageviews && (c = key_row(b, pages, unkept, tmp))) {
			c[0] = ff_cell_s(key), c[1] = ff_cell_u(p->hits), c[2] = ff_cell_u(p->pageviews);
			c[3] = ff_cell_u(p->visits), c[4] = ff_cell_u(p->uniq);
			put_row(b, pages, unkept, c);
		}
		if (p->entries && (c = key_row(b, entry, unkept, tmp))) {
			c[0] = ff_cell_s(key), c[1] = ff_cell_u(p->entries), c[2] = ff_cell_u(p->entry_bounces);
			if (b->goals)
				c[4] = ff_cell_u(ff_marketing_entry_conversions(a->mk, id));
			put_row(b, entry, unkept, c);
		}
		if (p->exits && (c = key_row(b, exit_, unkept, tmp))) {
			c[0] = ff_cell_s(key), c[1] = ff_cell_u(p->exits);
			put_row(b, exit_, unkept, c);
		}
	}
	for (size_t i = b->r->n_tables - 3; i < b->r->n_tables; i++)
		finish_ranked(b, &b->r->tables[i]);
}

static void build_not_found(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_table *t = ranked_table(b, "not_found", "Not found", not_found_cols, NCOLS(not_found_cols));
	if (!t)
		return;
	size_t n = ids_to_walk(a->paths);
	for (uint32_t id = 0; id < n; id++) {
		const struct page_stat *p = vec_get(&a->pages, id, sizeof *p);
		bool unkept = ff_intern_is_overflow(a->paths, id);
		ff_cell *c, tmp[MAX_COLS];
		if (p && p->not_found && (c = key_row(b, t, unkept, tmp))) {
			c[0] = ff_cell_s(ff_intern_get(a->paths, id)), c[1] = ff_cell_u(p->not_found);
			put_row(b, t, unkept, c);
		}
	}
	finish_ranked(b, t);
}

/* A ranked report of (visits, hits) or (hits) over an interned key set. */
static void build_hv(struct builder *b, const char *name, const char *title, const ff_column *cols, size_t ncols,
		     ff_intern *keys, const struct vec *stats, bool with_visits)
{
	ff_table *t = ranked_table(b, name, title, cols, ncols);
	if (!t)
		return;
	size_t n = ids_to_walk(keys);
	for (uint32_t id = 0; id < n; id++) {
		const struct hv_stat *s = vec_get(stats, id, sizeof *s);
		if (!s || (!s->hits && !s->visits))
			continue;
		bool unkept = ff_intern_is_overflow(keys, id);
		ff_cell tmp[MAX_COLS], *c = key_row(b, t, unkept, tmp);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_intern_get(keys, id));
		if (with_visits)
			c[1] = ff_cell_u(s->visits), c[2] = ff_cell_u(s->hits);
		else
			c[1] = ff_cell_u(s->hits);
		if (t->n_cols == NCOLS(browser_cols) && cols == browser_cols)
			c[3] = ff_cell_u(ff_marketing_browser_conversions(b->a->mk, id));
		put_row(b, t, unkept, c);
	}
	finish_ranked(b, t);
}

static void build_counts(struct builder *b, const char *name, const char *title, const ff_column *cols,
			 ff_intern *keys, const struct vec *hits)
{
	ff_table *t = ranked_table(b, name, title, cols, 2);
	if (!t)
		return;
	size_t n = ids_to_walk(keys);
	for (uint32_t id = 0; id < n; id++) {
		const uint64_t *h = vec_get(hits, id, sizeof *h);
		if (!h || !*h)
			continue;
		bool unkept = ff_intern_is_overflow(keys, id);
		ff_cell tmp[MAX_COLS], *c = key_row(b, t, unkept, tmp);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_intern_get(keys, id)), c[1] = ff_cell_u(*h);
		put_row(b, t, unkept, c);
	}
	finish_ranked(b, t);
}

static void build_hosts(struct builder *b, const char *name, const char *title, const ff_column *cols,
			ff_intern *keys, const struct vec *stats)
{
	ff_table *t = ranked_table(b, name, title, cols, 5);
	if (!t)
		return;
	size_t n = ids_to_walk(keys);
	for (uint32_t id = 0; id < n; id++) {
		const struct host_stat *s = vec_get(stats, id, sizeof *s);
		if (!s || !s->hits)
			continue;
		bool unkept = ff_intern_is_overflow(keys, id);
		ff_cell tmp[MAX_COLS], *c = key_row(b, t, unkept, tmp);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_intern_get(keys, id)), c[1] = ff_cell_u(s->hits);
		c[2] = ff_cell_u(s->pageviews), c[3] = ff_cell_u(s->visits), c[4] = ff_cell_u(s->bytes);
		put_row(b, t, unkept, c);
	}
	finish_ranked(b, t);
}

/* The counts of the days past FF_DAYS_MAX, or NULL when every day was
 * kept. */
static const struct day_stat *days_unkept(const ff_analysis *a)
{
	const struct day_stat *d = a->days_unkept ? vec_get(&a->days, FF_DAYS_MAX, sizeof *d) : NULL;
	return d && d->hits ? d : NULL;
}

static void build_time(struct builder *b)
{
	ff_analysis *a = b->a;
	static const char *const wdays[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	ff_table *t = new_table(b, "hours", "Hours", hour_cols, NCOLS(hour_cols));
	if (t)
		t->bar_col = 1; /* time series get bars too, by hits */
	for (unsigned h = 0; t && h < 24; h++) {
		ff_cell *c = row(b, t);
		if (!c)
			return;
		c[0] = ff_cell_u(h), c[1] = ff_cell_u(a->hours[h].hits);
		c[2] = ff_cell_u(a->hours[h].pageviews), c[3] = ff_cell_u(a->hours[h].visits);
	}
	t = new_table(b, "weekdays", "Weekdays", weekday_cols, NCOLS(weekday_cols));
	if (t)
		t->bar_col = 1;
	for (unsigned w = 0; t && w < 7; w++) {
		ff_cell *c = row(b, t);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_sv_cstr(wdays[w])), c[1] = ff_cell_u(a->weekdays[w].hits);
		c[2] = ff_cell_u(a->weekdays[w].pageviews), c[3] = ff_cell_u(a->weekdays[w].visits);
	}
	ff_table *days = new_table(b, "days", "Days", day_cols, NCOLS(day_cols));
	if (!days)
		return;
	days->bar_col = 1;
	size_t n = ff_hmap_count(a->day_ids);
	for (uint32_t id = 0; id < n; id++) {
		const struct day_stat *d = vec_get(&a->days, id, sizeof *d);
		ff_cell *c;
		if (d && d->hits && (c = row(b, days))) {
			c[0] = ff_cell_s(day_text(b, d->day)), c[1] = ff_cell_u(d->hits), c[2] = ff_cell_u(d->pageviews);
			c[3] = ff_cell_u(d->visits), c[4] = ff_cell_u(d->uniq);
			c[5] = ff_cell_u(d->errors_4xx), c[6] = ff_cell_u(d->errors_5xx);
		}
	}
	ff_table_sort_by_key(days);
	const struct day_stat *d = days_unkept(a);
	if (d) {
		ff_cell c[NCOLS(day_cols)] = { ff_cell_null(), ff_cell_u(d->hits), ff_cell_u(d->pageviews),
					       ff_cell_u(d->visits), ff_cell_u(d->uniq), ff_cell_u(d->errors_4xx),
					       ff_cell_u(d->errors_5xx) };
		if (ff_table_add_unkept(days, c) != 0 || ff_table_cut(days, 0) != 0)
			b->failed = true;
	}
}

static void build_bandwidth(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_table *t = new_table(b, "bandwidth", "Bandwidth", bandwidth_cols, NCOLS(bandwidth_cols));
	if (!t)
		return;
	t->bar_col = 1;
	size_t n = ff_hmap_count(a->day_ids);
	for (uint32_t id = 0; id < n; id++) {
		const struct day_stat *d = vec_get(&a->days, id, sizeof *d);
		ff_cell *c;
		if (d && d->hits && (c = row(b, t)))
			c[0] = ff_cell_s(day_text(b, d->day)), c[1] = ff_cell_u(d->bytes);
	}
	ff_table_sort_by_key(t);
	const struct day_stat *d = days_unkept(a);
	if (d) {
		ff_cell c[NCOLS(bandwidth_cols)] = { ff_cell_null(), ff_cell_u(d->bytes) };
		if (ff_table_add_unkept(t, c) != 0 || ff_table_cut(t, 0) != 0)
			b->failed = true;
	}
}

static void build_devices(struct builder *b)
{
	ff_table *t = ranked_table(b, "devices", "Devices", device_cols, conv_cols(b, NCOLS(device_cols)));
	for (int d = 0; t && d < FF_DEV_COUNT; d++) {
		if (!b->a->devices[d].hits)
			continue;
		ff_cell *c = row(b, t);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_sv_cstr(ff_device_type_name((enum ff_device_type)d)));
		c[1] = ff_cell_u(b->a->devices[d].visits), c[2] = ff_cell_u(b->a->devices[d].hits);
		if (b->goals)
			c[3] = ff_cell_u(ff_marketing_device_conversions(b->a->mk, (unsigned)d));
	}
	if (t)
		finish_ranked(b, t);
}

/* countries and cities: ranked by visits, which stand after the name
 * columns.  cities exist only with a city database. */
static void build_geo_table(struct builder *b, const char *name, const char *title, const ff_column *cols,
			    size_t ncols, ff_intern *keys, const struct vec *stats)
{
	ff_analysis *a = b->a;
	ff_table *t = ranked_table(b, name, title, cols, ncols);
	if (!t)
		return;
	bool cities = ncols == NCOLS(city_cols);
	int first = cities ? 3 : 2; /* visits */
	t->sort_col = (int)first;
	size_t n = ids_to_walk(keys);
	for (uint32_t id = 0; id < n; id++) {
		const struct geo_stat *s = vec_get(stats, id, sizeof *s);
		if (!s || (!s->hits && !s->visits))
			continue;
		bool unkept = ff_intern_is_overflow(keys, id);
		ff_cell tmp[MAX_COLS], *c = key_row(b, t, unkept, tmp);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_intern_get(keys, id));
		c[1] = s->name ? ff_cell_s(ff_intern_get(a->geo_names, s->name - 1)) : ff_cell_null();
		if (cities)
			c[2] = s->country ? ff_cell_s(ff_intern_get(a->countries, s->country - 1)) : ff_cell_null();
		c[first] = ff_cell_u(s->visits), c[first + 1] = ff_cell_u(s->hits), c[first + 2] = ff_cell_u(s->pageviews);
		if (!cities && b->goals)
			c[5] = ff_cell_u(ff_marketing_country_conversions(a->mk, id));
		put_row(b, t, unkept, c);
	}
	t->ranked = true;
	t->bar_col = first;
	ff_table_sort_ranked(t);
	ff_table_cut(t, b->top);
	ff_table_derive_rates(t);
}

static void build_geo(struct builder *b)
{
	ff_analysis *a = b->a;
	char day[11];
	ff_geoip_build_day(a->opt.geoip, day);
	if (ff_report_add_note(b->r, "countries%s from the %s database built %s", a->cities ? " and cities" : "",
			       ff_geoip_type(a->opt.geoip), day) != 0)
		b->failed = true;
	build_geo_table(b, "countries", "Countries", country_cols, conv_cols(b, NCOLS(country_cols)), a->countries,
			&a->country_stats);
	if (a->cities)
		build_geo_table(b, "cities", "Cities", city_cols, NCOLS(city_cols), a->cities, &a->city_stats);
}

static void build_status(struct builder *b, const ff_summary *sum)
{
	ff_table *t = ranked_table(b, "status", "Status codes", status_cols, NCOLS(status_cols));
	for (unsigned code = 0; t && code < FF_STATUS_MAX; code++) {
		if (!sum->status[code])
			continue;
		ff_cell *c = row(b, t);
		if (!c)
			return;
		c[0] = ff_cell_u(code), c[1] = ff_cell_u(sum->status[code]);
	}
	if (t)
		finish_ranked(b, t);
}

/* The site's own hosts: configured, else the referer host of most
 * pageviews among the first lines (SPEC §6).  Marks internal host ids. */
static bool *site_hosts(struct builder *b)
{
	ff_analysis *a = b->a;
	size_t n = ff_intern_count(a->ref_hosts);
	bool *internal = calloc(n ? n : 1, sizeof *internal);
	if (!internal) {
		b->failed = true;
		return NULL;
	}
	const ff_strlist *cfg = a->opt.site_hosts;
	if (cfg && cfg->count) {
		for (size_t i = 0; i < cfg->count; i++) {
			char low[FF_HOST_MAX + 1];
			size_t len;
			if (!ff_site_host(cfg->items[i], low, &len))
				continue;
			uint32_t id = ff_intern_find(a->ref_hosts, ff_sv_make(low, len));
			if (id != FF_INTERN_NONE)
				internal[id] = true;
		}
		return internal;
	}
	uint32_t best = UINT32_MAX;
	uint64_t best_n = 0;
	for (uint32_t id = 0; id < n; id++) {
		const uint64_t *c = vec_get(&a->infer_counts, id, sizeof *c);
		if (!c || !*c)
			continue;
		if (*c > best_n || (*c == best_n && ff_sv_cmp(ff_intern_get(a->ref_hosts, id), ff_intern_get(a->ref_hosts, best)) < 0))
			best = id, best_n = *c;
	}
	if (best != UINT32_MAX) {
		internal[best] = true;
		ff_sv h = ff_intern_get(a->ref_hosts, best);
		b->r->site = h;
		/* The inferred host brings its www. twin (SPEC §13.17): a site
		 * is reached both ways, and its pages link both ways. */
		char twin[FF_HOST_MAX + 1];
		size_t tn = 0;
		if (ff_sv_starts_with(h, FF_SV_LIT("www.")) && h.n > 4) {
			tn = h.n - 4;
			memcpy(twin, h.p + 4, tn);
		} else if (!ff_sv_starts_with(h, FF_SV_LIT("www.")) && h.n + 4 <= FF_HOST_MAX) {
			memcpy(twin, "www.", 4);
			memcpy(twin + 4, h.p, h.n);
			tn = h.n + 4;
		}
		if (tn) {
			uint32_t id = ff_intern_find(a->ref_hosts, ff_sv_make(twin, tn));
			if (id != FF_INTERN_NONE && id < n)
				internal[id] = true;
			ff_report_add_note(b->r,
					   "site host inferred from the referers: %.*s, with %.*s (set site.hosts or --site to choose)",
					   (int)h.n, h.p, (int)tn, twin);
		} else {
			ff_report_add_note(b->r, "site host inferred from the referers: %.*s (set site.hosts or --site to choose)",
					   (int)h.n, h.p);
		}
	}
	return internal;
}

static void build_referrers(struct builder *b, const bool *internal)
{
	ff_analysis *a = b->a;
	ff_table *sites = ranked_table(b, "referring_sites", "Referring sites", ref_site_cols, NCOLS(ref_site_cols));
	ff_table *refs = ranked_table(b, "referrers", "Referrers", referrer_cols, NCOLS(referrer_cols));
	if (b->failed)
		return;
	/* internal[] covers the hosts kept; the overflow id is never the
	 * site's own (those are interned first, and never inferred) */
	size_t hosts = ff_intern_count(a->ref_hosts), n = ids_to_walk(a->ref_hosts);
	for (uint32_t id = 0; id < n; id++) {
		const struct hv_stat *s = vec_get(&a->ref_host_stats, id, sizeof *s);
		if (!s || (id < hosts && internal[id]) || (!s->hits && !s->visits))
			continue;
		bool unkept = ff_intern_is_overflow(a->ref_hosts, id);
		ff_cell tmp[MAX_COLS], *c = key_row(b, sites, unkept, tmp);
		if (!c)
			break;
		c[0] = ff_cell_s(ff_intern_get(a->ref_hosts, id)), c[1] = ff_cell_u(s->visits), c[2] = ff_cell_u(s->hits);
		put_row(b, sites, unkept, c);
	}
	n = ff_intern_count(a->referers);
	for (uint32_t id = 0; id < n; id++) {
		const struct hv_stat *s = vec_get(&a->referer_stats, id, sizeof *s);
		const uint32_t *host = vec_get(&a->referer_host, id, sizeof *host);
		if (!s || !host || *host == UINT32_MAX || (*host < hosts && internal[*host]))
			continue;
		ff_cell *c = row(b, refs);
		if (!c)
			break;
		c[0] = ff_cell_s(ff_intern_get(a->referers, id)), c[1] = ff_cell_u(s->visits), c[2] = ff_cell_u(s->hits);
	}
	/* the referers not kept, by host: those of external hosts */
	ff_cell others[MAX_COLS] = { { .null = true } };
	n = ids_to_walk(a->ref_hosts);
	for (uint32_t id = 0; id < n; id++) {
		const struct hv_stat *s = vec_get(&a->unkept_referers, id, sizeof *s);
		if (!s || (id < hosts && internal[id]))
			continue;
		others[1].v.u += s->visits;
		others[2].v.u += s->hits;
	}
	if (others[1].v.u || others[2].v.u)
		put_row(b, refs, true, others);
	b->unkept_referer_hits = others[2].v.u;
	ff_table *t = &b->r->tables[b->r->n_tables - 2];
	finish_ranked(b, t);
	finish_ranked(b, t + 1);
}

/* ---- marketing (SPEC §6, §7) ---- */

static void counts_row(const ff_table *t, ff_cell *c, ff_sv key, const ff_mk_counts *k)
{
	size_t conv = t->cols == campaign_utm_cols ? 7 : 4;
	c[0] = ff_cell_s(key), c[1] = ff_cell_u(k->visits), c[2] = ff_cell_u(k->bounces);
	if (t->n_cols > conv)
		c[conv] = ff_cell_u(k->conversions);
}

/* Always its five rows (§13.20), never cut; by visits then name. */
static void build_sources(struct builder *b, const bool *internal)
{
	ff_analysis *a = b->a;
	ff_table *t = new_table(b, "sources", "Sources", source_cols, conv_cols(b, NCOLS(source_cols)));
	if (!t)
		return;
	ff_mk_counts src[FF_SRC_COUNT];
	ff_marketing_sources(a->mk, internal, ff_intern_count(a->ref_hosts), src);
	for (int s = 0; s < FF_SRC_COUNT; s++) {
		ff_cell *c = row(b, t);
		if (!c)
			return;
		counts_row(t, c, ff_sv_cstr(ff_source_name((enum ff_source)s)), &src[s]);
	}
	t->bar_col = 1;
	ff_table_sort_ranked(t);
	ff_table_derive_rates(t);
}

static void build_keywords(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = ranked_table(b, "search_keywords", "Search keywords", keyword_cols, NCOLS(keyword_cols));
	if (!t)
		return;
	/* the id after the last holds the keywords not kept (--max-keys) */
	size_t n = ff_marketing_keyword_count(mk);
	for (uint32_t id = 0; id <= n; id++) {
		uint64_t v = ff_marketing_keyword_visits(mk, id);
		ff_cell *c, tmp[MAX_COLS];
		if (v && (c = key_row(b, t, id == n, tmp))) {
			c[0] = ff_cell_s(ff_marketing_keyword_key(mk, id)), c[1] = ff_cell_u(v);
			put_row(b, t, id == n, c);
		}
	}
	finish_ranked(b, t);
}

static void build_campaigns(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = b->machine ? ranked_table(b, "campaigns", "Campaigns", campaign_utm_cols,
						conv_cols(b, NCOLS(campaign_utm_cols)))
				 : ranked_table(b, "campaigns", "Campaigns", campaign_cols, conv_cols(b, NCOLS(campaign_cols)));
	if (!t)
		return;
	size_t n = ff_marketing_campaign_count(mk);
	for (uint32_t id = 0; id <= n; id++) {
		ff_mk_counts k = ff_marketing_campaign(mk, id);
		ff_cell *c, tmp[MAX_COLS];
		if (k.visits && (c = key_row(b, t, id == n, tmp))) {
			counts_row(t, c, ff_marketing_campaign_key(mk, id), &k);
			ff_sv parts[3];
			bool split = id < n && ff_marketing_campaign_parts(mk, id, parts);
			for (int i = 0; b->machine && i < 3; i++)
				c[4 + i] = split ? ff_cell_s(parts[i]) : ff_cell_null();
			put_row(b, t, id == n, c);
		}
	}
	finish_ranked(b, t);
}

/* SPEC §15: a section that is not configured is said to be, not shown as
 * a table without rows (JSON keeps its empty array). */
static void not_configured(ff_table *t, size_t configured)
{
	if (t && !configured)
		t->empty = "not configured \xe2\x80\x94 see config.example.yaml";
}

static void build_goals(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = ranked_table(b, "goals", "Goals", goal_cols, NCOLS(goal_cols));
	if (!t)
		return;
	not_configured(t, ff_marketing_goal_count(mk));
	size_t n = ff_marketing_goal_count(mk);
	uint64_t visits = ff_marketing_visits(mk);
	for (size_t g = 0; g < n; g++) {
		ff_cell *c = row(b, t);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_marketing_goal_name(mk, g)), c[1] = ff_cell_u(visits);
		c[2] = ff_cell_u(ff_marketing_goal_conversions(mk, g));
	}
	finish_ranked(b, t);
	t->bar_col = 2; /* every goal has the same visits: compare conversions */
	b->r->has_goals = n > 0;
	b->r->converted = n ? ff_marketing_converted(mk) : 0;
	if (n > 1) {
		uint64_t conv = ff_marketing_converted(mk);
		char conv_s[FF_NUM_BUF], visits_s[FF_NUM_BUF];
		ff_fmt_u64(conv, true, conv_s);
		ff_fmt_u64(visits, true, visits_s);
		ff_report_add_note(b->r, "goals: %s of %s visits (%.1f%%) converted on at least one goal", conv_s,
				   visits_s, visits ? 100.0 * (double)conv / (double)visits : 0.0);
	}
}

static ff_cell rate_cell(uint64_t num, uint64_t den)
{
	return ff_cell_d(den ? (double)num / (double)den : 0.0);
}

static void build_funnels(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = new_table(b, "funnels", "Funnels", funnel_cols, NCOLS(funnel_cols));
	if (!t)
		return;
	not_configured(t, ff_marketing_funnel_count(mk));
	t->bar_col = 4;
	for (size_t f = 0; f < ff_marketing_funnel_count(mk); f++) {
		ff_sv name = ff_marketing_funnel_name(mk, f);
		size_t steps = ff_marketing_funnel_steps(mk, f);
		uint64_t first = ff_marketing_funnel_reached(mk, f, 1), before = 0;
		for (size_t s = 1; s <= steps; s++) {
			uint64_t reached = ff_marketing_funnel_reached(mk, f, s);
			char key[64];
			int kn = snprintf(key, sizeof key, " %zu", s);
			ff_cell *c = row(b, t);
			if (!c)
				return;
			char *joined = malloc(name.n + (size_t)kn);
			if (!joined) {
				b->failed = true;
				return;
			}
			memcpy(joined, name.p, name.n);
			memcpy(joined + name.n, key, (size_t)kn);
			c[0] = ff_cell_s(ff_report_keep(b->r, joined, name.n + (size_t)kn));
			free(joined);
			c[1] = ff_cell_s(name), c[2] = ff_cell_u(s);
			c[3] = ff_cell_s(ff_marketing_funnel_pattern(mk, f, s)), c[4] = ff_cell_u(reached);
			c[5] = rate_cell(reached, first);
			c[6] = s == 1 ? ff_cell_null() : ff_cell_d(before ? (double)(before - reached) / (double)before : 0.0);
			before = reached;
		}
	}
}

struct exit_row {
	ff_sv key, funnel, path;
	uint32_t step;
	uint64_t visits;
};

static int cmp_exit(const void *x, const void *y)
{
	const struct exit_row *a = x, *b = y;
	if (a->visits != b->visits)
		return a->visits > b->visits ? -1 : 1;
	return ff_sv_cmp(a->key, b->key);
}

/* Ranked by visits, then key (§13.22), and cut like any ranked report;
 * the "others" row has no step. */
static void build_funnel_exits(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_marketing *mk = a->mk;
	ff_table *t = new_table(b, "funnel_exits", "Funnel exits", funnel_exit_cols, NCOLS(funnel_exit_cols));
	if (!t)
		return;
	not_configured(t, ff_marketing_funnel_count(mk));
	size_t n = ff_marketing_funnel_exit_count(mk);
	struct exit_row *rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		b->failed = true;
		return;
	}
	ff_cell others[NCOLS(funnel_exit_cols)] = { { .null = true } };
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		ff_mk_funnel_exit x = ff_marketing_funnel_exit(mk, i);
		/* exits on paths not kept (--max-keys) go to the others row */
		if (ff_intern_is_overflow(a->paths, x.path_id)) {
			others[FE_VISITS].v.u += x.visits;
			continue;
		}
		ff_sv name = ff_marketing_funnel_name(mk, x.funnel), path = ff_intern_get(a->paths, x.path_id);
		char step[32];
		int sn = snprintf(step, sizeof step, " %u ", (unsigned)x.step);
		char *joined = malloc(name.n + (size_t)sn + path.n + 1);
		if (!joined) {
			b->failed = true;
			break;
		}
		memcpy(joined, name.p, name.n);
		memcpy(joined + name.n, step, (size_t)sn);
		if (path.n)
			memcpy(joined + name.n + (size_t)sn, path.p, path.n);
		rows[kept++] = (struct exit_row){ .key = ff_report_keep(b->r, joined, name.n + (size_t)sn + path.n),
						  .funnel = name, .path = path, .step = x.step, .visits = x.visits };
		free(joined);
	}
	n = kept;
	qsort(rows, n, sizeof *rows, cmp_exit);
	if (others[FE_VISITS].v.u)
		put_row(b, t, true, others);
	for (size_t i = 0; i < n && !b->failed; i++) {
		ff_cell *c = row(b, t);
		if (!c)
			break;
		c[FE_KEY] = ff_cell_s(rows[i].key), c[FE_FUNNEL] = ff_cell_s(rows[i].funnel);
		c[FE_STEP] = ff_cell_u(rows[i].step), c[FE_PATH] = ff_cell_s(rows[i].path);
		c[FE_VISITS] = ff_cell_u(rows[i].visits);
	}
	free(rows);
	t->ranked = true;
	t->bar_col = FE_VISITS;
	ff_table_cut(t, b->top);
	if (t->has_others)
		ff_table_row(t, t->n_rows - 1)[FE_STEP] = ff_cell_null();
}

static ff_cell real_or_null(double d)
{
	return isnan(d) ? ff_cell_null() : ff_cell_d(d);
}

/* Control first, then the variants by name; one verdict note each. */
static void build_experiments(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = new_table(b, "experiments", "Experiments", experiment_cols, NCOLS(experiment_cols));
	if (!t)
		return;
	not_configured(t, ff_marketing_experiment_count(mk));
	char verdicts[2048] = "";
	size_t vlen = 0;
	for (size_t e = 0; e < ff_marketing_experiment_count(mk); e++) {
		ff_sv name = ff_marketing_experiment_name(mk, e);
		size_t n;
		ff_mk_variant *v = ff_marketing_experiment_variants(mk, e, &n);
		if (!v && n) {
			b->failed = true;
			return;
		}
		for (size_t i = 0; i < n; i++) {
			/* the variants not kept (--max-keys): "<experiment>/(others)"
			 * with a null variant */
			ff_sv vname = v[i].others ? FF_SV_LIT("(others)") : v[i].name;
			ff_cell *c = row(b, t);
			char *joined = malloc(name.n + 1 + vname.n);
			if (!c || !joined) {
				free(joined);
				free(v);
				b->failed = true;
				return;
			}
			memcpy(joined, name.p, name.n);
			joined[name.n] = '/';
			if (vname.n)
				memcpy(joined + name.n + 1, vname.p, vname.n);
			c[0] = ff_cell_s(ff_report_keep(b->r, joined, name.n + 1 + vname.n));
			free(joined);
			c[1] = ff_cell_s(name), c[2] = v[i].others ? ff_cell_null() : ff_cell_s(v[i].name);
			c[3] = ff_cell_u(v[i].visits), c[4] = ff_cell_u(v[i].conversions);
			c[6] = real_or_null(v[i].test.diff), c[7] = real_or_null(v[i].test.ci_low);
			c[8] = real_or_null(v[i].test.ci_high), c[9] = real_or_null(v[i].test.p_value);
			c[10] = real_or_null(v[i].chi2_p);
			c[11] = real_or_null(v[i].test.lift), c[12] = real_or_null(v[i].srm_p);
		}
		if (n && v[0].srm_p < FF_SRM_ALPHA) {
			char p[FF_STAT_BUF];
			ff_fmt_pvalue(v[0].srm_p, p);
			ff_report_add_note(b->r,
					   "%.*s: sample ratio mismatch (SRM p %s%s): the visits are not split between the "
					   "variants %s, so the assignment looks broken and the comparison cannot be trusted",
					   (int)name.n, name.p, p[0] == '<' ? "" : "= ", p,
					   ff_marketing_experiment_split(mk, e) ? "in the configured shares" : "evenly");
		}
		char line[1024];
		ff_marketing_experiment_verdict(mk, e, v, n, line, sizeof line);
		ff_report_add_note(b->r, "%s", line);
		if (vlen < sizeof verdicts)
			vlen += (size_t)snprintf(verdicts + vlen, sizeof verdicts - vlen, "%s%s", vlen ? "; " : "", line);
		free(v);
	}
	/* the verdicts in words stand with the table too (text and html) */
	if (vlen)
		t->note = ff_report_keep(b->r, verdicts, strlen(verdicts)).p;
	ff_table_derive_rates(t);
}

static void build_pixels(struct builder *b)
{
	ff_marketing *mk = b->a->mk;
	ff_table *t = ranked_table(b, "pixels", "Pixels", pixel_cols, NCOLS(pixel_cols));
	if (!t)
		return;
	not_configured(t, ff_marketing_pixel_count(mk));
	size_t n = ff_marketing_pixel_campaign_count(mk);
	for (uint32_t id = 0; id <= n; id++) {
		bool unkept = id == n;
		if (unkept && !ff_marketing_pixel_opens(mk, id))
			break;
		ff_cell tmp[MAX_COLS], *c = key_row(b, t, unkept, tmp);
		if (!c)
			return;
		c[0] = ff_cell_s(ff_marketing_pixel_campaign(mk, id));
		c[1] = ff_cell_u(ff_marketing_pixel_opens(mk, id));
		c[2] = ff_cell_u(ff_marketing_pixel_unique_opens(mk, id));
		put_row(b, t, unkept, c);
	}
	finish_ranked(b, t);
}

struct cohort {
	int32_t week;
	uint64_t visitors, weeks[FF_RETENTION_WEEKS];
};

static int cmp_cohort(const void *x, const void *y)
{
	const struct cohort *a = x, *b = y;
	return (a->week > b->week) - (a->week < b->week);
}

static int64_t local_day(ff_time t)
{
	int64_t local = t.t + t.offset, d = local / 86400;
	return d * 86400 > local ? d - 1 : d;
}

/* Cohorts by the week of a visitor key's first pageview (SPEC §15); week
 * k after it is shown only when all its days lie in the period. */
static void build_retention(struct builder *b, const ff_summary *sum)
{
	ff_analysis *a = b->a;
	ff_table *t = new_table(b, "retention", "Retention", retention_cols, NCOLS(retention_cols));
	if (!t)
		return;
	struct cohort *c = NULL;
	size_t n = 0, cap = 0;
	for (size_t v = 0; v < a->retention.cap; v++) {
		const struct retention *r = vec_get(&a->retention, v, sizeof *r);
		if (!r || !r->first)
			continue;
		size_t i = 0;
		while (i < n && c[i].week != r->first)
			i++;
		if (i == n) {
			if (n == cap) {
				struct cohort *g = realloc(c, (cap = cap ? 2 * cap : 16) * sizeof *c);
				if (!g) {
					free(c);
					b->failed = true;
					return;
				}
				c = g;
			}
			c[n++] = (struct cohort){ .week = r->first };
		}
		c[i].visitors++;
		for (unsigned k = 0; k < FF_RETENTION_WEEKS; k++)
			c[i].weeks[k] += (r->weeks >> k) & 1;
	}
	if (n)
		qsort(c, n, sizeof *c, cmp_cohort);
	int64_t first = sum->has_time ? local_day(sum->first) : 0, last = sum->has_time ? local_day(sum->last) : -1;
	for (size_t i = 0; i < n; i++) {
		ff_cell *row_ = row(b, t);
		if (!row_)
			break;
		/* week numbers count from 1, Monday-based: Monday of week w is
		 * day 7 (w - 1) - 3 */
		int64_t monday = 7 * (int64_t)(c[i].week - 1) - 3;
		row_[0] = ff_cell_s(day_text(b, monday));
		row_[1] = ff_cell_u(c[i].visitors);
		for (unsigned k = 1; k <= FF_RETENTION_WEEKS; k++) {
			int64_t start = monday + 7 * (int64_t)k;
			bool inside = start >= first && start + 6 <= last;
			row_[1 + k] = inside ? rate_cell(c[i].weeks[k - 1], c[i].visitors) : ff_cell_null();
		}
	}
	free(c);
}

static int cmp_duration(const void *x, const void *y)
{
	const struct duration_count *a = x, *b = y;
	return (a->seconds > b->seconds) - (a->seconds < b->seconds);
}

/* The median of all visit durations from their histogram (SPEC §13.14:
 * the mean of the two middle values for an even count). */
static double median_duration(ff_analysis *a)
{
	size_t n = ff_hmap_count(a->durations);
	if (!n || !a->visits_n)
		return 0.0;
	struct duration_count *d = malloc(n * sizeof *d);
	if (!d)
		return 0.0;
	memcpy(d, a->duration_counts.p, n * sizeof *d);
	qsort(d, n, sizeof *d, cmp_duration);
	uint64_t lo = (a->visits_n - 1) / 2, hi = a->visits_n / 2, seen = 0;
	double lo_v = 0, hi_v = 0;
	bool lo_set = false;
	for (size_t i = 0; i < n; i++) {
		uint64_t next = seen + d[i].count;
		if (!lo_set && lo < next)
			lo_v = (double)d[i].seconds, lo_set = true;
		if (hi < next) {
			hi_v = (double)d[i].seconds;
			break;
		}
		seen = next;
	}
	free(d);
	return (lo_v + hi_v) / 2.0;
}

/* The response-time percentiles of SPEC §14 in seconds, nearest rank
 * (histogram.h) */
static const unsigned resp_ps[] = { 50, 90, 95, 99 };
enum { RP_50, RP_90, RP_95, RP_99, RP_COUNT };

static void summary_times(struct builder *b, ff_cell *c)
{
	ff_hist all = { 0 };
	if (!b->a->times.count || ff_hist_merge_dense(&all, &b->a->times) != 0) {
		if (b->a->times.count)
			b->failed = true;
		c[S_RESP_P50] = c[S_RESP_P95] = c[S_RESP_P99] = c[S_RESP_MAX] = ff_cell_null();
		return;
	}
	double p[RP_COUNT];
	ff_hist_percentiles(&all, resp_ps, RP_COUNT, p);
	c[S_RESP_P50] = ff_cell_d(p[RP_50] / 1e6);
	c[S_RESP_P95] = ff_cell_d(p[RP_95] / 1e6);
	c[S_RESP_P99] = ff_cell_d(p[RP_99] / 1e6);
	c[S_RESP_MAX] = ff_cell_d((double)all.max / 1e6);
	ff_hist_free(&all);
}

static void build_summary(struct builder *b, const ff_summary *sum, const char *format)
{
	ff_analysis *a = b->a;
	ff_table *t = &b->r->summary;
	ff_table_init(t, "summary", "Summary", summary_cols, NCOLS(summary_cols));
	ff_cell *c = row(b, t);
	if (!c)
		return;
	c[S_LINES] = ff_cell_u(sum->lines);
	c[S_VALID] = ff_cell_u(sum->valid);
	c[S_INVALID] = ff_cell_u(sum->invalid);
	c[S_LATE] = ff_cell_u(sum->late);
	c[S_HITS] = ff_cell_u(sum->hits);
	c[S_BYTES] = ff_cell_u(sum->bytes);
	c[S_BOT_HITS] = ff_cell_u(a->bot_hits);
	c[S_PAGEVIEWS] = ff_cell_u(a->pageviews);
	c[S_VISITS] = ff_cell_u(a->visits_n);
	c[S_UNIQUE] = ff_cell_u(a->seg ? a->seg_visitors : a->active_visitors);
	c[S_BOUNCES] = ff_cell_u(a->bounces);
	c[S_DUR_MEAN] = ff_cell_d(a->visits_n ? a->duration_sum / (double)a->visits_n : 0.0);
	c[S_DUR_MEDIAN] = ff_cell_d(median_duration(a));
	c[S_PPV] = ff_cell_d(a->visits_n ? (double)a->visit_pageviews / (double)a->visits_n : 0.0);
	c[S_RETURNING] = ff_cell_u(a->returning);
	char buf[FF_ISO8601_LEN + 1];
	if (sum->has_time) {
		ff_time_format_iso8601(sum->first, buf);
		c[S_FIRST] = ff_cell_s(ff_report_keep(b->r, buf, FF_ISO8601_LEN));
		ff_time_format_iso8601(sum->last, buf);
		c[S_LAST] = ff_cell_s(ff_report_keep(b->r, buf, FF_ISO8601_LEN));
	} else {
		c[S_FIRST] = c[S_LAST] = ff_cell_null();
	}
	c[S_FORMAT] = ff_cell_s(ff_report_keep(b->r, format, strlen(format)));
	summary_times(b, c);
	ff_table_derive_rates(t);
}

/* One note per key table whose cap applied and whose others row got
 * counts from it, e.g. "methods: 3 distinct methods kept, 5 hits with
 * other methods summed into (others) (--max-keys)".  key and unit are
 * singular; an "s" makes their plural. */
static void cap_note(struct builder *b, const char *reports, size_t kept, const char *key, uint64_t count,
		     const char *unit, const char *rest)
{
	if (!count)
		return;
	char kept_s[FF_NUM_BUF], count_s[FF_NUM_BUF];
	ff_fmt_u64(kept, true, kept_s);
	ff_fmt_u64(count, true, count_s);
	/* The budget is shared: once it is reached, any table may have
	 * stopped on either bound. */
	const char *why = b->a->budget.reached ? "--max-keys, --max-memory" : "--max-keys";
	if (ff_report_add_note(b->r, "%s: %s distinct %s%s kept, %s %s%s %s summed into (others) (%s)",
			       reports, kept_s, key, kept == 1 ? "" : "s", count_s, unit, count == 1 ? "" : "s",
			       rest, why) != 0)
		b->failed = true;
}

/* The counts a table's overflow id holds. */
static const void *at_overflow(const ff_intern *keys, const struct vec *stats, size_t elem)
{
	size_t n = ff_intern_count(keys);
	return ff_intern_is_overflow(keys, (uint32_t)n) ? vec_get(stats, n, elem) : NULL;
}

/* What --max-memory and the bounds on key length and days changed. */
static void memory_notes(struct builder *b)
{
	ff_analysis *a = b->a;
	char s[FF_NUM_BUF], t[FF_NUM_BUF];
	int rc = 0;
	if (a->budget.reached) {
		ff_fmt_bytes(a->opt.max_memory, s);
		rc |= ff_report_add_note(b->r, "--max-memory: the distinct keys kept reached %s; new keys past it "
				     "were summed into (others), as the notes above say", s);
	}
	if (a->budget.truncated) {
		ff_fmt_u64(a->budget.truncated, true, s);
		rc |= ff_report_add_note(b->r, "%s key%s longer than %d bytes kept truncated, ending in "
				     "\xe2\x80\xa6[+N bytes] (N the bytes cut)", s, a->budget.truncated == 1 ? "" : "s",
				     FF_INTERN_KEY_MAX);
	}
	const struct day_stat *d = days_unkept(a);
	if (d) {
		ff_fmt_u64(FF_DAYS_MAX, true, s);
		ff_fmt_u64(d->hits, true, t);
		rc |= ff_report_add_note(b->r, "days, bandwidth: %s distinct days kept, %s hit%s on other days summed "
				     "into (others)", s, t, d->hits == 1 ? "" : "s");
	}
	if (rc)
		b->failed = true;
}

static void cap_notes(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_marketing *mk = a->mk;
	const struct page_stat *p = at_overflow(a->paths, &a->pages, sizeof *p);
	const char *path_reports = "pages, entry_pages, exit_pages, not_found, server_errors, response_times";
	const char *with_funnels = "pages, entry_pages, exit_pages, not_found, server_errors, response_times, funnel_exits";
	cap_note(b, ff_marketing_funnel_count(mk) ? with_funnels : path_reports,
		 ff_intern_count(a->paths), "path", p ? p->hits : 0, "hit", "on other paths");
	const struct hv_stat *h = at_overflow(a->ref_hosts, &a->ref_host_stats, sizeof *h);
	cap_note(b, "referring_sites", ff_intern_count(a->ref_hosts), "referer host", h ? h->hits : 0, "hit",
		 "from other hosts");
	cap_note(b, "referrers", ff_intern_count(a->referers), "referer", b->unkept_referer_hits, "hit",
		 "with other referers");
	size_t n = ff_marketing_keyword_count(mk);
	if (ff_marketing_keyword_overflows(mk))
		cap_note(b, "search_keywords", n, "keyword", ff_marketing_keyword_visits(mk, (uint32_t)n), "visit",
			 "with other keywords");
	n = ff_marketing_campaign_count(mk);
	if (ff_marketing_campaign_overflows(mk))
		cap_note(b, "campaigns", n, "campaign", ff_marketing_campaign(mk, (uint32_t)n).visits, "visit",
			 "from other campaigns");
	if (a->host_keys) {
		const struct host_stat *s = at_overflow(a->host_keys, &a->hosts, sizeof *s);
		cap_note(b, "hosts", ff_intern_count(a->host_keys), "anonymized client", s ? s->hits : 0, "hit",
			 "from other clients");
	}
	if (a->cities) {
		const struct geo_stat *g = at_overflow(a->cities, &a->city_stats, sizeof *g);
		cap_note(b, "cities", ff_intern_count(a->cities), "city name", g ? g->hits : 0, "hit", "from other cities");
	}
	const struct host_stat *v = at_overflow(a->vhosts, &a->vhost_stats, sizeof *v);
	cap_note(b, "vhosts", ff_intern_count(a->vhosts), "virtual host", v ? v->hits : 0, "hit",
		 "on other virtual hosts");
	const uint64_t *m = at_overflow(a->methods, &a->method_hits, sizeof *m);
	cap_note(b, "methods", ff_intern_count(a->methods), "method", m ? *m : 0, "hit", "with other methods");
	m = at_overflow(a->protocols, &a->protocol_hits, sizeof *m);
	cap_note(b, "protocols", ff_intern_count(a->protocols), "protocol", m ? *m : 0, "hit",
		 "with other protocols");
	for (size_t e = 0; e < ff_marketing_experiment_count(mk); e++) {
		if (!ff_marketing_variant_overflows(mk, e))
			continue;
		size_t nv;
		ff_mk_variant *vs = ff_marketing_experiment_variants(mk, e, &nv);
		if (!vs && nv) {
			b->failed = true;
			return;
		}
		if (nv && vs[nv - 1].others) {
			ff_sv name = ff_marketing_experiment_name(mk, e);
			char what[128];
			snprintf(what, sizeof what, "experiments (%.*s)", (int)(name.n > 64 ? 64 : name.n), name.p);
			cap_note(b, what, ff_marketing_variant_count(mk, e), "variant", vs[nv - 1].visits, "visit",
				 "with other variants");
		}
		free(vs);
	}
	n = ff_marketing_pixel_campaign_count(mk);
	if (ff_marketing_pixel_overflows(mk))
		cap_note(b, "pixels", n, "campaign", ff_marketing_pixel_opens(mk, (uint32_t)n), "open",
			 "of other campaigns");
	memory_notes(b);
}

/* A row of server_errors or response_times before the cut: rank is the
 * sorting count (5xx hits, total microseconds). */
struct path_row {
	uint32_t id;
	uint64_t rank;
	ff_sv key;
};

static int cmp_path_row(const void *x, const void *y)
{
	const struct path_row *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank < b->rank ? 1 : -1;
	return ff_sv_cmp(a->key, b->key);
}

/* 5xx hits by path, and their share of the path's hits.  The others row
 * (paths cut by --top or never kept) gets the share of its sums. */
static void build_server_errors(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_table *t = new_table(b, "server_errors", "Server errors", server_error_cols, NCOLS(server_error_cols));
	if (!t)
		return;
	size_t n = ids_to_walk(a->paths), k = 0;
	struct path_row *rows = malloc((n ? n : 1) * sizeof *rows);
	if (!rows) {
		b->failed = true;
		return;
	}
	uint64_t other_errors = 0, other_hits = 0;
	for (uint32_t id = 0; id < n; id++) {
		const struct page_stat *p = vec_get(&a->pages, id, sizeof *p);
		if (!p || !p->server_errors)
			continue;
		if (ff_intern_is_overflow(a->paths, id)) {
			other_errors += p->server_errors, other_hits += p->hits;
			continue;
		}
		rows[k++] = (struct path_row){ .id = id, .rank = p->server_errors, .key = ff_intern_get(a->paths, id) };
	}
	qsort(rows, k, sizeof *rows, cmp_path_row);
	for (size_t i = 0; i < k; i++) {
		const struct page_stat *p = vec_get(&a->pages, rows[i].id, sizeof *p);
		if (b->top && i >= b->top) {
			other_errors += p->server_errors, other_hits += p->hits;
			continue;
		}
		ff_cell *c = row(b, t);
		if (!c)
			break;
		c[SE_KEY] = ff_cell_s(rows[i].key), c[SE_HITS] = ff_cell_u(p->server_errors);
		c[SE_SHARE] = ff_cell_d((double)p->server_errors / (double)p->hits);
	}
	free(rows);
	ff_cell *c;
	if (other_errors && (c = row(b, t))) {
		c[SE_KEY] = ff_cell_null(), c[SE_HITS] = ff_cell_u(other_errors);
		c[SE_SHARE] = ff_cell_d((double)other_errors / (double)other_hits);
		t->has_others = true;
	}
	t->ranked = true;
	t->bar_col = SE_HITS;
}

static void put_times(ff_cell *c, const ff_hist *h)
{
	double p[RP_COUNT];
	ff_hist_percentiles(h, resp_ps, RP_COUNT, p);
	c[RT_HITS] = ff_cell_u(h->count);
	c[RT_P50] = ff_cell_d(p[RP_50] / 1e6), c[RT_P90] = ff_cell_d(p[RP_90] / 1e6);
	c[RT_P95] = ff_cell_d(p[RP_95] / 1e6), c[RT_P99] = ff_cell_d(p[RP_99] / 1e6);
	c[RT_MAX] = ff_cell_d((double)h->max / 1e6);
	c[RT_TOTAL] = ff_cell_d((double)h->sum / 1e6);
}

/* Response times by path, by total time spent answering them.  The
 * others row's percentiles come from the sum of its paths' histograms,
 * not from its rows' figures. */
static void build_response_times(struct builder *b)
{
	ff_analysis *a = b->a;
	ff_table *t = new_table(b, "response_times", "Response times", response_cols, NCOLS(response_cols));
	if (!t)
		return;
	size_t n = ids_to_walk(a->paths), k = 0;
	struct path_row *rows = malloc((n ? n : 1) * sizeof *rows);
	ff_hist_dense others = { 0 };
	if (!rows) {
		b->failed = true;
		return;
	}
	for (uint32_t id = 0; id < n; id++) {
		const ff_hist *h = vec_get(&a->path_times, id, sizeof *h);
		if (!h || !h->count)
			continue;
		if (ff_intern_is_overflow(a->paths, id)) {
			if (ff_hist_dense_merge(&others, h) != 0)
				b->failed = true;
			continue;
		}
		rows[k++] = (struct path_row){ .id = id, .rank = h->sum, .key = ff_intern_get(a->paths, id) };
	}
	qsort(rows, k, sizeof *rows, cmp_path_row);
	for (size_t i = 0; i < k && !b->failed; i++) {
		const ff_hist *h = vec_get(&a->path_times, rows[i].id, sizeof *h);
		if (b->top && i >= b->top) {
			if (ff_hist_dense_merge(&others, h) != 0)
				b->failed = true;
			continue;
		}
		ff_cell *c = row(b, t);
		if (!c)
			break;
		c[RT_KEY] = ff_cell_s(rows[i].key);
		put_times(c, h);
	}
	free(rows);
	ff_hist sum = { 0 };
	ff_cell *c;
	if (others.count && !b->failed) {
		if (ff_hist_merge_dense(&sum, &others) != 0 || !(c = row(b, t))) {
			b->failed = true;
		} else {
			c[RT_KEY] = ff_cell_null();
			put_times(c, &sum);
			t->has_others = true;
		}
	}
	ff_hist_free(&sum);
	ff_hist_dense_free(&others);
	if (!a->times.count)
		t->note = "no request durations: the log format has no %D, %T or $request_time field";
	t->ranked = true;
	t->sort_col = RT_TOTAL;
	t->bar_col = RT_TOTAL;
}

static void put_trend(ff_cell *c, const ff_hist *h)
{
	double p[RP_COUNT];
	ff_hist_percentiles(h, resp_ps, RP_COUNT, p);
	c[1] = ff_cell_u(h->count), c[2] = ff_cell_d(p[RP_50] / 1e6), c[3] = ff_cell_d(p[RP_95] / 1e6);
}

/* The html chart's median and 95th percentile per day, or per hour when
 * the hits fall on one day (the hours of the day are then that day's). */
static void trend_row(struct builder *b, ff_table *t, ff_sv key, const ff_hist_dense *d)
{
	ff_hist h = { 0 };
	ff_cell *c;
	if (!d->count)
		return;
	if (ff_hist_merge_dense(&h, d) != 0 || !(c = row(b, t))) {
		b->failed = true;
	} else {
		c[0] = ff_cell_s(key);
		put_trend(c, &h);
	}
	ff_hist_free(&h);
}

static void build_response_trend(struct builder *b)
{
	ff_analysis *a = b->a;
	if (!a->times.count)
		return;
	ff_table *t = &b->r->response_trend;
	ff_table_init(t, "response_trend", "Response times", trend_cols, NCOLS(trend_cols));
	size_t n = ff_hmap_count(a->day_ids), days = 0;
	for (uint32_t id = 0; id < n; id++) {
		const struct day_stat *d = vec_get(&a->days, id, sizeof *d);
		days += d && d->hits;
	}
	if (days == 1) {
		for (unsigned h = 0; h < 24; h++) {
			char key[8];
			snprintf(key, sizeof key, "%02u:00", h);
			if (a->hour_times[h].count)
				trend_row(b, t, ff_report_keep(b->r, key, strlen(key)), &a->hour_times[h]);
		}
		return;
	}
	for (uint32_t id = 0; id < n; id++) {
		const struct day_stat *d = vec_get(&a->days, id, sizeof *d);
		const ff_hist_dense *h = vec_get(&a->day_times, id, sizeof *h);
		if (d && d->hits && h && h->count)
			trend_row(b, t, day_text(b, d->day), h);
	}
	ff_table_sort_by_key(t);
}

const ff_report_info ff_report_list[] = {
	{ "summary", "lines, hits, pageviews, visits, visitors, bounce rate, visit duration, response times", 0 },
	{ "pages", "paths with pageviews: hits, pageviews, visits, unique visitors", FF_G_PAGES },
	{ "entry_pages", "first pages of visits: visits, bounces, bounce rate and, with goals, conversions", FF_G_PAGES | FF_G_MARKETING },
	{ "exit_pages", "last pages of visits", FF_G_PAGES },
	{ "referring_sites", "external referer hosts: entry visits and hits", FF_G_REFERRERS },
	{ "referrers", "external referer URLs: entry visits and hits", FF_G_REFERRERS },
	{ "sources", "visits by source (campaign, search, social, referral, direct): bounces and, with goals, conversions", FF_G_MARKETING },
	{ "search_keywords", "search keywords carried by the entry referer of search visits", FF_G_MARKETING },
	{ "campaigns", "utm_source/utm_medium/utm_campaign of entry pages: visits, bounces and, with goals, conversions", FF_G_MARKETING },
	{ "hours", "hits, pageviews and visits by hour of day (0-23)", FF_G_TIME },
	{ "weekdays", "hits, pageviews and visits by weekday (Mon-Sun)", FF_G_TIME },
	{ "days", "hits, pageviews, visits, unique visitors, 4xx and 5xx errors by day", FF_G_TIME },
	{ "browsers", "browser families (uap-core): visits, hits and, with goals, conversions", FF_G_AGENTS | FF_G_MARKETING },
	{ "operating_systems", "operating system families (uap-core): visits and hits", FF_G_AGENTS },
	{ "devices", "device types (desktop, mobile, tablet, bot, other): visits, hits and, with goals, conversions", FF_G_AGENTS | FF_G_MARKETING },
	{ "countries", "countries of the clients (--geoip): visits, hits, pageviews and, with goals, conversions", FF_G_GEO | FF_G_MARKETING },
	{ "cities", "cities of the clients (--geoip with a city database): visits, hits, pageviews", FF_G_GEO },
	{ "status", "hits by HTTP status code", 0 },
	{ "not_found", "paths answered 404", FF_G_PAGES },
	{ "server_errors", "paths answered 5xx: hits and their share of the path's hits", FF_G_PAGES },
	{ "response_times", "response time by path: hits, p50, p90, p95, p99, max, total (seconds)",
	  FF_G_PAGES | FF_G_TIME },
	{ "bots", "bots by name: hits", FF_G_AGENTS },
	{ "hosts", "clients: hits, pageviews, visits, bytes", FF_G_HOSTS },
	{ "vhosts", "virtual hosts: hits, pageviews, visits, bytes", FF_G_REQUESTS },
	{ "methods", "hits by request method", FF_G_REQUESTS },
	{ "protocols", "hits by protocol", FF_G_REQUESTS },
	{ "bandwidth", "bytes by day", FF_G_TIME },
	{ "goals", "configured goals: converting visits and conversion rate", FF_G_MARKETING },
	{ "funnels", "configured funnels: visits reaching each step, conversion, drop-off", FF_G_MARKETING },
	{ "funnel_exits", "exit pages of the visits that stopped at each funnel step", FF_G_MARKETING },
	{ "experiments", "A/B experiments: visits, conversions, difference to the control, lift, p-values, sample ratio check", FF_G_MARKETING },
	{ "pixels", "tracking pixel opens and unique opens by campaign", FF_G_MARKETING },
	{ "retention", "cohorts by first week: visitors and the share back in each of the 12 weeks after", FF_G_TIME },
	{ NULL, NULL, 0 },
};

int ff_analysis_report(ff_analysis *a, const ff_summary *sum, const char *format,
		       const ff_report_options *o, ff_report *r)
{
	struct builder b = { .a = a, .r = r, .top = o->top, .goals = ff_marketing_goal_count(a->mk) > 0,
			     .machine = o->machine };
	r->with_summary = true;
	build_summary(&b, sum, format);
	if (a->seg) {
		char n_s[FF_NUM_BUF], m_s[FF_NUM_BUF];
		ff_fmt_u64(a->visits_n, true, n_s);
		ff_fmt_u64(a->seg_total, true, m_s);
		ff_report_add_note(r,
				   "segment: %s (visit-based numbers count the %s selected visits of %s; hits, bytes, "
				   "status, bots, bandwidth, methods, protocols, not_found, server_errors and "
				   "response_times count every hit)",
				   a->seg->text, n_s, m_s);
	}
	/* Reports of groups not counted are not built: none was asked for,
	 * and their notes would speak of counts never made. */
	if (COUNTS(a, FF_G_PAGES))
		build_pages(&b);
	bool *internal = COUNTS(a, FF_G_REFERRERS) ? site_hosts(&b) : NULL;
	if (internal) {
		build_referrers(&b, internal);
		if (COUNTS(a, FF_G_MARKETING))
			build_sources(&b, internal);
		free(internal);
	}
	bool marketing = COUNTS(a, FF_G_MARKETING), time = COUNTS(a, FF_G_TIME), agents = COUNTS(a, FF_G_AGENTS);
	bool requests = COUNTS(a, FF_G_REQUESTS);
	if (marketing) {
		build_keywords(&b);
		build_campaigns(&b);
	}
	if (time)
		build_time(&b);
	if (agents) {
		build_hv(&b, "browsers", "Browsers", browser_cols, conv_cols(&b, NCOLS(browser_cols)), a->names,
			 &a->browsers, true);
		build_hv(&b, "operating_systems", "Operating systems", os_cols, NCOLS(os_cols), a->names, &a->oses,
			 true);
		build_devices(&b);
	}
	if (a->opt.geoip)
		build_geo(&b);
	build_status(&b, sum);
	if (COUNTS(a, FF_G_PAGES)) {
		build_not_found(&b);
		build_server_errors(&b);
		build_response_times(&b);
	}
	if (time)
		build_response_trend(&b);
	if (agents)
		build_hv(&b, "bots", "Bots", bot_cols, NCOLS(bot_cols), a->names, &a->bots, false);
	if (COUNTS(a, FF_G_HOSTS))
		build_hosts(&b, "hosts", "Hosts", host_cols, a->host_keys ? a->host_keys : a->clients, &a->hosts);
	if (requests) {
		build_hosts(&b, "vhosts", "Virtual hosts", vhost_cols, a->vhosts, &a->vhost_stats);
		build_counts(&b, "methods", "Methods", method_cols, a->methods, &a->method_hits);
		build_counts(&b, "protocols", "Protocols", protocol_cols, a->protocols, &a->protocol_hits);
	}
	if (time)
		build_bandwidth(&b);
	if (marketing) {
		build_goals(&b);
		build_funnels(&b);
		build_funnel_exits(&b);
		build_experiments(&b);
		build_pixels(&b);
	}
	if (time)
		build_retention(&b, sum);
	cap_notes(&b);
	uint64_t limits = ff_marketing_limit_hits(a->mk);
	if (limits) {
		char limits_s[FF_NUM_BUF];
		ff_fmt_u64(limits, true, limits_s);
		ff_report_add_note(r, "%s %s reached the regex match limit in goals, funnels or experiments and counted "
				   "as not matching", limits_s, limits == 1 ? "path" : "paths");
	}
	return b.failed ? -1 : 0;
}
