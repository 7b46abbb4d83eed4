/* hmap.c — the seeded Robin Hood hash map every table of footfall sits on
 * (interned strings, per-id counters), and the seeded multiply-fold hash
 * it hashes byte strings with.  A foundation: knows nothing about logs.
 * Lookups walk one short run of adjacent slots and never allocate; only
 * growth does. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

/* ---- the keyed hash (see hmap.h for the design and its limits) ---- */

/* The 128-bit product of a and b, its high half xored into its low. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(FF_HMAP_PORTABLE_MUL)
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	/* Schoolbook on 32-bit halves; mid cannot overflow: it is at most
	 * (2^32 - 1) + 2 (2^32 - 1). */
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	uint64_t lo = (mid << 32) | (uint32_t)ll;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	return lo ^ hi;
#endif
}

static inline uint64_t load_le64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, sizeof v); /* one unaligned load */
	return v;
#else
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
#endif
}

static inline uint64_t load_le32(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
#else
	uint64_t v = 0;
	for (unsigned i = 0; i < 4; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
#endif
}

/* One 16-byte stripe (x, y) into the accumulator.  The accumulator goes
 * into the product, so the order of stripes matters, and is added back, so
 * a product that comes out zero does not erase the stripes before it. */
static inline uint64_t stripe(const ff_hash_key *k, uint64_t acc, uint64_t x, uint64_t y)
{
	return acc + mum(x ^ k->k1, y ^ acc ^ k->k2);
}

/* The last n < 16 bytes as two words.  The loads overlap instead of
 * padding: for a given n every byte lands somewhere, which is all the
 * hash needs since the length is mixed in too. */
static inline uint64_t last_stripe(const ff_hash_key *k, uint64_t acc, const unsigned char *p,
				   size_t n)
{
	uint64_t x, y;
	if (n >= 8) {
		x = load_le64(p);
		y = load_le64(p + n - 8);
	} else if (n >= 4) {
		x = load_le32(p);
		y = load_le32(p + n - 4);
	} else if (n > 0) {
		x = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
		y = 0;
	} else {
		x = y = 0;
	}
	return stripe(k, acc, x, y);
}

static inline uint64_t finish(const ff_hash_key *k, uint64_t acc, uint64_t len)
{
	return mum(acc ^ k->k3, len ^ k->k0);
}

static uint64_t splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

ff_hash_key ff_hash_key_from_seed(uint64_t seed)
{
	return (ff_hash_key){
		splitmix64(seed),
		splitmix64(seed ^ UINT64_C(0x6a09e667f3bcc909)),
		splitmix64(seed ^ UINT64_C(0xbb67ae8584caa73b)),
		splitmix64(seed ^ UINT64_C(0x3c6ef372fe94f82b)),
	};
}

uint64_t ff_hash_bytes(const ff_hash_key *key, const void *data, size_t n)
{
	const ff_hash_key k = *key; /* in registers, whatever p aliases */
	const unsigned char *p = data;
	uint64_t acc = k.k0, len = n;
	for (; n >= 16; p += 16, n -= 16)
		acc = stripe(&k, acc, load_le64(p), load_le64(p + 8));
	return finish(&k, last_stripe(&k, acc, p, n), len);
}

void ff_hasher_init(ff_hasher *h, ff_hash_key key)
{
	h->key = key;
	h->acc = key.k0;
	h->len = 0;
}

void ff_hasher_update(ff_hasher *h, const void *data, size_t n)
{
	if (n == 0)
		return;
	const unsigned char *p = data;
	size_t have = (size_t)(h->len & 15);
	const ff_hash_key k = h->key;
	uint64_t acc = h->acc;

	h->len += n;
	/* Top up a stripe left partial by the previous piece first. */
	if (have) {
		size_t take = 16 - have;
		if (n < take) {
			memcpy(h->buf + have, p, n);
			return;
		}
		memcpy(h->buf + have, p, take);
		p += take;
		n -= take;
		acc = stripe(&k, acc, load_le64(h->buf), load_le64(h->buf + 8));
	}
	for (; n >= 16; p += 16, n -= 16)
		acc = stripe(&k, acc, load_le64(p), load_le64(p + 8));
	if (n)
		memcpy(h->buf, p, n);
	h->acc = acc;
}

uint64_t ff_hasher_final(const ff_hasher *h)
{
	return finish(&h->key, last_stripe(&h->key, h->acc, h->buf, (size_t)(h->len & 15)), h->len);
}

/* ---- the map ---- */

/* dist is the probe distance plus one, 0 for an empty slot: Robin Hood
 * keeps entries sorted by it along a run, which bounds unsuccessful
 * lookups and lets removal shift back instead of leaving tombstones. */
struct slot {
	uint64_t tag;
	uint32_t value;
	uint32_t dist;
};

struct ff_hmap {
	struct slot *slots;
	size_t cap;     /* 0 or a power of two */
	size_t count;
	ff_hash_key key;
	uint64_t inv[3]; /* inverses of the u64 mixer's multipliers */
};

#define HMAP_MIN_CAP 16

/* The u64 mixer: odd multipliers, xor-shifts by 32 and the two key words
 * make a keyed bijection of 64-bit values, so its output both places the
 * key and stands for it. */
static const uint64_t mix_mul[3] = {
	UINT64_C(0x9e3779b97f4a7c15),
	UINT64_C(0xbf58476d1ce4e5b9),
	UINT64_C(0x94d049bb133111eb),
};

static uint64_t mul_inverse(uint64_t c)
{
	uint64_t x = c; /* right to 3 bits for odd c; Newton doubles that */
	for (int i = 0; i < 5; i++)
		x *= 2 - c * x;
	return x;
}

static uint64_t mix_u64(const ff_hmap *m, uint64_t x)
{
	x ^= m->key.k0;
	x *= mix_mul[0];
	x ^= x >> 32;
	x += m->key.k1;
	x *= mix_mul[1];
	x ^= x >> 32;
	x *= mix_mul[2];
	x ^= x >> 32;
	return x;
}

static uint64_t unmix_u64(const ff_hmap *m, uint64_t x)
{
	x ^= x >> 32;
	x *= m->inv[2];
	x ^= x >> 32;
	x *= m->inv[1];
	x -= m->key.k1;
	x ^= x >> 32;
	x *= m->inv[0];
	x ^= m->key.k0;
	return x;
}

ff_hmap *ff_hmap_new(uint64_t seed)
{
	ff_hmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->key = ff_hash_key_from_seed(seed);
	for (int i = 0; i < 3; i++)
		m->inv[i] = mul_inverse(mix_mul[i]);
	return m;
}

void ff_hmap_free(ff_hmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

ff_hash_key ff_hmap_hash_key(const ff_hmap *m)
{
	return m->key;
}

uint64_t ff_hmap_hash(const ff_hmap *m, ff_sv key)
{
	return ff_hash_bytes(&m->key, key.p, key.n);
}

/* Walks the run for tag.  Returns true with *idx at the match, or false
 * with *idx and *dist where a new entry for tag belongs. */
static bool probe(const ff_hmap *m, uint64_t tag, ff_hmap_eq_fn eq, const void *ctx, size_t *idx,
		  uint32_t *dist)
{
	if (m->cap == 0) {
		*idx = 0;
		*dist = 1;
		return false;
	}
	size_t mask = m->cap - 1, i = (size_t)tag & mask;
	for (uint32_t d = 1;; d++, i = (i + 1) & mask) {
		const struct slot *s = &m->slots[i];
		if (s->dist < d) {
			*idx = i;
			*dist = d;
			return false;
		}
		if (s->tag == tag && (!eq || eq(ctx, s->value))) {
			*idx = i;
			return true;
		}
	}
}

/* Where an entry for tag goes when it is known to be absent. */
static void insertion_point(const ff_hmap *m, uint64_t tag, size_t *idx, uint32_t *dist)
{
	size_t mask = m->cap - 1, i = (size_t)tag & mask;
	uint32_t d = 1;
	while (m->slots[i].dist >= d) {
		i = (i + 1) & mask;
		d++;
	}
	*idx = i;
	*dist = d;
}

/* Puts the entry at idx (where probe stopped) and pushes the richer
 * entries after it one slot on. */
static void place(ff_hmap *m, size_t idx, uint32_t dist, uint64_t tag, uint32_t value)
{
	size_t mask = m->cap - 1;
	struct slot cur = { .tag = tag, .value = value, .dist = dist };
	for (size_t i = idx;; i = (i + 1) & mask, cur.dist++) {
		struct slot *s = &m->slots[i];
		if (s->dist == 0) {
			*s = cur;
			break;
		}
		if (s->dist < cur.dist) {
			struct slot t = *s;
			*s = cur;
			cur = t;
		}
	}
	m->count++;
}

static int resize(ff_hmap *m, size_t cap)
{
	struct slot *old = m->slots;
	size_t old_cap = m->cap;
	struct slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	m->slots = slots;
	m->cap = cap;
	m->count = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].dist)
			continue;
		size_t idx;
		uint32_t d;
		insertion_point(m, old[i].tag, &idx, &d);
		place(m, idx, d, old[i].tag, old[i].value);
	}
	free(old);
	return 0;
}

