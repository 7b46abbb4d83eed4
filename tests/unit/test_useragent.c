/* test_useragent.c — the uap-core classifier: replacement semantics on small
 * rule files, load errors, the cache (identical pointers, the limit), and
 * accuracy against uap-core's own test suites, with the pre-filter checked
 * to change no result.  Needs UAP_REGEXES (regexes.yaml); without the file
 * only the self-contained parts run and the test reports SKIP. */
#include "useragent.h"

#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "check.h"

#define DEFAULT_REGEXES "/usr/share/uap-core/regexes.yaml"

static char dir[4096];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *write_rules(const char *name, const char *text)
{
	static char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return path;
	}
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_rules(const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static bool absent(ff_sv v)
{
	return v.p == NULL && v.n == 0;
}

static const ff_ua_info *classify(ff_ua *ua, const char *agent)
{
	return ff_ua_classify(ua, ff_sv_cstr(agent));
}

static void test_empty(void)
{
	ff_ua *ua = ff_ua_empty();
	CHECK(ua != NULL);
	if (!ua)
		return;
	const ff_ua_info *i = classify(ua, "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0");
	CHECK_SV(i->family, "Other");
	CHECK_SV(i->os, "Other");
	CHECK_SV(i->device, "Other");
	CHECK(absent(i->major) && absent(i->os_major) && absent(i->brand) && absent(i->model));
	CHECK_INT(ff_ua_rule_count(ua), 0);
	/* A NULL view is the empty agent. */
	CHECK(ff_ua_classify(ua, FF_SV_NULL) == classify(ua, ""));
	ff_ua_free(ua);
	ff_ua_free(NULL);
}

/* Replacement semantics of uap-core's specification on rules whose answers
 * are known by construction. */
static void test_semantics(void)
{
	const char *path = write_rules("rules.yaml",
		"user_agent_parsers:\n"
		"  - regex: '(Foo)/(\\d+)\\.(\\d+)(?:\\.(\\d+)|)'\n"
		"  - regex: 'Bar(\\w*)/(\\d+)'\n"
		"    family_replacement: 'Bar $1 Browser'\n"
		"    v1_replacement: 'v$2'\n"
		"  - regex: '(Baz)/(\\d+)'\n"
		"    family_replacement: 'Baz'\n"
		"    v1_replacement: ''\n"
		"  - regex: '(Foo)'\n"
		"    family_replacement: 'never: an earlier rule wins'\n"
		"  - regex: '()Empty'\n"
		"os_parsers:\n"
		"  - regex: 'Win(95|98|NT)'\n"
		"    os_replacement: 'Windows $1'\n"
		"  - regex: '(Android) (\\d+)(?:\\.(\\d+)|)'\n"
		"    os_replacement: 'Android'\n"
		"    os_v1_replacement: '$2'\n"
		"device_parsers:\n"
		"  - regex: 'phone; *([^;]+?) *; *([^;]*);'\n"
		"    regex_flag: 'i'\n"
		"    device_replacement: ' $1 $2 '\n"
		"    brand_replacement: '$1'\n"
		"    model_replacement: '$2$9'\n"
		"  - regex: '(Kindle)'\n"
		"  - regex: 'Spacey'\n"
		"    device_replacement: '   '\n"
		"    brand_replacement: 'Acme'\n");
	char err[512] = "";
	ff_ua *ua = ff_ua_load(path, err, sizeof err);
	CHECK(ua != NULL);
	if (!ua) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_INT(ff_ua_rule_count(ua), 10);

	const ff_ua_info *i = classify(ua, "x Foo/12.3 y");
	CHECK_SV(i->family, "Foo");
	CHECK_SV(i->major, "12");
	CHECK_SV(i->minor, "3");
	CHECK(absent(i->patch)); /* an unset group is absent */
	i = classify(ua, "Foo/12.3.45");
	CHECK_SV(i->patch, "45");

	i = classify(ua, "BarNone/7");
	CHECK_SV(i->family, "Bar None Browser");
	CHECK_SV(i->major, "v7"); /* every replacement takes $N */
	CHECK(absent(i->minor));
	i = classify(ua, "Bar/7");
	CHECK_SV(i->family, "Bar  Browser"); /* an empty group substitutes as empty */

	i = classify(ua, "Baz/9");
	CHECK_SV(i->family, "Baz");
	CHECK_SV(i->major, "9"); /* an empty replacement is no replacement */

	i = classify(ua, "Empty");
	CHECK_SV(i->family, "Other"); /* an empty family is Other */

	i = classify(ua, "Mozilla/4.0 (WinNT; Android 4)");
	CHECK_SV(i->os, "Windows NT");
	CHECK(absent(i->os_major));
	i = classify(ua, "Linux; Android 5.1");
	CHECK_SV(i->os, "Android");
	CHECK_SV(i->os_major, "5");
	CHECK_SV(i->os_minor, "1");
	CHECK(absent(i->os_patch) && absent(i->os_patch_minor));

	/* Case-insensitive rule, trimming, a $9 beyond the groups. */
	i = classify(ua, "(PHONE;  Acme ; X1;)");
	CHECK_SV(i->device, "Acme X1");
	CHECK_SV(i->brand, "Acme");
	CHECK_SV(i->model, "X1");
	i = classify(ua, "(phone; Acme;;)");
	CHECK_SV(i->device, "Acme");
	CHECK(absent(i->model)); /* empty after substitution: absent */

	/* Without replacements a device's family and model are group 1. */
	i = classify(ua, "Kindle/3.0");
	CHECK_SV(i->device, "Kindle");
	CHECK(absent(i->brand));
	CHECK_SV(i->model, "Kindle");

	i = classify(ua, "Spacey");
	CHECK_SV(i->device, "Other"); /* blank after trimming */
	CHECK_SV(i->brand, "Acme");

	i = classify(ua, "nothing matches");
	CHECK_SV(i->family, "Other");
	CHECK_SV(i->os, "Other");
	CHECK_SV(i->device, "Other");
	CHECK(absent(i->major) && absent(i->os_major) && absent(i->brand) && absent(i->model));
	ff_ua_free(ua);
	remove_rules("rules.yaml");
}

static void expect_load_error(const char *name, const char *text, const char *want)
{
	const char *path = text ? write_rules(name, text) : name;
	char err[512] = "";
	ff_ua *ua = ff_ua_load(path, err, sizeof err);
	CHECK(ua == NULL);
	if (!strstr(err, want)) {
		check_failed++;
		fprintf(stderr, "load error for %s is \"%s\", want it to contain \"%s\"\n", name, err, want);
	} else {
		check_passed++;
	}
	ff_ua_free(ua);
}

static void test_load_errors(void)
{
	char missing[4200];
	snprintf(missing, sizeof missing, "%s/no-such.yaml", dir);
	expect_load_error(missing, NULL, "cannot open");
	expect_load_error("syntax.yaml", "user_agent_parsers:\n  - regex: 'a\n  x: [\n", "syntax.yaml:");
	expect_load_error("compile.yaml", "user_agent_parsers:\n  - regex: 'ok'\n  - regex: '(unclosed'\n",
			  "compile.yaml:3: regex does not compile");
	expect_load_error("noregex.yaml", "os_parsers:\n  - os_replacement: 'x'\n", "noregex.yaml:2: rule without a regex in os_parsers");
	expect_load_error("scalar.yaml", "just text\n", "not a uap-core regexes file");
	expect_load_error("other.yaml", "something_else: []\n", "not a uap-core regexes file");
	expect_load_error("notlist.yaml", "device_parsers: 3\n", "device_parsers is not a list");
	static const char *const made[] = { "syntax.yaml", "compile.yaml", "noregex.yaml",
					    "scalar.yaml", "other.yaml", "notlist.yaml" };
	for (size_t k = 0; k < sizeof made / sizeof made[0]; k++)
		remove_rules(made[k]);
}

/* Regex constructs around literals that the pre-filter must read right:
 * optional characters and groups, empty alternatives, lookarounds, classes
 * holding ']', escapes, caseless rules and a non-ASCII letter that matches
 * ASCII caselessly.  Each agent must match its rule with and without the
 * pre-filter. */
static void test_prefilter_syntax(void)
{
	const char *path = write_rules("syntax-rules.yaml",
		"user_agent_parsers:\n"
		"  - regex: 'Foo?Bar'\n"
		"    family_replacement: 'optional char'\n"
		"  - regex: '(?:Alpha|Beta)Gamma'\n"
		"    family_replacement: 'alternation'\n"
		"  - regex: 'Dx(?:ab|)yz'\n"
		"    family_replacement: 'empty branch'\n"
		"  - regex: 'Ze{0,3}ta'\n"
		"    family_replacement: 'counted'\n"
		"  - regex: 'Eta(?=Theta)'\n"
		"    family_replacement: 'lookahead'\n"
		"  - regex: '[]x]Iota'\n"
		"    family_replacement: 'class'\n"
		"  - regex: '\\.Kappa\\/(?:Mu)+'\n"
		"    family_replacement: 'escapes'\n"
		"  - regex: 'Nu|Xi[0-9]'\n"
		"    family_replacement: 'top alternation'\n"
		"  - regex: '(?P<n>Omicron)(?:Pi)?'\n"
		"    family_replacement: 'named'\n"
		"  - regex: 'lambda'\n"
		"    regex_flag: 'i'\n"
		"    family_replacement: 'caseless'\n"
		"  - regex: 'sky'\n"
		"    regex_flag: 'i'\n"
		"    family_replacement: 'caseless k'\n");
	char err[512] = "";
	ff_ua *on = ff_ua_load(path, err, sizeof err);
	ff_ua *off = ff_ua_load(path, err, sizeof err);
	CHECK(on != NULL && off != NULL);
	if (on && off) {
		ff_ua_set_prefilter(off, false);
		static const struct {
			const char *agent, *family;
		} cases[] = {
			{ "x FoBar", "optional char" }, { "FooBar", "optional char" }, { "Foo Bar", "Other" },
			{ "BetaGamma", "alternation" }, { "Gamma", "Other" },
			{ "Dxyz", "empty branch" }, { "Dxabyz", "empty branch" },
			{ "Zta", "counted" }, { "Zeeeta", "counted" }, { "Zeeeeta", "Other" },
			{ "EtaTheta", "lookahead" }, { "Eta", "Other" },
			{ "]Iota", "class" }, { "xIota", "class" },
			{ "a.Kappa/MuMu", "escapes" }, { "Kappa/Mu", "Other" },
			{ "Nu", "top alternation" }, { "Xi7", "top alternation" }, { "Xi", "Other" },
			{ "Omicron", "named" },
			{ "LaMbDa", "caseless" }, { "LAMBDA", "caseless" },
			{ "S\xe2\x84\xaaY", "caseless k" }, /* KELVIN SIGN */
			{ "\xff\xfeSKY", "caseless k" },
		};
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			const ff_ua_info *a = classify(on, cases[k].agent), *b = classify(off, cases[k].agent);
			CHECK_SV(b->family, cases[k].family);
			if (!ff_sv_eq_cstr(a->family, cases[k].family))
				fprintf(stderr, "pre-filter: '%s' gives '%.*s'\n", cases[k].agent, (int)a->family.n, a->family.p);
			CHECK_SV(a->family, cases[k].family);
		}
	} else {
		fprintf(stderr, "%s\n", err);
	}
	ff_ua_free(on);
	ff_ua_free(off);
	remove_rules("syntax-rules.yaml");
}

