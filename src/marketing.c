/* marketing.c — traffic sources, campaigns, goals, funnels, experiments
 * and pixels (SPEC §6, §7).  Reads its configuration sections once; then
 * the analysis stage calls it per hit (pixels), per pageview (query words)
 * and from the sessionizer's callbacks (per-visit state in a pool).
 * Regex results are kept per path id, so a path is matched once per run;
 * a pageview on a path the caller did not keep brings its own in its words. */
#include "marketing.h"
#include "vec.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "intern.h"

#define NONE UINT32_MAX
/* A visit's campaign, keyword or variant restored from a state where it
 * was not kept, while this run's table still keeps keys: counted with the
 * keys not kept (the table's "others"), like the overflow id. */
#define OTHERS (UINT32_MAX - 1)
#define MAX_STEPS 255          /* funnel progress fits a byte */
#define MAX_FUNNELS 65535      /* funnel index fits 16 bits of an exit key */
#define MAX_KEYWORD_PARAMS 32
/* The work of the regexes on one distinct path, in PCRE2's match-limit
 * units (see the man page, which gives these figures): each regex may do
 * MATCH_LIMIT; once those that reached it have spent PATH_BUDGET, the
 * others run with SPENT_LIMIT, enough for a regex that does not
 * backtrack.  So 10,000 goals that all backtrack catastrophically cost a
 * path about 10^7 units (a few tens of milliseconds), not 10^10. */
#define MATCH_LIMIT 100000u
#define PATH_BUDGET 1000000u
#define SPENT_LIMIT 1000u
#define DEPTH_LIMIT 10000u
#define JIT_STACK_MAX (1u << 20)

/* ---- small owned things ---- */


/* An owned copy of n bytes, NUL-terminated for messages. */
static ff_sv sv_dup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return FF_SV_NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return ff_sv_make(p, n);
}

static void sv_free(ff_sv s)
{
	free((char *)s.p);
}

/* ---- query strings ---- */

bool ff_query_param(ff_sv query, ff_sv name, ff_sv *value)
{
	size_t i = 0;
	while (i < query.n) {
		ff_sv rest = ff_sv_sub(query, i, query.n);
		size_t amp = ff_sv_find(rest, '&');
		ff_sv pair = ff_sv_sub(rest, 0, amp);
		size_t eq = ff_sv_find(pair, '=');
		if (ff_sv_eq(ff_sv_sub(pair, 0, eq), name)) {
			*value = eq < pair.n ? ff_sv_sub(pair, eq + 1, pair.n) : ff_sv_make(pair.p + pair.n, 0);
			return true;
		}
		i += amp + 1;
	}
	return false;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t ff_form_decode(ff_sv in, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < in.n; i++) {
		char c = in.p[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < in.n) {
			int hi = hex_value(in.p[i + 1]), lo = hex_value(in.p[i + 2]);
			if (hi >= 0 && lo >= 0) {
				c = (char)(hi * 16 + lo);
				i += 2;
			}
		}
		out[o++] = c;
	}
	return o;
}

ff_sv ff_url_query(ff_sv url)
{
	size_t hash = ff_sv_find(url, '#');
	ff_sv before = ff_sv_sub(url, 0, hash);
	size_t q = ff_sv_find(before, '?');
	if (q >= before.n)
		return ff_sv_make(url.p, 0);
	return ff_sv_sub(before, q + 1, before.n);
}

/* ---- host patterns ---- */

static bool label_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool ff_host_pattern_check(char *p, size_t n)
{
	if (n >= 2 && p[n - 2] == '.' && p[n - 1] == '*')
		n -= 2;
	if (n == 0)
		return false;
	bool label_start = true;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + 32);
		if (p[i] == '.') {
			if (label_start)
				return false;
			label_start = true;
		} else if (label_byte(p[i])) {
			label_start = false;
		} else {
			return false;
		}
	}
	return !label_start;
}

/* One label (non-empty, no dot), or co.LABEL / com.LABEL: what may follow
 * NAME. in a "NAME.*" pattern. */
static bool country_suffix(ff_sv s)
{
	if (s.n && ff_sv_find(s, '.') == s.n)
		return true;
	ff_sv rest;
	if (ff_sv_starts_with(s, FF_SV_LIT("co.")))
		rest = ff_sv_sub(s, 3, s.n);
	else if (ff_sv_starts_with(s, FF_SV_LIT("com.")))
		rest = ff_sv_sub(s, 4, s.n);
	else
		return false;
	return rest.n && ff_sv_find(rest, '.') == rest.n;
}

/* base is the pattern without ".*"; any_tld says it had one. */
static bool host_matches(ff_sv base, bool any_tld, ff_sv host)
{
	if (!any_tld) {
		if (host.n == base.n)
			return ff_sv_eq(host, base);
		return host.n > base.n && host.p[host.n - base.n - 1] == '.' &&
		       memcmp(host.p + host.n - base.n, base.p, base.n) == 0;
	}
	/* NAME.SUFFIX at the start or after a dot. */
	for (size_t i = 0; i + base.n < host.n; i++) {
		if (i > 0 && host.p[i - 1] != '.')
			continue;
		if (memcmp(host.p + i, base.p, base.n) == 0 && host.p[i + base.n] == '.' &&
		    country_suffix(ff_sv_sub(host, i + base.n + 1, host.n)))
			return true;
	}
	return false;
}

bool ff_host_pattern_match(ff_sv pattern, ff_sv host)
{
	bool any = pattern.n >= 2 && pattern.p[pattern.n - 2] == '.' && pattern.p[pattern.n - 1] == '*';
	return host_matches(ff_sv_sub(pattern, 0, any ? pattern.n - 2 : pattern.n), any, host);
}

/* ---- the object ---- */

struct pattern {
	ff_sv base; /* owned, without ".*" */
	bool any_tld;
};

/* An entry of the source lists: a search engine or a social network. */
struct site {
	enum ff_host_kind kind;
	struct pattern *hosts, *excludes;
	size_t n_hosts, n_excludes;
	ff_sv *params; /* keyword parameters, owned */
	size_t n_params;
};

struct goal {
	ff_sv name;
	pcre2_code *re;
	enum { ANY_METHOD, GET_ONLY, POST_ONLY } method;
	uint64_t conversions;
};

struct funnel {
	ff_sv name;
	ff_sv *patterns;
	pcre2_code **res;
	size_t n_steps;
	uint32_t bit0;    /* bit of step 1 in a path's match bits */
	uint64_t *stops;  /* visits by steps reached, 0 .. n_steps */
};

struct variant_stat {
	uint64_t visits, conversions;
};

struct experiment {
	ff_sv name;
	ff_sv param;      /* empty when the variant comes from the path */
	pcre2_code *re;
	size_t goal;
	ff_sv control;
	bool has_control;
	ff_intern *variants;
	struct vec stats; /* struct variant_stat by variant id */
	/* the variants not kept, as absorbed from states or restored with
	 * visits (added to the overflow id's), and the lookups absorbed that
	 * found the table full */
	struct variant_stat others;
	uint64_t overflows;
	/* split: the configured shares of the sample-ratio-mismatch check
	 * (n_split 0: an equal split between the variants seen) */
	ff_sv *split_names;
	double *split_w;
	size_t n_split;
};

struct pixel {
	ff_sv path, campaign, recipient; /* recipient empty: none */
};

struct pixel_stat {
	uint64_t opens, unique;
};

/* A visit's state; variable parts follow at the offsets in ff_marketing. */
struct mk_visit {
	uint32_t campaign, keyword, ref_host, next_free, browser, country;
	uint8_t source, device;
};

struct ff_marketing {
	struct site *sites;
	size_t n_sites;
	struct goal *goals;
	size_t n_goals;
	struct funnel *funnels;
	size_t n_funnels;
	struct experiment *exps;
	size_t n_exps;
	struct pixel *pixels;
	size_t n_pixels;

	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	uint64_t limit_hits;

	/* regex results per path id: bit 0 "computed", then goals, then
	 * funnel steps */
	struct vec path_bits;
	size_t bit_words;          /* uint32 words of one path's bits */

	ff_intern *campaigns, *keywords, *pixel_campaigns, *pixel_seen;
	struct vec campaign_stats; /* ff_mk_counts by campaign id */
	struct vec keyword_visits; /* uint64_t by keyword id */
	struct vec host_stats;     /* ff_mk_counts by referer host id */
	struct vec host_kinds;     /* uint32_t by referer host id: 0 unknown,
				      else 1 + (site index << 2 | kind) */
	struct vec entry_conv;     /* uint64_t by entry path id */
	struct vec campaign_parts; /* uint32_t[2] by campaign id: 1 + the
				      lengths of its utm_source and
				      utm_medium in the key, 0 unset */
	struct vec browser_conv;   /* uint64_t by the caller's browser id */
	struct vec country_conv;   /* uint64_t by the caller's country id */
	uint64_t device_conv[16];  /* by device type (classify.h: fewer) */
	struct vec pixel_stats;    /* struct pixel_stat by pixel campaign id */
	ff_hmap *exit_ids;         /* (funnel, step, path) -> index */
	struct vec exits;          /* ff_mk_funnel_exit */
	size_t n_exits;
	ff_mk_counts src[FF_SRC_COUNT];
	uint64_t visits_n, converted;
	/* the keys not kept and the overflowed lookups of states absorbed
	 * (see struct experiment) */
	ff_mk_counts campaign_others;
	uint64_t keyword_others;
	struct pixel_stat pixel_others;
	uint64_t campaign_overflows, keyword_overflows, pixel_overflows;

	/* the visit pool */
	struct vec pool;
	size_t visit_size, off_variants, off_progress, off_goals;
	uint32_t pool_n, pool_free;

	char *scratch;
	size_t scratch_cap;
	bool failed;
};

const char *ff_source_name(enum ff_source s)
{
	static const char *const names[FF_SRC_COUNT] = {
		[FF_SRC_CAMPAIGN] = "campaign", [FF_SRC_SEARCH] = "search", [FF_SRC_SOCIAL] = "social",
		[FF_SRC_REFERRAL] = "referral", [FF_SRC_DIRECT] = "direct",
	};
	return (unsigned)s < FF_SRC_COUNT ? names[s] : "";
}

/* ---- built-in source lists ---- */

/* Space-separated host patterns, keyword parameters and exclusions. */
struct builtin_engine {
	const char *hosts, *params, *exclude;
};

/* Google's own services that are not its search: mail, documents... */
#define GOOGLE_NOT_SEARCH                                                                              \
	"mail.google.* docs.google.* drive.google.* sites.google.* groups.google.* calendar.google.* " \
	"meet.google.* chat.google.* classroom.google.* photos.google.* play.google.* "               \
	"accounts.google.* support.google.* news.google.* translate.google.*"

static const struct builtin_engine builtin_search[] = {
	{ "google.* com.google.android.googlequicksearchbox", "q", GOOGLE_NOT_SEARCH },
	{ "bing.com", "q", "" },
	{ "search.yahoo.*", "p", "" },
	{ "duckduckgo.com", "q", "" },
	{ "yandex.* ya.ru", "text", "mail.yandex.*" },
	{ "baidu.com", "wd word", "" },
	{ "ecosia.org", "q", "" },
	{ "qwant.com", "q", "" },
	{ "search.naver.com", "query", "" },
	{ "search.seznam.cz", "q", "" },
	{ "startpage.com", "query", "" },
	{ "search.brave.com", "q", "" },
	{ "ask.com", "q", "" },
	{ "sogou.com", "query", "" },
	{ "search.aol.*", "q", "" },
};

/* One line per network: its domains and short-link domains. */
static const char *const builtin_social[] = {
	"facebook.com fb.com fb.me fb.watch",
	"instagram.com instagr.am",
	"twitter.com x.com t.co",
	"linkedin.com lnkd.in",
	"reddit.com redd.it",
	"pinterest.* pin.it",
	"youtube.com youtu.be",
	"tiktok.com",
	"vk.com vk.ru vk.cc",
	"tumblr.com tmblr.co",
	"threads.net threads.com",
	"mastodon.social mastodon.online mastodon.world mstdn.social",
	"bsky.app bsky.social",
	"xing.com",
	"weibo.com weibo.cn t.cn",
	"whatsapp.com wa.me",
	"telegram.org telegram.me t.me",
	"snapchat.com",
	"discord.com discord.gg discordapp.com",
};

static void site_free(struct site *s)
{
	for (size_t i = 0; i < s->n_hosts; i++)
		sv_free(s->hosts[i].base);
	for (size_t i = 0; i < s->n_excludes; i++)
		sv_free(s->excludes[i].base);
	for (size_t i = 0; i < s->n_params; i++)
		sv_free(s->params[i]);
	free(s->hosts);
	free(s->excludes);
	free(s->params);
}

static struct site *add_site(ff_marketing *m, enum ff_host_kind kind)
{
	struct site *s = realloc(m->sites, (m->n_sites + 1) * sizeof *s);
	if (!s)
		return NULL;
	m->sites = s;
	s = &m->sites[m->n_sites++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	return s;
}

/* Appends pattern (checked) to a list; 0, -1 when out of memory, -2 when
 * not a valid pattern. */
static int add_pattern(struct pattern **list, size_t *n, const char *text, size_t len)
{
	ff_sv copy = sv_dup(text, len);
	if (!copy.p)
		return -1;
	if (!ff_host_pattern_check((char *)copy.p, copy.n)) {
		sv_free(copy);
		return -2;
	}
	struct pattern *l = realloc(*list, (*n + 1) * sizeof *l);
	if (!l) {
		sv_free(copy);
		return -1;
	}
	*list = l;
	bool any = copy.n >= 2 && copy.p[copy.n - 1] == '*';
	l[(*n)++] = (struct pattern){ .base = ff_sv_make(copy.p, any ? copy.n - 2 : copy.n), .any_tld = any };
	return 0;
}

static int add_param(struct site *s, const char *text, size_t len)
{
	ff_sv copy = sv_dup(text, len);
	ff_sv *l = copy.p ? realloc(s->params, (s->n_params + 1) * sizeof *l) : NULL;
	if (!l) {
		sv_free(copy);
		return -1;
	}
	s->params = l;
	l[s->n_params++] = copy;
	return 0;
}

/* Calls add for each word of a space-separated list. */
static int each_word(const char *list, int (*add)(void *ctx, const char *w, size_t n), void *ctx)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && add(ctx, p, n) != 0)
			return -1;
		p += n;
	}
	return 0;
}

static int add_host_word(void *ctx, const char *w, size_t n)
{
	struct site *s = ctx;
	return add_pattern(&s->hosts, &s->n_hosts, w, n) ? -1 : 0;
}

