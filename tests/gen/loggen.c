/* loggen.c — the deterministic access-log generator behind footfall's
 * fixtures, tests and benchmarks.  It simulates the visitors, crawlers,
 * scanners and mail clients of a small shop and writes their requests as
 * Apache or Nginx log lines.  Integer arithmetic only, its own PRNG, no clock
 * and no locale: the same seed and options give the same bytes everywhere. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC INT64_C(1000000)
#define MSEC INT64_C(1000)
#define MINUTE (60 * SEC)
#define HOUR (3600 * SEC)
#define DAY (86400 * SEC)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
"usage: loggen [OPTION]...\n"
"Write a deterministic, realistic web server access log to standard output.\n"
"The same seed and options give the same bytes on every machine.\n"
"\n"
"  --lines N        requests to write (default 10000); with --servers, the\n"
"                   requests of the full N-request log that server I served\n"
"  --seed S         seed of the simulation (default 1)\n"
"  --start T        local time of the log's start, YYYY-MM-DDTHH:MM:SS+hh:mm\n"
"                   (default 2026-03-02T00:00:00+01:00; Z or -hh:mm also work);\n"
"                   every line carries this UTC offset\n"
"  --days D         spread the requests over about D days (default 1): the\n"
"                   arrival rate follows the day and week rhythm and is\n"
"                   steered so that the last request falls near the end\n"
"  --format F       combined (default), common, vhost_combined,\n"
"                   apache-custom  %h %l %u %t \"%r\" %>s %b \"%{Referer}i\"\n"
"                                  \"%{User-Agent}i\" %D\n"
"                   nginx-custom   $remote_addr - $remote_user [$time_local]\n"
"                                  \"$request\" $status $body_bytes_sent\n"
"                                  \"$http_referer\" \"$http_user_agent\"\n"
"                                  $request_time\n"
"                   nginx-main     $remote_addr - $remote_user [$time_local]\n"
"                                  \"$request\" $status $body_bytes_sent\n"
"                                  \"$http_referer\" \"$http_user_agent\"\n"
"                                  \"$http_x_forwarded_for\"   (Nginx main)\n"
"                   nginx-upstream nginx-custom + $upstream_response_time\n"
"                                  (\"-\" on 301, 304 and static files, two\n"
"                                  tries \"0.120, 0.100\" on 5xx)\n"
"                   caddy-json     Caddy's default JSON access log (ts in\n"
"                                  unix seconds, duration in seconds)\n"
"                   traefik-json   Traefik's JSON access log (keys sorted,\n"
"                                  StartLocal/StartUTC, Duration in ns, the\n"
"                                  User-Agent and Referer headers kept)\n"
"                   nginx-json     log_format escape=json with the keys\n"
"                                  time_iso8601 remote_addr request status\n"
"                                  body_bytes_sent http_referer\n"
"                                  http_user_agent request_time\n"
"                                  http_x_forwarded_for\n"
"                   Every format writes the same requests for a given seed.\n"
"                   What differs is what the servers differ in: Apache writes\n"
"                   an empty body as '-' and escapes '\"' and '\\' as \\\" and\n"
"                   \\\\; Nginx writes 0 and \\x22 and \\x5C, and an empty\n"
"                   request line as \"\" where Apache writes \"-\".\n"
"  --site HOST      the site's host name (default www.example.com): internal\n"
"                   referers, the vhost field, redirects from the bare domain\n"
"  --servers K      the site runs on K servers behind a load balancer...\n"
"  --server I       ...write only the requests server I (0..K-1) served; the\n"
"                   choice is a function of the request, so the K files\n"
"                   together hold the full log, each in time order\n"
"  --jitter S       write lines out of order by up to S seconds, as servers\n"
"                   that log when a request completes do (default 0)\n"
"  --invalid-rate R add an invalid line (blank, truncated, error-log text,\n"
"                   bad date, bad status, extra field) before a request with\n"
"                   probability R, e.g. 0.001 (default 0); --lines counts\n"
"                   requests, so these lines come on top\n"
"  --proxy ADDR     nginx-main: the site is behind a load balancer at ADDR,\n"
"                   logged as the client of every request from an IP\n"
"                   address, the visitor's address first in the\n"
"                   X-Forwarded-For (with a second hop on some); clients\n"
"                   known by host name reach the server directly.  Without\n"
"                   it the X-Forwarded-For is \"-\"\n"
"  -o, --output F   write to file F instead of standard output\n"
"  -h, --help       show this text\n"
"\n"
"What the log holds: a shop (/, /products/..., /blog/..., /search?q=,\n"
"/cart, /checkout, /order/complete, /about...) visited by people (mostly\n"
"IPv4, some IPv6, a few host names, several people behind one address with\n"
"different browsers) in visits with think times, some pauses longer than\n"
"30 minutes, more traffic in the afternoon and evening than at night and on\n"
"weekends; each page followed by its css/js/fonts/images; entry referers from\n"
"search engines (Google, Bing, DuckDuckGo, Yandex text=, Baidu wd=, with and\n"
"without keywords), social networks, other sites, or none; campaign landings\n"
"with utm_* parameters (some percent-encoded or with '+'); a checkout funnel\n"
"/products/X -> /cart -> /checkout -> /order/complete with drop-off at each\n"
"step; an A/B test on /lp/spring?variant=a|b where b converts better; the\n"
"e-mail pixel /px.gif?c=CAMPAIGN&u=RECIPIENT fetched by mail clients and\n"
"image proxies; crawlers (Googlebot, bingbot, AhrefsBot, YandexBot...),\n"
"scripts (curl, python-requests), vulnerability scanners (404s on\n"
"/wp-login.php, /.env...), feed readers; 301s, 304s, HEAD and POST requests,\n"
"a few 5xx and one short outage of 503s.  Pageviews of one visitor (address\n"
"and user agent) never share a second, so merging split logs by time cannot\n"
"reorder them.\n";

/* ------------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded through splitmix64.  Every draw is an
 * integer; distributions are built from integers only, so no libm or FPU
 * rounding difference can change a byte of output. */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A bijection on 64 bits: distinct inputs give distinct outputs. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is far below
 * anything a log could show). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability bp / 10000. */
static bool rng_chance(struct rng *r, uint32_t bp)
{
	return rng_below(r, 10000) < bp;
}

static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* -ln(1 - i/64) in units of 1/65536: the quantiles of Exp(1). */
static const uint32_t exp_quantiles[64] = {
	0, 1032, 2081, 3146, 4230, 5331, 6451, 7591, 8751, 9932, 11135, 12360,
	13608, 14880, 16178, 17502, 18854, 20233, 21643, 23083, 24556, 26063,
	27605, 29184, 30802, 32461, 34164, 35911, 37707, 39553, 41453, 43409,
	45426, 47507, 49656, 51877, 54177, 56561, 59034, 61604, 64280, 67069,
	69982, 73031, 76228, 79590, 83133, 86879, 90852, 95082, 99603, 104460,
	109706, 115408, 121654, 128559, 136278, 145029, 155132, 167080, 181704,
	200558, 227130, 272557,
};

/* Exp(1) in units of 1/65536, by inverting the CDF between tabulated
 * quantiles; the last 1/64 of the mass is the tail beyond ln 64, which by
 * memorylessness is ln 64 plus another draw. */
static uint64_t rng_exp16(struct rng *r)
{
	uint64_t acc = 0;
	for (;;) {
		uint64_t x = rng_next(r);
		unsigned b = (unsigned)(x >> 58);
		if (b == 63) {
			acc += exp_quantiles[63];
			continue;
		}
		uint64_t f = (x >> 16) & 0xffff;
		uint64_t lo = exp_quantiles[b], hi = exp_quantiles[b + 1];
		return acc + lo + (((hi - lo) * f) >> 16);
	}
}

/* An exponential variate with the given mean (any unit). */
static int64_t rng_exp(struct rng *r, int64_t mean)
{
	uint64_t e = rng_exp16(r);
	uint64_t m = (uint64_t)mean;
	return (int64_t)((m >> 16) * e + (((m & 0xffff) * e) >> 16));
}

/* Picks an index with probability proportional to its weight. */
static unsigned pick_weighted(struct rng *r, const unsigned short *w, unsigned n)
{
	uint32_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += w[i];
	uint32_t x = rng_below(r, total);
	for (unsigned i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* Zipf-like popularity: item i is chosen in proportion to 1/(i+1). */
static unsigned pick_popular(struct rng *r, unsigned n)
{
	uint32_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += 5040 / (i + 1);
	uint32_t x = rng_below(r, total);
	for (unsigned i = 0; i < n; i++) {
		uint32_t w = 5040 / (i + 1);
		if (x < w)
			return i;
		x -= w;
	}
	return n - 1;
}

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* ------------------------------------------------------------------------
 * The site and the world around it. */

static const char *const categories[] = {
	"grinders", "kettles", "brewers", "espresso", "accessories", "beans",
};

struct product {
	const char *slug;
	unsigned char category;
};

static const struct product products[] = {
	{ "burr-grinder-pro", 0 }, { "pour-over-kettle", 1 },
	{ "ceramic-dripper", 2 }, { "coffee-scale", 4 },
	{ "house-espresso-blend", 5 }, { "burr-grinder-mini", 0 },
	{ "aeropress-go", 2 }, { "gooseneck-kettle-electric", 1 },
	{ "ethiopia-yirgacheffe", 5 }, { "french-press-1l", 2 },
	{ "hand-grinder-classic", 0 }, { "milk-jug-600ml", 3 },
	{ "cold-brew-bottle", 2 }, { "paper-filters-100", 4 },
	{ "espresso-machine-duo", 3 }, { "tamper-58mm", 3 },
	{ "colombia-huila", 5 }, { "moka-pot-6-cup", 2 },
	{ "espresso-grinder-e65", 0 }, { "travel-mug", 4 },
	{ "chemex-6-cup", 2 }, { "distribution-tool", 3 },
	{ "glass-dripper", 2 }, { "milk-frother", 3 },
	{ "brazil-cerrado", 5 }, { "cleaning-tablets", 4 },
	{ "flat-burr-grinder-64", 0 }, { "single-dose-hopper", 3 },
	{ "decaf-swiss-water", 5 }, { "double-wall-glass-set", 4 },
	{ "travel-kettle-600ml", 1 }, { "knock-box", 4 },
	{ "kenya-aa", 5 }, { "siphon-brewer", 2 },
	{ "dosing-cup-58mm", 3 }, { "storage-canister", 4 },
	{ "guatemala-antigua", 5 }, { "conical-grinder-travel", 0 },
};

/* Products the spring landing page features. */
static const unsigned char spring_products[] = { 1, 2, 3, 12 };

static const char *const blog_posts[] = {
	"how-to-dial-in-espresso", "pour-over-ratio-guide",
	"best-burr-grinders-2026", "cold-brew-at-home", "grind-size-chart",
	"aeropress-recipes", "water-chemistry-for-coffee",
	"storing-coffee-beans", "spring-sale-2026", "moka-pot-tips",
	"latte-art-basics", "descaling-your-machine",
	"single-origin-vs-blend", "french-press-mistakes",
	"travel-brewing-kit", "decaf-explained",
};

static const char *const info_pages[] = {
	"/about", "/shipping", "/faq", "/contact", "/returns", "/privacy",
	"/imprint",
};

/* Old and mistyped addresses that other sites still link to. */
static const char *const missing_pages[] = {
	"/products/espresso-grinder-e55", "/blog/best-burr-grinders-2024",
	"/gift-cards", "/products/Pour-Over-Kettle", "/blog/spring-sale-2025",
	"/products/burr-grinder-pro/reviews", "/index.html.bak",
};

static const char *const search_keywords_en[] = {
	"burr+grinder", "best+burr+grinder+2026", "pour+over+kettle",
	"gooseneck+kettle", "how+to+dial+in+espresso", "cold+brew+ratio",
	"aeropress+recipe", "moka+pot+tips", "v60+dripper",
	"coffee+scale+with+timer", "espresso+grinder+review",
	"french+press+1+liter", "latte+art+for+beginners",
	"descale+espresso+machine", "single+dose+grinder", "grind+size+chart",
	"example+coffee+shop",
};

static const char *const search_keywords_de[] = {
	"kaffeem%C3%BChle+test", "handm%C3%BChle+kaffee",
	"kaffee+bohnen+online+kaufen", "siebtr%C3%A4ger+zubeh%C3%B6r",
	"wasserkocher+schwanenhals", "caf%C3%A9+filtre",
	"moulin+%C3%A0+caf%C3%A9",
};

static const char *const site_search_terms[] = {
	"grinder", "kettle", "filter", "scale", "decaf", "caf%C3%A9", "v60",
	"milk+jug", "espresso+machine", "Grinder", "", "beans", "travel",
};

static const char *const google_hosts[] = {
	"www.google.com", "www.google.de", "www.google.co.uk",
	"www.google.fr", "www.google.nl", "www.google.at", "www.google.ch",
	"www.google.es", "www.google.it", "www.google.com.br",
	"www.google.ca", "www.google.pl",
};
static const unsigned short google_host_weights[] = {
	40, 30, 8, 5, 4, 4, 3, 2, 2, 1, 1, 1,
};

static const char *const social_referers[] = {
	"https://www.facebook.com/", "https://l.facebook.com/",
	"https://m.facebook.com/", "https://lm.facebook.com/",
	"https://t.co/", "https://www.linkedin.com/",
	"https://www.reddit.com/r/Coffee/comments/", "https://old.reddit.com/r/espresso/",
	"https://www.instagram.com/", "https://l.instagram.com/",
	"https://www.pinterest.com/", "https://www.youtube.com/",
};
static const unsigned short social_weights[] = {
	18, 20, 8, 4, 12, 6, 10, 3, 8, 5, 4, 4,
};

static const char *const referral_sites[] = {
	"https://www.coffeegeek.com/forums/coffee-grinders/",
	"https://www.home-barista.com/grinders/best-grinder-under-500-t91234.html",
	"https://news.ycombinator.com/item?id=39561234",
	"https://github.com/",
	"https://www.kaffee-netz.de/threads/handmuehle-empfehlung.154321/",
	"https://Forum.Kaffee-Netz.DE/",
	"https://deals.brewguide.net:8443/spring?src=widget",
	"https://de.wikipedia.org/wiki/Kaffeem%C3%BChle",
	"http://blog.brewing-notes.net/2026/02/gear-list.html",
	"https://www.homegrounds.co/best-pour-over-kettles/",
	"https://medium.com/@barista/my-setup-2026-4f8e2a1b9c0d",
	"https://mail.google.com/",
	"https://outlook.live.com/",
	"https://www.brewing-notes.net./links",
	"https://user@mirror.coffeelinks.org/list",
	"android-app://com.google.android.gm/",
	"https://www.sprudge.com/",
	"https://www.theverge.com/",
};
static const unsigned short referral_weights[] = {
	12, 8, 6, 3, 8, 2, 2, 4, 3, 8, 4, 6, 4, 1, 1, 2, 4, 2,
};

enum device {
	DEV_DESKTOP,
	DEV_MOBILE,
	DEV_TABLET,
	DEV_OTHER,
};

struct browser {
	const char *ua;
	unsigned short weight;
	unsigned char device;
	bool ios;
};

static const struct browser browsers[] = {
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", 160, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36", 55, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", 60, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36", 15, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", 15, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", 6, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0", 55, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0", 15, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0", 5, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0", 35, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0", 10, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0", 5, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 Firefox/123.0", 10, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", 10, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", 8, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15", 45, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15", 10, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 OPR/107.0.0.0", 6, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36", 4, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36", 4, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1", 110, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", 40, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", 25, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1", 15, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/123.0 Mobile/15E148 Safari/605.1.15", 4, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/452.0.0.38.109;FBBV/567193421;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBSS/3;FBID/phone;FBLC/de_DE;FBOP/5]", 8, DEV_MOBILE, true },
	{ "Mozilla/5.0 (iPad; CPU OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1", 18, DEV_TABLET, true },
	{ "Mozilla/5.0 (iPad; CPU OS 16_7_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", 6, DEV_TABLET, true },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36", 110, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.105 Mobile Safari/537.36", 10, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.178 Mobile Safari/537.36", 12, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 12; M2101K6G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36", 6, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", 18, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", 10, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Android 14; Mobile; rv:123.0) Gecko/123.0 Firefox/123.0", 6, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36 EdgA/122.0.2365.86", 3, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 10; HarmonyOS; VOG-L29; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36", 3, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.64 Mobile Safari/537.36 Instagram 321.0.0.39.106 Android (34/14; 480dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; de_DE; 580117193)", 5, DEV_MOBILE, false },
	{ "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", 6, DEV_TABLET, false },
	{ "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/122.3.1 like Chrome/122.0.6261.105 Safari/537.36", 2, DEV_TABLET, false },
	{ "Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/5.0 Chrome/94.0.4606.31 TV Safari/537.36", 2, DEV_OTHER, false },
	/* A proxy that wraps the header in quotes: Apache logs \" */
	{ "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36\"", 2, DEV_DESKTOP, false },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 (compatible; \"Corp Gateway\" 4.2)", 1, DEV_DESKTOP, false },
};

