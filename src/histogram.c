/* histogram.c — the response-time histograms: bucket arithmetic, the
 * sparse per-key form with its sorted directory of bucket blocks, the dense
 * overall form, merging and nearest-rank percentiles.  The analysis adds
 * values on its hot path; the reports read percentiles at the end. */
#include "histogram.h"

#include <stdlib.h>
#include <string.h>

uint64_t ff_hist_bucket_low(uint32_t b)
{
	if (b < 2 * FF_HIST_SUB)
		return b;
	unsigned shift = b / FF_HIST_SUB - 1;
	return (uint64_t)(b - shift * FF_HIST_SUB) << shift;
}

uint64_t ff_hist_bucket_high(uint32_t b)
{
	if (b < 2 * FF_HIST_SUB)
		return b;
	unsigned shift = b / FF_HIST_SUB - 1;
	return ff_hist_bucket_low(b) + ((UINT64_C(1) << shift) - 1);
}

static void note_value(uint64_t *count, uint64_t *sum, uint64_t *max, uint64_t v)
{
	(*count)++;
	*sum = *sum > UINT64_MAX - v ? UINT64_MAX : *sum + v;
	if (v > *max)
		*max = v;
}

static inline uint32_t block_of(uint32_t entry)
{
	return entry >> 16;
}

/* Makes room for at least need blocks. */
static int reserve(ff_hist *h, uint32_t need)
{
	if (need <= h->cap)
		return 0;
	uint32_t cap = h->cap ? h->cap : 1;
	while (cap < need)
		cap *= 2;
	uint32_t *dir = realloc(h->dir, (size_t)cap * sizeof *dir);
	if (!dir)
		return -1;
	h->dir = dir;
	uint64_t *blocks = realloc(h->blocks, (size_t)cap * FF_HIST_BLOCK * sizeof *blocks);
	if (!blocks)
		return -1;
	h->blocks = blocks;
	h->cap = cap;
	return 0;
}

/* The first directory entry whose block is not below blk.  Without
 * branches on the comparisons: a key's values come in no predictable
 * order, and a mispredicted branch per step cost more than the search. */
static uint32_t lower_bound(const uint32_t *dir, uint32_t n, uint32_t blk)
{
	if (!n)
		return 0;
	const uint32_t *base = dir;
	uint32_t len = n;
	while (len > 1) {
		uint32_t half = len / 2;
		base = block_of(base[half - 1]) < blk ? base + half : base;
		len -= half;
	}
	return (uint32_t)(base - dir) + (block_of(*base) < blk);
}

/* The counts of bucket b's block, made (zeroed) when new; NULL when
 * memory ran out. */
static uint64_t *block_for(ff_hist *h, uint32_t b)
{
	uint32_t blk = b / FF_HIST_BLOCK;
	uint32_t i = lower_bound(h->dir, h->n, blk);
	if (i < h->n && block_of(h->dir[i]) == blk)
		return h->blocks + (size_t)(h->dir[i] & 0xffff) * FF_HIST_BLOCK;
	if (reserve(h, h->n + 1) != 0)
		return NULL;
	memmove(h->dir + i + 1, h->dir + i, (h->n - i) * sizeof *h->dir);
	uint32_t slot = h->n++;
	h->dir[i] = blk << 16 | slot;
	uint64_t *c = h->blocks + (size_t)slot * FF_HIST_BLOCK;
	memset(c, 0, FF_HIST_BLOCK * sizeof *c);
	return c;
}

static int add_to_bucket(ff_hist *h, uint32_t b, uint64_t n)
{
	uint64_t *c = block_for(h, b);
	if (!c)
		return -1;
	c[b % FF_HIST_BLOCK] += n;
	return 0;
}

int ff_hist_add_bucket(ff_hist *h, uint32_t b, uint64_t n)
{
	return b < FF_HIST_BUCKETS ? add_to_bucket(h, b, n) : -1;
}

int ff_hist_add(ff_hist *h, uint64_t v)
{
	if (add_to_bucket(h, ff_hist_bucket(v), 1) != 0)
		return -1;
	note_value(&h->count, &h->sum, &h->max, v);
	return 0;
}

static void add_totals(ff_hist *dst, uint64_t count, uint64_t sum, uint64_t max)
{
	dst->count += count;
	dst->sum = dst->sum > UINT64_MAX - sum ? UINT64_MAX : dst->sum + sum;
	if (max > dst->max)
		dst->max = max;
}

/* src's blocks are made in dst first, so a failure leaves dst as it was
 * (with at most some empty blocks more). */
