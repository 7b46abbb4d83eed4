/* summary.h — the counts every report starts with (SPEC §8, §12 summary).
 *
 * A summary is plain counters: two summaries of disjoint parts of the input
 * merge by ff_summary_merge, which is what lets parsing run on several
 * threads later.  Nothing in it points into input blocks. */
#ifndef FF_SUMMARY_H
#define FF_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "fftime.h"
#include "record.h"

#define FF_STATUS_MAX 600

typedef struct ff_summary {
	uint64_t lines;   /* every line read (SPEC §1) */
	uint64_t valid;
	uint64_t invalid;
	uint64_t late;    /* SPEC §13.12 */
	uint64_t hits;    /* valid lines that pass the filters */
	uint64_t bytes;
	uint64_t status[FF_STATUS_MAX]; /* hits by status code */
	bool has_time;       /* some hit was counted: first and last are set */
	ff_time first, last; /* earliest and latest instants of the hits, each
				with its own offset (SPEC §13.15) */
	bool has_read;       /* some valid line was read: the two below are set */
	ff_time newest_read; /* the latest instant read so far (for `late`),
				filters or not */
	ff_time oldest_read; /* the earliest, likewise (the first piece of
				standard input starts there) */
	int64_t reorder_window;
} ff_summary;

void ff_summary_init(ff_summary *s, int64_t reorder_window);
void ff_summary_add_invalid(ff_summary *s);
/* A valid line another shard counts: it moves the clock `late` is
 * measured on, and counts nowhere. */
void ff_summary_tick(ff_summary *s, const ff_record *rec);
/* Whether a valid line at rec's instant, read next, would be late. */
static inline bool ff_summary_would_be_late(const ff_summary *s, const ff_record *rec)
{
	return s->has_read && rec->time.t < s->newest_read.t - s->reorder_window;
}

/* Counts a valid line; returns true when it is late. */
bool ff_summary_add_valid(ff_summary *s, const ff_record *rec);
/* Counts a valid line that passed the filters as a hit; the period is
 * that of the hits. */
void ff_summary_add_hit(ff_summary *s, const ff_record *rec);
/* Adds src's counts to dst (src read after dst for `late`). */
void ff_summary_merge(ff_summary *dst, const ff_summary *src);

/* a + b, saturating at UINT64_MAX: byte totals stay upper bounds instead
 * of wrapping around. */
static inline uint64_t ff_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Which of a and b is earlier as an instant (sub-seconds included). */
int ff_time_cmp(const ff_time *a, const ff_time *b);

#endif
