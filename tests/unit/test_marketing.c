/* test_marketing.c — sources, campaigns, goals, funnels, experiments and
 * pixels (SPEC §6, §7, §13.9, §13.19) with expectations worked out by
 * hand: query parameters and form-decoding, host patterns and the
 * built-in lists, search keywords, every configuration error with its
 * file:line, eight visits whose every count is derived in the comments,
 * experiment statistics and verdicts, and pixel opens. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "intern.h"
#include "marketing.h"
#include "record.h"
#include "referer.h"

/* A marketing object from a configuration file's text, loaded as footfall
 * loads it (config.c checks the keys it knows, marketing.c the sections'
 * items); NULL with the message in err when either refuses. */
static ff_marketing *make(const char *yaml, char *err, size_t errsz)
{
	ff_config cfg;
	ff_config_init(&cfg);
	if (ff_config_load_text(&cfg, "test.yaml", yaml, strlen(yaml), err, errsz) < 0)
		return NULL;
	ff_marketing *m = ff_marketing_new(&cfg, 42, err, errsz);
	ff_config_free(&cfg);
	return m;
}

static void test_query(void)
{
	ff_sv v;
	ff_sv q = FF_SV_LIT("a=1&b=&c&a=2&d=x=y&utm_source=news");
	CHECK(ff_query_param(q, FF_SV_LIT("a"), &v));
	CHECK_SV(v, "1"); /* the first occurrence wins */
	CHECK(ff_query_param(q, FF_SV_LIT("b"), &v));
	CHECK_SV(v, "");
	CHECK(ff_query_param(q, FF_SV_LIT("c"), &v));
	CHECK_SV(v, ""); /* a name without '=' has an empty value */
	CHECK(ff_query_param(q, FF_SV_LIT("d"), &v));
	CHECK_SV(v, "x=y");
	CHECK(ff_query_param(q, FF_SV_LIT("utm_source"), &v));
	CHECK_SV(v, "news");
	CHECK(!ff_query_param(q, FF_SV_LIT("UTM_SOURCE"), &v)); /* byte for byte */
	CHECK(!ff_query_param(q, FF_SV_LIT("utm"), &v));
	CHECK(!ff_query_param(q, FF_SV_LIT("e"), &v));
	CHECK(!ff_query_param(FF_SV_NULL, FF_SV_LIT("a"), &v));
	CHECK(ff_query_param(FF_SV_LIT("&&x=1&"), FF_SV_LIT("x"), &v));
	CHECK_SV(v, "1");

	char buf[64];
	struct {
		const char *in, *out;
	} dec[] = {
		{ "spring+sale", "spring sale" },
		{ "spring%20sale", "spring sale" },
		{ "Fr%C3%BChling+2026", "Fr\xc3\xbchling 2026" },
		{ "a%2Bb", "a+b" },       /* '+' first, then %XX: %2B stays a plus */
		{ "100%", "100%" },       /* a '%' without two hex digits stays */
		{ "%4", "%4" },
		{ "%zz%41", "%zzA" },
		{ "%e2%82%ac", "\xe2\x82\xac" },
		{ "%00x", "" },           /* checked by length below */
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof dec / sizeof *dec; i++) {
		size_t n = ff_form_decode(ff_sv_cstr(dec[i].in), buf);
		if (i == 8) {
			CHECK(n == 2 && buf[0] == '\0' && buf[1] == 'x');
			continue;
		}
		CHECK_SV(ff_sv_make(buf, n), dec[i].out);
	}

	CHECK_SV(ff_url_query(FF_SV_LIT("https://www.google.com/search?q=a+b&oq=x#frag")), "q=a+b&oq=x");
	CHECK_SV(ff_url_query(FF_SV_LIT("https://www.bing.com/")), "");
	CHECK_SV(ff_url_query(FF_SV_LIT("https://x.test/p#a?b=1")), "");
	CHECK_SV(ff_url_query(FF_SV_LIT("https://x.test/?")), "");
}

static void test_patterns(void)
{
	struct {
		const char *pattern, *host;
		bool match;
	} t[] = {
		{ "facebook.com", "facebook.com", true },
		{ "facebook.com", "l.facebook.com", true },
		{ "facebook.com", "lm.m.facebook.com", true },
		{ "facebook.com", "notfacebook.com", false },
		{ "facebook.com", "facebook.com.evil.test", false },
		{ "facebook.com", "com", false },
		{ "t.co", "t.co", true },
		{ "t.co", "at.co", false },
		{ "google.*", "google.com", true },
		{ "google.*", "www.google.com", true },
		{ "google.*", "www.google.de", true },
		{ "google.*", "www.google.co.uk", true },
		{ "google.*", "www.google.com.br", true },
		{ "google.*", "images.google.fr", true },
		{ "google.*", "google", false },
		{ "google.*", "google.", false },
		{ "google.*", "notgoogle.com", false },
		{ "google.*", "google.evil.test", false },
		{ "google.*", "www.google.com.evil.test", false },
		{ "google.*", "google.co", true },   /* a one-label TLD */
		{ "google.*", "googleusercontent.com", false },
		{ "search.yahoo.*", "de.search.yahoo.com", true },
		{ "search.yahoo.*", "search.yahoo.co.jp", true },
		{ "search.yahoo.*", "yahoo.com", false },
		{ "search.yahoo.*", "news.yahoo.com", false },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		bool got = ff_host_pattern_match(ff_sv_cstr(t[i].pattern), ff_sv_cstr(t[i].host));
		if (got != t[i].match)
			fprintf(stderr, "pattern %s host %s: want %d\n", t[i].pattern, t[i].host, t[i].match);
		CHECK(got == t[i].match);
	}

	char ok1[] = "Example.COM", ok2[] = "google.*", ok3[] = "my-site_1.example";
	CHECK(ff_host_pattern_check(ok1, strlen(ok1)));
	CHECK_STR(ok1, "example.com"); /* lower-cased in place */
	CHECK(ff_host_pattern_check(ok2, strlen(ok2)));
	CHECK(ff_host_pattern_check(ok3, strlen(ok3)));
	const char *bad[] = { "", ".*", "*", "https://x.com", "x.com/", "a..b", ".a", "a.", "*.a.com", "a b", "a.*.com",
			      "x.com:80" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char b[32];
		snprintf(b, sizeof b, "%s", bad[i]);
		bool got = ff_host_pattern_check(b, strlen(b));
		if (got)
			fprintf(stderr, "pattern '%s' accepted\n", bad[i]);
		CHECK(!got);
	}
}

