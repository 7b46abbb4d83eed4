/* test_visits.c — the streaming sessionizer against the plain reference
 * (visits_reference.c): hand-made borderline cases of SPEC §4 and §13.11,
 * the late rule of visits.h, and a million random pageviews in order and
 * shuffled within the reorder window, which must give identical visits.
 * Then states: a stream cut in two and continued from the open visits
 * equals the stream whole, and groups flushed one after another equal
 * each group alone. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "intern.h"
#include "visits.h"
#include "visits_reference.h"

#define T0 (INT64_C(19792) * 86400) /* 2024-03-10T00:00:00Z */

/* ---- collecting what the sessionizer reports ---- */

struct collect {
	ff_visit *v;
	size_t n, cap;
	size_t pageviews;
	uint64_t late_pageviews;
	bool order_ok;   /* non-late pageviews come in (instant, seq) order */
	bool entry_ok;   /* a visit's first report is its entry */
	bool user_ok;    /* user[] survives from on_pageview to on_visit */
	bool has_last;
	ff_time last_t;
	uint64_t last_seq;
	/* (visitor, local day) of each pageview, for the midnight case */
	struct {
		uint32_t visitor;
		int64_t day;
	} days[16];
	size_t ndays;
};

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof *c);
	c->order_ok = c->entry_ok = c->user_ok = true;
}

static void on_pageview(void *ctx, ff_visit *visit, const ff_pageview *pv)
{
	struct collect *c = ctx;
	c->pageviews++;
	if (pv->late) {
		c->late_pageviews++;
	} else {
		if (c->has_last) {
			bool before = pv->time.t < c->last_t.t ||
				      (pv->time.t == c->last_t.t &&
				       (pv->time.usec < c->last_t.usec ||
					(pv->time.usec == c->last_t.usec && pv->seq < c->last_seq)));
			if (before)
				c->order_ok = false;
		}
		c->has_last = true;
		c->last_t = pv->time;
		c->last_seq = pv->seq;
	}
	if (visit->pageviews == 1 &&
	    (visit->first_seq != pv->seq || visit->entry_path != pv->path_id || visit->user[0] != 0))
		c->entry_ok = false;
	visit->user[0]++;
	visit->user[3] = pv->data;
	if (c->ndays < sizeof c->days / sizeof c->days[0]) {
		c->days[c->ndays].visitor = pv->visitor;
		c->days[c->ndays].day = ff_time_local_days(pv->time);
		c->ndays++;
	}
}

static void on_visit(void *ctx, const ff_visit *visit)
{
	struct collect *c = ctx;
	if (visit->user[0] != visit->pageviews)
		c->user_ok = false;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (!c->v)
			abort();
	}
	c->v[c->n++] = *visit;
}

static ff_visits *collector(struct collect *c, int64_t timeout, int64_t window)
{
	collect_init(c);
	ff_visits_options opt = { .timeout = timeout, .reorder_window = window };
	ff_visits_hooks hooks = { .on_pageview = on_pageview, .on_visit = on_visit, .ctx = c };
	return ff_visits_new(&opt, &hooks);
}

static int visit_cmp(const void *pa, const void *pb)
{
	const ff_visit *a = pa, *b = pb;
	if (a->start.t != b->start.t)
		return a->start.t < b->start.t ? -1 : 1;
	if (a->start.usec != b->start.usec)
		return a->start.usec < b->start.usec ? -1 : 1;
	return (a->first_seq > b->first_seq) - (a->first_seq < b->first_seq);
}

static bool same_time(ff_time a, ff_time b)
{
	return a.t == b.t && a.usec == b.usec && a.offset == b.offset;
}

static bool same_visit(const ff_visit *s, const ref_visit *r)
{
	return s->visitor == r->visitor && same_time(s->start, r->start) && same_time(s->end, r->end) &&
	       s->pageviews == r->pageviews && s->entry_path == r->entry && s->exit_path == r->exit &&
	       s->returning == r->returning && s->first_seq == r->first_seq && s->id == r->first_seq;
}

static bool same_full(const ff_visit *a, const ff_visit *b)
{
	return a->id == b->id && a->first_seq == b->first_seq && a->last_seq == b->last_seq &&
	       same_time(a->start, b->start) && same_time(a->end, b->end) && a->visitor == b->visitor &&
	       a->pageviews == b->pageviews && a->entry_path == b->entry_path &&
	       a->exit_path == b->exit_path && a->returning == b->returning &&
	       memcmp(a->user, b->user, sizeof a->user) == 0;
}

/* Runs pv[0..n) through the sessionizer in array order. */
static ff_visits *stream(struct collect *c, const ref_pageview *pv, size_t n, int64_t timeout,
			 int64_t window)
{
	ff_visits *v = collector(c, timeout, window);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		ff_pageview p = { .time = pv[i].time, .seq = pv[i].seq, .data = pv[i].seq * 3,
				  .visitor = pv[i].visitor, .path_id = pv[i].path };
		if (ff_visits_add_pageview(v, &p) < 0)
			break;
	}
	ff_visits_finish(v);
	return v;
}

/* Streams pv, runs the reference on it, and checks the two agree visit
 * for visit (skip_visitor, when given, names visitors left out). */
static bool agrees(const ref_pageview *pv, size_t n, int64_t timeout, int64_t window,
		   const unsigned char *skip_visitor, struct collect *c)
{
	ff_visits *v = stream(c, pv, n, timeout, window);
	ref_visit *r = NULL;
	size_t nr = ref_sessionize(pv, n, timeout, &r);
	if (!v || nr == (size_t)-1) {
		ff_visits_free(v);
		free(r);
		return false;
	}
	ff_visit *s = malloc((c->n ? c->n : 1) * sizeof *s);
	if (!s)
		abort();
	memcpy(s, c->v, c->n * sizeof *s);
	qsort(s, c->n, sizeof *s, visit_cmp);

	bool ok = c->pageviews == n;
	size_t i = 0, j = 0;
	for (;;) {
		while (skip_visitor && i < c->n && skip_visitor[s[i].visitor])
			i++;
		while (skip_visitor && j < nr && skip_visitor[r[j].visitor])
			j++;
		if (i == c->n || j == nr) {
			ok = ok && i == c->n && j == nr;
			break;
		}
		if (!same_visit(&s[i], &r[j])) {
			if (ok)
				fprintf(stderr, "first difference: streaming visit %zu (visitor %u, %u pageviews, "
					"seq %llu) vs reference visit %zu (visitor %u, %u pageviews, seq %llu)\n",
					i, s[i].visitor, s[i].pageviews, (unsigned long long)s[i].first_seq, j,
					r[j].visitor, r[j].pageviews, (unsigned long long)r[j].first_seq);
			ok = false;
		}
		i++;
		j++;
	}
	free(s);
	free(r);
	ff_visits_free(v);
	return ok;
}

static void collect_free(struct collect *c)
{
	free(c->v);
	c->v = NULL;
}

/* ---- hand-made cases ---- */

static ff_time at(int64_t t)
{
	return (ff_time){ .t = t, .offset = 0, .usec = 0 };
}

static ff_time at_us(int64_t t, int32_t usec)
{
	return (ff_time){ .t = t, .offset = 0, .usec = usec };
}

