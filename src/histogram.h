/* histogram.h — response times as log-bucketed histograms (SPEC §14).
 *
 * Values are whole microseconds.  Below 128 every value has its own
 * bucket; above, each power of two is split into 128 equal buckets, so a
 * bucket is never wider than 1/128 of its lower bound (0.78%).  A
 * percentile is the nearest rank (the smallest value with at least p% of
 * the values at or below it); the histogram finds the bucket holding that
 * value exactly and reports the bucket's midpoint, or the exact maximum
 * when that is smaller or the rank is the last, so it is within 1/256
 * (0.39%) of the exact value.
 * Histograms merge by adding counts: the merge of two equals the
 * histogram of both sets of values.
 *
 * Two forms.  ff_hist is sparse: the buckets come in blocks of 16
 * neighbours, and a key's histogram holds only the blocks it has seen,
 * with a sorted directory of them, so adding a value is a short search of
 * the directory and an increment (a new block is made at most 464 times
 * in a histogram's life, growing its arrays by doubling).  One per report
 * key.  ff_hist_dense is one array of every bucket, for the histograms
 * that see many values (the whole log, each day).  A histogram owns its
 * memory; a zeroed one is empty and valid. */
#ifndef FF_HISTOGRAM_H
#define FF_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FF_HIST_SUB_BITS 7
#define FF_HIST_SUB (1u << FF_HIST_SUB_BITS)
/* buckets for every uint64_t: 128 exact ones, then 128 per power of two */
#define FF_HIST_BUCKETS ((64 - FF_HIST_SUB_BITS + 1) * FF_HIST_SUB)

/* The bucket of value v. */
static inline uint32_t ff_hist_bucket(uint64_t v)
{
	if (v < 2 * FF_HIST_SUB)
		return (uint32_t)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - FF_HIST_SUB_BITS;
	return shift * FF_HIST_SUB + (uint32_t)(v >> shift);
}

/* The smallest and largest value of bucket b. */
uint64_t ff_hist_bucket_low(uint32_t b);
uint64_t ff_hist_bucket_high(uint32_t b);

#define FF_HIST_BLOCK 16 /* buckets in a block of a sparse histogram */

typedef struct ff_hist {
	uint64_t count; /* values added */
	uint64_t sum;   /* their sum, saturating at UINT64_MAX */
	uint64_t max;   /* the largest, exact */
	/* n blocks: dir[i] is a block number (bucket / FF_HIST_BLOCK) << 16
	 * | the block's slot in blocks, ascending; blocks in the order they
	 * were made, FF_HIST_BLOCK counts each */
	uint32_t *dir;
	uint64_t *blocks;
	uint32_t n, cap;
} ff_hist;

typedef struct ff_hist_dense {
	uint64_t count, sum, max;
	uint64_t *counts; /* FF_HIST_BUCKETS, allocated by the first add */
} ff_hist_dense;

/* Adds one value.  -1 when memory ran out (the value is then not
 * counted).  The arrays grow by doubling and only when a block is new to
 * this histogram: a key's histogram reallocates at most 10 times in its
 * life, never once its blocks have been seen. */
int ff_hist_add(ff_hist *h, uint64_t v);
/* Adds src's values to dst.  -1 when memory ran out (dst unchanged). */
int ff_hist_merge(ff_hist *dst, const ff_hist *src);
void ff_hist_free(ff_hist *h);
/* Adds n to bucket b's count without touching the totals: a histogram
 * read back from a state (its count, sum and max are set after).  -1
 * when memory ran out. */
int ff_hist_add_bucket(ff_hist *h, uint32_t b, uint64_t n);

int ff_hist_dense_add(ff_hist_dense *h, uint64_t v);
/* Adds a sparse histogram's values to a dense one: the cheap way to sum
 * many histograms (the report's others row). */
int ff_hist_dense_merge(ff_hist_dense *dst, const ff_hist *src);
/* Adds a dense histogram's values to a sparse one (the report's form). */
int ff_hist_merge_dense(ff_hist *dst, const ff_hist_dense *src);
void ff_hist_dense_free(ff_hist_dense *h);

/* The 1-based nearest rank of percentile p (0 < p <= 100) among count
 * values: ceil(p * count / 100), at least 1. */
uint64_t ff_hist_rank(uint64_t count, unsigned p);

/* The values, in microseconds, of the k percentiles ps (ascending, each
 * 1-100); 0 for an empty histogram. */
void ff_hist_percentiles(const ff_hist *h, const unsigned *ps, size_t k, double *out);

#endif
