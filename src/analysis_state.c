/* analysis_state.c — the analysis's counters as state sections (SPEC §16),
 * and states added back into an analysis.  Saving writes each table with
 * its keys as bytes; reading interns those keys into this analysis and adds
 * the counts under its own ids, so states merge whatever order their keys
 * were first seen in.  Counts of distinct things (unique visitors of pages
 * and days, visitors in a segment) are not added: they are made again from
 * the visitors' own records, which is what makes them exact across states.
 * doc/state.md describes the layout. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "analysis_internal.h"

/* Caps on what a section may claim: far above any real log, low enough
 * that no count read from a file drives an allocation past memory. */
#define MAX_KEYS (UINT64_C(1) << 31)

/* ---- writing ---- */

static void put_intern(ff_sbuf *b, const ff_intern *in)
{
	size_t n = in ? ff_intern_count(in) : 0;
	ff_sbuf_uv(b, n);
	for (size_t i = 0; i < n; i++) {
		ff_sv s = ff_intern_get(in, (uint32_t)i);
		ff_sbuf_str(b, s.p, s.n);
	}
	/* whether the table's overflow id holds the keys not kept */
	ff_sbuf_uv(b, in && ff_intern_is_overflow(in, (uint32_t)n) ? 1 : 0);
}

/* Entries a table's counts are written for: its keys, and its overflow
 * slot when it has one. */
static size_t slots(const ff_intern *in)
{
	if (!in)
		return 0;
	size_t n = ff_intern_count(in);
	return n + (ff_intern_is_overflow(in, (uint32_t)n) ? 1 : 0);
}

static void put_hv(ff_sbuf *b, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct hv_stat *s = vec_get(v, i, sizeof *s);
		ff_sbuf_uv(b, s ? s->hits : 0);
		ff_sbuf_uv(b, s ? s->visits : 0);
	}
}

static void put_host(ff_sbuf *b, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct host_stat *s = vec_get(v, i, sizeof *s);
		ff_sbuf_uv(b, s ? s->hits : 0);
		ff_sbuf_uv(b, s ? s->pageviews : 0);
		ff_sbuf_uv(b, s ? s->visits : 0);
		ff_sbuf_uv(b, s ? s->bytes : 0);
	}
}

static void put_u64s(ff_sbuf *b, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint64_t *s = vec_get(v, i, sizeof *s);
		ff_sbuf_uv(b, s ? *s : 0);
	}
}

static void put_geo(ff_sbuf *b, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct geo_stat *s = vec_get(v, i, sizeof *s);
		ff_sbuf_uv(b, s ? s->visits : 0);
		ff_sbuf_uv(b, s ? s->hits : 0);
		ff_sbuf_uv(b, s ? s->pageviews : 0);
		ff_sbuf_uv(b, s ? s->name : 0);
		ff_sbuf_uv(b, s ? s->country : 0);
	}
}

static void put_time(ff_sbuf *b, const struct time_stat *t)
{
	ff_sbuf_uv(b, t->hits);
	ff_sbuf_uv(b, t->pageviews);
	ff_sbuf_uv(b, t->visits);
}

/* A histogram: totals, then its non-empty buckets ascending as (gap from
 * the previous bucket, count). */
static void put_buckets_begin(ff_sbuf *b, uint64_t count, uint64_t sum, uint64_t max, size_t nonzero)
{
	ff_sbuf_uv(b, count);
	ff_sbuf_uv(b, sum);
	ff_sbuf_uv(b, max);
	ff_sbuf_uv(b, nonzero);
}

static void put_dense(ff_sbuf *b, const ff_hist_dense *h)
{
	size_t nz = 0;
	for (uint32_t i = 0; h->counts && i < FF_HIST_BUCKETS; i++)
		nz += h->counts[i] != 0;
	put_buckets_begin(b, h->count, h->sum, h->max, nz);
	uint32_t prev = 0;
	for (uint32_t i = 0; h->counts && i < FF_HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		ff_sbuf_uv(b, i - prev);
		ff_sbuf_uv(b, h->counts[i]);
		prev = i;
	}
}

static void put_sparse(ff_sbuf *b, const ff_hist *h)
{
	size_t nz = 0;
	for (uint32_t d = 0; d < h->n; d++) {
		const uint64_t *c = h->blocks + (size_t)(h->dir[d] & 0xffff) * FF_HIST_BLOCK;
		for (unsigned k = 0; k < FF_HIST_BLOCK; k++)
			nz += c[k] != 0;
	}
	put_buckets_begin(b, h->count, h->sum, h->max, nz);
	uint32_t prev = 0;
	for (uint32_t d = 0; d < h->n; d++) {
		uint32_t first = (h->dir[d] >> 16) * FF_HIST_BLOCK;
		const uint64_t *c = h->blocks + (size_t)(h->dir[d] & 0xffff) * FF_HIST_BLOCK;
		for (unsigned k = 0; k < FF_HIST_BLOCK; k++) {
			if (!c[k])
				continue;
			ff_sbuf_uv(b, first + k - prev);
			ff_sbuf_uv(b, c[k]);
			prev = first + k;
		}
	}
}

