/* handoff.c — a ring of batches between one reading and one counting
 * thread, under one mutex.  Locking happens once per batch (thousands of
 * lines), never per line. */
#include "handoff.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

#define BATCHES 4
#define BATCH_ITEMS 2048
/* Twice the longest line: a record's views lie inside its line, and what
 * does not is no longer than the line. */
#define BATCH_ARENA (2u * FF_LINE_MAX + 4096u)
/* Invalid lines keep this much for the message that shows them. */
#define INVALID_KEPT 512

struct ff_handoff {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	ff_batch batches[BATCHES];
	ff_batch *empty[BATCHES], *full[BATCHES];
	size_t n_empty, full_head, n_full;
	bool closed;
	bool sync_ready;  /* the mutex and condition exist */
};

/* ---- batches ---- */

static char *arena_take(ff_batch *b, size_t n)
{
	if (n > b->arena_cap - b->used)
		return NULL;
	char *p = b->arena + b->used;
	b->used += n;
	return p;
}

/* Points v into the arena: at the same offset in the line's copy when it
 * lies in the line, else at a copy of its own.  False when that copy does
 * not fit. */
static bool relocate(ff_batch *b, ff_sv *v, const ff_line *line, const char *copy)
{
	if (!v->n) {
		v->p = "";
		return true;
	}
	uintptr_t off = (uintptr_t)v->p - (uintptr_t)line->p;
	if (off <= line->n && v->n <= line->n - off) {
		v->p = copy + off;
		return true;
	}
	char *p = arena_take(b, v->n);
	if (!p)
		return false;
	memcpy(p, v->p, v->n);
	v->p = p;
	return true;
}

ff_item *ff_batch_add(ff_batch *b, const ff_event *ev)
{
	if (b->n == b->cap)
		return NULL;
	const ff_line *line = ev->line;
	bool valid = ev->result == FF_PARSE_OK;
	size_t keep = valid || line->n < INVALID_KEPT ? line->n : INVALID_KEPT;
	size_t used = b->used;
	char *copy = arena_take(b, keep);
	if (!copy)
		return NULL;
	if (keep)
		memcpy(copy, line->p, keep);
	ff_item *it = &b->items[b->n];
	it->kind = FF_EV_LINE;
	it->result = ev->result;
	it->source = (uint32_t)ev->source;
	it->number = line->number;
	it->overlong = line->overlong;
	it->text = ff_sv_make(copy, keep);
	if (valid) {
		ff_record *rec = &it->rec;
		*rec = *ev->rec;
		ff_sv *views[] = { &rec->client, &rec->ident, &rec->user, &rec->request, &rec->method,
				   &rec->target, &rec->path, &rec->query, &rec->protocol, &rec->referer,
				   &rec->user_agent, &rec->vhost };
		for (size_t i = 0; i < sizeof views / sizeof *views; i++) {
			if (!relocate(b, views[i], line, copy)) {
				b->used = used;
				return NULL;
			}
		}
	}
	b->n++;
	return it;
}

ff_item *ff_batch_add_error(ff_batch *b, size_t source, const char *message)
{
	size_t n = strlen(message);
	if (n > INVALID_KEPT)
		n = INVALID_KEPT;
	if (b->n == b->cap || n > b->arena_cap - b->used)
		return NULL;
	char *copy = arena_take(b, n);
	memcpy(copy, message, n); /* NOLINT(bugprone-not-null-terminated-result): a view, not a C string */
	ff_item *it = &b->items[b->n++];
	*it = (ff_item){ .kind = FF_EV_INPUT_ERROR, .source = (uint32_t)source, .text = ff_sv_make(copy, n) };
	return it;
}

/* ---- the ring ---- */

ff_handoff *ff_handoff_new(void)
{
	ff_handoff *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	for (size_t i = 0; i < BATCHES; i++) {
		ff_batch *b = &h->batches[i];
		b->items = malloc(BATCH_ITEMS * sizeof *b->items);
		b->arena = malloc(BATCH_ARENA);
		b->cap = BATCH_ITEMS;
		b->arena_cap = BATCH_ARENA;
		h->empty[h->n_empty++] = b;
		if (!b->items || !b->arena) {
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
		free(h->batches[i].items), free(h->batches[i].arena);
	if (h->sync_ready) {
		pthread_cond_destroy(&h->changed);
		pthread_mutex_destroy(&h->lock);
	}
	free(h);
}

ff_batch *ff_handoff_empty(ff_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	while (!h->n_empty)
		pthread_cond_wait(&h->changed, &h->lock);
	ff_batch *b = h->empty[--h->n_empty];
	pthread_mutex_unlock(&h->lock);
	b->n = 0;
	b->used = 0;
	return b;
}

void ff_handoff_publish(ff_handoff *h, ff_batch *b)
{
	pthread_mutex_lock(&h->lock);
	h->full[(h->full_head + h->n_full++) % BATCHES] = b;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

void ff_handoff_close(ff_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

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
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}