/* Numbers the pageviews by position, as the merged input would. */
static void number(ref_pageview *pv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pv[i].seq = i;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_timeout_edge(void)
{
	ref_pageview pv[] = {
		{ 0, at(T0), 1, 0 },
		{ 1, at_us(T0, 500000), 4, 0 },
		{ 0, at(T0 + 1800), 2, 0 },            /* exactly timeout: same visit */
		{ 1, at_us(T0 + 1800, 500000), 5, 0 }, /* exactly 1800.000000 s */
		{ 1, at_us(T0 + 3600, 500001), 6, 0 }, /* 1800.000001 s: cuts */
		{ 0, at(T0 + 3601), 3, 0 },            /* timeout + 1: a new one */
	};
	number(pv, COUNT(pv));
	struct collect c;
	CHECK(agrees(pv, COUNT(pv), 1800, 300, NULL, &c));
	CHECK_INT(c.n, 4);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[0].visitor, 0);
	CHECK_INT(c.v[0].pageviews, 2);
	CHECK_INT(c.v[0].end.t, T0 + 1800);
	CHECK_INT(c.v[0].exit_path, 2);
	CHECK(!c.v[0].returning);
	CHECK_INT(c.v[1].visitor, 1);
	CHECK_INT(c.v[1].pageviews, 2);
	CHECK_INT(c.v[2].visitor, 1);
	CHECK_INT(c.v[2].start.usec, 500001);
	CHECK(c.v[2].returning);
	CHECK_INT(c.v[3].visitor, 0);
	CHECK_INT(c.v[3].pageviews, 1);
	CHECK_INT(c.v[3].entry_path, 3);
	CHECK(c.v[3].returning);
	collect_free(&c);

	/* timeout 0: only pageviews at the very same instant share a visit. */
	ref_pageview z[] = { { 0, at(T0), 1, 0 }, { 0, at(T0), 2, 0 }, { 0, at(T0 + 1), 3, 0 } };
	number(z, COUNT(z));
	CHECK(agrees(z, COUNT(z), 0, 300, NULL, &c));
	CHECK_INT(c.n, 2);
	collect_free(&c);
}

static void test_three_visits(void)
{
	ref_pageview pv[] = {
		{ 7, at(T0), 1, 0 },        { 7, at(T0 + 600), 2, 0 },
		{ 7, at(T0 + 2401), 3, 0 }, /* gap 1801 */
		{ 7, at(T0 + 9000), 4, 0 }, { 7, at(T0 + 9001), 5, 0 },
	};
	number(pv, COUNT(pv));
	struct collect c;
	CHECK(agrees(pv, COUNT(pv), 1800, 300, NULL, &c));
	CHECK_INT(c.n, 3);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK(!c.v[0].returning);
	CHECK(c.v[1].returning);
	CHECK(c.v[2].returning);
	CHECK_INT(c.v[0].pageviews, 2);
	CHECK_INT(c.v[1].pageviews, 1);
	CHECK_INT(c.v[2].pageviews, 2);
	CHECK_INT(c.v[2].entry_path, 4);
	CHECK_INT(c.v[2].exit_path, 5);
	CHECK_INT(c.v[1].id, 2);
	CHECK(c.entry_ok && c.user_ok && c.order_ok);
	collect_free(&c);
}

static void test_visitor_keys(void)
{
	ff_intern *in = ff_intern_new(5);
	CHECK(in != NULL);
	if (!in)
		return;
	uint32_t firefox = ff_visitor_id(in, FF_SV_LIT("203.0.113.7"), FF_SV_LIT("Mozilla/5.0 Firefox/124.0"));
	uint32_t chrome = ff_visitor_id(in, FF_SV_LIT("203.0.113.7"), FF_SV_LIT("Mozilla/5.0 Chrome/123.0"));
	uint32_t other_ip = ff_visitor_id(in, FF_SV_LIT("203.0.113.8"), FF_SV_LIT("Mozilla/5.0 Firefox/124.0"));
	CHECK_INT(firefox, 0);
	CHECK_INT(chrome, 1);
	CHECK_INT(other_ip, 2);
	CHECK_INT(ff_visitor_id(in, FF_SV_LIT("203.0.113.7"), FF_SV_LIT("Mozilla/5.0 Firefox/124.0")), firefox);

	/* The boundary between client and agent is part of the key, even
	 * with NUL bytes (ordinary bytes by §13.1) on either side. */
	uint32_t a = ff_visitor_id(in, FF_SV_LIT("a\0"), FF_SV_LIT("b"));
	uint32_t b = ff_visitor_id(in, FF_SV_LIT("a"), FF_SV_LIT("\0b"));
	uint32_t e1 = ff_visitor_id(in, FF_SV_LIT(""), FF_SV_LIT("ab"));
	uint32_t e2 = ff_visitor_id(in, FF_SV_LIT("ab"), FF_SV_LIT(""));
	CHECK(a != b && e1 != e2 && a != e1 && b != e2);

	ff_sv client, ua;
	CHECK(ff_visitor_key_split(ff_intern_get(in, chrome), &client, &ua));
	CHECK_SV(client, "203.0.113.7");
	CHECK_SV(ua, "Mozilla/5.0 Chrome/123.0");
	CHECK(ff_visitor_key_split(ff_intern_get(in, b), &client, &ua));
	CHECK(client.n == 1 && ua.n == 2 && ua.p[0] == '\0');
	CHECK(ff_visitor_key_split(ff_intern_get(in, e2), &client, &ua));
	CHECK_SV(client, "ab");
	CHECK_INT(ua.n, 0);

	/* A client longer than 127 bytes takes a two-byte length. */
	char longc[300];
	memset(longc, 'h', sizeof longc);
	uint32_t lid = ff_visitor_id(in, ff_sv_make(longc, sizeof longc), FF_SV_LIT("curl/8"));
	CHECK(ff_visitor_key_split(ff_intern_get(in, lid), &client, &ua));
	CHECK_INT(client.n, 300);
	CHECK_SV(ua, "curl/8");
	CHECK(!ff_visitor_key_split(FF_SV_LIT("\x05" "ab"), &client, &ua)); /* length past the end */
	CHECK(!ff_visitor_key_split(FF_SV_LIT(""), &client, &ua));
	CHECK(!ff_visitor_key_split(FF_SV_LIT("\x80"), &client, &ua));

	/* Two browsers behind one address are two visitors. */
	ref_pageview pv[] = {
		{ firefox, at(T0), 1, 0 },      { chrome, at(T0 + 5), 2, 0 },
		{ firefox, at(T0 + 60), 3, 0 }, { chrome, at(T0 + 61), 4, 0 },
		{ other_ip, at(T0 + 62), 5, 0 },
	};
	number(pv, COUNT(pv));
	struct collect c;
	ff_visits *v = stream(&c, pv, COUNT(pv), 1800, 300);
	CHECK(v != NULL);
	CHECK_INT(c.n, 3);
	CHECK_INT(ff_visits_visitor_count(v), 3);
	CHECK(ff_visits_visitor_seen(v, chrome));
	CHECK(!ff_visits_visitor_seen(v, a));
	CHECK(!ff_visits_visitor_seen(v, 100000));
	for (size_t i = 0; i < c.n; i++)
		CHECK(!c.v[i].returning);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[0].visitor, firefox);
	CHECK_INT(c.v[0].pageviews, 2);
	CHECK_INT(c.v[0].exit_path, 3);
	CHECK_INT(c.v[1].visitor, chrome);
	CHECK_INT(c.v[1].exit_path, 4);
	ff_visits_free(v);
	collect_free(&c);
	CHECK(agrees(pv, COUNT(pv), 1800, 300, NULL, &c));
	collect_free(&c);
	ff_intern_free(in);
}