static void put_tables(ff_analysis *a, ff_sbuf *b)
{
	ff_intern *hosts_in = a->host_keys ? a->host_keys : a->clients;
	ff_intern *tables[] = { a->names, a->paths, hosts_in, a->vhosts, a->methods, a->protocols,
				a->ref_hosts, a->referers, a->countries, a->cities, a->geo_names };
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
		put_intern(b, tables[i]);

	size_t n = slots(a->names);
	put_hv(b, &a->browsers, n);
	put_hv(b, &a->oses, n);
	put_hv(b, &a->bots, n);
	n = slots(a->paths);
	for (size_t i = 0; i < n; i++) {
		const struct page_stat *s = vec_get(&a->pages, i, sizeof *s);
		struct page_stat z = { 0 };
		if (!s)
			s = &z;
		/* uniq is made again from the visitors (see absorb) */
		uint64_t f[] = { s->hits, s->pageviews, s->visits, s->not_found, s->entries, s->entry_bounces,
				 s->exits, s->server_errors };
		for (size_t k = 0; k < sizeof f / sizeof *f; k++)
			ff_sbuf_uv(b, f[k]);
		const ff_hist *h = vec_get(&a->path_times, i, sizeof *h);
		ff_sbuf_uv(b, h && h->count ? 1 : 0);
		if (h && h->count)
			put_sparse(b, h);
	}
	put_host(b, &a->hosts, slots(hosts_in));
	put_host(b, &a->vhost_stats, slots(a->vhosts));
	put_u64s(b, &a->method_hits, slots(a->methods));
	put_u64s(b, &a->protocol_hits, slots(a->protocols));
	n = slots(a->ref_hosts);
	put_hv(b, &a->ref_host_stats, n);
	put_hv(b, &a->unkept_referers, n);
	put_u64s(b, &a->infer_counts, n);
	n = slots(a->referers);
	put_hv(b, &a->referer_stats, n);
	for (size_t i = 0; i < n; i++) {
		const uint32_t *h = vec_get(&a->referer_host, i, sizeof *h);
		/* + 1: 0 is none (UINT32_MAX in memory, or never set) */
		ff_sbuf_uv(b, h && *h != UINT32_MAX ? (uint64_t)*h + 1 : 0);
	}
	put_geo(b, &a->country_stats, slots(a->countries));
	put_geo(b, &a->city_stats, slots(a->cities));

	/* days by their number; the others row (days past FF_DAYS_MAX) last */
	size_t nd = ff_hmap_count(a->day_ids);
	ff_sbuf_uv(b, nd);
	ff_sbuf_uv(b, a->days_unkept ? 1 : 0);
	for (size_t i = 0; i < nd + (a->days_unkept ? 1 : 0); i++) {
		uint32_t id = i < nd ? (uint32_t)i : FF_DAYS_MAX;
		const struct day_stat *d = vec_get(&a->days, id, sizeof *d);
		struct day_stat z = { 0 };
		if (!d)
			d = &z;
		ff_sbuf_sv(b, d->day);
		uint64_t f[] = { d->hits, d->pageviews, d->visits, d->bytes, d->errors_4xx, d->errors_5xx };
		for (size_t k = 0; k < sizeof f / sizeof *f; k++)
			ff_sbuf_uv(b, f[k]);
		const ff_hist_dense *h = vec_get(&a->day_times, id, sizeof *h);
		ff_hist_dense z2 = { 0 };
		put_dense(b, h ? h : &z2);
	}
	for (unsigned h = 0; h < 24; h++) {
		put_time(b, &a->hours[h]);
		put_dense(b, &a->hour_times[h]);
	}
	for (unsigned w = 0; w < 7; w++)
		put_time(b, &a->weekdays[w]);
	ff_sbuf_uv(b, FF_DEV_COUNT);
	for (unsigned d = 0; d < FF_DEV_COUNT; d++) {
		ff_sbuf_uv(b, a->devices[d].hits);
		ff_sbuf_uv(b, a->devices[d].visits);
	}
	put_dense(b, &a->times);

	size_t ndur = ff_hmap_count(a->durations);
	ff_sbuf_uv(b, ndur);
	for (size_t i = 0; i < ndur; i++) {
		const struct duration_count *dc = vec_get(&a->duration_counts, i, sizeof *dc);
		ff_sbuf_sv(b, dc ? dc->seconds : 0);
		ff_sbuf_uv(b, dc ? dc->count : 0);
	}
	uint64_t f[] = { a->valid_seen, a->pageviews, a->bot_hits, a->visits_n, a->bounces, a->returning,
			 a->visit_pageviews, a->seg_total };
	for (size_t k = 0; k < sizeof f / sizeof *f; k++)
		ff_sbuf_uv(b, f[k]);
	ff_sbuf_f64(b, a->duration_sum);
}

enum { V_ACTIVE = 1, V_HAD_VISIT = 2, V_SEGMENT = 4 };

static void put_vkey(ff_sbuf *b, ff_vkey k)
{
	ff_sbuf_u64be(b, k.hi);
	ff_sbuf_u64be(b, k.lo);
}

static void put_visitors(ff_analysis *a, ff_sbuf *b)
{
	ff_sbuf_uv(b, a->n_visitors);
	for (uint32_t v = 0; v < a->n_visitors; v++) {
		put_vkey(b, *AT(a->vkeys, v, ff_vkey));
		unsigned flags = 0;
		if (ff_bit_get(&a->active, v))
			flags |= V_ACTIVE;
		if (ff_bit_get(&a->had_visit, v) || ff_visits_visitor_seen(a->visits, v))
			flags |= V_HAD_VISIT;
		if (ff_bit_get(&a->seg_seen, v))
			flags |= V_SEGMENT;
		ff_sbuf_uv(b, flags);
		const struct retention *r = vec_get(&a->retention, v, sizeof *r);
		ff_sbuf_sv(b, r ? r->first : 0);
		ff_sbuf_uv(b, r ? r->weeks : 0);
		const struct visitor_pages *vp = vec_get(&a->visitor_pages, v, sizeof *vp);
		uint32_t np = vp ? vp->n : 0;
		ff_sbuf_uv(b, np);
		for (uint32_t i = 0; i < np; i++)
			ff_sbuf_uv(b, vp->ids[i]);
	}
	ff_sbuf_uv(b, ff_hmap_count(a->day_visitors));
	size_t pos = 0;
	uint64_t key;
	uint32_t value;
	while (ff_hmap_u64_next(a->day_visitors, &pos, &key, &value)) {
		const struct day_stat *d = vec_get(&a->days, (uint32_t)(key >> 32), sizeof *d);
		ff_sbuf_sv(b, d ? d->day : 0);
		ff_sbuf_uv(b, key & 0xffffffffu);
	}
}

static void put_extra(ff_sbuf *b, const struct pv_extra *x)
{
	uint32_t ids[] = { x->host, x->vhost, x->ref_host, x->referer, x->browser, x->os };
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		ff_sbuf_uv(b, ids[i] == UINT32_MAX ? 0 : (uint64_t)ids[i] + 1);
	ff_sbuf_uv(b, x->country);
	ff_sbuf_uv(b, x->city);
	ff_sbuf_uv(b, (uint64_t)x->device_type);
	ff_sbuf_uv(b, x->post ? 1 : 0);
}

static void put_time_value(ff_sbuf *b, ff_time t)
{
	ff_sbuf_sv(b, t.t);
	ff_sbuf_sv(b, t.offset);
	ff_sbuf_sv(b, t.usec);
}

struct open_writer {
	ff_analysis *a;
	ff_sbuf *b;
	size_t count;
};

