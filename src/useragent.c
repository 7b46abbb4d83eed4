/* useragent.c — browser, OS and device of a User-Agent by uap-core's rules.
 * ff_ua_load reads regexes.yaml once (libyaml) and compiles every rule with
 * PCRE2; ff_ua_classify walks the three rule lists for an agent it has not
 * seen and caches the result, so the analysis stage pays the regex cost once
 * per distinct agent rather than once per hit. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "useragent.h"

#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcre2.h>
#include <yaml.h>

/* Compile options.  The rules are written for Python's re and JavaScript;
 * UTF mode makes "." and "[^;]" step over whole characters as they do, and
 * MATCH_INVALID_UTF keeps arbitrary log bytes matchable instead of an
 * error. */
#define UA_COMPILE_OPTIONS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

/* Bounds on one match: the uap-core rules are checked against catastrophic
 * backtracking upstream, these stop a future rule that is not. */
#define UA_MATCH_LIMIT 1000000u
#define UA_DEPTH_LIMIT 10000u
#define UA_HEAP_LIMIT_KIB 20480u

#define UA_MAX_FIELDS 5
#define UA_LIT_MAX 48       /* longest literal kept for the pre-filter */
#define UA_LIT_MIN 2        /* a single byte is in nearly every agent */
#define UA_SET_MAX 512      /* most literals one rule may require one of */
#define UA_ARENA_CHUNK 65536
#define UA_BYTES_PER_ENTRY 1024  /* cache memory allowed per allowed entry */
#define UA_SCRATCH_CHUNK 16384

enum ua_section { SEC_UA, SEC_OS, SEC_DEVICE, SEC_COUNT };

/* Per section: the key in regexes.yaml, the replacement keys in output
 * order, and the group each output takes when its replacement is absent
 * (0: none). */
struct section_desc {
	const char *name;
	const char *rep_key[UA_MAX_FIELDS];
	unsigned default_group[UA_MAX_FIELDS];
	unsigned nfields;
};

static const struct section_desc section_descs[SEC_COUNT] = {
	[SEC_UA] = { "user_agent_parsers",
		     { "family_replacement", "v1_replacement", "v2_replacement", "v3_replacement" },
		     { 1, 2, 3, 4 }, 4 },
	[SEC_OS] = { "os_parsers",
		     { "os_replacement", "os_v1_replacement", "os_v2_replacement",
		       "os_v3_replacement", "os_v4_replacement" },
		     { 1, 2, 3, 4, 5 }, 5 },
	[SEC_DEVICE] = { "device_parsers",
			 { "device_replacement", "brand_replacement", "model_replacement" },
			 { 1, 0, 1 }, 3 },
};

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	alignas(max_align_t) char data[];
};

/* Bump allocation; everything in it lives as long as the arena. */
struct arena {
	struct arena_chunk *head;
	size_t chunk_size;
	size_t bytes;        /* held from malloc */
};

struct ua_rule {
	pcre2_code *re;
	bool jitted;                      /* JIT compilation was tried */
	const char *rep[UA_MAX_FIELDS];   /* NULL: take the default group */
	size_t rep_len[UA_MAX_FIELDS];
	bool rep_subst[UA_MAX_FIELDS];    /* holds a $N to substitute */
	bool caseless;
};

struct rule_list {
	struct ua_rule *v;
	size_t n, cap;
};

struct cache_entry {
	uint64_t hash;
	ff_sv key;
	ff_ua_info info;
};

struct cache_slot {
	uint64_t hash;
	struct cache_entry *e;   /* NULL: empty */
};

struct ff_ua {
	struct rule_list rules[SEC_COUNT];
	struct arena arena;          /* rules' strings, cached keys and results */
	struct arena scratch;        /* one uncached result; reset per call */
	ff_ua_info scratch_info;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	char *lower;                 /* the agent in ASCII lower case, for caseless literals */
	size_t lower_cap;
	/* The pre-filter: literal indexes over the agent as it is and lower
	 * cased, rules that always run, caseless rules with literals, and the
	 * rules enabled for the current agent. */
	struct lit_index *lits[2];
	uint64_t *always, *caseless_req, *enabled;
	size_t nwords;
	uint32_t rule_base[SEC_COUNT];
	uint64_t seed[2];
	struct cache_slot *slots;
	size_t nslots, nentries, max_entries;
	size_t match_errors;
	size_t rule_bytes;           /* arena bytes taken by the rules themselves */
	bool prefilter;
};

static const ff_ua_info other_info = {
	.family = FF_SV_LIT("Other"),
	.os = FF_SV_LIT("Other"),
	.device = FF_SV_LIT("Other"),
};

/* ---- arena ---- */

static void *arena_alloc(struct arena *a, size_t n, size_t align)
{
	struct arena_chunk *c = a->head;
	if (c) {
		size_t at = (c->used + align - 1) & ~(align - 1);
		if (at <= c->cap && n <= c->cap - at) {
			c->used = at + n;
			return c->data + at;
		}
	}
	size_t cap = n > a->chunk_size ? n : a->chunk_size;
	c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->cap = cap;
	c->used = n;
	a->bytes += sizeof(*c) + cap;
	/* An oversized block goes behind the current chunk so the current
	 * one keeps filling. */
	if (cap > a->chunk_size && a->head) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c->data;
}

static char *arena_strdup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1, 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Keeps the newest chunk so that a run of ordinary agents allocates
 * nothing. */
static void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head;
	if (!c)
		return;
	struct arena_chunk *next = c->next;
	while (next) {
		struct arena_chunk *n = next->next;
		free(next);
		next = n;
	}
	c->next = NULL;
	c->used = 0;
	a->bytes = sizeof(*c) + c->cap;
}

