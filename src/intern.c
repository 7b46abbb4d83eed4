/* intern.c — the run-lifetime store of distinct byte strings: a seeded hash
 * map from string to id, an array from id to view, and arena chunks that
 * hold the bytes.  Everything that outlives an input block (paths, visitor
 * keys, report keys) passes through here once per distinct value. */
#include "intern.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

/* Strings are packed into chunks of this size; one larger than a quarter
 * of it gets a chunk of its own so the current chunk's tail is not
 * wasted. */
#define INTERN_CHUNK (256u * 1024u)

struct chunk {
	struct chunk *next;
	size_t cap, used;
	alignas(max_align_t) char data[];
};

struct ff_intern {
	ff_hmap *map;        /* hash of bytes -> id */
	ff_sv *strs;         /* id -> stored bytes */
	size_t count, cap;
	struct chunk *head;  /* strings are added to head */
	size_t arena_bytes;
	size_t limit;        /* 0, or the most strings kept (ff_intern_set_limit) */
	uint64_t overflows;  /* lookups answered with the overflow id */
	bool stopped;        /* the budget stopped it: count is the overflow id */
	ff_budget *budget;   /* NULL: none */
	size_t charged;      /* bytes this table charged the budget */
	size_t max_len;      /* longest string kept whole; SIZE_MAX: any */
	char *cut;           /* max_len + MARK_MAX bytes: a truncated key */
};

/* "…[+N bytes]" with N up to 20 digits */
#define MARK_MAX 40

/* The key being looked up: the concatenation of some views. */
struct lookup {
	const ff_intern *in;
	const ff_sv *parts;
	size_t nparts;
	size_t total;
};

static bool same_bytes(const void *ctx, uint32_t id)
{
	const struct lookup *k = ctx;
	ff_sv s = k->in->strs[id];
	if (s.n != k->total)
		return false;
	const char *p = s.p;
	for (size_t i = 0; i < k->nparts; i++) {
		size_t n = k->parts[i].n;
		if (n && memcmp(p, k->parts[i].p, n) != 0)
			return false;
		p += n;
	}
	return true;
}

ff_intern *ff_intern_new(uint64_t seed)
{
	ff_intern *in = calloc(1, sizeof *in);
	if (!in)
		return NULL;
	in->max_len = SIZE_MAX;
	in->map = ff_hmap_new(seed);
	if (!in->map) {
		free(in);
		return NULL;
	}
	return in;
}

void ff_intern_free(ff_intern *in)
{
	if (!in)
		return;
	struct chunk *c = in->head;
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	ff_hmap_free(in->map);
	free(in->strs);
	free(in->cut);
	free(in);
}

/* n bytes of arena space; NULL when out of memory. */
static char *arena_alloc(ff_intern *in, size_t n)
{
	struct chunk *h = in->head;
	if (h && h->cap - h->used >= n) {
		char *p = h->data + h->used;
		h->used += n;
		return p;
	}
	bool own = n > INTERN_CHUNK / 4;
	size_t cap = own ? n : INTERN_CHUNK;
	if (cap > SIZE_MAX - sizeof(struct chunk))
		return NULL;
	struct chunk *c = malloc(sizeof *c + cap);
	if (!c)
		return NULL;
	c->cap = cap;
	c->used = n;
	in->arena_bytes += sizeof *c + cap;
	if (own && h) {
		/* Behind the head: the head keeps taking small strings. */
		c->next = h->next;
		h->next = c;
	} else {
		c->next = h;
		in->head = c;
	}
	return c->data;
}

static uint64_t hash_parts(const ff_intern *in, const ff_sv *parts, size_t nparts, size_t *total)
{
	/* Nearly every key is one view: hash it in one pass, without the
	 * hasher's buffering (the result is the same). */
	if (nparts == 1) {
		*total = parts[0].n;
		return ff_hmap_hash(in->map, parts[0]);
	}
	ff_hasher h;
	ff_hasher_init(&h, ff_hmap_hash_key(in->map));
	*total = 0;
	for (size_t i = 0; i < nparts; i++) {
		ff_hasher_update(&h, parts[i].p, parts[i].n);
		*total += parts[i].n;
	}
	return ff_hasher_final(&h);
}

