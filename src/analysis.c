/* analysis.c — per-hit counting and the sessionizer's callbacks.  The hot
 * path here is ff_analysis_hit: a handful of interning lookups and array
 * increments per line, no allocation once the tables have grown.  Sources,
 * goals, funnels, experiments and pixels are marketing.c's, fed from here. */
#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis_internal.h"
#include "privacy.h"
#include "referer.h"



uint32_t ff_an_day_id(ff_analysis *a, int64_t day)
{
	bool inserted;
	if (ff_hmap_count(a->day_ids) >= FF_DAYS_MAX) {
		uint32_t *kept = ff_hmap_u64_find(a->day_ids, (uint64_t)day);
		if (kept)
			return *kept;
		a->days_unkept = true;
		return AT(a->days, FF_DAYS_MAX, struct day_stat) ? FF_DAYS_MAX : UINT32_MAX;
	}
	uint32_t *v = ff_hmap_u64_find_or_insert(a->day_ids, (uint64_t)day, &inserted);
	if (!v)
		return UINT32_MAX;
	if (inserted) {
		uint32_t id = (uint32_t)(ff_hmap_count(a->day_ids) - 1);
		struct day_stat *d = AT(a->days, id, struct day_stat);
		if (!d) {
			*v = UINT32_MAX;
			return UINT32_MAX;
		}
		d->day = day;
		*v = id;
	}
	return *v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Wall-clock day, hour (0-23) and weekday (0 = Monday) as the log wrote
 * the time, or in the zone of --tz (SPEC §5). */
static void local_parts(ff_analysis *a, ff_time t, int64_t *day, unsigned *hour, unsigned *weekday)
{
	int64_t local = t.t + (a->opt.tz ? ff_tz_offset(&a->tz, t.t) : t.offset);
	*day = floor_div(local, 86400);
	*hour = (unsigned)((local - *day * 86400) / 3600);
	/* 1970-01-01 was a Thursday: weekday 3 counting Monday as 0 */
	int64_t w = (*day + 3) % 7;
	*weekday = (unsigned)(w < 0 ? w + 7 : w);
}

static uint32_t day_id_cached(ff_analysis *a, int64_t day)
{
	if (a->last_day_id != UINT32_MAX && day == a->last_day)
		return a->last_day_id;
	uint32_t id = ff_an_day_id(a, day);
	a->last_day = day;
	a->last_day_id = id;
	return id;
}

bool ff_an_pair_seen(ff_hmap *set, uint32_t a, uint32_t b, bool *failed)
{
	bool inserted;
	uint32_t *v = ff_hmap_u64_find_or_insert(set, ((uint64_t)a << 32) | b, &inserted);
	if (!v) {
		*failed = true;
		return true;
	}
	return !inserted;
}

int ff_bit_set(struct vec *bits, uint32_t i)
{
	uint64_t *w = AT(*bits, i / 64, uint64_t);
	if (!w)
		return -1;
	uint64_t bit = UINT64_C(1) << (i % 64);
	if (*w & bit)
		return 0;
	*w |= bit;
	return 1;
}

bool ff_bit_get(const struct vec *bits, uint32_t i)
{
	const uint64_t *w = vec_get(bits, i / 64, sizeof *w);
	return w && (*w & (UINT64_C(1) << (i % 64)));
}

static bool vkey_eq(const void *ctx, uint32_t value)
{
	const ff_vkey *want = ((const void *const *)ctx)[0];
	const struct vec *keys = ((const void *const *)ctx)[1];
	const ff_vkey *have = vec_get(keys, value, sizeof *have);
	return have && have->hi == want->hi && have->lo == want->lo;
}

void ff_analysis_fill_vkeys(ff_analysis *a)
{
	size_t pos = 0;
	uint64_t key;
	uint32_t id;
	while (ff_hmap_u64_next(a->visitor_ids, &pos, &key, &id)) {
		ff_vkey *k = id == UINT32_MAX ? NULL : AT(a->vkeys, id, ff_vkey);
		if (!k) {
			a->failed = id != UINT32_MAX;
			continue;
		}
		if (k->hi || k->lo)
			continue;
		*k = ff_vkey_of(ff_intern_get(a->clients, (uint32_t)(key >> 32)),
				ff_classifier_agent_string(a->cls, (uint32_t)key));
	}
}

uint32_t ff_analysis_visitor(ff_analysis *a, ff_vkey vk)
{
	const void *ctx[2] = { &vk, &a->vkeys };
	/* the digest is unkeyed: the map hashes it again with its own key */
	ff_hash_key key = ff_hmap_hash_key(a->vkey_ids);
	uint64_t words[2] = { vk.hi, vk.lo };
	uint64_t hash = ff_hash_bytes(&key, words, sizeof words);
	bool inserted = false;
	uint32_t *slot = ff_hmap_find_or_insert(a->vkey_ids, hash, vkey_eq, ctx, &inserted);
	if (!slot)
		return UINT32_MAX;
	if (!inserted)
		return *slot;
	ff_vkey *k = AT(a->vkeys, a->n_visitors, ff_vkey);
	if (!k || a->n_visitors == UINT32_MAX - 1) {
		/* an id no key holds: the run stops on the failure */
		*slot = UINT32_MAX;
		return UINT32_MAX;
	}
	*k = vk;
	*slot = a->n_visitors;
	return a->n_visitors++;
}

static uint32_t extra_alloc(ff_analysis *a)
{
	uint32_t i;
	if (a->extras_free) {
		i = a->extras_free - 1;
		a->extras_free = AT(a->extras, i, struct pv_extra)->next_free;
	} else {
		i = a->extras_n++;
	}
	return AT(a->extras, i, struct pv_extra) ? i : UINT32_MAX;
}

static void extra_release(ff_analysis *a, uint32_t i)
{
	AT(a->extras, i, struct pv_extra)->next_free = a->extras_free;
	a->extras_free = i + 1;
}

uint32_t ff_an_list_alloc(ff_analysis *a)
{
	uint32_t i;
	if (a->lists_free) {
		i = a->lists_free - 1;
		a->lists_free = AT(a->lists, i, struct page_list)->next_free;
	} else {
		i = a->lists_n++;
	}
	struct page_list *l = AT(a->lists, i, struct page_list);
	if (!l)
		return UINT32_MAX;
	l->n = 0;
	return i;
}

void ff_an_list_push(ff_analysis *a, struct page_list *l, uint32_t id)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;
		uint32_t *ids = realloc(l->ids, cap * sizeof *ids);
		if (!ids) {
			a->failed = true;
			return;
		}
		l->ids = ids;
		l->cap = cap;
	}
	l->ids[l->n++] = id;
}

/* Unique visitors by page: a finished visit's distinct pages (sorted) join
 * its visitor's, and a page new to the visitor counts the visitor once.
 * Sorted arrays per visitor take an eighth of the memory of a set of
 * (page, visitor) pairs, and the visitor's array is all a visit touches. */
