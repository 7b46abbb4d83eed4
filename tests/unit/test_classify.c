/* test_classify.c — the classification of SPEC §3: static paths, the
 * pageview rule, the device-type rule on hand-made uap-core answers, and a
 * classifier (empty rules plus configured bot patterns) giving dense,
 * stable agent ids, the built-in list of automated agents.  With
 * UAP_REGEXES naming uap-core's regexes.yaml the real rules are checked
 * too: Googlebot is a bot, an iPhone is mobile, curl is named "curl". */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "classify.h"

/* Replaces list with copies of v[0..n) (owned, as ff_config_free wants). */
static void set_list(ff_strlist *list, const char *const *v, size_t n)
{
	list->items = calloc(n ? n : 1, sizeof *list->items);
	list->count = 0;
	for (size_t i = 0; i < n && list->items; i++)
		if ((list->items[i] = strdup(v[i])) != NULL)
			list->count++;
}

static ff_record rec_of(const char *method, unsigned status)
{
	ff_record r;
	memset(&r, 0, sizeof r);
	r.method = ff_sv_cstr(method);
	r.path = FF_SV_LIT("/page");
	r.status = (uint16_t)status;
	return r;
}

static void test_static(void)
{
	ff_intern *names = ff_intern_new(1);
	ff_ua *ua = ff_ua_empty();
	char err[256] = "";
	ff_classifier *c = ff_classifier_new(ua, names, NULL, 42, err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		return;
	static const char *const yes[] = {
		"/style.css", "/a/b/app.min.js", "/m.mjs", "/app.js.map", "/logo.png", "/p.JPG",
		"/p.Jpeg", "/x.gif", "/i.svg", "/favicon.ico", "/p.webp", "/p.avif", "/p.bmp",
		"/p.tif", "/p.tiff", "/f.woff", "/f.woff2", "/f.ttf", "/f.otf", "/f.eot",
		"/a.mp3", "/v.mp4", "/a.ogg", "/v.webm", "/a.wav", "/a.flac", "/robots.txt",
		"/sitemap.xml", "/api/data.json", "/feed.rss", "/feed.atom", "/STYLE.CSS",
		"/dir.html/style.css", "/a.b.c.css", "style.css",
	};
	static const char *const no[] = {
		"", "/", "/index.html", "/page.php", "/about", "/blog/", "/dir.css/page",
		"/dir.css/", "/file.", "/css", "/file.cssx", "/file.xcss", "/file.c ss",
		"/a.json5", "/archive.tar.gz", "/.", "/a.css.php", "/js",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		bool got = ff_classify_static(c, ff_sv_cstr(yes[i]));
		CHECK(got);
		if (!got)
			fprintf(stderr, "  not static: '%s'\n", yes[i]);
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		bool got = ff_classify_static(c, ff_sv_cstr(no[i]));
		CHECK(!got);
		if (got)
			fprintf(stderr, "  static: '%s'\n", no[i]);
	}
	/* the view's length is respected: "/a.cs" of "/a.css" */
	CHECK(!ff_classify_static(c, ff_sv_make("/a.css", 5)));
	CHECK(ff_classify_static(c, ff_sv_make("/a.css?v=2", 6)));
	CHECK(!ff_classify_static(c, FF_SV_NULL));
	ff_classifier_free(c);

	/* a configured list replaces the default; a leading dot and upper
	 * case are accepted in it */
	ff_config cfg;
	ff_config_init(&cfg);
	static const char *const exts[] = { ".PDF", "zip", "tar.gz", "" };
	set_list(&cfg.static_extensions, exts, 4);
	c = ff_classifier_new(ua, names, &cfg, 42, err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		CHECK(ff_classify_static(c, FF_SV_LIT("/doc/manual.pdf")));
		CHECK(ff_classify_static(c, FF_SV_LIT("/doc/manual.PDF")));
		CHECK(ff_classify_static(c, FF_SV_LIT("/dl/a.ZIP")));
		CHECK(!ff_classify_static(c, FF_SV_LIT("/style.css")));
		/* only the last extension counts, so "tar.gz" never matches */
		CHECK(!ff_classify_static(c, FF_SV_LIT("/dl/a.tar.gz")));
		CHECK(!ff_classify_static(c, FF_SV_LIT("/dl/a.")));
		CHECK(!ff_classify_static(c, FF_SV_LIT("/dl/a")));
	}
	ff_classifier_free(c);
	ff_config_free(&cfg);
	ff_ua_free(ua);
	ff_intern_free(names);
}

static void test_pageview(void)
{
	ff_record r = rec_of("GET", 200);
	CHECK(ff_is_pageview(&r, false, false));
	CHECK(!ff_is_pageview(&r, true, false));
	CHECK(!ff_is_pageview(&r, false, true));
	CHECK(!ff_is_pageview(&r, true, true));
	r = rec_of("POST", 201);
	CHECK(ff_is_pageview(&r, false, false));

	static const char *const methods_no[] = { "get", "Get", "post", "HEAD", "PUT", "DELETE",
						  "OPTIONS", "GETX", "GE", " GET", "GET ", "" };
	for (size_t i = 0; i < sizeof methods_no / sizeof *methods_no; i++) {
		r = rec_of(methods_no[i], 200);
		CHECK(!ff_is_pageview(&r, false, false));
	}
	r = rec_of("GET", 200);
	r.method = FF_SV_NULL; /* a request field that could not be split */
	CHECK(!ff_is_pageview(&r, false, false));

	static const unsigned yes[] = { 200, 201, 204, 206, 250, 299, 304 };
	static const unsigned no[] = { 100, 101, 199, 300, 301, 302, 303, 305, 307, 308,
				       400, 401, 403, 404, 410, 500, 503, 599 };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		r = rec_of("GET", yes[i]);
		CHECK(ff_is_pageview(&r, false, false));
		r = rec_of("POST", yes[i]);
		CHECK(ff_is_pageview(&r, false, false));
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		r = rec_of("GET", no[i]);
		CHECK(!ff_is_pageview(&r, false, false));
		r = rec_of("POST", no[i]);
		CHECK(!ff_is_pageview(&r, false, false));
	}
}

