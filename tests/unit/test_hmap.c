/* test_hmap.c — the keyed hash against SipHash-1-3's reference outputs, and
 * the map against a plain array under growth, removal and keys forced to
 * collide. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hmap.h"

/* SipHash-1-3 with the all-zero key of the bytes 00 01 02 .. (len-1),
 * from the reference implementation (github.com/veorq/SipHash). */
static const uint64_t sip13_zero_key[] = {
	UINT64_C(0xd1fba762150c532c), UINT64_C(0x68a914128e01e473), UINT64_C(0x010bac45c41e3669),
	UINT64_C(0x4d4c9a4a8ef6e0ad), UINT64_C(0x7cc43f98813e4dbd), UINT64_C(0x5abe2169dff36275),
	UINT64_C(0xe3c25f87624f1cdb), UINT64_C(0x2f098ab0c751325a), UINT64_C(0xead411e67ebe2eea),
	UINT64_C(0x75927f9d95124362), UINT64_C(0xaf9f77a65ab51a1d), UINT64_C(0xfe64ce8b6617fcff),
	UINT64_C(0xa6baf4fb0f9fe1c2), UINT64_C(0xa0cf3211850f8e0d), UINT64_C(0x7f86049379fbfe67),
	UINT64_C(0xf30eb725bb91c9ea), UINT64_C(0x8972188433a5c5b7), UINT64_C(0x4883c49a2c009c1d),
	UINT64_C(0xadc2c0b63044067d), UINT64_C(0x091f4a3329f87d19), UINT64_C(0x639e355ae68c0100),
};

static void test_siphash(void)
{
	unsigned char msg[64];
	for (unsigned i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)i;
	ff_hash_key zero = { 0, 0 };
	for (size_t len = 0; len < sizeof sip13_zero_key / sizeof sip13_zero_key[0]; len++)
		CHECK(ff_siphash13(zero, msg, len) == sip13_zero_key[len]);

	/* Pieces hash as their concatenation, wherever the cuts fall. */
	ff_hash_key key = ff_hash_key_from_seed(12345);
	bool all_same = true;
	for (size_t len = 0; len <= 40; len++) {
		uint64_t whole = ff_siphash13(key, msg, len);
		for (size_t a = 0; a <= len; a++) {
			for (size_t b = a; b <= len; b++) {
				ff_hasher h;
				ff_hasher_init(&h, key);
				ff_hasher_update(&h, msg, a);
				ff_hasher_update(&h, msg + a, b - a);
				ff_hasher_update(&h, msg + b, len - b);
				if (ff_hasher_final(&h) != whole)
					all_same = false;
			}
		}
	}
	CHECK(all_same);

	/* The seed changes every hash. */
	ff_hash_key k1 = ff_hash_key_from_seed(1), k2 = ff_hash_key_from_seed(2);
	CHECK(k1.k0 != k2.k0 && k1.k1 != k2.k1);
	CHECK(ff_siphash13(k1, "index.html", 10) != ff_siphash13(k2, "index.html", 10));
	CHECK(ff_siphash13(k1, "index.html", 10) == ff_siphash13(ff_hash_key_from_seed(1), "index.html", 10));
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
	test_siphash();
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
