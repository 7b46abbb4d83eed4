/* handoff.c — a ring of batches between one reading and one counting
 * thread, under one mutex.  Locking happens once per batch (thousands of
 * lines), never per line; the lines' bytes stay where the input read them.
 *
 * Batches are numbered as they start filling; `released` counts the
 * batches given back, which are given back in order, so every line in a
 * batch numbered up to `released` is done with.  The inputs ask for that
 * before they reuse a buffer (the keeper). */
#include "handoff.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES 4
#define BATCH_ITEMS 2048
#define STAGE 32 /* divides BATCH_ITEMS */

/* What one thread writes must not share a cache line with what the other
 * reads at the same time: the batch the producer fills, the one the
 * consumer counts, and the producer's own fields. */
#define LINE_APART 128

struct padded_batch {
	_Alignas(LINE_APART) ff_batch b;
};

struct ff_handoff {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	ff_batch *empty[BATCHES], *full[BATCHES];
	size_t n_empty, full_head;
	_Atomic size_t n_full;  /* changed under the lock, read without it */
	uint64_t released;  /* batches given back by the consumer */
	bool closed;
	bool sync_ready;    /* the mutex and condition exist */

	struct padded_batch batches[BATCHES];

	/* producer only: items are written to the stage, which stays in
	 * this thread's cache, and copied to the batch a block at a time
	 * (field-by-field stores into memory the consumer last read cost a
	 * cache-line transfer each) */
	_Alignas(LINE_APART) ff_batch *filling;
	ff_item stage[STAGE];
	size_t staged;
	uint64_t numbered;  /* batches started so far */
	uint64_t bytes_read;
};

ff_handoff *ff_handoff_new(void)
{
	ff_handoff *h = aligned_alloc(LINE_APART, sizeof *h);
	if (!h)
		return NULL;
	memset(h, 0, sizeof *h);
	for (size_t i = 0; i < BATCHES; i++) {
		ff_batch *b = &h->batches[i].b;
		b->items = malloc(BATCH_ITEMS * sizeof *b->items);
		b->cap = BATCH_ITEMS;
		h->empty[h->n_empty++] = b;
		if (!b->items) {
			ff_handoff_free(h);
			return NULL;
		}
	}
	if (pthread_mutex_init(&h->lock, NULL) != 0) {
		ff_handoff_free(h);
		return NULL;
	}
	if (pthread_cond_init(&h->changed, NULL) != 0) {
		pthread_mutex_destroy(&h->lock);
		ff_handoff_free(h);
		return NULL;
	}
	h->sync_ready = true;
	return h;
}

void ff_handoff_free(ff_handoff *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < BATCHES; i++)
		free(h->batches[i].b.items);
	if (h->sync_ready) {
		pthread_cond_destroy(&h->changed);
		pthread_mutex_destroy(&h->lock);
	}
	free(h);
}

/* ---- producer ---- */

static ff_batch *start_batch(ff_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	while (!h->n_empty)
		pthread_cond_wait(&h->changed, &h->lock);
	ff_batch *b = h->empty[--h->n_empty];
	pthread_mutex_unlock(&h->lock);
	b->n = 0;
	b->number = ++h->numbered;
	return b;
}

static void publish(ff_handoff *h)
{
	ff_batch *b = h->filling;
	h->filling = NULL;
	b->bytes_read = h->bytes_read;
	pthread_mutex_lock(&h->lock);
	h->full[(h->full_head + h->n_full++) % BATCHES] = b;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

/* Moves the staged items into the batch being filled, in one copy. */
static void flush_stage(ff_handoff *h)
{
	if (!h->staged)
		return;
	if (h->filling && h->filling->n == h->filling->cap)
		publish(h);
	if (!h->filling)
		h->filling = start_batch(h);
	memcpy(h->filling->items + h->filling->n, h->stage, h->staged * sizeof *h->stage);
	h->filling->n += h->staged;
	h->staged = 0;
}

static void hand_over(ff_handoff *h)
{
	flush_stage(h);
	if (h->filling)
		publish(h);
}

void ff_handoff_add(ff_handoff *h, const ff_event *ev, const char *error, const ff_key_hashes *hashes)
{
	ff_item *it = &h->stage[h->staged];
	it->kind = ev->kind;
	it->hashed = false;
	it->source = (uint32_t)ev->source;
	if (ev->kind == FF_EV_INPUT_ERROR) {
		it->text = ff_sv_make(error, strlen(error));
	} else {
		const ff_line *line = ev->line;
		it->parsed = ev->parsed;
		it->result = ev->result;
		it->overlong = line->overlong;
		it->number = line->number;
		it->text = ff_sv_make(line->p, line->n);
		if (ev->parsed && ev->result == FF_PARSE_OK) {
			it->rec = *ev->rec;
			if (hashes) {
				it->hashes = *hashes;
				it->hashed = true;
			}
		}
	}
	if (++h->staged == STAGE)
		flush_stage(h);
}

bool ff_handoff_consumer_idle(ff_handoff *h)
{
	return atomic_load_explicit(&h->n_full, memory_order_relaxed) == 0;
}

void ff_handoff_note_read(ff_handoff *h, uint64_t bytes_read)
{
	h->bytes_read = bytes_read;
}

void ff_handoff_close(ff_handoff *h)
{
	hand_over(h);
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

/* The mark covering every line handed out so far: the batch being filled,
 * or the next one when none is or the staged items will not fit. */
static uint64_t keeper_now(void *ctx)
{
	ff_handoff *h = ctx;
	if (!h->filling || (h->staged && h->filling->n == h->filling->cap))
		return h->numbered + 1;
	return h->filling->number;
}

static void keeper_release(void *ctx, uint64_t mark)
{
	ff_handoff *h = ctx;
	/* The consumer cannot give back a batch it has not got. */
	if ((h->filling && h->filling->number <= mark) || (h->staged && h->numbered + 1 <= mark))
		hand_over(h);
	pthread_mutex_lock(&h->lock);
	while (h->released < mark && h->released < h->numbered)
		pthread_cond_wait(&h->changed, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

ff_line_keeper ff_handoff_keeper(ff_handoff *h)
{
	return (ff_line_keeper){ .now = keeper_now, .release = keeper_release, .ctx = h };
}

/* ---- consumer ---- */

ff_batch *ff_handoff_take(ff_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	while (!h->n_full && !h->closed)
		pthread_cond_wait(&h->changed, &h->lock);
	ff_batch *b = NULL;
	if (h->n_full) {
		b = h->full[h->full_head];
		h->full_head = (h->full_head + 1) % BATCHES;
		h->n_full--;
	}
	pthread_mutex_unlock(&h->lock);
	return b;
}

void ff_handoff_recycle(ff_handoff *h, ff_batch *b)
{
	pthread_mutex_lock(&h->lock);
	h->empty[h->n_empty++] = b;
	h->released = b->number;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}
