/* classify.c — bot, static, pageview and device type.  Runs per line; the
 * expensive part (uap-core regexes, bot patterns, device rule) runs once
 * per distinct user agent and is remembered by agent id. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "classify.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXT 16

/* An extension as two words, zero-padded: two comparisons per entry
 * instead of a memcmp, since every line's path is checked. */
struct static_ext {
	uint64_t w[2];
	size_t n;
};

/* Lower-cases the n (<= MAX_EXT) bytes at e into x. */
static void ext_key(const char *e, size_t n, struct static_ext *x)
{
	char buf[MAX_EXT] = { 0 };
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((e[i] >= 'A' && e[i] <= 'Z') ? e[i] + 32 : e[i]);
	memcpy(x->w, buf, sizeof x->w);
	x->n = n;
}

struct ff_classifier {
	ff_ua *ua;
	ff_intern *names;
	ff_intern *agents;     /* user agent strings -> agent id */
	ff_agent *facts;       /* by agent id */
	size_t facts_cap;
	pcre2_code **bots;
	size_t n_bots;
	bool builtin_bots;     /* classify.builtin_bots */
	ff_agent absent;       /* the facts of a line whose format has no
				  user agent: the empty agent, never a bot
				  for being empty */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct static_ext *ext; /* lower-case static extensions */
	size_t n_ext;
	uint32_t other_name;
};

static const char *const default_static[] = {
	"css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif",
	"bmp", "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "ogg",
	"webm", "wav", "flac", "txt", "xml", "json", "rss", "atom",
};

const char *ff_device_type_name(enum ff_device_type t)
{
	static const char *const names[FF_DEV_COUNT] = {
		[FF_DEV_DESKTOP] = "desktop", [FF_DEV_MOBILE] = "mobile",
		[FF_DEV_TABLET] = "tablet",   [FF_DEV_BOT] = "bot",
		[FF_DEV_OTHER] = "other",
	};
	return (unsigned)t < FF_DEV_COUNT ? names[t] : "other";
}

static int add_ext(ff_classifier *c, const char *e, size_t n)
{
	if (n == 0 || n > MAX_EXT)
		return 0; /* longer than any extension we compare: never matches */
	ext_key(e, n, &c->ext[c->n_ext++]);
	return 0;
}

static int facts_of(ff_classifier *c, ff_agent *a, ff_sv agent, bool has_agent);

ff_classifier *ff_classifier_new(ff_ua *ua, ff_intern *names, const ff_config *cfg, uint64_t seed, char *err,
				 size_t errsz)
{
	ff_classifier *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->ua = ua;
	c->names = names;
	c->agents = ff_intern_new(seed);
	c->md = pcre2_match_data_create(4, NULL);
	c->mctx = pcre2_match_context_create(NULL);
	if (!c->agents || !c->md || !c->mctx)
		goto oom;
	c->builtin_bots = cfg ? cfg->builtin_bots : true;
	pcre2_set_match_limit(c->mctx, 1000000);
	pcre2_set_depth_limit(c->mctx, 10000);
	c->other_name = ff_intern_id(names, FF_SV_LIT("Other"));

	size_t n_cfg = cfg ? cfg->static_extensions.count : 0;
	size_t n_ext = n_cfg ? n_cfg : sizeof default_static / sizeof *default_static;
	c->ext = calloc(n_ext, sizeof *c->ext);
	if (!c->ext)
		goto oom;
	for (size_t i = 0; i < n_ext; i++) {
		const char *e = n_cfg ? cfg->static_extensions.items[i] : default_static[i];
		if (e[0] == '.')
			e++; /* ".css" and "css" mean the same */
		add_ext(c, e, strlen(e));
	}

	size_t n_bots = cfg ? cfg->bot_patterns.count : 0;
	if (n_bots) {
		c->bots = calloc(n_bots, sizeof *c->bots);
		if (!c->bots)
			goto oom;
	}
	for (size_t i = 0; i < n_bots; i++) {
		int code;
		PCRE2_SIZE off;
		const char *pat = cfg->bot_patterns.items[i];
		c->bots[i] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
		if (!c->bots[i]) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(code, msg, sizeof msg);
			snprintf(err, errsz, "classify.bot_patterns: '%s' does not compile at offset %zu: %s",
				 pat, (size_t)off, (const char *)msg);
			ff_classifier_free(c);
			return NULL;
		}
		pcre2_jit_compile(c->bots[i], PCRE2_JIT_COMPLETE);
		c->n_bots++;
	}
	if (facts_of(c, &c->absent, FF_SV_NULL, false) != 0)
		goto oom;
	return c;
oom:
	snprintf(err, errsz, "out of memory");
	ff_classifier_free(c);
	return NULL;
}

void ff_classifier_free(ff_classifier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_bots; i++)
		pcre2_code_free(c->bots[i]);
	free(c->bots);
	pcre2_match_data_free(c->md);
	pcre2_match_context_free(c->mctx);
	ff_intern_free(c->agents);
	free(c->facts);
	free(c->ext);
	free(c);
}