static void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->bytes = 0;
}

/* ---- keyed hash ---- */

/* SipHash-1-3: agents are chosen by whoever sends requests, so the cache
 * key hash is keyed with a per-instance secret to keep collisions out of an
 * attacker's reach. */
static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);  \
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                       \
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                       \
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);  \
	} while (0)

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t siphash13(const uint64_t key[2], const void *data, size_t len)
{
	uint64_t v0 = key[0] ^ UINT64_C(0x736f6d6570736575);
	uint64_t v1 = key[1] ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = key[0] ^ UINT64_C(0x6c7967656e657261);
	uint64_t v3 = key[1] ^ UINT64_C(0x7465646279746573);
	const unsigned char *p = data;
	size_t whole = len & ~(size_t)7;

	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = load_le64(p + i);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[whole + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static void make_seed(ff_ua *ua)
{
	if (getentropy(ua->seed, sizeof(ua->seed)) == 0)
		return;
	/* No entropy source: still differs per process and instance, which
	 * is all that precomputed colliding agents need to be defeated. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t t[3] = { (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)(uintptr_t)ua };
	uint64_t k[2] = { UINT64_C(0x9e3779b97f4a7c15), (uint64_t)getpid() };
	ua->seed[0] = siphash13(k, t, sizeof(t));
	k[1] ^= ua->seed[0];
	ua->seed[1] = siphash13(k, t, sizeof(t));
}

/* ---- required literals (the pre-filter) ---- */

/* For each rule, a set of literals at least one of which every match
 * contains; an agent holding none of them skips the rule's regex.  The scan
 * claims only what the regex syntax makes certain: a run of plain
 * characters not under an optional quantifier, a group's requirement, and
 * for an alternation the union of every branch's.  Anything it does not
 * understand ends a run or leaves the rule without a requirement (it then
 * always runs).  The test suite checks that results never change. */
struct lit {
	size_t n;
	char s[UA_LIT_MAX];
};

struct litset {
	bool valid;          /* false: nothing proved */
	bool scored;         /* score[] is up to date */
	long score[4];
	size_t n, cap;
	struct lit *v;
};

struct litscan {
	const char *pat;
	size_t len, i;
	bool give_up;
	bool caseless;
	unsigned depth;
	const struct typical *typical;
};

/* Agents that most lines carry, one a line.  A literal found in them
 * filters nothing, so a rule's other candidates are preferred; this steers
 * the choice only, never correctness (a literal spanning two of them only
 * steers it differently). */
static const char typical_agents[] =
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0\n"
	"Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36\n"
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\n"
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15\n"
	"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

/* The typical agents as given and lower-cased (a caseless rule's literal
 * is lower case), made once per load, each with its positions chained by
 * their first two bytes: rules offer thousands of candidate literals, and
 * scanning the agents for each was a tenth of the start-up time. */
#define TYPICAL_BUCKETS 1024
struct typical_text {
	const char *bytes;
	uint16_t head[TYPICAL_BUCKETS];            /* 1 + first position, 0: none */
	uint16_t next[sizeof typical_agents];      /* 1 + next position, 0: none */
};
_Static_assert(sizeof typical_agents < UINT16_MAX, "positions are 16-bit");
struct typical {
	char lower[sizeof typical_agents];
	struct typical_text exact, caseless;
};

static inline char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static void set_free(struct litset *x)
{
	free(x->v);
	*x = (struct litset){ .valid = false };
}

static void set_add(struct litset *x, const struct lit *l)
{
	if (!x->valid)
		return;
	for (size_t k = 0; k < x->n; k++)
		if (x->v[k].n == l->n && !memcmp(x->v[k].s, l->s, l->n))
			return;
	if (x->n == UA_SET_MAX) {
		set_free(x); /* too many to be worth indexing */
		return;
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 4;
		struct lit *v = realloc(x->v, cap * sizeof(*v));
		if (!v) {
			set_free(x);
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = *l;
	x->scored = false;
}

static unsigned typical_bucket(const char *p)
{
	return ((unsigned)(unsigned char)p[0] * 31u + (unsigned char)p[1]) % TYPICAL_BUCKETS;
}

static void typical_index(struct typical_text *x, const char *bytes)
{
	x->bytes = bytes;
	memset(x->head, 0, sizeof x->head);
	/* From the end, so that each chain runs in text order. */
	for (size_t i = sizeof typical_agents - 2; i-- > 0;) {
		unsigned b = typical_bucket(bytes + i);
		x->next[i] = x->head[b];
		x->head[b] = (uint16_t)(i + 1);
	}
}

static void typical_init(struct typical *t)
{
	for (size_t i = 0; i < sizeof typical_agents; i++)
		t->lower[i] = ascii_lower(typical_agents[i]);
	typical_index(&t->exact, typical_agents);
	typical_index(&t->caseless, t->lower);
}

static bool lit_in_typical_agent(const struct lit *l, const struct typical *t, bool caseless)
{
	const struct typical_text *x = caseless ? &t->caseless : &t->exact;
	const size_t len = sizeof typical_agents - 1;
	if (l->n < 2)
		return l->n == 0 || memchr(x->bytes, l->s[0], len) != NULL;
	for (unsigned at = x->head[typical_bucket(l->s)]; at; at = x->next[at - 1]) {
		size_t i = at - 1;
		if (i + l->n <= len && memcmp(x->bytes + i, l->s, l->n) == 0)
			return true;
	}
	return false;
}

/* Orders candidate requirements: provable, then not present in typical
 * agents, then longest shortest member (up to a point), then fewest
 * members.  Larger is better. */
static const long *set_score(struct litset *x, const struct litscan *s)
{
	long *sc = x->score;
	if (x->scored)
		return sc;
	x->scored = true;
	sc[0] = sc[1] = sc[2] = sc[3] = 0;
	if (!x->valid || x->n == 0)
		return sc;
	size_t minlen = SIZE_MAX;
	bool common = false;
	for (size_t k = 0; k < x->n; k++) {
		if (x->v[k].n < minlen)
			minlen = x->v[k].n;
		if (!common && lit_in_typical_agent(&x->v[k], s->typical, s->caseless))
			common = true;
	}
	if (minlen < UA_LIT_MIN)
		return sc;
	sc[0] = 1;
	sc[1] = !common;
	sc[2] = (long)(minlen < 8 ? minlen : 8);
	sc[3] = -(long)x->n;
	return sc;
}

/* Keeps the better of *best and *cand in *best; frees the other. */
static void keep_better(struct litset *best, struct litset *cand, const struct litscan *s)
{
	const long *a = set_score(cand, s), *b = set_score(best, s);
	int k = 0;
	while (k < 4 && a[k] == b[k])
		k++;
	if (k < 4 && a[k] > b[k]) {
		set_free(best);
		*best = *cand;
		*cand = (struct litset){ .valid = false };
	} else {
		set_free(cand);
	}
}

static void offer_run(struct litscan *s, struct litset *best, struct lit *run)
{
	if (run->n) {
		struct litset one = { .valid = true };
		set_add(&one, run);
		keep_better(best, &one, s);
	}
	run->n = 0;
}

static bool is_quantifier(const struct litscan *s, unsigned *min)
{
	char c = s->pat[s->i];
	if (c == '*' || c == '?') {
		*min = 0;
		return true;
	}
	if (c == '+') {
		*min = 1;
		return true;
	}
	if (c != '{')
		return false;
	size_t j = s->i + 1;
	unsigned v = 0;
	bool digits = false;
	while (j < s->len && s->pat[j] >= '0' && s->pat[j] <= '9') {
		if (v < 100000)
			v = v * 10 + (unsigned)(s->pat[j] - '0');
		digits = true;
		j++;
	}
	if (!digits)
		return false; /* "{", "{,n}" and the like are literal text to PCRE2 */
	if (j < s->len && s->pat[j] == ',') {
		j++;
		while (j < s->len && s->pat[j] >= '0' && s->pat[j] <= '9')
			j++;
	}
	if (j >= s->len || s->pat[j] != '}')
		return false;
	*min = v;
	return true;
}

static void skip_quantifier(struct litscan *s)
{
	if (s->pat[s->i] == '{') {
		while (s->i < s->len && s->pat[s->i] != '}')
			s->i++;
	}
	s->i++;
	if (s->i < s->len && (s->pat[s->i] == '?' || s->pat[s->i] == '+'))
		s->i++; /* lazy or possessive: same minimum */
}

static void skip_class(struct litscan *s)
{
	s->i++; /* '[' */
	if (s->i < s->len && s->pat[s->i] == '^')
		s->i++;
	if (s->i < s->len && s->pat[s->i] == ']')
		s->i++; /* a leading ']' is a member */
	while (s->i < s->len && s->pat[s->i] != ']') {
		if (s->pat[s->i] == '\\')
			s->i++;
		else if (s->pat[s->i] == '[' && s->i + 1 < s->len && s->pat[s->i + 1] == ':')
			s->give_up = true; /* POSIX classes differ between engines */
		s->i++;
	}
	if (s->i >= s->len)
		s->give_up = true;
	else
		s->i++;
}

enum lit_atom { ATOM_NONE, ATOM_LIT, ATOM_GROUP, ATOM_OTHER };

static void scan_alternatives(struct litscan *s, struct litset *out);

/* At '(': scans the group into *inner; returns false for a zero-width or
 * unknown group, whose contents prove nothing. */
static bool scan_group(struct litscan *s, struct litset *inner)
{
	bool counts = true;
	s->i++;
	if (s->i < s->len && s->pat[s->i] == '?') {
		s->i++;
		char k = s->i < s->len ? s->pat[s->i] : '\0';
		char k2 = s->i + 1 < s->len ? s->pat[s->i + 1] : '\0';
		if (k == ':') {
			s->i++;
		} else if (k == '=' || k == '!') {
			s->i++;
			counts = false;
		} else if (k == '<' && (k2 == '=' || k2 == '!')) {
			s->i += 2;
			counts = false;
		} else if ((k == 'P' && k2 == '<') || k == '<') {
			while (s->i < s->len && s->pat[s->i] != '>')
				s->i++;
			s->i++;
		} else {
			s->give_up = true; /* inline flags, conditionals, comments */
			return false;
		}
	}
	if (++s->depth > 32) {
		s->give_up = true;
		return false;
	}
	scan_alternatives(s, inner);
	s->depth--;
	if (s->i >= s->len || s->pat[s->i] != ')') {
		s->give_up = true;
		return false;
	}
	s->i++;
	return counts;
}

/* One branch: a sequence of atoms up to '|', ')' or the end.  Any one
 * item's requirement is the branch's; the best is kept. */
static void scan_branch(struct litscan *s, struct litset *out)
{
	struct litset best = { .valid = false }, group = { .valid = false };
	struct lit run = { .n = 0 };
	enum lit_atom last = ATOM_NONE;

	while (s->i < s->len && !s->give_up) {
		unsigned char c = (unsigned char)s->pat[s->i];
		unsigned min;
		if (c == ')' || c == '|')
			break;
		if (is_quantifier(s, &min)) {
			if (last == ATOM_NONE) {
				s->give_up = true; /* nothing to repeat */
				break;
			}
			if (last == ATOM_LIT && min == 0)
				run.n--;
			offer_run(s, &best, &run);
			if (last == ATOM_GROUP && min > 0)
				keep_better(&best, &group, s);
			set_free(&group);
			skip_quantifier(s);
			last = ATOM_NONE;
			continue;
		}
		if (last == ATOM_GROUP)
			keep_better(&best, &group, s);
		char lit = 0;
		if (c == '\\') {
			unsigned char d = s->i + 1 < s->len ? (unsigned char)s->pat[s->i + 1] : 0;
			if (d == 0) {
				s->give_up = true;
				break;
			}
			/* Escaped punctuation is the character itself; the
			 * one-letter classes and anchors match no fixed text.
			 * Other escapes (\x41, \Q...\E, back-references) are
			 * not worth understanding here. */
			bool alnum = (d >= '0' && d <= '9') || ((d | 0x20) >= 'a' && (d | 0x20) <= 'z');
			if (d > 0x20 && d < 0x7f && !alnum) {
				lit = (char)d;
			} else if (!strchr("dDsSwWbBAZzhHvV", d)) {
				s->give_up = true;
				break;
			}
			s->i += 2;
		} else if (c == '(') {
			offer_run(s, &best, &run);
			last = scan_group(s, &group) ? ATOM_GROUP : ATOM_OTHER;
			if (last != ATOM_GROUP)
				set_free(&group);
			continue;
		} else if (c == '[') {
			skip_class(s);
		} else {
			if (c >= 0x20 && c < 0x7f && !strchr(".^$*+?{}[]|", c))
				lit = (char)c;
			s->i++;
		}
		if (lit) {
			if (run.n == UA_LIT_MAX)
				offer_run(s, &best, &run);
			run.s[run.n++] = s->caseless ? ascii_lower(lit) : lit;
			last = ATOM_LIT;
		} else {
			offer_run(s, &best, &run);
			last = ATOM_OTHER;
		}
	}
	if (last == ATOM_GROUP)
		keep_better(&best, &group, s);
	set_free(&group);
	offer_run(s, &best, &run);
	*out = best;
}

/* Branches separated by '|': every branch must prove something, and the
 * union of their requirements is the whole's. */
static void scan_alternatives(struct litscan *s, struct litset *out)
{
	struct litset all = { .valid = true };
	for (;;) {
		struct litset branch;
		scan_branch(s, &branch);
		if (!set_score(&branch, s)[0])
			set_free(&all);
		for (size_t k = 0; all.valid && k < branch.n; k++)
			set_add(&all, &branch.v[k]);
		set_free(&branch);
		if (s->give_up || s->i >= s->len || s->pat[s->i] != '|')
			break;
		s->i++;
	}
	*out = all;
}

/* The rule's requirement in *out (to be freed), or false when none. */
static bool required_literals(const char *pat, size_t len, bool caseless, const struct typical *typical,
			      struct litset *out)
{
	struct litscan s = { .pat = pat, .len = len, .caseless = caseless, .typical = typical };
	scan_alternatives(&s, out);
	if (s.give_up || s.i != len || !set_score(out, &s)[0]) {
		set_free(out); /* an unbalanced ')' or a construct not understood */
		return false;
	}
	return true;
}

/* The literals of all rules, found in one pass over an agent: positions
 * are looked up by their first two bytes, and a literal found enables the
 * rules that require it. */
struct lit_entry {
	uint32_t off, len;            /* in lit_index.bytes */
	uint32_t rules_off, rules_n;  /* in lit_index.rule_ids */
};

struct lit_index {
	uint64_t first2[65536 / 64];  /* two-byte prefixes some literal has */
	uint32_t *start;              /* 65537: entries sorted by prefix */
	struct lit_entry *v;
	size_t n;
	char *bytes;
	uint32_t *rule_ids;
	uint64_t *found;              /* per agent: entries seen */
};

struct pending_lit {
	uint32_t rule;                /* global rule number */
	unsigned cls;                 /* 0: exact, 1: on the lower-cased agent */
	struct lit l;
};

static int pending_cmp(const void *pa, const void *pb)
{
	const struct pending_lit *a = pa, *b = pb;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	size_t n = a->l.n < b->l.n ? a->l.n : b->l.n;
	int c = memcmp(a->l.s, b->l.s, n);
	if (c)
		return c;
	if (a->l.n != b->l.n)
		return a->l.n < b->l.n ? -1 : 1;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

static unsigned key2(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

/* Builds one class's index from its slice of the sorted pending list. */
static bool build_lit_index(struct lit_index *x, const struct pending_lit *p, size_t n)
{
	size_t bytes = 0, distinct = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || p[i].l.n != p[i - 1].l.n || memcmp(p[i].l.s, p[i - 1].l.s, p[i].l.n)) {
			distinct++;
			bytes += p[i].l.n;
		}
	}
	x->start = calloc(65537, sizeof(*x->start));
	x->v = calloc(distinct ? distinct : 1, sizeof(*x->v));
	x->bytes = malloc(bytes ? bytes : 1);
	x->rule_ids = malloc((n ? n : 1) * sizeof(*x->rule_ids));
	x->found = calloc((distinct + 63) / 64 + 1, sizeof(*x->found));
	if (!x->start || !x->v || !x->bytes || !x->rule_ids || !x->found)
		return false;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		bool fresh = i == 0 || p[i].l.n != p[i - 1].l.n || memcmp(p[i].l.s, p[i - 1].l.s, p[i].l.n);
		if (fresh) {
			struct lit_entry *e = &x->v[x->n++];
			memcpy(x->bytes + off, p[i].l.s, p[i].l.n);
			e->off = (uint32_t)off;
			e->len = (uint32_t)p[i].l.n;
			e->rules_off = (uint32_t)i;
			off += p[i].l.n;
			unsigned k = key2(p[i].l.s);
			x->first2[k / 64] |= UINT64_C(1) << (k % 64);
			x->start[k + 1]++;
		}
		x->rule_ids[i] = p[i].rule;
		x->v[x->n - 1].rules_n++;
	}
	for (unsigned k = 0; k < 65536; k++)
		x->start[k + 1] += x->start[k];
	return true;
}

static void free_lit_index(struct lit_index *x)
{
	free(x->start);
	free(x->v);
	free(x->bytes);
	free(x->rule_ids);
	free(x->found);
}

/* Marks in enabled the rules whose literals occur in s. */
static void scan_literals(struct lit_index *x, const char *s, size_t n, uint64_t *enabled)
{
	if (x->n == 0 || n < 2)
		return;
	memset(x->found, 0, ((x->n + 63) / 64) * sizeof(*x->found));
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned k = key2(s + i);
		if (!(x->first2[k / 64] >> (k % 64) & 1))
			continue;
		for (uint32_t j = x->start[k]; j < x->start[k + 1]; j++) {
			const struct lit_entry *e = &x->v[j];
			if ((x->found[j / 64] >> (j % 64) & 1) || e->len > n - i ||
			    memcmp(s + i, x->bytes + e->off, e->len) != 0)
				continue;
			x->found[j / 64] |= UINT64_C(1) << (j % 64);
			for (uint32_t r = 0; r < e->rules_n; r++) {
				uint32_t id = x->rule_ids[e->rules_off + r];
				enabled[id / 64] |= UINT64_C(1) << (id % 64);
			}
		}
	}
}

/* ---- loading ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static ff_sv trim(ff_sv s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool yaml_is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE)
		return n->type == YAML_NO_NODE;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static bool yaml_key_is(const yaml_node_t *k, const char *name)
{
	return k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, name);
}

static bool rule_list_push(struct rule_list *l, const struct ua_rule *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ua_rule *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return true;
}

static bool has_group_ref(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '$' && s[i + 1] >= '0' && s[i + 1] <= '9')
			return true;
	return false;
}

/* Literals of every rule, gathered while loading and indexed at the end. */
struct pending {
	struct pending_lit *v;
	size_t n, cap;
	bool failed;
	struct typical typical;
};

static void pending_add(struct pending *p, uint32_t rule, unsigned cls, const struct lit *l)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		struct pending_lit *v = realloc(p->v, cap * sizeof(*v));
		if (!v) {
			p->failed = true;
			return;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = (struct pending_lit){ .rule = rule, .cls = cls, .l = *l };
}

/* One rule mapping → compiled rule appended to its section. */
static bool load_rule(ff_ua *ua, enum ua_section sec, yaml_document_t *doc, yaml_node_t *map,
		      struct pending *pend, const char *path, char *err, size_t errsz)
{
	const struct section_desc *d = &section_descs[sec];
	struct ua_rule r = { .re = NULL };
	const yaml_node_t *regex = NULL;
	unsigned line = (unsigned)map->start_mark.line + 1;

	if (map->type != YAML_MAPPING_NODE) {
		snprintf(err, errsz, "%s:%u: a rule in %s is not a mapping", path, line, d->name);
		return false;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			continue;
		if (yaml_key_is(k, "regex")) {
			regex = v;
			continue;
		}
		if (yaml_key_is(k, "regex_flag")) {
			if (v->type == YAML_SCALAR_NODE && strchr((const char *)v->data.scalar.value, 'i'))
				r.caseless = true;
			continue;
		}
		for (unsigned f = 0; f < d->nfields; f++) {
			if (!yaml_key_is(k, d->rep_key[f]))
				continue;
			/* An empty replacement counts as none, as the
			 * reference implementation's truthiness test has it. */
			if (yaml_is_null(v) || v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0)
				break;
			r.rep_len[f] = v->data.scalar.length;
			r.rep[f] = arena_strdup(&ua->arena, (const char *)v->data.scalar.value, r.rep_len[f]);
			if (!r.rep[f]) {
				snprintf(err, errsz, "out of memory");
				return false;
			}
			r.rep_subst[f] = has_group_ref(r.rep[f], r.rep_len[f]);
			if (!r.rep_subst[f]) {
				/* Trimmed like a substituted one; all blank
				 * stays a replacement, one giving absent. */
				ff_sv t = trim(ff_sv_make(r.rep[f], r.rep_len[f]));
				r.rep[f] = t.n ? t.p : r.rep[f];
				r.rep_len[f] = t.n;
			}
			break;
		}
	}
	if (!regex || regex->type != YAML_SCALAR_NODE || yaml_is_null(regex)) {
		snprintf(err, errsz, "%s:%u: rule without a regex in %s", path, line, d->name);
		return false;
	}

	const char *pat = (const char *)regex->data.scalar.value;
	size_t patlen = regex->data.scalar.length;
	int ec;
	PCRE2_SIZE eoff;
	uint32_t opts = UA_COMPILE_OPTIONS | (r.caseless ? PCRE2_CASELESS : 0);
	r.re = pcre2_compile((PCRE2_SPTR)pat, patlen, opts, &ec, &eoff, NULL);
	if (!r.re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errsz, "%s:%u: regex does not compile at offset %zu: %s",
			 path, (unsigned)regex->start_mark.line + 1, (size_t)eoff, (const char *)msg);
		return false;
	}

	/* Numbered within the section for now; the sections' bases are
	 * added once all are loaded. */
	struct litset req;
	if (required_literals(pat, patlen, r.caseless, &pend->typical, &req)) {
		for (size_t k = 0; k < req.n; k++)
			pending_add(pend, (uint32_t)ua->rules[sec].n | (uint32_t)sec << 30, r.caseless, &req.v[k]);
		set_free(&req);
	}
	if (!rule_list_push(&ua->rules[sec], &r)) {
		pcre2_code_free(r.re);
		snprintf(err, errsz, "out of memory");
		return false;
	}
	return true;
}

static bool load_document(ff_ua *ua, yaml_document_t *doc, struct pending *pend,
			  const char *path, char *err, size_t errsz)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		snprintf(err, errsz, "%s: not a uap-core regexes file (the top level is not a mapping)", path);
		return false;
	}
	bool seen[SEC_COUNT] = { false };
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		for (unsigned s = 0; s < SEC_COUNT; s++) {
			if (!yaml_key_is(k, section_descs[s].name))
				continue;
			if (!v || v->type != YAML_SEQUENCE_NODE) {
				snprintf(err, errsz, "%s:%u: %s is not a list", path,
					 k ? (unsigned)k->start_mark.line + 1 : 0, section_descs[s].name);
				return false;
			}
			seen[s] = true;
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				yaml_node_t *rule = yaml_document_get_node(doc, *it);
				if (rule && !load_rule(ua, (enum ua_section)s, doc, rule, pend, path, err, errsz))
					return false;
			}
		}
	}
	if (!seen[SEC_UA] && !seen[SEC_OS] && !seen[SEC_DEVICE]) {
		snprintf(err, errsz, "%s: not a uap-core regexes file (no user_agent_parsers, os_parsers or device_parsers)", path);
		return false;
	}
	return true;
}