static void test_midnight(void)
{
	/* Local time +01:00: the visit starts at 23:50 on March 10 and ends at
	 * 00:15 on March 11, wall clock. */
	int64_t local_midnight = T0 + 86400 - 3600;
	ref_pageview pv[] = {
		{ 3, at(local_midnight - 600), 1, 0 },
		{ 3, at(local_midnight - 120), 2, 0 },
		{ 3, at(local_midnight + 300), 3, 0 },
		{ 3, at(local_midnight + 900), 4, 0 },
	};
	for (size_t i = 0; i < COUNT(pv); i++)
		pv[i].time.offset = 3600;
	number(pv, COUNT(pv));
	struct collect c;
	CHECK(agrees(pv, COUNT(pv), 1800, 300, NULL, &c));
	CHECK_INT(c.n, 1);
	int64_t day1 = ff_days_from_civil(2024, 3, 10);
	CHECK_INT(ff_time_local_days(c.v[0].start), day1);
	CHECK_INT(ff_time_local_days(c.v[0].end), day1 + 1);
	CHECK_INT(c.v[0].start.offset, 3600);
	CHECK_INT(c.v[0].pageviews, 4);
	/* The pageview reports let the caller count the visitor on both
	 * days. */
	bool on1 = false, on2 = false;
	for (size_t i = 0; i < c.ndays; i++) {
		on1 |= c.days[i].visitor == 3 && c.days[i].day == day1;
		on2 |= c.days[i].visitor == 3 && c.days[i].day == day1 + 1;
	}
	CHECK(on1 && on2);
	collect_free(&c);
}

static void test_equal_instants(void)
{
	/* §13.11: at one instant the earlier line is the entry, the later
	 * the exit, also when a line read after them is earlier still. */
	ref_pageview pv[] = {
		{ 0, at(T0 + 100), 10, 0 }, { 0, at(T0 + 100), 11, 0 },
		{ 1, at(T0 + 200), 20, 0 }, { 1, at(T0 + 200), 21, 0 },
		{ 1, at(T0 + 150), 22, 0 }, /* earlier, read last: the entry */
		{ 1, at(T0 + 200), 23, 0 }, /* same instant, read last: the exit */
	};
	number(pv, COUNT(pv));
	struct collect c;
	CHECK(agrees(pv, COUNT(pv), 1800, 300, NULL, &c));
	CHECK_INT(c.n, 2);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[0].entry_path, 10);
	CHECK_INT(c.v[0].exit_path, 11);
	CHECK_INT(c.v[1].entry_path, 22);
	CHECK_INT(c.v[1].exit_path, 23);
	CHECK_INT(c.v[1].id, 4);
	CHECK_INT(c.v[1].last_seq, 5);
	CHECK(c.order_ok && c.entry_ok);
	collect_free(&c);

	/* reorder_window 0: a line one second older is already late. */
	ff_visits *v = collector(&c, 1800, 0);
	CHECK_INT(ff_visits_add(v, 0, at(T0 + 10), 1, 0), 0);
	CHECK_INT(ff_visits_add(v, 0, at(T0 + 10), 2, 1), 0);
	CHECK_INT(ff_visits_add(v, 0, at(T0 + 9), 3, 2), FF_VISITS_LATE);
	ff_visits_finish(v);
	CHECK_INT(ff_visits_late_count(v), 1);
	ff_visits_free(v);
	collect_free(&c);
}

/* ---- the late rule ---- */

static void test_late_rule(void)
{
	struct collect c;
	ff_visits *v;

	/* Rule 1: joins the open visit inside its span; entry and exit stay. */
	v = collector(&c, 1800, 300);
	CHECK_INT(ff_visits_add(v, 0, at(1000), 1, 0), 0);
	CHECK_INT(ff_visits_add(v, 0, at(1400), 2, 1), 0);
	CHECK_INT(ff_visits_add(v, 1, at(2000), 9, 2), 0);
	CHECK_INT(ff_visits_add(v, 0, at(1200), 3, 3), FF_VISITS_LATE);
	CHECK_INT(ff_visits_late_count(v), 1);
	CHECK_INT(ff_visits_add(v, 1, at(1700), 9, 4), 0); /* exactly window: not late */
	CHECK_INT(ff_visits_late_count(v), 1);
	ff_visits_finish(v);
	CHECK_INT(c.n, 2);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[0].pageviews, 3);
	CHECK_INT(c.v[0].entry_path, 1);
	CHECK_INT(c.v[0].exit_path, 2);
	CHECK_INT(c.v[0].end.t, 1400);
	CHECK_INT(c.v[1].pageviews, 2);
	CHECK_INT(c.v[1].start.t, 1700);
	CHECK_INT(c.late_pageviews, 1);
	CHECK(c.user_ok && c.entry_ok);
	ff_visits_free(v);
	collect_free(&c);

	/* Rule 1: after the last pageview and within timeout: the new exit. */
	v = collector(&c, 1800, 300);
	ff_visits_add(v, 0, at(1000), 1, 0);
	ff_visits_add(v, 1, at(2000), 9, 1);
	CHECK_INT(ff_visits_add(v, 0, at(1500), 2, 2), FF_VISITS_LATE);
	ff_visits_finish(v);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.n, 2);
	CHECK_INT(c.v[0].pageviews, 2);
	CHECK_INT(c.v[0].end.t, 1500);
	CHECK_INT(c.v[0].exit_path, 2);
	CHECK_INT(c.v[0].last_seq, 2);
	ff_visits_free(v);
	collect_free(&c);

	/* Rule 2: before the open visit's entry: a one-page visit of its
	 * own, reported at once; the open visit keeps its entry. */
	v = collector(&c, 1800, 300);
	ff_visits_add(v, 0, at(1000), 1, 0);
	ff_visits_add(v, 1, at(2000), 9, 1);
	CHECK_INT(c.n, 0);
	CHECK_INT(ff_visits_add(v, 0, at(900), 2, 2), FF_VISITS_LATE);
	CHECK_INT(c.n, 1);
	CHECK_INT(c.v[0].start.t, 900);
	CHECK_INT(c.v[0].pageviews, 1);
	CHECK(c.v[0].returning);
	CHECK_INT(c.v[0].id, 2);
	ff_visits_finish(v);
	CHECK_INT(c.n, 3);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[1].start.t, 1000);
	CHECK_INT(c.v[1].entry_path, 1);
	CHECK_INT(c.v[1].pageviews, 1);
	CHECK(!c.v[1].returning);
	CHECK_INT(ff_visits_count(v), 3);
	ff_visits_free(v);
	collect_free(&c);

	/* Rule 3: the visitor's visit is finished (never reopened); the late
	 * pageview starts a visit that a later pageview joins. */
	v = collector(&c, 1800, 300);
	ff_visits_add(v, 0, at(1000), 1, 0);
	ff_visits_add(v, 1, at(3200), 9, 1); /* 3200 - 300 - 1800 > 1000 */
	CHECK_INT(c.n, 1);
	CHECK_INT(ff_visits_open_count(v), 0);
	CHECK_INT(ff_visits_add(v, 0, at(2800), 2, 2), FF_VISITS_LATE);
	CHECK_INT(ff_visits_open_count(v), 1);
	CHECK_INT(ff_visits_add(v, 0, at(3300), 3, 3), 0);
	ff_visits_finish(v);
	CHECK_INT(c.n, 3);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	CHECK_INT(c.v[0].pageviews, 1);
	CHECK_INT(c.v[1].start.t, 2800);
	CHECK_INT(c.v[1].end.t, 3300);
	CHECK_INT(c.v[1].pageviews, 2);
	CHECK(c.v[1].returning);
	ff_visits_free(v);
	collect_free(&c);

	/* A late pageview inside a finished visit does not reopen it. */
	v = collector(&c, 1800, 300);
	ff_visits_add(v, 0, at(1000), 1, 0);
	ff_visits_add(v, 0, at(1100), 2, 1);
	ff_visits_add(v, 1, at(4000), 9, 2);
	CHECK_INT(c.n, 1);
	CHECK_INT(ff_visits_add(v, 0, at(1050), 3, 3), FF_VISITS_LATE);
	CHECK_INT(c.n, 2); /* started and already over */
	CHECK_INT(c.v[1].start.t, 1050);
	CHECK(c.v[1].returning);
	CHECK_INT(c.v[0].pageviews, 2);
	ff_visits_finish(v);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.pageviews, 4);
	ff_visits_free(v);
	collect_free(&c);
}

