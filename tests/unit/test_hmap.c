/* test_hmap.c — the keyed hash's properties (incremental equals one-shot,
 * keyed by the seed, length-aware, avalanche, spread of structured keys,
 * the same outputs on every platform), and the map against a plain array
 * under growth, removal and keys forced to collide. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hmap.h"

/* A fixed pseudo-random byte stream (xorshift64*), so every run of the test
 * sees the same keys. */
static uint64_t rng_state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(0x2545f4914f6cdd1d);
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(rng() >> 56);
}

static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* Pieces hash as their concatenation, wherever the cuts fall: every 2-way
 * and 3-way split and byte-at-a-time feeding, for lengths 0..100 (so every
 * tail length, with zero to six whole stripes before it). */
static void test_incremental(void)
{
	unsigned char msg[100];
	fill_random(msg, sizeof msg);
	ff_hash_key key = ff_hash_key_from_seed(12345);
	bool split2 = true, split3 = true, bytewise = true, empty_pieces = true;
	for (size_t len = 0; len <= sizeof msg; len++) {
		uint64_t whole = ff_hash_bytes(&key, msg, len);
		ff_hasher h;
		for (size_t a = 0; a <= len; a++) {
			ff_hasher_init(&h, key);
			ff_hasher_update(&h, msg, a);
			ff_hasher_update(&h, msg + a, len - a);
			if (ff_hasher_final(&h) != whole)
				split2 = false;
			for (size_t b = a; b <= len; b++) {
				ff_hasher_init(&h, key);
				ff_hasher_update(&h, msg, a);
				ff_hasher_update(&h, msg + a, b - a);
				ff_hasher_update(&h, msg + b, len - b);
				if (ff_hasher_final(&h) != whole)
					split3 = false;
			}
		}
		ff_hasher_init(&h, key);
		for (size_t i = 0; i < len; i++)
			ff_hasher_update(&h, msg + i, 1);
		if (ff_hasher_final(&h) != whole)
			bytewise = false;
		/* Empty pieces, even without bytes behind them, change nothing. */
		ff_hasher_init(&h, key);
		ff_hasher_update(&h, NULL, 0);
		ff_hasher_update(&h, msg, len);
		ff_hasher_update(&h, NULL, 0);
		if (ff_hasher_final(&h) != whole)
			empty_pieces = false;
	}
	CHECK(split2);
	CHECK(split3);
	CHECK(bytewise);
	CHECK(empty_pieces);
	/* final does not consume the hasher: more bytes may follow. */
	ff_hasher h;
	ff_hasher_init(&h, key);
	ff_hasher_update(&h, "index", 5);
	CHECK(ff_hasher_final(&h) == ff_hash_bytes(&key, "index", 5));
	ff_hasher_update(&h, ".html", 5);
	CHECK(ff_hasher_final(&h) == ff_hash_bytes(&key, "index.html", 10));

	/* The map hashes with its own key, the same function. */
	ff_hmap *m = ff_hmap_new(77);
	CHECK(m != NULL);
	if (m) {
		ff_hash_key mk = ff_hmap_hash_key(m);
		CHECK(ff_hmap_hash(m, ff_sv_make((const char *)msg, 37)) == ff_hash_bytes(&mk, msg, 37));
		CHECK(ff_hmap_hash(m, FF_SV_NULL) == ff_hash_bytes(&mk, NULL, 0));
		ff_hmap_free(m);
	}
}

/* The seed is the key: another seed gives other hashes, the same seed the
 * same ones. */