static void test_known_agents(ff_ua *ua)
{
	const ff_ua_info *i = classify(ua,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		"(KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36");
	CHECK_SV(i->family, "Chrome");
	CHECK_SV(i->major, "120");
	CHECK_SV(i->minor, "0");
	CHECK_SV(i->patch, "6099");
	CHECK_SV(i->os, "Windows");
	CHECK_SV(i->os_major, "10");
	CHECK_SV(i->device, "Other");
	CHECK(absent(i->brand) && absent(i->model));

	i = classify(ua,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 "
		"(KHTML, like Gecko) Version/16.5 Mobile/15E148 Safari/604.1");
	CHECK_SV(i->family, "Mobile Safari");
	CHECK_SV(i->major, "16");
	CHECK_SV(i->minor, "5");
	CHECK_SV(i->os, "iOS");
	CHECK_SV(i->os_major, "16");
	CHECK_SV(i->os_minor, "5");
	CHECK_SV(i->device, "iPhone");
	CHECK_SV(i->brand, "Apple");
	CHECK_SV(i->model, "iPhone");

	i = classify(ua, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
	CHECK_SV(i->family, "Googlebot");
	CHECK_SV(i->major, "2");
	CHECK_SV(i->minor, "1");
	CHECK_SV(i->device, "Spider");

	i = classify(ua, "");
	CHECK_SV(i->family, "Other");
	CHECK_SV(i->os, "Other");
	CHECK_SV(i->device, "Other");
	CHECK(absent(i->major) && absent(i->os_major) && absent(i->brand) && absent(i->model));

	/* SPEC §3: curl and python-requests are not Spiders by uap-core. */
	CHECK(!ff_sv_eq_cstr(classify(ua, "curl/8.4.0")->device, "Spider"));
	CHECK(!ff_sv_eq_cstr(classify(ua, "python-requests/2.31.0")->device, "Spider"));

	/* Bytes a log may hold: invalid UTF-8, a NUL, control characters. */
	static const char junk[] = "Mozilla/5.0 (\xff\xfe\xc3; Android 9\x00; K) Chrome/99.0 \x01\x7f";
	i = ff_ua_classify(ua, ff_sv_make(junk, sizeof junk - 1));
	CHECK(i->family.n > 0);
	CHECK_SV(i->os, "Android");
}

static void test_cache(ff_ua *ua)
{
	char a[] = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
	char b[sizeof a];
	memcpy(b, a, sizeof a);
	size_t before = ff_ua_cache_size(ua);
	const ff_ua_info *first = classify(ua, a);
	CHECK_INT(ff_ua_cache_size(ua), before + 1);
	/* The result must not point into the caller's bytes. */
	memset(a, 'x', sizeof a - 1);
	const ff_ua_info *again = classify(ua, b);
	CHECK(first == again);
	CHECK_INT(ff_ua_cache_size(ua), before + 1);
	CHECK_SV(again->family, "Firefox");
	CHECK_SV(again->major, "121");
	CHECK_SV(again->os, "Linux");

	/* At the limit a new agent is classified correctly but not kept; the
	 * cached ones still answer with their own pointers. */
	ff_ua_set_cache_limit(ua, ff_ua_cache_size(ua));
	size_t at_limit = ff_ua_cache_size(ua);
	char c[] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
		   "(KHTML, like Gecko) Version/17.1 Safari/605.1.15";
	const ff_ua_info *u = classify(ua, c);
	memset(c, 'x', sizeof c - 1);
	CHECK_SV(u->family, "Safari");
	CHECK_SV(u->major, "17");
	CHECK_SV(u->os, "Mac OS X");
	CHECK_SV(u->os_major, "10");
	CHECK_SV(u->os_minor, "15");
	CHECK_SV(u->device, "Mac");
	CHECK_INT(ff_ua_cache_size(ua), at_limit);
	CHECK(classify(ua, b) == first);
	ff_ua_set_cache_limit(ua, FF_UA_CACHE_DEFAULT);
}

/* A cache of many distinct agents: the table grows by doubling and every
 * agent still finds its own entry. */
static void test_cache_growth(void)
{
	ff_ua *ua = ff_ua_empty();
	CHECK(ua != NULL);
	if (!ua)
		return;
	enum { N = 5000 };
	static const ff_ua_info *seen[N];
	char buf[32];
	for (int k = 0; k < N; k++) {
		snprintf(buf, sizeof buf, "agent-%d", k);
		seen[k] = classify(ua, buf);
	}
	CHECK_INT(ff_ua_cache_size(ua), N);
	int same = 0;
	for (int k = 0; k < N; k++) {
		snprintf(buf, sizeof buf, "agent-%d", k);
		same += classify(ua, buf) == seen[k];
	}
	CHECK_INT(same, N);
	ff_ua_set_cache_limit(ua, 0);
	const ff_ua_info *u = classify(ua, "not cached");
	CHECK(u != NULL && ff_sv_eq_cstr(u->family, "Other"));
	CHECK_INT(ff_ua_cache_size(ua), N);
	ff_ua_free(ua);

	/* Long distinct agents fill the memory budget before the entry
	 * limit: 1000 entries allow about 1 MB, not 1000 agents of 8 KB. */
	ua = ff_ua_empty();
	if (!ua)
		return;
	ff_ua_set_cache_limit(ua, 1000);
	char *big = malloc(8192);
	if (big) {
		memset(big, 'a', 8192);
		int other = 0;
		for (int k = 0; k < 1000; k++) {
			snprintf(big, 16, "%08d", k);
			big[8] = 'a';
			other += ff_sv_eq_cstr(ff_ua_classify(ua, ff_sv_make(big, 8192))->family, "Other");
		}
		CHECK_INT(other, 1000);
		CHECK(ff_ua_cache_size(ua) > 50);
		CHECK(ff_ua_cache_size(ua) < 200);
		free(big);
	}
	ff_ua_free(ua);
}

/* The inputs uap-core's own suite uses against catastrophic backtracking:
 * each must classify fast and within PCRE2's limits. */
static void test_redos(ff_ua *ua)
{
	static const struct {
		const char *head, *rep, *tail;
		int count;
	} cases[] = {
		{ "a", "a", "a", 3500 },
		{ "SmartWatch", " ", "z", 3500 },
		{ ";A Build HuaweiA", "4", "z", 3500 },
		{ "HbbTV/0.0.0 (;LGE;", " ", "z", 3500 },
		{ "HbbTV/0.0.0 (;CUS:;", " ", "z", 3500 },
		{ "HbbTV/0.0.0 (;z;", " ", "z", 3500 },
		{ "AppleWebKit/1.", "0", "!", 10000 },
		{ "AppleWebKit/1.1", " Safari", "!", 10000 },
		{ "/0", "0", "\xe2\x97\x8e", 10000 },
		{ "Mozilla", "Mobile", "!", 10000 },
		{ "Opera/", "Opera Mobi", "!", 10000 },
		{ "Opera/1.", "0", "!", 10000 },
		{ "Mozilla", "Android", "!", 10000 },
		{ "Chrome/1.1.", "0", "!", 10000 },
		{ "MSIE 1.", "0", "!", 10000 },
		{ "iPod", "Version/1.1", "!", 10000 },
		{ "iPod;ACPUAOS 0_0", "0", "\xe2\x97\x8e", 10000 },
		{ "iPod;", "CPUOS 1_1", "!", 10000 },
		{ "Version/0.0", "0", "\xe2\x97\x8e\n", 10000 },
		{ "HbbTV/1.1.1 (", ";a;", "!", 10000 },
		{ "HbbTV/1.1.1 (;a;", "2011", "!", 10000 },
		{ "CPU OS 0.0", "0", "\xe2\x97\x8e", 10000 },
		{ "Mozilla/5.0 (Linux; Android 9; ", "A", " Build/", 20000 },
	};
	ff_ua_set_cache_limit(ua, ff_ua_cache_size(ua)); /* keep these out of the cache */
	size_t cap = 0;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t need = strlen(cases[k].head) + strlen(cases[k].rep) * (size_t)cases[k].count + strlen(cases[k].tail);
		if (need > cap)
			cap = need;
	}
	char *buf = malloc(cap + 1);
	if (!buf) {
		CHECK(buf != NULL);
		return;
	}
	double worst = 0;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n = 0, hl = strlen(cases[k].head), rl = strlen(cases[k].rep), tl = strlen(cases[k].tail);
		memcpy(buf, cases[k].head, hl);
		n = hl;
		for (int r = 0; r < cases[k].count; r++, n += rl)
			memcpy(buf + n, cases[k].rep, rl);
		memcpy(buf + n, cases[k].tail, tl);
		n += tl;
		double t0 = now();
		const ff_ua_info *i = ff_ua_classify(ua, ff_sv_make(buf, n));
		double dt = now() - t0;
		CHECK(i->family.n > 0 && i->os.n > 0 && i->device.n > 0);
		if (dt > worst)
			worst = dt;
	}
	free(buf);
	printf("info: worst ReDoS-probe agent classified in %.1f ms, %zu match(es) stopped at a limit\n",
	       worst * 1e3, ff_ua_match_errors(ua));
	CHECK(worst < 2.0);
	ff_ua_set_cache_limit(ua, FF_UA_CACHE_DEFAULT);
}

