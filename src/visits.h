/* visits.h — pageviews into visits, streaming (SPEC §4, §13.11, §13.12).
 *
 * The caller gives every pageview once, in log order, with its visitor id
 * (the interned visitor key, see ff_visitor_id), instant, interned path and
 * seq, its position in the merged input.  The sessionizer holds pageviews
 * in a reorder buffer until no line within reorder_window can come before
 * them, then assigns them in (instant, seq) order to visits: a visitor's
 * pageviews, cut wherever two consecutive ones are more than timeout apart
 * (exactly timeout does not cut).  It calls back:
 *
 *   on_pageview  once per pageview, as it is assigned, with the visit it
 *                joined (already counting it).  Non-late pageviews come in
 *                (instant, seq) order; late ones when they are read.
 *   on_visit     once per finished visit.
 *
 * Exactness: when no pageview is late, the visits are exactly those of the
 * same pageviews stably sorted by instant, whatever their order within the
 * window.
 *
 * Late pageviews.  A pageview is late when its instant, in whole seconds,
 * is more than reorder_window seconds before the newest instant (whole
 * seconds) given to ff_visits_add or ff_visits_tick so far: the §13.12 test
 * as ff_summary_add_valid makes it, provided every valid line (pageview or
 * not) reaches ff_visits_add or ff_visits_tick.  A late pageview is not
 * buffered; it is assigned at once by this rule:
 *   1. Its visitor has an open visit V, the pageview sorts after V's entry
 *      (by instant, then seq) and is not more than timeout after V's last
 *      pageview: it joins V.  It becomes V's exit only if it sorts after
 *      V's last pageview; V's entry and start never change.
 *   2. Its visitor has an open visit V otherwise (the pageview is before V's
 *      entry, or too long after V's last pageview): it is a one-pageview
 *      visit of its own, returning, finished at once; V is untouched.
 *   3. Its visitor has no open visit: it starts a visit as any pageview
 *      would, and later pageviews may join it by the normal rule.
 * Finished visits are never reopened.  Rule 2 rather than a new entry for
 * V keeps a visit's entry the first pageview reported for it, so per-visit
 * data taken from the entry (landing page, source) never has to be undone.
 *
 * Finishing.  A visit is finished, reported and its memory reused once the
 * newest instant is more than reorder_window + timeout seconds past its
 * last pageview (nothing not late can join it any more), when its visitor's
 * next pageview starts a new visit, by rule 2, or by ff_visits_finish,
 * which reports the rest by start instant, then first seq.  The order of
 * on_visit calls depends only on the input and the options.
 *
 * Continuing a run (SPEC §16).  At the end of a slice of time the caller
 * drains the buffer (ff_visits_drain) and saves the open visits
 * (ff_visits_each_open) and the visitors seen; the next slice's object
 * gets them back (ff_visits_restore, ff_visits_mark_seen) before its first
 * pageview.  When every pageview of the second slice sorts after every one
 * of the first and neither has late pageviews, the visits the first object
 * finished plus those the second reports are exactly those of one object
 * given both, fields, ids and user[] included (on_visit order aside).  A
 * pageview that sorts before the last pageview of its visitor's restored
 * visit is assigned by the late rule (its late flag set, not counted as
 * late): the saved visit no longer has the pageviews to reorder it among.
 * Independent groups of visitors, each in time order, go through one object
 * with ff_visits_flush between them (footfall reduce).
 *
 * Memory grows with the open visits, the pageviews inside the reorder
 * window and the number of visitor ids (4 bytes and two bits each), never
 * with the number of pageviews.  ff_visits_add allocates only when one of those
 * reaches a new maximum.
 *
 * Callbacks must not call ff_visits_* on the same object.  A visit pointer
 * passed to a callback is valid only during the call. */
#ifndef FF_VISITS_H
#define FF_VISITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fftime.h"
#include "intern.h"
#include "str.h"