ff_ua *ff_ua_empty(void)
{
	ff_ua *ua = calloc(1, sizeof(*ua));
	if (!ua)
		return NULL;
	ua->arena.chunk_size = UA_ARENA_CHUNK;
	ua->scratch.chunk_size = UA_SCRATCH_CHUNK;
	ua->max_entries = FF_UA_CACHE_DEFAULT;
	ua->prefilter = true;
	make_seed(ua);
	ua->mctx = pcre2_match_context_create(NULL);
	if (!ua->mctx) {
		free(ua);
		return NULL;
	}
	pcre2_set_match_limit(ua->mctx, UA_MATCH_LIMIT);
	pcre2_set_depth_limit(ua->mctx, UA_DEPTH_LIMIT);
	pcre2_set_heap_limit(ua->mctx, UA_HEAP_LIMIT_KIB);
	return ua;
}

/* Turns the gathered literals into the two indexes and the rule masks. */
static bool build_prefilter(ff_ua *ua, struct pending *pend)
{
	size_t total = 0;
	for (unsigned s = 0; s < SEC_COUNT; s++) {
		ua->rule_base[s] = (uint32_t)total;
		total += ua->rules[s].n;
	}
	if (pend->failed || total >= (UINT32_C(1) << 30))
		return false;
	ua->nwords = (total + 63) / 64 + 1;
	ua->always = calloc(ua->nwords, sizeof(uint64_t));
	ua->caseless_req = calloc(ua->nwords, sizeof(uint64_t));
	ua->enabled = calloc(ua->nwords, sizeof(uint64_t));
	ua->lits[0] = calloc(1, sizeof(struct lit_index));
	ua->lits[1] = calloc(1, sizeof(struct lit_index));
	if (!ua->always || !ua->caseless_req || !ua->enabled || !ua->lits[0] || !ua->lits[1])
		return false;

	for (size_t i = 0; i < pend->n; i++) {
		uint32_t sec = pend->v[i].rule >> 30, idx = pend->v[i].rule & ((UINT32_C(1) << 30) - 1);
		pend->v[i].rule = ua->rule_base[sec] + idx;
	}
	qsort(pend->v, pend->n, sizeof(*pend->v), pending_cmp);

	/* A rule runs always unless it has literals. */
	for (size_t id = 0; id < total; id++)
		ua->always[id / 64] |= UINT64_C(1) << (id % 64);
	for (size_t i = 0; i < pend->n; i++) {
		uint32_t id = pend->v[i].rule;
		ua->always[id / 64] &= ~(UINT64_C(1) << (id % 64));
		if (pend->v[i].cls)
			ua->caseless_req[id / 64] |= UINT64_C(1) << (id % 64);
	}
	size_t split = 0;
	while (split < pend->n && pend->v[split].cls == 0)
		split++;
	return build_lit_index(ua->lits[0], pend->v, split) &&
	       build_lit_index(ua->lits[1], pend->v + split, pend->n - split);
}

