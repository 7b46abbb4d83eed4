/* marketing.h — where visits come from and what they achieve (SPEC §6,
 * §7): traffic sources, search keywords, campaigns, goals, funnels, A/B
 * experiments and e-mail tracking pixels.
 *
 * The analysis stage feeds it at three points:
 *   ff_marketing_hit        every hit: pixels count whatever the agent,
 *                           method or status.
 *   ff_marketing_pageview   every pageview, before the sessionizer: what
 *                           the entry decision needs from the query (the
 *                           campaign, experiment variants) becomes a few
 *                           ids, "words", that the caller keeps with the
 *                           pageview while it waits in the reorder buffer,
 *                           since the record does not outlive its line.
 *   ff_marketing_visit_*    from the sessionizer's callbacks: open at a
 *                           visit's entry pageview, one call per pageview
 *                           in visit order, close when the visit ends.
 * The report stage reads the counters back.  Everything kept is interned
 * or counted; per-visit state lives in a pool reused as visits end, so
 * memory follows the open visits and the report keys, never the lines.
 * Nothing allocates per line once the tables have grown.
 *
 * Referral and direct visits are told apart only at report time: a
 * visit whose entry referer host is neither a search engine nor a social
 * network is counted under that host's id, and the caller says which ids
 * are the site's own (SPEC §6: the site host may be inferred at the end).
 *
 * One object per run, used by one thread at a time. */
#ifndef FF_MARKETING_H
#define FF_MARKETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "intern.h"
#include "record.h"
#include "state.h"
#include "stats.h"
#include "str.h"
#include "vkey.h"

/* The five sources of SPEC §6, in the order of the rule that decides. */
enum ff_source {
	FF_SRC_CAMPAIGN,
	FF_SRC_SEARCH,
	FF_SRC_SOCIAL,
	FF_SRC_REFERRAL,
	FF_SRC_DIRECT,
	FF_SRC_COUNT
};

/* "campaign", "search", "social", "referral", "direct". */
const char *ff_source_name(enum ff_source s);

enum ff_host_kind {
	FF_HOST_OTHER,  /* referral or direct, depending on the site hosts */
	FF_HOST_SEARCH,
	FF_HOST_SOCIAL,
};

typedef struct ff_mk_counts {
	uint64_t visits, bounces, conversions;
} ff_mk_counts;

/* ---- query strings (SPEC §13.9) ---- */

/* The value of the first parameter of query named name (compared byte
 * for byte), still encoded; a name without '=' has an empty value.  false
 * when the query has no such parameter. */
bool ff_query_param(ff_sv query, ff_sv name, ff_sv *value);

/* Form-decodes in ('+' is a space, then %XX; a '%' not followed by two hex
 * digits stays as it is) into out, which has room for in.n bytes.  Returns
 * the decoded length (never more than in.n). */
size_t ff_form_decode(ff_sv in, char *out);

/* The query of a URL such as a referer: after the first '?' up to '#';
 * empty when there is none. */
ff_sv ff_url_query(ff_sv url);

/* ---- host patterns ---- */

/* Whether host (lower-case, as ff_referer_host gives it) matches a
 * pattern of the source lists: a domain matches itself and its
 * subdomains ("facebook.com" matches "l.facebook.com", not
 * "notfacebook.com"); "NAME.*" stands for every country domain of NAME:
 * NAME.TLD, NAME.co.TLD and NAME.com.TLD (TLD one label) and their
 * subdomains.  The pattern must be valid (see ff_host_pattern_check). */
bool ff_host_pattern_match(ff_sv pattern, ff_sv host);

/* Checks and lower-cases a pattern in place: labels of letters, digits,
 * '-' and '_' separated by single dots, optionally ending in ".*".
 * Returns false when it is not such a pattern. */
bool ff_host_pattern_check(char *pattern, size_t n);

/* ---- the object ---- */

typedef struct ff_marketing ff_marketing;

/* Reads and checks the sections goals, funnels, experiments, pixels and
 * sources of cfg (cfg may be NULL: the built-in source lists only).
 * Nothing of cfg is kept.  NULL with "FILE:LINE: what is wrong" in err on
 * a bad section (unknown key, wrong type, regex that does not compile, a
 * goal an experiment names that does not exist...), or "out of memory".
 * seed keys the hash tables. */