/* Case-insensitive search for an ASCII needle. */
static bool contains_ci(ff_sv hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0 || hay.n < n)
		return n == 0;
	for (size_t i = 0; i + n <= hay.n; i++) {
		size_t k = 0;
		while (k < n) {
			char a = hay.p[i + k], b = needle[k];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a + 32);
			if (b >= 'A' && b <= 'Z')
				b = (char)(b + 32);
			if (a != b)
				break;
			k++;
		}
		if (k == n)
			return true;
	}
	return false;
}

static bool sv_in(ff_sv s, const char *const *list)
{
	for (; *list; list++)
		if (ff_sv_eq_cstr(s, *list))
			return true;
	return false;
}

enum ff_device_type ff_device_type_of(const ff_ua_info *info, ff_sv agent, bool bot)
{
	static const char *const mobile_os[] = { "iOS", "Android", "Windows Phone", "Windows Mobile",
						 "BlackBerry OS", "Symbian OS", "Firefox OS", "KaiOS",
						 "Tizen", "HarmonyOS", NULL };
	static const char *const desktop_os[] = { "Windows", "Mac OS X", "Mac OS", "Linux", "Ubuntu",
						  "Chrome OS", "ChromeOS", "FreeBSD", "OpenBSD", "NetBSD",
						  "Fedora", "Debian", "Red Hat", "SUSE", "Gentoo",
						  "Mint", "Arch Linux", "Solaris", "CentOS", "Kubuntu", NULL };
	if (bot)
		return FF_DEV_BOT;
	ff_sv dev = info ? info->device : FF_SV_NULL;
	ff_sv os = info ? info->os : FF_SV_NULL;
	if (contains_ci(dev, "ipad") || contains_ci(dev, "kindle") || contains_ci(dev, "tablet") ||
	    contains_ci(agent, "ipad") || contains_ci(agent, "kindle") || contains_ci(agent, "tablet") ||
	    (contains_ci(agent, "android") && !contains_ci(agent, "mobile")))
		return FF_DEV_TABLET;
	if (sv_in(os, mobile_os) || contains_ci(dev, "iphone") || contains_ci(dev, "smartphone") ||
	    contains_ci(dev, "phone"))
		return FF_DEV_MOBILE;
	if (sv_in(os, desktop_os) || ff_sv_starts_with(os, FF_SV_LIT("Windows")))
		return FF_DEV_DESKTOP;
	return FF_DEV_OTHER;
}

static bool matches_bot_pattern(ff_classifier *c, ff_sv agent)
{
	for (size_t i = 0; i < c->n_bots; i++) {
		int rc = pcre2_match(c->bots[i], (PCRE2_SPTR)(agent.p ? agent.p : ""), agent.n, 0, 0, c->md, c->mctx);
		if (rc >= 0)
			return true;
	}
	return false;
}

/* SPEC §3, byte for byte: agents no person reads pages through. */
static const char *const builtin_prefixes[] = {
	"curl/", "Wget/", "Wget2/", "Go-http-client/", "python-requests/", "python-urllib3/",
	"Python-urllib/", "aiohttp/", "python-httpx/", "httpx/", "libwww-perl/", "lwp-request/",
	"Java/", "Apache-HttpClient/", "okhttp/", "node-fetch/", "axios/", "undici/", "Ruby",
	"Guzzle/", "GuzzleHttp/", "PostmanRuntime/", "HTTPie/", "Scrapy/", "Faraday", "WinHttp",
	"Prometheus/", "kube-probe/", "ELB-HealthChecker/", "GoogleHC/", "Consul", "Zabbix",
	"check_http/", NULL,
};
static const char *const builtin_words[] = {
	"HeadlessChrome", "PhantomJS", "UptimeRobot", "Pingdom", "StatusCake", "Site24x7",
	"Uptime-Kuma", "BetterUptime", "Datadog", "NewRelicPinger", "PetalBot", "Bytespider",
	"Applebot", "GPTBot", "ClaudeBot", "CCBot", "Amazonbot", "facebookexternalhit",
	"meta-externalagent", "DataForSeoBot", NULL,
};

static bool contains_cs(ff_sv hay, const char *needle, size_t n)
{
	if (hay.n < n)
		return false;
	for (const char *p = hay.p, *end = hay.p + (hay.n - n) + 1;
	     (p = memchr(p, needle[0], (size_t)(end - p))) != NULL; p++)
		if (memcmp(p, needle, n) == 0)
			return true;
	return false;
}

bool ff_builtin_bot(ff_sv agent)
{
	if (agent.n == 0)
		return true;
	for (const char *const *w = builtin_prefixes; *w; w++) {
		size_t n = strlen(*w);
		if (agent.n >= n && memcmp(agent.p, *w, n) == 0)
			return true;
	}
	for (const char *const *w = builtin_words; *w; w++)
		if (contains_cs(agent, *w, strlen(*w)))
			return true;
	return false;
}

/* The facts of one agent.  has_agent is false for a line whose format
 * has no user-agent field: its empty agent is not the logged `-` that
 * marks a script. */
