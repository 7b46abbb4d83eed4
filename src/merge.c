/* merge.c — the k-way merge between the readers and the analysis: a binary
 * heap of sources keyed by the instant of their next valid line.  Sources
 * are advanced lazily, one line after each hand-out, because advancing a
 * reader invalidates the views of the line it handed out before. */
#include "merge.h"

#include <stdlib.h>

enum source_state { SRC_PENDING, SRC_IN_HEAP, SRC_DONE };

struct source {
	ff_input *in;
	ff_replay replay;
	size_t replay_pos;
	ff_line line;
	ff_record rec;
	enum ff_parse_result result;
	bool parsed;
	enum source_state state;
};

struct ff_merge {
	ff_format *fmt;
	struct source *src;
	size_t count, cap;
	size_t *heap; /* source indices */
	size_t heap_len;
	size_t *pending; /* sources whose next line is still to be read */
	size_t pending_len;
	bool keep_lines;
	bool defer_parse;
};

/* What is kept of an overlong line read ahead: it is invalid whatever
 * follows, and only its first bytes are ever shown, so a thousand of them
 * must not hold a thousand times FF_LINE_MAX. */
#define REPLAY_OVERLONG_KEEP 4096

int ff_replay_push(ff_replay *r, const ff_line *line)
{
	ff_line cut;
	if (line->overlong && line->n > REPLAY_OVERLONG_KEEP) {
		cut = *line;
		cut.n = REPLAY_OVERLONG_KEEP;
		line = &cut;
	}
	if (r->count + 1 >= r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		size_t *off = realloc(r->offsets, (cap + 1) * sizeof *off);
		if (!off)
			return -1;
		r->offsets = off;
		uint64_t *num = realloc(r->numbers, cap * sizeof *num);
		if (!num)
			return -1;
		r->numbers = num;
		unsigned char *ol = realloc(r->overlong, cap);
		if (!ol)
			return -1;
		r->overlong = ol;
		r->cap = cap;
	}
	if (r->bytes_len + line->n > r->bytes_cap) {
		size_t cap = r->bytes_cap ? r->bytes_cap : 4096;
		while (cap < r->bytes_len + line->n)
			cap *= 2;
		char *b = realloc(r->bytes, cap);
		if (!b)
			return -1;
		r->bytes = b;
		r->bytes_cap = cap;
	}
	if (r->count == 0)
		r->offsets[0] = 0;
	if (line->n)
		memcpy(r->bytes + r->bytes_len, line->p, line->n);
	r->bytes_len += line->n;
	r->numbers[r->count] = line->number;
	r->overlong[r->count] = line->overlong;
	r->count++;
	r->offsets[r->count] = r->bytes_len;
	return 0;
}

void ff_replay_free(ff_replay *r)
{
	free(r->bytes);
	free(r->offsets);
	free(r->numbers);
	free(r->overlong);
	memset(r, 0, sizeof *r);
}

ff_merge *ff_merge_new(ff_format *fmt)
{
	ff_merge *m = calloc(1, sizeof *m);
	if (m)
		m->fmt = fmt;
	return m;
}

long ff_merge_add(ff_merge *m, ff_input *in, ff_replay *replay)
{
	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct source *s = realloc(m->src, cap * sizeof *s);
		if (!s)
			return -1;
		m->src = s;
		size_t *h = realloc(m->heap, cap * sizeof *h);
		if (!h)
			return -1;
		m->heap = h;
		size_t *p = realloc(m->pending, cap * sizeof *p);
		if (!p)
			return -1;
		m->pending = p;
		m->cap = cap;
	}
	struct source *s = &m->src[m->count];
	memset(s, 0, sizeof *s);
	s->in = in;
	if (replay) {
		s->replay = *replay;
		memset(replay, 0, sizeof *replay);
	}
	s->state = SRC_PENDING;
	/* Pending sources are taken from the end: keep the first-added first. */
	memmove(m->pending + 1, m->pending, m->pending_len * sizeof *m->pending);
	m->pending[0] = m->count;
	m->pending_len++;
	return (long)m->count++;
}

/* Strict "comes before": earlier instant, then lower source index. */
static int before(const ff_merge *m, size_t a, size_t b)
{
	const ff_time *ta = &m->src[a].rec.time, *tb = &m->src[b].rec.time;
	if (ta->t != tb->t)
		return ta->t < tb->t;
	if (ta->usec != tb->usec)
		return ta->usec < tb->usec;
	return a < b;
}