static void test_tick_and_release(void)
{
	struct collect c;
	ff_visits *v = collector(&c, 1800, 300);
	ff_visits_add(v, 0, at(1000), 1, 0);
	CHECK_INT(ff_visits_pending_count(v), 1);
	/* A valid line that is not a pageview moves the clock: the pageview
	 * is released, then a line 500 s older than it is late. */
	CHECK_INT(ff_visits_tick(v, at(2000)), 0);
	CHECK_INT(ff_visits_pending_count(v), 0);
	CHECK_INT(ff_visits_open_count(v), 1);
	CHECK_INT(ff_visits_add(v, 0, at(1500), 2, 2), FF_VISITS_LATE);
	CHECK_INT(c.n, 0);
	/* An older tick changes nothing. */
	CHECK_INT(ff_visits_tick(v, at(1000)), 0);
	CHECK_INT(ff_visits_add(v, 2, at(1800), 2, 3), 0);
	/* The clock alone finishes visits, without waiting for the end. */
	CHECK_INT(ff_visits_tick(v, at(1500 + 300 + 1800 + 1)), 0);
	CHECK_INT(c.n, 1);
	CHECK_INT(c.v[0].pageviews, 2);
	CHECK_INT(ff_visits_open_count(v), 1);
	ff_visits_finish(v);
	CHECK_INT(c.n, 2);
	CHECK_INT(ff_visits_open_count(v), 0);
	CHECK_INT(ff_visits_visitor_count(v), 2);
	ff_visits_free(v);
	collect_free(&c);

	/* finish reports the open visits by start, then first seq. */
	v = collector(&c, 1800, 300);
	ff_visits_add(v, 5, at(1000), 1, 0);
	ff_visits_add(v, 4, at(900), 1, 1);
	ff_visits_add(v, 3, at(1000), 1, 2);
	ff_visits_add(v, 2, at_us(950, 1), 1, 3);
	ff_visits_finish(v);
	CHECK_INT(c.n, 4);
	CHECK_INT(c.v[0].visitor, 4);
	CHECK_INT(c.v[1].visitor, 2);
	CHECK_INT(c.v[2].visitor, 5);
	CHECK_INT(c.v[3].visitor, 3);
	ff_visits_free(v);
	collect_free(&c);

	/* Defaults, no hooks, and a bad visitor id. */
	v = ff_visits_new(NULL, NULL);
	CHECK(v != NULL);
	CHECK_INT(ff_visits_add(v, FF_INTERN_NONE, at(1), 1, 0), -1);
	CHECK_INT(ff_visits_add(v, 1, at(1), 1, 0), 0);
	CHECK_INT(ff_visits_add(v, 1, at(1 + 1800), 1, 1), 0);
	CHECK_INT(ff_visits_add(v, 1, at(2 + 3600), 1, 2), 0);
	CHECK_INT(ff_visits_finish(v), 0);
	CHECK_INT(ff_visits_count(v), 2);
	ff_visits_free(v);
	ff_visits_free(NULL);
}

/* ---- random inputs ---- */

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return rng(s) % n;
}

#define HOT_VISITORS 1000

/* n pageviews in time order, about 17 a second: half from a thousand busy
 * visitors (long visits), half from the others (gaps around timeout, so
 * plenty of cuts on both sides of it).  whole: whole seconds only, so
 * there are many equal instants and gaps of exactly timeout. */
static ref_pageview *generate(size_t n, uint32_t visitors, bool whole, uint64_t seed)
{
	ref_pageview *pv = malloc(n * sizeof *pv);
	if (!pv)
		abort();
	int64_t us = T0 * 1000000;
	for (size_t i = 0; i < n; i++) {
		us += (int64_t)below(&seed, 120001);
		uint32_t vis = below(&seed, 2) ? (uint32_t)below(&seed, HOT_VISITORS)
					       : HOT_VISITORS + (uint32_t)below(&seed, visitors - HOT_VISITORS);
		pv[i].visitor = vis;
		pv[i].time.t = us / 1000000;
		pv[i].time.usec = whole ? 0 : (int32_t)(us % 1000000);
		pv[i].time.offset = ((int32_t)(vis % 5) - 2) * 3600;
		pv[i].path = (uint32_t)below(&seed, 200);
		pv[i].seq = i;
	}
	return pv;
}

struct keyed {
	int64_t key;
	size_t index;
};

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* The lines reordered: each moved later by a random amount up to
 * max_shift seconds (a fraction of them by up to far_shift), then
 * renumbered as they now come. */
static ref_pageview *displace(const ref_pageview *pv, size_t n, int64_t max_shift, bool whole,
			      int64_t far_shift, unsigned far_per_mille, uint64_t seed)
{
	struct keyed *k = malloc(n * sizeof *k);
	ref_pageview *out = malloc(n * sizeof *out);
	if (!k || !out)
		abort();
	for (size_t i = 0; i < n; i++) {
		int64_t shift = far_per_mille && below(&seed, 1000) < far_per_mille ? far_shift : max_shift;
		int64_t d = whole ? (int64_t)below(&seed, (uint64_t)shift + 1) * 1000000
				  : (int64_t)below(&seed, (uint64_t)shift * 1000000 + 1);
		k[i].key = pv[i].time.t * 1000000 + pv[i].time.usec + d;
		k[i].index = i;
	}
	qsort(k, n, sizeof *k, keyed_cmp);
	for (size_t i = 0; i < n; i++) {
		out[i] = pv[k[i].index];
		out[i].seq = i;
	}
	free(k);
	return out;
}

/* Late lines by §13.12, computed the obvious way. */
static size_t count_late(const ref_pageview *pv, size_t n, int64_t window, unsigned char *late_visitor)
{
	size_t late = 0;
	int64_t newest = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && pv[i].time.t < newest - window) {
			late++;
			if (late_visitor)
				late_visitor[pv[i].visitor] = 1;
		}
		if (pv[i].time.t > newest)
			newest = pv[i].time.t;
	}
	return late;
}

/* The visits of in-order and shuffled input as a multiset of what the line
 * order cannot change (entry and exit can, at equal instants). */
static int coarse_cmp(const void *pa, const void *pb)
{
	const ff_visit *a = pa, *b = pb;
	if (a->visitor != b->visitor)
		return a->visitor < b->visitor ? -1 : 1;
	if (a->start.t != b->start.t)
		return a->start.t < b->start.t ? -1 : 1;
	return (a->start.usec > b->start.usec) - (a->start.usec < b->start.usec);
}

static bool same_coarse(struct collect *x, struct collect *y)
{
	if (x->n != y->n)
		return false;
	qsort(x->v, x->n, sizeof *x->v, coarse_cmp);
	qsort(y->v, y->n, sizeof *y->v, coarse_cmp);
	for (size_t i = 0; i < x->n; i++) {
		const ff_visit *a = &x->v[i], *b = &y->v[i];
		if (a->visitor != b->visitor || !same_time(a->start, b->start) || !same_time(a->end, b->end) ||
		    a->pageviews != b->pageviews || a->returning != b->returning)
			return false;
	}
	return true;
}