static bool same_info(const ff_ua_info *a, const ff_ua_info *b)
{
	const ff_sv *x = &a->family, *y = &b->family;
	for (size_t k = 0; k < sizeof(ff_ua_info) / sizeof(ff_sv); k++)
		if (!ff_sv_eq(x[k], y[k]) || absent(x[k]) != absent(y[k]))
			return false;
	return true;
}

/* The pre-filter must never change a result, also for agents that are not
 * in the fixtures: mutations of fixture agents (case changes, cuts, copies,
 * splices, non-ASCII bytes such as the Kelvin sign that matches "k"
 * caselessly) with and without it. */
static void test_prefilter_mutations(ff_ua *ua, ff_ua *plain, char **sample, size_t nsample)
{
	if (nsample == 0)
		return;
	uint64_t x = 0x9e3779b97f4a7c15u;
	char buf[4096];
	size_t diffs = 0;
	enum { ROUNDS = 3000 };
	for (int round = 0; round < ROUNDS; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		const char *src = sample[x % nsample];
		size_t n = strlen(src);
		if (n > 1024)
			n = 1024;
		memcpy(buf, src, n);
		for (int m = 0; m < 3; m++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t at = n ? (size_t)(x >> 8) % (n + 1) : 0;
			size_t span = (size_t)(x >> 40) % 12;
			switch (x % 7) {
			case 0: /* lower case */
				for (size_t i = 0; i < n; i++)
					if (buf[i] >= 'A' && buf[i] <= 'Z')
						buf[i] += 32;
				break;
			case 1: /* upper case */
				for (size_t i = 0; i < n; i++)
					if (buf[i] >= 'a' && buf[i] <= 'z')
						buf[i] -= 32;
				break;
			case 2: /* cut */
				if (at + span > n)
					span = n - at;
				memmove(buf + at, buf + at + span, n - at - span);
				n -= span;
				break;
			case 3: /* copy a span in place */
				if (at + span > n)
					span = n - at;
				memmove(buf + at + span, buf + at, n - at);
				n += span;
				break;
			case 4: { /* splice from another agent */
				const char *o = sample[(x >> 20) % nsample];
				size_t on = strlen(o), from = on ? (size_t)(x >> 30) % on : 0;
				if (from + span * 2 > on)
					span = (on - from) / 2;
				memmove(buf + at + span * 2, buf + at, n - at);
				memcpy(buf + at, o + from, span * 2);
				n += span * 2;
				break;
			}
			case 5: /* the Kelvin sign */
				memmove(buf + at + 3, buf + at, n - at);
				memcpy(buf + at, "\xe2\x84\xaa", 3);
				n += 3;
				break;
			default: /* a stray byte */
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = (char)(0x80 | (x >> 50) % 64);
				n++;
				break;
			}
		}
		ff_sv a = ff_sv_make(buf, n);
		const ff_ua_info *got = ff_ua_classify(ua, a);
		if (!same_info(got, ff_ua_classify(plain, a))) {
			if (diffs++ < 5)
				fprintf(stderr, "pre-filter changes the result for '%.*s'\n", (int)n, buf);
		}
	}
	printf("info: pre-filter checked on %d mutated agents\n", ROUNDS);
	CHECK_INT(diffs, 0);
}