static enum ff_device_type dev(const char *os, const char *device, const char *agent, bool bot)
{
	ff_ua_info info;
	memset(&info, 0, sizeof info);
	info.family = FF_SV_LIT("Other");
	info.os = ff_sv_cstr(os);
	info.device = ff_sv_cstr(device);
	return ff_device_type_of(&info, ff_sv_cstr(agent), bot);
}

static void test_device_type(void)
{
	static const char *const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
					  "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
					  "Mobile/15E148 Safari/604.1";
	static const char *const ipad = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) "
					"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
					"Mobile/15E148 Safari/604.1";
	static const char *const android_phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) "
						 "AppleWebKit/537.36 (KHTML, like Gecko) "
						 "Chrome/120.0.0.0 Mobile Safari/537.36";
	static const char *const android_tab = "Mozilla/5.0 (Linux; Android 13; SM-X700) "
					       "AppleWebKit/537.36 (KHTML, like Gecko) "
					       "Chrome/120.0.0.0 Safari/537.36";
	static const char *const kindle = "Mozilla/5.0 (Linux; U; en-US) AppleWebKit/528.5+ "
					  "(KHTML, like Gecko, Safari/528.5+) Version/4.0 Kindle/3.0 "
					  "(screen 600x800; rotate)";
	static const char *const windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
					   "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
					   "Safari/537.36";
	static const char *const mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
				       "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15";
	static const char *const linux_ff = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) "
					    "Gecko/20100101 Firefox/121.0";

	CHECK_INT(dev("iOS", "iPad", ipad, false), FF_DEV_TABLET);
	/* the agent alone names the tablet too */
	CHECK_INT(dev("Other", "Other", ipad, false), FF_DEV_TABLET);
	CHECK_INT(dev("Android", "Kindle", kindle, false), FF_DEV_TABLET);
	CHECK_INT(dev("Other", "Other", kindle, false), FF_DEV_TABLET);
	CHECK_INT(dev("Android", "Samsung SM-X700", android_tab, false), FF_DEV_TABLET);
	CHECK_INT(dev("Android", "Generic Smartphone", android_phone, false), FF_DEV_MOBILE);
	CHECK_INT(dev("Android", "Other", android_phone, false), FF_DEV_MOBILE);
	CHECK_INT(dev("Other", "Other", "Dalvik/2.1.0 (Linux; U; ANDROID 11)", false), FF_DEV_TABLET);
	CHECK_INT(dev("Other", "Generic Tablet", "SomeApp/1.0", false), FF_DEV_TABLET);
	CHECK_INT(dev("Windows", "Other", "Mozilla/5.0 (Windows NT 6.1; Tablet PC 2.0)", false),
		  FF_DEV_TABLET);
	CHECK_INT(dev("iOS", "iPhone", iphone, false), FF_DEV_MOBILE);
	CHECK_INT(dev("Other", "iPhone", "SomeApp/1.0", false), FF_DEV_MOBILE);
	CHECK_INT(dev("Other", "Generic Smartphone", "SomeApp/1.0", false), FF_DEV_MOBILE);
	CHECK_INT(dev("iOS", "Other", "SomeApp/1.0 CFNetwork", false), FF_DEV_MOBILE);
	CHECK_INT(dev("Windows Phone", "Other", "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; "
		      "Microsoft; Lumia 950) Mobile Safari/537.36 Edge/15.14977", false), FF_DEV_MOBILE);
	CHECK_INT(dev("Windows", "Other", windows, false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Windows 10", "Other", windows, false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Mac OS X", "Mac", mac, false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Linux", "Other", linux_ff, false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Ubuntu", "Other", linux_ff, false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Chrome OS", "Other", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)", false),
		  FF_DEV_DESKTOP);
	CHECK_INT(dev("FreeBSD", "Other", "Mozilla/5.0 (X11; FreeBSD amd64)", false), FF_DEV_DESKTOP);
	CHECK_INT(dev("Other", "Other", "curl/8.5.0", false), FF_DEV_OTHER);
	CHECK_INT(dev("Other", "Other", "", false), FF_DEV_OTHER);
	/* uap-core names no OS, the agent does: still not guessed */
	CHECK_INT(dev("Other", "Other", windows, false), FF_DEV_OTHER);
	CHECK_INT(dev("Other", "Spider", "Googlebot/2.1", false), FF_DEV_OTHER);
	/* a bot is a bot, whatever its device */
	CHECK_INT(dev("iOS", "iPad", ipad, true), FF_DEV_BOT);
	CHECK_INT(dev("Windows", "Other", windows, true), FF_DEV_BOT);
	CHECK_INT(dev("Other", "Other", "", true), FF_DEV_BOT);
	/* no uap-core answer at all */
	CHECK_INT(ff_device_type_of(NULL, ff_sv_cstr(ipad), false), FF_DEV_TABLET);
	CHECK_INT(ff_device_type_of(NULL, FF_SV_LIT("curl/8"), false), FF_DEV_OTHER);
	CHECK_INT(ff_device_type_of(NULL, FF_SV_NULL, true), FF_DEV_BOT);

	CHECK_STR(ff_device_type_name(FF_DEV_DESKTOP), "desktop");
	CHECK_STR(ff_device_type_name(FF_DEV_MOBILE), "mobile");
	CHECK_STR(ff_device_type_name(FF_DEV_TABLET), "tablet");
	CHECK_STR(ff_device_type_name(FF_DEV_BOT), "bot");
	CHECK_STR(ff_device_type_name(FF_DEV_OTHER), "other");
	CHECK_STR(ff_device_type_name(FF_DEV_COUNT), "other");
}