static uint32_t id_of(ff_intern *in, const ff_sv *parts, size_t nparts, uint64_t hash, size_t total);

uint32_t ff_intern_id_parts(ff_intern *in, const ff_sv *parts, size_t nparts)
{
	size_t total;
	uint64_t hash = hash_parts(in, parts, nparts, &total);
	return id_of(in, parts, nparts, hash, total);
}

uint32_t ff_intern_id_hashed(ff_intern *in, ff_sv bytes, uint64_t hash)
{
	return id_of(in, &bytes, 1, hash, bytes.n);
}

ff_hash_key ff_intern_hash_key(const ff_intern *in)
{
	return ff_hmap_hash_key(in->map);
}

void ff_intern_prefetch(const ff_intern *in, uint64_t hash)
{
	ff_hmap_prefetch(in->map, hash);
}

/* Whether the table keeps no new string: its key limit or the budget. */
static bool full(const ff_intern *in)
{
	return in->stopped || (in->limit && in->count >= in->limit);
}

static uint32_t overflow_id(const ff_intern *in)
{
	return (uint32_t)(in->stopped ? in->count : in->limit);
}

/* Whether adding total bytes would take the budget past its limit; the
 * table then stops keeping new strings for good (the budget only grows). */
static bool over_budget(ff_intern *in, size_t total)
{
	ff_budget *b = in->budget;
	if (!b || !b->limit)
		return false;
	/* The string, its view and about a hash map slot. */
	size_t need = total + sizeof(ff_sv) + 16;
	if (b->used <= b->limit && need <= b->limit - b->used)
		return false;
	in->stopped = true;
	b->reached = true;
	return true;
}

static void charge(ff_intern *in)
{
	size_t now = ff_intern_bytes(in);
	if (now > in->charged) {
		in->budget->used += now - in->charged;
		in->charged = now;
	}
}

static uint32_t id_of_kept(ff_intern *in, const ff_sv *parts, size_t nparts, uint64_t hash, size_t total);

/* A string longer than max_len: looked up as its truncated form. */
static uint32_t id_of_cut(ff_intern *in, const ff_sv *parts, size_t nparts, size_t total)
{
	/* The kept bytes and the first one cut (total > max_len). */
	size_t keep = in->max_len, at = 0;
	char *p = in->cut;
	for (size_t i = 0; i < nparts && at <= keep; i++) {
		size_t n = parts[i].n < keep + 1 - at ? parts[i].n : keep + 1 - at;
		if (n)
			memcpy(p + at, parts[i].p, n);
		at += n;
	}
	/* A UTF-8 sequence cut in two goes whole into the cut part. */
	size_t back = 0;
	while (back < 4 && back < keep && ((unsigned char)p[keep - back] & 0xC0) == 0x80)
		back++;
	if (back && back < 4 && back < keep && (unsigned char)p[keep - back] >= 0xC0)
		keep -= back;
	int m = snprintf(p + keep, MARK_MAX, "\xe2\x80\xa6[+%zu bytes]", total - keep);
	ff_sv cut = ff_sv_make(p, keep + (size_t)m);
	size_t before = in->count;
	uint32_t id = id_of_kept(in, &cut, 1, ff_hmap_hash(in->map, cut), cut.n);
	if (in->count > before && in->budget)
		in->budget->truncated++;
	return id;
}

static uint32_t id_of(ff_intern *in, const ff_sv *parts, size_t nparts, uint64_t hash, size_t total)
{
	if (total > in->max_len)
		return id_of_cut(in, parts, nparts, total);
	return id_of_kept(in, parts, nparts, hash, total);
}