/* ---- accuracy against uap-core's test suites ---- */

enum suite_kind { KIND_UA, KIND_OS, KIND_DEVICE };

struct field {
	const char *key;
	size_t off;
};

static const struct field ua_fields[] = {
	{ "family", offsetof(ff_ua_info, family) }, { "major", offsetof(ff_ua_info, major) },
	{ "minor", offsetof(ff_ua_info, minor) }, { "patch", offsetof(ff_ua_info, patch) },
	{ NULL, 0 },
};
static const struct field os_fields[] = {
	{ "family", offsetof(ff_ua_info, os) }, { "major", offsetof(ff_ua_info, os_major) },
	{ "minor", offsetof(ff_ua_info, os_minor) }, { "patch", offsetof(ff_ua_info, os_patch) },
	{ "patch_minor", offsetof(ff_ua_info, os_patch_minor) },
	{ NULL, 0 },
};
static const struct field device_fields[] = {
	{ "family", offsetof(ff_ua_info, device) }, { "brand", offsetof(ff_ua_info, brand) },
	{ "model", offsetof(ff_ua_info, model) },
	{ NULL, 0 },
};

static const yaml_node_t *map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* A fixture's expected value: YAML null, a missing key and '' all mean
 * absent, as an empty result is absent in the specification. */