/* The match data and JIT stack are sized once the rules are known, so the
 * per-agent path allocates nothing. */
static bool prepare_matching(ff_ua *ua)
{
	uint32_t max_groups = 9;
	for (unsigned s = 0; s < SEC_COUNT; s++) {
		for (size_t i = 0; i < ua->rules[s].n; i++) {
			uint32_t n = 0;
			pcre2_pattern_info(ua->rules[s].v[i].re, PCRE2_INFO_CAPTURECOUNT, &n);
			if (n > max_groups)
				max_groups = n;
		}
	}
	ua->md = pcre2_match_data_create(max_groups + 1, NULL);
	if (!ua->md)
		return false;
	ua->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (ua->jit_stack)
		pcre2_jit_stack_assign(ua->mctx, NULL, ua->jit_stack);
	return true;
}

ff_ua *ff_ua_load(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsz, "cannot open '%s': %s (is the uap-core package installed?)", path, strerror(errno));
		return NULL;
	}
	ff_ua *ua = ff_ua_empty();
	if (!ua) {
		fclose(f);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}

	yaml_parser_t parser;
	yaml_document_t doc;
	struct pending pend = { .v = NULL };
	typical_init(&pend.typical);
	bool ok = false;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errsz, "%s:%u: %s", path, (unsigned)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "malformed YAML");
		yaml_parser_delete(&parser);
		goto out;
	}
	ok = load_document(ua, &doc, &pend, path, err, errsz);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	ua->rule_bytes = ua->arena.bytes;
	if (ok && (!build_prefilter(ua, &pend) || !prepare_matching(ua))) {
		snprintf(err, errsz, "out of memory");
		ok = false;
	}