static void test_seeds(void)
{
	ff_hash_key k1 = ff_hash_key_from_seed(1), k2 = ff_hash_key_from_seed(2);
	CHECK(k1.k0 != k2.k0 && k1.k1 != k2.k1 && k1.k2 != k2.k2 && k1.k3 != k2.k3);
	/* The four words of one key differ from each other. */
	CHECK(k1.k0 != k1.k1 && k1.k0 != k1.k2 && k1.k0 != k1.k3 && k1.k1 != k1.k2 &&
	      k1.k1 != k1.k3 && k1.k2 != k1.k3);
	ff_hash_key again = ff_hash_key_from_seed(1);
	CHECK(ff_hash_bytes(&k1, "index.html", 10) == ff_hash_bytes(&again, "index.html", 10));

	/* Over 100 seeds, a key's hashes are all distinct, at every length
	 * that takes a different path through the code. */
	static const size_t lens[] = { 0, 1, 3, 4, 7, 8, 13, 15, 16, 17, 31, 32, 60, 120 };
	unsigned char msg[120];
	fill_random(msg, sizeof msg);
	bool distinct = true;
	for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
		uint64_t seen[100];
		for (uint64_t s = 0; s < 100; s++) {
			ff_hash_key k = ff_hash_key_from_seed(s * 1000003);
			seen[s] = ff_hash_bytes(&k, msg, lens[li]);
			for (uint64_t t = 0; t < s; t++)
				if (seen[t] == seen[s])
					distinct = false;
		}
	}
	CHECK(distinct);
}

/* The length is part of the hash: runs of zero bytes (whose words are all
 * zero) of lengths 0..256 hash apart, and so do "" and "\0". */
static void test_lengths(void)
{
	ff_hash_key key = ff_hash_key_from_seed(5);
	unsigned char zeros[256] = { 0 };
	uint64_t h[257];
	bool distinct = true;
	for (size_t n = 0; n <= sizeof zeros; n++) {
		h[n] = ff_hash_bytes(&key, zeros, n);
		for (size_t m = 0; m < n; m++)
			if (h[m] == h[n])
				distinct = false;
	}
	CHECK(distinct);
	CHECK(ff_hash_bytes(&key, "", 0) != ff_hash_bytes(&key, "\0", 1));
	CHECK(ff_hash_bytes(&key, "a", 1) != ff_hash_bytes(&key, "a\0", 2));
	/* The short-tail encoding covers every byte. */
	CHECK(ff_hash_bytes(&key, "ab", 2) != ff_hash_bytes(&key, "bb", 2));
	CHECK(ff_hash_bytes(&key, "abc", 3) != ff_hash_bytes(&key, "aac", 3));
	/* Stripes are not interchangeable. */
	unsigned char a[64], b[64];
	fill_random(a, sizeof a);
	memcpy(b, a + 16, 16);
	memcpy(b + 16, a, 16);
	memcpy(b + 32, a + 32, 32);
	CHECK(ff_hash_bytes(&key, a, 64) != ff_hash_bytes(&key, b, 64));
	memcpy(b, a + 48, 16);
	memcpy(b + 16, a + 16, 32);
	memcpy(b + 48, a, 16);
	CHECK(ff_hash_bytes(&key, a, 64) != ff_hash_bytes(&key, b, 64));
}

/* Avalanche: flipping any one input bit of a 1..64-byte key changes the
 * hash, about half its bits on average, and every output bit about half
 * the time.  A good 64-bit hash gives a mean of 32 flipped bits; the bounds
 * are loose so that only a real weakness trips them. */