static int add_exclude_word(void *ctx, const char *w, size_t n)
{
	struct site *s = ctx;
	return add_pattern(&s->excludes, &s->n_excludes, w, n) ? -1 : 0;
}

static int add_param_word(void *ctx, const char *w, size_t n)
{
	return add_param(ctx, w, n);
}

static int add_builtin_search(ff_marketing *m)
{
	for (size_t i = 0; i < sizeof builtin_search / sizeof *builtin_search; i++) {
		const struct builtin_engine *b = &builtin_search[i];
		struct site *s = add_site(m, FF_HOST_SEARCH);
		if (!s || each_word(b->hosts, add_host_word, s) || each_word(b->params, add_param_word, s) ||
		    each_word(b->exclude, add_exclude_word, s))
			return -1;
	}
	return 0;
}

static int add_builtin_social(ff_marketing *m)
{
	for (size_t i = 0; i < sizeof builtin_social / sizeof *builtin_social; i++) {
		struct site *s = add_site(m, FF_HOST_SOCIAL);
		if (!s || each_word(builtin_social[i], add_host_word, s))
			return -1;
	}
	return 0;
}

/* ---- configuration ---- */

struct cfgctx {
	const ff_config *cfg;
	char *err;
	size_t errsz;
};

static int oom(struct cfgctx *c, const ff_ynode *at)
{
	return ff_config_error(c->cfg, at, c->err, c->errsz, "out of memory");
}

/* item must be a map whose keys are among keys (NULL-terminated); what
 * says what the item takes, for the message. */
static int check_item(struct cfgctx *c, const ff_ynode *item, const char *where, const char *const *keys,
		      const char *what)
{
	if (!item || item->kind != FF_Y_MAP) {
		char got[320];
		ff_ynode_describe(item, got, sizeof got);
		return ff_config_error(c->cfg, item, c->err, c->errsz, "'%s' must be a map of keys (%s), not %s", where,
				       what, got);
	}
	for (size_t i = 0; i < item->count; i++) {
		const ff_ynode *key = item->keys[i];
		bool known = false;
		for (size_t k = 0; keys[k] && !known; k++)
			known = key->len == strlen(keys[k]) && memcmp(key->str, keys[k], key->len) == 0;
		if (!known) {
			char shown[300];
			ff_yaml_visible(key->str, key->len, shown, sizeof shown);
			return ff_config_error(c->cfg, key, c->err, c->errsz, "unknown key '%s.%s' (%s)", where, shown,
					       what);
		}
	}
	return 0;
}

/* The value of key in item, or NULL when absent or null. */
static const ff_ynode *value_of(const ff_ynode *item, const char *key)
{
	const ff_ynode *v = ff_ynode_get(item, key);
	return v && !ff_ynode_is_null(v) ? v : NULL;
}

static int missing(struct cfgctx *c, const ff_ynode *item, const char *where, const char *key, const char *what)
{
	return ff_config_error(c->cfg, item, c->err, c->errsz, "'%s' has no '%s' (%s)", where, key, what);
}

static int duplicate(struct cfgctx *c, const ff_ynode *v, const char *name, const char *what, const char *section,
		     size_t k)
{
	char shown[300];
	ff_yaml_visible(v->str, v->len, shown, sizeof shown);
	return ff_config_error(c->cfg, v, c->err, c->errsz, "'%s': %s '%s' is already defined (%s[%zu])", name, what,
			       shown, section, k);
}

/* A non-empty string into an owned copy. */
static int read_name(struct cfgctx *c, const ff_ynode *v, const char *name, ff_sv *out)
{
	const char *s;
	if (ff_config_read_string(c->cfg, v, name, &s, c->err, c->errsz) < 0)
		return -1;
	if (v->len == 0)
		return ff_config_error(c->cfg, v, c->err, c->errsz, "'%s' must not be empty", name);
	*out = sv_dup(s, v->len);
	return out->p ? 0 : oom(c, v);
}

static pcre2_code *compile(struct cfgctx *c, const ff_ynode *v, const char *name)
{
	const char *s;
	if (ff_config_read_string(c->cfg, v, name, &s, c->err, c->errsz) < 0)
		return NULL;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)s, v->len, 0, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		char shown[300];
		ff_yaml_visible(s, v->len, shown, sizeof shown);
		ff_config_error(c->cfg, v, c->err, c->errsz, "'%s': the regex '%s' does not compile at offset %zu: %s",
				name, shown, (size_t)off, (const char *)msg);
		return NULL;
	}
	/* Without JIT (unsupported platform) the interpreter still works. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* A string, or a list of strings: *items and *n describe them (for a
 * string alone, *items is vp itself). */
static int read_strings(struct cfgctx *c, const ff_ynode *const *vp, const char *name, const ff_ynode *const **items,
			size_t *n)
{
	const ff_ynode *v = *vp;
	if (v->kind == FF_Y_SCALAR) {
		*items = vp;
		*n = 1;
	} else if (v->kind == FF_Y_SEQ) {
		*items = (const ff_ynode *const *)v->items;
		*n = v->count;
	} else {
		char got[320];
		ff_ynode_describe(v, got, sizeof got);
		return ff_config_error(c->cfg, v, c->err, c->errsz, "'%s' must be a string or a list of strings, not %s",
				       name, got);
	}
	for (size_t i = 0; i < *n; i++) {
		const char *s;
		char item_name[160];
		if (v->kind == FF_Y_SEQ)
			snprintf(item_name, sizeof item_name, "%s[%zu]", name, i);
		else
			snprintf(item_name, sizeof item_name, "%s", name);
		if (ff_config_read_string(c->cfg, (*items)[i], item_name, &s, c->err, c->errsz) < 0)
			return -1;
	}
	return 0;
}

static int read_patterns(struct cfgctx *c, const ff_ynode *v, const char *name, struct pattern **list, size_t *n)
{
	const ff_ynode *const *items;
	size_t count;
	if (read_strings(c, &v, name, &items, &count) < 0)
		return -1;
	if (count == 0)
		return ff_config_error(c->cfg, v, c->err, c->errsz, "'%s' must name at least one host", name);
	for (size_t i = 0; i < count; i++) {
		int rc = add_pattern(list, n, items[i]->str, items[i]->len);
		if (rc == -1)
			return oom(c, items[i]);
		if (rc == -2) {
			char shown[300];
			ff_yaml_visible(items[i]->str, items[i]->len, shown, sizeof shown);
			return ff_config_error(c->cfg, items[i], c->err, c->errsz,
					       "'%s' must be host names like 'example.com', or 'example.*' for every "
					       "country domain, not '%s'",
					       name, shown);
		}
	}
	return 0;
}

static int read_engine(ff_marketing *m, struct cfgctx *c, const ff_ynode *item, size_t i)
{
	static const char *const keys[] = { "host", "param", "exclude", NULL };
	static const char what[] = "a search engine takes host, param and exclude";
	char where[64], name[96];
	snprintf(where, sizeof where, "sources.search_engines[%zu]", i);
	if (check_item(c, item, where, keys, what) < 0)
		return -1;
	const ff_ynode *host = value_of(item, "host"), *param = value_of(item, "param"),
		       *exclude = value_of(item, "exclude");
	if (!host)
		return missing(c, item, where, "host", what);
	struct site *s = add_site(m, FF_HOST_SEARCH);
	if (!s)
		return oom(c, item);
	snprintf(name, sizeof name, "%s.host", where);
	if (read_patterns(c, host, name, &s->hosts, &s->n_hosts) < 0)
		return -1;
	if (exclude) {
		snprintf(name, sizeof name, "%s.exclude", where);
		if (read_patterns(c, exclude, name, &s->excludes, &s->n_excludes) < 0)
			return -1;
	}
	if (param) {
		const ff_ynode *const *items;
		size_t count;
		snprintf(name, sizeof name, "%s.param", where);
		if (read_strings(c, &param, name, &items, &count) < 0)
			return -1;
		if (count > MAX_KEYWORD_PARAMS)
			return ff_config_error(c->cfg, param, c->err, c->errsz, "'%s' may name at most %d parameters",
					       name, MAX_KEYWORD_PARAMS);
		for (size_t k = 0; k < count; k++) {
			if (items[k]->len == 0)
				return ff_config_error(c->cfg, items[k], c->err, c->errsz,
						       "'%s' must not hold an empty name", name);
			if (add_param(s, items[k]->str, items[k]->len) < 0)
				return oom(c, items[k]);
		}
	}
	return 0;
}

static int read_sources(ff_marketing *m, struct cfgctx *c)
{
	/* config.c has checked the keys of sources: and that these are
	 * lists; their items are checked here. */
	const ff_ynode *engines = ff_config_section(c->cfg, "sources.search_engines");
	const ff_ynode *social = ff_config_section(c->cfg, "sources.social");
	bool replace = c->cfg && c->cfg->sources_replace_defaults;
	for (size_t i = 0; engines && i < engines->count; i++)
		if (read_engine(m, c, engines->items[i], i) < 0)
			return -1;
	if (!replace && add_builtin_search(m) < 0)
		return oom(c, engines);
	for (size_t i = 0; social && i < social->count; i++) {
		char name[64];
		snprintf(name, sizeof name, "sources.social[%zu]", i);
		struct site *s = add_site(m, FF_HOST_SOCIAL);
		if (!s)
			return oom(c, social->items[i]);
		if (social->items[i]->kind != FF_Y_SCALAR) {
			char got[320];
			ff_ynode_describe(social->items[i], got, sizeof got);
			return ff_config_error(c->cfg, social->items[i], c->err, c->errsz,
					       "'%s' must be a host name like 'example.com', not %s", name, got);
		}
		if (read_patterns(c, social->items[i], name, &s->hosts, &s->n_hosts) < 0)
			return -1;
	}
	if (!replace && add_builtin_social(m) < 0)
		return oom(c, social);
	return 0;
}

static int read_goals(ff_marketing *m, struct cfgctx *c)
{
	static const char *const keys[] = { "name", "path", "method", NULL };
	static const char what[] = "a goal takes name, path and method";
	const ff_ynode *sec = ff_config_section(c->cfg, "goals");
	if (!sec)
		return 0;
	m->goals = calloc(sec->count, sizeof *m->goals);
	if (!m->goals)
		return oom(c, sec);
	for (size_t i = 0; i < sec->count; i++) {
		const ff_ynode *item = sec->items[i];
		char where[64], name[96];
		snprintf(where, sizeof where, "goals[%zu]", i);
		if (check_item(c, item, where, keys, what) < 0)
			return -1;
		struct goal *g = &m->goals[m->n_goals++];
		const ff_ynode *nv = value_of(item, "name"), *pv = value_of(item, "path"), *mv = value_of(item, "method");
		if (!nv)
			return missing(c, item, where, "name", what);
		if (!pv)
			return missing(c, item, where, "path", what);
		snprintf(name, sizeof name, "%s.name", where);
		if (read_name(c, nv, name, &g->name) < 0)
			return -1;
		for (size_t k = 0; k + 1 < m->n_goals; k++)
			if (ff_sv_eq(m->goals[k].name, g->name))
				return duplicate(c, nv, name, "a goal named", "goals", k);
		snprintf(name, sizeof name, "%s.path", where);
		if (!(g->re = compile(c, pv, name)))
			return -1;
		if (mv) {
			const char *s;
			snprintf(name, sizeof name, "%s.method", where);
			if (ff_config_read_string(c->cfg, mv, name, &s, c->err, c->errsz) < 0)
				return -1;
			if (strcmp(s, "GET") != 0 && strcmp(s, "POST") != 0) {
				char got[320];
				ff_ynode_describe(mv, got, sizeof got);
				return ff_config_error(c->cfg, mv, c->err, c->errsz,
						       "'%s' must be GET or POST (only those make pageviews), not %s",
						       name, got);
			}
			g->method = strcmp(s, "GET") == 0 ? GET_ONLY : POST_ONLY;
		}
	}
	return 0;
}

static int read_funnels(ff_marketing *m, struct cfgctx *c)
{
	static const char *const keys[] = { "name", "steps", NULL };
	static const char what[] = "a funnel takes name and steps";
	const ff_ynode *sec = ff_config_section(c->cfg, "funnels");
	if (!sec)
		return 0;
	if (sec->count > MAX_FUNNELS)
		return ff_config_error(c->cfg, sec, c->err, c->errsz, "'funnels' may hold at most %d funnels",
				       MAX_FUNNELS);
	m->funnels = calloc(sec->count, sizeof *m->funnels);
	if (!m->funnels)
		return oom(c, sec);
	for (size_t i = 0; i < sec->count; i++) {
		const ff_ynode *item = sec->items[i];
		char where[64], name[96];
		snprintf(where, sizeof where, "funnels[%zu]", i);
		if (check_item(c, item, where, keys, what) < 0)
			return -1;
		struct funnel *f = &m->funnels[m->n_funnels++];
		const ff_ynode *nv = value_of(item, "name"), *sv = value_of(item, "steps");
		if (!nv)
			return missing(c, item, where, "name", what);
		if (!sv)
			return missing(c, item, where, "steps", what);
		snprintf(name, sizeof name, "%s.name", where);
		if (read_name(c, nv, name, &f->name) < 0)
			return -1;
		for (size_t k = 0; k + 1 < m->n_funnels; k++)
			if (ff_sv_eq(m->funnels[k].name, f->name))
				return duplicate(c, nv, name, "a funnel named", "funnels", k);
		snprintf(name, sizeof name, "%s.steps", where);
		if (sv->kind != FF_Y_SEQ || sv->count == 0 || sv->count > MAX_STEPS) {
			char got[320];
			ff_ynode_describe(sv, got, sizeof got);
			return ff_config_error(c->cfg, sv, c->err, c->errsz,
					       "'%s' must be a list of 1 to %d path regexes, not %s", name, MAX_STEPS,
					       got);
		}
		f->patterns = calloc(sv->count, sizeof *f->patterns);
		f->res = calloc(sv->count, sizeof *f->res);
		f->stops = calloc(sv->count + 1, sizeof *f->stops);
		if (!f->patterns || !f->res || !f->stops)
			return oom(c, sv);
		for (size_t k = 0; k < sv->count; k++) {
			char step[128];
			snprintf(step, sizeof step, "%s[%zu]", name, k);
			if (!(f->res[k] = compile(c, sv->items[k], step)))
				return -1;
			f->n_steps = k + 1;
			f->patterns[k] = sv_dup(sv->items[k]->str, sv->items[k]->len);
			if (!f->patterns[k].p)
				return oom(c, sv->items[k]);
		}
	}
	return 0;
}