/* 80% load: Robin Hood keeps probe runs short up to about there. */
static bool fits(size_t n, size_t cap)
{
	return n * 5 <= cap * 4;
}

int ff_hmap_reserve(ff_hmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : HMAP_MIN_CAP;
	while (!fits(n, cap)) {
		if (cap > SIZE_MAX / 2 / sizeof(struct slot))
			return -1;
		cap *= 2;
	}
	if (cap == m->cap)
		return 0;
	return resize(m, cap);
}

void ff_hmap_prefetch(const ff_hmap *m, uint64_t hash)
{
#if defined(__GNUC__)
	if (m->cap)
		__builtin_prefetch(&m->slots[(size_t)hash & (m->cap - 1)]);
#else
	(void)m, (void)hash;
#endif
}

/* The lookup every interned string goes through: probe's walk, without
 * the insertion point it would also report. */
uint32_t *ff_hmap_find(const ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx)
{
	if (m->count == 0)
		return NULL;
	struct slot *slots = m->slots;
	size_t mask = m->cap - 1, i = (size_t)hash & mask;
	for (uint32_t d = 1;; d++, i = (i + 1) & mask) {
		struct slot *s = &slots[i];
		if (s->dist < d)
			return NULL;
		if (s->tag == hash && (!eq || eq(ctx, s->value)))
			return &s->value;
	}
}

