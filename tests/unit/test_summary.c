/* test_summary.c — the summary counters: lines, valid, invalid, late by
 * SPEC §13.12, hits and bytes (saturating), the time range with each
 * line's own offset, and merging two summaries read one after the other. */
#include "check.h"
#include "summary.h"

static ff_record at(int64_t t, int32_t offset, uint16_t status, uint64_t bytes)
{
	ff_record r = { 0 };
	r.time.t = t;
	r.time.offset = offset;
	r.status = status;
	r.bytes = bytes;
	return r;
}

int main(void)
{
	ff_summary s;
	ff_summary_init(&s, 300);
	ff_record a = at(1000, 3600, 200, 10), b = at(1400, 0, 404, 5);
	ff_record back_300 = at(1100, 0, 200, 1), back_301 = at(1099, 0, 200, 1);

	CHECK(!ff_summary_add_valid(&s, &a));
	ff_summary_add_hit(&s, &a);
	CHECK(!ff_summary_add_valid(&s, &b));
	ff_summary_add_hit(&s, &b);
	/* exactly reorder_window behind the newest is not late, one more is */
	CHECK(!ff_summary_add_valid(&s, &back_300));
	CHECK(ff_summary_add_valid(&s, &back_301));
	ff_summary_add_invalid(&s);
	CHECK_INT(s.lines, 5);
	CHECK_INT(s.valid, 4);
	CHECK_INT(s.invalid, 1);
	CHECK_INT(s.late, 1);
	CHECK_INT(s.hits, 2);
	CHECK_INT(s.bytes, 15);
	CHECK_INT(s.status[200], 1);
	CHECK_INT(s.status[404], 1);
	CHECK_INT(s.first.t, 1000);
	CHECK_INT(s.first.offset, 3600);
	CHECK_INT(s.last.t, 1400);

	/* the period is that of the hits: a valid line the filters dropped
	 * widens nothing, though it still makes later lines late */
	ff_summary f;
	ff_summary_init(&f, 300);
	ff_record dropped = at(5000, 0, 200, 1), kept = at(2000, 7200, 200, 1);
	CHECK(!ff_summary_add_valid(&f, &dropped));
	CHECK(!f.has_time);
	CHECK(ff_summary_add_valid(&f, &kept));
	ff_summary_add_hit(&f, &kept);
	CHECK(f.has_time);
	CHECK_INT(f.first.t, 2000);
	CHECK_INT(f.first.offset, 7200);
	CHECK_INT(f.last.t, 2000);
	CHECK_INT(f.newest_read.t, 5000);

	/* byte totals saturate instead of wrapping */
	ff_summary big;
	ff_summary_init(&big, 300);
	ff_record huge = at(2000, 0, 200, UINT64_MAX - 1);
	ff_summary_add_valid(&big, &huge);
	ff_summary_add_hit(&big, &huge);
	ff_summary_add_hit(&big, &huge);
	CHECK(big.bytes == UINT64_MAX);

	/* merging: counts add up, the range widens, an empty side changes
	 * nothing */
	ff_summary m = s, empty;
	ff_summary_init(&empty, 300);
	ff_summary_merge(&m, &empty);
	CHECK_INT(m.lines, 5);
	CHECK_INT(m.first.t, 1000);
	ff_summary_merge(&m, &big);
	CHECK_INT(m.lines, 6);
	CHECK_INT(m.valid, 5);
	CHECK_INT(m.hits, 4);
	CHECK(m.bytes == UINT64_MAX);
	CHECK_INT(m.status[200], 3);
	CHECK_INT(m.first.t, 1000);
	CHECK_INT(m.last.t, 2000);
	ff_summary_merge(&empty, &s);
	CHECK(empty.has_time);
	CHECK_INT(empty.first.t, 1000);
	CHECK_INT(empty.late, 1);

	CHECK_INT(ff_add_sat(1, 2), 3);
	CHECK(ff_add_sat(UINT64_MAX, 1) == UINT64_MAX);
	ff_time x = { .t = 5, .usec = 1 }, y = { .t = 5, .usec = 2 };
	CHECK_INT(ff_time_cmp(&x, &y), -1);
	CHECK_INT(ff_time_cmp(&y, &x), 1);
	CHECK_INT(ff_time_cmp(&x, &x), 0);
	return CHECK_DONE("test_summary");
}