static ff_sv expected(yaml_document_t *doc, const yaml_node_t *tc, const char *key)
{
	const yaml_node_t *v = map_get(doc, tc, key);
	if (!v || v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0)
		return FF_SV_NULL;
	if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		const char *s = (const char *)v->data.scalar.value;
		if (!strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
			return FF_SV_NULL;
	}
	return ff_sv_make((const char *)v->data.scalar.value, v->data.scalar.length);
}

#define SAMPLE_MAX 600

struct tally {
	size_t cases, distinct_agents;
	double miss_seconds;
	size_t prefilter_diffs;
	char *sample[SAMPLE_MAX];   /* agents to mutate */
	size_t nsample;
};

/* Runs one fixture file; returns false when it is not there. */
static bool run_suite(ff_ua *ua, ff_ua *plain, const char *base, const char *rel,
		      enum suite_kind kind, struct tally *t)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", base, rel);
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("uap %s: not found, skipped\n", rel);
		return false;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s: line %zu: %s\n", path, parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "malformed YAML");
		check_failed++;
		yaml_parser_delete(&parser);
		fclose(f);
		return false;
	}
	const struct field *fields = kind == KIND_UA ? ua_fields : kind == KIND_OS ? os_fields : device_fields;
	const yaml_node_t *list = map_get(&doc, yaml_document_get_root_node(&doc), "test_cases");
	size_t total = 0, ok = 0, shown = 0;
	if (list && list->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
			const yaml_node_t *tc = yaml_document_get_node(&doc, *it);
			ff_sv agent = expected(&doc, tc, "user_agent_string");
			if (!agent.p)
				agent = ff_sv_make("", 0);
			size_t cached = ff_ua_cache_size(ua);
			double t0 = now();
			const ff_ua_info *got = ff_ua_classify(ua, agent);
			if (ff_ua_cache_size(ua) != cached) {
				t->miss_seconds += now() - t0;
				t->distinct_agents++;
				if (plain && !same_info(got, ff_ua_classify(plain, agent))) {
					t->prefilter_diffs++;
					fprintf(stderr, "pre-filter changes the result for '%.*s'\n", (int)agent.n, agent.p);
				}
			}
			if (total % 53 == 0 && t->nsample < SAMPLE_MAX)
				t->sample[t->nsample++] = strndup(agent.p, agent.n);
			total++;
			bool match = true;
			for (const struct field *fl = fields; fl->key; fl++) {
				ff_sv want = expected(&doc, tc, fl->key);
				ff_sv have = *(const ff_sv *)((const char *)got + fl->off);
				if (ff_sv_eq(want, have))
					continue;
				match = false;
				if (shown < 5)
					fprintf(stderr, "  %s: '%.*s' %s: want '%.*s', got '%.*s'\n", rel,
						(int)agent.n, agent.p, fl->key, (int)want.n, want.p ? want.p : "",
						(int)have.n, have.p ? have.p : "");
				shown++;
			}
			ok += match;
		}
	}
	t->cases += total;
	double rate = total ? 100.0 * (double)ok / (double)total : 0;
	printf("uap %s: %zu/%zu (%.2f%%)\n", rel, ok, total, rate);
	CHECK(total > 0);
	CHECK(rate >= 99.0);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return true;
}

