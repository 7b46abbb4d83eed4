/* analysis_internal.h — the counters of the analysis stage, shared by the
 * code that fills them (analysis.c) and the code that turns them into
 * tables (report_build.c).  Nothing else includes this. */
#ifndef FF_ANALYSIS_INTERNAL_H
#define FF_ANALYSIS_INTERNAL_H

#include "analysis.h"
#include "histogram.h"
#include "hmap.h"
#include "intern.h"
#include "marketing.h"
#include "segment.h"
#include "vec.h"
#include "visits.h"
#include "vkey.h"

#define INFER_LINES 100000

struct page_stat {
	uint64_t hits, pageviews, visits, uniq, not_found, entries, entry_bounces, exits;
	uint64_t server_errors; /* 5xx hits */
};
struct host_stat {
	uint64_t hits, pageviews, visits, bytes;
};
struct hv_stat {
	uint64_t hits, visits;
};
/* A country's or a city's counts; name and country are ids + 1 in
 * geo_names and countries (0: none). */
struct geo_stat {
	uint64_t visits, hits, pageviews;
	uint32_t name, country;
};
/* A client's country and city ids + 1, 0 until it is looked up. */
struct client_geo {
	uint32_t country, city;
};
struct time_stat {
	uint64_t hits, pageviews, visits;
};
/* Distinct days kept (about a century): the days of times past it, as
 * a log with garbage years would give, are summed into one others row
 * instead of growing the days tables without bound. */
#define FF_DAYS_MAX 36600

struct day_stat {
	int64_t day;
	uint64_t hits, pageviews, visits, uniq, bytes;
	uint64_t errors_4xx, errors_5xx;
};
/* What a pageview carries to its visit, held while it waits in the
 * sessionizer's reorder buffer.  Its marketing words (campaign, variants)
 * sit at the same index in extra_words. */
struct pv_extra {
	uint32_t agent, host, vhost, ref_host, referer, next_free;
	/* the agent's facts, copied so the visit's start needs no lookup */
	uint32_t browser, os;
	uint32_t country, city; /* ids + 1, 0: no geography */
	enum ff_device_type device_type;
	bool post;
};
/* The distinct paths of a visitor's finished visits, ascending. */
struct visitor_pages {
	uint32_t *ids;
	uint32_t n, cap;
};
struct page_list {
	uint32_t *ids;
	uint32_t n, cap;
	uint32_t next_free;
};

/* With a segment, a pageview held until its visit ends and is selected
 * or not (SPEC §15): what the visit-based counts need of it. */
struct seg_pv {
	struct pv_extra x;
	int64_t day;
	uint32_t path, did;
	uint8_t hour, wday;
};
struct seg_list {
	struct seg_pv *pv;
	uint32_t n, cap;
	uint32_t next_free;
};

/* Whether the run counts group g (enum ff_count_group). */
#define COUNTS(a, g) (((a)->opt.skip & (unsigned)(g)) == 0)

#define AT(vec, i, type) ((type *)ff_vec_at(&(vec), (i), sizeof(type)))