static void test_builtin_lists(void)
{
	char err[512] = "";
	ff_marketing *m = ff_marketing_new(NULL, 1, err, sizeof err);
	CHECK(m != NULL);
	if (!m)
		return;
	const char *search[] = {
		"www.google.com", "google.com", "www.google.de", "www.google.co.uk", "www.google.com.br",
		"www.google.co.jp", "google.fr", "images.google.com",
		"com.google.android.googlequicksearchbox", "www.bing.com", "cn.bing.com",
		"search.yahoo.com", "de.search.yahoo.com", "search.yahoo.co.jp", "duckduckgo.com",
		"html.duckduckgo.com", "yandex.ru", "yandex.com", "yandex.com.tr", "ya.ru", "www.baidu.com",
		"m.baidu.com", "www.ecosia.org", "www.qwant.com", "lite.qwant.com", "search.naver.com",
		"m.search.naver.com", "search.seznam.cz", "www.startpage.com", "search.brave.com", "www.ask.com",
		"www.sogou.com", "search.aol.com", "search.aol.co.uk",
	};
	for (size_t i = 0; i < sizeof search / sizeof *search; i++) {
		enum ff_host_kind k = ff_marketing_classify_host(m, ff_sv_cstr(search[i]), NULL);
		if (k != FF_HOST_SEARCH)
			fprintf(stderr, "%s: not search\n", search[i]);
		CHECK(k == FF_HOST_SEARCH);
	}
	const char *social[] = {
		"www.facebook.com", "l.facebook.com", "m.facebook.com", "lm.facebook.com", "fb.me", "fb.com",
		"www.instagram.com", "l.instagram.com", "instagr.am", "twitter.com", "x.com", "t.co",
		"www.linkedin.com", "lnkd.in", "www.reddit.com", "old.reddit.com", "redd.it", "www.pinterest.com",
		"pinterest.de", "www.pinterest.co.uk", "pin.it", "www.youtube.com", "m.youtube.com", "youtu.be",
		"www.tiktok.com", "vm.tiktok.com", "vk.com", "m.vk.com", "www.tumblr.com", "www.threads.net",
		"mastodon.social", "bsky.app", "go.bsky.app", "www.xing.com", "weibo.com", "t.cn",
		"web.whatsapp.com", "wa.me", "t.me", "web.telegram.org", "www.snapchat.com", "discord.com",
		"discord.gg",
	};
	for (size_t i = 0; i < sizeof social / sizeof *social; i++) {
		enum ff_host_kind k = ff_marketing_classify_host(m, ff_sv_cstr(social[i]), NULL);
		if (k != FF_HOST_SOCIAL)
			fprintf(stderr, "%s: not social\n", social[i]);
		CHECK(k == FF_HOST_SOCIAL);
	}
	/* Webmail and other services of search companies, and look-alikes,
	 * are referrals. */
	const char *other[] = {
		"mail.google.com", "docs.google.com", "news.google.com", "mail.yandex.ru", "outlook.live.com",
		"com.google.android.gm", "news.ycombinator.com", "www.example.com", "googleusercontent.com",
		"notfacebook.com", "yahoo.com", "mail.yahoo.com", "",
	};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		enum ff_host_kind k = ff_marketing_classify_host(m, ff_sv_cstr(other[i]), NULL);
		if (k != FF_HOST_OTHER)
			fprintf(stderr, "%s: not other\n", other[i]);
		CHECK(k == FF_HOST_OTHER);
	}

	/* Keywords (§13.19). */
	struct {
		const char *host, *referer, *keyword; /* NULL: none */
	} kw[] = {
		{ "www.google.de", "https://www.google.de/search?q=kaffee+m%C3%BChle&oq=k", "kaffee m\xc3\xbchle" },
		{ "www.google.com", "https://www.google.com/url?sa=t&q=&esrc=s", NULL },
		{ "www.google.com", "https://www.google.com/", NULL },
		{ "www.google.com", "https://www.google.com/search?q=&q=second", NULL }, /* first q is empty */
		{ "www.bing.com", "https://www.bing.com/search?q=burr+grinder&form=QBLH", "burr grinder" },
		{ "yandex.ru", "https://yandex.ru/search/?text=%D0%BA%D0%BE%D1%84%D0%B5&lr=213",
		  "\xd0\xba\xd0\xbe\xd1\x84\xd0\xb5" },
		{ "yandex.ru", "https://yandex.ru/search/?q=nope", NULL },
		{ "www.baidu.com", "https://www.baidu.com/s?wd=%E5%92%96&rsv_spt=1", "\xe5\x92\x96" },
		{ "www.baidu.com", "https://www.baidu.com/link?url=x&wd=&eqid=1", NULL },
		{ "www.baidu.com", "https://www.baidu.com/s?wd=&word=latte", "latte" },
		{ "www.baidu.com", "https://www.baidu.com/s?word=mocha&wd=latte", "mocha" }, /* URL order */
		{ "search.yahoo.com", "https://search.yahoo.com/search?p=pour+over&fr=yfp-t", "pour over" },
		{ "search.naver.com", "https://search.naver.com/search.naver?query=%EC%BB%A4%ED%94%BC",
		  "\xec\xbb\xa4\xed\x94\xbc" },
		{ "www.startpage.com", "https://www.startpage.com/do/search?query=moka", "moka" },
		{ "www.sogou.com", "https://www.sogou.com/web?query=x1", "x1" },
		{ "duckduckgo.com", "https://duckduckgo.com/?q=cold+brew&t=h_#frag", "cold brew" },
		{ "www.ecosia.org", "https://www.ecosia.org/search?q=tamper", "tamper" },
	};
	for (size_t i = 0; i < sizeof kw / sizeof *kw; i++) {
		uint32_t engine = UINT32_MAX;
		CHECK(ff_marketing_classify_host(m, ff_sv_cstr(kw[i].host), &engine) == FF_HOST_SEARCH);
		ff_sv got = FF_SV_NULL;
		bool has = ff_marketing_keyword(m, engine, ff_sv_cstr(kw[i].referer), &got);
		CHECK(has == (kw[i].keyword != NULL));
		if (has && kw[i].keyword)
			CHECK_SV(got, kw[i].keyword);
	}
	ff_marketing_free(m);
}

static void test_user_lists(void)
{
	char err[512] = "";
	/* User entries come first and extend the built-in lists. */
	ff_marketing *m = make("sources:\n"
			       "  search_engines:\n"
			       "    - host: [search.example.net, Find.Example.*]\n"
			       "      param: [k, query]\n"
			       "    - host: intranet.example\n"
			       "  social: [forum.example.org, news.google.com]\n",
			       err, sizeof err);
	CHECK(m != NULL);
	if (!m) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	uint32_t e;
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("search.example.net"), &e) == FF_HOST_SEARCH);
	ff_sv kwd;
	CHECK(ff_marketing_keyword(m, e, FF_SV_LIT("https://search.example.net/?query=a&k=b"), &kwd));
	CHECK_SV(kwd, "a");
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.find.example.co.uk"), &e) == FF_HOST_SEARCH);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("intranet.example"), &e) == FF_HOST_SEARCH);
	CHECK(!ff_marketing_keyword(m, e, FF_SV_LIT("https://intranet.example/?q=x"), &kwd));
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("forum.example.org"), NULL) == FF_HOST_SOCIAL);
	/* Google's exclusion of news.google.* leaves it to the social list. */
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("news.google.com"), NULL) == FF_HOST_SOCIAL);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.google.com"), NULL) == FF_HOST_SEARCH);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("t.co"), NULL) == FF_HOST_SOCIAL);
	ff_marketing_free(m);

	/* replace_defaults: only the configured lists. */
	m = make("sources:\n"
		 "  replace_defaults: true\n"
		 "  search_engines:\n"
		 "    - {host: google.*, param: q, exclude: [mail.google.*]}\n",
		 err, sizeof err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.google.de"), &e) == FF_HOST_SEARCH);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("mail.google.com"), &e) == FF_HOST_OTHER);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.bing.com"), &e) == FF_HOST_OTHER);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.facebook.com"), &e) == FF_HOST_OTHER);
	ff_marketing_free(m);
}