static void test_random(bool whole, uint64_t seed)
{
	enum { N = 1000000, VISITORS = 30000, WINDOW = 300, TIMEOUT = 1800 };
	ref_pageview *ordered = generate(N, VISITORS, whole, seed);

	/* The borderline gaps happen, both of them, when whole seconds make
	 * them likely. */
	int64_t *last = malloc(VISITORS * sizeof *last);
	size_t exact = 0, plus_one = 0;
	for (size_t i = 0; i < VISITORS; i++)
		last[i] = INT64_MIN / 2;
	for (size_t i = 0; i < N; i++) {
		int64_t gap = ordered[i].time.t - last[ordered[i].visitor];
		exact += gap == TIMEOUT && ordered[i].time.usec == 0;
		plus_one += gap == TIMEOUT + 1;
		last[ordered[i].visitor] = ordered[i].time.t;
	}
	free(last);
	if (whole)
		CHECK(exact > 10 && plus_one > 10);

	struct collect in_order, shuffled;
	CHECK(agrees(ordered, N, TIMEOUT, WINDOW, NULL, &in_order));
	CHECK(in_order.order_ok && in_order.entry_ok && in_order.user_ok);
	CHECK_INT(in_order.late_pageviews, 0);

	ref_pageview *moved = displace(ordered, N, WINDOW, whole, 0, 0, seed + 1);
	CHECK_INT(count_late(moved, N, WINDOW, NULL), 0);
	size_t displaced = 0;
	for (size_t i = 0; i < N; i++)
		displaced += moved[i].time.t != ordered[i].time.t;
	CHECK(displaced > N / 2);
	CHECK(agrees(moved, N, TIMEOUT, WINDOW, NULL, &shuffled));
	CHECK(shuffled.order_ok && shuffled.entry_ok && shuffled.user_ok);
	CHECK_INT(shuffled.late_pageviews, 0);
	CHECK(same_coarse(&in_order, &shuffled));
	collect_free(&in_order);
	collect_free(&shuffled);
	free(moved);
	free(ordered);
}

/* Some lines beyond the window: late ones are counted as §13.12 says,
 * every pageview lands in exactly one visit, the same input gives the same
 * reports in the same order, and visitors without a late line get exactly
 * the reference's visits. */
static void test_random_late(uint64_t seed)
{
	enum { N = 300000, VISITORS = 20000, WINDOW = 300, TIMEOUT = 1800 };
	ref_pageview *ordered = generate(N, VISITORS, true, seed);
	ref_pageview *moved = displace(ordered, N, WINDOW, true, 4 * WINDOW, 5, seed + 1);
	unsigned char *late_visitor = calloc(VISITORS, 1);
	size_t late = count_late(moved, N, WINDOW, late_visitor);
	CHECK(late > 100);

	struct collect a, b;
	CHECK(agrees(moved, N, TIMEOUT, WINDOW, late_visitor, &a));
	CHECK_INT(a.late_pageviews, late);
	CHECK(a.order_ok && a.entry_ok && a.user_ok);
	uint64_t total = 0;
	for (size_t i = 0; i < a.n; i++)
		total += a.v[i].pageviews;
	CHECK_INT(total, N);

	ff_visits *v = stream(&b, moved, N, TIMEOUT, WINDOW);
	CHECK_INT(ff_visits_late_count(v), late);
	bool same = a.n == b.n;
	for (size_t i = 0; same && i < a.n; i++)
		same = same_full(&a.v[i], &b.v[i]);
	CHECK(same);
	ff_visits_free(v);
	collect_free(&a);
	collect_free(&b);
	free(late_visitor);
	free(moved);
	free(ordered);
}

/* The reorder buffer grows while its ring has wrapped: a slow stretch
 * (the ring's front moves on), then a burst far beyond its capacity, with
 * some lines out of order, as one visitor population. */
static void test_buffer_growth(void)
{
	enum { SLOW = 5000, BURST = 40000 };
	ref_pageview *pv = malloc((SLOW + BURST) * sizeof *pv);
	uint64_t seed = 11;
	size_t n = 0;
	for (size_t i = 0; i < SLOW; i++, n++)
		pv[n] = (ref_pageview){ (uint32_t)below(&seed, 500), at(T0 + (int64_t)i), (uint32_t)below(&seed, 50), n };
	for (size_t i = 0; i < BURST; i++, n++) {
		int64_t t = T0 + SLOW + (int64_t)(i / 1000);
		if (i % 7 == 3)
			t -= (int64_t)below(&seed, 250); /* out of order, not late */
		pv[n] = (ref_pageview){ (uint32_t)below(&seed, 500), at(t), (uint32_t)below(&seed, 50), n };
	}
	CHECK_INT(count_late(pv, n, 300, NULL), 0);
	struct collect c;
	CHECK(agrees(pv, n, 1800, 300, NULL, &c));
	CHECK(c.order_ok && c.entry_ok);
	collect_free(&c);
	free(pv);
}

/* Memory follows the open visits, not the lines: a constant population
 * for twice as long needs no more room. */
static void test_memory_flat(void)
{
	enum { N = 400000 };
	ref_pageview *pv = generate(N, 20000, false, 77);
	ff_visits *v = ff_visits_new(NULL, NULL);
	size_t half = 0, max_open = 0, max_pending = 0;
	for (size_t i = 0; i < N; i++) {
		ff_visits_add(v, pv[i].visitor, pv[i].time, pv[i].path, pv[i].seq);
		if (i == N / 2)
			half = ff_visits_bytes(v);
		if (ff_visits_open_count(v) > max_open)
			max_open = ff_visits_open_count(v);
		if (ff_visits_pending_count(v) > max_pending)
			max_pending = ff_visits_pending_count(v);
	}
	CHECK(ff_visits_bytes(v) <= half * 5 / 4);
	CHECK(max_open <= 20000);
	CHECK(max_pending < 6000); /* about 17 a second for 300 s */
	ff_visits_finish(v);
	ff_visits_free(v);
	free(pv);
}

/* ---- states: a run continued from the one before, groups flushed ---- */

struct saved {
	ff_visit *v;
	size_t n, cap;
};

static int save_open(void *ctx, const ff_visit *visit)
{
	struct saved *s = ctx;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			abort();
	}
	s->v[s->n++] = *visit;
	return 0;
}

static int add_ref(ff_visits *v, const ref_pageview *p)
{
	ff_pageview pv = { .time = p->time, .seq = p->seq, .data = p->seq * 3, .visitor = p->visitor,
			   .path_id = p->path };
	return ff_visits_add_pageview(v, &pv);
}

static bool in_order(const ff_visit *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (visit_cmp(&v[i - 1], &v[i]) >= 0)
			return false;
	return true;
}

static size_t distinct_visitors(const ref_pageview *pv, size_t n, uint32_t nvisitors)
{
	unsigned char *had = calloc(nvisitors, 1);
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		d += !had[pv[i].visitor];
		had[pv[i].visitor] = 1;
	}
	free(had);
	return d;
}

/* What split_agrees saw, to show the cases happened. */
struct split_stats {
	size_t saved;       /* open visits carried over */
	size_t continued;   /* of those, joined by a pageview after the cut */
	size_t expired;     /* of those, finished without one */
	size_t returning;   /* visits after the cut of visitors only marked seen */
	size_t a_finished;  /* visits finished before the cut */
};

/* pv[0..n) (visitor ids below nvisitors) as one object and as two cut at
 * instant cut: the first gets the pageviews before it, in their order,
 * drains and saves its open visits; the second restores them, marks the
 * other visitors the first saw, then gets the rest.  tick: the second also
 * takes the first's clock, as a state would carry it.  The visits the
 * first finished plus the second's must be the whole run's, field for
 * field; b, when given, keeps the second's collector. */