static void test_classifier(void)
{
	ff_intern *names = ff_intern_new(7);
	ff_ua *ua = ff_ua_empty();
	ff_config cfg;
	ff_config_init(&cfg);
	static const char *const bots[] = { "(?i)^curl/", "^$", "python-requests" };
	set_list(&cfg.bot_patterns, bots, 3);
	cfg.builtin_bots = false; /* only the patterns: test_builtin has the list */
	char err[256] = "";
	ff_classifier *c = ff_classifier_new(ua, names, &cfg, 42, err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_INT(ff_classifier_agent_count(c), 0);

	static const char *const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
	uint32_t a = ff_classify_agent(c, ff_sv_cstr(firefox));
	uint32_t b = ff_classify_agent(c, FF_SV_LIT("curl/8.5.0"));
	uint32_t e = ff_classify_agent(c, FF_SV_LIT(""));
	uint32_t p = ff_classify_agent(c, FF_SV_LIT("python-requests/2.31.0"));
	uint32_t u = ff_classify_agent(c, FF_SV_LIT("CURL/7.1"));
	uint32_t w = ff_classify_agent(c, FF_SV_LIT("Wget/1.21 (not configured)"));
	CHECK_INT(a, 0);
	CHECK_INT(b, 1);
	CHECK_INT(e, 2);
	CHECK_INT(p, 3);
	CHECK_INT(u, 4);
	CHECK_INT(w, 5);
	/* the same agent gives the same id, without a new entry */
	CHECK_INT(ff_classify_agent(c, ff_sv_cstr(firefox)), a);
	CHECK_INT(ff_classify_agent(c, FF_SV_LIT("curl/8.5.0")), b);
	CHECK_INT(ff_classify_agent(c, FF_SV_LIT("")), e);
	CHECK_INT(ff_classifier_agent_count(c), 6);
	CHECK_SV(ff_classifier_agent_string(c, a), firefox);
	CHECK_SV(ff_classifier_agent_string(c, b), "curl/8.5.0");
	CHECK_SV(ff_classifier_agent_string(c, e), "");

	uint32_t other = ff_intern_find(names, FF_SV_LIT("Other"));
	CHECK(other != FF_INTERN_NONE);
	const ff_agent *fa = ff_classifier_agent(c, a);
	CHECK(!fa->bot);
	/* empty rules know no OS: the device type is "other" */
	CHECK_INT(fa->device_type, FF_DEV_OTHER);
	CHECK_INT(fa->browser, other);
	CHECK_INT(fa->os, other);
	CHECK_INT(fa->bot_name, other);
	const ff_agent *fb = ff_classifier_agent(c, b);
	CHECK(fb->bot);
	CHECK_INT(fb->device_type, FF_DEV_BOT);
	/* a configured bot that uap-core does not name is named by its agent */
	CHECK_SV(ff_intern_get(names, fb->bot_name), "curl/8.5.0");
	CHECK(ff_classifier_agent(c, e)->bot);
	CHECK_INT(ff_classifier_agent(c, e)->device_type, FF_DEV_BOT);
	CHECK(ff_classifier_agent(c, p)->bot);
	CHECK_SV(ff_intern_get(names, ff_classifier_agent(c, p)->bot_name), "python-requests/2.31.0");
	CHECK(ff_classifier_agent(c, u)->bot);
	CHECK(!ff_classifier_agent(c, w)->bot);
	CHECK_INT(ff_classifier_agent(c, w)->bot_name, other);

	/* many agents: ids stay dense and facts stay with their id while the
	 * table grows */
	char agent[64];
	size_t wrong = 0;
	for (unsigned i = 0; i < 5000; i++) {
		int n = snprintf(agent, sizeof agent, i % 2 ? "curl/%u" : "Browser/%u", i);
		uint32_t id = ff_classify_agent(c, ff_sv_make(agent, (size_t)n));
		wrong += id != 6 + i;
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(ff_classifier_agent_count(c), 5006);
	for (unsigned i = 0; i < 5000; i++) {
		int n = snprintf(agent, sizeof agent, i % 2 ? "curl/%u" : "Browser/%u", i);
		const ff_agent *f = ff_classifier_agent(c, 6 + i);
		wrong += ff_classify_agent(c, ff_sv_make(agent, (size_t)n)) != 6 + i;
		wrong += f->bot != (i % 2 == 1);
		wrong += !ff_sv_eq(ff_classifier_agent_string(c, 6 + i), ff_sv_make(agent, (size_t)n));
		if (f->bot)
			wrong += !ff_sv_eq(ff_intern_get(names, f->bot_name), ff_sv_make(agent, (size_t)n));
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(ff_classifier_agent_count(c), 5006);
	CHECK(ff_classifier_agent(c, b)->bot);
	CHECK(!ff_classifier_agent(c, a)->bot);
	ff_classifier_free(c);

	/* without patterns and the built-in list only uap-core decides: curl
	 * and "" are no bots */
	ff_config plain;
	ff_config_init(&plain);
	plain.builtin_bots = false;
	c = ff_classifier_new(ua, names, &plain, 42, err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("curl/8.5.0")))->bot);
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("")))->bot);
		/* each classifier numbers its own agents from 0 */
		CHECK_INT(ff_classify_agent(c, FF_SV_LIT("")), 1);
	}
	ff_classifier_free(c);
	ff_config_free(&plain);
