/* utf8.h — the UTF-8 facts every renderer of log text needs.  Log bytes
 * are arbitrary: renderers show valid UTF-8 as it is, except the code
 * points that would let text hide or pose as other text. */
#ifndef FF_UTF8_H
#define FF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence starting at p (1-4), or 0 when the
 * byte at p does not start one within n bytes (defined in jsonw.c). */
size_t ff_utf8_seq_len(const unsigned char *p, size_t n);

/* The code point of a valid sequence of len bytes (see ff_utf8_seq_len
 * for the validation). */
static inline uint32_t ff_utf8_decode(const unsigned char *s, size_t len)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[len];
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Valid UTF-8 that still must not be shown raw: C1 controls (U+009B is
 * CSI on some terminals), the line and paragraph separators, the
 * bidirectional controls and the zero-width no-break space. */
static inline bool ff_utf8_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* The one rule for writing text that came from outside (log lines, file
 * names, configuration) where people read it: the length of the unit at p
 * (n > 0 bytes left) that may be written as it is, or 0 when the byte at p
 * must be escaped (each writer has its notation, mostly \xHH): C0
 * controls, DEL, a byte that is not part of valid UTF-8, and each byte of
 * a hidden code point.  Printable ASCII gives 1, backslash and quotes
 * included: the formats that escape them do so themselves. */
static inline size_t ff_utf8_plain_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return c >= 0x20 && c != 0x7f;
	size_t len = ff_utf8_seq_len(p, n);
	return len && !ff_utf8_hidden(ff_utf8_decode(p, len)) ? len : 0;
}

#endif
