/* hash_bench.c — nanoseconds per keyed hash of byte strings of the lengths
 * footfall interns (method, protocol, client address, path, referer, user
 * agent), one-shot and through the incremental hasher in three pieces, and
 * per lookup of a present key in a map of 100,000.  Not built by default:
 * from a build tree,
 *
 *     make src/libfootfall.a
 *     cc -O2 -std=c11 -I SRCDIR/src SRCDIR/bench/hash_bench.c src/libfootfall.a -o hash_bench
 *     ./hash_bench
 *
 * It uses only ff_hmap_hash, ff_hasher_* and ff_hmap_find, so the same file
 * measures an older footfall for comparison.  Numbers are for one machine
 * at a time; run it with nothing else busy. */
#define _POSIX_C_SOURCE 199309L

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hmap.h"

enum { NKEYS = 4096, MAXLEN = 128 };

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(0x2545f4914f6cdd1d);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Printable bytes, as log fields are. */
static void fill(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(' ' + rng() % 95);
}

static volatile uint64_t sink;

static void bench_length(const ff_hmap *m, size_t len, const char *what)
{
	static char keys[NKEYS][MAXLEN];
	for (size_t i = 0; i < NKEYS; i++)
		fill(keys[i], len);
	long rounds = (long)(200000000 / (len + 16) / NKEYS) + 1;

	uint64_t acc = 0;
	double t0 = now();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < NKEYS; i++)
			acc ^= ff_hmap_hash(m, ff_sv_make(keys[i], len));
	double one = (now() - t0) / ((double)rounds * NKEYS) * 1e9;

	ff_hash_key key = ff_hmap_hash_key(m);
	size_t a = len / 3, b = 2 * len / 3;
	t0 = now();
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < NKEYS; i++) {
			ff_hasher h;
			ff_hasher_init(&h, key);
			ff_hasher_update(&h, keys[i], a);
			ff_hasher_update(&h, keys[i] + a, b - a);
			ff_hasher_update(&h, keys[i] + b, len - b);
			acc ^= ff_hasher_final(&h);
		}
	}
	double three = (now() - t0) / ((double)rounds * NKEYS) * 1e9;
	sink = acc;
	printf("%-10s %4zu B  %7.2f ns one-shot  %7.2f ns in 3 pieces\n", what, len, one, three);
}

/* The intern pattern: hash, then find with an equality callback. */
struct table {
	char (*keys)[MAXLEN];
	size_t *lens;
	const char *probe;
	size_t probe_len;
};

static bool same(const void *ctx, uint32_t value)
{
	const struct table *t = ctx;
	return t->lens[value] == t->probe_len && memcmp(t->keys[value], t->probe, t->probe_len) == 0;
}

static void bench_lookup(void)
{
	enum { N = 100000 };
	static const size_t lens[] = { 3, 8, 13, 30, 60, 120, 13 };
	ff_hmap *m = ff_hmap_new(42);
	struct table t = { malloc(N * sizeof *t.keys), malloc(N * sizeof *t.lens), NULL, 0 };
	if (!m || !t.keys || !t.lens) {
		fprintf(stderr, "hash_bench: out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < N; i++) {
		t.lens[i] = lens[i % (sizeof lens / sizeof *lens)];
		fill(t.keys[i], t.lens[i]);
		for (size_t b = 0; b < 3; b++) /* distinct: i < 2^24 in the first bytes */
			t.keys[i][b] = (char)(i >> (8 * b));
		t.probe = t.keys[i];
		t.probe_len = t.lens[i];
		bool inserted;
		uint32_t *v = ff_hmap_find_or_insert(m, ff_hmap_hash(m, ff_sv_make(t.keys[i], t.lens[i])),
						     same, &t, &inserted);
		if (!v) {
			fprintf(stderr, "hash_bench: out of memory\n");
			exit(1);
		}
		*v = i;
	}
	long rounds = 30, found = 0;
	double t0 = now();
	for (long r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < N; i++) {
			t.probe = t.keys[i];
			t.probe_len = t.lens[i];
			uint64_t h = ff_hmap_hash(m, ff_sv_make(t.probe, t.probe_len));
			found += ff_hmap_find(m, h, same, &t) != NULL;
		}
	}
	double ns = (now() - t0) / ((double)rounds * N) * 1e9;
	printf("lookup     mixed   %7.2f ns hash + find of a present key (%ld of %ld found)\n", ns, found,
	       rounds * N);
	free(t.keys);
	free(t.lens);
	ff_hmap_free(m);
}

int main(void)
{
	ff_hmap *m = ff_hmap_new(1);
	if (!m)
		return 1;
	bench_length(m, 3, "method");
	bench_length(m, 8, "protocol");
	bench_length(m, 13, "client");
	bench_length(m, 30, "path");
	bench_length(m, 60, "referer");
	bench_length(m, 120, "agent");
	ff_hmap_free(m);
	bench_lookup();
	return 0;
}