/* Pageviews held for reordering at most.  Past it the oldest is released
 * early (a burst of pageviews at one instant must not hold memory without
 * bound); a pageview that then sorts before one released early is
 * assigned by the late rule below, though not counted as late. */
#define FF_VISITS_HOLD_MAX (1u << 17)

#define FF_VISITS_TIMEOUT_DEFAULT 1800
#define FF_VISITS_REORDER_WINDOW_DEFAULT 300

/* timeout and reorder_window are clamped to 0 .. FF_VISITS_SECONDS_MAX
 * seconds (34,000 years), instants to +-4 * FF_VISITS_SECONDS_MAX seconds
 * from the epoch and sub-seconds to 0 .. 999999: only absurd values are
 * touched, and all arithmetic stays within 64 bits. */
#define FF_VISITS_SECONDS_MAX (INT64_C(1) << 40)

typedef struct ff_visits_options {
	int64_t timeout;        /* seconds (SPEC §4 timeout) */
	int64_t reorder_window; /* seconds (SPEC §4 reorder_window) */
} ff_visits_options;

typedef struct ff_pageview {
	ff_time time;
	uint64_t seq;      /* position in the merged input; ties on instant */
	uint64_t data;     /* the caller's, passed through untouched */
	uint32_t visitor;  /* visitor id: dense, small (indexes arrays) */
	uint32_t path_id;
	bool late;         /* set by the sessionizer (SPEC §13.12) */
} ff_pageview;

typedef struct ff_visit {
	uint64_t id;        /* the seq of the first pageview: the same input
			     * and options always give the same ids */
	uint64_t first_seq, last_seq;
	ff_time start;      /* first pageview, with its own offset */
	ff_time end;        /* last pageview */
	uint32_t visitor;
	uint32_t pageviews;
	uint32_t entry_path, exit_path;
	bool returning;     /* the visitor had an earlier visit (SPEC §4) */
	uint64_t user[4];   /* the caller's, zero when the visit starts */
} ff_visit;

typedef struct ff_visits_hooks {
	/* The pageview pv was assigned to visit; the callee may write
	 * visit->user and nothing else.  visit->pageviews == 1 means pv is
	 * the entry. */
	void (*on_pageview)(void *ctx, ff_visit *visit, const ff_pageview *pv);
	/* visit is finished; it will not be passed again. */
	void (*on_visit)(void *ctx, const ff_visit *visit);
	void *ctx;
} ff_visits_hooks;

typedef struct ff_visits ff_visits;

/* opt NULL: the defaults.  hooks NULL or either callback NULL: not
 * called.  NULL when out of memory. */
ff_visits *ff_visits_new(const ff_visits_options *opt, const ff_visits_hooks *hooks);
void ff_visits_free(ff_visits *v);

#define FF_VISITS_LATE 1

/* Gives one pageview.  Returns 0, FF_VISITS_LATE when it was late (and
 * assigned by the late rule), or -1 when memory ran out: the object stays
 * consistent but its results are incomplete and the run should stop.
 * visitor must not be FF_INTERN_NONE. */
int ff_visits_add(ff_visits *v, uint32_t visitor, ff_time t, uint32_t path_id, uint64_t seq);
/* The same with the caller's data word (pv->late is ignored). */
int ff_visits_add_pageview(ff_visits *v, const ff_pageview *pv);

/* Advances the clock with a valid line that is not a pageview, so `late`
 * follows §13.12 exactly and visits finish as soon as possible.  Returns 0
 * or -1 as ff_visits_add. */
int ff_visits_tick(ff_visits *v, ff_time t);

/* End of input: assigns every buffered pageview, then reports every open
 * visit by start instant, then first seq.  0 or -1.  Afterwards only the
 * counters and ff_visits_free may be used. */
int ff_visits_finish(ff_visits *v);

/* ---- states: continuing a run, groups one after another ---- */