static bool split_agrees(const ref_pageview *pv, size_t n, uint32_t nvisitors, int64_t cut, int64_t timeout,
			 int64_t window, bool tick, struct split_stats *st, struct collect *b_out)
{
	ref_pageview *all = malloc(n * sizeof *all);
	if (!all)
		abort();
	size_t na = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		if (pv[i].time.t < cut)
			all[k++] = pv[i];
	na = k;
	for (size_t i = 0; i < n; i++)
		if (pv[i].time.t >= cut)
			all[k++] = pv[i];
	number(all, n);
	memset(st, 0, sizeof *st);

	struct collect w, a, b;
	ff_visits *vw = stream(&w, all, n, timeout, window);

	ff_visits *va = collector(&a, timeout, window);
	int64_t clock = INT64_MIN;
	for (size_t i = 0; i < na; i++) {
		add_ref(va, &all[i]);
		if (all[i].time.t > clock)
			clock = all[i].time.t;
	}
	bool ok = ff_visits_drain(va) == 0 && ff_visits_pending_count(va) == 0;
	size_t a_finished = a.n;
	struct saved s = { 0 };
	ok = ok && ff_visits_each_open(va, save_open, &s) == 0 && s.n == ff_visits_open_count(va);
	ok = ok && in_order(s.v, s.n);
	uint64_t held = 0;
	for (size_t i = 0; i < a.n; i++)
		held += a.v[i].pageviews;
	for (size_t i = 0; i < s.n; i++)
		held += s.v[i].pageviews;
	ok = ok && held == na && ff_visits_visitor_count(va) == distinct_visitors(all, na, nvisitors);

	ff_visits *vb = collector(&b, timeout, window);
	unsigned char *restored = calloc(nvisitors, 1);
	for (size_t i = 0; i < s.n; i++) {
		ok = ok && ff_visits_restore(vb, &s.v[i]) == 0;
		restored[s.v[i].visitor] = 1;
	}
	for (uint32_t id = 0; id < nvisitors; id++)
		if (ff_visits_visitor_seen(va, id) && !restored[id])
			ok = ok && ff_visits_mark_seen(vb, id) == 0;
	ok = ok && ff_visits_visitor_count(vb) == 0;
	if (tick && na)
		ok = ok && ff_visits_tick(vb, at(clock)) == 0;
	for (size_t i = na; i < n; i++)
		ok = ok && add_ref(vb, &all[i]) == 0;
	ok = ok && ff_visits_finish(vb) == 0;
	ok = ok && ff_visits_visitor_count(vb) == distinct_visitors(all + na, n - na, nvisitors);
	ok = ok && w.late_pageviews == 0 && b.late_pageviews == 0 && b.user_ok && b.entry_ok && b.order_ok;

	/* The first object, finished after all, reports the saved visits
	 * in the order each_open gave: listing them changed nothing. */
	ff_visits_finish(va);
	ok = ok && a.n == a_finished + s.n;
	for (size_t i = 0; ok && i < s.n; i++)
		ok = same_full(&a.v[a_finished + i], &s.v[i]);

	ff_visit *got = malloc((a_finished + b.n + 1) * sizeof *got);
	if (a_finished) /* a.v is NULL when nothing was reported */
		memcpy(got, a.v, a_finished * sizeof *got);
	if (b.n)
		memcpy(got + a_finished, b.v, b.n * sizeof *got);
	size_t ng = a_finished + b.n;
	qsort(got, ng, sizeof *got, visit_cmp);
	qsort(w.v, w.n, sizeof *w.v, visit_cmp);
	if (ng != w.n) {
		fprintf(stderr, "split at %lld: %zu visits, whole run %zu\n", (long long)cut, ng, w.n);
		ok = false;
	}
	for (size_t i = 0; i < ng && i < w.n; i++) {
		if (!same_full(&got[i], &w.v[i])) {
			if (ok)
				fprintf(stderr, "split at %lld: visit %zu differs (visitor %u, seq %llu)\n",
					(long long)cut, i, w.v[i].visitor, (unsigned long long)w.v[i].first_seq);
			ok = false;
		}
	}

	st->saved = s.n;
	st->a_finished = a_finished;
	for (size_t i = 0; i < b.n; i++) {
		if (restored[b.v[i].visitor] && b.v[i].first_seq < na) {
			/* a restored visit, finished here */
			for (size_t j = 0; j < s.n; j++)
				if (s.v[j].id == b.v[i].id) {
					if (b.v[i].pageviews > s.v[j].pageviews)
						st->continued++;
					else
						st->expired++;
				}
		} else if (b.v[i].returning && !restored[b.v[i].visitor] && ff_visits_visitor_seen(va, b.v[i].visitor)) {
			st->returning++;
		}
	}

	free(restored);
	free(got);
	free(s.v);
	ff_visits_free(vw);
	ff_visits_free(va);
	ff_visits_free(vb);
	collect_free(&w);
	collect_free(&a);
	if (b_out)
		*b_out = b;
	else
		collect_free(&b);
	free(all);
	return ok;
}

static void test_state_split_cases(void)
{
	/* Cut at C, timeout 1800, window 300; the first run's clock ends at
	 * C - 100, so visits ending before C - 2200 finish before the cut. */
	const int64_t C = T0 + 10000;
	ref_pageview pv[] = {
		{ 1, at(C - 5000), 10, 0 },      /* finished before the cut */
		{ 2, at(C - 1790), 20, 0 },      /* open; expires: next one 1801 s on */
		{ 3, at(C - 1790), 30, 0 },      /* open; continued at exactly timeout */
		{ 4, at(C - 1790), 40, 0 },      /* open; expires by the clock alone */
		{ 0, at(C - 100), 1, 0 },        /* crosses the cut */
		{ 0, at(C - 100), 2, 0 },
		{ 3, at(C + 10), 31, 0 },
		{ 2, at(C + 11), 21, 0 },        /* a new visit, returning */
		{ 0, at(C + 50), 3, 0 },
		{ 1, at(C + 100), 11, 0 },       /* returning after the cut */
		{ 5, at(C + 400), 50, 0 },       /* moves the clock past visitor 4 */
		{ 5, at(C + 5000), 51, 0 },
	};
	number(pv, COUNT(pv));
	struct split_stats st;
	struct collect b;
	CHECK(split_agrees(pv, COUNT(pv), 6, C, 1800, 300, false, &st, &b));
	CHECK_INT(st.a_finished, 1);
	CHECK_INT(st.saved, 4);
	CHECK_INT(st.continued, 2);
	CHECK_INT(st.expired, 2);
	CHECK_INT(st.returning, 1);
	/* The visits as the second run reports them: visitor 4's by the clock
	 * when visitor 5's line at C + 400 comes, before the end. */
	size_t four = b.n, five = b.n;
	for (size_t i = 0; i < b.n; i++) {
		if (b.v[i].visitor == 4)
			four = i;
		if (b.v[i].visitor == 5 && b.v[i].start.t == C + 400)
			five = i;
	}
	CHECK(four < b.n && five < b.n && four < five);
	CHECK_INT(b.v[four].pageviews, 1);
	CHECK_INT(b.v[four].user[0], 1);
	for (size_t i = 0; i < b.n; i++) {
		const ff_visit *x = &b.v[i];
		if (x->visitor == 0) {
			CHECK_INT(x->pageviews, 3);
			CHECK_INT(x->entry_path, 1);
			CHECK_INT(x->exit_path, 3);
			CHECK_INT(x->start.t, C - 100);
			CHECK_INT(x->end.t, C + 50);
			CHECK_INT(x->user[0], 3);
			CHECK(!x->returning);
		} else if (x->visitor == 3) {
			CHECK_INT(x->pageviews, 2);
			CHECK_INT(x->exit_path, 31);
		} else if (x->visitor == 2 && x->start.t == C + 11) {
			CHECK(x->returning);
		} else if (x->visitor == 1) {
			CHECK(x->returning);
			CHECK_INT(x->pageviews, 1);
		}
	}
	collect_free(&b);
	/* The same with the first run's clock carried over, and cut at other
	 * instants: nothing before, nothing after, mid-visit. */
	CHECK(split_agrees(pv, COUNT(pv), 6, C, 1800, 300, true, &st, NULL));
	CHECK(split_agrees(pv, COUNT(pv), 6, T0, 1800, 300, false, &st, NULL));
	CHECK_INT(st.saved, 0);
	CHECK(split_agrees(pv, COUNT(pv), 6, C + 100000, 1800, 300, true, &st, NULL));
	CHECK_INT(st.saved, 1);
	CHECK(split_agrees(pv, COUNT(pv), 6, C + 30, 1800, 300, true, &st, NULL));
}