out:
	free(pend.v);
	fclose(f);
	if (!ok) {
		ff_ua_free(ua);
		return NULL;
	}
	return ua;
}

void ff_ua_free(ff_ua *ua)
{
	if (!ua)
		return;
	for (unsigned s = 0; s < SEC_COUNT; s++) {
		for (size_t i = 0; i < ua->rules[s].n; i++)
			pcre2_code_free(ua->rules[s].v[i].re);
		free(ua->rules[s].v);
	}
	pcre2_match_data_free(ua->md);
	pcre2_jit_stack_free(ua->jit_stack);
	pcre2_match_context_free(ua->mctx);
	arena_free(&ua->arena);
	arena_free(&ua->scratch);
	free(ua->lower);
	free(ua->slots);
	for (unsigned k = 0; k < 2; k++) {
		if (ua->lits[k])
			free_lit_index(ua->lits[k]);
		free(ua->lits[k]);
	}
	free(ua->always);
	free(ua->caseless_req);
	free(ua->enabled);
	free(ua);
}

/* ---- classification ---- */

static ff_sv group_sv(const PCRE2_SIZE *ov, int rc, unsigned g, const char *subject)
{
	if ((int)g >= rc || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
		return FF_SV_NULL;
	return ff_sv_make(subject + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* A replacement with $0..$9 filled in from the match (an unset group is
 * empty), trimmed of white space as the specification asks; empty is
 * absent.  Copied into the arena that owns the result. */
static bool substitute(const char *rep, size_t n, const PCRE2_SIZE *ov, int rc,
		       const char *subject, struct arena *a, ff_sv *out)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (rep[i] == '$' && i + 1 < n && rep[i + 1] >= '0' && rep[i + 1] <= '9') {
			len += group_sv(ov, rc, (unsigned)(rep[i + 1] - '0'), subject).n;
			i++;
		} else {
			len++;
		}
	}
	char *buf = arena_alloc(a, len ? len : 1, 1);
	if (!buf)
		return false;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (rep[i] == '$' && i + 1 < n && rep[i + 1] >= '0' && rep[i + 1] <= '9') {
			ff_sv g = group_sv(ov, rc, (unsigned)(rep[i + 1] - '0'), subject);
			if (g.n)
				memcpy(buf + w, g.p, g.n);
			w += g.n;
			i++;
		} else {
			buf[w++] = rep[i];
		}
	}
	ff_sv t = trim(ff_sv_make(buf, w));
	*out = t.n ? t : FF_SV_NULL;
	return true;
}