void ff_an_add_visitor_pages(ff_analysis *a, uint32_t visitor, const uint32_t *ids, uint32_t n)
{
	struct visitor_pages *vp = AT(a->visitor_pages, visitor, struct visitor_pages);
	if (!vp) {
		a->failed = true;
		return;
	}
	size_t fresh = 0;
	for (uint32_t i = 0, j = 0; i < n; i++) {
		while (j < vp->n && vp->ids[j] < ids[i])
			j++;
		if (j == vp->n || vp->ids[j] != ids[i])
			fresh++;
	}
	if (!fresh)
		return;
	size_t need = vp->n + fresh;
	if (need > vp->cap) {
		size_t cap = vp->cap ? vp->cap : 4;
		while (cap < need)
			cap *= 2;
		uint32_t *grown = cap <= UINT32_MAX ? realloc(vp->ids, cap * sizeof *grown) : NULL;
		if (!grown) {
			a->failed = true;
			return;
		}
		vp->ids = grown;
		vp->cap = (uint32_t)cap;
	}
	/* merged from the back, in place */
	size_t i = n, j = vp->n, k = need;
	while (i > 0) {
		if (j > 0 && vp->ids[j - 1] >= ids[i - 1]) {
			if (vp->ids[j - 1] == ids[i - 1])
				i--;
			vp->ids[--k] = vp->ids[--j];
		} else {
			uint32_t id = ids[--i];
			vp->ids[--k] = id;
			AT(a->pages, id, struct page_stat)->uniq++;
		}
	}
	vp->n = (uint32_t)need;
}

int ff_an_cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/* The marketing side of a pageview joining its visit: the entry decides
 * the visit's source, campaign and variants; every pageview walks goals and
 * funnels.  visit->user[2] holds the marketing handle + 1. */
static void marketing_pageview(ff_analysis *a, ff_visit *visit, const ff_pageview *pv, const struct pv_extra *x,
			       const uint32_t *words)
{
	ff_sv path = ff_intern_get(a->paths, pv->path_id);
	if (visit->pageviews == 1) {
		bool has_ref = x->ref_host != UINT32_MAX;
		ff_mk_entry e = {
			.words = words,
			.path = path,
			.ref_host = x->ref_host,
			.host = has_ref ? ff_intern_get(a->ref_hosts, x->ref_host) : FF_SV_NULL,
			.referer = has_ref ? ff_intern_get(a->referers, x->referer) : FF_SV_NULL,
			.browser = x->browser,
			.device = (uint8_t)x->device_type,
			.country = x->country,
		};
		uint32_t h = ff_marketing_visit_open(a->mk, &e);
		if (h == UINT32_MAX) {
			a->failed = true;
			return;
		}
		visit->user[2] = (uint64_t)h + 1;
	}
	if (visit->user[2])
		ff_marketing_visit_pageview(a->mk, (uint32_t)(visit->user[2] - 1), pv->path_id, path, x->post, words);
}

/* A visit's source for records output: referral and direct need the
 * site's hosts, known here only when configured. */
static const char *visit_source(ff_analysis *a, const ff_visit *visit)
{
	/* SPEC §12: without configured site hosts the column stays empty */
	const ff_strlist *site = a->opt.site_hosts;
	if (!visit->user[2] || !site || !site->count)
		return NULL;
	uint32_t ref_host;
	enum ff_source src = ff_marketing_visit_source(a->mk, (uint32_t)(visit->user[2] - 1), &ref_host);
	if (src != FF_SRC_REFERRAL && src != FF_SRC_DIRECT)
		return ff_source_name(src);
	if (src == FF_SRC_DIRECT || ref_host == UINT32_MAX)
		return ff_source_name(FF_SRC_DIRECT);
	ff_sv host = ff_intern_get(a->ref_hosts, ref_host);
	for (size_t i = 0; i < site->count; i++)
		if (host.n == strlen(site->items[i]) && strncasecmp(host.p, site->items[i], host.n) == 0)
			return ff_source_name(FF_SRC_DIRECT);
	return ff_source_name(FF_SRC_REFERRAL);
}

/* The week (Monday-based, 1970-01-01 a Thursday) of a visitor's
 * pageview on local day day: keeps its first week and the later ones it
 * returned in.  A late pageview may come before the first week seen:
 * the weeks then shift. */
static void retention_add(ff_analysis *a, uint32_t visitor, int64_t day)
{
	struct retention *r = AT(a->retention, visitor, struct retention);
	if (!r) {
		a->failed = true;
		return;
	}
	int32_t week = (int32_t)floor_div(day + 3, 7) + 1;
	if (!r->first) {
		r->first = week;
	} else if (week > r->first) {
		if (week - r->first <= FF_RETENTION_WEEKS)
			r->weeks |= (uint16_t)(1u << (week - r->first - 1));
	} else if (week < r->first) {
		int32_t d = r->first - week;
		uint32_t m = d <= FF_RETENTION_WEEKS ? ((uint32_t)r->weeks << d) | (1u << (d - 1)) : 0;
		r->weeks = (uint16_t)(m & ((1u << FF_RETENTION_WEEKS) - 1));
		r->first = week;
	}
}

/* The visit-based counts of one pageview of a visit (first: its entry),
 * given its local day, hour, weekday and day id. */
static void visit_pageview(ff_analysis *a, bool first, uint32_t visitor, const struct pv_extra *x, int64_t day,
			   unsigned hour, unsigned wday, uint32_t did)
{
	if (COUNTS(a, FF_G_TIME))
		retention_add(a, visitor, day);
	if (did != UINT32_MAX) {
		/* Most pageviews are the visitor's second or later of the
		 * day: one look at the visitor's last day spares the pair
		 * set a lookup. */
		uint32_t *last = AT(a->visitor_day, visitor, uint32_t);
		if (!last) {
			a->failed = true;
		} else if (*last != did + 1) {
			if (!ff_an_pair_seen(a->day_visitors, did, visitor, &a->failed))
				AT(a->days, did, struct day_stat)->uniq++;
			*last = did + 1;
		}
	}

	if (first) {
		if (COUNTS(a, FF_G_TIME)) {
			a->hours[hour].visits++;
			a->weekdays[wday].visits++;
			if (did != UINT32_MAX)
				AT(a->days, did, struct day_stat)->visits++;
		}
		if (COUNTS(a, FF_G_HOSTS))
			AT(a->hosts, x->host, struct host_stat)->visits++;
		/* a visit's country and city are its first pageview's client's */
		if (x->country)
			AT(a->country_stats, x->country - 1, struct geo_stat)->visits++;
		if (x->city)
			AT(a->city_stats, x->city - 1, struct geo_stat)->visits++;
		if (x->vhost != UINT32_MAX)
			AT(a->vhost_stats, x->vhost, struct host_stat)->visits++;
		if (COUNTS(a, FF_G_AGENTS)) {
			AT(a->browsers, x->browser, struct hv_stat)->visits++;
			AT(a->oses, x->os, struct hv_stat)->visits++;
			a->devices[x->device_type].visits++;
		}
		if (x->ref_host != UINT32_MAX) {
			AT(a->ref_host_stats, x->ref_host, struct hv_stat)->visits++;
			if (ff_intern_is_overflow(a->referers, x->referer))
				AT(a->unkept_referers, x->ref_host, struct hv_stat)->visits++;
			else
				AT(a->referer_stats, x->referer, struct hv_stat)->visits++;
		}
	}
}