ff_marketing *ff_marketing_new(const ff_config *cfg, uint64_t seed, char *err, size_t errsz);
void ff_marketing_free(ff_marketing *m);

/* What the source lists say about a referer host: a search engine (with
 * its index in *engine), a social network, or neither.  User entries are
 * tried before the built-in ones; search engines before social networks. */
enum ff_host_kind ff_marketing_classify_host(const ff_marketing *m, ff_sv host, uint32_t *engine);

/* The search keyword a referer carries for engine (SPEC §13.19): the
 * first non-empty value, in URL order, of the engine's keyword parameters,
 * form-decoded.  The view points into m's scratch space and is valid until
 * the next call on m.  false when there is none. */
bool ff_marketing_keyword(ff_marketing *m, uint32_t engine, ff_sv referer, ff_sv *keyword);

/* Whether path is a configured pixel's: the hits ff_marketing_hit counts
 * (others need not be given to it, nor their visitor digested). */
bool ff_marketing_pixel_path(const ff_marketing *m, ff_sv path);

/* Every valid hit that passed the filters: counts pixel opens.  visitor
 * is the digest of the hit's visitor key (unique opens without a
 * recipient), the same in every run, so that the opens of two states add
 * up.  -1 when out of memory. */
int ff_marketing_hit(ff_marketing *m, const ff_record *rec, const ff_vkey *visitor);

/* How many uint32 words ff_marketing_pageview fills (at least 1). */
size_t ff_marketing_entry_words(const ff_marketing *m);

/* What the caller could not keep of a pageview because one of its key
 * tables was full (--max-keys): the path, or the referer or its host, has
 * no id to look up later.  Marketing then works out from the line, while
 * it is at hand, what it would otherwise look up by id at the visit's
 * entry and pageviews, and carries it in the words: goals, funnels,
 * experiments, sources and keywords come out as without the cap. */
typedef struct ff_mk_unkept {
	bool path;    /* goal and funnel matches, path experiments' variants */
	bool referer; /* the host's kind (search, social...), the keyword */
	ff_sv host;   /* with referer: the referer's host, lower-case */
} ff_mk_unkept;

/* Every pageview: fills words (ff_marketing_entry_words of them) with
 * what its query says, for the case where it turns out to be a visit's
 * entry, and with what unkept asks for (NULL: everything was kept).  -1
 * when out of memory. */
int ff_marketing_pageview(ff_marketing *m, const ff_record *rec, const ff_mk_unkept *unkept, uint32_t *words);

/* A visit's entry pageview, as ff_marketing_visit_open needs it. */
typedef struct ff_mk_entry {
	const uint32_t *words; /* filled by ff_marketing_pageview */
	ff_sv path;            /* the entry path (unused when not kept) */
	uint32_t ref_host;     /* the caller's id of the referer host
				  (dense, small), or UINT32_MAX for none;
				  hosts not kept share one id */
	ff_sv host;            /* that host, lower-case (unused when the
				  referer or host was not kept) */
	ff_sv referer;         /* the whole referer (likewise) */
	uint32_t browser;      /* the caller's dense browser id, and the
				  device type: conversions by dimension */
	uint8_t device;
	uint32_t country;      /* the caller's country id + 1; 0: none */
} ff_mk_entry;

/* Starts a visit: decides its source, campaign, search keyword and
 * experiment variants.  Returns the visit's handle, or UINT32_MAX when out
 * of memory.  The entry pageview is then given to visit_pageview like any
 * other. */
uint32_t ff_marketing_visit_open(ff_marketing *m, const ff_mk_entry *e);

/* One pageview of the visit, in visit order (the entry first): goals and
 * funnel steps.  path_id is the caller's dense id of path (paths with the
 * same id must be the same bytes): regex results are kept per path id.
 * words are the pageview's from ff_marketing_pageview (NULL: none): when
 * its path was not kept, its matches come from them instead. */
void ff_marketing_visit_pageview(ff_marketing *m, uint32_t visit, uint32_t path_id, ff_sv path, bool post,
				 const uint32_t *words);

