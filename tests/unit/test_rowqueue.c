/* test_rowqueue.c — the row queue of `footfall records`: rows leave in the
 * order they came, pageviews wait for their visit, a flush lets everything
 * out, and the line bytes survive the buffer's compaction and growth and
 * the ring's wrap-around (every popped line is compared byte for byte). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rowqueue.h"

#define BIG_LINE 100000

/* The line of row seq: a length that varies from 0 to a few KB (now and
 * then BIG_LINE), and bytes that depend on seq, NUL and LF included. */
static size_t line_for(uint64_t seq, char *buf)
{
	size_t n = (size_t)(((seq + 1) * 2654435761u) % 3001u);
	if (seq % 97 == 96)
		n = 0;
	if (seq % 1009 == 500)
		n = BIG_LINE;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((seq * 31 + i * 7 + (i >> 8)) & 0xff);
	return n;
}

static ff_row row_for(uint64_t seq, bool pageview)
{
	ff_row r;
	memset(&r, 0, sizeof r);
	r.seq = seq;
	r.line_number = seq + 1000;
	r.source = (size_t)(seq % 5);
	r.agent.bot = seq % 3 == 0 && !pageview;
	r.agent.device_type = (enum ff_device_type)(seq % FF_DEV_COUNT);
	r.agent.browser = (uint32_t)(seq * 3);
	r.agent.os = (uint32_t)(seq * 5);
	r.agent.bot_name = (uint32_t)(seq * 7);
	r.agent.device = (uint32_t)(seq * 11);
	r.bot = r.agent.bot;
	r.is_static = seq % 4 == 1 && !pageview;
	r.pageview = pageview;
	/* the queue keeps its own copy of the line, not this view */
	r.line = FF_SV_LIT("not the line");
	return r;
}

static int push(ff_rowqueue *q, uint64_t seq, bool pageview, char *scratch)
{
	ff_row r = row_for(seq, pageview);
	size_t n = line_for(seq, scratch);
	int rc = ff_rowqueue_push(q, &r, ff_sv_make(n ? scratch : NULL, n));
	/* the queue copied the bytes: scribbling over them changes nothing */
	memset(scratch, 0x5a, n);
	return rc;
}

/* Whether row is row seq as pushed, with its line intact. */
static bool row_ok(const ff_row *row, uint64_t seq, char *scratch)
{
	if (!row || row->seq != seq)
		return false;
	ff_row want = row_for(seq, row->pageview);
	size_t n = line_for(seq, scratch);
	return row->line_number == want.line_number && row->source == want.source &&
	       row->agent.bot == want.agent.bot && row->agent.device_type == want.agent.device_type &&
	       row->agent.browser == want.agent.browser && row->agent.os == want.agent.os &&
	       row->agent.bot_name == want.agent.bot_name && row->agent.device == want.agent.device &&
	       row->bot == want.bot && row->is_static == want.is_static && row->line.n == n &&
	       (n == 0 || memcmp(row->line.p, scratch, n) == 0);
}

static void test_fifo(char *scratch)
{
	ff_rowqueue *q = ff_rowqueue_new();
	CHECK(q != NULL);
	CHECK(ff_rowqueue_peek(q, false) == NULL);
	CHECK(ff_rowqueue_peek(q, true) == NULL);
	ff_rowqueue_pop(q); /* popping nothing is harmless */
	CHECK(ff_rowqueue_peek(q, true) == NULL);

	for (uint64_t s = 1; s <= 6; s++)
		CHECK_INT(push(q, s, false, scratch), 0);
	for (uint64_t s = 1; s <= 6; s++) {
		const ff_row *r = ff_rowqueue_peek(q, false);
		CHECK(row_ok(r, s, scratch));
		/* peeking again gives the same row */
		CHECK(ff_rowqueue_peek(q, false) == r);
		ff_rowqueue_pop(q);
	}
	CHECK(ff_rowqueue_peek(q, true) == NULL);

	/* emptied, the queue takes rows again */
	CHECK_INT(push(q, 7, false, scratch), 0);
	CHECK(row_ok(ff_rowqueue_peek(q, false), 7, scratch));
	ff_rowqueue_pop(q);
	ff_rowqueue_free(q);
	ff_rowqueue_free(NULL);

	/* a first row with an empty line, before any byte was stored */
	q = ff_rowqueue_new();
	ff_row r = row_for(96, false);
	CHECK_INT(ff_rowqueue_push(q, &r, FF_SV_NULL), 0);
	const ff_row *got = ff_rowqueue_peek(q, false);
	CHECK(got != NULL && got->seq == 96 && got->line.n == 0);
	ff_rowqueue_pop(q);
	CHECK(ff_rowqueue_peek(q, true) == NULL);
	ff_rowqueue_free(q);
}