int ff_hist_merge(ff_hist *dst, const ff_hist *src)
{
	if (reserve(dst, dst->n + src->n) != 0)
		return -1;
	for (uint32_t i = 0; i < src->n; i++)
		if (!block_for(dst, block_of(src->dir[i]) * FF_HIST_BLOCK))
			return -1;
	for (uint32_t i = 0; i < src->n; i++) {
		const uint64_t *from = src->blocks + (size_t)(src->dir[i] & 0xffff) * FF_HIST_BLOCK;
		uint64_t *to = block_for(dst, block_of(src->dir[i]) * FF_HIST_BLOCK);
		for (unsigned k = 0; k < FF_HIST_BLOCK; k++)
			to[k] += from[k];
	}
	add_totals(dst, src->count, src->sum, src->max);
	return 0;
}

void ff_hist_free(ff_hist *h)
{
	free(h->dir);
	free(h->blocks);
	memset(h, 0, sizeof *h);
}

int ff_hist_dense_add(ff_hist_dense *h, uint64_t v)
{
	if (!h->counts && !(h->counts = calloc(FF_HIST_BUCKETS, sizeof *h->counts)))
		return -1;
	h->counts[ff_hist_bucket(v)]++;
	note_value(&h->count, &h->sum, &h->max, v);
	return 0;
}

int ff_hist_dense_merge(ff_hist_dense *dst, const ff_hist *src)
{
	if (!src->count)
		return 0;
	if (!dst->counts && !(dst->counts = calloc(FF_HIST_BUCKETS, sizeof *dst->counts)))
		return -1;
	for (uint32_t i = 0; i < src->n; i++) {
		const uint64_t *from = src->blocks + (size_t)(src->dir[i] & 0xffff) * FF_HIST_BLOCK;
		uint64_t *to = dst->counts + (size_t)block_of(src->dir[i]) * FF_HIST_BLOCK;
		for (unsigned k = 0; k < FF_HIST_BLOCK; k++)
			to[k] += from[k];
	}
	dst->count += src->count;
	dst->sum = dst->sum > UINT64_MAX - src->sum ? UINT64_MAX : dst->sum + src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

int ff_hist_merge_dense(ff_hist *dst, const ff_hist_dense *src)
{
	if (!src->counts)
		return 0;
	ff_hist tmp = { 0 };
	for (uint32_t b = 0; b < FF_HIST_BUCKETS; b++) {
		if (src->counts[b] && add_to_bucket(&tmp, b, src->counts[b]) != 0) {
			ff_hist_free(&tmp);
			return -1;
		}
	}
	tmp.count = src->count, tmp.sum = src->sum, tmp.max = src->max;
	int rc = ff_hist_merge(dst, &tmp);
	ff_hist_free(&tmp);
	return rc;
}

void ff_hist_dense_free(ff_hist_dense *h)
{
	free(h->counts);
	memset(h, 0, sizeof *h);
}

uint64_t ff_hist_rank(uint64_t count, unsigned p)
{
	/* ceil(p * count / 100) without overflowing p * count */
	uint64_t rank = count / 100 * p + ((count % 100) * p + 99) / 100;
	return rank ? rank : 1;
}

/* The value reported for a bucket: its midpoint, or the exact maximum
 * when the bucket holds it and the midpoint lies above it. */
static double bucket_value(uint32_t b, uint64_t max)
{
	uint64_t lo = ff_hist_bucket_low(b), hi = ff_hist_bucket_high(b);
	double mid = (double)lo + (double)(hi - lo) / 2.0;
	return max >= lo && max <= hi && (double)max < mid ? (double)max : mid;
}

void ff_hist_percentiles(const ff_hist *h, const unsigned *ps, size_t k, double *out)
{
	uint64_t seen = 0;
	uint32_t i = 0, b = 0; /* the directory entry and bucket reached */
	for (size_t q = 0; q < k; q++) {
		if (!h->count) {
			out[q] = 0;
			continue;
		}
		uint64_t rank = ff_hist_rank(h->count, ps[q]);
		/* the last rank is the maximum, known exactly */
		if (rank == h->count) {
			out[q] = (double)h->max;
			continue;
		}
		bool found = false;
		for (; i < h->n; i++, b = 0) {
			const uint64_t *c = h->blocks + (size_t)(h->dir[i] & 0xffff) * FF_HIST_BLOCK;
			for (; b < FF_HIST_BLOCK; b++) {
				if (seen + c[b] >= rank) {
					found = true;
					break;
				}
				seen += c[b];
			}
			if (found)
				break;
		}
		out[q] = found ? bucket_value(block_of(h->dir[i]) * FF_HIST_BLOCK + b, h->max) : (double)h->max;
	}
}