static uint32_t id_of_kept(ff_intern *in, const ff_sv *parts, size_t nparts, uint64_t hash, size_t total)
{
	struct lookup k = { .in = in, .parts = parts, .nparts = nparts, .total = total };

	uint32_t *found = ff_hmap_find(in->map, hash, same_bytes, &k);
	if (found)
		return *found;

	/* New, and the table is full: the string shares the overflow id. */
	if (full(in) || over_budget(in, total)) {
		in->overflows++;
		return overflow_id(in);
	}
	/* New: make every allocation first so that nothing half-added is
	 * left behind when one fails. */
	if (in->count >= FF_INTERN_NONE)
		return FF_INTERN_NONE;
	if (in->count == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 1024;
		if (in->limit && cap > in->limit)
			cap = in->limit; /* more than count: count < limit here */
		ff_sv *strs = realloc(in->strs, cap * sizeof *strs);
		if (!strs)
			return FF_INTERN_NONE;
		in->strs = strs;
		in->cap = cap;
	}
	if (ff_hmap_reserve(in->map, in->count + 1) != 0)
		return FF_INTERN_NONE;
	const char *stored = "";
	if (k.total) {
		char *p = arena_alloc(in, k.total);
		if (!p)
			return FF_INTERN_NONE;
		stored = p;
		for (size_t i = 0; i < nparts; i++) {
			if (parts[i].n)
				memcpy(p, parts[i].p, parts[i].n);
			p += parts[i].n;
		}
	}

	uint32_t id = (uint32_t)in->count;
	bool inserted;
	uint32_t *slot = ff_hmap_find_or_insert(in->map, hash, same_bytes, &k, &inserted);
	/* Reserved above and absent, so this inserts and cannot fail. */
	*slot = id;
	in->strs[id] = ff_sv_make(stored, k.total);
	in->count++;
	if (in->budget)
		charge(in);
	return id;
}

uint32_t ff_intern_id(ff_intern *in, ff_sv bytes)
{
	return ff_intern_id_parts(in, &bytes, 1);
}

uint32_t ff_intern_find(const ff_intern *in, ff_sv bytes)
{
	struct lookup k = { .in = in, .parts = &bytes, .nparts = 1, .total = bytes.n };
	uint32_t *found = ff_hmap_find(in->map, ff_hmap_hash(in->map, bytes), same_bytes, &k);
	return found ? *found : FF_INTERN_NONE;
}

ff_sv ff_intern_get(const ff_intern *in, uint32_t id)
{
	if (id >= in->count)
		return FF_SV_NULL;
	return in->strs[id];
}

void ff_intern_set_limit(ff_intern *in, size_t max)
{
	if (max && max < in->count)
		max = in->count;
	/* the overflow id must stay clear of FF_INTERN_NONE */
	if (max >= FF_INTERN_NONE)
		max = 0;
	in->limit = max;
}

bool ff_intern_is_overflow(const ff_intern *in, uint32_t id)
{
	return in->stopped ? id == in->count : in->limit && id == in->limit;
}

int ff_intern_set_budget(ff_intern *in, ff_budget *budget, size_t max_len)
{
	in->budget = budget;
	if (budget)
		charge(in);
	if (max_len && max_len < SIZE_MAX - MARK_MAX) {
		char *cut = realloc(in->cut, max_len + MARK_MAX);
		if (!cut)
			return -1;
		in->cut = cut;
		in->max_len = max_len;
	}
	return 0;
}

bool ff_intern_budget_stopped(const ff_intern *in)
{
	return in->stopped;
}

uint64_t ff_intern_overflows(const ff_intern *in)
{
	return in->overflows;
}

size_t ff_intern_count(const ff_intern *in)
{
	return in->count;
}

size_t ff_intern_bytes(const ff_intern *in)
{
	return sizeof *in + in->arena_bytes + in->cap * sizeof *in->strs + ff_hmap_bytes(in->map);
}