static void test_held_until_assigned(char *scratch)
{
	ff_rowqueue *q = ff_rowqueue_new();
	CHECK_INT(push(q, 1, false, scratch), 0);
	CHECK_INT(push(q, 2, true, scratch), 0);
	CHECK_INT(push(q, 3, false, scratch), 0);
	CHECK_INT(push(q, 4, true, scratch), 0);
	CHECK_INT(push(q, 5, false, scratch), 0);

	/* a row that is not a pageview goes at once */
	CHECK(row_ok(ff_rowqueue_peek(q, false), 1, scratch));
	ff_rowqueue_pop(q);
	/* the pageview waits, and so does everything behind it */
	CHECK(ff_rowqueue_peek(q, false) == NULL);
	/* flush lets it out unassigned; looking does not assign it */
	const ff_row *r = ff_rowqueue_peek(q, true);
	CHECK(row_ok(r, 2, scratch));
	CHECK(r && !r->assigned && r->visit_id == 0 && !r->visit_start);
	CHECK(ff_rowqueue_peek(q, false) == NULL);

	/* assigning a later pageview does not release the earlier */
	ff_rowqueue_assign(q, 4, 40, false);
	CHECK(ff_rowqueue_peek(q, false) == NULL);
	ff_rowqueue_assign(q, 2, 20, true);
	r = ff_rowqueue_peek(q, false);
	CHECK(row_ok(r, 2, scratch));
	CHECK(r && r->pageview && r->assigned && r->visit_id == 20 && r->visit_start);
	ff_rowqueue_pop(q);
	CHECK(row_ok(ff_rowqueue_peek(q, false), 3, scratch));
	ff_rowqueue_pop(q);
	r = ff_rowqueue_peek(q, false);
	CHECK(row_ok(r, 4, scratch));
	CHECK(r && r->assigned && r->visit_id == 40 && !r->visit_start);
	ff_rowqueue_pop(q);
	CHECK(row_ok(ff_rowqueue_peek(q, false), 5, scratch));
	ff_rowqueue_pop(q);
	CHECK(ff_rowqueue_peek(q, true) == NULL);

	/* seqs that are not in the queue are ignored */
	CHECK_INT(push(q, 10, true, scratch), 0);
	CHECK_INT(push(q, 20, true, scratch), 0);
	CHECK_INT(push(q, 30, true, scratch), 0);
	static const uint64_t absent[] = { 0, 5, 9, 11, 15, 19, 21, 29, 31, 1000, UINT64_MAX };
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
		ff_rowqueue_assign(q, absent[i], 99, true);
	CHECK(ff_rowqueue_peek(q, false) == NULL);
	for (uint64_t s = 10; s <= 30; s += 10) {
		r = ff_rowqueue_peek(q, true);
		CHECK(row_ok(r, s, scratch));
		CHECK(r && !r->assigned && r->visit_id == 0 && !r->visit_start);
		ff_rowqueue_pop(q);
	}
	CHECK(ff_rowqueue_peek(q, true) == NULL);
	/* assigning into an empty queue is ignored too */
	ff_rowqueue_assign(q, 10, 1, true);
	CHECK(ff_rowqueue_peek(q, true) == NULL);
	ff_rowqueue_free(q);
}

