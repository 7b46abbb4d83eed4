/* handoff.h — parsed lines passed in batches from the reading thread to the
 * counting thread, without copying their bytes.
 *
 * The reading side (input, decompression, merge, parsing) adds an item per
 * line to the batch it is filling; an item's views point into the input's
 * buffers, which the inputs keep (ff_merge_keep_lines with this handoff's
 * keeper) until the counting side has given back every batch that may
 * point into them.  Batches are numbered as they are filled and taken in
 * that order.  A fixed number of batches circulate, so a reader that runs
 * ahead waits.
 *
 * Two threads only: one producer, one consumer. */
#ifndef FF_HANDOFF_H
#define FF_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "input.h"
#include "logformat.h"
#include "merge.h"
#include "record.h"
#include "str.h"

typedef struct ff_item {
	enum ff_event_kind kind;
	enum ff_parse_result result;  /* FF_EV_LINE and parsed */
	uint32_t source;
	bool overlong;
	bool parsed;                  /* false: the consumer parses text */
	uint64_t number;              /* line number in its source */
	ff_sv text;                   /* the line; input errors: the message,
					 NUL-terminated (ff_handoff_add's) */
	ff_record rec;                /* parsed valid lines */
	ff_key_hashes hashes;         /* parsed valid lines: rec's, when given */
	bool hashed;
} ff_item;

typedef struct ff_batch {
	ff_item *items;
	size_t n, cap;
	uint64_t number;              /* 1 for the first batch filled */
	uint64_t bytes_read;          /* of all inputs when it was handed over */
} ff_batch;

typedef struct ff_handoff ff_handoff;

/* NULL when out of memory. */
ff_handoff *ff_handoff_new(void);
void ff_handoff_free(ff_handoff *h);

/* The keeper the inputs must use so that items' views stay valid. */
ff_line_keeper ff_handoff_keeper(ff_handoff *h);

/* Producer: adds the line or input error of ev (an error's message must
 * outlive the handoff), handing the batch over when it is full.  hashes:
 * the parsed valid line's key hashes, or NULL. */
void ff_handoff_add(ff_handoff *h, const ff_event *ev, const char *error, const ff_key_hashes *hashes);
/* Producer: whether the consumer has run out of batches to count, so
 * that work the consumer can do as well (parsing) is better left to it. */
bool ff_handoff_consumer_idle(ff_handoff *h);
/* Producer: what the inputs have read so far, carried by the next batch
 * handed over (for progress). */
void ff_handoff_note_read(ff_handoff *h, uint64_t bytes_read);
/* Producer: hands over what is left; nothing more will be added. */
void ff_handoff_close(ff_handoff *h);

/* Consumer: the next batch, waiting for one; NULL once the producer has
 * closed and every batch was taken. */
ff_batch *ff_handoff_take(ff_handoff *h);
/* Consumer: b is done with, and so are the input bytes it pointed at. */
void ff_handoff_recycle(ff_handoff *h, ff_batch *b);

#endif
