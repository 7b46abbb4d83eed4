/* analysis.h — the analysis stage: every hit in, counters for every report
 * out (SPEC §3-§6, §8).
 *
 * Per hit it classifies the request, counts it in the hit-based reports and
 * gives pageviews to the sessionizer (visits.c); visit-based counts are
 * made in the sessionizer's callbacks.  Everything it keeps is interned or
 * counted: no view into an input block survives a call.  ff_analysis_report
 * turns the counters into format-neutral tables (report.h). */
#ifndef FF_ANALYSIS_H
#define FF_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "config.h"
#include "geoip.h"
#include "record.h"
#include "report.h"
#include "state.h"
#include "summary.h"
#include "tz.h"
#include "useragent.h"

typedef struct ff_analysis ff_analysis;

typedef struct ff_analysis_options {
	int64_t timeout;
	int64_t reorder_window;
	const ff_strlist *site_hosts; /* configured or --site; empty: infer */
	uint64_t seed;                /* keys every hash table */
	bool anonymize;               /* hosts report keyed by truncated
					 addresses (visits keep the full one) */
	size_t max_keys;              /* distinct keys kept per report key
					 table, the rest summed as others
					 (--max-keys); 0: no limit */
	size_t max_memory;            /* bytes of those tables' keys, shared;
					 past it new keys are summed as others
					 (--max-memory); 0: no limit */
	const ff_tz *tz;              /* --tz: hours, days and weekdays in this
					 zone; NULL: as the log wrote them.
					 Borrowed; must outlive the analysis */
	unsigned skip;                /* enum ff_count_group: counts no report
					 shown needs (0: count everything) */
	/* Called as each pageview joins its visit (in time order, up to
	 * reorder_window after its line was given): seq is the line's, visit_id
	 * the visit's stable id, visit_start true for its first pageview,
	 * source the visit's source (SPEC §6), or NULL when it depends on site
	 * hosts that are not configured.  NULL: not called. */
	void (*on_assign)(void *ctx, uint64_t seq, uint64_t visit_id, bool visit_start, const char *source);
	void *assign_ctx;
	/* The countries and cities reports (SPEC §14); NULL: none.  Borrowed:
	 * open while the analysis and its report live. */
	const ff_geoip *geoip;
	/* SPEC §15: segment expressions, all must hold; n_segments 0: every
	 * visit counts.  Borrowed for ff_analysis_new only. */
	const char *const *segments;
	size_t n_segments;
} ff_analysis_options;

/* Counts that reports share.  A run that shows only some reports skips
 * the groups none of them needs; the summary's counts are always kept. */
enum ff_count_group {
	FF_G_PAGES = 1u << 0,     /* paths: hits, pageviews, visits, unique
				     visitors, entries, exits, 404s */
	FF_G_REFERRERS = 1u << 1, /* referers, their hosts, the inferred site */
	FF_G_TIME = 1u << 2,      /* hours, weekdays, days */
	FF_G_AGENTS = 1u << 3,    /* browsers, systems, devices, bots */
	FF_G_HOSTS = 1u << 4,     /* clients (the hosts report) */
	FF_G_REQUESTS = 1u << 5,  /* virtual hosts, methods, protocols */
	FF_G_MARKETING = 1u << 6, /* sources, keywords, campaigns, goals,
				     funnels, experiments, pixels (these need
				     pages and referrers too) */
	FF_G_GEO = 1u << 7,       /* countries, cities (with a database) */
	FF_G_ALL = (1u << 8) - 1
};

/* The hashes of a line's most looked-up keys, for the tables that look
 * them up, worked out where the line's bytes are at hand: with two threads
 * the reading thread hashes while it parses, and the counting thread only
 * looks up (ff_key_hashes_of, ff_analysis_prefetch). */
typedef struct ff_key_hashes {
	uint64_t agent, client, path, referer;
} ff_key_hashes;

/* The tables' hash keys, copied: they never change, so another thread
 * may hash with them while the analysis runs. */
typedef struct ff_key_hashers {
	ff_hash_key agent, client, path, referer;
	bool paths, referers; /* whether the run looks them up at all */
} ff_key_hashers;

void ff_analysis_hashers(const ff_analysis *a, ff_key_hashers *out);
void ff_key_hashes_of(const ff_key_hashers *k, const ff_record *rec, ff_key_hashes *out);
/* Starts loading the table slots those hashes will probe, a few lines
 * ahead of counting them. */
void ff_analysis_prefetch(const ff_analysis *a, const ff_key_hashes *h);

/* What one hit was: classification, for filters and records output. */
typedef struct ff_hit_class {
	bool bot, is_static, pageview;
	uint32_t agent_id;
	const ff_agent *agent;
	const ff_key_hashes *hashes; /* as given to ff_analysis_classify */
} ff_hit_class;

