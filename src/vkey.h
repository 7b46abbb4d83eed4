/* vkey.h — a visitor key's fixed 128-bit digest (SPEC §16): the identity a
 * visitor keeps across states, shards, threads and machines.  Unkeyed (the
 * same on every run and host), so it is never used to index a table an
 * attacker could fill; 128 bits keep collisions out of reach at any log
 * size.  hi is also the visitor's partition hash (--shard, footfall map). */
#ifndef FF_VKEY_H
#define FF_VKEY_H

#include <stdint.h>

#include "str.h"

typedef struct ff_vkey {
	uint64_t hi, lo;
} ff_vkey;

/* The digest of (client, user agent). */
ff_vkey ff_vkey_of(ff_sv client, ff_sv ua);

static inline int ff_vkey_cmp(ff_vkey a, ff_vkey b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return (a.lo > b.lo) - (a.lo < b.lo);
}

#endif