static void test_state_split_random(bool whole, uint64_t seed)
{
	enum { N = 100000, VISITORS = 10000, WINDOW = 300 };
	ref_pageview *ordered = generate(N, VISITORS, whole, seed);
	ref_pageview *moved = displace(ordered, N, WINDOW, whole, 0, 0, seed + 1);
	CHECK_INT(count_late(moved, N, WINDOW, NULL), 0);
	const int64_t timeouts[] = { 1800, 600 };
	size_t continued = 0, expired = 0, returning = 0;
	for (size_t t = 0; t < COUNT(timeouts); t++) {
		for (int part = 1; part <= 3; part++) {
			struct split_stats st;
			int64_t cut = ordered[N * part / 4].time.t + part % 2;
			CHECK(split_agrees(ordered, N, VISITORS, cut, timeouts[t], WINDOW, part == 2, &st, NULL));
			continued += st.continued;
			expired += st.expired;
			returning += st.returning;
			CHECK(split_agrees(moved, N, VISITORS, cut, timeouts[t], WINDOW, part != 2, &st, NULL));
			continued += st.continued;
			expired += st.expired;
			returning += st.returning;
		}
	}
	CHECK(continued > 1000 && expired > 1000 && returning > 1000);
	free(moved);
	free(ordered);
}

/* reduce: groups of visitors, each in time order, their times overlapping,
 * through one object with a flush between them, give what each group gives
 * alone, in the same order, with nothing late. */
static void test_flush_groups(void)
{
	enum { N = 60000, VISITORS = 5000, GROUPS = 3 };
	ref_pageview *g[GROUPS];
	struct collect alone[GROUPS], x;
	uint64_t seq = 0, visitors = 0;
	for (int i = 0; i < GROUPS; i++) {
		ref_pageview *ordered = generate(N, VISITORS, i == 1, 40 + (uint64_t)i);
		g[i] = displace(ordered, N, 300, i == 1, 0, 0, 50 + (uint64_t)i);
		free(ordered);
		for (size_t j = 0; j < N; j++) {
			g[i][j].visitor += (uint32_t)i * VISITORS;
			g[i][j].time.t -= 3000 * i; /* each group starts before the last ends */
			g[i][j].seq = seq++;
		}
		ff_visits *v = collector(&alone[i], 1800, 300);
		for (size_t j = 0; j < N; j++)
			add_ref(v, &g[i][j]);
		ff_visits_finish(v);
		visitors += ff_visits_visitor_count(v);
		ff_visits_free(v);
	}
	ff_visits *v = collector(&x, 1800, 300);
	bool ok = true;
	for (int i = 0; i < GROUPS; i++) {
		for (size_t j = 0; j < N; j++)
			ok = ok && add_ref(v, &g[i][j]) == 0;
		CHECK_INT(ff_visits_flush(v), 0);
		CHECK_INT(ff_visits_open_count(v), 0);
		CHECK_INT(ff_visits_pending_count(v), 0);
	}
	CHECK(ok);
	CHECK_INT(ff_visits_finish(v), 0);
	CHECK_INT(ff_visits_late_count(v), 0);
	CHECK_INT(x.late_pageviews, 0);
	CHECK_INT(ff_visits_visitor_count(v), visitors);
	size_t k = 0;
	bool same = true;
	for (int i = 0; i < GROUPS; i++)
		for (size_t j = 0; j < alone[i].n; j++, k++)
			same = same && k < x.n && same_full(&x.v[k], &alone[i].v[j]);
	CHECK(same && k == x.n);
	CHECK(x.n > 3 * VISITORS);

	/* Visitors stay seen across a flush; the clock does not stay. */
	collect_free(&x);
	ff_visits_free(v);
	v = collector(&x, 1800, 300);
	ff_visits_add(v, 1, at(T0 + 5000), 1, 0);
	ff_visits_add(v, 2, at(T0 + 9000), 1, 1);
	CHECK_INT(ff_visits_flush(v), 0);
	CHECK_INT(x.n, 2);
	CHECK_INT(ff_visits_add(v, 1, at(T0), 2, 2), 0); /* far earlier, not late */
	CHECK_INT(ff_visits_add(v, 3, at(T0 + 10), 2, 3), 0);
	CHECK_INT(ff_visits_flush(v), 0);
	CHECK_INT(x.n, 4);
	CHECK(x.v[2].visitor == 1 && x.v[2].returning && x.v[2].start.t == T0);
	CHECK(x.v[3].visitor == 3 && !x.v[3].returning);
	CHECK_INT(ff_visits_flush(v), 0); /* nothing open: nothing to do */
	CHECK_INT(ff_visits_late_count(v), 0);
	CHECK_INT(ff_visits_visitor_count(v), 3);
	ff_visits_finish(v);
	CHECK_INT(x.n, 4);
	ff_visits_free(v);
	collect_free(&x);

	/* Many small groups after a big one: each flush sees only its own
	 * few open visits, and memory stays as the big group left it. */
	v = ff_visits_new(NULL, NULL);
	for (size_t j = 0; j < N; j++)
		add_ref(v, &g[0][j]);
	CHECK_INT(ff_visits_flush(v), 0);
	size_t bytes = ff_visits_bytes(v);
	for (uint32_t i = 0; i < 20000; i++) {
		ff_visits_add(v, i % 1000, at(T0 + i % 7), 1, seq++);
		ff_visits_add(v, i % 1000, at(T0 + 60 + i % 7), 1, seq++);
		if (ff_visits_flush(v) != 0)
			ok = false;
	}
	CHECK(ok);
	CHECK_INT(ff_visits_count(v), alone[0].n + 20000);
	CHECK_INT(ff_visits_bytes(v), bytes);
	ff_visits_free(v);

	for (int i = 0; i < GROUPS; i++) {
		collect_free(&alone[i]);
		free(g[i]);
	}
}

static int stop_at_second(void *ctx, const ff_visit *visit)
{
	size_t *calls = ctx;
	(void)visit;
	return ++*calls == 2 ? 7 : 0;
}