/* Runs one section's rules (those enabled in mask, when there is one); the
 * first match fills out[]. */
static bool classify_section(ff_ua *ua, enum ua_section sec, ff_sv agent, const uint64_t *mask,
			     struct arena *a, ff_sv *out[])
{
	const struct section_desc *d = &section_descs[sec];
	const struct rule_list *l = &ua->rules[sec];
	size_t base = ua->rule_base[sec];

	for (size_t i = 0; i < l->n; i++) {
		struct ua_rule *r = &l->v[i];
		if (mask && !(mask[(base + i) / 64] >> ((base + i) % 64) & 1))
			continue;
		/* Compiled for JIT when first run, not at load: compiling all
		 * 1,166 rules took half of start-up, and a run with a few
		 * hundred distinct agents runs a fraction of them.  Every
		 * match still runs JIT code: the interpreter counts toward
		 * its match limit differently (it gave up on a uap-core ReDoS
		 * probe that JIT code classifies in 6 ms), so an agent's
		 * result must not depend on which rules ran before. */
		if (!r->jitted) {
			(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
			r->jitted = true;
		}
		int rc = pcre2_match(r->re, (PCRE2_SPTR)agent.p, agent.n, 0, 0, ua->md, ua->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0) {
			/* A limit hit: this rule is taken as not matching
			 * rather than failing the whole agent. */
			ua->match_errors++;
			continue;
		}
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ua->md);
		if (rc == 0)
			rc = (int)pcre2_get_ovector_count(ua->md);
		for (unsigned f = 0; f < d->nfields; f++) {
			if (r->rep[f] && r->rep_subst[f]) {
				if (!substitute(r->rep[f], r->rep_len[f], ov, rc, agent.p, a, out[f]))
					return false;
			} else if (r->rep[f]) {
				*out[f] = r->rep_len[f] ? ff_sv_make(r->rep[f], r->rep_len[f]) : FF_SV_NULL;
			} else if (d->default_group[f]) {
				*out[f] = group_sv(ov, rc, d->default_group[f], agent.p);
				if (out[f]->n == 0)
					*out[f] = FF_SV_NULL;
			}
		}
		break;
	}
	if (out[0]->n == 0)
		*out[0] = FF_SV_LIT("Other");
	return true;
}