static void test_avalanche(void)
{
	enum { TRIALS = 16 };
	ff_hash_key key = ff_hash_key_from_seed(2024);
	unsigned char msg[64];
	uint64_t flips = 0, total_bits = 0;
	uint64_t per_bit[64] = { 0 };
	bool all_changed = true, lengths_ok = true;
	for (size_t len = 1; len <= sizeof msg; len++) {
		uint64_t len_flips = 0, len_trials = 0;
		for (int t = 0; t < TRIALS; t++) {
			fill_random(msg, len);
			uint64_t base = ff_hash_bytes(&key, msg, len);
			for (size_t bit = 0; bit < 8 * len; bit++) {
				msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
				uint64_t d = base ^ ff_hash_bytes(&key, msg, len);
				msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
				if (d == 0)
					all_changed = false;
				len_flips += popcount64(d);
				len_trials++;
				for (unsigned o = 0; o < 64; o++)
					per_bit[o] += (d >> o) & 1;
			}
		}
		/* Each length on its own: every tail path is exercised. */
		double mean = (double)len_flips / (double)len_trials;
		if (mean < 28 || mean > 36) {
			fprintf(stderr, "avalanche: length %zu flips %.2f bits on average\n", len, mean);
			lengths_ok = false;
		}
		flips += len_flips;
		total_bits += len_trials;
	}
	CHECK(all_changed);
	CHECK(lengths_ok);
	double mean = (double)flips / (double)total_bits;
	CHECK(mean >= 28 && mean <= 36);
	/* Per output bit, including the low ones the table index uses. */
	bool bits_ok = true;
	for (unsigned o = 0; o < 64; o++) {
		double p = (double)per_bit[o] / (double)total_bits;
		if (p < 0.4 || p > 0.6) {
			fprintf(stderr, "avalanche: output bit %u flips with p = %.3f\n", o, p);
			bits_ok = false;
		}
	}
	CHECK(bits_ok);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Structured keys as a log has them, bucketed by the low 16 bits as a
 * table of 65536 slots would: no bucket much fuller than the mean, and
 * no two keys on the same 64-bit hash. */
static void test_distribution(void)
{
	enum { N = 1000000, BUCKETS = 1 << 16 };
	ff_hash_key key = ff_hash_key_from_seed(31337);
	uint64_t *all = malloc(3 * (size_t)N * sizeof *all);
	uint32_t *load = malloc(BUCKETS * sizeof *load);
	CHECK(all && load);
	if (!all || !load) {
		free(all);
		free(load);
		return;
	}
	static const char *const names[] = { "decimal", "/page/N", "IPv4" };
	for (int family = 0; family < 3; family++) {
		memset(load, 0, BUCKETS * sizeof *load);
		for (uint32_t i = 0; i < N; i++) {
			char s[32];
			int n;
			if (family == 0)
				n = snprintf(s, sizeof s, "%" PRIu32, i);
			else if (family == 1)
				n = snprintf(s, sizeof s, "/page/%" PRIu32, i);
			else /* 10.x.y.z, then 11.x.y.z: low octets vary fastest */
				n = snprintf(s, sizeof s, "%u.%u.%u.%u", 10 + (i >> 24), (i >> 16) & 255,
					     (i >> 8) & 255, i & 255);
			uint64_t h = ff_hash_bytes(&key, s, (size_t)n);
			all[(size_t)family * N + i] = h;
			load[h & (BUCKETS - 1)]++;
		}
		/* The mean is 15.3; a uniform hash's fullest bucket holds about
		 * 35.  Chi-square over the buckets, divided by their count, is
		 * 1 +- 0.006 for a uniform hash. */
		uint32_t max = 0;
		double chi = 0, mean = (double)N / BUCKETS;
		for (size_t b = 0; b < BUCKETS; b++) {
			if (load[b] > max)
				max = load[b];
			chi += (load[b] - mean) * (load[b] - mean) / mean;
		}
		chi /= BUCKETS;
		if (max > 3 * mean || chi < 0.95 || chi > 1.05)
			fprintf(stderr, "distribution of %s keys: fullest bucket %u (mean %.1f), chi2/df %.3f\n",
				names[family], max, mean, chi);
		CHECK(max <= 3 * mean);
		CHECK(chi >= 0.95 && chi <= 1.05);
	}
	qsort(all, 3 * (size_t)N, sizeof *all, cmp_u64);
	size_t same = 0;
	for (size_t i = 1; i < 3 * (size_t)N; i++)
		if (all[i] == all[i - 1])
			same++;
	CHECK_INT(same, 0);
	free(all);
	free(load);
}

/* Outputs pinned for one seed, so that every platform (big-endian, no
 * 128-bit integer type) is seen to compute the same function.  They change
 * only when the hash is changed on purpose. */
static void test_pinned(void)
{
	ff_hash_key key = ff_hash_key_from_seed(1);
	static const char agent[] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
				    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
	static const char *const keys[] = {
		"", "GET", "HTTP/1.1", "203.0.113.195", "/products/shoes/red-sneaker-42", agent,
	};
	static const uint64_t want[] = {
		UINT64_C(0x1e6325828896fab0), UINT64_C(0x09500ad7af856cc3), UINT64_C(0x3c643c6323aff7f5),
		UINT64_C(0x5ee023449432033a), UINT64_C(0x0991f669e55d05ed), UINT64_C(0xc1474eda27a8da08),
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		uint64_t h = ff_hash_bytes(&key, keys[i], strlen(keys[i]));
		if (h != want[i])
			fprintf(stderr, "pinned hash of \"%s\" is 0x%016" PRIx64 "\n", keys[i], h);
		CHECK(h == want[i]);
	}
}

/* Byte keys: the test's own string table, as intern.c would keep one. */
struct table {
	char (*keys)[32];
	size_t n;
	const char *probe; /* the key being looked up */
	uint64_t fixed_hash;
	bool use_fixed;
};

static bool key_eq(const void *ctx, uint32_t value)
{
	const struct table *t = ctx;
	return strcmp(t->keys[value], t->probe) == 0;
}

static uint64_t key_hash(const ff_hmap *m, const struct table *t, const char *s)
{
	if (t->use_fixed)
		return t->fixed_hash;
	return ff_hmap_hash(m, ff_sv_cstr(s));
}

static uint32_t *lookup(ff_hmap *m, struct table *t, const char *s)
{
	t->probe = s;
	return ff_hmap_find(m, key_hash(m, t, s), key_eq, t);
}

static void run_byte_keys(size_t n, bool use_fixed, uint64_t fixed_hash)
{
	ff_hmap *m = ff_hmap_new(99);
	struct table t = { .keys = calloc(n, sizeof *t.keys), .use_fixed = use_fixed,
			   .fixed_hash = fixed_hash };
	CHECK(m && t.keys);
	if (!m || !t.keys)
		return;

	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		char s[32];
		snprintf(s, sizeof s, "/p/%zu", i);
		bool inserted;
		t.probe = s;
		uint32_t *v = ff_hmap_find_or_insert(m, key_hash(m, &t, s), key_eq, &t, &inserted);
		if (!v || !inserted) {
			ok = false;
			break;
		}
		snprintf(t.keys[i], sizeof t.keys[i], "%s", s);
		*v = (uint32_t)i;
		/* Asking again finds it and adds nothing. */
		v = ff_hmap_find_or_insert(m, key_hash(m, &t, s), key_eq, &t, &inserted);
		if (!v || inserted || *v != i)
			ok = false;
	}
	CHECK(ok);
	CHECK_INT(ff_hmap_count(m), n);

	ok = true;
	for (size_t i = 0; i < n; i++) {
		uint32_t *v = lookup(m, &t, t.keys[i]);
		if (!v || *v != i)
			ok = false;
	}
	CHECK(ok);
	CHECK(lookup(m, &t, "/absent") == NULL);

	/* Remove every third key; the rest must stay reachable (backward
	 * shift keeps runs intact). */
	ok = true;
	for (size_t i = 0; i < n; i += 3) {
		t.probe = t.keys[i];
		if (!ff_hmap_remove(m, key_hash(m, &t, t.keys[i]), key_eq, &t))
			ok = false;
	}
	t.probe = "/absent";
	CHECK(!ff_hmap_remove(m, key_hash(m, &t, "/absent"), key_eq, &t));
	for (size_t i = 0; i < n; i++) {
		uint32_t *v = lookup(m, &t, t.keys[i]);
		if (i % 3 == 0 ? v != NULL : (!v || *v != i))
			ok = false;
	}
	CHECK(ok);
	CHECK_INT(ff_hmap_count(m), n - (n + 2) / 3);

	/* Iteration visits each remaining entry once. */
	unsigned char *seen = calloc(n, 1);
	size_t pos = 0, visited = 0;
	uint64_t h;
	uint32_t value;
	ok = seen != NULL;
	while (seen && ff_hmap_next(m, &pos, &h, &value)) {
		if (value >= n || seen[value] || value % 3 == 0)
			ok = false;
		else
			seen[value] = 1;
		visited++;
	}
	CHECK(ok);
	CHECK_INT(visited, n - (n + 2) / 3);
	free(seen);

	ff_hmap_clear(m);
	CHECK_INT(ff_hmap_count(m), 0);
	CHECK(lookup(m, &t, t.keys[1]) == NULL);
	free(t.keys);
	ff_hmap_free(m);
}

