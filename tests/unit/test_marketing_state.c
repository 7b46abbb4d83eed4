/* test_marketing_state.c — marketing's counters saved, absorbed and its
 * open visits restored (SPEC §16): a scenario split in two and merged in
 * either order gives the bytes of one object fed everything; a day cut in
 * the middle of a visit, continued from the saved visit, likewise; keys not
 * kept; and hostile bytes (every truncation, flipped bytes) refused
 * without harm. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "intern.h"
#include "marketing.h"
#include "record.h"
#include "referer.h"
#include "state.h"

static const char yaml[] = "goals:\n"
			   "  - name: purchase\n"
			   "    path: '^/order/complete$'\n"
			   "  - name: signup\n"
			   "    path: '^/signup$'\n"
			   "    method: POST\n"
			   "funnels:\n"
			   "  - name: checkout\n"
			   "    steps: ['^/products/', '^/cart$', '^/checkout$', '^/order/complete$']\n"
			   "experiments:\n"
			   "  - name: spring\n"
			   "    param: variant\n"
			   "    goal: purchase\n"
			   "    control: a\n"
			   "  - name: hero\n"
			   "    path: '^/lp/hero-(\\w+)$'\n"
			   "    goal: signup\n"
			   "pixels:\n"
			   "  - path: /px.gif\n"
			   "    campaign: c\n"
			   "    recipient: u\n";

static ff_marketing *make(size_t max_keys)
{
	char err[512] = "";
	ff_config cfg;
	ff_config_init(&cfg);
	ff_marketing *m = NULL;
	if (ff_config_load_text(&cfg, "test.yaml", yaml, strlen(yaml), err, sizeof err) == 0)
		m = ff_marketing_new(&cfg, 42, err, sizeof err);
	ff_config_free(&cfg);
	CHECK(m != NULL);
	if (!m) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	ff_marketing_set_max_keys(m, max_keys);
	return m;
}

/* The caller's side: its path and referer host ids, as the analysis keeps
 * them (browsers and countries are small numbers given as they are). */
struct caller {
	ff_intern *paths, *hosts;
};

static struct caller caller_new(uint64_t seed)
{
	struct caller k = { ff_intern_new(seed), ff_intern_new(seed + 1) };
	CHECK(k.paths && k.hosts);
	return k;
}

static void caller_free(struct caller *k)
{
	ff_intern_free(k->paths);
	ff_intern_free(k->hosts);
}

/* The map from from's ids to to's, by the keys' bytes (interned into to
 * when new), as the caller makes it for a saved state. */
struct remap {
	uint32_t path[64], host[64], browser[8], country[8];
	ff_mk_remap r;
};

static void remap_make(struct remap *x, const struct caller *from, const struct caller *to)
{
	size_t np = ff_intern_count(from->paths), nh = ff_intern_count(from->hosts);
	CHECK(np <= 64 && nh <= 64);
	for (uint32_t i = 0; i < np && i < 64; i++)
		x->path[i] = ff_intern_id(to->paths, ff_intern_get(from->paths, i));
	for (uint32_t i = 0; i < nh && i < 64; i++)
		x->host[i] = ff_intern_id(to->hosts, ff_intern_get(from->hosts, i));
	for (uint32_t i = 0; i < 8; i++)
		x->browser[i] = x->country[i] = i;
	x->r = (ff_mk_remap){ .path = x->path, .ref_host = x->host, .browser = x->browser, .country = x->country,
			      .n_path = np, .n_ref_host = nh, .n_browser = 8, .n_country = 8 };
}

static ff_record record(const char *target)
{
	bool post = strncmp(target, "POST ", 5) == 0;
	ff_record r;
	memset(&r, 0, sizeof r);
	r.method = post ? FF_SV_LIT("POST") : FF_SV_LIT("GET");
	r.target = ff_sv_cstr(target + (post ? 5 : 0));
	ff_record_split_target(&r);
	return r;
}