/* The visit ended with this many pageviews; entry and exit path ids as
 * given to visit_pageview.  Counts it everywhere and frees the handle. */
void ff_marketing_visit_close(ff_marketing *m, uint32_t visit, uint32_t pageviews, uint32_t entry_path,
			      uint32_t exit_path);

/* A segment left the visit out (SPEC §15): frees the handle without
 * counting anything. */
void ff_marketing_visit_drop(ff_marketing *m, uint32_t visit);
/* The visit's campaign id (ff_marketing_campaign_key), or UINT32_MAX for
 * none; whether it has converted on goal so far. */
uint32_t ff_marketing_visit_campaign(ff_marketing *m, uint32_t visit);
bool ff_marketing_visit_goal(ff_marketing *m, uint32_t visit, size_t goal);

/* The source decided at visit_open, with the entry's referer host id
 * (UINT32_MAX for none).  FF_SRC_REFERRAL means "an external host" only
 * once the caller has ruled out the site's own hosts: an internal referer
 * host makes the visit direct (SPEC §6). */
enum ff_source ff_marketing_visit_source(ff_marketing *m, uint32_t visit, uint32_t *ref_host);

/* Memory ran out in a call that cannot return it: results incomplete. */
bool ff_marketing_failed(const ff_marketing *m);
/* Regex matches that hit PCRE2's match or depth limit (counted as not
 * matching, SPEC §10), per distinct path (per pageview for paths not
 * kept). */
uint64_t ff_marketing_limit_hits(const ff_marketing *m);

/* Keeps at most max distinct campaigns, search keywords, pixel campaigns
 * and variants per experiment (0: no limit).  The keys past it share one
 * id, the table's count, whose counts the getters below give like any
 * other id's: the report's "others". */
void ff_marketing_set_max_keys(ff_marketing *m, size_t max);
/* Those tables charge budget and store keys past max_len truncated
 * (ff_intern_set_budget); -1 when out of memory. */
int ff_marketing_set_budget(ff_marketing *m, ff_budget *budget, size_t max_len);
/* Lookups that found a table full: 0 while the cap did not apply. */
uint64_t ff_marketing_campaign_overflows(const ff_marketing *m);
uint64_t ff_marketing_keyword_overflows(const ff_marketing *m);
uint64_t ff_marketing_pixel_overflows(const ff_marketing *m);
uint64_t ff_marketing_variant_overflows(const ff_marketing *m, size_t exp);
/* Distinct variants kept for exp. */
size_t ff_marketing_variant_count(const ff_marketing *m, size_t exp);

/* ---- state (SPEC §16) ---- */

/* The caller's ids that marketing tables hold (entry pages, referer hosts,
 * browsers, countries as given in ff_mk_entry / ff_marketing_visit_pageview):
 * for each, the map from the saved run's id to this run's.  An id at or past
 * n_* in a saved file is malformed.  Countries are the caller's ids
 * themselves (ff_mk_entry.country - 1).  A map must cover the id the
 * caller's table gives the keys it did not keep, and give no UINT32_MAX. */
typedef struct ff_mk_remap {
	const uint32_t *path, *ref_host, *browser, *country;
	size_t n_path, n_ref_host, n_browser, n_country;
} ff_mk_remap;

/* Every counter (not the open visits) into b: byte-identical for equal
 * counters, whatever the order they were made in.  Marketing's own keys
 * (campaigns, keywords, variants, pixel campaigns, the pixels' seen set)
 * are written as bytes sorted, the caller's ids as they are, ascending.
 * Derived caches (regex results by path, host kinds) are not written.
 * Layout, all varints unless said:
 *   goals: n, conversions each;  funnels: n, each: steps, steps + 1 stops;
 *   funnel exits: n, (funnel, step, path id, visits) ascending;
 *   experiments: n, each: a key table of (variant, visits, conversions);
 *   campaigns: a key table of (key, visits, bounces, conversions, 1 + the
 *     utm_source length or 0, 1 + the utm_medium length or 0);
 *   keywords: a key table of (key, visits);
 *   pixel campaigns: a key table of (key, opens), then the seen set: n
 *     strings ascending, each varint length of the campaign (0: the
 *     campaigns not kept), the campaign, 'r' and the recipient or 'v' and
 *     the visitor digest's 16 bytes (hi then lo, little-endian);
 *   referral hosts: n, (host id, visits, bounces, conversions) ascending;
 *   conversions by entry path, browser, country, device: each n, (id,
 *     count) ascending, counts non-zero;
 *   the five sources' (visits, bounces, conversions), visits, converted
 *   visits, regex limit hits.
 * A key table: n, the rows by key bytes ascending (keys non-empty), the
 * counters of the keys not kept ("others", no key), and the lookups that
 * found the table full. */