/* Classifies agent, whose bytes must stay put as long as the result (the
 * captured parts point into them), allocating replacements from a. */
static bool classify_into(ff_ua *ua, ff_sv agent, struct arena *a, ff_ua_info *info)
{
	*info = (ff_ua_info){ .family = FF_SV_NULL };
	const uint64_t *mask = NULL;
	if (ua->prefilter && ua->enabled) {
		memcpy(ua->enabled, ua->always, ua->nwords * sizeof(uint64_t));
		scan_literals(ua->lits[0], agent.p, agent.n, ua->enabled);
		if (ua->lits[1]->n) {
			/* Caseless literals are looked for in a lower-cased
			 * copy.  Non-ASCII text can match ASCII letters
			 * caselessly in UTF mode (the Kelvin sign matches
			 * "k"), so then those rules all run. */
			bool ascii = ua->lower && agent.n <= ua->lower_cap;
			for (size_t i = 0; ascii && i < agent.n; i++) {
				if ((unsigned char)agent.p[i] >= 0x80)
					ascii = false;
				ua->lower[i] = ascii_lower(agent.p[i]);
			}
			if (ascii) {
				scan_literals(ua->lits[1], ua->lower, agent.n, ua->enabled);
			} else {
				for (size_t w = 0; w < ua->nwords; w++)
					ua->enabled[w] |= ua->caseless_req[w];
			}
		}
		mask = ua->enabled;
	}
	ff_sv *ua_out[] = { &info->family, &info->major, &info->minor, &info->patch };
	ff_sv *os_out[] = { &info->os, &info->os_major, &info->os_minor, &info->os_patch, &info->os_patch_minor };
	ff_sv *dev_out[] = { &info->device, &info->brand, &info->model };
	return classify_section(ua, SEC_UA, agent, mask, a, ua_out) &&
	       classify_section(ua, SEC_OS, agent, mask, a, os_out) &&
	       classify_section(ua, SEC_DEVICE, agent, mask, a, dev_out);
}