/* One event of the scenario: a visit (targets in order, "POST /x" for a
 * POST; the entry's referer, browser, device and country + 1) or, with no
 * targets, a pixel hit on target by the visitor digest (hi, lo). */
struct event {
	const char *referer;
	const char *targets[6];
	uint32_t browser;
	uint8_t device;
	uint32_t country;
	const char *hit;
	uint64_t hi, lo;
};

/* A visit under way: its handle and the caller's entry and exit ids. */
struct open_visit {
	uint32_t v, entry, exit;
	uint32_t pageviews;
};

/* Pageview i of e into m (i 0 opens the visit). */
static void pageview(ff_marketing *m, struct caller *k, const struct event *e, size_t i, struct open_visit *o)
{
	ff_record r = record(e->targets[i]);
	bool post = strncmp(e->targets[i], "POST ", 5) == 0;
	uint32_t words[16];
	CHECK(ff_marketing_entry_words(m) <= 16);
	char host[FF_HOST_MAX + 1];
	size_t hn = 0;
	if (i == 0) {
		r.referer = ff_sv_cstr(e->referer);
		hn = ff_referer_host(r.referer, host);
	}
	CHECK_INT(ff_marketing_pageview(m, &r, NULL, words), 0);
	uint32_t path = ff_intern_id(k->paths, r.path);
	if (i == 0) {
		ff_sv h = ff_sv_make(host, hn);
		ff_mk_entry en = { .words = words, .path = r.path, .ref_host = hn ? ff_intern_id(k->hosts, h) : UINT32_MAX,
				   .host = h, .referer = r.referer, .browser = e->browser, .device = e->device,
				   .country = e->country };
		o->v = ff_marketing_visit_open(m, &en);
		CHECK(o->v != UINT32_MAX);
		o->entry = path;
		o->pageviews = 0;
	}
	ff_marketing_visit_pageview(m, o->v, path, r.path, post, words);
	o->exit = path;
	o->pageviews++;
}

static size_t n_targets(const struct event *e)
{
	size_t n = 0;
	while (n < 6 && e->targets[n])
		n++;
	return n;
}

static void play(ff_marketing *m, struct caller *k, const struct event *e)
{
	if (e->hit) {
		ff_record r = record(e->hit);
		CHECK_INT(ff_marketing_hit(m, &r, &(ff_vkey){ e->hi, e->lo }), 0);
		return;
	}
	struct open_visit o;
	for (size_t i = 0; i < n_targets(e); i++)
		pageview(m, k, e, i, &o);
	ff_marketing_visit_close(m, o.v, o.pageviews, o.entry, o.exit);
}

