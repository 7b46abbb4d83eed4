/* visits.c — the streaming sessionizer between classification and the
 * aggregates: pageviews wait, ordered by (instant, seq), until the reorder
 * window has passed them (a queue for those that arrive in order, a
 * min-heap for the rest), then join or start their visitor's open visit; a
 * second min-heap on last-pageview time (lazily re-keyed) finds the visits
 * that can no longer grow.  Open visits can be listed, saved and put back
 * (ff_visits_restore) so that a run continues the one before it.  See
 * visits.h for the rules. */
#include "visits.h"

#include <stdlib.h>
#include <string.h>

#define NO_SLOT UINT32_MAX
/* Instants are clamped to +-T_LIMIT seconds so that every difference and
 * threshold below fits in 64 bits. */
#define T_LIMIT (FF_VISITS_SECONDS_MAX << 2)

/* An open visit's entry in the expiry heap.  t is at most the visit's last
 * pageview second: it is refreshed from the visit when it reaches the top,
 * so extending a visit costs nothing here. */
struct expiry {
	int64_t t;
	uint32_t slot;
};

struct ff_visits {
	int64_t timeout, window;
	ff_visits_hooks hooks;

	bool has_newest;
	int64_t newest; /* whole seconds: the clock for `late` and release */
	/* the last pageview released early because the buffer was full: one
	 * that sorts before it can only be assigned by the late rule */
	bool has_forced;
	ff_pageview forced;

	/* The reorder buffer.  Pageviews that come in (instant, seq) order,
	 * as most do, queue in the ring fifo; the others wait in the
	 * min-heap pending.  Release takes the smaller of the two fronts. */
	ff_pageview *fifo;
	size_t fifo_head, fifo_len, fifo_cap; /* fifo_cap: 0 or a power of two */
	ff_pageview *pending;
	size_t npending, pending_cap;

	/* Open visits live in pool slots; a slot with pageviews == 0 is free
	 * and its visitor field links the free list. */
	ff_visit *pool;
	uint32_t pool_cap, pool_used, free_head, nopen;
	struct expiry *exp; /* one entry per open visit; capacity pool_cap */
	uint32_t nexp;

	/* Per visitor id: its open visit's slot + 1 (0: none), whether it
	 * ever had a visit (in this run or, restored or marked, before it:
	 * its next visit is returning), and whether a pageview of this run
	 * was assigned to it (what ff_visits_visitor_count counts). */
	uint32_t *open_of;
	uint64_t *seen, *counted;
	size_t visitors_cap;

	uint64_t late, visitors, visits;
};

