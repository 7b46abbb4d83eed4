/* test_histogram.c — the response-time histograms: buckets cover every
 * value with no gap or overlap and are at most 1/128 wide; nearest-rank
 * percentiles stay within 1/256 of the exact ones computed from the sorted
 * values; merging equals adding every value to one histogram; a bucket
 * holding more than 2^32 values stays exact; the dense form agrees with
 * the sparse one. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "histogram.h"

static void test_buckets(void)
{
	/* every bucket starts right after the previous one ends */
	uint64_t next = 0;
	bool contiguous = true, narrow = true, inverse = true;
	for (uint32_t b = 0; b < FF_HIST_BUCKETS; b++) {
		uint64_t lo = ff_hist_bucket_low(b), hi = ff_hist_bucket_high(b);
		if (lo != next)
			contiguous = false;
		/* width <= lo / 128 */
		if (lo >= 128 && (hi - lo + 1) * 128 > lo)
			narrow = false;
		if (ff_hist_bucket(lo) != b || ff_hist_bucket(hi) != b)
			inverse = false;
		next = hi + 1;
	}
	CHECK(contiguous);
	CHECK(narrow);
	CHECK(inverse);
	CHECK(next == 0); /* the last bucket ends at UINT64_MAX */
	CHECK_INT(ff_hist_bucket(0), 0);
	CHECK_INT(ff_hist_bucket(127), 127);
	CHECK_INT(ff_hist_bucket(255), 255);
	CHECK_INT(ff_hist_bucket(256), 256);
	CHECK_INT(ff_hist_bucket(257), 256);
	CHECK_INT(ff_hist_bucket(UINT64_MAX), FF_HIST_BUCKETS - 1);
}

static void test_rank(void)
{
	CHECK_INT(ff_hist_rank(1, 50), 1);
	CHECK_INT(ff_hist_rank(4, 50), 2);
	CHECK_INT(ff_hist_rank(5, 50), 3);
	CHECK_INT(ff_hist_rank(100, 99), 99);
	CHECK_INT(ff_hist_rank(101, 99), 100);
	CHECK_INT(ff_hist_rank(10, 95), 10);
	CHECK_INT(ff_hist_rank(1000, 90), 900);
	CHECK(ff_hist_rank(UINT64_MAX, 100) == UINT64_MAX);
	CHECK(ff_hist_rank(UINT64_MAX, 50) == UINT64_MAX / 2 + 1);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

static uint64_t rng = 88172645463325252u;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Log-uniform values from 1 us to about 100 s, as response times spread. */
static uint64_t random_duration(void)
{
	double e = (double)(next_rand() % 1000000) / 1000000.0 * 8.0;
	return (uint64_t)pow(10.0, e);
}

static void test_percentiles_against_exact(void)
{
	enum { N = 20011 };
	static const unsigned ps[] = { 1, 50, 90, 95, 99, 100 };
	enum { K = sizeof ps / sizeof *ps };
	uint64_t *v = malloc(N * sizeof *v);
	ff_hist h = { 0 }, a = { 0 }, b = { 0 };
	ff_hist_dense d = { 0 };
	bool ok = v != NULL;
	for (size_t i = 0; ok && i < N; i++) {
		v[i] = random_duration();
		ok = ff_hist_add(&h, v[i]) == 0 && ff_hist_add(i % 3 ? &a : &b, v[i]) == 0 &&
		     ff_hist_dense_add(&d, v[i]) == 0;
	}
	CHECK(ok);
	if (!ok)
		goto out;
	CHECK(ff_hist_merge(&a, &b) == 0);
	/* sparse into dense (the others row's way of summing) equals adding
	 * every value to a dense histogram */
	ff_hist_dense d2 = { 0 };
	CHECK(ff_hist_dense_merge(&d2, &a) == 0);
	CHECK(d2.counts && memcmp(d2.counts, d.counts, FF_HIST_BUCKETS * sizeof *d.counts) == 0);
	CHECK(d2.count == d.count && d2.sum == d.sum && d2.max == d.max);
	ff_hist_dense_free(&d2);
	ff_hist fromd = { 0 };
	CHECK(ff_hist_merge_dense(&fromd, &d) == 0);
	qsort(v, N, sizeof *v, cmp_u64);
	double got[K], merged[K], dense[K];
	ff_hist_percentiles(&h, ps, K, got);
	ff_hist_percentiles(&a, ps, K, merged);
	ff_hist_percentiles(&fromd, ps, K, dense);
	for (size_t q = 0; q < K; q++) {
		double exact = (double)v[ff_hist_rank(N, ps[q]) - 1];
		if (fabs(got[q] - exact) > exact / 256.0)
			fprintf(stderr, "p%u: %.17g, exact %.17g\n", ps[q], got[q], exact);
		CHECK(fabs(got[q] - exact) <= exact / 256.0);
		CHECK(merged[q] == got[q]);
		CHECK(dense[q] == got[q]);
	}
	/* p100 is the maximum, exactly */
	CHECK(got[K - 1] == (double)v[N - 1]);
	CHECK(h.max == v[N - 1] && a.max == h.max && fromd.max == h.max);
	CHECK(h.count == N && a.count == N && fromd.count == N);
	uint64_t sum = 0;
	for (size_t i = 0; i < N; i++)
		sum += v[i];
	CHECK(h.sum == sum && a.sum == sum && fromd.sum == sum);
	/* merging leaves one block per block of buckets, as adding did */
	CHECK_INT(a.n, h.n);
	CHECK_INT(fromd.n, h.n);
	ff_hist_free(&fromd);
out:
	free(v);
	ff_hist_free(&h);
	ff_hist_free(&a);
	ff_hist_free(&b);
	ff_hist_dense_free(&d);
}

static void test_small_and_empty(void)
{
	ff_hist h = { 0 };
	static const unsigned ps[] = { 50, 99 };
	double out[2] = { -1, -1 };
	ff_hist_percentiles(&h, ps, 2, out);
	CHECK(out[0] == 0 && out[1] == 0);
	/* values below 256 have buckets of their own: exact */
	uint64_t vals[] = { 7, 3, 200, 3 };
	for (size_t i = 0; i < 4; i++)
		CHECK(ff_hist_add(&h, vals[i]) == 0);
	ff_hist_percentiles(&h, ps, 2, out);
	CHECK(out[0] == 3);   /* rank 2 of 3 3 7 200 */
	CHECK(out[1] == 200); /* rank 4 */
	CHECK_INT(h.n, 2); /* blocks 0-15 and 192-207 */
	/* an empty source merges as nothing */
	ff_hist empty = { 0 };
	CHECK(ff_hist_merge(&h, &empty) == 0);
	CHECK_INT(h.count, 4);
	CHECK(ff_hist_merge(&empty, &h) == 0);
	CHECK_INT(empty.count, 4);
	CHECK_INT(empty.n, 2);
	ff_hist_free(&empty);
	/* a single large value: the percentile is the maximum itself, not
	 * its bucket's midpoint above it */
	ff_hist one = { 0 };
	CHECK(ff_hist_add(&one, 1000000) == 0);
	ff_hist_percentiles(&one, ps, 2, out);
	CHECK(out[0] == 1000000 && out[1] == 1000000);
	ff_hist_free(&one);
	ff_hist_free(&h);
}

static uint64_t total_in(const ff_hist *h)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < h->n * FF_HIST_BLOCK; i++)
		t += h->blocks[i];
	return t;
}