static void test_u64_keys(void)
{
	ff_hmap *m = ff_hmap_new(7);
	CHECK(m != NULL);
	if (!m)
		return;
	enum { N = 50000 };
	uint64_t *keys = malloc(N * sizeof *keys);
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < N; i++) {
		/* Sequential ids, then values from a xorshift generator. */
		if (i < N / 2) {
			keys[i] = i;
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			keys[i] = x;
		}
	}
	bool ok = true;
	for (size_t i = 0; i < N; i++) {
		bool inserted;
		uint32_t *v = ff_hmap_u64_find_or_insert(m, keys[i], &inserted);
		if (!v || !inserted)
			ok = false;
		else
			*v = (uint32_t)i;
	}
	CHECK(ok);
	ok = true;
	for (size_t i = 0; i < N; i++) {
		uint32_t *v = ff_hmap_u64_find(m, keys[i]);
		if (!v || *v != i)
			ok = false;
	}
	CHECK(ok);
	CHECK(ff_hmap_u64_find(m, UINT64_MAX) == NULL);

	/* Iteration gives the keys back (the mixer is inverted). */
	size_t pos = 0, visited = 0;
	uint64_t key;
	uint32_t value;
	ok = true;
	while (ff_hmap_u64_next(m, &pos, &key, &value)) {
		if (value >= N || keys[value] != key)
			ok = false;
		visited++;
	}
	CHECK(ok);
	CHECK_INT(visited, N);

	ok = true;
	for (size_t i = 0; i < N; i += 2)
		if (!ff_hmap_u64_remove(m, keys[i]))
			ok = false;
	for (size_t i = 0; i < N; i++) {
		uint32_t *v = ff_hmap_u64_find(m, keys[i]);
		if (i % 2 == 0 ? v != NULL : (!v || *v != i))
			ok = false;
	}
	CHECK(ok);
	CHECK(!ff_hmap_u64_remove(m, keys[0]));
	CHECK_INT(ff_hmap_count(m), N / 2);
	free(keys);
	ff_hmap_free(m);
}