static int64_t clamp64(int64_t x, int64_t lo, int64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

ff_visits *ff_visits_new(const ff_visits_options *opt, const ff_visits_hooks *hooks)
{
	ff_visits *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->timeout = opt ? opt->timeout : FF_VISITS_TIMEOUT_DEFAULT;
	v->window = opt ? opt->reorder_window : FF_VISITS_REORDER_WINDOW_DEFAULT;
	v->timeout = clamp64(v->timeout, 0, FF_VISITS_SECONDS_MAX);
	v->window = clamp64(v->window, 0, FF_VISITS_SECONDS_MAX);
	if (hooks)
		v->hooks = *hooks;
	v->free_head = NO_SLOT;
	return v;
}

void ff_visits_free(ff_visits *v)
{
	if (!v)
		return;
	free(v->fifo);
	free(v->pending);
	free(v->pool);
	free(v->exp);
	free(v->open_of);
	free(v->seen);
	free(v->counted);
	free(v);
}

/* ---- ordering ---- */

static int time_cmp(ff_time a, ff_time b)
{
	if (a.t != b.t)
		return a.t < b.t ? -1 : 1;
	if (a.usec != b.usec)
		return a.usec < b.usec ? -1 : 1;
	return 0;
}

/* (instant, seq) order: the stable time order of SPEC §4 and §13.11. */
static bool sorts_before(ff_time a, uint64_t aseq, ff_time b, uint64_t bseq)
{
	int c = time_cmp(a, b);
	return c < 0 || (c == 0 && aseq < bseq);
}

/* Whether `to` is more than timeout seconds after `from` (sub-seconds
 * included). */
static bool gap_cuts(ff_time from, ff_time to, int64_t timeout)
{
	int64_t d = to.t - from.t;
	return d > timeout || (d == timeout && to.usec > from.usec);
}

/* ---- the reorder buffer ---- */

static bool pv_less(const ff_pageview *a, const ff_pageview *b)
{
	return sorts_before(a->time, a->seq, b->time, b->seq);
}

static int fifo_reserve(ff_visits *v)
{
	if (v->fifo_len < v->fifo_cap)
		return 0;
	size_t cap = v->fifo_cap ? v->fifo_cap * 2 : 1024;
	ff_pageview *f = malloc(cap * sizeof *f);
	if (!f)
		return -1;
	for (size_t i = 0; i < v->fifo_len; i++)
		f[i] = v->fifo[(v->fifo_head + i) & (v->fifo_cap - 1)];
	free(v->fifo);
	v->fifo = f;
	v->fifo_head = 0;
	v->fifo_cap = cap;
	return 0;
}

static const ff_pageview *fifo_back(const ff_visits *v)
{
	return &v->fifo[(v->fifo_head + v->fifo_len - 1) & (v->fifo_cap - 1)];
}

static int pending_reserve(ff_visits *v)
{
	if (v->npending < v->pending_cap)
		return 0;
	size_t cap = v->pending_cap ? v->pending_cap * 2 : 1024;
	ff_pageview *p = realloc(v->pending, cap * sizeof *p);
	if (!p)
		return -1;
	v->pending = p;
	v->pending_cap = cap;
	return 0;
}

/* Needs pending_reserve done. */
static void pending_push(ff_visits *v, const ff_pageview *pv)
{
	ff_pageview *h = v->pending;
	size_t i = v->npending++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!pv_less(pv, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = *pv;
}

static ff_pageview pending_pop(ff_visits *v)
{
	ff_pageview *h = v->pending;
	ff_pageview top = h[0];
	ff_pageview last = h[--v->npending];
	size_t n = v->npending, i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pv_less(&h[c + 1], &h[c]))
			c++;
		if (!pv_less(&h[c], &last))
			break;
		h[i] = h[c];
		i = c;
	}
	if (n)
		h[i] = last;
	return top;
}

/* ---- the expiry heap ---- */

static bool exp_less(const struct expiry *a, const struct expiry *b)
{
	return a->t < b->t || (a->t == b->t && a->slot < b->slot);
}

static void exp_sift_down(ff_visits *v, size_t i)
{
	struct expiry *h = v->exp, e = h[i];
	size_t n = v->nexp;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && exp_less(&h[c + 1], &h[c]))
			c++;
		if (!exp_less(&h[c], &e))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = e;
}