/* split: {VARIANT: WEIGHT, ...}, at least two variants with positive
 * weights; the control, when configured, among them. */
static int read_split(struct cfgctx *c, struct experiment *e, const ff_ynode *sv, const char *where)
{
	if (!sv)
		return 0;
	char name[96];
	snprintf(name, sizeof name, "%s.split", where);
	if (sv->kind != FF_Y_MAP || sv->count < 2) {
		char got[320];
		ff_ynode_describe(sv, got, sizeof got);
		return ff_config_error(c->cfg, sv, c->err, c->errsz,
				       "'%s' must map two or more variants to their shares, as in {a: 50, b: 50}, not %s",
				       name, got);
	}
	e->split_names = calloc(sv->count, sizeof *e->split_names);
	e->split_w = calloc(sv->count, sizeof *e->split_w);
	if (!e->split_names || !e->split_w)
		return oom(c, sv);
	bool control_in = !e->has_control;
	for (size_t k = 0; k < sv->count; k++) {
		const ff_ynode *key = sv->keys[k], *w = sv->items[k];
		char shown[300];
		if (!key->str || key->len == 0)
			return ff_config_error(c->cfg, key, c->err, c->errsz, "'%s': a variant name must not be empty",
					       name);
		ff_yaml_visible(key->str, key->len, shown, sizeof shown);
		char *end = NULL;
		double d = w && w->kind == FF_Y_SCALAR && w->str && !w->quoted ? strtod(w->str, &end) : NAN;
		if (!end || end == w->str || *end || !(d > 0) || !isfinite(d))
			return ff_config_error(c->cfg, w ? w : key, c->err, c->errsz,
					       "'%s.%s' must be a positive number (the variant's share)", name, shown);
		e->split_names[k] = sv_dup(key->str, key->len);
		if (!e->split_names[k].p)
			return oom(c, key);
		e->split_w[k] = d;
		e->n_split = k + 1;
		control_in |= ff_sv_eq(e->split_names[k], e->control);
	}
	if (!control_in) {
		char shown[300];
		ff_yaml_visible(e->control.p, e->control.n, shown, sizeof shown);
		return ff_config_error(c->cfg, sv, c->err, c->errsz, "'%s' has no share for the control '%s'", name,
				       shown);
	}
	return 0;
}

static int read_experiments(ff_marketing *m, struct cfgctx *c, uint64_t seed)
{
	static const char *const keys[] = { "name", "param", "path", "goal", "control", "split", NULL };
	static const char what[] = "an experiment takes name, param or path, goal, control and split";
	const ff_ynode *sec = ff_config_section(c->cfg, "experiments");
	if (!sec)
		return 0;
	m->exps = calloc(sec->count, sizeof *m->exps);
	if (!m->exps)
		return oom(c, sec);
	for (size_t i = 0; i < sec->count; i++) {
		const ff_ynode *item = sec->items[i];
		char where[64], name[96];
		snprintf(where, sizeof where, "experiments[%zu]", i);
		if (check_item(c, item, where, keys, what) < 0)
			return -1;
		struct experiment *e = &m->exps[m->n_exps++];
		const ff_ynode *nv = value_of(item, "name"), *pv = value_of(item, "param"), *rv = value_of(item, "path"),
			       *gv = value_of(item, "goal"), *cv = value_of(item, "control");
		if (!nv)
			return missing(c, item, where, "name", what);
		snprintf(name, sizeof name, "%s.name", where);
		if (read_name(c, nv, name, &e->name) < 0)
			return -1;
		for (size_t k = 0; k + 1 < m->n_exps; k++)
			if (ff_sv_eq(m->exps[k].name, e->name))
				return duplicate(c, nv, name, "an experiment named", "experiments", k);
		if (!pv == !rv)
			return ff_config_error(c->cfg, item, c->err, c->errsz,
					       "'%s' needs either 'param' (a query parameter of the entry page) or "
					       "'path' (a regex on the entry path whose group 1 is the variant), not %s",
					       where, pv ? "both" : "neither");
		if (pv) {
			snprintf(name, sizeof name, "%s.param", where);
			if (read_name(c, pv, name, &e->param) < 0)
				return -1;
		} else {
			snprintf(name, sizeof name, "%s.path", where);
			if (!(e->re = compile(c, rv, name)))
				return -1;
			uint32_t groups = 0;
			pcre2_pattern_info(e->re, PCRE2_INFO_CAPTURECOUNT, &groups);
			if (groups < 1)
				return ff_config_error(c->cfg, rv, c->err, c->errsz,
						       "'%s' needs a capture group: group 1 is the variant, as in "
						       "'^/lp/spring/(a|b)$'",
						       name);
		}
		if (!gv)
			return missing(c, item, where, "goal", "the name of the goal whose conversions count");
		const char *goal;
		snprintf(name, sizeof name, "%s.goal", where);
		if (ff_config_read_string(c->cfg, gv, name, &goal, c->err, c->errsz) < 0)
			return -1;
		e->goal = m->n_goals;
		for (size_t k = 0; k < m->n_goals; k++)
			if (ff_sv_eq(m->goals[k].name, ff_sv_make(goal, gv->len)))
				e->goal = k;
		if (e->goal == m->n_goals) {
			char shown[300];
			ff_yaml_visible(goal, gv->len, shown, sizeof shown);
			return ff_config_error(c->cfg, gv, c->err, c->errsz, "'%s' names no goal: no goal is named '%s'%s",
					       name, shown, m->n_goals ? "" : " (there is no goals section)");
		}
		if (cv) {
			snprintf(name, sizeof name, "%s.control", where);
			if (read_name(c, cv, name, &e->control) < 0)
				return -1;
			e->has_control = true;
		}
		if (read_split(c, e, value_of(item, "split"), where) < 0)
			return -1;
		if (!(e->variants = ff_intern_new(seed ^ (0x5151u + i))))
			return oom(c, item);
	}
	return 0;
}

static int read_pixels(ff_marketing *m, struct cfgctx *c)
{
	static const char *const keys[] = { "path", "campaign", "recipient", NULL };
	static const char what[] = "a pixel takes path, campaign and recipient";
	const ff_ynode *sec = ff_config_section(c->cfg, "pixels");
	if (!sec)
		return 0;
	m->pixels = calloc(sec->count, sizeof *m->pixels);
	if (!m->pixels)
		return oom(c, sec);
	for (size_t i = 0; i < sec->count; i++) {
		const ff_ynode *item = sec->items[i];
		char where[64], name[96];
		snprintf(where, sizeof where, "pixels[%zu]", i);
		if (check_item(c, item, where, keys, what) < 0)
			return -1;
		struct pixel *p = &m->pixels[m->n_pixels++];
		const ff_ynode *pv = value_of(item, "path"), *cv = value_of(item, "campaign"),
			       *rv = value_of(item, "recipient");
		if (!pv)
			return missing(c, item, where, "path", what);
		if (!cv)
			return missing(c, item, where, "campaign", what);
		snprintf(name, sizeof name, "%s.path", where);
		if (read_name(c, pv, name, &p->path) < 0)
			return -1;
		if (ff_sv_find(p->path, '?') < p->path.n || ff_sv_find(p->path, '#') < p->path.n)
			return ff_config_error(c->cfg, pv, c->err, c->errsz,
					       "'%s' must be a path without a query, like '/px.gif'", name);
		for (size_t k = 0; k + 1 < m->n_pixels; k++)
			if (ff_sv_eq(m->pixels[k].path, p->path))
				return duplicate(c, pv, name, "a pixel on", "pixels", k);
		snprintf(name, sizeof name, "%s.campaign", where);
		if (read_name(c, cv, name, &p->campaign) < 0)
			return -1;
		if (rv) {
			snprintf(name, sizeof name, "%s.recipient", where);
			if (read_name(c, rv, name, &p->recipient) < 0)
				return -1;
		}
	}
	return 0;
}

/* Lays out the per-visit state and the per-path match bits. */
static void layout(ff_marketing *m)
{
	size_t off = sizeof(struct mk_visit);
	off = (off + 3) & ~(size_t)3;
	m->off_variants = off;
	off += m->n_exps * sizeof(uint32_t);
	m->off_progress = off;
	off += m->n_funnels;
	m->off_goals = off;
	off += m->n_goals;
	m->visit_size = (off + 7) & ~(size_t)7;

	uint32_t bit = 1 + (uint32_t)m->n_goals;
	for (size_t f = 0; f < m->n_funnels; f++) {
		m->funnels[f].bit0 = bit;
		bit += (uint32_t)m->funnels[f].n_steps;
	}
	m->bit_words = bit > 1 ? (bit + 31) / 32 : 0;
}

ff_marketing *ff_marketing_new(const ff_config *cfg, uint64_t seed, char *err, size_t errsz)
{
	ff_marketing *m = calloc(1, sizeof *m);
	struct cfgctx c = { .cfg = cfg, .err = err, .errsz = errsz };
	if (!m) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	m->campaigns = ff_intern_new(seed ^ 0x6361);
	m->keywords = ff_intern_new(seed ^ 0x6b77);
	m->pixel_campaigns = ff_intern_new(seed ^ 0x7063);
	m->pixel_seen = ff_intern_new(seed ^ 0x7073);
	m->exit_ids = ff_hmap_new(seed ^ 0x6578);
	m->md = pcre2_match_data_create(16, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit_stack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	if (!m->campaigns || !m->keywords || !m->pixel_campaigns || !m->pixel_seen || !m->exit_ids || !m->md ||
	    !m->mctx || !m->jit_stack) {
		snprintf(err, errsz, "out of memory");
		ff_marketing_free(m);
		return NULL;
	}
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
	if (read_sources(m, &c) < 0 || read_goals(m, &c) < 0 || read_funnels(m, &c) < 0 ||
	    read_experiments(m, &c, seed) < 0 || read_pixels(m, &c) < 0) {
		ff_marketing_free(m);
		return NULL;
	}
	layout(m);
	return m;
}

void ff_marketing_free(ff_marketing *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_sites; i++)
		site_free(&m->sites[i]);
	free(m->sites);
	for (size_t i = 0; i < m->n_goals; i++) {
		sv_free(m->goals[i].name);
		pcre2_code_free(m->goals[i].re);
	}
	free(m->goals);
	for (size_t i = 0; i < m->n_funnels; i++) {
		struct funnel *f = &m->funnels[i];
		sv_free(f->name);
		for (size_t k = 0; f->patterns && k < f->n_steps; k++)
			sv_free(f->patterns[k]);
		for (size_t k = 0; f->res && k < f->n_steps; k++)
			pcre2_code_free(f->res[k]);
		free(f->patterns);
		free(f->res);
		free(f->stops);
	}
	free(m->funnels);
	for (size_t i = 0; i < m->n_exps; i++) {
		struct experiment *e = &m->exps[i];
		sv_free(e->name);
		sv_free(e->param);
		sv_free(e->control);
		for (size_t k = 0; k < e->n_split; k++)
			sv_free(e->split_names[k]);
		free(e->split_names);
		free(e->split_w);
		pcre2_code_free(e->re);
		ff_intern_free(e->variants);
		free(e->stats.p);
	}
	free(m->exps);
	for (size_t i = 0; i < m->n_pixels; i++) {
		sv_free(m->pixels[i].path);
		sv_free(m->pixels[i].campaign);
		sv_free(m->pixels[i].recipient);
	}
	free(m->pixels);
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jit_stack);
	ff_intern_free(m->campaigns);
	ff_intern_free(m->keywords);
	ff_intern_free(m->pixel_campaigns);
	ff_intern_free(m->pixel_seen);
	ff_hmap_free(m->exit_ids);
	struct vec *vecs[] = { &m->path_bits, &m->campaign_stats, &m->keyword_visits, &m->host_stats,
			       &m->host_kinds, &m->entry_conv, &m->browser_conv, &m->country_conv, &m->campaign_parts, &m->pixel_stats, &m->exits,
			       &m->pool };
	for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
		free(vecs[i]->p);
	free(m->scratch);
	free(m);
}

/* ---- matching ---- */

/* Room for n bytes of decoded text; grows only to a new maximum. */
static char *scratch(ff_marketing *m, size_t n)
{
	if (n > m->scratch_cap || !m->scratch) {
		size_t cap = m->scratch_cap ? m->scratch_cap : 256;
		while (cap < n)
			cap *= 2;
		char *p = realloc(m->scratch, cap);
		if (!p)
			return NULL;
		m->scratch = p;
		m->scratch_cap = cap;
	}
	return m->scratch;
}

/* 1 on a match, 0 on none, -1 when a limit was reached, which counts as
 * no match (SPEC §10). */
static int re_try(ff_marketing *m, const pcre2_code *re, ff_sv s)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)(s.p ? s.p : ""), s.n, 0, 0, m->md, m->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return -1;
	return 0;
}

/* One regex on its own: a limit reached counts once. */
static int re_match(ff_marketing *m, const pcre2_code *re, ff_sv s)
{
	int rc = re_try(m, re, s);
	if (rc < 0)
		m->limit_hits++;
	return rc > 0;
}

/* The regexes of one path within PATH_BUDGET: next_limit gives the match
 * limit of the next regex, spend records its outcome. */
struct budget {
	uint32_t left;
	bool limited;
};

static void budget_next(ff_marketing *m, const struct budget *b)
{
	uint32_t limit = b->left >= MATCH_LIMIT ? MATCH_LIMIT : b->left > SPENT_LIMIT ? b->left : SPENT_LIMIT;
	pcre2_set_match_limit(m->mctx, limit);
}

static bool budget_match(ff_marketing *m, struct budget *b, const pcre2_code *re, ff_sv path)
{
	budget_next(m, b);
	int rc = re_try(m, re, path);
	if (rc < 0) {
		/* it spent its whole limit */
		uint32_t spent = b->left >= MATCH_LIMIT ? MATCH_LIMIT : b->left;
		b->left -= spent;
		b->limited = true;
	}
	return rc > 0;
}

static bool site_matches(const struct site *s, ff_sv host)
{
	bool hit = false;
	for (size_t i = 0; i < s->n_hosts && !hit; i++)
		hit = host_matches(s->hosts[i].base, s->hosts[i].any_tld, host);
	for (size_t i = 0; i < s->n_excludes && hit; i++)
		hit = !host_matches(s->excludes[i].base, s->excludes[i].any_tld, host);
	return hit;
}