static const struct event scenario[] = {
	{ "https://www.google.com/",
	  { "/lp/spring?variant=b&utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale", "/products/x", "/cart",
	    "/checkout", "/order/complete?order=1" },
	  1, 1, 3, NULL, 0, 0 },
	{ "https://www.google.de/search?q=burr+grinder", { "/products/y", "/checkout", "/cart", "/order/complete" }, 2, 2,
	  0, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=news&u=1", 1, 1 },
	{ "https://l.facebook.com/", { "/cart", "/products/z", "/cart" }, 1, 1, 1, NULL, 0, 0 },
	{ "https://news.ycombinator.com/item?id=1", { "/lp/spring?variant=a" }, 3, 1, 2, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=news&u=1", 2, 2 },
	{ "", { "/lp/spring?variant=" }, 1, 2, 0, NULL, 0, 0 },
	{ "https://www.shop.test/blog", { "/about", "/signup", "POST /signup" }, 2, 1, 3, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=news", 5, 9 },
	{ "", { "/lp/hero-blue", "POST /signup" }, 4, 3, 4, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=news", 5, 9 },
	{ "https://mail.google.com/", { "/products/a?utm_source=newsletter" }, 1, 1, 1, NULL, 0, 0 },
	/* the same key split two ways, one in each half: the shortest
	 * utm_source stays, whichever came first */
	{ "", { "/?utm_source=a%2Fb&utm_medium=c&utm_campaign=d" }, 2, 2, 2, NULL, 0, 0 },
	{ "", { "/?utm_source=a&utm_medium=b%2Fc&utm_campaign=d", "/order/complete" }, 1, 1, 1, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=spring", 7, 1 },
	{ "https://www.bing.com/?q=burr+grinder", { "/lp/hero-red", "/signup" }, 5, 4, 5, NULL, 0, 0 },
	{ NULL, { NULL }, 0, 0, 0, "/px.gif?c=news&u=2", 1, 1 },
	{ "https://news.ycombinator.com/item?id=2", { "/products/q", "/cart", "/order/complete" }, 3, 1, 2, NULL, 0, 0 },
	{ "https://l.facebook.com/", { "/lp/spring?variant=c", "/products/r" }, 6, 2, 6, NULL, 0, 0 },
};
#define N_EVENTS (sizeof scenario / sizeof *scenario)

static bool same_bytes(const ff_sbuf *a, const ff_sbuf *b)
{
	return !a->oom && !b->oom && a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

static ff_sbuf saved(const ff_marketing *m)
{
	ff_sbuf b = { 0 };
	ff_marketing_save(m, &b);
	CHECK(!b.oom);
	return b;
}

/* Both halves of the scenario (events with idx % 2 == part) merged in
 * either order give the whole's bytes. */
static void test_split(void)
{
	struct caller kw = caller_new(10), ka = caller_new(20), kb = caller_new(30);
	ff_marketing *w = make(0), *a = make(0), *b = make(0);
	/* B's caller ids start elsewhere than the whole's */
	ff_intern_id(kb.paths, FF_SV_LIT("/unrelated"));
	ff_intern_id(kb.hosts, FF_SV_LIT("unrelated.test"));
	for (size_t i = 0; i < N_EVENTS; i++) {
		play(w, &kw, &scenario[i]);
		play(i % 2 ? b : a, i % 2 ? &kb : &ka, &scenario[i]);
	}
	CHECK(!ff_marketing_failed(w) && !ff_marketing_failed(a) && !ff_marketing_failed(b));
	ff_sbuf sw = saved(w), sa = saved(a), sb = saved(b);
	CHECK(!same_bytes(&sa, &sb));
	struct remap ra, rb;
	remap_make(&ra, &ka, &kw);
	remap_make(&rb, &kb, &kw);
	for (int order = 0; order < 2; order++) {
		ff_marketing *c = make(0);
		CHECK_INT(ff_marketing_absorb(c, order ? sb.p : sa.p, order ? sb.n : sa.n, order ? &rb.r : &ra.r), 0);
		CHECK_INT(ff_marketing_absorb(c, order ? sa.p : sb.p, order ? sa.n : sb.n, order ? &ra.r : &rb.r), 0);
		ff_sbuf sc = saved(c);
		CHECK(same_bytes(&sc, &sw));
		if (!same_bytes(&sc, &sw))
			fprintf(stderr, "order %d: %zu bytes merged, %zu whole\n", order, sc.n, sw.n);
		/* what the reports read */
		CHECK_INT(ff_marketing_visits(c), ff_marketing_visits(w));
		CHECK_INT(ff_marketing_converted(c), ff_marketing_converted(w));
		CHECK_INT(ff_marketing_pixel_campaign_count(c), 2);
		for (uint32_t id = 0; id < 2; id++) {
			ff_sv key = ff_marketing_pixel_campaign(c, id);
			if (ff_sv_eq_cstr(key, "news")) {
				/* opens 5; unique: recipients 1 and 2, visitor (5, 9) */
				CHECK_INT(ff_marketing_pixel_opens(c, id), 5);
				CHECK_INT(ff_marketing_pixel_unique_opens(c, id), 3);
			}
		}
		for (uint32_t id = 0; id < ff_marketing_campaign_count(c); id++) {
			ff_sv parts[3];
			if (ff_sv_eq_cstr(ff_marketing_campaign_key(c, id), "a/b/c/d")) {
				CHECK(ff_marketing_campaign_parts(c, id, parts));
				CHECK_SV(parts[0], "a");
				CHECK_SV(parts[1], "b/c");
				CHECK_INT(ff_marketing_campaign(c, id).visits, 2);
			}
		}
		ff_sbuf_free(&sc);
		ff_marketing_free(c);
	}
	/* the whole's own bytes, absorbed into nothing, save as they are */
	struct remap rw;
	remap_make(&rw, &kw, &kw);
	ff_marketing *c = make(0);
	CHECK_INT(ff_marketing_absorb(c, sw.p, sw.n, &rw.r), 0);
	ff_sbuf sc = saved(c);
	CHECK(same_bytes(&sc, &sw));
	ff_sbuf_free(&sc);
	ff_marketing_free(c);

	ff_sbuf_free(&sw), ff_sbuf_free(&sa), ff_sbuf_free(&sb);
	ff_marketing_free(w), ff_marketing_free(a), ff_marketing_free(b);
	caller_free(&kw), caller_free(&ka), caller_free(&kb);
}

/* Day one ends in the middle of visits (one is cut after its entry,
 * another after three pageviews, one pageview still waiting with its
 * words); day two restores them and goes on; the two days' counters
 * merged equal one run over both. */
static void test_continue(void)
{
	struct caller kw = caller_new(40), k1 = caller_new(50), k2 = caller_new(60);
	ff_marketing *w = make(0), *d1 = make(0), *d2 = make(0);
	ff_intern_id(k2.paths, FF_SV_LIT("/first-in-day-two"));
	const size_t cut = N_EVENTS / 2;
	/* the events cut in two, and the pageview of each where day two
	 * starts */
	const size_t split[] = { 0, 3, 7 }, at[] = { 3, 1, 2 };
	struct open_visit ow[3], o1[3];
	size_t s = 0;
	for (size_t i = 0; i < cut; i++) {
		if (s < 3 && split[s] == i) {
			for (size_t p = 0; p < at[s]; p++) {
				pageview(w, &kw, &scenario[i], p, &ow[s]);
				pageview(d1, &k1, &scenario[i], p, &o1[s]);
			}
			s++;
			continue;
		}
		play(w, &kw, &scenario[i]);
		play(d1, &k1, &scenario[i]);
	}
	/* a pageview read on day one, waiting to start a visit on day two:
	 * its words, made on day one */
	ff_record wr = record("/lp/spring?variant=b&utm_source=mail&utm_medium=x%2Fy");
	uint32_t words1[16], words_w[16], words2[16];
	CHECK_INT(ff_marketing_pageview(d1, &wr, NULL, words1), 0);
	CHECK_INT(ff_marketing_pageview(w, &wr, NULL, words_w), 0);

	/* the end of day one: counters, open visits, waiting words */
	ff_sbuf c1 = saved(d1), vis = { 0 };
	for (size_t v = 0; v < 3; v++) {
		ff_marketing_visit_save(d1, o1[v].v, &vis);
		ff_marketing_visit_drop(d1, o1[v].v);
	}
	ff_marketing_words_save(d1, words1, &vis);
	CHECK(!vis.oom);

	/* day two */
	struct remap r12;
	remap_make(&r12, &k1, &k2);
	ff_scur cur = { .p = vis.p, .n = vis.n };
	struct open_visit o2[3];
	for (size_t v = 0; v < 3; v++) {
		o2[v] = (struct open_visit){ .v = ff_marketing_visit_restore(d2, &cur, &r12.r), .entry = r12.path[o1[v].entry],
					     .exit = r12.path[o1[v].exit], .pageviews = o1[v].pageviews };
		CHECK(o2[v].v != UINT32_MAX);
	}
	CHECK_INT(ff_marketing_words_restore(d2, &cur, words2), 0);
	CHECK(!cur.bad && cur.n == 0);
	/* what the restored visits say already */
	for (size_t v = 0; v < 3; v++) {
		uint32_t h1, h2;
		CHECK_INT(ff_marketing_visit_source(d2, o2[v].v, &h2), ff_marketing_visit_source(w, ow[v].v, &h1));
		CHECK(h1 == UINT32_MAX ? h2 == UINT32_MAX : ff_sv_eq(ff_intern_get(k2.hosts, h2), ff_intern_get(kw.hosts, h1)));
		uint32_t c1id = ff_marketing_visit_campaign(w, ow[v].v), c2id = ff_marketing_visit_campaign(d2, o2[v].v);
		CHECK((c1id == UINT32_MAX) == (c2id == UINT32_MAX));
		if (c1id != UINT32_MAX)
			CHECK(ff_sv_eq(ff_marketing_campaign_key(w, c1id), ff_marketing_campaign_key(d2, c2id)));
		for (size_t g = 0; g < 2; g++)
			CHECK_INT(ff_marketing_visit_goal(d2, o2[v].v, g), ff_marketing_visit_goal(w, ow[v].v, g));
	}
	for (size_t v = 0; v < 3; v++) {
		const struct event *e = &scenario[split[v]];
		for (size_t p = at[v]; p < n_targets(e); p++) {
			pageview(w, &kw, e, p, &ow[v]);
			pageview(d2, &k2, e, p, &o2[v]);
		}
		ff_marketing_visit_close(w, ow[v].v, ow[v].pageviews, ow[v].entry, ow[v].exit);
		ff_marketing_visit_close(d2, o2[v].v, o2[v].pageviews, o2[v].entry, o2[v].exit);
	}
	/* the waiting pageview starts a visit on either side */
	struct {
		ff_marketing *m;
		struct caller *k;
		uint32_t *words;
	} sides[2] = { { w, &kw, words_w }, { d2, &k2, words2 } };
	for (int i = 0; i < 2; i++) {
		ff_mk_entry en = { .words = sides[i].words, .path = wr.path, .ref_host = UINT32_MAX, .browser = 7 };
		uint32_t v = ff_marketing_visit_open(sides[i].m, &en);
		uint32_t path = ff_intern_id(sides[i].k->paths, wr.path);
		CHECK(v != UINT32_MAX);
		CHECK_SV(ff_marketing_campaign_key(sides[i].m, ff_marketing_visit_campaign(sides[i].m, v)), "mail/x/y/");
		ff_marketing_visit_pageview(sides[i].m, v, path, wr.path, false, sides[i].words);
		ff_marketing_visit_close(sides[i].m, v, 1, path, path);
	}
	for (size_t i = cut; i < N_EVENTS; i++) {
		play(w, &kw, &scenario[i]);
		play(d2, &k2, &scenario[i]);
	}
	CHECK(!ff_marketing_failed(d2));
	ff_sbuf c2 = saved(d2), sw = saved(w);
	struct remap ra, rb;
	remap_make(&ra, &k1, &kw);
	remap_make(&rb, &k2, &kw);
	ff_marketing *m = make(0);
	CHECK_INT(ff_marketing_absorb(m, c2.p, c2.n, &rb.r), 0);
	CHECK_INT(ff_marketing_absorb(m, c1.p, c1.n, &ra.r), 0);
	ff_sbuf sm = saved(m);
	CHECK(same_bytes(&sm, &sw));
	CHECK_INT(ff_marketing_visits(m), N_EVENTS - 6 + 1);

	/* every truncation of a saved visit is refused, the cursor bad */
	for (size_t n = 0; n < vis.n; n++) {
		ff_marketing *x = make(0);
		ff_scur t = { .p = vis.p, .n = n };
		size_t restored = 0;
		while (restored < 3 && ff_marketing_visit_restore(x, &t, &r12.r) != UINT32_MAX)
			restored++;
		bool whole = restored == 3 && ff_marketing_words_restore(x, &t, words2) == 0;
		CHECK(!whole && t.bad);
		ff_marketing_free(x);
	}

	ff_sbuf_free(&c1), ff_sbuf_free(&c2), ff_sbuf_free(&sw), ff_sbuf_free(&sm), ff_sbuf_free(&vis);
	ff_marketing_free(w), ff_marketing_free(d1), ff_marketing_free(d2), ff_marketing_free(m);
	caller_free(&kw), caller_free(&k1), caller_free(&k2);
}

/* With --max-keys 1: the keys past it are saved as the others row and
 * come back as such; a visit restored with a campaign its run did not
 * keep counts with the others even where the table still keeps keys. */
static void test_others(void)
{
	struct caller k = caller_new(70);
	ff_marketing *w = make(1);
	for (size_t i = 0; i < N_EVENTS; i++)
		play(w, &k, &scenario[i]);
	CHECK(ff_marketing_campaign_overflows(w) > 0);
	ff_sbuf sw = saved(w);
	struct remap r;
	remap_make(&r, &k, &k);
	ff_marketing *c = make(1);
	CHECK_INT(ff_marketing_absorb(c, sw.p, sw.n, &r.r), 0);
	ff_sbuf sc = saved(c);
	CHECK(same_bytes(&sc, &sw));
	uint32_t n = (uint32_t)ff_marketing_campaign_count(c);
	CHECK_INT(ff_marketing_campaign(c, n).visits, ff_marketing_campaign(w, n).visits);
	CHECK(ff_marketing_campaign(c, n).visits > 0);
	CHECK(ff_marketing_pixel_opens(c, 1) == ff_marketing_pixel_opens(w, 1));
	ff_sbuf_free(&sc);
	ff_marketing_free(c);

	/* a campaign not kept, in an open visit */
	struct open_visit o;
	struct event e = { "", { "/x?utm_source=other", "/order/complete" }, 0, 0, 0, NULL, 0, 0 };
	pageview(w, &k, &e, 0, &o);
	ff_sbuf vb = { 0 };
	ff_marketing_visit_save(w, o.v, &vb);
	ff_marketing *d = make(1);
	ff_scur cur = { .p = vb.p, .n = vb.n };
	uint32_t v = ff_marketing_visit_restore(d, &cur, &r.r);
	CHECK(v != UINT32_MAX && cur.n == 0);
	CHECK_INT(ff_marketing_campaign_count(d), 0);
	ff_marketing_visit_pageview(d, v, o.entry, FF_SV_LIT("/x"), false, NULL);
	ff_marketing_visit_close(d, v, 1, o.entry, o.entry);
	ff_mk_counts oc = ff_marketing_campaign(d, 0);
	CHECK(oc.visits == 1 && oc.bounces == 1 && oc.conversions == 0);
	/* and it saves as the others row, which absorbs as such */
	ff_sbuf sd = saved(d);
	ff_marketing *d2 = make(1);
	CHECK_INT(ff_marketing_absorb(d2, sd.p, sd.n, &r.r), 0);
	CHECK_INT(ff_marketing_campaign(d2, 0).visits, 1);
	ff_sbuf_free(&sd), ff_sbuf_free(&vb), ff_sbuf_free(&sw);
	ff_marketing_free(d), ff_marketing_free(d2), ff_marketing_free(w);
	caller_free(&k);
}

/* Every truncation and many flipped bytes: -1 (or, for a flip inside a
 * counter, a valid payload), never a crash, and a refused payload leaves
 * the object as it was. */
static void test_hostile(void)
{
	struct caller k = caller_new(80);
	ff_marketing *w = make(0);
	for (size_t i = 0; i < N_EVENTS; i++)
		play(w, &k, &scenario[i]);
	ff_sbuf sw = saved(w);
	struct remap r;
	remap_make(&r, &k, &k);
	ff_marketing *x = make(0);
	ff_sbuf empty = saved(x);
	for (size_t n = 0; n < sw.n; n++) {
		CHECK_INT(ff_marketing_absorb(x, sw.p, n, &r.r), -1);
		CHECK(!ff_marketing_failed(x));
	}
	/* a byte more */
	unsigned char *buf = malloc(sw.n + 1);
	CHECK(buf != NULL);
	if (!buf)
		return;
	memcpy(buf, sw.p, sw.n);
	buf[sw.n] = 0;
	CHECK_INT(ff_marketing_absorb(x, buf, sw.n + 1, &r.r), -1);
	ff_sbuf sx = saved(x);
	CHECK(same_bytes(&sx, &empty));
	ff_sbuf_free(&sx);
	/* a different configuration's counts: a goal fewer */
	buf[0] = (unsigned char)(buf[0] - 1);
	CHECK_INT(ff_marketing_absorb(x, buf, sw.n, &r.r), -1);
	buf[0] = sw.p[0];
	/* ids the caller's maps do not cover */
	ff_mk_remap small = r.r;
	small.n_path = 1;
	CHECK_INT(ff_marketing_absorb(x, sw.p, sw.n, &small), -1);
	CHECK_INT(ff_marketing_absorb(x, sw.p, sw.n, NULL), -1);
	sx = saved(x);
	CHECK(same_bytes(&sx, &empty));
	ff_sbuf_free(&sx);

	static const unsigned char flips[] = { 0x01, 0x80, 0xff, 0x7f };
	size_t refused = 0, tried = 0;
	for (size_t i = 0; i < sw.n; i++) {
		for (size_t f = 0; f < sizeof flips; f++) {
			ff_marketing *y = make(0);
			ff_sbuf before = saved(y);
			buf[i] = (unsigned char)(sw.p[i] ^ flips[f]);
			int rc = ff_marketing_absorb(y, buf, sw.n, &r.r);
			buf[i] = sw.p[i];
			tried++;
			CHECK(rc == 0 || rc == -1);
			if (rc < 0) {
				refused++;
				ff_sbuf after = saved(y);
				CHECK(same_bytes(&after, &before) && !ff_marketing_failed(y));
				ff_sbuf_free(&after);
			}
			ff_sbuf_free(&before);
			ff_marketing_free(y);
		}
	}
	/* a flip inside a counter or a key is a valid payload (about half
	 * here); the others break the structure */
	CHECK(refused > tried / 3);

	/* hostile visits */
	struct open_visit o;
	pageview(w, &k, &scenario[0], 0, &o);
	ff_sbuf vb = { 0 };
	ff_marketing_visit_save(w, o.v, &vb);
	for (size_t i = 0; i < vb.n; i++) {
		for (size_t f = 0; f < sizeof flips; f++) {
			unsigned char v[256];
			CHECK(vb.n <= sizeof v);
			if (vb.n > sizeof v)
				break;
			memcpy(v, vb.p, vb.n);
			v[i] ^= flips[f];
			ff_marketing *y = make(0);
			ff_scur cur = { .p = v, .n = vb.n };
			uint32_t h = ff_marketing_visit_restore(y, &cur, &r.r);
			CHECK(h != UINT32_MAX || cur.bad);
			if (h != UINT32_MAX)
				ff_marketing_visit_close(y, h, 1, 0, 0);
			ff_marketing_free(y);
		}
	}
	ff_scur cur = { .p = vb.p, .n = vb.n };
	CHECK(ff_marketing_visit_restore(x, &cur, NULL) == UINT32_MAX && cur.bad);
	free(buf);
	ff_sbuf_free(&vb), ff_sbuf_free(&sw), ff_sbuf_free(&empty);
	ff_marketing_free(w), ff_marketing_free(x);
	caller_free(&k);
}

int main(void)
{
	test_split();
	test_continue();
	test_others();
	test_hostile();
	return CHECK_DONE("test_marketing_state");
}