void ff_marketing_save(const ff_marketing *m, ff_sbuf *b);
/* Adds the counters saved in p..p+n to m (same configuration: the caller
 * has checked the fingerprint).  0; -1 when malformed (m unchanged: the
 * whole payload is checked before anything is added) or out of memory
 * (ff_marketing_failed then true).  Pixel unique opens add the seen keys
 * new to m; a campaign's utm parts are the split with the shortest
 * utm_source, then utm_medium, of either side. */
int ff_marketing_absorb(ff_marketing *m, const unsigned char *p, size_t n, const ff_mk_remap *r);
/* One open visit (handle from ff_marketing_visit_open) into b: all that
 * ff_marketing_visit_pageview, _close, _source, _campaign and _goal need
 * later (marketing's own ids as their keys). */
void ff_marketing_visit_save(const ff_marketing *m, uint32_t visit, ff_sbuf *b);
/* A visit saved so, as a new open visit of m: its handle, or UINT32_MAX
 * (c->bad set when malformed; else out of memory). */
uint32_t ff_marketing_visit_restore(ff_marketing *m, ff_scur *c, const ff_mk_remap *r);
/* A pageview's words (ff_marketing_pageview) into b, for a pageview still
 * waiting in the reorder buffer at the end of a run: the campaign, keyword
 * and variant ids in them are marketing's own, written as keys. */
void ff_marketing_words_save(const ff_marketing *m, const uint32_t *words, ff_sbuf *b);
/* Words saved so into words (ff_marketing_entry_words of them).  0; -1
 * with c->bad set when malformed, else out of memory. */
int ff_marketing_words_restore(ff_marketing *m, ff_scur *c, uint32_t *words);

/* ---- results ---- */

uint64_t ff_marketing_visits(const ff_marketing *m);
/* Visits converting on at least one goal. */
uint64_t ff_marketing_converted(const ff_marketing *m);

/* The five sources.  internal[id] (n ids) says which referer host ids are
 * the site's own: those entries count as direct, other hosts as
 * referral. */
void ff_marketing_sources(const ff_marketing *m, const bool *internal, size_t n, ff_mk_counts out[FF_SRC_COUNT]);

/* Campaign keys "source/medium/campaign", dense ids from 0.  Ids whose
 * visits are 0 (seen only on pageviews that did not start a visit) are to
 * be skipped.  The id equal to the count holds the campaigns not kept
 * (ff_marketing_set_max_keys); so for keywords and pixel campaigns. */
size_t ff_marketing_campaign_count(const ff_marketing *m);
ff_sv ff_marketing_campaign_key(const ff_marketing *m, uint32_t id);
/* The form-decoded utm_source, utm_medium and utm_campaign of a campaign
 * id, views into its key; false for the id of campaigns not kept. */
bool ff_marketing_campaign_parts(const ff_marketing *m, uint32_t id, ff_sv parts[3]);
ff_mk_counts ff_marketing_campaign(const ff_marketing *m, uint32_t id);

size_t ff_marketing_keyword_count(const ff_marketing *m);
ff_sv ff_marketing_keyword_key(const ff_marketing *m, uint32_t id);
uint64_t ff_marketing_keyword_visits(const ff_marketing *m, uint32_t id);

/* Converting visits that entered on path_id. */
uint64_t ff_marketing_entry_conversions(const ff_marketing *m, uint32_t path_id);
/* Converting visits by the browser id and device type of their entry
 * (ff_mk_entry); 0 for ids never seen. */