uint32_t ff_an_seg_alloc(ff_analysis *a)
{
	uint32_t i;
	if (a->seg_free) {
		i = a->seg_free - 1;
		a->seg_free = AT(a->seg_lists, i, struct seg_list)->next_free;
	} else {
		i = a->seg_n++;
	}
	struct seg_list *l = AT(a->seg_lists, i, struct seg_list);
	if (!l)
		return UINT32_MAX;
	l->n = 0;
	return i;
}

int ff_an_seg_push(struct seg_list *l, const struct seg_pv *p)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;
		struct seg_pv *pv = realloc(l->pv, cap * sizeof *pv);
		if (!pv)
			return -1;
		l->pv = pv;
		l->cap = cap;
	}
	l->pv[l->n++] = *p;
	return 0;
}

void ff_an_seg_release(ff_analysis *a, uint32_t i)
{
	AT(a->seg_lists, i, struct seg_list)->next_free = a->seg_free;
	a->seg_free = i + 1;
}

void ff_an_list_release(ff_analysis *a, uint32_t i)
{
	AT(a->lists, i, struct page_list)->next_free = a->lists_free;
	a->lists_free = i + 1;
}

/* With a segment: the pageview waits in its visit's list (user[3]) until
 * the visit ends. */
static void seg_hold(ff_analysis *a, ff_visit *visit, uint32_t path, const struct pv_extra *x, int64_t day,
		     unsigned hour, unsigned wday, uint32_t did)
{
	if (!visit->user[3]) {
		uint32_t i = ff_an_seg_alloc(a);
		if (i == UINT32_MAX) {
			a->failed = true;
			return;
		}
		visit->user[3] = (uint64_t)i + 1;
	}
	const struct seg_pv p = {
		.x = *x, .day = day, .path = path, .did = did, .hour = (uint8_t)hour, .wday = (uint8_t)wday,
	};
	if (ff_an_seg_push(AT(a->seg_lists, visit->user[3] - 1, struct seg_list), &p) != 0)
		a->failed = true;
}

static void on_pageview(void *ctx, ff_visit *visit, const ff_pageview *pv)
{
	ff_analysis *a = ctx;
	uint32_t xi = (uint32_t)pv->data;
	int fresh = ff_bit_set(&a->active, pv->visitor);
	if (fresh < 0)
		a->failed = true;
	else
		a->active_visitors += (uint64_t)fresh;
	struct pv_extra x = *AT(a->extras, xi, struct pv_extra);
	/* The words stay in place until the slot is taken again, which no
	 * callback does. */
	const uint32_t *words = vec_get(&a->extra_words, xi, a->mk_words * sizeof *words);
	extra_release(a, xi);
	if (COUNTS(a, FF_G_MARKETING))
		marketing_pageview(a, visit, pv, &x, words);

	int64_t day = 0;
	unsigned hour = 0, wday = 0;
	uint32_t did = UINT32_MAX;
	if (COUNTS(a, FF_G_TIME)) {
		local_parts(a, pv->time, &day, &hour, &wday);
		did = day_id_cached(a, day);
	}
	if (a->seg) {
		seg_hold(a, visit, pv->path_id, &x, day, hour, wday, did);
	} else {
		visit_pageview(a, visit->pageviews == 1, pv->visitor, &x, day, hour, wday, did);
		if (visit->pageviews == 1 && COUNTS(a, FF_G_PAGES)) {
			uint32_t li = ff_an_list_alloc(a);
			if (li == UINT32_MAX) {
				a->failed = true;
				return;
			}
			visit->user[3] = (uint64_t)li + 1;
		}
		if (visit->user[3])
			ff_an_list_push(a, AT(a->lists, visit->user[3] - 1, struct page_list), pv->path_id);
	}
	if (a->opt.on_assign)
		a->opt.on_assign(a->opt.assign_ctx, pv->seq, visit->id, visit->pageviews == 1, visit_source(a, visit));
}

/* The counts of a finished visit; li_plus: its page list + 1, 0 for none. */
static void visit_done(ff_analysis *a, const ff_visit *v, uint64_t li_plus)
{
	a->visits_n++;
	a->visit_pageviews += v->pageviews;
	if (v->pageviews == 1)
		a->bounces++;
	if (v->returning)
		a->returning++;
	int64_t dur = v->end.t - v->start.t;
	a->duration_sum += (double)dur;
	bool inserted;
	uint32_t *slot = ff_hmap_u64_find_or_insert(a->durations, (uint64_t)dur, &inserted);
	if (!slot) {
		a->failed = true;
	} else {
		if (inserted)
			*slot = (uint32_t)(ff_hmap_count(a->durations) - 1);
		struct duration_count *dc = AT(a->duration_counts, *slot, struct duration_count);
		if (dc) {
			dc->seconds = dur;
			dc->count++;
		}
	}

	if (COUNTS(a, FF_G_PAGES)) {
		struct page_stat *entry = AT(a->pages, v->entry_path, struct page_stat);
		entry->entries++;
		if (v->pageviews == 1)
			entry->entry_bounces++;
		AT(a->pages, v->exit_path, struct page_stat)->exits++;
	}
	if (v->user[2])
		ff_marketing_visit_close(a->mk, (uint32_t)(v->user[2] - 1), v->pageviews, v->entry_path, v->exit_path);

	if (!li_plus)
		return;
	uint32_t li = (uint32_t)(li_plus - 1);
	struct page_list *l = AT(a->lists, li, struct page_list);
	qsort(l->ids, l->n, sizeof *l->ids, ff_an_cmp_u32);
	uint32_t distinct = 0;
	for (uint32_t i = 0; i < l->n; i++) {
		if (i == 0 || l->ids[i] != l->ids[i - 1]) {
			AT(a->pages, l->ids[i], struct page_stat)->visits++;
			l->ids[distinct++] = l->ids[i];
		}
	}
	ff_an_add_visitor_pages(a, v->visitor, l->ids, distinct);
	ff_an_list_release(a, li);
}

/* Whether the finished visit v, its pageviews held in l, is in the
 * segment: every term must hold. */