enum ff_host_kind ff_marketing_classify_host(const ff_marketing *m, ff_sv host, uint32_t *engine)
{
	for (size_t i = 0; i < m->n_sites; i++) {
		if (site_matches(&m->sites[i], host)) {
			if (engine)
				*engine = (uint32_t)i;
			return m->sites[i].kind;
		}
	}
	return FF_HOST_OTHER;
}

bool ff_marketing_keyword(ff_marketing *m, uint32_t engine, ff_sv referer, ff_sv *keyword)
{
	if (engine >= m->n_sites)
		return false;
	const struct site *s = &m->sites[engine];
	ff_sv q = ff_url_query(referer);
	bool seen[MAX_KEYWORD_PARAMS] = { false };
	size_t i = 0;
	while (i < q.n) {
		ff_sv rest = ff_sv_sub(q, i, q.n);
		size_t amp = ff_sv_find(rest, '&');
		ff_sv pair = ff_sv_sub(rest, 0, amp);
		size_t eq = ff_sv_find(pair, '=');
		ff_sv name = ff_sv_sub(pair, 0, eq);
		for (size_t k = 0; k < s->n_params && k < MAX_KEYWORD_PARAMS; k++) {
			if (seen[k] || !ff_sv_eq(name, s->params[k]))
				continue;
			/* §13.9: only the first occurrence of a name counts */
			seen[k] = true;
			ff_sv value = eq < pair.n ? ff_sv_sub(pair, eq + 1, pair.n) : FF_SV_NULL;
			if (!value.n)
				continue;
			char *buf = scratch(m, value.n);
			if (!buf) {
				m->failed = true;
				return false;
			}
			*keyword = ff_sv_make(buf, ff_form_decode(value, buf));
			return true;
		}
		i += amp + 1;
	}
	return false;
}

bool ff_marketing_pixel_path(const ff_marketing *m, ff_sv path)
{
	for (size_t i = 0; i < m->n_pixels; i++)
		if (ff_sv_eq(path, m->pixels[i].path))
			return true;
	return false;
}

/* LEB128 of v into out (10 bytes): its length. */
static size_t put_uv(unsigned char *out, uint64_t v)
{
	size_t n = 0;
	do {
		out[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		out[n++] |= v ? 0x80 : 0;
	} while (v);
	return n;
}

/* The 16 bytes of a visitor digest, the same on any byte order. */
static void vkey_bytes(const ff_vkey *k, unsigned char out[16])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(k->hi >> (8 * i));
		out[8 + i] = (unsigned char)(k->lo >> (8 * i));
	}
}

/* Whether a pixel open is new to the seen set: its key is the campaign's
 * stored bytes (empty for the campaigns not kept) after their length,
 * then 'r' and the recipient or 'v' and the visitor digest, so that the
 * set means the same in every run and saves as it stands.  -1 when out of
 * memory. */
static int pixel_seen(ff_marketing *m, uint32_t campaign, char tag, ff_sv rest)
{
	ff_sv key = campaign == OTHERS ? FF_SV_NULL : ff_intern_get(m->pixel_campaigns, campaign);
	if (!key.n)
		key = FF_SV_LIT("");
	unsigned char len[10];
	ff_sv parts[4] = { ff_sv_make((const char *)len, put_uv(len, key.n)), key, ff_sv_make(&tag, 1), rest };
	size_t before = ff_intern_count(m->pixel_seen);
	if (ff_intern_id_parts(m->pixel_seen, parts, 4) == NONE)
		return -1;
	return ff_intern_count(m->pixel_seen) > before;
}

int ff_marketing_hit(ff_marketing *m, const ff_record *rec, const ff_vkey *visitor)
{
	for (size_t i = 0; i < m->n_pixels; i++) {
		const struct pixel *px = &m->pixels[i];
		if (!ff_sv_eq(rec->path, px->path))
			continue;
		ff_sv cv, rv;
		if (!ff_query_param(rec->query, px->campaign, &cv) || !cv.n)
			return 0;
		char *buf = scratch(m, rec->query.n);
		if (!buf)
			return -1;
		ff_sv campaign = ff_sv_make(buf, ff_form_decode(cv, buf));
		uint32_t id = ff_intern_id(m->pixel_campaigns, campaign);
		struct pixel_stat *st = id == NONE ? NULL : ff_vec_at(&m->pixel_stats, id, sizeof *st);
		if (!st)
			return -1;
		st->opens++;
		/* Distinct recipients, or distinct visitor keys without one. */
		int fresh;
		if (px->recipient.n && ff_query_param(rec->query, px->recipient, &rv) && rv.n) {
			char *rbuf = buf + campaign.n;
			fresh = pixel_seen(m, id, 'r', ff_sv_make(rbuf, ff_form_decode(rv, rbuf)));
		} else {
			unsigned char k[16];
			vkey_bytes(visitor, k);
			fresh = pixel_seen(m, id, 'v', ff_sv_make((const char *)k, sizeof k));
		}
		if (fresh < 0)
			return -1;
		st->unique += (uint64_t)fresh;
		return 0;
	}
	return 0;
}

/* A pageview's words: the campaign, one variant per experiment, then the
 * facts worked out from the line when the caller could not keep a key
 * (ff_mk_unkept): flags, the referer host's kind, the search keyword and
 * the path's match bits. */
#define W_CAMPAIGN 0
#define W_VARIANTS 1
#define W_FLAGS(m) (1 + (m)->n_exps)
#define W_HOST_KIND(m) (2 + (m)->n_exps)
#define W_KEYWORD(m) (3 + (m)->n_exps)
#define W_BITS(m) (4 + (m)->n_exps)
#define UNKEPT_PATH 1u
#define UNKEPT_REFERER 2u

size_t ff_marketing_entry_words(const ff_marketing *m)
{
	return W_BITS(m) + m->bit_words;
}

/* Finds utm_source, utm_medium and utm_campaign in one pass (first
 * occurrence of each).  false without utm_source. */
static bool utm_params(ff_sv q, ff_sv out[3])
{
	static const ff_sv names[3] = { FF_SV_LIT("source"), FF_SV_LIT("medium"), FF_SV_LIT("campaign") };
	bool found[3] = { false, false, false };
	size_t i = 0;
	while (i < q.n) {
		ff_sv rest = ff_sv_sub(q, i, q.n);
		size_t amp = ff_sv_find(rest, '&');
		ff_sv pair = ff_sv_sub(rest, 0, amp);
		i += amp + 1;
		if (pair.n < 4 || memcmp(pair.p, "utm_", 4) != 0)
			continue;
		size_t eq = ff_sv_find(pair, '=');
		ff_sv name = ff_sv_sub(pair, 4, eq);
		for (int k = 0; k < 3; k++) {
			if (!found[k] && ff_sv_eq(name, names[k])) {
				found[k] = true;
				out[k] = eq < pair.n ? ff_sv_sub(pair, eq + 1, pair.n) : FF_SV_NULL;
			}
		}
	}
	for (int k = 1; k < 3; k++)
		if (!found[k])
			out[k] = FF_SV_NULL;
	return found[0];
}

/* The variant a path experiment reads from path (group 1 of its regex),
 * or NONE; NONE with m->failed when out of memory. */
static uint32_t path_variant(ff_marketing *m, struct experiment *ex, ff_sv path)
{
	if (!re_match(m, ex->re, path))
		return NONE;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
	if (pcre2_get_ovector_count(m->md) < 2 || ov[2] == PCRE2_UNSET || ov[3] <= ov[2])
		return NONE;
	uint32_t id = ff_intern_id(ex->variants, ff_sv_sub(path, ov[2], ov[3]));
	if (id == NONE)
		m->failed = true;
	return id;
}

static void set_bit(uint32_t *bits, size_t b)
{
	bits[b / 32] |= UINT32_C(1) << (b % 32);
}

static bool bit_set(const uint32_t *bits, size_t b)
{
	return (bits[b / 32] >> (b % 32)) & 1;
}

/* Sets the goal and funnel step bits that path matches; a path on which
 * any of them reached a limit counts once. */
static void match_path(ff_marketing *m, ff_sv path, uint32_t *bits)
{
	struct budget b = { .left = PATH_BUDGET };
	for (size_t g = 0; g < m->n_goals; g++)
		if (budget_match(m, &b, m->goals[g].re, path))
			set_bit(bits, 1 + g);
	for (size_t f = 0; f < m->n_funnels; f++) {
		const struct funnel *fn = &m->funnels[f];
		for (size_t s = 0; s < fn->n_steps; s++)
			if (budget_match(m, &b, fn->res[s], path))
				set_bit(bits, fn->bit0 + s);
	}
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	m->limit_hits += b.limited;
}

/* The facts of ff_mk_unkept, from the line. */
static int unkept_words(ff_marketing *m, const ff_record *rec, const ff_mk_unkept *u, uint32_t *words)
{
	if (u->path) {
		words[W_FLAGS(m)] |= UNKEPT_PATH;
		match_path(m, rec->path, words + W_BITS(m));
		for (size_t e = 0; e < m->n_exps; e++) {
			struct experiment *ex = &m->exps[e];
			if (ex->re && (words[W_VARIANTS + e] = path_variant(m, ex, rec->path)) == NONE && m->failed)
				return -1;
		}
	}
	if (u->referer) {
		words[W_FLAGS(m)] |= UNKEPT_REFERER;
		uint32_t engine = 0;
		enum ff_host_kind kind = ff_marketing_classify_host(m, u->host, &engine);
		words[W_HOST_KIND(m)] = (engine << 2) | (uint32_t)kind;
		/* a campaign entry's source is the campaign: no keyword */
		ff_sv kw;
		if (kind == FF_HOST_SEARCH && words[W_CAMPAIGN] == NONE &&
		    ff_marketing_keyword(m, engine, rec->referer, &kw) &&
		    (words[W_KEYWORD(m)] = ff_intern_id(m->keywords, kw)) == NONE)
			return -1;
	}
	return 0;
}

/* Keeps the split (1 + the utm_source length, 1 + the utm_medium
 * length) of campaign id when it is the first or shorter.  -1 when out of
 * memory. */
static int set_parts(ff_marketing *m, uint32_t id, uint32_t p0, uint32_t p1)
{
	uint32_t *parts = ff_vec_at(&m->campaign_parts, id, 2 * sizeof *parts);
	if (!parts)
		return -1;
	if (!parts[0] || p0 < parts[0] || (p0 == parts[0] && p1 < parts[1]))
		parts[0] = p0, parts[1] = p1;
	return 0;
}

/* The campaign and the variants of param experiments, from the query. */
static int query_words(ff_marketing *m, const ff_record *rec, uint32_t *words)
{
	ff_sv q = rec->query;
	ff_sv utm[3];
	if (memmem(q.p, q.n, "utm_source", 10) && utm_params(q, utm)) {
		char *buf = scratch(m, q.n + 2);
		if (!buf)
			return -1;
		size_t n = ff_form_decode(utm[0], buf), n0 = n;
		buf[n++] = '/';
		n += ff_form_decode(utm[1], buf + n);
		size_t n1 = n - n0 - 1;
		buf[n++] = '/';
		n += ff_form_decode(utm[2], buf + n);
		uint32_t id = ff_intern_id(m->campaigns, ff_sv_make(buf, n));
		if ((words[W_CAMPAIGN] = id) == NONE)
			return -1;
		/* the parts, for the utm_* columns: a '/' inside a value
		 * makes the key ambiguous; the split with the shortest
		 * utm_source, then utm_medium, stays, whatever the order the
		 * lines (or states) came in */
		if (!ff_intern_is_overflow(m->campaigns, id) && set_parts(m, id, (uint32_t)n0 + 1, (uint32_t)n1 + 1) < 0)
			return -1;
	}
	for (size_t e = 0; e < m->n_exps; e++) {
		struct experiment *ex = &m->exps[e];
		ff_sv v;
		if (!ex->param.n || !ff_query_param(q, ex->param, &v) || !v.n)
			continue;
		char *buf = scratch(m, v.n);
		if (!buf)
			return -1;
		if ((words[W_VARIANTS + e] = ff_intern_id(ex->variants, ff_sv_make(buf, ff_form_decode(v, buf)))) == NONE)
			return -1;
	}
	return 0;
}

int ff_marketing_pageview(ff_marketing *m, const ff_record *rec, const ff_mk_unkept *unkept, uint32_t *words)
{
	size_t nw = ff_marketing_entry_words(m);
	for (size_t i = 0; i < nw; i++)
		words[i] = i < W_BITS(m) ? NONE : 0;
	words[W_FLAGS(m)] = 0;
	if (rec->query.n && query_words(m, rec, words) < 0)
		return -1;
	if (unkept && (unkept->path || unkept->referer) && unkept_words(m, rec, unkept, words) < 0)
		return -1;
	return 0;
}

/* ---- visits ---- */

static struct mk_visit *visit_at(ff_marketing *m, uint32_t slot)
{
	return (struct mk_visit *)((char *)m->pool.p + (size_t)slot * m->visit_size);
}

/* What the lists say about a referer host id, worked out once per id. */
static enum ff_host_kind host_kind(ff_marketing *m, uint32_t id, ff_sv host, uint32_t *engine)
{
	uint32_t *k = ff_vec_at(&m->host_kinds, id, sizeof *k);
	if (!k) {
		m->failed = true;
		return FF_HOST_OTHER;
	}
	if (!*k) {
		uint32_t e = 0;
		enum ff_host_kind kind = ff_marketing_classify_host(m, host, &e);
		*k = 1 + ((e << 2) | (uint32_t)kind);
	}
	*engine = (*k - 1) >> 2;
	return (enum ff_host_kind)((*k - 1) & 3);
}

/* A zeroed visit from the pool, or NONE when out of memory. */
static uint32_t pool_take(ff_marketing *m)
{
	uint32_t slot;
	if (m->pool_free) {
		slot = m->pool_free - 1;
		m->pool_free = visit_at(m, slot)->next_free;
	} else {
		if (!ff_vec_at(&m->pool, m->pool_n, m->visit_size))
			return NONE;
		slot = m->pool_n++;
	}
	memset(visit_at(m, slot), 0, m->visit_size);
	return slot;
}

static void pool_give(ff_marketing *m, uint32_t slot)
{
	visit_at(m, slot)->next_free = m->pool_free;
	m->pool_free = slot + 1;
}