static void test_accuracy(const char *regexes)
{
	char base[4096];
	snprintf(base, sizeof base, "%s", regexes);
	char *slash = strrchr(base, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(base, sizeof base, ".");

	char probe[4200];
	snprintf(probe, sizeof probe, "%s/tests/test_ua.yaml", base);
	if (access(probe, R_OK) != 0) {
		printf("test_useragent: no uap-core test suites next to %s (%s), accuracy part skipped\n",
		       regexes, probe);
		return;
	}

	char err[512];
	double t0 = now();
	ff_ua *ua = ff_ua_load(regexes, err, sizeof err);
	double load = now() - t0;
	ff_ua *plain = ff_ua_load(regexes, err, sizeof err);
	CHECK(ua != NULL && plain != NULL);
	if (!ua || !plain) {
		fprintf(stderr, "%s\n", err);
		ff_ua_free(ua);
		ff_ua_free(plain);
		return;
	}
	ff_ua_set_prefilter(plain, false);
	printf("info: %zu rules loaded and compiled in %.0f ms\n", ff_ua_rule_count(ua), load * 1e3);

	static const struct {
		const char *rel;
		enum suite_kind kind;
		bool core; /* the three suites that must be present */
	} suites[] = {
		{ "tests/test_ua.yaml", KIND_UA, true },
		{ "tests/test_os.yaml", KIND_OS, true },
		{ "tests/test_device.yaml", KIND_DEVICE, true },
		{ "test_resources/firefox_user_agent_strings.yaml", KIND_UA, false },
		{ "test_resources/opera_mini_user_agent_strings.yaml", KIND_UA, false },
		{ "test_resources/podcasting_user_agent_strings.yaml", KIND_UA, false },
		{ "test_resources/pgts_browser_list.yaml", KIND_UA, false },
		{ "test_resources/additional_os_tests.yaml", KIND_OS, false },
	};
	struct tally t = { .cases = 0 };
	for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++) {
		bool found = run_suite(ua, plain, base, suites[k].rel, suites[k].kind, &t);
		if (suites[k].core)
			CHECK(found);
	}
	CHECK_INT(t.prefilter_diffs, 0);
	test_prefilter_mutations(ua, plain, t.sample, t.nsample);
	CHECK_INT(ff_ua_match_errors(ua), 0);
	for (size_t k = 0; k < t.nsample; k++)
		free(t.sample[k]);

	/* Cache misses: the distinct agents above, each walked through the
	 * rule lists once; the same again without the pre-filter. */
	printf("info: cache misses: %zu distinct agents in %.2f s, %.0f agents/s\n",
	       t.distinct_agents, t.miss_seconds, t.miss_seconds > 0 ? (double)t.distinct_agents / t.miss_seconds : 0);

	/* Cache hits: the same agents again, from a copy so that the lookup
	 * compares bytes rather than finding its own pointer. */
	size_t hits = 0;
	double hit_seconds = 0;
	char copy[1024];
	for (int round = 0; round < 3; round++) {
		const char *cases[] = {
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.5 Mobile/15E148 Safari/604.1",
			"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		};
		snprintf(copy, sizeof copy, "%s", cases[round]);
		ff_sv a = ff_sv_cstr(copy);
		const ff_ua_info *want = ff_ua_classify(ua, a);
		size_t bad = 0;
		double h0 = now();
		for (int r = 0; r < 200000; r++)
			bad += ff_ua_classify(ua, a) != want;
		hit_seconds += now() - h0;
		hits += 200000;
		CHECK_INT(bad, 0);
	}
	printf("info: cache hits: %.1f million lookups/s\n", hit_seconds > 0 ? (double)hits / hit_seconds / 1e6 : 0);
	ff_ua_free(plain);
	ff_ua_free(ua);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/test_useragent.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_empty();
	test_semantics();
	test_load_errors();
	test_prefilter_syntax();
	test_cache_growth();
	rmdir(dir);

	const char *regexes = getenv("UAP_REGEXES");
	if (!regexes || !*regexes)
		regexes = DEFAULT_REGEXES;
	if (access(regexes, R_OK) != 0) {
		printf("test_useragent: %s not readable, uap-core cases skipped\n", regexes);
		if (check_failed)
			return CHECK_DONE("test_useragent");
		printf("skipped\n");
		return 77;
	}
	char err[512];
	ff_ua *ua = ff_ua_load(regexes, err, sizeof err);
	CHECK(ua != NULL);
	if (!ua) {
		fprintf(stderr, "%s\n", err);
		return CHECK_DONE("test_useragent");
	}
	test_known_agents(ua);
	test_cache(ua);
	test_redos(ua);
	ff_ua_free(ua);
	test_accuracy(regexes);
	return CHECK_DONE("test_useragent");
}