enum bot_style {
	BOT_CRAWLER,  /* robots.txt, pages, sitemap, old addresses */
	BOT_IMAGES,   /* product images */
	BOT_PREVIEW,  /* one page and its preview image, for a shared link */
	BOT_MONITOR,  /* HEAD / every few minutes */
	BOT_FEED,     /* the blog's feed, mostly 304 */
};

struct bot {
	const char *ua;
	uint32_t net;         /* first address of the crawler's range */
	unsigned short size;  /* addresses in the range */
	unsigned short weight;
	unsigned char style;
	unsigned char mean_requests;
};

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static const struct bot bots[] = {
	{ "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", IP4(66, 249, 64, 0), 4096, 120, BOT_CRAWLER, 10 },
	{ "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", IP4(66, 249, 64, 0), 4096, 110, BOT_CRAWLER, 10 },
	{ "Googlebot-Image/1.0", IP4(66, 249, 72, 0), 1024, 20, BOT_IMAGES, 5 },
	{ "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", IP4(40, 77, 167, 0), 256, 70, BOT_CRAWLER, 8 },
	{ "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", IP4(54, 36, 148, 0), 1024, 50, BOT_CRAWLER, 20 },
	{ "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", IP4(5, 255, 253, 0), 256, 30, BOT_CRAWLER, 8 },
	{ "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", IP4(185, 191, 171, 0), 256, 35, BOT_CRAWLER, 15 },
	{ "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", IP4(220, 181, 108, 0), 256, 12, BOT_CRAWLER, 4 },
	{ "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", IP4(20, 191, 45, 0), 256, 8, BOT_CRAWLER, 3 },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", IP4(17, 241, 219, 0), 256, 12, BOT_CRAWLER, 5 },
	{ "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", IP4(114, 119, 128, 0), 4096, 15, BOT_CRAWLER, 6 },
	{ "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", IP4(136, 243, 220, 0), 512, 10, BOT_CRAWLER, 8 },
	{ "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)", IP4(216, 244, 66, 0), 256, 8, BOT_CRAWLER, 6 },
	{ "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", IP4(20, 171, 207, 0), 256, 15, BOT_CRAWLER, 12 },
	{ "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", IP4(69, 171, 224, 0), 4096, 15, BOT_PREVIEW, 1 },
	{ "Twitterbot/1.0", IP4(199, 16, 157, 0), 256, 6, BOT_PREVIEW, 1 },
	{ "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", IP4(54, 209, 0, 0), 4096, 4, BOT_PREVIEW, 1 },
	{ "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", IP4(69, 162, 124, 224), 32, 25, BOT_MONITOR, 1 },
	{ "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 58 subscribers; )", IP4(52, 71, 0, 0), 256, 12, BOT_FEED, 1 },
	{ "NewsBlur Feed Fetcher - 7 subscribers - https://www.newsblur.com/site/6271902/the-brew-blog (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15)", IP4(159, 89, 119, 0), 64, 5, BOT_FEED, 1 },
};

/* Programs that are not crawlers: uap-core does not call them spiders. */
static const char *const script_agents[] = {
	"curl/8.5.0", "curl/7.81.0", "python-requests/2.31.0",
	"Go-http-client/1.1", "Wget/1.21.4", "python-requests/2.28.2",
	"okhttp/4.12.0", "",
};
static const unsigned short script_weights[] = { 25, 10, 25, 12, 8, 6, 6, 8 };

static const char *const scanner_agents[] = {
	"Mozilla/5.0 zgrab/0.x",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36",
	"Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
	"Expanse, a Palo Alto Networks company, searches across the global IPv4 space multiple times per day to identify customers' presences on the Internet. If you would like to be excluded from our scans, please send IP addresses/domains to: scaninfo@paloaltonetworks.com",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36",
	"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
	"",
};

struct probe {
	const char *target;
	unsigned short status;
	unsigned char method;
};

enum method {
	M_GET,
	M_POST,
	M_HEAD,
	M_OPTIONS,
	M_PROPFIND,
	M_RAW,   /* the target holds the raw request bytes (binary junk) */
	M_NONE,  /* no request line at all: "-" */
};

static const char *const method_names[] = {
	"GET", "POST", "HEAD", "OPTIONS", "PROPFIND", "", "",
};

static const struct probe probes[] = {
	{ "/wp-login.php", 404, M_GET },
	{ "/wp-admin/", 404, M_GET },
	{ "/xmlrpc.php", 404, M_POST },
	{ "/.env", 404, M_GET },
	{ "/.git/config", 403, M_GET },
	{ "/.aws/credentials", 404, M_GET },
	{ "/phpmyadmin/", 404, M_GET },
	{ "/admin.php", 404, M_GET },
	{ "/config.php", 404, M_GET },
	{ "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", 404, M_POST },
	{ "/wp-content/plugins/wp-file-manager/readme.txt", 404, M_GET },
	{ "/.DS_Store", 404, M_GET },
	{ "/server-status", 403, M_GET },
	{ "/owa/auth/logon.aspx", 404, M_GET },
	{ "/actuator/health", 404, M_GET },
	{ "/boaform/admin/formLogin", 404, M_POST },
	{ "/HNAP1/", 404, M_GET },
	{ "/?XDEBUG_SESSION_START=phpstorm", 200, M_GET },
	{ "/wp-includes/wlwmanifest.xml", 404, M_GET },
	{ "/backup.zip", 404, M_GET },
	{ "/db.sql", 404, M_GET },
	{ "/.well-known/security.txt", 200, M_GET },
	{ "/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP21", 404, M_GET },
	{ "/search?q=\"><script>alert(document.domain)</script>", 200, M_GET },
	{ "/search?q=coffee grinder", 400, M_GET },
	{ "/cgi-bin/luci/;stok=/locale?form=country", 404, M_GET },
	{ "/", 200, M_OPTIONS },
	{ "/", 405, M_PROPFIND },
	{ "/", 200, M_HEAD },
	{ "/../../../../etc/passwd", 400, M_GET },
};

enum mail_client {
	MAIL_GMAIL,
	MAIL_APPLE,
	MAIL_OUTLOOK,
	MAIL_YAHOO,
	MAIL_THUNDERBIRD,
};

static const char *const mail_agents[] = {
	"Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
	"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
	"YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
	"Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.8.0",
};

struct asset {
	const char *path;
	uint32_t bytes;
};

enum asset_id {
	A_CSS,
	A_VENDOR_JS,
	A_APP_JS,
	A_FONT_TEXT,
	A_FONT_ITALIC,
	A_LOGO,
	A_FAVICON,
	A_HERO,
	A_CHECKOUT_JS,
	A_TOUCH_ICON,
	A_TOUCH_ICON_PRE,
	A_ADMIN_CSS,
	A_ADMIN_JS,
	A_PIXEL,
	A_ROBOTS,
	A_SITEMAP,
	A_FEED,
};

static const struct asset assets[] = {
	[A_CSS] = { "/assets/css/site.3f9a1c.css", 11873 },
	[A_VENDOR_JS] = { "/assets/js/vendor.c71d09.js", 88412 },
	[A_APP_JS] = { "/assets/js/app.8b12e4.js", 24187 },
	[A_FONT_TEXT] = { "/assets/fonts/inter-var.woff2", 48256 },
	[A_FONT_ITALIC] = { "/assets/fonts/lora-italic.woff2", 31780 },
	[A_LOGO] = { "/assets/img/logo.svg", 3417 },
	[A_FAVICON] = { "/favicon.ico", 15086 },
	[A_HERO] = { "/assets/img/hero-spring.webp", 84112 },
	[A_CHECKOUT_JS] = { "/assets/js/checkout.4d2e7a.js", 31044 },
	[A_TOUCH_ICON] = { "/apple-touch-icon.png", 0 },
	[A_TOUCH_ICON_PRE] = { "/apple-touch-icon-precomposed.png", 0 },
	[A_ADMIN_CSS] = { "/assets/css/admin.7e1f02.css", 6120 },
	[A_ADMIN_JS] = { "/assets/js/admin.90ab3c.js", 41877 },
	[A_PIXEL] = { "/px.gif", 43 },
	[A_ROBOTS] = { "/robots.txt", 183 },
	[A_SITEMAP] = { "/sitemap.xml", 9214 },
	[A_FEED] = { "/blog/feed.xml", 21406 },
};

/* Traffic by local hour and by weekday (Monday first), in relative units. */
static const unsigned short hour_weight[24] = {
	28, 18, 12, 9, 8, 10, 16, 28, 45, 60, 70, 76,
	80, 82, 88, 92, 95, 94, 90, 92, 96, 88, 66, 44,
};
static const unsigned short weekday_weight[7] = {
	100, 104, 103, 100, 92, 74, 80,
};
/* Crawlers, scanners and scripts do not sleep: their weight is flat. */
#define FLAT_WEIGHT 2300

/* Lines per arrival (x100), measured from the model; the rate controller
 * corrects for the difference, this only keeps the rhythm undistorted. */
#define LINES_PER_ARRIVAL_X100 1650

/* Address blocks no visitor comes from: private, loopback, multicast,
 * link-local, carrier NAT and the big blocks the US DoD never routes. */
static bool first_octet_allowed(unsigned o)
{
	static const unsigned char excluded[] = {
		0, 6, 7, 10, 11, 21, 22, 26, 28, 29, 30, 33, 55, 100, 127,
		169, 172, 192, 198, 203, 214, 215,
	};
	if (o == 0 || o >= 224)
		return false;
	for (size_t i = 0; i < sizeof(excluded); i++)
		if (excluded[i] == o)
			return false;
	return true;
}

static const uint16_t ipv6_prefixes[][2] = {
	{ 0x2a02, 0x8109 }, { 0x2003, 0x00e2 }, { 0x2a01, 0x0cb19 },
	{ 0x2600, 0x1700 }, { 0x2601, 0x018c }, { 0x2a00, 0x23c7 },
	{ 0x2a02, 0xa210 }, { 0x2001, 0x16b8 }, { 0x2a01, 0x0598 },
	{ 0x2405, 0x6e00 },
};

/* ------------------------------------------------------------------------
 * Options. */

enum format {
	FMT_COMBINED,
	FMT_COMMON,
	FMT_VHOST_COMBINED,
	FMT_APACHE_CUSTOM,
	FMT_NGINX_CUSTOM,
	FMT_NGINX_MAIN,
	FMT_NGINX_UPSTREAM,
	FMT_CADDY_JSON,
	FMT_TRAEFIK_JSON,
	FMT_NGINX_JSON,
};

struct options {
	uint64_t lines;
	uint64_t seed;
	int64_t start;      /* local wall-clock time, µs since 1970-01-01 */
	int offset_min;     /* the log's UTC offset */
	uint32_t days;
	enum format format;
	const char *site;
	uint32_t servers, server;
	uint32_t jitter;    /* seconds */
	uint32_t invalid_ppb;
	const char *output;
	const char *proxy;  /* --proxy: the load balancer's address, or NULL */
};

/* ------------------------------------------------------------------------
 * Calendar arithmetic (proleptic Gregorian, days since 1970-01-01). */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ------------------------------------------------------------------------
 * Small string builder over a fixed buffer: silently stops at the end, the
 * callers size their buffers so that it never does. */

struct sb {
	char *p;
	size_t n, cap;
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void sb_str(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_char(struct sb *b, char c)
{
	if (b->n < b->cap)
		b->p[b->n++] = c;
}

static void sb_u64(struct sb *b, uint64_t x)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	sb_put(b, tmp + i, sizeof(tmp) - i);
}

static void sb_hex(struct sb *b, uint64_t x, int digits)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = digits - 1; i >= 0; i--)
		sb_char(b, hex[(x >> (4 * i)) & 15]);
}

static void sb_random(struct sb *b, struct rng *r, const char *alphabet, unsigned n)
{
	size_t len = strlen(alphabet);
	for (unsigned i = 0; i < n; i++)
		sb_char(b, alphabet[rng_below(r, (uint32_t)len)]);
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void sb_ipv4(struct sb *b, uint32_t ip)
{
	for (int i = 3; i >= 0; i--) {
		sb_u64(b, (ip >> (8 * i)) & 255);
		if (i)
			sb_char(b, '.');
	}
}

/* RFC 5952 text form: lower-case hex, no leading zeros, the longest run of
 * two or more zero groups as "::". */
static void sb_ipv6(struct sb *b, const uint16_t g[8])
{
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sb_put(b, "::", 2);
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			sb_char(b, ':');
		bool started = false;
		for (int k = 3; k >= 0; k--) {
			unsigned nib = (g[i] >> (4 * k)) & 15;
			if (nib || started || k == 0) {
				sb_char(b, hex[nib]);
				started = true;
			}
		}
	}
}

/* ------------------------------------------------------------------------
 * The simulation's actors. */

enum agent_kind {
	K_HUMAN,
	K_BOT,
	K_SCRIPT,
	K_SCANNER,
	K_MAIL,
	K_ADMIN,
};

struct agent {
	char client[72];
	const char *ua;
	unsigned char client_len;
	unsigned char kind;
	unsigned char device;
	bool ios;
	bool http2;
	bool http10;
	bool cached;        /* has the site's css/js in its cache */
	bool carted;        /* left something in the cart */
	unsigned short visits;
	unsigned short bot; /* index into bots[] for K_BOT, staff for K_ADMIN */
	struct agent *all_next, *free_next;
};

/* One request of a burst; strings point into the visit's text or into
 * constant tables. */
struct item {
	int64_t t;
	const char *target;
	const char *referer;
	const char *user;
	uint32_t bytes;
	uint32_t dur;
	unsigned short target_len, referer_len;
	unsigned short status;
	unsigned char method;
	unsigned char vhost;
};

enum vhost {
	VH_SITE,
	VH_SITE_HTTP,   /* the site on port 80 (redirects to https) */
	VH_BARE,        /* the bare domain (redirects to www) */
};

enum page_kind {
	P_NONE,
	P_HOME,
	P_LIST,
	P_PRODUCT,
	P_BLOG_INDEX,
	P_BLOG,
	P_SEARCH,
	P_INFO,
	P_CART,
	P_CHECKOUT,
	P_COMPLETE,
	P_LP,
	P_LOGIN,
	P_ACCOUNT,
	P_THANKS,
	P_MISSING,
};

enum pre_request {
	PRE_NONE,
	PRE_HTTP,            /* http://site/... 301 first */
	PRE_BARE,            /* https://bare-domain/... 301 first */
	PRE_CART_ADD,        /* POST /cart/add 302 */
	PRE_CHECKOUT_POST,   /* POST /checkout 303 */
	PRE_LOGIN_POST,      /* POST /account/login 302 */
	PRE_SUBSCRIBE,       /* POST /newsletter/subscribe 303 */
};

#define MAX_ITEMS 40
#define URL_CAP 1024
#define TEXT_CAP 6144

struct visit {
	struct agent *a;
	int64_t page_t;            /* time of the current page */
	int64_t last_t;            /* time of the last item of the burst */
	unsigned char n_items, next_item;
	unsigned char page;        /* enum page_kind of the current page */
	unsigned char failed;      /* the last page answered 5xx */
	unsigned char fail_page;
	unsigned char variant;     /* 'a', 'b' or 0 */
	bool in_cart;
	bool converted;
	unsigned short page_id;
	unsigned short fail_id;
	unsigned short pages;
	unsigned short left;       /* requests left, for non-human visits */
	unsigned short intent;     /* purchase propensity, 100 = average */
	uint32_t recipient;        /* e-mail opens: whose mail it is */
	uint64_t seen_products;    /* product images already loaded */
	unsigned url_len;
	unsigned text_len;
	char url[URL_CAP];         /* the current page's URL (next referer) */
	struct item items[MAX_ITEMS];
	char text[TEXT_CAP];
	struct visit *next;
};

enum event_type {
	EV_VISIT,
	EV_RETURN,
};

struct event {
	int64_t t;
	uint64_t seq;
	void *p;
	int type;
};

/* ------------------------------------------------------------------------
 * The writer: formats requests into a large buffer, optionally through a
 * reorder queue that models logging at completion. */

struct pending_line {
	int64_t key;
	uint64_t seq;
	char *line;
	size_t len;
};

struct writer {
	FILE *f;
	const struct options *o;
	char *buf;
	size_t len;
	bool failed;
	const char *site, *bare;
	size_t site_len, bare_len;
	char offset[6];
	int64_t cached_sec;
	char time_text[20];        /* dd/Mon/yyyy:HH:MM:SS */
	struct pending_line *q;
	size_t q_n, q_cap;
};

#define OUT_CAP (1u << 20)
#define LINE_MAX_BYTES 65536 /* a JSON line may escape a byte in six */

static void writer_flush(struct writer *w)
{
	if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->f) != w->len)
		w->failed = true;
	w->len = 0;
}

static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *put_u64(char *p, uint64_t x)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	return put(p, tmp + i, sizeof(tmp) - i);
}

/* Escapes a field the way the server does: Apache writes \" \\ and \xhh,
 * Nginx \xHH for '"', '\' and every byte outside printable ASCII. */
static char *put_escaped(char *p, const char *s, size_t n, bool nginx)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n) {
			unsigned char c = (unsigned char)s[run];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				break;
			run++;
		}
		p = put(p, s + i, run - i);
		if (run == n)
			break;
		unsigned char c = (unsigned char)s[run];
		*p++ = '\\';
		if (nginx) {
			*p++ = 'x';
			*p++ = upper[c >> 4];
			*p++ = upper[c & 15];
		} else if (c == '"' || c == '\\') {
			*p++ = (char)c;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			*p++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else {
			*p++ = 'x';
			*p++ = lower[c >> 4];
			*p++ = lower[c & 15];
		}
		i = run + 1;
	}
	return p;
}