uint32_t ff_marketing_visit_open(ff_marketing *m, const ff_mk_entry *e)
{
	uint32_t slot = pool_take(m);
	if (slot == NONE)
		return NONE;
	struct mk_visit *v = visit_at(m, slot);
	v->campaign = e->words[0];
	v->keyword = NONE;
	v->ref_host = e->ref_host;
	v->browser = e->browser;
	v->device = e->device;
	v->country = e->country;
	if (v->campaign != NONE) {
		v->source = FF_SRC_CAMPAIGN;
	} else if (e->ref_host == NONE) {
		v->source = FF_SRC_DIRECT;
	} else {
		uint32_t engine;
		/* a referer or host not kept has no id to cache by: its facts
		 * came with the words */
		bool facts = e->words[W_FLAGS(m)] & UNKEPT_REFERER;
		enum ff_host_kind kind;
		if (facts) {
			engine = e->words[W_HOST_KIND(m)] >> 2;
			kind = (enum ff_host_kind)(e->words[W_HOST_KIND(m)] & 3);
		} else {
			kind = host_kind(m, e->ref_host, e->host, &engine);
		}
		switch (kind) {
		case FF_HOST_SEARCH: {
			v->source = FF_SRC_SEARCH;
			ff_sv kw;
			if (facts) {
				v->keyword = e->words[W_KEYWORD(m)];
			} else if (ff_marketing_keyword(m, engine, e->referer, &kw)) {
				v->keyword = ff_intern_id(m->keywords, kw);
				if (v->keyword == NONE)
					m->failed = true;
			}
			break;
		}
		case FF_HOST_SOCIAL:
			v->source = FF_SRC_SOCIAL;
			break;
		case FF_HOST_OTHER:
			/* referral or direct: the site hosts decide at the end */
			v->source = FF_SRC_REFERRAL;
			break;
		}
	}
	uint32_t *variants = (uint32_t *)((char *)v + m->off_variants);
	/* a path not kept had its path variants worked out with the words */
	bool path_facts = e->words[W_FLAGS(m)] & UNKEPT_PATH;
	for (size_t i = 0; i < m->n_exps; i++) {
		struct experiment *ex = &m->exps[i];
		variants[i] = e->words[W_VARIANTS + i];
		if (ex->re && !path_facts)
			variants[i] = path_variant(m, ex, e->path);
	}
	return slot;
}

/* The match bits of a path, computed the first time its id is seen. */
static const uint32_t *path_bits(ff_marketing *m, uint32_t path_id, ff_sv path)
{
	uint32_t *bits = ff_vec_at(&m->path_bits, path_id, m->bit_words * sizeof *bits);
	if (!bits) {
		m->failed = true;
		return NULL;
	}
	if (bits[0] & 1)
		return bits;
	bits[0] |= 1;
	match_path(m, path, bits);
	return bits;
}

void ff_marketing_visit_pageview(ff_marketing *m, uint32_t visit, uint32_t path_id, ff_sv path, bool post,
				 const uint32_t *words)
{
	if (!m->bit_words || visit == NONE)
		return;
	/* a path not kept has no id to cache by: its bits came with the
	 * words */
	const uint32_t *bits = words && (words[W_FLAGS(m)] & UNKEPT_PATH) ? words + W_BITS(m)
									    : path_bits(m, path_id, path);
	if (!bits)
		return;
	struct mk_visit *v = visit_at(m, visit);
	uint8_t *goals = (uint8_t *)v + m->off_goals;
	uint8_t *progress = (uint8_t *)v + m->off_progress;
	for (size_t g = 0; g < m->n_goals; g++) {
		const struct goal *gl = &m->goals[g];
		if (!goals[g] && bit_set(bits, 1 + g) &&
		    (gl->method == ANY_METHOD || (gl->method == POST_ONLY) == post))
			goals[g] = 1;
	}
	/* §7: each pageview advances a funnel by at most one step, when it
	 * matches the next one. */
	for (size_t f = 0; f < m->n_funnels; f++) {
		const struct funnel *fn = &m->funnels[f];
		if (progress[f] < fn->n_steps && bit_set(bits, fn->bit0 + progress[f]))
			progress[f]++;
	}
}

static void count(ff_mk_counts *c, bool bounce, bool converted)
{
	c->visits++;
	c->bounces += bounce;
	c->conversions += converted;
}

/* n more visits that stopped at step of funnel, leaving on path.  -1
 * (and failed) when out of memory. */
static int count_exit_n(ff_marketing *m, uint32_t funnel, uint32_t step, uint32_t path, uint64_t n)
{
	uint64_t key = ((uint64_t)funnel << 48) | ((uint64_t)step << 32) | path;
	bool inserted;
	uint32_t *slot = ff_hmap_u64_find_or_insert(m->exit_ids, key, &inserted);
	if (!slot) {
		m->failed = true;
		return -1;
	}
	if (inserted) {
		ff_mk_funnel_exit *x = ff_vec_at(&m->exits, m->n_exits, sizeof *x);
		if (!x) {
			ff_hmap_u64_remove(m->exit_ids, key);
			m->failed = true;
			return -1;
		}
		*x = (ff_mk_funnel_exit){ .funnel = funnel, .step = step, .path_id = path };
		*slot = (uint32_t)m->n_exits++;
	}
	((ff_mk_funnel_exit *)m->exits.p)[*slot].visits += n;
	return 0;
}

void ff_marketing_visit_close(ff_marketing *m, uint32_t visit, uint32_t pageviews, uint32_t entry_path,
			      uint32_t exit_path)
{
	if (visit == NONE)
		return;
	struct mk_visit *v = visit_at(m, visit);
	const uint8_t *goals = (const uint8_t *)v + m->off_goals;
	const uint8_t *progress = (const uint8_t *)v + m->off_progress;
	const uint32_t *variants = (const uint32_t *)((const char *)v + m->off_variants);
	bool converted = false;
	for (size_t g = 0; g < m->n_goals; g++) {
		m->goals[g].conversions += goals[g];
		converted |= goals[g] != 0;
	}
	bool bounce = pageviews == 1;
	m->visits_n++;
	m->converted += converted;

	ff_mk_counts *c = NULL;
	switch (v->source) {
	case FF_SRC_CAMPAIGN:
		count(&m->src[FF_SRC_CAMPAIGN], bounce, converted);
		c = &m->campaign_others;
		if (v->campaign != OTHERS)
			c = ff_vec_at(&m->campaign_stats, v->campaign, sizeof *c);
		break;
	case FF_SRC_SEARCH:
		count(&m->src[FF_SRC_SEARCH], bounce, converted);
		if (v->keyword != NONE) {
			uint64_t *k = &m->keyword_others;
			if (v->keyword != OTHERS && !(k = ff_vec_at(&m->keyword_visits, v->keyword, sizeof *k)))
				m->failed = true;
			else
				++*k;
		}
		break;
	case FF_SRC_SOCIAL:
		count(&m->src[FF_SRC_SOCIAL], bounce, converted);
		break;
	case FF_SRC_REFERRAL:
		c = ff_vec_at(&m->host_stats, v->ref_host, sizeof *c);
		break;
	default:
		count(&m->src[FF_SRC_DIRECT], bounce, converted);
		break;
	}
	if (v->source == FF_SRC_CAMPAIGN || v->source == FF_SRC_REFERRAL) {
		if (c)
			count(c, bounce, converted);
		else
			m->failed = true;
	}
	if (converted) {
		uint64_t *e = ff_vec_at(&m->entry_conv, entry_path, sizeof *e);
		uint64_t *b = ff_vec_at(&m->browser_conv, v->browser, sizeof *b);
		if (e && b)
			++*e, ++*b;
		else
			m->failed = true;
		if (v->device < sizeof m->device_conv / sizeof *m->device_conv)
			m->device_conv[v->device]++;
		if (v->country) {
			uint64_t *k = ff_vec_at(&m->country_conv, v->country - 1, sizeof *k);
			if (k)
				++*k;
			else
				m->failed = true;
		}
	}
	for (size_t f = 0; f < m->n_funnels; f++) {
		struct funnel *fn = &m->funnels[f];
		fn->stops[progress[f]]++;
		if (progress[f] >= 1 && progress[f] < fn->n_steps)
			count_exit_n(m, (uint32_t)f, progress[f], exit_path, 1);
	}
	for (size_t i = 0; i < m->n_exps; i++) {
		if (variants[i] == NONE)
			continue;
		struct experiment *ex = &m->exps[i];
		struct variant_stat *s = &ex->others;
		if (variants[i] != OTHERS && !(s = ff_vec_at(&ex->stats, variants[i], sizeof *s))) {
			m->failed = true;
			continue;
		}
		s->visits++;
		s->conversions += goals[ex->goal] != 0;
	}
	pool_give(m, visit);
}

void ff_marketing_visit_drop(ff_marketing *m, uint32_t visit)
{
	if (visit != NONE)
		pool_give(m, visit);
}

uint32_t ff_marketing_visit_campaign(ff_marketing *m, uint32_t visit)
{
	return visit == NONE ? NONE : visit_at(m, visit)->campaign;
}

bool ff_marketing_visit_goal(ff_marketing *m, uint32_t visit, size_t goal)
{
	if (visit == NONE || goal >= m->n_goals)
		return false;
	return ((const uint8_t *)visit_at(m, visit) + m->off_goals)[goal] != 0;
}

bool ff_marketing_failed(const ff_marketing *m)
{
	return m->failed;
}

uint64_t ff_marketing_limit_hits(const ff_marketing *m)
{
	return m->limit_hits;
}

void ff_marketing_set_max_keys(ff_marketing *m, size_t max)
{
	ff_intern_set_limit(m->campaigns, max);
	ff_intern_set_limit(m->keywords, max);
	ff_intern_set_limit(m->pixel_campaigns, max);
	for (size_t i = 0; i < m->n_exps; i++)
		ff_intern_set_limit(m->exps[i].variants, max);
}

int ff_marketing_set_budget(ff_marketing *m, ff_budget *budget, size_t max_len)
{
	if (ff_intern_set_budget(m->campaigns, budget, max_len) != 0 ||
	    ff_intern_set_budget(m->keywords, budget, max_len) != 0 ||
	    ff_intern_set_budget(m->pixel_campaigns, budget, max_len) != 0)
		return -1;
	for (size_t i = 0; i < m->n_exps; i++)
		if (ff_intern_set_budget(m->exps[i].variants, budget, max_len) != 0)
			return -1;
	return 0;
}

uint64_t ff_marketing_campaign_overflows(const ff_marketing *m)
{
	return ff_intern_overflows(m->campaigns) + m->campaign_overflows;
}

uint64_t ff_marketing_keyword_overflows(const ff_marketing *m)
{
	return ff_intern_overflows(m->keywords) + m->keyword_overflows;
}

uint64_t ff_marketing_pixel_overflows(const ff_marketing *m)
{
	return ff_intern_overflows(m->pixel_campaigns) + m->pixel_overflows;
}

uint64_t ff_marketing_variant_overflows(const ff_marketing *m, size_t exp)
{
	return exp < m->n_exps ? ff_intern_overflows(m->exps[exp].variants) + m->exps[exp].overflows : 0;
}

size_t ff_marketing_variant_count(const ff_marketing *m, size_t exp)
{
	return exp < m->n_exps ? ff_intern_count(m->exps[exp].variants) : 0;
}

/* ---- results ---- */

uint64_t ff_marketing_visits(const ff_marketing *m)
{
	return m->visits_n;
}

uint64_t ff_marketing_converted(const ff_marketing *m)
{
	return m->converted;
}

static void add_counts(ff_mk_counts *to, const ff_mk_counts *c)
{
	to->visits += c->visits;
	to->bounces += c->bounces;
	to->conversions += c->conversions;
}

void ff_marketing_sources(const ff_marketing *m, const bool *internal, size_t n, ff_mk_counts out[FF_SRC_COUNT])
{
	for (int s = 0; s < FF_SRC_COUNT; s++)
		out[s] = m->src[s];
	size_t hosts = m->host_stats.cap;
	for (size_t id = 0; id < hosts; id++) {
		const ff_mk_counts *c = ff_vec_get(&m->host_stats, id, sizeof *c);
		if (!c || !c->visits)
			continue;
		add_counts(&out[id < n && internal[id] ? FF_SRC_DIRECT : FF_SRC_REFERRAL], c);
	}
}

size_t ff_marketing_campaign_count(const ff_marketing *m)
{
	return ff_intern_count(m->campaigns);
}

bool ff_marketing_campaign_parts(const ff_marketing *m, uint32_t id, ff_sv parts[3])
{
	const uint32_t *p = ff_vec_get(&m->campaign_parts, id, 2 * sizeof *p);
	if (!p || !p[0])
		return false;
	ff_sv key = ff_intern_get(m->campaigns, id);
	size_t n0 = p[0] - 1, n1 = p[1] - 1;
	if (n0 + n1 + 2 > key.n)
		return false;
	parts[0] = ff_sv_make(key.p, n0);
	parts[1] = ff_sv_make(key.p + n0 + 1, n1);
	parts[2] = ff_sv_make(key.p + n0 + n1 + 2, key.n - n0 - n1 - 2);
	return true;
}

ff_sv ff_marketing_campaign_key(const ff_marketing *m, uint32_t id)
{
	return ff_intern_get(m->campaigns, id);
}

ff_mk_counts ff_marketing_campaign(const ff_marketing *m, uint32_t id)
{
	const ff_mk_counts *c = ff_vec_get(&m->campaign_stats, id, sizeof *c);
	ff_mk_counts r = c ? *c : (ff_mk_counts){ 0, 0, 0 };
	if (id == ff_intern_count(m->campaigns))
		add_counts(&r, &m->campaign_others);
	return r;
}

size_t ff_marketing_keyword_count(const ff_marketing *m)
{
	return ff_intern_count(m->keywords);
}

ff_sv ff_marketing_keyword_key(const ff_marketing *m, uint32_t id)
{
	return ff_intern_get(m->keywords, id);
}

uint64_t ff_marketing_keyword_visits(const ff_marketing *m, uint32_t id)
{
	const uint64_t *k = ff_vec_get(&m->keyword_visits, id, sizeof *k);
	return (k ? *k : 0) + (id == ff_intern_count(m->keywords) ? m->keyword_others : 0);
}

uint64_t ff_marketing_browser_conversions(const ff_marketing *m, uint32_t browser)
{
	const uint64_t *c = ff_vec_get(&m->browser_conv, browser, sizeof *c);
	return c ? *c : 0;
}

uint64_t ff_marketing_country_conversions(const ff_marketing *m, uint32_t country)
{
	const uint64_t *c = ff_vec_get(&m->country_conv, country, sizeof *c);
	return c ? *c : 0;
}

uint64_t ff_marketing_device_conversions(const ff_marketing *m, unsigned device)
{
	return device < sizeof m->device_conv / sizeof *m->device_conv ? m->device_conv[device] : 0;
}