uint32_t *ff_hmap_find_or_insert(ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx,
				 bool *inserted)
{
	size_t idx;
	uint32_t d;
	if (probe(m, hash, eq, ctx, &idx, &d)) {
		*inserted = false;
		return &m->slots[idx].value;
	}
	if (m->cap == 0 || !fits(m->count + 1, m->cap)) {
		if (ff_hmap_reserve(m, m->count + 1) != 0)
			return NULL;
		insertion_point(m, hash, &idx, &d);
	}
	place(m, idx, d, hash, 0);
	*inserted = true;
	return &m->slots[idx].value;
}

bool ff_hmap_remove(ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx)
{
	size_t idx;
	uint32_t d;
	if (!probe(m, hash, eq, ctx, &idx, &d))
		return false;
	size_t mask = m->cap - 1, i = idx;
	for (;;) {
		size_t j = (i + 1) & mask;
		if (m->slots[j].dist <= 1)
			break; /* empty, or already in its home slot */
		m->slots[i] = m->slots[j];
		m->slots[i].dist--;
		i = j;
	}
	m->slots[i].dist = 0;
	m->count--;
	return true;
}

void ff_hmap_clear(ff_hmap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->count = 0;
}

size_t ff_hmap_count(const ff_hmap *m)
{
	return m->count;
}

size_t ff_hmap_bytes(const ff_hmap *m)
{
	return sizeof *m + m->cap * sizeof *m->slots;
}

bool ff_hmap_next(const ff_hmap *m, size_t *pos, uint64_t *hash, uint32_t *value)
{
	for (size_t i = *pos; i < m->cap; i++) {
		if (m->slots[i].dist) {
			*hash = m->slots[i].tag;
			*value = m->slots[i].value;
			*pos = i + 1;
			return true;
		}
	}
	*pos = m->cap;
	return false;
}

uint32_t *ff_hmap_u64_find(const ff_hmap *m, uint64_t key)
{
	return ff_hmap_find(m, mix_u64(m, key), NULL, NULL);
}

uint32_t *ff_hmap_u64_find_or_insert(ff_hmap *m, uint64_t key, bool *inserted)
{
	return ff_hmap_find_or_insert(m, mix_u64(m, key), NULL, NULL, inserted);
}

bool ff_hmap_u64_remove(ff_hmap *m, uint64_t key)
{
	return ff_hmap_remove(m, mix_u64(m, key), NULL, NULL);
}

bool ff_hmap_u64_next(const ff_hmap *m, size_t *pos, uint64_t *key, uint32_t *value)
{
	uint64_t tag;
	if (!ff_hmap_next(m, pos, &tag, value))
		return false;
	*key = unmix_u64(m, tag);
	return true;
}
