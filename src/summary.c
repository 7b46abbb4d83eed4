/* summary.c — per-line counters for the summary report.  Called once per
 * line from the run loop: no allocation, no branching on strings. */
#include "summary.h"

#include <string.h>

void ff_summary_init(ff_summary *s, int64_t reorder_window)
{
	memset(s, 0, sizeof *s);
	s->reorder_window = reorder_window;
}

int ff_time_cmp(const ff_time *a, const ff_time *b)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->usec != b->usec)
		return a->usec < b->usec ? -1 : 1;
	return 0;
}

void ff_summary_add_invalid(ff_summary *s)
{
	s->lines++;
	s->invalid++;
}

bool ff_summary_add_valid(ff_summary *s, const ff_record *rec)
{
	bool late = false;
	s->lines++;
	s->valid++;
	if (!s->has_read) {
		s->has_read = true;
		s->newest_read = s->oldest_read = rec->time;
		return false;
	}
	if (ff_time_cmp(&rec->time, &s->oldest_read) < 0)
		s->oldest_read = rec->time;
	if (rec->time.t < s->newest_read.t - s->reorder_window) {
		late = true;
		s->late++;
	}
	if (ff_time_cmp(&rec->time, &s->newest_read) > 0)
		s->newest_read = rec->time;
	return late;
}

void ff_summary_tick(ff_summary *s, const ff_record *rec)
{
	if (!s->has_read) {
		s->has_read = true;
		s->newest_read = s->oldest_read = rec->time;
		return;
	}
	if (ff_time_cmp(&rec->time, &s->oldest_read) < 0)
		s->oldest_read = rec->time;
	if (ff_time_cmp(&rec->time, &s->newest_read) > 0)
		s->newest_read = rec->time;
}

void ff_summary_add_hit(ff_summary *s, const ff_record *rec)
{
	s->hits++;
	s->bytes = ff_add_sat(s->bytes, rec->bytes);
	if (rec->status < FF_STATUS_MAX)
		s->status[rec->status]++;
	if (!s->has_time) {
		s->has_time = true;
		s->first = s->last = rec->time;
		return;
	}
	if (ff_time_cmp(&rec->time, &s->first) < 0)
		s->first = rec->time;
	if (ff_time_cmp(&rec->time, &s->last) > 0)
		s->last = rec->time;
}

void ff_summary_merge(ff_summary *dst, const ff_summary *src)
{
	dst->lines += src->lines;
	dst->valid += src->valid;
	dst->invalid += src->invalid;
	dst->late += src->late;
	dst->hits += src->hits;
	dst->bytes = ff_add_sat(dst->bytes, src->bytes);
	for (size_t i = 0; i < FF_STATUS_MAX; i++)
		dst->status[i] += src->status[i];
	if (src->has_read && (!dst->has_read || ff_time_cmp(&src->newest_read, &dst->newest_read) > 0))
		dst->newest_read = src->newest_read;
	if (src->has_read && (!dst->has_read || ff_time_cmp(&src->oldest_read, &dst->oldest_read) < 0))
		dst->oldest_read = src->oldest_read;
	dst->has_read |= src->has_read;
	if (!src->has_time)
		return;
	if (!dst->has_time) {
		dst->has_time = true;
		dst->first = src->first;
		dst->last = src->last;
		return;
	}
	if (ff_time_cmp(&src->first, &dst->first) < 0)
		dst->first = src->first;
	if (ff_time_cmp(&src->last, &dst->last) > 0)
		dst->last = src->last;
}