uint64_t ff_marketing_browser_conversions(const ff_marketing *m, uint32_t browser);
uint64_t ff_marketing_device_conversions(const ff_marketing *m, unsigned device);
/* Converting visits by the country id (ff_mk_entry.country - 1). */
uint64_t ff_marketing_country_conversions(const ff_marketing *m, uint32_t country);

/* Goals, funnels, experiments and pixels in configuration order. */
size_t ff_marketing_goal_count(const ff_marketing *m);
ff_sv ff_marketing_goal_name(const ff_marketing *m, size_t goal);
uint64_t ff_marketing_goal_conversions(const ff_marketing *m, size_t goal);

size_t ff_marketing_funnel_count(const ff_marketing *m);
ff_sv ff_marketing_funnel_name(const ff_marketing *m, size_t funnel);
size_t ff_marketing_funnel_steps(const ff_marketing *m, size_t funnel);
/* step counts from 1. */
ff_sv ff_marketing_funnel_pattern(const ff_marketing *m, size_t funnel, size_t step);
/* Visits that advanced at least step times. */
uint64_t ff_marketing_funnel_reached(const ff_marketing *m, size_t funnel, size_t step);

/* Exit pages of the visits that reached step (1 .. steps-1) of a funnel
 * and no further: one entry per (funnel, step, exit path id), in no
 * particular order. */
typedef struct ff_mk_funnel_exit {
	uint32_t funnel, step, path_id;
	uint64_t visits;
} ff_mk_funnel_exit;
size_t ff_marketing_funnel_exit_count(const ff_marketing *m);
ff_mk_funnel_exit ff_marketing_funnel_exit(const ff_marketing *m, size_t i);

size_t ff_marketing_experiment_count(const ff_marketing *m);
ff_sv ff_marketing_experiment_name(const ff_marketing *m, size_t exp);
/* Whether exp has a configured split (else the SRM check expects an
 * equal one). */
bool ff_marketing_experiment_split(const ff_marketing *m, size_t exp);

/* One variant of an experiment with its statistics against the control. */
typedef struct ff_mk_variant {
	ff_sv name;           /* empty for others */
	uint64_t visits, conversions;
	double rate;          /* conversions / visits; 0 without visits */
	bool control;
	bool others;          /* the variants not kept, summed: last, never
				 the control, not compared */
	ff_prop_test test;    /* against the control; NaN on the control row
				 and when the control has no visits */
	double chi2_p;        /* Pearson across all variants with three or
				 more; NaN otherwise */
	double srm_p;         /* sample ratio mismatch: goodness of fit of
				 the variants' visits to the configured
				 split, else an equal one; the same on every
				 row but others (NaN); NaN with fewer than
				 two variants */
} ff_mk_variant;

/* Below this srm_p the assignment of visits to variants looks broken. */
#define FF_SRM_ALPHA 0.001

/* The variants of exp with visits, and the configured control even
 * without: control first, then the others by name (bytes), then the
 * variants not kept when any had visits.  A malloc'd array of *n to free;
 * NULL with *n = 0 when there are none, NULL with *n = 1 when out of
 * memory. */
ff_mk_variant *ff_marketing_experiment_variants(const ff_marketing *m, size_t exp, size_t *n);

/* One line for people about exp, e.g. "spring: variant b converts better
 * than a: +3.1 pp (95% CI +1.0 to +5.2 pp), p = 0.004, lift +25%" or
 * "spring: no significant difference between b and a: ..."; significance
 * is p < 0.05, figures rounded as the table shows them (stats.h), and a
 * sample ratio mismatch (srm_p below FF_SRM_ALPHA) is said. */
void ff_marketing_experiment_verdict(const ff_marketing *m, size_t exp, const ff_mk_variant *v, size_t n,
				     char *buf, size_t bufsz);

/* Configured tracking pixels. */
size_t ff_marketing_pixel_count(const ff_marketing *m);
/* Pixel campaigns, dense ids from 0. */
size_t ff_marketing_pixel_campaign_count(const ff_marketing *m);
ff_sv ff_marketing_pixel_campaign(const ff_marketing *m, uint32_t id);
uint64_t ff_marketing_pixel_opens(const ff_marketing *m, uint32_t id);
uint64_t ff_marketing_pixel_unique_opens(const ff_marketing *m, uint32_t id);

#endif