/* Each bad configuration and the exact message it gives. */
static void test_config_errors(void)
{
	struct {
		const char *yaml, *msg;
	} t[] = {
		{ "goals:\n  - name: buy\n    pth: '^/x$'\n",
		  "test.yaml:3: unknown key 'goals[0].pth' (a goal takes name, path and method)" },
		{ "goals:\n  - name: buy\n    path: '^/order/(complete$'\n",
		  "test.yaml:3: 'goals[0].path': the regex '^/order/(complete$' does not compile at offset 18: "
		  "missing closing parenthesis" },
		{ "goals:\n  - name: buy\n", "test.yaml:2: 'goals[0]' has no 'path' (a goal takes name, path and method)" },
		{ "goals:\n  - path: '^/x$'\n", "test.yaml:2: 'goals[0]' has no 'name' (a goal takes name, path and method)" },
		{ "goals:\n  - name: ''\n    path: x\n", "test.yaml:2: 'goals[0].name' must not be empty" },
		{ "goals:\n  - name: a\n    path: x\n  - name: a\n    path: y\n",
		  "test.yaml:4: 'goals[1].name': a goal named 'a' is already defined (goals[0])" },
		{ "goals:\n  - name: a\n    path: x\n    method: HEAD\n",
		  "test.yaml:4: 'goals[0].method' must be GET or POST (only those make pageviews), not 'HEAD'" },
		{ "goals:\n  - '^/x$'\n",
		  "test.yaml:2: 'goals[0]' must be a map of keys (a goal takes name, path and method), not '^/x$'" },
		{ "goals:\n  - name: a\n    path: [x]\n", "test.yaml:3: 'goals[0].path' must be a string, not a list" },
		{ "funnels:\n  - name: f\n    steps: ['^/a', '^/b(']\n",
		  "test.yaml:3: 'funnels[0].steps[1]': the regex '^/b(' does not compile at offset 4: "
		  "missing closing parenthesis" },
		{ "funnels:\n  - name: f\n    step: ['^/a']\n",
		  "test.yaml:3: unknown key 'funnels[0].step' (a funnel takes name and steps)" },
		{ "funnels:\n  - name: f\n    steps: []\n",
		  "test.yaml:3: 'funnels[0].steps' must be a list of 1 to 255 path regexes, not a list" },
		{ "funnels:\n  - name: f\n    steps: '^/a'\n",
		  "test.yaml:3: 'funnels[0].steps' must be a list of 1 to 255 path regexes, not '^/a'" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    param: v\n    goal: buy\n    "
		  "contrl: a\n",
		  "test.yaml:7: unknown key 'experiments[0].contrl' (an experiment takes name, param or path, goal, control "
		  "and split)" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    path: '^/lp/(a|b$'\n    goal: buy\n",
		  "test.yaml:5: 'experiments[0].path': the regex '^/lp/(a|b$' does not compile at offset 10: "
		  "missing closing parenthesis" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    path: '^/lp/a|b$'\n    goal: buy\n",
		  "test.yaml:5: 'experiments[0].path' needs a capture group: group 1 is the variant, as in "
		  "'^/lp/spring/(a|b)$'" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    param: v\n    goal: sell\n",
		  "test.yaml:6: 'experiments[0].goal' names no goal: no goal is named 'sell'" },
		{ "experiments:\n  - name: e\n    param: v\n    goal: buy\n",
		  "test.yaml:4: 'experiments[0].goal' names no goal: no goal is named 'buy' (there is no goals section)" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    goal: buy\n",
		  "test.yaml:4: 'experiments[0]' needs either 'param' (a query parameter of the entry page) or 'path' (a "
		  "regex on the entry path whose group 1 is the variant), not neither" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - {name: e, param: v, path: '(x)', goal: buy}\n",
		  "test.yaml:4: 'experiments[0]' needs either 'param' (a query parameter of the entry page) or 'path' (a "
		  "regex on the entry path whose group 1 is the variant), not both" },
		{ "goals:\n  - {name: buy, path: x}\nexperiments:\n  - name: e\n    param: v\n",
		  "test.yaml:4: 'experiments[0]' has no 'goal' (the name of the goal whose conversions count)" },
		{ "pixels:\n  - path: /px.gif\n    campain: c\n",
		  "test.yaml:3: unknown key 'pixels[0].campain' (a pixel takes path, campaign and recipient)" },
		{ "pixels:\n  - path: /px.gif\n", "test.yaml:2: 'pixels[0]' has no 'campaign' (a pixel takes path, campaign and recipient)" },
		{ "pixels:\n  - path: /px.gif?c=1\n    campaign: c\n",
		  "test.yaml:2: 'pixels[0].path' must be a path without a query, like '/px.gif'" },
		{ "pixels:\n  - {path: /p.gif, campaign: c}\n  - {path: /p.gif, campaign: d}\n",
		  "test.yaml:3: 'pixels[1].path': a pixel on '/p.gif' is already defined (pixels[0])" },
		{ "sources:\n  search_engine: []\n", "test.yaml:2: unknown key 'sources.search_engine'" },
		{ "sources:\n  search_engines:\n    - host: google.*\n      params: [q]\n",
		  "test.yaml:4: unknown key 'sources.search_engines[0].params' (a search engine takes host, param and "
		  "exclude)" },
		{ "sources:\n  search_engines:\n    - param: [q]\n",
		  "test.yaml:3: 'sources.search_engines[0]' has no 'host' (a search engine takes host, param and exclude)" },
		{ "sources:\n  search_engines:\n    - host: ['https://www.google.com/']\n",
		  "test.yaml:3: 'sources.search_engines[0].host' must be host names like 'example.com', or 'example.*' "
		  "for every country domain, not 'https://www.google.com/'" },
		{ "sources:\n  social:\n    - facebook.com\n    - '*.fb.com'\n",
		  "test.yaml:4: 'sources.social[1]' must be host names like 'example.com', or 'example.*' for every "
		  "country domain, not '*.fb.com'" },
		{ "sources:\n  social: facebook.com\n", "test.yaml:2: 'sources.social' must be a list, not 'facebook.com'" },
		{ "sources:\n  replace_defaults: maybe\n",
		  "test.yaml:2: 'sources.replace_defaults' must be true or false, not 'maybe'" },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char err[512] = "";
		ff_marketing *m = make(t[i].yaml, err, sizeof err);
		CHECK(m == NULL);
		CHECK_STR(err, t[i].msg);
		ff_marketing_free(m);
	}
}

/* ---- visits ---- */