out:
	ff_config_free(&cfg);
	ff_ua_free(ua);
	ff_intern_free(names);
}

/* SPEC §3's list, byte for byte: prefixes at the start only, words
 * anywhere, case counts; the empty agent. */
static void test_builtin_list(void)
{
	static const char *const yes[] = {
		"", "curl/8.5.0", "curl/", "Wget/1.21.4", "Wget2/2.1", "Go-http-client/1.1",
		"Go-http-client/2.0", "python-requests/2.31.0", "python-urllib3/2.0", "Python-urllib/3.11",
		"aiohttp/3.9", "python-httpx/0.27", "httpx/0.1", "libwww-perl/6.72", "lwp-request/6.0",
		"Java/17.0.2", "Apache-HttpClient/4.5.14 (Java/17)", "okhttp/4.12.0", "node-fetch/1.0",
		"axios/1.6.7", "undici/6", "Ruby", "RubyGems/3.4", "Guzzle/7", "GuzzleHttp/7",
		"PostmanRuntime/7.36.3", "HTTPie/3.2.2", "Scrapy/2.11 (+https://scrapy.org)",
		"Faraday v2.9.0", "WinHttp-Autoproxy-Service/5.1", "Prometheus/2.49",
		"kube-probe/1.29", "ELB-HealthChecker/2.0", "GoogleHC/1.0", "Consul Health Check",
		"Zabbix", "check_http/v2.4 (monitoring-plugins 2.4)",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
		"Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
		"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "StatusCake_Pagespeed_Indev",
		"Site24x7", "Uptime-Kuma/1.23", "BetterUptime Bot", "Datadog Agent/7", "NewRelicPinger/1.0",
		"Mozilla/5.0 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
		"Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
		"Mozilla/5.0 (Macintosh) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)", "GPTBot/1.0",
		"Mozilla/5.0 (compatible; ClaudeBot/1.0)", "CCBot/2.0 (https://commoncrawl.org/faq/)",
		"Amazonbot/0.1", "facebookexternalhit/1.1", "meta-externalagent/1.1",
		"Mozilla/5.0 (compatible; DataForSeoBot/1.0)",
	};
	static const char *const no[] = {
		/* case counts */
		"CURL/8.5.0", "wget/1.21", "go-http-client/1.1", "Python-Requests/2.31", "java/17",
		"ruby", "headlesschrome", "uptimerobot", "gptbot", "FacebookExternalHit/1.1",
		/* a prefix is at the start only */
		" curl/8.5.0", "Mozilla/5.0 curl/8.5.0", "x-Wget/1.0", "MyJava/1.0",
		/* a prefix needs its slash */
		"curl", "curl 8.5.0", "Wget", "Java", "Go-http-client",
		/* the words are whole, not parts */
		"Headless", "Uptime", "Ping", "DataDog", "GPT", "CC",
		/* people's browsers */
		"Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
		"-", " ",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		bool got = ff_builtin_bot(ff_sv_cstr(yes[i]));
		CHECK(got);
		if (!got)
			fprintf(stderr, "  not a built-in bot: '%s'\n", yes[i]);
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		bool got = ff_builtin_bot(ff_sv_cstr(no[i]));
		CHECK(!got);
		if (got)
			fprintf(stderr, "  a built-in bot: '%s'\n", no[i]);
	}
	/* the view's length counts, not a NUL: a word cut off is no match */
	CHECK(!ff_builtin_bot(ff_sv_make("GPTBot/1.0", 5)));
	CHECK(ff_builtin_bot(ff_sv_make("GPTBot/1.0", 6)));
	CHECK(!ff_builtin_bot(ff_sv_make("curl/8", 4)));
	CHECK(ff_builtin_bot(ff_sv_make("x\0curl/\0GPTBot", 14)));
	CHECK(ff_builtin_bot(ff_sv_make("x\0curl/", 7)) == false);

	/* in a classifier: on by default, off with classify.builtin_bots:
	 * false; the list names its bots by uap-core's family ("Other" with
	 * empty rules), not by the agent; without a user-agent field the
	 * empty agent is no bot */
	ff_intern *names = ff_intern_new(9);
	ff_ua *ua = ff_ua_empty();
	char err[256] = "";
	ff_classifier *c = ff_classifier_new(ua, names, NULL, 42, err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		uint32_t other = ff_intern_find(names, FF_SV_LIT("Other"));
		const ff_agent *a = ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("curl/8.5.0")));
		CHECK(a->bot);
		CHECK_INT(a->device_type, FF_DEV_BOT);
		CHECK_INT(a->bot_name, other);
		a = ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("")));
		CHECK(a->bot);
		CHECK_INT(a->bot_name, other);
		a = ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("Mozilla/5.0 (compatible; GPTBot/1.0)")));
		CHECK(a->bot);
		CHECK_INT(a->bot_name, other);
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("CURL/8.5.0")))->bot);
		const ff_agent *none = ff_classifier_absent_agent(c);
		CHECK(!none->bot);
		CHECK_INT(none->device_type, FF_DEV_OTHER);
		CHECK_INT(none->browser, other);
	}
	ff_classifier_free(c);

	ff_config cfg;
	ff_config_init(&cfg);
	CHECK(cfg.builtin_bots);
	cfg.builtin_bots = false;
	static const char *const pat[] = { "^Wget/" };
	set_list(&cfg.bot_patterns, pat, 1);
	c = ff_classifier_new(ua, names, &cfg, 42, err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("curl/8.5.0")))->bot);
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("")))->bot);
		CHECK(!ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("GPTBot/1.0")))->bot);
		/* the patterns still add bots, named as before by their agent */
		const ff_agent *a = ff_classifier_agent(c, ff_classify_agent(c, FF_SV_LIT("Wget/1.21")));
		CHECK(a->bot);
		CHECK_SV(ff_intern_get(names, a->bot_name), "Wget/1.21");
	}
	ff_classifier_free(c);
	ff_config_free(&cfg);
	ff_ua_free(ua);
	ff_intern_free(names);
}