static void test_reserve(void)
{
	ff_hmap *m = ff_hmap_new(3);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_INT(ff_hmap_count(m), 0);
	CHECK(ff_hmap_u64_find(m, 1) == NULL);
	CHECK(!ff_hmap_u64_remove(m, 1));
	CHECK_INT(ff_hmap_reserve(m, 1000), 0);
	size_t bytes = ff_hmap_bytes(m);
	CHECK(bytes >= 1000 * 16);
	bool ok = true;
	for (uint64_t k = 0; k < 1000; k++) {
		bool inserted;
		uint32_t *v = ff_hmap_u64_find_or_insert(m, k * 1000003, &inserted);
		if (!v || !inserted)
			ok = false;
		else
			*v = (uint32_t)k;
	}
	CHECK(ok);
	CHECK_INT(ff_hmap_bytes(m), bytes); /* no growth within the reservation */
	ff_hmap_free(m);
	ff_hmap_free(NULL);
}

int main(void)
{
	test_incremental();
	test_seeds();
	test_lengths();
	test_avalanche();
	test_distribution();
	test_pinned();
	run_byte_keys(100000, false, 0);
	/* Every key on one hash: the equality callback alone tells them
	 * apart, and the runs are as long as the table allows. */
	run_byte_keys(2000, true, 42);
	/* One hash whose home slot is the table's last: runs wrap around. */
	run_byte_keys(2000, true, UINT64_MAX);
	test_u64_keys();
	test_reserve();
	return CHECK_DONE("test_hmap");
}