struct sim {
	ff_marketing *m;
	ff_intern *paths, *hosts;
	uint32_t words[8];
	/* As when the caller's tables are full (--max-keys): no path and no
	 * referer is kept, and only the site's host www.shop.test has an id
	 * of its own; the others share UNKEPT. */
	bool unkept;
};
#define UNKEPT 1000u

/* A marketing configuration and the caller's tables, as the analysis
 * holds them; false (a failed check, the reason printed) when yaml does
 * not load. */
static bool sim_open(struct sim *s, const char *yaml, bool unkept)
{
	char err[512] = "";
	*s = (struct sim){ .m = make(yaml, err, sizeof err), .paths = ff_intern_new(1), .hosts = ff_intern_new(2),
			   .unkept = unkept };
	CHECK(s->m && s->paths && s->hosts);
	if (s->m && s->paths && s->hosts)
		return true;
	fprintf(stderr, "%s\n", err);
	ff_marketing_free(s->m), ff_intern_free(s->paths), ff_intern_free(s->hosts);
	return false;
}

static void sim_close(struct sim *s)
{
	ff_marketing_free(s->m);
	ff_intern_free(s->paths), ff_intern_free(s->hosts);
}

static ff_record record(const char *method, const char *target)
{
	ff_record r;
	memset(&r, 0, sizeof r);
	r.method = ff_sv_cstr(method);
	r.target = ff_sv_cstr(target);
	ff_record_split_target(&r);
	return r;
}

/* One visit: targets in order ("POST /x" for a POST), referer of the
 * entry ("" for none). */
static void visit(struct sim *s, const char *referer, const char *const *targets, size_t n)
{
	uint32_t entry = 0, exit_ = 0, v = UINT32_MAX;
	for (size_t i = 0; i < n; i++) {
		bool post = strncmp(targets[i], "POST ", 5) == 0;
		ff_record r = record(post ? "POST" : "GET", targets[i] + (post ? 5 : 0));
		char host[FF_HOST_MAX + 1];
		size_t hn = 0;
		if (i == 0) {
			r.referer = ff_sv_cstr(referer);
			hn = ff_referer_host(r.referer, host);
		}
		uint32_t words[16];
		CHECK(ff_marketing_entry_words(s->m) <= 16);
		ff_mk_unkept u = { .path = s->unkept, .referer = s->unkept && hn, .host = ff_sv_make(host, hn) };
		CHECK_INT(ff_marketing_pageview(s->m, &r, &u, words), 0);
		uint32_t path = s->unkept ? UNKEPT : ff_intern_id(s->paths, r.path);
		if (i == 0) {
			ff_sv h = ff_sv_make(host, hn);
			uint32_t ref_host = hn ? ff_intern_id(s->hosts, h) : UINT32_MAX;
			if (s->unkept && hn && !ff_sv_eq_cstr(h, "www.shop.test"))
				ref_host = UNKEPT;
			ff_mk_entry e = {
				.words = words,
				.path = s->unkept ? FF_SV_NULL : r.path,
				.ref_host = ref_host,
				.host = s->unkept ? FF_SV_NULL : h,
				.referer = s->unkept ? FF_SV_NULL : r.referer,
			};
			v = ff_marketing_visit_open(s->m, &e);
			CHECK(v != UINT32_MAX);
			entry = path;
		}
		ff_marketing_visit_pageview(s->m, v, path, s->unkept ? FF_SV_NULL : r.path, post, words);
		exit_ = path;
	}
	ff_marketing_visit_close(s->m, v, (uint32_t)n, entry, exit_);
}

static const char shop_yaml[] = "goals:\n"
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

#define VISIT(s, ref, ...)                                                         \
	do {                                                                       \
		const char *const t_[] = { __VA_ARGS__ };                          \
		visit((s), (ref), t_, sizeof t_ / sizeof *t_);                     \
	} while (0)

static uint32_t campaign_id(const ff_marketing *m, const char *key)
{
	for (uint32_t i = 0; i < ff_marketing_campaign_count(m); i++)
		if (ff_sv_eq_cstr(ff_marketing_campaign_key(m, i), key))
			return i;
	return UINT32_MAX;
}

/* The shop's eight visits, for test_visits and test_unkept. */
static void shop_visits(struct sim *s)
{
	/* V1: a campaign landing (percent-encoded value) with a Google
	 * referer, then the whole funnel: source campaign whatever the
	 * referer and the internal pages after; purchase; funnel step 4;
	 * spring b, converting. */
	VISIT(s, "https://www.google.com/",
	      "/lp/spring?variant=b&utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&utm_term=x",
	      "/products/x", "/cart", "/checkout", "/order/complete?order=1");
	/* V2: search with a keyword; /checkout before /cart does not
	 * advance; /cart does (step 2); /order/complete does not match step
	 * 3: stops at 2 with exit /order/complete; purchase all the same. */
	VISIT(s, "https://www.google.de/search?q=burr+grinder&oq=x", "/products/y", "/checkout", "/cart",
	      "/order/complete");
	/* V3: social; /cart before any product page (out of order) does not
	 * count; then step 1 and 2; exit /cart. */
	VISIT(s, "https://l.facebook.com/", "/cart", "/products/z", "/cart");
	/* V4: referral, spring a, a bounce. */
	VISIT(s, "https://news.ycombinator.com/item?id=1", "/lp/spring?variant=a");
	/* V5: direct; an empty variant is no variant; a bounce. */
	VISIT(s, "", "/lp/spring?variant=");
	/* V6: an internal referer: direct once the site host is known;
	 * signup needs POST: the GET does not convert, the POST does. */
	VISIT(s, "https://www.shop.test/blog", "/about", "/signup", "POST /signup");
	/* V7: direct; hero variant "blue" from the path; signup. */
	VISIT(s, "", "/lp/hero-blue", "POST /signup");
	/* V8: a campaign with only utm_source, from webmail: a bounce at
	 * funnel step 1. */
	VISIT(s, "https://mail.google.com/", "/products/a?utm_source=newsletter");
}

/* When the caller keeps no path and no referer (its tables full), the
 * facts worked out from each line give the same goals, funnels,
 * experiments, sources and keywords; what was keyed by path id is keyed
 * by the shared id. */