static void heap_push(ff_merge *m, size_t idx)
{
	size_t i = m->heap_len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(m, idx, m->heap[parent]))
			break;
		m->heap[i] = m->heap[parent];
		i = parent;
	}
	m->heap[i] = idx;
}

static size_t heap_pop(ff_merge *m)
{
	size_t top = m->heap[0];
	size_t last = m->heap[--m->heap_len];
	size_t i = 0, n = m->heap_len;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		size_t best_idx = last;
		if (l < n && before(m, m->heap[l], best_idx))
			best = l, best_idx = m->heap[l];
		if (r < n && before(m, m->heap[r], best_idx))
			best = r, best_idx = m->heap[r];
		if (best == i)
			break;
		m->heap[i] = m->heap[best];
		i = best;
	}
	if (n)
		m->heap[i] = last;
	return top;
}

/* Reads and parses the source's next line.  Returns an input status. */
static enum ff_input_status advance(ff_merge *m, struct source *s)
{
	enum ff_input_status st;
	if (s->replay_pos < s->replay.count) {
		size_t i = s->replay_pos++;
		s->line.p = s->replay.bytes + s->replay.offsets[i];
		s->line.n = s->replay.offsets[i + 1] - s->replay.offsets[i];
		s->line.number = s->replay.numbers[i];
		s->line.overlong = s->replay.overlong[i];
		st = FF_INPUT_LINE;
	} else {
		if (s->replay.count && !m->keep_lines)
			ff_replay_free(&s->replay), s->replay_pos = 0;
		st = ff_input_next(s->in, &s->line);
	}
	if (st != FF_INPUT_LINE)
		return st;
	s->parsed = true;
	if (s->line.overlong) {
		s->result = FF_PARSE_INVALID;
		memset(&s->rec, 0, sizeof s->rec);
	} else if (m->defer_parse && m->count == 1) {
		s->parsed = false;
	} else {
		s->result = ff_format_parse(m->fmt, s->line.p, s->line.n, &s->rec);
	}
	return st;
}

static void fill(ff_merge *m, size_t idx, ff_event *ev)
{
	struct source *s = &m->src[idx];
	/* A json format decodes escapes into one buffer that other sources'
	 * lines have since reused: the line handed out is parsed again. */
	if (s->parsed && s->result == FF_PARSE_OK && m->count > 1 && ff_format_views_transient(m->fmt))
		s->result = ff_format_parse(m->fmt, s->line.p, s->line.n, &s->rec);
	ev->kind = FF_EV_LINE;
	ev->source = idx;
	ev->line = &s->line;
	ev->parsed = s->parsed;
	ev->result = s->result;
	ev->rec = s->parsed && s->result == FF_PARSE_OK ? &s->rec : NULL;
	s->state = SRC_PENDING;
	m->pending[m->pending_len++] = idx;
}

int ff_merge_next(ff_merge *m, ff_event *ev)
{
	while (m->pending_len) {
		size_t idx = m->pending[--m->pending_len];
		struct source *s = &m->src[idx];
		enum ff_input_status st = advance(m, s);
		if (st == FF_INPUT_LINE) {
			if (!s->parsed || s->result != FF_PARSE_OK) {
				fill(m, idx, ev);
				return 1;
			}
			s->state = SRC_IN_HEAP;
			heap_push(m, idx);
			continue;
		}
		s->state = SRC_DONE;
		if (st == FF_INPUT_ERROR) {
			memset(ev, 0, sizeof *ev);
			ev->kind = FF_EV_INPUT_ERROR;
			ev->source = idx;
			return 1;
		}
	}
	if (m->heap_len == 0)
		return 0;
	fill(m, heap_pop(m), ev);
	return 1;
}

void ff_merge_defer_parse(ff_merge *m)
{
	m->defer_parse = true;
}

void ff_merge_keep_lines(ff_merge *m, const ff_line_keeper *keeper)
{
	m->keep_lines = true;
	for (size_t i = 0; i < m->count; i++)
		ff_input_keep_lines(m->src[i].in, keeper);
}

const ff_input *ff_merge_input(const ff_merge *m, size_t source)
{
	return source < m->count ? m->src[source].in : NULL;
}

size_t ff_merge_count(const ff_merge *m)
{
	return m->count;
}

void ff_merge_free(ff_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++) {
		if (m->src[i].in)
			ff_input_close(m->src[i].in);
		ff_replay_free(&m->src[i].replay);
	}
	free(m->src);
	free(m->heap);
	free(m->pending);
	free(m);
}