static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static void two_digits(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

static const char *writer_time(struct writer *w, int64_t t)
{
	int64_t sec = floor_div(t, SEC);
	if (sec == w->cached_sec)
		return w->time_text;
	int64_t day = floor_div(sec, 86400);
	int64_t sod = sec - day * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	char *p = w->time_text;
	two_digits(p, d);
	p[2] = '/';
	memcpy(p + 3, month_names[m - 1], 3);
	p[6] = '/';
	p[7] = (char)('0' + (y / 1000) % 10);
	p[8] = (char)('0' + (y / 100) % 10);
	p[9] = (char)('0' + (y / 10) % 10);
	p[10] = (char)('0' + y % 10);
	p[11] = ':';
	two_digits(p + 12, (unsigned)(sod / 3600));
	p[14] = ':';
	two_digits(p + 15, (unsigned)(sod / 60 % 60));
	p[17] = ':';
	two_digits(p + 18, (unsigned)(sod % 60));
	w->cached_sec = sec;
	return w->time_text;
}

/* Milliseconds as Nginx writes $request_time: seconds, three decimals. */
static char *put_seconds(char *p, uint32_t ms)
{
	p = put_u64(p, ms / 1000);
	*p++ = '.';
	*p++ = (char)('0' + ms / 100 % 10);
	*p++ = (char)('0' + ms / 10 % 10);
	*p++ = (char)('0' + ms % 10);
	return p;
}

/* A client written as a host name rather than an address. */
static bool is_host_name(const char *c, size_t n)
{
	if (memchr(c, ':', n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(c[i] == '.' || (c[i] >= '0' && c[i] <= '9')))
			return true;
	return false;
}

/* A path nginx would serve from disk: a file extension in its last
 * segment. */
static bool is_static_target(const char *t, size_t n)
{
	size_t end = 0;
	while (end < n && t[end] != '?' && t[end] != '#')
		end++;
	for (size_t i = end; i-- > 0;) {
		if (t[i] == '/')
			return false;
		if (t[i] == '.')
			return i + 1 < end;
	}
	return false;
}


/* JSON string escaping as each server does it.  Caddy (zap) and Traefik
 * (Go's encoding/json, HTML escaping on) write invalid UTF-8 as \ufffd;
 * Traefik also writes < > & as \u003c \u003e \u0026; Nginx escape=json
 * escapes only '"', '\' and control bytes and passes other bytes on. */
enum json_style { JS_CADDY, JS_TRAEFIK, JS_NGINX };

static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
	if (c >= 0xf5 || len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

static char *put_json(char *p, const char *str, size_t n, enum json_style st)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	*p++ = '"';
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
			i++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			*p++ = '\\';
			*p++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			i++;
		} else if (c < 0x20 || (st == JS_TRAEFIK && (c == '<' || c == '>' || c == '&'))) {
			p = put(p, "\\u00", 4);
			*p++ = hexd[c >> 4];
			*p++ = hexd[c & 15];
			i++;
		} else if (c < 0x80 || st == JS_NGINX) {
			*p++ = (char)c;
			i++;
		} else {
			size_t len = utf8_seq(s + i, n - i);
			if (len) {
				p = put(p, str + i, len);
				i += len;
			} else {
				p = put(p, "\\ufffd", 6);
				i++;
			}
		}
	}
	*p++ = '"';
	return p;
}

/* digits of v (fewer than 10^width), written with width digits and its
 * trailing zeros dropped (Go's shortest float and RFC3339Nano forms) */
static char *put_frac(char *p, uint64_t v, int width)
{
	char tmp[12];
	for (int i = width - 1; i >= 0; i--, v /= 10)
		tmp[i] = (char)('0' + v % 10);
	int n = width;
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	if (n) {
		*p++ = '.';
		p = put(p, tmp, (size_t)n);
	}
	return p;
}

/* t (µs, wall clock at the offset) as RFC 3339, nanoseconds when nano,
 * "Z" for offset 0 when zulu. */
static char *put_rfc3339(char *p, int64_t t, int offset_min, bool nano, bool zulu)
{
	int64_t sec = floor_div(t, SEC), day = floor_div(sec, 86400), sod = sec - day * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	char b[20];
	b[0] = (char)('0' + (y / 1000) % 10);
	b[1] = (char)('0' + (y / 100) % 10);
	b[2] = (char)('0' + (y / 10) % 10);
	b[3] = (char)('0' + y % 10);
	b[4] = '-';
	two_digits(b + 5, m);
	b[7] = '-';
	two_digits(b + 8, d);
	b[10] = 'T';
	two_digits(b + 11, (unsigned)(sod / 3600));
	b[13] = ':';
	two_digits(b + 14, (unsigned)(sod / 60 % 60));
	b[16] = ':';
	two_digits(b + 17, (unsigned)(sod % 60));
	p = put(p, b, 19);
	if (nano)
		p = put_frac(p, (uint64_t)(t - sec * SEC) * 1000, 9);
	if (zulu && offset_min == 0) {
		*p++ = 'Z';
		return p;
	}
	int off = offset_min < 0 ? -offset_min : offset_min;
	*p++ = offset_min < 0 ? '-' : '+';
	two_digits(p, (unsigned)(off / 60));
	p[2] = ':';
	two_digits(p + 3, (unsigned)(off % 60));
	return p + 5;
}

static char *put_lit(char *p, const char *s)
{
	return put(p, s, strlen(s));
}

/* One request as Caddy, Traefik or Nginx (escape=json) writes it. */
static char *format_json(struct writer *w, char *p, const struct agent *a, const struct item *it)
{
	enum format fmt = w->o->format;
	enum json_style st = fmt == FMT_CADDY_JSON ? JS_CADDY : fmt == FMT_TRAEFIK_JSON ? JS_TRAEFIK : JS_NGINX;
	bool req = it->method != M_NONE && it->method != M_RAW;
	const char *method = req ? method_names[it->method] : "";
	const char *target = req ? it->target : "";
	size_t target_len = req ? it->target_len : 0;
	const char *proto = !req ? "" : a->http10 ? "HTTP/1.0" : a->http2 ? "HTTP/2.0" : "HTTP/1.1";
	const char *host = it->vhost == VH_BARE ? w->bare : w->site;
	size_t host_len = it->vhost == VH_BARE ? w->bare_len : w->site_len;
	int64_t utc = it->t - (int64_t)w->o->offset_min * 60 * SEC;
	unsigned port = (unsigned)(10000 + (uint64_t)it->t % 50000);
	bool referer = it->referer && it->referer_len;
	if (fmt == FMT_CADDY_JSON) {
		p = put_lit(p, "{\"level\":\"info\",\"ts\":");
		p = put_u64(p, (uint64_t)floor_div(utc, SEC));
		p = put_frac(p, (uint64_t)(utc - floor_div(utc, SEC) * SEC), 6);
		p = put_lit(p, ",\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":");
		p = put_json(p, a->client, a->client_len, st);
		p = put_lit(p, ",\"remote_port\":\"");
		p = put_u64(p, port);
		p = put_lit(p, "\",\"client_ip\":");
		p = put_json(p, a->client, a->client_len, st);
		p = put_lit(p, ",\"proto\":");
		p = put_json(p, proto, strlen(proto), st);
		p = put_lit(p, ",\"method\":");
		p = put_json(p, method, strlen(method), st);
		p = put_lit(p, ",\"host\":");
		p = put_json(p, host, host_len, st);
		p = put_lit(p, ",\"uri\":");
		p = put_json(p, target, target_len, st);
		p = put_lit(p, ",\"headers\":{\"Accept\":[\"*/*\"]");
		if (referer) {
			p = put_lit(p, ",\"Referer\":[");
			p = put_json(p, it->referer, it->referer_len, st);
			*p++ = ']';
		}
		if (a->ua[0]) {
			p = put_lit(p, ",\"User-Agent\":[");
			p = put_json(p, a->ua, strlen(a->ua), st);
			*p++ = ']';
		}
		p = put_lit(p, "}");
		if (it->vhost != VH_SITE_HTTP)
			p = put_lit(p, ",\"tls\":{\"resumed\":false,\"version\":772,\"cipher_suite\":4865,\"proto\":\"h2\",\"server_name\":\"www.example.com\"}");
		p = put_lit(p, "},\"bytes_read\":0,\"user_id\":");
		p = put_json(p, it->user ? it->user : "", it->user ? strlen(it->user) : 0, st);
		p = put_lit(p, ",\"duration\":");
		p = put_u64(p, it->dur / SEC);
		p = put_frac(p, it->dur % SEC, 6);
		p = put_lit(p, ",\"size\":");
		p = put_u64(p, it->bytes);
		p = put_lit(p, ",\"status\":");
		p = put_u64(p, it->status);
		p = put_lit(p, ",\"resp_headers\":{\"Server\":[\"Caddy\"],\"Content-Type\":[\"text/html; charset=utf-8\"]}}\n");
		return p;
	}
	if (fmt == FMT_TRAEFIK_JSON) {
		p = put_lit(p, "{\"ClientAddr\":\"");
		p = put(p, a->client, a->client_len);
		*p++ = ':';
		p = put_u64(p, port);
		p = put_lit(p, "\",\"ClientHost\":");
		p = put_json(p, a->client, a->client_len, st);
		p = put_lit(p, ",\"ClientPort\":\"");
		p = put_u64(p, port);
		p = put_lit(p, "\",\"ClientUsername\":\"-\",\"DownstreamContentSize\":");
		p = put_u64(p, it->bytes);
		p = put_lit(p, ",\"DownstreamStatus\":");
		p = put_u64(p, it->status);
		p = put_lit(p, ",\"Duration\":");
		p = put_u64(p, (uint64_t)it->dur * 1000);
		p = put_lit(p, ",\"OriginContentSize\":");
		p = put_u64(p, it->bytes);
		p = put_lit(p, ",\"OriginDuration\":");
		p = put_u64(p, (uint64_t)it->dur * 900);
		p = put_lit(p, ",\"OriginStatus\":");
		p = put_u64(p, it->status);
		p = put_lit(p, ",\"Overhead\":");
		p = put_u64(p, (uint64_t)it->dur * 100);
		p = put_lit(p, ",\"RequestAddr\":");
		p = put_json(p, host, host_len, st);
		p = put_lit(p, ",\"RequestContentSize\":0,\"RequestCount\":1,\"RequestHost\":");
		p = put_json(p, host, host_len, st);
		p = put_lit(p, ",\"RequestMethod\":");
		p = put_json(p, method, strlen(method), st);
		p = put_lit(p, ",\"RequestPath\":");
		p = put_json(p, target, target_len, st);
		p = put_lit(p, ",\"RequestPort\":\"-\",\"RequestProtocol\":");
		p = put_json(p, proto, strlen(proto), st);
		p = put_lit(p, it->vhost == VH_SITE_HTTP ? ",\"RequestScheme\":\"http\"" : ",\"RequestScheme\":\"https\"");
		p = put_lit(p, ",\"RetryAttempts\":0,\"RouterName\":\"web@docker\",\"ServiceName\":\"web@docker\",\"StartLocal\":\"");
		p = put_rfc3339(p, it->t, w->o->offset_min, true, true);
		p = put_lit(p, "\",\"StartUTC\":\"");
		p = put_rfc3339(p, utc, 0, true, true);
		p = put_lit(p, "\",\"entryPointName\":\"websecure\",\"level\":\"info\",\"msg\":\"\"");
		if (referer) {
			p = put_lit(p, ",\"request_Referer\":");
			p = put_json(p, it->referer, it->referer_len, st);
		}
		if (a->ua[0]) {
			p = put_lit(p, ",\"request_User-Agent\":");
			p = put_json(p, a->ua, strlen(a->ua), st);
		}
		p = put_lit(p, ",\"time\":\"");
		p = put_rfc3339(p, it->t + it->dur, w->o->offset_min, false, true);
		p = put_lit(p, "\"}\n");
		return p;
	}
	/* log_format main_json escape=json '{"time_iso8601":"$time_iso8601",'
	 * '"remote_addr":"$remote_addr","request":"$request","status":$status,'
	 * '"body_bytes_sent":$body_bytes_sent,"http_referer":"$http_referer",'
	 * '"http_user_agent":"$http_user_agent","request_time":"$request_time",'
	 * '"http_x_forwarded_for":"$http_x_forwarded_for"}'; */
	p = put_lit(p, "{\"time_iso8601\":\"");
	p = put_rfc3339(p, it->t, w->o->offset_min, false, false);
	p = put_lit(p, "\",\"remote_addr\":");
	p = put_json(p, a->client, a->client_len, st);
	p = put_lit(p, ",\"request\":");
	if (it->method == M_RAW) {
		p = put_json(p, it->target, it->target_len, st);
	} else if (req) {
		char line[LINE_MAX_BYTES];
		char *l = put(line, method, strlen(method));
		*l++ = ' ';
		size_t tn = target_len < LINE_MAX_BYTES - 32 ? target_len : LINE_MAX_BYTES - 32;
		l = put(l, target, tn);
		*l++ = ' ';
		l = put(l, proto, strlen(proto));
		p = put_json(p, line, (size_t)(l - line), st);
	} else {
		p = put_lit(p, "\"\"");
	}
	p = put_lit(p, ",\"status\":");
	p = put_u64(p, it->status);
	p = put_lit(p, ",\"body_bytes_sent\":");
	p = put_u64(p, it->bytes);
	p = put_lit(p, ",\"http_referer\":");
	p = put_json(p, referer ? it->referer : "", referer ? it->referer_len : 0, st);
	p = put_lit(p, ",\"http_user_agent\":");
	p = put_json(p, a->ua, strlen(a->ua), st);
	p = put_lit(p, ",\"request_time\":\"");
	p = put_seconds(p, it->dur / 1000);
	p = put_lit(p, "\",\"http_x_forwarded_for\":\"\"}\n");
	return p;
}

/* Formats one request as a log line (with its LF) at p; returns the end. */
static char *format_line(struct writer *w, char *p, const struct agent *a, const struct item *it)
{
	enum format fmt = w->o->format;
	if (fmt == FMT_CADDY_JSON || fmt == FMT_TRAEFIK_JSON || fmt == FMT_NGINX_JSON)
		return format_json(w, p, a, it);
	bool nginx = fmt == FMT_NGINX_CUSTOM || fmt == FMT_NGINX_MAIN || fmt == FMT_NGINX_UPSTREAM;
	/* behind --proxy, the balancer's address is logged and the visitor's
	 * goes in the X-Forwarded-For; host-name clients come directly */
	bool proxied = fmt == FMT_NGINX_MAIN && w->o->proxy && !is_host_name(a->client, a->client_len);

	if (fmt == FMT_VHOST_COMBINED) {
		if (it->vhost == VH_BARE)
			p = put(p, w->bare, w->bare_len);
		else
			p = put(p, w->site, w->site_len);
		p = put(p, it->vhost == VH_SITE_HTTP ? ":80 " : ":443 ", it->vhost == VH_SITE_HTTP ? 4 : 5);
	}
	if (proxied)
		p = put(p, w->o->proxy, strlen(w->o->proxy));
	else
		p = put(p, a->client, a->client_len);
	p = put(p, " - ", 3);
	if (it->user)
		p = put_escaped(p, it->user, strlen(it->user), nginx);
	else
		*p++ = '-';
	*p++ = ' ';
	*p++ = '[';
	p = put(p, writer_time(w, it->t), 20);
	*p++ = ' ';
	p = put(p, w->offset, 5);
	p = put(p, "] \"", 3);
	if (it->method == M_NONE) {
		if (!nginx)
			*p++ = '-';
	} else if (it->method == M_RAW) {
		p = put_escaped(p, it->target, it->target_len, nginx);
	} else {
		const char *m = method_names[it->method];
		p = put(p, m, strlen(m));
		*p++ = ' ';
		p = put_escaped(p, it->target, it->target_len, nginx);
		if (a->http10)
			p = put(p, " HTTP/1.0", 9);
		else if (a->http2)
			p = put(p, " HTTP/2.0", 9);
		else
			p = put(p, " HTTP/1.1", 9);
	}
	p = put(p, "\" ", 2);
	p = put_u64(p, it->status);
	*p++ = ' ';
	if (it->bytes == 0 && !nginx)
		*p++ = '-';
	else
		p = put_u64(p, it->bytes);
	if (fmt != FMT_COMMON) {
		p = put(p, " \"", 2);
		if (it->referer && it->referer_len)
			p = put_escaped(p, it->referer, it->referer_len, nginx);
		else
			*p++ = '-';
		p = put(p, "\" \"", 3);
		if (a->ua[0])
			p = put_escaped(p, a->ua, strlen(a->ua), nginx);
		else
			*p++ = '-';
		*p++ = '"';
	}
	if (fmt == FMT_APACHE_CUSTOM) {
		*p++ = ' ';
		p = put_u64(p, it->dur);
	} else if (fmt == FMT_NGINX_MAIN) {
		p = put(p, " \"", 2);
		if (!proxied) {
			*p++ = '-';
		} else {
			p = put(p, a->client, a->client_len);
			/* one visitor in four comes through a second hop
			 * (a corporate proxy), added after the first */
			if (a->client_len && (unsigned char)a->client[a->client_len - 1] % 4 == 0)
				p = put(p, ", 192.0.2.254", 13);
		}
		*p++ = '"';
	} else if (nginx) {
		/* $request_time: seconds with millisecond resolution */
		uint32_t ms = it->dur / 1000;
		*p++ = ' ';
		p = put_seconds(p, ms);
		if (fmt == FMT_NGINX_UPSTREAM) {
			/* nginx answers redirects, revalidations and static
			 * files itself: no upstream, "-" */
			*p++ = ' ';
			if (it->status == 301 || it->status == 304 || is_static_target(it->target, it->target_len)) {
				*p++ = '-';
			} else if (it->status >= 500) {
				/* a failed upstream was retried on the next:
				 * one time per try */
				p = put_seconds(p, ms / 2);
				p = put(p, ", ", 2);
				p = put_seconds(p, ms / 2 - ms / 8);
			} else {
				p = put_seconds(p, ms - ms / 8);
			}
		}
	}
	*p++ = '\n';
	return p;
}

/* An invalid line of one of seven kinds, made from the request it
 * precedes so that it looks like what really ends up in logs. */
static char *format_invalid(struct writer *w, char *p, const struct agent *a, const struct item *it, uint64_t h)
{
	switch (h % 7) {
	case 0: /* blank line */
		break;
	case 1: /* spaces only */
		p = put(p, "   \t ", 5);
		break;
	case 2: { /* truncated, as after a crash or a full disk */
		char *end = format_line(w, p, a, it);
		size_t len = (size_t)(end - p) - 1;
		p += len * (30 + (h >> 8) % 50) / 100;
		break;
	}
	case 3: { /* a line of the error log written to the wrong file */
		p = put(p, "[", 1);
		p = put(p, "Mon Mar 02 10:14:33.", 20);
		p = put_u64(p, 100000 + (h >> 8) % 900000);
		p = put(p, " 2026] [core:error] [pid ", 25);
		p = put_u64(p, 1000 + (h >> 12) % 30000);
		p = put(p, "] [client ", 10);
		p = put(p, a->client, a->client_len);
		p = put(p, ":51234] AH00126: Invalid URI in request GET /%%% HTTP/1.1", 58);
		break;
	}
	case 4: { /* month written in capitals: not a valid time */
		char *end = format_line(w, p, a, it);
		char *br = memchr(p, '[', (size_t)(end - p));
		if (br && br + 7 < end) {
			br[4] = (char)(br[4] & ~0x20);
			br[5] = (char)(br[5] & ~0x20);
			br[6] = (char)(br[6] & ~0x20);
		}
		p = end - 1;
		break;
	}
	case 5: { /* status out of range */
		struct item bad = *it;
		bad.status = 999;
		p = format_line(w, p, a, &bad) - 1;
		break;
	}
	default: /* a field too many */
		p = format_line(w, p, a, it) - 1;
		p = put(p, " \"extra\"", 8);
		break;
	}
	*p++ = '\n';
	return p;
}

static bool pending_less(const struct pending_line *x, const struct pending_line *y)
{
	return x->key < y->key || (x->key == y->key && x->seq < y->seq);
}

static bool queue_push(struct writer *w, struct pending_line pl)
{
	if (w->q_n == w->q_cap) {
		size_t cap = w->q_cap ? w->q_cap * 2 : 1024;
		struct pending_line *q = realloc(w->q, cap * sizeof(*q));
		if (!q)
			return false;
		w->q = q;
		w->q_cap = cap;
	}
	size_t i = w->q_n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!pending_less(&pl, &w->q[parent]))
			break;
		w->q[i] = w->q[parent];
		i = parent;
	}
	w->q[i] = pl;
	return true;
}