static bool seg_selects(ff_analysis *a, const ff_visit *v, const struct seg_list *l)
{
	const struct pv_extra *entry = &l->pv[0].x;
	uint32_t mk = v->user[2] ? (uint32_t)(v->user[2] - 1) : UINT32_MAX;
	for (size_t i = 0; i < a->seg->n; i++) {
		ff_seg_term *t = &a->seg->terms[i];
		bool ok = false;
		switch (t->kind) {
		case FF_SEG_ENTRY:
		case FF_SEG_EXIT: {
			uint32_t p = t->kind == FF_SEG_ENTRY ? v->entry_path : v->exit_path;
			ok = ff_segment_re_cached(a->seg, t, p, ff_intern_get(a->paths, p));
			break;
		}
		case FF_SEG_PAGE:
			for (uint32_t k = 0; k < l->n && !ok; k++)
				ok = ff_segment_re_cached(a->seg, t, l->pv[k].path, ff_intern_get(a->paths, l->pv[k].path));
			break;
		case FF_SEG_SOURCE: {
			if (mk == UINT32_MAX)
				break;
			uint32_t ref_host;
			enum ff_source src = ff_marketing_visit_source(a->mk, mk, &ref_host);
			if (src == FF_SRC_REFERRAL && ref_host != UINT32_MAX) {
				/* the site's own host makes the visit direct (SPEC §6) */
				ff_sv host = ff_intern_get(a->ref_hosts, ref_host);
				const ff_strlist *site = a->opt.site_hosts;
				for (size_t k = 0; site && k < site->count; k++)
					if (host.n == strlen(site->items[k]) &&
					    strncasecmp(host.p, site->items[k], host.n) == 0)
						src = FF_SRC_DIRECT;
			}
			ok = src == (enum ff_source)t->value;
			break;
		}
		case FF_SEG_CAMPAIGN: {
			uint32_t c = mk == UINT32_MAX ? UINT32_MAX : ff_marketing_visit_campaign(a->mk, mk);
			ok = c != UINT32_MAX && ff_segment_re(a->seg, t, ff_marketing_campaign_key(a->mk, c));
			break;
		}
		case FF_SEG_GOAL:
			ok = mk != UINT32_MAX && ff_marketing_visit_goal(a->mk, mk, (size_t)t->value);
			break;
		case FF_SEG_DEVICE:
			ok = entry->device_type == (enum ff_device_type)t->value;
			break;
		case FF_SEG_BROWSER:
			ok = ff_segment_re_cached(a->seg, t, entry->browser, ff_intern_get(a->names, entry->browser));
			break;
		case FF_SEG_OS:
			ok = ff_segment_re_cached(a->seg, t, entry->os, ff_intern_get(a->names, entry->os));
			break;
		case FF_SEG_COUNTRY:
			ok = entry->country && ff_sv_eq_cstr(ff_intern_get(a->countries, entry->country - 1), t->name);
			break;
		case FF_SEG_RETURNING:
			ok = v->returning == (t->value != 0);
			break;
		case FF_SEG_PAGEVIEWS:
			ok = v->pageviews >= t->value;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* A finished visit under a segment: left out, or its held pageviews
 * counted as on_pageview would have, then the visit. */
static void seg_visit(ff_analysis *a, const ff_visit *v)
{
	a->seg_total++;
	if (!v->user[3])
		return;
	uint32_t si = (uint32_t)(v->user[3] - 1);
	struct seg_list *l = AT(a->seg_lists, si, struct seg_list);
	if (!seg_selects(a, v, l)) {
		if (v->user[2])
			ff_marketing_visit_drop(a->mk, (uint32_t)(v->user[2] - 1));
	} else {
		uint64_t *seen = AT(a->seg_seen, v->visitor / 64, uint64_t);
		uint64_t bit = UINT64_C(1) << (v->visitor % 64);
		if (!seen) {
			a->failed = true;
		} else if (!(*seen & bit)) {
			*seen |= bit;
			a->seg_visitors++;
		}
		uint32_t li = UINT32_MAX;
		if (COUNTS(a, FF_G_PAGES) && (li = ff_an_list_alloc(a)) == UINT32_MAX)
			a->failed = true;
		struct page_list *pl = li == UINT32_MAX ? NULL : AT(a->lists, li, struct page_list);
		for (uint32_t k = 0; k < l->n; k++) {
			const struct seg_pv *p = &l->pv[k];
			visit_pageview(a, k == 0, v->visitor, &p->x, p->day, p->hour, p->wday, p->did);
			/* the pageview counts the hit path left to the visit */
			a->pageviews++;
			if (COUNTS(a, FF_G_PAGES))
				AT(a->pages, p->path, struct page_stat)->pageviews++;
			if (COUNTS(a, FF_G_HOSTS))
				AT(a->hosts, p->x.host, struct host_stat)->pageviews++;
			if (p->x.vhost != UINT32_MAX)
				AT(a->vhost_stats, p->x.vhost, struct host_stat)->pageviews++;
			if (p->x.country)
				AT(a->country_stats, p->x.country - 1, struct geo_stat)->pageviews++;
			if (p->x.city)
				AT(a->city_stats, p->x.city - 1, struct geo_stat)->pageviews++;
			if (p->did != UINT32_MAX) {
				AT(a->days, p->did, struct day_stat)->pageviews++;
				a->hours[p->hour].pageviews++;
				a->weekdays[p->wday].pageviews++;
			}
			if (pl)
				ff_an_list_push(a, pl, p->path);
		}
		visit_done(a, v, pl ? (uint64_t)li + 1 : 0);
	}
	ff_an_seg_release(a, si);
}

static void on_visit(void *ctx, const ff_visit *v)
{
	ff_analysis *a = ctx;
	if (a->seg)
		seg_visit(a, v);
	else
		visit_done(a, v, v->user[3]);
}

/* --max-keys: the tables whose keys are report keys keep at most that
 * many, and --max-memory bounds the bytes they keep together; clients
 * and agents are not capped, since visits and unique visitors need every
 * visitor's identity.  The site's own hosts are
 * interned first, so a full table of referer hosts never leaves them out:
 * telling referral from direct needs them. */
static int cap_tables(ff_analysis *a)
{
	size_t max = a->opt.max_keys;
	const ff_strlist *site = a->opt.site_hosts;
	for (size_t i = 0; max && site && i < site->count; i++) {
		char low[FF_HOST_MAX + 1];
		size_t n;
		if (!ff_site_host(site->items[i], low, &n))
			continue;
		if (ff_intern_id(a->ref_hosts, ff_sv_make(low, n)) == FF_INTERN_NONE)
			return -1;
	}
	ff_intern *capped[] = { a->paths, a->vhosts, a->methods, a->protocols, a->ref_hosts, a->referers, a->host_keys,
				a->cities };
	a->budget.limit = a->opt.max_memory;
	for (size_t i = 0; i < sizeof capped / sizeof *capped; i++) {
		if (!capped[i])
			continue;
		ff_intern_set_limit(capped[i], max);
		if (ff_intern_set_budget(capped[i], &a->budget, FF_INTERN_KEY_MAX) != 0)
			return -1;
	}
	ff_marketing_set_max_keys(a->mk, max);
	return ff_marketing_set_budget(a->mk, &a->budget, FF_INTERN_KEY_MAX);
}

/* Parses the segment and checks what its terms name against the run: the
 * goals configured, a GeoIP database for country. */
static int seg_setup(ff_analysis *a, const ff_analysis_options *o, char *err, size_t errsz)
{
	a->seg = ff_segment_new(o->segments, o->n_segments, err, errsz);
	if (!a->seg)
		return -1;
	for (size_t i = 0; i < a->seg->n; i++) {
		ff_seg_term *t = &a->seg->terms[i];
		if (t->kind == FF_SEG_COUNTRY && !a->opt.geoip) {
			snprintf(err, errsz, "segment '%s': country needs a GeoIP database (--geoip FILE or geoip.database)",
				 o->segments[i]);
			return -1;
		}
		if (t->kind != FF_SEG_GOAL)
			continue;
		size_t g, n = ff_marketing_goal_count(a->mk);
		for (g = 0; g < n; g++)
			if (ff_sv_eq_cstr(ff_marketing_goal_name(a->mk, g), t->name))
				break;
		if (g == n) {
			snprintf(err, errsz, "segment '%s': no goal of that name is configured", o->segments[i]);
			return -1;
		}
		t->value = g;
	}
	return 0;
}

ff_analysis *ff_analysis_new(const ff_analysis_options *o, ff_ua *ua, const ff_config *cfg, char *err, size_t errsz)
{
	ff_analysis *a = calloc(1, sizeof *a);
	if (!a)
		goto oom;
	a->opt = *o;
	a->tz.tz = o->tz;
	/* A segment's terms look at paths, sources, goals, agents and
	 * countries whatever reports are shown. */
	if (o->n_segments)
		a->opt.skip = 0;
	/* Sources, campaigns, goals, funnels and experiments are worked out
	 * from the entry page and its referer. */
	if (COUNTS(a, FF_G_MARKETING))
		a->opt.skip &= ~(unsigned)(FF_G_PAGES | FF_G_REFERRERS);
	uint64_t s = o->seed;
	a->names = ff_intern_new(s ^ 1);
	a->paths = ff_intern_new(s ^ 2);
	a->clients = ff_intern_new(s ^ 3);
	a->vhosts = ff_intern_new(s ^ 4);
	a->methods = ff_intern_new(s ^ 5);
	a->protocols = ff_intern_new(s ^ 6);
	a->ref_hosts = ff_intern_new(s ^ 7);
	a->referers = ff_intern_new(s ^ 8);
	a->visitor_ids = ff_hmap_new(s ^ 9);
	a->host_keys = o->anonymize ? ff_intern_new(s ^ 14) : NULL;
	a->day_ids = ff_hmap_new(s ^ 10);
	a->day_visitors = ff_hmap_new(s ^ 12);
	a->durations = ff_hmap_new(s ^ 13);
	a->vkey_ids = ff_hmap_new(s ^ 20);
	if (!COUNTS(a, FF_G_GEO))
		a->opt.geoip = NULL;
	if (a->opt.geoip) {
		a->countries = ff_intern_new(s ^ 17);
		a->geo_names = ff_intern_new(s ^ 18);
		if (!a->countries || !a->geo_names)
			goto oom;
		if (ff_geoip_has_cities(a->opt.geoip) && !(a->cities = ff_intern_new(s ^ 19)))
			goto oom;
	}
	if (!a->names || !a->paths || !a->clients || !a->vhosts || !a->methods || !a->protocols ||
	    !a->ref_hosts || !a->referers || !a->visitor_ids || (o->anonymize && !a->host_keys) || !a->day_ids ||
	    !a->day_visitors || !a->durations || !a->vkey_ids)
		goto oom;
	a->cls = ff_classifier_new(ua, a->names, cfg, s ^ 16, err, errsz);
	if (!a->cls) {
		ff_analysis_free(a);
		return NULL;
	}
	a->mk = ff_marketing_new(cfg, s ^ 15, err, errsz);
	if (!a->mk) {
		ff_analysis_free(a);
		return NULL;
	}
	a->mk_words = ff_marketing_entry_words(a->mk);
	if (o->n_segments && seg_setup(a, o, err, errsz) != 0) {
		ff_analysis_free(a);
		return NULL;
	}
	if (cap_tables(a) != 0)
		goto oom;
	a->last_method = a->last_protocol = a->last_day_id = UINT32_MAX;
	ff_visits_options vo = { .timeout = o->timeout, .reorder_window = o->reorder_window };
	ff_visits_hooks hooks = { .on_pageview = on_pageview, .on_visit = on_visit, .ctx = a };
	a->visits = ff_visits_new(&vo, &hooks);
	if (!a->visits)
		goto oom;
	return a;
oom:
	snprintf(err, errsz, "out of memory");
	ff_analysis_free(a);
	return NULL;
}


void ff_analysis_free(ff_analysis *a)
{
	if (!a)
		return;
	ff_visits_free(a->visits);
	ff_classifier_free(a->cls);
	ff_marketing_free(a->mk);
	ff_segment_free(a->seg);
	for (uint32_t i = 0; i < a->seg_n; i++)
		free(AT(a->seg_lists, i, struct seg_list)->pv);
	ff_intern *interns[] = { a->names, a->paths, a->clients, a->vhosts, a->methods,
				 a->protocols, a->ref_hosts, a->referers, a->host_keys,
				 a->countries, a->cities, a->geo_names };
	for (size_t i = 0; i < sizeof interns / sizeof *interns; i++)
		ff_intern_free(interns[i]);
	ff_hmap_free(a->visitor_ids);
	ff_hmap_free(a->vkey_ids);
	ff_hmap_free(a->day_ids);

	for (size_t i = 0; i < a->visitor_pages.cap; i++)
		free(AT(a->visitor_pages, i, struct visitor_pages)->ids);
	ff_hmap_free(a->day_visitors);
	ff_vec_free(&a->visitor_day);
	ff_hmap_free(a->durations);
	for (uint32_t i = 0; i < a->lists_n; i++)
		free(AT(a->lists, i, struct page_list)->ids);
	for (size_t i = 0; i < a->path_times.cap; i++)
		ff_hist_free(AT(a->path_times, i, ff_hist));
	ff_vec_free(&a->path_times);
	for (size_t i = 0; i < a->day_times.cap; i++)
		ff_hist_dense_free(AT(a->day_times, i, ff_hist_dense));
	ff_vec_free(&a->day_times);
	for (unsigned h = 0; h < 24; h++)
		ff_hist_dense_free(&a->hour_times[h]);
	ff_hist_dense_free(&a->times);
	struct vec *vecs[] = { &a->pages, &a->hosts, &a->vhost_stats, &a->method_hits, &a->protocol_hits,
			       &a->browsers, &a->oses, &a->bots, &a->ref_host_stats, &a->referer_stats,
			       &a->unkept_referers, &a->referer_host, &a->days, &a->duration_counts, &a->infer_counts,
			       &a->extras, &a->extra_words, &a->lists, &a->visitor_pages,
			       &a->client_geo, &a->country_stats, &a->city_stats, &a->retention,
			       &a->seg_lists, &a->seg_seen, &a->vkeys, &a->active, &a->had_visit,
			       &a->held, &a->superseded };
	for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
		ff_vec_free(vecs[i]);
	free(a);
}

int ff_analysis_tick(ff_analysis *a, const ff_record *rec)
{
	a->valid_seen++;
	return ff_visits_tick(a->visits, rec->time) < 0 ? -1 : 0;
}

void ff_analysis_hashers(const ff_analysis *a, ff_key_hashers *out)
{
	out->agent = ff_classifier_hash_key(a->cls);
	out->client = ff_intern_hash_key(a->clients);
	out->path = ff_intern_hash_key(a->paths);
	out->referer = ff_intern_hash_key(a->referers);
	out->paths = COUNTS(a, FF_G_PAGES);
	out->referers = COUNTS(a, FF_G_REFERRERS);
}

void ff_key_hashes_of(const ff_key_hashers *k, const ff_record *rec, ff_key_hashes *out)
{
	out->agent = ff_hash_bytes(&k->agent, rec->user_agent.p, rec->user_agent.n);
	out->client = ff_hash_bytes(&k->client, rec->client.p, rec->client.n);
	out->path = k->paths ? ff_hash_bytes(&k->path, rec->path.p, rec->path.n) : 0;
	out->referer = k->referers ? ff_hash_bytes(&k->referer, rec->referer.p, rec->referer.n) : 0;
}

void ff_analysis_prefetch(const ff_analysis *a, const ff_key_hashes *h)
{
	ff_classifier_prefetch(a->cls, h->agent);
	ff_intern_prefetch(a->clients, h->client);
	ff_intern_prefetch(a->paths, h->path);
	ff_intern_prefetch(a->referers, h->referer);
}

int ff_analysis_classify(ff_analysis *a, const ff_record *rec, const ff_key_hashes *hashes, ff_hit_class *out)
{
	uint32_t agent = hashes ? ff_classify_agent_hashed(a->cls, rec->user_agent, hashes->agent)
				: ff_classify_agent(a->cls, rec->user_agent);
	if (agent == UINT32_MAX)
		return -1;
	/* Without a user-agent field the agent is empty, but not the `-` that
	 * marks a script (SPEC §3): the common log format is read by people. */
	const ff_agent *ag = (rec->has & FF_HAS(FF_F_USER_AGENT)) ? ff_classifier_agent(a->cls, agent)
								 : ff_classifier_absent_agent(a->cls);
	out->agent_id = agent;
	out->agent = ag;
	out->hashes = hashes;
	out->bot = ag->bot;
	out->is_static = ff_classify_static(a->cls, rec->path);
	out->pageview = ff_is_pageview(rec, ag->bot, out->is_static);
	return 0;
}

int ff_analysis_hit(ff_analysis *a, const ff_record *rec, uint64_t seq, ff_hit_class *out)
{
	ff_hit_class local;
	ff_hit_class *hc = out ? out : &local;
	if (ff_analysis_classify(a, rec, NULL, hc) != 0)
		return -1;
	return ff_analysis_count(a, rec, seq, hc);
}

/* The hosts report's key: the client, or its truncated form with
 * --anonymize (visits still use the full client). */
static uint32_t host_key(ff_analysis *a, ff_sv client, uint32_t client_id)
{
	if (!a->host_keys)
		return client_id;
	char buf[FF_ANON_MAX];
	size_t n = ff_anonymize_client(client, buf);
	return ff_intern_id(a->host_keys, ff_sv_make(buf, n));
}

/* The id of a string that mostly repeats the previous line's (a method, a
 * protocol): one comparison instead of a lookup. */
static uint32_t repeated_id(ff_intern *in, ff_sv s, uint32_t *last)
{
	if (*last != FF_INTERN_NONE && ff_sv_eq(ff_intern_get(in, *last), s))
		return *last;
	return *last = ff_intern_id(in, s);
}

/* A referer's id and its host's id (UINT32_MAX when it has none: SPEC
 * §13.16).  The host is worked out once per distinct referer kept, and on
 * every line for the referers not kept (--max-keys): their shared id has
 * no host.  host (FF_HOST_MAX + 1 bytes) receives the host's name when it
 * was worked out on this line: *host_n is its length, else 0. */
static int referer_ids(ff_analysis *a, ff_sv ref, const ff_key_hashes *kh, uint32_t *referer, uint32_t *ref_host,
		       char *host, size_t *host_n)
{
	*host_n = 0;
	size_t known = ff_intern_count(a->referers);
	uint32_t id = kh ? ff_intern_id_hashed(a->referers, ref, kh->referer) : ff_intern_id(a->referers, ref);
	if (id == FF_INTERN_NONE)
		return -1;
	uint32_t *cached = NULL;
	if (!ff_intern_is_overflow(a->referers, id) && !(cached = AT(a->referer_host, id, uint32_t)))
		return -1;
	uint32_t h;
	if (!cached || id == known) {
		size_t n = ff_referer_host(ref, host);
		h = n ? ff_intern_id(a->ref_hosts, ff_sv_make(host, n)) : UINT32_MAX;
		if (n && h == FF_INTERN_NONE) {
			if (cached)
				*cached = UINT32_MAX;
			return -1;
		}
		*host_n = n;
		if (cached)
			*cached = h;
	} else {
		h = *cached;
	}
	*ref_host = h;
	*referer = h == UINT32_MAX ? UINT32_MAX : id;
	return 0;
}

int ff_an_referer_host(ff_analysis *a, uint32_t id)
{
	if (ff_intern_is_overflow(a->referers, id))
		return 0;
	uint32_t *cached = AT(a->referer_host, id, uint32_t);
	if (!cached)
		return -1;
	char host[FF_HOST_MAX + 1];
	size_t n = ff_referer_host(ff_intern_get(a->referers, id), host);
	uint32_t h = n ? ff_intern_id(a->ref_hosts, ff_sv_make(host, n)) : UINT32_MAX;
	if (n && h == FF_INTERN_NONE)
		return -1;
	*cached = h;
	return 0;
}

/* The per-hit counts of the hours, weekdays and days reports. */
static int count_time(ff_analysis *a, const ff_record *rec, bool pv)
{
	int64_t day;
	unsigned hour, wday;
	local_parts(a, rec->time, &day, &hour, &wday);
	uint32_t did = day_id_cached(a, day);
	struct day_stat *ds = did == UINT32_MAX ? NULL : AT(a->days, did, struct day_stat);
	if (!ds)
		return -1;
	ds->hits++;
	ds->bytes = ff_add_sat(ds->bytes, rec->bytes);
	if (rec->status >= 400)
		(*(rec->status >= 500 ? &ds->errors_5xx : &ds->errors_4xx))++;
	if (rec->has & FF_HAS(FF_F_DURATION)) {
		ff_hist_dense *h = AT(a->day_times, did, ff_hist_dense);
		if (!h || ff_hist_dense_add(h, rec->duration_us) != 0 ||
		    ff_hist_dense_add(&a->hour_times[hour], rec->duration_us) != 0)
			return -1;
	}
	a->hours[hour].hits++;
	a->weekdays[wday].hits++;
	if (pv) {
		ds->pageviews++;
		a->hours[hour].pageviews++;
		a->weekdays[wday].pageviews++;
	}
	return 0;
}

/* A hit on a client or a virtual host (id, or FF_INTERN_NONE when it
 * could not be interned): -1 when memory ran out. */
static int host_hit(struct vec *stats, uint32_t id, const ff_record *rec, bool pv)
{
	struct host_stat *hs = id == FF_INTERN_NONE ? NULL : AT(*stats, id, struct host_stat);
	if (!hs)
		return -1;
	hs->hits++;
	hs->bytes = ff_add_sat(hs->bytes, rec->bytes);
	if (pv)
		hs->pageviews++;
	return 0;
}

/* The per-hit counts of the vhosts, methods and protocols reports;
 * *vhost_out is the virtual host's id or UINT32_MAX. */
static int count_request(ff_analysis *a, const ff_record *rec, bool pv, uint32_t *vhost_out)
{
	uint32_t vhost = UINT32_MAX;
	if (rec->has & FF_HAS(FF_F_VHOST)) {
		vhost = ff_intern_id(a->vhosts, rec->vhost);
		if (host_hit(&a->vhost_stats, vhost, rec, pv) != 0)
			return -1;
	}
	/* Hits without a method or protocol (a request line "-", binary
	 * junk, "GET /") count under "-", so that each report's hits add up
	 * to the summary's (SPEC §13.8). */
	ff_sv method = rec->method.n ? rec->method : FF_SV_LIT("-");
	uint32_t id = repeated_id(a->methods, method, &a->last_method);
	uint64_t *n = id == FF_INTERN_NONE ? NULL : AT(a->method_hits, id, uint64_t);
	if (!n)
		return -1;
	(*n)++;
	ff_sv protocol = rec->protocol.n ? rec->protocol : FF_SV_LIT("-");
	id = repeated_id(a->protocols, protocol, &a->last_protocol);
	n = id == FF_INTERN_NONE ? NULL : AT(a->protocol_hits, id, uint64_t);
	if (!n)
		return -1;
	(*n)++;
	*vhost_out = vhost;
	return 0;
}

/* A name from the database (a country's, a city's) as an id + 1 in
 * geo_names; 0 for none, or when memory ran out (the name is then
 * missing, the counts are not). */
static uint32_t geo_name(ff_analysis *a, ff_sv name)
{
	if (!name.n)
		return 0;
	uint32_t id = ff_intern_id(a->geo_names, name);
	return id == FF_INTERN_NONE ? 0 : id + 1;
}

/* The client's country and city (SPEC §14), looked up in the database
 * once per distinct client and then read from client_geo by its id: the
 * per-line cost stays a table read.  NULL when memory ran out. */
static const struct client_geo *client_geo(ff_analysis *a, uint32_t client, ff_sv bytes)
{
	struct client_geo *g = AT(a->client_geo, client, struct client_geo);
	if (!g || g->country)
		return g;
	ff_geo geo;
	ff_geoip_lookup(a->opt.geoip, bytes, &geo);
	ff_sv code = geo.code[0] ? ff_sv_make(geo.code, 2) : FF_SV_LIT("-");
	uint32_t c = ff_intern_id(a->countries, code);
	struct geo_stat *cs = c == FF_INTERN_NONE ? NULL : AT(a->country_stats, c, struct geo_stat);
	if (!cs)
		return NULL;
	if (!cs->name)
		cs->name = geo_name(a, geo.country);
	uint32_t city = 0;
	if (a->cities) {
		/* "CC/City"; a city unknown in a known country is "CC/-", and
		 * nothing known is "-", so the report's hits add up */
		ff_sv parts[3] = { code, FF_SV_LIT("/"), geo.city.n ? geo.city : FF_SV_LIT("-") };
		uint32_t id = ff_intern_id_parts(a->cities, parts, geo.code[0] ? 3 : 1);
		struct geo_stat *st = id == FF_INTERN_NONE ? NULL : AT(a->city_stats, id, struct geo_stat);
		if (!st)
			return NULL;
		/* the cities not kept (--max-keys) share one id and no name */
		if (!st->country && !ff_intern_is_overflow(a->cities, id)) {
			st->country = c + 1;
			st->name = geo_name(a, geo.city);
		}
		city = id + 1;
	}
	g->country = c + 1;
	g->city = city;
	return g;
}

static void geo_hit(struct geo_stat *s, bool pv)
{
	s->hits++;
	if (pv)
		s->pageviews++;
}

ff_sv ff_analysis_country(ff_analysis *a, ff_sv client)
{
	if (!a->opt.geoip)
		return FF_SV_NULL;
	uint32_t id = ff_intern_id(a->clients, client);
	const struct client_geo *g = id == FF_INTERN_NONE ? NULL : client_geo(a, id, client);
	return g ? ff_intern_get(a->countries, g->country - 1) : FF_SV_NULL;
}

int ff_analysis_count(ff_analysis *a, const ff_record *rec, uint64_t seq, const ff_hit_class *hc)
{
	a->valid_seen++;
	uint32_t agent = hc->agent_id;
	const ff_agent *ag = hc->agent;
	bool pv = hc->pageview;
	/* pvc: whether this hit counts as a pageview now; with a segment the
	 * pageview counts wait for its visit's verdict (seg_visit) */
	bool pvc = pv && !a->seg;
	if (ag->bot)
		a->bot_hits++;

	const ff_key_hashes *kh = hc->hashes;
	/* The visitor's client: always, visits need it. */
	uint32_t client = kh ? ff_intern_id_hashed(a->clients, rec->client, kh->client)
			     : ff_intern_id(a->clients, rec->client);
	if (client == FF_INTERN_NONE)
		return -1;

	uint32_t path = 0;
	struct page_stat *ps = NULL;
	if (COUNTS(a, FF_G_PAGES)) {
		path = kh ? ff_intern_id_hashed(a->paths, rec->path, kh->path) : ff_intern_id(a->paths, rec->path);
		if (path == FF_INTERN_NONE || !(ps = AT(a->pages, path, struct page_stat)))
			return -1;
		ps->hits++;
		if (rec->status == 404)
			ps->not_found++;
		else if (rec->status >= 500)
			ps->server_errors++;
		if (pvc)
			ps->pageviews++;
		if (rec->has & FF_HAS(FF_F_DURATION)) {
			ff_hist *h = AT(a->path_times, path, ff_hist);
			if (!h || ff_hist_add(h, rec->duration_us) != 0)
				return -1;
		}
	}
	if ((rec->has & FF_HAS(FF_F_DURATION)) && ff_hist_dense_add(&a->times, rec->duration_us) != 0)
		return -1;
	uint32_t host = 0;
	if (COUNTS(a, FF_G_HOSTS)) {
		host = host_key(a, rec->client, client);
		if (host_hit(&a->hosts, host, rec, pvc) != 0)
			return -1;
	}
	const struct client_geo *geo = NULL;
	if (a->opt.geoip) {
		if (!(geo = client_geo(a, client, rec->client)))
			return -1;
		geo_hit(AT(a->country_stats, geo->country - 1, struct geo_stat), pvc);
		if (geo->city)
			geo_hit(AT(a->city_stats, geo->city - 1, struct geo_stat), pvc);
	}
	/* Pixels count every hit, bots and errors included (SPEC §7); unique
	 * opens key on the visitor's digest, the same in every run. */
	if (COUNTS(a, FF_G_MARKETING) && ff_marketing_pixel_path(a->mk, rec->path)) {
		ff_vkey vk = ff_vkey_of(rec->client, rec->user_agent);
		if (ff_marketing_hit(a->mk, rec, &vk) < 0)
			return -1;
	}
	if (COUNTS(a, FF_G_TIME) && count_time(a, rec, pvc) != 0)
		return -1;
	uint32_t vhost = UINT32_MAX;
	if (COUNTS(a, FF_G_REQUESTS) && count_request(a, rec, pvc, &vhost) != 0)
		return -1;
	if (COUNTS(a, FF_G_AGENTS)) {
		a->devices[ag->device_type].hits++;
		AT(a->browsers, ag->browser, struct hv_stat)->hits++;
		AT(a->oses, ag->os, struct hv_stat)->hits++;
		if (ag->bot)
			AT(a->bots, ag->bot_name, struct hv_stat)->hits++;
	}

	uint32_t ref_host = UINT32_MAX, referer = UINT32_MAX;
	char host_buf[FF_HOST_MAX + 1];
	size_t host_n = 0;
	bool referer_kept = true;
	if (COUNTS(a, FF_G_REFERRERS)) {
		if (rec->referer.n && referer_ids(a, rec->referer, kh, &referer, &ref_host, host_buf, &host_n) != 0)
			return -1;
		referer_kept = !ff_intern_is_overflow(a->referers, referer);
		if (ref_host != UINT32_MAX) {
			AT(a->ref_host_stats, ref_host, struct hv_stat)->hits++;
			/* referers not kept are told apart by host, so that the
			 * site's own, known only at the end, can be left out of
			 * referrers */
			if (referer_kept)
				AT(a->referer_stats, referer, struct hv_stat)->hits++;
			else
				AT(a->unkept_referers, ref_host, struct hv_stat)->hits++;
			if (pv && a->valid_seen <= INFER_LINES)
				(*AT(a->infer_counts, ref_host, uint64_t))++;
		}
	}

	if (!pv)
		return ff_visits_tick(a->visits, rec->time) < 0 ? -1 : 0;

	if (!a->seg)
		a->pageviews++;
	bool inserted;
	uint32_t *vslot = ff_hmap_u64_find_or_insert(a->visitor_ids, ((uint64_t)client << 32) | agent, &inserted);
	if (!vslot)
		return -1;
	/* A visitor's digest is worked out when a state needs it
	 * (ff_analysis_fill_vkeys), except when states are in play: then a
	 * new key may be a visitor a state already knows. */
	if (inserted)
		*vslot = ff_hmap_count(a->vkey_ids) ? ff_analysis_visitor(a, ff_vkey_of(rec->client, rec->user_agent))
						    : a->n_visitors++;
	uint32_t visitor = *vslot;
	uint32_t xi = extra_alloc(a);
	if (visitor == FF_INTERN_NONE || xi == UINT32_MAX)
		return -1;
	*AT(a->extras, xi, struct pv_extra) = (struct pv_extra){
		.agent = agent, .host = host, .vhost = vhost, .ref_host = ref_host, .referer = referer,
		.browser = ag->browser, .os = ag->os, .device_type = ag->device_type,
		.country = geo ? geo->country : 0, .city = geo ? geo->city : 0,
		.post = ff_sv_eq(rec->method, FF_SV_LIT("POST")),
	};
	if (COUNTS(a, FF_G_MARKETING)) {
		/* What marketing will look up by id when the visit is
		 * assigned, it works out now for the keys not kept: they have
		 * no id to look up. */
		ff_mk_unkept unkept = { .path = ff_intern_is_overflow(a->paths, path) };
		if (ref_host != UINT32_MAX && (!referer_kept || ff_intern_is_overflow(a->ref_hosts, ref_host))) {
			if (!host_n)
				host_n = ff_referer_host(rec->referer, host_buf);
			unkept.referer = true;
			unkept.host = ff_sv_make(host_buf, host_n);
		}
		uint32_t *words = ff_vec_at(&a->extra_words, xi, a->mk_words * sizeof *words);
		if (!words || ff_marketing_pageview(a->mk, rec, &unkept, words) < 0)
			return -1;
	}
	ff_pageview view = { .time = rec->time, .seq = seq, .data = xi, .visitor = visitor, .path_id = path };
	if (ff_visits_add_pageview(a->visits, &view) < 0 || a->failed)
		return -1;
	return 0;
}

int ff_analysis_flush(ff_analysis *a)
{
	if (ff_visits_flush(a->visits) < 0 || a->failed || ff_marketing_failed(a->mk))
		return -1;
	return 0;
}

int ff_analysis_finish(ff_analysis *a)
{
	if (ff_visits_finish(a->visits) < 0 || a->failed || ff_marketing_failed(a->mk))
		return -1;
	return 0;
}

uint64_t ff_analysis_regex_limit_hits(const ff_analysis *a)
{
	return ff_marketing_limit_hits(a->mk);
}

ff_sv ff_analysis_name(const ff_analysis *a, uint32_t id)
{
	return ff_intern_get(a->names, id);
}