static void test_unkept(void)
{
	struct sim s, u;
	if (!sim_open(&s, shop_yaml, false))
		return;
	if (!sim_open(&u, shop_yaml, true)) {
		sim_close(&s);
		return;
	}
	ff_intern_id(s.hosts, FF_SV_LIT("www.shop.test"));
	ff_intern_id(u.hosts, FF_SV_LIT("www.shop.test"));
	shop_visits(&s);
	shop_visits(&u);
	CHECK(!ff_marketing_failed(u.m));
	CHECK_INT(ff_marketing_visits(u.m), ff_marketing_visits(s.m));
	CHECK_INT(ff_marketing_converted(u.m), ff_marketing_converted(s.m));
	bool internal[8] = { true };
	ff_mk_counts a[FF_SRC_COUNT], b[FF_SRC_COUNT];
	ff_marketing_sources(s.m, internal, ff_intern_count(s.hosts), a);
	ff_marketing_sources(u.m, internal, ff_intern_count(u.hosts), b);
	for (int i = 0; i < FF_SRC_COUNT; i++) {
		CHECK_INT(b[i].visits, a[i].visits);
		CHECK_INT(b[i].bounces, a[i].bounces);
		CHECK_INT(b[i].conversions, a[i].conversions);
	}
	CHECK_INT(ff_marketing_keyword_count(u.m), 1);
	CHECK_SV(ff_marketing_keyword_key(u.m, 0), "burr grinder");
	CHECK_INT(ff_marketing_keyword_visits(u.m, 0), 1);
	for (size_t g = 0; g < ff_marketing_goal_count(s.m); g++)
		CHECK_INT(ff_marketing_goal_conversions(u.m, g), ff_marketing_goal_conversions(s.m, g));
	for (size_t k = 1; k <= ff_marketing_funnel_steps(s.m, 0); k++)
		CHECK_INT(ff_marketing_funnel_reached(u.m, 0, k), ff_marketing_funnel_reached(s.m, 0, k));
	/* entries and exits on the shared id: every converting entry; the
	 * exits at steps 1 and 2 */
	CHECK_INT(ff_marketing_entry_conversions(u.m, UNKEPT), ff_marketing_converted(s.m));
	CHECK_INT(ff_marketing_funnel_exit_count(u.m), 2);
	uint64_t exits = 0;
	for (size_t i = 0; i < ff_marketing_funnel_exit_count(u.m); i++) {
		CHECK_INT(ff_marketing_funnel_exit(u.m, i).path_id, UNKEPT);
		exits += ff_marketing_funnel_exit(u.m, i).visits;
	}
	CHECK_INT(exits, 3);
	for (size_t e = 0; e < ff_marketing_experiment_count(s.m); e++) {
		size_t na, nb;
		ff_mk_variant *va = ff_marketing_experiment_variants(s.m, e, &na);
		ff_mk_variant *vb = ff_marketing_experiment_variants(u.m, e, &nb);
		CHECK_INT(nb, na);
		for (size_t i = 0; va && vb && i < na && i < nb; i++) {
			CHECK(ff_sv_eq(vb[i].name, va[i].name));
			CHECK_INT(vb[i].visits, va[i].visits);
			CHECK_INT(vb[i].conversions, va[i].conversions);
		}
		free(va);
		free(vb);
	}
	sim_close(&s), sim_close(&u);
}

/* More keys than --max-keys in marketing's own tables: the rest share
 * the id after the last, for the reports' others rows. */
static void test_max_keys(void)
{
	struct sim s;
	if (!sim_open(&s, shop_yaml, false))
		return;
	ff_marketing_set_max_keys(s.m, 1);
	VISIT(&s, "", "/a?utm_source=one");
	VISIT(&s, "", "/a?utm_source=two", "/order/complete");
	VISIT(&s, "", "/a?utm_source=three");
	VISIT(&s, "https://www.bing.com/?q=first", "/b");
	VISIT(&s, "https://www.bing.com/?q=second", "/b");
	VISIT(&s, "", "/lp/spring?variant=a");
	VISIT(&s, "", "/lp/spring?variant=b", "/order/complete");
	VISIT(&s, "", "/lp/spring?variant=c");
	CHECK_INT(ff_marketing_campaign_count(s.m), 1);
	CHECK_INT(ff_marketing_campaign_overflows(s.m), 2);
	CHECK_INT(ff_marketing_campaign(s.m, 0).visits, 1);
	ff_mk_counts o = ff_marketing_campaign(s.m, 1);
	CHECK(o.visits == 2 && o.bounces == 1 && o.conversions == 1);
	CHECK_INT(ff_marketing_keyword_count(s.m), 1);
	CHECK_INT(ff_marketing_keyword_overflows(s.m), 1);
	CHECK_INT(ff_marketing_keyword_visits(s.m, 1), 1);
	CHECK_INT(ff_marketing_variant_overflows(s.m, 0), 2);
	CHECK_INT(ff_marketing_variant_count(s.m, 0), 1);
	size_t n;
	ff_mk_variant *v = ff_marketing_experiment_variants(s.m, 0, &n);
	CHECK_INT(n, 2);
	if (v && n == 2) {
		CHECK_SV(v[0].name, "a");
		CHECK(v[0].control && !v[0].others);
		CHECK(v[1].others && !v[1].control);
		CHECK_INT(v[1].visits, 2);
		CHECK_INT(v[1].conversions, 1);
		CHECK(isnan(v[1].test.p_value));
		char line[256];
		ff_marketing_experiment_verdict(s.m, 0, v, n, line, sizeof line);
		CHECK_STR(line, "spring: only variant a has visits");
	}
	free(v);
	ff_record r = record("GET", "/px.gif?c=one&u=1");
	CHECK_INT(ff_marketing_hit(s.m, &r, &(ff_vkey){ 0, 0 }), 0);
	r = record("GET", "/px.gif?c=two&u=1");
	CHECK_INT(ff_marketing_hit(s.m, &r, &(ff_vkey){ 0, 0 }), 0);
	r = record("GET", "/px.gif?c=three&u=2");
	CHECK_INT(ff_marketing_hit(s.m, &r, &(ff_vkey){ 0, 0 }), 0);
	CHECK_INT(ff_marketing_pixel_campaign_count(s.m), 1);
	CHECK_INT(ff_marketing_pixel_overflows(s.m), 2);
	CHECK_INT(ff_marketing_pixel_opens(s.m, 1), 2);
	CHECK_INT(ff_marketing_pixel_unique_opens(s.m, 1), 2);
	CHECK(!ff_marketing_failed(s.m));
	sim_close(&s);
}