uint64_t ff_marketing_entry_conversions(const ff_marketing *m, uint32_t path_id)
{
	const uint64_t *e = ff_vec_get(&m->entry_conv, path_id, sizeof *e);
	return e ? *e : 0;
}

size_t ff_marketing_goal_count(const ff_marketing *m)
{
	return m->n_goals;
}

ff_sv ff_marketing_goal_name(const ff_marketing *m, size_t goal)
{
	return goal < m->n_goals ? m->goals[goal].name : FF_SV_NULL;
}

uint64_t ff_marketing_goal_conversions(const ff_marketing *m, size_t goal)
{
	return goal < m->n_goals ? m->goals[goal].conversions : 0;
}

size_t ff_marketing_funnel_count(const ff_marketing *m)
{
	return m->n_funnels;
}

ff_sv ff_marketing_funnel_name(const ff_marketing *m, size_t funnel)
{
	return funnel < m->n_funnels ? m->funnels[funnel].name : FF_SV_NULL;
}

size_t ff_marketing_funnel_steps(const ff_marketing *m, size_t funnel)
{
	return funnel < m->n_funnels ? m->funnels[funnel].n_steps : 0;
}

ff_sv ff_marketing_funnel_pattern(const ff_marketing *m, size_t funnel, size_t step)
{
	if (funnel >= m->n_funnels || step < 1 || step > m->funnels[funnel].n_steps)
		return FF_SV_NULL;
	return m->funnels[funnel].patterns[step - 1];
}

uint64_t ff_marketing_funnel_reached(const ff_marketing *m, size_t funnel, size_t step)
{
	if (funnel >= m->n_funnels)
		return 0;
	const struct funnel *f = &m->funnels[funnel];
	uint64_t n = 0;
	for (size_t k = step; k <= f->n_steps; k++)
		n += f->stops[k];
	return n;
}

size_t ff_marketing_funnel_exit_count(const ff_marketing *m)
{
	return m->n_exits;
}

ff_mk_funnel_exit ff_marketing_funnel_exit(const ff_marketing *m, size_t i)
{
	if (i >= m->n_exits)
		return (ff_mk_funnel_exit){ 0, 0, 0, 0 };
	return ((const ff_mk_funnel_exit *)m->exits.p)[i];
}

size_t ff_marketing_experiment_count(const ff_marketing *m)
{
	return m->n_exps;
}

ff_sv ff_marketing_experiment_name(const ff_marketing *m, size_t exp)
{
	return exp < m->n_exps ? m->exps[exp].name : FF_SV_NULL;
}

bool ff_marketing_experiment_split(const ff_marketing *m, size_t exp)
{
	return exp < m->n_exps && m->exps[exp].n_split;
}

static int cmp_variant(const void *x, const void *y)
{
	const ff_mk_variant *a = x, *b = y;
	if (a->others != b->others)
		return a->others ? 1 : -1;
	if (a->control != b->control)
		return a->control ? -1 : 1;
	return ff_sv_cmp(a->name, b->name);
}

/* The sample-ratio-mismatch check over the k variants kept (SPEC §7): the
 * configured split, with the variants outside it expected at 0, or an
 * equal split between them.  NaN when out of memory. */
static double srm_p(const struct experiment *ex, const ff_mk_variant *v, size_t k)
{
	if (!ex->n_split)  {
		uint64_t *obs = malloc(k * sizeof *obs);
		if (!obs)
			return NAN;
		for (size_t i = 0; i < k; i++)
			obs[i] = v[i].visits;
		double p = ff_chi2_gof(obs, NULL, k);
		free(obs);
		return p;
	}
	size_t cap = ex->n_split + k, nk = ex->n_split;
	uint64_t *obs = calloc(cap, sizeof *obs);
	double *w = calloc(cap, sizeof *w);
	double p = NAN;
	if (obs && w) {
		memcpy(w, ex->split_w, ex->n_split * sizeof *w);
		for (size_t i = 0; i < k; i++) {
			size_t j = 0;
			while (j < ex->n_split && !ff_sv_eq(ex->split_names[j], v[i].name))
				j++;
			if (j == ex->n_split)
				j = nk++;
			obs[j] += v[i].visits;
		}
		p = ff_chi2_gof(obs, w, nk);
	}
	free(obs);
	free(w);
	return p;
}

ff_mk_variant *ff_marketing_experiment_variants(const ff_marketing *m, size_t exp, size_t *n)
{
	*n = 0;
	if (exp >= m->n_exps)
		return NULL;
	const struct experiment *ex = &m->exps[exp];
	size_t ids = ff_intern_count(ex->variants);
	/* the variants not kept (--max-keys) share the id after the last */
	const struct variant_stat *ov = ff_vec_get(&ex->stats, ids, sizeof *ov);
	struct variant_stat ostat = ex->others;
	if (ov)
		ostat.visits += ov->visits, ostat.conversions += ov->conversions;
	const struct variant_stat *os = &ostat;
	bool others = os->visits != 0;
	ff_mk_variant *v = calloc(ids + 2, sizeof *v);
	if (!v) {
		*n = 1;
		return NULL;
	}
	size_t k = 0;
	bool control_seen = false;
	for (uint32_t id = 0; id < ids; id++) {
		const struct variant_stat *s = ff_vec_get(&ex->stats, id, sizeof *s);
		ff_sv name = ff_intern_get(ex->variants, id);
		bool is_control = ex->has_control && ff_sv_eq(name, ex->control);
		if ((!s || !s->visits) && !is_control)
			continue;
		v[k] = (ff_mk_variant){ .name = name, .control = is_control };
		if (s)
			v[k].visits = s->visits, v[k].conversions = s->conversions;
		control_seen |= is_control;
		k++;
	}
	if (ex->has_control && !control_seen)
		v[k++] = (ff_mk_variant){ .name = ex->control, .control = true };
	if (k == 0 && !others) {
		free(v);
		return NULL;
	}
	if (k == 0) {
		v[0] = (ff_mk_variant){ .others = true, .visits = os->visits, .conversions = os->conversions };
		v[0].rate = (double)os->conversions / (double)os->visits;
		v[0].test = FF_PROP_TEST_NAN;
		v[0].chi2_p = v[0].srm_p = NAN;
		*n = 1;
		return v;
	}
	qsort(v, k, sizeof *v, cmp_variant);
	/* Without a configured control, the byte-wise smallest variant is. */
	v[0].control = true;
	for (size_t i = 0; i < k; i++) {
		v[i].rate = v[i].visits ? (double)v[i].conversions / (double)v[i].visits : 0.0;
		if (v[i].control)
			v[i].test = FF_PROP_TEST_NAN;
		else
			v[i].test = ff_two_prop_test(v[i].conversions, v[i].visits, v[0].conversions, v[0].visits);
		v[i].chi2_p = NAN;
	}
	if (k >= 3) {
		uint64_t *conv = malloc(k * sizeof *conv), *vis = malloc(k * sizeof *vis);
		if (conv && vis) {
			for (size_t i = 0; i < k; i++)
				conv[i] = v[i].conversions, vis[i] = v[i].visits;
			double p = ff_chi2_homogeneity(conv, vis, k, NULL, NULL);
			for (size_t i = 0; i < k; i++)
				v[i].chi2_p = p;
		}
		free(conv);
		free(vis);
	}
	double srm = srm_p(ex, v, k);
	for (size_t i = 0; i < k; i++)
		v[i].srm_p = srm;
	if (others) {
		v[k] = (ff_mk_variant){ .others = true, .visits = os->visits, .conversions = os->conversions };
		v[k].rate = (double)os->conversions / (double)os->visits;
		v[k].test = FF_PROP_TEST_NAN;
		v[k].chi2_p = v[k].srm_p = NAN;
		k++;
	}
	*n = k;
	return v;
}

/* "= 0.052" or "< 0.001", as the table shows it. */
static void format_p(double p, char *buf, size_t bufsz)
{
	char num[FF_STAT_BUF];
	ff_fmt_pvalue(p, num);
	snprintf(buf, bufsz, "%s%s", num[0] == '<' ? "" : "= ", num);
}

/* "+3.1 pp (95% CI +0.0 to +6.2 pp), p = 0.052, lift +155%": the figures
 * of the table's row for v, rounded as the table rounds them; no lift
 * when the control converts nobody. */
static void figures(const ff_mk_variant *v, char *buf, size_t bufsz)
{
	char d[FF_STAT_BUF], lo[FF_STAT_BUF], hi[FF_STAT_BUF], p[48], lift[FF_STAT_BUF + 8] = "";
	ff_fmt_pp(v->test.diff, d);
	ff_fmt_pp(v->test.ci_low, lo);
	ff_fmt_pp(v->test.ci_high, hi);
	format_p(v->test.p_value, p, sizeof p);
	if (!isnan(v->test.lift)) {
		char l[FF_STAT_BUF];
		ff_fmt_lift(v->test.lift, l);
		snprintf(lift, sizeof lift, ", lift %s", l);
	}
	/* "+0.0 pp" without its unit inside the interval: "+0.0 to +6.2 pp" */
	size_t lon = strlen(lo);
	if (lon > 3 && strcmp(lo + lon - 3, " pp") == 0)
		lo[lon - 3] = '\0';
	snprintf(buf, bufsz, "%s (95%% CI %s to %s), p %s%s", d, lo, hi, p, lift);
}

/* "variant b converts better than a: +3.1 pp (...)" */
static void comparison(const ff_mk_variant *v, const ff_mk_variant *control, char *buf, size_t bufsz)
{
	char fig[256];
	figures(v, fig, sizeof fig);
	snprintf(buf, bufsz, "variant %.*s converts %s than %.*s: %s", (int)v->name.n, v->name.p,
		 v->rate >= control->rate ? "better" : "worse", (int)control->name.n, control->name.p, fig);
}

static void verdict(const ff_mk_variant *v, size_t n, char *out, size_t room)
{
	char p[48], cmp[512], fig[256];
	size_t with_visits = 0;
	for (size_t i = 0; i < n; i++)
		with_visits += v[i].visits > 0;
	if (with_visits == 0) {
		snprintf(out, room, "no visits in the experiment");
	} else if (!v[0].visits) {
		snprintf(out, room, "the control %.*s has no visits, so nothing is compared", (int)v[0].name.n,
			 v[0].name.p);
	} else if (n == 1) {
		snprintf(out, room, "only variant %.*s has visits", (int)v[0].name.n, v[0].name.p);
	} else if (n == 2) {
		if (v[1].test.p_value < 0.05) {
			comparison(&v[1], &v[0], cmp, sizeof cmp);
			snprintf(out, room, "%s", cmp);
		} else {
			figures(&v[1], fig, sizeof fig);
			snprintf(out, room, "no significant difference between %.*s and %.*s: %s", (int)v[1].name.n,
				 v[1].name.p, (int)v[0].name.n, v[0].name.p, fig);
		}
	} else {
		format_p(v[0].chi2_p, p, sizeof p);
		if (!(v[0].chi2_p < 0.05)) {
			snprintf(out, room, "no significant difference between the %zu variants (chi-square p %s)", n, p);
			return;
		}
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (v[i].rate > v[best].rate)
				best = i;
		if (best == 0) {
			snprintf(out, room, "the variants differ (chi-square p %s); the control %.*s converts best", p,
				 (int)v[0].name.n, v[0].name.p);
			return;
		}
		comparison(&v[best], &v[0], cmp, sizeof cmp);
		snprintf(out, room, "the variants differ (chi-square p %s); best: %s", p, cmp);
	}
}

void ff_marketing_experiment_verdict(const ff_marketing *m, size_t exp, const ff_mk_variant *v, size_t n,
				     char *buf, size_t bufsz)
{
	ff_sv name = ff_marketing_experiment_name(m, exp);
	int len = snprintf(buf, bufsz, "%.*s: ", (int)name.n, name.p);
	if (len < 0 || (size_t)len >= bufsz)
		return;
	/* the variants not kept are not compared */
	if (n && v[n - 1].others)
		n--;
	verdict(v, n, buf + len, bufsz - (size_t)len);
	if (n && v[0].srm_p < FF_SRM_ALPHA) {
		size_t used = strlen(buf);
		char p[48];
		format_p(v[0].srm_p, p, sizeof p);
		snprintf(buf + used, bufsz - used, "; but sample ratio mismatch (SRM p %s): the assignment looks broken",
			 p);
	}
}

size_t ff_marketing_pixel_count(const ff_marketing *m)
{
	return m->n_pixels;
}

size_t ff_marketing_pixel_campaign_count(const ff_marketing *m)
{
	return ff_intern_count(m->pixel_campaigns);
}

ff_sv ff_marketing_pixel_campaign(const ff_marketing *m, uint32_t id)
{
	return ff_intern_get(m->pixel_campaigns, id);
}

uint64_t ff_marketing_pixel_opens(const ff_marketing *m, uint32_t id)
{
	const struct pixel_stat *s = ff_vec_get(&m->pixel_stats, id, sizeof *s);
	return (s ? s->opens : 0) + (id == ff_intern_count(m->pixel_campaigns) ? m->pixel_others.opens : 0);
}

uint64_t ff_marketing_pixel_unique_opens(const ff_marketing *m, uint32_t id)
{
	const struct pixel_stat *s = ff_vec_get(&m->pixel_stats, id, sizeof *s);
	return (s ? s->unique : 0) + (id == ff_intern_count(m->pixel_campaigns) ? m->pixel_others.unique : 0);
}

enum ff_source ff_marketing_visit_source(ff_marketing *m, uint32_t visit, uint32_t *ref_host)
{
	const struct mk_visit *v = visit_at(m, visit);
	*ref_host = v->ref_host;
	return (enum ff_source)v->source;
}

/* ---- state (SPEC §16) ---- */

/* The layout is described at ff_marketing_save in marketing.h.  Absorbing
 * reads the payload twice: once to check all of it, leaving m as it was
 * when anything is malformed, then to add it. */

struct key_row {
	ff_sv key;
	uint32_t id;
};

static int cmp_key_row(const void *x, const void *y)
{
	const struct key_row *a = x, *b = y;
	return ff_sv_cmp(a->key, b->key);
}

/* The ids of in by their bytes: a malloc'd array of *n, NULL when out of
 * memory. */
static struct key_row *sorted_keys(const ff_intern *in, size_t *n)
{
	*n = ff_intern_count(in);
	struct key_row *rows = malloc((*n ? *n : 1) * sizeof *rows);
	if (!rows)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		rows[i] = (struct key_row){ ff_intern_get(in, (uint32_t)i), (uint32_t)i };
	qsort(rows, *n, sizeof *rows, cmp_key_row);
	return rows;
}