static void test_open_visits(void)
{
	struct collect c;
	struct saved s = { 0 };
	ff_visits *v = collector(&c, 100, 300);

	/* each_open: by start, then first seq, as finish reports them, and
	 * only open visits (visitor 6's first visit is cut when drained). */
	ff_visits_add(v, 6, at(800), 1, 0);
	ff_visits_add(v, 5, at(1000), 1, 1);
	ff_visits_add(v, 4, at(900), 1, 2);
	ff_visits_add(v, 3, at(1000), 1, 3);
	ff_visits_add(v, 2, at_us(950, 1), 1, 4);
	ff_visits_add(v, 6, at(1000), 2, 5);
	ff_visits_add(v, 1, at(1000), 1, 6);
	CHECK_INT(ff_visits_pending_count(v), 7);
	CHECK_INT(ff_visits_each_open(v, save_open, &s), 0);
	CHECK_INT(s.n, 0); /* nothing assigned yet */
	CHECK_INT(ff_visits_drain(v), 0);
	CHECK_INT(ff_visits_pending_count(v), 0);
	CHECK_INT(c.n, 1); /* the cut, not a finish */
	CHECK_INT(ff_visits_open_count(v), 6);
	CHECK_INT(ff_visits_each_open(v, save_open, &s), 0);
	CHECK_INT(s.n, 6);
	const uint32_t want[] = { 4, 2, 5, 3, 6, 1 };
	for (size_t i = 0; i < s.n && i < COUNT(want); i++)
		CHECK_INT(s.v[i].visitor, want[i]);
	size_t calls = 0;
	CHECK_INT(ff_visits_each_open(v, stop_at_second, &calls), 7);
	CHECK_INT(calls, 2);
	/* Pageviews may still come: in order they join as usual. */
	CHECK_INT(ff_visits_add(v, 5, at(1100), 3, 7), 0);
	ff_visits_finish(v);
	CHECK_INT(c.n, 7);
	for (size_t i = 0; i < 6; i++)
		CHECK_INT(c.v[1 + i].visitor, want[i]);
	CHECK_INT(c.v[3].pageviews, 2);
	ff_visits_free(v);
	collect_free(&c);

	/* restore: the visit is kept as given, user[] included; a pageview
	 * within timeout of its end joins it; the visitor counts once a
	 * pageview of this run is its. */
	v = collector(&c, 1800, 300);
	ff_visit r = { .id = 40, .first_seq = 40, .last_seq = 44, .start = at(T0 - 600), .end = at(T0 - 100),
		       .visitor = 9, .pageviews = 3, .entry_path = 7, .exit_path = 8, .returning = true,
		       .user = { 3, 42, 0, 99 } };
	CHECK_INT(ff_visits_restore(v, &r), 0);
	CHECK_INT(ff_visits_restore(v, &r), -1); /* visitor 9 is open already */
	ff_visit other = r;
	other.pageviews = 0;
	other.visitor = 10;
	CHECK_INT(ff_visits_restore(v, &other), -1); /* no pageview: not a visit */
	other.pageviews = 1;
	other.visitor = FF_INTERN_NONE;
	CHECK_INT(ff_visits_restore(v, &other), -1);
	CHECK_INT(ff_visits_mark_seen(v, 11), 0);
	CHECK_INT(ff_visits_mark_seen(v, FF_INTERN_NONE), -1);
	CHECK_INT(ff_visits_open_count(v), 1);
	CHECK_INT(ff_visits_visitor_count(v), 0);
	CHECK(ff_visits_visitor_seen(v, 9) && ff_visits_visitor_seen(v, 11) && !ff_visits_visitor_seen(v, 12));
	/* The clock is the restored visit's end: 301 s before it is late. */
	CHECK_INT(ff_visits_add(v, 12, at(T0 - 401), 1, 100), FF_VISITS_LATE);
	CHECK_INT(c.n, 0);
	CHECK_INT(ff_visits_add(v, 9, at(T0 + 1700), 5, 101), 0); /* exactly timeout after its end */
	CHECK_INT(ff_visits_add(v, 11, at(T0 + 1700), 6, 102), 0);
	ff_visits_finish(v);
	CHECK_INT(ff_visits_visitor_count(v), 3);
	CHECK_INT(c.n, 3);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	const ff_visit *got = &c.v[0];
	CHECK_INT(got->visitor, 9);
	CHECK_INT(got->id, 40);
	CHECK_INT(got->first_seq, 40);
	CHECK_INT(got->last_seq, 101);
	CHECK_INT(got->start.t, T0 - 600);
	CHECK_INT(got->end.t, T0 + 1700);
	CHECK_INT(got->pageviews, 4);
	CHECK_INT(got->entry_path, 7);
	CHECK_INT(got->exit_path, 5);
	CHECK(got->returning);
	CHECK_INT(got->user[0], 4);
	CHECK_INT(got->user[1], 42);
	CHECK_INT(got->user[3], 0); /* ff_visits_add passes data 0 */
	CHECK(c.user_ok);
	CHECK(c.v[2].visitor == 11 && c.v[2].returning); /* marked seen */
	CHECK(c.v[1].visitor == 12 && !c.v[1].returning);
	ff_visits_free(v);
	collect_free(&c);

	/* A restored visit that nothing joins finishes by the clock; one
	 * joined after more than timeout is cut; a pageview before a
	 * restored visit's entry (not late) is a visit of its own, by the
	 * late rule, and the restored one keeps its entry. */
	v = collector(&c, 1800, 300);
	r.visitor = 1;
	CHECK_INT(ff_visits_restore(v, &r), 0);
	r.visitor = 2;
	CHECK_INT(ff_visits_restore(v, &r), 0);
	r.visitor = 3;
	r.start = at(T0 - 200);
	r.end = at(T0 - 150);
	CHECK_INT(ff_visits_restore(v, &r), 0);
	CHECK_INT(ff_visits_add(v, 3, at(T0 - 350), 1, 200), 0); /* before its entry */
	CHECK_INT(ff_visits_late_count(v), 0);
	CHECK_INT(c.late_pageviews, 1);
	CHECK_INT(c.n, 1);
	CHECK(c.v[0].visitor == 3 && c.v[0].pageviews == 1 && c.v[0].returning && c.v[0].start.t == T0 - 350);
	CHECK_INT(ff_visits_add(v, 3, at(T0 - 160), 9, 201), 0); /* inside it: joins, exit stays */
	CHECK_INT(ff_visits_add(v, 2, at(T0 + 1701), 2, 202), 0); /* 1801 s after its end */
	CHECK_INT(c.n, 1);
	/* The clock releases the pageview 1801 s after visitor 2's visit,
	 * which cuts it, then finishes visitor 3's and 1's. */
	CHECK_INT(ff_visits_tick(v, at(T0 + 1701 + 301)), 0);
	CHECK_INT(c.n, 4);
	CHECK(c.v[1].visitor == 2 && c.v[1].pageviews == 3 && c.v[1].user[0] == 3);
	CHECK(c.v[2].visitor == 3 && c.v[2].pageviews == 4 && c.v[2].user[1] == 42);
	CHECK(c.v[3].visitor == 1 && c.v[3].pageviews == 3 && c.v[3].end.t == T0 - 100);
	ff_visits_finish(v);
	CHECK_INT(c.n, 5);
	qsort(c.v, c.n, sizeof *c.v, visit_cmp);
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i].visitor == 3 && c.v[i].id == 40) {
			CHECK_INT(c.v[i].pageviews, 4);
			CHECK_INT(c.v[i].entry_path, 7);
			CHECK_INT(c.v[i].exit_path, 8);
			CHECK_INT(c.v[i].end.t, T0 - 150);
		}
		if (c.v[i].visitor == 2 && c.v[i].id == 202)
			CHECK(c.v[i].returning && c.v[i].pageviews == 1);
	}
	CHECK_INT(ff_visits_visitor_count(v), 2);
	ff_visits_free(v);
	collect_free(&c);
	free(s.v);
}

int main(void)
{
	test_timeout_edge();
	test_three_visits();
	test_visitor_keys();
	test_midnight();
	test_equal_instants();
	test_late_rule();
	test_tick_and_release();
	test_buffer_growth();
	test_random(false, 1);
	test_random(true, 2);
	test_random_late(3);
	test_memory_flat();
	test_open_visits();
	test_state_split_cases();
	test_state_split_random(false, 5);
	test_state_split_random(true, 6);
	test_flush_groups();
	return CHECK_DONE("test_visits");
}