struct ff_analysis {
	ff_analysis_options opt;
	ff_classifier *cls;
	ff_visits *visits;
	ff_intern *names, *paths, *clients, *vhosts, *methods, *protocols;
	ff_intern *ref_hosts, *referers;
	ff_intern *host_keys;      /* --anonymize: truncated clients (hosts report) */
	/* visitor key (client id, agent id) -> dense visitor id: the pair of
	 * ids is the pair of strings, without hashing them again */
	ff_hmap *visitor_ids;
	struct vec pages, hosts, vhost_stats, method_hits, protocol_hits;
	struct vec browsers, oses, bots, ref_host_stats, referer_stats;
	struct vec referer_host;   /* referer id -> ref host id, UINT32_MAX: none */
	struct vec unkept_referers; /* struct hv_stat by ref host id: referers
				       not kept (--max-keys) */
	struct vec days;           /* struct day_stat by day id; id FF_DAYS_MAX
				      holds the days not kept */
	ff_budget budget;          /* --max-memory, over the report key tables */
	bool days_unkept;          /* some day went to id FF_DAYS_MAX */
	ff_hmap *day_ids;          /* local day number -> day id */
	ff_tz_cache tz;            /* --tz: the stretch of the last lookup */
	int64_t last_day;          /* the previous line's day and its id */
	uint32_t last_day_id;
	uint32_t last_method, last_protocol; /* the previous line's ids */
	struct vec visitor_pages;  /* struct visitor_pages by visitor id */
	ff_hmap *day_visitors;     /* (day id, visitor) pairs seen */
	struct vec visitor_day;    /* by visitor: 1 + the day id of its last
				      pair in day_visitors, 0 before any */
	ff_hmap *durations;        /* visit duration -> index in duration_counts */
	struct vec duration_counts; /* struct { int64 seconds; uint64 count } */
	struct vec infer_counts;   /* pageviews per referer host, first lines */
	/* response times (SPEC §14) of the hits that carry one: all of them,
	 * by hour of the day, by day id (ff_hist_dense: a dense increment
	 * where a sparse histogram would insert) and by path id (ff_hist) */
	ff_hist_dense times, hour_times[24];
	struct vec day_times, path_times;
	struct vec retention;      /* struct retention by visitor id */
	struct hv_stat devices[FF_DEV_COUNT];
	/* geography (opt.geoip): country codes, "CC/City" keys, their names */
	ff_intern *countries, *cities, *geo_names;
	struct vec client_geo;     /* struct client_geo by client id */
	struct vec country_stats, city_stats; /* struct geo_stat */
	struct time_stat hours[24], weekdays[7];
	/* sources, campaigns, goals, funnels, experiments, pixels */
	ff_marketing *mk;
	size_t mk_words;           /* uint32 words per pageview for mk */
	/* pageview extras and per-visit page lists, pooled */
	struct vec extras, extra_words, lists;
	uint32_t extras_free, lists_free, extras_n, lists_n;
	/* summary counts of the analysis itself */
	uint64_t valid_seen, pageviews, bot_hits, visits_n, bounces, returning;
	uint64_t visit_pageviews;
	double duration_sum;
	/* --segment: the open visits' pageviews (struct seg_list, pooled),
	 * the visitors with a selected visit (bits), the visits seen */
	ff_segment *seg;
	struct vec seg_lists, seg_seen;
	uint32_t seg_free, seg_n;
	uint64_t seg_visitors, seg_total;
	/* SPEC §16: every visitor's digest (ff_vkey by visitor id) and the
	 * map from it to the id, so that visitors of several states are one;
	 * bits by visitor id: a pageview counted in this run or in a state
	 * absorbed (unique visitors), a visit before (returning, for
	 * visitors known only from states) */
	struct vec vkeys, active, had_visit;
	ff_hmap *vkey_ids;
	uint32_t n_visitors;
	uint64_t active_visitors;
	/* open visits read from states, held until every state is in
	 * (struct held_visit), and the visit versions that later states
	 * continued (struct visit_version) */
	struct vec held, superseded;
	size_t n_held, n_superseded;
	bool capped_in;            /* a state absorbed had a table capped */
	bool failed;
};

/* A visit open in a state, identified across states: its visitor, its id
 * (the seq of its first pageview in the run that started it) and how many
 * runs carried it (visit.user[0]). */
struct visit_version {
	ff_vkey vk;
	uint64_t id, hops;
};
struct held_visit {
	ff_visit v;
	struct visit_version ver;
	bool dropped;
};

/* The digests of the visitors this run met, for a state: worked out from
 * their keys, since the hot path leaves them until asked. */
void ff_analysis_fill_vkeys(ff_analysis *a);
/* The visitor id of digest vk, made (not active, no visit) when new;
 * UINT32_MAX when memory ran out. */
uint32_t ff_analysis_visitor(ff_analysis *a, ff_vkey vk);
/* Shared with the state's reading (analysis_state.c). */
uint32_t ff_an_day_id(ff_analysis *a, int64_t day);
bool ff_an_pair_seen(ff_hmap *set, uint32_t a, uint32_t b, bool *failed);
uint32_t ff_an_list_alloc(ff_analysis *a);
void ff_an_list_push(ff_analysis *a, struct page_list *l, uint32_t id);
/* The pools of per-visit lists: a segment's held pageviews, a visit's
 * pages.  Allocs return the index, or UINT32_MAX out of memory. */
uint32_t ff_an_seg_alloc(ff_analysis *a);
int ff_an_seg_push(struct seg_list *l, const struct seg_pv *p);
void ff_an_seg_release(ff_analysis *a, uint32_t i);
void ff_an_list_release(ff_analysis *a, uint32_t i);
int ff_an_cmp_u32(const void *x, const void *y);
/* A referer interned other than from a line (a state's open visit names
 * it): its host worked out and kept, as the first line with it would
 * have.  0, or -1 out of memory. */
int ff_an_referer_host(ff_analysis *a, uint32_t id);
void ff_an_add_visitor_pages(ff_analysis *a, uint32_t visitor, const uint32_t *ids, uint32_t n);

/* The bit i of a bit vector, set; returns whether it was clear (-1: out
 * of memory). */
int ff_bit_set(struct vec *bits, uint32_t i);
bool ff_bit_get(const struct vec *bits, uint32_t i);

/* Retention (SPEC §15): a visitor key's first week (Monday-based week
 * number + 1; 0 before its first pageview) and which of the 12 weeks after
 * it saw a pageview (bit k-1: week k). */
struct retention {
	int32_t first;
	uint16_t weeks;
};
#define FF_RETENTION_WEEKS 12

struct duration_count {
	int64_t seconds;
	uint64_t count;
};


#define vec_get ff_vec_get

#endif
