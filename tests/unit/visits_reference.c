/* visits_reference.c — SPEC §4 read literally, for comparing src/visits.c
 * against: sort all pageviews by (instant, input position), walk them once
 * keeping each visitor's current visit, cut where the gap exceeds the
 * timeout.  Memory and speed do not matter here; obviousness does. */
#include "visits_reference.h"

#include <stdlib.h>
#include <string.h>

/* Microseconds since the epoch: one number per instant makes the order and
 * the gap rule plain arithmetic. */
static int64_t micros(ff_time t)
{
	return t.t * 1000000 + t.usec;
}

static int by_instant_then_seq(const void *pa, const void *pb)
{
	const ref_pageview *a = pa, *b = pb;
	int64_t x = micros(a->time), y = micros(b->time);
	if (x != y)
		return x < y ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int by_start_then_seq(const void *pa, const void *pb)
{
	const ref_visit *a = pa, *b = pb;
	int64_t x = micros(a->start), y = micros(b->start);
	if (x != y)
		return x < y ? -1 : 1;
	return (a->first_seq > b->first_seq) - (a->first_seq < b->first_seq);
}

size_t ref_sessionize(const ref_pageview *pv, size_t n, int64_t timeout, ref_visit **out)
{
	*out = NULL;
	ref_pageview *sorted = malloc((n ? n : 1) * sizeof *sorted);
	ref_visit *visits = malloc((n ? n : 1) * sizeof *visits);
	uint32_t max_visitor = 0;
	for (size_t i = 0; i < n; i++)
		if (pv[i].visitor > max_visitor)
			max_visitor = pv[i].visitor;
	/* Per visitor: index + 1 of its current visit in visits[]. */
	size_t *current = calloc((size_t)max_visitor + 1, sizeof *current);
	if (!sorted || !visits || !current) {
		free(sorted);
		free(visits);
		free(current);
		return (size_t)-1;
	}
	if (n)
		memcpy(sorted, pv, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_instant_then_seq);

	size_t nv = 0;
	for (size_t i = 0; i < n; i++) {
		const ref_pageview *p = &sorted[i];
		size_t cur = current[p->visitor];
		if (cur) {
			ref_visit *v = &visits[cur - 1];
			if (micros(p->time) - micros(v->end) <= timeout * 1000000) {
				v->end = p->time;
				v->exit = p->path;
				v->pageviews++;
				continue;
			}
		}
		visits[nv] = (ref_visit){
			.visitor = p->visitor,
			.start = p->time,
			.end = p->time,
			.pageviews = 1,
			.entry = p->path,
			.exit = p->path,
			.returning = cur != 0,
			.first_seq = p->seq,
		};
		current[p->visitor] = ++nv;
	}
	qsort(visits, nv, sizeof *visits, by_start_then_seq);
	free(sorted);
	free(current);
	*out = visits;
	return nv;
}