/* Counts past 2^32 in one bucket stay exact through merges. */
static void test_huge_counts(void)
{
	ff_hist a = { 0 }, b = { 0 };
	/* built by merging dense histograms holding large counts */
	ff_hist_dense d = { 0 };
	CHECK(ff_hist_dense_add(&d, 1000) == 0);
	d.counts[ff_hist_bucket(1000)] = UINT64_C(3) << 32;
	d.count = UINT64_C(3) << 32;
	CHECK(ff_hist_merge_dense(&a, &d) == 0);
	CHECK(ff_hist_merge_dense(&b, &d) == 0);
	CHECK(ff_hist_merge(&a, &b) == 0);
	CHECK(total_in(&a) == UINT64_C(6) << 32);
	CHECK(a.count == UINT64_C(6) << 32);
	/* one more value in that bucket, then a smaller one in a new block
	 * before it */
	CHECK(ff_hist_add(&a, 1000) == 0);
	CHECK(ff_hist_add(&a, 5) == 0);
	CHECK(total_in(&a) == (UINT64_C(6) << 32) + 2);
	CHECK_INT(a.n, 2);
	static const unsigned ps[] = { 1, 50 };
	double out[2];
	ff_hist_percentiles(&a, ps, 2, out);
	CHECK(fabs(out[0] - 1000) <= 1000 / 256.0);
	CHECK(fabs(out[1] - 1000) <= 1000 / 256.0);
	ff_hist_free(&a);
	ff_hist_free(&b);
	ff_hist_dense_free(&d);
}

int main(void)
{
	test_buckets();
	test_rank();
	test_percentiles_against_exact();
	test_small_and_empty();
	test_huge_counts();
	return CHECK_DONE("test_histogram");
}