static int facts_of(ff_classifier *c, ff_agent *a, ff_sv agent, bool has_agent)
{
	/* info may be the classifier's scratch (past its cache limit): take
	 * what is kept as interned ids now. */
	const ff_ua_info *info = ff_ua_classify(c->ua, agent);
	bool builtin = c->builtin_bots && (agent.n || has_agent) && ff_builtin_bot(agent);
	a->bot = builtin || ff_sv_eq_cstr(info->device, "Spider") || matches_bot_pattern(c, agent);
	a->device_type = ff_device_type_of(info, agent, a->bot);
	a->browser = ff_intern_id(c->names, info->family);
	a->os = ff_intern_id(c->names, info->os);
	a->browser_major = ff_intern_id(c->names, info->major);
	a->browser_minor = ff_intern_id(c->names, info->minor);
	a->os_major = ff_intern_id(c->names, info->os_major);
	a->device = ff_intern_id(c->names, info->device);
	a->bot_name = a->bot ? a->browser : c->other_name;
	/* A bot of the built-in list is named by its family, even "Other"
	 * (SPEC §3); one that only a configured pattern or uap-core's device
	 * rules catch, and that uap-core does not name, by its agent. */
	if (a->bot && !builtin && ff_sv_eq_cstr(info->family, "Other") && agent.n)
		a->bot_name = ff_intern_id(c->names, agent);
	if (a->browser == FF_INTERN_NONE || a->os == FF_INTERN_NONE || a->browser_major == FF_INTERN_NONE ||
	    a->browser_minor == FF_INTERN_NONE || a->os_major == FF_INTERN_NONE || a->device == FF_INTERN_NONE ||
	    a->bot_name == FF_INTERN_NONE)
		return -1;
	return 0;
}

static int compute(ff_classifier *c, uint32_t id, ff_sv agent)
{
	if (id >= c->facts_cap) {
		size_t cap = c->facts_cap ? c->facts_cap * 2 : 1024;
		while (cap <= id)
			cap *= 2;
		ff_agent *f = realloc(c->facts, cap * sizeof *f);
		if (!f)
			return -1;
		c->facts = f;
		c->facts_cap = cap;
	}
	return facts_of(c, &c->facts[id], agent, true);
}

const ff_agent *ff_classifier_absent_agent(const ff_classifier *c)
{
	return &c->absent;
}

/* id, the agent's id from the table that held before entries: its facts
 * are computed the first time. */
static uint32_t known_agent(ff_classifier *c, size_t before, uint32_t id)
{
	if (id == FF_INTERN_NONE)
		return UINT32_MAX;
	if (id >= before && compute(c, id, ff_intern_get(c->agents, id)) != 0)
		return UINT32_MAX;
	return id;
}

uint32_t ff_classify_agent(ff_classifier *c, ff_sv user_agent)
{
	size_t before = ff_intern_count(c->agents);
	return known_agent(c, before, ff_intern_id(c->agents, user_agent));
}

ff_hash_key ff_classifier_hash_key(const ff_classifier *c)
{
	return ff_intern_hash_key(c->agents);
}

void ff_classifier_prefetch(const ff_classifier *c, uint64_t hash)
{
	ff_intern_prefetch(c->agents, hash);
}

uint32_t ff_classify_agent_hashed(ff_classifier *c, ff_sv user_agent, uint64_t hash)
{
	size_t before = ff_intern_count(c->agents);
	return known_agent(c, before, ff_intern_id_hashed(c->agents, user_agent, hash));
}

const ff_agent *ff_classifier_agent(const ff_classifier *c, uint32_t agent_id)
{
	return &c->facts[agent_id];
}

ff_sv ff_classifier_agent_string(const ff_classifier *c, uint32_t agent_id)
{
	return ff_intern_get(c->agents, agent_id);
}

size_t ff_classifier_agent_count(const ff_classifier *c)
{
	return ff_intern_count(c->agents);
}

bool ff_classify_static(const ff_classifier *c, ff_sv path)
{
	/* the extension is after the last '.' of the last segment */
	size_t i = path.n;
	while (i > 0 && path.p[i - 1] != '/' && path.p[i - 1] != '.')
		i--;
	if (i == 0 || path.p[i - 1] != '.')
		return false;
	size_t n = path.n - i;
	if (n == 0 || n > MAX_EXT)
		return false;
	struct static_ext x;
	ext_key(path.p + i, n, &x);
	for (size_t k = 0; k < c->n_ext; k++)
		if (c->ext[k].w[0] == x.w[0] && c->ext[k].w[1] == x.w[1] && c->ext[k].n == n)
			return true;
	return false;
}

bool ff_is_pageview(const ff_record *rec, bool bot, bool is_static)
{
	if (bot || is_static)
		return false;
	if (!ff_sv_eq(rec->method, FF_SV_LIT("GET")) && !ff_sv_eq(rec->method, FF_SV_LIT("POST")))
		return false;
	return (rec->status >= 200 && rec->status <= 299) || rec->status == 304;
}
