/* handoff.h — parsed lines passed in batches from the reading thread to the
 * counting thread.
 *
 * The reading side (input, decompression, merge, parsing) fills a
 * batch with items; each item owns copies of the bytes its record's views
 * point at, in the batch's arena, so the input block can be reused at once.
 * The counting side takes batches in the order they were published and
 * gives each back when done.  A fixed number of batches circulate, so
 * memory is bounded and a reader that runs ahead waits.
 *
 * Two threads only: one producer, one consumer. */
#ifndef FF_HANDOFF_H
#define FF_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logformat.h"
#include "merge.h"
#include "record.h"
#include "str.h"

typedef struct ff_item {
	enum ff_event_kind kind;
	enum ff_parse_result result;  /* FF_EV_LINE */
	uint32_t source;
	uint64_t number;              /* line number in its source */
	bool overlong;
	ff_sv text;                   /* invalid lines: a prefix for messages;
					 input errors: the message */
	ff_record rec;                /* valid lines, views into the arena */
} ff_item;

typedef struct ff_batch {
	ff_item *items;
	size_t n, cap;
	char *arena;
	size_t used, arena_cap;
	uint64_t bytes_read;          /* of all inputs when it was published */
} ff_batch;

/* A new item for ev at the end of b, its line's bytes copied into the
 * arena; NULL when b is full (publish it and start another).  A line that
 * cannot fit even an empty batch is not possible: the arena holds twice
 * the longest line. */
ff_item *ff_batch_add(ff_batch *b, const ff_event *ev);
/* Copies an input error's message (truncated to fit). */
ff_item *ff_batch_add_error(ff_batch *b, size_t source, const char *message);

typedef struct ff_handoff ff_handoff;

/* NULL when out of memory. */
ff_handoff *ff_handoff_new(void);
void ff_handoff_free(ff_handoff *h);

/* Producer: an empty batch, waiting for one. */
ff_batch *ff_handoff_empty(ff_handoff *h);
/* Producer: hands b to the consumer. */
void ff_handoff_publish(ff_handoff *h, ff_batch *b);
/* Producer: nothing more will be published. */
void ff_handoff_close(ff_handoff *h);

/* Consumer: the next published batch, waiting for one; NULL once the
 * producer has closed and every batch was taken. */
ff_batch *ff_handoff_take(ff_handoff *h);
/* Consumer: b is done with and may be filled again. */
void ff_handoff_recycle(ff_handoff *h, ff_batch *b);

#endif
