/* test_handoff.c — lines passed between the reading and counting threads
 * without copies: items arrive in order, an input error carries its
 * message, and, with a consumer slower than the reader, every line is
 * still intact when it is counted although the input's buffers went round
 * many times (plain and gzip). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "handoff.h"
#include "input.h"

static void test_one_thread(void)
{
	ff_handoff *h = ff_handoff_new();
	CHECK(h != NULL);
	char text[] = "10.0.0.1 GET /a?b=c HTTP/1.1";
	ff_line ln = { .p = text, .n = strlen(text), .number = 7 };
	ff_record rec = { 0 };
	rec.client = ff_sv_make(text, 8);
	rec.path = ff_sv_make(text + 13, 2);
	rec.status = 200;
	ff_event ev = { .kind = FF_EV_LINE, .source = 3, .line = &ln, .parsed = true, .result = FF_PARSE_OK, .rec = &rec };
	ff_key_hashes hashes = { .agent = 1, .client = 2, .path = 3, .referer = 4 };
	ff_handoff_add(h, &ev, NULL, &hashes);
	ff_event bad = { .kind = FF_EV_LINE, .source = 1, .line = &ln, .parsed = true, .result = FF_PARSE_INVALID };
	ff_handoff_add(h, &bad, NULL, &hashes);
	ff_event err = { .kind = FF_EV_INPUT_ERROR, .source = 2 };
	ff_handoff_add(h, &err, "truncated gzip stream", NULL);
	ff_event raw = { .kind = FF_EV_LINE, .source = 0, .line = &ln, .parsed = false };
	ff_handoff_add(h, &raw, NULL, NULL);
	ff_handoff_note_read(h, 4242);
	ff_handoff_close(h);

	ff_batch *b = ff_handoff_take(h);
	CHECK(b != NULL);
	if (!b)
		return;
	CHECK_INT(b->n, 4);
	CHECK_INT(b->number, 1);
	CHECK_INT(b->bytes_read, 4242);
	const ff_item *it = &b->items[0];
	CHECK(it->kind == FF_EV_LINE && it->result == FF_PARSE_OK);
	CHECK_INT(it->source, 3);
	CHECK_INT(it->number, 7);
	CHECK_INT(it->rec.status, 200);
	CHECK(it->rec.path.p == text + 13); /* a view, not a copy */
	CHECK_SV(it->rec.path, "/a");
	CHECK_SV(it->text, "10.0.0.1 GET /a?b=c HTTP/1.1");
	CHECK(it->hashed && it->hashes.path == 3 && it->hashes.referer == 4);
	CHECK(b->items[1].result == FF_PARSE_INVALID && !b->items[1].hashed);
	CHECK_INT(b->items[1].source, 1);
	CHECK(b->items[2].kind == FF_EV_INPUT_ERROR);
	CHECK_SV(b->items[2].text, "truncated gzip stream");
	/* left for the consumer to parse: the line, no record */
	CHECK(!b->items[3].parsed && b->items[0].parsed);
	CHECK_SV(b->items[3].text, "10.0.0.1 GET /a?b=c HTTP/1.1");
	ff_handoff_recycle(h, b);
	CHECK(ff_handoff_take(h) == NULL);
	ff_handoff_free(h);
}

/* Enough lines that the reader's ring of buffers goes round many times. */
#define LINES 120000

static size_t make_line(uint64_t i, char *buf)
{
	return (size_t)snprintf(buf, 200, "line %llu %0*d", (unsigned long long)i, (int)(i % 150), 7);
}

static bool write_lines(const char *path, bool gzip)
{
	char buf[256];
	if (gzip) {
		gzFile gz = gzopen(path, "wb1");
		if (!gz)
			return false;
		for (uint64_t i = 0; i < LINES; i++) {
			size_t n = make_line(i, buf);
			buf[n++] = '\n';
			gzwrite(gz, buf, (unsigned)n);
		}
		return gzclose(gz) == Z_OK;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	for (uint64_t i = 0; i < LINES; i++)
		fprintf(f, "%.*s\n", (int)make_line(i, buf), buf);
	return fclose(f) == 0;
}

struct producer {
	ff_handoff *h;
	ff_input *in;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	ff_line ln;
	ff_record rec;
	while (ff_input_next(p->in, &ln) == FF_INPUT_LINE) {
		memset(&rec, 0, sizeof rec);
		rec.path = ff_sv_make(ln.p, ln.n);
		ff_event ev = { .kind = FF_EV_LINE, .line = &ln, .parsed = true, .result = FF_PARSE_OK, .rec = &rec };
		ff_handoff_add(p->h, &ev, NULL, NULL);
	}
	ff_handoff_close(p->h);
	return NULL;
}

static void test_threads(const char *path, bool gzip)
{
	CHECK(write_lines(path, gzip));
	char err[256];
	struct producer p = { .h = ff_handoff_new(), .in = ff_input_open(path, err, sizeof err) };
	CHECK(p.h && p.in);
	if (!p.h || !p.in)
		return;
	ff_line_keeper keeper = ff_handoff_keeper(p.h);
	ff_input_keep_lines(p.in, &keeper);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, produce, &p) == 0);
	uint64_t next = 0, wrong = 0;
	unsigned taken = 0;
	ff_batch *b;
	char want[256];
	while ((b = ff_handoff_take(p.h))) {
		taken++;
		/* Slower than the reader now and then, so that it waits for
		 * its buffers to be released. */
		if (taken % 8 == 0)
			usleep(2000);
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
	CHECK(taken > 50); /* the batches went round many times */
	ff_input_close(p.in);
	ff_handoff_free(p.h);
	unlink(path);
}

int main(void)
{
	test_one_thread();
	const char *tmp = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/test_handoff.%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	test_threads(path, false);
	test_threads(path, true);
	return CHECK_DONE("test_handoff");
}