static struct pending_line queue_pop(struct writer *w)
{
	struct pending_line top = w->q[0];
	struct pending_line last = w->q[--w->q_n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= w->q_n)
			break;
		if (c + 1 < w->q_n && pending_less(&w->q[c + 1], &w->q[c]))
			c++;
		if (!pending_less(&w->q[c], &last))
			break;
		w->q[i] = w->q[c];
		i = c;
	}
	if (w->q_n)
		w->q[i] = last;
	return top;
}

static void writer_append(struct writer *w, const char *s, size_t n)
{
	if (w->len + n > OUT_CAP)
		writer_flush(w);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Writes the queued lines whose completion time has come. */
static void writer_release(struct writer *w, int64_t now, bool all)
{
	while (w->q_n && (all || w->q[0].key <= now)) {
		struct pending_line pl = queue_pop(w);
		writer_append(w, pl.line, pl.len);
		free(pl.line);
	}
}

static bool writer_request(struct writer *w, const struct agent *a, const struct item *it, uint64_t seq, uint64_t h)
{
	const struct options *o = w->o;
	if (w->len + 2 * LINE_MAX_BYTES > OUT_CAP)
		writer_flush(w);
	char *start = w->buf + w->len;
	char *p = start;
	uint64_t h2 = mix64(h ^ UINT64_C(0x5851f42d4c957f2d));
	if (o->invalid_ppb && h2 % 1000000000u < o->invalid_ppb)
		p = format_invalid(w, p, a, it, mix64(h2));
	p = format_line(w, p, a, it);
	size_t n = (size_t)(p - start);
	if (!o->jitter) {
		w->len += n;
		return true;
	}
	/* Logged at completion: most requests finish within their duration,
	 * a few (slow clients, large downloads) up to --jitter seconds later. */
	uint64_t h3 = mix64(h2 + 1);
	int64_t delay = it->dur;
	if (h3 % 100 < 4)
		delay = (int64_t)((h3 >> 8) % ((uint64_t)o->jitter * SEC + 1));
	struct pending_line pl = { it->t + delay, seq, malloc(n), n };
	if (!pl.line)
		return false;
	memcpy(pl.line, start, n);
	if (!queue_push(w, pl)) {
		free(pl.line);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * The simulation. */

struct sim {
	const struct options *o;
	struct rng r;
	struct writer w;
	struct event *heap;
	size_t heap_n, heap_cap;
	uint64_t ev_seq;
	uint64_t lines_done;
	uint64_t arrivals;
	uint64_t line_seed;
	int64_t next_arrival;
	int64_t end;
	int64_t first_hour;        /* absolute hour index of start */
	int64_t *suffix;           /* remaining weight from each hour on */
	size_t n_hours;
	int64_t min_remaining;
	int64_t incident_start, incident_end;
	uint64_t agent_seq;
	uint64_t order_no;
	uint32_t ip_keys[4];
	uint32_t ip_space;         /* size of the visitor address space */
	unsigned char octets[224];
	unsigned n_octets;
	unsigned nat_used[40];
	bool admin_busy[2];
	unsigned ua_step;
	uint32_t bot_counter[ARRAY_LEN(bots)];
	struct agent *free_agents, *all_agents;
	struct visit *free_visits, *all_visits;
	bool oom;
};

static unsigned hour_of(int64_t t)
{
	return (unsigned)(floor_div(t, HOUR) % 24 + 24) % 24;
}

static unsigned weekday_of(int64_t t)
{
	return (unsigned)((floor_div(t, DAY) + 3) % 7 + 7) % 7;
}

static uint32_t human_weight_at(int64_t t)
{
	return (uint32_t)hour_weight[hour_of(t)] * weekday_weight[weekday_of(t)];
}

static uint32_t weight_at(int64_t t)
{
	return human_weight_at(t) + FLAT_WEIGHT;
}

/* --- events --- */

static bool event_less(const struct event *x, const struct event *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void heap_push(struct sim *s, int64_t t, void *p, int type)
{
	if (s->heap_n == s->heap_cap) {
		size_t cap = s->heap_cap ? s->heap_cap * 2 : 1024;
		struct event *h = realloc(s->heap, cap * sizeof(*h));
		if (!h) {
			s->oom = true;
			return;
		}
		s->heap = h;
		s->heap_cap = cap;
	}
	struct event ev = { t, s->ev_seq++, p, type };
	size_t i = s->heap_n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!event_less(&ev, &s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = ev;
}

static struct event heap_pop(struct sim *s)
{
	struct event top = s->heap[0];
	struct event last = s->heap[--s->heap_n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->heap_n)
			break;
		if (c + 1 < s->heap_n && event_less(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!event_less(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->heap_n)
		s->heap[i] = last;
	return top;
}

/* --- pools --- */

static struct agent *agent_new(struct sim *s, int kind)
{
	struct agent *a = s->free_agents;
	if (a) {
		s->free_agents = a->free_next;
	} else {
		a = malloc(sizeof(*a));
		if (!a) {
			s->oom = true;
			return NULL;
		}
		a->all_next = s->all_agents;
		s->all_agents = a;
	}
	struct agent *keep = a->all_next;
	memset(a, 0, sizeof(*a));
	a->all_next = keep;
	a->kind = (unsigned char)kind;
	a->ua = "";
	return a;
}

/* Agents stay on the all-list (for cleanup); the free list reuses them. */
static void agent_free(struct sim *s, struct agent *a)
{
	a->free_next = s->free_agents;
	s->free_agents = a;
}

static struct visit *visit_new(struct sim *s, struct agent *a)
{
	struct visit *v = s->free_visits;
	if (v) {
		s->free_visits = v->next;
	} else {
		v = malloc(sizeof(*v));
		if (!v) {
			s->oom = true;
			return NULL;
		}
	}
	v->a = a;
	v->page_t = v->last_t = 0;
	v->n_items = v->next_item = 0;
	v->page = P_NONE;
	v->failed = 0;
	v->fail_page = 0;
	v->variant = 0;
	v->in_cart = a->carted;
	v->converted = false;
	v->page_id = v->fail_id = 0;
	v->pages = 0;
	v->left = 0;
	v->intent = 100;
	v->recipient = 0;
	v->seen_products = 0;
	v->url_len = 0;
	v->text_len = 0;
	v->next = NULL;
	return v;
}

static void visit_free(struct sim *s, struct visit *v)
{
	v->next = s->free_visits;
	s->free_visits = v;
}

/* --- client addresses --- */

static uint32_t feistel32(uint32_t x, const uint32_t k[4])
{
	uint32_t l = x >> 16, r = x & 0xffff;
	for (int i = 0; i < 4; i++) {
		uint32_t f = (r ^ k[i]) * 0x9e3779b1u;
		f ^= f >> 15;
		f *= 0x85ebca6bu;
		f ^= f >> 13;
		uint32_t nl = r;
		r = l ^ (f & 0xffff);
		l = nl;
	}
	return (l << 16) | r;
}

/* Maps a visitor number to a public IPv4 address: a keyed permutation of
 * the allowed address space (cycle walking), so distinct numbers always
 * give distinct addresses that look scattered over the Internet. */
static uint32_t visitor_ipv4(const struct sim *s, uint32_t i)
{
	uint32_t x = i;
	do
		x = feistel32(x, s->ip_keys);
	while (x >= s->ip_space);
	return ((uint32_t)s->octets[x >> 24] << 24) | (x & 0xffffff);
}

static void set_client_ipv4(struct agent *a, uint32_t ip)
{
	struct sb b = { a->client, 0, sizeof(a->client) };
	sb_ipv4(&b, ip);
	a->client_len = (unsigned char)b.n;
}

static void set_client_hostname(struct agent *a, uint32_t ip)
{
	struct sb b = { a->client, 0, sizeof(a->client) };
	unsigned o1 = ip >> 24, o2 = (ip >> 16) & 255, o3 = (ip >> 8) & 255, o4 = ip & 255;
	switch (ip % 4) {
	case 0:
		sb_char(&b, 'p');
		sb_hex(&b, ip, 8);
		sb_str(&b, ".dip0.t-ipconnect.de");
		break;
	case 1:
		sb_str(&b, "c-");
		sb_u64(&b, o1);
		sb_char(&b, '-');
		sb_u64(&b, o2);
		sb_char(&b, '-');
		sb_u64(&b, o3);
		sb_char(&b, '-');
		sb_u64(&b, o4);
		sb_str(&b, ".hsd1.ca.comcast.net");
		break;
	case 2:
		sb_str(&b, "host");
		sb_u64(&b, o4);
		sb_char(&b, '-');
		sb_u64(&b, o3);
		sb_char(&b, '-');
		sb_u64(&b, o2);
		sb_char(&b, '-');
		sb_u64(&b, o1);
		sb_str(&b, ".range86-");
		sb_u64(&b, o3);
		sb_str(&b, ".btcentralplus.com");
		break;
	default:
		sb_str(&b, "dynamic-");
		sb_u64(&b, o1);
		sb_char(&b, '-');
		sb_u64(&b, o2);
		sb_char(&b, '-');
		sb_u64(&b, o3);
		sb_char(&b, '-');
		sb_u64(&b, o4);
		sb_str(&b, ".dsl.example-isp.net");
		break;
	}
	a->client_len = (unsigned char)b.n;
}

static void set_client_ipv6(const struct sim *s, struct agent *a, uint64_t i)
{
	uint64_t iid = mix64(i ^ s->o->seed ^ UINT64_C(0x6a09e667f3bcc908));
	uint64_t net = mix64(iid + 17);
	const uint16_t *pre = ipv6_prefixes[net % ARRAY_LEN(ipv6_prefixes)];
	uint16_t g[8] = {
		pre[0], pre[1], (uint16_t)(net >> 16), (uint16_t)(net >> 32 & 0xff00),
		(uint16_t)(iid >> 48), (uint16_t)(iid >> 32), (uint16_t)(iid >> 16), (uint16_t)iid,
	};
	struct sb b = { a->client, 0, sizeof(a->client) };
	sb_ipv6(&b, g);
	a->client_len = (unsigned char)b.n;
}

static unsigned pick_browser(struct rng *r)
{
	uint32_t total = 0;
	for (size_t i = 0; i < ARRAY_LEN(browsers); i++)
		total += browsers[i].weight;
	uint32_t x = rng_below(r, total);
	for (size_t i = 0; i < ARRAY_LEN(browsers); i++) {
		if (x < browsers[i].weight)
			return (unsigned)i;
		x -= browsers[i].weight;
	}
	return 0;
}

static void set_browser(struct sim *s, struct agent *a, unsigned b)
{
	a->ua = browsers[b].ua;
	a->device = browsers[b].device;
	a->ios = browsers[b].ios;
	a->http2 = rng_chance(&s->r, 8800);
}

/* A new person.  Addresses are unique per person except behind the shared
 * addresses of offices and schools, where every person has a different
 * browser: the pair (address, user agent) is always unique. */
static struct agent *new_person(struct sim *s)
{
	struct agent *a = agent_new(s, K_HUMAN);
	if (!a)
		return NULL;
	uint32_t id = (uint32_t)s->agent_seq++;
	uint32_t x = rng_below(&s->r, 1000);
	if (x < 40) {
		unsigned g = rng_below(&s->r, ARRAY_LEN(s->nat_used));
		if (s->nat_used[g] < ARRAY_LEN(browsers)) {
			unsigned m = s->nat_used[g]++;
			unsigned b = (g * 7 + m * s->ua_step) % (unsigned)ARRAY_LEN(browsers);
			set_client_ipv4(a, visitor_ipv4(s, s->ip_space - 1 - g));
			set_browser(s, a, b);
			return a;
		}
	}
	if (x >= 40 && x < 210)
		set_client_ipv6(s, a, id);
	else if (x >= 210 && x < 225)
		set_client_hostname(a, visitor_ipv4(s, id));
	else
		set_client_ipv4(a, visitor_ipv4(s, id));
	set_browser(s, a, pick_browser(&s->r));
	return a;
}

/* --- bursts --- */

static void burst_begin(struct visit *v)
{
	v->n_items = v->next_item = 0;
	v->text_len = 0;
}

static struct sb text_begin(struct visit *v)
{
	struct sb b = { v->text + v->text_len, 0, TEXT_CAP - v->text_len };
	return b;
}

static const char *text_commit(struct visit *v, const struct sb *b)
{
	const char *p = v->text + v->text_len;
	v->text_len += (unsigned)b->n;
	return p;
}

static const char *text_copy(struct visit *v, const char *s, size_t n, unsigned short *len)
{
	struct sb b = text_begin(v);
	sb_put(&b, s, n);
	*len = (unsigned short)b.n;
	return text_commit(v, &b);
}

static struct item *add_item(struct visit *v, int64_t t, int method, const char *target, size_t target_len, unsigned status, uint32_t bytes, uint32_t dur)
{
	if (v->n_items >= MAX_ITEMS)
		return NULL;
	struct item *it = &v->items[v->n_items++];
	it->t = t;
	it->target = target;
	it->target_len = (unsigned short)target_len;
	it->referer = NULL;
	it->referer_len = 0;
	it->user = NULL;
	it->bytes = status == 304 || method == M_HEAD ? 0 : bytes;
	it->dur = dur;
	it->status = (unsigned short)status;
	it->method = (unsigned char)method;
	it->vhost = VH_SITE;
	return it;
}

static void set_referer(struct item *it, const char *ref, size_t len)
{
	if (!it)
		return;
	it->referer = ref;
	it->referer_len = (unsigned short)len;
}

/* Orders a burst by time (stable: equal times keep their order). */
static void burst_sort(struct visit *v)
{
	for (unsigned i = 1; i < v->n_items; i++) {
		struct item x = v->items[i];
		unsigned j = i;
		while (j > 0 && v->items[j - 1].t > x.t) {
			v->items[j] = v->items[j - 1];
			j--;
		}
		v->items[j] = x;
	}
	v->last_t = v->n_items ? v->items[v->n_items - 1].t : 0;
}

static uint32_t static_duration(struct sim *s, uint32_t bytes)
{
	return (uint32_t)(120 + bytes / 40 + rng_exp(&s->r, 400));
}

static uint32_t page_duration(struct sim *s, int64_t base_ms, int64_t mean_ms)
{
	int64_t d = base_ms * MSEC + rng_exp(&s->r, mean_ms * MSEC);
	if (d > 30 * SEC)
		d = 30 * SEC;
	return (uint32_t)d;
}

static bool in_incident(const struct sim *s, int64_t t)
{
	return t >= s->incident_start && t < s->incident_end;
}

/* --- pages --- */

static void product_image_path(struct sb *b, unsigned product, const char *suffix)
{
	sb_str(b, "/images/products/");
	sb_str(b, products[product].slug);
	sb_str(b, suffix);
}

static uint32_t image_bytes(const char *path, size_t n, uint32_t lo, uint32_t spread)
{
	return lo + fnv1a(path, n) % spread;
}

static void add_asset(struct sim *s, struct visit *v, int64_t t, unsigned id, unsigned status, const char *ref, size_t ref_len)
{
	const struct asset *as = &assets[id];
	uint32_t bytes = status == 404 ? 3187 : as->bytes;
	struct item *it = add_item(v, t, M_GET, as->path, strlen(as->path), status, bytes,
		status == 304 ? (uint32_t)(90 + rng_exp(&s->r, 150)) : static_duration(s, bytes));
	set_referer(it, ref, ref_len);
}

static void add_image(struct sim *s, struct visit *v, int64_t t, const char *path, size_t n, uint32_t lo, uint32_t spread)
{
	uint32_t bytes = image_bytes(path, n, lo, spread);
	struct item *it = add_item(v, t, M_GET, path, n, 200, bytes, static_duration(s, bytes));
	set_referer(it, v->url, v->url_len);
}

/* What a browser fetches after a page: the site's css, scripts and fonts
 * when its cache is cold (304s when it revalidates), then the page's own
 * images. */
static void add_page_assets(struct sim *s, struct visit *v, int64_t t, int kind, unsigned id, const char *css_url, size_t css_len)
{
	struct rng *r = &s->r;
	struct agent *a = v->a;
	if (!a->cached) {
		add_asset(s, v, t + rng_range(r, 20, 120) * MSEC, A_CSS, 200, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 25, 140) * MSEC, A_VENDOR_JS, 200, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 25, 150) * MSEC, A_APP_JS, 200, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 150, 400) * MSEC, A_FONT_TEXT, 200, css_url, css_len);
		if (rng_chance(r, 7000))
			add_asset(s, v, t + rng_range(r, 150, 420) * MSEC, A_FONT_ITALIC, 200, css_url, css_len);
		add_asset(s, v, t + rng_range(r, 60, 300) * MSEC, A_LOGO, 200, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 500, 1400) * MSEC, A_FAVICON, 200, v->url, v->url_len);
		if (a->ios && rng_chance(r, 3000)) {
			add_asset(s, v, t + rng_range(r, 600, 1500) * MSEC, A_TOUCH_ICON_PRE, 404, NULL, 0);
			add_asset(s, v, t + rng_range(r, 600, 1500) * MSEC, A_TOUCH_ICON, 404, NULL, 0);
		}
		a->cached = true;
	} else if (v->pages == 0 && rng_chance(r, 6000)) {
		/* a returning browser revalidates what it has */
		add_asset(s, v, t + rng_range(r, 20, 120) * MSEC, A_CSS, 304, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 25, 140) * MSEC, A_VENDOR_JS, 304, v->url, v->url_len);
		add_asset(s, v, t + rng_range(r, 25, 150) * MSEC, A_APP_JS, 304, v->url, v->url_len);
	}

	struct sb b;
	switch (kind) {
	case P_HOME:
	case P_LIST: {
		if (kind == P_HOME)
			add_asset(s, v, t + rng_range(r, 80, 500) * MSEC, A_HERO, 200, v->url, v->url_len);
		unsigned n = kind == P_HOME ? 4 : 8;
		unsigned first = rng_below(r, (uint32_t)ARRAY_LEN(products));
		for (unsigned i = 0; i < n; i++) {
			if (!rng_chance(r, 8500))
				continue;
			unsigned p = (first + i * 5) % (unsigned)ARRAY_LEN(products);
			b = text_begin(v);
			product_image_path(&b, p, "-thumb.webp");
			const char *path = text_commit(v, &b);
			add_image(s, v, t + rng_range(r, 100, 900) * MSEC, path, b.n, 6000, 14000);
		}
		break;
	}
	case P_PRODUCT:
		if (id < 64 && (v->seen_products >> id & 1))
			break;
		if (id < 64)
			v->seen_products |= UINT64_C(1) << id;
		for (unsigned i = 0; i < 3; i++) {
			if (i == 2 && rng_chance(r, 5000))
				break;
			b = text_begin(v);
			product_image_path(&b, id, i == 0 ? ".jpg" : i == 1 ? "-2.jpg" : "-3.jpg");
			const char *path = text_commit(v, &b);
			add_image(s, v, t + rng_range(r, 90, 800) * MSEC, path, b.n, 38000, 150000);
		}
		break;
	case P_BLOG:
		b = text_begin(v);
		sb_str(&b, "/images/blog/");
		sb_str(&b, blog_posts[id]);
		sb_str(&b, ".webp");
		{
			const char *path = text_commit(v, &b);
			add_image(s, v, t + rng_range(r, 90, 700) * MSEC, path, b.n, 30000, 60000);
		}
		break;
	case P_LP:
		add_asset(s, v, t + rng_range(r, 80, 500) * MSEC, A_HERO, 200, v->url, v->url_len);
		b = text_begin(v);
		sb_str(&b, "/assets/img/lp-spring-");
		sb_char(&b, (char)(v->variant ? v->variant : 'a'));
		sb_str(&b, ".webp");
		{
			const char *path = text_commit(v, &b);
			add_image(s, v, t + rng_range(r, 90, 700) * MSEC, path, b.n, 52000, 20000);
		}
		break;
	case P_CART:
	case P_CHECKOUT:
		if (v->pages < 2 || rng_chance(r, 2500))
			add_asset(s, v, t + rng_range(r, 30, 200) * MSEC, A_CHECKOUT_JS, 200, v->url, v->url_len);
		break;
	default:
		break;
	}
}

/* Writes the target of a page into b. */
static void page_target(struct sim *s, struct visit *v, struct sb *b, int kind, unsigned id)
{
	struct rng *r = &s->r;
	switch (kind) {
	case P_HOME:
		sb_char(b, '/');
		break;
	case P_LIST:
		sb_str(b, "/products/");
		if (rng_chance(r, 6000)) {
			sb_str(b, "?category=");
			sb_str(b, categories[id % ARRAY_LEN(categories)]);
			if (rng_chance(r, 2500))
				sb_str(b, rng_chance(r, 5000) ? "&sort=price-asc" : "&sort=newest");
		} else if (rng_chance(r, 2500)) {
			sb_str(b, "?page=");
			sb_u64(b, 2 + rng_below(r, 3));
		}
		break;
	case P_PRODUCT:
		sb_str(b, "/products/");
		sb_str(b, products[id].slug);
		break;
	case P_BLOG_INDEX:
		sb_str(b, rng_chance(r, 1200) ? "/blog/?page=2" : "/blog/");
		break;
	case P_BLOG:
		sb_str(b, "/blog/");
		sb_str(b, blog_posts[id]);
		break;
	case P_SEARCH:
		sb_str(b, "/search?q=");
		sb_str(b, site_search_terms[id % ARRAY_LEN(site_search_terms)]);
		if (rng_chance(r, 1000))
			sb_str(b, "&page=2");
		break;
	case P_INFO:
		sb_str(b, info_pages[id % ARRAY_LEN(info_pages)]);
		break;
	case P_CART:
		sb_str(b, "/cart");
		break;
	case P_CHECKOUT:
		sb_str(b, "/checkout");
		break;
	case P_COMPLETE:
		sb_str(b, "/order/complete?order=");
		sb_u64(b, ++s->order_no);
		break;
	case P_LP:
		sb_str(b, "/lp/spring?variant=");
		sb_char(b, (char)v->variant);
		break;
	case P_LOGIN:
		sb_str(b, "/account/login");
		break;
	case P_ACCOUNT:
		sb_str(b, "/account");
		break;
	case P_THANKS:
		sb_str(b, "/newsletter/thanks");
		break;
	case P_MISSING:
		sb_str(b, missing_pages[id % ARRAY_LEN(missing_pages)]);
		break;
	default:
		sb_char(b, '/');
		break;
	}
}

static uint32_t page_bytes(struct sim *s, int kind, unsigned id)
{
	struct rng *r = &s->r;
	switch (kind) {
	case P_HOME:
		return 14200 + rng_below(r, 600);
	case P_LIST:
		return 16100 + rng_below(r, 2400);
	case P_PRODUCT:
		return 11800 + fnv1a(products[id].slug, strlen(products[id].slug)) % 2600 + rng_below(r, 300);
	case P_BLOG_INDEX:
		return 12900 + rng_below(r, 500);
	case P_BLOG:
		return 9100 + fnv1a(blog_posts[id], strlen(blog_posts[id])) % 9000 + rng_below(r, 200);
	case P_SEARCH:
		return 8800 + rng_below(r, 7000);
	case P_INFO:
		return 7400 + id * 611 + rng_below(r, 100);
	case P_CART:
		return 9600 + rng_below(r, 1800);
	case P_CHECKOUT:
		return 12400 + rng_below(r, 900);
	case P_COMPLETE:
		return 8100 + rng_below(r, 300);
	case P_LP:
		return 10200 + rng_below(r, 400);
	case P_MISSING:
		return 3187;
	default:
		return 6900 + rng_below(r, 500);
	}
}

static uint32_t page_dur_for(struct sim *s, int kind)
{
	switch (kind) {
	case P_SEARCH:
		return page_duration(s, 60, 140);
	case P_CHECKOUT:
	case P_CART:
		return page_duration(s, 40, 90);
	case P_MISSING:
		return page_duration(s, 2, 4);
	default:
		return page_duration(s, 15, 45);
	}
}

/* Builds the burst of one human pageview at time t: an optional request
 * before it (a redirect, a form post), the page, and its assets.  The
 * referer is the current page's URL (the referring page for an entry). */
static void human_page(struct sim *s, struct visit *v, int64_t t, int kind, unsigned id, const char *query, int pre, int method, unsigned force_status)
{
	struct rng *r = &s->r;
	struct writer *w = &s->w;
	burst_begin(v);
	unsigned short ref_len = 0;
	const char *ref = v->url_len ? text_copy(v, v->url, v->url_len, &ref_len) : NULL;

	struct sb b = text_begin(v);
	page_target(s, v, &b, kind, id);
	if (query) {
		sb_char(&b, memchr(b.p, '?', b.n) ? '&' : '?');
		sb_str(&b, query);
	}
	const char *target = text_commit(v, &b);
	size_t target_len = b.n;

	struct item *it;
	switch (pre) {
	case PRE_HTTP:
	case PRE_BARE:
		it = add_item(v, t, M_GET, target, target_len, 301, 235, (uint32_t)(150 + rng_exp(r, 300)));
		if (it)
			it->vhost = pre == PRE_HTTP ? VH_SITE_HTTP : VH_BARE;
		set_referer(it, ref, ref_len);
		t += rng_range(r, 40, 250) * MSEC;
		break;
	case PRE_CART_ADD:
		it = add_item(v, t, M_POST, "/cart/add", 9, 302, 0, page_duration(s, 30, 60));
		set_referer(it, ref, ref_len);
		t += rng_range(r, 80, 400) * MSEC;
		break;
	case PRE_CHECKOUT_POST:
		it = add_item(v, t, M_POST, "/checkout", 9, 303, 0, page_duration(s, 350, 500));
		set_referer(it, ref, ref_len);
		t += rng_range(r, 400, 2000) * MSEC;
		break;
	case PRE_LOGIN_POST:
		it = add_item(v, t, M_POST, "/account/login", 14, 302, 0, page_duration(s, 120, 80));
		set_referer(it, ref, ref_len);
		t += rng_range(r, 80, 400) * MSEC;
		break;
	case PRE_SUBSCRIBE:
		it = add_item(v, t, M_POST, "/newsletter/subscribe", 21, 303, 0, page_duration(s, 60, 80));
		set_referer(it, ref, ref_len);
		t += rng_range(r, 80, 400) * MSEC;
		break;
	default:
		break;
	}

	unsigned status = 200;
	uint32_t bytes = page_bytes(s, kind, id);
	uint32_t dur = page_dur_for(s, kind);
	if (force_status)
		status = force_status;
	else if (kind == P_MISSING)
		status = 404;
	else if (in_incident(s, t) && rng_chance(r, 6000))
		status = 503;
	else if (rng_chance(r, 15))
		status = 500;
	else if (v->a->visits > 1 && method == M_GET && (kind == P_BLOG || kind == P_HOME) && rng_chance(r, 1500))
		status = 304;
	if (status == 503) {
		bytes = 299;
		dur = (uint32_t)(200 + rng_exp(r, 300));
	} else if (status == 500) {
		bytes = 612;
	} else if (status == 502) {
		bytes = 552;
		dur = (uint32_t)(2 * SEC + rng_exp(r, 3 * SEC));
	}
	it = add_item(v, t, method, target, target_len, status, bytes, dur);
	set_referer(it, ref, ref_len);
	v->page_t = t;
	v->pages++;

	if (status >= 500) {
		/* the browser stays on the previous page; the user may retry */
		v->failed = 1;
		v->fail_page = (unsigned char)kind;
		v->fail_id = (unsigned short)id;
		burst_sort(v);
		return;
	}
	v->failed = 0;
	v->page = (unsigned char)kind;
	v->page_id = (unsigned short)id;
	struct sb u = { v->url, 0, URL_CAP };
	sb_str(&u, "https://");
	sb_put(&u, w->site, w->site_len);
	sb_put(&u, target, target_len);
	v->url_len = (unsigned)u.n;
	if (status == 200 || status == 404) {
		b = text_begin(v);
		sb_str(&b, "https://");
		sb_put(&b, w->site, w->site_len);
		sb_str(&b, assets[A_CSS].path);
		const char *css_url = text_commit(v, &b);
		add_page_assets(s, v, t, kind, id, css_url, b.n);
	}
	burst_sort(v);
}

/* Think time before the next page: mostly seconds to a few minutes; some
 * pauses over 30 minutes (the tab stays open, the visit is cut). */
static int64_t think_time(struct sim *s, const struct visit *v)
{
	struct rng *r = &s->r;
	if (v->failed)
		return rng_range(r, 3, 20) * SEC;
	uint32_t x = rng_below(r, 1000);
	int64_t t;
	if (x < 30)
		t = 31 * MINUTE + rng_below(r, 6000) * SEC;
	else if (x < 330)
		t = 45 * SEC + rng_exp(r, 90 * SEC);
	else
		t = 3 * SEC + rng_exp(r, 22 * SEC);
	if (v->page == P_BLOG && x >= 30)
		t = t * 2;
	if (v->page == P_CHECKOUT && x >= 30)
		t += rng_range(r, 30, 150) * SEC;
	if (t > 29 * MINUTE && x >= 30)
		t = 29 * MINUTE;
	return t;
}

static unsigned random_product(struct sim *s)
{
	return pick_popular(&s->r, (unsigned)ARRAY_LEN(products));
}

static unsigned random_blog(struct sim *s)
{
	return pick_popular(&s->r, (unsigned)ARRAY_LEN(blog_posts));
}

static unsigned scaled_bp(unsigned bp, unsigned intent, unsigned cap)
{
	unsigned x = bp * intent / 100;
	return x > cap ? cap : x;
}

/* Decides the next page of a human visit after the current burst; returns
 * false when the visitor leaves. */
static bool human_next(struct sim *s, struct visit *v)
{
	struct rng *r = &s->r;
	int64_t t = v->page_t + think_time(s, v);
	if (t < v->last_t + 300 * MSEC)
		t = v->last_t + 300 * MSEC;
	if (v->pages >= 60)
		return false;

	if (v->failed) {
		if (rng_chance(r, 3500))
			return false;
		if (rng_chance(r, 6000)) {
			if (v->fail_page == P_CHECKOUT && v->page == P_CHECKOUT) {
				/* the payment went through on the second try */
				human_page(s, v, t, P_COMPLETE, 0, NULL, PRE_CHECKOUT_POST, M_GET, 0);
				v->in_cart = false;
				v->converted = true;
				v->a->carted = false;
			} else {
				human_page(s, v, t, v->fail_page, v->fail_id, NULL, PRE_NONE, M_GET, 0);
			}
			return true;
		}
		v->failed = 0;
	}

	unsigned x = rng_below(r, 100);
	switch (v->page) {
	case P_NONE:
		return false;
	case P_HOME:
		if (rng_chance(r, 2600))
			return false;
		if (x < 33)
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		else if (x < 60)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 69)
			human_page(s, v, t, P_BLOG_INDEX, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 79)
			human_page(s, v, t, P_SEARCH, rng_below(r, 64), NULL, PRE_NONE, M_GET, 0);
		else if (x < 87)
			human_page(s, v, t, P_INFO, pick_popular(r, (unsigned)ARRAY_LEN(info_pages)), NULL, PRE_NONE, M_GET, 0);
		else if (x < 92 && v->a->visits > 1)
			human_page(s, v, t, P_LOGIN, 0, NULL, PRE_NONE, M_GET, 0);
		else if (v->in_cart)
			human_page(s, v, t, P_CART, 0, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_LIST:
		if (rng_chance(r, 2200))
			return false;
		if (x < 72)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 88)
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		else if (x < 96)
			human_page(s, v, t, P_SEARCH, rng_below(r, 64), NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_PRODUCT:
		if (rng_chance(r, scaled_bp(550, v->intent, 6000))) {
			v->in_cart = true;
			v->a->carted = true;
			human_page(s, v, t, P_CART, 0, NULL, PRE_CART_ADD, M_GET, 0);
			return true;
		}
		if (rng_chance(r, 3600))
			return false;
		if (v->in_cart && x < 6)
			human_page(s, v, t, P_CART, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 50)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 77)
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		else if (x < 85)
			human_page(s, v, t, P_SEARCH, rng_below(r, 64), NULL, PRE_NONE, M_GET, 0);
		else if (x < 90)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 96)
			human_page(s, v, t, P_INFO, 1, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_BLOG, random_blog(s), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_BLOG_INDEX:
		if (rng_chance(r, 3000))
			return false;
		if (x < 85)
			human_page(s, v, t, P_BLOG, random_blog(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 95)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_BLOG:
		if (rng_chance(r, 200)) {
			human_page(s, v, t, P_THANKS, 0, NULL, PRE_SUBSCRIBE, M_GET, 0);
			return true;
		}
		if (rng_chance(r, 5800))
			return false;
		if (x < 40)
			human_page(s, v, t, P_BLOG, random_blog(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 80)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 88)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_SEARCH:
		if (rng_chance(r, 2500))
			return false;
		if (x < 68)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else if (x < 88)
			human_page(s, v, t, P_SEARCH, rng_below(r, 64), NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_CART:
		if (rng_chance(r, scaled_bp(4200, v->intent, 8000))) {
			human_page(s, v, t, P_CHECKOUT, 0, NULL, PRE_NONE, M_GET, 0);
			return true;
		}
		if (rng_chance(r, 5000))
			return false;
		if (x < 60)
			human_page(s, v, t, P_PRODUCT, random_product(s), NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_CHECKOUT:
		if (rng_chance(r, scaled_bp(5800, v->intent, 8500))) {
			unsigned y = rng_below(r, 1000);
			if (y < 70) {
				/* a form error: the page comes back, it is a pageview */
				human_page(s, v, t, P_CHECKOUT, 0, NULL, PRE_NONE, M_POST, 200);
			} else if (y < 85) {
				/* the payment provider times out */
				human_page(s, v, t, P_CHECKOUT, 0, NULL, PRE_NONE, M_POST, 502);
			} else {
				human_page(s, v, t, P_COMPLETE, 0, NULL, PRE_CHECKOUT_POST, M_GET, 0);
				v->in_cart = false;
				v->converted = true;
				v->a->carted = false;
			}
			return true;
		}
		if (rng_chance(r, 7000))
			return false;
		human_page(s, v, t, P_CART, 0, NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_COMPLETE:
		if (rng_chance(r, 8200))
			return false;
		if (x < 50)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 70)
			human_page(s, v, t, P_ACCOUNT, 0, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_BLOG, random_blog(s), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_LP:
		if (rng_chance(r, v->variant == 'b' ? 5500 : 4500)) {
			unsigned p = spring_products[rng_below(r, (uint32_t)sizeof(spring_products))];
			human_page(s, v, t, P_PRODUCT, p, "ref=lp-spring", PRE_NONE, M_GET, 0);
			return true;
		}
		if (rng_chance(r, 1500)) {
			human_page(s, v, t, P_LIST, 1, NULL, PRE_NONE, M_GET, 0);
			return true;
		}
		return false;
	case P_LOGIN:
		if (rng_chance(r, 7500)) {
			human_page(s, v, t, P_ACCOUNT, 0, NULL, PRE_LOGIN_POST, M_GET, 0);
			return true;
		}
		if (rng_chance(r, 5000))
			return false;
		human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_ACCOUNT:
		if (rng_chance(r, 4000))
			return false;
		if (v->in_cart && x < 40)
			human_page(s, v, t, P_CART, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 70)
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_MISSING:
		if (rng_chance(r, 5500))
			return false;
		if (x < 60)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_SEARCH, rng_below(r, 64), NULL, PRE_NONE, M_GET, 0);
		return true;
	case P_INFO:
	case P_THANKS:
	default:
		if (rng_chance(r, 4500))
			return false;
		if (x < 30)
			human_page(s, v, t, P_HOME, 0, NULL, PRE_NONE, M_GET, 0);
		else if (x < 70)
			human_page(s, v, t, P_LIST, rng_below(r, 6), NULL, PRE_NONE, M_GET, 0);
		else
			human_page(s, v, t, P_INFO, rng_below(r, (uint32_t)ARRAY_LEN(info_pages)), NULL, PRE_NONE, M_GET, 0);
		return true;
	}
}

/* --- how visits begin --- */

enum source {
	SRC_DIRECT,
	SRC_SEARCH,
	SRC_SOCIAL,
	SRC_REFERRAL,
	SRC_CAMPAIGN,
};

static void set_url(struct visit *v, const struct sb *b)
{
	v->url_len = (unsigned)b->n;
}

/* Writes the referer of a search engine's result page into v->url. */
static void search_referer(struct sim *s, struct visit *v)
{
	struct rng *r = &s->r;
	struct sb b = { v->url, 0, URL_CAP };
	static const unsigned short engine_weights[] = { 750, 100, 60, 30, 20, 20, 20 };
	unsigned e = pick_weighted(r, engine_weights, (unsigned)ARRAY_LEN(engine_weights));
	const char *kw = search_keywords_en[rng_below(r, (uint32_t)ARRAY_LEN(search_keywords_en))];
	switch (e) {
	case 0: {
		unsigned g = pick_weighted(r, google_host_weights, (unsigned)ARRAY_LEN(google_host_weights));
		if (g == 1 || g == 5 || g == 6) {
			if (rng_chance(r, 6000))
				kw = search_keywords_de[rng_below(r, (uint32_t)ARRAY_LEN(search_keywords_de))];
		}
		sb_str(&b, "https://");
		sb_str(&b, google_hosts[g]);
		sb_char(&b, '/');
		unsigned y = rng_below(r, 100);
		if (y < 8) {
			sb_str(&b, "search?q=");
			sb_str(&b, kw);
			sb_str(&b, "&oq=");
			sb_str(&b, kw);
			sb_str(&b, "&sourceid=chrome&ie=UTF-8");
		} else if (y < 12) {
			sb_str(&b, "url?sa=t&rct=j&q=&esrc=s&source=web&cd=&ved=2ahUKEwi");
			sb_random(&b, r, base64url, 28);
			sb_str(&b, "&url=https%3A%2F%2F");
			sb_put(&b, s->w.site, s->w.site_len);
			sb_str(&b, "%2F&usg=AOvVaw");
			sb_random(&b, r, base64url, 22);
		} else if (y < 13) {
			b.n = 0;
			sb_str(&b, "android-app://com.google.android.googlequicksearchbox/");
		}
		break;
	}
	case 1:
		if (rng_chance(r, 4000)) {
			sb_str(&b, "https://www.bing.com/search?q=");
			sb_str(&b, kw);
			sb_str(&b, "&form=QBLH&sp=-1");
		} else {
			sb_str(&b, "https://www.bing.com/");
		}
		break;
	case 2:
		if (rng_chance(r, 1000)) {
			sb_str(&b, "https://duckduckgo.com/?q=");
			sb_str(&b, kw);
			sb_str(&b, "&t=h_&ia=web");
		} else {
			sb_str(&b, "https://duckduckgo.com/");
		}
		break;
	case 3:
		sb_str(&b, rng_chance(r, 7000) ? "https://yandex.ru/search/?text=" : "https://yandex.com/search/?text=");
		sb_str(&b, rng_chance(r, 6000) ? "%D0%BA%D0%BE%D1%84%D0%B5%D0%BC%D0%BE%D0%BB%D0%BA%D0%B0" : kw);
		sb_str(&b, "&lr=213&clid=2270455");
		break;
	case 4:
		if (rng_chance(r, 5000)) {
			sb_str(&b, "https://www.baidu.com/s?wd=%E5%92%96%E5%95%A1%E7%A3%A8%E8%B1%86%E6%9C%BA&rsv_spt=1");
		} else {
			sb_str(&b, "https://www.baidu.com/link?url=");
			sb_random(&b, r, base64url, 40);
			sb_str(&b, "&wd=&eqid=");
			sb_hex(&b, rng_next(r), 16);
		}
		break;
	case 5:
		sb_str(&b, "https://www.ecosia.org/search?q=");
		sb_str(&b, kw);
		sb_str(&b, "&addon=firefox");
		break;
	default:
		if (rng_chance(r, 5000)) {
			sb_str(&b, "https://search.yahoo.com/search?p=");
			sb_str(&b, kw);
			sb_str(&b, "&fr=yfp-t");
		} else {
			sb_str(&b, "https://de.search.yahoo.com/");
		}
		break;
	}
	set_url(v, &b);
}

static void social_referer(struct sim *s, struct visit *v)
{
	struct rng *r = &s->r;
	struct sb b = { v->url, 0, URL_CAP };
	unsigned i = pick_weighted(r, social_weights, (unsigned)ARRAY_LEN(social_weights));
	sb_str(&b, social_referers[i]);
	if (i == 4) {
		sb_random(&b, r, alnum, 10);
	} else if (i == 6) {
		sb_random(&b, r, "abcdefghijklmnopqrstuvwxyz0123456789", 6);
		sb_str(&b, rng_chance(r, 5000) ? "/my_pour_over_setup_finally_complete/" : "/which_grinder_should_i_buy/");
	}
	set_url(v, &b);
}

static void referral_referer(struct sim *s, struct visit *v)
{
	struct sb b = { v->url, 0, URL_CAP };
	sb_str(&b, referral_sites[pick_weighted(&s->r, referral_weights, (unsigned)ARRAY_LEN(referral_weights))]);
	set_url(v, &b);
}

/* A campaign landing: the target's utm parameters and the referer that
 * comes with the channel.  Some values are percent-encoded or use '+'. */
static void campaign_entry(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	static const unsigned short weights[] = { 30, 25, 15, 8, 7, 8, 3, 2, 2 };
	unsigned c = pick_weighted(r, weights, (unsigned)ARRAY_LEN(weights));
	char q[512];
	struct sb b = { q, 0, sizeof(q) - 1 };
	struct sb ref = { v->url, 0, URL_CAP };
	int kind = P_PRODUCT;
	unsigned id = random_product(s);
	switch (c) {
	case 0: /* the newsletter */
		if (rng_chance(r, 3000)) {
			kind = P_BLOG;
			id = 8;
		}
		sb_str(&b, "utm_source=newsletter&utm_medium=email&utm_campaign=newsletter-2026-03");
		if (rng_chance(r, 4000))
			sb_str(&b, "&utm_content=hero");
		v->intent = 170;
		if (rng_chance(r, 1500))
			sb_str(&ref, "https://mail.google.com/");
		else if (rng_chance(r, 1000))
			sb_str(&ref, "https://outlook.live.com/");
		break;
	case 1: /* search ads to the spring landing page */
	case 2: /* social ads to the spring landing page */
		kind = P_LP;
		id = 0;
		v->variant = rng_chance(r, 5000) ? 'b' : 'a';
		if (c == 1) {
			sb_str(&b, "utm_source=google&utm_medium=cpc&utm_campaign=spring+sale&utm_term=");
			sb_str(&b, search_keywords_en[rng_below(r, 6)]);
			sb_str(&b, "&gclid=EAIaIQobChMI");
			sb_random(&b, r, base64url, 40);
			sb_str(&b, "_BwE");
			sb_str(&ref, "https://www.google.com/");
			v->intent = 120;
		} else {
			sb_str(&b, "utm_source=facebook&utm_medium=paid_social&utm_campaign=spring%20sale&utm_content=carousel-");
			sb_u64(&b, 1 + rng_below(r, 3));
			sb_str(&b, "&fbclid=IwAR");
			sb_random(&b, r, base64url, 44);
			if (rng_chance(r, 7000))
				sb_str(&ref, rng_chance(r, 6000) ? "https://l.facebook.com/" : "https://m.facebook.com/");
			v->intent = 100;
		}
		if (v->variant == 'b')
			v->intent = (unsigned short)(v->intent * 3 / 2);
		break;
	case 3:
		sb_str(&b, "utm_source=instagram&utm_medium=social&utm_campaign=Fr%C3%BChling+2026");
		if (rng_chance(r, 5000))
			sb_str(&ref, "https://l.instagram.com/");
		v->intent = 90;
		break;
	case 4:
		kind = P_HOME;
		id = 0;
		sb_str(&b, "utm_source=bing&utm_medium=cpc&utm_campaign=brand&msclkid=");
		sb_hex(&b, rng_next(r), 16);
		sb_hex(&b, rng_next(r), 16);
		sb_str(&ref, "https://www.bing.com/");
		v->intent = 160;
		break;
	case 5:
		sb_str(&b, "utm_source=partner-blog&utm_medium=referral&utm_campaign=gear-guide-2026");
		sb_str(&ref, "https://www.homegrounds.co/best-pour-over-kettles/");
		v->intent = 130;
		break;
	case 6: /* the same newsletter, tagged by hand with capitals */
		sb_str(&b, "utm_source=Newsletter&utm_medium=Email&utm_campaign=newsletter-2026-03");
		v->intent = 170;
		break;
	case 7: /* a source left empty by mistake */
		kind = P_HOME;
		id = 0;
		sb_str(&b, "utm_source=&utm_medium=email&utm_campaign=welcome");
		break;
	default: /* an encoded ampersand inside a value */
		kind = P_BLOG;
		id = 5;
		sb_str(&b, "utm_source=newsletter&utm_medium=email&utm_campaign=tips%26tricks");
		break;
	}
	q[b.n] = '\0';
	v->url_len = (unsigned)ref.n;
	human_page(s, v, t, kind, id, q, PRE_NONE, M_GET, 0);
}

/* Starts a visit of a person (new or returning) at time t. */
static void human_start(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	struct agent *a = v->a;
	if (a->visits < 65535)
		a->visits++;
	bool returning = a->visits > 1;
	v->url_len = 0;
	v->intent = returning ? 140 : 100;
	if (a->carted)
		v->intent = (unsigned short)(v->intent + 60);

	static const unsigned short new_mix[] = { 24, 34, 11, 9, 22 };
	static const unsigned short returning_mix[] = { 45, 20, 5, 10, 20 };
	unsigned src = pick_weighted(r, returning ? returning_mix : new_mix, 5);
	int kind = P_HOME;
	unsigned id = 0;
	int pre = PRE_NONE;
	switch (src) {
	case SRC_DIRECT: {
		unsigned x = rng_below(r, 100);
		if (x < 58) {
			kind = P_HOME;
		} else if (x < 78) {
			kind = P_PRODUCT;
			id = random_product(s);
		} else if (x < 86) {
			kind = P_BLOG;
			id = random_blog(s);
		} else if (x < 90 && a->carted) {
			kind = P_CART;
		} else if (x < 93 && returning) {
			kind = P_LOGIN;
		} else {
			kind = P_LIST;
			id = rng_below(r, 6);
		}
		if (!returning && rng_chance(r, 500))
			pre = rng_chance(r, 5000) ? PRE_HTTP : PRE_BARE;
		if (pre == PRE_BARE && s->w.bare_len == s->w.site_len)
			pre = PRE_HTTP; /* no www. to add */
		break;
	}
	case SRC_SEARCH: {
		search_referer(s, v);
		unsigned x = rng_below(r, 100);
		if (x < 45) {
			kind = P_PRODUCT;
			id = random_product(s);
		} else if (x < 80) {
			kind = P_BLOG;
			id = random_blog(s);
		} else if (x < 95) {
			kind = P_HOME;
		} else {
			kind = P_LIST;
			id = rng_below(r, 6);
		}
		break;
	}
	case SRC_SOCIAL: {
		social_referer(s, v);
		unsigned x = rng_below(r, 100);
		if (x < 50) {
			kind = P_BLOG;
			id = random_blog(s);
		} else if (x < 80) {
			kind = P_PRODUCT;
			id = random_product(s);
		} else if (x < 90) {
			/* a shared link to the landing page, without utm tags */
			kind = P_LP;
			v->variant = rng_chance(r, 5000) ? 'b' : 'a';
			if (v->variant == 'b')
				v->intent = (unsigned short)(v->intent * 3 / 2);
		} else {
			kind = P_HOME;
		}
		break;
	}
	case SRC_REFERRAL: {
		referral_referer(s, v);
		unsigned x = rng_below(r, 100);
		if (x < 45) {
			kind = P_PRODUCT;
			id = random_product(s);
		} else if (x < 70) {
			kind = P_BLOG;
			id = random_blog(s);
		} else if (x < 80) {
			kind = P_MISSING;
			id = rng_below(r, (uint32_t)ARRAY_LEN(missing_pages));
		} else {
			kind = P_HOME;
		}
		break;
	}
	default:
		campaign_entry(s, v, t);
		return;
	}
	human_page(s, v, t, kind, id, NULL, pre, M_GET, 0);
}

/* --- the other actors --- */

static struct agent *new_ranged_agent(struct sim *s, int kind, uint32_t net, uint32_t size, uint32_t counter)
{
	struct agent *a = agent_new(s, kind);
	if (!a)
		return NULL;
	/* odd stride: a whole range is used before an address repeats */
	set_client_ipv4(a, net + (counter * 37 + 23) % size);
	return a;
}

/* One request of a crawler, starting at time t. */
static void bot_request(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	const struct bot *bt = &bots[v->a->bot];
	burst_begin(v);
	struct sb b = text_begin(v);
	unsigned status = 200;
	uint32_t bytes = 0;
	int method = M_GET;
	int kind = P_NONE;
	unsigned id = 0;

	switch (bt->style) {
	case BOT_MONITOR:
		sb_char(&b, '/');
		method = rng_chance(r, 7000) ? M_HEAD : M_GET;
		bytes = page_bytes(s, P_HOME, 0);
		break;
	case BOT_FEED:
		sb_str(&b, assets[A_FEED].path);
		status = rng_chance(r, 8000) ? 304 : 200;
		bytes = assets[A_FEED].bytes;
		break;
	case BOT_IMAGES:
		id = random_product(s);
		product_image_path(&b, id, rng_chance(r, 6000) ? ".jpg" : "-2.jpg");
		bytes = image_bytes(b.p, b.n, 38000, 150000);
		break;
	case BOT_PREVIEW: {
		unsigned x = rng_below(r, 100);
		if (v->pages > 0) {
			sb_str(&b, "/images/og/");
			sb_str(&b, blog_posts[random_blog(s)]);
			sb_str(&b, ".jpg");
			bytes = image_bytes(b.p, b.n, 60000, 40000);
		} else if (x < 50) {
			kind = P_BLOG;
			id = random_blog(s);
		} else if (x < 80) {
			kind = P_PRODUCT;
			id = random_product(s);
		} else {
			kind = P_LP;
			v->variant = 'a';
		}
		break;
	}
	default: {
		unsigned x = rng_below(r, 1000);
		if (v->pages == 0 && rng_chance(r, 3000)) {
			sb_str(&b, assets[A_ROBOTS].path);
			bytes = assets[A_ROBOTS].bytes;
		} else if (x < 380) {
			kind = P_PRODUCT;
			id = rng_below(r, (uint32_t)ARRAY_LEN(products));
		} else if (x < 620) {
			kind = P_BLOG;
			id = rng_below(r, (uint32_t)ARRAY_LEN(blog_posts));
		} else if (x < 720) {
			kind = P_LIST;
			id = rng_below(r, 6);
		} else if (x < 770) {
			kind = P_HOME;
		} else if (x < 810) {
			kind = P_INFO;
			id = rng_below(r, (uint32_t)ARRAY_LEN(info_pages));
		} else if (x < 850) {
			sb_str(&b, assets[A_SITEMAP].path);
			bytes = assets[A_SITEMAP].bytes;
		} else if (x < 900) {
			/* old addresses: moved for good */
			sb_str(&b, "/shop/");
			sb_str(&b, products[rng_below(r, (uint32_t)ARRAY_LEN(products))].slug);
			status = 301;
			bytes = 235;
		} else if (x < 940) {
			kind = P_MISSING;
			id = rng_below(r, (uint32_t)ARRAY_LEN(missing_pages));
		} else if (x < 970) {
			unsigned as = rng_chance(r, 5000) ? A_CSS : A_APP_JS;
			sb_str(&b, assets[as].path);
			bytes = assets[as].bytes;
		} else {
			kind = P_BLOG_INDEX;
		}
		if (kind != P_NONE && kind != P_MISSING && rng_chance(r, 900))
			status = 304;
		if (kind == P_MISSING)
			status = 404;
		if (rng_chance(r, 80))
			method = M_HEAD;
		break;
	}
	}
	if (kind != P_NONE) {
		page_target(s, v, &b, kind, id);
		bytes = page_bytes(s, kind, id);
	}
	const char *target = text_commit(v, &b);
	if (status == 200 && in_incident(s, t) && kind != P_NONE && rng_chance(r, 6000)) {
		status = 503;
		bytes = 299;
	}
	add_item(v, t, method, target, b.n, status, bytes, kind != P_NONE ? page_dur_for(s, kind) : static_duration(s, bytes));
	v->pages++;
	burst_sort(v);
}

static void scanner_request(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	burst_begin(v);
	unsigned x = rng_below(r, 1000);
	if (x < 12) {
		/* a TLS handshake sent to the plain-text port */
		static const char junk[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
		struct sb b = text_begin(v);
		sb_put(&b, junk, sizeof(junk) - 1);
		for (int i = 0; i < 8; i++)
			sb_char(&b, (char)rng_below(r, 256));
		const char *target = text_commit(v, &b);
		add_item(v, t, M_RAW, target, b.n, 400, 226, (uint32_t)(40 + rng_exp(r, 60)));
	} else if (x < 20) {
		add_item(v, t, M_NONE, "", 0, 400, 0, (uint32_t)(5 * SEC + rng_exp(r, 5 * SEC)));
	} else {
		const struct probe *pr = &probes[rng_below(r, (uint32_t)ARRAY_LEN(probes))];
		/* keep a visitor's pageviews in distinct seconds, as for people */
		if (pr->status == 200 && (pr->method == M_GET || pr->method == M_POST)) {
			if (v->pages && t < v->page_t + SEC)
				t = v->page_t + SEC;
			v->page_t = t;
		}
		uint32_t bytes = pr->status == 200 ? page_bytes(s, P_HOME, 0) : pr->status == 403 ? 199 : pr->status == 400 ? 226 : 3187;
		if (pr->method == M_OPTIONS)
			bytes = 0;
		add_item(v, t, pr->method, pr->target, strlen(pr->target), pr->status, bytes, page_duration(s, 1, 3));
	}
	v->pages++;
	burst_sort(v);
}

static void script_request(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	burst_begin(v);
	struct sb b = text_begin(v);
	unsigned x = rng_below(r, 100);
	int method = M_GET;
	unsigned status = 200;
	uint32_t bytes = 0;
	int kind = P_NONE;
	unsigned id = 0;
	if (x < 25) {
		kind = P_HOME;
		if (rng_chance(r, 4000))
			method = M_HEAD;
	} else if (x < 60) {
		kind = P_PRODUCT;
		id = rng_below(r, (uint32_t)ARRAY_LEN(products));
	} else if (x < 72) {
		kind = P_LIST;
		id = rng_below(r, 6);
	} else if (x < 80) {
		sb_str(&b, "/api/products.json?page=");
		sb_u64(&b, 1 + rng_below(r, 4));
		bytes = 41000 + rng_below(r, 9000);
	} else if (x < 88) {
		sb_str(&b, assets[A_SITEMAP].path);
		bytes = assets[A_SITEMAP].bytes;
	} else if (x < 93) {
		sb_str(&b, assets[A_ROBOTS].path);
		bytes = assets[A_ROBOTS].bytes;
	} else {
		sb_str(&b, "/healthz");
		bytes = 2;
		method = rng_chance(r, 5000) ? M_HEAD : M_GET;
	}
	if (kind != P_NONE) {
		page_target(s, v, &b, kind, id);
		bytes = page_bytes(s, kind, id);
	}
	const char *target = text_commit(v, &b);
	add_item(v, t, method, target, b.n, status, bytes, kind != P_NONE ? page_dur_for(s, kind) : static_duration(s, bytes));
	v->pages++;
	burst_sort(v);
}

/* An e-mail open: the client or its image proxy fetches the pixel. */
static void pixel_request(struct sim *s, struct visit *v, int64_t t, uint32_t recipient)
{
	struct rng *r = &s->r;
	burst_begin(v);
	struct sb b = text_begin(v);
	sb_str(&b, assets[A_PIXEL].path);
	unsigned x = rng_below(r, 1000);
	if (x < 850)
		sb_str(&b, "?c=newsletter-2026-03&u=");
	else if (x < 930)
		sb_str(&b, "?c=newsletter-2026-02&u=");
	else if (x < 980)
		sb_str(&b, "?c=spring+promo&u=");
	else
		sb_str(&b, "?u=");
	sb_hex(&b, mix64(recipient ^ UINT64_C(0x243f6a8885a308d3)) & 0xffffffffu, 8);
	const char *target = text_commit(v, &b);
	unsigned status = v->pages > 0 && rng_chance(r, 5000) ? 304 : 200;
	struct item *it = add_item(v, t, M_GET, target, b.n, status, assets[A_PIXEL].bytes, (uint32_t)(150 + rng_exp(r, 250)));
	if (it && v->a->ua == mail_agents[MAIL_OUTLOOK] && rng_chance(r, 1500))
		set_referer(it, "https://outlook.live.com/", 25);
	v->pages++;
	burst_sort(v);
}

static void admin_request(struct sim *s, struct visit *v, int64_t t)
{
	struct rng *r = &s->r;
	static const char *const users[] = { "anna", "ben" };
	burst_begin(v);
	unsigned short ref_len = 0;
	const char *ref = v->url_len ? text_copy(v, v->url, v->url_len, &ref_len) : NULL;
	struct sb b = text_begin(v);
	if (v->pages <= 1) {
		sb_str(&b, "/admin/");
	} else {
		unsigned x = rng_below(r, 100);
		if (x < 40) {
			sb_str(&b, "/admin/orders");
			if (s->order_no > 10020 && rng_chance(r, 5000)) {
				sb_char(&b, '/');
				sb_u64(&b, s->order_no - rng_below(r, 20));
			}
		} else if (x < 75) {
			sb_str(&b, "/admin/products/");
			sb_str(&b, products[random_product(s)].slug);
			sb_str(&b, "/edit");
		} else {
			sb_str(&b, "/admin/stats?range=7d");
		}
	}
	const char *target = text_commit(v, &b);
	struct item *it;
	if (v->pages == 0) {
		/* no credentials yet: the browser asks for them */
		it = add_item(v, t, M_GET, target, b.n, 401, 381, page_duration(s, 1, 2));
		set_referer(it, ref, ref_len);
	} else {
		uint32_t bytes = 9000 + rng_below(r, 20000);
		it = add_item(v, t, M_GET, target, b.n, 200, bytes, page_duration(s, 40, 120));
		set_referer(it, ref, ref_len);
		if (it)
			it->user = users[v->a->bot & 1];
		struct sb u = { v->url, 0, URL_CAP };
		sb_str(&u, "https://");
		sb_put(&u, s->w.site, s->w.site_len);
		sb_put(&u, target, b.n);
		v->url_len = (unsigned)u.n;
		if (v->pages == 1) {
			add_asset(s, v, t + rng_range(r, 20, 120) * MSEC, A_ADMIN_CSS, v->a->cached ? 304 : 200, v->url, v->url_len);
			add_asset(s, v, t + rng_range(r, 20, 150) * MSEC, A_ADMIN_JS, v->a->cached ? 304 : 200, v->url, v->url_len);
			for (unsigned i = v->n_items - 2; i < v->n_items; i++)
				v->items[i].user = it ? it->user : NULL;
			v->a->cached = true;
		}
	}
	v->pages++;
	burst_sort(v);
}

/* Builds the next burst of a non-human visit; false when it is over. */
static bool other_next(struct sim *s, struct visit *v)
{
	struct rng *r = &s->r;
	if (v->left == 0)
		return false;
	v->left--;
	int64_t t = v->last_t;
	switch (v->a->kind) {
	case K_BOT:
		t += bots[v->a->bot].style == BOT_PREVIEW ? rng_range(r, 100, 900) * MSEC : SEC + rng_exp(r, 25 * SEC);
		bot_request(s, v, t);
		break;
	case K_SCANNER:
		t += rng_range(r, 50, 2500) * MSEC;
		scanner_request(s, v, t);
		break;
	case K_SCRIPT:
		t += rng_range(r, 1000, 4000) * MSEC;
		script_request(s, v, t);
		break;
	case K_MAIL:
		t += 2 * MINUTE + rng_exp(r, 6 * HOUR);
		pixel_request(s, v, t, v->recipient);
		break;
	case K_ADMIN:
		t += v->pages == 1 ? rng_range(r, 2, 8) * SEC : 5 * SEC + rng_exp(r, 40 * SEC);
		admin_request(s, v, t);
		break;
	default:
		return false;
	}
	return true;
}

/* --- arrivals --- */

static void start_visit(struct sim *s, struct visit *v)
{
	if (v->n_items)
		heap_push(s, v->items[0].t, v, EV_VISIT);
}

static unsigned pick_bot(struct rng *r)
{
	uint32_t total = 0;
	for (size_t i = 0; i < ARRAY_LEN(bots); i++)
		total += bots[i].weight;
	uint32_t x = rng_below(r, total);
	for (size_t i = 0; i < ARRAY_LEN(bots); i++) {
		if (x < bots[i].weight)
			return (unsigned)i;
		x -= bots[i].weight;
	}
	return 0;
}

static void arrive_flat(struct sim *s, int64_t t)
{
	struct rng *r = &s->r;
	unsigned x = rng_below(r, 100);
	struct agent *a;
	struct visit *v;
	if (x < 72) {
		unsigned i = pick_bot(r);
		const struct bot *bt = &bots[i];
		a = new_ranged_agent(s, K_BOT, bt->net, bt->size, s->bot_counter[i]++ + (uint32_t)(mix64(s->o->seed + i) % bt->size));
		if (!a)
			return;
		a->ua = bt->ua;
		a->bot = (unsigned short)i;
		a->http2 = bt->style == BOT_CRAWLER && rng_chance(r, 2500);
		v = visit_new(s, a);
		if (!v)
			return;
		int64_t n = bt->mean_requests <= 1 ? (bt->style == BOT_PREVIEW && rng_chance(r, 6000)) : rng_exp(r, bt->mean_requests);
		v->left = (unsigned short)(n > 400 ? 400 : n);
		bot_request(s, v, t);
	} else if (x < 84) {
		a = agent_new(s, K_SCANNER);
		if (!a)
			return;
		set_client_ipv4(a, visitor_ipv4(s, (uint32_t)s->agent_seq++));
		a->ua = scanner_agents[rng_below(r, (uint32_t)ARRAY_LEN(scanner_agents))];
		a->http10 = rng_chance(r, 2000);
		v = visit_new(s, a);
		if (!v)
			return;
		v->left = (unsigned short)rng_range(r, 2, 30);
		scanner_request(s, v, t);
	} else {
		a = agent_new(s, K_SCRIPT);
		if (!a)
			return;
		if (rng_chance(r, 8500))
			set_client_ipv4(a, visitor_ipv4(s, (uint32_t)s->agent_seq++));
		else
			set_client_ipv6(s, a, s->agent_seq++);
		unsigned i = pick_weighted(r, script_weights, (unsigned)ARRAY_LEN(script_weights));
		a->ua = script_agents[i];
		a->http2 = i < 2 && rng_chance(r, 5000);
		v = visit_new(s, a);
		if (!v)
			return;
		v->left = (unsigned short)(rng_chance(r, 6000) ? 0 : rng_range(r, 1, 8));
		script_request(s, v, t);
	}
	start_visit(s, v);
}

static void arrive_mail(struct sim *s, int64_t t)
{
	struct rng *r = &s->r;
	/* a few recipients open again and again; most once or twice */
	uint32_t recipient = rng_below(r, 1 + rng_below(r, 6000));
	unsigned client = (unsigned)(mix64(recipient) % 100);
	struct agent *a = agent_new(s, K_MAIL);
	if (!a)
		return;
	if (client < 45) {
		a->ua = mail_agents[MAIL_GMAIL];
		set_client_ipv4(a, IP4(66, 249, 80, 0) + rng_below(r, 4096));
	} else if (client < 70) {
		a->ua = mail_agents[MAIL_APPLE];
		set_client_ipv4(a, IP4(17, 58, 0, 0) + rng_below(r, 65536));
	} else if (client < 85) {
		a->ua = mail_agents[MAIL_OUTLOOK];
		set_client_ipv4(a, visitor_ipv4(s, (uint32_t)s->agent_seq++));
	} else if (client < 92) {
		a->ua = mail_agents[MAIL_YAHOO];
		set_client_ipv4(a, IP4(74, 6, 0, 0) + rng_below(r, 65536));
	} else {
		a->ua = mail_agents[MAIL_THUNDERBIRD];
		set_client_ipv6(s, a, s->agent_seq++);
	}
	struct visit *v = visit_new(s, a);
	if (!v)
		return;
	v->recipient = recipient;
	v->left = client >= 70 && client < 85 && rng_chance(r, 3000) ? (unsigned short)rng_range(r, 1, 3) : 0;
	pixel_request(s, v, t, recipient);
	start_visit(s, v);
}

/* The shop's two staff members work in its office, behind one address,
 * each with their own browser; one of them at a time, at most, in the
 * admin pages.  Returns false when both are busy. */
static bool arrive_admin(struct sim *s, int64_t t)
{
	unsigned k = rng_below(&s->r, 2);
	if (s->admin_busy[k])
		k = 1 - k;
	if (s->admin_busy[k])
		return false;
	struct agent *a = agent_new(s, K_ADMIN);
	if (!a)
		return true;
	s->admin_busy[k] = true;
	a->bot = (unsigned short)k;
	set_client_ipv4(a, visitor_ipv4(s, s->ip_space - 100));
	a->ua = browsers[k == 0 ? 2 : 6].ua;
	a->http2 = true;
	struct visit *v = visit_new(s, a);
	if (!v)
		return true;
	v->left = (unsigned short)rng_range(&s->r, 3, 14);
	admin_request(s, v, t);
	start_visit(s, v);
	return true;
}

static void arrive_human(struct sim *s, int64_t t)
{
	struct agent *a = new_person(s);
	if (!a)
		return;
	struct visit *v = visit_new(s, a);
	if (!v)
		return;
	human_start(s, v, t);
	start_visit(s, v);
}

static void arrive(struct sim *s, int64_t t)
{
	struct rng *r = &s->r;
	uint32_t h = human_weight_at(t);
	if (rng_below(r, h + FLAT_WEIGHT) < FLAT_WEIGHT) {
		arrive_flat(s, t);
		return;
	}
	unsigned x = rng_below(r, 1000);
	if (x < 60)
		arrive_mail(s, t);
	else if (x < 64 && hour_of(t) >= 8 && hour_of(t) < 19 && weekday_of(t) < 5 && arrive_admin(s, t))
		return;
	else
		arrive_human(s, t);
}

/* The weight still ahead between t and the end of the log. */
static int64_t remaining_weight(const struct sim *s, int64_t t)
{
	if (t >= s->end)
		return 0;
	int64_t k = floor_div(t, HOUR) - s->first_hour;
	if (k < 0)
		k = 0;
	int64_t hour_end = (s->first_hour + k + 1) * HOUR;
	if (hour_end > s->end)
		hour_end = s->end;
	return (int64_t)weight_at(t) * (hour_end - t) + s->suffix[k + 1];
}

/* Schedules the next arrival.  Arrivals form a Poisson process in
 * "weighted time" (the rhythm), whose rate is steered so that the
 * remaining requests fill the remaining weight: this places the last of
 * the --lines requests near the end of --days. */
static void schedule_arrival(struct sim *s)
{
	int64_t t = s->next_arrival;
	uint64_t left = s->o->lines - s->lines_done;
	if (left == 0)
		left = 1;
	int64_t rem = remaining_weight(s, t);
	if (rem < s->min_remaining)
		rem = s->min_remaining;
	/* lines per arrival: the model's long-run figure, then what this run
	 * shows (it differs with --days, since returns fall outside short logs) */
	uint64_t per_x100 = (LINES_PER_ARRIVAL_X100 * UINT64_C(2000) + s->lines_done * 100) / (2000 + s->arrivals);
	uint64_t arrivals_x100 = left * 10000 / per_x100;
	if (arrivals_x100 < 100)
		arrivals_x100 = 100; /* at least one more arrival fits before the end */
	int64_t mean = (int64_t)((uint64_t)rem / arrivals_x100 * 100);
	if (mean < 1)
		mean = 1;
	int64_t e = rng_exp(&s->r, mean);
	int64_t ahead = remaining_weight(s, t);
	if (ahead > 0 && e >= ahead)
		e %= ahead; /* tiny logs: keep arrivals inside --days */
	for (;;) {
		int64_t hour_end = (floor_div(t, HOUR) + 1) * HOUR;
		int64_t w = weight_at(t);
		int64_t cap = w * (hour_end - t);
		if (e < cap) {
			t += e / w;
			break;
		}
		e -= cap;
		t = hour_end;
	}
	s->next_arrival = t;
}

/* --- the main loop --- */

static void emit(struct sim *s, const struct visit *v, const struct item *it)
{
	const struct options *o = s->o;
	uint64_t seq = s->lines_done++;
	uint64_t h = mix64(s->line_seed ^ (seq * UINT64_C(0x9e3779b97f4a7c15)));
	if (o->jitter)
		writer_release(&s->w, it->t, false);
	if (o->servers > 1 && h % o->servers != o->server)
		return;
	if (!writer_request(&s->w, v->a, it, seq, h))
		s->oom = true;
}

static void end_visit(struct sim *s, struct visit *v)
{
	struct rng *r = &s->r;
	struct agent *a = v->a;
	if (a->kind == K_HUMAN) {
		unsigned p = 2200;
		if (v->in_cart)
			p += 1500;
		if (v->converted)
			p += 1000;
		if (a->visits < 20 && rng_chance(r, p)) {
			int64_t gap = 90 * MINUTE + rng_exp(r, 30 * HOUR);
			heap_push(s, v->last_t + gap, a, EV_RETURN);
		} else {
			agent_free(s, a);
		}
	} else {
		if (a->kind == K_ADMIN)
			s->admin_busy[a->bot & 1] = false;
		agent_free(s, a);
	}
	visit_free(s, v);
}

static void step(struct sim *s, struct visit *v)
{
	emit(s, v, &v->items[v->next_item++]);
	if (v->next_item < v->n_items) {
		heap_push(s, v->items[v->next_item].t, v, EV_VISIT);
		return;
	}
	bool more = v->a->kind == K_HUMAN ? human_next(s, v) : other_next(s, v);
	if (more && v->n_items) {
		heap_push(s, v->items[0].t, v, EV_VISIT);
		return;
	}
	end_visit(s, v);
}

static int sim_run(struct sim *s)
{
	const struct options *o = s->o;
	s->next_arrival = o->start;
	schedule_arrival(s);
	while (s->lines_done < o->lines && !s->oom && !s->w.failed) {
		if (s->heap_n == 0 || s->next_arrival < s->heap[0].t) {
			int64_t t = s->next_arrival;
			arrive(s, t);
			s->arrivals++;
			schedule_arrival(s);
			continue;
		}
		struct event ev = heap_pop(s);
		if (ev.type == EV_RETURN) {
			struct visit *v = visit_new(s, ev.p);
			if (!v)
				break;
			human_start(s, v, ev.t);
			start_visit(s, v);
			continue;
		}
		step(s, ev.p);
	}
	writer_release(&s->w, 0, true);
	writer_flush(&s->w);
	if (getenv("LOGGEN_DEBUG"))
		fprintf(stderr, "loggen: %" PRIu64 " arrivals, %" PRIu64 " lines\n", s->arrivals, s->lines_done);
	if (s->oom) {
		fprintf(stderr, "loggen: out of memory\n");
		return 1;
	}
	return 0;
}

static bool sim_init(struct sim *s, const struct options *o)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	rng_seed(&s->r, o->seed);
	uint64_t x = o->seed ^ UINT64_C(0xd1b54a32d192ed03);
	s->line_seed = splitmix64(&x);
	for (int i = 0; i < 4; i++)
		s->ip_keys[i] = (uint32_t)splitmix64(&x);
	for (unsigned oc = 1; oc < 224; oc++)
		if (first_octet_allowed(oc))
			s->octets[s->n_octets++] = (unsigned char)oc;
	s->ip_space = (uint32_t)s->n_octets << 24;
	s->ua_step = 11;
	s->order_no = 10000;

	s->end = o->start + (int64_t)o->days * DAY;
	s->first_hour = floor_div(o->start, HOUR);
	s->n_hours = (size_t)(floor_div(s->end - 1, HOUR) - s->first_hour + 1);
	s->suffix = calloc(s->n_hours + 2, sizeof(*s->suffix));
	if (!s->suffix)
		return false;
	for (size_t k = s->n_hours; k-- > 0;) {
		int64_t h0 = (s->first_hour + (int64_t)k) * HOUR;
		int64_t lo = h0 > o->start ? h0 : o->start;
		int64_t hi = h0 + HOUR < s->end ? h0 + HOUR : s->end;
		s->suffix[k] = s->suffix[k + 1] + (int64_t)weight_at(h0) * (hi - lo);
	}
	s->min_remaining = s->suffix[0] / (int64_t)s->n_hours;

	/* one short outage: the application servers answer 503 for a while */
	int64_t day = floor_div(o->start, DAY) + o->days / 2;
	s->incident_start = day * DAY + 14 * HOUR + 20 * MINUTE + (int64_t)(o->seed % 600) * SEC;
	s->incident_end = s->incident_start + 12 * MINUTE;

	struct writer *w = &s->w;
	w->o = o;
	w->buf = malloc(OUT_CAP);
	if (!w->buf)
		return false;
	w->site = o->site;
	w->site_len = strlen(o->site);
	if (w->site_len > 4 && memcmp(o->site, "www.", 4) == 0) {
		w->bare = o->site + 4;
		w->bare_len = w->site_len - 4;
	} else {
		w->bare = o->site;
		w->bare_len = w->site_len;
	}
	int off = o->offset_min < 0 ? -o->offset_min : o->offset_min;
	w->offset[0] = o->offset_min < 0 ? '-' : '+';
	two_digits(w->offset + 1, (unsigned)(off / 60));
	two_digits(w->offset + 3, (unsigned)(off % 60));
	w->cached_sec = INT64_MIN;
	return true;
}

static void sim_free(struct sim *s)
{
	for (struct agent *a = s->all_agents; a;) {
		struct agent *next = a->all_next;
		free(a);
		a = next;
	}
	free(s->heap);
	free(s->suffix);
	free(s->w.buf);
	for (size_t i = 0; i < s->w.q_n; i++)
		free(s->w.q[i].line);
	free(s->w.q);
}

/* ------------------------------------------------------------------------
 * Command line. */

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* A probability written as a decimal fraction, in parts per billion. */
static bool parse_rate(const char *s, uint32_t *ppb)
{
	uint64_t whole = 0, frac = 0, scale = 1000000000;
	const char *p = s;
	if (*p < '0' || *p > '9') {
		if (*p != '.')
			return false;
	}
	while (*p >= '0' && *p <= '9')
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p || whole > 1 || (whole == 1 && frac))
		return false;
	*ppb = (uint32_t)(whole ? 1000000000 : frac);
	return true;
}

static bool digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool parse_start(const char *s, int64_t *start, int *offset_min)
{
	unsigned y, mo, d, h, mi, se, oh = 0, om = 0;
	size_t n = strlen(s);
	if (n < 19 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return false;
	const char *z = s + 19;
	int sign = 1;
	if (*z == 'Z' && z[1] == '\0') {
		oh = om = 0;
	} else if ((*z == '+' || *z == '-') && strlen(z) == 6 && z[3] == ':') {
		sign = *z == '-' ? -1 : 1;
		if (!digits(z + 1, 2, &oh) || !digits(z + 4, 2, &om))
			return false;
	} else if ((*z == '+' || *z == '-') && strlen(z) == 5) {
		sign = *z == '-' ? -1 : 1;
		if (!digits(z + 1, 2, &oh) || !digits(z + 3, 2, &om))
			return false;
	} else {
		return false;
	}
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || se > 59 || oh > 23 || om > 59)
		return false;
	*start = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * SEC;
	*offset_min = sign * (int)(oh * 60 + om);
	return true;
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "loggen: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "try 'loggen --help'\n");
	return 2;
}

static bool valid_host(const char *h)
{
	size_t n = strlen(h);
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c <= ' ' || c >= 0x7f || c == '/' || c == '"' || c == '\\')
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct options o = {
		.lines = 10000,
		.seed = 1,
		.days = 1,
		.format = FMT_COMBINED,
		.site = "www.example.com",
		.servers = 1,
		.server = 0,
	};
	parse_start("2026-03-02T00:00:00+01:00", &o.start, &o.offset_min);
	bool server_given = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		}
		const char *name = arg, *val = NULL;
		char namebuf[32];
		const char *eq = strchr(arg, '=');
		if (strncmp(arg, "--", 2) == 0 && eq && (size_t)(eq - arg) < sizeof(namebuf)) {
			memcpy(namebuf, arg, (size_t)(eq - arg));
			namebuf[eq - arg] = '\0';
			name = namebuf;
			val = eq + 1;
		}
		static const char *const with_value[] = {
			"--lines", "--seed", "--start", "--days", "--format", "--site",
			"--servers", "--server", "--jitter", "--invalid-rate", "--output", "-o", "--proxy",
		};
		bool known = false;
		for (size_t k = 0; k < ARRAY_LEN(with_value); k++)
			if (strcmp(name, with_value[k]) == 0)
				known = true;
		if (!known)
			return usage_error("unknown option", arg);
		if (!val) {
			if (i + 1 >= argc)
				return usage_error("option needs a value", arg);
			val = argv[++i];
		}
		uint64_t u;
		if (strcmp(name, "--lines") == 0) {
			if (!parse_u64(val, UINT64_C(1000000000000), &u))
				return usage_error("--lines wants a number of requests", val);
			o.lines = u;
		} else if (strcmp(name, "--seed") == 0) {
			if (!parse_u64(val, UINT64_MAX, &u))
				return usage_error("--seed wants a non-negative integer", val);
			o.seed = u;
		} else if (strcmp(name, "--start") == 0) {
			if (!parse_start(val, &o.start, &o.offset_min))
				return usage_error("--start wants YYYY-MM-DDTHH:MM:SS+hh:mm from 1970 on", val);
		} else if (strcmp(name, "--days") == 0) {
			if (!parse_u64(val, 3660, &u) || u == 0)
				return usage_error("--days wants 1 to 3660", val);
			o.days = (uint32_t)u;
		} else if (strcmp(name, "--format") == 0) {
			static const char *const names[] = {
				"combined", "common", "vhost_combined", "apache-custom", "nginx-custom",
				"nginx-main", "nginx-upstream", "caddy-json", "traefik-json", "nginx-json",
			};
			size_t k = 0;
			while (k < ARRAY_LEN(names) && strcmp(val, names[k]) != 0)
				k++;
			if (k == ARRAY_LEN(names))
				return usage_error("--format wants combined, common, vhost_combined, apache-custom, nginx-custom, "
						   "nginx-main, nginx-upstream, caddy-json, traefik-json or nginx-json", val);
			o.format = (enum format)k;
		} else if (strcmp(name, "--site") == 0) {
			if (!valid_host(val))
				return usage_error("--site wants a host name", val);
			o.site = val;
		} else if (strcmp(name, "--servers") == 0) {
			if (!parse_u64(val, 1000, &u) || u == 0)
				return usage_error("--servers wants 1 to 1000", val);
			o.servers = (uint32_t)u;
		} else if (strcmp(name, "--server") == 0) {
			if (!parse_u64(val, 999, &u))
				return usage_error("--server wants 0 to K-1", val);
			o.server = (uint32_t)u;
			server_given = true;
		} else if (strcmp(name, "--jitter") == 0) {
			if (!parse_u64(val, 86400, &u))
				return usage_error("--jitter wants 0 to 86400 seconds", val);
			o.jitter = (uint32_t)u;
		} else if (strcmp(name, "--invalid-rate") == 0) {
			if (!parse_rate(val, &o.invalid_ppb))
				return usage_error("--invalid-rate wants a probability from 0 to 1", val);
		} else if (strcmp(name, "--proxy") == 0) {
			if (!*val || strlen(val) > 45 || strpbrk(val, " \"\\\n"))
				return usage_error("--proxy wants an address", val);
			o.proxy = val;
		} else {
			o.output = val;
		}
	}
	if (o.server >= o.servers)
		return usage_error(server_given ? "--server must be below --servers" : "--servers needs --server", NULL);
	int64_t last_day = floor_div(o.start, DAY) + o.days + 1;
	if (last_day > days_from_civil(9999, 12, 31))
		return usage_error("--start plus --days goes past the year 9999", NULL);

	struct sim *s = malloc(sizeof(*s));
	if (!s) {
		fprintf(stderr, "loggen: out of memory\n");
		return 1;
	}
	if (!sim_init(s, &o)) {
		fprintf(stderr, "loggen: out of memory\n");
		sim_free(s);
		free(s);
		return 1;
	}
	FILE *f = stdout;
	if (o.output) {
		f = fopen(o.output, "wb");
		if (!f) {
			fprintf(stderr, "loggen: cannot create '%s': %s\n", o.output, strerror(errno));
			sim_free(s);
			free(s);
			return 1;
		}
	}
	s->w.f = f;
	int rc = sim_run(s);
	if (fflush(f) != 0 || ferror(f) || s->w.failed) {
		fprintf(stderr, "loggen: cannot write '%s': %s\n", o.output ? o.output : "standard output", strerror(errno));
		rc = 1;
	}
	if (o.output && fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "loggen: cannot write '%s': %s\n", o.output, strerror(errno));
		rc = 1;
	}
	/* free visits still in flight */
	while (s->heap_n) {
		struct event ev = heap_pop(s);
		if (ev.type == EV_VISIT)
			visit_free(s, ev.p);
	}
	for (struct visit *v = s->free_visits; v;) {
		struct visit *next = v->next;
		free(v);
		v = next;
	}
	sim_free(s);
	free(s);
	return rc;
}