static void test_visits(void)
{
	struct sim s;
	if (!sim_open(&s, shop_yaml, false))
		return;
	/* campaign, two variants, three words of facts for keys not kept,
	 * one of match bits */
	CHECK_INT(ff_marketing_entry_words(s.m), 7);
	/* The site's own host gets id 0, so internal[0] marks it. */
	ff_intern_id(s.hosts, FF_SV_LIT("www.shop.test"));

	shop_visits(&s);

	CHECK(!ff_marketing_failed(s.m));
	CHECK_INT(ff_marketing_visits(s.m), 8);
	CHECK_INT(ff_marketing_converted(s.m), 4); /* V1 V2 V6 V7 */

	/* Sources: campaign V1 V8 (bounce V8, conversion V1); search V2
	 * (converts); social V3; referral V4 (bounce); direct V5 (bounce),
	 * V6 and V7 (both convert). */
	bool internal[8] = { true };
	ff_mk_counts src[FF_SRC_COUNT];
	ff_marketing_sources(s.m, internal, ff_intern_count(s.hosts), src);
	CHECK_INT(src[FF_SRC_CAMPAIGN].visits, 2);
	CHECK_INT(src[FF_SRC_CAMPAIGN].bounces, 1);
	CHECK_INT(src[FF_SRC_CAMPAIGN].conversions, 1);
	CHECK_INT(src[FF_SRC_SEARCH].visits, 1);
	CHECK_INT(src[FF_SRC_SEARCH].bounces, 0);
	CHECK_INT(src[FF_SRC_SEARCH].conversions, 1);
	CHECK_INT(src[FF_SRC_SOCIAL].visits, 1);
	CHECK_INT(src[FF_SRC_SOCIAL].conversions, 0);
	CHECK_INT(src[FF_SRC_REFERRAL].visits, 1);
	CHECK_INT(src[FF_SRC_REFERRAL].bounces, 1);
	CHECK_INT(src[FF_SRC_DIRECT].visits, 3);
	CHECK_INT(src[FF_SRC_DIRECT].bounces, 1);
	CHECK_INT(src[FF_SRC_DIRECT].conversions, 2);
	/* Without the site host known, V6's referer is a referral. */
	bool none[8] = { false };
	ff_marketing_sources(s.m, none, ff_intern_count(s.hosts), src);
	CHECK_INT(src[FF_SRC_REFERRAL].visits, 2);
	CHECK_INT(src[FF_SRC_REFERRAL].conversions, 1);
	CHECK_INT(src[FF_SRC_DIRECT].visits, 2);

	/* Campaigns, form-decoded; missing parts empty. */
	uint32_t c1 = campaign_id(s.m, "google/cpc/spring sale"), c2 = campaign_id(s.m, "newsletter//");
	CHECK(c1 != UINT32_MAX && c2 != UINT32_MAX);
	CHECK_INT(ff_marketing_campaign_count(s.m), 2);
	ff_mk_counts cc = ff_marketing_campaign(s.m, c1);
	CHECK(cc.visits == 1 && cc.bounces == 0 && cc.conversions == 1);
	cc = ff_marketing_campaign(s.m, c2);
	CHECK(cc.visits == 1 && cc.bounces == 1 && cc.conversions == 0);

	CHECK_INT(ff_marketing_keyword_count(s.m), 1);
	CHECK_SV(ff_marketing_keyword_key(s.m, 0), "burr grinder");
	CHECK_INT(ff_marketing_keyword_visits(s.m, 0), 1);

	/* Goals and entry pages. */
	CHECK_INT(ff_marketing_goal_count(s.m), 2);
	CHECK_SV(ff_marketing_goal_name(s.m, 0), "purchase");
	CHECK_INT(ff_marketing_goal_conversions(s.m, 0), 2);
	CHECK_INT(ff_marketing_goal_conversions(s.m, 1), 2);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/lp/spring"))), 1);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/products/y"))), 1);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/about"))), 1);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/lp/hero-blue"))), 1);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/cart"))), 0);
	CHECK_INT(ff_marketing_entry_conversions(s.m, ff_intern_find(s.paths, FF_SV_LIT("/products/a"))), 0);

	/* Funnel: step 1 by V1 V2 V3 V8; step 2 by V1 V2 V3; steps 3 and 4
	 * by V1. */
	CHECK_INT(ff_marketing_funnel_count(s.m), 1);
	CHECK_INT(ff_marketing_funnel_steps(s.m, 0), 4);
	CHECK_SV(ff_marketing_funnel_pattern(s.m, 0, 2), "^/cart$");
	CHECK_INT(ff_marketing_funnel_reached(s.m, 0, 1), 4);
	CHECK_INT(ff_marketing_funnel_reached(s.m, 0, 2), 3);
	CHECK_INT(ff_marketing_funnel_reached(s.m, 0, 3), 1);
	CHECK_INT(ff_marketing_funnel_reached(s.m, 0, 4), 1);
	/* Exits: V8 stopped at 1 on /products/a, V2 at 2 on
	 * /order/complete, V3 at 2 on /cart; V1 finished the funnel. */
	CHECK_INT(ff_marketing_funnel_exit_count(s.m), 3);
	int found = 0;
	for (size_t i = 0; i < ff_marketing_funnel_exit_count(s.m); i++) {
		ff_mk_funnel_exit x = ff_marketing_funnel_exit(s.m, i);
		ff_sv path = ff_intern_get(s.paths, x.path_id);
		CHECK_INT(x.funnel, 0);
		CHECK_INT(x.visits, 1);
		if (x.step == 1 && ff_sv_eq_cstr(path, "/products/a"))
			found |= 1;
		if (x.step == 2 && ff_sv_eq_cstr(path, "/order/complete"))
			found |= 2;
		if (x.step == 2 && ff_sv_eq_cstr(path, "/cart"))
			found |= 4;
	}
	CHECK_INT(found, 7);

	/* Experiments: spring a (V4, 0 of 1) control first, b (V1, 1 of 1);
	 * V5 is not in it.  hero: blue alone, the control by default. */
	size_t n;
	ff_mk_variant *v = ff_marketing_experiment_variants(s.m, 0, &n);
	CHECK_INT(n, 2);
	if (v && n == 2) {
		CHECK_SV(v[0].name, "a");
		CHECK(v[0].control);
		CHECK_INT(v[0].visits, 1);
		CHECK_INT(v[0].conversions, 0);
		CHECK(isnan(v[0].test.p_value));
		CHECK_SV(v[1].name, "b");
		CHECK(!v[1].control);
		CHECK_INT(v[1].conversions, 1);
		CHECK(fabs(v[1].test.diff - 1) < 1e-12);
		CHECK(isnan(v[1].chi2_p));
	}
	free(v);
	v = ff_marketing_experiment_variants(s.m, 1, &n);
	CHECK_INT(n, 1);
	if (v && n == 1) {
		CHECK_SV(v[0].name, "blue");
		CHECK(v[0].control);
		CHECK_INT(v[0].conversions, 1);
		char line[256];
		ff_marketing_experiment_verdict(s.m, 1, v, n, line, sizeof line);
		CHECK_STR(line, "hero: only variant blue has visits");
	}
	free(v);

	/* Pixels. */
	struct {
		const char *target;
		uint32_t client, agent;
	} hits[] = {
		{ "/px.gif?c=news&u=1", 1, 1 },  /* opens 1, unique 1 */
		{ "/px.gif?c=news&u=1", 2, 2 },  /* same recipient: unique stays */
		{ "/px.gif?c=news&u=2", 1, 1 },  /* unique 2 */
		{ "/px.gif?c=news", 5, 9 },      /* no recipient: visitor key, 3 */
		{ "/px.gif?c=news", 5, 9 },      /* same key */
		{ "/px.gif?c=news&u=", 5, 9 },   /* empty recipient: same key */
		{ "/px.gif?c=&u=3", 1, 1 },      /* no campaign value: not counted */
		{ "/px.gif?u=3", 1, 1 },         /* no campaign: not counted */
		{ "/px.gif?c=spring%2Bsale+2&u=1", 7, 1 },
		{ "/px.gifx?c=news", 1, 1 },     /* another path */
		{ "/PX.GIF?c=news", 1, 1 },      /* paths are bytes */
		{ "/px.gif?c=news&u=%31", 3, 3 }, /* decoded: recipient 1 again */
	};
	for (size_t i = 0; i < sizeof hits / sizeof *hits; i++) {
		ff_record r = record("GET", hits[i].target);
		CHECK_INT(ff_marketing_hit(s.m, &r, &(ff_vkey){ hits[i].client, hits[i].agent }), 0);
	}
	CHECK_INT(ff_marketing_pixel_campaign_count(s.m), 2);
	CHECK_SV(ff_marketing_pixel_campaign(s.m, 0), "news");
	CHECK_INT(ff_marketing_pixel_opens(s.m, 0), 7);
	CHECK_INT(ff_marketing_pixel_unique_opens(s.m, 0), 3);
	CHECK_SV(ff_marketing_pixel_campaign(s.m, 1), "spring+sale 2");
	CHECK_INT(ff_marketing_pixel_opens(s.m, 1), 1);
	CHECK_INT(ff_marketing_pixel_unique_opens(s.m, 1), 1);
	CHECK_INT(ff_marketing_limit_hits(s.m), 0);

	sim_close(&s);
}