static void test_bad_bot_pattern(void)
{
	ff_intern *names = ff_intern_new(3);
	ff_ua *ua = ff_ua_empty();
	ff_config cfg;
	ff_config_init(&cfg);
	static const char *const bots[] = { "fine", "(unclosed", "also fine" };
	set_list(&cfg.bot_patterns, bots, 3);
	char err[256] = "";
	ff_classifier *c = ff_classifier_new(ua, names, &cfg, 42, err, sizeof err);
	CHECK(c == NULL);
	CHECK(strncmp(err, "classify.bot_patterns", strlen("classify.bot_patterns")) == 0);
	CHECK(strstr(err, "(unclosed") != NULL);
	CHECK(err[0] != 0 && err[strlen(err) - 1] != '.');
	ff_classifier_free(c);
	ff_config_free(&cfg);
	ff_ua_free(ua);
	ff_intern_free(names);
}

static void test_uap_core(void)
{
	const char *path = getenv("UAP_REGEXES");
	if (!path || !*path || access(path, R_OK) != 0) {
		printf("test_classify: UAP_REGEXES does not name a readable file, uap-core checks skipped\n");
		return;
	}
	char err[512] = "";
	ff_ua *ua = ff_ua_load(path, err, sizeof err);
	CHECK(ua != NULL);
	if (!ua) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	ff_intern *names = ff_intern_new(5);
	ff_config cfg;
	ff_config_init(&cfg);
	ff_classifier *c = ff_classifier_new(ua, names, &cfg, 42, err, sizeof err);
	CHECK(c != NULL);
	if (!c)
		goto out;

	struct {
		const char *agent;
		bool bot;
		enum ff_device_type type;
		const char *browser, *os;
	} cases[] = {
		{ "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true,
		  FF_DEV_BOT, "Googlebot", NULL },
		{ "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true,
		  FF_DEV_BOT, NULL, NULL },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
		  false, FF_DEV_MOBILE, "Mobile Safari", "iOS" },
		{ "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
		  "Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
		  false, FF_DEV_TABLET, NULL, "iOS" },
		{ "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/120.0.0.0 Mobile Safari/537.36",
		  false, FF_DEV_MOBILE, "Chrome Mobile", "Android" },
		{ "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/120.0.0.0 Safari/537.36",
		  false, FF_DEV_TABLET, NULL, "Android" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/120.0.0.0 Safari/537.36",
		  false, FF_DEV_DESKTOP, "Chrome", "Windows" },
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
		  "Gecko) Version/17.2 Safari/605.1.15",
		  false, FF_DEV_DESKTOP, "Safari", "Mac OS X" },
		{ "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", false,
		  FF_DEV_DESKTOP, "Firefox", "Linux" },
		/* SPEC §3: the built-in list makes curl and an empty agent
		 * bots, named by uap-core's family */
		{ "curl/8.5.0", true, FF_DEV_BOT, "curl", NULL },
		{ "", true, FF_DEV_BOT, "Other", NULL },
		{ "python-requests/2.31.0", true, FF_DEV_BOT, "Python Requests", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		uint32_t id = ff_classify_agent(c, ff_sv_cstr(cases[i].agent));
		CHECK(id != UINT32_MAX);
		if (id == UINT32_MAX)
			continue;
		const ff_agent *a = ff_classifier_agent(c, id);
		bool ok = a->bot == cases[i].bot && a->device_type == cases[i].type;
		if (cases[i].browser)
			ok = ok && ff_sv_eq_cstr(ff_intern_get(names, a->browser), cases[i].browser);
		if (cases[i].os)
			ok = ok && ff_sv_eq_cstr(ff_intern_get(names, a->os), cases[i].os);
		if (cases[i].bot && cases[i].browser)
			ok = ok && ff_sv_eq_cstr(ff_intern_get(names, a->bot_name), cases[i].browser);
		CHECK(ok);
		if (!ok) {
			ff_sv br = ff_intern_get(names, a->browser), os = ff_intern_get(names, a->os);
			fprintf(stderr, "  '%s': bot %d, %s, browser '%.*s', os '%.*s'\n", cases[i].agent,
				a->bot, ff_device_type_name(a->device_type), (int)br.n, br.p, (int)os.n, os.p);
		}
	}
	ff_classifier_free(c);
out:
	ff_config_free(&cfg);
	ff_intern_free(names);
	ff_ua_free(ua);
}

int main(void)
{
	test_static();
	test_pageview();
	test_device_type();
	test_classifier();
	test_builtin_list();
	test_bad_bot_pattern();
	test_uap_core();
	return CHECK_DONE("test_classify");
}
