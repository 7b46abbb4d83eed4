/* visits_reference.h — the plainest possible sessionizer, for tests only:
 * every pageview in memory, one stable sort, one pass.  It shares no code
 * with src/visits.c, so agreement between the two means something. */
#ifndef FF_VISITS_REFERENCE_H
#define FF_VISITS_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fftime.h"

typedef struct ref_pageview {
	uint32_t visitor;
	ff_time time;
	uint32_t path;
	uint64_t seq; /* position in the input */
} ref_pageview;

typedef struct ref_visit {
	uint32_t visitor;
	ff_time start, end;
	uint32_t pageviews;
	uint32_t entry, exit;
	bool returning;
	uint64_t first_seq;
} ref_visit;

/* The visits of pv[0..n) with the given timeout (seconds), sorted by start
 * instant then first seq, in *out (malloc'd, the caller frees).  Returns
 * the number of visits, or (size_t)-1 when memory ran out. */
size_t ref_sessionize(const ref_pageview *pv, size_t n, int64_t timeout, ref_visit **out);

#endif
