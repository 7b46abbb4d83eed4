/* rowqueue.c — a FIFO of rows and one byte buffer for their lines.  Rows
 * are found by seq with a binary search (seqs grow), and the byte buffer
 * is compacted when its dead front outgrows its live part, so a run
 * allocates only when the window holds more than ever before. */
#include "rowqueue.h"

#include <stdlib.h>
#include <string.h>

struct ff_rowqueue {
	ff_row *rows;          /* ring */
	size_t *offsets;       /* ring: offset of each row's line in bytes */
	size_t head, count, cap;
	char *bytes;
	size_t bytes_start, bytes_end, bytes_cap;
};

ff_rowqueue *ff_rowqueue_new(void)
{
	return calloc(1, sizeof(ff_rowqueue));
}

void ff_rowqueue_free(ff_rowqueue *q)
{
	if (!q)
		return;
	free(q->rows);
	free(q->offsets);
	free(q->bytes);
	free(q);
}

static int grow_rows(ff_rowqueue *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024;
	ff_row *rows = malloc(cap * sizeof *rows);
	size_t *offs = malloc(cap * sizeof *offs);
	if (!rows || !offs) {
		free(rows);
		free(offs);
		return -1;
	}
	for (size_t i = 0; i < q->count; i++) {
		rows[i] = q->rows[(q->head + i) % q->cap];
		offs[i] = q->offsets[(q->head + i) % q->cap];
	}
	free(q->rows);
	free(q->offsets);
	q->rows = rows;
	q->offsets = offs;
	q->head = 0;
	q->cap = cap;
	return 0;
}

static int room_for(ff_rowqueue *q, size_t n)
{
	if (q->bytes_end + n <= q->bytes_cap)
		return 0;
	size_t live = q->bytes_end - q->bytes_start;
	if (q->bytes_start > live && live + n <= q->bytes_cap) {
		/* slide the live lines to the front; offsets move with them */
		memmove(q->bytes, q->bytes + q->bytes_start, live);
		for (size_t i = 0; i < q->count; i++)
			q->offsets[(q->head + i) % q->cap] -= q->bytes_start;
		q->bytes_end = live;
		q->bytes_start = 0;
		return 0;
	}
	size_t cap = q->bytes_cap ? q->bytes_cap : 1 << 16;
	while (cap < q->bytes_end + n)
		cap *= 2;
	char *b = realloc(q->bytes, cap);
	if (!b)
		return -1;
	q->bytes = b;
	q->bytes_cap = cap;
	return 0;
}

int ff_rowqueue_push(ff_rowqueue *q, const ff_row *row, ff_sv line)
{
	if (q->count == q->cap && grow_rows(q) != 0)
		return -1;
	if (room_for(q, line.n) != 0)
		return -1;
	size_t at = (q->head + q->count) % q->cap;
	q->rows[at] = *row;
	q->offsets[at] = q->bytes_end;
	if (line.n)
		memcpy(q->bytes + q->bytes_end, line.p, line.n);
	q->rows[at].line.n = line.n;
	q->bytes_end += line.n;
	q->count++;
	return 0;
}

void ff_rowqueue_assign(ff_rowqueue *q, uint64_t seq, uint64_t visit_id, bool visit_start)
{
	ff_rowqueue_assign_source(q, seq, visit_id, visit_start, NULL);
}

void ff_rowqueue_assign_source(ff_rowqueue *q, uint64_t seq, uint64_t visit_id, bool visit_start,
			       const char *source)
{
	size_t lo = 0, hi = q->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (q->rows[(q->head + mid) % q->cap].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == q->count)
		return;
	ff_row *r = &q->rows[(q->head + lo) % q->cap];
	if (r->seq != seq)
		return;
	r->assigned = true;
	r->visit_id = visit_id;
	r->visit_start = visit_start;
	r->visit_source = source;
}

const ff_row *ff_rowqueue_peek(ff_rowqueue *q, bool flush)
{
	if (!q->count)
		return NULL;
	ff_row *r = &q->rows[q->head];
	if (!flush && r->pageview && !r->assigned)
		return NULL;
	/* no bytes yet when only empty lines came */
	r->line.p = q->bytes ? q->bytes + q->offsets[q->head] : "";
	return r;
}

void ff_rowqueue_pop(ff_rowqueue *q)
{
	if (!q->count)
		return;
	q->bytes_start = q->offsets[q->head] + q->rows[q->head].line.n;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	if (!q->count)
		q->bytes_start = q->bytes_end = 0;
}