/* Capacity is guaranteed by pool_reserve: one entry per pool slot. */
static void exp_push(ff_visits *v, int64_t t, uint32_t slot)
{
	struct expiry *h = v->exp, e = { .t = t, .slot = slot };
	size_t i = v->nexp++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!exp_less(&e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
}

static void exp_pop(ff_visits *v)
{
	v->exp[0] = v->exp[--v->nexp];
	if (v->nexp)
		exp_sift_down(v, 0);
}

/* ---- visit slots and visitor arrays ---- */

/* Makes sure one more visit can be opened without allocating. */
static int pool_reserve(ff_visits *v)
{
	if (v->free_head != NO_SLOT || v->pool_used < v->pool_cap)
		return 0;
	if (v->pool_cap >= UINT32_MAX / 2)
		return -1;
	uint32_t cap = v->pool_cap ? v->pool_cap * 2 : 256;
	ff_visit *pool = realloc(v->pool, (size_t)cap * sizeof *pool);
	if (!pool)
		return -1;
	v->pool = pool;
	struct expiry *exp = realloc(v->exp, (size_t)cap * sizeof *exp);
	if (!exp)
		return -1; /* the bigger pool stays; pool_cap says what is usable */
	v->exp = exp;
	v->pool_cap = cap;
	return 0;
}

static uint32_t pool_take(ff_visits *v)
{
	uint32_t slot = v->free_head;
	if (slot != NO_SLOT)
		v->free_head = v->pool[slot].visitor;
	else
		slot = v->pool_used++;
	return slot;
}

static void pool_put(ff_visits *v, uint32_t slot)
{
	v->pool[slot].pageviews = 0;
	v->pool[slot].visitor = v->free_head;
	v->free_head = slot;
}

static int visitor_reserve(ff_visits *v, uint32_t visitor)
{
	if (visitor == FF_INTERN_NONE)
		return -1;
	if (visitor < v->visitors_cap)
		return 0;
	size_t cap = v->visitors_cap ? v->visitors_cap * 2 : 1024;
	if (cap <= visitor)
		cap = (size_t)visitor + 1;
	cap = (cap + 63) & ~(size_t)63;
	uint32_t *open_of = realloc(v->open_of, cap * sizeof *open_of);
	if (!open_of)
		return -1;
	v->open_of = open_of;
	memset(open_of + v->visitors_cap, 0, (cap - v->visitors_cap) * sizeof *open_of);
	/* A failure below leaves zeroed tails, harmless: retried next time. */
	uint64_t *seen = realloc(v->seen, cap / 64 * sizeof *seen);
	if (!seen)
		return -1;
	v->seen = seen;
	memset(seen + v->visitors_cap / 64, 0, (cap - v->visitors_cap) / 64 * sizeof *seen);
	uint64_t *counted = realloc(v->counted, cap / 64 * sizeof *counted);
	if (!counted)
		return -1;
	v->counted = counted;
	memset(counted + v->visitors_cap / 64, 0, (cap - v->visitors_cap) / 64 * sizeof *counted);
	v->visitors_cap = cap;
	return 0;
}

/* ---- assigning pageviews ---- */

static bool bit_get(const uint64_t *bits, uint32_t id)
{
	return (bits[id / 64] >> (id % 64)) & 1;
}

static void bit_set(uint64_t *bits, uint32_t id)
{
	bits[id / 64] |= UINT64_C(1) << (id % 64);
}

/* Every assigned pageview passes here, so a visitor is counted by its
 * first pageview of this run, whether it starts a visit or joins a
 * restored one. */
static void report_pageview(ff_visits *v, ff_visit *visit, const ff_pageview *pv)
{
	if (!bit_get(v->counted, pv->visitor)) {
		bit_set(v->counted, pv->visitor);
		v->visitors++;
	}
	if (v->hooks.on_pageview)
		v->hooks.on_pageview(v->hooks.ctx, visit, pv);
}

static void report_visit(ff_visits *v, const ff_visit *visit)
{
	v->visits++;
	if (v->hooks.on_visit)
		v->hooks.on_visit(v->hooks.ctx, visit);
}

static void start_visit(ff_visits *v, ff_visit *visit, const ff_pageview *pv)
{
	uint32_t id = pv->visitor;
	bool returning = bit_get(v->seen, id);

	bit_set(v->seen, id);
	*visit = (ff_visit){
		.id = pv->seq,
		.first_seq = pv->seq,
		.last_seq = pv->seq,
		.start = pv->time,
		.end = pv->time,
		.visitor = id,
		.pageviews = 1,
		.entry_path = pv->path_id,
		.exit_path = pv->path_id,
		.returning = returning,
	};
}

static void join_visit(ff_visit *visit, const ff_pageview *pv)
{
	visit->pageviews++;
	if (sorts_before(visit->end, visit->last_seq, pv->time, pv->seq)) {
		visit->end = pv->time;
		visit->last_seq = pv->seq;
		visit->exit_path = pv->path_id;
	}
}

/* A pageview in time order (or a late one whose visitor has no open
 * visit).  Needs pool_reserve and visitor_reserve done. */
static void assign(ff_visits *v, const ff_pageview *pv)
{
	uint32_t open = v->open_of[pv->visitor];
	ff_visit *visit;

	if (open) {
		visit = &v->pool[open - 1];
		if (!gap_cuts(visit->end, pv->time, v->timeout)) {
			join_visit(visit, pv);
		} else {
			/* The slot passes to the new visit, and with it the
			 * expiry entry, whose time is still not after the new
			 * visit's last pageview. */
			report_visit(v, visit);
			start_visit(v, visit, pv);
		}
	} else {
		uint32_t slot = pool_take(v);
		visit = &v->pool[slot];
		start_visit(v, visit, pv);
		v->open_of[pv->visitor] = slot + 1;
		exp_push(v, pv->time.t, slot);
		v->nopen++;
	}
	report_pageview(v, visit, pv);
}

/* The late rule of visits.h. */
static void assign_late(ff_visits *v, const ff_pageview *pv)
{
	uint32_t open = v->open_of[pv->visitor];
	if (!open) {
		assign(v, pv); /* rule 3 */
		return;
	}
	ff_visit *visit = &v->pool[open - 1];
	bool after_entry = sorts_before(visit->start, visit->first_seq, pv->time, pv->seq);
	bool after_exit = sorts_before(visit->end, visit->last_seq, pv->time, pv->seq);
	if (after_entry && !(after_exit && gap_cuts(visit->end, pv->time, v->timeout))) {
		join_visit(visit, pv); /* rule 1 */
		report_pageview(v, visit, pv);
		return;
	}
	ff_visit alone; /* rule 2 */
	start_visit(v, &alone, pv);
	report_pageview(v, &alone, pv);
	report_visit(v, &alone);
}

static int hold(ff_visits *v, const ff_pageview *pv)
{
	if (v->fifo_len == 0 || !pv_less(pv, fifo_back(v))) {
		if (fifo_reserve(v) != 0)
			return -1;
		v->fifo[(v->fifo_head + v->fifo_len++) & (v->fifo_cap - 1)] = *pv;
		return 0;
	}
	if (pending_reserve(v) != 0)
		return -1;
	pending_push(v, pv);
	return 0;
}

/* Assigns the buffered pageviews no line that is not late can precede any
 * more (all of them when flush), smallest first. */
static int release(ff_visits *v, bool flush)
{
	int64_t limit = v->newest - v->window;
	for (;;) {
		const ff_pageview *f = v->fifo_len ? &v->fifo[v->fifo_head] : NULL;
		const ff_pageview *h = v->npending ? &v->pending[0] : NULL;
		bool from_fifo = f && (!h || pv_less(f, h));
		const ff_pageview *next = from_fifo ? f : h;
		/* A full buffer releases its oldest early, so that a burst of
		 * pageviews at one instant cannot hold memory without bound. */
		bool full = (size_t)v->fifo_len + v->npending > FF_VISITS_HOLD_MAX;
		if (!next || (!flush && !full && next->time.t >= limit))
			return 0;
		if (full && !flush && next->time.t >= limit) {
			v->forced = *next;
			v->has_forced = true;
		}
		if (pool_reserve(v) != 0)
			return -1;
		ff_pageview pv;
		if (from_fifo) {
			pv = *f;
			v->fifo_head = (v->fifo_head + 1) & (v->fifo_cap - 1);
			v->fifo_len--;
		} else {
			pv = pending_pop(v);
		}
		assign(v, &pv);
	}
}

/* Finishes the open visits that nothing but a late pageview can join: a
 * pageview not late is at least newest - window, so a visit whose last
 * pageview is earlier than that by more than timeout (whole seconds, which
 * covers any sub-seconds) can no longer grow. */
static void expire(ff_visits *v)
{
	int64_t limit = v->newest - v->window - v->timeout;
	while (v->nexp && v->exp[0].t < limit) {
		uint32_t slot = v->exp[0].slot;
		ff_visit *visit = &v->pool[slot];
		if (visit->end.t >= limit) {
			v->exp[0].t = visit->end.t;
			exp_sift_down(v, 0);
			continue;
		}
		exp_pop(v);
		report_visit(v, visit);
		v->open_of[visit->visitor] = 0;
		pool_put(v, slot);
		v->nopen--;
	}
}

/* Whether pv sorts before the last pageview of its visitor's open visit.
 * Never so for a pageview in order, since the visit holds only released
 * pageviews; but a restored visit, or one after ff_visits_drain, holds
 * pageviews released before their time, and the late rule keeps the visit
 * consistent (a pageview before its entry does not join it). */
static bool before_open_end(const ff_visits *v, const ff_pageview *pv)
{
	uint32_t open = v->open_of[pv->visitor];
	if (!open)
		return false;
	const ff_visit *visit = &v->pool[open - 1];
	return sorts_before(pv->time, pv->seq, visit->end, visit->last_seq);
}

static void normalize_time(ff_time *t)
{
	t->t = clamp64(t->t, -T_LIMIT, T_LIMIT);
	if (t->usec < 0 || t->usec > 999999)
		t->usec = t->usec < 0 ? 0 : 999999;
}

static void advance_clock(ff_visits *v, int64_t t)
{
	if (!v->has_newest || t > v->newest) {
		v->newest = t;
		v->has_newest = true;
	}
}

int ff_visits_add_pageview(ff_visits *v, const ff_pageview *in)
{
	ff_pageview pv = *in;
	normalize_time(&pv.time);
	pv.late = false;
	if (visitor_reserve(v, pv.visitor) != 0)
		return -1;

	bool late = v->has_newest && pv.time.t < v->newest - v->window;
	if (late || (v->has_forced && pv_less(&pv, &v->forced)) || before_open_end(v, &pv)) {
		if (pool_reserve(v) != 0)
			return -1;
		pv.late = true;
		if (late)
			v->late++;
		assign_late(v, &pv);
		expire(v); /* a visit it started may be over already */
		return late ? FF_VISITS_LATE : 0;
	}

	if (hold(v, &pv) != 0)
		return -1;
	advance_clock(v, pv.time.t);
	if (release(v, false) != 0)
		return -1;
	expire(v);
	return 0;
}

int ff_visits_add(ff_visits *v, uint32_t visitor, ff_time t, uint32_t path_id, uint64_t seq)
{
	ff_pageview pv = { .time = t, .seq = seq, .visitor = visitor, .path_id = path_id };
	return ff_visits_add_pageview(v, &pv);
}

int ff_visits_tick(ff_visits *v, ff_time t)
{
	normalize_time(&t);
	advance_clock(v, t.t);
	if (release(v, false) != 0)
		return -1;
	expire(v);
	return 0;
}

/* The order open visits are reported and listed in: start instant, then
 * first seq; the visitor (one open visit each) settles what a caller's
 * repeated seqs would leave equal. */
static bool open_before(const ff_visit *a, const ff_visit *b)
{
	if (sorts_before(a->start, a->first_seq, b->start, b->first_seq))
		return true;
	if (sorts_before(b->start, b->first_seq, a->start, a->first_seq))
		return false;
	return a->visitor < b->visitor;
}

static int visit_order(const void *pa, const void *pb)
{
	const ff_visit *a = pa, *b = pb;
	return open_before(a, b) ? -1 : open_before(b, a) ? 1 : 0;
}

static int slot_order(const void *pa, const void *pb)
{
	const struct expiry *a = pa, *b = pb;
	return (a->slot > b->slot) - (a->slot < b->slot);
}

/* Reports every open visit in open_before order and empties the pool.
 * The expiry heap holds exactly the open slots, so this costs
 * O(open log open) however many visits the pool once held: reduce calls
 * it once per group. */
static void close_all(ff_visits *v)
{
	uint32_t n = v->nexp;
	if (n) {
		/* Gather the open visits at the front of the pool and sort
		 * them there: nothing to allocate.  By ascending slot, slot
		 * i's visit moves from a slot >= i, never over one still to
		 * move. */
		qsort(v->exp, n, sizeof *v->exp, slot_order);
		for (uint32_t i = 0; i < n; i++) {
			const ff_visit *visit = &v->pool[v->exp[i].slot];
			v->open_of[visit->visitor] = 0;
			v->pool[i] = *visit;
		}
		qsort(v->pool, n, sizeof *v->pool, visit_order);
	}
	v->pool_used = 0;
	v->free_head = NO_SLOT;
	v->nopen = 0;
	v->nexp = 0;
	for (uint32_t i = 0; i < n; i++)
		report_visit(v, &v->pool[i]);
}

int ff_visits_finish(ff_visits *v)
{
	if (release(v, true) != 0)
		return -1;
	close_all(v);
	return 0;
}

int ff_visits_flush(ff_visits *v)
{
	if (release(v, true) != 0)
		return -1;
	close_all(v);
	v->has_newest = false;
	v->has_forced = false;
	return 0;
}

int ff_visits_drain(ff_visits *v)
{
	return release(v, true);
}

/* A max-heap of the expiry entries by open_before, for heapsort. */
static void order_sift(ff_visits *v, size_t i, size_t n)
{
	struct expiry *h = v->exp, e = h[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && open_before(&v->pool[h[c].slot], &v->pool[h[c + 1].slot]))
			c++;
		if (!open_before(&v->pool[e.slot], &v->pool[h[c].slot]))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = e;
}

int ff_visits_each_open(ff_visits *v, int (*fn)(void *ctx, const ff_visit *visit), void *ctx)
{
	/* Heapsort the expiry entries in place (nothing to allocate, slots
	 * untouched), then make them a heap again.  The heap's pops depend
	 * only on its entries, so what follows is as if this never ran. */
	size_t n = v->nexp;
	for (size_t i = n / 2; i-- > 0;)
		order_sift(v, i, n);
	for (size_t end = n; end > 1;) {
		end--;
		struct expiry top = v->exp[0];
		v->exp[0] = v->exp[end];
		v->exp[end] = top;
		order_sift(v, 0, end);
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fn(ctx, &v->pool[v->exp[i].slot]);
	for (size_t i = n / 2; i-- > 0;)
		exp_sift_down(v, i);
	return rc;
}

int ff_visits_restore(ff_visits *v, const ff_visit *in)
{
	if (in->pageviews == 0 || visitor_reserve(v, in->visitor) != 0 || v->open_of[in->visitor] ||
	    pool_reserve(v) != 0)
		return -1;
	ff_visit visit = *in;
	normalize_time(&visit.start);
	normalize_time(&visit.end);
	uint32_t slot = pool_take(v);
	v->pool[slot] = visit;
	v->open_of[visit.visitor] = slot + 1;
	exp_push(v, visit.end.t, slot);
	v->nopen++;
	bit_set(v->seen, visit.visitor);
	/* Its pageviews count as given: nothing more than reorder_window
	 * before its last one can still be in order. */
	advance_clock(v, visit.end.t);
	return 0;
}

int ff_visits_mark_seen(ff_visits *v, uint32_t visitor)
{
	if (visitor_reserve(v, visitor) != 0)
		return -1;
	bit_set(v->seen, visitor);
	return 0;
}

uint64_t ff_visits_late_count(const ff_visits *v)
{
	return v->late;
}

uint64_t ff_visits_visitor_count(const ff_visits *v)
{
	return v->visitors;
}

bool ff_visits_visitor_seen(const ff_visits *v, uint32_t visitor)
{
	if (visitor >= v->visitors_cap)
		return false;
	return bit_get(v->seen, visitor);
}

uint64_t ff_visits_count(const ff_visits *v)
{
	return v->visits;
}

size_t ff_visits_open_count(const ff_visits *v)
{
	return v->nopen;
}

size_t ff_visits_pending_count(const ff_visits *v)
{
	return v->fifo_len + v->npending;
}

size_t ff_visits_bytes(const ff_visits *v)
{
	return sizeof *v + (v->fifo_cap + v->pending_cap) * sizeof *v->pending +
	       (size_t)v->pool_cap * (sizeof *v->pool + sizeof *v->exp) +
	       v->visitors_cap * sizeof *v->open_of + v->visitors_cap / 64 * (sizeof *v->seen + sizeof *v->counted);
}

/* ---- visitor keys ---- */

uint32_t ff_visitor_id(ff_intern *in, ff_sv client, ff_sv ua)
{
	unsigned char len[10];
	size_t n = 0;
	size_t x = client.n;
	do {
		unsigned char b = x & 0x7f;
		x >>= 7;
		len[n++] = (unsigned char)(b | (x ? 0x80 : 0));
	} while (x);
	ff_sv parts[3] = { ff_sv_make((const char *)len, n), client, ua };
	return ff_intern_id_parts(in, parts, 3);
}

bool ff_visitor_key_split(ff_sv key, ff_sv *client, ff_sv *ua)
{
	uint64_t len = 0;
	size_t i = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (i >= key.n || shift > 63)
			return false;
		unsigned char b = (unsigned char)key.p[i++];
		if (shift == 63 && (b & 0x7e))
			return false;
		len |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (len > key.n - i)
		return false;
	*client = ff_sv_make(key.p + i, (size_t)len);
	*ua = ff_sv_sub(key, i + (size_t)len, key.n);
	return true;
}