/* The lower-case copy grows to the longest agent seen, so it is allocated
 * a handful of times per run, not per agent. */
static void reserve_lower(ff_ua *ua, size_t n)
{
	if (n <= ua->lower_cap && ua->lower)
		return;
	size_t cap = ua->lower_cap ? ua->lower_cap : 256;
	while (cap < n)
		cap *= 2;
	char *p = realloc(ua->lower, cap);
	if (p) {
		ua->lower = p;
		ua->lower_cap = cap;
	}
}

static bool cache_grow(ff_ua *ua)
{
	size_t n = ua->nslots ? ua->nslots * 2 : 1024;
	struct cache_slot *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < ua->nslots; i++) {
		struct cache_slot s = ua->slots[i];
		if (!s.e)
			continue;
		size_t j = (size_t)s.hash & (n - 1);
		while (slots[j].e)
			j = (j + 1) & (n - 1);
		slots[j] = s;
	}
	free(ua->slots);
	ua->slots = slots;
	ua->nslots = n;
	return true;
}

/* Full at the entry limit, or when long agents have used the memory that
 * many ordinary ones would: a log of distinct multi-kilobyte agents must
 * not grow the cache without bound. */
static bool cache_full(const ff_ua *ua)
{
	if (ua->nentries >= ua->max_entries)
		return true;
	size_t budget = ua->max_entries > SIZE_MAX / UA_BYTES_PER_ENTRY / 2
		? SIZE_MAX / 2 : ua->max_entries * UA_BYTES_PER_ENTRY;
	return ua->arena.bytes > ua->rule_bytes + budget;
}

static const ff_ua_info *classify_uncached(ff_ua *ua, ff_sv agent)
{
	arena_reset(&ua->scratch);
	char *copy = arena_strdup(&ua->scratch, agent.n ? agent.p : "", agent.n);
	if (!copy || !classify_into(ua, ff_sv_make(copy, agent.n), &ua->scratch, &ua->scratch_info))
		return &other_info;
	return &ua->scratch_info;
}

const ff_ua_info *ff_ua_classify(ff_ua *ua, ff_sv agent)
{
	if (!agent.p)
		agent = ff_sv_make("", 0);
	uint64_t h = siphash13(ua->seed, agent.p, agent.n);
	size_t j = 0;
	if (ua->nslots) {
		j = (size_t)h & (ua->nslots - 1);
		for (struct cache_entry *e; (e = ua->slots[j].e) != NULL; j = (j + 1) & (ua->nslots - 1)) {
			if (ua->slots[j].hash == h && ff_sv_eq(e->key, agent))
				return &e->info;
		}
	}

	reserve_lower(ua, agent.n);
	if (cache_full(ua))
		return classify_uncached(ua, agent);
	/* Keep the table at most half full so probes stay short. */
	if ((ua->nentries + 1) * 2 > ua->nslots) {
		if (!cache_grow(ua))
			return classify_uncached(ua, agent);
		j = (size_t)h & (ua->nslots - 1);
		while (ua->slots[j].e)
			j = (j + 1) & (ua->nslots - 1);
	}

	struct cache_entry *e = arena_alloc(&ua->arena, sizeof(*e), alignof(struct cache_entry));
	char *key = e ? arena_strdup(&ua->arena, agent.p, agent.n) : NULL;
	if (!key)
		return classify_uncached(ua, agent);
	e->hash = h;
	e->key = ff_sv_make(key, agent.n);
	if (!classify_into(ua, e->key, &ua->arena, &e->info))
		return classify_uncached(ua, agent);
	ua->slots[j] = (struct cache_slot){ .hash = h, .e = e };
	ua->nentries++;
	return &e->info;
}

size_t ff_ua_cache_size(const ff_ua *ua)
{
	return ua->nentries;
}

void ff_ua_set_cache_limit(ff_ua *ua, size_t max_entries)
{
	ua->max_entries = max_entries;
}

void ff_ua_set_prefilter(ff_ua *ua, bool on)
{
	ua->prefilter = on;
}

size_t ff_ua_rule_count(const ff_ua *ua)
{
	return ua->rules[SEC_UA].n + ua->rules[SEC_OS].n + ua->rules[SEC_DEVICE].n;
}

size_t ff_ua_match_errors(const ff_ua *ua)
{
	return ua->match_errors;
}
