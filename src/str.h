/* str.h — byte-string views: a pointer and a length into memory owned by
 * someone else (an input block, an interned table, a literal).
 *
 * A view never owns its bytes and is never NUL-terminated by contract; its
 * lifetime is that of the memory it points into.  Functions here never read
 * past p + n. */
#ifndef FF_STR_H
#define FF_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ff_sv {
	const char *p;
	size_t n;
} ff_sv;

#define FF_SV_NULL ((ff_sv){ NULL, 0 })
#define FF_SV_LIT(s) ((ff_sv){ (s), sizeof(s) - 1 })

static inline ff_sv ff_sv_make(const char *p, size_t n)
{
	return (ff_sv){ p, n };
}

static inline ff_sv ff_sv_cstr(const char *s)
{
	return (ff_sv){ s, s ? strlen(s) : 0 };
}

static inline bool ff_sv_eq(ff_sv a, ff_sv b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool ff_sv_eq_cstr(ff_sv a, const char *s)
{
	return ff_sv_eq(a, ff_sv_cstr(s));
}

/* Byte-wise comparison: shorter prefix sorts first.  Used for every
 * deterministic ordering of report keys. */
static inline int ff_sv_cmp(ff_sv a, ff_sv b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c != 0)
		return c;
	return (a.n > b.n) - (a.n < b.n);
}

static inline bool ff_sv_starts_with(ff_sv a, ff_sv prefix)
{
	return a.n >= prefix.n && (prefix.n == 0 || memcmp(a.p, prefix.p, prefix.n) == 0);
}

/* The first byte c in [p, end), or NULL.  Log fields are mostly a few
 * bytes long, where calling memchr costs more than the search: the first
 * 32 bytes are looked at here, eight at a time, and memchr takes the rest. */
static inline const char *ff_find_byte(const char *p, const char *end, char c)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	const uint64_t pattern = ones * (unsigned char)c;
	const char *stop = end - p > 32 ? p + 32 : end;
	for (; stop - p >= 8; p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		w ^= pattern;
		/* exact: a high bit is set for each zero byte and, above the
		 * first zero byte, possibly others; the lowest set is the first */
		uint64_t zero = (w - ones) & ~w & highs;
		if (zero) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + (__builtin_ctzll(zero) >> 3);
#else
			break;
#endif
		}
	}
	for (; p < stop; p++)
		if (*p == c)
			return p;
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}

/* First index of byte c in a, or a.n when absent. */
static inline size_t ff_sv_find(ff_sv a, char c)
{
	const char *q = a.n ? ff_find_byte(a.p, a.p + a.n, c) : NULL;
	return q ? (size_t)(q - a.p) : a.n;
}

static inline ff_sv ff_sv_sub(ff_sv a, size_t from, size_t to)
{
	if (to > a.n)
		to = a.n;
	if (from > to)
		from = to;
	return (ff_sv){ a.p + from, to - from };
}

/* The next item of a sep-separated list: the bytes of *rest up to the
 * first sep (all of it when there is none); *rest moves past the sep. */
static inline ff_sv ff_sv_next_item(ff_sv *rest, char sep)
{
	size_t at = ff_sv_find(*rest, sep);
	ff_sv item = ff_sv_sub(*rest, 0, at);
	*rest = ff_sv_sub(*rest, at + 1, rest->n);
	return item;
}

/* Parses decimal digits only (no sign, no spaces).  Returns false when the
 * view is empty, holds a non-digit, or the value exceeds max. */
static inline bool ff_sv_to_u64(ff_sv a, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (a.n == 0)
		return false;
	for (size_t i = 0; i < a.n; i++) {
		unsigned d = (unsigned char)a.p[i] - '0';
		if (d > 9)
			return false;
		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

#endif