static int put_open_visit(void *ctx, const ff_visit *v)
{
	struct open_writer *w = ctx;
	ff_analysis *a = w->a;
	ff_sbuf *b = w->b;
	w->count++;
	put_vkey(b, *AT(a->vkeys, v->visitor, ff_vkey));
	ff_sbuf_uv(b, v->id);
	ff_sbuf_uv(b, v->user[0]); /* the runs that carried it */
	ff_sbuf_uv(b, v->first_seq);
	ff_sbuf_uv(b, v->last_seq);
	put_time_value(b, v->start);
	put_time_value(b, v->end);
	ff_sbuf_uv(b, v->pageviews);
	ff_sbuf_uv(b, v->entry_path);
	ff_sbuf_uv(b, v->exit_path);
	ff_sbuf_uv(b, v->returning ? 1 : 0);
	ff_sbuf_uv(b, v->user[2] ? 1 : 0);
	if (v->user[2])
		ff_marketing_visit_save(a->mk, (uint32_t)(v->user[2] - 1), b);
	if (!v->user[3]) {
		ff_sbuf_uv(b, 0);
	} else if (a->seg) {
		const struct seg_list *l = AT(a->seg_lists, v->user[3] - 1, struct seg_list);
		ff_sbuf_uv(b, 2);
		ff_sbuf_uv(b, l->n);
		for (uint32_t i = 0; i < l->n; i++) {
			const struct seg_pv *p = &l->pv[i];
			put_extra(b, &p->x);
			const struct day_stat *d = p->did == UINT32_MAX ? NULL : vec_get(&a->days, p->did, sizeof *d);
			ff_sbuf_uv(b, d ? 1 : 0);
			ff_sbuf_sv(b, p->day);
			ff_sbuf_uv(b, p->path);
			ff_sbuf_uv(b, p->hour);
			ff_sbuf_uv(b, p->wday);
		}
	} else {
		const struct page_list *l = AT(a->lists, v->user[3] - 1, struct page_list);
		ff_sbuf_uv(b, 1);
		ff_sbuf_uv(b, l->n);
		for (uint32_t i = 0; i < l->n; i++)
			ff_sbuf_uv(b, l->ids[i]);
	}
	return 0;
}

static void put_version(ff_sbuf *b, const struct visit_version *ver)
{
	put_vkey(b, ver->vk);
	ff_sbuf_uv(b, ver->id);
	ff_sbuf_uv(b, ver->hops);
}

int ff_analysis_drain(ff_analysis *a)
{
	return ff_visits_drain(a->visits) < 0 || a->failed ? -1 : 0;
}

int ff_analysis_save(ff_analysis *a, ff_sbuf out[4])
{
	ff_analysis_fill_vkeys(a);
	put_tables(a, &out[0]);
	put_visitors(a, &out[1]);
	ff_marketing_save(a->mk, &out[2]);
	ff_sbuf *b = &out[3];
	ff_sbuf_uv(b, a->n_superseded);
	for (size_t i = 0; i < a->n_superseded; i++)
		put_version(b, AT(a->superseded, i, struct visit_version));
	/* the count of open visits goes first: written into a buffer of
	 * its own, then appended */
	ff_sbuf visits = { 0 };
	struct open_writer w = { a, &visits, 0 };
	ff_visits_each_open(a->visits, put_open_visit, &w);
	ff_sbuf_uv(b, w.count);
	ff_sbuf_raw(b, visits.p, visits.n);
	bool oom = visits.oom;
	ff_sbuf_free(&visits);
	for (int i = 0; i < 4; i++)
		oom |= out[i].oom;
	return oom || a->failed ? -1 : 0;
}

/* ---- reading ---- */

/* The ids of a state's keys in this analysis: map[i] for the state's key
 * i, its overflow slot (when it has one) at map[n]. */
struct remap {
	ff_intern *in;
	uint32_t *map;
	const unsigned char **key; /* the state's keys, until interned */
	size_t *len;
	size_t n, slots;
};

/* Not interned yet: with --state-in only the keys the open visits name
 * are, so that yesterday's keys do not appear in today's tables. */
#define PENDING (UINT32_MAX - 1)

struct reader {
	ff_analysis *a;
	uint64_t shard_k, shard_n; /* --state-in under --shard: this shard's visits only */
	ff_scur c;
	bool oom;
	struct remap names, paths, hosts, vhosts, methods, protocols, ref_hosts, referers, countries, cities,
		geo_names;
	uint32_t *visitors; /* the state's visitor i: this analysis's id */
	size_t n_visitors;
};

static void reader_free(struct reader *r)
{
	struct remap *m[] = { &r->names, &r->paths, &r->hosts, &r->vhosts, &r->methods, &r->protocols,
			      &r->ref_hosts, &r->referers, &r->countries, &r->cities, &r->geo_names };
	for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
		free(m[i]->map);
		free(m[i]->key);
		free(m[i]->len);
	}
	free(r->visitors);
}

static uint64_t get_uv(struct reader *r)
{
	uint64_t v = 0;
	ff_scur_uv(&r->c, &v);
	return v;
}

static int64_t get_sv(struct reader *r)
{
	int64_t v = 0;
	ff_scur_sv(&r->c, &v);
	return v;
}