/* A fixed permutation of 0..n-1 (LCG-driven Fisher-Yates). */
static void shuffle(size_t *v, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++)
		v[i] = i;
	for (size_t i = n; i > 1; i--) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t j = (size_t)((seed >> 33) % i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void test_assign_by_seq(char *scratch)
{
	/* pageviews with gaps in their seqs, assigned in a shuffled order
	 * with absent seqs in between */
	enum { N = 5000 };
	ff_rowqueue *q = ff_rowqueue_new();
	size_t refused = 0;
	for (uint64_t i = 0; i < N; i++)
		refused += push(q, 3 * i + 1, true, scratch) != 0;
	CHECK_INT(refused, 0);
	size_t *order = malloc(N * sizeof *order);
	shuffle(order, N, 42);
	bool first_assigned = false;
	size_t wrong_ready = 0;
	for (size_t k = 0; k < N; k++) {
		uint64_t seq = 3 * (uint64_t)order[k] + 1;
		ff_rowqueue_assign(q, seq - 1, 7, true); /* absent */
		ff_rowqueue_assign(q, seq, seq * 7, seq % 2 == 0);
		ff_rowqueue_assign(q, seq + 1, 7, true); /* absent */
		first_assigned |= order[k] == 0;
		/* the head is ready exactly when its own visit is known */
		wrong_ready += (ff_rowqueue_peek(q, false) != NULL) != first_assigned;
	}
	CHECK_INT(wrong_ready, 0);
	size_t ok = 0;
	for (uint64_t i = 0; i < N; i++) {
		const ff_row *r = ff_rowqueue_peek(q, false);
		uint64_t seq = 3 * i + 1;
		if (row_ok(r, seq, scratch) && r->assigned && r->visit_id == seq * 7 &&
		    r->visit_start == (seq % 2 == 0))
			ok++;
		ff_rowqueue_pop(q);
	}
	CHECK_INT(ok, N);
	CHECK(ff_rowqueue_peek(q, true) == NULL);
	free(order);
	ff_rowqueue_free(q);
}

/* A run as `footfall records` drives it: rows of all sizes, pageviews
 * assigned `lag` rows after they came, ready rows popped as soon as they
 * are.  Checks every popped row and that all leave in order. */
static void run_window(char *scratch, uint64_t rows, uint64_t lag, unsigned pageview_every)
{
	ff_rowqueue *q = ff_rowqueue_new();
	uint64_t next_out = 0, bad = 0, max_count = 0;
	for (uint64_t s = 0; s < rows; s++) {
		bool pv = pageview_every && s % pageview_every == 0;
		if (push(q, s, pv, scratch) != 0)
			bad++;
		/* the pageview `lag` rows back learns its visit */
		if (pageview_every && s >= lag && (s - lag) % pageview_every == 0)
			ff_rowqueue_assign(q, s - lag, s - lag + 1, true);
		const ff_row *r;
		while ((r = ff_rowqueue_peek(q, false)) != NULL) {
			if (!row_ok(r, next_out, scratch) || (r->pageview && r->visit_id != next_out + 1))
				bad++;
			ff_rowqueue_pop(q);
			next_out++;
		}
		if (s + 1 - next_out > max_count)
			max_count = s + 1 - next_out;
	}
	const ff_row *r;
	while ((r = ff_rowqueue_peek(q, true)) != NULL) {
		if (!row_ok(r, next_out, scratch))
			bad++;
		ff_rowqueue_pop(q);
		next_out++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(next_out, rows);
	/* rows are held only as long as the lag says */
	CHECK(max_count <= lag + 1);
	ff_rowqueue_free(q);
}

static void test_bytes(char *scratch)
{
	/* every row ready at once: the buffer's front dies as fast as it grows */
	run_window(scratch, 3000, 0, 0);
	/* a window of held rows: compaction slides live lines to the front
	 * while big lines make the buffer grow */
	run_window(scratch, 20000, 40, 1);
	run_window(scratch, 20000, 300, 3);
	run_window(scratch, 6000, 2500, 2);
}

static void test_ring_wrap(char *scratch)
{
	ff_rowqueue *q = ff_rowqueue_new();
	uint64_t s = 0, out = 0, bad = 0;
	/* fill most of the first ring, then empty most of it */
	for (; s < 1000; s++)
		bad += push(q, s, false, scratch) != 0;
	for (; out < 900; out++) {
		bad += !row_ok(ff_rowqueue_peek(q, false), out, scratch);
		ff_rowqueue_pop(q);
	}
	/* pageviews that wrap around the ring's end */
	uint64_t first_pv = s;
	for (; s < first_pv + 120; s++)
		bad += push(q, s, true, scratch) != 0;
	/* assign them from the last, absent seqs in between, while the
	 * ring is wrapped */
	for (uint64_t k = s; k-- > first_pv;) {
		ff_rowqueue_assign(q, k + 100000, 1, true);
		ff_rowqueue_assign(q, k, k * 2, k % 3 == 0);
	}
	/* more rows: the ring grows while wrapped */
	uint64_t second_pv = s;
	for (; s < second_pv + 3000; s++)
		bad += push(q, s, s % 2 == 0, scratch) != 0;
	for (uint64_t k = second_pv; k < s; k += 2)
		ff_rowqueue_assign(q, k, k * 2, k % 3 == 0);
	CHECK_INT(bad, 0);
	const ff_row *r;
	while ((r = ff_rowqueue_peek(q, false)) != NULL) {
		bool pv = out >= first_pv && (out < second_pv || out % 2 == 0);
		if (!row_ok(r, out, scratch) || r->pageview != pv ||
		    (pv && (!r->assigned || r->visit_id != out * 2 || r->visit_start != (out % 3 == 0))))
			bad++;
		ff_rowqueue_pop(q);
		out++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(out, s);
	CHECK(ff_rowqueue_peek(q, true) == NULL);

	/* wrap many times over with a small steady window */
	for (uint64_t k = 0; k < 10000; k++, s++) {
		bad += push(q, s, true, scratch) != 0;
		if (k >= 700) {
			ff_rowqueue_assign(q, s - 700, s, false);
			r = ff_rowqueue_peek(q, false);
			bad += !row_ok(r, out, scratch) || !r->assigned || r->visit_id != out + 700;
			ff_rowqueue_pop(q);
			out++;
		}
	}
	while ((r = ff_rowqueue_peek(q, true)) != NULL) {
		bad += !row_ok(r, out, scratch) || r->assigned;
		ff_rowqueue_pop(q);
		out++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(out, s);
	ff_rowqueue_free(q);
}

int main(void)
{
	char *scratch = malloc(BIG_LINE);
	if (!scratch)
		return 1;
	test_fifo(scratch);
	test_held_until_assigned(scratch);
	test_assign_by_seq(scratch);
	test_bytes(scratch);
	test_ring_wrap(scratch);
	free(scratch);
	return CHECK_DONE("test_rowqueue");
}