/* Assigns every buffered pageview (as ff_visits_finish does first) without
 * finishing any open visit, so that the open visits hold every pageview
 * given so far: what a state saves.  0 or -1 (out of memory).  Pageviews
 * may still be given afterwards (the rule for ones that sort before an
 * open visit's last pageview is in the header comment). */
int ff_visits_drain(ff_visits *v);

/* Calls fn for each open visit, by start instant then first seq (the order
 * ff_visits_finish reports them).  Stops and returns fn's value when it is
 * not 0; else 0.  The visit passed is valid only during the call, and fn
 * must not call ff_visits_* on v.  Allocates nothing, changes nothing. */
int ff_visits_each_open(ff_visits *v, int (*fn)(void *ctx, const ff_visit *visit), void *ctx);

/* Puts back an open visit read from a state, before any pageview of this
 * run: as if its pageviews had been given and assigned.  Later pageviews of
 * visit->visitor join it by the usual rule (within timeout of visit->end),
 * else it finishes as any visit does (then on_visit gets it, with user[]
 * as given here).  Every field is kept as given (times clamped as
 * instants are).  The visitor counts as seen (its next visit is
 * returning) but not in ff_visits_visitor_count until a pageview of this
 * run is assigned to it.  The clock (newest instant) becomes at least
 * visit->end.  Calls no hook: a restored visit the clock has already
 * passed finishes at the next ff_visits_add or ff_visits_tick.  0, or -1
 * when out of memory, when the visitor already has an open visit, when
 * visit->pageviews is 0 or visit->visitor is FF_INTERN_NONE. */
int ff_visits_restore(ff_visits *v, const ff_visit *visit);

/* Marks a visitor as having had a visit before this run (from a state), so
 * that its next visit is returning; its other counts are untouched (it does
 * not count in ff_visits_visitor_count).  0 or -1. */
int ff_visits_mark_seen(ff_visits *v, uint32_t visitor);

/* Finishes every open visit (assigning the buffered pageviews first) and
 * forgets the clock, as at the end of input, but v stays usable: the next
 * pageview may be at any instant, earlier ones included, and is not late.
 * For independent groups of visitors read one after another (footfall
 * reduce).  Visitors stay seen; the counters go on.  Costs
 * O(open log open + pending), whatever the earlier groups held.  0 or -1. */
int ff_visits_flush(ff_visits *v);

uint64_t ff_visits_late_count(const ff_visits *v);
/* Distinct visitor ids with at least one pageview of this run assigned
 * (SPEC §4 unique visitors, once ff_visits_finish has run); restored and
 * marked visitors count only once one of this run's pageviews is theirs. */
uint64_t ff_visits_visitor_count(const ff_visits *v);
/* Whether the visitor's next visit would be returning: it had a visit in
 * this run, or was restored or marked seen. */
bool ff_visits_visitor_seen(const ff_visits *v, uint32_t visitor);
/* Visits reported through on_visit so far. */
uint64_t ff_visits_count(const ff_visits *v);
size_t ff_visits_open_count(const ff_visits *v);
size_t ff_visits_pending_count(const ff_visits *v);
/* Bytes allocated now. */
size_t ff_visits_bytes(const ff_visits *v);

/* ---- visitor keys ---- */

/* The visitor id of (client, user agent) in in, a table holding visitor
 * keys only (so ids stay dense).  The key is stored as the client's length
 * (LEB128), the client, then the agent: unambiguous whatever bytes the two
 * hold.  Builds nothing on the heap to look up.  FF_INTERN_NONE when out of
 * memory. */
uint32_t ff_visitor_id(ff_intern *in, ff_sv client, ff_sv ua);

/* Splits a stored visitor key (ff_intern_get of a visitor id) back into
 * client and user agent.  false when key is not one. */
bool ff_visitor_key_split(ff_sv key, ff_sv *client, ff_sv *ua);

#endif
