/* rowqueue.h — records rows held back until their pageview has joined a
 * visit, so `footfall records` can print the visit columns in input order.
 *
 * A row is the copied line bytes plus what the run knew about it; rows
 * leave in the order they came, each as soon as it and every row before it
 * is complete.  Memory holds the lines of about one reorder window. */
#ifndef FF_ROWQUEUE_H
#define FF_ROWQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "str.h"

typedef struct ff_rowqueue ff_rowqueue;

typedef struct ff_row {
	uint64_t seq;
	uint64_t line_number;
	size_t source;       /* the caller's index of the line's input */
	ff_agent agent;      /* the agent's facts, copied */
	bool bot, is_static, pageview;
	bool assigned;       /* pageview: its visit is known */
	bool visit_start;
	uint64_t visit_id;
	const char *visit_source; /* the visit's source (SPEC §6), or NULL */
	ff_sv line;          /* valid until the row is popped */
} ff_row;

ff_rowqueue *ff_rowqueue_new(void);
void ff_rowqueue_free(ff_rowqueue *q);

/* Appends a row with a copy of line; seq must grow from row to row.  -1
 * when out of memory. */
int ff_rowqueue_push(ff_rowqueue *q, const ff_row *row, ff_sv line);
/* Records the visit of the pageview row seq (ignored when absent). */
void ff_rowqueue_assign(ff_rowqueue *q, uint64_t seq, uint64_t visit_id, bool visit_start);
/* The same with the visit's source (a string that outlives the queue). */
void ff_rowqueue_assign_source(ff_rowqueue *q, uint64_t seq, uint64_t visit_id, bool visit_start,
			       const char *source);
/* The oldest row when it is ready to print (not a pageview, or assigned),
 * or every row with flush; NULL otherwise.  Valid until the next pop. */
const ff_row *ff_rowqueue_peek(ff_rowqueue *q, bool flush);
void ff_rowqueue_pop(ff_rowqueue *q);

#endif