/* The counters of one row of a key table; id is the table's count for the
 * keys not kept. */
typedef void (*put_fn)(const ff_marketing *m, size_t which, uint32_t id, ff_sbuf *b);

static void save_table(const ff_marketing *m, const ff_intern *in, size_t which, put_fn put, uint64_t overflows,
		       ff_sbuf *b)
{
	size_t n;
	struct key_row *rows = sorted_keys(in, &n);
	if (!rows) {
		b->oom = true;
		return;
	}
	ff_sbuf_uv(b, n);
	for (size_t i = 0; i < n; i++) {
		ff_sbuf_str(b, rows[i].key.p, rows[i].key.n);
		put(m, which, rows[i].id, b);
	}
	put(m, which, (uint32_t)n, b);
	ff_sbuf_uv(b, overflows);
	free(rows);
}

static void put_variant(const ff_marketing *m, size_t e, uint32_t id, ff_sbuf *b)
{
	const struct experiment *ex = &m->exps[e];
	const struct variant_stat *s = ff_vec_get(&ex->stats, id, sizeof *s);
	struct variant_stat v = s ? *s : (struct variant_stat){ 0, 0 };
	if (id == ff_intern_count(ex->variants))
		v.visits += ex->others.visits, v.conversions += ex->others.conversions;
	ff_sbuf_uv(b, v.visits);
	ff_sbuf_uv(b, v.conversions);
}

static void put_parts(const ff_marketing *m, uint32_t id, ff_sbuf *b)
{
	const uint32_t *p = ff_vec_get(&m->campaign_parts, id, 2 * sizeof *p);
	ff_sbuf_uv(b, p ? p[0] : 0);
	ff_sbuf_uv(b, p ? p[1] : 0);
}

static void put_campaign(const ff_marketing *m, size_t which, uint32_t id, ff_sbuf *b)
{
	(void)which;
	ff_mk_counts c = ff_marketing_campaign(m, id);
	ff_sbuf_uv(b, c.visits);
	ff_sbuf_uv(b, c.bounces);
	ff_sbuf_uv(b, c.conversions);
	if (id < ff_intern_count(m->campaigns))
		put_parts(m, id, b);
}

static void put_keyword(const ff_marketing *m, size_t which, uint32_t id, ff_sbuf *b)
{
	(void)which;
	ff_sbuf_uv(b, ff_marketing_keyword_visits(m, id));
}

static void put_pixel(const ff_marketing *m, size_t which, uint32_t id, ff_sbuf *b)
{
	(void)which;
	ff_sbuf_uv(b, ff_marketing_pixel_opens(m, id));
}

static void save_counts(ff_sbuf *b, const ff_mk_counts *c)
{
	ff_sbuf_uv(b, c->visits);
	ff_sbuf_uv(b, c->bounces);
	ff_sbuf_uv(b, c->conversions);
}

/* A vec of uint64_t by the caller's ids: the non-zero ones, ascending. */
static void save_sparse(ff_sbuf *b, const struct vec *v)
{
	const uint64_t *x = v->p;
	size_t n = 0;
	for (size_t i = 0; i < v->cap; i++)
		n += x[i] != 0;
	ff_sbuf_uv(b, n);
	for (size_t i = 0; i < v->cap; i++) {
		if (x[i]) {
			ff_sbuf_uv(b, i);
			ff_sbuf_uv(b, x[i]);
		}
	}
}

static int cmp_exit(const void *x, const void *y)
{
	const ff_mk_funnel_exit *a = x, *b = y;
	if (a->funnel != b->funnel)
		return a->funnel < b->funnel ? -1 : 1;
	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	return (a->path_id > b->path_id) - (a->path_id < b->path_id);
}

void ff_marketing_save(const ff_marketing *m, ff_sbuf *b)
{
	ff_sbuf_uv(b, m->n_goals);
	for (size_t g = 0; g < m->n_goals; g++)
		ff_sbuf_uv(b, m->goals[g].conversions);
	ff_sbuf_uv(b, m->n_funnels);
	for (size_t f = 0; f < m->n_funnels; f++) {
		ff_sbuf_uv(b, m->funnels[f].n_steps);
		for (size_t k = 0; k <= m->funnels[f].n_steps; k++)
			ff_sbuf_uv(b, m->funnels[f].stops[k]);
	}
	ff_mk_funnel_exit *x = malloc((m->n_exits ? m->n_exits : 1) * sizeof *x);
	if (!x) {
		b->oom = true;
		return;
	}
	if (m->n_exits)
		memcpy(x, m->exits.p, m->n_exits * sizeof *x);
	qsort(x, m->n_exits, sizeof *x, cmp_exit);
	ff_sbuf_uv(b, m->n_exits);
	for (size_t i = 0; i < m->n_exits; i++) {
		ff_sbuf_uv(b, x[i].funnel);
		ff_sbuf_uv(b, x[i].step);
		ff_sbuf_uv(b, x[i].path_id);
		ff_sbuf_uv(b, x[i].visits);
	}
	free(x);

	ff_sbuf_uv(b, m->n_exps);
	for (size_t e = 0; e < m->n_exps; e++)
		save_table(m, m->exps[e].variants, e, put_variant, ff_marketing_variant_overflows(m, e), b);
	save_table(m, m->campaigns, 0, put_campaign, ff_marketing_campaign_overflows(m), b);
	save_table(m, m->keywords, 0, put_keyword, ff_marketing_keyword_overflows(m), b);
	save_table(m, m->pixel_campaigns, 0, put_pixel, ff_marketing_pixel_overflows(m), b);
	size_t n;
	struct key_row *seen = sorted_keys(m->pixel_seen, &n);
	if (!seen) {
		b->oom = true;
		return;
	}
	ff_sbuf_uv(b, n);
	for (size_t i = 0; i < n; i++)
		ff_sbuf_str(b, seen[i].key.p, seen[i].key.n);
	free(seen);

	n = 0;
	for (size_t id = 0; id < m->host_stats.cap; id++)
		n += ((const ff_mk_counts *)m->host_stats.p)[id].visits != 0;
	ff_sbuf_uv(b, n);
	for (size_t id = 0; id < m->host_stats.cap; id++) {
		const ff_mk_counts *c = &((const ff_mk_counts *)m->host_stats.p)[id];
		if (c->visits) {
			ff_sbuf_uv(b, id);
			save_counts(b, c);
		}
	}
	save_sparse(b, &m->entry_conv);
	save_sparse(b, &m->browser_conv);
	save_sparse(b, &m->country_conv);
	struct vec dev = { .p = (void *)m->device_conv, .cap = sizeof m->device_conv / sizeof *m->device_conv };
	save_sparse(b, &dev);
	for (int s = 0; s < FF_SRC_COUNT; s++)
		save_counts(b, &m->src[s]);
	ff_sbuf_uv(b, m->visits_n);
	ff_sbuf_uv(b, m->converted);
	ff_sbuf_uv(b, m->limit_hits);
}

/* A reading of a payload: checking only, or adding to m (apply). */
struct rd {
	ff_marketing *const m;
	ff_scur *const c;
	const ff_mk_remap *const r;
	const bool apply;
};

static bool rd_bad(struct rd *d)
{
	d->c->bad = true;
	return false;
}

/* Out of memory while applying: the cursor stays good (absorb then
 * sets failed). */
static bool rd_oom(struct rd *d)
{
	(void)d;
	return false;
}

static bool rd_uv(struct rd *d, uint64_t *v)
{
	return ff_scur_uv(d->c, v);
}

/* A value at most max. */
static bool rd_upto(struct rd *d, uint64_t max, uint64_t *v)
{
	return ff_scur_uv(d->c, v) && (*v <= max || rd_bad(d));
}

/* A caller's id, mapped through map. */
static bool rd_id(struct rd *d, const uint32_t *map, size_t n_map, uint32_t *id)
{
	uint64_t v;
	if (!rd_uv(d, &v))
		return false;
	if (v >= n_map || !map || map[v] == NONE)
		return rd_bad(d);
	*id = map[v];
	return true;
}

/* The id for the keys not kept in a table of m: its overflow id when it
 * is full, else OTHERS. */
static uint32_t others_id(const ff_intern *in)
{
	uint32_t n = (uint32_t)ff_intern_count(in);
	return ff_intern_is_overflow(in, n) ? n : OTHERS;
}

/* A row's counters: read and, when applying, added to id (OTHERS for the
 * keys not kept); key is the row's (empty for others). */
typedef bool (*take_fn)(struct rd *d, size_t which, uint32_t id, ff_sv key);

static bool read_table(struct rd *d, ff_intern *in, size_t which, size_t min_row, take_fn take, uint64_t *overflows)
{
	size_t n;
	if (!ff_scur_count(d->c, 1 + min_row, UINT32_MAX, &n))
		return false;
	ff_sv prev = FF_SV_NULL;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p;
		size_t len;
		if (!ff_scur_str(d->c, &p, &len))
			return false;
		ff_sv key = ff_sv_make((const char *)p, len);
		if (!len || (i && ff_sv_cmp(prev, key) >= 0))
			return rd_bad(d);
		prev = key;
		uint32_t id = NONE;
		if (d->apply && (id = ff_intern_id(in, key)) == NONE)
			return rd_oom(d);
		if (!take(d, which, id, key))
			return false;
	}
	if (!take(d, which, OTHERS, FF_SV_NULL))
		return false;
	uint64_t o;
	if (!rd_uv(d, &o))
		return false;
	if (d->apply)
		*overflows += o;
	return true;
}

static bool take_variant(struct rd *d, size_t e, uint32_t id, ff_sv key)
{
	(void)key;
	uint64_t v, c;
	if (!rd_uv(d, &v) || !rd_uv(d, &c))
		return false;
	if (!d->apply)
		return true;
	struct experiment *ex = &d->m->exps[e];
	struct variant_stat *s = &ex->others;
	if (id != OTHERS && !(s = ff_vec_at(&ex->stats, id, sizeof *s)))
		return rd_oom(d);
	s->visits += v;
	s->conversions += c;
	return true;
}

/* A campaign's split: both 0 (unknown) or both lengths + 1. */
static bool rd_parts(struct rd *d, uint64_t p[2])
{
	if (!rd_upto(d, UINT32_MAX, &p[0]) || !rd_upto(d, UINT32_MAX, &p[1]))
		return false;
	return (p[0] == 0) == (p[1] == 0) || rd_bad(d);
}

static bool add_parts(struct rd *d, uint32_t id, const uint64_t p[2])
{
	ff_marketing *m = d->m;
	if (!p[0] || id >= ff_intern_count(m->campaigns) || ff_intern_is_overflow(m->campaigns, id))
		return true;
	return set_parts(m, id, (uint32_t)p[0], (uint32_t)p[1]) == 0 || rd_oom(d);
}

static bool take_campaign(struct rd *d, size_t which, uint32_t id, ff_sv key)
{
	(void)which;
	ff_mk_counts k;
	uint64_t p[2] = { 0, 0 };
	if (!rd_uv(d, &k.visits) || !rd_uv(d, &k.bounces) || !rd_uv(d, &k.conversions))
		return false;
	if (key.n && !rd_parts(d, p))
		return false;
	if (!d->apply)
		return true;
	ff_marketing *m = d->m;
	ff_mk_counts *c = &m->campaign_others;
	if (id != OTHERS && !(c = ff_vec_at(&m->campaign_stats, id, sizeof *c)))
		return rd_oom(d);
	add_counts(c, &k);
	return add_parts(d, id, p);
}

static bool take_keyword(struct rd *d, size_t which, uint32_t id, ff_sv key)
{
	(void)which, (void)key;
	uint64_t v;
	if (!rd_uv(d, &v))
		return false;
	if (!d->apply)
		return true;
	uint64_t *k = &d->m->keyword_others;
	if (id != OTHERS && !(k = ff_vec_at(&d->m->keyword_visits, id, sizeof *k)))
		return rd_oom(d);
	*k += v;
	return true;
}

static bool take_pixel(struct rd *d, size_t which, uint32_t id, ff_sv key)
{
	(void)which, (void)key;
	uint64_t v;
	if (!rd_uv(d, &v))
		return false;
	if (!d->apply)
		return true;
	struct pixel_stat *s = &d->m->pixel_others;
	if (id != OTHERS && !(s = ff_vec_at(&d->m->pixel_stats, id, sizeof *s)))
		return rd_oom(d);
	s->opens += v;
	return true;
}

/* The pixels' seen set: each key is taken apart and made again with this
 * run's campaign (which may be among the keys not kept here), so that an
 * open counts as unique once however many states saw it. */
static bool read_seen(struct rd *d)
{
	ff_marketing *m = d->m;
	size_t n;
	if (!ff_scur_count(d->c, 4, UINT32_MAX, &n))
		return false;
	ff_sv prev = FF_SV_NULL;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p;
		size_t len;
		if (!ff_scur_str(d->c, &p, &len))
			return false;
		ff_sv key = ff_sv_make((const char *)p, len);
		if (i && ff_sv_cmp(prev, key) >= 0)
			return rd_bad(d);
		prev = key;
		ff_scur k = { .p = p, .n = len };
		uint64_t cn;
		if (!ff_scur_uv(&k, &cn) || cn >= k.n)
			return rd_bad(d);
		ff_sv campaign = ff_sv_make((const char *)k.p, (size_t)cn);
		char tag = (char)k.p[cn];
		ff_sv rest = ff_sv_make((const char *)k.p + cn + 1, k.n - (size_t)cn - 1);
		if (!(tag == 'v' && rest.n == 16) && !(tag == 'r' && rest.n))
			return rd_bad(d);
		if (!d->apply)
			continue;
		uint32_t id = campaign.n ? ff_intern_id(m->pixel_campaigns, campaign) : OTHERS;
		if (id == NONE)
			return rd_oom(d);
		int fresh = pixel_seen(m, id, tag, rest);
		if (fresh < 0)
			return rd_oom(d);
		if (!fresh)
			continue;
		struct pixel_stat *s = &m->pixel_others;
		if (id != OTHERS && !(s = ff_vec_at(&m->pixel_stats, id, sizeof *s)))
			return rd_oom(d);
		s->unique++;
	}
	return true;
}

/* (caller's id, count) pairs, ids ascending, counts non-zero, added to v
 * by the mapped ids. */