/* n visits to variant's landing page, c of them buying. */
static void variant_visits(struct sim *s, const char *landing, int n, int c)
{
	for (int i = 0; i < n; i++) {
		if (i < c)
			VISIT(s, "", landing, "/order/complete");
		else
			VISIT(s, "", landing);
	}
}

static void verdict_of(const char *yaml, const char *const *landings, const int *n, const int *c, size_t k,
		       const char *want)
{
	struct sim s;
	if (!sim_open(&s, yaml, false))
		return;
	for (size_t i = 0; i < k; i++)
		variant_visits(&s, landings[i], n[i], c[i]);
	size_t rows;
	ff_mk_variant *v = ff_marketing_experiment_variants(s.m, 0, &rows);
	char line[512] = "";
	ff_marketing_experiment_verdict(s.m, 0, v, rows, line, sizeof line);
	CHECK_STR(line, want);
	free(v);
	sim_close(&s);
}

static void test_experiment_stats(void)
{
	static const char yaml[] = "goals: [{name: purchase, path: '^/order/complete$'}]\n"
				   "experiments: [{name: spring, param: variant, goal: purchase, control: a}]\n";
	static const char *const ab[] = { "/lp?variant=a", "/lp?variant=b" };
	struct sim s;
	if (!sim_open(&s, yaml, false))
		return;
	/* 250 of 1000 against 200 of 1000: se = sqrt(0.25*0.75/1000 +
	 * 0.2*0.8/1000) = 0.01864135 for the interval and the test: z =
	 * 2.682206, p = 0.0073131, CI 0.05 -+ 0.0365364; b converts
	 * (0.25 - 0.2) / 0.2 = 25% better; srm 1000 / 1000: p = 1. */
	variant_visits(&s, "/lp?variant=b", 1000, 250);
	variant_visits(&s, "/lp?variant=a", 1000, 200);
	variant_visits(&s, "/lp", 7, 7); /* not in the experiment */
	size_t n;
	ff_mk_variant *v = ff_marketing_experiment_variants(s.m, 0, &n);
	CHECK_INT(n, 2);
	if (v && n == 2) {
		CHECK_SV(v[0].name, "a");
		CHECK_INT(v[0].visits, 1000);
		CHECK_INT(v[0].conversions, 200);
		CHECK(fabs(v[0].rate - 0.2) < 1e-12);
		CHECK(isnan(v[0].test.diff));
		CHECK_SV(v[1].name, "b");
		CHECK_INT(v[1].visits, 1000);
		CHECK_INT(v[1].conversions, 250);
		CHECK(fabs(v[1].test.diff - 0.05) < 1e-12);
		CHECK(fabs(v[1].test.z - 2.682206) < 1e-5);
		CHECK(fabs(v[1].test.p_value - 0.0073131) < 1e-6);
		CHECK(fabs(v[1].test.ci_low - (0.05 - 0.0365364)) < 1e-6);
		CHECK(fabs(v[1].test.lift - 0.25) < 1e-12);
		CHECK(fabs(v[0].srm_p - 1) < 1e-12 && fabs(v[1].srm_p - 1) < 1e-12);
		char line[256];
		ff_marketing_experiment_verdict(s.m, 0, v, n, line, sizeof line);
		CHECK_STR(line, "spring: variant b converts better than a: +5.0 pp (95% CI +1.3 to +8.7 pp), p = 0.007, "
				"lift +25%");
	}
	free(v);
	sim_close(&s);

	/* 22 of 100 against 20 of 100: se sqrt(0.22*0.78/100 + 0.2*0.8/100)
	 * = 0.057585, z 0.34731, p-value 0.72836; CI 0.02 -+ 0.11286;
	 * lift 10%. */
	static const int n2[] = { 100, 100 }, c2[] = { 20, 22 };
	verdict_of(yaml, ab, n2, c2, 2,
		   "spring: no significant difference between b and a: +2.0 pp (95% CI -9.3 to +13.3 pp), "
		   "p = 0.728, lift +10%");
	/* Worse: 20 of 100 against 40 of 100: se sqrt(0.0016 + 0.0024) =
	 * 0.063246, z = -3.16228, p = 0.0015654; CI -0.2 -+ 0.12396; -50%. */
	static const int c3[] = { 40, 20 };
	verdict_of(yaml, ab, n2, c3, 2,
		   "spring: variant b converts worse than a: -20.0 pp (95% CI -32.4 to -7.6 pp), p = 0.002, lift -50%");
	/* Control at 0: 10 of 100 against 0 of 100: se sqrt(0.0009) = 0.03,
	 * z 3.3333, p 0.000858; no lift. */
	static const int c4[] = { 0, 10 };
	verdict_of(yaml, ab, n2, c4, 2,
		   "spring: variant b converts better than a: +10.0 pp (95% CI +4.1 to +15.9 pp), p < 0.001");

	/* Three variants, 20, 30 and 50 of 100: chi-square 21 on 2 df, p =
	 * e^-10.5 = 2.75e-5; c against a: se sqrt(0.0025 + 0.0016) =
	 * 0.064031, z 4.6852, p 2.8e-6, CI 0.3 -+ 0.1255; c converts
	 * (0.5 - 0.2) / 0.2 = 150% better. */
	static const char *const abc[] = { "/lp?variant=a", "/lp?variant=b", "/lp?variant=c" };
	static const int n3[] = { 100, 100, 100 }, c5[] = { 20, 30, 50 };
	verdict_of(yaml, abc, n3, c5, 3,
		   "spring: the variants differ (chi-square p < 0.001); best: variant c converts better than a: "
		   "+30.0 pp (95% CI +17.5 to +42.5 pp), p < 0.001, lift +150%");
	/* 20, 21, 22 of 100: 63 of 300 convert, 21 expected per group;
	 * chi2 = 2 / 21 + 2 / 79 = 0.120555, p = e^-0.0602773 = 0.941503. */
	static const int c6[] = { 20, 21, 22 };
	verdict_of(yaml, abc, n3, c6, 3,
		   "spring: no significant difference between the 3 variants (chi-square p = 0.942)");
	/* The control converting best. */
	static const int c7[] = { 50, 20, 22 };
	verdict_of(yaml, abc, n3, c7, 3,
		   "spring: the variants differ (chi-square p < 0.001); the control a converts best");
	/* A configured control without visits. */
	static const char *const bc[] = { "/lp?variant=b", "/lp?variant=c" };
	static const int n4[] = { 10, 10 }, c8[] = { 1, 2 };
	verdict_of(yaml, bc, n4, c8, 2, "spring: the control a has no visits, so nothing is compared");
	verdict_of(yaml, bc, n4, c8, 0, "spring: no visits in the experiment");

	/* Three rows with chi2_p on each, and the default control. */
	static const char yaml2[] = "goals: [{name: purchase, path: '^/order/complete$'}]\n"
				    "experiments: [{name: s, param: v, goal: purchase}]\n";
	if (!sim_open(&s, yaml2, false))
		return;
	variant_visits(&s, "/lp?v=z", 100, 50);
	variant_visits(&s, "/lp?v=x", 100, 20);
	variant_visits(&s, "/lp?v=y%20y", 100, 30);
	v = ff_marketing_experiment_variants(s.m, 0, &n);
	CHECK_INT(n, 3);
	if (v && n == 3) {
		CHECK_SV(v[0].name, "x");
		CHECK(v[0].control);
		CHECK_SV(v[1].name, "y y");
		CHECK_SV(v[2].name, "z");
		for (size_t i = 0; i < 3; i++)
			CHECK(fabs(v[i].chi2_p - exp(-10.5)) < 1e-12);
		CHECK(isnan(v[0].test.p_value));
		CHECK(!isnan(v[1].test.p_value));
	}
	free(v);
	sim_close(&s);
}

