/* test_handoff.c — the batches between the reading and counting threads:
 * a record's views move into the batch's arena (inside the line or not),
 * invalid lines keep a prefix, a full batch refuses more, and a producer
 * thread's items arrive at the consumer complete and in order across many
 * batch round trips. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "handoff.h"
#include "input.h"

static void test_relocation(void)
{
	ff_handoff *h = ff_handoff_new();
	CHECK(h != NULL);
	ff_batch *b = ff_handoff_empty(h);
	char line[] = "10.0.0.1 GET /a?b=c HTTP/1.1";
	static const char outside[] = "decoded elsewhere";
	ff_line ln = { .p = line, .n = strlen(line), .number = 7 };
	ff_record rec = { 0 };
	rec.client = ff_sv_make(line, 8);
	rec.method = ff_sv_make(line + 9, 3);
	rec.path = ff_sv_make(line + 13, 2);
	rec.query = ff_sv_make(line + 16, 3);
	rec.user_agent = ff_sv_make(outside, strlen(outside));
	rec.status = 200;
	ff_event ev = { .kind = FF_EV_LINE, .source = 3, .line = &ln, .result = FF_PARSE_OK, .rec = &rec };
	ff_item *it = ff_batch_add(b, &ev);
	CHECK(it != NULL);
	memset(line, '#', sizeof line - 1); /* the input block is reused */
	CHECK_SV(it->rec.client, "10.0.0.1");
	CHECK_SV(it->rec.method, "GET");
	CHECK_SV(it->rec.path, "/a");
	CHECK_SV(it->rec.query, "b=c");
	CHECK_SV(it->rec.user_agent, "decoded elsewhere");
	CHECK_SV(it->text, "10.0.0.1 GET /a?b=c HTTP/1.1");
	CHECK(it->rec.referer.n == 0);
	CHECK_INT(it->rec.status, 200);
	CHECK_INT(it->source, 3);
	CHECK_INT(it->number, 7);
	CHECK(it->rec.client.p >= b->arena && it->rec.client.p < b->arena + b->arena_cap);

	/* an invalid line keeps only a prefix; an error keeps its message */
	size_t big = 5000;
	char *junk = malloc(big);
	memset(junk, 'j', big);
	ff_line bad = { .p = junk, .n = big, .number = 8 };
	ff_event bev = { .kind = FF_EV_LINE, .source = 0, .line = &bad, .result = FF_PARSE_INVALID };
	it = ff_batch_add(b, &bev);
	CHECK(it != NULL && it->text.n == 512 && it->text.p[511] == 'j');
	it = ff_batch_add_error(b, 1, "truncated gzip stream");
	CHECK(it != NULL && it->kind == FF_EV_INPUT_ERROR);
	CHECK_SV(it->text, "truncated gzip stream");
	CHECK_INT(b->n, 3);

	/* a full batch says so */
	while (b->n < b->cap)
		CHECK(ff_batch_add(b, &bev) != NULL || !"room");
	CHECK(ff_batch_add(b, &bev) == NULL);
	CHECK(ff_batch_add_error(b, 0, "x") == NULL);
	free(junk);
	ff_handoff_recycle(h, b);
	ff_handoff_free(h);
}

#define LINES 300000

struct producer {
	ff_handoff *h;
	unsigned batches;
};

static size_t make_line(uint64_t i, char *buf)
{
	return (size_t)snprintf(buf, 64, "line %llu %s", (unsigned long long)i, i % 3 ? "ok" : "x");
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	ff_batch *b = ff_handoff_empty(p->h);
	char buf[64];
	for (uint64_t i = 0; i < LINES; i++) {
		ff_line ln = { .p = buf, .n = make_line(i, buf), .number = i + 1 };
		ff_record rec = { 0 };
		rec.path = ff_sv_make(buf, ln.n);
		ff_event ev = { .kind = FF_EV_LINE, .line = &ln, .result = FF_PARSE_OK, .rec = &rec };
		ff_item *it;
		while (!(it = ff_batch_add(b, &ev))) {
			ff_handoff_publish(p->h, b);
			p->batches++;
			b = ff_handoff_empty(p->h);
		}
		memset(buf, 0, sizeof buf);
	}
	ff_handoff_publish(p->h, b);
	p->batches++;
	ff_handoff_close(p->h);
	return NULL;
}

static void test_threads(void)
{
	struct producer p = { .h = ff_handoff_new() };
	pthread_t t;
	CHECK(p.h && pthread_create(&t, NULL, produce, &p) == 0);
	uint64_t next = 0, wrong = 0;
	unsigned taken = 0;
	ff_batch *b;
	char want[64];
	while ((b = ff_handoff_take(p.h))) {
		taken++;
		for (size_t i = 0; i < b->n; i++, next++) {
			size_t n = make_line(next, want);
			const ff_item *it = &b->items[i];
			if (it->number != next + 1 || it->rec.path.n != n || memcmp(it->rec.path.p, want, n) != 0)
				wrong++;
		}
		ff_handoff_recycle(p.h, b);
	}
	pthread_join(t, NULL);
	CHECK_INT(next, LINES);
	CHECK_INT(wrong, 0);
	CHECK_INT(taken, p.batches);
	CHECK(taken > 100); /* the ring went round many times */
	ff_handoff_free(p.h);
}

int main(void)
{
	test_relocation();
	test_threads();
	return CHECK_DONE("test_handoff");
}
