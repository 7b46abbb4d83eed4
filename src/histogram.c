/* histogram.c — the response-time histograms: bucket arithmetic, the
 * sparse per-key form with its sorted (bucket, count) array, the dense
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

static inline uint16_t *buckets_of(const ff_hist *h)
{
	return h->counts ? (uint16_t *)(h->counts + h->cap) : NULL;
}

static void note_value(uint64_t *count, uint64_t *sum, uint64_t *max, uint64_t v)
{
	(*count)++;
	*sum = *sum > UINT64_MAX - v ? UINT64_MAX : *sum + v;
	if (v > *max)
		*max = v;
}

/* Makes room for at least need entries. */
static int reserve(ff_hist *h, uint32_t need)
{
	if (need <= h->cap)
		return 0;
	uint64_t cap = h->cap ? h->cap : 4;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX / 2)
		return -1;
	size_t unit = sizeof(uint32_t) + sizeof(uint16_t);
	uint32_t *mem = realloc(h->counts, (size_t)cap * unit);
	if (!mem)
		return -1;
	/* the buckets sit after the counts: move them to the new end */
	if (h->n)
		memmove(mem + cap, mem + h->cap, h->n * sizeof(uint16_t));
	h->counts = mem;
	h->cap = (uint32_t)cap;
	return 0;
}

/* The first entry whose bucket is not below b.  Without branches on the
 * comparisons: a key's buckets come in no predictable order, and a
 * mispredicted branch per step cost more than the search itself. */
static uint32_t lower_bound(const uint16_t *bk, uint32_t n, uint32_t b)
{
	if (!n)
		return 0;
	const uint16_t *base = bk;
	uint32_t len = n;
	while (len > 1) {
		uint32_t half = len / 2;
		base = base[half - 1] < b ? base + half : base;
		len -= half;
	}
	return (uint32_t)(base - bk) + (*base < b);
}

/* Adds n values to bucket b: into its entries while they have room, then
 * into new entries after them (a bucket holding 2^32 values or more takes
 * several entries, in a row). */
static int add_to_bucket(ff_hist *h, uint32_t b, uint64_t n)
{
	uint16_t *bk = buckets_of(h);
	uint32_t i = lower_bound(bk, h->n, b);
	for (; n && i < h->n && bk[i] == b; i++) {
		uint64_t room = UINT32_MAX - h->counts[i];
		uint64_t put = n < room ? n : room;
		h->counts[i] += (uint32_t)put;
		n -= put;
	}
	while (n) {
		if (reserve(h, h->n + 1) != 0)
			return -1;
		bk = buckets_of(h);
		memmove(h->counts + i + 1, h->counts + i, (h->n - i) * sizeof *h->counts);
		memmove(bk + i + 1, bk + i, (h->n - i) * sizeof *bk);
		uint64_t put = n < UINT32_MAX ? n : UINT32_MAX;
		h->counts[i] = (uint32_t)put;
		bk[i] = (uint16_t)b;
		h->n++;
		i++;
		n -= put;
	}
	return 0;
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

/* Both arrays are sorted: one pass into a new array, equal buckets
 * summed while the sum fits an entry. */
int ff_hist_merge(ff_hist *dst, const ff_hist *src)
{
	if (!src->n) {
		add_totals(dst, src->count, src->sum, src->max);
		return 0;
	}
	uint64_t need = (uint64_t)dst->n + src->n;
	if (need > UINT32_MAX / 2)
		return -1;
	ff_hist out = { 0 };
	if (reserve(&out, (uint32_t)need) != 0)
		return -1;
	const uint16_t *a = buckets_of(dst), *b = buckets_of(src);
	uint16_t *o = buckets_of(&out);
	uint32_t i = 0, j = 0;
	while (i < dst->n || j < src->n) {
		bool from_a = j == src->n || (i < dst->n && a[i] <= b[j]);
		uint16_t bucket = from_a ? a[i] : b[j];
		uint32_t c = from_a ? dst->counts[i++] : src->counts[j++];
		if (out.n && o[out.n - 1] == bucket && out.counts[out.n - 1] <= UINT32_MAX - c) {
			out.counts[out.n - 1] += c;
			continue;
		}
		o[out.n] = bucket;
		out.counts[out.n++] = c;
	}
	free(dst->counts);
	dst->counts = out.counts;
	dst->cap = out.cap;
	dst->n = out.n;
	add_totals(dst, src->count, src->sum, src->max);
	return 0;
}

void ff_hist_free(ff_hist *h)
{
	free(h->counts);
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
	const uint16_t *bk = buckets_of(src);
	for (uint32_t i = 0; i < src->n; i++)
		dst->counts[bk[i]] += src->counts[i];
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
	const uint16_t *bk = buckets_of(h);
	uint64_t seen = 0;
	uint32_t i = 0;
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
		while (i < h->n && seen + h->counts[i] < rank)
			seen += h->counts[i++];
		out[q] = i < h->n ? bucket_value(bk[i], h->max) : (double)h->max;
	}
}