/* The per-pageview words for pageviews that do not start a visit, and
 * the default configuration (no sections). */
static void test_words(void)
{
	char err[256];
	ff_marketing *m = ff_marketing_new(NULL, 7, err, sizeof err);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_INT(ff_marketing_entry_words(m), 4);
	uint32_t w[4];
	ff_record r = record("GET", "/x?utm_sourcex=1&utm_source=");
	CHECK_INT(ff_marketing_pageview(m, &r, NULL, w), 0);
	CHECK(w[0] != UINT32_MAX); /* utm_source, even empty: a campaign */
	CHECK_SV(ff_marketing_campaign_key(m, w[0]), "//");
	r = record("GET", "/x?utm_medium=a&utm_campaign=b");
	CHECK_INT(ff_marketing_pageview(m, &r, NULL, w), 0);
	CHECK_INT(w[0], UINT32_MAX); /* no utm_source: no campaign */
	r = record("GET", "/x?utm_campaign=c&utm_source=s&utm_source=t&utm_medium=m#utm_source=u");
	CHECK_INT(ff_marketing_pageview(m, &r, NULL, w), 0);
	CHECK_SV(ff_marketing_campaign_key(m, w[0]), "s/m/c");
	/* Nothing to count, nothing failed; pixels unconfigured. */
	r = record("GET", "/px.gif?c=x");
	CHECK_INT(ff_marketing_hit(m, &r, &(ff_vkey){ 0, 0 }), 0);
	CHECK_INT(ff_marketing_pixel_campaign_count(m), 0);
	CHECK_INT(ff_marketing_goal_count(m), 0);
	CHECK_INT(ff_marketing_experiment_count(m), 0);
	ff_mk_counts src[FF_SRC_COUNT];
	ff_marketing_sources(m, NULL, 0, src);
	CHECK_INT(src[FF_SRC_DIRECT].visits, 0);
	CHECK_STR(ff_source_name(FF_SRC_REFERRAL), "referral");
	ff_marketing_free(m);
}

/* The documented configurations are valid: tests/fixtures/footfall.yaml,
 * and config.example.yaml with its commented-out examples uncommented. */
static void test_documented(void)
{
	const char *srcdir = getenv("SRCDIR");
	if (!srcdir || !srcdir[0]) {
		printf("test_marketing: SRCDIR unset, documented configurations not checked\n");
		return;
	}
	char path[4096], err[512] = "";
	snprintf(path, sizeof path, "%s/tests/fixtures/footfall.yaml", srcdir);
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK_INT(ff_config_load_file(&cfg, path, err, sizeof err), 0);
	ff_marketing *m = ff_marketing_new(&cfg, 3, err, sizeof err);
	CHECK(m != NULL);
	if (!m)
		fprintf(stderr, "%s\n", err);
	CHECK_INT(ff_marketing_goal_count(m), 2);
	CHECK_INT(ff_marketing_funnel_count(m), 1);
	CHECK_INT(ff_marketing_experiment_count(m), 1);
	ff_marketing_free(m);
	ff_config_free(&cfg);

	/* A line starting an example ("# goals:", or "  # social:" inside
	 * sources:) and the "#   ..." lines after it lose their "# "; the
	 * empty lists the examples stand for are left out. */
	snprintf(path, sizeof path, "%s/config.example.yaml", srcdir);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	static char text[65536], out[65536];
	size_t n = fread(text, 1, sizeof text - 1, f), o = 0;
	fclose(f);
	text[n] = '\0';
	static const char *const starts[] = { "# goals:", "# funnels:", "# experiments:", "# pixels:",
					      "  # search_engines:", "  # social:" };
	static const char *const dropped[] = { "  search_engines: []", "  social: []" };
	size_t indent = 0;
	bool in_example = false;
	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);
		bool start = false, drop = false;
		for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
			if (strncmp(line, starts[i], strlen(starts[i])) == 0)
				start = true, indent = strspn(starts[i], " ");
		for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
			drop |= strncmp(line, dropped[i], strlen(dropped[i])) == 0;
		if (!start && in_example)
			in_example = len > indent + 4 && strspn(line, " ") == indent &&
				     strncmp(line + indent, "#   ", 4) == 0;
		if (start || in_example) {
			/* "  # x" -> "  x" */
			memcpy(out + o, line, indent);
			memcpy(out + o + indent, line + indent + 2, len - indent - 2);
			o += len - 2;
			in_example = true;
		} else if (!drop) {
			memcpy(out + o, line, len);
			o += len;
		}
		line += len;
	}
	out[o] = '\0';
	ff_config_init(&cfg);
	int rc = ff_config_load_text(&cfg, "config.example.yaml (examples)", out, o, err, sizeof err);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n%s", err, out);
	m = rc == 0 ? ff_marketing_new(&cfg, 3, err, sizeof err) : NULL;
	CHECK(m != NULL);
	if (!m)
		fprintf(stderr, "%s\n", err);
	CHECK_INT(ff_marketing_goal_count(m), 1);
	CHECK_INT(ff_marketing_funnel_count(m), 1);
	CHECK_INT(ff_marketing_experiment_count(m), 1);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("www.find.example.de"), NULL) == FF_HOST_SEARCH);
	CHECK(ff_marketing_classify_host(m, FF_SV_LIT("forum.example.org"), NULL) == FF_HOST_SOCIAL);
	ff_marketing_free(m);
	ff_config_free(&cfg);
}

int main(void)
{
	test_query();
	test_patterns();
	test_builtin_lists();
	test_user_lists();
	test_config_errors();
	test_visits();
	test_unkept();
	test_max_keys();
	test_experiment_stats();
	test_words();
	test_documented();
	return CHECK_DONE("test_marketing");
}