static uint64_t get_u64be(struct reader *r)
{
	if (r->c.bad || r->c.n < 8) {
		r->c.bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | r->c.p[i];
	r->c.p += 8;
	r->c.n -= 8;
	return v;
}

static bool get_flag(struct reader *r)
{
	uint64_t v = get_uv(r);
	if (v > 1)
		r->c.bad = true;
	return v == 1;
}

/* A key table into in (NULL: the analysis keeps none, the keys are
 * read and dropped); lazy: interned only when an id is mapped. */
static void get_intern(struct reader *r, ff_intern *in, struct remap *m, bool lazy)
{
	size_t n;
	if (!ff_scur_count(&r->c, 1, MAX_KEYS, &n))
		return;
	m->in = in;
	m->map = malloc((n + 1) * sizeof *m->map);
	if (lazy) {
		m->key = malloc((n + 1) * sizeof *m->key);
		m->len = malloc((n + 1) * sizeof *m->len);
	}
	if (!m->map || (lazy && (!m->key || !m->len))) {
		r->oom = true;
		r->c.bad = true;
		return;
	}
	m->n = n;
	for (size_t i = 0; i < n && !r->c.bad; i++) {
		const unsigned char *p;
		size_t len;
		if (!ff_scur_str(&r->c, &p, &len))
			break;
		if (lazy) {
			m->key[i] = p;
			m->len[i] = len;
			m->map[i] = in ? PENDING : UINT32_MAX;
			continue;
		}
		uint32_t id = in ? ff_intern_id(in, ff_sv_make((const char *)p, len)) : UINT32_MAX;
		if (in && id == FF_INTERN_NONE) {
			r->oom = true;
			r->c.bad = true;
		}
		m->map[i] = id;
	}
	bool overflow = get_flag(r);
	if (overflow)
		r->a->capped_in = true;
	/* the keys a state did not keep go to this analysis's overflow
	 * slot when it has one; otherwise they cannot be told apart and
	 * are left out */
	uint32_t mine = in ? (uint32_t)ff_intern_count(in) : 0;
	m->map[n] = in && ff_intern_is_overflow(in, mine) ? mine : UINT32_MAX;
	m->slots = n + (overflow ? 1 : 0);
}

/* The id in this analysis of the state's id i, or UINT32_MAX; marks the
 * state malformed when i is out of range. */
static uint32_t mapped(struct reader *r, const struct remap *m, uint64_t i)
{
	if (i >= m->slots) {
		r->c.bad = true;
		return UINT32_MAX;
	}
	if (m->map[i] == PENDING) {
		size_t before = ff_intern_count(m->in);
		uint32_t id = ff_intern_id(m->in, ff_sv_make((const char *)m->key[i], m->len[i]));
		/* a referer new to this run gets its host, which the lines
		 * that name it later look up instead of working it out */
		if (id == FF_INTERN_NONE ||
		    (m == &r->referers && ff_intern_count(m->in) > before && ff_an_referer_host(r->a, id) != 0))
			r->oom = r->c.bad = true;
		m->map[i] = id;
	}
	return m->map[i];
}

/* The same for ids written + 1 (0: none). */
static uint32_t mapped1(struct reader *r, const struct remap *m, uint64_t i1)
{
	return i1 ? mapped(r, m, i1 - 1) : UINT32_MAX;
}

#define ADD_AT(r, vec, id, type) ((id) == UINT32_MAX ? NULL : add_at((r), &(vec), (id), sizeof(type)))

static void *add_at(struct reader *r, struct vec *v, uint32_t id, size_t elem)
{
	void *p = ff_vec_at(v, id, elem);
	if (!p)
		r->oom = r->c.bad = true;
	return p;
}

static void get_hv(struct reader *r, struct vec *v, const struct remap *m)
{
	for (size_t i = 0; i < m->slots && !r->c.bad; i++) {
		uint64_t hits = get_uv(r), visits = get_uv(r);
		struct hv_stat *s = ADD_AT(r, *v, m->map[i], struct hv_stat);
		if (s)
			s->hits += hits, s->visits += visits;
	}
}

static void get_host(struct reader *r, struct vec *v, const struct remap *m)
{
	for (size_t i = 0; i < m->slots && !r->c.bad; i++) {
		uint64_t f[4];
		for (int k = 0; k < 4; k++)
			f[k] = get_uv(r);
		struct host_stat *s = ADD_AT(r, *v, m->map[i], struct host_stat);
		if (s)
			s->hits += f[0], s->pageviews += f[1], s->visits += f[2], s->bytes = ff_add_sat(s->bytes, f[3]);
	}
}

static void get_u64s(struct reader *r, struct vec *v, const struct remap *m)
{
	for (size_t i = 0; i < m->slots && !r->c.bad; i++) {
		uint64_t x = get_uv(r);
		uint64_t *s = ADD_AT(r, *v, m->map[i], uint64_t);
		if (s)
			*s += x;
	}
}

static void get_geo(struct reader *r, struct vec *v, const struct remap *m)
{
	for (size_t i = 0; i < m->slots && !r->c.bad; i++) {
		uint64_t visits = get_uv(r), hits = get_uv(r), pvs = get_uv(r);
		uint32_t name = mapped1(r, &r->geo_names, get_uv(r));
		uint32_t country = mapped1(r, &r->countries, get_uv(r));
		struct geo_stat *s = ADD_AT(r, *v, m->map[i], struct geo_stat);
		if (!s)
			continue;
		s->visits += visits, s->hits += hits, s->pageviews += pvs;
		if (!s->name && name != UINT32_MAX)
			s->name = name + 1;
		if (!s->country && country != UINT32_MAX)
			s->country = country + 1;
	}
}

/* Buckets into a sparse histogram made for the purpose. */
static void get_hist(struct reader *r, ff_hist *h)
{
	uint64_t count = get_uv(r), sum = get_uv(r), max = get_uv(r);
	size_t nz;
	if (!ff_scur_count(&r->c, 2, FF_HIST_BUCKETS, &nz))
		return;
	uint64_t bucket = 0, total = 0;
	for (size_t i = 0; i < nz && !r->c.bad; i++) {
		uint64_t gap = get_uv(r), n = get_uv(r);
		bucket += gap;
		if ((i > 0 && gap == 0) || bucket >= FF_HIST_BUCKETS || n == 0 || n > count - total) {
			r->c.bad = true;
			break;
		}
		total += n;
		if (ff_hist_add_bucket(h, (uint32_t)bucket, n) != 0)
			r->oom = r->c.bad = true;
	}
	if (total != count)
		r->c.bad = true;
	h->count = count, h->sum = sum, h->max = max;
}

static void get_sparse_into(struct reader *r, ff_hist *dst)
{
	ff_hist h = { 0 };
	get_hist(r, &h);
	if (!r->c.bad && dst && h.count && ff_hist_merge(dst, &h) != 0)
		r->oom = r->c.bad = true;
	ff_hist_free(&h);
}

static void get_dense_into(struct reader *r, ff_hist_dense *dst)
{
	ff_hist h = { 0 };
	get_hist(r, &h);
	if (!r->c.bad && dst && h.count && ff_hist_dense_merge(dst, &h) != 0)
		r->oom = r->c.bad = true;
	ff_hist_free(&h);
}

static void get_time_stat(struct reader *r, struct time_stat *t)
{
	t->hits += get_uv(r);
	t->pageviews += get_uv(r);
	t->visits += get_uv(r);
}

static uint32_t day_of(struct reader *r, int64_t day)
{
	uint32_t id = ff_an_day_id(r->a, day);
	if (id == UINT32_MAX)
		r->oom = r->c.bad = true;
	return id;
}

static void get_interns(struct reader *r, bool lazy)
{
	ff_analysis *a = r->a;
	ff_intern *hosts_in = a->host_keys ? a->host_keys : a->clients;
	ff_intern *in[] = { a->names, a->paths, hosts_in, a->vhosts, a->methods, a->protocols,
			    a->ref_hosts, a->referers, a->countries, a->cities, a->geo_names };
	struct remap *m[] = { &r->names, &r->paths, &r->hosts, &r->vhosts, &r->methods, &r->protocols,
			      &r->ref_hosts, &r->referers, &r->countries, &r->cities, &r->geo_names };
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		get_intern(r, in[i], m[i], lazy);
}

static void get_tables(struct reader *r)
{
	ff_analysis *a = r->a;
	get_interns(r, false);
	if (r->c.bad)
		return;

	get_hv(r, &a->browsers, &r->names);
	get_hv(r, &a->oses, &r->names);
	get_hv(r, &a->bots, &r->names);
	for (size_t i = 0; i < r->paths.slots && !r->c.bad; i++) {
		uint64_t f[8];
		for (int k = 0; k < 8; k++)
			f[k] = get_uv(r);
		uint32_t id = r->paths.map[i];
		struct page_stat *s = ADD_AT(r, a->pages, id, struct page_stat);
		if (s) {
			s->hits += f[0], s->pageviews += f[1], s->visits += f[2], s->not_found += f[3];
			s->entries += f[4], s->entry_bounces += f[5], s->exits += f[6], s->server_errors += f[7];
		}
		if (get_flag(r))
			get_sparse_into(r, ADD_AT(r, a->path_times, id, ff_hist));
	}
	get_host(r, &a->hosts, &r->hosts);
	get_host(r, &a->vhost_stats, &r->vhosts);
	get_u64s(r, &a->method_hits, &r->methods);
	get_u64s(r, &a->protocol_hits, &r->protocols);
	get_hv(r, &a->ref_host_stats, &r->ref_hosts);
	get_hv(r, &a->unkept_referers, &r->ref_hosts);
	get_u64s(r, &a->infer_counts, &r->ref_hosts);
	get_hv(r, &a->referer_stats, &r->referers);
	for (size_t i = 0; i < r->referers.slots && !r->c.bad; i++) {
		uint32_t host = mapped1(r, &r->ref_hosts, get_uv(r));
		uint32_t *h = ADD_AT(r, a->referer_host, r->referers.map[i], uint32_t);
		if (h)
			*h = host;
	}
	get_geo(r, &a->country_stats, &r->countries);
	get_geo(r, &a->city_stats, &r->cities);

	size_t nd;
	if (!ff_scur_count(&r->c, 8, FF_DAYS_MAX, &nd))
		return;
	bool unkept = get_flag(r);
	for (size_t i = 0; i < nd + (unkept ? 1 : 0) && !r->c.bad; i++) {
		int64_t day = get_sv(r);
		uint64_t f[6];
		for (int k = 0; k < 6; k++)
			f[k] = get_uv(r);
		uint32_t id = i < nd ? day_of(r, day) : FF_DAYS_MAX;
		if (i >= nd)
			a->days_unkept = true;
		struct day_stat *d = ADD_AT(r, a->days, id, struct day_stat);
		if (d) {
			if (i < nd)
				d->day = day;
			d->hits += f[0], d->pageviews += f[1], d->visits += f[2];
			d->bytes = ff_add_sat(d->bytes, f[3]);
			d->errors_4xx += f[4], d->errors_5xx += f[5];
		}
		get_dense_into(r, ADD_AT(r, a->day_times, id, ff_hist_dense));
	}
	for (unsigned h = 0; h < 24 && !r->c.bad; h++) {
		get_time_stat(r, &a->hours[h]);
		get_dense_into(r, &a->hour_times[h]);
	}
	for (unsigned w = 0; w < 7; w++)
		get_time_stat(r, &a->weekdays[w]);
	if (get_uv(r) != FF_DEV_COUNT)
		r->c.bad = true;
	for (unsigned d = 0; d < FF_DEV_COUNT && !r->c.bad; d++) {
		a->devices[d].hits += get_uv(r);
		a->devices[d].visits += get_uv(r);
	}
	get_dense_into(r, &a->times);

	size_t ndur;
	if (!ff_scur_count(&r->c, 2, MAX_KEYS, &ndur))
		return;
	for (size_t i = 0; i < ndur && !r->c.bad; i++) {
		int64_t seconds = get_sv(r);
		uint64_t count = get_uv(r);
		bool inserted;
		uint32_t *slot = ff_hmap_u64_find_or_insert(a->durations, (uint64_t)seconds, &inserted);
		if (!slot) {
			r->oom = r->c.bad = true;
			break;
		}
		if (inserted)
			*slot = (uint32_t)(ff_hmap_count(a->durations) - 1);
		struct duration_count *dc = ADD_AT(r, a->duration_counts, *slot, struct duration_count);
		if (dc)
			dc->seconds = seconds, dc->count += count;
	}
	a->valid_seen += get_uv(r);
	a->pageviews += get_uv(r);
	a->bot_hits += get_uv(r);
	a->visits_n += get_uv(r);
	a->bounces += get_uv(r);
	a->returning += get_uv(r);
	a->visit_pageviews += get_uv(r);
	a->seg_total += get_uv(r);
	double dsum = 0;
	ff_scur_f64(&r->c, &dsum);
	a->duration_sum += dsum;
}

static ff_vkey get_vkey(struct reader *r)
{
	ff_vkey k;
	k.hi = get_u64be(r);
	k.lo = get_u64be(r);
	return k;
}

static void retention_merge(struct retention *into, int32_t first, uint16_t weeks)
{
	const uint32_t mask = (1u << FF_RETENTION_WEEKS) - 1;
	if (!first)
		return;
	if (!into->first) {
		into->first = first;
		into->weeks = weeks;
		return;
	}
	int64_t d = (int64_t)first - into->first;
	if (d == 0) {
		into->weeks |= weeks;
	} else if (d > 0) {
		if (d <= FF_RETENTION_WEEKS)
			into->weeks = (uint16_t)((into->weeks | (1u << (d - 1)) | ((uint32_t)weeks << d)) & mask);
	} else {
		d = -d;
		uint32_t m = d <= FF_RETENTION_WEEKS ? ((uint32_t)into->weeks << d) | (1u << (d - 1)) : 0;
		into->weeks = (uint16_t)((m | weeks) & mask);
		into->first = first;
	}
}

/* counts: false for --state-in, which takes the visitors' identities and
 * visits before, not what they did. */
static void get_visitors(struct reader *r, bool counts)
{
	ff_analysis *a = r->a;
	size_t n;
	if (!ff_scur_count(&r->c, 20, UINT32_MAX - 1, &n))
		return;
	r->visitors = malloc((n ? n : 1) * sizeof *r->visitors);
	if (!r->visitors) {
		r->oom = r->c.bad = true;
		return;
	}
	r->n_visitors = n;
	uint32_t *ids = NULL;
	size_t ids_cap = 0;
	for (size_t i = 0; i < n && !r->c.bad; i++) {
		ff_vkey vk = get_vkey(r);
		uint64_t flags = get_uv(r);
		int64_t first = get_sv(r);
		uint64_t weeks = get_uv(r);
		size_t np;
		ff_scur_count(&r->c, 1, MAX_KEYS, &np);
		if (flags > 7 || weeks >> FF_RETENTION_WEEKS || first < INT32_MIN || first > INT32_MAX)
			r->c.bad = true;
		if (np > ids_cap) {
			uint32_t *grown = realloc(ids, np * sizeof *ids);
			if (!grown) {
				r->oom = r->c.bad = true;
				break;
			}
			ids = grown;
			ids_cap = np;
		}
		uint64_t prev = 0;
		for (size_t k = 0; k < np && !r->c.bad; k++) {
			uint64_t p = get_uv(r);
			if (k > 0 && p <= prev)
				r->c.bad = true;
			prev = p;
			if (p >= r->paths.slots)
				r->c.bad = true;
			else if (counts)
				ids[k] = mapped(r, &r->paths, p);
		}
		if (r->c.bad)
			break;
		uint32_t v = ff_analysis_visitor(a, vk);
		if (v == UINT32_MAX) {
			r->oom = r->c.bad = true;
			break;
		}
		r->visitors[i] = v;
		if ((flags & V_HAD_VISIT) && ff_bit_set(&a->had_visit, v) < 0)
			r->oom = r->c.bad = true;
		if (!counts)
			continue;
		if (flags & V_ACTIVE) {
			int fresh = ff_bit_set(&a->active, v);
			if (fresh < 0)
				r->oom = r->c.bad = true;
			else
				a->active_visitors += (uint64_t)fresh;
		}
		if (flags & V_SEGMENT) {
			int fresh = ff_bit_set(&a->seg_seen, v);
			if (fresh < 0)
				r->oom = r->c.bad = true;
			else
				a->seg_visitors += (uint64_t)fresh;
		}
		struct retention *ret = ADD_AT(r, a->retention, v, struct retention);
		if (ret)
			retention_merge(ret, (int32_t)first, (uint16_t)weeks);
		/* this analysis's ids, sorted, without the keys it cannot keep */
		size_t kept = 0;
		for (size_t k = 0; k < np; k++)
			if (ids[k] != UINT32_MAX)
				ids[kept++] = ids[k];
		if (kept > 1)
			qsort(ids, kept, sizeof *ids, ff_an_cmp_u32);
		size_t distinct = 0;
		for (size_t k = 0; k < kept; k++)
			if (k == 0 || ids[k] != ids[k - 1])
				ids[distinct++] = ids[k];
		if (distinct)
			ff_an_add_visitor_pages(a, v, ids, (uint32_t)distinct);
	}
	free(ids);
	size_t npairs;
	if (!ff_scur_count(&r->c, 2, MAX_KEYS, &npairs))
		return;
	for (size_t i = 0; i < npairs && !r->c.bad; i++) {
		int64_t day = get_sv(r);
		uint64_t vi = get_uv(r);
		if (vi >= n) {
			r->c.bad = true;
			break;
		}
		if (!counts)
			continue;
		uint32_t did = day_of(r, day);
		if (did == UINT32_MAX)
			break;
		if (!ff_an_pair_seen(a->day_visitors, did, r->visitors[vi], &a->failed))
			AT(a->days, did, struct day_stat)->uniq++;
	}
	if (a->failed)
		r->oom = true;
}

static ff_time get_time_value(struct reader *r)
{
	ff_time t = { 0 };
	t.t = get_sv(r);
	int64_t off = get_sv(r), us = get_sv(r);
	if (t.t < -4 * FF_VISITS_SECONDS_MAX || t.t > 4 * FF_VISITS_SECONDS_MAX || off < -86400 || off > 86400 ||
	    us < 0 || us > 999999)
		r->c.bad = true;
	t.offset = (int32_t)off;
	t.usec = (int32_t)us;
	return t;
}

static void get_extra(struct reader *r, struct pv_extra *x)
{
	*x = (struct pv_extra){ .agent = UINT32_MAX };
	x->host = mapped1(r, &r->hosts, get_uv(r));
	x->vhost = mapped1(r, &r->vhosts, get_uv(r));
	x->ref_host = mapped1(r, &r->ref_hosts, get_uv(r));
	x->referer = mapped1(r, &r->referers, get_uv(r));
	x->browser = mapped1(r, &r->names, get_uv(r));
	x->os = mapped1(r, &r->names, get_uv(r));
	uint32_t country = mapped1(r, &r->countries, get_uv(r));
	uint32_t city = mapped1(r, &r->cities, get_uv(r));
	x->country = country == UINT32_MAX ? 0 : country + 1;
	x->city = city == UINT32_MAX ? 0 : city + 1;
	uint64_t dev = get_uv(r);
	if (dev >= FF_DEV_COUNT || x->host == UINT32_MAX || x->browser == UINT32_MAX || x->os == UINT32_MAX)
		r->c.bad = true;
	x->device_type = (enum ff_device_type)dev;
	x->post = get_flag(r);
}

static void get_version(struct reader *r, struct visit_version *ver)
{
	ver->vk = get_vkey(r);
	ver->id = get_uv(r);
	ver->hops = get_uv(r);
}

static bool version_eq(const struct visit_version *x, const struct visit_version *y)
{
	return x->vk.hi == y->vk.hi && x->vk.lo == y->vk.lo && x->id == y->id && x->hops == y->hops;
}

/* Frees what a visit read from a state holds besides the visit. */
static void release_visit(ff_analysis *a, const ff_visit *v)
{
	if (v->user[2])
		ff_marketing_visit_drop(a->mk, (uint32_t)(v->user[2] - 1));
	if (!v->user[3])
		return;
	if (a->seg)
		ff_an_seg_release(a, (uint32_t)(v->user[3] - 1));
	else
		ff_an_list_release(a, (uint32_t)(v->user[3] - 1));
}

static void get_open_visit(struct reader *r, ff_visit *v, struct visit_version *ver)
{
	ff_analysis *a = r->a;
	memset(v, 0, sizeof *v);
	ver->vk = get_vkey(r);
	ver->id = v->id = get_uv(r);
	ver->hops = v->user[0] = get_uv(r);
	v->first_seq = get_uv(r);
	v->last_seq = get_uv(r);
	v->start = get_time_value(r);
	v->end = get_time_value(r);
	uint64_t pvs = get_uv(r);
	if (pvs == 0 || pvs > UINT32_MAX)
		r->c.bad = true;
	v->pageviews = (uint32_t)pvs;
	v->entry_path = mapped(r, &r->paths, get_uv(r));
	v->exit_path = mapped(r, &r->paths, get_uv(r));
	v->returning = get_flag(r);
	if (r->c.bad)
		return;
	v->visitor = ff_analysis_visitor(a, ver->vk);
	if (v->visitor == UINT32_MAX) {
		r->oom = r->c.bad = true;
		return;
	}
	if (get_flag(r)) {
		/* marketing reads the maps directly: the keys it may name are
		 * interned now (a report shows no row for a key without
		 * counts) */
		struct remap *needed[] = { &r->paths, &r->ref_hosts, &r->names, &r->countries };
		for (size_t k = 0; k < sizeof needed / sizeof *needed; k++)
			for (size_t i = 0; i < needed[k]->slots && !r->c.bad; i++)
				mapped(r, needed[k], i);
		const ff_mk_remap mr = {
			.path = r->paths.map, .n_path = r->paths.slots,
			.ref_host = r->ref_hosts.map, .n_ref_host = r->ref_hosts.slots,
			.browser = r->names.map, .n_browser = r->names.slots,
			.country = r->countries.map, .n_country = r->countries.slots,
		};
		uint32_t h = ff_marketing_visit_restore(a->mk, &r->c, &mr);
		if (h == UINT32_MAX) {
			if (!r->c.bad)
				r->oom = true;
			r->c.bad = true;
			return;
		}
		v->user[2] = (uint64_t)h + 1;
	}
	uint64_t kind = get_uv(r);
	size_t n;
	if (kind == 0 || r->c.bad)
		return;
	if (!ff_scur_count(&r->c, 1, UINT32_MAX, &n))
		return;
	if (kind == 1 && !a->seg) {
		uint32_t li = ff_an_list_alloc(a);
		if (li == UINT32_MAX) {
			r->oom = r->c.bad = true;
			return;
		}
		v->user[3] = (uint64_t)li + 1;
		struct page_list *l = AT(a->lists, li, struct page_list);
		for (size_t i = 0; i < n && !r->c.bad; i++) {
			uint32_t p = mapped(r, &r->paths, get_uv(r));
			if (p != UINT32_MAX)
				ff_an_list_push(a, l, p);
		}
	} else if (kind == 2 && a->seg) {
		uint32_t si = ff_an_seg_alloc(a);
		if (si == UINT32_MAX) {
			r->oom = r->c.bad = true;
			return;
		}
		v->user[3] = (uint64_t)si + 1;
		for (size_t i = 0; i < n && !r->c.bad; i++) {
			struct seg_pv p;
			get_extra(r, &p.x);
			bool has_day = get_flag(r);
			p.day = get_sv(r);
			p.path = mapped(r, &r->paths, get_uv(r));
			uint64_t hour = get_uv(r), wday = get_uv(r);
			if (hour > 23 || wday > 6 || p.path == UINT32_MAX)
				r->c.bad = true;
			if (r->c.bad)
				break;
			p.hour = (uint8_t)hour, p.wday = (uint8_t)wday;
			p.did = has_day ? day_of(r, p.day) : UINT32_MAX;
			if (ff_an_seg_push(AT(a->seg_lists, si, struct seg_list), &p) != 0) {
				r->oom = r->c.bad = true;
				break;
			}
		}
	} else {
		/* a list of the other kind: the segment is in the
		 * fingerprint, so this file was not written by footfall */
		r->c.bad = true;
	}
}

static int finish_read(struct reader *r, const char *section, char *msg, size_t msgsz)
{
	if (r->oom || r->a->failed || ff_marketing_failed(r->a->mk)) {
		snprintf(msg, msgsz, "out of memory");
		return -1;
	}
	if (r->c.bad || r->c.n) {
		snprintf(msg, msgsz, "corrupt state file (malformed section %s)", section);
		return -1;
	}
	return 0;
}

static int need(const ff_state_view *v, char *msg, size_t msgsz)
{
	static const uint32_t tags[] = { FF_STATE_TABLES, FF_STATE_VISITORS, FF_STATE_MARKETING, FF_STATE_OPEN };
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		if (!v->has[tags[i]]) {
			snprintf(msg, msgsz, "corrupt state file (no section %s)", ff_state_tag_name(tags[i]));
			return -1;
		}
	return 0;
}

static void cursor(struct reader *r, const ff_state_view *v, uint32_t tag)
{
	r->c = (ff_scur){ .p = v->section[tag], .n = v->section_len[tag] };
}

/* Reads the open-visit section: with restore, into the sessionizer
 * (--state-in, each continued by this run); else held for
 * ff_analysis_settle. */
static int get_open(struct reader *r, const ff_state_view *v, bool restore, char *msg, size_t msgsz)
{
	ff_analysis *a = r->a;
	cursor(r, v, FF_STATE_OPEN);
	size_t ns;
	ff_scur_count(&r->c, 18, MAX_KEYS, &ns);
	for (size_t i = 0; i < ns && !r->c.bad; i++) {
		struct visit_version ver;
		get_version(r, &ver);
		if (restore)
			continue; /* this run's state names only what it continued */
		struct visit_version *s = ADD_AT(r, a->superseded, (uint32_t)a->n_superseded, struct visit_version);
		if (s) {
			*s = ver;
			a->n_superseded++;
		}
	}
	size_t nv;
	ff_scur_count(&r->c, 20, MAX_KEYS, &nv);
	for (size_t i = 0; i < nv && !r->c.bad; i++) {
		ff_visit visit;
		struct visit_version ver;
		get_open_visit(r, &visit, &ver);
		if (r->c.bad)
			break;
		if (restore && r->shard_n && ver.vk.hi % r->shard_n != r->shard_k) {
			release_visit(a, &visit);
			continue;
		}
		if (restore) {
			struct visit_version *s =
				ADD_AT(r, a->superseded, (uint32_t)a->n_superseded, struct visit_version);
			if (!s)
				break;
			*s = ver;
			a->n_superseded++;
			visit.user[0] = ver.hops + 1;
			if (ff_visits_restore(a->visits, &visit) != 0) {
				r->oom = true; /* one open visit a visitor: footfall wrote none other */
				break;
			}
		} else {
			struct held_visit *h = ADD_AT(r, a->held, (uint32_t)a->n_held, struct held_visit);
			if (!h)
				break;
			*h = (struct held_visit){ .v = visit, .ver = ver };
			a->n_held++;
		}
	}
	return finish_read(r, "open visits", msg, msgsz);
}

static int read_state(ff_analysis *a, const ff_state_view *v, bool counts, uint64_t shard_k, uint64_t shard_n,
		      char *msg, size_t msgsz)
{
	if (need(v, msg, msgsz) != 0)
		return -1;
	struct reader r = { .a = a, .shard_k = shard_k, .shard_n = shard_n };
	int rc = -1;
	cursor(&r, v, FF_STATE_TABLES);
	if (counts) {
		get_tables(&r);
	} else {
		/* only the keys: the open visits name them */
		get_interns(&r, true);
		r.c.n = 0; /* the counts that follow are not this run's */
	}
	if (finish_read(&r, "tables", msg, msgsz) != 0)
		goto out;
	cursor(&r, v, FF_STATE_VISITORS);
	get_visitors(&r, counts);
	if (finish_read(&r, "visitors", msg, msgsz) != 0)
		goto out;
	if (counts) {
		const ff_mk_remap mr = {
			.path = r.paths.map, .n_path = r.paths.slots,
			.ref_host = r.ref_hosts.map, .n_ref_host = r.ref_hosts.slots,
			.browser = r.names.map, .n_browser = r.names.slots,
			.country = r.countries.map, .n_country = r.countries.slots,
		};
		if (ff_marketing_absorb(a->mk, v->section[FF_STATE_MARKETING], v->section_len[FF_STATE_MARKETING],
					&mr) != 0) {
			if (ff_marketing_failed(a->mk))
				snprintf(msg, msgsz, "out of memory");
			else
				snprintf(msg, msgsz, "corrupt state file (malformed section marketing)");
			goto out;
		}
	}
	if (!counts) {
		/* the visitors' visits before this run make their next ones
		 * returning */
		for (uint32_t i = 0; i < r.n_visitors; i++)
			if (ff_bit_get(&a->had_visit, r.visitors[i]) &&
			    ff_visits_mark_seen(a->visits, r.visitors[i]) != 0) {
				snprintf(msg, msgsz, "out of memory");
				goto out;
			}
	}
	rc = get_open(&r, v, !counts, msg, msgsz);
out:
	reader_free(&r);
	return rc;
}

bool ff_analysis_capped(const ff_analysis *a)
{
	const ff_intern *capped[] = { a->paths, a->vhosts, a->methods, a->protocols, a->ref_hosts, a->referers,
				      a->host_keys, a->cities };
	bool any = a->capped_in || a->budget.reached || a->budget.truncated || a->days_unkept;
	for (size_t i = 0; i < sizeof capped / sizeof *capped && !any; i++)
		any = capped[i] && ff_intern_overflows(capped[i]) > 0;
	any = any || ff_marketing_campaign_overflows(a->mk) || ff_marketing_keyword_overflows(a->mk) ||
	      ff_marketing_pixel_overflows(a->mk);
	for (size_t e = 0; e < ff_marketing_experiment_count(a->mk) && !any; e++)
		any = ff_marketing_variant_overflows(a->mk, e) > 0;
	return any;
}

int ff_analysis_absorb(ff_analysis *a, const ff_state_view *v, char *msg, size_t msgsz)
{
	return read_state(a, v, true, 0, 0, msg, msgsz);
}

int ff_analysis_continue(ff_analysis *a, const ff_state_view *v, uint64_t shard_k, uint64_t shard_n, char *msg,
			  size_t msgsz)
{
	return read_state(a, v, false, shard_k, shard_n, msg, msgsz);
}

struct version_set {
	ff_hmap *map;
	const struct visit_version *want;
	const struct vec *versions; /* struct visit_version by value */
};

static bool version_at_eq(const void *ctx, uint32_t value)
{
	const struct version_set *vs = ctx;
	const struct visit_version *have = vec_get(vs->versions, value, sizeof *have);
	return have && version_eq(have, vs->want);
}

static uint64_t version_hash(const ff_hmap *m, const struct visit_version *v)
{
	ff_hash_key key = ff_hmap_hash_key(m);
	uint64_t words[4] = { v->vk.hi, v->vk.lo, v->id, v->hops };
	return ff_hash_bytes(&key, words, sizeof words);
}

/* Adds version value of versions to the set; whether it was there. */
static int version_seen(struct version_set *vs, uint32_t value)
{
	vs->want = vec_get(vs->versions, value, sizeof *vs->want);
	bool inserted;
	uint32_t *slot = ff_hmap_find_or_insert(vs->map, version_hash(vs->map, vs->want), version_at_eq, vs, &inserted);
	if (!slot)
		return -1;
	if (inserted)
		*slot = value;
	return inserted ? 0 : 1;
}

int ff_analysis_settle(ff_analysis *a, char *msg, size_t msgsz)
{
	/* versions continued by a later run are dropped; the same version
	 * in two states (a visit no later run continued, in two merged
	 * states) is one visit */
	struct vec versions = { 0 };
	size_t nv = 0;
	struct version_set vs = { .map = ff_hmap_new(a->opt.seed ^ 21), .versions = &versions };
	int rc = vs.map ? 0 : -1;
	for (size_t k = 0; rc == 0 && k < a->n_superseded; k++) {
		struct visit_version *v = AT(versions, nv, struct visit_version);
		if (!v) {
			rc = -1;
			break;
		}
		*v = *AT(a->superseded, k, struct visit_version);
		if (version_seen(&vs, (uint32_t)nv) < 0) {
			rc = -1;
			break;
		}
		nv++;
	}
	for (size_t i = 0; rc == 0 && i < a->n_held; i++) {
		struct held_visit *h = AT(a->held, i, struct held_visit);
		struct visit_version *v = AT(versions, nv, struct visit_version);
		if (!v) {
			rc = -1;
			break;
		}
		*v = h->ver;
		int seen = version_seen(&vs, (uint32_t)nv);
		if (seen < 0) {
			rc = -1;
			break;
		}
		nv++;
		h->dropped = seen == 1;
	}
	ff_hmap_free(vs.map);
	ff_vec_free(&versions);
	if (rc != 0)
		snprintf(msg, msgsz, "out of memory");
	for (size_t i = 0; i < a->n_held; i++) {
		struct held_visit *h = AT(a->held, i, struct held_visit);
		if (h->dropped || rc != 0) {
			release_visit(a, &h->v);
			continue;
		}
		if (ff_visits_restore(a->visits, &h->v) != 0) {
			snprintf(msg, msgsz, "the states overlap: a visitor has a visit open in two of them "
					     "(merge states of different days or shards)");
			rc = -1;
		}
	}
	a->n_held = 0;
	return rc;
}