static bool read_sparse(struct rd *d, const uint32_t *map, size_t n_map, struct vec *v)
{
	size_t n;
	if (!ff_scur_count(d->c, 2, UINT32_MAX, &n))
		return false;
	uint64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t at = 0, k;
		if (!ff_scur_uv(d->c, &at))
			return false;
		if ((i && at <= prev) || at >= n_map || !map || map[at] == NONE)
			return rd_bad(d);
		prev = at;
		if (!rd_uv(d, &k))
			return false;
		if (!k)
			return rd_bad(d);
		if (!d->apply)
			continue;
		uint64_t *x = ff_vec_at(v, map[at], sizeof *x);
		if (!x)
			return rd_oom(d);
		*x += k;
	}
	return true;
}

static bool read_hosts(struct rd *d)
{
	size_t n;
	if (!ff_scur_count(d->c, 4, UINT32_MAX, &n))
		return false;
	uint64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t at = 0;
		ff_mk_counts k;
		if (!ff_scur_uv(d->c, &at))
			return false;
		if ((i && at <= prev) || at >= d->r->n_ref_host || !d->r->ref_host || d->r->ref_host[at] == NONE)
			return rd_bad(d);
		prev = at;
		if (!rd_uv(d, &k.visits) || !rd_uv(d, &k.bounces) || !rd_uv(d, &k.conversions))
			return false;
		if (!k.visits)
			return rd_bad(d);
		if (!d->apply)
			continue;
		ff_mk_counts *c = ff_vec_at(&d->m->host_stats, d->r->ref_host[at], sizeof *c);
		if (!c)
			return rd_oom(d);
		add_counts(c, &k);
	}
	return true;
}

static bool read_exits(struct rd *d)
{
	ff_marketing *m = d->m;
	size_t n;
	if (!ff_scur_count(d->c, 4, UINT32_MAX, &n))
		return false;
	ff_mk_funnel_exit prev = { 0, 0, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		uint64_t f, st, path, visits;
		if (!rd_upto(d, m->n_funnels ? m->n_funnels - 1 : 0, &f) || !rd_upto(d, MAX_STEPS, &st) ||
		    !rd_upto(d, UINT32_MAX, &path) || !rd_uv(d, &visits))
			return false;
		ff_mk_funnel_exit x = { (uint32_t)f, (uint32_t)st, (uint32_t)path, visits };
		if (f >= m->n_funnels || st < 1 || st >= m->funnels[f].n_steps || !visits ||
		    (i && cmp_exit(&prev, &x) >= 0))
			return rd_bad(d);
		prev = x;
		if (path >= d->r->n_path || !d->r->path || d->r->path[path] == NONE)
			return rd_bad(d);
		if (d->apply && count_exit_n(m, x.funnel, x.step, d->r->path[path], visits) < 0)
			return rd_oom(d);
	}
	return true;
}

static bool read_counts(struct rd *d, ff_mk_counts *to)
{
	ff_mk_counts k;
	if (!rd_uv(d, &k.visits) || !rd_uv(d, &k.bounces) || !rd_uv(d, &k.conversions))
		return false;
	if (d->apply)
		add_counts(to, &k);
	return true;
}

static bool rd_add(struct rd *d, uint64_t *to)
{
	uint64_t v;
	if (!rd_uv(d, &v))
		return false;
	if (d->apply)
		*to += v;
	return true;
}

static bool read_all(struct rd *d)
{
	ff_marketing *m = d->m;
	uint64_t n;
	if (!rd_uv(d, &n) || (n != m->n_goals && rd_bad(d)))
		return false;
	for (size_t g = 0; g < m->n_goals; g++)
		if (!rd_add(d, &m->goals[g].conversions))
			return false;
	if (!rd_uv(d, &n) || (n != m->n_funnels && rd_bad(d)))
		return false;
	for (size_t f = 0; f < m->n_funnels; f++) {
		struct funnel *fn = &m->funnels[f];
		if (!rd_uv(d, &n) || (n != fn->n_steps && rd_bad(d)))
			return false;
		for (size_t k = 0; k <= fn->n_steps; k++)
			if (!rd_add(d, &fn->stops[k]))
				return false;
	}
	if (!read_exits(d))
		return false;
	if (!rd_uv(d, &n) || (n != m->n_exps && rd_bad(d)))
		return false;
	for (size_t e = 0; e < m->n_exps; e++)
		if (!read_table(d, m->exps[e].variants, e, 2, take_variant, &m->exps[e].overflows))
			return false;
	if (!read_table(d, m->campaigns, 0, 5, take_campaign, &m->campaign_overflows) ||
	    !read_table(d, m->keywords, 0, 1, take_keyword, &m->keyword_overflows) ||
	    !read_table(d, m->pixel_campaigns, 0, 1, take_pixel, &m->pixel_overflows) || !read_seen(d) ||
	    !read_hosts(d))
		return false;
	const ff_mk_remap *r = d->r;
	static const uint32_t devices[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct vec dev = { .p = m->device_conv, .cap = sizeof m->device_conv / sizeof *m->device_conv };
	if (!read_sparse(d, r->path, r->n_path, &m->entry_conv) ||
	    !read_sparse(d, r->browser, r->n_browser, &m->browser_conv) ||
	    !read_sparse(d, r->country, r->n_country, &m->country_conv) ||
	    !read_sparse(d, devices, sizeof devices / sizeof *devices, &dev))
		return false;
	for (int s = 0; s < FF_SRC_COUNT; s++)
		if (!read_counts(d, &m->src[s]))
			return false;
	return rd_add(d, &m->visits_n) && rd_add(d, &m->converted) && rd_add(d, &m->limit_hits);
}

/* No caller's ids: every one is malformed. */
static const ff_mk_remap no_remap;

int ff_marketing_absorb(ff_marketing *m, const unsigned char *p, size_t n, const ff_mk_remap *r)
{
	if (!r)
		r = &no_remap;
	for (int pass = 0; pass < 2; pass++) {
		ff_scur c = { .p = p, .n = n, .bad = false };
		struct rd d = { .m = m, .c = &c, .r = r, .apply = pass == 1 };
		if (!read_all(&d) || c.bad || c.n) {
			/* the check passed: only memory can fail now */
			if (pass == 1)
				m->failed = true;
			return -1;
		}
	}
	return 0;
}

/* A visit's or a pageview's reference to a key of in: 0 none, 1 and the
 * key, 2 the keys not kept; a campaign's with its split. */
static void put_ref(const ff_marketing *m, const ff_intern *in, uint32_t id, ff_sbuf *b)
{
	/* the overflow id is the count or the limit, past every key */
	if (id == NONE) {
		ff_sbuf_uv(b, 0);
	} else if (id >= ff_intern_count(in)) {
		ff_sbuf_uv(b, 2);
	} else {
		ff_sv key = ff_intern_get(in, id);
		ff_sbuf_uv(b, 1);
		ff_sbuf_str(b, key.p, key.n);
		if (in == m->campaigns)
			put_parts(m, id, b);
	}
}

static bool read_ref(struct rd *d, ff_intern *in, uint32_t *id)
{
	uint64_t tag, p[2] = { 0, 0 };
	if (!rd_upto(d, 2, &tag))
		return false;
	*id = tag == 0 ? NONE : OTHERS;
	if (tag != 1) {
		if (d->apply && tag == 2)
			*id = others_id(in);
		return true;
	}
	const unsigned char *s;
	size_t n;
	if (!ff_scur_str(d->c, &s, &n))
		return false;
	if (!n)
		return rd_bad(d);
	if (in == d->m->campaigns && !rd_parts(d, p))
		return false;
	if (!d->apply)
		return true;
	if ((*id = ff_intern_id(in, ff_sv_make((const char *)s, n))) == NONE)
		return rd_oom(d);
	return in != d->m->campaigns || add_parts(d, *id, p);
}

void ff_marketing_visit_save(const ff_marketing *m, uint32_t visit, ff_sbuf *b)
{
	const struct mk_visit *v = (const struct mk_visit *)((const char *)m->pool.p + (size_t)visit * m->visit_size);
	ff_sbuf_uv(b, v->source);
	put_ref(m, m->campaigns, v->campaign, b);
	put_ref(m, m->keywords, v->keyword, b);
	ff_sbuf_uv(b, v->ref_host == NONE ? 0 : (uint64_t)v->ref_host + 1);
	ff_sbuf_uv(b, v->browser);
	ff_sbuf_uv(b, v->device);
	ff_sbuf_uv(b, v->country);
	const uint32_t *variants = (const uint32_t *)((const char *)v + m->off_variants);
	for (size_t e = 0; e < m->n_exps; e++)
		put_ref(m, m->exps[e].variants, variants[e], b);
	const uint8_t *progress = (const uint8_t *)v + m->off_progress;
	for (size_t f = 0; f < m->n_funnels; f++)
		ff_sbuf_uv(b, progress[f]);
	const uint8_t *goals = (const uint8_t *)v + m->off_goals;
	for (size_t g = 0; g < m->n_goals; g++)
		ff_sbuf_uv(b, goals[g] != 0);
}

/* Reads a visit into v (NULL while checking). */
static bool read_visit(struct rd *d, struct mk_visit *v)
{
	ff_marketing *m = d->m;
	const ff_mk_remap *r = d->r;
	uint64_t source, ref_host, device, country;
	uint32_t campaign, keyword, browser;
	if (!rd_upto(d, FF_SRC_COUNT - 1, &source) || !read_ref(d, m->campaigns, &campaign) ||
	    !read_ref(d, m->keywords, &keyword) || !rd_upto(d, (uint64_t)r->n_ref_host, &ref_host) ||
	    !rd_id(d, r->browser, r->n_browser, &browser) || !rd_upto(d, UINT8_MAX, &device) ||
	    !rd_upto(d, (uint64_t)r->n_country, &country))
		return false;
	/* what visit_open makes, so that visit_close finds what it counts */
	bool direct = source == FF_SRC_DIRECT, by_host = source != FF_SRC_CAMPAIGN && !direct;
	if ((campaign != NONE) != (source == FF_SRC_CAMPAIGN) || (keyword != NONE && source != FF_SRC_SEARCH) ||
	    (by_host && !ref_host) || (direct && ref_host))
		return rd_bad(d);
	if ((ref_host && (!r->ref_host || r->ref_host[ref_host - 1] == NONE)) ||
	    (country && (!r->country || r->country[country - 1] == NONE)))
		return rd_bad(d);
	if (v) {
		v->source = (uint8_t)source;
		v->campaign = campaign;
		v->keyword = keyword;
		v->ref_host = ref_host ? r->ref_host[ref_host - 1] : NONE;
		v->browser = browser;
		v->device = (uint8_t)device;
		v->country = country ? r->country[country - 1] + 1 : 0;
	}
	for (size_t e = 0; e < m->n_exps; e++) {
		uint32_t id;
		if (!read_ref(d, m->exps[e].variants, &id))
			return false;
		/* the pool may not move while reading: v stays valid */
		if (v)
			((uint32_t *)((char *)v + m->off_variants))[e] = id;
	}
	for (size_t f = 0; f < m->n_funnels; f++) {
		uint64_t k;
		if (!rd_upto(d, m->funnels[f].n_steps, &k))
			return false;
		if (v)
			((uint8_t *)v + m->off_progress)[f] = (uint8_t)k;
	}
	for (size_t g = 0; g < m->n_goals; g++) {
		bool k;
		if (!ff_scur_u8(d->c, &k))
			return false;
		if (v)
			((uint8_t *)v + m->off_goals)[g] = k;
	}
	return true;
}

uint32_t ff_marketing_visit_restore(ff_marketing *m, ff_scur *c, const ff_mk_remap *r)
{
	if (!r)
		r = &no_remap;
	ff_scur probe = *c;
	struct rd check = { .m = m, .c = &probe, .r = r, .apply = false };
	if (!read_visit(&check, NULL) || probe.bad) {
		c->bad = true;
		return NONE;
	}
	uint32_t slot = pool_take(m);
	if (slot == NONE)
		return NONE;
	struct rd d = { .m = m, .c = c, .r = r, .apply = true };
	if (!read_visit(&d, visit_at(m, slot))) {
		pool_give(m, slot);
		return NONE;
	}
	return slot;
}

void ff_marketing_words_save(const ff_marketing *m, const uint32_t *words, ff_sbuf *b)
{
	put_ref(m, m->campaigns, words[W_CAMPAIGN], b);
	for (size_t e = 0; e < m->n_exps; e++)
		put_ref(m, m->exps[e].variants, words[W_VARIANTS + e], b);
	ff_sbuf_uv(b, words[W_FLAGS(m)]);
	uint32_t kind = words[W_HOST_KIND(m)];
	ff_sbuf_uv(b, kind == NONE ? 0 : (uint64_t)kind + 1);
	put_ref(m, m->keywords, words[W_KEYWORD(m)], b);
	for (size_t i = 0; i < m->bit_words; i++)
		ff_sbuf_uv(b, words[W_BITS(m) + i]);
}

static bool read_words(struct rd *d, uint32_t *words)
{
	ff_marketing *m = d->m;
	uint32_t id;
	uint64_t v;
	if (!read_ref(d, m->campaigns, &id))
		return false;
	if (words)
		words[W_CAMPAIGN] = id;
	for (size_t e = 0; e < m->n_exps; e++) {
		if (!read_ref(d, m->exps[e].variants, &id))
			return false;
		if (words)
			words[W_VARIANTS + e] = id;
	}
	if (!rd_upto(d, UNKEPT_PATH | UNKEPT_REFERER, &v))
		return false;
	if (words)
		words[W_FLAGS(m)] = (uint32_t)v;
	if (!rd_upto(d, (uint64_t)UINT32_MAX, &v))
		return false;
	/* a host's kind: engine index << 2 | kind */
	if (v && (((v - 1) & 3) > FF_HOST_SOCIAL || ((v - 1) >> 2) >= m->n_sites))
		return rd_bad(d);
	if (words)
		words[W_HOST_KIND(m)] = v ? (uint32_t)(v - 1) : NONE;
	if (!read_ref(d, m->keywords, &id))
		return false;
	if (words)
		words[W_KEYWORD(m)] = id;
	for (size_t i = 0; i < m->bit_words; i++) {
		if (!rd_upto(d, UINT32_MAX, &v))
			return false;
		if (words)
			words[W_BITS(m) + i] = (uint32_t)v;
	}
	return true;
}

int ff_marketing_words_restore(ff_marketing *m, ff_scur *c, uint32_t *words)
{
	ff_scur probe = *c;
	struct rd check = { .m = m, .c = &probe, .r = &no_remap, .apply = false };
	if (!read_words(&check, NULL) || probe.bad) {
		c->bad = true;
		return -1;
	}
	struct rd d = { .m = m, .c = c, .r = &no_remap, .apply = true };
	return read_words(&d, words) ? 0 : -1;
}