/* ua and cfg are borrowed.  NULL with a reason in err. */
ff_analysis *ff_analysis_new(const ff_analysis_options *o, ff_ua *ua, const ff_config *cfg, char *err, size_t errsz);
void ff_analysis_free(ff_analysis *a);

/* Classifies a valid line (SPEC §3) without counting it, so filters can
 * look at the result.  hashes: the line's, or NULL to work them out as
 * needed.  -1 when memory ran out. */
int ff_analysis_classify(ff_analysis *a, const ff_record *rec, const ff_key_hashes *hashes, ff_hit_class *out);
/* Counts a classified line that passed the filters, in merged input order.
 * Returns -1 when memory ran out (the run must stop). */
int ff_analysis_count(ff_analysis *a, const ff_record *rec, uint64_t seq, const ff_hit_class *hc);
/* ff_analysis_classify then ff_analysis_count. */
int ff_analysis_hit(ff_analysis *a, const ff_record *rec, uint64_t seq, ff_hit_class *out);
/* A valid line that did not pass the filters still moves the clock. */
int ff_analysis_tick(ff_analysis *a, const ff_record *rec);
/* A name interned by the classifier (ff_agent's browser, os... ids). */
ff_sv ff_analysis_name(const ff_analysis *a, uint32_t id);

/* The client's country code for records ("-" when unknown; SPEC §12),
 * from the same once-per-client lookup as the reports: an empty view
 * without a database or when memory ran out. */
ff_sv ff_analysis_country(ff_analysis *a, ff_sv client);

/* ---- state (SPEC §16, analysis_state.c) ---- */

/* Assigns the pageviews waiting in the sessionizer to their visits, so
 * that the open visits hold every pageview given: before ff_analysis_save.
 * 0 or -1. */
int ff_analysis_drain(ff_analysis *a);
/* The payloads of the tables, visitors, marketing and open-visits
 * sections, appended to out[0..3].  0, or -1 out of memory. */
int ff_analysis_save(ff_analysis *a, ff_sbuf out[4]);
/* Adds a state's counts (footfall merge): keys, counts, visitors; its
 * open visits are held until ff_analysis_settle.  a must count every
 * group.  0, or -1 with msg (without the file's name). */
int ff_analysis_absorb(ff_analysis *a, const ff_state_view *v, char *msg, size_t msgsz);
/* After the last ff_analysis_absorb: the open visits that no state
 * continued go to the sessionizer, to be finished by ff_analysis_finish
 * or written again by ff_analysis_save.  0, or -1 with msg. */
int ff_analysis_settle(ff_analysis *a, char *msg, size_t msgsz);
/* Whether some table stopped keeping keys (--max-keys, --max-memory, the
 * days kept), here or in a state absorbed: then states of disjoint
 * visitors do not add up to the report of one run, which keeps the keys
 * seen first. */
bool ff_analysis_capped(const ff_analysis *a);
/* --state-in, before the first line: the previous slice's open visits
 * continue in this run, and its visitors' next visits are returning; none
 * of its counts are taken.  shard_n > 0: only the visits of the visitors
 * of shard shard_k (--shard).  0, or -1 with msg. */
int ff_analysis_continue(ff_analysis *a, const ff_state_view *v, uint64_t shard_k, uint64_t shard_n, char *msg,
			  size_t msgsz);

/* footfall reduce, between groups of visitors: finishes every open visit
 * and forgets the clock; the next line may be at any instant.  0 or -1. */
int ff_analysis_flush(ff_analysis *a);

/* End of input: finishes every open visit. */
int ff_analysis_finish(ff_analysis *a);

/* Paths on which a goal, funnel or experiment regex reached PCRE2's match
 * or depth limit and counted as not matching (SPEC §10): for the run's
 * warning. */
uint64_t ff_analysis_regex_limit_hits(const ff_analysis *a);

typedef struct ff_report_options {
	size_t top;       /* rows of ranked reports; 0 for all */
	bool machine;     /* csv, tsv or json: also the columns only scripts
			     need (the utm_* parts of campaigns) */
} ff_report_options;

/* Every report name --report accepts, with a one-line description, in the
 * order reports are shown; ends with { NULL, NULL }. */
typedef struct ff_report_info {
	const char *name;
	const char *description;
	unsigned groups; /* enum ff_count_group: what the report is built from */
} ff_report_info;
extern const ff_report_info ff_report_list[];

/* Builds the summary and every report into r.  sum holds the line counts;
 * format names the format used.  -1 when out of memory. */
int ff_analysis_report(ff_analysis *a, const ff_summary *sum, const char *format,
		       const ff_report_options *o, ff_report *r);

#endif
